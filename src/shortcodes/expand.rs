//! Expansion: a document's body with every shortcode replaced by its
//! output, plus a source map so pulldown-cmark's offsets in the expanded
//! text still name the author's `file:line:col`.
//!
//! Without [`Analyses`] (a static `check`) calls are only validated; with
//! them they are evaluated: figures drawn, values measured, claims judged.

use super::{Args, Fail, calc, figure, quantity, validate};
use crate::content::Doc;
use crate::diag::Diagnostic;
use crate::markdown::escape_attr;
use crate::shortcode::{Call, code_ranges, scan};
use crate::workshop::Analyses;
use serde::Serialize;
use std::collections::BTreeSet;
use std::ops::Range;

/// A checked claim, for the build report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimRecord {
    /// `content/<path>:<line>`.
    pub at: String,
    /// The call as written.
    pub claim: String,
    pub measured: f64,
    pub holds: bool,
}

/// A deck directive (`section`, `slide`, `qr`) at an offset of the
/// expanded text; `crate::deck` gives it to the slide it falls in.
#[derive(Debug, Clone, PartialEq)]
pub struct DeckMark {
    /// Offset in the expanded text.
    pub at: usize,
    /// Offset in the body (for diagnostics).
    pub src: usize,
    pub kind: MarkKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MarkKind {
    Section {
        minutes: u32,
        title: Option<String>,
        track: Option<String>,
    },
    Slide {
        classes: Vec<String>,
        track: Option<String>,
    },
    /// A QR code; `drawn` is false when `[site] base_url` is not set.
    Qr { drawn: bool },
}

/// One piece of the expanded text.
#[derive(Debug, Clone)]
struct Seg {
    /// Start in the expanded text.
    out: usize,
    /// Start in the body.
    src: usize,
    /// Copied verbatim (offsets inside map 1:1) or generated (map to `src`).
    verbatim: bool,
}

/// A document after expansion.
#[derive(Debug, Clone, Default)]
pub struct Expanded {
    pub text: String,
    segs: Vec<Seg>,
    /// Ids of the figures the page shows.
    pub figures: BTreeSet<String>,
    pub claims: Vec<ClaimRecord>,
    /// Deck directives, in order.
    pub marks: Vec<DeckMark>,
    /// Exercises of a sheet, in order.
    pub exercises: Vec<crate::sheets::ExerciseRecord>,
    pub problems: Vec<Diagnostic>,
}

impl Expanded {
    /// The body offset that expanded offset `at` came from.
    pub fn source_offset(&self, at: usize) -> usize {
        let i = self.segs.partition_point(|s| s.out <= at);
        match i.checked_sub(1).and_then(|i| self.segs.get(i)) {
            Some(s) if s.verbatim => s.src + (at - s.out),
            Some(s) => s.src,
            None => at,
        }
    }

    fn verbatim(&mut self, body: &str, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.segs.push(Seg {
            out: self.text.len(),
            src: range.start,
            verbatim: true,
        });
        self.text.push_str(&body[range]);
    }

    fn mark(&mut self, src: usize, kind: MarkKind) {
        self.marks.push(DeckMark {
            at: self.text.len(),
            src,
            kind,
        });
    }

