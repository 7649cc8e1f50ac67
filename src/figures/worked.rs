//! Worked calculations on toy nets, in exact decimals: one pair in bracket
//! notation ([`bracket`]), a single neuron ([`single_neuron`]), a whole net
//! layer by layer ([`layer_by_layer`]) and pair by pair ([`pair_by_pair`]).
//!
//! Every number shown comes from the [`ToyDecomposition`] (or the net's own
//! weights); nothing is recomputed here, so a substituted input can never
//! differ from the input used. Sums are built as [`Shown`] values, the very
//! strings the figure prints, and the tests add those strings back up.

use super::toykit::{net_phrase, text_width, vec_text, verdict};
use super::{Figure, networks, style, weight_views};
use crate::kv::toy::{ToyDecomposition, ToyNet, ToyPair};
use rust_decimal::Decimal;
use svg::node::element::{Group, Path};

const MARGIN: f64 = 16.0;
const LINE: f64 = 24.0;
const MAX_W: f64 = 960.0;

// ---------------------------------------------------------------- shown sums

/// A sum as displayed: its terms and its total, exactly as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shown {
    pub terms: Vec<String>,
    pub total: String,
}

impl Shown {
    fn new(terms: &[Decimal], total: &Decimal) -> Shown {
        Shown {
            terms: terms.iter().map(style::dec).collect(),
            total: style::dec(total),
        }
    }

    /// "0.9 + 0.32", "1.8 − 0.72".
    fn terms_text(&self) -> String {
        join_terms(&self.terms)
    }
}

/// Joins displayed terms with "+" and "−" (a negative term after the first
/// is written as "− 0.72").
fn join_terms(terms: &[String]) -> String {
    let mut out = String::new();
    for (k, t) in terms.iter().enumerate() {
        if k == 0 {
            out.push_str(t);
        } else if let Some(rest) = t.strip_prefix('\u{2212}') {
            out.push_str(" \u{2212} ");
            out.push_str(rest);
        } else {
            out.push_str(" + ");
            out.push_str(t);
        }
    }
    out
}

/// A factor inside a product: negative numbers in parentheses.
fn factor(d: &Decimal) -> String {
    let s = style::dec(d);
    if d.is_sign_negative() && !d.is_zero() {
        format!("({s})")
    } else {
        s
    }
}

/// One weighted sum: the products written out, then their values (plus a
/// bias), then the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Calc {
    /// (weight, input) as printed, one per product.
    pub factors: Vec<(String, String)>,
    /// The products (and the bias when nonzero) and their total.
    pub sum: Shown,
    /// The bias term is the last of `sum.terms`.
    pub has_bias: bool,
}

impl Calc {
    /// "0.6 × 1.5 + (−0.4) × (−0.8) + 1.3"
    fn products_text(&self) -> String {
        let mut parts: Vec<String> = self
            .factors
            .iter()
            .map(|(w, x)| format!("{w} × {x}"))
            .collect();
        if let Some(b) = self.sum.terms.last().filter(|_| self.has_bias) {
            parts.push(b.clone());
        }
        join_terms(&parts)
    }

    /// "0.6 × 1.5 + (−0.4) × (−0.8) = 0.9 + 0.32 = 1.22"; a single term
    /// is not repeated.
    fn full_text(&self) -> String {
        if self.sum.terms.len() <= 1 {
            format!("{} = {}", self.products_text(), self.sum.total)
        } else {
            format!(
                "{} = {} = {}",
                self.products_text(),
                self.sum.terms_text(),
                self.sum.total
            )
        }
    }
}

/// Key · input (+ bias) = pre-activation of one pair, from the decomposition.
pub(crate) fn key_calc(p: &ToyPair, input: &[Decimal]) -> Calc {
    let factors = p
        .key
        .iter()
        .zip(input)
        .map(|(w, x)| (factor(w), factor(x)))
        .collect();
    let mut terms = p.products.clone();
    let has_bias = !p.bias.is_zero();
    if has_bias {
        terms.push(p.bias);
    }
    Calc {
        factors,
        sum: Shown::new(&terms, &p.pre),
        has_bias,
    }
}

/// Output `o` layer by layer: Σ_i W2[o][i] · hidden_i (+ b2[o]).
pub(crate) fn output_calc(net: &ToyNet, dec: &ToyDecomposition, o: usize) -> Calc {
    let factors = dec
        .pairs
        .iter()
        .map(|p| {
            (
                factor(p.value.get(o).unwrap_or(&Decimal::ZERO)),
                factor(&p.activation),
            )
        })
        .collect();
    let mut terms: Vec<Decimal> = dec
        .pairs
        .iter()
        .map(|p| p.scaled.get(o).copied().unwrap_or_default())
        .collect();
    let bias = net.b2.get(o).copied().unwrap_or_default();
    let has_bias = !bias.is_zero();
    if has_bias {
        terms.push(bias);
    }
    Calc {
        factors,
        sum: Shown::new(&terms, dec.logits.get(o).unwrap_or(&Decimal::ZERO)),
        has_bias,
    }
}

