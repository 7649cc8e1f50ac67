//! Minibatch training with Adam or AdamW, cross-entropy or MSE on softmax.
//!
//! One step on a batch X: (B, 784) with labels y:
//!   h = ReLU(X · W1ᵀ + b1)        (B, H)
//!   z = h · W2ᵀ + b2              (B, 10)
//!   dz = ∂loss/∂z                 (B, 10)  softmax and loss gradient fused
//!   dW2 = dzᵀ · h, db2 = Σ_rows dz
//!   dh = (dz · W2) ⊙ [h > 0]      (B, H)
//!   dW1 = dhᵀ · X, db1 = Σ_rows dh  (no gradient for X: it is never needed)
//! then one fused pass of the optimizer over each parameter.
//!
//! All buffers are allocated once. Determinism: the RNG (ChaCha8) is seeded
//! from the config (stream 0 initialises, stream 1 shuffles), and the matrix
//! products (matrixmultiply) split work between threads by output blocks,
//! never along the summed dimension, so the weights are bit-identical for any
//! thread count on the same CPU features.

use super::mlp::{INPUTS, Mlp, OUTPUTS, argmax_unique, evaluate};
use crate::config::{Loss, ModelConfig, Optimizer};
use crate::data::Split;
use ndarray::{Array1, Array2, ArrayViewMut1, ArrayViewMut2, Axis, Slice, linalg::general_mat_mul};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// What one epoch achieved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochStats {
    /// 1-based.
    pub epoch: usize,
    /// Mean training loss over the epoch's minibatches.
    pub loss: f64,
    /// Accuracy on the minibatches as they were seen during the epoch
    /// (the weights change while it is measured).
    pub train_accuracy: f64,
    /// Accuracy on the test set after the epoch.
    pub test_accuracy: f64,
    /// Wall time of the epoch; never written into public/.
    pub seconds: f64,
}

/// A trained network with its starting point and its history.
#[derive(Debug, Clone)]
pub struct Trained {
    pub model: Mlp,
    pub init: Mlp,
    pub history: Vec<EpochStats>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TrainError {
    #[error("training was interrupted; the model cache was left as it was")]
    Interrupted,
    #[error("train_images = {wanted}, but the training set has only {have} images")]
    NotEnoughImages { wanted: usize, have: usize },
    #[error("the training set is empty")]
    Empty,
    #[error("training diverged in epoch {epoch}: the loss is {loss}; try a smaller learning_rate")]
    Diverged { epoch: usize, loss: f64 },
}

/// Hooks for progress display and cancellation.
pub trait Observer {
    fn epoch_started(&mut self, _epoch: usize, _steps: usize) {}
    fn step(&mut self, _epoch: usize, _step: usize) {}
    fn epoch_finished(&mut self, _stats: &EpochStats) {}
    /// Checked before every step; `true` stops training with `Interrupted`.
    fn interrupted(&self) -> bool {
        false
    }
}

/// An observer that shows nothing and never interrupts.
pub struct Silent;
impl Observer for Silent {}

/// Trains a fresh network on the first `cfg.train_images` images of `train`,
/// measuring test accuracy on `test` after every epoch.
pub fn train(
    train: &Split,
    test: &Split,
    cfg: &ModelConfig,
    obs: &mut dyn Observer,
) -> Result<Trained, TrainError> {
    let n = cfg.train_images;
    if n > train.len() {
        return Err(TrainError::NotEnoughImages {
            wanted: n,
            have: train.len(),
        });
    }
    if n == 0 {
        return Err(TrainError::Empty);
    }
    let mut init_rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut shuffle_rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    shuffle_rng.set_stream(1);
    let init = Mlp::init(cfg.hidden, &mut init_rng);
    let mut model = init.clone();
    let mut state = TrainState::new(cfg, model.hidden());
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut history = Vec::with_capacity(cfg.epochs);

    let batch = cfg.batch_size.min(n);
    let steps = n.div_ceil(batch);
    for epoch in 1..=cfg.epochs {
        let started = Instant::now();
        obs.epoch_started(epoch, steps);
        order.shuffle(&mut shuffle_rng);
        let (mut loss_sum, mut correct) = (0.0f64, 0usize);
        for (step, idx) in order.chunks(batch).enumerate() {
            if obs.interrupted() {
                return Err(TrainError::Interrupted);
            }
            let (loss, right) = state.step(&mut model, train, idx);
            loss_sum += loss * idx.len() as f64;
            correct += right;
            obs.step(epoch, step + 1);
        }
        let loss = loss_sum / n as f64;
        if !loss.is_finite() {
            return Err(TrainError::Diverged { epoch, loss });
        }
        let test_accuracy = if test.is_empty() {
            0.0
        } else {
            evaluate(&model, test).accuracy()
        };
        let stats = EpochStats {
            epoch,
            loss,
            train_accuracy: correct as f64 / n as f64,
            test_accuracy,
            seconds: started.elapsed().as_secs_f64(),
        };
        obs.epoch_finished(&stats);
        history.push(stats);
    }
    Ok(Trained {
        model,
        init,
        history,
    })
}

/// Adam's first and second moments for one parameter tensor.
struct Moments<D: ndarray::Dimension> {
    m: ndarray::Array<f32, D>,
    v: ndarray::Array<f32, D>,
}

/// Preallocated buffers and optimizer state.
struct TrainState {
    loss: Loss,
    optimizer: Optimizer,
    lr: f32,
    weight_decay: f32,
    t: i32,
    x: Array2<f32>,
    h: Array2<f32>,
    z: Array2<f32>,
    dz: Array2<f32>,
    dh: Array2<f32>,
    gw1: Array2<f32>,
    gb1: Array1<f32>,
    gw2: Array2<f32>,
    gb2: Array1<f32>,
    mw1: Moments<ndarray::Ix2>,
    mb1: Moments<ndarray::Ix1>,
    mw2: Moments<ndarray::Ix2>,
    mb2: Moments<ndarray::Ix1>,
}

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPS: f32 = 1e-8;

impl TrainState {
    fn new(cfg: &ModelConfig, hidden: usize) -> Self {
        let b = cfg.batch_size.min(cfg.train_images).max(1);
        let m2 = |r, c| Moments {
            m: Array2::zeros((r, c)),
            v: Array2::zeros((r, c)),
        };
        let m1 = |n| Moments {
            m: Array1::zeros(n),
            v: Array1::zeros(n),
        };
        TrainState {
            loss: cfg.loss,
            optimizer: cfg.optimizer,
            lr: cfg.learning_rate as f32,
            weight_decay: cfg.effective_weight_decay() as f32,
            t: 0,
            x: Array2::zeros((b, INPUTS)),
            h: Array2::zeros((b, hidden)),
            z: Array2::zeros((b, OUTPUTS)),
            dz: Array2::zeros((b, OUTPUTS)),
            dh: Array2::zeros((b, hidden)),
            gw1: Array2::zeros((hidden, INPUTS)),
            gb1: Array1::zeros(hidden),
            gw2: Array2::zeros((OUTPUTS, hidden)),
            gb2: Array1::zeros(OUTPUTS),
            mw1: m2(hidden, INPUTS),
            mb1: m1(hidden),
            mw2: m2(OUTPUTS, hidden),
            mb2: m1(OUTPUTS),
        }
    }

