//! Integration tests of the MNIST data layer through the public `kvlens::data` API:
//! resolution order, downloading from a local `tiny_http` mirror serving generated
//! fixtures (success, cache reuse, checksum mismatch, broken gzip, fallback, offline),
//! `load_dir` errors, and — when `KVLENS_MNIST_DIR` points at the real files — a full
//! download of real MNIST plus a cross-check of the IDX reader against the `mnist` crate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use kvlens::data::{
    self, FileKind, HashTable, PIXELS, Resolve, Source, idx, load_dir, locate, sha256_hex,
};

// ---------------------------------------------------------------- fixtures

/// A small generated data set: 5 train and 3 test images.
struct Fixture {
    train_images: Vec<u8>,
    train_labels: Vec<u8>,
    test_images: Vec<u8>,
    test_labels: Vec<u8>,
}

impl Fixture {
    fn new() -> Self {
        let img = |n: usize, seed: usize| -> Vec<u8> {
            (0..n * PIXELS)
                .map(|i| ((i * 31 + seed * 17) % 251) as u8)
                .collect()
        };
        Fixture {
            train_images: img(5, 1),
            train_labels: vec![5, 0, 4, 1, 9],
            test_images: img(3, 2),
            test_labels: vec![7, 2, 1],
        }
    }

    /// The decompressed IDX file of each kind.
    fn raw(&self, k: FileKind) -> Vec<u8> {
        match k {
            FileKind::TrainImages => idx::encode_images(&self.train_images),
            FileKind::TrainLabels => idx::encode_labels(&self.train_labels),
            FileKind::TestImages => idx::encode_images(&self.test_images),
            FileKind::TestLabels => idx::encode_labels(&self.test_labels),
        }
    }

    fn gz(&self, k: FileKind) -> Vec<u8> {
        gz(&self.raw(k))
    }

    fn hashes(&self) -> HashTable {
        let h = |k| sha256_hex(&self.raw(k));
        HashTable::new(
            &h(FileKind::TrainImages),
            &h(FileKind::TrainLabels),
            &h(FileKind::TestImages),
            &h(FileKind::TestLabels),
        )
    }

    /// Writes the four files into `dir` (created), gzipped or raw.
    fn write_dir(&self, dir: &Path, gzipped: bool) {
        std::fs::create_dir_all(dir).unwrap();
        for k in FileKind::ALL {
            if gzipped {
                std::fs::write(dir.join(gz_name(k)), self.gz(k)).unwrap();
            } else {
                std::fs::write(dir.join(k.stem()), self.raw(k)).unwrap();
            }
        }
    }

    fn check(&self, ds: &data::Dataset) {
        assert_eq!(ds.train.len(), 5);
        assert_eq!(ds.test.len(), 3);
        assert_eq!(ds.train.images, self.train_images);
        assert_eq!(ds.train.labels, self.train_labels);
        assert_eq!(ds.test.images, self.test_images);
        assert_eq!(ds.test.labels, self.test_labels);
        assert_eq!(ds.train.image(4), &self.train_images[4 * PIXELS..]);
        let h = self.hashes();
        assert_eq!(ds.hashes.train_images, h.get(FileKind::TrainImages));
        assert_eq!(ds.hashes.train_labels, h.get(FileKind::TrainLabels));
        assert_eq!(ds.hashes.test_images, h.get(FileKind::TestImages));
        assert_eq!(ds.hashes.test_labels, h.get(FileKind::TestLabels));
    }
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn gz_name(k: FileKind) -> String {
    format!("{}.gz", k.stem())
}

/// Names of the entries of `dir`, sorted (empty if it does not exist).
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

fn all_gz_names() -> Vec<String> {
    let mut v: Vec<String> = FileKind::ALL.iter().map(|&k| gz_name(k)).collect();
    v.sort();
    v
}

// ---------------------------------------------------------------- local mirror

/// A local HTTP server: `routes` maps a URL path to a body; anything else is a 404.
struct Mirror {
    base: String,
    hits: Arc<AtomicUsize>,
    paths: Arc<Mutex<Vec<String>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Mirror {
    fn start(routes: HashMap<String, Vec<u8>>) -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let addr = server.server_addr().to_ip().unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let paths = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (server, hits, paths) = (server.clone(), hits.clone(), paths.clone());
            std::thread::spawn(move || {
                for req in server.incoming_requests() {
                    hits.fetch_add(1, Ordering::SeqCst);
                    let url = req.url().to_string();
                    paths.lock().unwrap().push(url.clone());
                    let _ = match routes.get(&url) {
                        Some(body) => req.respond(tiny_http::Response::from_data(body.clone())),
                        None => req.respond(
                            tiny_http::Response::from_string("not found").with_status_code(404),
                        ),
                    };
                }
            })
        };
        Mirror {
            base: format!("http://{addr}"),
            hits,
            paths,
            server,
            thread: Some(thread),
        }
    }

