//! Reading `content/nets/*.toml`: serde checks the keys and text fields;
//! the numbers are read from toml's spanned document so every wrong shape
//! or value is reported at its place, all at once.

use super::*;
use serde::de::IgnoredAny;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The keys and text fields; the numbers are read from the document.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // the IgnoredAny fields only declare the allowed keys
pub(super) struct RawNet {
    title: String,
    description: String,
    inputs: Vec<String>,
    layout: Option<IgnoredAny>,
    outputs: Vec<String>,
    w1: IgnoredAny,
    b1: Option<IgnoredAny>,
    w2: IgnoredAny,
    b2: Option<IgnoredAny>,
    examples: Option<IgnoredAny>,
}

/// Deserializes the keys and text fields. An unknown key does not stop the
/// reading: every unknown top-level key is reported (with a hint), dropped,
/// and the rest read again, so the values still get checked.
pub(super) fn deserialize_raw(
    doc: &mut Spanned<DeTable<'_>>,
    src: &str,
    file: &Path,
    out: &mut Diagnostics,
) -> Option<RawNet> {
    let first = match RawNet::deserialize(toml::Deserializer::from(doc.clone())) {
        Ok(raw) => return Some(raw),
        Err(e) => e,
    };
    let message = first.message().trim().to_string();
    let Some((_, tail, allowed)) = unknown_field_parts(&message) else {
        out.push(toml_diagnostic(&first, src, file));
        return None;
    };
    let mut unknown: Vec<(usize, String)> = doc
        .get_ref()
        .iter()
        .map(|(k, _)| (k.span().start, k.get_ref().to_string()))
        .filter(|(_, k)| !allowed.contains(k))
        .collect();
    if unknown.is_empty() {
        out.push(toml_diagnostic(&first, src, file));
        return None;
    }
    unknown.sort();
    for (offset, key) in &unknown {
        let d =
            Diagnostic::new(file, format!("unknown field `{key}`{tail}")).at_offset(src, *offset);
        out.push(d.with_hint(allowed_hint(key, &allowed)));
    }
    for (_, key) in &unknown {
        doc.get_mut().remove(key.as_str());
    }
    match RawNet::deserialize(toml::Deserializer::from(doc.clone())) {
        Ok(raw) => Some(raw),
        Err(e) => {
            out.push(toml_diagnostic(&e, src, file));
            None
        }
    }
}

/// From serde's "unknown field `x`, expected one of `a`, `b`": the word,
/// the part after it (", expected one of `a`, `b`") and the allowed words.
pub(super) fn unknown_field_parts(message: &str) -> Option<(&str, &str, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (word, tail) = rest.split_once('`')?;
    let allowed: Vec<String> = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    if allowed.is_empty() {
        return None;
    }
    Some((word, tail, allowed))
}

pub(super) fn allowed_hint(word: &str, allowed: &[String]) -> String {
    match did_you_mean(word, allowed.iter().map(String::as_str)) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("allowed here: {}", allowed.join(", ")),
    }
}

/// A toml/serde error as a diagnostic with position (and a hint for an
/// unknown key).
pub(super) fn toml_diagnostic(e: &toml::de::Error, src: &str, file: &Path) -> Diagnostic {
    let message = e.message().trim().to_string();
    let mut d = Diagnostic::new(file, message.clone());
    if let Some(span) = e.span() {
        d = d.at_offset(src, span.start);
    }
    if let Some((word, _, allowed)) = unknown_field_parts(&message) {
        d = d.with_hint(allowed_hint(word, &allowed));
    }
    d
}

/// The net's name from the file stem.
pub(super) fn net_name(file: &Path) -> Result<String, Diagnostic> {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let ok = stem
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && stem
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if ok {
        Ok(stem.to_string())
    } else {
        Err(
            Diagnostic::new(file, format!("`{stem}` cannot name a toy network")).with_hint(
                "the file name (without .toml) is the network's name, used in page addresses: \
             lowercase letters, digits, - and _, starting with a letter or digit, e.g. my-net.toml",
            ),
        )
    }
}

type Value<'i> = Spanned<DeValue<'i>>;

/// Reads the values of a parsed file, reporting every problem at its place.
/// Sizes that are themselves wrong (no inputs, `w1` not a list) are `None`,
/// and the checks that depend on them are skipped rather than cascading.
pub(super) struct Reader<'a> {
    pub(super) src: &'a str,
    pub(super) file: &'a Path,
    pub(super) out: &'a mut Diagnostics,
}

