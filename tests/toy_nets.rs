//! The toy networks shipped in `content/nets/`: each loads, and each gives
//! the workshop's hand-worked answers, layer by layer and pair by pair
//! alike. Also: the loader's diagnostics on broken files (temp files), a
//! property test that both ways agree exactly on random small nets, and
//! hostile text that must never make the loader panic.

use kvlens::kv::toy::{Prediction, ToyDecomposition, ToyNet, decompose, load_dir, load_file};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn nets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content/nets")
}

fn nets() -> BTreeMap<String, ToyNet> {
    load_dir(&nets_dir()).unwrap_or_else(|e| panic!("{e}"))
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ds(xs: &[&str]) -> Vec<Decimal> {
    xs.iter().map(|s| d(s)).collect()
}

fn run(net: &ToyNet, example: &str) -> ToyDecomposition {
    let x = net
        .example(example)
        .unwrap_or_else(|| panic!("{} has no example {example}", net.name));
    let r = decompose(net, x).unwrap();
    assert_eq!(r.logits, r.logits_by_pairs, "{} at {example}", net.name);
    assert_eq!(
        r.hidden_pre,
        r.pairs.iter().map(|p| p.pre).collect::<Vec<_>>()
    );
    r
}

#[test]
fn the_shipped_nets_all_load() {
    let nets = nets();
    let names: Vec<&str> = nets.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["exercise", "single-neuron", "slides", "threshold"],
        "content/nets changed: update this test"
    );
    for net in nets.values() {
        assert!(net.check_shapes().is_ok(), "{}", net.name);
        assert!(!net.examples.is_empty(), "{} has no examples", net.name);
        assert!(!net.title.is_empty() && !net.description.is_empty());
        for name in net.examples.keys() {
            run(net, name);
        }
    }
}

#[test]
fn exercise_at_a_layer_by_layer_equals_pair_by_pair() {
    let net = &nets()["exercise"];
    let r = run(net, "a");
    assert_eq!(r.hidden_pre, ds(&["1.22", "1.08"]));
    assert_eq!(r.hidden, ds(&["1.22", "1.08"]));
    assert_eq!(r.logits, ds(&["0.82"]));
    assert_eq!(r.logits_by_pairs, ds(&["0.82"]));
    assert_eq!(r.pairs[0].key, ds(&["0.6", "-0.4"]));
    assert_eq!(r.pairs[1].key, ds(&["1.2", "0.9"]));
    assert_eq!(r.pairs[0].value, ds(&["2"]));
    assert_eq!(r.pairs[1].value, ds(&["-1.5"]));
    assert_eq!(r.pairs[0].scaled, ds(&["2.44"]));
    assert_eq!(r.pairs[1].scaled, ds(&["-1.62"]));
    assert!(r.pairs.iter().all(|p| p.fires));
}

#[test]
fn exercise_at_b_switches_hidden_1_off() {
    let net = &nets()["exercise"];
    let r = run(net, "b");
    assert_eq!(r.pairs[0].pre, d("-0.1"));
    assert!(!r.pairs[0].fires);
    assert_eq!(r.pairs[0].activation, Decimal::ZERO);
    assert_eq!(r.pairs[1].pre, d("1.5"));
    assert_eq!(r.logits, ds(&["-2.25"]));
    assert_eq!(kvlens::num::exact(&r.logits[0]), "-2.25");
    assert_eq!(kvlens::num::exact(&r.pairs[0].activation), "0");
}

#[test]
fn single_neuron_outputs_its_activation() {
    let net = &nets()["single-neuron"];
    assert_eq!(net.b1, ds(&["1.3"]));
    let first = run(net, "first");
    assert_eq!(first.input, ds(&["2", "1.5"]));
    assert_eq!(first.pairs[0].products, ds(&["1", "-0.15"]));
    assert_eq!(first.hidden_pre, ds(&["2.15"]));
    assert_eq!(first.logits, ds(&["2.15"]));
    let second = run(net, "second");
    assert_eq!(second.input, ds(&["0.1", "20"]));
    assert_eq!(second.hidden_pre, ds(&["-0.65"]));
    assert!(!second.pairs[0].fires);
    assert_eq!(second.logits, ds(&["0"]));
    assert_eq!(kvlens::num::exact(&second.logits[0]), "0");
}

