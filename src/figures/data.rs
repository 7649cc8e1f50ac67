//! The numbers a figure draws, as a file beside its SVG: a flat table
//! (`<id>.csv`) or nested data (`<id>.json`). Every family builds its data
//! from the same values it draws, never by recomputing them.
//!
//! Number text is fixed so the files repeat byte for byte: floats are
//! written as the shortest decimal that reads back as the same `f32` (the
//! model's weights) or `f64` (sums computed from them), with an ASCII `-`,
//! no exponent and never `-0`; non-finite values are empty CSV cells or JSON
//! `null`. Exact decimals of toy nets are written by `num::exact`. CSV has a
//! header row, columns in a fixed order, and `\n` line ends.

use rust_decimal::Decimal;
use serde_json::{Map, Number, Value};

#[cfg(test)]
mod family_tests;
mod mnist;
mod toy;
pub(crate) use mnist::*;
pub(crate) use toy::*;

/// The data of one figure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FigureData {
    /// A flat table, written as CSV.
    Table(Table),
    /// Nested data, written as pretty JSON (object keys sorted).
    Json(Value),
}

impl FigureData {
    /// The file extension: `csv` or `json`.
    pub(crate) fn extension(&self) -> &'static str {
        match self {
            FigureData::Table(_) => "csv",
            FigureData::Json(_) => "json",
        }
    }

    /// What the link says: `CSV` or `JSON`.
    pub(crate) fn format_name(&self) -> &'static str {
        match self {
            FigureData::Table(_) => "CSV",
            FigureData::Json(_) => "JSON",
        }
    }

    /// The file's text, ending in a newline.
    pub(crate) fn to_text(&self) -> String {
        match self {
            FigureData::Table(t) => t.to_csv(),
            FigureData::Json(v) => json_text(v),
        }
    }

    #[cfg(test)]
    /// The table, if this is one.
    pub(crate) fn table(&self) -> Option<&Table> {
        match self {
            FigureData::Table(t) => Some(t),
            FigureData::Json(_) => None,
        }
    }

    #[cfg(test)]
    /// The JSON value, if this is one.
    pub(crate) fn json(&self) -> Option<&Value> {
        match self {
            FigureData::Json(v) => Some(v),
            FigureData::Table(_) => None,
        }
    }
}

/// `v` as indented JSON ending in a newline, with every array of plain
/// numbers, strings or booleans on one line, its items separated by a bare
/// comma (a space after each of the data files' 60 000 numbers is 0.1 MB).
pub(crate) fn json_text(v: &Value) -> String {
    let mut s = String::new();
    write_json(&mut s, v, 0);
    s.push('\n');
    s
}

/// `v` as indented JSON, with every array of plain numbers, strings or
/// booleans on one line (`serde_json`'s pretty printer puts each of a key's
/// 784 weights on a line of its own, a third of the file in indentation).
fn write_json(out: &mut String, v: &Value, depth: usize) {
    let scalar = |v: &Value| !matches!(v, Value::Array(_) | Value::Object(_));
    let indent = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    match v {
        Value::Array(items) if items.iter().all(scalar) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&item.to_string());
            }
            out.push(']');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i > 0 { "," } else { "" });
                indent(out, depth + 1);
                write_json(out, item, depth + 1);
            }
            indent(out, depth);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                out.push_str(if i > 0 { "," } else { "" });
                indent(out, depth + 1);
                out.push_str(&Value::String(k.clone()).to_string());
                out.push_str(": ");
                write_json(out, item, depth + 1);
            }
            indent(out, depth);
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Int(i64),
    F32(f32),
    F64(f64),
    Dec(Decimal),
    Text(String),
    /// An empty cell (a summary row has no pixel).
    Empty,
}

impl Cell {
    #[cfg(test)]
    /// The cell as a number, if it is one.
    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::F32(x) => Some(f64::from(*x)),
            Cell::F64(x) => Some(*x),
            Cell::Dec(d) => d.to_string().parse().ok(),
            Cell::Text(_) | Cell::Empty => None,
        }
    }

    fn to_csv(&self) -> String {
        match self {
            Cell::Int(i) => i.to_string(),
            Cell::F32(x) => shortest32(*x),
            Cell::F64(x) => shortest64(*x),
            Cell::Dec(d) => crate::num::exact(d),
            Cell::Empty => String::new(),
            Cell::Text(s) => {
                if s.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s.clone()
                }
            }
        }
    }
}

