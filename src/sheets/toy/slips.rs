//! The usual slips on a toy net (ReLU skipped, bias left out, W1 or W2
//! read transposed, a sign slip, and the earlier workshop's two copying
//! slips): what a learner making each one computes ([`Trace`]), the
//! answers it gives for the key's "usual wrong answers" with the partial
//! credit it still earns, or a note that this variant cannot catch it.

use super::given::Given;
use super::words::label_prefix;
use crate::kv::toy::ToyNet;
use crate::sheets::Part;
use crate::sheets::key::{Key, Slip, factor, n, vector};
use rust_decimal::Decimal;

/// Which slip of the usual ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlipKind {
    NoRelu,
    NoBias,
    W1T,
    W2T,
    Sign,
    OldKey,
    OldInput,
}

const ALL: [SlipKind; 7] = [
    SlipKind::NoRelu,
    SlipKind::NoBias,
    SlipKind::W1T,
    SlipKind::W2T,
    SlipKind::Sign,
    SlipKind::OldKey,
    SlipKind::OldInput,
];

/// The earlier workshop's copying slips: the key it copied wrongly (the
/// right one, then the one it wrote) and the input it replaced.
const OLD_KEY: ([&str; 2], [&str; 2]) = (["1.2", "0.9"], ["1.2", "0.4"]);
const OLD_INPUT: (&str, &str) = ("20", "5");

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

/// What one input goes through, as a learner computes it: per hidden
/// neuron the key and value used, the weighted sum without and with the
/// bias, the activation; then the outputs.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Trace {
    pub keys: Vec<Vec<Decimal>>,
    pub values: Vec<Vec<Decimal>>,
    /// w·x, without the bias.
    pub s: Vec<Decimal>,
    /// w·x + bias.
    pub z: Vec<Decimal>,
    /// After ReLU (or not, for the slip that skips it).
    pub a: Vec<Decimal>,
    pub y: Vec<Decimal>,
}

impl Trace {
    /// Pair `i`'s activation × value, one number per output.
    pub(super) fn scaled(&self, i: usize) -> Vec<Decimal> {
        self.values[i]
            .iter()
            .map(|v| (self.a[i] * v).normalize())
            .collect()
    }
}

/// `m` transposed, when it is square and at least 2 × 2.
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

/// The right computation of `x` on `net`.
pub(super) fn right(net: &ToyNet, x: &[Decimal]) -> Option<Trace> {
    forward(net, x, None)
}

/// What a learner making `slip` computes (None: the slip cannot happen
/// on this net and input, or the numbers overflow).
fn forward(net: &ToyNet, x: &[Decimal], slip: Option<SlipKind>) -> Option<Trace> {
    use SlipKind::*;
    let mut w1 = net.w1.clone();
    let mut w2 = net.w2.clone();
    let mut x = x.to_vec();
    match slip {
        Some(W1T) => w1 = transpose(&net.w1)?,
        Some(W2T) => w2 = transpose(&net.w2)?,
        Some(OldKey) => {
            let (from, to) = (OLD_KEY.0.map(dec), OLD_KEY.1.map(dec));
            let row = w1.iter_mut().find(|r| r.as_slice() == from)?;
            *row = to.to_vec();
        }
        Some(OldInput) => {
            let (from, to) = (dec(OLD_INPUT.0), dec(OLD_INPUT.1));
            let v = x.iter_mut().find(|v| **v == from)?;
            *v = to;
        }
        _ => {}
    }
    let keep_bias = slip != Some(NoBias);
    let mut sign_used = false;
    let (mut s, mut z, mut a) = (Vec::new(), Vec::new(), Vec::new());
    for (row, b) in w1.iter().zip(&net.b1) {
        let mut acc = Decimal::ZERO;
        for (w, xi) in row.iter().zip(&x) {
            let mut p = w.checked_mul(*xi)?;
            if slip == Some(Sign) && *w < Decimal::ZERO && *xi < Decimal::ZERO {
                p = -p;
                sign_used = true;
            }
            acc = acc.checked_add(p)?;
        }
        let zi = if keep_bias { acc.checked_add(*b)? } else { acc };
        s.push(acc.normalize());
        z.push(zi.normalize());
        a.push(if slip == Some(NoRelu) || zi > Decimal::ZERO {
            zi.normalize()
        } else {
            Decimal::ZERO
        });
    }
    if slip == Some(Sign) && !sign_used {
        return None;
    }
    let mut y = Vec::new();
    for (row, b) in w2.iter().zip(&net.b2) {
        let mut acc = if keep_bias { *b } else { Decimal::ZERO };
        for (w, hi) in row.iter().zip(&a) {
            acc = acc.checked_add(w.checked_mul(*hi)?)?;
        }
        y.push(acc.normalize());
    }
    let values = (0..w1.len())
        .map(|i| w2.iter().map(|r| r[i]).collect())
        .collect();
    Some(Trace {
        keys: w1,
        values,
        s,
        z,
        a,
        y,
    })
}

