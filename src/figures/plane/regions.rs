//! The plane's labels: one per on/off region, at the sample point that
//! keeps its label farthest from every line, edge, key tip and the input's
//! label, with the net's output there (`kv::toy::decompose` at that point,
//! never computed here); and the chosen input marked with its output.

use super::geometry::coord;
use super::{Key, LEFT, P, Plot, TOP};
use crate::figures::chart::rect;
use crate::figures::style;
use crate::figures::toykit::{f, text_width, vec_text};
use crate::kv::toy::{ToyDecomposition, ToyNet, decompose};
use rust_decimal::Decimal;
use svg::node::element::{Circle, Group};

/// The net's output as text: one number, or a vector.
pub(super) fn out_text(net: &ToyNet, logits: &[Decimal]) -> String {
    if net.outputs.len() == 1 {
        logits.first().map(style::dec).unwrap_or_default()
    } else {
        vec_text(logits)
    }
}

fn pattern_text(fires: &[bool]) -> String {
    match (
        fires.iter().all(|f| *f),
        fires.iter().all(|f| !*f),
        fires.len(),
    ) {
        (true, _, 1) => "the pair is on".to_string(),
        (_, true, 1) => "the pair is off".to_string(),
        (true, _, _) => "all pairs on".to_string(),
        (_, true, _) => "all pairs off".to_string(),
        _ => {
            let on: Vec<String> = fires
                .iter()
                .enumerate()
                .filter(|(_, f)| **f)
                .map(|(i, _)| (i + 1).to_string())
                .collect();
            let off: Vec<String> = fires
                .iter()
                .enumerate()
                .filter(|(_, f)| !**f)
                .map(|(i, _)| (i + 1).to_string())
                .collect();
            format!("pair {} on, {} off", on.join("+"), off.join("+"))
        }
    }
}

/// The chosen input's label: its text, the point in px, the label's left
/// edge and width (right of the point, or left of it near the right edge).
pub(super) struct PointLabel {
    text: String,
    q: P,
    tx: f64,
    tw: f64,
}

impl PointLabel {
    pub(super) fn new(net: &ToyNet, d: &ToyDecomposition, plot: &Plot) -> PointLabel {
        let q = plot.px((
            d.input.first().map_or(0.0, f),
            d.input.get(1).map_or(0.0, f),
        ));
        let text = format!(
            "{} → output {}",
            vec_text(&d.input),
            out_text(net, &d.logits)
        );
        let tw = text_width(&text, style::FONT_SIZE) * 1.12 + 8.0;
        let right = q.0 < LEFT + plot.pw * 0.6;
        let tx = if right { q.0 + 10.0 } else { q.0 - 10.0 - tw };
        PointLabel { text, q, tx, tw }
    }

    /// The input marked: a backing for the label, the point, the label.
    pub(super) fn mark(self) -> Group {
        let q = self.q;
        Group::new()
            .add(
                rect(self.tx, q.1 - 12.0, self.tw, 18.0)
                    .set("fill", style::PAPER)
                    .set("opacity", 0.9),
            )
            .add(
                Circle::new()
                    .set("cx", style::r(q.0))
                    .set("cy", style::r(q.1))
                    .set("r", 6)
                    .set("fill", style::HIGHLIGHT)
                    .set("stroke", style::INK)
                    .set("stroke-width", 1.5),
            )
            .add(
                style::text(
                    self.text,
                    self.tx + 4.0,
                    q.1 + 2.0,
                    style::FONT_SIZE,
                    "start",
                )
                .set("font-weight", "bold"),
            )
    }
}

