//! The one writer of `public/`: every renderer returns [`OutputFile`]s and
//! this module puts them on disk atomically.
//!
//! The new site is written into a temporary folder beside `public/`, then
//! swapped in with two renames (old → trash, new → public) and the trash is
//! deleted. A failure before the swap removes the temporary folder and leaves
//! the previous `public/` exactly as it was.

use anyhow::{Context, Result, bail};
use std::path::{Component, Path};

/// One file of the generated site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path below `public/`, with `/` separators.
    pub rel_path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(rel_path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            rel_path: rel_path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Prefixes of the temporary folders beside `public/` (the watcher ignores them).
pub const NEW_PREFIX: &str = ".public-new-";
pub const OLD_PREFIX: &str = ".public-old-";

/// Writes `files` as the complete new content of `public`.
pub fn write_all(public: &Path, files: &[OutputFile]) -> Result<()> {
    let parent = match public.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    crate::fsx::create_dir_all(&parent)?;
    let staging = tempfile::Builder::new()
        .prefix(NEW_PREFIX)
        .tempdir_in(&parent)
        .with_context(|| format!("cannot create a build folder in {}", parent.display()))?;
    let mut sorted: Vec<&OutputFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    for f in &sorted {
        check_rel_path(&f.rel_path)?;
        let dest = staging.path().join(&f.rel_path);
        if let Some(dir) = dest.parent() {
            crate::fsx::create_dir_all(dir)?;
        }
        std::fs::write(&dest, &f.bytes)
            .with_context(|| format!("cannot write {}", dest.display()))?;
    }
    // Swap. Until the second rename succeeds, public/ is the old site.
    let staged = staging.keep();
    let trash = if public.exists() {
        let trash = tempfile::Builder::new()
            .prefix(OLD_PREFIX)
            .tempdir_in(&parent)
            .with_context(|| format!("cannot create a folder in {}", parent.display()))?
            .keep();
        // rename(dir, empty dir) replaces the empty dir on Unix.
        std::fs::rename(public, &trash)
            .with_context(|| format!("cannot move the old {} aside", public.display()))?;
        Some(trash)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&staged, public) {
        if let Some(trash) = &trash {
            let _ = std::fs::rename(trash, public);
        }
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e)
            .with_context(|| format!("cannot move the new site into {}", public.display()));
    }
    if let Some(trash) = trash {
        std::fs::remove_dir_all(&trash)
            .with_context(|| format!("cannot remove {}", trash.display()))?;
    }
    Ok(())
}

fn check_rel_path(rel: &str) -> Result<()> {
    let p = Path::new(rel);
    if rel.is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        bail!("internal error: output path {rel:?} is not a plain relative path");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_site_and_leaves_no_temp_folders() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        write_all(
            &public,
            &[
                OutputFile::new("a.html", "1"),
                OutputFile::new("x/b.css", "2"),
            ],
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(public.join("x/b.css")).unwrap(),
            "2"
        );
        write_all(&public, &[OutputFile::new("c.html", "3")]).unwrap();
        assert!(!public.join("a.html").exists());
        assert_eq!(std::fs::read_to_string(public.join("c.html")).unwrap(), "3");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn a_bad_file_leaves_the_old_site_intact() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        write_all(&public, &[OutputFile::new("a.html", "old")]).unwrap();
        let err = write_all(
            &public,
            &[
                OutputFile::new("b.html", "new"),
                OutputFile::new("../evil", "x"),
            ],
        );
        assert!(err.is_err());
        assert_eq!(
            std::fs::read_to_string(public.join("a.html")).unwrap(),
            "old"
        );
        assert!(!public.join("b.html").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
