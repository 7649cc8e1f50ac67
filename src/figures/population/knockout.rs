//! Knock-outs: per-digit accuracy before and after removing the pairs that
//! vote most for one digit, for each treatment (zeroed, set to their mean,
//! zeroed with b2 refitted), each beside its random control.

use super::{HIGHLIGHT_BAND, hatch, plural};
use crate::figures::Figure;
use crate::figures::chart::{line, rect, turned, y_grid};
use crate::figures::style::{self, text};
use crate::kv::image::DIGITS;
use crate::kv::population::{Knockout, KnockoutMode};
use crate::num::percent;
use svg::node::element::{Definitions, Group};

/// Left edge of the plot, and its height.
const X0: f64 = 64.0;
const PH: f64 = 220.0;
/// Space between the bar groups of two digits.
const GAP: f64 = 14.0;

/// Short name of a knock-out treatment, for legends and descriptions.
pub(crate) fn mode_label(mode: KnockoutMode) -> &'static str {
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

/// "12.3 %".
fn pct(x: f64) -> String {
    format!("{} %", percent(x, 1))
}

/// One bar series of the knock-out chart.
struct Series {
    label: String,
    accuracy: [f64; DIGITS],
    fill: String,
    stroke: &'static str,
}

/// The chart's geometry: the target digit, the top of the plot, bar widths.
struct Layout {
    digit: usize,
    k: usize,
    top: f64,
    /// Number of series, as a width factor.
    nb: f64,
    /// Bar width for the other digits and for the target digit.
    bw: f64,
    tw: f64,
    plot_w: f64,
}

impl Layout {
    /// The height of accuracy `a` (0–1).
    fn sy(&self, a: f64) -> f64 {
        self.top + PH - a.clamp(0.0, 1.0) * PH
    }
}

/// Per-digit accuracy before and after knocking out the pairs that vote most
/// for one digit, for each treatment given, each beside its random control.
/// All runs must be for the same digit and k (the first run's are used).
pub(crate) fn knockout_bars(id: &str, runs: &[Knockout]) -> Figure {
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
        return style::figure(id, title, description, doc, data(runs, None));
    };
    let (digit, k) = (first.digit.min(DIGITS - 1), first.k);
    let description = describe(runs, first, digit, k);
    let (series, patterns) = series(id, runs, first, digit, k);
    let nb = series.len() as f64;
    let bw = (56.0 / nb).clamp(5.0, 14.0);
    let tw = if series.len() >= 5 { 34.0 } else { 40.0 };
    let legend_rows = runs.len() + 1;
    let layout = Layout {
        digit,
        k,
        top: 24.0 + 20.0 * legend_rows as f64 + 24.0,
        nb,
        bw,
        tw,
        plot_w: (DIGITS - 1) as f64 * (nb * bw + GAP) + nb * tw + GAP,
    };
    let w = X0 + layout.plot_w + 16.0;
    let h = layout.top + PH + 60.0 + 20.0 * (runs.len() as f64 + 1.0);
    let (band, bars) = bars(&layout, &series);
    let doc = style::frame(w, h, title, &description)
        .add(patterns)
        .add(band)
        .add(axis(&layout))
        .add(bars)
        .add(legend(&series))
        .add(notes(&layout, runs, first));
    style::figure(id, title, description, doc, data(runs, None))
}

/// The runs drawn (accuracies as fractions, per digit, targeted and random
/// control) and, for the slide, the test images per digit.
fn data(runs: &[Knockout], counts: Option<&[usize; DIGITS]>) -> crate::figures::data::FigureData {
    use crate::figures::data::{FigureData, obj};
    let mut e = vec![(
        "runs",
        serde_json::to_value(runs).unwrap_or(serde_json::Value::Null),
    )];
    if let Some(c) = counts {
        e.push(("test_images_per_digit", serde_json::Value::from(c.to_vec())));
    }
    FigureData::Json(obj(e))
}

/// The target digit's numbers, then the overall accuracy.
fn describe(runs: &[Knockout], first: &Knockout, digit: usize, k: usize) -> String {
    let per_run = |f: fn(&Knockout, usize) -> String| -> Vec<String> {
        runs.iter().map(|run| f(run, digit)).collect()
    };
    let after = per_run(|run, digit| {
        format!(
            "{} ({})",
            pct(run.targeted.accuracy[digit]),
            mode_label(run.mode)
        )
    });
    let control = per_run(|run, digit| {
        format!(
            "{} ({})",
            pct(run.control.accuracy[digit]),
            mode_label(run.mode)
        )
    });
    let falls = runs
        .iter()
        .all(|run| run.targeted.accuracy[digit] < first.before[digit]);
    let overall = per_run(|run, _| {
        format!(
            "{} ({}; random {})",
            pct(run.targeted.overall),
            mode_label(run.mode),
            pct(run.control.overall)
        )
    });
    format!(
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
    )
}

