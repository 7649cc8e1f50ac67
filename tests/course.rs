//! The default course (this repository's content/) on the real MNIST at
//! three widths (hidden = 64, 256, 1024; one epoch on 20 000 images): every
//! build and check succeeds, so every selector resolves and every claim
//! holds; then every page of the 256-wide build opens in Chromium without a
//! console error or a request outside the site, and axe-core finds no
//! serious or critical accessibility violation, and every number carries a
//! derivation that re-adds, reached by Tab and closed by Escape; the deck (and its presenter
//! view) too, with no slide's content larger than the slide. Runs when KVLENS_MNIST_DIR
//! is set (always under CI=true); the audit needs axe-core
//! (`KVLENS_AXE_JS=/path/to/axe.min.js`, installed by .ci/run).

use crate::browser::chromium_or_skip;
use crate::common::{copy_dir, stderr};
use crate::data_fetch::real_mnist_dir;
use kvlens::browser::{Browser, Page, file_url};
use std::path::{Path, PathBuf};

/// A copy of the repository's workshop with another `[model]`.
pub fn workshop(hidden: usize) -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for d in ["content", "templates", "theme"] {
        copy_dir(&repo.join(d), &dir.path().join(d));
    }
    let toml = std::fs::read_to_string(repo.join("workshop.toml")).unwrap();
    let mut out = String::new();
    for line in toml.lines() {
        let key = line.split('=').next().unwrap_or("").trim();
        let line = match key {
            "hidden" => format!("hidden = {hidden}"),
            "epochs" => "epochs = 1".to_string(),
            "train_images" => "train_images = 20000".to_string(),
            _ => line.to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    std::fs::write(dir.path().join("workshop.toml"), out).unwrap();
    dir
}

pub fn kvlens(root: &Path, cache: &Path, mnist: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kvlens"))
        .arg("--root")
        .arg(root)
        .arg("--mnist-dir")
        .arg(mnist)
        .arg("-q")
        .args(args)
        .env("KVLENS_CACHE_DIR", cache)
        .output()
        .unwrap()
}

/// axe-core's script, or `None` (skip) when absent and CI is not `true`.
pub fn axe_or_skip() -> Option<String> {
    match std::env::var_os("KVLENS_AXE_JS").map(PathBuf::from) {
        Some(p) if p.is_file() => Some(std::fs::read_to_string(p).unwrap()),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true requires the accessibility audit: set KVLENS_AXE_JS to axe-core's axe.min.js"
            );
            eprintln!("skipping the accessibility audit: KVLENS_AXE_JS is not set");
            None
        }
    }
}

/// axe-core's serious and critical violations on the page (`what: …`
/// each), when axe is available.
pub fn axe_violations(page: &mut Page, axe: &Option<String>, what: &str) -> Vec<String> {
    let Some(axe) = axe else { return Vec::new() };
    page.eval(axe).unwrap();
    // preload: false — axe would fetch the stylesheets with XHR, which file:// forbids.
    page.eval(
        "axe.run(document, { preload: false, resultTypes: ['violations'] }).then(r => r.violations \
         .filter(v => v.impact === 'serious' || v.impact === 'critical') \
         .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))",
    )
    .unwrap()
    .as_array()
    .unwrap()
    .iter()
    .map(|v| format!("{what}: {}", v.as_str().unwrap()))
    .collect()
}

