//! Training and inference speed (criterion). Uses the real MNIST when
//! KVLENS_MNIST_DIR is set, else synthetic images of the same shape (speed
//! does not depend on pixel values). Run: `cargo bench --bench train`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use kvlens::config::ModelConfig;
use kvlens::data::{DataHashes, Dataset, HashTable, PIXELS, Split, load_dir};
use kvlens::kv::{
    self,
    select::{Catalog, Selector},
};
use kvlens::nn::{self, Mlp, train::Silent};
use rand::{RngExt, SeedableRng};
use std::hint::black_box;

fn data() -> (Split, Split) {
    if let Some(dir) = std::env::var_os("KVLENS_MNIST_DIR") {
        let ds = load_dir(std::path::Path::new(&dir), &HashTable::canonical()).unwrap();
        return (ds.train, ds.test);
    }
    eprintln!("KVLENS_MNIST_DIR unset: benchmarking on synthetic images");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    let mut split = |n: usize| Split {
        images: (0..n * PIXELS)
            .map(|_| rng.random_range(0..=255u8))
            .collect(),
        labels: (0..n).map(|i| (i % 10) as u8).collect(),
    };
    (split(60_000), split(10_000))
}

fn hashes() -> DataHashes {
    DataHashes {
        train_images: String::new(),
        train_labels: String::new(),
        test_images: String::new(),
        test_labels: String::new(),
    }
}

fn benches(c: &mut Criterion) {
    let (train, test) = data();
    let mut g = c.benchmark_group("mnist");
    g.sample_size(10);
    // One epoch of the recipe: 784-256-10, Adam 1e-3, batch 128, 60 000 images
    // (includes the test-set evaluation after the epoch, as `kvlens train` does).
    let cfg = ModelConfig {
        hidden: 256,
        epochs: 1,
        ..ModelConfig::default()
    };
    g.bench_function("train_one_epoch_h256", |b| {
        b.iter(|| nn::train(&train, &test, black_box(&cfg), &mut Silent).unwrap())
    });
    let model = Mlp::init(256, &mut rand_chacha::ChaCha8Rng::seed_from_u64(1));
    g.bench_function("forward_test_set_h256", |b| {
        b.iter(|| model.logits_of(black_box(&test)))
    });
    g.finish();

    // The key-value analyses a build uses, on a trained default-size model.
    let cfg1 = ModelConfig {
        hidden: 256,
        epochs: 1,
        ..ModelConfig::default()
    };
    let trained = nn::train(&train, &test, &cfg1, &mut Silent).unwrap().model;
    let mut g = c.benchmark_group("kv");
    g.sample_size(10);
    g.bench_function("decomposition_check_test_set_h256", |b| {
        b.iter(|| kv::check_decomposition(black_box(&trained), &test))
    });
    g.bench_function("analyse_one_image_h256", |b| {
        b.iter(|| kv::image::analyse(black_box(&trained), test.image(0), Some(test.labels[0])))
    });
    let ds = Dataset {
        train: train.clone(),
        test: test.clone(),
        hashes: hashes(),
        dir: std::path::PathBuf::new(),
    };
    let sel = Selector::parse("sharpest(digit=0) | first(digit=0)").unwrap();
    g.bench_function("select_sharpest_digit0_h256", |b| {
        b.iter(|| {
            Catalog::new(&trained, &ds)
                .resolve(black_box(&sel))
                .unwrap()
        })
    });
    // Every population analysis, from one batched pass over the test set
    // (and one over the training set for the b2 refit).
    let init = Mlp::init(256, &mut rand_chacha::ChaCha8Rng::seed_from_u64(2));
    g.bench_function("population_all_h256", |b| {
        b.iter(|| {
            use kv::population::{KnockoutMode, activations, knockout, votes_vs_fires};
            let m = black_box(&trained);
            let acts = activations(m, &test);
            let train_acts = activations(m, &train);
            let v = votes_vs_fires(m, &acts);
            let modes = [KnockoutMode::Zero, KnockoutMode::Mean, KnockoutMode::Refit];
            let k: Vec<f64> = modes
                .iter()
                .map(|&mode| {
                    knockout(m, &acts, Some(&train_acts), 7, 25, mode)
                        .targeted
                        .overall
                })
                .collect();
            let mistakes = kv::mistakes::mistakes(m, &acts, &test);
            let drift = kv::linear::key_drift(m, &init);
            let t = kv::linear::templates(m, test.image(0));
            (
                v.agreement,
                k,
                mistakes.mistakes.len(),
                drift.median,
                t.max_abs_diff,
            )
        })
    });
    g.finish();
}

criterion_group!(train_benches, benches);
criterion_main!(train_benches);
