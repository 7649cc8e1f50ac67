//! Updating an existing `public/` in place: only the files whose bytes
//! changed are written (staged first), then moved in; files the new site
//! lacks are deleted. See the parent module for the guarantees.

use super::{NEW_PREFIX, OutputFile};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[cfg(test)]
thread_local! {
    /// Tests: fail the update after staging this many files.
    pub(super) static FAIL_AFTER_STAGING: std::cell::Cell<Option<usize>> =
        const { std::cell::Cell::new(None) };
}

/// What an update does to `public/`.
pub(super) struct Plan<'a> {
    /// New or changed files.
    write: Vec<&'a OutputFile>,
    /// Files of the old site the new one does not have (relative paths).
    delete: Vec<String>,
    /// Folders of the old site no new file lives in, deepest first.
    prune: Vec<String>,
}

/// Compares `files` with what `public` holds. `None`: the site cannot be
/// updated file by file (a path changes kind, or holds a link), so the
/// caller replaces it whole.
pub(super) fn plan<'a>(public: &Path, files: &'a [OutputFile]) -> Result<Option<Plan<'a>>> {
    let mut old_files: BTreeMap<String, u64> = BTreeMap::new();
    let mut old_dirs: BTreeSet<String> = BTreeSet::new();
    for entry in walkdir::WalkDir::new(public).min_depth(1) {
        let entry = entry.with_context(|| format!("cannot read {}", public.display()))?;
        let Some(rel) = rel_of(public, entry.path()) else {
            return Ok(None);
        };
        let kind = entry.file_type();
        if kind.is_dir() {
            old_dirs.insert(rel);
        } else if kind.is_file() {
            let len = entry
                .metadata()
                .with_context(|| format!("cannot read {}", entry.path().display()))?
                .len();
            old_files.insert(rel, len);
        } else {
            return Ok(None);
        }
    }
    let mut by_path: BTreeMap<&str, &OutputFile> = BTreeMap::new();
    for f in files {
        by_path.insert(&f.rel_path, f);
    }
    let mut new_dirs: BTreeSet<&str> = BTreeSet::new();
    for rel in by_path.keys() {
        for (i, _) in rel.match_indices('/') {
            new_dirs.insert(&rel[..i]);
        }
    }
    // A file where a folder was, or a folder where a file was.
    if by_path.keys().any(|r| old_dirs.contains(*r))
        || new_dirs.iter().any(|d| old_files.contains_key(*d))
    {
        return Ok(None);
    }
    let mut write = Vec::new();
    for (rel, f) in &by_path {
        let same = match old_files.get(*rel) {
            Some(&len) if len == f.bytes.len() as u64 => {
                let path = public.join(rel);
                let old = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                old == f.bytes
            }
            _ => false,
        };
        if !same {
            write.push(*f);
        }
    }
    let delete = old_files
        .keys()
        .filter(|r| !by_path.contains_key(r.as_str()))
        .cloned()
        .collect();
    let mut prune: Vec<String> = old_dirs
        .into_iter()
        .filter(|d| !new_dirs.contains(d.as_str()))
        .collect();
    prune.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
    Ok(Some(Plan {
        write,
        delete,
        prune,
    }))
}

/// Stages the changed files beside `public`, then moves them in and removes
/// what the new site no longer has.
pub(super) fn apply(public: &Path, parent: &Path, plan: Plan) -> Result<()> {
    if plan.write.is_empty() && plan.delete.is_empty() && plan.prune.is_empty() {
        return Ok(());
    }
    // Stage: any failure here drops the folder and leaves public/ as it was.
    let staging = tempfile::Builder::new()
        .prefix(NEW_PREFIX)
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a build folder in {}", parent.display()))?;
    for (i, f) in plan.write.iter().enumerate() {
        let dest = staging.path().join(i.to_string());
        std::fs::write(&dest, &f.bytes)
            .with_context(|| format!("cannot write {}", dest.display()))?;
        #[cfg(test)]
        if FAIL_AFTER_STAGING.with(|n| n.get()) == Some(i + 1) {
            anyhow::bail!("test: staging stopped after {} files", i + 1);
        }
    }
    // Commit: renames within one file system.
    for (i, f) in plan.write.iter().enumerate() {
        let dest = public.join(&f.rel_path);
        if let Some(dir) = dest.parent() {
            crate::fsx::create_dir_all(dir)?;
        }
        std::fs::rename(staging.path().join(i.to_string()), &dest)
            .with_context(|| format!("cannot move the new {} into place", dest.display()))?;
    }
    for rel in &plan.delete {
        let path = public.join(rel);
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    for rel in &plan.prune {
        let path = public.join(rel);
        // Only folders left empty go; one holding something kvlens did not
        // write would have been listed in `delete`, so this is a safety net.
        let _ = std::fs::remove_dir(&path);
    }
    Ok(())
}

/// `path` below `public` as a `/`-separated relative path (`None` if it is
/// not valid UTF-8).
fn rel_of(public: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(public).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}
