//! Flip points: where the prediction changes as the pairs are added in a
//! given order, and the curve of the lead along that order.

use super::{DIGITS, ImageAnalysis, PairContribution, Prediction, add};
use serde::Serialize;

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

impl ImageAnalysis {
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
}

pub(super) fn flips(
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

/// How many seeded shuffles the random-order control draws.
pub const CONTROL_SHUFFLES: usize = 100;

/// The random-order control drawn many times: the active pairs shuffled
/// with seeds `CONTROL_SEED`, `CONTROL_SEED + 1`, …, each order's flip point
/// and lead curve summarised by its median and its 10–90 % band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RandomControl {
    pub shuffles: usize,
    /// Every shuffle's flip point, sorted.
    pub settles_at: Vec<usize>,
    /// Median, 10th and 90th percentile of the flip point (pairs).
    pub median: f64,
    pub p10: f64,
    pub p90: f64,
    /// The same as fractions of the active pairs (0 when none are active).
    pub median_fraction: f64,
    pub p10_fraction: f64,
    pub p90_fraction: f64,
    /// For every N from 0 to the number of active pairs: the 10th
    /// percentile, median and 90th percentile of the lead over the shuffles.
    pub band: Vec<[f64; 3]>,
}

/// The `q`-quantile (0–1) of sorted values, linearly interpolated.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

impl ImageAnalysis {
    /// The random-order control over `shuffles` seeded shuffles (computed on
    /// demand: selectors analyse every test image, and need none of this).
    pub fn random_control(&self, shuffles: usize) -> RandomControl {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        let active: Vec<usize> = self.pairs.iter().map(|c| c.pair).collect();
        let shuffles = shuffles.max(1);
        let mut settles = Vec::with_capacity(shuffles);
        let mut leads: Vec<Vec<f64>> = vec![Vec::with_capacity(shuffles); active.len() + 1];
        for s in 0..shuffles {
            let mut order = active.clone();
            order.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(
                super::CONTROL_SEED + s as u64,
            ));
            let summary = flips(&self.pairs, &self.b2, order, &self.prediction);
            for p in self.curve(&summary) {
                if let Some(v) = leads.get_mut(p.n) {
                    v.push(p.lead);
                }
            }
            settles.push(summary.settles_at);
        }
        settles.sort_unstable();
        let as_f64: Vec<f64> = settles.iter().map(|&n| n as f64).collect();
        let (median, p10, p90) = (
            quantile(&as_f64, 0.5),
            quantile(&as_f64, 0.1),
            quantile(&as_f64, 0.9),
        );
        let frac = |v: f64| {
            if active.is_empty() {
                0.0
            } else {
                v / active.len() as f64
            }
        };
        let band = leads
            .into_iter()
            .map(|mut v| {
                v.sort_by(f64::total_cmp);
                [quantile(&v, 0.1), quantile(&v, 0.5), quantile(&v, 0.9)]
            })
            .collect();
        RandomControl {
            shuffles,
            settles_at: settles,
            median,
            p10,
            p90,
            median_fraction: frac(median),
            p10_fraction: frac(p10),
            p90_fraction: frac(p90),
            band,
        }
    }
}
