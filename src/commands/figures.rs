//! `kvlens figures`: every figure the workshop uses, written as files for
//! reuse in other slides.

use crate::figure_files;
use crate::session::{Session, load_config, load_data};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What `kvlens figures` wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FiguresSummary {
    pub out: PathBuf,
    pub figures: usize,
    pub files: usize,
}

/// `kvlens figures`: writes every figure to `out` (SVG, PNG on request, and
/// figures.json), replacing what an earlier run wrote there. Refuses to
/// replace a folder it did not write.
pub fn figures(s: &Session, out: &Path, png: bool, print: bool) -> Result<FiguresSummary> {
    let cfg = load_config(&s.root)?;
    let nets = crate::kv::toy::load_dir(&s.root.join(crate::kv::toy::NETS_DIR))?;
    if out.exists() {
        let ours = out.join(figure_files::INDEX).is_file();
        let empty = std::fs::read_dir(out)
            .with_context(|| format!("cannot read {}", out.display()))?
            .next()
            .is_none();
        anyhow::ensure!(
            ours || empty,
            "{} exists and was not written by `kvlens figures` (no {} in it); choose another --out or remove it",
            out.display(),
            figure_files::INDEX
        );
    }
    let (dataset, _) = load_data(s, &cfg)?;
    let run = crate::model::obtain(&s.cache_dir, &cfg.model, &dataset, false, &s.ui)?;
    let pop = crate::kv::memo::Memo::new(&run.trained.model, &run.trained.init, &dataset);
    let figs = crate::analysis::workshop_figures(&run.trained, &dataset, &nets, &pop, None, print)?;
    let files = figure_files::files(&figs, "", png)?;
    crate::output::write_all(out, &files)?;
    Ok(FiguresSummary {
        out: out.to_path_buf(),
        figures: figs.len(),
        files: files.len(),
    })
}
