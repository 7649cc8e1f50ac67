//! Type 2 (`layer-by-layer`): a toy net worked layer by layer, each hidden
//! neuron's weighted sum and ReLU, then each output.

use super::drawing::{net_given_html, worked_figures};
use super::given::Given;
use super::slips::{Trace, right_traces, slips};
use super::stretch::{input_where, point};
use super::words::{final_label, input_words, label_prefix, outputs_answer, same_number};
use crate::kv::toy::ToyDecomposition;
use crate::markdown::escape_attr;
use crate::sheets::key::{Expr, Key, n};
use crate::sheets::{AnswerBox, Instance, Part};
use rust_decimal::Decimal;

/// Type 2: the net layer by layer.
pub(super) fn instance(
    given: &Given,
    decs: &[ToyDecomposition],
    number: usize,
) -> Result<Instance, String> {
    let net = &given.net;
    let mut key = Key::default();
    let mut expected = Vec::new();
    for ((name, x), dec) in given.inputs.iter().zip(decs) {
        let pre = label_prefix(given, name);
        let mut h = Vec::new();
        for (i, (row, b)) in net.w1.iter().zip(&net.b1).enumerate() {
            let z = key.step(
                format!("{pre}hidden {}: weighted sum", i + 1),
                Expr::Dot {
                    terms: row.iter().copied().zip(x.iter().copied()).collect(),
                    plus: (!b.is_zero()).then_some(*b),
                },
            )?;
            let a = key.step(format!("{pre}hidden {}: ReLU", i + 1), Expr::Relu(z))?;
            h.push(a);
        }
        let mut outs = Vec::new();
        for (o, (row, b)) in net.w2.iter().zip(&net.b2).enumerate() {
            let y = key.step(
                format!("{pre}{}", net.outputs[o]),
                Expr::Dot {
                    terms: row.iter().copied().zip(h.iter().copied()).collect(),
                    plus: (!b.is_zero()).then_some(*b),
                },
            )?;
            outs.push(y);
        }
        let label = final_label(given, name);
        key.fin(label.clone(), outputs_answer(net, &outs));
        expected.push((label, outputs_answer(net, &dec.logits)));
    }
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
        given_html: net_given_html(given, number),
        parts,
        key,
        expected,
        key_figures: worked_figures(given, decs, number, "layers"),
        ..Default::default()
    })
}

/// The boxes as a learner who computed `traces` fills them: per hidden
/// neuron its weighted sum and its activation, then the outputs (worth 2:
/// the point of the exercise).
fn parts(given: &Given, traces: &[Trace]) -> Vec<Part> {
    let net = &given.net;
    let has_b1 = net.b1.iter().any(|b| !b.is_zero());
    let mut parts = Vec::new();
    for ((name, x), t) in given.inputs.iter().zip(traces) {
        let mut boxes = Vec::new();
        for i in 0..net.hidden() {
            let (z, a) = (n(&t.z[i]), n(&t.a[i]));
            let sum = if has_b1 { "w·x + bias" } else { "w·x" };
            boxes.push(
                AnswerBox::new(format!("hidden {}: {sum}", i + 1), &z).accepting(same_number(&z)),
            );
            boxes.push(
                AnswerBox::new(format!("hidden {}: after ReLU", i + 1), &a)
                    .accepting(same_number(&a)),
            );
        }
        for (o, y) in t.y.iter().enumerate() {
            let y = n(y);
            boxes.push(
                AnswerBox::new(net.outputs[o].clone(), &y)
                    .accepting(same_number(&y))
                    .worth(2),
            );
        }
        parts.push(Part {
            text: format!(
                "Input <em>{}</em> ({}):",
                escape_attr(name),
                input_words(net, x)
            ),
            boxes,
        });
    }
    parts
}

/// The stretch: which weights a small nudge leaves without effect on the
/// (first) input, and an input on which the answer differs.
fn stretch(given: &Given, rights: &[Trace]) -> Vec<String> {
    let (Some((name, _)), Some(t)) = (given.inputs.first(), rights.first()) else {
        return Vec::new();
    };
    let net = &given.net;
    let on: Vec<bool> = t.z.iter().map(|z| *z > Decimal::ZERO).collect();
    let off: Vec<usize> = (0..on.len()).filter(|&i| !on[i]).collect();
    let mut out = Vec::new();
    let k = net.inputs.len() + net.outputs.len();
    let names = |set: &[usize]| {
        set.iter()
            .map(|i| format!("hidden {}", i + 1))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    if off.is_empty() {
        out.push(format!(
            "None: on input {name} every hidden neuron fires ({}), so every weight changes the output.",
            (0..on.len())
                .map(|i| format!("hidden {} sums to {}", i + 1, n(&t.z[i])))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    } else {
        out.push(format!(
            "On input {name}, ReLU switches {} off ({}): a small nudge to any of {} {k} weights ({} into it and {} out of it) leaves it at 0 and the output unchanged. Every other weight changes the output.",
            names(&off),
            off.iter().map(|&i| format!("sum {}, below 0", n(&t.z[i]))).collect::<Vec<_>>().join("; "),
            if off.len() == 1 { "its" } else { "their" },
            net.inputs.len(),
            net.outputs.len(),
        ));
    }
    // Another input on which a different set of neurons is switched off:
    // one neuron changed first, then any other set.
    let h = on.len();
    let mut wanted: Vec<Vec<bool>> = (0..h)
        .map(|i| {
            let mut w = on.clone();
            w[i] = !w[i];
            w
        })
        .collect();
    for code in 0..(1u32 << h.min(8)) {
        let w: Vec<bool> = (0..h).map(|i| code >> i & 1 == 1).collect();
        if w != on && !wanted.contains(&w) {
            wanted.push(w);
        }
    }
    if let Some((x, z)) = wanted.iter().find_map(|w| input_where(net, w)) {
        let off_x: Vec<usize> = (0..h).filter(|&i| z[i] <= Decimal::ZERO).collect();
        let sums = z
            .iter()
            .enumerate()
            .map(|(i, z)| format!("hidden {} sums to {}", i + 1, n(z)))
            .collect::<Vec<_>>()
            .join(", ");
        let free = if off_x.is_empty() {
            "every hidden neuron fires, so every weight matters there".to_string()
        } else {
            format!(
                "there the weights of {} can be nudged freely instead",
                names(&off_x)
            )
        };
        out.push(format!(
            "Not for every input: on the input {} ({sums}) {free}.",
            point(&x)
        ));
    }
    out
}
