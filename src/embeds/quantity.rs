//! Quantities: the numbers `value` shows and `claim` checks, measured on
//! the model through [`Analyses`] (or, with `net=`, on a toy network in
//! exact decimals). One table, [`QUANTITIES`], names each with the
//! arguments it needs; `value` formats the measurement, `claim` compares it
//! (`kv::claims` holds the comparison rules).

use crate::analysis::Analyses;
use crate::kv::claims::Comparison;
use crate::kv::image::{DIGITS, Prediction, Ranking};
use crate::kv::population::KnockoutMode;
use crate::shortcode::Call;
use crate::shortcodes::{Args, Fail};
use rust_decimal::Decimal;

/// One quantity and what it needs.
#[derive(Debug, Clone, Copy)]
pub struct QSpec {
    pub name: &'static str,
    /// Measured on a toy net (`net=` and, mostly, `input=`), not on MNIST.
    pub toy: bool,
    /// Arguments that must be present (`pair|rank`: one of the two).
    pub needs: &'static [&'static str],
    pub summary: &'static str,
}

const fn q(name: &'static str, needs: &'static [&'static str], summary: &'static str) -> QSpec {
    QSpec {
        name,
        toy: false,
        needs,
        summary,
    }
}

const fn t(name: &'static str, needs: &'static [&'static str], summary: &'static str) -> QSpec {
    QSpec {
        name,
        toy: true,
        needs,
        summary,
    }
}

/// Every quantity.
pub const QUANTITIES: [QSpec; 40] = [
    q(
        "test-accuracy",
        &[],
        "fraction of the 10 000 test images classified correctly",
    ),
    q(
        "digit-accuracy",
        &["digit"],
        "accuracy on the test images of one digit",
    ),
    q("hidden", &[], "number of hidden neurons (key-value pairs)"),
    q("parameters", &[], "number of weights and biases"),
    q("epochs", &[], "training epochs"),
    q("train-images", &[], "training images used"),
    q("test-images", &[], "test images"),
    q(
        "mistakes",
        &[],
        "misclassified test images (ties not counted)",
    ),
    q(
        "agreement",
        &[],
        "fraction of pairs whose value favours the digit they fire on most",
    ),
    q(
        "selective-pairs",
        &[],
        "pairs that take at least 40 % of their activation from one digit",
    ),
    q("dead-pairs", &[], "pairs that never fire on a test image"),
    q(
        "median-key-cosine",
        &[],
        "median cosine of the trained keys with their random start",
    ),
    q(
        "knockout-accuracy",
        &["digit"],
        "accuracy on `digit` after knocking out the `k` pairs voting most for `target`",
    ),
    q(
        "knockout-control-accuracy",
        &["digit"],
        "the same with `k` random pairs removed instead",
    ),
    q(
        "image",
        &["example"],
        "the selected image's name (test:247)",
    ),
    q("label", &["example"], "the image's true digit"),
    q(
        "prediction",
        &["example"],
        "the predicted digit (or the tie)",
    ),
    q(
        "confidence",
        &["example"],
        "the softmax probability of the prediction",
    ),
    q(
        "logit",
        &["example"],
        "the logit of `digit` (default: the prediction)",
    ),
    q(
        "lead",
        &["example"],
        "the predicted digit's logit minus the runner-up's",
    ),
    q("active-pairs", &["example"], "pairs that fire on the image"),
    q("ink", &["example"], "pixels with ink"),
    q(
        "activation",
        &["example", "pair|rank"],
        "a pair's activation ReLU(k·x + b)",
    ),
    q(
        "pre-activation",
        &["example", "pair|rank"],
        "a pair's match k·x + b before ReLU",
    ),
    q(
        "contribution",
        &["example", "pair|rank"],
        "a pair's scaled vote for `digit` (default: the prediction)",
    ),
    q(
        "decision",
        &["example", "pair|rank"],
        "what a pair adds to the lead",
    ),
    q(
        "top-pair",
        &["example"],
        "the index of the pair at `rank` (default 1) of the decision ranking",
    ),
    q(
        "settles-at",
        &["example"],
        "pairs needed (in `ranking` order) before the prediction settles",
    ),
    q(
        "flip-fraction",
        &["example"],
        "that number as a fraction of the active pairs",
    ),
    q(
        "top10-share",
        &["example"],
        "share of the activation carried by the 10 strongest pairs",
    ),
    q(
        "favours",
        &["pair"],
        "the digit a pair's value votes for most",
    ),
    q(
        "firing-rate",
        &["pair"],
        "fraction of test images a pair fires on",
    ),
    q(
        "fires-on",
        &["pair"],
        "the digit whose images give a pair the most activation",
    ),
    t("pairs", &["net"], "a toy network's number of pairs"),
    t("bias", &["net", "pair"], "a toy pair's bias"),
    t(
        "pre-activation",
        &["net", "input", "pair"],
        "a toy pair's k·x + b",
    ),
    t(
        "activation",
        &["net", "input", "pair"],
        "a toy pair's ReLU(k·x + b)",
    ),
    t(
        "contribution",
        &["net", "input", "pair"],
        "a toy pair's scaled value for `output`",
    ),
    t(
        "logit",
        &["net", "input"],
        "a toy network's output (`output`, default the only one)",
    ),
    t(
        "prediction",
        &["net", "input"],
        "a toy network's predicted output",
    ),
];

/// The quantity a call names (MNIST or toy, by the presence of `net`).
pub fn qspec(call: &Call) -> Option<&'static QSpec> {
    let args = Args(call);
    let name = args.str("of")?;
    let toy = args.has("net");
    QUANTITIES.iter().find(|s| s.name == name && s.toy == toy)
}

const COMPARISONS: [&str; 5] = ["below", "above", "at_most", "at_least", "equals"];

/// Static checks of `value`/`claim`: a known quantity with what it needs,
/// and (claims) exactly one comparison.
pub fn validate(call: &Call) -> Vec<Fail> {
    let args = Args(call);
    let mut out = Vec::new();
    let Some(name) = args.str("of") else {
        return out;
    };
    match qspec(call) {
        None => {
            let toy = args.has("net");
            let names = QUANTITIES.iter().filter(|s| s.toy == toy).map(|s| s.name);
            let hint = match crate::diag::did_you_mean(name, names.clone()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "{} quantities are: {}",
                    if toy { "toy-network" } else { "MNIST" },
                    names.collect::<Vec<_>>().join(", ")
                ),
            };
            out.push(Fail::new(args.at("of"), format!("unknown quantity `{name}`")).hint(hint));
        }
        Some(spec) => {
            for need in spec.needs {
                let present = need.split('|').any(|n| args.has(n));
                if !present {
                    out.push(Fail::new(
                        call.name_at,
                        format!("`{name}` needs `{}`", need.replace('|', "` or `")),
                    ));
                }
            }
        }
    }
    if call.name == "claim" {
        let n = COMPARISONS.iter().filter(|c| args.has(c)).count();
        if n != 1 {
            out.push(
                Fail::new(
                    call.name_at,
                    format!("a claim needs exactly one comparison, found {n}"),
                )
                .hint("add one of below=, above=, at_most=, at_least=, equals="),
            );
        }
    }
    out
}

