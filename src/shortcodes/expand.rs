//! Expansion: a document's body with every shortcode replaced by its
//! output, plus a source map so pulldown-cmark's offsets in the expanded
//! text still name the author's `file:line:col`.
//!
//! The engine scans, validates against the registered specs, checks that a
//! call stands in a document of the kind its set belongs in, and hands the
//! call to its set ([`super::Shortcodes::expand`]) with a [`Cx`] to write
//! through. What a set records while expanding a document (figures shown,
//! claims judged, deck marks, exercises) is its own typed [`State`], kept
//! in the [`Expanded`] result.

use super::{Fail, Registry};
use crate::analysis::Analyses;
use crate::content::Doc;
use crate::diag::Diagnostic;
use crate::shortcode::{Call, code_ranges, scan};
use std::any::{Any, TypeId};
use std::collections::BTreeMap;
use std::ops::Range;

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

/// What the shortcode sets record while expanding one document, one value
/// per type (each set keeps its own types).
#[derive(Default)]
pub struct State(BTreeMap<TypeId, Box<dyn Any>>);

impl State {
    /// Seeds a value before expansion (e.g. which variant a sheet is for).
    pub fn with<T: 'static>(mut self, value: T) -> State {
        self.0.insert(TypeId::of::<T>(), Box::new(value));
        self
    }

    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.0.get(&TypeId::of::<T>())?.downcast_ref()
    }

    /// The value of type `T`, made by `init` the first time.
    pub fn get_or<T: 'static>(&mut self, init: impl FnOnce() -> T) -> &mut T {
        let slot = self
            .0
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(init()));
        match slot.downcast_mut::<T>() {
            Some(t) => t,
            None => unreachable!("State is keyed by TypeId"),
        }
    }
}

/// A document after expansion.
#[derive(Default)]
pub struct Expanded {
    pub text: String,
    segs: Vec<Seg>,
    /// What the sets recorded (see [`State`]).
    pub state: State,
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

    /// A problem markdown found in the expanded text, at the author's
    /// `file:line:col` in `doc`.
    pub fn diagnostic(&self, doc: &Doc, p: crate::markdown::Problem) -> Diagnostic {
        let mut d = doc.diag_at(self.source_offset(p.at), p.message);
        d.hint = p.hint;
        d
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

    /// A call alone on its line(s) that rendered nothing (a `claim`)
    /// leaves a line of blanks, which would split the paragraph around it.
    /// Drops that line (the blanks already copied before the call and the
    /// line break after it) when the lines on both sides hold text and the
    /// line after could not turn the one before into a heading (`---`,
    /// `===`: a setext underline). Returns where copying resumes.
    fn drop_empty_line(&mut self, body: &str, call: &Call, end: usize) -> usize {
        let resume = call.range.end;
        let rest = &body[resume..end];
        let Some(nl) = rest.find('\n') else {
            return resume;
        };
        let after = resume + nl + 1;
        let next = body[after..end].split('\n').next().unwrap_or("");
        let line_start = self.text.rfind('\n').map_or(0, |i| i + 1);
        if !self.text[line_start..].trim().is_empty() {
            return resume;
        }
        let prev_end = line_start.saturating_sub(1);
        let prev_start = self.text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
        let prev = self.text.get(prev_start..prev_end).unwrap_or("");
        if line_start == 0 || prev.trim().is_empty() || !joins_paragraph(next) {
            return resume;
        }
        self.text.truncate(line_start);
        while self.segs.last().is_some_and(|s| s.out >= line_start) {
            self.segs.pop();
        }
        after
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

/// Expands `doc`'s body as the page `page` (an output path: figures and
/// links are relative to it) with the sets of `codes`. `an` = None only
/// validates. `state` seeds the sets' state.
pub fn expand(
    doc: &Doc,
    an: Option<&Analyses>,
    page: &str,
    codes: Registry,
    state: State,
) -> Expanded {
    let body = doc.body();
    let skip = code_ranges(body);
    let mut out = Expanded {
        state,
        ..Expanded::default()
    };
    let root = crate::markdown::root_of(page);
    let ctx = Ctx {
        doc,
        an,
        root: &root,
        codes,
    };
    ctx.expand_range(body, 0..body.len(), &skip, &mut out, false);
    out
}

struct Ctx<'a, 'b> {
    doc: &'a Doc,
    an: Option<&'a Analyses<'b>>,
    root: &'a str,
    codes: Registry<'a>,
}

impl Ctx<'_, '_> {
    fn fail(&self, out: &mut Expanded, f: Fail) {
        let mut d = self.doc.diag_at(f.at, f.message);
        d.hint = f.hint;
        out.problems.push(d);
    }

    fn expand_range(
        &self,
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
            let fails = self.codes.validate(&call);
            if !fails.is_empty() {
                for f in fails {
                    self.fail(out, f);
                }
                continue;
            }
            let Some((_, set)) = self.codes.find(&call.name) else {
                continue; // reported by validate
            };
            if let Some(kind) = set.only_in()
                && self.doc.front.kind != kind
            {
                self.fail(
                    out,
                    Fail::new(
                        call.name_at,
                        format!("`{}` belongs in {}", call.name, kind.noun()),
                    )
                    .hint(format!(
                        "set kind = \"{}\" in the front matter, or remove it",
                        kind.name()
                    )),
                );
                continue;
            }
            let before = out.text.len();
            let mut cx = Cx {
                ctx: self,
                out: &mut *out,
                body,
                skip,
            };
            if let Err(f) = set.expand(&call, &mut cx) {
                self.fail(out, f);
            }
            if call.alone && out.text.len() == before {
                last = out.drop_empty_line(body, &call, range.end);
            }
        }
        out.verbatim(body, last..range.end);
    }
}

/// What a shortcode set sees of the expansion it takes part in.
pub struct Cx<'x, 'a, 'b> {
    ctx: &'x Ctx<'a, 'b>,
    out: &'x mut Expanded,
    body: &'x str,
    skip: &'x [Range<usize>],
}

impl<'a, 'b> Cx<'_, 'a, 'b> {
    pub fn doc(&self) -> &'a Doc {
        self.ctx.doc
    }

    /// The analyses (None in a static check).
    pub fn an(&self) -> Option<&'a Analyses<'b>> {
        self.ctx.an
    }

    /// The page's way back to the site root (`.`, `..` …).
    pub fn root(&self) -> &'a str {
        self.ctx.root
    }

    /// The document's body.
    pub fn body(&self) -> &str {
        self.body
    }

    /// The length of the expanded text so far (where the next output goes).
    pub fn offset(&self) -> usize {
        self.out.text.len()
    }

    /// Writes generated text, mapped to body offset `src`.
    pub fn generated(&mut self, src: usize, text: &str) {
        self.out.generated(src, text);
    }

    /// Expands a range of the body in place (a block's body, or a part of
    /// it); block shortcodes are refused inside.
    pub fn expand_nested(&mut self, range: Range<usize>) {
        self.ctx
            .expand_range(self.body, range, self.skip, self.out, true);
    }

    /// Reports a problem and goes on.
    pub fn fail(&mut self, f: Fail) {
        self.ctx.fail(self.out, f);
    }

    /// The set's state of type `T` for this document.
    pub fn state<T: 'static>(&mut self, init: impl FnOnce() -> T) -> &mut T {
        self.out.state.get_or(init)
    }
}

