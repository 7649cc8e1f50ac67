//! One matrix drawn as a block: its title, column and row names, the cells
//! (numbered when small, merged into runs of equal colour when large, split
//! into a positive and a negative panel for large print), the outlined row
//! or column of the chosen pair with its tag, and the legend.

use super::{Block, DARK, MARGIN, MAX_W, Mat, Outline, PanelMap, ROW_H_LARGE, ROW_H_SMALL};
use crate::figures::chart::framed;
use crate::figures::style;
use crate::figures::toykit::text_width;
use svg::node::element::{Group, Line, Rectangle};

/// How one matrix is laid out: the matrix and variant, its size in cells,
/// its colour scale, the left edge of the grid, a cell's size and the
/// grid's size.
struct Grid<'a> {
    m: &'a Mat<'a>,
    variant: style::Variant,
    small: bool,
    /// Large print: positive and negative weights in separate panels.
    split: bool,
    rows: usize,
    cols: usize,
    abs_max: f64,
    x0: f64,
    cell_w: f64,
    cell_h: f64,
    grid_w: f64,
    grid_h: f64,
}

/// One matrix with its title, row and column names, outline and legend.
pub(super) fn block(id: &str, part: &str, m: &Mat, variant: style::Variant, tag: &str) -> Block {
    let small = m.small();
    let (rows, cols) = (m.rows(), m.cols());
    let row_label_w = m
        .row_names
        .iter()
        .map(|s| text_width(s, style::SMALL))
        .fold(0.0, f64::max)
        + 8.0;
    let tag_w = text_width(tag, style::SMALL) * 1.1 + 12.0;
    let (cell_w, cell_h) = cell_size(m, variant, row_label_w, tag_w);
    let split = !small && variant == style::Variant::Print;
    let grid = Grid {
        m,
        variant,
        small,
        split,
        rows,
        cols,
        abs_max: m.abs_max(),
        x0: row_label_w,
        cell_w,
        cell_h,
        grid_w: cols as f64 * cell_w,
        grid_h: rows as f64 * cell_h,
    };
    let panels: Vec<PanelMap> = if split {
        vec![
            ("positive weights", |v| v.max(0.0)),
            ("negative weights", |v| (-v).max(0.0)),
        ]
    } else {
        vec![("", |v| v)]
    };
    let mut g = Group::new().add(
        style::text(
            format!("{}: {}", m.name, m.what),
            0.0,
            0.0,
            style::FONT_SIZE,
            "start",
        )
        .set("font-weight", "bold"),
    );
    let mut y = if small { 40.0 } else { 22.0 };
    for (panel_name, map) in &panels {
        (g, y) = panel(g, &grid, y, panel_name, *map, tag);
    }
    // Legend.
    let legend_w = 150.0;
    let ly = y + 14.0;
    let x0 = grid.x0;
    let legend = match variant {
        style::Variant::Screen | style::Variant::Slide => style::diverging_legend(
            &format!("{id}-{part}"),
            x0,
            ly,
            legend_w,
            grid.abs_max,
            &format!("{} weight", m.name),
        ),
        style::Variant::Print => gray_legend(x0, ly, legend_w, grid.abs_max, small, m.name),
    };
    g = g.add(legend);
    let width = (x0 + grid.grid_w + tag_w)
        .max(x0 + legend_w + 20.0)
        .max(
            x0 + text_width(
                &format!("|{} weight| ({})", m.name, legend_note(small)),
                style::SMALL,
            ) + 8.0,
        )
        .max(text_width(&format!("{}: {}", m.name, m.what), style::FONT_SIZE) + 10.0);
    Block {
        group: g,
        width,
        height: ly + 30.0,
    }
}

/// A cell's width and height: wide enough for every number when the matrix
/// is small, else the room left over shared by the columns.
fn cell_size(m: &Mat, variant: style::Variant, row_label_w: f64, tag_w: f64) -> (f64, f64) {
    let (rows, cols) = (m.rows(), m.cols());
    if m.small() {
        let widest = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .map(|(r, c)| text_width(&signed_text(m, r, c, variant), style::FONT_SIZE))
            .fold(0.0, f64::max);
        let names = m
            .col_names
            .iter()
            .map(|s| text_width(s, style::SMALL))
            .fold(0.0, f64::max);
        ((widest + 14.0).max(names + 6.0).max(36.0), ROW_H_SMALL)
    } else {
        let room = MAX_W - 2.0 * MARGIN - row_label_w - tag_w - 4.0;
        ((room / cols.max(1) as f64).min(24.0), ROW_H_LARGE)
    }
}