#[test]
fn slides_net_gives_the_slides_answers() {
    let net = &nets()["slides"];
    assert_eq!(net.layout, Some((2, 2)));
    assert_eq!(net.value(0), Some(ds(&["1", "0"])));
    assert_eq!(net.value(1), Some(ds(&["0.5", "0.5"])));

    let x1 = run(net, "x1");
    assert_eq!(x1.logits, ds(&["1", "0"]));
    assert_eq!(x1.prediction, Prediction::Unique(0));

    let x2 = run(net, "x2");
    assert_eq!(x2.logits, ds(&["1.5", "0.5"]));
    assert_eq!(x2.prediction, Prediction::Unique(0));

    let x3 = run(net, "x3");
    assert_eq!(x3.logits, ds(&["0", "0"]));
    assert!(x3.pairs.iter().all(|p| !p.fires));
    assert_eq!(x3.prediction, Prediction::Tie(vec![0, 1]));
    let json = serde_json::to_value(&x3.prediction).unwrap();
    assert_eq!(json, serde_json::json!({ "kind": "tie", "digits": [0, 1] }));
}

#[test]
fn threshold_fires_only_when_a_and_d_are_inked() {
    let net = &nets()["threshold"];
    assert_eq!(net.layout, Some((2, 2)));
    assert_eq!(net.w1, vec![ds(&["1", "0", "0", "1"])]);
    assert_eq!(net.b1, ds(&["-1"]));
    // Every example, and every one of the 16 black-and-white images.
    for bits in 0..16u8 {
        let x: Vec<Decimal> = (0..4)
            .map(|i| Decimal::from((bits >> (3 - i)) & 1))
            .collect();
        let both = x[0] == Decimal::ONE && x[3] == Decimal::ONE;
        let r = decompose(net, &x).unwrap();
        assert_eq!(r.pairs[0].fires, both, "{x:?}");
        assert_eq!(r.logits, r.logits_by_pairs);
        assert_eq!(
            r.prediction,
            Prediction::Unique(if both { 0 } else { 1 }),
            "{x:?}"
        );
    }
    let fired: Vec<bool> = net
        .examples
        .keys()
        .map(|name| run(net, name).pairs[0].fires)
        .collect();
    assert!(fired.contains(&true) && fired.contains(&false));
}

#[test]
fn a_missing_folder_is_no_nets_and_non_toml_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    assert!(load_dir(&dir.path().join("nope")).unwrap().is_empty());
    std::fs::write(dir.path().join("README.md"), "not a net").unwrap();
    std::fs::write(dir.path().join(".#slides.toml"), "lock file").unwrap();
    std::fs::create_dir(dir.path().join("folder.toml")).unwrap();
    std::fs::copy(nets_dir().join("slides.toml"), dir.path().join("copy.toml")).unwrap();
    let nets = load_dir(dir.path()).unwrap();
    assert_eq!(nets.keys().collect::<Vec<_>>(), ["copy"]);
    assert_eq!(nets["copy"].source, dir.path().join("copy.toml"));
}

const GOOD: &str =
    "title = \"t\"\ndescription = \"d\"\ninputs = [\"a\", \"b\"]\noutputs = [\"y\"]\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn unknown_key_has_position_and_hint() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "typo.toml",
        &format!("{GOOD}w1 = [[1, 2]]\nw2 = [[1]]\nlayuot = [1, 2]\n"),
    );
    let err = load_file(&path).unwrap_err();
    assert_eq!(err.len(), 1, "{err}");
    let diag = &err.0[0];
    assert_eq!(diag.file, path);
    assert_eq!((diag.line, diag.col), (Some(7), Some(1)));
    assert!(
        diag.message.starts_with("unknown field `layuot`"),
        "{}",
        diag.message
    );
    assert_eq!(diag.hint.as_deref(), Some("did you mean `layout`?"));
}

