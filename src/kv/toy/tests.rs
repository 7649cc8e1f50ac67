//! Tests of toy networks: parsing with positioned diagnostics, exact
//! decimals, and the decomposition worked by hand.

use super::decomposition::{add, mul};
use super::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ds(xs: &[&str]) -> Vec<Decimal> {
    xs.iter().map(|s| d(s)).collect()
}

fn parse(src: &str) -> Result<ToyNet, Diagnostics> {
    ToyNet::parse(src, Path::new("nets/test.toml"))
}

const EXERCISE: &str = r#"
title = "Exercise"
description = "The 2-2-1 net."
inputs = ["x1", "x2"]
outputs = ["y"]
w1 = [[0.6, -0.4], [1.2, 0.9]]
w2 = [[2.0, -1.5]]
[examples]
a = [1.5, -0.8]
b = [0.5, 1.0]
"#;

#[test]
fn parses_the_exercise_net() {
    let net = parse(EXERCISE).unwrap();
    assert_eq!(net.name, "test");
    assert_eq!(net.hidden(), 2);
    assert_eq!(net.w1, vec![ds(&["0.6", "-0.4"]), ds(&["1.2", "0.9"])]);
    assert_eq!(net.b1, ds(&["0", "0"]));
    assert_eq!(net.b2, ds(&["0"]));
    assert_eq!(net.value(1), Some(ds(&["-1.5"])));
    assert_eq!(net.value(2), None);
    assert_eq!(net.key(0), Some(ds(&["0.6", "-0.4"]).as_slice()));
    assert_eq!(net.example("a"), Some(ds(&["1.5", "-0.8"]).as_slice()));
    assert_eq!(net.example("c"), None);
    // 2.0 is stored normalised.
    assert_eq!(net.w2[0][0].to_string(), "2");
}

#[test]
fn decomposes_the_exercise_by_hand() {
    let net = parse(EXERCISE).unwrap();
    let a = decompose(&net, net.example("a").unwrap()).unwrap();
    // 0.6·1.5 + (−0.4)(−0.8) = 0.9 + 0.32; 1.2·1.5 + 0.9·(−0.8) = 1.8 − 0.72.
    assert_eq!(a.pairs[0].products, ds(&["0.9", "0.32"]));
    assert_eq!(a.pairs[1].products, ds(&["1.8", "-0.72"]));
    assert_eq!(a.hidden, ds(&["1.22", "1.08"]));
    // 2·1.22 − 1.5·1.08 = 2.44 − 1.62.
    assert_eq!(a.pairs[0].scaled, ds(&["2.44"]));
    assert_eq!(a.pairs[1].scaled, ds(&["-1.62"]));
    assert_eq!(a.logits, ds(&["0.82"]));
    assert_eq!(a.logits_by_pairs, a.logits);
    assert_eq!(a.prediction, Prediction::Unique(0));

    let b = decompose(&net, net.example("b").unwrap()).unwrap();
    assert_eq!(b.hidden_pre, ds(&["-0.1", "1.5"]));
    assert!(!b.pairs[0].fires && b.pairs[1].fires);
    assert_eq!(b.pairs[0].activation, Decimal::ZERO);
    assert_eq!(b.pairs[0].scaled, ds(&["0"]));
    assert_eq!(b.logits, ds(&["-2.25"]));
}

#[test]
fn floats_and_strings_are_exact_decimals() {
    let net = parse(
        "title = \"t\"\ndescription = \"d\"\ninputs = [\"p\", \"q\", \"r\"]\noutputs = [\"o\"]\n\
         w1 = [[0.1, \"0.2\", 3]]\nb1 = [\"-0.3\"]\nw2 = [[1e-2]]\nb2 = [0x10]\n",
    )
    .unwrap();
    assert_eq!(net.w1[0], ds(&["0.1", "0.2", "3"]));
    assert_eq!(net.w2[0][0], d("0.01"));
    assert_eq!(net.b2[0], d("16"));
    // 0.1 + 0.2 − 0.3 is exactly 0 in decimals (not 5.5e-17 as in binary).
    let r = decompose(&net, &ds(&["1", "1", "0"])).unwrap();
    assert_eq!(r.hidden_pre, ds(&["0"]));
    assert!(!r.pairs[0].fires);
    assert_eq!(r.logits, ds(&["16"]));
}

