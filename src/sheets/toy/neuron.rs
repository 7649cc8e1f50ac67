//! Type 1 (`neuron`): a single neuron with a bias and ReLU, on each input:
//! w·x, w·x + bias and the output per input, which input it fires on, and
//! the line it draws in its input plane (the stretch).

use super::drawing::{figure_html, inputs_table, worked_figures};
use super::given::Given;
use super::slips::{Trace, right_traces, slips};
use super::stretch::neuron_line;
use super::words::{fires_on, input_words, same_number};
use crate::kv::toy::ToyDecomposition;
use crate::markdown::escape_attr;
use crate::sheets::key::{Expr, Key, n};
use crate::sheets::{AnswerBox, Instance, Part};
use rust_decimal::Decimal;

/// Type 1: a single neuron with a bias and ReLU, on each input.
pub(super) fn instance(
    given: &Given,
    decs: &[ToyDecomposition],
    number: usize,
) -> Result<Instance, String> {
    let net = &given.net;
    let mut key = Key::default();
    let (w, b) = (&net.w1[0], net.b1[0]);
    let fig = crate::figures::networks::network_slide(&format!("ex{number}-net"), net, None, None);
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
            format!("{name}: w·x (no bias)"),
            Expr::Dot {
                terms: w.iter().copied().zip(x.iter().copied()).collect(),
                plus: None,
            },
        )?;
        let z = key.step(format!("{name}: w·x + bias"), Expr::Sum(vec![s, b]))?;
        let y = key.step(format!("{name}: ReLU → output"), Expr::Relu(z))?;
        key.fin(name.clone(), n(&y));
        expected.push((name.clone(), n(&dec.logits[0])));
    }
    let logits: Vec<Vec<_>> = decs.iter().map(|d| d.logits.clone()).collect();
    let rights = right_traces(given, &logits)?;
    let parts_of = |traces: &[Trace]| parts(given, traces);
    let parts = parts_of(&rights);
    slips(given, &mut key, parts_of, |out| {
        format!("output {}", n(&out[0]))
    });
    key.stretch = neuron_line(net, &given.inputs);
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        key_figures: worked_figures(given, decs, number, "single"),
        ..Default::default()
    })
}

/// The boxes of the exercise, as a learner who computed `traces` fills
/// them: per input w·x, w·x + bias and the output; then which input fires.
fn parts(given: &Given, traces: &[Trace]) -> Vec<Part> {
    let net = &given.net;
    let mut parts = Vec::new();
    for ((name, x), t) in given.inputs.iter().zip(traces) {
        let (s, z, y) = (n(&t.s[0]), n(&t.z[0]), n(&t.y[0]));
        parts.push(Part {
            text: format!(
                "Input <em>{}</em> ({}):",
                escape_attr(name),
                input_words(net, x)
            ),
            boxes: vec![
                AnswerBox::new("w·x (no bias)", &s).accepting(same_number(&s)),
                AnswerBox::new("w·x + bias", &z).accepting(same_number(&z)),
                AnswerBox::new("ReLU → output", &y).accepting(same_number(&y)),
            ],
        });
    }
    let names: Vec<&str> = given.inputs.iter().map(|(n, _)| n.as_str()).collect();
    let fires: Vec<bool> = traces.iter().map(|t| t.a[0] > Decimal::ZERO).collect();
    let on = fires_on(&names, &fires);
    parts.push(Part {
        text: "On which input does the neuron fire (output above 0)?".to_string(),
        boxes: vec![
            AnswerBox::wide(format!("fires on ({})", words_choice(&names)), &on).accepting(
                format!("“{on}” only; an output of exactly 0 means it does not fire"),
            ),
        ],
    });
    parts
}

/// The answers a "fires on" box offers: `first, second, both or neither`.
fn words_choice(names: &[&str]) -> String {
    if names.len() == 2 {
        format!("{}, {}, both or neither", names[0], names[1])
    } else {
        format!("{} or none", names.join(", "))
    }
}
