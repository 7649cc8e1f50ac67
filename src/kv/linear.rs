//! Views that use the net's piecewise linearity: with an image's on/off
//! pattern fixed, the net is linear in the pixels; and a key can be turned
//! into the input that makes its pair fire hardest.

use super::image::{DIGITS, Prediction};
use crate::data::PIXELS;
use crate::nn::Mlp;
use serde::{Deserialize, Serialize};

/// For the on/off pattern A of one image:
/// logit_c = b2_c + Σ_{i∈A} v_ci·b1_i + Σ_p x_p·(Σ_{i∈A} v_ci·W1_ip).
/// Valid for images with exactly this pattern only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Templates {
    /// The active pairs A.
    pub active: Vec<usize>,
    /// b2_c + Σ_{i∈A} v_ci·b1_i per digit.
    pub constant: [f64; DIGITS],
    /// Per digit, 784 pixel weights Σ_{i∈A} v_ci·W1_ip (row-major 28×28).
    pub templates: Vec<Vec<f64>>,
    /// The logits the templates give for the image…
    pub logits: [f64; DIGITS],
    /// …and the largest difference from the forward pass.
    pub max_abs_diff: f64,
}

pub fn templates(m: &Mlp, image: &[u8]) -> Templates {
    let x: Vec<f64> = image
        .iter()
        .take(PIXELS)
        .map(|&p| f64::from(p) / 255.0)
        .collect();
    let active: Vec<usize> = (0..m.hidden())
        .filter(|&i| {
            let k = m.w1.row(i);
            (0..x.len()).map(|p| f64::from(k[p]) * x[p]).sum::<f64>() + f64::from(m.b1[i]) > 0.0
        })
        .collect();
    let mut constant: [f64; DIGITS] = std::array::from_fn(|c| f64::from(m.b2[c]));
    let mut templates = vec![vec![0.0; PIXELS]; DIGITS];
    for &i in &active {
        let k = m.w1.row(i);
        for c in 0..DIGITS {
            let v = f64::from(m.w2[[c, i]]);
            constant[c] += v * f64::from(m.b1[i]);
            for (t, &w) in templates[c].iter_mut().zip(k.iter()) {
                *t += v * f64::from(w);
            }
        }
    }
    let logits: [f64; DIGITS] = std::array::from_fn(|c| {
        constant[c]
            + templates[c]
                .iter()
                .zip(&x)
                .map(|(t, xp)| t * xp)
                .sum::<f64>()
    });
    let fwd = m.forward(crate::nn::mlp::pixels(image).view()).logits;
    let max_abs_diff = (0..DIGITS)
        .map(|c| (logits[c] - f64::from(fwd[[0, c]])).abs())
        .fold(0.0, f64::max);
    Templates {
        active,
        constant,
        templates,
        logits,
        max_abs_diff,
    }
}

/// The input that makes one pair fire hardest with pixels in [0, 1]: full
/// ink where the key is positive, none elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyInput {
    pub pair: usize,
    /// 784 pixels, 255 where the key weight is positive, else 0.
    pub pixels: Vec<u8>,
    /// The pair's match on it: Σ of the positive key weights + b1_i.
    pub pre: f64,
    pub logits: [f64; DIGITS],
    pub prediction: Prediction,
    /// The digit the pair's value votes for most, to compare with.
    pub value_favours: Option<usize>,
}

pub fn key_input(m: &Mlp, pair: usize) -> Option<KeyInput> {
    if pair >= m.hidden() {
        return None;
    }
    let k = m.w1.row(pair);
    let pixels: Vec<u8> = k.iter().map(|&w| if w > 0.0 { 255 } else { 0 }).collect();
    let pre = k
        .iter()
        .filter(|&&w| w > 0.0)
        .map(|&w| f64::from(w))
        .sum::<f64>()
        + f64::from(m.b1[pair]);
    let fwd = m.forward(crate::nn::mlp::pixels(&pixels).view()).logits;
    let logits: [f64; DIGITS] = std::array::from_fn(|c| f64::from(fwd[[0, c]]));
    let value_favours = crate::kv::pair::pair_view(m, pair).and_then(|v| v.favours);
    Some(KeyInput {
        pair,
        prediction: Prediction::of(&logits),
        pixels,
        pre,
        logits,
        value_favours,
    })
}

