//! The usual slips on a toy net (ReLU skipped, bias left out, W1 or W2
//! read transposed): the answers each gives, for the key's "usual wrong
//! answers", or a note that this variant cannot catch it.

use super::given::Given;
use super::words::label_prefix;
use crate::kv::toy::{ToyDecomposition, ToyNet};
use crate::sheets::key::{Key, Slip};
use rust_decimal::Decimal;

/// Which slip of the usual ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlipKind {
    NoRelu,
    NoBias,
    W1T,
    W2T,
}

/// Each slip with why a learner makes it (the text before `:` names it).
const SLIPS: [(SlipKind, &str); 4] = [
    (
        SlipKind::NoRelu,
        "ReLU skipped: a negative weighted sum was passed on instead of 0. The learner treats the neuron as linear; ask what a neuron that does not fire sends on.",
    ),
    (
        SlipKind::NoBias,
        "bias left out: the neuron's threshold was ignored. Ask what the bias does to the sum before ReLU.",
    ),
    (
        SlipKind::W1T,
        "W1 read transposed: the weights out of an input were used as a neuron's key. A key is a row of W1: the weights into one hidden neuron.",
    ),
    (
        SlipKind::W2T,
        "W2 read transposed: a row of W2 was used as a value. A value is a column of W2: the weights out of one hidden neuron.",
    ),
];

/// `m` transposed, when it is square and at least 2 × 2 (a transposed
/// reading of any other shape does not fit the net).
fn transpose(m: &[Vec<Decimal>]) -> Option<Vec<Vec<Decimal>>> {
    let rows = m.len();
    let cols = m.first()?.len();
    if rows != cols || rows < 2 {
        return None;
    }
    Some(
        (0..cols)
            .map(|c| m.iter().map(|r| r[c]).collect())
            .collect(),
    )
}

/// The outputs a learner gets when making `slip` (None: the slip does not
/// apply to this net, or the numbers overflow).
fn forward(net: &ToyNet, x: &[Decimal], slip: SlipKind) -> Option<Vec<Decimal>> {
    let w1 = match slip {
        SlipKind::W1T => transpose(&net.w1)?,
        _ => net.w1.clone(),
    };
    let w2 = match slip {
        SlipKind::W2T => transpose(&net.w2)?,
        _ => net.w2.clone(),
    };
    let keep_bias = slip != SlipKind::NoBias;
    let mut h = Vec::new();
    for (row, b) in w1.iter().zip(&net.b1) {
        let mut z = if keep_bias { *b } else { Decimal::ZERO };
        for (w, xi) in row.iter().zip(x) {
            z = z.checked_add(w.checked_mul(*xi)?)?;
        }
        h.push(if slip == SlipKind::NoRelu || z > Decimal::ZERO {
            z
        } else {
            Decimal::ZERO
        });
    }
    let mut out = Vec::new();
    for (row, b) in w2.iter().zip(&net.b2) {
        let mut y = if keep_bias { *b } else { Decimal::ZERO };
        for (w, hi) in row.iter().zip(&h) {
            y = y.checked_add(w.checked_mul(*hi)?)?;
        }
        out.push(y.normalize());
    }
    Some(out)
}

/// The usual slips on `given`: each that changes an answer, and the names
/// of those this variant cannot catch.
pub(super) fn slips(
    given: &Given,
    decs: &[ToyDecomposition],
    key: &mut Key,
    answer: impl Fn(&[Decimal]) -> String,
) {
    let has_bias = given
        .net
        .b1
        .iter()
        .chain(&given.net.b2)
        .any(|b| !b.is_zero());
    for (kind, why) in SLIPS {
        if kind == SlipKind::NoBias && !has_bias {
            continue;
        }
        let mut wrong = Vec::new();
        let mut applies = false;
        for ((name, x), dec) in given.inputs.iter().zip(decs) {
            let Some(out) = forward(&given.net, x, kind) else {
                continue;
            };
            applies = true;
            if out != dec.logits {
                wrong.push(format!("{}{}", label_prefix(given, name), answer(&out)));
            }
        }
        if !applies {
            continue;
        }
        let short = why.split(':').next().unwrap_or(why).to_string();
        if wrong.is_empty() {
            key.not_caught.push(short);
        } else {
            key.slips.push(Slip {
                credit: None,
                answer: wrong.join("; "),
                why: why.to_string(),
            });
        }
    }
}
