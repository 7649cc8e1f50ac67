//! kvlens builds a workshop on the key-value view of a one-hidden-layer
//! network: it trains the network on MNIST, analyses it, and renders pages.
//!
//! Pipeline (each stage a function from typed input to typed output):
//! `workshop.toml → Config`, `MNIST → Dataset`, `(Config, Dataset) → Trained`
//! (cached), `Trained → analyses`, `… → Vec<OutputFile>`, one writer to
//! `public/`. See docs/ARCHITECTURE.md.

pub mod browser;
pub mod config;
pub mod content;
pub mod data;
pub mod deck;
pub mod diag;
pub mod explain;
pub mod figures;
pub mod fsx;
pub mod handson;
pub mod httpd;
pub mod knockout;
pub mod kv;
pub mod markdown;
pub mod model;
pub mod nn;
pub mod num;
pub mod output;
pub mod print;
pub mod raster;
pub mod report;
pub mod serve;
pub mod sheets;
pub mod shortcode;
pub mod shortcodes;
pub mod site;
pub mod templates;
pub mod ui;
pub mod workshop;

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
    /// `--track N`: decks are built to fit N minutes (None: the full deck).
    pub track: Option<u32>,
    /// `--variants N`: variants of every exercise sheet (None: as configured).
    pub variants: Option<u32>,
}

impl Session {
    pub fn public_dir(&self) -> PathBuf {
        self.root.join("public")
    }

    /// The root as an absolute path (as file watchers name it).
    pub fn root_abs(&self) -> PathBuf {
        std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone())
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

/// `kvlens export`: the cached (or freshly trained) model as files.
pub fn export(
    s: &Session,
    format: handson::export::Format,
    out: &Path,
) -> Result<handson::export::Exported> {
    let prepared = workshop::Prepared::load(s)?;
    handson::export::export(&prepared, format, out)
}

/// What a successful build produced, besides the files.
#[derive(Debug, Clone)]
pub struct Built {
    pub report: report::BuildReport,
    pub external: Vec<site::ExternalLink>,
    /// Things the author should know that did not stop the build.
    pub warnings: Vec<String>,
    /// Answer keys and the TA table (`instructor/…`), written beside
    /// `public/` unless `[sheets] publish_keys` put them in it.
    pub instructor: Vec<output::OutputFile>,
}

/// What `kvlens build` makes besides the site.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Print every deck to PDF under `public/print/` with Chromium.
    pub pdf: bool,
    /// `--chromium`: the browser to print with (else found on the PATH).
    pub chromium: Option<PathBuf>,
}

/// Reads the cheap inputs that must be valid before anything expensive
/// runs: templates and content (a typo fails fast).
pub fn load_sources(root: &Path) -> Result<(tera::Tera, content::Content)> {
    let tera = templates::load(root)?;
    let content = content::load(root)?;
    Ok((tera, content))
}

/// `kvlens build`: data → model → analyses → pages → `public/` (atomically).
pub fn build(s: &Session, opts: &BuildOptions) -> Result<Built> {
    let cfg = load_config(&s.root)?;
    let nets = kv::toy::load_dir(&s.root.join(kv::toy::NETS_DIR))?;
    // Fail before the expensive part when no browser can print.
    let chromium = match opts.pdf {
        true => Some(browser::find_chromium(opts.chromium.as_deref())?),
        false => None,
    };
    let (tera, content) = load_sources(&s.root)?;
    let prepared = workshop::Prepared::with_config(s, cfg, nets)?;
    let analyses = workshop::Analyses::new(&prepared)?;
    let (mut files, mut built) =
        render_site(&s.root, &analyses, &tera, &content, s.track, s.variants)?;
    let cfg = &analyses.p.config;
    if let Some(chromium) = chromium {
        // Print from a copy laid out like the workshop, then add the PDFs.
        let stage = tempfile::Builder::new()
            .prefix("kvlens-print-")
            .tempdir()
            .context("cannot create a temporary folder to print from")?;
        write_outputs(stage.path(), cfg, &files, &built.instructor)?;
        let pdfs = print::print_all(
            stage.path(),
            &built.report,
            cfg.sheets.publish_keys,
            cfg.site.paper,
            &chromium,
            cfg.site.base_url.as_deref(),
            &s.ui,
        )?;
        files.retain(|f| f.rel_path != REPORT_FILE);
        built
            .report
            .files
            .extend(pdfs.public.iter().map(|f| f.rel_path.clone()));
        built.report.files.sort();
        files.extend(pdfs.public);
        built.instructor.extend(pdfs.instructor);
        files.push(report_file(&built.report)?);
        files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    }
    write_outputs(&s.root, cfg, &files, &built.instructor)?;
    Ok(built)
}

/// Writes a build under `root`: the site to `public/` and, unless
/// `[sheets] publish_keys` put them in the site, the answer keys and the TA
/// table (`instructor/…` files) to `instructor/`. Each folder is replaced
/// in one step.
pub fn write_outputs(
    root: &Path,
    cfg: &Config,
    files: &[output::OutputFile],
    instructor: &[output::OutputFile],
) -> Result<()> {
    if !cfg.sheets.publish_keys && !instructor.is_empty() {
        let prefix = format!("{}/", sheets::pages::INSTRUCTOR_DIR);
        let inner: Vec<output::OutputFile> = instructor
            .iter()
            .map(|f| {
                output::OutputFile::new(
                    f.rel_path.strip_prefix(&prefix).unwrap_or(&f.rel_path),
                    f.bytes.clone(),
                )
            })
            .collect();
        output::write_all(&root.join(sheets::pages::INSTRUCTOR_DIR), &inner)?;
    }
    output::write_all(&root.join("public"), files)
}

