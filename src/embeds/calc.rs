//! The `calc` block: a toy network's forward pass worked through in exact
//! decimals, as an HTML table a learner can follow line by line, hidden
//! behind a "Show the calculation" button (a `<details>` element: no
//! JavaScript) so the reader can predict first. Every line is computed
//! from the net's decimals; the sums shown add up exactly.

use crate::kv::toy::{Prediction, ToyDecomposition, ToyNet};
use crate::markdown::escape_attr;
use crate::shortcodes::{Args, Fail};
use rust_decimal::Decimal;

/// An exact decimal in prose: `−` for negatives.
fn n(d: &Decimal) -> String {
    let s = crate::num::exact(d);
    match s.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => s,
    }
}

/// A factor inside a product: negatives in parentheses.
fn f(d: &Decimal) -> String {
    if d.is_sign_negative() && !d.is_zero() {
        format!("({})", n(d))
    } else {
        n(d)
    }
}

/// `a × b + c × d` for a dot product.
fn dot(w: &[Decimal], x: &[Decimal]) -> String {
    w.iter()
        .zip(x)
        .map(|(w, x)| format!("{} × {}", f(w), f(x)))
        .collect::<Vec<_>>()
        .join(" + ")
}

fn plus_bias(b: &Decimal) -> String {
    if b.is_zero() {
        String::new()
    } else {
        format!(" + {}", f(b))
    }
}

/// A vector of outputs: one number, or `(a, b, c)`.
fn vector(v: &[Decimal]) -> String {
    if v.len() == 1 {
        n(&v[0])
    } else {
        format!("({})", v.iter().map(n).collect::<Vec<_>>().join(", "))
    }
}

/// How a sum line names output `name`: "output 1" as it is, any other
/// name as `output “both corners”`.
fn output_label(name: &str) -> String {
    if name.starts_with("output") {
        escape_attr(name)
    } else {
        format!("output “{}”", escape_attr(name))
    }
}

fn prediction(net: &ToyNet, dec: &ToyDecomposition) -> String {
    if net.outputs.len() == 1 {
        return format!("The output is <strong>{}</strong>.", n(&dec.logits[0]));
    }
    match &dec.prediction {
        Prediction::Unique(o) => format!(
            "The largest output is <strong>{}</strong>: the network answers “{}”.",
            n(&dec.logits[*o]),
            escape_attr(&net.outputs[*o])
        ),
        Prediction::Tie(os) => {
            let names: Vec<String> = os
                .iter()
                .map(|&o| format!("“{}”", escape_attr(&net.outputs[o])))
                .collect();
            format!(
                "<strong>A tie</strong> between {} at {}: the network has no single answer.",
                names.join(" and "),
                n(&dec.logits[os[0]])
            )
        }
    }
}

/// The table of the pair-by-pair calculation.
fn pair_by_pair(net: &ToyNet, dec: &ToyDecomposition) -> String {
    let mut rows = String::new();
    for (i, p) in dec.pairs.iter().enumerate() {
        let relu = if p.fires {
            n(&p.activation)
        } else {
            "0 <span class=\"off\">(switched off)</span>".to_string()
        };
        let vote = if p.fires {
            format!(
                "{} × {} = {}",
                n(&p.activation),
                vector_f(&p.value),
                vector(&p.scaled)
            )
        } else {
            format!("0 × {} = {}", vector_f(&p.value), vector(&p.scaled))
        };
        rows.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}{} = {}</td><td>{relu}</td><td>{vote}</td></tr>\n",
            i + 1,
            dot(&p.key, &dec.input),
            plus_bias(&p.bias),
            n(&p.pre)
        ));
    }
    let mut sum = String::new();
    // With output biases, every output's sum starts with its own, named.
    let biased = net.b2.iter().any(|b| !b.is_zero());
    for (o, name) in net.outputs.iter().enumerate() {
        let terms: Vec<String> = std::iter::once(format!("{} (b₂)", f(&net.b2[o])))
            .filter(|_| biased)
            .chain(dec.pairs.iter().map(|p| f(&p.scaled[o])))
            .collect();
        let label = if net.outputs.len() == 1 {
            "output".to_string()
        } else {
            output_label(name)
        };
        sum.push_str(&format!(
            "<p class=\"calc-sum\">{label} = {} = <strong>{}</strong></p>\n",
            terms.join(" + "),
            n(&dec.logits_by_pairs[o])
        ));
    }
    format!(
        "<table class=\"calc-steps\">\n<thead><tr><th scope=\"col\">pair</th><th scope=\"col\">match: key · input + bias</th><th scope=\"col\">ReLU</th><th scope=\"col\">activation × value</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n{sum}<p>{}</p>",
        prediction(net, dec)
    )
}

