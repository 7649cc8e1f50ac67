//! The training images as sparse rows (inked pixels only), and the current
//! batch regrouped by pixel for the key gradient.

use crate::data::Split;
use crate::nn::mlp::INPUTS;

/// The training images as sparse rows: for each image the inked pixels
/// (index, value in (0, 1]) in ascending pixel order.
pub(super) struct SparseImages {
    offsets: Vec<usize>,
    pixels: Vec<u16>,
    values: Vec<f32>,
}

impl SparseImages {
    pub(super) fn of(split: &Split, n: usize) -> Self {
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

    pub(super) fn row(&self, i: usize) -> (&[u16], &[f32]) {
        let (a, b) = (self.offsets[i], self.offsets[i + 1]);
        (&self.pixels[a..b], &self.values[a..b])
    }
}

/// The current batch regrouped by pixel: for pixel p, the (image in batch,
/// value) pairs where it is inked, images in ascending order.
#[derive(Default)]
pub(super) struct ByPixel {
    offsets: Vec<usize>,
    image: Vec<u16>,
    value: Vec<f32>,
    /// The next free slot of each pixel while filling (kept to reuse).
    next: Vec<usize>,
}

impl ByPixel {
    pub(super) fn fill(&mut self, images: &SparseImages, idx: &[u32]) {
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
        self.next.clear();
        self.next.extend_from_slice(&self.offsets);
        for (bi, &i) in idx.iter().enumerate() {
            let (pixels, values) = images.row(i as usize);
            for (&p, &x) in pixels.iter().zip(values) {
                let slot = &mut self.next[usize::from(p)];
                self.image[*slot] = bi as u16;
                self.value[*slot] = x;
                *slot += 1;
            }
        }
    }

    pub(super) fn pixel(&self, p: usize) -> (&[u16], &[f32]) {
        let (a, b) = (self.offsets[p], self.offsets[p + 1]);
        (&self.image[a..b], &self.value[a..b])
    }
}
