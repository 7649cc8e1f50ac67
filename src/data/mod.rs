//! MNIST data layer: where the four MNIST files come from and how they are loaded.
//!
//! Owns the resolution of the data directory (`--mnist-dir` > `KVLENS_MNIST_DIR` >
//! `[data] mnist_dir` in workshop.toml > the cache > a download into the cache), the
//! SHA-256 verification of the decompressed files, and turning them into [`Dataset`].
//! The byte format lives in [`idx`], the network in [`fetch`]. Nothing here reads the
//! environment except [`mirrors_from_env`]; callers pass everything else in [`Resolve`].

pub mod fetch;
pub mod idx;

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

/// Width and height of an MNIST image.
pub const IMAGE_SIDE: usize = 28;
/// Pixels per MNIST image.
pub const PIXELS: usize = IMAGE_SIDE * IMAGE_SIDE;

/// Largest file (compressed or raw) that [`load_dir`] reads.
const MAX_FILE: u64 = idx::MAX_DECOMPRESSED;

/// One split: images row-major u8 (n * 784), labels 0..=9.
#[derive(Debug, Clone)]
pub struct Split {
    pub images: Vec<u8>,
    pub labels: Vec<u8>,
}

impl Split {
    /// Number of examples (the number of labels).
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True if the split has no examples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The 784 pixels of image `i`, row-major. Empty if `i` is out of range.
    pub fn image(&self, i: usize) -> &[u8] {
        i.checked_mul(PIXELS)
            .and_then(|start| Some(start..start.checked_add(PIXELS)?))
            .and_then(|range| self.images.get(range))
            .unwrap_or(&[])
    }
}

/// SHA-256 (lowercase hex) of the four decompressed files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DataHashes {
    pub train_images: String,
    pub train_labels: String,
    pub test_images: String,
    pub test_labels: String,
}

/// The loaded, verified data set.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub train: Split,
    pub test: Split,
    pub hashes: DataHashes,
    /// The directory the files were read from.
    pub dir: PathBuf,
}

/// The four file kinds and their canonical names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    TrainImages,
    TrainLabels,
    TestImages,
    TestLabels,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [
        FileKind::TrainImages,
        FileKind::TrainLabels,
        FileKind::TestImages,
        FileKind::TestLabels,
    ];

    /// The canonical file name without `.gz`, e.g. `train-images-idx3-ubyte`.
    pub fn stem(self) -> &'static str {
        match self {
            FileKind::TrainImages => "train-images-idx3-ubyte",
            FileKind::TrainLabels => "train-labels-idx1-ubyte",
            FileKind::TestImages => "t10k-images-idx3-ubyte",
            FileKind::TestLabels => "t10k-labels-idx1-ubyte",
        }
    }

    fn index(self) -> usize {
        match self {
            FileKind::TrainImages => 0,
            FileKind::TrainLabels => 1,
            FileKind::TestImages => 2,
            FileKind::TestLabels => 3,
        }
    }

    pub(crate) fn gz_name(self) -> String {
        format!("{}.gz", self.stem())
    }

    /// The file for this kind in `dir`, if present: raw `<stem>` preferred over `<stem>.gz`.
    pub(crate) fn find_in(self, dir: &Path) -> Option<PathBuf> {
        [dir.join(self.stem()), dir.join(self.gz_name())]
            .into_iter()
            .find(|p| p.is_file())
    }
}

/// Canonical SHA-256 of the decompressed MNIST files (public, widely published values).
pub const CANONICAL_TRAIN_IMAGES_SHA256: &str =
    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db";
pub const CANONICAL_TRAIN_LABELS_SHA256: &str =
    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5";
pub const CANONICAL_TEST_IMAGES_SHA256: &str =
    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7";
pub const CANONICAL_TEST_LABELS_SHA256: &str =
    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2";

/// Expected hashes of the decompressed files, by kind. A parameter so tests can pass
/// fixture hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashTable {
    hex: [String; 4],
}

impl HashTable {
    /// The hashes of the real MNIST files.
    pub fn canonical() -> Self {
        Self::new(
            CANONICAL_TRAIN_IMAGES_SHA256,
            CANONICAL_TRAIN_LABELS_SHA256,
            CANONICAL_TEST_IMAGES_SHA256,
            CANONICAL_TEST_LABELS_SHA256,
        )
    }

