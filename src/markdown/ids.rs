//! Heading ids: made from the heading's text (or written with `{#id}`),
//! made unique on the page with `-1`, `-2` … suffixes.

use super::{Heading, options};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::BTreeMap;

/// A heading id from its text: lower case, letters and digits kept, runs of
/// anything else become one `-`.
pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

/// The headings of `md` with the ids [`render`](super::render) gives them.
pub(crate) fn headings(md: &str) -> Vec<Heading> {
    let mut ids = Ids::default();
    let mut out = Vec::new();
    let mut current: Option<(u8, Option<String>, String)> = None;
    for event in Parser::new_ext(md, options()) {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                current = Some((level_num(level), id.map(|s| s.to_string()), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, text)) = current.take() {
                    let id = ids.claim(id.unwrap_or_else(|| slugify(&text)));
                    out.push(Heading { level, id, text });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// The ids given out on a page so far, with how often each was asked for.
#[derive(Default)]
pub(super) struct Ids(BTreeMap<String, usize>);

impl Ids {
    /// `id`, or `id-1`, `id-2` … when taken.
    pub(super) fn claim(&mut self, id: String) -> String {
        let n = self.0.entry(id.clone()).or_insert(0);
        let out = if *n == 0 { id } else { format!("{id}-{n}") };
        *n += 1;
        out
    }
}

/// The number of a heading level: 1 for `#`, 2 for `##` ….
pub(super) fn level_num(l: HeadingLevel) -> u8 {
    l as u8
}
