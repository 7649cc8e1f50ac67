//! Figures as files: `<id>.svg` (and `<id>.png` on request), the numbers
//! each figure draws as `<id>.csv` or `<id>.json` (`figures::data`), plus
//! `figures.json`, the index of ids, titles, descriptions (alt texts) and
//! file names for reuse in other slides. Used by `kvlens figures` and by the
//! site build.

use crate::figures::Figure;
use crate::output::OutputFile;
use anyhow::Result;
use serde::Serialize;

/// Name of the index written beside the figures.
pub(crate) const INDEX: &str = "figures.json";
/// PNGs are rendered at twice the SVG size (sharp on a projector).
pub(crate) const PNG_SCALE: f32 = 2.0;

#[derive(Serialize)]
struct IndexEntry<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    svg: String,
    /// The data file: `<id>.csv` or `<id>.json`.
    data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    png: Option<String>,
}

/// The files for `figs` under `prefix` ("" or "figures/").
pub(crate) fn files(figs: &[Figure], prefix: &str, png: bool) -> Result<Vec<OutputFile>> {
    let texts: Vec<String> = figs.iter().map(Figure::to_svg_string).collect();
    let pairs: Vec<(&Figure, &str)> = figs.iter().zip(texts.iter().map(String::as_str)).collect();
    files_with_text(&pairs, prefix, png)
}

/// Like [`files`], for figures whose SVG text is already serialised (the
/// site keeps it between rebuilds).
pub(crate) fn files_with_text(
    figs: &[(&Figure, &str)],
    prefix: &str,
    png: bool,
) -> Result<Vec<OutputFile>> {
    let mut out = Vec::with_capacity(figs.len() * 3 + 1);
    let mut index = Vec::with_capacity(figs.len());
    for (f, text) in figs {
        let mut svg = String::with_capacity(text.len() + 1);
        svg.push_str(text);
        svg.push('\n');
        out.push(OutputFile::new(format!("{prefix}{}.svg", f.id), svg));
        out.push(OutputFile::new(
            format!("{prefix}{}", f.data_file()),
            f.data.to_text(),
        ));
        if png {
            out.push(OutputFile::new(
                format!("{prefix}{}.png", f.id),
                crate::raster::png(&f.id, text, PNG_SCALE)?,
            ));
        }
        index.push(IndexEntry {
            id: &f.id,
            title: &f.title,
            description: &f.description,
            svg: format!("{}.svg", f.id),
            data: f.data_file(),
            png: png.then(|| format!("{}.png", f.id)),
        });
    }
    let mut json = serde_json::to_string_pretty(&index)?;
    json.push('\n');
    out.push(OutputFile::new(format!("{prefix}{INDEX}"), json));
    Ok(out)
}
