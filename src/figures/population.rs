//! The test set as a population: what each pair votes for against what it
//! fires on ([`votes_vs_fires`]), selective pairs per digit
//! ([`selective_per_digit`]), and knock-outs with their random control
//! ([`knockout_bars`]), one submodule each. Draws what `kv::population`
//! computed; counts per cell and per digit come from `votes_fires_grid` and
//! `selective_by_digit`.
//!
//! This file holds what they share with `mistakes`: the single-hue count
//! scale, the phrases for counts and shares, the hatching of a second
//! series, and the pieces of a 10 × 10 grid of digit counts.

use super::chart::{framed, line, rect};
use super::style::{self, text};
use crate::num::percent;
use svg::node::element::{Group, Pattern, Rectangle, Text};

mod knockout;
mod selective;
mod votes;

pub(crate) use knockout::{knockout_bars, knockout_slide};
pub(crate) use selective::selective_per_digit;
pub(crate) use votes::{votes_vs_fires, votes_vs_fires_slide};

/// Light end of the single-hue count scale (ColorBrewer Blues).
const SEQ_LIGHT: (u8, u8, u8) = (0xde, 0xeb, 0xf7);
/// Dark end of the single-hue count scale.
const SEQ_DARK: (u8, u8, u8) = (0x08, 0x30, 0x6b);
/// Neutral fill for cells that are not counted on the single-hue scale.
pub(crate) const NEUTRAL: &str = "#eeeeee";
/// Light tint behind the highlighted digit.
const HIGHLIGHT_BAND: &str = "#fdf1dc";

/// Single-hue count colour: white for 0, then light to dark blue as `count`
/// grows to `max`. Monotone in lightness, so it reads in grayscale.
pub(crate) fn sequential(count: usize, max: usize) -> String {
    if count == 0 || max == 0 {
        return style::PAPER.to_string();
    }
    let t = (count as f64 / max as f64).clamp(0.0, 1.0);
    let c = |a: u8, b: u8| -> u8 {
        (f64::from(a) + (f64::from(b) - f64::from(a)) * t)
            .round()
            .clamp(0.0, 255.0) as u8
    };
    format!(
        "#{:02x}{:02x}{:02x}",
        c(SEQ_LIGHT.0, SEQ_DARK.0),
        c(SEQ_LIGHT.1, SEQ_DARK.1),
        c(SEQ_LIGHT.2, SEQ_DARK.2)
    )
}

/// Text colour that stays legible on a [`sequential`] fill.
pub(crate) fn ink_on(count: usize, max: usize) -> &'static str {
    if max > 0 && count as f64 / max as f64 > 0.5 {
        style::PAPER
    } else {
        style::INK
    }
}

/// "1 pair", "3 pairs".
pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `n` of `of` as "n (p %)".
pub(crate) fn share(n: usize, of: usize) -> String {
    if of == 0 {
        format!("{n}")
    } else {
        format!("{n} ({} %)", percent(n as f64 / of as f64, 1))
    }
}

/// Diagonal hatching in `colour` on a light ground: a second series that is
/// told apart from a solid one without colour.
fn hatch(id: &str, colour: &str) -> Pattern {
    Pattern::new()
        .set("id", id)
        .set("width", 6)
        .set("height", 6)
        .set("patternUnits", "userSpaceOnUse")
        .set("patternTransform", "rotate(45)")
        .add(rect(0.0, 0.0, 6.0, 6.0).set("fill", style::PAPER))
        .add(line(1.5, 0.0, 1.5, 6.0, colour, 2.5))
}

// ---------------------------------------------------------------- digit grids

/// One `c` × `c` cell of a grid of counts, filled with `fill`.
pub(crate) fn count_cell(x: f64, y: f64, c: f64, fill: String) -> Rectangle {
    rect(x, y, c, c)
        .set("fill", fill)
        .set("stroke", style::GRID)
        .set("stroke-width", style::HAIRLINE)
}

/// The count `n` written in the middle of the cell at (x, y).
pub(crate) fn count_label(n: usize, x: f64, y: f64, c: f64, size: f64) -> Text {
    text(
        n.to_string(),
        x + c / 2.0,
        y + c / 2.0 + 4.5,
        size,
        "middle",
    )
}

/// The frame of a `side` × `side` grid at (gx, gy) and its bold title above.
pub(crate) fn grid_frame(gx: f64, gy: f64, side: f64, title: &str) -> Group {
    Group::new().add(framed(gx, gy, side, side)).add(
        text(
            title,
            gx + side / 2.0,
            gy - 32.0,
            style::FONT_SIZE,
            "middle",
        )
        .set("font-weight", "bold"),
    )
}

