//! The home page: the course outline, the network's vital numbers, and
//! what the other products put there (their home sections).

use super::NavLink;
use crate::figures::training_curve::training_curve;
use crate::num::{fixed, grouped, percent};
use crate::product::{Sections, Site};
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct IndexContext {
    /// Relative path from the page to the site root ("." here).
    root: String,
    site_title: String,
    outline: Vec<NavLink>,
    total_minutes: u32,
    model: ModelView,
    test_accuracy: String,
    per_digit: Vec<DigitView>,
    decomposition: DecompositionView,
    training_curve_svg: String,
    training_curve_alt: String,
    figure_count: usize,
    /// What the products put on the home page, by name: the course's
    /// `intro` (content/_index.md, rendered), the decks, the sheets, the TA
    /// table when keys are published.
    #[serde(flatten)]
    products: Sections,
}

#[derive(Serialize)]
struct ModelView {
    hidden: usize,
    parameters: String,
    epochs: usize,
    batch_size: usize,
    learning_rate: String,
    optimizer: &'static str,
    weight_decay: String,
    loss: &'static str,
    train_images: String,
    train_images_available: String,
    seed: u64,
    weights_sha256_short: String,
}

#[derive(Serialize)]
struct DigitView {
    digit: usize,
    accuracy: String,
    correct: usize,
    total: usize,
    /// Bar width in percent of the column (0–100).
    bar: String,
}

#[derive(Serialize)]
struct DecompositionView {
    images: String,
    pairs: usize,
    max_abs_diff: String,
    passed: bool,
}

pub(super) fn home_context(site: &Site, outline: Vec<NavLink>, products: Sections) -> IndexContext {
    let p = site.an.p;
    let m = &p.config.model;
    let curve = training_curve(&p.run.trained.history);
    IndexContext {
        root: ".".to_string(),
        site_title: p.config.site.title.clone(),
        total_minutes: outline.iter().filter_map(|n| n.minutes).sum(),
        outline,
        model: ModelView {
            hidden: m.hidden,
            parameters: grouped(p.model().parameter_count() as u64),
            epochs: m.epochs,
            batch_size: m.batch_size,
            learning_rate: format!("{}", m.learning_rate),
            optimizer: match m.optimizer {
                crate::config::Optimizer::Adam => "Adam",
                crate::config::Optimizer::Adamw => "AdamW",
            },
            weight_decay: format!("{}", m.effective_weight_decay()),
            loss: match m.loss {
                crate::config::Loss::CrossEntropy => "cross-entropy on softmax",
                crate::config::Loss::Mse => "mean squared error between softmax and one-hot",
            },
            train_images: grouped(m.train_images as u64),
            train_images_available: grouped(p.dataset.train.len() as u64),
            seed: m.seed,
            weights_sha256_short: p.weights_sha256.chars().take(12).collect(),
        },
        test_accuracy: percent(p.evaluation.accuracy(), 2),
        per_digit: (0..10)
            .map(|d| {
                let (correct, total) = p.evaluation.per_digit[d];
                let acc = p.evaluation.digit_accuracy(d);
                DigitView {
                    digit: d,
                    accuracy: percent(acc, 2),
                    correct,
                    total,
                    bar: fixed(acc * 100.0, 1),
                }
            })
            .collect(),
        decomposition: DecompositionView {
            images: grouped(p.decomposition.images as u64),
            pairs: p.decomposition.pairs,
            max_abs_diff: format!("{:.1e}", p.decomposition.max_abs_diff),
            passed: p.decomposition.passed,
        },
        training_curve_svg: curve.to_svg_string(),
        training_curve_alt: curve.description.clone(),
        figure_count: super::gallery_count(site),
        products,
    }
}
