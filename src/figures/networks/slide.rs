//! Slide layouts of the toy node diagrams, for a projector: every text at
//! [`style::SLIDE_TEXT`], larger nodes, only nonzero weights labelled (an
//! unlabelled thin gray edge is a 0; the deck's captions say so), no
//! captions or footnotes inside the picture (the slide's caption and text
//! carry them). The same net, input and highlight as the screen figures in
//! `networks` and `weight_views`, whose descriptions they reuse.

use super::{Diagram, column, edge_style, max_abs};
use crate::figures::Figure;
use crate::figures::style;
use crate::figures::toykit::{Bx, Placer, f, text_width, vec_text};
use crate::kv::toy::{Prediction, ToyDecomposition, ToyNet};
use svg::node::element::{Circle, Group, Line, Rectangle};

/// Text size: every text of a slide diagram.
const T: f64 = style::SLIDE_TEXT;
/// Node radius.
const RS: f64 = 34.0;
/// Distance between two node centres in a column, at most.
const ROW: f64 = 104.0;
/// Side of one pixel of the tiny input image.
const CELL: f64 = 48.0;
const PAD: f64 = 20.0;
/// Opacity of what a highlight pushes into the background.
const FADED: f64 = 0.16;

/// What is drawn: the net, an input's numbers, whether they are worked
/// through, a highlighted pair, and whether the hidden layer is drawn twice
/// (the layer-by-layer view: W1, then W2).
#[derive(Clone, Copy)]
struct What<'a> {
    net: &'a ToyNet,
    flow: Option<&'a ToyDecomposition>,
    evaluated: bool,
    highlight: Option<usize>,
    split: bool,
}

impl What<'_> {
    fn worked(&self) -> Option<&ToyDecomposition> {
        self.flow.filter(|_| self.evaluated)
    }
    fn hl(&self, i: usize) -> bool {
        self.highlight.is_none_or(|h| h == i)
    }
}

fn widest(names: &[String]) -> f64 {
    names.iter().map(|n| text_width(n, T)).fold(0.0, f64::max)
}

