//! The analyses cache: what a build computed about the model, kept on disk
//! next to the model cache (`$KVLENS_CACHE_DIR/analyses/`), so the next
//! build of the same model on the same data reads it instead of computing
//! it again.
//!
//! - **What is kept**: the decomposition check, every selector resolved to
//!   its image (a selector such as `sharpest(digit=0)` analyses every test
//!   image of that digit), and the population analyses of `kv::memo` (votes
//!   for vs fires on, the mistakes, key drift, every knock-out asked for).
//!   Also the test-set evaluation and the SVG text of every figure drawn (the
//!   figures are still drawn; their serialisation is what costs).
//! - **The key**: SHA-256 of the format version below, kvlens's version and
//!   the binary's size and modification time (a rebuilt kvlens starts
//!   afresh), the model's cache key (its config and the data hashes), the
//!   trained weights' hash and the data hashes. The SVG texts are kept under
//!   a second key, of the config and the toy nets ([`figures_key`]): when
//!   those change, the texts are dropped and the analyses kept. Inside the file, each result is
//!   keyed by what it was asked with (selector text, knock-out digit, size
//!   and mode), so content asking for something new only adds to the entry.
//! - **Safety**: files are written whole to a temporary file in the same
//!   folder and renamed over the old one, so two builds at once each leave a
//!   complete file (the later one wins; both hold results of the same
//!   model). A file that cannot be read, does not parse, or belongs to
//!   another key is ignored with a one-line note and rewritten.
//!   JSON with exact float round trips keeps every number bit for bit, so
//!   a build from the cache writes the same bytes as one without it
//!   (`--no-analyses-cache`, which neither reads nor writes the file).

use crate::config::Config;
use crate::data::DataHashes;
use crate::kv::DecompositionCheck;
use crate::kv::linear::KeyDrift;
use crate::kv::mistakes::Mistakes;
use crate::kv::population::{Knockout, VotesVsFires};
use crate::kv::select::Selected;
use crate::kv::toy::ToyNet;
use crate::nn::Evaluation;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Bump when an analysis kept here changes its results or its layout.
pub const FORMAT_VERSION: u32 = 1;

/// Folder below the cache dir.
pub const DIR: &str = "analyses";

/// Everything the cache keeps for one key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stored {
    pub format: u32,
    /// The full key (the file name has its first 24 characters).
    pub key: String,
    pub decomposition: Option<DecompositionCheck>,
    /// Selector text → the image it names.
    pub selectors: BTreeMap<String, Selected>,
    pub votes: Option<VotesVsFires>,
    pub mistakes: Option<Mistakes>,
    pub drift: Option<KeyDrift>,
    /// Every knock-out asked for (each names its digit, size and mode).
    pub knockouts: Vec<Knockout>,
    /// The model's accuracy on the test set.
    pub evaluation: Option<EvaluationKept>,
    /// What the drawn figures also depend on: [`figures_key`] of the config
    /// and the toy nets. The SVG texts below are kept only under it.
    pub figures_key: String,
    /// Figure id → its SVG text.
    pub svg: BTreeMap<String, String>,
}

/// `nn::Evaluation`, as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationKept {
    pub correct: usize,
    pub total: usize,
    pub per_digit: [(usize, usize); 10],
    pub predictions: Vec<Option<u8>>,
}

impl From<&Evaluation> for EvaluationKept {
    fn from(e: &Evaluation) -> Self {
        EvaluationKept {
            correct: e.correct,
            total: e.total,
            per_digit: e.per_digit,
            predictions: e.predictions.clone(),
        }
    }
}

impl From<EvaluationKept> for Evaluation {
    fn from(e: EvaluationKept) -> Self {
        Evaluation {
            correct: e.correct,
            total: e.total,
            per_digit: e.per_digit,
            predictions: e.predictions,
        }
    }
}

#[derive(Serialize)]
struct KeyMaterial<'a> {
    format: u32,
    kvlens: &'a str,
    executable: &'a str,
    model_key: &'a str,
    weights_sha256: &'a str,
    data: &'a DataHashes,
}

/// The hex key of the analyses of a model (its cache key and weights'
/// hash) on data with these hashes.
pub fn key(model_key: &str, weights_sha256: &str, data: &DataHashes) -> String {
    let material = KeyMaterial {
        format: FORMAT_VERSION,
        kvlens: env!("CARGO_PKG_VERSION"),
        executable: &executable(),
        model_key,
        weights_sha256,
        data,
    };
    hex_sha256(&serde_json::to_string(&material).unwrap_or_default())
}