    /// A mirror serving the fixture's four `.gz` files under `/<prefix>/`.
    fn serving(fx: &Fixture, prefix: &str) -> Self {
        let routes = FileKind::ALL
            .iter()
            .map(|&k| (format!("/{prefix}/{}", gz_name(k)), fx.gz(k)))
            .collect();
        Self::start(routes)
    }

    fn url(&self, prefix: &str) -> String {
        format!("{}/{prefix}/", self.base)
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A base URL on which nothing listens (connection refused).
fn dead_url() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}/mnist/")
}

fn resolve<'a>(cache: &'a Path, mirrors: &'a [String], hashes: &'a HashTable) -> Resolve<'a> {
    Resolve {
        flag: None,
        env: None,
        config: None,
        cache_dir: cache,
        mirrors,
        hashes,
        progress: false,
    }
}

// ---------------------------------------------------------------- download

#[test]
fn download_then_cache_without_hitting_the_server() {
    let fx = Fixture::new();
    let hashes = fx.hashes();
    let mirror = Mirror::serving(&fx, "m");
    let mirrors = vec![mirror.url("m")];
    let cache = tempfile::tempdir().unwrap();

    let mut r = resolve(cache.path(), &mirrors, &hashes);
    r.progress = true; // harmless when stderr is not a terminal
    let (dir, source) = locate(&r).unwrap();
    assert_eq!(source, Source::Downloaded);
    assert_eq!(dir, cache.path().join("mnist"));
    assert_eq!(mirror.hits(), 4);
    // Exactly the four final files, byte-identical to what was served; no temp files left.
    assert_eq!(listing(&dir), all_gz_names());
    for k in FileKind::ALL {
        assert_eq!(std::fs::read(dir.join(gz_name(k))).unwrap(), fx.gz(k));
    }

    let ds = load_dir(&dir, &hashes).unwrap();
    fx.check(&ds);
    assert_eq!(ds.dir, dir);

    let (dir2, source2) = locate(&resolve(cache.path(), &mirrors, &hashes)).unwrap();
    assert_eq!((dir2, source2), (dir, Source::Cache));
    assert_eq!(
        mirror.hits(),
        4,
        "a complete cache must not touch the network"
    );
}

#[test]
fn checksum_mismatch_is_an_error_and_leaves_no_file() {
    let fx = Fixture::new();
    let good = fx.hashes();
    let wrong = sha256_hex(b"something else");
    let hashes = HashTable::new(
        &wrong,
        good.get(FileKind::TrainLabels),
        good.get(FileKind::TestImages),
        good.get(FileKind::TestLabels),
    );
    let mirror = Mirror::serving(&fx, "m");
    let mirrors = vec![mirror.url("m")];
    let cache = tempfile::tempdir().unwrap();

    let err = locate(&resolve(cache.path(), &mirrors, &hashes)).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("SHA-256 mismatch"), "{msg}");
    assert!(msg.contains(&wrong), "expected hash missing: {msg}");
    assert!(
        msg.contains(good.get(FileKind::TrainImages)),
        "actual hash missing: {msg}"
    );
    assert!(msg.contains("train-images-idx3-ubyte.gz"), "{msg}");
    // Nothing under a final name, and no temp file left behind.
    assert_eq!(listing(&cache.path().join("mnist")), Vec::<String>::new());
}

