//! Mistakes explained: the confusion matrix, and for every misclassified
//! test image the pairs that pushed it to the wrong digit, contrasted with
//! the nearest correctly classified image of its true digit.

use super::image::DIGITS;
use super::population::TestActivations;
use crate::data::Split;
use crate::nn::{Mlp, argmax_unique};
use serde::{Deserialize, Serialize};

/// How many pairs each list keeps.
pub const TOP: usize = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairPush {
    pub pair: usize,
    pub activation: f64,
    /// a_i · (v_i[predicted] − v_i[true]): how far it moved the image toward
    /// the wrong digit and away from the true one.
    pub push: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairDifference {
    pub pair: usize,
    pub activation_mistake: f64,
    pub activation_nearest: f64,
    /// (a_mistake − a_nearest) · (v[predicted] − v[true]): this pair's share
    /// of why the mistake leans wrong and the nearest image does not.
    pub margin_change: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mistake {
    pub index: usize,
    pub label: u8,
    pub predicted: u8,
    /// The pairs that pushed hardest toward `predicted` against `label`.
    pub pushes: Vec<PairPush>,
    /// The nearest (Euclidean, in pixels) correctly classified test image
    /// of the true digit, and its distance (pixels in [0, 1]).
    pub nearest_correct: Option<usize>,
    pub distance: f64,
    /// Pairs whose different activations explain most of the difference.
    pub contrast: Vec<PairDifference>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mistakes {
    /// confusion[true][predicted]; ties are counted in `ties`, not here.
    pub confusion: [[usize; DIGITS]; DIGITS],
    pub ties: usize,
    pub per_digit_accuracy: [f64; DIGITS],
    pub mistakes: Vec<Mistake>,
}

pub fn mistakes(m: &Mlp, acts: &TestActivations, split: &Split) -> Mistakes {
    let mut confusion = [[0usize; DIGITS]; DIGITS];
    let mut ties = 0;
    let preds: Vec<Option<usize>> = acts
        .logits
        .rows()
        .into_iter()
        .map(|r| r.as_slice().and_then(argmax_unique))
        .collect();
    for (p, &l) in preds.iter().zip(&acts.labels) {
        match p {
            Some(p) => confusion[usize::from(l).min(DIGITS - 1)][*p] += 1,
            None => ties += 1,
        }
    }
    let per_digit_accuracy = std::array::from_fn(|d| {
        let total: usize = confusion[d].iter().sum::<usize>();
        if total == 0 {
            0.0
        } else {
            confusion[d][d] as f64 / total as f64
        }
    });
    let correct_of = |d: u8| -> Vec<usize> {
        (0..preds.len())
            .filter(|&i| acts.labels[i] == d && preds[i] == Some(usize::from(d)))
            .collect()
    };
    let mut by_digit: Vec<Vec<usize>> = (0..DIGITS as u8).map(correct_of).collect();
    by_digit.iter_mut().for_each(|v| v.sort_unstable());
    let mut out = Vec::new();
    for (i, p) in preds.iter().enumerate() {
        let label = acts.labels[i];
        let Some(p) = *p else { continue };
        if p == usize::from(label) {
            continue;
        }
        let t = usize::from(label);
        let dv = |pair: usize| f64::from(m.w2[[p, pair]]) - f64::from(m.w2[[t, pair]]);
        let a = acts.hidden.row(i);
        let mut pushes: Vec<PairPush> = (0..m.hidden())
            .filter(|&j| a[j] > 0.0)
            .map(|j| PairPush {
                pair: j,
                activation: f64::from(a[j]),
                push: f64::from(a[j]) * dv(j),
            })
            .collect();
        pushes.sort_by(|x, y| y.push.total_cmp(&x.push).then(x.pair.cmp(&y.pair)));
        pushes.truncate(TOP);
        let img = split.image(i);
        let nearest = by_digit[t]
            .iter()
            .map(|&j| (j, distance(img, split.image(j))))
            .min_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
        let (nearest_correct, dist, contrast) = match nearest {
            Some((j, dist)) => {
                let b = acts.hidden.row(j);
                let mut diffs: Vec<PairDifference> = (0..m.hidden())
                    .filter(|&k| a[k] > 0.0 || b[k] > 0.0)
                    .map(|k| PairDifference {
                        pair: k,
                        activation_mistake: f64::from(a[k]),
                        activation_nearest: f64::from(b[k]),
                        margin_change: (f64::from(a[k]) - f64::from(b[k])) * dv(k),
                    })
                    .collect();
                diffs.sort_by(|x, y| {
                    y.margin_change
                        .total_cmp(&x.margin_change)
                        .then(x.pair.cmp(&y.pair))
                });
                diffs.truncate(TOP);
                (Some(j), dist, diffs)
            }
            None => (None, 0.0, Vec::new()),
        };
        out.push(Mistake {
            index: i,
            label,
            predicted: p as u8,
            pushes,
            nearest_correct,
            distance: dist,
            contrast,
        });
    }
    Mistakes {
        confusion,
        ties,
        per_digit_accuracy,
        mistakes: out,
    }
}

/// One off-diagonal cell of the confusion matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confusion {
    pub label: usize,
    pub predicted: usize,
    pub count: usize,
}

/// The confusion matrix in a few numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfusionSummary {
    /// Images counted: the matrix plus the ties.
    pub images: usize,
    pub correct: usize,
    /// Off-diagonal total (images read as a wrong digit).
    pub misread: usize,
    pub ties: usize,
    /// The largest off-diagonal count (0 when there is no mistake).
    pub largest: usize,
    /// The most frequent mistakes, most frequent first (ties by true digit,
    /// then predicted digit), at most `top`, never a zero count.
    pub top: Vec<Confusion>,
}

pub fn confusion_summary(m: &Mistakes, top: usize) -> ConfusionSummary {
    let mut cells: Vec<Confusion> = (0..DIGITS)
        .flat_map(|t| (0..DIGITS).map(move |p| (t, p)))
        .filter(|&(t, p)| t != p && m.confusion[t][p] > 0)
        .map(|(t, p)| Confusion {
            label: t,
            predicted: p,
            count: m.confusion[t][p],
        })
        .collect();
    cells.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.label.cmp(&b.label))
            .then(a.predicted.cmp(&b.predicted))
    });
    let correct = (0..DIGITS).map(|d| m.confusion[d][d]).sum();
    let misread = cells.iter().map(|c| c.count).sum();
    ConfusionSummary {
        images: correct + misread + m.ties,
        correct,
        misread,
        ties: m.ties,
        largest: cells.first().map_or(0, |c| c.count),
        top: cells.into_iter().take(top).collect(),
    }
}

