//! The hands-on part: the model as downloads (`kvlens export` and the
//! site's `downloads/`), the coding notebook, and the draw-a-digit explorer.
//!
//! Everything here depends only on the prepared model and the templates, so
//! the expensive parts (archives, the notebook's numbers, the explorer's
//! encodings with their test vectors) are memoised in [`Cache`], owned by
//! the product ([`product::HandsOn`]) and reused by `serve` after prose
//! edits.

pub mod answers;
pub mod explorer;
pub mod export;
pub mod notebook;
pub mod numbers;
pub mod pack;
pub mod product;

use crate::analysis::Analyses;
use crate::output::OutputFile;
use anyhow::Result;
use serde::Serialize;
use std::cell::OnceCell;
use std::path::Path;
use std::rc::Rc;

/// The folder of the site's downloads.
pub const DOWNLOADS: &str = "downloads";

/// Memoised hands-on results (see the module docs).
#[derive(Default)]
pub struct Cache {
    archives: OnceCell<Rc<Vec<OutputFile>>>,
    expected: OnceCell<Rc<(String, String)>>,
    f32: OnceCell<Rc<explorer::Encoded>>,
    int8: OnceCell<Rc<explorer::Encoded>>,
}

/// The value in `cell`, made by `make` the first time.
fn memo<T>(cell: &OnceCell<Rc<T>>, make: impl FnOnce() -> Result<T>) -> Result<Rc<T>> {
    if let Some(v) = cell.get() {
        return Ok(v.clone());
    }
    let v = Rc::new(make()?);
    Ok(cell.get_or_init(|| v).clone())
}

/// What the build report says about the hands-on part.
#[derive(Debug, Clone, Serialize)]
pub struct HandsOnReport {
    pub downloads: Vec<String>,
    pub notebook: notebook::NotebookReport,
    /// The explorer page (None when no document has `kind = "explorer"`).
    pub explorer: Option<explorer::ExplorerReport>,
}

/// `downloads/<name>`.
pub fn download_path(name: &str) -> String {
    format!("{DOWNLOADS}/{name}")
}

/// The notebook's template context.
#[derive(Serialize)]
struct NotebookContext<'a> {
    nb: NotebookVars<'a>,
}

#[derive(Serialize)]
struct NotebookVars<'a> {
    model_file: &'static str,
    meta_file: &'static str,
    site_title: &'a str,
    hidden: usize,
    test_accuracy: String,
    /// Which pair, which image: in clear.
    givens_json: &'a str,
    /// The answers, hashed ([`answers`]).
    answers_json: &'a str,
}

/// The instructor's notebook (with the solutions), beside the answer keys.
pub const INSTRUCTOR_NOTEBOOK: &str = "instructor/kvlens-notebook-solutions.ipynb";

/// What [`downloads`] makes.
pub struct Downloads {
    /// The site's `downloads/` files, sorted (the learner's notebook among them).
    pub files: Vec<OutputFile>,
    /// The instructor's notebook ([`INSTRUCTOR_NOTEBOOK`]).
    pub instructor: OutputFile,
    pub report: notebook::NotebookReport,
}

/// The downloads (the model in the formats of `[hands_on] model_downloads`,
/// its JSON, the learner's notebook),
/// the instructor's notebook, and the notebooks' report. Both notebooks
/// come from one rendering of the template: the learner's has no solution
/// cells at all.
pub fn downloads(
    an: &Analyses,
    cache: &Cache,
    tera: &tera::Tera,
    root: &Path,
) -> Result<Downloads> {
    let p = an.p;
    let archives = memo(&cache.archives, || {
        use crate::config::ModelDownload;
        let meta = export::meta(p);
        let mut files = vec![OutputFile::new(
            download_path(export::META),
            export::meta_json(&meta)?,
        )];
        for format in [ModelDownload::Npz, ModelDownload::Safetensors] {
            if !p.config.hands_on.model_downloads.contains(&format) {
                continue;
            }
            files.push(match format {
                ModelDownload::Npz => {
                    OutputFile::new(download_path(export::NPZ), export::npz(&p.run.trained)?)
                }
                ModelDownload::Safetensors => OutputFile::new(
                    download_path(export::SAFETENSORS),
                    export::safetensors(&p.run.trained, &meta)?,
                ),
            });
        }
        Ok(files)
    })?;
    let expected = memo(&cache.expected, || {
        let (givens, answers) = answers::split(&numbers::expected(an)?);
        let text = |v: &serde_json::Value| {
            serde_json::to_string_pretty(v)
                .map_err(|e| anyhow::anyhow!("internal error: notebook numbers: {e}"))
        };
        Ok((text(&givens)?, text(&answers)?))
    })?;
    let ctx = NotebookContext {
        nb: NotebookVars {
            model_file: export::NPZ,
            meta_file: export::META,
            site_title: &p.config.site.title,
            hidden: p.model().hidden(),
            test_accuracy: format!("{} %", crate::num::percent(p.evaluation.accuracy(), 2)),
            givens_json: &expected.0,
            answers_json: &expected.1,
        },
    };
    let text = crate::templates::render(tera, notebook::TEMPLATE, &ctx, root)?;
    let cells = notebook::cells(&text);
    let rel = download_path(notebook::FILE);
    let (learner, instructor, report) =
        notebook::notebooks(&cells, &p.weights_sha256, &rel, INSTRUCTOR_NOTEBOOK);
    let mut files: Vec<OutputFile> = archives.as_ref().clone();
    files.push(OutputFile::new(rel, learner));
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(Downloads {
        files,
        instructor: OutputFile::new(INSTRUCTOR_NOTEBOOK, instructor),
        report,
    })
}

