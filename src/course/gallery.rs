//! The figure gallery: every figure of the catalog as `figures/<id>.svg`
//! with its data (`figures/<id>.csv` or `.json`; and every figure a
//! published page shows), and `figures/index.html` grouped by what the
//! figures are about, each figure linking its SVG and its data.

use crate::output::OutputFile;
use crate::product::Site;
use anyhow::Result;
use serde::Serialize;

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
    /// The data file (`<id>.csv` or `<id>.json`) and its format's name.
    data: String,
    data_format: &'static str,
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
pub(super) fn gallery_files(
    site: &Site,
    figures: &[std::rc::Rc<crate::figures::Figure>],
) -> Result<Vec<OutputFile>> {
    let texts: Vec<std::rc::Rc<str>> = figures.iter().map(|f| site.an.svg_text(f)).collect();
    let pairs: Vec<(&crate::figures::Figure, &str)> = figures
        .iter()
        .map(|f| &**f)
        .zip(texts.iter().map(|t| &**t))
        .collect();
    let mut files = crate::figure_files::files_with_text(&pairs, "figures/", false)?;
    let mut groups: Vec<GalleryGroup> = GROUPS
        .iter()
        .map(|(anchor, title, intro, _)| GalleryGroup {
            anchor,
            title,
            intro,
            figures: Vec::new(),
        })
        .collect();
    let shown: Vec<&std::rc::Rc<crate::figures::Figure>> = figures
        .iter()
        .filter(|f| !super::is_variant(&f.id))
        .collect();
    for f in &shown {
        let g = GROUPS
            .iter()
            .position(|g| (g.3)(&f.id))
            .unwrap_or(GROUPS.len() - 1);
        groups[g].figures.push(GalleryFigure {
            id: &f.id,
            title: &f.title,
            description: &f.description,
            data: f.data_file(),
            data_format: f.data.format_name(),
        });
    }
    groups.retain(|g| !g.figures.is_empty());
    let ctx = GalleryContext {
        root: "..".to_string(),
        site_title: site.an.p.config.site.title.clone(),
        count: shown.len(),
        groups,
    };
    let html = crate::templates::render(site.tera, "figures.html", &ctx, site.root)?;
    files.push(OutputFile::new("figures/index.html", html));
    Ok(files)
}
