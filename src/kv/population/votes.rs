//! Votes-for versus fires-on: for each pair, the digit its value favours
//! and the digit whose images make it fire, with the population's counts.

use super::TestActivations;
use crate::kv::image::DIGITS;
use crate::nn::Mlp;
use serde::{Deserialize, Serialize};

/// How a pair behaves across the test set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairKind {
    /// Fires on no test image.
    Dead,
    /// Fires on at least 99 % of the test images.
    AlwaysOn,
    /// One digit takes at least 40 % (four times chance) of its per-digit
    /// mean activations (`mean_activation[d]` / Σ_c `mean_activation[c]`).
    Selective,
    /// Everything else.
    Broad,
}

/// Votes-for versus fires-on for one pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairProfile {
    pub pair: usize,
    /// The digit with the highest vote in the value (None if shared).
    pub favours: Option<usize>,
    /// Value selectivity: the highest vote minus the second highest
    /// (v_d − max_{c≠d} v_c for d = `favours`); 0 when shared.
    pub selectivity: f32,
    /// Fraction of test images on which the pair fires (a_i > 0).
    pub firing_rate: f64,
    /// Mean activation over the test images of each true digit.
    pub mean_activation: [f64; DIGITS],
    /// The true digit whose images give the pair the highest mean activation
    /// per image (so a digit with more test images or more ink does not win
    /// by count alone); None for a dead pair.
    pub fires_on: Option<usize>,
    /// `mean_activation[fires_on]` as a share of Σ_d `mean_activation[d]`.
    pub fires_on_share: f64,
    pub kind: PairKind,
    /// `favours` and `fires_on` are the same digit.
    pub agrees: bool,
}

/// The whole population's votes-for versus fires-on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VotesVsFires {
    pub pairs: Vec<PairProfile>,
    /// Among pairs that fire and favour a single digit: the fraction whose
    /// favoured digit is the digit they fire on most.
    pub agreement: f64,
    pub dead: usize,
    pub always_on: usize,
    pub selective: usize,
    pub broad: usize,
}

/// Share of the per-digit mean activations from one digit that makes a pair "selective".
pub const SELECTIVE_SHARE: f64 = 0.4;
/// Firing rate from which a pair is "always on".
pub const ALWAYS_ON_RATE: f64 = 0.99;

pub fn votes_vs_fires(m: &Mlp, acts: &TestActivations) -> VotesVsFires {
    let n = acts.labels.len();
    let mut per_digit_count = [0usize; DIGITS];
    for &l in &acts.labels {
        per_digit_count[usize::from(l).min(DIGITS - 1)] += 1;
    }
    let hidden = m.hidden();
    // Σ activation per (pair, digit) and firing counts, one pass over the rows.
    let mut mass = vec![[0.0f64; DIGITS]; hidden];
    let mut fires = vec![0usize; hidden];
    for (row, &label) in acts.hidden.rows().into_iter().zip(&acts.labels) {
        let d = usize::from(label).min(DIGITS - 1);
        for (i, &a) in row.iter().enumerate() {
            if a > 0.0 {
                mass[i][d] += f64::from(a);
                fires[i] += 1;
            }
        }
    }
    let pairs: Vec<PairProfile> = (0..hidden)
        .map(|i| {
            let value: [f32; DIGITS] = std::array::from_fn(|d| m.w2[[d, i]]);
            let (favours, selectivity) = top_margin(&value);
            let mean: [f64; DIGITS] = std::array::from_fn(|d| {
                if per_digit_count[d] == 0 {
                    0.0
                } else {
                    mass[i][d] / per_digit_count[d] as f64
                }
            });
            let total: f64 = mean.iter().sum();
            let firing_rate = if n == 0 {
                0.0
            } else {
                fires[i] as f64 / n as f64
            };
            let fires_on = if total > 0.0 {
                (0..DIGITS).max_by(|&a, &b| mean[a].total_cmp(&mean[b]).then(b.cmp(&a)))
            } else {
                None
            };
            let fires_on_share = fires_on.map_or(0.0, |d| mean[d] / total);
            let kind = if fires[i] == 0 {
                PairKind::Dead
            } else if firing_rate >= ALWAYS_ON_RATE {
                PairKind::AlwaysOn
            } else if fires_on_share >= SELECTIVE_SHARE {
                PairKind::Selective
            } else {
                PairKind::Broad
            };
            PairProfile {
                pair: i,
                favours,
                selectivity,
                firing_rate,
                mean_activation: mean,
                fires_on,
                fires_on_share,
                kind,
                agrees: favours.is_some() && favours == fires_on,
            }
        })
        .collect();
    let judged: Vec<&PairProfile> = pairs
        .iter()
        .filter(|p| p.kind != PairKind::Dead && p.favours.is_some())
        .collect();
    let agreement = if judged.is_empty() {
        0.0
    } else {
        judged.iter().filter(|p| p.agrees).count() as f64 / judged.len() as f64
    };
    let count = |k: PairKind| pairs.iter().filter(|p| p.kind == k).count();
    VotesVsFires {
        agreement,
        dead: count(PairKind::Dead),
        always_on: count(PairKind::AlwaysOn),
        selective: count(PairKind::Selective),
        broad: count(PairKind::Broad),
        pairs,
    }
}

