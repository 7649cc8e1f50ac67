//! The kernels of a step: the sparse-rows product (up to eight SIMD
//! accumulators, fused multiply-adds; from zeros, from an initial row, or
//! continued from the output) and the small dense helpers `axpy`, `add` and `dot`,
//! each with a fixed order of operations.

use pulp::Simd;

/// out = init + Σ_k values[k] · m[rows[k]·w ..][..w], with `init` zeros when
/// `None`. Forward: the sparse image times the pixel-major keys of a tile
/// (rows = inked pixels, init = bias). Backward: one pixel's row of the key
/// gradient (rows = images that ink the pixel, m = dh).
///
/// The row is cut into blocks of eight SIMD vectors (then four, then one,
/// then a scalar tail); a block's accumulators stay in registers across all
/// k. Eight independent accumulators cover the latency of a fused
/// multiply-add (4–5 cycles, two per cycle): four left the FMA units half
/// idle. Every element is the same chain of fused operations in the order
/// of k whatever block it falls in, so the block widths, the vector width
/// and the scalar tail all give the same bits.
#[inline(always)]
pub(super) fn sparse_rows<S: Simd>(
    simd: S,
    init: Option<&[f32]>,
    m: &[f32],
    w: usize,
    rows: &[u16],
    values: &[f32],
    out: &mut [f32],
) {
    let start = init.map_or(Start::Zeros, Start::Slice);
    sparse_rows_from(simd, start, m, w, rows, values, out);
}

/// out += Σ_k values[k] · m[rows[k]·w ..][..w], the same chain of fused
/// operations as `sparse_rows` continued from the values in `out`: summing
/// the rows in consecutive runs of k, one call per run, gives the same bits
/// as one call over all of them.
#[inline(always)]
pub(super) fn sparse_rows_add<S: Simd>(
    simd: S,
    m: &[f32],
    w: usize,
    rows: &[u16],
    values: &[f32],
    out: &mut [f32],
) {
    sparse_rows_from(simd, Start::Out, m, w, rows, values, out);
}

/// Where the accumulators of `sparse_rows_from` start.
#[derive(Clone, Copy)]
enum Start<'a> {
    Zeros,
    Slice(&'a [f32]),
    /// The values already in `out`.
    Out,
}

impl Start<'_> {
    #[inline(always)]
    fn at(self, out: &[f32], j: usize) -> f32 {
        match self {
            Start::Zeros => 0.0,
            Start::Slice(init) => init[j],
            Start::Out => out[j],
        }
    }
}

#[inline(always)]
fn sparse_rows_from<S: Simd>(
    simd: S,
    start: Start,
    m: &[f32],
    w: usize,
    rows: &[u16],
    values: &[f32],
    out: &mut [f32],
) {
    let mut s = 0;
    while s + 8 * S::F32_LANES <= w {
        sparse_block::<S, 8>(simd, start, m, w, s, rows, values, out);
        s += 8 * S::F32_LANES;
    }
    while s + 4 * S::F32_LANES <= w {
        sparse_block::<S, 4>(simd, start, m, w, s, rows, values, out);
        s += 4 * S::F32_LANES;
    }
    while s + S::F32_LANES <= w {
        sparse_block::<S, 1>(simd, start, m, w, s, rows, values, out);
        s += S::F32_LANES;
    }
    for j in s..w {
        let mut a = start.at(out, j);
        for (&row, &x) in rows.iter().zip(values) {
            a = x.mul_add(m[usize::from(row) * w + j], a);
        }
        out[j] = a;
    }
}

/// Columns `s .. s + N·lanes` of `sparse_rows`, with N accumulators.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn sparse_block<S: Simd, const N: usize>(
    simd: S,
    start: Start,
    m: &[f32],
    w: usize,
    s: usize,
    rows: &[u16],
    values: &[f32],
    out: &mut [f32],
) {
    let block = N * S::F32_LANES;
    let mut acc = [simd.splat_f32s(0.0); N];
    match start {
        Start::Zeros => {}
        Start::Slice(init) => acc.copy_from_slice(S::as_simd_f32s(&init[s..s + block]).0),
        Start::Out => acc.copy_from_slice(S::as_simd_f32s(&out[s..s + block]).0),
    }
    for (&row, &x) in rows.iter().zip(values) {
        let xs = simd.splat_f32s(x);
        let at = usize::from(row) * w + s;
        let (r, _) = S::as_simd_f32s(&m[at..at + block]);
        for k in 0..N {
            acc[k] = simd.mul_add_e_f32s(xs, r[k], acc[k]);
        }
    }
    let (o, _) = S::as_mut_simd_f32s(&mut out[s..s + block]);
    o.copy_from_slice(&acc);
}

/// y += a · x, fused (element-wise and IEEE-exact: the same bits at any
/// vector width, with or without hardware FMA).
#[inline(always)]
pub(super) fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi = a.mul_add(xi, *yi);
    }
}

/// y += x.
#[inline(always)]
pub(super) fn add(x: &[f32], y: &mut [f32]) {
    for (yi, &xi) in y.iter_mut().zip(x) {
        *yi += xi;
    }
}

/// Dot product with 16 fixed accumulators, summed in a fixed order.
#[inline(always)]
pub(super) fn dot(a: &[f32], b: &[f32]) -> f32 {
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