/// Adds one panel at `y` (the whole matrix, or one sign of it): its name,
/// the column names, the cells with their numbers and row names, the
/// outline with its tag, and for large matrices the first and last column
/// names. Returns where the next panel starts.
fn panel(
    mut g: Group,
    grid: &Grid,
    mut y: f64,
    panel_name: &str,
    map: fn(f64) -> f64,
    tag: &str,
) -> (Group, f64) {
    let (m, x0) = (grid.m, grid.x0);
    if !panel_name.is_empty() {
        g = g.add(style::muted(panel_name, x0, y - 4.0, "start"));
        y += 4.0;
    }
    if grid.small {
        for (c, name) in m.col_names.iter().enumerate().take(grid.cols) {
            g = g.add(style::muted(
                name.as_str(),
                x0 + (c as f64 + 0.5) * grid.cell_w,
                y - 8.0,
                "middle",
            ));
        }
    }
    let (cells, labels) = cells(grid, y, map);
    g = outline(g.add(cells).add(labels), grid, y, tag);
    if !grid.small {
        // First and last column names under the grid.
        if let (Some(first), Some(last)) = (
            m.col_names.first(),
            m.col_names.get(grid.cols.saturating_sub(1)),
        ) {
            g = g
                .add(style::muted(
                    first.as_str(),
                    x0,
                    y + grid.grid_h + 14.0,
                    "start",
                ))
                .add(style::muted(
                    last.as_str(),
                    x0 + grid.grid_w,
                    y + grid.grid_h + 14.0,
                    "end",
                ));
        }
    }
    y += grid.grid_h
        + if !grid.small {
            34.0
        } else if matches!(m.outline, Outline::Col(_)) {
            30.0
        } else {
            8.0
        };
    (g, y)
}

/// The cells of a panel at `y` (on white, with thin borders when small and
/// a frame), and their labels: the numbers (small matrices) and the row
/// names.
fn cells(grid: &Grid, y: f64, map: fn(f64) -> f64) -> (Group, Group) {
    let (m, x0) = (grid.m, grid.x0);
    let mut cells = Group::new().set("shape-rendering", "crispEdges").add(
        Rectangle::new()
            .set("x", style::r(x0))
            .set("y", style::r(y))
            .set("width", style::r(grid.grid_w))
            .set("height", style::r(grid.grid_h))
            .set("fill", style::PAPER),
    );
    let mut labels = Group::new();
    let mut runs = style::Runs::default();
    for r in 0..grid.rows {
        let yy = y + r as f64 * grid.cell_h;
        (runs, labels) = row(runs, labels, grid, r, yy, map);
        if let Some(name) = m.row_names.get(r).filter(|_| grid.small || grid.rows <= 16) {
            labels = labels.add(style::muted(
                name.as_str(),
                x0 - 6.0,
                yy + grid.cell_h / 2.0 + 4.0,
                "end",
            ));
        }
    }
    cells = runs.draw(cells);
    if grid.small {
        for c in 1..grid.cols {
            let x = x0 + c as f64 * grid.cell_w;
            cells = cells.add(thin_line(x, y, x, y + grid.grid_h));
        }
        for r in 1..grid.rows {
            let yy = y + r as f64 * grid.cell_h;
            cells = cells.add(thin_line(x0, yy, x0 + grid.grid_w, yy));
        }
    }
    cells = cells.add(framed(x0, y, grid.grid_w, grid.grid_h));
    (cells, labels)
}

/// The colour of weight `v` (after the panel's map), and whether text on
/// it should be white.
fn cell_colour(grid: &Grid, v: f64) -> (String, bool) {
    if grid.split {
        (style::magnitude_gray(v, grid.abs_max), false)
    } else {
        fill(v, grid.abs_max, grid.variant)
    }
}

/// Adds row `r` at `yy`: runs of equal fill (white skipped; a run is one
/// cell when the matrix is small), with the number in each small cell.
fn row(
    mut runs: style::Runs,
    mut labels: Group,
    grid: &Grid,
    r: usize,
    yy: f64,
    map: fn(f64) -> f64,
) -> (style::Runs, Group) {
    let (m, x0, cols) = (grid.m, grid.x0, grid.cols);
    let values = m.values.get(r).map(Vec::as_slice).unwrap_or(&[]);
    let at = |c: usize| map(values.get(c).copied().unwrap_or(0.0));
    let mut c = 0;
    while c < cols {
        let (colour, dark) = cell_colour(grid, at(c));
        let mut end = c + 1;
        if !grid.small {
            while end < cols && cell_colour(grid, at(end)).0 == colour {
                end += 1;
            }
        }
        if colour != "#ffffff" {
            let x = |c: usize| style::r(x0 + c as f64 * grid.cell_w);
            runs.add(
                &colour,
                (x(c), style::r(yy)),
                (x(end), style::r(yy + grid.cell_h)),
            );
        }
        if grid.small {
            let t = signed_text(m, r, c, grid.variant);
            labels = labels.add(
                style::text(
                    t,
                    x0 + (c as f64 + 0.5) * grid.cell_w,
                    yy + grid.cell_h / 2.0 + 4.5,
                    style::FONT_SIZE,
                    "middle",
                )
                .set("fill", if dark { style::PAPER } else { style::INK }),
            );
        }
        c = end;
    }
    (runs, labels)
}

