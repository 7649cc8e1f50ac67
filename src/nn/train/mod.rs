//! Minibatch training with Adam or AdamW, cross-entropy or MSE on softmax.
//!
//! One step on a batch of B images x_b with labels y_b:
//!   h_b  = ReLU(b1 + Σ_p x_bp · W1[:, p])      (H)   only inked pixels p
//!   z_b  = b2 + W2 · h_b                        (10)
//!   dz_b = ∂loss/∂z_b / B                       (10)  softmax and loss fused
//!   dh_b = (W2ᵀ · dz_b) ⊙ [h_b > 0]             (H)
//!   dW2 = Σ_b dz_b h_bᵀ, db2 = Σ_b dz_b, db1 = Σ_b dh_b
//!   dW1[:, p] = Σ_b x_bp · dh_b                 only inked pixels p
//! then one fused pass of Adam/AdamW over each parameter.
//!
//! Speed. MNIST images are mostly background: about 19 % of the pixels are
//! non-zero, so both large products run over the inked pixels only (a sparse
//! image times a dense matrix), about five times less arithmetic than dense
//! GEMMs. W1 is kept transposed (pixel-major), so the forward pass sums whole
//! rows of it; the key gradient is summed pixel by pixel over the images
//! that ink the pixel (the batch regrouped by pixel once per step). Both
//! kernels keep eight SIMD accumulators in registers (enough independent
//! fused multiply-adds to cover their latency; four left the FMA units half
//! idle) and are compiled for AVX-512 and AVX2+FMA, picked at run time
//! (pulp). The hidden units are cut into fixed tiles of 128. The forward
//! pass runs per tile and chunk of 32 images on rayon, one block of four
//! image rows (112 pixels) at a time for the whole chunk, so the block's
//! rows of W1 are read from L1 rather than L2 (each hidden value carries
//! its partial sum from block to block: the same chain of operations in
//! pixel order, so the same bits); meanwhile another task
//! regroups the batch by pixel; the backward pass runs per tile (its
//! weights, gradients, Adam moments and activations) start to finish on one
//! thread, and each pixel row of the key gradient gets its Adam update right
//! after it is summed, while it is in L1. The gradient of the input is never
//! computed. Buffers are allocated once.
//!
//! Determinism. The RNG (ChaCha8) is seeded from the config (stream 0
//! initialises, stream 1 shuffles). Every sum has a fixed order that depends
//! on neither the thread count nor the vector width: the sparse kernels use
//! fused multiply-adds per element (IEEE-exact, so AVX-512, AVX2 and the
//! scalar tail give the same bits), the per-tile dot products use 16 fixed
//! accumulators, and tile partial sums are added in tile order. So the
//! weights are bit-identical for any number of threads and on any x86-64 CPU
//! with AVX2+FMA or AVX-512 (and the same `libm` for `exp`/`ln`). A CPU
//! without FMA runs pulp's scalar path, which rounds the product and the sum
//! separately: same maths, other bits.
//!
//! The parts: `adam` (the optimiser), `loss` (softmax with
//! cross-entropy or MSE), `kernels` (the sparse and dense SIMD kernels),
//! `batch` (the images as sparse rows, and a batch regrouped by pixel) and
//! `step` (the tiles and one optimiser step). This file holds the loop.

mod adam;
mod batch;
mod kernels;
mod loss;
mod step;
#[cfg(test)]
mod tests;

use super::mlp::{Mlp, evaluate};
use crate::config::ModelConfig;
use crate::data::Split;
use batch::SparseImages;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::time::Instant;
use step::TrainState;

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
    let mut state = TrainState::new(cfg, &init);
    let images = SparseImages::of(train, n);
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
            let (loss, right) = state.step(&images, &train.labels, idx);
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
            evaluate(&state.model(), test).accuracy()
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
        model: state.model(),
        init,
        history,
    })
}
