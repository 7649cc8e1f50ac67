//! The facilitator guide: one instructor page (`instructor/guide.html`, and
//! its PDF with `--pdf`) built from the same plan as the deck and the
//! sheets: the run of show on the clock for the built track, the print list
//! for the room, a set-up checklist, and the likely questions and
//! misconceptions (the sheets' usual wrong answers and the course's
//! predict-then-reveal questions). It is the instructor area's front page:
//! it links the deck, the keys, the marking keys, the TA table and the
//! instructor's notebook. Like the keys, it is published with the site only
//! when `[sheets] publish_keys` is set.
//!
//! It owns no shortcode; it reads the other products' first-pass records
//! (deck marks, sheet records, `calc` predictions) and builds the deck's
//! plan with the deck's own function ([`crate::deck::built`]).

mod plan;
mod questions;

use crate::content::Kind;
use crate::output::OutputFile;
use crate::print::PrintJob;
use crate::product::{Links, Output, Plan, Product, Site, Template};
use crate::sheets::pages;
use crate::sheets::product::SheetState;
use plan::{Extras, PrintList, Row, SheetInfo};
use questions::{PageQuestions, SheetSlips, SlideQuestion};
use serde::Serialize;

/// The guide's page (below `public/` when published, else beside it).
pub(crate) use crate::sheets::pages::GUIDE_PAGE;

const TEMPLATES: [Template; 1] = [Template::shipped(
    "guide.html",
    include_str!("../../templates/guide.html"),
)];

/// The guide product.
pub(crate) struct Guide;

/// The guide in the build report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GuideReport {
    pub page: String,
    pub participants: u32,
    pub markers: u32,
    pub start: String,
    pub end: String,
    pub planned_minutes: u32,
    pub track: Option<String>,
    pub rows: Vec<Row>,
    pub print: PrintList,
}

#[derive(Serialize)]
struct GuideContext<'a> {
    root: String,
    site_title: &'a str,
    title: &'static str,
    page_css: String,
    paper: &'static str,
    deck_title: &'a str,
    deck_href: String,
    track: String,
    shortened: bool,
    planned_minutes: u32,
    start: String,
    end: String,
    participants: u32,
    rows: &'a [Row],
    print: &'a PrintList,
    explorer_href: Option<String>,
    notebook_href: Option<String>,
    instructor_notebook: Option<&'static str>,
    ta_table: Option<&'static str>,
    base_url: Option<&'a str>,
    sheets: Vec<SheetLinks>,
    slips: Vec<SheetSlips>,
    questions: Vec<PageQuestions>,
    slide_questions: Vec<SlideQuestion>,
    long_minutes: u32,
    /// Where to save time, in order: (what, minutes saved).
    cuts: Vec<(String, u32)>,
    /// Minutes the track leaves free (None: no `--track`).
    slack: Option<u32>,
    markers: u32,
    /// The slides before the first section ("1–2"), if any.
    before: Option<String>,
    /// The first section's title (when to start the timer).
    first_section: Option<String>,
}

/// A sheet's pages for the instructor area's links.
#[derive(Serialize)]
struct SheetLinks {
    title: String,
    variants: Vec<VariantLinks>,
}

#[derive(Serialize)]
struct VariantLinks {
    number: usize,
    sheet: String,
    key: String,
    marking: String,
}

