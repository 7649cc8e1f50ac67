//! The site renderer: content pages, the home page, the figure gallery and
//! the theme, as `Vec<OutputFile>` (one writer puts them on disk).
//!
//! Two passes over the content: first every document's shortcodes are
//! expanded (figures drawn, numbers measured, claims judged) and its heading
//! ids collected; then each page's markdown is rendered with every link
//! checked against the whole site (pages, anchors and files) and wrapped in
//! its Tera template. Every problem of every page is collected before the
//! build stops, each at the author's `file:line:col`.

use crate::content::{Content, Doc, Kind};
use crate::diag::{Diagnostic, Diagnostics};
use crate::figures::training_curve::training_curve;
use crate::markdown::{self, Heading, LinkContext, relative, root_of};
use crate::num::{fixed, grouped, percent};
use crate::output::OutputFile;
use crate::shortcodes::expand::{ClaimRecord, Expanded, expand};
use crate::workshop::Analyses;
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A link from the content to the web (listed by `check`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExternalLink {
    pub url: String,
    /// `content/x.md:line:col`.
    pub at: String,
}

/// What rendering the site produced.
pub struct SiteOutput {
    pub files: Vec<OutputFile>,
    pub claims: Vec<ClaimRecord>,
    pub external: Vec<ExternalLink>,
    /// Published pages (output paths), in outline order.
    pub pages: Vec<String>,
    pub decks: Vec<crate::report::DeckReport>,
    pub sheets: Vec<crate::sheets::pages::SheetReport>,
    /// Answer keys and the TA table (`instructor/…`): in `files` too when
    /// `[sheets] publish_keys`, else only here (written beside `public/`).
    pub instructor: Vec<OutputFile>,
    pub ta_table: Option<String>,
    /// The downloads, the notebook and the explorer.
    pub hands_on: crate::handson::HandsOnReport,
    /// Things the author should know that do not stop the build.
    pub warnings: Vec<String>,
}

/// Everything the site is made from.
pub struct SiteInput<'a, 'b> {
    pub root: &'a Path,
    pub analyses: &'a Analyses<'b>,
    pub content: &'a Content,
    pub tera: &'a tera::Tera,
    /// `--track N`: the minutes a deck must fit in.
    pub track: Option<u32>,
    /// `--variants N`: variants of every sheet.
    pub variants: Option<u32>,
}

/// A link in navigation.
#[derive(Debug, Clone, Serialize)]
struct NavLink {
    title: String,
    href: String,
    description: Option<String>,
    minutes: Option<u32>,
    /// 1-based position in the outline.
    number: usize,
    current: bool,
}

#[derive(Serialize)]
struct TocEntry {
    level: u8,
    id: String,
    text: String,
}

#[derive(Serialize)]
struct PageContext<'a> {
    root: String,
    site_title: String,
    title: &'a str,
    description: Option<&'a str>,
    minutes: Option<u32>,
    kind: Kind,
    /// The page's HTML (trusted: rendered by kvlens).
    content: String,
    toc: Vec<TocEntry>,
    prev: Option<NavLink>,
    next: Option<NavLink>,
    outline: Vec<NavLink>,
    /// Position in the outline (None for pages outside it).
    number: Option<usize>,
    /// `content/<path>`: where to edit this page.
    source: String,
}

#[derive(Serialize)]
struct DeckContext<'a> {
    root: String,
    site_title: String,
    title: &'a str,
    description: Option<&'a str>,
    paper: crate::config::Paper,
    deck: &'a crate::deck::Deck,
    /// The deck's timing for deck.js (JSON, safe inside `<script>`).
    data_json: String,
}

/// What deck.js reads from `<script id="deck-data">`.
#[derive(Serialize)]
struct DeckData<'a> {
    title: &'a str,
    sections: &'a [crate::deck::Section],
    planned_minutes: u32,
    track: Option<&'a str>,
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

/// One document after the first pass.
struct Expansion<'d> {
    doc: &'d Doc,
    expanded: Expanded,
    ids: BTreeSet<String>,
}

