//! The model answers to the toy exercises' `Stretch:` questions that
//! need a search: the line a single neuron draws in its input plane, and
//! an input of small whole numbers on which a given set of hidden neurons
//! fires. Everything is computed from the variant's own numbers.

use super::slips::right;
use crate::kv::toy::ToyNet;
use crate::sheets::key::n;
use rust_decimal::Decimal;

/// `-p / q` rounded to two places, with `=` when exact and `≈` otherwise.
fn ratio(p: Decimal, q: Decimal) -> Option<String> {
    let exact = (-p).checked_div(q)?;
    let r = exact.round_dp(2).normalize();
    Some(if r == exact.normalize() {
        format!("= {}", n(&r))
    } else {
        format!("≈ {}", n(&r))
    })
}

/// `w₁·x₁ + w₂·x₂ + b` written out.
fn linear(w: &[Decimal], b: Decimal) -> String {
    let mut s = String::new();
    for (i, wi) in w.iter().enumerate() {
        let sub = ['₁', '₂', '₃', '₄'].get(i).copied().unwrap_or('ₙ');
        if s.is_empty() {
            s = format!("{}·x{sub}", n(wi));
        } else if *wi < Decimal::ZERO {
            s.push_str(&format!(" − {}·x{sub}", n(&-wi)));
        } else {
            s.push_str(&format!(" + {}·x{sub}", n(wi)));
        }
    }
    if b < Decimal::ZERO {
        s.push_str(&format!(" − {}", n(&-b)));
    } else if !b.is_zero() {
        s.push_str(&format!(" + {}", n(&b)));
    }
    s
}

/// The stretch of a single neuron with two inputs: its line, the side on
/// which it fires, and where each input lies.
pub(super) fn neuron_line(net: &ToyNet, inputs: &[(String, Vec<Decimal>)]) -> Vec<String> {
    let (Some(w), Some(&b)) = (net.w1.first(), net.b1.first()) else {
        return Vec::new();
    };
    if w.len() != 2 || net.inputs.len() != 2 {
        return Vec::new();
    }
    let (x1, x2) = (&net.inputs[0], &net.inputs[1]);
    let mut out = Vec::new();
    let crossings = match (ratio(b, w[0]), ratio(b, w[1])) {
        _ if b.is_zero() => "It passes through (0, 0).".to_string(),
        (Some(c1), Some(c2)) => format!(
            "It crosses the {x1} axis (x₂ = 0) at x₁ {c1} and the {x2} axis (x₁ = 0) at x₂ {c2}: join those two points."
        ),
        _ => String::new(),
    };
    out.push(format!(
        "Take x₁ = the {x1} (across) and x₂ = the {x2} (up). The neuron's sum before ReLU is zero on the line {} = 0. {crossings}",
        linear(w, b)
    ));
    let side = if b > Decimal::ZERO {
        format!(
            "the side that holds (0, 0), where the sum is the bias {}",
            n(&b)
        )
    } else if b < Decimal::ZERO {
        format!(
            "the side away from (0, 0), where the sum is the bias {}",
            n(&b)
        )
    } else {
        format!("the side that holds ({}, {})", n(&w[0]), n(&w[1]))
    };
    let updown = if w[1] > Decimal::ZERO {
        "above the line (a larger x₂ raises the sum)"
    } else {
        "below the line (a larger x₂ lowers the sum)"
    };
    out.push(format!("It fires {updown}: shade {side}."));
    let places: Vec<String> = inputs
        .iter()
        .filter_map(|(name, x)| {
            let t = right(net, x)?;
            let z = t.z[0];
            let place = if z > Decimal::ZERO {
                "on the side where it fires"
            } else if z.is_zero() {
                "on the line itself (it does not fire)"
            } else {
                "on the silent side"
            };
            Some(format!(
                "input {name} ({}, {}) gives {}, so it lies {place}",
                n(&x[0]),
                n(&x[1]),
                n(&z)
            ))
        })
        .collect();
    if !places.is_empty() {
        out.push(format!("{}.", capitalise(&places.join("; "))));
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Inputs of small whole numbers (−2 to 2 each, not all 0), in a fixed
/// order, for nets with at most three inputs.
fn small_inputs(k: usize) -> Vec<Vec<Decimal>> {
    if k == 0 || k > 3 {
        return Vec::new();
    }
    let vals = [1i64, -1, 2, -2, 0];
    let mut out: Vec<Vec<Decimal>> = vec![Vec::new()];
    for _ in 0..k {
        out = out
            .into_iter()
            .flat_map(|p| {
                vals.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(Decimal::from(*v));
                    q
                })
            })
            .collect();
    }
    out.retain(|x| x.iter().any(|v| !v.is_zero()));
    out
}

/// The first small whole-number input on which exactly the hidden neurons
/// `on` fire (every sum away from 0), with each neuron's sum.
pub(super) fn input_where(net: &ToyNet, on: &[bool]) -> Option<(Vec<Decimal>, Vec<Decimal>)> {
    small_inputs(net.inputs.len()).into_iter().find_map(|x| {
        let t = right(net, &x)?;
        let fires: Vec<bool> = t.z.iter().map(|z| *z > Decimal::ZERO).collect();
        (fires == on && t.z.iter().all(|z| !z.is_zero())).then_some((x, t.z))
    })
}

/// An input written as the sheet writes it: `(1, −2)`.
pub(super) fn point(x: &[Decimal]) -> String {
    format!("({})", x.iter().map(n).collect::<Vec<_>>().join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn the_written_neuron_s_line_crosses_at_minus_2_6_and_13() {
        let toml = include_str!("../../../content/nets/single-neuron.toml");
        let net = ToyNet::parse(toml, std::path::Path::new("nets/n.toml")).unwrap();
        let inputs = vec![
            ("first".to_string(), vec![d("2"), d("1.5")]),
            ("second".to_string(), vec![d("0.1"), d("20")]),
        ];
        let s = neuron_line(&net, &inputs).join(" ");
        assert!(s.contains("0.5·x₁ − 0.1·x₂ + 1.3 = 0"), "{s}");
        assert!(s.contains("x₁ = −2.6") && s.contains("x₂ = 13"), "{s}");
        assert!(s.contains("below the line"), "{s}");
        assert!(
            s.contains("input second (0.1, 20) gives −0.65, so it lies on the silent side"),
            "{s}"
        );
    }

    #[test]
    fn an_input_where_only_pair_1_fires() {
        let toml = include_str!("../../../content/nets/exercise.toml");
        let net = ToyNet::parse(toml, std::path::Path::new("nets/e.toml")).unwrap();
        let (x, z) = input_where(&net, &[true, false]).unwrap();
        assert!(z[0] > Decimal::ZERO && z[1] < Decimal::ZERO, "{x:?} {z:?}");
    }
}