    fn generated(&mut self, src: usize, text: &str) {
        self.segs.push(Seg {
            out: self.text.len(),
            src,
            verbatim: false,
        });
        self.text.push_str(text);
    }
}

/// Expands `doc`'s body. `an` = None only validates. A sheet's exercises
/// are expanded as variant 1 of the learner's sheet.
pub fn expand(doc: &Doc, an: Option<&Analyses>) -> Expanded {
    expand_sheet(
        doc,
        an,
        &crate::sheets::SheetCtx::first(an),
        &doc.out_path(),
    )
}

/// Expands `doc` for one variant and mode of a sheet, as the page `page`
/// (an output path: figures and links are relative to it).
pub fn expand_sheet(
    doc: &Doc,
    an: Option<&Analyses>,
    sheet: &crate::sheets::SheetCtx,
    page: &str,
) -> Expanded {
    let body = doc.body();
    let skip = code_ranges(body);
    let mut out = Expanded::default();
    let root = crate::markdown::root_of(page);
    let mut ctx = Ctx {
        doc,
        an,
        root: &root,
        inlined: BTreeSet::new(),
        shown: Default::default(),
        sheet: *sheet,
        exercises: Vec::new(),
    };
    ctx.expand_range(body, 0..body.len(), &skip, &mut out, false);
    out
}

struct Ctx<'a, 'b> {
    doc: &'a Doc,
    an: Option<&'a Analyses<'b>>,
    root: &'a str,
    inlined: BTreeSet<String>,
    /// How often each figure was shown so far on this page.
    shown: std::collections::BTreeMap<String, usize>,
    /// Which variant and mode a sheet is expanded for.
    sheet: crate::sheets::SheetCtx,
    /// The exercises so far, with their numbers.
    exercises: Vec<(crate::sheets::spec::ExSpec, usize)>,
}

impl Ctx<'_, '_> {
    fn fail(&self, out: &mut Expanded, f: Fail) {
        let mut d = self.doc.diag_at(f.at, f.message);
        d.hint = f.hint;
        out.problems.push(d);
    }

    fn expand_range(
        &mut self,
        body: &str,
        range: Range<usize>,
        skip: &[Range<usize>],
        out: &mut Expanded,
        nested: bool,
    ) {
        let (calls, errors) = scan(&body[range.clone()], &shift(skip, range.start));
        for e in errors {
            let mut f = Fail::new(range.start + e.at, e.message);
            f.hint = e.hint;
            self.fail(out, f);
        }
        let mut last = range.start;
        for mut call in calls {
            offset_call(&mut call, range.start);
            out.verbatim(body, last..call.range.start);
            last = call.range.end;
            if nested && call.body.is_some() {
                self.fail(
                    out,
                    Fail::new(
                        call.name_at,
                        "a block shortcode cannot be nested in another",
                    ),
                );
                continue;
            }
            let fails = validate(&call);
            if !fails.is_empty() {
                for f in fails {
                    self.fail(out, f);
                }
                continue;
            }
            if super::DECK_ONLY.contains(&call.name.as_str())
                && self.doc.front.kind != crate::content::Kind::Deck
            {
                self.fail(
                    out,
                    Fail::new(
                        call.name_at,
                        format!("`{}` belongs in a slide deck", call.name),
                    )
                    .hint("set kind = \"deck\" in the front matter, or remove it"),
                );
                continue;
            }
            if call.name == "exercise" && self.doc.front.kind != crate::content::Kind::Sheet {
                self.fail(
                    out,
                    Fail::new(call.name_at, "`exercise` belongs in an exercise sheet")
                        .hint("set kind = \"sheet\" in the front matter, or remove it"),
                );
                continue;
            }
            if call.name == "exercise" {
                let parts = match call
                    .body
                    .clone()
                    .map(|b| crate::sheets::spec::split_body(body, b))
                {
                    Some(Ok(p)) => p,
                    Some(Err(f)) => {
                        self.fail(out, f);
                        continue;
                    }
                    None => continue,
                };
                match self.an {
                    Some(an) => {
                        if let Err(f) = self.exercise(&call, an, body, skip, out, &parts) {
                            self.fail(out, f);
                        }
                    }
                    None => {
                        for r in [
                            Some(parts.question),
                            parts.hint,
                            parts.stretch,
                            parts.discussion,
                        ]
                        .into_iter()
                        .flatten()
                        {
                            self.expand_range(body, r, skip, out, true);
                        }
                    }
                }
                continue;
            }
            if matches!(
                call.name.as_str(),
                "notes" | "fragment" | "section" | "slide"
            ) {
                // Deck directives need no model: a static check reads them too.
                self.directive(&call, body, skip, out);
                continue;
            }
            let Some(an) = self.an else {
                // Static check: still look inside a block's body.
                if let Some(b) = call.body.clone() {
                    self.expand_range(body, b, skip, out, true);
                }
                continue;
            };
            if let Err(f) = self.evaluate(&call, an, body, skip, out) {
                self.fail(out, f);
            }
        }
        out.verbatim(body, last..range.end);
    }

