//! `kvlens init DIR`: writes a new workshop from the copy of this
//! repository's `content/`, `workshop.toml` (and, on request, `templates/`
//! and `theme/`) that the binary carries, so an instructor who installed
//! kvlens has a workshop to build without a checkout.
//!
//! The copy is made by build.rs from the folders themselves (sorted by
//! path); the tests compare what `init` writes with the repository, file by
//! file and byte by byte.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// Every embedded file as (path with `/` separators, bytes), sorted by path:
/// `content/…`, `templates/…`, `theme/…`, `workshop.toml`.
pub const FILES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/starter_files.rs"));

/// The folders only `--templates` writes (the built-ins kvlens uses when a
/// workshop has none).
const OVERRIDES: [&str; 2] = ["templates/", "theme/"];

/// What `init` wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The workshop folder, as given.
    pub dir: PathBuf,
    /// The files written, relative to `dir` (`/` separators), sorted.
    pub files: Vec<String>,
}

/// The embedded files `init` writes: all of them with `templates`, else all
/// but `templates/` and `theme/`.
pub fn selection(templates: bool) -> impl Iterator<Item = &'static (&'static str, &'static [u8])> {
    FILES
        .iter()
        .filter(move |(rel, _)| templates || !OVERRIDES.iter().any(|o| rel.starts_with(o)))
}

/// Writes the starter workshop into `dir`, which must be missing (it is
/// created) or an empty folder. Never overwrites a file; when a write fails,
/// removes what this call wrote before it.
pub fn init(dir: &Path, templates: bool) -> Result<Written> {
    let created_root = prepare(dir)?;
    let mut written: Vec<PathBuf> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let result = (|| -> Result<Vec<String>> {
        let mut files = Vec::new();
        for (rel, bytes) in selection(templates) {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                make_dirs(parent, dir, &mut made_dirs)?;
            }
            write_new(&path, bytes)?;
            written.push(path);
            files.push(rel.to_string());
        }
        Ok(files)
    })();
    match result {
        Ok(files) => Ok(Written {
            dir: dir.to_path_buf(),
            files,
        }),
        Err(e) => {
            for f in written.iter().rev() {
                let _ = std::fs::remove_file(f);
            }
            for d in made_dirs.iter().rev() {
                let _ = std::fs::remove_dir(d);
            }
            if created_root {
                let _ = std::fs::remove_dir(dir);
            }
            Err(e)
        }
    }
}

/// Checks that `dir` is missing or an empty folder, and creates it when
/// missing. Returns whether it was created.
fn prepare(dir: &Path) -> Result<bool> {
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => bail!(
            "{} is a file, not a folder: kvlens init writes a new workshop into a new or empty folder; name another one",
            dir.display()
        ),
        Ok(_) => {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .with_context(|| format!("cannot read the folder {}", dir.display()))?
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            if names.is_empty() {
                return Ok(false);
            }
            names.sort();
            let shown = names.len().min(3);
            let more = match names.len() - shown {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            bail!(
                "{} is not empty (it holds {}{more}): kvlens init writes only into a new or empty folder, so it never overwrites a file; name a new folder, e.g. `kvlens init my-workshop`",
                dir.display(),
                names[..shown].join(", ")
            )
        }
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
            Ok(true)
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", dir.display())),
    }
}

