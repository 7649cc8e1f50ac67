//! Where each quantity comes from ([`Derivation`]): what it is in words,
//! how it is computed with this case's numbers (or the analysis and its
//! inputs, where the computation is long), its unrounded value, and the
//! figure that shows it at length. One arm per quantity, beside
//! `measure`'s; image quantities are in `derive_image.rs`.

use super::*;
use crate::embeds::why::{Derivation, Formula, How, Op, f, signed};

/// A term of a formula: added or subtracted.
#[derive(Debug, Clone, Copy)]
pub(super) enum T {
    Plus(f64),
    Minus(f64),
}

/// `words = numbers = total`: a sum or difference of `terms`, printed with
/// `d` decimals, the total as `total_text`.
pub(super) fn sum(words: &str, terms: &[T], d: usize, total_text: Option<String>) -> Formula {
    // Small terms get more decimals, so that what is printed re-adds.
    let mut xs: Vec<f64> = terms
        .iter()
        .map(|t| match *t {
            T::Plus(x) | T::Minus(x) => x,
        })
        .collect();
    xs.push(xs.iter().copied().sum::<f64>());
    let d = xs.iter().map(|&x| decimals_for(x, 3)).fold(d, usize::max);
    sum_with(words, terms, &|x| f(x, d), total_text)
}

/// Decimals that give `x` at least `sig` significant digits (at most 6).
pub(super) fn decimals_for(x: f64, sig: i32) -> usize {
    if x == 0.0 || !x.is_finite() {
        return 0;
    }
    let lead = x.abs().log10().floor() as i32;
    (sig - 1 - lead).clamp(0, 6) as usize
}

/// `x` with at least four significant digits (and at least `d` decimals).
pub(super) fn fs(x: f64, d: usize) -> String {
    f(x, decimals_for(x, 4).max(d))
}

/// A sum of counts, written whole with thousands separators.
pub(super) fn count_sum(words: &str, terms: &[T]) -> Formula {
    sum_with(words, terms, &|x| n(x.round().max(0.0) as usize), None)
}

/// [`sum`] with the terms printed by `fmt` (percentages, say).
pub(super) fn sum_with(
    words: &str,
    terms: &[T],
    fmt: &dyn Fn(f64) -> String,
    total_text: Option<String>,
) -> Formula {
    let paren = |x: f64| {
        if x < 0.0 {
            format!("({})", fmt(x))
        } else {
            fmt(x)
        }
    };
    let mut nums = String::new();
    let mut values = Vec::with_capacity(terms.len());
    for (k, t) in terms.iter().enumerate() {
        let (sign, x, v) = match *t {
            T::Plus(x) => (" + ", x, x),
            T::Minus(x) => (" \u{2212} ", x, -x),
        };
        if k == 0 && matches!(t, T::Plus(_)) {
            nums.push_str(&fmt(x));
        } else {
            if k == 0 {
                nums.push('\u{2212}');
            } else {
                nums.push_str(sign);
            }
            nums.push_str(&paren(x));
        }
        values.push(v);
    }
    let total: f64 = values.iter().sum();
    Formula {
        text: format!(
            "{words} = {nums} = {}.",
            total_text.unwrap_or_else(|| fmt(total))
        ),
        op: Op::Sum,
        terms: values,
        total,
    }
}

/// `words = a × b = total`.
pub(super) fn product(words: &str, a: f64, b: f64, d: usize) -> Formula {
    let total = a * b;
    let b_text = fs(b, d);
    Formula {
        text: format!(
            "{words} = {} \u{d7} {} = {}.",
            fs(a, d),
            if b < 0.0 {
                format!("({b_text})")
            } else {
                b_text
            },
            fs(total, d)
        ),
        op: Op::Product,
        terms: vec![a, b],
        total,
    }
}

/// `words = n of m = percent`.
pub(super) fn ratio(words: &str, n: f64, m: f64, n_text: &str, m_text: &str) -> Formula {
    let total = if m == 0.0 { 0.0 } else { n / m };
    Formula {
        text: format!(
            "{words} = {n_text} / {m_text} = {}\u{a0}%.",
            crate::num::percent(total, 2)
        ),
        op: Op::Ratio,
        terms: vec![n, m],
        total,
    }
}

