//! The catalog: every figure the workshop uses, with stable ids.
//!
//! Toy-network figures come from every net in content/nets/ and every named
//! example in it. MNIST figures come from a few example images named by
//! selectors (so a retrain does not silently change which image a page talks
//! about); their ids use the resolved image (`test-3`), so a figure file
//! name says exactly which image it shows. This module only chooses and
//! names: the analyses come from `kv`, the drawing from the family modules.

use super::style::Variant;
use super::{
    Figure, cards, digits, flips, linear, matrices, mistakes, networks, plane, population, profile,
    training_curve, waterfall, weight_views, worked,
};
use crate::data::Dataset;
use crate::kv::image::{ImageAnalysis, Ranking, analyse};
use crate::kv::pair::{key_times_image, pair_view};
use crate::kv::population::KnockoutMode;
use crate::kv::select::{Catalog as Images, Selected, Selector, SplitName};
use crate::kv::toy::{ToyNet, decompose};
use crate::nn::{Mlp, Trained};
use anyhow::{Result, anyhow};
use std::collections::BTreeMap;

/// An example image of the workshop: its role, and the selector that finds it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Example {
    pub role: &'static str,
    pub selector: &'static str,
}

/// The course's easy (sharp) 0: among the correctly read 0s, the one whose
/// ten strongest pairs carry the largest share of the activation. The same
/// selector as the pages and the deck, so that the notebook, the gallery and
/// the course show the same image.
pub(crate) const SHARP_ZERO: &str = "sharpest(digit=0, correct) | first(digit=0, correct) | test:3";
/// The course's flat (messy) 1: the correctly read 1 whose ten strongest
/// pairs carry the smallest share of the activation.
pub(crate) const FLAT_ONE: &str = "flattest(digit=1, correct) | flattest(digit=1) | first(digit=1)";

/// The example images every MNIST figure is drawn for. Each selector ends in
/// a fallback that always matches, so a model without (say) a 4 read as a 2
/// still gets its figures; the resolved image names the files.
pub(crate) const EXAMPLES: [Example; 5] = [
    Example {
        role: "an easy 0",
        selector: SHARP_ZERO,
    },
    Example {
        role: "a 1",
        selector: FLAT_ONE,
    },
    Example {
        role: "a mistake",
        selector: "misclassified(true=4, predicted=2) | misclassified() | least-confident()",
    },
    Example {
        role: "the sharp 0",
        selector: SHARP_ZERO,
    },
    Example {
        role: "the flat 1",
        selector: FLAT_ONE,
    },
];

/// The digit whose pairs the knock-out figure removes (how many:
/// `kv::population::default_k`).
pub(crate) const KNOCKOUT_DIGIT: usize = 7;
/// Pairs drawn as cards / in the waterfall / in the matrix slice.
const TOP_CARDS: usize = 6;
const WATERFALL_STEPS: usize = crate::kv::image::DEFAULT_STEPS;
const MATRIX_ROWS: usize = 12;

/// What the catalog draws from.
pub(crate) struct Inputs<'a> {
    pub trained: &'a Trained,
    pub dataset: &'a Dataset,
    pub nets: &'a BTreeMap<String, ToyNet>,
    /// Population analyses (shared with the content's shortcodes).
    pub pop: &'a crate::kv::memo::Memo<'a>,
    /// Resolves the examples' selectors (the build's analyses, which keep
    /// them in the analyses cache); `None`: a selector catalog of its own.
    pub resolve: Option<&'a Resolver<'a>>,
}

/// Selector text → the image it names.
pub(crate) type Resolver<'a> =
    dyn Fn(&str) -> Result<Selected, crate::kv::select::SelectorError> + 'a;

/// `x` as an id part: `test:3` → `test-3`.
pub(crate) fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

fn suffix(variant: Variant) -> &'static str {
    match variant {
        Variant::Screen | Variant::Slide => "",
        Variant::Print => "-print",
    }
}