    /// Hex SHA-256 per kind; compared case-insensitively.
    pub fn new(
        train_images: &str,
        train_labels: &str,
        test_images: &str,
        test_labels: &str,
    ) -> Self {
        let norm = |s: &str| s.trim().to_ascii_lowercase();
        Self {
            hex: [
                norm(train_images),
                norm(train_labels),
                norm(test_images),
                norm(test_labels),
            ],
        }
    }

    /// The expected lowercase hex SHA-256 of `k`'s decompressed content.
    pub fn get(&self, k: FileKind) -> &str {
        self.hex.get(k.index()).map_or("", String::as_str)
    }
}

impl HashTable {
    /// Reads a `sha256sum`-style file: lines `<64 hex digits>  <file name>`
    /// naming the four decompressed files (`train-images-idx3-ubyte` …);
    /// blank lines and `#` comments are skipped. Errors name the file and line.
    pub fn from_sums_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the checksum file {}", path.display()))?;
        let mut found: [Option<String>; 4] = Default::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let at = format!("{}:{}", path.display(), n + 1);
            let (hash, name) = line
                .split_once(char::is_whitespace)
                .with_context(|| format!("{at}: expected `<sha256>  <file name>`"))?;
            let name = name.trim().trim_start_matches('*');
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                bail!("{at}: `{hash}` is not a SHA-256 (64 hex digits)");
            }
            let Some(k) = FileKind::ALL.iter().position(|k| k.stem() == name) else {
                bail!(
                    "{at}: unknown file `{name}`; expected one of {}",
                    FileKind::ALL.map(|k| k.stem()).join(", ")
                );
            };
            found[k] = Some(hash.to_ascii_lowercase());
        }
        let missing: Vec<&str> = FileKind::ALL
            .iter()
            .zip(&found)
            .filter(|(_, h)| h.is_none())
            .map(|(k, _)| k.stem())
            .collect();
        if !missing.is_empty() {
            bail!("{}: no checksum for {}", path.display(), missing.join(", "));
        }
        let [a, b, c, d] = found.map(Option::unwrap_or_default);
        Ok(HashTable::new(&a, &b, &c, &d))
    }
}

/// Where the data came from, for `kvlens data` to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env,
    Config,
    Cache,
    Downloaded,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Flag => "--mnist-dir",
            Source::Env => "KVLENS_MNIST_DIR",
            Source::Config => "[data] mnist_dir in workshop.toml",
            Source::Cache => "cache",
            Source::Downloaded => "downloaded",
        })
    }
}

/// Everything [`locate`] needs; nothing is read from the environment.
#[derive(Debug, Clone, Copy)]
pub struct Resolve<'a> {
    /// `--mnist-dir`.
    pub flag: Option<&'a Path>,
    /// `KVLENS_MNIST_DIR`.
    pub env: Option<&'a Path>,
    /// `[data] mnist_dir`, already resolved relative to workshop.toml.
    pub config: Option<&'a Path>,
    /// `$KVLENS_CACHE_DIR`; MNIST lives in `cache_dir/mnist`.
    pub cache_dir: &'a Path,
    /// Base URLs to download from, tried in order.
    pub mirrors: &'a [String],
    /// Expected hashes, checked on download.
    pub hashes: &'a HashTable,
    /// Show a progress bar on stderr while downloading (only if stderr is a terminal).
    pub progress: bool,
}

/// Resolution order: flag > env > config > `cache_dir/mnist` (if complete) > download into
/// `cache_dir/mnist`.
///
/// An explicitly given dir (flag/env/config) that lacks a file is an error naming the dir,
/// the missing file and the source; it never falls through to the cache or a download.
/// Only presence is checked here; [`load_dir`] verifies the content.
pub fn locate(r: &Resolve) -> anyhow::Result<(PathBuf, Source)> {
    let explicit = [
        (r.flag, Source::Flag),
        (r.env, Source::Env),
        (r.config, Source::Config),
    ];
    if let Some((dir, source)) = explicit
        .into_iter()
        .find_map(|(dir, source)| dir.map(|d| (d, source)))
    {
        check_explicit_dir(dir, &source)?;
        return Ok((dir.to_path_buf(), source));
    }
    let dir = r.cache_dir.join("mnist");
    if FileKind::ALL.iter().all(|k| k.find_in(&dir).is_some()) {
        return Ok((dir, Source::Cache));
    }
    fetch::download_missing(&dir, r.mirrors, r.hashes, r.progress)?;
    Ok((dir, Source::Downloaded))
}