/// Creates `path` and its missing parents below `root`, recording each one
/// it created (outermost first).
fn make_dirs(path: &Path, root: &Path, made: &mut Vec<PathBuf>) -> Result<()> {
    if path == root || path.is_dir() {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        make_dirs(parent, root, made)?;
    }
    std::fs::create_dir(path).with_context(|| format!("cannot create {}", path.display()))?;
    made.push(path.to_path_buf());
    Ok(())
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

impl Written {
    /// What `kvlens init` prints: the files written and the next command,
    /// online and offline.
    pub fn report_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "wrote a new workshop into {} ({} files):",
            self.dir.display(),
            self.files.len()
        );
        for line in self.summary() {
            let _ = writeln!(out, "  {line}");
        }
        // In the folder already (`kvlens init .`), there is nowhere to go.
        let cd = match self.shell_dir().as_str() {
            "." | "./" => String::new(),
            dir => format!("cd {dir} && "),
        };
        let _ = writeln!(
            out,
            "next, build and serve it, then open the address it prints (Ctrl-C stops):"
        );
        let _ = writeln!(out, "  {cd}kvlens serve");
        let _ = writeln!(
            out,
            "the first build downloads MNIST into the cache and trains the network, once;"
        );
        let _ = writeln!(
            out,
            "without internet, name a folder that holds the four MNIST files:"
        );
        let _ = writeln!(out, "  {cd}KVLENS_MNIST_DIR=/path/to/mnist kvlens serve");
        out
    }

    /// What was written, one line per part (for the command line).
    pub fn summary(&self) -> Vec<String> {
        let count = |f: &dyn Fn(&str) -> bool| self.files.iter().filter(|r| f(r)).count();
        let in_dir = |r: &str, d: &str| {
            r.strip_prefix(d)
                .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".md"))
        };
        let mut lines = Vec::new();
        if self.files.iter().any(|r| r == "workshop.toml") {
            lines.push(format!(
                "{:<15} the settings (title, model, sheets)",
                "workshop.toml"
            ));
        }
        let pages = count(&|r| in_dir(r, "content/"));
        if pages > 0 {
            lines.push(format!(
                "{:<15} {pages} markdown files: the course pages and the slide deck",
                "content/"
            ));
        }
        let sheets = count(&|r| in_dir(r, "content/sheets/"));
        if sheets > 0 {
            lines.push(format!(
                "{:<15} {sheets} exercise sheets",
                "content/sheets/"
            ));
        }
        let nets = count(&|r| r.starts_with("content/nets/"));
        if nets > 0 {
            lines.push(format!("{:<15} {nets} toy networks", "content/nets/"));
        }
        for (dir, what) in [
            (
                "templates/",
                "templates, to edit (they replace the built-in ones)",
            ),
            (
                "theme/",
                "theme files: style sheets, scripts, fonts, to edit",
            ),
        ] {
            let n = count(&|r| r.starts_with(dir));
            if n > 0 {
                lines.push(format!("{dir:<15} {n} {what}"));
            }
        }
        lines
    }

    /// `dir` as typed into a POSIX shell (quoted when it needs to be).
    pub fn shell_dir(&self) -> String {
        let s = self.dir.to_string_lossy();
        let plain = !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-/+,:@".contains(c));
        if plain {
            s.into_owned()
        } else {
            format!("'{}'", s.replace('\'', r"'\''"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-ins a workshop without `templates/` or `theme/` gets are
    /// exactly the files `init --templates` writes there: every template
    /// file is some product's built-in template with the same source, and
    /// the built-in theme is the theme folder.
    #[test]
    fn the_built_ins_are_the_embedded_templates_and_theme() {
        let embedded = |dir: &str| -> Vec<(String, Vec<u8>)> {
            FILES
                .iter()
                .filter_map(|(rel, bytes)| {
                    rel.strip_prefix(dir)
                        .map(|r| (r.to_string(), bytes.to_vec()))
                })
                .collect()
        };
        let products = crate::build::products();
        let mut templates: Vec<(String, Vec<u8>)> = crate::build::templates_of(&products)
            .iter()
            .map(|t| (t.name.to_string(), t.source.as_bytes().to_vec()))
            .collect();
        templates.sort();
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&templates),
            names(&embedded("templates/")),
            "every product's built-in template must be a file of templates/ (so `kvlens init --templates` gives it to edit), and every file there a built-in template (so a workshop without templates/ has it)"
        );
        assert!(
            templates == embedded("templates/"),
            "a built-in template differs from its file in templates/"
        );
        let mut theme: Vec<(String, Vec<u8>)> = crate::course::theme::BUILTIN_THEME
            .iter()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect();
        theme.sort();
        assert_eq!(
            names(&theme),
            names(&embedded("theme/")),
            "course::theme::BUILTIN_THEME must list every file of theme/ and nothing else (a workshop without theme/ gets only the built-in theme)"
        );
        assert!(
            theme == embedded("theme/"),
            "a built-in theme file differs from its file in theme/"
        );
    }

    #[test]
    fn the_selection_leaves_templates_and_theme_to_the_flag() {
        let without: Vec<&str> = selection(false).map(|(r, _)| *r).collect();
        assert!(without.contains(&"workshop.toml"));
        assert!(without.iter().any(|r| r.starts_with("content/nets/")));
        assert!(
            !without
                .iter()
                .any(|r| r.starts_with("templates/") || r.starts_with("theme/"))
        );
        assert_eq!(selection(true).count(), FILES.len());
    }

    #[test]
    fn a_folder_name_is_quoted_for_the_shell_only_when_needed() {
        let w = |d: &str| Written {
            dir: PathBuf::from(d),
            files: Vec::new(),
        };
        assert_eq!(w("my-workshop").shell_dir(), "my-workshop");
        assert_eq!(w("../a/b_c.d").shell_dir(), "../a/b_c.d");
        assert_eq!(w("my workshop").shell_dir(), "'my workshop'");
        assert_eq!(w("it's").shell_dir(), r"'it'\''s'");
    }
}
