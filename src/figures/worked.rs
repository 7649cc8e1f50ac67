//! Worked calculations on toy nets, in exact decimals: one pair in bracket
//! notation ([`bracket`]), a single neuron ([`single_neuron`]), a whole net
//! layer by layer ([`layer_by_layer`]) and pair by pair ([`pair_by_pair`]),
//! one submodule each; `sums` builds the sums they print and `formula` lays
//! out their formula rows.
//!
//! Every number shown comes from the [`ToyDecomposition`] (or the net's own
//! weights); nothing is recomputed here, so a substituted input can never
//! differ from the input used. Sums are built as `Shown` values, the very
//! strings the figure prints, and the tests add those strings back up.
//!
//! [`ToyDecomposition`]: crate::kv::toy::ToyDecomposition

mod bracket;
mod formula;
mod layers;
mod pairs;
mod single;
mod sums;

pub(crate) use bracket::bracket;
pub(crate) use layers::{layer_by_layer, layer_by_layer_slide};
pub(crate) use pairs::{pair_by_pair, pair_by_pair_slide};
pub(crate) use single::{single_neuron, single_neuron_slide};

const MARGIN: f64 = 16.0;
const LINE: f64 = 24.0;
const MAX_W: f64 = 960.0;

/// Slide variants: left padding of their lines and the widest a line may
/// be before it is broken after its last `=`.
const SLIDE_PAD: f64 = 24.0;
const SLIDE_MAX_W: f64 = 1140.0;

/// Lines of a slide variant at [`crate::figures::style::SLIDE_TEXT`] from
/// baseline `y` on (bold where marked; leading spaces indent), a line too wide broken before its
/// last ` = ` and the rest indented; returns the group, the next free
/// baseline and the widest line.
fn slide_lines(
    mut g: svg::node::element::Group,
    lines: &[(String, bool)],
    mut y: f64,
) -> (svg::node::element::Group, f64, f64) {
    use crate::figures::{style, toykit::text_width};
    let size = style::SLIDE_TEXT;
    let lh = size * 1.45;
    let mut width: f64 = 0.0;
    for (s, strong) in lines {
        let indent = if s.starts_with(' ') { 2.0 * size } else { 0.0 };
        let s = s.trim_start().to_string();
        let parts: Vec<(String, f64)> = match s.rfind(" = ") {
            Some(k) if text_width(&s, size) + indent + 2.0 * SLIDE_PAD > SLIDE_MAX_W => vec![
                (s[..k].to_string(), SLIDE_PAD + indent),
                (s[k + 1..].to_string(), SLIDE_PAD + indent + 2.0 * size),
            ],
            _ => vec![(s.clone(), SLIDE_PAD + indent)],
        };
        for (part, x) in parts {
            width = width.max(x + text_width(&part, size) + SLIDE_PAD);
            g = g.add(
                style::text(part, x, y, size, "start")
                    .set("font-weight", if *strong { "bold" } else { "normal" }),
            );
            y += lh;
        }
    }
    (g, y, width)
}

#[cfg(test)]
mod tests {
    use super::sums::{Calc, Shown, contributions_sum, key_calc, output_calc};
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::figures::toykit::vec_text;
    use crate::kv::toy::{ToyDecomposition, ToyNet, decompose, load_file};
    use rust_decimal::Decimal;
    use std::path::Path;

    const NETS: [&str; 4] = ["slides", "exercise", "single-neuron", "threshold"];

    fn net(name: &str) -> ToyNet {
        load_file(Path::new(&format!("content/nets/{name}.toml"))).unwrap()
    }

    fn dec(n: &ToyNet, ex: &str) -> ToyDecomposition {
        decompose(n, n.example(ex).unwrap()).unwrap()
    }

