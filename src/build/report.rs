//! `public/build-report.json`: what a build produced, for people and for CI.
//!
//! Deterministic by construction: no timings, dates, host names or absolute
//! paths; maps are structs or sorted; floats as computed (same bits → same text).

use crate::config::ModelConfig;
use crate::data::DataHashes;
use crate::embeds::ClaimRecord;
use crate::kv::DecompositionCheck;
use crate::model::EpochReport;
use crate::nn::Evaluation;
use crate::product::Sections;
use serde::Serialize;

/// Bump when fields change meaning or are removed.
pub const REPORT_VERSION: u32 = 5;

#[derive(Debug, Serialize)]
pub struct BuildReport {
    pub report_version: u32,
    pub kvlens_version: String,
    pub model: ModelReport,
    pub data: DataReport,
    pub accuracy: AccuracyReport,
    pub training: Vec<EpochReport>,
    pub decomposition: DecompositionCheck,
    /// Each product's sections, in registration order: `pages` (the
    /// course, in outline order), `decks` (with their timed sections),
    /// `sheets` and `ta_table` (variants, every variant's final answers,
    /// where the keys went), `hands_on` (downloads, the notebook and its
    /// self-checks, the explorer's encoding and weight).
    #[serde(flatten)]
    pub products: Sections,
    /// Every claim of the content, checked against this model.
    pub claims: Vec<ClaimRecord>,
    /// Every file written under public/, sorted (the report itself included).
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModelReport {
    /// Cache key (SHA-256 of config + data hashes + format version).
    pub cache_key: String,
    /// SHA-256 of the trained weights.
    pub weights_sha256: String,
    pub parameters: usize,
    /// The hyper-parameters, with weight decay resolved.
    pub config: ModelConfig,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataReport {
    pub sha256: DataHashes,
    pub train_images: usize,
    pub test_images: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccuracyReport {
    /// Test-set accuracy as a fraction.
    pub test: f64,
    pub test_correct: usize,
    pub test_total: usize,
    pub per_digit: Vec<DigitAccuracy>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DigitAccuracy {
    pub digit: u8,
    pub correct: usize,
    pub total: usize,
    pub accuracy: f64,
}

impl AccuracyReport {
    pub fn from_evaluation(e: &Evaluation) -> Self {
        AccuracyReport {
            test: e.accuracy(),
            test_correct: e.correct,
            test_total: e.total,
            per_digit: (0..10u8)
                .map(|d| {
                    let (correct, total) = e.per_digit[usize::from(d)];
                    DigitAccuracy {
                        digit: d,
                        correct,
                        total,
                        accuracy: e.digit_accuracy(usize::from(d)),
                    }
                })
                .collect(),
        }
    }
}

impl BuildReport {
    /// The report of a build of `p`: the model's parts, the products'
    /// sections, the claims and every file written.
    pub fn new(
        p: &crate::analysis::Prepared,
        products: Sections,
        claims: Vec<ClaimRecord>,
        files: Vec<String>,
    ) -> BuildReport {
        let mut resolved = p.config.model.clone();
        resolved.weight_decay = Some(p.config.model.effective_weight_decay());
        BuildReport {
            report_version: REPORT_VERSION,
            kvlens_version: env!("CARGO_PKG_VERSION").to_string(),
            model: ModelReport {
                cache_key: p.run.key.clone(),
                weights_sha256: p.weights_sha256.clone(),
                parameters: p.model().parameter_count(),
                config: resolved,
            },
            data: DataReport {
                sha256: p.dataset.hashes.clone(),
                train_images: p.dataset.train.len(),
                test_images: p.dataset.test.len(),
            },
            accuracy: AccuracyReport::from_evaluation(&p.evaluation),
            training: p
                .run
                .trained
                .history
                .iter()
                .map(EpochReport::from)
                .collect(),
            decomposition: p.decomposition.clone(),
            products,
            claims,
            files,
        }
    }
}

/// The instructor's copy of the report: every section, the answers
/// included (`instructor/build-report.json`).
pub const INSTRUCTOR_REPORT: &str = "instructor/build-report.json";

/// The build report as files: `public/build-report.json` and the
/// instructor's full copy ([`INSTRUCTOR_REPORT`]). Unless the keys are
/// published, the public one leaves out what only the instructor may read:
/// every sheet exercise's final answers and the facilitator guide.
pub fn files(
    report: &BuildReport,
    publish_keys: bool,
) -> anyhow::Result<(crate::output::OutputFile, crate::output::OutputFile)> {
    let full =
        serde_json::to_value(report).map_err(|e| anyhow::anyhow!("internal error: report: {e}"))?;
    let mut public = full.clone();
    if !publish_keys {
        redact(&mut public);
    }
    Ok((
        crate::output::OutputFile::new(super::REPORT_FILE, pretty(&public)?),
        crate::output::OutputFile::new(INSTRUCTOR_REPORT, pretty(&full)?),
    ))
}

/// Removes the instructor's parts from a report (as JSON).
fn redact(report: &mut serde_json::Value) {
    if let Some(map) = report.as_object_mut() {
        map.remove("guide");
    }
    if let Some(sheets) = report.get_mut("sheets").and_then(|s| s.as_array_mut()) {
        for sheet in sheets {
            if let Some(exercises) = sheet.get_mut("exercises").and_then(|e| e.as_array_mut()) {
                for e in exercises.iter_mut().filter_map(|e| e.as_object_mut()) {
                    e.remove("answers");
                }
            }
        }
    }
}

fn pretty(v: &serde_json::Value) -> anyhow::Result<String> {
    let mut json = serde_json::to_string_pretty(v)
        .map_err(|e| anyhow::anyhow!("internal error: report: {e}"))?;
    json.push('\n');
    Ok(json)
}