/// Renders every page of the site, or every problem found.
pub fn render(input: &SiteInput) -> Result<SiteOutput> {
    let an = input.analyses;
    let mut problems = Diagnostics::default();
    // Pass 1: shortcodes, headings.
    let expansions: Vec<Expansion> = input
        .content
        .docs
        .iter()
        .map(|doc| {
            let expanded = expand(doc, Some(an));
            let ids = markdown::headings(&expanded.text)
                .into_iter()
                .map(|h| h.id)
                .collect();
            Expansion { doc, expanded, ids }
        })
        .collect();
    for p in &expansions {
        problems.0.extend(p.expanded.problems.iter().cloned());
        if let Some(t) = &p.doc.front.template
            && input.tera.get_template(t).is_err()
        {
            problems.push(
                Diagnostic::new(
                    &p.doc.source,
                    format!("front matter: no template `{t}` in templates/"),
                )
                .at_offset(&p.doc.text, p.doc.text.find("template").unwrap_or(0))
                .with_hint("templates are the *.html files of templates/"),
            );
        }
    }
    let published: Vec<&Expansion> = expansions.iter().filter(|p| !p.doc.front.draft).collect();
    // Figures: the catalog (gallery) and every figure a published page shows.
    let mut figure_ids: BTreeSet<String> = an.catalog_ids().clone();
    for p in &published {
        figure_ids.extend(p.expanded.figures.iter().cloned());
    }
    let figures: Vec<std::rc::Rc<crate::figures::Figure>> =
        figure_ids.iter().filter_map(|id| an.figure(id)).collect();
    let mut files = gallery_files(input, &figures)?;
    files.extend(theme_files(input.root)?);
    for a in &input.content.assets {
        files.push(OutputFile::new(a.rel.clone(), crate::fsx::read(&a.source)?));
    }
    let (downloads, notebook) = crate::handson::downloads(an, input.tera, input.root)?;
    let download_names = downloads.iter().map(|f| f.rel_path.clone()).collect();
    files.extend(downloads);
    let docs_map: BTreeMap<String, (String, BTreeSet<String>)> = expansions
        .iter()
        .map(|p| (p.doc.rel.clone(), (p.doc.out_path(), p.ids.clone())))
        .collect();
    let mut all_files: BTreeSet<String> = files.iter().map(|f| f.rel_path.clone()).collect();
    all_files.extend(published.iter().map(|p| p.doc.out_path()));
    all_files.insert("index.html".to_string());
    all_files.insert(crate::REPORT_FILE.to_string());
    let explorers: Vec<&Expansion> = published
        .iter()
        .copied()
        .filter(|p| p.doc.front.kind == Kind::Explorer)
        .collect();
    if let Some(first) = explorers.first() {
        all_files.insert(crate::handson::explorer::MODEL_JS.to_string());
        all_files.insert(crate::handson::explorer::VECTORS.to_string());
        for extra in explorers.iter().skip(1) {
            problems.push(
                Diagnostic::new(
                    &extra.doc.source,
                    format!(
                        "a second explorer page; {} is one already",
                        first.doc.source.display()
                    ),
                )
                .at_offset(&extra.doc.text, extra.doc.text.find("kind").unwrap_or(0))
                .with_hint("the explorer's model script is shared: keep one `kind = \"explorer\"` document"),
            );
        }
    }
    let publish_keys = an.p.config.sheets.publish_keys;
    for p in &published {
        if p.doc.front.kind != Kind::Sheet {
            continue;
        }
        let n =
            crate::sheets::pages::variants_of(p.doc, input.variants, an.p.config.sheets.variants)
                .unwrap_or(1);
        for (sheet, key) in crate::sheets::pages::page_paths(p.doc, n) {
            all_files.insert(sheet);
            if publish_keys {
                all_files.insert(key);
            }
        }
        if publish_keys {
            all_files.insert(crate::sheets::pages::TA_PAGE.to_string());
        }
    }

    // The outline: published pages (not the home document), by weight then path.
    let mut outline_docs: Vec<&Expansion> = published
        .iter()
        .copied()
        .filter(|p| !p.doc.is_home() && p.doc.front.kind == Kind::Page)
        .collect();
    outline_docs
        .sort_by(|a, b| (a.doc.front.weight, &a.doc.rel).cmp(&(b.doc.front.weight, &b.doc.rel)));
    let outline_for = |from: &str, current: Option<&str>| -> Vec<NavLink> {
        outline_docs
            .iter()
            .enumerate()
            .map(|(i, p)| nav(p.doc, from, i + 1, current == Some(p.doc.rel.as_str())))
            .collect()
    };

    let drafts: BTreeSet<String> = expansions
        .iter()
        .filter(|p| p.doc.front.draft)
        .map(|p| p.doc.rel.clone())
        .collect();
    // Pass 2: markdown, links, templates.
    let mut external = Vec::new();
    let mut home_html = None;
    let mut decks = Vec::new();
    let mut deck_links = Vec::new();
    let mut warnings = Vec::new();
    let mut sheets = Vec::new();
    let mut explorer_report = None;
    let mut ta = Vec::new();
    let mut instructor = Vec::new();
    let sheet_input = crate::sheets::pages::SheetInput {
        root: input.root,
        an,
        tera: input.tera,
        docs: &docs_map,
        files: &all_files,
        drafts: &drafts,
        variants_flag: input.variants,
    };
    for p in &expansions {
        let page = p.doc.out_path();
        let links = LinkContext {
            page: &page,
            docs: &docs_map,
            files: &all_files,
            drafts: &drafts,
            page_is_draft: p.doc.front.draft,
            own_ids: &p.ids,
        };
        let is_deck = p.doc.front.kind == Kind::Deck;
        if p.doc.front.kind == Kind::Sheet {
            if p.doc.front.draft || !p.expanded.problems.is_empty() {
                continue; // drafts are checked in pass 1; problems reported there
            }
            match crate::sheets::pages::render(&sheet_input, p.doc, &p.expanded) {
                Ok(out) => {
                    files.extend(out.public);
                    instructor.extend(out.instructor);
                    sheets.push(out.report);
                    ta.push(out.ta);
                }
                Err(ds) => problems.0.extend(ds),
            }
            continue;
        }
        let r = if is_deck {
            markdown::render_slides(&p.expanded.text, &links)
        } else {
            markdown::render(&p.expanded.text, &links)
        };
        for problem in r.problems {
            let mut d = p
                .doc
                .diag_at(p.expanded.source_offset(problem.at), problem.message);
            d.hint = problem.hint;
            problems.push(d);
        }
        for (url, at) in r.external {
            let (line, col) =
                crate::diag::line_col(&p.doc.text, p.doc.body_start + p.expanded.source_offset(at));
            external.push(ExternalLink {
                url,
                at: format!("{}/{}:{line}:{col}", crate::content::DIR, p.doc.rel),
            });
        }
        if p.doc.front.draft {
            continue;
        }
        if p.doc.is_home() {
            home_html = Some(r.html);
            continue;
        }
        if p.doc.front.kind == Kind::Explorer {
            if explorer_report.is_some() {
                continue; // reported above
            }
            let theme_bytes = files
                .iter()
                .filter(|f| crate::handson::explorer::THEME_FILES.contains(&f.rel_path.as_str()))
                .map(|f| f.bytes.len())
                .sum();
            let template = p
                .doc
                .front
                .template
                .as_deref()
                .unwrap_or(crate::handson::explorer::TEMPLATE);
            let e = crate::handson::ExplorerPage {
                page: &page,
                title: &p.doc.front.title,
                description: p.doc.front.description.as_deref(),
                intro: r.html,
                template,
                theme_bytes,
            };
            match crate::handson::explorer_page(an, input.tera, input.root, &e) {
                Ok((out, report, warning)) => {
                    files.extend(out);
                    warnings.extend(warning);
                    explorer_report = Some(report);
                }
                Err(err) => problems.push(
                    Diagnostic::new(
                        input.root.join("templates").join(template),
                        format!("{err:#}"),
                    )
                    .with_hint(format!("while rendering {}", p.doc.source.display())),
                ),
            }
            continue;
        }
        if is_deck {
            match crate::deck::build(p.doc, &p.expanded, &r.html, &r.breaks, input.track) {
                Ok((deck, w)) => {
                    warnings.extend(w);
                    match render_deck(input, p.doc, &page, &deck) {
                        Ok(html) => files.push(OutputFile::new(page.clone(), html)),
                        Err(e) => problems.push(e),
                    }
                    deck_links.push(DeckLink {
                        title: p.doc.front.title.clone(),
                        href: page.clone(),
                        description: p.doc.front.description.clone(),
                        slides: deck.slides.len(),
                        minutes: deck.planned_minutes,
                    });
                    decks.push(crate::report::DeckReport {
                        page,
                        slides: deck.slides.len(),
                        track: deck.track,
                        shortened: deck.shortened,
                        planned_minutes: deck.planned_minutes,
                        sections: deck.sections,
                    });
                }
                Err(ds) => problems.0.extend(ds),
            }
            continue;
        }
        let position = outline_docs.iter().position(|o| o.doc.rel == p.doc.rel);
        let neighbour = |i: Option<usize>| {
            i.and_then(|i| outline_docs.get(i))
                .map(|o| nav(o.doc, &page, 0, false))
        };
        let ctx = PageContext {
            root: root_of(&page),
            site_title: an.p.config.site.title.clone(),
            title: &p.doc.front.title,
            description: p.doc.front.description.as_deref(),
            minutes: p.doc.front.minutes,
            kind: p.doc.front.kind,
            content: r.html,
            toc: toc(&r.headings),
            prev: neighbour(position.and_then(|i| i.checked_sub(1))),
            next: neighbour(position.map(|i| i + 1)),
            outline: outline_for(&page, Some(&p.doc.rel)),
            number: position.map(|i| i + 1),
            source: format!("{}/{}", crate::content::DIR, p.doc.rel),
        };
        let template = p.doc.front.template.as_deref().unwrap_or("page.html");
        if input.tera.get_template(template).is_err() {
            continue; // reported above
        }
        match crate::templates::render(input.tera, template, &ctx, input.root) {
            Ok(html) => files.push(OutputFile::new(page, html)),
            Err(e) => problems.push(
                Diagnostic::new(
                    input.root.join("templates").join(template),
                    format!("{e:#}"),
                )
                .with_hint(format!("while rendering {}", p.doc.source.display())),
            ),
        }
    }
    problems.into_result()?;
    let ta_table = if ta.is_empty() {
        None
    } else {
        instructor.push(crate::sheets::pages::ta_page(
            input.root, an, input.tera, &ta,
        )?);
        Some(crate::sheets::pages::TA_PAGE.to_string())
    };
    instructor.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    if publish_keys {
        files.extend(instructor.iter().cloned());
    }
    let mut home = home_context(input, home_html, outline_for("index.html", None));
    home.decks = deck_links;
    home.sheets = sheets.clone();
    home.ta_table = ta_table.clone().filter(|_| publish_keys);
    files.push(OutputFile::new(
        "index.html",
        crate::templates::render(input.tera, "index.html", &home, input.root)?,
    ));
    external.sort();
    external.dedup();
    let mut claims: Vec<ClaimRecord> = expansions
        .iter()
        .flat_map(|p| p.expanded.claims.iter().cloned())
        .collect();
    claims.sort_by(|a, b| a.at.cmp(&b.at));
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(SiteOutput {
        files,
        claims,
        external,
        pages: outline_docs.iter().map(|p| p.doc.out_path()).collect(),
        decks,
        sheets,
        instructor,
        ta_table,
        hands_on: crate::handson::HandsOnReport {
            downloads: download_names,
            notebook,
            explorer: explorer_report,
        },
        warnings,
    })
}

