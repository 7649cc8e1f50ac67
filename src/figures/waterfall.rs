//! The waterfall of one image: start at the output bias b2, add the top
//! pairs' scaled values one by one, then the rest in one labelled term, and
//! arrive at the logits. Two digits are followed as floating bars: the
//! prediction and either the runner-up (the lead) or, on a misread image,
//! the true digit (the margin; `Waterfall::versus` says which). A table
//! under the bars writes each step's numbers and the lead or margin after it.
//!
//! Input: `kv::image::{Waterfall, ImageAnalysis}`; output: `Figure`.

use super::Figure;
use super::chart::{Ticks, gridline, nice_ticks, turned_note, y_grid};
use super::digitkit::{a_digit, at, heading, prediction_name, ranking_name};
use super::style::{self, num, r, signed};
use crate::kv::image::{DIGITS, ImageAnalysis, Prediction, Versus, Waterfall};
use svg::node::element::{Group, Line, Rectangle};

mod slide;
pub(crate) use slide::waterfall_slide;

const LEFT: f64 = 92.0;
const RIGHT: f64 = 20.0;
const MAX_W: f64 = 960.0;
const MIN_W: f64 = 760.0;
const TOP: f64 = 88.0;
const PLOT_H: f64 = 250.0;
/// Decimals of every number written.
const D: usize = 2;

/// One column: its label (two lines), the running logits before and after
/// it, what it adds, and the lead after it.
struct Column {
    label: (String, String),
    from: [f64; DIGITS],
    to: [f64; DIGITS],
    adds: [f64; DIGITS],
    /// The final bar (from zero) is drawn solid.
    total: bool,
}

fn columns(w: &Waterfall) -> Vec<Column> {
    let zero = [0.0; DIGITS];
    let mut cols = vec![Column {
        label: ("b2".to_string(), "output bias".to_string()),
        from: zero,
        to: w.b2,
        adds: w.b2,
        total: false,
    }];
    let mut running = w.b2;
    for (i, s) in w.steps.iter().enumerate() {
        cols.push(Column {
            label: (format!("#{}", i + 1), format!("pair {}", s.pair)),
            from: running,
            to: s.logits,
            adds: s.scaled,
            total: false,
        });
        running = s.logits;
    }
    cols.push(Column {
        label: ("rest".to_string(), pairs(w.rest_pairs)),
        from: running,
        to: std::array::from_fn(|d| running[d] + w.rest[d]),
        adds: w.rest,
        total: false,
    });
    cols.push(Column {
        label: ("= logits".to_string(), String::new()),
        from: zero,
        to: w.logits,
        adds: w.logits,
        total: true,
    });
    cols
}

/// "1 pair", "8 pairs".
fn pairs(n: usize) -> String {
    if n == 1 {
        "1 pair".to_string()
    } else {
        format!("{n} pairs")
    }
}

/// How the steps were chosen, if they follow one of the analysis' rankings.
fn steps_ranking(w: &Waterfall, a: &ImageAnalysis) -> String {
    let steps: Vec<usize> = w.steps.iter().map(|s| s.pair).collect();
    if w.versus == Versus::TrueDigit {
        return format!(
            "ranked by what they add to the margin of {} over the true digit {}",
            a.top, w.against
        );
    }
    ranking_name(&steps, a).to_string()
}

/// "lead 2 − 6" or "margin 2 − 4": the name of the followed difference.
fn difference_name(w: &Waterfall, t: usize) -> String {
    match w.versus {
        Versus::RunnerUp => format!("lead {t} − {}", w.against),
        Versus::TrueDigit => format!("margin {t} − {}", w.against),
    }
}

/// The chart's geometry: the two digits followed, the figure and column
/// widths, the logit scale and where the table starts.
struct Plot {
    t: usize,
    ru: usize,
    /// "lead 2 − 6" or "margin 2 − 4".
    diff: String,
    width: f64,
    col_w: f64,
    ticks: Ticks,
    table_y: f64,
}

