//! A sheet document's pages: every variant of the learner's sheet, each
//! variant's answer key, and the document's rows of the TA table; each
//! variant checked to teach what the sheet is for.

use super::product::SheetState;
use super::{ExerciseRecord, Mode, SheetCtx};
use crate::analysis::Analyses;
use crate::content::Doc;
use crate::diag::Diagnostic;
use crate::markdown::{LinkContext, root_of};
use crate::output::OutputFile;
use crate::shortcodes::{Expanded, Registry, State};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Where keys and the TA table go, below the site root or beside it.
pub const INSTRUCTOR_DIR: &str = "instructor";
/// The TA table's page.
pub const TA_PAGE: &str = "instructor/ta-table.html";

/// The output paths of a sheet's pages: (sheet, key) per variant.
pub fn page_paths(doc: &Doc, variants: u32) -> Vec<(String, String)> {
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
pub fn variants_of(doc: &Doc, flag: Option<u32>, config: u32) -> Result<u32, Diagnostic> {
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

/// The CSS of the printed page: paper, margins, running header and footer.
pub fn page_css(paper: crate::config::Paper, left: &str, right: &str, footer: &str) -> String {
    let size = match paper {
        crate::config::Paper::A4 => "A4",
        crate::config::Paper::Letter => "letter",
    };
    let box_style = "font-family: \"DejaVu Sans\", sans-serif; font-size: 8.5pt; color: #333;";
    format!(
        "@page {{ size: {size}; margin: 17mm 15mm 17mm 15mm; \
         @top-left {{ content: {}; {box_style} }} \
         @top-right {{ content: {}; {box_style} }} \
         @bottom-left {{ content: {}; {box_style} }} \
         @bottom-right {{ content: \"Page \" counter(page) \" of \" counter(pages); {box_style} }} }}",
        css_string(left),
        css_string(right),
        css_string(footer)
    )
}

/// Text as a CSS string literal, safe inside `<style>`.
fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\3c "),
            '>' => out.push_str("\\3e "),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Rewrites the relative URLs of a page at `page` (an `instructor/…` path)
/// that leave `instructor/`, for keys written beside `public/`: they point
/// into `public/` instead.
pub fn rebase_outside(html: &str, page: &str) -> String {
    let depth = page.matches('/').count();
    let dir: Vec<&str> = page.split('/').take(depth).collect();
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = ["href=\"", "src=\""]
            .iter()
            .filter_map(|a| rest.find(a).map(|i| (i, a.len())))
            .min();
        let Some((i, len)) = next else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..i + len]);
        rest = &rest[i + len..];
        let end = rest.find('"').unwrap_or(rest.len());
        let url = &rest[..end];
        let relative =
            !url.is_empty() && !url.starts_with('#') && !url.starts_with('/') && !url.contains(':');
        let resolved = relative.then(|| {
            let mut parts: Vec<&str> = dir.clone();
            for seg in url.split('/') {
                match seg {
                    ".." => {
                        parts.pop();
                    }
                    "." => {}
                    s => parts.push(s),
                }
            }
            parts.join("/")
        });
        match resolved {
            Some(r) if !r.starts_with(&format!("{INSTRUCTOR_DIR}/")) => {
                out.push_str(&format!("{}public/{r}", "../".repeat(depth)));
            }
            _ => out.push_str(url),
        }
        rest = &rest[end..];
    }
    out
}

#[derive(Serialize)]
struct VariantLink {
    n: u32,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct ExerciseLine {
    number: usize,
    title: String,
    minutes: u32,
}

#[derive(Serialize)]
struct SheetContext<'a> {
    root: String,
    site_title: String,
    title: &'a str,
    description: Option<&'a str>,
    mode: Mode,
    minutes: u32,
    variant: u32,
    variants: u32,
    paper: &'static str,
    variant_links: Vec<VariantLink>,
    exercises: Vec<ExerciseLine>,
    content: String,
    key_href: Option<String>,
    sheet_href: Option<String>,
    source: String,
    page_css: String,
}

/// One row of the TA table.
#[derive(Debug, Clone, Serialize)]
pub struct TaRow {
    pub variant: u32,
    pub sheet_href: String,
    pub key_href: String,
    pub answers: Vec<String>,
}