/// The explorer's model in `encoding`, encoded once per `cache`.
pub fn encoded(
    an: &Analyses,
    cache: &Cache,
    encoding: explorer::Encoding,
) -> Result<Rc<explorer::Encoded>> {
    let cell = match encoding {
        explorer::Encoding::F32 => &cache.f32,
        explorer::Encoding::Int8 => &cache.int8,
    };
    memo(cell, || explorer::encode(an.p, encoding))
}

/// The explorer page itself.
pub struct ExplorerPage<'a> {
    pub page: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// The document's body, rendered.
    pub intro: String,
    /// Template (`explorer.html` unless the front matter names another).
    pub template: &'a str,
    /// Bytes of the theme files the page loads (`explorer::THEME_FILES`).
    pub theme_bytes: usize,
}

/// Renders the explorer page with its model script and test vectors,
/// choosing the encoding by `[hands_on]`; a warning when even int8 is over
/// the budget.
pub fn explorer_page(
    an: &Analyses,
    cache: &Cache,
    tera: &tera::Tera,
    root: &Path,
    e: &ExplorerPage,
) -> Result<(Vec<OutputFile>, explorer::ExplorerReport, Option<String>)> {
    use crate::config::ExplorerWeights;
    use explorer::Encoding;
    let p = an.p;
    let cfg = &p.config.hands_on;
    let site_root = crate::markdown::root_of(e.page);
    let render = |enc: &explorer::Encoded| -> Result<String> {
        let ctx = explorer::PageContext {
            root: site_root.clone(),
            site_title: &p.config.site.title,
            title: e.title,
            description: e.description,
            intro: e.intro.clone(),
            model_script: format!("{site_root}/{}", explorer::MODEL_JS),
            hidden: p.model().hidden(),
            encoding: enc.encoding,
            model_sha: p.weights_sha256.chars().take(12).collect(),
            test_accuracy: format!("{} %", crate::num::percent(p.evaluation.accuracy(), 2)),
            digits: enc.starters.clone(),
        };
        crate::templates::render(tera, e.template, &ctx, root)
    };
    let first = match cfg.explorer_weights {
        ExplorerWeights::Int8 => Encoding::Int8,
        ExplorerWeights::Auto | ExplorerWeights::F32 => Encoding::F32,
    };
    let mut enc = encoded(an, cache, first)?;
    let mut html = render(&enc)?;
    let size = |html: &str, enc: &explorer::Encoded| html.len() + e.theme_bytes + enc.script.len();
    if cfg.explorer_weights == ExplorerWeights::Auto
        && size(&html, &enc) as u64 > cfg.explorer_max_bytes
    {
        enc = encoded(an, cache, Encoding::Int8)?;
        html = render(&enc)?;
    }
    let bytes = size(&html, &enc);
    let warning = (bytes as u64 > cfg.explorer_max_bytes).then(|| {
        format!(
            "the explorer page weighs {bytes} bytes with its model ({:?}), more than [hands_on] explorer_max_bytes = {}",
            enc.encoding, cfg.explorer_max_bytes
        )
    });
    let files = vec![
        OutputFile::new(e.page, html),
        OutputFile::new(explorer::MODEL_JS, enc.script.clone()),
        OutputFile::new(explorer::VECTORS, enc.vectors.clone()),
    ];
    let report = explorer::ExplorerReport {
        page: e.page.to_string(),
        model_script: explorer::MODEL_JS.to_string(),
        test_vectors: explorer::VECTORS.to_string(),
        vectors: enc.vector_count,
        encoding: enc.encoding,
        bytes,
        max_bytes: cfg.explorer_max_bytes,
        agreement: enc.agreement.clone(),
    };
    Ok((files, report, warning))
}
