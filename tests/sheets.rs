//! Exercise sheets through the real binary: the learner's sheet without
//! answers, keys beside public/ with every step, seeded variants, the TA
//! table, `expect` caught by the verifier, bad blocks at file:line:col, and
//! the printed PDFs (every exercise on one page).

use crate::browser::chromium_or_skip;
use crate::common::{MODEL, Workshop, assert_same_tree, copy_dir, stderr, tree};
use serde_json::Value;
use std::path::Path;

/// A sheet of every toy type (numbers from the repo's nets) with ranges.
pub const TOY_SHEET: &str = r#"+++
title = "Toy sheet"
kind = "sheet"
+++
Work on paper.

{% exercise(type="neuron", net="single-neuron", inputs="first second", range="-2..2", space="lines 2") %}
Compute the neuron's output for each input.

Hint: weights first, then the bias, then ReLU.

Stretch: which input makes it output exactly 0?

Discussion: DEBRIEF-ONLY text.
{% end %}

{% exercise(type="layer-by-layer", net="exercise", inputs="a", range="-2..2", space="boxes") %}
Layer by layer.
{% end %}

{% exercise(type="pair-by-pair", net="exercise", inputs="a", range="-2..2", space="boxes") %}
Pair by pair.
{% end %}

{% exercise(type="toy-image", net="slides", inputs="x1 x2 x3", tie=true, range="-1..1", space="boxes") %}
Which output wins?
{% end %}

{% exercise(type="design-key", net="slides", pixels="a d") %}
Design a key.
{% end %}

{% exercise(type="design-win", net="slides", output="output 2", range="-1..1", space="lines 2") %}
Can output 2 win?
{% end %}
"#;

/// A sheet on the trained fixture network.
pub const REAL_SHEET: &str = r#"+++
title = "Real sheet"
kind = "sheet"
+++
{% exercise(type="remove-pair", top=3, example="test:0", space="boxes") %}
Take one pair away.
{% end %}

{% exercise(type="remove-pair", top=3, space="boxes") %}
The image is chosen by kvlens.
{% end %}
"#;

fn sheets_workshop() -> Workshop {
    let w = Workshop::new(MODEL);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content/nets"), &w.path().join("content/nets"));
    std::fs::create_dir_all(w.path().join("content/sheets")).unwrap();
    w.write("content/sheets/toy.md", TOY_SHEET);
    w.write("content/sheets/real.md", REAL_SHEET);
    w.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n");
    w
}

