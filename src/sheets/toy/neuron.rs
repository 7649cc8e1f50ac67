//! Type 1 (`neuron`): a single neuron with a bias and ReLU, on each input.

use super::drawing::{figure_html, inputs_table, worked_figures};
use super::given::Given;
use super::slips::slips;
use super::words::input_words;
use crate::kv::toy::ToyDecomposition;
use crate::markdown::escape_attr;
use crate::sheets::key::{Expr, Key, n};
use crate::sheets::{AnswerBox, Instance, Part};

/// Type 1: a single neuron with a bias and ReLU, on each input.
pub(super) fn instance(
    given: &Given,
    decs: &[ToyDecomposition],
    number: usize,
) -> Result<Instance, String> {
    let net = &given.net;
    let mut key = Key::default();
    let mut parts = Vec::new();
    let (w, b) = (&net.w1[0], net.b1[0]);
    let fig = crate::figures::networks::network(&format!("ex{number}-net"), net, None, None);
    let mut given_html = figure_html(
        &fig,
        &format!(
            "The neuron: weights {} and bias {}.",
            w.iter().map(n).collect::<Vec<_>>().join(" and "),
            n(&b)
        ),
    );
    given_html.push('\n');
    given_html.push_str(&inputs_table(given));
    let mut expected = Vec::new();
    for ((name, x), dec) in given.inputs.iter().zip(decs) {
        let s = key.step(
            format!("{name}: weighted sum"),
            Expr::Dot {
                terms: w.iter().copied().zip(x.iter().copied()).collect(),
                plus: None,
            },
        )?;
        let z = key.step(format!("{name}: plus the bias"), Expr::Sum(vec![s, b]))?;
        let y = key.step(format!("{name}: ReLU"), Expr::Relu(z))?;
        key.fin(name.clone(), n(&y));
        expected.push((name.clone(), n(&dec.logits[0])));
        parts.push(Part {
            text: format!(
                "Input <em>{}</em> ({}):",
                escape_attr(name),
                input_words(net, x)
            ),
            boxes: vec![
                AnswerBox::new("weighted sum", n(&s)),
                AnswerBox::new("plus bias", n(&z)),
                AnswerBox::new("output", n(&y)),
            ],
        });
    }
    slips(given, decs, &mut key, |out| n(&out[0]));
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        key_figures: worked_figures(given, decs, number, "single"),
        ..Default::default()
    })
}
