//! Shared look of all figures: palette, font, strokes, the diverging weight
//! colour map, and small builders (text, muted notes, heatmap grids, legends,
//! the figure frame with `<title>`/`<desc>`) so every family draws the same
//! way. Axes, gridlines and plot frames are in `chart`.
//!
//! Coordinates go through [`r`] (two decimals) before they reach the svg
//! crate, which would otherwise print raw floats like `0.30000000000000004`.
//! Numbers meant for reading go through `crate::num` and [`minus`].

use super::Figure;
use svg::Document;
use svg::node::element::{Description, Group, LinearGradient, Rectangle, Stop, Text, Title};

/// The SVGs' font list: the bundled DejaVu Sans first (`raster::FONT_NAME`,
/// the only font PNGs are rendered with; not served with the site, so a
/// browser uses it where the system has it, else the next; text widths are
/// estimated for DejaVu Sans, among the widest of these, so text fits).
pub(crate) const FONT_FAMILY: &str = "'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif";
pub(crate) const FONT_SIZE: f64 = 13.0;
pub(crate) const SMALL: f64 = 11.0;
pub(crate) const LARGE: f64 = 16.0;
/// Text of slide variants, in the figure's own units. A slide figure is
/// drawn so that it shows at about its own size on a 1280×720 slide, so this
/// is roughly the size the back row sees (the deck test asks for 20 px).
pub(crate) const SLIDE_TEXT: f64 = 26.0;

pub(crate) const INK: &str = "#222222";
pub(crate) const MUTED: &str = "#6b6b6b";
pub(crate) const GRID: &str = "#d9d9d9";
pub(crate) const PAPER: &str = "#ffffff";
/// Thin border around heatmaps, so a white (zero) cell stays visible on a
/// white slide.
pub(crate) const FRAME: &str = "#8c8c8c";
/// Label boxes on edges (the yellow of the hand-drawn slides, lighter).
pub(crate) const LABEL_FILL: &str = "#fff3b0";
pub(crate) const LABEL_STROKE: &str = "#8a7a2a";
/// Marks what a figure is about (a highlighted pair, the chosen point).
pub(crate) const HIGHLIGHT: &str = "#e69f00";

/// Two series colours that stay apart for colour-blind readers and in grayscale
/// (Okabe–Ito blue and vermillion).
pub(crate) const SERIES_A: &str = "#0072b2";
pub(crate) const SERIES_B: &str = "#d55e00";
/// Further Okabe–Ito colours for controls and extra series.
pub(crate) const SERIES_C: &str = "#009e73";
pub(crate) const SERIES_D: &str = "#999999";
pub(crate) const SERIES_E: &str = "#cc79a7";

/// Ends of the diverging weight map (ColorBrewer RdBu, colour-blind safe).
pub(crate) const NEGATIVE: &str = "#2166ac";
pub(crate) const POSITIVE: &str = "#b2182b";

pub(crate) const STROKE: f64 = 2.0;
pub(crate) const HAIRLINE: f64 = 1.0;

/// Screen (colour, for the site), print (must read in grayscale: signs as
/// marks or separate panels, never only as hue) or slide (screen colours,
/// made for a projector: fewer, larger labels; the deck picks it by itself
/// for the families that have one, see `embeds::figure`). Families without
/// a slide layout draw `Slide` as `Screen`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Variant {
    #[default]
    Screen,
    Print,
    Slide,
}

/// A coordinate rounded to two decimals, so the SVG text stays short and
/// identical everywhere.
pub(crate) fn r(x: f64) -> f64 {
    let v = (x * 100.0).round() / 100.0;
    if v == 0.0 { 0.0 } else { v }
}

/// Replaces a leading ASCII hyphen by a typographic minus (U+2212) for display.
pub(crate) fn minus(s: &str) -> String {
    match s.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => s.to_string(),
    }
}

/// `x` with `digits` decimals, typographic minus, never `-0`.
pub(crate) fn num(x: f64, digits: usize) -> String {
    minus(&crate::num::fixed(x, digits))
}

/// `x` with `digits` decimals and an explicit sign (`+0.12`, `−0.12`, `0.00`).
pub(crate) fn signed(x: f64, digits: usize) -> String {
    let s = crate::num::fixed(x, digits);
    if s.starts_with('-') {
        minus(&s)
    } else if s.bytes().all(|b| b == b'0' || b == b'.') {
        s
    } else {
        format!("+{s}")
    }
}