/// Adds the outline of the chosen pair's row (W1) or column (W2) of the
/// panel at `y`, and its tag beside or under it.
fn outline(g: Group, grid: &Grid, y: f64, tag: &str) -> Group {
    let (x0, cell_w, cell_h) = (grid.x0, grid.cell_w, grid.cell_h);
    let (ox, oy, ow, oh, tx, ty, anchor) = match grid.m.outline {
        Outline::Row(r) => {
            let oy = y + r as f64 * cell_h;
            (
                x0,
                oy,
                grid.grid_w,
                cell_h,
                x0 + grid.grid_w + 6.0,
                oy + cell_h / 2.0 + 4.0,
                "start",
            )
        }
        Outline::Col(c) => {
            let ox = x0 + c as f64 * cell_w;
            (
                ox,
                y,
                cell_w,
                grid.grid_h,
                ox + cell_w / 2.0,
                y + grid.grid_h + 15.0,
                "middle",
            )
        }
    };
    g.add(
        Rectangle::new()
            .set("x", style::r(ox - 1.5))
            .set("y", style::r(oy - 1.5))
            .set("width", style::r(ow + 3.0))
            .set("height", style::r(oh + 3.0))
            .set("fill", "none")
            .set("stroke", style::HIGHLIGHT)
            .set("stroke-width", 3),
    )
    .add(
        style::text(tag, tx, ty, style::SMALL, anchor)
            .set("fill", style::HIGHLIGHT)
            .set("font-weight", "bold"),
    )
}

/// Fill of a cell, and whether its text should be white.
fn fill(v: f64, abs_max: f64, variant: style::Variant) -> (String, bool) {
    let dark = abs_max > 0.0 && v.abs() / abs_max > DARK;
    match variant {
        style::Variant::Screen | style::Variant::Slide => (style::diverging(v, abs_max), dark),
        style::Variant::Print => (style::magnitude_gray(v, abs_max), dark),
    }
}

/// The cell text; in print, positive numbers carry an explicit "+".
fn signed_text(m: &Mat, r: usize, c: usize, variant: style::Variant) -> String {
    let t = m.text(r, c);
    let zero = t.bytes().all(|b| b == b'0' || b == b'.');
    if variant == style::Variant::Print && !t.starts_with('\u{2212}') && !zero {
        format!("+{t}")
    } else {
        t
    }
}

fn thin_line(x1: f64, y1: f64, x2: f64, y2: f64) -> Line {
    Line::new()
        .set("x1", style::r(x1))
        .set("y1", style::r(y1))
        .set("x2", style::r(x2))
        .set("y2", style::r(y2))
        .set("stroke", style::GRID)
        .set("stroke-width", style::HAIRLINE)
}

fn legend_note(small: bool) -> &'static str {
    if small {
        "sign written in each cell"
    } else {
        "signs in separate panels"
    }
}

/// Print legend: white → black for the magnitude, in steps (no gradient id).
fn gray_legend(x: f64, y: f64, width: f64, abs_max: f64, small: bool, name: &str) -> Group {
    let steps = 10;
    let mut g = Group::new().set("shape-rendering", "crispEdges");
    for k in 0..steps {
        let v = abs_max * (k as f64 + 0.5) / steps as f64;
        g = g.add(
            Rectangle::new()
                .set("x", style::r(x + width * k as f64 / steps as f64))
                .set("y", style::r(y))
                .set("width", style::r(width / steps as f64))
                .set("height", 10)
                .set("fill", style::magnitude_gray(v, abs_max)),
        );
    }
    let note = legend_note(small);
    g.add(
        Rectangle::new()
            .set("x", style::r(x))
            .set("y", style::r(y))
            .set("width", style::r(width))
            .set("height", 10)
            .set("fill", "none")
            .set("stroke", style::FRAME)
            .set("stroke-width", style::HAIRLINE),
    )
    .add(style::text("0", x, y + 24.0, style::SMALL, "start"))
    .add(style::text(
        style::num(abs_max, style::places(abs_max)),
        x + width,
        y + 24.0,
        style::SMALL,
        "end",
    ))
    .add(style::muted(
        format!("|{name} weight| ({note})"),
        x,
        y - 5.0,
        "start",
    ))
}