impl Plot {
    fn sy(&self, v: f64) -> f64 {
        let (lo, hi) = (self.ticks.lo, self.ticks.hi);
        TOP + PLOT_H - (v - lo) / (hi - lo) * PLOT_H
    }
    fn lead_of(&self, l: &[f64; DIGITS]) -> f64 {
        l[self.t] - l[self.ru]
    }
}

/// Figure 7, the waterfall of the top pairs for the predicted digit and the
/// runner-up, or, on a misread image's margin waterfall, the true digit.
pub(crate) fn waterfall(id: &str, w: &Waterfall, a: &ImageAnalysis) -> Figure {
    let (t, ru) = (a.top, w.against);
    let cols = columns(w);
    let n = cols.len() as f64;
    let width = (LEFT + RIGHT + n * 84.0).clamp(MIN_W, MAX_W);
    // Vertical scale: every running value of both digits, and zero.
    let values = cols
        .iter()
        .flat_map(|c| [c.from[t], c.to[t], c.from[ru], c.to[ru]])
        .chain([0.0]);
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let plot = Plot {
        t,
        ru,
        diff: difference_name(w, t),
        width,
        col_w: (width - LEFT - RIGHT) / n,
        ticks: nice_ticks(lo, hi, 5),
        table_y: TOP + PLOT_H + 44.0,
    };
    let truth = a
        .label
        .map_or(String::new(), |l| format!(" of {}", a_digit(l)));
    let title = match w.versus {
        Versus::RunnerUp => format!("How the logits of {t} and {ru} build up"),
        Versus::TrueDigit => {
            format!("Why {t} beat the true digit {ru}: how the two logits build up")
        }
    };
    let description = describe(w, a, &plot, &truth);
    let height = plot.table_y + 3.0 * 18.0 + 40.0;
    let mut g = axis(&plot);
    for (i, c) in cols.iter().enumerate() {
        g = column(g, &plot, i, c, cols.len());
    }
    let doc = style::frame(width, height, &title, &description)
        .add(heading(format!(
            "Image{truth} read as {}: from b2 through the top {} and the rest to the logits",
            prediction_name(&a.prediction),
            pairs(w.steps.len()),
        )))
        .add(at(legend(w, a), 20.0, 38.0))
        .add(table_labels(g, &plot));
    style::figure(id, &title, description, doc, super::data::waterfall(w, t))
}

fn describe(w: &Waterfall, a: &ImageAnalysis, plot: &Plot, truth: &str) -> String {
    let (t, ru) = (plot.t, plot.ru);
    let (what, of) = match w.versus {
        Versus::RunnerUp => ("lead", format!("the lead of {t} over {ru}")),
        Versus::TrueDigit => (
            "margin",
            format!("the margin of {t} over the true digit {ru}"),
        ),
    };
    format!(
        "Waterfall for an image{truth} read as {}: the output bias b2 gives {t} {} and {ru} {} ({what} {}); the top {}, {}, {} {of} to {}; the other {} {} {} to it; final logits {t}: {}, {ru}: {}, {what} {}.",
        prediction_name(&a.prediction),
        num(w.b2[t], D),
        num(w.b2[ru], D),
        signed(plot.lead_of(&w.b2), D),
        pairs(w.steps.len()),
        steps_ranking(w, a),
        if w.steps.len() == 1 {
            "brings"
        } else {
            "bring"
        },
        signed(w.steps.last().map_or(plot.lead_of(&w.b2), |s| s.lead), D),
        pairs(w.rest_pairs),
        if w.rest_pairs == 1 { "adds" } else { "add" },
        signed(plot.lead_of(&w.rest), D),
        num(w.logits[t], D),
        num(w.logits[ru], D),
        signed(plot.lead_of(&w.logits), D),
    )
}

