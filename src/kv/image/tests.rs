//! Tests of the image analysis on hand-made nets: known answers, ties,
//! flips, the lead curve and the tail cut.

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
