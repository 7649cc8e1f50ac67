//! Selective pairs per digit: for each digit, how many selective pairs vote
//! for it (solid bars) and how many fire most on its images (hatched bars),
//! on one count axis.

use super::{hatch, plural, share};
use crate::figures::Figure;
use crate::figures::chart::{count_axis, line, rect, turned, y_grid};
use crate::figures::style::{self, text};
use crate::kv::image::DIGITS;
use crate::kv::population::{SELECTIVE_SHARE, SelectiveByDigit, VotesVsFires, selective_by_digit};
use crate::num::percent;
use svg::node::element::{Definitions, Group};

/// Left edge and top of the plot, and its height.
const X0: f64 = 64.0;
const TOP: f64 = 64.0;
const PH: f64 = 200.0;
/// Width of one bar, and of the pair of bars for one digit with its gap.
const BAR: f64 = 20.0;
const GROUP: f64 = 56.0;
/// Width of the plot.
const PW: f64 = GROUP * DIGITS as f64;

/// The height of `n` pairs on an axis from 0 to `top`.
fn sy(n: f64, top: f64) -> f64 {
    TOP + PH - n / top * PH
}

/// Per digit: how many selective pairs vote for it and how many fire most on
/// its images.
pub(crate) fn selective_per_digit(id: &str, v: &VotesVsFires) -> Figure {
    let s = selective_by_digit(v);
    let both: usize = s.both.iter().sum();
    let description = describe(&s, both);
    let title = "Selective pairs per digit";
    let max = s
        .votes_for
        .iter()
        .chain(&s.fires_on)
        .copied()
        .max()
        .unwrap_or(0);
    let w = X0 + PW + 24.0;
    let h = TOP + PH + 92.0;
    let hatch_id = format!("{id}-hatch");
    let axis = count_axis(max);
    let ticks = (0..=axis.steps).map(|t| {
        let n = t as f64 * axis.step;
        (sy(n, axis.top), style::num(n, 0))
    });
    let axis_g = y_grid(Group::new(), ticks, (X0, X0 + PW), X0 - 8.0, true).add(
        turned("selective pairs", X0 - 40.0, TOP + PH / 2.0, style::SMALL)
            .set("fill", style::MUTED),
    );
    let doc = style::frame(w, h, title, &description)
        .add(Definitions::new().add(hatch(&hatch_id, style::SERIES_B)))
        .add(axis_g)
        .add(bars(&s, axis.top, &hatch_id))
        .add(legend(&hatch_id))
        .add(note(&s, both, h));
    let data = {
        use crate::figures::data::{FigureData, j64, obj};
        use serde_json::Value;
        let arr = |a: &[usize; DIGITS]| Value::Array(a.iter().map(|&n| Value::from(n)).collect());
        FigureData::Json(obj(vec![
            ("selective", s.selective.into()),
            ("selective_share_percent", j64(SELECTIVE_SHARE * 100.0)),
            ("votes_for", arr(&s.votes_for)),
            ("fires_on", arr(&s.fires_on)),
            ("both", arr(&s.both)),
            ("both_total", both.into()),
            (
                "both_percent",
                j64(if s.selective == 0 {
                    0.0
                } else {
                    both as f64 / s.selective as f64 * 100.0
                }),
            ),
            ("no_favourite", s.no_favourite.into()),
        ]))
    };
    style::figure(id, title, description, doc, data)
}

fn describe(s: &SelectiveByDigit, both: usize) -> String {
    let list = |a: &[usize; DIGITS]| {
        a.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut description = format!(
        "Of the {} selective pairs (one digit holds at least {} % of their per-digit mean activations), the value votes for digits 0 to 9: {}; their mean activation per image is highest on digits 0 to 9: {}; {} do both for the same digit.",
        s.selective,
        percent(SELECTIVE_SHARE, 0),
        list(&s.votes_for),
        list(&s.fires_on),
        share(both, s.selective)
    );
    if s.no_favourite > 0 {
        description.push_str(&format!(
            " {} selective pairs favour no single digit.",
            s.no_favourite
        ));
    }
    description
}

/// Two bars per digit with their counts, the digits under them, the base
/// line and the axis name.
fn bars(s: &SelectiveByDigit, top: f64, hatch_id: &str) -> Group {
    let mut bars = Group::new();
    for d in 0..DIGITS {
        let gx = X0 + d as f64 * GROUP + (GROUP - 2.0 * BAR - 4.0) / 2.0;
        for (j, n) in [s.votes_for[d], s.fires_on[d]].into_iter().enumerate() {
            let x = gx + j as f64 * (BAR + 4.0);
            let (fill, stroke) = if j == 0 {
                (style::SERIES_A.to_string(), style::SERIES_A)
            } else {
                (format!("url(#{hatch_id})"), style::SERIES_B)
            };
            let y = sy(n as f64, top);
            if n > 0 {
                bars = bars.add(
                    rect(x, y, BAR, PH - (y - TOP))
                        .set("fill", fill)
                        .set("stroke", stroke)
                        .set("stroke-width", style::HAIRLINE),
                );
            }
            bars = bars.add(text(
                n.to_string(),
                x + BAR / 2.0,
                y - 4.0,
                style::SMALL,
                "middle",
            ));
        }
        bars = bars.add(text(
            d.to_string(),
            X0 + d as f64 * GROUP + GROUP / 2.0,
            TOP + PH + 18.0,
            style::FONT_SIZE,
            "middle",
        ));
    }
    bars.add(line(
        X0,
        TOP + PH,
        X0 + PW,
        TOP + PH,
        style::INK,
        style::HAIRLINE,
    ))
    .add(
        text(
            "digit",
            X0 + PW / 2.0,
            TOP + PH + 36.0,
            style::FONT_SIZE,
            "middle",
        )
        .set("fill", style::MUTED),
    )
}

/// The two series, above the plot.
fn legend(hatch_id: &str) -> Group {
    Group::new()
        .add(rect(X0, 16.0, 14.0, 14.0).set("fill", style::SERIES_A))
        .add(text(
            "value votes most for the digit",
            X0 + 20.0,
            28.0,
            style::FONT_SIZE,
            "start",
        ))
        .add(
            rect(X0 + 250.0, 16.0, 14.0, 14.0)
                .set("fill", format!("url(#{hatch_id})"))
                .set("stroke", style::SERIES_B),
        )
        .add(text(
            "fires most per image of the digit",
            X0 + 270.0,
            28.0,
            style::FONT_SIZE,
            "start",
        ))
}

/// What "selective" means, and how many pairs do both.
fn note(s: &SelectiveByDigit, both: usize, h: f64) -> Group {
    Group::new()
        .add(style::muted(
            format!(
                "{}: at least {} % of a pair's activation comes from images of one digit.",
                plural(s.selective, "selective pair"),
                percent(SELECTIVE_SHARE, 0)
            ),
            X0,
            h - 30.0,
            "start",
        ))
        .add(style::muted(
            format!(
                "{} vote for the digit they fire on most.",
                share(both, s.selective)
            ),
            X0,
            h - 12.0,
            "start",
        ))
}
