//! `kvlens explain` through the real binary on a fixture workshop.

use crate::common::{MODEL, Workshop, stderr, stdout};

#[test]
fn explains_an_image_as_text_and_json() {
    let w = Workshop::new(MODEL);
    let o = w.run(&["explain", "test:3", "--top", "4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("test:3 (selected by `test:3`), true digit 6"),
        "{out}"
    );
    assert!(
        out.contains("top 4 pairs by contribution to the lead"),
        "{out}"
    );
    assert!(out.contains("+ rest ("), "{out}");
    // A correctly read image: no margin against the true digit, and the
    // runner-up ranking needs no label (tests/mistakes.rs covers misreads).
    assert!(
        !out.contains("why ") && !out.contains("(runner-up view)"),
        "{out}"
    );
    assert!(out.contains("over the runner-up"), "{out}");
    assert!(out.contains("= logits"), "{out}");

    let o = w.run(&["explain", "test:3", "--json", "--rank", "l1", "--top", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        j["selected"],
        serde_json::json!({"split": "test", "index": 3})
    );
    assert_eq!(j["label"], 6);
    assert_eq!(j["ranking"], "l1");
    assert_eq!(j["pixels"].as_array().unwrap().len(), 784);
    assert_eq!(j["waterfall"]["steps"].as_array().unwrap().len(), 3);
    let active = j["analysis"]["active"].as_u64().unwrap() as usize;
    assert_eq!(j["analysis"]["pairs"].as_array().unwrap().len(), active);
    assert_eq!(
        j["waterfall"]["rest_pairs"].as_u64().unwrap() as usize,
        active.saturating_sub(3)
    );
    // The waterfall ends at the logits.
    let logits = &j["analysis"]["logits"];
    for d in 0..10 {
        let a = j["waterfall"]["logits"][d].as_f64().unwrap();
        let b = logits[d].as_f64().unwrap();
        assert!((a - b).abs() < 1e-9, "digit {d}: {a} vs {b}");
    }
    assert_eq!(
        j["analysis"]["prediction"],
        serde_json::json!({"kind": "unique", "digits": 6})
    );
    assert_eq!(j["margin"], serde_json::Value::Null);
}

#[test]
fn selectors_search_and_fall_back() {
    let w = Workshop::new(MODEL);
    // The fixture model gets every test image right, so there is no 4 read as
    // a 2 and the fallback picks the first 4: label (i + 3) % 10 = 4 at i = 1.
    let o = w.run(&[
        "explain",
        "misclassified(true=4, predicted=2) | first(digit=4)",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["selected"]["index"], 1);
    assert_eq!(j["label"], 4);
    for sel in [
        "most-confident(digit=2)",
        "least-confident(digit=2, correct)",
        "sharpest(digit=2)",
        "flattest(digit=2)",
    ] {
        let o = w.run(&["explain", sel, "--json"]);
        assert!(o.status.success(), "{sel}: {}", stderr(&o));
        let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(j["label"], 2, "{sel}");
    }
    // most- and least-confident differ.
    let pick = |sel: &str| -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(&stdout(&w.run(&["explain", sel, "--json"])))
            .unwrap()["selected"]["index"]
            .clone()
    };
    assert_ne!(
        pick("most-confident(digit=2)"),
        pick("least-confident(digit=2)")
    );
}

#[test]
fn bad_selectors_are_clear_errors() {
    let w = Workshop::new(MODEL);
    let o = w.run(&["explain", "test:100"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("image 100 is out of range: the test set has 100 images (0 to 99)"),
        "{}",
        stderr(&o)
    );
    let o = w.run(&["explain", "frist(digit=0)"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("unknown selector `frist`") && err.contains("did you mean `first`?"),
        "{err}"
    );
    let o = w.run(&["explain", "first(digit=0, corect)"]);
    let err = stderr(&o);
    assert!(
        err.contains("first(digit=0, corect)\n                 ^"),
        "{err}"
    );
    let o = w.run(&["explain", "misclassified(true=4, predicted=2)"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no test image matches"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_blank_image_is_explained_too() {
    let w = Workshop::new(MODEL);
    let o = w.run(&["explain", "blank", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(j["selected"]["split"], "blank");
    assert_eq!(j["label"], serde_json::Value::Null);
    assert_eq!(j["analysis"]["inked_pixels"], 0);
    // Only pairs whose bias alone is positive fire on nothing.
    for p in j["analysis"]["pairs"].as_array().unwrap() {
        assert_eq!(p["pre"], p["bias"]);
        assert!(p["bias"].as_f64().unwrap() > 0.0);
    }
    let o = w.run(&["explain", "blank"]);
    assert!(
        stdout(&o).starts_with("blank (selected by `blank`), no true digit"),
        "{}",
        stdout(&o)
    );
}
