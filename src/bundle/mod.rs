//! `kvlens bundle`: the whole classroom as one zip for a room without a
//! network. Runs the build with PDFs, then packs one top folder:
//!
//! - `learners/`: the site as built (`public/`) without the deck's PDFs
//!   (unless a page links one), the sheets' PDFs, the notebook with the
//!   model files, the MNIST test set in `downloads/mnist/` (re-gzipped,
//!   with a source and licence note) and a start page, `START-HERE.html`;
//! - `instructor/`: everything `instructor/` holds (keys, marking keys, the
//!   TA table, the notebook's solutions, the facilitator guide when there
//!   is one) and the deck's PDFs in `instructor/print/`; their links into
//!   `../public/` are rewritten to `../learners/`;
//! - `START-HERE.html` and `START-HERE.txt`: what is where, from the
//!   actual contents.
//!
//! The zip is the same bytes twice: entries sorted, the DOS epoch as every
//! time, 0644 everywhere, deflate at a fixed level (already compressed
//! files stored), and a zip comment that marks the file as a bundle so a
//! later run may replace it (any other file needs `--force`). It is
//! written to a temporary file beside the target and renamed in one step.

mod archive;
mod doc;
mod pages;

pub use archive::read_folders;
use archive::write_zip;

use crate::build::{BuildOptions, Built};
use crate::config::Config;
use crate::data::{self, FileKind};
use crate::session::Session;
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The zip comment of every bundle (followed by the version that wrote it).
pub const MARK: &str = "kvlens bundle";
/// The learners' folder in the zip.
pub const LEARNERS: &str = "learners";
/// The instructor's folder in the zip.
pub const INSTRUCTOR: &str = "instructor";
/// Where the MNIST test set goes, below `learners/` (the notebook looks in
/// `mnist/` beside itself).
pub const MNIST_DIR: &str = "downloads/mnist";
/// The size the bundle should stay under, in bytes: measured on this
/// repository's workshop with three variants (see the README); above it
/// `kvlens bundle` warns.
pub const BUDGET: u64 = 20_000_000;

/// What `kvlens bundle` was asked for besides the session's build choices.
#[derive(Debug, Clone, Default)]
pub struct BundleOptions {
    /// `--out`: the zip to write (default: `<slug>-kit.zip` in the workshop).
    pub out: Option<PathBuf>,
    /// `--force`: replace a file that is not a bundle.
    pub force: bool,
    /// `--chromium`: the browser to print with.
    pub chromium: Option<PathBuf>,
}

/// One folder of the zip: its files directly inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// Path below the top folder, `/`-separated, no trailing slash (`""` for
    /// the top folder itself).
    pub path: String,
    pub files: usize,
    /// Bytes of the files unpacked.
    pub bytes: u64,
    /// Bytes they take in the zip (compressed data, without headers).
    pub zipped: u64,
}

/// What `kvlens bundle` wrote.
#[derive(Debug, Clone)]
pub struct Bundled {
    pub path: PathBuf,
    /// The one top folder of the zip.
    pub top: String,
    /// Size of the zip file.
    pub size: u64,
    pub folders: Vec<Folder>,
    pub budget: u64,
    /// The build's warnings and the bundle's own (e.g. over budget).
    pub warnings: Vec<String>,
}

impl Bundled {
    /// Files and bytes (unpacked, zipped) of one part (`learners`,
    /// `instructor`, or `""` for the top folder's own files).
    pub fn part(&self, part: &str) -> (usize, u64, u64) {
        self.folders
            .iter()
            .filter(|f| top_part(&f.path) == part)
            .fold((0, 0, 0), |(n, b, z), f| {
                (n + f.files, b + f.bytes, z + f.zipped)
            })
    }
}

fn top_part(path: &str) -> &str {
    path.split('/').next().unwrap_or("")
}

/// One file of the bundle, path below the top folder.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) path: String,
    pub(crate) bytes: Vec<u8>,
}

