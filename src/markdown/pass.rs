//! The rendering pass: pulldown-cmark's events rewritten one by one (links
//! checked, math converted, network HTML reported), headings given ids and
//! anchor links, slide breaks marked, then written out as HTML.

use super::ids::{Ids, level_num, slugify};
use super::links::{check_link, network_src};
use super::math::math_event;
use super::{Heading, LinkContext, Problem, Rendered, escape_attr, options};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use std::ops::Range;

/// Renders `md`; with `slides`, top-level level-1 headings and `---` start
/// slides (see [`super::render_slides`]).
pub(super) fn render_with(md: &str, links: &LinkContext, slides: bool) -> Rendered {
    let mut r = Renderer {
        links,
        slides,
        out: Rendered::default(),
        depth: 0,
        slide_heading: false,
        math: math_core::LatexToMathML::new(math_core::MathCoreConfig::default()).ok(),
        ids: Ids::default(),
        events: Vec::new(),
        heading: None,
    };
    for (event, range) in Parser::new_ext(md, options()).into_offset_iter() {
        let event = r.rewrite(event, range.clone());
        r.place(event, range);
    }
    pulldown_cmark::html::push_html(&mut r.out.html, r.events.into_iter());
    r.out
}

/// The heading being read.
struct OpenHeading<'a> {
    level: HeadingLevel,
    /// The id written with `{#id}`, if any.
    explicit: Option<String>,
    /// The events inside the heading.
    inner: Vec<Event<'a>>,
    /// Its plain text.
    text: String,
}

/// The state of one rendering pass.
pub(super) struct Renderer<'a, 'l> {
    links: &'l LinkContext<'l>,
    /// Whether this is a deck (slide breaks are marked).
    slides: bool,
    pub(super) out: Rendered,
    /// Nesting of containers (quotes, lists, footnotes): breaks only at 0.
    depth: usize,
    /// Whether the heading being read starts a slide.
    pub(super) slide_heading: bool,
    math: Option<math_core::LatexToMathML>,
    ids: Ids,
    /// The events to write out.
    pub(super) events: Vec<Event<'a>>,
    heading: Option<OpenHeading<'a>>,
}

impl<'a> Renderer<'a, '_> {
    /// Checks links and images, converts math and reports HTML that loads
    /// from the network; other events pass unchanged.
    fn rewrite(&mut self, event: Event<'a>, range: Range<usize>) -> Event<'a> {
        let out = &mut self.out;
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = check_link(&dest_url, false, range.clone(), self.links, out);
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
                let dest = check_link(&dest_url, true, range.clone(), self.links, out);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                })
            }
            Event::InlineMath(tex) => math_event(&self.math, &tex, false, range.start + 1, out),
            Event::DisplayMath(tex) => math_event(&self.math, &tex, true, range.start + 2, out),
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
        }
    }

    /// Adds a rewritten event: to the open heading, or to the page, keeping
    /// track of container depth, headings and slide breaks.
    fn place(&mut self, event: Event<'a>, range: Range<usize>) {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::FootnoteDefinition(_)) => {
                self.depth += 1;
                self.events.push(event);
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::FootnoteDefinition) => {
                self.depth = self.depth.saturating_sub(1);
                self.events.push(event);
            }
            Event::Rule if self.slides && self.depth == 0 => self.break_at_rule(range.start),
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                self.slide_heading = self.slides && self.depth == 0 && level == HeadingLevel::H1;
                if self.slide_heading {
                    self.break_at_heading(&classes, &attrs, range.start);
                }
                self.heading = Some(OpenHeading {
                    level,
                    explicit: id.map(|s| s.to_string()),
                    inner: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => self.close_heading(),
            e => match self.heading.as_mut() {
                Some(h) => {
                    if let Event::Text(t) | Event::Code(t) = &e {
                        h.text.push_str(t);
                    }
                    h.inner.push(e);
                }
                None => self.events.push(e),
            },
        }
    }

    /// Writes the open heading with its id and anchor link (a slide's
    /// heading: a bare `<h1>`, its id going to the slide).
    fn close_heading(&mut self) {
        let Some(OpenHeading {
            level,
            explicit,
            inner,
            text,
        }) = self.heading.take()
        else {
            return;
        };
        let id = self.ids.claim(explicit.unwrap_or_else(|| slugify(&text)));
        let mut inner_html = String::new();
        pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
        let n = level_num(level);
        let esc = escape_attr(&id);
        self.events.push(Event::Html(CowStr::from(if self.slide_heading {
            format!("<h1>{inner_html}</h1>\n")
        } else {
            format!(
                "<h{n} id=\"{esc}\">{inner_html}<a class=\"anchor\" href=\"#{esc}\" aria-label=\"Link to this section\">#</a></h{n}>\n"
            )
        })));
        if self.slide_heading {
            self.name_slide(&id, &text);
        }
        self.slide_heading = false;
        self.out.headings.push(Heading { level: n, id, text });
    }
}
