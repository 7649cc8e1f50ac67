//! An answer key as data: every intermediate number is a [`Step`] whose
//! arithmetic the verifier redoes exactly, and every final answer is
//! compared with an independent computation of the same thing (the toy
//! net's own two-way decomposition, or the trained model's forward pass).
//! A key that fails either check never reaches the page: the build stops.

use crate::num::exact;
use rust_decimal::Decimal;

/// One line of arithmetic, with the result the key states.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Step {
    /// What this line computes ("hidden 1: weighted sum").
    pub label: String,
    pub expr: Expr,
    pub result: Decimal,
}

/// The arithmetic of a step, on the numbers it shows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// Σ aᵢ × bᵢ, plus an optional constant (a bias).
    Dot {
        terms: Vec<(Decimal, Decimal)>,
        plus: Option<Decimal>,
    },
    /// a + b + …
    Sum(Vec<Decimal>),
    /// max(x, 0).
    Relu(Decimal),
    /// a × b.
    Mul(Decimal, Decimal),
    /// a − b.
    Sub(Decimal, Decimal),
}

impl Expr {
    /// The exact value, or None when a decimal cannot hold it.
    pub(crate) fn eval(&self) -> Option<Decimal> {
        match self {
            Expr::Dot { terms, plus } => {
                let mut acc = plus.unwrap_or(Decimal::ZERO);
                for (a, b) in terms {
                    acc = acc.checked_add(a.checked_mul(*b)?)?;
                }
                Some(acc.normalize())
            }
            Expr::Sum(xs) => {
                let mut acc = Decimal::ZERO;
                for x in xs {
                    acc = acc.checked_add(*x)?;
                }
                Some(acc.normalize())
            }
            Expr::Relu(x) => Some(if *x > Decimal::ZERO {
                x.normalize()
            } else {
                Decimal::ZERO
            }),
            Expr::Mul(a, b) => a.checked_mul(*b).map(|d| d.normalize()),
            Expr::Sub(a, b) => a.checked_sub(*b).map(|d| d.normalize()),
        }
    }

    /// The calculation as a learner writes it: `0.5 × 2 + (−0.1) × 1.5 + 1.3`.
    pub(crate) fn text(&self) -> String {
        match self {
            Expr::Dot { terms, plus } => {
                let mut parts: Vec<String> = terms
                    .iter()
                    .map(|(a, b)| format!("{} × {}", factor(a), factor(b)))
                    .collect();
                if let Some(p) = plus {
                    parts.push(factor(p));
                }
                parts.join(" + ")
            }
            Expr::Sum(xs) => xs.iter().map(factor).collect::<Vec<_>>().join(" + "),
            Expr::Relu(x) => format!("ReLU({})", n(x)),
            Expr::Mul(a, b) => format!("{} × {}", factor(a), factor(b)),
            Expr::Sub(a, b) => format!("{} − {}", n(a), factor(b)),
        }
    }
}

/// A final answer: what the TA table and the key's summary show.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Final {
    pub label: String,
    pub value: String,
}

/// A usual wrong answer and what it reveals.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Slip {
    /// The wrong answer as a learner would write it.
    pub answer: String,
    /// The slip that produces it, and what it shows about the learner's model.
    pub why: String,
    /// Points a marker gives the whole exercise when a sheet shows this
    /// answer (the working that does not depend on the slip earns its
    /// points); `None`: no partial credit.
    pub credit: Option<u32>,
}

/// Everything the key of one exercise says.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Key {
    pub steps: Vec<Step>,
    pub finals: Vec<Final>,
    pub slips: Vec<Slip>,
    /// Slips this variant cannot tell apart from the right answer.
    pub not_caught: Vec<String>,
    /// Extra lines (a proof, a table of cases), already HTML.
    pub notes: Vec<String>,
    /// The model answer to the exercise's `Stretch:` question, computed
    /// for this variant (HTML); shown in the key and the marking key.
    pub stretch: Vec<String>,
}

impl Key {
    pub(crate) fn step(&mut self, label: impl Into<String>, expr: Expr) -> Result<Decimal, String> {
        let label = label.into();
        let result = expr
            .eval()
            .ok_or_else(|| format!("{label}: {} cannot be computed exactly", expr.text()))?;
        self.steps.push(Step {
            label,
            expr,
            result,
        });
        Ok(result)
    }

