//! One page of a sheet: a variant's learner sheet or answer key, expanded,
//! rendered from markdown and put into its template; the CSS of the
//! printed page; and the URLs of a key written beside `public/`.

use super::{INSTRUCTOR_DIR, Made, SheetInput};
use crate::content::Doc;
use crate::diag::Diagnostic;
use crate::markdown::root_of;
use crate::output::OutputFile;
use crate::sheets::product::SheetState;
use crate::sheets::{ExerciseRecord, Mode, SheetCtx};
use crate::shortcodes::{Expanded, State};
use serde::Serialize;
use std::collections::BTreeSet;

/// A link to one variant's sheet (or key) in a page's header.
#[derive(Serialize)]
struct VariantLink {
    n: u32,
    href: String,
    current: bool,
}

/// One exercise in a page's list of exercises.
#[derive(Serialize)]
struct ExerciseLine {
    number: usize,
    title: String,
    minutes: u32,
    points: u32,
}

/// What `sheet.html` (or the document's own template) gets.
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
    /// Key pages: this variant's marking key.
    marking_href: Option<String>,
    source: String,
    page_css: String,
    /// The variant's code (`CE2-7K4Q`), printed on every page.
    code: String,
    /// The exercises' points, summed.
    points: u32,
}

/// Which page of a sheet is rendered: variant `v` of `variants`, in `mode`.
pub(super) struct PageOf<'p> {
    pub v: u32,
    pub variants: u32,
    pub mode: Mode,
    /// Every variant's (sheet, key) paths.
    pub paths: &'p [(String, String)],
    /// The sheet's source, from the workshop root.
    pub source: &'p str,
    /// The letters of the sheet's code (see [`super::code`]).
    pub letters: &'p str,
}

impl PageOf<'_> {
    /// This variant's learner sheet.
    fn sheet(&self) -> &String {
        &self.paths[self.v as usize - 1].0
    }
    /// This variant's answer key.
    fn key(&self) -> &String {
        &self.paths[self.v as usize - 1].1
    }
    /// The variant's code, from its exercises' given numbers.
    pub(super) fn code(&self, doc: &Doc, exercises: &[ExerciseRecord], seed: u64) -> String {
        let fingerprints: Vec<&str> = exercises.iter().map(|e| e.fingerprint.as_str()).collect();
        super::code::code(self.letters, &doc.rel, seed, self.v, &fingerprints)
    }
    /// This page's path.
    fn path(&self) -> &String {
        if self.mode == Mode::Sheet {
            self.sheet()
        } else {
            self.key()
        }
    }
}

/// Renders one page into `made` (the learner's sheet into `public`, a key
/// into `instructor`), with its problems. Returns the page's exercise
/// records, or None when its expansion had problems.
pub(super) fn render_page(
    input: &SheetInput,
    doc: &Doc,
    first: &Expanded,
    page: &PageOf,
    made: &mut Made,
) -> Option<Vec<ExerciseRecord>> {
    let cfg = &input.an.p.config;
    let (v, mode) = (page.v, page.mode);
    let ctx = SheetCtx {
        variant: v,
        mode,
        seed: cfg.sheets.seed,
    };
    let path = page.path();
    let fresh;
    let expanded = if v == 1 && mode == Mode::Sheet {
        first
    } else {
        fresh = crate::shortcodes::expand::expand(
            doc,
            Some(input.an),
            path,
            input.codes,
            State::default().with(SheetState::new(ctx)),
        );
        &fresh
    };
    for d in &expanded.problems {
        made.problem(d.clone());
    }
    if !expanded.problems.is_empty() {
        return None;
    }
    let ids: BTreeSet<String> = crate::markdown::headings(&expanded.text)
        .into_iter()
        .map(|h| h.id)
        .collect();
    let links = input.links.context_for(path, doc.front.draft, &ids);
    let r = crate::markdown::render(&expanded.text, &links);
    for p in r.problems {
        made.problem(expanded.diagnostic(doc, p));
    }
    let exercises: &[ExerciseRecord] = expanded
        .state
        .get::<SheetState>()
        .map_or(&[], |s| &s.records);
    let ctx = sheet_context(input, doc, page, exercises, r.html);
    let template = doc.front.template.as_deref().unwrap_or("sheet.html");
    match crate::templates::render(input.tera, template, &ctx, input.root) {
        Ok(html) if mode == Mode::Sheet => made.public.push(OutputFile::new(path.clone(), html)),
        Ok(html) => {
            let html = if cfg.sheets.publish_keys {
                html
            } else {
                rebase_outside(&html, path)
            };
            made.instructor.push(OutputFile::new(path.clone(), html));
        }
        Err(e) => {
            let d = Diagnostic::new(
                input.root.join("templates").join(template),
                format!("{e:#}"),
            )
            .with_hint(format!("while rendering {}", doc.source.display()));
            made.problem(d);
        }
    }
    Some(exercises.to_vec())
}