/// A measurement.
#[derive(Debug, Clone, PartialEq)]
pub enum Measured {
    /// A fraction in [0, 1], shown as a percentage by default.
    Fraction(f64),
    Number(f64),
    Count(usize),
    /// An exact decimal (toy nets).
    Exact(Decimal),
    Digit(Prediction),
    Text(String),
}

impl Measured {
    /// The number a claim compares (fractions as fractions).
    pub fn number(&self) -> Option<f64> {
        match self {
            Measured::Fraction(x) | Measured::Number(x) => Some(*x),
            Measured::Count(n) => Some(*n as f64),
            Measured::Exact(d) => d.to_string().parse().ok(),
            Measured::Digit(Prediction::Unique(d)) => Some(*d as f64),
            Measured::Digit(Prediction::Tie(_)) | Measured::Text(_) => None,
        }
    }
}

/// `−` for negative numbers in prose.
fn typographic(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => s,
    }
}

fn tie(ds: &[usize]) -> String {
    let names: Vec<String> = ds.iter().map(|d| d.to_string()).collect();
    format!("a tie between {}", names.join(" and "))
}

/// The text `value` shows (plain text; the caller escapes it).
pub fn format(m: &Measured, args: &Args) -> Result<String, Fail> {
    let digits = args.index("digits", 0..13, "digits")?;
    let format = args.str("format");
    if let Some(f) = format
        && f != "percent"
        && f != "number"
    {
        return Err(
            Fail::new(args.at("format"), format!("unknown format `{f}`"))
                .hint("format is \"percent\" or \"number\""),
        );
    }
    Ok(match m {
        Measured::Fraction(x) if format != Some("number") => {
            format!(
                "{}\u{a0}%",
                typographic(crate::num::percent(*x, digits.unwrap_or(1)))
            )
        }
        Measured::Fraction(x) | Measured::Number(x) => {
            if format == Some("percent") {
                format!(
                    "{}\u{a0}%",
                    typographic(crate::num::percent(*x, digits.unwrap_or(1)))
                )
            } else {
                typographic(crate::num::fixed(*x, digits.unwrap_or(2)))
            }
        }
        Measured::Count(n) => crate::num::grouped(*n as u64),
        Measured::Exact(d) => typographic(match digits {
            Some(k) => crate::num::exact_fixed(d, k as u32),
            None => crate::num::exact(d),
        }),
        Measured::Digit(Prediction::Unique(d)) => d.to_string(),
        Measured::Digit(Prediction::Tie(ds)) => tie(ds),
        Measured::Text(s) => s.clone(),
    })
}