#[test]
fn later_mismatch_keeps_verified_files_and_retry_fetches_only_the_missing_one() {
    let fx = Fixture::new();
    let good = fx.hashes();
    let bad = HashTable::new(
        good.get(FileKind::TrainImages),
        good.get(FileKind::TrainLabels),
        good.get(FileKind::TestImages),
        &sha256_hex(b"nope"),
    );
    let mirror = Mirror::serving(&fx, "m");
    let mirrors = vec![mirror.url("m")];
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().join("mnist");

    assert!(locate(&resolve(cache.path(), &mirrors, &bad)).is_err());
    let mut expected: Vec<String> = FileKind::ALL[..3].iter().map(|&k| gz_name(k)).collect();
    expected.sort();
    assert_eq!(listing(&dir), expected);
    assert_eq!(mirror.hits(), 4);

    let (_, source) = locate(&resolve(cache.path(), &mirrors, &good)).unwrap();
    assert_eq!(source, Source::Downloaded);
    assert_eq!(mirror.hits(), 5, "only the missing file is fetched again");
    assert_eq!(
        mirror.paths.lock().unwrap().last().unwrap(),
        "/m/t10k-labels-idx1-ubyte.gz"
    );
    fx.check(&load_dir(&dir, &good).unwrap());
}

#[test]
fn truncated_gzip_is_rejected() {
    let fx = Fixture::new();
    let hashes = fx.hashes();
    let mut routes: HashMap<String, Vec<u8>> = HashMap::new();
    for k in FileKind::ALL {
        let z = fx.gz(k);
        let body = if k == FileKind::TrainImages {
            z[..z.len() / 2].to_vec()
        } else {
            z
        };
        routes.insert(format!("/m/{}", gz_name(k)), body);
    }
    let mirror = Mirror::start(routes);
    let mirrors = vec![mirror.url("m")];
    let cache = tempfile::tempdir().unwrap();

    let err = locate(&resolve(cache.path(), &mirrors, &hashes)).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("invalid gzip data"), "{msg}");
    assert!(msg.contains("train-images-idx3-ubyte.gz"), "{msg}");
    assert_eq!(listing(&cache.path().join("mnist")), Vec::<String>::new());
}

#[test]
fn all_mirrors_down_gives_offline_instructions_quickly() {
    let fx = Fixture::new();
    let hashes = fx.hashes();
    let mirrors = vec![dead_url(), dead_url()];
    let cache = tempfile::tempdir().unwrap();

    let start = Instant::now();
    let err = locate(&resolve(cache.path(), &mirrors, &hashes)).unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "offline failure too slow"
    );
    let msg = format!("{err:#}");
    for needle in [
        "--mnist-dir DIR",
        "KVLENS_MNIST_DIR=DIR",
        "[data]",
        "workshop.toml",
        "train-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
        mirrors[0].trim_end_matches('/'),
        mirrors[1].trim_end_matches('/'),
    ] {
        assert!(msg.contains(needle), "missing {needle:?} in: {msg}");
    }
    assert_eq!(listing(&cache.path().join("mnist")), Vec::<String>::new());
}

#[test]
fn falls_back_when_the_first_mirror_returns_404() {
    let fx = Fixture::new();
    let hashes = fx.hashes();
    let mirror = Mirror::serving(&fx, "good");
    let mirrors = vec![mirror.url("empty"), mirror.url("good")];
    let cache = tempfile::tempdir().unwrap();

    let (dir, source) = locate(&resolve(cache.path(), &mirrors, &hashes)).unwrap();
    assert_eq!(source, Source::Downloaded);
    assert_eq!(mirror.hits(), 8);
    let paths = mirror.paths.lock().unwrap().clone();
    assert_eq!(paths[0], "/empty/train-images-idx3-ubyte.gz");
    assert_eq!(paths[1], "/good/train-images-idx3-ubyte.gz");
    fx.check(&load_dir(&dir, &hashes).unwrap());
}

