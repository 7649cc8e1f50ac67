//! kvlens builds a workshop on the key-value view of a one-hidden-layer
//! network: it trains the network on MNIST, analyses it, and renders pages.
//!
//! Pipeline (each stage a function from typed input to typed output):
//! `workshop.toml → Config`, `MNIST → Dataset`, `(Config, Dataset) → Trained`
//! (cached), `Trained → analyses`, `… → Vec<OutputFile>`, one writer to
//! `public/`. See docs/ARCHITECTURE.md.

pub mod config;
pub mod data;
pub mod diag;
pub mod explain;
pub mod figures;
pub mod fsx;
pub mod knockout;
pub mod kv;
pub mod model;
pub mod nn;
pub mod num;
pub mod output;
pub mod raster;
pub mod report;
pub mod site;
pub mod templates;
pub mod ui;

use anyhow::{Context, Result};
use config::Config;
use std::path::{Path, PathBuf};

/// Where a command runs and how it talks to the user.
#[derive(Debug, Clone)]
pub struct Session {
    /// The workshop folder (holds workshop.toml).
    pub root: PathBuf,
    /// `$KVLENS_CACHE_DIR`: holds `mnist/` and `models/`.
    pub cache_dir: PathBuf,
    /// `--mnist-dir`.
    pub mnist_flag: Option<PathBuf>,
    /// `KVLENS_MNIST_DIR`.
    pub mnist_env: Option<PathBuf>,
    pub ui: ui::Ui,
}

impl Session {
    pub fn public_dir(&self) -> PathBuf {
        self.root.join("public")
    }
}

/// The default cache folder: the user cache dir plus `kvlens`.
pub fn default_cache_dir() -> Result<PathBuf> {
    dirs::cache_dir()
        .map(|d| d.join("kvlens"))
        .context("cannot find a cache folder for this user; set KVLENS_CACHE_DIR")
}

/// Reads and validates `<root>/workshop.toml`; paths in messages are shown
/// relative to the current folder as given.
pub fn load_config(root: &Path) -> Result<Config> {
    Ok(Config::load(root)?)
}

/// Finds (or downloads) MNIST and loads it, verified.
pub fn load_data(s: &Session, cfg: &Config) -> Result<(data::Dataset, data::Source)> {
    let mirrors = data::mirrors_from_env();
    let config_dir = cfg.mnist_dir(&s.root);
    let hashes = match cfg.checksums_file(&s.root) {
        Some(path) => data::HashTable::from_sums_file(&path)?,
        None => data::HashTable::canonical(),
    };
    let resolve = data::Resolve {
        flag: s.mnist_flag.as_deref(),
        env: s.mnist_env.as_deref(),
        config: config_dir.as_deref(),
        cache_dir: &s.cache_dir,
        mirrors: &mirrors,
        hashes: &hashes,
        progress: s.ui.bars,
    };
    let (dir, source) = data::locate(&resolve)?;
    let dataset = data::load_dir(&dir, resolve.hashes)?;
    Ok((dataset, source))
}

/// `kvlens train`: make sure the model for the config is trained and cached.
pub fn train(s: &Session, force: bool) -> Result<model::ModelRun> {
    let cfg = load_config(&s.root)?;
    let (dataset, _) = load_data(s, &cfg)?;
    model::obtain(&s.cache_dir, &cfg.model, &dataset, force, &s.ui)
}