#[test]
fn ties_are_reported_as_ties() {
    assert_eq!(predict(&ds(&["1", "1", "0"])), Prediction::Tie(vec![0, 1]));
    assert_eq!(
        predict(&ds(&["0", "0.5", "0.50"])),
        Prediction::Tie(vec![1, 2])
    );
    assert_eq!(predict(&ds(&["-1", "-2"])), Prediction::Unique(0));
    assert_eq!(predict(&ds(&["0", "0"])), Prediction::Tie(vec![0, 1]));
}

#[test]
fn wrong_input_length_and_bad_shapes_are_errors_not_panics() {
    let net = parse(EXERCISE).unwrap();
    let e = decompose(&net, &ds(&["1"])).unwrap_err();
    assert!(e.contains("the input has 1 number, expected 2"), "{e}");
    let mut broken = net.clone();
    broken.w2[0].pop();
    assert!(decompose(&broken, &ds(&["1", "1"])).is_err());
    let mut broken = net.clone();
    broken.b1.clear();
    assert!(decompose(&broken, &ds(&["1", "1"])).is_err());
    let mut broken = net;
    broken.w1.clear();
    broken.b1.clear();
    assert!(decompose(&broken, &ds(&["1", "1"])).is_err());
}

#[test]
fn overflow_and_lost_digits_are_errors() {
    let mut net = parse(EXERCISE).unwrap();
    net.w1[0][0] = Decimal::MAX;
    let e = decompose(&net, &ds(&["10", "0"])).unwrap_err();
    assert!(e.contains("cannot be computed exactly"), "{e}");
    net.w1[0][0] = d("0.00000000000001");
    let e = decompose(&net, &ds(&["0.000000000000001", "0"])).unwrap_err();
    assert!(e.contains("cannot be computed exactly"), "{e}");
    assert!(add(Decimal::MAX, Decimal::ONE).is_err());
    assert!(add(Decimal::MAX, d("0.4")).is_err());
    assert_eq!(add(d("0.15"), d("0.05")), Ok(d("0.2")));
    assert_eq!(mul(d("2"), d("5")), Ok(d("10")));
    assert_eq!(mul(d("-0.5"), d("0")), Ok(d("0")));
}

#[test]
fn every_bad_value_is_reported_at_its_place() {
    let src = "title = \"t\"\ndescription = \"d\"\ninputs = [\"a\", \"b\"]\noutputs = [\"o\"]\n\
               w1 = [[1, true], [\"x\", nan], [1, 2, 3]]\n\
               w2 = [[1, 2]]\n\
               [examples]\nx = [1]\ny = \"no\"\n";
    let err = parse(src).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("w1 row 1, number 2 must be a number; found boolean"),
        "{text}"
    );
    assert!(
        text.contains("w1 row 2, number 1: \"x\" is not a decimal number"),
        "{text}"
    );
    assert!(
        text.contains("w1 row 2, number 2: nan is not a finite number"),
        "{text}"
    );
    assert!(
        text.contains("nets/test.toml:5:30: w1 row 3 has 3 numbers, expected 2 (one per input)"),
        "{text}"
    );
    assert!(
        text.contains("w2 row 1 has 2 numbers, expected 3 (one per hidden neuron"),
        "{text}"
    );
    assert!(
        text.contains("example `x` has 1 number, expected 2"),
        "{text}"
    );
    assert!(
        text.contains("example `y` must be a list of 2 numbers; found string"),
        "{text}"
    );
    assert!(err.0.iter().all(|d| d.line.is_some()), "{text}");
}

#[test]
fn unknown_keys_are_all_reported_and_values_still_checked() {
    let src = "title = \"t\"\ndescription = \"d\"\ninputs = [\"a\"]\noutputs = [\"o\"]\n\
               wi = [[1]]\nw1 = [[1, 2]]\nw2 = [[1]]\nbais = [0]\n";
    let err = parse(src).unwrap_err();
    assert_eq!(err.len(), 3, "{err}");
    let d0 = &err.0[0];
    assert_eq!((d0.line, d0.col), (Some(5), Some(1)));
    assert!(
        d0.message
            .starts_with("unknown field `wi`, expected one of `title`")
    );
    assert_eq!(d0.hint.as_deref(), Some("did you mean `w1`?"));
    assert!(err.0[1].message.contains("w1 row 1 has 2 numbers"), "{err}");
    assert_eq!(
        err.0[2].message.split(',').next(),
        Some("unknown field `bais`")
    );
    assert_eq!(err.0[2].line, Some(8));
}

