//! The optimiser: Adam or AdamW (PyTorch's formulation), one fused pass
//! over a parameter with its gradient and moments.

use crate::config::Optimizer;

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPS: f32 = 1e-8;

/// A parameter with its gradient and Adam moments.
pub(super) struct Param {
    pub(super) w: Vec<f32>,
    pub(super) g: Vec<f32>,
    m: Vec<f32>,
    v: Vec<f32>,
}

impl Param {
    pub(super) fn new(w: Vec<f32>) -> Self {
        let n = w.len();
        Param {
            w,
            g: vec![0.0; n],
            m: vec![0.0; n],
            v: vec![0.0; n],
        }
    }
}

/// The scalars of one Adam/AdamW step (PyTorch's formulation).
pub(super) struct AdamStep {
    adamw: bool,
    lr: f32,
    wd: f32,
    step_size: f32,
    bias_correction2_sqrt: f32,
}

impl AdamStep {
    pub(super) fn new(optimizer: Optimizer, lr: f32, wd: f32, t: i32) -> Self {
        let bc1 = 1.0 - BETA1.powi(t);
        let bc2 = 1.0 - BETA2.powi(t);
        AdamStep {
            adamw: optimizer == Optimizer::Adamw,
            lr,
            wd,
            step_size: lr / bc1,
            bias_correction2_sqrt: bc2.sqrt(),
        }
    }

    /// One fused pass over a parameter: decay, moments, update.
    #[inline(always)]
    pub(super) fn apply(&self, p: &mut Param) {
        self.apply_range(p, 0, p.w.len());
    }

    /// The same pass over the elements `start .. end` only: the key
    /// gradient is updated one pixel row at a time, right after the row is
    /// summed, while it is still in L1 (same bits as one pass over all).
    #[inline(always)]
    pub(super) fn apply_range(&self, p: &mut Param, start: usize, end: usize) {
        let decay = 1.0 - self.lr * self.wd;
        for (((w, &g), m), v) in p.w[start..end]
            .iter_mut()
            .zip(&p.g[start..end])
            .zip(p.m[start..end].iter_mut())
            .zip(p.v[start..end].iter_mut())
        {
            let g = if self.adamw { g } else { g + self.wd * *w };
            if self.adamw {
                *w *= decay;
            }
            *m = BETA1 * *m + (1.0 - BETA1) * g;
            *v = BETA2 * *v + (1.0 - BETA2) * g * g;
            let denom = v.sqrt() / self.bias_correction2_sqrt + EPS;
            *w -= self.step_size * *m / denom;
        }
    }
}
