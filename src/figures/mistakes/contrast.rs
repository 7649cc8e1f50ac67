//! One misread test image beside the nearest correctly read image of its
//! digit, and a table of the pairs whose activations differ most: their
//! keys, their activation in each image, their vote, and a bar for how far
//! each moves the margin between the digit read and the true digit.

use super::a_digit;
use crate::figures::Figure;
use crate::figures::chart::{framed, line, rect};
use crate::figures::style::{self, num, signed, text};
use crate::kv::image::DIGITS;
use crate::kv::mistakes::{Mistake, PairDifference};
use crate::kv::pair::PairView;
use svg::node::element::Group;

/// Pixels per MNIST pixel of the two images, and their side.
const IMG: f64 = 5.0;
const IMG_W: f64 = 28.0 * IMG;
const X0: f64 = 24.0;
/// Pixels per key weight in the table, and a key's side.
const KEY: f64 = 2.5;
const KEY_W: f64 = 28.0 * KEY;
/// Height of one table row.
const ROW: f64 = 84.0;
/// Left edge of the table, and of its bars.
const TX: f64 = X0 + IMG_W + 48.0;
const BAR_X: f64 = TX + 410.0;
const BAR_W: f64 = 200.0;
/// Baseline of the table's header.
const HY: f64 = 40.0;
/// Top of the second image.
const SECOND_Y: f64 = 50.0 + IMG_W + 70.0;

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
pub(crate) fn mistake_contrast(
    id: &str,
    mistake: &Mistake,
    pixels: &[u8],
    nearest_pixels: &[u8],
    views: &[PairView],
) -> Figure {
    let (t, p) = (mistake.label, mistake.predicted);
    let title = format!("Why test image {} is read as {p}, not {t}", mistake.index);
    let nearest = mistake
        .nearest_correct
        .filter(|_| nearest_pixels.len() >= 784);
    let description = describe(mistake, nearest);
    let (table, table_bottom) = table(mistake, nearest, views);
    let ny = table_bottom.max(SECOND_Y + IMG_W + 40.0) + 8.0;
    let (w, h) = (BAR_X + BAR_W + 24.0, ny + 30.0);
    let doc = style::frame(w, h, &title, &description)
        .add(images(mistake, pixels, nearest_pixels, nearest))
        .add(table)
        .add(notes(mistake, ny));
    let data = data(mistake, pixels, nearest_pixels, views);
    style::figure(id, &title, description, doc, data)
}

/// The mistake as analysed (pushes, the nearest correct image, the
/// contrast of activations), both images' pixels and the keys drawn.
fn data(
    mistake: &Mistake,
    pixels: &[u8],
    nearest_pixels: &[u8],
    views: &[PairView],
) -> crate::figures::data::FigureData {
    use crate::figures::data::{FigureData, j32s, obj};
    use serde_json::Value;
    let bytes = |p: &[u8]| Value::Array(p.iter().map(|&b| Value::from(b)).collect());
    let keys = views
        .iter()
        .map(|v| obj(vec![("pair", v.pair.into()), ("key", j32s(&v.key))]))
        .collect();
    FigureData::Json(obj(vec![
        (
            "mistake",
            serde_json::to_value(mistake).unwrap_or(Value::Null),
        ),
        ("pixels", bytes(pixels)),
        ("nearest_pixels", bytes(nearest_pixels)),
        ("keys", Value::Array(keys)),
    ]))
}

fn describe(mistake: &Mistake, nearest: Option<usize>) -> String {
    let (t, p) = (mistake.label, mistake.predicted);
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
    match nearest {
        Some(j) => format!(
            "Test image {}, {}, is read as {p}. The nearest correctly read {t} is test image {j} (pixel distance {}). The pairs whose activations differ most: {}.",
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
            "Test image {}, {}, is read as {p}. No {t} in the test set is read correctly, so there is nothing to contrast it with.",
            mistake.index,
            a_digit(t)
        ),
    }
}

