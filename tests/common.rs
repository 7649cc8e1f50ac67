//! Fixture workshops: a temp folder with workshop.toml, the repo's templates
//! and theme, and a tiny MNIST-format data set (separable "band" digits)
//! with its own checksum file, so tests run offline with no MNIST present.

use kvlens::data::{FileKind, PIXELS, idx, sha256_hex};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const TRAIN: usize = 300;
pub const TEST: usize = 100;

/// A workshop in a temp dir with its own cache dir.
pub struct Workshop {
    pub dir: tempfile::TempDir,
    pub cache: tempfile::TempDir,
}

/// Digit d inks rows 2d+4 and 2d+5, with deterministic noise elsewhere.
pub fn band_images(n: usize, offset: usize) -> (Vec<u8>, Vec<u8>) {
    let mut images = vec![0u8; n * PIXELS];
    let mut labels = Vec::with_capacity(n);
    for i in 0..n {
        let d = (i + offset) % 10;
        labels.push(d as u8);
        for p in 0..PIXELS {
            let row = p / 28;
            let noise = ((i * 31 + p * 17 + offset) % 50) as u8;
            images[i * PIXELS + p] = if row / 2 == d + 2 { 250 - noise } else { noise };
        }
    }
    (images, labels)
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Writes the four files (gzipped) into `dir` and returns sha256sum lines.
pub fn write_mnist(dir: &Path) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let (tr_i, tr_l) = band_images(TRAIN, 0);
    let (te_i, te_l) = band_images(TEST, 3);
    let files = [
        (FileKind::TrainImages, idx::encode_images(&tr_i)),
        (FileKind::TrainLabels, idx::encode_labels(&tr_l)),
        (FileKind::TestImages, idx::encode_images(&te_i)),
        (FileKind::TestLabels, idx::encode_labels(&te_l)),
    ];
    let mut sums = String::new();
    for (kind, raw) in files {
        std::fs::write(dir.join(format!("{}.gz", kind.stem())), gz(&raw)).unwrap();
        sums.push_str(&format!("{}  {}\n", sha256_hex(&raw), kind.stem()));
    }
    sums
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

pub const MODEL: &str = "[model]\nhidden = 16\nepochs = 3\nbatch_size = 32\nlearning_rate = 0.01\ntrain_images = 300\nseed = 1\n";

impl Workshop {
    /// A complete fixture workshop with the given `[model]` section.
    pub fn new(model_section: &str) -> Workshop {
        let dir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&repo.join("templates"), &dir.path().join("templates"));
        copy_dir(&repo.join("theme"), &dir.path().join("theme"));
        let sums = write_mnist(&dir.path().join("mnist"));
        std::fs::write(dir.path().join("mnist/SHA256SUMS"), sums).unwrap();
        let toml = format!(
            "[site]\ntitle = \"Fixture workshop\"\n\n{model_section}\n[data]\nmnist_dir = \"mnist\"\nchecksums = \"mnist/SHA256SUMS\"\n"
        );
        std::fs::write(dir.path().join("workshop.toml"), toml).unwrap();
        Workshop { dir, cache }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.path().join("public")
    }

    /// `kvlens --root <dir> ARGS` with this workshop's cache, no env leaking in.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_kvlens"));
        c.arg("--root").arg(self.path());
        c.env("KVLENS_CACHE_DIR", self.cache.path());
        c.env_remove("KVLENS_MNIST_DIR");
        c.env("KVLENS_MNIST_MIRRORS", "http://127.0.0.1:9/");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    pub fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path().join(rel), text).unwrap();
    }

    /// Asserts no `.public-*` build folder is left beside public/.
    #[track_caller]
    pub fn assert_no_temp_dirs(&self) {
        let leftovers: Vec<_> = std::fs::read_dir(self.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    pub fn model_files(&self) -> Vec<PathBuf> {
        let dir = self.cache.path().join("models");
        let mut v: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        };
        v.sort();
        v
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file under `dir` with its bytes, sorted by relative path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Asserts two trees are byte-identical, naming the files that differ.
#[track_caller]
pub fn assert_same_tree(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)], what: &str) {
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b), "{what}: different file lists");
    let differ: Vec<&str> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, _)| x.0.as_str())
        .collect();
    assert!(differ.is_empty(), "{what}: these files differ: {differ:?}");
}

/// The gallery's HTML pages under `public/figures/` (the overview
/// `index.html` first), as paths below `public/`.
pub fn gallery_pages(public: &Path) -> Vec<String> {
    let mut pages: Vec<String> = std::fs::read_dir(public.join("figures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html") && n != "index.html")
        .map(|n| format!("figures/{n}"))
        .collect();
    pages.sort();
    pages.insert(0, "figures/index.html".to_string());
    pages
}

/// Every gallery page's HTML, one after the other.
pub fn gallery_html(public: &Path) -> String {
    gallery_pages(public)
        .iter()
        .map(|p| std::fs::read_to_string(public.join(p)).unwrap())
        .collect()
}
