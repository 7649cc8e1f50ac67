//! Node diagrams of the toy networks (exact decimals): the whole net with
//! every weight on its edge ([`network`], optionally with the numbers of one
//! input flowing through it and one pair highlighted; the diagram itself is
//! drawn in `diagram`), and the nodes, edges and columns it is drawn from,
//! which `weight_views` shares.

use super::data::{toy_net, toy_net_input};
use super::toykit::{
    Bx, Placer, R, f, label_box, label_size, net_phrase, text_width, vec_text, verdict,
};
use super::{Figure, style};
use crate::kv::toy::{ToyDecomposition, ToyNet};
use rust_decimal::Decimal;
use svg::node::element::{Circle, Group, Line, Rectangle};

mod diagram;
mod slide;

pub(super) use diagram::diagram;
pub(super) use slide::worked_diagram;
pub(crate) use slide::{layer_view_slide, network_input_slide, network_slide};

pub(super) const MARGIN: f64 = 16.0;
/// Opacity of what a highlight pushes into the background.
const FADED: f64 = 0.16;

// ---------------------------------------------------------------- nodes and edges

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

pub(super) fn max_abs(net: &ToyNet) -> f64 {
    net.w1
        .iter()
        .chain(net.w2.iter())
        .flatten()
        .map(|w| f(w).abs())
        .fold(0.0, f64::max)
}

/// One weighted edge between two node centres.
pub(super) struct Edge {
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub weight: Decimal,
    pub faded: bool,
    pub strong: bool,
}

/// Draws edges under their labels; the placer already knows the nodes.
pub(super) fn draw_edges(edges: &[Edge], scale: f64, placer: &mut Placer) -> (Group, Group) {
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
pub(super) fn node(
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
pub(super) fn column(n: usize, top: f64, span: f64, max_gap: f64) -> Vec<f64> {
    if n <= 1 {
        return vec![top + span / 2.0];
    }
    let gap = (span / (n - 1) as f64).min(max_gap);
    let start = top + (span - gap * (n - 1) as f64) / 2.0;
    (0..n).map(|i| start + gap * i as f64).collect()
}

/// Text on a white backing, so edges behind it do not cut through.
pub(super) fn backed(
    s: &str,
    x: f64,
    y: f64,
    size: f64,
    colour: &str,
    placer: &mut Placer,
) -> Group {
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
pub(crate) fn network(
    id: &str,
    net: &ToyNet,
    flow: Option<&ToyDecomposition>,
    highlight: Option<usize>,
) -> Figure {
    let highlight = highlight.filter(|&i| i < net.hidden());
    let d = diagram(net, flow, true, highlight);
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
    style::figure(id, &title, desc, doc, toy_net(net, flow, highlight))
}

/// The node diagram with one input going in and nothing worked out yet:
/// the input's numbers (and its tiny image), the weights, and empty hidden
/// and output nodes. It goes above a predict prompt, where the worked
/// diagram would give the answer away.
pub(crate) fn network_input(id: &str, net: &ToyNet, dec: &ToyDecomposition) -> Figure {
    let d = diagram(net, Some(dec), false, None);
    let caption = format!("input {} goes in: what comes out?", vec_text(&dec.input));
    let desc = format!(
        "Node diagram of {} with the input {} on its input nodes ({}). Keys (rows of W1): {}; values (columns of W2): {}. The hidden and output nodes are left empty, to be worked out.",
        net_phrase(net),
        vec_text(&dec.input),
        net.inputs.join(", "),
        keys_text(net),
        values_text(net),
    );
    let width = d
        .width
        .max(text_width(&caption, style::FONT_SIZE) + 2.0 * MARGIN);
    let height = d.height + 28.0;
    let title = format!("{}: the input", net.title);
    let doc = style::frame(width, height, &title, &desc)
        .add(d.group)
        .add(style::text(
            caption.as_str(),
            MARGIN,
            d.height + 14.0,
            style::FONT_SIZE,
            "start",
        ));
    style::figure(id, &title, desc, doc, toy_net_input(net, &dec.input))
}

/// "match = key · x = 1, ReLU(1) = 1, adds 1 × (1, 0) = (1, 0)".
pub(super) fn pair_flow_text(p: &crate::kv::toy::ToyPair) -> String {
    let relu = format!(
        "ReLU({}) = {}",
        style::dec(&p.pre),
        style::dec(&p.activation)
    );
    let kx = if p.bias.is_zero() {
        format!("match = key · x = {}", style::dec(&p.pre))
    } else {
        format!("match = key · x + bias = {}", style::dec(&p.pre))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::{assert_sound, font_sizes};
    use crate::figures::weight_views::{key_value_view, layer_view};
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
    fn slide_layouts_are_large_and_label_only_nonzero_weights() {
        for name in ["slides", "exercise", "single-neuron", "threshold"] {
            let n = net(name);
            let screen = layer_view("t-layers", &n);
            let mut figs = vec![
                network_slide("t", &n, None, None),
                layer_view_slide("t-layers", &n, &screen),
            ];
            for ex in n.examples.keys() {
                let d = dec(&n, ex);
                figs.push(network_slide("t", &n, Some(&d), None));
                figs.push(network_input_slide("t", &n, &d));
                for i in 0..n.hidden() {
                    figs.push(network_slide("t", &n, Some(&d), Some(i)));
                }
            }
            for f in &figs {
                assert_sound(f);
                let svg = f.to_svg_string();
                let sizes = font_sizes(&svg);
                assert!(!sizes.is_empty(), "{}", f.id);
                assert!(
                    sizes.iter().all(|&s| s >= style::SLIDE_TEXT),
                    "{name} {}: {sizes:?}",
                    f.id
                );
                assert_eq!(svg, f.to_svg_string());
            }
        }
        // The slides net has zero weights: none of them is labelled, every
        // nonzero one is (W1: two 1s; W2: 1, 0.5, 0.5).
        let n = net("slides");
        let svg = network_slide("t", &n, None, None).to_svg_string();
        let texts: Vec<&str> = svg
            .split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split("</text>").next()?.trim()))
            .collect();
        let labels = |v: &str| texts.iter().filter(|t| **t == v).count();
        assert_eq!(labels("0"), 0, "{texts:?}");
        assert_eq!(labels("1"), 3, "{texts:?}");
        assert_eq!(labels("0.5"), 2, "{texts:?}");
        // The slide keeps the screen figure's description.
        assert_eq!(
            network_slide("t", &n, None, None).description,
            network("t", &n, None, None).description
        );
    }

    #[test]
    fn the_input_diagram_gives_nothing_away() {
        let n = net("slides");
        let d = dec(&n, "x1");
        let worked = network("w", &n, Some(&d), None);
        let before = network_input("b", &n, &d);
        let text = |f: &Figure| f.to_svg_string();
        assert!(text(&worked).contains("wins"));
        let b = text(&before);
        assert!(!b.contains("wins") && !b.contains("ReLU("), "{b}");
        assert!(b.contains("input (1, 0, 1, 0) goes in"), "{b}");
        assert_sound(&before);
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
