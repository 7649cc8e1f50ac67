//! What a given teaches: pairs that fire and pairs that do not, a bias
//! that decides whether a neuron fires, ties between outputs; and why a
//! drawn given is refused.

use super::given::Given;
use crate::kv::toy::{Prediction, ToyDecomposition, decompose};
use crate::sheets::Teaches;
use crate::sheets::spec::ExSpec;
use rust_decimal::Decimal;

/// What one given teaches, with each input's decomposition (which the
/// exercise types also use as the independent check of their keys).
pub(super) fn teaches(given: &Given) -> Result<(Teaches, Vec<ToyDecomposition>), String> {
    let mut t = Teaches::default();
    let mut decs = Vec::new();
    for (_, x) in &given.inputs {
        let dec = decompose(&given.net, x)?;
        for p in &dec.pairs {
            if !p.fires {
                t.inactive = true;
            } else {
                t.active = true;
            }
            if !p.bias.is_zero() && (p.pre > Decimal::ZERO) != (p.pre - p.bias > Decimal::ZERO) {
                t.threshold = true;
            }
            if p.pre.is_zero() {
                t.zero_pre = true;
            }
        }
        if given.net.outputs.len() > 1 && matches!(dec.prediction, Prediction::Tie(_)) {
            t.ties += 1;
        }
        decs.push(dec);
    }
    Ok((t, decs))
}

/// Why a drawn given does not teach what the exercise is for (None: it does).
pub(super) fn rejection(spec: &ExSpec, given: &Given, t: &Teaches) -> Option<&'static str> {
    let has_bias = given.net.b1.iter().any(|b| !b.is_zero());
    if t.zero_pre {
        return Some("a weighted sum of exactly 0");
    }
    if !t.inactive || !t.active {
        return Some("no inactive pair (or no active one)");
    }
    if has_bias && !t.threshold {
        return Some("no case where the bias decides whether a neuron fires");
    }
    tie_problem(spec, given, t)
}

/// Ties only where the exercise asks for them.
pub(super) fn tie_problem(spec: &ExSpec, given: &Given, t: &Teaches) -> Option<&'static str> {
    if given.net.outputs.len() < 2 {
        return None;
    }
    match (spec.tie, t.ties) {
        (false, 0) => None,
        (false, _) => Some("an accidental tie between outputs"),
        (true, 0) => Some("no tie, although the exercise asks about one (tie=true)"),
        (true, k) if k > 1 => Some("more than one tie (the exercise is about one)"),
        _ => None,
    }
}
