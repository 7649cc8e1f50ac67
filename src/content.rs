//! Content: the workshop's markdown documents, read from `content/`.
//!
//! `content/` is walked with walkdir in sorted order. Every `*.md` file is a
//! [`Doc`]: TOML front matter between two `+++` lines (unknown keys are an
//! error, with a suggestion), then the markdown body. The source path and the
//! byte offset of the body travel with the document, so later stages
//! (shortcodes, links, math) can name `file:line:col`. Other files under
//! `content/` with a web asset extension are copied beside the pages;
//! `content/nets/*.toml` belongs to the toy networks and is skipped here.
//!
//! Stage: `content/` → `Vec<Doc>` (+ assets); nothing here knows the model.

use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The content folder, relative to the workshop root.
pub(crate) const DIR: &str = "content";
/// The optional document whose body introduces the home page.
pub(crate) const HOME: &str = "_index.md";
/// File extensions copied from `content/` into the site as they are.
pub(crate) const ASSET_EXTENSIONS: [&str; 8] =
    ["png", "jpg", "jpeg", "gif", "svg", "webp", "pdf", "txt"];

/// What a document becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A course page (the default).
    #[default]
    Page,
    /// A slide deck.
    Deck,
    /// A printable exercise sheet.
    Sheet,
    /// The draw-a-digit explorer: the body is the page's introduction,
    /// `templates/explorer.html` adds the app.
    Explorer,
}

impl Kind {
    /// The kind as written in front matter.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Deck => "deck",
            Kind::Sheet => "sheet",
            Kind::Explorer => "explorer",
        }
    }

    /// What a document of this kind is, with its article.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Page => "a course page",
            Kind::Deck => "a slide deck",
            Kind::Sheet => "an exercise sheet",
            Kind::Explorer => "the explorer page",
        }
    }
}

/// The front matter of a document (`+++` TOML `+++`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Page title (required).
    pub title: String,
    /// One sentence for the outline and the `<meta name="description">`.
    #[serde(default)]
    pub description: Option<String>,
    /// Order in the outline: lower first; ties by path.
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub kind: Kind,
    /// Drafts are checked but not published.
    #[serde(default)]
    pub draft: bool,
    /// Estimated reading (page) or planned (deck) time in minutes.
    #[serde(default)]
    pub minutes: Option<u32>,
    /// A template of `templates/` to use instead of the kind's default.
    #[serde(default)]
    pub template: Option<String>,
    /// Sheets: how many variants (overrides `[sheets] variants`).
    #[serde(default)]
    pub variants: Option<u32>,
    /// Sheets: the most printed pages a learner's sheet may take; a
    /// `--pdf` build fails when a variant prints on more.
    #[serde(default)]
    pub pages: Option<u32>,
    /// Sheets: the letters of the code printed on every page (default:
    /// the title's initials), e.g. `CE` in `CE2-7K4Q`.
    #[serde(default)]
    pub code: Option<String>,
}

/// Names of the front matter keys (for suggestions).
const KEYS: [&str; 10] = [
    "title",
    "description",
    "weight",
    "kind",
    "draft",
    "minutes",
    "template",
    "variants",
    "pages",
    "code",
];

/// One markdown document.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    /// The file as the user should see it in messages (`<root>/content/x.md`).
    pub source: PathBuf,
    /// Path below `content/` with `/` separators: the `@/` link key (`x.md`).
    pub rel: String,
    pub front: FrontMatter,
    /// The whole file.
    pub text: String,
    /// Byte offset of the body in `text`.
    pub body_start: usize,
}

impl Doc {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// Where the page is written below `public/`: `a/b.md` → `a/b.html`;
    /// the home document `_index.md` → `index.html`.
    pub fn out_path(&self) -> String {
        if self.rel == HOME {
            return "index.html".to_string();
        }
        match self.rel.strip_suffix(".md") {
            Some(stem) => format!("{stem}.html"),
            None => format!("{}.html", self.rel),
        }
    }

