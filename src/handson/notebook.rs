//! The coding notebook: `templates/notebook.py`, a Tera template in
//! Jupytext's "percent" format, rendered with the numbers the self-checks
//! compare with, then turned into a Jupyter notebook (nbformat 4.5 JSON).
//! No Python is needed to build it.
//!
//! Cell markers: `# %%` (code) or `# %% [markdown]`, optionally followed by
//! `tags=["stub"]` (the learner's part), `["solution"]` (only in the
//! instructor's notebook), `["check"]` (a self-check) or `["setup"]`.
//! Markdown lines start with `#`.
//!
//! One rendering makes two notebooks ([`notebooks`]): the learner's without
//! a single solution cell (nothing to unhide), and the instructor's with
//! every cell.
//! The markers are checked on the template's own text, so problems are
//! reported at its lines.

use crate::diag::{Diagnostic, Diagnostics};
use serde::Serialize;
use serde_json::{Value, json};
use std::path::Path;

/// The template's name in `templates/`.
pub const TEMPLATE: &str = "notebook.py";
/// The notebook's file name on the site.
pub const FILE: &str = "kvlens-notebook.ipynb";
const TAGS: [&str; 4] = ["setup", "stub", "solution", "check"];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Marker {
    markdown: bool,
    tag: Option<String>,
}

/// Parses a `# %%` line; `None` if the line is not a marker, `Err` if it is
/// a malformed one.
fn marker(line: &str) -> Option<Result<Marker, String>> {
    let rest = line.strip_prefix("# %%")?;
    let mut rest = rest.trim();
    let mut markdown = false;
    if let Some(r) = rest.strip_prefix("[markdown]") {
        markdown = true;
        rest = r.trim();
    }
    if rest.is_empty() {
        return Some(Ok(Marker {
            markdown,
            tag: None,
        }));
    }
    let Some(list) = rest.strip_prefix("tags=") else {
        return Some(Err(format!(
            "unexpected `{rest}` after `# %%`; expected `[markdown]` or `tags=[\"…\"]`"
        )));
    };
    let tags: Vec<String> = match serde_json::from_str(list) {
        Ok(t) => t,
        Err(_) => {
            return Some(Err(format!(
                "tags must be a JSON list of strings, got `{list}`"
            )));
        }
    };
    if markdown {
        return Some(Err("markdown cells take no tags".to_string()));
    }
    match tags.as_slice() {
        [t] if TAGS.contains(&t.as_str()) => Some(Ok(Marker {
            markdown,
            tag: Some(t.clone()),
        })),
        _ => Some(Err(format!(
            "a cell takes one tag of {}, got {tags:?}",
            TAGS.join(", ")
        ))),
    }
}

/// Checks the template's cell structure; every problem at its line.
pub fn check_source(src: &str, path: &Path) -> Result<(), Diagnostics> {
    let mut problems = Diagnostics::default();
    let mut in_markdown = None::<bool>;
    for (n, line) in src.lines().enumerate() {
        let at = |msg: String| {
            let mut d = Diagnostic::new(path, msg);
            d.line = Some(n + 1);
            d.col = Some(1);
            d
        };
        match marker(line) {
            Some(Ok(m)) => in_markdown = Some(m.markdown),
            Some(Err(e)) => problems.push(at(e)),
            None => match in_markdown {
                None if !line.trim().is_empty() => {
                    problems.push(
                        at("text before the first cell marker".to_string())
                            .with_hint("start the file with `# %% [markdown]` or `# %%`"),
                    );
                    in_markdown = Some(false);
                }
                Some(true) if !(line.is_empty() || line.starts_with('#')) => problems.push(
                    at("a markdown cell's lines must start with `#`".to_string())
                        .with_hint("write `# text`, or start a code cell with `# %%`"),
                ),
                _ => {}
            },
        }
    }
    if in_markdown.is_none() {
        problems.push(Diagnostic::new(path, "the notebook has no cells"));
    }
    problems.into_result()
}

