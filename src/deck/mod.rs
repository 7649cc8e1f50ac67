//! The slide deck product: `kind = "deck"` documents become one page each
//! to present from (`templates/deck.html`, `theme/deck.js`, `deck.css`),
//! with timed sections, a track (`--track N`) and print jobs for
//! `build --pdf`. It owns the deck directives `section`, `slide`, `notes`,
//! `fragment` and `qr` ([`Directives`]); [`slides`] cuts a rendered deck
//! into slides.

pub(crate) mod slides;
mod timing;

use crate::content::Kind;
use crate::output::OutputFile;
use crate::print::PrintJob;
use crate::product::{Links, Output, Product, Site, Template};
use crate::shortcode::{Call, Value};
use crate::shortcodes::{Args, Cx, Fail, Shortcodes, Spec, Ty, a};
use serde::Serialize;
pub(crate) use slides::{
    Deck, DeckMark, MarkKind, Marks, Section, SectionPlan, SheetPlan, qr_html,
};

/// The deck product.
pub(crate) struct Decks;

/// The deck directives as a shortcode set.
pub(crate) struct Directives;

/// One slide deck as built (its part of the build report).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeckReport {
    /// Output path (`deck.html`).
    pub page: String,
    pub slides: usize,
    /// "90-minute track" when built with `--track 90`.
    pub track: Option<String>,
    /// Whether the track left out the deck's long parts.
    pub shortened: bool,
    pub planned_minutes: u32,
    pub sections: Vec<Section>,
}

/// A deck on the home page.
#[derive(Debug, Clone, Serialize)]
struct DeckLink {
    title: String,
    href: String,
    description: Option<String>,
    slides: usize,
    minutes: u32,
}

#[derive(Serialize)]
struct DeckContext<'a> {
    root: String,
    site_title: String,
    title: &'a str,
    description: Option<&'a str>,
    paper: crate::config::Paper,
    deck: &'a Deck,
    /// The deck's timing for deck.js (JSON, safe inside `<script>`).
    data_json: String,
}

/// What deck.js reads from `<script id="deck-data">`.
#[derive(Serialize)]
struct DeckData<'a> {
    title: &'a str,
    sections: &'a [Section],
    planned_minutes: u32,
    track: Option<&'a str>,
    /// The facilitator guide, from the deck's page (in the instructor
    /// folder beside the site unless the keys are published).
    guide: String,
}

const TEMPLATES: [Template; 1] = [Template::shipped(
    "deck.html",
    include_str!("../../templates/deck.html"),
)];

impl Product for Decks {
    fn name(&self) -> &'static str {
        "deck"
    }

    fn shortcodes(&self) -> Option<&dyn Shortcodes> {
        Some(&Directives)
    }

    fn templates(&self) -> &'static [Template] {
        &TEMPLATES
    }

    fn render(&self, site: &Site, links: &Links, out: &mut Output) -> anyhow::Result<()> {
        let mut decks = Vec::new();
        let mut deck_links = Vec::new();
        for e in site.docs_of(Kind::Deck) {
            let page = e.doc.out_path();
            let r = out.markdown(e, links, &page, true);
            if e.doc.front.draft {
                continue;
            }
            out.problems.0.extend(timing::check(site, e));
            match slides::build(e.doc, &e.expanded, &r.html, &r.breaks, site.track) {
                Ok((deck, w)) => {
                    out.warnings.extend(w);
                    match render_page(site, e, &page, &deck) {
                        Ok(html) => out.files.push(OutputFile::new(page.clone(), html)),
                        Err(d) => out.problems.push(d),
                    }
                    deck_links.push(DeckLink {
                        title: e.doc.front.title.clone(),
                        href: page.clone(),
                        description: e.doc.front.description.clone(),
                        slides: deck.slides.len(),
                        minutes: deck.planned_minutes,
                    });
                    out.print.push(PrintJob::Deck {
                        page: page.clone(),
                        slides: deck.slides.len(),
                    });
                    decks.push(DeckReport {
                        page,
                        slides: deck.slides.len(),
                        track: deck.track,
                        shortened: deck.shortened,
                        planned_minutes: deck.planned_minutes,
                        sections: deck.sections,
                    });
                }
                Err(ds) => out.problems.0.extend(ds),
            }
        }
        out.report.push("decks", decks);
        out.home.push("decks", deck_links);
        Ok(())
    }
}

/// The built deck of `e` as the deck product builds it (same markdown,
/// same track), for a product that plans around it (the facilitator
/// guide); `None` when it does not build (the deck product reports why).
pub(crate) fn built(site: &Site, links: &Links, e: &crate::product::Expansion) -> Option<Deck> {
    let page = e.doc.out_path();
    let r = crate::markdown::render_slides(&e.expanded.text, &links.context(e, &page));
    slides::build(e.doc, &e.expanded, &r.html, &r.breaks, site.track)
        .ok()
        .map(|(deck, _)| deck)
}

