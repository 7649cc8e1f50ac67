//! The trained model as files a learner can load without kvlens: `.npz`
//! (numpy) or `.safetensors`, each beside a small JSON of what the arrays
//! are, the config, the test accuracy and the data's hashes.
//!
//! The `.npy` members are written here (a fixed 10-byte magic and a Python
//! dict literal padded to 64 bytes: less code than an adapter to
//! `ndarray-npy`, whose own `zip` would be a second version in the tree);
//! the archive is the `zip` crate's, stored (weights barely compress) with
//! the DOS epoch as every member's time, so two exports are byte-identical.

use crate::analysis::Prepared;
use crate::config::ModelConfig;
use crate::data::DataHashes;
use crate::nn::train::Trained;
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// File names of an export (and of the site's downloads).
pub const NPZ: &str = "kvlens-model.npz";
pub const SAFETENSORS: &str = "kvlens-model.safetensors";
pub const META: &str = "kvlens-model.json";
/// Version of the export's layout (arrays and JSON fields).
pub const FORMAT_VERSION: u32 = 1;

/// `kvlens export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Npz,
    Safetensors,
}

impl Format {
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Npz => NPZ,
            Format::Safetensors => SAFETENSORS,
        }
    }
}

/// One array of the export.
#[derive(Debug, Clone, Serialize)]
pub struct TensorInfo {
    pub shape: Vec<usize>,
    pub dtype: &'static str,
    pub meaning: &'static str,
}

/// The JSON beside the weights.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub format: &'static str,
    pub format_version: u32,
    pub kvlens_version: &'static str,
    pub architecture: String,
    /// How to run the arrays.
    pub forward: &'static str,
    pub tensors: std::collections::BTreeMap<&'static str, TensorInfo>,
    /// SHA-256 of w1, b1, w2, b2 (names, shapes as u64 LE, f32 LE data):
    /// the id of the model on the site and in the build report.
    pub weights_sha256: String,
    pub cache_key: String,
    /// The hyper-parameters, weight decay resolved.
    pub config: ModelConfig,
    pub test_accuracy: f64,
    pub test_correct: usize,
    pub test_total: usize,
    /// SHA-256 of the four decompressed MNIST files trained and tested on.
    pub data_sha256: DataHashes,
    /// Per epoch: loss and accuracies (no timings, so the file repeats).
    pub training: Vec<crate::model::EpochReport>,
}

/// The arrays in file order: (name, shape, little-endian f32 bytes).
fn arrays(t: &Trained) -> Vec<(String, Vec<usize>, Vec<u8>)> {
    let mut out = Vec::new();
    for (prefix, m) in [("", &t.model), ("init_", &t.init)] {
        for (name, shape, data) in crate::nn::cache::tensors(m) {
            out.push((format!("{prefix}{name}"), shape, data));
        }
    }
    out
}

/// The metadata of the prepared model.
pub fn meta(p: &Prepared) -> Meta {
    let m = p.model();
    let h = m.hidden();
    let mut config = p.config.model.clone();
    config.weight_decay = Some(config.effective_weight_decay());
    let mut tensors = std::collections::BTreeMap::new();
    let f32_info = |shape: Vec<usize>, meaning| TensorInfo {
        shape,
        dtype: "float32",
        meaning,
    };
    let i = crate::nn::mlp::INPUTS;
    let o = crate::nn::mlp::OUTPUTS;
    tensors.insert(
        "w1",
        f32_info(
            vec![h, i],
            "row i = key i: the weights neuron i compares with the 784 pixels (row-major 28×28)",
        ),
    );
    tensors.insert("b1", f32_info(vec![h], "b1[i] = the bias of key i"));
    tensors.insert(
        "w2",
        f32_info(
            vec![o, h],
            "column i = value i: neuron i's vote for each digit 0–9",
        ),
    );
    tensors.insert(
        "b2",
        f32_info(vec![o], "b2[d] = the output bias of digit d"),
    );
    tensors.insert(
        "init_w1",
        f32_info(vec![h, i], "w1 before training (seeded initialisation)"),
    );
    tensors.insert("init_b1", f32_info(vec![h], "b1 before training"));
    tensors.insert("init_w2", f32_info(vec![o, h], "w2 before training"));
    tensors.insert("init_b2", f32_info(vec![o], "b2 before training"));
    Meta {
        format: "kvlens-model",
        format_version: FORMAT_VERSION,
        kvlens_version: env!("CARGO_PKG_VERSION"),
        architecture: format!("{i} → {h} → {o}, ReLU on the hidden layer"),
        forward: "logits = w2 @ relu(w1 @ x + b1) + b2, with x = pixels / 255 (784 values, row-major 28×28); equivalently b2 + Σ_i relu(w1[i] @ x + b1[i]) * w2[:, i]",
        tensors,
        weights_sha256: p.weights_sha256.clone(),
        cache_key: p.run.key.clone(),
        config,
        test_accuracy: p.evaluation.accuracy(),
        test_correct: p.evaluation.correct,
        test_total: p.evaluation.total,
        data_sha256: p.dataset.hashes.clone(),
        training: p
            .run
            .trained
            .history
            .iter()
            .map(crate::model::EpochReport::from)
            .collect(),
    }
}

