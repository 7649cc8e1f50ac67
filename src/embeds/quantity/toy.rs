//! Quantities of the toy networks (`net=…`): exact decimals from
//! `content/nets/*.toml`.

use super::*;

pub(super) fn measure_toy(name: &str, args: &Args, an: &Analyses) -> Result<Measured, Fail> {
    let net_name = args.str("net").unwrap_or_default();
    let net =
        an.p.nets
            .get(net_name)
            .ok_or_else(|| unknown_net(args, an))?;
    let pair = match args.int("pair") {
        None => None,
        Some(n) if n >= 1 && (n as usize) <= net.hidden() => Some(n as usize - 1),
        Some(n) => {
            return Err(Fail::new(
                args.at("pair"),
                format!("`{net_name}` has pairs 1 to {}, not {n}", net.hidden()),
            ));
        }
    };
    if name == "pairs" {
        return Ok(Measured::Count(net.hidden()));
    }
    if name == "bias" {
        let i = pair.ok_or_else(|| Fail::new(args.0.name_at, "needs `pair`"))?;
        return Ok(Measured::Exact(net.b1[i]));
    }
    let dec = toy_decomposition(args, net)?;
    // Only the logit and a pair's contribution are per output.
    let output = match args.str("output") {
        None if net.outputs.len() == 1 || !matches!(name, "logit" | "contribution") => 0,
        None => {
            return Err(Fail::new(
                args.0.name_at,
                format!("`{net_name}` has several outputs; say which with output=\"…\""),
            )
            .hint(format!("outputs: {}", net.outputs.join(", "))));
        }
        Some(o) => net.outputs.iter().position(|n| n == o).ok_or_else(|| {
            Fail::new(
                args.at("output"),
                format!("`{net_name}` has no output `{o}`"),
            )
            .hint(format!("outputs: {}", net.outputs.join(", ")))
        })?,
    };
    let need_pair = || pair.ok_or_else(|| Fail::new(args.0.name_at, "needs `pair`"));
    Ok(match name {
        "pre-activation" => Measured::Exact(dec.pairs[need_pair()?].pre),
        "activation" => Measured::Exact(dec.pairs[need_pair()?].activation),
        "contribution" => Measured::Exact(dec.pairs[need_pair()?].scaled[output]),
        "logit" => Measured::Exact(dec.logits[output]),
        "prediction" => Measured::Text(match &dec.prediction {
            Prediction::Unique(o) => net.outputs[*o].clone(),
            Prediction::Tie(os) => {
                let names: Vec<&str> = os.iter().map(|&o| net.outputs[o].as_str()).collect();
                format!("a tie between {}", names.join(" and "))
            }
        }),
        other => {
            return Err(Fail::new(
                args.at("of"),
                format!("internal error: toy quantity `{other}`"),
            ));
        }
    })
}

pub fn unknown_net(args: &Args, an: &Analyses) -> Fail {
    let name = args.str("net").or(args.str("name")).unwrap_or_default();
    let at = if args.has("net") {
        args.at("net")
    } else {
        args.at("name")
    };
    let hint = match crate::diag::did_you_mean(name, an.p.nets.keys().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!(
            "toy networks (content/nets/*.toml): {}",
            an.p.nets.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
    };
    Fail::new(at, format!("no toy network `{name}`")).hint(hint)
}

/// The decomposition of the call's toy net on its `input`.
pub fn toy_decomposition(
    args: &Args,
    net: &crate::kv::toy::ToyNet,
) -> Result<crate::kv::toy::ToyDecomposition, Fail> {
    let input = args.str("input").unwrap_or_default();
    let x = net.example(input).ok_or_else(|| {
        let names: Vec<&str> = net.examples.keys().map(String::as_str).collect();
        let hint = match crate::diag::did_you_mean(input, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("inputs of `{}`: {}", net.name, names.join(", ")),
        };
        Fail::new(
            args.at("input"),
            format!("`{}` has no input `{input}`", net.name),
        )
        .hint(hint)
    })?;
    crate::kv::toy::decompose(net, x).map_err(|e| Fail::new(args.at("input"), e))
}