/// A deck's page from `templates/deck.html` (or the document's template).
fn render_page(
    site: &Site,
    e: &crate::product::Expansion,
    page: &str,
    deck: &Deck,
) -> Result<String, crate::diag::Diagnostic> {
    let doc = e.doc;
    let data = DeckData {
        title: &doc.front.title,
        sections: &deck.sections,
        planned_minutes: deck.planned_minutes,
        track: deck.track.as_deref(),
        guide: {
            // Beside public/ unless the keys are published in it.
            let guide = crate::sheets::pages::GUIDE_PAGE;
            match (
                crate::markdown::root_of(page).as_str(),
                site.an.p.config.sheets.publish_keys,
            ) {
                (".", true) => guide.to_string(),
                (".", false) => format!("../{guide}"),
                (root, true) => format!("{root}/{guide}"),
                (root, false) => format!("{root}/../{guide}"),
            }
        },
    };
    let json = serde_json::to_string(&data)
        .unwrap_or_default()
        .replace("</", "<\\/");
    let config = &site.an.p.config;
    let ctx = DeckContext {
        root: crate::markdown::root_of(page),
        site_title: config.site.title.clone(),
        title: &doc.front.title,
        description: doc.front.description.as_deref(),
        paper: config.site.paper,
        deck,
        data_json: json,
    };
    let template = doc.front.template.as_deref().unwrap_or("deck.html");
    crate::templates::render(site.tera, template, &ctx, site.root)
        .map_err(|err| site.template_problem(template, doc, &err))
}

