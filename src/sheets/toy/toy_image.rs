//! Type 4 (`toy-image`): a net whose inputs are a small black-and-white
//! image (its `layout`), on a few images: which pairs fire, the scaled
//! values, the outputs and the answer.

use super::drawing::{figure_html, pixels_table};
use super::given::Given;
use super::pairs::{output_sums, pair_steps};
use super::slips::slips;
use super::words::{names_list, prediction_text};
use crate::kv::toy::{Prediction, ToyDecomposition, predict};
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
    let mut parts = Vec::new();
    let mut expected = Vec::new();
    let fig = crate::figures::networks::network(&format!("ex{number}-net"), net, None, None);
    let mut given_html = figure_html(&fig, "");
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
        let mut firing = Vec::new();
        let mut scaled_all = Vec::new();
        for p in &dec.pairs {
            let (_, a, scaled) = pair_steps(&mut key, net, p, x, &pre)?;
            if a > Decimal::ZERO {
                firing.push(format!("{}", p.index + 1));
            }
            scaled_all.push(scaled);
        }
        let outs = output_sums(&mut key, net, &scaled_all, &pre)?;
        let firing_names: Vec<&str> = firing.iter().map(String::as_str).collect();
        let prediction = predict(&outs);
        parts.push(Part {
            text: format!("Image <em>{}</em>:", escape_attr(name)),
            boxes: vec![
                AnswerBox::new("pairs that fire", names_list(&firing_names)),
                AnswerBox::wide(
                    "scaled values",
                    scaled_all
                        .iter()
                        .map(|s| vector(s))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                AnswerBox::new("outputs", vector(&outs)),
                AnswerBox::wide("answer", prediction_text(net, &prediction)),
            ],
        });
        key.fin(name.clone(), answer(&outs, &prediction));
        expected.push((name.clone(), answer(&dec.logits, &dec.prediction)));
    }
    slips(given, decs, &mut key, |out| answer(out, &predict(out)));
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        ..Default::default()
    })
}