#[test]
fn wrong_row_length_has_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "rows.toml",
        &format!("{GOOD}w1 = [\n  [1, 2],\n  [3, 4, 5],\n]\nw2 = [[1, 1]]\n"),
    );
    let err = load_file(&path).unwrap_err();
    assert_eq!(err.len(), 1, "{err}");
    let diag = &err.0[0];
    assert_eq!(
        diag.message,
        "w1 row 2 has 3 numbers, expected 2 (one per input)"
    );
    assert_eq!((diag.line, diag.col), (Some(7), Some(3)));
    assert!(
        err.to_string()
            .starts_with(&format!("{}:7:3: w1 row 2", path.display()))
    );
}

#[test]
fn bad_layout_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "layout.toml",
        &format!("{GOOD}layout = [2, 2]\nw1 = [[1, 2]]\nw2 = [[1]]\n"),
    );
    let err = load_file(&path).unwrap_err();
    assert_eq!(err.len(), 1, "{err}");
    assert_eq!(
        err.0[0].message,
        "layout 2×2 has 4 cells, but there are 2 inputs"
    );
    assert_eq!((err.0[0].line, err.0[0].col), (Some(5), Some(10)));
    assert!(
        err.0[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("rows × columns = 2")
    );
}

#[test]
fn several_problems_in_several_files_are_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.toml",
        &format!(
            "{GOOD}w1 = [[1, 2], [1, \"x\"]]\nb1 = [0]\nw2 = [[1, 2], [3, 4]]\nb2 = [0]\n\
             [examples]\nshort = [1]\n"
        ),
    );
    write(
        dir.path(),
        "b.toml",
        &format!("{GOOD}w1 = [[1, 2]]\nw2 = [[1]]\nwieghts = 3\n"),
    );
    write(dir.path(), "c.toml", "title = \n");
    std::fs::copy(
        nets_dir().join("exercise.toml"),
        dir.path().join("fine.toml"),
    )
    .unwrap();
    let err = load_dir(dir.path()).unwrap_err();
    let text = err.to_string();
    let expect = [
        (
            "a.toml:5:19",
            "w1 row 2, number 2: \"x\" is not a decimal number",
        ),
        (
            "a.toml:6:6",
            "b1 has 1 number, expected 2 (one per hidden neuron",
        ),
        ("a.toml:7:6", "w2 has 2 rows, expected 1 (one per output)"),
        ("a.toml:10:9", "example `short` has 1 number, expected 2"),
        ("b.toml:7:1", "unknown field `wieghts`"),
        ("c.toml:1:", ""),
    ];
    for (at, message) in expect {
        assert!(
            err.0
                .iter()
                .any(|d| d.to_string().contains(at) && d.message.contains(message)),
            "missing {at} {message} in:\n{text}"
        );
    }
    assert_eq!(err.len(), expect.len(), "{text}");
    assert!(text.ends_with("6 problems"), "{text}");
}

/// A decimal with at most 2 places in [−2, 2].
fn small() -> impl Strategy<Value = Decimal> {
    (-200i64..=200).prop_map(|n| Decimal::new(n, 2))
}

fn matrix(rows: usize, cols: usize) -> impl Strategy<Value = Vec<Vec<Decimal>>> {
    prop::collection::vec(prop::collection::vec(small(), cols), rows)
}