    /// An exercise of a sheet: the question, the given numbers and answer
    /// boxes (or, in the key, the answer), hint, stretch and discussion.
    fn exercise(
        &mut self,
        call: &Call,
        an: &Analyses,
        body: &str,
        skip: &[Range<usize>],
        out: &mut Expanded,
        parts: &crate::sheets::spec::BodyParts,
    ) -> Result<(), Fail> {
        let number = self.exercises.len() + 1;
        let (r, spec) = crate::sheets::exercise(
            &Args(call),
            an,
            self.doc,
            &self.sheet,
            number,
            &self.exercises,
        )?;
        self.exercises.push((spec, number));
        let at = call.range.start;
        out.generated(at, &format!("\n{}\n\n", r.open));
        self.expand_range(body, parts.question.clone(), skip, out, true);
        out.generated(at, &format!("\n\n{}\n\n", r.after_question));
        let key = self.sheet.mode == crate::sheets::Mode::Key;
        for (range, class, label, shown) in [
            (&parts.hint, "exercise-hint", "Hint.", true),
            (&parts.stretch, "exercise-stretch", "Stretch.", true),
            (
                &parts.discussion,
                "exercise-discussion key-note",
                "For the debrief.",
                key,
            ),
        ] {
            if let (Some(range), true) = (range, shown) {
                out.generated(
                    range.start,
                    &format!("\n<aside class=\"{class}\">\n\n**{label}** "),
                );
                self.expand_range(body, range.clone(), skip, out, true);
                out.generated(range.end, "\n\n</aside>\n\n");
            }
        }
        out.generated(call.range.end, &format!("\n{}\n\n", r.close));
        out.exercises.push(r.record);
        Ok(())
    }

    /// `notes`, `fragment`, `section`, `slide`: markup and deck marks.
    fn directive(&mut self, call: &Call, body: &str, skip: &[Range<usize>], out: &mut Expanded) {
        let args = Args(call);
        let at = call.range.start;
        match call.name.as_str() {
            "notes" | "fragment" => {
                let class = match (call.name.as_str(), args.bool("items")) {
                    ("notes", _) => "<aside class=\"notes\">",
                    (_, Some(true)) => "<div class=\"fragment-items\">",
                    _ => "<div class=\"fragment\">",
                };
                let close = if call.name == "notes" {
                    "</aside>"
                } else {
                    "</div>"
                };
                out.generated(at, &format!("\n{class}\n\n"));
                if let Some(b) = call.body.clone() {
                    self.expand_range(body, b, skip, out, true);
                }
                out.generated(call.range.end, &format!("\n\n{close}\n\n"));
            }
            "section" => out.mark(
                at,
                MarkKind::Section {
                    minutes: args.int("minutes").unwrap_or(0).clamp(0, 1000) as u32,
                    title: args.str("title").map(str::to_string),
                    track: args.str("track").map(str::to_string),
                },
            ),
            "slide" => out.mark(
                at,
                MarkKind::Slide {
                    classes: args
                        .str("class")
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_string)
                        .collect(),
                    track: args.str("track").map(str::to_string),
                },
            ),
            _ => {}
        }
    }

