//! Views from the net's piecewise linearity and from training: the ten
//! effective templates of one image (its on/off pattern fixed; in
//! `templates`), one key at initialisation and after training, and how far
//! all keys moved (in `drift`). Draws what `kv::linear` computed; this file
//! holds the weight colours, legends and scales they share.

use super::style::{self, Variant};
use svg::node::element::Group;

mod drift;
mod templates;

pub(crate) use drift::{drift_histogram, key_drift};
pub(crate) use templates::templates;

/// Colour of a signed weight. Screen: the diverging blue/white/red map.
/// Print: a gray ramp that reads without colour, black = most positive
/// (ink that counts for), mid gray = 0, white = most negative.
pub(crate) fn weight_colour(v: f64, abs_max: f64, variant: Variant) -> String {
    match variant {
        Variant::Screen | Variant::Slide => style::diverging(v, abs_max),
        Variant::Print => {
            let t = if abs_max > 0.0 && v.is_finite() {
                style::stepped(v / abs_max)
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
pub(crate) fn weight_legend(
    id: &str,
    x: f64,
    y: f64,
    width: f64,
    abs_max: f64,
    label: &str,
    variant: Variant,
) -> Group {
    match variant {
        Variant::Screen | Variant::Slide => {
            style::diverging_legend(id, x, y, width, abs_max, label)
        }
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
        Variant::Screen | Variant::Slide => "red = positive, blue = negative, white = 0",
        Variant::Print => "black = positive, white = negative, mid gray = 0",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::PIXELS;
    use crate::figures::testing::assert_sound;
    use crate::kv::linear::KeyDrift;
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
