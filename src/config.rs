//! `workshop.toml`: the workshop's settings as typed data.
//!
//! Every section denies unknown keys, so a misspelt key is an error with a
//! position and a "did you mean" hint instead of a silently ignored setting.
//! [`Config::parse`] turns text into a `Config` or a list of [`Diagnostic`]s;
//! [`Config::validate`] checks ranges and points at the offending value.

use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file name of the workshop configuration, at the workshop root.
pub const FILE_NAME: &str = "workshop.toml";

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub site: SiteConfig,
    pub model: ModelConfig,
    pub data: DataConfig,
    pub sheets: SheetsConfig,
    pub hands_on: HandsOnConfig,
    pub classroom: ClassroomConfig,
}

/// The room the workshop is given in: the facilitator guide's clock and
/// print list (`[classroom]`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClassroomConfig {
    /// People in the room (`--participants` overrides).
    pub participants: u32,
    /// People who mark the sheets (you and the TAs): each gets the marking
    /// keys and the TA table.
    pub markers: u32,
    /// When the talk starts, `HH:MM` (24-hour clock).
    pub start: String,
}

impl Default for ClassroomConfig {
    fn default() -> Self {
        ClassroomConfig {
            participants: 20,
            markers: 2,
            start: "09:30".to_string(),
        }
    }
}

impl ClassroomConfig {
    /// The start as minutes after midnight (validated by `Config::validate`).
    pub fn start_minutes(&self) -> Option<u32> {
        parse_clock(&self.start)
    }
}

/// `HH:MM` as minutes after midnight.
pub fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// How the explorer stores W1 (`[hands_on] explorer_weights`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExplorerWeights {
    /// float32, unless the page would weigh more than `explorer_max_bytes`.
    #[default]
    Auto,
    F32,
    Int8,
}

/// A format the site offers the model in (`[hands_on] model_downloads`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelDownload {
    /// `kvlens-model.npz`, for numpy (the notebook loads it).
    Npz,
    /// `kvlens-model.safetensors`, for PyTorch and other safetensors readers.
    Safetensors,
}

/// The hands-on part: the model downloads and the draw-a-digit explorer's
/// size budget.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct HandsOnConfig {
    /// The formats of the model under `downloads/`. The notebook loads the
    /// `.npz`, so it must be one of them; each format is 1.6 MB for the
    /// default model, so only the `.npz` by default.
    pub model_downloads: Vec<ModelDownload>,
    /// The most the explorer page may weigh with its script, style and
    /// model (bytes); above it, `auto` stores W1 as int8.
    pub explorer_max_bytes: u64,
    pub explorer_weights: ExplorerWeights,
}

/// 4 MB: the explorer's default budget.
pub const EXPLORER_MAX_BYTES: u64 = 4_000_000;

impl Default for HandsOnConfig {
    fn default() -> Self {
        HandsOnConfig {
            model_downloads: vec![ModelDownload::Npz],
            explorer_max_bytes: EXPLORER_MAX_BYTES,
            explorer_weights: ExplorerWeights::Auto,
        }
    }
}

/// The most variants a sheet may have.
pub const MAX_VARIANTS: u32 = 50;

/// The seed of the sheets' variants when `[sheets] seed` is not set.
pub const DEFAULT_SHEET_SEED: u64 = 1;

/// Exercise sheets: variants and answer keys.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SheetsConfig {
    /// Variants per sheet (a sheet's front matter or `--variants` overrides).
    pub variants: u32,
    /// Seeds the drawn numbers: same seed, same variants.
    pub seed: u64,
    /// Publish the answer keys and the TA table in `public/instructor/`
    /// (otherwise they go to `instructor/` beside `public/`).
    pub publish_keys: bool,
}

