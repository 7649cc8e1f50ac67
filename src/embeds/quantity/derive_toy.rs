//! Derivations of the toy networks' quantities: every step in exact
//! decimals, as the worked calculations write them.

use super::*;
use crate::embeds::why::{Derivation, Formula, Op};
use crate::num::exact;

fn x(d: &Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

/// An exact decimal with a typographic minus, in brackets when negative.
fn e(d: &Decimal) -> String {
    let s = exact(d);
    match s.strip_prefix('-') {
        Some(rest) => format!("(\u{2212}{rest})"),
        None => s,
    }
}

/// The bare exact decimal with a typographic minus.
fn bare(d: &Decimal) -> String {
    exact(d).replacen('-', "\u{2212}", 1)
}

/// `words = a + b + … = total`, exactly.
fn exact_sum(words: &str, terms: &[(String, Decimal)], total: &Decimal) -> Formula {
    let shown: Vec<&str> = terms.iter().map(|(s, _)| s.as_str()).collect();
    Formula {
        text: format!("{words} = {} = {}.", shown.join(" + "), bare(total)),
        op: Op::Sum,
        terms: terms.iter().map(|(_, d)| x(d)).collect(),
        total: x(total),
    }
}

pub(super) fn derive_toy(name: &str, args: &Args, an: &Analyses) -> Result<Derivation, Fail> {
    let net_name = args.str("net").unwrap_or_default();
    let net =
        an.p.nets
            .get(net_name)
            .ok_or_else(|| super::unknown_net(args, an))?;
    let i = args
        .int("pair")
        .and_then(|p| usize::try_from(p).ok())
        .filter(|&p| p >= 1 && p <= net.hidden())
        .map_or(0, |p| p - 1);
    if name == "pairs" {
        return Ok(Derivation::new(format!(
            "The number of pairs (hidden neurons) of the toy network “{}”.",
            net.title
        ))
        .words("One per hidden neuron: one row of W1.".to_string()));
    }
    if name == "bias" {
        return Ok(Derivation::new(format!(
            "The bias b1 of pair {} of “{}”: the number its match starts from before any input.",
            i + 1,
            net.title
        ))
        .words("Written in the network's file, like all its weights.".to_string()));
    }
    let dec = toy_decomposition(args, net)?;
    let input = args.str("input").unwrap_or_default();
    let output = args
        .str("output")
        .and_then(|o| net.outputs.iter().position(|n| n == o))
        .unwrap_or(0);
    // "output 1" reads as itself; "both corners" becomes output “both corners”.
    let out_name = {
        let o = &net.outputs[output];
        if o == "output" {
            "the output".to_string()
        } else if o.starts_with("output") {
            o.clone()
        } else {
            format!("output “{o}”")
        }
    };
    // The input as the page shows it: its values by name.
    let values: Vec<String> = net
        .inputs
        .iter()
        .zip(&dec.input)
        .map(|(name, v)| format!("{name} = {}", bare(v)))
        .collect();
    let on = format!("“{}” on the input {}", net.title, values.join(", "));
    let pair = &dec.pairs[i.min(dec.pairs.len().saturating_sub(1))];
    let k = i + 1;
    let see_calc = |d: Derivation| {
        let id = format!(
            "net-{}-{}-pair-by-pair",
            crate::figures::catalog::slug(net_name),
            crate::figures::catalog::slug(input)
        );
        super::derive::see_figure(d, an, &id, "The calculation pair by pair")
    };
    let pre_formula = || {
        let mut terms: Vec<(String, Decimal)> = pair
            .key
            .iter()
            .zip(&dec.input)
            .zip(&pair.products)
            .map(|((w, xv), p)| (format!("{} × {}", e(w), e(xv)), *p))
            .collect();
        terms.push((e(&pair.bias), pair.bias));
        exact_sum("key·input + b1", &terms, &pair.pre)
    };
    Ok(see_calc(match name {
        "pre-activation" => Derivation::new(format!(
            "The match of pair {k} of {on} before ReLU: its key times the input, plus its bias."
        ))
        .formula(pre_formula()),
        "activation" => {
            let f = pre_formula();
            Derivation::new(format!(
                "The activation of pair {k} of {on}: ReLU of its match (negative becomes 0)."
            ))
            .formula(Formula {
                text: format!(
                    "{} So the activation is ReLU({}) = {}.",
                    f.text,
                    bare(&pair.pre),
                    bare(&pair.activation)
                ),
                op: Op::Relu,
                terms: f.terms,
                total: x(&pair.activation),
            })
        }
        "contribution" => {
            let v = pair.value[output];
            let s = pair.scaled[output];
            Derivation::new(format!(
                "What pair {k} adds to {out_name} for {on}: its activation times its value's entry for {out_name}."
            ))
            .formula(Formula {
                text: format!(
                    "activation × value for {out_name} = {} × {} = {}.",
                    bare(&pair.activation),
                    e(&v),
                    bare(&s)
                ),
                op: Op::Product,
                terms: vec![x(&pair.activation), x(&v)],
                total: x(&s),
            })
        }
        "logit" => {
            let mut terms = vec![(e(&net.b2[output]), net.b2[output])];
            terms.extend(
                dec.pairs
                    .iter()
                    .map(|p| (e(&p.scaled[output]), p.scaled[output])),
            );
            Derivation::new(format!(
                "The output {out_name} of {on}: its bias b2 plus what each pair adds."
            ))
            .formula(exact_sum(
                &format!(
                    "b2 + {}",
                    (1..=dec.pairs.len())
                        .map(|p| format!("pair {p}"))
                        .collect::<Vec<_>>()
                        .join(" + ")
                ),
                &terms,
                &dec.logits[output],
            ))
        }
        "prediction" => {
            let outs: Vec<String> = net
                .outputs
                .iter()
                .zip(&dec.logits)
                .map(|(o, l)| format!("{o} = {}", bare(l)))
                .collect();
            Derivation::new(format!("The output with the largest value, for {on}."))
                .words(format!("{}.", outs.join(", ")))
        }
        other => {
            return Err(Fail::new(
                args.at("of"),
                format!("internal error: toy quantity `{other}` has no derivation"),
            ));
        }
    }))
}