/// Output `o` pair by pair: b2[o] (when nonzero) + Σ_i contribution_i[o].
pub(crate) fn contributions_sum(net: &ToyNet, dec: &ToyDecomposition, o: usize) -> Shown {
    let mut terms = Vec::new();
    if let Some(b) = net.b2.get(o).filter(|b| !b.is_zero()) {
        terms.push(*b);
    }
    terms.extend(
        dec.pairs
            .iter()
            .map(|p| p.scaled.get(o).copied().unwrap_or_default()),
    );
    Shown::new(&terms, dec.logits_by_pairs.get(o).unwrap_or(&Decimal::ZERO))
}

// ---------------------------------------------------------------- drawing kit

/// A piece of a formula row.
enum Atom {
    /// Text.
    T(String),
    /// Muted text.
    M(String),
    /// A bracketed matrix (rows of cells), a caption under it, and names
    /// written left of its rows.
    Mat(Vec<Vec<String>>, String, Vec<String>),
    /// Horizontal space.
    Gap(f64),
}

const CELL_H: f64 = 22.0;

fn mat_size(rows: &[Vec<String>]) -> (Vec<f64>, f64, f64) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<f64> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| text_width(s, style::FONT_SIZE))
                .fold(0.0, f64::max)
        })
        .collect();
    let w = widths.iter().sum::<f64>() + 14.0 * cols.saturating_sub(1) as f64 + 20.0;
    (widths, w, rows.len() as f64 * CELL_H + 8.0)
}

/// A square bracket: `left` opens, else closes.
fn bracket_path(x: f64, y0: f64, y1: f64, left: bool) -> Path {
    let s = if left { 5.0 } else { -5.0 };
    let d = format!(
        "M{} {} L{} {} L{} {} L{} {}",
        style::r(x + s),
        style::r(y0),
        style::r(x),
        style::r(y0),
        style::r(x),
        style::r(y1),
        style::r(x + s),
        style::r(y1)
    );
    Path::new()
        .set("d", d)
        .set("fill", "none")
        .set("stroke", style::INK)
        .set("stroke-width", 1.6)
}

/// Lays atoms left to right, centred on `mid`; returns the group, its width
/// and how far it reaches above and below `mid`.
fn formula(atoms: &[Atom], x: f64, mid: f64) -> (Group, f64, f64, f64) {
    let mut g = Group::new();
    let mut cx = x;
    let (mut up, mut down) = (12.0_f64, 8.0_f64);
    for a in atoms {
        match a {
            Atom::T(s) | Atom::M(s) => {
                let mut t = style::text(s.as_str(), cx, mid + 4.5, style::FONT_SIZE, "start");
                if matches!(a, Atom::M(_)) {
                    t = t.set("fill", style::MUTED);
                }
                g = g.add(t);
                cx += text_width(s, style::FONT_SIZE) + 6.0;
            }
            Atom::Gap(w) => cx += w,
            Atom::Mat(rows, caption, names) => {
                let names_w = names
                    .iter()
                    .map(|s| text_width(s, style::SMALL))
                    .fold(0.0, f64::max);
                if names_w > 0.0 {
                    cx += names_w + 6.0;
                }
                let (widths, w, h) = mat_size(rows);
                let spill = (text_width(caption, style::SMALL) + 6.0 - w).max(0.0) / 2.0;
                cx += spill;
                let (y0, y1) = (mid - h / 2.0, mid + h / 2.0);
                g = g
                    .add(bracket_path(cx, y0, y1, true))
                    .add(bracket_path(cx + w, y0, y1, false));
                for (r, row) in rows.iter().enumerate() {
                    let y = y0 + 4.0 + CELL_H * (r as f64 + 0.5) + 4.5;
                    let mut xx = cx + 10.0;
                    for (c, s) in row.iter().enumerate() {
                        let cw = widths.get(c).copied().unwrap_or(0.0);
                        g = g.add(style::text(s.as_str(), xx + cw, y, style::FONT_SIZE, "end"));
                        xx += cw + 14.0;
                    }
                    if let Some(n) = names.get(r) {
                        g = g.add(
                            style::text(n.as_str(), cx - 6.0, y - 0.5, style::SMALL, "end")
                                .set("fill", style::MUTED),
                        );
                    }
                }
                if !caption.is_empty() {
                    g = g.add(
                        style::text(
                            caption.as_str(),
                            cx + w / 2.0,
                            y1 + 15.0,
                            style::SMALL,
                            "middle",
                        )
                        .set("fill", style::MUTED),
                    );
                    down = down.max(h / 2.0 + 18.0);
                    cx += spill;
                }
                up = up.max(h / 2.0);
                down = down.max(h / 2.0);
                cx += w + 8.0;
            }
        }
    }
    (g, cx - x, up, down)
}

