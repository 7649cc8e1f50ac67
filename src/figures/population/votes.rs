//! What each pair votes for against what it fires on: every judged pair
//! counted in a 10 × 10 grid (row: the digit it fires on most, column: the
//! digit its value favours), the diagonal where the two agree outlined, the
//! row and column totals, and notes on the pairs left out.

use super::{
    count_cell, count_label, digit_headers, grid_frame, ink_on, plural, sequential, share,
};
use crate::figures::Figure;
use crate::figures::chart::{rect, turned};
use crate::figures::style::{self, text};
use crate::kv::image::DIGITS;
use crate::kv::population::{VotesFiresGrid, VotesVsFires, votes_fires_grid};
use crate::num::percent;
use svg::node::element::Group;

/// Side of one cell.
const C: f64 = 38.0;
/// Top left corner of the grid.
const GX: f64 = 96.0;
const GY: f64 = 62.0;
const SIDE: f64 = C * DIGITS as f64;

/// Every pair counted by the digit its value favours (column) and the digit
/// whose images make it fire most (row); the diagonal is where the two agree.
pub(crate) fn votes_vs_fires(id: &str, v: &VotesVsFires) -> Figure {
    let g = votes_fires_grid(v);
    let max = g.counts.iter().flatten().copied().max().unwrap_or(0);
    let (w, h) = (GX + SIDE + 70.0, GY + SIDE + 108.0);
    let chance = if g.judged == 0 {
        0.0
    } else {
        g.chance_on_diagonal / g.judged as f64
    };
    let description = describe(v, &g, chance);
    let title = "What a pair votes for vs what it fires on";
    let (cells, labels) = cells(&g, max);
    let doc = style::frame(w, h, title, &description)
        .add(cells)
        .add(labels)
        .add(diagonal())
        .add(axes(&g))
        .add(notes(v, &g, chance));
    style::figure(id, title, description, doc, data(v, &g, chance))
}

/// The grid drawn (rows: the digit a pair fires on most; columns: the digit
/// its value favours) and the counts and shares written beside it.
fn data(v: &VotesVsFires, g: &VotesFiresGrid, chance: f64) -> crate::figures::data::FigureData {
    use crate::figures::data::{FigureData, j64, obj};
    use serde_json::Value;
    let on = if g.judged == 0 {
        0.0
    } else {
        g.on_diagonal as f64 / g.judged as f64
    };
    FigureData::Json(obj(vec![
        (
            "counts_fires_on_by_votes_for",
            Value::Array(
                g.counts
                    .iter()
                    .map(|r| Value::Array(r.iter().map(|&n| Value::from(n)).collect()))
                    .collect(),
            ),
        ),
        ("judged", g.judged.into()),
        ("on_diagonal", g.on_diagonal.into()),
        ("on_diagonal_percent", j64(on * 100.0)),
        ("chance_on_diagonal", j64(g.chance_on_diagonal)),
        ("chance_percent", j64(chance * 100.0)),
        ("no_favourite", g.no_favourite.into()),
        ("dead", v.dead.into()),
        ("always_on", v.always_on.into()),
        ("selective", v.selective.into()),
        ("broad", v.broad.into()),
    ]))
}

fn describe(v: &VotesVsFires, g: &VotesFiresGrid, chance: f64) -> String {
    let mut description = format!(
        "Of the {} pairs that fire and favour one digit, {} have their highest mean activation per image on the digit their value votes for (the diagonal); if the two were unrelated, about {} % would. Dead pairs: {}; always-on pairs: {}.",
        g.judged,
        share(g.on_diagonal, g.judged),
        percent(chance, 1),
        v.dead,
        v.always_on
    );
    if g.no_favourite > 0 {
        description.push_str(&format!(
            " Left out: {} that fire{s} but favour{s} no single digit.",
            plural(g.no_favourite, "pair"),
            s = if g.no_favourite == 1 { "s" } else { "" }
        ));
    }
    description
}