/// `words = ReLU(a + b) = ReLU(pre) = activation`.
pub(super) fn relu(words: &str, dot: f64, bias: f64, d: usize) -> Formula {
    let pre = dot + bias;
    let total = pre.max(0.0);
    Formula {
        text: format!(
            "{words} = ReLU({} + {}) = ReLU({}) = {}.",
            f(dot, d),
            signed(bias, d),
            f(pre, d),
            f(total, d)
        ),
        op: Op::Relu,
        terms: vec![dot, bias],
        total,
    }
}

/// A count written with thousands separators.
pub(super) fn n(x: usize) -> String {
    crate::num::grouped(x as u64)
}

/// The unrounded text of a measurement, when the shown text rounds it.
pub(super) fn unrounded(m: &Measured) -> Option<String> {
    match m {
        Measured::Number(x) => Some(crate::num::fixed(*x, 6).replace('-', "\u{2212}")),
        Measured::Fraction(x) => Some(format!(
            "{}\u{a0}% ({})",
            crate::num::percent(*x, 4),
            crate::num::fixed(*x, 6)
        )),
        _ => None,
    }
}

/// A link to a figure of the gallery, if the catalog has it.
pub(super) fn see_figure(d: Derivation, an: &Analyses, id: &str, text: &str) -> Derivation {
    if an.catalog_ids().contains(id) {
        d.see(crate::figures::gallery_pages::href(id), text)
    } else {
        d
    }
}

/// The derivation of a `value`'s (or `claim`'s) measurement `m`.
pub fn derive(call: &Call, an: &Analyses, m: &Measured) -> Result<Derivation, Fail> {
    let args = Args(call);
    let Some(spec) = qspec(call) else {
        return Err(Fail::new(args.at("of"), "unknown quantity"));
    };
    let d = if spec.toy {
        super::derive_toy::derive_toy(spec.name, &args, an)?
    } else {
        derive_model(spec.name, &args, an)?
    };
    // A ratio of two counts is already exact as written.
    let counted = matches!(&d.how, Some(How::Formula(f))
        if f.op == Op::Ratio && f.terms.iter().all(|t| t.fract() == 0.0));
    Ok(match d.exact {
        Some(_) => d,
        None if counted => d,
        None => match unrounded(m) {
            Some(e) => d.exact(e),
            None => d,
        },
    })
}

