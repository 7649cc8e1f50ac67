//! Claims: predicates on the model that content asserts, so that a sentence
//! a retrain would falsify fails the build instead of misleading.
//!
//! A claim is a measured quantity and a comparison, e.g. "the accuracy on 7s
//! after knocking out the 25 pairs that vote most for 7 is below 0.5". This
//! is the typed API; the content pipeline will give it a shortcode syntax.
//! A false claim reports what was measured.

use super::image::{Ranking, analyse};
use super::linear::key_drift;
use super::population::{KnockoutMode, TestActivations, activations, knockout, votes_vs_fires};
use super::select::{Catalog, Selector};
use crate::data::Dataset;
use crate::nn::Mlp;
use std::cell::OnceCell;

/// What is measured.
#[derive(Debug, Clone, PartialEq)]
pub enum Quantity {
    /// Overall test accuracy (fraction).
    TestAccuracy,
    /// Test accuracy on images of one digit.
    DigitAccuracy(usize),
    /// Accuracy on images of `digit` after knocking out the `k` pairs that
    /// vote most for `target` (with `mode`).
    AccuracyAfterKnockout {
        digit: usize,
        target: usize,
        k: usize,
        mode: KnockoutMode,
    },
    /// Fraction of active pairs needed before the selected image's
    /// prediction settles, in the given ranking.
    FlipFraction { selector: String, ranking: Ranking },
    /// Fraction of pairs whose favoured digit is the digit they fire on most.
    Agreement,
    /// Median cosine similarity of the trained keys with their initial weights.
    MedianKeyCosine,
}

/// How the measurement must compare.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Comparison {
    Below(f64),
    AtMost(f64),
    Above(f64),
    AtLeast(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub quantity: Quantity,
    pub comparison: Comparison,
}

/// The outcome of checking a claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub holds: bool,
    pub measured: f64,
    /// "claimed …; measured …" — for a diagnostic when it does not hold.
    pub message: String,
}

/// What claims are measured on; expensive parts are computed once, on demand.
pub struct ClaimContext<'a> {
    model: &'a Mlp,
    init: &'a Mlp,
    data: &'a Dataset,
    test: OnceCell<TestActivations>,
    train: OnceCell<TestActivations>,
    catalog: OnceCell<Catalog<'a>>,
}

impl<'a> ClaimContext<'a> {
    pub fn new(model: &'a Mlp, init: &'a Mlp, data: &'a Dataset) -> Self {
        ClaimContext {
            model,
            init,
            data,
            test: OnceCell::new(),
            train: OnceCell::new(),
            catalog: OnceCell::new(),
        }
    }

    fn test(&self) -> &TestActivations {
        self.test
            .get_or_init(|| activations(self.model, &self.data.test))
    }

    /// Measures `q`. Errors are problems with the claim itself (a bad selector, a digit out of range).
    pub fn measure(&self, q: &Quantity) -> Result<f64, String> {
        let digit_ok = |d: usize| {
            if d < 10 {
                Ok(())
            } else {
                Err(format!("digit {d} is not 0 to 9"))
            }
        };
        Ok(match q {
            Quantity::TestAccuracy => {
                super::population::accuracy(&self.test().logits, &self.test().labels).1
            }
            Quantity::DigitAccuracy(d) => {
                digit_ok(*d)?;
                super::population::accuracy(&self.test().logits, &self.test().labels).0[*d]
            }
            Quantity::AccuracyAfterKnockout {
                digit,
                target,
                k,
                mode,
            } => {
                digit_ok(*digit)?;
                digit_ok(*target)?;
                if *k == 0 || *k > self.model.hidden() {
                    return Err(format!(
                        "k = {k} must be between 1 and the number of pairs ({})",
                        self.model.hidden()
                    ));
                }
                let train = (*mode == KnockoutMode::Refit).then(|| {
                    self.train
                        .get_or_init(|| activations(self.model, &self.data.train))
                });
                knockout(self.model, self.test(), train, *target, *k, *mode)
                    .targeted
                    .accuracy[*digit]
            }
            Quantity::FlipFraction { selector, ranking } => {
                let sel = Selector::parse(selector).map_err(|e| e.to_string())?;
                let catalog = self
                    .catalog
                    .get_or_init(|| Catalog::new(self.model, self.data));
                let selected = catalog.resolve(&sel).map_err(|e| e.to_string())?;
                let (pixels, label) = catalog.image(selected);
                analyse(self.model, &pixels, label)
                    .ranking(*ranking)
                    .settles_fraction
            }
            Quantity::Agreement => votes_vs_fires(self.model, self.test()).agreement,
            Quantity::MedianKeyCosine => key_drift(self.model, self.init).median,
        })
    }

