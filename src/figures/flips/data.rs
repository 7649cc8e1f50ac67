//! The flip curve's data: what `flip_curve` and its slide draw.

use super::Series;
use crate::kv::image::ImageAnalysis;

/// The curves drawn: per series (rankings and controls) its settling
/// point, its flips and its points (N pairs, the lead; the random control
/// also the 10th and 90th percentile of its band).
pub(super) fn data(a: &ImageAnalysis, all: &[Series]) -> crate::figures::data::FigureData {
    use crate::figures::data::{FigureData, j64, obj};
    use serde_json::Value;
    let prediction = |p: &crate::kv::image::Prediction| match p {
        crate::kv::image::Prediction::Unique(d) => Value::from(*d),
        crate::kv::image::Prediction::Tie(ds) => {
            Value::Array(ds.iter().map(|d| Value::from(*d)).collect())
        }
    };
    let series = all
        .iter()
        .map(|s| {
            let points = s
                .curve
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let mut e = vec![("n", Value::from(p.n)), ("lead", j64(p.lead))];
                    if let Some(b) = s.spread.as_ref().and_then(|c| c.band.get(i)) {
                        e.push(("lead_p10", j64(b[0])));
                        e.push(("lead_p90", j64(b[2])));
                    } else {
                        e.push(("prediction", prediction(&p.prediction)));
                    }
                    obj(e)
                })
                .collect();
            let mut e = vec![
                ("name", Value::from(s.name)),
                ("points", Value::Array(points)),
            ];
            match &s.spread {
                Some(c) => e.push((
                    "settles",
                    obj(vec![
                        ("shuffles", Value::from(c.shuffles)),
                        ("median", j64(c.median)),
                        ("p10", j64(c.p10)),
                        ("p90", j64(c.p90)),
                        ("median_percent", j64(c.median_fraction * 100.0)),
                        ("p10_percent", j64(c.p10_fraction * 100.0)),
                        ("p90_percent", j64(c.p90_fraction * 100.0)),
                    ]),
                )),
                None => {
                    e.push((
                        "settles",
                        obj(vec![
                            ("at", Value::from(s.summary.settles_at)),
                            ("percent", j64(s.summary.settles_fraction * 100.0)),
                        ]),
                    ));
                    e.push((
                        "flips",
                        Value::Array(
                            s.summary
                                .flips
                                .iter()
                                .map(|f| {
                                    obj(vec![
                                        ("n", Value::from(f.n)),
                                        ("from", prediction(&f.from)),
                                        ("to", prediction(&f.to)),
                                    ])
                                })
                                .collect(),
                        ),
                    ));
                }
            }
            obj(e)
        })
        .collect();
    FigureData::Json(obj(vec![
        ("image", crate::figures::data::image_summary(a)),
        ("series", Value::Array(series)),
    ]))
}