/// Every toy-network figure, for every net and every example input.
pub(crate) fn toy_figures(
    nets: &BTreeMap<String, ToyNet>,
    variants: &[Variant],
) -> Result<Vec<Figure>> {
    let mut out = Vec::new();
    for (name, net) in nets {
        let base = format!("net-{}", slug(name));
        out.push(networks::network(&base, net, None, None));
        out.push(weight_views::layer_view(&format!("{base}-layers"), net));
        out.push(weight_views::key_value_view(&format!("{base}-pairs"), net));
        for &variant in variants {
            out.push(matrices::toy_matrix_view(
                &format!("{base}-matrix{}", suffix(variant)),
                net,
                0,
                variant,
            ));
        }
        for (example, input) in &net.examples {
            let dec = decompose(net, input)
                .map_err(|e| anyhow!("{}: example {example}: {e}", net.source.display()))?;
            let ex = format!("{base}-{}", slug(example));
            out.push(networks::network(&ex, net, Some(&dec), None));
            out.push(networks::network_input(&format!("{ex}-input"), net, &dec));
            for pair in 0..net.hidden() {
                out.push(networks::network(
                    &format!("{ex}-pair-{}", pair + 1),
                    net,
                    Some(&dec),
                    Some(pair),
                ));
                out.push(worked::bracket(
                    &format!("{ex}-bracket-{}", pair + 1),
                    net,
                    &dec,
                    pair,
                ));
            }
            if net.hidden() == 1 && net.outputs.len() == 1 {
                out.push(worked::single_neuron(
                    &format!("{ex}-single-neuron"),
                    net,
                    &dec,
                ));
            }
            out.push(worked::layer_by_layer(
                &format!("{ex}-layer-by-layer"),
                net,
                &dec,
            ));
            out.push(worked::pair_by_pair(
                &format!("{ex}-pair-by-pair"),
                net,
                &dec,
            ));
            if let Some(f) = plane::plane(&format!("{ex}-plane"), net, Some(&dec)) {
                out.push(f);
            }
        }
    }
    Ok(out)
}

/// One resolved example image and its analysis.
struct Resolved {
    example: Example,
    selected: Selected,
    pixels: Vec<u8>,
    analysis: ImageAnalysis,
}

impl Resolved {
    fn slug(&self) -> String {
        slug(&self.selected.to_string())
    }

    fn caption(&self) -> String {
        match self.analysis.label {
            Some(l) => format!(
                "{} ({}, a {l})",
                self.example.role,
                self.selected.learner_name()
            ),
            None => format!("{} ({})", self.example.role, self.selected.learner_name()),
        }
    }
}

/// Every MNIST figure: training, the example images, the population.
pub(crate) fn model_figures(inp: &Inputs, variants: &[Variant]) -> Result<Vec<Figure>> {
    let m = &inp.trained.model;
    let resolved = resolve_examples(inp)?;
    let mut out = vec![training_curve::training_curve(&inp.trained.history)];
    let mut seen = std::collections::BTreeSet::new();
    for r in &resolved {
        if !seen.insert(r.slug()) {
            continue; // two roles resolved to the same image
        }
        image_figures(&mut out, m, r, variants);
    }
    // Sharp against flat.
    if let (Some(sharp), Some(flat)) = (
        resolved.iter().find(|r| r.example.role == EXAMPLES[3].role),
        resolved.iter().find(|r| r.example.role == EXAMPLES[4].role),
    ) {
        out.push(profile::profiles(
            &format!("profiles-{}-vs-{}", sharp.slug(), flat.slug()),
            (&sharp.caption(), &sharp.analysis),
            (&flat.caption(), &flat.analysis),
        ));
    }
    population_figures(&mut out, inp, &resolved);
    drift_figures(&mut out, inp, &resolved, variants);
    if let Some(r) = resolved.first() {
        matrix_figures(&mut out, m, r, variants);
    }
    Ok(out)
}