#[test]
fn falls_back_when_the_first_mirror_is_down() {
    let fx = Fixture::new();
    let hashes = fx.hashes();
    let mirror = Mirror::serving(&fx, "m");
    let mirrors = vec![dead_url(), mirror.url("m")];
    let cache = tempfile::tempdir().unwrap();

    let (dir, source) = locate(&resolve(cache.path(), &mirrors, &hashes)).unwrap();
    assert_eq!(source, Source::Downloaded);
    assert_eq!(mirror.hits(), 4);
    fx.check(&load_dir(&dir, &hashes).unwrap());
}

#[test]
fn falls_back_when_the_first_mirror_serves_a_wrong_file() {
    let fx = Fixture::new();
    let hashes = fx.hashes();
    let other = Fixture {
        train_labels: vec![1, 1, 1, 1, 1],
        ..Fixture::new()
    };
    let bad = Mirror::serving(&other, "m");
    let good = Mirror::serving(&fx, "m");
    let mirrors = vec![bad.url("m"), good.url("m")];
    let cache = tempfile::tempdir().unwrap();

    let (dir, _) = locate(&resolve(cache.path(), &mirrors, &hashes)).unwrap();
    // The bad mirror's images were right; only its labels were refused.
    assert_eq!(bad.hits(), 4);
    assert_eq!(good.hits(), 1);
    assert_eq!(
        std::fs::read(dir.join(gz_name(FileKind::TrainLabels))).unwrap(),
        fx.gz(FileKind::TrainLabels)
    );
    fx.check(&load_dir(&dir, &hashes).unwrap());
}

#[test]
fn uncompressed_response_is_stored_raw() {
    let fx = Fixture::new();
    let hashes = fx.hashes();
    let routes = FileKind::ALL
        .iter()
        .map(|&k| (format!("/m/{}", gz_name(k)), fx.raw(k)))
        .collect();
    let mirror = Mirror::start(routes);
    let mirrors = vec![mirror.url("m")];
    let cache = tempfile::tempdir().unwrap();

    let (dir, _) = locate(&resolve(cache.path(), &mirrors, &hashes)).unwrap();
    let mut raw: Vec<String> = FileKind::ALL.iter().map(|k| k.stem().to_string()).collect();
    raw.sort();
    assert_eq!(listing(&dir), raw);
    fx.check(&load_dir(&dir, &hashes).unwrap());
}

// ---------------------------------------------------------------- resolution

#[test]
fn resolution_order_is_flag_env_config_cache() {
    let fx = Fixture::new();
    let hashes = fx.hashes();
    let root = tempfile::tempdir().unwrap();
    let [flag, env, config] = ["flag", "env", "config"].map(|d| root.path().join(d));
    let cache = root.path().join("cache");
    for d in [&flag, &env, &config, &cache.join("mnist")] {
        fx.write_dir(d, true);
    }
    // A download would fail: proves none of these resolutions touches the network.
    let mirrors = vec![dead_url()];
    let base = resolve(&cache, &mirrors, &hashes);

    let all = Resolve {
        flag: Some(&flag),
        env: Some(&env),
        config: Some(&config),
        ..base
    };
    assert_eq!(locate(&all).unwrap(), (flag.clone(), Source::Flag));
    let no_flag = Resolve { flag: None, ..all };
    assert_eq!(locate(&no_flag).unwrap(), (env.clone(), Source::Env));
    let config_only = Resolve {
        env: None,
        ..no_flag
    };
    assert_eq!(
        locate(&config_only).unwrap(),
        (config.clone(), Source::Config)
    );
    assert_eq!(locate(&base).unwrap(), (cache.join("mnist"), Source::Cache));

    // Each located dir loads.
    fx.check(&load_dir(&flag, &hashes).unwrap());
}

