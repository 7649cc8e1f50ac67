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

use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::num::exact;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// Folder of the toy networks, relative to the workshop root.
pub const NETS_DIR: &str = "content/nets";

mod load;
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

/// One hidden neuron seen as a key-value pair, evaluated on one input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToyPair {
    /// 0-based index of the hidden neuron.
    pub index: usize,
    /// Row `index` of W1.
    pub key: Vec<Decimal>,
    /// `b1[index]`.
    pub bias: Decimal,
    /// Column `index` of W2: one number per output.
    pub value: Vec<Decimal>,
    /// key ⊙ x, input by input.
    pub products: Vec<Decimal>,
    /// Σ products + bias.
    pub pre: Decimal,
    /// ReLU(pre).
    pub activation: Decimal,
    /// `pre > 0`.
    pub fires: bool,
    /// activation · value: this pair's contribution to each output.
    pub scaled: Vec<Decimal>,
}

/// Which output an input is assigned to: the same type as for MNIST images
/// (a tie lists every tied output; none is picked silently).
pub use super::image::Prediction;

/// A toy net on one input, computed both ways. Only built when the two
/// ways agree exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToyDecomposition {
    pub input: Vec<Decimal>,
    pub pairs: Vec<ToyPair>,
    /// W1 · x + b1 (layer by layer).
    pub hidden_pre: Vec<Decimal>,
    /// ReLU(hidden_pre).
    pub hidden: Vec<Decimal>,
    /// W2 · hidden + b2 (layer by layer).
    pub logits: Vec<Decimal>,
    /// b2 + Σ_i scaled_i (pair by pair); equal to `logits`.
    pub logits_by_pairs: Vec<Decimal>,
    pub prediction: Prediction,
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

/// Computes `net` on `input` layer by layer and pair by pair, exactly.
/// Errors (never panics) when the input has the wrong length, the net's
/// shapes do not fit, a result needs more than the 28 significant digits a
/// decimal holds, or — which would be a bug — the two ways disagree.
pub fn decompose(net: &ToyNet, input: &[Decimal]) -> Result<ToyDecomposition, String> {
    net.check_shapes()?;
    if input.len() != net.inputs.len() {
        return Err(format!(
            "the input has {}, expected {} (one per input of `{}`: {})",
            count(input.len(), "number"),
            net.inputs.len(),
            net.name,
            net.inputs.join(", ")
        ));
    }
    let input: Vec<Decimal> = input.iter().map(Decimal::normalize).collect();

    // Layer by layer: h = ReLU(W1 · x + b1), logits = W2 · h + b2, each sum
    // starting from its bias.
    let mut hidden_pre = Vec::with_capacity(net.hidden());
    for (row, bias) in net.w1.iter().zip(&net.b1) {
        let mut acc = *bias;
        for (w, x) in row.iter().zip(&input) {
            acc = add(acc, mul(*w, *x)?)?;
        }
        hidden_pre.push(acc.normalize());
    }
    let hidden: Vec<Decimal> = hidden_pre.iter().map(|p| relu(*p)).collect();
    let mut logits = Vec::with_capacity(net.outputs.len());
    for (row, bias) in net.w2.iter().zip(&net.b2) {
        let mut acc = *bias;
        for (w, h) in row.iter().zip(&hidden) {
            acc = add(acc, mul(*w, *h)?)?;
        }
        logits.push(acc.normalize());
    }

    // Pair by pair: each pair's products, pre-activation, activation and
    // scaled value; the logits are b2 plus the scaled values.
    let mut pairs = Vec::with_capacity(net.hidden());
    for (index, (key, bias)) in net.w1.iter().zip(&net.b1).enumerate() {
        let value = net
            .value(index)
            .ok_or_else(|| format!("toy net `{}`: w2 has no column {}", net.name, index + 1))?;
        let products = key
            .iter()
            .zip(&input)
            .map(|(k, x)| mul(*k, *x))
            .collect::<Result<Vec<_>, _>>()?;
        let mut sum = Decimal::ZERO;
        for p in &products {
            sum = add(sum, *p)?;
        }
        let pre = add(sum, *bias)?;
        let activation = relu(pre);
        let scaled = value
            .iter()
            .map(|v| mul(activation, *v))
            .collect::<Result<Vec<_>, _>>()?;
        pairs.push(ToyPair {
            index,
            key: key.clone(),
            bias: *bias,
            value,
            products,
            pre,
            activation,
            fires: pre > Decimal::ZERO,
            scaled,
        });
    }
    let mut logits_by_pairs = net.b2.clone();
    for pair in &pairs {
        for (acc, s) in logits_by_pairs.iter_mut().zip(&pair.scaled) {
            *acc = add(*acc, *s)?;
        }
    }
    let logits_by_pairs: Vec<Decimal> = logits_by_pairs.iter().map(Decimal::normalize).collect();

    // Decimal equality is numeric (1.50 == 1.5).
    for (i, pair) in pairs.iter().enumerate() {
        if hidden_pre.get(i) != Some(&pair.pre) {
            return Err(format!(
                "bug: hidden neuron {} of `{}` gets {} layer by layer but {} as a pair",
                i + 1,
                net.name,
                hidden_pre.get(i).map_or_else(String::new, exact),
                exact(&pair.pre)
            ));
        }
    }
    if logits != logits_by_pairs {
        return Err(format!(
            "bug: the outputs of `{}` are ({}) layer by layer but ({}) pair by pair",
            net.name,
            join_exact(&logits),
            join_exact(&logits_by_pairs)
        ));
    }
    let prediction = predict(&logits);
    Ok(ToyDecomposition {
        input,
        pairs,
        hidden_pre,
        hidden,
        logits,
        logits_by_pairs,
        prediction,
    })
}