/// Finds and analyses the image of every example.
fn resolve_examples(inp: &Inputs) -> Result<Vec<Resolved>> {
    let m = &inp.trained.model;
    let images = std::cell::OnceCell::new();
    let mut resolved = Vec::new();
    for example in EXAMPLES {
        let sel = Selector::parse(example.selector)
            .map_err(|e| anyhow!("internal selector `{}`: {e}", example.selector))?;
        let found = match inp.resolve {
            Some(resolve) => resolve(example.selector),
            None => images
                .get_or_init(|| Images::new(m, inp.dataset))
                .resolve(&sel),
        };
        let selected = found.map_err(|e| {
            anyhow!(
                "no image for {} (`{}`): {e}",
                example.role,
                example.selector
            )
        })?;
        let (pixels, label) = match selected.split {
            SplitName::Test => (
                inp.dataset.test.image(selected.index),
                inp.dataset.test.labels.get(selected.index),
            ),
            SplitName::Train => (
                inp.dataset.train.image(selected.index),
                inp.dataset.train.labels.get(selected.index),
            ),
            SplitName::Blank => (&[0u8; crate::data::PIXELS][..], None),
        };
        let (pixels, label) = (pixels.to_vec(), label.copied());
        let analysis = analyse(m, &pixels, label);
        resolved.push(Resolved {
            example,
            selected,
            pixels,
            analysis,
        });
    }
    Ok(resolved)
}

/// The figures of one example image: the image, its waterfall and flips,
/// and per variant its top pair's key, value and card, its top pairs and its
/// templates.
fn image_figures(out: &mut Vec<Figure>, m: &Mlp, r: &Resolved, variants: &[Variant]) {
    let s = r.slug();
    let a = &r.analysis;
    out.push(digits::digit(
        &format!("{s}-image"),
        &r.pixels,
        a.label,
        false,
    ));
    out.push(digits::digit(
        &format!("{s}-image-values"),
        &r.pixels,
        a.label,
        true,
    ));
    out.push(waterfall::waterfall(
        &format!("{s}-waterfall"),
        &a.waterfall(Ranking::Decision, WATERFALL_STEPS),
        a,
    ));
    out.push(flips::flip_curve(&format!("{s}-flips"), a));
    let top: Vec<usize> = a
        .by_decision
        .order
        .iter()
        .take(TOP_CARDS)
        .copied()
        .collect();
    let views: Vec<_> = top.iter().filter_map(|&i| pair_view(m, i)).collect();
    let kti: Vec<_> = top
        .iter()
        .filter_map(|&i| key_times_image(m, i, &r.pixels))
        .collect();
    let templates = crate::kv::linear::templates(m, &r.pixels);
    for &variant in variants {
        let sfx = suffix(variant);
        if let (Some(v), Some(k)) = (views.first(), kti.first()) {
            let p = format!("{s}-pair-{}", v.pair);
            out.push(digits::key_heatmap(&format!("{p}-key{sfx}"), v, variant));
            out.push(digits::value_cells(&format!("{p}-value{sfx}"), v, variant));
            out.push(digits::key_times_image(
                &format!("{p}-key-times-image{sfx}"),
                k,
                &r.pixels,
                v,
                variant,
            ));
            out.push(cards::pair_card(
                &format!("{p}-card{sfx}"),
                v,
                k,
                &r.pixels,
                variant,
            ));
        }
        out.push(cards::top_pairs(
            &format!("{s}-top-pairs{sfx}"),
            a,
            &views,
            &kti,
            &r.pixels,
            variant,
        ));
        out.push(linear::templates(
            &format!("{s}-templates{sfx}"),
            &templates,
            variant,
        ));
    }
}

