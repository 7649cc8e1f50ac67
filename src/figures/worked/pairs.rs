//! The key-value solution of a toy net, pair by pair: one panel per pair
//! (its diagram, key · x, ReLU, activation × value), then the contributions
//! summed into the outputs and checked against the layer-by-layer result.

use super::formula::{bold, line, relu_text, sentence_case, width_of};
use super::sums::{contributions_sum, key_calc};
use super::{LINE, MARGIN, MAX_W};
use crate::figures::toykit::{net_phrase, vec_text, verdict};
use crate::figures::{Figure, networks, style, weight_views};
use crate::kv::toy::{ToyDecomposition, ToyNet, ToyPair};
use svg::node::element::Group;

/// Space between two panels in a row.
const GAP: f64 = 24.0;

/// One pair's panel: its diagram and its lines of text.
struct Panel {
    diagram: networks::Diagram,
    lines: Vec<(String, bool)>,
    width: f64,
}

/// The grid of panels: how wide a cell is, how many per row, how high a
/// row is, and how many rows.
struct Grid {
    cell_w: f64,
    per_row: usize,
    cell_h: f64,
    rows: usize,
}

impl Grid {
    /// The width of a full row of panels.
    fn row_w(&self) -> f64 {
        self.per_row as f64 * (self.cell_w + GAP) - GAP
    }
}

/// The key-value solution: one panel per pair (its diagram, key · x, ReLU,
/// activation × value), then the contributions summed into the outputs and
/// checked against the layer-by-layer result.
pub(crate) fn pair_by_pair(id: &str, net: &ToyNet, dec: &ToyDecomposition) -> Figure {
    let title = format!("{}: pair by pair", net.title);
    let panels: Vec<Panel> = dec
        .pairs
        .iter()
        .enumerate()
        .map(|(i, p)| panel(net, dec, i, p))
        .collect();
    let cell_w = panels.iter().map(|p| p.width).fold(0.0, f64::max);
    let n = panels.len().max(1);
    let per_row = (((MAX_W + GAP) / (cell_w + GAP)).floor() as usize).clamp(1, n);
    let diag_h = panels.iter().map(|p| p.diagram.height).fold(0.0, f64::max);
    let grid = Grid {
        cell_w,
        per_row,
        cell_h: 10.0 + diag_h + LINE * 5.0 + 12.0,
        rows: n.div_ceil(per_row),
    };
    let mut doc_g = Group::new();
    for (k, p) in panels.into_iter().enumerate() {
        doc_g = place_panel(doc_g, &grid, k, p, diag_h);
    }
    let (doc_g, y, texts) = sums(doc_g, &grid, net, dec);
    let width = grid.row_w().max(width_of(&texts) + 2.0 * MARGIN).min(MAX_W);
    let desc = describe(net, dec);
    let doc = style::frame(width, y + 24.0, &title, &desc).add(doc_g);
    style::figure(
        id,
        &title,
        desc,
        doc,
        crate::figures::data::toy_net(net, Some(dec), None),
    )
}

/// Pair `i`'s diagram and lines: key and value, key · x, ReLU, what it adds.
fn panel(net: &ToyNet, dec: &ToyDecomposition, i: usize, p: &ToyPair) -> Panel {
    let c = key_calc(p, &dec.input);
    let kx = if c.has_bias {
        "match = key · x + bias"
    } else {
        "match = key · x"
    };
    let mut lines = vec![
        (
            format!(
                "pair {}: key {}, value {}",
                i + 1,
                vec_text(&p.key),
                vec_text(&p.value)
            ),
            true,
        ),
        (format!("{kx} = {}", c.products_text()), false),
    ];
    if c.sum.terms.len() > 1 {
        lines.push((format!("= {} = {}", c.sum.terms_text(), c.sum.total), false));
    } else {
        lines.push((format!("= {}", c.sum.total), false));
    }
    lines.push((relu_text(p, "pair"), false));
    lines.push((
        format!(
            "{} × {} = {}",
            style::dec(&p.activation),
            vec_text(&p.value),
            vec_text(&p.scaled)
        ),
        false,
    ));
    let diagram = weight_views::pair_star(net, i, Some(dec));
    let texts: Vec<String> = lines.iter().map(|l| l.0.clone()).collect();
    let width = diagram.width.max(width_of(&texts) + 2.0 * MARGIN + 12.0);
    Panel {
        diagram,
        lines,
        width,
    }
}

