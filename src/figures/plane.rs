//! The input plane of a toy net with two inputs: each key as an arrow from
//! the origin, each pair's on/off boundary (key · x + bias = 0) as a line
//! with its firing side hatched, the net's output written at a sample point
//! of every on/off region, and the chosen input marked with its output.
//!
//! Outputs are never computed here: each one is `kv::toy::decompose` at a
//! point with short decimal coordinates inside its region.

use super::toykit::{f, net_phrase, text_width, vec_text};
use super::{Figure, style};
use crate::kv::toy::{ToyDecomposition, ToyNet, decompose};
use rust_decimal::Decimal;
use svg::node::element::{Circle, ClipPath, Definitions, Group, Line, Pattern, Polygon, Rectangle};

const LEFT: f64 = 56.0;
const TOP: f64 = 30.0;
/// Longest side of the plot, in px.
const SIDE: f64 = 440.0;
const PAIR_COLOURS: [&str; 5] = [
    style::SERIES_A,
    style::SERIES_B,
    style::SERIES_C,
    style::SERIES_E,
    style::SERIES_D,
];

type P = (f64, f64);

/// The data window: x and y ranges (equal scale on both axes).
#[derive(Debug, Clone, Copy)]
struct Window {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    step: f64,
}

fn nice_step(range: f64) -> f64 {
    let raw = (range / 6.0).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag)
}

/// A window symmetric about the origin (boundaries through it then leave
/// every region room) that holds all `points`.
fn window(points: &[P]) -> Window {
    let (mut mx, mut my) = (0.0_f64, 0.0_f64);
    for &(x, y) in points {
        mx = mx.max(x.abs());
        my = my.max(y.abs());
    }
    let (x0, x1, y0, y1) = (-mx, mx, -my, my);
    let pad = 0.25 * (x1 - x0).max(y1 - y0).max(1.0);
    let (mut x0, mut x1, mut y0, mut y1) = (x0 - pad, x1 + pad, y0 - pad, y1 + pad);
    // Keep the aspect between 0.65 and 1.5 so regions have room for labels.
    let (w, h) = (x1 - x0, y1 - y0);
    if w < 0.65 * h {
        let add = (0.65 * h - w) / 2.0;
        x0 -= add;
        x1 += add;
    } else if h < w / 1.5 {
        let add = (w / 1.5 - h) / 2.0;
        y0 -= add;
        y1 += add;
    }
    let step = nice_step((x1 - x0).max(y1 - y0));
    Window {
        x0: (x0 / step).floor() * step,
        x1: (x1 / step).ceil() * step,
        y0: (y0 / step).floor() * step,
        y1: (y1 / step).ceil() * step,
        step,
    }
}

/// Clips a convex polygon to the half-plane a·x + b·y + c > 0.
fn clip(poly: &[P], a: f64, b: f64, c: f64) -> Vec<P> {
    let side = |p: &P| a * p.0 + b * p.1 + c;
    let mut out = Vec::new();
    for (i, p) in poly.iter().enumerate() {
        let q = &poly[(i + 1) % poly.len()];
        let (sp, sq) = (side(p), side(q));
        if sp > 0.0 {
            out.push(*p);
        }
        if (sp > 0.0) != (sq > 0.0) {
            let t = sp / (sp - sq);
            out.push((p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t));
        }
    }
    out
}

/// A short decimal for a coordinate on the sampling grid.
fn coord(v: f64) -> Option<Decimal> {
    crate::num::fixed(v, 2)
        .parse::<Decimal>()
        .ok()
        .map(|d| d.normalize())
}

fn out_text(net: &ToyNet, logits: &[Decimal]) -> String {
    if net.outputs.len() == 1 {
        logits.first().map(style::dec).unwrap_or_default()
    } else {
        vec_text(logits)
    }
}

