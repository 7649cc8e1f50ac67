//! The draw-a-digit explorer's data: the workshop's model as a classic
//! script (`explorer/model.js`, a `window.KVLENS_MODEL` literal, so the page
//! works from file:// with no fetch), the test digits one can start from,
//! and test vectors (images with the logits and top pairs the Rust analyses
//! give) that the browser tests run through the page's code.
//!
//! The script's numbers are one packed text ([`pack`]): the float32 arrays
//! (w1, b1, w2, b2) in four byte planes, then the starting digits' pixels,
//! compressed with zlib and written as Z85. `packed` in the script names the
//! format, the lengths before and after compression and the layout (each
//! array's name and count, in order); the page unpacks it with the
//! browser's `DecompressionStream` and gets the same float32s bit for bit.
//! For the default 784-256-10 model this keeps the page under 1 MB.
//!
//! Size: when the page with its script, style and model would weigh more
//! than `[hands_on] explorer_max_bytes`, W1 is stored as int8 with one f32
//! scale per row (weight = q · scale, rounded to f32 as in Rust), packed the
//! same way (the scales join the float32s, the int8s the bytes); the build
//! report then says how many of the test predictions the quantised model
//! shares with the real one. The other arrays are small and stay f32.

use super::pack;
use crate::analysis::Prepared;
use crate::kv::image::{DIGITS, analyse};
use crate::nn::Mlp;
use anyhow::{Context, Result};
use serde::Serialize;

/// Output paths (below `public/`).
pub const MODEL_JS: &str = "explorer/model.js";
pub const VECTORS: &str = "explorer/test-vectors.json";
/// Theme files the page loads besides the site's own.
pub const THEME_FILES: [&str; 2] = ["theme/explorer.js", "theme/explorer.css"];
/// The template of a `kind = "explorer"` document.
pub const TEMPLATE: &str = "explorer.html";
/// Correctly read test digits per class offered as starting points, and
/// misread ones.
const STARTERS_PER_DIGIT: usize = 2;
const STARTER_MISTAKES: usize = 5;
/// Top pairs recorded per test vector.
const VECTOR_TOP: usize = 5;
/// The model script's format; the page reads this version only.
const SCRIPT_VERSION: u32 = 2;

/// How W1 is stored in the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    #[default]
    F32,
    Int8,
}

/// A test digit the page can start from.
#[derive(Debug, Clone, Serialize)]
pub struct Starter {
    /// Position in `KVLENS_MODEL.digits`.
    pub position: usize,
    /// Index in the MNIST test set.
    pub index: usize,
    pub label: u8,
    /// The model's reading (None on a tie).
    pub predicted: Option<u8>,
}

/// How far the quantised model is from the real one on the test set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Test images whose prediction is the same with both models.
    pub agree: usize,
    pub of: usize,
    /// Largest |logit difference| over the test set.
    pub max_logit_diff: f64,
}

/// One encoding of the model for the page, with its test vectors.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub encoding: Encoding,
    pub script: Vec<u8>,
    pub vectors: Vec<u8>,
    pub vector_count: usize,
    pub agreement: Option<Agreement>,
    /// The test digits in the script, for the page's list.
    pub starters: Vec<Starter>,
}