impl Default for SheetsConfig {
    fn default() -> Self {
        SheetsConfig {
            variants: 1,
            seed: DEFAULT_SHEET_SEED,
            publish_keys: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    /// Title of the site, deck and sheets.
    pub title: String,
    /// Absolute URL the site is published under (only for links that must be absolute).
    pub base_url: Option<String>,
    /// Paper size for printed sheets and PDFs.
    pub paper: Paper,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    /// The paper's name for people: "A4", "Letter".
    pub fn label(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "Letter",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Optimizer {
    /// Adam; `weight_decay` is added to the gradient (L2), as in PyTorch's Adam.
    Adam,
    /// AdamW; `weight_decay` shrinks the weights directly (decoupled).
    Adamw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Cross-entropy on the softmax of the logits.
    CrossEntropy,
    /// Mean squared error between softmax output and the one-hot label
    /// (the earlier workshop's recipe).
    Mse,
}

/// Hyper-parameters of the network and its training. Part of the model
/// cache key: change any of them and the next build retrains.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelConfig {
    /// Number of hidden neurons H (= number of key-value pairs).
    pub hidden: usize,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub optimizer: Optimizer,
    /// Weight decay; unset means 0 for Adam and 0.01 for AdamW (PyTorch's defaults).
    pub weight_decay: Option<f64>,
    pub loss: Loss,
    /// Train on the first N of the 60 000 training images.
    pub train_images: usize,
    /// Seeds initialisation and shuffling.
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataConfig {
    /// Folder with the four MNIST files, relative to workshop.toml.
    pub mnist_dir: Option<PathBuf>,
    /// A `sha256sum`-style file (relative to workshop.toml) listing the
    /// SHA-256 of the four decompressed files, for a drop-in data set in
    /// MNIST's format (Fashion-MNIST, a test fixture). Default: MNIST's own.
    pub checksums: Option<PathBuf>,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Inside a neural network: keys and values".to_string(),
            base_url: None,
            paper: Paper::A4,
        }
    }
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            hidden: 256,
            epochs: 8,
            batch_size: 128,
            learning_rate: 1e-3,
            optimizer: Optimizer::Adam,
            weight_decay: None,
            loss: Loss::CrossEntropy,
            train_images: 60_000,
            seed: 42,
        }
    }
}

impl ModelConfig {
    /// The weight decay in force (explicit, or the optimizer's default).
    pub fn effective_weight_decay(&self) -> f64 {
        match (self.weight_decay, self.optimizer) {
            (Some(wd), _) => wd,
            (None, Optimizer::Adam) => 0.0,
            (None, Optimizer::Adamw) => 0.01,
        }
    }

    /// The earlier workshop's recipe: MSE on softmax vs one-hot, AdamW,
    /// batch 512, the first 10 000 training images.
    pub fn earlier_workshop() -> Self {
        ModelConfig {
            loss: Loss::Mse,
            optimizer: Optimizer::Adamw,
            batch_size: 512,
            train_images: 10_000,
            ..ModelConfig::default()
        }
    }
}

