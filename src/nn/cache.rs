//! The model cache: trained weights (and the initial ones) as safetensors in
//! `$KVLENS_CACHE_DIR/models/`, one file per key.
//!
//! The key is the SHA-256 of a canonical JSON of the cache format version,
//! the model config (with defaults resolved) and the data hashes, so any
//! change that could change the weights selects another file. Files are
//! written atomically; a file that cannot be read back is reported and
//! ignored (the caller retrains), never trusted.

use super::mlp::{INPUTS, Mlp, OUTPUTS};
use super::train::{EpochStats, Trained};
use crate::config::ModelConfig;
use crate::data::DataHashes;
use anyhow::{Context, Result, bail, ensure};
use ndarray::{Array1, Array2};
use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Bump when the file layout or the training algorithm changes results.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct KeyMaterial<'a> {
    format: u32,
    hidden: usize,
    epochs: usize,
    batch_size: usize,
    learning_rate: f64,
    optimizer: crate::config::Optimizer,
    weight_decay: f64,
    loss: crate::config::Loss,
    train_images: usize,
    seed: u64,
    data: &'a DataHashes,
}

/// The hex cache key of a model config trained on data with these hashes.
pub fn key(cfg: &ModelConfig, data: &DataHashes) -> String {
    let material = KeyMaterial {
        format: FORMAT_VERSION,
        hidden: cfg.hidden,
        epochs: cfg.epochs,
        batch_size: cfg.batch_size,
        learning_rate: cfg.learning_rate,
        optimizer: cfg.optimizer,
        weight_decay: cfg.effective_weight_decay(),
        loss: cfg.loss,
        train_images: cfg.train_images,
        seed: cfg.seed,
        data,
    };
    let json = serde_json::to_string(&material).unwrap_or_default();
    hex(&Sha256::digest(json.as_bytes()))
}

/// Where the model with this key lives.
pub fn path(cache_dir: &Path, key: &str) -> PathBuf {
    cache_dir
        .join("models")
        .join(format!("mlp-{}.safetensors", &key[..key.len().min(24)]))
}

/// SHA-256 of the trained weights (w1, b1, w2, b2 as little-endian f32, with
/// their shapes): identifies the model in build reports and pages.
pub fn weights_hash(m: &Mlp) -> String {
    let mut h = Sha256::new();
    for (name, shape, data) in tensors(m) {
        h.update(name.as_bytes());
        for d in shape {
            h.update((d as u64).to_le_bytes());
        }
        h.update(&data);
    }
    hex(&h.finalize())
}

/// w1, b1, w2, b2 as (name, shape, little-endian f32 bytes).
pub(crate) fn tensors(m: &Mlp) -> [(&'static str, Vec<usize>, Vec<u8>); 4] {
    [
        (
            "w1",
            vec![m.w1.nrows(), m.w1.ncols()],
            le_bytes(m.w1.iter()),
        ),
        ("b1", vec![m.b1.len()], le_bytes(m.b1.iter())),
        (
            "w2",
            vec![m.w2.nrows(), m.w2.ncols()],
            le_bytes(m.w2.iter()),
        ),
        ("b2", vec![m.b2.len()], le_bytes(m.b2.iter())),
    ]
}

fn le_bytes<'a>(values: impl Iterator<Item = &'a f32>) -> Vec<u8> {
    values.flat_map(|v| v.to_le_bytes()).collect()
}

/// Serialises a trained model (weights, initial weights, history, config).
pub fn to_bytes(t: &Trained, cfg: &ModelConfig, data: &DataHashes) -> Result<Vec<u8>> {
    let mut owned: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (prefix, m) in [("", &t.model), ("init.", &t.init)] {
        for (name, shape, bytes) in tensors(m) {
            owned.push((format!("{prefix}{name}"), shape, bytes));
        }
    }
    let mut meta = HashMap::new();
    meta.insert("format".to_string(), FORMAT_VERSION.to_string());
    meta.insert("config".to_string(), serde_json::to_string(cfg)?);
    meta.insert("data".to_string(), serde_json::to_string(data)?);
    meta.insert("history".to_string(), serde_json::to_string(&t.history)?);
    safetensors_bytes(&owned, meta)
}

/// Named f32 tensors (shape, little-endian bytes) and string metadata as a
/// safetensors file.
pub(crate) fn safetensors_bytes(
    tensors: &[(String, Vec<usize>, Vec<u8>)],
    meta: HashMap<String, String>,
) -> Result<Vec<u8>> {
    let views = tensors
        .iter()
        .map(|(name, shape, bytes)| {
            Ok((
                name.clone(),
                TensorView::new(Dtype::F32, shape.clone(), bytes)?,
            ))
        })
        .collect::<Result<Vec<_>, safetensors::SafeTensorError>>()?;
    Ok(safetensors::serialize(views, Some(meta))?)
}