/// The horizontal grid with the y axis labels, the zero line and the
/// axis name.
fn axis(plot: &Plot) -> Group {
    let x1 = plot.width - RIGHT;
    let ticks = plot
        .ticks
        .values
        .iter()
        .map(|&v| (plot.sy(v), num(v, plot.ticks.decimals)));
    y_grid(Group::new(), ticks, (LEFT, x1), LEFT - 8.0, false)
        .add(
            gridline(LEFT, x1, plot.sy(0.0))
                .set("stroke", style::INK)
                .set("stroke-width", style::HAIRLINE),
        )
        .add(turned_note("logit", 18.0, TOP + PLOT_H / 2.0))
}

/// Adds column `i`: its two floating bars with their connectors to the
/// next column, its label, and its numbers in the table.
fn column(mut plot_g: Group, plot: &Plot, i: usize, c: &Column, n_cols: usize) -> Group {
    let (t, ru, col_w) = (plot.t, plot.ru, plot.col_w);
    let x = LEFT + i as f64 * col_w;
    if c.total {
        plot_g = plot_g.add(
            Line::new()
                .set("x1", r(x))
                .set("x2", r(x))
                .set("y1", TOP)
                .set("y2", r(TOP + PLOT_H))
                .set("stroke", style::GRID)
                .set("stroke-dasharray", "4 3"),
        );
    }
    let bar_w = col_w * 0.32;
    for (k, digit) in [t, ru].into_iter().enumerate() {
        let bx = x + col_w * 0.16 + k as f64 * (bar_w + col_w * 0.04);
        let (y0, y1) = (plot.sy(c.from[digit]), plot.sy(c.to[digit]));
        let (top_y, h) = (y0.min(y1), (y1 - y0).abs().max(1.0));
        let bar = Rectangle::new()
            .set("x", r(bx))
            .set("y", r(top_y))
            .set("width", r(bar_w))
            .set("height", r(h));
        plot_g = plot_g.add(if k == 0 {
            bar.set("fill", style::SERIES_A)
                .set("fill-opacity", if c.total { 1.0 } else { 0.85 })
        } else {
            bar.set("fill", if c.total { "#f6d5c2" } else { style::PAPER })
                .set("stroke", style::SERIES_B)
                .set("stroke-width", style::STROKE)
        });
        // Connector to the next column's start.
        if i + 2 < n_cols {
            plot_g = plot_g.add(connector(bx + bar_w, bx + col_w, y1, k));
        }
    }
    let cx = x + col_w / 2.0;
    plot_g = plot_g
        .add(
            style::text(
                c.label.0.clone(),
                cx,
                TOP + PLOT_H + 16.0,
                style::SMALL,
                "middle",
            )
            .set("font-weight", "bold"),
        )
        .add(style::muted(
            c.label.1.clone(),
            cx,
            TOP + PLOT_H + 30.0,
            "middle",
        ));
    table_column(plot_g, plot, i, c, cx)
}

/// Adds what column `i` adds to each digit, and the lead after it.
fn table_column(g: Group, plot: &Plot, i: usize, c: &Column, cx: f64) -> Group {
    let (t, ru, table_y) = (plot.t, plot.ru, plot.table_y);
    let lead = plot.lead_of(&c.to);
    let adds = |v: f64| {
        if i == 0 || c.total {
            num(v, D)
        } else {
            signed(v, D)
        }
    };
    g.add(
        style::text(adds(c.adds[t]), cx, table_y + 14.0, style::SMALL, "middle")
            .set("fill", style::SERIES_A),
    )
    .add(
        style::text(adds(c.adds[ru]), cx, table_y + 32.0, style::SMALL, "middle")
            .set("fill", style::SERIES_B),
    )
    .add(
        style::text(signed(lead, D), cx, table_y + 50.0, style::SMALL, "middle").set(
            "font-weight",
            if lead < 0.0 || c.total {
                "bold"
            } else {
                "normal"
            },
        ),
    )
}

