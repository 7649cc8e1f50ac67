//! Type 4 (`toy-image`): a net whose inputs are a small black-and-white
//! image (its `layout`), on a few images: the pairs' matches and
//! activations, the outputs and the winner (or a tie); and what one more
//! inked pixel does to a tie (the stretch).

use super::drawing::{pair_tables, pixels_table};
use super::given::Given;
use super::pairs::{output_sums, pair_steps};
use super::slips::{Trace, right_traces, slips};
use super::words::{prediction_text, same_numbers};
use crate::kv::toy::{Prediction, ToyDecomposition, decompose, predict};
use crate::markdown::escape_attr;
use crate::sheets::key::{Key, vector};
use crate::sheets::{AnswerBox, Instance, Part};
use rust_decimal::Decimal;

/// Type 4: the net on each of the given images.
pub(super) fn instance(
    given: &Given,
    decs: &[ToyDecomposition],
    number: usize,
) -> Result<Instance, String> {
    let net = &given.net;
    let mut key = Key::default();
    let mut expected = Vec::new();
    // The keys and values are given as tables (no drawing: its crossing
    // edge labels are easy to swap, and the page has no room for both).
    let _ = number;
    let mut given_html = String::new();
    let biases = net.b1.iter().chain(&net.b2).any(|b| !b.is_zero());
    if !biases {
        given_html.push_str("<p class=\"given-note\">No biases. Pair i's match = key i · image; its activation = ReLU(match); output k = the sum over the pairs of activation × the pair's vote for output k.</p>\n");
    } else {
        given_html.push_str("<p class=\"given-note\">Pair i's match = key i · image + its bias; its activation = ReLU(match); output k = the output's bias + the sum over the pairs of activation × the pair's vote for output k.</p>\n");
    }
    given_html.push_str(&format!(
        "<p class=\"given-note\">Write the matches and the activations in the order ({}), the outputs in the order ({}).</p>\n",
        (1..=net.hidden()).map(|i| format!("pair {i}")).collect::<Vec<_>>().join(", "),
        net.outputs.join(", ")
    ));
    given_html.push_str(&pair_tables(net, "pair"));
    given_html.push_str("\n<div class=\"given-images\">");
    for (name, x) in &given.inputs {
        given_html.push_str(&format!(
            "<figure class=\"given-image\">{}<figcaption>{}</figcaption></figure>",
            pixels_table(net, x, &format!("image {name}")),
            escape_attr(name)
        ));
    }
    given_html.push_str("</div>");
    // Each image's outputs and answer, as the key computes them and as the
    // decomposition does (the independent check).
    let answer = |outs: &[Decimal], prediction: &Prediction| {
        format!("{} → {}", vector(outs), prediction_text(net, prediction))
    };
    for ((name, x), dec) in given.inputs.iter().zip(decs) {
        let pre = format!("{name}: ");
        let mut scaled_all = Vec::new();
        for p in &dec.pairs {
            let (_, _, scaled) = pair_steps(&mut key, net, p, x, &pre)?;
            scaled_all.push(scaled);
        }
        let outs = output_sums(&mut key, net, &scaled_all, &pre)?;
        let prediction = predict(&outs);
        key.fin(name.clone(), answer(&outs, &prediction));
        expected.push((name.clone(), answer(&dec.logits, &dec.prediction)));
    }
    let logits: Vec<Vec<_>> = decs.iter().map(|d| d.logits.clone()).collect();
    let rights = right_traces(given, &logits)?;
    let parts_of = |traces: &[Trace]| parts(given, traces);
    let parts = parts_of(&rights);
    slips(given, &mut key, parts_of, |out| answer(out, &predict(out)));
    key.stretch = stretch(given, decs)?;
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        ..Default::default()
    })
}

/// The boxes as a learner who computed `traces` fills them: per image the
/// pairs' matches, their activations, the outputs and the winner.
fn parts(given: &Given, traces: &[Trace]) -> Vec<Part> {
    let net = &given.net;
    let mut parts = Vec::new();
    for ((name, _), t) in given.inputs.iter().zip(traces) {
        let (z, a, y) = (vector(&t.z), vector(&t.a), vector(&t.y));
        let winner = match predict(&t.y) {
            Prediction::Unique(o) => net.outputs[o].clone(),
            Prediction::Tie(_) => "tie".to_string(),
        };
        parts.push(Part {
            text: format!("Image <em>{}</em>:", escape_attr(name)),
            boxes: vec![
                AnswerBox::wide("matches", &z).accepting(same_numbers(&z)),
                AnswerBox::wide("activations", &a).accepting(same_numbers(&a)),
                AnswerBox::wide("outputs", &y).accepting(same_numbers(&y)),
                AnswerBox::new("winner, or “tie”", &winner).accepting(if winner == "tie" {
                    "“tie” only: naming either output is wrong".to_string()
                } else {
                    format!("{winner} only")
                }),
            ],
        });
    }
    parts
}

/// The stretch: for each image that ties, what inking each blank pixel
/// does (which output then wins, or the tie stays).
fn stretch(given: &Given, decs: &[ToyDecomposition]) -> Result<Vec<String>, String> {
    let net = &given.net;
    let mut out = Vec::new();
    for ((name, x), dec) in given.inputs.iter().zip(decs) {
        if !matches!(dec.prediction, Prediction::Tie(_)) {
            continue;
        }
        let mut breaks = Vec::new();
        let mut keeps = Vec::new();
        for (i, v) in x.iter().enumerate() {
            if !v.is_zero() {
                continue;
            }
            let mut y = x.clone();
            y[i] = Decimal::ONE;
            let d = decompose(net, &y)?;
            let what = format!(
                "inking {} gives {}",
                escape_attr(&net.inputs[i]),
                vector(&d.logits)
            );
            match d.prediction {
                Prediction::Unique(o) => breaks.push(format!("{what}: {} wins", net.outputs[o])),
                Prediction::Tie(_) => keeps.push(format!("{what}: still a tie")),
            }
        }
        let mut s = format!(
            "Image {} ties at {}. ",
            escape_attr(name),
            vector(&dec.logits)
        );
        let capital = |t: &str| {
            let mut c = t.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        };
        if breaks.is_empty() {
            s.push_str("No single extra pixel breaks the tie. ");
        }
        let all: Vec<String> = breaks.into_iter().chain(keeps).collect();
        if all.is_empty() {
            s.push_str("Every pixel is already inked.");
        } else {
            s.push_str(&format!("{}.", capital(&all.join("; "))));
        }
        out.push(s);
    }
    Ok(out)
}
