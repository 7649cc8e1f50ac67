//! Mistakes on the test set: the confusion matrix, and one misread image
//! beside the nearest correctly read image of its digit with the pairs whose
//! activations differ most. Draws what `kv::mistakes` computed.

use super::Figure;
use super::population::{NEUTRAL, ink_on, line, plural, rect, sequential};
use super::style::{self, num, r, signed, text};
use crate::kv::image::DIGITS;
use crate::kv::mistakes::{Mistake, Mistakes, confusion_summary};
use crate::kv::pair::PairView;
use crate::num::{grouped, percent};
use svg::node::element::Group;

/// How many of the most frequent mistakes the confusion figure names.
const NAMED: usize = 3;

/// 10 × 10 confusion matrix: true digit per row, the digit read per column,
/// counts written; mistakes shaded by count, the diagonal in a neutral tone.
pub fn confusion(id: &str, m: &Mistakes) -> Figure {
    const C: f64 = 40.0;
    const GX: f64 = 84.0;
    const GY: f64 = 64.0;
    let side = C * DIGITS as f64;
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
            cells = cells.add(
                rect(x, y, C, C)
                    .set("fill", fill)
                    .set("stroke", style::GRID)
                    .set("stroke-width", style::HAIRLINE),
            );
            if n > 0 || t == p {
                let label = text(
                    n.to_string(),
                    x + C / 2.0,
                    y + C / 2.0 + 4.5,
                    12.0,
                    "middle",
                )
                .set("fill", ink);
                counts = counts.add(if t == p {
                    label.set("font-weight", "bold")
                } else {
                    label
                });
            }
        }
    }
    let mut axes = Group::new()
        .add(
            rect(GX, GY, side, side)
                .set("fill", "none")
                .set("stroke", style::FRAME)
                .set("stroke-width", style::HAIRLINE),
        )
        .add(
            text(
                "read as …",
                GX + side / 2.0,
                GY - 32.0,
                style::FONT_SIZE,
                "middle",
            )
            .set("font-weight", "bold"),
        )
        .add(
            text("true digit …", 0.0, 0.0, style::FONT_SIZE, "middle")
                .set("font-weight", "bold")
                .set(
                    "transform",
                    format!(
                        "translate({} {}) rotate(-90)",
                        r(GX - 48.0),
                        r(GY + side / 2.0)
                    ),
                ),
        )
        .add(
            text(
                "correct",
                GX + side + 36.0,
                GY - 12.0,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        );
    for d in 0..DIGITS {
        let centre = d as f64 * C + C / 2.0;
        axes = axes
            .add(text(
                d.to_string(),
                GX + centre,
                GY - 10.0,
                style::FONT_SIZE,
                "middle",
            ))
            .add(text(
                d.to_string(),
                GX - 12.0,
                GY + centre + 4.5,
                style::FONT_SIZE,
                "end",
            ))
            .add(
                text(
                    format!("{} %", percent(m.per_digit_accuracy[d], 1)),
                    GX + side + 62.0,
                    GY + centre + 4.0,
                    style::SMALL,
                    "end",
                )
                .set("fill", style::MUTED),
            );
    }
    let ny = GY + side + 28.0;
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
    let (w, h) = (GX + side + 92.0, ny + 36.0);
    let doc = style::frame(w, h, title, &description)
        .add(cells)
        .add(counts)
        .add(axes)
        .add(notes);
    style::figure(id, title, description, doc)
}

/// "a 7", "an 8".
fn a_digit(d: u8) -> String {
    if d == 8 {
        "an 8".to_string()
    } else {
        format!("a {d}")
    }
}

/// A 28 × 28 grayscale digit with a thin frame.
fn digit_image(pixels: &[u8], x: f64, y: f64, cell: f64) -> Group {
    let values: Vec<f64> = pixels.iter().take(784).map(|&p| f64::from(p)).collect();
    style::grid(&values, 28, x, y, cell, |v| {
        style::ink(v.clamp(0.0, 255.0).round() as u8)
    })
}

