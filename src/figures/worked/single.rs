//! One neuron on one input: its diagram with the numbers flowing, then the
//! weighted sum with the input's numbers substituted, and ReLU.

use super::bracket::missing;
use super::formula::{line, muted, relu_text, sentence_case, width_of};
use super::sums::{key_calc, output_calc};
use super::{LINE, MARGIN, MAX_W};
use crate::figures::toykit::{net_phrase, vec_text};
use crate::figures::{Figure, networks, style};
use crate::kv::toy::{ToyDecomposition, ToyNet};
use rust_decimal::Decimal;

/// One neuron on one input: the diagram with the numbers flowing, then the
/// weighted sum with the input's numbers substituted, and ReLU.
pub(crate) fn single_neuron(id: &str, net: &ToyNet, dec: &ToyDecomposition) -> Figure {
    let title = format!("{}: worked", net.title);
    let Some(p) = dec.pairs.first() else {
        return missing(id, &title, net, 0);
    };
    let d = networks::diagram(net, Some(dec), true, None);
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
    style::figure(
        id,
        &title,
        desc,
        doc,
        crate::figures::data::toy_net(net, Some(dec), None),
    )
}

/// The slide variant: the slide diagram with the numbers flowing, then the
/// weighted sum and ReLU as lines at [`style::SLIDE_TEXT`].
pub(crate) fn single_neuron_slide(id: &str, net: &ToyNet, dec: &ToyDecomposition) -> Figure {
    let screen = single_neuron(id, net, dec);
    let Some(p) = dec.pairs.first() else {
        return screen;
    };
    let d = networks::worked_diagram(net, dec);
    let calc = key_calc(p, &dec.input);
    let mut lines: Vec<(String, bool)> =
        vec![(format!("weighted sum = {}", calc.full_text()), false)];
    let relu = format!(
        "ReLU({}) = {}{}",
        style::dec(&p.pre),
        style::dec(&p.activation),
        if p.fires { "" } else { ": switched off" }
    );
    let plain_output = dec.logits.len() == 1
        && p.value.first() == Some(&Decimal::ONE)
        && net.b2.first().is_none_or(|b| b.is_zero());
    if plain_output {
        lines.push((format!("output = {relu}"), true));
    } else {
        lines.push((format!("neuron = {relu}"), false));
        for o in 0..dec.logits.len() {
            let c = output_calc(net, dec, o);
            lines.push((
                format!(
                    "{} = {} = {}",
                    net.outputs.get(o).cloned().unwrap_or_default(),
                    c.products_text(),
                    c.sum.total
                ),
                true,
            ));
        }
    }
    let size = style::SLIDE_TEXT;
    let g = svg::node::element::Group::new().add(d.group);
    let (g, y, width) = super::slide_lines(g, &lines, d.height + size);
    let doc = style::frame(
        width.max(d.width),
        y - size * 0.6,
        &screen.title,
        &screen.description,
    )
    .add(g);
    style::figure(id, &screen.title, screen.description, doc, screen.data)
}
