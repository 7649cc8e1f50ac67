//! The flip curve of one image: the lead of the final prediction over the
//! best other digit as pairs are added one by one in four orders (decision
//! ranking, L1 ranking, a random control, bottom-first), flips marked, where
//! each order settles noted. The x axis is logarithmic in pairs added (the
//! rankings settle within a few pairs, the controls need most of them), with
//! a second scale in percent of the active pairs.
//!
//! Input: `kv::image::ImageAnalysis` (its `curve` per ranking); output: `Figure`.

use super::Figure;
use super::chart::{Ticks, clip_rect, framed, line, nice_ticks, rect, turned_note, x_tick, y_grid};
use super::digitkit::{a_digit, at, heading, prediction_name};
use super::style::{self, num, r, signed};
use crate::kv::image::{CONTROL_SHUFFLES, CurvePoint, FlipSummary, ImageAnalysis, RandomControl};
use crate::num::percent;
use svg::node::element::{Circle, Definitions, Group, Line, Polygon, Polyline};

mod data;
mod slide;
use data::data;
pub(crate) use slide::flip_curve_slide;

const W: f64 = 900.0;
const LEFT: f64 = 78.0;
const PLOT_W: f64 = 700.0;
const TOP: f64 = 84.0;
const PLOT_H: f64 = 270.0;
/// Height of one legend row.
const LEGEND_ROW: f64 = 19.0;

/// One order of adding pairs: name, colour, dash pattern, its summary.
struct Series<'a> {
    name: &'static str,
    colour: &'static str,
    dash: &'static str,
    summary: &'a FlipSummary,
    curve: Vec<CurvePoint>,
    /// The random control: many shuffles, drawn as a median line in a
    /// 10–90 % band (then `curve` is the median and `summary` unused).
    spread: Option<RandomControl>,
}

fn series(a: &ImageAnalysis) -> Vec<Series<'_>> {
    [
        ("decision ranking", style::SERIES_A, "none", &a.by_decision),
        ("L1 ranking", style::SERIES_B, "8 4", &a.by_l1),
        (
            "random orders (control)",
            style::SERIES_D,
            "2 3",
            &a.random_order,
        ),
        (
            "bottom-first (control)",
            style::SERIES_E,
            "10 3 2 3",
            &a.bottom_first,
        ),
    ]
    .into_iter()
    .map(|(name, colour, dash, summary)| {
        if std::ptr::eq(summary, &a.random_order) {
            let spread = a.random_control(CONTROL_SHUFFLES);
            let curve = spread
                .band
                .iter()
                .enumerate()
                .map(|(n, b)| CurvePoint {
                    n,
                    prediction: a.prediction.clone(),
                    lead: b[1],
                })
                .collect();
            Series {
                name,
                colour,
                dash,
                summary,
                curve,
                spread: Some(spread),
            }
        } else {
            Series {
                name,
                colour,
                dash,
                summary,
                curve: a.curve(summary),
                spread: None,
            }
        }
    })
    .collect()
}

/// Where a series settles: its flip point, or for the random control the
/// median over the shuffles with the 10–90 % range.
fn settles_of(s: &Series) -> String {
    match &s.spread {
        Some(c) => format!(
            "median N = {} ({} %), 10–90 %: {}–{}, over {} shuffles",
            num(c.median, 0),
            percent(c.median_fraction, 1),
            num(c.p10, 0),
            num(c.p90, 0),
            c.shuffles
        ),
        None => settles(s.summary),
    }
}

/// The N where a series' triangle sits.
fn settle_n(s: &Series) -> f64 {
    s.spread
        .as_ref()
        .map_or(s.summary.settles_at as f64, |c| c.median)
}

/// "N = 3 (2.5 %)".
fn settles(s: &FlipSummary) -> String {
    format!(
        "N = {} ({} %)",
        s.settles_at,
        percent(s.settles_fraction, 1)
    )
}

fn flips_word(n: usize) -> &'static str {
    if n == 1 { "flip" } else { "flips" }
}

