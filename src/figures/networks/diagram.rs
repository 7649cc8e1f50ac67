//! The node diagram of a toy net, at the origin and without a caption: the
//! input as a tiny image (when the net has a pixel layout), the three
//! columns of nodes with their names, every weight on its edge, the pair
//! labels, biases and ReLU results around the hidden nodes, and the
//! winning output marked.

use super::{Diagram, Edge, MARGIN, backed, column, draw_edges, max_abs, node};
use crate::figures::style;
use crate::figures::toykit::{Bx, Placer, R, f, text_width};
use crate::kv::toy::{Prediction, ToyDecomposition, ToyNet};
use svg::node::element::{Group, Rectangle};

/// Side of one pixel of the tiny input image.
const CELL: f64 = 26.0;
/// Baseline of the column headers, and centre of the topmost node.
const HEADER_Y: f64 = 22.0;
const TOP: f64 = 74.0;

/// What is drawn and where: the net, the input flowing through it, the
/// highlighted pair, the columns' x and the nodes' y, the tiny image's shape.
struct Layout<'a> {
    net: &'a ToyNet,
    /// The input's numbers (shown on the input nodes and the tiny image).
    flow: Option<&'a ToyDecomposition>,
    /// The input worked through: hidden values, outputs and the winner
    /// (None when only the input is shown, before a predict prompt).
    worked: Option<&'a ToyDecomposition>,
    highlight: Option<usize>,
    span: f64,
    image: Option<(usize, usize)>,
    x_in: f64,
    x_h: f64,
    x_o: f64,
    ys_in: Vec<f64>,
    ys_h: Vec<f64>,
    ys_o: Vec<f64>,
}

impl<'a> Layout<'a> {
    /// Columns, left to right: pixel image, input names, inputs, hidden,
    /// outputs, output names.
    fn new(
        net: &'a ToyNet,
        flow: Option<&'a ToyDecomposition>,
        evaluated: bool,
        highlight: Option<usize>,
    ) -> Layout<'a> {
        let (n_in, n_h, n_out) = (net.inputs.len(), net.hidden(), net.outputs.len());
        let span = ((n_in.max(n_h).max(n_out).saturating_sub(1)) as f64 * 76.0).max(130.0);
        let image = net.layout.filter(|(r, c)| r * c == n_in);
        let image_w = image.map_or(0.0, |(_, c)| c as f64 * CELL + 28.0);
        let name_w = net
            .inputs
            .iter()
            .map(|n| text_width(n, style::FONT_SIZE))
            .fold(0.0, f64::max);
        let x_in = MARGIN + image_w + name_w + 10.0 + R;
        let x_h = x_in + if n_in >= 3 || n_h >= 3 { 250.0 } else { 210.0 };
        let x_o = x_h + if n_out >= 3 || n_h >= 3 { 210.0 } else { 190.0 };
        Layout {
            net,
            flow,
            worked: flow.filter(|_| evaluated),
            highlight,
            span,
            image,
            x_in,
            x_h,
            x_o,
            ys_in: column(n_in, TOP, span, 120.0),
            ys_h: column(n_h, TOP, span, 170.0),
            ys_o: column(n_out, TOP, span, 170.0),
        }
    }

    /// Whether pair `i` is drawn in full (no highlight, or it is the one).
    fn hl(&self, i: usize) -> bool {
        self.highlight.is_none_or(|h| h == i)
    }
}

/// The node diagram itself (no caption), at the origin.
/// `evaluated` = false shows `flow`'s input only (no hidden values,
/// outputs or winner).
pub(in crate::figures) fn diagram(
    net: &ToyNet,
    flow: Option<&ToyDecomposition>,
    evaluated: bool,
    highlight: Option<usize>,
) -> Diagram {
    let l = Layout::new(net, flow, evaluated, highlight);
    let mut placer = Placer::default();
    for (x, ys) in [(l.x_in, &l.ys_in), (l.x_h, &l.ys_h), (l.x_o, &l.ys_o)] {
        for &y in ys.iter() {
            placer.block(Bx::centred(x, y, 2.0 * R + 4.0, 2.0 * R + 4.0));
        }
    }
    let texts = hidden_texts(&l, &mut placer);
    let texts = output_biases(texts, &l, &mut placer);
    let (lines, labels) = draw_edges(&edges(&l), max_abs(net), &mut placer);
    let (nodes, texts) = input_nodes(Group::new(), texts, &l);
    let nodes = hidden_nodes(nodes, &l);
    let (nodes, texts, right_w) = output_nodes(nodes, texts, &l);
    let width = l.x_o + R + 8.0 + right_w + MARGIN;
    let bottom_text = if l.worked.is_some() { 40.0 } else { 10.0 };
    let height = TOP + l.span + R + bottom_text + 8.0;
    Diagram {
        group: Group::new()
            .add(picture(&l))
            .add(lines)
            .add(labels)
            .add(nodes)
            .add(texts),
        width,
        height,
    }
}