/// Adds the names of the table's rows and the rule above it.
fn table_labels(g: Group, plot: &Plot) -> Group {
    let (t, ru, table_y) = (plot.t, plot.ru, plot.table_y);
    let row_label = |s: String, y: f64| style::text(s, LEFT - 8.0, y, style::SMALL, "end");
    g.add(row_label(format!("adds to {t}"), table_y + 14.0).set("fill", style::SERIES_A))
        .add(row_label(format!("adds to {ru}"), table_y + 32.0).set("fill", style::SERIES_B))
        .add(row_label(plot.diff.clone(), table_y + 50.0).set("font-weight", "bold"))
        .add(
            Line::new()
                .set("x1", 8)
                .set("x2", r(plot.width - RIGHT))
                .set("y1", r(table_y))
                .set("y2", r(table_y))
                .set("stroke", style::GRID),
        )
}

/// The two digits' swatches and how the steps were chosen, above the plot.
fn legend(w: &Waterfall, a: &ImageAnalysis) -> Group {
    let (t, ru) = (a.top, w.against);
    let (name_t, name_r) = match (&a.prediction, w.versus) {
        (Prediction::Unique(_), Versus::TrueDigit) => (
            format!("{t} (the answer)"),
            format!("{ru} (the true digit)"),
        ),
        (Prediction::Unique(_), Versus::RunnerUp) => {
            (format!("{t} (predicted)"), format!("{ru} (runner-up)"))
        }
        (Prediction::Tie(_), _) => (format!("{t} (tied top)"), format!("{ru} (tied)")),
    };
    Group::new()
        .add(
            Rectangle::new()
                .set("x", 0)
                .set("y", 0)
                .set("width", 14)
                .set("height", 12)
                .set("fill", style::SERIES_A),
        )
        .add(style::text(
            format!("logit of {name_t}"),
            20.0,
            11.0,
            style::SMALL,
            "start",
        ))
        .add(
            Rectangle::new()
                .set("x", 190)
                .set("y", 0)
                .set("width", 14)
                .set("height", 12)
                .set("fill", style::PAPER)
                .set("stroke", style::SERIES_B)
                .set("stroke-width", style::STROKE),
        )
        .add(style::text(
            format!("logit of {name_r}"),
            210.0,
            11.0,
            style::SMALL,
            "start",
        ))
        .add(style::muted(
            format!(
                "top pairs {}; each bar runs from the logit before a step to the logit after it",
                steps_ranking(w, a)
            ),
            0.0,
            32.0,
            "start",
        ))
}

