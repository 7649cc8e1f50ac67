//! How one image's prediction is built from key-value pairs.
//!
//! For image x (784 pixels in [0, 1]) and hidden neuron i:
//!   pre_i = k_i · x + b1_i, a_i = ReLU(pre_i), s_i = a_i · v_i (10 numbers),
//!   logits = b2 + Σ_i s_i.
//! Sums here are in f64 from the model's f32 weights, so rankings and cuts
//! are not disturbed by float noise. Everything is a pure function of
//! (model, image) and returns typed data for figures, pages and the CLI.

use crate::data::PIXELS;
use crate::nn::Mlp;
use rand::SeedableRng;
use rand::seq::SliceRandom;
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

/// Where the prediction changes as pairs are added in a given order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlipSummary {
    /// Pair indices in the order they are added.
    pub order: Vec<usize>,
    /// Every N (pairs kept) where the prediction differs from N − 1.
    pub flips: Vec<Flip>,
    /// Smallest N from which the prediction equals the full one for good.
    pub settles_at: usize,
    /// `settles_at` / number of active pairs (0 when none are active).
    pub settles_fraction: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flip {
    pub n: usize,
    pub from: Prediction,
    pub to: Prediction,
}

/// Smallest N whose left-out pairs carry at most `fraction` of a total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TailCut {
    pub fraction: f64,
    /// Against the lead (decision ranking; positive contributions only).
    pub n_by_lead: usize,
    /// Against the L1 mass (L1 ranking).
    pub n_by_l1: usize,
}

/// How concentrated the activations are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivationProfile {
    /// Positive activations, largest first.
    pub sorted: Vec<f64>,
    /// Share of Σ a_i carried by the 10 largest.
    pub top10_share: f64,
    /// Σ of pixel values in [0, 1] (how much ink the image has).
    pub ink: f64,
}

/// b2, then the top pairs in ranked order, a "rest" term, and the logits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waterfall {
    pub b2: [f64; DIGITS],
    pub steps: Vec<WaterfallStep>,
    /// Σ of the scaled values of all pairs not listed in `steps`.
    pub rest: [f64; DIGITS],
    /// Number of pairs in `rest`.
    pub rest_pairs: usize,
    pub logits: [f64; DIGITS],
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaterfallStep {
    pub pair: usize,
    pub scaled: [f64; DIGITS],
    /// Running logits after adding this pair.
    pub logits: [f64; DIGITS],
    /// Predicted digit's logit minus the runner-up's, after this pair
    /// (with the full prediction's digits).
    pub lead: f64,
}

/// The state after the first `n` pairs of a ranking's order (`n` = 0: b2 alone).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurvePoint {
    pub n: usize,
    /// The prediction of b2 + the first `n` scaled values (ties stay ties).
    pub prediction: Prediction,
    /// The final prediction's logit minus the best other logit, after `n`
    /// pairs: positive while the final prediction is ahead, negative while
    /// another digit leads, 0 on a tie. At `n` = active it equals `lead`.
    pub lead: f64,
}

