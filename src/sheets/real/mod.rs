//! Exercises on the trained MNIST network (types 6 and 7): a real key
//! against three printed digits, and a real image's top pairs with one
//! taken away. The numbers come from the model; the key's arithmetic on
//! the printed (rounded) numbers is exact, and checked against the model.
//!
//! One file per type (`rank_digits`, `remove_pair`), each with its key
//! (`rank_key`, `remove_key`); the draw and fairness check of the first
//! (`rank_draw`, `ink`) and its picture (`panels`); here the seeded
//! generator both draw from and the helpers they share.
//!
//! Neighbouring variants never share final answers: each type derives from
//! the exercise's seed an `offset` that every variant shares, and variant v
//! takes the `(offset + v)`-th of a cycle of answers (the order of the
//! letters in `rank-digits`; the parity of the image's digit in
//! `remove-pair`), so v and v + 1 always differ.

mod ink;
mod panels;
mod rank_digits;
mod rank_draw;
mod rank_key;
mod remove_key;
mod remove_pair;

use super::Instance;
use super::spec::{ExSpec, ExType};
use crate::analysis::Analyses;
use crate::nn::mlp::argmax_unique;
use crate::shortcodes::{Args, Fail};
use rust_decimal::Decimal;

/// The printed digits' names, in order.
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

/// `x` as printed: two decimals, or as many more (up to six) as it takes
/// not to print a number that is not 0 as 0.
fn shown(x: f64) -> Decimal {
    for digits in 2..=6 {
        let d = dec(x, digits);
        if !d.is_zero() || x == 0.0 {
            return d;
        }
    }
    dec(x, 6)
}

/// Builds a real-network exercise of one variant; its draws come from a
/// generator seeded by `seed` and the variant.
pub(crate) fn instance(
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
    // Shared by every variant of this exercise.
    let offset = usize::from(seed[0]);
    match spec.ty {
        ExType::RankDigits => {
            rank_digits::instance(spec, args, an, variant, offset, &mut rng, number)
        }
        _ => remove_pair::instance(spec, args, an, variant, offset, &mut rng, number),
    }
}

/// Whether the model reads test image `i` right, as the evaluation counts
/// it (a tie at the top is wrong).
fn read_right(acts: &crate::kv::population::TestActivations, i: usize) -> bool {
    acts.logits.row(i).as_slice().and_then(argmax_unique) == Some(acts.labels[i] as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_that_is_not_0_never_prints_as_0() {
        assert_eq!(shown(0.0047).to_string(), "0.005");
        assert_eq!(shown(-0.00004).to_string(), "-0.00004");
        assert_eq!(shown(1.2345).to_string(), "1.23");
        assert!(shown(0.0).is_zero());
    }
}
