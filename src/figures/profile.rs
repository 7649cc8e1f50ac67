//! Activation profiles of two images side by side: each image's positive
//! activations sorted largest first, the 10 largest in colour, with the
//! share of the total they carry and how much ink the image has. A sharp
//! profile (a few pairs carry most) next to a flat one (many pairs share it).
//!
//! Input: two `kv::image::ImageAnalysis` with captions; output: `Figure`.
//! Both panels share their scales, so heights and lengths compare directly.

use super::Figure;
use super::chart::{Ticks, nice_ticks, turned_note, y_grid};
use super::digitkit::{at, prediction_name};
use super::style::{self, num, r};
use crate::kv::image::ImageAnalysis;
use crate::num::percent;
use svg::node::element::{Group, Polygon, Rectangle};

const PANEL_W: f64 = 370.0;
const PANEL_H: f64 = 200.0;
const LEFT: f64 = 62.0;
const GAP: f64 = 80.0;
const TOP: f64 = 70.0;
/// The pairs shown in colour (the same 10 as `top10_share`).
const TOP_N: usize = 10;

/// The outline of bars of width `bw` over `values`, from index `from` to
/// `to`, as polygon points (a step area down to the baseline `y0`).
fn step_area(
    values: &[f64],
    from: usize,
    to: usize,
    bw: f64,
    sy: &dyn Fn(f64) -> f64,
    y0: f64,
) -> String {
    let mut pts = vec![format!("{},{}", r(from as f64 * bw), r(y0))];
    for (i, &v) in values.iter().enumerate().take(to).skip(from) {
        let y = r(sy(v));
        pts.push(format!("{},{}", r(i as f64 * bw), y));
        pts.push(format!("{},{}", r((i + 1) as f64 * bw), y));
    }
    pts.push(format!("{},{}", r(to as f64 * bw), r(y0)));
    pts.join(" ")
}

fn panel(caption: &str, a: &ImageAnalysis, max_n: usize, ticks: &Ticks) -> Group {
    let max_a = ticks.hi;
    let sorted = &a.profile.sorted;
    let n = sorted.len();
    let bw = PANEL_W / max_n.max(1) as f64;
    let sy = |v: f64| PANEL_H - v / max_a * PANEL_H;
    let top = TOP_N.min(n);
    let mut g = Group::new()
        .add(
            style::text(caption, 0.0, -30.0, style::FONT_SIZE + 1.0, "start")
                .set("font-weight", "bold"),
        )
        .add(style::muted(
            format!(
                "read as {} · {} active pairs",
                prediction_name(&a.prediction),
                a.active
            ),
            0.0,
            -12.0,
            "start",
        ));
    let rows = ticks
        .values
        .iter()
        .map(|&v| (sy(v), num(v, ticks.decimals)));
    g = y_grid(g, rows, (0.0, PANEL_W), -6.0, false);
    if n > top {
        g = g.add(
            Polygon::new()
                .set("points", step_area(sorted, top, n, bw, &sy, PANEL_H))
                .set("fill", "#bdbdbd"),
        );
    }
    if top > 0 {
        g = g.add(
            Polygon::new()
                .set("points", step_area(sorted, 0, top, bw, &sy, PANEL_H))
                .set("fill", style::SERIES_A),
        );
    }
    let x10 = top as f64 * bw;
    g = g
        .add(
            Rectangle::new()
                .set("width", PANEL_W)
                .set("height", PANEL_H)
                .set("fill", "none")
                .set("stroke", style::FRAME)
                .set("stroke-width", style::HAIRLINE),
        )
        .add(style::text(
            "1",
            bw / 2.0,
            PANEL_H + 16.0,
            style::SMALL,
            "middle",
        ))
        .add(style::text(
            n.to_string(),
            n as f64 * bw,
            PANEL_H + 16.0,
            style::SMALL,
            "middle",
        ))
        .add(
            style::text(
                format!(
                    "top {top} carry {} % of Σ activation",
                    percent(a.profile.top10_share, 1)
                ),
                (x10 + 6.0).clamp(6.0, PANEL_W - 230.0),
                22.0,
                style::FONT_SIZE,
                "start",
            )
            .set("fill", style::SERIES_A)
            .set("font-weight", "bold"),
        )
        .add(style::text(
            format!(
                "{} inked pixels · ink {} (sum of the pixel values, each 0 to 1)",
                a.inked_pixels,
                num(a.profile.ink, 1)
            ),
            0.0,
            PANEL_H + 52.0,
            style::SMALL,
            "start",
        ));
    g
}