fn derive_model(name: &str, args: &Args, an: &Analyses) -> Result<Derivation, Fail> {
    let model = an.model();
    let p = an.p;
    let h = model.hidden();
    let digit = args.index("digit", 0..DIGITS, "digit")?;
    let ev = &p.evaluation;
    let dig = || digit.unwrap_or(0);
    Ok(match name {
        "test-accuracy" => see_figure(
            Derivation::new(format!(
                "Test accuracy: the share of the {} test images whose prediction is their label (a tie counts as wrong).",
                n(ev.total)
            ))
            .formula(ratio(
                "images read correctly / test images",
                ev.correct as f64,
                ev.total as f64,
                &n(ev.correct),
                &n(ev.total),
            )),
            an,
            "confusion",
            "The confusion matrix: every test image by label and prediction",
        ),
        "digit-accuracy" => {
            let (c, t) = ev.per_digit[dig()];
            see_figure(
                Derivation::new(format!(
                    "Accuracy on the test images labelled {}: the share the network reads as {}.",
                    dig(),
                    dig()
                ))
                .formula(ratio(
                    &format!("{}s read correctly / test images of {}", dig(), dig()),
                    c as f64,
                    t as f64,
                    &n(c),
                    &n(t),
                )),
                an,
                "confusion",
                "The confusion matrix",
            )
        }
        "hidden" => Derivation::new(format!(
            "The number of hidden neurons, one pair each: {} rows of W1 (keys) and {} columns of W2 (values).",
            n(h),
            n(h)
        ))
        .words("Chosen before training, in the workshop's settings."),
        "parameters" => {
            let terms = [
                T::Plus((crate::nn::mlp::INPUTS * h) as f64),
                T::Plus(h as f64),
                T::Plus((h * DIGITS) as f64),
                T::Plus(DIGITS as f64),
            ];
            Derivation::new("Every weight and bias the network learns.").formula(count_sum(
                &format!(
                    "W1 ({} × {}) + b1 + W2 ({} × {}) + b2",
                    crate::nn::mlp::INPUTS,
                    h,
                    DIGITS,
                    h
                ),
                &terms,
            ))
        }
        "epochs" => see_figure(Derivation::new(
            "Training epochs: passes over the training images, each image once per pass.",
        )
        .words("Chosen before training, in the workshop's settings."), an, "training-curve", "The loss and accuracy per epoch"),
        "train-images" => Derivation::new("The MNIST training images the network learnt from.")
            .words("The workshop's settings choose how many of the 60 000."),
        "test-images" => Derivation::new(
            "The MNIST test images: never seen in training, used for every measurement on these pages.",
        ),
        "mistakes" => {
            let ties = ev.predictions.iter().filter(|p| p.is_none()).count();
            see_figure(
                Derivation::new(
                    "Test images the network misreads: a single predicted digit that is not the label.",
                )
                .formula(count_sum(
                    "test images − read correctly − ties",
                    &[
                        T::Plus(ev.total as f64),
                        T::Minus(ev.correct as f64),
                        T::Minus(ties as f64),
                    ],
                )),
                an,
                "confusion",
                "The confusion matrix",
            )
        }
        "agreement" => {
            let v = an.pop.votes();
            let judged: Vec<_> = v
                .pairs
                .iter()
                .filter(|p| p.favours.is_some() && p.fires_on.is_some())
                .collect();
            let agree = judged.iter().filter(|p| p.agrees).count();
            see_figure(
                Derivation::new(
                    "Agreement: among the pairs that fire and whose value votes for one digit, the share that fires on (has its highest mean activation for) the digit it votes for.",
                )
                .formula(ratio(
                    "pairs that agree / pairs judged",
                    agree as f64,
                    judged.len() as f64,
                    &n(agree),
                    &n(judged.len()),
                )),
                an,
                "votes-vs-fires",
                "Votes for against fires on, pair by pair",
            )
        }
        "selective-pairs" => see_figure(
            Derivation::new(format!(
                "Selective pairs: pairs that fire on some images but fewer than {} % of them, and get at least {} % of their per-digit mean activations from one digit.",
                crate::num::percent(crate::kv::population::ALWAYS_ON_RATE, 0),
                crate::num::percent(crate::kv::population::SELECTIVE_SHARE, 0)
            ))
            .words(format!("Counted over all {} pairs on the test set.", n(h))),
            an,
            "selective-per-digit",
            "Selective pairs per digit",
        ),
        "dead-pairs" => see_figure(
            Derivation::new(
                "Dead pairs: pairs whose activation is 0 on every test image, so they never add their value.",
            )
            .words(format!("Counted over all {} pairs on the test set.", n(h))),
            an,
            "votes-vs-fires",
            "Which digit each pair votes for and fires on",
        ),
        "median-key-cosine" => see_figure(
            Derivation::new(
                "How much the keys moved in training: the median, over the pairs, of the cosine between a key now and the same key at its random start (1 = same direction).",
            )
            .words(format!("The median of {} cosines.", n(h))),
            an,
            "key-drift",
            "The cosines of every key",
        ),
        "b2-favours" => {
            let b2: Vec<String> = (0..DIGITS)
                .map(|d| format!("{d}: {}", f(f64::from(model.b2[d]), 3)))
                .collect();
            Derivation::new(
                "The digit the output bias b2 favours: its largest entry. When no pair fires, b2 alone is the logits.",
            )
            .words(format!("b2 = {}.", b2.join(", ")))
        }
        "barely-moved-keys" | "rarely-firing-pairs" | "barely-moved-rarely-firing" => {
            let what = match name {
                "barely-moved-keys" => format!(
                    "Pairs whose key barely moved in training: cosine with its start at least {}.",
                    f(super::BARELY_MOVED, 1)
                ),
                "rarely-firing-pairs" => format!(
                    "Pairs that rarely fire: on fewer than {} % of the test images.",
                    crate::num::percent(super::RARELY_FIRES, 0)
                ),
                _ => format!(
                    "Pairs whose key barely moved (cosine with its start at least {}) and that fire on fewer than {} % of the test images.",
                    f(super::BARELY_MOVED, 1),
                    crate::num::percent(super::RARELY_FIRES, 0)
                ),
            };
            Derivation::new(what).words(format!("Counted over all {} pairs.", n(h)))
        }
        "knockout-k" => {
            let k = crate::kv::population::default_k(h);
            Derivation::new(format!(
                "How many pairs a knock-out removes: {} % of the {} pairs, rounded.",
                crate::kv::population::default_k_percent!(),
                n(h)
            ))
            .words(format!("{} pairs out of {}.", n(k), n(h)))
        }
        "random-shuffles" => Derivation::new(
            "How many random orders of the pairs are drawn for the random control, each from its own fixed seed.",
        ),
        "others-accuracy" => {
            let (c, t) = (0..DIGITS)
                .filter(|&x| x != dig())
                .fold((0, 0), |(c, t), x| (c + ev.per_digit[x].0, t + ev.per_digit[x].1));
            Derivation::new(format!(
                "Accuracy on the test images of every digit but {}.",
                dig()
            ))
            .formula(ratio(
                &format!("images read correctly / test images, without the {}s", dig()),
                c as f64,
                t as f64,
                &n(c),
                &n(t),
            ))
        }
        "favours" | "firing-rate" | "fires-on" => {
            let i = args.index("pair", 0..h, "pair")?.unwrap_or(0);
            let prof = &an.pop.votes().pairs[i];
            match name {
                "favours" => Derivation::new(format!(
                    "The digit pair {i}'s value votes for: its largest entry."
                ))
                .words(format!(
                    "That entry beats the next largest by {}{}.",
                    f(f64::from(prof.selectivity), 3),
                    if prof.selectivity < 0.01 {
                        ", almost a tie"
                    } else {
                        ""
                    }
                )),
                "fires-on" => Derivation::new(format!(
                    "The digit pair {i} fires on: the true digit whose test images give it the highest mean activation."
                ))
                .words(format!(
                    "That digit's share of the ten per-digit means is {} %.",
                    crate::num::percent(prof.fires_on_share, 1)
                )),
                _ => Derivation::new(format!(
                    "How often pair {i} fires: the share of test images on which its activation is above 0."
                )),
            }
        }
        k if k.starts_with("knockout-") => super::derive_image::knockout(k, args, an)?,
        other => super::derive_image::derive_image(other, args, an)?,
    })
}