/// Euclidean distance of two images with pixels scaled to [0, 1].
fn distance(a: &[u8], b: &[u8]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum::<f64>()
        .sqrt()
        / 255.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::population::activations;
    use crate::kv::testnet::{net, split};

    #[test]
    fn mistakes_are_counted_pushed_and_contrasted() {
        // Pair 12 fires on pixel 30 and votes 3 for 8: the 8s that ink pixel
        // 30 are read correctly, the others are misread as 3.
        let mut m = net();
        let mut w1 = ndarray::Array2::zeros((13, crate::data::PIXELS));
        w1.slice_axis_mut(ndarray::Axis(0), ndarray::Slice::from(0..12))
            .assign(&m.w1);
        w1[[12, 30]] = 1.0;
        let mut w2 = ndarray::Array2::zeros((DIGITS, 13));
        w2.slice_axis_mut(ndarray::Axis(1), ndarray::Slice::from(0..12))
            .assign(&m.w2);
        w2[[8, 12]] = 3.0;
        m = Mlp {
            w1,
            b1: ndarray::Array1::zeros(13),
            w2,
            b2: m.b2,
        };
        let mut s = split(4);
        // Ink pixel 30 in the first two 8s (indices 8 and 18).
        for i in [8usize, 18] {
            s.images[i * crate::data::PIXELS + 30] = 255;
        }
        let acts = activations(&m, &s);
        let r = mistakes(&m, &acts, &s);
        assert_eq!(r.confusion[8][3], 2);
        assert_eq!(r.confusion[8][8], 2);
        assert_eq!(r.per_digit_accuracy[8], 0.5);
        assert_eq!(r.mistakes.len(), 2);
        let first = &r.mistakes[0];
        assert_eq!((first.index, first.label, first.predicted), (28, 8, 3));
        // Pair 8 pushed it: activation 1 × (v[3] − v[8]) = 2.
        assert_eq!(first.pushes[0].pair, 8);
        assert!((first.pushes[0].push - 2.0).abs() < 1e-12);
        // The nearest correct 8 differs by pair 12, which it lacks.
        assert!(matches!(first.nearest_correct, Some(8) | Some(18)));
        assert_eq!(first.contrast[0].pair, 12);
        assert!((first.contrast[0].margin_change - 3.0).abs() < 1e-12);
    }

    #[test]
    fn the_confusion_summary_counts_and_ranks_mistakes() {
        let m = net();
        let s = split(3);
        let r = mistakes(&m, &activations(&m, &s), &s);
        // Every 8 is read as 3 (pair 8 votes for 3); the rest are right.
        let c = confusion_summary(&r, 3);
        assert_eq!((c.images, c.correct, c.misread, c.ties), (30, 27, 3, 0));
        assert_eq!(c.largest, 3);
        assert_eq!(
            c.top,
            vec![Confusion {
                label: 8,
                predicted: 3,
                count: 3
            }]
        );
        let mut more = r.clone();
        more.confusion[4][9] = 3;
        more.confusion[1][7] = 5;
        let c = confusion_summary(&more, 2);
        assert_eq!(
            c.top
                .iter()
                .map(|x| (x.label, x.predicted))
                .collect::<Vec<_>>(),
            vec![(1, 7), (4, 9)]
        );
    }
}