fn net_and_input() -> impl Strategy<Value = (ToyNet, Vec<Decimal>)> {
    (1usize..=4, 1usize..=4, 1usize..=3).prop_flat_map(|(n_in, hidden, n_out)| {
        (
            matrix(hidden, n_in),
            prop::collection::vec(small(), hidden),
            matrix(n_out, hidden),
            prop::collection::vec(small(), n_out),
            prop::collection::vec(small(), n_in),
        )
            .prop_map(move |(w1, b1, w2, b2, x)| {
                let net = ToyNet {
                    name: "random".to_string(),
                    title: "random".to_string(),
                    description: "random".to_string(),
                    inputs: (0..n_in).map(|i| format!("x{i}")).collect(),
                    layout: None,
                    outputs: (0..n_out).map(|i| format!("y{i}")).collect(),
                    w1,
                    b1,
                    w2,
                    b2,
                    examples: BTreeMap::new(),
                    source: PathBuf::from("random.toml"),
                };
                (net, x)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn both_ways_agree_exactly_on_random_small_nets((net, x) in net_and_input()) {
        let r = decompose(&net, &x).unwrap();
        prop_assert_eq!(&r.logits, &r.logits_by_pairs);
        // And both equal a plain reference computed here.
        let h: Vec<Decimal> = net
            .w1
            .iter()
            .zip(&net.b1)
            .map(|(row, b)| {
                let pre = row.iter().zip(&x).map(|(w, v)| w * v).sum::<Decimal>() + b;
                pre.max(Decimal::ZERO)
            })
            .collect();
        let reference: Vec<Decimal> = net
            .w2
            .iter()
            .zip(&net.b2)
            .map(|(row, b)| row.iter().zip(&h).map(|(w, v)| w * v).sum::<Decimal>() + b)
            .collect();
        prop_assert_eq!(&r.logits, &reference);
        prop_assert_eq!(&r.hidden, &h);
        for (pair, hi) in r.pairs.iter().zip(&h) {
            prop_assert_eq!(pair.activation, *hi);
            prop_assert_eq!(pair.fires, *hi > Decimal::ZERO);
        }
        let max = reference.iter().max().copied().unwrap();
        match &r.prediction {
            Prediction::Unique(i) => {
                prop_assert_eq!(reference[*i], max);
                prop_assert_eq!(reference.iter().filter(|l| **l == max).count(), 1);
            }
            Prediction::Tie(is) => {
                prop_assert!(is.len() >= 2);
                prop_assert!(is.iter().all(|i| reference[*i] == max));
            }
        }
    }
}

const SLIDES: &str = include_str!("../content/nets/slides.toml");

/// Fragments a confused author might type into a toy net.
const PIECES: &[&str] = &[
    "w1 = ",
    "b1 = ",
    "w2 = ",
    "b2 = ",
    "wi = ",
    "layout = ",
    "inputs = ",
    "[examples]",
    "[[examples]]",
    "x9 = ",
    "[1, 2]",
    "[[1]]",
    "[]",
    "[[]]",
    "\"0.1\"",
    "\"x\"",
    "1e400",
    "nan",
    "-inf",
    "1e-40",
    "99999999999999999999999999999",
    "0x7fffffffffffffff",
    "true",
    "{ a = 1 }",
    "'''",
    "\n",
    ",",
    "]",
    "[",
    "=",
    "#",
    "\"ç日本\"",
    "-0.0",
    "1979-05-27",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn hostile_text_never_panics(
        cut in 0usize..SLIDES.len(),
        pieces in prop::collection::vec(prop::sample::select(PIECES), 0..4),
    ) {
        let mut cut = cut;
        while !SLIDES.is_char_boundary(cut) {
            cut -= 1;
        }
        let src = format!("{}{}{}", &SLIDES[..cut], pieces.concat(), &SLIDES[cut..]);
        match ToyNet::parse(&src, Path::new("hostile.toml")) {
            Ok(net) => {
                for x in net.examples.values() {
                    let r = decompose(&net, x);
                    if let Ok(r) = r {
                        prop_assert_eq!(r.logits, r.logits_by_pairs);
                    }
                }
            }
            Err(err) => {
                prop_assert!(!err.is_empty());
                for diag in &err.0 {
                    prop_assert_eq!(&diag.file, Path::new("hostile.toml"));
                    prop_assert!(!diag.message.is_empty());
                }
            }
        }
    }
}
