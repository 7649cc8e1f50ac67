//! `public/build-report.json`: what a build produced, for people and for CI.
//!
//! Deterministic by construction: no timings, dates, host names or absolute
//! paths; maps are structs or sorted; floats as computed (same bits → same text).

use crate::config::ModelConfig;
use crate::data::DataHashes;
use crate::kv::DecompositionCheck;
use crate::nn::{EpochStats, Evaluation};
use serde::Serialize;

/// Bump when fields change meaning or are removed.
pub const REPORT_VERSION: u32 = 5;

#[derive(Debug, Clone, Serialize)]
pub struct BuildReport {
    pub report_version: u32,
    pub kvlens_version: String,
    pub model: ModelReport,
    pub data: DataReport,
    pub accuracy: AccuracyReport,
    pub training: Vec<EpochReport>,
    pub decomposition: DecompositionCheck,
    /// Published course pages, in outline order.
    pub pages: Vec<String>,
    /// Published slide decks, with their timed sections.
    pub decks: Vec<DeckReport>,
    /// Exercise sheets: variants, exercises, every variant's final answers,
    /// and where the keys went.
    pub sheets: Vec<crate::sheets::pages::SheetReport>,
    /// The TA table (None without sheets), relative to where it is written.
    pub ta_table: Option<String>,
    /// The model downloads, the notebook (and its self-checks) and the
    /// explorer (its encoding, weight and, when quantised, its agreement
    /// with the trained model over the test set).
    pub hands_on: crate::handson::HandsOnReport,
    /// Every claim of the content, checked against this model.
    pub claims: Vec<crate::shortcodes::expand::ClaimRecord>,
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

#[derive(Debug, Clone, Serialize)]
pub struct EpochReport {
    pub epoch: usize,
    pub loss: f64,
    pub train_accuracy: f64,
    pub test_accuracy: f64,
}

impl From<&EpochStats> for EpochReport {
    fn from(e: &EpochStats) -> Self {
        EpochReport {
            epoch: e.epoch,
            loss: e.loss,
            train_accuracy: e.train_accuracy,
            test_accuracy: e.test_accuracy,
        }
    }
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

/// One slide deck as built.
#[derive(Debug, Clone, Serialize)]
pub struct DeckReport {
    /// Output path (`deck.html`).
    pub page: String,
    pub slides: usize,
    /// "90-minute track" when built with `--track 90`.
    pub track: Option<String>,
    /// Whether the track left out the deck's long parts.
    pub shortened: bool,
    pub planned_minutes: u32,
    pub sections: Vec<crate::deck::Section>,
}
