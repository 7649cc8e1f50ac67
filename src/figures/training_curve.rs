//! Training curve: loss per epoch (left) and accuracy per epoch (right).

use super::chart::y_grid;
use super::{Figure, style};
use crate::nn::EpochStats;
use crate::num::{fixed, percent};
use svg::node::element::{Circle, Group, Line, Polyline, Rectangle, Text};

const W: f64 = 760.0;
const H: f64 = 290.0;
const PANEL_W: f64 = 300.0;
const PANEL_H: f64 = 190.0;
const TOP: f64 = 48.0;

/// A named, coloured line of (epoch, y) points.
type Series<'a> = (&'a str, &'static str, Vec<(f64, f64)>);

/// One panel's data: up to two series.
struct Panel<'a> {
    title: &'a str,
    series: Vec<Series<'a>>,
    y_label: fn(f64) -> String,
}

pub(crate) fn training_curve(history: &[EpochStats]) -> Figure {
    let loss: Vec<(f64, f64)> = history.iter().map(|e| (e.epoch as f64, e.loss)).collect();
    let train: Vec<(f64, f64)> = history
        .iter()
        .map(|e| (e.epoch as f64, e.train_accuracy))
        .collect();
    let test: Vec<(f64, f64)> = history
        .iter()
        .map(|e| (e.epoch as f64, e.test_accuracy))
        .collect();
    let description = match (history.first(), history.last()) {
        (Some(first), Some(last)) => format!(
            "Training over {} epochs: the loss falls from {} to {}; test accuracy goes from {} % after epoch 1 to {} % after epoch {}.",
            history.len(),
            fixed(first.loss, 4),
            fixed(last.loss, 4),
            percent(first.test_accuracy, 2),
            percent(last.test_accuracy, 2),
            last.epoch
        ),
        _ => "No training history.".to_string(),
    };
    let left = Panel {
        title: "Training loss",
        series: vec![("loss", style::SERIES_A, loss)],
        y_label: |v| fixed(v, 3),
    };
    let right = Panel {
        title: "Accuracy (%)",
        series: vec![
            ("train (during epoch)", style::SERIES_B, train),
            ("test (after epoch)", style::SERIES_A, test),
        ],
        y_label: |v| percent(v, 1),
    };
    let doc = style::frame(W, H, "Training curve", &description)
        .add(panel(&left, 60.0))
        .add(panel(&right, 420.0));
    // The drawn series only: the epoch's seconds are not drawn (and differ
    // between runs).
    let mut data = super::data::Table::new(&["epoch", "loss", "train_accuracy", "test_accuracy"]);
    for e in history {
        data.row(vec![
            e.epoch.into(),
            e.loss.into(),
            e.train_accuracy.into(),
            e.test_accuracy.into(),
        ]);
    }
    style::figure(
        "training-curve",
        "Training curve",
        description,
        doc,
        data.data(),
    )
}

fn panel(p: &Panel, x0: f64) -> Group {
    let points: Vec<(f64, f64)> = p.series.iter().flat_map(|s| s.2.iter().copied()).collect();
    let (xmin, xmax) = bounds(points.iter().map(|q| q.0));
    let (ymin, ymax) = bounds(points.iter().map(|q| q.1));
    let pad = ((ymax - ymin) * 0.08).max(1e-6);
    let (ymin, ymax) = (ymin - pad, ymax + pad);
    let sx = |x: f64| {
        x0 + if xmax > xmin {
            (x - xmin) / (xmax - xmin) * PANEL_W
        } else {
            PANEL_W / 2.0
        }
    };
    let sy = |y: f64| TOP + PANEL_H - (y - ymin) / (ymax - ymin) * PANEL_H;

    let mut g = Group::new()
        .add(
            Text::new(p.title)
                .set("x", x0)
                .set("y", TOP - 28.0)
                .set("font-weight", "bold")
                .set("fill", style::INK),
        )
        .add(
            Rectangle::new()
                .set("x", x0)
                .set("y", TOP)
                .set("width", PANEL_W)
                .set("height", PANEL_H)
                .set("fill", "none")
                .set("stroke", style::GRID),
        );
    let ticks = (0..=4).map(|k| {
        let y = ymin + (ymax - ymin) * f64::from(k) / 4.0;
        (sy(y), (p.y_label)(y))
    });
    g = y_grid(g, ticks, (x0, x0 + PANEL_W), x0 - 6.0, false);
    let epochs: Vec<f64> = p
        .series
        .first()
        .map(|s| s.2.iter().map(|q| q.0).collect())
        .unwrap_or_default();
    let step = (epochs.len() / 8).max(1);
    for e in epochs.iter().step_by(step) {
        g = g.add(
            Text::new(fixed(*e, 0))
                .set("x", r(sx(*e)))
                .set("y", TOP + PANEL_H + 16.0)
                .set("text-anchor", "middle")
                .set("fill", style::INK)
                .set("font-size", 11),
        );
    }
    g = g.add(
        Text::new("epoch")
            .set("x", x0 + PANEL_W / 2.0)
            .set("y", TOP + PANEL_H + 34.0)
            .set("text-anchor", "middle")
            .set("fill", style::INK),
    );
    for (i, (name, colour, pts)) in p.series.iter().enumerate() {
        let coords: Vec<String> = pts
            .iter()
            .map(|&(x, y)| format!("{},{}", r(sx(x)), r(sy(y))))
            .collect();
        g = g.add(
            Polyline::new()
                .set("points", coords.join(" "))
                .set("fill", "none")
                .set("stroke", *colour)
                .set("stroke-width", style::STROKE),
        );
        for &(x, y) in pts {
            g = g.add(
                Circle::new()
                    .set("cx", r(sx(x)))
                    .set("cy", r(sy(y)))
                    .set("r", 3)
                    .set("fill", *colour),
            );
        }
        // Legend: one row above the plot box, so it never covers the data.
        let (lx, ly) = (x0 + 150.0 * i as f64, TOP - 10.0);
        g = g
            .add(
                Line::new()
                    .set("x1", lx)
                    .set("x2", lx + 18.0)
                    .set("y1", ly - 4.0)
                    .set("y2", ly - 4.0)
                    .set("stroke", *colour)
                    .set("stroke-width", style::STROKE),
            )
            .add(
                Text::new(*name)
                    .set("x", lx + 22.0)
                    .set("y", ly)
                    .set("fill", style::INK)
                    .set("font-size", 11),
            );
    }
    g
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

/// Coordinates rounded to 0.01 so the SVG text is short and stable.
fn r(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_the_numbers_it_draws() {
        let h = vec![
            EpochStats {
                epoch: 1,
                loss: 0.4,
                train_accuracy: 0.9,
                test_accuracy: 0.95,
                seconds: 1.0,
            },
            EpochStats {
                epoch: 2,
                loss: 0.2,
                train_accuracy: 0.96,
                test_accuracy: 0.975,
                seconds: 9.0,
            },
        ];
        let f = training_curve(&h);
        assert!(
            f.description.contains("from 0.4000 to 0.2000"),
            "{}",
            f.description
        );
        assert!(
            f.description
                .contains("95.00 % after epoch 1 to 97.50 % after epoch 2")
        );
        let s = f.to_svg_string();
        assert!(s.contains("<desc>") && s.contains("<polyline"));
        assert_eq!(s.matches("<circle").count(), 6);
        // Timings never reach the figure.
        let mut h2 = h.clone();
        h2[1].seconds = 1234.0;
        assert_eq!(training_curve(&h2).to_svg_string(), s);
        crate::figures::testing::assert_sound(&f);
    }
}