/// The metadata as pretty JSON with a final newline.
pub fn meta_json(meta: &Meta) -> Result<Vec<u8>> {
    let mut s = serde_json::to_string_pretty(meta).context("internal error: export metadata")?;
    s.push('\n');
    Ok(s.into_bytes())
}

/// One `.npy` file (format 1.0) of little-endian f32 data.
pub fn npy(shape: &[usize], data: &[u8]) -> Vec<u8> {
    let dims = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header =
        format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {dims}, }}").into_bytes();
    // Magic (6) + version (2) + length (2) + header + '\n', padded to 64.
    let unpadded = 10 + header.len() + 1;
    header.extend(std::iter::repeat_n(b' ', (64 - unpadded % 64) % 64));
    header.push(b'\n');
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend((header.len() as u16).to_le_bytes());
    out.extend(header);
    out.extend_from_slice(data);
    out
}

/// The weights and initial weights as a numpy `.npz`.
pub fn npz(t: &Trained) -> Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, shape, data) in arrays(t) {
        zip.start_file(format!("{name}.npy"), options)
            .context("cannot write the .npz")?;
        zip.write_all(&npy(&shape, &data))
            .context("cannot write the .npz")?;
    }
    Ok(zip.finish().context("cannot write the .npz")?.into_inner())
}

/// The weights and initial weights as `.safetensors`, with the metadata
/// JSON under the key `kvlens`.
pub fn safetensors(t: &Trained, meta: &Meta) -> Result<Vec<u8>> {
    let mut info = HashMap::new();
    info.insert(
        "kvlens".to_string(),
        serde_json::to_string(meta).context("internal error: export metadata")?,
    );
    crate::nn::cache::safetensors_bytes(&arrays(t), info)
}

/// What `kvlens export` wrote.
#[derive(Debug, Clone)]
pub struct Exported {
    pub files: Vec<(PathBuf, usize)>,
    pub meta: Meta,
}

/// `kvlens export`: the weights in `format` and the metadata JSON into `out`.
pub fn export(p: &Prepared, format: Format, out: &Path) -> Result<Exported> {
    crate::fsx::create_dir_all(out)?;
    let meta = meta(p);
    let weights = match format {
        Format::Npz => npz(&p.run.trained)?,
        Format::Safetensors => safetensors(&p.run.trained, &meta)?,
    };
    let json = meta_json(&meta)?;
    let mut files = Vec::new();
    for (name, bytes) in [(format.file_name(), weights), (META, json)] {
        let path = out.join(name);
        crate::fsx::write_atomic(&path, &bytes)?;
        files.push((path, bytes.len()));
    }
    Ok(Exported { files, meta })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_headers_are_padded_to_64_bytes_and_name_the_shape() {
        for (shape, dims) in [
            (vec![3usize], "(3,)"),
            (vec![2, 3], "(2, 3)"),
            (vec![256, 784], "(256, 784)"),
        ] {
            let n: usize = shape.iter().product();
            let f = npy(&shape, &vec![0u8; n * 4]);
            let header_len = u16::from_le_bytes([f[8], f[9]]) as usize;
            assert_eq!((10 + header_len) % 64, 0, "{shape:?}");
            assert_eq!(f.len(), 10 + header_len + n * 4);
            let header = std::str::from_utf8(&f[10..10 + header_len]).unwrap();
            assert!(header.ends_with('\n'));
            assert!(header.contains(&format!("'shape': {dims}")), "{header}");
        }
    }
}