impl From<usize> for Cell {
    fn from(v: usize) -> Cell {
        Cell::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<u8> for Cell {
    fn from(v: u8) -> Cell {
        Cell::Int(i64::from(v))
    }
}
impl From<f32> for Cell {
    fn from(v: f32) -> Cell {
        Cell::F32(v)
    }
}
impl From<f64> for Cell {
    fn from(v: f64) -> Cell {
        Cell::F64(v)
    }
}
impl From<Decimal> for Cell {
    fn from(v: Decimal) -> Cell {
        Cell::Dec(v)
    }
}
impl From<&Decimal> for Cell {
    fn from(v: &Decimal) -> Cell {
        Cell::Dec(*v)
    }
}
impl From<&str> for Cell {
    fn from(v: &str) -> Cell {
        Cell::Text(v.to_string())
    }
}
impl From<String> for Cell {
    fn from(v: String) -> Cell {
        Cell::Text(v)
    }
}
impl From<bool> for Cell {
    fn from(v: bool) -> Cell {
        Cell::Text(if v { "true" } else { "false" }.to_string())
    }
}

/// A table: named columns, rows of cells in the same order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<Cell>>,
}

impl Table {
    pub(crate) fn new(columns: &[&str]) -> Table {
        Table {
            columns: columns.iter().map(|c| (*c).to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; it must have one cell per column.
    pub(crate) fn row(&mut self, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.columns.len(), "{:?}", self.columns);
        self.rows.push(cells);
    }

    #[cfg(test)]
    /// The index of column `name`.
    pub(crate) fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    #[cfg(test)]
    /// Every number of column `name`, in row order (non-numbers skipped).
    pub(crate) fn numbers(&self, name: &str) -> Vec<f64> {
        let Some(c) = self.column(name) else {
            return Vec::new();
        };
        self.rows
            .iter()
            .filter_map(|r| r.get(c).and_then(Cell::as_f64))
            .collect()
    }

    fn to_csv(&self) -> String {
        let mut s = self.columns.join(",");
        s.push('\n');
        for r in &self.rows {
            let cells: Vec<String> = r.iter().map(Cell::to_csv).collect();
            s.push_str(&cells.join(","));
            s.push('\n');
        }
        s
    }

    /// The table as data.
    pub(crate) fn data(self) -> FigureData {
        FigureData::Table(self)
    }
}

/// The shortest decimal that reads back as `x` (an `f32`): no exponent, an
/// ASCII minus, never `-0`, empty when not finite.
pub(crate) fn shortest32(x: f32) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    format!("{x}")
}

/// The shortest decimal that reads back as `x` (an `f64`); as [`shortest32`].
/// A value that is exactly an `f32` (a weight widened to `f64` for drawing)
/// is written as that `f32`'s shortest decimal: it reads back exactly as an
/// `f32`, which is what the model holds.
pub(crate) fn shortest64(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let narrow = x as f32;
    if f64::from(narrow) == x {
        return shortest32(narrow);
    }
    format!("{x}")
}

/// An `f32` as a JSON number printed by its shortest decimal (so 0.1f32 is
/// `0.1`, not `0.10000000149011612`); `null` when not finite.
pub(crate) fn j32(x: f32) -> Value {
    if !x.is_finite() {
        return Value::Null;
    }
    shortest32(x)
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// An `f64` as a JSON number; `null` when not finite; `-0` as `0`; a value
/// that is exactly an `f32` is written as that `f32` (see [`shortest64`]).
pub(crate) fn j64(x: f64) -> Value {
    if x == 0.0 {
        return Value::from(0);
    }
    shortest64(x)
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// An exact decimal as a JSON number: integers stay integers, others go
/// through their exact text (toy nets' numbers are short decimals, which
/// JSON's shortest float printing gives back unchanged).
pub(crate) fn jdec(d: &Decimal) -> Value {
    let text = crate::num::exact(d);
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or(Value::String(text), Value::Number)
}

/// A list of decimals as a JSON array.
pub(crate) fn jdecs(ds: &[Decimal]) -> Value {
    Value::Array(ds.iter().map(jdec).collect())
}

/// A list of `f32` as a JSON array.
pub(crate) fn j32s(xs: &[f32]) -> Value {
    Value::Array(xs.iter().map(|x| j32(*x)).collect())
}

/// A list of `f64` as a JSON array.
pub(crate) fn j64s(xs: &[f64]) -> Value {
    Value::Array(xs.iter().map(|x| j64(*x)).collect())
}

/// A JSON object from (key, value) pairs.
pub(crate) fn obj(entries: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

#[cfg(test)]
/// Every number written in `text` (ASCII or typographic minus, decimals,
/// thin-space grouped thousands), in order: the checks compare a figure's
/// description with its data.
pub(crate) fn numbers_in(text: &str) -> Vec<(f64, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric()) {
            let negative = i > 0
                && (chars[i - 1] == '\u{2212}'
                    || (chars[i - 1] == '-' && (i == 1 || !chars[i - 2].is_alphanumeric())));
            let mut s = String::new();
            let mut decimals = 0;
            let mut in_frac = false;
            while i < chars.len() {
                let c = chars[i];
                if c.is_ascii_digit() {
                    s.push(c);
                    if in_frac && !s.contains('e') {
                        decimals += 1;
                    }
                } else if c == '.' && !in_frac && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                {
                    s.push('.');
                    in_frac = true;
                } else if (c == 'e' || c == 'E')
                    && !s.contains('e')
                    && (chars.get(i + 1).is_some_and(char::is_ascii_digit)
                        || (matches!(chars.get(i + 1), Some('-' | '+'))
                            && chars.get(i + 2).is_some_and(char::is_ascii_digit)))
                {
                    // An exponent (JSON prints very small numbers so).
                    s.push('e');
                    if let Some(sign @ ('-' | '+')) = chars.get(i + 1) {
                        s.push(*sign);
                        i += 1;
                    }
                } else if c == '\u{202f}'
                    && !in_frac
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                {
                    // grouped thousands
                } else {
                    break;
                }
                i += 1;
            }
            if let Ok(v) = s.parse::<f64>() {
                out.push((if negative { -v } else { v }, decimals));
            }
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
/// The numbers with decimals written in `description` that no number in
/// the data file's text `data` gives at the description's rounding (as the
/// number itself, as a percentage of it, or as its magnitude). Whole
/// numbers (counts, indices, sizes) are not checked. `num::fixed` rounds on
/// three guard digits (0.3594999 prints as 0.360), so the tolerance is half
/// a unit of the last decimal and a thousandth of that more.
pub(crate) fn unmatched(description: &str, data: &str) -> Vec<String> {
    let mut have: Vec<f64> = numbers_in(data).into_iter().map(|(v, _)| v).collect();
    have.sort_by(f64::total_cmp);
    let near = |v: f64, tol: f64| {
        let from = have.partition_point(|&x| x < v - tol);
        have.get(from).is_some_and(|&x| x <= v + tol)
    };
    numbers_in(description)
        .into_iter()
        .filter(|&(_, decimals)| decimals > 0)
        .filter(|&(v, decimals)| {
            let tol = 0.5 * 10f64.powi(-(decimals as i32)) * 1.001 + 1e-12;
            !(near(v, tol) || near(-v, tol) || near(v / 100.0, tol / 100.0))
        })
        .map(|(v, d)| format!("{v:.d$}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_shortest_and_read_back() {
        for x in [0.1f32, -0.3, 1e-7, 123456.79, f32::MIN_POSITIVE] {
            let s = shortest32(x);
            assert!(!s.contains('e'), "{s}");
            assert_eq!(s.parse::<f32>().unwrap(), x);
        }
        assert_eq!(shortest32(-0.0), "0");
        assert_eq!(shortest64(-0.0), "0");
        assert_eq!(shortest32(f32::NAN), "");
        assert_eq!(j32(0.1).to_string(), "0.1");
        assert_eq!(j64(-0.0).to_string(), "0");
        assert_eq!(j32(f32::INFINITY), Value::Null);
    }

    #[test]
    fn json_keeps_number_arrays_on_one_line_and_reads_back() {
        let v = obj(vec![
            ("key", j32s(&[0.1, -0.25, 3.0])),
            ("empty", Value::Array(vec![])),
            (
                "rows",
                Value::Array(vec![j32s(&[1.0]), obj(vec![("a", "x\"y".into())])]),
            ),
            ("none", obj(vec![])),
        ]);
        let text = FigureData::Json(v.clone()).to_text();
        assert_eq!(
            text,
            "{\n  \"empty\": [],\n  \"key\": [0.1,-0.25,3.0],\n  \"none\": {},\n  \"rows\": [\n    [1.0],\n    {\n      \"a\": \"x\\\"y\"\n    }\n  ]\n}\n"
        );
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
    }

    #[test]
    fn csv_quotes_text_and_ends_lines_with_newline() {
        let mut t = Table::new(&["name", "x"]);
        t.row(vec!["a, \"b\"".into(), 1.5f32.into()]);
        t.row(vec!["c".into(), Cell::Int(-2)]);
        assert_eq!(t.to_csv(), "name,x\n\"a, \"\"b\"\"\",1.5\nc,-2\n");
        assert_eq!(t.numbers("x"), vec![1.5, -2.0]);
    }

    #[test]
    fn numbers_are_read_from_prose() {
        let n = numbers_in("logit \u{2212}3.25 after 8 pairs, 10\u{202f}000 images, pair-12");
        assert_eq!(n, vec![(-3.25, 2), (8.0, 0), (10000.0, 0), (12.0, 0)]);
        assert_eq!(
            numbers_in("[1.5e-8, -2E3]"),
            vec![(1.5e-8, 1), (-2000.0, 0)]
        );
    }

    #[test]
    fn description_numbers_are_found_at_their_rounding() {
        let data = "x,y\n0.12345,-2.5\n0.975,3\n";
        assert!(unmatched("lead 0.12, then \u{2212}2.50, 97.5 %, 2.50", data).is_empty());
        assert_eq!(unmatched("lead 0.13 and 7 pairs", data), vec!["0.13"]);
    }
}
