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
//! kernels keep four SIMD accumulators in registers and are compiled for
//! AVX-512 and AVX2+FMA, picked at run time (pulp). The hidden units are cut
//! into fixed tiles of 128; each tile (its weights, gradients, Adam moments
//! and activations) is processed start to finish by one thread (rayon), so
//! both cores work and a tile's data stays in cache. The gradient of the
//! input is never computed. Buffers are allocated once.
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

use super::mlp::{INPUTS, Mlp, OUTPUTS, argmax_unique, evaluate};
use crate::config::{Loss, ModelConfig, Optimizer};
use crate::data::Split;
use ndarray::{Array1, Array2};
use pulp::{Simd, WithSimd};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
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

/// Hidden units per tile: fixed (never derived from the thread count) so
/// the order of every sum is the same on every machine.
const TILE: usize = 128;

const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPS: f32 = 1e-8;

/// The training images as sparse rows: for each image the inked pixels
/// (index, value in (0, 1]) in ascending pixel order.
struct SparseImages {
    offsets: Vec<usize>,
    pixels: Vec<u16>,
    values: Vec<f32>,
}

impl SparseImages {
    fn of(split: &Split, n: usize) -> Self {
        let mut offsets = Vec::with_capacity(n + 1);
        let mut pixels = Vec::new();
        let mut values = Vec::new();
        offsets.push(0);
        for i in 0..n {
            for (p, &v) in split.image(i).iter().enumerate() {
                if v != 0 {
                    pixels.push(p as u16);
                    values.push(f32::from(v) * (1.0 / 255.0));
                }
            }
            offsets.push(pixels.len());
        }
        SparseImages {
            offsets,
            pixels,
            values,
        }
    }

    fn row(&self, i: usize) -> (&[u16], &[f32]) {
        let (a, b) = (self.offsets[i], self.offsets[i + 1]);
        (&self.pixels[a..b], &self.values[a..b])
    }
}

/// A parameter with its gradient and Adam moments.
struct Param {
    w: Vec<f32>,
    g: Vec<f32>,
    m: Vec<f32>,
    v: Vec<f32>,
}

impl Param {
    fn new(w: Vec<f32>) -> Self {
        let n = w.len();
        Param {
            w,
            g: vec![0.0; n],
            m: vec![0.0; n],
            v: vec![0.0; n],
        }
    }
}

/// Hidden units `start .. start + width` with everything that belongs to them.
struct Tile {
    start: usize,
    width: usize,
    /// (784, width): row p holds the weights of pixel p in these keys.
    w1t: Param,
    b1: Param,
    /// (10, width): row c holds these values' votes for digit c.
    w2: Param,
    /// (B, width) hidden activations of the current batch.
    h: Vec<f32>,
    /// (B, 10) this tile's part of the logits.
    zpart: Vec<f32>,
    /// (B, width) gradient of the hidden activations.
    dh: Vec<f32>,
}

/// Preallocated buffers and optimizer state.
struct TrainState {
    loss: Loss,
    optimizer: Optimizer,
    lr: f32,
    weight_decay: f32,
    t: i32,
    tiles: Vec<Tile>,
    b2: Param,
    z: Vec<f32>,
    dz: Vec<f32>,
    by_pixel: ByPixel,
    arch: pulp::Arch,
}

/// The current batch regrouped by pixel: for pixel p, the (image in batch,
/// value) pairs where it is inked, images in ascending order.
#[derive(Default)]
struct ByPixel {
    offsets: Vec<usize>,
    image: Vec<u16>,
    value: Vec<f32>,
}

impl ByPixel {
    fn fill(&mut self, images: &SparseImages, idx: &[u32]) {
        self.offsets.clear();
        self.offsets.resize(INPUTS + 1, 0);
        for &i in idx {
            for &p in images.row(i as usize).0 {
                self.offsets[usize::from(p) + 1] += 1;
            }
        }
        for p in 0..INPUTS {
            self.offsets[p + 1] += self.offsets[p];
        }
        let total = self.offsets[INPUTS];
        self.image.resize(total, 0);
        self.value.resize(total, 0.0);
        let mut next = self.offsets.clone();
        for (bi, &i) in idx.iter().enumerate() {
            let (pixels, values) = images.row(i as usize);
            for (&p, &x) in pixels.iter().zip(values) {
                let slot = &mut next[usize::from(p)];
                self.image[*slot] = bi as u16;
                self.value[*slot] = x;
                *slot += 1;
            }
        }
    }

