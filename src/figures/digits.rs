//! One MNIST image and its pairs: the digit itself, a key as a 28×28
//! heatmap, a value as ten cells, key ⊙ image with its sum written out, a
//! pair card combining them, and the top pairs of an image as small cards.
//!
//! Input: `kv::pair::{PairView, KeyTimesImage}` and `kv::image::ImageAnalysis`
//! (computed elsewhere); output: `Figure`. Digits are drawn in grayscale ink,
//! weights in the diverging map (screen) or as separate + / − grayscale panels
//! (print), so nothing depends on hue alone.

use super::Figure;
use super::style::{self, Variant, num, r, signed};
use crate::data::PIXELS;
use crate::kv::image::{DIGITS, ImageAnalysis, Prediction};
use crate::kv::pair::{KeyTimesImage, PairView};
use svg::node::element::{Definitions, Group, LinearGradient, Rectangle, Stop};

/// Pixels per side of an MNIST image.
const SIDE: usize = 28;
const MARGIN: f64 = 20.0;

/// A drawn piece and its size, placed by its parent with [`at`].
pub(crate) struct Block {
    pub g: Group,
    pub w: f64,
    pub h: f64,
}

/// `g` moved to (x, y).
pub(crate) fn at(g: Group, x: f64, y: f64) -> Group {
    Group::new()
        .set("transform", format!("translate({} {})", r(x), r(y)))
        .add(g)
}

/// Decimals for numbers on a scale whose largest magnitude is `abs_max`.
pub(crate) fn places(abs_max: f64) -> usize {
    if abs_max >= 10.0 {
        1
    } else if abs_max >= 1.0 {
        2
    } else {
        3
    }
}

/// A prediction for people: "7" or "a tie of 3 and 5".
pub(crate) fn prediction_name(p: &Prediction) -> String {
    match p {
        Prediction::Unique(d) => d.to_string(),
        Prediction::Tie(ds) => {
            let names: Vec<String> = ds.iter().map(|d| d.to_string()).collect();
            match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    format!("a tie of {} and {last}", rest.join(", "))
                }
                _ => format!("a tie of {}", names.join(", ")),
            }
        }
    }
}

/// Round tick values covering [lo, hi]: about `target` steps of 1, 2, 2.5
/// or 5 × a power of ten, and the decimals their labels need.
pub(crate) struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub values: Vec<f64>,
    pub decimals: usize,
}

pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let (lo, hi) = if hi > lo && lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (lo.min(0.0) - 1.0, hi.max(0.0) + 1.0)
    };
    let raw = (hi - lo) / target.max(1) as f64;
    let exp = raw.log10().floor();
    let mag = 10f64.powf(exp);
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|&st| st >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let values: Vec<f64> = (0..=((last - first) as usize))
        .map(|k| {
            let v = (first + k as f64) * step;
            if v.abs() < step * 1e-9 { 0.0 } else { v }
        })
        .collect();
    let mut decimals = if exp < 0.0 { (-exp) as usize } else { 0 };
    if (step / mag - 2.5).abs() < 1e-9 {
        decimals += 1;
    }
    Ticks {
        lo: first * step,
        hi: last * step,
        values,
        decimals,
    }
}

/// "a 7", "an 8".
pub(crate) fn a_digit(d: impl std::fmt::Display) -> String {
    let s = d.to_string();
    if s.starts_with('8') {
        format!("an {s}")
    } else {
        format!("a {s}")
    }
}

/// The 784 pixels (padded with zeros if short) as f64 bytes.
fn pixel_values(pixels: &[u8]) -> Vec<f64> {
    (0..PIXELS)
        .map(|p| f64::from(pixels.get(p).copied().unwrap_or(0)))
        .collect()
}

fn inked(pixels: &[u8]) -> usize {
    pixels.iter().take(PIXELS).filter(|&&p| p > 0).count()
}

