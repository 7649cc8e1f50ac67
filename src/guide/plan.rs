//! The facilitator guide's run of show and print list, computed from the
//! built deck (its sections, their minutes, tracks, activities and the
//! sheet exercises they schedule) and the sheets (variants, page budgets):
//! the same plan the deck and the sheets are built from, so the guide can
//! never disagree with them.
//!
//! Stage: (deck, sheets, classroom) → rows and print items. Pure.

use crate::deck::{Deck, SectionPlan};
use serde::Serialize;

/// A sheet as the guide sees it.
#[derive(Debug, Clone)]
pub(crate) struct SheetInfo {
    /// Path below `content/` (`sheets/conceptual.md`).
    pub rel: String,
    pub title: String,
    pub variants: u32,
    /// How many exercises it has.
    pub exercises: u32,
    /// The learner's sheet's page budget (front matter `pages`).
    pub pages: Option<u32>,
    /// Every variant's sheet page, below `public/`.
    pub hrefs: Vec<String>,
    /// Every variant's worked key and marking key, `instructor/…`.
    pub keys: Vec<String>,
    pub markings: Vec<String>,
}

/// One section of the talk, on the clock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Row {
    pub start: String,
    pub end: String,
    pub minutes: u32,
    pub title: String,
    /// "1–3", or "7".
    pub slides: String,
    /// The id of its first slide (the deck's URL hash).
    pub first_slide: String,
    pub activity: Activity,
    /// What happens, in short sentences.
    pub happens: Vec<String>,
    /// What to hand out at its start.
    pub hand_out: Vec<String>,
    /// Where to save time when running late.
    pub cut: Option<String>,
}

/// One thing to print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PrintItem {
    pub what: String,
    /// Below the folder the guide links from (`public/…` or `instructor/…`).
    pub file: String,
    /// Its PDF, as `build --pdf` writes it (same base as `file`).
    pub pdf: String,
    pub copies: u32,
    /// Pages of one copy, at most (None: not known before printing).
    pub pages: Option<u32>,
    pub who: &'static str,
}

/// The print list and its paper count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PrintList {
    pub items: Vec<PrintItem>,
    /// Printed pages of the items whose pages are known (at most).
    pub pages: u32,
    /// Sheets of paper printed on both sides (at most).
    pub sheets_duplex: u32,
    /// Items whose page count is known only once printed.
    pub unknown: u32,
}

/// A clock time `m` minutes after midnight, `HH:MM` (past midnight wraps).
pub(crate) fn clock(m: u32) -> String {
    let m = m % (24 * 60);
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// What the room does in a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Activity {
    Talk,
    /// The section names a sheet.
    Paper,
    HandsOn,
    Break,
}

impl Activity {
    /// The guide's name for it.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Activity::Talk => "Talk",
            Activity::Paper => "Pen and paper",
            Activity::HandsOn => "Hands-on",
            Activity::Break => "Break",
        }
    }
}

impl Serialize for Activity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

/// The activity of a section: pen and paper when it names a sheet, else
/// its `activity=` (talk by default).
pub(crate) fn activity(plan: &SectionPlan) -> Activity {
    match (plan.sheet.is_some(), plan.activity.as_deref()) {
        (true, _) => Activity::Paper,
        (_, Some("hands-on")) => Activity::HandsOn,
        (_, Some("break")) => Activity::Break,
        _ => Activity::Talk,
    }
}