/// The slide diagram at the origin.
fn draw(w: What) -> Diagram {
    let net = w.net;
    let (n_in, n_h, n_out) = (net.inputs.len(), net.hidden(), net.outputs.len());
    let span = (n_in.max(n_h).max(n_out).saturating_sub(1) as f64 * ROW).max(2.0 * ROW);
    let image = net.layout.filter(|(r, c)| r * c == n_in && !w.split);
    let image_w = image.map_or(0.0, |(_, c)| c as f64 * CELL + 36.0);
    // The nodes start under the column headers, and lower when the texts
    // above a hidden node (its pair, its bias) or an output's bias would
    // reach into them.
    let header_bottom = T + 12.0;
    let mut top = header_bottom + RS + 12.0;
    let ys_h0 = column(n_h, top, span, ROW * 2.4);
    let ys_o0 = column(n_out, top, span, ROW * 2.4);
    let hidden_top = ys_h0
        .iter()
        .enumerate()
        .filter(|_| !w.split)
        .map(|(i, y)| {
            let lines = if net.b1.get(i).is_some_and(|b| !b.is_zero()) {
                2.0
            } else {
                1.0
            };
            y - RS - 10.0 - T - (lines - 1.0) * (T + 6.0)
        })
        .chain(
            ys_o0
                .iter()
                .zip(&net.b2)
                .filter(|(_, b)| !b.is_zero())
                .map(|(y, _)| y - RS - 10.0 - T),
        )
        .fold(f64::INFINITY, f64::min);
    top += (header_bottom - hidden_top).max(0.0);
    let x_in = PAD + image_w + widest(&net.inputs) + 12.0 + RS;
    let x_h = x_in + 300.0;
    let x_h2 = if w.split { x_h + 190.0 } else { x_h };
    let x_o = x_h2 + 260.0;
    let ys_in = column(n_in, top, span, ROW * 1.6);
    let ys_h = column(n_h, top, span, ROW * 2.4);
    let ys_o = column(n_out, top, span, ROW * 2.4);
    let mut placer = Placer::default();
    for (x, ys) in [(x_in, &ys_in), (x_h, &ys_h), (x_h2, &ys_h), (x_o, &ys_o)] {
        for &y in ys.iter() {
            placer.block(Bx::centred(x, y, 2.0 * RS + 6.0, 2.0 * RS + 6.0));
        }
    }
    let mut texts = Group::new();
    let header_y = T;
    if w.split {
        for (s, x) in [
            ("layer 1: W1, ReLU", (x_in + x_h) / 2.0),
            ("layer 2: W2", (x_h2 + x_o) / 2.0),
        ] {
            texts = texts.add(style::text(s, x, header_y, T, "middle").set("font-weight", "bold"));
        }
    } else {
        let out_header = match (w.highlight, w.worked()) {
            (Some(i), Some(_)) => format!("what pair {} adds", i + 1),
            _ => "outputs".to_string(),
        };
        for (s, x) in [
            ("inputs".to_string(), x_in),
            ("hidden (ReLU)".to_string(), x_h),
            (out_header, x_o),
        ] {
            texts = texts.add(style::text(s, x, header_y, T, "middle").set("fill", style::MUTED));
        }
    }
    let mut below = 0.0_f64;
    if !w.split {
        let (t, b) = hidden_texts(texts, w, x_h, &ys_h, &mut placer);
        texts = t;
        below = b;
    }
    for (o, &y) in ys_o.iter().enumerate() {
        if let Some(b) = net.b2.get(o).filter(|b| !b.is_zero()) {
            texts = texts.add(backed(
                &format!("bias {}", style::dec(b)),
                x_o,
                y - RS - 10.0,
                style::MUTED,
                &mut placer,
            ));
        }
    }
    let mut edges = Vec::new();
    for (i, key) in net.w1.iter().enumerate() {
        for (j, wt) in key.iter().enumerate() {
            let from = (x_in, ys_in.get(j).copied().unwrap_or(top));
            let to = (x_h, ys_h.get(i).copied().unwrap_or(top));
            edges.push((from, to, *wt, i));
        }
    }
    for (o, row) in net.w2.iter().enumerate() {
        for (i, wt) in row.iter().enumerate() {
            let from = (x_h2, ys_h.get(i).copied().unwrap_or(top));
            let to = (x_o, ys_o.get(o).copied().unwrap_or(top));
            edges.push((from, to, *wt, i));
        }
    }
    let (lines, labels) = draw_edges(&edges, w, max_abs(net), &mut placer);
    let mut nodes = Group::new();
    for (j, &y) in ys_in.iter().enumerate() {
        let v = w.flow.and_then(|d| d.input.get(j)).map(style::dec);
        nodes = nodes.add(node(x_in, y, style::PAPER, style::INK, 2.0, v.as_deref()));
        if let Some(name) = net.inputs.get(j) {
            texts = texts.add(style::text(
                name.as_str(),
                x_in - RS - 12.0,
                y + T * 0.36,
                T,
                "end",
            ));
        }
    }
    nodes = hidden_nodes(nodes, w, x_h, &ys_h);
    if w.split {
        nodes = hidden_nodes(nodes, w, x_h2, &ys_h);
        let mid = top + span / 2.0;
        texts = texts.add(crate::figures::toykit::arrow(
            (x_h + RS + 30.0, mid),
            (x_h2 - RS - 30.0, mid),
            style::MUTED,
            2.5,
        ));
    }
    let (nodes, texts, right_w) = output_nodes(nodes, texts, w, x_o, &ys_o);
    let width = x_o + RS + 12.0 + right_w + PAD;
    let height = top + span + RS + below.max(6.0) + 10.0;
    Diagram {
        group: Group::new()
            .add(picture(w, image, top + span / 2.0))
            .add(lines)
            .add(labels)
            .add(nodes)
            .add(texts),
        width,
        height,
    }
}

