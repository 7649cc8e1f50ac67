//! W1 and W2 as colour grids, with one key-value pair outlined: row i of W1
//! (the key) and column i of W2 (the value) in the same highlight colour.
//!
//! Small matrices (at most 12 rows and columns) get a number in every cell;
//! large ones (an MNIST slice: 12 × 784) get thin cells, merged into runs of
//! equal colour so the SVG stays small. The print variant reads in
//! grayscale: magnitude as gray plus the sign written in each cell, or, for
//! large matrices, positive and negative weights in separate panels. This
//! file lays the two matrices out and describes them; `block` draws each.

use super::toykit::{f, net_phrase, text_width, vec_text};
use super::{Figure, style};
use crate::kv::toy::ToyNet;
use svg::node::element::Group;

mod block;

use block::block;

const MARGIN: f64 = 16.0;
const MAX_W: f64 = 960.0;
/// Largest matrix drawn with numbers in its cells.
const SMALL_MAX: usize = 12;
const ROW_H_LARGE: f64 = 14.0;
const ROW_H_SMALL: f64 = 30.0;
/// Share of the scale beyond which a cell's text turns white.
const DARK: f64 = 0.5;

/// Cell texts of W1 and W2, when the caller has exact ones.
type CellTexts = Option<(Vec<Vec<String>>, Vec<Vec<String>>)>;
/// A named panel and the map from a weight to what it shows.
type PanelMap = (&'static str, fn(f64) -> f64);

/// One matrix to draw.
struct Mat<'a> {
    name: &'a str,
    what: &'a str,
    values: &'a [Vec<f64>],
    /// Cell texts (exact decimals for toy nets); `None`: formatted numbers.
    texts: Option<Vec<Vec<String>>>,
    row_names: Vec<String>,
    col_names: Vec<String>,
    /// Outline one row (W1) or one column (W2).
    outline: Outline,
}

#[derive(Clone, Copy)]
enum Outline {
    Row(usize),
    Col(usize),
}

impl Mat<'_> {
    fn rows(&self) -> usize {
        self.values.len()
    }
    fn cols(&self) -> usize {
        self.values.iter().map(Vec::len).max().unwrap_or(0)
    }
    fn small(&self) -> bool {
        self.rows() <= SMALL_MAX && self.cols() <= SMALL_MAX
    }
    fn abs_max(&self) -> f64 {
        self.values
            .iter()
            .flatten()
            .filter(|v| v.is_finite())
            .fold(0.0_f64, |m, v| m.max(v.abs()))
    }
    fn text(&self, r: usize, c: usize) -> String {
        if let Some(t) = self
            .texts
            .as_ref()
            .and_then(|t| t.get(r))
            .and_then(|row| row.get(c))
        {
            return t.clone();
        }
        let v = self
            .values
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .unwrap_or(0.0);
        let digits = if self.abs_max() >= 10.0 { 1 } else { 2 };
        style::num(v, digits)
    }
}

/// A drawn block and its size.
struct Block {
    group: Group,
    width: f64,
    height: f64,
}

/// W1 (hidden × inputs) and W2 (outputs × hidden) with pair `highlight`
/// outlined in both. Works from a 2 × 4 toy net to a 12 × 784 MNIST slice.
/// `pair_indices`: for a slice of a bigger net, the neuron index of each row
/// (labels then read "pair 124", "row 124 of W1", as `kvlens explain --pair`
/// counts); `None` numbers the pairs 1, 2, … as the toy nets do.
#[allow(clippy::too_many_arguments)]
pub(crate) fn matrix_view(
    id: &str,
    w1: &[Vec<f64>],
    w2: &[Vec<f64>],
    highlight: usize,
    pair_indices: Option<&[usize]>,
    input_names: &[String],
    output_names: &[String],
    variant: style::Variant,
) -> Figure {
    let numbers: Vec<usize> = match pair_indices {
        Some(ix) if ix.len() == w1.len() => ix.to_vec(),
        _ => (1..=w1.len()).collect(),
    };
    view(
        id,
        "W1 and W2",
        String::new(),
        w1,
        w2,
        None,
        highlight,
        &numbers,
        input_names,
        output_names,
        variant,
    )
}