/// The largest output, or all outputs tied for largest.
pub fn predict(logits: &[Decimal]) -> Prediction {
    let max = logits.iter().max().copied().unwrap_or_default();
    let best: Vec<usize> = logits
        .iter()
        .enumerate()
        .filter(|(_, l)| **l == max)
        .map(|(i, _)| i)
        .collect();
    match best.as_slice() {
        [one] => Prediction::Unique(*one),
        _ => Prediction::Tie(best),
    }
}

fn relu(x: Decimal) -> Decimal {
    if x > Decimal::ZERO { x } else { Decimal::ZERO }
}

/// `a × b`, exactly or not at all. `rust_decimal` rounds a product whose
/// scale would pass 28 or whose digits overflow; its scale then falls below
/// the sum of the operands' scales, which is how a rounded result is caught.
fn mul(a: Decimal, b: Decimal) -> Result<Decimal, String> {
    let (a, b) = (a.normalize(), b.normalize());
    if a.is_zero() || b.is_zero() {
        return Ok(Decimal::ZERO);
    }
    match a.checked_mul(b) {
        Some(r) if r.scale() == a.scale() + b.scale() => Ok(r.normalize()),
        _ => Err(format!(
            "{} × {} cannot be computed exactly: a decimal holds at most 28 significant digits",
            exact(&a),
            exact(&b)
        )),
    }
}

/// `a + b`, exactly or not at all (a rounded sum has a smaller scale).
fn add(a: Decimal, b: Decimal) -> Result<Decimal, String> {
    let (a, b) = (a.normalize(), b.normalize());
    match a.checked_add(b) {
        Some(r) if r.is_zero() || r.scale() >= a.scale().max(b.scale()) => Ok(r.normalize()),
        _ => Err(format!(
            "{} + {} cannot be computed exactly: a decimal holds at most 28 significant digits",
            exact(&a),
            exact(&b)
        )),
    }
}

fn join_exact(xs: &[Decimal]) -> String {
    xs.iter().map(exact).collect::<Vec<_>>().join(", ")
}

/// "1 number", "3 numbers".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn ds(xs: &[&str]) -> Vec<Decimal> {
        xs.iter().map(|s| d(s)).collect()
    }

    fn parse(src: &str) -> Result<ToyNet, Diagnostics> {
        ToyNet::parse(src, Path::new("nets/test.toml"))
    }

    const EXERCISE: &str = r#"
