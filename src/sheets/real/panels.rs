//! The given picture of `rank-digits`: a key's + panel and − panel and the
//! three digits, side by side at the same scale, each with a light grid
//! every 7 pixels, so a learner can lay a digit over the key in the mind's
//! eye square by square. One SVG the width of the printed page (680 CSS
//! px = 180 mm), so its captions print at 12 px (9 pt).

use crate::markdown::escape_attr;

/// Pixels per side.
const SIDE: usize = 28;
/// One cell, in CSS px at the printed width.
const CELL: f64 = 4.4;
/// Space between two pictures.
const GAP: f64 = 16.0;
/// Caption size in CSS px (at least 10.7 px = 8 pt when printed).
const FONT: f64 = 12.0;

/// One picture: its caption and each cell's darkness, 0 (white) to 1 (black).
pub(super) struct Picture {
    pub caption: String,
    pub dark: Vec<f64>,
    /// Cells lighter than this are left white.
    pub floor: f64,
}

/// Key weights under this share of the key's largest |weight| are left
/// white: they barely move a match, and drawn they read as speckle.
pub(super) const KEY_FLOOR: f64 = 0.08;

/// The + and − panels of a key: darkness ∝ weight ÷ the key's largest |weight|.
pub(super) fn key_panels(weights: &[f32]) -> [Picture; 2] {
    let max = weights
        .iter()
        .fold(0.0f64, |m, w| m.max(f64::from(*w).abs()));
    let scale = |w: f64| if max > 0.0 { w / max } else { 0.0 };
    [
        Picture {
            caption: "+ weights".into(),
            floor: KEY_FLOOR,
            dark: weights
                .iter()
                .map(|w| scale(f64::from(*w)).max(0.0))
                .collect(),
        },
        Picture {
            caption: "− weights".into(),
            floor: KEY_FLOOR,
            dark: weights
                .iter()
                .map(|w| scale(-f64::from(*w)).max(0.0))
                .collect(),
        },
    ]
}

/// A digit: darkness = gray level (pixel ÷ 255).
pub(super) fn digit(caption: &str, pixels: &[u8]) -> Picture {
    Picture {
        caption: caption.to_string(),
        floor: 0.02,
        dark: pixels.iter().map(|p| f64::from(*p) / 255.0).collect(),
    }
}

/// The pictures in one row, as an HTML figure with `caption` (HTML, none
/// when empty) under it. `full` stretches the row to the page's width (five
/// pictures are exactly that wide); otherwise it keeps its size in CSS px.
pub(super) fn figure(
    id: &str,
    title: &str,
    pictures: &[Picture],
    caption: &str,
    full: bool,
) -> String {
    let panel = SIDE as f64 * CELL;
    let n = pictures.len() as f64;
    let width = n * panel + (n - 1.0).max(0.0) * GAP;
    let height = panel + 6.0 + FONT + 4.0;
    let size = if full {
        "width=\"100%\" style=\"max-width: none; max-height: none; width: 100%; height: auto; display: block\"".to_string()
    } else {
        format!(
            "width=\"{w}\" height=\"{h}\" style=\"max-width: none; max-height: none; width: {w}px; height: {h}px; display: block\"",
            w = f(width),
            h = f(height)
        )
    };
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" {size} role=\"img\" aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{}</title>",
        f(width),
        f(height),
        escape_attr(title)
    );
    for (k, pic) in pictures.iter().enumerate() {
        let x0 = k as f64 * (panel + GAP);
        s.push_str(&format!(
            "<rect x=\"{}\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#fff\"/>",
            f(x0),
            f(panel),
            f(panel)
        ));
        for (i, d) in pic.dark.iter().enumerate().take(SIDE * SIDE) {
            if *d < pic.floor {
                continue;
            }
            let shade = (255.0 - 235.0 * d.min(1.0)).round() as u8;
            s.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#{shade:02x}{shade:02x}{shade:02x}\"/>",
                f(x0 + (i % SIDE) as f64 * CELL),
                f((i / SIDE) as f64 * CELL),
                f(CELL + 0.05),
                f(CELL + 0.05)
            ));
        }
        // The grid: every 7 pixels, light; the frame a little darker.
        for j in 1..4 {
            let at = j as f64 * 7.0 * CELL;
            s.push_str(&format!(
                "<path d=\"M{} 0V{}M{} {}H{}\" stroke=\"#8ab4d8\" stroke-width=\"0.7\" fill=\"none\"/>",
                f(x0 + at),
                f(panel),
                f(x0),
                f(at),
                f(x0 + panel)
            ));
        }
        s.push_str(&format!(
            "<rect x=\"{}\" y=\"0\" width=\"{}\" height=\"{}\" stroke=\"#555\" stroke-width=\"0.8\" fill=\"none\"/>",
            f(x0),
            f(panel),
            f(panel)
        ));
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"middle\" font-family=\"sans-serif\" fill=\"#000\">{}</text>",
            f(x0 + panel / 2.0),
            f(panel + 6.0 + FONT * 0.8),
            f(FONT),
            escape_attr(&pic.caption)
        ));
    }
    s.push_str("</svg>");
    let caption = if caption.is_empty() {
        String::new()
    } else {
        format!("<figcaption style=\"font-size: 9pt\">{caption}</figcaption>")
    };
    format!(
        "<figure class=\"given-panels\" id=\"{id}\" style=\"margin: 0.3rem 0{}\">{s}{caption}</figure>",
        // min-width 0: a flex item is otherwise at least as wide as the
        // SVG's viewBox, which overflowed the printed exercise box.
        if full {
            "; flex-basis: 100%; min-width: 0"
        } else {
            ""
        }
    )
}

/// A coordinate with two decimals at most, never `-0`.
fn f(x: f64) -> String {
    let s = crate::num::fixed(x, 2);
    let s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    if s == "-0" || s.is_empty() {
        "0".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_pictures_fill_the_printed_width_with_readable_captions() {
        let w: Vec<f32> = (0..784)
            .map(|i| if i % 2 == 0 { 0.5 } else { -0.25 })
            .collect();
        let [plus, minus] = key_panels(&w);
        assert_eq!(plus.dark[0], 1.0);
        assert_eq!(minus.dark[1], 0.5);
        let d = digit("digit A", &[255; 784]);
        let html = figure("x", "Key 3", &[plus, minus, d], "cap", true);
        assert!(html.contains("viewBox=\"0 0 401.6 145.2\""), "{html}");
        assert!(html.contains(">− weights</text>"));
        assert!(html.contains("font-size=\"12\""));
        assert!(html.contains("<figcaption style=\"font-size: 9pt\">cap</figcaption>"));
        // One picture keeps its size: the same scale as the five above.
        let one = figure(
            "y",
            "An image",
            &[digit("test image 3", &[0; 784])],
            "",
            false,
        );
        assert!(one.contains("width: 123.2px"), "{one}");
        assert!(!one.contains("figcaption"));
        // Five pictures are 680 px wide: the caption prints at 12 px.
        assert_eq!(5.0 * SIDE as f64 * CELL + 4.0 * GAP, 680.0);
        assert_eq!(f(-0.001), "0");
        assert_eq!(f(12.5), "12.5");
    }
}
