//! A sheet document's pages: every variant of the learner's sheet, each
//! variant's answer key, and the document's rows of the TA table; each
//! variant checked to teach what the sheet is for.
//!
//! One page is made in `page` (with the printed page's CSS); the TA table
//! in `ta`.

pub(crate) mod code;
mod marking;
mod page;
mod ta;

pub(crate) use marking::{MARKING_PAGES, marking_path};
pub(crate) use page::{page_css, rebase_outside};
pub(crate) use ta::{TaExercise, TaRow, TaSheet, ta_page};

use super::{ExerciseRecord, Mode};
use crate::analysis::Analyses;
use crate::content::Doc;
use crate::diag::Diagnostic;
use crate::output::OutputFile;
use crate::shortcodes::{Expanded, Registry};
use page::{PageOf, render_page};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

/// Where keys and the TA table go, below the site root or beside it.
pub(crate) const INSTRUCTOR_DIR: &str = "instructor";
/// The TA table's page.
pub(crate) const TA_PAGE: &str = "instructor/ta-table.html";
/// The facilitator guide's page (made by `crate::guide`).
pub(crate) const GUIDE_PAGE: &str = "instructor/guide.html";

/// The output paths of a sheet's pages: (sheet, key) per variant.
pub(crate) fn page_paths(doc: &Doc, variants: u32) -> Vec<(String, String)> {
    let out = doc.out_path();
    let stem = out.strip_suffix(".html").unwrap_or(&out).to_string();
    (1..=variants)
        .map(|v| {
            let sheet = if v == 1 {
                out.clone()
            } else {
                format!("{stem}-v{v}.html")
            };
            let key = if v == 1 {
                format!("{INSTRUCTOR_DIR}/{stem}-key.html")
            } else {
                format!("{INSTRUCTOR_DIR}/{stem}-v{v}-key.html")
            };
            (sheet, key)
        })
        .collect()
}

/// How many variants a sheet has: `--variants`, else its front matter,
/// else `[sheets] variants`.
pub(crate) fn variants_of(doc: &Doc, flag: Option<u32>, config: u32) -> Result<u32, Diagnostic> {
    let n = flag.or(doc.front.variants).unwrap_or(config);
    if !(1..=crate::config::MAX_VARIANTS).contains(&n) {
        let at = doc.text.find("variants").unwrap_or(0);
        return Err(Diagnostic::new(
            &doc.source,
            format!(
                "a sheet has 1 to {} variants, not {n}",
                crate::config::MAX_VARIANTS
            ),
        )
        .at_offset(&doc.text, at));
    }
    Ok(n)
}

/// A sheet in the build report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SheetReport {
    /// The learner's sheet (variant 1).
    pub page: String,
    pub title: String,
    pub description: Option<String>,
    pub variants: u32,
    pub exercises: Vec<ExerciseReport>,
    pub minutes: u32,
    /// Every variant's sheet page.
    pub pages: Vec<String>,
    /// Every variant's key, relative to the folder it is written in
    /// (`public/` when published, the workshop root otherwise).
    pub keys: Vec<String>,
    /// Every variant's marking key, beside its key.
    pub markings: Vec<String>,
    /// The learner's sheet's page budget (front matter `pages`) and where
    /// it is set.
    #[serde(skip)]
    pub budget: Option<crate::print::Budget>,
    pub keys_published: bool,
}

/// An exercise in the build report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ExerciseReport {
    pub number: usize,
    pub title: String,
    pub minutes: u32,
    /// Final answers of every variant, in order.
    pub answers: Vec<String>,
}

/// What one sheet document made.
pub(crate) struct SheetPages {
    pub public: Vec<OutputFile>,
    pub instructor: Vec<OutputFile>,
    pub ta: TaSheet,
    pub report: SheetReport,
}

/// Everything a sheet's pages need from the site.
pub(crate) struct SheetInput<'a, 'b> {
    pub root: &'a Path,
    pub an: &'a Analyses<'b>,
    pub tera: &'a tera::Tera,
    /// The shortcode sets a sheet is expanded with.
    pub codes: Registry<'a>,
    /// Every link target of the site.
    pub links: &'a crate::product::Links,
    pub variants_flag: Option<u32>,
}