/// The shaded cells, and the counts written in the nonzero ones.
fn cells(g: &VotesFiresGrid, max: usize) -> (Group, Group) {
    let mut cells = Group::new().set("shape-rendering", "crispEdges");
    let mut labels = Group::new();
    for (row, counts) in g.counts.iter().enumerate() {
        for (col, &n) in counts.iter().enumerate() {
            let (x, y) = (GX + col as f64 * C, GY + row as f64 * C);
            cells = cells.add(count_cell(x, y, C, sequential(n, max)));
            if n > 0 {
                labels = labels
                    .add(count_label(n, x, y, C, style::FONT_SIZE).set("fill", ink_on(n, max)));
            }
        }
    }
    (cells, labels)
}

/// The diagonal cells outlined in the highlight colour.
fn diagonal() -> Group {
    let mut diagonal = Group::new();
    for d in 0..DIGITS {
        let (x, y) = (GX + d as f64 * C, GY + d as f64 * C);
        diagonal = diagonal.add(
            rect(x + 1.25, y + 1.25, C - 2.5, C - 2.5)
                .set("fill", "none")
                .set("stroke", style::HIGHLIGHT)
                .set("stroke-width", 2.5),
        );
    }
    diagonal
}

/// The frame, both axis titles, the digits along both axes and the row and
/// column totals.
fn axes(g: &VotesFiresGrid) -> Group {
    let mut axes = grid_frame(GX, GY, SIDE, "its value votes most for digit …")
        .add(style::muted("pairs", GX + SIDE + 30.0, GY - 12.0, "middle"))
        .add(
            turned(
                "its mean activation per image is highest on …",
                GX - 52.0,
                GY + SIDE / 2.0,
                style::FONT_SIZE,
            )
            .set("font-weight", "bold"),
        );
    for d in 0..DIGITS {
        let centre = d as f64 * C + C / 2.0;
        let col_total: usize = (0..DIGITS).map(|row| g.counts[row][d]).sum();
        let row_total: usize = g.counts[d].iter().sum();
        axes = digit_headers(axes, d, GX, GY, C)
            .add(style::muted(
                row_total.to_string(),
                GX + SIDE + 30.0,
                GY + centre + 4.0,
                "middle",
            ))
            .add(style::muted(
                col_total.to_string(),
                GX + centre,
                GY + SIDE + 16.0,
                "middle",
            ));
    }
    axes.add(style::muted("pairs", GX - 12.0, GY + SIDE + 16.0, "end"))
}

/// Three lines under the grid: the diagonal, chance, and who is left out.
fn notes(v: &VotesVsFires, g: &VotesFiresGrid, chance: f64) -> Group {
    let ny = GY + SIDE + 48.0;
    let mut left_out = vec![plural(v.dead, "dead pair")];
    if g.no_favourite > 0 {
        left_out.push(format!(
            "{} with no single favourite",
            plural(g.no_favourite, "pair")
        ));
    }
    Group::new()
        .add(
            rect(GX - 84.0, ny - 11.0, 14.0, 14.0)
                .set("fill", "none")
                .set("stroke", style::HIGHLIGHT)
                .set("stroke-width", 2.5),
        )
        .add(text(
            format!(
                "Diagonal (votes for = fires on): {} of {} pairs.",
                share(g.on_diagonal, g.judged),
                g.judged,
            ),
            GX - 62.0,
            ny,
            style::FONT_SIZE,
            "start",
        ))
        .add(text(
            format!(
                "If what a pair votes for and what it fires on were unrelated: about {} %.",
                percent(chance, 1)
            ),
            GX - 84.0,
            ny + 22.0,
            style::FONT_SIZE,
            "start",
        ))
        .add(text(
            format!(
                "Not in the table: {}. Always-on pairs (in the table): {}.",
                left_out.join(", "),
                v.always_on
            ),
            GX - 84.0,
            ny + 44.0,
            style::FONT_SIZE,
            "start",
        ))
}