    fn pixel(&self, p: usize) -> (&[u16], &[f32]) {
        let (a, b) = (self.offsets[p], self.offsets[p + 1]);
        (&self.image[a..b], &self.value[a..b])
    }
}

impl TrainState {
    fn new(cfg: &ModelConfig, model: &Mlp) -> Self {
        let batch = cfg.batch_size.min(cfg.train_images).max(1);
        let hidden = model.hidden();
        let tiles = (0..hidden)
            .step_by(TILE)
            .map(|start| {
                let width = TILE.min(hidden - start);
                let mut w1t = vec![0.0; INPUTS * width];
                for k in 0..width {
                    for p in 0..INPUTS {
                        w1t[p * width + k] = model.w1[[start + k, p]];
                    }
                }
                let mut w2 = vec![0.0; OUTPUTS * width];
                for c in 0..OUTPUTS {
                    for k in 0..width {
                        w2[c * width + k] = model.w2[[c, start + k]];
                    }
                }
                Tile {
                    start,
                    width,
                    w1t: Param::new(w1t),
                    b1: Param::new(
                        model
                            .b1
                            .as_slice()
                            .map(|b| b[start..start + width].to_vec())
                            .unwrap_or_default(),
                    ),
                    w2: Param::new(w2),
                    h: vec![0.0; batch * width],
                    zpart: vec![0.0; batch * OUTPUTS],
                    dh: vec![0.0; batch * width],
                }
            })
            .collect();
        TrainState {
            loss: cfg.loss,
            optimizer: cfg.optimizer,
            lr: cfg.learning_rate as f32,
            weight_decay: cfg.effective_weight_decay() as f32,
            t: 0,
            tiles,
            b2: Param::new(model.b2.to_vec()),
            z: vec![0.0; batch * OUTPUTS],
            dz: vec![0.0; batch * OUTPUTS],
            by_pixel: ByPixel::default(),
            arch: pulp::Arch::new(),
        }
    }

    /// The current weights as an `Mlp`.
    fn model(&self) -> Mlp {
        let hidden: usize = self.tiles.iter().map(|t| t.width).sum();
        let mut w1 = Array2::zeros((hidden, INPUTS));
        let mut b1 = Array1::zeros(hidden);
        let mut w2 = Array2::zeros((OUTPUTS, hidden));
        for t in &self.tiles {
            for k in 0..t.width {
                for p in 0..INPUTS {
                    w1[[t.start + k, p]] = t.w1t.w[p * t.width + k];
                }
                b1[t.start + k] = t.b1.w[k];
                for c in 0..OUTPUTS {
                    w2[[c, t.start + k]] = t.w2.w[c * t.width + k];
                }
            }
        }
        Mlp {
            w1,
            b1,
            w2,
            b2: Array1::from(self.b2.w.clone()),
        }
    }

    /// The gradients of the last step, shaped like an `Mlp` (for tests).
    #[cfg(test)]
    fn gradients(&self) -> Mlp {
        let mut g = self.model();
        for t in &self.tiles {
            for k in 0..t.width {
                for p in 0..INPUTS {
                    g.w1[[t.start + k, p]] = t.w1t.g[p * t.width + k];
                }
                g.b1[t.start + k] = t.b1.g[k];
                for c in 0..OUTPUTS {
                    g.w2[[c, t.start + k]] = t.w2.g[c * t.width + k];
                }
            }
        }
        g.b2 = Array1::from(self.b2.g.clone());
        g
    }

