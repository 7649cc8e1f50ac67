//! The conceptual (toy-network) sheet through the real binary: boxes that
//! say what to write, keys and values printed one row per hidden neuron,
//! exercise 3 pointing to exercise 2 instead of reprinting it, a check
//! table for the design task, a computed stretch answer for every
//! exercise, and neighbouring variants that never share a final answer.

use crate::common::{MODEL, Workshop, copy_dir, stderr};
use serde_json::Value;
use std::path::Path;

/// The repo's conceptual exercises, without the links to course pages.
const SHEET: &str = r#"+++
title = "Toy sheet"
kind = "sheet"
+++
Work on paper.

{% exercise(type="neuron", net="single-neuron", inputs="first second", range="-2..2", space="lines 2") %}
Compute the neuron's output for each input.

Stretch: sketch the line.
{% end %}

{% exercise(type="layer-by-layer", net="exercise", inputs="a", range="-2..2", space="boxes") %}
Layer by layer.

Stretch: which weights can you nudge?
{% end %}

{% exercise(type="pair-by-pair", net="exercise", inputs="a", range="-2..2", space="boxes") %}
Pair by pair.

Stretch: find an input where one pair fires.
{% end %}

{% exercise(type="toy-image", net="slides", inputs="x1 x2 x3", tie=true, range="-1..1", space="boxes") %}
Which output wins?

Stretch: break the tie.
{% end %}

{% exercise(type="design-key", net="slides", pixels="a d") %}
Design a key.

Stretch: exactly one?
{% end %}

{% exercise(type="design-win", net="slides", output="output 2", range="-1..1", space="lines 2") %}
Can output 2 win?

Stretch: change one value.
{% end %}
"#;

fn workshop() -> Workshop {
    let w = Workshop::new(MODEL);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content/nets"), &w.path().join("content/nets"));
    std::fs::create_dir_all(w.path().join("content/sheets")).unwrap();
    w.write("content/sheets/toy.md", SHEET);
    w.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n");
    w
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The HTML of exercise `n` of a page.
fn exercise(html: &str, n: usize) -> String {
    let start = html
        .find(&format!("id=\"exercise-{n}\""))
        .unwrap_or_else(|| panic!("no exercise {n}"));
    let end = html[start..]
        .find(&format!("End of exercise {n}."))
        .unwrap();
    html[start..start + end].to_string()
}

#[test]
fn the_conceptual_sheet_asks_exactly_what_its_key_answers() {
    let w = workshop();
    let o = w.run(&["build", "-q", "--variants", "4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sheet = read(&w.public().join("sheets/toy.html"));
    let key = read(&w.path().join("instructor/sheets/toy-key.html"));
    // Exercise 1: three boxes per input and where it fires.
    let ex1 = exercise(&sheet, 1);
    for label in [
        "w·x (no bias)",
        "w·x + bias",
        "ReLU → output",
        "fires on (first, second, both or neither)",
    ] {
        assert!(ex1.contains(label), "exercise 1 has no box `{label}`");
    }
    assert!(!ex1.contains(">plus bias<"));
    // Exercise 2: the key of hidden 1 is a row of the table.
    let ex2 = exercise(&sheet, 2);
    assert!(
        ex2.contains("<th scope=\"row\">hidden 1</th><td>0.6</td><td>−0.4</td>"),
        "{ex2}"
    );
    assert!(ex2.contains("Values (columns of W2)"));
    // Exercise 3 points to exercise 2 and prints no table of its own.
    let ex3 = exercise(&sheet, 3);
    assert!(ex3.contains("Same network and input as exercise 2"));
    assert!(!ex3.contains("<table") && !ex3.contains("<svg"), "{ex3}");
    // Exercise 4: the keys and values as tables, no biases, the boxes the
    // prose asks for.
    let ex4 = exercise(&sheet, 4);
    assert!(ex4.contains("No biases") && ex4.contains("Keys (rows of W1)"));
    assert!(
        ex4.contains("the order (pair 1, pair 2), the outputs in the order (output 1, output 2)")
    );
    for label in [
        ">matches<",
        ">activations<",
        ">outputs<",
        "winner, or “tie”",
    ] {
        assert!(ex4.contains(label), "exercise 4 has no box `{label}`");
    }
    // Exercise 5: both, and the four check rows.
    let ex5 = exercise(&sheet, 5);
    assert!(ex5.contains("are both inked") && !ex5.contains("all inked"));
    assert_eq!(ex5.matches("Check, ").count(), 4, "{ex5}");
    // The key: a computed stretch answer for every exercise, the usual
    // wrong answers of the earlier workshop, the exact design condition.
    for n in 1..=6 {
        assert!(
            exercise(&key, n).contains("<h3>Stretch answer</h3>"),
            "exercise {n} has no stretch answer"
        );
    }
    assert!(exercise(&key, 1).contains(
        "second: output 0.85</strong>: input copied wrongly: 5 used in place of the input 20"
    ));
    let ex2k = exercise(&key, 2);
    assert!(
        ex2k.contains("output −0.46</strong>: sign slip: (−0.4) × (−0.8) written as −0.32"),
        "{ex2k}"
    );
    assert!(ex2k.contains(
        "output 0.22</strong>: key copied wrongly: (1.2, 0.4) used instead of (1.2, 0.9)"
    ));
    let ex5k = exercise(&key, 5);
    assert!(ex5k.contains("open at the lower end"));
    assert!(
        ex5k.contains("key (1, −1, 0, 1), bias −1"),
        "the negative-weight design"
    );
    assert!(exercise(&key, 6).contains("from 0.5 to 1"));
    // Nothing in a key refers to another variant.
    for v in 1..=4 {
        let name = if v == 1 {
            "toy-key.html".to_string()
        } else {
            format!("toy-v{v}-key.html")
        };
        let k = read(&w.path().join("instructor/sheets").join(name));
        assert!(
            !k.contains("variant 1") || v == 1,
            "variant {v}'s key names variant 1"
        );
        assert!(
            !k.contains("input <em>b</em>"),
            "a key refers to an input not on the sheet"
        );
    }
}

#[test]
fn neighbouring_variants_never_share_a_final_answer() {
    let w = workshop();
    let o = w.run(&["build", "-q", "--variants", "4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value =
        serde_json::from_str(&read(&w.path().join("instructor/build-report.json"))).unwrap();
    let toy = r["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == "Toy sheet")
        .unwrap()
        .clone();
    let exercises = toy["exercises"].as_array().unwrap();
    assert_eq!(exercises.len(), 6);
    for (i, e) in exercises.iter().enumerate() {
        let answers = e["answers"].as_array().unwrap();
        assert_eq!(answers.len(), 4);
        for v in 0..3 {
            assert_ne!(
                answers[v],
                answers[v + 1],
                "exercise {}: variants {} and {} share their answers",
                i + 1,
                v + 1,
                v + 2
            );
        }
    }
}

#[test]
fn the_repo_s_conceptual_sheet_names_no_variant_in_its_prose() {
    let text = include_str!("../content/sheets/conceptual.md");
    for bad in [
        "variant 1",
        "variants with",
        "input *b*",
        "when a and d are all",
    ] {
        assert!(!text.contains(bad), "conceptual.md says `{bad}`");
    }
}
