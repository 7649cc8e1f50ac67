//! The one writer of `public/`: every renderer returns [`OutputFile`]s and
//! this module puts them on disk, writing only what changed and never
//! leaving a half-written site after a failed write.
//!
//! [`write_all`] makes `public/` hold exactly the given files:
//!
//! - **Only changed files are written.** A file whose bytes on disk already
//!   equal the new bytes is left alone (same inode, same modification time),
//!   so a one-word edit rewrites a page or two, not the whole site.
//! - **Atomic.** The changed files are first written into a temporary folder
//!   beside `public/`; if any write fails, that folder is removed and
//!   `public/` is exactly as it was. Only then are they moved into place, one
//!   rename each (same file system, so a reader sees the old file or the new
//!   one, never a part), and files the new site no longer has are deleted,
//!   with the folders they leave empty.
//! - When `public/` does not exist yet, or a path changes kind (a file
//!   where a folder was, or a link), the whole new site is staged and
//!   swapped in with two renames (old → trash, new → public), as before.
//!
//! Paths are checked before anything is written: a path that is not plain
//! and relative is an internal error and changes nothing.

use anyhow::{Context, Result, bail};
use std::path::{Component, Path};

mod incremental;

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

/// Writes `files` as the complete new content of `public` (see the module
/// documentation for what is written and when).
pub fn write_all(public: &Path, files: &[OutputFile]) -> Result<()> {
    for f in files {
        check_rel_path(&f.rel_path)?;
    }
    let parent = parent_of(public);
    crate::fsx::create_dir_all(&parent)?;
    if public.is_dir()
        && let Some(plan) = incremental::plan(public, files)?
    {
        return incremental::apply(public, &parent, plan);
    }
    replace(public, &parent, files)
}

/// The folder holding `public` (`.` for a bare name).
fn parent_of(public: &Path) -> std::path::PathBuf {
    match public.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    }
}

/// Stages the whole site and swaps it in with two renames.
fn replace(public: &Path, parent: &Path, files: &[OutputFile]) -> Result<()> {
    let staging = tempfile::Builder::new()
        .prefix(NEW_PREFIX)
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a build folder in {}", parent.display()))?;
    let mut sorted: Vec<&OutputFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    for f in &sorted {
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
            .tempdir_in(parent)
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
        assert_only_public(dir.path());
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

    /// No staging or trash folder is left beside `public/`.
    #[track_caller]
    fn assert_only_public(dir: &Path) {
        let names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    fn identity(p: &Path) -> (u64, std::time::SystemTime) {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(p).unwrap();
        (m.ino(), m.modified().unwrap())
    }

    #[test]
    fn unchanged_files_are_not_rewritten_and_stale_ones_go() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        let first = [
            OutputFile::new("a.html", "same"),
            OutputFile::new("b.html", "old"),
            OutputFile::new("gone/c.css", "x"),
            OutputFile::new("keep/d.css", "y"),
        ];
        write_all(&public, &first).unwrap();
        let a = identity(&public.join("a.html"));
        let d = identity(&public.join("keep/d.css"));
        let b = identity(&public.join("b.html"));
        std::thread::sleep(std::time::Duration::from_millis(20));
        let second = [
            OutputFile::new("a.html", "same"),
            OutputFile::new("b.html", "new"),
            OutputFile::new("keep/d.css", "y"),
            OutputFile::new("new/e.js", "z"),
        ];
        write_all(&public, &second).unwrap();
        assert_eq!(identity(&public.join("a.html")), a);
        assert_eq!(identity(&public.join("keep/d.css")), d);
        assert_ne!(identity(&public.join("b.html")), b);
        assert_eq!(
            std::fs::read_to_string(public.join("b.html")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(public.join("new/e.js")).unwrap(),
            "z"
        );
        assert!(!public.join("gone").exists());
        assert_only_public(dir.path());
    }

    #[test]
    fn a_path_that_changes_kind_replaces_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        write_all(&public, &[OutputFile::new("x/a.html", "1")]).unwrap();
        write_all(&public, &[OutputFile::new("x", "file now")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(public.join("x")).unwrap(),
            "file now"
        );
        write_all(&public, &[OutputFile::new("x/b.html", "2")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(public.join("x/b.html")).unwrap(),
            "2"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_while_staging_leaves_the_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        write_all(
            &public,
            &[
                OutputFile::new("a.html", "old"),
                OutputFile::new("b.html", "old"),
            ],
        )
        .unwrap();
        incremental::FAIL_AFTER_STAGING.with(|f| f.set(Some(1)));
        let err = write_all(
            &public,
            &[
                OutputFile::new("a.html", "new"),
                OutputFile::new("b.html", "new"),
            ],
        );
        incremental::FAIL_AFTER_STAGING.with(|f| f.set(None));
        assert!(err.is_err());
        for name in ["a.html", "b.html"] {
            assert_eq!(std::fs::read_to_string(public.join(name)).unwrap(), "old");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