    fn evaluate(
        &mut self,
        call: &Call,
        an: &Analyses,
        body: &str,
        skip: &[Range<usize>],
        out: &mut Expanded,
    ) -> Result<(), Fail> {
        let args = Args(call);
        let at = call.range.start;
        match call.name.as_str() {
            "figure" | "net" => {
                let fig = if call.name == "net" {
                    figure::net_figure(call, an)?
                } else {
                    figure::resolve(call, an)?
                };
                let inline = args.bool("inline") == Some(true);
                if inline && !self.inlined.insert(fig.id.clone()) {
                    return Err(Fail::new(
                        call.name_at,
                        format!("figure `{}` is inlined twice on this page", fig.id),
                    )
                    .hint("inline it once; its element ids would clash"));
                }
                out.figures.insert(fig.id.clone());
                let svg = an.svg_text(&fig);
                // A figure shown twice gets `fig-<id>-2` the second time.
                let n = self.shown.entry(fig.id.clone()).or_insert(0);
                *n += 1;
                let anchor = match *n {
                    1 => format!("fig-{}", fig.id),
                    n => format!("fig-{}-{n}", fig.id),
                };
                let html =
                    figure::html(&fig, &svg, self.root, args.str("caption"), inline, &anchor);
                out.generated(at, &format!("\n{html}\n\n"));
            }
            "value" => {
                let m = quantity::measure(call, an)?;
                let text = quantity::format(&m, &args)?;
                out.generated(at, &escape_attr(&text));
            }
            "claim" => {
                let (measured, contradiction) = quantity::check_claim(call, an)?;
                let (line, _) = crate::diag::line_col(&self.doc.text, self.doc.body_start + at);
                out.claims.push(ClaimRecord {
                    at: format!("{}/{}:{line}", crate::content::DIR, self.doc.rel),
                    claim: body[call.range.clone()].to_string(),
                    measured,
                    holds: contradiction.is_none(),
                });
                if let Some(why) = contradiction {
                    return Err(Fail::new(call.name_at, why).hint(
                        "the model no longer supports this sentence: rewrite it, or change the claim's bound",
                    ));
                }
            }
            "calc" => {
                let (open, close) = calc::render(&args, an)?;
                out.generated(at, &format!("\n{open}\n\n"));
                if let Some(b) = call.body.clone() {
                    self.expand_range(body, b, skip, out, true);
                }
                out.generated(call.range.end, &format!("\n\n{close}\n\n"));
            }
            "qr" => match &an.p.config.site.base_url {
                Some(url) => {
                    out.mark(at, MarkKind::Qr { drawn: true });
                    let html = crate::deck::qr_html(url).map_err(|e| Fail::new(call.name_at, e))?;
                    out.generated(at, &format!("\n{html}\n\n"));
                }
                None => out.mark(at, MarkKind::Qr { drawn: false }),
            },
            other => {
                return Err(Fail::new(
                    call.name_at,
                    format!("internal error: shortcode `{other}`"),
                ));
            }
        }
        Ok(())
    }
}

fn shift(skip: &[Range<usize>], by: usize) -> Vec<Range<usize>> {
    skip.iter()
        .filter(|r| r.end > by)
        .map(|r| r.start.saturating_sub(by)..r.end - by)
        .collect()
}

fn offset_call(call: &mut Call, by: usize) {
    call.name_at += by;
    call.range = call.range.start + by..call.range.end + by;
    call.body = call.body.clone().map(|b| b.start + by..b.end + by);
    for a in &mut call.args {
        a.name_at += by;
        a.value_at += by;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn static_expansion_reports_every_problem_at_its_line() {
        let text = "+++\ntitle = \"T\"\n+++\nIntro {{ valeu(of=\"x\") }}\n\n{{ figure(name=\"waterfal\", example=\"test:1\") }}\n\n{% calc(net=\"e\", input=\"a\") %}\n{{ value(of=\"hidden\", digit=\"3\") }}\n{% end %}\n";
        let doc =
            crate::content::parse(Path::new("content/t.md"), "t.md".into(), text.into()).unwrap();
        let e = expand(&doc, None);
        let got: Vec<String> = e
            .problems
            .iter()
            .map(|d| format!("{}:{}: {}", d.line.unwrap(), d.col.unwrap(), d.message))
            .collect();
        assert_eq!(
            got,
            [
                "4:10: unknown shortcode `valeu`",
                "6:16: unknown figure family `waterfal`",
                "9:29: `digit` must be an integer, not a string",
            ]
        );
    }

    #[test]
    fn source_map_points_back_into_the_body() {
        let mut e = Expanded::default();
        let body = "abc{{x}}def";
        e.verbatim(body, 0..3);
        e.generated(3, "GENERATED");
        e.verbatim(body, 8..11);
        assert_eq!(e.text, "abcGENERATEDdef");
        assert_eq!(e.source_offset(1), 1);
        assert_eq!(e.source_offset(5), 3);
        assert_eq!(e.source_offset(13), 9);
    }
}
