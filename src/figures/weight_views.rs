//! The toy nets' weights without the flow of an input: as two layers
//! ([`layer_view`], W1 then W2, the traditional view) and as separate
//! key-value pairs ([`key_value_view`]), each pair drawn alone by
//! `pair_star`, which `worked` also embeds.

use super::networks::{Diagram, Edge, MARGIN, backed, column, draw_edges, max_abs, node};
use super::toykit::{Bx, Placer, R, arrow, net_phrase, text_width, vec_text};
use super::{Figure, style};
use crate::kv::toy::{ToyDecomposition, ToyNet};
use rust_decimal::Decimal;
use svg::node::element::Group;

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
pub(crate) fn layer_view(id: &str, net: &ToyNet) -> Figure {
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
    // A bold layer name over a muted line saying what it connects.
    let heading = |g: Group, name: &str, what: &str, x: f64| {
        g.add(style::text(name, x, 22.0, style::FONT_SIZE, "middle").set("font-weight", "bold"))
            .add(style::muted(what, x, 38.0, "middle"))
    };
    let mut texts = heading(
        Group::new(),
        "layer 1: W1",
        "inputs → hidden, ReLU",
        (x_in + x_h1) / 2.0,
    );
    texts = heading(texts, "layer 2: W2", "hidden → outputs", (x_h2 + x_o) / 2.0);
    texts = names(texts, &net.inputs, &p_in, true);
    texts = names(texts, &net.outputs, &p_o, false);
    // Non-zero biases above their neurons: b1 on the hidden, b2 on the outputs.
    let mut biases = Group::new();
    for (bs, pts) in [(&net.b1, &p_h1), (&net.b2, &p_o)] {
        for (b, &(x, y)) in bs.iter().zip(pts.iter()) {
            if !b.is_zero() {
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
        .add(style::muted(caption, MARGIN, height - 14.0, "start"));
    style::figure(id, &title, desc, doc, super::data::toy_net(net, None, None))
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
pub(crate) fn key_value_view(id: &str, net: &ToyNet) -> Figure {
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
    doc = doc.add(style::muted(caption, MARGIN, height - 14.0, "start"));
    style::figure(id, &title, desc, doc, super::data::toy_net(net, None, None))
}
