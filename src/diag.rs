//! Diagnostics: the one error shape for mistakes in authored files
//! (workshop.toml, toy nets, templates, content, shortcodes and claims).
//!
//! A [`Diagnostic`] names the file, and where it can the 1-based line and
//! column, says what is wrong and may carry a hint. [`Diagnostics`] collects
//! many so `check` can list every problem at once; it is a std error, so it
//! travels through `anyhow` and `main` prints it once.

use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// One problem in one authored file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path as the user should see it (relative to the workshop root when possible).
    pub file: PathBuf,
    /// 1-based line, when the problem has a position.
    pub line: Option<usize>,
    /// 1-based column in characters, when the problem has a position.
    pub col: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            col: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Places the diagnostic at a byte offset of `src`, the text of `file`.
    pub fn at_offset(mut self, src: &str, byte: usize) -> Self {
        let (line, col) = line_col(src, byte);
        self.line = Some(line);
        self.col = Some(col);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.col {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Several diagnostics, reported together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// `Ok(())` when empty, else `Err(self)`.
    pub fn into_result(self) -> Result<(), Diagnostics> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        if self.0.len() > 1 {
            write!(f, "\n{} problems", self.0.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// 1-based (line, column) of byte offset `byte` in `src`; the column counts
/// characters. Offsets past the end or inside a character are clamped.
pub(crate) fn line_col(src: &str, byte: usize) -> (usize, usize) {
    let mut byte = byte.min(src.len());
    while !src.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &src[..byte];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The closest candidate to `word` when it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_chars() {
        let src = "ab\nçd = 1\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        assert_eq!(line_col(src, 5), (2, 2)); // after the two-byte ç
        assert_eq!(line_col(src, 4), (2, 1)); // inside ç: clamped back
        assert_eq!(line_col(src, 999), (3, 1));
    }

    #[test]
    fn display_has_position_and_hint() {
        let d = Diagnostic::new("workshop.toml", "unknown key `hiden`")
            .at_offset("[model]\nhiden = 3\n", 8)
            .with_hint("did you mean `hidden`?");
        assert_eq!(
            d.to_string(),
            "workshop.toml:2:1: unknown key `hiden`\n  hint: did you mean `hidden`?"
        );
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        let keys = ["hidden", "epochs", "batch_size"];
        assert_eq!(did_you_mean("hiden", keys), Some("hidden"));
        assert_eq!(did_you_mean("batchsize", keys), Some("batch_size"));
        assert_eq!(did_you_mean("colour", keys), None);
    }
}