/// What a claim checked, for its mark on the page: "Checked when this
/// page was built: at least 80.0 %. Measured: 97.8 %."
pub fn claim_statement(call: &Call, m: &Measured) -> Result<String, Fail> {
    let args = Args(call);
    let (word, bound) = super::COMPARISONS
        .iter()
        .find_map(|c| Some((*c, args.num(c)?)))
        .ok_or_else(|| Fail::new(call.name_at, "a claim needs a comparison"))?;
    let word = match word {
        "below" => "below",
        "above" => "above",
        "at_most" => "at most",
        "at_least" => "at least",
        _ => "exactly",
    };
    let like = match m {
        Measured::Fraction(_) => Measured::Fraction(bound),
        Measured::Count(_) if bound >= 0.0 && bound.fract() == 0.0 => {
            Measured::Count(bound as usize)
        }
        Measured::Exact(_) => Decimal::try_from(bound)
            .map(|d| Measured::Exact(d.normalize()))
            .unwrap_or(Measured::Number(bound)),
        _ => Measured::Number(bound),
    };
    // The bound and the measurement with the page's formatting (`digits`
    // of the claim, if any), the bound with as many decimals as it needs.
    let show = |x: &Measured| format(x, &args).unwrap_or_default();
    let bound_text = match like {
        Measured::Number(b) => super::typographic(format!("{b}")),
        ref other => show(other),
    };
    Ok(format!(
        "Checked when this page was built: the claim holds if this is {word} {bound_text}. Measured: {}.",
        show(m)
    ))
}