/// An exact decimal for display (toy nets): normalised, typographic minus.
pub(crate) fn dec(d: &rust_decimal::Decimal) -> String {
    minus(&crate::num::exact(d))
}

fn mix(a: (u8, u8, u8), b: (u8, u8, u8), t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let c = |x: u8, y: u8| -> u8 {
        let v = f64::from(x) + (f64::from(y) - f64::from(x)) * t;
        v.round().clamp(0.0, 255.0) as u8
    };
    format!("#{:02x}{:02x}{:02x}", c(a.0, b.0), c(a.1, b.1), c(a.2, b.2))
}

const RGB_NEG: (u8, u8, u8) = (0x21, 0x66, 0xac);
const RGB_POS: (u8, u8, u8) = (0xb2, 0x18, 0x2b);
const RGB_WHITE: (u8, u8, u8) = (0xff, 0xff, 0xff);
const RGB_BLACK: (u8, u8, u8) = (0x00, 0x00, 0x00);

/// Steps of a colour scale from zero to full colour. A heatmap cell's
/// colour moves in steps of 1/32 of the scale (3 %; one step is a change of
/// at most 7 in a channel, below what the eye tells apart in a cell), so
/// neighbouring cells often share a colour and a heatmap draws as a few
/// hundred runs instead of 784 cells. The exact numbers are in the
/// figure's data; the legends stay continuous.
pub(crate) const COLOUR_STEPS: f64 = 32.0;

/// `t` in [−1, 1] rounded to the nearest of the scale's steps.
pub(crate) fn stepped(t: f64) -> f64 {
    (t.clamp(-1.0, 1.0) * COLOUR_STEPS).round() / COLOUR_STEPS
}

/// Diverging colour of a weight: blue negative, white zero, red positive,
/// full colour at `|v| >= abs_max`. Linear in `v`, in [`COLOUR_STEPS`].
pub(crate) fn diverging(v: f64, abs_max: f64) -> String {
    if abs_max.is_nan() || abs_max <= 0.0 || !v.is_finite() {
        return mix(RGB_WHITE, RGB_WHITE, 0.0);
    }
    let t = stepped(v / abs_max);
    if t < 0.0 {
        mix(RGB_WHITE, RGB_NEG, -t)
    } else {
        mix(RGB_WHITE, RGB_POS, t)
    }
}

/// Grayscale of a magnitude for print panels: white at 0, black at `abs_max`
/// (in [`COLOUR_STEPS`]).
pub(crate) fn magnitude_gray(v: f64, abs_max: f64) -> String {
    if abs_max.is_nan() || abs_max <= 0.0 || !v.is_finite() {
        return mix(RGB_WHITE, RGB_WHITE, 0.0);
    }
    mix(RGB_WHITE, RGB_BLACK, stepped(v.abs() / abs_max))
}

/// Grayscale of an MNIST pixel (0 = paper white, 255 = black ink): digits are
/// never drawn in the weight colours.
pub(crate) fn ink(pixel: u8) -> String {
    mix(RGB_WHITE, RGB_BLACK, f64::from(pixel) / 255.0)
}

/// Text with the house font settings. `anchor`: "start" | "middle" | "end".
pub(crate) fn text(s: impl Into<String>, x: f64, y: f64, size: f64, anchor: &str) -> Text {
    Text::new(s.into())
        .set("x", r(x))
        .set("y", r(y))
        .set("font-size", size)
        .set("text-anchor", anchor)
        .set("fill", INK)
}

/// Small text in the muted colour: captions, notes, axis names.
pub(crate) fn muted(s: impl Into<String>, x: f64, y: f64, anchor: &str) -> Text {
    text(s, x, y, SMALL, anchor).set("fill", MUTED)
}

