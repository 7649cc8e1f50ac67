//! Warm builds: the analyses cache gives the same site as computing
//! everything again, a corrupt entry is recomputed with a note, and a
//! rebuild leaves files whose bytes did not change alone.

use crate::common::{assert_same_tree, stderr, tree};
use crate::site::course;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

fn analyses_files(cache: &Path) -> Vec<PathBuf> {
    let dir = cache.join("analyses");
    let mut v: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// Inode and modification time of every file under `dir`.
fn identities(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    tree(dir)
        .into_iter()
        .map(|(rel, _)| {
            let m = std::fs::metadata(dir.join(&rel)).unwrap();
            (rel, (m.ino(), m.mtime(), m.mtime_nsec()))
        })
        .collect()
}

#[test]
fn a_build_from_the_analyses_cache_writes_the_same_site_as_one_without() {
    let w = course();
    let cold = w.run(&["build"]);
    assert!(cold.status.success(), "{}", stderr(&cold));
    let files = analyses_files(w.cache.path());
    assert_eq!(files.len(), 1, "one analyses entry: {files:?}");
    let entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert!(entry["decomposition"]["passed"].as_bool().unwrap());
    assert!(
        !entry["selectors"].as_object().unwrap().is_empty(),
        "the course's selectors are kept: {entry}"
    );
    let first = tree(&w.public());
    let written = std::fs::metadata(&files[0]).unwrap().modified().unwrap();

    let warm = w.run(&["build"]);
    assert!(warm.status.success(), "{}", stderr(&warm));
    assert!(!stderr(&warm).contains("note:"), "{}", stderr(&warm));
    assert_same_tree(&first, &tree(&w.public()), "warm build");
    // Everything came from the entry, so nothing new was written to it.
    assert_eq!(
        std::fs::metadata(&files[0]).unwrap().modified().unwrap(),
        written,
        "a warm build rewrote the analyses cache"
    );

    let bypass = w.run(&["--no-analyses-cache", "build"]);
    assert!(bypass.status.success(), "{}", stderr(&bypass));
    assert_same_tree(&first, &tree(&w.public()), "--no-analyses-cache build");
    w.assert_no_temp_dirs();
}

#[test]
fn a_corrupt_analyses_cache_is_recomputed_with_a_one_line_note() {
    let w = course();
    assert!(w.run(&["build"]).status.success());
    let first = tree(&w.public());
    let file = analyses_files(w.cache.path()).remove(0);
    let good = std::fs::read(&file).unwrap();
    std::fs::write(&file, &good[..good.len() / 2]).unwrap();

    let out = w.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let notes: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.contains("analyses cache"))
        .map(str::to_string)
        .collect();
    assert_eq!(notes.len(), 1, "{}", stderr(&out));
    assert!(
        notes[0].starts_with("note: analyses cache "),
        "{}",
        notes[0]
    );
    assert!(notes[0].contains("does not parse"), "{}", notes[0]);
    assert_same_tree(&first, &tree(&w.public()), "build after a corrupt cache");
    // Rewritten whole: the next build reads it without a note.
    assert_eq!(std::fs::read(&file).unwrap(), good);
    let again = w.run(&["build"]);
    assert!(!stderr(&again).contains("note:"), "{}", stderr(&again));
}

#[test]
fn a_rebuild_after_an_edit_rewrites_only_the_files_that_changed() {
    let w = course();
    assert!(w.run(&["build"]).status.success());
    let before_bytes: BTreeMap<String, Vec<u8>> = tree(&w.public()).into_iter().collect();
    let before = identities(&w.public());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let keys = std::fs::read_to_string(w.path().join("content/keys.md")).unwrap();
    w.write("content/keys.md", &format!("{keys}\nOne more sentence.\n"));

    let out = w.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after_bytes: BTreeMap<String, Vec<u8>> = tree(&w.public()).into_iter().collect();
    let after = identities(&w.public());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let mut changed = Vec::new();
    for (rel, id) in &after {
        if before_bytes[rel] == after_bytes[rel] {
            assert_eq!(
                &before[rel], id,
                "{rel} has the same bytes but was rewritten"
            );
        } else {
            assert_ne!(&before[rel], id, "{rel}");
            changed.push(rel.as_str());
        }
    }
    assert!(changed.contains(&"keys.html"), "{changed:?}");
    assert!(
        changed.len() * 4 < after.len(),
        "a one-sentence edit changed {changed:?}"
    );
    w.assert_no_temp_dirs();
}
