//! The traditional solution of a toy net, layer by layer: hidden =
//! ReLU(W1 · x + b1) as matrices and then row by row, and the same for
//! outputs = W2 · hidden + b2.

use super::formula::{Atom, bold, column, formula, line, sentence_case, width_of};
use super::sums::{key_calc, output_calc};
use super::{LINE, MARGIN, MAX_W};
use crate::figures::toykit::{net_phrase, vec_text, verdict};
use crate::figures::{Figure, style};
use crate::kv::toy::{ToyDecomposition, ToyNet};
use svg::node::element::Group;

/// The figure as it is written top to bottom: its group, the baseline of
/// the next line, the widest formula and every text line (for the width).
struct Page {
    g: Group,
    y: f64,
    width: f64,
    texts: Vec<String>,
}

impl Page {
    /// A bold heading at the current line, then the formula row under it.
    fn formula(mut self, head: &str, atoms: &[Atom]) -> Page {
        self.g = self.g.add(bold(head, MARGIN, self.y));
        let (_, _, up, down) = formula(atoms, 0.0, 0.0);
        let mid = self.y + 14.0 + up;
        let (fg, fw, _, _) = formula(atoms, MARGIN, mid);
        self.g = self.g.add(fg);
        self.width = self.width.max(fw);
        self.y = mid + down + 10.0;
        self
    }

    /// One plain line per text, each a line further down.
    fn lines(mut self, lines: Vec<String>) -> Page {
        for s in lines {
            self.y += LINE;
            self.g = self.g.add(line(s.as_str(), MARGIN, self.y));
            self.texts.push(s);
        }
        self
    }
}

/// The traditional solution: hidden = ReLU(W1 · x + b1) as matrices and row
/// by row, then outputs = W2 · hidden + b2.
pub(crate) fn layer_by_layer(id: &str, net: &ToyNet, dec: &ToyDecomposition) -> Figure {
    let title = format!("{}: layer by layer", net.title);
    let has_b1 = net.b1.iter().any(|b| !b.is_zero());
    let has_b2 = net.b2.iter().any(|b| !b.is_zero());
    let page = Page {
        g: Group::new(),
        y: 26.0,
        width: 0.0,
        texts: Vec::new(),
    };
    let head1 = if has_b1 {
        "Layer 1: hidden = ReLU(W1 · x + b1)"
    } else {
        "Layer 1: hidden = ReLU(W1 · x)"
    };
    let mut page = page
        .formula(head1, &layer1(net, dec, has_b1))
        .lines(hidden_lines(dec));
    page.y += LINE + 16.0;
    let head2 = if has_b2 {
        "Layer 2: outputs = W2 · hidden + b2"
    } else {
        "Layer 2: outputs = W2 · hidden"
    };
    let mut page = page
        .formula(head2, &layer2(net, dec, has_b2))
        .lines(output_lines(net, dec));
    let last = format!(
        "outputs {}{}",
        vec_text(&dec.logits),
        verdict(net, &dec.prediction, ": ")
    );
    page.y += LINE + 8.0;
    page.g = page.g.add(bold(last.as_str(), MARGIN, page.y));
    page.texts.push(last);
    let width = (page.width + 2.0 * MARGIN)
        .max(width_of(&page.texts) + 2.0 * MARGIN)
        .min(MAX_W);
    let desc = format!(
        "{} computed layer by layer on the input {}: W1 · x{} = {}, ReLU gives hidden = {}; W2 · hidden{} = {}{}.",
        sentence_case(&net_phrase(net)),
        vec_text(&dec.input),
        if has_b1 { " + b1" } else { "" },
        vec_text(&dec.hidden_pre),
        vec_text(&dec.hidden),
        if has_b2 { " + b2" } else { "" },
        vec_text(&dec.logits),
        verdict(net, &dec.prediction, ", so ")
    );
    let doc = style::frame(width, page.y + 16.0, &title, &desc).add(page.g);
    style::figure(
        id,
        &title,
        desc,
        doc,
        crate::figures::data::toy_net(net, Some(dec), None),
    )
}

