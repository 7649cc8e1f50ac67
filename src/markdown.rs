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

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

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

/// Where a deck's next slide starts: a top-level `#` heading or `---`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SlideBreak {
    /// Byte offset in the rendered text.
    pub at: usize,
    /// The heading's id and plain text (None after `---`).
    pub heading: Option<(String, String)>,
    /// Classes written on the heading (`# Title {.columns}`).
    pub classes: Vec<String>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_MATH
        | Options::ENABLE_SMART_PUNCTUATION
}

/// A heading id from its text: lower case, letters and digits kept, runs of
/// anything else become one `-`.
pub fn slugify(text: &str) -> String {
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

/// The headings of `md` with the ids [`render`] gives them.
pub fn headings(md: &str) -> Vec<Heading> {
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

#[derive(Default)]
struct Ids(BTreeMap<String, usize>);

impl Ids {
    /// `id`, or `id-1`, `id-2` … when taken.
    fn claim(&mut self, id: String) -> String {
        let n = self.0.entry(id.clone()).or_insert(0);
        let out = if *n == 0 { id } else { format!("{id}-{n}") };
        *n += 1;
        out
    }
}

fn level_num(l: HeadingLevel) -> u8 {
    l as u8
}

/// Renders `md` (already expanded) to HTML, checking links against `links`.
pub fn render(md: &str, links: &LinkContext) -> Rendered {
    render_with(md, links, false)
}

/// Renders a deck: as [`render`], but every top-level level-1 heading and
/// every top-level `---` starts a slide. A `\0` marks each break in the HTML
/// (text cannot hold one: CommonMark turns NUL into U+FFFD), `breaks` says
/// what started it; the `---` itself is not drawn, and a slide heading keeps
/// its id for the slide (the `<h1>` gets none, and no anchor link).
pub fn render_slides(md: &str, links: &LinkContext) -> Rendered {
    render_with(md, links, true)
}

fn render_with(md: &str, links: &LinkContext, slides: bool) -> Rendered {
    let mut out = Rendered::default();
    // Nesting of containers (quotes, lists, footnotes): breaks only at 0.
    let mut depth = 0usize;
    // Whether the heading being read starts a slide.
    let mut slide_heading = false;
    let math = math_core::LatexToMathML::new(math_core::MathCoreConfig::default()).ok();
    let mut ids = Ids::default();
    let mut events: Vec<Event> = Vec::new();
    // Events of the heading being read: (level, explicit id, classes, events, text).
    let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event>, String)> = None;
    for (event, range) in Parser::new_ext(md, options()).into_offset_iter() {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = check_link(&dest_url, false, range.clone(), links, &mut out);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = check_link(&dest_url, true, range.clone(), links, &mut out);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                })
            }
            Event::InlineMath(tex) => math_event(&math, &tex, false, range.start + 1, &mut out),
            Event::DisplayMath(tex) => math_event(&math, &tex, true, range.start + 2, &mut out),
            Event::Html(h) | Event::InlineHtml(h) => {
                if let Some(at) = network_src(&h) {
                    out.problems.push(Problem {
                        at: range.start + at,
                        message: "this HTML loads a file from the network".into(),
                        hint: Some("no request may leave the page: put the file under content/ and use a relative path".into()),
                    });
                }
                Event::Html(h)
            }
            other => other,
        };
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::FootnoteDefinition(_)) => {
                depth += 1;
                events.push(event);
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::FootnoteDefinition) => {
                depth = depth.saturating_sub(1);
                events.push(event);
            }
            Event::Rule if slides && depth == 0 => {
                events.push(Event::Html(CowStr::from("\0")));
                out.breaks.push(SlideBreak {
                    at: range.start,
                    ..SlideBreak::default()
                });
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                slide_heading = slides && depth == 0 && level == HeadingLevel::H1;
                if slide_heading {
                    if let Some((k, _)) = attrs.first() {
                        out.problems.push(Problem {
                            at: range.start,
                            message: format!("a slide heading takes {{#id}} and {{.class}} only, not `{k}`"),
                            hint: Some("set a slide's track with {{ slide(track=\"long\") }} on a line after the heading".into()),
                        });
                    }
                    events.push(Event::Html(CowStr::from("\0")));
                    out.breaks.push(SlideBreak {
                        at: range.start,
                        heading: None,
                        classes: classes.iter().map(|c| c.to_string()).collect(),
                    });
                }
                heading = Some((level, id.map(|s| s.to_string()), Vec::new(), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, inner, text)) = heading.take() {
                    let id = ids.claim(explicit.unwrap_or_else(|| slugify(&text)));
                    let mut inner_html = String::new();
                    pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
                    let n = level_num(level);
                    let esc = escape_attr(&id);
                    events.push(Event::Html(CowStr::from(if slide_heading {
                        format!("<h1>{inner_html}</h1>\n")
                    } else {
                        format!(
                            "<h{n} id=\"{esc}\">{inner_html}<a class=\"anchor\" href=\"#{esc}\" aria-label=\"Link to this section\">#</a></h{n}>\n"
                        )
                    })));
                    if slide_heading && let Some(b) = out.breaks.last_mut() {
                        b.heading = Some((id.clone(), text.clone()));
                    }
                    slide_heading = false;
                    out.headings.push(Heading { level: n, id, text });
                }
            }
            e => match heading.as_mut() {
                Some((_, _, inner, text)) => {
                    if let Event::Text(t) | Event::Code(t) = &e {
                        text.push_str(t);
                    }
                    inner.push(e);
                }
                None => events.push(e),
            },
        }
    }
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out
}

