//! The test set as a population: what each pair votes for against what it
//! fires on, selective pairs per digit, and knock-outs with their random
//! control. Draws what `kv::population` computed; counts per cell and per
//! digit come from `votes_fires_grid` and `selective_by_digit`.

use super::Figure;
use super::style::{self, r, text};
use crate::kv::image::DIGITS;
use crate::kv::population::{
    Knockout, KnockoutMode, VotesVsFires, selective_by_digit, votes_fires_grid,
};
use crate::num::percent;
use svg::node::element::{Definitions, Group, Line, Pattern, Rectangle};

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

pub(crate) fn rect(x: f64, y: f64, w: f64, h: f64) -> Rectangle {
    Rectangle::new()
        .set("x", r(x))
        .set("y", r(y))
        .set("width", r(w.max(0.0)))
        .set("height", r(h.max(0.0)))
}

pub(crate) fn line(x1: f64, y1: f64, x2: f64, y2: f64, colour: &str, width: f64) -> Line {
    Line::new()
        .set("x1", r(x1))
        .set("y1", r(y1))
        .set("x2", r(x2))
        .set("y2", r(y2))
        .set("stroke", colour)
        .set("stroke-width", width)
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

/// A round step for an axis from 0 to `max` with about five ticks.
pub(crate) fn nice_step(max: f64) -> f64 {
    if max.is_nan() || max <= 0.0 {
        return 1.0;
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
        .max(1.0)
}

/// Every pair counted by the digit its value favours (column) and the digit
/// whose images make it fire most (row); the diagonal is where the two agree.
pub fn votes_vs_fires(id: &str, v: &VotesVsFires) -> Figure {
    const C: f64 = 38.0;
    const GX: f64 = 96.0;
    const GY: f64 = 62.0;
    let g = votes_fires_grid(v);
    let max = g.counts.iter().flatten().copied().max().unwrap_or(0);
    let side = C * DIGITS as f64;
    let (w, h) = (GX + side + 70.0, GY + side + 108.0);

    let chance = if g.judged == 0 {
        0.0
    } else {
        g.chance_on_diagonal / g.judged as f64
    };
    let mut description = format!(
        "Of the {} pairs that fire and favour one digit, {} fire most on images of the digit their value votes for (the diagonal); if the two were unrelated, about {} % would. Dead pairs: {}; always-on pairs: {}.",
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
    let title = "What a pair votes for vs what it fires on";

    let mut cells = Group::new().set("shape-rendering", "crispEdges");
    let mut labels = Group::new();
    for (row, counts) in g.counts.iter().enumerate() {
        for (col, &n) in counts.iter().enumerate() {
            let (x, y) = (GX + col as f64 * C, GY + row as f64 * C);
            cells = cells.add(
                rect(x, y, C, C)
                    .set("fill", sequential(n, max))
                    .set("stroke", style::GRID)
                    .set("stroke-width", style::HAIRLINE),
            );
            if n > 0 {
                labels = labels.add(
                    text(
                        n.to_string(),
                        x + C / 2.0,
                        y + C / 2.0 + 4.5,
                        style::FONT_SIZE,
                        "middle",
                    )
                    .set("fill", ink_on(n, max)),
                );
            }
        }
    }
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
    let mut axes = Group::new()
        .add(
            rect(GX, GY, side, side)
                .set("fill", "none")
                .set("stroke", style::FRAME)
                .set("stroke-width", style::HAIRLINE),
        )
        .add(
            text(
                "its value votes most for digit …",
                GX + side / 2.0,
                GY - 32.0,
                style::FONT_SIZE,
                "middle",
            )
            .set("font-weight", "bold"),
        )
        .add(
            text("pairs", GX + side + 30.0, GY - 12.0, style::SMALL, "middle")
                .set("fill", style::MUTED),
        )
        .add(
            text(
                "it fires most on images of …",
                0.0,
                0.0,
                style::FONT_SIZE,
                "middle",
            )
            .set("font-weight", "bold")
            .set(
                "transform",
                format!(
                    "translate({} {}) rotate(-90)",
                    r(GX - 52.0),
                    r(GY + side / 2.0)
                ),
            ),
        );
    for d in 0..DIGITS {
        let centre = d as f64 * C + C / 2.0;
        let col_total: usize = (0..DIGITS).map(|row| g.counts[row][d]).sum();
        let row_total: usize = g.counts[d].iter().sum();
        axes = axes
            .add(text(
                d.to_string(),
                GX + centre,
                GY - 10.0,
                style::FONT_SIZE,
                "middle",
            ))
            .add(text(
                d.to_string(),
                GX - 12.0,
                GY + centre + 4.5,
                style::FONT_SIZE,
                "end",
            ))
            .add(
                text(
                    row_total.to_string(),
                    GX + side + 30.0,
                    GY + centre + 4.0,
                    style::SMALL,
                    "middle",
                )
                .set("fill", style::MUTED),
            )
            .add(
                text(
                    col_total.to_string(),
                    GX + centre,
                    GY + side + 16.0,
                    style::SMALL,
                    "middle",
                )
                .set("fill", style::MUTED),
            );
    }
    axes = axes.add(
        text("pairs", GX - 12.0, GY + side + 16.0, style::SMALL, "end").set("fill", style::MUTED),
    );
    let ny = GY + side + 48.0;
    let notes = Group::new()
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
            {
                let mut left_out = vec![plural(v.dead, "dead pair")];
                if g.no_favourite > 0 {
                    left_out.push(format!(
                        "{} with no single favourite",
                        plural(g.no_favourite, "pair")
                    ));
                }
                format!(
                    "Not in the table: {}. Always-on pairs (in the table): {}.",
                    left_out.join(", "),
                    v.always_on
                )
            },
            GX - 84.0,
            ny + 44.0,
            style::FONT_SIZE,
            "start",
        ));
    let doc = style::frame(w, h, title, &description)
        .add(cells)
        .add(labels)
        .add(diagonal)
        .add(axes)
        .add(notes);
    style::figure(id, title, description, doc)
}

/// Per digit: how many selective pairs vote for it and how many fire most on
/// its images.
pub fn selective_per_digit(id: &str, v: &VotesVsFires) -> Figure {
    const X0: f64 = 64.0;
    const TOP: f64 = 64.0;
    const PH: f64 = 200.0;
    const BAR: f64 = 20.0;
    const GROUP: f64 = 56.0;
    let s = selective_by_digit(v);
    let list = |a: &[usize; DIGITS]| {
        a.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let both: usize = s.both.iter().sum();
    let mut description = format!(
        "Of the {} selective pairs (at least {} % of their activation from one digit), the value votes for digits 0 to 9: {}; they fire most on digits 0 to 9: {}; {} do both for the same digit.",
        s.selective,
        percent(crate::kv::population::SELECTIVE_SHARE, 0),
        list(&s.votes_for),
        list(&s.fires_on),
        share(both, s.selective)
    );
    if s.no_favourite > 0 {
        description.push_str(&format!(
            " {} selective pairs favour no single digit.",
            s.no_favourite
        ));
    }
    let title = "Selective pairs per digit";
    let max = s
        .votes_for
        .iter()
        .chain(&s.fires_on)
        .copied()
        .max()
        .unwrap_or(0);
    let step = nice_step(max as f64);
    let top = ((max as f64 / step).ceil() * step).max(step);
    let sy = |n: f64| TOP + PH - n / top * PH;
    let w = X0 + GROUP * DIGITS as f64 + 24.0;
    let h = TOP + PH + 92.0;
    let hatch_id = format!("{id}-hatch");

    let mut axis = Group::new();
    let ticks = (top / step).round() as usize;
    for t in 0..=ticks {
        let n = t as f64 * step;
        axis = axis
            .add(line(
                X0,
                sy(n),
                X0 + GROUP * DIGITS as f64,
                sy(n),
                style::GRID,
                style::HAIRLINE,
            ))
            .add(text(
                style::num(n, 0),
                X0 - 8.0,
                sy(n) + 4.0,
                style::SMALL,
                "end",
            ));
    }
    axis = axis.add(
        text("selective pairs", 0.0, 0.0, style::SMALL, "middle")
            .set("fill", style::MUTED)
            .set(
                "transform",
                format!(
                    "translate({} {}) rotate(-90)",
                    r(X0 - 40.0),
                    r(TOP + PH / 2.0)
                ),
            ),
    );
    let mut bars = Group::new();
    for d in 0..DIGITS {
        let gx = X0 + d as f64 * GROUP + (GROUP - 2.0 * BAR - 4.0) / 2.0;
        for (j, n) in [s.votes_for[d], s.fires_on[d]].into_iter().enumerate() {
            let x = gx + j as f64 * (BAR + 4.0);
            let fill = if j == 0 {
                style::SERIES_A.to_string()
            } else {
                format!("url(#{hatch_id})")
            };
            let stroke = if j == 0 {
                style::SERIES_A
            } else {
                style::SERIES_B
            };
            if n > 0 {
                bars = bars.add(
                    rect(x, sy(n as f64), BAR, PH - (sy(n as f64) - TOP))
                        .set("fill", fill)
                        .set("stroke", stroke)
                        .set("stroke-width", style::HAIRLINE),
                );
            }
            bars = bars.add(text(
                n.to_string(),
                x + BAR / 2.0,
                sy(n as f64) - 4.0,
                style::SMALL,
                "middle",
            ));
        }
        bars = bars.add(text(
            d.to_string(),
            X0 + d as f64 * GROUP + GROUP / 2.0,
            TOP + PH + 18.0,
            style::FONT_SIZE,
            "middle",
        ));
    }
    bars = bars
        .add(line(
            X0,
            TOP + PH,
            X0 + GROUP * DIGITS as f64,
            TOP + PH,
            style::INK,
            style::HAIRLINE,
        ))
        .add(
            text(
                "digit",
                X0 + GROUP * DIGITS as f64 / 2.0,
                TOP + PH + 36.0,
                style::FONT_SIZE,
                "middle",
            )
            .set("fill", style::MUTED),
        );
    let legend = Group::new()
        .add(rect(X0, 16.0, 14.0, 14.0).set("fill", style::SERIES_A))
        .add(text(
            "value votes most for the digit",
            X0 + 20.0,
            28.0,
            style::FONT_SIZE,
            "start",
        ))
        .add(
            rect(X0 + 250.0, 16.0, 14.0, 14.0)
                .set("fill", format!("url(#{hatch_id})"))
                .set("stroke", style::SERIES_B),
        )
        .add(text(
            "fires most on images of the digit",
            X0 + 270.0,
            28.0,
            style::FONT_SIZE,
            "start",
        ));
    let note = Group::new()
        .add(
            text(
                format!(
                    "{}: at least {} % of a pair's activation comes from images of one digit.",
                    plural(s.selective, "selective pair"),
                    percent(crate::kv::population::SELECTIVE_SHARE, 0)
                ),
                X0,
                h - 30.0,
                style::SMALL,
                "start",
            )
            .set("fill", style::MUTED),
        )
        .add(
            text(
                format!(
                    "{} vote for the digit they fire on most.",
                    share(both, s.selective)
                ),
                X0,
                h - 12.0,
                style::SMALL,
                "start",
            )
            .set("fill", style::MUTED),
        );
    let doc = style::frame(w, h, title, &description)
        .add(Definitions::new().add(hatch(&hatch_id, style::SERIES_B)))
        .add(axis)
        .add(bars)
        .add(legend)
        .add(note);
    style::figure(id, title, description, doc)
}

/// Short name of a knock-out treatment, for legends and descriptions.
pub fn mode_label(mode: KnockoutMode) -> &'static str {
    match mode {
        KnockoutMode::Zero => "zeroed",
        KnockoutMode::Mean => "set to their mean",
        KnockoutMode::Refit => "zeroed, b2 refitted",
    }
}

fn mode_colour(mode: KnockoutMode) -> &'static str {
    match mode {
        KnockoutMode::Zero => style::SERIES_B,
        KnockoutMode::Mean => style::SERIES_E,
        KnockoutMode::Refit => style::SERIES_C,
    }
}

