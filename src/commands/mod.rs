//! The commands besides `build`, `check` and `serve`: each reads the
//! session and the analyses it needs and returns what it made or found
//! (main.rs prints it).

pub mod explain;
pub(crate) mod figures;
pub mod knockout;

use crate::session::{Session, load_config, load_data};
use anyhow::Result;
use std::path::Path;

/// `kvlens train`: make sure the model for the config is trained and cached.
pub fn train(s: &Session, force: bool) -> Result<crate::model::ModelRun> {
    let cfg = load_config(&s.root)?;
    let (dataset, _) = load_data(s, &cfg)?;
    crate::model::obtain(&s.cache_dir, &cfg.model, &dataset, force, &s.ui)
}

/// `kvlens export`: the cached (or freshly trained) model as files.
pub fn export(
    s: &Session,
    format: crate::handson::export::Format,
    out: &Path,
) -> Result<crate::handson::export::Exported> {
    let prepared = crate::analysis::Prepared::load(s)?;
    crate::handson::export::export(&prepared, format, out)
}
