//! Markdown → HTML with pulldown-cmark: tables, footnotes, strikethrough,
//! smart punctuation, heading ids with anchor links, math turned into MathML
//! at build time (math-core; no JavaScript, no CDN), and link checking.
//!
//! Runs after shortcode expansion. Every problem is reported at a byte
//! offset of the text it was given; the caller maps it back to the source
//! file. Authors link to pages by source path (`@/key-value-view.md#anchor`);
//! relative links must name a file of the built site; absolute paths are
//! refused (the site must work under any sub-path and from `file://`);
//! images from the network are refused (no request may leave the page), and
//! links to the web are collected so `check` can list them.
//!
//! The parts: `pass` (the rendering pass over the events), `ids` (heading ids),
//! `links` (link checking and relative paths), `math` (LaTeX to MathML) and
//! `slides` (where a deck's slides start).

mod ids;
mod links;
mod math;
mod pass;
mod slides;
#[cfg(test)]
mod tests;

pub(crate) use ids::headings;
pub(crate) use links::{relative, root_of};
pub(crate) use slides::SlideBreak;

use pulldown_cmark::Options;
use std::collections::{BTreeMap, BTreeSet};

/// One heading of a page.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// Plain text of the heading.
    pub text: String,
}

/// A problem at a byte offset of the rendered text.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub at: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// What links are checked against.
pub struct LinkContext<'a> {
    /// The page's own output path (`a/b.html`).
    pub page: &'a str,
    /// Source path below content/ → (output path, heading ids).
    pub docs: &'a BTreeMap<String, (String, BTreeSet<String>)>,
    /// Every file of the built site (output paths).
    pub files: &'a BTreeSet<String>,
    /// Source paths of draft documents (not published).
    pub drafts: &'a BTreeSet<String>,
    /// Whether the page being rendered is itself a draft.
    pub page_is_draft: bool,
    /// Heading ids of the page itself (from [`headings`], for `#anchor` links).
    pub own_ids: &'a BTreeSet<String>,
}

/// The rendered page.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Links to the web: (URL, byte offset).
    pub external: Vec<(String, usize)>,
    pub problems: Vec<Problem>,
    /// Slide breaks ([`render_slides`] only); each is a `\0` in `html`.
    pub breaks: Vec<SlideBreak>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_MATH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders `md` (already expanded) to HTML, checking links against `links`.
pub(crate) fn render(md: &str, links: &LinkContext) -> Rendered {
    pass::render_with(md, links, false)
}

/// Renders a deck: as [`render`], but every top-level level-1 heading and
/// every top-level `---` starts a slide. A `\0` marks each break in the HTML
/// (text cannot hold one: CommonMark turns NUL into U+FFFD), `breaks` says
/// what started it; the `---` itself is not drawn, and a slide heading keeps
/// its id for the slide (the `<h1>` gets none, and no anchor link).
pub(crate) fn render_slides(md: &str, links: &LinkContext) -> Rendered {
    pass::render_with(md, links, true)
}

/// Escapes `&`, `<`, `>`, `"` and `'` for HTML text and attribute values.
pub(crate) fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