/// One bar series of the knock-out chart.
struct Series {
    label: String,
    accuracy: [f64; DIGITS],
    fill: String,
    stroke: &'static str,
}

/// Per-digit accuracy before and after knocking out the pairs that vote most
/// for one digit, for each treatment given, each beside its random control.
/// All runs must be for the same digit and k (the first run's are used).
pub fn knockout_bars(id: &str, runs: &[Knockout]) -> Figure {
    let title = "Knock-out of a digit's pairs";
    let Some(first) = runs.first() else {
        let description = "No knock-out runs to show.".to_string();
        let doc = style::frame(320.0, 60.0, title, &description).add(text(
            description.clone(),
            16.0,
            34.0,
            style::FONT_SIZE,
            "start",
        ));
        return style::figure(id, title, description, doc);
    };
    let (digit, k) = (first.digit.min(DIGITS - 1), first.k);
    let pct = |x: f64| format!("{} %", percent(x, 1));

    // Description: the target digit's numbers, then the overall accuracy.
    let after: Vec<String> = runs
        .iter()
        .map(|run| {
            format!(
                "{} ({})",
                pct(run.targeted.accuracy[digit]),
                mode_label(run.mode)
            )
        })
        .collect();
    let control: Vec<String> = runs
        .iter()
        .map(|run| {
            format!(
                "{} ({})",
                pct(run.control.accuracy[digit]),
                mode_label(run.mode)
            )
        })
        .collect();
    let falls = runs
        .iter()
        .all(|run| run.targeted.accuracy[digit] < first.before[digit]);
    let overall: Vec<String> = runs
        .iter()
        .map(|run| {
            format!(
                "{} ({}; random {})",
                pct(run.targeted.overall),
                mode_label(run.mode),
                pct(run.control.overall)
            )
        })
        .collect();
    let description = format!(
        "Knocking out the {} that {} most for {digit} {} {digit}'s accuracy from {} to {}; with {} chosen at random instead it is {}. Accuracy on all digits: {} before, {} after.",
        plural(k, "pair"),
        if k == 1 { "votes" } else { "vote" },
        if falls { "drops" } else { "changes" },
        pct(first.before[digit]),
        after.join(", "),
        plural(k, "pair"),
        control.join(", "),
        pct(first.before_overall),
        overall.join(", ")
    );

    // Series: before, then each run beside its control.
    let mut series = vec![Series {
        label: "before".to_string(),
        accuracy: first.before,
        fill: style::PAPER.to_string(),
        stroke: style::INK,
    }];
    let mut patterns = Definitions::new();
    for (j, run) in runs.iter().enumerate() {
        let colour = mode_colour(run.mode);
        let hatch_id = format!("{id}-hatch-{j}");
        patterns = patterns.add(hatch(&hatch_id, colour));
        series.push(Series {
            label: format!("top {k} for {digit} {}", mode_label(run.mode)),
            accuracy: run.targeted.accuracy,
            fill: colour.to_string(),
            stroke: colour,
        });
        series.push(Series {
            label: format!("{k} random pairs {}", mode_label(run.mode)),
            accuracy: run.control.accuracy,
            fill: format!("url(#{hatch_id})"),
            stroke: colour,
        });
    }

    let nb = series.len() as f64;
    let bw = (56.0 / nb).clamp(5.0, 14.0);
    let tw = if series.len() >= 5 { 34.0 } else { 40.0 };
    let gap = 14.0;
    const X0: f64 = 64.0;
    const PH: f64 = 220.0;
    let legend_rows = runs.len() + 1;
    let top = 24.0 + 20.0 * legend_rows as f64 + 24.0;
    let plot_w = (DIGITS - 1) as f64 * (nb * bw + gap) + nb * tw + gap;
    let w = X0 + plot_w + 16.0;
    let h = top + PH + 60.0 + 20.0 * (runs.len() as f64 + 1.0);
    let sy = |a: f64| top + PH - a.clamp(0.0, 1.0) * PH;

    let mut axis = Group::new();
    for t in 0..=5 {
        let a = f64::from(t) / 5.0;
        axis = axis
            .add(line(
                X0,
                sy(a),
                X0 + plot_w,
                sy(a),
                style::GRID,
                style::HAIRLINE,
            ))
            .add(text(
                format!("{} %", percent(a, 0)),
                X0 - 8.0,
                sy(a) + 4.0,
                style::SMALL,
                "end",
            ));
    }
    axis = axis.add(
        text(
            "accuracy on the test images of each digit",
            0.0,
            0.0,
            style::SMALL,
            "middle",
        )
        .set("fill", style::MUTED)
        .set(
            "transform",
            format!(
                "translate({} {}) rotate(-90)",
                r(X0 - 48.0),
                r(top + PH / 2.0)
            ),
        ),
    );

    let mut band = Group::new();
    let mut bars = Group::new();
    let mut x = X0 + gap / 2.0;
    for d in 0..DIGITS {
        let width = if d == digit { tw } else { bw };
        let group_w = nb * width;
        if d == digit {
            band = band.add(
                rect(x - gap / 2.0, top - 22.0, group_w + gap, PH + 22.0 + 28.0)
                    .set("fill", HIGHLIGHT_BAND),
            );
        }
        for (j, s) in series.iter().enumerate() {
            let bx = x + j as f64 * width;
            let a = s.accuracy[d];
            bars = bars.add(
                rect(bx, sy(a), width, top + PH - sy(a))
                    .set("fill", s.fill.clone())
                    .set("stroke", s.stroke)
                    .set("stroke-width", style::HAIRLINE),
            );
            if d == digit {
                bars = bars.add(text(
                    percent(a, 1),
                    bx + width / 2.0,
                    sy(a) - 5.0,
                    style::SMALL,
                    "middle",
                ));
            }
        }
        let label = text(
            d.to_string(),
            x + group_w / 2.0,
            top + PH + 18.0,
            style::FONT_SIZE,
            "middle",
        );
        bars = bars.add(if d == digit {
            label.set("font-weight", "bold")
        } else {
            label
        });
        x += group_w + gap;
    }
    bars = bars
        .add(line(
            X0,
            top + PH,
            X0 + plot_w,
            top + PH,
            style::INK,
            style::HAIRLINE,
        ))
        .add(
            text(
                format!("true digit (pairs removed: the {k} that vote most for {digit})"),
                X0 + plot_w / 2.0,
                top + PH + 38.0,
                style::SMALL,
                "middle",
            )
            .set("fill", style::MUTED),
        );

    // Legend: "before" on its own row, then one row per run: targeted | control.
    let mut legend = Group::new();
    let swatch = |x: f64, y: f64, s: &Series| {
        Group::new()
            .add(
                rect(x, y - 11.0, 14.0, 14.0)
                    .set("fill", s.fill.clone())
                    .set("stroke", s.stroke)
                    .set("stroke-width", style::HAIRLINE),
            )
            .add(text(
                s.label.clone(),
                x + 20.0,
                y,
                style::FONT_SIZE,
                "start",
            ))
    };
    for (j, s) in series.iter().enumerate() {
        let (row, col) = if j == 0 {
            (0, 0)
        } else {
            (j.div_ceil(2), (j + 1) % 2)
        };
        legend = legend.add(swatch(X0 + col as f64 * 300.0, 28.0 + row as f64 * 20.0, s));
    }

    // Overall accuracy, one line per run.
    let ny = top + PH + 66.0;
    let mut notes = Group::new().add(text(
        format!("All digits before: {}", pct(first.before_overall)),
        X0,
        ny,
        style::FONT_SIZE,
        "start",
    ));
    for (j, run) in runs.iter().enumerate() {
        notes = notes.add(text(
            format!(
                "All digits, {}: {} with the top {k} for {digit}, {} with {k} random pairs",
                mode_label(run.mode),
                pct(run.targeted.overall),
                pct(run.control.overall)
            ),
            X0,
            ny + 20.0 * (j as f64 + 1.0),
            style::FONT_SIZE,
            "start",
        ));
    }
    let doc = style::frame(w, h, title, &description)
        .add(patterns)
        .add(band)
        .add(axis)
        .add(bars)
        .add(legend)
        .add(notes);
    style::figure(id, title, description, doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::population::{activations, knockout, votes_vs_fires as analyse};
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
                    .contains("fire most on digits 0 to 9: 1, 1, 1, 1, 1, 1, 1, 1, 1, 1")
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
        assert_eq!(nice_step(7.0), 2.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(240.0), 50.0);
    }
}
