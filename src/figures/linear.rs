//! Views from the net's piecewise linearity and from training: the ten
//! effective templates of one image (its on/off pattern fixed), one key at
//! initialisation and after training, and how far all keys moved. Draws what
//! `kv::linear` computed.

use super::Figure;
use super::population::{line, nice_step, rect};
use super::style::{self, Variant, num, r, text};
use crate::kv::image::{DIGITS, Prediction};
use crate::kv::linear::{KeyDrift, Templates, cosine_histogram, key_delta};
use svg::node::element::Group;

/// Colour of a signed weight. Screen: the diverging blue/white/red map.
/// Print: a gray ramp that reads without colour, black = most positive
/// (ink that counts for), mid gray = 0, white = most negative.
pub fn weight_colour(v: f64, abs_max: f64, variant: Variant) -> String {
    match variant {
        Variant::Screen => style::diverging(v, abs_max),
        Variant::Print => {
            let t = if abs_max > 0.0 && v.is_finite() {
                (v / abs_max).clamp(-1.0, 1.0)
            } else {
                0.0
            };
            let level = (127.5 - 127.5 * t).round().clamp(0.0, 255.0) as u8;
            format!("#{level:02x}{level:02x}{level:02x}")
        }
    }
}

/// Legend for [`weight_colour`]: the diverging legend on screen, the gray
/// ramp in print.
pub fn weight_legend(
    id: &str,
    x: f64,
    y: f64,
    width: f64,
    abs_max: f64,
    label: &str,
    variant: Variant,
) -> Group {
    match variant {
        Variant::Screen => style::diverging_legend(id, x, y, width, abs_max, label),
        Variant::Print => style::colour_bar(
            id,
            (x, y, width),
            &[(0.0, "#ffffff"), (1.0, "#000000")],
            &style::signed_ticks(abs_max),
            label,
        ),
    }
}

/// A 28 × 28 weight heatmap in the variant's colours, with the thin frame.
fn heatmap(values: &[f64], x: f64, y: f64, cell: f64, abs_max: f64, variant: Variant) -> Group {
    style::grid(values, 28, x, y, cell, |v| {
        weight_colour(v, abs_max, variant)
    })
}

fn abs_max<'a>(values: impl IntoIterator<Item = &'a f64>) -> f64 {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(0.0, |m: f64, v| m.max(v.abs()))
}

/// Colour scale for many weights: the 99th percentile of |w| (the largest
/// |w| when that is 0), so a few extreme pixels do not wash out the rest;
/// stronger weights are drawn at full colour.
fn robust_scale<'a>(values: impl IntoIterator<Item = &'a f64>) -> f64 {
    let mut mags: Vec<f64> = values
        .into_iter()
        .filter(|v| v.is_finite())
        .map(|v| v.abs())
        .collect();
    mags.sort_by(f64::total_cmp);
    let at = (mags.len().saturating_sub(1) as f64 * 0.99).floor() as usize;
    match mags.get(at) {
        Some(&v) if v > 0.0 => v,
        _ => mags.last().copied().unwrap_or(0.0),
    }
}

/// Legend wording of the colours, for the notes under a heatmap.
fn colour_words(variant: Variant) -> &'static str {
    match variant {
        Variant::Screen => "red = positive, blue = negative, white = 0",
        Variant::Print => "black = positive, white = negative, mid gray = 0",
    }
}