/// Left: the misread image, and under it the nearest right one (or a note
/// that there is none).
fn images(
    mistake: &Mistake,
    pixels: &[u8],
    nearest_pixels: &[u8],
    nearest: Option<usize>,
) -> Group {
    let (t, p) = (mistake.label, mistake.predicted);
    let images = Group::new()
        .add(
            text(
                format!("test image {}", mistake.index),
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
    match nearest {
        Some(j) => images
            .add(
                text(
                    format!("twin: nearest right {t}"),
                    X0,
                    SECOND_Y - 10.0,
                    style::FONT_SIZE,
                    "start",
                )
                .set("font-weight", "bold"),
            )
            .add(digit_image(nearest_pixels, X0, SECOND_Y, IMG))
            .add(text(
                format!("test image {j}"),
                X0,
                SECOND_Y + IMG_W + 18.0,
                style::FONT_SIZE,
                "start",
            ))
            .add(text(
                format!("pixel distance {}", num(mistake.distance, 2)),
                X0,
                SECOND_Y + IMG_W + 34.0,
                style::FONT_SIZE,
                "start",
            )),
        None => images.add(
            text(
                format!("no {t} read correctly"),
                X0,
                SECOND_Y + 20.0,
                style::FONT_SIZE,
                "start",
            )
            .set("fill", style::MUTED),
        ),
    }
}

/// The column names of the table.
fn header(mistake: &Mistake, nearest: Option<usize>) -> Group {
    let (t, p) = (mistake.label, mistake.predicted);
    Group::new()
        .add(style::muted("pair and its key", TX, HY, "start"))
        .add(style::muted("activation", TX + 250.0, HY - 14.0, "middle"))
        .add(style::muted("mistake", TX + 210.0, HY, "middle"))
        .add(style::muted(
            nearest.map_or("—".to_string(), |_| "twin".to_string()),
            TX + 290.0,
            HY,
            "middle",
        ))
        .add(style::muted(
            format!("votes {p} − {t}"),
            TX + 370.0,
            HY,
            "middle",
        ))
        .add(style::muted(
            format!("moves the margin {p} − {t} by"),
            BAR_X + BAR_W / 2.0,
            HY,
            "middle",
        ))
}

/// Where the margin bars start and how long the longest is.
struct Bars {
    /// Largest |margin change|.
    scale: f64,
    zero_x: f64,
    half: f64,
}

impl Bars {
    fn of(mistake: &Mistake) -> Bars {
        let scale = mistake
            .contrast
            .iter()
            .map(|d| d.margin_change.abs())
            .fold(0.0, f64::max);
        let any_negative = mistake.contrast.iter().any(|d| d.margin_change < 0.0);
        let (zero_x, half) = if any_negative {
            (BAR_X + BAR_W / 2.0, BAR_W / 2.0 - 36.0)
        } else {
            (BAR_X, BAR_W - 44.0)
        };
        Bars {
            scale,
            zero_x,
            half,
        }
    }
}

/// Right: the header, one row per pair, the zero line of the bars; and the
/// bottom of the rows.
fn table(mistake: &Mistake, nearest: Option<usize>, views: &[PairView]) -> (Group, f64) {
    let bars = Bars::of(mistake);
    let mut table = header(mistake, nearest);
    for (k, d) in mistake.contrast.iter().enumerate() {
        table = row(table, mistake, k, d, views, &bars);
    }
    let n = mistake.contrast.len().max(1) as f64;
    let table_bottom = HY + 12.0 + n * ROW;
    table = table.add(line(
        bars.zero_x,
        HY + 8.0,
        bars.zero_x,
        table_bottom - ROW + KEY_W + 4.0,
        style::INK,
        style::HAIRLINE,
    ));
    if mistake.contrast.is_empty() {
        table = table.add(
            text(
                "no pair to contrast",
                TX,
                HY + 40.0,
                style::FONT_SIZE,
                "start",
            )
            .set("fill", style::MUTED),
        );
    }
    (table, table_bottom)
}

/// Adds row `k` of the table: the pair's vote, its key (or an empty frame),
/// its name, its two activations and its margin bar.
fn row(
    table: Group,
    mistake: &Mistake,
    k: usize,
    d: &PairDifference,
    views: &[PairView],
    bars: &Bars,
) -> Group {
    let (t, p) = (mistake.label, mistake.predicted);
    let y = HY + 12.0 + k as f64 * ROW;
    let mid = y + KEY_W / 2.0;
    let key = views.iter().find(|v| v.pair == d.pair);
    let mut table = table;
    if let Some(v) = key {
        let vote = f64::from(v.value[usize::from(p) % DIGITS] - v.value[usize::from(t) % DIGITS]);
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
        None => table.add(framed(TX, y, KEY_W, KEY_W)),
    };
    let len = if bars.scale > 0.0 {
        d.margin_change.abs() / bars.scale * bars.half
    } else {
        0.0
    };
    let zero_x = bars.zero_x;
    let (bx, colour, anchor, tx) = if d.margin_change >= 0.0 {
        (zero_x, style::SERIES_B, "start", zero_x + len + 4.0)
    } else {
        (zero_x - len, style::SERIES_A, "end", zero_x - len - 4.0)
    };
    table
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
        ))
}

/// How the margin change is computed, and how keys are coloured.
fn notes(mistake: &Mistake, ny: f64) -> Group {
    let (t, p) = (mistake.label, mistake.predicted);
    Group::new()
        .add(style::muted(
            format!(
                "Margin change = (activation in the mistake − activation in the twin) × (vote for {p} − vote for {t}); positive pushes toward {p}."),
            X0,
            ny,
            "start",
        ))
        .add(style::muted(
            "Keys: red = positive weight, blue = negative, white = 0; each key on its own scale.",
            X0,
            ny + 18.0,
            "start",
        ))
}