/// The misread image beside the nearest correctly read image of its digit,
/// and the pairs whose different activations explain most of the difference:
/// their keys, their activation in each image, and how far each moves the
/// margin between the digit read and the true digit.
pub fn mistake_contrast(
    id: &str,
    mistake: &Mistake,
    pixels: &[u8],
    nearest_pixels: &[u8],
    views: &[PairView],
) -> Figure {
    const IMG: f64 = 5.0;
    const IMG_W: f64 = 28.0 * IMG;
    const X0: f64 = 24.0;
    const KEY: f64 = 2.5;
    const KEY_W: f64 = 28.0 * KEY;
    const ROW: f64 = 84.0;
    const TX: f64 = X0 + IMG_W + 48.0;
    const BAR_X: f64 = TX + 410.0;
    const BAR_W: f64 = 200.0;
    let (t, p) = (mistake.label, mistake.predicted);
    let title = format!("Why test image #{} is read as {p}, not {t}", mistake.index);
    let nearest = mistake
        .nearest_correct
        .filter(|_| nearest_pixels.len() >= 784);

    let rows: Vec<String> = mistake
        .contrast
        .iter()
        .map(|d| {
            format!(
                "pair {} (activation {} here, {} there) moves the margin toward {p} by {}",
                d.pair,
                num(d.activation_mistake, 2),
                num(d.activation_nearest, 2),
                signed(d.margin_change, 2)
            )
        })
        .collect();
    let description = match nearest {
        Some(j) => format!(
            "Test image #{}, {}, is read as {p}. The nearest correctly read {t} is #{j} (pixel distance {}). The pairs whose activations differ most: {}.",
            mistake.index,
            a_digit(t),
            num(mistake.distance, 2),
            if rows.is_empty() {
                "none".to_string()
            } else {
                rows.join("; ")
            }
        ),
        None => format!(
            "Test image #{}, {}, is read as {p}. No {t} in the test set is read correctly, so there is nothing to contrast it with.",
            mistake.index,
            a_digit(t)
        ),
    };

    // Left: the two images.
    let mut images = Group::new()
        .add(
            text(
                format!("test image #{}", mistake.index),
                X0,
                40.0,
                style::FONT_SIZE,
                "start",
            )
            .set("font-weight", "bold"),
        )
        .add(digit_image(pixels, X0, 50.0, IMG))
        .add(text(
            format!("{}, read as {p}", a_digit(t)),
            X0,
            50.0 + IMG_W + 18.0,
            style::FONT_SIZE,
            "start",
        ));
    let second_y = 50.0 + IMG_W + 70.0;
    match nearest {
        Some(j) => {
            images = images
                .add(
                    text(
                        format!("nearest right {t}: #{j}"),
                        X0,
                        second_y - 10.0,
                        style::FONT_SIZE,
                        "start",
                    )
                    .set("font-weight", "bold"),
                )
                .add(digit_image(nearest_pixels, X0, second_y, IMG))
                .add(text(
                    format!("pixel distance {}", num(mistake.distance, 2)),
                    X0,
                    second_y + IMG_W + 18.0,
                    style::FONT_SIZE,
                    "start",
                ));
        }
        None => {
            images = images.add(
                text(
                    format!("no {t} read correctly"),
                    X0,
                    second_y + 20.0,
                    style::FONT_SIZE,
                    "start",
                )
                .set("fill", style::MUTED),
            );
        }
    }

    // Right: one row per pair.
    let hy = 40.0;
    let mut table = Group::new()
        .add(text("pair and its key", TX, hy, style::SMALL, "start").set("fill", style::MUTED))
        .add(
            text("activation", TX + 250.0, hy - 14.0, style::SMALL, "middle")
                .set("fill", style::MUTED),
        )
        .add(
            text(
                format!("#{}", mistake.index),
                TX + 210.0,
                hy,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        )
        .add(
            text(
                nearest.map_or("—".to_string(), |j| format!("#{j}")),
                TX + 290.0,
                hy,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        )
        .add(
            text(
                format!("votes {p} − {t}"),
                TX + 370.0,
                hy,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        )
        .add(
            text(
                format!("moves the margin {p} − {t} by"),
                BAR_X + BAR_W / 2.0,
                hy,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        );
    let scale = mistake
        .contrast
        .iter()
        .map(|d| d.margin_change.abs())
        .fold(0.0, f64::max);
    let any_negative = mistake.contrast.iter().any(|d| d.margin_change < 0.0);
    let zero_x = if any_negative {
        BAR_X + BAR_W / 2.0
    } else {
        BAR_X
    };
    let half = if any_negative {
        BAR_W / 2.0 - 36.0
    } else {
        BAR_W - 44.0
    };
    for (k, d) in mistake.contrast.iter().enumerate() {
        let y = hy + 12.0 + k as f64 * ROW;
        let mid = y + KEY_W / 2.0;
        let key = views.iter().find(|v| v.pair == d.pair);
        if let Some(v) = key {
            let vote =
                f64::from(v.value[usize::from(p) % DIGITS] - v.value[usize::from(t) % DIGITS]);
            table = table.add(text(
                signed(vote, 2),
                TX + 370.0,
                mid + 4.5,
                style::FONT_SIZE,
                "middle",
            ));
        }
        table = match key {
            Some(v) => {
                let values: Vec<f64> = v.key.iter().map(|&w| f64::from(w)).collect();
                let abs_max = f64::from(v.key_abs_max);
                table.add(style::grid(&values, 28, TX, y, KEY, |w| {
                    style::diverging(w, abs_max)
                }))
            }
            None => table.add(
                rect(TX, y, KEY_W, KEY_W)
                    .set("fill", "none")
                    .set("stroke", style::FRAME)
                    .set("stroke-width", style::HAIRLINE),
            ),
        };
        let len = if scale > 0.0 {
            d.margin_change.abs() / scale * half
        } else {
            0.0
        };
        let (bx, colour, anchor, tx) = if d.margin_change >= 0.0 {
            (zero_x, style::SERIES_B, "start", zero_x + len + 4.0)
        } else {
            (zero_x - len, style::SERIES_A, "end", zero_x - len - 4.0)
        };
        table = table
            .add(text(
                format!("pair {}", d.pair),
                TX + KEY_W + 10.0,
                mid + 4.5,
                style::FONT_SIZE,
                "start",
            ))
            .add(text(
                num(d.activation_mistake, 2),
                TX + 210.0,
                mid + 4.5,
                style::FONT_SIZE,
                "middle",
            ))
            .add(text(
                num(d.activation_nearest, 2),
                TX + 290.0,
                mid + 4.5,
                style::FONT_SIZE,
                "middle",
            ))
            .add(rect(bx, mid - 9.0, len, 18.0).set("fill", colour))
            .add(text(
                signed(d.margin_change, 2),
                tx,
                mid + 4.5,
                style::FONT_SIZE,
                anchor,
            ));
    }
    let n = mistake.contrast.len().max(1) as f64;
    let table_bottom = hy + 12.0 + n * ROW;
    table = table.add(line(
        zero_x,
        hy + 8.0,
        zero_x,
        table_bottom - ROW + KEY_W + 4.0,
        style::INK,
        style::HAIRLINE,
    ));
    if mistake.contrast.is_empty() {
        table = table.add(
            text(
                "no pair to contrast",
                TX,
                hy + 40.0,
                style::FONT_SIZE,
                "start",
            )
            .set("fill", style::MUTED),
        );
    }
    let ny = table_bottom.max(second_y + IMG_W + 40.0) + 8.0;
    let notes = Group::new()
        .add(
            text(
                format!(
                    "Margin change = (activation in #{} − activation in the nearest right {t}) × (vote for {p} − vote for {t}); positive pushes toward {p}.",
                    mistake.index
                ),
                X0,
                ny,
                style::SMALL,
                "start",
            )
            .set("fill", style::MUTED),
        )
        .add(
            text(
                "Keys: red = positive weight, blue = negative, white = 0; each key on its own scale.",
                X0,
                ny + 18.0,
                style::SMALL,
                "start",
            )
            .set("fill", style::MUTED),
        );
    let (w, h) = (BAR_X + BAR_W + 24.0, ny + 30.0);
    let doc = style::frame(w, h, &title, &description)
        .add(images)
        .add(table)
        .add(notes);
    style::figure(id, &title, description, doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::mistakes::mistakes;
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
                .starts_with("Test image #28, an 8, is read as 3.")
                && f.description
                    .contains(&format!("nearest correctly read 8 is #{j}"))
                && f.description.contains(
                    "pair 12 (activation 0.00 here, 1.00 there) moves the margin toward 3 by +3.00"
                ),
            "{}",
            f.description
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
