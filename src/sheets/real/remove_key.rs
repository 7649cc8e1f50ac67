//! The marking side of `remove-pair`: what a marker accepts for each
//! change (±0.01 around the product of the printed numbers), the note on
//! how far those products are from the model's exact changes, the usual
//! wrong answers with the points they keep, and the computed stretch answer.

use super::signed;
use crate::kv::image::{DIGITS, ImageAnalysis};
use crate::sheets::key::{Key, Slip, n};
use rust_decimal::{Decimal, RoundingStrategy};

/// One printed pair: its number, activation and value as printed.
pub(super) struct Printed {
    pub pair: usize,
    pub activation: Decimal,
    pub value: Vec<Decimal>,
}

/// The digit with the highest score (the first of equal ones).
pub(super) fn top_digit(xs: &[Decimal]) -> usize {
    let mut best = 0;
    for d in 1..xs.len() {
        if xs[d] > xs[best] {
            best = d;
        }
    }
    best
}

/// How far from the printed answer a change may be.
fn slack() -> Decimal {
    Decimal::new(1, 2)
}

/// The accepted range of a change: ±0.01, rounded outward to two decimals.
pub(super) fn tolerance(change: Decimal) -> String {
    let lo = (change - slack()).round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity);
    let hi = (change + slack()).round_dp_with_strategy(2, RoundingStrategy::ToPositiveInfinity);
    format!("{} to {}", two(lo), two(hi))
}

/// A bound with its sign and two decimals: `+1.30`, `−0.05`, `0.00`.
fn two(d: Decimal) -> String {
    let s = format!("{:.2}", d.abs());
    if d.is_sign_negative() && !d.is_zero() {
        format!("\u{2212}{s}")
    } else if d.is_zero() {
        s
    } else {
        format!("+{s}")
    }
}

/// Whether a written change is inside the accepted range of `right`.
fn accepted(written: Decimal, right: Decimal) -> bool {
    let lo = (right - slack()).round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity);
    let hi = (right + slack()).round_dp_with_strategy(2, RoundingStrategy::ToPositiveInfinity);
    written >= lo && written <= hi
}

/// The points a sheet keeps when it shows `changes` (as written in the ten
/// boxes), `count` scores changing and predicts `pred`: one per box the
/// marking key accepts.
fn points(right: &[Decimal], changes: &[Decimal], count: usize, pred: usize, now: usize) -> u32 {
    let boxes = right
        .iter()
        .zip(changes)
        .filter(|(r, w)| accepted(**w, -**r))
        .count() as u32;
    let right_count = right.iter().filter(|c| !c.is_zero()).count();
    boxes + u32::from(count == right_count) + u32::from(pred == now)
}

/// The key's note on rounding, and the usual wrong answers with the points
/// each keeps. `changes` are what the pair added (each score falls by it),
/// `model_change` the model's own, unrounded.
pub(super) fn notes_and_slips(
    key: &mut Key,
    changes: &[Decimal],
    model_change: &[f64],
    logits: &[Decimal],
    before: usize,
    now: usize,
    values: &[Decimal],
) {
    let (worst_d, worst) = (0..DIGITS)
        .map(|d| {
            let printed: f64 = changes[d].try_into().unwrap_or(f64::NAN);
            (d, (printed - model_change[d]).abs())
        })
        .fold((0, 0.0f64), |acc, x| if x.1 > acc.1 { x } else { acc });
    key.notes.push(format!(
        "The changes above are products of the printed, rounded numbers. They differ from the model's exact changes by at most {} (digit {worst_d}: the model's change is {}), so the marking key accepts each change within ±0.01 of the product, rounded outward to two decimals.",
        crate::num::fixed(worst, 4),
        crate::figures::style::signed(-model_change[worst_d], 4)
    ));
    let falls =
        |c: &[Decimal]| -> Vec<Decimal> { logits.iter().zip(c).map(|(l, c)| *l - *c).collect() };
    let zero = vec![Decimal::ZERO; DIGITS];
    // Only the predicted digit's score changes.
    let mut only = zero.clone();
    only[before] = changes[before];
    key.slips.push(Slip {
        credit: Some(points(changes, &neg(&only), 1, top_digit(&falls(&only)), now)),
        answer: format!("only score {before} changes"),
        why: format!(
            "the value has ten entries, one per digit: removing the pair moves every score whose entry is not 0 ({} of 10 here).",
            changes.iter().filter(|c| !c.is_zero()).count()
        ),
    });
    // The value, not activation × value.
    let count = changes.iter().filter(|c| !c.is_zero()).count();
    let biggest = (0..DIGITS)
        .max_by(|&x, &y| changes[x].abs().cmp(&changes[y].abs()).then(y.cmp(&x)))
        .unwrap_or(0);
    key.slips.push(Slip {
        credit: Some(points(changes, &neg(values), count, top_digit(&falls(values)), now)),
        answer: format!("score {biggest} changes by {}", signed(-values[biggest])),
        why: "the value was subtracted without scaling it by the activation (every box shows minus the printed value): a pair adds activation × value, not its value.".into(),
    });
    // The sign flipped: the contribution written as the change.
    let added: Vec<Decimal> = logits.iter().zip(changes).map(|(l, c)| *l + *c).collect();
    key.slips.push(Slip {
        credit: Some(points(changes, changes, count, top_digit(&added), now)),
        answer: format!("score {biggest} changes by {}", signed(changes[biggest])),
        why: "every sign flipped: the pair's contribution (activation × value) was written as the change. Removing the pair takes the contribution away, so a score the pair raised goes down. The magnitudes show the products were right; the credit assumes the new scores were worked out with the same flipped signs.".into(),
    });
}

