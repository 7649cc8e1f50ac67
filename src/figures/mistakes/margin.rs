//! One misread image in a compact card for a gallery of mistakes: the
//! image, what it is and what it was read as, and a horizontal waterfall of
//! its margin (logit of the network's answer − logit of the true digit):
//! b2's share, the top pairs by their share, the rest, and the margin they
//! add up to exactly.

use crate::figures::Figure;
use crate::figures::chart::{framed, line, rect};
use crate::figures::digitkit::a_digit;
use crate::figures::style::{self, num, signed, text};
use crate::kv::image::MarginAccount;
use svg::node::element::Group;

/// Pixels per MNIST pixel of the image, and its side.
const IMG: f64 = 3.0;
const IMG_W: f64 = 28.0 * IMG;
const X0: f64 = 16.0;
/// Right edge of the row labels, the bar area, and the numbers' right edge.
const LABEL_X: f64 = X0 + IMG_W + 118.0;
const BAR_X: f64 = LABEL_X + 12.0;
const BAR_W: f64 = 150.0;
const NUM_X: f64 = BAR_X + BAR_W + 56.0;
const WIDTH: f64 = NUM_X + 16.0;
/// Top of the first row, and a row's height.
const Y0: f64 = 60.0;
const ROW: f64 = 26.0;

/// One row: label, running value before and after, what it adds.
struct Row {
    label: String,
    from: f64,
    to: f64,
    total: bool,
}

fn rows(m: &MarginAccount, top: usize) -> Vec<Row> {
    let t = m.top(top);
    let mut out = vec![Row {
        label: "output bias b2".to_string(),
        from: 0.0,
        to: m.b2_share,
        total: false,
    }];
    let mut run = m.b2_share;
    for s in &t.top {
        out.push(Row {
            label: format!("pair {}", s.pair),
            from: run,
            to: run + s.share,
            total: false,
        });
        run += s.share;
    }
    out.push(Row {
        label: format!(
            "rest ({} pair{})",
            t.rest_pairs,
            if t.rest_pairs == 1 { "" } else { "s" }
        ),
        from: run,
        to: run + t.rest,
        total: false,
    });
    out.push(Row {
        label: format!("= margin {} − {}", m.predicted, m.truth),
        from: 0.0,
        to: m.margin,
        total: true,
    });
    out
}

