//! The input plane of a toy net with two inputs: each key as an arrow from
//! the origin, each pair's on/off boundary (key · x + bias = 0) as a line
//! with its firing side hatched (`pairs`), the net's output written at a
//! sample point of every on/off region, and the chosen input marked with its
//! output (`regions`); `geometry` finds the window and the lines in it.
//!
//! Outputs are never computed here: each one is `kv::toy::decompose` at a
//! point with short decimal coordinates inside its region.

use super::chart::{line, rect};
use super::toykit::{f, net_phrase, text_width, vec_text};
use super::{Figure, style};
use crate::kv::toy::{ToyDecomposition, ToyNet};
use svg::node::element::Group;

mod geometry;
mod pairs;
mod regions;

use geometry::{Window, window};
use regions::{PointLabel, out_text};

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
/// A pair's key (a, b) and bias c: it fires where a·x + b·y + c > 0.
type Key = (P, f64);

/// The plot: the data window, px per unit, and the plot's size in px.
struct Plot {
    w: Window,
    scale: f64,
    pw: f64,
    ph: f64,
}

impl Plot {
    /// The window holding the key tips, the input and the point of every
    /// boundary closest to the origin.
    fn new(keys: &[Key], point: Option<&ToyDecomposition>) -> Plot {
        let mut pts: Vec<P> = keys.iter().map(|k| k.0).collect();
        if let Some(d) = point {
            pts.push((
                d.input.first().map_or(0.0, f),
                d.input.get(1).map_or(0.0, f),
            ));
        }
        for ((a, b), c) in keys {
            let n2 = a * a + b * b;
            if n2 > 0.0 {
                pts.push((-c * a / n2, -c * b / n2));
            }
        }
        let w = window(&pts);
        let scale = SIDE / (w.x1 - w.x0).max(w.y1 - w.y0);
        Plot {
            w,
            scale,
            pw: (w.x1 - w.x0) * scale,
            ph: (w.y1 - w.y0) * scale,
        }
    }

    fn sx(&self, x: f64) -> f64 {
        LEFT + (x - self.w.x0) * self.scale
    }

    fn sy(&self, y: f64) -> f64 {
        TOP + (self.w.y1 - y) * self.scale
    }

    fn px(&self, p: P) -> P {
        (self.sx(p.0), self.sy(p.1))
    }

    /// The window's corners in data coordinates, round it.
    fn corners(&self) -> Vec<P> {
        let w = &self.w;
        vec![(w.x0, w.y0), (w.x1, w.y0), (w.x1, w.y1), (w.x0, w.y1)]
    }

