//! Node diagrams of the toy networks (exact decimals): the whole net with
//! every weight on its edge ([`network`], optionally with the numbers of one
//! input flowing through it and one pair highlighted), the same weights as
//! two layers ([`layer_view`]) and as separate key-value pairs
//! ([`key_value_view`]).
//!
//! Also the small drawing kit the other toy-net families share: text width
//! estimates, weight label boxes placed so they never overlap, arrows, and
//! the one-sentence phrases descriptions are built from.

use super::{Figure, style};
use crate::kv::toy::{Prediction, ToyDecomposition, ToyNet};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use svg::node::element::{Circle, Group, Line, Polygon, Rectangle};

/// Node radius.
pub(super) const R: f64 = 20.0;
const MARGIN: f64 = 16.0;
/// Opacity of what a highlight pushes into the background.
const FADED: f64 = 0.16;

// ---------------------------------------------------------------- shared kit

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
    pub fn centred(cx: f64, cy: f64, w: f64, h: f64) -> Bx {
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
    pub fn block(&mut self, b: Bx) {
        self.taken.push(b);
    }

    /// Edges other labels should keep off (call before placing labels).
    pub fn avoid_line(&mut self, a: (f64, f64), b: (f64, f64)) {
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
    pub fn on_edge(&mut self, a: (f64, f64), b: (f64, f64), w: f64, h: f64) -> (f64, f64) {
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

/// Stroke colour and width of an edge carrying weight `w` (of at most
/// `max_abs` in its net): sign by colour, size by width, zero thin gray.
fn edge_style(w: &Decimal, max_abs: f64) -> (&'static str, f64) {
    let v = f(w);
    if w.is_zero() {
        (style::SERIES_D, 1.0)
    } else {
        let width = 1.3 + 2.2 * (v.abs() / max_abs.max(1e-9)).min(1.0);
        (
            if v > 0.0 {
                style::POSITIVE
            } else {
                style::NEGATIVE
            },
            width,
        )
    }
}

fn max_abs(net: &ToyNet) -> f64 {
    net.w1
        .iter()
        .chain(net.w2.iter())
        .flatten()
        .map(|w| f(w).abs())
        .fold(0.0, f64::max)
}

/// One weighted edge between two node centres.
struct Edge {
    from: (f64, f64),
    to: (f64, f64),
    weight: Decimal,
    faded: bool,
    strong: bool,
}

/// Draws edges under their labels; the placer already knows the nodes.
fn draw_edges(edges: &[Edge], scale: f64, placer: &mut Placer) -> (Group, Group) {
    let mut lines = Group::new().set("stroke-linecap", "round");
    let mut labels = Group::new();
    // Strong edges get their labels placed first (best spots).
    for e in edges {
        placer.avoid_line(e.from, e.to);
    }
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by_key(|&i| (!edges[i].strong, edges[i].faded));
    for &i in &order {
        let e = &edges[i];
        let (colour, mut width) = edge_style(&e.weight, scale);
        if e.strong {
            width += 1.5;
        }
        let mut l = Line::new()
            .set("x1", style::r(e.from.0))
            .set("y1", style::r(e.from.1))
            .set("x2", style::r(e.to.0))
            .set("y2", style::r(e.to.1))
            .set("stroke", colour)
            .set("stroke-width", style::r(width));
        if e.faded {
            l = l.set("opacity", FADED);
        }
        lines = lines.add(l);
        let s = style::dec(&e.weight);
        let (w, h) = label_size(&s);
        let (x, y) = placer.on_edge(e.from, e.to, w, h);
        labels = labels.add(label_box(&s, x, y, if e.faded { 0.3 } else { 1.0 }));
    }
    (lines, labels)
}

/// A node: white (or tinted) circle, optional number inside.
fn node(
    x: f64,
    y: f64,
    fill: &str,
    stroke: &str,
    stroke_width: f64,
    inside: Option<&str>,
    bold: bool,
) -> Group {
    let mut g = Group::new().add(
        Circle::new()
            .set("cx", style::r(x))
            .set("cy", style::r(y))
            .set("r", R)
            .set("fill", fill)
            .set("stroke", stroke)
            .set("stroke-width", stroke_width),
    );
    if let Some(s) = inside {
        let size = if text_width(s, style::FONT_SIZE) <= 2.0 * R - 6.0 {
            style::FONT_SIZE
        } else {
            style::SMALL
        };
        let mut t = style::text(s, x, y + size * 0.36, size, "middle");
        if bold {
            t = t.set("font-weight", "bold");
        }
        g = g.add(t);
    }
    g
}

/// Vertical centres of `n` nodes spread over `span` starting at `top`.
fn column(n: usize, top: f64, span: f64, max_gap: f64) -> Vec<f64> {
    if n <= 1 {
        return vec![top + span / 2.0];
    }
    let gap = (span / (n - 1) as f64).min(max_gap);
    let start = top + (span - gap * (n - 1) as f64) / 2.0;
    (0..n).map(|i| start + gap * i as f64).collect()
}

fn muted(s: impl Into<String>, x: f64, y: f64, anchor: &str) -> svg::node::element::Text {
    style::text(s, x, y, style::SMALL, anchor).set("fill", style::MUTED)
}

/// Text on a white backing, so edges behind it do not cut through.
fn backed(s: &str, x: f64, y: f64, size: f64, colour: &str, placer: &mut Placer) -> Group {
    let w = text_width(s, size) + 6.0;
    let b = Bx::centred(x, y - size * 0.35, w, size + 4.0);
    placer.block(b);
    Group::new()
        .add(
            Rectangle::new()
                .set("x", style::r(b.x0))
                .set("y", style::r(b.y0))
                .set("width", style::r(w))
                .set("height", style::r(size + 4.0))
                .set("fill", style::PAPER)
                .set("opacity", 0.85),
        )
        .add(style::text(s, x, y, size, "middle").set("fill", colour))
}

// ---------------------------------------------------------------- network

/// A drawn diagram and its size, for embedding in other figures.
pub(super) struct Diagram {
    pub group: Group,
    pub width: f64,
    pub height: f64,
}

/// The whole net as a node diagram. `flow`: the numbers of one input at
/// every node (inputs, hidden pre-activation and ReLU, outputs, the
/// prediction). `highlight`: pair i's key and value edges strong, the rest
/// faded, and the outputs show what pair i adds.
pub fn network(
    id: &str,
    net: &ToyNet,
    flow: Option<&ToyDecomposition>,
    highlight: Option<usize>,
) -> Figure {
    let highlight = highlight.filter(|&i| i < net.hidden());
    let d = diagram(net, flow, highlight);
    let mut caption: Vec<String> = Vec::new();
    let mut desc = format!(
        "Node diagram of {}: {} inputs ({}), {} hidden ReLU neuron{}, {} output{} ({}). Keys (rows of W1, the weights into each hidden neuron): {}; values (columns of W2, the weights out of it): {}.",
        net_phrase(net),
        net.inputs.len(),
        net.inputs.join(", "),
        net.hidden(),
        if net.hidden() == 1 { "" } else { "s" },
        net.outputs.len(),
        if net.outputs.len() == 1 { "" } else { "s" },
        net.outputs.join(", "),
        keys_text(net),
        values_text(net),
    );
    if net.b1.iter().any(|b| !b.is_zero()) {
        desc.push_str(&format!(" Hidden biases {}.", vec_text(&net.b1)));
    }
    if net.b2.iter().any(|b| !b.is_zero()) {
        desc.push_str(&format!(" Output biases {}.", vec_text(&net.b2)));
    }
    match (highlight, flow) {
        (Some(i), flow) => {
            let key = net.key(i).map(vec_text).unwrap_or_default();
            let value = net.value(i).map(|v| vec_text(&v)).unwrap_or_default();
            caption.push(format!("pair {}: key {key}, value {value}", i + 1));
            desc.push_str(&format!(
                " Pair {} is highlighted: key {key} (its edges in), value {value} (its edges out).",
                i + 1
            ));
            if let Some(p) = flow.and_then(|d| d.pairs.get(i)) {
                let line = pair_flow_text(p);
                desc.push_str(&format!(
                    " For the input {}: {line}.",
                    vec_text(&flow.map(|d| d.input.clone()).unwrap_or_default())
                ));
                caption.push(line);
            }
        }
        (None, Some(dec)) => {
            let line = format!(
                "input {} → hidden {} before ReLU, {} after → outputs {}{}",
                vec_text(&dec.input),
                vec_text(&dec.hidden_pre),
                vec_text(&dec.hidden),
                vec_text(&dec.logits),
                verdict(net, &dec.prediction, ": ")
            );
            desc.push_str(&format!(" For the input {}: the hidden neurons get {} before ReLU and {} after; the outputs are {}{}.",
                vec_text(&dec.input),
                vec_text(&dec.hidden_pre),
                vec_text(&dec.hidden),
                vec_text(&dec.logits),
                verdict(net, &dec.prediction, ", so ")));
            caption.push(line);
        }
        (None, None) => {
            caption.push(
                "the number on each edge is its weight; red positive, blue negative, gray zero"
                    .to_string(),
            );
        }
    }
    let caption_h = 8.0 + 20.0 * caption.len() as f64;
    let width = d.width.max(
        caption
            .iter()
            .map(|c| text_width(c, style::FONT_SIZE))
            .fold(0.0, f64::max)
            + 2.0 * MARGIN,
    );
    let height = d.height + caption_h;
    let title = match highlight {
        Some(i) => format!("{}: pair {}", net.title, i + 1),
        None => net.title.clone(),
    };
    let mut doc = style::frame(width, height, &title, &desc).add(d.group);
    for (k, c) in caption.iter().enumerate() {
        let mut t = style::text(
            c.as_str(),
            MARGIN,
            d.height + 14.0 + 20.0 * k as f64,
            style::FONT_SIZE,
            "start",
        );
        if k == 0 && highlight.is_some() {
            t = t.set("font-weight", "bold").set("fill", style::INK);
        }
        doc = doc.add(t);
    }
    style::figure(id, &title, desc, doc)
}

/// "key · x = 1, ReLU(1) = 1, adds 1 × (1, 0) = (1, 0)".
pub(super) fn pair_flow_text(p: &crate::kv::toy::ToyPair) -> String {
    let relu = format!(
        "ReLU({}) = {}",
        style::dec(&p.pre),
        style::dec(&p.activation)
    );
    let kx = if p.bias.is_zero() {
        format!("key · x = {}", style::dec(&p.pre))
    } else {
        format!("key · x + bias = {}", style::dec(&p.pre))
    };
    if p.fires {
        format!(
            "{kx}, {relu}, adds {} × {} = {} to the outputs",
            style::dec(&p.activation),
            vec_text(&p.value),
            vec_text(&p.scaled)
        )
    } else {
        format!("{kx}, {relu}: switched off, adds {}", vec_text(&p.scaled))
    }
}

fn keys_text(net: &ToyNet) -> String {
    net.w1
        .iter()
        .map(|k| vec_text(k))
        .collect::<Vec<_>>()
        .join(", ")
}

fn values_text(net: &ToyNet) -> String {
    (0..net.hidden())
        .filter_map(|i| net.value(i))
        .map(|v| vec_text(&v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The node diagram itself (no caption), at the origin.
pub(super) fn diagram(
    net: &ToyNet,
    flow: Option<&ToyDecomposition>,
    highlight: Option<usize>,
) -> Diagram {
    let (n_in, n_h, n_out) = (net.inputs.len(), net.hidden(), net.outputs.len());
    let scale = max_abs(net);
    let span = ((n_in.max(n_h).max(n_out).saturating_sub(1)) as f64 * 76.0).max(130.0);
    let top = 74.0;
    let hl = |i: usize| highlight.is_none_or(|h| h == i);

    // Columns, left to right: pixel image, input names, inputs, hidden, outputs, output names.
    let cell = 26.0;
    let image = net.layout.filter(|(r, c)| r * c == n_in);
    let image_w = image.map_or(0.0, |(_, c)| c as f64 * cell + 28.0);
    let name_w = net
        .inputs
        .iter()
        .map(|n| text_width(n, style::FONT_SIZE))
        .fold(0.0, f64::max);
    let x_in = MARGIN + image_w + name_w + 10.0 + R;
    let x_h = x_in + if n_in >= 3 || n_h >= 3 { 250.0 } else { 210.0 };
    let x_o = x_h + if n_out >= 3 || n_h >= 3 { 210.0 } else { 190.0 };
    let ys_in = column(n_in, top, span, 120.0);
    let ys_h = column(n_h, top, span, 170.0);
    let ys_o = column(n_out, top, span, 170.0);

    let mut placer = Placer::default();
    for (x, ys) in [(x_in, &ys_in), (x_h, &ys_h), (x_o, &ys_o)] {
        for &y in ys.iter() {
            placer.block(Bx::centred(x, y, 2.0 * R + 4.0, 2.0 * R + 4.0));
        }
    }
    let mut texts = Group::new();
    // Column headers.
    let out_header = match (highlight, flow) {
        (Some(i), Some(_)) => format!("what pair {} adds", i + 1),
        _ => "outputs".to_string(),
    };
    texts = texts
        .add(muted("inputs", x_in, 22.0, "middle"))
        .add(muted("hidden (ReLU)", x_h, 22.0, "middle"))
        .add(muted(out_header, x_o, 22.0, "middle"));

    // Text above and below hidden nodes.
    for (i, &y) in ys_h.iter().enumerate() {
        let op = if hl(i) { 1.0 } else { 0.35 };
        let mut lines: Vec<String> = vec![format!("pair {}", i + 1)];
        if let Some(b) = net.b1.get(i).filter(|b| !b.is_zero()) {
            lines.push(format!("bias {}", style::dec(b)));
        }
        for (k, l) in lines.iter().enumerate() {
            let yy = y - R - 8.0 - 14.0 * (lines.len() - 1 - k) as f64;
            let colour = if k == 0 && highlight == Some(i) {
                style::HIGHLIGHT
            } else {
                style::MUTED
            };
            texts =
                texts.add(backed(l, x_h, yy, style::SMALL, colour, &mut placer).set("opacity", op));
        }
        if let Some(p) = flow.and_then(|d| d.pairs.get(i)) {
            let s = format!(
                "ReLU({}) = {}",
                style::dec(&p.pre),
                style::dec(&p.activation)
            );
            let colour = if p.fires { style::INK } else { style::MUTED };
            texts = texts.add(
                backed(&s, x_h, y + R + 16.0, style::SMALL, colour, &mut placer).set("opacity", op),
            );
            if !p.fires {
                texts = texts.add(
                    backed(
                        "off",
                        x_h,
                        y + R + 30.0,
                        style::SMALL,
                        style::MUTED,
                        &mut placer,
                    )
                    .set("opacity", op),
                );
            }
        }
    }
    // Output biases above the outputs.
    for (o, &y) in ys_o.iter().enumerate() {
        if let Some(b) = net.b2.get(o).filter(|b| !b.is_zero()) {
            texts = texts.add(backed(
                &format!("bias {}", style::dec(b)),
                x_o,
                y - R - 8.0,
                style::SMALL,
                style::MUTED,
                &mut placer,
            ));
        }
    }

    let mut edges = Vec::new();
    for (i, key) in net.w1.iter().enumerate() {
        for (j, w) in key.iter().enumerate() {
            edges.push(Edge {
                from: (x_in, ys_in.get(j).copied().unwrap_or(top)),
                to: (x_h, ys_h.get(i).copied().unwrap_or(top)),
                weight: *w,
                faded: !hl(i),
                strong: highlight == Some(i),
            });
        }
    }
    for (o, row) in net.w2.iter().enumerate() {
        for (i, w) in row.iter().enumerate() {
            edges.push(Edge {
                from: (x_h, ys_h.get(i).copied().unwrap_or(top)),
                to: (x_o, ys_o.get(o).copied().unwrap_or(top)),
                weight: *w,
                faded: !hl(i),
                strong: highlight == Some(i),
            });
        }
    }
    let (lines, labels) = draw_edges(&edges, scale, &mut placer);

    let mut nodes = Group::new();
    for (j, &y) in ys_in.iter().enumerate() {
        let v = flow.and_then(|d| d.input.get(j)).map(style::dec);
        nodes = nodes.add(node(
            x_in,
            y,
            style::PAPER,
            style::INK,
            1.5,
            v.as_deref(),
            true,
        ));
        if let Some(name) = net.inputs.get(j) {
            texts = texts.add(style::text(
                name.as_str(),
                x_in - R - 8.0,
                y + 4.5,
                style::FONT_SIZE,
                "end",
            ));
        }
    }
    for (i, &y) in ys_h.iter().enumerate() {
        let p = flow.and_then(|d| d.pairs.get(i));
        let inside = p.map(|p| style::dec(&p.activation));
        let fill = match p {
            Some(p) if p.fires => "#fde9c4",
            Some(_) => "#eeeeee",
            None => style::PAPER,
        };
        let (stroke, sw) = if highlight == Some(i) {
            (style::HIGHLIGHT, 3.5)
        } else {
            (style::INK, 1.5)
        };
        let mut n = node(x_h, y, fill, stroke, sw, inside.as_deref(), true);
        if !hl(i) {
            n = n.set("opacity", 0.35);
        }
        nodes = nodes.add(n);
    }
    let winners: Vec<usize> = match flow.map(|d| &d.prediction) {
        Some(Prediction::Unique(o)) if highlight.is_none() && n_out > 1 => vec![*o],
        Some(Prediction::Tie(v)) if highlight.is_none() && n_out > 1 => v.clone(),
        _ => Vec::new(),
    };
    let tie = winners.len() > 1;
    let mut right_w: f64 = 0.0;
    for (o, &y) in ys_o.iter().enumerate() {
        let inside = match (highlight, flow) {
            (Some(i), Some(d)) => d.pairs.get(i).and_then(|p| p.scaled.get(o)).map(|s| {
                let t = style::dec(s);
                if s.is_sign_negative() || s.is_zero() {
                    t
                } else {
                    format!("+{t}")
                }
            }),
            (None, Some(d)) => d.logits.get(o).map(style::dec),
            _ => None,
        };
        let win = winners.contains(&o);
        let (stroke, sw) = if win {
            (style::HIGHLIGHT, 3.5)
        } else {
            (style::INK, 1.5)
        };
        nodes = nodes.add(node(
            x_o,
            y,
            style::PAPER,
            stroke,
            sw,
            inside.as_deref(),
            true,
        ));
        let name = net.outputs.get(o).cloned().unwrap_or_default();
        right_w = right_w.max(text_width(&name, style::FONT_SIZE));
        texts = texts.add(style::text(
            name,
            x_o + R + 8.0,
            y + 4.5,
            style::FONT_SIZE,
            "start",
        ));
        if win {
            let mark = if tie { "← tie" } else { "← wins" };
            right_w = right_w.max(text_width(mark, style::FONT_SIZE));
            texts = texts.add(
                style::text(mark, x_o + R + 8.0, y + 21.0, style::FONT_SIZE, "start")
                    .set("fill", style::HIGHLIGHT)
                    .set("font-weight", "bold"),
            );
        }
    }

    // The input as a tiny image: a b / c d, 1 = black.
    let mut pic = Group::new();
    if let Some((rows, cols)) = image {
        let (x0, y0) = (MARGIN, top + span / 2.0 - rows as f64 * cell / 2.0);
        pic = pic.add(muted(
            "image",
            x0 + cols as f64 * cell / 2.0,
            y0 - 8.0,
            "middle",
        ));
        for rr in 0..rows {
            for cc in 0..cols {
                let k = rr * cols + cc;
                let v = flow.and_then(|d| d.input.get(k)).map_or(0.0, f);
                let shade = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
                let (x, y) = (x0 + cc as f64 * cell, y0 + rr as f64 * cell);
                pic = pic.add(
                    Rectangle::new()
                        .set("x", style::r(x))
                        .set("y", style::r(y))
                        .set("width", cell)
                        .set("height", cell)
                        .set("fill", style::ink(shade))
                        .set("stroke", style::FRAME)
                        .set("stroke-width", style::HAIRLINE),
                );
                let name = net.inputs.get(k).cloned().unwrap_or_default();
                if text_width(&name, style::SMALL) < cell - 2.0 {
                    let colour = if shade > 120 {
                        style::PAPER
                    } else {
                        style::INK
                    };
                    pic = pic.add(
                        style::text(
                            name,
                            x + cell / 2.0,
                            y + cell / 2.0 + 4.0,
                            style::SMALL,
                            "middle",
                        )
                        .set("fill", colour),
                    );
                }
            }
        }
    }

    let width = x_o + R + 8.0 + right_w + MARGIN;
    let bottom_text = if flow.is_some() { 40.0 } else { 10.0 };
    let height = top + span + R + bottom_text + 8.0;
    Diagram {
        group: Group::new()
            .add(pic)
            .add(lines)
            .add(labels)
            .add(nodes)
            .add(texts),
        width,
        height,
    }
}

// ---------------------------------------------------------------- layer / pair views

/// A panel of one bipartite weight layer: left nodes → right nodes.
struct Bipartite<'a> {
    left: Vec<(f64, f64)>,
    right: Vec<(f64, f64)>,
    /// (left index, right index, weight).
    weights: Vec<(usize, usize, &'a Decimal)>,
}

fn draw_bipartite(b: &Bipartite, scale: f64, placer: &mut Placer) -> (Group, Group) {
    let edges: Vec<Edge> = b
        .weights
        .iter()
        .filter_map(|&(l, r, w)| {
            Some(Edge {
                from: *b.left.get(l)?,
                to: *b.right.get(r)?,
                weight: *w,
                faded: false,
                strong: false,
            })
        })
        .collect();
    draw_edges(&edges, scale, placer)
}

fn block_nodes(placer: &mut Placer, pts: &[(f64, f64)]) {
    for &(x, y) in pts {
        placer.block(Bx::centred(x, y, 2.0 * R + 4.0, 2.0 * R + 4.0));
    }
}

fn plain_nodes(pts: &[(f64, f64)], inside: impl Fn(usize) -> Option<String>) -> Group {
    let mut g = Group::new();
    for (k, &(x, y)) in pts.iter().enumerate() {
        g = g.add(node(
            x,
            y,
            style::PAPER,
            style::INK,
            1.5,
            inside(k).as_deref(),
            false,
        ));
    }
    g
}

fn names(g: Group, names: &[String], pts: &[(f64, f64)], left: bool) -> Group {
    let mut g = g;
    for (n, &(x, y)) in names.iter().zip(pts) {
        g = g.add(if left {
            style::text(n.as_str(), x - R - 8.0, y + 4.5, style::FONT_SIZE, "end")
        } else {
            style::text(n.as_str(), x + R + 8.0, y + 4.5, style::FONT_SIZE, "start")
        });
    }
    g
}

fn widest(xs: &[String]) -> f64 {
    xs.iter()
        .map(|s| text_width(s, style::FONT_SIZE))
        .fold(0.0, f64::max)
}

/// The weights as two layers: W1 (inputs → hidden) then W2 (hidden →
/// outputs), the traditional view.
pub fn layer_view(id: &str, net: &ToyNet) -> Figure {
    let (n_in, n_h, n_out) = (net.inputs.len(), net.hidden(), net.outputs.len());
    let scale = max_abs(net);
    let top = 62.0;
    let span = ((n_in.max(n_h).max(n_out).saturating_sub(1)) as f64 * 70.0).max(120.0);
    let x_in = MARGIN + widest(&net.inputs) + 8.0 + R;
    let x_h1 = x_in + if n_in >= 3 { 220.0 } else { 190.0 };
    let x_h2 = x_h1 + 120.0;
    let x_o = x_h2 + 180.0;
    let col = |n: usize, x: f64| -> Vec<(f64, f64)> {
        column(n, top, span, 150.0)
            .into_iter()
            .map(|y| (x, y))
            .collect()
    };
    let (p_in, p_h1, p_h2, p_o) = (
        col(n_in, x_in),
        col(n_h, x_h1),
        col(n_h, x_h2),
        col(n_out, x_o),
    );
    let mut placer = Placer::default();
    for pts in [&p_in, &p_h1, &p_h2, &p_o] {
        block_nodes(&mut placer, pts);
    }
    let l1 = Bipartite {
        left: p_in.clone(),
        right: p_h1.clone(),
        weights: net
            .w1
            .iter()
            .enumerate()
            .flat_map(|(i, k)| k.iter().enumerate().map(move |(j, w)| (j, i, w)))
            .collect(),
    };
    let l2 = Bipartite {
        left: p_h2.clone(),
        right: p_o.clone(),
        weights: net
            .w2
            .iter()
            .enumerate()
            .flat_map(|(o, row)| row.iter().enumerate().map(move |(i, w)| (i, o, w)))
            .collect(),
    };
    let (e1, t1) = draw_bipartite(&l1, scale, &mut placer);
    let (e2, t2) = draw_bipartite(&l2, scale, &mut placer);
    let hidden_no = |k: usize| Some(format!("{}", k + 1));
    let mut texts = Group::new()
        .add(
            style::text(
                "layer 1: W1",
                (x_in + x_h1) / 2.0,
                22.0,
                style::FONT_SIZE,
                "middle",
            )
            .set("font-weight", "bold"),
        )
        .add(muted(
            "inputs → hidden, ReLU",
            (x_in + x_h1) / 2.0,
            38.0,
            "middle",
        ))
        .add(
            style::text(
                "layer 2: W2",
                (x_h2 + x_o) / 2.0,
                22.0,
                style::FONT_SIZE,
                "middle",
            )
            .set("font-weight", "bold"),
        )
        .add(muted(
            "hidden → outputs",
            (x_h2 + x_o) / 2.0,
            38.0,
            "middle",
        ));
    texts = names(texts, &net.inputs, &p_in, true);
    texts = names(texts, &net.outputs, &p_o, false);
    let mut biases = Group::new();
    for (k, &(x, y)) in p_h1.iter().enumerate() {
        if let Some(b) = net.b1.get(k).filter(|b| !b.is_zero()) {
            biases = biases.add(backed(
                &format!("bias {}", style::dec(b)),
                x,
                y - R - 8.0,
                style::SMALL,
                style::MUTED,
                &mut placer,
            ));
        }
    }
    for (k, &(x, y)) in p_o.iter().enumerate() {
        if let Some(b) = net.b2.get(k).filter(|b| !b.is_zero()) {
            biases = biases.add(backed(
                &format!("bias {}", style::dec(b)),
                x,
                y - R - 8.0,
                style::SMALL,
                style::MUTED,
                &mut placer,
            ));
        }
    }
    let mid = top + span / 2.0;
    let between = arrow(
        (x_h1 + R + 22.0, mid),
        (x_h2 - R - 22.0, mid),
        style::MUTED,
        1.5,
    );
    let width = x_o + R + 8.0 + widest(&net.outputs) + MARGIN;
    let height = top + span + R + 46.0;
    let caption = format!(
        "the traditional view: all {n_h} hidden neuron{} computed at once (W1), then all outputs (W2)",
        if n_h == 1 { "" } else { "s" }
    );
    let width = width.max(text_width(&caption, style::FONT_SIZE) + 2.0 * MARGIN);
    let desc = format!(
        "The weights of {} as two layers. Layer 1, W1 (hidden × inputs): {}; layer 2, W2 (outputs × hidden): {}. The hidden neurons appear twice: as outputs of layer 1 and inputs of layer 2.",
        net_phrase(net),
        rows_text(&net.w1),
        rows_text(&net.w2)
    );
    let title = format!("{}: two layers", net.title);
    let doc = style::frame(width, height, &title, &desc)
        .add(e1)
        .add(e2)
        .add(t1)
        .add(t2)
        .add(plain_nodes(&p_in, |_| None))
        .add(plain_nodes(&p_h1, hidden_no))
        .add(plain_nodes(&p_h2, hidden_no))
        .add(plain_nodes(&p_o, |_| None))
        .add(between)
        .add(biases)
        .add(texts)
        .add(muted(caption, MARGIN, height - 14.0, "start"));
    style::figure(id, &title, desc, doc)
}

/// "[[1, 0], [0, 1]]" with exact decimals.
fn rows_text(m: &[Vec<Decimal>]) -> String {
    let rows: Vec<String> = m
        .iter()
        .map(|r| {
            format!(
                "[{}]",
                r.iter().map(style::dec).collect::<Vec<_>>().join(", ")
            )
        })
        .collect();
    format!("[{}]", rows.join(", "))
}

/// Pair `i` alone: its key into one neuron, its value out, at the origin.
pub(super) fn pair_star(net: &ToyNet, i: usize, flow: Option<&ToyDecomposition>) -> Diagram {
    let (n_in, n_out) = (net.inputs.len(), net.outputs.len());
    let scale = max_abs(net);
    let top = 40.0;
    let span = ((n_in.max(n_out).saturating_sub(1)) as f64 * 56.0).max(90.0);
    let in_names: Vec<String> = match flow {
        Some(d) => net
            .inputs
            .iter()
            .zip(&d.input)
            .map(|(n, v)| format!("{n} = {}", style::dec(v)))
            .collect(),
        None => net.inputs.clone(),
    };
    let x_in = MARGIN + widest(&in_names) + 8.0 + R;
    let x_h = x_in + if n_in >= 3 { 160.0 } else { 130.0 };
    let x_o = x_h + 120.0;
    let p_in: Vec<(f64, f64)> = column(n_in, top, span, 100.0)
        .into_iter()
        .map(|y| (x_in, y))
        .collect();
    let p_h = vec![(x_h, top + span / 2.0)];
    let p_o: Vec<(f64, f64)> = column(n_out, top, span, 100.0)
        .into_iter()
        .map(|y| (x_o, y))
        .collect();
    let mut placer = Placer::default();
    for pts in [&p_in, &p_h, &p_o] {
        block_nodes(&mut placer, pts);
    }
    let key = net.w1.get(i).cloned().unwrap_or_default();
    let value = net.value(i).unwrap_or_default();
    let b = Bipartite {
        left: p_in.clone(),
        right: p_h.clone(),
        weights: key.iter().enumerate().map(|(j, w)| (j, 0, w)).collect(),
    };
    let v = Bipartite {
        left: p_h.clone(),
        right: p_o.clone(),
        weights: value.iter().enumerate().map(|(o, w)| (0, o, w)).collect(),
    };
    let mut texts = Group::new()
        .add(
            style::text("key", (x_in + x_h) / 2.0, 16.0, style::FONT_SIZE, "middle")
                .set("fill", style::MUTED),
        )
        .add(
            style::text("value", (x_h + x_o) / 2.0, 16.0, style::FONT_SIZE, "middle")
                .set("fill", style::MUTED),
        );
    if let Some(bias) = net.b1.get(i).filter(|b| !b.is_zero()) {
        texts = texts.add(backed(
            &format!("bias {}", style::dec(bias)),
            x_h,
            p_h[0].1 - R - 8.0,
            style::SMALL,
            style::MUTED,
            &mut placer,
        ));
    }
    let (e1, t1) = draw_bipartite(&b, scale, &mut placer);
    let (e2, t2) = draw_bipartite(&v, scale, &mut placer);
    texts = names(texts, &in_names, &p_in, true);
    texts = names(texts, &net.outputs, &p_o, false);
    let width = x_o + R + 8.0 + widest(&net.outputs) + MARGIN;
    let group = Group::new()
        .add(e1)
        .add(e2)
        .add(t1)
        .add(t2)
        .add(plain_nodes(&p_in, |_| None))
        .add(plain_nodes(&p_h, |_| Some(format!("{}", i + 1))))
        .add(plain_nodes(&p_o, |_| None))
        .add(texts);
    Diagram {
        group,
        width,
        height: top + span + R + 8.0,
    }
}

/// The weights as separate key-value pairs, side by side: each pair's key
/// into its own neuron and its value out, summed into the outputs.
pub fn key_value_view(id: &str, net: &ToyNet) -> Figure {
    let n_h = net.hidden();
    let stars: Vec<Diagram> = (0..n_h).map(|i| pair_star(net, i, None)).collect();
    let plus_w = 36.0;
    let head = 30.0;
    let cell_w = stars.iter().map(|d| d.width).fold(0.0, f64::max);
    let cell_h = stars.iter().map(|d| d.height).fold(0.0, f64::max) + head;
    let per_row = (((960.0 + plus_w) / (cell_w + plus_w)).floor() as usize).clamp(1, n_h.max(1));
    let rows = n_h.div_ceil(per_row);
    let width = per_row as f64 * cell_w + (per_row - 1) as f64 * plus_w;
    let caption = "each hidden neuron is one pair: its key decides how strongly it fires, its value what it adds to the outputs";
    let width = width.max(text_width(caption, style::SMALL) + 2.0 * MARGIN);
    let height = rows as f64 * cell_h + 34.0;
    let desc = format!(
        "The weights of {} as {} separate key-value pair{}, one per hidden neuron, whose contributions are added up: {}.",
        net_phrase(net),
        n_h,
        if n_h == 1 { "" } else { "s" },
        (0..n_h)
            .map(|i| format!(
                "pair {} key {} value {}",
                i + 1,
                net.key(i).map(vec_text).unwrap_or_default(),
                net.value(i).map(|v| vec_text(&v)).unwrap_or_default()
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let title = format!("{}: key-value pairs", net.title);
    let mut doc = style::frame(width, height, &title, &desc);
    for (i, d) in stars.into_iter().enumerate() {
        let (row, colm) = (i / per_row, i % per_row);
        let x = colm as f64 * (cell_w + plus_w);
        let y = row as f64 * cell_h;
        let title_line = format!(
            "pair {}: key {}, value {}",
            i + 1,
            net.key(i).map(vec_text).unwrap_or_default(),
            net.value(i).map(|v| vec_text(&v)).unwrap_or_default()
        );
        doc = doc
            .add(
                style::text(title_line, x + MARGIN, y + 22.0, style::FONT_SIZE, "start")
                    .set("font-weight", "bold"),
            )
            .add(d.group.set(
                "transform",
                format!("translate({},{})", style::r(x), style::r(y + head)),
            ));
        if colm + 1 < per_row && i + 1 < n_h {
            doc = doc.add(
                style::text(
                    "+",
                    x + cell_w + plus_w / 2.0,
                    y + head + cell_h / 2.0,
                    28.0,
                    "middle",
                )
                .set("fill", style::MUTED),
            );
        }
    }
    doc = doc.add(muted(caption, MARGIN, height - 14.0, "start"));
    style::figure(id, &title, desc, doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::toy::{decompose, load_file};
    use std::path::Path;

    fn net(name: &str) -> ToyNet {
        load_file(Path::new(&format!("content/nets/{name}.toml"))).unwrap()
    }

    fn dec(n: &ToyNet, ex: &str) -> ToyDecomposition {
        decompose(n, n.example(ex).unwrap()).unwrap()
    }

    #[test]
    fn every_net_draws_soundly_and_deterministically() {
        for name in ["slides", "exercise", "single-neuron", "threshold"] {
            let n = net(name);
            let mut figs = vec![
                network("t-net", &n, None, None),
                layer_view("t-layers", &n),
                key_value_view("t-pairs", &n),
            ];
            for ex in n.examples.keys() {
                let d = dec(&n, ex);
                figs.push(network("t-flow", &n, Some(&d), None));
                for i in 0..n.hidden() {
                    figs.push(network("t-pair", &n, Some(&d), Some(i)));
                }
            }
            for f in &figs {
                assert_sound(f);
                assert!(f.to_svg_string().len() < 60_000, "{}", f.id);
            }
            assert_eq!(
                network("t", &n, None, Some(0)).to_svg_string(),
                network("t", &n, None, Some(0)).to_svg_string()
            );
            assert_eq!(
                layer_view("t", &n).to_svg_string(),
                layer_view("t", &n).to_svg_string()
            );
            assert_eq!(
                key_value_view("t", &n).to_svg_string(),
                key_value_view("t", &n).to_svg_string()
            );
        }
    }

    #[test]
    fn descriptions_carry_the_numbers() {
        let n = net("slides");
        let f = network("x", &n, None, None);
        assert!(
            f.description.contains("(1, 0, 0, 0), (0, 0, 0, 1)"),
            "{}",
            f.description
        );
        assert!(
            f.description.contains("(1, 0), (0.5, 0.5)"),
            "{}",
            f.description
        );
        let d = dec(&n, "x2");
        let f = network("x", &n, Some(&d), None);
        assert!(
            f.description
                .contains("the outputs are (1.5, 0.5), so output 1 wins"),
            "{}",
            f.description
        );
        let f = network("x", &n, Some(&d), Some(1));
        assert!(
            f.description
                .contains("Pair 2 is highlighted: key (0, 0, 0, 1)"),
            "{}",
            f.description
        );
        assert!(
            f.description.contains("adds 1 × (0.5, 0.5) = (0.5, 0.5)"),
            "{}",
            f.description
        );
        assert!(
            f.to_svg_string()
                .contains("pair 2: key (0, 0, 0, 1), value (0.5, 0.5)")
        );
        let f = layer_view("x", &n);
        assert!(
            f.description.contains("[[1, 0.5], [0, 0.5]]"),
            "{}",
            f.description
        );
        let f = key_value_view("x", &n);
        assert!(
            f.description
                .contains("pair 2 key (0, 0, 0, 1) value (0.5, 0.5)"),
            "{}",
            f.description
        );
        let t = net("threshold");
        let f = network("x", &t, None, None);
        assert!(
            f.description.contains("Hidden biases (−1)")
                && f.description.contains("Output biases (0, 0.5)")
        );
        assert!(f.to_svg_string().contains("bias −1"));
    }

    #[test]
    fn ties_are_shown_as_ties_and_off_pairs_as_off() {
        let n = net("slides");
        // x3 = (0, 0, 1, 0): no key matches, both outputs 0.
        let d = dec(&n, "x3");
        let f = network("x", &n, Some(&d), None);
        assert!(
            f.description
                .contains("a tie between output 1 and output 2"),
            "{}",
            f.description
        );
        assert_eq!(f.to_svg_string().matches("← tie").count(), 2);
        let e = net("exercise");
        let d = dec(&e, "b");
        let f = network("x", &e, Some(&d), Some(0));
        assert!(
            f.description.contains("ReLU(−0.1) = 0: switched off"),
            "{}",
            f.description
        );
    }

    #[test]
    fn weight_labels_never_overlap() {
        for name in ["slides", "exercise", "single-neuron", "threshold"] {
            let n = net(name);
            let s = network("x", &n, None, None).to_svg_string();
            // Label boxes are the rects with rx="4".
            let mut boxes = Vec::new();
            for part in s.split("<rect").skip(1) {
                if !part.contains("rx=\"4\"") {
                    continue;
                }
                let get = |k: &str| -> f64 {
                    let p = part.find(&format!(" {k}=\"")).unwrap() + k.len() + 3;
                    part[p..p + part[p..].find('"').unwrap()].parse().unwrap()
                };
                boxes.push((get("x"), get("y"), get("width"), get("height")));
            }
            assert_eq!(
                boxes.len(),
                n.w1.len() * n.inputs.len() + n.w2.len() * n.hidden(),
                "{name}"
            );
            for (a, p) in boxes.iter().enumerate() {
                for q in &boxes[a + 1..] {
                    let apart = p.0 + p.2 <= q.0
                        || q.0 + q.2 <= p.0
                        || p.1 + p.3 <= q.1
                        || q.1 + q.3 <= p.1;
                    assert!(apart, "{name}: {p:?} overlaps {q:?}");
                }
            }
        }
    }

    #[test]
    fn snapshots() {
        let n = net("exercise");
        insta::assert_snapshot!(
            "network_exercise",
            network("net-exercise", &n, None, None).to_svg_string()
        );
        let d = dec(&n, "a");
        insta::assert_snapshot!(
            "network_exercise_a_pair1",
            network("net-exercise-a-pair-1", &n, Some(&d), Some(0)).to_svg_string()
        );
    }
}