/// What a sheet's pages have made so far: their files, and their problems
/// without repeats.
struct Made {
    public: Vec<OutputFile>,
    instructor: Vec<OutputFile>,
    problems: Vec<Diagnostic>,
    /// The problems reported, as text (the site's own expansion's too).
    seen: BTreeSet<String>,
}

impl Made {
    /// Records `d` unless the same problem was reported before.
    fn problem(&mut self, d: Diagnostic) {
        if self.seen.insert(d.to_string()) {
            self.problems.push(d);
        }
    }
}

/// Renders a sheet's pages. `first` is the site's own expansion (variant 1
/// of the learner's sheet, already checked).
pub(crate) fn render(
    input: &SheetInput,
    doc: &Doc,
    first: &Expanded,
) -> Result<SheetPages, Vec<Diagnostic>> {
    let cfg = &input.an.p.config;
    let variants =
        variants_of(doc, input.variants_flag, cfg.sheets.variants).map_err(|d| vec![d])?;
    let published = cfg.sheets.publish_keys;
    let paths = page_paths(doc, variants);
    let mut made = Made {
        public: Vec::new(),
        instructor: Vec::new(),
        problems: Vec::new(),
        seen: first.problems.iter().map(|d| d.to_string()).collect(),
    };
    let mut rows = Vec::new();
    let mut exercises_of_v1: Vec<ExerciseRecord> = Vec::new();
    let mut answers: Vec<Vec<String>> = Vec::new();
    let mut fingerprints: Vec<String> = Vec::new();
    let source = format!("{}/{}", crate::content::DIR, doc.rel);
    let letters = code::letters(doc).map_err(|d| vec![d])?;
    let mut markings = Vec::new();
    for (v, (sheet_page, key_page)) in (1..=variants).zip(&paths) {
        let mut records = Vec::new();
        for mode in [Mode::Sheet, Mode::Key] {
            let page = PageOf {
                v,
                variants,
                mode,
                paths: &paths,
                source: &source,
                letters: &letters,
            };
            let exercises = render_page(input, doc, first, &page, &mut made);
            if let (Some(exercises), Mode::Sheet) = (exercises, mode) {
                records = exercises;
            }
        }
        if !records.is_empty() {
            let page = PageOf {
                v,
                variants,
                mode: Mode::Key,
                paths: &paths,
                source: &source,
                letters: &letters,
            };
            markings.push(marking::render_marking(
                input, doc, &page, &records, &mut made,
            ));
        }
        check_variant(doc, v, &records, &mut fingerprints, &mut made.problems);
        if v == 1 {
            exercises_of_v1 = records.clone();
        }
        answers.push(records.iter().map(|r| r.short.clone()).collect());
        rows.push(TaRow {
            variant: v,
            sheet_href: crate::markdown::relative(TA_PAGE, sheet_page),
            key_href: crate::markdown::relative(TA_PAGE, key_page),
            marking_href: crate::markdown::relative(TA_PAGE, &marking_path(key_page)),
            answers: records.iter().map(|r| r.short.clone()).collect(),
        });
    }
    if made.problems.is_empty() {
        neighbours_differ(doc, &exercises_of_v1, &answers, &mut made.problems);
    }
    if !made.problems.is_empty() {
        return Err(made.problems);
    }
    let report = SheetReport {
        page: doc.out_path(),
        title: doc.front.title.clone(),
        description: doc.front.description.clone(),
        variants,
        exercises: exercise_reports(&exercises_of_v1, &answers),
        minutes: exercises_of_v1.iter().map(|e| e.minutes).sum(),
        pages: paths.iter().map(|p| p.0.clone()).collect(),
        keys: paths.iter().map(|p| p.1.clone()).collect(),
        markings,
        budget: budget_of(doc),
        keys_published: published,
    };
    Ok(SheetPages {
        public: made.public,
        instructor: made.instructor,
        ta: TaSheet {
            title: doc.front.title.clone(),
            source,
            variants_count: variants,
            exercises: exercises_of_v1
                .iter()
                .map(|e| TaExercise {
                    number: e.number,
                    title: e.title.clone(),
                })
                .collect(),
            rows,
        },
        report,
    })
}

