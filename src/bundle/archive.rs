//! The bundle's zip: written with fixed times, permissions and order (the
//! same bytes twice), read back for the summary of what it holds.

use super::{Bundled, Entry, Folder, MARK, human};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Seek, Write};
use std::path::Path;

/// Files whose content is already compressed: stored, not deflated.
fn stored(path: &str) -> bool {
    [".gz", ".zip", ".png", ".jpg", ".woff2", ".npz"]
        .iter()
        .any(|x| path.ends_with(x))
}

/// Writes the zip: `top/` + every entry, in order, with fixed times and
/// permissions, and the bundle's comment.
pub(super) fn write_zip<W: Write + Seek>(w: W, top: &str, entries: &[Entry]) -> Result<()> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(w));
    let base = SimpleFileOptions::default()
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for e in entries {
        let options = match stored(&e.path) {
            true => base.compression_method(zip::CompressionMethod::Stored),
            false => base
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(6)),
        };
        zip.start_file(format!("{top}/{}", e.path), options)?;
        zip.write_all(&e.bytes)?;
    }
    zip.set_comment(format!("{MARK} {}", env!("CARGO_PKG_VERSION")))?;
    let mut w = zip.finish()?;
    w.flush()?;
    Ok(())
}

/// The folders of a written bundle, read back from its central directory.
pub fn read_folders(path: &Path, top: &str) -> Result<Vec<Folder>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut zip =
        zip::ZipArchive::new(file).with_context(|| format!("cannot read {}", path.display()))?;
    let mut folders: BTreeMap<String, Folder> = BTreeMap::new();
    let prefix = format!("{top}/");
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let name = f
            .name()
            .with_context(|| format!("cannot read {}", path.display()))?
            .to_string();
        let name = name.as_str();
        let rel = name.strip_prefix(&prefix).unwrap_or(name);
        let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let e = folders.entry(dir.to_string()).or_insert_with(|| Folder {
            path: dir.to_string(),
            files: 0,
            bytes: 0,
            zipped: 0,
        });
        e.files += 1;
        e.bytes += f.size();
        e.zipped += f.compressed_size();
    }
    Ok(folders.into_values().collect())
}

impl Bundled {
    /// What `kvlens bundle` prints when done: the zip, its size against the
    /// budget, and its folders with their files and bytes.
    pub fn summary_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "wrote {} ({} bytes, {}; budget {} bytes)",
            self.path.display(),
            self.size,
            human(self.size),
            self.budget
        );
        let mut rows: Vec<(String, (usize, u64, u64))> = Vec::new();
        for part in ["learners", "instructor"] {
            for f in self
                .folders
                .iter()
                .filter(|f| f.path.split('/').next() == Some(part))
            {
                rows.push((format!("{}/", f.path), (f.files, f.bytes, f.zipped)));
            }
            rows.push((format!("{part}/ in all"), self.part(part)));
        }
        rows.push(("START-HERE.html, .txt".to_string(), self.part("")));
        let width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        let _ = writeln!(out, "in {}/:", self.top);
        let _ = writeln!(
            out,
            "  {:<width$} {:>6} {:>12} {:>12}",
            "folder", "files", "bytes", "zipped"
        );
        for (name, (files, bytes, zipped)) in rows {
            let _ = writeln!(out, "  {name:<width$} {files:>6} {bytes:>12} {zipped:>12}");
        }
        out
    }
}