fn math_event<'a>(
    conv: &Option<math_core::LatexToMathML>,
    tex: &str,
    display: bool,
    at: usize,
    out: &mut Rendered,
) -> Event<'a> {
    let mode = if display {
        math_core::MathDisplay::Block
    } else {
        math_core::MathDisplay::Inline
    };
    let result = match conv {
        Some(c) => c
            .convert_with_local_state(tex, mode)
            .map_err(|e| (e.0.start, e.error_message())),
        None => Err((0, "the math converter could not start".to_string())),
    };
    match result {
        Ok(r) => Event::Html(CowStr::from(r.mathml)),
        Err((offset, message)) => {
            out.problems.push(Problem {
                at: at + offset.min(tex.len()),
                message: format!("math: {message}"),
                hint: Some("math is LaTeX between $…$ (inline) or $$…$$ (display)".into()),
            });
            Event::Html(CowStr::from(format!(
                "<code class=\"math-error\">{}</code>",
                escape_attr(tex)
            )))
        }
    }
}

/// Offset of a `src=` attribute that points at the network, if any.
fn network_src(html: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    for pat in ["src=\"http", "src='http", "src=\"//", "src='//"] {
        if let Some(i) = lower.find(pat) {
            return Some(i);
        }
    }
    None
}

pub fn escape_attr(s: &str) -> String {
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

/// The relative URL from page `from` to site file `to` (both output paths).
pub fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len() - 1);
    let mut out = "../".repeat(from_dirs.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

/// `../` repeated to reach the site root from `page` ("." at the top).
pub fn root_of(page: &str) -> String {
    let depth = page.matches('/').count();
    if depth == 0 {
        ".".to_string()
    } else {
        vec![".."; depth].join("/")
    }
}

/// Joins a relative URL path onto the folder of `page`; `None` if it climbs
/// above the site root.
fn join(page: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn has_scheme(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
        && !url[..colon].contains('/')
}

fn check_link<'a>(
    dest: &CowStr<'a>,
    image: bool,
    range: Range<usize>,
    links: &LinkContext,
    out: &mut Rendered,
) -> CowStr<'a> {
    let at = range.start;
    let mut problem = |message: String, hint: &str| {
        out.problems.push(Problem {
            at,
            message,
            hint: Some(hint.to_string()),
        })
    };
    let url: &str = dest;
    if let Some(target) = url.strip_prefix("@/") {
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (target, None),
        };
        let Some((out_path, ids)) = links.docs.get(path) else {
            let hint = match crate::diag::did_you_mean(path, links.docs.keys().map(String::as_str))
            {
                Some(s) => format!("did you mean `@/{s}`?"),
                None => "link by the path below content/, e.g. `@/key-value-view.md`".to_string(),
            };
            problem(format!("no page `{path}` in content/"), &hint);
            return dest.clone();
        };
        if links.drafts.contains(path) && !links.page_is_draft {
            problem(
                format!("`{path}` is a draft and is not published"),
                "publish it (draft = false) or remove the link",
            );
        }
        if let Some(a) = anchor
            && !ids.contains(a)
        {
            let hint = match crate::diag::did_you_mean(a, ids.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `#{s}`?"),
                None => format!(
                    "headings of `{path}` have ids: {}",
                    ids.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            };
            problem(format!("no heading `#{a}` in `{path}`"), &hint);
        }
        let mut href = relative(links.page, out_path);
        if let Some(a) = anchor {
            href.push('#');
            href.push_str(a);
        }
        return CowStr::from(href);
    }
    if let Some(a) = url.strip_prefix('#') {
        if !a.is_empty() && !links.own_ids.contains(a) {
            problem(
                format!("no heading `#{a}` on this page"),
                "anchors are heading ids; see the page's headings",
            );
        }
        return dest.clone();
    }
    if has_scheme(url) || url.starts_with("//") {
        let web =
            url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//");
        if web && image {
            problem(
                format!("image `{url}` would be loaded from the network"),
                "no request may leave the page: put the file under content/ and use a relative path",
            );
        } else if web {
            out.external.push((url.to_string(), at));
        }
        return dest.clone();
    }
    if url.starts_with('/') {
        problem(
            format!("`{url}` is an absolute path"),
            "the site must work from file:// and under any sub-path: link pages with `@/page.md`, files with a relative path",
        );
        return dest.clone();
    }
    let path = url.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() {
        return dest.clone();
    }
    match join(links.page, path) {
        Some(p) if links.files.contains(&p) || links.files.contains(&format!("{p}/index.html")) => {
        }
        _ => problem(
            format!("`{url}` is not a file of the built site"),
            "link pages with `@/page.md`; other files by a path relative to this page",
        ),
    }
    dest.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx_render(md: &str, page: &str) -> Rendered {
        let mut docs = BTreeMap::new();
        docs.insert(
            "key-value-view.md".to_string(),
            (
                "key-value-view.html".to_string(),
                BTreeSet::from(["why-it-is-exact".to_string()]),
            ),
        );
        docs.insert(
            "sheets/one.md".to_string(),
            ("sheets/one.html".to_string(), BTreeSet::new()),
        );
        let files = BTreeSet::from([
            "figures/a.svg".to_string(),
            "key-value-view.html".to_string(),
            "sheets/one.html".to_string(),
            "figures/index.html".to_string(),
        ]);
        render(
            md,
            &LinkContext {
                page,
                docs: &docs,
                files: &files,
                drafts: &BTreeSet::new(),
                page_is_draft: false,
                own_ids: &headings(md).into_iter().map(|h| h.id).collect(),
            },
        )
    }

    #[test]
    fn headings_get_ids_anchors_and_dedupe() {
        let r = ctx_render(
            "# Keys & values\n\n## Why it is *exact*\n\n## Why it is exact\n\n## Own {#mine}\n",
            "x.html",
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "keys-values",
                "why-it-is-exact",
                "why-it-is-exact-1",
                "mine"
            ]
        );
        assert!(r.html.contains("<h2 id=\"why-it-is-exact\">Why it is <em>exact</em><a class=\"anchor\" href=\"#why-it-is-exact\""), "{}", r.html);
        assert_eq!(headings("## Own {#mine}\n")[0].id, "mine");
        assert_eq!(slugify("  Ça va? 2×2 — net "), "ça-va-22-net");
    }

    #[test]
    fn source_links_become_relative_and_unknown_targets_are_problems() {
        let md = "[a](@/key-value-view.md#why-it-is-exact) [b](@/sheets/one.md) [c](@/nope.md) [d](@/key-value-view.md#why-its-exact) [e](#here)\n\n## Here\n\n[f](figures/a.svg) [g](/abs.html) [h](missing.svg) [i](https://example.org/x) ![j](https://example.org/p.png)";
        let r = ctx_render(md, "sheets/two.html");
        assert!(
            r.html
                .contains("href=\"../key-value-view.html#why-it-is-exact\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"one.html\""), "{}", r.html);
        let msgs: Vec<_> = r.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "no page `nope.md` in content/",
                "no heading `#why-its-exact` in `key-value-view.md`",
                "`figures/a.svg` is not a file of the built site",
                "`/abs.html` is an absolute path",
                "`missing.svg` is not a file of the built site",
                "image `https://example.org/p.png` would be loaded from the network",
            ]
        );
        assert_eq!(
            r.problems[1].hint.as_deref(),
            Some("did you mean `#why-it-is-exact`?")
        );
        assert_eq!(&md[r.problems[0].at..][..3], "[c]");
        assert_eq!(
            r.external,
            vec![("https://example.org/x".to_string(), md.find("[i]").unwrap())]
        );
        let r = ctx_render("[f](figures/a.svg) [x](../figures/index.html)", "x.html");
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    }

    #[test]
    fn math_becomes_mathml_and_bad_math_is_a_problem_at_its_offset() {
        let r = ctx_render("Here $k_i \\cdot x$ and\n\n$$\\sum_i a_i v_i$$\n", "x.html");
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(
            r.html.contains("<math>") || r.html.contains("<math "),
            "{}",
            r.html
        );
        assert!(r.html.contains("display=\"block\""), "{}", r.html);
        let md = "Bad $\\frac{1}$ here";
        let r = ctx_render(md, "x.html");
        assert_eq!(r.problems.len(), 1);
        assert!(
            r.problems[0].message.starts_with("math: "),
            "{:?}",
            r.problems
        );
        assert!(r.problems[0].at >= md.find('$').unwrap());
    }

    #[test]
    fn tables_footnotes_strikethrough_and_raw_html_from_the_network() {
        let r = ctx_render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1] ~~old~~\n\n[^1]: A footnote.\n\n<img src=\"https://x.org/a.png\">\n",
            "x.html",
        );
        assert!(
            r.html.contains("<table>")
                && r.html.contains("<del>old</del>")
                && r.html.contains("footnote"),
            "{}",
            r.html
        );
        assert_eq!(r.problems.len(), 1);
        assert!(r.problems[0].message.contains("network"));
    }

    #[test]
    fn relative_paths_between_pages() {
        assert_eq!(relative("a.html", "b.html"), "b.html");
        assert_eq!(relative("s/a.html", "b.html"), "../b.html");
        assert_eq!(relative("s/a.html", "s/b.html"), "b.html");
        assert_eq!(relative("a.html", "s/t/b.html"), "s/t/b.html");
        assert_eq!(relative("s/x/a.html", "s/y/b.html"), "../y/b.html");
        assert_eq!(root_of("a.html"), ".");
        assert_eq!(root_of("s/x/a.html"), "../..");
    }
}
