//! Example selectors: a small language that names an MNIST image by what it
//! shows rather than by a number that a retrain would invalidate.
//!
//! ```text
//! selector   := choice ( "|" choice )*         first choice that matches wins
//! choice     := ("test" | "train") ":" INDEX
//!             | "blank"                        the all-zero image
//!             | FUNCTION "(" [ filter ( "," filter )* ] ")"
//! FUNCTION   := first | most-confident | least-confident | misclassified
//!             | sharpest | flattest | common-mistake
//! filter     := digit=D | true=D | predicted=D | correct | wrong
//!             | flips-after>=F | flips-after<=F     (F a fraction, 0 to 1)
//!             | rank=K | except=T>P                 (common-mistake only)
//! ```
//! Functions search the test set. `first` takes the lowest index;
//! `most-`/`least-confident` rank by the softmax probability of the
//! predicted digit; `sharpest`/`flattest` by the share of the activation
//! carried by the top 10 pairs; `misclassified` is `first` with `wrong`.
//! `common-mistake(rank=K)` is the first image of the K-th most frequent
//! kind of mistake (off-diagonal confusion cell, counted over the images
//! the other filters allow; ties by true digit, then predicted digit);
//! `except=4>2` leaves the cell "4 read as 2" out of the count.
//! `flips-after` is the fraction of active pairs (decision ranking) needed
//! before the prediction settles. Ties go to the lower index. Errors carry
//! the byte offset in the selector text so callers can point at them.

use super::image::{DIGITS, analyse, softmax};
use crate::data::{Dataset, Split};
use crate::nn::Mlp;
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;

/// Which split an image comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitName {
    Test,
    Train,
    /// The all-zero image (what the net says about nothing).
    Blank,
}

/// A resolved image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selected {
    pub split: SplitName,
    pub index: usize,
}

impl Selected {
    /// The image's name for learners: "test image 247", "training image
    /// 12", "the blank image" (the `Display` form, `test:247`, is the
    /// selector syntax).
    pub fn learner_name(&self) -> String {
        match self.split {
            SplitName::Test => format!("test image {}", self.index),
            SplitName::Train => format!("training image {}", self.index),
            SplitName::Blank => "the blank image".to_string(),
        }
    }
}

impl std::fmt::Display for Selected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.split {
            SplitName::Test => write!(f, "test:{}", self.index),
            SplitName::Train => write!(f, "train:{}", self.index),
            SplitName::Blank => write!(f, "blank"),
        }
    }
}

/// A problem in a selector, at a byte offset of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError {
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for SelectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for SelectorError {}

const FUNCTIONS: [&str; 7] = [
    "first",
    "most-confident",
    "least-confident",
    "misclassified",
    "sharpest",
    "flattest",
    "common-mistake",
];
const FILTERS: [&str; 9] = [
    "rank",
    "except",
    "digit",
    "true",
    "predicted",
    "correct",
    "wrong",
    "flips-after>=",
    "flips-after<=",
];