/// The column headers, and the text above and below every hidden node: its
/// pair number and bias, and with an input its ReLU and whether it is off.
fn hidden_texts(l: &Layout, placer: &mut Placer) -> Group {
    let (net, highlight, x_h) = (l.net, l.highlight, l.x_h);
    let out_header = match (highlight, l.worked) {
        (Some(i), Some(_)) => format!("what pair {} adds", i + 1),
        _ => "outputs".to_string(),
    };
    let mut texts = Group::new()
        .add(style::muted("inputs", l.x_in, HEADER_Y, "middle"))
        .add(style::muted("hidden (ReLU)", x_h, HEADER_Y, "middle"))
        .add(style::muted(out_header, l.x_o, HEADER_Y, "middle"));
    for (i, &y) in l.ys_h.iter().enumerate() {
        let op = if l.hl(i) { 1.0 } else { 0.35 };
        let mut lines: Vec<String> = vec![format!("pair {}", i + 1)];
        if let Some(b) = net.b1.get(i).filter(|b| !b.is_zero()) {
            lines.push(format!("bias {}", style::dec(b)));
        }
        for (k, line) in lines.iter().enumerate() {
            let yy = y - R - 8.0 - 14.0 * (lines.len() - 1 - k) as f64;
            let colour = if k == 0 && highlight == Some(i) {
                style::HIGHLIGHT
            } else {
                style::MUTED
            };
            texts =
                texts.add(backed(line, x_h, yy, style::SMALL, colour, placer).set("opacity", op));
        }
        if let Some(p) = l.worked.and_then(|d| d.pairs.get(i)) {
            let s = format!(
                "ReLU({}) = {}",
                style::dec(&p.pre),
                style::dec(&p.activation)
            );
            let colour = if p.fires { style::INK } else { style::MUTED };
            texts = texts.add(
                backed(&s, x_h, y + R + 16.0, style::SMALL, colour, placer).set("opacity", op),
            );
            if !p.fires {
                texts = texts.add(
                    backed("off", x_h, y + R + 30.0, style::SMALL, style::MUTED, placer)
                        .set("opacity", op),
                );
            }
        }
    }
    texts
}

/// Adds the nonzero output biases above the outputs.
fn output_biases(mut texts: Group, l: &Layout, placer: &mut Placer) -> Group {
    for (o, &y) in l.ys_o.iter().enumerate() {
        if let Some(b) = l.net.b2.get(o).filter(|b| !b.is_zero()) {
            texts = texts.add(backed(
                &format!("bias {}", style::dec(b)),
                l.x_o,
                y - R - 8.0,
                style::SMALL,
                style::MUTED,
                placer,
            ));
        }
    }
    texts
}

/// Every weight as an edge: W1 (inputs → hidden), then W2 (hidden →
/// outputs); the highlighted pair's strong, the others' faded.
fn edges(l: &Layout) -> Vec<Edge> {
    let mut edges = Vec::new();
    for (i, key) in l.net.w1.iter().enumerate() {
        for (j, w) in key.iter().enumerate() {
            edges.push(Edge {
                from: (l.x_in, l.ys_in.get(j).copied().unwrap_or(TOP)),
                to: (l.x_h, l.ys_h.get(i).copied().unwrap_or(TOP)),
                weight: *w,
                faded: !l.hl(i),
                strong: l.highlight == Some(i),
            });
        }
    }
    for (o, row) in l.net.w2.iter().enumerate() {
        for (i, w) in row.iter().enumerate() {
            edges.push(Edge {
                from: (l.x_h, l.ys_h.get(i).copied().unwrap_or(TOP)),
                to: (l.x_o, l.ys_o.get(o).copied().unwrap_or(TOP)),
                weight: *w,
                faded: !l.hl(i),
                strong: l.highlight == Some(i),
            });
        }
    }
    edges
}

