//! Slide layouts of a pair on one image (issue 23): its key, its value, and
//! key ⊙ image, each with few labels, all at [`style::SLIDE_TEXT`] (or close
//! to it), so they read from the back of a room at 1280×720. What the page
//! variants print in small muted lines (counts, ranges, legends) stays in
//! the description and goes into the slide's own caption.

use super::blocks::{Block, abs_max_of, ink_block, key_f64, signed_map, value_f64};
use super::matching::match_description;
use super::{MARGIN, SIDE};
use crate::figures::Figure;
use crate::figures::digitkit::{at, places};
use crate::figures::style::{self, Variant, num, r, signed};
use crate::kv::image::DIGITS;
use crate::kv::pair::{KeyTimesImage, PairView};
use svg::node::element::{Group, Rectangle};

const TEXT: f64 = style::SLIDE_TEXT;

fn bold(s: impl Into<String>, x: f64, y: f64, anchor: &str) -> svg::node::element::Text {
    style::text(s, x, y, TEXT, anchor).set("font-weight", "bold")
}

/// The key alone, large, under one line: its number and its bias.
pub(crate) fn key_slide(id: &str, view: &PairView) -> Figure {
    let map = signed_map(
        &key_f64(view),
        f64::from(view.key_abs_max),
        12.0,
        Variant::Slide,
        "weights",
    );
    let title = format!("Key {}", view.pair);
    let description = format!(
        "Key {} (row {} of W1) as a 28×28 picture: {} positive weights (red) and {} negative (blue), from {} to {}; bias {}.",
        view.pair,
        view.pair,
        view.positive_weights,
        view.negative_weights,
        num(f64::from(view.key_min), 3),
        signed(f64::from(view.key_max), 3),
        signed(f64::from(view.bias), 3)
    );
    let w = map.w + 2.0 * MARGIN;
    let top = TEXT + 22.0;
    let h = top + map.h + MARGIN;
    let doc = style::frame(w, h, &title, &description)
        .add(bold(
            format!(
                "key {} · bias {}",
                view.pair,
                signed(f64::from(view.bias), 2)
            ),
            w / 2.0,
            TEXT + 4.0,
            "middle",
        ))
        .add(at(map.g, MARGIN, top));
    style::figure(
        id,
        &title,
        description,
        doc,
        crate::figures::data::key(view),
    )
}

/// The value as a column of ten rows (digit, vote), the favoured digit
/// outlined: the same height as [`key_slide`], so the two stand side by side.
pub(crate) fn value_slide(id: &str, view: &PairView) -> Figure {
    let values = value_f64(view);
    let abs_max = abs_max_of(&values);
    let d = places(abs_max);
    let title = format!("Value {}", view.pair);
    let description = format!(
        "Value {} (column {} of W2), one vote per digit: {}.{}",
        view.pair,
        view.pair,
        (0..DIGITS)
            .map(|k| format!("{k}: {}", signed(values[k], d)))
            .collect::<Vec<_>>()
            .join(", "),
        match view.favours {
            Some(f) => format!(
                " It favours {f} (outlined) by {} over the next digit.",
                num(f64::from(view.favour_margin), d)
            ),
            None => " It favours no single digit.".to_string(),
        }
    );
    let top = TEXT + 22.0;
    let row_h = 33.6;
    let (label_w, cell_w) = (36.0, 150.0);
    let mut g = Group::new();
    for (k, &v) in values.iter().enumerate() {
        let y = k as f64 * row_h;
        let strength = if abs_max > 0.0 {
            v.abs() / abs_max
        } else {
            0.0
        };
        g = g
            .add(bold(
                k.to_string(),
                label_w / 2.0,
                y + row_h / 2.0 + TEXT * 0.35,
                "middle",
            ))
            .add(
                Rectangle::new()
                    .set("x", r(label_w))
                    .set("y", r(y))
                    .set("width", r(cell_w))
                    .set("height", r(row_h))
                    .set("fill", style::diverging(v, abs_max))
                    .set("stroke", style::FRAME)
                    .set("stroke-width", style::HAIRLINE),
            )
            .add(
                style::text(
                    signed(v, d),
                    label_w + cell_w / 2.0,
                    y + row_h / 2.0 + TEXT * 0.35,
                    TEXT,
                    "middle",
                )
                .set(
                    "fill",
                    if strength > 0.6 {
                        style::PAPER
                    } else {
                        style::INK
                    },
                ),
            );
    }
    if let Some(f) = view.favours.filter(|&f| f < DIGITS) {
        g = g.add(
            Rectangle::new()
                .set("x", r(label_w + 1.5))
                .set("y", r(f as f64 * row_h + 1.5))
                .set("width", r(cell_w - 3.0))
                .set("height", r(row_h - 3.0))
                .set("fill", "none")
                .set("stroke", style::INK)
                .set("stroke-width", 3),
        );
    }
    let block_w = label_w + cell_w;
    let w = (block_w + 2.0 * MARGIN).max(240.0);
    let h = top + DIGITS as f64 * row_h + MARGIN;
    let doc = style::frame(w, h, &title, &description)
        .add(bold(
            format!("value {}", view.pair),
            w / 2.0,
            TEXT + 4.0,
            "middle",
        ))
        .add(at(g, (w - block_w) / 2.0, top));
    style::figure(
        id,
        &title,
        description,
        doc,
        crate::figures::data::value(view),
    )
}