/// How much of each key is still its random start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyDrift {
    /// Per pair: cosine similarity of the trained key with its initial weights.
    pub cosines: Vec<f64>,
    pub median: f64,
}

pub fn key_drift(trained: &Mlp, init: &Mlp) -> KeyDrift {
    let cosines: Vec<f64> = (0..trained.hidden().min(init.hidden()))
        .map(|i| {
            let (a, b) = (trained.w1.row(i), init.w1.row(i));
            let dot: f64 = a
                .iter()
                .zip(b.iter())
                .map(|(&x, &y)| f64::from(x) * f64::from(y))
                .sum();
            let na: f64 = a.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>().sqrt();
            let nb: f64 = b.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>().sqrt();
            if na == 0.0 || nb == 0.0 {
                0.0
            } else {
                dot / (na * nb)
            }
        })
        .collect();
    let mut sorted = cosines.clone();
    sorted.sort_by(f64::total_cmp);
    let median = match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    KeyDrift { cosines, median }
}

/// Trained minus initial key of one pair (784 numbers), for a difference image.
pub fn key_difference(trained: &Mlp, init: &Mlp, pair: usize) -> Option<Vec<f32>> {
    (pair < trained.hidden() && pair < init.hidden())
        .then(|| key_delta(&trained.w1.row(pair).to_vec(), &init.w1.row(pair).to_vec()))
}

/// Trained minus initial weights, element by element (the shorter length).
pub fn key_delta(trained: &[f32], init: &[f32]) -> Vec<f32> {
    trained.iter().zip(init).map(|(a, b)| a - b).collect()
}

/// Histogram of the init → trained key cosines.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CosineHistogram {
    /// Left edge of the first bin.
    pub lo: f64,
    /// Bin width (a round number: 0.01, 0.02, 0.05, 0.1 or 0.2).
    pub width: f64,
    /// Pairs per bin; bin b covers [lo + b·width, lo + (b + 1)·width).
    pub counts: Vec<usize>,
    pub min: f64,
    pub max: f64,
}

/// Most bins a cosine histogram uses.
pub const COSINE_BINS: usize = 40;

