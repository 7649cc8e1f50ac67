//! Exercises on the trained MNIST network (types 6 and 7): a real key
//! against three printed digits, and a real image's top pairs with one
//! taken away. The numbers come from the model; the key's arithmetic on
//! the printed (rounded) numbers is exact, and checked against the model.

use super::key::{Expr, Key, Slip};
use super::spec::{ExSpec, ExType};
use super::{AnswerBox, Instance, Part, Teaches};
use crate::analysis::Analyses;
use crate::figures::style::Variant;
use crate::kv::image::DIGITS;
use crate::markdown::escape_attr;
use crate::nn::mlp::argmax_unique;
use crate::shortcodes::{Args, Fail};
use rand::RngExt;
use rust_decimal::Decimal;

const LETTERS: [&str; 3] = ["A", "B", "C"];

/// A printed digit: (selector, pixels, label).
type Printed = (String, Vec<u8>, Option<u8>);

/// One image as a batch of one for the model (pixel values ÷ 255).
fn batch(pixels: &[u8]) -> ndarray::Array2<f32> {
    let mut x = ndarray::Array2::zeros((1, pixels.len()));
    for (dst, &p) in x.iter_mut().zip(pixels) {
        *dst = f32::from(p) / 255.0;
    }
    x
}

/// A change with its sign: `+1.25`, `−0.5`, `0`.
fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", super::key::n(&d))
    } else {
        super::key::n(&d)
    }
}

/// `x` rounded half away from zero to `digits` places, as an exact decimal.
fn dec(x: f64, digits: usize) -> Decimal {
    crate::num::fixed(x, digits).parse().unwrap_or_default()
}

fn inline(fig: &crate::figures::Figure, caption: &str) -> String {
    let svg = fig.to_svg_string();
    crate::embeds::figure::html(fig, &svg, ".", Some(caption), true, &fig.id).replacen(
        "class=\"kv-figure\"",
        "class=\"kv-figure exercise-figure\"",
        1,
    )
}

pub fn instance(
    spec: &ExSpec,
    args: &Args,
    an: &Analyses,
    variant: u32,
    seed: [u8; 32],
    number: usize,
) -> Result<Instance, Fail> {
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::from_seed(super::seed_of(&[
        &format!("{seed:?}"),
        &variant.to_string(),
    ]));
    match spec.ty {
        ExType::RankDigits => rank_digits(spec, args, an, variant, &mut rng, number),
        _ => remove_pair(spec, args, an, variant, &mut rng, number),
    }
}

/// Whether the model reads test image `i` right, as the evaluation counts
/// it (a tie at the top is wrong).
fn read_right(acts: &crate::kv::population::TestActivations, i: usize) -> bool {
    acts.logits.row(i).as_slice().and_then(argmax_unique) == Some(acts.labels[i] as usize)
}

