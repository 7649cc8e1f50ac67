//! The refit of the output bias after a knock-out: the shift of b2 that
//! minimises mean cross-entropy, by damped Newton's method.

use crate::kv::image::DIGITS;
use ndarray::Array2;

/// Mean cross-entropy of `logits + delta` against `labels`.
fn mean_ce(logits: &Array2<f32>, labels: &[u8], delta: &[f64; DIGITS]) -> f64 {
    let mut total = 0.0;
    for (row, &l) in logits.rows().into_iter().zip(labels) {
        let z: [f64; DIGITS] = std::array::from_fn(|d| f64::from(row[d]) + delta[d]);
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lse = max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
        total += lse - z[usize::from(l).min(DIGITS - 1)];
    }
    total / labels.len().max(1) as f64
}

/// The shift δ of the output bias minimising mean cross-entropy of
/// `logits + δ`: damped Newton's method on the 10 convex parameters (a
/// backtracking line search keeps every step downhill; the shift along
/// (1, …, 1) changes nothing and is pinned by a small ridge).
pub fn refit_bias(logits: &Array2<f32>, labels: &[u8]) -> [f64; DIGITS] {
    let n = labels.len().max(1) as f64;
    let mut delta = [0.0f64; DIGITS];
    let mut loss = mean_ce(logits, labels, &delta);
    for _ in 0..50 {
        let mut grad = [0.0f64; DIGITS];
        let mut hess = [[0.0f64; DIGITS]; DIGITS];
        for (row, &l) in logits.rows().into_iter().zip(labels) {
            let z: [f64; DIGITS] = std::array::from_fn(|d| f64::from(row[d]) + delta[d]);
            let p = crate::kv::image::softmax(&z);
            for a in 0..DIGITS {
                grad[a] += (p[a] - if usize::from(l) == a { 1.0 } else { 0.0 }) / n;
                for b in 0..DIGITS {
                    hess[a][b] += (if a == b { p[a] } else { 0.0 } - p[a] * p[b]) / n;
                }
            }
        }
        if grad.iter().all(|g| g.abs() < 1e-9) {
            break;
        }
        for (a, row) in hess.iter_mut().enumerate() {
            row[a] += 1e-6;
        }
        let Some(step) = solve(hess, grad) else { break };
        let mut t = 1.0;
        let mut improved = false;
        for _ in 0..40 {
            let trial: [f64; DIGITS] = std::array::from_fn(|d| delta[d] - t * step[d]);
            let l = mean_ce(logits, labels, &trial);
            if l.is_finite() && l < loss {
                delta = trial;
                improved = loss - l > 1e-12;
                loss = l;
                break;
            }
            t /= 2.0;
        }
        if !improved {
            break;
        }
    }
    delta
}

/// Solves A x = b (10 × 10) by Gaussian elimination with partial pivoting.
fn solve(mut a: [[f64; DIGITS]; DIGITS], mut b: [f64; DIGITS]) -> Option<[f64; DIGITS]> {
    for col in 0..DIGITS {
        let pivot = (col..DIGITS).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for r in col + 1..DIGITS {
            let f = a[r][col] / a[col][col];
            let pivot_row = a[col];
            for (x, p) in a[r].iter_mut().zip(pivot_row).skip(col) {
                *x -= f * p;
            }
            b[r] -= f * b[col];
        }
    }
    let mut x = [0.0; DIGITS];
    for r in (0..DIGITS).rev() {
        let s: f64 = (r + 1..DIGITS).map(|c| a[r][c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}
