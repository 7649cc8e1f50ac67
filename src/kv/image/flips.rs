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
