//! Type 5b (`design-win`): can any black-and-white image make one output
//! win? Answered by trying every image, and explained by an argument that
//! holds for every input when one exists.

use super::drawing::pixels_table;
use super::draws::all_images;
use super::given::Given;
use super::words::{output_word, prediction_text};
use crate::kv::toy::predict;
use crate::kv::toy::{ToyNet, decompose};
use crate::markdown::escape_attr;
use crate::sheets::key::{Key, Slip, n, vector};
use crate::sheets::spec::ExSpec;
use crate::sheets::{AnswerBox, Instance, Part};
use rust_decimal::Decimal;

/// Type 5b: can any black-and-white image make one output win?
pub(super) fn instance(spec: &ExSpec, given: &Given) -> Result<Instance, String> {
    instance_for(given, spec.output.as_deref().unwrap_or_default())
}

/// Type 5b on `given`, asking about the output named `target`.
pub(super) fn instance_for(given: &Given, target: &str) -> Result<Instance, String> {
    let net = &given.net;
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
    let mut expected = vec![("answer".to_string(), answer)];
    let reason = certificate.map(|j| reason_short(net, t, j));
    if let Some(r) = &reason {
        // The votes compared pair by pair: what the reason box holds.
        key.fin("reason", r.clone());
        expected.push(("reason".to_string(), r.clone()));
    }
    if let Some(j) = certificate {
        key.notes.push(never_ahead(net, t, j, target, ties > 0));
        key.stretch = stretch(net, t, j)?;
    }
    let parts = parts(net, target, &key.finals[0].value, reason.as_deref());
    let total = super::slips::total_points(&parts);
    if wins.is_empty() && margin.is_zero() {
        key.slips.push(Slip {
            credit: Some(0),
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
    // Keys and values as tables only: the question is about the values,
    // and a second drawing of the 2×2 net would cost the sheet a page.
    let given_html = format!(
        "{}\n{}",
        super::drawing::pair_tables(net, "pair"),
        pixels_table(net, &vec![Decimal::ZERO; net.inputs.len()], "the pixels")
    );
    if reason.is_some() {
        key.slips.push(Slip {
            credit: Some(total.saturating_sub(2)),
            answer: "no, with all sixteen images listed and no reason from the weights".to_string(),
            why: "a correct answer by enumeration: it earns the answer, not the reason. Ask which property of the values makes every row come out this way.".to_string(),
        });
    }
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

/// The boxes: the answer (yes/no, worth 1) and, when no image can win,
/// the reason (worth 2: the point of the exercise).
fn parts(net: &ToyNet, target: &str, answer: &str, reason: Option<&str>) -> Vec<Part> {
    let other = net
        .outputs
        .iter()
        .find(|o| o.as_str() != target)
        .cloned()
        .unwrap_or_default();
    let mut boxes = vec![AnswerBox::wide("yes or no", answer).accepting(if answer.starts_with("no") {
        "“no” (“no, at best a tie” is the full answer); “yes” with a tie as the example is wrong".to_string()
    } else {
        "“yes” with any image on which it is strictly largest".to_string()
    })];
    if let Some(r) = reason {
        boxes.push(
            AnswerBox::wide("why (compare each pair's two votes)", r)
                .accepting(format!(
                    "any argument that compares, pair by pair, the vote for {} with the vote for {} and uses that activations are never negative; listing all images earns the “yes or no” box only",
                    escape_attr(target),
                    escape_attr(&other)
                ))
                .worth(2),
        );
    }
    vec![Part {
        text: format!(
            "Can a black-and-white image make <em>{}</em> the largest output?",
            escape_attr(target)
        ),
        boxes,
    }]
}

/// The reason in a few words: each pair's vote for `t` next to its vote
/// for `j`.
fn reason_short(net: &ToyNet, t: usize, j: usize) -> String {
    let pairs = (0..net.hidden())
        .map(|i| {
            format!(
                "pair {}: {} ≤ {}",
                i + 1,
                n(&net.w2[t][i]),
                n(&net.w2[j][i])
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "every pair votes no more for {} than for {} ({pairs}) and activations are ≥ 0",
        net.outputs[t], net.outputs[j]
    )
}

/// The stretch: one number of one value to change so that an image makes
/// `t` win, the image, and its outputs (checked over every image).
fn stretch(net: &ToyNet, t: usize, j: usize) -> Result<Vec<String>, String> {
    let images = all_images(net.inputs.len());
    // Each pair's vote for t raised to the smallest whole number above its
    // vote for j; the smallest change first.
    let mut order: Vec<(Decimal, usize)> = (0..net.hidden())
        .map(|i| {
            (
                (net.w2[j][i].floor() + Decimal::ONE - net.w2[t][i]).abs(),
                i,
            )
        })
        .collect();
    order.sort();
    for (_, i) in order {
        let old = net.w2[t][i];
        let new = (net.w2[j][i].floor() + Decimal::ONE).normalize();
        let mut changed = net.clone();
        changed.w2[t][i] = new;
        let mut best: Option<(Decimal, Vec<Decimal>, Vec<Decimal>)> = None;
        for x in &images {
            let d = decompose(&changed, x)?;
            if predict(&d.logits) != crate::kv::toy::Prediction::Unique(t) {
                continue;
            }
            let others = (0..net.outputs.len())
                .filter(|&o| o != t)
                .map(|o| d.logits[o])
                .max()
                .unwrap_or_default();
            let margin = d.logits[t] - others;
            let ink = x.iter().filter(|v| !v.is_zero()).count();
            let better = match &best {
                None => true,
                Some((m, bx, _)) => {
                    margin > *m
                        || (margin == *m && ink < bx.iter().filter(|v| !v.is_zero()).count())
                }
            };
            if better {
                best = Some((margin, x.clone(), d.logits.clone()));
            }
        }
        if let Some((_, x, outs)) = best {
            let inked: Vec<&str> = net
                .inputs
                .iter()
                .zip(&x)
                .filter(|(_, v)| !v.is_zero())
                .map(|(n, _)| n.as_str())
                .collect();
            return Ok(vec![
                format!(
                    "One answer: change pair {}'s vote for {} from {} to {} (above its vote for {}, {}). Then the image with only {} inked gives outputs {}, and {} wins.",
                    i + 1,
                    escape_attr(&net.outputs[t]),
                    n(&old),
                    n(&new),
                    escape_attr(&net.outputs[j]),
                    n(&net.w2[j][i]),
                    escape_attr(&inked.join(" and ")),
                    vector(&outs),
                    escape_attr(&net.outputs[t])
                ),
                format!(
                    "Any single change works that makes one pair vote more for {} than for {}, provided some image makes that pair fire while no other pair outvotes it; check the learner's image by computing its two outputs.",
                    escape_attr(&net.outputs[t]),
                    escape_attr(&net.outputs[j])
                ),
            ]);
        }
    }
    Ok(Vec::new())
}

/// Why a drawn variant of a design-win exercise is refused (None: it
/// teaches the argument: `output` can never get ahead, every pair's vote
/// for it is at most its vote for the other output and one strictly less).
pub(crate) fn refusal(net: &ToyNet, output: &str) -> Option<&'static str> {
    let t = net.outputs.iter().position(|o| o == output)?;
    let j = (0..net.outputs.len()).find(|&j| j != t)?;
    let at_most = (0..net.hidden()).all(|i| net.w2[t][i] <= net.w2[j][i]) && net.b2[t] <= net.b2[j];
    let strict = (0..net.hidden()).any(|i| net.w2[t][i] < net.w2[j][i]);
    if !at_most || !strict {
        return Some(
            "values that let the output win (the exercise asks for an argument that it cannot)",
        );
    }
    None
}
