//! Rebuild speed of the website pipeline (criterion): the default workshop
//! (this repository) re-rendered with the model, the analyses and the drawn
//! figures kept in memory, as `serve` does after an edit: read templates and
//! content, expand shortcodes, render markdown and templates, and write
//! public/ atomically (into a temp folder). Needs the real MNIST
//! (`KVLENS_MNIST_DIR`) and a model cache (`KVLENS_CACHE_DIR`, trained on
//! first use). Run: `KVLENS_MNIST_DIR=../shared/mnist cargo bench --bench site`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use kvlens::analysis::{Analyses, Prepared};
use kvlens::build::{load_sources, products, render};
use kvlens::{Session, output, ui::Ui};
use std::path::PathBuf;
use std::time::Instant;

fn rebuild(c: &mut Criterion) {
    let Some(mnist) = std::env::var_os("KVLENS_MNIST_DIR") else {
        eprintln!("skipping the site benchmark: set KVLENS_MNIST_DIR to the MNIST folder");
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cache_dir = std::env::var_os("KVLENS_CACHE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| kvlens::default_cache_dir().unwrap());
    let session = Session {
        root: root.clone(),
        cache_dir,
        mnist_flag: None,
        mnist_env: Some(PathBuf::from(mnist)),
        ui: Ui::silent(),
        track: None,
        variants: None,
        participants: None,
        no_analyses_cache: false,
    };
    let t = Instant::now();
    let prepared = Prepared::load(&session).unwrap();
    let loaded = t.elapsed();
    let t = Instant::now();
    let analyses = Analyses::new(&prepared).unwrap();
    let products = products();
    let (tera, content) = load_sources(&root, &products).unwrap();
    let (files, _) = render(
        &root,
        &analyses,
        &products,
        &tera,
        &content,
        &Default::default(),
    )
    .unwrap();
    let first = t.elapsed();
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    eprintln!(
        "default workshop: {} pages, {} files, {:.1} MB; data + model loaded in {:.2} s; analyses, figure catalog and first render in {:.2} s",
        content.docs.len(),
        files.len(),
        bytes as f64 / 1e6,
        loaded.as_secs_f64(),
        first.as_secs_f64()
    );
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let mut g = c.benchmark_group("site");
    g.sample_size(20);
    g.bench_function("rebuild with model and analyses in memory", |b| {
        b.iter(|| {
            let (tera, content) = load_sources(&root, &products).unwrap();
            let (files, _) = render(
                &root,
                &analyses,
                &products,
                &tera,
                &content,
                &Default::default(),
            )
            .unwrap();
            output::write_all(&public, &files).unwrap();
        })
    });
    g.bench_function("render only (no disk writes)", |b| {
        b.iter(|| {
            let (tera, content) = load_sources(&root, &products).unwrap();
            render(
                &root,
                &analyses,
                &products,
                &tera,
                &content,
                &Default::default(),
            )
            .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, rebuild);
criterion_main!(benches);
