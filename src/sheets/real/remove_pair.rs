//! Type 7 (`remove-pair`): a real image's top pairs (ranked by what each
//! adds to the lead of the predicted digit over the runner-up), printed
//! with their activations and values; one is taken away and the learner
//! works out every score's change on the printed (rounded) numbers. The
//! key is checked against the model's own forward pass with that pair
//! zeroed; the marking key's tolerances, usual wrong answers and stretch
//! answer are in [`super::remove_key`].
//!
//! Neighbouring variants never share final answers: drawn variants take
//! images of even and odd digits in turn, so "stays 2" in one variant is
//! "stays 5" or "3 → 8" in the next.

use super::remove_key::{self, Printed, top_digit};
use super::{batch, read_right, shown, signed};
use crate::analysis::Analyses;
use crate::kv::image::{DIGITS, ImageAnalysis, PairContribution};
use crate::nn::Mlp;
use crate::nn::mlp::argmax_unique;
use crate::sheets::key::{Expr, Key};
use crate::sheets::spec::ExSpec;
use crate::sheets::{AnswerBox, Instance, Part, Teaches};
use crate::shortcodes::{Args, Fail};
use rand::RngExt;
use rust_decimal::Decimal;

/// Type 7: a real image's top pairs; one is taken away.
pub(super) fn instance(
    spec: &ExSpec,
    args: &Args,
    an: &Analyses,
    variant: u32,
    offset: usize,
    rng: &mut impl rand::Rng,
    number: usize,
) -> Result<Instance, Fail> {
    let model = an.model();
    let selector = match (&spec.example, variant) {
        (Some(sel), 1) => sel.clone(),
        (written, _) => {
            // Variant v draws a digit of parity (base + v) mod 2; a written
            // variant 1 sets the base so that variant 2 has the other parity.
            let base = match written {
                Some(sel) => {
                    let img = an
                        .image(sel)
                        .map_err(|e| Fail::selector(e, args.at("example") + 1))?;
                    img.analysis.top + 1
                }
                None => offset,
            };
            draw_image(spec, args, an, rng, (base + variant as usize) % 2)?
        }
    };
    let img = an
        .image(&selector)
        .map_err(|e| Fail::selector(e, args.at("example") + 1))?;
    let a = &img.analysis;
    let order = &a.by_decision.order;
    if order.len() < spec.top {
        return Err(Fail::new(
            args.0.name_at,
            format!(
                "{selector} has only {} active pairs; the exercise prints {}",
                order.len(),
                spec.top
            ),
        ));
    }
    let remove = match (spec.remove, variant) {
        (Some(r), 1) => r,
        (_, 1) => 1,
        _ => rng.random_range(1..=spec.top),
    };
    let top: Vec<&PairContribution> = order[..spec.top]
        .iter()
        .filter_map(|&p| a.pair(p))
        .collect();
    let gone = top[remove - 1];
    let p = gone.pair;
    let value_of = |pair: usize| -> Vec<Decimal> {
        (0..DIGITS)
            .map(|d| shown(f64::from(model.w2[[d, pair]])))
            .collect()
    };
    let act = shown(gone.activation);
    let values = value_of(p);
    let logits: Vec<Decimal> = a.logits.iter().map(|l| shown(*l)).collect();
    let mut key = Key::default();
    let (changes, after) =
        new_scores(&mut key, act, &values, &logits).map_err(|e| Fail::new(args.0.name_at, e))?;
    let before = top_digit(&logits);
    let now = top_digit(&after);
    let biggest = (0..DIGITS)
        .max_by(|&x, &y| changes[x].abs().cmp(&changes[y].abs()).then(y.cmp(&x)))
        .unwrap_or(0);
    key.fin("prediction", prediction_text(before, now));
    key.fin("largest change", change_text(biggest, changes[biggest]));
    let (model_change, model_now) = model_without(model, &img.pixels, a, p);
    let within = within_rounding(model, gone, &changes, &model_change);
    let expected = vec![
        ("prediction".to_string(), model_now),
        (
            "largest change".to_string(),
            if within {
                change_text(biggest, changes[biggest])
            } else {
                format!(
                    "score {biggest} changes by {} (the model)",
                    crate::num::fixed(-model_change[biggest], 4)
                )
            },
        ),
    ];
    let printed: Vec<Printed> = top
        .iter()
        .map(|t| Printed {
            pair: t.pair,
            activation: shown(t.activation),
            value: value_of(t.pair),
        })
        .collect();
    let count = changes.iter().filter(|c| !c.is_zero()).count();
    remove_key::notes_and_slips(
        &mut key,
        &changes,
        &model_change,
        &logits,
        before,
        now,
        &values,
    );
    key.stretch = remove_key::stretch(&printed, &logits, before, a);
    let given_html = given_html(
        number,
        &img.selected.learner_name(),
        &img.pixels,
        &logits,
        a,
        &printed,
    );
    let mut boxes: Vec<AnswerBox> = (0..DIGITS)
        .map(|d| {
            AnswerBox::narrow(format!("{d}"), signed(-changes[d]))
                .accepting(remove_key::tolerance(-changes[d]))
        })
        .collect();
    boxes.push(
        AnswerBox::new("scores that change", count.to_string()).accepting(if count == DIGITS {
            "“all” or “all ten”".to_string()
        } else {
            format!("the {count} digits named")
        }),
    );
    boxes.push(AnswerBox::new("prediction now", now.to_string()));
    let parts = vec![Part {
        text: format!(
            "Remove pair <strong>{p}</strong> (set its activation to 0). Write each score's change with its sign (− if the score goes down), how many of the ten scores change, and the digit the network predicts afterwards."
        ),
        boxes,
    }];
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        teaches: Teaches {
            active: true,
            ..Default::default()
        },
        fingerprint: format!("{selector} remove {p}"),
        ..Default::default()
    })
}

