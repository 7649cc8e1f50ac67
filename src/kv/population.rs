//! The population view: what each pair votes for versus what makes it fire,
//! and honest knock-outs. Computed from one batched pass over the test set
//! ([`TestActivations`]), shared by every analysis here.

use super::image::DIGITS;
use crate::data::Split;
use crate::nn::Mlp;
use crate::nn::mlp::{INPUTS, pixels};
use ndarray::Array2;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::Serialize;

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

/// How a pair behaves across the test set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PairKind {
    /// Fires on no test image.
    Dead,
    /// Fires on at least 99 % of the test images.
    AlwaysOn,
    /// At least 40 % of its activation mass (four times chance) comes from one digit.
    Selective,
    /// Everything else.
    Broad,
}

/// Votes-for versus fires-on for one pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// The true digit whose images give the pair the most activation mass
    /// (None for a dead pair).
    pub fires_on: Option<usize>,
    /// Share of the pair's total activation mass that comes from `fires_on`.
    pub fires_on_share: f64,
    pub kind: PairKind,
    /// `favours` and `fires_on` are the same digit.
    pub agrees: bool,
}

/// The whole population's votes-for versus fires-on.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Share of activation mass from one digit that makes a pair "selective".
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
            let total: f64 = mass[i].iter().sum();
            let firing_rate = if n == 0 {
                0.0
            } else {
                fires[i] as f64 / n as f64
            };
            let fires_on = if total > 0.0 {
                (0..DIGITS).max_by(|&a, &b| mass[i][a].total_cmp(&mass[i][b]).then(b.cmp(&a)))
            } else {
                None
            };
            let fires_on_share = fires_on.map_or(0.0, |d| mass[i][d] / total);
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
                mean_activation: std::array::from_fn(|d| {
                    if per_digit_count[d] == 0 {
                        0.0
                    } else {
                        mass[i][d] / per_digit_count[d] as f64
                    }
                }),
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

/// How removed pairs are replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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