/// Adds digit `d` above its column and left of its row of a grid of
/// `c`-wide cells at (gx, gy).
pub(crate) fn digit_headers(g: Group, d: usize, gx: f64, gy: f64, c: f64) -> Group {
    let centre = d as f64 * c + c / 2.0;
    g.add(text(
        d.to_string(),
        gx + centre,
        gy - 10.0,
        style::FONT_SIZE,
        "middle",
    ))
    .add(text(
        d.to_string(),
        gx - 12.0,
        gy + centre + 4.5,
        style::FONT_SIZE,
        "end",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::population::{
        Knockout, KnockoutMode, VotesVsFires, activations, knockout, votes_vs_fires as analyse,
    };
    use crate::kv::testnet::{net, split};

    fn fixture() -> VotesVsFires {
        let m = net();
        analyse(&m, &activations(&m, &split(5)))
    }

    #[test]
    fn votes_vs_fires_counts_every_judged_pair_once() {
        let v = fixture();
        let f = votes_vs_fires("votes-vs-fires", &v);
        assert_sound(&f);
        assert_eq!(
            f.to_svg_string(),
            votes_vs_fires("votes-vs-fires", &v).to_svg_string()
        );
        assert!(
            f.description.contains("Of the 10 pairs")
                && f.description.contains("9 (90.0 %)")
                && f.description.contains("Dead pairs: 1; always-on pairs: 1.")
                && f.description
                    .contains("Left out: 1 pair that fires but favours no single"),
            "{}",
            f.description
        );
        let s = f.to_svg_string();
        // Nine diagonal ones and pair 8 (row 8, column 3): ten cells written "1".
        // Pair 8 fires on 8s (row 8) and votes for 3 (column 3).
        assert!(s.contains("x=\"229\" y=\"389.5\">\n1\n</text>"), "{s}");
        assert!(s.contains("1 pair with no single favourite"), "{s}");
    }

    #[test]
    fn slide_layouts_of_votes_and_knockout_read_from_the_back() {
        use crate::figures::testing::assert_slide;
        let v = fixture();
        let f = assert_slide(|| votes_vs_fires_slide("vfs", &v));
        assert!(f.to_svg_string().contains("9 (90.0 %) of 10 pairs"));
        let m = net();
        let acts = activations(&m, &split(5));
        let runs: Vec<Knockout> = [KnockoutMode::Zero, KnockoutMode::Mean, KnockoutMode::Refit]
            .into_iter()
            .map(|mode| knockout(&m, &acts, Some(&acts), 2, 1, mode))
            .collect();
        let counts = [5; crate::kv::image::DIGITS];
        let f = assert_slide(|| knockout_slide("ks", &runs, &counts));
        let s = f.to_svg_string();
        assert!(
            s.contains("the 2s") && s.contains("the other digits"),
            "{s}"
        );
        assert!(
            s.contains(">\nrefit\n<") && s.contains("1 random pairs"),
            "{s}"
        );
    }

    #[test]
    fn selective_per_digit_draws_both_counts() {
        let v = fixture();
        let f = selective_per_digit("selective-per-digit", &v);
        assert_sound(&f);
        let s = f.to_svg_string();
        assert_eq!(
            s,
            selective_per_digit("selective-per-digit", &v).to_svg_string()
        );
        assert!(
            f.description
                .contains("votes for digits 0 to 9: 1, 1, 1, 2, 1, 1, 1, 1, 0, 1")
                && f.description
                    .contains("highest on digits 0 to 9: 1, 1, 1, 1, 1, 1, 1, 1, 1, 1")
                && f.description.contains("9 (90.0 %) do both"),
            "{}",
            f.description
        );
        assert!(s.contains("url(#selective-per-digit-hatch)"));
        insta::assert_snapshot!("selective_per_digit", s);
    }

    #[test]
    fn knockout_bars_show_the_target_the_control_and_every_mode() {
        let m = net();
        let acts = activations(&m, &split(5));
        let runs: Vec<Knockout> = [KnockoutMode::Zero, KnockoutMode::Mean, KnockoutMode::Refit]
            .into_iter()
            .map(|mode| knockout(&m, &acts, Some(&acts), 2, 1, mode))
            .collect();
        let f = knockout_bars("knockout-2", &runs);
        assert_sound(&f);
        assert_eq!(
            f.to_svg_string(),
            knockout_bars("knockout-2", &runs).to_svg_string()
        );
        assert!(
            f.description.starts_with(
                "Knocking out the 1 pair that votes most for 2 changes 2's accuracy from 100.0 % to 0.0 % (zeroed)"
            ),
            "{}",
            f.description
        );
        assert!(
            f.description
                .contains("Accuracy on all digits: 90.0 % before")
        );
        let s = f.to_svg_string();
        assert!(s.contains("knockout-2-hatch-2"));
        assert!(s.contains("random pairs zeroed, b2 refitted"));
        let one = knockout_bars("knockout-2-zero", &runs[..1]);
        assert_sound(&one);
        assert!(
            one.description
                .contains("with 1 pair chosen at random instead it is")
        );
        let none = knockout_bars("knockout-none", &[]);
        assert_sound(&none);
    }

    #[test]
    fn the_count_scale_is_monotone_and_blank_at_zero() {
        assert_eq!(sequential(0, 5), "#ffffff");
        assert_eq!(sequential(5, 5), "#08306b");
        let lum = |c: &str| -> u32 {
            (1..7)
                .step_by(2)
                .map(|i| u32::from_str_radix(&c[i..i + 2], 16).unwrap_or(0))
                .sum()
        };
        assert!(lum(&sequential(1, 5)) > lum(&sequential(3, 5)));
    }
}
