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
    /// The data file: `<id>.csv` or `<id>.json` (or its base figure's,
    /// see [`files_with_text`]).
    data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    png: Option<String>,
}

/// The files for `figs` under `prefix` ("" or "figures/").
pub(crate) fn files(figs: &[Figure], prefix: &str, png: bool) -> Result<Vec<OutputFile>> {
    let svgs: Vec<String> = figs.iter().map(Figure::to_svg_string).collect();
    let datas: Vec<String> = figs.iter().map(Figure::data_text).collect();
    let texts: Vec<(&Figure, &str, &str)> = figs
        .iter()
        .zip(&svgs)
        .zip(&datas)
        .map(|((f, s), d)| (f, s.as_str(), d.as_str()))
        .collect();
    files_with_text(&texts, prefix, png, false)
}

/// The figure a slide or print variant was made from: `x` for `x-slide`
/// and `x-print`.
pub(crate) fn variant_base(id: &str) -> Option<&str> {
    id.strip_suffix("-slide")
        .or_else(|| id.strip_suffix("-print"))
        .filter(|base| !base.is_empty())
}

/// Like [`files`], for figures whose SVG and data texts are already
/// serialised (the site keeps them between rebuilds). With `share_variant_data`, a slide or
/// print variant whose numbers are its base figure's (both among `figs`)
/// gets no data file of its own: the index names the base's. No page links
/// a variant's data (slides and sheets show none), so this only saves the
/// copies.
pub(crate) fn files_with_text(
    figs: &[(&Figure, &str, &str)],
    prefix: &str,
    png: bool,
    share_variant_data: bool,
) -> Result<Vec<OutputFile>> {
    let mut out = Vec::with_capacity(figs.len() * 3 + 1);
    let mut index = Vec::with_capacity(figs.len());
    let by_id: std::collections::HashMap<&str, usize> = figs
        .iter()
        .enumerate()
        .map(|(i, (f, _, _))| (f.id.as_str(), i))
        .collect();
    for &(f, text, data) in figs {
        let mut svg = String::with_capacity(text.len() + 1);
        svg.push_str(text);
        svg.push('\n');
        out.push(OutputFile::new(format!("{prefix}{}.svg", f.id), svg));
        let shared = variant_base(&f.id)
            .and_then(|base| by_id.get(base))
            .filter(|&&b| share_variant_data && figs[b].2 == data)
            .map(|&b| figs[b].0.data_file());
        let data = match shared {
            Some(name) => name,
            None => {
                out.push(OutputFile::new(format!("{prefix}{}", f.data_file()), data));
                f.data_file()
            }
        };
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
            data,
            png: png.then(|| format!("{}.png", f.id)),
        });
    }
    let mut json = serde_json::to_string_pretty(&index)?;
    json.push('\n');
    out.push(OutputFile::new(format!("{prefix}{INDEX}"), json));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::data::FigureData;

    fn fig(id: &str, n: i64) -> Figure {
        Figure {
            id: id.to_string(),
            title: id.to_string(),
            svg: svg::Document::new(),
            description: String::new(),
            data: FigureData::Json(serde_json::json!({ "n": n })),
        }
    }

    #[test]
    fn a_variant_with_its_figures_numbers_shares_the_data_file_in_the_site() {
        let figs = [
            fig("key", 1),
            fig("key-slide", 1),
            fig("key-print", 2),
            fig("lonely-slide", 3),
        ];
        let svgs: Vec<String> = figs.iter().map(Figure::to_svg_string).collect();
        let datas: Vec<String> = figs.iter().map(Figure::data_text).collect();
        let pairs: Vec<(&Figure, &str, &str)> = figs
            .iter()
            .zip(&svgs)
            .zip(&datas)
            .map(|((f, s), d)| (f, s.as_str(), d.as_str()))
            .collect();
        let names = |files: &[OutputFile]| -> Vec<String> {
            files
                .iter()
                .map(|f| f.rel_path.clone())
                .filter(|n| n.ends_with(".json"))
                .collect()
        };
        let index = |files: &[OutputFile]| -> Vec<(String, String)> {
            let f = files.iter().find(|f| f.rel_path.ends_with(INDEX)).unwrap();
            let v: Vec<serde_json::Value> = serde_json::from_slice(&f.bytes).unwrap();
            v.iter()
                .map(|e| {
                    (
                        e["id"].as_str().unwrap().into(),
                        e["data"].as_str().unwrap().into(),
                    )
                })
                .collect()
        };
        let site = files_with_text(&pairs, "figures/", false, true).unwrap();
        assert_eq!(
            names(&site),
            [
                "figures/key.json",
                "figures/key-print.json",
                "figures/lonely-slide.json",
                "figures/figures.json"
            ]
        );
        let shared: Vec<(String, String)> = [
            ("key", "key.json"),
            ("key-slide", "key.json"),
            ("key-print", "key-print.json"),
            ("lonely-slide", "lonely-slide.json"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(index(&site), shared);
        // `kvlens figures` writes every figure's own file.
        let all = files_with_text(&pairs, "", false, false).unwrap();
        assert_eq!(names(&all).len(), 5);
        assert_eq!(
            index(&all)[1],
            ("key-slide".to_string(), "key-slide.json".to_string())
        );
        assert_eq!(variant_base("x-slide"), Some("x"));
        assert_eq!(variant_base("-slide"), None);
        assert_eq!(variant_base("slides"), None);
    }
}
