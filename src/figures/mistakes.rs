//! Mistakes on the test set: the confusion matrix ([`confusion`]), and one
//! misread image beside the nearest correctly read image of its digit with
//! the pairs whose activations differ most ([`mistake_contrast`], in
//! `contrast`), and a compact card of one misread image's margin against
//! its true digit for a gallery of mistakes ([`margin_card`], in `margin`).
//! Draws what `kv::mistakes` and `kv::image` computed.

use super::Figure;
use super::chart::turned;
use super::population::{
    NEUTRAL, count_cell, count_label, digit_headers, grid_frame, ink_on, plural, sequential,
};
use super::style::{self, text};
use crate::kv::image::DIGITS;
use crate::kv::mistakes::{ConfusionSummary, Mistakes, confusion_summary};
use crate::num::{grouped, percent};
use svg::node::element::Group;

mod contrast;
mod margin;

pub(crate) use contrast::{mistake_contrast, mistake_contrast_slide};
pub(crate) use margin::margin_card;

/// How many of the most frequent mistakes the confusion figure names.
const NAMED: usize = 3;
/// Side of one cell of the confusion matrix.
const C: f64 = 40.0;
/// Top left corner of the matrix.
const GX: f64 = 84.0;
const GY: f64 = 64.0;
const SIDE: f64 = C * DIGITS as f64;

/// 10 × 10 confusion matrix: true digit per row, the digit read per column,
/// counts written; mistakes shaded by count, the diagonal in a neutral tone.
pub(crate) fn confusion(id: &str, m: &Mistakes) -> Figure {
    let sum = confusion_summary(m, NAMED);
    let title = "Confusion matrix";
    let named: Vec<String> = sum
        .top
        .iter()
        .map(|c| format!("{} read as {} ({} times)", c.label, c.predicted, c.count))
        .collect();
    let description = format!(
        "Confusion matrix of the {} test images (rows: true digit, columns: digit read): {} read correctly, {} misread, {} (not in the matrix).{}",
        grouped(sum.images as u64),
        grouped(sum.correct as u64),
        grouped(sum.misread as u64),
        plural(sum.ties, "tie"),
        if named.is_empty() {
            " No mistakes.".to_string()
        } else {
            format!(" Most common mistakes: {}.", named.join("; "))
        }
    );
    let (cells, counts) = cells(m, &sum);
    let ny = GY + SIDE + 28.0;
    let (w, h) = (GX + SIDE + 92.0, ny + 36.0);
    let doc = style::frame(w, h, title, &description)
        .add(cells)
        .add(counts)
        .add(axes(m))
        .add(notes(&sum, &named, ny));
    let mut t = super::data::Table::new(&["true_digit", "read_as", "images"]);
    for (label, row) in m.confusion.iter().enumerate() {
        for (read, &n) in row.iter().enumerate() {
            t.row(vec![label.into(), read.into(), n.into()]);
        }
    }
    style::figure(id, title, description, doc, t.data())
}

/// The cells (the diagonal neutral, mistakes on the count scale) and the
/// counts written in them (every diagonal one, in bold).
fn cells(m: &Mistakes, sum: &ConfusionSummary) -> (Group, Group) {
    let mut cells = Group::new().set("shape-rendering", "crispEdges");
    let mut counts = Group::new();
    for (t, row) in m.confusion.iter().enumerate() {
        for (p, &n) in row.iter().enumerate() {
            let (x, y) = (GX + p as f64 * C, GY + t as f64 * C);
            let (fill, ink) = if t == p {
                (NEUTRAL.to_string(), style::INK)
            } else {
                (sequential(n, sum.largest), ink_on(n, sum.largest))
            };
            cells = cells.add(count_cell(x, y, C, fill));
            if n > 0 || t == p {
                let label = count_label(n, x, y, C, 12.0).set("fill", ink);
                counts = counts.add(if t == p {
                    label.set("font-weight", "bold")
                } else {
                    label
                });
            }
        }
    }
    (cells, counts)
}

/// The frame, both axis titles, the digits along both axes and each
/// digit's accuracy at the right.
fn axes(m: &Mistakes) -> Group {
    let mut axes = grid_frame(GX, GY, SIDE, "read as …")
        .add(
            turned("true digit …", GX - 48.0, GY + SIDE / 2.0, style::FONT_SIZE)
                .set("font-weight", "bold"),
        )
        .add(style::muted(
            "correct",
            GX + SIDE + 36.0,
            GY - 12.0,
            "middle",
        ));
    for d in 0..DIGITS {
        let centre = d as f64 * C + C / 2.0;
        axes = digit_headers(axes, d, GX, GY, C).add(style::muted(
            format!("{} %", percent(m.per_digit_accuracy[d], 1)),
            GX + SIDE + 62.0,
            GY + centre + 4.0,
            "end",
        ));
    }
    axes
}