impl Product for Guide {
    fn name(&self) -> &'static str {
        "guide"
    }

    fn templates(&self) -> &'static [Template] {
        &TEMPLATES
    }

    fn plan(&self, site: &Site, plan: &mut Plan) -> anyhow::Result<()> {
        if site.an.p.config.sheets.publish_keys && deck_of(site).is_some() {
            plan.names.insert(GUIDE_PAGE.to_string());
        }
        Ok(())
    }

    fn render(&self, site: &Site, links: &Links, out: &mut Output) -> anyhow::Result<()> {
        // A build with problems stops after rendering: the guide is made
        // only for one that will land (and a deck that built).
        let Some(e) = deck_of(site) else {
            return Ok(());
        };
        if !out.problems.is_empty() {
            return Ok(());
        }
        let Some(deck) = crate::deck::built(site, links, e) else {
            return Ok(());
        };
        let config = &site.an.p.config;
        let participants = site.participants.unwrap_or(config.classroom.participants);
        let start = config.classroom.start_minutes().unwrap_or(9 * 60);
        let sheets = sheet_infos(site);
        let extras = extras(site);
        let minutes_of = |rel: &str, n: u32| -> Option<u32> {
            let s = site.docs_of(Kind::Sheet).find(|s| s.doc.rel == rel)?;
            let state = s.expanded.state.get::<SheetState>()?;
            state
                .specs
                .iter()
                .find(|(_, k)| *k as u32 == n)
                .map(|(spec, _)| spec.minutes)
        };
        let rows = plan::rows(&deck, &sheets, start, &minutes_of, &extras);
        let ta_table = (!sheets.is_empty()).then_some(pages::TA_PAGE);
        let print = plan::print_list(
            participants,
            config.classroom.markers,
            &sheets,
            &extras,
            ta_table,
            GUIDE_PAGE,
        );
        let cuts = plan::cut_order(&deck);
        let slack = site.track.map(|t| t.saturating_sub(deck.planned_minutes));
        let long_minutes = deck
            .sections
            .iter()
            .zip(&deck.plans)
            .filter(|(_, p)| p.track.as_deref() == Some("long"))
            .map(|(s, _)| s.minutes)
            .sum();
        let track = match &deck.track {
            Some(t) if deck.shortened => format!("{t} (the long parts left out)"),
            Some(t) => format!("{t} (the full deck fits)"),
            None => "the full deck".to_string(),
        };
        let end = plan::clock(start + deck.planned_minutes);
        let handson = site.docs_of(Kind::Explorer).next().is_some();
        let ctx = GuideContext {
            root: crate::markdown::root_of(GUIDE_PAGE),
            site_title: &config.site.title,
            title: "Facilitator guide",
            page_css: pages::page_css(
                config.site.paper,
                "Facilitator guide",
                "",
                &config.site.title,
                None,
            ),
            paper: config.site.paper.label(),
            deck_title: &e.doc.front.title,
            deck_href: e.doc.out_path(),
            track: track.clone(),
            shortened: deck.shortened,
            planned_minutes: deck.planned_minutes,
            start: plan::clock(start),
            end: end.clone(),
            participants,
            rows: &rows,
            print: &print,
            explorer_href: site
                .docs_of(Kind::Explorer)
                .find(|x| !x.doc.front.draft)
                .map(|x| x.doc.out_path()),
            notebook_href: handson
                .then(|| crate::handson::download_path(crate::handson::notebook::FILE)),
            instructor_notebook: handson.then_some(crate::handson::INSTRUCTOR_NOTEBOOK),
            ta_table,
            base_url: config.site.base_url.as_deref(),
            sheets: sheets
                .iter()
                .map(|s| SheetLinks {
                    title: s.title.clone(),
                    variants: (0..s.hrefs.len())
                        .map(|i| VariantLinks {
                            number: i + 1,
                            sheet: s.hrefs[i].clone(),
                            key: s.keys.get(i).cloned().unwrap_or_default(),
                            marking: s.markings.get(i).cloned().unwrap_or_default(),
                        })
                        .collect(),
                })
                .collect(),
            slips: questions::sheet_slips(site),
            questions: questions::page_questions(site),
            slide_questions: questions::slide_questions(&deck),
            long_minutes,
            cuts,
            slack,
            markers: config.classroom.markers,
            before: match deck.sections.first().map_or(deck.slides.len(), |s| s.first) {
                0 => None,
                1 => Some("1".to_string()),
                n => Some(format!("1–{n}")),
            },
            first_section: deck.sections.first().map(|s| s.title.clone()),
        };
        let html = match crate::templates::render(site.tera, "guide.html", &ctx, site.root) {
            Ok(h) => h,
            Err(err) => {
                out.problems
                    .push(site.template_problem("guide.html", e.doc, &err));
                return Ok(());
            }
        };
        let publish = config.sheets.publish_keys;
        let html = if publish {
            html
        } else {
            pages::rebase_outside(&html, GUIDE_PAGE)
        };
        let file = OutputFile::new(GUIDE_PAGE, html);
        if publish {
            out.files.push(file.clone());
        }
        out.instructor.push(file);
        out.instructor.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        out.print.push(PrintJob::Paged {
            rel: GUIDE_PAGE.to_string(),
            learner: false,
            budget: None,
        });
        out.report.push(
            "guide",
            GuideReport {
                page: GUIDE_PAGE.to_string(),
                participants,
                markers: config.classroom.markers,
                start: plan::clock(start),
                end,
                planned_minutes: deck.planned_minutes,
                track: deck.track.clone(),
                rows,
                print,
            },
        );
        Ok(())
    }
}

/// The deck the guide plans around: the first published one.
fn deck_of<'a>(site: &Site<'a, '_>) -> Option<&'a crate::product::Expansion<'a>> {
    site.docs_of(Kind::Deck).find(|e| !e.doc.front.draft)
}

/// Every published sheet: variants, page budget, pages and keys.
fn sheet_infos(site: &Site) -> Vec<SheetInfo> {
    let config = &site.an.p.config.sheets;
    site.docs_of(Kind::Sheet)
        .filter(|e| !e.doc.front.draft)
        .map(|e| {
            let n = pages::variants_of(e.doc, site.variants, config.variants).unwrap_or(1);
            let paths = pages::page_paths(e.doc, n);
            SheetInfo {
                rel: e.doc.rel.clone(),
                title: e.doc.front.title.clone(),
                variants: n,
                exercises: e
                    .expanded
                    .state
                    .get::<SheetState>()
                    .map_or(0, |st| st.specs.len() as u32),
                pages: e.doc.front.pages,
                hrefs: paths.iter().map(|p| p.0.clone()).collect(),
                markings: paths.iter().map(|p| pages::marking_path(&p.1)).collect(),
                keys: paths.into_iter().map(|p| p.1).collect(),
            }
        })
        .collect()
}

/// The hands-on sentence and the one-page summary.
fn extras(site: &Site) -> Extras {
    let explorer = site
        .docs_of(Kind::Explorer)
        .find(|e| !e.doc.front.draft)
        .map(|e| e.doc.out_path());
    let summary = site
        .docs
        .iter()
        .find(|e| !e.doc.front.draft && e.doc.front.template.as_deref() == Some("summary.html"));
    let notebook = site.docs_of(Kind::Explorer).next().is_some();
    Extras {
        hands_on: match explorer {
            Some(p) => format!(
                "Hands-on in pairs: people open the explorer ({p}) on a laptop or phone and follow the tasks on the slide; walk round and ask for predictions before each check."
            ),
            None => "Hands-on in pairs: people follow the tasks on the slide; walk round and ask for predictions before each check.".to_string(),
        },
        notebook: notebook.then(|| format!(
            "Then the notebook ({}) for those with Python: every exercise checks itself.",
            crate::handson::download_path(crate::handson::notebook::FILE)
        )),
        summary: summary.map(|e| format!("“{}”", e.doc.front.title)),
        summary_href: summary.map(|e| e.doc.out_path()),
    }
}
