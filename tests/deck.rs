//! The slide deck through the real binary on a fixture workshop: slides cut
//! at headings and `---`, sections and tracks (`--track`), the QR slide and
//! its warning, deck-only shortcodes refused elsewhere; in Chromium: keys,
//! the URL hash, reload, overview, fragments, help, blank, zoom, the
//! presenter window kept in sync both ways from file://, no console error
//! or request outside the site, axe-core clean; `--pdf` prints one page per
//! slide (checked with pdfinfo when it is installed).

use crate::browser::chromium_or_skip;
use crate::common::{MODEL, Workshop, copy_dir, stderr, tree};
use crate::course::axe_violations;
use kvlens::browser::{Browser, file_url};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

pub const DECK: &str = r#"+++
title = "Fixture talk"
description = "A deck for the tests."
kind = "deck"
+++

# Fixture talk {.title}

Keys and values, computed.

# Plan
{{ section(minutes=10, title="Opening") }}

{% fragment(items=true) %}
- one
- two
- three
{% end %}

{% notes() %}
Say the plan.
{% end %}

# The toy net
{{ section(minutes=40) }}

{{ net(name="exercise", input="a") }}

{% fragment() %}
The output is {{ value(net="exercise", input="a", of="logit") }}.
{% end %}

{% notes() %}
Ask first: what will the output be?
{% end %}

---

A slide without a heading, with math $k \cdot x$.

# Long detour {.columns}
{{ slide(track="long") }}

Left and right.

# A real image
{{ section(minutes=45, track="long") }}

{{ figure(name="waterfall", example="first(digit=3)") }}

{% notes() %}
The waterfall, step by step.
{% end %}

# Wrap-up
{{ section(minutes=10) }}

That is all. Back to [the keys page](@/keys.md).
"#;

/// The course-site slide, added at the end of [`DECK`] by the tests of `qr`.
const QR_SLIDE: &str =
    "\n# Scan me {.center}\n\n{{ qr() }}\n\n{% notes() %}\nGive them time to scan.\n{% end %}\n";

const KEYS_PAGE: &str = "+++\ntitle = \"Keys\"\n+++\nSee [the wrap-up](@/deck.md#wrap-up).\n";

/// The fixture workshop with the deck above (and `base_url` when given).
pub fn talk(base_url: Option<&str>) -> Workshop {
    let w = Workshop::new(MODEL);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content/nets"), &w.path().join("content/nets"));
    w.write("content/deck.md", DECK);
    w.write("content/keys.md", KEYS_PAGE);
    if let Some(url) = base_url {
        let toml = std::fs::read_to_string(w.path().join("workshop.toml")).unwrap();
        let toml = toml.replacen("[site]\n", &format!("[site]\nbase_url = \"{url}\"\n"), 1);
        w.write("workshop.toml", &toml);
    }
    w
}

fn report(w: &Workshop) -> Value {
    serde_json::from_str(&std::fs::read_to_string(w.public().join("build-report.json")).unwrap())
        .unwrap()
}

/// The ids of the deck's slides, in order.
fn slide_ids(w: &Workshop) -> Vec<String> {
    let html = std::fs::read_to_string(w.public().join("deck.html")).unwrap();
    html.split("<section class=\"slide")
        .skip(1)
        .map(|s| {
            let i = s.find(" id=\"").unwrap() + 5;
            s[i..i + s[i..].find('"').unwrap()].to_string()
        })
        .collect()
}