/// The series (before, then each run beside its control) and the hatch
/// patterns of the controls.
fn series(
    id: &str,
    runs: &[Knockout],
    first: &Knockout,
    digit: usize,
    k: usize,
) -> (Vec<Series>, Definitions) {
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
    (series, patterns)
}

/// Gridlines every 20 %, and the axis name.
fn axis(l: &Layout) -> Group {
    let ticks = (0..=5).map(|t| {
        let a = f64::from(t) / 5.0;
        (l.sy(a), format!("{} %", percent(a, 0)))
    });
    y_grid(Group::new(), ticks, (X0, X0 + l.plot_w), X0 - 8.0, true).add(
        turned(
            "accuracy on the test images of each digit",
            X0 - 48.0,
            l.top + PH / 2.0,
            style::SMALL,
        )
        .set("fill", style::MUTED),
    )
}

/// The band behind the target digit, and the bars: one group per digit
/// (the target's wider and numbered), the base line and the axis name.
fn bars(l: &Layout, series: &[Series]) -> (Group, Group) {
    let (top, digit) = (l.top, l.digit);
    let mut band = Group::new();
    let mut bars = Group::new();
    let mut x = X0 + GAP / 2.0;
    for d in 0..DIGITS {
        let width = if d == digit { l.tw } else { l.bw };
        let group_w = l.nb * width;
        if d == digit {
            band = band.add(
                rect(x - GAP / 2.0, top - 22.0, group_w + GAP, PH + 22.0 + 28.0)
                    .set("fill", HIGHLIGHT_BAND),
            );
        }
        for (j, s) in series.iter().enumerate() {
            let bx = x + j as f64 * width;
            let a = s.accuracy[d];
            bars = bars.add(
                rect(bx, l.sy(a), width, top + PH - l.sy(a))
                    .set("fill", s.fill.clone())
                    .set("stroke", s.stroke)
                    .set("stroke-width", style::HAIRLINE),
            );
            if d == digit {
                bars = bars.add(text(
                    percent(a, 1),
                    bx + width / 2.0,
                    l.sy(a) - 5.0,
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
        x += group_w + GAP;
    }
    let bars = bars
        .add(line(
            X0,
            top + PH,
            X0 + l.plot_w,
            top + PH,
            style::INK,
            style::HAIRLINE,
        ))
        .add(style::muted(
            format!(
                "true digit (pairs removed: the {} that vote most for {digit})",
                l.k
            ),
            X0 + l.plot_w / 2.0,
            top + PH + 38.0,
            "middle",
        ));
    (band, bars)
}

/// "before" on its own row, then one row per run: targeted | control.
fn legend(series: &[Series]) -> Group {
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
    let mut legend = Group::new();
    for (j, s) in series.iter().enumerate() {
        let (row, col) = if j == 0 {
            (0, 0)
        } else {
            (j.div_ceil(2), (j + 1) % 2)
        };
        legend = legend.add(swatch(X0 + col as f64 * 300.0, 28.0 + row as f64 * 20.0, s));
    }
    legend
}

/// Overall accuracy, one line per run.
fn notes(l: &Layout, runs: &[Knockout], first: &Knockout) -> Group {
    let (digit, k) = (l.digit, l.k);
    let ny = l.top + PH + 66.0;
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
    notes
}

/// Short name of a mode on a slide (the deck's words for them).
fn mode_word(mode: KnockoutMode) -> &'static str {
    match mode {
        KnockoutMode::Zero => "zero",
        KnockoutMode::Mean => "mean",
        KnockoutMode::Refit => "refit",
    }
}

/// The slide layout of [`knockout_bars`]: only two panels, the knocked-out
/// digit and the other nine together, each with the accuracy before and, per
/// mode, after removing the chosen pairs (solid) beside as many random ones
/// (hatched), every bar labelled at slide size. The per-digit bars stay on
/// the page variant and in the description.
///
/// `counts`: test images per digit, to weigh the other digits' accuracies
/// (as the deck's "others" quantities do).
pub(crate) fn knockout_slide(id: &str, runs: &[Knockout], counts: &[usize; DIGITS]) -> Figure {
    const T: f64 = style::SLIDE_TEXT;
    let title = "Knock-out of a digit's pairs";
    let Some(first) = runs.first() else {
        return knockout_bars(id, runs);
    };
    let (digit, k) = (first.digit.min(DIGITS - 1), first.k);
    let description = describe(runs, first, digit, k);
    let mut defs = Definitions::new();
    let (bw, inner, between) = (56.0, 6.0, 30.0);
    let group_w = 2.0 * bw + inner;
    let panel_w = bw + runs.len() as f64 * (group_w + between) + between;
    let (x0, pgap) = (20.0, 60.0);
    let legend_y = T + 4.0;
    let top = legend_y + T * 1.6 + T * 1.2 + T;
    let ph = 290.0;
    let sy = |a: f64| top + ph - a.clamp(0.0, 1.0) * ph;
    let mut g = Group::new();
    // Legend: solid = the chosen pairs, hatched = as many random ones.
    let sw = T * 0.8;
    let legend_hatch = format!("{id}-slide-hatch");
    defs = defs.add(hatch(&legend_hatch, style::INK));
    g = g
        .add(rect(x0, legend_y - sw, sw, sw).set("fill", style::INK))
        .add(text(
            format!("the {k} pairs for {digit}"),
            x0 + sw + 10.0,
            legend_y,
            T,
            "start",
        ))
        .add(
            rect(x0 + panel_w + pgap, legend_y - sw, sw, sw)
                .set("fill", format!("url(#{legend_hatch})"))
                .set("stroke", style::INK)
                .set("stroke-width", style::HAIRLINE),
        )
        .add(text(
            format!("{k} random pairs"),
            x0 + panel_w + pgap + sw + 10.0,
            legend_y,
            T,
            "start",
        ));
    type Of<'a> = Box<dyn Fn(&crate::kv::population::KnockoutEffect) -> f64 + 'a>;
    let panels: [(String, Of, f64); 2] = [
        (
            format!("the {digit}s"),
            Box::new(move |e| e.accuracy[digit]),
            first.before[digit],
        ),
        (
            "the other digits".to_string(),
            Box::new(move |e| others(&e.accuracy, counts, digit)),
            others(&first.before, counts, digit),
        ),
    ];
    for (p, (name, of, before)) in panels.iter().enumerate() {
        let px = x0 + p as f64 * (panel_w + pgap);
        g = g
            .add(
                text(
                    name.clone(),
                    px + panel_w / 2.0,
                    legend_y + T * 2.0,
                    T,
                    "middle",
                )
                .set("font-weight", "bold"),
            )
            .add(line(
                px,
                top + ph,
                px + panel_w,
                top + ph,
                style::INK,
                style::HAIRLINE,
            ));
        let bar = |g: Group, x: f64, a: f64, fill: String, stroke: &str| {
            g.add(
                rect(x, sy(a), bw, top + ph - sy(a))
                    .set("fill", fill)
                    .set("stroke", stroke.to_string())
                    .set("stroke-width", style::HAIRLINE),
            )
            .add(text(
                format!("{} %", percent(a, 0)),
                x + bw / 2.0,
                sy(a) - 8.0,
                22.0,
                "middle",
            ))
        };
        let mut x = px + between / 2.0;
        g = bar(g, x, *before, style::PAPER.to_string(), style::INK).add(text(
            "before",
            x + bw / 2.0,
            top + ph + T * 1.2,
            22.0,
            "middle",
        ));
        x += bw + between;
        for (j, run) in runs.iter().enumerate() {
            let colour = mode_colour(run.mode);
            let hid = format!("{id}-slide-hatch-{p}-{j}");
            defs = defs.add(hatch(&hid, colour));
            g = bar(g, x, of(&run.targeted), colour.to_string(), colour);
            g = bar(
                g,
                x + bw + inner,
                of(&run.control),
                format!("url(#{hid})"),
                colour,
            )
            .add(text(
                mode_word(run.mode),
                x + group_w / 2.0,
                top + ph + T * 1.2,
                22.0,
                "middle",
            ));
            x += group_w + between;
        }
    }
    let w = 2.0 * x0 + 2.0 * panel_w + pgap;
    let h = top + ph + T * 1.2 + 16.0;
    let doc = style::frame(w, h, title, &description).add(defs).add(g);
    style::figure(id, title, description, doc, data(runs, Some(counts)))
}

/// Accuracy on the images of every digit but `d`: the per-digit accuracies
/// weighted by how many test images each digit has.
fn others(acc: &[f64; DIGITS], counts: &[usize; DIGITS], d: usize) -> f64 {
    let total: usize = (0..DIGITS).filter(|&c| c != d).map(|c| counts[c]).sum();
    if total == 0 {
        return 0.0;
    }
    (0..DIGITS)
        .filter(|&c| c != d)
        .map(|c| acc[c] * counts[c] as f64)
        .sum::<f64>()
        / total as f64
}