fn check_explicit_dir(dir: &Path, source: &Source) -> anyhow::Result<()> {
    let how = match source {
        Source::Flag => format!("--mnist-dir {}", dir.display()),
        Source::Env => format!("KVLENS_MNIST_DIR={}", dir.display()),
        _ => format!("[data] mnist_dir in workshop.toml ({})", dir.display()),
    };
    if !dir.is_dir() {
        bail!(
            "{how}: MNIST directory {} does not exist or is not a directory; \
             it must contain the four MNIST files ({})",
            dir.display(),
            expected_names()
        );
    }
    let missing: Vec<String> = FileKind::ALL
        .iter()
        .filter(|k| k.find_in(dir).is_none())
        .map(|k| format!("{} (or {})", k.gz_name(), k.stem()))
        .collect();
    if !missing.is_empty() {
        bail!(
            "{how}: MNIST directory {} is missing {}; it must contain the four MNIST files \
             ({}), gzipped or raw",
            dir.display(),
            missing.join(", "),
            expected_names()
        );
    }
    Ok(())
}

fn expected_names() -> String {
    FileKind::ALL
        .iter()
        .map(|k| k.gz_name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            use std::fmt::Write;
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The decompressed content of `path` (gzip detected by content, so `<stem>.gz` and raw
/// `<stem>` both work; a `.gz` name must hold gzip data). Errors do not name the path;
/// callers add it.
pub(crate) fn read_decompressed(path: &Path) -> anyhow::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if meta.len() > MAX_FILE {
        bail!(
            "file is {} bytes, larger than the {MAX_FILE}-byte limit (not an MNIST file)",
            meta.len()
        );
    }
    let bytes = std::fs::read(path)?;
    let is_gz_name = path.extension().is_some_and(|e| e == "gz");
    if is_gz_name || idx::is_gzip(&bytes) {
        Ok(idx::gunzip(&bytes, idx::MAX_DECOMPRESSED)?)
    } else {
        Ok(bytes)
    }
}

/// Checks `actual` against `expected` and explains a mismatch. Does not name the path.
pub(crate) fn check_hash(expected: &str, actual: &str, hint: &str) -> anyhow::Result<()> {
    if expected != actual {
        bail!(
            "SHA-256 mismatch of the decompressed content: expected {expected}, got {actual}; \
             the file is corrupt, truncated or not the MNIST file. {hint}"
        );
    }
    Ok(())
}

struct Loaded {
    count: usize,
    data: Vec<u8>,
    hash: String,
    path: PathBuf,
}

fn load_one(dir: &Path, kind: FileKind, hashes: &HashTable) -> anyhow::Result<Loaded> {
    let path = kind.find_in(dir).with_context(|| {
        format!(
            "{}: missing (expected {} or {})",
            dir.join(kind.gz_name()).display(),
            kind.gz_name(),
            kind.stem()
        )
    })?;
    let ctx = || path.display().to_string();
    let bytes = crate::prof::tally("data: read and gunzip", || read_decompressed(&path))
        .with_context(ctx)?;
    let hash = crate::prof::tally("data: sha-256", || sha256_hex(&bytes));
    let hint = format!(
        "Re-download it (if {} is the kvlens cache, delete it and run again) or replace it \
         with a good copy.",
        dir.display()
    );
    check_hash(hashes.get(kind), &hash, &hint).with_context(ctx)?;
    let (count, data) = match kind {
        FileKind::TrainImages | FileKind::TestImages => idx::parse_images(&bytes),
        FileKind::TrainLabels | FileKind::TestLabels => {
            idx::parse_labels(&bytes).map(|l| (l.len(), l))
        }
    }
    .with_context(ctx)?;
    Ok(Loaded {
        count,
        data,
        hash,
        path,
    })
}

fn split(images: Loaded, labels: Loaded) -> anyhow::Result<Split> {
    if images.count != labels.count {
        bail!(
            "{} has {} images but {} has {} labels; the files do not belong together",
            images.path.display(),
            images.count,
            labels.path.display(),
            labels.count
        );
    }
    Ok(Split {
        images: images.data,
        labels: labels.data,
    })
}

/// Read the four files from `dir` (each as `<stem>.gz` or raw `<stem>`; raw is preferred
/// if both exist), verify the SHA-256 of the decompressed bytes against `hashes`, and
/// parse IDX. Every error names the file path (print with `{:#}` to see the cause).
pub fn load_dir(dir: &Path, hashes: &HashTable) -> anyhow::Result<Dataset> {
    let train_images = load_one(dir, FileKind::TrainImages, hashes)?;
    let train_labels = load_one(dir, FileKind::TrainLabels, hashes)?;
    let test_images = load_one(dir, FileKind::TestImages, hashes)?;
    let test_labels = load_one(dir, FileKind::TestLabels, hashes)?;
    let hashes = DataHashes {
        train_images: train_images.hash.clone(),
        train_labels: train_labels.hash.clone(),
        test_images: test_images.hash.clone(),
        test_labels: test_labels.hash.clone(),
    };
    Ok(Dataset {
        train: split(train_images, train_labels)?,
        test: split(test_images, test_labels)?,
        hashes,
        dir: dir.to_path_buf(),
    })
}

/// Default download mirrors: the ossci-datasets S3 mirror used by torchvision and the
/// cvdf mirror on storage.googleapis.com used by TensorFlow.
pub const DEFAULT_MIRRORS: [&str; 2] = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
];

/// The mirror list: `KVLENS_MNIST_MIRRORS` (comma-separated base URLs) if set and
/// non-empty, else [`DEFAULT_MIRRORS`].
pub fn mirrors_from_env() -> Vec<String> {
    let from_env: Vec<String> = std::env::var("KVLENS_MNIST_MIRRORS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if from_env.is_empty() {
        DEFAULT_MIRRORS.map(String::from).to_vec()
    } else {
        from_env
    }
}

/// What `kvlens data` prints: where MNIST was found, what each split
/// holds (images per digit) and the verified SHA-256 of the files.
pub fn describe(ds: &Dataset, source: &Source) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let from = match source {
        Source::Flag => "--mnist-dir",
        Source::Env => "KVLENS_MNIST_DIR",
        Source::Config => "[data] mnist_dir in workshop.toml",
        Source::Cache => "the kvlens cache",
        Source::Downloaded => "downloaded into the kvlens cache",
    };
    let _ = writeln!(out, "MNIST in {} (from {from})", ds.dir.display());
    for (name, split) in [("train", &ds.train), ("test", &ds.test)] {
        let mut counts = [0usize; 10];
        for &l in &split.labels {
            counts[usize::from(l).min(9)] += 1;
        }
        let per: Vec<String> = counts
            .iter()
            .enumerate()
            .map(|(d, c)| format!("{d}:{c}"))
            .collect();
        let _ = writeln!(
            out,
            "  {name:<5} {:>6} images of 28×28 pixels; per digit {}",
            crate::num::grouped(split.len() as u64),
            per.join(" ")
        );
    }
    let _ = writeln!(out, "  SHA-256 of the decompressed files verified:");
    for (kind, hash) in [
        ("train-images", &ds.hashes.train_images),
        ("train-labels", &ds.hashes.train_labels),
        ("test-images", &ds.hashes.test_images),
        ("test-labels", &ds.hashes.test_labels),
    ] {
        let _ = writeln!(out, "    {kind:<13} {hash}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_order() {
        let stems: Vec<_> = FileKind::ALL.iter().map(|k| k.stem()).collect();
        assert_eq!(
            stems,
            [
                "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"
            ]
        );
    }

    #[test]
    fn hash_table_by_kind() {
        let t = HashTable::new("A1", "b2", "c3", "d4");
        assert_eq!(t.get(FileKind::TrainImages), "a1");
        assert_eq!(t.get(FileKind::TrainLabels), "b2");
        assert_eq!(t.get(FileKind::TestImages), "c3");
        assert_eq!(t.get(FileKind::TestLabels), "d4");
        let c = HashTable::canonical();
        assert_eq!(c.get(FileKind::TestLabels), CANONICAL_TEST_LABELS_SHA256);
        assert!(
            FileKind::ALL
                .iter()
                .all(|&k| c.get(k).len() == 64 && c.get(k).bytes().all(|b| b.is_ascii_hexdigit()))
        );
    }

    #[test]
    fn sha256_known_value() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn split_image_bounds() {
        let s = Split {
            images: (0..2 * PIXELS).map(|i| (i / PIXELS) as u8).collect(),
            labels: vec![3, 4],
        };
        assert_eq!(s.len(), 2);
        assert!(!s.is_empty());
        assert_eq!(s.image(1), &[1u8; PIXELS][..]);
        assert!(s.image(2).is_empty());
        assert!(s.image(usize::MAX).is_empty());
    }

    #[test]
    fn source_display() {
        assert_eq!(Source::Flag.to_string(), "--mnist-dir");
        assert_eq!(Source::Env.to_string(), "KVLENS_MNIST_DIR");
    }
}