/// Measures the quantity of a `value`/`claim` call.
pub fn measure(call: &Call, an: &Analyses) -> Result<Measured, Fail> {
    let args = Args(call);
    let Some(spec) = qspec(call) else {
        return Err(Fail::new(args.at("of"), "unknown quantity"));
    };
    if spec.toy {
        return measure_toy(spec.name, &args, an);
    }
    let m = an.model();
    let p = an.p;
    let digit = args.index("digit", 0..DIGITS, "digit")?;
    let need_digit =
        || digit.ok_or_else(|| Fail::new(call.name_at, format!("`{}` needs `digit`", spec.name)));
    let pair_index = args.index("pair", 0..m.hidden(), "pair")?;
    Ok(match spec.name {
        "test-accuracy" => Measured::Fraction(p.evaluation.accuracy()),
        "digit-accuracy" => Measured::Fraction(p.evaluation.digit_accuracy(need_digit()?)),
        "hidden" => Measured::Count(m.hidden()),
        "parameters" => Measured::Count(m.parameter_count()),
        "epochs" => Measured::Count(p.run.trained.history.len()),
        "train-images" => Measured::Count(p.config.model.train_images.min(p.dataset.train.len())),
        "test-images" => Measured::Count(p.dataset.test.len()),
        "mistakes" => Measured::Count(an.pop.mistakes().mistakes.len()),
        "agreement" => Measured::Fraction(an.pop.votes().agreement),
        "selective-pairs" => Measured::Count(an.pop.votes().selective),
        "dead-pairs" => Measured::Count(an.pop.votes().dead),
        "median-key-cosine" => Measured::Number(an.pop.drift().median),
        "knockout-accuracy" | "knockout-control-accuracy" => {
            let d = need_digit()?;
            let target = args.index("target", 0..DIGITS, "target")?.unwrap_or(d);
            let k = args
                .index("k", 1..m.hidden() + 1, "k")?
                .unwrap_or(25.min(m.hidden()));
            let mode = match args.str("mode").unwrap_or("zero") {
                "zero" => KnockoutMode::Zero,
                "mean" => KnockoutMode::Mean,
                "refit" => KnockoutMode::Refit,
                other => {
                    return Err(
                        Fail::new(args.at("mode"), format!("unknown mode `{other}`"))
                            .hint("mode is \"zero\", \"mean\" or \"refit\""),
                    );
                }
            };
            let r = an.pop.knockout(target, k, mode);
            let effect = if spec.name == "knockout-accuracy" {
                &r.targeted
            } else {
                &r.control
            };
            Measured::Fraction(effect.accuracy[d])
        }
        "favours" | "firing-rate" | "fires-on" => {
            let i = pair_index.ok_or_else(|| Fail::new(call.name_at, "needs `pair`"))?;
            let prof = &an.pop.votes().pairs[i];
            match spec.name {
                "favours" => digit_or_tie(prof.favours),
                "fires-on" => digit_or_tie(prof.fires_on),
                _ => Measured::Fraction(prof.firing_rate),
            }
        }
        name => return measure_image(name, &args, an, digit, pair_index),
    })
}

fn digit_or_tie(d: Option<usize>) -> Measured {
    match d {
        Some(d) => Measured::Digit(Prediction::Unique(d)),
        None => Measured::Text("no single digit".to_string()),
    }
}

