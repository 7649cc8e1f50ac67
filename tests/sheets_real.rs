//! The real-network sheet through the real binary: `remove-pair` defines
//! its top pairs, never prints a value that is not 0 as 0, aligns its
//! tables and gives a computed stretch answer and the sign-flip slip;
//! neighbouring variants never share final answers; written `rank-digits`
//! choices that are not fair to rank by eye are refused at their line; and,
//! on real MNIST, the drawn `rank-digits` key and digits are fair under
//! every reading of ink, drawn at one scale with captions of print size.

use crate::common::{MODEL, Workshop, copy_dir, stderr};
use crate::data_fetch::real_mnist_dir;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A fixture workshop with one sheet `real.md`.
fn workshop(sheet: &str) -> Workshop {
    let w = Workshop::new(MODEL);
    std::fs::create_dir_all(w.path().join("content/sheets")).unwrap();
    w.write("content/sheets/real.md", sheet);
    w.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n");
    w
}

/// Each exercise's final answers per variant, from the build report.
fn answers(public: &Path, title: &str) -> Vec<Vec<String>> {
    let r: Value =
        serde_json::from_str(&read(&public.join("../instructor/build-report.json"))).unwrap();
    let sheet = r["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == title)
        .unwrap_or_else(|| panic!("no sheet {title} in the report"))
        .clone();
    sheet["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["answers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[track_caller]
fn assert_neighbours_differ(answers: &[Vec<String>]) {
    for (e, per_variant) in answers.iter().enumerate() {
        for v in 1..per_variant.len() {
            assert_ne!(
                per_variant[v - 1],
                per_variant[v],
                "exercise {}: variants {v} and {} share their final answers",
                e + 1,
                v + 1
            );
        }
    }
}

/// The cells of the given table of the top pairs.
fn pair_cells(html: &str) -> Vec<String> {
    let table = html
        .split("<table class=\"given-table pairs\">")
        .nth(1)
        .expect("the table of top pairs")
        .split("</table>")
        .next()
        .unwrap();
    table
        .split("<td>")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap().to_string())
        .collect()
}

#[test]
fn remove_pair_defines_its_top_pairs_prints_no_false_zero_and_neighbours_differ() {
    let w = workshop(
        "+++\ntitle = \"Real sheet\"\nkind = \"sheet\"\n+++\n{% exercise(type=\"remove-pair\", top=3, space=\"boxes\") %}\nTake one pair away.\n\nStretch: Which pair shrinks the lead most?\n{% end %}\n",
    );
    let o = w.run(&["build", "-q", "--variants", "4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_neighbours_differ(&answers(&w.public(), "Real sheet"));
    for v in 1..=4 {
        let (sheet, key) = if v == 1 {
            ("real.html".to_string(), "real-key.html".to_string())
        } else {
            (format!("real-v{v}.html"), format!("real-v{v}-key.html"))
        };
        let html = read(&w.public().join("sheets").join(&sheet));
        // "Top" is defined on the sheet, and the digit headers sit over
        // right-aligned numbers.
        assert!(html.contains("that add most to the lead of"), "{sheet}");
        assert!(html.contains("<th scope=\"col\" style=\"text-align: right\">9</th>"));
        let cells = pair_cells(&html);
        assert_eq!(cells.len(), 3 * 11, "{sheet}: {cells:?}");
        for c in &cells {
            let zero = c
                .trim_start_matches('−')
                .chars()
                .all(|ch| ch == '0' || ch == '.');
            assert!(
                !zero,
                "{sheet} prints {c}: a value shown as 0 must be exactly 0"
            );
            // At least two decimals, so the columns line up.
            let decimals = c.split('.').nth(1).map_or(0, str::len);
            assert!(decimals >= 2, "{sheet}: {c}");
        }
        // The image's caption is as large as the panels' (12 px, 8 pt or more).
        assert!(html.contains("font-size=\"12\""), "{sheet}");
        // Nothing of the key on the learner's sheet.
        assert!(!html.contains("Stretch answer") && !html.contains("every sign flipped"));
        let key = read(&w.path().join("instructor/sheets").join(&key));
        assert!(key.contains("Stretch answer"), "{key}");
        assert!(key.contains("shrinks it most"), "{key}");
        assert!(key.contains("every sign flipped"), "{key}");
        assert!(key.contains("differ from the model's exact changes by at most"));
        assert!(!key.contains("third decimal"));
        let section = key
            .split("id=\"exercise-1\"")
            .nth(1)
            .unwrap()
            .split("</section>")
            .next()
            .unwrap();
        assert!(
            !section.to_lowercase().contains("variant"),
            "an exercise's key names no variant: {section}"
        );
    }
}

#[test]
fn written_digits_that_are_not_fair_to_rank_are_refused_at_their_line() {
    // The same image twice: two responses that are not 1.5 times apart.
    let w = workshop(
        "+++\ntitle = \"Real sheet\"\nkind = \"sheet\"\n+++\nIntro.\n\n{% exercise(type=\"rank-digits\", pair=0, examples=\"test:0; test:0; test:1\") %}\nRank them.\n{% end %}\n",
    );
    let o = w.run(&["build", "-q"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("real.md:7:"), "{err}");
    assert!(
        err.contains("not fair to rank these digits by eye"),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
}

/// The repository's workshop (content, templates, theme, workshop.toml).
fn repo_workshop() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for d in ["content", "templates", "theme"] {
        copy_dir(&repo.join(d), &dir.path().join(d));
    }
    std::fs::copy(repo.join("workshop.toml"), dir.path().join("workshop.toml")).unwrap();
    dir
}

/// The numbers of one row of the key's table: (match, any ink, dark ink).
fn matches_of(row: &str) -> [f64; 3] {
    let cells: Vec<f64> = row
        .split("<td>")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap())
        .filter(|c| !c.contains('%'))
        .map(|c| c.replace('−', "-").parse::<f64>().unwrap())
        .collect();
    // + × ink, − × ink, bias, match, activation, any ink, dark ink.
    assert_eq!(cells.len(), 7, "{row}");
    [cells[3], cells[5], cells[6]]
}

#[test]
fn on_real_mnist_drawn_keys_and_digits_are_fair_under_every_reading_of_ink() {
    let Some(mnist) = real_mnist_dir("on_real_mnist_drawn_keys_and_digits_are_fair") else {
        return;
    };
    let cache = match std::env::var_os("KVLENS_CACHE_DIR") {
        Some(d) if !d.is_empty() => std::path::PathBuf::from(d),
        _ => Path::new(env!("CARGO_TARGET_TMPDIR")).join("claims-grid-cache"),
    };
    let dir = repo_workshop();
    let o = Command::new(env!("CARGO_BIN_EXE_kvlens"))
        .arg("--root")
        .arg(dir.path())
        .arg("--mnist-dir")
        .arg(&mnist)
        .arg("--cache-dir")
        .arg(&cache)
        .args(["build", "-q", "--variants", "4"])
        .env_remove("KVLENS_MNIST_DIR")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let public = dir.path().join("public");
    assert_neighbours_differ(&answers(&public, "Reading a real network"));
    for v in 1..=4 {
        let suffix = if v == 1 {
            String::new()
        } else {
            format!("-v{v}")
        };
        let sheet = read(&public.join(format!("sheets/real-network{suffix}.html")));
        // Two key panels and three digits in one figure, captions at 12 px.
        let fig = sheet
            .split("<figure class=\"given-panels\"")
            .nth(1)
            .unwrap();
        for cap in ["+ weights", "− weights", "digit A", "digit B", "digit C"] {
            assert!(
                fig.contains(&format!(">{cap}</text>")),
                "variant {v}: {cap}"
            );
        }
        assert!(fig.contains("font-size=\"12\""));
        assert!(
            sheet.contains("gray level"),
            "the sheet states the reading of ink"
        );
        assert!(sheet.contains("digit, or none"));
        let key = read(
            &dir.path()
                .join(format!("instructor/sheets/real-network{suffix}-key.html")),
        );
        let table = key
            .split("The key on each digit")
            .nth(1)
            .unwrap()
            .split("</table>")
            .next()
            .unwrap();
        let rows: Vec<[f64; 3]> = table
            .split("<tr><th scope=\"row\">")
            .skip(1)
            .map(matches_of)
            .collect();
        assert_eq!(rows.len(), 3);
        // Clear of 0 under every reading, and firing ones 1.5 times apart.
        for m in &rows {
            let fires = m[0] > 0.0;
            for x in m {
                assert!(
                    if fires { *x > 1.0 } else { *x < -1.0 },
                    "variant {v}: {rows:?}"
                );
            }
        }
        let mut firing: Vec<&[f64; 3]> = rows.iter().filter(|m| m[0] > 0.0).collect();
        firing.sort_by(|a, b| b[0].total_cmp(&a[0]));
        for pair in firing.windows(2) {
            for (strong, weak) in pair[0].iter().zip(pair[1]) {
                assert!(*strong >= 1.5 * weak - 1e-3, "variant {v}: {rows:?}");
            }
        }
        assert!(key.contains("Stretch answer"), "variant {v}");
        assert!(key.contains("strokes by one pixel"), "variant {v}");
    }
}