/// A deck's page from `templates/deck.html` (or the document's template).
fn render_deck(
    input: &SiteInput,
    doc: &Doc,
    page: &str,
    deck: &crate::deck::Deck,
) -> std::result::Result<String, Diagnostic> {
    let data = DeckData {
        title: &doc.front.title,
        sections: &deck.sections,
        planned_minutes: deck.planned_minutes,
        track: deck.track.as_deref(),
    };
    let json = serde_json::to_string(&data)
        .unwrap_or_default()
        .replace("</", "<\\/");
    let ctx = DeckContext {
        root: root_of(page),
        site_title: input.analyses.p.config.site.title.clone(),
        title: &doc.front.title,
        description: doc.front.description.as_deref(),
        paper: input.analyses.p.config.site.paper,
        deck,
        data_json: json,
    };
    let template = doc.front.template.as_deref().unwrap_or("deck.html");
    crate::templates::render(input.tera, template, &ctx, input.root).map_err(|e| {
        Diagnostic::new(
            input.root.join("templates").join(template),
            format!("{e:#}"),
        )
        .with_hint(format!("while rendering {}", doc.source.display()))
    })
}

fn nav(doc: &Doc, from: &str, number: usize, current: bool) -> NavLink {
    NavLink {
        title: doc.front.title.clone(),
        href: relative(from, &doc.out_path()),
        description: doc.front.description.clone(),
        minutes: doc.front.minutes,
        number,
        current,
    }
}

fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    headings
        .iter()
        .filter(|h| h.level == 2 || h.level == 3)
        .map(|h| TocEntry {
            level: h.level,
            id: h.id.clone(),
            text: h.text.clone(),
        })
        .collect()
}

#[derive(Serialize)]
struct IndexContext {
    /// Relative path from the page to the site root ("." here).
    root: String,
    site_title: String,
    /// The home document's body (content/_index.md), rendered.
    intro: Option<String>,
    outline: Vec<NavLink>,
    total_minutes: u32,
    model: ModelView,
    test_accuracy: String,
    per_digit: Vec<DigitView>,
    decomposition: DecompositionView,
    training_curve_svg: String,
    training_curve_alt: String,
    figure_count: usize,
    /// Slide decks (filled in after the pages).
    decks: Vec<DeckLink>,
    /// Exercise sheets (their report: pages, keys, exercises).
    sheets: Vec<crate::sheets::pages::SheetReport>,
    /// The TA table, when keys are published.
    ta_table: Option<String>,
}

#[derive(Serialize)]
struct ModelView {
    hidden: usize,
    parameters: String,
    epochs: usize,
    batch_size: usize,
    learning_rate: String,
    optimizer: &'static str,
    weight_decay: String,
    loss: &'static str,
    train_images: String,
    train_images_available: String,
    seed: u64,
    weights_sha256_short: String,
}

