//! Type 3 (`pair-by-pair`): the same toy net worked pair by pair, each
//! pair's match, activation and scaled value, then their sum; and the
//! steps of one pair, which `toy-image` shares.

use super::drawing::{net_given_html, worked_figures};
use super::given::Given;
use super::slips::slips;
use super::words::{final_label, input_words, label_prefix, outputs_answer};
use crate::kv::toy::{ToyDecomposition, ToyNet, ToyPair};
use crate::markdown::escape_attr;
use crate::sheets::key::{Expr, Key, n, vector};
use crate::sheets::{AnswerBox, Instance, Part};
use rust_decimal::Decimal;

/// One pair's steps on input `x`: its match, its activation, and
/// activation × value for each output.
pub(super) fn pair_steps(
    key: &mut Key,
    net: &ToyNet,
    p: &ToyPair,
    x: &[Decimal],
    pre: &str,
) -> Result<(Decimal, Decimal, Vec<Decimal>), String> {
    let i = p.index + 1;
    let z = key.step(
        if p.bias.is_zero() {
            format!("{pre}pair {i}: match, key · input (no bias)")
        } else {
            format!("{pre}pair {i}: match, key · input + bias")
        },
        Expr::Dot {
            terms: p.key.iter().copied().zip(x.iter().copied()).collect(),
            plus: (!p.bias.is_zero()).then_some(p.bias),
        },
    )?;
    let a = key.step(format!("{pre}pair {i}: activation"), Expr::Relu(z))?;
    let mut scaled = Vec::new();
    for (o, v) in p.value.iter().enumerate() {
        let label = if net.outputs.len() > 1 {
            format!("{pre}pair {i}: activation × value, {}", net.outputs[o])
        } else {
            format!("{pre}pair {i}: activation × value")
        };
        scaled.push(key.step(label, Expr::Mul(a, *v))?);
    }
    Ok((z, a, scaled))
}

/// Each output as b2 plus every pair's scaled value.
pub(super) fn output_sums(
    key: &mut Key,
    net: &ToyNet,
    scaled: &[Vec<Decimal>],
    pre: &str,
) -> Result<Vec<Decimal>, String> {
    let mut outs = Vec::new();
    for (o, b2) in net.b2.iter().enumerate() {
        let mut terms: Vec<Decimal> = scaled.iter().map(|s| s[o]).collect();
        if !b2.is_zero() {
            terms.insert(0, *b2);
        }
        outs.push(key.step(format!("{pre}sum for {}", net.outputs[o]), Expr::Sum(terms))?);
    }
    Ok(outs)
}

/// Type 3: the same net pair by pair.
pub(super) fn instance(
    given: &Given,
    decs: &[ToyDecomposition],
    number: usize,
    layers_twin: Option<usize>,
) -> Result<Instance, String> {
    let net = &given.net;
    let mut key = Key::default();
    let mut parts = Vec::new();
    let mut expected = Vec::new();
    for ((name, x), dec) in given.inputs.iter().zip(decs) {
        let pre = label_prefix(given, name);
        let mut scaled_all = Vec::new();
        for p in &dec.pairs {
            let (z, a, scaled) = pair_steps(&mut key, net, p, x, &pre)?;
            let intro = if p.index == 0 {
                format!(
                    "Input <em>{}</em> ({}). ",
                    escape_attr(name),
                    input_words(net, x)
                )
            } else {
                String::new()
            };
            parts.push(Part {
                text: format!("{intro}Pair {}:", p.index + 1),
                boxes: vec![
                    AnswerBox::wide("key", vector(&p.key)),
                    AnswerBox::new("match", n(&z)),
                    AnswerBox::new("activation", n(&a)),
                    AnswerBox::new("value", vector(&p.value)),
                    AnswerBox::new("activation × value", vector(&scaled)),
                ],
            });
            scaled_all.push(scaled);
        }
        let outs = output_sums(&mut key, net, &scaled_all, &pre)?;
        parts.push(Part {
            text: "Add up the pairs' contributions:".to_string(),
            boxes: vec![AnswerBox::new(
                if net.outputs.len() == 1 {
                    "output"
                } else {
                    "outputs"
                },
                outputs_answer(net, &outs),
            )],
        });
        let label = final_label(given, name);
        key.fin(label.clone(), outputs_answer(net, &outs));
        expected.push((label, outputs_answer(net, &dec.logits)));
    }
    if let Some(twin) = layers_twin {
        key.notes.push(format!(
            "Exercise {twin} computed the same network layer by layer and reached the same output: kvlens checked that both ways agree exactly."
        ));
    }
    slips(given, decs, &mut key, |out| outputs_answer(net, out));
    Ok(Instance {
        given_html: net_given_html(given, number),
        parts,
        key,
        expected,
        key_figures: worked_figures(given, decs, number, "pairs"),
        ..Default::default()
    })
}
