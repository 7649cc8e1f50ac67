//! Every figure offers its data: through the real binary on the fixture
//! workshop, every entry of figures.json names a data file that exists, the
//! numbers its description writes are in that file, a course page's "data"
//! link resolves, and a deck's slides carry no such link.

use crate::common::{MODEL, Workshop, copy_dir, stderr};
use std::path::Path;

/// Every number in `text` with its count of decimals (ASCII or typographic
/// minus, thin-space grouping, an exponent as JSON writes very small ones).
fn numbers(text: &str) -> Vec<(f64, usize)> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if !(c[i].is_ascii_digit() && (i == 0 || !c[i - 1].is_alphanumeric())) {
            i += 1;
            continue;
        }
        let minus = i > 0
            && (c[i - 1] == '\u{2212}'
                || (c[i - 1] == '-' && (i == 1 || !c[i - 2].is_alphanumeric())));
        let (mut s, mut decimals, mut frac) = (String::new(), 0, false);
        while i < c.len() {
            let next_digit = c.get(i + 1).is_some_and(char::is_ascii_digit);
            if c[i].is_ascii_digit() {
                s.push(c[i]);
                decimals += usize::from(frac && !s.contains('e'));
            } else if c[i] == '.' && !frac && next_digit {
                s.push('.');
                frac = true;
            } else if c[i] == '\u{202f}' && !frac && next_digit {
            } else if (c[i] == 'e' || c[i] == 'E')
                && !s.contains('e')
                && c.get(i + 1) == Some(&'-')
                && c.get(i + 2).is_some_and(char::is_ascii_digit)
            {
                s.push_str("e-");
                i += 1;
            } else {
                break;
            }
            i += 1;
        }
        if let Ok(v) = s.parse::<f64>() {
            out.push((if minus { -v } else { v }, decimals));
        }
    }
    out
}

/// The description's numbers with decimals that the data does not give at
/// their rounding (as themselves, as a percentage, or as a magnitude).
/// `num::fixed` rounds on three guard digits, so a printed 0.360 may stand
/// for 0.3594999: the tolerance is half a unit of the last decimal and a
/// thousandth more.
fn missing(description: &str, data: &str) -> Vec<f64> {
    let mut have: Vec<f64> = numbers(data).into_iter().map(|(v, _)| v).collect();
    have.sort_by(f64::total_cmp);
    let near = |v: f64, tol: f64| {
        let at = have.partition_point(|&x| x < v - tol);
        have.get(at).is_some_and(|&x| x <= v + tol)
    };
    numbers(description)
        .into_iter()
        .filter(|&(_, d)| d > 0)
        .filter(|&(v, d)| {
            let tol = 0.5 * 10f64.powi(-(d as i32)) * 1.001 + 1e-12;
            !(near(v, tol) || near(-v, tol) || near(v / 100.0, tol / 100.0))
        })
        .map(|(v, _)| v)
        .collect()
}

#[test]
fn the_number_reader_is_strict_about_rounding() {
    let data = "a,b\n0.12345,-2.5\n0.975,1.2e-8\n";
    assert!(missing("0.12, \u{2212}2.50 and 97.5 %", data).is_empty());
    assert_eq!(missing("0.13 and 7 pairs", data), vec![0.13]);
    assert_eq!(numbers("1.2e-8"), vec![(1.2e-8, 1)]);
}

const PAGE: &str = "+++\ntitle = \"Figures\"\n+++\n\n# Figures\n\n{{ figure(id=\"training-curve\") }}\n\n{{ figure(name=\"waterfall\", example=\"test:0\") }}\n\n{{ figure(name=\"key\", pair=2) }}\n";
const DECK: &str = "+++\ntitle = \"Slides\"\nkind = \"deck\"\n+++\n\n# One figure\n\n{{ figure(name=\"waterfall\", example=\"test:0\") }}\n";

#[test]
fn every_figure_has_its_data_file_and_the_page_links_it() {
    let w = Workshop::new(MODEL);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content/nets"), &w.path().join("content/nets"));
    w.write("content/figs.md", PAGE);
    w.write("content/slides.md", DECK);
    let o = w.run(&["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let public = w.public();
    let figures = public.join("figures");
    let index: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(figures.join("figures.json")).unwrap())
            .unwrap();
    assert!(index.len() > 20, "{} figures", index.len());
    let gallery = crate::common::gallery_html(&public);
    for e in &index {
        let id = e["id"].as_str().unwrap();
        let data = e["data"]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: no data field"));
        // A slide or print variant with its figure's numbers names that
        // figure's file (the figure is in the site too).
        let owner = match id.strip_suffix("-slide").or(id.strip_suffix("-print")) {
            Some(base) if data.starts_with(&format!("{base}.")) => {
                assert!(
                    index.iter().any(|e| e["id"] == base && e["data"] == data),
                    "{id} shares {data}, but {base} is not in the index with it"
                );
                base
            }
            _ => id,
        };
        assert!(
            data == format!("{owner}.csv") || data == format!("{owner}.json"),
            "{id}: {data}"
        );
        let text = std::fs::read_to_string(figures.join(data))
            .unwrap_or_else(|e| panic!("{id}: {data}: {e}"));
        assert!(text.ends_with('\n') && !text.contains('\r'), "{data}");
        if data.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{data}: {e}"));
        } else {
            let width = text.lines().next().unwrap().split(',').count();
            assert!(text.lines().count() > 1, "{data}: no rows");
            for l in text.lines().filter(|l| !l.contains('"')) {
                assert_eq!(l.split(',').count(), width, "{data}: {l}");
            }
        }
        let description = e["description"].as_str().unwrap();
        let lost = missing(description, &text);
        assert!(
            lost.is_empty(),
            "{id}: {lost:?} not in {data}: {description}"
        );
        if !id.ends_with("-print") && !id.ends_with("-slide") {
            assert!(
                gallery.contains(&format!("href=\"{data}\"")),
                "the gallery does not link {data}"
            );
        }
    }
    // The course page's links resolve and name their figure.
    let page = std::fs::read_to_string(public.join("figs.html")).unwrap();
    let links: Vec<&str> = page
        .split("<a class=\"kv-figure-data\" href=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap())
        .collect();
    assert_eq!(links.len(), 3, "{page}");
    for l in &links {
        assert!(public.join(l.trim_start_matches("./")).is_file(), "{l}");
    }
    assert!(
        page.contains("aria-label=\"Data of the figure “Training curve” (CSV)\">data (CSV)</a>")
    );
    assert!(links.contains(&"./figures/training-curve.csv"), "{links:?}");
    let curve = std::fs::read_to_string(figures.join("training-curve.csv")).unwrap();
    assert!(
        curve.starts_with("epoch,loss,train_accuracy,test_accuracy\n1,"),
        "{curve}"
    );
    assert_eq!(curve.lines().count(), 4, "three epochs: {curve}");
    // Slides stay without data links.
    let deck = std::fs::read_to_string(public.join("slides.html")).unwrap();
    assert!(deck.contains("kv-figure") && !deck.contains("kv-figure-data"));
    // Data files repeat byte for byte.
    let first = std::fs::read(figures.join("test-0-waterfall.csv")).unwrap_or_default();
    let o = w.run(&["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(figures.join("test-0-waterfall.csv")).unwrap_or_default(),
        first
    );
}
