//! Type 5a (`design-key`): write a key with a bias that fires only when
//! both (every) named pixels are inked, check it on each combination of
//! them, and see why "exactly one" has no single-neuron answer; and which
//! pixels each variant names. Any design that does the job is accepted:
//! the key states the exact condition.

use super::drawing::pixels_table;
use super::draws::all_images;
use super::given::Given;
use crate::kv::toy::ToyNet;
use crate::markdown::escape_attr;
use crate::sheets::key::{Expr, Key, Slip, n, vector};
use crate::sheets::spec::ExSpec;
use crate::sheets::{AnswerBox, Instance, Part, Teaches};
use rust_decimal::Decimal;

/// Which inputs the drawn variant's design task names.
pub(crate) fn design_pixels(
    spec: &ExSpec,
    net: &ToyNet,
    variant: u32,
    seed: [u8; 32],
) -> Vec<String> {
    if variant <= 1 {
        return spec.pixels.clone();
    }
    // Every choice of the same number of inputs, in order; variant k takes
    // the k-th of a seeded shuffle (variant 1's choice first).
    let k = net.inputs.len();
    let want = spec.pixels.len();
    let mut choices: Vec<Vec<String>> = (1u32..(1 << k))
        .filter(|c| c.count_ones() as usize == want)
        .map(|c| {
            (0..k)
                .filter(|i| c >> (k - 1 - i) & 1 == 1)
                .map(|i| net.inputs[i].clone())
                .collect()
        })
        .collect();
    let first = spec.pixels.clone();
    choices.retain(|c| *c != first);
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::from_seed(seed);
    rand::seq::SliceRandom::shuffle(choices.as_mut_slice(), &mut rng);
    if choices.is_empty() {
        return first;
    }
    choices[(variant as usize - 2) % choices.len()].clone()
}

/// The combinations of the named pixels (the others blank), as images:
/// none inked first, all inked last.
fn checks(net: &ToyNet, pixels: &[String]) -> Vec<(String, Vec<Decimal>)> {
    let idx: Vec<usize> = pixels
        .iter()
        .filter_map(|p| net.inputs.iter().position(|i| i == p))
        .collect();
    let k = idx.len();
    let mut rows: Vec<u32> = (0..(1u32 << k)).collect();
    rows.sort_by_key(|c| (c.count_ones(), std::cmp::Reverse(*c)));
    rows.into_iter()
        .map(|c| {
            let mut x = vec![Decimal::ZERO; net.inputs.len()];
            let mut on = Vec::new();
            for (j, &i) in idx.iter().enumerate() {
                if c >> (k - 1 - j) & 1 == 1 {
                    x[i] = Decimal::ONE;
                    on.push(escape_attr(&net.inputs[i]));
                }
            }
            let label = match on.len() {
                0 => "neither inked".to_string(),
                n if n == k && k == 2 => "both inked".to_string(),
                n if n == k => "all inked".to_string(),
                _ => format!("only {} inked", on.join(" and ")),
            };
            (label, x)
        })
        .collect()
}

/// The boxes as a learner with design (`w`, `b`) fills them: the weights
/// and the bias, then each check row's sum and whether it fires. The
/// accepted answers are any design that passes; `want` says on which rows
/// a design must fire.
fn parts(net: &ToyNet, pixels: &[String], w: &[Decimal], b: Decimal, condition: &str) -> Vec<Part> {
    let mut parts = vec![Part {
        text: "Your key, one weight per pixel, and its bias:".to_string(),
        boxes: net
            .inputs
            .iter()
            .zip(w)
            .map(|(name, w)| {
                AnswerBox::narrow(format!("weight on {name}"), n(w))
                    .accepting(format!("any weight of a design that {condition}"))
            })
            .chain(std::iter::once(
                AnswerBox::narrow("bias", n(&b))
                    .accepting(format!("any bias of a design that {condition}"))
                    .worth(2),
            ))
            .collect(),
    }];
    let rows = checks(net, pixels);
    let last = rows.len().saturating_sub(1);
    for (r, (label, x)) in rows.iter().enumerate() {
        let z: Decimal = w.iter().zip(x).map(|(w, x)| w * x).sum::<Decimal>() + b;
        let z = z.normalize();
        let fires = if z > Decimal::ZERO { "yes" } else { "no" };
        let must = if r == last { "yes" } else { "no" };
        parts.push(Part {
            text: format!("Check, {label}:"),
            boxes: vec![
                AnswerBox::new("w·x + bias", n(&z))
                    .accepting("the learner's own design's sum, computed right"),
                AnswerBox::narrow("fires? (yes/no)", fires).accepting(format!(
                    "“{must}” only: the design must {}fire here",
                    if must == "yes" { "" } else { "not " }
                )),
            ],
        });
    }
    parts
}

