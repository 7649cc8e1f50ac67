//! Type 3 (`pair-by-pair`): the same toy net worked pair by pair, each
//! pair's match, activation and scaled value, then their sum; and the
//! steps of one pair, which `toy-image` shares.

use super::drawing::{net_given_html, worked_figures};
use super::given::Given;
use super::slips::{Trace, right_traces, slips};
use super::stretch::{input_where, point};
use super::words::{
    final_label, input_words, label_prefix, outputs_answer, same_number, same_numbers,
};
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

/// Type 3: the same net pair by pair. After its `layers_twin` the sheet
/// does not print the net again: it points to that exercise.
pub(super) fn instance(
    given: &Given,
    decs: &[ToyDecomposition],
    number: usize,
    layers_twin: Option<usize>,
) -> Result<Instance, String> {
    let net = &given.net;
    let mut key = Key::default();
    let mut expected = Vec::new();
    for ((name, x), dec) in given.inputs.iter().zip(decs) {
        let pre = label_prefix(given, name);
        let mut scaled_all = Vec::new();
        for p in &dec.pairs {
            let (_, _, scaled) = pair_steps(&mut key, net, p, x, &pre)?;
            scaled_all.push(scaled);
        }
        let outs = output_sums(&mut key, net, &scaled_all, &pre)?;
        let label = final_label(given, name);
        key.fin(label.clone(), outputs_answer(net, &outs));
        expected.push((label, outputs_answer(net, &dec.logits)));
    }
    let given_html = match layers_twin {
        Some(twin) => {
            key.notes.push(format!(
                "Exercise {twin} computed the same network layer by layer and reached the same output: kvlens checked that both ways agree exactly."
            ));
            format!(
                "<p class=\"given-note\">Same network and input as exercise {twin}: use its diagram and its tables of keys and values.</p>"
            )
        }
        None => net_given_html(given, number),
    };
    let logits: Vec<Vec<_>> = decs.iter().map(|d| d.logits.clone()).collect();
    let rights = right_traces(given, &logits)?;
    let parts_of = |traces: &[Trace]| parts(given, traces);
    let parts = parts_of(&rights);
    slips(given, &mut key, parts_of, |out| {
        format!(
            "{} {}",
            if out.len() == 1 { "output" } else { "outputs" },
            outputs_answer(net, out)
        )
    });
    key.stretch = stretch(given, &rights);
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        key_figures: worked_figures(given, decs, number, "pairs"),
        ..Default::default()
    })
}

/// The boxes as a learner who computed `traces` fills them: per pair its
/// key, match, activation, value and activation × value; then the sum
/// (worth 2: the point of the exercise).
fn parts(given: &Given, traces: &[Trace]) -> Vec<Part> {
    let net = &given.net;
    let has_b1 = net.b1.iter().any(|b| !b.is_zero());
    let mut parts = Vec::new();
    for ((name, x), t) in given.inputs.iter().zip(traces) {
        for i in 0..t.keys.len() {
            let intro = if i == 0 {
                format!(
                    "Input <em>{}</em> ({}). ",
                    escape_attr(name),
                    input_words(net, x)
                )
            } else {
                String::new()
            };
            let (k, z, a, v) = (
                vector(&t.keys[i]),
                n(&t.z[i]),
                n(&t.a[i]),
                vector(&t.values[i]),
            );
            let sv = vector(&t.scaled(i));
            parts.push(Part {
                text: format!("{intro}Pair {}:", i + 1),
                boxes: vec![
                    AnswerBox::wide("key", &k).accepting(same_numbers(&k)),
                    AnswerBox::new(
                        if has_b1 {
                            "match (key · input + bias)"
                        } else {
                            "match (key · input)"
                        },
                        &z,
                    )
                    .accepting(same_number(&z)),
                    AnswerBox::new("activation", &a).accepting(same_number(&a)),
                    AnswerBox::new("value", &v).accepting(same_numbers(&v)),
                    AnswerBox::new("activation × value", &sv).accepting(same_numbers(&sv)),
                ],
            });
        }
        let y = outputs_answer(net, &t.y);
        parts.push(Part {
            text: "Add up the pairs' contributions:".to_string(),
            boxes: vec![
                AnswerBox::new(
                    if net.outputs.len() == 1 {
                        "output"
                    } else {
                        "outputs"
                    },
                    &y,
                )
                .accepting(format!(
                    "{}; it must equal the layer-by-layer result",
                    same_numbers(&y)
                ))
                .worth(2),
            ],
        });
    }
    parts
}

/// The stretch: which pair pushes the (first) output up and which pulls it
/// down on the (first) input, and an input on which only one pair fires.
fn stretch(given: &Given, rights: &[Trace]) -> Vec<String> {
    let (Some((name, _)), Some(t)) = (given.inputs.first(), rights.first()) else {
        return Vec::new();
    };
    let net = &given.net;
    let mut out = Vec::new();
    let roles: Vec<String> = (0..t.keys.len())
        .map(|i| {
            let v = t.values[i][0];
            let sv = t.scaled(i)[0];
            if t.a[i].is_zero() {
                format!(
                    "pair {} is switched off (match {}) and adds 0; its value {} would {} the output where it fires",
                    i + 1,
                    n(&t.z[i]),
                    n(&v),
                    if v > Decimal::ZERO { "push up" } else { "pull down" }
                )
            } else {
                format!(
                    "pair {} adds {} × {} = {}, so it {} the output",
                    i + 1,
                    n(&t.a[i]),
                    crate::sheets::key::factor(&v),
                    n(&sv),
                    if sv > Decimal::ZERO { "pushes up" } else if sv < Decimal::ZERO { "pulls down" } else { "does not move" }
                )
            }
        })
        .collect();
    out.push(format!(
        "On input {name}{}: {}.",
        if net.outputs.len() > 1 {
            format!(" (for {})", net.outputs[0])
        } else {
            String::new()
        },
        roles.join("; ")
    ));
    for i in 0..t.keys.len() {
        let mut on = vec![false; t.keys.len()];
        on[i] = true;
        let Some((x, z)) = input_where(net, &on) else {
            continue;
        };
        let Some(tx) = super::slips::right(net, &x) else {
            continue;
        };
        out.push(format!(
            "On the input {} only pair {} fires (match {}; the other match{} {}), so the output is that pair's activation times its value, nothing else: {} × {} = {}.",
            point(&x),
            i + 1,
            n(&z[i]),
            if z.len() > 2 { "es are" } else { " is" },
            z.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, z)| n(z)).collect::<Vec<_>>().join(", "),
            n(&tx.a[i]),
            if tx.values[i].len() == 1 { crate::sheets::key::factor(&tx.values[i][0]) } else { vector(&tx.values[i]) },
            outputs_answer(net, &tx.y)
        ));
    }
    out
}
