//! The model stage: reuse the cached network for this config and data, or
//! train one (with progress on stderr) and cache it.

use crate::config::ModelConfig;
use crate::data::Dataset;
use crate::nn::{self, EpochStats, Observer, Trained, cache};
use crate::num::{fixed, percent};
use crate::ui::Ui;
use anyhow::Result;
use indicatif::ProgressBar;
use std::path::{Path, PathBuf};

/// How the model was obtained (for status lines and the serve loop; never
/// written into public/).
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Cached,
    Trained,
    /// A cache file existed but could not be used; the reason is kept.
    Retrained {
        reason: String,
    },
}

#[derive(Debug, Clone)]
pub struct ModelRun {
    pub trained: Trained,
    pub origin: Origin,
    pub key: String,
    pub path: PathBuf,
}

/// Loads the model for `cfg` from the cache, or trains and caches it.
/// `force` retrains even when a cached model exists.
pub fn obtain(
    cache_dir: &Path,
    cfg: &ModelConfig,
    data: &Dataset,
    force: bool,
    ui: &Ui,
) -> Result<ModelRun> {
    let key = cache::key(cfg, &data.hashes);
    let path = cache::path(cache_dir, &key);
    let mut origin = Origin::Trained;
    if !force {
        match cache::load(&path, cfg.hidden) {
            Ok(Some(trained)) => {
                return Ok(ModelRun {
                    trained,
                    origin: Origin::Cached,
                    key,
                    path,
                });
            }
            Ok(None) => {}
            Err(e) => {
                let reason = format!("{e:#}");
                eprintln!("warning: {reason}; training a new model");
                origin = Origin::Retrained { reason };
            }
        }
    }
    ui.status(&format!(
        "training 784-{}-10 on {} images for {} epochs ({:?}, {:?}, batch {}, lr {})",
        cfg.hidden,
        cfg.train_images,
        cfg.epochs,
        cfg.loss,
        cfg.optimizer,
        cfg.batch_size,
        cfg.learning_rate
    ));
    let mut progress = TrainProgress {
        ui,
        epochs: cfg.epochs,
        bar: None,
    };
    let trained = nn::train(&data.train, &data.test, cfg, &mut progress)?;
    cache::save(&path, &trained, cfg, &data.hashes)?;
    Ok(ModelRun {
        trained,
        origin,
        key,
        path,
    })
}

struct TrainProgress<'a> {
    ui: &'a Ui,
    epochs: usize,
    bar: Option<ProgressBar>,
}

impl Observer for TrainProgress<'_> {
    fn epoch_started(&mut self, epoch: usize, steps: usize) {
        self.bar = Some(
            self.ui
                .bar(steps as u64, &format!("epoch {epoch}/{}", self.epochs)),
        );
    }
    fn step(&mut self, _epoch: usize, step: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(step as u64);
        }
    }
    fn epoch_finished(&mut self, s: &EpochStats) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        // Epoch lines print even with --quiet: they are the result of `train`.
        eprintln!(
            "epoch {:>3}/{}  loss {}  train {} %  test {} %  {} s",
            s.epoch,
            self.epochs,
            fixed(s.loss, 4),
            percent(s.train_accuracy, 2),
            percent(s.test_accuracy, 2),
            fixed(s.seconds, 2)
        );
    }
    fn interrupted(&self) -> bool {
        self.ui.interrupted()
    }
}

/// One epoch of training, as the build report and the model export show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EpochReport {
    pub epoch: usize,
    pub loss: f64,
    pub train_accuracy: f64,
    pub test_accuracy: f64,
}

impl From<&crate::nn::EpochStats> for EpochReport {
    fn from(e: &EpochStats) -> Self {
        EpochReport {
            epoch: e.epoch,
            loss: e.loss,
            train_accuracy: e.train_accuracy,
            test_accuracy: e.test_accuracy,
        }
    }
}