fn column(xs: &[Decimal]) -> Vec<Vec<String>> {
    xs.iter().map(|x| vec![style::dec(x)]).collect()
}

fn bold(s: impl Into<String>, x: f64, y: f64) -> svg::node::element::Text {
    style::text(s, x, y, style::FONT_SIZE, "start").set("font-weight", "bold")
}

fn line(s: impl Into<String>, x: f64, y: f64) -> svg::node::element::Text {
    style::text(s, x, y, style::FONT_SIZE, "start")
}

fn muted(s: impl Into<String>, x: f64, y: f64) -> svg::node::element::Text {
    style::text(s, x, y, style::FONT_SIZE, "start").set("fill", style::MUTED)
}

fn width_of(lines: &[String]) -> f64 {
    lines
        .iter()
        .map(|s| text_width(s, style::FONT_SIZE))
        .fold(0.0, f64::max)
}

/// "ReLU(1.22) = 1.22" or "ReLU(−0.1) = 0 — pair switched off, contributes 0".
fn relu_text(p: &ToyPair, what: &str) -> String {
    let base = format!(
        "ReLU({}) = {}",
        style::dec(&p.pre),
        style::dec(&p.activation)
    );
    if p.fires {
        base
    } else {
        format!("{base} — {what} switched off, contributes 0")
    }
}

/// "1·a + 0·b − 0.3·c (+ bias)": the key written with the input names.
fn symbolic(net: &ToyNet, p: &ToyPair) -> String {
    let mut terms: Vec<String> = p
        .key
        .iter()
        .zip(&net.inputs)
        .map(|(w, n)| format!("{}·{n}", style::dec(w)))
        .collect();
    if !p.bias.is_zero() {
        terms.push(style::dec(&p.bias));
    }
    join_terms(&terms)
}

// ---------------------------------------------------------------- bracket

/// Pair `pair` on one input in bracket notation: input · key (+ bias) =
/// pre-activation, ReLU, activation × value = what the pair adds; with the
/// symbolic line "activation = ReLU(1·a + 0·b + …)".
pub fn bracket(id: &str, net: &ToyNet, dec: &ToyDecomposition, pair: usize) -> Figure {
    let title = format!("{}: pair {} in brackets", net.title, pair + 1);
    let Some(p) = dec.pairs.get(pair) else {
        return missing(id, &title, net, pair);
    };
    let n = pair + 1;
    let sym = format!("activation of pair {n} = ReLU({})", symbolic(net, p));
    let mut atoms = vec![
        Atom::Mat(column(&dec.input), "input".into(), net.inputs.clone()),
        Atom::T("·".into()),
        Atom::Mat(column(&p.key), format!("key {n}"), Vec::new()),
    ];
    if !p.bias.is_zero() {
        let b = style::dec(&p.bias);
        let (op, mag) = match b.strip_prefix('\u{2212}') {
            Some(rest) => ("\u{2212}", rest.to_string()),
            None => ("+", b.clone()),
        };
        atoms.push(Atom::T(op.into()));
        atoms.push(Atom::T(mag));
        atoms.push(Atom::M("(bias)".into()));
    }
    atoms.extend([
        Atom::T(format!("= {}", style::dec(&p.pre))),
        Atom::Gap(10.0),
        Atom::M("→".into()),
        Atom::T(format!(
            "ReLU({}) = {}",
            style::dec(&p.pre),
            style::dec(&p.activation)
        )),
        Atom::Gap(10.0),
        Atom::M("→".into()),
        Atom::T(style::dec(&p.activation)),
        Atom::T("×".into()),
        Atom::Mat(column(&p.value), format!("value {n}"), Vec::new()),
        Atom::T("=".into()),
        Atom::Mat(column(&p.scaled), "adds to outputs".into(), Vec::new()),
    ]);
    let out_names: Vec<String> = net.outputs.clone();
    let (_, fw, up, down) = formula(&atoms, 0.0, 0.0);
    let names_w = out_names
        .iter()
        .map(|s| text_width(s, style::SMALL))
        .fold(0.0, f64::max);
    let mid = 56.0 + up;
    let (g, _, _, _) = formula(&atoms, MARGIN, mid);
    let mut doc_h = mid + down + 12.0;
    let status = if p.fires {
        format!(
            "pair {n} fires: it adds {} × its value to the outputs",
            style::dec(&p.activation)
        )
    } else {
        format!("pair {n} is switched off (ReLU of a negative number is 0): it adds nothing")
    };
    doc_h += LINE;
    let width = (MARGIN + fw + names_w + 12.0 + MARGIN)
        .max(text_width(&sym, style::FONT_SIZE) + 2.0 * MARGIN)
        .max(text_width(&status, style::FONT_SIZE) + 2.0 * MARGIN)
        .min(MAX_W);
    // Output names beside the last column.
    let mut names = Group::new();
    let h = p.scaled.len() as f64 * CELL_H + 8.0;
    for (o, name) in out_names.iter().enumerate() {
        let y = mid - h / 2.0 + 4.0 + CELL_H * (o as f64 + 0.5) + 4.0;
        names = names.add(
            style::text(name.as_str(), MARGIN + fw + 2.0, y, style::SMALL, "start")
                .set("fill", style::MUTED),
        );
    }
    let calc = key_calc(p, &dec.input);
    let desc = format!(
        "Pair {n} of {}: key {}, value {}. For the input {} it computes {} = {}, ReLU {} {}, and {}.",
        net_phrase(net),
        vec_text(&p.key),
        vec_text(&p.value),
        vec_text(&dec.input),
        calc.products_text(),
        style::dec(&p.pre),
        if p.fires { "keeps" } else { "turns it into" },
        style::dec(&p.activation),
        if p.fires {
            format!("adds {} to the outputs", vec_text(&p.scaled))
        } else {
            format!("the pair adds {} to the outputs", vec_text(&p.scaled))
        }
    );
    let doc = style::frame(width, doc_h + 6.0, &title, &desc)
        .add(bold(sym, MARGIN, 26.0))
        .add(g)
        .add(names)
        .add(
            line(status, MARGIN, doc_h - 6.0)
                .set("fill", if p.fires { style::INK } else { style::MUTED }),
        );
    style::figure(id, &title, desc, doc)
}