/// One cell of the notebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub markdown: bool,
    pub tag: Option<String>,
    pub source: String,
}

/// Splits rendered percent-format text into cells (markers as checked by
/// [`check_source`]).
pub fn cells(text: &str) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::new();
    for line in text.lines() {
        if let Some(Ok(m)) = marker(line) {
            out.push(Cell {
                markdown: m.markdown,
                tag: m.tag,
                source: String::new(),
            });
            continue;
        }
        let Some(cell) = out.last_mut() else { continue };
        let line = if cell.markdown {
            line.strip_prefix("# ")
                .or_else(|| line.strip_prefix('#'))
                .unwrap_or(line)
        } else {
            line
        };
        cell.source.push_str(line);
        cell.source.push('\n');
    }
    for c in &mut out {
        let trimmed = c.source.trim_matches('\n').to_string();
        c.source = trimmed;
    }
    out.retain(|c| !c.source.is_empty());
    out
}

/// What the build report says about the notebook.
#[derive(Debug, Clone, Serialize)]
pub struct NotebookReport {
    /// The learner's notebook (no solution cells).
    pub file: String,
    /// The instructor's notebook (with them), beside the answer keys.
    pub instructor: String,
    /// Cells of the learner's notebook.
    pub cells: usize,
    /// Solution cells, in the instructor's notebook only.
    pub solutions: usize,
    /// The names passed to `check("…", …)` in the check cells, in order.
    pub checks: Vec<String>,
}

/// The names of the self-checks in the check cells.
fn check_names(cells: &[Cell]) -> Vec<String> {
    let mut names = Vec::new();
    for c in cells.iter().filter(|c| c.tag.as_deref() == Some("check")) {
        let mut rest = c.source.as_str();
        while let Some(i) = rest.find("check(") {
            rest = &rest[i + "check(".len()..];
            let q = rest.trim_start();
            if let Some(quote) = q.chars().next().filter(|c| *c == '"' || *c == '\'')
                && let Some(end) = q[1..].find(quote)
            {
                names.push(q[1..1 + end].to_string());
            }
        }
    }
    names
}

fn is_solution(c: &Cell) -> bool {
    c.tag.as_deref() == Some("solution")
}

/// The learner's notebook (every cell but the solutions) and the
/// instructor's (every cell) as nbformat 4.5 JSON, and their report entry.
pub fn notebooks(
    cells: &[Cell],
    model_sha256: &str,
    rel: &str,
    instructor_rel: &str,
) -> (Vec<u8>, Vec<u8>, NotebookReport) {
    let learner: Vec<Cell> = cells.iter().filter(|c| !is_solution(c)).cloned().collect();
    let checks = check_names(cells);
    let report = NotebookReport {
        file: rel.to_string(),
        instructor: instructor_rel.to_string(),
        cells: learner.len(),
        solutions: cells.len() - learner.len(),
        checks,
    };
    (
        ipynb(&learner, model_sha256, &report.checks, "learner"),
        ipynb(cells, model_sha256, &report.checks, "instructor"),
        report,
    )
}

