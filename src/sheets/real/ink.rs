//! How a learner may read a printed digit's ink, and how much visible
//! structure a key has: the two measures `rank-digits` chooses by.
//!
//! The network reads a pixel as its gray level (pixel ÷ 255). A learner
//! looking at a printed digit may instead count every inked pixel as 1, or
//! only the dark ones; a fair ranking exercise gives the same answer under
//! all three, with a clear margin around 0 (see [`super::rank_draw`]).

use crate::nn::Mlp;

/// A way of reading a pixel as ink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ink {
    /// The network's own reading: pixel ÷ 255, from 0 to 1.
    Gray,
    /// Every pixel with any ink counts 1 (pixel > 0).
    Any,
    /// Only dark pixels count 1 (pixel > 127).
    Dark,
}

impl Ink {
    pub(super) const ALL: [Ink; 3] = [Ink::Gray, Ink::Any, Ink::Dark];

    /// The ink of one pixel value under this reading.
    pub(super) fn of(self, p: u8) -> f64 {
        match self {
            Ink::Gray => f64::from(p) / 255.0,
            Ink::Any => f64::from(u8::from(p > 0)),
            Ink::Dark => f64::from(u8::from(p > 127)),
        }
    }

    /// The reading in words, for the key.
    pub(super) fn words(self) -> &'static str {
        match self {
            Ink::Gray => "when ink is the gray level (pixel ÷ 255)",
            Ink::Any => "when any ink counts 1",
            Ink::Dark => "when dark ink (pixel > 127) counts 1",
        }
    }
}

/// The match (key · ink + bias) of `pair` on `pixels` under each reading,
/// in the order of [`Ink::ALL`]: one pass over the 784 weights.
pub(super) fn matches(model: &Mlp, pair: usize, pixels: &[u8]) -> [f64; 3] {
    let bias = f64::from(model.b1[pair]);
    let mut m = [bias; 3];
    for (w, &p) in model.w1.row(pair).iter().zip(pixels) {
        if p == 0 {
            continue;
        }
        let w = f64::from(*w);
        for (acc, ink) in m.iter_mut().zip(Ink::ALL) {
            *acc += w * ink.of(p);
        }
    }
    m
}

/// How much visible structure a key has: the correlation of neighbouring
/// weights. Over every horizontally or vertically adjacent pair of pixels
/// (a, b) of the 28×28 key,
///
/// ```text
/// structure = Σ w_a·w_b / Σ (w_a² + w_b²)/2
/// ```
///
/// 1 for a constant key, about 0 for independent speckle (a key still close
/// to its random start), negative for a checkerboard. Strokes and blobs
/// that a learner can see and point at give values well above 0.
pub(super) fn structure(weights: &[f32]) -> f64 {
    const SIDE: usize = 28;
    if weights.len() != SIDE * SIDE {
        return 0.0;
    }
    let w = |r: usize, c: usize| f64::from(weights[r * SIDE + c]);
    let (mut cross, mut energy) = (0.0f64, 0.0f64);
    for r in 0..SIDE {
        for c in 0..SIDE {
            for (r2, c2) in [(r, c + 1), (r + 1, c)] {
                if r2 < SIDE && c2 < SIDE {
                    cross += w(r, c) * w(r2, c2);
                    energy += (w(r, c).powi(2) + w(r2, c2).powi(2)) / 2.0;
                }
            }
        }
    }
    if energy > 0.0 { cross / energy } else { 0.0 }
}

/// The digit with its strokes thickened by one pixel: every pixel takes the
/// darkest value among itself and its four neighbours.
pub(super) fn thicker(pixels: &[u8]) -> Vec<u8> {
    const SIDE: usize = 28;
    let mut out = pixels.to_vec();
    for r in 0..SIDE {
        for c in 0..SIDE {
            let mut m = pixels.get(r * SIDE + c).copied().unwrap_or(0);
            let around = [
                (r.wrapping_sub(1), c),
                (r + 1, c),
                (r, c.wrapping_sub(1)),
                (r, c + 1),
            ];
            for (r2, c2) in around {
                if r2 < SIDE && c2 < SIDE {
                    m = m.max(pixels.get(r2 * SIDE + c2).copied().unwrap_or(0));
                }
            }
            if let Some(o) = out.get_mut(r * SIDE + c) {
                *o = m;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structure_tells_blobs_from_speckle() {
        // A smooth ramp: strongly correlated neighbours.
        let ramp: Vec<f32> = (0..784).map(|i| ((i / 28) as f32) / 28.0 + 0.1).collect();
        assert!(structure(&ramp) > 0.9, "{}", structure(&ramp));
        // A checkerboard: neighbours of opposite sign.
        let check: Vec<f32> = (0..784)
            .map(|i| {
                if (i / 28 + i % 28) % 2 == 0 {
                    1.0
                } else {
                    -1.0
                }
            })
            .collect();
        assert!(structure(&check) < -0.9, "{}", structure(&check));
        // Deterministic pseudo-random speckle: near 0.
        let mut s = 12345u32;
        let speckle: Vec<f32> = (0..784)
            .map(|_| {
                s = s.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((s >> 16) % 1000) as f32 / 500.0 - 1.0
            })
            .collect();
        assert!(structure(&speckle).abs() < 0.15, "{}", structure(&speckle));
        assert_eq!(structure(&[1.0; 3]), 0.0);
    }

    #[test]
    fn ink_readings_and_thickening() {
        assert_eq!(Ink::Gray.of(255), 1.0);
        assert_eq!(Ink::Any.of(1), 1.0);
        assert_eq!(Ink::Dark.of(127), 0.0);
        assert_eq!(Ink::Dark.of(128), 1.0);
        let mut px = vec![0u8; 784];
        px[28 * 10 + 10] = 200;
        let t = thicker(&px);
        assert_eq!(t.iter().filter(|&&p| p == 200).count(), 5);
        assert_eq!(t[28 * 9 + 10], 200);
        assert_eq!(t[28 * 10 + 11], 200);
        assert_eq!(t[28 * 11 + 11], 0);
    }
}
