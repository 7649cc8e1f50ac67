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