/// The slide layout of [`votes_vs_fires`]: the grid with larger cells and
/// counts, both axis titles short, and beside it the diagonal's share and
/// chance in three lines; the totals and the pairs left out stay in the
/// description (and the slide's notes).
pub(crate) fn votes_vs_fires_slide(id: &str, v: &VotesVsFires) -> Figure {
    const T: f64 = style::SLIDE_TEXT;
    const SC: f64 = 46.0;
    let (gx, gy) = (T * 2.6, T * 2.9);
    let side = SC * DIGITS as f64;
    let g = votes_fires_grid(v);
    let max = g.counts.iter().flatten().copied().max().unwrap_or(0);
    let chance = if g.judged == 0 {
        0.0
    } else {
        g.chance_on_diagonal / g.judged as f64
    };
    let description = describe(v, &g, chance);
    let title = "What a pair votes for vs what it fires on";
    let mut cells = Group::new().set("shape-rendering", "crispEdges");
    let mut labels = Group::new();
    let mut frame = Group::new()
        .add(
            rect(gx, gy, side, side)
                .set("fill", "none")
                .set("stroke", style::FRAME),
        )
        .add(text("votes most for …", gx + side / 2.0, T, T, "middle").set("font-weight", "bold"))
        .add(turned("fires most on …", T, gy + side / 2.0, T).set("font-weight", "bold"));
    for (row, counts) in g.counts.iter().enumerate() {
        for (col, &n) in counts.iter().enumerate() {
            let (x, y) = (gx + col as f64 * SC, gy + row as f64 * SC);
            cells = cells.add(count_cell(x, y, SC, sequential(n, max)));
            if n > 0 {
                labels = labels.add(
                    text(
                        n.to_string(),
                        x + SC / 2.0,
                        y + SC / 2.0 + T * 0.35,
                        24.0,
                        "middle",
                    )
                    .set("fill", ink_on(n, max)),
                );
            }
        }
    }
    for d in 0..DIGITS {
        let centre = d as f64 * SC + SC / 2.0;
        let (x, y) = (gx + d as f64 * SC, gy + d as f64 * SC);
        frame = frame
            .add(text(d.to_string(), gx + centre, gy - 12.0, T, "middle"))
            .add(text(
                d.to_string(),
                gx - 10.0,
                gy + centre + T * 0.35,
                T,
                "end",
            ))
            .add(
                rect(x + 1.5, y + 1.5, SC - 3.0, SC - 3.0)
                    .set("fill", "none")
                    .set("stroke", style::HIGHLIGHT)
                    .set("stroke-width", 3),
            );
    }
    let nx = gx + side + 40.0;
    let lh = T * 1.5;
    let ny = gy + T;
    let notes = Group::new()
        .add(
            rect(nx, ny - T * 0.8, T * 0.8, T * 0.8)
                .set("fill", "none")
                .set("stroke", style::HIGHLIGHT)
                .set("stroke-width", 3),
        )
        .add(text("votes for = fires on:", nx + T * 1.2, ny, T, "start"))
        .add(
            text(
                format!("{} of {} pairs", share(g.on_diagonal, g.judged), g.judged),
                nx,
                ny + lh,
                T,
                "start",
            )
            .set("font-weight", "bold"),
        )
        .add(text("if unrelated:", nx, ny + 2.6 * lh, T, "start"))
        .add(text(
            format!("about {} %", percent(chance, 0)),
            nx,
            ny + 3.6 * lh,
            T,
            "start",
        ));
    let w = nx + T * 14.0;
    let h = gy + side + 12.0;
    let doc = style::frame(w, h, title, &description)
        .add(cells)
        .add(labels)
        .add(frame)
        .add(notes);
    style::figure(id, title, description, doc, data(v, &g, chance))
}