/// 9. Sorted activations of two images side by side (sharp vs flat).
pub(crate) fn profiles(id: &str, a: (&str, &ImageAnalysis), b: (&str, &ImageAnalysis)) -> Figure {
    let max_n =
        a.1.profile
            .sorted
            .len()
            .max(b.1.profile.sorted.len())
            .max(1);
    let max_a = [a.1, b.1]
        .iter()
        .filter_map(|x| x.profile.sorted.first().copied())
        .fold(0.0_f64, f64::max);
    let ticks = nice_ticks(0.0, if max_a > 0.0 { max_a } else { 1.0 }, 4);
    let say = |(caption, x): (&str, &ImageAnalysis)| {
        format!(
            "{caption}: {} active pairs, the top {} carry {} % of the total activation (largest {}); {} inked pixels, ink {}",
            x.active,
            TOP_N.min(x.active),
            percent(x.profile.top10_share, 1),
            num(x.profile.sorted.first().copied().unwrap_or(0.0), 2),
            x.inked_pixels,
            num(x.profile.ink, 1)
        )
    };
    let sharper = if (a.1.profile.top10_share - b.1.profile.top10_share).abs() < 0.005 {
        "The two profiles are about equally sharp.".to_string()
    } else if a.1.profile.top10_share > b.1.profile.top10_share {
        format!("{} is the sharper profile.", a.0)
    } else {
        format!("{} is the sharper profile.", b.0)
    };
    let title = "Sorted activations of two images";
    let description = format!(
        "Activations of the active pairs, largest first, for two images. {}. {}. {sharper}",
        say(a),
        say(b)
    );
    let w = 2.0 * LEFT + 2.0 * PANEL_W + GAP - 40.0;
    let h = TOP + PANEL_H + 96.0;
    let axis = |x: f64| {
        style::muted(
            "pairs, sorted by activation",
            x + PANEL_W / 2.0,
            TOP + PANEL_H + 30.0,
            "middle",
        )
    };
    let x_b = LEFT + PANEL_W + GAP;
    let doc = style::frame(w, h, title, &description)
        .add(at(panel(a.0, a.1, max_n, &ticks), LEFT, TOP))
        .add(at(panel(b.0, b.1, max_n, &ticks), x_b, TOP))
        .add(axis(LEFT))
        .add(axis(x_b))
        .add(turned_note("activation", 16.0, TOP + PANEL_H / 2.0))
        .add(style::muted(
            "same scales in both panels; blue: the 10 largest activations",
            LEFT,
            18.0,
            "start",
        ));
    let one = |(caption, x): (&str, &ImageAnalysis)| {
        use super::data::{j64, j64s, obj};
        obj(vec![
            ("caption", caption.into()),
            ("active_pairs", x.active.into()),
            ("inked_pixels", x.inked_pixels.into()),
            ("ink", j64(x.profile.ink)),
            ("top10_share", j64(x.profile.top10_share)),
            ("sorted_activations", j64s(&x.profile.sorted)),
        ])
    };
    let data = super::data::FigureData::Json(serde_json::Value::Array(vec![one(a), one(b)]));
    style::figure(id, title, description, doc, data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::image::analyse;
    use crate::kv::testnet;

    #[test]
    fn fixture_profiles_note_share_and_ink() {
        let m = testnet::net();
        let s = testnet::split(1);
        let a = analyse(&m, s.image(0), Some(0));
        let b = analyse(&m, s.image(5), Some(5));
        let f = profiles("pr", ("test #0, a 0", &a), ("test #5, a 5", &b));
        assert_sound(&f);
        assert_eq!(
            f.to_svg_string(),
            profiles("pr", ("test #0, a 0", &a), ("test #5, a 5", &b)).to_svg_string()
        );
        // Two pairs fire at 1 each on every fixture image: the top 10 carry all.
        assert!(
            f.description.contains(
                "test #0, a 0: 2 active pairs, the top 2 carry 100.0 % of the total activation (largest 1.00); 2 inked pixels, ink 2.0"
            ),
            "{}",
            f.description
        );
        assert!(f.description.contains("about equally sharp"));
    }

    #[test]
    fn the_sharper_image_is_named() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let m = crate::nn::Mlp::init(200, &mut rng);
        let thin: Vec<u8> = (0..crate::data::PIXELS)
            .map(|p| {
                if p % 28 == 14 && p / 28 > 6 && p / 28 < 22 {
                    255
                } else {
                    0
                }
            })
            .collect();
        let blob: Vec<u8> = (0..crate::data::PIXELS)
            .map(|p| {
                if (p % 28).abs_diff(14) < 8 && (p / 28).abs_diff(14) < 8 {
                    200
                } else {
                    0
                }
            })
            .collect();
        let a = analyse(&m, &thin, Some(1));
        let b = analyse(&m, &blob, Some(0));
        let f = profiles("pr", ("a thin stroke", &a), ("a blob", &b));
        assert_sound(&f);
        let sharper = if a.profile.top10_share > b.profile.top10_share {
            "a thin stroke is the sharper"
        } else {
            "a blob is the sharper"
        };
        assert!(f.description.contains(sharper), "{}", f.description);
        assert!(
            f.description
                .contains(&format!("{} inked pixels", b.inked_pixels))
        );
    }
}