/// A drawn correctly read test image of a digit of `parity` (0 even, 1
/// odd) with more active pairs than the exercise prints, as a selector;
/// any digit when no image of that parity has them.
fn draw_image(
    spec: &ExSpec,
    args: &Args,
    an: &Analyses,
    rng: &mut impl rand::Rng,
    parity: usize,
) -> Result<String, Fail> {
    let acts = an.pop.test();
    let n = acts.labels.len();
    let ok: Vec<usize> = (0..n)
        .filter(|&i| {
            read_right(acts, i)
                && acts.hidden.row(i).iter().filter(|a| **a > 0.0).count() > spec.top
        })
        .collect();
    let same: Vec<usize> = ok
        .iter()
        .copied()
        .filter(|&i| usize::from(acts.labels[i]) % 2 == parity)
        .collect();
    let pool = if same.is_empty() { ok } else { same };
    if pool.is_empty() {
        return Err(Fail::new(
            args.0.name_at,
            "no correctly read test image has enough active pairs",
        ));
    }
    Ok(format!("test:{}", pool[rng.random_range(0..pool.len())]))
}

/// Each digit's steps without the pair: activation × value, then the new
/// score. Returns the changes and the new scores.
fn new_scores(
    key: &mut Key,
    act: Decimal,
    values: &[Decimal],
    logits: &[Decimal],
) -> Result<(Vec<Decimal>, Vec<Decimal>), String> {
    let mut changes = Vec::new();
    let mut after = Vec::new();
    for d in 0..DIGITS {
        let c = key.step(
            format!("digit {d}: activation × value"),
            Expr::Mul(act, values[d]),
        )?;
        let l = key.step(format!("digit {d}: new score"), Expr::Sub(logits[d], c))?;
        changes.push(c);
        after.push(l);
    }
    Ok((changes, after))
}

/// The prediction before and after: `stays 3`, or `3 → 5`.
fn prediction_text(b: usize, n: usize) -> String {
    if b == n {
        format!("stays {b}")
    } else {
        format!("{b} → {n}")
    }
}

/// `score 3 changes by −1.2`.
fn change_text(d: usize, c: Decimal) -> String {
    format!("score {d} changes by {}", signed(-c))
}

