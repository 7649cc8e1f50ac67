//! The key of `rank-digits`: each digit's numbers under the three readings
//! of ink, the model reason per digit, the usual wrong answers with the
//! points they keep, and the computed stretch answer.

use super::LETTERS;
use super::rank_draw;
use crate::markdown::escape_attr;
use crate::sheets::key::{Key, Slip};

/// Points of the ranking box (the point of the exercise), of the silent
/// box, and of each reason.
pub(super) const RANK_POINTS: u32 = 2;
pub(super) const SILENT_POINTS: u32 = 1;
pub(super) const REASON_POINTS: u32 = 1;

/// One printed digit under the key, in f64 from the weights (gray ink).
pub(super) struct Row {
    /// The image, as a learner would name it (`test image 123`).
    pub name: String,
    pub label: Option<u8>,
    /// Σ weight × ink over the positive weights.
    pub pos: f64,
    /// Σ weight × ink over the negative weights.
    pub neg: f64,
    /// The match: pos + neg + bias, then under each reading of [`Ink::ALL`].
    pub by_ink: [f64; 3],
    /// The activation, ReLU of the gray match.
    pub act: f64,
    /// Σ ink (gray).
    pub ink: f64,
    /// The share of its (gray) ink on positive weights.
    pub on_plus: f64,
    /// The gray match of the digit with its strokes one pixel thicker.
    pub thicker: f64,
}

impl Row {
    pub(super) fn pre(&self) -> f64 {
        self.by_ink[0]
    }
}

/// The digits' letters from the largest value to the smallest: `B > A > C`.
pub(super) fn rank(vals: &[f64]) -> String {
    let mut idx: Vec<usize> = (0..vals.len()).collect();
    idx.sort_by(|&a, &b| vals[b].total_cmp(&vals[a]));
    idx.iter()
        .map(|&i| LETTERS[i])
        .collect::<Vec<_>>()
        .join(" > ")
}

/// The letters of the digits the key does not fire for, or `none`.
pub(super) fn silent(vals: &[f64]) -> String {
    let s: Vec<&str> = (0..vals.len())
        .filter(|&i| vals[i] <= 0.0)
        .map(|i| LETTERS[i])
        .collect();
    if s.is_empty() {
        "none".into()
    } else {
        s.join(", ")
    }
}

/// `+1.23` / `−1.23`.
pub(super) fn sg(x: f64) -> String {
    crate::figures::style::signed(x, 2)
}

/// The model reason of one digit, short enough for a marking key.
pub(super) fn reason(r: &Row, bias: f64) -> String {
    let share = if r.on_plus >= 0.5 {
        format!("{:.0} % of its ink on + weights", r.on_plus * 100.0)
    } else {
        format!("{:.0} % of its ink on − weights", (1.0 - r.on_plus) * 100.0)
    };
    format!(
        "{share}: {} on +, {} on −, bias {}; match {} → {}",
        sg(r.pos),
        sg(r.neg),
        sg(bias),
        sg(r.pre()),
        if r.act > 0.0 {
            format!("fires ({})", crate::num::fixed(r.act, 2))
        } else {
            "does not fire".to_string()
        }
    )
}