    pub fn is_home(&self) -> bool {
        self.rel == HOME
    }

    /// A diagnostic at byte `offset` of the body.
    pub fn diag_at(&self, body_offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.source, message).at_offset(&self.text, self.body_start + body_offset)
    }
}

/// A non-markdown file of `content/` published as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub rel: String,
    pub source: PathBuf,
}

/// Everything `content/` holds.
#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Sorted by path.
    pub docs: Vec<Doc>,
    pub assets: Vec<Asset>,
}

/// Reads `<root>/content`. A missing folder is an empty workshop; every
/// problem of every file is reported together.
pub(crate) fn load(root: &Path) -> Result<Content, Diagnostics> {
    let (content, problems) = load_all(root);
    problems.into_result()?;
    Ok(content)
}

/// Like [`load`], but keeps the documents that did parse beside the
/// problems of those that did not (so `check` can go on checking them).
pub(crate) fn load_all(root: &Path) -> (Content, Diagnostics) {
    let dir = root.join(DIR);
    let mut content = Content::default();
    if !dir.exists() {
        return (content, Diagnostics::default());
    }
    let mut problems = Diagnostics::default();
    let walker = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || (e.depth() == 1 && name == "nets"))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or(dir.clone());
                problems.push(Diagnostic::new(path, format!("cannot read: {e}")));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = crate::fsx::rel_slash(path, &dir);
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if ext == "md" {
            match read_doc(path, rel) {
                Ok(doc) => content.docs.push(doc),
                Err(d) => problems.0.extend(d.0),
            }
        } else if ASSET_EXTENSIONS.contains(&ext.as_str()) {
            content.assets.push(Asset {
                rel,
                source: path.to_path_buf(),
            });
        }
    }
    (content, problems)
}

fn read_doc(path: &Path, rel: String) -> Result<Doc, Diagnostics> {
    let bytes =
        std::fs::read(path).map_err(|e| Diagnostic::new(path, format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
        Diagnostic::new(path, "not valid UTF-8")
            .at_offset(&valid, at)
            .with_hint("save the file as UTF-8")
    })?;
    parse(path, rel, text).map_err(Diagnostics::from)
}

