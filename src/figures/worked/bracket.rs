//! One pair on one input in bracket notation: input · key (+ bias) =
//! pre-activation, ReLU, activation × value = what the pair adds, under the
//! symbolic line "activation = ReLU(1·a + 0·b + …)".

use super::formula::{Atom, CELL_H, bold, column, formula, line, symbolic};
use super::sums::key_calc;
use super::{LINE, MARGIN, MAX_W};
use crate::figures::toykit::{net_phrase, text_width, vec_text};
use crate::figures::{Figure, style};
use crate::kv::toy::{ToyDecomposition, ToyNet};
use svg::node::element::Group;

/// Pair `pair` on one input in bracket notation: input · key (+ bias) =
/// pre-activation, ReLU, activation × value = what the pair adds; with the
/// symbolic line "activation = ReLU(1·a + 0·b + …)".
pub(crate) fn bracket(id: &str, net: &ToyNet, dec: &ToyDecomposition, pair: usize) -> Figure {
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
    style::figure(
        id,
        &title,
        desc,
        doc,
        crate::figures::data::toy_net(net, Some(dec), Some(pair)),
    )
}

/// A figure saying the pair does not exist (never drawn by the catalog).
pub(super) fn missing(id: &str, title: &str, net: &ToyNet, pair: usize) -> Figure {
    let desc = format!("{} has no pair {}.", net.title, pair + 1);
    let doc = style::frame(400.0, 40.0, title, &desc).add(line(desc.clone(), MARGIN, 24.0));
    style::figure(
        id,
        title,
        desc,
        doc,
        crate::figures::data::toy_net(net, None, Some(pair)),
    )
}