    pub fn check(&self, claim: &Claim) -> Result<Verdict, String> {
        let measured = self.measure(&claim.quantity)?;
        let (holds, wanted) = match claim.comparison {
            Comparison::Below(x) => (measured < x, format!("< {x}")),
            Comparison::AtMost(x) => (measured <= x, format!("≤ {x}")),
            Comparison::Above(x) => (measured > x, format!("> {x}")),
            Comparison::AtLeast(x) => (measured >= x, format!("≥ {x}")),
        };
        let message = format!(
            "claimed {} {wanted}; measured {}",
            describe(&claim.quantity),
            crate::num::fixed(measured, 4)
        );
        Ok(Verdict {
            holds,
            measured,
            message,
        })
    }
}

fn describe(q: &Quantity) -> String {
    match q {
        Quantity::TestAccuracy => "test accuracy".to_string(),
        Quantity::DigitAccuracy(d) => format!("accuracy on {d}s"),
        Quantity::AccuracyAfterKnockout {
            digit,
            target,
            k,
            mode,
        } => {
            format!(
                "accuracy on {digit}s after knocking out the {k} pairs that vote most for {target} ({mode:?} mode)"
            )
        }
        Quantity::FlipFraction { selector, ranking } => {
            format!("flip fraction of `{selector}` ({ranking:?} ranking)")
        }
        Quantity::Agreement => {
            "fraction of pairs that fire most on the digit they vote for".to_string()
        }
        Quantity::MedianKeyCosine => {
            "median cosine of trained keys with their initial weights".to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::testnet::{dataset, net};

    #[test]
    fn true_claims_hold_and_false_ones_say_what_was_measured() {
        let (m, ds) = (net(), dataset(5));
        let ctx = ClaimContext::new(&m, &m, &ds);
        let holds = |q: Quantity, c: Comparison| {
            ctx.check(&Claim {
                quantity: q,
                comparison: c,
            })
            .unwrap()
        };
        // 8s are misread: 45 of 50 right.
        assert!(holds(Quantity::TestAccuracy, Comparison::AtLeast(0.9)).holds);
        assert!(holds(Quantity::DigitAccuracy(8), Comparison::Below(0.5)).holds);
        let knock = Quantity::AccuracyAfterKnockout {
            digit: 2,
            target: 2,
            k: 1,
            mode: KnockoutMode::Zero,
        };
        assert!(holds(knock, Comparison::Below(0.5)).holds);
        let v = holds(Quantity::Agreement, Comparison::Below(0.5));
        assert!(!v.holds);
        assert_eq!(v.measured, 0.9);
        assert_eq!(
            v.message,
            "claimed fraction of pairs that fire most on the digit they vote for < 0.5; measured 0.9000"
        );
        assert!(holds(Quantity::MedianKeyCosine, Comparison::AtLeast(1.0 - 1e-9)).holds);
        let flip = Quantity::FlipFraction {
            selector: "first(digit=2)".into(),
            ranking: Ranking::Decision,
        };
        assert!(holds(flip, Comparison::AtMost(1.0)).holds);
    }

    #[test]
    fn a_broken_claim_is_an_error_not_a_verdict() {
        let (m, ds) = (net(), dataset(2));
        let ctx = ClaimContext::new(&m, &m, &ds);
        let bad = |q: Quantity| {
            ctx.check(&Claim {
                quantity: q,
                comparison: Comparison::Below(1.0),
            })
            .unwrap_err()
        };
        assert!(
            bad(Quantity::FlipFraction {
                selector: "frist(digit=2)".into(),
                ranking: Ranking::L1
            })
            .contains("unknown selector")
        );
        assert!(bad(Quantity::DigitAccuracy(11)).contains("not 0 to 9"));
        assert!(
            bad(Quantity::AccuracyAfterKnockout {
                digit: 1,
                target: 1,
                k: 99,
                mode: KnockoutMode::Zero
            })
            .contains("k = 99")
        );
    }
}