#[test]
fn structural_errors_have_positions() {
    let err = parse(
        "title = \"t\"\ndescription = \"d\"\ninputs = [\"a\"]\noutputs = [\"o\"]\nw1 = [[1]]\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("missing field `w2`"), "{err}");
    let err = parse("title = \"t\n").unwrap_err();
    assert_eq!(err.0[0].line, Some(1));
    let err = parse("title = 3\n").unwrap_err();
    assert_eq!((err.0[0].line, err.0[0].col), (Some(1), Some(9)));
}

#[test]
fn layout_must_fit_the_inputs() {
    let base = "title = \"t\"\ndescription = \"d\"\ninputs = [\"a\", \"b\", \"c\", \"d\"]\n\
                outputs = [\"o\"]\nw1 = [[1, 0, 0, 1]]\nw2 = [[1]]\n";
    let net = parse(&format!("{base}layout = [1, 4]\n")).unwrap();
    assert_eq!(net.layout, Some((1, 4)));
    let err = parse(&format!("{base}layout = [2, 3]\n")).unwrap_err();
    assert_eq!(
        err.0[0].message,
        "layout 2×3 has 6 cells, but there are 4 inputs"
    );
    assert_eq!((err.0[0].line, err.0[0].col), (Some(7), Some(10)));
    for bad in [
        "[2, 2, 1]",
        "[0, 4]",
        "[-2, -2]",
        "[2.0, 2]",
        "4",
        "[99999999999999999999, 1]",
    ] {
        let err = parse(&format!("{base}layout = {bad}\n")).unwrap_err();
        assert!(
            err.0[0].message.starts_with("layout must be two positive"),
            "{bad}: {err}"
        );
    }
    let err = parse(&format!("{base}layout = [4294967296, 4294967296]\n")).unwrap_err();
    assert!(
        err.0[0]
            .message
            .starts_with("layout 4294967296×4294967296 has"),
        "{err}"
    );
}

#[test]
fn names_texts_and_sizes_are_checked() {
    let err = parse(
        "title = \" \"\ndescription = \"d\"\ninputs = [\"a\", \"a\"]\noutputs = []\n\
         w1 = []\nw2 = [[1]]\nb1 = [1, 2]\nb2 = [1]\n",
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains(":1:9: `title` must not be empty"), "{text}");
    assert!(text.contains(":3:16: `inputs` names `a` twice"), "{text}");
    assert!(text.contains("`outputs` is empty"), "{text}");
    assert!(text.contains("`w1` has no rows"), "{text}");
    // No outputs and no rows: the sizes that depend on them are not
    // checked, so there is no cascade of follow-up errors.
    assert_eq!(err.len(), 4, "{text}");
}

#[test]
fn huge_and_overprecise_numbers_are_rejected() {
    let base =
        "title = \"t\"\ndescription = \"d\"\ninputs = [\"a\"]\noutputs = [\"o\"]\nw2 = [[1]]\n";
    for (w, what) in [
        ("1e300", "too large"),
        ("1e-40", "more than 28 decimals"),
        (
            "\"0.00000000000000000000000000001\"",
            "more than 28 decimals",
        ),
        ("\"99999999999999999999999999999999\"", "too large"),
        ("inf", "not a finite number"),
        ("\"1e5\"", "not a decimal number"),
        ("\" 1\"", "not a decimal number"),
        ("\"1.\"", "not a decimal number"),
        ("\"\"", "not a decimal number"),
        ("1979-05-27", "found datetime"),
    ] {
        let err = parse(&format!("{base}w1 = [[{w}]]\n")).unwrap_err();
        assert!(err.to_string().contains(what), "{w}: {err}");
        assert_eq!(err.0[0].line, Some(6), "{w}");
    }
}

#[test]
fn file_names_become_net_names() {
    assert!(ToyNet::parse(EXERCISE, Path::new("x/my-net_2.toml")).is_ok());
    for bad in ["x/My Net.toml", "x/-a.toml", "x/.toml", "x/é.toml"] {
        let err = ToyNet::parse(EXERCISE, Path::new(bad)).unwrap_err();
        assert!(
            err.0[0].message.contains("cannot name a toy network"),
            "{bad}"
        );
    }
}

#[test]
fn decimal_literals() {
    for ok in ["0", "-1", "+2.50", "003.1"] {
        assert!(is_decimal_literal(ok), "{ok}");
    }
    for bad in [
        "", "-", ".5", "5.", "1e3", "1_000", "0x10", "1.2.3", "--1", " 1", "NaN",
    ] {
        assert!(!is_decimal_literal(bad), "{bad}");
    }
}
