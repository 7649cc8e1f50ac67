//! Glossary links: the glossary page (`content/glossary.md`) defines each
//! term under a level-3 heading; on every other course page the first use
//! of each term in prose becomes a link to its definition. Prose means text
//! outside headings, links, code, math, figures, tables, buttons and
//! scripts; a term matches as a whole word (a letter, digit or `-` on
//! either side blocks it), in any case, and in the plural with `s`.

use crate::markdown::Heading;

/// The glossary page's source path below `content/`.
pub(crate) const PAGE: &str = "glossary.md";

/// A term and the id of its definition.
#[derive(Debug, Clone)]
pub(crate) struct Term {
    pub text: String,
    pub id: String,
}

/// The terms the glossary page defines: its level-3 headings.
pub(crate) fn terms(headings: &[Heading]) -> Vec<Term> {
    let mut terms: Vec<Term> = headings
        .iter()
        .filter(|h| h.level == 3 && !h.text.trim().is_empty())
        .map(|h| Term {
            text: h.text.trim().to_string(),
            id: h.id.clone(),
        })
        .collect();
    // Longest first, so "scaled value" wins over "value" where both start.
    terms.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then(a.text.cmp(&b.text)));
    terms
}

/// Elements whose text is not prose.
const SKIP: [&str; 16] = [
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "figure", "svg", "math", "table",
    "summary", "script", "style",
];

/// Links the first use of each term in `html`'s prose to `href#id`.
pub(crate) fn link_terms(html: &str, terms: &[Term], href: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64 * terms.len());
    let mut linked = vec![false; terms.len()];
    let mut skip = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            let closing = tag.starts_with("</");
            let name: String = tag
                .trim_start_matches(['<', '/'])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if SKIP.contains(&name.as_str()) && !tag.ends_with("/>") {
                if closing {
                    skip = skip.saturating_sub(1);
                } else {
                    skip += 1;
                }
            }
            out.push_str(tag);
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        if skip == 0 {
            link_text(text, terms, &mut linked, href, &mut out);
        } else {
            out.push_str(text);
        }
        rest = &rest[end..];
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// The length of `term` (or its plural) at the start of `text`, if it is
/// a whole word there.
fn match_at(text: &str, term: &str) -> Option<usize> {
    let head = text.get(..term.len())?;
    if !head.eq_ignore_ascii_case(term) {
        return None;
    }
    let mut len = term.len();
    if text[len..].starts_with('s') {
        len += 1;
    }
    for l in [len, term.len()] {
        if !text[l..].chars().next().is_some_and(is_word) {
            return Some(l);
        }
    }
    None
}

fn link_text(text: &str, terms: &[Term], linked: &mut [bool], href: &str, out: &mut String) {
    let mut i = 0;
    let mut copied = 0;
    let mut prev: Option<char> = None;
    while let Some(c) = text[i..].chars().next() {
        // Not inside a word, nor inside an entity such as `&amp;`.
        let starts_word = !prev.is_some_and(|p| is_word(p) || p == '&' || p == '#');
        let hit = if starts_word {
            terms.iter().enumerate().find_map(|(k, term)| {
                (!linked[k])
                    .then(|| match_at(&text[i..], &term.text))
                    .flatten()
                    .map(|len| (k, len))
            })
        } else {
            None
        };
        match hit {
            Some((k, len)) => {
                linked[k] = true;
                out.push_str(&text[copied..i]);
                out.push_str(&format!(
                    "<a class=\"term\" href=\"{href}#{}\">{}</a>",
                    terms[k].id,
                    &text[i..i + len]
                ));
                i += len;
                copied = i;
                prev = text[..i].chars().next_back();
            }
            None => {
                prev = Some(c);
                i += c.len_utf8();
            }
        }
    }
    out.push_str(&text[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str, id: &str) -> Term {
        Term {
            text: text.into(),
            id: id.into(),
        }
    }

    #[test]
    fn first_use_in_prose_only() {
        let terms = vec![
            t("scaled value", "scaled-value"),
            t("value", "value"),
            t("lead", "lead"),
        ];
        let html = "<h2>The value</h2><p>Its <code>value</code> and key-value view. A value, then values; the scaled values lead. Leads.</p><figure>lead</figure>";
        let got = link_terms(html, &terms, "g.html");
        assert_eq!(
            got,
            "<h2>The value</h2><p>Its <code>value</code> and key-value view. A <a class=\"term\" href=\"g.html#value\">value</a>, then values; the <a class=\"term\" href=\"g.html#scaled-value\">scaled values</a> <a class=\"term\" href=\"g.html#lead\">lead</a>. Leads.</p><figure>lead</figure>"
        );
        // Whole words only; entities are left alone.
        let got = link_terms("<p>misleading &amp; valued</p>", &terms, "g.html");
        assert_eq!(got, "<p>misleading &amp; valued</p>");
    }
}