/// The ten per-digit effective templates of one image (2 × 5 heatmaps on one
/// shared scale): with the image's active pairs fixed, logit_c = constant_c
/// + template_c · pixels. The predicted digit is framed.
pub fn templates(id: &str, t: &Templates, variant: Variant) -> Figure {
    const CELL: f64 = 4.0;
    const SIDE: f64 = 28.0 * CELL;
    const PITCH: f64 = SIDE + 28.0;
    const X0: f64 = 24.0;
    const TOP: f64 = 84.0;
    const LABEL: f64 = 28.0;
    const ROW: f64 = LABEL + SIDE + 30.0;
    let title = "Effective templates of one image";
    let scale = robust_scale(t.templates.iter().flatten());
    let largest = abs_max(t.templates.iter().flatten());
    let prediction = Prediction::of(&t.logits);
    let winners: Vec<usize> = match &prediction {
        Prediction::Unique(d) => vec![*d],
        Prediction::Tie(ds) => ds.clone(),
    };
    let read = match &prediction {
        Prediction::Unique(d) => format!("read as {d}"),
        Prediction::Tie(ds) => format!(
            "a tie between {}",
            ds.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    };
    let logits: Vec<String> = t.logits.iter().map(|&l| num(l, 2)).collect();
    let description = format!(
        "With this image's {} active pairs fixed, each digit's logit is its template times the pixels plus a constant. Logits for 0 to 9: {}; {read}. All ten templates share one colour scale, ±{}{}.",
        t.active.len(),
        logits.join(", "),
        crate::num::fixed(scale, 3),
        if largest > scale {
            format!(
                " (the strongest 1 %, up to {}, at full colour)",
                crate::num::fixed(largest, 3)
            )
        } else {
            String::new()
        }
    );

    let frame_colour = match variant {
        Variant::Screen => style::HIGHLIGHT,
        Variant::Print => style::INK,
    };
    let mut body = Group::new();
    for (c, template) in t.templates.iter().enumerate().take(DIGITS) {
        let (row, col) = (c / 5, c % 5);
        let x = X0 + col as f64 * PITCH;
        let y = TOP + row as f64 * ROW + LABEL;
        let chosen = winners.contains(&c);
        body = body
            .add(text(c.to_string(), x, y - 10.0, style::LARGE, "start").set("font-weight", "bold"))
            .add(text(
                format!("logit {}", num(t.logits[c], 2)),
                x + SIDE / 2.0,
                y + SIDE + 17.0,
                style::SMALL,
                "middle",
            ))
            .add(heatmap(template, x, y, CELL, scale, variant));
        if chosen {
            let word = if winners.len() > 1 {
                "tied"
            } else {
                "predicted"
            };
            body = body
                .add(
                    rect(x - 3.0, y - 3.0, SIDE + 6.0, SIDE + 6.0)
                        .set("fill", "none")
                        .set("stroke", frame_colour)
                        .set("stroke-width", 3),
                )
                .add(
                    text(word, x + 18.0, y - 10.0, style::FONT_SIZE, "start")
                        .set("font-weight", "bold"),
                );
        }
    }
    let header = Group::new()
        .add(text(
            format!(
                "{} active pairs: logit = constant + template · pixels",
                t.active.len()
            ),
            X0,
            28.0,
            style::FONT_SIZE,
            "start",
        ))
        .add(
            text(
                format!("same scale for all ten; {}", colour_words(variant)),
                X0,
                48.0,
                style::SMALL,
                "start",
            )
            .set("fill", style::MUTED),
        )
        .add(weight_legend(
            id,
            X0 + 5.0 * PITCH - 28.0 - 200.0,
            36.0,
            200.0,
            scale,
            if largest > scale {
                match variant {
                    Variant::Screen => "template weight (beyond: full colour)",
                    Variant::Print => "template weight (beyond: black or white)",
                }
            } else {
                "template weight"
            },
            variant,
        ));
    let w = X0 + 5.0 * PITCH - 28.0 + X0;
    let h = TOP + 2.0 * ROW;
    let doc = style::frame(w, h, title, &description)
        .add(header)
        .add(body);
    style::figure(id, title, description, doc)
}

/// One key at initialisation, after training, and the change, with the
/// cosine between the first two. The two keys share one scale; the change
/// has its own.
pub fn key_drift(
    id: &str,
    init_key: &[f32],
    trained_key: &[f32],
    pair: usize,
    cosine: f64,
    variant: Variant,
) -> Figure {
    const CELL: f64 = 5.0;
    const SIDE: f64 = 28.0 * CELL;
    const PITCH: f64 = SIDE + 56.0;
    const X0: f64 = 32.0;
    const TOP: f64 = 76.0;
    let title = format!("Key of pair {pair}: before and after training");
    let init: Vec<f64> = init_key.iter().map(|&w| f64::from(w)).collect();
    let trained: Vec<f64> = trained_key.iter().map(|&w| f64::from(w)).collect();
    let change: Vec<f64> = key_delta(trained_key, init_key)
        .iter()
        .map(|&w| f64::from(w))
        .collect();
    let keys_scale = abs_max(init.iter().chain(&trained));
    let change_scale = abs_max(&change);
    let description = format!(
        "The key of pair {pair} at initialisation and after training, and the change: cosine between the two is {}. Largest weight {} at initialisation, {} after training; largest change {}.",
        num(cosine, 2),
        num(abs_max(&init), 3),
        num(abs_max(&trained), 3),
        num(change_scale, 3)
    );
    let panels: [(&str, &[f64], f64); 3] = [
        ("at initialisation", &init, keys_scale),
        ("after training", &trained, keys_scale),
        ("change (trained − initial)", &change, change_scale),
    ];
    let mut body = Group::new().add(
        text(
            format!("pair {pair}: cosine(initial, trained) = {}", num(cosine, 2)),
            X0,
            30.0,
            style::LARGE,
            "start",
        )
        .set("font-weight", "bold"),
    );
    for (k, (label, values, scale)) in panels.iter().enumerate() {
        let x = X0 + k as f64 * PITCH;
        body = body
            .add(text(*label, x, TOP - 10.0, style::FONT_SIZE, "start"))
            .add(heatmap(values, x, TOP, CELL, *scale, variant));
    }
    let ly = TOP + SIDE + 30.0;
    body = body
        .add(weight_legend(
            &format!("{id}-keys"),
            X0 + SIDE / 2.0 + 8.0,
            ly,
            PITCH + SIDE / 2.0 - 16.0,
            keys_scale,
            "key weight (both keys, one scale)",
            variant,
        ))
        .add(weight_legend(
            &format!("{id}-change"),
            X0 + 2.0 * PITCH,
            ly,
            SIDE,
            change_scale,
            "change",
            variant,
        ))
        .add(
            text(colour_words(variant), X0, ly + 50.0, style::SMALL, "start")
                .set("fill", style::MUTED),
        );
    let w = X0 + 2.0 * PITCH + SIDE + X0 + 16.0;
    let h = ly + 64.0;
    let doc = style::frame(w, h, &title, &description).add(body);
    style::figure(id, &title, description, doc)
}

/// Histogram of the cosine between every trained key and its initial
/// weights, the median marked.
pub fn drift_histogram(id: &str, d: &KeyDrift) -> Figure {
    const X0: f64 = 64.0;
    const TOP: f64 = 48.0;
    const PW: f64 = 520.0;
    const PH: f64 = 200.0;
    let title = "How far the keys moved in training";
    let hist = cosine_histogram(d);
    let n = d.cosines.len();
    let description = if n == 0 {
        "No keys to compare.".to_string()
    } else {
        format!(
            "Cosine between each of the {n} trained keys and its initial weights: median {}, lowest {}, highest {} (1 = the key still points where it started, 0 = nothing of its start is left).",
            num(d.median, 2),
            num(hist.min, 2),
            num(hist.max, 2)
        )
    };
    let bins = hist.counts.len().max(1);
    let hi = hist.lo + bins as f64 * hist.width;
    let sx = |c: f64| X0 + (c - hist.lo) / (hi - hist.lo) * PW;
    let max = hist.counts.iter().copied().max().unwrap_or(0);
    let step = nice_step(max as f64);
    let top = ((max as f64 / step).ceil() * step).max(step);
    let sy = |v: f64| TOP + PH - v / top * PH;

    let mut axis = Group::new();
    let ticks = (top / step).round() as usize;
    for k in 0..=ticks {
        let v = k as f64 * step;
        axis = axis
            .add(line(
                X0,
                sy(v),
                X0 + PW,
                sy(v),
                style::GRID,
                style::HAIRLINE,
            ))
            .add(text(num(v, 0), X0 - 8.0, sy(v) + 4.0, style::SMALL, "end"));
    }
    // Cosine ticks: a round step giving at most about ten labels.
    let span = hi - hist.lo;
    let tick = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
        .into_iter()
        .find(|s| span / s <= 10.0 + 1e-9)
        .unwrap_or(0.5);
    let first = (hist.lo / tick - 1e-9).ceil() as i64;
    let last = (hi / tick + 1e-9).floor() as i64;
    for k in first..=last {
        let c = k as f64 * tick;
        axis = axis
            .add(line(
                sx(c),
                TOP + PH,
                sx(c),
                TOP + PH + 5.0,
                style::INK,
                style::HAIRLINE,
            ))
            .add(text(
                num(c, 2),
                sx(c),
                TOP + PH + 18.0,
                style::SMALL,
                "middle",
            ));
    }
    axis = axis
        .add(line(
            X0,
            TOP + PH,
            X0 + PW,
            TOP + PH,
            style::INK,
            style::HAIRLINE,
        ))
        .add(
            text(
                "cosine(initial key, trained key)",
                X0 + PW / 2.0,
                TOP + PH + 38.0,
                style::FONT_SIZE,
                "middle",
            )
            .set("fill", style::MUTED),
        )
        .add(
            text("pairs", 0.0, 0.0, style::SMALL, "middle")
                .set("fill", style::MUTED)
                .set(
                    "transform",
                    format!(
                        "translate({} {}) rotate(-90)",
                        r(X0 - 40.0),
                        r(TOP + PH / 2.0)
                    ),
                ),
        );
    let mut bars = Group::new().set("shape-rendering", "crispEdges");
    let bw = PW / bins as f64;
    for (b, &count) in hist.counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        bars = bars.add(
            rect(
                X0 + b as f64 * bw + 0.5,
                sy(count as f64),
                bw - 1.0,
                TOP + PH - sy(count as f64),
            )
            .set("fill", style::SERIES_A),
        );
    }
    let mut median = Group::new();
    if n > 0 {
        let mx = sx(d.median);
        median = median
            .add(
                line(mx, TOP - 6.0, mx, TOP + PH, style::INK, style::STROKE)
                    .set("stroke-dasharray", "5 3"),
            )
            .add(
                text(
                    format!("median {}", num(d.median, 2)),
                    mx + if mx > X0 + PW * 0.75 { -6.0 } else { 6.0 },
                    TOP - 8.0,
                    style::FONT_SIZE,
                    if mx > X0 + PW * 0.75 { "end" } else { "start" },
                )
                .set("font-weight", "bold"),
            );
    }
    let w = X0 + PW + 32.0;
    let h = TOP + PH + 56.0;
    let doc = style::frame(w, h, title, &description)
        .add(axis)
        .add(bars)
        .add(median);
    style::figure(id, title, description, doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::PIXELS;
    use crate::figures::testing::assert_sound;
    use crate::kv::linear::templates as analyse;
    use crate::kv::testnet::net;

    fn two() -> Vec<u8> {
        let mut img = vec![0u8; PIXELS];
        img[2] = 255;
        img[20] = 255;
        img
    }

    #[test]
    fn templates_share_one_scale_and_mark_the_prediction() {
        let t = analyse(&net(), &two());
        for variant in [Variant::Screen, Variant::Print] {
            let f = templates("two-templates", &t, variant);
            assert_sound(&f);
            assert_eq!(
                f.to_svg_string(),
                templates("two-templates", &t, variant).to_svg_string()
            );
            assert!(
                f.description.contains("this image's 2 active pairs")
                    && f.description
                        .contains("Logits for 0 to 9: 0.50, 0.50, 2.50, 0.50, 0.50, 0.50, 0.50, 0.50, 0.50, 0.50; read as 2")
                    && f.description.contains("±2.000"),
                "{}",
                f.description
            );
            let s = f.to_svg_string();
            assert_eq!(s.matches(">\npredicted\n<").count(), 1);
            if variant == Variant::Print {
                // Only grays: every fill is #rrggbb with r = g = b.
                for part in s.split("fill=\"#").skip(1) {
                    let hex = &part[..6];
                    assert!(
                        hex[..2] == hex[2..4] && hex[2..4] == hex[4..6],
                        "colour {hex} in print"
                    );
                }
            }
        }
        // A blank image: every logit is 0, a tie between all ten.
        let blank = analyse(&net(), &vec![0u8; PIXELS]);
        let f = templates("blank-templates", &blank, Variant::Screen);
        assert_sound(&f);
        assert!(
            f.description.contains("a tie between 0 and 1 and"),
            "{}",
            f.description
        );
    }

    #[test]
    fn a_key_before_and_after_training_with_its_change() {
        let init: Vec<f32> = (0..PIXELS)
            .map(|p| if p == 5 { 0.5 } else { 0.0 })
            .collect();
        let mut trained = init.clone();
        trained[5] = 1.0;
        trained[6] = -0.25;
        for variant in [Variant::Screen, Variant::Print] {
            let f = key_drift("key-drift-pair-3", &init, &trained, 3, 0.97, variant);
            assert_sound(&f);
            assert_eq!(
                f.to_svg_string(),
                key_drift("key-drift-pair-3", &init, &trained, 3, 0.97, variant).to_svg_string()
            );
            assert!(
                f.description.contains("cosine between the two is 0.97")
                    && f.description.contains("Largest weight 0.500 at initialisation, 1.000 after training; largest change 0.500."),
                "{}",
                f.description
            );
        }
    }

    #[test]
    fn the_drift_histogram_marks_the_median() {
        let d = KeyDrift {
            cosines: vec![0.612, 0.83, 0.84, 0.97, 0.755],
            median: 0.83,
        };
        let f = drift_histogram("key-drift", &d);
        assert_sound(&f);
        assert_eq!(
            f.to_svg_string(),
            drift_histogram("key-drift", &d).to_svg_string()
        );
        assert!(
            f.description.contains("each of the 5 trained keys")
                && f.description
                    .contains("median 0.83, lowest 0.61, highest 0.97"),
            "{}",
            f.description
        );
        assert!(f.to_svg_string().contains(">\nmedian 0.83\n<"));
        let real = crate::kv::linear::key_drift(&net(), &net());
        assert_sound(&drift_histogram("key-drift-same", &real));
        let empty = drift_histogram(
            "key-drift-none",
            &KeyDrift {
                cosines: vec![],
                median: 0.0,
            },
        );
        assert_sound(&empty);
        assert_eq!(empty.description, "No keys to compare.");
    }

    #[test]
    fn the_template_scale_ignores_the_extreme_percent() {
        let mut v: Vec<f64> = (0..200).map(|i| f64::from(i % 10) / 10.0).collect();
        v.push(-50.0);
        v.push(40.0);
        assert_eq!(robust_scale(&v), 0.9);
        assert_eq!(robust_scale(&[0.0, 0.0, 3.0]), 3.0);
        assert_eq!(robust_scale(&[]), 0.0);
    }

    #[test]
    fn print_weights_are_a_gray_ramp() {
        assert_eq!(weight_colour(1.0, 1.0, Variant::Print), "#000000");
        assert_eq!(weight_colour(-1.0, 1.0, Variant::Print), "#ffffff");
        assert_eq!(weight_colour(0.0, 1.0, Variant::Print), "#808080");
        assert_eq!(weight_colour(0.0, 1.0, Variant::Screen), "#ffffff");
    }
}
