//! The drawn pieces of one MNIST image and its pairs, each a [`Block`] that
//! knows its size: the digit in grayscale ink, signed values on the 28 × 28
//! grid (one diverging map on screen, + and − panels in print) with their
//! colour bar, and a value as ten labelled cells; plus the conversions they
//! draw from.

use super::SIDE;
use crate::data::PIXELS;
use crate::figures::digitkit::places;
use crate::figures::style::{self, Variant, num, r, signed};
use crate::kv::image::DIGITS;
use crate::kv::pair::PairView;
use svg::node::element::{Group, Rectangle};

/// A drawn piece and its size, placed by its parent with
/// [`at`](crate::figures::digitkit::at).
pub(crate) struct Block {
    pub g: Group,
    pub w: f64,
    pub h: f64,
}

/// The 784 pixels (padded with zeros if short) as f64 bytes.
fn pixel_values(pixels: &[u8]) -> Vec<f64> {
    (0..PIXELS)
        .map(|p| f64::from(pixels.get(p).copied().unwrap_or(0)))
        .collect()
}

/// The digit in grayscale ink, `cell` pixels per MNIST pixel.
pub(crate) fn ink_block(pixels: &[u8], cell: f64) -> Block {
    let v = pixel_values(pixels);
    Block {
        g: style::grid(&v, SIDE, 0.0, 0.0, cell, |p| {
            style::ink(p.clamp(0.0, 255.0) as u8)
        }),
        w: SIDE as f64 * cell,
        h: SIDE as f64 * cell,
    }
}

/// Height of the "+ / −" captions above print panels.
pub(crate) const PANEL_CAPTION: f64 = 16.0;

/// Signed values on a 28×28 grid: one diverging heatmap (screen), or a
/// "+ what" and a "− what" grayscale panel side by side (print).
pub(crate) fn signed_map(
    values: &[f64],
    abs_max: f64,
    cell: f64,
    variant: Variant,
    what: &str,
) -> Block {
    let side = SIDE as f64 * cell;
    match variant {
        Variant::Screen | Variant::Slide => Block {
            g: style::grid(values, SIDE, 0.0, 0.0, cell, |v| {
                style::diverging(v, abs_max)
            }),
            w: side,
            h: side,
        },
        Variant::Print => {
            let gap = (cell * 2.0).max(8.0);
            let pos: Vec<f64> = values.iter().map(|v| v.max(0.0)).collect();
            let neg: Vec<f64> = values.iter().map(|v| (-v).max(0.0)).collect();
            let g = Group::new()
                .add(style::text(
                    format!("+ {what}"),
                    side / 2.0,
                    11.0,
                    style::SMALL,
                    "middle",
                ))
                .add(style::text(
                    format!("\u{2212} {what}"),
                    side + gap + side / 2.0,
                    11.0,
                    style::SMALL,
                    "middle",
                ))
                .add(style::grid(&pos, SIDE, 0.0, PANEL_CAPTION, cell, |v| {
                    style::magnitude_gray(v, abs_max)
                }))
                .add(style::grid(
                    &neg,
                    SIDE,
                    side + gap,
                    PANEL_CAPTION,
                    cell,
                    |v| style::magnitude_gray(v, abs_max),
                ));
            Block {
                g,
                w: 2.0 * side + gap,
                h: side + PANEL_CAPTION,
            }
        }
    }
}

/// A colour bar for [`signed_map`]: diverging (screen) or white → black for
/// the magnitude (print). `id` must start with the figure id.
pub(super) fn legend(
    id: &str,
    variant: Variant,
    x: f64,
    y: f64,
    width: f64,
    abs_max: f64,
    label: &str,
) -> Group {
    match variant {
        Variant::Screen | Variant::Slide => {
            style::diverging_legend(id, x, y, width, abs_max, label)
        }
        Variant::Print => style::colour_bar(
            id,
            (x, y, width),
            &[(0.0, style::PAPER), (1.0, "#000000")],
            &[(0.0, "0".to_string()), (1.0, num(abs_max, places(abs_max)))],
            &format!("|{label}|"),
        ),
    }
}

/// Ten labelled cells (digit above, signed number inside). `mark`: the
/// digits outlined (favoured digit, prediction).
#[allow(clippy::too_many_arguments)]
pub(crate) fn value_row(
    values: &[f64; DIGITS],
    abs_max: f64,
    cw: f64,
    ch: f64,
    variant: Variant,
    mark: &[usize],
    numbers: bool,
    size: f64,
) -> Block {
    let label_h = size + 4.0;
    let d = places(abs_max);
    let mut g = Group::new();
    for (digit, &v) in values.iter().enumerate() {
        let x = digit as f64 * cw;
        let strength = if abs_max > 0.0 {
            (v.abs() / abs_max).min(1.0)
        } else {
            0.0
        };
        let fill = match variant {
            Variant::Screen | Variant::Slide => style::diverging(v, abs_max),
            Variant::Print => style::magnitude_gray(v, abs_max),
        };
        let dark = match variant {
            Variant::Screen | Variant::Slide => strength > 0.6,
            Variant::Print => strength > 0.45,
        };
        g = g
            .add(
                style::text(digit.to_string(), x + cw / 2.0, size, size, "middle")
                    .set("font-weight", "bold"),
            )
            .add(
                Rectangle::new()
                    .set("x", r(x))
                    .set("y", r(label_h))
                    .set("width", r(cw))
                    .set("height", r(ch))
                    .set("fill", fill)
                    .set("stroke", style::FRAME)
                    .set("stroke-width", style::HAIRLINE),
            );
        if numbers {
            g = g.add(
                style::text(
                    signed(v, d),
                    x + cw / 2.0,
                    label_h + ch / 2.0 + size * 0.35,
                    size,
                    "middle",
                )
                .set("fill", if dark { style::PAPER } else { style::INK }),
            );
        }
    }
    for &digit in mark.iter().filter(|&&d| d < DIGITS) {
        g = g.add(
            Rectangle::new()
                .set("x", r(digit as f64 * cw + 1.5))
                .set("y", r(label_h + 1.5))
                .set("width", r(cw - 3.0))
                .set("height", r(ch - 3.0))
                .set("fill", "none")
                .set("stroke", style::INK)
                .set("stroke-width", 3),
        );
    }
    Block {
        g,
        w: DIGITS as f64 * cw,
        h: label_h + ch,
    }
}

pub(crate) fn abs_max_of(values: &[f64]) -> f64 {
    values.iter().fold(0.0_f64, |m, v| m.max(v.abs()))
}

pub(crate) fn value_f64(view: &PairView) -> [f64; DIGITS] {
    std::array::from_fn(|d| f64::from(view.value[d]))
}

pub(crate) fn key_f64(view: &PairView) -> Vec<f64> {
    (0..PIXELS)
        .map(|p| f64::from(view.key.get(p).copied().unwrap_or(0.0)))
        .collect()
}

pub(crate) fn digit_or(d: Option<usize>, none: &str) -> String {
    d.map_or(none.to_string(), |d| d.to_string())
}