/// The population: votes vs fires, selective pairs, the knock-out, the
/// confusion matrix, and the mistake example against its nearest right image.
fn population_figures(out: &mut Vec<Figure>, inp: &Inputs, resolved: &[Resolved]) {
    let m = &inp.trained.model;
    let vf = inp.pop.votes();
    out.push(population::votes_vs_fires("votes-vs-fires", vf));
    out.push(population::selective_per_digit("selective-per-digit", vf));
    let k = crate::kv::population::default_k(m.hidden());
    let runs: Vec<_> = [KnockoutMode::Zero, KnockoutMode::Mean, KnockoutMode::Refit]
        .into_iter()
        .map(|mode| (*inp.pop.knockout(KNOCKOUT_DIGIT, k, mode)).clone())
        .collect();
    out.push(population::knockout_bars(
        &format!("knockout-{KNOCKOUT_DIGIT}"),
        &runs,
    ));
    let all = inp.pop.mistakes();
    out.push(mistakes::confusion("confusion", all));
    if let Some(r) = resolved.iter().find(|r| r.example.role == EXAMPLES[2].role)
        && let Some(mistake) = all.mistakes.iter().find(|x| x.index == r.selected.index)
        && let Some(nearest) = mistake.nearest_correct
    {
        let views: Vec<_> = mistake
            .contrast
            .iter()
            .filter_map(|d| pair_view(m, d.pair))
            .collect();
        out.push(mistakes::mistake_contrast(
            &format!("{}-contrast", r.slug()),
            mistake,
            &r.pixels,
            inp.dataset.test.image(nearest),
            &views,
        ));
    }
}

/// How far the keys moved in training, and the first example's top key
/// before and after.
fn drift_figures(out: &mut Vec<Figure>, inp: &Inputs, resolved: &[Resolved], variants: &[Variant]) {
    let m = &inp.trained.model;
    let drift = inp.pop.drift();
    out.push(linear::drift_histogram("key-drift", drift));
    if let Some(r) = resolved.first()
        && let Some(&pair) = r.analysis.by_decision.order.first()
        && let (Some(trained), Some(init)) =
            (pair_view(m, pair), pair_view(&inp.trained.init, pair))
    {
        for &variant in variants {
            out.push(linear::key_drift(
                &format!("key-drift-pair-{pair}{}", suffix(variant)),
                &init.key,
                &trained.key,
                pair,
                drift.cosines.get(pair).copied().unwrap_or(0.0),
                variant,
            ));
        }
    }
}

/// W1 and W2 as matrices: a slice of the pairs the easy example `r` uses
/// most.
fn matrix_figures(out: &mut Vec<Figure>, m: &Mlp, r: &Resolved, variants: &[Variant]) {
    let rows: Vec<usize> = r
        .analysis
        .by_decision
        .order
        .iter()
        .take(MATRIX_ROWS)
        .copied()
        .collect();
    let w1: Vec<Vec<f64>> = rows
        .iter()
        .map(|&i| m.w1.row(i).iter().map(|&w| f64::from(w)).collect())
        .collect();
    let w2: Vec<Vec<f64>> = (0..crate::kv::image::DIGITS)
        .map(|d| rows.iter().map(|&i| f64::from(m.w2[[d, i]])).collect())
        .collect();
    let inputs: Vec<String> = (0..crate::data::PIXELS)
        .map(|p| format!("pixel {p}"))
        .collect();
    let outputs: Vec<String> = (0..crate::kv::image::DIGITS)
        .map(|d| d.to_string())
        .collect();
    for &variant in variants {
        out.push(matrices::matrix_view(
            &format!("matrix-{}{}", r.slug(), suffix(variant)),
            &w1,
            &w2,
            0,
            Some(&rows),
            &inputs,
            &outputs,
            variant,
        ));
    }
}

/// Every figure of the workshop, sorted by id. Figures whose colours carry
/// meaning come once per variant (`<id>`, `<id>-print`); the analyses behind
/// them are computed once.
pub(crate) fn all(inp: &Inputs, variants: &[Variant]) -> Result<Vec<Figure>> {
    let mut out = toy_figures(inp.nets, variants)?;
    out.extend(model_figures(inp, variants)?);
    out.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(pair) = out.windows(2).find(|w| w[0].id == w[1].id) {
        anyhow::bail!("internal error: two figures are named {}", pair[0].id);
    }
    Ok(out)
}
