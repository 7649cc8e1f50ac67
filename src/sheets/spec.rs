//! The `exercise` block's arguments: what each exercise type needs, read
//! and checked without the model (so `check` reports every mistake), with
//! the author's column for each problem.

use crate::diag::did_you_mean;
use crate::shortcodes::{Args, Fail};
use rust_decimal::Decimal;

/// The kinds of exercise a sheet can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExType {
    Neuron,
    Layers,
    Pairs,
    ToyImage,
    DesignKey,
    DesignWin,
    RankDigits,
    RemovePair,
}

/// An exercise type: name, type, default title, default minutes, the
/// arguments it takes beyond the common ones.
pub(crate) type TypeRow = (
    &'static str,
    ExType,
    &'static str,
    u32,
    &'static [&'static str],
);

/// Every exercise type, as [`TypeRow`]s.
pub(crate) const TYPES: [TypeRow; 8] = [
    (
        "neuron",
        ExType::Neuron,
        "A single neuron",
        8,
        &["net", "inputs", "range", "input_range", "decimals"],
    ),
    (
        "layer-by-layer",
        ExType::Layers,
        "A small network, layer by layer",
        10,
        &["net", "inputs", "range", "input_range", "decimals", "tie"],
    ),
    (
        "pair-by-pair",
        ExType::Pairs,
        "The same network, pair by pair",
        10,
        &["net", "inputs", "range", "input_range", "decimals", "tie"],
    ),
    (
        "toy-image",
        ExType::ToyImage,
        "Reading tiny images",
        10,
        &["net", "inputs", "range", "decimals", "tie"],
    ),
    (
        "design-key",
        ExType::DesignKey,
        "Design a key",
        8,
        &["net", "pixels"],
    ),
    (
        "design-win",
        ExType::DesignWin,
        "Can this output ever win?",
        8,
        &["net", "output", "range", "decimals"],
    ),
    (
        "rank-digits",
        ExType::RankDigits,
        "Which digit does this key fire for?",
        10,
        &["pair", "examples"],
    ),
    (
        "remove-pair",
        ExType::RemovePair,
        "Take one pair away",
        12,
        &["example", "top", "remove"],
    ),
];

/// Arguments every exercise takes.
pub(crate) const COMMON: [&str; 5] = ["type", "title", "minutes", "space", "expect"];

/// The answer space below the questions (beyond the answer boxes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Space {
    /// Only the answer boxes.
    Boxes,
    /// N ruled lines for working.
    Lines(u32),
    /// A blank grid, rows × columns.
    Grid(u32, u32),
}

/// A closed range of decimals `lo..hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecRange {
    pub lo: Decimal,
    pub hi: Decimal,
}

impl std::fmt::Display for DecRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.lo, self.hi)
    }
}

/// One exercise block, read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExSpec {
    pub ty: ExType,
    pub type_name: &'static str,
    pub title: String,
    pub minutes: u32,
    pub space: Space,
    pub net: Option<String>,
    pub inputs: Vec<String>,
    pub range: Option<DecRange>,
    pub input_range: Option<DecRange>,
    pub decimals: u32,
    pub tie: bool,
    pub pixels: Vec<String>,
    pub output: Option<String>,
    pub pair: Option<i64>,
    /// Selectors, with the offset of each in the document body.
    pub examples: Vec<(String, usize)>,
    pub example: Option<String>,
    pub top: usize,
    pub remove: Option<usize>,
    pub expect: Option<String>,
}

fn parse_range(s: &str, at: usize) -> Result<DecRange, Fail> {
    let clean = s.replace('\u{2212}', "-");
    let bad = || {
        Fail::new(at + 1, format!("`{s}` is not a range"))
            .hint("write it as \"lo..hi\", e.g. \"-2..2\" or \"0..1.5\"")
    };
    let (lo, hi) = clean.split_once("..").ok_or_else(bad)?;
    let lo: Decimal = lo.trim().parse().map_err(|_| bad())?;
    let hi: Decimal = hi.trim().parse().map_err(|_| bad())?;
    if lo >= hi {
        return Err(Fail::new(
            at + 1,
            format!("the range `{s}` is empty: its start must be below its end"),
        ));
    }
    if lo.abs() > Decimal::from(100) || hi.abs() > Decimal::from(100) {
        return Err(Fail::new(
            at + 1,
            format!("the range `{s}` is too wide for pen and paper (keep it within −100..100)"),
        ));
    }
    Ok(DecRange { lo, hi })
}

