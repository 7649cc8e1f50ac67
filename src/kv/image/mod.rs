//! How one image's prediction is built from key-value pairs.
//!
//! For image x (784 pixels in [0, 1]) and hidden neuron i:
//!   pre_i = k_i · x + b1_i, a_i = ReLU(pre_i), s_i = a_i · v_i (10 numbers),
//!   logits = b2 + Σ_i s_i.
//! Sums here are in f64 from the model's f32 weights, so rankings and cuts
//! are not disturbed by float noise. Everything is a pure function of
//! (model, image) and returns typed data for figures, pages and the CLI.
//!
//! The parts: `rankings` (the orders of the pairs, and the tail cut),
//! `flips` (where the prediction changes as pairs are added, and the lead
//! curve) and `profile` (how concentrated the activations are, and the
//! waterfall of the top pairs) and `margin` (a misread image against its
//! true digit: each pair's share of logit[predicted] − logit[true]). This
//! file holds the analysis itself.

/// How many pairs a waterfall draws one by one unless told otherwise (the
/// catalog's waterfalls and the `figure` shortcode; a macro too, for docs).
macro_rules! default_steps {
    () => {
        8
    };
}
pub(crate) use default_steps;

/// See [`default_steps`].
pub const DEFAULT_STEPS: usize = default_steps!();

mod flips;
mod margin;
mod profile;
#[cfg(test)]
mod props;
mod rankings;
#[cfg(test)]
mod tests;

pub use flips::{CONTROL_SHUFFLES, CurvePoint, Flip, FlipSummary, RandomControl, quantile};
pub use margin::{MarginAccount, MarginShare, MarginTop};
pub use profile::{ActivationProfile, Versus, Waterfall, WaterfallStep};
pub use rankings::{Ranking, TailCut};

use crate::data::PIXELS;
use crate::nn::Mlp;
use flips::flips;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rankings::{ranked, tail_n, top_two};
use serde::Serialize;

/// Number of digits.
pub const DIGITS: usize = 10;

/// The decision of a set of logits. A tie is a tie: nothing picks index 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "digits")]
pub enum Prediction {
    Unique(usize),
    Tie(Vec<usize>),
}

impl Prediction {
    pub fn of(logits: &[f64; DIGITS]) -> Prediction {
        let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let best: Vec<usize> = (0..DIGITS).filter(|&d| logits[d] == max).collect();
        match best.as_slice() {
            [d] => Prediction::Unique(*d),
            _ => Prediction::Tie(best),
        }
    }
    pub fn digit(&self) -> Option<usize> {
        match self {
            Prediction::Unique(d) => Some(*d),
            Prediction::Tie(_) => None,
        }
    }
}

/// One active pair's part in the image's logits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairContribution {
    /// Hidden neuron index (0-based).
    pub pair: usize,
    /// k_i · x + b1_i (positive for every listed pair).
    pub pre: f64,
    /// The bias b1_i inside `pre`.
    pub bias: f64,
    /// a_i = ReLU(pre).
    pub activation: f64,
    /// s_i = a_i · v_i.
    pub scaled: [f64; DIGITS],
    /// s_i[predicted] − s_i[runner-up]: what the pair adds to the lead.
    pub decision: f64,
    /// Σ_d |s_i[d]|.
    pub l1: f64,
}

/// Everything the workshop says about one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageAnalysis {
    pub label: Option<u8>,
    /// Pixels with ink (> 0): the only ones a key can see.
    pub inked_pixels: usize,
    pub logits: [f64; DIGITS],
    pub probabilities: [f64; DIGITS],
    pub prediction: Prediction,
    /// The predicted digit (or, on a tie, the lowest tied digit) and the best
    /// other digit; used for the lead.
    pub top: usize,
    pub runner_up: usize,
    /// logits[top] − logits[runner_up].
    pub lead: f64,
    pub active: usize,
    /// The active pairs, by pair index.
    pub pairs: Vec<PairContribution>,
    pub by_decision: FlipSummary,
    pub by_l1: FlipSummary,
    /// Controls: a seeded random order and bottom-first (decision ranking reversed).
    pub random_order: FlipSummary,
    pub bottom_first: FlipSummary,
    /// How many of the top 10 pairs the two rankings share.
    pub top10_overlap: usize,
    pub tail_cut: TailCut,
    pub profile: ActivationProfile,
    pub b2: [f64; DIGITS],
}