impl Shortcodes for Directives {
    fn specs(&self) -> &'static [Spec] {
        &SPECS
    }

    fn only_in(&self) -> Option<Kind> {
        Some(Kind::Deck)
    }

    fn validate(&self, call: &Call) -> Vec<Fail> {
        let mut out = Vec::new();
        if let Some(arg) = call.arg("track")
            && let Value::Str(t) = &arg.value
            && !TRACKS.contains(&t.as_str())
        {
            out.push(
                Fail::new(arg.value_at, format!("unknown track `{t}`"))
                    .hint("track is \"long\" (full deck only) or \"short\" (short track only)"),
            );
        }
        if let Some(arg) = call.arg("activity")
            && let Value::Str(t) = &arg.value
        {
            if !ACTIVITIES.contains(&t.as_str()) {
                out.push(
                    Fail::new(arg.value_at, format!("unknown activity `{t}`"))
                        .hint("activity is \"talk\", \"hands-on\" or \"break\""),
                );
            } else if call.arg("sheet").is_some() {
                out.push(
                    Fail::new(arg.name_at, "a section with `sheet` is pen and paper")
                        .hint("leave out `activity` (or `sheet`)"),
                );
            }
        }
        for name in ["exercises", "homework"] {
            if let Some(arg) = call.arg(name) {
                if call.arg("sheet").is_none() {
                    out.push(
                        Fail::new(arg.name_at, format!("`{name}` needs `sheet`"))
                            .hint("name the sheet, e.g. sheet=\"sheets/conceptual.md\""),
                    );
                }
                if let Value::Str(v) = &arg.value
                    && let Err(e) = numbers(v)
                {
                    out.push(Fail::new(arg.value_at, e).hint(
                        "exercise numbers as printed on the sheet, separated by spaces, e.g. \"2 3\"",
                    ));
                }
            }
        }
        if let Some(arg) = call.arg("minutes")
            && let Value::Int(m) = arg.value
            && !(0..=1000).contains(&m)
        {
            out.push(Fail::new(
                arg.value_at,
                format!("`minutes` must be between 0 and 1000, not {m}"),
            ));
        }
        out
    }

    /// Directives need no model (a static check reads them too), but `qr`
    /// needs the configuration.
    fn expand(&self, call: &Call, cx: &mut Cx) -> Result<(), Fail> {
        let args = Args(call);
        let at = call.range.start;
        let mark = |cx: &mut Cx, kind: MarkKind| {
            let m = DeckMark {
                at: cx.offset(),
                src: at,
                kind,
            };
            cx.state(Marks::default).0.push(m);
        };
        match call.name.as_str() {
            "notes" | "fragment" => {
                let class = match (call.name.as_str(), args.bool("items")) {
                    ("notes", _) => "<aside class=\"notes\">",
                    (_, Some(true)) => "<div class=\"fragment-items\">",
                    _ => "<div class=\"fragment\">",
                };
                let close = if call.name == "notes" {
                    "</aside>"
                } else {
                    "</div>"
                };
                cx.generated(at, &format!("\n{class}\n\n"));
                if let Some(b) = call.body.clone() {
                    cx.expand_nested(b);
                }
                cx.generated(call.range.end, &format!("\n\n{close}\n\n"));
            }
            "section" => mark(
                cx,
                MarkKind::Section {
                    minutes: args.int("minutes").unwrap_or(0).clamp(0, 1000) as u32,
                    title: args.str("title").map(str::to_string),
                    track: args.str("track").map(str::to_string),
                    activity: args.str("activity").map(str::to_string),
                    sheet: args.str("sheet").map(|sheet| SheetPlan {
                        sheet: sheet.trim_start_matches("@/").to_string(),
                        exercises: numbers(args.str("exercises").unwrap_or_default())
                            .unwrap_or_default(),
                        homework: numbers(args.str("homework").unwrap_or_default())
                            .unwrap_or_default(),
                    }),
                },
            ),
            "slide" => mark(
                cx,
                MarkKind::Slide {
                    classes: args
                        .str("class")
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(str::to_string)
                        .collect(),
                    track: args.str("track").map(str::to_string),
                },
            ),
            "qr" => {
                let Some(an) = cx.an() else {
                    return Ok(());
                };
                match &an.p.config.site.base_url {
                    Some(url) => {
                        mark(cx, MarkKind::Qr { drawn: true });
                        let html = qr_html(url).map_err(|e| Fail::new(call.name_at, e))?;
                        cx.generated(at, &format!("\n{html}\n\n"));
                    }
                    None => {
                        mark(cx, MarkKind::Qr { drawn: false });
                        cx.generated(at, &format!("\n{}\n\n", slides::qr_placeholder_html()));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The deck's shortcodes.
pub(crate) const SPECS: [Spec; 5] = [
    Spec {
        name: "section",
        block: false,
        alone: true,
        summary: "decks: starts a section of the talk at this slide, with its planned minutes",
        required: &["minutes"],
        groups: &[&[
            a("minutes", Ty::Int, "planned minutes for the section"),
            a(
                "title",
                Ty::Str,
                "the section's name (default: the slide's heading)",
            ),
            a(
                "track",
                Ty::Str,
                "\"long\": only in the full deck; \"short\": only when `--track` has to leave out the long parts",
            ),
            a(
                "sheet",
                Ty::Str,
                "a sheet whose exercises the section schedules (path below content/, e.g. \"sheets/conceptual.md\")",
            ),
            a(
                "exercises",
                Ty::Str,
                "the sheet's exercises done in this section, e.g. \"2 3\": their minutes must fit in the section's",
            ),
            a(
                "homework",
                Ty::Str,
                "the sheet's exercises left for after the workshop, e.g. \"4 5 6\"",
            ),
            a(
                "activity",
                Ty::Str,
                "what the room does, for the facilitator guide: \"talk\" (default), \"hands-on\", \"break\" (a section with `sheet` is pen and paper)",
            ),
        ]],
    },
    Spec {
        name: "slide",
        block: false,
        alone: true,
        summary: "decks: options of the slide it stands in",
        required: &[],
        groups: &[&[
            a(
                "class",
                Ty::Str,
                "classes of the slide, space separated: title, columns, figure, center, no-title",
            ),
            a(
                "track",
                Ty::Str,
                "\"long\" or \"short\", as for `section`, for this slide only",
            ),
        ]],
    },
    Spec {
        name: "notes",
        block: true,
        alone: true,
        summary: "decks: speaker notes of the slide (shown in the presenter view and the notes print)",
        required: &[],
        groups: &[],
    },
    Spec {
        name: "fragment",
        block: true,
        alone: true,
        summary: "decks: content revealed on the next key press (fully shown in print)",
        required: &[],
        groups: &[&[a(
            "items",
            Ty::Bool,
            "reveal the items of the list inside one by one",
        )]],
    },
    Spec {
        name: "qr",
        block: false,
        alone: true,
        summary: "decks: a QR code of `[site] base_url` with the address under it (without base_url: where the served or handed-out site is found)",
        required: &[],
        groups: &[],
    },
];

/// Exercise numbers written `"2 3"` (or `"2, 3"`).
fn numbers(s: &str) -> Result<Vec<u32>, String> {
    s.split([' ', ','])
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("`{w}` is not an exercise number"))
        })
        .collect()
}

/// The values of `track`.
pub(crate) const TRACKS: [&str; 2] = ["long", "short"];

/// The values of `section(activity=…)`.
pub(crate) const ACTIVITIES: [&str; 3] = ["talk", "hands-on", "break"];
