//! Type 2 (`layer-by-layer`): a toy net worked layer by layer, each hidden
//! neuron's weighted sum and ReLU, then each output.

use super::drawing::{net_given_html, worked_figures};
use super::given::Given;
use super::slips::slips;
use super::words::{final_label, input_words, label_prefix, outputs_answer};
use crate::kv::toy::ToyDecomposition;
use crate::markdown::escape_attr;
use crate::sheets::key::{Expr, Key, n};
use crate::sheets::{AnswerBox, Instance, Part};

/// Type 2: the net layer by layer.
pub(super) fn instance(
    given: &Given,
    decs: &[ToyDecomposition],
    number: usize,
) -> Result<Instance, String> {
    let net = &given.net;
    let mut key = Key::default();
    let mut parts = Vec::new();
    let mut expected = Vec::new();
    for ((name, x), dec) in given.inputs.iter().zip(decs) {
        let pre = label_prefix(given, name);
        let mut boxes = Vec::new();
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
            boxes.push(AnswerBox::new(format!("hidden {} sum", i + 1), n(&z)));
            boxes.push(AnswerBox::new("after ReLU", n(&a)));
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
            boxes.push(AnswerBox::new(net.outputs[o].clone(), n(&y)));
            outs.push(y);
        }
        let label = final_label(given, name);
        key.fin(label.clone(), outputs_answer(net, &outs));
        expected.push((label, outputs_answer(net, &dec.logits)));
        parts.push(Part {
            text: format!(
                "Input <em>{}</em> ({}):",
                escape_attr(name),
                input_words(net, x)
            ),
            boxes,
        });
    }
    slips(given, decs, &mut key, |out| outputs_answer(net, out));
    Ok(Instance {
        given_html: net_given_html(given, number),
        parts,
        key,
        expected,
        key_figures: worked_figures(given, decs, number, "layers"),
        ..Default::default()
    })
}