fn pattern_text(fires: &[bool]) -> String {
    match (
        fires.iter().all(|f| *f),
        fires.iter().all(|f| !*f),
        fires.len(),
    ) {
        (true, _, 1) => "the pair is on".to_string(),
        (_, true, 1) => "the pair is off".to_string(),
        (true, _, _) => "all pairs on".to_string(),
        (_, true, _) => "all pairs off".to_string(),
        _ => {
            let on: Vec<String> = fires
                .iter()
                .enumerate()
                .filter(|(_, f)| **f)
                .map(|(i, _)| (i + 1).to_string())
                .collect();
            let off: Vec<String> = fires
                .iter()
                .enumerate()
                .filter(|(_, f)| !**f)
                .map(|(i, _)| (i + 1).to_string())
                .collect();
            format!("pair {} on, {} off", on.join("+"), off.join("+"))
        }
    }
}

/// The plane figure, or `None` unless the net has exactly two inputs.
pub fn plane(id: &str, net: &ToyNet, point: Option<&ToyDecomposition>) -> Option<Figure> {
    if net.inputs.len() != 2 || net.check_shapes().is_err() {
        return None;
    }
    let keys: Vec<(P, f64)> = net
        .w1
        .iter()
        .zip(&net.b1)
        .map(|(k, b)| ((k.first().map_or(0.0, f), k.get(1).map_or(0.0, f)), f(b)))
        .collect();
    let mut pts: Vec<P> = keys.iter().map(|k| k.0).collect();
    if let Some(d) = point {
        pts.push((
            d.input.first().map_or(0.0, f),
            d.input.get(1).map_or(0.0, f),
        ));
    }
    // Where each boundary passes closest to the origin.
    for ((a, b), c) in &keys {
        let n2 = a * a + b * b;
        if n2 > 0.0 {
            pts.push((-c * a / n2, -c * b / n2));
        }
    }
    let w = window(&pts);
    let scale = SIDE / (w.x1 - w.x0).max(w.y1 - w.y0);
    let (pw, ph) = ((w.x1 - w.x0) * scale, (w.y1 - w.y0) * scale);
    let sx = |x: f64| LEFT + (x - w.x0) * scale;
    let sy = |y: f64| TOP + (w.y1 - y) * scale;
    let px = |p: P| (sx(p.0), sy(p.1));
    let rect: Vec<P> = vec![(w.x0, w.y0), (w.x1, w.y0), (w.x1, w.y1), (w.x0, w.y1)];
    let poly_points = |poly: &[P]| -> String {
        poly.iter()
            .map(|p| format!("{},{}", style::r(sx(p.0)), style::r(sy(p.1))))
            .collect::<Vec<_>>()
            .join(" ")
    };

    let clip_id = format!("{id}-clip");
    let mut defs = Definitions::new().add(
        ClipPath::new().set("id", clip_id.clone()).add(
            Rectangle::new()
                .set("x", LEFT)
                .set("y", TOP)
                .set("width", style::r(pw))
                .set("height", style::r(ph)),
        ),
    );
    let mut shade = Group::new().set("clip-path", format!("url(#{clip_id})"));
    let mut lines = Group::new().set("clip-path", format!("url(#{clip_id})"));
    let mut labels = Group::new();
    let mut legend_rows: Vec<(String, &str, String)> = Vec::new();
    for (i, ((a, b), c)) in keys.iter().enumerate() {
        let colour = PAIR_COLOURS[i % PAIR_COLOURS.len()];
        let pat = format!("{id}-hatch-{}", i + 1);
        defs = defs.add(
            Pattern::new()
                .set("id", pat.clone())
                .set("patternUnits", "userSpaceOnUse")
                .set("width", 9)
                .set("height", 9)
                .set(
                    "patternTransform",
                    format!("rotate({})", if i % 2 == 0 { 45 } else { -45 }),
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
                ),
        );
        let fire = clip(&rect, *a, *b, *c);
        if fire.len() >= 3 {
            shade = shade
                .add(
                    Polygon::new()
                        .set("points", poly_points(&fire))
                        .set("fill", colour)
                        .set("fill-opacity", 0.06),
                )
                .add(
                    Polygon::new()
                        .set("points", poly_points(&fire))
                        .set("fill", format!("url(#{pat})")),
                );
        }
        // The boundary a·x + b·y + c = 0 across the window.
        let mut ends: Vec<P> = Vec::new();
        for k in 0..4 {
            let (p, q) = (rect[k], rect[(k + 1) % 4]);
            let (sp, sq) = (a * p.0 + b * p.1 + c, a * q.0 + b * q.1 + c);
            if (sp > 0.0) != (sq > 0.0) && (sp - sq).abs() > 0.0 {
                let t = sp / (sp - sq);
                ends.push((p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t));
            }
        }
        if let [e0, e1, ..] = ends.as_slice() {
            let (p0, p1) = (px(*e0), px(*e1));
            lines = lines.add(
                Line::new()
                    .set("x1", style::r(p0.0))
                    .set("y1", style::r(p0.1))
                    .set("x2", style::r(p1.0))
                    .set("y2", style::r(p1.1))
                    .set("stroke", colour)
                    .set("stroke-width", 2),
            );
        }
        let key = net.w1.get(i).cloned().unwrap_or_default();
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
        legend_rows.push((
            format!("pair {} fires where {cond} > 0", i + 1),
            colour,
            pat,
        ));
        // The key as an arrow from the origin.
        if a.abs() + b.abs() > 0.0 {
            let (o, t) = (px((0.0, 0.0)), px((*a, *b)));
            labels = labels.add(super::toykit::arrow(o, t, colour, 2.5));
            let s = format!("key {} {}", i + 1, vec_text(&key));
            let right = t.0 >= o.0;
            labels = labels.add(
                style::text(
                    s,
                    t.0 + if right { 6.0 } else { -6.0 },
                    t.1 + if t.1 < o.1 { -6.0 } else { 14.0 },
                    style::SMALL,
                    if right { "start" } else { "end" },
                )
                .set("fill", colour)
                .set("font-weight", "bold"),
            );
        }
    }

    // Axes, grid and ticks.
    let mut axes = Group::new();
    let n_x = ((w.x1 - w.x0) / w.step).round() as i64;
    let n_y = ((w.y1 - w.y0) / w.step).round() as i64;
    let digits = if w.step < 0.1 {
        2
    } else if w.step < 1.0 {
        1
    } else {
        0
    };
    let digits = if (w.step * 10.0).fract().abs() > 1e-9 && digits == 1 {
        2
    } else {
        digits
    };
    for k in 0..=n_x {
        let x = w.x0 + k as f64 * w.step;
        axes = axes
            .add(grid_line(sx(x), TOP, sx(x), TOP + ph, x.abs() < 1e-9))
            .add(style::text(
                style::num(x, digits),
                sx(x),
                TOP + ph + 16.0,
                style::SMALL,
                "middle",
            ));
    }
    for k in 0..=n_y {
        let y = w.y0 + k as f64 * w.step;
        axes = axes
            .add(grid_line(LEFT, sy(y), LEFT + pw, sy(y), y.abs() < 1e-9))
            .add(style::text(
                style::num(y, digits),
                LEFT - 6.0,
                sy(y) + 4.0,
                style::SMALL,
                "end",
            ));
    }
    axes = axes
        .add(style::text(
            format!("{} →", net.inputs[0]),
            LEFT + pw,
            TOP + ph + 34.0,
            style::FONT_SIZE,
            "end",
        ))
        .add(style::text(
            format!("↑ {}", net.inputs[1]),
            LEFT,
            TOP - 10.0,
            style::FONT_SIZE,
            "start",
        ));

    // The input's label, which region labels keep clear of.
    let point_box = point.map(|d| {
        let q = px((
            d.input.first().map_or(0.0, f),
            d.input.get(1).map_or(0.0, f),
        ));
        let s = format!(
            "{} → output {}",
            vec_text(&d.input),
            out_text(net, &d.logits)
        );
        let tw = text_width(&s, style::FONT_SIZE) * 1.12 + 8.0;
        let right = q.0 < LEFT + pw * 0.6;
        let tx = if right { q.0 + 10.0 } else { q.0 - 10.0 - tw };
        (s, q, tx, tw)
    });
    // One sample point per on/off region, as far from every line as possible.
    let fires_at = |p: P| -> Vec<bool> {
        keys.iter()
            .map(|((a, b), c)| a * p.0 + b * p.1 + c > 0.0)
            .collect()
    };
    // Score of a region label centred at a sample: how far its box keeps
    // from every line, the plot's edges, the origin, the key tips and the
    // input's label (negative: it collides).
    let dist_px = |p: P| -> f64 {
        let (cx, cy) = (sx(p.0), sy(p.1));
        let (bx0, bx1, by0, by1) = (cx - 78.0, cx + 78.0, cy - 32.0, cy + 10.0);
        let mut d = (bx0 - LEFT)
            .min(LEFT + pw - bx1)
            .min(by0 - TOP)
            .min(TOP + ph - by1);
        let corners = [(bx0, by0), (bx1, by0), (bx0, by1), (bx1, by1)];
        for ((a, b), c) in &keys {
            let n = a.hypot(*b);
            if n > 0.0 {
                let side = (a * p.0 + b * p.1 + c).signum();
                for (x, y) in corners {
                    let (u, v) = (w.x0 + (x - LEFT) / scale, w.y1 - (y - TOP) / scale);
                    d = d.min(side * (a * u + b * v + c) / n * scale);
                }
            }
        }
        let mut keep_out = vec![px((0.0, 0.0))];
        keep_out.extend(keys.iter().map(|k| px(k.0)));
        for (x, y) in keep_out {
            let dx = (bx0 - x).max(x - bx1).max(0.0);
            let dy = (by0 - y).max(y - by1).max(0.0);
            d = d.min(dx.hypot(dy) - 4.0);
        }
        if let Some((_, q, tx, tw)) = &point_box {
            let dx = (bx0 - (tx + tw)).max(tx - bx1).max(0.0);
            let dy = (by0 - (q.1 + 8.0)).max(q.1 - 14.0 - by1).max(0.0);
            d = d.min(dx.hypot(dy) - 4.0);
        }
        d
    };
    let sub = w.step / 4.0;
    let mut best: Vec<(Vec<bool>, P, f64)> = Vec::new();
    let (nx, ny) = (
        ((w.x1 - w.x0) / sub).round() as i64,
        ((w.y1 - w.y0) / sub).round() as i64,
    );
    for i in 1..nx {
        for j in 1..ny {
            let p = (w.x0 + i as f64 * sub, w.y0 + j as f64 * sub);
            let pat = fires_at(p);
            let d = dist_px(p);
            match best.iter_mut().find(|b| b.0 == pat) {
                Some(b) if d > b.2 => {
                    b.1 = p;
                    b.2 = d;
                }
                Some(_) => {}
                None => best.push((pat, p, d)),
            }
        }
    }
    best.sort_by(|a, b| a.0.cmp(&b.0));
    let mut regions = Group::new();
    let mut region_desc = Vec::new();
    for (pat, p, _) in &best {
        let (Some(dx), Some(dy)) = (coord(p.0), coord(p.1)) else {
            continue;
        };
        let Ok(dd) = decompose(net, &[dx, dy]) else {
            continue;
        };
        let fires: Vec<bool> = dd.pairs.iter().map(|q| q.fires).collect();
        if &fires != pat {
            continue;
        }
        let (cx, cy) = px(*p);
        let out = out_text(net, &dd.logits);
        let at = vec_text(&dd.input);
        let l1 = pattern_text(&fires);
        let l2 = if fires.iter().all(|f| !*f) {
            format!("output {out} everywhere here")
        } else {
            format!("output {out} at {at}")
        };
        region_desc.push(format!("{l1}: output {out} at {at}"));
        let wbox = text_width(&l1, style::SMALL).max(text_width(&l2, style::SMALL)) + 10.0;
        regions = regions
            .add(
                Rectangle::new()
                    .set("x", style::r(cx - wbox / 2.0))
                    .set("y", style::r(cy - 30.0))
                    .set("width", style::r(wbox))
                    .set("height", 34)
                    .set("rx", 3)
                    .set("fill", style::PAPER)
                    .set("opacity", 0.85),
            )
            .add(style::text(l1, cx, cy - 17.0, style::SMALL, "middle").set("fill", style::MUTED))
            .add(style::text(l2, cx, cy - 3.0, style::SMALL, "middle"))
            .add(
                Circle::new()
                    .set("cx", style::r(cx))
                    .set("cy", style::r(cy + 6.0))
                    .set("r", 2.5)
                    .set("fill", style::INK),
            );
    }
    // The input itself.
    let mut mark = Group::new();
    let mut point_desc = String::new();
    if let Some(d) = point {
        let q = px((
            d.input.first().map_or(0.0, f),
            d.input.get(1).map_or(0.0, f),
        ));
        let s = format!(
            "{} → output {}",
            vec_text(&d.input),
            out_text(net, &d.logits)
        );
        let right = q.0 < LEFT + pw * 0.6;
        let tw = text_width(&s, style::FONT_SIZE) * 1.12 + 8.0;
        let tx = if right { q.0 + 10.0 } else { q.0 - 10.0 - tw };
        mark = mark
            .add(
                Rectangle::new()
                    .set("x", style::r(tx))
                    .set("y", style::r(q.1 - 12.0))
                    .set("width", style::r(tw))
                    .set("height", 18)
                    .set("fill", style::PAPER)
                    .set("opacity", 0.9),
            )
            .add(
                Circle::new()
                    .set("cx", style::r(q.0))
                    .set("cy", style::r(q.1))
                    .set("r", 6)
                    .set("fill", style::HIGHLIGHT)
                    .set("stroke", style::INK)
                    .set("stroke-width", 1.5),
            )
            .add(
                style::text(s, tx + 4.0, q.1 + 2.0, style::FONT_SIZE, "start")
                    .set("font-weight", "bold"),
            );
        point_desc = format!(
            " The input {} is marked; there the output is {}.",
            vec_text(&d.input),
            out_text(net, &d.logits)
        );
    }
    // Legend under the plot.
    let mut legend = Group::new();
    let ly0 = TOP + ph + 56.0;
    for (k, (s, colour, pat)) in legend_rows.iter().enumerate() {
        let y = ly0 + 22.0 * k as f64;
        legend = legend
            .add(
                Rectangle::new()
                    .set("x", LEFT)
                    .set("y", style::r(y - 11.0))
                    .set("width", 22)
                    .set("height", 14)
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
    let legend_w = legend_rows
        .iter()
        .map(|r| text_width(&r.0, style::FONT_SIZE))
        .fold(0.0, f64::max)
        + 30.0;
    let width = (LEFT + pw.max(legend_w) + 24.0).min(960.0);
    let height = ly0 + 22.0 * legend_rows.len() as f64;
    let desc = format!(
        "The input plane of {}: {} across from {} to {}, {} up from {} to {}. {}. Each key is drawn as an arrow from the origin; the hatched side of each line is where that pair fires. Regions: {}.{}",
        net_phrase(net),
        net.inputs[0],
        style::num(w.x0, digits),
        style::num(w.x1, digits),
        net.inputs[1],
        style::num(w.y0, digits),
        style::num(w.y1, digits),
        legend_rows
            .iter()
            .map(|r| r.0.clone())
            .collect::<Vec<_>>()
            .join("; "),
        region_desc.join("; "),
        point_desc
    );
    let title = format!("{}: the input plane", net.title);
    let frame_box = Rectangle::new()
        .set("x", LEFT)
        .set("y", TOP)
        .set("width", style::r(pw))
        .set("height", style::r(ph))
        .set("fill", "none")
        .set("stroke", style::FRAME);
    let doc = style::frame(width, height, &title, &desc)
        .add(defs)
        .add(shade)
        .add(axes)
        .add(lines)
        .add(frame_box)
        .add(labels)
        .add(regions)
        .add(mark)
        .add(legend);
    Some(style::figure(id, &title, desc, doc))
}

fn grid_line(x1: f64, y1: f64, x2: f64, y2: f64, axis: bool) -> Line {
    Line::new()
        .set("x1", style::r(x1))
        .set("y1", style::r(y1))
        .set("x2", style::r(x2))
        .set("y2", style::r(y2))
        .set("stroke", if axis { style::INK } else { style::GRID })
        .set("stroke-width", if axis { 1.2 } else { style::HAIRLINE })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::toy::load_file;
    use std::path::Path;

    fn net(name: &str) -> ToyNet {
        load_file(Path::new(&format!("content/nets/{name}.toml"))).unwrap()
    }

    #[test]
    fn only_two_input_nets_get_a_plane() {
        assert!(plane("p", &net("slides"), None).is_none());
        assert!(plane("p", &net("threshold"), None).is_none());
        assert!(plane("p", &net("exercise"), None).is_some());
    }

    #[test]
    fn the_exercise_plane_marks_the_point_and_every_region() {
        let n = net("exercise");
        let d = decompose(&n, n.example("a").unwrap()).unwrap();
        let f = plane("net-exercise-a-plane", &n, Some(&d)).unwrap();
        assert_sound(&f);
        let s = f.to_svg_string();
        assert!(s.contains("(1.5, −0.8) → output 0.82"), "{s}");
        assert!(
            f.description.contains("there the output is 0.82"),
            "{}",
            f.description
        );
        assert!(
            f.description
                .contains("pair 1 fires where 0.6·input 1 − 0.4·input 2 > 0"),
            "{}",
            f.description
        );
        // Two lines through the origin: four regions, each labelled.
        for l in [
            "all pairs on",
            "all pairs off",
            "pair 1 on, 2 off",
            "pair 2 on, 1 off",
        ] {
            assert!(f.description.contains(l), "{l}: {}", f.description);
        }
        assert!(
            f.description.contains("all pairs off: output 0 at"),
            "{}",
            f.description
        );
        assert_eq!(
            s,
            plane("net-exercise-a-plane", &n, Some(&d))
                .unwrap()
                .to_svg_string()
        );
        // The window contains the point and the key tips.
        let w = window(&[(1.5, -0.8), (0.6, -0.4), (1.2, 0.9)]);
        assert!(
            w.x0 <= 0.0 && w.x1 >= 1.5 && w.y0 <= -0.8 && w.y1 >= 0.9,
            "{w:?}"
        );
    }

    #[test]
    fn region_outputs_come_from_the_network() {
        // Every "output V at (x, y)" in the description is decompose at (x, y).
        for (name, ex) in [
            ("exercise", "b"),
            ("single-neuron", "first"),
            ("single-neuron", "second"),
        ] {
            let n = net(name);
            let d = decompose(&n, n.example(ex).unwrap()).unwrap();
            let f = plane("p", &n, Some(&d)).unwrap();
            assert_sound(&f);
            for part in f.description.split("output ").skip(1) {
                let Some((v, rest)) = part.split_once(" at (") else {
                    continue;
                };
                let (xy, _) = rest.split_once(')').unwrap();
                let xs: Vec<Decimal> = xy
                    .split(", ")
                    .map(|s| s.replace('\u{2212}', "-").parse().unwrap())
                    .collect();
                let got = decompose(&n, &xs).unwrap();
                assert_eq!(style::dec(&got.logits[0]), v, "{name}: {part}");
            }
        }
    }

    #[test]
    fn snapshot() {
        let n = net("exercise");
        let d = decompose(&n, n.example("a").unwrap()).unwrap();
        insta::assert_snapshot!(
            "plane_exercise_a",
            plane("net-exercise-a-plane", &n, Some(&d))
                .unwrap()
                .to_svg_string()
        );
    }
}