/// W1 as int8 per row with f32 scales (max |w| ↦ 127), and the model the
/// page computes with (W1 dequantised in f32, the rest as trained).
pub fn quantise(m: &Mlp) -> (Vec<i8>, Vec<f32>, Mlp) {
    let mut q = Vec::with_capacity(m.w1.len());
    let mut scales = Vec::with_capacity(m.hidden());
    let mut deq = m.clone();
    for (i, row) in m.w1.rows().into_iter().enumerate() {
        let max = row.iter().fold(0.0f32, |a, w| a.max(w.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 0.0 };
        scales.push(scale);
        for (p, &w) in row.iter().enumerate() {
            let v = if scale > 0.0 {
                (w / scale).round().clamp(-127.0, 127.0) as i8
            } else {
                0
            };
            q.push(v);
            deq.w1[[i, p]] = f32::from(v) * scale;
        }
    }
    (q, scales, deq)
}

/// The test digits offered on the page: the first correctly read images of
/// each digit, then the first misread ones.
pub fn starters(p: &Prepared) -> Vec<Starter> {
    let test = &p.dataset.test;
    let preds = &p.evaluation.predictions;
    let mut picked: Vec<usize> = Vec::new();
    for d in 0..DIGITS as u8 {
        picked.extend(
            (0..test.len())
                .filter(|&i| test.labels[i] == d && preds.get(i) == Some(&Some(d)))
                .take(STARTERS_PER_DIGIT),
        );
    }
    picked.extend(
        (0..test.len())
            .filter(|&i| preds.get(i).copied().flatten() != Some(test.labels[i]))
            .take(STARTER_MISTAKES),
    );
    picked
        .into_iter()
        .enumerate()
        .map(|(position, index)| Starter {
            position,
            index,
            label: test.labels[index],
            predicted: preds.get(index).copied().flatten(),
        })
        .collect()
}

#[derive(Serialize)]
struct ScriptDigit {
    index: usize,
    label: u8,
}

/// The model's numbers, packed ([`pack`]).
#[derive(Debug, Serialize)]
struct ScriptPacked {
    format: &'static str,
    /// Bytes before compression.
    length: usize,
    /// Bytes after compression (before padding to a multiple of 4).
    deflated: usize,
    /// The float32 arrays, in order: (name, count).
    floats: Vec<(&'static str, usize)>,
    /// Then the byte arrays: (name, count).
    bytes: Vec<(&'static str, usize)>,
    z85: String,
}

#[derive(Serialize)]
struct Script<'a> {
    version: u32,
    hidden: usize,
    inputs: usize,
    outputs: usize,
    encoding: Encoding,
    model_sha256: &'a str,
    test_accuracy: f64,
    /// The starting digits; their pixels are `digits` in `packed.bytes`.
    digits: Vec<ScriptDigit>,
    packed: ScriptPacked,
}

/// Arrays by name, in the order they are packed.
type Named<'a, T> = Vec<(&'static str, &'a [T])>;

/// The model's arrays and the digits' pixels (784 bytes each, in order),
/// packed. f32: w1, b1, w2, b2 as float32s. int8 (`int8` = the quantised
/// W1 and its row scales): w1_scale, b1, w2, b2 as float32s, then w1 as
/// one byte per weight (two's complement).
fn model_data(m: &Mlp, int8: Option<(&[i8], &[f32])>, digits: &[u8]) -> Result<ScriptPacked> {
    let w1: Vec<f32> = m.w1.iter().copied().collect();
    let b1: Vec<f32> = m.b1.iter().copied().collect();
    let w2: Vec<f32> = m.w2.iter().copied().collect();
    let b2: Vec<f32> = m.b2.iter().copied().collect();
    let q: Vec<u8>;
    let (floats, bytes): (Named<f32>, Named<u8>) = match int8 {
        None => (
            vec![("w1", &w1), ("b1", &b1), ("w2", &w2), ("b2", &b2)],
            vec![("digits", digits)],
        ),
        Some((quantised, scales)) => {
            q = quantised.iter().map(|&v| v.to_le_bytes()[0]).collect();
            (
                vec![("w1_scale", scales), ("b1", &b1), ("w2", &w2), ("b2", &b2)],
                vec![("w1", &q), ("digits", digits)],
            )
        }
    };
    let all_floats: Vec<f32> = floats.iter().flat_map(|(_, v)| v.iter().copied()).collect();
    let all_bytes: Vec<u8> = bytes.iter().flat_map(|(_, v)| v.iter().copied()).collect();
    let packed = pack::pack(&all_floats, &all_bytes)?;
    Ok(ScriptPacked {
        format: pack::FORMAT,
        length: packed.length,
        deflated: packed.deflated,
        floats: floats.iter().map(|(n, v)| (*n, v.len())).collect(),
        bytes: bytes.iter().map(|(n, v)| (*n, v.len())).collect(),
        z85: packed.z85,
    })
}

#[derive(Serialize)]
struct Vector {
    name: String,
    pixels: Vec<u8>,
    /// The page's model (quantised when the page is).
    logits: [f64; DIGITS],
    prediction: Option<usize>,
    top: usize,
    runner_up: usize,
    active: usize,
    top_pairs: Vec<usize>,
    settles_at: usize,
    /// The trained f32 model's logits (differs from `logits` only when quantised).
    logits_f32: [f64; DIGITS],
}

#[derive(Serialize)]
struct Vectors<'a> {
    encoding: Encoding,
    model_sha256: &'a str,
    /// |JS − Rust| allowed per logit for the page's model.
    tolerance: f64,
    vectors: Vec<Vector>,
}

/// The model script and test vectors in `encoding`.
pub fn encode(p: &Prepared, encoding: Encoding) -> Result<Encoded> {
    let m = p.model();
    let starters = starters(p);
    let test = &p.dataset.test;
    let pixels: Vec<u8> = starters
        .iter()
        .flat_map(|s| test.image(s.index).iter().copied())
        .collect();
    let (packed, page_model, agreement) = match encoding {
        Encoding::F32 => (model_data(m, None, &pixels)?, None, None),
        Encoding::Int8 => {
            let (q, scales, deq) = quantise(m);
            let agreement = agreement(p, &deq);
            (
                model_data(m, Some((&q, &scales)), &pixels)?,
                Some(deq),
                Some(agreement),
            )
        }
    };
    let page_model = page_model.as_ref().unwrap_or(m);
    let script = Script {
        version: SCRIPT_VERSION,
        hidden: m.hidden(),
        inputs: crate::nn::mlp::INPUTS,
        outputs: crate::nn::mlp::OUTPUTS,
        encoding,
        model_sha256: &p.weights_sha256,
        test_accuracy: p.evaluation.accuracy(),
        digits: starters
            .iter()
            .map(|s| ScriptDigit {
                index: s.index,
                label: s.label,
            })
            .collect(),
        packed,
    };
    let mut js = String::from(
        "/* The workshop's model for the draw-a-digit explorer, written by kvlens. */\nwindow.KVLENS_MODEL = ",
    );
    js.push_str(&serde_json::to_string(&script).context("internal error: model script")?);
    js.push_str(";\n");

    // Test vectors: every starter, the blank image, and two keys as inputs.
    let mut inputs: Vec<(String, Vec<u8>)> = starters
        .iter()
        .map(|s| (format!("test:{}", s.index), test.image(s.index).to_vec()))
        .collect();
    inputs.push(("blank".into(), vec![0; crate::data::PIXELS]));
    for pair in [0, m.hidden() / 2] {
        if let Some(k) = crate::kv::linear::key_input(m, pair) {
            inputs.push((format!("key:{pair}"), k.pixels));
        }
    }
    let vectors: Vec<Vector> = inputs
        .into_iter()
        .map(|(name, pixels)| {
            let a = analyse(page_model, &pixels, None);
            let logits_f32 = if encoding == Encoding::F32 {
                a.logits
            } else {
                analyse(m, &pixels, None).logits
            };
            Vector {
                name,
                logits: a.logits,
                prediction: a.prediction.digit(),
                top: a.top,
                runner_up: a.runner_up,
                active: a.active,
                top_pairs: a
                    .by_decision
                    .order
                    .iter()
                    .take(VECTOR_TOP)
                    .copied()
                    .collect(),
                settles_at: a.by_decision.settles_at,
                logits_f32,
                pixels,
            }
        })
        .collect();
    let vector_count = vectors.len();
    let vjson = crate::figures::data::json_text(
        &serde_json::to_value(Vectors {
            encoding,
            model_sha256: &p.weights_sha256,
            tolerance: 1e-4,
            vectors,
        })
        .context("internal error: test vectors")?,
    );
    Ok(Encoded {
        encoding,
        script: js.into_bytes(),
        vectors: vjson.into_bytes(),
        vector_count,
        agreement,
        starters,
    })
}

/// Predictions of the quantised model against the trained one on the test set.
fn agreement(p: &Prepared, deq: &Mlp) -> Agreement {
    let real = crate::kv::population::activations(p.model(), &p.dataset.test);
    let quant = crate::kv::population::activations(deq, &p.dataset.test);
    let mut agree = 0;
    let mut max_logit_diff = 0.0f64;
    for (a, b) in real.logits.rows().into_iter().zip(quant.logits.rows()) {
        let pa = a.as_slice().and_then(crate::nn::argmax_unique);
        let pb = b.as_slice().and_then(crate::nn::argmax_unique);
        if pa == pb {
            agree += 1;
        }
        for (x, y) in a.iter().zip(b.iter()) {
            max_logit_diff = max_logit_diff.max(f64::from((x - y).abs()));
        }
    }
    Agreement {
        agree,
        of: real.labels.len(),
        max_logit_diff,
    }
}

/// The page's entry in the build report.
#[derive(Debug, Clone, Serialize)]
pub struct ExplorerReport {
    pub page: String,
    pub model_script: String,
    pub test_vectors: String,
    pub vectors: usize,
    pub encoding: Encoding,
    /// Page + its script and style + the model script.
    pub bytes: usize,
    pub max_bytes: u64,
    /// Only when quantised: the quantised model's test predictions against
    /// the trained model's.
    pub agreement: Option<Agreement>,
}

/// The template's context.
#[derive(Serialize)]
pub struct PageContext<'a> {
    pub root: String,
    pub site_title: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub intro: String,
    pub model_script: String,
    pub hidden: usize,
    pub encoding: Encoding,
    pub model_sha: String,
    pub test_accuracy: String,
    pub digits: Vec<Starter>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng as _;

    fn bits(v: impl IntoIterator<Item = f32>) -> Vec<u32> {
        v.into_iter().map(f32::to_bits).collect()
    }

    type Arrays<T> = Vec<(&'static str, Vec<T>)>;

    /// Unpacks `d` as the page does: the arrays by name, in the layout's order.
    fn unpack(d: &ScriptPacked) -> (Arrays<f32>, Arrays<u8>) {
        assert_eq!(d.format, pack::FORMAT);
        let nf: usize = d.floats.iter().map(|(_, n)| n).sum();
        let nb: usize = d.bytes.iter().map(|(_, n)| n).sum();
        let p = pack::Packed {
            length: d.length,
            deflated: d.deflated,
            z85: d.z85.clone(),
        };
        let (mut floats, mut bytes) = pack::unpack(&p, nf, nb).unwrap();
        let mut f = Vec::new();
        for &(name, n) in &d.floats {
            let rest = floats.split_off(n);
            f.push((name, std::mem::replace(&mut floats, rest)));
        }
        let mut b = Vec::new();
        for &(name, n) in &d.bytes {
            let rest = bytes.split_off(n);
            b.push((name, std::mem::replace(&mut bytes, rest)));
        }
        (f, b)
    }

    fn digits(n: usize) -> Vec<u8> {
        (0..n * crate::data::PIXELS)
            .map(|i| if i % 7 < 3 { (i % 251) as u8 } else { 0 })
            .collect()
    }

    #[test]
    fn the_packed_f32_model_gives_every_weight_and_pixel_back_bit_for_bit() {
        let mut m = Mlp::init(32, &mut rand_chacha::ChaCha8Rng::seed_from_u64(7));
        m.b1[3] = -0.0;
        m.b2[1] = 0.125;
        let px = digits(3);
        let d = model_data(&m, None, &px).unwrap();
        let names = |v: &[(&str, usize)]| v.iter().map(|(n, _)| n.to_string()).collect::<Vec<_>>();
        assert_eq!(names(&d.floats), ["w1", "b1", "w2", "b2"]);
        assert_eq!(names(&d.bytes), ["digits"]);
        let (f, b) = unpack(&d);
        assert_eq!(bits(f[0].1.clone()), bits(m.w1.iter().copied()));
        assert_eq!(bits(f[1].1.clone()), bits(m.b1.iter().copied()));
        assert_eq!(bits(f[2].1.clone()), bits(m.w2.iter().copied()));
        assert_eq!(bits(f[3].1.clone()), bits(m.b2.iter().copied()));
        assert_eq!(b[0].1, px);
        // Deterministic.
        assert_eq!(model_data(&m, None, &px).unwrap().z85, d.z85);
    }

    #[test]
    fn the_packed_int8_model_gives_the_quantised_weights_back() {
        let m = crate::kv::testnet::net();
        let (q, scales, deq) = quantise(&m);
        let d = model_data(&m, Some((&q, &scales)), &digits(2)).unwrap();
        let (f, b) = unpack(&d);
        assert_eq!(f[0].0, "w1_scale");
        assert_eq!(bits(f[0].1.clone()), bits(scales.iter().copied()));
        assert_eq!(b[0].0, "w1");
        assert_eq!(b[0].1.len(), m.w1.len());
        // w1 = q · scale per row, as the page computes it, is the page's model.
        let h = m.hidden();
        let w1: Vec<f32> = (0..h * crate::data::PIXELS)
            .map(|i| f32::from(i8::from_le_bytes([b[0].1[i]])) * f[0].1[i / crate::data::PIXELS])
            .collect();
        assert_eq!(bits(w1), bits(deq.w1.iter().copied()));
        assert_eq!(bits(f[2].1.clone()), bits(m.w2.iter().copied()));
        assert_eq!(b[1].1, digits(2));
    }

    #[test]
    fn the_default_sized_model_packs_smaller_than_its_floats_as_base64() {
        // He-initialised 784-256-10 weights spread over exponents as trained
        // ones do; the real model's page is measured in bench/README.md.
        // Packed, the text is about 78 % of the float32s as base64; without
        // the byte planes it would be about 86 %.
        let m = Mlp::init(256, &mut rand_chacha::ChaCha8Rng::seed_from_u64(1));
        let d = model_data(&m, None, &digits(25)).unwrap();
        let floats = m.w1.len() + m.b1.len() + m.w2.len() + m.b2.len();
        let base64 = (4 * floats).div_ceil(3) * 4;
        assert!(
            d.z85.len() * 100 < base64 * 82,
            "packed {} characters, the floats as base64 {base64}",
            d.z85.len()
        );
    }

    #[test]
    fn quantised_rows_keep_their_largest_weight_and_stay_within_half_a_step() {
        let m = crate::kv::testnet::net();
        let (q, scales, deq) = quantise(&m);
        for (i, row) in m.w1.rows().into_iter().enumerate() {
            let s = scales[i];
            for (p, &w) in row.iter().enumerate() {
                assert!((deq.w1[[i, p]] - w).abs() <= s / 2.0 + 1e-7, "{i},{p}");
                assert_eq!(deq.w1[[i, p]], f32::from(q[i * row.len() + p]) * s);
            }
            let max = row.iter().fold(0.0f32, |a, w| a.max(w.abs()));
            assert!(
                q[i * row.len()..(i + 1) * row.len()]
                    .iter()
                    .any(|v| v.unsigned_abs() == 127)
                    || max == 0.0
            );
        }
        assert_eq!(deq.w2, m.w2);
        assert_eq!(deq.b1, m.b1);
    }
}