/// `kvlens build`: data → model → analyses → pages → `public/` (atomically).
pub fn build(s: &Session) -> Result<report::BuildReport> {
    let cfg = load_config(&s.root)?;
    // Templates and toy nets are checked before the expensive stages, so a
    // typo fails fast.
    templates::load(&s.root)?;
    let nets = kv::toy::load_dir(&s.root.join(kv::toy::NETS_DIR))?;
    let (dataset, _) = load_data(s, &cfg)?;
    let run = model::obtain(&s.cache_dir, &cfg.model, &dataset, false, &s.ui)?;
    let model = &run.trained.model;
    let evaluation = nn::evaluate(model, &dataset.test);
    let decomposition = kv::check_decomposition(model, &dataset.test);
    anyhow::ensure!(
        decomposition.passed,
        "the key-value decomposition does not add up to the forward pass (largest difference {}); this is a bug in kvlens",
        decomposition.max_abs_diff
    );
    let weights_sha256 = nn::cache::weights_hash(model);
    let figures = workshop_figures(&run.trained, &dataset, &nets, false)?;
    let mut files = site::render(&site::SiteInput {
        root: &s.root,
        config: &cfg,
        trained: &run.trained,
        evaluation: &evaluation,
        decomposition: &decomposition,
        weights_sha256: &weights_sha256,
        train_images_available: dataset.train.len(),
        figures: &figures,
    })?;

    let mut resolved = cfg.model.clone();
    resolved.weight_decay = Some(cfg.model.effective_weight_decay());
    let mut names: Vec<String> = files.iter().map(|f| f.rel_path.clone()).collect();
    names.push(REPORT_FILE.to_string());
    names.sort();
    let report = report::BuildReport {
        report_version: report::REPORT_VERSION,
        kvlens_version: env!("CARGO_PKG_VERSION").to_string(),
        model: report::ModelReport {
            cache_key: run.key.clone(),
            weights_sha256,
            parameters: model.parameter_count(),
            config: resolved,
        },
        data: report::DataReport {
            sha256: dataset.hashes.clone(),
            train_images: dataset.train.len(),
            test_images: dataset.test.len(),
        },
        accuracy: report::AccuracyReport::from_evaluation(&evaluation),
        training: run
            .trained
            .history
            .iter()
            .map(report::EpochReport::from)
            .collect(),
        decomposition,
        files: names,
    };
    let mut json = serde_json::to_string_pretty(&report).context("internal error: report")?;
    json.push('\n');
    files.push(output::OutputFile::new(REPORT_FILE, json));
    output::write_all(&s.public_dir(), &files)?;
    Ok(report)
}

/// Every figure the workshop uses (screen variant, plus the print variant of
/// each figure that has one when `print`), sorted by id.
pub fn workshop_figures(
    trained: &nn::Trained,
    dataset: &data::Dataset,
    nets: &std::collections::BTreeMap<String, kv::toy::ToyNet>,
    print: bool,
) -> Result<Vec<figures::Figure>> {
    use figures::style::Variant;
    let inp = figures::catalog::Inputs {
        trained,
        dataset,
        nets,
    };
    let variants: &[Variant] = if print {
        &[Variant::Screen, Variant::Print]
    } else {
        &[Variant::Screen]
    };
    figures::catalog::all(&inp, variants)
}

/// What `kvlens figures` wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FiguresSummary {
    pub out: PathBuf,
    pub figures: usize,
    pub files: usize,
}

/// `kvlens figures`: writes every figure to `out` (SVG, PNG on request, and
/// figures.json), replacing what an earlier run wrote there. Refuses to
/// replace a folder it did not write.
pub fn figures(s: &Session, out: &Path, png: bool, print: bool) -> Result<FiguresSummary> {
    let cfg = load_config(&s.root)?;
    let nets = kv::toy::load_dir(&s.root.join(kv::toy::NETS_DIR))?;
    if out.exists() {
        let ours = out.join(figures::files::INDEX).is_file();
        let empty = std::fs::read_dir(out)
            .with_context(|| format!("cannot read {}", out.display()))?
            .next()
            .is_none();
        anyhow::ensure!(
            ours || empty,
            "{} exists and was not written by `kvlens figures` (no {} in it); choose another --out or remove it",
            out.display(),
            figures::files::INDEX
        );
    }
    let (dataset, _) = load_data(s, &cfg)?;
    let run = model::obtain(&s.cache_dir, &cfg.model, &dataset, false, &s.ui)?;
    let figs = workshop_figures(&run.trained, &dataset, &nets, print)?;
    let files = figures::files::files(&figs, "", png)?;
    output::write_all(out, &files)?;
    Ok(FiguresSummary {
        out: out.to_path_buf(),
        figures: figs.len(),
        files: files.len(),
    })
}

/// Name of the build report under `public/`.
pub const REPORT_FILE: &str = "build-report.json";

/// `kvlens check`: every problem in workshop.toml and the templates.
pub fn check(root: &Path) -> diag::Diagnostics {
    let mut out = diag::Diagnostics::default();
    if let Err(d) = Config::load(root) {
        out.0.extend(d.0);
    }
    if let Err(d) = kv::toy::load_dir(&root.join(kv::toy::NETS_DIR)) {
        out.0.extend(d.0);
    }
    if let Err(e) = templates::load(root) {
        match e.downcast::<diag::Diagnostics>() {
            Ok(d) => out.0.extend(d.0),
            Err(e) => out.push(diag::Diagnostic::new(
                root.join("templates"),
                format!("{e:#}"),
            )),
        }
    }
    out
}