/// The dashed line that carries series `k`'s running logit `y` from the end
/// of one bar (`x1`) to the next column (`x2`).
fn connector(x1: f64, x2: f64, y: f64, k: usize) -> Line {
    Line::new()
        .set("x1", r(x1))
        .set("x2", r(x2))
        .set("y1", r(y))
        .set("y2", r(y))
        .set(
            "stroke",
            if k == 0 {
                style::SERIES_A
            } else {
                style::SERIES_B
            },
        )
        .set("stroke-width", style::HAIRLINE)
        .set("stroke-dasharray", "3 2")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::image::{Ranking, analyse};
    use crate::kv::testnet;

    #[test]
    fn the_slide_waterfall_writes_the_pairs_and_the_running_lead() {
        let m = testnet::net();
        let s = testnet::split(1);
        let a = analyse(&m, s.image(8), Some(8));
        let w = a.waterfall(Ranking::Decision, 1);
        let f = crate::figures::testing::assert_slide(|| waterfall_slide("wfs", &w, &a));
        assert_eq!(f.description, waterfall("wfs", &w, &a).description);
        let svg = f.to_svg_string();
        assert!(
            svg.contains(">\n8\n<") && svg.contains(">\n+2.00\n<"),
            "{svg}"
        );
        assert!(
            svg.contains(">\nlead\n<") && svg.contains(">\nrest\n<"),
            "{svg}"
        );
    }

    #[test]
    fn fixture_waterfall_follows_pair_8_to_the_wrong_digit() {
        let m = testnet::net();
        let s = testnet::split(1);
        let a = analyse(&m, s.image(8), Some(8));
        let w = a.waterfall(Ranking::Decision, 1);
        let f = waterfall("wf", &w, &a);
        assert_sound(&f);
        assert_eq!(f.to_svg_string(), waterfall("wf", &w, &a).to_svg_string());
        // Pair 8 votes 2 for 3; pair 11 adds 0.5 to every digit. b2 = 0.
        assert!(
            f.description.contains("image of an 8 read as 3"),
            "{}",
            f.description
        );
        assert!(
            f.description
                .contains("brings the lead of 3 over 0 to +2.00")
        );
        assert!(
            f.description
                .contains("the top 1 pair, ranked by their part in the lead, brings")
        );
        assert!(f.description.contains("the other 1 pair adds 0.00"));
        assert!(
            f.description
                .contains("final logits 3: 2.50, 0: 0.50, lead +2.00")
        );
        assert!(f.description.contains("ranked by their part in the lead"));
        let svg = f.to_svg_string();
        assert!(svg.contains("pair 8") && svg.contains("1 pair\n"));
        insta::assert_snapshot!("waterfall_fixture", svg);
    }

    #[test]
    fn waterfall_on_a_random_net_adds_up() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let m = crate::nn::Mlp::init(40, &mut rng);
        let img: Vec<u8> = (0..crate::data::PIXELS)
            .map(|p| if (p / 28).abs_diff(14) < 4 { 180 } else { 0 })
            .collect();
        let a = analyse(&m, &img, Some(4));
        for (r, top) in [
            (Ranking::Decision, 8),
            (Ranking::L1, 5),
            (Ranking::Decision, 0),
        ] {
            let w = a.waterfall(r, top);
            let f = waterfall("wf", &w, &a);
            assert_sound(&f);
            let lead = signed(a.logits[a.top] - a.logits[a.runner_up], 2);
            assert!(
                f.description.contains(&format!("lead {lead}.")),
                "{}",
                f.description
            );
            assert!(
                f.description
                    .contains(&format!("other {} pairs", a.active - top.min(a.active)))
            );
        }
        assert!(
            waterfall("wf", &a.waterfall(Ranking::L1, 5), &a)
                .description
                .contains("L1 norm")
        );
    }

    #[test]
    fn a_misread_image_is_drawn_against_its_true_digit() {
        // The test net reads an 8 as 3; against the true digit 8 the
        // figure follows 3 and 8 and names the margin.
        let m = testnet::net();
        let s = testnet::split(1);
        let a = analyse(&m, s.image(8), Some(8));
        let w = a.margin_waterfall(1).expect("misread");
        let f = waterfall("wf", &w, &a);
        assert_sound(&f);
        assert_eq!(
            f.title,
            "Why 3 beat the true digit 8: how the two logits build up"
        );
        assert!(
            f.description
                .contains("brings the margin of 3 over the true digit 8 to +2.00"),
            "{}",
            f.description
        );
        assert!(
            f.description.contains("3: 2.50, 8: 0.50, margin +2.00."),
            "{}",
            f.description
        );
        let svg = f.to_svg_string();
        assert!(
            svg.contains("margin 3 − 8") && svg.contains("8 (the true digit)"),
            "{svg}"
        );
        assert!(!svg.contains("runner-up"), "{svg}");
    }

    #[test]
    fn a_tie_is_drawn_as_a_tie() {
        let m = testnet::net();
        // A blank image: nothing fires, b2 = 0, all ten digits tie.
        let a = analyse(&m, &[0u8; crate::data::PIXELS], None);
        let w = a.waterfall(Ranking::Decision, 3);
        let f = waterfall("wf", &w, &a);
        assert_sound(&f);
        assert!(
            f.description.contains("read as a tie of 0, 1"),
            "{}",
            f.description
        );
        assert!(f.to_svg_string().contains("0 (tied top)"));
    }
}