/// Adds the input nodes (with the input's numbers) and their names.
fn input_nodes(mut nodes: Group, mut texts: Group, l: &Layout) -> (Group, Group) {
    for (j, &y) in l.ys_in.iter().enumerate() {
        let v = l.flow.and_then(|d| d.input.get(j)).map(style::dec);
        nodes = nodes.add(node(
            l.x_in,
            y,
            style::PAPER,
            style::INK,
            1.5,
            v.as_deref(),
            true,
        ));
        if let Some(name) = l.net.inputs.get(j) {
            texts = texts.add(style::text(
                name.as_str(),
                l.x_in - R - 8.0,
                y + 4.5,
                style::FONT_SIZE,
                "end",
            ));
        }
    }
    (nodes, texts)
}

/// Adds the hidden nodes: tinted when they fire, gray when off, the
/// highlighted one outlined, the others faded.
fn hidden_nodes(mut nodes: Group, l: &Layout) -> Group {
    for (i, &y) in l.ys_h.iter().enumerate() {
        let p = l.worked.and_then(|d| d.pairs.get(i));
        let inside = p.map(|p| style::dec(&p.activation));
        let fill = match p {
            Some(p) if p.fires => "#fde9c4",
            Some(_) => "#eeeeee",
            None => style::PAPER,
        };
        let (stroke, sw) = if l.highlight == Some(i) {
            (style::HIGHLIGHT, 3.5)
        } else {
            (style::INK, 1.5)
        };
        let mut n = node(l.x_h, y, fill, stroke, sw, inside.as_deref(), true);
        if !l.hl(i) {
            n = n.set("opacity", 0.35);
        }
        nodes = nodes.add(n);
    }
    nodes
}

/// Adds the output nodes (the logits, or what the highlighted pair adds),
/// their names and the winner's mark; also returns how far the names reach.
fn output_nodes(mut nodes: Group, mut texts: Group, l: &Layout) -> (Group, Group, f64) {
    let n_out = l.net.outputs.len();
    let winners: Vec<usize> = match l.worked.map(|d| &d.prediction) {
        Some(Prediction::Unique(o)) if l.highlight.is_none() && n_out > 1 => vec![*o],
        Some(Prediction::Tie(v)) if l.highlight.is_none() && n_out > 1 => v.clone(),
        _ => Vec::new(),
    };
    let tie = winners.len() > 1;
    let mut right_w: f64 = 0.0;
    for (o, &y) in l.ys_o.iter().enumerate() {
        let inside = match (l.highlight, l.worked) {
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
            l.x_o,
            y,
            style::PAPER,
            stroke,
            sw,
            inside.as_deref(),
            true,
        ));
        let name = l.net.outputs.get(o).cloned().unwrap_or_default();
        right_w = right_w.max(text_width(&name, style::FONT_SIZE));
        texts = texts.add(style::text(
            name,
            l.x_o + R + 8.0,
            y + 4.5,
            style::FONT_SIZE,
            "start",
        ));
        if win {
            let mark = if tie { "← tie" } else { "← wins" };
            right_w = right_w.max(text_width(mark, style::FONT_SIZE));
            texts = texts.add(
                style::text(mark, l.x_o + R + 8.0, y + 21.0, style::FONT_SIZE, "start")
                    .set("fill", style::HIGHLIGHT)
                    .set("font-weight", "bold"),
            );
        }
    }
    (nodes, texts, right_w)
}

/// The input as a tiny image: a b / c d, 1 = black (empty without a pixel
/// layout).
fn picture(l: &Layout) -> Group {
    let mut pic = Group::new();
    let Some((rows, cols)) = l.image else {
        return pic;
    };
    let (x0, y0) = (MARGIN, TOP + l.span / 2.0 - rows as f64 * CELL / 2.0);
    pic = pic.add(style::muted(
        "image",
        x0 + cols as f64 * CELL / 2.0,
        y0 - 8.0,
        "middle",
    ));
    for rr in 0..rows {
        for cc in 0..cols {
            let k = rr * cols + cc;
            let v = l.flow.and_then(|d| d.input.get(k)).map_or(0.0, f);
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
            let name = l.net.inputs.get(k).cloned().unwrap_or_default();
            if text_width(&name, style::SMALL) < CELL - 2.0 {
                let colour = if shade > 120 {
                    style::PAPER
                } else {
                    style::INK
                };
                pic = pic.add(
                    style::text(
                        name,
                        x + CELL / 2.0,
                        y + CELL / 2.0 + 4.0,
                        style::SMALL,
                        "middle",
                    )
                    .set("fill", colour),
                );
            }
        }
    }
    pic
}
