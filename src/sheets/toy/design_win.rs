//! Type 5b (`design-win`): can any black-and-white image make one output
//! win? Answered by trying every image, and explained by an argument that
//! holds for every input when one exists.

use super::drawing::{figure_html, pixels_table};
use super::draws::all_images;
use super::given::Given;
use super::words::{output_word, prediction_text};
use crate::kv::toy::{ToyNet, decompose};
use crate::markdown::escape_attr;
use crate::sheets::key::{Key, Slip, n, vector};
use crate::sheets::spec::ExSpec;
use crate::sheets::{AnswerBox, Instance, Part};
use rust_decimal::Decimal;

/// Type 5b: can any black-and-white image make one output win?
pub(super) fn instance(spec: &ExSpec, given: &Given, number: usize) -> Result<Instance, String> {
    let net = &given.net;
    let target = spec.output.as_deref().unwrap_or_default();
    let t = net
        .outputs
        .iter()
        .position(|o| o == target)
        .ok_or("internal error: output")?;
    let images = all_images(net.inputs.len());
    let mut rows = String::new();
    let mut best: Option<(Decimal, Vec<Decimal>)> = None;
    let mut wins = Vec::new();
    let mut ties = 0;
    for x in &images {
        let dec = decompose(net, x)?;
        let others = (0..net.outputs.len())
            .filter(|&o| o != t)
            .map(|o| dec.logits[o])
            .max()
            .unwrap_or_default();
        let margin = dec.logits[t] - others;
        if margin > Decimal::ZERO {
            wins.push(x.clone());
        } else if margin.is_zero() {
            ties += 1;
        }
        if best.as_ref().is_none_or(|(m, _)| margin > *m) {
            best = Some((margin, x.clone()));
        }
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            vector(x),
            vector(&dec.logits),
            prediction_text(net, &dec.prediction)
        ));
    }
    let (margin, best_x) = best.ok_or("internal error: no images")?;
    // A certificate: for some other output j, every value gives t no more
    // than j and b2 does too; activations are never negative, so t can
    // never beat j, whatever the input.
    let certificate = (0..net.outputs.len()).filter(|&j| j != t).find(|&j| {
        (0..net.hidden()).all(|i| net.w2[t][i] <= net.w2[j][i]) && net.b2[t] <= net.b2[j]
    });
    if certificate.is_some() && !wins.is_empty() {
        return Err("bug: the argument and the enumeration disagree".into());
    }
    let mut key = Key::default();
    let answer = if let Some(first) = wins.first() {
        format!("yes, e.g. {}", vector(first))
    } else if margin.is_zero() {
        "no: at best a tie".to_string()
    } else {
        "no".to_string()
    };
    key.fin("answer", answer.clone());
    let expected = vec![("answer".to_string(), answer)];
    if let Some(j) = certificate {
        key.notes.push(never_ahead(net, t, j, target, ties > 0));
    }
    if wins.is_empty() && margin.is_zero() {
        key.slips.push(Slip {
            credit: None,
            answer: format!("yes, {}", vector(&best_x)),
            why: format!(
                "a tie is not a win: on this image {} only draws level. Ask what the network answers when two outputs are equal.",
                escape_attr(target)
            ),
        });
    }
    key.notes.push(format!(
        "<table class=\"given-table\"><caption>Every black-and-white image</caption><thead><tr><th scope=\"col\">image ({})</th><th scope=\"col\">outputs</th><th scope=\"col\">answer</th></tr></thead><tbody>{rows}</tbody></table>",
        net.inputs.join(", ")
    ));
    let fig = crate::figures::networks::network(&format!("ex{number}-net"), net, None, None);
    let given_html = format!(
        "{}\n{}",
        figure_html(&fig, ""),
        pixels_table(net, &vec![Decimal::ZERO; net.inputs.len()], "the pixels")
    );
    let parts = vec![Part {
        text: format!(
            "Can a black-and-white image make <em>{}</em> the largest output?",
            escape_attr(target)
        ),
        boxes: vec![AnswerBox::wide("yes or no", key.finals[0].value.clone())],
    }];
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        fingerprint: format!("win {target}"),
        ..Default::default()
    })
}

/// Why output `t` (`target`) can never get ahead of output `j`, whatever
/// the input: pair by pair, what each gives to both (`ties`: it can draw).
fn never_ahead(net: &ToyNet, t: usize, j: usize, target: &str, ties: bool) -> String {
    let diffs: Vec<String> = (0..net.hidden())
        .map(|i| {
            format!(
                "pair {} gives {} to {} and {} to {}",
                i + 1,
                n(&net.w2[t][i]),
                escape_attr(target),
                n(&net.w2[j][i]),
                output_word(net, j)
            )
        })
        .collect();
    format!(
        "Why, for every input: {}. Activations are never negative (ReLU), so each pair adds at least as much to {} as to {}: {} can never get ahead{}.",
        diffs.join("; "),
        output_word(net, j),
        escape_attr(target),
        escape_attr(target),
        if ties { ", only tie" } else { "" }
    )
}
