//! The course product: the course pages (`kind = "page"`, the default),
//! the home page with the outline, the figure gallery, the theme and the
//! content's assets, as output files (one writer puts them on disk).

mod gallery;
mod glossary;
mod home;
pub(crate) mod theme;

use crate::content::{Doc, Kind};
use crate::embeds::Shown;
use crate::markdown::{Heading, relative, root_of};
use crate::output::OutputFile;
use crate::product::{Expansion, Links, Output, Plan, Product, Site, Template};
use serde::Serialize;
use std::collections::BTreeSet;

/// The course product.
pub(crate) struct Course;

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

/// The one-page summary's template (its page is printed with `--pdf`).
pub(crate) const SUMMARY_TEMPLATE: &str = "summary.html";

const TEMPLATES: [Template; 5] = [
    Template::shipped("base.html", include_str!("../../templates/base.html")),
    Template::shipped("figures.html", include_str!("../../templates/figures.html")),
    Template::shipped("index.html", include_str!("../../templates/index.html")),
    Template::shipped("page.html", include_str!("../../templates/page.html")),
    Template::shipped(
        SUMMARY_TEMPLATE,
        include_str!("../../templates/summary.html"),
    ),
];

/// The outline: published course pages (not the home document), by weight
/// then path.
fn outline<'a>(site: &Site<'a, '_>) -> Vec<&'a Expansion<'a>> {
    let mut docs: Vec<&Expansion> = site
        .docs_of(Kind::Page)
        .filter(|e| !e.doc.front.draft && !e.doc.is_home())
        .collect();
    docs.sort_by(|a, b| (a.doc.front.weight, &a.doc.rel).cmp(&(b.doc.front.weight, &b.doc.rel)));
    docs
}

fn outline_links(outline: &[&Expansion], from: &str, current: Option<&str>) -> Vec<NavLink> {
    outline
        .iter()
        .enumerate()
        .map(|(i, p)| nav(p.doc, from, i + 1, current == Some(p.doc.rel.as_str())))
        .collect()
}

impl Product for Course {
    fn name(&self) -> &'static str {
        "course"
    }

    fn templates(&self) -> &'static [Template] {
        &TEMPLATES
    }

    /// The gallery (the catalog and every figure a published document of
    /// any kind shows), the theme and the content's assets.
    fn plan(&self, site: &Site, plan: &mut Plan) -> anyhow::Result<()> {
        let an = site.an;
        let figures: Vec<std::rc::Rc<crate::figures::Figure>> = figure_ids(site)
            .iter()
            .filter_map(|id| an.figure(id))
            .collect();
        plan.files.extend(crate::prof::tally("course: gallery", || {
            gallery::gallery_files(site, &figures)
        })?);
        plan.files.extend(crate::prof::tally("course: theme", || {
            theme::theme_files(site.root)
        })?);
        plan.names.insert("index.html".to_string());
        Ok(())
    }

    fn render(&self, site: &Site, links: &Links, out: &mut Output) -> anyhow::Result<()> {
        let outline = outline(site);
        let mut intro = None;
        let rendered: Vec<_> = site
            .docs_of(Kind::Page)
            .map(|e| {
                let page = e.doc.out_path();
                let r =
                    crate::prof::tally("course: markdown", || out.markdown(e, links, &page, false));
                (e, page, r)
            })
            .collect();
        // The glossary's terms, linked at their first use on every other page.
        let glossary = rendered
            .iter()
            .find(|(e, _, _)| e.doc.rel == glossary::PAGE && !e.doc.front.draft);
        let terms =
            glossary.map_or_else(Vec::new, |(_, _, r)| glossary::terms(&r.headings, &r.html));
        let glossary_page = glossary.map(|(e, _, _)| e.doc.out_path());
        for (e, page, mut r) in rendered {
            if e.doc.front.draft {
                continue;
            }
            if let Some(g) = &glossary_page
                && *g != page
                && !e.doc.is_home()
            {
                r.html = crate::prof::tally("course: glossary links", || {
                    glossary::link_terms(&r.html, &terms, &relative(&page, g))
                });
            }
            if e.doc.is_home() {
                intro = Some(r.html);
                continue;
            }
            let position = outline.iter().position(|o| o.doc.rel == e.doc.rel);
            let neighbour = |i: Option<usize>| {
                i.and_then(|i| outline.get(i))
                    .map(|o| nav(o.doc, &page, 0, false))
            };
            let ctx = PageContext {
                root: root_of(&page),
                site_title: site.an.p.config.site.title.clone(),
                title: &e.doc.front.title,
                description: e.doc.front.description.as_deref(),
                minutes: e.doc.front.minutes,
                kind: e.doc.front.kind,
                content: r.html,
                toc: toc(&r.headings),
                prev: neighbour(position.and_then(|i| i.checked_sub(1))),
                next: neighbour(position.map(|i| i + 1)),
                outline: outline_links(&outline, &page, Some(&e.doc.rel)),
                number: position.map(|i| i + 1),
                source: format!("{}/{}", crate::content::DIR, e.doc.rel),
            };
            let template = e.doc.front.template.as_deref().unwrap_or("page.html");
            if site.tera.get_template(template).is_err() {
                continue; // reported by the build's first pass
            }
            if template == SUMMARY_TEMPLATE {
                // The one-page summary is handed out: `--pdf` prints it,
                // failing when it takes more than one page.
                out.print.push(crate::print::PrintJob::Paged {
                    rel: page.clone(),
                    learner: false,
                    budget: Some(crate::print::Budget {
                        pages: 1,
                        source: format!(
                            "{}/{}: the summary prints on one page",
                            crate::content::DIR,
                            e.doc.rel
                        ),
                    }),
                });
            }
            match crate::prof::tally("course: template", || {
                crate::templates::render(site.tera, template, &ctx, site.root)
            }) {
                Ok(html) => out.files.push(OutputFile::new(page, html)),
                Err(err) => out
                    .problems
                    .push(site.template_problem(template, e.doc, &err)),
            }
        }
        let pages: Vec<String> = outline.iter().map(|p| p.doc.out_path()).collect();
        out.report.push("pages", pages);
        // The home document's body (content/_index.md), for `finish`.
        out.home.push("intro", intro);
        Ok(())
    }

    /// The home page, with every product's home sections.
    fn finish(&self, site: &Site, out: &mut Output) -> anyhow::Result<()> {
        let outline = outline(site);
        let home = home::home_context(
            site,
            outline_links(&outline, "index.html", None),
            std::mem::take(&mut out.home),
        );
        out.files.push(OutputFile::new(
            "index.html",
            crate::templates::render(site.tera, "index.html", &home, site.root)?,
        ));
        Ok(())
    }
}

/// Every figure the site writes to `figures/`: the catalog and every figure
/// a published document of any kind shows, sorted by id.
fn figure_ids(site: &Site) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = site.an.catalog_ids().clone();
    for e in site.docs.iter().filter(|e| !e.doc.front.draft) {
        if let Some(shown) = e.expanded.state.get::<Shown>() {
            ids.extend(shown.figures.iter().cloned());
        }
    }
    ids
}

/// Whether figure `id` is a print or slide variant of another figure (the
/// gallery shows and counts each figure once, in its screen form).
pub(super) fn is_variant(id: &str) -> bool {
    crate::figure_files::variant_base(id).is_some()
}

/// How many figures the gallery shows.
pub(super) fn gallery_count(site: &Site) -> usize {
    figure_ids(site).iter().filter(|id| !is_variant(id)).count()
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