/// One sheet in the TA table.
#[derive(Debug, Clone, Serialize)]
pub struct TaSheet {
    pub title: String,
    pub source: String,
    pub variants_count: u32,
    pub exercises: Vec<TaExercise>,
    pub rows: Vec<TaRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaExercise {
    pub number: usize,
    pub title: String,
}

/// A sheet in the build report.
#[derive(Debug, Clone, Serialize)]
pub struct SheetReport {
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
    pub keys_published: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExerciseReport {
    pub number: usize,
    pub title: String,
    pub minutes: u32,
    /// Final answers of every variant, in order.
    pub answers: Vec<String>,
}

/// What one sheet document made.
pub struct SheetPages {
    pub public: Vec<OutputFile>,
    pub instructor: Vec<OutputFile>,
    pub ta: TaSheet,
    pub report: SheetReport,
}

/// Everything a sheet's pages need from the site.
pub struct SheetInput<'a, 'b> {
    pub root: &'a Path,
    pub an: &'a Analyses<'b>,
    pub tera: &'a tera::Tera,
    /// The shortcode sets a sheet is expanded with.
    pub codes: Registry<'a>,
    pub docs: &'a BTreeMap<String, (String, BTreeSet<String>)>,
    pub files: &'a BTreeSet<String>,
    pub drafts: &'a BTreeSet<String>,
    pub variants_flag: Option<u32>,
}

/// Renders a sheet's pages. `first` is the site's own expansion (variant 1
/// of the learner's sheet, already checked).
pub fn render(
    input: &SheetInput,
    doc: &Doc,
    first: &Expanded,
) -> Result<SheetPages, Vec<Diagnostic>> {
    let cfg = &input.an.p.config;
    let variants =
        variants_of(doc, input.variants_flag, cfg.sheets.variants).map_err(|d| vec![d])?;
    let published = cfg.sheets.publish_keys;
    let paths = page_paths(doc, variants);
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut seen: BTreeSet<String> = first.problems.iter().map(|d| d.to_string()).collect();
    let mut public = Vec::new();
    let mut instructor = Vec::new();
    let mut rows = Vec::new();
    let mut exercises_of_v1: Vec<ExerciseRecord> = Vec::new();
    let mut answers: Vec<Vec<String>> = Vec::new();
    let mut fingerprints: Vec<String> = Vec::new();
    let source = format!("{}/{}", crate::content::DIR, doc.rel);
    for (v, (sheet_page, key_page)) in (1..=variants).zip(&paths) {
        let mut records = Vec::new();
        for mode in [Mode::Sheet, Mode::Key] {
            let ctx = SheetCtx {
                variant: v,
                mode,
                seed: cfg.sheets.seed,
            };
            let page = if mode == Mode::Sheet {
                sheet_page
            } else {
                key_page
            };
            let fresh;
            let expanded = if v == 1 && mode == Mode::Sheet {
                first
            } else {
                fresh = crate::shortcodes::expand::expand(
                    doc,
                    Some(input.an),
                    page,
                    input.codes,
                    State::default().with(SheetState::new(ctx)),
                );
                &fresh
            };
            for d in &expanded.problems {
                if seen.insert(d.to_string()) {
                    problems.push(d.clone());
                }
            }
            if !expanded.problems.is_empty() {
                continue;
            }
            let ids: BTreeSet<String> = crate::markdown::headings(&expanded.text)
                .into_iter()
                .map(|h| h.id)
                .collect();
            let links = LinkContext {
                page,
                docs: input.docs,
                files: input.files,
                drafts: input.drafts,
                page_is_draft: doc.front.draft,
                own_ids: &ids,
            };
            let r = crate::markdown::render(&expanded.text, &links);
            for p in r.problems {
                let mut d = doc.diag_at(expanded.source_offset(p.at), p.message);
                d.hint = p.hint;
                if seen.insert(d.to_string()) {
                    problems.push(d);
                }
            }
            let exercises: &[ExerciseRecord] = expanded
                .state
                .get::<SheetState>()
                .map_or(&[], |s| &s.records);
            if mode == Mode::Sheet {
                records = exercises.to_vec();
            }
            let minutes: u32 = exercises.iter().map(|e| e.minutes).sum();
            let title_line = match (mode, variants) {
                (Mode::Key, 1) => format!("Answer key: {}", doc.front.title),
                (Mode::Key, n) => format!("Answer key: {} · variant {v} of {n}", doc.front.title),
                (Mode::Sheet, 1) => doc.front.title.clone(),
                (Mode::Sheet, n) => format!("{} · variant {v} of {n}", doc.front.title),
            };
            let right = if variants > 1 {
                format!("Variant {v}")
            } else {
                String::new()
            };
            let page_root = root_of(page);
            let rel = |to: &str| crate::markdown::relative(page, to);
            let ctx = SheetContext {
                root: page_root,
                site_title: cfg.site.title.clone(),
                title: &doc.front.title,
                description: doc.front.description.as_deref(),
                mode,
                minutes,
                variant: v,
                variants,
                paper: cfg.site.paper.label(),
                variant_links: (1..=variants)
                    .zip(&paths)
                    .map(|(n, (s, k))| VariantLink {
                        n,
                        href: rel(if mode == Mode::Sheet { s } else { k }),
                        current: n == v,
                    })
                    .collect(),
                exercises: exercises
                    .iter()
                    .map(|e| ExerciseLine {
                        number: e.number,
                        title: e.title.clone(),
                        minutes: e.minutes,
                    })
                    .collect(),
                content: r.html,
                key_href: (mode == Mode::Sheet && published).then(|| rel(key_page)),
                sheet_href: (mode == Mode::Key).then(|| rel(sheet_page)),
                source: source.clone(),
                page_css: page_css(cfg.site.paper, &title_line, &right, &cfg.site.title),
            };
            let template = doc.front.template.as_deref().unwrap_or("sheet.html");
            match crate::templates::render(input.tera, template, &ctx, input.root) {
                Ok(html) if mode == Mode::Sheet => public.push(OutputFile::new(page.clone(), html)),
                Ok(html) => {
                    let html = if published {
                        html
                    } else {
                        rebase_outside(&html, page)
                    };
                    instructor.push(OutputFile::new(page.clone(), html));
                }
                Err(e) => {
                    let d = Diagnostic::new(
                        input.root.join("templates").join(template),
                        format!("{e:#}"),
                    )
                    .with_hint(format!("while rendering {}", doc.source.display()));
                    if seen.insert(d.to_string()) {
                        problems.push(d);
                    }
                }
            }
        }
        if let Err(why) = teaches_enough(&records) {
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
                .with_hint(
                    "give an exercise a `range` (toy nets) so variants draw their own numbers",
                ),
            );
        }
        fingerprints.push(fp);
        if v == 1 {
            exercises_of_v1 = records.clone();
        }
        answers.push(records.iter().map(|r| r.short.clone()).collect());
        rows.push(TaRow {
            variant: v,
            sheet_href: crate::markdown::relative(TA_PAGE, sheet_page),
            key_href: crate::markdown::relative(TA_PAGE, key_page),
            answers: records.iter().map(|r| r.short.clone()).collect(),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let minutes = exercises_of_v1.iter().map(|e| e.minutes).sum();
    let report = SheetReport {
        page: doc.out_path(),
        title: doc.front.title.clone(),
        description: doc.front.description.clone(),
        variants,
        exercises: exercises_of_v1
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
            .collect(),
        minutes,
        pages: paths.iter().map(|p| p.0.clone()).collect(),
        keys: paths.iter().map(|p| p.1.clone()).collect(),
        keys_published: published,
    };
    Ok(SheetPages {
        public,
        instructor,
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
pub fn ta_page(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_that_leave_instructor_point_into_public() {
        let html = r##"<a href="../../toy-network.html#x">t</a><a href="../../theme/style.css">s</a><a href="conceptual-v2-key.html">k</a><a href="#ex">e</a><img src="https://x/y.png"><a href="../ta-table.html">ta</a>"##;
        let got = rebase_outside(html, "instructor/sheets/conceptual-key.html");
        assert_eq!(
            got,
            r##"<a href="../../public/toy-network.html#x">t</a><a href="../../public/theme/style.css">s</a><a href="conceptual-v2-key.html">k</a><a href="#ex">e</a><img src="https://x/y.png"><a href="../ta-table.html">ta</a>"##
        );
    }

    #[test]
    fn page_css_escapes_its_strings() {
        let css = page_css(
            crate::config::Paper::Letter,
            "A \"quoted\" </style>",
            "Variant 2",
            "T",
        );
        assert!(css.contains("size: letter"));
        assert!(
            css.contains("\"A \\\"quoted\\\" \\3c /style\\3e \""),
            "{css}"
        );
        assert!(!css.contains("</style>"));
    }
}
