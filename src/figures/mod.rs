//! Figures: pure functions from typed data (toy nets, the model, the
//! analyses in `kv`) to `svg::Document`. One module per family (the large
//! ones a folder of submodules); `style` holds the shared look and `chart`
//! the shared axes, gridlines, frames and tick values. Figure code never
//! recomputes an analysis: it draws what `kv` computed. Every figure carries
//! a `<title>` and a `<desc>` generated from its data; the same description
//! is the HTML alt text.

// Toy networks (exact decimals): node diagrams, weight views, matrices,
// worked sums, the plane, and the drawing kit they share.
pub(crate) mod matrices;
pub(crate) mod networks;
pub(crate) mod plane;
pub(crate) mod qr;
pub(crate) mod toykit;
pub(crate) mod weight_views;
pub(crate) mod worked;
// One MNIST image: digits, keys, values, pair cards, waterfall, flips,
// profiles, and the small kit they share.
pub(crate) mod cards;
pub(crate) mod digitkit;
pub(crate) mod digits;
pub(crate) mod flips;
pub(crate) mod profile;
pub(crate) mod waterfall;
// The test set: votes vs fires, knock-outs, mistakes, templates, key drift.
pub(crate) mod linear;
pub(crate) mod mistakes;
pub(crate) mod population;

pub(crate) mod catalog;
pub(crate) mod chart;
pub(crate) mod data;
pub(crate) mod gallery_pages;
pub(crate) mod style;
pub(crate) mod training_curve;

/// A rendered figure, ready to inline or write.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Stable id, also the file name (`<id>.svg`) and the prefix of any ids
    /// inside the SVG.
    pub id: String,
    /// Short human title (the SVG `<title>`).
    pub title: String,
    pub svg: svg::Document,
    /// Text alternative, the same as the SVG's `<desc>`.
    pub description: String,
    /// The numbers drawn, written beside the SVG as `<id>.csv` or `<id>.json`.
    pub(crate) data: data::FigureData,
}

impl Figure {
    pub fn to_svg_string(&self) -> String {
        self.svg.to_string()
    }

    /// The text of the data file.
    pub fn data_text(&self) -> String {
        self.data.to_text()
    }

    /// The name of the data file: `<id>.csv` or `<id>.json`.
    pub fn data_file(&self) -> String {
        format!("{}.{}", self.id, self.data.extension())
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Checks every family's tests run on their figures.
    use super::Figure;

    /// The font size of every `<text>` in an SVG.
    pub(crate) fn font_sizes(svg: &str) -> Vec<f64> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let tag = t.split('>').next()?;
                tag.split("font-size=\"")
                    .nth(1)?
                    .split('"')
                    .next()?
                    .parse()
                    .ok()
            })
            .collect()
    }

    /// The figure parses with usvg, rasterises, has a title and a
    /// description that appear in the SVG, keeps coordinates short (no raw
    /// floats such as `0.90000004`), and prefixes its ids with its own id.
    pub(crate) fn assert_sound(f: &Figure) {
        let s = f.to_svg_string();
        assert!(
            !f.description.trim().is_empty(),
            "{}: empty description",
            f.id
        );
        assert!(!f.title.trim().is_empty(), "{}: empty title", f.id);
        assert!(s.contains("<desc>"), "{}: no <desc>", f.id);
        assert!(s.contains("<title>"), "{}: no <title>", f.id);
        assert!(
            !f.description.contains("NaN") && !f.description.contains("inf"),
            "{}: description has a non-finite number: {}",
            f.id,
            f.description
        );
        // No number with five or more decimals anywhere in the markup.
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'.' && i > 0 && bytes[i - 1].is_ascii_digit() {
                let run = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                assert!(
                    run < 5,
                    "{}: long number near `{}`",
                    f.id,
                    String::from_utf8_lossy(
                        &bytes[i.saturating_sub(12)..(i + run + 1).min(bytes.len())]
                    )
                );
                i += run;
            }
            i += 1;
        }
        for (pos, _) in s.match_indices(" id=\"") {
            let rest = &s[pos + 5..];
            assert!(
                rest.starts_with(&f.id),
                "{}: element id not prefixed with the figure id: {}",
                f.id,
                &rest[..rest.find('"').unwrap_or(rest.len())]
            );
        }
        assert_data(f);
        let png = crate::raster::png(&f.id, &s, 1.0).unwrap_or_else(|e| panic!("{}: {e:#}", f.id));
        assert!(png.starts_with(b"\x89PNG"), "{}: not a PNG", f.id);
    }

    /// The figure's data file is well formed (a CSV's rows as wide as its
    /// header, `\n` line ends, no non-finite number) and holds every number
    /// with decimals that its description writes, at the description's
    /// rounding.
    pub(crate) fn assert_data(f: &Figure) {
        let text = f.data.to_text();
        assert!(
            text.ends_with('\n') && !text.contains('\r'),
            "{}: line ends",
            f.id
        );
        assert!(!text.contains("NaN"), "{}: a NaN in the data", f.id);
        if let Some(t) = f.data.table() {
            assert!(!t.rows.is_empty(), "{}: empty table", f.id);
            for r in &t.rows {
                assert_eq!(r.len(), t.columns.len(), "{}: ragged row", f.id);
            }
        }
        let missing = super::data::unmatched(&f.description, &text);
        assert!(
            missing.is_empty(),
            "{}: numbers of the description not in the data: {missing:?}\n{}",
            f.id,
            f.description
        );
    }

    /// A slide layout: sound, the same twice, every text at least 20 units
    /// (a slide figure shows at about its own size on a 1280×720 slide; the
    /// deck test measures the real pixels) and no wider than a slide.
    pub(crate) fn assert_slide(make: impl Fn() -> Figure) -> Figure {
        let f = make();
        assert_sound(&f);
        let s = f.to_svg_string();
        assert_eq!(s, make().to_svg_string(), "{}: not deterministic", f.id);
        for (pos, _) in s.match_indices("<text") {
            let tag = &s[pos..pos + s[pos..].find('>').unwrap_or(0)];
            let size: f64 = tag
                .split("font-size=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0);
            assert!(
                size >= 20.0,
                "{}: text of size {size} on a slide: {tag}",
                f.id
            );
        }
        let width: f64 = s
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|w| w.parse().ok())
            .unwrap_or(0.0);
        assert!(width > 0.0 && width <= 1240.0, "{}: {width} wide", f.id);
        f
    }
}
