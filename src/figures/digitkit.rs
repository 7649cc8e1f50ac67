//! The small kit the one-image families (`digits`, `cards`, `waterfall`,
//! `flips`, `profile`) share: placing a drawn group, round tick values and
//! the decimals numbers need, and the phrases for a prediction ("a tie of 3
//! and 5"), a digit ("an 8") and how a list of pairs was ranked.

use super::style::r;
use crate::kv::image::{ImageAnalysis, Prediction};
use svg::node::element::Group;

/// `g` moved to (x, y).
pub(crate) fn at(g: Group, x: f64, y: f64) -> Group {
    Group::new()
        .set("transform", format!("translate({} {})", r(x), r(y)))
        .add(g)
}

/// Decimals for a scale (one rule for every figure).
pub(crate) use super::style::places;

/// A prediction for people: "7" or "a tie of 3 and 5".
pub(crate) fn prediction_name(p: &Prediction) -> String {
    match p {
        Prediction::Unique(d) => d.to_string(),
        Prediction::Tie(ds) => {
            let names: Vec<String> = ds.iter().map(|d| d.to_string()).collect();
            match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    format!("a tie of {} and {last}", rest.join(", "))
                }
                _ => format!("a tie of {}", names.join(", ")),
            }
        }
    }
}

/// Round tick values covering [lo, hi]: about `target` steps of 1, 2, 2.5
/// or 5 × a power of ten, and the decimals their labels need.
pub(crate) struct Ticks {
    pub lo: f64,
    pub hi: f64,
    pub values: Vec<f64>,
    pub decimals: usize,
}

pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let (lo, hi) = if hi > lo && lo.is_finite() && hi.is_finite() {
        (lo, hi)
    } else {
        (lo.min(0.0) - 1.0, hi.max(0.0) + 1.0)
    };
    let raw = (hi - lo) / target.max(1) as f64;
    let exp = raw.log10().floor();
    let mag = 10f64.powf(exp);
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|&st| st >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let values: Vec<f64> = (0..=((last - first) as usize))
        .map(|k| {
            let v = (first + k as f64) * step;
            if v.abs() < step * 1e-9 { 0.0 } else { v }
        })
        .collect();
    let mut decimals = if exp < 0.0 { (-exp) as usize } else { 0 };
    if (step / mag - 2.5).abs() < 1e-9 {
        decimals += 1;
    }
    Ticks {
        lo: first * step,
        hi: last * step,
        values,
        decimals,
    }
}

/// "a 7", "an 8".
pub(crate) fn a_digit(d: impl std::fmt::Display) -> String {
    let s = d.to_string();
    if s.starts_with('8') {
        format!("an {s}")
    } else {
        format!("a {s}")
    }
}

/// How a list of pairs was chosen, if it follows one of the analysis' rankings.
pub(crate) fn ranking_name(pairs: &[usize], a: &ImageAnalysis) -> &'static str {
    let prefix = |order: &[usize]| order.len() >= pairs.len() && order[..pairs.len()] == pairs[..];
    if prefix(&a.by_decision.order) {
        "ranked by their part in the lead"
    } else if prefix(&a.by_l1.order) {
        "ranked by the L1 norm of their scaled values"
    } else {
        "in the order given"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        let t = nice_ticks(-4.9, 8.3, 5);
        assert_eq!(t.values, vec![-5.0, 0.0, 5.0, 10.0]);
        assert_eq!((t.lo, t.hi, t.decimals), (-5.0, 10.0, 0));
        let t = nice_ticks(-1.6, 10.3, 5);
        assert_eq!(t.values, vec![-2.5, 0.0, 2.5, 5.0, 7.5, 10.0, 12.5]);
        assert_eq!(t.decimals, 1);
        let t = nice_ticks(0.0, 0.42, 4);
        assert_eq!((t.values.len(), t.decimals), (4, 1));
        assert!((t.hi - 0.6).abs() < 1e-12 && (t.values[1] - 0.2).abs() < 1e-12);
        let t = nice_ticks(0.0, 0.0, 4);
        assert!(t.lo < 0.0 && t.hi > 0.0);
    }

    #[test]
    fn ties_are_named_as_ties() {
        assert_eq!(
            prediction_name(&Prediction::Tie(vec![3, 5])),
            "a tie of 3 and 5"
        );
        assert_eq!(
            prediction_name(&Prediction::Tie(vec![1, 2, 7])),
            "a tie of 1, 2 and 7"
        );
        assert_eq!(prediction_name(&Prediction::Unique(4)), "4");
    }
}