/// The card of a misread image named `name` ("test image 247").
pub(crate) fn margin_card(
    id: &str,
    name: &str,
    m: &MarginAccount,
    pixels: &[u8],
    top: usize,
) -> Figure {
    let (p, t) = (m.predicted, m.truth);
    let title = format!("Why {name}, {}, is read as {p}", a_digit(t));
    let rows = rows(m, top);
    let shares: Vec<String> = rows[1..rows.len() - 2]
        .iter()
        .map(|row| format!("{} {}", row.label, signed(row.to - row.from, 2)))
        .collect();
    let rest = &rows[rows.len() - 2];
    let left = m.top(top).rest_pairs;
    let description = format!(
        "{name} is {} that the network reads as {p}. The margin of {p} over the true digit {t} is {}: the output bias b2 gives {}, the top {} pairs by their share give {}, and the other {left} active pair{} give {}.",
        a_digit(t),
        signed(m.margin, 2),
        signed(m.b2_share, 2),
        shares.len(),
        shares.join(", "),
        if left == 1 { "" } else { "s" },
        signed(rest.to - rest.from, 2),
    );
    let lo = rows.iter().flat_map(|r| [r.from, r.to]).fold(0.0, f64::min);
    let hi = rows.iter().flat_map(|r| [r.from, r.to]).fold(0.0, f64::max);
    let span = (hi - lo).max(1e-9);
    let sx = |v: f64| BAR_X + (v - lo) / span * BAR_W;
    let bottom = Y0 + rows.len() as f64 * ROW;
    let height = (bottom + 34.0).max(Y0 + IMG_W + 44.0);
    let mut g = Group::new().add(line(
        sx(0.0),
        Y0 - 6.0,
        sx(0.0),
        bottom,
        style::INK,
        style::HAIRLINE,
    ));
    for (i, row) in rows.iter().enumerate() {
        let y = Y0 + i as f64 * ROW;
        let (x0, x1) = (sx(row.from.min(row.to)), sx(row.from.max(row.to)));
        let adds = row.to - row.from;
        let fill = if row.total {
            style::INK
        } else if adds >= 0.0 {
            style::SERIES_A
        } else {
            style::SERIES_B
        };
        g = g
            .add(rect(x0, y + 4.0, (x1 - x0).max(1.0), ROW - 10.0).set("fill", fill))
            .add({
                let l = text(
                    row.label.clone(),
                    LABEL_X,
                    y + 17.0,
                    style::FONT_SIZE,
                    "end",
                );
                if row.total {
                    l.set("font-weight", "bold")
                } else {
                    l
                }
            })
            .add({
                let s = if row.total {
                    signed(row.to, 2)
                } else {
                    signed(adds, 2)
                };
                let n = text(s, NUM_X, y + 17.0, style::FONT_SIZE, "end");
                if row.total {
                    n.set("font-weight", "bold")
                } else {
                    n
                }
            });
        if i + 2 < rows.len() {
            g = g.add(
                line(
                    sx(row.to),
                    y + ROW - 6.0,
                    sx(row.to),
                    y + ROW + 4.0,
                    style::MUTED,
                    style::HAIRLINE,
                )
                .set("stroke-dasharray", "2 2"),
            );
        }
    }
    let doc = style::frame(WIDTH, height, &title, &description)
        .add(
            text(
                format!("{name}: {}, read as {p}", a_digit(t)),
                X0,
                24.0,
                style::FONT_SIZE + 1.0,
                "start",
            )
            .set("font-weight", "bold"),
        )
        .add(style::muted(
            format!(
                "what each part adds to the margin {p} − {t} (blue: toward {p}, orange: toward {t})"
            ),
            X0,
            44.0,
            "start",
        ))
        .add(image(pixels, X0, Y0))
        .add(style::muted(
            format!("true digit {t}"),
            X0,
            Y0 + IMG_W + 18.0,
            "start",
        ))
        .add(style::muted(
            format!("answer {p}"),
            X0,
            Y0 + IMG_W + 34.0,
            "start",
        ))
        .add(g)
        .add(style::muted(
            format!(
                "b2 + pairs + rest = logit of {p} − logit of {t} = {}",
                num(m.margin, 2)
            ),
            X0,
            bottom + 18.0,
            "start",
        ));
    let mut data = crate::figures::data::Table::new(&["row", "adds", "running"]);
    for row in &rows {
        let adds = if row.total {
            crate::figures::data::Cell::Empty
        } else {
            (row.to - row.from).into()
        };
        data.row(vec![row.label.as_str().into(), adds, row.to.into()]);
    }
    style::figure(id, &title, description, doc, data.data())
}

fn image(pixels: &[u8], x: f64, y: f64) -> Group {
    let values: Vec<f64> = pixels.iter().take(784).map(|&p| f64::from(p)).collect();
    style::grid(&values, 28, x, y, IMG, |v| {
        style::ink(v.clamp(0.0, 255.0).round() as u8)
    })
    .add(framed(x, y, IMG_W, IMG_W))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::image::analyse;
    use crate::kv::testnet;

    #[test]
    fn the_card_adds_up_to_the_margin_against_the_true_digit() {
        // The test net reads every 8 as 3 (pair 8 votes 2 for 3).
        let m = testnet::net();
        let s = testnet::split(1);
        let a = analyse(&m, s.image(8), Some(8));
        let acc = a.margin_account().expect("misread");
        let f = margin_card("mc", "test image 8", &acc, s.image(8), 3);
        assert_sound(&f);
        assert!(
            f.description.contains("an 8 that the network reads as 3"),
            "{}",
            f.description
        );
        assert!(
            f.description
                .contains("margin of 3 over the true digit 8 is +2.00"),
            "{}",
            f.description
        );
        assert!(f.description.contains("pair 8 +2.00"), "{}", f.description);
        let svg = f.to_svg_string();
        assert!(svg.contains("= margin 3 − 8"), "{svg}");
        assert_eq!(
            svg,
            margin_card("mc", "test image 8", &acc, s.image(8), 3).to_svg_string()
        );
    }
}