#[test]
fn explicit_dir_missing_a_file_is_an_error_not_a_download() {
    let fx = Fixture::new();
    let hashes = fx.hashes();
    let root = tempfile::tempdir().unwrap();
    let partial = root.path().join("partial");
    fx.write_dir(&partial, true);
    std::fs::remove_file(partial.join(gz_name(FileKind::TestLabels))).unwrap();
    let cache = root.path().join("cache");
    fx.write_dir(&cache.join("mnist"), true); // complete, must not be used
    let mirror = Mirror::serving(&fx, "m");
    let mirrors = vec![mirror.url("m")];
    let base = resolve(&cache, &mirrors, &hashes);

    let cases = [
        (
            Resolve {
                flag: Some(&partial),
                ..base
            },
            "--mnist-dir",
        ),
        (
            Resolve {
                env: Some(&partial),
                ..base
            },
            "KVLENS_MNIST_DIR",
        ),
        (
            Resolve {
                config: Some(&partial),
                ..base
            },
            "[data] mnist_dir in workshop.toml",
        ),
    ];
    for (r, source) in cases {
        let msg = format!("{:#}", locate(&r).unwrap_err());
        assert!(msg.contains(source), "source {source:?} not named: {msg}");
        assert!(msg.contains(&partial.display().to_string()), "{msg}");
        assert!(msg.contains("t10k-labels-idx1-ubyte"), "{msg}");
        assert!(
            !msg.contains("train-images-idx3-ubyte.gz (or"),
            "present file reported missing: {msg}"
        );
    }

    // A dir that does not exist at all.
    let nowhere = root.path().join("nowhere");
    let r = Resolve {
        flag: Some(&nowhere),
        ..base
    };
    let msg = format!("{:#}", locate(&r).unwrap_err());
    assert!(
        msg.contains("--mnist-dir") && msg.contains(&nowhere.display().to_string()),
        "{msg}"
    );
    assert!(msg.contains("does not exist"), "{msg}");
    assert_eq!(mirror.hits(), 0);
}

#[test]
fn explicit_dir_with_raw_files_is_accepted() {
    let fx = Fixture::new();
    let hashes = fx.hashes();
    let root = tempfile::tempdir().unwrap();
    let raw = root.path().join("raw");
    fx.write_dir(&raw, false);
    let cache = root.path().join("cache");
    let mirrors = vec![dead_url()];
    let r = Resolve {
        env: Some(&raw),
        ..resolve(&cache, &mirrors, &hashes)
    };
    assert_eq!(locate(&r).unwrap(), (raw.clone(), Source::Env));
    fx.check(&load_dir(&raw, &hashes).unwrap());
}

// ---------------------------------------------------------------- load_dir

#[test]
fn load_dir_prefers_raw_over_gz() {
    let fx = Fixture::new();
    let hashes = fx.hashes();
    let dir = tempfile::tempdir().unwrap();
    fx.write_dir(dir.path(), false);
    // Garbage .gz files next to good raw ones: raw wins, so this loads.
    for k in FileKind::ALL {
        std::fs::write(dir.path().join(gz_name(k)), b"garbage").unwrap();
    }
    fx.check(&load_dir(dir.path(), &hashes).unwrap());
    // And with the raw file gone, the garbage .gz is read and rejected, naming it.
    std::fs::remove_file(dir.path().join(FileKind::TrainImages.stem())).unwrap();
    let msg = format!("{:#}", load_dir(dir.path(), &hashes).unwrap_err());
    assert!(
        msg.contains(
            &dir.path()
                .join("train-images-idx3-ubyte.gz")
                .display()
                .to_string()
        ),
        "{msg}"
    );
    assert!(msg.contains("invalid gzip data"), "{msg}");
}

