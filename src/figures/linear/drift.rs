//! How keys move in training: one key at initialisation, after training and
//! the change ([`key_drift`]), and the histogram of the cosine between every
//! trained key and its initial weights ([`drift_histogram`]).

use super::{abs_max, colour_words, heatmap, weight_legend};
use crate::figures::Figure;
use crate::figures::chart::{count_axis, line, rect, turned, x_tick, y_grid};
use crate::figures::style::{self, Variant, num, text};
use crate::kv::linear::{CosineHistogram, KeyDrift, cosine_histogram, key_delta};
use svg::node::element::Group;

/// One key at initialisation, after training, and the change, with the
/// cosine between the first two. The two keys share one scale; the change
/// has its own.
pub(crate) fn key_drift(
    id: &str,
    init_key: &[f32],
    trained_key: &[f32],
    pair: usize,
    cosine: f64,
    variant: Variant,
) -> Figure {
    const CELL: f64 = 8.0;
    const SIDE: f64 = 28.0 * CELL;
    const PITCH: f64 = SIDE + 56.0;
    const X0: f64 = 32.0;
    const TOP: f64 = 76.0;
    let title = format!("Key of pair {pair}: before and after training");
    let init: Vec<f64> = init_key.iter().map(|&w| f64::from(w)).collect();
    let trained: Vec<f64> = trained_key.iter().map(|&w| f64::from(w)).collect();
    let change: Vec<f64> = key_delta(trained_key, init_key)
        .iter()
        .map(|&w| f64::from(w))
        .collect();
    let keys_scale = abs_max(init.iter().chain(&trained));
    let change_scale = abs_max(&change);
    let description = format!(
        "The key of pair {pair} at initialisation and after training, and the change: cosine between the two is {}. Largest weight {} at initialisation, {} after training; largest change {}.",
        num(cosine, 2),
        num(abs_max(&init), 3),
        num(abs_max(&trained), 3),
        num(change_scale, 3)
    );
    let panels: [(&str, &[f64], f64); 3] = [
        ("at initialisation", &init, keys_scale),
        ("after training", &trained, keys_scale),
        ("change (trained − initial)", &change, change_scale),
    ];
    let mut body = Group::new().add(
        text(
            format!("pair {pair}: cosine(initial, trained) = {}", num(cosine, 2)),
            X0,
            30.0,
            style::LARGE,
            "start",
        )
        .set("font-weight", "bold"),
    );
    for (k, (label, values, scale)) in panels.iter().enumerate() {
        let x = X0 + k as f64 * PITCH;
        body = body
            .add(text(*label, x, TOP - 10.0, style::FONT_SIZE, "start"))
            .add(heatmap(values, x, TOP, CELL, *scale, variant));
    }
    let ly = TOP + SIDE + 30.0;
    body = body
        .add(weight_legend(
            &format!("{id}-keys"),
            X0 + SIDE / 2.0 + 8.0,
            ly,
            PITCH + SIDE / 2.0 - 16.0,
            keys_scale,
            "key weight (both keys, one scale)",
            variant,
        ))
        .add(weight_legend(
            &format!("{id}-change"),
            X0 + 2.0 * PITCH,
            ly,
            SIDE,
            change_scale,
            "change",
            variant,
        ))
        .add(style::muted(colour_words(variant), X0, ly + 50.0, "start"));
    let w = X0 + 2.0 * PITCH + SIDE + X0 + 16.0;
    let h = ly + 64.0;
    let doc = style::frame(w, h, &title, &description).add(body);
    let data = {
        use crate::figures::data::{FigureData, j64, j64s, obj};
        FigureData::Json(obj(vec![
            ("pair", pair.into()),
            ("cosine", j64(cosine)),
            ("initial", j64s(&init)),
            ("trained", j64s(&trained)),
            ("change", j64s(&change)),
        ]))
    };
    style::figure(id, &title, description, doc, data)
}

/// Left edge and top of the histogram, and its size.
const X0: f64 = 64.0;
const TOP: f64 = 48.0;
const PW: f64 = 520.0;
const PH: f64 = 200.0;

/// The histogram's scales: cosine to x, count to y.
struct Scales {
    lo: f64,
    hi: f64,
    /// Top of the count axis.
    top: f64,
}

impl Scales {
    fn sx(&self, c: f64) -> f64 {
        X0 + (c - self.lo) / (self.hi - self.lo) * PW
    }
    fn sy(&self, v: f64) -> f64 {
        TOP + PH - v / self.top * PH
    }
}