/// `kvlens bundle`.
pub fn bundle(s: &Session, opts: &BundleOptions) -> Result<Bundled> {
    let cfg = crate::session::load_config(&s.root)?;
    let slug = slug(&cfg.site.title);
    let out = match &opts.out {
        Some(p) => p.clone(),
        None => s.root.join(format!("{slug}-kit.zip")),
    };
    // Everything that can be said about --out is said before the build.
    check_out(&out, opts.force)?;
    check_not_rebuilt(s, &out)?;
    let mut tmp = temp_beside(&out)?;
    let built = crate::build::build(
        s,
        &BuildOptions {
            pdf: true,
            chromium: opts.chromium.clone(),
        },
    )?;
    let top = format!("{slug}-kit");
    s.ui.status(&format!("bundling into {}", out.display()));
    let entries = collect(s, &cfg, &built, &top)?;
    if s.ui.interrupted() {
        bail!("interrupted: no bundle written");
    }
    write_zip(tmp.as_file_mut(), &top, &entries).with_context(|| {
        format!(
            "cannot write the bundle {} (temporary file {})",
            out.display(),
            tmp.path().display()
        )
    })?;
    set_readable(tmp.as_file())?;
    tmp.persist(&out)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write the bundle {}", out.display()))?;
    let size = std::fs::metadata(&out)
        .with_context(|| format!("cannot read {}", out.display()))?
        .len();
    let folders = read_folders(&out, &top)?;
    let mut warnings = built.warnings;
    if size > BUDGET {
        warnings.push(format!(
            "the bundle is {size} bytes, over its budget of {BUDGET} bytes; \
             the heaviest folder is {}",
            folders
                .iter()
                .max_by_key(|f| f.zipped)
                .map(|f| format!("{top}/{}/ ({} bytes zipped)", f.path, f.zipped))
                .unwrap_or_default()
        ));
    }
    Ok(Bundled {
        path: out,
        top,
        size,
        folders,
        budget: BUDGET,
        warnings,
    })
}

/// A file-name slug of the workshop's title: ASCII letters and digits, runs
/// of anything else as one `-`, at most 48 characters.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > 48 {
        let cut = out[..48].rfind('-').unwrap_or(48);
        out.truncate(cut);
    }
    if out.is_empty() {
        "workshop".to_string()
    } else {
        out
    }
}

/// Refuses a folder, a missing or non-folder parent, and a file that is not
/// a bundle (unless `force`).
fn check_out(out: &Path, force: bool) -> Result<()> {
    if out.is_dir() {
        bail!(
            "--out {} is a folder; name the zip file to write, e.g. --out {}",
            out.display(),
            out.join("kit.zip").display()
        );
    }
    let parent = parent_of(out);
    if !parent.is_dir() {
        bail!(
            "cannot write the bundle {}: {} is not an existing folder",
            out.display(),
            parent.display()
        );
    }
    if out.exists() || out.is_symlink() {
        if !out.is_file() {
            bail!(
                "--out {} exists and is not a regular file; choose another --out",
                out.display()
            );
        }
        if !force && !is_bundle(out) {
            bail!(
                "{} exists and is not a bundle kvlens wrote; choose another --out, \
                 or pass --force to replace it",
                out.display()
            );
        }
    }
    Ok(())
}

/// Refuses an `--out` inside `public/` or `instructor/`, which the build
/// replaces.
fn check_not_rebuilt(s: &Session, out: &Path) -> Result<()> {
    let parent = std::fs::canonicalize(parent_of(out))
        .with_context(|| format!("cannot write the bundle {}", out.display()))?;
    let root = s.root_abs();
    for dir in ["public", crate::build::INSTRUCTOR_DIR] {
        if parent.starts_with(root.join(dir)) {
            bail!(
                "--out {} is inside {dir}/, which the build replaces; write the bundle \
                 elsewhere (the default is in the workshop folder)",
                out.display()
            );
        }
    }
    Ok(())
}

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// True when `path` is a zip whose comment marks it as a bundle.
pub fn is_bundle(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    zip::ZipArchive::new(file).is_ok_and(|z| z.comment().starts_with(MARK.as_bytes()))
}

/// The temporary file the zip is written to, beside `out` (so the rename
/// is one step); removed when dropped.
fn temp_beside(out: &Path) -> Result<tempfile::NamedTempFile> {
    let parent = parent_of(out);
    tempfile::Builder::new()
        .prefix(".kvlens-bundle-")
        .suffix(".tmp")
        .tempfile_in(&parent)
        .with_context(|| {
            format!(
                "cannot write the bundle {}: cannot create a file in {}",
                out.display(),
                parent.display()
            )
        })
}