/// The pair names (and biases) above the hidden nodes and, with an input
/// worked through, ReLU below them; also how far below the nodes that goes.
fn hidden_texts(
    mut texts: Group,
    w: What,
    x_h: f64,
    ys_h: &[f64],
    placer: &mut Placer,
) -> (Group, f64) {
    let mut below: f64 = 0.0;
    for (i, &y) in ys_h.iter().enumerate() {
        let op = if w.hl(i) { 1.0 } else { 0.35 };
        let mut lines = vec![format!("pair {}", i + 1)];
        if let Some(b) = w.net.b1.get(i).filter(|b| !b.is_zero()) {
            lines.push(format!("bias {}", style::dec(b)));
        }
        for (k, s) in lines.iter().enumerate() {
            let yy = y - RS - 10.0 - (T + 6.0) * (lines.len() - 1 - k) as f64;
            let colour = if k == 0 && w.highlight == Some(i) {
                style::HIGHLIGHT
            } else {
                style::MUTED
            };
            texts = texts.add(backed(s, x_h, yy, colour, placer).set("opacity", op));
        }
        if let Some(p) = w.worked().and_then(|d| d.pairs.get(i)) {
            let mut s = format!(
                "ReLU({}) = {}",
                style::dec(&p.pre),
                style::dec(&p.activation)
            );
            if !p.fires {
                s.push_str(": off");
            }
            let colour = if p.fires { style::INK } else { style::MUTED };
            texts = texts.add(backed(&s, x_h, y + RS + T + 4.0, colour, placer).set("opacity", op));
            below = below.max(T + 12.0);
        }
    }
    (texts, below)
}

/// Text on a white backing, so edges behind it do not cut through.
fn backed(s: &str, x: f64, y: f64, colour: &str, placer: &mut Placer) -> Group {
    let w = text_width(s, T) + 8.0;
    let b = Bx::centred(x, y - T * 0.35, w, T + 6.0);
    placer.block(b);
    Group::new()
        .add(
            Rectangle::new()
                .set("x", style::r(b.x0))
                .set("y", style::r(b.y0))
                .set("width", style::r(w))
                .set("height", style::r(T + 6.0))
                .set("fill", style::PAPER)
                .set("opacity", 0.85),
        )
        .add(style::text(s, x, y, T, "middle").set("fill", colour))
}

/// An edge: from, to, its weight and the pair it belongs to.
type SlideEdge = ((f64, f64), (f64, f64), rust_decimal::Decimal, usize);

/// The edges, and a label on each nonzero one (placed strong first).
fn draw_edges(edges: &[SlideEdge], w: What, scale: f64, placer: &mut Placer) -> (Group, Group) {
    let mut lines = Group::new().set("stroke-linecap", "round");
    let mut labels = Group::new();
    for e in edges {
        placer.avoid_line(e.0, e.1);
    }
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by_key(|&k| {
        let i = edges[k].3;
        (w.highlight != Some(i), !w.hl(i))
    });
    for &k in &order {
        let (from, to, wt, i) = &edges[k];
        let (colour, mut width) = edge_style(wt, scale);
        width *= 1.4;
        if w.highlight == Some(*i) {
            width += 2.0;
        }
        let mut l = Line::new()
            .set("x1", style::r(from.0))
            .set("y1", style::r(from.1))
            .set("x2", style::r(to.0))
            .set("y2", style::r(to.1))
            .set("stroke", colour)
            .set("stroke-width", style::r(width));
        if !w.hl(*i) {
            l = l.set("opacity", FADED);
        }
        lines = lines.add(l);
        if wt.is_zero() {
            continue;
        }
        let s = style::dec(wt);
        let (bw, bh) = (text_width(&s, T) + 14.0, T + 10.0);
        let (x, y) = placer.on_edge(*from, *to, bw, bh);
        let mut g = Group::new()
            .add(
                Rectangle::new()
                    .set("x", style::r(x - bw / 2.0))
                    .set("y", style::r(y - bh / 2.0))
                    .set("width", style::r(bw))
                    .set("height", style::r(bh))
                    .set("rx", 5)
                    .set("fill", style::LABEL_FILL)
                    .set("stroke", style::LABEL_STROKE)
                    .set("stroke-width", style::HAIRLINE),
            )
            .add(style::text(s, x, y + T * 0.36, T, "middle"));
        if !w.hl(*i) {
            g = g.set("opacity", 0.3);
        }
        labels = labels.add(g);
    }
    (lines, labels)
}

