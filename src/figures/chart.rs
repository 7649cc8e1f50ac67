//! Chart pieces the plotting families share, so every axis, frame and
//! gridline is drawn one way: plain rectangles and lines, the frame around a
//! plot or grid, horizontal gridlines with their value labels, tick marks
//! under an x axis, axis titles turned to read bottom-up, the clip rectangle
//! of a plot, and round tick values (`nice_step` for counts from zero,
//! `nice_ticks` for any range).
//!
//! Coordinates go through [`r`] like everywhere else; a helper here writes
//! exactly the elements and attributes its callers wrote before it existed.

use super::style::{self, r, text};
use svg::node::element::{ClipPath, Group, Line, Rectangle, Text};

// ---------------------------------------------------------------- shapes

/// A rectangle at (x, y), `w` × `h` (negative sizes drawn as 0).
pub(crate) fn rect(x: f64, y: f64, w: f64, h: f64) -> Rectangle {
    Rectangle::new()
        .set("x", r(x))
        .set("y", r(y))
        .set("width", r(w.max(0.0)))
        .set("height", r(h.max(0.0)))
}

/// A straight line from (x1, y1) to (x2, y2).
pub(crate) fn line(x1: f64, y1: f64, x2: f64, y2: f64, colour: &str, width: f64) -> Line {
    Line::new()
        .set("x1", r(x1))
        .set("y1", r(y1))
        .set("x2", r(x2))
        .set("y2", r(y2))
        .set("stroke", colour)
        .set("stroke-width", width)
}

/// The thin frame around a plot or a grid of cells: unfilled, in the frame
/// colour.
pub(crate) fn framed(x: f64, y: f64, w: f64, h: f64) -> Rectangle {
    rect(x, y, w, h)
        .set("fill", "none")
        .set("stroke", style::FRAME)
        .set("stroke-width", style::HAIRLINE)
}

/// The clip path `id`: the rectangle a plot's data is cut to.
pub(crate) fn clip_rect(id: &str, x: f64, y: f64, w: f64, h: f64) -> ClipPath {
    ClipPath::new().set("id", id).add(
        Rectangle::new()
            .set("x", r(x))
            .set("y", r(y))
            .set("width", r(w))
            .set("height", r(h)),
    )
}

// ---------------------------------------------------------------- axes

/// A horizontal gridline from `x0` to `x1` at `y`, in the SVG's default
/// stroke width.
pub(crate) fn gridline(x0: f64, x1: f64, y: f64) -> Line {
    Line::new()
        .set("x1", r(x0))
        .set("x2", r(x1))
        .set("y1", r(y))
        .set("y2", r(y))
        .set("stroke", style::GRID)
}

/// The value label of the gridline at `y`: small, right-aligned at `x`.
pub(crate) fn y_label(s: impl Into<String>, x: f64, y: f64) -> Text {
    text(s, x, y + 4.0, style::SMALL, "end")
}

/// Adds to `g`, for every tick (its height `y` and its label), a gridline
/// from `x0` to `x1` and then its label at `label_x`. `hairline`: the lines
/// carry an explicit hairline width (the population charts) instead of the
/// SVG default.
pub(crate) fn y_grid(
    mut g: Group,
    ticks: impl IntoIterator<Item = (f64, String)>,
    (x0, x1): (f64, f64),
    label_x: f64,
    hairline: bool,
) -> Group {
    for (y, label) in ticks {
        let l = gridline(x0, x1, y);
        g = g
            .add(if hairline {
                l.set("stroke-width", style::HAIRLINE)
            } else {
                l
            })
            .add(y_label(label, label_x, y));
    }
    g
}

/// Adds to `g` a tick mark at `x` hanging 5 px below the axis at `y`, and its
/// label under it. `hairline` as in [`y_grid`].
pub(crate) fn x_tick(g: Group, x: f64, y: f64, label: impl Into<String>, hairline: bool) -> Group {
    let l = Line::new()
        .set("x1", r(x))
        .set("x2", r(x))
        .set("y1", r(y))
        .set("y2", r(y + 5.0))
        .set("stroke", style::INK);
    g.add(if hairline {
        l.set("stroke-width", style::HAIRLINE)
    } else {
        l
    })
    .add(text(label, x, y + 18.0, style::SMALL, "middle"))
}

/// An axis title turned to read bottom-up, centred on (x, y): written at the
/// origin and moved there.
pub(crate) fn turned(s: impl Into<String>, x: f64, y: f64, size: f64) -> Text {
    text(s, 0.0, 0.0, size, "middle").set(
        "transform",
        format!("translate({} {}) rotate(-90)", r(x), r(y)),
    )
}

/// A small muted axis title turned bottom-up about its own anchor (x, y).
pub(crate) fn turned_note(s: impl Into<String>, x: f64, y: f64) -> Text {
    text(s, x, y, style::SMALL, "middle")
        .set("transform", format!("rotate(-90 {} {})", r(x), r(y)))
        .set("fill", style::MUTED)
}

// ---------------------------------------------------------------- tick values

/// A round step for an axis from 0 to `max` with about five ticks.
pub(crate) fn nice_step(max: f64) -> f64 {
    if max.is_nan() || max <= 0.0 {
        return 1.0;
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
        .max(1.0)
}

/// A count axis from 0: its [`nice_step`], its top (a whole number of steps,
/// at least one) and how many steps reach the top.
pub(crate) struct CountAxis {
    pub step: f64,
    pub top: f64,
    pub steps: usize,
}

pub(crate) fn count_axis(max: usize) -> CountAxis {
    let step = nice_step(max as f64);
    let top = ((max as f64 / step).ceil() * step).max(step);
    CountAxis {
        step,
        top,
        steps: (top / step).round() as usize,
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn count_steps_are_round() {
        assert_eq!(nice_step(7.0), 2.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(240.0), 50.0);
        let a = count_axis(7);
        assert_eq!((a.step, a.top, a.steps), (2.0, 8.0, 4));
        let a = count_axis(0);
        assert_eq!((a.step, a.top, a.steps), (1.0, 1.0, 1));
    }
}
