//! The slide layout of the waterfall (issue 23): the floating bars of the
//! two digits followed, larger, with one label per column (the pair, or b2,
//! rest, logits) and one row of numbers, the lead or margin after each step,
//! all at slide size. What each step adds to each digit (the page's two
//! table rows) stays in the description and on the course page.

use super::{D, Plot, columns, describe};
use crate::figures::Figure;
use crate::figures::chart::nice_ticks;
use crate::figures::digitkit::a_digit;
use crate::figures::style::{self, num, r, signed};
use crate::kv::image::{ImageAnalysis, Prediction, Versus, Waterfall};
use svg::node::element::{Group, Line, Rectangle};

const T: f64 = style::SLIDE_TEXT;
/// Column labels, ticks and the row of numbers.
const S: f64 = 22.0;
const LEFT: f64 = 110.0;
const RIGHT: f64 = 12.0;
const WIDTH: f64 = 1160.0;
const TOP: f64 = T + 34.0;
const PLOT_H: f64 = 300.0;

pub(crate) fn waterfall_slide(id: &str, w: &Waterfall, a: &ImageAnalysis) -> Figure {
    let (t, ru) = (a.top, w.against);
    let cols = columns(w);
    let n = cols.len() as f64;
    let col_w = (WIDTH - LEFT - RIGHT) / n;
    let values = cols
        .iter()
        .flat_map(|c| [c.from[t], c.to[t], c.from[ru], c.to[ru]])
        .chain([0.0]);
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let ticks = nice_ticks(lo, hi, 4);
    let sy = |v: f64| TOP + PLOT_H - (v - ticks.lo) / (ticks.hi - ticks.lo) * PLOT_H;
    // `describe` reads only the digits from the page's geometry.
    let page = Plot {
        t,
        ru,
        diff: super::difference_name(w, t),
        width: WIDTH,
        col_w,
        ticks: nice_ticks(lo, hi, 4),
        table_y: 0.0,
    };
    let truth = a
        .label
        .map_or(String::new(), |l| format!(" of {}", a_digit(l)));
    let title = match w.versus {
        Versus::RunnerUp => format!("How the logits of {t} and {ru} build up"),
        Versus::TrueDigit => {
            format!("Why {t} beat the true digit {ru}: how the two logits build up")
        }
    };
    let description = describe(w, a, &page, &truth);
    let (name_t, name_r) = match (&a.prediction, w.versus) {
        (Prediction::Unique(_), Versus::TrueDigit) => {
            (format!("{t}, the answer"), format!("{ru}, the true digit"))
        }
        (Prediction::Unique(_), Versus::RunnerUp) => {
            (format!("{t}, predicted"), format!("{ru}, the runner-up"))
        }
        (Prediction::Tie(_), _) => (format!("{t}, tied top"), format!("{ru}, tied")),
    };
    let sw = T * 0.8;
    let mut g = Group::new()
        .add(
            Rectangle::new()
                .set("x", r(LEFT))
                .set("y", r(T - sw))
                .set("width", r(sw))
                .set("height", r(sw))
                .set("fill", style::SERIES_A),
        )
        .add(style::text(
            format!("logit of {name_t}"),
            LEFT + sw + 10.0,
            T,
            T,
            "start",
        ))
        .add(
            Rectangle::new()
                .set("x", r(LEFT + 520.0))
                .set("y", r(T - sw))
                .set("width", r(sw))
                .set("height", r(sw))
                .set("fill", style::PAPER)
                .set("stroke", style::SERIES_B)
                .set("stroke-width", 3),
        )
        .add(style::text(
            format!("logit of {name_r}"),
            LEFT + 520.0 + sw + 10.0,
            T,
            T,
            "start",
        ));
    let x1 = WIDTH - RIGHT;
    for &v in &ticks.values {
        let y = sy(v);
        g = g
            .add(
                Line::new()
                    .set("x1", r(LEFT))
                    .set("x2", r(x1))
                    .set("y1", r(y))
                    .set("y2", r(y))
                    .set("stroke", style::GRID),
            )
            .add(style::text(
                num(v, ticks.decimals),
                LEFT - 10.0,
                y + S * 0.35,
                S,
                "end",
            ));
    }
    g = g.add(
        Line::new()
            .set("x1", r(LEFT))
            .set("x2", r(x1))
            .set("y1", r(sy(0.0)))
            .set("y2", r(sy(0.0)))
            .set("stroke", style::INK)
            .set("stroke-width", style::HAIRLINE),
    );
    let label_y = TOP + PLOT_H + S + 14.0;
    let lead_y = label_y + S * 1.6;
    let diff_word = match w.versus {
        Versus::RunnerUp => "lead",
        Versus::TrueDigit => "margin",
    };
    g = g
        .add(style::text("pair", LEFT - 10.0, label_y, S, "end").set("font-weight", "bold"))
        .add(style::text(diff_word, LEFT - 10.0, lead_y, S, "end").set("font-weight", "bold"));
    let last = cols.len().saturating_sub(1);
    for (i, c) in cols.iter().enumerate() {
        let x = LEFT + i as f64 * col_w;
        if c.total {
            g = g.add(
                Line::new()
                    .set("x1", r(x))
                    .set("x2", r(x))
                    .set("y1", r(TOP))
                    .set("y2", r(TOP + PLOT_H))
                    .set("stroke", style::GRID)
                    .set("stroke-dasharray", "4 3"),
            );
        }
        let bar_w = col_w * 0.34;
        for (k, digit) in [t, ru].into_iter().enumerate() {
            let bx = x + col_w * 0.14 + k as f64 * (bar_w + col_w * 0.04);
            let (y0, y1) = (sy(c.from[digit]), sy(c.to[digit]));
            let (top_y, h) = (y0.min(y1), (y1 - y0).abs().max(1.5));
            let bar = Rectangle::new()
                .set("x", r(bx))
                .set("y", r(top_y))
                .set("width", r(bar_w))
                .set("height", r(h));
            g = g.add(if k == 0 {
                bar.set("fill", style::SERIES_A)
                    .set("fill-opacity", if c.total { 1.0 } else { 0.85 })
            } else {
                bar.set("fill", if c.total { "#f6d5c2" } else { style::PAPER })
                    .set("stroke", style::SERIES_B)
                    .set("stroke-width", 2.5)
            });
            if i + 1 < last {
                g = g.add(super::connector(bx + bar_w, bx + col_w, y1, k));
            }
        }
        let cx = x + col_w / 2.0;
        let name = if i == 0 {
            "b2".to_string()
        } else if c.total {
            "logits".to_string()
        } else if i + 1 == last {
            "rest".to_string()
        } else {
            w.steps
                .get(i - 1)
                .map_or(String::new(), |s| s.pair.to_string())
        };
        let lead = c.to[t] - c.to[ru];
        g = g.add(style::text(name, cx, label_y, S, "middle")).add(
            style::text(signed(lead, D), cx, lead_y, S, "middle").set(
                "font-weight",
                if lead < 0.0 || c.total {
                    "bold"
                } else {
                    "normal"
                },
            ),
        );
    }
    let h = lead_y + 14.0;
    let doc = style::frame(WIDTH, h, &title, &description).add(g);
    let data = crate::figures::data::waterfall(w, t);
    style::figure(id, &title, description, doc, data)
}