/// The checks on variant `v` as a whole: it teaches what the sheet is for,
/// and its numbers differ from every earlier variant's (`fingerprints`,
/// which gets this variant's).
fn check_variant(
    doc: &Doc,
    v: u32,
    records: &[ExerciseRecord],
    fingerprints: &mut Vec<String>,
    problems: &mut Vec<Diagnostic>,
) {
    if let Err(why) = teaches_enough(records) {
        problems.push(
            Diagnostic::new(&doc.source, format!("variant {v} {why}"))
                .at_offset(&doc.text, doc.body_start)
                .with_hint("give the toy exercises a `range` that allows it, or add an exercise that shows it"),
        );
    }
    let fp = records
        .iter()
        .map(|r| r.fingerprint.clone())
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(j) = fingerprints.iter().position(|f| *f == fp)
        && !records.is_empty()
    {
        problems.push(
            Diagnostic::new(
                &doc.source,
                format!(
                    "variants {} and {v} have the same numbers in every exercise",
                    j + 1
                ),
            )
            .at_offset(&doc.text, doc.body_start)
            .with_hint("give an exercise a `range` (toy nets) so variants draw their own numbers"),
        );
    }
    fingerprints.push(fp);
}

/// Neighbours in a room get consecutive variants: variants v and v + 1
/// must not share the final answers of any exercise, or one could copy
/// the other (`answers`: per variant, per exercise).
fn neighbours_differ(
    doc: &Doc,
    exercises: &[ExerciseRecord],
    answers: &[Vec<String>],
    problems: &mut Vec<Diagnostic>,
) {
    for (i, e) in exercises.iter().enumerate() {
        for (v, pair) in answers.windows(2).enumerate() {
            if let (Some(a), Some(b)) = (pair[0].get(i), pair[1].get(i))
                && a == b
            {
                problems.push(
                    doc.diag_at(
                        e.at,
                        format!(
                            "exercise {} ({}): variants {} and {} have the same final answers ({a}), so neighbours could copy them",
                            e.number,
                            e.title,
                            v + 1,
                            v + 2
                        ),
                    )
                    .with_hint("give the exercise a `range` (toy nets) wide enough that variants draw different answers"),
                );
            }
        }
    }
}

/// The sheet's page budget: front matter `pages`, with its line.
fn budget_of(doc: &Doc) -> Option<crate::print::Budget> {
    let pages = doc.front.pages?;
    let at = doc
        .text
        .lines()
        .position(|l| l.trim_start().starts_with("pages"))
        .map_or(1, |i| i + 1);
    Some(crate::print::Budget {
        pages,
        source: format!(
            "{}:{at}: `pages = {pages}`",
            crate::content::DIR.to_string() + "/" + &doc.rel
        ),
    })
}

/// Variant 1's exercises for the build report, each with every variant's
/// final answers (`answers`: per variant, per exercise).
fn exercise_reports(exercises: &[ExerciseRecord], answers: &[Vec<String>]) -> Vec<ExerciseReport> {
    exercises
        .iter()
        .enumerate()
        .map(|(i, e)| ExerciseReport {
            number: e.number,
            title: e.title.clone(),
            minutes: e.minutes,
            answers: answers
                .iter()
                .map(|a| a.get(i).cloned().unwrap_or_default())
                .collect(),
        })
        .collect()
}

/// A variant of a sheet with toy exercises must show an inactive pair and
/// a bias acting as a threshold somewhere (ties it did not ask for are
/// refused per exercise). Real-network exercises carry their own checks.
fn teaches_enough(records: &[ExerciseRecord]) -> Result<(), String> {
    if !records.iter().any(|r| r.toy) {
        return Ok(());
    }
    if !records.iter().any(|r| r.teaches.inactive) {
        return Err("has no inactive pair (a neuron ReLU switches off) in any exercise".into());
    }
    if !records.iter().any(|r| r.teaches.threshold) {
        return Err(
            "has no bias acting as a threshold (deciding whether a neuron fires) in any exercise"
                .into(),
        );
    }
    Ok(())
}
