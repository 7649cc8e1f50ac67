//! The small kit the one-image families (`digits`, `cards`, `waterfall`,
//! `flips`, `profile`) share: placing a drawn group, the heading of a chart,
//! the decimals numbers need, and the phrases for a prediction ("a tie of 3
//! and 5"), a digit ("an 8") and how a list of pairs was ranked. Round tick
//! values live in `chart`.

use super::style::{self, r, text};
use crate::kv::image::{ImageAnalysis, Prediction};
use svg::node::element::{Group, Text};

/// `g` moved to (x, y).
pub(crate) fn at(g: Group, x: f64, y: f64) -> Group {
    Group::new()
        .set("transform", format!("translate({} {})", r(x), r(y)))
        .add(g)
}

/// The bold line at the top of a one-image chart saying what it shows.
pub(crate) fn heading(s: String) -> Text {
    text(s, 20.0, 24.0, style::FONT_SIZE + 1.0, "start").set("font-weight", "bold")
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
