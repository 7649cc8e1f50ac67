//! Slides: a `kind = "deck"` document cut into slides, grouped into timed
//! sections and trimmed to a track.
//!
//! A slide starts at every top-level `#` heading and `---`
//! ([`crate::markdown::render_slides`]). The shortcodes `section`, `slide`
//! and `qr` leave marks in the expanded text ([`DeckMark`], kept in the
//! expansion's state as [`Marks`]); each belongs to
//! the slide whose text holds it. Tracks: `--track N` keeps the full deck
//! when its planned minutes fit in N, else leaves out what is marked
//! `track = "long"` (and keeps what is marked "short"), and fails when even
//! that does not fit. Without `--track` the full deck is built.
//!
//! Stage: (document, expansion, rendered HTML) → [`Deck`]; no I/O.

use crate::content::Doc;
use crate::diag::Diagnostic;
use crate::markdown::{SlideBreak, escape_attr};
use crate::shortcodes::Expanded;
use serde::Serialize;

/// A deck directive (`section`, `slide`, `qr`) at an offset of the
/// expanded text; [`build`] gives it to the slide it falls in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DeckMark {
    /// Offset in the expanded text.
    pub at: usize,
    /// Offset in the body (for diagnostics).
    pub src: usize,
    pub kind: MarkKind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MarkKind {
    Section {
        minutes: u32,
        title: Option<String>,
        track: Option<String>,
        /// `activity="hands-on"|"break"|"talk"` (None: talk, or pen and
        /// paper with a sheet).
        activity: Option<String>,
        /// The sheet exercises the section schedules, if it names a sheet.
        sheet: Option<SheetPlan>,
    },
    Slide {
        classes: Vec<String>,
        track: Option<String>,
    },
    /// A QR code; `drawn` is false when `[site] base_url` is not set (the
    /// slide then shows where to find the site instead).
    Qr { drawn: bool },
}

/// `section(sheet=…, exercises=…, homework=…)`: the exercises of one sheet
/// a section schedules, and those it leaves for after the workshop (numbers
/// as printed on the sheet).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SheetPlan {
    /// The sheet's path below `content/` (`sheets/conceptual.md`).
    pub sheet: String,
    pub exercises: Vec<u32>,
    pub homework: Vec<u32>,
}

/// The deck directives of one document, in order.
#[derive(Debug, Default)]
pub(crate) struct Marks(pub Vec<DeckMark>);

/// One slide as the template sees it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Slide {
    /// The slide's id: its heading's id, or `slide-N` (N in the full deck).
    pub id: String,
    /// 1-based position in the built deck.
    pub number: usize,
    pub title: String,
    /// Classes, space separated (without `slide`).
    pub classes: String,
    /// Index into [`Deck::sections`], if the slide is in a section.
    pub section: Option<usize>,
    /// The slide's HTML (notes and fragments included, as markup).
    pub html: String,
}

/// A timed part of the talk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Section {
    pub title: String,
    pub minutes: u32,
    /// Minutes from the start of the talk to the end of this section, in the
    /// built deck (so the 90-minute track has its own clock).
    pub ends_at: u32,
    /// Index of its first slide in the built deck.
    pub first: usize,
    /// Number of its slides in the built deck.
    pub slides: usize,
}

/// A deck ready for its template.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Deck {
    pub slides: Vec<Slide>,
    pub sections: Vec<Section>,
    /// Sum of the sections' minutes.
    pub planned_minutes: u32,
    /// "90-minute track", or None for the full deck.
    pub track: Option<String>,
    /// Whether `--track` had to leave out the long parts.
    pub shortened: bool,
    /// What each section plans besides its minutes, in the order of
    /// `sections` (the facilitator guide reads it; not in the page).
    #[serde(skip)]
    pub plans: Vec<SectionPlan>,
}

/// A section's plan as the author wrote it: its track, its activity and
/// the sheet exercises it schedules.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct SectionPlan {
    pub track: Option<String>,
    pub activity: Option<String>,
    pub sheet: Option<SheetPlan>,
}

/// A slide before tracks are applied.
struct Raw {
    id: String,
    title: String,
    classes: Vec<String>,
    track: Option<String>,
    section: Option<usize>,
    html: String,
}

struct RawSection {
    title: Option<String>,
    minutes: u32,
    plan: SectionPlan,
}

