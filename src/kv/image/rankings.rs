//! The orders in which the pairs of an image are ranked (by decision, by
//! L1), and the tail cut: how many ranked pairs carry all but a fraction.

use super::{DIGITS, FlipSummary, ImageAnalysis, PairContribution};
use serde::Serialize;

/// Which ranking orders the pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ranking {
    /// By contribution to the lead of the prediction over the runner-up.
    Decision,
    /// By the L1 norm of the scaled value (the earlier workshop's ranking).
    L1,
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

impl ImageAnalysis {
    pub fn ranking(&self, r: Ranking) -> &FlipSummary {
        match r {
            Ranking::Decision => &self.by_decision,
            Ranking::L1 => &self.by_l1,
        }
    }
}

/// The highest digit (lowest index among tied maxima) and the best other digit.
pub(super) fn top_two(logits: &[f64; DIGITS]) -> (usize, usize) {
    let mut order: Vec<usize> = (0..DIGITS).collect();
    order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]).then(a.cmp(&b)));
    (order[0], order[1])
}

/// Pair indices sorted by `key` descending, ties by pair index.
pub(super) fn ranked(
    pairs: &[PairContribution],
    key: impl Fn(&PairContribution) -> f64,
) -> Vec<usize> {
    let mut v: Vec<(f64, usize)> = pairs.iter().map(|c| (key(c), c.pair)).collect();
    v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    v.into_iter().map(|(_, p)| p).collect()
}

/// Smallest N such that the pairs after the first N in `order` carry at most
/// `fraction` of Σ weight.
pub(super) fn tail_n(
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
