//! Tests of training: recipes that learn, determinism across seeds, thread
//! counts and instruction sets, and the gradient against finite differences.

use super::kernels::{sparse_rows, sparse_rows_add};
use super::*;
use crate::config::{Loss, Optimizer};
use crate::data::PIXELS;
use crate::nn::mlp::INPUTS;
use pulp::{Simd, WithSimd};

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

/// The weights of two small recipes, pinned: a change to the kernels, the
/// tiling or the threading that moves any bit fails here, and then the
/// model cache's `FORMAT_VERSION` must change too (old cache files would
/// otherwise be reused for other weights). H = 300 crosses a tile edge
/// (128 + 128 + 44). These hashes are those of the engine before the
/// eight-accumulator kernels, the chunked forward pass and the per-row Adam
/// update, which changed no bit. Needs FMA (on a CPU without it pulp's
/// scalar path rounds differently, see the module header).
#[test]
fn weights_are_pinned_bit_for_bit() {
    if !std::arch::is_x86_feature_detected!("fma") {
        return;
    }
    let (tr, te) = (bands(200, 1), bands(50, 2));
    for (hidden, want) in [
        (
            16,
            "71f26f536d2414110dd9960209890e288cdb73406558cadab291b8e3326ed90d",
        ),
        (
            300,
            "3035c9db3a8112ede89b5a1ef57db791213a84343421c41bf50cc5b2d993f251",
        ),
    ] {
        let c = ModelConfig {
            hidden,
            ..cfg(Loss::CrossEntropy, Optimizer::Adam)
        };
        let model = train(&tr, &te, &c, &mut Silent).unwrap().model;
        assert_eq!(crate::nn::cache::weights_hash(&model), want, "H = {hidden}");
    }
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

/// Runs the sparse kernels on awkward widths with one instruction set.
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
        let mut out = vec![0.0; 3 * w];
        let (ab, c) = out.split_at_mut(2 * w);
        let (a, b) = ab.split_at_mut(w);
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
        // The first product again, summed in three runs of pixels.
        c.copy_from_slice(&self.m[..w]);
        let n = self.pixels.len();
        for run in [0..n / 3, n / 3..n / 2, n / 2..n] {
            let (p, x) = (&self.pixels[run.clone()], &self.values[run]);
            sparse_rows_add(simd, self.m, w, p, x, c);
        }
        out
    }
}

#[test]
fn kernels_give_the_same_bits_with_every_instruction_set() {
    use pulp::x86::{V3, V4};
    use rand::RngExt;
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    // Widths that end in every kind of block: eight vectors, four, one and
    // the scalar tail, for 8-lane (AVX2) and 16-lane (AVX-512) vectors.
    for w in [1usize, 7, 16, 33, 64, 100, 128, 200, 256] {
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
        let mut want = vec![0.0f32; 3 * w];
        for j in 0..w {
            let mut a = m[j];
            let mut b = 0.0f32;
            for (&p, &x) in pixels.iter().zip(&values) {
                a = x.mul_add(m[usize::from(p) * w + j], a);
                b = x.mul_add(m[usize::from(p % 7) * w + j], b);
            }
            want[j] = a;
            want[w + j] = b;
            want[2 * w + j] = a;
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