#[test]
fn the_deck_has_its_slides_sections_and_tracks() {
    let w = talk(None);
    let o = w.run(&["build", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    assert_eq!(
        slide_ids(&w),
        [
            "fixture-talk",
            "plan",
            "the-toy-net",
            "slide-4",
            "long-detour",
            "a-real-image",
            "wrap-up"
        ]
    );
    let r = report(&w);
    let deck = &r["decks"][0];
    assert_eq!(deck["page"], "deck.html");
    assert_eq!(deck["slides"], 7);
    assert_eq!(deck["planned_minutes"], 105);
    assert_eq!(deck["track"], Value::Null);
    let sections: Vec<(String, u64)> = deck["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["title"].as_str().unwrap().to_string(),
                s["minutes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sections,
        [
            ("Opening".to_string(), 10),
            ("The toy net".to_string(), 40),
            ("A real image".to_string(), 45),
            ("Wrap-up".to_string(), 10)
        ]
    );
    // Each section knows when it ends, minutes into the talk.
    let ends: Vec<u64> = deck["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ends_at"].as_u64().unwrap())
        .collect();
    assert_eq!(ends, [10, 50, 95, 105]);
    let html = std::fs::read_to_string(w.public().join("deck.html")).unwrap();
    // Notes, fragments, classes, the computed value, math, a resolved link.
    assert!(html.contains("<aside class=\"notes\">\n<p>Say the plan.</p>"));
    assert!(html.contains("<div class=\"fragment-items\">"));
    assert!(html.contains("class=\"slide title\" id=\"fixture-talk\""));
    assert!(html.contains("class=\"slide columns\" id=\"long-detour\""));
    assert!(html.contains("<math"));
    assert!(html.contains("href=\"keys.html\""));
    assert!(html.contains("aria-label=\"Slide 3 of 7: The toy net\" data-section=\"1\""));
    assert!(!html.contains("<hr"));
    assert!(!html.contains("\0"));
    // The home page offers the deck; the course page links into it.
    let home = std::fs::read_to_string(w.public().join("index.html")).unwrap();
    assert!(home.contains("href=\"deck.html\""), "{home}");
    let keys = std::fs::read_to_string(w.public().join("keys.html")).unwrap();
    assert!(keys.contains("href=\"deck.html#wrap-up\""));

    // The 90-minute track leaves out the long parts; 200 minutes fit all.
    let before = tree(&w.public());
    let o = w.run(&["build", "-q", "--track", "90"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        slide_ids(&w),
        ["fixture-talk", "plan", "the-toy-net", "slide-4", "wrap-up"]
    );
    let deck = &report(&w)["decks"][0];
    assert_eq!(deck["planned_minutes"], 60);
    // The short track has its own clock: the last section ends at its total.
    let last = deck["sections"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["ends_at"], 60);
    assert!(deck["planned_minutes"].as_u64().unwrap() <= 90);
    assert_eq!(deck["track"], "90-minute track");
    assert_eq!(deck["shortened"], true);
    let o = w.run(&["build", "-q", "--track", "200"]);
    assert!(o.status.success());
    assert_eq!(report(&w)["decks"][0]["slides"], 7);
    assert_eq!(report(&w)["decks"][0]["shortened"], false);

    // A track that cannot fit fails, names the sections, and keeps public/.
    let o = w.run(&["build", "-q", "--track", "90"]);
    assert!(o.status.success());
    let kept = tree(&w.public());
    let o = w.run(&["build", "-q", "--track", "50"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("deck.md: the 50-minute track plans 60 minutes even without the long parts (Opening 10, The toy net 40, Wrap-up 10)"),
        "{err}"
    );
    assert!(err.contains("track=\"long\""), "{err}");
    assert_eq!(tree(&w.public()), kept);
    assert_ne!(before, kept);
    let o = w.run(&["check", "--track", "50"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the 50-minute track plans 60 minutes"));
}

#[test]
fn with_base_url_the_qr_slide_is_drawn_and_without_it_says_where_the_site_is() {
    let w = talk(Some("https://example.org/workshop/"));
    w.write("content/deck.md", &format!("{DECK}{QR_SLIDE}"));
    let o = w.run(&["build", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let ids = slide_ids(&w);
    assert_eq!(ids.last().unwrap(), "scan-me");
    let html = std::fs::read_to_string(w.public().join("deck.html")).unwrap();
    assert!(html.contains("<figure class=\"qr\">\n<svg role=\"img\" aria-label=\"QR code of https://example.org/workshop/\""));
    assert!(html.contains(">https://example.org/workshop/</a></figcaption>"));
    // Without base_url the slide stays, with no warning, and says where to look.
    let w = talk(None);
    w.write("content/deck.md", &format!("{DECK}{QR_SLIDE}"));
    let o = w.run(&["build", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    assert_eq!(slide_ids(&w).last().unwrap(), "scan-me");
    let html = std::fs::read_to_string(w.public().join("deck.html")).unwrap();
    assert!(!html.contains("QR code of"));
    assert!(
        html.contains("<figure class=\"qr qr-placeholder\">")
            && html.contains("<code>kvlens serve</code> prints the address")
            && html.contains("Open <code>index.html</code>"),
        "{html}"
    );
}

#[test]
fn deck_mistakes_are_reported_at_their_position() {
    let w = talk(None);
    w.write(
        "content/keys.md",
        "+++\ntitle = \"Keys\"\n+++\nText.\n\n{% notes() %}\nNot in a page.\n{% end %}\n",
    );
    w.write(
        "content/deck.md",
        "+++\ntitle = \"T\"\nkind = \"deck\"\n+++\n# One {track=long}\n\n# Two\n{{ section(minutes=5, track=\"longer\") }}\n\n# Three\n{{ slide(track=\"long\") }}\n{{ slide(class=\"center\") }}\n",
    );
    let o = w.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for expected in [
        "keys.md:6:4: `notes` belongs in a slide deck",
        "deck.md:5:1: a slide heading takes {#id} and {.class} only, not `track`",
        "deck.md:8:29: unknown track `longer`",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    // The second `slide` in one slide is found once the rest is right.
    w.write("content/keys.md", "+++\ntitle = \"Keys\"\n+++\nText.\n");
    w.write(
        "content/deck.md",
        "+++\ntitle = \"T\"\nkind = \"deck\"\n+++\n# Three\n{{ slide(track=\"long\") }}\n{{ slide(class=\"center\") }}\n",
    );
    let o = w.run(&["build", "-q"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("deck.md:7:1: a second `slide` in one slide"),
        "{}",
        stderr(&o)
    );
}

fn ready(page: &mut kvlens::browser::Page) {
    page.wait_for(
        "document.documentElement.dataset.ready === '1'",
        Duration::from_secs(10),
    )
    .unwrap();
}

fn state(page: &mut kvlens::browser::Page) -> Value {
    page.eval("window.kvDeck.state()").unwrap()
}

/// Waits until the deck in `page` shows slide `index` with `fragment` revealed.
#[track_caller]
fn wait_at(page: &mut kvlens::browser::Page, index: usize, fragment: usize) {
    let cond = format!(
        "(() => {{ const s = window.kvDeck.state(); return s.index === {index} && s.fragment === {fragment}; }})()"
    );
    if let Err(e) = page.wait_for(&cond, Duration::from_secs(5)) {
        panic!("{e:#}; state: {}", state(page));
    }
}

#[test]
fn the_deck_runs_by_keyboard_and_the_presenter_window_follows_both_ways() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let axe_js = crate::course::axe_or_skip();
    let w = talk(None);
    assert!(w.run(&["build", "-q"]).status.success());
    let url = file_url(&w.public().join("deck.html"));
    let site = file_url(&w.public());
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.set_viewport(1280, 720, 1.0).unwrap();
    page.goto(&url).unwrap();
    ready(&mut page);
    let s = state(&mut page);
    assert_eq!(
        (s["index"].clone(), s["count"].clone()),
        (json!(0), json!(7))
    );
    let hash = "location.hash";

    // Keys move through slides and fragments; the hash names the slide.
    page.press("ArrowRight").unwrap();
    wait_at(&mut page, 1, 0);
    assert_eq!(page.eval(hash).unwrap(), json!("#plan"));
    assert_eq!(state(&mut page)["fragments"], json!(3));
    page.press(" ").unwrap();
    wait_at(&mut page, 1, 1);
    page.press("PageDown").unwrap();
    wait_at(&mut page, 1, 2);
    let visible = "document.querySelectorAll('#plan .fragment-items li.visible').length";
    assert_eq!(page.eval(visible).unwrap(), json!(2));
    page.press("ArrowRight").unwrap();
    wait_at(&mut page, 1, 3);
    page.press("ArrowRight").unwrap();
    wait_at(&mut page, 2, 0);
    page.press("ArrowLeft").unwrap();
    wait_at(&mut page, 1, 3);
    page.press("PageUp").unwrap();
    wait_at(&mut page, 1, 2);
    page.press("End").unwrap();
    wait_at(&mut page, 6, 0);
    assert_eq!(page.eval(hash).unwrap(), json!("#wrap-up"));
    page.press("Home").unwrap();
    wait_at(&mut page, 0, 0);
    // Only the current slide is exposed; it is a labelled region.
    assert_eq!(
        page.eval("[...document.querySelectorAll('.slide')].filter(s => s.checkVisibility()).map(s => s.getAttribute('aria-label'))")
            .unwrap(),
        json!(["Slide 1 of 7: Fixture talk"])
    );

    // Deep link, reload, back button.
    page.goto(&format!("{url}#the-toy-net")).unwrap();
    ready(&mut page);
    wait_at(&mut page, 2, 0);
    page.send("Page.reload", json!({})).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    ready(&mut page);
    wait_at(&mut page, 2, 0);
    page.press("ArrowRight").unwrap(); // the fragment
    page.press("ArrowRight").unwrap();
    wait_at(&mut page, 3, 0);
    assert_eq!(page.eval(hash).unwrap(), json!("#slide-4"));
    page.eval("history.back()").unwrap();
    page.wait_for("window.kvDeck.state().index === 2", Duration::from_secs(5))
        .unwrap();
    assert_eq!(page.eval(hash).unwrap(), json!("#the-toy-net"));

    // Overview: arrows choose, Enter jumps.
    page.press("o").unwrap();
    page.wait_for("window.kvDeck.state().overview", Duration::from_secs(5))
        .unwrap();
    page.screenshot_png(&shots.join("deck-overview.png"))
        .unwrap();
    page.press("ArrowRight").unwrap();
    page.press("ArrowRight").unwrap();
    page.press("Enter").unwrap();
    page.wait_for("!window.kvDeck.state().overview", Duration::from_secs(5))
        .unwrap();
    wait_at(&mut page, 4, 0);
    // Help, blank screen, zoom.
    page.press("?").unwrap();
    page.wait_for("window.kvDeck.state().help", Duration::from_secs(5))
        .unwrap();
    assert_eq!(
        page.eval("document.activeElement.closest('[role=dialog]') !== null")
            .unwrap(),
        json!(true),
        "focus moves into the help dialog"
    );
    page.press("Escape").unwrap();
    page.wait_for("!window.kvDeck.state().help", Duration::from_secs(5))
        .unwrap();
    page.press("b").unwrap();
    page.wait_for("window.kvDeck.state().blank", Duration::from_secs(5))
        .unwrap();
    page.press("b").unwrap();
    page.wait_for("!window.kvDeck.state().blank", Duration::from_secs(5))
        .unwrap();
    page.eval("window.kvDeck.go(5, 0)").unwrap();
    wait_at(&mut page, 5, 0);
    page.press("z").unwrap();
    page.wait_for("window.kvDeck.state().zoom", Duration::from_secs(5))
        .unwrap();
    page.screenshot_png(&shots.join("deck-zoom.png")).unwrap();
    page.press("Escape").unwrap();
    page.wait_for("!window.kvDeck.state().zoom", Duration::from_secs(5))
        .unwrap();
    page.screenshot_png(&shots.join("deck-slide.png")).unwrap();
    let mut problems = kvlens::print::overfull_slides(&mut page).unwrap();
    problems.extend(axe_violations(&mut page, &axe_js, "deck"));

    // The presenter window: opened by `s`, kept in step both ways.
    page.eval("window.kvDeck.go(1, 1)").unwrap();
    wait_at(&mut page, 1, 1);
    page.press("s").unwrap();
    let audience = page.id();
    let presenter = browser
        .wait_for_page("presenter", Duration::from_secs(10))
        .unwrap();
    let mut p = browser.page(&presenter);
    ready(&mut p);
    p.wait_for(
        "window.kvDeck.state().presenter && window.kvDeck.state().connected",
        Duration::from_secs(5),
    )
    .unwrap();
    wait_at(&mut p, 1, 1);
    p.press("ArrowRight").unwrap();
    wait_at(&mut p, 1, 2);
    let mut a = browser.page(&audience);
    wait_at(&mut a, 1, 2);
    a.press("End").unwrap();
    wait_at(&mut a, 6, 0);
    let mut p = browser.page(&presenter);
    wait_at(&mut p, 6, 0);
    let text = p.eval("document.body.innerText").unwrap();
    let text = text.as_str().unwrap();
    assert!(text.contains("Wrap-up"), "{text}");
    assert!(
        text.contains("Planned 10 min, ends at 1:45"),
        "the section's planned minutes and when it ends: {text}"
    );
    p.press("ArrowLeft").unwrap();
    wait_at(&mut p, 5, 0);
    p.screenshot_png(&shots.join("deck-presenter.png")).unwrap();
    problems.extend(axe_violations(&mut p, &axe_js, "presenter"));
    for e in p.console_errors() {
        problems.push(format!("presenter console: {e}"));
    }
    for r in p.requests() {
        if !r.starts_with(&site) {
            problems.push(format!("presenter request outside the site: {r}"));
        }
    }
    let mut a = browser.page(&audience);
    wait_at(&mut a, 5, 0);
    // A reloaded slides window finds its presenter again.
    a.send("Page.reload", json!({})).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    ready(&mut a);
    wait_at(&mut a, 5, 0);
    a.wait_for("window.kvDeck.state().connected", Duration::from_secs(5))
        .unwrap();
    a.press("ArrowRight").unwrap();
    wait_at(&mut a, 6, 0);
    let mut p = browser.page(&presenter);
    wait_at(&mut p, 6, 0);
    // The presenter's timer starts, pauses and resets.
    p.eval("document.querySelector('.presenter-toggle').click()")
        .unwrap();
    p.wait_for(
        "document.querySelector('.presenter-elapsed').textContent !== '0:00'",
        Duration::from_secs(5),
    )
    .unwrap();
    p.eval("document.querySelector('.presenter-reset').click()")
        .unwrap();
    p.wait_for(
        "document.querySelector('.presenter-elapsed').textContent === '0:00'",
        Duration::from_secs(5),
    )
    .unwrap();
    // A swipe to the right goes back a slide.
    let mut a = browser.page(&audience);
    for (kind, x) in [
        ("touchStart", 300.0),
        ("touchMove", 900.0),
        ("touchEnd", 900.0),
    ] {
        let points = if kind == "touchEnd" {
            json!([])
        } else {
            json!([{ "x": x, "y": 360.0 }])
        };
        a.send(
            "Input.dispatchTouchEvent",
            json!({ "type": kind, "touchPoints": points }),
        )
        .unwrap();
    }
    wait_at(&mut a, 5, 0);
    for e in a.console_errors() {
        problems.push(format!("deck console: {e}"));
    }
    for r in a.requests() {
        if !r.starts_with(&site) {
            problems.push(format!("deck request outside the site: {r}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `pdfinfo`'s page count, when poppler-utils is installed.
pub fn pdfinfo_pages(pdf: &Path) -> Option<usize> {
    let o = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
}

/// `kvlens build -q --pdf` with this Chromium.
fn build_pdf(w: &Workshop, chromium: &Path) -> std::process::Output {
    w.cmd()
        .args(["build", "-q", "--pdf", "--chromium"])
        .arg(chromium)
        .output()
        .unwrap()
}

#[test]
fn build_pdf_prints_one_page_per_slide_and_the_same_bytes_twice() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let w = talk(None);
    let o = build_pdf(&w, &chromium);
    assert!(o.status.success(), "{}", stderr(&o));
    let slides = report(&w)["decks"][0]["slides"].as_u64().unwrap() as usize;
    let print = w.public().join("print");
    let deck = print.join("deck.pdf");
    let bytes = std::fs::read(&deck).unwrap();
    assert_eq!(kvlens::browser::pdf_page_count(&bytes), slides);
    // Links into the site never name the temporary folder it was printed from.
    assert!(!String::from_utf8_lossy(&bytes).contains("file:"));
    match pdfinfo_pages(&deck) {
        Some(pages) => assert_eq!(pages, slides, "pdfinfo"),
        None => assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true needs pdfinfo (poppler-utils)"
        ),
    }
    let notes = std::fs::read(print.join("deck-notes.pdf")).unwrap();
    assert!(kvlens::browser::pdf_page_count(&notes) >= slides);
    let handout = std::fs::read(print.join("deck-handout.pdf")).unwrap();
    assert_eq!(
        kvlens::browser::pdf_page_count(&handout),
        slides.div_ceil(6)
    );
    let files = report(&w)["files"].clone();
    assert!(
        files
            .as_array()
            .unwrap()
            .contains(&json!("print/deck-handout.pdf"))
    );
    // A page to look at.
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let _ = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "40", "-f", "3", "-l", "3"])
        .arg(&deck)
        .arg(shots.join("deck-pdf"))
        .status();
    // The same site prints to the same bytes.
    let first = tree(&w.public());
    let o = build_pdf(&w, &chromium);
    assert!(o.status.success(), "{}", stderr(&o));
    crate::common::assert_same_tree(&first, &tree(&w.public()), "two --pdf builds");
    // A slide too full to fit fails the print, naming the slide.
    let long =
        "\n# Far too long\n\n".to_string() + &"A line of text that fills the slide.\n\n".repeat(40);
    w.write("content/deck.md", &(DECK.to_string() + &long));
    let o = build_pdf(&w, &chromium);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("deck.html: slide far-too-long (")
            && stderr(&o).contains("does not fit its 1280×720 slide"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&w.public()), first);
    // Without Chromium, --pdf fails before building and public/ stays.
    let o = w.run(&[
        "build",
        "-q",
        "--pdf",
        "--chromium",
        "/nonexistent/chromium",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("/nonexistent/chromium does not exist"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&w.public()), first);
}