/// Why a learner makes `slip` (the text before `:` names it), with this
/// variant's numbers where they help.
fn why(slip: SlipKind, given: &Given) -> String {
    match slip {
        SlipKind::NoRelu => "ReLU skipped: a negative weighted sum was passed on instead of 0. The learner treats the neuron as linear; ask what a neuron that does not fire sends on.".into(),
        SlipKind::NoBias => "bias left out: the neuron's threshold was ignored. Ask what the bias does to the sum before ReLU.".into(),
        SlipKind::W1T => "W1 read transposed: the weights out of one input were used as a key. A key is one row of the key table: the weights into one hidden neuron.".into(),
        SlipKind::W2T => "W2 read transposed: the weights into one output were used as a value. A value is one row of the value table: the weights out of one hidden neuron.".into(),
        SlipKind::Sign => {
            let example = given
                .inputs
                .iter()
                .flat_map(|(_, x)| {
                    given.net.w1.iter().flat_map(move |row| {
                        row.iter().zip(x.clone()).map(|(w, xi)| (*w, xi)).collect::<Vec<_>>()
                    })
                })
                .find(|(w, xi)| *w < Decimal::ZERO && *xi < Decimal::ZERO);
            match example {
                Some((w, xi)) => format!(
                    "sign slip: {} × {} written as {} instead of {}. Two negatives make a positive; every number after the slip inherits it.",
                    factor(&w),
                    factor(&xi),
                    n(&-(w * xi).normalize()),
                    n(&(w * xi).normalize())
                ),
                None => "sign slip: a product of two negative numbers written as negative.".into(),
            }
        }
        SlipKind::OldKey => format!(
            "key copied wrongly: ({}) used instead of ({}) (a copying slip that even published worked solutions make). Ask the learner to read the key again from its row of the table.",
            OLD_KEY.1.join(", "),
            OLD_KEY.0.join(", ")
        ),
        SlipKind::OldInput => format!(
            "input copied wrongly: {} used in place of the input {} (a copying slip that even published worked solutions make). Ask what was substituted for each input; a small weight matters when its input is large.",
            OLD_INPUT.1, OLD_INPUT.0
        ),
    }
}

/// Points of the boxes of `parts`.
pub(super) fn total_points(parts: &[Part]) -> u32 {
    parts.iter().flat_map(|p| &p.boxes).map(|b| b.points).sum()
}

/// Points of the boxes a learner's `got` answers the same as `want`.
fn kept_points(want: &[Part], got: &[Part]) -> u32 {
    want.iter()
        .zip(got)
        .flat_map(|(w, g)| w.boxes.iter().zip(&g.boxes))
        .filter(|(w, g)| w.answer == g.answer)
        .map(|(w, _)| w.points)
        .sum()
}