/// A grid of coloured cells, row-major, each `cell` wide, with a thin frame.
/// `colour` maps a cell's value to a fill.
///
/// Drawn as few elements as the picture allows (a 28 × 28 heatmap was 784
/// `<rect>`s): one rectangle under the whole grid in its most common colour,
/// then one `<path>` per other colour whose subpaths are that colour's
/// horizontal runs of equal cells. Cell edges sit where the one-rectangle-
/// per-cell drawing put them, so the picture is the same and stays vector
/// (sharp at any zoom and in print); the numbers are in the figure's data.
pub(crate) fn grid(
    values: &[f64],
    cols: usize,
    x: f64,
    y: f64,
    cell: f64,
    colour: impl Fn(f64) -> String,
) -> Group {
    let cols = cols.max(1);
    let rows = values.len().div_ceil(cols);
    let fills: Vec<String> = values.iter().map(|v| colour(*v)).collect();
    let mut g = Group::new().set("shape-rendering", "crispEdges");
    if let Some(ground) = most_common(&fills) {
        let full_rows = values.len() / cols;
        if full_rows > 0 {
            g = g.add(
                Rectangle::new()
                    .set("x", r(x))
                    .set("y", r(y))
                    .set("width", r(cols as f64 * cell))
                    .set("height", r(full_rows as f64 * cell))
                    .set("fill", ground.as_str()),
            );
        }
        // A short last row is not covered by the ground: draw all its cells.
        let covered = |i: usize| i < full_rows * cols;
        let edge = |i: usize, origin: f64| r(origin + i as f64 * cell);
        let mut runs = Runs::default();
        let mut i = 0;
        while i < fills.len() {
            let (row, col) = (i / cols, i % cols);
            let mut end = col + 1;
            while end < cols
                && row * cols + end < fills.len()
                && fills[row * cols + end] == fills[i]
            {
                end += 1;
            }
            if !(covered(i) && fills[i] == ground) {
                runs.add(
                    &fills[i],
                    (edge(col, x), edge(row, y)),
                    (edge(end, x), edge(row + 1, y)),
                );
            }
            i = row * cols + end;
        }
        g = runs.draw(g);
    }
    g.add(super::chart::framed(
        x,
        y,
        cols as f64 * cell,
        rows as f64 * cell,
    ))
}

/// The colour most cells have (the first seen among equals), if any.
fn most_common(fills: &[String]) -> Option<String> {
    let mut counts: std::collections::HashMap<&str, (usize, usize)> = Default::default();
    for (i, f) in fills.iter().enumerate() {
        counts.entry(f.as_str()).or_insert((0, i)).0 += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.1.1.cmp(&a.1.1)))
        .map(|(c, _)| c.to_string())
}

/// Axis-aligned rectangles of a few colours, drawn as one `<path>` per
/// colour (in the order colours were first added) instead of one `<rect>`
/// each: heatmaps and matrix strips are thousands of cells in a few hundred
/// colours.
#[derive(Default)]
pub(crate) struct Runs {
    order: Vec<String>,
    paths: std::collections::HashMap<String, String>,
}

impl Runs {
    /// Adds the rectangle from corner `from` to corner `to` (already rounded
    /// by [`r`]) in `fill`.
    pub(crate) fn add(&mut self, fill: &str, from: (f64, f64), to: (f64, f64)) {
        use std::fmt::Write;
        if !self.paths.contains_key(fill) {
            self.order.push(fill.to_string());
            self.paths.insert(fill.to_string(), String::new());
        }
        let Some(d) = self.paths.get_mut(fill) else {
            return;
        };
        let (w, h) = (r(to.0 - from.0), r(to.1 - from.1));
        let _ = write!(d, "M{} {}h{w}v{h}h{}z", from.0, from.1, r(-w));
    }

    /// `g` with one path per colour added.
    pub(crate) fn draw(mut self, mut g: Group) -> Group {
        for f in self.order {
            let d = self.paths.remove(&f).unwrap_or_default();
            g = g.add(svg::node::element::Path::new().set("fill", f).set("d", d));
        }
        g
    }
}

/// Decimals for numbers on a scale whose largest magnitude is `abs_max`:
/// 1 from 10 up, 2 from 1 up, 3 below.
pub(crate) fn places(abs_max: f64) -> usize {
    if abs_max >= 10.0 {
        1
    } else if abs_max >= 1.0 {
        2
    } else {
        3
    }
}

/// Ticks `−abs_max`, `0`, `+abs_max` at the start, middle and end of a bar.
pub(crate) fn signed_ticks(abs_max: f64) -> Vec<(f64, String)> {
    let d = places(abs_max);
    vec![
        (0.0, num(-abs_max, d)),
        (0.5, "0".to_string()),
        (1.0, format!("+{}", crate::num::fixed(abs_max, d))),
    ]
}