    #[test]
    fn slide_variants_are_large_and_show_the_results() {
        for name in NETS {
            let n = net(name);
            for ex in n.examples.keys() {
                let d = dec(&n, ex);
                let mut figs = vec![layer_by_layer_slide("t", &n, &d)];
                if n.hidden() == 1 {
                    figs.push(single_neuron_slide("t", &n, &d));
                }
                for f in &figs {
                    assert_sound(f);
                    let svg = f.to_svg_string();
                    let sizes = crate::figures::testing::font_sizes(&svg);
                    assert!(!sizes.is_empty());
                    for v in sizes {
                        assert!(v >= crate::figures::style::SLIDE_TEXT, "{name} {ex}: {v}");
                    }
                    for l in &d.logits {
                        let shown = crate::figures::style::dec(l);
                        assert!(svg.contains(&shown), "{name} {ex}: {shown} in {svg}");
                    }
                    assert_eq!(svg, f.to_svg_string());
                }
            }
        }
        let n = net("exercise");
        let svg = layer_by_layer_slide("t", &n, &dec(&n, "a")).to_svg_string();
        assert!(svg.contains("0.6 × 1.5 + (−0.4) × (−0.8) = 1.22"), "{svg}");
        assert!(svg.contains("ReLU(1.22) = 1.22"), "{svg}");
    }

    fn parse(s: &str) -> Decimal {
        let t = s
            .trim_start_matches('(')
            .trim_end_matches(')')
            .replace('\u{2212}', "-");
        t.parse()
            .unwrap_or_else(|e| panic!("`{s}` is not a decimal: {e}"))
    }

    fn check(s: &Shown) {
        let sum: Decimal = s.terms.iter().map(|t| parse(t)).sum();
        assert_eq!(sum, parse(&s.total), "{s:?}");
    }

    fn check_calc(c: &Calc) {
        check(&c.sum);
        for (k, (w, x)) in c.factors.iter().enumerate() {
            assert_eq!(parse(w) * parse(x), parse(&c.sum.terms[k]), "{c:?}");
        }
        assert_eq!(c.sum.terms.len(), c.factors.len() + usize::from(c.has_bias));
    }