/// Histogram of the cosine between every trained key and its initial
/// weights, the median marked.
pub(crate) fn drift_histogram(id: &str, d: &KeyDrift) -> Figure {
    let title = "How far the keys moved in training";
    let hist = cosine_histogram(d);
    let n = d.cosines.len();
    let description = if n == 0 {
        "No keys to compare.".to_string()
    } else {
        format!(
            "Cosine between each of the {n} trained keys and its initial weights: median {}, lowest {}, highest {} (1 = the key still points where it started, 0 = nothing of its start is left).",
            num(d.median, 2),
            num(hist.min, 2),
            num(hist.max, 2)
        )
    };
    let bins = hist.counts.len().max(1);
    let max = hist.counts.iter().copied().max().unwrap_or(0);
    let counts = count_axis(max);
    let s = Scales {
        lo: hist.lo,
        hi: hist.lo + bins as f64 * hist.width,
        top: counts.top,
    };
    let count_ticks = (0..=counts.steps).map(|k| {
        let v = k as f64 * counts.step;
        (s.sy(v), num(v, 0))
    });
    let axis = y_grid(Group::new(), count_ticks, (X0, X0 + PW), X0 - 8.0, true);
    let mut median = Group::new();
    if n > 0 {
        median = median_mark(&s, d.median);
    }
    let w = X0 + PW + 32.0;
    let h = TOP + PH + 56.0;
    let doc = style::frame(w, h, title, &description)
        .add(cosine_axis(axis, &s))
        .add(bars(&hist, &s, bins))
        .add(median);
    let data = {
        use crate::figures::data::{FigureData, j64, j64s, obj};
        let bins = hist
            .counts
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                obj(vec![
                    ("from", j64(hist.lo + i as f64 * hist.width)),
                    ("to", j64(hist.lo + (i + 1) as f64 * hist.width)),
                    ("keys", c.into()),
                ])
            })
            .collect();
        FigureData::Json(obj(vec![
            ("median", j64(d.median)),
            ("lowest", j64(hist.min)),
            ("highest", j64(hist.max)),
            ("bins", serde_json::Value::Array(bins)),
            ("cosines", j64s(&d.cosines)),
        ]))
    };
    style::figure(id, title, description, doc, data)
}

/// Adds the cosine ticks (a round step giving at most about ten labels), the
/// base line and both axis names.
fn cosine_axis(mut axis: Group, s: &Scales) -> Group {
    let span = s.hi - s.lo;
    let tick = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
        .into_iter()
        .find(|t| span / t <= 10.0 + 1e-9)
        .unwrap_or(0.5);
    let first = (s.lo / tick - 1e-9).ceil() as i64;
    let last = (s.hi / tick + 1e-9).floor() as i64;
    for k in first..=last {
        let c = k as f64 * tick;
        axis = x_tick(axis, s.sx(c), TOP + PH, num(c, 2), true);
    }
    axis.add(line(
        X0,
        TOP + PH,
        X0 + PW,
        TOP + PH,
        style::INK,
        style::HAIRLINE,
    ))
    .add(
        text(
            "cosine(initial key, trained key)",
            X0 + PW / 2.0,
            TOP + PH + 38.0,
            style::FONT_SIZE,
            "middle",
        )
        .set("fill", style::MUTED),
    )
    .add(turned("pairs", X0 - 40.0, TOP + PH / 2.0, style::SMALL).set("fill", style::MUTED))
}

/// One bar per nonzero bin.
fn bars(hist: &CosineHistogram, s: &Scales, bins: usize) -> Group {
    let mut bars = Group::new().set("shape-rendering", "crispEdges");
    let bw = PW / bins as f64;
    for (b, &count) in hist.counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        bars = bars.add(
            rect(
                X0 + b as f64 * bw + 0.5,
                s.sy(count as f64),
                bw - 1.0,
                TOP + PH - s.sy(count as f64),
            )
            .set("fill", style::SERIES_A),
        );
    }
    bars
}

/// The median as a dashed line, labelled on the side with room.
fn median_mark(s: &Scales, median: f64) -> Group {
    let mx = s.sx(median);
    let right_quarter = mx > X0 + PW * 0.75;
    Group::new()
        .add(
            line(mx, TOP - 6.0, mx, TOP + PH, style::INK, style::STROKE)
                .set("stroke-dasharray", "5 3"),
        )
        .add(
            text(
                format!("median {}", num(median, 2)),
                mx + if right_quarter { -6.0 } else { 6.0 },
                TOP - 8.0,
                style::FONT_SIZE,
                if right_quarter { "end" } else { "start" },
            )
            .set("font-weight", "bold"),
        )
}
