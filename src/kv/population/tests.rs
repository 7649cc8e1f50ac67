//! Tests of the population view on the fixture net: votes versus fires,
//! knock-outs with their control, and the bias refit.

use super::knockout::effect;
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
