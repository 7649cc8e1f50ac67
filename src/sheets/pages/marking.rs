//! The marking key of one sheet variant: at most two printed pages with
//! every answer box, its answer, what else is accepted and its points; the
//! usual wrong answers with their partial credit and what each reveals.
//! Stretch answers (no points) and every step stay in the long worked key,
//! which is for teaching; this one is for marking thirty sheets.

use super::{Made, PageOf, page_css, rebase_outside};
use crate::content::Doc;
use crate::diag::Diagnostic;
use crate::markdown::root_of;
use crate::output::OutputFile;
use crate::sheets::ExerciseRecord;
use serde::Serialize;

/// The most printed pages a marking key may take.
pub(crate) const MARKING_PAGES: u32 = 2;

/// The marking key's path beside the key's: `…-key.html` → `…-marking.html`.
pub(crate) fn marking_path(key: &str) -> String {
    match key.strip_suffix("-key.html") {
        Some(stem) => format!("{stem}-marking.html"),
        None => format!("{key}.marking.html"),
    }
}

#[derive(Serialize)]
struct MarkBox {
    label: String,
    answer: String,
    accept: String,
    points: u32,
}

#[derive(Serialize)]
struct MarkPart {
    /// HTML made by kvlens (the part's question).
    text: String,
    boxes: Vec<MarkBox>,
}

#[derive(Serialize)]
struct MarkSlip {
    answer: String,
    why: String,
    /// "2 of 3", or "0 of 3" without partial credit.
    credit: String,
}

#[derive(Serialize)]
struct MarkExercise {
    number: usize,
    title: String,
    points: u32,
    parts: Vec<MarkPart>,
    slips: Vec<MarkSlip>,
}

#[derive(Serialize)]
struct MarkingContext<'a> {
    root: String,
    site_title: String,
    title: &'a str,
    variant: u32,
    variants: u32,
    code: String,
    points: u32,
    page_css: String,
    key_href: String,
    sheet_href: String,
    exercises: Vec<MarkExercise>,
}

/// Renders variant `page.v`'s marking key from its exercise `records` into
/// `made.instructor`; returns its path.
pub(super) fn render_marking(
    input: &super::SheetInput,
    doc: &Doc,
    page: &PageOf,
    records: &[ExerciseRecord],
    made: &mut Made,
) -> String {
    let cfg = &input.an.p.config;
    let key = &page.paths[page.v as usize - 1].1;
    let path = marking_path(key);
    let code = page.code(doc, records, cfg.sheets.seed);
    let exercises: Vec<MarkExercise> = records.iter().map(exercise).collect();
    let points = exercises.iter().map(|e| e.points).sum();
    let title_line = match page.variants {
        1 => format!("Marking key: {}", doc.front.title),
        n => format!(
            "Marking key: {} · variant {} of {n}",
            doc.front.title, page.v
        ),
    };
    let rel = |to: &str| crate::markdown::relative(&path, to);
    let ctx = MarkingContext {
        root: root_of(&path),
        site_title: cfg.site.title.clone(),
        title: &doc.front.title,
        variant: page.v,
        variants: page.variants,
        points,
        page_css: page_css(
            cfg.site.paper,
            &title_line,
            &code,
            &cfg.site.title,
            super::code::qr_data_url(&code).ok().as_deref(),
        ),
        code,
        key_href: rel(key),
        sheet_href: rel(&page.paths[page.v as usize - 1].0),
        exercises,
    };
    match crate::templates::render(input.tera, "marking.html", &ctx, input.root) {
        Ok(html) => {
            let html = if cfg.sheets.publish_keys {
                html
            } else {
                rebase_outside(&html, &path)
            };
            made.instructor.push(OutputFile::new(path.clone(), html));
        }
        Err(e) => made.problem(
            Diagnostic::new(input.root.join("templates/marking.html"), format!("{e:#}"))
                .with_hint(format!("while rendering {}", doc.source.display())),
        ),
    }
    path
}

fn exercise(r: &ExerciseRecord) -> MarkExercise {
    let points = r.marking.points();
    MarkExercise {
        number: r.number,
        title: r.title.clone(),
        points,
        parts: r
            .marking
            .parts
            .iter()
            .map(|(text, boxes)| MarkPart {
                text: text.clone(),
                boxes: boxes
                    .iter()
                    .enumerate()
                    .map(|(i, b)| MarkBox {
                        label: b.label.clone(),
                        answer: b.answer.clone(),
                        // A long condition shared by a part's boxes is
                        // written once: a TA reads it once.
                        accept: match i.checked_sub(1).map(|j| &boxes[j].accept) {
                            Some(prev) if *prev == b.accept && b.accept.len() > 24 => {
                                "as above".to_string()
                            }
                            _ => b.accept.clone(),
                        },
                        points: b.points,
                    })
                    .collect(),
            })
            .collect(),
        slips: r
            .marking
            .slips
            .iter()
            .map(|s| MarkSlip {
                answer: s.answer.clone(),
                why: s.why.clone(),
                credit: format!("{} of {points}", s.credit.unwrap_or(0)),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marking_key_sits_beside_the_key() {
        assert_eq!(
            marking_path("instructor/sheets/toy-v2-key.html"),
            "instructor/sheets/toy-v2-marking.html"
        );
    }
}
