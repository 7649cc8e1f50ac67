//! One MNIST image and its pairs: the digit itself, a key as a 28×28
//! heatmap, a value as ten cells, and key ⊙ image with its sum written out.
//! The drawn pieces they are made of (in `blocks`: blocks, signed maps,
//! value rows; in `matching`: key ⊙ image and the match) are shared with the
//! pair cards in `cards`.
//!
//! Input: `kv::pair::{PairView, KeyTimesImage}` (computed elsewhere); output:
//! `Figure`. Digits are drawn in grayscale ink, weights in the diverging map
//! (screen) or as separate + / − grayscale panels (print), so nothing depends
//! on hue alone.

use super::Figure;
use super::digitkit::{a_digit, at, places};
use super::style::{self, Variant, num, signed};
use crate::data::PIXELS;
use crate::kv::image::DIGITS;
use crate::kv::pair::{KeyTimesImage, PairView};

mod blocks;
mod matching;
mod slides;

use blocks::legend;
pub(super) use blocks::{
    Block, PANEL_CAPTION, abs_max_of, digit_or, ink_block, key_f64, signed_map, value_f64,
    value_row,
};
use matching::match_description;
pub(super) use matching::{kti_block, match_block};
pub(crate) use slides::{key_slide, key_times_image_slide, value_slide};

/// Pixels per side of an MNIST image.
pub(super) const SIDE: usize = 28;
pub(super) const MARGIN: f64 = 20.0;

fn inked(pixels: &[u8]) -> usize {
    pixels.iter().take(PIXELS).filter(|&&p| p > 0).count()
}