/// The key of what figures depend on besides the model and the data: the
/// config (as each build sees it) and the toy nets.
pub fn figures_key(config: &Config, nets: &BTreeMap<String, ToyNet>) -> String {
    let json = serde_json::to_string(&(config, nets)).unwrap_or_default();
    hex_sha256(&json)
}

fn hex_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// This kvlens binary: its size and modification time. The package version
/// stays the same while kvlens is developed, and a rebuilt binary may
/// compute or draw differently, so its entries are its own.
fn executable() -> String {
    let stamp = std::env::current_exe()
        .and_then(std::fs::metadata)
        .and_then(|m| Ok((m.len(), m.modified()?)));
    match stamp {
        Ok((len, modified)) => {
            let since = modified
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            format!("{len}-{}.{:09}", since.as_secs(), since.subsec_nanos())
        }
        Err(_) => String::new(),
    }
}

/// Where the analyses with this key live.
pub fn path(cache_dir: &Path, key: &str) -> PathBuf {
    cache_dir
        .join(DIR)
        .join(format!("analyses-{}.json", &key[..key.len().min(24)]))
}

/// What [`load`] found.
#[derive(Debug)]
pub enum Loaded {
    Hit(Box<Stored>),
    /// No file yet.
    Miss,
    /// A file that cannot be used, and why (for the one-line note).
    Unusable(String),
}

/// Reads the entry for `key` at `path`.
pub fn load(path: &Path, key: &str) -> Loaded {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::Miss,
        Err(e) => return Loaded::Unusable(format!("cannot read it: {e}")),
    };
    match serde_json::from_slice::<Stored>(&bytes) {
        Ok(s) if s.format != FORMAT_VERSION => Loaded::Unusable(format!(
            "format {} (this kvlens writes {FORMAT_VERSION})",
            s.format
        )),
        Ok(s) if s.key != key => Loaded::Unusable("it belongs to another model".into()),
        Ok(s) => Loaded::Hit(Box::new(s)),
        Err(e) => Loaded::Unusable(format!("it does not parse ({e})")),
    }
}

/// Writes `stored` to `path` atomically (temporary file + rename).
pub fn save(path: &Path, stored: &Stored) -> Result<()> {
    let dir = path
        .parent()
        .context("internal error: the analyses cache path has no folder")?;
    crate::fsx::create_dir_all(dir)?;
    let json = serde_json::to_vec(stored).context("cannot serialise the analyses")?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".analyses-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    std::io::Write::write_all(&mut tmp, &json)
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(key: &str) -> Stored {
        let mut s = Stored {
            format: FORMAT_VERSION,
            key: key.into(),
            ..Stored::default()
        };
        s.drift = Some(KeyDrift {
            cosines: vec![0.1 + 0.2, 1.0 / 3.0, f64::MIN_POSITIVE, 1e300],
            median: 0.30000000000000004,
        });
        s
    }

    #[test]
    fn round_trips_bit_for_bit_and_rejects_what_it_cannot_use() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path(), "abc");
        assert!(matches!(load(&p, "abc"), Loaded::Miss));
        let s = stored("abc");
        save(&p, &s).unwrap();
        match load(&p, "abc") {
            Loaded::Hit(got) => {
                let (a, b) = (
                    &got.drift.as_ref().unwrap().cosines,
                    &s.drift.unwrap().cosines,
                );
                assert!(a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(load(&p, "abd"), Loaded::Unusable(r) if r.contains("another model")));
        std::fs::write(&p, b"{\"format\": 1, \"key\": \"abc\", trunc").unwrap();
        assert!(matches!(load(&p, "abc"), Loaded::Unusable(r) if r.contains("does not parse")));
        let only: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(only.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn the_key_changes_with_the_model_and_the_data() {
        let d = DataHashes {
            train_images: "a".into(),
            train_labels: "b".into(),
            test_images: "c".into(),
            test_labels: "d".into(),
        };
        let k = key("m", "w", &d);
        assert_ne!(k, key("m2", "w", &d));
        assert_ne!(k, key("m", "w2", &d));
        assert_eq!(k, key("m", "w", &d));
    }
}