/// Score of a region label centred at the sample `p`: how far its box keeps
/// from every line, the plot's edges, the origin, the key tips and the
/// input's label (negative: it collides).
fn clearance(p: P, keys: &[Key], plot: &Plot, point: Option<&PointLabel>) -> f64 {
    let (w, scale) = (&plot.w, plot.scale);
    let (cx, cy) = (plot.sx(p.0), plot.sy(p.1));
    let (bx0, bx1, by0, by1) = (cx - 78.0, cx + 78.0, cy - 32.0, cy + 10.0);
    let mut d = (bx0 - LEFT)
        .min(LEFT + plot.pw - bx1)
        .min(by0 - TOP)
        .min(TOP + plot.ph - by1);
    let corners = [(bx0, by0), (bx1, by0), (bx0, by1), (bx1, by1)];
    for ((a, b), c) in keys {
        let n = a.hypot(*b);
        if n > 0.0 {
            let side = (a * p.0 + b * p.1 + c).signum();
            for (x, y) in corners {
                let (u, v) = (w.x0 + (x - LEFT) / scale, w.y1 - (y - TOP) / scale);
                d = d.min(side * (a * u + b * v + c) / n * scale);
            }
        }
    }
    let mut keep_out = vec![plot.px((0.0, 0.0))];
    keep_out.extend(keys.iter().map(|k| plot.px(k.0)));
    for (x, y) in keep_out {
        let dx = (bx0 - x).max(x - bx1).max(0.0);
        let dy = (by0 - y).max(y - by1).max(0.0);
        d = d.min(dx.hypot(dy) - 4.0);
    }
    if let Some(PointLabel { q, tx, tw, .. }) = point {
        let dx = (bx0 - (tx + tw)).max(tx - bx1).max(0.0);
        let dy = (by0 - (q.1 + 8.0)).max(q.1 - 14.0 - by1).max(0.0);
        d = d.min(dx.hypot(dy) - 4.0);
    }
    d
}

/// One sample point per on/off region (which pairs fire there), the one
/// with the most [`clearance`] on a grid of quarter steps; sorted by region.
fn samples(keys: &[Key], plot: &Plot, point: Option<&PointLabel>) -> Vec<(Vec<bool>, P, f64)> {
    let w = &plot.w;
    let fires_at = |p: P| -> Vec<bool> {
        keys.iter()
            .map(|((a, b), c)| a * p.0 + b * p.1 + c > 0.0)
            .collect()
    };
    let sub = w.step / 4.0;
    let mut best: Vec<(Vec<bool>, P, f64)> = Vec::new();
    let (nx, ny) = (
        ((w.x1 - w.x0) / sub).round() as i64,
        ((w.y1 - w.y0) / sub).round() as i64,
    );
    for i in 1..nx {
        for j in 1..ny {
            let p = (w.x0 + i as f64 * sub, w.y0 + j as f64 * sub);
            let pat = fires_at(p);
            let d = clearance(p, keys, plot, point);
            match best.iter_mut().find(|b| b.0 == pat) {
                Some(b) if d > b.2 => {
                    b.1 = p;
                    b.2 = d;
                }
                Some(_) => {}
                None => best.push((pat, p, d)),
            }
        }
    }
    best.sort_by(|a, b| a.0.cmp(&b.0));
    best
}

/// A label for every region whose sample the net agrees about: which pairs
/// are on and the output there; and the same as phrases for the
/// description.
pub(super) fn regions(
    net: &ToyNet,
    keys: &[Key],
    plot: &Plot,
    point: Option<&PointLabel>,
) -> (Group, Vec<String>) {
    let mut regions = Group::new();
    let mut region_desc = Vec::new();
    for (pat, p, _) in &samples(keys, plot, point) {
        let (Some(dx), Some(dy)) = (coord(p.0), coord(p.1)) else {
            continue;
        };
        let Ok(dd) = decompose(net, &[dx, dy]) else {
            continue;
        };
        let fires: Vec<bool> = dd.pairs.iter().map(|q| q.fires).collect();
        if &fires != pat {
            continue;
        }
        let (cx, cy) = plot.px(*p);
        let out = out_text(net, &dd.logits);
        let at = vec_text(&dd.input);
        let l1 = pattern_text(&fires);
        let l2 = if fires.iter().all(|f| !*f) {
            format!("output {out} everywhere here")
        } else {
            format!("output {out} at {at}")
        };
        region_desc.push(format!("{l1}: output {out} at {at}"));
        let wbox = text_width(&l1, style::SMALL).max(text_width(&l2, style::SMALL)) + 10.0;
        regions = regions
            .add(
                rect(cx - wbox / 2.0, cy - 30.0, wbox, 34.0)
                    .set("rx", 3)
                    .set("fill", style::PAPER)
                    .set("opacity", 0.85),
            )
            .add(style::muted(l1, cx, cy - 17.0, "middle"))
            .add(style::text(l2, cx, cy - 3.0, style::SMALL, "middle"))
            .add(
                Circle::new()
                    .set("cx", style::r(cx))
                    .set("cy", style::r(cy + 6.0))
                    .set("r", 2.5)
                    .set("fill", style::INK),
            );
    }
    (regions, region_desc)
}