    /// A polygon's points in px, for `points`.
    fn points(&self, poly: &[P]) -> String {
        poly.iter()
            .map(|p| format!("{},{}", style::r(self.sx(p.0)), style::r(self.sy(p.1))))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Decimals of the tick labels: enough for the grid step.
    fn digits(&self) -> usize {
        let step = self.w.step;
        let digits = if step < 0.1 {
            2
        } else if step < 1.0 {
            1
        } else {
            0
        };
        if (step * 10.0).fract().abs() > 1e-9 && digits == 1 {
            2
        } else {
            digits
        }
    }
}

/// The plane figure, or `None` unless the net has exactly two inputs.
pub(crate) fn plane(id: &str, net: &ToyNet, point: Option<&ToyDecomposition>) -> Option<Figure> {
    if net.inputs.len() != 2 || net.check_shapes().is_err() {
        return None;
    }
    let keys: Vec<Key> = net
        .w1
        .iter()
        .zip(&net.b1)
        .map(|(k, b)| ((k.first().map_or(0.0, f), k.get(1).map_or(0.0, f)), f(b)))
        .collect();
    let plot = Plot::new(&keys, point);
    let layers = pairs::pair_layers(id, net, &keys, &plot);
    let label = point.map(|d| PointLabel::new(net, d, &plot));
    let (regions, region_desc) = regions::regions(net, &keys, &plot, label.as_ref());
    let mark = label.map_or_else(Group::new, PointLabel::mark);
    let point_desc = point.map_or(String::new(), |d| {
        format!(
            " The input {} is marked; there the output is {}.",
            vec_text(&d.input),
            out_text(net, &d.logits)
        )
    });
    let (pw, ph) = (plot.pw, plot.ph);
    let ly0 = TOP + ph + 56.0;
    let rows = &layers.legend_rows;
    let legend_w = rows
        .iter()
        .map(|r| text_width(&r.0, style::FONT_SIZE))
        .fold(0.0, f64::max)
        + 30.0;
    let width = (LEFT + pw.max(legend_w) + 24.0).min(960.0);
    let height = ly0 + 22.0 * rows.len() as f64;
    let (w, digits) = (&plot.w, plot.digits());
    let desc = format!(
        "The input plane of {}: {} across from {} to {}, {} up from {} to {}. {}. Each key is drawn as an arrow from the origin; the hatched side of each line is where that pair fires. Regions: {}.{}",
        net_phrase(net),
        net.inputs[0],
        style::num(w.x0, digits),
        style::num(w.x1, digits),
        net.inputs[1],
        style::num(w.y0, digits),
        style::num(w.y1, digits),
        rows.iter()
            .map(|r| r.0.clone())
            .collect::<Vec<_>>()
            .join("; "),
        region_desc.join("; "),
        point_desc
    );
    let title = format!("{}: the input plane", net.title);
    let frame_box = rect(LEFT, TOP, pw, ph)
        .set("fill", "none")
        .set("stroke", style::FRAME);
    let doc = style::frame(width, height, &title, &desc)
        .add(layers.defs)
        .add(layers.shade)
        .add(axes(net, &plot))
        .add(layers.lines)
        .add(frame_box)
        .add(layers.labels)
        .add(regions)
        .add(mark)
        .add(pairs::legend(rows, ly0));
    let data = match super::data::toy_net(net, point, None) {
        super::data::FigureData::Json(serde_json::Value::Object(mut m)) => {
            use super::data::{j64, obj};
            m.insert(
                "window".to_string(),
                obj(vec![
                    ("x0", j64(w.x0)),
                    ("x1", j64(w.x1)),
                    ("y0", j64(w.y0)),
                    ("y1", j64(w.y1)),
                ]),
            );
            m.insert(
                "regions".to_string(),
                serde_json::Value::Array(region_desc.iter().map(|r| r.clone().into()).collect()),
            );
            super::data::FigureData::Json(serde_json::Value::Object(m))
        }
        other => other,
    };
    Some(style::figure(id, &title, desc, doc, data))
}

/// The grid (the axes through the origin darker), the tick values and the
/// names of the two inputs.
fn axes(net: &ToyNet, plot: &Plot) -> Group {
    let (w, pw, ph) = (&plot.w, plot.pw, plot.ph);
    let digits = plot.digits();
    let mut axes = Group::new();
    let n_x = ((w.x1 - w.x0) / w.step).round() as i64;
    let n_y = ((w.y1 - w.y0) / w.step).round() as i64;
    for k in 0..=n_x {
        let x = w.x0 + k as f64 * w.step;
        axes = axes
            .add(grid_line(
                plot.sx(x),
                TOP,
                plot.sx(x),
                TOP + ph,
                x.abs() < 1e-9,
            ))
            .add(style::text(
                style::num(x, digits),
                plot.sx(x),
                TOP + ph + 16.0,
                style::SMALL,
                "middle",
            ));
    }
    for k in 0..=n_y {
        let y = w.y0 + k as f64 * w.step;
        axes = axes
            .add(grid_line(
                LEFT,
                plot.sy(y),
                LEFT + pw,
                plot.sy(y),
                y.abs() < 1e-9,
            ))
            .add(style::text(
                style::num(y, digits),
                LEFT - 6.0,
                plot.sy(y) + 4.0,
                style::SMALL,
                "end",
            ));
    }
    axes.add(style::text(
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
    ))
}

/// A grid line; an axis (through the origin) in ink and a little heavier.
fn grid_line(x1: f64, y1: f64, x2: f64, y2: f64, axis: bool) -> svg::node::element::Line {
    if axis {
        line(x1, y1, x2, y2, style::INK, 1.2)
    } else {
        line(x1, y1, x2, y2, style::GRID, style::HAIRLINE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::testing::assert_sound;
    use crate::kv::toy::{decompose, load_file};
    use rust_decimal::Decimal;
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
