//! The numbers the notebook's self-checks compare a learner's results with,
//! computed by the same code as the course (`kv::image`, `kv::population`,
//! `kv::linear`) on the same example images (`figures::catalog::EXAMPLES`),
//! so a notebook answer, a course figure and `kvlens explain` agree.

use crate::analysis::{Analyses, Image};
use crate::figures::catalog::{EXAMPLES, KNOCKOUT_DIGIT};
use crate::kv::image::{DIGITS, ImageAnalysis, analyse};
use crate::kv::population::{KnockoutMode, PairProfile, VotesVsFires};
use crate::kv::select::SplitName;
use crate::nn::Mlp;
use anyhow::{Result, anyhow, bail};
use serde::Serialize;
use std::rc::Rc;

#[derive(Debug, Clone, Serialize)]
pub struct Expected {
    pub model: ModelNumbers,
    pub data: DataNumbers,
    pub key_value: KeyValue,
    pub key_times_image: Vec<KeyTimesImage>,
    pub identity: Identity,
    pub ranking: RankingNumbers,
    pub flip: FlipNumbers,
    pub profile: ProfileNumbers,
    pub votes_fires: VotesFires,
    pub knockout: KnockoutNumbers,
    pub key_to_input: KeyToInput,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModelNumbers {
    pub sha256: String,
    pub hidden: usize,
    pub test_accuracy: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataNumbers {
    pub test_images: String,
    pub test_labels: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyValue {
    pub pair: usize,
    pub bias: f64,
    pub key_sum: f64,
    pub key_min: f64,
    pub key_max: f64,
    pub value: [f64; DIGITS],
    pub favours: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyTimesImage {
    /// `fires` for the pair of exercise 1, `silent` for the pair with the
    /// lowest match on the same image (it does not fire: ReLU must give 0).
    pub role: &'static str,
    pub image: usize,
    pub label: u8,
    pub pair: usize,
    pub dot: f64,
    pub pre: f64,
    pub activation: f64,
    pub inked_pixels: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Identity {
    pub image: usize,
    pub logits: [f64; DIGITS],
    pub active: usize,
    pub prediction: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankingNumbers {
    pub image: usize,
    pub label: u8,
    pub prediction: usize,
    pub runner_up: usize,
    /// Active pairs (pre > 0): the length of both rankings.
    pub active: usize,
    pub by_decision: Vec<usize>,
    pub by_l1: Vec<usize>,
    pub overlap: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlipNumbers {
    pub images: Vec<FlipImage>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlipImage {
    pub image: usize,
    pub label: u8,
    pub role: &'static str,
    pub active: usize,
    pub settles_at: usize,
    /// The first N whose prediction is the final one (below `settles_at`
    /// when the answer flips back).
    pub first_reached: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfileNumbers {
    pub sharp: Profile,
    pub flat: Profile,
}

#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub image: usize,
    pub label: u8,
    pub active: usize,
    pub top10_share: f64,
    pub ink: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct VotesFires {
    pub agreement: f64,
    pub counted: usize,
    pub examples: Vec<VotesFiresPair>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VotesFiresPair {
    pub pair: usize,
    pub votes_for: usize,
    pub fires_on: usize,
    pub fires_on_share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct KnockoutNumbers {
    pub digit: usize,
    pub k: usize,
    pub removed: Vec<usize>,
    pub control: Vec<usize>,
    pub before: f64,
    pub zero: f64,
    pub mean: f64,
    pub control_zero: f64,
    /// Test images of the digit (the accuracies are counts of these).
    pub images: usize,
    /// The notebook computes in float64, kvlens's population pass in
    /// float32: a borderline image may go either way. 2.5 images of the digit.
    pub tolerance: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyToInput {
    pub pair: usize,
    pub pre: f64,
    pub prediction: Option<usize>,
    pub logits: [f64; DIGITS],
    pub value_favours: Option<usize>,
}

/// An example image of the test set, by its role in `EXAMPLES`.
fn example(an: &Analyses, role: &str) -> Result<(Rc<Image>, usize, u8)> {
    let ex = EXAMPLES
        .iter()
        .find(|e| e.role == role)
        .ok_or_else(|| anyhow!("internal error: no example `{role}`"))?;
    let img = an
        .image(ex.selector)
        .map_err(|e| anyhow!("no image for {role} (`{}`): {e}", ex.selector))?;
    if img.selected.split != SplitName::Test {
        bail!(
            "the notebook's {role} must be a test image, `{}` chose {}",
            ex.selector,
            img.selected
        );
    }
    let label = img.analysis.label.unwrap_or(0);
    let index = img.selected.index;
    Ok((img, index, label))
}

fn profile(a: &ImageAnalysis, image: usize, label: u8) -> Profile {
    Profile {
        image,
        label,
        active: a.active,
        top10_share: a.profile.top10_share,
        ink: a.profile.ink,
    }
}

/// Every number the notebook checks.
pub fn expected(an: &Analyses) -> Result<Expected> {
    let p = an.p;
    let m = an.model();
    let (zero_img, zero_index, zero_label) = example(an, "an easy 0")?;
    let (one_img, one_index, one_label) = example(an, "a 1")?;
    let (miss, miss_index, miss_label) = example(an, "a mistake")?;
    let (sharp, sharp_index, sharp_label) = example(an, "the sharp 0")?;
    let (flat, flat_index, flat_label) = example(an, "the flat 1")?;
    let z = &zero_img.analysis;

    // The pair: the easy 0's strongest for its decision.
    let pair = z.by_decision.order.first().copied().unwrap_or(0);
    let key_value = key_value(m, pair)?;
    let at = (zero_index, zero_label);
    let key_times_image = vec![
        key_times_image(m, pair, &zero_img, at, "fires"),
        key_times_image(m, silent_pair(m, &zero_img), &zero_img, at, "silent"),
    ];
    let identity = Identity {
        image: zero_index,
        logits: z.logits,
        active: z.active,
        prediction: z.top,
    };
    let a = &miss.analysis;
    let ranking = RankingNumbers {
        image: miss_index,
        label: miss_label,
        prediction: a.top,
        runner_up: a.runner_up,
        active: a.active,
        by_decision: a.by_decision.order.iter().take(10).copied().collect(),
        by_l1: a.by_l1.order.iter().take(10).copied().collect(),
        overlap: a.top10_overlap,
    };
    let flip_image = |a: &ImageAnalysis, image, label, role| FlipImage {
        image,
        label,
        role,
        active: a.active,
        settles_at: a.by_decision.settles_at,
        first_reached: first_reached(a),
    };
    let mut images = vec![
        flip_image(&zero_img.analysis, zero_index, zero_label, "an easy 0"),
        flip_image(&one_img.analysis, one_index, one_label, "a 1"),
        flip_image(&miss.analysis, miss_index, miss_label, "a mistake"),
    ];
    if let Some((i, label, a)) = flips_back(an) {
        images.push(flip_image(&a, i, label, "an image that flips back"));
    }
    let flip = FlipNumbers { images };
    let profile = ProfileNumbers {
        sharp: profile(&sharp.analysis, sharp_index, sharp_label),
        flat: profile(&flat.analysis, flat_index, flat_label),
    };
    let votes = an.pop.votes();
    let votes_fires = votes_fires(votes);
    let knockout = knockout(an);
    let key_to_input = key_to_input(m, votes)?;
    Ok(Expected {
        model: ModelNumbers {
            sha256: p.weights_sha256.clone(),
            hidden: m.hidden(),
            test_accuracy: p.evaluation.accuracy(),
        },
        data: DataNumbers {
            test_images: p.dataset.hashes.test_images.clone(),
            test_labels: p.dataset.hashes.test_labels.clone(),
        },
        key_value,
        key_times_image,
        identity,
        ranking,
        flip,
        profile,
        votes_fires,
        knockout,
        key_to_input,
    })
}

/// Pair `pair`'s key and value.
fn key_value(m: &Mlp, pair: usize) -> Result<KeyValue> {
    let key = m.w1.row(pair);
    let value: [f64; DIGITS] = std::array::from_fn(|d| f64::from(m.w2[[d, pair]]));
    let view = crate::kv::pair::pair_view(m, pair)
        .ok_or_else(|| anyhow!("internal error: pair {pair}"))?;
    Ok(KeyValue {
        pair,
        bias: f64::from(m.b1[pair]),
        key_sum: key.iter().map(|&w| f64::from(w)).sum(),
        key_min: f64::from(view.key_min),
        key_max: f64::from(view.key_max),
        value,
        favours: view.favours,
    })
}

/// Pair `pair`'s key times the easy 0, summed over its inked pixels.
fn key_times_image(
    m: &Mlp,
    pair: usize,
    img: &Image,
    (image, label): (usize, u8),
    role: &'static str,
) -> KeyTimesImage {
    let key = m.w1.row(pair);
    let dot: f64 = key
        .iter()
        .zip(&img.pixels)
        .filter(|(_, px)| **px > 0)
        .map(|(&w, &px)| f64::from(w) * (f64::from(px) / 255.0))
        .sum();
    let pre = dot + f64::from(m.b1[pair]);
    KeyTimesImage {
        role,
        image,
        label,
        pair,
        dot,
        pre,
        activation: pre.max(0.0),
        inked_pixels: img.analysis.inked_pixels,
    }
}

/// The pair with the lowest match k·x + b on `img` (ties: lower index).
fn silent_pair(m: &Mlp, img: &Image) -> usize {
    let pre = |i: usize| {
        m.w1.row(i)
            .iter()
            .zip(&img.pixels)
            .map(|(&w, &px)| f64::from(w) * (f64::from(px) / 255.0))
            .sum::<f64>()
            + f64::from(m.b1[i])
    };
    (0..m.hidden())
        .map(|i| (i, pre(i)))
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
        .map_or(0, |(i, _)| i)
}

/// The first N whose prediction (ties as ties) is the final one.
fn first_reached(a: &ImageAnalysis) -> usize {
    let curve = a.curve(&a.by_decision);
    let last = curve.last().map(|p| p.prediction.clone());
    curve
        .iter()
        .find(|p| Some(&p.prediction) == last.as_ref())
        .map_or(0, |p| p.n)
}

/// How many test images [`flips_back`] looks through.
pub const FLIP_BACK_SEARCH: usize = 2000;

/// The first of the first [`FLIP_BACK_SEARCH`] test images whose answer,
/// with the pairs added in decision order, reaches the final answer, leaves
/// it and comes back (so "settles at" and "first reached" differ), chosen
/// with margins so that float64 in the notebook gives the same order and
/// the same predictions: no lead within 1e-3 of a tie, no two decision
/// scores within 1e-6.
fn flips_back(an: &Analyses) -> Option<(usize, u8, ImageAnalysis)> {
    let m = an.model();
    let test = &an.p.dataset.test;
    (0..test.len().min(FLIP_BACK_SEARCH)).find_map(|i| {
        let label = test.labels[i];
        let a = analyse(m, test.image(i), Some(label));
        if first_reached(&a) >= a.by_decision.settles_at {
            return None;
        }
        let clear = a.curve(&a.by_decision).iter().all(|p| p.lead.abs() > 1e-3);
        let mut scores: Vec<f64> = a.pairs.iter().map(|c| c.decision).collect();
        scores.sort_by(f64::total_cmp);
        let apart = scores.windows(2).all(|w| w[1] - w[0] > 1e-6);
        (clear && apart).then_some((i, label, a))
    })
}

/// Votes for vs fires on: the most selective judged pairs, three that
/// agree and three that do not.
fn votes_fires(votes: &VotesVsFires) -> VotesFires {
    let mut judged: Vec<&PairProfile> = votes
        .pairs
        .iter()
        .filter(|q| q.fires_on.is_some() && q.favours.is_some())
        .collect();
    judged.sort_by(|x, y| {
        y.selectivity
            .total_cmp(&x.selectivity)
            .then(x.pair.cmp(&y.pair))
    });
    let pick = |agree: bool| {
        judged
            .iter()
            .filter(move |q| q.agrees == agree)
            .take(3)
            .filter_map(|q| {
                Some(VotesFiresPair {
                    pair: q.pair,
                    votes_for: q.favours?,
                    fires_on: q.fires_on?,
                    fires_on_share: q.fires_on_share,
                })
            })
    };
    let mut examples: Vec<VotesFiresPair> = pick(true).chain(pick(false)).collect();
    examples.sort_by_key(|e| e.pair);
    VotesFires {
        agreement: votes.agreement,
        counted: judged.len(),
        examples,
    }
}

/// The knock-out of the default share of pairs that vote most for
/// `KNOCKOUT_DIGIT` (zeroed, or set to their mean), with its random control.
fn knockout(an: &Analyses) -> KnockoutNumbers {
    let d = KNOCKOUT_DIGIT;
    let k = crate::kv::population::default_k(an.model().hidden());
    let zero = an.pop.knockout(d, k, KnockoutMode::Zero);
    let mean = an.pop.knockout(d, k, KnockoutMode::Mean);
    let of_digit =
        an.p.dataset
            .test
            .labels
            .iter()
            .filter(|&&l| usize::from(l) == d)
            .count()
            .max(1);
    KnockoutNumbers {
        digit: d,
        k: zero.k,
        removed: zero.targeted.removed.clone(),
        control: zero.control.removed.clone(),
        before: zero.before[d],
        zero: zero.targeted.accuracy[d],
        mean: mean.targeted.accuracy[d],
        control_zero: zero.control.accuracy[d],
        images: of_digit,
        tolerance: 2.5 / of_digit as f64,
    }
}

/// Key → input: the most selective pair's key, inked where it is positive.
fn key_to_input(m: &Mlp, votes: &VotesVsFires) -> Result<KeyToInput> {
    let best = votes
        .pairs
        .iter()
        .max_by(|x, y| {
            x.selectivity
                .total_cmp(&y.selectivity)
                .then(y.pair.cmp(&x.pair))
        })
        .map_or(0, |q| q.pair);
    let input = crate::kv::linear::key_input(m, best)
        .ok_or_else(|| anyhow!("internal error: pair {best}"))?;
    let on_input = analyse(m, &input.pixels, None);
    Ok(KeyToInput {
        pair: best,
        pre: input.pre,
        prediction: on_input.prediction.digit(),
        logits: on_input.logits,
        value_favours: input.value_favours,
    })
}
