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

mod derive;
mod derive_image;
mod derive_toy;
mod table;
mod toy;

pub use derive::{claim_statement, derive};

use toy::measure_toy;
pub use toy::{toy_decomposition, unknown_net};

pub use table::{QSpec, QUANTITIES};

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
        "b2-favours" => {
            let b2: [f64; DIGITS] = std::array::from_fn(|d| f64::from(m.b2[d]));
            Measured::Digit(Prediction::of(&b2))
        }
        "barely-moved-keys" | "rarely-firing-pairs" | "barely-moved-rarely-firing" => {
            let cosines = &an.pop.drift().cosines;
            let pairs = &an.pop.votes().pairs;
            let barely = |i: usize| cosines.get(i).is_some_and(|&c| c >= BARELY_MOVED);
            let rarely = |i: usize| pairs.get(i).is_some_and(|p| p.firing_rate < RARELY_FIRES);
            let n = m.hidden();
            Measured::Count(match spec.name {
                "barely-moved-keys" => (0..n).filter(|&i| barely(i)).count(),
                "rarely-firing-pairs" => (0..n).filter(|&i| rarely(i)).count(),
                _ => (0..n).filter(|&i| barely(i) && rarely(i)).count(),
            })
        }
        "knockout-k" => Measured::Count(crate::kv::population::default_k(m.hidden())),
        "random-shuffles" => Measured::Count(crate::kv::image::CONTROL_SHUFFLES),
        "others-accuracy" => {
            let d = need_digit()?;
            let before = &an.pop.knockout(d, 1, KnockoutMode::Zero).before;
            Measured::Fraction(others(&p.dataset.test.labels, before, d))
        }
        "knockout-accuracy"
        | "knockout-control-accuracy"
        | "knockout-vs-control"
        | "knockout-others-accuracy"
        | "knockout-focus"
        | "knockout-recovered" => {
            let d = need_digit()?;
            let target = args.index("target", 0..DIGITS, "target")?.unwrap_or(d);
            let k = args
                .index("k", 1..m.hidden() + 1, "k")?
                .unwrap_or(crate::kv::population::default_k(m.hidden()));
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
            match spec.name {
                "knockout-accuracy" => Measured::Fraction(r.targeted.accuracy[d]),
                "knockout-control-accuracy" => Measured::Fraction(r.control.accuracy[d]),
                "knockout-vs-control" => {
                    Measured::Fraction(r.control.accuracy[d] - r.targeted.accuracy[d])
                }
                "knockout-recovered" => {
                    // The share of the zero mode's loss beyond its control
                    // that `mode` wins back (1 = all of it, 0 = none).
                    let zero = an.pop.knockout(target, k, KnockoutMode::Zero);
                    let excess = |r: &crate::kv::population::Knockout| {
                        r.control.accuracy[d] - r.targeted.accuracy[d]
                    };
                    let lost = excess(&zero);
                    if lost <= 0.0 {
                        return Err(Fail::new(
                            call.name_at,
                            "the zero knock-out loses nothing beyond its control here, so there is nothing to win back",
                        ));
                    }
                    Measured::Fraction(1.0 - excess(&r) / lost)
                }
                "knockout-focus" => {
                    let labels = &p.dataset.test.labels;
                    let lost_here = r.before[d] - r.targeted.accuracy[d];
                    let lost_elsewhere =
                        others(labels, &r.before, d) - others(labels, &r.targeted.accuracy, d);
                    Measured::Fraction(lost_here - lost_elsewhere)
                }
                _ => Measured::Fraction(others(&p.dataset.test.labels, &r.targeted.accuracy, d)),
            }
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

/// A key "barely moved" in training: cosine with its start at least this.
const BARELY_MOVED: f64 = 0.9;
/// A pair "rarely fires": on fewer than this share of the test images.
const RARELY_FIRES: f64 = 0.01;

/// Accuracy on the images of every digit but `d`, from per-digit accuracies
/// weighted by how many test images each digit has.
fn others(labels: &[u8], per_digit: &[f64; DIGITS], d: usize) -> f64 {
    let mut count = [0usize; DIGITS];
    for &l in labels {
        count[usize::from(l).min(DIGITS - 1)] += 1;
    }
    let total: usize = (0..DIGITS).filter(|&c| c != d).map(|c| count[c]).sum();
    if total == 0 {
        return 0.0;
    }
    (0..DIGITS)
        .filter(|&c| c != d)
        .map(|c| per_digit[c] * count[c] as f64)
        .sum::<f64>()
        / total as f64
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
    let pair = image_pair(name, args, &img, pair_index)?;
    if name.starts_with("margin") {
        return measure_margin(name, args, &img, pair);
    }
    let the_digit = digit.unwrap_or(a.top);
    let need_pair = || pair.ok_or_else(|| Fail::new(args.0.name_at, "needs `pair` or `rank`"));
    let contribution = |i: usize| a.pair(i);
    Ok(match name {
        "image" => Measured::Text(img.selected.learner_name()),
        "image-number" => Measured::Text(img.selected.index.to_string()),
        "label" => match a.label {
            Some(l) => Measured::Digit(Prediction::Unique(usize::from(l))),
            None => Measured::Text("no label".to_string()),
        },
        "prediction" => Measured::Digit(a.prediction.clone()),
        "runner-up" => Measured::Digit(Prediction::Unique(a.runner_up)),
        "value-favours" => {
            let i = need_pair()?;
            digit_or_tie(crate::kv::pair::pair_view(an.model(), i).and_then(|v| v.favours))
        }
        "beats-random" => {
            let c = a.random_control(crate::kv::image::CONTROL_SHUFFLES);
            let at = a.ranking(ranking).settles_at;
            let later = c.settles_at.iter().filter(|&&n| n > at).count();
            Measured::Fraction(later as f64 / c.settles_at.len().max(1) as f64)
        }
        "random-flip-fraction" => {
            let c = a.random_control(crate::kv::image::CONTROL_SHUFFLES);
            match args.str("quantile").unwrap_or("median") {
                "median" => Measured::Fraction(c.median_fraction),
                "low" => Measured::Fraction(c.p10_fraction),
                "high" => Measured::Fraction(c.p90_fraction),
                other => {
                    return Err(Fail::new(
                        args.at("quantile"),
                        format!("unknown quantile `{other}`"),
                    )
                    .hint("quantile is \"median\", \"low\" (10th percentile) or \"high\" (90th)"));
                }
            }
        }
        "true-digit" => match a.label {
            Some(l) => Measured::Digit(Prediction::Unique(usize::from(l))),
            None => {
                return Err(Fail::new(
                    args.at("example"),
                    format!("{} has no label, so no true digit", img.selected),
                ));
            }
        },
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
        "true-contribution" => {
            let truth = a
                .label
                .map(usize::from)
                .filter(|&l| l < DIGITS)
                .ok_or_else(|| {
                    Fail::new(
                        args.at("example"),
                        format!("{} has no label, so no true digit", img.selected),
                    )
                })?;
            Measured::Number(contribution(need_pair()?).map_or(0.0, |c| c.scaled[truth]))
        }
        "decision" => Measured::Number(contribution(need_pair()?).map_or(0.0, |c| c.decision)),
        "top-pair" => Measured::Count(need_pair()?),
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

/// The pair a call about one image names: `pair`, or `rank` counted in the
/// decision ranking (against the runner-up), or, with
/// `against="true-digit"` or for the margin quantities by default, in the
/// ranking by share of the margin.
pub(super) fn image_pair(
    name: &str,
    args: &Args,
    img: &crate::analysis::Image,
    pair_index: Option<usize>,
) -> Result<Option<usize>, Fail> {
    let a = &img.analysis;
    let margin_ranks = match args.str("against") {
        None => name.starts_with("margin") && name != "margin-rank",
        Some(_) => super::figure::against_truth(args)?,
    };
    let margin_order;
    let order = if margin_ranks {
        margin_order = super::figure::margin_of(args, img)?.order();
        &margin_order
    } else {
        &a.by_decision.order
    };
    let ranked = |rank: usize| -> Result<usize, Fail> {
        order.get(rank.wrapping_sub(1)).copied().ok_or_else(|| {
            Fail::new(
                args.at("rank"),
                format!(
                    "rank {rank} is out of range: the image has {} active pairs",
                    a.active
                ),
            )
        })
    };
    // `top-pair` without a rank is the first.
    let rank = args.int("rank").or((name == "top-pair").then_some(1));
    Ok(match (pair_index, rank) {
        (Some(i), _) => Some(i),
        (None, Some(r)) => Some(ranked(usize::try_from(r).unwrap_or(0))?),
        (None, None) => None,
    })
}

/// The margin quantities of a misread image: logit[answer] − logit[true]
/// and each part's share of it (`kv::image::MarginAccount`). `pair` is the
/// call's pair, already resolved from `rank` in the ranking `against` names.
fn measure_margin(
    name: &str,
    args: &Args,
    img: &crate::analysis::Image,
    pair: Option<usize>,
) -> Result<Measured, Fail> {
    let m = super::figure::margin_of(args, img)?;
    let need_pair = || pair.ok_or_else(|| Fail::new(args.0.name_at, "needs `pair` or `rank`"));
    let share_of = |p: usize| m.shares.iter().position(|s| s.pair == p);
    Ok(match name {
        "margin" => Measured::Number(m.margin),
        "margin-bias" => Measured::Number(m.b2_share),
        "margin-pair" => {
            Measured::Count(pair.or_else(|| m.at(1).map(|s| s.pair)).ok_or_else(|| {
                Fail::new(
                    args.at("example"),
                    format!("no pair fires on {}", img.selected),
                )
            })?)
        }
        "margin-share" => {
            Measured::Number(share_of(need_pair()?).map_or(0.0, |i| m.shares[i].share))
        }
        "margin-rest" => {
            let n = args.int("rank").unwrap_or(3);
            let n = usize::try_from(n)
                .ok()
                .filter(|&n| n <= m.shares.len())
                .ok_or_else(|| {
                    Fail::new(
                        args.at("rank"),
                        format!(
                            "rank {n} is out of range: the image has {} active pairs",
                            m.shares.len()
                        ),
                    )
                })?;
            Measured::Number(m.top(n).rest)
        }
        "margin-rank" => {
            let p = need_pair()?;
            let at = share_of(p).ok_or_else(|| {
                Fail::new(
                    args.0.name_at,
                    format!("pair {p} does not fire on {}", img.selected),
                )
            })?;
            Measured::Count(at + 1)
        }
        other => {
            return Err(Fail::new(
                args.at("of"),
                format!("internal error: quantity `{other}` has no measurement"),
            ));
        }
    })
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
mod tests;