#[test]
fn the_course_builds_at_three_widths_and_every_page_passes_the_browser_audit() {
    let Some(mnist) = real_mnist_dir("the_course_builds_at_three_widths") else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    let mut audited = None;
    let mut wide = None;
    for hidden in [64, 256, 1024] {
        let w = workshop(hidden);
        if hidden == 1024 {
            // Packed, the float32 page of 1024 pairs (about 3.5 MB) fits the
            // default 4 MB; a 2 MB budget makes the build choose int8, which
            // is what this checks on the real data.
            let path = w.path().join("workshop.toml");
            let toml = std::fs::read_to_string(&path).unwrap();
            let budget = toml.replace(
                "explorer_max_bytes = 4000000",
                "explorer_max_bytes = 2000000",
            );
            assert_ne!(
                budget, toml,
                "workshop.toml has no explorer_max_bytes = 4000000"
            );
            std::fs::write(&path, budget).unwrap();
        }
        let o = kvlens(w.path(), cache.path(), &mnist, &["build"]);
        assert!(o.status.success(), "hidden = {hidden}: {}", stderr(&o));
        if hidden == 256 {
            // (A successful build already resolved every selector and claim.)
            let o = kvlens(w.path(), cache.path(), &mnist, &["check"]);
            assert!(o.status.success(), "hidden = {hidden}: {}", stderr(&o));
        }
        let report: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(w.path().join("public/build-report.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(report["model"]["config"]["hidden"], hidden);
        assert!(
            report["claims"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["holds"] == true)
        );
        // The explorer carries the model: f32 while it fits the budget, else
        // int8 (1024 pairs, with the 2 MB budget above) with its agreement on
        // the test set.
        let ex = &report["hands_on"]["explorer"];
        assert!(
            ex["bytes"].as_u64().unwrap() <= ex["max_bytes"].as_u64().unwrap(),
            "hidden = {hidden}: {ex}"
        );
        if hidden == 1024 {
            assert_eq!(ex["encoding"], "int8", "{ex}");
            let a = &ex["agreement"];
            assert_eq!(a["of"], 10000);
            assert!(a["agree"].as_u64().unwrap() >= 9900, "int8 agreement {a}");
            eprintln!(
                "hidden = 1024: int8 explorer agrees on {} of 10000 test predictions, largest logit difference {}",
                a["agree"], a["max_logit_diff"]
            );
            wide = Some(w);
        } else if hidden == 256 {
            assert_eq!(ex["encoding"], "f32", "{ex}");
            // The default size: the page with everything it loads stays
            // under 1 MB, float32 weights and all (packed, see handson::pack).
            let (bytes, files) =
                crate::handson::page_weight(&w.path().join("public"), "explorer.html");
            assert!(bytes <= 1_000_000, "{bytes} bytes: {files:?}");
            eprintln!("hidden = 256: the f32 explorer page loads {bytes} bytes ({files:?})");
            audited = Some(w);
        }
    }
    let w = audited.unwrap();
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let axe = axe_or_skip();
    let public = w.path().join("public");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(public.join("build-report.json")).unwrap())
            .unwrap();
    let mut pages: Vec<String> = report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    let decks: Vec<String> = report["decks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["page"].as_str().unwrap().to_string())
        .collect();
    assert!(!decks.is_empty(), "the workshop has a deck");
    pages.push("index.html".into());
    pages.extend(crate::common::gallery_pages(&public));
    pages.push(
        report["hands_on"]["explorer"]["page"]
            .as_str()
            .unwrap()
            .to_string(),
    );
    pages.extend(decks.iter().cloned());
    // The presenter view is a page of its own for the audit.
    pages.extend(decks.iter().map(|d| format!("{d}?presenter")));
    // The exercise sheets (every variant built).
    let sheets: Vec<String> = report["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["pages"].as_array().unwrap().iter())
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert!(sheets.len() >= 2, "the workshop has its two sheets");
    pages.extend(sheets);
    let site = file_url(&public);
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut problems = Vec::new();
    for rel in &pages {
        // A fresh tab per page: console errors and requests are its own.
        let mut page = browser.new_page().unwrap();
        page.set_viewport(1280, 900, 1.0).unwrap();
        let (file, query) = rel.split_once('?').unwrap_or((rel, ""));
        let url = file_url(&public.join(file));
        page.goto(&if query.is_empty() {
            url
        } else {
            format!("{url}?{query}")
        })
        .unwrap();
        page.wait_for(
            "document.readyState === 'complete' && (!document.documentElement.classList.contains('kvdeck') || document.documentElement.dataset.ready === '1')",
            std::time::Duration::from_secs(10),
        )
        .unwrap();
        if decks.contains(rel) {
            // Every slide fits its 1280×720 box, fully revealed.
            for s in kvlens::print::overfull_slides(&mut page).unwrap() {
                problems.push(format!("{rel}: {s} is overfull"));
            }
        }
        for e in page.console_errors() {
            problems.push(format!("{rel}: console: {e}"));
        }
        for r in page.requests() {
            if !r.starts_with(&site) {
                problems.push(format!("{rel}: request outside the site: {r}"));
            }
        }
        problems.extend(axe_violations(&mut page, &axe, &format!("{rel}: axe")));
        // Every number's derivation re-adds, Tab reaches it, Escape closes it.
        problems.extend(crate::derivations::page_problems(&mut page, rel));
    }
    // The explorer reproduces the Rust analyses of its test vectors, f32
    // (256 pairs) and int8 (1024 pairs).
    let wide = wide.unwrap();
    for (dir, what) in [(w.path(), "256"), (wide.path(), "1024")] {
        let public = dir.join("public");
        let mut page = crate::handson::open_explorer(&mut browser, &public, "explorer.html");
        let (p, worst, worst_f32) = crate::handson::check_vectors(&mut page, &public);
        eprintln!(
            "explorer ({what} pairs): largest logit difference {worst:e} to the page's model, {worst_f32:e} to the trained model"
        );
        problems.extend(p.into_iter().map(|p| format!("explorer {what}: {p}")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
