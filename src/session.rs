//! Where a command runs: the workshop folder, the caches, where MNIST is,
//! how the user is told about progress; and the two cheap inputs every
//! command reads first, `workshop.toml` and the verified MNIST files.

use crate::config::Config;
use crate::{data, ui};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// The command line's choices for one build (`--track`, `--variants`,
/// `--participants`); `None` leaves each to workshop.toml.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    pub track: Option<u32>,
    pub variants: Option<u32>,
    pub participants: Option<u32>,
}

/// Where a command runs and how it talks to the user.
#[derive(Debug, Clone)]
pub struct Session {
    /// The workshop folder (holds workshop.toml).
    pub root: PathBuf,
    /// `$KVLENS_CACHE_DIR`: holds `mnist/`, `models/` and `analyses/`.
    pub cache_dir: PathBuf,
    /// `--mnist-dir`.
    pub mnist_flag: Option<PathBuf>,
    /// `KVLENS_MNIST_DIR`.
    pub mnist_env: Option<PathBuf>,
    pub ui: ui::Ui,
    /// `--track N`: decks are built to fit N minutes (None: the full deck).
    pub track: Option<u32>,
    /// `--variants N`: variants of every exercise sheet (None: as configured).
    pub variants: Option<u32>,
    /// `--participants N`: people in the room, for the facilitator guide's
    /// print list (None: `[classroom] participants`).
    pub participants: Option<u32>,
    /// `--no-analyses-cache`: compute the analyses without reading or
    /// writing the analyses cache (the model cache is still used).
    pub no_analyses_cache: bool,
}

impl Session {
    pub fn public_dir(&self) -> PathBuf {
        self.root.join("public")
    }

    /// The command line's choices for the build.
    pub fn options(&self) -> Options {
        Options {
            track: self.track,
            variants: self.variants,
            participants: self.participants,
        }
    }

    /// The root as an absolute path (as file watchers name it).
    pub fn root_abs(&self) -> PathBuf {
        std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone())
    }
}

/// The default cache folder: the user cache dir plus `kvlens`.
pub fn default_cache_dir() -> Result<PathBuf> {
    dirs::cache_dir()
        .map(|d| d.join("kvlens"))
        .context("cannot find a cache folder for this user; set KVLENS_CACHE_DIR")
}

/// Reads and validates `<root>/workshop.toml`; paths in messages are shown
/// relative to the current folder as given.
pub fn load_config(root: &Path) -> Result<Config> {
    Ok(Config::load(root)?)
}

/// Finds (or downloads) MNIST and loads it, verified.
pub fn load_data(s: &Session, cfg: &Config) -> Result<(data::Dataset, data::Source)> {
    let found = locate_data(s, cfg, s.ui.bars)?;
    let dataset = data::load_dir(&found.dir, &found.hashes)?;
    Ok((dataset, found.source))
}

/// Where a session's MNIST is (downloaded into the cache as a last
/// resort), where that came from, and the hashes its files must have.
pub(crate) struct Located {
    pub dir: PathBuf,
    pub source: data::Source,
    pub hashes: data::HashTable,
}

/// Resolves the session's MNIST folder in the documented order (flag, env,
/// `[data] mnist_dir`, cache, download), with `[data] checksums` or
/// MNIST's own hashes; `progress`: show download bars.
pub(crate) fn locate_data(s: &Session, cfg: &Config, progress: bool) -> Result<Located> {
    let mirrors = data::mirrors_from_env();
    let config_dir = cfg.mnist_dir(&s.root);
    let hashes = match cfg.checksums_file(&s.root) {
        Some(path) => data::HashTable::from_sums_file(&path)?,
        None => data::HashTable::canonical(),
    };
    let (dir, source) = data::locate(&data::Resolve {
        flag: s.mnist_flag.as_deref(),
        env: s.mnist_env.as_deref(),
        config: config_dir.as_deref(),
        cache_dir: &s.cache_dir,
        mirrors: &mirrors,
        hashes: &hashes,
        progress,
    })?;
    Ok(Located {
        dir,
        source,
        hashes,
    })
}