impl Config {
    /// Reads and checks `<root>/workshop.toml`. A missing file is an error
    /// that says how to start one.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(FILE_NAME);
        let src = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostic::new(
                &path,
                format!("cannot read the workshop configuration: {e}"),
            )
            .with_hint(format!(
                "run kvlens in a workshop folder (one with {FILE_NAME}) or pass --root DIR"
            ))
        })?;
        Config::parse(&src, &path)
    }

    /// Parses and validates `src`, the text of `file`.
    pub fn parse(src: &str, file: &Path) -> Result<Config, Diagnostics> {
        let config: Config = toml::from_str(src).map_err(|e| toml_diagnostic(&e, src, file))?;
        config.validate(src, file)?;
        Ok(config)
    }

    /// Range checks; every problem is reported, each at its value.
    pub fn validate(&self, src: &str, file: &Path) -> Result<(), Diagnostics> {
        let mut out = Diagnostics::default();
        let mut bad = |path: &[&str], message: String, hint: &str| {
            let mut d = Diagnostic::new(file, format!("`{}`: {message}", path.join(".")));
            if let Some(offset) = value_offset(src, path) {
                d = d.at_offset(src, offset);
            }
            if !hint.is_empty() {
                d = d.with_hint(hint);
            }
            out.push(d);
        };
        let m = &self.model;
        if !(1..=131_072).contains(&m.hidden) {
            bad(
                &["model", "hidden"],
                format!("must be between 1 and 131072, got {}", m.hidden),
                "the workshop is written for 64 to 1024; the default is 256",
            );
        }
        if !(1..=1000).contains(&m.epochs) {
            bad(
                &["model", "epochs"],
                format!("must be between 1 and 1000, got {}", m.epochs),
                "",
            );
        }
        if !(1..=60_000).contains(&m.batch_size) {
            bad(
                &["model", "batch_size"],
                format!("must be between 1 and 60000, got {}", m.batch_size),
                "",
            );
        }
        if !(m.learning_rate.is_finite() && m.learning_rate > 0.0 && m.learning_rate <= 1.0) {
            bad(
                &["model", "learning_rate"],
                format!("must be > 0 and ≤ 1, got {}", m.learning_rate),
                "Adam's usual value is 0.001",
            );
        }
        if let Some(wd) = m.weight_decay
            && !(wd.is_finite() && (0.0..=1.0).contains(&wd))
        {
            bad(
                &["model", "weight_decay"],
                format!("must be between 0 and 1, got {wd}"),
                "",
            );
        }
        if !(1..=60_000).contains(&m.train_images) {
            bad(
                &["model", "train_images"],
                format!(
                    "must be between 1 and 60000 (MNIST has 60000 training images), got {}",
                    m.train_images
                ),
                "",
            );
        }
        if self.site.title.trim().is_empty() {
            bad(&["site", "title"], "must not be empty".to_string(), "");
        }
        if !(1..=MAX_VARIANTS).contains(&self.sheets.variants) {
            bad(
                &["sheets", "variants"],
                format!(
                    "must be between 1 and {MAX_VARIANTS}, got {}",
                    self.sheets.variants
                ),
                "one variant per seat row is plenty; the TA table lists them all",
            );
        }
        if self.hands_on.explorer_max_bytes < 100_000 {
            bad(
                &["hands_on", "explorer_max_bytes"],
                format!(
                    "must be at least 100000, got {}",
                    self.hands_on.explorer_max_bytes
                ),
                "the page and its script alone take about 60 kB; the default is 4000000",
            );
        }
        if !self.hands_on.model_downloads.contains(&ModelDownload::Npz) {
            bad(
                &["hands_on", "model_downloads"],
                format!(
                    "must include \"npz\", got {}",
                    serde_json::to_string(&self.hands_on.model_downloads).unwrap_or_default()
                ),
                "the notebook loads kvlens-model.npz; add \"safetensors\" beside it for PyTorch",
            );
        }
        if !(1..=1000).contains(&self.classroom.participants) {
            bad(
                &["classroom", "participants"],
                format!(
                    "must be between 1 and 1000, got {}",
                    self.classroom.participants
                ),
                "the number of people in the room; the guide's print list counts copies for them",
            );
        }
        if !(1..=100).contains(&self.classroom.markers) {
            bad(
                &["classroom", "markers"],
                format!("must be between 1 and 100, got {}", self.classroom.markers),
                "the people who mark the sheets: you and your TAs",
            );
        }
        if self.classroom.start_minutes().is_none() {
            bad(
                &["classroom", "start"],
                format!(
                    "must be a time of day as HH:MM, got {:?}",
                    self.classroom.start
                ),
                "for example start = \"09:30\" or \"14:00\"",
            );
        }
        if let Some(url) = &self.site.base_url
            && !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
        {
            bad(
                &["site", "base_url"],
                format!("must start with https://, http:// or /, got {url:?}"),
                "for example base_url = \"https://example.org/workshop/\"",
            );
        }
        out.into_result()
    }

    /// `[data] checksums`, resolved against the folder of workshop.toml.
    pub fn checksums_file(&self, root: &Path) -> Option<PathBuf> {
        self.data.checksums.as_ref().map(|d| root.join(d))
    }

    /// `[data] mnist_dir`, resolved against the folder of workshop.toml.
    pub fn mnist_dir(&self, root: &Path) -> Option<PathBuf> {
        self.data.mnist_dir.as_ref().map(|d| root.join(d))
    }
}

