//! The numbers an exercise gives ([`Given`]): the toy net it names,
//! checked against what its type needs (and against the pixels and output
//! a design task names), and its inputs as the content writes them
//! (variant 1).

use crate::kv::toy::ToyNet;
use crate::sheets::key::vector;
use crate::sheets::spec::{ExSpec, ExType};
use crate::shortcodes::{Args, Fail};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The numbers an exercise gives: a net and its named inputs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Given {
    pub net: ToyNet,
    pub inputs: Vec<(String, Vec<Decimal>)>,
}

impl Given {
    /// Every number, in order: two givens are the same exercise when equal.
    pub(crate) fn fingerprint(&self) -> String {
        let nums = |m: &[Vec<Decimal>]| m.iter().map(|r| vector(r)).collect::<Vec<_>>().join(" ");
        format!(
            "{}|{}|{}|{}|{}|{}",
            nums(&self.net.w1),
            vector(&self.net.b1),
            nums(&self.net.w2),
            vector(&self.net.b2),
            self.inputs
                .iter()
                .map(|(_, x)| vector(x))
                .collect::<Vec<_>>()
                .join(" "),
            self.net.outputs.join(",")
        )
    }
}

/// The net an exercise names, checked against what its type needs.
pub(crate) fn resolve_net<'n>(
    spec: &ExSpec,
    args: &Args,
    nets: &'n BTreeMap<String, ToyNet>,
) -> Result<&'n ToyNet, Fail> {
    let name = spec.net.as_deref().unwrap_or_default();
    let net = nets.get(name).ok_or_else(|| {
        let f = Fail::new(args.at("net") + 1, format!("no toy network `{name}`"));
        match crate::diag::did_you_mean(name, nets.keys().map(String::as_str)) {
            Some(s) => f.hint(format!("did you mean `{s}`?")),
            None => f.hint(format!(
                "the toy networks are the files of content/nets/: {}",
                nets.keys().cloned().collect::<Vec<_>>().join(", ")
            )),
        }
    })?;
    let bad = |why: &str| Fail::new(args.at("net") + 1, format!("`{name}` {why}"));
    match spec.ty {
        ExType::Neuron => {
            if net.hidden() != 1 || net.outputs.len() != 1 {
                return Err(bad(
                    "is not a single neuron: a `neuron` exercise needs one hidden neuron and one output",
                ));
            }
            if net.w2[0][0] != Decimal::ONE || !net.b2[0].is_zero() {
                return Err(bad(
                    "must pass its neuron straight to the output (w2 = [[1]], no b2) for a `neuron` exercise",
                ));
            }
        }
        ExType::ToyImage | ExType::DesignKey | ExType::DesignWin if net.layout.is_none() => {
            return Err(
                bad("has no `layout`: this exercise draws its inputs as a small image")
                    .hint("add layout = [rows, columns] to the net's file"),
            );
        }
        _ => {}
    }
    if net.inputs.len() > 6 && matches!(spec.ty, ExType::DesignKey | ExType::DesignWin) {
        return Err(bad(
            "has too many inputs to list every black-and-white image (at most 6)",
        ));
    }
    Ok(net)
}

/// The given numbers as the content writes them (variant 1).
pub(crate) fn written(spec: &ExSpec, args: &Args, net: &ToyNet) -> Result<Given, Fail> {
    let names: Vec<String> = if spec.inputs.is_empty() {
        net.examples.keys().cloned().collect()
    } else {
        spec.inputs.clone()
    };
    let mut inputs = Vec::new();
    for name in names {
        let x = net.example(&name).ok_or_else(|| {
            let f = Fail::new(
                args.at("inputs") + 1,
                format!("`{}` has no example input `{name}`", net.name),
            );
            match crate::diag::did_you_mean(&name, net.examples.keys().map(String::as_str)) {
                Some(s) => f.hint(format!("did you mean `{s}`?")),
                None => f.hint(format!(
                    "its examples are: {}",
                    net.examples.keys().cloned().collect::<Vec<_>>().join(", ")
                )),
            }
        })?;
        inputs.push((name, x.to_vec()));
    }
    let needs_inputs = !matches!(spec.ty, ExType::DesignKey | ExType::DesignWin);
    if needs_inputs && inputs.is_empty() {
        return Err(Fail::new(
            args.at("net") + 1,
            format!("`{}` has no example inputs to work through", net.name),
        )
        .hint("name some with inputs=\"…\", or add [examples] to the net's file"));
    }
    Ok(Given {
        net: net.clone(),
        inputs,
    })
}

/// Checks that a design task's `pixels` name inputs of the net and its
/// `output` one of the net's outputs.
pub(crate) fn check_pixels(spec: &ExSpec, args: &Args, net: &ToyNet) -> Result<(), Fail> {
    for p in &spec.pixels {
        if !net.inputs.contains(p) {
            return Err(Fail::new(
                args.at("pixels") + 1,
                format!("`{}` has no input `{p}`", net.name),
            )
            .hint(format!("its inputs are: {}", net.inputs.join(", "))));
        }
    }
    if let Some(o) = &spec.output
        && !net.outputs.contains(o)
    {
        return Err(Fail::new(
            args.at("output") + 1,
            format!("`{}` has no output `{o}`", net.name),
        )
        .hint(format!("its outputs are: {}", net.outputs.join(", "))));
    }
    Ok(())
}