    /// One optimizer step on the images `idx`; returns (mean loss, correct predictions).
    fn step(&mut self, model: &mut Mlp, data: &Split, idx: &[u32]) -> (f64, usize) {
        let b = idx.len();
        let mut x = self.x.slice_axis_mut(Axis(0), Slice::from(..b));
        for (mut row, &i) in x.axis_iter_mut(Axis(0)).zip(idx) {
            let img = data.image(i as usize);
            for (dst, &p) in row.iter_mut().zip(img) {
                *dst = f32::from(p) * (1.0 / 255.0);
            }
        }
        let x = self.x.slice_axis(Axis(0), Slice::from(..b));
        let mut h = self.h.slice_axis_mut(Axis(0), Slice::from(..b));
        // h = ReLU(X · W1ᵀ + b1)
        general_mat_mul(1.0, &x, &model.w1.t(), 0.0, &mut h);
        add_bias_relu(&mut h, &model.b1);
        // z = h · W2ᵀ + b2
        let mut z = self.z.slice_axis_mut(Axis(0), Slice::from(..b));
        general_mat_mul(1.0, &h, &model.w2.t(), 0.0, &mut z);
        z += &model.b2;
        // dz and loss
        let mut dz = self.dz.slice_axis_mut(Axis(0), Slice::from(..b));
        let labels: Vec<u8> = idx.iter().map(|&i| data.labels[i as usize]).collect();
        let (loss, correct) = loss_and_grad(self.loss, &z, &labels, &mut dz);
        // dW2 = dzᵀ · h ; db2 = Σ dz
        general_mat_mul(1.0, &dz.t(), &h, 0.0, &mut self.gw2);
        column_sums(&dz, &mut self.gb2.view_mut());
        // dh = (dz · W2) ⊙ [h > 0]
        let mut dh = self.dh.slice_axis_mut(Axis(0), Slice::from(..b));
        general_mat_mul(1.0, &dz, &model.w2, 0.0, &mut dh);
        ndarray::Zip::from(&mut dh).and(&h).for_each(|g, &a| {
            if a <= 0.0 {
                *g = 0.0;
            }
        });
        // dW1 = dhᵀ · X ; db1 = Σ dh
        general_mat_mul(1.0, &dh.t(), &x, 0.0, &mut self.gw1);
        column_sums(&dh, &mut self.gb1.view_mut());

        self.t += 1;
        let hp = AdamStep::new(self.optimizer, self.lr, self.weight_decay, self.t);
        hp.apply(
            model.w1.as_slice_mut(),
            self.gw1.as_slice(),
            self.mw1.m.as_slice_mut(),
            self.mw1.v.as_slice_mut(),
        );
        hp.apply(
            model.b1.as_slice_mut(),
            self.gb1.as_slice(),
            self.mb1.m.as_slice_mut(),
            self.mb1.v.as_slice_mut(),
        );
        hp.apply(
            model.w2.as_slice_mut(),
            self.gw2.as_slice(),
            self.mw2.m.as_slice_mut(),
            self.mw2.v.as_slice_mut(),
        );
        hp.apply(
            model.b2.as_slice_mut(),
            self.gb2.as_slice(),
            self.mb2.m.as_slice_mut(),
            self.mb2.v.as_slice_mut(),
        );
        (loss, correct)
    }
}

fn add_bias_relu(h: &mut ArrayViewMut2<f32>, bias: &Array1<f32>) {
    for mut row in h.axis_iter_mut(Axis(0)) {
        for (v, &b) in row.iter_mut().zip(bias) {
            *v = (*v + b).max(0.0);
        }
    }
}

fn column_sums(m: &ArrayViewMut2<f32>, out: &mut ArrayViewMut1<f32>) {
    out.fill(0.0);
    for row in m.axis_iter(Axis(0)) {
        *out += &row;
    }
}

/// Softmax of each row of `z`, the loss and its gradient with respect to `z`
/// (already divided by the batch size). Returns (mean loss, correct count).
fn loss_and_grad(
    loss: Loss,
    z: &ArrayViewMut2<f32>,
    labels: &[u8],
    dz: &mut ArrayViewMut2<f32>,
) -> (f64, usize) {
    let b = labels.len();
    let inv_b = 1.0 / b as f32;
    let mut total = 0.0f64;
    let mut correct = 0;
    for ((zr, mut dr), &y) in z
        .axis_iter(Axis(0))
        .zip(dz.axis_iter_mut(Axis(0)))
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
        match loss {
            Loss::CrossEntropy => {
                // loss = −log p_y ; ∂/∂z_c = p_c − [c = y]
                total += f64::from(max - zs[y] + sum.ln());
                for c in 0..OUTPUTS {
                    dr[c] = (p[c] - if c == y { 1.0 } else { 0.0 }) * inv_b;
                }
            }
            Loss::Mse => {
                // loss = mean over the 10 outputs of (p_c − t_c)² ;
                // g_c = 2 (p_c − t_c) / 10 ; ∂/∂z_j = p_j (g_j − Σ_c g_c p_c)
                let diff: [f32; OUTPUTS] =
                    std::array::from_fn(|c| p[c] - if c == y { 1.0 } else { 0.0 });
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

/// The scalars of one Adam/AdamW step (PyTorch's formulation).
struct AdamStep {
    adamw: bool,
    lr: f32,
    wd: f32,
    step_size: f32,
    bias_correction2_sqrt: f32,
}

impl AdamStep {
    fn new(optimizer: Optimizer, lr: f32, wd: f32, t: i32) -> Self {
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

    /// One fused pass: decay, moments, update.
    fn apply(
        &self,
        w: Option<&mut [f32]>,
        g: Option<&[f32]>,
        m: Option<&mut [f32]>,
        v: Option<&mut [f32]>,
    ) {
        let (Some(w), Some(g), Some(m), Some(v)) = (w, g, m, v) else {
            // Every tensor here is created in standard layout, so this is unreachable.
            return;
        };
        let decay = 1.0 - self.lr * self.wd;
        for (((w, &g), m), v) in w.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::PIXELS;

    /// A separable toy set: digit d lights up a distinct band of rows.
    fn bands(n: usize, seed: u64) -> Split {
        use rand::RngExt;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut images = vec![0u8; n * PIXELS];
        let mut labels = Vec::with_capacity(n);
        for i in 0..n {
            let d = i % 10;
            labels.push(d as u8);
            for p in 0..PIXELS {
                let row = p / 28;
                let on = row / 2 == d + 2;
                let noise: u8 = rng.random_range(0..40);
                images[i * PIXELS + p] = if on { 255 - noise } else { noise };
            }
        }
        Split { images, labels }
    }

    fn cfg(loss: Loss, optimizer: Optimizer) -> ModelConfig {
        ModelConfig {
            hidden: 16,
            epochs: 5,
            batch_size: 32,
            learning_rate: 0.01,
            optimizer,
            weight_decay: None,
            loss,
            train_images: 200,
            seed: 9,
        }
    }

    #[test]
    fn learns_a_separable_set_to_100_percent_with_every_recipe() {
        let (tr, te) = (bands(200, 1), bands(100, 2));
        for (loss, opt) in [
            (Loss::CrossEntropy, Optimizer::Adam),
            (Loss::Mse, Optimizer::Adamw),
        ] {
            let mut c = cfg(loss, opt);
            if loss == Loss::Mse {
                c.epochs = 15;
            }
            let t = train(&tr, &te, &c, &mut Silent).unwrap();
            let last = t.history.last().unwrap();
            assert_eq!(last.test_accuracy, 1.0, "{loss:?}/{opt:?}: {:?}", t.history);
            assert!(
                t.history[0].loss > last.loss,
                "{loss:?}: loss must fall: {:?}",
                t.history
            );
            assert_ne!(t.init, t.model);
        }
    }

    #[test]
    fn same_seed_same_bits_other_seed_other_bits() {
        let (tr, te) = (bands(200, 1), bands(50, 2));
        let c = cfg(Loss::CrossEntropy, Optimizer::Adam);
        let a = train(&tr, &te, &c, &mut Silent).unwrap();
        let b = train(&tr, &te, &c, &mut Silent).unwrap();
        assert_eq!(a.model, b.model);
        assert_eq!(a.init, b.init);
        let c2 = ModelConfig { seed: 10, ..c };
        assert_ne!(train(&tr, &te, &c2, &mut Silent).unwrap().model, a.model);
    }

    #[test]
    fn gradient_matches_finite_differences() {
        // Check d loss / d b2 and d loss / d w1 against central differences in f64-ish precision.
        let data = bands(20, 3);
        for loss in [Loss::CrossEntropy, Loss::Mse] {
            let c = ModelConfig {
                hidden: 4,
                batch_size: 20,
                train_images: 20,
                loss,
                ..cfg(loss, Optimizer::Adam)
            };
            let mut model = Mlp::init(4, &mut ChaCha8Rng::seed_from_u64(5));
            model.b1.fill(0.05);
            let idx: Vec<u32> = (0..20).collect();
            let eval_loss = |m: &Mlp| -> f64 {
                let mut st = TrainState::new(&c, 4);
                let mut m2 = m.clone();
                // lr 0 would still apply eps-sized change; compute the loss only.
                st.lr = 0.0;
                st.step(&mut m2, &data, &idx).0
            };
            let mut st = TrainState::new(&c, 4);
            st.lr = 0.0;
            let mut m0 = model.clone();
            st.step(&mut m0, &data, &idx);
            let eps = 1e-2f32;
            for k in [0usize, 3, 7] {
                let mut plus = model.clone();
                plus.b2[k] += eps;
                let mut minus = model.clone();
                minus.b2[k] -= eps;
                let numeric = (eval_loss(&plus) - eval_loss(&minus)) / (2.0 * f64::from(eps));
                let analytic = f64::from(st.gb2[k]);
                assert!(
                    (numeric - analytic).abs() < 2e-3,
                    "{loss:?} b2[{k}]: numeric {numeric} analytic {analytic}"
                );
            }
            for (h, p) in [(0usize, 300usize), (2, 420)] {
                let mut plus = model.clone();
                plus.w1[[h, p]] += eps;
                let mut minus = model.clone();
                minus.w1[[h, p]] -= eps;
                let numeric = (eval_loss(&plus) - eval_loss(&minus)) / (2.0 * f64::from(eps));
                let analytic = f64::from(st.gw1[[h, p]]);
                assert!(
                    (numeric - analytic).abs() < 2e-3,
                    "{loss:?} w1[{h},{p}]: numeric {numeric} analytic {analytic}"
                );
            }
        }
    }

    #[test]
    fn too_few_images_and_interrupt_are_errors() {
        let (tr, te) = (bands(50, 1), bands(10, 2));
        let c = cfg(Loss::CrossEntropy, Optimizer::Adam);
        assert_eq!(
            train(&tr, &te, &c, &mut Silent).unwrap_err(),
            TrainError::NotEnoughImages {
                wanted: 200,
                have: 50
            }
        );
        struct Stop;
        impl Observer for Stop {
            fn interrupted(&self) -> bool {
                true
            }
        }
        let c = ModelConfig {
            train_images: 50,
            ..c
        };
        assert_eq!(
            train(&tr, &te, &c, &mut Stop).unwrap_err(),
            TrainError::Interrupted
        );
    }
}