/// W1 x (+ b1) = pre-activations —ReLU→ hidden, as matrices.
fn layer1(net: &ToyNet, dec: &ToyDecomposition, has_b1: bool) -> Vec<Atom> {
    let w1: Vec<Vec<String>> = dec
        .pairs
        .iter()
        .map(|p| p.key.iter().map(style::dec).collect())
        .collect();
    let mut atoms = vec![
        Atom::Mat(w1, "W1".into(), Vec::new()),
        Atom::Mat(column(&dec.input), "x".into(), Vec::new()),
    ];
    if has_b1 {
        atoms.push(Atom::T("+".into()));
        atoms.push(Atom::Mat(column(&net.b1), "b1".into(), Vec::new()));
    }
    atoms.extend([
        Atom::T("=".into()),
        Atom::Mat(column(&dec.hidden_pre), String::new(), Vec::new()),
        Atom::M("—ReLU→".into()),
        Atom::Mat(column(&dec.hidden), "hidden".into(), Vec::new()),
    ]);
    atoms
}

/// "hidden 1: 0.6 × 1.5 + … = 1.22, ReLU(1.22) = 1.22", one per pair.
fn hidden_lines(dec: &ToyDecomposition) -> Vec<String> {
    dec.pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "hidden {}: {}, ReLU({}) = {}",
                i + 1,
                key_calc(p, &dec.input).full_text(),
                style::dec(&p.pre),
                style::dec(&p.activation)
            )
        })
        .collect()
}

/// W2 hidden (+ b2) = outputs, as matrices.
fn layer2(net: &ToyNet, dec: &ToyDecomposition, has_b2: bool) -> Vec<Atom> {
    let w2: Vec<Vec<String>> = net
        .w2
        .iter()
        .map(|r| r.iter().map(style::dec).collect())
        .collect();
    let mut atoms = vec![
        Atom::Mat(w2, "W2".into(), Vec::new()),
        Atom::Mat(column(&dec.hidden), "hidden".into(), Vec::new()),
    ];
    if has_b2 {
        atoms.push(Atom::T("+".into()));
        atoms.push(Atom::Mat(column(&net.b2), "b2".into(), Vec::new()));
    }
    atoms.extend([
        Atom::T("=".into()),
        Atom::Mat(column(&dec.logits), "outputs".into(), Vec::new()),
    ]);
    atoms
}

/// "output: 2 × 1.22 + … = 0.82", one per output.
fn output_lines(net: &ToyNet, dec: &ToyDecomposition) -> Vec<String> {
    (0..dec.logits.len())
        .map(|o| {
            format!(
                "{}: {}",
                net.outputs.get(o).cloned().unwrap_or_default(),
                output_calc(net, dec, o).full_text()
            )
        })
        .collect()
}

/// The slide variant: the same two layers as lines at
/// [`style::SLIDE_TEXT`], without the matrices (a hidden neuron's weighted
/// sum and its ReLU, then each output's), the result in bold.
pub(crate) fn layer_by_layer_slide(id: &str, net: &ToyNet, dec: &ToyDecomposition) -> Figure {
    let title = format!("{}: layer by layer", net.title);
    let has_b1 = net.b1.iter().any(|b| !b.is_zero());
    let has_b2 = net.b2.iter().any(|b| !b.is_zero());
    let mut lines: Vec<(String, bool)> = vec![(
        if has_b1 {
            "Layer 1: hidden = ReLU(W1 · x + b1)"
        } else {
            "Layer 1: hidden = ReLU(W1 · x)"
        }
        .to_string(),
        true,
    )];
    for (i, p) in dec.pairs.iter().enumerate() {
        lines.push((
            format!(
                "hidden {}: {} = {}",
                i + 1,
                key_calc(p, &dec.input).products_text(),
                style::dec(&p.pre)
            ),
            false,
        ));
        lines.push((
            format!(
                "    ReLU({}) = {}",
                style::dec(&p.pre),
                style::dec(&p.activation)
            ),
            false,
        ));
    }
    lines.push((
        if has_b2 {
            "Layer 2: outputs = W2 · hidden + b2"
        } else {
            "Layer 2: outputs = W2 · hidden"
        }
        .to_string(),
        true,
    ));
    for o in 0..dec.logits.len() {
        let c = output_calc(net, dec, o);
        lines.push((
            format!(
                "{}: {} = {}",
                net.outputs.get(o).cloned().unwrap_or_default(),
                c.products_text(),
                c.sum.total
            ),
            false,
        ));
    }
    lines.push((
        format!(
            "outputs {}{}",
            vec_text(&dec.logits),
            verdict(net, &dec.prediction, ": ")
        ),
        true,
    ));
    let size = style::SLIDE_TEXT;
    let (g, y, width) = super::slide_lines(Group::new(), &lines, size * 1.3);
    let screen = layer_by_layer(id, net, dec);
    let doc = style::frame(width, y - size * 0.6, &title, &screen.description).add(g);
    style::figure(id, &title, screen.description, doc, screen.data)
}