#[test]
fn load_dir_checksum_error_names_file_hashes_and_hint() {
    let fx = Fixture::new();
    let good = fx.hashes();
    let expected = sha256_hex(b"expected");
    let hashes = HashTable::new(
        good.get(FileKind::TrainImages),
        good.get(FileKind::TrainLabels),
        &expected,
        good.get(FileKind::TestLabels),
    );
    let dir = tempfile::tempdir().unwrap();
    fx.write_dir(dir.path(), true);
    let err = load_dir(dir.path(), &hashes).unwrap_err();
    let msg = format!("{err:#}");
    let path = dir.path().join("t10k-images-idx3-ubyte.gz");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains(&expected), "{msg}");
    assert!(msg.contains(good.get(FileKind::TestImages)), "{msg}");
    assert!(msg.contains("delete"), "{msg}");
}

#[test]
fn load_dir_parse_error_names_file_and_cause() {
    let fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    fx.write_dir(dir.path(), true);
    // A truncated image file whose hash is "expected" (so parsing is reached).
    let cut = fx.raw(FileKind::TrainImages)[..1000].to_vec();
    std::fs::write(dir.path().join(gz_name(FileKind::TrainImages)), gz(&cut)).unwrap();
    let good = fx.hashes();
    let hashes = HashTable::new(
        &sha256_hex(&cut),
        good.get(FileKind::TrainLabels),
        good.get(FileKind::TestImages),
        good.get(FileKind::TestLabels),
    );
    let err = load_dir(dir.path(), &hashes).unwrap_err();
    let path = dir.path().join("train-images-idx3-ubyte.gz");
    assert_eq!(
        format!("{err:#}"),
        format!(
            "{}: truncated: expected {} bytes, got 1000",
            path.display(),
            16 + 5 * PIXELS
        )
    );
    assert_eq!(
        err.downcast_ref::<idx::IdxError>(),
        Some(&idx::IdxError::Truncated {
            expected: (16 + 5 * PIXELS) as u64,
            got: 1000
        })
    );
}

#[test]
fn load_dir_rejects_image_label_count_mismatch() {
    let fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    fx.write_dir(dir.path(), true);
    let four = idx::encode_labels(&fx.train_labels[..4]);
    std::fs::write(dir.path().join(gz_name(FileKind::TrainLabels)), gz(&four)).unwrap();
    let good = fx.hashes();
    let hashes = HashTable::new(
        good.get(FileKind::TrainImages),
        &sha256_hex(&four),
        good.get(FileKind::TestImages),
        good.get(FileKind::TestLabels),
    );
    let msg = format!("{:#}", load_dir(dir.path(), &hashes).unwrap_err());
    assert!(msg.contains("train-images-idx3-ubyte.gz"), "{msg}");
    assert!(msg.contains("train-labels-idx1-ubyte.gz"), "{msg}");
    assert!(
        msg.contains("5 images") && msg.contains("4 labels"),
        "{msg}"
    );
}

#[test]
fn load_dir_missing_file_names_it() {
    let fx = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    fx.write_dir(dir.path(), true);
    std::fs::remove_file(dir.path().join(gz_name(FileKind::TestLabels))).unwrap();
    let msg = format!("{:#}", load_dir(dir.path(), &fx.hashes()).unwrap_err());
    assert!(msg.contains("t10k-labels-idx1-ubyte"), "{msg}");
    assert!(msg.contains("missing"), "{msg}");
}

#[test]
fn default_mirrors_are_https_urls() {
    // KVLENS_MNIST_MIRRORS is not set by this suite; if the environment sets it, it wins.
    let mirrors = data::mirrors_from_env();
    assert!(!mirrors.is_empty());
    if std::env::var_os("KVLENS_MNIST_MIRRORS").is_none() {
        assert_eq!(mirrors, data::DEFAULT_MIRRORS.map(String::from).to_vec());
        assert!(mirrors.iter().all(|m| m.starts_with("https://")));
        assert!(mirrors.iter().any(|m| m.contains("ossci-datasets")));
        assert!(mirrors.iter().any(|m| m.contains("cvdf-datasets")));
    }
}

// ---------------------------------------------------------------- real MNIST