fn vector_f(v: &[Decimal]) -> String {
    if v.len() == 1 { f(&v[0]) } else { vector(v) }
}

/// The table of the layer-by-layer calculation.
fn layer_by_layer(net: &ToyNet, dec: &ToyDecomposition) -> String {
    let mut rows = String::new();
    for (i, p) in dec.pairs.iter().enumerate() {
        rows.push_str(&format!(
            "<tr><th scope=\"row\">h{}</th><td>{}{} = {}</td><td>ReLU({}) = {}</td></tr>\n",
            i + 1,
            dot(&p.key, &dec.input),
            plus_bias(&p.bias),
            n(&p.pre),
            n(&p.pre),
            n(&p.activation)
        ));
    }
    for (o, name) in net.outputs.iter().enumerate() {
        rows.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}{} = {}</td><td></td></tr>\n",
            escape_attr(name),
            dot(&net.w2[o], &dec.hidden),
            plus_bias(&net.b2[o]),
            n(&dec.logits[o])
        ));
    }
    format!(
        "<table class=\"calc-steps\">\n<thead><tr><th scope=\"col\">unit</th><th scope=\"col\">weighted sum</th><th scope=\"col\">after ReLU</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n<p>{}</p>",
        prediction(net, dec)
    )
}

/// The label of the paragraph that starts a `calc` block's answer.
pub const ANSWER: &str = "Answer:";

/// Splits a `calc` block's body at its `Answer:` paragraph (at the start
/// of a line, first or after a blank line): (the prompt, the answer without
/// its label). The answer is shown under the calculation, behind the same
/// button, so the prose that answers the prompt is not read before it.
pub fn split_answer(
    body: &str,
    range: std::ops::Range<usize>,
) -> (std::ops::Range<usize>, Option<std::ops::Range<usize>>) {
    let mut pos = range.start;
    let mut after_blank = true;
    for line in body[range.clone()].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if after_blank && let Some(rest) = trimmed.strip_prefix(ANSWER) {
            let text = pos
                + (line.len() - rest.len())
                + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
            return (range.start..pos, Some(text..range.end));
        }
        after_blank = line.trim().is_empty();
        pos += line.len();
    }
    (range, None)
}

/// The HTML around the prompt and the answer: (opening, the calculation up
/// to where an answer goes, closing). `answered`: the block has an answer,
/// so the button says so.
pub fn render(
    args: &Args,
    an: &crate::analysis::Analyses,
    answered: bool,
) -> Result<(String, String, String), Fail> {
    let name = args.str("net").unwrap_or_default();
    let net =
        an.p.nets
            .get(name)
            .ok_or_else(|| super::quantity::unknown_net(args, an))?;
    let dec = super::quantity::toy_decomposition(args, net)?;
    let input = args.str("input").unwrap_or_default();
    let method = args.str("method").unwrap_or("pair-by-pair");
    let table = match method {
        "pair-by-pair" => pair_by_pair(net, &dec),
        "layer-by-layer" => layer_by_layer(net, &dec),
        other => {
            return Err(
                Fail::new(args.at("method"), format!("unknown method `{other}`"))
                    .hint("method is \"pair-by-pair\" or \"layer-by-layer\""),
            );
        }
    };
    let x: Vec<String> = net
        .inputs
        .iter()
        .zip(&dec.input)
        .map(|(name, v)| format!("{} = {}", escape_attr(name), n(v)))
        .collect();
    let open = format!(
        "<div class=\"calc\" id=\"calc-{}-{}-{method}\">\n<p class=\"calc-input\"><strong>{}</strong>, on the input {}</p>",
        escape_attr(name),
        escape_attr(input),
        escape_attr(&net.title),
        x.join(", ")
    );
    let (table, close) = if args.bool("reveal").unwrap_or(true) {
        let summary = if answered {
            "Show the answer"
        } else {
            "Show the calculation"
        };
        (
            format!("<details class=\"reveal\">\n<summary>{summary}</summary>\n{table}"),
            "</details>\n</div>".to_string(),
        )
    } else {
        (
            format!("<div class=\"calc-shown\">\n{table}"),
            "</div>\n</div>".to_string(),
        )
    };
    Ok((open, table, close))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_paragraph_is_split_off() {
        let body = "Predict.\n\nAnswer: it is 2.\nMore.\n";
        let (q, a) = split_answer(body, 0..body.len());
        assert_eq!(&body[q], "Predict.\n\n");
        assert_eq!(&body[a.unwrap()], "it is 2.\nMore.\n");
        let body = "Predict.\nAnswer: not a label\n";
        assert_eq!(split_answer(body, 0..body.len()), (0..body.len(), None));
    }
}