/// The totals under the matrix, and the most common mistakes.
fn notes(sum: &ConfusionSummary, named: &[String], ny: f64) -> Group {
    let mut notes = Group::new().add(text(
        format!(
            "{} of {} read correctly; {} misread; {} (not in the matrix).",
            grouped(sum.correct as u64),
            grouped(sum.images as u64),
            grouped(sum.misread as u64),
            plural(sum.ties, "tie")
        ),
        GX - 72.0,
        ny,
        style::FONT_SIZE,
        "start",
    ));
    if !named.is_empty() {
        notes = notes.add(text(
            format!("Most common: {}.", named.join("; ")),
            GX - 72.0,
            ny + 22.0,
            style::FONT_SIZE,
            "start",
        ));
    }
    notes
}

/// "a 7", "an 8".
fn a_digit(d: u8) -> String {
    if d == 8 {
        "an 8".to_string()
    } else {
        format!("a {d}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::mistakes::mistakes;
    use crate::kv::pair::PairView;
    use crate::kv::population::activations;
    use crate::kv::testnet::{net, split};
    use crate::nn::Mlp;

    #[test]
    fn the_confusion_matrix_counts_every_image_and_names_the_mistakes() {
        let m = net();
        let s = split(3);
        let r = mistakes(&m, &activations(&m, &s), &s);
        let f = confusion("confusion", &r);
        assert_sound(&f);
        let svg = f.to_svg_string();
        assert_eq!(svg, confusion("confusion", &r).to_svg_string());
        assert!(
            f.description.contains("30 test images")
                && f.description
                    .contains("27 read correctly, 3 misread, 0 ties")
                && f.description.contains("8 read as 3 (3 times)"),
            "{}",
            f.description
        );
        // The 8s read as 3 sit in row 8, column 3, on the darkest shade.
        assert!(svg.contains("fill=\"#08306b\""));
        assert!(svg.contains("0.0 %"));
        insta::assert_snapshot!("confusion", svg);
    }

    /// The kv fixture: pair 12 fires on pixel 30 and votes 3 for 8, so the
    /// 8s that ink pixel 30 are read right and the others as 3.
    fn contrast_fixture() -> (Mlp, crate::data::Split) {
        let mut m = net();
        let mut w1 = ndarray::Array2::zeros((13, crate::data::PIXELS));
        w1.slice_axis_mut(ndarray::Axis(0), ndarray::Slice::from(0..12))
            .assign(&m.w1);
        w1[[12, 30]] = 1.0;
        let mut w2 = ndarray::Array2::zeros((DIGITS, 13));
        w2.slice_axis_mut(ndarray::Axis(1), ndarray::Slice::from(0..12))
            .assign(&m.w2);
        w2[[8, 12]] = 3.0;
        m = Mlp {
            w1,
            b1: ndarray::Array1::zeros(13),
            w2,
            b2: m.b2,
        };
        let mut s = split(4);
        for i in [8usize, 18] {
            s.images[i * crate::data::PIXELS + 30] = 255;
        }
        (m, s)
    }

    #[test]
    fn a_mistake_is_drawn_beside_its_nearest_correct_image() {
        let (m, s) = contrast_fixture();
        let r = mistakes(&m, &activations(&m, &s), &s);
        let x = &r.mistakes[0];
        let Some(j) = x.nearest_correct else {
            panic!("the fixture has a correct 8")
        };
        let views: Vec<PairView> = x
            .contrast
            .iter()
            .filter_map(|d| crate::kv::pair::pair_view(&m, d.pair))
            .collect();
        let f = mistake_contrast("mistake-28", x, s.image(x.index), s.image(j), &views);
        assert_sound(&f);
        assert_eq!(
            f.to_svg_string(),
            mistake_contrast("mistake-28", x, s.image(x.index), s.image(j), &views).to_svg_string()
        );
        assert!(
            f.description
                .starts_with("Test image 28, an 8, is read as 3.")
                && f.description
                    .contains(&format!("nearest correctly read 8 is test image {j}"))
                && f.description.contains(
                    "pair 12 (activation 0.00 here, 1.00 there) moves the margin toward 3 by +3.00"
                ),
            "{}",
            f.description
        );
        let f = crate::figures::testing::assert_slide(|| {
            mistake_contrast_slide("mistake-28-slide", x, s.image(x.index), s.image(j), &views)
        });
        let svg = f.to_svg_string();
        assert!(
            svg.contains("an 8, read as 3") && svg.contains(">\n+3.00\n<"),
            "{svg}"
        );
        // Without a correct image of the digit there is nothing to contrast.
        let mut lone = x.clone();
        lone.nearest_correct = None;
        lone.contrast.clear();
        let f = mistake_contrast("mistake-lone", &lone, s.image(x.index), &[], &[]);
        assert_sound(&f);
        assert!(
            f.description.contains("nothing to contrast"),
            "{}",
            f.description
        );
    }
}