    /// One optimizer step on the images `idx`; returns (mean loss, correct predictions).
    fn step(&mut self, images: &SparseImages, labels: &[u8], idx: &[u32]) -> (f64, usize) {
        let b = idx.len();
        let arch = self.arch;
        // Forward, per tile: h = ReLU(b1 + Σ x_p W1t[p]), zpart = h · W2ᵀ.
        self.tiles.par_iter_mut().for_each(|t| {
            arch.dispatch(Forward {
                tile: t,
                images,
                idx,
            })
        });
        // z = b2 + Σ_tiles zpart, in tile order.
        let z = &mut self.z[..b * OUTPUTS];
        for (bi, zrow) in z.chunks_exact_mut(OUTPUTS).enumerate() {
            zrow.copy_from_slice(&self.b2.w);
            for t in &self.tiles {
                for (zc, pc) in zrow
                    .iter_mut()
                    .zip(&t.zpart[bi * OUTPUTS..(bi + 1) * OUTPUTS])
                {
                    *zc += pc;
                }
            }
        }
        let batch_labels: Vec<u8> = idx.iter().map(|&i| labels[i as usize]).collect();
        let dz = &mut self.dz[..b * OUTPUTS];
        let (loss, correct) = loss_and_grad(self.loss, z, &batch_labels, dz);

        self.t += 1;
        let adam = AdamStep::new(self.optimizer, self.lr, self.weight_decay, self.t);
        let dz = &self.dz[..b * OUTPUTS];
        self.by_pixel.fill(images, idx);
        let by_pixel = &self.by_pixel;
        // Backward and update, per tile (uses only this tile's W2 columns).
        self.tiles.par_iter_mut().for_each(|t| {
            arch.dispatch(Backward {
                tile: t,
                by_pixel,
                b,
                dz,
                adam: &adam,
            })
        });
        // b2.
        self.b2.g.fill(0.0);
        for row in dz.chunks_exact(OUTPUTS) {
            add(row, &mut self.b2.g);
        }
        adam.apply(&mut self.b2);
        (loss, correct)
    }
}

/// `Tile::forward` compiled for the best instruction set found at run time.
struct Forward<'a> {
    tile: &'a mut Tile,
    images: &'a SparseImages,
    idx: &'a [u32],
}

impl WithSimd for Forward<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        self.tile.forward(simd, self.images, self.idx);
    }
}

/// `Tile::backward_and_update` compiled for the best instruction set found at run time.
struct Backward<'a> {
    tile: &'a mut Tile,
    by_pixel: &'a ByPixel,
    b: usize,
    dz: &'a [f32],
    adam: &'a AdamStep,
}

impl WithSimd for Backward<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        self.tile
            .backward_and_update(simd, self.by_pixel, self.b, self.dz, self.adam);
    }
}

impl Tile {
    #[inline(always)]
    fn forward<S: Simd>(&mut self, simd: S, images: &SparseImages, idx: &[u32]) {
        let w = self.width;
        for (bi, &i) in idx.iter().enumerate() {
            let (pixels, values) = images.row(i as usize);
            let h = &mut self.h[bi * w..(bi + 1) * w];
            // h = b1 + Σ_p x_p · W1t[p]
            sparse_rows(simd, Some(&self.b1.w), &self.w1t.w, w, pixels, values, h);
            for v in h.iter_mut() {
                *v = v.max(0.0);
            }
            let h = &self.h[bi * w..(bi + 1) * w];
            for c in 0..OUTPUTS {
                self.zpart[bi * OUTPUTS + c] = dot(h, &self.w2.w[c * w..(c + 1) * w]);
            }
        }
    }

    #[inline(always)]
    fn backward_and_update<S: Simd>(
        &mut self,
        simd: S,
        by_pixel: &ByPixel,
        b: usize,
        dz: &[f32],
        adam: &AdamStep,
    ) {
        let w = self.width;
        self.b1.g.fill(0.0);
        self.w2.g.fill(0.0);
        for bi in 0..b {
            let h = &self.h[bi * w..(bi + 1) * w];
            let dh = &mut self.dh[bi * w..(bi + 1) * w];
            let dzb = &dz[bi * OUTPUTS..(bi + 1) * OUTPUTS];
            // dh = (W2ᵀ dz) ⊙ [h > 0] ; dW2 += dz hᵀ ; db1 += dh
            dh.fill(0.0);
            for (c, &d) in dzb.iter().enumerate() {
                axpy(d, &self.w2.w[c * w..(c + 1) * w], dh);
                axpy(d, h, &mut self.w2.g[c * w..(c + 1) * w]);
            }
            for (d, &a) in dh.iter_mut().zip(h) {
                if a <= 0.0 {
                    *d = 0.0;
                }
            }
            add(dh, &mut self.b1.g);
        }
        // dW1t[p] = Σ_b x_bp · dh_b over the images where pixel p is inked.
        for p in 0..INPUTS {
            let (images, values) = by_pixel.pixel(p);
            sparse_rows(
                simd,
                None,
                &self.dh,
                w,
                images,
                values,
                &mut self.w1t.g[p * w..(p + 1) * w],
            );
        }
        adam.apply(&mut self.w1t);
        adam.apply(&mut self.b1);
        adam.apply(&mut self.w2);
    }
}

