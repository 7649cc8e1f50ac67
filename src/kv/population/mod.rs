//! The population view: what each pair votes for versus what makes it fire,
//! and honest knock-outs. Computed from one batched pass over the test set
//! ([`TestActivations`]), shared by every analysis here.
//!
//! The parts: `votes` (votes-for versus fires-on, per pair and as tables),
//! `knockout` (removing pairs, with a random control) and `refit` (the
//! output bias refitted after a knock-out). This file holds the batched pass.

/// The share of the pairs (in percent) a knock-out removes unless told
/// otherwise: the course's figures, the `figure`, `value` and `claim`
/// shortcodes, the notebook and `kvlens knockout` (a macro too, so docs can
/// name it with `concat!`). A share, not a count, so that the same sentence
/// means the same experiment in a network of 64 pairs and one of 1024.
macro_rules! default_k_percent {
    () => {
        10
    };
}
pub(crate) use default_k_percent;

/// See [`default_k_percent`].
pub const DEFAULT_K_PERCENT: usize = default_k_percent!();

/// The default knock-out size for a network of `hidden` pairs:
/// `DEFAULT_K_PERCENT` % of them, rounded half up, at least 1
/// (26 of 256, 6 of 64, 102 of 1024).
pub fn default_k(hidden: usize) -> usize {
    ((hidden * DEFAULT_K_PERCENT + 50) / 100).clamp(1, hidden.max(1))
}

mod knockout;
mod refit;
#[cfg(test)]
mod tests;
mod votes;

pub use knockout::{
    CONTROL_SEED, Knockout, KnockoutEffect, KnockoutMode, accuracy, knockout, top_for_digit,
};
pub use refit::refit_bias;
pub use votes::{
    ALWAYS_ON_RATE, PairKind, PairProfile, SELECTIVE_SHARE, SelectiveByDigit, VotesFiresGrid,
    VotesVsFires, selective_by_digit, votes_fires_grid, votes_vs_fires,
};

use super::image::DIGITS;
use crate::data::Split;
use crate::nn::Mlp;
use crate::nn::mlp::{INPUTS, pixels};
use ndarray::Array2;

/// Hidden activations and logits of every image of a split, with labels.
pub struct TestActivations {
    /// (n, H): a_i for each image.
    pub hidden: Array2<f32>,
    /// (n, 10).
    pub logits: Array2<f32>,
    pub labels: Vec<u8>,
}

/// One batched forward pass over `split` (chunks of 1000 images).
pub fn activations(m: &Mlp, split: &Split) -> TestActivations {
    const CHUNK: usize = 1000;
    let n = split.len();
    let mut hidden = Array2::zeros((n, m.hidden()));
    let mut logits = Array2::zeros((n, DIGITS));
    let mut start = 0;
    while start < n {
        let end = (start + CHUNK).min(n);
        let acts = m.forward(pixels(&split.images[start * INPUTS..end * INPUTS]).view());
        hidden
            .slice_axis_mut(ndarray::Axis(0), ndarray::Slice::from(start..end))
            .assign(&acts.hidden);
        logits
            .slice_axis_mut(ndarray::Axis(0), ndarray::Slice::from(start..end))
            .assign(&acts.logits);
        start = end;
    }
    TestActivations {
        hidden,
        logits,
        labels: split.labels.clone(),
    }
}
