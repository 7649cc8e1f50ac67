//! Toy networks with exact decimal weights: the small nets of the slides and
//! the pen-and-paper exercises, one `content/nets/<name>.toml` each.
//!
//! This module owns that file format, its loader ([`load_dir`],
//! [`load_file`], [`ToyNet::parse`]) with positioned [`Diagnostic`]s, and
//! [`decompose`], which computes a toy net on an input twice, exactly in
//! decimals: layer by layer (`W2 · ReLU(W1 · x + b1) + b2`) and pair by
//! pair (`b2 + Σ_i ReLU(k_i · x + b1_i) · v_i`), and insists both agree.
//!
//! The format (documented again at the top of every shipped file):
//!
//! ```toml
//! title = "…"                      # required
//! description = "…"                # required, one sentence
//! inputs = ["a", "b", "c", "d"]    # names of the input units
//! layout = [2, 2]                  # optional [rows, columns] image, row by row
//! outputs = ["output 1", "output 2"]
//! w1 = [[1, 0, 0, 0], [0, 0, 0, 1]] # hidden × inputs; row i = key i
//! b1 = [0, 0]                       # optional, default zeros
//! w2 = [[1, 0.5], [0, 0.5]]         # outputs × hidden; column i = value i
//! b2 = [0, 0]                       # optional, default zeros
//! [examples]                        # optional named inputs
//! x1 = [1, 0, 1, 0]
//! ```
//!
//! Numbers may be TOML integers, TOML floats (read through their shortest
//! decimal form, so `0.1` is exactly 0.1) or decimal strings (`"0.1"`).
//! Serde (with `deny_unknown_fields`) checks the keys and the text fields;
//! the numbers are read from the parsed document, where every value keeps
//! its position, so each wrong shape or value is reported at its place and
//! all of them at once.
//!
//! The parts: `load` (reading a file into a [`ToyNet`], with positioned
//! diagnostics) and `decomposition` ([`decompose`] and its exact decimal
//! arithmetic). This file holds the net and finds the files.

use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// Folder of the toy networks, relative to the workshop root.
pub const NETS_DIR: &str = "content/nets";

mod decomposition;
mod load;
#[cfg(test)]
mod tests;
pub use decomposition::{Prediction, ToyDecomposition, ToyPair, decompose, predict};
use load::*;

/// One toy network, as loaded from `<name>.toml`. All numbers are exact
/// decimals, normalised (no trailing zeros).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToyNet {
    /// The file stem: lowercase letters, digits, `-` and `_`.
    pub name: String,
    pub title: String,
    pub description: String,
    /// Names of the input units.
    pub inputs: Vec<String>,
    /// `(rows, columns)` when the inputs are drawn as an image, row by row.
    pub layout: Option<(usize, usize)>,
    /// Names of the output units.
    pub outputs: Vec<String>,
    /// Hidden × inputs; row i is the key of pair i.
    pub w1: Vec<Vec<Decimal>>,
    /// One bias per hidden neuron.
    pub b1: Vec<Decimal>,
    /// Outputs × hidden; column i is the value of pair i.
    pub w2: Vec<Vec<Decimal>>,
    /// One bias per output.
    pub b2: Vec<Decimal>,
    /// Named inputs.
    pub examples: BTreeMap<String, Vec<Decimal>>,
    /// The file the network was read from.
    pub source: PathBuf,
}

impl ToyNet {
    /// Number of hidden neurons (= key-value pairs).
    pub fn hidden(&self) -> usize {
        self.w1.len()
    }

    /// The example input called `name`.
    pub fn example(&self, name: &str) -> Option<&[Decimal]> {
        self.examples.get(name).map(Vec::as_slice)
    }

    /// Key of pair `i` (row i of W1).
    pub fn key(&self, i: usize) -> Option<&[Decimal]> {
        self.w1.get(i).map(Vec::as_slice)
    }

    /// Value of pair `i` (column i of W2), or `None` when out of range.
    pub fn value(&self, i: usize) -> Option<Vec<Decimal>> {
        self.w2.iter().map(|row| row.get(i).copied()).collect()
    }

