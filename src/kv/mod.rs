//! The key-value view of the network. Hidden neuron i is a pair:
//! key k_i = (row i of W1, b1_i), value v_i = column i of W2, and
//!   logits = b2 + Σ_i ReLU(k_i · x + b1_i) · v_i.
//! This module owns that regrouping; the analyses in its submodules build
//! on it.

pub mod claims;
pub mod image;
pub mod linear;
pub mod memo;
pub mod mistakes;
pub mod pair;
pub mod population;
pub mod select;
#[cfg(test)]
pub(crate) mod testnet;
pub mod toy;

use crate::data::Split;
use crate::nn::Mlp;
use crate::nn::mlp::{INPUTS, OUTPUTS, pixels};
use serde::{Deserialize, Serialize};

/// Result of checking, image by image, that the pairs' scaled values add up
/// to the ordinary forward pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecompositionCheck {
    pub images: usize,
    pub pairs: usize,
    /// Largest |logit(forward) − logit(sum over pairs)| over all images and digits.
    pub max_abs_diff: f32,
    /// Tolerance used: 1e-4 × (1 + the sum of the absolute terms).
    pub passed: bool,
}

/// Checks the identity on every image of `split`: the forward pass (f32
/// matrix products) against b2 + Σ_i a_i · v_i summed pair by pair in f64,
/// with the activations of a batched key match.
pub fn check_decomposition(m: &Mlp, split: &Split) -> DecompositionCheck {
    const CHUNK: usize = 1000;
    let mut max_abs_diff = 0.0f32;
    let mut passed = true;
    let hidden = m.hidden();
    let w2: Vec<f64> = m.w2.iter().map(|&v| f64::from(v)).collect();
    let mut start = 0;
    while start < split.len() {
        let end = (start + CHUNK).min(split.len());
        let x = pixels(&split.images[start * INPUTS..end * INPUTS]);
        let acts = m.forward(x.view());
        for (r, a) in acts.hidden.rows().into_iter().enumerate() {
            for c in 0..OUTPUTS {
                let mut sum = f64::from(m.b2[c]);
                let mut scale = sum.abs();
                for (i, &ai) in a.iter().enumerate() {
                    if ai > 0.0 {
                        let term = f64::from(ai) * w2[c * hidden + i];
                        sum += term;
                        scale += term.abs();
                    }
                }
                let diff = (f64::from(acts.logits[[r, c]]) - sum).abs();
                max_abs_diff = max_abs_diff.max(diff as f32);
                if diff.is_nan() || diff > 1e-4 * (1.0 + scale) {
                    passed = false;
                }
            }
        }
        start = end;
    }
    DecompositionCheck {
        images: split.len(),
        pairs: hidden,
        max_abs_diff,
        passed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn pairs_add_up_to_the_forward_pass_on_every_image() {
        let mut m = Mlp::init(12, &mut rand_chacha::ChaCha8Rng::seed_from_u64(2));
        m.b1.iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = i as f32 * 0.01 - 0.05);
        m.b2.iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = i as f32 * 0.1);
        let split = Split {
            images: (0..1500 * INPUTS).map(|p| (p * 7 % 256) as u8).collect(),
            labels: vec![1; 1500],
        };
        let ok = check_decomposition(&m, &split);
        assert!(ok.passed, "{ok:?}");
        assert_eq!((ok.images, ok.pairs), (1500, 12));
        assert!(ok.max_abs_diff < 1e-4);
    }
}