/// Which ranking orders the pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ranking {
    /// By contribution to the lead of the prediction over the runner-up.
    Decision,
    /// By the L1 norm of the scaled value (the earlier workshop's ranking).
    L1,
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
    pub fn ranking(&self, r: Ranking) -> &FlipSummary {
        match r {
            Ranking::Decision => &self.by_decision,
            Ranking::L1 => &self.by_l1,
        }
    }

    pub fn pair(&self, index: usize) -> Option<&PairContribution> {
        self.pairs
            .binary_search_by_key(&index, |p| p.pair)
            .ok()
            .map(|i| &self.pairs[i])
    }

    /// The lead of the final prediction after each prefix of `summary`'s
    /// order: one point for every N from 0 (b2 alone) to the order's length.
    /// Flips and settling in `summary` are where this curve's prediction changes.
    pub fn curve(&self, summary: &FlipSummary) -> Vec<CurvePoint> {
        let point = |n: usize, logits: &[f64; DIGITS]| {
            let best_other = (0..DIGITS)
                .filter(|&d| d != self.top)
                .map(|d| logits[d])
                .fold(f64::NEG_INFINITY, f64::max);
            CurvePoint {
                n,
                prediction: Prediction::of(logits),
                lead: logits[self.top] - best_other,
            }
        };
        let mut logits = self.b2;
        let mut out = vec![point(0, &logits)];
        for (i, &p) in summary.order.iter().enumerate() {
            if let Some(c) = self.pair(p) {
                add(&mut logits, &c.scaled);
            }
            out.push(point(i + 1, &logits));
        }
        out
    }

    /// The waterfall of the `top` first pairs in ranking `r`.
    pub fn waterfall(&self, r: Ranking, top: usize) -> Waterfall {
        let order = &self.ranking(r).order;
        let mut logits = self.b2;
        let mut steps = Vec::new();
        for &p in order.iter().take(top) {
            let Some(c) = self.pair(p) else { continue };
            add(&mut logits, &c.scaled);
            steps.push(WaterfallStep {
                pair: p,
                scaled: c.scaled,
                logits,
                lead: logits[self.top] - logits[self.runner_up],
            });
        }
        let mut rest = [0.0; DIGITS];
        for &p in order.iter().skip(top) {
            if let Some(c) = self.pair(p) {
                add(&mut rest, &c.scaled);
            }
        }
        let mut total = logits;
        add(&mut total, &rest);
        Waterfall {
            b2: self.b2,
            steps,
            rest,
            rest_pairs: order.len().saturating_sub(top),
            logits: total,
        }
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

/// The highest digit (lowest index among tied maxima) and the best other digit.
fn top_two(logits: &[f64; DIGITS]) -> (usize, usize) {
    let mut order: Vec<usize> = (0..DIGITS).collect();
    order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]).then(a.cmp(&b)));
    (order[0], order[1])
}

/// Pair indices sorted by `key` descending, ties by pair index.
fn ranked(pairs: &[PairContribution], key: impl Fn(&PairContribution) -> f64) -> Vec<usize> {
    let mut v: Vec<(f64, usize)> = pairs.iter().map(|c| (key(c), c.pair)).collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    v.into_iter().map(|(_, p)| p).collect()
}

fn flips(
    pairs: &[PairContribution],
    b2: &[f64; DIGITS],
    order: Vec<usize>,
    full: &Prediction,
) -> FlipSummary {
    let by_index = |p: usize| {
        pairs
            .binary_search_by_key(&p, |c| c.pair)
            .ok()
            .map(|i| &pairs[i])
    };
    let mut logits = *b2;
    let mut preds = vec![Prediction::of(&logits)];
    for &p in &order {
        if let Some(c) = by_index(p) {
            add(&mut logits, &c.scaled);
        }
        preds.push(Prediction::of(&logits));
    }
    // The last entry is the prediction from all active pairs; compare with it
    // (it equals `full` up to summation order).
    let last = preds.last().cloned().unwrap_or_else(|| full.clone());
    let flips = (1..preds.len())
        .filter(|&n| preds[n] != preds[n - 1])
        .map(|n| Flip {
            n,
            from: preds[n - 1].clone(),
            to: preds[n].clone(),
        })
        .collect();
    let settles_at = (0..preds.len())
        .rev()
        .take_while(|&n| preds[n] == last)
        .last()
        .unwrap_or(preds.len() - 1);
    let active = order.len();
    FlipSummary {
        order,
        flips,
        settles_at,
        settles_fraction: if active == 0 {
            0.0
        } else {
            settles_at as f64 / active as f64
        },
    }
}

/// Smallest N such that the pairs after the first N in `order` carry at most
/// `fraction` of Σ weight.
fn tail_n(
    pairs: &[PairContribution],
    order: &[usize],
    weight: impl Fn(&PairContribution) -> f64,
    fraction: f64,
) -> usize {
    let w: Vec<f64> = order
        .iter()
        .map(|&p| {
            pairs
                .binary_search_by_key(&p, |c| c.pair)
                .ok()
                .map_or(0.0, |i| weight(&pairs[i]))
        })
        .collect();
    let total: f64 = w.iter().sum();
    if total <= 0.0 {
        return 0;
    }
    let mut tail = total;
    for (n, wi) in w.iter().enumerate() {
        if tail <= fraction * total {
            return n;
        }
        tail -= wi;
    }
    w.len()
}

