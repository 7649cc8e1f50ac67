//! The ten per-digit effective templates of one image: with the image's
//! on/off pattern fixed the net is linear, logit_c = constant_c +
//! template_c · pixels; the templates as 2 × 5 heatmaps on one shared scale,
//! the predicted digit framed.

use super::{abs_max, colour_words, heatmap, robust_scale, weight_legend};
use crate::figures::Figure;
use crate::figures::chart::rect;
use crate::figures::style::{self, Variant, num, text};
use crate::kv::image::{DIGITS, Prediction};
use crate::kv::linear::Templates;
use svg::node::element::Group;

/// Pixels per weight, and a template's side.
const CELL: f64 = 4.0;
const SIDE: f64 = 28.0 * CELL;
/// Distance between two templates in a row.
const PITCH: f64 = SIDE + 28.0;
const X0: f64 = 24.0;
/// Top of the first row of templates.
const TOP: f64 = 84.0;
/// Room above a template for its digit.
const LABEL: f64 = 28.0;
/// Height of one row of templates.
const ROW: f64 = LABEL + SIDE + 30.0;

/// The ten per-digit effective templates of one image (2 × 5 heatmaps on one
/// shared scale): with the image's active pairs fixed, logit_c = constant_c
/// + template_c · pixels. The predicted digit is framed.
pub(crate) fn templates(id: &str, t: &Templates, variant: Variant) -> Figure {
    let title = "Effective templates of one image";
    let scale = robust_scale(t.templates.iter().flatten());
    let largest = abs_max(t.templates.iter().flatten());
    let prediction = Prediction::of(&t.logits);
    let winners: Vec<usize> = match &prediction {
        Prediction::Unique(d) => vec![*d],
        Prediction::Tie(ds) => ds.clone(),
    };
    let description = describe(t, &prediction, scale, largest);
    let w = X0 + 5.0 * PITCH - 28.0 + X0;
    let h = TOP + 2.0 * ROW;
    let doc = style::frame(w, h, title, &description)
        .add(header(id, t, scale, largest, variant))
        .add(body(t, &winners, scale, variant));
    let data = {
        use crate::figures::data::{FigureData, j64, j64s, obj};
        FigureData::Json(obj(vec![
            ("active_pairs", serde_json::Value::from(t.active.clone())),
            ("constant", j64s(&t.constant)),
            ("logits", j64s(&t.logits)),
            ("colour_scale", j64(scale)),
            ("largest", j64(largest)),
            (
                "templates",
                serde_json::Value::Array(t.templates.iter().map(|r| j64s(r)).collect()),
            ),
        ]))
    };
    style::figure(id, title, description, doc, data)
}

fn describe(t: &Templates, prediction: &Prediction, scale: f64, largest: f64) -> String {
    let read = match prediction {
        Prediction::Unique(d) => format!("read as {d}"),
        Prediction::Tie(ds) => format!(
            "a tie between {}",
            ds.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    };
    let logits: Vec<String> = t.logits.iter().map(|&l| num(l, 2)).collect();
    format!(
        "With this image's {} active pairs fixed, each digit's logit is its template times the pixels plus a constant. Logits for 0 to 9: {}; {read}. All ten templates share one colour scale, ±{}{}.",
        t.active.len(),
        logits.join(", "),
        crate::num::fixed(scale, 3),
        if largest > scale {
            format!(
                " (the strongest 1 %, up to {}, at full colour)",
                crate::num::fixed(largest, 3)
            )
        } else {
            String::new()
        }
    )
}

/// The ten templates, each with its digit and logit; the winners framed.
fn body(t: &Templates, winners: &[usize], scale: f64, variant: Variant) -> Group {
    let frame_colour = match variant {
        Variant::Screen | Variant::Slide => style::HIGHLIGHT,
        Variant::Print => style::INK,
    };
    let mut body = Group::new();
    for (c, template) in t.templates.iter().enumerate().take(DIGITS) {
        let (row, col) = (c / 5, c % 5);
        let x = X0 + col as f64 * PITCH;
        let y = TOP + row as f64 * ROW + LABEL;
        body = body
            .add(text(c.to_string(), x, y - 10.0, style::LARGE, "start").set("font-weight", "bold"))
            .add(text(
                format!("logit {}", num(t.logits[c], 2)),
                x + SIDE / 2.0,
                y + SIDE + 17.0,
                style::SMALL,
                "middle",
            ))
            .add(heatmap(template, x, y, CELL, scale, variant));
        if winners.contains(&c) {
            let word = if winners.len() > 1 {
                "tied"
            } else {
                "predicted"
            };
            body = body
                .add(
                    rect(x - 3.0, y - 3.0, SIDE + 6.0, SIDE + 6.0)
                        .set("fill", "none")
                        .set("stroke", frame_colour)
                        .set("stroke-width", 3),
                )
                .add(
                    text(word, x + 18.0, y - 10.0, style::FONT_SIZE, "start")
                        .set("font-weight", "bold"),
                );
        }
    }
    body
}

/// What the figure shows, and the legend of the shared scale.
fn header(id: &str, t: &Templates, scale: f64, largest: f64, variant: Variant) -> Group {
    Group::new()
        .add(text(
            format!(
                "{} active pairs: logit = constant + template · pixels",
                t.active.len()
            ),
            X0,
            28.0,
            style::FONT_SIZE,
            "start",
        ))
        .add(style::muted(
            format!("same scale for all ten; {}", colour_words(variant)),
            X0,
            48.0,
            "start",
        ))
        .add(weight_legend(
            id,
            X0 + 5.0 * PITCH - 28.0 - 200.0,
            36.0,
            200.0,
            scale,
            if largest > scale {
                match variant {
                    Variant::Screen | Variant::Slide => "template weight (beyond: full colour)",
                    Variant::Print => "template weight (beyond: black or white)",
                }
            } else {
                "template weight"
            },
            variant,
        ))
}
