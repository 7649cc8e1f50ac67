//! The guide's likely questions and misconceptions: the usual wrong
//! answers of every sheet exercise (with what each reveals and its partial
//! credit, as the marking key has them) and the course's predict-then-reveal
//! questions with the first paragraph of their answers.
//!
//! Stage: (the sheets' and pages' first-pass expansions) → HTML snippets.

use crate::content::Kind;
use crate::embeds::Predictions;
use crate::product::Site;
use crate::sheets::product::SheetState;
use serde::Serialize;

/// One usual wrong answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Slip {
    /// As a learner writes it (on variant 1).
    pub answer: String,
    /// What produces it and what it reveals (HTML).
    pub why: String,
    pub credit: Option<u32>,
}

/// An exercise's usual wrong answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ExerciseSlips {
    pub number: usize,
    pub title: String,
    /// The exercise's points (a slip's credit is out of these).
    pub points: u32,
    pub slips: Vec<Slip>,
}

/// A sheet's usual wrong answers, exercise by exercise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SheetSlips {
    pub title: String,
    pub exercises: Vec<ExerciseSlips>,
}

/// A predict-then-reveal question of a course page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Question {
    /// What it is about: "network “exercise”, input b".
    pub about: String,
    /// The question (HTML, links dropped).
    pub prompt: String,
    /// The first paragraph of its answer (HTML, links dropped).
    pub answer: String,
}

/// A course page's questions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PageQuestions {
    pub title: String,
    /// The page below `public/`.
    pub href: String,
    pub questions: Vec<Question>,
}

/// Every sheet's usual wrong answers (variant 1's numbers).
pub(crate) fn sheet_slips(site: &Site) -> Vec<SheetSlips> {
    site.docs_of(Kind::Sheet)
        .filter(|e| !e.doc.front.draft)
        .filter_map(|e| {
            let state = e.expanded.state.get::<SheetState>()?;
            let exercises: Vec<ExerciseSlips> = state
                .records
                .iter()
                .filter(|r| !r.marking.slips.is_empty())
                .map(|r| ExerciseSlips {
                    number: r.number,
                    title: r.title.clone(),
                    points: r.marking.points(),
                    slips: r
                        .marking
                        .slips
                        .iter()
                        .map(|s| Slip {
                            answer: s.answer.clone(),
                            why: inline(&s.why),
                            credit: s.credit,
                        })
                        .collect(),
                })
                .collect();
            (!exercises.is_empty()).then(|| SheetSlips {
                title: e.doc.front.title.clone(),
                exercises,
            })
        })
        .collect()
}

/// Every course page's predict-then-reveal questions, in content order.
pub(crate) fn page_questions(site: &Site) -> Vec<PageQuestions> {
    site.docs_of(Kind::Page)
        .filter(|e| !e.doc.front.draft)
        .filter_map(|e| {
            let p = e.expanded.state.get::<Predictions>()?;
            let text = &e.expanded.text;
            let questions: Vec<Question> =
                p.0.iter()
                    .filter_map(|q| {
                        // Only questions the page asks people to predict (a
                        // worked calculation with an answer is not one).
                        // Numbers quoted without their popovers.
                        let plain = |r: std::ops::Range<usize>| {
                            text.get(r).map(crate::embeds::why::plain_numbers)
                        };
                        let prompt = drop_lead(&first_paragraph(&plain(q.prompt.clone())?))?;
                        let answer = first_paragraph(&plain(q.answer.clone())?);
                        Some(Question {
                            about: format!("network “{}”, input {}", q.net, q.input),
                            prompt: inline(&prompt),
                            answer: inline(&answer),
                        })
                    })
                    .filter(|q| !q.prompt.is_empty() && !q.answer.is_empty())
                    .collect();
            (!questions.is_empty()).then(|| PageQuestions {
                title: e.doc.front.title.clone(),
                href: e.doc.out_path(),
                questions,
            })
        })
        .collect()
}

/// A predict-then-reveal moment of the slides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SlideQuestion {
    pub slide: usize,
    pub title: String,
    /// The paragraph before the revealed part (or the slide's title).
    pub question: String,
    /// What the key press reveals, as text.
    pub answer: String,
}

