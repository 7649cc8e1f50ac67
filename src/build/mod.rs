//! The build: prepare → analyses → products → report → one writer.
//!
//! Every product is registered once, in [`products`]; the build knows them
//! only through [`crate::product::Product`]. `serve` keeps the products (and
//! so their memos) with the analyses between edits.

mod check;
mod render;
pub mod report;

use crate::analysis::{Analyses, Prepared};
use crate::output::OutputFile;
use crate::product::{ExternalLink, Product};
use crate::session::{Session, load_config};
use crate::shortcodes::Shortcodes;
use anyhow::{Context, Result};
pub use check::{CheckReport, check};
pub use render::render;
use std::path::{Path, PathBuf};

/// Name of the build report under `public/`.
pub const REPORT_FILE: &str = "build-report.json";

/// The folder beside `public/` for the answer keys and the TA table.
pub const INSTRUCTOR_DIR: &str = crate::sheets::pages::INSTRUCTOR_DIR;

/// Every product, in order: their shortcodes are looked up, their report
/// sections written and their files made in this order. A new product is
/// one more line here.
pub fn products() -> Vec<Box<dyn Product>> {
    vec![
        Box::new(crate::course::Course),
        Box::new(crate::deck::Decks),
        Box::new(crate::sheets::product::Sheets::default()),
        Box::new(crate::handson::product::HandsOn::default()),
        Box::new(crate::guide::Guide),
    ]
}

/// The shortcode sets of `products`, after the embeds (every document's).
pub fn shortcode_sets(products: &[Box<dyn Product>]) -> Vec<&dyn Shortcodes> {
    std::iter::once(&crate::embeds::Embeds as &dyn Shortcodes)
        .chain(products.iter().filter_map(|p| p.shortcodes()))
        .collect()
}

/// What a successful build produced, besides the files.
#[derive(Debug)]
pub struct Built {
    pub report: report::BuildReport,
    pub external: Vec<ExternalLink>,
    /// Things the author should know that did not stop the build.
    pub warnings: Vec<String>,
    /// Answer keys and the TA table (`instructor/…`), written beside
    /// `public/` unless `[sheets] publish_keys` put them in it.
    pub instructor: Vec<OutputFile>,
    /// What `--pdf` prints.
    pub print: Vec<crate::print::PrintJob>,
}

/// What `kvlens build` makes besides the site.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Print every deck and sheet to PDF with Chromium.
    pub pdf: bool,
    /// `--chromium`: the browser to print with (else found on the PATH).
    pub chromium: Option<PathBuf>,
}

/// Reads the cheap inputs that must be valid before anything expensive
/// runs: templates (the products' and the workshop's) and content.
pub fn load_sources(
    root: &Path,
    products: &[Box<dyn Product>],
) -> Result<(tera::Tera, crate::content::Content)> {
    let tera = crate::prof::tally("templates", || {
        crate::templates::load(root, &templates_of(products))
    })?;
    let content = crate::prof::tally("content", || crate::content::load(root))?;
    Ok((tera, content))
}

/// Every product's built-in templates.
pub fn templates_of(products: &[Box<dyn Product>]) -> Vec<&'static crate::product::Template> {
    products.iter().flat_map(|p| p.templates().iter()).collect()
}

/// `kvlens build`: data → model → analyses → products → `public/`
/// (atomically).
pub fn build(s: &Session, opts: &BuildOptions) -> Result<Built> {
    let cfg = load_config(&s.root)?;
    let nets = crate::kv::toy::load_dir(&s.root.join(crate::kv::toy::NETS_DIR))?;
    // Fail before the expensive part when no browser can print.
    let chromium = match opts.pdf {
        true => Some(crate::browser::find_chromium(opts.chromium.as_deref())?),
        false => None,
    };
    let products = products();
    let (tera, content) = load_sources(&s.root, &products)?;
    let prepared = Prepared::with_config(s, cfg, nets)?;
    let analyses = Analyses::new(&prepared)?;
    let rendered = crate::prof::time("render", || {
        render(&s.root, &analyses, &products, &tera, &content, &s.options())
    });
    // What was computed is kept even when a page failed.
    analyses.keep();
    let (mut files, mut built) = rendered?;
    let cfg = &analyses.p.config;
    if let Some(chromium) = chromium {
        // Print from a copy laid out like the workshop, then add the PDFs.
        let stage = tempfile::Builder::new()
            .prefix("kvlens-print-")
            .tempdir()
            .context("cannot create a temporary folder to print from")?;
        write_outputs(stage.path(), cfg, &files, &built.instructor)?;
        let pdfs = crate::print::print_all(
            stage.path(),
            &built.print,
            cfg.sheets.publish_keys,
            cfg.site.paper,
            &chromium,
            cfg.site.base_url.as_deref(),
            &s.ui,
        )?;
        let publish_keys = cfg.sheets.publish_keys;
        files.retain(|f| f.rel_path != REPORT_FILE && f.rel_path != report::INSTRUCTOR_REPORT);
        built
            .instructor
            .retain(|f| f.rel_path != report::INSTRUCTOR_REPORT);
        built
            .report
            .files
            .extend(pdfs.public.iter().map(|f| f.rel_path.clone()));
        built.report.files.sort();
        files.extend(pdfs.public);
        built.instructor.extend(pdfs.instructor);
        let (public, instructor) = report::files(&built.report, publish_keys)?;
        files.push(public);
        if publish_keys {
            files.push(instructor.clone());
        }
        built.instructor.push(instructor);
        built.instructor.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    }
    crate::prof::time("write outputs", || {
        write_outputs(&s.root, cfg, &files, &built.instructor)
    })?;
    crate::prof::totals();
    Ok(built)
}

/// Writes a build under `root`: the site to `public/` and, unless
/// `[sheets] publish_keys` put them in the site, the answer keys and the TA
/// table (`instructor/…` files) to `instructor/`. Each folder is replaced
/// in one step.
pub fn write_outputs(
    root: &Path,
    cfg: &crate::config::Config,
    files: &[OutputFile],
    instructor: &[OutputFile],
) -> Result<()> {
    if !cfg.sheets.publish_keys && !instructor.is_empty() {
        let prefix = format!("{INSTRUCTOR_DIR}/");
        let inner: Vec<OutputFile> = instructor
            .iter()
            .map(|f| {
                OutputFile::new(
                    f.rel_path.strip_prefix(&prefix).unwrap_or(&f.rel_path),
                    f.bytes.clone(),
                )
            })
            .collect();
        crate::output::write_all(&root.join(INSTRUCTOR_DIR), &inner)?;
    }
    crate::output::write_all(&root.join("public"), files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shortcodes::Registry;

    #[test]
    fn every_argument_name_is_unique_per_shortcode_and_every_name_registered_once() {
        let products = products();
        let sets = shortcode_sets(&products);
        let mut all: Vec<&str> = Registry { sets: &sets }.specs().map(|s| s.name).collect();
        let count = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), count, "a shortcode is registered twice");
        for s in (Registry { sets: &sets }).specs() {
            let mut names: Vec<_> = s.args().map(|a| a.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), s.args().count(), "{}", s.name);
            for r in s.required {
                assert!(names.contains(r), "{} requires unknown {r}", s.name);
            }
        }
    }
}