/// A figure saying the pair does not exist (never drawn by the catalog).
fn missing(id: &str, title: &str, net: &ToyNet, pair: usize) -> Figure {
    let desc = format!("{} has no pair {}.", net.title, pair + 1);
    let doc = style::frame(400.0, 40.0, title, &desc).add(line(desc.clone(), MARGIN, 24.0));
    style::figure(id, title, desc, doc)
}

// ---------------------------------------------------------------- single neuron

/// One neuron on one input: the diagram with the numbers flowing, then the
/// weighted sum with the input's numbers substituted, and ReLU.
pub fn single_neuron(id: &str, net: &ToyNet, dec: &ToyDecomposition) -> Figure {
    let title = format!("{}: worked", net.title);
    let Some(p) = dec.pairs.first() else {
        return missing(id, &title, net, 0);
    };
    let d = networks::diagram(net, Some(dec), None);
    let calc = key_calc(p, &dec.input);
    let mut lines: Vec<(String, bool)> = vec![
        ("weighted sum = weights · inputs + bias".to_string(), false),
        (format!("= {}", calc.products_text()), true),
    ];
    if calc.sum.terms.len() > 1 {
        lines.push((format!("= {}", calc.sum.terms_text()), true));
    }
    lines.push((format!("= {}", calc.sum.total), true));
    let plain_output = dec.logits.len() == 1
        && p.value.first() == Some(&Decimal::ONE)
        && net.b2.first().is_none_or(|b| b.is_zero());
    if plain_output {
        lines.push((
            format!("output = {}", relu_text(p, "the neuron is"))
                .replace(", contributes 0", ", the output is 0"),
            true,
        ));
    } else {
        lines.push((format!("neuron = {}", relu_text(p, "the neuron is")), true));
        for o in 0..dec.logits.len() {
            lines.push((
                format!(
                    "{} = {}",
                    net.outputs.get(o).cloned().unwrap_or_default(),
                    output_calc(net, dec, o).full_text()
                ),
                true,
            ));
        }
    }
    let texts: Vec<String> = lines.iter().map(|l| l.0.clone()).collect();
    let width = d
        .width
        .max(width_of(&texts) + 2.0 * MARGIN + 20.0)
        .min(MAX_W);
    let top = d.height + 8.0;
    let height = top + LINE * lines.len() as f64 + 10.0;
    let names: Vec<String> = net
        .inputs
        .iter()
        .zip(&dec.input)
        .map(|(n, x)| format!("{n} = {}", style::dec(x)))
        .collect();
    let desc = format!(
        "{} on the input {}: weights {}, bias {}. Weighted sum {} = {}; ReLU({}) = {}{}.",
        sentence_case(&net_phrase(net)),
        names.join(", "),
        vec_text(&p.key),
        style::dec(&p.bias),
        calc.products_text(),
        calc.sum.total,
        style::dec(&p.pre),
        style::dec(&p.activation),
        if p.fires {
            ""
        } else {
            ": the neuron is switched off"
        }
    );
    let mut doc = style::frame(width, height, &title, &desc).add(d.group);
    for (k, (s, indent)) in lines.iter().enumerate() {
        let x = MARGIN
            + if *indent && s.starts_with('=') {
                110.0
            } else {
                0.0
            };
        let y = top + LINE * (k as f64 + 0.7);
        doc = doc.add(if k == 0 {
            muted(s.as_str(), MARGIN, y)
        } else {
            line(s.as_str(), x, y)
        });
    }
    style::figure(id, &title, desc, doc)
}

fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------- layer by layer

/// The traditional solution: hidden = ReLU(W1 · x + b1) as matrices and row
/// by row, then outputs = W2 · hidden + b2.
pub fn layer_by_layer(id: &str, net: &ToyNet, dec: &ToyDecomposition) -> Figure {
    let title = format!("{}: layer by layer", net.title);
    let mut g = Group::new();
    let mut y = 26.0;
    let mut width: f64 = 0.0;
    let has_b1 = net.b1.iter().any(|b| !b.is_zero());
    let has_b2 = net.b2.iter().any(|b| !b.is_zero());

    g = g.add(bold(
        if has_b1 {
            "Layer 1: hidden = ReLU(W1 · x + b1)"
        } else {
            "Layer 1: hidden = ReLU(W1 · x)"
        },
        MARGIN,
        y,
    ));
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
    let (_, _, up, down) = formula(&atoms, 0.0, 0.0);
    let mid = y + 14.0 + up;
    let (fg, fw, _, _) = formula(&atoms, MARGIN, mid);
    g = g.add(fg);
    width = width.max(fw);
    y = mid + down + 10.0;
    let mut texts = Vec::new();
    for (i, p) in dec.pairs.iter().enumerate() {
        let c = key_calc(p, &dec.input);
        let s = format!(
            "hidden {}: {}, ReLU({}) = {}",
            i + 1,
            c.full_text(),
            style::dec(&p.pre),
            style::dec(&p.activation)
        );
        y += LINE;
        g = g.add(line(s.as_str(), MARGIN, y));
        texts.push(s);
    }
    y += LINE + 16.0;
    g = g.add(bold(
        if has_b2 {
            "Layer 2: outputs = W2 · hidden + b2"
        } else {
            "Layer 2: outputs = W2 · hidden"
        },
        MARGIN,
        y,
    ));
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
    let (_, _, up, down) = formula(&atoms, 0.0, 0.0);
    let mid = y + 14.0 + up;
    let (fg, fw, _, _) = formula(&atoms, MARGIN, mid);
    g = g.add(fg);
    width = width.max(fw);
    y = mid + down + 10.0;
    for o in 0..dec.logits.len() {
        let c = output_calc(net, dec, o);
        let s = format!(
            "{}: {}",
            net.outputs.get(o).cloned().unwrap_or_default(),
            c.full_text()
        );
        y += LINE;
        g = g.add(line(s.as_str(), MARGIN, y));
        texts.push(s);
    }
    let last = format!(
        "outputs {}{}",
        vec_text(&dec.logits),
        verdict(net, &dec.prediction, ": ")
    );
    y += LINE + 8.0;
    g = g.add(bold(last.as_str(), MARGIN, y));
    texts.push(last);
    let width = (width + 2.0 * MARGIN)
        .max(width_of(&texts) + 2.0 * MARGIN)
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
    let doc = style::frame(width, y + 16.0, &title, &desc).add(g);
    style::figure(id, &title, desc, doc)
}

// ---------------------------------------------------------------- pair by pair

