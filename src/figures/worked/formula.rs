//! The drawing kit of the worked figures: formula rows laid out from atoms
//! (text, muted text, bracketed matrices with captions and row names, gaps),
//! real square brackets, the house text lines, and the phrases several
//! figures share (ReLU of a pair, a key written with the input names).

use super::sums::join_terms;
use crate::figures::style;
use crate::figures::toykit::text_width;
use crate::kv::toy::{ToyNet, ToyPair};
use rust_decimal::Decimal;
use svg::node::element::{Group, Path};

/// A piece of a formula row.
pub(super) enum Atom {
    /// Text.
    T(String),
    /// Muted text.
    M(String),
    /// A bracketed matrix (rows of cells), a caption under it, and names
    /// written left of its rows.
    Mat(Vec<Vec<String>>, String, Vec<String>),
    /// Horizontal space.
    Gap(f64),
}

pub(super) const CELL_H: f64 = 22.0;

fn mat_size(rows: &[Vec<String>]) -> (Vec<f64>, f64, f64) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<f64> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| text_width(s, style::FONT_SIZE))
                .fold(0.0, f64::max)
        })
        .collect();
    let w = widths.iter().sum::<f64>() + 14.0 * cols.saturating_sub(1) as f64 + 20.0;
    (widths, w, rows.len() as f64 * CELL_H + 8.0)
}

/// A square bracket: `left` opens, else closes.
fn bracket_path(x: f64, y0: f64, y1: f64, left: bool) -> Path {
    let s = if left { 5.0 } else { -5.0 };
    let d = format!(
        "M{} {} L{} {} L{} {} L{} {}",
        style::r(x + s),
        style::r(y0),
        style::r(x),
        style::r(y0),
        style::r(x),
        style::r(y1),
        style::r(x + s),
        style::r(y1)
    );
    Path::new()
        .set("d", d)
        .set("fill", "none")
        .set("stroke", style::INK)
        .set("stroke-width", 1.6)
}

/// Lays atoms left to right, centred on `mid`; returns the group, its width
/// and how far it reaches above and below `mid`.
pub(super) fn formula(atoms: &[Atom], x: f64, mid: f64) -> (Group, f64, f64, f64) {
    let mut g = Group::new();
    let mut cx = x;
    let (mut up, mut down) = (12.0_f64, 8.0_f64);
    for a in atoms {
        match a {
            Atom::T(s) | Atom::M(s) => {
                let mut t = style::text(s.as_str(), cx, mid + 4.5, style::FONT_SIZE, "start");
                if matches!(a, Atom::M(_)) {
                    t = t.set("fill", style::MUTED);
                }
                g = g.add(t);
                cx += text_width(s, style::FONT_SIZE) + 6.0;
            }
            Atom::Gap(w) => cx += w,
            Atom::Mat(rows, caption, names) => {
                let names_w = names
                    .iter()
                    .map(|s| text_width(s, style::SMALL))
                    .fold(0.0, f64::max);
                if names_w > 0.0 {
                    cx += names_w + 6.0;
                }
                let (widths, w, h) = mat_size(rows);
                let spill = (text_width(caption, style::SMALL) + 6.0 - w).max(0.0) / 2.0;
                cx += spill;
                let (y0, y1) = (mid - h / 2.0, mid + h / 2.0);
                g = g
                    .add(bracket_path(cx, y0, y1, true))
                    .add(bracket_path(cx + w, y0, y1, false));
                for (r, row) in rows.iter().enumerate() {
                    let y = y0 + 4.0 + CELL_H * (r as f64 + 0.5) + 4.5;
                    let mut xx = cx + 10.0;
                    for (c, s) in row.iter().enumerate() {
                        let cw = widths.get(c).copied().unwrap_or(0.0);
                        g = g.add(style::text(s.as_str(), xx + cw, y, style::FONT_SIZE, "end"));
                        xx += cw + 14.0;
                    }
                    if let Some(n) = names.get(r) {
                        g = g.add(
                            style::text(n.as_str(), cx - 6.0, y - 0.5, style::SMALL, "end")
                                .set("fill", style::MUTED),
                        );
                    }
                }
                if !caption.is_empty() {
                    g = g.add(
                        style::text(
                            caption.as_str(),
                            cx + w / 2.0,
                            y1 + 15.0,
                            style::SMALL,
                            "middle",
                        )
                        .set("fill", style::MUTED),
                    );
                    down = down.max(h / 2.0 + 18.0);
                    cx += spill;
                }
                up = up.max(h / 2.0);
                down = down.max(h / 2.0);
                cx += w + 8.0;
            }
        }
    }
    (g, cx - x, up, down)
}

pub(super) fn column(xs: &[Decimal]) -> Vec<Vec<String>> {
    xs.iter().map(|x| vec![style::dec(x)]).collect()
}

pub(super) fn bold(s: impl Into<String>, x: f64, y: f64) -> svg::node::element::Text {
    style::text(s, x, y, style::FONT_SIZE, "start").set("font-weight", "bold")
}

pub(super) fn line(s: impl Into<String>, x: f64, y: f64) -> svg::node::element::Text {
    style::text(s, x, y, style::FONT_SIZE, "start")
}

pub(super) fn muted(s: impl Into<String>, x: f64, y: f64) -> svg::node::element::Text {
    style::text(s, x, y, style::FONT_SIZE, "start").set("fill", style::MUTED)
}

pub(super) fn width_of(lines: &[String]) -> f64 {
    lines
        .iter()
        .map(|s| text_width(s, style::FONT_SIZE))
        .fold(0.0, f64::max)
}

/// "ReLU(1.22) = 1.22" or "ReLU(−0.1) = 0 — pair switched off, contributes 0".
pub(super) fn relu_text(p: &ToyPair, what: &str) -> String {
    let base = format!(
        "ReLU({}) = {}",
        style::dec(&p.pre),
        style::dec(&p.activation)
    );
    if p.fires {
        base
    } else {
        format!("{base} — {what} switched off, contributes 0")
    }
}

/// "1·a + 0·b − 0.3·c (+ bias)": the key written with the input names.
pub(super) fn symbolic(net: &ToyNet, p: &ToyPair) -> String {
    let mut terms: Vec<String> = p
        .key
        .iter()
        .zip(&net.inputs)
        .map(|(w, n)| format!("{}·{n}", style::dec(w)))
        .collect();
    if !p.bias.is_zero() {
        terms.push(style::dec(&p.bias));
    }
    join_terms(&terms)
}

pub(super) fn sentence_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
