//! One key-value pair on its own, and its key matched against an image.
//!
//! Pair i: key k_i = row i of W1 (784 weights, a 28×28 picture) with bias
//! b1_i; value v_i = column i of W2 (one vote per digit).

use super::image::DIGITS;
use crate::data::PIXELS;
use crate::nn::Mlp;
use serde::Serialize;

/// A pair as the workshop shows it, with summary statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairView {
    pub pair: usize,
    /// 784 key weights, row-major 28×28.
    pub key: Vec<f32>,
    pub bias: f32,
    pub value: [f32; DIGITS],
    pub key_min: f32,
    pub key_max: f32,
    /// Largest |weight|: the scale for a colour map centred on zero.
    pub key_abs_max: f32,
    pub key_l2: f64,
    pub positive_weights: usize,
    pub negative_weights: usize,
    /// The digit the value votes for most (None if the top vote is shared).
    pub favours: Option<usize>,
    /// Highest vote minus the second highest: how much the value favours `favours`.
    pub favour_margin: f32,
    /// The digit the value votes against most (None if shared).
    pub opposes: Option<usize>,
}

/// The pair's view; `None` if `pair` is out of range.
pub fn pair_view(m: &Mlp, pair: usize) -> Option<PairView> {
    if pair >= m.hidden() {
        return None;
    }
    let key: Vec<f32> = m.w1.row(pair).to_vec();
    let value: [f32; DIGITS] = std::array::from_fn(|d| m.w2[[d, pair]]);
    let key_min = key.iter().copied().fold(f32::INFINITY, f32::min);
    let key_max = key.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sorted = value;
    sorted.sort_by(|a, b| b.total_cmp(a));
    let unique = |v: f32| {
        let at: Vec<usize> = (0..DIGITS).filter(|&d| value[d] == v).collect();
        if at.len() == 1 { Some(at[0]) } else { None }
    };
    Some(PairView {
        pair,
        key_abs_max: key_min.abs().max(key_max.abs()),
        key_l2: key
            .iter()
            .map(|&w| f64::from(w).powi(2))
            .sum::<f64>()
            .sqrt(),
        positive_weights: key.iter().filter(|&&w| w > 0.0).count(),
        negative_weights: key.iter().filter(|&&w| w < 0.0).count(),
        key_min,
        key_max,
        bias: m.b1[pair],
        favours: unique(sorted[0]),
        favour_margin: sorted[0] - sorted[1],
        opposes: unique(sorted[DIGITS - 1]),
        key,
        value,
    })
}

/// Key ⊙ image: how each pixel contributes to the pair's match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyTimesImage {
    pub pair: usize,
    /// 784 products k_p · x_p (x in [0, 1]); zero wherever the image has no ink.
    pub products: Vec<f64>,
    /// Pixels with ink: the only ones that contribute.
    pub inked_pixels: usize,
    /// Σ products (= k · x).
    pub sum: f64,
    /// Σ of the positive / negative products.
    pub positive: f64,
    pub negative: f64,
    pub bias: f64,
    /// sum + bias.
    pub pre: f64,
    /// ReLU(pre).
    pub activation: f64,
    pub fires: bool,
}

/// Matches pair `pair`'s key against `image` (784 bytes); `None` if out of range.
pub fn key_times_image(m: &Mlp, pair: usize, image: &[u8]) -> Option<KeyTimesImage> {
    if pair >= m.hidden() || image.len() < PIXELS {
        return None;
    }
    let key = m.w1.row(pair);
    let products: Vec<f64> = (0..PIXELS)
        .map(|p| {
            if image[p] == 0 {
                0.0
            } else {
                f64::from(key[p]) * f64::from(image[p]) / 255.0
            }
        })
        .collect();
    let sum: f64 = products.iter().sum();
    let bias = f64::from(m.b1[pair]);
    let pre = sum + bias;
    Some(KeyTimesImage {
        pair,
        inked_pixels: image.iter().take(PIXELS).filter(|&&p| p > 0).count(),
        positive: products.iter().filter(|&&v| v > 0.0).sum(),
        negative: products.iter().filter(|&&v| v < 0.0).sum(),
        products,
        sum,
        bias,
        pre,
        activation: pre.max(0.0),
        fires: pre > 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2};

    fn net() -> Mlp {
        let mut w1 = Array2::zeros((2, PIXELS));
        w1[[0, 0]] = 0.5;
        w1[[0, 1]] = -0.25;
        w1[[0, 2]] = 3.0; // never inked below
        let mut w2 = Array2::zeros((DIGITS, 2));
        w2[[7, 0]] = 2.0;
        w2[[1, 0]] = 0.5;
        w2[[3, 0]] = -1.0;
        Mlp {
            w1,
            b1: Array1::from(vec![-0.1, 0.0]),
            w2,
            b2: Array1::zeros(DIGITS),
        }
    }

    #[test]
    fn pair_view_summarises_key_and_value() {
        let v = pair_view(&net(), 0).unwrap();
        assert_eq!((v.key_min, v.key_max, v.key_abs_max), (-0.25, 3.0, 3.0));
        assert_eq!((v.positive_weights, v.negative_weights), (2, 1));
        assert_eq!(
            (v.favours, v.favour_margin, v.opposes),
            (Some(7), 1.5, Some(3))
        );
        assert_eq!(v.bias, -0.1);
        // Pair 1's value is all zeros: it favours nothing.
        let v1 = pair_view(&net(), 1).unwrap();
        assert_eq!((v1.favours, v1.opposes), (None, None));
        assert!(pair_view(&net(), 2).is_none());
    }

    #[test]
    fn key_times_image_counts_only_ink() {
        let mut img = vec![0u8; PIXELS];
        img[0] = 255;
        img[1] = 255;
        let k = key_times_image(&net(), 0, &img).unwrap();
        assert_eq!(k.inked_pixels, 2);
        assert_eq!(
            k.products[2], 0.0,
            "an uninked pixel contributes nothing, whatever its weight"
        );
        assert!((k.sum - 0.25).abs() < 1e-12);
        assert!((k.positive - 0.5).abs() < 1e-12 && (k.negative + 0.25).abs() < 1e-12);
        assert!((k.pre - 0.15).abs() < 1e-7);
        assert!(k.fires);
        img[0] = 0;
        let k = key_times_image(&net(), 0, &img).unwrap();
        assert!(!k.fires && k.activation == 0.0);
    }
}