/// Round numbers of pairs for the bottom axis, up to `max`.
fn pair_ticks(max: usize) -> Vec<usize> {
    let mut ticks = vec![0];
    let mut base = 1;
    'outer: loop {
        for m in [1, 2, 5] {
            let t = base * m;
            if t > max {
                break 'outer;
            }
            ticks.push(t);
        }
        base *= 10;
    }
    ticks
}

/// The range of a series' leads (with the random control's band).
fn range(s: &Series) -> (f64, f64) {
    let band = s
        .spread
        .iter()
        .flat_map(|c| c.band.iter().flat_map(|b| [b[0], b[2]]));
    s.curve
        .iter()
        .map(|p| p.lead)
        .chain(band)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

/// The vertical range follows the rankings and the random control; the
/// bottom-first control (which can fall far below) is clipped when it would
/// squash them. Returns the range and the clipped extremes (for the legend).
fn lead_range(all: &[Series]) -> (f64, f64, Vec<(&'static str, f64)>) {
    let (mut lo, mut hi) = all
        .iter()
        .take(3)
        .map(range)
        .fold((0.0_f64, 0.0_f64), |(lo, hi), (l, h)| {
            (lo.min(l), hi.max(h))
        });
    let room = (hi - lo).max(1.0) * 0.5;
    let mut clipped: Vec<(&'static str, f64)> = Vec::new();
    if let Some(bf) = all.get(3) {
        let (l, h) = range(bf);
        if l < lo - room {
            clipped.push(("lowest", l));
            lo -= room * 0.3;
        } else {
            lo = lo.min(l);
        }
        if h > hi + room {
            clipped.push(("highest", h));
            hi += room * 0.3;
        } else {
            hi = hi.max(h);
        }
    }
    (lo, hi, clipped)
}

/// The plot's scales: pairs added (log) to x, lead to y.
struct Plot {
    active: usize,
    span: f64,
    ticks: Ticks,
}

impl Plot {
    fn sx(&self, n: f64) -> f64 {
        LEFT + (1.0 + n).ln() / self.span * PLOT_W
    }
    fn sy(&self, v: f64) -> f64 {
        let (lo, hi) = (self.ticks.lo, self.ticks.hi);
        TOP + PLOT_H - (v - lo) / (hi - lo) * PLOT_H
    }
}

/// 8. The lead of the final prediction as pairs are added in four orders.
pub(crate) fn flip_curve(id: &str, a: &ImageAnalysis) -> Figure {
    let all = series(a);
    let (lo, hi, clipped) = lead_range(&all);
    let plot = Plot {
        active: a.active,
        span: ((1 + a.active) as f64).ln().max(2f64.ln()),
        ticks: nice_ticks(lo, hi, 5),
    };
    let final_name = prediction_name(&a.prediction);
    let truth = a
        .label
        .map_or(String::new(), |l| format!(" of {}", a_digit(l)));
    let title = format!("When the prediction settles on {final_name}");
    let description = describe(a, &all, &final_name, &truth);
    let clip_id = format!("{id}-plot");
    let mut g = background(&plot, &clip_id, a.top);
    g = pair_axes(g, &plot);
    if let Some(s) = all.first() {
        g = settle_line(g, &plot, s, &final_name);
    }
    g = curves(g, &plot, &all, &clip_id);
    let legend_y = TOP + PLOT_H + 60.0;
    let height = legend_y + 5.0 * LEGEND_ROW + 26.0;
    let t = a.top;
    let doc = style::frame(W, height, &title, &description)
        .add(heading(format!(
            "Image{truth}, read as {final_name}: the lead of {t} as pairs are added one by one"
        )))
        .add(g)
        .add(at(legend(&all, &clipped), LEFT, legend_y));
    style::figure(id, &title, description, doc, data(a, &all))
}

fn describe(a: &ImageAnalysis, all: &[Series], final_name: &str, truth: &str) -> String {
    let (active, t) = (a.active, a.top);
    let per_series: Vec<String> = all
        .iter()
        .map(|s| match s.spread {
            Some(_) => format!("{} settle at {}", s.name, settles_of(s)),
            None => format!(
                "{} settles at {} with {} {}",
                s.name,
                settles(s.summary),
                s.summary.flips.len(),
                flips_word(s.summary.flips.len())
            ),
        })
        .collect();
    format!(
        "Adding the {active} active pairs of an image{truth} one by one, the lead of {t} (the final prediction {final_name}) over the best other digit starts at {} (b2 alone) and ends at {}: {}.",
        signed(
            all.first()
                .and_then(|s| s.curve.first())
                .map_or(0.0, |p| p.lead),
            2
        ),
        signed(a.lead, 2),
        per_series.join("; ")
    )
}

/// The clip path, the shade where another digit leads, the lead gridlines,
/// the frame, the zero line with what each side means, and the lead's name.
fn background(plot: &Plot, clip_id: &str, t: usize) -> Group {
    let zero = plot.sy(0.0);
    let g = Group::new()
        .add(Definitions::new().add(clip_rect(clip_id, LEFT, TOP, PLOT_W, PLOT_H)))
        // Shade where another digit leads.
        .add(rect(LEFT, zero, PLOT_W, plot.sy(plot.ticks.lo) - zero).set("fill", "#f2f2f2"));
    let ticks = plot
        .ticks
        .values
        .iter()
        .map(|&v| (plot.sy(v), num(v, plot.ticks.decimals)));
    let right = LEFT + PLOT_W + 10.0;
    y_grid(g, ticks, (LEFT, LEFT + PLOT_W), LEFT - 8.0, false)
        .add(framed(LEFT, TOP, PLOT_W, PLOT_H))
        .add(line(LEFT, zero, LEFT + PLOT_W, zero, style::INK, 1.5))
        .add(style::text(
            format!("↑ {t} leads"),
            right,
            zero - 8.0,
            style::SMALL,
            "start",
        ))
        .add(style::text(
            "↓ another",
            right,
            zero + 16.0,
            style::SMALL,
            "start",
        ))
        .add(style::text(
            "digit leads",
            right + 11.0,
            zero + 30.0,
            style::SMALL,
            "start",
        ))
        .add(turned_note(
            format!("lead of {t} over the best other digit after N pairs"),
            18.0,
            TOP + PLOT_H / 2.0,
        ))
}

/// The bottom axis (pairs added, log scale) and the top one (percent of the
/// active pairs).
fn pair_axes(mut g: Group, plot: &Plot) -> Group {
    let active = plot.active;
    let pair_marks = pair_ticks(active);
    for &n in &pair_marks {
        g = x_tick(g, plot.sx(n as f64), TOP + PLOT_H, n.to_string(), false);
    }
    if pair_marks
        .last()
        .is_some_and(|&last| plot.sx(active as f64) - plot.sx(last as f64) > 30.0)
    {
        g = g.add(
            style::text(
                active.to_string(),
                plot.sx(active as f64),
                TOP + PLOT_H + 18.0,
                style::SMALL,
                "middle",
            )
            .set("font-weight", "bold"),
        );
    }
    g = g.add(style::text(
        "pairs added, N (log scale)",
        LEFT + PLOT_W / 2.0,
        TOP + PLOT_H + 36.0,
        style::SMALL,
        "middle",
    ));
    let mut last_x = f64::NEG_INFINITY;
    for f in [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0] {
        let n = f * active as f64;
        let x = plot.sx(n);
        if n < 1.0 || x - last_x < 34.0 {
            continue;
        }
        last_x = x;
        g = g
            .add(
                Line::new()
                    .set("x1", r(x))
                    .set("x2", r(x))
                    .set("y1", r(TOP - 5.0))
                    .set("y2", TOP)
                    .set("stroke", style::INK),
            )
            .add(style::text(
                format!("{} %", percent(f, 0)),
                x,
                TOP - 9.0,
                style::SMALL,
                "middle",
            ));
    }
    g.add(style::muted(
        format!("percent of the {active} active pairs"),
        LEFT,
        TOP - 26.0,
        "start",
    ))
}

/// Where the decision ranking settles: a labelled vertical line.
fn settle_line(g: Group, plot: &Plot, s: &Series, final_name: &str) -> Group {
    let x = plot.sx(s.summary.settles_at as f64);
    let label = format!(
        "decision ranking settles on {final_name} at N = {}",
        s.summary.settles_at
    );
    let label_w = label.chars().count() as f64 * 6.7 + 10.0;
    let lx = if x + label_w + 4.0 > LEFT + PLOT_W {
        x - label_w - 4.0
    } else {
        x + 4.0
    };
    g.add(
        line(x, TOP, x, TOP + PLOT_H, style::SERIES_A, style::HAIRLINE)
            .set("stroke-dasharray", "4 3"),
    )
    .add(
        rect(lx, TOP + 4.0, label_w, 18.0)
            .set("fill", style::PAPER)
            .set("fill-opacity", 0.9),
    )
    .add(
        style::text(label, lx + 5.0, TOP + 17.0, style::SMALL, "start")
            .set("font-weight", "bold")
            .set("fill", style::SERIES_A),
    )
}

/// Adds a triangle on the bottom axis where each order settles, then the
/// curves with their flips, clipped to the plot (controls first, so the
/// rankings lie on top).
fn curves(mut g: Group, plot: &Plot, all: &[Series], clip_id: &str) -> Group {
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
        let mut line = Polyline::new()
            .set("points", points.join(" "))
            .set("fill", "none")
            .set("stroke", s.colour)
            .set("stroke-width", style::STROKE)
            .set("stroke-linejoin", "round");
        if s.dash != "none" {
            line = line.set("stroke-dasharray", s.dash);
        }
        curves = curves.add(line);
        let flips = if s.spread.is_some() {
            &[][..]
        } else {
            &s.summary.flips[..]
        };
        for f in flips {
            if let Some(p) = s.curve.get(f.n) {
                curves = curves.add(
                    Circle::new()
                        .set("cx", r(plot.sx(p.n as f64)))
                        .set("cy", r(plot.sy(p.lead)))
                        .set("r", 4)
                        .set("fill", style::PAPER)
                        .set("stroke", s.colour)
                        .set("stroke-width", style::STROKE),
                );
            }
        }
        let x = plot.sx(settle_n(s));
        let y = TOP + PLOT_H;
        g = g.add(
            Polygon::new()
                .set(
                    "points",
                    format!(
                        "{},{} {},{} {},{}",
                        r(x),
                        r(y - 9.0),
                        r(x - 5.0),
                        r(y),
                        r(x + 5.0),
                        r(y)
                    ),
                )
                .set("fill", s.colour),
        );
    }
    g.add(curves)
}

/// One row per order, with where it settles; then what the marks mean.
fn legend(all: &[Series], clipped: &[(&'static str, f64)]) -> Group {
    let mut legend = Group::new();
    for (i, s) in all.iter().enumerate() {
        let ly = i as f64 * LEGEND_ROW;
        let mut line = Line::new()
            .set("x1", 0)
            .set("x2", 34)
            .set("y1", r(ly - 4.0))
            .set("y2", r(ly - 4.0))
            .set("stroke", s.colour)
            .set("stroke-width", style::STROKE);
        if s.dash != "none" {
            line = line.set("stroke-dasharray", s.dash);
        }
        let off_chart = if i == 3 {
            clipped
                .iter()
                .map(|(w, v)| format!(" · {w} {} (off the chart)", signed(*v, 2)))
                .collect::<String>()
        } else {
            String::new()
        };
        legend = legend
            .add(line)
            .add(style::text(s.name, 44.0, ly, style::SMALL, "start").set("font-weight", "bold"))
            .add(style::text(
                match s.spread {
                    Some(_) => format!("settle at {}{off_chart}", settles_of(s)),
                    None => format!(
                        "settles at {} · {} {}{off_chart}",
                        settles(s.summary),
                        s.summary.flips.len(),
                        flips_word(s.summary.flips.len())
                    ),
                },
                210.0,
                ly,
                style::SMALL,
                "start",
            ));
    }
    legend
        .add(style::muted(
            "○ a flip: adding one more pair changes the predicted digit   ▲ where each order settles for good",
            0.0,
            4.0 * LEGEND_ROW + 6.0,
            "start",
        ))
        .add(style::muted(
            format!(
                "random orders: the median line of {CONTROL_SHUFFLES} seeded shuffles, shaded from the 10th to the 90th percentile"
            ),
            0.0,
            5.0 * LEGEND_ROW + 6.0,
            "start",
        ))
}

#[cfg(test)]
mod tests;
