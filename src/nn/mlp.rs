//! `Mlp`: weights, initialisation, batched forward pass and evaluation.

use crate::data::{PIXELS, Split};
use ndarray::{Array1, Array2, ArrayView2, Axis, Slice, linalg::general_mat_mul};
use rand::RngExt;

/// Number of inputs (28 × 28 pixels) and outputs (digits).
pub const INPUTS: usize = PIXELS;
pub const OUTPUTS: usize = 10;

/// A 784 → H → 10 network.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    /// (H, 784): row i is key i.
    pub w1: Array2<f32>,
    /// (H): bias of key i.
    pub b1: Array1<f32>,
    /// (10, H): column i is value i.
    pub w2: Array2<f32>,
    /// (10): output bias.
    pub b2: Array1<f32>,
}

/// Everything a forward pass computes for a batch of n images.
#[derive(Debug, Clone)]
pub struct Activations {
    /// (n, H): W1·x + b1, the match of each key before ReLU.
    pub pre: Array2<f32>,
    /// (n, H): ReLU(pre), how strongly each pair fires.
    pub hidden: Array2<f32>,
    /// (n, 10): W2·hidden + b2.
    pub logits: Array2<f32>,
}

impl Mlp {
    pub fn hidden(&self) -> usize {
        self.b1.len()
    }

    /// He (Kaiming) uniform initialisation: w1 ~ U(±√(6/784)) for the ReLU
    /// layer, w2 ~ U(±√(3/H)) for the linear output layer; biases zero.
    pub fn init(hidden: usize, rng: &mut impl rand::Rng) -> Mlp {
        let bound1 = (6.0 / INPUTS as f64).sqrt() as f32;
        let bound2 = (3.0 / hidden as f64).sqrt() as f32;
        let w1 =
            Array2::from_shape_simple_fn((hidden, INPUTS), || rng.random_range(-bound1..bound1));
        let w2 =
            Array2::from_shape_simple_fn((OUTPUTS, hidden), || rng.random_range(-bound2..bound2));
        Mlp {
            w1,
            b1: Array1::zeros(hidden),
            w2,
            b2: Array1::zeros(OUTPUTS),
        }
    }

    /// x: (n, 784) in [0, 1] → pre-activations, hidden activations, logits.
    pub fn forward(&self, x: ArrayView2<f32>) -> Activations {
        let n = x.nrows();
        let mut pre = Array2::zeros((n, self.hidden()));
        general_mat_mul(1.0, &x, &self.w1.t(), 0.0, &mut pre);
        pre += &self.b1;
        let hidden = pre.mapv(|v| v.max(0.0));
        let logits = self.logits_from_hidden(&hidden);
        Activations {
            pre,
            hidden,
            logits,
        }
    }

    /// hidden: (n, H) → logits (n, 10).
    pub fn logits_from_hidden(&self, hidden: &Array2<f32>) -> Array2<f32> {
        let mut logits = Array2::zeros((hidden.nrows(), OUTPUTS));
        general_mat_mul(1.0, hidden, &self.w2.t(), 0.0, &mut logits);
        logits += &self.b2;
        logits
    }

    /// Logits of a whole split, computed in chunks to bound memory: (n, 10).
    pub fn logits_of(&self, split: &Split) -> Array2<f32> {
        const CHUNK: usize = 1000;
        let n = split.len();
        let mut out = Array2::zeros((n, OUTPUTS));
        let mut start = 0;
        while start < n {
            let end = (start + CHUNK).min(n);
            let x = pixels(&split.images[start * INPUTS..end * INPUTS]);
            let acts = self.forward(x.view());
            out.slice_axis_mut(Axis(0), Slice::from(start..end))
                .assign(&acts.logits);
            start = end;
        }
        out
    }

    /// Number of trainable parameters: H·784 + H + 10·H + 10.
    pub fn parameter_count(&self) -> usize {
        self.w1.len() + self.b1.len() + self.w2.len() + self.b2.len()
    }
}

/// Images as bytes (n · 784) → (n, 784) f32 in [0, 1].
pub fn pixels(images: &[u8]) -> Array2<f32> {
    let n = images.len() / INPUTS;
    let data: Vec<f32> = images[..n * INPUTS]
        .iter()
        .map(|&p| f32::from(p) / 255.0)
        .collect();
    Array2::from_shape_vec((n, INPUTS), data).unwrap_or_else(|_| Array2::zeros((0, INPUTS)))
}

