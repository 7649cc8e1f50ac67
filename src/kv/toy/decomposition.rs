//! A toy net computed on one input twice, exactly in decimals: layer by
//! layer and pair by pair, with arithmetic that errors instead of rounding.

use super::{ToyNet, count};
use crate::num::exact;
use rust_decimal::Decimal;
use serde::Serialize;

/// One hidden neuron seen as a key-value pair, evaluated on one input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToyPair {
    /// 0-based index of the hidden neuron.
    pub index: usize,
    /// Row `index` of W1.
    pub key: Vec<Decimal>,
    /// `b1[index]`.
    pub bias: Decimal,
    /// Column `index` of W2: one number per output.
    pub value: Vec<Decimal>,
    /// key ⊙ x, input by input.
    pub products: Vec<Decimal>,
    /// Σ products + bias.
    pub pre: Decimal,
    /// ReLU(pre).
    pub activation: Decimal,
    /// `pre > 0`.
    pub fires: bool,
    /// activation · value: this pair's contribution to each output.
    pub scaled: Vec<Decimal>,
}

/// Which output an input is assigned to: the same type as for MNIST images
/// (a tie lists every tied output; none is picked silently).
pub use crate::kv::image::Prediction;

/// A toy net on one input, computed both ways. Only built when the two
/// ways agree exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToyDecomposition {
    pub input: Vec<Decimal>,
    pub pairs: Vec<ToyPair>,
    /// W1 · x + b1 (layer by layer).
    pub hidden_pre: Vec<Decimal>,
    /// ReLU(hidden_pre).
    pub hidden: Vec<Decimal>,
    /// W2 · hidden + b2 (layer by layer).
    pub logits: Vec<Decimal>,
    /// b2 + Σ_i scaled_i (pair by pair); equal to `logits`.
    pub logits_by_pairs: Vec<Decimal>,
    pub prediction: Prediction,
}

/// Computes `net` on `input` layer by layer and pair by pair, exactly.
/// Errors (never panics) when the input has the wrong length, the net's
/// shapes do not fit, a result needs more than the 28 significant digits a
/// decimal holds, or — which would be a bug — the two ways disagree.
pub fn decompose(net: &ToyNet, input: &[Decimal]) -> Result<ToyDecomposition, String> {
    net.check_shapes()?;
    if input.len() != net.inputs.len() {
        return Err(format!(
            "the input has {}, expected {} (one per input of `{}`: {})",
            count(input.len(), "number"),
            net.inputs.len(),
            net.name,
            net.inputs.join(", ")
        ));
    }
    let input: Vec<Decimal> = input.iter().map(Decimal::normalize).collect();

    // Layer by layer: h = ReLU(W1 · x + b1), logits = W2 · h + b2, each sum
    // starting from its bias.
    let mut hidden_pre = Vec::with_capacity(net.hidden());
    for (row, bias) in net.w1.iter().zip(&net.b1) {
        let mut acc = *bias;
        for (w, x) in row.iter().zip(&input) {
            acc = add(acc, mul(*w, *x)?)?;
        }
        hidden_pre.push(acc.normalize());
    }
    let hidden: Vec<Decimal> = hidden_pre.iter().map(|p| relu(*p)).collect();
    let mut logits = Vec::with_capacity(net.outputs.len());
    for (row, bias) in net.w2.iter().zip(&net.b2) {
        let mut acc = *bias;
        for (w, h) in row.iter().zip(&hidden) {
            acc = add(acc, mul(*w, *h)?)?;
        }
        logits.push(acc.normalize());
    }

    // Pair by pair: each pair's products, pre-activation, activation and
    // scaled value; the logits are b2 plus the scaled values.
    let mut pairs = Vec::with_capacity(net.hidden());
    for (index, (key, bias)) in net.w1.iter().zip(&net.b1).enumerate() {
        let value = net
            .value(index)
            .ok_or_else(|| format!("toy net `{}`: w2 has no column {}", net.name, index + 1))?;
        let products = key
            .iter()
            .zip(&input)
            .map(|(k, x)| mul(*k, *x))
            .collect::<Result<Vec<_>, _>>()?;
        let mut sum = Decimal::ZERO;
        for p in &products {
            sum = add(sum, *p)?;
        }
        let pre = add(sum, *bias)?;
        let activation = relu(pre);
        let scaled = value
            .iter()
            .map(|v| mul(activation, *v))
            .collect::<Result<Vec<_>, _>>()?;
        pairs.push(ToyPair {
            index,
            key: key.clone(),
            bias: *bias,
            value,
            products,
            pre,
            activation,
            fires: pre > Decimal::ZERO,
            scaled,
        });
    }
    let mut logits_by_pairs = net.b2.clone();
    for pair in &pairs {
        for (acc, s) in logits_by_pairs.iter_mut().zip(&pair.scaled) {
            *acc = add(*acc, *s)?;
        }
    }
    let logits_by_pairs: Vec<Decimal> = logits_by_pairs.iter().map(Decimal::normalize).collect();

    // Decimal equality is numeric (1.50 == 1.5).
    for (i, pair) in pairs.iter().enumerate() {
        if hidden_pre.get(i) != Some(&pair.pre) {
            return Err(format!(
                "bug: hidden neuron {} of `{}` gets {} layer by layer but {} as a pair",
                i + 1,
                net.name,
                hidden_pre.get(i).map_or_else(String::new, exact),
                exact(&pair.pre)
            ));
        }
    }
    if logits != logits_by_pairs {
        return Err(format!(
            "bug: the outputs of `{}` are ({}) layer by layer but ({}) pair by pair",
            net.name,
            join_exact(&logits),
            join_exact(&logits_by_pairs)
        ));
    }
    let prediction = predict(&logits);
    Ok(ToyDecomposition {
        input,
        pairs,
        hidden_pre,
        hidden,
        logits,
        logits_by_pairs,
        prediction,
    })
}