/// One notebook as nbformat 4.5 JSON (cell ids numbered in order, so the
/// file repeats).
fn ipynb(cells: &[Cell], model_sha256: &str, checks: &[String], edition: &str) -> Vec<u8> {
    let mut number = 0;
    let json_cells: Vec<Value> = cells
        .iter()
        .map(|c| {
            number += 1;
            let lines: Vec<String> = c.source.split_inclusive('\n').map(str::to_string).collect();
            let id = format!(
                "kvlens-{number:02}{}",
                c.tag
                    .as_deref()
                    .map(|t| format!("-{t}"))
                    .unwrap_or_default()
            );
            if c.markdown {
                json!({ "cell_type": "markdown", "id": id, "metadata": {}, "source": lines })
            } else {
                let mut meta = serde_json::Map::new();
                if let Some(t) = &c.tag {
                    meta.insert("tags".into(), json!([t]));
                }
                json!({
                    "cell_type": "code",
                    "execution_count": null,
                    "id": id,
                    "metadata": meta,
                    "outputs": [],
                    "source": lines,
                })
            }
        })
        .collect();
    let nb = json!({
        "cells": json_cells,
        "metadata": {
            "kernelspec": { "display_name": "Python 3", "language": "python", "name": "python3" },
            "language_info": { "name": "python" },
            "kvlens": {
                "made_by": format!("kvlens {}", env!("CARGO_PKG_VERSION")),
                "edition": edition,
                "model_sha256": model_sha256,
                "checks": checks,
            }
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    });
    let mut text = serde_json::to_string_pretty(&nb).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_cells_become_notebook_cells_with_tags_and_hidden_solutions() {
        let src = "# %% [markdown]\n# # Title\n#\n# Some *text*.\n\n# %% tags=[\"stub\"]\ndef f():\n    raise NotImplementedError\n\n# %% tags=[\"solution\"]\ndef f():\n    return 1\n# %% tags=[\"check\"]\ncheck(\"the f\", lambda: None)\ncheck('other', g)\n";
        check_source(src, Path::new("nb.py")).unwrap();
        let cells = cells(src);
        assert_eq!(cells.len(), 4);
        assert!(cells[0].markdown);
        assert_eq!(cells[0].source, "# Title\n\nSome *text*.");
        assert_eq!(cells[1].tag.as_deref(), Some("stub"));
        assert_eq!(cells[2].source, "def f():\n    return 1");
        let (learner, instructor, report) =
            notebooks(&cells, "abc", "downloads/x.ipynb", "instructor/x.ipynb");
        assert_eq!(report.checks, ["the f", "other"]);
        assert_eq!((report.cells, report.solutions), (3, 1));
        let nb: Value = serde_json::from_slice(&instructor).unwrap();
        assert_eq!(nb["nbformat"], 4);
        assert_eq!(nb["metadata"]["kvlens"]["edition"], "instructor");
        assert_eq!(nb["cells"][2]["metadata"]["tags"][0], "solution");
        assert_eq!(nb["cells"][0]["source"][0], "# Title\n");
        assert_eq!(nb["cells"][1]["id"], "kvlens-02-stub");
        // The learner's has no solution cell, not even a hidden one.
        let nb: Value = serde_json::from_slice(&learner).unwrap();
        assert_eq!(nb["metadata"]["kvlens"]["edition"], "learner");
        let tags: Vec<_> = nb["cells"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["metadata"]["tags"][0].as_str().unwrap_or("-"))
            .collect();
        assert_eq!(tags, ["-", "stub", "check"]);
        assert!(!String::from_utf8(learner).unwrap().contains("return 1"));
    }

    #[test]
    fn the_shipped_template_is_well_formed_with_nine_checks() {
        let src = crate::product::Product::templates(&super::super::product::HandsOn::default())
            .iter()
            .find(|t| t.name == TEMPLATE)
            .unwrap()
            .source;
        check_source(src, Path::new("templates/notebook.py")).unwrap();
        let cells = cells(src);
        let count = |t: &str| cells.iter().filter(|c| c.tag.as_deref() == Some(t)).count();
        assert_eq!(
            (count("stub"), count("solution"), count("check")),
            (9, 9, 9)
        );
        assert_eq!(check_names(&cells).len(), 9);
    }

    #[test]
    fn malformed_markers_and_markdown_lines_are_reported_at_their_line() {
        let src = "print(1)\n# %% tags=[\"answer\"]\nx = 1\n# %% [markdown]\nnot a comment\n# %% tags=stub\n";
        let e = check_source(src, Path::new("templates/notebook.py")).unwrap_err();
        let lines: Vec<_> = e.0.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(1), Some(2), Some(5), Some(6)], "{e:?}");
        assert!(
            e.0[1]
                .message
                .contains("one tag of setup, stub, solution, check")
        );
    }
}