#[derive(Serialize)]
struct DigitView {
    digit: usize,
    accuracy: String,
    correct: usize,
    total: usize,
    /// Bar width in percent of the column (0–100).
    bar: String,
}

#[derive(Serialize)]
struct DecompositionView {
    images: String,
    pairs: usize,
    max_abs_diff: String,
    passed: bool,
}

fn home_context(input: &SiteInput, intro: Option<String>, outline: Vec<NavLink>) -> IndexContext {
    let p = input.analyses.p;
    let m = &p.config.model;
    let curve = training_curve(&p.run.trained.history);
    IndexContext {
        root: ".".to_string(),
        site_title: p.config.site.title.clone(),
        intro,
        total_minutes: outline.iter().filter_map(|n| n.minutes).sum(),
        outline,
        model: ModelView {
            hidden: m.hidden,
            parameters: grouped(p.model().parameter_count() as u64),
            epochs: m.epochs,
            batch_size: m.batch_size,
            learning_rate: format!("{}", m.learning_rate),
            optimizer: match m.optimizer {
                crate::config::Optimizer::Adam => "Adam",
                crate::config::Optimizer::Adamw => "AdamW",
            },
            weight_decay: format!("{}", m.effective_weight_decay()),
            loss: match m.loss {
                crate::config::Loss::CrossEntropy => "cross-entropy on softmax",
                crate::config::Loss::Mse => "mean squared error between softmax and one-hot",
            },
            train_images: grouped(m.train_images as u64),
            train_images_available: grouped(p.dataset.train.len() as u64),
            seed: m.seed,
            weights_sha256_short: p.weights_sha256.chars().take(12).collect(),
        },
        test_accuracy: percent(p.evaluation.accuracy(), 2),
        per_digit: (0..10)
            .map(|d| {
                let (correct, total) = p.evaluation.per_digit[d];
                let acc = p.evaluation.digit_accuracy(d);
                DigitView {
                    digit: d,
                    accuracy: percent(acc, 2),
                    correct,
                    total,
                    bar: fixed(acc * 100.0, 1),
                }
            })
            .collect(),
        decomposition: DecompositionView {
            images: grouped(p.decomposition.images as u64),
            pairs: p.decomposition.pairs,
            max_abs_diff: format!("{:.1e}", p.decomposition.max_abs_diff),
            passed: p.decomposition.passed,
        },
        training_curve_svg: curve.to_svg_string(),
        training_curve_alt: curve.description.clone(),
        figure_count: input.analyses.catalog_ids().len(),
        decks: Vec::new(),
        sheets: Vec::new(),
        ta_table: None,
    }
}

#[derive(Serialize)]
struct GalleryContext<'a> {
    root: String,
    site_title: String,
    count: usize,
    groups: Vec<GalleryGroup<'a>>,
}

#[derive(Serialize)]
struct GalleryGroup<'a> {
    anchor: &'static str,
    title: &'static str,
    intro: &'static str,
    figures: Vec<GalleryFigure<'a>>,
}

#[derive(Serialize)]
struct GalleryFigure<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
}