/// Points a design (`w`, `b`) earns when it is not a right one: the
/// weights that agree with `model`, every check sum (worked from the
/// learner's own design), and the "fires?" boxes of the rows where it
/// does what the task asks.
fn credit(net: &ToyNet, pixels: &[String], w: &[Decimal], b: Decimal, model: &[Decimal]) -> u32 {
    let weights = w.iter().zip(model).filter(|(a, m)| a == m).count() as u32;
    let rows = checks(net, pixels);
    let last = rows.len().saturating_sub(1);
    let fires_right = rows
        .iter()
        .enumerate()
        .filter(|(r, (_, x))| {
            let z: Decimal = w.iter().zip(x).map(|(w, x)| w * x).sum::<Decimal>() + b;
            (z > Decimal::ZERO) == (*r == last)
        })
        .count() as u32;
    weights + rows.len() as u32 + fires_right
}

/// Type 5a: write a key (with a bias) that fires only when every named
/// pixel is inked.
pub(super) fn instance(pixels: &[String], given: &Given) -> Result<Instance, String> {
    let net = &given.net;
    let k = net.inputs.len();
    let want: Vec<bool> = net.inputs.iter().map(|i| pixels.contains(i)).collect();
    let weights: Vec<Decimal> = want
        .iter()
        .map(|&w| if w { Decimal::ONE } else { Decimal::ZERO })
        .collect();
    let bias = -Decimal::from(pixels.len() as i64 - 1);
    let images = all_images(k);
    let fires = |w: &[Decimal], b: Decimal, x: &[Decimal]| -> bool {
        w.iter().zip(x).map(|(w, x)| w * x).sum::<Decimal>() + b > Decimal::ZERO
    };
    let should = |x: &[Decimal]| want.iter().zip(x).all(|(w, v)| !w || !v.is_zero());
    let right_on_all =
        |w: &[Decimal], b: Decimal| images.iter().all(|x| fires(w, b, x) == should(x));
    // The independent check: the key fires on exactly the right images.
    if !right_on_all(&weights, bias) {
        return Err("bug: the designed key fires on the wrong images".into());
    }
    let named = pixels.iter().map(|p| escape_attr(p)).collect::<Vec<_>>();
    let both = if named.len() == 2 { "both" } else { "all" };
    let mut key = Key::default();
    for (label, x) in checks(net, pixels) {
        let z = key.step(
            format!("{label}: w·x + bias"),
            Expr::Dot {
                terms: weights.iter().copied().zip(x.iter().copied()).collect(),
                plus: Some(bias),
            },
        )?;
        key.step(format!("{label}: ReLU"), Expr::Relu(z))?;
    }
    key.fin("key", vector(&weights));
    key.fin("bias", n(&bias));
    let expected = vec![
        ("key".to_string(), vector(&weights)),
        ("bias".to_string(), n(&bias)),
    ];
    let condition = format!(
        "passes the four checks and meets the condition in the key (it must fire when {} are {both} inked and stay silent otherwise, whatever the other pixels show)",
        named.join(" and ")
    );
    let condition = if named.len() == 2 {
        condition
    } else {
        condition.replace("the four checks", "every check")
    };
    let parts = parts(net, pixels, &weights, bias, &condition);
    let total = super::slips::total_points(&parts);
    let count = |w: &[Decimal], b: Decimal| images.iter().filter(|x| fires(w, b, x)).count();
    let right = count(&weights, bias);
    let without = count(&weights, Decimal::ZERO);
    key.slips.push(Slip {
        credit: Some(credit(net, pixels, &weights, Decimal::ZERO, &weights)),
        answer: format!("key {}, bias 0", vector(&weights)),
        why: format!(
            "no bias: the key fires whenever any named pixel is inked ({without} of the {} images instead of {right}). The bias is the threshold that makes it wait for {both} of them.",
            images.len()
        ),
    });
    let low = -Decimal::from(pixels.len() as i64);
    key.slips.push(Slip {
        credit: Some(credit(net, pixels, &weights, low, &weights)),
        answer: format!("key {}, bias {}", vector(&weights), n(&low)),
        why: format!(
            "a bias of {} is too strict: even with {both} named pixels inked the sum is 0, and ReLU(0) = 0, so the key never fires. A neuron fires only when its sum is above 0.",
            n(&low)
        ),
    });
    // A negative weight on another pixel: passes the checks on the sheet,
    // fails when that pixel is inked too.
    if let Some(o) = want.iter().position(|w| !w) {
        let mut w = weights.clone();
        let both_sum: Decimal = weights.iter().sum::<Decimal>() + bias;
        w[o] = -both_sum;
        if !right_on_all(&w, bias) {
            let mut x: Vec<Decimal> = weights.clone();
            x[o] = Decimal::ONE;
            let z: Decimal = w.iter().zip(&x).map(|(w, x)| w * x).sum::<Decimal>() + bias;
            key.slips.push(Slip {
                credit: Some(credit(net, pixels, &w, bias, &weights).min(total.saturating_sub(1))),
                answer: format!("key {}, bias {}", vector(&w), n(&bias)),
                why: format!(
                    "a negative weight on {}: the design passes the checks on the sheet (where {} is blank), but with {} inked and {} inked too the sum is {}, so it does not fire. The other pixels must not switch the neuron off.",
                    escape_attr(&net.inputs[o]),
                    escape_attr(&net.inputs[o]),
                    named.join(" and "),
                    escape_attr(&net.inputs[o]),
                    n(&z.normalize())
                ),
            });
        }
    }
    let others: Vec<String> = net
        .inputs
        .iter()
        .filter(|i| !pixels.contains(i))
        .map(|i| escape_attr(i))
        .collect();
    let ws: Vec<String> = named.iter().map(|p| format!("w<sub>{p}</sub>")).collect();
    let max_part = if named.len() == 2 {
        format!("max({}, {}, 0)", ws[0], ws[1])
    } else {
        format!(
            "the largest sum of the weights on {} with at least one of them left out (0 for none)",
            named.join(", ")
        )
    };
    key.notes.push(format!(
        "Accept any design that does the job. The exact condition, over all {} images: write P for the sum of the positive weights on {} and N for the sum of the negative ones. The design is right exactly when {} + bias + N &gt; 0 (it fires with {} inked, even when the other pixels pull down) and {max_part} + bias + P ≤ 0 (it stays silent otherwise, even when the other pixels push up). With zero weights on {}, that is: the bias lies in the interval from −({}) to −{max_part}, open at the lower end (a sum of exactly 0 does not fire) and closed at the upper end. The four checks on the sheet leave the other pixels blank, so a weight there must be judged with this condition.",
        images.len(),
        others.join(" and "),
        ws.join(" + "),
        named.join(" and "),
        others.join(" and "),
        ws.join(" + "),
    ));
    key.notes.push(format!(
        "The key above fires on {right} of the {} images: {}.",
        images.len(),
        images
            .iter()
            .filter(|x| fires(&weights, bias, x))
            .map(|x| format!("({})", x.iter().map(n).collect::<Vec<_>>().join(", ")))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if named.len() == 2 {
        let (p, q) = (&named[0], &named[1]);
        key.stretch = vec![format!(
            "No. Call the weights on {p} and {q} w<sub>{p}</sub> and w<sub>{q}</sub> (the other pixels blank). Firing on {p} alone needs w<sub>{p}</sub> + bias &gt; 0, firing on {q} alone needs w<sub>{q}</sub> + bias &gt; 0, and staying silent with neither inked needs bias ≤ 0. Add the first two: w<sub>{p}</sub> + w<sub>{q}</sub> + bias &gt; −bias ≥ 0, so the neuron also fires with both inked. A single neuron splits the four combinations with one straight line, and “exactly one” cannot be cut off from “both” and “neither” that way: it takes two neurons."
        )];
    }
    let given_html = given_html(net, pixels);
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        teaches: Teaches {
            inactive: true,
            active: true,
            threshold: true,
            ..Default::default()
        },
        fingerprint: format!("pixels {}", pixels.join(" ")),
        ..Default::default()
    })
}

/// The given: the task in words, and the pixels' names in their layout.
fn given_html(net: &ToyNet, pixels: &[String]) -> String {
    let k = net.inputs.len();
    let (rows, cols) = net.layout.unwrap_or((1, k));
    let layout = pixels_table(net, &vec![Decimal::ZERO; k], "the pixels");
    let named = pixels.iter().map(|p| escape_attr(p)).collect::<Vec<_>>();
    format!(
        "<p class=\"given-note\">The image is {rows} × {cols} pixels, named as below; an inked pixel is 1, a blank one 0. The neuron must fire (w·x + bias above 0) when {} are {} inked, and stay at 0 otherwise, whatever the other pixels show.</p>\n{layout}",
        named.join(" and "),
        if named.len() == 2 { "both" } else { "all" }
    )
}
