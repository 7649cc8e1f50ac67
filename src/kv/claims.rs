//! Claims: the comparison rules behind the `claim` shortcode, so that a
//! sentence a retrain would falsify fails the build instead of misleading.
//!
//! A claim is a measured quantity (see `shortcodes::quantity`, which
//! measures it on the model) and a comparison with a number the author
//! wrote. This module only judges; it never formats HTML.

/// How the measurement must compare with the author's number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    Below(f64),
    AtMost(f64),
    Above(f64),
    AtLeast(f64),
    /// Exactly equal (counts, digits, exact decimals).
    Equals(f64),
}

/// The outcome of a claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub holds: bool,
    pub measured: f64,
    /// What the claim wanted, e.g. `< 0.6`.
    pub wanted: String,
}

/// Judges `measured` against `comparison`. NaN never satisfies a claim.
pub fn judge(measured: f64, comparison: Comparison) -> Verdict {
    let (holds, wanted) = match comparison {
        Comparison::Below(x) => (measured < x, format!("< {x}")),
        Comparison::AtMost(x) => (measured <= x, format!("≤ {x}")),
        Comparison::Above(x) => (measured > x, format!("> {x}")),
        Comparison::AtLeast(x) => (measured >= x, format!("≥ {x}")),
        Comparison::Equals(x) => (measured == x, format!("= {x}")),
    };
    Verdict {
        holds,
        measured,
        wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_are_strict_or_not_as_named() {
        assert!(judge(0.5, Comparison::Below(0.6)).holds);
        assert!(!judge(0.6, Comparison::Below(0.6)).holds);
        assert!(judge(0.6, Comparison::AtMost(0.6)).holds);
        assert!(!judge(0.6, Comparison::Above(0.6)).holds);
        assert!(judge(0.6, Comparison::AtLeast(0.6)).holds);
        assert!(judge(7.0, Comparison::Equals(7.0)).holds);
        assert!(!judge(f64::NAN, Comparison::AtMost(1.0)).holds);
        assert_eq!(judge(0.9, Comparison::Below(0.5)).wanted, "< 0.5");
    }
}