/// A node: circle, optional bold number inside.
fn node(x: f64, y: f64, fill: &str, stroke: &str, sw: f64, inside: Option<&str>) -> Group {
    let mut g = Group::new().add(
        Circle::new()
            .set("cx", style::r(x))
            .set("cy", style::r(y))
            .set("r", RS)
            .set("fill", fill)
            .set("stroke", stroke)
            .set("stroke-width", sw),
    );
    if let Some(s) = inside {
        g = g.add(style::text(s, x, y + T * 0.36, T, "middle").set("font-weight", "bold"));
    }
    g
}

/// The hidden nodes: tinted when they fire, gray when off, the highlighted
/// one outlined, the others faded; numbered in the split view.
fn hidden_nodes(mut nodes: Group, w: What, x: f64, ys: &[f64]) -> Group {
    for (i, &y) in ys.iter().enumerate() {
        let p = w.worked().and_then(|d| d.pairs.get(i));
        let inside = match p {
            Some(p) => Some(style::dec(&p.activation)),
            None if w.split => Some(format!("{}", i + 1)),
            None => None,
        };
        let fill = match p {
            Some(p) if p.fires => "#fde9c4",
            Some(_) => "#eeeeee",
            None => style::PAPER,
        };
        let (stroke, sw) = if w.highlight == Some(i) {
            (style::HIGHLIGHT, 5.0)
        } else {
            (style::INK, 2.0)
        };
        let mut n = node(x, y, fill, stroke, sw, inside.as_deref());
        if !w.hl(i) {
            n = n.set("opacity", 0.35);
        }
        nodes = nodes.add(n);
    }
    nodes
}

/// The output nodes (logits, or what the highlighted pair adds), their
/// names and the winner's mark; also how far the names reach.
fn output_nodes(
    mut nodes: Group,
    mut texts: Group,
    w: What,
    x_o: f64,
    ys_o: &[f64],
) -> (Group, Group, f64) {
    let n_out = w.net.outputs.len();
    let winners: Vec<usize> = match w.worked().map(|d| &d.prediction) {
        Some(Prediction::Unique(o)) if w.highlight.is_none() && n_out > 1 => vec![*o],
        Some(Prediction::Tie(v)) if w.highlight.is_none() && n_out > 1 => v.clone(),
        _ => Vec::new(),
    };
    let tie = winners.len() > 1;
    let mut right_w: f64 = 0.0;
    for (o, &y) in ys_o.iter().enumerate() {
        let inside = match (w.highlight, w.worked()) {
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
            (style::HIGHLIGHT, 5.0)
        } else {
            (style::INK, 2.0)
        };
        nodes = nodes.add(node(x_o, y, style::PAPER, stroke, sw, inside.as_deref()));
        let name = w.net.outputs.get(o).cloned().unwrap_or_default();
        right_w = right_w.max(text_width(&name, T));
        texts = texts.add(style::text(name, x_o + RS + 12.0, y + T * 0.36, T, "start"));
        if win {
            let mark = if tie { "← tie" } else { "← wins" };
            right_w = right_w.max(text_width(mark, T));
            texts = texts.add(
                style::text(mark, x_o + RS + 12.0, y + T * 1.5, T, "start")
                    .set("fill", style::HIGHLIGHT)
                    .set("font-weight", "bold"),
            );
        }
    }
    (nodes, texts, right_w)
}

