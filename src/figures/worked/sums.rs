//! The sums a worked figure prints, as the very strings it prints: a sum's
//! terms and total ([`Shown`]), one weighted sum with its products
//! ([`Calc`]), and the three sums the figures write out (a pair's key · input,
//! an output layer by layer, an output pair by pair). The tests add these
//! strings back up.

use crate::figures::style;
use crate::kv::toy::{ToyDecomposition, ToyNet, ToyPair};
use rust_decimal::Decimal;

/// A sum as displayed: its terms and its total, exactly as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Shown {
    pub terms: Vec<String>,
    pub total: String,
}

impl Shown {
    fn new(terms: &[Decimal], total: &Decimal) -> Shown {
        Shown {
            terms: terms.iter().map(style::dec).collect(),
            total: style::dec(total),
        }
    }

    /// "0.9 + 0.32", "1.8 − 0.72".
    pub(super) fn terms_text(&self) -> String {
        join_terms(&self.terms)
    }
}

/// Joins displayed terms with "+" and "−" (a negative term after the first
/// is written as "− 0.72").
pub(super) fn join_terms(terms: &[String]) -> String {
    let mut out = String::new();
    for (k, t) in terms.iter().enumerate() {
        if k == 0 {
            out.push_str(t);
        } else if let Some(rest) = t.strip_prefix('\u{2212}') {
            out.push_str(" \u{2212} ");
            out.push_str(rest);
        } else {
            out.push_str(" + ");
            out.push_str(t);
        }
    }
    out
}

/// A factor inside a product: negative numbers in parentheses.
fn factor(d: &Decimal) -> String {
    let s = style::dec(d);
    if d.is_sign_negative() && !d.is_zero() {
        format!("({s})")
    } else {
        s
    }
}

/// One weighted sum: the products written out, then their values (plus a
/// bias), then the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Calc {
    /// (weight, input) as printed, one per product.
    pub factors: Vec<(String, String)>,
    /// The products (and the bias when nonzero) and their total.
    pub sum: Shown,
    /// The bias term is the last of `sum.terms`.
    pub has_bias: bool,
}

impl Calc {
    /// "0.6 × 1.5 + (−0.4) × (−0.8) + 1.3"
    pub(super) fn products_text(&self) -> String {
        let mut parts: Vec<String> = self
            .factors
            .iter()
            .map(|(w, x)| format!("{w} × {x}"))
            .collect();
        if let Some(b) = self.sum.terms.last().filter(|_| self.has_bias) {
            parts.push(b.clone());
        }
        join_terms(&parts)
    }

    /// "0.6 × 1.5 + (−0.4) × (−0.8) = 0.9 + 0.32 = 1.22"; a single term
    /// is not repeated.
    pub(super) fn full_text(&self) -> String {
        if self.sum.terms.len() <= 1 {
            format!("{} = {}", self.products_text(), self.sum.total)
        } else {
            format!(
                "{} = {} = {}",
                self.products_text(),
                self.sum.terms_text(),
                self.sum.total
            )
        }
    }
}

/// Key · input (+ bias) = pre-activation of one pair, from the decomposition.
pub(super) fn key_calc(p: &ToyPair, input: &[Decimal]) -> Calc {
    let factors = p
        .key
        .iter()
        .zip(input)
        .map(|(w, x)| (factor(w), factor(x)))
        .collect();
    let mut terms = p.products.clone();
    let has_bias = !p.bias.is_zero();
    if has_bias {
        terms.push(p.bias);
    }
    Calc {
        factors,
        sum: Shown::new(&terms, &p.pre),
        has_bias,
    }
}

/// Output `o` layer by layer: Σ_i W2[o][i] · hidden_i (+ b2[o]).
pub(super) fn output_calc(net: &ToyNet, dec: &ToyDecomposition, o: usize) -> Calc {
    let factors = dec
        .pairs
        .iter()
        .map(|p| {
            (
                factor(p.value.get(o).unwrap_or(&Decimal::ZERO)),
                factor(&p.activation),
            )
        })
        .collect();
    let mut terms: Vec<Decimal> = dec
        .pairs
        .iter()
        .map(|p| p.scaled.get(o).copied().unwrap_or_default())
        .collect();
    let bias = net.b2.get(o).copied().unwrap_or_default();
    let has_bias = !bias.is_zero();
    if has_bias {
        terms.push(bias);
    }
    Calc {
        factors,
        sum: Shown::new(&terms, dec.logits.get(o).unwrap_or(&Decimal::ZERO)),
        has_bias,
    }
}

/// Output `o` pair by pair: b2[o] (when nonzero) + Σ_i contribution_i[o].
pub(super) fn contributions_sum(net: &ToyNet, dec: &ToyDecomposition, o: usize) -> Shown {
    let mut terms = Vec::new();
    if let Some(b) = net.b2.get(o).filter(|b| !b.is_zero()) {
        terms.push(*b);
    }
    terms.extend(
        dec.pairs
            .iter()
            .map(|p| p.scaled.get(o).copied().unwrap_or_default()),
    );
    Shown::new(&terms, dec.logits_by_pairs.get(o).unwrap_or(&Decimal::ZERO))
}