title = "Exercise"
description = "The 2-2-1 net."
inputs = ["x1", "x2"]
outputs = ["y"]
w1 = [[0.6, -0.4], [1.2, 0.9]]
w2 = [[2.0, -1.5]]
[examples]
a = [1.5, -0.8]
b = [0.5, 1.0]
"#;

    #[test]
    fn parses_the_exercise_net() {
        let net = parse(EXERCISE).unwrap();
        assert_eq!(net.name, "test");
        assert_eq!(net.hidden(), 2);
        assert_eq!(net.w1, vec![ds(&["0.6", "-0.4"]), ds(&["1.2", "0.9"])]);
        assert_eq!(net.b1, ds(&["0", "0"]));
        assert_eq!(net.b2, ds(&["0"]));
        assert_eq!(net.value(1), Some(ds(&["-1.5"])));
        assert_eq!(net.value(2), None);
        assert_eq!(net.key(0), Some(ds(&["0.6", "-0.4"]).as_slice()));
        assert_eq!(net.example("a"), Some(ds(&["1.5", "-0.8"]).as_slice()));
        assert_eq!(net.example("c"), None);
        // 2.0 is stored normalised.
        assert_eq!(net.w2[0][0].to_string(), "2");
    }

    #[test]
    fn decomposes_the_exercise_by_hand() {
        let net = parse(EXERCISE).unwrap();
        let a = decompose(&net, net.example("a").unwrap()).unwrap();
        // 0.6·1.5 + (−0.4)(−0.8) = 0.9 + 0.32; 1.2·1.5 + 0.9·(−0.8) = 1.8 − 0.72.
        assert_eq!(a.pairs[0].products, ds(&["0.9", "0.32"]));
        assert_eq!(a.pairs[1].products, ds(&["1.8", "-0.72"]));
        assert_eq!(a.hidden, ds(&["1.22", "1.08"]));
        // 2·1.22 − 1.5·1.08 = 2.44 − 1.62.
        assert_eq!(a.pairs[0].scaled, ds(&["2.44"]));
        assert_eq!(a.pairs[1].scaled, ds(&["-1.62"]));
        assert_eq!(a.logits, ds(&["0.82"]));
        assert_eq!(a.logits_by_pairs, a.logits);
        assert_eq!(a.prediction, Prediction::Unique(0));

        let b = decompose(&net, net.example("b").unwrap()).unwrap();
        assert_eq!(b.hidden_pre, ds(&["-0.1", "1.5"]));
        assert!(!b.pairs[0].fires && b.pairs[1].fires);
        assert_eq!(b.pairs[0].activation, Decimal::ZERO);
        assert_eq!(b.pairs[0].scaled, ds(&["0"]));
        assert_eq!(b.logits, ds(&["-2.25"]));
    }

    #[test]
    fn floats_and_strings_are_exact_decimals() {
        let net = parse(
            "title = \"t\"\ndescription = \"d\"\ninputs = [\"p\", \"q\", \"r\"]\noutputs = [\"o\"]\n\
             w1 = [[0.1, \"0.2\", 3]]\nb1 = [\"-0.3\"]\nw2 = [[1e-2]]\nb2 = [0x10]\n",
        )
        .unwrap();
        assert_eq!(net.w1[0], ds(&["0.1", "0.2", "3"]));
        assert_eq!(net.w2[0][0], d("0.01"));
        assert_eq!(net.b2[0], d("16"));
        // 0.1 + 0.2 − 0.3 is exactly 0 in decimals (not 5.5e-17 as in binary).
        let r = decompose(&net, &ds(&["1", "1", "0"])).unwrap();
        assert_eq!(r.hidden_pre, ds(&["0"]));
        assert!(!r.pairs[0].fires);
        assert_eq!(r.logits, ds(&["16"]));
    }

    #[test]
    fn ties_are_reported_as_ties() {
        assert_eq!(predict(&ds(&["1", "1", "0"])), Prediction::Tie(vec![0, 1]));
        assert_eq!(
            predict(&ds(&["0", "0.5", "0.50"])),
            Prediction::Tie(vec![1, 2])
        );
        assert_eq!(predict(&ds(&["-1", "-2"])), Prediction::Unique(0));
        assert_eq!(predict(&ds(&["0", "0"])), Prediction::Tie(vec![0, 1]));
    }

    #[test]
    fn wrong_input_length_and_bad_shapes_are_errors_not_panics() {
        let net = parse(EXERCISE).unwrap();
        let e = decompose(&net, &ds(&["1"])).unwrap_err();
        assert!(e.contains("the input has 1 number, expected 2"), "{e}");
        let mut broken = net.clone();
        broken.w2[0].pop();
        assert!(decompose(&broken, &ds(&["1", "1"])).is_err());
        let mut broken = net.clone();
        broken.b1.clear();
        assert!(decompose(&broken, &ds(&["1", "1"])).is_err());
        let mut broken = net;
        broken.w1.clear();
        broken.b1.clear();
        assert!(decompose(&broken, &ds(&["1", "1"])).is_err());
    }

    #[test]
    fn overflow_and_lost_digits_are_errors() {
        let mut net = parse(EXERCISE).unwrap();
        net.w1[0][0] = Decimal::MAX;
        let e = decompose(&net, &ds(&["10", "0"])).unwrap_err();
        assert!(e.contains("cannot be computed exactly"), "{e}");
        net.w1[0][0] = d("0.00000000000001");
        let e = decompose(&net, &ds(&["0.000000000000001", "0"])).unwrap_err();
        assert!(e.contains("cannot be computed exactly"), "{e}");
        assert!(add(Decimal::MAX, Decimal::ONE).is_err());
        assert!(add(Decimal::MAX, d("0.4")).is_err());
        assert_eq!(add(d("0.15"), d("0.05")), Ok(d("0.2")));
        assert_eq!(mul(d("2"), d("5")), Ok(d("10")));
        assert_eq!(mul(d("-0.5"), d("0")), Ok(d("0")));
    }

    #[test]
    fn every_bad_value_is_reported_at_its_place() {
        let src = "title = \"t\"\ndescription = \"d\"\ninputs = [\"a\", \"b\"]\noutputs = [\"o\"]\n\
                   w1 = [[1, true], [\"x\", nan], [1, 2, 3]]\n\
                   w2 = [[1, 2]]\n\
                   [examples]\nx = [1]\ny = \"no\"\n";
        let err = parse(src).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("w1 row 1, number 2 must be a number; found boolean"),
            "{text}"
        );
        assert!(
            text.contains("w1 row 2, number 1: \"x\" is not a decimal number"),
            "{text}"
        );
        assert!(
            text.contains("w1 row 2, number 2: nan is not a finite number"),
            "{text}"
        );
        assert!(
            text.contains(
                "nets/test.toml:5:30: w1 row 3 has 3 numbers, expected 2 (one per input)"
            ),
            "{text}"
        );
        assert!(
            text.contains("w2 row 1 has 2 numbers, expected 3 (one per hidden neuron"),
            "{text}"
        );
        assert!(
            text.contains("example `x` has 1 number, expected 2"),
            "{text}"
        );
        assert!(
            text.contains("example `y` must be a list of 2 numbers; found string"),
            "{text}"
        );
        assert!(err.0.iter().all(|d| d.line.is_some()), "{text}");
    }

    #[test]
    fn unknown_keys_are_all_reported_and_values_still_checked() {
        let src = "title = \"t\"\ndescription = \"d\"\ninputs = [\"a\"]\noutputs = [\"o\"]\n\
                   wi = [[1]]\nw1 = [[1, 2]]\nw2 = [[1]]\nbais = [0]\n";
        let err = parse(src).unwrap_err();
        assert_eq!(err.len(), 3, "{err}");
        let d0 = &err.0[0];
        assert_eq!((d0.line, d0.col), (Some(5), Some(1)));
        assert!(
            d0.message
                .starts_with("unknown field `wi`, expected one of `title`")
        );
        assert_eq!(d0.hint.as_deref(), Some("did you mean `w1`?"));
        assert!(err.0[1].message.contains("w1 row 1 has 2 numbers"), "{err}");
        assert_eq!(
            err.0[2].message.split(',').next(),
            Some("unknown field `bais`")
        );
        assert_eq!(err.0[2].line, Some(8));
    }

    #[test]
    fn structural_errors_have_positions() {
        let err = parse(
            "title = \"t\"\ndescription = \"d\"\ninputs = [\"a\"]\noutputs = [\"o\"]\nw1 = [[1]]\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("missing field `w2`"), "{err}");
        let err = parse("title = \"t\n").unwrap_err();
        assert_eq!(err.0[0].line, Some(1));
        let err = parse("title = 3\n").unwrap_err();
        assert_eq!((err.0[0].line, err.0[0].col), (Some(1), Some(9)));
    }

    #[test]
    fn layout_must_fit_the_inputs() {
        let base = "title = \"t\"\ndescription = \"d\"\ninputs = [\"a\", \"b\", \"c\", \"d\"]\n\
                    outputs = [\"o\"]\nw1 = [[1, 0, 0, 1]]\nw2 = [[1]]\n";
        let net = parse(&format!("{base}layout = [1, 4]\n")).unwrap();
        assert_eq!(net.layout, Some((1, 4)));
        let err = parse(&format!("{base}layout = [2, 3]\n")).unwrap_err();
        assert_eq!(
            err.0[0].message,
            "layout 2×3 has 6 cells, but there are 4 inputs"
        );
        assert_eq!((err.0[0].line, err.0[0].col), (Some(7), Some(10)));
        for bad in [
            "[2, 2, 1]",
            "[0, 4]",
            "[-2, -2]",
            "[2.0, 2]",
            "4",
            "[99999999999999999999, 1]",
        ] {
            let err = parse(&format!("{base}layout = {bad}\n")).unwrap_err();
            assert!(
                err.0[0].message.starts_with("layout must be two positive"),
                "{bad}: {err}"
            );
        }
        let err = parse(&format!("{base}layout = [4294967296, 4294967296]\n")).unwrap_err();
        assert!(
            err.0[0]
                .message
                .starts_with("layout 4294967296×4294967296 has"),
            "{err}"
        );
    }

    #[test]
    fn names_texts_and_sizes_are_checked() {
        let err = parse(
            "title = \" \"\ndescription = \"d\"\ninputs = [\"a\", \"a\"]\noutputs = []\n\
             w1 = []\nw2 = [[1]]\nb1 = [1, 2]\nb2 = [1]\n",
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains(":1:9: `title` must not be empty"), "{text}");
        assert!(text.contains(":3:16: `inputs` names `a` twice"), "{text}");
        assert!(text.contains("`outputs` is empty"), "{text}");
        assert!(text.contains("`w1` has no rows"), "{text}");
        // No outputs and no rows: the sizes that depend on them are not
        // checked, so there is no cascade of follow-up errors.
        assert_eq!(err.len(), 4, "{text}");
    }

    #[test]
    fn huge_and_overprecise_numbers_are_rejected() {
        let base =
            "title = \"t\"\ndescription = \"d\"\ninputs = [\"a\"]\noutputs = [\"o\"]\nw2 = [[1]]\n";
        for (w, what) in [
            ("1e300", "too large"),
            ("1e-40", "more than 28 decimals"),
            (
                "\"0.00000000000000000000000000001\"",
                "more than 28 decimals",
            ),
            ("\"99999999999999999999999999999999\"", "too large"),
            ("inf", "not a finite number"),
            ("\"1e5\"", "not a decimal number"),
            ("\" 1\"", "not a decimal number"),
            ("\"1.\"", "not a decimal number"),
            ("\"\"", "not a decimal number"),
            ("1979-05-27", "found datetime"),
        ] {
            let err = parse(&format!("{base}w1 = [[{w}]]\n")).unwrap_err();
            assert!(err.to_string().contains(what), "{w}: {err}");
            assert_eq!(err.0[0].line, Some(6), "{w}");
        }
    }

    #[test]
    fn file_names_become_net_names() {
        assert!(ToyNet::parse(EXERCISE, Path::new("x/my-net_2.toml")).is_ok());
        for bad in ["x/My Net.toml", "x/-a.toml", "x/.toml", "x/é.toml"] {
            let err = ToyNet::parse(EXERCISE, Path::new(bad)).unwrap_err();
            assert!(
                err.0[0].message.contains("cannot name a toy network"),
                "{bad}"
            );
        }
    }

    #[test]
    fn decimal_literals() {
        for ok in ["0", "-1", "+2.50", "003.1"] {
            assert!(is_decimal_literal(ok), "{ok}");
        }
        for bad in [
            "", "-", ".5", "5.", "1e3", "1_000", "0x10", "1.2.3", "--1", " 1", "NaN",
        ] {
            assert!(!is_decimal_literal(bad), "{bad}");
        }
    }
}