/// Splits front matter from body and parses it.
pub(crate) fn parse(path: &Path, rel: String, text: String) -> Result<Doc, Diagnostic> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let after_bom = &text[bom..];
    let first_line_end = after_bom.find('\n').map_or(after_bom.len(), |i| i + 1);
    if after_bom[..first_line_end].trim_end() != "+++" {
        return Err(Diagnostic::new(path, "missing front matter")
            .at_offset(&text, bom)
            .with_hint(
                "start the file with a `+++` line, `title = \"…\"`, and another `+++` line",
            ));
    }
    let fm_start = bom + first_line_end;
    // The closing `+++` line.
    let mut pos = fm_start;
    let mut close = None;
    for line in text[fm_start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            close = Some((pos, pos + line.len()));
            break;
        }
        pos += line.len();
    }
    let Some((fm_end, body_start)) = close else {
        return Err(Diagnostic::new(path, "front matter is not closed")
            .at_offset(&text, bom)
            .with_hint("end the front matter with a line holding only `+++`"));
    };
    let fm = &text[fm_start..fm_end];
    let front: FrontMatter = toml::from_str(fm).map_err(|e| {
        let offset = fm_start + e.span().map_or(0, |s| s.start);
        let message = e.message().trim().to_string();
        let mut d =
            Diagnostic::new(path, format!("front matter: {message}")).at_offset(&text, offset);
        if let Some(word) = message
            .strip_prefix("unknown field `")
            .and_then(|r| r.split('`').next())
            && let Some(s) = did_you_mean(word, KEYS)
        {
            d = d.with_hint(format!("did you mean `{s}`?"));
        } else if message.contains("missing field `title`") {
            d = d.with_hint("every document needs `title = \"…\"`");
        } else if message.contains("unknown variant") {
            d = d.with_hint("`kind` is one of \"page\", \"deck\", \"sheet\", \"explorer\"");
        }
        d
    })?;
    if front.title.trim().is_empty() {
        return Err(
            Diagnostic::new(path, "front matter: `title` is empty").at_offset(&text, fm_start)
        );
    }
    Ok(Doc {
        source: path.to_path_buf(),
        rel,
        front,
        text,
        body_start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Result<Doc, Diagnostic> {
        parse(Path::new("content/x.md"), "x.md".into(), text.to_string())
    }

    #[test]
    fn splits_front_matter_and_keeps_the_body_offset() {
        let d = doc("+++\ntitle = \"Keys\"\nweight = 3\nminutes = 12\n+++\n# Hello\n").unwrap();
        assert_eq!(d.front.title, "Keys");
        assert_eq!(d.front.weight, 3);
        assert_eq!(d.front.minutes, Some(12));
        assert_eq!(d.front.kind, Kind::Page);
        assert_eq!(d.body(), "# Hello\n");
        assert_eq!(d.out_path(), "x.html");
        let at = d.diag_at(2, "m");
        assert_eq!((at.line, at.col), (Some(6), Some(3)));
    }

    #[test]
    fn front_matter_mistakes_name_line_and_suggest() {
        let e = doc("+++\ntitle = \"K\"\nwieght = 3\n+++\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("unknown field `wieght`"), "{e}");
        assert_eq!(e.hint.as_deref(), Some("did you mean `weight`?"));
        let e = doc("+++\nweight = 1\n+++\n").unwrap_err();
        assert!(e.message.contains("missing field `title`"), "{e}");
        let e = doc("+++\ntitle = \"K\"\nkind = \"slides\"\n+++\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.hint.unwrap().contains("deck"));
        let e = doc("# no front matter\n").unwrap_err();
        assert_eq!(e.message, "missing front matter");
        let e = doc("+++\ntitle = \"K\"\n").unwrap_err();
        assert_eq!(e.message, "front matter is not closed");
    }

    #[test]
    fn nested_paths_and_home() {
        let d = parse(
            Path::new("content/sheets/a.md"),
            "sheets/a.md".into(),
            "+++\ntitle = \"A\"\n+++\n".into(),
        )
        .unwrap();
        assert_eq!(d.out_path(), "sheets/a.html");
        let h = parse(
            Path::new("content/_index.md"),
            HOME.into(),
            "+++\ntitle = \"H\"\n+++".into(),
        )
        .unwrap();
        assert!(h.is_home());
        assert_eq!(h.out_path(), "index.html");
        assert_eq!(h.body(), "");
    }

    #[test]
    fn walks_sorted_skips_nets_and_collects_every_problem() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join(DIR);
        std::fs::create_dir_all(c.join("b")).unwrap();
        std::fs::create_dir_all(c.join("nets")).unwrap();
        std::fs::write(c.join("b/z.md"), "+++\ntitle = \"Z\"\n+++\n").unwrap();
        std::fs::write(c.join("a.md"), "+++\ntitle = \"A\"\n+++\n").unwrap();
        std::fs::write(c.join("pic.png"), [0u8; 4]).unwrap();
        std::fs::write(c.join("nets/toy.toml"), "x").unwrap();
        let got = load(dir.path()).unwrap();
        let rels: Vec<_> = got.docs.iter().map(|d| d.rel.as_str()).collect();
        assert_eq!(rels, ["a.md", "b/z.md"]);
        assert_eq!(got.assets.len(), 1);
        std::fs::write(c.join("bad1.md"), "+++\ntitel = \"A\"\n+++\n").unwrap();
        std::fs::write(c.join("bad2.md"), "nothing").unwrap();
        let err = load(dir.path()).unwrap_err();
        assert_eq!(err.len(), 2, "{err}");
    }
}