#[derive(Debug, Clone, PartialEq)]
enum Choice {
    Index {
        split: SplitName,
        index: usize,
        at: usize,
    },
    Search {
        function: String,
        filters: Vec<Filter>,
        at: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Filter {
    Digit(u8),
    Predicted(u8),
    Correct,
    Wrong,
    FlipsAtLeast(f64),
    FlipsAtMost(f64),
    /// `common-mistake`: the K-th most frequent cell (1-based).
    Rank(usize),
    /// `common-mistake`: leave the cell (true, predicted) out.
    Except(u8, u8),
}

/// A parsed selector.
#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    text: String,
    choices: Vec<Choice>,
}

fn err(offset: usize, message: impl Into<String>, hint: Option<String>) -> SelectorError {
    SelectorError {
        offset,
        message: message.into(),
        hint,
    }
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let mut choices = Vec::new();
        let mut start = 0;
        for part in text.split('|') {
            choices.push(parse_choice(part, start)?);
            start += part.len() + 1;
        }
        Ok(Selector {
            text: text.to_string(),
            choices,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

fn parse_choice(part: &str, base: usize) -> Result<Choice, SelectorError> {
    let lead = part.len() - part.trim_start().len();
    let s = part.trim();
    let at = base + lead;
    if s.is_empty() {
        return Err(err(
            at,
            "empty selector",
            Some("for example `test:247` or `first(digit=0, correct)`".into()),
        ));
    }
    if s == "blank" {
        return Ok(Choice::Index {
            split: SplitName::Blank,
            index: 0,
            at,
        });
    }
    if let Some((split, index)) = s.split_once(':') {
        let split = match split.trim() {
            "test" => SplitName::Test,
            "train" => SplitName::Train,
            other => {
                return Err(err(
                    at,
                    format!("unknown split `{other}`"),
                    Some("use `test:N` or `train:N`".into()),
                ));
            }
        };
        let index_at = at + s.find(':').unwrap_or(0) + 1;
        let index = index.trim().parse::<usize>().map_err(|_| {
            err(
                index_at,
                format!("`{}` is not an image index", index.trim()),
                Some("indices start at 0".into()),
            )
        })?;
        return Ok(Choice::Index { split, index, at });
    }
    let (name, rest) = match s.find('(') {
        Some(i) => (s[..i].trim(), &s[i + 1..]),
        None => (s, ""),
    };
    if !FUNCTIONS.contains(&name) {
        let hint = crate::diag::did_you_mean(name, FUNCTIONS)
            .map(|b| format!("did you mean `{b}`?"))
            .unwrap_or_else(|| format!("known: test:N, train:N, {}", FUNCTIONS.join(", ")));
        return Err(err(at, format!("unknown selector `{name}`"), Some(hint)));
    }
    let Some(args) = rest.trim_end().strip_suffix(')') else {
        return Err(err(
            at + s.len(),
            format!("`{name}` needs its arguments in parentheses"),
            Some(format!("for example `{name}(digit=0)`")),
        ));
    };
    let args_at = at + s.find('(').unwrap_or(0) + 1;
    let mut filters = Vec::new();
    let mut off = args_at;
    for arg in args.split(',') {
        let a_at = off + (arg.len() - arg.trim_start().len());
        off += arg.len() + 1;
        let a = arg.trim();
        if a.is_empty() {
            if args.trim().is_empty() {
                break;
            }
            return Err(err(a_at, "empty argument", None));
        }
        filters.push(parse_filter(a, a_at)?);
    }
    let cell_only = filters
        .iter()
        .any(|f| matches!(f, Filter::Rank(_) | Filter::Except(..)));
    if cell_only && name != "common-mistake" {
        return Err(err(
            args_at,
            format!("`rank` and `except` belong to `common-mistake`, not `{name}`"),
            None,
        ));
    }
    if name == "misclassified" || name == "common-mistake" {
        filters.push(Filter::Wrong);
    }
    Ok(Choice::Search {
        function: name.to_string(),
        filters,
        at,
    })
}

fn parse_filter(a: &str, at: usize) -> Result<Filter, SelectorError> {
    let digit = |v: &str| -> Result<u8, SelectorError> {
        v.trim()
            .parse::<u8>()
            .ok()
            .filter(|d| usize::from(*d) < DIGITS)
            .ok_or_else(|| err(at, format!("`{}` is not a digit 0–9", v.trim()), None))
    };
    let fraction = |v: &str| -> Result<f64, SelectorError> {
        v.trim()
            .parse::<f64>()
            .ok()
            .filter(|f| (0.0..=1.0).contains(f))
            .ok_or_else(|| {
                err(
                    at,
                    format!("`{}` is not a fraction between 0 and 1", v.trim()),
                    None,
                )
            })
    };
    if let Some(v) = a.strip_prefix("flips-after>=") {
        return Ok(Filter::FlipsAtLeast(fraction(v)?));
    }
    if let Some(v) = a.strip_prefix("flips-after<=") {
        return Ok(Filter::FlipsAtMost(fraction(v)?));
    }
    match a.split_once('=') {
        Some((k, v)) => match k.trim() {
            "digit" | "true" => Ok(Filter::Digit(digit(v)?)),
            "predicted" => Ok(Filter::Predicted(digit(v)?)),
            "rank" => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|&k| k >= 1)
                .map(Filter::Rank)
                .ok_or_else(|| err(at, format!("`{}` is not a rank 1, 2, …", v.trim()), None)),
            "except" => {
                let (t, p) = v.split_once('>').ok_or_else(|| {
                    err(
                        at,
                        format!("`{}` is not a kind of mistake", v.trim()),
                        Some("write true digit > predicted digit, e.g. `except=4>2`".into()),
                    )
                })?;
                Ok(Filter::Except(digit(t)?, digit(p)?))
            }
            other => Err(unknown_filter(other, at)),
        },
        None => match a {
            "correct" => Ok(Filter::Correct),
            "wrong" => Ok(Filter::Wrong),
            other => Err(unknown_filter(other, at)),
        },
    }
}

fn unknown_filter(word: &str, at: usize) -> SelectorError {
    let names = FILTERS.map(|f| f.trim_end_matches(['>', '<', '=']));
    let hint = crate::diag::did_you_mean(word, names)
        .map(|b| format!("did you mean `{b}`?"))
        .unwrap_or_else(|| {
            "known: digit=D, true=D, predicted=D, correct, wrong, flips-after>=F, flips-after<=F, rank=K, except=T>P"
                .to_string()
        });
    err(at, format!("unknown filter `{word}`"), Some(hint))
}

/// What selectors search: the test set with the model's predictions.
/// Per-image analyses (for sharpness and flip points) are computed on demand.
pub struct Catalog<'a> {
    model: &'a Mlp,
    data: &'a Dataset,
    /// Per test image: (predicted digit or None on a tie, confidence).
    predictions: Vec<(Option<u8>, f64)>,
    /// Per test image: (top-10 share, settles fraction), filled lazily.
    shapes: Vec<OnceCell<(f64, f64)>>,
}

impl<'a> Catalog<'a> {
    pub fn new(model: &'a Mlp, data: &'a Dataset) -> Self {
        let logits = model.logits_of(&data.test);
        let predictions = logits
            .rows()
            .into_iter()
            .map(|row| {
                let l: [f64; DIGITS] = std::array::from_fn(|d| f64::from(row[d]));
                let p = super::image::Prediction::of(&l);
                let conf = softmax(&l).iter().copied().fold(0.0, f64::max);
                (p.digit().map(|d| d as u8), conf)
            })
            .collect();
        let shapes = (0..data.test.len()).map(|_| OnceCell::new()).collect();
        Catalog {
            model,
            data,
            predictions,
            shapes,
        }
    }

    /// The pixels (784 bytes) and label of a selected image (no label for `blank`).
    pub fn image(&self, s: Selected) -> (Vec<u8>, Option<u8>) {
        let split: &Split = match s.split {
            SplitName::Test => &self.data.test,
            SplitName::Train => &self.data.train,
            SplitName::Blank => return (vec![0; crate::data::PIXELS], None),
        };
        (
            split.image(s.index).to_vec(),
            split.labels.get(s.index).copied(),
        )
    }

    fn split_len(&self, s: SplitName) -> usize {
        match s {
            SplitName::Test => self.data.test.len(),
            SplitName::Train => self.data.train.len(),
            SplitName::Blank => 1,
        }
    }

    fn shape(&self, i: usize) -> (f64, f64) {
        *self.shapes[i].get_or_init(|| {
            let a = analyse(
                self.model,
                self.data.test.image(i),
                Some(self.data.test.labels[i]),
            );
            (a.profile.top10_share, a.by_decision.settles_fraction)
        })
    }

    fn matches(&self, i: usize, filters: &[Filter]) -> bool {
        let label = self.data.test.labels[i];
        let (pred, _) = self.predictions[i];
        filters.iter().all(|f| match f {
            Filter::Digit(d) => label == *d,
            Filter::Predicted(d) => pred == Some(*d),
            Filter::Correct => pred == Some(label),
            Filter::Wrong => pred != Some(label),
            Filter::FlipsAtLeast(x) => self.shape(i).1 >= *x,
            Filter::FlipsAtMost(x) => self.shape(i).1 <= *x,
            Filter::Rank(_) => true,
            Filter::Except(t, p) => !(label == *t && pred == Some(*p)),
        })
    }

    /// The first image of the K-th most frequent (true, predicted) cell
    /// among the images `filters` allow (ties by true, then predicted digit).
    fn common_mistake(&self, filters: &[Filter]) -> Option<usize> {
        let k = filters
            .iter()
            .find_map(|f| match f {
                Filter::Rank(k) => Some(*k),
                _ => None,
            })
            .unwrap_or(1);
        let mut cells = [[(0usize, usize::MAX); DIGITS]; DIGITS];
        for i in (0..self.data.test.len()).filter(|&i| self.matches(i, filters)) {
            let (Some(p), t) = (self.predictions[i].0, self.data.test.labels[i]) else {
                continue;
            };
            let Some(cell) = cells
                .get_mut(usize::from(t))
                .and_then(|row| row.get_mut(usize::from(p)))
            else {
                continue;
            };
            cell.0 += 1;
            cell.1 = cell.1.min(i);
        }
        let mut ranked: Vec<(usize, usize, usize, usize)> = (0..DIGITS)
            .flat_map(|t| (0..DIGITS).map(move |p| (t, p)))
            .map(|(t, p)| (cells[t][p].0, t, p, cells[t][p].1))
            .filter(|c| c.0 > 0)
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        ranked.get(k - 1).map(|c| c.3)
    }

    /// The first choice of `sel` that matches an image.
    pub fn resolve(&self, sel: &Selector) -> Result<Selected, SelectorError> {
        let mut misses = Vec::new();
        for choice in &sel.choices {
            match self.resolve_choice(choice) {
                Ok(s) => return Ok(s),
                Err(e) => misses.push(e),
            }
        }
        let first = misses
            .into_iter()
            .next()
            .unwrap_or_else(|| err(0, "empty selector", None));
        if sel.choices.len() > 1 {
            return Err(err(
                first.offset,
                format!("no alternative matched; the first: {}", first.message),
                Some("add a fallback after `|`, e.g. `… | first(digit=4)`".into()),
            ));
        }
        Err(first)
    }

    fn resolve_choice(&self, choice: &Choice) -> Result<Selected, SelectorError> {
        match choice {
            Choice::Index { split, index, at } => {
                let n = self.split_len(*split);
                if *index < n {
                    Ok(Selected {
                        split: *split,
                        index: *index,
                    })
                } else {
                    Err(err(
                        *at,
                        format!(
                            "image {index} is out of range: the {} set has {n} images (0 to {})",
                            if *split == SplitName::Train {
                                "training"
                            } else {
                                "test"
                            },
                            n.saturating_sub(1)
                        ),
                        None,
                    ))
                }
            }
            Choice::Search {
                function,
                filters,
                at,
            } => {
                let candidates = (0..self.data.test.len()).filter(|&i| self.matches(i, filters));
                let best = match function.as_str() {
                    "first" | "misclassified" => candidates.into_iter().next(),
                    "common-mistake" => self.common_mistake(filters),
                    "most-confident" => pick(candidates, |i| self.predictions[i].1, true),
                    "least-confident" => pick(candidates, |i| self.predictions[i].1, false),
                    "sharpest" => pick(candidates, |i| self.shape(i).0, true),
                    "flattest" => pick(candidates, |i| self.shape(i).0, false),
                    _ => None,
                };
                best.map(|index| Selected {
                    split: SplitName::Test,
                    index,
                })
                .ok_or_else(|| {
                    err(
                        *at,
                        "no test image matches this selector with the current model",
                        Some("loosen a filter or add a fallback with `|`".into()),
                    )
                })
            }
        }
    }
}

/// The candidate with the highest (or lowest) score; ties to the lower index.
fn pick(
    candidates: impl Iterator<Item = usize>,
    score: impl Fn(usize) -> f64,
    highest: bool,
) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for i in candidates {
        let s = score(i);
        let better = match best {
            None => true,
            Some((_, b)) => {
                if highest {
                    s > b
                } else {
                    s < b
                }
            }
        };
        if better {
            best = Some((i, s));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests;