/// Independent: the model's own scores without pair `p` (forward pass with
/// the hidden unit zeroed): what the pair added to each digit (the score
/// falls by it), and the prediction in the words of the key (`a tie` when
/// the top is shared).
fn model_without(model: &Mlp, pixels: &[u8], a: &ImageAnalysis, p: usize) -> (Vec<f64>, String) {
    let mut hidden = model.forward(batch(pixels).view()).hidden;
    hidden[[0, p]] = 0.0;
    let model_after = model.logits_from_hidden(&hidden);
    let model_change: Vec<f64> = (0..DIGITS)
        .map(|d| a.logits[d] - f64::from(model_after[[0, d]]))
        .collect();
    let model_now = match model_after.row(0).as_slice().and_then(argmax_unique) {
        Some(d) => prediction_text(a.top, d),
        None => "a tie".to_string(),
    };
    (model_change, model_now)
}

/// Whether every printed change agrees with the model's within the
/// rounding of the printed numbers (activation and value to 0.005 each).
fn within_rounding(
    model: &Mlp,
    gone: &PairContribution,
    changes: &[Decimal],
    model_change: &[f64],
) -> bool {
    let p = gone.pair;
    // |â·v̂ − a·v| ≤ 0.005·|a| + 0.005·|v| + 0.005² for numbers rounded to two
    // decimals, plus 1e-4 for the model's f32 arithmetic.
    let bound = |d: usize| {
        0.005 * (gone.activation.abs() + f64::from(model.w2[[d, p]]).abs()) + 0.005 * 0.005 + 1e-4
    };
    (0..DIGITS).all(|d| {
        let printed: f64 = changes[d].try_into().unwrap_or(f64::NAN);
        (printed - model_change[d]).abs() <= bound(d)
    })
}

/// The given: the image, its scores, and its top pairs with activation and
/// value, as printed (two decimals, more where two would show 0).
fn given_html(
    number: usize,
    image_name: &str,
    pixels: &[u8],
    logits: &[Decimal],
    a: &ImageAnalysis,
    printed: &[Printed],
) -> String {
    // At the scale of the rank-digits pictures, captioned in print size.
    let mut given_html = super::panels::figure(
        &format!("ex{number}-image"),
        &format!("The image ({image_name})"),
        &[super::panels::digit(image_name, pixels)],
        "",
        false,
    );
    let num_th = |d: usize| format!("<th scope=\"col\" style=\"text-align: right\">{d}</th>");
    given_html.push_str("\n<table class=\"given-table scores\"><caption>Its ten scores</caption><thead><tr><th scope=\"col\">digit</th>");
    for d in 0..DIGITS {
        given_html.push_str(&num_th(d));
    }
    given_html.push_str("</tr></thead><tbody><tr><th scope=\"row\">score</th>");
    for l in logits {
        given_html.push_str(&format!("<td>{}</td>", cell(l)));
    }
    let k = printed.len();
    given_html.push_str(&format!(
        "</tr></tbody></table>\n<table class=\"given-table pairs\"><caption>Its top {k} pairs: the {k} that add most to the lead of {} over the runner-up {}, largest first; each with its activation and its value (one vote per digit)</caption><thead><tr><th scope=\"col\">pair</th><th scope=\"col\" style=\"text-align: right\">activation</th>",
        a.top, a.runner_up
    ));
    for d in 0..DIGITS {
        given_html.push_str(&num_th(d));
    }
    given_html.push_str("</tr></thead><tbody>");
    for t in printed {
        given_html.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td>",
            t.pair,
            cell(&t.activation)
        ));
        for v in &t.value {
            given_html.push_str(&format!("<td>{}</td>", cell(v)));
        }
        given_html.push_str("</tr>");
    }
    given_html.push_str("</tbody></table>");
    given_html
}

/// A printed number in a table: at least two decimals (`0.10`, `−0.30`),
/// more when it has them (`0.0003`).
fn cell(d: &Decimal) -> String {
    let s = if d.normalize().scale() <= 2 {
        format!("{:.2}", d)
    } else {
        d.normalize().to_string()
    };
    match s.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_keep_two_decimals() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(cell(&d("0.1")), "0.10");
        assert_eq!(cell(&d("-0.3")), "−0.30");
        assert_eq!(cell(&d("0.0003")), "0.0003");
        assert_eq!(cell(&d("14.79")), "14.79");
    }
}