/// Each entry negated.
fn neg(xs: &[Decimal]) -> Vec<Decimal> {
    xs.iter().map(|x| -*x).collect()
}

/// The lead of `top` over the best other digit, and that digit.
fn lead(scores: &[Decimal], top: usize) -> (Decimal, usize) {
    let other = (0..scores.len())
        .filter(|&d| d != top)
        .max_by(|&x, &y| scores[x].cmp(&scores[y]).then(y.cmp(&x)))
        .unwrap_or(0);
    (scores[top] - scores[other], other)
}

/// The stretch answer, computed on the printed numbers (which printed pair
/// shrinks the lead most) and on the model (a pair that moves every score
/// but hardly the lead).
pub(super) fn stretch(
    printed: &[Printed],
    logits: &[Decimal],
    before: usize,
    a: &ImageAnalysis,
) -> Vec<String> {
    let (lead0, runner) = lead(logits, before);
    let leads: Vec<(usize, Decimal, usize)> = printed
        .iter()
        .map(|t| {
            let after: Vec<Decimal> = logits
                .iter()
                .zip(&t.value)
                .map(|(l, v)| *l - t.activation * *v)
                .collect();
            let (l, o) = lead(&after, before);
            (t.pair, l, o)
        })
        .collect();
    let mut out = Vec::new();
    if let Some(best) = leads.iter().min_by(|x, y| x.1.cmp(&y.1)) {
        out.push(format!(
            "On the printed numbers the lead of {before} over {runner} is {}. Removing pair {} shrinks it most, to {} (over {}). Removing the others leaves: {}.",
            n(&lead0),
            best.0,
            n(&best.1.normalize()),
            best.2,
            leads
                .iter()
                .filter(|l| l.0 != best.0)
                .map(|l| format!("pair {} {}", l.0, n(&l.1.normalize())))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // A pair that moves the scores a lot but the lead little: among the
    // image's active pairs in the upper half by mean |scaled value|, the one
    // adding least to the lead.
    let mean_abs = |s: &[f64; DIGITS]| s.iter().map(|x| x.abs()).sum::<f64>() / DIGITS as f64;
    let mut by_size: Vec<_> = a.pairs.iter().collect();
    by_size.sort_by(|x, y| {
        mean_abs(&y.scaled)
            .total_cmp(&mean_abs(&x.scaled))
            .then(x.pair.cmp(&y.pair))
    });
    by_size.truncate(by_size.len().div_ceil(2));
    if let Some(q) = by_size.iter().min_by(|x, y| {
        x.decision
            .abs()
            .total_cmp(&y.decision.abs())
            .then(x.pair.cmp(&y.pair))
    }) {
        let lo = q.scaled.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = q.scaled.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let size = mean_abs(&q.scaled);
        out.push(format!(
            "{} Pair {} of this image ({}) adds between {} and {} to the ten scores, {} on average in size, but {}{} to the lead of {} over {}{} A value whose votes are nearly the same for every digit moves all scores together and leaves the lead almost where it was.",
            if q.decision.abs() < size / 4.0 {
                "Yes."
            } else {
                "Yes in principle, though this image has no clear example."
            },
            q.pair,
            if printed.iter().any(|t| t.pair == q.pair) {
                "printed above"
            } else {
                "not printed"
            },
            crate::figures::style::signed(lo, 2),
            crate::figures::style::signed(hi, 2),
            crate::num::fixed(size, 2),
            if q.decision.abs() < size / 4.0 { "only " } else { "" },
            signed(super::shown(q.decision)),
            a.top,
            a.runner_up,
            if q.decision.abs() < size / 4.0 {
                ": its votes for the two are nearly equal."
            } else {
                "."
            }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn tolerance_is_a_hundredth_rounded_outward() {
        assert_eq!(tolerance(d("1.3132")), "+1.30 to +1.33");
        assert_eq!(tolerance(d("-0.0134")), "−0.03 to 0.00");
        assert!(accepted(d("1.31"), d("1.3132")));
        assert!(!accepted(d("-1.31"), d("1.3132")));
    }

    #[test]
    fn a_sign_flip_keeps_only_the_boxes_it_does_not_spoil() {
        let right = vec![d("1.3132"); DIGITS];
        // All signs flipped: no change box, the count and the prediction.
        assert_eq!(points(&right, &right, 10, 2, 2), 2);
        assert_eq!(points(&right, &neg(&right), 10, 2, 2), 12);
        // A tiny change survives the flip.
        let mut small = right.clone();
        small[7] = d("0.004");
        assert_eq!(points(&small, &small, 10, 1, 2), 2);
    }
}