/// [`matrix_view`] of a toy net, with its exact decimals in the cells.
pub(crate) fn toy_matrix_view(
    id: &str,
    net: &ToyNet,
    highlight: usize,
    variant: style::Variant,
) -> Figure {
    let to_f = |m: &[Vec<rust_decimal::Decimal>]| -> Vec<Vec<f64>> {
        m.iter().map(|r| r.iter().map(f).collect()).collect()
    };
    let texts = |m: &[Vec<rust_decimal::Decimal>]| -> Vec<Vec<String>> {
        m.iter()
            .map(|r| r.iter().map(style::dec).collect())
            .collect()
    };
    let (w1, w2) = (to_f(&net.w1), to_f(&net.w2));
    let numbers: Vec<usize> = (1..=net.hidden()).collect();
    let h = highlight.min(net.hidden().saturating_sub(1));
    let lead = format!(
        "The weights of {} as matrices. Pair {}: key {} is row {} of W1, value {} is column {} of W2.",
        net_phrase(net),
        h + 1,
        net.key(h).map(vec_text).unwrap_or_default(),
        h + 1,
        net.value(h).map(|v| vec_text(&v)).unwrap_or_default(),
        h + 1
    );
    view(
        id,
        &format!("{}: W1 and W2", net.title),
        lead,
        &w1,
        &w2,
        Some((texts(&net.w1), texts(&net.w2))),
        h,
        &numbers,
        &net.inputs,
        &net.outputs,
        variant,
    )
}