#[cfg(unix)]
fn set_readable(f: &std::fs::File) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o644))
        .context("cannot set the bundle's permissions")
}

#[cfg(not(unix))]
fn set_readable(_: &std::fs::File) -> Result<()> {
    Ok(())
}

/// Every file of the bundle, sorted by path.
fn collect(s: &Session, cfg: &Config, built: &Built, top: &str) -> Result<Vec<Entry>> {
    let public = s.public_dir();
    let report = &built.report;
    let products = serde_json::to_value(report).context("internal error: the build report")?;
    // The deck's PDFs go to the instructor; a copy stays with the learners
    // only when a page of the site links it.
    let deck_pdfs: Vec<String> = products["decks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["page"].as_str())
        .flat_map(|page| {
            let stem = page.trim_end_matches(".html");
            ["", "-notes", "-handout"].map(|k| format!("print/{stem}{k}.pdf"))
        })
        .filter(|p| report.files.contains(p))
        .collect();
    let mut site = Vec::new();
    for rel in &report.files {
        let path = public.join(rel);
        let bytes = std::fs::read(&path)
            .with_context(|| format!("cannot read {} (just built)", path.display()))?;
        site.push(Entry {
            path: rel.clone(),
            bytes,
        });
    }
    let linked = |pdf: &str| {
        site.iter()
            .filter(|e| e.path.ends_with(".html"))
            .any(|e| contains(&e.bytes, format!("{pdf}\"").as_bytes()))
    };
    let keep: Vec<bool> = deck_pdfs.iter().map(|p| linked(p)).collect();
    let mut entries = Vec::new();
    for e in site {
        match deck_pdfs.iter().position(|p| *p == e.path) {
            Some(i) => {
                entries.push(Entry {
                    path: format!("{INSTRUCTOR}/{}", e.path),
                    bytes: e.bytes.clone(),
                });
                if keep[i] {
                    entries.push(Entry {
                        path: format!("{LEARNERS}/{}", e.path),
                        bytes: e.bytes,
                    });
                }
            }
            None => entries.push(Entry {
                path: format!("{LEARNERS}/{}", e.path),
                bytes: e.bytes,
            }),
        }
    }
    // With published keys the instructor's files are part of the site.
    if !cfg.sheets.publish_keys {
        let prefix = format!("{}/", crate::build::INSTRUCTOR_DIR);
        for f in &built.instructor {
            let rel = f.rel_path.strip_prefix(&prefix).unwrap_or(&f.rel_path);
            let bytes = if rel.ends_with(".html") {
                relink(rel, &f.bytes)
            } else {
                f.bytes.clone()
            };
            entries.push(Entry {
                path: format!("{INSTRUCTOR}/{rel}"),
                bytes,
            });
        }
    }
    let mnist = mnist_test_set(s, cfg)?;
    for (name, bytes) in &mnist.files {
        entries.push(Entry {
            path: format!("{LEARNERS}/{MNIST_DIR}/{name}"),
            bytes: bytes.clone(),
        });
    }
    entries.push(Entry {
        path: format!("{LEARNERS}/{MNIST_DIR}/README.txt"),
        bytes: pages::mnist_note(&mnist).into_bytes(),
    });
    let facts = pages::Facts::new(cfg, &products, report, s.participants);
    entries.push(Entry {
        path: format!("{LEARNERS}/START-HERE.html"),
        bytes: pages::learners_start(&facts, &entries).into_bytes(),
    });
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(w) = entries.windows(2).find(|w| w[0].path == w[1].path) {
        bail!(
            "internal error: two files at {top}/{} in the bundle",
            w[0].path
        );
    }
    let (html, text) = pages::start_here(&facts, top, &entries);
    entries.push(Entry {
        path: "START-HERE.html".to_string(),
        bytes: html.into_bytes(),
    });
    entries.push(Entry {
        path: "START-HERE.txt".to_string(),
        bytes: text.into_bytes(),
    });
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(entries)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// An instructor page's links into `public/` (`../public/…`, as many
/// `../` as it is deep plus one), pointed at `learners/` instead.
fn relink(rel: &str, bytes: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    let up = "../".repeat(rel.matches('/').count() + 1);
    let mut text = text.to_string();
    for attr in ["href", "src"] {
        text = text.replace(
            &format!("{attr}=\"{up}public/"),
            &format!("{attr}=\"{up}{LEARNERS}/"),
        );
    }
    text.into_bytes()
}

/// The MNIST test set for the notebook, as the build found it.
#[derive(Debug, Clone)]
pub(crate) struct MnistFiles {
    /// (file name, gzipped bytes), images first.
    pub(crate) files: Vec<(String, Vec<u8>)>,
    /// SHA-256 of the decompressed files, same order.
    pub(crate) sha256: Vec<String>,
    pub(crate) images: usize,
}

/// Reads the two test files from where the build found MNIST, checks them
/// against the expected hashes and gzips them (no name, time 0: the same
/// bytes for the same data, gzipped or raw at the source).
fn mnist_test_set(s: &Session, cfg: &Config) -> Result<MnistFiles> {
    let crate::session::Located { dir, hashes, .. } = crate::session::locate_data(s, cfg, false)?;
    let mut out = MnistFiles {
        files: Vec::new(),
        sha256: Vec::new(),
        images: 0,
    };
    for kind in [FileKind::TestImages, FileKind::TestLabels] {
        let path = kind
            .find_in(&dir)
            .with_context(|| format!("{} is missing from {}", kind.gz_name(), dir.display()))?;
        let raw = data::read_decompressed(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let sha = data::sha256_hex(&raw);
        if sha != hashes.get(kind) {
            bail!(
                "{} changed since the build read it (SHA-256 {sha}, expected {})",
                path.display(),
                hashes.get(kind)
            );
        }
        if kind == FileKind::TestImages {
            out.images = data::idx::parse_images(&raw)
                .with_context(|| format!("cannot read {}", path.display()))?
                .0;
        }
        let mut gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::best());
        gz.write_all(&raw)
            .context("cannot gzip the MNIST test set")?;
        out.files.push((
            kind.gz_name(),
            gz.finish().context("cannot gzip the MNIST test set")?,
        ));
        out.sha256.push(sha);
    }
    Ok(out)
}

/// Files and bytes of `entries` per folder (unpacked), for the start pages.
pub(crate) fn folder_sizes(entries: &[Entry]) -> Vec<(String, usize, u64)> {
    let mut m: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for e in entries {
        let dir = e.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let v = m.entry(dir).or_default();
        v.0 += 1;
        v.1 += e.bytes.len() as u64;
    }
    m.into_iter()
        .map(|(d, (n, b))| (d.to_string(), n, b))
        .collect()
}

/// Bytes for people: "812 bytes", "35.2 kB", "27.4 MB" (powers of 1000).
pub fn human(bytes: u64) -> String {
    match bytes {
        b if b < 1000 => format!("{b} bytes"),
        b if b < 1_000_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_and_short() {
        assert_eq!(
            slug("Inside a neural network: keys and values"),
            "inside-a-neural-network-keys-and-values"
        );
        assert_eq!(slug("  Ünïcode — only!  "), "n-code-only");
        assert_eq!(slug("€€€"), "workshop");
        let long = slug(&"word ".repeat(30));
        assert!(long.len() <= 48 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn instructor_links_into_public_point_at_learners() {
        let html = br#"<a href="../../public/index.html">x</a><script src="../../public/theme/site.js"></script><a href="../public/no.html">"#;
        let out = String::from_utf8(relink("sheets/k.html", html)).unwrap();
        assert_eq!(
            out,
            r#"<a href="../../learners/index.html">x</a><script src="../../learners/theme/site.js"></script><a href="../public/no.html">"#
        );
        let top =
            String::from_utf8(relink("ta-table.html", br#"href="../public/index.html""#)).unwrap();
        assert_eq!(top, r#"href="../learners/index.html""#);
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(human(999), "999 bytes");
        assert_eq!(human(35_240), "35.2 kB");
        assert_eq!(human(27_400_000), "27.4 MB");
    }
}