/// out = init + Σ_k values[k] · m[rows[k]·w ..][..w], with `init` zeros when
/// `None`. Forward: the sparse image times the pixel-major keys of a tile
/// (rows = inked pixels, init = bias). Backward: one pixel's row of the key
/// gradient (rows = images that ink the pixel, m = dh). Four SIMD
/// accumulators stay in registers across all k; the scalar tail uses the
/// same fused operation, so every element gets the same bits either way.
#[inline(always)]
fn sparse_rows<S: Simd>(
    simd: S,
    init: Option<&[f32]>,
    m: &[f32],
    w: usize,
    rows: &[u16],
    values: &[f32],
    out: &mut [f32],
) {
    let block = 4 * S::F32_LANES;
    let mut s = 0;
    while s + block <= w {
        let mut acc = match init {
            Some(init) => {
                let (b, _) = S::as_simd_f32s(&init[s..s + block]);
                [b[0], b[1], b[2], b[3]]
            }
            None => [simd.splat_f32s(0.0); 4],
        };
        for (&row, &x) in rows.iter().zip(values) {
            let xs = simd.splat_f32s(x);
            let at = usize::from(row) * w + s;
            let (r, _) = S::as_simd_f32s(&m[at..at + block]);
            for k in 0..4 {
                acc[k] = simd.mul_add_e_f32s(xs, r[k], acc[k]);
            }
        }
        let (o, _) = S::as_mut_simd_f32s(&mut out[s..s + block]);
        o.copy_from_slice(&acc);
        s += block;
    }
    for j in s..w {
        let mut a = init.map_or(0.0, |init| init[j]);
        for (&row, &x) in rows.iter().zip(values) {
            a = x.mul_add(m[usize::from(row) * w + j], a);
        }
        out[j] = a;
    }
}

/// y += a · x, fused (element-wise and IEEE-exact: the same bits at any
/// vector width, with or without hardware FMA).
#[inline(always)]
fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi = a.mul_add(xi, *yi);
    }
}

/// y += x.
#[inline(always)]
fn add(x: &[f32], y: &mut [f32]) {
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi += xi;
    }
}

/// Dot product with 16 fixed accumulators, summed in a fixed order.
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 16];
    let (ca, cb) = (a.chunks_exact(16), b.chunks_exact(16));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..16 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Softmax of each row of `z` (rows of 10), the loss and its gradient with