/// A gallery group: anchor, title, introduction, and which ids belong to it.
type Group = (&'static str, &'static str, &'static str, fn(&str) -> bool);

/// The groups of the gallery, in order (the last takes the rest).
const GROUPS: [Group; 3] = [
    (
        "toy",
        "Toy networks",
        "Networks small enough to compute by hand, from content/nets/: each net, each of its example inputs flowing through it, each pair highlighted, and the worked calculations in exact decimals.",
        |id| id.starts_with("net-"),
    ),
    (
        "images",
        "Example images",
        "The workshop's example digits, taken apart pair by pair by the trained network.",
        |id| {
            id.starts_with("test-")
                || id.starts_with("train-")
                || id.starts_with("blank-")
                || id.starts_with("profiles-")
                || id.starts_with("matrix-")
        },
    ),
    (
        "population",
        "The network and the test set",
        "Training, and what the pairs do across all 10 000 test images.",
        |_| true,
    ),
];

/// `figures/<id>.svg` for every figure and the gallery page `figures/index.html`.
fn gallery_files(
    input: &SiteInput,
    figures: &[std::rc::Rc<crate::figures::Figure>],
) -> Result<Vec<OutputFile>> {
    let texts: Vec<std::rc::Rc<str>> = figures.iter().map(|f| input.analyses.svg_text(f)).collect();
    let pairs: Vec<(&crate::figures::Figure, &str)> = figures
        .iter()
        .map(|f| &**f)
        .zip(texts.iter().map(|t| &**t))
        .collect();
    let mut files = crate::figures::files::files_with_text(&pairs, "figures/", false)?;
    let catalog = input.analyses.catalog_ids();
    let mut groups: Vec<GalleryGroup> = GROUPS
        .iter()
        .map(|(anchor, title, intro, _)| GalleryGroup {
            anchor,
            title,
            intro,
            figures: Vec::new(),
        })
        .collect();
    for f in figures.iter().filter(|f| catalog.contains(&f.id)) {
        let g = GROUPS
            .iter()
            .position(|g| (g.3)(&f.id))
            .unwrap_or(GROUPS.len() - 1);
        groups[g].figures.push(GalleryFigure {
            id: &f.id,
            title: &f.title,
            description: &f.description,
        });
    }
    groups.retain(|g| !g.figures.is_empty());
    let ctx = GalleryContext {
        root: "..".to_string(),
        site_title: input.analyses.p.config.site.title.clone(),
        count: catalog.len(),
        groups,
    };
    let html = crate::templates::render(input.tera, "figures.html", &ctx, input.root)?;
    files.push(OutputFile::new("figures/index.html", html));
    Ok(files)
}

/// The theme kvlens ships (this repository's `theme/`); a workshop's own
/// `theme/<path>` replaces the file of the same path or adds to them.
pub const BUILTIN_THEME: [(&str, &[u8]); 9] = [
    ("deck.css", include_bytes!("../theme/deck.css")),
    ("deck.js", include_bytes!("../theme/deck.js")),
    ("favicon.svg", include_bytes!("../theme/favicon.svg")),
    (
        "fonts/DejaVuSans-Bold.ttf",
        include_bytes!("../theme/fonts/DejaVuSans-Bold.ttf"),
    ),
    (
        "fonts/DejaVuSans.ttf",
        include_bytes!("../theme/fonts/DejaVuSans.ttf"),
    ),
    (
        "fonts/LICENSE-DejaVu.txt",
        include_bytes!("../theme/fonts/LICENSE-DejaVu.txt"),
    ),
    ("sheet.css", include_bytes!("../theme/sheet.css")),
    ("site.js", include_bytes!("../theme/site.js")),
    ("style.css", include_bytes!("../theme/style.css")),
];

/// The built-in theme overlaid with every file under `<root>/theme`, as
/// `public/theme/…` (sorted).
fn theme_files(root: &Path) -> Result<Vec<OutputFile>> {
    let mut out: BTreeMap<String, Vec<u8>> = BUILTIN_THEME
        .iter()
        .map(|(p, b)| (format!("theme/{p}"), b.to_vec()))
        .collect();
    let dir = root.join("theme");
    if dir.exists() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let p = entry.path();
            let rel = crate::fsx::rel_slash(p, &dir);
            out.insert(format!("theme/{rel}"), crate::fsx::read(p)?);
        }
    }
    Ok(out
        .into_iter()
        .map(|(rel, bytes)| OutputFile::new(rel, bytes))
        .collect())
}