    pub(crate) fn fin(&mut self, label: impl Into<String>, value: impl Into<String>) {
        self.finals.push(Final {
            label: label.into(),
            value: value.into(),
        });
    }

    /// The short answer for the TA table: the finals, joined.
    pub(crate) fn short(&self) -> String {
        self.finals
            .iter()
            .map(|f| {
                if f.label.is_empty() {
                    f.value.clone()
                } else {
                    format!("{}: {}", f.label, f.value)
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Redoes every step of `key` and compares its finals with `expected`
/// (label, value) computed independently. Every disagreement is listed.
pub(crate) fn verify(key: &Key, expected: &[(String, String)]) -> Result<(), Vec<String>> {
    let mut out = Vec::new();
    for s in &key.steps {
        match s.expr.eval() {
            Some(v) if v == s.result => {}
            Some(v) => out.push(format!(
                "step “{}”: {} is {}, the key says {}",
                s.label,
                s.expr.text(),
                exact(&v),
                exact(&s.result)
            )),
            None => out.push(format!("step “{}”: cannot be recomputed", s.label)),
        }
    }
    if key.finals.len() != expected.len() {
        out.push(format!(
            "the key gives {} final answers, the check computed {}",
            key.finals.len(),
            expected.len()
        ));
    }
    for (f, (label, value)) in key.finals.iter().zip(expected) {
        if &f.label != label || &f.value != value {
            out.push(format!(
                "final answer “{}: {}” disagrees with the independent check “{label}: {value}”",
                f.label, f.value
            ));
        }
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

/// A decimal in prose: `−` for negatives.
pub(crate) fn n(d: &Decimal) -> String {
    let s = exact(d);
    match s.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => s,
    }
}

/// A factor in a product: negatives in parentheses.
pub(crate) fn factor(d: &Decimal) -> String {
    if d.is_sign_negative() && !d.is_zero() {
        format!("({})", n(d))
    } else {
        n(d)
    }
}

/// `(a, b, c)`, or the number alone for one element.
pub(crate) fn vector(v: &[Decimal]) -> String {
    if v.len() == 1 {
        n(&v[0])
    } else {
        format!("({})", v.iter().map(n).collect::<Vec<_>>().join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn neuron_key() -> Key {
        let mut k = Key::default();
        let z = k
            .step(
                "weighted sum plus bias",
                Expr::Dot {
                    terms: vec![(d("0.5"), d("2")), (d("-0.1"), d("1.5"))],
                    plus: Some(d("1.3")),
                },
            )
            .unwrap();
        let y = k.step("ReLU", Expr::Relu(z)).unwrap();
        k.fin("output", n(&y));
        k
    }

    #[test]
    fn a_correct_key_passes() {
        let k = neuron_key();
        assert_eq!(k.steps[0].result, d("2.15"));
        assert_eq!(k.steps[0].expr.text(), "0.5 × 2 + (−0.1) × 1.5 + 1.3");
        verify(&k, &[("output".into(), "2.15".into())]).unwrap();
    }

    #[test]
    fn the_verifier_catches_a_wrong_step_and_a_wrong_final() {
        let mut k = neuron_key();
        k.steps[0].result = d("2.25");
        let e = verify(&k, &[("output".into(), "2.15".into())]).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("is 2.15, the key says 2.25"), "{e:?}");
        let mut k = neuron_key();
        k.finals[0].value = "2.51".into();
        let e = verify(&k, &[("output".into(), "2.15".into())]).unwrap_err();
        assert!(e[0].contains("disagrees"), "{e:?}");
        // A missing answer is caught too.
        let e = verify(&neuron_key(), &[]).unwrap_err();
        assert!(e[0].contains("final answers"), "{e:?}");
    }

    #[test]
    fn relu_and_text() {
        assert_eq!(Expr::Relu(d("-0.65")).eval(), Some(Decimal::ZERO));
        assert_eq!(Expr::Sub(d("3"), d("-1.5")).text(), "3 − (−1.5)");
        assert_eq!(Expr::Sub(d("3"), d("-1.5")).eval(), Some(d("4.5")));
        assert_eq!(vector(&[d("1"), d("-0.5")]), "(1, −0.5)");
    }
}
