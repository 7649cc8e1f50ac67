//! Knock-outs: the pairs that vote most for a digit removed (set to zero,
//! to their mean, or zeroed with b2 refitted), against a seeded random
//! control of the same size.

use super::TestActivations;
use super::refit::refit_bias;
use crate::kv::image::DIGITS;
use crate::nn::Mlp;
use ndarray::Array2;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// How removed pairs are replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KnockoutMode {
    /// Their activations are set to 0.
    Zero,
    /// Their activations are replaced by their mean over the test set.
    Mean,
    /// Zero-ablation, then b2 refitted on the training set (cross-entropy):
    /// does a constant explain the collapse?
    Refit,
}

/// One variant's effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnockoutEffect {
    pub removed: Vec<usize>,
    /// Accuracy per true digit after the knock-out.
    pub accuracy: [f64; DIGITS],
    pub overall: f64,
    /// Mean over test images of the change in each logit.
    pub mean_logit_change: [f64; DIGITS],
    /// The refitted b2 (refit mode only).
    pub refit_b2: Option<[f32; DIGITS]>,
}

/// A knock-out of the pairs that vote most for `digit`, with a random control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Knockout {
    pub digit: usize,
    pub k: usize,
    pub mode: KnockoutMode,
    pub before: [f64; DIGITS],
    pub before_overall: f64,
    pub targeted: KnockoutEffect,
    /// The same number of pairs chosen at random (seeded), same mode.
    pub control: KnockoutEffect,
}

/// Seed of the random control.
pub const CONTROL_SEED: u64 = 12345;

/// The k pairs whose value favours `digit` most: v_d − max_{c≠d} v_c,
/// largest first, ties by index.
pub fn top_for_digit(m: &Mlp, digit: usize, k: usize) -> Vec<usize> {
    let mut scored: Vec<(f32, usize)> = (0..m.hidden())
        .map(|i| {
            let vd = m.w2[[digit, i]];
            let other = (0..DIGITS)
                .filter(|&c| c != digit)
                .map(|c| m.w2[[c, i]])
                .fold(f32::NEG_INFINITY, f32::max);
            (vd - other, i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(k).map(|(_, i)| i).collect()
}

/// Knocks out the top `k` pairs for `digit` on the test set (`test`), with
/// training activations `train` used only by the refit.
pub fn knockout(
    m: &Mlp,
    test: &TestActivations,
    train: Option<&TestActivations>,
    digit: usize,
    k: usize,
    mode: KnockoutMode,
) -> Knockout {
    let k = k.min(m.hidden());
    let targeted = top_for_digit(m, digit, k);
    let mut all: Vec<usize> = (0..m.hidden()).collect();
    all.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(CONTROL_SEED));
    let mut random: Vec<usize> = all.into_iter().take(k).collect();
    random.sort_unstable();
    let (before, before_overall) = accuracy(&test.logits, &test.labels);
    Knockout {
        digit,
        k,
        mode,
        before,
        before_overall,
        targeted: effect(m, test, train, targeted, mode),
        control: effect(m, test, train, random, mode),
    }
}

pub(super) fn effect(
    m: &Mlp,
    test: &TestActivations,
    train: Option<&TestActivations>,
    removed: Vec<usize>,
    mode: KnockoutMode,
) -> KnockoutEffect {
    let means: Vec<f64> = removed
        .iter()
        .map(|&i| {
            test.hidden
                .column(i)
                .iter()
                .map(|&a| f64::from(a))
                .sum::<f64>()
                / test.labels.len().max(1) as f64
        })
        .collect();
    // logits − a_i·v_i (+ mean_i·v_i) for every removed pair i.
    let ablate = |acts: &TestActivations, replace_with_mean: bool| -> Array2<f32> {
        let mut logits = acts.logits.clone();
        for (mut out, h) in logits.rows_mut().into_iter().zip(acts.hidden.rows()) {
            for (j, &i) in removed.iter().enumerate() {
                let shift = if replace_with_mean { means[j] } else { 0.0 } - f64::from(h[i]);
                for d in 0..DIGITS {
                    out[d] += (shift * f64::from(m.w2[[d, i]])) as f32;
                }
            }
        }
        logits
    };
    let mut logits = ablate(test, mode == KnockoutMode::Mean);
    let mut refit_b2 = None;
    if mode == KnockoutMode::Refit
        && let Some(train) = train
    {
        let train_logits = ablate(train, false);
        let delta = refit_bias(&train_logits, &train.labels);
        for mut row in logits.rows_mut() {
            for d in 0..DIGITS {
                row[d] += delta[d] as f32;
            }
        }
        refit_b2 = Some(std::array::from_fn(|d| m.b2[d] + delta[d] as f32));
    }
    let (accuracy, overall) = accuracy(&logits, &test.labels);
    let n = test.labels.len().max(1) as f64;
    let mean_logit_change = std::array::from_fn(|d| {
        logits
            .column(d)
            .iter()
            .zip(test.logits.column(d))
            .map(|(a, b)| f64::from(a - b))
            .sum::<f64>()
            / n
    });
    KnockoutEffect {
        removed,
        accuracy,
        overall,
        mean_logit_change,
        refit_b2,
    }
}

/// Per-digit and overall accuracy of logits against labels (ties count as wrong).
pub fn accuracy(logits: &Array2<f32>, labels: &[u8]) -> ([f64; DIGITS], f64) {
    let mut right = [0usize; DIGITS];
    let mut total = [0usize; DIGITS];
    for (row, &l) in logits.rows().into_iter().zip(labels) {
        let d = usize::from(l).min(DIGITS - 1);
        total[d] += 1;
        if row.as_slice().and_then(crate::nn::argmax_unique) == Some(d) {
            right[d] += 1;
        }
    }
    let acc = std::array::from_fn(|d| {
        if total[d] == 0 {
            0.0
        } else {
            right[d] as f64 / total[d] as f64
        }
    });
    let all = right.iter().sum::<usize>() as f64 / labels.len().max(1) as f64;
    (acc, all)
}