/// Numbers as "3", "2 and 4", "2, 4 and 5".
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn numbers(ns: &[u32]) -> String {
    and_list(&ns.iter().map(u32::to_string).collect::<Vec<_>>())
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The run of show: every section of the built deck with its clock times
/// from `start` (minutes after midnight), what happens, what to hand out
/// and where to cut.
pub(crate) fn rows(
    deck: &Deck,
    sheets: &[SheetInfo],
    start: u32,
    minutes_of: &dyn Fn(&str, u32) -> Option<u32>,
    extras: &Extras,
) -> Vec<Row> {
    let mut out = Vec::new();
    let mut clock_at = start;
    let sheet_of = |rel: &str| sheets.iter().find(|x| x.rel == rel);
    // The sheets this track works on go out on arrival, in the order the
    // talk uses them; the others at the first long hands-on section (people
    // work on their own there), else at the end.
    let mut scheduled: Vec<&str> = Vec::new();
    for p in deck.plans.iter().filter_map(|p| p.sheet.as_ref()) {
        if !scheduled.contains(&p.sheet.as_str()) {
            scheduled.push(&p.sheet);
        }
    }
    let handout_at = deck
        .sections
        .iter()
        .zip(&deck.plans)
        .position(|(s, p)| activity(p) == Activity::HandsOn && s.minutes >= LONG_HANDS_ON)
        .unwrap_or(deck.sections.len().saturating_sub(1));
    let last = deck.sections.len().saturating_sub(1);
    let mut introduced: Vec<String> = Vec::new();
    for (i, s) in deck.sections.iter().enumerate() {
        let plan = deck.plans.get(i).cloned().unwrap_or_default();
        let act = activity(&plan);
        let slides = &deck.slides[s.first..(s.first + s.slides).min(deck.slides.len())];
        let asks: u32 = slides
            .iter()
            .map(|sl| sl.html.matches("<div class=\"fragment\">").count() as u32)
            .sum();
        let mut happens = Vec::new();
        let mut hand_out = Vec::new();
        let mut cut = None;
        if i == 0 {
            for rel in &scheduled {
                let Some(x) = sheet_of(rel) else { continue };
                hand_out.push(if x.variants > 1 {
                    format!(
                        "On arrival, “{}”: one each; deal variants 1 to {} by pair, so the two people of a pair have the same numbers and the next pair has others",
                        x.title, x.variants
                    )
                } else {
                    format!("On arrival, “{}”: one each", x.title)
                });
            }
        }
        match act {
            Activity::Paper => {
                if let Some(sp) = &plan.sheet {
                    let info = sheet_of(&sp.sheet);
                    let title = info.map_or(sp.sheet.clone(), |x| x.title.clone());
                    if !sp.exercises.is_empty() {
                        let parts: Vec<String> = sp
                            .exercises
                            .iter()
                            .map(|n| match minutes_of(&sp.sheet, *n) {
                                Some(m) => format!("{n} ({m} min)"),
                                None => n.to_string(),
                            })
                            .collect();
                        let first = !introduced.contains(&sp.sheet);
                        let lowest = sp.exercises.iter().min().copied().unwrap_or(1);
                        happens.push(format!(
                            "{} {} of “{title}” in pairs{}; walk round and read the boxes, not only the final answers.",
                            if sp.exercises.len() == 1 { "Exercise" } else { "Exercises" },
                            and_list(&parts),
                            if first && lowest > 1 {
                                format!(" (say so: people start at exercise {lowest}, not at the top)")
                            } else {
                                String::new()
                            }
                        ));
                        if info.is_some_and(|x| x.variants > 1) {
                            happens.push(
                                "The debrief slides show variant 1’s numbers; the other variants have their own (the TA table lists them). Debrief the method, and read out each variant’s final answer."
                                    .to_string(),
                            );
                        }
                        let need: u32 = sp
                            .exercises
                            .iter()
                            .filter_map(|n| minutes_of(&sp.sheet, *n))
                            .sum();
                        cut = Some(format!(
                            "Stop the work after about {} min and debrief what people have; do not set {} as homework afterwards (the debrief shows the answers).",
                            need.div_ceil(2).max(1),
                            if sp.exercises.len() == 1 {
                                "it"
                            } else {
                                "them"
                            }
                        ));
                    }
                    if !sp.homework.is_empty() {
                        happens.push(format!(
                            "Homework: {} {}.",
                            if sp.homework.len() == 1 {
                                "exercise"
                            } else {
                                "exercises"
                            },
                            numbers(&sp.homework)
                        ));
                    }
                    if !introduced.contains(&sp.sheet) {
                        introduced.push(sp.sheet.clone());
                        let planned: Vec<u32> = deck
                            .plans
                            .iter()
                            .filter_map(|p| p.sheet.as_ref())
                            .filter(|p| p.sheet == sp.sheet)
                            .flat_map(|p| p.exercises.iter().chain(&p.homework).copied())
                            .collect();
                        let count = info.map_or(0, |x| x.exercises);
                        let left: Vec<u32> = (1..=count).filter(|n| !planned.contains(n)).collect();
                        if !left.is_empty() {
                            happens.push(format!(
                                "This track does not work {} {}: set {} as homework too.",
                                if left.len() == 1 {
                                    "exercise"
                                } else {
                                    "exercises"
                                },
                                numbers(&left),
                                if left.len() == 1 { "it" } else { "them" }
                            ));
                        }
                    }
                }
            }
            Activity::HandsOn => {
                happens.push(extras.hands_on.clone());
                if s.minutes >= LONG_HANDS_ON
                    && let Some(n) = &extras.notebook
                {
                    happens.push(n.clone());
                }
                cut = Some(format!(
                    "Shorten it to {} min: gather the room early; the explorer and the notebook also work at home, offline.",
                    (s.minutes / 2).max(1)
                ));
            }
            Activity::Break => {
                happens.push("Leave the break slide up; use the time to help anyone who cannot open the course site.".to_string());
                cut = Some(format!(
                    "Shorten it (to {} min) rather than skip it.",
                    (s.minutes / 2).max(1)
                ));
            }
            _ => {}
        }
        if asks > 0 {
            happens.push(format!(
                "{}: ask, let people commit to an answer, then reveal.",
                plural(asks, "predict-then-reveal", "predict-then-reveals")
            ));
        }
        if plan.track.as_deref() == Some("long") && !deck.shortened && act == Activity::Talk {
            cut = Some(
                "Marked long: skip it, and skip what later slides say about it (their notes name it)."
                    .to_string(),
            );
        }
        if i == handout_at {
            for x in sheets
                .iter()
                .filter(|x| !scheduled.contains(&x.rel.as_str()))
            {
                hand_out.push(format!(
                    "“{}” (not worked in the talk): one each, {}",
                    x.title,
                    if act == Activity::HandsOn {
                        "for this part or as homework"
                    } else {
                        "as homework"
                    }
                ));
            }
        }
        if i == last
            && let Some(summary) = &extras.summary
        {
            hand_out.push(format!("{summary}: one each, to take home"));
        }
        let first = slides.first().map_or(0, |sl| sl.number);
        let last_n = slides.last().map_or(0, |sl| sl.number);
        out.push(Row {
            start: clock(clock_at),
            end: clock(clock_at + s.minutes),
            minutes: s.minutes,
            title: s.title.clone(),
            slides: if first == last_n {
                first.to_string()
            } else {
                format!("{first}–{last_n}")
            },
            first_slide: slides.first().map(|sl| sl.id.clone()).unwrap_or_default(),
            activity: act,
            happens,
            hand_out,
            cut,
        });
        clock_at += s.minutes;
    }
    out
}

/// Where to save time, in order: the talk sections marked long (the last
/// first: by then you know how late you are), then a long hands-on part
/// and the break cut to half. (What to do, minutes saved.)
pub(crate) fn cut_order(deck: &Deck) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    if deck.shortened {
        return out;
    }
    let parts: Vec<_> = deck.sections.iter().zip(&deck.plans).collect();
    for (s, p) in parts.iter().rev() {
        if p.track.as_deref() == Some("long") && activity(p) == Activity::Talk {
            out.push((format!("Skip “{}”", s.title), s.minutes));
        }
    }
    for (s, p) in &parts {
        match activity(p) {
            Activity::HandsOn if s.minutes >= LONG_HANDS_ON => {
                out.push((
                    format!("Shorten “{}” to {} min", s.title, s.minutes / 2),
                    s.minutes - s.minutes / 2,
                ));
            }
            Activity::Break if s.minutes > 1 => {
                out.push((
                    format!("Shorten “{}” to {} min", s.title, s.minutes / 2),
                    s.minutes - s.minutes / 2,
                ));
            }
            _ => {}
        }
    }
    out
}