/// The digit in grayscale ink, `cell` pixels per MNIST pixel.
fn ink_block(pixels: &[u8], cell: f64) -> Block {
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
const PANEL_CAPTION: f64 = 16.0;

/// Signed values on a 28×28 grid: one diverging heatmap (screen), or a
/// "+ what" and a "− what" grayscale panel side by side (print).
fn signed_map(values: &[f64], abs_max: f64, cell: f64, variant: Variant, what: &str) -> Block {
    let side = SIDE as f64 * cell;
    match variant {
        Variant::Screen => Block {
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
fn legend(
    id: &str,
    variant: Variant,
    x: f64,
    y: f64,
    width: f64,
    abs_max: f64,
    label: &str,
) -> Group {
    match variant {
        Variant::Screen => style::diverging_legend(id, x, y, width, abs_max, label),
        Variant::Print => {
            let grad_id = format!("{id}-legend");
            let d = places(abs_max);
            Group::new()
                .add(
                    Definitions::new().add(
                        LinearGradient::new()
                            .set("id", grad_id.clone())
                            .add(
                                Stop::new()
                                    .set("offset", "0")
                                    .set("stop-color", style::PAPER),
                            )
                            .add(Stop::new().set("offset", "1").set("stop-color", "#000000")),
                    ),
                )
                .add(
                    Rectangle::new()
                        .set("x", r(x))
                        .set("y", r(y))
                        .set("width", r(width))
                        .set("height", 10)
                        .set("fill", format!("url(#{grad_id})"))
                        .set("stroke", style::FRAME)
                        .set("stroke-width", style::HAIRLINE),
                )
                .add(style::text("0", x, y + 24.0, style::SMALL, "start"))
                .add(style::text(
                    num(abs_max, d),
                    x + width,
                    y + 24.0,
                    style::SMALL,
                    "end",
                ))
                .add(
                    style::text(
                        format!("|{label}|"),
                        x + width / 2.0,
                        y - 5.0,
                        style::SMALL,
                        "middle",
                    )
                    .set("fill", style::MUTED),
                )
        }
    }
}

/// Ten labelled cells (digit above, signed number inside). `mark`: the
/// digits outlined (favoured digit, prediction).
#[allow(clippy::too_many_arguments)]
fn value_row(
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
            Variant::Screen => style::diverging(v, abs_max),
            Variant::Print => style::magnitude_gray(v, abs_max),
        };
        let dark = match variant {
            Variant::Screen => strength > 0.6,
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

fn abs_max_of(values: &[f64]) -> f64 {
    values.iter().fold(0.0_f64, |m, v| m.max(v.abs()))
}

fn value_f64(view: &PairView) -> [f64; DIGITS] {
    std::array::from_fn(|d| f64::from(view.value[d]))
}

fn key_f64(view: &PairView) -> Vec<f64> {
    (0..PIXELS)
        .map(|p| f64::from(view.key.get(p).copied().unwrap_or(0.0)))
        .collect()
}

fn digit_or(d: Option<usize>, none: &str) -> String {
    d.map_or(none.to_string(), |d| d.to_string())
}

/// 6a. The image as 28×28 grayscale cells; with `show_values` (paper sheets)
/// every inked cell carries its pixel value (0–255).
pub fn digit(id: &str, pixels: &[u8], label: Option<u8>, show_values: bool) -> Figure {
    let cell = if show_values { 26.0 } else { 10.0 };
    let side = SIDE as f64 * cell;
    let n = inked(pixels);
    let what = label.map_or("an MNIST image".to_string(), a_digit);
    let title = label.map_or("The image".to_string(), |l| format!("An MNIST {l}"));
    let description = format!(
        "A 28×28 MNIST image of {}: {n} of 784 pixels carry ink.{}",
        label.map_or("unknown digit".to_string(), a_digit),
        if show_values {
            " Each inked pixel shows its value from 0 (white) to 255 (black); empty cells are 0."
        } else {
            ""
        }
    );
    let caption = if show_values {
        format!(
            "{what}: {n} inked pixels, values 0–255 (the net reads value ÷ 255); empty cells are 0"
        )
    } else {
        format!("{what} · {n} inked pixels")
    };
    let w = side + 2.0 * MARGIN;
    let h = side + MARGIN + 34.0;
    let mut g = ink_block(pixels, cell).g;
    if show_values {
        for (p, &v) in pixels.iter().take(PIXELS).enumerate() {
            if v == 0 {
                continue;
            }
            let (row, col) = ((p / SIDE) as f64, (p % SIDE) as f64);
            g = g.add(
                style::text(
                    v.to_string(),
                    col * cell + cell / 2.0,
                    row * cell + cell / 2.0 + 4.0,
                    style::SMALL,
                    "middle",
                )
                .set("fill", if v >= 128 { style::PAPER } else { style::INK }),
            );
        }
    }
    let doc = style::frame(w, h, &title, &description)
        .add(at(g, MARGIN, MARGIN))
        .add(
            style::text(
                caption,
                w / 2.0,
                MARGIN + side + 22.0,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        );
    style::figure(id, &title, description, doc)
}

/// 6b. A key as a 28×28 heatmap centred on zero, with its bias and a legend.
pub fn key_heatmap(id: &str, view: &PairView, variant: Variant) -> Figure {
    let cell = match variant {
        Variant::Screen => 10.0,
        Variant::Print => 8.0,
    };
    let abs_max = f64::from(view.key_abs_max);
    let map = signed_map(&key_f64(view), abs_max, cell, variant, "weights");
    let title = format!("Key {}", view.pair);
    let kmin = f64::from(view.key_min);
    let kmax = f64::from(view.key_max);
    let bias = f64::from(view.bias);
    let colours = match variant {
        Variant::Screen => ("red", "blue"),
        Variant::Print => ("dark in the + panel", "dark in the − panel"),
    };
    let description = format!(
        "Key {} (row {} of W1) as a 28×28 picture: {} positive weights ({}) and {} negative ({}), from {} to {}; bias {}.",
        view.pair,
        view.pair,
        view.positive_weights,
        colours.0,
        view.negative_weights,
        colours.1,
        num(kmin, 3),
        signed(kmax, 3),
        signed(bias, 3)
    );
    let w = (map.w + 2.0 * MARGIN).max(320.0);
    let x0 = (w - map.w) / 2.0;
    let top = 44.0;
    let legend_y = top + map.h + 26.0;
    let h = legend_y + 56.0;
    let doc = style::frame(w, h, &title, &description)
        .add(
            style::text(
                format!("Key {} · bias {}", view.pair, signed(bias, 3)),
                w / 2.0,
                24.0,
                style::LARGE,
                "middle",
            )
            .set("font-weight", "bold"),
        )
        .add(at(map.g, x0, top))
        .add(legend(
            &format!("{id}-key"),
            variant,
            w / 2.0 - 100.0,
            legend_y,
            200.0,
            abs_max,
            "weight",
        ))
        .add(
            style::text(
                format!(
                    "{} positive, {} negative weights, from {} to {}",
                    view.positive_weights,
                    view.negative_weights,
                    num(kmin, 3),
                    signed(kmax, 3)
                ),
                w / 2.0,
                legend_y + 46.0,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        );
    style::figure(id, &title, description, doc)
}

/// 6c. A value as ten cells (one vote per digit), the favoured digit outlined.
pub fn value_cells(id: &str, view: &PairView, variant: Variant) -> Figure {
    let values = value_f64(view);
    let abs_max = abs_max_of(&values);
    let mark: Vec<usize> = view.favours.into_iter().collect();
    let row = value_row(
        &values,
        abs_max,
        64.0,
        38.0,
        variant,
        &mark,
        true,
        style::FONT_SIZE,
    );
    let title = format!("Value {}", view.pair);
    let favour = match view.favours {
        Some(d) => format!(
            "favours {d} (outlined) by {} over the next digit",
            num(f64::from(view.favour_margin), places(abs_max))
        ),
        None => "favours no single digit (its top vote is shared)".to_string(),
    };
    let against = view
        .opposes
        .map_or(String::new(), |d| format!("; votes most against {d}"));
    let description = format!(
        "Value {} (column {} of W2), one vote per digit: {}. It {favour}{against}.",
        view.pair,
        view.pair,
        (0..DIGITS)
            .map(|d| format!("{d}: {}", signed(values[d], places(abs_max))))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let w = row.w + 2.0 * MARGIN;
    let h = 34.0 + row.h + 30.0;
    let doc = style::frame(w, h, &title, &description)
        .add(style::text(
            format!(
                "Value {} (column {} of W2): one vote per digit",
                view.pair, view.pair
            ),
            MARGIN,
            20.0,
            style::FONT_SIZE,
            "start",
        ))
        .add(at(row.g, MARGIN, 30.0))
        .add(
            style::text(
                format!("{favour}{against}"),
                MARGIN,
                34.0 + row.h + 18.0,
                style::SMALL,
                "start",
            )
            .set("fill", style::MUTED),
        );
    style::figure(id, &title, description, doc)
}

/// The three lines of the match: Σ key·pixel, + bias, ReLU.
fn match_lines(k: &KeyTimesImage) -> [String; 3] {
    let pm = |x: f64| {
        if x < 0.0 {
            format!("\u{2212} {}", num(-x, 3))
        } else {
            format!("+ {}", num(x, 3))
        }
    };
    [
        format!(
            "Σ key·pixel = {} {} = {}",
            num(k.positive, 3),
            pm(k.negative),
            num(k.sum, 3)
        ),
        format!(
            "{} {} (bias) = {}",
            num(k.sum, 3),
            pm(k.bias),
            num(k.pre, 3)
        ),
        if k.fires {
            format!("ReLU → activation {} (fires)", num(k.activation, 3))
        } else {
            format!(
                "ReLU → activation 0 ({} is not above 0: silent)",
                num(k.pre, 3)
            )
        },
    ]
}

/// Image ⊙ key = products, with captions; the three panels in one row.
fn kti_block(
    id: &str,
    k: &KeyTimesImage,
    pixels: &[u8],
    view: &PairView,
    variant: Variant,
) -> Block {
    let cell = match variant {
        Variant::Screen => 7.0,
        Variant::Print => 5.0,
    };
    let img = ink_block(pixels, cell);
    let key_max = f64::from(view.key_abs_max);
    let key = signed_map(&key_f64(view), key_max, cell, variant, "weights");
    let prod_max = abs_max_of(&k.products);
    let prod = signed_map(&k.products, prod_max, cell, variant, "products");
    let op_w = 34.0;
    let top = 20.0;
    let map_h = img.h.max(key.h).max(prod.h);
    // Panels align at the bottom, so the print captions sit above the grids.
    let (y_img, y_key, y_prod) = (
        top + map_h - img.h,
        top + map_h - key.h,
        top + map_h - prod.h,
    );
    let x_key = img.w + op_w;
    let x_prod = x_key + key.w + op_w;
    let mid = top + map_h - img.h / 2.0 + 8.0;
    let caption_y = top + map_h + 16.0;
    let legend_y = caption_y + 24.0;
    let lw = 150.0_f64.min(key.w);
    let plw = 150.0_f64.min(prod.w);
    let g = Group::new()
        .add(style::text(
            format!("image · {} inked pixels", k.inked_pixels),
            img.w / 2.0,
            12.0,
            style::SMALL,
            "middle",
        ))
        .add(style::text(
            format!("key {} · bias {}", view.pair, signed(k.bias, 3)),
            x_key + key.w / 2.0,
            12.0,
            style::SMALL,
            "middle",
        ))
        .add(style::text(
            "key ⊙ image (pixel by pixel)",
            x_prod + prod.w / 2.0,
            12.0,
            style::SMALL,
            "middle",
        ))
        .add(at(img.g, 0.0, y_img))
        .add(style::text(
            "⊙",
            img.w + op_w / 2.0,
            mid,
            style::LARGE + 4.0,
            "middle",
        ))
        .add(at(key.g, x_key, y_key))
        .add(style::text(
            "=",
            x_key + key.w + op_w / 2.0,
            mid,
            style::LARGE + 4.0,
            "middle",
        ))
        .add(at(prod.g, x_prod, y_prod))
        .add(
            style::text(
                "0 (white) to 255 (black)",
                img.w / 2.0,
                caption_y,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        )
        .add(
            style::text(
                "only inked pixels count",
                x_prod + prod.w / 2.0,
                caption_y,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        )
        .add(legend(
            &format!("{id}-key"),
            variant,
            x_key + (key.w - lw) / 2.0,
            legend_y,
            lw,
            key_max,
            "weight",
        ))
        .add(legend(
            &format!("{id}-product"),
            variant,
            x_prod + (prod.w - plw) / 2.0,
            legend_y,
            plw,
            prod_max,
            "weight × pixel",
        ));
    Block {
        g,
        w: x_prod + prod.w,
        h: legend_y + 28.0,
    }
}

/// The match lines as a block.
fn match_block(k: &KeyTimesImage) -> Block {
    let lines = match_lines(k);
    let mut g = Group::new();
    for (i, line) in lines.iter().enumerate() {
        let t = style::text(
            line.clone(),
            0.0,
            16.0 + 22.0 * i as f64,
            style::FONT_SIZE + 1.0,
            "start",
        );
        g = g.add(if i == 2 {
            t.set("font-weight", "bold")
        } else {
            t
        });
    }
    Block {
        g,
        w: 420.0,
        h: 16.0 + 22.0 * 2.0 + 8.0,
    }
}

fn match_description(k: &KeyTimesImage) -> String {
    let lines = match_lines(k);
    format!(
        "Key {} times the image, pixel by pixel: only the {} inked pixels contribute. {}; {}; {}.",
        k.pair, k.inked_pixels, lines[0], lines[1], lines[2]
    )
}

/// 6d. Key ⊙ image as a heatmap and the sum written out.
pub fn key_times_image(
    id: &str,
    kti: &KeyTimesImage,
    pixels: &[u8],
    view: &PairView,
    variant: Variant,
) -> Figure {
    let body = kti_block(id, kti, pixels, view, variant);
    let sum = match_block(kti);
    let title = format!("Pair {}: key ⊙ image", kti.pair);
    let description = match_description(kti);
    let w = body.w + 2.0 * MARGIN;
    let y_sum = MARGIN + body.h + 4.0;
    let h = y_sum + sum.h + MARGIN;
    let doc = style::frame(w, h, &title, &description)
        .add(at(body.g, MARGIN, MARGIN))
        .add(at(sum.g, MARGIN, y_sum));
    style::figure(id, &title, description, doc)
}

/// "fires at 3.42" or "silent".
fn firing(k: &KeyTimesImage) -> String {
    if k.fires {
        format!("fires at {}", num(k.activation, 2))
    } else {
        "silent".to_string()
    }
}

/// 6e. One pair on one image: image ⊙ key = products, the match, the value,
/// and activation × value (what the pair adds to each logit).
pub fn pair_card(
    id: &str,
    view: &PairView,
    kti: &KeyTimesImage,
    pixels: &[u8],
    variant: Variant,
) -> Figure {
    let favours = digit_or(view.favours, "no single digit");
    let title = format!("Pair {} — {}, favours {favours}", view.pair, firing(kti));
    let values = value_f64(view);
    let scaled: [f64; DIGITS] = std::array::from_fn(|d| kti.activation * values[d]);
    let v_max = abs_max_of(&values);
    let s_max = abs_max_of(&scaled);
    let mark: Vec<usize> = view.favours.into_iter().collect();
    let body = kti_block(id, kti, pixels, view, variant);
    let sum = match_block(kti);
    let cw = ((body.w.max(560.0)) / DIGITS as f64).min(64.0);
    let value = value_row(
        &values,
        v_max,
        cw,
        34.0,
        variant,
        &mark,
        true,
        style::FONT_SIZE,
    );
    let scaled_row = value_row(
        &scaled,
        s_max,
        cw,
        34.0,
        variant,
        &mark,
        true,
        style::FONT_SIZE,
    );
    let adds = match view.favours {
        Some(d) if kti.fires => format!(
            ", so it adds {} to the logit of {d}",
            signed(scaled[d], places(s_max))
        ),
        _ if !kti.fires => ", so it adds nothing to any logit".to_string(),
        _ => String::new(),
    };
    let description = format!(
        "Pair {} {} on this image with activation {} (match {} + bias {}); its value favours {favours} by {}{adds}.",
        view.pair,
        if kti.fires { "fires" } else { "stays silent" },
        num(kti.activation, 3),
        num(kti.sum, 3),
        num(kti.bias, 3),
        num(f64::from(view.favour_margin), places(v_max)),
    );
    let w = body.w.max(value.w).max(sum.w) + 2.0 * MARGIN;
    let y_body = 48.0;
    let y_sum = y_body + body.h + 4.0;
    let y_value = y_sum + sum.h + 30.0;
    let y_scaled = y_value + value.h + 34.0;
    let h = y_scaled + scaled_row.h + 36.0;
    let scaled_caption = format!(
        "activation × value = what pair {} adds to each logit ({} × value)",
        view.pair,
        num(kti.activation, 3)
    );
    let favour_note = match view.favours {
        Some(d) => format!(
            "outlined: the favoured digit {d} (by {} over the next)",
            num(f64::from(view.favour_margin), places(v_max))
        ),
        None => "no single favoured digit".to_string(),
    };
    let doc = style::frame(w, h, &title, &description)
        .add(
            style::text(title.clone(), MARGIN, 28.0, style::LARGE, "start")
                .set("font-weight", "bold"),
        )
        .add(at(body.g, MARGIN, y_body))
        .add(at(sum.g, MARGIN, y_sum))
        .add(style::text(
            format!("value {} (column {} of W2)", view.pair, view.pair),
            MARGIN,
            y_value - 8.0,
            style::FONT_SIZE,
            "start",
        ))
        .add(at(value.g, MARGIN, y_value))
        .add(style::text(
            scaled_caption,
            MARGIN,
            y_scaled - 8.0,
            style::FONT_SIZE,
            "start",
        ))
        .add(at(scaled_row.g, MARGIN, y_scaled))
        .add(
            style::text(
                favour_note,
                MARGIN,
                y_scaled + scaled_row.h + 20.0,
                style::SMALL,
                "start",
            )
            .set("fill", style::MUTED),
        );
    style::figure(id, &title, description, doc)
}

/// How a list of pairs was chosen, if it follows one of the analysis' rankings.
pub(crate) fn ranking_name(pairs: &[usize], a: &ImageAnalysis) -> &'static str {
    let prefix = |order: &[usize]| order.len() >= pairs.len() && order[..pairs.len()] == pairs[..];
    if prefix(&a.by_decision.order) {
        "ranked by their part in the lead"
    } else if prefix(&a.by_l1.order) {
        "ranked by the L1 norm of their scaled values"
    } else {
        "in the order given"
    }
}

/// A card's two small maps: the key, and key ⊙ image, each captioned.
fn card_maps(view: &PairView, k: &KeyTimesImage, cell: f64, variant: Variant) -> Block {
    let key = signed_map(
        &key_f64(view),
        f64::from(view.key_abs_max),
        cell,
        variant,
        "key",
    );
    let prod = signed_map(
        &k.products,
        abs_max_of(&k.products),
        cell,
        variant,
        "product",
    );
    let gap = 12.0;
    let cap = 14.0;
    let g = Group::new()
        .add(
            style::text("key", key.w / 2.0, 10.0, style::SMALL, "middle").set("fill", style::MUTED),
        )
        .add(
            style::text(
                "key ⊙ image",
                key.w + gap + prod.w / 2.0,
                10.0,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        )
        .add(at(key.g, 0.0, cap))
        .add(at(prod.g, key.w + gap, cap));
    Block {
        g,
        w: key.w + gap + prod.w,
        h: cap + key.h.max(prod.h),
    }
}

/// 6f. The top pairs of one image (in the order given) as compact cards:
/// key and key ⊙ image, activation, what the pair adds to the predicted
/// digit and the runner-up (and so to the lead), and its whole scaled value
/// as ten cells on one scale shared by all cards.
pub fn top_pairs(
    id: &str,
    analysis: &ImageAnalysis,
    views: &[PairView],
    kti: &[KeyTimesImage],
    pixels: &[u8],
    variant: Variant,
) -> Figure {
    let (t, ru) = (analysis.top, analysis.runner_up);
    let cards: Vec<(&PairView, &KeyTimesImage, [f64; DIGITS])> = views
        .iter()
        .zip(kti)
        .map(|(v, k)| {
            let scaled = analysis.pair(v.pair).map_or([0.0; DIGITS], |c| c.scaled);
            (v, k, scaled)
        })
        .collect();
    let s_max = cards.iter().fold(0.0_f64, |m, c| m.max(abs_max_of(&c.2)));
    let d = places(s_max);
    let cell = match variant {
        Variant::Screen => 3.0,
        Variant::Print => 2.5,
    };
    let mini_cw = 20.0;
    let maps_w = match variant {
        Variant::Screen => 2.0 * SIDE as f64 * cell + 12.0,
        Variant::Print => 4.0 * SIDE as f64 * cell + 2.0 * (cell * 2.0).max(8.0) + 12.0,
    };
    let maps_h = 14.0
        + SIDE as f64 * cell
        + if variant == Variant::Print {
            PANEL_CAPTION
        } else {
            0.0
        };
    let card_w = maps_w.max(DIGITS as f64 * mini_cw) + 16.0;
    let text_y = 26.0 + maps_h + 16.0;
    let mini_y = text_y + 3.0 * 16.0 - 4.0;
    let card_h = mini_y + 15.0 + 15.0 + 10.0;
    let gap = 10.0;
    let cols = (((960.0 - 2.0 * MARGIN + gap) / (card_w + gap)).floor() as usize)
        .clamp(1, cards.len().max(1));
    let rows = cards.len().div_ceil(cols).max(1);
    let header_h = 82.0;
    let w = (2.0 * MARGIN + cols as f64 * card_w + (cols - 1) as f64 * gap).max(600.0);
    let h = header_h + rows as f64 * (card_h + gap) + 34.0;

    let prediction = prediction_name(&analysis.prediction);
    let truth = analysis
        .label
        .map_or(String::new(), |l| format!("{}, ", a_digit(l)));
    let order: Vec<usize> = cards.iter().map(|c| c.0.pair).collect();
    let ranking = ranking_name(&order, analysis);
    let title = format!("Top {} pairs of this image", cards.len());
    let listed: Vec<String> = cards
        .iter()
        .map(|(v, k, s)| {
            format!(
                "pair {} ({}, {} to {t}, {} to {ru})",
                v.pair,
                firing(k),
                signed(s[t], d),
                signed(s[ru], d)
            )
        })
        .collect();
    let description = format!(
        "The top {} pairs of {truth}read as {prediction} (runner-up {ru}, lead {}), {} of {} active pairs, {ranking}: {}.",
        cards.len(),
        num(analysis.lead, 2),
        cards.len(),
        analysis.active,
        listed.join("; ")
    );

    let thumb = ink_block(pixels, 2.0);
    let hx = MARGIN + thumb.w + 14.0;
    let mut doc = style::frame(w, h, &title, &description)
        .add(at(thumb.g, MARGIN, 12.0))
        .add(
            style::text(
                format!(
                    "{truth}read as {prediction}; runner-up {ru}, lead {}",
                    num(analysis.lead, 2)
                ),
                hx,
                30.0,
                style::LARGE,
                "start",
            )
            .set("font-weight", "bold"),
        )
        .add(
            style::text(
                format!(
                    "{} of {} active pairs, {ranking}; each map on its own colour scale",
                    cards.len(),
                    analysis.active,
                ),
                hx,
                50.0,
                style::SMALL,
                "start",
            )
            .set("fill", style::MUTED),
        )
        .add(
            style::text(
                format!(
                    "ten cells: activation × value, what the pair adds to each logit (one scale for all cards, up to {})",
                    num(s_max, d)
                ),
                hx,
                66.0,
                style::SMALL,
                "start",
            )
            .set("fill", style::MUTED),
        );
    for (i, (v, k, s)) in cards.iter().enumerate() {
        let (col, row) = ((i % cols) as f64, (i / cols) as f64);
        let x = MARGIN + col * (card_w + gap);
        let y = header_h + row * (card_h + gap);
        let maps = card_maps(v, k, cell, variant);
        let mini = value_row(s, s_max, mini_cw, 15.0, variant, &[t], false, style::SMALL);
        let favours = digit_or(v.favours, "none");
        let card = Group::new()
            .add(
                Rectangle::new()
                    .set("width", r(card_w))
                    .set("height", r(card_h))
                    .set("rx", 4)
                    .set("fill", "none")
                    .set("stroke", style::GRID),
            )
            .add(
                style::text(
                    format!("#{} · pair {}", i + 1, v.pair),
                    8.0,
                    18.0,
                    style::FONT_SIZE,
                    "start",
                )
                .set("font-weight", "bold"),
            )
            .add(at(maps.g, 8.0, 26.0))
            .add(style::text(
                format!("{} · favours {favours}", firing(k)),
                8.0,
                text_y,
                style::SMALL,
                "start",
            ))
            .add(style::text(
                format!(
                    "to {t}: {} · to {ru}: {}",
                    signed(s[t], d),
                    signed(s[ru], d)
                ),
                8.0,
                text_y + 16.0,
                style::SMALL,
                "start",
            ))
            .add(
                style::text(
                    format!("adds {} to the lead of {t}", signed(s[t] - s[ru], d)),
                    8.0,
                    text_y + 32.0,
                    style::SMALL,
                    "start",
                )
                .set("font-weight", "bold"),
            )
            .add(at(mini.g, 8.0, mini_y));
        doc = doc.add(at(card, x, y));
    }
    doc = doc.add(
        style::text(
            format!(
                "maps: {}; outlined cell: the predicted digit {t}",
                match variant {
                    Variant::Screen => "red = positive, blue = negative",
                    Variant::Print => "+ and − in separate panels, darker = larger",
                }
            ),
            MARGIN,
            h - 14.0,
            style::SMALL,
            "start",
        )
        .set("fill", style::MUTED),
    );
    style::figure(id, &title, description, doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::image::analyse;
    use crate::kv::pair::{key_times_image as kti_of, pair_view};
    use crate::kv::testnet;

    fn fixture(digit: usize) -> (crate::nn::Mlp, Vec<u8>) {
        let s = testnet::split(1);
        (testnet::net(), s.image(digit).to_vec())
    }

    /// A seeded random net: keys with many positive and negative weights.
    fn random_net() -> crate::nn::Mlp {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        crate::nn::Mlp::init(16, &mut rng)
    }

    fn stroke_image() -> Vec<u8> {
        (0..PIXELS)
            .map(|p| {
                if (p % SIDE).abs_diff(p / SIDE) < 3 {
                    200
                } else {
                    0
                }
            })
            .collect()
    }

    fn twice(f: impl Fn() -> Figure) -> Figure {
        let a = f();
        assert_eq!(
            a.to_svg_string(),
            f().to_svg_string(),
            "{}: not deterministic",
            a.id
        );
        assert_sound(&a);
        a
    }

    #[test]
    fn digit_shows_ink_and_optionally_values() {
        let (_, img) = fixture(3);
        let f = twice(|| digit("dg", &img, Some(3), false));
        assert!(
            f.description.contains("image of a 3: 2 of 784 pixels"),
            "{}",
            f.description
        );
        assert!(!f.to_svg_string().contains("\n255\n"));
        let f = twice(|| digit("dg", &img, None, true));
        let s = f.to_svg_string();
        assert_eq!(s.matches("\n255\n").count(), 2);
        assert!(f.description.contains("unknown digit"));
        assert!(f.description.contains("empty cells are 0"));
    }

    #[test]
    fn key_heatmap_writes_the_bias_and_counts() {
        let m = random_net();
        let v = pair_view(&m, 2).unwrap_or_else(|| panic!("pair 2"));
        for variant in [Variant::Screen, Variant::Print] {
            let f = twice(|| key_heatmap("kh", &v, variant));
            assert!(
                f.description
                    .contains(&format!("{} positive weights", v.positive_weights))
            );
            assert!(f.description.contains("bias 0.000"), "{}", f.description);
            let s = f.to_svg_string();
            assert!(s.contains("kh-key-legend"));
            if variant == Variant::Print {
                assert!(s.contains("+ weights") && s.contains("\u{2212} weights"));
                assert!(!s.contains(style::POSITIVE) && !s.contains(style::NEGATIVE));
            } else {
                assert!(s.contains(
                    style::diverging(f64::from(v.key_max), f64::from(v.key_abs_max)).as_str()
                ));
            }
        }
    }

    #[test]
    fn value_cells_mark_the_favoured_digit() {
        let (m, _) = fixture(0);
        let v = pair_view(&m, 8).unwrap_or_else(|| panic!("pair 8"));
        let f = twice(|| value_cells("vc", &v, Variant::Screen));
        assert!(
            f.description.contains("favours 3 (outlined) by 2.00"),
            "{}",
            f.description
        );
        assert!(f.description.contains("3: +2.00"));
        let s = f.to_svg_string();
        assert_eq!(s.matches("stroke-width=\"3\"").count(), 1);
        insta::assert_snapshot!("value_cells_screen", s);
        let p = twice(|| value_cells("vc", &v, Variant::Print));
        assert!(!p.to_svg_string().contains(style::POSITIVE));
        insta::assert_snapshot!("value_cells_print", p.to_svg_string());
        // Pair 11 votes 0.5 for every digit: no favoured digit, nothing outlined.
        let v = pair_view(&m, 11).unwrap_or_else(|| panic!("pair 11"));
        let f = twice(|| value_cells("vc", &v, Variant::Screen));
        assert!(f.description.contains("favours no single digit"));
        assert!(!f.to_svg_string().contains("stroke-width=\"3\""));
    }

    #[test]
    fn key_times_image_writes_the_sum() {
        let m = random_net();
        let img = stroke_image();
        let v = pair_view(&m, 5).unwrap_or_else(|| panic!("pair 5"));
        let k = kti_of(&m, 5, &img).unwrap_or_else(|| panic!("kti"));
        for variant in [Variant::Screen, Variant::Print] {
            let f = twice(|| key_times_image("kt", &k, &img, &v, variant));
            let sum = format!("= {}", num(k.sum, 3));
            assert!(f.description.contains(&sum), "{}", f.description);
            assert!(
                f.description
                    .contains(&format!("only the {} inked pixels", k.inked_pixels))
            );
            assert!(f.to_svg_string().contains("kt-product-legend"));
        }
        // Fixture: key 0 on a 0 is 1 × 1 = 1, bias 0, fires at 1.
        let (m, img) = fixture(0);
        let v = pair_view(&m, 0).unwrap_or_else(|| panic!("pair 0"));
        let k = kti_of(&m, 0, &img).unwrap_or_else(|| panic!("kti"));
        let f = twice(|| key_times_image("kt", &k, &img, &v, Variant::Screen));
        assert!(
            f.description.contains("Σ key·pixel = 1.000 + 0.000 = 1.000; 1.000 + 0.000 (bias) = 1.000; ReLU → activation 1.000 (fires)"),
            "{}",
            f.description
        );
        // Pair 10 (weight −1 on pixel 0) is silent on a 0.
        let v = pair_view(&m, 10).unwrap_or_else(|| panic!("pair 10"));
        let k = kti_of(&m, 10, &img).unwrap_or_else(|| panic!("kti"));
        let f = twice(|| key_times_image("kt", &k, &img, &v, Variant::Print));
        assert!(
            f.description
                .contains("\u{2212}1.000 is not above 0: silent"),
            "{}",
            f.description
        );
    }

    #[test]
    fn pair_card_titles_with_activation_and_favour() {
        let (m, img) = fixture(8);
        let v = pair_view(&m, 8).unwrap_or_else(|| panic!("pair 8"));
        let k = kti_of(&m, 8, &img).unwrap_or_else(|| panic!("kti"));
        for variant in [Variant::Screen, Variant::Print] {
            let f = twice(|| pair_card("pc", &v, &k, &img, variant));
            assert_eq!(f.title, "Pair 8 — fires at 1.00, favours 3");
            assert!(
                f.description.contains("activation 1.000")
                    && f.description.contains("adds +2.00 to the logit of 3"),
                "{}",
                f.description
            );
        }
        let v = pair_view(&m, 10).unwrap_or_else(|| panic!("pair 10"));
        let k = kti_of(&m, 10, &img).unwrap_or_else(|| panic!("kti"));
        let f = twice(|| pair_card("pc", &v, &k, &img, Variant::Screen));
        assert!(f.title.contains("silent"));
        assert!(f.description.contains("adds nothing"));
    }

    #[test]
    fn top_pairs_lists_the_given_pairs_in_order() {
        let (m, img) = fixture(8);
        let a = analyse(&m, &img, Some(8));
        let order = a.by_decision.order.clone();
        let views: Vec<PairView> = order.iter().filter_map(|&p| pair_view(&m, p)).collect();
        let kti: Vec<KeyTimesImage> = order.iter().filter_map(|&p| kti_of(&m, p, &img)).collect();
        for variant in [Variant::Screen, Variant::Print] {
            let f = twice(|| top_pairs("tp", &a, &views, &kti, &img, variant));
            // The fixture misreads the 8 as a 3 (pair 8 votes 3).
            assert!(
                f.description.contains("an 8, read as 3"),
                "{}",
                f.description
            );
            assert!(
                f.description.contains("pair 8 (fires at 1.00, +2.00 to 3"),
                "{}",
                f.description
            );
            let s = f.to_svg_string();
            assert!(
                s.find("#1 · pair 8").unwrap_or(usize::MAX) < s.find("#2 · pair 11").unwrap_or(0)
            );
        }
        // A random net on a stroke: many pairs, several rows.
        let m = random_net();
        let img = stroke_image();
        let a = analyse(&m, &img, None);
        let order: Vec<usize> = a.by_decision.order.iter().take(9).copied().collect();
        let views: Vec<PairView> = order.iter().filter_map(|&p| pair_view(&m, p)).collect();
        let kti: Vec<KeyTimesImage> = order.iter().filter_map(|&p| kti_of(&m, p, &img)).collect();
        let f = twice(|| top_pairs("tp", &a, &views, &kti, &img, Variant::Screen));
        assert!(
            f.description
                .contains(&format!("of {} active pairs", a.active))
        );
    }

    #[test]
    fn ticks_are_round() {
        let t = nice_ticks(-4.9, 8.3, 5);
        assert_eq!(t.values, vec![-5.0, 0.0, 5.0, 10.0]);
        assert_eq!((t.lo, t.hi, t.decimals), (-5.0, 10.0, 0));
        let t = nice_ticks(-1.6, 10.3, 5);
        assert_eq!(t.values, vec![-2.5, 0.0, 2.5, 5.0, 7.5, 10.0, 12.5]);
        assert_eq!(t.decimals, 1);
        let t = nice_ticks(0.0, 0.42, 4);
        assert_eq!((t.values.len(), t.decimals), (4, 1));
        assert!((t.hi - 0.6).abs() < 1e-12 && (t.values[1] - 0.2).abs() < 1e-12);
        let t = nice_ticks(0.0, 0.0, 4);
        assert!(t.lo < 0.0 && t.hi > 0.0);
    }

    #[test]
    fn ties_are_named_as_ties() {
        assert_eq!(
            prediction_name(&Prediction::Tie(vec![3, 5])),
            "a tie of 3 and 5"
        );
        assert_eq!(
            prediction_name(&Prediction::Tie(vec![1, 2, 7])),
            "a tie of 1, 2 and 7"
        );
        assert_eq!(prediction_name(&Prediction::Unique(4)), "4");
    }
}
