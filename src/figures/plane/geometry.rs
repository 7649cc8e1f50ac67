//! The plane's geometry in data coordinates: the window shown (symmetric
//! about the origin, round bounds, equal scale on both axes), the side of a
//! boundary where a pair fires (a convex polygon clipped to a half-plane),
//! where a boundary crosses the window, and short decimals for sample points.

use super::P;
use rust_decimal::Decimal;

/// The data window: x and y ranges (equal scale on both axes).
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
    pub step: f64,
}

/// A round grid step (1, 2, 2.5 or 5 × a power of ten) giving about six
/// steps over `range`.
fn nice_step(range: f64) -> f64 {
    let raw = (range / 6.0).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// A window symmetric about the origin (boundaries through it then leave
/// every region room) that holds all `points`.
pub(super) fn window(points: &[P]) -> Window {
    let (mut mx, mut my) = (0.0_f64, 0.0_f64);
    for &(x, y) in points {
        mx = mx.max(x.abs());
        my = my.max(y.abs());
    }
    let (x0, x1, y0, y1) = (-mx, mx, -my, my);
    let pad = 0.25 * (x1 - x0).max(y1 - y0).max(1.0);
    let (mut x0, mut x1, mut y0, mut y1) = (x0 - pad, x1 + pad, y0 - pad, y1 + pad);
    // Keep the aspect between 0.65 and 1.5 so regions have room for labels.
    let (w, h) = (x1 - x0, y1 - y0);
    if w < 0.65 * h {
        let add = (0.65 * h - w) / 2.0;
        x0 -= add;
        x1 += add;
    } else if h < w / 1.5 {
        let add = (w / 1.5 - h) / 2.0;
        y0 -= add;
        y1 += add;
    }
    let step = nice_step((x1 - x0).max(y1 - y0));
    Window {
        x0: (x0 / step).floor() * step,
        x1: (x1 / step).ceil() * step,
        y0: (y0 / step).floor() * step,
        y1: (y1 / step).ceil() * step,
        step,
    }
}

/// Clips a convex polygon to the half-plane a·x + b·y + c > 0.
pub(super) fn clip(poly: &[P], a: f64, b: f64, c: f64) -> Vec<P> {
    let side = |p: &P| a * p.0 + b * p.1 + c;
    let mut out = Vec::new();
    for (i, p) in poly.iter().enumerate() {
        let q = &poly[(i + 1) % poly.len()];
        let (sp, sq) = (side(p), side(q));
        if sp > 0.0 {
            out.push(*p);
        }
        if (sp > 0.0) != (sq > 0.0) {
            let t = sp / (sp - sq);
            out.push((p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t));
        }
    }
    out
}

/// A short decimal for a coordinate on the sampling grid.
pub(super) fn coord(v: f64) -> Option<Decimal> {
    crate::num::fixed(v, 2)
        .parse::<Decimal>()
        .ok()
        .map(|d| d.normalize())
}

/// Where the line a·x + b·y + c = 0 crosses the edges of the polygon
/// `corners` (the window), in order round it.
pub(super) fn crossings(corners: &[P], a: f64, b: f64, c: f64) -> Vec<P> {
    let mut ends: Vec<P> = Vec::new();
    for k in 0..corners.len() {
        let (p, q) = (corners[k], corners[(k + 1) % corners.len()]);
        let (sp, sq) = (a * p.0 + b * p.1 + c, a * q.0 + b * q.1 + c);
        if (sp > 0.0) != (sq > 0.0) && (sp - sq).abs() > 0.0 {
            let t = sp / (sp - sq);
            ends.push((p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t));
        }
    }
    ends
}
