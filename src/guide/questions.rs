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
                        let prompt = drop_lead(&first_paragraph(text.get(q.prompt.clone())?))?;
                        let answer = first_paragraph(text.get(q.answer.clone())?);
                        Some(Question {
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
    }
}
