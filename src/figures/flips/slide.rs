//! The slide layout of the flip curve (issue 23): the same curves, larger,
//! with few labels at slide size: the lead's ticks, the pairs added, which
//! side of zero means what, and where each order settles in a legend beside
//! the plot. The percent axis and the marks' key go into the slide's caption.

use super::{Series, describe, lead_range, pair_ticks, series, settle_n};
use crate::figures::Figure;
use crate::figures::chart::{clip_rect, framed, line, nice_ticks, rect};
use crate::figures::digitkit::{a_digit, prediction_name};
use crate::figures::style::{self, num, r};
use crate::kv::image::ImageAnalysis;
use svg::node::element::{Circle, Definitions, Group, Line, Polygon, Polyline};

const T: f64 = style::SLIDE_TEXT;
/// Tick labels, a little smaller than the slide text.
const S: f64 = 22.0;
const LEFT: f64 = 84.0;
const TOP: f64 = T + 24.0;
const PLOT_W: f64 = 620.0;
const PLOT_H: f64 = 300.0;

struct Plot {
    span: f64,
    lo: f64,
    hi: f64,
}

impl Plot {
    fn sx(&self, n: f64) -> f64 {
        LEFT + (1.0 + n).ln() / self.span * PLOT_W
    }
    fn sy(&self, v: f64) -> f64 {
        TOP + PLOT_H - (v - self.lo) / (self.hi - self.lo) * PLOT_H
    }
}

fn label(
    s: impl Into<String>,
    x: f64,
    y: f64,
    size: f64,
    anchor: &str,
) -> svg::node::element::Text {
    style::text(s, x, y, size, anchor)
}

/// Short names for the legend.
fn short(s: &Series) -> &'static str {
    match s.name {
        "decision ranking" => "decision",
        "L1 ranking" => "L1",
        "random orders (control)" => "random (median)",
        "bottom-first (control)" => "bottom-first",
        other => other,
    }
}