pub fn softmax(logits: &[f64; DIGITS]) -> [f64; DIGITS] {
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: [f64; DIGITS] = std::array::from_fn(|d| (logits[d] - max).exp());
    let sum: f64 = e.iter().sum();
    std::array::from_fn(|d| e[d] / sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2};

    /// A hand-made net with 3 pairs on a 784-pixel input where only pixels 0
    /// and 1 matter. Pair 0 votes for digit 1, pair 1 votes the same for every
    /// digit, pair 2 never fires.
    fn tiny() -> Mlp {
        let mut w1 = Array2::zeros((3, PIXELS));
        w1[[0, 0]] = 2.0; // fires on pixel 0
        w1[[1, 1]] = 1.0; // fires on pixel 1
        w1[[2, 0]] = -1.0; // never fires on ink
        let mut w2 = Array2::zeros((DIGITS, 3));
        w2[[1, 0]] = 1.0;
        w2[[3, 0]] = 0.25;
        for d in 0..DIGITS {
            w2[[d, 1]] = 0.5;
            w2[[d, 2]] = 9.0;
        }
        let mut b2 = Array1::zeros(DIGITS);
        b2[3] = 0.1;
        Mlp {
            w1,
            b1: Array1::from(vec![0.0, 0.0, 0.0]),
            w2,
            b2,
        }
    }

    fn image(p0: u8, p1: u8) -> Vec<u8> {
        let mut img = vec![0u8; PIXELS];
        img[0] = p0;
        img[1] = p1;
        img
    }

    #[test]
    fn known_answers_on_a_tiny_net() {
        let a = analyse(&tiny(), &image(255, 255), Some(1));
        assert_eq!(a.inked_pixels, 2);
        assert_eq!(a.active, 2);
        // logits: b2 + 2·v0 + 1·v1 → digit 1: 2 + 0.5 = 2.5; digit 3: 0.1 + 0.5 + 0.5 = 1.1
        assert!((a.logits[1] - 2.5).abs() < 1e-12);
        assert!((a.logits[3] - 1.1).abs() < 1e-6); // b2 is f32
        assert_eq!(a.prediction, Prediction::Unique(1));
        assert_eq!((a.top, a.runner_up), (1, 3));
        assert!((a.lead - 1.4).abs() < 1e-6);
        // The pair that votes the same for every digit gets decision 0.
        assert_eq!(a.pair(1).unwrap().decision, 0.0);
        assert!((a.pair(0).unwrap().decision - 1.5).abs() < 1e-12);
        assert_eq!(a.by_decision.order, vec![0, 1]);
        // L1: pair 1 has 10 × 0.5 = 5 > pair 0's 2 + 0.5 = 2.5.
        assert_eq!(a.by_l1.order, vec![1, 0]);
        // Decision order: b2 alone predicts 3; pair 0 makes it 1 and it stays.
        assert_eq!(
            a.by_decision.flips,
            vec![Flip {
                n: 1,
                from: Prediction::Unique(3),
                to: Prediction::Unique(1)
            }]
        );
        assert_eq!(a.by_decision.settles_at, 1);
        assert_eq!(a.by_decision.settles_fraction, 0.5);
        // L1 order: pair 1 first keeps 3 ahead; only with pair 0 (N = 2) does it settle.
        assert_eq!(a.by_l1.settles_at, 2);
        assert!((a.profile.top10_share - 1.0).abs() < 1e-12);
        assert!((a.profile.ink - 2.0).abs() < 1e-12);
        let w = a.waterfall(Ranking::Decision, 1);
        assert_eq!(w.steps.len(), 1);
        assert_eq!(w.rest_pairs, 1);
        assert!((w.rest[0] - 0.5).abs() < 1e-12);
        assert_eq!(w.logits, a.logits);
    }

    #[test]
    fn the_blank_image_is_b2_plus_the_biases_that_fire_alone() {
        let mut m = tiny();
        m.b1[2] = 0.5; // pair 2 now fires on nothing
        let a = analyse(&m, &image(0, 0), None);
        assert_eq!(a.inked_pixels, 0);
        assert_eq!(a.active, 1);
        assert_eq!(a.pairs[0].pair, 2);
        // b2 + 0.5 · 9 on every digit: digit 3 leads by b2's 0.1.
        assert_eq!(a.prediction, Prediction::Unique(3));
    }

    #[test]
    fn ties_are_reported_not_resolved() {
        let mut m = tiny();
        m.b2.fill(0.0);
        let a = analyse(&m, &image(0, 0), None);
        assert_eq!(a.active, 0);
        assert_eq!(a.prediction, Prediction::Tie((0..10).collect()));
        assert_eq!(a.by_decision.settles_at, 0);
        assert_eq!(
            Prediction::of(&[0.0, 2.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]),
            Prediction::Tie(vec![1, 2])
        );
    }

    #[test]
    fn curve_follows_the_lead_of_the_final_prediction() {
        let a = analyse(&tiny(), &image(255, 255), Some(1));
        // Final prediction 1; b2 alone: digit 1 at 0, digit 3 at 0.1 → lead −0.1.
        let c = a.curve(&a.by_decision);
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].n, 0);
        assert_eq!(c[0].prediction, Prediction::Unique(3));
        assert!((c[0].lead + 0.1).abs() < 1e-6);
        // + pair 0 (2 · v0: 1 → 2, 3 → 0.6): lead 1.4; + pair 1 (same for all): still 1.4.
        assert_eq!(c[1].prediction, Prediction::Unique(1));
        assert!((c[1].lead - 1.4).abs() < 1e-6);
        assert!((c[2].lead - a.lead).abs() < 1e-12);
        // The curve's predictions change exactly where the summary says it flips.
        for s in [&a.by_decision, &a.by_l1, &a.random_order, &a.bottom_first] {
            let c = a.curve(s);
            let changes: Vec<usize> = (1..c.len())
                .filter(|&n| c[n].prediction != c[n - 1].prediction)
                .collect();
            assert_eq!(changes, s.flips.iter().map(|f| f.n).collect::<Vec<_>>());
        }
        // L1 order adds pair 1 first: lead stays −0.1 for N = 1.
        let l1 = a.curve(&a.by_l1);
        assert!((l1[1].lead + 0.1).abs() < 1e-6);
    }

    #[test]
    fn curve_on_the_fixture_net_starts_at_a_tie() {
        let m = crate::kv::testnet::net();
        let s = crate::kv::testnet::split(1);
        let a = analyse(&m, s.image(7), Some(7));
        let c = a.curve(&a.by_decision);
        // b2 = 0: all ten digits tie, lead 0; pair 7 (2 for 7) then pair 11 (0.5 for all).
        assert_eq!(c[0].prediction, Prediction::Tie((0..10).collect()));
        assert_eq!(c[0].lead, 0.0);
        assert_eq!(a.by_decision.order, vec![7, 11]);
        assert_eq!(c[1].prediction, Prediction::Unique(7));
        assert_eq!((c[1].lead, c[2].lead), (2.0, 2.0));
    }

    #[test]
    fn tail_cut_counts_what_is_left_out() {
        let a = analyse(&tiny(), &image(255, 255), Some(1));
        // Lead mass: pair 0 carries all of it (pair 1 adds 0) → N = 1.
        assert_eq!(a.tail_cut.n_by_lead, 1);
        // L1 mass 5 + 2.5: leaving out 2.5 of 7.5 is > 5 %, so both are needed.
        assert_eq!(a.tail_cut.n_by_l1, 2);
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;
    use rand::{RngExt, SeedableRng};

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        /// b2 + Σ_i a_i v_i equals the forward pass for random nets and images,
        /// and the decision contributions add up to the lead.
        #[test]
        fn pairs_add_up_to_the_forward_pass(seed in any::<u64>(), hidden in 1usize..24, ink in 0u8..=255) {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let mut m = Mlp::init(hidden, &mut rng);
            m.b1.iter_mut().for_each(|b| *b = rng.random_range(-0.5..0.5));
            m.b2.iter_mut().for_each(|b| *b = rng.random_range(-0.5..0.5));
            let img: Vec<u8> = (0..PIXELS).map(|_| if rng.random_range(0..4) == 0 { rng.random_range(0..=ink) } else { 0 }).collect();
            let a = analyse(&m, &img, None);
            let fwd = m.forward(crate::nn::mlp::pixels(&img).view()).logits;
            for d in 0..DIGITS {
                prop_assert!((a.logits[d] - f64::from(fwd[[0, d]])).abs() < 1e-4, "digit {d}: {} vs {}", a.logits[d], fwd[[0, d]]);
            }
            let lead_from_pairs: f64 = a.pairs.iter().map(|c| c.decision).sum::<f64>() + a.b2[a.top] - a.b2[a.runner_up];
            prop_assert!((lead_from_pairs - a.lead).abs() < 1e-9);
            prop_assert_eq!(a.by_decision.order.len(), a.active);
        }
    }
}