/// The index of the largest value, or `None` when the largest is shared
/// (a tie is a tie, never silently the first index) or a value is NaN.
pub fn argmax_unique(values: &[f32]) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    let mut tied = false;
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            return None;
        }
        match best {
            None => best = Some((i, v)),
            Some((_, b)) if v > b => {
                best = Some((i, v));
                tied = false;
            }
            Some((_, b)) if v == b => tied = true,
            Some(_) => {}
        }
    }
    if tied { None } else { best.map(|(i, _)| i) }
}

/// Accuracy of a model on a split, overall and per true digit.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub correct: usize,
    pub total: usize,
    /// Per true digit: (correct, total).
    pub per_digit: [(usize, usize); 10],
    /// Predicted digit per image; `None` for a tie.
    pub predictions: Vec<Option<u8>>,
}

impl Evaluation {
    pub fn accuracy(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.correct as f64 / self.total as f64
        }
    }
    pub fn digit_accuracy(&self, d: usize) -> f64 {
        let (c, t) = self.per_digit[d];
        if t == 0 { 0.0 } else { c as f64 / t as f64 }
    }
}

pub fn evaluate(model: &Mlp, split: &Split) -> Evaluation {
    let logits = model.logits_of(split);
    let mut per_digit = [(0usize, 0usize); 10];
    let mut correct = 0;
    let mut predictions = Vec::with_capacity(split.len());
    for (row, &label) in logits.axis_iter(Axis(0)).zip(&split.labels) {
        let pred = row.as_slice().and_then(argmax_unique).map(|p| p as u8);
        let slot = &mut per_digit[usize::from(label).min(9)];
        slot.1 += 1;
        if pred == Some(label) {
            correct += 1;
            slot.0 += 1;
        }
        predictions.push(pred);
    }
    Evaluation {
        correct,
        total: split.len(),
        per_digit,
        predictions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn argmax_reports_ties() {
        assert_eq!(argmax_unique(&[0.1, 0.9, 0.3]), Some(1));
        assert_eq!(argmax_unique(&[0.9, 0.9, 0.3]), None);
        assert_eq!(argmax_unique(&[0.9, 0.9, 1.0]), Some(2));
        assert_eq!(argmax_unique(&[]), None);
        assert_eq!(argmax_unique(&[1.0, f32::NAN]), None);
    }

    #[test]
    fn forward_matches_hand_computation() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut m = Mlp::init(3, &mut rng);
        m.b1 = Array1::from(vec![0.1, -5.0, 0.2]);
        m.b2 = Array1::from(vec![0.5; 10]);
        let img: Vec<u8> = (0..INPUTS).map(|i| (i % 256) as u8).collect();
        let x = pixels(&img);
        let acts = m.forward(x.view());
        for h in 0..3 {
            let pre: f64 = (0..INPUTS)
                .map(|p| f64::from(m.w1[[h, p]]) * f64::from(x[[0, p]]))
                .sum::<f64>()
                + f64::from(m.b1[h]);
            assert!((f64::from(acts.pre[[0, h]]) - pre).abs() < 1e-4);
            assert_eq!(acts.hidden[[0, h]], acts.pre[[0, h]].max(0.0));
        }
        for c in 0..10 {
            let l: f32 = (0..3)
                .map(|h| m.w2[[c, h]] * acts.hidden[[0, h]])
                .sum::<f32>()
                + 0.5;
            assert!((acts.logits[[0, c]] - l).abs() < 1e-5);
        }
    }

    #[test]
    fn init_is_seeded_and_bounded() {
        let a = Mlp::init(8, &mut rand_chacha::ChaCha8Rng::seed_from_u64(3));
        let b = Mlp::init(8, &mut rand_chacha::ChaCha8Rng::seed_from_u64(3));
        let c = Mlp::init(8, &mut rand_chacha::ChaCha8Rng::seed_from_u64(4));
        assert_eq!(a, b);
        assert_ne!(a, c);
        let bound = (6.0f32 / 784.0).sqrt();
        assert!(a.w1.iter().all(|w| w.abs() <= bound));
        assert!(a.b1.iter().all(|b| *b == 0.0));
    }
}