/// The instructor's build report (with every variant's answers).
fn report(w: &Workshop) -> Value {
    let beside = w.path().join("instructor/build-report.json");
    let path = if beside.exists() {
        beside
    } else {
        w.public().join("instructor/build-report.json")
    };
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn a_sheet_builds_with_its_key_beside_public_and_a_ta_table() {
    let w = sheets_workshop();
    let o = w.run(&["build", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sheet = read(&w.public().join("sheets/toy.html"));
    let key_path = w.path().join("instructor/sheets/toy-key.html");
    let key = read(&key_path);
    // The learner's sheet: six exercises with answer boxes, no answers.
    assert_eq!(sheet.matches("<section class=\"exercise\"").count(), 6);
    assert!(sheet.contains("End of exercise 6."));
    assert!(sheet.contains("class=\"answer-box\" role=\"img\""));
    assert!(!sheet.contains("filled"), "answers leaked into the sheet");
    assert!(
        !sheet.contains("DEBRIEF-ONLY"),
        "the discussion is for the key"
    );
    assert!(sheet.contains("<strong>Hint.</strong> weights first"));
    // Variant 1 uses the written numbers: 0.5 × 2 + (−0.1) × 1.5 + 1.3 = 2.15
    // and 0.5 × 0.1 + (−0.1) × 20 + 1.3 = −0.65 → 0.
    assert!(key.contains("0.5 × 2 + (−0.1) × 1.5"), "{key}");
    assert!(key.contains("first: <strong>2.15</strong>; second: <strong>0</strong>"));
    assert!(key.contains("Usual wrong answers"));
    assert!(
        key.contains("second: output −0.65</strong>: ReLU skipped"),
        "the ReLU slip"
    );
    assert!(key.contains("DEBRIEF-ONLY"));
    // The 2-2-1 net on (1.5, −0.8): hidden 0.6·1.5 + (−0.4)(−0.8) = 1.22,
    // 1.2·1.5 + 0.9·(−0.8) = 1.08; output 2·1.22 − 1.5·1.08 = 0.82.
    assert!(key.contains("output: <strong>0.82</strong>"));
    assert!(key.contains("W1 read transposed"), "the transposition slip");
    assert!(key.contains("no: at best a tie"));
    assert!(key.contains("key: <strong>(1, 0, 0, 1)</strong>; bias: <strong>−1</strong>"));
    // Keys beside public/ reach the site's theme through ../public/.
    assert!(
        key.contains("href=\"../../public/theme/sheet.css\""),
        "{key}"
    );
    assert!(
        !w.public().join("instructor").exists(),
        "keys were published"
    );
    // The TA table lists the answers and links the keys.
    let ta = read(&w.path().join("instructor/ta-table.html"));
    assert!(ta.contains("first: 2.15; second: 0"));
    assert!(ta.contains("href=\"sheets/toy-key.html\""));
    // The report and the home page.
    let r = report(&w);
    let sheets = r["sheets"].as_array().unwrap();
    assert_eq!(sheets.len(), 2);
    let toy = sheets.iter().find(|s| s["title"] == "Toy sheet").unwrap();
    assert_eq!(toy["exercises"].as_array().unwrap().len(), 6);
    assert_eq!(toy["exercises"][0]["answers"][0], "first: 2.15; second: 0");
    assert_eq!(r["ta_table"], "instructor/ta-table.html");
    let home = read(&w.public().join("index.html"));
    assert!(home.contains("href=\"sheets/toy.html\""));
    assert!(!home.contains("ta-table"));
    // The real sheet: the printed arithmetic in the key, checked.
    let real_key = read(&w.path().join("instructor/sheets/real-key.html"));
    assert!(real_key.contains("new score"), "{real_key}");
    assert!(real_key.contains("Checked at build time"));
}

#[test]
fn published_keys_go_into_public_and_the_home_page_links_them() {
    let w = sheets_workshop();
    let toml = read(&w.path().join("workshop.toml"));
    w.write(
        "workshop.toml",
        &format!("{toml}\n[sheets]\npublish_keys = true\n"),
    );
    let o = w.run(&["build", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let key = read(&w.public().join("instructor/sheets/toy-key.html"));
    assert!(key.contains("href=\"../../theme/sheet.css\""));
    assert!(w.public().join("instructor/ta-table.html").is_file());
    assert!(!w.path().join("instructor").exists());
    let home = read(&w.public().join("index.html"));
    assert!(home.contains("href=\"instructor/ta-table.html\""));
    assert!(
        home.contains("href=\"instructor/sheets/toy-marking.html\""),
        "the home page links the marking keys"
    );
    assert!(
        w.public()
            .join("instructor/sheets/toy-marking.html")
            .is_file()
    );
    let sheet = read(&w.public().join("sheets/toy.html"));
    assert!(sheet.contains("toy-key.html"), "the sheet links its key");
}

/// The variants' numbers: every `<td>` of the given tables of a page.
fn given_numbers(html: &str) -> String {
    html.split("<div class=\"exercise-given\">")
        .skip(1)
        .map(|s| s.split("</div>").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn variants_are_seeded_distinct_and_each_has_an_inactive_pair() {
    let w = sheets_workshop();
    let o = w.run(&["build", "-q", "--variants", "4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let public = tree(&w.public());
    let instructor = tree(&w.path().join("instructor"));
    let mut givens = Vec::new();
    for v in 1..=4 {
        let (sheet, key) = match v {
            1 => (
                "sheets/toy.html".to_string(),
                "sheets/toy-key.html".to_string(),
            ),
            v => (
                format!("sheets/toy-v{v}.html"),
                format!("sheets/toy-v{v}-key.html"),
            ),
        };
        let html = read(&w.public().join(&sheet));
        assert!(html.contains(&format!("Variant {v} of 4")), "{sheet}");
        givens.push(given_numbers(&html));
        let key = read(&w.path().join("instructor").join(&key));
        // An inactive pair: a ReLU of a negative number giving 0.
        assert!(
            key.contains("<td>ReLU(−") && key.contains("</td><td>0</td></tr>"),
            "variant {v} has no inactive pair"
        );
        // Its page header names the variant on every printed page.
        assert!(key.contains(&format!("variant {v} of 4")), "{key}");
    }
    for i in 0..4 {
        for j in i + 1..4 {
            assert_ne!(
                givens[i],
                givens[j],
                "variants {} and {} are the same",
                i + 1,
                j + 1
            );
        }
    }
    let r = report(&w);
    let toy = r["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == "Toy sheet")
        .unwrap()
        .clone();
    assert_eq!(toy["variants"], 4);
    let answers = toy["exercises"][0]["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 4);
    let ta = read(&w.path().join("instructor/ta-table.html"));
    for a in answers {
        assert!(ta.contains(a.as_str().unwrap()), "{a} not in the TA table");
    }
    // Same seed, same variants: a second build writes the same bytes.
    let o = w.run(&["build", "-q", "--variants", "4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_tree(&public, &tree(&w.public()), "public/");
    assert_same_tree(
        &instructor,
        &tree(&w.path().join("instructor")),
        "instructor/",
    );
    // Another seed, other variants 2–4; variant 1 keeps the written numbers.
    let toml = read(&w.path().join("workshop.toml"));
    w.write("workshop.toml", &format!("{toml}\n[sheets]\nseed = 7\n"));
    let o = w.run(&["build", "-q", "--variants", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        given_numbers(&read(&w.public().join("sheets/toy.html"))),
        givens[0]
    );
    assert_ne!(
        given_numbers(&read(&w.public().join("sheets/toy-v2.html"))),
        givens[1]
    );
    // A drawn real exercise: the sheet and its key show the same image.
    let images = |html: &str| -> Vec<String> {
        html.split("The image (")
            .skip(1)
            .map(|s| s[..s.find(')').unwrap()].to_string())
            .collect()
    };
    let sheet = images(&read(&w.public().join("sheets/real.html")));
    assert_eq!(sheet.len(), 2, "{sheet:?}");
    assert_eq!(
        sheet,
        images(&read(&w.path().join("instructor/sheets/real-key.html")))
    );
}

#[test]
fn the_verifier_catches_a_wrong_expected_answer() {
    let w = sheets_workshop();
    let wrong = TOY_SHEET.replacen(
        "inputs=\"first second\", range",
        "inputs=\"first second\", expect=\"first: 2.15; second: 1.3\", range",
        1,
    );
    w.write("content/sheets/toy.md", &wrong);
    let o = w.run(&["build", "-q"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("content/sheets/toy.md:7:")
            && e.contains(
                "the computed answer is `first: 2.15; second: 0`, not `first: 2.15; second: 1.3`"
            ),
        "{e}"
    );
    assert!(!w.public().exists(), "a failed build wrote public/");
    // The right expectation passes.
    w.write(
        "content/sheets/toy.md",
        &wrong.replace("second: 1.3", "second: 0"),
    );
    let o = w.run(&["build", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn bad_exercise_blocks_are_reported_at_their_line_and_column() {
    let w = sheets_workshop();
    w.write(
        "content/sheets/bad.md",
        "+++\ntitle = \"Bad\"\nkind = \"sheet\"\n+++\n\
{% exercise(type=\"nueron\") %}\nQ\n{% end %}\n\n\
{% exercise(type=\"neuron\", net=\"single-neuron\", range=\"2 to 3\") %}\nQ\n{% end %}\n\n\
{% exercise(type=\"design-key\", net=\"slides\") %}\nQ\n{% end %}\n\n\
{% exercise(type=\"neuron\", net=\"single-neuro\") %}\nQ\n\nHint: a\n\nHint: b\n{% end %}\n\n\
{% exercise(type=\"toy-image\", net=\"slides\", inputs=\"x1 x3\") %}\nQ\n{% end %}\n\n\
{% exercise(type=\"rank-digits\", pair=3) %}\nQ\n{% end %}\n",
    );
    w.write("content/page.md", "+++\ntitle = \"P\"\n+++\n{% exercise(type=\"neuron\", net=\"single-neuron\") %}\nQ\n{% end %}\n");
    let o = w.run(&["check"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    for want in [
        "content/sheets/bad.md:5:19: unknown exercise type `nueron`",
        "did you mean `neuron`?",
        "content/sheets/bad.md:9:56: `2 to 3` is not a range",
        "content/sheets/bad.md:13:4: a `design-key` exercise needs `pixels`",
        "content/sheets/bad.md:22:1: a second `Hint:` paragraph in this exercise",
        "content/page.md:4:4: `exercise` belongs in an exercise sheet",
        "content/sheets/bad.md:29:38: `pair` fixes variant 1 only together with `examples`",
    ] {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
    // With the block syntax right, the model-side checks name the net and the tie.
    w.write(
        "content/sheets/bad.md",
        "+++\ntitle = \"Bad\"\nkind = \"sheet\"\n+++\n\
{% exercise(type=\"neuron\", net=\"single-neuro\") %}\nQ\n{% end %}\n\n\
{% exercise(type=\"toy-image\", net=\"slides\", inputs=\"x1 x3\") %}\nQ\n{% end %}\n",
    );
    std::fs::remove_file(w.path().join("content/page.md")).unwrap();
    let o = w.run(&["build", "-q"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    for want in [
        "content/sheets/bad.md:5:33: no toy network `single-neuro`",
        "did you mean `single-neuron`?",
        "content/sheets/bad.md:9:36: the written numbers of `slides` give an accidental tie between outputs",
    ] {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
}

/// The text of page `n` of a PDF (pdftotext), or None without poppler.
fn page_text(pdf: &Path, n: usize) -> Option<String> {
    let o = std::process::Command::new("pdftotext")
        .args(["-layout", "-f", &n.to_string(), "-l", &n.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn printed_sheets_keep_every_exercise_on_one_page_with_header_and_footer() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let w = sheets_workshop();
    let o = w
        .cmd()
        .args(["build", "-q", "--pdf", "--variants", "2", "--chromium"])
        .arg(&chromium)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let print = w.public().join("print/sheets");
    for name in ["toy.pdf", "toy-v2.pdf", "real.pdf", "real-v2.pdf"] {
        assert!(print.join(name).is_file(), "{name}");
    }
    let keys = w.path().join("instructor/print");
    for name in [
        "sheets/toy-key.pdf",
        "sheets/toy-v2-key.pdf",
        "ta-table.pdf",
    ] {
        assert!(keys.join(name).is_file(), "{name}");
    }
    assert!(!w.public().join("print/instructor").exists());
    let pdf = print.join("toy-v2.pdf");
    let Some(pages) = crate::deck::pdfinfo_pages(&pdf) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true needs pdfinfo and pdftotext (poppler-utils)"
        );
        return;
    };
    assert!(pages >= 2, "{pages} pages");
    let texts: Vec<String> = (1..=pages).map(|p| page_text(&pdf, p).unwrap()).collect();
    for ex in 1..=6 {
        let begin = texts
            .iter()
            .position(|t| t.contains(&format!("Exercise {ex} ·")));
        let end = texts
            .iter()
            .position(|t| t.contains(&format!("End of exercise {ex}.")));
        assert!(
            begin.is_some() && begin == end,
            "exercise {ex}: begins on page {begin:?}, ends on {end:?}"
        );
    }
    for (i, t) in texts.iter().enumerate() {
        assert!(
            t.contains("Toy sheet · variant 2 of 2"),
            "page {} has no header:\n{t}",
            i + 1
        );
        assert!(
            t.contains(&format!("Page {} of {pages}", i + 1)),
            "page {} has no footer:\n{t}",
            i + 1
        );
    }
    // The key has answers, the TA table both variants.
    let key = page_text(&keys.join("sheets/toy-key.pdf"), 1).unwrap();
    assert!(key.contains("Answer key"), "{key}");
    let ta = page_text(&keys.join("ta-table.pdf"), 1).unwrap();
    assert!(ta.contains("2.15"), "{ta}");
    // A page rendered: mostly paper, some ink.
    let png = w.path().join("page1");
    let st = std::process::Command::new("pdftoppm")
        .args(["-r", "30", "-gray", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .unwrap();
    assert!(st.success());
    let pgm = std::fs::read(png.with_extension("pgm")).unwrap();
    // P5, width height, 255, then one byte per pixel.
    let header: Vec<&[u8]> = pgm.splitn(4, |b| b.is_ascii_whitespace()).collect();
    let (w_px, h_px): (usize, usize) = (
        std::str::from_utf8(header[1]).unwrap().parse().unwrap(),
        std::str::from_utf8(header[2]).unwrap().parse().unwrap(),
    );
    let pixels = &pgm[pgm.len() - w_px * h_px..];
    let dark = pixels.iter().filter(|&&p| p < 128).count() as f64 / pixels.len() as f64;
    assert!(
        dark > 0.005 && dark < 0.5,
        "page 1: {dark} of the pixels are dark"
    );
}