/// The three maps image ⊙ key = products, large, each under a one-word
/// title, and the match in two lines under them.
pub(crate) fn kti_slide_block(k: &KeyTimesImage, pixels: &[u8], view: &PairView) -> Block {
    let cell = 10.0;
    let img = ink_block(pixels, cell);
    let key = signed_map(
        &key_f64(view),
        f64::from(view.key_abs_max),
        cell,
        Variant::Slide,
        "weights",
    );
    let prod = signed_map(
        &k.products,
        abs_max_of(&k.products),
        cell,
        Variant::Slide,
        "products",
    );
    let side = SIDE as f64 * cell;
    let op_w = 64.0;
    let top = TEXT + 14.0;
    let xs = [0.0, side + op_w, 2.0 * (side + op_w)];
    let mid = top + side / 2.0 + TEXT * 0.5;
    let mut g = Group::new()
        .add(bold("image", xs[0] + side / 2.0, TEXT, "middle"))
        .add(bold(
            format!("key {}", view.pair),
            xs[1] + side / 2.0,
            TEXT,
            "middle",
        ))
        .add(bold("key ⊙ image", xs[2] + side / 2.0, TEXT, "middle"))
        .add(at(img.g, xs[0], top))
        .add(at(key.g, xs[1], top))
        .add(at(prod.g, xs[2], top))
        .add(style::text("⊙", xs[1] - op_w / 2.0, mid, 36.0, "middle"))
        .add(style::text("=", xs[2] - op_w / 2.0, mid, 36.0, "middle"));
    let lines = [
        format!(
            "sum of key ⊙ image {} + bias ({}) = match {}",
            num(k.sum, 2),
            num(k.bias, 2),
            num(k.pre, 2)
        ),
        if k.fires {
            format!("ReLU: the pair fires at {}", num(k.activation, 2))
        } else {
            format!("ReLU: {} is not above 0, the pair is silent", num(k.pre, 2))
        },
    ];
    let y0 = top + side + TEXT + 18.0;
    let lh = TEXT * 1.4;
    let centre = (xs[2] + side) / 2.0;
    for (i, line) in lines.iter().enumerate() {
        let t = style::text(line.clone(), centre, y0 + lh * i as f64, TEXT, "middle");
        g = g.add(if i == 1 {
            t.set("font-weight", "bold")
        } else {
            t
        });
    }
    Block {
        g,
        w: xs[2] + side,
        h: y0 + lh + 10.0,
    }
}

/// Key ⊙ image for a slide: [`kti_slide_block`] in a frame.
pub(crate) fn key_times_image_slide(
    id: &str,
    k: &KeyTimesImage,
    pixels: &[u8],
    view: &PairView,
) -> Figure {
    let body = kti_slide_block(k, pixels, view);
    let title = format!("Pair {}: key ⊙ image", k.pair);
    let description = match_description(k);
    let w = body.w + 2.0 * MARGIN;
    let h = body.h + 2.0 * MARGIN;
    let doc = style::frame(w, h, &title, &description).add(at(body.g, MARGIN, MARGIN));
    style::figure(
        id,
        &title,
        description,
        doc,
        crate::figures::data::key_times_image(k),
    )
}
