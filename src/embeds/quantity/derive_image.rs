//! Derivations of the quantities of one image (logits, the lead, a pair's
//! match, activation and contribution, flip points, the margin of a
//! misread image) and of the knock-outs.

use super::derive::{T, n, product, ratio, relu, see_figure, sum, sum_with};
use super::*;
use crate::embeds::why::{Derivation, f};
use crate::kv::image::ImageAnalysis;

/// Decimals shown in a formula's terms: one more than the pages print by
/// default, so the rounding of the shown number can be followed.
const D: usize = 3;

fn w2(an: &Analyses, digit: usize, pair: usize) -> f64 {
    f64::from(an.model().w2[[digit, pair]])
}

fn logit_formula(a: &ImageAnalysis, d: usize) -> crate::embeds::why::Formula {
    let rest: f64 = a.pairs.iter().map(|c| c.scaled[d]).sum();
    sum(
        &format!(
            "b2 for {d} + the contributions of the {} active pairs",
            n(a.active)
        ),
        &[T::Plus(a.b2[d]), T::Plus(rest)],
        D,
        None,
    )
}

pub(super) fn derive_image(name: &str, args: &Args, an: &Analyses) -> Result<Derivation, Fail> {
    let img = super::super::figure::image_of(args, an)?;
    let a = &img.analysis;
    let who = img.selected.learner_name();
    let slug = img.slug();
    let h = an.model().hidden();
    let pair_index = args.index("pair", 0..h, "pair")?;
    let pair = super::image_pair(name, args, &img, pair_index)?;
    let digit = args.index("digit", 0..DIGITS, "digit")?;
    let the_digit = digit.unwrap_or(a.top);
    let waterfall = |d: Derivation| {
        see_figure(
            d,
            an,
            &format!("{slug}-waterfall"),
            &format!("The waterfall of {who}"),
        )
    };
    let card = |d: Derivation, i: usize| {
        let id = format!("{slug}-pair-{i}-card");
        if an.catalog_ids().contains(&id) {
            see_figure(d, an, &id, &format!("Pair {i} on {who}"))
        } else {
            waterfall(d)
        }
    };
    let flips = |d: Derivation| {
        see_figure(
            d,
            an,
            &format!("{slug}-flips"),
            &format!("The flip curve of {who}"),
        )
    };
    // (`measure` has already refused an unknown ranking.)
    let (ranking, ranking_name) = match args.str("ranking") {
        Some("l1") => (Ranking::L1, "the L1 ranking"),
        _ => (Ranking::Decision, "the decision ranking"),
    };
    if name.starts_with("margin") {
        return margin(name, args, an, &img, pair);
    }
    let i = pair.unwrap_or(0);
    Ok(match name {
        "image" | "image-number" => Derivation::new(format!(
            "The example image this part of the page is about: {who} of MNIST, counted from 0."
        ))
        .words("The page picks its images by what they show, not by number, so it still fits when the network is retrained."),
        "label" | "true-digit" => Derivation::new(format!(
            "The true digit of {who}: the digit its MNIST label gives."
        )),
        "prediction" => waterfall(Derivation::new(format!(
            "The network's prediction for {who}: the digit with the largest logit."
        ))
        .words(format!(
            "Logit of {} = {}; the runner-up {} has {}.",
            a.top,
            f(a.logits[a.top], D),
            a.runner_up,
            f(a.logits[a.runner_up], D)
        ))),
        "runner-up" => waterfall(
            Derivation::new(format!(
                "The runner-up for {who}: the digit with the largest logit after the prediction."
            ))
            .words(format!(
                "Logit of {} = {}, behind {} with {}.",
                a.runner_up,
                f(a.logits[a.runner_up], D),
                a.top,
                f(a.logits[a.top], D)
            )),
        ),
        "confidence" => {
            let z: f64 = a.logits.iter().map(|l| (l - a.logits[a.top]).exp()).sum();
            let top = f(a.logits[a.top], D);
            waterfall(
                Derivation::new(format!(
                    "The softmax probability of {} for {who}: how sure the network is, not the chance that it is right.",
                    a.top
                ))
                .formula(ratio(
                    &format!(
                        "e^(logit of {}) / (sum of e^logit over the ten digits) = 1 / (1 + e^({} − {top}) + … over the other nine digits)",
                        a.top,
                        f(a.logits[a.runner_up], D),
                    ),
                    1.0,
                    z,
                    "1",
                    &f(z, 4),
                )),
            )
        }
        "logit" => waterfall(
            Derivation::new(format!(
                "The logit of {the_digit} for {who}: b2 plus each active pair's activation times its value's entry for {the_digit}."
            ))
            .formula(logit_formula(a, the_digit)),
        ),
        "lead" => waterfall(
            Derivation::new(format!(
                "The lead of {} over the runner-up {} for {who}.",
                a.top, a.runner_up
            ))
            .formula(sum(
                &format!("logit of {} − logit of {}", a.top, a.runner_up),
                &[T::Plus(a.logits[a.top]), T::Minus(a.logits[a.runner_up])],
                D,
                None,
            )),
        ),
        "active-pairs" => Derivation::new(format!(
            "Active pairs on {who}: pairs whose activation is above 0, so their value is added."
        ))
        .words(format!(
            "{} of the {} pairs; the other {} add nothing.",
            n(a.active),
            n(h),
            n(h - a.active)
        )),
        "ink" => Derivation::new(format!(
            "Inked pixels of {who}: pixels above 0, the only ones a key·image sum sees."
        ))
        .words(format!("{} of the 784 pixels.", n(a.inked_pixels))),
        "pre-activation" | "activation" => {
            let k = crate::kv::pair::key_times_image(an.model(), i, &img.pixels);
            let (dot, bias) = k.map_or((0.0, 0.0), |k| (k.sum, k.bias));
            let d = Derivation::new(if name == "activation" {
                format!("The activation of pair {i} on {who}: ReLU of its match.")
            } else {
                format!(
                    "The match of pair {i} on {who} before ReLU: key·image plus the key's bias b1."
                )
            });
            let words = format!(
                "key·image over the {} inked pixels + b1",
                n(a.inked_pixels)
            );
            card(
                if name == "activation" {
                    d.formula(relu(&format!("ReLU({words})"), dot, bias, D))
                } else {
                    d.formula(sum(&words, &[T::Plus(dot), T::Plus(bias)], D, None))
                },
                i,
            )
        }
        "contribution" | "true-contribution" => {
            let d = if name == "true-contribution" {
                a.label.map_or(0, usize::from).min(DIGITS - 1)
            } else {
                the_digit
            };
            let act = a.pair(i).map_or(0.0, |c| c.activation);
            card(
                Derivation::new(format!(
                    "What pair {i} adds to the logit of {d} on {who}: its activation times its value's entry for {d} (its scaled value)."
                ))
                .formula(product(
                    &format!("activation × value for {d}"),
                    act,
                    w2(an, d, i),
                    D,
                )),
                i,
            )
        }
        "decision" => {
            let c = a.pair(i);
            let (up, down) = c.map_or((0.0, 0.0), |c| (c.scaled[a.top], c.scaled[a.runner_up]));
            card(
                Derivation::new(format!(
                    "What pair {i} does to the lead of {} over {} on {who}: its contribution to {} minus its contribution to {}.",
                    a.top, a.runner_up, a.top, a.runner_up
                ))
                .formula(sum(
                    &format!("adds to {} − adds to {}", a.top, a.runner_up),
                    &[T::Plus(up), T::Minus(down)],
                    D,
                    None,
                )),
                i,
            )
        }
        "top-pair" => {
            let rank = args.int("rank").unwrap_or(1);
            let dec = a.pair(i).map_or(0.0, |c| c.decision);
            card(
                Derivation::new(format!(
                    "Pair {i} is the pair at place {rank} in the decision ranking of {who}: the pair whose contribution moves the lead of {} over {} {}.",
                    a.top,
                    a.runner_up,
                    ordinal(rank)
                ))
                .words(format!("Pair {i} moves the lead by {}.", f(dec, D))),
                i,
            )
        }
        "value-favours" => card(
            Derivation::new(format!(
                "The digit the value of pair {i} votes for (its largest entry); pair {i} is the one the page picks on {who}."
            )),
            i,
        ),
        "settles-at" | "flip-fraction" => {
            let r = a.ranking(ranking);
            let d = Derivation::new(format!(
                "The flip point of {who} in {ranking_name}: with b2 and only the top N pairs of that ranking, the prediction is the full network's from N on."
            ));
            flips(if name == "settles-at" {
                d.words(format!(
                    "N = {}: found by adding the pairs one by one in that order and checking the prediction after each of the {} active pairs.",
                    n(r.settles_at),
                    n(a.active)
                ))
            } else {
                d.formula(ratio(
                    "flip point / active pairs",
                    r.settles_at as f64,
                    a.active as f64,
                    &n(r.settles_at),
                    &n(a.active),
                ))
            })
        }
        "beats-random" => {
            let c = a.random_control(crate::kv::image::CONTROL_SHUFFLES);
            let at = a.ranking(ranking).settles_at;
            let later = c.settles_at.iter().filter(|&&x| x > at).count();
            flips(
                Derivation::new(format!(
                    "How often {ranking_name} settles {who}'s answer sooner than a random order of the pairs: the share of random orders whose flip point comes later."
                ))
                .formula(ratio(
                    &format!(
                        "(random orders that settle later than N = {}) / (all random orders)",
                        n(at)
                    ),
                    later as f64,
                    c.settles_at.len() as f64,
                    &n(later),
                    &n(c.settles_at.len()),
                )),
            )
        }
        "random-flip-fraction" => flips(
            Derivation::new(format!(
                "The flip point of {who} when the pairs are added in a random order, as a share of its {} active pairs.",
                n(a.active)
            ))
            .words(format!(
                "The {} of the flip points of {} random orders, each from its own fixed seed.",
                match args.str("quantile").unwrap_or("median") {
                    "low" => "10th percentile (one random order in ten settles sooner)",
                    "high" => "90th percentile (one random order in ten settles later)",
                    _ => "median",
                },
                n(crate::kv::image::CONTROL_SHUFFLES)
            )),
        ),
        "top10-share" => {
            let total: f64 = a.profile.sorted.iter().sum();
            let top: f64 = a.profile.sorted.iter().take(10).sum();
            Derivation::new(format!(
                "The share of {who}'s total activation carried by its 10 most active pairs (its activation profile)."
            ))
            .formula(ratio(
                "top 10 activations / all activations",
                top,
                total,
                &f(top, D),
                &f(total, D),
            ))
        }
        other => {
            return Err(Fail::new(
                args.at("of"),
                format!("internal error: quantity `{other}` has no derivation"),
            ));
        }
    })
}

