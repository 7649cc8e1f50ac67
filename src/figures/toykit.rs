//! The small drawing kit the toy-net families (`networks`, `weight_views`,
//! `worked`, `matrices`, `plane`) share: text width estimates, exact
//! decimals as geometry and as text, weight label boxes placed so they never
//! overlap, arrows, and the one-sentence phrases descriptions are built from.

use super::style;
use crate::kv::toy::{Prediction, ToyNet};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use svg::node::element::{Group, Line, Polygon, Rectangle};

/// Node radius.
pub(super) const R: f64 = 20.0;

/// Estimated advance width of `s` in DejaVu Sans at `size` px (per-glyph
/// classes of the real metrics; within a few percent for our labels).
pub(super) fn text_width(s: &str, size: f64) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            '0'..='9' => 0.636,
            '.' | ',' | ':' | ';' | '·' | ' ' | '\'' => 0.3179,
            '(' | ')' | '[' | ']' => 0.39,
            '−' | '+' | '=' | '×' | '<' | '>' | '→' | '←' | '≥' | '≤' => 0.838,
            'i' | 'l' | 'j' | '|' => 0.278,
            'f' | 't' | 'r' => 0.4,
            'm' | 'w' => 0.95,
            'A'..='Z' => 0.72,
            'a'..='z' => 0.61,
            _ => 0.75,
        })
        .sum();
    em * size
}

/// A decimal as `f64` for geometry and colour only (never for numbers shown).
pub(super) fn f(d: &Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// "(1, 0, 0.5)": a vector of exact decimals for display.
pub(super) fn vec_text(xs: &[Decimal]) -> String {
    let parts: Vec<String> = xs.iter().map(style::dec).collect();
    format!("({})", parts.join(", "))
}

/// "the 2×2-image network from the slides": the net's title as a phrase.
pub(super) fn net_phrase(net: &ToyNet) -> String {
    let t = net.title.trim();
    let lower = ["The ", "A ", "An "]
        .iter()
        .any(|p| t.starts_with(p) && t.len() > p.len());
    if lower {
        let mut c = t.chars();
        match c.next() {
            Some(first) => first.to_lowercase().chain(c).collect(),
            None => String::new(),
        }
    } else {
        format!("the network “{t}”")
    }
}

/// `sep` + "output 1 wins" or `sep` + "a tie between output 1 and output
/// 2"; empty for a net with a single output (nothing to decide).
pub(super) fn verdict(net: &ToyNet, p: &Prediction, sep: &str) -> String {
    if net.outputs.len() <= 1 {
        String::new()
    } else {
        format!("{sep}{}", prediction_text(net, p))
    }
}

/// "output 1 wins", "a tie between output 1 and output 2".
fn prediction_text(net: &ToyNet, p: &Prediction) -> String {
    let name = |i: &usize| {
        net.outputs
            .get(*i)
            .cloned()
            .unwrap_or_else(|| format!("output {}", i + 1))
    };
    match p {
        Prediction::Unique(i) => format!("{} wins", name(i)),
        Prediction::Tie(v) => {
            let names: Vec<String> = v.iter().map(name).collect();
            format!("a tie between {}", names.join(" and "))
        }
    }
}

/// An axis-aligned box, for keeping labels apart.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bx {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Bx {
    pub(super) fn centred(cx: f64, cy: f64, w: f64, h: f64) -> Bx {
        Bx {
            x0: cx - w / 2.0,
            y0: cy - h / 2.0,
            x1: cx + w / 2.0,
            y1: cy + h / 2.0,
        }
    }
    fn overlap(&self, o: &Bx, pad: f64) -> f64 {
        let w = (self.x1.min(o.x1) - self.x0.max(o.x0) + pad).max(0.0);
        let h = (self.y1.min(o.y1) - self.y0.max(o.y0) + pad).max(0.0);
        w * h
    }
}

/// Greedy label placement: each label goes to the first spot along its
/// edge that overlaps nothing placed before (nodes, texts, other labels).
#[derive(Debug, Default)]
pub(super) struct Placer {
    taken: Vec<Bx>,
    /// Edges a label should rather not sit on (it would look like theirs).
    lines: Vec<((f64, f64), (f64, f64))>,
}