/// The slide layout of [`mistake_contrast`] (issue 23): the two images
/// stacked on the left, and for each pair one row at slide size: its
/// activation in the mistake and in the twin, its vote for the answer over
/// the true digit, and the bar of how far it moves the margin. The keys and
/// the formula stay on the page variant (the deck's notes say the formula).
pub(crate) fn mistake_contrast_slide(
    id: &str,
    mistake: &Mistake,
    pixels: &[u8],
    nearest_pixels: &[u8],
    views: &[PairView],
) -> Figure {
    const T: f64 = style::SLIDE_TEXT;
    const S: f64 = 22.0;
    const CELL: f64 = 6.0;
    const SIDE: f64 = 28.0 * CELL;
    const ROW: f64 = 68.0;
    let (t, p) = (mistake.label, mistake.predicted);
    let title = format!("Why test image {} is read as {p}, not {t}", mistake.index);
    let nearest = mistake
        .nearest_correct
        .filter(|_| nearest_pixels.len() >= 784);
    let description = describe(mistake, nearest);
    let mut g = Group::new()
        .add(
            text(format!("{}, read as {p}", a_digit(t)), 0.0, S, S, "start")
                .set("font-weight", "bold"),
        )
        .add(digit_image(pixels, 0.0, S + 8.0, CELL));
    let y2 = S + 8.0 + SIDE + 24.0 + S;
    g = match nearest {
        Some(_) => g
            .add(text(format!("twin, read as {t}"), 0.0, y2, S, "start").set("font-weight", "bold"))
            .add(digit_image(nearest_pixels, 0.0, y2 + 8.0, CELL)),
        None => g.add(text(format!("no {t} read correctly"), 0.0, y2, S, "start")),
    };
    // The table: column centres, the bars' zero and longest length.
    let (c_pair, c_here, c_twin, c_vote) = (300.0, 420.0, 530.0, 660.0);
    let zero_x = 770.0;
    let scale = mistake
        .contrast
        .iter()
        .map(|d| d.margin_change.abs())
        .fold(0.0, f64::max);
    let any_negative = mistake.contrast.iter().any(|d| d.margin_change < 0.0);
    let (zero_x, half) = if any_negative {
        (zero_x + 130.0, 130.0)
    } else {
        (zero_x, 230.0)
    };
    let hy = S;
    g = g
        .add(
            text("activation", (c_here + c_twin) / 2.0, hy, S, "middle").set("font-weight", "bold"),
        )
        .add(text("pair", c_pair, hy + S * 1.3, S, "middle").set("font-weight", "bold"))
        .add(text("mistake", c_here, hy + S * 1.3, S, "middle"))
        .add(text("twin", c_twin, hy + S * 1.3, S, "middle"))
        .add(
            text(
                format!("votes {p} − {t}"),
                c_vote,
                hy + S * 1.3,
                S,
                "middle",
            )
            .set("font-weight", "bold"),
        )
        .add(
            text(
                format!("moves the margin {p} − {t} by"),
                zero_x - 10.0,
                hy + S * 1.3,
                S,
                "start",
            )
            .set("font-weight", "bold"),
        );
    let top = hy + S * 1.3 + 16.0;
    for (k, d) in mistake.contrast.iter().enumerate() {
        let mid = top + ROW * (k as f64 + 0.5);
        let base = mid + T * 0.35;
        if let Some(v) = views.iter().find(|v| v.pair == d.pair) {
            let vote =
                f64::from(v.value[usize::from(p) % DIGITS] - v.value[usize::from(t) % DIGITS]);
            g = g.add(text(signed(vote, 2), c_vote, base, T, "middle"));
        }
        let len = if scale > 0.0 {
            d.margin_change.abs() / scale * half
        } else {
            0.0
        };
        let (bx, colour, anchor, tx) = if d.margin_change >= 0.0 {
            (zero_x, style::SERIES_B, "start", zero_x + len + 8.0)
        } else {
            (zero_x - len, style::SERIES_A, "end", zero_x - len - 8.0)
        };
        g = g
            .add(text(d.pair.to_string(), c_pair, base, T, "middle").set("font-weight", "bold"))
            .add(text(
                num(d.activation_mistake, 2),
                c_here,
                base,
                T,
                "middle",
            ))
            .add(text(
                num(d.activation_nearest, 2),
                c_twin,
                base,
                T,
                "middle",
            ))
            .add(rect(bx, mid - 16.0, len, 32.0).set("fill", colour))
            .add(text(signed(d.margin_change, 2), tx, base, T, anchor));
    }
    let n = mistake.contrast.len().max(1) as f64;
    let bottom = top + n * ROW;
    g = g.add(line(
        zero_x,
        top,
        zero_x,
        bottom,
        style::INK,
        style::HAIRLINE,
    ));
    if mistake.contrast.is_empty() {
        g = g.add(text("no pair to contrast", c_pair, top + T, T, "start"));
    }
    let w = zero_x + half + 110.0 + 2.0 * X0;
    let h = bottom.max(y2 + 8.0 + SIDE) + X0 * 2.0;
    let doc = style::frame(w, h, &title, &description).add(crate::figures::digitkit::at(g, X0, X0));
    let data = data(mistake, pixels, nearest_pixels, views);
    style::figure(id, &title, description, doc, data)
}
