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
/// then one `<path>` per other colour whose lines are that colour's
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
/// colour and height (in the order they were first added) instead of one
/// `<rect>` each: heatmaps and matrix strips are thousands of cells in a few
/// hundred colours.
///
/// Each rectangle is a horizontal line through its middle, stroked as wide
/// as the rectangle is high with square-cut (butt) ends, so it covers
/// exactly the rectangle. A line after the first is a move relative to the
/// end of the one before: a 4 × 4 cell is `m8 0h4` (7 bytes) rather than
/// `M28 112h4v4h-4z` (15).
#[derive(Default)]
pub(crate) struct Runs {
    pens: Vec<Pen>,
    /// `fill` → (height's bits, position in `pens`) of each of its pens;
    /// looked up by `&str`, so a run of a known colour allocates nothing.
    index: std::collections::HashMap<String, Vec<(u64, usize)>>,
}

/// One `<path>` of [`Runs`]: a colour, a line width, the path so far and
/// where it ends.
struct Pen {
    fill: String,
    height: f64,
    d: String,
    at: Option<(f64, f64)>,
}

/// A coordinate rounded to three decimals (line middles fall on halves of
/// [`r`]'s hundredths).
fn r3(x: f64) -> f64 {
    let v = (x * 1000.0).round() / 1000.0;
    if v == 0.0 { 0.0 } else { v }
}

impl Runs {
    /// Adds the rectangle from corner `from` to corner `to` (already rounded
    /// by [`r`]) in `fill`.
    pub(crate) fn add(&mut self, fill: &str, from: (f64, f64), to: (f64, f64)) {
        use std::fmt::Write;
        let height = r(to.1 - from.1);
        let bits = height.to_bits();
        let known = self
            .index
            .get(fill)
            .and_then(|pens| pens.iter().find(|(b, _)| *b == bits))
            .map(|&(_, i)| i);
        let i = known.unwrap_or_else(|| {
            let i = self.pens.len();
            self.pens.push(Pen {
                fill: fill.to_string(),
                height,
                d: String::new(),
                at: None,
            });
            self.index
                .entry(fill.to_string())
                .or_default()
                .push((bits, i));
            i
        });
        let pen = &mut self.pens[i];
        let (x, y) = (from.0, r3((from.1 + to.1) / 2.0));
        let w = r(to.0 - from.0);
        match pen.at {
            Some((ax, ay)) => {
                let _ = write!(pen.d, "m{} {}h{w}", r3(x - ax), r3(y - ay));
            }
            None => {
                let _ = write!(pen.d, "M{x} {y}h{w}");
            }
        }
        pen.at = Some((r3(x + w), y));
    }

    /// `g` with the paths added: one group per line width (usually one),
    /// holding that width's path of each colour.
    pub(crate) fn draw(self, mut g: Group) -> Group {
        let mut heights: Vec<f64> = Vec::new();
        for pen in &self.pens {
            if !heights.contains(&pen.height) {
                heights.push(pen.height);
            }
        }
        for height in heights {
            let mut lines = Group::new().set("fill", "none").set("stroke-width", height);
            for pen in self.pens.iter().filter(|p| p.height == height) {
                lines = lines.add(
                    svg::node::element::Path::new()
                        .set("stroke", pen.fill.as_str())
                        .set("d", pen.d.as_str()),
                );
            }
            g = g.add(lines);
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

    /// Reads [`Runs::draw`]'s output back: (stroke, width, x0, x1, y middle)
    /// of every line, with relative moves resolved.
    fn lines_of(svg: &str) -> Vec<(String, f64, f64, f64, f64)> {
        let attr = |tag: &str, name: &str| -> Option<String> {
            let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(tag[at..at + tag[at..].find('"')?].to_string())
        };
        let mut out = Vec::new();
        let mut width = 0.0;
        for tag in svg.split('<').skip(1) {
            if let Some(w) = attr(tag, "stroke-width").filter(|_| tag.starts_with("g ")) {
                width = w.parse().unwrap();
            }
            if !tag.starts_with("path ") {
                continue;
            }
            let (d, stroke) = (attr(tag, "d").unwrap(), attr(tag, "stroke").unwrap());
            let (mut x, mut y) = (0.0, 0.0);
            let mut cmd = ' ';
            let mut nums: Vec<f64> = Vec::new();
            let mut flush = |cmd: char, nums: &mut Vec<f64>, x: &mut f64, y: &mut f64| {
                match cmd {
                    'M' => (*x, *y) = (nums[0], nums[1]),
                    'm' => (*x, *y) = (*x + nums[0], *y + nums[1]),
                    'h' => {
                        out.push((stroke.clone(), width, *x, *x + nums[0], *y));
                        *x += nums[0];
                    }
                    ' ' => {}
                    c => panic!("unexpected command {c} in {d}"),
                }
                nums.clear();
            };
            let spaced: String = d
                .chars()
                .flat_map(|c| match c {
                    'M' | 'm' | 'h' => vec![' ', c, ' '],
                    c => vec![c],
                })
                .collect();
            for tok in spaced.split_whitespace() {
                match tok {
                    "M" | "m" | "h" => {
                        flush(cmd, &mut nums, &mut x, &mut y);
                        cmd = tok.chars().next().unwrap();
                    }
                    n => nums.push(n.parse().unwrap()),
                }
            }
            flush(cmd, &mut nums, &mut x, &mut y);
        }
        out
    }

    #[test]
    fn runs_cover_exactly_the_rectangles_added() {
        // Two colours, two heights, fractional edges, runs out of order.
        let rects = [
            ("#ff0000", (28.0, 112.0), (32.0, 116.0)),
            ("#00ff00", (32.0, 112.0), (40.0, 116.0)),
            ("#ff0000", (96.0, 112.0), (100.0, 116.0)),
            ("#ff0000", (24.0, 120.0), (28.0, 124.0)),
            ("#ff0000", (39.37, 40.33), (84.93, 40.66)),
            ("#ff0000", (84.93, 40.66), (130.5, 40.99)),
            ("#00ff00", (0.0, 0.0), (0.87, 0.33)),
        ];
        let mut runs = Runs::default();
        for (fill, from, to) in rects {
            runs.add(fill, from, to);
        }
        let svg = runs.draw(Group::new()).to_string();
        assert_eq!(
            svg.matches("<path").count(),
            4,
            "one path per colour and height:\n{svg}"
        );
        assert!(svg.contains("m64 0h4"), "relative moves:\n{svg}");
        let mut got = lines_of(&svg);
        let mut want: Vec<(String, f64, f64, f64, f64)> = rects
            .iter()
            .map(|(f, a, b)| (f.to_string(), b.1 - a.1, a.0, b.0, (a.1 + b.1) / 2.0))
            .collect();
        let key = |l: &(String, f64, f64, f64, f64)| {
            (
                l.0.clone(),
                (l.4 * 1000.0).round() as i64,
                (l.2 * 100.0).round() as i64,
            )
        };
        got.sort_by_key(key);
        want.sort_by_key(key);
        assert_eq!(got.len(), want.len(), "{svg}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.0, w.0);
            for (a, b) in [(g.1, w.1), (g.2, w.2), (g.3, w.3), (g.4, w.4)] {
                assert!((a - b).abs() < 1e-6, "{g:?} vs {w:?}\n{svg}");
            }
        }
    }
}