    /// Checks that the matrices fit the inputs, outputs and each other.
    /// Loaded nets always pass; this guards nets built by hand.
    pub fn check_shapes(&self) -> Result<(), String> {
        let (n_in, n_out, hidden) = (self.inputs.len(), self.outputs.len(), self.w1.len());
        if n_in == 0 || n_out == 0 || hidden == 0 {
            return Err(format!(
                "toy net `{}` needs at least one input, hidden neuron and output (has {n_in}, {hidden}, {n_out})",
                self.name
            ));
        }
        if let Some(i) = self.w1.iter().position(|row| row.len() != n_in) {
            return Err(format!(
                "toy net `{}`: w1 row {} does not have {n_in} numbers",
                self.name,
                i + 1
            ));
        }
        if self.b1.len() != hidden {
            return Err(format!(
                "toy net `{}`: b1 does not have {hidden} numbers",
                self.name
            ));
        }
        if self.w2.len() != n_out {
            return Err(format!(
                "toy net `{}`: w2 does not have {n_out} rows",
                self.name
            ));
        }
        if let Some(c) = self.w2.iter().position(|row| row.len() != hidden) {
            return Err(format!(
                "toy net `{}`: w2 row {} does not have {hidden} numbers",
                self.name,
                c + 1
            ));
        }
        if self.b2.len() != n_out {
            return Err(format!(
                "toy net `{}`: b2 does not have {n_out} numbers",
                self.name
            ));
        }
        Ok(())
    }

    /// Parses `src`, the text of `file`; the net's name is the file stem.
    pub fn parse(src: &str, file: &Path) -> Result<ToyNet, Diagnostics> {
        let mut out = Diagnostics::default();
        let name = match net_name(file) {
            Ok(name) => name,
            Err(d) => {
                out.push(d);
                String::new()
            }
        };
        let mut doc = match DeTable::parse(src) {
            Ok(doc) => doc,
            Err(e) => {
                out.push(toml_diagnostic(&e, src, file));
                return Err(out);
            }
        };
        let Some(raw) = deserialize_raw(&mut doc, src, file, &mut out) else {
            return Err(out);
        };
        let mut reader = Reader {
            src,
            file,
            out: &mut out,
        };
        let net = reader.net(raw, doc.get_ref(), name, file);
        // In reading order, whichever check found them.
        out.0.sort_by_key(|d| (d.line, d.col));
        out.into_result()?;
        net.ok_or_else(|| {
            // Every path that yields no net reports why; keep a message anyway.
            Diagnostic::new(file, "the toy network could not be read").into()
        })
    }
}

/// Reads every `*.toml` in `dir` (sorted by name) into a map keyed by net
/// name. A missing folder is an empty map. Dot-files (editor backups and
/// lock files) and folders are skipped. All problems in all files are
/// reported together.
pub fn load_dir(dir: &Path) -> Result<BTreeMap<String, ToyNet>, Diagnostics> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => {
            return Err(Diagnostic::new(
                dir,
                format!("cannot read the folder of toy networks: {e}"),
            )
            .into());
        }
    };
    let mut out = Diagnostics::default();
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                let visible = !entry.file_name().to_string_lossy().starts_with('.');
                let is_toml = path.extension().is_some_and(|ext| ext == "toml");
                if visible && is_toml && path.is_file() {
                    paths.push(path);
                }
            }
            Err(e) => out.push(Diagnostic::new(
                dir,
                format!("cannot list the folder of toy networks: {e}"),
            )),
        }
    }
    paths.sort();
    let mut nets = BTreeMap::new();
    for path in paths {
        match load_file(&path) {
            Ok(net) => {
                nets.insert(net.name.clone(), net);
            }
            Err(d) => out.0.extend(d.0),
        }
    }
    out.into_result()?;
    Ok(nets)
}

/// Reads and checks one toy-network file.
pub fn load_file(path: &Path) -> Result<ToyNet, Diagnostics> {
    let src = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::new(path, format!("cannot read the toy network: {e}"))
            .with_hint("toy networks are UTF-8 TOML files; see content/nets/slides.toml")
    })?;
    ToyNet::parse(&src, path)
}

/// "1 number", "3 numbers".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
