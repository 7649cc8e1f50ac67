//! The losses: softmax fused with cross-entropy or MSE, and their gradient
//! with respect to the logits.

use crate::config::Loss;
use crate::nn::mlp::{OUTPUTS, argmax_unique};

/// Softmax of each row of `z` (rows of 10), the loss and its gradient with
/// respect to `z` (already divided by the batch size). Returns (mean loss, correct count).
pub(super) fn loss_and_grad(loss: Loss, z: &[f32], labels: &[u8], dz: &mut [f32]) -> (f64, usize) {
    let b = labels.len();
    let inv_b = 1.0 / b as f32;
    let mut total = 0.0f64;
    let mut correct = 0;
    for ((zr, dr), &y) in z
        .chunks_exact(OUTPUTS)
        .zip(dz.chunks_exact_mut(OUTPUTS))
        .zip(labels)
    {
        let y = usize::from(y);
        let zs: [f32; OUTPUTS] = std::array::from_fn(|c| zr[c]);
        if argmax_unique(&zs) == Some(y) {
            correct += 1;
        }
        let max = zs.iter().fold(f32::NEG_INFINITY, |a, &v| a.max(v));
        let e: [f32; OUTPUTS] = std::array::from_fn(|c| (zs[c] - max).exp());
        let sum: f32 = e.iter().sum();
        let p: [f32; OUTPUTS] = std::array::from_fn(|c| e[c] / sum);
        let onehot = |c: usize| if c == y { 1.0 } else { 0.0 };
        match loss {
            Loss::CrossEntropy => {
                // loss = −log p_y ; ∂/∂z_c = p_c − [c = y]
                total += f64::from(max - zs[y] + sum.ln());
                for c in 0..OUTPUTS {
                    dr[c] = (p[c] - onehot(c)) * inv_b;
                }
            }
            Loss::Mse => {
                // loss = mean over the 10 outputs of (p_c − t_c)² ;
                // g_c = 2 (p_c − t_c) / 10 ; ∂/∂z_j = p_j (g_j − Σ_c g_c p_c)
                let diff: [f32; OUTPUTS] = std::array::from_fn(|c| p[c] - onehot(c));
                total += diff.iter().map(|d| f64::from(*d).powi(2)).sum::<f64>() / OUTPUTS as f64;
                let g: [f32; OUTPUTS] = std::array::from_fn(|c| 2.0 * diff[c] / OUTPUTS as f32);
                let gp: f32 = (0..OUTPUTS).map(|c| g[c] * p[c]).sum();
                for j in 0..OUTPUTS {
                    dr[j] = p[j] * (g[j] - gp) * inv_b;
                }
            }
        }
    }
    (total / b as f64, correct)
}