/// The largest output, or all outputs tied for largest.
pub fn predict(logits: &[Decimal]) -> Prediction {
    let max = logits.iter().max().copied().unwrap_or_default();
    let best: Vec<usize> = logits
        .iter()
        .enumerate()
        .filter(|(_, l)| **l == max)
        .map(|(i, _)| i)
        .collect();
    match best.as_slice() {
        [one] => Prediction::Unique(*one),
        _ => Prediction::Tie(best),
    }
}

fn relu(x: Decimal) -> Decimal {
    if x > Decimal::ZERO { x } else { Decimal::ZERO }
}

/// `a × b`, exactly or not at all. `rust_decimal` rounds a product whose
/// scale would pass 28 or whose digits overflow; its scale then falls below
/// the sum of the operands' scales, which is how a rounded result is caught.
pub(super) fn mul(a: Decimal, b: Decimal) -> Result<Decimal, String> {
    let (a, b) = (a.normalize(), b.normalize());
    if a.is_zero() || b.is_zero() {
        return Ok(Decimal::ZERO);
    }
    match a.checked_mul(b) {
        Some(r) if r.scale() == a.scale() + b.scale() => Ok(r.normalize()),
        _ => Err(format!(
            "{} × {} cannot be computed exactly: a decimal holds at most 28 significant digits",
            exact(&a),
            exact(&b)
        )),
    }
}

/// `a + b`, exactly or not at all (a rounded sum has a smaller scale).
pub(super) fn add(a: Decimal, b: Decimal) -> Result<Decimal, String> {
    let (a, b) = (a.normalize(), b.normalize());
    match a.checked_add(b) {
        Some(r) if r.is_zero() || r.scale() >= a.scale().max(b.scale()) => Ok(r.normalize()),
        _ => Err(format!(
            "{} + {} cannot be computed exactly: a decimal holds at most 28 significant digits",
            exact(&a),
            exact(&b)
        )),
    }
}

fn join_exact(xs: &[Decimal]) -> String {
    xs.iter().map(exact).collect::<Vec<_>>().join(", ")
}
