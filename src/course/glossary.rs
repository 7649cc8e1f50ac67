//! Glossary links: the glossary page (`content/glossary.md`) defines each
//! term under a level-3 heading; on every other course page the first use
//! of each term in prose becomes a link to its definition. Prose means text
//! outside headings, links, code, math, figures, tables, buttons and
//! scripts; a term matches as a whole word (a letter, digit or `-` on
//! either side blocks it), in any case, and in the plural with `s`.
//!
//! A linked term carries its short definition (the first sentence under
//! its heading) as a popover, the same way a number carries its
//! derivation (`embeds::why`): shown on hover, focus or a tap, and the
//! link's accessible description. Text inside a popover is never linked.

use crate::markdown::Heading;

/// The glossary page's source path below `content/`.
pub(crate) const PAGE: &str = "glossary.md";

/// A term and the id of its definition.
#[derive(Debug, Clone)]
pub(crate) struct Term {
    pub text: String,
    pub id: String,
    /// The first sentence of its definition (HTML), if the page has one.
    pub short: Option<String>,
}

/// The terms the glossary page defines: its level-3 headings, with the
/// first sentence of the paragraph under each from the page's `html`.
pub(crate) fn terms(headings: &[Heading], html: &str) -> Vec<Term> {
    let mut terms: Vec<Term> = headings
        .iter()
        .filter(|h| h.level == 3 && !h.text.trim().is_empty())
        .map(|h| Term {
            text: h.text.trim().to_string(),
            id: h.id.clone(),
            short: short_definition(html, &h.id),
        })
        .collect();
    // Longest first, so "scaled value" wins over "value" where both start.
    terms.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then(a.text.cmp(&b.text)));
    terms
}

/// The first sentence of the first paragraph after the heading `id` in
/// `html`, links reduced to their text.
fn short_definition(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let after = &html[at..];
    let heading_end = after.find("</h3>")? + "</h3>".len();
    let after = &after[heading_end..];
    let p = after.find("<p>")?;
    // Only the paragraph right under the heading, not one further down.
    if after[..p].contains("<h") {
        return None;
    }
    let body = &after[p + 3..];
    let body = &body[..body.find("</p>")?];
    let mut out = String::new();
    let mut depth = 0usize;
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = &rest[..end];
            let name = tag.trim_start_matches(['<', '/']);
            if !(name.starts_with("a ") || name.starts_with("a>")) {
                out.push_str(tag);
            }
            if tag.starts_with("<math") {
                depth += 1;
            } else if tag.starts_with("</math") {
                depth = depth.saturating_sub(1);
            }
            rest = &rest[end..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
        if c == '.' && depth == 0 && (rest.is_empty() || rest.starts_with([' ', '\n'])) {
            break;
        }
    }
    let out = out.trim().to_string();
    (!out.is_empty()).then_some(out)
}

/// Elements whose text is not prose.
const SKIP: [&str; 17] = [
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "figure", "svg", "math", "table",
    "summary", "script", "style", "button",
];

/// The class of a popover's body (a number's derivation, a term's
/// definition): never linked.
const POPOVER: &str = "class=\"kvn-why\"";

/// Links the first use of each term in `html`'s prose to `href#id`.
pub(crate) fn link_terms(html: &str, terms: &[Term], href: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64 * terms.len());
    let mut linked = vec![false; terms.len()];
    let mut skip = 0usize;
    // Open spans, and whether each is a popover.
    let mut spans: Vec<bool> = Vec::new();
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
            if name == "span" && !tag.ends_with("/>") {
                if closing {
                    if spans.pop() == Some(true) {
                        skip = skip.saturating_sub(1);
                    }
                } else {
                    let popover = tag.contains(POPOVER);
                    spans.push(popover);
                    skip += usize::from(popover);
                }
            } else if SKIP.contains(&name.as_str()) && !tag.ends_with("/>") {
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
                let t = &terms[k];
                let word = &text[i..i + len];
                match &t.short {
                    Some(short) => out.push_str(&format!(
                        "<span class=\"kvn kvn-term\"><a class=\"term\" href=\"{href}#{id}\" aria-describedby=\"def-{id}\">{word}</a><span class=\"kvn-why\" id=\"def-{id}\">{short}</span></span>",
                        id = t.id
                    )),
                    None => out.push_str(&format!(
                        "<a class=\"term\" href=\"{href}#{}\">{word}</a>",
                        t.id
                    )),
                }
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
            short: None,
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
        // Never inside a popover or a number's button.
        let got = link_terms(
            "<p><span class=\"kvn\"><button>value</button><span class=\"kvn-why\" id=\"why-1\">The <span>lead</span> value.</span></span> lead</p>",
            &terms,
            "g.html",
        );
        assert_eq!(
            got,
            "<p><span class=\"kvn\"><button>value</button><span class=\"kvn-why\" id=\"why-1\">The <span>lead</span> value.</span></span> <a class=\"term\" href=\"g.html#lead\">lead</a></p>"
        );
    }

    #[test]
    fn a_term_carries_the_first_sentence_of_its_definition() {
        let html = "<h3 id=\"key\">key</h3>\n<p>Row <math><mi>i</mi></math> of W1: one weight per pixel. It is drawn as a <a href=\"x\">picture</a>.</p>\n<h3 id=\"odd\">odd</h3>\n<h4>x</h4><p>Not its own.</p>";
        let h = |id: &str| Heading {
            level: 3,
            text: id.into(),
            id: id.into(),
        };
        let terms = terms(&[h("key"), h("odd")], html);
        let key = terms.iter().find(|t| t.id == "key").unwrap();
        assert_eq!(
            key.short.as_deref(),
            Some("Row <math><mi>i</mi></math> of W1: one weight per pixel.")
        );
        assert_eq!(terms.iter().find(|t| t.id == "odd").unwrap().short, None);
        let got = link_terms("<p>A key.</p>", &terms, "g.html");
        assert_eq!(
            got,
            "<p>A <span class=\"kvn kvn-term\"><a class=\"term\" href=\"g.html#key\" aria-describedby=\"def-key\">key</a><span class=\"kvn-why\" id=\"def-key\">Row <math><mi>i</mi></math> of W1: one weight per pixel.</span></span>.</p>"
        );
    }
}
