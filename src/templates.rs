//! Tera set-up: the templates the products ship (`crate::product::Template`)
//! overlaid with the workshop's `templates/`, loaded in sorted order.
//!
//! Tera 1 (not 2): it is the version Zola and most of the ecosystem use, its
//! documentation and error messages are mature, and `default-features =
//! false` drops chrono and `now()`, which would break determinism anyway.

use crate::diag::{Diagnostic, Diagnostics};
use anyhow::{Context, Result};
use std::path::Path;
use tera::Tera;

/// A template a product ships, with an optional check of its source (run
/// on a workshop's own version of it).
pub struct Template {
    pub name: &'static str,
    pub source: &'static str,
    pub check: Option<SourceCheck>,
}

impl Template {
    /// A shipped template with no check of its own.
    pub const fn shipped(name: &'static str, source: &'static str) -> Template {
        Template {
            name,
            source,
            check: None,
        }
    }
}

/// A check of a template's source text at its path.
pub(crate) type SourceCheck = fn(&str, &Path) -> Result<(), Diagnostics>;

/// Loads the products' built-in templates, then every `*.html` file (and
/// every other file named like a built-in, e.g. `notebook.py`) of
/// `<root>/templates` (if the folder exists), which replace built-ins of the
/// same name. Syntax errors are reported per file with line and column, all
/// at once, and so are the problems a product's own check finds.
pub(crate) fn load(root: &Path, builtin: &[&Template]) -> Result<Tera> {
    let dir = root.join("templates");
    let mut entries: Vec<_> = if dir.exists() {
        std::fs::read_dir(&dir)
            .with_context(|| format!("cannot read the templates folder {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "html")
                    || p.file_name()
                        .is_some_and(|n| builtin.iter().any(|t| n == t.name))
            })
            .collect()
    } else {
        Vec::new()
    };
    entries.sort();
    let mut sources: std::collections::BTreeMap<String, String> = builtin
        .iter()
        .map(|t| (t.name.to_string(), t.source.to_string()))
        .collect();
    let mut files = Vec::with_capacity(entries.len());
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let src = crate::fsx::read_to_string(&path)?;
        sources.insert(name.clone(), src);
        files.push((name, path));
    }
    // `serve` reloads the templates after every edit; parsing and checking
    // them is ~40 ms, so the last set loaded is kept and reused while its
    // sources are the same.
    static LAST: std::sync::Mutex<Option<(std::path::PathBuf, Sources, Tera)>> =
        std::sync::Mutex::new(None);
    if let Ok(last) = LAST.lock()
        && let Some((d, s, tera)) = last.as_ref()
        && *d == dir
        && *s == sources
    {
        return Ok(tera.clone());
    }
    let mut problems = Diagnostics::default();
    for (name, path) in &files {
        let src = &sources[name];
        let check = builtin
            .iter()
            .find(|t| t.name == name)
            .and_then(|t| t.check);
        if let Err(e) = tera::Template::new(name, None, src) {
            problems.push(syntax_diagnostic(&e, path));
        } else if let Some(check) = check
            && let Err(ds) = check(src, path)
        {
            problems.0.extend(ds.0);
        }
    }
    problems.into_result()?;
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    // Tera's default also escapes `/`, which makes every relative URL read
    // `..&#x2F;page.html`; `&<>"'` are all HTML needs.
    tera.set_escape_fn(crate::markdown::escape_attr);
    tera.add_raw_templates(sources.clone())
        .map_err(|e| template_error(&e, &dir))?;
    if let Ok(mut last) = LAST.lock() {
        *last = Some((dir, sources, tera.clone()));
    }
    Ok(tera)
}

/// Template name → source.
type Sources = std::collections::BTreeMap<String, String>;

/// A Tera parse error as a diagnostic at the `--> line:col` it names.
fn syntax_diagnostic(e: &tera::Error, path: &Path) -> Diagnostic {
    let detail = std::error::Error::source(e)
        .map(|s| s.to_string())
        .unwrap_or_else(|| e.to_string());
    let mut d = Diagnostic::new(path, "template syntax error");
    if let Some(pos) = detail.split("--> ").nth(1) {
        let mut nums = pos
            .split(|c: char| !c.is_ascii_digit())
            .filter(|t| !t.is_empty());
        d.line = nums.next().and_then(|t| t.parse().ok());
        d.col = nums.next().and_then(|t| t.parse().ok());
    }
    let reason = detail
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("= "))
        .map(|l| l.trim_start()[2..].to_string());
    if let Some(reason) = reason {
        d.message = format!("template syntax error: {reason}");
    }
    d.with_hint("see the Tera documentation for the template syntax (keats.github.io/tera)")
}

/// Renders template `name` with a serialisable context.
pub(crate) fn render(
    tera: &Tera,
    name: &str,
    ctx: &impl serde::Serialize,
    dir_for_errors: &Path,
) -> Result<String> {
    let ctx = tera::Context::from_serialize(ctx).context("internal error: template context")?;
    tera.render(name, &ctx)
        .map_err(|e| template_error(&e, &dir_for_errors.join("templates")))
}

/// Tera's error chain as one diagnostic-style message.
fn template_error(e: &tera::Error, dir: &Path) -> anyhow::Error {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    anyhow::Error::new(Diagnostics::from(Diagnostic::new(dir, msg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(tera: &Tera) -> String {
        tera.render("page.html", &tera::Context::new()).unwrap()
    }

    #[test]
    fn a_changed_template_is_loaded_again_and_a_broken_one_fails_after_a_good_one() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("templates/page.html");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "one").unwrap();
        assert_eq!(page(&load(dir.path(), &[]).unwrap()), "one");
        // The same sources again: the kept set, the same output.
        assert_eq!(page(&load(dir.path(), &[]).unwrap()), "one");
        std::fs::write(&file, "two").unwrap();
        assert_eq!(page(&load(dir.path(), &[]).unwrap()), "two");
        std::fs::write(&file, "{{ broken").unwrap();
        let e = load(dir.path(), &[]).unwrap_err();
        assert!(format!("{e:#}").contains("page.html"), "{e:#}");
    }
}