/// Cuts a rendered deck (`html` with a `\0` at each of its `breaks`) into
/// slides and applies the track `budget` (minutes). Returns the deck and
/// warnings, or every problem found.
pub(crate) fn build(
    doc: &Doc,
    expanded: &Expanded,
    html: &str,
    breaks: &[SlideBreak],
    budget: Option<u32>,
) -> Result<(Deck, Vec<String>), Vec<Diagnostic>> {
    let (raws, sections, warnings) = cut(doc, expanded, html, breaks)?;
    let keeps = |r: &Raw, short: bool| {
        let tags = [
            r.track.as_deref(),
            r.section.and_then(|s| sections[s].plan.track.as_deref()),
        ];
        let excluded = if short { "long" } else { "short" };
        !tags.contains(&Some(excluded))
    };
    let planned = |short: bool| -> (u32, Vec<(String, u32)>) {
        let mut used: Vec<usize> = raws
            .iter()
            .filter(|r| keeps(r, short))
            .filter_map(|r| r.section)
            .collect();
        used.dedup();
        let parts: Vec<(String, u32)> = used
            .iter()
            .map(|&s| (section_title(&sections[s], &raws, s), sections[s].minutes))
            .collect();
        (parts.iter().map(|p| p.1).sum(), parts)
    };
    let (full_total, _) = planned(false);
    let shortened = matches!(budget, Some(b) if full_total > b);
    if let Some(b) = budget
        && shortened
    {
        let (total, parts) = planned(true);
        if total > b {
            let list = parts
                .iter()
                .map(|(t, m)| format!("{t} {m}"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(vec![
                Diagnostic::new(
                    &doc.source,
                    format!(
                        "the {b}-minute track plans {total} minutes even without the long parts ({list})"
                    ),
                )
                .with_hint(
                    "mark more sections or slides track=\"long\", or plan fewer minutes in section(minutes=…)",
                ),
            ]);
        }
    }
    let kept: Vec<&Raw> = raws.iter().filter(|r| keeps(r, shortened)).collect();
    let (slides, mut deck_sections, plans) = assemble(&kept, &raws, &sections);
    let mut clock = 0;
    for s in &mut deck_sections {
        clock += s.minutes;
        s.ends_at = clock;
    }
    let planned_minutes = deck_sections.iter().map(|s| s.minutes).sum();
    Ok((
        Deck {
            slides,
            sections: deck_sections,
            planned_minutes,
            track: budget.map(|b| format!("{b}-minute track")),
            shortened,
            plans,
        },
        warnings,
    ))
}

/// The slides before tracks, their sections and the warnings, or every
/// problem of the marks.
fn cut(
    doc: &Doc,
    expanded: &Expanded,
    html: &str,
    breaks: &[SlideBreak],
) -> Result<Cut, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let warnings = Vec::new();
    let chunks: Vec<&str> = html.split('\0').collect();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(breaks.iter().map(|b| b.at))
        .collect();
    let text_len = expanded.text.len();
    let all_marks: &[DeckMark] = expanded.state.get::<Marks>().map_or(&[], |m| &m.0);
    let mut raws: Vec<Raw> = Vec::new();
    let mut sections: Vec<RawSection> = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let start = starts.get(i).copied().unwrap_or(text_len);
        let end = starts.get(i + 1).copied().unwrap_or(text_len);
        let marks: Vec<&DeckMark> = all_marks
            .iter()
            .filter(|m| m.at >= start && m.at < end)
            .collect();
        let brk: Option<&SlideBreak> = i.checked_sub(1).and_then(|j| breaks.get(j));
        if brk.is_none() && chunk.trim().is_empty() && marks.is_empty() {
            continue; // nothing before the first slide
        }
        let (id, title) = match brk.and_then(|b| b.heading.clone()) {
            Some((id, title)) => (id, title),
            None => (format!("slide-{}", raws.len() + 1), String::new()),
        };
        let mut raw = Raw {
            id,
            title,
            classes: brk.map(|b| b.classes.clone()).unwrap_or_default(),
            track: None,
            section: raws.last().and_then(|r| r.section),
            html: chunk.trim().to_string(),
        };
        let mut seen = Seen::default();
        for m in marks {
            apply_mark(doc, m, &mut raw, &mut sections, &mut seen, &mut problems);
        }
        raws.push(raw);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((raws, sections, warnings))
}

/// The slides before tracks, their sections, and warnings.
type Cut = (Vec<Raw>, Vec<RawSection>, Vec<String>);

/// Which marks a slide has had so far.
#[derive(Default)]
struct Seen {
    section: bool,
    slide: bool,
}

/// Gives mark `m` to the slide `raw`.
fn apply_mark(
    doc: &Doc,
    m: &DeckMark,
    raw: &mut Raw,
    sections: &mut Vec<RawSection>,
    seen: &mut Seen,
    problems: &mut Vec<Diagnostic>,
) {
    match &m.kind {
        MarkKind::Section {
            minutes,
            title,
            track,
            activity,
            sheet,
        } => {
            if seen.section {
                problems.push(doc.diag_at(m.src, "a second `section` in one slide").with_hint(
                    "a section starts at a slide: start a new slide with a `#` heading before it",
                ));
            }
            seen.section = true;
            sections.push(RawSection {
                title: title.clone(),
                minutes: *minutes,
                plan: SectionPlan {
                    track: track.clone(),
                    activity: activity.clone(),
                    sheet: sheet.clone(),
                },
            });
            raw.section = Some(sections.len() - 1);
        }
        MarkKind::Slide { classes, track } => {
            if seen.slide {
                problems.push(
                    doc.diag_at(m.src, "a second `slide` in one slide")
                        .with_hint("give all its options in one `slide(…)`"),
                );
            }
            seen.slide = true;
            for c in classes {
                if !raw.classes.contains(c) {
                    raw.classes.push(c.clone());
                }
            }
            raw.track = track.clone();
        }
        MarkKind::Qr { .. } => {}
    }
}

/// The kept slides, numbered, and the sections they fall in.
fn assemble(
    kept: &[&Raw],
    raws: &[Raw],
    sections: &[RawSection],
) -> (Vec<Slide>, Vec<Section>, Vec<SectionPlan>) {
    let mut deck_sections: Vec<Section> = Vec::new();
    let mut plans: Vec<SectionPlan> = Vec::new();
    let mut index_of: std::collections::BTreeMap<usize, usize> = Default::default();
    let mut slides = Vec::with_capacity(kept.len());
    for (i, r) in kept.iter().enumerate() {
        let section = r.section.map(|s| {
            *index_of.entry(s).or_insert_with(|| {
                plans.push(sections[s].plan.clone());
                deck_sections.push(Section {
                    title: section_title(&sections[s], raws, s),
                    minutes: sections[s].minutes,
                    ends_at: 0,
                    first: i,
                    slides: 0,
                });
                deck_sections.len() - 1
            })
        });
        if let Some(s) = section {
            deck_sections[s].slides += 1;
        }
        slides.push(Slide {
            id: r.id.clone(),
            number: i + 1,
            title: if r.title.is_empty() {
                format!("Slide {}", i + 1)
            } else {
                r.title.clone()
            },
            classes: r.classes.join(" "),
            section,
            html: r.html.clone(),
        });
    }
    (slides, deck_sections, plans)
}

/// A section's title: as given, else the heading of its first slide.
fn section_title(s: &RawSection, raws: &[Raw], index: usize) -> String {
    s.title.clone().unwrap_or_else(|| {
        raws.iter()
            .find(|r| r.section == Some(index))
            .map(|r| r.title.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| format!("Part {}", index + 1))
    })
}

/// What the QR slide shows when `[site] base_url` is not set: where the
/// site is when the presenter serves it (`kvlens serve` prints the address)
/// or hands out the folder, in words the room can act on.
pub(crate) fn qr_placeholder_html() -> String {
    "<figure class=\"qr qr-placeholder\">\n<p class=\"qr-address\">The address on the board</p>\n<figcaption>This workshop has no fixed web address: the presenter serves it from a laptop (<code>kvlens serve</code> prints the address) or hands out the folder. Open <code>index.html</code> there; these slides are <code>deck.html</code> beside it.</figcaption>\n</figure>".to_string()
}

/// The QR code of `url` as inline SVG in a figure, with the address
/// written under it (and linked).
pub(crate) fn qr_html(url: &str) -> Result<String, String> {
    // Inline, named for screen readers.
    let svg = crate::figures::qr::qr_svg(url, 320, true)?;
    let label = escape_attr(&format!("QR code of {url}"));
    let svg = svg.replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{label}\" class=\"qr-code\""),
        1,
    );
    let esc = escape_attr(url);
    Ok(format!(
        "<figure class=\"qr\">\n{svg}\n<figcaption><a href=\"{esc}\">{esc}</a></figcaption>\n</figure>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    fn deck(body: &str, budget: Option<u32>) -> Result<(Deck, Vec<String>), Vec<Diagnostic>> {
        let text = format!("+++\ntitle = \"D\"\nkind = \"deck\"\n+++\n{body}");
        let doc = crate::content::parse(Path::new("content/d.md"), "d.md".into(), text).unwrap();
        let expanded = crate::shortcodes::expand::expand(
            &doc,
            None,
            "d.html",
            crate::shortcodes::Registry {
                sets: &[&crate::embeds::Embeds, &super::super::Directives],
            },
            Default::default(),
        );
        let docs = BTreeMap::new();
        let files = BTreeSet::new();
        let drafts = BTreeSet::new();
        let own = BTreeSet::new();
        let links = crate::markdown::LinkContext {
            page: "d.html",
            docs: &docs,
            files: &files,
            drafts: &drafts,
            page_is_draft: false,
            own_ids: &own,
        };
        let r = crate::markdown::render_slides(&expanded.text, &links);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        build(&doc, &expanded, &r.html, &r.breaks, budget)
    }

    const TALK: &str = "# Hello {.title}\n\nWelcome.\n\n# Part one\n{{ section(minutes=30) }}\n\nText.\n\n---\n\nMore, no heading.\n\n# Extra\n{{ slide(track=\"long\", class=\"columns\") }}\n\nOnly in the full deck.\n\n# Part two\n{{ section(minutes=50, title=\"Deep\", track=\"long\") }}\n\n- a\n\n  # not a slide (in a list)\n\n# Wrap-up\n{{ section(minutes=20) }}\n\n# Summary instead\n{{ section(minutes=5, track=\"short\") }}\n";

    #[test]
    fn slides_split_at_headings_and_rules_and_take_their_marks() {
        let (d, warnings) = deck(TALK, None).unwrap();
        assert!(warnings.is_empty());
        let ids: Vec<&str> = d.slides.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "hello", "part-one", "slide-3", "extra", "part-two", "wrap-up"
            ]
        );
        assert_eq!(d.slides[0].classes, "title");
        assert_eq!(d.slides[3].classes, "columns");
        assert_eq!(
            d.slides[2].section,
            Some(0),
            "a --- slide stays in its section"
        );
        assert!(d.slides[4].html.contains("not a slide"));
        let titles: Vec<(&str, u32, usize, usize)> = d
            .sections
            .iter()
            .map(|s| (s.title.as_str(), s.minutes, s.first, s.slides))
            .collect();
        assert_eq!(
            titles,
            [
                ("Part one", 30, 1, 3),
                ("Deep", 50, 4, 1),
                ("Wrap-up", 20, 5, 1)
            ]
        );
        assert_eq!(d.planned_minutes, 100);
        assert!(!d.shortened && d.track.is_none());
    }

    #[test]
    fn a_track_leaves_out_long_parts_only_when_the_full_deck_does_not_fit() {
        let (full, _) = deck(TALK, Some(100)).unwrap();
        assert_eq!(full.slides.len(), 6, "100 minutes fit the full deck");
        assert!(!full.shortened);
        let (short, _) = deck(TALK, Some(60)).unwrap();
        assert!(short.shortened);
        let ids: Vec<&str> = short.slides.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["hello", "part-one", "slide-3", "wrap-up", "summary-instead"]
        );
        assert_eq!(short.planned_minutes, 55);
        assert_eq!(short.track.as_deref(), Some("60-minute track"));
        let numbers: Vec<usize> = short.slides.iter().map(|s| s.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5]);
        let err = deck(TALK, Some(40)).unwrap_err();
        assert!(
            err[0]
                .message
                .contains("the 40-minute track plans 55 minutes")
                && err[0]
                    .message
                    .contains("Part one 30, Wrap-up 20, Summary instead 5"),
            "{}",
            err[0].message
        );
    }

    #[test]
    fn two_sections_in_one_slide_is_an_error_at_the_second() {
        let err = deck(
            "# A\n{{ section(minutes=3) }}\n{{ section(minutes=4) }}\n",
            None,
        )
        .unwrap_err();
        assert_eq!(err[0].line, Some(7));
        assert!(err[0].message.contains("second `section`"));
    }

    #[test]
    fn the_qr_code_is_an_svg_that_names_its_address() {
        let html = qr_html("https://example.org/w/").unwrap();
        assert!(html.starts_with("<figure class=\"qr\">\n<svg role=\"img\""));
        assert!(html.contains("aria-label=\"QR code of https://example.org/w/\""));
        assert!(html.contains(">https://example.org/w/</a>"));
        assert!(!html.contains("<?xml"));
        assert_eq!(html, qr_html("https://example.org/w/").unwrap());
    }
}
