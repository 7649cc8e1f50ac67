//! Marking, as exam tools do it, through the real binary: a marking key
//! per variant with every box, its points and partial credit; the
//! variant's code (and its QR code) on every page of the sheet, the key and
//! the marking key; points per exercise and a total on the first page;
//! neighbouring variants that share a final answer fail the build; a
//! sheet over its page budget, or with text under 8 pt on paper, fails a
//! `--pdf` build and leaves public/ as it was.

use crate::browser::chromium_or_skip;
use crate::common::{MODEL, Workshop, assert_same_tree, copy_dir, stderr, tree};
use std::path::Path;

/// Three toy exercises whose numbers every variant draws.
const SHEET: &str = r#"+++
title = "Marked sheet"
kind = "sheet"
+++
Work on paper.

{% exercise(type="neuron", net="single-neuron", inputs="first second", range="-2..2", space="boxes") %}
Compute the neuron's output for each input.
{% end %}

{% exercise(type="layer-by-layer", net="exercise", inputs="a", range="-2..2", space="boxes") %}
Layer by layer.
{% end %}

{% exercise(type="design-key", net="slides", pixels="a d", space="boxes") %}
Design a key.
{% end %}
"#;

fn workshop(sheet: &str) -> Workshop {
    let w = Workshop::new(MODEL);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content/nets"), &w.path().join("content/nets"));
    std::fs::create_dir_all(w.path().join("content/sheets")).unwrap();
    w.write("content/sheets/marked.md", sheet);
    w.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n");
    w
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The variant code a page shows in its header (`<span class="sheet-code"…>CODE<`).
fn code_of(html: &str) -> String {
    let at = html.find("class=\"sheet-code\"").expect("no sheet code");
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest.find('<').unwrap();
    rest[start..end].to_string()
}

/// The texts of every filled answer box of a key page.
fn filled_boxes(key: &str) -> Vec<String> {
    key.split("answer-box")
        .skip(1)
        .filter_map(|s| {
            let s = s.split_once("filled\">")?.1;
            Some(s.split('<').next()?.to_string())
        })
        .collect()
}

/// The numbers of the first `<tr>` whose header is `row` in the grade table.
fn grade_row(html: &str, row: &str) -> Vec<String> {
    let table = &html[html.find("grade-table").expect("no grade table")..];
    let tr = &table[table.find(&format!(">{row}</th>")).unwrap()..];
    let tr = &tr[..tr.find("</tr>").unwrap()];
    tr.split("<td>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_string())
        .collect()
}

#[test]
fn every_variant_has_a_marking_key_with_every_box_its_points_and_its_code() {
    let w = workshop(SHEET);
    let o = w.run(&["build", "-q", "--variants", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut codes = Vec::new();
    for (sheet, key, marking) in [
        ("marked.html", "marked-key.html", "marked-marking.html"),
        (
            "marked-v2.html",
            "marked-v2-key.html",
            "marked-v2-marking.html",
        ),
    ] {
        let sheet = read(&w.public().join("sheets").join(sheet));
        let key = read(&w.path().join("instructor/sheets").join(key));
        let marking = read(&w.path().join("instructor/sheets").join(marking));
        // One code on the sheet, its key and its marking key, printed in
        // every page's margin with its QR code.
        let code = code_of(&sheet);
        assert!(code.starts_with("MS") && code.contains('-'), "{code}");
        for (what, page) in [("key", &key), ("marking key", &marking)] {
            assert_eq!(code_of(page), code, "the {what} has another code");
        }
        for page in [&sheet, &key, &marking] {
            let css = &page[page.find("@page").expect("no @page")..];
            assert!(
                css.contains(&format!("\"{code} \" url(\"data:image/svg+xml;base64,")),
                "{css}"
            );
        }
        assert!(
            sheet.contains("· Name: ____"),
            "every printed page has a name field"
        );
        // Points: the grade table's total is the sum of the exercises', and
        // the marking key gives the same total.
        let points = grade_row(&sheet, "Points");
        let nums: Vec<u32> = points.iter().map(|p| p.parse().unwrap()).collect();
        let (total, each) = nums.split_last().unwrap();
        assert_eq!(each.len(), 3);
        assert_eq!(*total, each.iter().sum::<u32>());
        assert!(
            marking.contains(&format!("{total} points")),
            "marking total"
        );
        assert!(sheet.contains(&format!("{} points</span>", each[0])));
        // Every box the worked key fills is on the marking key, with its
        // points column.
        let boxes = filled_boxes(&key);
        assert!(boxes.len() >= 5, "{boxes:?}");
        for b in &boxes {
            assert!(
                marking.contains(&format!("<td class=\"marking-answer\">{b}</td>")),
                "box answer {b} missing from the marking key"
            );
        }
        assert_eq!(
            marking.matches("class=\"marking-pts\"").count(),
            boxes.len(),
            "one points cell per box"
        );
        assert!(key.contains("Marking key for this variant"));
        codes.push(code);
    }
    assert_ne!(codes[0], codes[1], "variants need their own codes");
    assert!(codes[1].starts_with("MS2-"), "{}", codes[1]);
    let ta = read(&w.path().join("instructor/ta-table.html"));
    assert!(
        ta.contains("href=\"sheets/marked-v2-marking.html\""),
        "the TA table links the marking keys"
    );
    // The same inputs give the same bytes.
    let before = tree(w.path().join("instructor").as_path());
    let o = w.run(&["build", "-q", "--variants", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_tree(
        &before,
        &tree(w.path().join("instructor").as_path()),
        "instructor/",
    );
}

#[test]
fn neighbouring_variants_that_share_a_final_answer_fail_the_build() {
    // The second exercise has written numbers and no range: every variant
    // has the same answers.
    let sheet = SHEET.replace(
        "{% exercise(type=\"layer-by-layer\", net=\"exercise\", inputs=\"a\", range=\"-2..2\", space=\"boxes\") %}",
        "{% exercise(type=\"layer-by-layer\", net=\"exercise\", inputs=\"a\", space=\"boxes\") %}",
    );
    assert_ne!(sheet, SHEET);
    let w = workshop(&sheet);
    let o = w.run(&["build", "-q"]);
    assert!(
        o.status.success(),
        "one variant has no neighbour: {}",
        stderr(&o)
    );
    let before = tree(&w.public());
    let o = w.run(&["build", "-q", "--variants", "3"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("content/sheets/marked.md:11:1: exercise 2 (A small network, layer by layer): variants 1 and 2 have the same final answers (output: 0.82)"),
        "{e}"
    );
    assert!(e.contains("variants 2 and 3"), "{e}");
    assert!(
        !e.contains("exercise 1 ("),
        "exercise 1 draws its numbers: {e}"
    );
    assert_same_tree(&before, &tree(&w.public()), "public/ after a failed build");
}

#[test]
fn a_sheet_over_its_page_budget_or_with_tiny_print_fails_the_pdf_build() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let pdf_build = |w: &Workshop| {
        w.cmd()
            .args(["build", "-q", "--pdf", "--chromium"])
            .arg(&chromium)
            .output()
            .unwrap()
    };
    let w = workshop(&SHEET.replace("kind = \"sheet\"", "kind = \"sheet\"\npages = 2"));
    let o = pdf_build(&w);
    assert!(o.status.success(), "{}", stderr(&o));
    let marking_pdf = w.path().join("instructor/print/sheets/marked-marking.pdf");
    let pages = crate::deck::pdfinfo_pages(&marking_pdf);
    if let Some(pages) = pages {
        assert!(pages <= 2, "the marking key prints on {pages} pages");
    }
    let before = tree(&w.public());
    // Lots of working space: two exercises no longer fit one page.
    w.write(
        "content/sheets/marked.md",
        &SHEET
            .replace("kind = \"sheet\"", "kind = \"sheet\"\npages = 1")
            .replace("space=\"boxes\"", "space=\"lines 12\""),
    );
    let o = pdf_build(&w);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("sheets/marked.html prints on "), "{e}");
    assert!(
        e.contains(
            " A4 pages, more than its budget of 1 (content/sheets/marked.md:4: `pages = 1`)"
        ),
        "{e}"
    );
    assert_same_tree(&before, &tree(&w.public()), "public/ after a failed build");
    // A caption set in 6 pt cannot be read on paper.
    w.write(
        "content/sheets/marked.md",
        &SHEET.replace(
            "Work on paper.",
            "Work on paper. <span style=\"font-size: 6pt\">tiny print here</span>",
        ),
    );
    let o = pdf_build(&w);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("sheets/marked.html: text smaller than 8 pt on paper, too small to read: \"tiny print here\" in <span> (6.0 pt)"),
        "{e}"
    );
    // The printed sheet names its code on every page.
    let o = {
        w.write("content/sheets/marked.md", SHEET);
        pdf_build(&w)
    };
    assert!(o.status.success(), "{}", stderr(&o));
    let code = code_of(&read(&w.public().join("sheets/marked.html")));
    let text = std::process::Command::new("pdftotext")
        .arg(w.public().join("print/sheets/marked.pdf"))
        .arg("-")
        .output();
    if let Ok(t) = text {
        let t = String::from_utf8_lossy(&t.stdout).into_owned();
        let pages = t.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
        assert!(pages >= 1);
        assert_eq!(t.matches(code.as_str()).count(), pages + 1, "{t}");
    }
}
