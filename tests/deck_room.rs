//! The default workshop's deck (this repository's content/, templates and
//! theme, on the real MNIST with a small model: the default content's
//! claims need real digits) as a room meets it: every
//! slide and every fragment at 1280×720 in Chromium, every text on the slide
//! and inside its figures at least 20 px, and no figure slide with most of
//! its area empty; the course-site slide in the default build; the
//! 90-minute track with its short motivation and short hands-on; sections
//! that schedule more sheet minutes than they plan fail the build. Runs when
//! KVLENS_MNIST_DIR is set (always under CI=true).

use crate::browser::chromium_or_skip;
use crate::common::{stderr, tree};
use crate::course::{kvlens, workshop};
use crate::data_fetch::real_mnist_dir;
use kvlens::browser::{Browser, file_url};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The smallest text the back row reads on a 1280×720 slide, in px.
const MIN_PX: f64 = 20.0;
/// The least share of a figure slide its content must cover.
const MIN_COVER: f64 = 0.5;

/// The repository's workshop with 64 pairs, with its cache and the data.
struct Room {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
    mnist: PathBuf,
}

impl Room {
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn public(&self) -> PathBuf {
        self.path().join("public")
    }
    fn run(&self, args: &[&str]) -> std::process::Output {
        kvlens(self.path(), self.cache.path(), &self.mnist, args)
    }
    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path().join(rel), text).unwrap();
    }
}

fn report(w: &Room) -> Value {
    serde_json::from_str(&std::fs::read_to_string(w.public().join("build-report.json")).unwrap())
        .unwrap()
}

/// The titles of the built deck's slides.
fn titles(w: &Room) -> Vec<String> {
    let html = std::fs::read_to_string(w.public().join("deck.html")).unwrap();
    html.split("aria-roledescription=\"slide\" aria-label=\"")
        .skip(1)
        .map(|s| {
            let label = &s[..s.find('"').unwrap()];
            label.split_once(": ").unwrap().1.to_string()
        })
        .collect()
}