impl Reader<'_> {
    fn bad(&mut self, at: &Value<'_>, message: String, hint: Option<String>) {
        let mut d = Diagnostic::new(self.file, message).at_offset(self.src, at.span().start);
        if let Some(hint) = hint {
            d = d.with_hint(hint);
        }
        self.out.push(d);
    }

    pub(super) fn net(
        &mut self,
        raw: RawNet,
        doc: &DeTable<'_>,
        name: String,
        file: &Path,
    ) -> Option<ToyNet> {
        let before = self.out.len();
        self.text(doc, "title", &raw.title);
        self.text(doc, "description", &raw.description);
        let n_in = self.names(doc, "inputs", &raw.inputs);
        let n_out = self.names(doc, "outputs", &raw.outputs);
        let inputs_hint = format!("the inputs are {}", raw.inputs.join(", "));

        let layout = doc.get("layout").and_then(|v| self.layout(v, n_in));
        let (w1, hidden) = match doc.get("w1") {
            Some(v) => {
                // The number of rows is known even when some rows are bad.
                let hidden = self.rows(v, "w1").map(<[_]>::len);
                let w1 = self.matrix(v, "w1", "hidden neuron", n_in, "input", &inputs_hint);
                (w1, hidden)
            }
            None => (None, None),
        };
        let b1 = match doc.get("b1") {
            Some(v) => self.vector(v, "b1", hidden, "one per hidden neuron, i.e. per row of w1"),
            None => hidden.map(|h| vec![Decimal::ZERO; h]),
        };
        let w2 = doc.get("w2").and_then(|v| self.w2(v, n_out, hidden));
        let b2 = match doc.get("b2") {
            Some(v) => self.vector(v, "b2", n_out, "one per output"),
            None => n_out.map(|n| vec![Decimal::ZERO; n]),
        };
        let examples = match doc.get("examples") {
            Some(v) => self.examples(v, n_in),
            None => Some(BTreeMap::new()),
        };

        if self.out.len() > before {
            return None;
        }
        Some(ToyNet {
            name,
            title: raw.title.trim().to_string(),
            description: raw.description.trim().to_string(),
            inputs: raw.inputs,
            layout,
            outputs: raw.outputs,
            w1: w1?,
            b1: b1?,
            w2: w2?,
            b2: b2?,
            examples: examples?,
            source: file.to_path_buf(),
        })
    }

    fn text(&mut self, doc: &DeTable<'_>, key: &str, value: &str) {
        if value.trim().is_empty()
            && let Some(at) = doc.get(key)
        {
            self.bad(at, format!("`{key}` must not be empty"), None);
        }
    }

    /// Names of inputs or outputs: at least one, none empty, no repeats.
    /// Returns how many there are when there is at least one.
    fn names(&mut self, doc: &DeTable<'_>, key: &str, names: &[String]) -> Option<usize> {
        let list = doc.get(key)?;
        if names.is_empty() {
            self.bad(
                list,
                format!("`{key}` is empty; a network needs at least one"),
                Some(format!("for example {key} = [\"a\", \"b\"]")),
            );
            return None;
        }
        let items = list.get_ref().as_array().map_or(&[][..], |a| a.as_ref());
        for (i, (name, at)) in names.iter().zip(items).enumerate() {
            if name.trim().is_empty() {
                self.bad(at, format!("`{key}` item {} is an empty name", i + 1), None);
            } else if names[..i].contains(name) {
                self.bad(
                    at,
                    format!("`{key}` names `{name}` twice"),
                    Some("each unit needs its own name".to_string()),
                );
            }
        }
        Some(names.len())
    }

    /// `layout = [rows, columns]`: two positive whole numbers whose product
    /// is the number of inputs.
    fn layout(&mut self, v: &Value<'_>, n_in: Option<usize>) -> Option<(usize, usize)> {
        let inputs = n_in.map_or_else(|| "the number of inputs".to_string(), |n| n.to_string());
        let hint = format!(
            "layout = [rows, columns] with rows × columns = {inputs}; \
             leave it out when the inputs are not an image"
        );
        let dims: Option<Vec<usize>> = v.get_ref().as_array().and_then(|items| {
            items
                .iter()
                .map(|item| {
                    item.get_ref()
                        .as_integer()
                        .and_then(|i| usize::from_str_radix(i.as_str(), i.radix()).ok())
                        .filter(|n| *n > 0)
                })
                .collect()
        });
        let Some(&[rows, cols]) = dims.as_deref() else {
            self.bad(
                v,
                "layout must be two positive whole numbers, [rows, columns]".to_string(),
                Some(hint),
            );
            return None;
        };
        let n_in = n_in?;
        if rows.checked_mul(cols) == Some(n_in) {
            return Some((rows, cols));
        }
        let cells = rows.checked_mul(cols).map_or_else(
            || "more cells than memory".to_string(),
            |n| count(n, "cell"),
        );
        let inputs = if n_in == 1 {
            "is 1 input".to_string()
        } else {
            format!("are {n_in} inputs")
        };
        self.bad(
            v,
            format!("layout {rows}×{cols} has {cells}, but there {inputs}"),
            Some(hint),
        );
        None
    }

    /// The rows of a matrix, or `None` (reported) when `v` is not a
    /// non-empty list of lists.
    fn rows<'v, 'i>(&mut self, v: &'v Value<'i>, what: &str) -> Option<&'v [Value<'i>]> {
        let example = "for example [[1, 0], [0.5, -2]]";
        let Some(rows) = v.get_ref().as_array() else {
            self.bad(
                v,
                format!(
                    "`{what}` must be a list of rows, each a list of numbers; found {}",
                    v.get_ref().type_str()
                ),
                Some(example.to_string()),
            );
            return None;
        };
        if rows.is_empty() {
            self.bad(
                v,
                format!("`{what}` has no rows"),
                Some(format!(
                    "a network needs at least one hidden neuron and one output; {example}"
                )),
            );
            return None;
        }
        Some(rows.as_ref())
    }

    /// A matrix with `cols` numbers per row (one per `per`), when `cols` is
    /// known; any number of rows. Reports problems only once per value:
    /// callers call [`Reader::rows`] first, so this one stays quiet about
    /// the outer list.
    fn matrix(
        &mut self,
        v: &Value<'_>,
        what: &str,
        row_unit: &str,
        cols: Option<usize>,
        per: &str,
        hint: &str,
    ) -> Option<Vec<Vec<Decimal>>> {
        let rows = v.get_ref().as_array().filter(|rows| !rows.is_empty())?;
        let mut out = Some(Vec::with_capacity(rows.len()));
        for (r, row) in rows.iter().enumerate() {
            let label = format!("{what} row {}", r + 1);
            if !row.get_ref().is_array() {
                let expected = cols.map_or_else(|| "numbers".to_string(), |n| count(n, "number"));
                self.bad(
                    row,
                    format!(
                        "{label} must be a list of {expected}; found {}",
                        row.get_ref().type_str()
                    ),
                    Some("for example [[1, 0], [0.5, -2]]".to_string()),
                );
                out = None;
                continue;
            }
            let numbers = self.numbers(row, &label);
            if let (Some(n), Some(cols)) = (&numbers, cols)
                && n.len() != cols
            {
                self.bad(
                    row,
                    format!(
                        "{label} has {}, expected {cols} (one per {per})",
                        count(n.len(), "number")
                    ),
                    Some(format!(
                        "row {} belongs to {row_unit} {}; {hint}",
                        r + 1,
                        r + 1
                    )),
                );
                out = None;
            }
            match (numbers, out.as_mut()) {
                (Some(n), Some(o)) => o.push(n),
                _ => out = None,
            }
        }
        out
    }

    /// `w2`: one row per output, one number per hidden neuron.
    fn w2(
        &mut self,
        v: &Value<'_>,
        n_out: Option<usize>,
        hidden: Option<usize>,
    ) -> Option<Vec<Vec<Decimal>>> {
        let rows = self.rows(v, "w2")?;
        let mut ok = true;
        if let Some(n_out) = n_out
            && rows.len() != n_out
        {
            self.bad(
                v,
                format!(
                    "w2 has {}, expected {n_out} (one per output)",
                    count(rows.len(), "row")
                ),
                Some(
                    "w2 is outputs × hidden: row c holds what each hidden neuron adds to output c"
                        .to_string(),
                ),
            );
            ok = false;
        }
        let m = self.matrix(
            v,
            "w2",
            "output",
            hidden,
            "hidden neuron, i.e. per row of w1",
            "column i is the value of hidden neuron i",
        );
        m.filter(|_| ok && hidden.is_some() && n_out.is_some())
    }

    /// A list of numbers, exactly `len` of them when `len` is known.
    fn vector(
        &mut self,
        v: &Value<'_>,
        what: &str,
        len: Option<usize>,
        per: &str,
    ) -> Option<Vec<Decimal>> {
        let numbers = self.numbers(v, what)?;
        let len = len?;
        if numbers.len() != len {
            self.bad(
                v,
                format!(
                    "{what} has {}, expected {len} ({per})",
                    count(numbers.len(), "number")
                ),
                None,
            );
            return None;
        }
        Some(numbers)
    }

    /// `[examples]`: a table of named inputs.
    fn examples(
        &mut self,
        v: &Value<'_>,
        n_in: Option<usize>,
    ) -> Option<BTreeMap<String, Vec<Decimal>>> {
        let Some(table) = v.get_ref().as_table() else {
            self.bad(
                v,
                format!(
                    "`examples` must be a table of named inputs; found {}",
                    v.get_ref().type_str()
                ),
                Some(
                    "write [examples] on a line of its own, then one input per line: x1 = [1, 0]"
                        .to_string(),
                ),
            );
            return None;
        };
        let mut out = Some(BTreeMap::new());
        for (key, value) in table.iter() {
            let name = key.get_ref().to_string();
            let label = format!("example `{name}`");
            let got = if value.get_ref().is_array() {
                self.vector(value, &label, n_in, "one per input")
            } else {
                let expected = n_in.map_or_else(|| "numbers".to_string(), |n| count(n, "number"));
                self.bad(
                    value,
                    format!(
                        "{label} must be a list of {expected}; found {}",
                        value.get_ref().type_str()
                    ),
                    None,
                );
                None
            };
            match (got, out.as_mut()) {
                (Some(x), Some(o)) => {
                    o.insert(name, x);
                }
                _ => out = None,
            }
        }
        out
    }

    /// A list of numbers (any length); every bad item is reported.
    fn numbers(&mut self, v: &Value<'_>, what: &str) -> Option<Vec<Decimal>> {
        let Some(items) = v.get_ref().as_array() else {
            self.bad(
                v,
                format!(
                    "{what} must be a list of numbers; found {}",
                    v.get_ref().type_str()
                ),
                Some("for example [0.5, -1, \"0.1\"]".to_string()),
            );
            return None;
        };
        let mut out = Some(Vec::with_capacity(items.len()));
        for (i, item) in items.iter().enumerate() {
            let label = format!("{what}, number {}", i + 1);
            match (self.number(item, &label), out.as_mut()) {
                (Some(d), Some(o)) => o.push(d),
                _ => out = None,
            }
        }
        out
    }

    /// One exact decimal from an integer, a float (via its shortest decimal
    /// form, never via binary) or a decimal string.
    fn number(&mut self, v: &Value<'_>, what: &str) -> Option<Decimal> {
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => i128::from_str_radix(i.as_str(), i.radix())
                .map_err(|_| format!("{what}: {i} is too large for an exact decimal"))
                .and_then(|n| to_decimal(&n.to_string(), what, &i.to_string())),
            DeValue::Float(f) => match f.as_str().parse::<f64>() {
                Ok(x) if x.is_finite() => to_decimal(&x.to_string(), what, f.as_str()),
                _ => Err(format!("{what}: {f} is not a finite number")),
            },
            DeValue::String(s) if is_decimal_literal(s) => to_decimal(s, what, &format!("\"{s}\"")),
            DeValue::String(s) => Err(format!("{what}: \"{s}\" is not a decimal number")),
            other => Err(format!(
                "{what} must be a number; found {}",
                other.type_str()
            )),
        };
        match parsed {
            Ok(d) => Some(d.normalize()),
            Err(message) => {
                let hint = "write numbers like 0.5 or -2, or as decimal strings like \"0.1\"";
                self.bad(v, message, Some(hint.to_string()));
                None
            }
        }
    }
}

/// `text` (a plain decimal) as an exact `Decimal`; `shown` is how the
/// author wrote it, for the message.
pub(super) fn to_decimal(text: &str, what: &str, shown: &str) -> Result<Decimal, String> {
    Decimal::from_str_exact(text).map_err(|e| match e {
        rust_decimal::Error::Underflow => format!(
            "{what}: {shown} has more than 28 decimals, more than an exact decimal can hold"
        ),
        _ => format!("{what}: {shown} is too large for an exact decimal (at most 28 digits)"),
    })
}

/// Optional sign, digits, optionally a point and more digits: `-0.25`, `3`.
pub(super) fn is_decimal_literal(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int_part) && frac_part.is_none_or(digits)
}