/// Bins the cosines with the narrowest round width that needs at most
/// [`COSINE_BINS`] bins between the rounded minimum and maximum.
pub fn cosine_histogram(d: &KeyDrift) -> CosineHistogram {
    let finite: Vec<f64> = d
        .cosines
        .iter()
        .copied()
        .filter(|c| c.is_finite())
        .collect();
    let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if finite.is_empty() {
        return CosineHistogram {
            lo: 0.0,
            width: 0.1,
            counts: Vec::new(),
            min: 0.0,
            max: 0.0,
        };
    }
    // Bin edges as integer multiples of the width, so they stay exact.
    let edges = |w: f64| -> (i64, i64) {
        let a = (min / w).floor() as i64;
        let b = ((max / w).ceil() as i64).max(a + 1);
        (a, b)
    };
    let width = [0.01, 0.02, 0.05, 0.1, 0.2]
        .into_iter()
        .find(|&w| {
            let (a, b) = edges(w);
            (b - a) as usize <= COSINE_BINS
        })
        .unwrap_or(0.2);
    let (a, b) = edges(width);
    let bins = (b - a) as usize;
    let mut counts = vec![0usize; bins];
    for c in &finite {
        let i = ((c / width).floor() as i64 - a).clamp(0, bins as i64 - 1) as usize;
        counts[i] += 1;
    }
    CosineHistogram {
        lo: a as f64 * width,
        width,
        counts,
        min,
        max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::testnet::net;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn templates_reproduce_the_logits() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        for hidden in [1usize, 7, 40] {
            let mut m = Mlp::init(hidden, &mut rng);
            m.b1.iter_mut()
                .for_each(|b| *b = rng.random_range(-0.3..0.3));
            m.b2.iter_mut()
                .for_each(|b| *b = rng.random_range(-0.3..0.3));
            let img: Vec<u8> = (0..PIXELS)
                .map(|_| {
                    if rng.random_range(0..3) == 0 {
                        rng.random_range(0..=255)
                    } else {
                        0
                    }
                })
                .collect();
            let t = templates(&m, &img);
            assert!(t.max_abs_diff < 1e-4, "H={hidden}: {}", t.max_abs_diff);
            assert_eq!(t.templates.len(), DIGITS);
        }
        // By hand on the test net: an image of a 2 (pixels 2 and 20) activates
        // pairs 2 and 11; the template for digit 2 is 2 at pixel 2 and 0.5 at 20–22.
        let mut img = vec![0u8; PIXELS];
        img[2] = 255;
        img[20] = 255;
        let t = templates(&net(), &img);
        assert_eq!(t.active, vec![2, 11]);
        assert_eq!(t.templates[2][2], 2.0);
        assert_eq!(t.templates[2][21], 0.5);
        assert_eq!(t.templates[2][5], 0.0);
        assert_eq!(t.logits[2], 2.5);
    }

    #[test]
    fn a_key_turned_into_an_input() {
        let k = key_input(&net(), 2).unwrap();
        assert_eq!(k.pixels.iter().filter(|&&p| p == 255).count(), 1);
        assert_eq!(k.pixels[2], 255);
        assert_eq!(k.pre, 1.0);
        assert_eq!(k.prediction, Prediction::Unique(2));
        assert_eq!(k.value_favours, Some(2));
        assert!(key_input(&net(), 12).is_none());
    }

    #[test]
    fn key_drift_measures_the_distance_from_the_start() {
        let m = net();
        assert!((key_drift(&m, &m).median - 1.0).abs() < 1e-12);
        let mut neg = m.clone();
        neg.w1.mapv_inplace(|w| -w);
        let d = key_drift(&m, &neg);
        assert!((d.cosines[0] + 1.0).abs() < 1e-12);
        assert_eq!(key_difference(&m, &neg, 0).unwrap()[0], 2.0);
    }

    #[test]
    fn cosines_are_binned_with_a_round_width() {
        let d = KeyDrift {
            cosines: vec![0.612, 0.83, 0.84, 0.97, 0.755],
            median: 0.83,
        };
        let h = cosine_histogram(&d);
        // 0.61 to 0.97 in 0.01 steps is 36 bins, within the 40 allowed.
        assert_eq!(h.width, 0.01);
        assert!((h.lo - 0.61).abs() < 1e-12);
        assert_eq!(h.counts.len(), 36);
        assert_eq!(h.counts.iter().sum::<usize>(), 5);
        assert_eq!(h.counts[0], 1);
        assert_eq!(h.counts[83 - 61], 1);
        assert_eq!(h.counts[35], 1);
        assert_eq!((h.min, h.max), (0.612, 0.97));
        // −0.95 to 1.00 needs 39 bins of 0.05 (195 of 0.01, 98 of 0.02).
        let wide = cosine_histogram(&KeyDrift {
            cosines: vec![-0.95, 0.333, 1.0],
            median: 0.333,
        });
        assert_eq!(wide.width, 0.05);
        assert_eq!(wide.counts.len(), 39);
        assert_eq!(wide.counts[0], 1);
        assert_eq!(wide.counts[25], 1);
        assert_eq!(wide.counts[38], 1);
        let empty = cosine_histogram(&KeyDrift {
            cosines: vec![],
            median: 0.0,
        });
        assert!(empty.counts.is_empty());
        assert_eq!(key_delta(&[1.0, 2.0], &[0.5, 3.0]), vec![0.5, -1.0]);
    }
}