/// The build report as `public/build-report.json`.
fn report_file(report: &report::BuildReport) -> Result<output::OutputFile> {
    let mut json = serde_json::to_string_pretty(report).context("internal error: report")?;
    json.push('\n');
    Ok(output::OutputFile::new(REPORT_FILE, json))
}

/// Renders the whole site in memory: pages, figures, theme and the build
/// report. `serve` calls this again after an edit with the same analyses.
pub fn render_site(
    root: &Path,
    analyses: &workshop::Analyses,
    tera: &tera::Tera,
    content: &content::Content,
    track: Option<u32>,
    variants: Option<u32>,
) -> Result<(Vec<output::OutputFile>, Built)> {
    let p = analyses.p;
    let model = p.model();
    let out = site::render(&site::SiteInput {
        root,
        analyses,
        content,
        tera,
        track,
        variants,
    })?;
    let mut files = out.files;
    let mut resolved = p.config.model.clone();
    resolved.weight_decay = Some(p.config.model.effective_weight_decay());
    let mut names: Vec<String> = files.iter().map(|f| f.rel_path.clone()).collect();
    names.push(REPORT_FILE.to_string());
    names.sort();
    let report = report::BuildReport {
        report_version: report::REPORT_VERSION,
        kvlens_version: env!("CARGO_PKG_VERSION").to_string(),
        model: report::ModelReport {
            cache_key: p.run.key.clone(),
            weights_sha256: p.weights_sha256.clone(),
            parameters: model.parameter_count(),
            config: resolved,
        },
        data: report::DataReport {
            sha256: p.dataset.hashes.clone(),
            train_images: p.dataset.train.len(),
            test_images: p.dataset.test.len(),
        },
        accuracy: report::AccuracyReport::from_evaluation(&p.evaluation),
        training: p
            .run
            .trained
            .history
            .iter()
            .map(report::EpochReport::from)
            .collect(),
        decomposition: p.decomposition.clone(),
        pages: out.pages,
        decks: out.decks,
        sheets: out.sheets,
        ta_table: out.ta_table,
        hands_on: out.hands_on,
        claims: out.claims,
        files: names,
    };
    files.push(report_file(&report)?);
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok((
        files,
        Built {
            report,
            external: out.external,
            warnings: out.warnings,
            instructor: out.instructor,
        },
    ))
}

/// Every figure the workshop uses (screen variant, plus the print variant of
/// each figure that has one when `print`), sorted by id.
pub fn workshop_figures(
    trained: &nn::Trained,
    dataset: &data::Dataset,
    nets: &std::collections::BTreeMap<String, kv::toy::ToyNet>,
    pop: &kv::memo::Memo,
    print: bool,
) -> Result<Vec<figures::Figure>> {
    use figures::style::Variant;
    let inp = figures::catalog::Inputs {
        trained,
        dataset,
        nets,
        pop,
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
    let pop = kv::memo::Memo::new(&run.trained.model, &run.trained.init, &dataset);
    let figs = workshop_figures(&run.trained, &dataset, &nets, &pop, print)?;
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

/// What `kvlens check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub problems: diag::Diagnostics,
    /// Links to the web (not fetched: listed so an instructor can test them
    /// on the venue's network).
    pub external: Vec<site::ExternalLink>,
    /// Claims checked against the model.
    pub claims: usize,
    pub warnings: Vec<String>,
}

/// `kvlens check`: every problem in workshop.toml, the toy nets, the
/// templates and the content — shortcodes, selectors, claims, links —
/// without writing public/. Content is checked against the model (from the
/// cache, trained if needed); when data or model cannot be had, the content
/// is still checked statically and that problem is listed too.
pub fn check(s: &Session) -> CheckReport {
    let root = &s.root;
    let mut out = CheckReport::default();
    let cfg = match Config::load(root) {
        Ok(c) => Some(c),
        Err(d) => {
            out.problems.0.extend(d.0);
            None
        }
    };
    let nets = match kv::toy::load_dir(&root.join(kv::toy::NETS_DIR)) {
        Ok(n) => Some(n),
        Err(d) => {
            out.problems.0.extend(d.0);
            None
        }
    };
    let tera = match templates::load(root) {
        Ok(t) => Some(t),
        Err(e) => {
            push_error(&mut out.problems, e, &root.join("templates"));
            None
        }
    };
    // Documents that parse are checked even when others do not.
    let (content, content_problems) = content::load_all(root);
    out.problems.0.extend(content_problems.0);
    let (Some(cfg), Some(nets)) = (cfg, nets) else {
        return out;
    };
    let statically = |out: &mut CheckReport| {
        for doc in &content.docs {
            out.problems
                .0
                .extend(shortcodes::expand::expand(doc, None).problems);
        }
    };
    let Some(tera) = tera else {
        statically(&mut out);
        return out;
    };
    let rendered = workshop::Prepared::with_config(s, cfg, nets).and_then(|prepared| {
        let analyses = workshop::Analyses::new(&prepared)?;
        render_site(root, &analyses, &tera, &content, s.track, s.variants)
    });
    match rendered {
        Ok((_, built)) => {
            out.claims = built.report.claims.len();
            out.external = built.external;
            out.warnings = built.warnings;
        }
        Err(e) => {
            let is_content = e.downcast_ref::<diag::Diagnostics>().is_some();
            push_error(&mut out.problems, e, &root.join(config::FILE_NAME));
            if !is_content {
                // No model: the content can still be checked without it.
                statically(&mut out);
            }
        }
    }
    out
}

fn push_error(out: &mut diag::Diagnostics, e: anyhow::Error, file: &Path) {
    match e.downcast::<diag::Diagnostics>() {
        Ok(d) => out.0.extend(d.0),
        Err(e) => out.push(diag::Diagnostic::new(file, format!("{e:#}"))),
    }
}