fn ordinal(k: i64) -> String {
    match k {
        1 => "the most".into(),
        2 => "the second most".into(),
        3 => "the third most".into(),
        k => format!("at place {k}"),
    }
}

fn margin(
    name: &str,
    args: &Args,
    an: &Analyses,
    img: &crate::analysis::Image,
    pair: Option<usize>,
) -> Result<Derivation, Fail> {
    let m = super::super::figure::margin_of(args, img)?;
    let a = &img.analysis;
    let who = img.selected.learner_name();
    let (p, t) = (m.predicted, m.truth);
    let see = |d: Derivation| {
        see_figure(
            d,
            an,
            &format!("{}-waterfall", img.slug()),
            &format!("The waterfall of {who}"),
        )
    };
    let share_of = |i: usize| m.shares.iter().find(|s| s.pair == i);
    Ok(match name {
        "margin" => see(
            Derivation::new(format!(
                "The margin by which {who} is misread: how far the logit of the answer {p} is above the logit of the true digit {t}."
            ))
            .formula(sum(
                &format!("logit of {p} − logit of {t}"),
                &[T::Plus(a.logits[p]), T::Minus(a.logits[t])],
                D,
                None,
            )),
        ),
        "margin-bias" => see(
            Derivation::new(format!(
                "The output bias's share of the margin of {who}: b2 for {p} minus b2 for {t}."
            ))
            .formula(sum(
                &format!("b2 for {p} − b2 for {t}"),
                &[T::Plus(a.b2[p]), T::Minus(a.b2[t])],
                D,
                None,
            )),
        ),
        "margin-pair" | "margin-rank" => {
            let i = pair.or_else(|| m.at(1).map(|s| s.pair)).unwrap_or(0);
            let share = share_of(i).map_or(0.0, |s| s.share);
            let place = m.shares.iter().position(|s| s.pair == i).map_or(0, |k| k + 1);
            see(Derivation::new(format!(
                "Pair {i} is at place {place} of {} in the margin ranking of {who}: the active pairs ranked by their share of the margin of {p} over {t}, activation × (value for {p} − value for {t}).",
                n(m.shares.len())
            ))
            .words(format!("Pair {i}'s share is {}.", f(share, D))))
        }
        "margin-share" => {
            let i = pair.unwrap_or(0);
            let act = share_of(i).map_or(0.0, |s| s.activation);
            let diff = w2(an, p, i) - w2(an, t, i);
            see(Derivation::new(format!(
                "Pair {i}'s share of the margin of {p} over {t} on {who}: its activation times how much more its value gives {p} than {t}."
            ))
            .formula(product(
                &format!("activation × (value for {p} − value for {t})"),
                act,
                diff,
                D,
            )))
        }
        "margin-rest" => {
            let k = usize::try_from(args.int("rank").unwrap_or(3)).unwrap_or(3);
            let top = m.top(k);
            let mut terms = vec![T::Plus(m.margin), T::Minus(m.b2_share)];
            terms.extend(top.top.iter().map(|s| T::Minus(s.share)));
            see(Derivation::new(format!(
                "What the other {} active pairs of {who} add to the margin of {p} over {t}, beyond b2 and the top {k} shares.",
                n(top.rest_pairs)
            ))
            .formula(sum(
                &format!("margin − b2's share − the top {k} shares"),
                &terms,
                D,
                None,
            )))
        }
        other => {
            return Err(Fail::new(
                args.at("of"),
                format!("internal error: quantity `{other}` has no derivation"),
            ));
        }
    })
}