/// Minutes from which a hands-on section has time for the notebook and
/// the sheets the talk does not schedule.
const LONG_HANDS_ON: u32 = 20;

/// What the run of show says beyond the deck: the hands-on sentences and
/// the one-page summary's name (if the workshop has one).
#[derive(Debug, Clone, Default)]
pub(crate) struct Extras {
    pub hands_on: String,
    /// What a long hands-on section adds (the notebook).
    pub notebook: Option<String>,
    pub summary: Option<String>,
    /// The summary's page below `public/`.
    pub summary_href: Option<String>,
}

/// How many copies of each of `variants` variants `people` need: as even
/// as can be, the first variants one more.
pub(crate) fn copies(people: u32, variants: u32) -> Vec<u32> {
    let v = variants.max(1);
    (0..v)
        .map(|i| people / v + u32::from(i < people % v))
        .collect()
}

/// The print list for `people` and `markers`: every variant of every
/// sheet, the summary, this guide, a marking key of each variant and the
/// TA table for each marker, and one copy of each worked key.
pub(crate) fn print_list(
    people: u32,
    markers: u32,
    sheets: &[SheetInfo],
    extras: &Extras,
    ta_table: Option<&str>,
    guide: &str,
) -> PrintList {
    let mut items = vec![PrintItem {
        what: "This guide".to_string(),
        file: guide.to_string(),
        pdf: crate::print::pdf_of(guide),
        copies: 1,
        pages: None,
        who: "you",
    }];
    for s in sheets {
        for (i, n) in copies(people, s.variants).into_iter().enumerate() {
            items.push(PrintItem {
                what: if s.variants > 1 {
                    format!("{}, variant {}", s.title, i + 1)
                } else {
                    s.title.clone()
                },
                file: s.hrefs.get(i).cloned().unwrap_or_default(),
                pdf: crate::print::pdf_of(s.hrefs.get(i).map_or("", |h| h.as_str())),
                copies: n,
                pages: s.pages,
                who: "learners",
            });
        }
    }
    if let (Some(name), Some(href)) = (&extras.summary, &extras.summary_href) {
        items.push(PrintItem {
            what: name.clone(),
            file: href.clone(),
            pdf: crate::print::pdf_of(href),
            copies: people,
            pages: Some(1),
            who: "learners",
        });
    }
    for s in sheets {
        for (i, m) in s.markings.iter().enumerate() {
            items.push(PrintItem {
                what: format!("Marking key: {}, variant {}", s.title, i + 1),
                file: m.clone(),
                pdf: crate::print::pdf_of(m),
                copies: markers,
                pages: Some(crate::sheets::pages::MARKING_PAGES),
                who: "each marker",
            });
        }
    }
    for s in sheets {
        for (i, k) in s.keys.iter().enumerate() {
            items.push(PrintItem {
                what: format!("Worked key: {}, variant {}", s.title, i + 1),
                file: k.clone(),
                pdf: crate::print::pdf_of(k),
                copies: 1,
                pages: None,
                who: "you",
            });
        }
    }
    if let Some(ta) = ta_table {
        items.push(PrintItem {
            what: "TA table (every variant's final answers)".to_string(),
            file: ta.to_string(),
            pdf: crate::print::pdf_of(ta),
            copies: markers,
            pages: None,
            who: "each marker",
        });
    }
    let known = items.iter().filter_map(|i| i.pages.map(|p| (i.copies, p)));
    let pages = known.clone().map(|(c, p)| c * p).sum();
    let sheets_duplex = known.map(|(c, p)| c * p.div_ceil(2)).sum();
    let unknown = items.iter().filter(|i| i.pages.is_none()).count() as u32;
    PrintList {
        items,
        pages,
        sheets_duplex,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_share_the_room_as_evenly_as_possible() {
        assert_eq!(copies(20, 3), vec![7, 7, 6]);
        assert_eq!(copies(2, 3), vec![1, 1, 0]);
        assert_eq!(copies(9, 1), vec![9]);
        for (p, v) in [(1, 1), (25, 4), (1000, 50), (7, 7)] {
            assert_eq!(copies(p, v).iter().sum::<u32>(), p);
        }
    }

    #[test]
    fn clock_times_wrap_and_pad() {
        assert_eq!(clock(9 * 60 + 5), "09:05");
        assert_eq!(clock(23 * 60 + 50 + 20), "00:10");
    }

    #[test]
    fn lists_read_as_english() {
        let l = |v: &[&str]| and_list(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(l(&["3"]), "3");
        assert_eq!(l(&["2", "4"]), "2 and 4");
        assert_eq!(l(&["2", "4", "5"]), "2, 4 and 5");
    }

    #[test]
    fn the_paper_count_adds_up_the_known_pages() {
        let sheet = SheetInfo {
            rel: "sheets/a.md".into(),
            title: "A".into(),
            variants: 2,
            exercises: 3,
            pages: Some(5),
            hrefs: vec!["sheets/a.html".into(), "sheets/a-v2.html".into()],
            keys: vec!["instructor/sheets/a-key.html".into()],
            markings: vec!["instructor/sheets/a-marking.html".into()],
        };
        let extras = Extras {
            summary: Some("Summary".into()),
            summary_href: Some("summary.html".into()),
            ..Extras::default()
        };
        let l = print_list(
            5,
            2,
            &[sheet],
            &extras,
            Some("instructor/ta-table.html"),
            "instructor/guide.html",
        );
        // 3 + 2 copies of 5 pages, 5 summaries, two marking keys of ≤ 2.
        assert_eq!(l.pages, 25 + 5 + 4);
        assert_eq!(l.sheets_duplex, 5 * 3 + 5 + 2);
        // The guide, the worked key and the TA table: known once printed.
        assert_eq!(l.unknown, 3);
        assert_eq!(l.items[1].pdf, "print/sheets/a.pdf");
        assert_eq!(l.items.last().map(|i| i.copies), Some(2));
    }
}