/// Type 6: rank three digits by how strongly one key fires.
fn rank_digits(
    spec: &ExSpec,
    args: &Args,
    an: &Analyses,
    variant: u32,
    rng: &mut impl rand::Rng,
    number: usize,
) -> Result<Instance, Fail> {
    let model = an.model();
    let hidden = model.hidden();
    let test = &an.p.dataset.test;
    // (pair, [(split index or selector text, pixels, label)])
    let (pair, images): (usize, Vec<Printed>) = if variant == 1
        && spec.pair.is_some()
        && !spec.examples.is_empty()
    {
        let p = spec.pair.unwrap_or(0);
        if p < 0 || p as usize >= hidden {
            return Err(Fail::new(
                args.at("pair"),
                format!(
                    "pair {p} is out of range: the network has pairs 0..={}",
                    hidden - 1
                ),
            ));
        }
        let mut imgs = Vec::new();
        for (sel, at) in &spec.examples {
            let img = an.image(sel).map_err(|e| Fail::selector(e, *at))?;
            imgs.push((
                img.selected.to_string(),
                img.pixels.clone(),
                img.analysis.label,
            ));
        }
        (p as usize, imgs)
    } else {
        let acts = an.pop.test();
        let n = acts.labels.len();
        let correct: Vec<bool> = (0..n).map(|i| read_right(acts, i)).collect();
        let mut chosen = None;
        for _ in 0..400 {
            let p = rng.random_range(0..hidden);
            let col = acts.hidden.column(p);
            let max = col.iter().copied().fold(0.0f32, f32::max);
            if max <= 0.0 {
                continue;
            }
            let pick = |rng: &mut dyn rand::Rng, ok: &dyn Fn(usize) -> bool| -> Option<usize> {
                let c: Vec<usize> = (0..n).filter(|&i| correct[i] && ok(i)).collect();
                (!c.is_empty()).then(|| c[rng.random_range(0..c.len())])
            };
            let Some(s) = pick(rng, &|i| col[i] >= 0.7 * max) else {
                continue;
            };
            let ls = acts.labels[s];
            let Some(m) = pick(rng, &|i| {
                col[i] >= 0.2 * max && col[i] <= 0.55 * max && acts.labels[i] != ls
            }) else {
                continue;
            };
            let lm = acts.labels[m];
            let Some(z) = pick(rng, &|i| {
                col[i] == 0.0 && acts.labels[i] != ls && acts.labels[i] != lm
            }) else {
                continue;
            };
            let mut order = vec![s, m, z];
            rand::seq::SliceRandom::shuffle(order.as_mut_slice(), rng);
            chosen = Some((p, order));
            break;
        }
        let (p, order) = chosen.ok_or_else(|| {
                Fail::new(
                    args.0.name_at,
                    "no key of this network has a strong, a middling and a silent response among correctly read test digits",
                )
                .hint("name one with pair=… and examples=\"…; …; …\"")
            })?;
        let imgs = order
            .into_iter()
            .map(|i| {
                (
                    format!("test:{i}"),
                    test.image(i).to_vec(),
                    Some(test.labels[i]),
                )
            })
            .collect();
        (p, imgs)
    };
    let view = crate::kv::pair::pair_view(model, pair)
        .ok_or_else(|| Fail::new(args.0.name_at, "internal error: pair"))?;
    // The key's numbers for each digit, in f64 from the weights.
    let row = model.w1.row(pair);
    let bias = f64::from(model.b1[pair]);
    let mut rows = Vec::new();
    for (sel, pixels, label) in &images {
        let (mut pos, mut neg, mut ink) = (0.0f64, 0.0f64, 0.0f64);
        for (w, &p) in row.iter().zip(pixels) {
            let x = f64::from(p) / 255.0;
            let t = f64::from(*w) * x;
            if t > 0.0 {
                pos += t
            } else {
                neg += t
            }
            ink += x;
        }
        let pre = pos + neg + bias;
        rows.push((sel.clone(), *label, pos, neg, pre, pre.max(0.0), ink));
    }
    // Independent: the batched forward pass's activations give the ranking.
    let fwd: Vec<f64> = images
        .iter()
        .map(|(_, pixels, _)| f64::from(model.forward(batch(pixels).view()).hidden[[0, pair]]))
        .collect();
    let rank = |vals: &[f64]| -> String {
        let mut idx: Vec<usize> = (0..vals.len()).collect();
        idx.sort_by(|&a, &b| vals[b].total_cmp(&vals[a]));
        idx.iter()
            .map(|&i| LETTERS[i])
            .collect::<Vec<_>>()
            .join(" > ")
    };
    let acts: Vec<f64> = rows.iter().map(|r| r.5).collect();
    let silent = |vals: &[f64]| -> String {
        let s: Vec<&str> = (0..vals.len())
            .filter(|&i| vals[i] <= 0.0)
            .map(|i| LETTERS[i])
            .collect();
        if s.is_empty() {
            "none".into()
        } else {
            s.join(", ")
        }
    };
    let max = acts.iter().copied().fold(0.0, f64::max);
    let mut sorted = acts.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    if sorted.windows(2).any(|w| w[0] - w[1] < 0.1 * max) || max <= 0.0 {
        return Err(Fail::new(
            args.0.name_at,
            format!(
                "the key of pair {pair} responds to these digits too alike to rank on paper (activations {})",
                acts.iter().map(|a| crate::num::fixed(*a, 3)).collect::<Vec<_>>().join(", ")
            ),
        )
        .hint("choose digits whose responses differ by at least a tenth of the largest"));
    }
    let mut key = Key::default();
    key.fin("ranking", rank(&acts));
    key.fin("does not fire for", silent(&acts));
    let expected = vec![
        ("ranking".to_string(), rank(&fwd)),
        ("does not fire for".to_string(), silent(&fwd)),
    ];
    let mut table = String::from(
        "<table class=\"given-table\"><caption>The key on each digit (pixel values ÷ 255)</caption><thead><tr><th scope=\"col\">digit</th><th scope=\"col\">+ weights × ink</th><th scope=\"col\">− weights × ink</th><th scope=\"col\">bias</th><th scope=\"col\">match</th><th scope=\"col\">activation</th></tr></thead><tbody>",
    );
    for (i, r) in rows.iter().enumerate() {
        table.push_str(&format!(
            "<tr><th scope=\"row\">{} ({}, a {})</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            LETTERS[i],
            escape_attr(&r.0),
            r.1.map_or("?".into(), |l| l.to_string()),
            crate::num::fixed(r.2, 3),
            crate::num::fixed(r.3, 3),
            crate::num::fixed(bias, 3),
            crate::num::fixed(r.4, 3),
            crate::num::fixed(r.5, 3)
        ));
    }
    table.push_str("</tbody></table>");
    key.notes.push(table);
    let inks: Vec<f64> = rows.iter().map(|r| r.6).collect();
    if rank(&inks) != rank(&acts) {
        key.slips.push(Slip {
            answer: rank(&inks),
            why: "ranked by how much ink each digit has: the key's − weights subtract, so more ink in the wrong places lowers the match.".into(),
        });
    }
    let positives: Vec<f64> = rows.iter().map(|r| r.2).collect();
    if rank(&positives) != rank(&acts) {
        key.slips.push(Slip {
            answer: rank(&positives),
            why: "only the + panel was read: ink on the − weights was ignored.".into(),
        });
    }
    let key_fig =
        crate::figures::digits::key_heatmap(&format!("ex{number}-key"), &view, Variant::Print);
    let mut given_html = inline(
        &key_fig,
        &format!(
            "Key {pair}: dark cells in the left panel are positive weights, dark cells in the right panel negative ones. Its bias is {}.",
            crate::figures::style::signed(bias, 3)
        ),
    );
    given_html.push_str("\n<div class=\"given-digits\">");
    for (i, (_, pixels, _)) in images.iter().enumerate() {
        let fig = crate::figures::digits::digit(
            &format!("ex{number}-digit-{}", LETTERS[i]),
            pixels,
            None,
            false,
        );
        given_html.push_str(&inline(&fig, &format!("Digit {}", LETTERS[i])));
    }
    given_html.push_str("</div>");
    let parts = vec![
        Part {
            text: "Rank the digits from the strongest response of the key to the weakest:".into(),
            boxes: vec![AnswerBox::wide("ranking", key.finals[0].value.clone())],
        },
        Part {
            text: "Which digit does the key not fire for at all?".into(),
            boxes: vec![AnswerBox::new("digit", key.finals[1].value.clone())],
        },
    ];
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        teaches: Teaches {
            inactive: acts.iter().any(|a| *a <= 0.0),
            active: true,
            ..Default::default()
        },
        fingerprint: format!(
            "pair {pair}: {}",
            images
                .iter()
                .map(|i| i.0.clone())
                .collect::<Vec<_>>()
                .join(" ")
        ),
        ..Default::default()
    })
}

