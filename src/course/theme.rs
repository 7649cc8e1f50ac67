//! The theme: the files kvlens ships in `theme/`, overlaid with a
//! workshop's own `theme/`, published as `public/theme/…`.

use crate::output::OutputFile;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// The theme kvlens ships (this repository's `theme/`); a workshop's own
/// `theme/<path>` replaces the file of the same path or adds to them.
pub(crate) const BUILTIN_THEME: [(&str, &[u8]); 11] = [
    ("deck.css", include_bytes!("../../theme/deck.css")),
    ("deck.js", include_bytes!("../../theme/deck.js")),
    ("explorer.css", include_bytes!("../../theme/explorer.css")),
    ("explorer.js", include_bytes!("../../theme/explorer.js")),
    ("favicon.svg", include_bytes!("../../theme/favicon.svg")),
    (
        "fonts/DejaVuSans-Bold.ttf",
        include_bytes!("../../theme/fonts/DejaVuSans-Bold.ttf"),
    ),
    (
        "fonts/DejaVuSans.ttf",
        include_bytes!("../../theme/fonts/DejaVuSans.ttf"),
    ),
    (
        "fonts/LICENSE-DejaVu.txt",
        include_bytes!("../../theme/fonts/LICENSE-DejaVu.txt"),
    ),
    ("sheet.css", include_bytes!("../../theme/sheet.css")),
    ("site.js", include_bytes!("../../theme/site.js")),
    ("style.css", include_bytes!("../../theme/style.css")),
];

/// The built-in theme overlaid with every file under `<root>/theme`, as
/// `public/theme/…` (sorted).
pub(crate) fn theme_files(root: &Path) -> Result<Vec<OutputFile>> {
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

/// Font files (`.ttf`, `.otf`, `.woff`, `.woff2` under `theme/`) that no
/// other file of the site names are not shipped, nor then the `LICENSE*`
/// files beside them. The built-in theme names none: pages use the
/// reader's system fonts, and figures (shown as images, which cannot load
/// a page's fonts) list DejaVu Sans first for machines that have it. The
/// bundled DejaVu Sans is still compiled in for rasterising (`raster`).
/// A workshop whose own stylesheet loads a font gets it shipped.
pub(crate) fn drop_unused_fonts(files: &mut Vec<OutputFile>) {
    let is_font = |p: &str| {
        p.starts_with("theme/")
            && [".ttf", ".otf", ".woff", ".woff2"]
                .iter()
                .any(|e| p.to_ascii_lowercase().ends_with(e))
    };
    let readers: Vec<&OutputFile> = files
        .iter()
        .filter(|f| {
            [".css", ".html", ".js", ".svg"]
                .iter()
                .any(|e| f.rel_path.ends_with(e))
        })
        .collect();
    let named = |path: &str| {
        let name = memchr::memmem::Finder::new(path.rsplit('/').next().unwrap_or(path));
        readers.iter().any(|f| name.find(&f.bytes).is_some())
    };
    let unused: Vec<String> = files
        .iter()
        .map(|f| f.rel_path.clone())
        .filter(|p| is_font(p) && !named(p))
        .collect();
    if unused.is_empty() {
        return;
    }
    let dir = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    files.retain(|f| !unused.contains(&f.rel_path));
    // A licence goes with the last font of its folder.
    let emptied: Vec<String> = unused
        .iter()
        .map(|u| dir(u))
        .filter(|d| {
            !files
                .iter()
                .any(|f| is_font(&f.rel_path) && dir(&f.rel_path) == *d)
        })
        .collect();
    files.retain(|f| {
        let (d, name) = f.rel_path.rsplit_once('/').unwrap_or(("", &f.rel_path));
        !(name.starts_with("LICENSE") && emptied.iter().any(|e| e == d))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(files: &[OutputFile]) -> Vec<&str> {
        files.iter().map(|f| f.rel_path.as_str()).collect()
    }

    #[test]
    fn fonts_ship_only_when_a_file_names_them() {
        let fonts = || {
            vec![
                OutputFile::new("theme/fonts/A.ttf", "a"),
                OutputFile::new("theme/fonts/A-Bold.ttf", "b"),
                OutputFile::new("theme/fonts/LICENSE-A.txt", "l"),
                OutputFile::new("index.html", "<p>A.ttf is only in a page text</p>"),
            ]
        };
        // Named nowhere but in an HTML page: that page could load it.
        let mut files = fonts();
        drop_unused_fonts(&mut files);
        assert_eq!(
            names(&files),
            [
                "theme/fonts/A.ttf",
                "theme/fonts/LICENSE-A.txt",
                "index.html"
            ]
        );
        // Named nowhere: the fonts and their licence go.
        let mut files = fonts();
        files[3] = OutputFile::new("index.html", "<p>no font</p>");
        files.push(OutputFile::new(
            "theme/style.css",
            "body { font: 1em sans-serif }",
        ));
        drop_unused_fonts(&mut files);
        assert_eq!(names(&files), ["index.html", "theme/style.css"]);
        // A stylesheet's @font-face keeps exactly the font it loads.
        let mut files = fonts();
        files[3] = OutputFile::new(
            "theme/style.css",
            "@font-face { src: url(\"fonts/A-Bold.ttf\") }",
        );
        drop_unused_fonts(&mut files);
        assert_eq!(
            names(&files),
            [
                "theme/fonts/A-Bold.ttf",
                "theme/fonts/LICENSE-A.txt",
                "theme/style.css"
            ]
        );
    }

    #[test]
    fn the_built_in_theme_names_no_font() {
        let mut files: Vec<OutputFile> = BUILTIN_THEME
            .iter()
            .map(|(p, b)| OutputFile::new(format!("theme/{p}"), b.to_vec()))
            .collect();
        drop_unused_fonts(&mut files);
        assert!(
            files
                .iter()
                .all(|f| !f.rel_path.starts_with("theme/fonts/")),
            "{:?}",
            names(&files)
        );
    }
}
