//! The figure gallery: every figure of the catalog as `figures/<id>.svg`
//! with its data (`figures/<id>.csv` or `.json`, shared by a slide or print
//! variant with the same numbers; and every figure a
//! published page shows); `figures/index.html`, the overview listing every
//! figure by what it is about; and one page per group (one per example
//! image for the image group) showing the figures, each linking its SVG and
//! its data.

use crate::figures::gallery_pages::{GROUPS, group_of, page_of};
use crate::output::OutputFile;
use crate::product::Site;
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct GalleryContext<'a, 'b> {
    root: String,
    site_title: String,
    /// Figures in the whole gallery.
    count: usize,
    /// Every group with its pages (the overview lists them all).
    groups: Vec<GalleryGroup<'a>>,
    /// The page being rendered (its group is then `groups.0`, holding the
    /// page's figures), or none for the overview `index.html`.
    page: Option<&'b GalleryPage<'a>>,
}

#[derive(Serialize)]
struct GalleryGroup<'a> {
    anchor: &'static str,
    title: &'static str,
    intro: &'static str,
    pages: Vec<GalleryPage<'a>>,
    /// The group's figures (all of them in the overview, the page's on a
    /// page): what a `figures.html` written before the gallery had pages
    /// iterates, so a workshop's own copy of it still builds.
    figures: Vec<GalleryFigure<'a>>,
}

/// One page of the gallery: a group, or one example image of a group.
#[derive(Serialize)]
struct GalleryPage<'a> {
    /// File name under `figures/`.
    file: String,
    title: String,
    figures: Vec<GalleryFigure<'a>>,
}

#[derive(Serialize, Clone)]
struct GalleryFigure<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    /// The data file (`<id>.csv` or `<id>.json`) and its format's name.
    data: String,
    data_format: &'static str,
}

/// `figures/<id>.svg` for every figure, the gallery's overview
/// `figures/index.html` and its pages.
pub(super) fn gallery_files(
    site: &Site,
    figures: &[std::rc::Rc<crate::figures::Figure>],
) -> Result<Vec<OutputFile>> {
    let svgs: Vec<std::rc::Rc<str>> = figures.iter().map(|f| site.an.svg_text(f)).collect();
    let datas: Vec<std::rc::Rc<str>> = figures.iter().map(|f| site.an.data_text(f)).collect();
    let pairs: Vec<(&crate::figures::Figure, &str, &str)> = figures
        .iter()
        .zip(&svgs)
        .zip(&datas)
        .map(|((f, s), d)| (&**f, &**s, &**d))
        .collect();
    let mut files = crate::figure_files::files_with_text(&pairs, "figures/", false, true)?;
    let mut groups: Vec<GalleryGroup> = GROUPS
        .iter()
        .map(|(anchor, title, intro, _)| GalleryGroup {
            anchor,
            title,
            intro,
            pages: Vec::new(),
            figures: Vec::new(),
        })
        .collect();
    let shown: Vec<&std::rc::Rc<crate::figures::Figure>> = figures
        .iter()
        .filter(|f| !super::is_variant(&f.id))
        .collect();
    for f in &shown {
        let (file, title) = page_of(&f.id);
        let pages = &mut groups[group_of(&f.id)].pages;
        let at = match pages.iter().position(|p| p.file == file) {
            Some(at) => at,
            None => {
                pages.push(GalleryPage {
                    file,
                    title,
                    figures: Vec::new(),
                });
                pages.len() - 1
            }
        };
        pages[at].figures.push(GalleryFigure {
            id: &f.id,
            title: &f.title,
            description: &f.description,
            data: f.data_file(),
            data_format: f.data.format_name(),
        });
    }
    groups.retain(|g| !g.pages.is_empty());
    for g in &mut groups {
        g.figures = g
            .pages
            .iter()
            .flat_map(|p| p.figures.iter().cloned())
            .collect();
    }
    let title = site.an.p.config.site.title.clone();
    let mut pages = Vec::new();
    for g in &groups {
        for p in &g.pages {
            let only = GalleryGroup {
                pages: Vec::new(),
                figures: p.figures.clone(),
                ..*g
            };
            let ctx = GalleryContext {
                root: "..".to_string(),
                site_title: title.clone(),
                count: shown.len(),
                groups: vec![only],
                page: Some(p),
            };
            let html = crate::templates::render(site.tera, "figures.html", &ctx, site.root)?;
            pages.push(OutputFile::new(format!("figures/{}", p.file), html));
        }
    }
    let ctx = GalleryContext {
        root: "..".to_string(),
        site_title: title,
        count: shown.len(),
        groups,
        page: None,
    };
    let html = crate::templates::render(site.tera, "figures.html", &ctx, site.root)?;
    files.push(OutputFile::new("figures/index.html", html));
    files.extend(pages);
    Ok(files)
}