/// respect to `z` (already divided by the batch size). Returns (mean loss, correct count).
fn loss_and_grad(loss: Loss, z: &[f32], labels: &[u8], dz: &mut [f32]) -> (f64, usize) {
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

    /// One fused pass over a parameter: decay, moments, update.
    #[inline(always)]
    fn apply(&self, p: &mut Param) {
        let decay = 1.0 - self.lr * self.wd;
        for (((w, &g), m), v) in
            p.w.iter_mut()
                .zip(&p.g)
                .zip(p.m.iter_mut())
                .zip(p.v.iter_mut())
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

    /// Picks one parameter of a model, by name in a test.
    type Probe = Box<dyn Fn(&mut Mlp) -> &mut f32>;

    /// Loss of one step on all of `data` from `model` with learning rate 0, and the gradients.
    fn loss_and_gradients(c: &ModelConfig, model: &Mlp, data: &Split) -> (f64, Mlp) {
        let mut st = TrainState::new(c, model);
        st.lr = 0.0;
        let images = SparseImages::of(data, data.len());
        let idx: Vec<u32> = (0..data.len() as u32).collect();
        let (loss, _) = st.step(&images, &data.labels, &idx);
        (loss, st.gradients())
    }

    #[test]
    fn gradient_matches_finite_differences() {
        // Every parameter kind, both losses, and a hidden size that leaves a
        // partial tile (130 = 128 + 2), checked against central differences.
        let data = bands(20, 3);
        for (loss, hidden) in [
            (Loss::CrossEntropy, 4),
            (Loss::Mse, 4),
            (Loss::CrossEntropy, 130),
        ] {
            let c = ModelConfig {
                hidden,
                batch_size: 20,
                train_images: 20,
                loss,
                ..cfg(loss, Optimizer::Adam)
            };
            let mut model = Mlp::init(hidden, &mut ChaCha8Rng::seed_from_u64(5));
            model.b1.fill(0.05);
            let (_, grads) = loss_and_gradients(&c, &model, &data);
            let eps = 1e-2f32;
            let last = hidden - 1;
            let probes: Vec<(String, Probe)> = vec![
                ("b2[3]".into(), Box::new(|m: &mut Mlp| &mut m.b2[3])),
                ("b2[7]".into(), Box::new(|m: &mut Mlp| &mut m.b2[7])),
                (
                    "w1[0,300]".into(),
                    Box::new(|m: &mut Mlp| &mut m.w1[[0, 300]]),
                ),
                (
                    "w1[2,420]".into(),
                    Box::new(|m: &mut Mlp| &mut m.w1[[2, 420]]),
                ),
                (
                    format!("w1[{last},330]"),
                    Box::new(move |m: &mut Mlp| &mut m.w1[[last, 330]]),
                ),
                ("b1[1]".into(), Box::new(|m: &mut Mlp| &mut m.b1[1])),
                (
                    format!("w2[5,{last}]"),
                    Box::new(move |m: &mut Mlp| &mut m.w2[[5, last]]),
                ),
                ("w2[0,2]".into(), Box::new(|m: &mut Mlp| &mut m.w2[[0, 2]])),
            ];
            for (name, at) in &probes {
                let mut plus = model.clone();
                *at(&mut plus) += eps;
                let mut minus = model.clone();
                *at(&mut minus) -= eps;
                let numeric = (loss_and_gradients(&c, &plus, &data).0
                    - loss_and_gradients(&c, &minus, &data).0)
                    / (2.0 * f64::from(eps));
                let mut g = grads.clone();
                let analytic = f64::from(*at(&mut g));
                assert!(
                    (numeric - analytic).abs() < 2e-3,
                    "{loss:?} H={hidden} {name}: numeric {numeric} analytic {analytic}"
                );
            }
        }
    }

    /// Runs both sparse kernels on awkward widths with one instruction set.
    struct Kernels<'a> {
        w: usize,
        m: &'a [f32],
        pixels: &'a [u16],
        values: &'a [f32],
    }

    impl WithSimd for Kernels<'_> {
        type Output = Vec<f32>;
        fn with_simd<S: Simd>(self, simd: S) -> Vec<f32> {
            let w = self.w;
            let mut out = vec![0.0; 2 * w];
            let (a, b) = out.split_at_mut(w);
            sparse_rows(
                simd,
                Some(&self.m[..w]),
                self.m,
                w,
                self.pixels,
                self.values,
                a,
            );
            let images: Vec<u16> = self.pixels.iter().map(|p| p % 7).collect();
            sparse_rows(simd, None, self.m, w, &images, self.values, b);
            out
        }
    }

    #[test]
    fn kernels_give_the_same_bits_with_every_instruction_set() {
        use pulp::x86::{V3, V4};
        use rand::RngExt;
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for w in [1usize, 7, 16, 33, 64, 100, 128] {
            let m: Vec<f32> = (0..INPUTS * w)
                .map(|_| rng.random_range(-1.0..1.0))
                .collect();
            let pixels: Vec<u16> = (0..INPUTS as u16)
                .filter(|_| rng.random_range(0..5) == 0)
                .collect();
            let values: Vec<f32> = pixels.iter().map(|_| rng.random_range(0.0..1.0)).collect();
            let op = || Kernels {
                w,
                m: &m,
                pixels: &pixels,
                values: &values,
            };
            // The reference: plain fused scalar arithmetic in the same order.
            let mut want = vec![0.0f32; 2 * w];
            for j in 0..w {
                let mut a = m[j];
                let mut b = 0.0f32;
                for (&p, &x) in pixels.iter().zip(&values) {
                    a = x.mul_add(m[usize::from(p) * w + j], a);
                    b = x.mul_add(m[usize::from(p % 7) * w + j], b);
                }
                want[j] = a;
                want[w + j] = b;
            }
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            if let Some(v3) = V3::try_new() {
                assert_eq!(
                    bits(&pulp::Simd::vectorize(v3, op())),
                    bits(&want),
                    "AVX2, width {w}"
                );
            }
            if let Some(v4) = V4::try_new() {
                assert_eq!(
                    bits(&pulp::Simd::vectorize(v4, op())),
                    bits(&want),
                    "AVX-512, width {w}"
                );
            }
        }
    }

    #[test]
    fn weights_do_not_depend_on_the_thread_count() {
        let (tr, te) = (bands(200, 1), bands(50, 2));
        let c = ModelConfig {
            hidden: 300,
            ..cfg(Loss::CrossEntropy, Optimizer::Adam)
        };
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| train(&tr, &te, &c, &mut Silent).unwrap().model)
        };
        assert!(run(1) == run(2), "1 and 2 threads gave different weights");
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