fn measure_image(
    name: &str,
    args: &Args,
    an: &Analyses,
    digit: Option<usize>,
    pair_index: Option<usize>,
) -> Result<Measured, Fail> {
    let img = super::figure::image_of(args, an)?;
    let a = &img.analysis;
    let ranking = match args.str("ranking").unwrap_or("decision") {
        "decision" => Ranking::Decision,
        "l1" => Ranking::L1,
        other => {
            return Err(
                Fail::new(args.at("ranking"), format!("unknown ranking `{other}`"))
                    .hint("ranking is \"decision\" or \"l1\""),
            );
        }
    };
    let ranked = |rank: usize| -> Result<usize, Fail> {
        a.by_decision
            .order
            .get(rank.wrapping_sub(1))
            .copied()
            .ok_or_else(|| {
                Fail::new(
                    args.at("rank"),
                    format!(
                        "rank {rank} is out of range: the image has {} active pairs",
                        a.active
                    ),
                )
            })
    };
    let pair = match (pair_index, args.int("rank")) {
        (Some(i), _) => Some(i),
        (None, Some(r)) => Some(ranked(usize::try_from(r).unwrap_or(0))?),
        (None, None) => None,
    };
    let the_digit = digit.unwrap_or(a.top);
    let need_pair = || pair.ok_or_else(|| Fail::new(args.0.name_at, "needs `pair` or `rank`"));
    let contribution = |i: usize| a.pair(i);
    Ok(match name {
        "image" => Measured::Text(img.selected.to_string()),
        "label" => match a.label {
            Some(l) => Measured::Digit(Prediction::Unique(usize::from(l))),
            None => Measured::Text("no label".to_string()),
        },
        "prediction" => Measured::Digit(a.prediction.clone()),
        "confidence" => Measured::Fraction(a.probabilities[a.top]),
        "logit" => Measured::Number(a.logits[the_digit]),
        "lead" => Measured::Number(a.lead),
        "active-pairs" => Measured::Count(a.active),
        "ink" => Measured::Count(a.inked_pixels),
        "activation" => Measured::Number(contribution(need_pair()?).map_or(0.0, |c| c.activation)),
        "pre-activation" => {
            let i = need_pair()?;
            let pre =
                crate::kv::pair::key_times_image(an.model(), i, &img.pixels).map_or(0.0, |k| k.pre);
            Measured::Number(pre)
        }
        "contribution" => {
            Measured::Number(contribution(need_pair()?).map_or(0.0, |c| c.scaled[the_digit]))
        }
        "decision" => Measured::Number(contribution(need_pair()?).map_or(0.0, |c| c.decision)),
        "top-pair" => {
            let rank = args.int("rank").unwrap_or(1);
            Measured::Count(ranked(usize::try_from(rank).unwrap_or(0))?)
        }
        "settles-at" => Measured::Count(a.ranking(ranking).settles_at),
        "flip-fraction" => Measured::Fraction(a.ranking(ranking).settles_fraction),
        "top10-share" => Measured::Fraction(a.profile.top10_share),
        other => {
            return Err(Fail::new(
                args.at("of"),
                format!("internal error: quantity `{other}` has no measurement"),
            ));
        }
    })
}