/// The knock-out quantities: which pairs, which mode, against what.
pub(super) fn knockout(name: &str, args: &Args, an: &Analyses) -> Result<Derivation, Fail> {
    let h = an.model().hidden();
    let d = args.index("digit", 0..DIGITS, "digit")?.unwrap_or(0);
    let target = args.index("target", 0..DIGITS, "target")?.unwrap_or(d);
    let k = args
        .index("k", 1..h + 1, "k")?
        .unwrap_or(crate::kv::population::default_k(h));
    let (mode, how) = match args.str("mode").unwrap_or("zero") {
        "mean" => (
            KnockoutMode::Mean,
            "their activations replaced by their mean over the test set",
        ),
        "refit" => (
            KnockoutMode::Refit,
            "their activations set to 0 and b2 refitted on the training set",
        ),
        _ => (KnockoutMode::Zero, "their activations set to 0"),
    };
    let r = an.pop.knockout(target, k, mode);
    let removed = format!("the {k} pairs whose values vote most for {target} ({how})");
    let what = match name {
        "knockout-accuracy" => {
            format!("Accuracy on the test images of {d} after a knock-out of {removed}.")
        }
        "knockout-control-accuracy" => format!(
            "Accuracy on the test images of {d} after the control: {k} random pairs knocked out the same way."
        ),
        "knockout-vs-control" => format!(
            "How much more the knock-out of {removed} costs the {d}s than {k} random pairs do, in percentage points of accuracy."
        ),
        "knockout-others-accuracy" => format!(
            "Accuracy on the test images of every digit but {d} after a knock-out of {removed}."
        ),
        "knockout-focus" => format!(
            "How much more the knock-out of {removed} costs the {d}s than the other digits, in percentage points of accuracy."
        ),
        _ => format!(
            "The share of the zero knock-out's extra loss on the {d}s (beyond its control) that this mode wins back."
        ),
    };
    let dd = Derivation::new(what);
    let dd = match name {
        "knockout-vs-control" => dd.formula(sum_with(
            "control accuracy − knock-out accuracy",
            &[
                T::Plus(r.control.accuracy[d]),
                T::Minus(r.targeted.accuracy[d]),
            ],
            &|x| format!("{}\u{a0}%", crate::num::percent(x, 2)),
            None,
        )),
        "knockout-accuracy" | "knockout-control-accuracy" => dd.words(format!(
            "Before the knock-out: {}\u{a0}%.",
            crate::num::percent(r.before[d], 2)
        )),
        "knockout-others-accuracy" => {
            // Test images per digit: the evaluation counted them already.
            let count = |x: usize| an.p.evaluation.per_digit[x].1 as f64;
            let (c, t) = (0..DIGITS)
                .filter(|&x| x != d)
                .fold((0.0, 0.0), |(c, t), x| {
                    (
                        c + (r.targeted.accuracy[x] * count(x)).round(),
                        t + count(x),
                    )
                });
            dd.formula(ratio(
                &format!("images read correctly / test images, without the {d}s"),
                c,
                t,
                &n(c as usize),
                &n(t as usize),
            ))
        }
        "knockout-focus" => {
            let labels = &an.p.dataset.test.labels;
            let others = |acc: &[f64; DIGITS]| super::others(labels, acc, d);
            dd.formula(sum_with(
                &format!(
                    "(loss on the {d}s) − (loss on the other digits) = ({d}s before − after) − (others before − after)"
                ),
                &[
                    T::Plus(r.before[d]),
                    T::Minus(r.targeted.accuracy[d]),
                    T::Minus(others(&r.before)),
                    T::Plus(others(&r.targeted.accuracy)),
                ],
                &|x| format!("{}\u{a0}%", crate::num::percent(x, 2)),
                None,
            ))
        }
        _ => {
            // knockout-recovered: 1 − (this mode's extra loss) / (the zero mode's).
            let zero = an.pop.knockout(target, k, KnockoutMode::Zero);
            let extra = |r: &crate::kv::population::Knockout| {
                r.control.accuracy[d] - r.targeted.accuracy[d]
            };
            let (here, lost) = (extra(&r), extra(&zero));
            dd.words(format!(
                "1 − (control − this mode) / (control − zero mode) = 1 − {} / {}, in accuracy on the {d}s.",
                crate::num::percent(here, 2) + "\u{a0}%",
                crate::num::percent(lost, 2) + "\u{a0}%"
            ))
        }
    };
    Ok(see_figure(
        dd,
        an,
        &format!("knockout-{target}"),
        "The knock-out bars with their controls",
    ))
}