/// Every `fragment()` (not `items=true`) of the built deck, with the
/// paragraph before it as its question.
pub(crate) fn slide_questions(deck: &crate::deck::Deck) -> Vec<SlideQuestion> {
    const OPEN: &str = "<div class=\"fragment\">";
    let mut out = Vec::new();
    for sl in &deck.slides {
        let html = match sl.html.find("<aside class=\"notes\">") {
            Some(i) => &sl.html[..i],
            None => sl.html.as_str(),
        };
        let mut from = 0;
        while let Some(i) = html[from..].find(OPEN).map(|i| i + from) {
            let body = &html[i + OPEN.len()..];
            let end = body.find("</div>").unwrap_or(body.len());
            let before = &html[from..i];
            let question = before
                .rfind("<p>")
                .map(|p| text_of(&before[p..]))
                .filter(|t| !t.is_empty() && *t != sl.title)
                .unwrap_or_default();
            let answer = text_of(&body[..end]);
            if !answer.is_empty() {
                out.push(SlideQuestion {
                    slide: sl.number,
                    title: sl.title.clone(),
                    question,
                    answer,
                });
            }
            from = i + OPEN.len() + end;
        }
    }
    out
}

/// The text of an HTML fragment: tags dropped (figures and MathML's
/// annotations with them), the common entities decoded, spaces collapsed.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tag_end = rest[i..].find('>').map_or(rest.len(), |j| i + j + 1);
        let tag = &rest[i..tag_end];
        // Whole elements that are not prose are skipped.
        let skip = ["<figure", "<svg", "<annotation", "<script", "<style"]
            .iter()
            .find(|t| tag.starts_with(**t));
        rest = &rest[tag_end..];
        if let Some(t) = skip {
            let close = format!("</{}>", &t[1..]);
            rest = rest.find(&close).map_or("", |j| &rest[j + close.len()..]);
        } else if tag.starts_with("</p") || tag.starts_with("<br") || tag.starts_with("</li") {
            out.push(' ');
        } else if tag.starts_with("</td") || tag.starts_with("</th") {
            out.push_str(" · ");
        } else if tag.starts_with("</tr") {
            out.push_str("; ");
        }
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first paragraph of markdown text (up to a blank line).
fn first_paragraph(md: &str) -> String {
    md.trim()
        .split("\n\n")
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

/// A predict prompt without its bold lead-in (`**Predict.**`, `**Predict
/// before you open the answer.**`); `None` when it has none.
fn drop_lead(md: &str) -> Option<String> {
    let rest = md.trim_start().strip_prefix("**Predict")?;
    let end = rest.find("**")?;
    Some(rest[end + 2..].trim_start().to_string())
}

/// Inline markdown as HTML without links (their targets are relative to
/// another page) and without the enclosing paragraph.
pub(crate) fn inline(md: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let events = Parser::new_ext(md, Options::ENABLE_MATH).filter(|e| {
        !matches!(
            e,
            Event::Start(Tag::Link { .. } | Tag::Paragraph)
                | Event::End(TagEnd::Link | TagEnd::Paragraph)
        )
    });
    let events = events.map(|e| match e {
        // Math stays as its source, set in code (the guide has no MathML step).
        Event::InlineMath(m) | Event::DisplayMath(m) => Event::Code(m),
        e => e,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lead_goes_and_links_become_text() {
        assert_eq!(
            drop_lead("**Predict.** Which pair?").as_deref(),
            Some("Which pair?")
        );
        assert_eq!(
            drop_lead("**Predict before you open the answer.** Which?").as_deref(),
            Some("Which?")
        );
        assert_eq!(drop_lead("Each row is one pair."), None);
        assert_eq!(
            inline("See [the end](#tie) and *this*."),
            "See the end and <em>this</em>."
        );
        assert_eq!(first_paragraph("\nOne\ntwo.\n\nThree."), "One\ntwo.");
        assert_eq!(
            text_of(
                "<p>It is <strong>4</strong> &amp; more.</p><figure><svg><text>x</text></svg></figure><p>Next</p>"
            ),
            "It is 4 &amp; more. Next".replace("&amp;", "&")
        );
    }
}