/// The right trace of every input of `given`, checked against the
/// independent decomposition's outputs.
pub(super) fn right_traces(given: &Given, logits: &[Vec<Decimal>]) -> Result<Vec<Trace>, String> {
    let mut out = Vec::new();
    for ((name, x), want) in given.inputs.iter().zip(logits) {
        let t = right(&given.net, x).ok_or_else(|| format!("{name}: the numbers overflow"))?;
        if &t.y != want {
            return Err(format!(
                "bug: the boxes of input {name} give {}, the decomposition {}",
                vector(&t.y),
                vector(want)
            ));
        }
        out.push(t);
    }
    Ok(out)
}

/// The usual slips on `given`: each that changes a box, with the final
/// answers it gives (`answer`) and its credit (the points of the boxes it
/// leaves right, boxes as `parts_of` fills them), and the names of those
/// this variant cannot catch.
pub(super) fn slips(
    given: &Given,
    key: &mut Key,
    parts_of: impl Fn(&[Trace]) -> Vec<Part>,
    answer: impl Fn(&[Decimal]) -> String,
) {
    let Some(rights) = given
        .inputs
        .iter()
        .map(|(_, x)| right(&given.net, x))
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let want = parts_of(&rights);
    let total = total_points(&want);
    let has_bias = given
        .net
        .b1
        .iter()
        .chain(&given.net.b2)
        .any(|b| !b.is_zero());
    for kind in ALL {
        if kind == SlipKind::NoBias && !has_bias {
            continue;
        }
        let mut applies = false;
        let traces: Vec<Trace> = given
            .inputs
            .iter()
            .zip(&rights)
            .map(|((_, x), r)| match forward(&given.net, x, Some(kind)) {
                Some(t) => {
                    applies = true;
                    t
                }
                None => r.clone(),
            })
            .collect();
        if !applies {
            continue;
        }
        let got = parts_of(&traces);
        let kept = kept_points(&want, &got);
        let why = why(kind, given);
        if kept == total {
            key.not_caught
                .push(why.split(':').next().unwrap_or(&why).to_string());
            continue;
        }
        let mut wrong: Vec<String> = given
            .inputs
            .iter()
            .zip(traces.iter().zip(&rights))
            .filter(|(_, (t, r))| t.y != r.y)
            .map(|((name, _), (t, _))| format!("{}{}", label_prefix(given, name), answer(&t.y)))
            .collect();
        if wrong.is_empty() {
            // The outputs survive; show the first box that does not.
            wrong = want
                .iter()
                .zip(&got)
                .flat_map(|(w, g)| w.boxes.iter().zip(&g.boxes))
                .filter(|(w, g)| w.answer != g.answer)
                .take(1)
                .map(|(_, g)| format!("{}: {}", g.label, g.answer))
                .collect();
        }
        key.slips.push(Slip {
            answer: wrong.join("; "),
            why,
            credit: Some(kept),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn net() -> ToyNet {
        let toml = include_str!("../../../content/nets/exercise.toml");
        ToyNet::parse(toml, std::path::Path::new("nets/exercise.toml")).unwrap()
    }

    #[test]
    fn the_sign_slip_and_the_old_key_give_the_reviewed_outputs() {
        let x = [d("1.5"), d("-0.8")];
        let net = net();
        assert_eq!(right(&net, &x).unwrap().y, vec![d("0.82")]);
        // (−0.4)(−0.8) written as −0.32: h1 = 0.58, output −0.46.
        let t = forward(&net, &x, Some(SlipKind::Sign)).unwrap();
        assert_eq!(t.a[0], d("0.58"));
        assert_eq!(t.y, vec![d("-0.46")]);
        // Key 2 copied as (1.2, 0.4): h2 = 1.48, output 0.22.
        let t = forward(&net, &x, Some(SlipKind::OldKey)).unwrap();
        assert_eq!(t.y, vec![d("0.22")]);
        // No input 20 here: the copying slip of the neuron does not apply.
        assert!(forward(&net, &x, Some(SlipKind::OldInput)).is_none());
    }
}
