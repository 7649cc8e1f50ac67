//! One optimiser step: the hidden units cut into tiles, each tile's forward
//! pass and backward pass with update (run per tile on rayon, compiled for
//! the instruction set found at run time), and the output bias.

use super::adam::{AdamStep, Param};
use super::batch::{ByPixel, SparseImages};
use super::kernels::{add, axpy, dot, sparse_rows, sparse_rows_add};
use super::loss::loss_and_grad;
use crate::config::{Loss, ModelConfig, Optimizer};
use crate::nn::mlp::{INPUTS, Mlp, OUTPUTS};
use ndarray::{Array1, Array2};
use pulp::{Simd, WithSimd};
use rayon::prelude::*;

/// Images per task of the forward pass.
const CHUNK: usize = 32;

/// Pixels per block of the forward pass: four image rows, at most 112 rows
/// of a tile's W1t (28 KiB of the 256-byte halves an AVX2 pass reads), so
/// the rows that the images of a chunk share stay in L1 between images.
const PIXEL_BLOCK: usize = 4 * 28;

/// Hidden units per tile: fixed (never derived from the thread count) so
/// the order of every sum is the same on every machine.
const TILE: usize = 128;

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
pub(super) struct TrainState {
    loss: Loss,
    optimizer: Optimizer,
    pub(super) lr: f32,
    weight_decay: f32,
    t: i32,
    tiles: Vec<Tile>,
    b2: Param,
    z: Vec<f32>,
    dz: Vec<f32>,
    by_pixel: ByPixel,
    arch: pulp::Arch,
}

impl TrainState {
    pub(super) fn new(cfg: &ModelConfig, model: &Mlp) -> Self {
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
    pub(super) fn model(&self) -> Mlp {
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
    pub(super) fn gradients(&self) -> Mlp {
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
    pub(super) fn step(
        &mut self,
        images: &SparseImages,
        labels: &[u8],
        idx: &[u32],
    ) -> (f64, usize) {
        let b = idx.len();
        let arch = self.arch;
        // Forward, per tile and per chunk of images: h = ReLU(b1 + Σ x_p
        // W1t[p]), zpart = h · W2ᵀ; the batch is regrouped by pixel (for the
        // backward pass) meanwhile, so no thread waits for it.
        let tiles = &mut self.tiles;
        let by_pixel = &mut self.by_pixel;
        rayon::join(
            || {
                tiles
                    .par_iter_mut()
                    .for_each(|t| t.forward(arch, images, idx))
            },
            || by_pixel.fill(images, idx),
        );
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

/// The forward pass of one tile on a chunk of the batch, compiled for the
/// best instruction set found at run time.
struct Forward<'a> {
    width: usize,
    w1t: &'a [f32],
    b1: &'a [f32],
    w2: &'a [f32],
    images: &'a SparseImages,
    idx: &'a [u32],
    h: &'a mut [f32],
    zpart: &'a mut [f32],
}

impl WithSimd for Forward<'_> {
    type Output = ();
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let w = self.width;
        // h = b1 + Σ_p x_p · W1t[p], one block of pixels at a time for all
        // the images of the chunk, so the block of W1t stays in L1; every
        // element of h is still one chain of fused operations in pixel order.
        let mut rest: [(&[u16], &[f32]); CHUNK] = [(&[], &[]); CHUNK];
        for (r, &i) in rest.iter_mut().zip(self.idx) {
            *r = self.images.row(i as usize);
        }
        for h in self.h.chunks_exact_mut(w) {
            h.copy_from_slice(self.b1);
        }
        for end in (PIXEL_BLOCK..INPUTS + PIXEL_BLOCK).step_by(PIXEL_BLOCK) {
            for (r, h) in rest.iter_mut().zip(self.h.chunks_exact_mut(w)) {
                let (pixels, values) = *r;
                // The pixels are distinct and ascending, so the ones before
                // `end` are among the first PIXEL_BLOCK: counted without
                // branches (a binary search mispredicted most of its jumps).
                let window = &pixels[..pixels.len().min(PIXEL_BLOCK)];
                let k: usize = window
                    .iter()
                    .map(|&p| usize::from(usize::from(p) < end))
                    .sum();
                if k > 0 {
                    sparse_rows_add(simd, self.w1t, w, &pixels[..k], &values[..k], h);
                    *r = (&pixels[k..], &values[k..]);
                }
            }
        }
        for (h, zpart) in self
            .h
            .chunks_exact_mut(w)
            .zip(self.zpart.chunks_exact_mut(OUTPUTS))
        {
            for v in h.iter_mut() {
                *v = v.max(0.0);
            }
            for (c, z) in zpart.iter_mut().enumerate() {
                *z = dot(h, &self.w2[c * w..(c + 1) * w]);
            }
        }
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
    /// The forward pass of the batch `idx`, in chunks of `CHUNK` images run
    /// on rayon (each image is independent of the others, so the chunking
    /// changes no bits).
    fn forward(&mut self, arch: pulp::Arch, images: &SparseImages, idx: &[u32]) {
        let w = self.width;
        let (w1t, b1, w2) = (&self.w1t.w[..], &self.b1.w[..], &self.w2.w[..]);
        let h = &mut self.h[..idx.len() * w];
        let zpart = &mut self.zpart[..idx.len() * OUTPUTS];
        h.par_chunks_mut(CHUNK * w)
            .zip(zpart.par_chunks_mut(CHUNK * OUTPUTS))
            .zip(idx.par_chunks(CHUNK))
            .for_each(|((h, zpart), idx)| {
                arch.dispatch(Forward {
                    width: w,
                    w1t,
                    b1,
                    w2,
                    images,
                    idx,
                    h,
                    zpart,
                })
            });
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
        // dW1t[p] = Σ_b x_bp · dh_b over the images where pixel p is inked,
        // and Adam on that row at once, while the row's gradient is in L1.
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
            adam.apply_range(&mut self.w1t, p * w, (p + 1) * w);
        }
        adam.apply(&mut self.b1);
        adam.apply(&mut self.w2);
    }
}