/// Adds panel `k` in its cell: a rule left of it (but in the first column),
/// its first line in bold, its diagram, and its other lines (a switched-off
/// pair in bold).
fn place_panel(mut doc_g: Group, grid: &Grid, k: usize, p: Panel, diag_h: f64) -> Group {
    let (row, col) = (k / grid.per_row, k % grid.per_row);
    let x = col as f64 * (grid.cell_w + GAP);
    let y = row as f64 * grid.cell_h;
    if col > 0 {
        doc_g = doc_g.add(
            svg::node::element::Line::new()
                .set("x1", style::r(x - GAP / 2.0))
                .set("x2", style::r(x - GAP / 2.0))
                .set("y1", style::r(y + 10.0))
                .set("y2", style::r(y + grid.cell_h - 10.0))
                .set("stroke", style::GRID)
                .set("stroke-width", style::HAIRLINE),
        );
    }
    let (first, rest) = p
        .lines
        .split_first()
        .map_or((None, &[][..]), |(a, b)| (Some(a), b));
    if let Some((s, _)) = first {
        doc_g = doc_g.add(bold(s.as_str(), x + MARGIN, y + 22.0));
    }
    doc_g = doc_g.add(p.diagram.group.set(
        "transform",
        format!("translate({},{})", style::r(x), style::r(y + 24.0)),
    ));
    for (j, (s, _)) in rest.iter().enumerate() {
        let yy = y + 24.0 + diag_h + LINE * (j as f64 + 0.6);
        let xx = x + MARGIN + if s.starts_with('=') { 40.0 } else { 0.0 };
        let off = s.contains("switched off");
        doc_g = doc_g
            .add(line(s.as_str(), xx, yy).set("font-weight", if off { "bold" } else { "normal" }));
    }
    doc_g
}

/// Adds the sum of the contributions under the panels: a rule, the heading,
/// one line per output and the check against layer by layer. Returns the
/// group, the last baseline and the texts written.
fn sums(
    mut doc_g: Group,
    grid: &Grid,
    net: &ToyNet,
    dec: &ToyDecomposition,
) -> (Group, f64, Vec<String>) {
    let mut y = grid.rows as f64 * grid.cell_h + 10.0;
    let has_b2 = net.b2.iter().any(|b| !b.is_zero());
    let head = if has_b2 {
        "outputs = b2 + the contributions of all pairs"
    } else {
        "outputs = the sum of the contributions of all pairs"
    };
    doc_g = doc_g.add(
        svg::node::element::Line::new()
            .set("x1", MARGIN)
            .set("x2", style::r((grid.row_w() - MARGIN).max(200.0)))
            .set("y1", style::r(y - 12.0))
            .set("y2", style::r(y - 12.0))
            .set("stroke", style::GRID),
    );
    doc_g = doc_g.add(bold(head, MARGIN, y + 8.0));
    let mut texts = vec![head.to_string()];
    for o in 0..dec.logits_by_pairs.len() {
        let s = contributions_sum(net, dec, o);
        let t = format!(
            "{}: {} = {}",
            net.outputs.get(o).cloned().unwrap_or_default(),
            s.terms_text(),
            s.total
        );
        y += LINE;
        doc_g = doc_g.add(line(t.as_str(), MARGIN, y + 8.0));
        texts.push(t);
    }
    let check = if dec.logits == dec.logits_by_pairs {
        format!(
            "= {}, the same as layer by layer ✓{}",
            vec_text(&dec.logits_by_pairs),
            verdict(net, &dec.prediction, " — ")
        )
    } else {
        format!(
            "= {}, but layer by layer gives {}",
            vec_text(&dec.logits_by_pairs),
            vec_text(&dec.logits)
        )
    };
    y += LINE;
    doc_g = doc_g.add(bold(check.as_str(), MARGIN, y + 8.0));
    texts.push(check);
    (doc_g, y, texts)
}

fn describe(net: &ToyNet, dec: &ToyDecomposition) -> String {
    let has_b2 = net.b2.iter().any(|b| !b.is_zero());
    let contributions: Vec<String> = dec
        .pairs
        .iter()
        .map(|p| {
            format!(
                "pair {} (match {}, ReLU {}) adds {}",
                p.index + 1,
                style::dec(&p.pre),
                style::dec(&p.activation),
                vec_text(&p.scaled)
            )
        })
        .collect();
    format!(
        "{} computed pair by pair on the input {}: {}. Together{} they make the outputs {}, the same as layer by layer{}.",
        sentence_case(&net_phrase(net)),
        vec_text(&dec.input),
        contributions.join("; "),
        if has_b2 {
            format!(" with the output biases {}", vec_text(&net.b2))
        } else {
            String::new()
        },
        vec_text(&dec.logits_by_pairs),
        verdict(net, &dec.prediction, "; ")
    )
}

