//! The site renderer: `&SiteInput` → `Vec<OutputFile>`. For now one page,
//! `index.html`, about the trained network, plus the theme files.

use crate::config::Config;
use crate::figures::training_curve::training_curve;
use crate::kv::DecompositionCheck;
use crate::nn::{Evaluation, Trained};
use crate::num::{fixed, grouped, percent};
use crate::output::OutputFile;
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::Path;

/// Everything the site shows, computed by earlier stages.
pub struct SiteInput<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub trained: &'a Trained,
    pub evaluation: &'a Evaluation,
    pub decomposition: &'a DecompositionCheck,
    pub weights_sha256: &'a str,
    pub train_images_available: usize,
}

#[derive(Serialize)]
struct IndexContext {
    /// Relative path from the page to the site root ("." here).
    root: String,
    site_title: String,
    model: ModelView,
    test_accuracy: String,
    per_digit: Vec<DigitView>,
    decomposition: DecompositionView,
    training_curve_svg: String,
    training_curve_alt: String,
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

pub fn render(input: &SiteInput) -> Result<Vec<OutputFile>> {
    let tera = crate::templates::load(input.root)?;
    let m = &input.config.model;
    let curve = training_curve(&input.trained.history);
    let ctx = IndexContext {
        root: ".".to_string(),
        site_title: input.config.site.title.clone(),
        model: ModelView {
            hidden: m.hidden,
            parameters: grouped(input.trained.model.parameter_count() as u64),
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
            train_images_available: grouped(input.train_images_available as u64),
            seed: m.seed,
            weights_sha256_short: input.weights_sha256.chars().take(12).collect(),
        },
        test_accuracy: percent(input.evaluation.accuracy(), 2),
        per_digit: (0..10)
            .map(|d| {
                let (correct, total) = input.evaluation.per_digit[d];
                let acc = input.evaluation.digit_accuracy(d);
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
            images: grouped(input.decomposition.images as u64),
            pairs: input.decomposition.pairs,
            max_abs_diff: format!("{:.1e}", input.decomposition.max_abs_diff),
            passed: input.decomposition.passed,
        },
        training_curve_svg: curve.to_svg_string(),
        training_curve_alt: curve.description.clone(),
    };
    let html = crate::templates::render(&tera, "index.html", &ctx, input.root)?;
    let mut files = vec![OutputFile::new("index.html", html)];
    files.extend(theme_files(input.root)?);
    Ok(files)
}

/// Every file under `<root>/theme`, copied to `public/theme/` (sorted).
fn theme_files(root: &Path) -> Result<Vec<OutputFile>> {
    let dir = root.join("theme");
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)
            .with_context(|| format!("cannot read {}", d.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(&dir).unwrap_or(&p);
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(OutputFile::new(
                    format!("theme/{}", rel.join("/")),
                    crate::fsx::read(&p)?,
                ));
            }
        }
    }
    out.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(out)
}