fn parse_space(s: &str, at: usize) -> Result<Space, Fail> {
    let bad = || {
        Fail::new(at + 1, format!("unknown answer space `{s}`"))
            .hint("space is \"boxes\", \"lines N\" (1–30) or \"grid RxC\" (up to 30×30)")
    };
    let mut words = s.split_whitespace();
    let space = match (words.next(), words.next(), words.next()) {
        (Some("boxes"), None, None) => Space::Boxes,
        (Some("lines"), Some(n), None) => {
            let n: u32 = n.parse().map_err(|_| bad())?;
            if !(1..=30).contains(&n) {
                return Err(bad());
            }
            Space::Lines(n)
        }
        (Some("grid"), Some(rc), None) => {
            let (r, c) = rc.split_once(['x', '×']).ok_or_else(bad)?;
            let r: u32 = r.parse().map_err(|_| bad())?;
            let c: u32 = c.parse().map_err(|_| bad())?;
            if !(1..=30).contains(&r) || !(1..=30).contains(&c) {
                return Err(bad());
            }
            Space::Grid(r, c)
        }
        _ => return Err(bad()),
    };
    Ok(space)
}

/// Reads an `exercise` call (already checked against the shortcode table:
/// names and types of arguments). Every problem is returned.
pub(crate) fn read(args: &Args) -> Result<ExSpec, Vec<Fail>> {
    let mut fails = Vec::new();
    let &(name, ty, title, minutes, extra) = type_of(args)?;
    check_taken(args, name, extra, &mut fails);
    check_needed(args, name, ty, extra, &mut fails);
    let minutes = read_minutes(args, minutes, &mut fails);
    let range = read_range(args, "range", &mut fails);
    let input_range = read_range(args, "input_range", &mut fails);
    let space = read_space(args, ty, &mut fails);
    let decimals = read_decimals(args, &mut fails);
    let examples = read_examples(args, &mut fails);
    let top = read_top(args, &mut fails);
    let remove = read_remove(args, top, &mut fails);
    check_pair_with_examples(args, &mut fails);
    let pixels = words(args, "pixels");
    if args.has("pixels") && pixels.len() < 2 {
        fails.push(
            Fail::new(args.at("pixels"), "`pixels` must name at least two inputs")
                .hint("e.g. pixels=\"a d\""),
        );
    }
    let spec = ExSpec {
        ty,
        type_name: name,
        title: args.str("title").unwrap_or(title).to_string(),
        minutes,
        space,
        net: args.str("net").map(str::to_string),
        inputs: words(args, "inputs"),
        range,
        input_range,
        decimals,
        tie: args.bool("tie").unwrap_or(false),
        pixels,
        output: args.str("output").map(str::to_string),
        pair: args.int("pair"),
        examples,
        example: args.str("example").map(str::to_string),
        top,
        remove,
        expect: args.str("expect").map(str::to_string),
    };
    if fails.is_empty() {
        Ok(spec)
    } else {
        Err(fails)
    }
}

/// The row of [`TYPES`] the call's `type` names (the only problem that
/// stops the reading).
fn type_of(args: &Args) -> Result<&'static TypeRow, Vec<Fail>> {
    let type_name = args.str("type").unwrap_or_default();
    TYPES.iter().find(|t| t.0 == type_name).ok_or_else(|| {
        let hint = match did_you_mean(type_name, TYPES.iter().map(|t| t.0)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "types are: {}",
                TYPES.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")
            ),
        };
        vec![
            Fail::new(
                args.at("type") + 1,
                format!("unknown exercise type `{type_name}`"),
            )
            .hint(hint),
        ]
    })
}