/// The key-value solution: one panel per pair (its diagram, key · x, ReLU,
/// activation × value), then the contributions summed into the outputs and
/// checked against the layer-by-layer result.
pub fn pair_by_pair(id: &str, net: &ToyNet, dec: &ToyDecomposition) -> Figure {
    let title = format!("{}: pair by pair", net.title);
    struct Panel {
        diagram: networks::Diagram,
        lines: Vec<(String, bool)>,
        width: f64,
    }
    let panels: Vec<Panel> = dec
        .pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let c = key_calc(p, &dec.input);
            let kx = if c.has_bias {
                "key · x + bias"
            } else {
                "key · x"
            };
            let mut lines = vec![
                (
                    format!(
                        "pair {}: key {}, value {}",
                        i + 1,
                        vec_text(&p.key),
                        vec_text(&p.value)
                    ),
                    true,
                ),
                (format!("{kx} = {}", c.products_text()), false),
            ];
            if c.sum.terms.len() > 1 {
                lines.push((format!("= {} = {}", c.sum.terms_text(), c.sum.total), false));
            } else {
                lines.push((format!("= {}", c.sum.total), false));
            }
            lines.push((relu_text(p, "pair"), false));
            lines.push((
                format!(
                    "{} × {} = {}",
                    style::dec(&p.activation),
                    vec_text(&p.value),
                    vec_text(&p.scaled)
                ),
                false,
            ));
            let diagram = weight_views::pair_star(net, i, Some(dec));
            let texts: Vec<String> = lines.iter().map(|l| l.0.clone()).collect();
            let width = diagram.width.max(width_of(&texts) + 2.0 * MARGIN + 12.0);
            Panel {
                diagram,
                lines,
                width,
            }
        })
        .collect();
    let cell_w = panels.iter().map(|p| p.width).fold(0.0, f64::max);
    let gap = 24.0;
    let n = panels.len().max(1);
    let per_row = (((MAX_W + gap) / (cell_w + gap)).floor() as usize).clamp(1, n);
    let diag_h = panels.iter().map(|p| p.diagram.height).fold(0.0, f64::max);
    let cell_h = 10.0 + diag_h + LINE * 5.0 + 12.0;
    let rows = n.div_ceil(per_row);
    let mut doc_g = Group::new();
    for (k, p) in panels.into_iter().enumerate() {
        let (row, col) = (k / per_row, k % per_row);
        let x = col as f64 * (cell_w + gap);
        let y = row as f64 * cell_h;
        if col > 0 {
            doc_g = doc_g.add(
                svg::node::element::Line::new()
                    .set("x1", style::r(x - gap / 2.0))
                    .set("x2", style::r(x - gap / 2.0))
                    .set("y1", style::r(y + 10.0))
                    .set("y2", style::r(y + cell_h - 10.0))
                    .set("stroke", style::GRID)
                    .set("stroke-width", style::HAIRLINE),
            );
        }
        let (first, rest) = p
            .lines
            .split_first()
            .map_or((None, &[][..]), |(a, b)| (Some(a), b));
        if let Some((s, _)) = first {
            doc_g = doc_g.add(bold(s.as_str(), x + MARGIN, y + 22.0));
        }
        doc_g = doc_g.add(p.diagram.group.set(
            "transform",
            format!("translate({},{})", style::r(x), style::r(y + 24.0)),
        ));
        for (j, (s, _)) in rest.iter().enumerate() {
            let yy = y + 24.0 + diag_h + LINE * (j as f64 + 0.6);
            let xx = x + MARGIN + if s.starts_with('=') { 40.0 } else { 0.0 };
            let off = s.contains("switched off");
            doc_g = doc_g.add(
                line(s.as_str(), xx, yy).set("font-weight", if off { "bold" } else { "normal" }),
            );
        }
    }
    // The sum of the contributions.
    let mut y = rows as f64 * cell_h + 10.0;
    let has_b2 = net.b2.iter().any(|b| !b.is_zero());
    let head = if has_b2 {
        "outputs = b2 + the contributions of all pairs"
    } else {
        "outputs = the sum of the contributions of all pairs"
    };
    doc_g = doc_g.add(
        svg::node::element::Line::new()
            .set("x1", MARGIN)
            .set(
                "x2",
                style::r((per_row as f64 * (cell_w + gap) - gap - MARGIN).max(200.0)),
            )
            .set("y1", style::r(y - 12.0))
            .set("y2", style::r(y - 12.0))
            .set("stroke", style::GRID),
    );
    doc_g = doc_g.add(bold(head, MARGIN, y + 8.0));
    let mut texts = vec![head.to_string()];
    for o in 0..dec.logits_by_pairs.len() {
        let s = contributions_sum(net, dec, o);
        let t = format!(
            "{}: {} = {}",
            net.outputs.get(o).cloned().unwrap_or_default(),
            s.terms_text(),
            s.total
        );
        y += LINE;
        doc_g = doc_g.add(line(t.as_str(), MARGIN, y + 8.0));
        texts.push(t);
    }
    let same = dec.logits == dec.logits_by_pairs;
    let check = if same {
        format!(
            "= {}, the same as layer by layer ✓{}",
            vec_text(&dec.logits_by_pairs),
            verdict(net, &dec.prediction, " — ")
        )
    } else {
        format!(
            "= {}, but layer by layer gives {}",
            vec_text(&dec.logits_by_pairs),
            vec_text(&dec.logits)
        )
    };
    y += LINE;
    doc_g = doc_g.add(bold(check.as_str(), MARGIN, y + 8.0));
    texts.push(check);
    let width = (per_row as f64 * (cell_w + gap) - gap)
        .max(width_of(&texts) + 2.0 * MARGIN)
        .min(MAX_W);
    let contributions: Vec<String> = dec
        .pairs
        .iter()
        .map(|p| {
            format!(
                "pair {} (key · x = {}, ReLU {}) adds {}",
                p.index + 1,
                style::dec(&p.pre),
                style::dec(&p.activation),
                vec_text(&p.scaled)
            )
        })
        .collect();
    let desc = format!(
        "{} computed pair by pair on the input {}: {}. Together{} they make the outputs {}, the same as layer by layer{}.",
        sentence_case(&net_phrase(net)),
        vec_text(&dec.input),
        contributions.join("; "),
        if has_b2 {
            format!(" with the output biases {}", vec_text(&net.b2))
        } else {
            String::new()
        },
        vec_text(&dec.logits_by_pairs),
        verdict(net, &dec.prediction, "; ")
    );
    let doc = style::frame(width, y + 24.0, &title, &desc).add(doc_g);
    style::figure(id, &title, desc, doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::toy::{decompose, load_file};
    use std::path::Path;

    const NETS: [&str; 4] = ["slides", "exercise", "single-neuron", "threshold"];

    fn net(name: &str) -> ToyNet {
        load_file(Path::new(&format!("content/nets/{name}.toml"))).unwrap()
    }

    fn dec(n: &ToyNet, ex: &str) -> ToyDecomposition {
        decompose(n, n.example(ex).unwrap()).unwrap()
    }

    fn parse(s: &str) -> Decimal {
        let t = s
            .trim_start_matches('(')
            .trim_end_matches(')')
            .replace('\u{2212}', "-");
        t.parse()
            .unwrap_or_else(|e| panic!("`{s}` is not a decimal: {e}"))
    }

    fn check(s: &Shown) {
        let sum: Decimal = s.terms.iter().map(|t| parse(t)).sum();
        assert_eq!(sum, parse(&s.total), "{s:?}");
    }

    fn check_calc(c: &Calc) {
        check(&c.sum);
        for (k, (w, x)) in c.factors.iter().enumerate() {
            assert_eq!(parse(w) * parse(x), parse(&c.sum.terms[k]), "{c:?}");
        }
        assert_eq!(c.sum.terms.len(), c.factors.len() + usize::from(c.has_bias));
    }

    #[test]
    fn every_displayed_sum_adds_up_exactly() {
        for name in NETS {
            let n = net(name);
            for ex in n.examples.keys() {
                let d = dec(&n, ex);
                for p in &d.pairs {
                    let c = key_calc(p, &d.input);
                    check_calc(&c);
                    // The displayed factors are the input and the key.
                    for (k, (w, x)) in c.factors.iter().enumerate() {
                        assert_eq!(parse(w), p.key[k]);
                        assert_eq!(parse(x), d.input[k]);
                    }
                }
                for o in 0..d.logits.len() {
                    check_calc(&output_calc(&n, &d, o));
                    let s = contributions_sum(&n, &d, o);
                    check(&s);
                    assert_eq!(parse(&s.total), d.logits[o]);
                }
                // And the figures print exactly these strings.
                let svg = pair_by_pair("t", &n, &d).to_svg_string();
                for o in 0..d.logits.len() {
                    let s = contributions_sum(&n, &d, o);
                    assert!(
                        svg.contains(&format!("{} = {}", s.terms_text(), s.total)),
                        "{name} {ex}"
                    );
                }
                let svg = layer_by_layer("t", &n, &d).to_svg_string();
                for p in &d.pairs {
                    assert!(
                        svg.contains(&key_calc(p, &d.input).full_text()),
                        "{name} {ex}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_worked_numbers_are_the_inputs_numbers() {
        let n = net("single-neuron");
        let d = dec(&n, "second");
        let f = single_neuron("t", &n, &d);
        let s = f.to_svg_string();
        // The input 20 is substituted as 20 (the hand-made slide wrote 5).
        assert!(s.contains("= 0.5 × 0.1 + (−0.1) × 20 + 1.3"), "{s}");
        assert!(s.contains("= 0.05 − 2 + 1.3"));
        assert!(s.contains("= −0.65"));
        assert!(s.contains("ReLU(−0.65) = 0 — the neuron is switched off"));
        assert!(
            f.description.contains("top input = 0.1, bottom input = 20"),
            "{}",
            f.description
        );
        let d = dec(&n, "first");
        let f = single_neuron("t", &n, &d);
        assert!(f.to_svg_string().contains("output = ReLU(2.15) = 2.15"));
        assert!(f.description.contains("= 2.15"));
    }

    #[test]
    fn the_exercise_reads_like_the_solutions() {
        let n = net("exercise");
        let d = dec(&n, "a");
        let s = layer_by_layer("t", &n, &d).to_svg_string();
        assert!(
            s.contains(
                "hidden 1: 0.6 × 1.5 + (−0.4) × (−0.8) = 0.9 + 0.32 = 1.22, ReLU(1.22) = 1.22"
            ),
            "{s}"
        );
        assert!(s.contains("hidden 2: 1.2 × 1.5 + 0.9 × (−0.8) = 1.8 − 0.72 = 1.08"));
        assert!(s.contains("output: 2 × 1.22 + (−1.5) × 1.08 = 2.44 − 1.62 = 0.82"));
        let f = pair_by_pair("t", &n, &d);
        let s = f.to_svg_string();
        // The second key is (1.2, 0.9): the hand-made solution wrote 0.4.
        assert!(s.contains("pair 2: key (1.2, 0.9), value (−1.5)"));
        assert!(s.contains("1.08 × (−1.5) = (−1.62)"));
        assert!(s.contains("output: 2.44 − 1.62 = 0.82"));
        assert!(s.contains("the same as layer by layer ✓"));
        assert!(
            f.description
                .contains("pair 1 (key · x = 1.22, ReLU 1.22) adds (2.44)"),
            "{}",
            f.description
        );
        let d = dec(&n, "b");
        let s = pair_by_pair("t", &n, &d).to_svg_string();
        assert!(
            s.contains("ReLU(−0.1) = 0 — pair switched off, contributes 0"),
            "{s}"
        );
        let f = bracket("t", &n, &d, 0);
        assert!(
            f.description.contains("ReLU turns it into 0"),
            "{}",
            f.description
        );
        assert!(
            f.to_svg_string()
                .contains("activation of pair 1 = ReLU(0.6·input 1 − 0.4·input 2)")
        );
    }

    #[test]
    fn every_figure_is_sound_and_deterministic() {
        for name in NETS {
            let n = net(name);
            for ex in n.examples.keys() {
                let d = dec(&n, ex);
                let mut figs = vec![
                    layer_by_layer("t-lbl", &n, &d),
                    pair_by_pair("t-pbp", &n, &d),
                ];
                if n.hidden() == 1 && n.outputs.len() == 1 {
                    figs.push(single_neuron("t-single", &n, &d));
                }
                for i in 0..n.hidden() {
                    figs.push(bracket("t-bracket", &n, &d, i));
                }
                for f in &figs {
                    assert_sound(f);
                    assert!(
                        f.description.contains(&vec_text(&d.input)) || f.id == "t-single",
                        "{}: {}",
                        f.id,
                        f.description
                    );
                }
                assert_eq!(
                    pair_by_pair("t", &n, &d).to_svg_string(),
                    pair_by_pair("t", &n, &d).to_svg_string()
                );
                assert_eq!(
                    layer_by_layer("t", &n, &d).to_svg_string(),
                    layer_by_layer("t", &n, &d).to_svg_string()
                );
                assert_eq!(
                    bracket("t", &n, &d, 0).to_svg_string(),
                    bracket("t", &n, &d, 0).to_svg_string()
                );
            }
        }
        let s = net("slides");
        let d = dec(&s, "x2");
        let f = bracket("b", &s, &d, 1);
        assert!(
            f.description.contains("Pair 2 of the 2×2-image network from the slides: key (0, 0, 0, 1), value (0.5, 0.5). For the input (1, 0, 1, 1) it computes"),
            "{}",
            f.description
        );
        assert!(f.to_svg_string().contains("<path"), "real brackets");
    }

    #[test]
    fn snapshots() {
        let n = net("exercise");
        let d = dec(&n, "b");
        insta::assert_snapshot!(
            "bracket_exercise_b_pair1",
            bracket("net-exercise-b-bracket-1", &n, &d, 0).to_svg_string()
        );
        let d = dec(&n, "a");
        insta::assert_snapshot!(
            "layer_by_layer_exercise_a",
            layer_by_layer("net-exercise-a-layer-by-layer", &n, &d).to_svg_string()
        );
        insta::assert_snapshot!(
            "pair_by_pair_exercise_a",
            pair_by_pair("net-exercise-a-pair-by-pair", &n, &d).to_svg_string()
        );
        let s = net("single-neuron");
        let d = dec(&s, "second");
        insta::assert_snapshot!(
            "single_neuron_second",
            single_neuron("net-single-neuron-second-single-neuron", &s, &d).to_svg_string()
        );
    }
}
