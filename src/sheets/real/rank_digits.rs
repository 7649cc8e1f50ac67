//! Type 6 (`rank-digits`): one key of the trained network against three
//! printed digits, ranked by how strongly it fires. Variant 1 may name the
//! pair and digits; otherwise a seeded draw ([`super::rank_draw`]) picks a
//! key with visible structure and three correctly read test digits that
//! are fair to rank by eye. Every variant's ranking differs from its
//! neighbours': the draw's roles (strong, weak, silent) go to the letters
//! A, B, C in the `(offset + variant) mod 6`-th of the six orders.

use super::ink::{Ink, matches, structure, thicker};
use super::rank_draw::{self, PLACES, not_apart};
use super::rank_key::{
    RANK_POINTS, REASON_POINTS, Row, SILENT_POINTS, key_of, rank, reason, sg, silent, stretch,
};
use super::{LETTERS, Printed, batch, panels};
use crate::analysis::Analyses;
use crate::markdown::escape_attr;
use crate::nn::Mlp;
use crate::sheets::spec::ExSpec;
use crate::sheets::{AnswerBox, Instance, Part, Teaches};
use crate::shortcodes::{Args, Fail};

/// Type 6: rank three digits by how strongly one key fires.
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
    let written_given = spec.pair.is_some() && !spec.examples.is_empty();
    let (pair, images) = if variant == 1 && written_given {
        let (pair, images) = written(spec, args, an)?;
        let ms: Vec<[f64; 3]> = images.iter().map(|i| matches(model, pair, &i.1)).collect();
        if let Some(why) = not_apart(&ms) {
            return Err(Fail::new(
                args.at("examples") + 1,
                format!("the key of pair {pair} is not fair to rank these digits by eye: {why}"),
            )
            .hint(format!(
                "choose digits whose matches stay below −{m} or above +{m} whether ink is read as gray levels, any ink or dark ink, with firing ones {r} times apart; or leave out pair and examples to let kvlens choose",
                m = rank_draw::MARGIN,
                r = rank_draw::RATIO
            )));
        }
        (pair, images)
    } else {
        // The order of the six in which this variant prints its digits: a
        // written variant 1's ranking is skipped by variant 2.
        let mut k = (offset + variant as usize) % PLACES.len();
        if variant == 2 && written_given {
            let (p, imgs) = written(spec, args, an)?;
            let acts: Vec<f64> = key_rows(model, p, &imgs).iter().map(|r| r.act).collect();
            let ranks = |k: usize| {
                let mut a = [0.0; 3];
                for (role, v) in [2.0, 1.0, 0.0].into_iter().enumerate() {
                    a[PLACES[k][role]] = v;
                }
                rank(&a)
            };
            if ranks(k) == rank(&acts) {
                k = (offset + 4) % PLACES.len();
            }
        }
        drawn(args, an, rng, k)?
    };
    let bias = f64::from(model.b1[pair]);
    let rows = key_rows(model, pair, &images);
    // Independent: the batched forward pass's activations give the answers.
    let fwd: Vec<f64> = images
        .iter()
        .map(|(_, pixels, _)| f64::from(model.forward(batch(pixels).view()).hidden[[0, pair]]))
        .collect();
    let acts: Vec<f64> = rows.iter().map(|r| r.act).collect();
    let weights = model.w1.row(pair).to_vec();
    let mut key = key_of(
        &rows,
        &acts,
        bias,
        structure(&weights),
        !(variant == 1 && written_given),
    );
    key.stretch = stretch(&rows);
    let expected = vec![
        ("ranking".to_string(), rank(&fwd)),
        ("does not fire for".to_string(), silent(&fwd)),
    ];
    let silent_accept = match silent(&acts).as_str() {
        "none" => "“none” or “it fires for all three”".to_string(),
        s if s.contains(',') => "the same letters in any order".to_string(),
        _ => String::new(),
    };
    let parts = vec![
        Part {
            text: "Rank the digits from the strongest response of the key to the weakest (write their letters):".into(),
            boxes: vec![
                AnswerBox::wide("strongest → weakest", key.finals[0].value.clone())
                    .accepting("the same order written with commas or words")
                    .worth(RANK_POINTS),
            ],
        },
        Part {
            text: "Which digit does the key not fire for at all? Write <em>none</em> if it fires for all three.".into(),
            boxes: vec![
                AnswerBox::new("digit, or none", key.finals[1].value.clone())
                    .accepting(silent_accept)
                    .worth(SILENT_POINTS),
            ],
        },
        Part {
            text: "For each digit, one line: where does its ink fall on the + weights, and where on the − weights?".into(),
            boxes: rows
                .iter()
                .zip(LETTERS)
                .map(|(r, l)| {
                    AnswerBox::wide(l, reason(r, bias))
                        .accepting(format!(
                            "any line that puts its ink mainly on the {} panel{}",
                            if r.on_plus >= 0.5 { "+" } else { "−" },
                            if r.act > 0.0 { " and says it fires" } else { " or says the − weights and the bias outweigh the + weights" }
                        ))
                        .worth(REASON_POINTS)
                })
                .collect(),
        },
    ];
    Ok(Instance {
        given_html: given_html(number, pair, &weights, bias, &images),
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

/// A drawn pair and three digits, printed in the `k`-th of the six orders.
fn drawn(
    args: &Args,
    an: &Analyses,
    rng: &mut impl rand::Rng,
    k: usize,
) -> Result<(usize, Vec<Printed>), Fail> {
    let (p, roles) = rank_draw::draw(an, rng).ok_or_else(|| {
        Fail::new(
            args.0.name_at,
            format!(
                "no key of this network with visible structure has three correctly read test digits that are fair to rank by eye (matches below −{m} or above +{m} under every reading of ink, firing ones {r} times apart)",
                m = rank_draw::MARGIN,
                r = rank_draw::RATIO
            ),
        )
        .hint("name a key and three digits with pair=… and examples=\"…; …; …\"")
    })?;
    let test = &an.p.dataset.test;
    let mut slots: Vec<Option<usize>> = vec![None; 3];
    for (role, &i) in roles.iter().enumerate() {
        slots[PLACES[k][role]] = Some(i);
    }
    let imgs = slots
        .into_iter()
        .flatten()
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
fn key_rows(model: &Mlp, pair: usize, images: &[Printed]) -> Vec<Row> {
    let row = model.w1.row(pair);
    let mut rows = Vec::new();
    for (sel, pixels, label) in images {
        let (mut pos, mut neg, mut ink, mut ink_plus) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for (w, &p) in row.iter().zip(pixels) {
            let x = Ink::Gray.of(p);
            let t = f64::from(*w) * x;
            if *w > 0.0 {
                pos += t;
                ink_plus += x;
            } else {
                neg += t;
            }
            ink += x;
        }
        let by_ink = matches(model, pair, pixels);
        rows.push(Row {
            name: sel
                .replace("test:", "test image ")
                .replace("train:", "training image "),
            label: *label,
            pos,
            neg,
            by_ink,
            act: by_ink[0].max(0.0),
            ink,
            on_plus: if ink > 0.0 { ink_plus / ink } else { 0.0 },
            thicker: matches(model, pair, &thicker(pixels))[0],
        });
    }
    rows
}

/// The given: the key's two panels and the three digits at one scale, on
/// one grid, with the bias and the reading of ink in the caption.
fn given_html(
    number: usize,
    pair: usize,
    weights: &[f32],
    bias: f64,
    images: &[Printed],
) -> String {
    let [plus, minus] = panels::key_panels(weights);
    let mut pics = vec![plus, minus];
    for (i, (_, pixels, _)) in images.iter().enumerate() {
        pics.push(panels::digit(&format!("digit {}", LETTERS[i]), pixels));
    }
    panels::figure(
        &format!("ex{number}-key"),
        &format!("Key {pair} as a + panel and a − panel, and digits A, B and C"),
        &pics,
        &format!(
            "Key {pair} (bias <strong>{}</strong>) and the three digits, all at the same scale; the light grid lines fall every 7 pixels in all five pictures. In each key panel a darker cell is a larger weight (weights under {:.0} % of the largest are left white). A digit's ink is the gray level of each pixel, from 0 (white) to 1 (black).",
            escape_attr(&sg(bias)),
            panels::KEY_FLOOR * 100.0
        ),
        true,
    )
}