    #[test]
    fn every_displayed_sum_adds_up_exactly() {
        for name in NETS {
            let n = net(name);
            for ex in n.examples.keys() {
                let d = dec(&n, ex);
                for p in &d.pairs {
                    let c = key_calc(p, &d.input);
                    check_calc(&c);
                    // The displayed factors are the input and the key.
                    for (k, (w, x)) in c.factors.iter().enumerate() {
                        assert_eq!(parse(w), p.key[k]);
                        assert_eq!(parse(x), d.input[k]);
                    }
                }
                for o in 0..d.logits.len() {
                    check_calc(&output_calc(&n, &d, o));
                    let s = contributions_sum(&n, &d, o);
                    check(&s);
                    assert_eq!(parse(&s.total), d.logits[o]);
                }
                // And the figures print exactly these strings.
                let svg = pair_by_pair("t", &n, &d).to_svg_string();
                for o in 0..d.logits.len() {
                    let s = contributions_sum(&n, &d, o);
                    assert!(
                        svg.contains(&format!("{} = {}", s.terms_text(), s.total)),
                        "{name} {ex}"
                    );
                }
                let svg = layer_by_layer("t", &n, &d).to_svg_string();
                for p in &d.pairs {
                    assert!(
                        svg.contains(&key_calc(p, &d.input).full_text()),
                        "{name} {ex}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_worked_numbers_are_the_inputs_numbers() {
        let n = net("single-neuron");
        let d = dec(&n, "second");
        let f = single_neuron("t", &n, &d);
        let s = f.to_svg_string();
        // The input 20 is substituted as 20 (the hand-made slide wrote 5).
        assert!(s.contains("= 0.5 × 0.1 + (−0.1) × 20 + 1.3"), "{s}");
        assert!(s.contains("= 0.05 − 2 + 1.3"));
        assert!(s.contains("= −0.65"));
        assert!(s.contains("ReLU(−0.65) = 0 — the neuron is switched off"));
        assert!(
            f.description.contains("top input = 0.1, bottom input = 20"),
            "{}",
            f.description
        );
        let d = dec(&n, "first");
        let f = single_neuron("t", &n, &d);
        assert!(f.to_svg_string().contains("output = ReLU(2.15) = 2.15"));
        assert!(f.description.contains("= 2.15"));
    }

    #[test]
    fn the_exercise_reads_like_the_solutions() {
        let n = net("exercise");
        let d = dec(&n, "a");
        let s = layer_by_layer("t", &n, &d).to_svg_string();
        assert!(
            s.contains(
                "hidden 1: 0.6 × 1.5 + (−0.4) × (−0.8) = 0.9 + 0.32 = 1.22, ReLU(1.22) = 1.22"
            ),
            "{s}"
        );
        assert!(s.contains("hidden 2: 1.2 × 1.5 + 0.9 × (−0.8) = 1.8 − 0.72 = 1.08"));
        assert!(s.contains("output: 2 × 1.22 + (−1.5) × 1.08 = 2.44 − 1.62 = 0.82"));
        let f = pair_by_pair("t", &n, &d);
        let s = f.to_svg_string();
        // The second key is (1.2, 0.9): the hand-made solution wrote 0.4.
        assert!(s.contains("pair 2: key (1.2, 0.9), value (−1.5)"));
        assert!(s.contains("1.08 × (−1.5) = (−1.62)"));
        assert!(s.contains("output: 2.44 − 1.62 = 0.82"));
        assert!(s.contains("the same as layer by layer ✓"));
        assert!(
            f.description
                .contains("pair 1 (match 1.22, ReLU 1.22) adds (2.44)"),
            "{}",
            f.description
        );
        let d = dec(&n, "b");
        let s = pair_by_pair("t", &n, &d).to_svg_string();
        assert!(
            s.contains("ReLU(−0.1) = 0 — pair switched off, contributes 0"),
            "{s}"
        );
        let f = bracket("t", &n, &d, 0);
        assert!(
            f.description.contains("ReLU turns it into 0"),
            "{}",
            f.description
        );
        assert!(
            f.to_svg_string()
                .contains("activation of pair 1 = ReLU(0.6·input 1 − 0.4·input 2)")
        );
    }

    #[test]
    fn every_figure_is_sound_and_deterministic() {
        for name in NETS {
            let n = net(name);
            for ex in n.examples.keys() {
                let d = dec(&n, ex);
                let mut figs = vec![
                    layer_by_layer("t-lbl", &n, &d),
                    pair_by_pair("t-pbp", &n, &d),
                ];
                if n.hidden() == 1 && n.outputs.len() == 1 {
                    figs.push(single_neuron("t-single", &n, &d));
                }
                for i in 0..n.hidden() {
                    figs.push(bracket("t-bracket", &n, &d, i));
                }
                for f in &figs {
                    assert_sound(f);
                    assert!(
                        f.description.contains(&vec_text(&d.input)) || f.id == "t-single",
                        "{}: {}",
                        f.id,
                        f.description
                    );
                }
                assert_eq!(
                    pair_by_pair("t", &n, &d).to_svg_string(),
                    pair_by_pair("t", &n, &d).to_svg_string()
                );
                assert_eq!(
                    layer_by_layer("t", &n, &d).to_svg_string(),
                    layer_by_layer("t", &n, &d).to_svg_string()
                );
                assert_eq!(
                    bracket("t", &n, &d, 0).to_svg_string(),
                    bracket("t", &n, &d, 0).to_svg_string()
                );
            }
        }
        let s = net("slides");
        let d = dec(&s, "x2");
        let f = bracket("b", &s, &d, 1);
        assert!(
            f.description.contains("Pair 2 of the 2×2-image network from the slides: key (0, 0, 0, 1), value (0.5, 0.5). For the input (1, 0, 1, 1) it computes"),
            "{}",
            f.description
        );
        assert!(f.to_svg_string().contains("<path"), "real brackets");
    }

    #[test]
    fn snapshots() {
        let n = net("exercise");
        let d = dec(&n, "b");
        insta::assert_snapshot!(
            "bracket_exercise_b_pair1",
            bracket("net-exercise-b-bracket-1", &n, &d, 0).to_svg_string()
        );
        let d = dec(&n, "a");
        insta::assert_snapshot!(
            "layer_by_layer_exercise_a",
            layer_by_layer("net-exercise-a-layer-by-layer", &n, &d).to_svg_string()
        );
        insta::assert_snapshot!(
            "pair_by_pair_exercise_a",
            pair_by_pair("net-exercise-a-pair-by-pair", &n, &d).to_svg_string()
        );
        let s = net("single-neuron");
        let d = dec(&s, "second");
        insta::assert_snapshot!(
            "single_neuron_second",
            single_neuron("net-single-neuron-second-single-neuron", &s, &d).to_svg_string()
        );
    }
}
