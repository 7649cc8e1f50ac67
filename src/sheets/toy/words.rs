//! How a toy exercise writes its answers and labels: the prediction in
//! words, the outputs as a number or a vector, a label's input prefix.

use super::given::Given;
use crate::kv::toy::{Prediction, ToyNet};
use crate::markdown::escape_attr;
use crate::sheets::key::{n, vector};
use rust_decimal::Decimal;

/// Names as a list for an answer box: `none`, `a`, or `a, b`.
pub(super) fn names_list(names: &[&str]) -> String {
    match names {
        [] => "none".to_string(),
        [one] => one.to_string(),
        _ => names.join(", "),
    }
}

/// Output `o`'s name, escaped for HTML.
pub(super) fn output_word(net: &ToyNet, o: usize) -> String {
    escape_attr(&net.outputs[o])
}

/// `"name: "` before a label when the exercise works several inputs.
pub(super) fn label_prefix(given: &Given, name: &str) -> String {
    if given.inputs.len() > 1 {
        format!("{name}: ")
    } else {
        String::new()
    }
}

/// The prediction in words: `output 1`, or `tie (output 1 = output 2)`.
pub(super) fn prediction_text(net: &ToyNet, prediction: &Prediction) -> String {
    match prediction {
        Prediction::Unique(o) => net.outputs[*o].clone(),
        Prediction::Tie(os) => format!(
            "tie ({})",
            os.iter()
                .map(|&o| net.outputs[o].clone())
                .collect::<Vec<_>>()
                .join(" = ")
        ),
    }
}

/// An input's values by name: `a = 1, b = 0`.
pub(super) fn input_words(net: &ToyNet, x: &[Decimal]) -> String {
    net.inputs
        .iter()
        .zip(x)
        .map(|(name, v)| format!("{} = {}", escape_attr(name), n(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The outputs as an answer: one number, or a vector of them.
pub(super) fn outputs_answer(net: &ToyNet, out: &[Decimal]) -> String {
    if net.outputs.len() == 1 {
        n(&out[0])
    } else {
        vector(out)
    }
}

/// The final answer's label: the input's name, or "output" for one input.
pub(super) fn final_label(given: &Given, name: &str) -> String {
    if given.inputs.len() > 1 {
        name.to_string()
    } else {
        "output".to_string()
    }
}

/// What a marker accepts for an exact number box: the number in any
/// equal form.
pub(super) fn same_number(answer: &str) -> String {
    let alt = if answer.contains('.') {
        format!("{answer}0")
    } else {
        format!("{answer}.0")
    };
    format!("{answer} exactly, in any equal form ({alt})")
}

/// What a marker accepts for a box of several exact numbers.
pub(super) fn same_numbers(answer: &str) -> String {
    if !answer.contains(',') {
        return same_number(answer);
    }
    format!("{answer} exactly, in this order; equal forms of the numbers are fine")
}

/// Which of `names` fire, for a "fires on" box: `first`, `both`,
/// `neither`, or a list.
pub(super) fn fires_on(names: &[&str], fires: &[bool]) -> String {
    let on: Vec<&str> = names
        .iter()
        .zip(fires)
        .filter(|(_, f)| **f)
        .map(|(n, _)| *n)
        .collect();
    match (on.len(), names.len()) {
        (0, 2) => "neither".to_string(),
        (2, 2) => "both".to_string(),
        _ => names_list(&on),
    }
}