#[allow(clippy::too_many_arguments)]
fn view(
    id: &str,
    title: &str,
    lead: String,
    w1: &[Vec<f64>],
    w2: &[Vec<f64>],
    texts: CellTexts,
    highlight: usize,
    numbers: &[usize],
    input_names: &[String],
    output_names: &[String],
    variant: style::Variant,
) -> Figure {
    let hidden = w1.len();
    let h = highlight.min(hidden.saturating_sub(1));
    let pair_names: Vec<String> = numbers.iter().map(|n| format!("pair {n}")).collect();
    // The number of the outlined pair: its label, row of W1 and column of W2.
    let n = numbers.get(h).copied().unwrap_or(h + 1);
    let (t1, t2) = match texts {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    let m1 = Mat {
        name: "W1",
        what: "keys, one row per pair",
        values: w1,
        texts: t1,
        row_names: pair_names.clone(),
        col_names: input_names.to_vec(),
        outline: Outline::Row(h),
    };
    let m2 = Mat {
        name: "W2",
        what: "values, one column per pair",
        values: w2,
        texts: t2,
        row_names: output_names.to_vec(),
        col_names: pair_names,
        outline: Outline::Col(h),
    };
    let side_by_side = m1.small() && m2.small();
    let tag1 = format!("key of pair {n}");
    let tag2 = format!("value of pair {n}");
    let head = format!("pair {n} = key (row {n} of W1) + value (column {n} of W2)");
    let b1 = block(id, "w1", &m1, variant, &tag1);
    let b2 = block(id, "w2", &m2, variant, &tag2);
    let top = 44.0;
    let mut doc_items: Vec<Group> = Vec::new();
    let (width, height) = if side_by_side {
        let x2 = MARGIN + b1.width + 36.0;
        doc_items.push(
            b1.group
                .set("transform", format!("translate({MARGIN},{top})")),
        );
        doc_items.push(
            b2.group
                .set("transform", format!("translate({},{top})", style::r(x2))),
        );
        (
            x2 + b2.width + MARGIN,
            top + b1.height.max(b2.height) + 10.0,
        )
    } else {
        let y2 = top + b1.height + 24.0;
        doc_items.push(
            b1.group
                .set("transform", format!("translate({MARGIN},{top})")),
        );
        doc_items.push(
            b2.group
                .set("transform", format!("translate({MARGIN},{})", style::r(y2))),
        );
        (
            (MARGIN + b1.width.max(b2.width) + MARGIN).min(MAX_W),
            y2 + b2.height + 10.0,
        )
    };
    let width = width.max(text_width(&head, style::FONT_SIZE) + 2.0 * MARGIN);
    let desc = format!(
        "{}{}W1 ({} × {}, {}) and W2 ({} × {}, {}) as {}; pair {} outlined in both: row {} of W1 (its key, weights from {} to {}) and column {} of W2 (its value: {}).{}",
        lead,
        if lead.is_empty() { "" } else { " " },
        m1.rows(),
        m1.cols(),
        m1.what,
        m2.rows(),
        m2.cols(),
        m2.what,
        match variant {
            style::Variant::Screen | style::Variant::Slide =>
                "colour grids (red positive, blue negative, white zero)",
            style::Variant::Print =>
                "grayscale grids (darker = larger magnitude, sign written or in separate panels)",
        },
        n,
        n,
        style::num(row_min(w1, h), 2),
        style::num(row_max(w1, h), 2),
        n,
        col_text(&m2, h),
        if m1.small() {
            ""
        } else {
            " W1 is too wide for numbers: one thin cell per input."
        }
    );
    let mut doc = style::frame(width, height, title, &desc).add(
        style::text(head, MARGIN, 24.0, style::FONT_SIZE, "start")
            .set("fill", style::HIGHLIGHT)
            .set("font-weight", "bold"),
    );
    for g in doc_items {
        doc = doc.add(g);
    }
    let data = matrix_data(w1, w2, numbers, h, input_names, output_names);
    style::figure(id, title, desc, doc, data)
}

/// The cells drawn: one row per weight, W1 (pair × input) then W2
/// (output × pair), with the outlined pair marked.
fn matrix_data(
    w1: &[Vec<f64>],
    w2: &[Vec<f64>],
    numbers: &[usize],
    h: usize,
    input_names: &[String],
    output_names: &[String],
) -> super::data::FigureData {
    let mut t =
        super::data::Table::new(&["matrix", "pair", "input_or_output", "weight", "outlined"]);
    let name = |names: &[String], i: usize| names.get(i).cloned().unwrap_or_else(|| i.to_string());
    let pair = |k: usize| numbers.get(k).copied().unwrap_or(k + 1);
    for (k, row) in w1.iter().enumerate() {
        for (i, &w) in row.iter().enumerate() {
            t.row(vec![
                "W1".into(),
                pair(k).into(),
                name(input_names, i).into(),
                w.into(),
                (k == h).into(),
            ]);
        }
    }
    for (o, row) in w2.iter().enumerate() {
        for (k, &w) in row.iter().enumerate() {
            t.row(vec![
                "W2".into(),
                pair(k).into(),
                name(output_names, o).into(),
                w.into(),
                (k == h).into(),
            ]);
        }
    }
    t.data()
}

fn row_min(m: &[Vec<f64>], r: usize) -> f64 {
    m.get(r)
        .map_or(0.0, |row| row.iter().copied().fold(f64::INFINITY, f64::min))
        .min(f64::MAX)
}

fn row_max(m: &[Vec<f64>], r: usize) -> f64 {
    m.get(r)
        .map_or(0.0, |row| {
            row.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        })
        .max(f64::MIN)
}

fn col_text(m: &Mat, c: usize) -> String {
    let parts: Vec<String> = (0..m.rows()).map(|r| m.text(r, c)).collect();
    format!("({})", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::toy::load_file;
    use std::path::Path;

    fn net(name: &str) -> ToyNet {
        load_file(Path::new(&format!("content/nets/{name}.toml"))).unwrap()
    }

    /// A deterministic 12 × 784 slice and its 10 × 12 values.
    type Slice = (Vec<Vec<f64>>, Vec<Vec<f64>>, Vec<String>, Vec<String>);

    fn mnist_like() -> Slice {
        let w1: Vec<Vec<f64>> = (0..12)
            .map(|i| {
                (0..784)
                    .map(|p| {
                        (((i * 31 + p * 17) % 97) as f64 - 48.0) / 300.0
                            * f64::from(p % 28 > 4 && p % 28 < 24)
                    })
                    .collect()
            })
            .collect();
        let w2: Vec<Vec<f64>> = (0..10)
            .map(|d| {
                (0..12)
                    .map(|i| (((d * 7 + i * 5) % 13) as f64 - 6.0) / 20.0)
                    .collect()
            })
            .collect();
        let inputs = (0..784).map(|p| format!("pixel {p}")).collect();
        let outputs = (0..10).map(|d| d.to_string()).collect();
        (w1, w2, inputs, outputs)
    }

    #[test]
    fn toy_matrices_are_sound_and_described() {
        for name in ["slides", "exercise", "single-neuron", "threshold"] {
            let n = net(name);
            for v in [style::Variant::Screen, style::Variant::Print] {
                for h in 0..n.hidden() {
                    let f = toy_matrix_view("t-matrix", &n, h, v);
                    assert_sound(&f);
                    assert_eq!(
                        f.to_svg_string(),
                        toy_matrix_view("t-matrix", &n, h, v).to_svg_string()
                    );
                }
            }
        }
        let f = toy_matrix_view("m", &net("slides"), 1, style::Variant::Screen);
        assert!(
            f.description.contains(
                "Pair 2: key (0, 0, 0, 1) is row 2 of W1, value (0.5, 0.5) is column 2 of W2"
            ),
            "{}",
            f.description
        );
        assert!(
            f.to_svg_string()
                .contains("pair 2 = key (row 2 of W1) + value (column 2 of W2)")
        );
        let p = toy_matrix_view("m", &net("exercise"), 0, style::Variant::Print).to_svg_string();
        assert!(
            p.contains("\n\u{2212}0.4\n") && p.contains("\n+0.6\n"),
            "print cells carry signs"
        );
        assert!(!p.contains("url(#"), "print uses no colour gradient");
    }

    #[test]
    fn an_mnist_slice_stays_small_and_sound() {
        let (w1, w2, inputs, outputs) = mnist_like();
        for v in [style::Variant::Screen, style::Variant::Print] {
            let f = matrix_view("mx", &w1, &w2, 3, None, &inputs, &outputs, v);
            assert_sound(&f);
            let s = f.to_svg_string();
            assert!(s.len() < 1_000_000, "{} bytes", s.len());
            let width: f64 = s
                .split("width=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!(width <= 960.0, "{width}");
            assert!(
                f.description.contains("12 × 784") && f.description.contains("pair 4"),
                "{}",
                f.description
            );
            assert_eq!(
                s,
                matrix_view("mx", &w1, &w2, 3, None, &inputs, &outputs, v).to_svg_string()
            );
        }
        // A slice of a bigger net is labelled with the neurons' own indices.
        let ix: Vec<usize> = (0..12).map(|i| 200 + 3 * i).collect();
        let f = matrix_view(
            "mx",
            &w1,
            &w2,
            3,
            Some(&ix),
            &inputs,
            &outputs,
            style::Variant::Screen,
        );
        let s = f.to_svg_string();
        assert!(
            s.contains("pair 209 = key (row 209 of W1) + value (column 209 of W2)"),
            "{}",
            f.description
        );
        assert!(s.contains("\npair 200\n") && !s.contains("\npair 1\n"));
        assert!(f.description.contains("pair 209"), "{}", f.description);
    }

    #[test]
    fn snapshots() {
        let n = net("exercise");
        insta::assert_snapshot!(
            "matrix_exercise",
            toy_matrix_view("net-exercise-matrix", &n, 1, style::Variant::Screen).to_svg_string()
        );
        insta::assert_snapshot!(
            "matrix_exercise_print",
            toy_matrix_view("net-exercise-matrix-print", &n, 1, style::Variant::Print)
                .to_svg_string()
        );
    }
}
