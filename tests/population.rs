//! `kvlens knockout` and `kvlens explain --pair` through the real binary.

use crate::common::{MODEL, Workshop, stderr, stdout};

fn json(w: &Workshop, args: &[&str]) -> serde_json::Value {
    let o = w.run(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn knockout_reports_every_mode_with_a_stable_control() {
    let w = Workshop::new(MODEL);
    let z = json(&w, &["knockout", "--digit", "2", "--k", "3", "--json"]);
    assert_eq!(z["mode"], "zero");
    assert_eq!(z["targeted"]["removed"].as_array().unwrap().len(), 3);
    assert_eq!(z["control"]["removed"].as_array().unwrap().len(), 3);
    assert_eq!(z["before"].as_array().unwrap().len(), 10);
    assert!(z["targeted"]["refit_b2"].is_null());
    let again = json(&w, &["knockout", "--digit", "2", "--k", "3", "--json"]);
    assert_eq!(again, z, "same model, same knock-out, same control");
    let m = json(
        &w,
        &[
            "knockout", "--digit", "2", "--k", "3", "--mode", "mean", "--json",
        ],
    );
    // Replacing activations by their mean leaves every mean logit unchanged.
    for d in 0..10 {
        assert!(
            m["targeted"]["mean_logit_change"][d]
                .as_f64()
                .unwrap()
                .abs()
                < 1e-4,
            "{m}"
        );
    }
    let r = json(
        &w,
        &[
            "knockout", "--digit", "2", "--k", "3", "--mode", "refit", "--json",
        ],
    );
    assert_eq!(r["targeted"]["refit_b2"].as_array().unwrap().len(), 10);
    let text = stdout(&w.run(&["knockout", "--digit", "2", "--k", "3"]));
    assert!(
        text.starts_with("knock-out of the 3 pairs whose value favours 2 most; zero-ablation"),
        "{text}"
    );
    assert!(text.contains("  *2 "), "{text}");
}

#[test]
fn knockout_and_pair_arguments_are_checked() {
    let w = Workshop::new(MODEL);
    let o = w.run(&["knockout", "--digit", "12"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--digit must be 0 to 9, got 12"),
        "{}",
        stderr(&o)
    );
    let o = w.run(&["knockout", "--digit", "1", "--k", "99"]);
    assert!(
        stderr(&o).contains("--k must be between 1 and the number of pairs (16), got 99"),
        "{}",
        stderr(&o)
    );
    let o = w.run(&["explain", "--pair", "16"]);
    assert!(
        stderr(&o).contains("--pair 16 is out of range: the model has 16 pairs (0 to 15)"),
        "{}",
        stderr(&o)
    );
    let o = w.run(&["explain"]);
    assert_eq!(o.status.code(), Some(2), "a selector or --pair is required");
}

#[test]
fn explain_pair_shows_votes_and_firing() {
    let w = Workshop::new(MODEL);
    let j = json(&w, &["explain", "--pair", "3", "--json"]);
    assert_eq!(j["view"]["pair"], 3);
    assert_eq!(j["view"]["key"].as_array().unwrap().len(), 784);
    let rate = j["profile"]["firing_rate"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&rate));
    let kind = j["profile"]["kind"].as_str().unwrap();
    assert!(
        ["dead", "always_on", "selective", "broad"].contains(&kind),
        "{kind}"
    );
    let cos = j["init_cosine"].as_f64().unwrap();
    assert!((-1.0..=1.0).contains(&cos));
    assert_eq!(j["key_input"]["pixels"].as_array().unwrap().len(), 784);
    let text = stdout(&w.run(&["explain", "--pair", "3"]));
    assert!(
        text.contains("trained key vs its random start: cosine"),
        "{text}"
    );
    assert!(
        text.starts_with("pair 3: key (row 3 of W1, 28×28)"),
        "{text}"
    );
    assert!(
        text.contains("votes for:") && text.contains("fires on:"),
        "{text}"
    );
}