/// Byte offset of the value at `path` (e.g. `["model", "hidden"]`) in `src`.
fn value_offset(src: &str, path: &[&str]) -> Option<usize> {
    let doc = toml::de::DeTable::parse(src).ok()?;
    let (last, parents) = path.split_last()?;
    let mut table = doc.get_ref();
    for key in parents {
        table = table.get(*key)?.get_ref().as_table()?;
    }
    Some(table.get(*last)?.span().start)
}

/// Turns a toml/serde error into a diagnostic with position and hint.
fn toml_diagnostic(e: &toml::de::Error, src: &str, file: &Path) -> Diagnostic {
    let message = e.message().trim().to_string();
    let mut d = Diagnostic::new(file, message.clone());
    if let Some(span) = e.span() {
        d = d.at_offset(src, span.start);
    }
    if let Some(hint) = unknown_key_hint(&message) {
        d = d.with_hint(hint);
    }
    d
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" (and the same for
/// variants), a hint naming the closest allowed word or listing them.
fn unknown_key_hint(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (word, expected) = rest.split_once('`')?;
    let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    if let Some(best) = did_you_mean(word, allowed.iter().copied()) {
        return Some(format!("did you mean `{best}`?"));
    }
    if allowed.is_empty() {
        return None;
    }
    Some(format!("allowed here: {}", allowed.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Config, Diagnostics> {
        Config::parse(src, Path::new("workshop.toml"))
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn reads_every_section() {
        let c = parse(
            "[site]\ntitle = \"T\"\npaper = \"letter\"\nbase_url = \"https://x.org/w/\"\n\
             [model]\nhidden = 64\nepochs = 3\nbatch_size = 512\nlearning_rate = 0.002\n\
             optimizer = \"adamw\"\nloss = \"mse\"\ntrain_images = 10000\nseed = 7\n\
             [data]\nmnist_dir = \"../mnist\"\n",
        )
        .unwrap();
        assert_eq!(c.site.paper, Paper::Letter);
        assert_eq!(c.model.hidden, 64);
        assert_eq!(c.model.loss, Loss::Mse);
        assert_eq!(c.model.effective_weight_decay(), 0.01);
        assert_eq!(
            c.mnist_dir(Path::new("/w")),
            Some(PathBuf::from("/w/../mnist"))
        );
    }

    #[test]
    fn misspelt_key_names_line_column_and_suggests() {
        let err = parse("[model]\nhiden = 64\n").unwrap_err();
        assert_eq!(err.len(), 1);
        let d = &err.0[0];
        assert_eq!((d.line, d.col), (Some(2), Some(1)));
        assert!(d.message.contains("unknown field `hiden`"), "{}", d.message);
        assert_eq!(d.hint.as_deref(), Some("did you mean `hidden`?"));
    }

    #[test]
    fn misspelt_section_and_variant_get_hints() {
        let err = parse("[modle]\nhidden = 64\n").unwrap_err();
        assert_eq!(err.0[0].hint.as_deref(), Some("did you mean `model`?"));
        let err = parse("[model]\nloss = \"crossentropy\"\n").unwrap_err();
        assert_eq!(err.0[0].line, Some(2));
        assert_eq!(
            err.0[0].hint.as_deref(),
            Some("did you mean `cross_entropy`?")
        );
    }

    #[test]
    fn every_range_problem_is_reported_at_its_value() {
        let err = parse("[model]\nepochs = 0\nhidden = 0\nlearning_rate = -1.0\n").unwrap_err();
        assert_eq!(err.len(), 3);
        let at: Vec<_> = err.0.iter().map(|d| (d.line, d.col)).collect();
        assert!(at.contains(&(Some(2), Some(10))), "{at:?}");
        assert!(at.contains(&(Some(3), Some(10))), "{at:?}");
        assert!(
            err.to_string()
                .contains("`model.hidden`: must be between 1 and 131072, got 0")
        );
    }

    #[test]
    fn wrong_type_is_an_error_with_position() {
        let err = parse("[model]\n\nhidden = \"many\"\n").unwrap_err();
        assert_eq!(err.0[0].line, Some(3));
    }
}
