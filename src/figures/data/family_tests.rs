//! Each family's data holds the numbers it draws: they re-add, match the
//! model, and follow the analyses the figure was drawn from.

use super::{Cell, FigureData};
use crate::figures::style::Variant;
use crate::figures::testing::assert_data;
use crate::figures::{
    cards, digits, flips, linear, matrices, mistakes, networks, population, training_curve,
    waterfall, worked,
};
use crate::kv::image::{DIGITS, Ranking, analyse};
use crate::kv::pair::{key_times_image, pair_view};
use crate::kv::testnet;
use serde_json::Value;

fn table(d: &FigureData) -> &super::Table {
    d.table().unwrap_or_else(|| panic!("not a table: {d:?}"))
}

fn json(d: &FigureData) -> &Value {
    d.json().unwrap_or_else(|| panic!("not JSON"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The value of summary row `name` of a picture table.
fn summary(t: &super::Table, name: &str) -> f64 {
    let value = t
        .column("value")
        .unwrap_or_else(|| panic!("no value column"));
    t.rows
        .iter()
        .find(|r| r[0] == Cell::Text(name.to_string()))
        .and_then(|r| r[value].as_f64())
        .unwrap_or_else(|| panic!("no row {name}"))
}

#[test]
fn a_waterfalls_rows_re_add_to_its_final_logits() {
    let m = testnet::net();
    let s = testnet::split(1);
    for digit in [0, 3, 8] {
        let a = analyse(&m, s.image(digit), Some(digit as u8));
        let w = a.waterfall(Ranking::Decision, 3);
        let fig = waterfall::waterfall("wf", &w, &a);
        assert_data(&fig);
        let t = table(&fig.data);
        let last = t.rows.len() - 1;
        assert_eq!(t.rows[0][0], Cell::Text("b2".into()));
        assert_eq!(t.rows[last][0], Cell::Text("logits".into()));
        assert_eq!(t.rows.len(), w.steps.len() + 3);
        for d in 0..DIGITS {
            let adds = t.numbers(&format!("adds_{d}"));
            assert_eq!(adds.len(), last, "every row but the logits adds");
            let total: f64 = adds.iter().sum();
            let logit = t.numbers(&format!("logit_{d}"))[last];
            assert!(
                (total - logit).abs() < 1e-9,
                "digit {d}: {total} vs {logit}"
            );
            assert_eq!(logit, a.logits[d]);
        }
        let lead = t.columns.last().cloned().unwrap_or_default();
        assert_eq!(lead, format!("lead_{}_over_{}", a.top, a.runner_up));
        assert_eq!(*t.numbers(&lead).last().unwrap_or(&0.0), a.lead);
        // The slide draws the same numbers.
        let slide = waterfall::waterfall_slide("wfs", &w, &a);
        assert_eq!(slide.data, fig.data);
    }
}

#[test]
fn a_keys_data_is_its_784_weights_and_bias_as_the_model_holds_them() {
    let m = digits::tests::random_net();
    let v = pair_view(&m, 5).unwrap_or_else(|| panic!("pair 5"));
    for variant in [Variant::Screen, Variant::Print] {
        let fig = digits::key_heatmap("k", &v, variant);
        assert_data(&fig);
        let t = table(&fig.data);
        let weights: Vec<&Vec<Cell>> = t
            .rows
            .iter()
            .filter(|r| r[0] == Cell::Text("weight".into()))
            .collect();
        assert_eq!(weights.len(), 784);
        for (p, r) in weights.iter().enumerate() {
            assert_eq!(r[1], Cell::from(p));
            assert_eq!(r[2], Cell::from(p / 28));
            assert_eq!(r[3], Cell::from(p % 28));
            assert_eq!(r[4], Cell::F32(m.w1[[5, p]]));
        }
        assert_eq!(summary(t, "bias"), f64::from(m.b1[5]));
    }
    // The CSV text reads back to the same f32 weights.
    let text = digits::key_heatmap("k", &v, Variant::Screen).data.to_text();
    let back: Vec<f32> = text
        .lines()
        .filter(|l| l.starts_with("weight,"))
        .map(|l| {
            l.rsplit(',')
                .next()
                .unwrap_or("")
                .parse()
                .unwrap_or(f32::NAN)
        })
        .collect();
    assert_eq!(back, m.w1.row(5).to_vec());
}

#[test]
fn key_times_image_data_sums_to_the_match_drawn() {
    let (m, img) = digits::tests::fixture(8);
    let k = key_times_image(&m, 8, &img).unwrap_or_else(|| panic!("kti"));
    let v = pair_view(&m, 8).unwrap_or_else(|| panic!("pair 8"));
    let fig = digits::key_times_image("kti", &k, &img, &v, Variant::Screen);
    assert_data(&fig);
    let t = table(&fig.data);
    let products: f64 = t
        .rows
        .iter()
        .filter(|r| r[0] == Cell::Text("product".into()))
        .filter_map(|r| r[4].as_f64())
        .sum();
    assert!((products - summary(t, "sum")).abs() < 1e-9);
    assert_eq!(summary(t, "pre_activation"), k.pre);
    assert_eq!(summary(t, "activation"), k.activation);
    let image = digits::digit("img", &img, Some(8), true);
    assert_data(&image);
    let px = table(&image.data).numbers("value");
    assert_eq!(px.len(), 785, "784 pixels and the label");
    assert_eq!(
        px[..784],
        img.iter().map(|&b| f64::from(b)).collect::<Vec<_>>()[..]
    );
}

#[test]
fn cards_data_carries_each_pairs_activation_times_value() {
    let (m, img) = digits::tests::fixture(8);
    let a = analyse(&m, &img, Some(8));
    let top: Vec<usize> = a.by_decision.order.iter().take(3).copied().collect();
    let views: Vec<_> = top.iter().filter_map(|&i| pair_view(&m, i)).collect();
    let kti: Vec<_> = top
        .iter()
        .filter_map(|&i| key_times_image(&m, i, &img))
        .collect();
    let fig = cards::top_pairs("tp", &a, &views, &kti, &img, Variant::Screen);
    assert_data(&fig);
    let pairs = json(&fig.data)["pairs"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(pairs.len(), top.len());
    for (p, want) in pairs.iter().zip(&top) {
        assert_eq!(p["pair"].as_u64(), Some(*want as u64));
        let c = a.pair(*want).unwrap_or_else(|| panic!("pair {want}"));
        for d in 0..DIGITS {
            assert_eq!(f(&p["scaled_value"][d]), c.scaled[d]);
        }
        assert_eq!(p["key"].as_array().map(Vec::len), Some(784));
    }
    let card = cards::pair_card("pc", &views[0], &kti[0], &img, Variant::Print);
    assert_data(&card);
    let j = json(&card.data);
    for d in 0..DIGITS {
        let want = kti[0].activation * f64::from(views[0].value[d]);
        assert_eq!(f(&j["scaled_value"][d]), want);
    }
}

#[test]
fn the_flip_curves_data_is_each_series_points_and_settling() {
    let m = testnet::net();
    let s = testnet::split(1);
    let a = analyse(&m, s.image(3), Some(3));
    let fig = flips::flip_curve("fl", &a);
    assert_data(&fig);
    let series = json(&fig.data)["series"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(series.len(), 4);
    let decision = &series[0];
    let curve = a.curve(&a.by_decision);
    let points = decision["points"].as_array().cloned().unwrap_or_default();
    assert_eq!(points.len(), curve.len());
    for (p, c) in points.iter().zip(&curve) {
        assert_eq!(p["n"].as_u64(), Some(c.n as u64));
        assert_eq!(f(&p["lead"]), c.lead);
    }
    assert_eq!(
        decision["settles"]["at"].as_u64(),
        Some(a.by_decision.settles_at as u64)
    );
    assert_eq!(flips::flip_curve_slide("fls", &a).data, fig.data);
}

#[test]
fn toy_figures_data_is_the_nets_exact_decomposition() {
    use crate::kv::toy::{decompose, load_file};
    let net = load_file(std::path::Path::new("content/nets/exercise.toml"))
        .unwrap_or_else(|e| panic!("{e:#}"));
    let (name, input) = net
        .examples
        .iter()
        .next()
        .unwrap_or_else(|| panic!("example"));
    let dec = decompose(&net, input).unwrap_or_else(|e| panic!("{name}: {e}"));
    let figs = [
        networks::network("n", &net, Some(&dec), Some(0)),
        worked::pair_by_pair("p", &net, &dec),
        worked::layer_by_layer("l", &net, &dec),
        worked::bracket("b", &net, &dec, 0),
    ];
    for fig in &figs {
        assert_data(fig);
        let j = json(&fig.data);
        let logits = &j["decomposition"]["logits"];
        for (o, l) in dec.logits.iter().enumerate() {
            assert_eq!(logits[o].to_string(), crate::num::exact(l), "{}", fig.id);
        }
        // Each pair's contribution re-adds (with b2) to the logits.
        for o in 0..net.outputs.len() {
            let sum: f64 = j["decomposition"]["pairs"]
                .as_array()
                .map(|ps| ps.iter().map(|p| f(&p["contribution"][o])).sum())
                .unwrap_or(0.0);
            let b2 = net
                .b2
                .get(o)
                .map_or(0.0, |b| b.to_string().parse().unwrap_or(0.0));
            assert!((sum + b2 - f(&logits[o])).abs() < 1e-9, "{}", fig.id);
        }
    }
    // Above a predict prompt the data holds the input, not the answer.
    let prompt = networks::network_input("ni", &net, &dec);
    assert_data(&prompt);
    assert!(json(&prompt.data).get("decomposition").is_none());
    assert!(json(&prompt.data).get("input").is_some());
    let matrix = matrices::toy_matrix_view("m", &net, 0, Variant::Screen);
    assert_data(&matrix);
    let cells = table(&matrix.data).numbers("weight");
    assert_eq!(
        cells.len(),
        net.hidden() * (net.inputs.len() + net.outputs.len())
    );
}

#[test]
fn population_figures_data_is_what_the_test_set_gave() {
    let m = testnet::net();
    let data = testnet::dataset(3);
    let memo = crate::kv::memo::Memo::new(&m, &m, &data);
    let vf = memo.votes();
    let fig = population::votes_vs_fires("vf", vf);
    assert_data(&fig);
    let grid = &json(&fig.data)["counts_fires_on_by_votes_for"];
    let g = crate::kv::population::votes_fires_grid(vf);
    let total: u64 = (0..DIGITS)
        .flat_map(|r| (0..DIGITS).map(move |c| (r, c)))
        .map(|(r, c)| grid[r][c].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(total, g.judged as u64);
    assert_data(&population::selective_per_digit("sel", vf));
    let runs: Vec<_> = [crate::kv::population::KnockoutMode::Zero]
        .into_iter()
        .map(|mode| (*memo.knockout(3, 2, mode)).clone())
        .collect();
    let ko = population::knockout_bars("ko", &runs);
    assert_data(&ko);
    let r = &json(&ko.data)["runs"][0];
    assert_eq!(
        f(&r["targeted"]["accuracy"][3]),
        runs[0].targeted.accuracy[3]
    );
    let confusion = mistakes::confusion("c", memo.mistakes());
    assert_data(&confusion);
    let images: f64 = table(&confusion.data).numbers("images").iter().sum();
    let misread_or_right: usize = memo.mistakes().confusion.iter().flatten().sum();
    assert_eq!(images, misread_or_right as f64);
    let drift = linear::drift_histogram("kd", memo.drift());
    assert_data(&drift);
    assert_eq!(f(&json(&drift.data)["median"]), memo.drift().median);
}

#[test]
fn the_training_curves_data_is_its_epochs_without_timings() {
    let history: Vec<crate::nn::EpochStats> = (1..=3)
        .map(|e| crate::nn::EpochStats {
            epoch: e,
            loss: 1.0 / e as f64,
            train_accuracy: 0.5 + 0.1 * e as f64,
            test_accuracy: 0.55 + 0.1 * e as f64,
            seconds: 0.123 * e as f64,
        })
        .collect();
    let fig = training_curve::training_curve(&history);
    assert_data(&fig);
    let t = table(&fig.data);
    assert_eq!(
        t.columns,
        ["epoch", "loss", "train_accuracy", "test_accuracy"]
    );
    assert_eq!(
        t.numbers("loss"),
        history.iter().map(|e| e.loss).collect::<Vec<_>>()
    );
}