/// Each argument the type `name` does not take (beyond [`COMMON`] and its
/// `extra` ones).
fn check_taken(args: &Args, name: &str, extra: &[&str], fails: &mut Vec<Fail>) {
    for arg in &args.0.args {
        if !COMMON.contains(&arg.name.as_str()) && !extra.contains(&arg.name.as_str()) {
            fails.push(
                Fail::new(
                    arg.name_at,
                    format!("a `{name}` exercise does not take `{}`", arg.name),
                )
                .hint(format!(
                    "it takes: {}",
                    COMMON
                        .iter()
                        .chain(extra.iter())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
}

/// The arguments the type needs and the call leaves out: `net` for the toy
/// types, `pixels` for design-key, `output` for design-win.
fn check_needed(args: &Args, name: &str, ty: ExType, extra: &[&str], fails: &mut Vec<Fail>) {
    let needs = |arg: &str, fails: &mut Vec<Fail>| {
        if !args.has(arg) {
            fails.push(
                Fail::new(args.0.name_at, format!("a `{name}` exercise needs `{arg}`")).hint(
                    match arg {
                        "net" => "net=\"…\": a toy network of content/nets/".to_string(),
                        "pixels" => "pixels=\"a d\": the inputs that must all be inked".to_string(),
                        "output" => "output=\"…\": one of the net's outputs, by name".to_string(),
                        _ => format!("{arg}=…"),
                    },
                ),
            );
        }
    };
    if extra.contains(&"net") {
        needs("net", fails);
    }
    match ty {
        ExType::DesignKey => needs("pixels", fails),
        ExType::DesignWin => needs("output", fails),
        _ => {}
    }
}

/// `minutes`, 1 to 120 (else the type's default).
fn read_minutes(args: &Args, default: u32, fails: &mut Vec<Fail>) -> u32 {
    match args.int("minutes") {
        None => default,
        Some(m) if (1..=120).contains(&m) => m as u32,
        Some(m) => {
            fails.push(Fail::new(
                args.at("minutes"),
                format!("`minutes` must be between 1 and 120, not {m}"),
            ));
            default
        }
    }
}

/// A range argument (`range`, `input_range`), if given and well formed.
fn read_range(args: &Args, arg: &str, fails: &mut Vec<Fail>) -> Option<DecRange> {
    match args.str(arg) {
        None => None,
        Some(s) => match parse_range(s, args.at(arg)) {
            Ok(r) => Some(r),
            Err(f) => {
                fails.push(f);
                None
            }
        },
    }
}

/// `space`; without it, boxes only for design-key and remove-pair and four
/// lines for the others.
fn read_space(args: &Args, ty: ExType, fails: &mut Vec<Fail>) -> Space {
    match args.str("space") {
        None => match ty {
            ExType::DesignKey | ExType::RemovePair => Space::Boxes,
            _ => Space::Lines(4),
        },
        Some(s) => parse_space(s, args.at("space")).unwrap_or_else(|f| {
            fails.push(f);
            Space::Boxes
        }),
    }
}

/// `decimals` of the drawn numbers: 0, 1 or 2 (default 1).
fn read_decimals(args: &Args, fails: &mut Vec<Fail>) -> u32 {
    match args.int("decimals") {
        None => 1,
        Some(d) if (0..=2).contains(&d) => d as u32,
        Some(d) => {
            fails.push(Fail::new(
                args.at("decimals"),
                format!("`decimals` must be 0, 1 or 2, not {d}"),
            ));
            1
        }
    }
}

/// A list argument's words, split at spaces and commas.
fn words(args: &Args, arg: &str) -> Vec<String> {
    args.str(arg)
        .unwrap_or_default()
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// `examples`: three selectors separated by `;`, each with its offset in
/// the document body.
fn read_examples(args: &Args, fails: &mut Vec<Fail>) -> Vec<(String, usize)> {
    let mut examples = Vec::new();
    if let Some(s) = args.str("examples") {
        let base = args.at("examples") + 1;
        let mut offset = 0;
        for part in s.split(';') {
            let lead = part.len() - part.trim_start().len();
            let sel = part.trim();
            if !sel.is_empty() {
                if let Err(e) = crate::kv::select::Selector::parse(sel) {
                    fails.push(Fail::selector(e, base + offset + lead));
                }
                examples.push((sel.to_string(), base + offset + lead));
            }
            offset += part.len() + 1;
        }
        if examples.len() != 3 {
            fails.push(
                Fail::new(
                    args.at("examples"),
                    format!(
                        "`examples` names {} images; ranking needs 3",
                        examples.len()
                    ),
                )
                .hint("three selectors separated by `;`, e.g. \"test:0; test:1; test:2\""),
            );
        }
    }
    examples
}

/// `top`: how many pairs remove-pair prints, 2 to 8 (default 5).
fn read_top(args: &Args, fails: &mut Vec<Fail>) -> usize {
    match args.int("top") {
        None => 5,
        Some(t) if (2..=8).contains(&t) => t as usize,
        Some(t) => {
            fails.push(Fail::new(
                args.at("top"),
                format!("`top` must be between 2 and 8 (pairs printed), not {t}"),
            ));
            5
        }
    }
}

/// `remove`: a rank among the `top` printed pairs.
fn read_remove(args: &Args, top: usize, fails: &mut Vec<Fail>) -> Option<usize> {
    match args.int("remove") {
        None => None,
        Some(r) if r >= 1 && (r as usize) <= top => Some(r as usize),
        Some(r) => {
            fails.push(Fail::new(
                args.at("remove"),
                format!("`remove` is a rank among the {top} printed pairs (1–{top}), not {r}"),
            ));
            None
        }
    }
}

/// `pair` and `examples` fix variant 1 of rank-digits only together.
fn check_pair_with_examples(args: &Args, fails: &mut Vec<Fail>) {
    if args.has("pair") != args.has("examples") {
        let (given, missing) = if args.has("pair") {
            ("pair", "examples")
        } else {
            ("examples", "pair")
        };
        fails.push(
            Fail::new(
                args.at(given),
                format!("`{given}` fixes variant 1 only together with `{missing}`"),
            )
            .hint("give both (the key and its three digits), or neither to let kvlens choose"),
        );
    }
}

/// A body split at its `Hint:`, `Stretch:` and `Discussion:` paragraphs
/// (byte ranges of the document body; each label's own text excluded).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct BodyParts {
    pub question: std::ops::Range<usize>,
    pub hint: Option<std::ops::Range<usize>>,
    pub stretch: Option<std::ops::Range<usize>>,
    pub discussion: Option<std::ops::Range<usize>>,
}

/// The labels that start a part of an exercise's body.
pub(crate) const LABELS: [&str; 3] = ["Hint:", "Stretch:", "Discussion:"];

/// Splits the block body `range` of `body`: a paragraph that starts with
/// one of [`LABELS`] (at the start of a line after a blank line, or first)
/// runs to the next label. Each label may appear once.
pub(crate) fn split_body(body: &str, range: std::ops::Range<usize>) -> Result<BodyParts, Fail> {
    let mut starts: Vec<(usize, usize, &str)> = Vec::new(); // (line start, text start, label)
    let mut pos = range.start;
    let mut after_blank = true;
    for line in body[range.clone()].split_inclusive('\n') {
        let trimmed = line.trim_start();
        if after_blank && let Some(label) = LABELS.iter().find(|l| trimmed.starts_with(**l)) {
            let after = &trimmed[label.len()..];
            let text = pos
                + (line.len() - trimmed.len())
                + label.len()
                + (after.len() - after.trim_start_matches([' ', '\t']).len());
            if starts.iter().any(|s| s.2 == *label) {
                return Err(Fail::new(
                    pos + (line.len() - trimmed.len()),
                    format!("a second `{label}` paragraph in this exercise"),
                )
                .hint(
                    "each exercise has at most one hint, one stretch question and one discussion",
                ));
            }
            starts.push((pos, text, label));
        }
        after_blank = line.trim().is_empty();
        pos += line.len();
    }
    let mut parts = BodyParts {
        question: range.start..starts.first().map_or(range.end, |s| s.0),
        ..Default::default()
    };
    for (i, &(_, text, label)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(range.end, |s| s.0);
        let r = Some(text..end);
        match label {
            "Hint:" => parts.hint = r,
            "Stretch:" => parts.stretch = r,
            _ => parts.discussion = r,
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_spaces() {
        assert_eq!(
            parse_range("-2..2", 0).unwrap(),
            DecRange {
                lo: Decimal::from(-2),
                hi: Decimal::from(2)
            }
        );
        assert_eq!(
            parse_range("−1.5..0.5", 0).unwrap().lo,
            "-1.5".parse().unwrap()
        );
        assert!(
            parse_range("2..-2", 0)
                .unwrap_err()
                .message
                .contains("empty")
        );
        assert!(parse_range("2 to 3", 4).unwrap_err().at == 5);
        assert_eq!(parse_space("lines 4", 0).unwrap(), Space::Lines(4));
        assert_eq!(parse_space("grid 6x8", 0).unwrap(), Space::Grid(6, 8));
        assert_eq!(parse_space("boxes", 0).unwrap(), Space::Boxes);
        assert!(parse_space("lines", 0).is_err());
        assert!(parse_space("grid 0x3", 0).is_err());
    }

    #[test]
    fn body_splits_at_labels() {
        let body = "Compute it.\n\nHint: weights first.\n\nStretch: and then?\nmore\n";
        let p = split_body(body, 0..body.len()).unwrap();
        assert_eq!(&body[p.question.clone()], "Compute it.\n\n");
        assert_eq!(&body[p.hint.unwrap()], "weights first.\n\n");
        assert_eq!(&body[p.stretch.unwrap()], "and then?\nmore\n");
        assert!(p.discussion.is_none());
        // A label inside a paragraph is text.
        let body = "Compute it.\nHint: not a label\n";
        assert!(split_body(body, 0..body.len()).unwrap().hint.is_none());
        let body = "Q\n\nHint: a\n\nHint: b\n";
        let e = split_body(body, 0..body.len()).unwrap_err();
        assert_eq!(e.at, 12);
    }
}
