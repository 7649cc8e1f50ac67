//! Type 6 (`rank-digits`): one key of the trained network against three
//! printed digits, ranked by how strongly it fires. Variant 1 may name the
//! pair and digits; otherwise a seeded draw picks a key with a strong, a
//! middling and a silent response among correctly read test digits.

use super::{LETTERS, Printed, batch, inline, read_right};
use crate::analysis::Analyses;
use crate::figures::style::Variant;
use crate::kv::pair::PairView;
use crate::markdown::escape_attr;
use crate::nn::Mlp;
use crate::sheets::key::{Key, Slip};
use crate::sheets::spec::ExSpec;
use crate::sheets::{AnswerBox, Instance, Part, Teaches};
use crate::shortcodes::{Args, Fail};
use rand::RngExt;

/// One printed digit under the key, in f64 from the weights.
struct Row {
    /// The digit's selector (`test:123`).
    sel: String,
    label: Option<u8>,
    /// Σ weight × ink over the positive products.
    pos: f64,
    /// Σ weight × ink over the others.
    neg: f64,
    /// The match: pos + neg + bias.
    pre: f64,
    /// The activation, ReLU of the match.
    act: f64,
    /// Σ ink (pixel values ÷ 255).
    ink: f64,
}

/// Type 6: rank three digits by how strongly one key fires.
pub(super) fn instance(
    spec: &ExSpec,
    args: &Args,
    an: &Analyses,
    variant: u32,
    rng: &mut impl rand::Rng,
    number: usize,
) -> Result<Instance, Fail> {
    let model = an.model();
    let (pair, images) = if variant == 1 && spec.pair.is_some() && !spec.examples.is_empty() {
        written(spec, args, an)?
    } else {
        drawn(args, an, rng)?
    };
    let view = crate::kv::pair::pair_view(model, pair)
        .ok_or_else(|| Fail::new(args.0.name_at, "internal error: pair"))?;
    let bias = f64::from(model.b1[pair]);
    let rows = key_rows(model, pair, bias, &images);
    // Independent: the batched forward pass's activations give the ranking.
    let fwd: Vec<f64> = images
        .iter()
        .map(|(_, pixels, _)| f64::from(model.forward(batch(pixels).view()).hidden[[0, pair]]))
        .collect();
    let acts: Vec<f64> = rows.iter().map(|r| r.act).collect();
    check_apart(args, pair, &acts)?;
    let key = key_of(&rows, &acts, bias);
    let expected = vec![
        ("ranking".to_string(), rank(&fwd)),
        ("does not fire for".to_string(), silent(&fwd)),
    ];
    let given_html = given_html(number, pair, &view, bias, &images);
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

/// The pair and digits the content names (variant 1).
fn written(spec: &ExSpec, args: &Args, an: &Analyses) -> Result<(usize, Vec<Printed>), Fail> {
    let hidden = an.model().hidden();
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
    Ok((p as usize, imgs))
}

/// A drawn pair and three correctly read test digits: one it fires for
/// strongly (at least 0.7 of its largest activation), one middling (0.2 to
/// 0.55, another digit) and one silent (a third digit), in a shuffled order.
fn drawn(
    args: &Args,
    an: &Analyses,
    rng: &mut impl rand::Rng,
) -> Result<(usize, Vec<Printed>), Fail> {
    let hidden = an.model().hidden();
    let test = &an.p.dataset.test;
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
    Ok((p, imgs))
}

/// The key of `pair` on each printed digit, from the weights.
fn key_rows(model: &Mlp, pair: usize, bias: f64, images: &[Printed]) -> Vec<Row> {
    let row = model.w1.row(pair);
    let mut rows = Vec::new();
    for (sel, pixels, label) in images {
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
        rows.push(Row {
            sel: sel.clone(),
            label: *label,
            pos,
            neg,
            pre,
            act: pre.max(0.0),
            ink,
        });
    }
    rows
}

/// The digits' letters from the largest value to the smallest: `B > A > C`.
fn rank(vals: &[f64]) -> String {
    let mut idx: Vec<usize> = (0..vals.len()).collect();
    idx.sort_by(|&a, &b| vals[b].total_cmp(&vals[a]));
    idx.iter()
        .map(|&i| LETTERS[i])
        .collect::<Vec<_>>()
        .join(" > ")
}

/// The letters of the digits the key does not fire for, or `none`.
fn silent(vals: &[f64]) -> String {
    let s: Vec<&str> = (0..vals.len())
        .filter(|&i| vals[i] <= 0.0)
        .map(|i| LETTERS[i])
        .collect();
    if s.is_empty() {
        "none".into()
    } else {
        s.join(", ")
    }
}

/// Refuses activations too alike to rank on paper: any two closer than a
/// tenth of the largest, or none above 0.
fn check_apart(args: &Args, pair: usize, acts: &[f64]) -> Result<(), Fail> {
    let max = acts.iter().copied().fold(0.0, f64::max);
    let mut sorted = acts.to_vec();
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
    Ok(())
}

/// The key: the ranking and the silent digits, the table of each digit's
/// numbers, and the usual wrong rankings (by ink, by the + panel only)
/// where they differ from the right one.
fn key_of(rows: &[Row], acts: &[f64], bias: f64) -> Key {
    let mut key = Key::default();
    key.fin("ranking", rank(acts));
    key.fin("does not fire for", silent(acts));
    let mut table = String::from(
        "<table class=\"given-table\"><caption>The key on each digit (pixel values ÷ 255)</caption><thead><tr><th scope=\"col\">digit</th><th scope=\"col\">+ weights × ink</th><th scope=\"col\">− weights × ink</th><th scope=\"col\">bias</th><th scope=\"col\">match</th><th scope=\"col\">activation</th></tr></thead><tbody>",
    );
    for (i, r) in rows.iter().enumerate() {
        table.push_str(&format!(
            "<tr><th scope=\"row\">{} ({}, a {})</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            LETTERS[i],
            escape_attr(&r.sel),
            r.label.map_or("?".into(), |l| l.to_string()),
            crate::num::fixed(r.pos, 3),
            crate::num::fixed(r.neg, 3),
            crate::num::fixed(bias, 3),
            crate::num::fixed(r.pre, 3),
            crate::num::fixed(r.act, 3)
        ));
    }
    table.push_str("</tbody></table>");
    key.notes.push(table);
    let inks: Vec<f64> = rows.iter().map(|r| r.ink).collect();
    if rank(&inks) != rank(acts) {
        key.slips.push(Slip {
            credit: None,
            answer: rank(&inks),
            why: "ranked by how much ink each digit has: the key's − weights subtract, so more ink in the wrong places lowers the match.".into(),
        });
    }
    let positives: Vec<f64> = rows.iter().map(|r| r.pos).collect();
    if rank(&positives) != rank(acts) {
        key.slips.push(Slip {
            credit: None,
            answer: rank(&positives),
            why: "only the + panel was read: ink on the − weights was ignored.".into(),
        });
    }
    key
}

/// The given: the key as a heat map with its bias, and the three digits.
fn given_html(
    number: usize,
    pair: usize,
    view: &PairView,
    bias: f64,
    images: &[Printed],
) -> String {
    let key_fig =
        crate::figures::digits::key_heatmap(&format!("ex{number}-key"), view, Variant::Print);
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
    given_html
}