/// The key: the ranking and the silent digits, the table of each digit's
/// numbers under the three readings of ink, and the usual wrong answers
/// (by ink, by the + panel only, bias left out) where they differ.
pub(super) fn key_of(rows: &[Row], acts: &[f64], bias: f64, structure: f64, drawn: bool) -> Key {
    let mut key = Key::default();
    key.fin("ranking", rank(acts));
    key.fin("does not fire for", silent(acts));
    let mut table = String::from(
        "<table class=\"given-table\"><caption>The key on each digit: gray-level ink (pixel ÷ 255), and the match under the two other ways a learner may read ink</caption><thead><tr><th scope=\"col\">digit</th><th scope=\"col\">ink on + weights</th><th scope=\"col\">+ weights × ink</th><th scope=\"col\">− weights × ink</th><th scope=\"col\">bias</th><th scope=\"col\">match</th><th scope=\"col\">activation</th><th scope=\"col\">match, any ink = 1</th><th scope=\"col\">match, dark ink = 1</th></tr></thead><tbody>",
    );
    for (i, r) in rows.iter().enumerate() {
        table.push_str(&format!(
            "<tr><th scope=\"row\">{}&nbsp;(a&nbsp;{}, {})</th><td>{:.0} %</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            LETTERS[i],
            r.label.map_or("?".into(), |l| l.to_string()),
            escape_attr(&r.name),
            r.on_plus * 100.0,
            crate::figures::style::num(r.pos, 3),
            crate::figures::style::num(r.neg, 3),
            crate::figures::style::num(bias, 3),
            crate::figures::style::num(r.pre(), 3),
            crate::figures::style::num(r.act, 3),
            crate::figures::style::num(r.by_ink[1], 3),
            crate::figures::style::num(r.by_ink[2], 3)
        ));
    }
    table.push_str("</tbody></table>");
    key.notes.push(table);
    key.notes.push(format!(
        "The answers are the same whichever way a learner reads ink: every match is below −{m} or above +{m} under all three readings, and each firing digit's activation is at least {r} times the next one's. The key's neighbouring weights correlate at {} (about 0 for speckle, 1 for a flat key){}.",
        crate::num::fixed(structure, 2),
        if structure >= rank_draw::MIN_STRUCTURE {
            ", so its strokes are visible"
        } else if !drawn {
            ""
        } else {
            "; no key of this network with more visible structure has digits fair to rank"
        },
        m = rank_draw::MARGIN,
        r = rank_draw::RATIO
    ));
    let right = rank(acts);
    let right_silent = silent(acts);
    // What a slip leaves: the silent box earns its point when the slip's own
    // numbers name the same silent digits; the ranking and reasons do not.
    let credit_silent = |vals: &[f64]| {
        Some(if silent(vals) == right_silent {
            SILENT_POINTS
        } else {
            0
        })
    };
    let inks: Vec<f64> = rows.iter().map(|r| r.ink).collect();
    // A learner ranking by ink names the palest digit as the silent one.
    let least_ink = rank(&inks)
        .rsplit(" > ")
        .next()
        .unwrap_or_default()
        .to_string();
    if rank(&inks) != right {
        key.slips.push(Slip {
            credit: Some(if right_silent == least_ink { SILENT_POINTS } else { 0 }),
            answer: rank(&inks),
            why: format!(
                "ranked by how much ink each digit has: the key's − weights subtract, so ink in the wrong places lowers the match. {} Reasons about the amount of ink earn nothing.",
                if right_silent == least_ink {
                    format!("The palest digit, {least_ink}, is the silent one here, so the silent box keeps its point.")
                } else {
                    format!("Such a sheet names the palest digit, {least_ink}, as the silent one, so the silent box earns nothing either.")
                }
            ),
        });
    }
    let plus_only: Vec<f64> = rows.iter().map(|r| (r.pos + bias).max(0.0)).collect();
    if rank(&plus_only) != right {
        let why = format!(
            "only the + panel was read: ink on the − weights was ignored ({}).",
            match silent(&plus_only).as_str() {
                "none" => "read that way, the key fires for every digit".to_string(),
                s => format!("read that way, the key stays silent only for {s}"),
            }
        );
        match key.slips.iter_mut().find(|s| s.answer == rank(&plus_only)) {
            // The same ranking from another slip: one entry, both causes,
            // the larger credit (the sheet cannot tell which it was).
            Some(same) => {
                same.why = format!("{} Or: {why}", same.why);
                same.credit = same.credit.max(credit_silent(&plus_only));
            }
            None => key.slips.push(Slip {
                credit: credit_silent(&plus_only),
                answer: rank(&plus_only),
                why,
            }),
        }
    }
    let no_bias: Vec<f64> = rows.iter().map(|r| (r.pos + r.neg).max(0.0)).collect();
    if silent(&no_bias) != right_silent {
        key.slips.push(Slip {
            credit: Some(RANK_POINTS + 3 * REASON_POINTS),
            answer: format!("does not fire for: {}", silent(&no_bias)),
            why: format!(
                "the bias was left out: it adds {} to every match, which decides whether the weakest digit fires. Only the silent box is lost.",
                sg(bias)
            ),
        });
    }
    key
}

/// The stretch answer: each digit's match with its strokes one pixel
/// thicker, and what that says about the key around the strokes.
pub(super) fn stretch(rows: &[Row]) -> Vec<String> {
    let lines: Vec<String> = rows
        .iter()
        .zip(LETTERS)
        .map(|(r, l)| format!("digit {l}: {} → {}", sg(r.pre()), sg(r.thicker)))
        .collect();
    let up = rows.iter().filter(|r| r.thicker > r.pre()).count();
    let first = format!(
        "{} Thickening each digit's strokes by one pixel (every pixel takes the darkest of itself and its four neighbours) changes the matches as follows: {}. The match went up for {up} of the 3 digits.",
        if up == rows.len() {
            "For these three digits, yes; but not for every digit."
        } else {
            "Not always."
        },
        lines.join("; ")
    );
    vec![
        first,
        "Thicker strokes add ink just beside the old strokes, so you would need to know the key's weights in the band around each stroke: where they are mostly +, the key fires harder; where they are mostly −, it fires less."
            .to_string(),
    ]
}