pub(crate) fn flip_curve_slide(id: &str, a: &ImageAnalysis) -> Figure {
    let all = series(a);
    let (lo, hi, _) = lead_range(&all);
    let ticks = nice_ticks(lo, hi, 4);
    let plot = Plot {
        span: ((1 + a.active) as f64).ln().max(2f64.ln()),
        lo: ticks.lo,
        hi: ticks.hi,
    };
    let final_name = prediction_name(&a.prediction);
    let truth = a
        .label
        .map_or(String::new(), |l| format!(" of {}", a_digit(l)));
    let title = format!("When the prediction settles on {final_name}");
    let description = describe(a, &all, &final_name, &truth);
    let t = a.top;
    let clip_id = format!("{id}-plot");
    let zero = plot.sy(0.0);
    let mut g = Group::new()
        .add(Definitions::new().add(clip_rect(&clip_id, LEFT, TOP, PLOT_W, PLOT_H)))
        .add(rect(LEFT, zero, PLOT_W, plot.sy(plot.lo) - zero).set("fill", "#f2f2f2"))
        .add(
            label(
                format!("lead of {t} over the best other digit"),
                LEFT,
                T,
                T,
                "start",
            )
            .set("font-weight", "bold"),
        );
    for &v in &ticks.values {
        let y = plot.sy(v);
        g = g
            .add(line(
                LEFT,
                y,
                LEFT + PLOT_W,
                y,
                style::GRID,
                style::HAIRLINE,
            ))
            .add(label(
                num(v, ticks.decimals),
                LEFT - 10.0,
                y + S * 0.35,
                S,
                "end",
            ));
    }
    g = g
        .add(framed(LEFT, TOP, PLOT_W, PLOT_H))
        .add(line(LEFT, zero, LEFT + PLOT_W, zero, style::INK, 2.0))
        .add(label(
            format!("↑ {t} leads"),
            LEFT + PLOT_W + 12.0,
            zero - 10.0,
            S,
            "start",
        ))
        .add(label(
            "↓ another",
            LEFT + PLOT_W + 12.0,
            zero + S + 4.0,
            S,
            "start",
        ))
        .add(label(
            "digit leads",
            LEFT + PLOT_W + 12.0,
            zero + 2.0 * S + 8.0,
            S,
            "start",
        ));
    let base = TOP + PLOT_H;
    let mut last_x = f64::NEG_INFINITY;
    let mut marks = pair_ticks(a.active);
    marks.push(a.active);
    for n in marks {
        let x = plot.sx(n as f64);
        if x - last_x < 44.0 {
            continue;
        }
        last_x = x;
        g = g
            .add(
                Line::new()
                    .set("x1", r(x))
                    .set("x2", r(x))
                    .set("y1", r(base))
                    .set("y2", r(base + 6.0))
                    .set("stroke", style::INK),
            )
            .add(label(n.to_string(), x, base + S + 6.0, S, "middle"));
    }
    g = g.add(label(
        "pairs added, N (log scale)",
        LEFT + PLOT_W / 2.0,
        base + 2.0 * S + 20.0,
        S,
        "middle",
    ));
    let mut curves = Group::new().set("clip-path", format!("url(#{clip_id})"));
    for s in all.iter().rev() {
        if let Some(c) = &s.spread {
            let upper = c
                .band
                .iter()
                .enumerate()
                .map(|(n, b)| format!("{},{}", r(plot.sx(n as f64)), r(plot.sy(b[2]))));
            let lower = c
                .band
                .iter()
                .enumerate()
                .rev()
                .map(|(n, b)| format!("{},{}", r(plot.sx(n as f64)), r(plot.sy(b[0]))));
            curves = curves.add(
                Polygon::new()
                    .set("points", upper.chain(lower).collect::<Vec<_>>().join(" "))
                    .set("fill", s.colour)
                    .set("fill-opacity", 0.18)
                    .set("stroke", "none"),
            );
        }
        let points: Vec<String> = s
            .curve
            .iter()
            .map(|p| format!("{},{}", r(plot.sx(p.n as f64)), r(plot.sy(p.lead))))
            .collect();
        let mut pl = Polyline::new()
            .set("points", points.join(" "))
            .set("fill", "none")
            .set("stroke", s.colour)
            .set("stroke-width", 3)
            .set("stroke-linejoin", "round");
        if s.dash != "none" {
            pl = pl.set("stroke-dasharray", s.dash);
        }
        curves = curves.add(pl);
        if s.spread.is_none() {
            for f in &s.summary.flips {
                if let Some(p) = s.curve.get(f.n) {
                    curves = curves.add(
                        Circle::new()
                            .set("cx", r(plot.sx(p.n as f64)))
                            .set("cy", r(plot.sy(p.lead)))
                            .set("r", 6)
                            .set("fill", style::PAPER)
                            .set("stroke", s.colour)
                            .set("stroke-width", 2.5),
                    );
                }
            }
        }
        let x = plot.sx(settle_n(s));
        g = g.add(
            Polygon::new()
                .set(
                    "points",
                    format!(
                        "{},{} {},{} {},{}",
                        r(x),
                        r(base - 14.0),
                        r(x - 8.0),
                        r(base),
                        r(x + 8.0),
                        r(base)
                    ),
                )
                .set("fill", s.colour),
        );
    }
    g = g.add(curves);
    // Legend: where each order settles for good (▲ on the axis).
    let lx = LEFT + PLOT_W + 150.0;
    let lh = T * 1.7;
    let mut legend = Group::new()
        .add(label("settles after", lx, TOP + T * 0.8, T, "start").set("font-weight", "bold"));
    for (i, s) in all.iter().enumerate() {
        let y = TOP + T * 0.8 + lh * (i as f64 + 1.0);
        let mut sample = Line::new()
            .set("x1", r(lx))
            .set("x2", r(lx + 40.0))
            .set("y1", r(y - S * 0.35))
            .set("y2", r(y - S * 0.35))
            .set("stroke", s.colour)
            .set("stroke-width", 4);
        if s.dash != "none" {
            sample = sample.set("stroke-dasharray", s.dash);
        }
        let n = match &s.spread {
            Some(c) => num(c.median, 0),
            None => s.summary.settles_at.to_string(),
        };
        legend = legend
            .add(sample)
            .add(label(short(s), lx + 52.0, y, S, "start"))
            .add(label(n, lx + 310.0, y, T, "end").set("font-weight", "bold"));
    }
    let w = lx + 330.0;
    let h = base + 2.0 * S + 32.0;
    let doc = style::frame(w, h, &title, &description).add(g).add(legend);
    style::figure(id, &title, description, doc, super::data(a, &all))
}
