//! The module graph of src/ has no cycle: every top-level module (a file or
//! folder of src/) may use only modules below it. Reads the `crate::` paths
//! of every source file (tests included), so it also fails when a module
//! reaches a lib.rs re-export instead of the module that owns the item.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The identifiers that follow `crate::` in `code` (comments removed),
/// including each first name of a `crate::{a, b::c}` group.
fn crate_paths(code: &str) -> Vec<String> {
    let code: String = code
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = code[i + 7..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            // Only the first segment of each item (nested groups are rare).
            for item in group.split(',') {
                let name = ident(item.trim());
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    out
}

/// The graph of top-level modules, and the lib.rs names used by modules.
fn graph(src: &Path) -> (BTreeMap<String, BTreeSet<String>>, Vec<String>) {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let top = |p: &Path| -> String {
        let rel = p.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        first.trim_end_matches(".rs").to_string()
    };
    let modules: BTreeSet<String> = files
        .iter()
        .map(|p| top(p))
        .filter(|m| m != "main" && m != "lib")
        .collect();
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut via_lib = Vec::new();
    for f in &files {
        let m = top(f);
        if m == "main" || m == "lib" {
            continue;
        }
        let code = std::fs::read_to_string(f).unwrap();
        let deps = g.entry(m.clone()).or_default();
        for name in crate_paths(&code) {
            if modules.contains(&name) {
                if name != m {
                    deps.insert(name);
                }
            } else if name != "self" && name != "super" {
                via_lib.push(format!("{}: crate::{name}", f.display()));
            }
        }
    }
    (g, via_lib)
}

/// A cycle of `g`, if it has one.
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        g: &BTreeMap<String, BTreeSet<String>>,
        m: &str,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(m.to_string(), 1);
        stack.push(m.to_string());
        for d in g.get(m).into_iter().flatten() {
            match state.get(d.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|s| s == d).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(d.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(g, d, state, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        state.insert(m.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in g.keys() {
        if !state.contains_key(m.as_str())
            && let Some(c) = visit(g, m, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

#[test]
fn the_top_level_modules_of_src_form_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (g, via_lib) = graph(&src);
    assert!(g.len() > 20, "read too few modules: {:?}", g.keys());
    assert!(
        via_lib.is_empty(),
        "modules must name the module that owns an item, not a lib.rs re-export: {via_lib:?}"
    );
    if let Some(cycle) = find_cycle(&g) {
        panic!("import cycle among src/ modules: {}", cycle.join(" → "));
    }
}

#[test]
fn the_cycle_finder_finds_a_planted_cycle() {
    fn edge(g: &mut BTreeMap<String, BTreeSet<String>>, a: &str, b: &str) {
        g.entry(a.into()).or_default().insert(b.into());
        g.entry(b.into()).or_default();
    }
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edge(&mut g, "build", "course");
    edge(&mut g, "course", "product");
    edge(&mut g, "product", "analysis");
    assert_eq!(find_cycle(&g), None);
    edge(&mut g, "analysis", "course");
    assert_eq!(
        find_cycle(&g).unwrap(),
        ["analysis", "course", "product", "analysis"]
    );
    assert_eq!(
        crate_paths("use crate::{a, b::c};\nlet x = crate::d::e(); // crate::f\n"),
        ["a", "b", "d"]
    );
}