#[test]
fn the_default_deck_in_a_room() {
    let Some(mnist) = real_mnist_dir("the_default_deck_in_a_room") else {
        return;
    };
    let w = Room {
        dir: workshop(64),
        cache: tempfile::tempdir().unwrap(),
        mnist,
    };
    let o = w.run(&["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("QR slide"),
        "no warning about the course-site slide: {}",
        stderr(&o)
    );
    let full = titles(&w);
    assert_eq!(full[1], "The course site", "{full:?}");
    let html = std::fs::read_to_string(w.public().join("deck.html")).unwrap();
    assert!(html.contains("qr-placeholder"));
    for t in [
        "The safety challenge",
        "We might not have a lot of time",
        "One bet among several",
        "Hands-on: your turn",
    ] {
        assert!(
            full.iter().any(|x| x == t),
            "{t} in the full deck: {full:?}"
        );
    }
    // The 90-minute track: the short motivation and a short hands-on.
    if let Some(chromium) = chromium_or_skip() {
        every_slide_reads_from_the_back_row(&w, &chromium);
    }
    let guide = |w: &Room| std::fs::read_to_string(w.path().join("instructor/guide.html")).unwrap();
    crate::guide::the_guide_follows_the_deck(&w.public(), &guide(&w));
    let o = w.run(&["build", "--track", "90"]);
    assert!(o.status.success(), "{}", stderr(&o));
    crate::guide::the_guide_follows_the_deck(&w.public(), &guide(&w));
    let short = titles(&w);
    for t in [
        "The course site",
        "Why look inside, in brief",
        "Hands-on, in brief",
        "Pen and paper",
    ] {
        assert!(
            short.iter().any(|x| x == t),
            "{t} in the 90-minute deck: {short:?}"
        );
    }
    assert!(!short.iter().any(|x| x == "The safety challenge"));
    let deck = &report(&w)["decks"][0];
    assert!(deck["planned_minutes"].as_u64().unwrap() <= 90, "{deck}");

    // A section that schedules more sheet minutes than it plans fails the
    // build at its line, naming the sheet and each exercise's minutes.
    let path = w.path().join("content/deck.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("title=\"Pen and paper\""))
        .unwrap()
        + 1;
    let section = text.lines().nth(line - 1).unwrap();
    let minutes: u32 = section
        .split("minutes=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    w.write(
        "content/deck.md",
        &text.replacen(
            "exercises=\"3\", homework=\"2 4 5 6\"",
            "exercises=\"2 3\", homework=\"4 5 6\"",
            1,
        ),
    );
    let kept = tree(&w.public());
    let o = w.run(&["build"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let sheet = w.path().join("content/sheets/conceptual.md");
    let expected = format!(
        "deck.md:{line}:1: section \"Pen and paper\" plans {minutes} minutes, but the exercises it schedules from {} need 15 (exercise 2: 8 min, exercise 3: 7 min)",
        sheet.display()
    );
    assert!(err.contains(&expected), "missing {expected:?} in:\n{err}");
    assert!(err.contains("homework="), "{err}");
    assert_eq!(
        crate::common::tree(&w.public()),
        kept,
        "public/ stays as it was"
    );
    // Unknown sheets and exercises are named too.
    w.write(
        "content/deck.md",
        &text
            .replacen(
                "exercises=\"3\", homework=\"2 4 5 6\"",
                "exercises=\"3\", homework=\"9\"",
                1,
            )
            .replacen(
                "sheet=\"sheets/conceptual.md\", exercises=\"1\"",
                "sheet=\"sheets/nope.md\", exercises=\"1\"",
                1,
            ),
    );
    let o = w.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("has no exercise 9 (it has exercises 1 to 6)"),
        "{err}"
    );
    assert!(err.contains("no exercise sheet `sheets/nope.md`"), "{err}");
}

/// Every slide and fragment of the built deck at 1280×720: texts of at
/// least [`MIN_PX`], figure slides covered at least [`MIN_COVER`].
fn every_slide_reads_from_the_back_row(w: &Room, chromium: &Path) {
    let public = w.public();
    let html = std::fs::read_to_string(public.join("deck.html")).unwrap();
    // The SVG source of every figure the deck embeds as an image.
    let mut svgs = serde_json::Map::new();
    for e in std::fs::read_dir(public.join("figures")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".svg") && html.contains(&format!("figures/{name}\"")) {
            let text = std::fs::read_to_string(public.join("figures").join(&name)).unwrap();
            svgs.insert(name, Value::String(text));
        }
    }
    assert!(!svgs.is_empty(), "the deck embeds figures as images");
    let mut browser = Browser::launch(chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.set_viewport(1280, 720, 1.0).unwrap();
    page.goto(&file_url(&public.join("deck.html"))).unwrap();
    page.wait_for(
        "document.documentElement.dataset.ready === '1'",
        Duration::from_secs(10),
    )
    .unwrap();
    page.eval(include_str!("deck_measure.js")).unwrap();
    page.eval(&format!("window.__svgs = {}; 0", Value::Object(svgs)))
        .unwrap();
    let count = page
        .eval("window.kvDeck.state().count")
        .unwrap()
        .as_u64()
        .unwrap();
    assert!(count > 40, "the default deck has its slides: {count}");
    let mut problems = Vec::new();
    for i in 0..count {
        page.eval(&format!("window.kvDeck.go({i}, 0)")).unwrap();
        let fragments = page
            .eval("window.kvDeck.state().fragments")
            .unwrap()
            .as_u64()
            .unwrap();
        for f in 0..=fragments {
            page.eval(&format!("window.kvDeck.go({i}, {f})")).unwrap();
            page.wait_for(
                &format!("(() => {{ const s = window.kvDeck.state(); return s.index === {i} && s.fragment === {f}; }})()"),
                Duration::from_secs(5),
            )
            .unwrap();
            // Fragments fade in (0.3 s); measure what is fully shown.
            std::thread::sleep(Duration::from_millis(if f > 0 { 350 } else { 50 }));
            let m = page
                .eval(&format!("window.__measureSlide({MIN_PX})"))
                .unwrap();
            let name = format!("slide {} \"{}\"", i + 1, m["title"].as_str().unwrap_or(""));
            for s in m["small"].as_array().unwrap() {
                let where_ = s["where"].as_str().unwrap();
                let line = format!(
                    "{name}, fragment {f}: \"{}\" is {} px ({where_})",
                    s["text"].as_str().unwrap(),
                    s["px"]
                );
                if !problems.contains(&line) {
                    problems.push(line);
                }
            }
            let cover = m["cover"].as_f64().unwrap();
            if f == fragments && m["figures"].as_u64().unwrap() > 0 && cover < MIN_COVER {
                problems.push(format!(
                    "{name}: its content covers {:.0} % of the slide (a figure slide needs {:.0} %)",
                    cover * 100.0,
                    MIN_COVER * 100.0
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "text under {MIN_PX} px or half-empty figure slides at 1280×720:\n{}",
        problems.join("\n")
    );
}