fn effect(
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

/// Mean cross-entropy of `logits + delta` against `labels`.
fn mean_ce(logits: &Array2<f32>, labels: &[u8], delta: &[f64; DIGITS]) -> f64 {
    let mut total = 0.0;
    for (row, &l) in logits.rows().into_iter().zip(labels) {
        let z: [f64; DIGITS] = std::array::from_fn(|d| f64::from(row[d]) + delta[d]);
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lse = max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
        total += lse - z[usize::from(l).min(DIGITS - 1)];
    }
    total / labels.len().max(1) as f64
}

/// The shift δ of the output bias minimising mean cross-entropy of
/// `logits + δ`: damped Newton's method on the 10 convex parameters (a
/// backtracking line search keeps every step downhill; the shift along
/// (1, …, 1) changes nothing and is pinned by a small ridge).
pub fn refit_bias(logits: &Array2<f32>, labels: &[u8]) -> [f64; DIGITS] {
    let n = labels.len().max(1) as f64;
    let mut delta = [0.0f64; DIGITS];
    let mut loss = mean_ce(logits, labels, &delta);
    for _ in 0..50 {
        let mut grad = [0.0f64; DIGITS];
        let mut hess = [[0.0f64; DIGITS]; DIGITS];
        for (row, &l) in logits.rows().into_iter().zip(labels) {
            let z: [f64; DIGITS] = std::array::from_fn(|d| f64::from(row[d]) + delta[d]);
            let p = super::image::softmax(&z);
            for a in 0..DIGITS {
                grad[a] += (p[a] - if usize::from(l) == a { 1.0 } else { 0.0 }) / n;
                for b in 0..DIGITS {
                    hess[a][b] += (if a == b { p[a] } else { 0.0 } - p[a] * p[b]) / n;
                }
            }
        }
        if grad.iter().all(|g| g.abs() < 1e-9) {
            break;
        }
        for (a, row) in hess.iter_mut().enumerate() {
            row[a] += 1e-6;
        }
        let Some(step) = solve(hess, grad) else { break };
        let mut t = 1.0;
        let mut improved = false;
        for _ in 0..40 {
            let trial: [f64; DIGITS] = std::array::from_fn(|d| delta[d] - t * step[d]);
            let l = mean_ce(logits, labels, &trial);
            if l.is_finite() && l < loss {
                delta = trial;
                improved = loss - l > 1e-12;
                loss = l;
                break;
            }
            t /= 2.0;
        }
        if !improved {
            break;
        }
    }
    delta
}

/// Solves A x = b (10 × 10) by Gaussian elimination with partial pivoting.
fn solve(mut a: [[f64; DIGITS]; DIGITS], mut b: [f64; DIGITS]) -> Option<[f64; DIGITS]> {
    for col in 0..DIGITS {
        let pivot = (col..DIGITS).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for r in col + 1..DIGITS {
            let f = a[r][col] / a[col][col];
            let pivot_row = a[col];
            for (x, p) in a[r].iter_mut().zip(pivot_row).skip(col) {
                *x -= f * p;
            }
            b[r] -= f * b[col];
        }
    }
    let mut x = [0.0; DIGITS];
    for r in (0..DIGITS).rev() {
        let s: f64 = (r + 1..DIGITS).map(|c| a[r][c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::kv::testnet::{net, split};

    #[test]
    fn votes_for_versus_fires_on() {
        let m = net();
        let s = split(5);
        let v = votes_vs_fires(&m, &activations(&m, &s));
        let p8 = &v.pairs[8];
        assert_eq!(
            (p8.favours, p8.fires_on, p8.agrees),
            (Some(3), Some(8), false),
            "{p8:?}"
        );
        assert_eq!(p8.kind, PairKind::Selective);
        assert!((p8.firing_rate - 0.1).abs() < 1e-12);
        assert_eq!(v.pairs[10].kind, PairKind::Dead);
        assert_eq!(v.pairs[11].kind, PairKind::AlwaysOn);
        assert_eq!(v.pairs[11].favours, None);
        assert!(v.pairs[2].agrees);
        // 9 of the 10 judged pairs agree (pair 11 favours nothing, pair 10 is dead).
        assert!((v.agreement - 0.9).abs() < 1e-12, "{}", v.agreement);
        assert_eq!((v.dead, v.always_on, v.selective, v.broad), (1, 1, 10, 0));
    }

    #[test]
    fn knocking_out_a_digits_pairs_hurts_that_digit_and_the_control_is_seeded() {
        let m = net();
        let s = split(5);
        let acts = activations(&m, &s);
        let k = knockout(&m, &acts, None, 2, 1, KnockoutMode::Zero);
        assert_eq!(k.targeted.removed, vec![2]);
        assert_eq!(k.before[2], 1.0);
        assert_eq!(k.targeted.accuracy[2], 0.0);
        assert_eq!(k.targeted.accuracy[5], 1.0);
        assert!(
            (k.targeted.mean_logit_change[2] + 0.2).abs() < 1e-6,
            "{:?}",
            k.targeted.mean_logit_change
        );
        let again = knockout(&m, &acts, None, 2, 1, KnockoutMode::Zero);
        assert_eq!(again.control.removed, k.control.removed);
    }

    #[test]
    fn a_knocked_out_constant_is_recovered_by_the_bias_refit() {
        // Pair 11 fires with activation 1 on every image and votes only for
        // digit 0, cancelling b2[0]: a constant in disguise.
        let mut m = net();
        for d in 0..DIGITS {
            m.w2[[d, 11]] = 0.0;
        }
        m.w2[[0, 11]] = 3.0;
        m.b2[0] = -3.0; // pair 11's vote cancels this bias on every image
        let s = split(6);
        let acts = activations(&m, &s);
        let zero = effect(&m, &acts, Some(&acts), vec![11], KnockoutMode::Zero);
        let refit = effect(&m, &acts, Some(&acts), vec![11], KnockoutMode::Refit);
        let (before, _) = accuracy(&acts.logits, &acts.labels);
        assert!(
            zero.accuracy[0] < before[0],
            "zero-ablation must hurt digit 0: {:?}",
            zero.accuracy
        );
        assert_eq!(
            refit.accuracy, before,
            "a constant is fully recovered by refitting b2"
        );
        assert!(refit.refit_b2.is_some());
    }

    #[test]
    fn the_votes_fires_grid_and_selective_counts_per_digit() {
        let m = net();
        let v = votes_vs_fires(&m, &activations(&m, &split(5)));
        let g = votes_fires_grid(&v);
        // Pair 8 fires on 8s and votes for 3: row 8, column 3.
        assert_eq!(g.counts[8][3], 1);
        assert_eq!(g.counts[8][8], 0);
        assert_eq!(g.counts[2][2], 1);
        // Pair 10 is dead, pair 11 favours nothing: 10 judged, 9 agree.
        assert_eq!((g.judged, g.on_diagonal, g.no_favourite), (10, 9, 1));
        assert!((g.on_diagonal as f64 / g.judged as f64 - v.agreement).abs() < 1e-12);
        // Rows: one pair per digit; columns: two for 3, none for 8, one
        // otherwise: 8 · 1 + 2 (digit 3) + 0 (digit 8) over 10.
        assert!(
            (g.chance_on_diagonal - 1.0).abs() < 1e-12,
            "{}",
            g.chance_on_diagonal
        );
        let s = selective_by_digit(&v);
        assert_eq!(s.selective, 10);
        assert_eq!(s.votes_for[3], 2);
        assert_eq!(s.votes_for[8], 0);
        assert_eq!(s.fires_on[8], 1);
        assert_eq!(s.both[3], 1);
        assert_eq!(s.both[8], 0);
        assert_eq!(s.no_favourite, 0);
        assert_eq!(s.votes_for.iter().sum::<usize>(), 10);
    }
}