/// 6a. The image as 28×28 grayscale cells; with `show_values` (paper sheets)
/// every inked cell carries its pixel value (0–255).
pub(crate) fn digit(id: &str, pixels: &[u8], label: Option<u8>, show_values: bool) -> Figure {
    let cell = if show_values { 26.0 } else { 10.0 };
    let side = SIDE as f64 * cell;
    let n = inked(pixels);
    let what = label.map_or("an MNIST image".to_string(), a_digit);
    let title = label.map_or("The image".to_string(), |l| format!("An MNIST {l}"));
    let description = format!(
        "A 28×28 MNIST image of {}: {n} of 784 pixels carry ink.{}",
        label.map_or("unknown digit".to_string(), a_digit),
        if show_values {
            " Each inked pixel shows its value from 0 (white) to 255 (black); empty cells are 0."
        } else {
            ""
        }
    );
    let caption = if show_values {
        format!(
            "{what}: {n} inked pixels, values 0–255 (the net reads value ÷ 255); empty cells are 0"
        )
    } else {
        format!("{what} · {n} inked pixels")
    };
    let w = side + 2.0 * MARGIN;
    let h = side + MARGIN + 34.0;
    let mut g = ink_block(pixels, cell).g;
    if show_values {
        for (p, &v) in pixels.iter().take(PIXELS).enumerate() {
            if v == 0 {
                continue;
            }
            let (row, col) = ((p / SIDE) as f64, (p % SIDE) as f64);
            g = g.add(
                style::text(
                    v.to_string(),
                    col * cell + cell / 2.0,
                    row * cell + cell / 2.0 + 4.0,
                    style::SMALL,
                    "middle",
                )
                .set("fill", if v >= 128 { style::PAPER } else { style::INK }),
            );
        }
    }
    let doc = style::frame(w, h, &title, &description)
        .add(at(g, MARGIN, MARGIN))
        .add(
            style::text(
                caption,
                w / 2.0,
                MARGIN + side + 22.0,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        );
    let data = super::data::pixels(pixels, label);
    style::figure(id, &title, description, doc, data)
}

/// The slide variant of [`digit`]: the ink alone, larger, with no small
/// caption inside the picture (the slide's own caption says what it shows).
pub(crate) fn digit_slide(id: &str, pixels: &[u8], label: Option<u8>) -> Figure {
    let cell = 10.0;
    let side = SIDE as f64 * cell;
    let n = inked(pixels);
    let title = label.map_or("The image".to_string(), |l| format!("An MNIST {l}"));
    let description = format!(
        "A 28×28 MNIST image of {}: {n} of 784 pixels carry ink.",
        label.map_or("unknown digit".to_string(), a_digit),
    );
    let w = side + 2.0 * MARGIN;
    let doc =
        style::frame(w, w, &title, &description).add(at(ink_block(pixels, cell).g, MARGIN, MARGIN));
    let data = super::data::pixels(pixels, label);
    style::figure(id, &title, description, doc, data)
}

/// 6b. A key as a 28×28 heatmap centred on zero, with its bias and a legend.
pub(crate) fn key_heatmap(id: &str, view: &PairView, variant: Variant) -> Figure {
    let cell = match variant {
        Variant::Screen | Variant::Slide => 10.0,
        Variant::Print => 8.0,
    };
    let abs_max = f64::from(view.key_abs_max);
    let map = signed_map(&key_f64(view), abs_max, cell, variant, "weights");
    let title = format!("Key {}", view.pair);
    let kmin = f64::from(view.key_min);
    let kmax = f64::from(view.key_max);
    let bias = f64::from(view.bias);
    let colours = match variant {
        Variant::Screen | Variant::Slide => ("red", "blue"),
        Variant::Print => ("dark in the + panel", "dark in the − panel"),
    };
    let description = format!(
        "Key {} (row {} of W1) as a 28×28 picture: {} positive weights ({}) and {} negative ({}), from {} to {}; bias {}.",
        view.pair,
        view.pair,
        view.positive_weights,
        colours.0,
        view.negative_weights,
        colours.1,
        num(kmin, 3),
        signed(kmax, 3),
        signed(bias, 3)
    );
    let w = (map.w + 2.0 * MARGIN).max(320.0);
    let x0 = (w - map.w) / 2.0;
    let top = 44.0;
    let legend_y = top + map.h + 26.0;
    let h = legend_y + 72.0;
    let doc = style::frame(w, h, &title, &description)
        .add(
            style::text(
                format!("Key {} · bias {}", view.pair, signed(bias, 3)),
                w / 2.0,
                24.0,
                style::LARGE,
                "middle",
            )
            .set("font-weight", "bold"),
        )
        .add(at(map.g, x0, top))
        .add(legend(
            &format!("{id}-key"),
            variant,
            w / 2.0 - 100.0,
            legend_y,
            200.0,
            abs_max,
            "weight",
        ))
        // Two lines: one would be wider than the picture.
        .add(
            style::text(
                format!(
                    "{} positive, {} negative weights,",
                    view.positive_weights, view.negative_weights,
                ),
                w / 2.0,
                legend_y + 46.0,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        )
        .add(
            style::text(
                format!("from {} to {}", num(kmin, 3), signed(kmax, 3)),
                w / 2.0,
                legend_y + 62.0,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        );
    style::figure(id, &title, description, doc, super::data::key(view))
}

/// 6c. A value as ten cells (one vote per digit), the favoured digit outlined.
pub(crate) fn value_cells(id: &str, view: &PairView, variant: Variant) -> Figure {
    let values = value_f64(view);
    let abs_max = abs_max_of(&values);
    let mark: Vec<usize> = view.favours.into_iter().collect();
    let row = value_row(
        &values,
        abs_max,
        64.0,
        38.0,
        variant,
        &mark,
        true,
        style::FONT_SIZE,
    );
    let title = format!("Value {}", view.pair);
    let favour = match view.favours {
        Some(d) => format!(
            "favours {d} (outlined) by {} over the next digit",
            num(f64::from(view.favour_margin), places(abs_max))
        ),
        None => "favours no single digit (its top vote is shared)".to_string(),
    };
    let against = view
        .opposes
        .map_or(String::new(), |d| format!("; votes most against {d}"));
    let description = format!(
        "Value {} (column {} of W2), one vote per digit: {}. It {favour}{against}.",
        view.pair,
        view.pair,
        (0..DIGITS)
            .map(|d| format!("{d}: {}", signed(values[d], places(abs_max))))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let w = row.w + 2.0 * MARGIN;
    let h = 34.0 + row.h + 30.0;
    let doc = style::frame(w, h, &title, &description)
        .add(style::text(
            format!(
                "Value {} (column {} of W2): one vote per digit",
                view.pair, view.pair
            ),
            MARGIN,
            20.0,
            style::FONT_SIZE,
            "start",
        ))
        .add(at(row.g, MARGIN, 30.0))
        .add(
            style::text(
                format!("{favour}{against}"),
                MARGIN,
                34.0 + row.h + 18.0,
                style::SMALL,
                "start",
            )
            .set("fill", style::MUTED),
        );
    style::figure(id, &title, description, doc, super::data::value(view))
}

/// 6d. Key ⊙ image as a heatmap and the sum written out.
pub(crate) fn key_times_image(
    id: &str,
    kti: &KeyTimesImage,
    pixels: &[u8],
    view: &PairView,
    variant: Variant,
) -> Figure {
    let body = kti_block(id, kti, pixels, view, variant);
    let sum = match_block(kti);
    let title = format!("Pair {}: key ⊙ image", kti.pair);
    let description = match_description(kti);
    let w = body.w + 2.0 * MARGIN;
    let y_sum = MARGIN + body.h + 4.0;
    let h = y_sum + sum.h + MARGIN;
    let doc = style::frame(w, h, &title, &description)
        .add(at(body.g, MARGIN, MARGIN))
        .add(at(sum.g, MARGIN, y_sum));
    let data = super::data::key_times_image(kti);
    style::figure(id, &title, description, doc, data)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::pair::{key_times_image as kti_of, pair_view};
    use crate::kv::testnet;

    pub(crate) fn fixture(digit: usize) -> (crate::nn::Mlp, Vec<u8>) {
        let s = testnet::split(1);
        (testnet::net(), s.image(digit).to_vec())
    }

    /// A seeded random net: keys with many positive and negative weights.
    pub(crate) fn random_net() -> crate::nn::Mlp {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        crate::nn::Mlp::init(16, &mut rng)
    }

    pub(crate) fn stroke_image() -> Vec<u8> {
        (0..PIXELS)
            .map(|p| {
                if (p % SIDE).abs_diff(p / SIDE) < 3 {
                    200
                } else {
                    0
                }
            })
            .collect()
    }

    pub(crate) fn twice(f: impl Fn() -> Figure) -> Figure {
        let a = f();
        assert_eq!(
            a.to_svg_string(),
            f().to_svg_string(),
            "{}: not deterministic",
            a.id
        );
        assert_sound(&a);
        a
    }

    #[test]
    fn digit_shows_ink_and_optionally_values() {
        let (_, img) = fixture(3);
        let f = twice(|| digit("dg", &img, Some(3), false));
        assert!(
            f.description.contains("image of a 3: 2 of 784 pixels"),
            "{}",
            f.description
        );
        assert!(!f.to_svg_string().contains("\n255\n"));
        let f = twice(|| digit("dg", &img, None, true));
        let s = f.to_svg_string();
        assert_eq!(s.matches("\n255\n").count(), 2);
        assert!(f.description.contains("unknown digit"));
        assert!(f.description.contains("empty cells are 0"));
    }

    #[test]
    fn key_heatmap_writes_the_bias_and_counts() {
        let m = random_net();
        let v = pair_view(&m, 2).unwrap_or_else(|| panic!("pair 2"));
        for variant in [Variant::Screen, Variant::Print] {
            let f = twice(|| key_heatmap("kh", &v, variant));
            assert!(
                f.description
                    .contains(&format!("{} positive weights", v.positive_weights))
            );
            assert!(f.description.contains("bias 0.000"), "{}", f.description);
            let s = f.to_svg_string();
            assert!(s.contains("kh-key-legend"));
            if variant == Variant::Print {
                assert!(s.contains("+ weights") && s.contains("\u{2212} weights"));
                assert!(!s.contains(style::POSITIVE) && !s.contains(style::NEGATIVE));
            } else {
                assert!(s.contains(
                    style::diverging(f64::from(v.key_max), f64::from(v.key_abs_max)).as_str()
                ));
            }
        }
    }

    #[test]
    fn value_cells_mark_the_favoured_digit() {
        let (m, _) = fixture(0);
        let v = pair_view(&m, 8).unwrap_or_else(|| panic!("pair 8"));
        let f = twice(|| value_cells("vc", &v, Variant::Screen));
        assert!(
            f.description.contains("favours 3 (outlined) by 2.00"),
            "{}",
            f.description
        );
        assert!(f.description.contains("3: +2.00"));
        let s = f.to_svg_string();
        assert_eq!(s.matches("stroke-width=\"3\"").count(), 1);
        insta::assert_snapshot!("value_cells_screen", s);
        let p = twice(|| value_cells("vc", &v, Variant::Print));
        assert!(!p.to_svg_string().contains(style::POSITIVE));
        insta::assert_snapshot!("value_cells_print", p.to_svg_string());
        // Pair 11 votes 0.5 for every digit: no favoured digit, nothing outlined.
        let v = pair_view(&m, 11).unwrap_or_else(|| panic!("pair 11"));
        let f = twice(|| value_cells("vc", &v, Variant::Screen));
        assert!(f.description.contains("favours no single digit"));
        assert!(!f.to_svg_string().contains("stroke-width=\"3\""));
    }

    #[test]
    fn slide_layouts_of_key_value_and_match_read_from_the_back() {
        use crate::figures::testing::assert_slide;
        let (m, img) = fixture(0);
        let v = pair_view(&m, 8).unwrap_or_else(|| panic!("pair 8"));
        let f = assert_slide(|| value_slide("vs", &v));
        assert!(
            f.description.contains("favours 3 (outlined)"),
            "{}",
            f.description
        );
        assert!(f.to_svg_string().contains("stroke-width=\"3\""));
        let v = pair_view(&m, 0).unwrap_or_else(|| panic!("pair 0"));
        let f = assert_slide(|| key_slide("ks", &v));
        assert!(f.description.contains("bias"), "{}", f.description);
        let k = kti_of(&m, 0, &img).unwrap_or_else(|| panic!("kti"));
        let f = assert_slide(|| key_times_image_slide("kts", &k, &img, &v));
        let s = f.to_svg_string();
        assert!(
            s.contains("= match 1.00") && s.contains("fires at 1.00"),
            "{s}"
        );
        // Pair 10 is silent on a 0, and the slide says so.
        let v = pair_view(&m, 10).unwrap_or_else(|| panic!("pair 10"));
        let k = kti_of(&m, 10, &img).unwrap_or_else(|| panic!("kti"));
        let f = assert_slide(|| key_times_image_slide("kts", &k, &img, &v));
        assert!(f.to_svg_string().contains("the pair is silent"));
    }

    #[test]
    fn key_times_image_writes_the_sum() {
        let m = random_net();
        let img = stroke_image();
        let v = pair_view(&m, 5).unwrap_or_else(|| panic!("pair 5"));
        let k = kti_of(&m, 5, &img).unwrap_or_else(|| panic!("kti"));
        for variant in [Variant::Screen, Variant::Print] {
            let f = twice(|| key_times_image("kt", &k, &img, &v, variant));
            let sum = format!("= {}", num(k.sum, 3));
            assert!(f.description.contains(&sum), "{}", f.description);
            assert!(
                f.description
                    .contains(&format!("only the {} inked pixels", k.inked_pixels))
            );
            assert!(f.to_svg_string().contains("kt-product-legend"));
        }
        // Fixture: key 0 on a 0 is 1 × 1 = 1, bias 0, fires at 1.
        let (m, img) = fixture(0);
        let v = pair_view(&m, 0).unwrap_or_else(|| panic!("pair 0"));
        let k = kti_of(&m, 0, &img).unwrap_or_else(|| panic!("kti"));
        let f = twice(|| key_times_image("kt", &k, &img, &v, Variant::Screen));
        assert!(
            f.description.contains("key·image = Σ key·pixel = 1.000 + 0.000 = 1.000; match = key·image + bias = 1.000 + 0.000 = 1.000; ReLU → activation 1.000 (fires)"),
            "{}",
            f.description
        );
        // Pair 10 (weight −1 on pixel 0) is silent on a 0.
        let v = pair_view(&m, 10).unwrap_or_else(|| panic!("pair 10"));
        let k = kti_of(&m, 10, &img).unwrap_or_else(|| panic!("kti"));
        let f = twice(|| key_times_image("kt", &k, &img, &v, Variant::Print));
        assert!(
            f.description
                .contains("\u{2212}1.000 is not above 0: silent"),
            "{}",
            f.description
        );
    }
}
