//! Embeds the starter workshop that `kvlens init` writes: every file of
//! `content/`, `templates/` and `theme/`, and `workshop.toml`, as
//! `include_bytes!` entries sorted by path (`$OUT_DIR/starter_files.rs`, read
//! by src/init.rs). A hand-written list would drift from the folders; this one
//! is the folders. Cargo reruns this script when any file under them is
//! added, removed or edited (a folder named in `rerun-if-changed` is scanned
//! whole).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const FOLDERS: [&str; 3] = ["content", "templates", "theme"];
const FILES: [&str; 1] = ["workshop.toml"];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for folder in FOLDERS {
        println!("cargo:rerun-if-changed={folder}");
        walk(&root.join(folder), folder, &mut files);
    }
    for file in FILES {
        println!("cargo:rerun-if-changed={file}");
        files.push((file.to_string(), root.join(file)));
    }
    println!("cargo:rerun-if-changed=build.rs");
    files.sort();
    let mut out = String::from("&[\n");
    for (rel, path) in &files {
        let abs = path.to_str().unwrap_or_else(|| {
            panic!(
                "{}: the path is not UTF-8, so it cannot be embedded",
                path.display()
            )
        });
        let _ = writeln!(out, "    ({rel:?}, include_bytes!({abs:?})),");
    }
    out.push_str("]\n");
    let dest =
        PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default()).join("starter_files.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

/// Every file under `dir` as (`prefix/…` with `/` separators, path).
fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {} to embed it: {e}", dir.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_str().unwrap_or_else(|| {
            panic!(
                "{}: the name is not UTF-8, so it cannot be embedded",
                path.display()
            )
        });
        let rel = format!("{prefix}/{name}");
        if path.is_dir() {
            walk(&path, &rel, out);
        } else {
            out.push((rel, path));
        }
    }
}