/// The input as a tiny image centred at height `mid` (empty without a
/// pixel layout or in the split view).
fn picture(w: What, image: Option<(usize, usize)>, mid: f64) -> Group {
    let mut pic = Group::new();
    let Some((rows, cols)) = image else {
        return pic;
    };
    let (x0, y0) = (PAD, mid - rows as f64 * CELL / 2.0);
    for rr in 0..rows {
        for cc in 0..cols {
            let k = rr * cols + cc;
            let v = w.flow.and_then(|d| d.input.get(k)).map_or(0.0, f);
            let shade = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
            let (x, y) = (x0 + cc as f64 * CELL, y0 + rr as f64 * CELL);
            pic = pic.add(
                Rectangle::new()
                    .set("x", style::r(x))
                    .set("y", style::r(y))
                    .set("width", CELL)
                    .set("height", CELL)
                    .set("fill", style::ink(shade))
                    .set("stroke", style::FRAME)
                    .set("stroke-width", style::HAIRLINE),
            );
            let name = w.net.inputs.get(k).cloned().unwrap_or_default();
            if text_width(&name, T) < CELL - 4.0 {
                let colour = if shade > 120 {
                    style::PAPER
                } else {
                    style::INK
                };
                pic = pic.add(
                    style::text(name, x + CELL / 2.0, y + CELL / 2.0 + T * 0.36, T, "middle")
                        .set("fill", colour),
                );
            }
        }
    }
    pic
}

/// A slide figure: the diagram, then `lines` under it (the first bold).
fn slide_figure(id: &str, screen: &Figure, d: Diagram, lines: &[String]) -> Figure {
    let (title, desc) = (screen.title.as_str(), screen.description.clone());
    let lh = T * 1.45;
    let width = lines
        .iter()
        .map(|s| text_width(s, T) + 2.0 * PAD)
        .fold(d.width, f64::max);
    let height = d.height + lh * lines.len() as f64 + if lines.is_empty() { 0.0 } else { 10.0 };
    let mut doc = style::frame(width, height, title, &desc).add(d.group);
    for (k, s) in lines.iter().enumerate() {
        let mut t = style::text(
            s.as_str(),
            PAD,
            d.height + lh * (k as f64 + 0.8),
            T,
            "start",
        );
        if k == 0 {
            t = t.set("font-weight", "bold");
        }
        doc = doc.add(t);
    }
    style::figure(id, title, desc, doc, screen.data.clone())
}

/// The slide layout of [`super::network`]: the diagram and, with a pair
/// highlighted, its key and value in one line.
pub(crate) fn network_slide(
    id: &str,
    net: &ToyNet,
    flow: Option<&ToyDecomposition>,
    highlight: Option<usize>,
) -> Figure {
    let screen = super::network(id, net, flow, highlight);
    let highlight = highlight.filter(|&i| i < net.hidden());
    let d = draw(What {
        net,
        flow,
        evaluated: true,
        highlight,
        split: false,
    });
    let lines: Vec<String> = highlight
        .map(|i| {
            let key = net.key(i).map(vec_text).unwrap_or_default();
            let value = net.value(i).map(|v| vec_text(&v)).unwrap_or_default();
            vec![format!("pair {}: key {key}, value {value}", i + 1)]
        })
        .unwrap_or_default();
    slide_figure(id, &screen, d, &lines)
}

/// The slide layout of [`super::network_input`]: the input on the input
/// nodes, nothing worked out.
pub(crate) fn network_input_slide(id: &str, net: &ToyNet, dec: &ToyDecomposition) -> Figure {
    let screen = super::network_input(id, net, dec);
    let d = draw(What {
        net,
        flow: Some(dec),
        evaluated: false,
        highlight: None,
        split: false,
    });
    slide_figure(id, &screen, d, &[])
}

/// The slide layout of the layer view (`weight_views::layer_view`, drawn
/// as `screen`, whose title and description it keeps): W1 then W2, each
/// hidden neuron drawn on both sides.
pub(crate) fn layer_view_slide(id: &str, net: &ToyNet, screen: &Figure) -> Figure {
    let d = draw(What {
        net,
        flow: None,
        evaluated: false,
        highlight: None,
        split: true,
    });
    slide_figure(id, screen, d, &[])
}

/// The slide diagram of a net with an input worked through, for the
/// worked single-neuron slide.
pub(in crate::figures) fn worked_diagram(net: &ToyNet, dec: &ToyDecomposition) -> Diagram {
    draw(What {
        net,
        flow: Some(dec),
        evaluated: true,
        highlight: None,
        split: false,
    })
}