/// The slide variant: fewer, larger lines for a projector. The pairs stand
/// side by side, one column each (key and value, the match, ReLU, what it
/// adds; the diagram is on the slides before), then the sum per output and
/// the check, all at [`style::SLIDE_TEXT`].
pub(crate) fn pair_by_pair_slide(id: &str, net: &ToyNet, dec: &ToyDecomposition) -> Figure {
    let size = style::SLIDE_TEXT;
    let lh = size * 1.45;
    let title = format!("{}: pair by pair", net.title);
    let columns: Vec<Vec<(String, bool)>> = dec
        .pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let c = key_calc(p, &dec.input);
            let kx = if c.has_bias {
                "key · x + bias"
            } else {
                "key · x"
            };
            let mut relu = format!(
                "ReLU({}) = {}",
                style::dec(&p.pre),
                style::dec(&p.activation)
            );
            if !p.fires {
                relu.push_str(": off");
            }
            vec![
                (format!("pair {}", i + 1), true),
                (format!("key {}", vec_text(&p.key)), false),
                (format!("value {}", vec_text(&p.value)), false),
                (format!("{kx} = {}", c.sum.total), false),
                (relu, !p.fires),
                (format!("adds {}", vec_text(&p.scaled)), true),
            ]
        })
        .collect();
    let pad = 24.0;
    let col_w = columns
        .iter()
        .flat_map(|c| c.iter())
        .map(|(s, strong)| {
            crate::figures::toykit::text_width(s, size) * if *strong { 1.12 } else { 1.0 }
        })
        .fold(0.0, f64::max)
        + 2.0 * pad;
    let n = columns.len().max(1);
    let per_row = n.min(3);
    let rows = n.div_ceil(per_row);
    let col_lines = columns.iter().map(Vec::len).max().unwrap_or(0) as f64;
    let cell_h = lh * col_lines + pad;
    let mut g = Group::new();
    for (k, col) in columns.iter().enumerate() {
        let (row, c) = (k / per_row, k % per_row);
        let x = c as f64 * col_w;
        let y = row as f64 * cell_h;
        if c > 0 {
            g = g.add(
                svg::node::element::Line::new()
                    .set("x1", style::r(x))
                    .set("x2", style::r(x))
                    .set("y1", style::r(y + 8.0))
                    .set("y2", style::r(y + cell_h - 8.0))
                    .set("stroke", style::GRID)
                    .set("stroke-width", style::STROKE),
            );
        }
        for (j, (s, strong)) in col.iter().enumerate() {
            g = g.add(
                style::text(
                    s.as_str(),
                    x + pad,
                    y + lh * (j as f64 + 1.0),
                    size,
                    "start",
                )
                .set("font-weight", if *strong { "bold" } else { "normal" }),
            );
        }
    }
    let mut y = rows as f64 * cell_h + lh * 0.5;
    let mut texts = Vec::new();
    for o in 0..dec.logits_by_pairs.len() {
        let s = contributions_sum(net, dec, o);
        let name = net.outputs.get(o).cloned().unwrap_or_default();
        texts.push((format!("{name}: {} = {}", s.terms_text(), s.total), false));
    }
    if dec.logits == dec.logits_by_pairs {
        texts.push(("same as layer by layer ✓".to_string(), true));
        // The verdict on a line of its own: appended, it ran past the edge.
        let v = verdict(net, &dec.prediction, "");
        if !v.is_empty() {
            texts.push((v, true));
        }
    } else {
        texts.push((
            format!("but layer by layer gives {}", vec_text(&dec.logits)),
            true,
        ));
    }
    for (s, strong) in &texts {
        y += lh;
        g = g.add(
            style::text(s.as_str(), pad, y, size, "start")
                .set("font-weight", if *strong { "bold" } else { "normal" }),
        );
    }
    // Bold lines run wider than `text_width` estimates for regular weight.
    let line_w = |s: &str, strong: bool| {
        crate::figures::toykit::text_width(s, size) * if strong { 1.12 } else { 1.0 }
    };
    let width = (per_row as f64 * col_w).max(
        texts
            .iter()
            .map(|(s, strong)| line_w(s, *strong))
            .fold(0.0, f64::max)
            + 2.0 * pad,
    );
    let line_y = rows as f64 * cell_h;
    g = g.add(
        svg::node::element::Line::new()
            .set("x1", style::r(pad))
            .set("x2", style::r(width - pad))
            .set("y1", style::r(line_y))
            .set("y2", style::r(line_y))
            .set("stroke", style::GRID)
            .set("stroke-width", style::STROKE),
    );
    let desc = describe(net, dec);
    let doc = style::frame(width, y + lh * 0.6, &title, &desc).add(g);
    style::figure(
        id,
        &title,
        desc,
        doc,
        crate::figures::data::toy_net(net, Some(dec), None),
    )
}