fn measure_toy(name: &str, args: &Args, an: &Analyses) -> Result<Measured, Fail> {
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

/// Checks a claim call; `Ok(Some(text))` explains a contradiction.
pub fn check_claim(call: &Call, an: &Analyses) -> Result<(f64, Option<String>), Fail> {
    let args = Args(call);
    let measured = measure(call, an)?;
    let Some(x) = measured.number() else {
        return Err(Fail::new(
            args.at("of"),
            format!(
                "`{}` is not a number here, so it cannot be compared",
                args.str("of").unwrap_or_default()
            ),
        ));
    };
    let (name, comparison) = COMPARISONS
        .iter()
        .find_map(|c| {
            let v = args.num(c)?;
            Some((
                *c,
                match *c {
                    "below" => Comparison::Below(v),
                    "above" => Comparison::Above(v),
                    "at_most" => Comparison::AtMost(v),
                    "at_least" => Comparison::AtLeast(v),
                    _ => Comparison::Equals(v),
                },
            ))
        })
        .ok_or_else(|| Fail::new(call.name_at, "a claim needs a comparison"))?;
    let verdict = crate::kv::claims::judge(x, comparison);
    if verdict.holds {
        Ok((x, None))
    } else {
        let shown = format(&measured, &args).unwrap_or_else(|_| crate::num::fixed(x, 4));
        Ok((
            x,
            Some(format!(
                "claim contradicted by the model: `{}` is {shown} (measured {}), but the claim says {name} {}",
                args.str("of").unwrap_or_default(),
                crate::num::fixed(x, 4),
                verdict.wanted
            )),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Analyses, test_prepared};
    use crate::shortcode::{code_ranges, scan};

    fn call(src: &str) -> Call {
        let (mut calls, errors) = scan(src, &code_ranges(src));
        assert!(errors.is_empty(), "{errors:?}");
        let c = calls.remove(0);
        assert!(
            crate::shortcodes::Registry {
                sets: &[&super::super::Embeds]
            }
            .validate(&c)
            .is_empty(),
            "{:?}",
            crate::shortcodes::Registry {
                sets: &[&super::super::Embeds]
            }
            .validate(&c)
        );
        c
    }

    fn shown(an: &Analyses, src: &str) -> String {
        let c = call(src);
        format(&measure(&c, an).unwrap(), &Args(&c)).unwrap()
    }

    #[test]
    fn values_are_measured_on_the_model_and_formatted() {
        let p = test_prepared();
        let an = Analyses::new(&p).unwrap();
        // 8s are misread: 45 of 50 right.
        assert_eq!(
            shown(&an, "{{ value(of=\"test-accuracy\") }}"),
            "90.0\u{a0}%"
        );
        assert_eq!(
            shown(&an, "{{ value(of=\"digit-accuracy\", digit=8, digits=0) }}"),
            "0\u{a0}%"
        );
        assert_eq!(shown(&an, "{{ value(of=\"test-images\") }}"), "50");
        assert_eq!(shown(&an, "{{ value(of=\"mistakes\") }}"), "5");
        assert_eq!(
            shown(&an, "{{ value(of=\"label\", example=\"first(digit=3)\") }}"),
            "3"
        );
        assert_eq!(
            shown(
                &an,
                "{{ value(of=\"test-accuracy\", format=\"number\", digits=3) }}"
            ),
            "0.900"
        );
        // Toy nets in exact decimals: 0.6 × 0.5 − 0.4 × 1 = −0.1, switched off.
        assert_eq!(
            shown(
                &an,
                "{{ value(net=\"exercise\", input=\"b\", of=\"pre-activation\", pair=1) }}"
            ),
            "\u{2212}0.1"
        );
        assert_eq!(
            shown(
                &an,
                "{{ value(net=\"exercise\", input=\"b\", of=\"activation\", pair=1) }}"
            ),
            "0"
        );
        assert_eq!(
            shown(
                &an,
                "{{ value(net=\"exercise\", input=\"a\", of=\"logit\") }}"
            ),
            "0.82"
        );
    }

    #[test]
    fn claims_hold_or_say_what_was_measured() {
        let p = test_prepared();
        let an = Analyses::new(&p).unwrap();
        let judge = |src: &str| check_claim(&call(src), &an).unwrap();
        assert_eq!(
            judge("{{ claim(of=\"test-accuracy\", at_least=0.9) }}").1,
            None
        );
        assert_eq!(judge("{{ claim(of=\"mistakes\", equals=5) }}").1, None);
        let (x, why) = judge("{{ claim(of=\"digit-accuracy\", digit=8, above=0.5) }}");
        assert_eq!(x, 0.0);
        assert_eq!(
            why.unwrap(),
            "claim contradicted by the model: `digit-accuracy` is 0.0\u{a0}% (measured 0.0000), but the claim says above > 0.5"
        );
        let c = call("{{ claim(of=\"prediction\", net=\"exercise\", input=\"a\", equals=1) }}");
        assert!(
            check_claim(&c, &an)
                .unwrap_err()
                .message
                .contains("not a number")
        );
    }

    #[test]
    fn bad_arguments_fail_at_the_argument() {
        let p = test_prepared();
        let an = Analyses::new(&p).unwrap();
        let src = "{{ value(of=\"activation\", example=\"test:9999\", pair=1) }}";
        let e = measure(&call(src), &an).unwrap_err();
        assert!(e.message.starts_with("selector: "), "{e:?}");
        assert!(e.at > src.find("example").unwrap());
        let src = "{{ value(of=\"knockout-accuracy\", digit=2, mode=\"gone\") }}";
        let e = measure(&call(src), &an).unwrap_err();
        assert_eq!(e.message, "unknown mode `gone`");
        assert_eq!(&src[e.at..e.at + 6], "\"gone\"");
        // Several outputs: the logit needs `output`, an activation does not.
        let c = call("{{ value(net=\"slides\", input=\"x1\", of=\"logit\") }}");
        assert!(
            measure(&c, &an)
                .unwrap_err()
                .message
                .contains("several outputs")
        );
        let c = call("{{ value(net=\"slides\", input=\"x1\", of=\"activation\", pair=1) }}");
        assert!(measure(&c, &an).is_ok());
        let src = "{{ value(net=\"exercise\", input=\"z\", of=\"logit\") }}";
        let e = measure(&call(src), &an).unwrap_err();
        assert_eq!(e.message, "`exercise` has no input `z`");
    }
}
