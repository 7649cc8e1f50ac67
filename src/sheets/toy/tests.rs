//! The toy exercises on the repo's written numbers: the boxes a learner
//! fills, the usual wrong answers with the partial credit each keeps, and
//! the computed stretch answers.

use super::given::Given;
use super::teaches::teaches;
use super::{design_key, design_win_for_tests, layers, neuron, pairs, toy_image};
use crate::kv::toy::ToyNet;
use crate::sheets::Instance;
use crate::sheets::key::Slip;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn net(name: &str, toml: &str) -> ToyNet {
    ToyNet::parse(toml, std::path::Path::new(&format!("nets/{name}.toml"))).unwrap()
}

const NEURON: &str = include_str!("../../../content/nets/single-neuron.toml");
const EXERCISE: &str = include_str!("../../../content/nets/exercise.toml");
const SLIDES: &str = include_str!("../../../content/nets/slides.toml");

fn given(net: ToyNet, inputs: &[(&str, &[&str])]) -> Given {
    Given {
        net,
        inputs: inputs
            .iter()
            .map(|(n, x)| (n.to_string(), x.iter().map(|v| d(v)).collect()))
            .collect(),
    }
}

fn points(inst: &Instance) -> u32 {
    inst.parts
        .iter()
        .flat_map(|p| &p.boxes)
        .map(|b| b.points)
        .sum()
}

fn slip<'a>(inst: &'a Instance, why_starts: &str) -> &'a Slip {
    inst.key
        .slips
        .iter()
        .find(|s| s.why.starts_with(why_starts))
        .unwrap_or_else(|| panic!("no slip `{why_starts}`: {:?}", inst.key.slips))
}

fn answers(inst: &Instance) -> Vec<(String, String)> {
    inst.parts
        .iter()
        .flat_map(|p| &p.boxes)
        .map(|b| (b.label.clone(), b.answer.clone()))
        .collect()
}

#[test]
fn the_neuron_asks_for_w_x_then_the_bias_then_relu_and_where_it_fires() {
    let g = given(
        net("single-neuron", NEURON),
        &[("first", &["2", "1.5"]), ("second", &["0.1", "20"])],
    );
    let (_, decs) = teaches(&g).unwrap();
    let inst = neuron::instance(&g, &decs, 1).unwrap();
    let a = answers(&inst);
    assert_eq!(a[0], ("w·x (no bias)".into(), "0.85".into()));
    assert_eq!(a[1], ("w·x + bias".into(), "2.15".into()));
    assert_eq!(a[2], ("ReLU → output".into(), "2.15".into()));
    assert_eq!(a[3].1, "−1.95");
    assert_eq!(a[5].1, "0");
    assert_eq!(a[6].1, "first");
    assert!(
        inst.parts
            .iter()
            .flat_map(|p| &p.boxes)
            .all(|b| !b.accept.is_empty())
    );
    assert_eq!(points(&inst), 7);
    // ReLU skipped spoils one box; the bias left out three; 5 for 20 four.
    assert_eq!(slip(&inst, "ReLU skipped").credit, Some(6));
    assert_eq!(slip(&inst, "bias left out").credit, Some(4));
    let old = slip(&inst, "input copied wrongly");
    assert_eq!(old.answer, "second: output 0.85");
    assert_eq!(old.credit, Some(3));
    let stretch = inst.key.stretch.join(" ");
    assert!(stretch.contains("0.5·x₁ − 0.1·x₂ + 1.3 = 0"), "{stretch}");
}

