//! What each pair adds to the plane: a hatch pattern in its colour, its
//! firing side shaded and hatched, its boundary line, its key as an arrow
//! from the origin, and its legend row ("pair 1 fires where … > 0"), drawn
//! as the legend under the plot.

use super::geometry::{clip, crossings};
use super::{Key, LEFT, PAIR_COLOURS, Plot, TOP};
use crate::figures::chart::{clip_rect, line, rect};
use crate::figures::style;
use crate::figures::toykit::{arrow, vec_text};
use crate::kv::toy::ToyNet;
use rust_decimal::Decimal;
use svg::node::element::{Definitions, Group, Line, Pattern, Polygon};

/// A legend row: its text, the pair's colour and its hatch pattern's id.
pub(super) type LegendRow = (String, &'static str, String);

/// The layers the pairs draw, bottom to top, and their legend rows.
pub(super) struct PairLayers {
    /// The clip path of the plot and every pair's hatch pattern.
    pub defs: Definitions,
    /// Firing sides, clipped to the plot.
    pub shade: Group,
    /// Boundaries, clipped to the plot.
    pub lines: Group,
    /// Key arrows and their labels.
    pub labels: Group,
    pub legend_rows: Vec<LegendRow>,
}

pub(super) fn pair_layers(id: &str, net: &ToyNet, keys: &[Key], plot: &Plot) -> PairLayers {
    let clip_id = format!("{id}-clip");
    let mut layers = PairLayers {
        defs: Definitions::new().add(clip_rect(&clip_id, LEFT, TOP, plot.pw, plot.ph)),
        shade: Group::new().set("clip-path", format!("url(#{clip_id})")),
        lines: Group::new().set("clip-path", format!("url(#{clip_id})")),
        labels: Group::new(),
        legend_rows: Vec::new(),
    };
    let corners = plot.corners();
    for (i, ((a, b), c)) in keys.iter().enumerate() {
        let colour = PAIR_COLOURS[i % PAIR_COLOURS.len()];
        let pat = format!("{id}-hatch-{}", i + 1);
        layers.defs = layers.defs.add(hatch(&pat, i, colour));
        let fire = clip(&corners, *a, *b, *c);
        if fire.len() >= 3 {
            layers.shade = layers
                .shade
                .add(
                    Polygon::new()
                        .set("points", plot.points(&fire))
                        .set("fill", colour)
                        .set("fill-opacity", 0.06),
                )
                .add(
                    Polygon::new()
                        .set("points", plot.points(&fire))
                        .set("fill", format!("url(#{pat})")),
                );
        }
        // The boundary a·x + b·y + c = 0 across the window.
        if let [e0, e1, ..] = crossings(&corners, *a, *b, *c).as_slice() {
            let (p0, p1) = (plot.px(*e0), plot.px(*e1));
            layers.lines = layers.lines.add(line(p0.0, p0.1, p1.0, p1.1, colour, 2.0));
        }
        let key = net.w1.get(i).cloned().unwrap_or_default();
        layers.legend_rows.push((
            format!("pair {} fires where {} > 0", i + 1, condition(net, i, &key)),
            colour,
            pat,
        ));
        if a.abs() + b.abs() > 0.0 {
            layers.labels = key_arrow(layers.labels, plot, i, (*a, *b), &key, colour);
        }
    }
    layers
}

/// Pair `i`'s hatching: thin lines in its colour, turned one way for odd
/// pairs and the other for even ones.
fn hatch(id: &str, i: usize, colour: &str) -> Pattern {
    Pattern::new()
        .set("id", id)
        .set("patternUnits", "userSpaceOnUse")
        .set("width", 9)
        .set("height", 9)
        .set(
            "patternTransform",
            format!("rotate({})", if i.is_multiple_of(2) { 45 } else { -45 }),
        )
        .add(
            Line::new()
                .set("x1", 0)
                .set("y1", 0)
                .set("x2", 0)
                .set("y2", 9)
                .set("stroke", colour)
                .set("stroke-width", 1.2)
                .set("opacity", 0.45),
        )
}

/// "0.6·input 1 − 0.4·input 2 + 1": where pair `i` fires, its key `key`
/// written with the input names.
fn condition(net: &ToyNet, i: usize, key: &[Decimal]) -> String {
    let bias = net.b1.get(i).copied().unwrap_or_default();
    let mut cond = format!(
        "{}·{} {} {}·{}",
        style::dec(key.first().unwrap_or(&Decimal::ZERO)),
        net.inputs[0],
        if key
            .get(1)
            .is_some_and(|v| v.is_sign_negative() && !v.is_zero())
        {
            "−"
        } else {
            "+"
        },
        style::dec(&key.get(1).map(|v| v.abs()).unwrap_or_default()),
        net.inputs[1]
    );
    if !bias.is_zero() {
        cond.push_str(&format!(
            " {} {}",
            if bias.is_sign_negative() { "−" } else { "+" },
            style::dec(&bias.abs())
        ));
    }
    cond
}

/// Adds key `i`, (a, b), as an arrow from the origin with its label at the
/// tip, on the side away from the origin.
fn key_arrow(
    labels: Group,
    plot: &Plot,
    i: usize,
    (a, b): (f64, f64),
    key: &[Decimal],
    colour: &'static str,
) -> Group {
    let (o, t) = (plot.px((0.0, 0.0)), plot.px((a, b)));
    let right = t.0 >= o.0;
    labels.add(arrow(o, t, colour, 2.5)).add(
        style::text(
            format!("key {} {}", i + 1, vec_text(key)),
            t.0 + if right { 6.0 } else { -6.0 },
            t.1 + if t.1 < o.1 { -6.0 } else { 14.0 },
            style::SMALL,
            if right { "start" } else { "end" },
        )
        .set("fill", colour)
        .set("font-weight", "bold"),
    )
}

/// The legend under the plot (from `y0`): one row per pair, its hatching
/// beside what it means.
pub(super) fn legend(rows: &[LegendRow], y0: f64) -> Group {
    let mut legend = Group::new();
    for (k, (s, colour, pat)) in rows.iter().enumerate() {
        let y = y0 + 22.0 * k as f64;
        legend = legend
            .add(
                rect(LEFT, y - 11.0, 22.0, 14.0)
                    .set("fill", format!("url(#{pat})"))
                    .set("stroke", *colour),
            )
            .add(style::text(
                s.as_str(),
                LEFT + 30.0,
                y,
                style::FONT_SIZE,
                "start",
            ));
    }
    legend
}