/// The votes-vs-fires population as a 10 × 10 table of pair counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VotesFiresGrid {
    /// counts[fires_on][favours]: pairs that fire most on one digit (row)
    /// and whose value favours a digit (column). Only judged pairs: not
    /// dead, with a single favoured digit (those behind `agreement`).
    pub counts: [[usize; DIGITS]; DIGITS],
    /// Pairs in the table.
    pub judged: usize,
    /// Pairs on the diagonal (favoured digit = digit fired on most).
    pub on_diagonal: usize,
    /// The diagonal count expected if the two digits were unrelated (same
    /// row and column totals): Σ_d row_d · column_d / judged.
    pub chance_on_diagonal: f64,
    /// Pairs that fire but whose top vote is shared (not in the table).
    pub no_favourite: usize,
}

pub fn votes_fires_grid(v: &VotesVsFires) -> VotesFiresGrid {
    let mut counts = [[0usize; DIGITS]; DIGITS];
    let mut no_favourite = 0;
    for p in v.pairs.iter().filter(|p| p.kind != PairKind::Dead) {
        match (p.favours, p.fires_on) {
            (Some(f), Some(on)) if f < DIGITS && on < DIGITS => counts[on][f] += 1,
            (None, _) => no_favourite += 1,
            _ => {}
        }
    }
    let judged: usize = counts.iter().flatten().sum();
    let row = |d: usize| counts[d].iter().sum::<usize>() as f64;
    let col = |d: usize| counts.iter().map(|r| r[d]).sum::<usize>() as f64;
    VotesFiresGrid {
        judged,
        on_diagonal: (0..DIGITS).map(|d| counts[d][d]).sum(),
        chance_on_diagonal: if judged == 0 {
            0.0
        } else {
            (0..DIGITS).map(|d| row(d) * col(d)).sum::<f64>() / judged as f64
        },
        counts,
        no_favourite,
    }
}

/// Selective pairs per digit: how many vote for it, how many fire on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelectiveByDigit {
    /// Selective pairs whose value favours digit d.
    pub votes_for: [usize; DIGITS],
    /// Selective pairs that fire most on images of digit d.
    pub fires_on: [usize; DIGITS],
    /// Selective pairs that do both for digit d.
    pub both: [usize; DIGITS],
    /// All selective pairs.
    pub selective: usize,
    /// Selective pairs whose top vote is shared (in no `votes_for` count).
    pub no_favourite: usize,
}

pub fn selective_by_digit(v: &VotesVsFires) -> SelectiveByDigit {
    let mut out = SelectiveByDigit {
        votes_for: [0; DIGITS],
        fires_on: [0; DIGITS],
        both: [0; DIGITS],
        selective: 0,
        no_favourite: 0,
    };
    for p in v.pairs.iter().filter(|p| p.kind == PairKind::Selective) {
        out.selective += 1;
        match p.favours {
            Some(f) if f < DIGITS => out.votes_for[f] += 1,
            _ => out.no_favourite += 1,
        }
        if let Some(on) = p.fires_on.filter(|&d| d < DIGITS) {
            out.fires_on[on] += 1;
            if p.favours == Some(on) {
                out.both[on] += 1;
            }
        }
    }
    out
}

/// (index of the unique largest value, largest minus second largest).
fn top_margin(v: &[f32; DIGITS]) -> (Option<usize>, f32) {
    let mut order: Vec<usize> = (0..DIGITS).collect();
    order.sort_by(|&a, &b| v[b].total_cmp(&v[a]).then(a.cmp(&b)));
    let margin = v[order[0]] - v[order[1]];
    (if margin > 0.0 { Some(order[0]) } else { None }, margin)
}
