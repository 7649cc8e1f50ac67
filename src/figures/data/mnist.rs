//! The data of the MNIST families: pictures of 784 cells with the sums
//! written beside them, one pair on one image, an image's summary, the
//! waterfall.

use super::{Cell, FigureData, Table, j32, j32s, j64, j64s, obj};
use crate::kv::image::{DIGITS, ImageAnalysis, Versus, Waterfall};
use crate::kv::pair::{KeyTimesImage, PairView};
use serde_json::Value;

/// A 28×28 picture's cells and the numbers drawn beside it: columns
/// `quantity,pixel,row,col,value`, one row per cell (`quantity` = `name`),
/// then one row per named summary (`pixel`, `row`, `col` empty).
pub(crate) fn picture<T: Copy + Into<Cell>>(
    name: &str,
    values: &[T],
    summary: &[(&str, Cell)],
) -> Table {
    let side = crate::data::IMAGE_SIDE;
    let mut t = Table::new(&["quantity", "pixel", "row", "col", "value"]);
    for (i, v) in values.iter().enumerate() {
        t.row(vec![
            name.into(),
            i.into(),
            (i / side).into(),
            (i % side).into(),
            (*v).into(),
        ]);
    }
    for (k, v) in summary {
        t.row(vec![
            (*k).into(),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            v.clone(),
        ]);
    }
    t
}

/// A key: its 784 weights, then its bias and the pair's index.
pub(crate) fn key(view: &PairView) -> FigureData {
    picture(
        "weight",
        &view.key,
        &[("bias", view.bias.into()), ("pair", view.pair.into())],
    )
    .data()
}

/// A value: one vote per digit, and what it favours.
pub(crate) fn value(view: &PairView) -> FigureData {
    FigureData::Json(obj(vec![
        ("pair", Value::from(view.pair)),
        ("value", j32s(&view.value)),
        ("favours", view.favours.map_or(Value::Null, Value::from)),
        ("favour_margin", j32(view.favour_margin)),
        ("opposes", view.opposes.map_or(Value::Null, Value::from)),
    ]))
}

/// An image's 784 pixel values (0–255; the net reads value ÷ 255), then its
/// label if known.
pub(crate) fn pixels(pixels: &[u8], label: Option<u8>) -> FigureData {
    let summary: Vec<(&str, Cell)> = label.map(|l| ("label", l.into())).into_iter().collect();
    let n = pixels.len().min(crate::data::PIXELS);
    picture("pixel", &pixels[..n], &summary).data()
}

/// Key ⊙ image: the 784 products, then the sums written under them.
pub(crate) fn key_times_image(k: &KeyTimesImage) -> FigureData {
    picture(
        "product",
        &k.products,
        &[
            ("pair", k.pair.into()),
            ("inked_pixels", k.inked_pixels.into()),
            ("positive", k.positive.into()),
            ("negative", k.negative.into()),
            ("sum", k.sum.into()),
            ("bias", k.bias.into()),
            ("pre_activation", k.pre.into()),
            ("activation", k.activation.into()),
        ],
    )
    .data()
}

/// The image-level numbers drawn with one image's pairs: prediction, lead,
/// logits, b2.
pub(crate) fn image_summary(a: &ImageAnalysis) -> Value {
    obj(vec![
        ("label", a.label.map_or(Value::Null, Value::from)),
        ("top", Value::from(a.top)),
        ("runner_up", Value::from(a.runner_up)),
        ("lead", j64(a.lead)),
        ("active_pairs", Value::from(a.active)),
        ("inked_pixels", Value::from(a.inked_pixels)),
        ("logits", j64s(&a.logits)),
        ("b2", j64s(&a.b2)),
    ])
}

/// One pair on one image: its key, the image's products, the match, the
/// value and activation × value (what the card and its slide draw).
pub(crate) fn pair_on_image(view: &PairView, k: &KeyTimesImage, scaled: &[f64]) -> Value {
    obj(vec![
        ("pair", Value::from(view.pair)),
        ("key", j32s(&view.key)),
        ("bias", j32(view.bias)),
        ("products", j64s(&k.products)),
        ("sum", j64(k.sum)),
        ("positive", j64(k.positive)),
        ("negative", j64(k.negative)),
        ("pre_activation", j64(k.pre)),
        ("activation", j64(k.activation)),
        ("fires", Value::from(k.fires)),
        ("inked_pixels", Value::from(k.inked_pixels)),
        ("value", j32s(&view.value)),
        ("scaled_value", j64s(scaled)),
    ])
}

/// A waterfall's steps: b2, each pair in order, the rest, the logits; per
/// row what it adds to each digit's logit and the running logits, and the
/// running lead (or margin) of the predicted digit `top` over the digit
/// followed, with what the row adds to it. The adds of every row but the
/// last re-add to the last row.
pub(crate) fn waterfall(w: &Waterfall, top: usize) -> FigureData {
    let diff = match w.versus {
        Versus::RunnerUp => "lead",
        Versus::TrueDigit => "margin",
    };
    let mut cols: Vec<String> = vec!["step".into(), "pair".into(), "pairs".into()];
    cols.extend((0..DIGITS).map(|d| format!("adds_{d}")));
    cols.extend((0..DIGITS).map(|d| format!("logit_{d}")));
    cols.push(format!("{diff}_adds"));
    cols.push(format!("{diff}_{top}_over_{}", w.against));
    let names: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut t = Table::new(&names);
    let mut push = |step: &str,
                    pair: Cell,
                    count: usize,
                    adds: Option<&[f64; DIGITS]>,
                    run: &[f64; DIGITS]| {
        let mut r: Vec<Cell> = vec![step.into(), pair, count.into()];
        r.extend((0..DIGITS).map(|d| adds.map_or(Cell::Empty, |a| a[d].into())));
        r.extend(run.iter().map(|&v| v.into()));
        r.push(adds.map_or(Cell::Empty, |a| (a[top] - a[w.against]).into()));
        r.push((run[top] - run[w.against]).into());
        t.row(r);
    };
    push("b2", Cell::Empty, 0, Some(&w.b2), &w.b2);
    for s in &w.steps {
        push("pair", s.pair.into(), 1, Some(&s.scaled), &s.logits);
    }
    push("rest", Cell::Empty, w.rest_pairs, Some(&w.rest), &w.logits);
    let all = w.steps.len() + w.rest_pairs;
    push("logits", Cell::Empty, all, None, &w.logits);
    t.data()
}