/// A horizontal colour bar (the legend of every colour scale): a gradient
/// through `stops` (offset 0–1, colour), `ticks` (offset 0–1, text) written
/// under it, `label` above it. `id` must be unique in the document (prefix
/// it with the figure id).
pub(crate) fn colour_bar(
    id: &str,
    (x, y, width): (f64, f64, f64),
    stops: &[(f64, &str)],
    ticks: &[(f64, String)],
    label: &str,
) -> Group {
    let grad_id = format!("{id}-legend");
    let mut gradient = LinearGradient::new().set("id", grad_id.clone());
    for (offset, colour) in stops {
        gradient = gradient.add(
            Stop::new()
                .set("offset", *offset)
                .set("stop-color", *colour),
        );
    }
    let mut g = Group::new()
        .add(svg::node::element::Definitions::new().add(gradient))
        .add(
            Rectangle::new()
                .set("x", r(x))
                .set("y", r(y))
                .set("width", r(width))
                .set("height", 10)
                .set("fill", format!("url(#{grad_id})"))
                .set("stroke", FRAME)
                .set("stroke-width", HAIRLINE),
        );
    for (at, t) in ticks {
        let anchor = if *at <= 0.0 {
            "start"
        } else if *at >= 1.0 {
            "end"
        } else {
            "middle"
        };
        g = g.add(text(t.clone(), x + width * at, y + 24.0, SMALL, anchor));
    }
    g.add(text(label, x + width / 2.0, y - 5.0, SMALL, "middle").set("fill", MUTED))
}

/// The legend of the diverging weight map, from `-abs_max` to `+abs_max`.
pub(crate) fn diverging_legend(
    id: &str,
    x: f64,
    y: f64,
    width: f64,
    abs_max: f64,
    label: &str,
) -> Group {
    colour_bar(
        id,
        (x, y, width),
        &[(0.0, NEGATIVE), (0.5, PAPER), (1.0, POSITIVE)],
        &signed_ticks(abs_max),
        label,
    )
}

/// The frame of every figure: size, font, white paper, `<title>` and
/// `<desc>`. Add the figure's content to the returned document.
pub(crate) fn frame(width: f64, height: f64, title: &str, description: &str) -> Document {
    Document::new()
        .set("viewBox", format!("0 0 {} {}", r(width), r(height)))
        .set("width", r(width))
        .set("height", r(height))
        .set("role", "img")
        .set("font-family", FONT_FAMILY)
        .set("font-size", FONT_SIZE)
        .add(Title::new(title.to_string()))
        .add(Description::new().add(svg::node::Text::new(description.to_string())))
        .add(
            Rectangle::new()
                .set("width", r(width))
                .set("height", r(height))
                .set("fill", PAPER),
        )
}

/// Assembles a [`Figure`]: `doc` must come from [`frame`] with the same
/// description.
pub(crate) fn figure(
    id: impl Into<String>,
    title: &str,
    description: String,
    doc: Document,
    data: super::data::FigureData,
) -> Figure {
    Figure {
        id: id.into(),
        title: title.to_string(),
        svg: doc,
        description,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diverging_is_white_at_zero_and_saturates() {
        assert_eq!(diverging(0.0, 1.0), "#ffffff");
        assert_eq!(diverging(1.0, 1.0), POSITIVE);
        assert_eq!(diverging(-5.0, 1.0), NEGATIVE);
        assert_eq!(diverging(0.3, 0.0), "#ffffff");
    }

    #[test]
    fn numbers_use_a_real_minus_and_explicit_signs() {
        assert_eq!(num(-1.5, 2), "\u{2212}1.50");
        assert_eq!(num(-0.001, 2), "0.00");
        assert_eq!(signed(0.25, 2), "+0.25");
        assert_eq!(signed(-0.25, 2), "\u{2212}0.25");
        assert_eq!(signed(0.0, 1), "0.0");
        assert_eq!(r(0.1 + 0.2), 0.3);
        assert_eq!(r(-0.001), 0.0);
    }

    #[test]
    fn ink_is_grayscale() {
        assert_eq!(ink(0), "#ffffff");
        assert_eq!(ink(255), "#000000");
    }
}