/// The real MNIST folder from `KVLENS_MNIST_DIR`, or `None` (skip) when unset — except
/// under `CI=true`, where a missing folder is a failure.
pub fn real_mnist_dir(test: &str) -> Option<PathBuf> {
    match std::env::var_os("KVLENS_MNIST_DIR") {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{test}: KVLENS_MNIST_DIR is not set, but CI=true requires the real-data tests \
                 to run (point it at the folder with the four MNIST .gz files)"
            );
            eprintln!(
                "skipping {test}: KVLENS_MNIST_DIR is not set (point it at the folder with the \
                 four MNIST files to run this test)"
            );
            None
        }
    }
}

/// The bytes of `kind` in `dir`, as stored (gz preferred, raw otherwise).
fn stored_bytes(dir: &Path, kind: FileKind) -> Vec<u8> {
    std::fs::read(dir.join(gz_name(kind)))
        .or_else(|_| std::fs::read(dir.join(kind.stem())))
        .unwrap_or_else(|e| panic!("{}: no {} in it: {e}", dir.display(), kind.stem()))
}

#[test]
fn real_mnist_downloads_through_a_local_mirror() {
    let Some(real) = real_mnist_dir("real_mnist_downloads_through_a_local_mirror") else {
        return;
    };
    let routes = FileKind::ALL
        .iter()
        .map(|&k| (format!("/mnist/{}", gz_name(k)), stored_bytes(&real, k)))
        .collect();
    let mirror = Mirror::start(routes);
    let mirrors = vec![mirror.url("mnist")];
    let hashes = HashTable::canonical();
    let cache = tempfile::tempdir().unwrap();

    let (dir, source) = locate(&resolve(cache.path(), &mirrors, &hashes)).unwrap();
    assert_eq!(source, Source::Downloaded);
    assert_eq!(mirror.hits(), 4);
    let ds = load_dir(&dir, &hashes).unwrap();
    assert_eq!(ds.train.len(), 60_000);
    assert_eq!(ds.test.len(), 10_000);
    assert_eq!(ds.train.images.len(), 60_000 * PIXELS);
    assert_eq!(ds.test.images.len(), 10_000 * PIXELS);
    // Well-known facts about MNIST: the first training labels are 5 0 4 1 9, the first
    // test labels 7 2 1 0 4.
    assert_eq!(ds.train.labels[..5], [5, 0, 4, 1, 9]);
    assert_eq!(ds.test.labels[..5], [7, 2, 1, 0, 4]);
    for k in FileKind::ALL {
        assert_eq!(
            sha256_hex(&idx::decode(&stored_bytes(&dir, k), idx::MAX_DECOMPRESSED).unwrap()),
            hashes.get(k)
        );
    }
    let (_, again) = locate(&resolve(cache.path(), &mirrors, &hashes)).unwrap();
    assert_eq!(again, Source::Cache);
    assert_eq!(mirror.hits(), 4);
}

#[test]
fn real_mnist_matches_the_mnist_crate() {
    let Some(real) = real_mnist_dir("real_mnist_matches_the_mnist_crate") else {
        return;
    };
    let ours = load_dir(&real, &HashTable::canonical()).unwrap();

    // The mnist crate reads raw files only: decompress into a temp dir first.
    let raw = tempfile::tempdir().unwrap();
    for k in FileKind::ALL {
        let stored = stored_bytes(&real, k);
        let bytes = idx::decode(&stored, idx::MAX_DECOMPRESSED).unwrap();
        std::fs::write(raw.path().join(k.stem()), &*bytes).unwrap();
    }
    let theirs = mnist::MnistBuilder::new()
        .base_path(raw.path().to_str().unwrap())
        .label_format_digit()
        .training_set_length(60_000)
        .validation_set_length(0)
        .test_set_length(10_000)
        .finalize();
    assert_eq!(ours.train.images.len(), theirs.trn_img.len());
    assert!(ours.train.images == theirs.trn_img, "train images differ");
    assert_eq!(ours.train.labels, theirs.trn_lbl);
    assert!(ours.test.images == theirs.tst_img, "test images differ");
    assert_eq!(ours.test.labels, theirs.tst_lbl);
}
