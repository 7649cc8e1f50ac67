//! The data of the toy families: the net's exact numbers and its
//! decomposition, which every toy figure draws from.

use super::{FigureData, jdec, jdecs, obj};
use crate::kv::toy::{ToyDecomposition, ToyNet};
use rust_decimal::Decimal;
use serde_json::Value;

/// The toy net's numbers (weights, biases, names) and, with an input, every
/// step of its decomposition: the data of every toy family, which all draw
/// from exactly these values. `pair` names a highlighted pair (1-based in
/// the data, as in the figures).
pub(crate) fn toy_net(
    net: &ToyNet,
    dec: Option<&ToyDecomposition>,
    pair: Option<usize>,
) -> FigureData {
    let names = |v: &[String]| Value::Array(v.iter().map(|s| Value::from(s.clone())).collect());
    let mut entries = vec![
        ("net", Value::from(net.name.clone())),
        ("inputs", names(&net.inputs)),
        ("outputs", names(&net.outputs)),
        (
            "w1",
            Value::Array(net.w1.iter().map(|r| jdecs(r)).collect()),
        ),
        ("b1", jdecs(&net.b1)),
        (
            "w2",
            Value::Array(net.w2.iter().map(|r| jdecs(r)).collect()),
        ),
        ("b2", jdecs(&net.b2)),
    ];
    if let Some(p) = pair {
        entries.push(("highlighted_pair", Value::from(p + 1)));
    }
    if let Some(d) = dec {
        let pairs = d
            .pairs
            .iter()
            .map(|p| {
                obj(vec![
                    ("pair", Value::from(p.index + 1)),
                    ("key", jdecs(&p.key)),
                    ("bias", jdec(&p.bias)),
                    ("value", jdecs(&p.value)),
                    ("products", jdecs(&p.products)),
                    ("pre_activation", jdec(&p.pre)),
                    ("activation", jdec(&p.activation)),
                    ("fires", Value::from(p.fires)),
                    ("contribution", jdecs(&p.scaled)),
                ])
            })
            .collect();
        entries.push((
            "decomposition",
            obj(vec![
                ("input", jdecs(&d.input)),
                ("hidden_pre", jdecs(&d.hidden_pre)),
                ("hidden", jdecs(&d.hidden)),
                ("logits", jdecs(&d.logits)),
                ("logits_by_pairs", jdecs(&d.logits_by_pairs)),
                ("pairs", Value::Array(pairs)),
            ]),
        ));
    }
    FigureData::Json(obj(entries))
}

/// The toy net's numbers with an input on its input nodes and nothing
/// worked out (the figure goes above a predict prompt: its data must not
/// give the answer away).
pub(crate) fn toy_net_input(net: &ToyNet, input: &[Decimal]) -> FigureData {
    match toy_net(net, None, None) {
        FigureData::Json(Value::Object(mut m)) => {
            m.insert("input".to_string(), jdecs(input));
            FigureData::Json(Value::Object(m))
        }
        other => other,
    }
}
