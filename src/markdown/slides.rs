//! Slide breaks of a deck: a top-level `---` or level-1 heading starts a
//! slide; a `\0` marks the break in the HTML and a [`SlideBreak`] says what
//! started it.

use super::Problem;
use super::pass::Renderer;
use pulldown_cmark::{CowStr, Event};

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

impl Renderer<'_, '_> {
    /// A `---` at `at` starts a slide; the rule itself is not drawn.
    pub(super) fn break_at_rule(&mut self, at: usize) {
        self.events.push(Event::Html(CowStr::from("\0")));
        self.out.breaks.push(SlideBreak {
            at,
            ..SlideBreak::default()
        });
    }

    /// A level-1 heading at `at` starts a slide; it may carry an id and
    /// classes but no other attributes.
    pub(super) fn break_at_heading(
        &mut self,
        classes: &[CowStr],
        attrs: &[(CowStr, Option<CowStr>)],
        at: usize,
    ) {
        if let Some((k, _)) = attrs.first() {
            self.out.problems.push(Problem {
                at,
                message: format!("a slide heading takes {{#id}} and {{.class}} only, not `{k}`"),
                hint: Some("set a slide's track with {{ slide(track=\"long\") }} on a line after the heading".into()),
            });
        }
        self.events.push(Event::Html(CowStr::from("\0")));
        self.out.breaks.push(SlideBreak {
            at,
            heading: None,
            classes: classes.iter().map(|c| c.to_string()).collect(),
        });
    }

    /// Gives the last slide break the id and text of its heading.
    pub(super) fn name_slide(&mut self, id: &str, text: &str) {
        if let Some(b) = self.out.breaks.last_mut() {
            b.heading = Some((id.to_string(), text.to_string()));
        }
    }
}
