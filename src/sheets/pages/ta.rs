//! The TA table: every variant's final answers of every sheet, on one
//! page beside the keys.

use super::{TA_PAGE, page_css, rebase_outside};
use crate::analysis::Analyses;
use crate::markdown::root_of;
use crate::output::OutputFile;
use serde::Serialize;
use std::path::Path;

/// One row of the TA table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TaRow {
    pub variant: u32,
    pub sheet_href: String,
    pub key_href: String,
    pub marking_href: String,
    pub answers: Vec<String>,
}

/// One sheet in the TA table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TaSheet {
    pub title: String,
    pub source: String,
    pub variants_count: u32,
    pub exercises: Vec<TaExercise>,
    pub rows: Vec<TaRow>,
}

/// An exercise's column in the TA table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TaExercise {
    pub number: usize,
    pub title: String,
}

/// What `ta.html` gets.
#[derive(Serialize)]
struct TaContext<'a> {
    root: String,
    site_title: String,
    title: &'static str,
    paper: &'static str,
    page_css: String,
    sheets: &'a [TaSheet],
}

/// The TA table: every variant's final answers of every sheet.
pub(crate) fn ta_page(
    root: &Path,
    an: &Analyses,
    tera: &tera::Tera,
    sheets: &[TaSheet],
) -> anyhow::Result<OutputFile> {
    let cfg = &an.p.config;
    let ctx = TaContext {
        root: root_of(TA_PAGE),
        site_title: cfg.site.title.clone(),
        title: "TA table",
        paper: cfg.site.paper.label(),
        page_css: page_css(
            cfg.site.paper,
            "TA table: final answers of every variant",
            "",
            &cfg.site.title,
            None,
        ),
        sheets,
    };
    let html = crate::templates::render(tera, "ta.html", &ctx, root)?;
    let html = if cfg.sheets.publish_keys {
        html
    } else {
        rebase_outside(&html, TA_PAGE)
    };
    Ok(OutputFile::new(TA_PAGE, html))
}
