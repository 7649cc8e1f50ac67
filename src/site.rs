//! The site renderer: `&SiteInput` → `Vec<OutputFile>`. For now the page
//! `index.html` about the trained network, the figure gallery
//! `figures/index.html` with every figure as `figures/<id>.svg`, and the
//! theme files.

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
    /// Every figure of the workshop (published under `figures/`).
    pub figures: &'a [crate::figures::Figure],
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
    figure_count: usize,
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
        figure_count: input.figures.len(),
    };
    let html = crate::templates::render(&tera, "index.html", &ctx, input.root)?;
    let mut files = vec![OutputFile::new("index.html", html)];
    files.extend(gallery_files(&tera, input)?);
    files.extend(theme_files(input.root)?);
    Ok(files)
}

#[derive(Serialize)]
struct GalleryContext<'a> {
    root: String,
    site_title: String,
    count: usize,
    groups: Vec<GalleryGroup<'a>>,
}

#[derive(Serialize)]
struct GalleryGroup<'a> {
    anchor: &'static str,
    title: &'static str,
    intro: &'static str,
    figures: Vec<GalleryFigure<'a>>,
}

#[derive(Serialize)]
struct GalleryFigure<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
}

/// A gallery group: anchor, title, introduction, and which ids belong to it.
type Group = (&'static str, &'static str, &'static str, fn(&str) -> bool);

/// The groups of the gallery, in order (the last takes the rest).
const GROUPS: [Group; 3] = [
    (
        "toy",
        "Toy networks",
        "Networks small enough to compute by hand, from content/nets/: each net, each of its example inputs flowing through it, each pair highlighted, and the worked calculations in exact decimals.",
        |id| id.starts_with("net-"),
    ),
    (
        "images",
        "Example images",
        "The workshop's example digits, taken apart pair by pair by the trained network.",
        |id| {
            id.starts_with("test-")
                || id.starts_with("train-")
                || id.starts_with("blank-")
                || id.starts_with("profiles-")
                || id.starts_with("matrix-")
        },
    ),
    (
        "population",
        "The network and the test set",
        "Training, and what the pairs do across all 10 000 test images.",
        |_| true,
    ),
];

/// `figures/<id>.svg` for every figure and the gallery page `figures/index.html`.
fn gallery_files(tera: &tera::Tera, input: &SiteInput) -> Result<Vec<OutputFile>> {
    let mut files = crate::figures::files::files(input.figures, "figures/", false)?;
    let mut groups: Vec<GalleryGroup> = GROUPS
        .iter()
        .map(|(anchor, title, intro, _)| GalleryGroup {
            anchor,
            title,
            intro,
            figures: Vec::new(),
        })
        .collect();
    for f in input.figures {
        let g = GROUPS
            .iter()
            .position(|g| (g.3)(&f.id))
            .unwrap_or(GROUPS.len() - 1);
        groups[g].figures.push(GalleryFigure {
            id: &f.id,
            title: &f.title,
            description: &f.description,
        });
    }
    groups.retain(|g| !g.figures.is_empty());
    let ctx = GalleryContext {
        root: "..".to_string(),
        site_title: input.config.site.title.clone(),
        count: input.figures.len(),
        groups,
    };
    let html = crate::templates::render(tera, "figures.html", &ctx, input.root)?;
    files.push(OutputFile::new("figures/index.html", html));
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