/// Reads a model written by [`to_bytes`], checking format, shapes and values.
pub fn from_bytes(bytes: &[u8], expected_hidden: usize) -> Result<Trained> {
    let st = SafeTensors::deserialize(bytes).context("not a valid safetensors file")?;
    let (_, meta) = SafeTensors::read_metadata(bytes).context("unreadable safetensors header")?;
    let meta = meta.metadata().clone().unwrap_or_default();
    let format = meta.get("format").map(String::as_str).unwrap_or("none");
    ensure!(
        format == FORMAT_VERSION.to_string(),
        "cache format {format}, expected {FORMAT_VERSION}"
    );
    let history: Vec<EpochStats> =
        serde_json::from_str(meta.get("history").map(String::as_str).unwrap_or(""))
            .context("missing or unreadable training history")?;
    let read = |prefix: &str| -> Result<Mlp> {
        let h = expected_hidden;
        Ok(Mlp {
            w1: Array2::from_shape_vec(
                (h, INPUTS),
                floats(&st, &format!("{prefix}w1"), &[h, INPUTS])?,
            )?,
            b1: Array1::from(floats(&st, &format!("{prefix}b1"), &[h])?),
            w2: Array2::from_shape_vec(
                (OUTPUTS, h),
                floats(&st, &format!("{prefix}w2"), &[OUTPUTS, h])?,
            )?,
            b2: Array1::from(floats(&st, &format!("{prefix}b2"), &[OUTPUTS])?),
        })
    };
    Ok(Trained {
        model: read("")?,
        init: read("init.")?,
        history,
    })
}

fn floats(st: &SafeTensors, name: &str, shape: &[usize]) -> Result<Vec<f32>> {
    let t = st
        .tensor(name)
        .with_context(|| format!("tensor `{name}` is missing"))?;
    ensure!(
        t.dtype() == Dtype::F32,
        "tensor `{name}` is {:?}, expected F32",
        t.dtype()
    );
    ensure!(
        t.shape() == shape,
        "tensor `{name}` has shape {:?}, expected {:?}",
        t.shape(),
        shape
    );
    let v: Vec<f32> = t
        .data()
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    if v.iter().any(|x| !x.is_finite()) {
        bail!("tensor `{name}` holds a NaN or infinite value");
    }
    Ok(v)
}

/// Loads the cached model at `path`: `Ok(None)` when there is none,
/// `Err` when a file is there but unusable (the caller warns and retrains).
pub fn load(path: &Path, expected_hidden: usize) -> Result<Option<Trained>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    from_bytes(&bytes, expected_hidden)
        .map(Some)
        .with_context(|| format!("cached model {} is unusable", path.display()))
}

/// Writes the model atomically (temp file, then rename).
pub fn save(path: &Path, t: &Trained, cfg: &ModelConfig, data: &DataHashes) -> Result<()> {
    crate::fsx::write_atomic(path, &to_bytes(t, cfg, data)?)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Loss;
    use rand::SeedableRng;

    fn hashes() -> DataHashes {
        DataHashes {
            train_images: "a".into(),
            train_labels: "b".into(),
            test_images: "c".into(),
            test_labels: "d".into(),
        }
    }

    fn trained() -> Trained {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let init = Mlp::init(5, &mut rng);
        let model = Mlp::init(5, &mut rng);
        let history = vec![EpochStats {
            epoch: 1,
            loss: 0.947_332_808_195_302_9,
            train_accuracy: 0.816_666_666_666_666_7,
            test_accuracy: 0.1 + 0.2,
            seconds: 1.25,
        }];
        Trained {
            model,
            init,
            history,
        }
    }

    #[test]
    fn round_trips_weights_init_and_history() {
        let t = trained();
        let cfg = ModelConfig {
            hidden: 5,
            ..ModelConfig::default()
        };
        let back = from_bytes(&to_bytes(&t, &cfg, &hashes()).unwrap(), 5).unwrap();
        assert_eq!(back.model, t.model);
        assert_eq!(back.init, t.init);
        assert_eq!(back.history, t.history);
        assert!(from_bytes(&to_bytes(&t, &cfg, &hashes()).unwrap(), 6).is_err());
    }

    #[test]
    fn corrupt_bytes_are_errors_not_panics() {
        let t = trained();
        let bytes = to_bytes(&t, &ModelConfig::default(), &hashes()).unwrap();
        for cut in [0, 7, 8, 100, bytes.len() / 2, bytes.len() - 1] {
            assert!(from_bytes(&bytes[..cut], 5).is_err(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        flipped[10] ^= 0xff;
        assert!(from_bytes(&flipped, 5).is_err());
    }

    #[test]
    fn key_changes_with_every_setting_and_the_data() {
        let base = ModelConfig::default();
        let k = key(&base, &hashes());
        assert_eq!(k, key(&base.clone(), &hashes()));
        let variants = [
            ModelConfig {
                hidden: 64,
                ..base.clone()
            },
            ModelConfig {
                epochs: 2,
                ..base.clone()
            },
            ModelConfig {
                seed: 1,
                ..base.clone()
            },
            ModelConfig {
                loss: Loss::Mse,
                ..base.clone()
            },
            ModelConfig {
                weight_decay: Some(0.1),
                ..base.clone()
            },
            ModelConfig {
                learning_rate: 0.002,
                ..base.clone()
            },
        ];
        for v in variants {
            assert_ne!(key(&v, &hashes()), k, "{v:?}");
        }
        let mut other = hashes();
        other.test_labels = "e".into();
        assert_ne!(key(&base, &other), k);
        // An explicit value equal to the default is the same model.
        assert_eq!(
            key(
                &ModelConfig {
                    weight_decay: Some(0.0),
                    ..base.clone()
                },
                &hashes()
            ),
            k
        );
    }
}