#[test]
fn layers_and_pairs_catch_the_sign_slip_and_the_old_key_with_credit() {
    let g = given(net("exercise", EXERCISE), &[("a", &["1.5", "-0.8"])]);
    let (_, decs) = teaches(&g).unwrap();
    let l = layers::instance(&g, &decs, 2).unwrap();
    assert_eq!(points(&l), 6);
    let sign = slip(&l, "sign slip");
    assert_eq!(sign.answer, "output −0.46");
    assert!(
        sign.why.contains("(−0.4) × (−0.8) written as −0.32"),
        "{}",
        sign.why
    );
    assert_eq!(sign.credit, Some(2));
    let old = slip(&l, "key copied wrongly");
    assert_eq!(old.answer, "output 0.22");
    assert_eq!(old.credit, Some(2));
    assert_eq!(slip(&l, "W1 read transposed").credit, Some(0));
    // The key table has one row per hidden neuron: key 1 = (0.6, −0.4).
    assert!(
        l.given_html
            .contains("<th scope=\"row\">hidden 1</th><td>0.6</td><td>−0.4</td>"),
        "{}",
        l.given_html
    );
    let p = pairs::instance(&g, &decs, 3, Some(2)).unwrap();
    assert!(
        p.given_html
            .contains("Same network and input as exercise 2")
    );
    assert!(
        !p.given_html.contains("<table"),
        "exercise 3 reprints the tables"
    );
    assert_eq!(answers(&p)[0], ("key".into(), "(0.6, −0.4)".into()));
    assert_eq!(points(&p), 12);
    assert_eq!(slip(&p, "sign slip").credit, Some(7));
    // The stretch finds inputs on which only one pair fires, and says so.
    let stretch = p.key.stretch.join(" ");
    assert!(
        stretch.contains("only pair 1 fires") && stretch.contains("only pair 2 fires"),
        "{stretch}"
    );
    assert!(
        stretch.contains("pair 2 adds 1.08 × (−1.5) = −1.62"),
        "{stretch}"
    );
}

#[test]
fn the_image_exercise_prints_its_tables_and_breaks_the_tie_in_its_stretch() {
    let g = given(
        net("slides", SLIDES),
        &[
            ("x1", &["1", "0", "1", "0"]),
            ("x2", &["1", "0", "1", "1"]),
            ("x3", &["0", "0", "1", "0"]),
        ],
    );
    let (_, decs) = teaches(&g).unwrap();
    let inst = toy_image::instance(&g, &decs, 4).unwrap();
    assert!(inst.given_html.contains("No biases"));
    assert!(inst.given_html.contains("Values (columns of W2)"));
    let a = answers(&inst);
    assert_eq!(a[2].1, "(1, 0)");
    assert_eq!(a[11], ("winner, or “tie”".into(), "tie".into()));
    assert_eq!(points(&inst), 12);
    assert_eq!(slip(&inst, "W2 read transposed").credit, Some(9));
    let stretch = inst.key.stretch.join(" ");
    assert!(
        stretch.contains("Inking a gives (1, 0): output 1 wins"),
        "{stretch}"
    );
    assert!(
        stretch.contains("inking d gives (0.5, 0.5): still a tie"),
        "{stretch}"
    );
}

#[test]
fn a_design_is_judged_by_the_exact_condition_and_the_four_checks() {
    let g = given(net("slides", SLIDES), &[]);
    let pixels = vec!["a".to_string(), "d".to_string()];
    let inst = design_key::instance(&pixels, &g).unwrap();
    assert_eq!(points(&inst), 14);
    let labels: Vec<String> = inst.parts.iter().map(|p| p.text.clone()).collect();
    assert!(
        labels.iter().any(|l| l.contains("both inked")),
        "{labels:?}"
    );
    assert_eq!(inst.parts.len(), 5, "the design and four check rows");
    let credits: Vec<Option<u32>> = inst.key.slips.iter().map(|s| s.credit).collect();
    assert_eq!(credits, vec![Some(10), Some(11), Some(11)]);
    assert!(
        inst.key.slips[2].answer.contains("(1, −1, 0, 1)"),
        "{:?}",
        inst.key.slips
    );
    let notes = inst.key.notes.join(" ");
    assert!(notes.contains("open at the lower end"), "{notes}");
    assert!(!notes.contains("negative weight elsewhere"), "{notes}");
    assert!(inst.key.stretch[0].starts_with("No."));
}

#[test]
fn output_2_cannot_win_and_the_stretch_names_one_change_that_makes_it() {
    let g = given(net("slides", SLIDES), &[]);
    let inst = design_win_for_tests(&g, "output 2").unwrap();
    assert_eq!(points(&inst), 3);
    assert_eq!(inst.key.finals[0].value, "no: at best a tie");
    let stretch = inst.key.stretch.join(" ");
    // The smallest change: pair 2's vote for output 2 from 0.5 to 1; the
    // image with only d inked then gives (0.5, 1).
    assert!(
        stretch.contains("pair 2's vote for output 2 from 0.5 to 1"),
        "{stretch}"
    );
    assert!(
        stretch.contains("only d inked gives outputs (0.5, 1)"),
        "{stretch}"
    );
}
