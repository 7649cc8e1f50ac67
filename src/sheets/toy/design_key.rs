//! Type 5a (`design-key`): write a key with a bias that fires only when
//! every named pixel is inked; and which pixels each variant names.

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

/// Type 5a: write a key (with a bias) that fires only when every named
/// pixel is inked.
pub(super) fn instance(spec: &ExSpec, given: &Given) -> Result<Instance, String> {
    let net = &given.net;
    let pixels = &spec.pixels;
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
    // The independent check: the key fires on exactly the right images.
    let wrong: Vec<usize> = (0..images.len())
        .filter(|&i| fires(&weights, bias, &images[i]) != should(&images[i]))
        .collect();
    if !wrong.is_empty() {
        return Err("bug: the designed key fires on the wrong images".into());
    }
    let mut key = Key::default();
    let all_on: Vec<Decimal> = want
        .iter()
        .map(|&w| if w { Decimal::ONE } else { Decimal::ZERO })
        .collect();
    let mut one_off = all_on.clone();
    if let Some(i) = want.iter().position(|&w| w) {
        one_off[i] = Decimal::ZERO;
    }
    for (label, x) in [
        ("every named pixel inked", &all_on),
        ("one of them blank", &one_off),
    ] {
        let z = key.step(
            format!("{label}: match"),
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
    let count = |w: &[Decimal], b: Decimal| images.iter().filter(|x| fires(w, b, x)).count();
    let right = count(&weights, bias);
    let without = count(&weights, Decimal::ZERO);
    key.slips.push(Slip {
        credit: None,
        answer: format!("key {}, bias 0", vector(&weights)),
        why: format!(
            "no bias: the key fires whenever any named pixel is inked ({without} of the {} images instead of {right}). The bias is the threshold that makes it wait for all of them.",
            images.len()
        ),
    });
    let low = -Decimal::from(pixels.len() as i64);
    key.slips.push(Slip {
        credit: None,
        answer: format!("key {}, bias {}", vector(&weights), n(&low)),
        why: format!(
            "a bias of {} is too strict: even with every named pixel inked the match is 0, and ReLU(0) = 0, so the key never fires. A neuron fires only when its match is above 0.",
            n(&low)
        ),
    });
    key.notes.push(format!(
        "Any key that puts positive weight on {} and zero or negative weight elsewhere, with a bias between −(sum of those weights) and −(sum minus the smallest of them), also works: check it on the {} black-and-white images. With the key above it fires on {right} of them: {}.",
        pixels.join(" and "),
        images.len(),
        images
            .iter()
            .filter(|x| fires(&weights, bias, x))
            .map(|x| format!("({})", x.iter().map(n).collect::<Vec<_>>().join(", ")))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let given_html = given_html(net, pixels);
    let parts = vec![Part {
        text: "Your key, one weight per pixel, and its bias:".to_string(),
        boxes: net
            .inputs
            .iter()
            .zip(&weights)
            .map(|(name, w)| AnswerBox::new(format!("weight on {name}"), n(w)))
            .chain(std::iter::once(AnswerBox::new("bias", n(&bias))))
            .collect(),
    }];
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
    format!(
        "<p class=\"given-note\">The image is {rows} × {cols} pixels, named as below; an inked pixel is 1, a blank one 0. The key must fire (match above 0) when {} are all inked, and stay at 0 otherwise.</p>\n{layout}",
        pixels
            .iter()
            .map(|p| escape_attr(p))
            .collect::<Vec<_>>()
            .join(" and ")
    )
}