/// Whether the segment `a`–`b` passes through `bx` (Liang–Barsky).
fn crosses(a: (f64, f64), b: (f64, f64), bx: &Bx) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-dx, a.0 - bx.x0),
        (dx, bx.x1 - a.0),
        (-dy, a.1 - bx.y0),
        (dy, bx.y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t0 <= t1
}

impl Placer {
    pub(super) fn block(&mut self, b: Bx) {
        self.taken.push(b);
    }

    /// Edges other labels should keep off (call before placing labels).
    pub(super) fn avoid_line(&mut self, a: (f64, f64), b: (f64, f64)) {
        self.lines.push((a, b));
    }

    /// Overlaps weigh far more than sitting on a foreign edge.
    fn cost(&self, b: &Bx, own: ((f64, f64), (f64, f64))) -> f64 {
        let overlap: f64 = self.taken.iter().map(|t| t.overlap(b, 3.0)).sum();
        let on_lines = self
            .lines
            .iter()
            .filter(|l| **l != own && crosses(l.0, l.1, b))
            .count();
        overlap * 100.0 + on_lines as f64 * 40.0
    }

    /// Centre of a `w`×`h` label on the segment `a`–`b` (node centres).
    pub(super) fn on_edge(&mut self, a: (f64, f64), b: (f64, f64), w: f64, h: f64) -> (f64, f64) {
        const TS: [f64; 13] = [
            0.5, 0.44, 0.56, 0.38, 0.62, 0.32, 0.68, 0.26, 0.74, 0.2, 0.8, 0.14, 0.86,
        ];
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = dx.hypot(dy).max(1e-9);
        // The part of the edge outside both nodes.
        let s0 = (R + 4.0) / len;
        let s1 = 1.0 - s0;
        let at = |t: f64| {
            let s = s0 + (s1 - s0) * t;
            (a.0 + dx * s, a.1 + dy * s)
        };
        let mut best = (f64::INFINITY, at(0.5));
        for t in TS {
            let p = at(t);
            let c = self.cost(&Bx::centred(p.0, p.1, w, h), (a, b));
            if c < best.0 {
                best = (c, p);
            }
            if c == 0.0 {
                break;
            }
        }
        self.block(Bx::centred(best.1.0, best.1.1, w, h));
        best.1
    }
}

/// A weight (or any short number) in a yellow label box centred at (x, y).
pub(super) fn label_box(s: &str, x: f64, y: f64, opacity: f64) -> Group {
    let (w, h) = label_size(s);
    let mut g = Group::new()
        .add(
            Rectangle::new()
                .set("x", style::r(x - w / 2.0))
                .set("y", style::r(y - h / 2.0))
                .set("width", style::r(w))
                .set("height", style::r(h))
                .set("rx", 4)
                .set("fill", style::LABEL_FILL)
                .set("stroke", style::LABEL_STROKE)
                .set("stroke-width", style::HAIRLINE),
        )
        .add(style::text(s, x, y + 4.5, style::FONT_SIZE, "middle"));
    if opacity < 1.0 {
        g = g.set("opacity", opacity);
    }
    g
}

pub(super) fn label_size(s: &str) -> (f64, f64) {
    (text_width(s, style::FONT_SIZE) + 10.0, 19.0)
}

/// A straight arrow from `a` to `b` with a filled head.
pub(super) fn arrow(a: (f64, f64), b: (f64, f64), colour: &str, width: f64) -> Group {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy).max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let head = (4.0 + 2.5 * width).min(len * 0.6);
    let base = (b.0 - ux * head, b.1 - uy * head);
    let (px, py) = (-uy * head * 0.45, ux * head * 0.45);
    let pts = format!(
        "{},{} {},{} {},{}",
        style::r(b.0),
        style::r(b.1),
        style::r(base.0 + px),
        style::r(base.1 + py),
        style::r(base.0 - px),
        style::r(base.1 - py)
    );
    Group::new()
        .add(
            Line::new()
                .set("x1", style::r(a.0))
                .set("y1", style::r(a.1))
                .set("x2", style::r(base.0))
                .set("y2", style::r(base.1))
                .set("stroke", colour)
                .set("stroke-width", width),
        )
        .add(Polygon::new().set("points", pts).set("fill", colour))
}