/// Whether `line`, put right under a line of paragraph text, continues or
/// follows it as it would after the author's line break: it holds text and
/// is not a setext underline (`---`, `===`), which would make the line
/// above a heading, nor a table's delimiter row, which would make it a
/// table header.
pub(crate) fn joins_paragraph(line: &str) -> bool {
    let t = line.trim();
    let underline = t
        .chars()
        .all(|c| c == '-' || c == '=' || c == ' ' || c == '\t');
    // `|---|:--|`: a table's delimiter row would make the line above its header.
    let delimiter_row = t.contains('-') && t.chars().all(|c| "|-: \t".contains(c));
    !t.is_empty() && !underline && !delimiter_row
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

    struct Nothing;
    impl super::super::Shortcodes for Nothing {
        fn specs(&self) -> &'static [super::super::Spec] {
            &[super::super::Spec {
                name: "quiet",
                block: false,
                alone: false,
                summary: "renders nothing",
                required: &[],
                groups: &[],
            }]
        }
        fn expand(&self, _: &Call, _: &mut Cx) -> Result<(), Fail> {
            Ok(())
        }
    }

    fn expanded(body: &str) -> String {
        let text = format!("+++\ntitle = \"T\"\n+++\n{body}");
        let doc = crate::content::parse(std::path::Path::new("content/t.md"), "t.md".into(), text)
            .unwrap();
        let e = expand(
            &doc,
            None,
            "t.html",
            Registry { sets: &[&Nothing] },
            State::default(),
        );
        assert!(e.problems.is_empty(), "{:?}", e.problems);
        e.text
    }

    #[test]
    fn a_silent_call_alone_on_its_line_keeps_the_paragraph_whole() {
        assert_eq!(expanded("one\n{{ quiet() }}\ntwo\n"), "one\ntwo\n");
        assert_eq!(
            expanded("one\n  {{ quiet() }}\n{{ quiet() }}\ntwo\n"),
            "one\ntwo\n"
        );
        // Guarded: a setext underline, a blank line or a page edge stay.
        assert_eq!(expanded("one\n{{ quiet() }}\n---\n"), "one\n\n---\n");
        assert_eq!(
            expanded("one\n{{ quiet() }}\n| --- | :-: |\n"),
            "one\n\n| --- | :-: |\n"
        );
        assert_eq!(expanded("one\n{{ quiet() }}\n\ntwo\n"), "one\n\n\ntwo\n");
        assert_eq!(expanded("{{ quiet() }}\ntwo\n"), "\ntwo\n");
        assert_eq!(expanded("one {{ quiet() }}\ntwo\n"), "one \ntwo\n");
        assert_eq!(expanded("one\n{{ quiet() }}"), "one\n");
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