impl ImageAnalysis {
    pub fn pair(&self, index: usize) -> Option<&PairContribution> {
        self.pairs
            .binary_search_by_key(&index, |p| p.pair)
            .ok()
            .map(|i| &self.pairs[i])
    }
}

fn add(acc: &mut [f64; DIGITS], x: &[f64; DIGITS]) {
    for d in 0..DIGITS {
        acc[d] += x[d];
    }
}

/// The fraction of the lead / L1 mass the tail cut may leave out.
pub const TAIL_FRACTION: f64 = 0.05;
/// Seed of the random-order control.
pub const CONTROL_SEED: u64 = 7;

/// Analyses `image` (784 bytes) with `model`; `label` if known.
pub fn analyse(model: &Mlp, image: &[u8], label: Option<u8>) -> ImageAnalysis {
    let x: Vec<f64> = image
        .iter()
        .take(PIXELS)
        .map(|&p| f64::from(p) / 255.0)
        .collect();
    let inked: Vec<usize> = (0..x.len()).filter(|&p| x[p] > 0.0).collect();
    let b2: [f64; DIGITS] = std::array::from_fn(|d| f64::from(model.b2[d]));

    // Activations of every pair (only inked pixels contribute to k · x).
    let mut raw: Vec<(usize, f64, f64, [f64; DIGITS])> = Vec::new();
    for i in 0..model.hidden() {
        let key = model.w1.row(i);
        let bias = f64::from(model.b1[i]);
        let pre = inked.iter().map(|&p| f64::from(key[p]) * x[p]).sum::<f64>() + bias;
        if pre > 0.0 {
            let scaled = std::array::from_fn(|d| pre * f64::from(model.w2[[d, i]]));
            raw.push((i, pre, bias, scaled));
        }
    }
    let mut logits = b2;
    for r in &raw {
        add(&mut logits, &r.3);
    }
    let prediction = Prediction::of(&logits);
    let (top, runner_up) = top_two(&logits);
    let pairs: Vec<PairContribution> = raw
        .into_iter()
        .map(|(pair, pre, bias, scaled)| PairContribution {
            pair,
            pre,
            bias,
            activation: pre,
            scaled,
            decision: scaled[top] - scaled[runner_up],
            l1: scaled.iter().map(|v| v.abs()).sum(),
        })
        .collect();

    let by_decision_order = ranked(&pairs, |c| c.decision);
    let by_l1_order = ranked(&pairs, |c| c.l1);
    let mut random = pairs.iter().map(|c| c.pair).collect::<Vec<_>>();
    random.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(CONTROL_SEED));
    let bottom: Vec<usize> = by_decision_order.iter().rev().copied().collect();
    let summary = |order: Vec<usize>| flips(&pairs, &b2, order, &prediction);

    let top10_overlap = by_decision_order
        .iter()
        .take(10)
        .filter(|p| by_l1_order.iter().take(10).any(|q| q == *p))
        .count();
    let tail_cut = TailCut {
        fraction: TAIL_FRACTION,
        n_by_lead: tail_n(
            &pairs,
            &by_decision_order,
            |c| c.decision.max(0.0),
            TAIL_FRACTION,
        ),
        n_by_l1: tail_n(&pairs, &by_l1_order, |c| c.l1, TAIL_FRACTION),
    };
    let mut sorted: Vec<f64> = pairs.iter().map(|c| c.activation).collect();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = sorted.iter().sum();
    let top10_share = if total > 0.0 {
        sorted.iter().take(10).sum::<f64>() / total
    } else {
        0.0
    };
    let profile = ActivationProfile {
        sorted,
        top10_share,
        ink: x.iter().sum(),
    };

    ImageAnalysis {
        label,
        inked_pixels: inked.len(),
        logits,
        probabilities: softmax(&logits),
        prediction: prediction.clone(),
        top,
        runner_up,
        lead: logits[top] - logits[runner_up],
        active: pairs.len(),
        by_decision: summary(by_decision_order.clone()),
        by_l1: summary(by_l1_order.clone()),
        random_order: summary(random),
        bottom_first: summary(bottom),
        pairs,
        top10_overlap,
        tail_cut,
        profile,
        b2,
    }
}

pub fn softmax(logits: &[f64; DIGITS]) -> [f64; DIGITS] {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: [f64; DIGITS] = std::array::from_fn(|d| (logits[d] - max).exp());
    let sum: f64 = e.iter().sum();
    std::array::from_fn(|d| e[d] / sum)
}