/// Type 7: a real image's top pairs; one is taken away.
fn remove_pair(
    spec: &ExSpec,
    args: &Args,
    an: &Analyses,
    variant: u32,
    rng: &mut impl rand::Rng,
    number: usize,
) -> Result<Instance, Fail> {
    let model = an.model();
    let selector = match (&spec.example, variant) {
        (Some(sel), 1) => sel.clone(),
        _ => {
            let acts = an.pop.test();
            let n = acts.labels.len();
            let ok: Vec<usize> = (0..n)
                .filter(|&i| {
                    read_right(acts, i)
                        && acts.hidden.row(i).iter().filter(|a| **a > 0.0).count() > spec.top
                })
                .collect();
            if ok.is_empty() {
                return Err(Fail::new(
                    args.0.name_at,
                    "no correctly read test image has enough active pairs",
                ));
            }
            format!("test:{}", ok[rng.random_range(0..ok.len())])
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
    let top: Vec<&crate::kv::image::PairContribution> = order[..spec.top]
        .iter()
        .filter_map(|&p| a.pair(p))
        .collect();
    let gone = top[remove - 1];
    let p = gone.pair;
    let act = dec(gone.activation, 2);
    let values: Vec<Decimal> = (0..DIGITS)
        .map(|d| dec(f64::from(model.w2[[d, p]]), 2))
        .collect();
    let logits: Vec<Decimal> = a.logits.iter().map(|l| dec(*l, 2)).collect();
    let mut key = Key::default();
    let mut changes = Vec::new();
    let mut after = Vec::new();
    for d in 0..DIGITS {
        let c = key
            .step(
                format!("digit {d}: activation × value"),
                Expr::Mul(act, values[d]),
            )
            .map_err(|e| Fail::new(args.0.name_at, e))?;
        let l = key
            .step(format!("digit {d}: new score"), Expr::Sub(logits[d], c))
            .map_err(|e| Fail::new(args.0.name_at, e))?;
        changes.push(c);
        after.push(l);
    }
    let pred = |xs: &[Decimal]| -> usize {
        let mut best = 0;
        for d in 1..xs.len() {
            if xs[d] > xs[best] {
                best = d;
            }
        }
        best
    };
    let before = pred(&logits);
    let now = pred(&after);
    let biggest = (0..DIGITS)
        .max_by(|&x, &y| changes[x].abs().cmp(&changes[y].abs()).then(y.cmp(&x)))
        .unwrap_or(0);
    let pred_text = |b: usize, n: usize| {
        if b == n {
            format!("stays {b}")
        } else {
            format!("{b} → {n}")
        }
    };
    let drop_text = |d: usize, c: Decimal| format!("score {d} changes by {}", signed(-c));
    key.fin("prediction", pred_text(before, now));
    key.fin("largest change", drop_text(biggest, changes[biggest]));
    // Independent: the model's own scores without pair p (forward pass with
    // the hidden unit zeroed), compared within the rounding of the printed
    // numbers (activation and value to 0.005 each).
    let mut hidden = model.forward(batch(&img.pixels).view()).hidden;
    hidden[[0, p]] = 0.0;
    let model_after = model.logits_from_hidden(&hidden);
    let model_change: Vec<f64> = (0..DIGITS)
        .map(|d| a.logits[d] - f64::from(model_after[[0, d]]))
        .collect();
    // |â·v̂ − a·v| ≤ 0.005·|a| + 0.005·|v| + 0.005² for numbers rounded to two
    // decimals, plus 1e-4 for the model's f32 arithmetic.
    let bound = |d: usize| {
        0.005 * (gone.activation.abs() + f64::from(model.w2[[d, p]]).abs()) + 0.005 * 0.005 + 1e-4
    };
    let within = (0..DIGITS).all(|d| {
        let printed: f64 = changes[d].try_into().unwrap_or(f64::NAN);
        (printed - model_change[d]).abs() <= bound(d)
    });
    let model_now = match model_after.row(0).as_slice().and_then(argmax_unique) {
        Some(d) => pred_text(a.top, d),
        None => "a tie".to_string(),
    };
    let expected = vec![
        ("prediction".to_string(), model_now),
        (
            "largest change".to_string(),
            if within {
                drop_text(biggest, changes[biggest])
            } else {
                format!(
                    "score {biggest} changes by {} (the model)",
                    crate::num::fixed(-model_change[biggest], 4)
                )
            },
        ),
    ];
    key.notes.push(format!(
        "The model's own change, unrounded, for digit {biggest}: {} (the printed numbers are rounded to two decimals, so the products above can differ from it in the third decimal).",
        crate::num::fixed(-model_change[biggest], 4)
    ));
    key.slips.push(Slip {
        answer: format!("only {before} changes"),
        why: format!("the value has ten entries, one per digit: removing the pair moves every score whose entry is not 0 ({} of 10 here).", changes.iter().filter(|c| !c.is_zero()).count()),
    });
    key.slips.push(Slip {
        answer: format!("score {biggest} changes by {}", signed(-values[biggest])),
        why: "the value was subtracted without scaling it by the activation: a pair adds activation × value, not its value.".into(),
    });
    // The given: the image, its scores, the top pairs.
    let fig = crate::figures::digits::digit(&format!("ex{number}-image"), &img.pixels, None, false);
    let mut given_html = inline(&fig, &format!("The image ({selector})")).replacen(
        "exercise-figure\"",
        "exercise-figure small\"",
        1,
    );
    given_html.push_str("\n<table class=\"given-table scores\"><caption>Its ten scores</caption><thead><tr><th scope=\"col\">digit</th>");
    for d in 0..DIGITS {
        given_html.push_str(&format!("<th scope=\"col\">{d}</th>"));
    }
    given_html.push_str("</tr></thead><tbody><tr><th scope=\"row\">score</th>");
    for l in &logits {
        given_html.push_str(&format!("<td>{}</td>", super::key::n(l)));
    }
    given_html.push_str(&format!("</tr></tbody></table>\n<table class=\"given-table pairs\"><caption>Its top {} pairs: activation and value (one vote per digit)</caption><thead><tr><th scope=\"col\">pair</th><th scope=\"col\">activation</th>", spec.top));
    for d in 0..DIGITS {
        given_html.push_str(&format!("<th scope=\"col\">{d}</th>"));
    }
    given_html.push_str("</tr></thead><tbody>");
    for t in &top {
        given_html.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td>",
            t.pair,
            super::key::n(&dec(t.activation, 2))
        ));
        for d in 0..DIGITS {
            given_html.push_str(&format!(
                "<td>{}</td>",
                super::key::n(&dec(f64::from(model.w2[[d, t.pair]]), 2))
            ));
        }
        given_html.push_str("</tr>");
    }
    given_html.push_str("</tbody></table>");
    let mut boxes: Vec<AnswerBox> = (0..DIGITS)
        .map(|d| AnswerBox::narrow(format!("{d}"), signed(-changes[d])))
        .collect();
    boxes.push(AnswerBox::new("prediction now", now.to_string()));
    let parts = vec![Part {
        text: format!("Remove pair <strong>{p}</strong>. How much does each score change?"),
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