/// What the sheet template gets for one page.
fn sheet_context<'a>(
    input: &SheetInput,
    doc: &'a Doc,
    page: &PageOf,
    exercises: &[ExerciseRecord],
    content: String,
) -> SheetContext<'a> {
    let cfg = &input.an.p.config;
    let (v, mode, variants) = (page.v, page.mode, page.variants);
    let path = page.path();
    let minutes: u32 = exercises.iter().map(|e| e.minutes).sum();
    let title_line = match (mode, variants) {
        (Mode::Key, 1) => format!("Answer key: {}", doc.front.title),
        (Mode::Key, n) => format!("Answer key: {} · variant {v} of {n}", doc.front.title),
        (Mode::Sheet, 1) => doc.front.title.clone(),
        (Mode::Sheet, n) => format!("{} · variant {v} of {n}", doc.front.title),
    };
    let code = page.code(doc, exercises, cfg.sheets.seed);
    let qr = super::code::qr_data_url(&code).ok();
    let title_line = match mode {
        Mode::Sheet => format!("{title_line} · Name: ________________________"),
        Mode::Key => title_line,
    };
    let page_root = root_of(path);
    let rel = |to: &str| crate::markdown::relative(path, to);
    SheetContext {
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
            .zip(page.paths)
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
                points: e.marking.points(),
            })
            .collect(),
        points: exercises.iter().map(|e| e.marking.points()).sum(),
        content,
        key_href: (mode == Mode::Sheet && cfg.sheets.publish_keys).then(|| rel(page.key())),
        sheet_href: (mode == Mode::Key).then(|| rel(page.sheet())),
        marking_href: (mode == Mode::Key).then(|| rel(&super::marking_path(page.key()))),
        source: page.source.to_string(),
        page_css: page_css(
            cfg.site.paper,
            &title_line,
            &code,
            &cfg.site.title,
            qr.as_deref(),
        ),
        code,
    }
}

/// The CSS of the printed page: paper, margins, running header and footer.
/// `qr`: a data URL drawn after `right` (the sheet code's QR code).
pub(crate) fn page_css(
    paper: crate::config::Paper,
    left: &str,
    right: &str,
    footer: &str,
    qr: Option<&str>,
) -> String {
    let size = match paper {
        crate::config::Paper::A4 => "A4",
        crate::config::Paper::Letter => "letter",
    };
    let box_style = "font-family: \"DejaVu Sans\", sans-serif; font-size: 9pt; color: #222;";
    let right = match qr {
        Some(url) => format!(
            "{} url({})",
            css_string(&format!("{right} ")),
            css_string(url)
        ),
        None => css_string(right),
    };
    format!(
        "@page {{ size: {size}; margin: 17mm 15mm 17mm 15mm; \
         @top-left {{ content: {}; {box_style} }} \
         @top-right {{ content: {right}; {box_style} font-weight: bold; }} \
         @bottom-left {{ content: {}; {box_style} }} \
         @bottom-right {{ content: \"Page \" counter(page) \" of \" counter(pages); {box_style} }} }}",
        css_string(left),
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
pub(crate) fn rebase_outside(html: &str, page: &str) -> String {
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
            Some("data:image/svg+xml;base64,AA=="),
        );
        assert!(css.contains("size: letter"));
        assert!(
            css.contains("\"A \\\"quoted\\\" \\3c /style\\3e \""),
            "{css}"
        );
        assert!(!css.contains("</style>"));
        assert!(
            css.contains("url(\"data:image/svg+xml;base64,AA==\")"),
            "{css}"
        );
    }
}
