//! The seam between the build and its products, in the spirit of mdBook's
//! `Preprocessor`/`Renderer` traits. A product (the course, the deck, the
//! sheets, the hands-on part) registers the shortcodes it owns and turns the
//! expanded documents of its kind into output files plus its sections of the
//! build report and of the home page. It keeps its own memo (built from the
//! analyses, kept by `serve` between edits). The build (`crate::build`) runs
//! every registered product in three steps over the same expanded content:
//!
//! 1. [`Product::plan`]: files that exist whatever the pages say (theme,
//!    gallery, downloads) and the names of the pages it will write, so that
//!    every link of every page can be checked;
//! 2. [`Product::render`]: its documents, each link checked against the
//!    whole site;
//! 3. [`Product::finish`]: what needs every product's output (the home page).

use crate::analysis::Analyses;
use crate::content::{Doc, Kind};
use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::{LinkContext, Rendered as Markdown};
use crate::output::OutputFile;
use crate::print::PrintJob;
use crate::shortcodes::{Expanded, Registry, Shortcodes};
pub use crate::templates::Template;
use anyhow::Result;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One product of the build.
pub trait Product {
    /// Its name, as in messages.
    fn name(&self) -> &'static str;

    /// The shortcodes it owns (None: it owns none).
    fn shortcodes(&self) -> Option<&dyn Shortcodes> {
        None
    }

    /// The templates it ships (a workshop's `templates/<name>` replaces one).
    fn templates(&self) -> &'static [Template] {
        &[]
    }

    /// Files that exist whatever the pages say, and the names of the pages
    /// it will write.
    fn plan(&self, _site: &Site, _plan: &mut Plan) -> Result<()> {
        Ok(())
    }

    /// Renders its documents.
    fn render(&self, site: &Site, links: &Links, out: &mut Output) -> Result<()>;

    /// Runs after every product rendered, when none reported a problem.
    fn finish(&self, _site: &Site, _out: &mut Output) -> Result<()> {
        Ok(())
    }
}

/// One document after the first pass (shortcodes expanded, heading ids).
pub struct Expansion<'d> {
    pub doc: &'d Doc,
    /// Shared with the analyses' memo ([`Analyses::derived`]).
    pub expanded: std::rc::Rc<Expanded>,
    pub ids: BTreeSet<String>,
}

/// What every product reads.
pub struct Site<'a, 'b> {
    pub root: &'a Path,
    pub an: &'a Analyses<'b>,
    pub tera: &'a tera::Tera,
    /// Every registered shortcode set.
    pub codes: Registry<'a>,
    /// `--track N`: the minutes a deck must fit in.
    pub track: Option<u32>,
    /// `--variants N`: variants of every sheet.
    pub variants: Option<u32>,
    /// `--participants N`: people in the room (None: `[classroom]`).
    pub participants: Option<u32>,
    /// Every document after the first pass, drafts included, in content order.
    pub docs: &'a [Expansion<'a>],
}

impl<'a> Site<'a, '_> {
    /// The documents of `kind`, drafts included.
    pub fn docs_of(&self, kind: Kind) -> impl Iterator<Item = &'a Expansion<'a>> + use<'a, '_> {
        self.docs.iter().filter(move |e| e.doc.front.kind == kind)
    }

    /// A template's rendering error, placed at the template and naming the
    /// document it was rendering.
    pub fn template_problem(&self, template: &str, doc: &Doc, e: &anyhow::Error) -> Diagnostic {
        Diagnostic::new(self.root.join("templates").join(template), format!("{e:#}"))
            .with_hint(format!("while rendering {}", doc.source.display()))
    }
}

/// What the products plan before any page is rendered.
#[derive(Default)]
pub struct Plan {
    pub files: Vec<OutputFile>,
    /// Files that will exist (besides `files`), for link checks.
    pub names: BTreeSet<String>,
    pub problems: Diagnostics,
}

/// Every link target of the site.
pub struct Links {
    /// Content path → (output path, heading ids).
    pub docs: BTreeMap<String, (String, BTreeSet<String>)>,
    /// Every file the site will have.
    pub files: BTreeSet<String>,
    /// Content paths of drafts.
    pub drafts: BTreeSet<String>,
}

impl Links {
    /// The link context of document `e` published as `page`.
    pub fn context<'l>(&'l self, e: &'l Expansion, page: &'l str) -> LinkContext<'l> {
        self.context_for(page, e.doc.front.draft, &e.ids)
    }

    /// The link context of a page of a draft or not, with its own heading
    /// ids (a sheet's variants have their own).
    pub fn context_for<'l>(
        &'l self,
        page: &'l str,
        draft: bool,
        own_ids: &'l BTreeSet<String>,
    ) -> LinkContext<'l> {
        LinkContext {
            page,
            docs: &self.docs,
            files: &self.files,
            drafts: &self.drafts,
            page_is_draft: draft,
            own_ids,
        }
    }
}

/// A link from the content to the web (listed by `check`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExternalLink {
    pub url: String,
    /// `content/x.md:line:col`.
    pub at: String,
}

/// Named sections, serialised as map entries in the order pushed (the
/// products' parts of the build report and of the home page). Each value is
/// serialised as itself (erased-serde), so its own field order is kept.
#[derive(Default)]
pub struct Sections(pub Vec<(&'static str, Box<dyn erased_serde::Serialize>)>);

impl Sections {
    pub fn push(&mut self, name: &'static str, value: impl Serialize + 'static) {
        self.0.push((name, Box::new(value)));
    }
}

impl std::fmt::Debug for Sections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

impl Serialize for Sections {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v.as_ref())?;
        }
        m.end()
    }
}

/// What the products made.
#[derive(Default)]
pub struct Output {
    /// Files of `public/`.
    pub files: Vec<OutputFile>,
    /// Answer keys and the TA table (`instructor/…`): also in `files` when
    /// `[sheets] publish_keys`, else written beside `public/`.
    pub instructor: Vec<OutputFile>,
    /// Sections of the build report.
    pub report: Sections,
    /// Sections of the home page's template context.
    pub home: Sections,
    /// What `build --pdf` prints.
    pub print: Vec<PrintJob>,
    pub external: Vec<ExternalLink>,
    /// Things the author should know that do not stop the build.
    pub warnings: Vec<String>,
    pub problems: Diagnostics,
}

impl Output {
    /// Renders `e`'s markdown as `page` (cut into slides with `slides`),
    /// reporting its problems at the author's lines and keeping its links
    /// to the web (the result's `problems` and `external` are moved here).
    pub fn markdown(&mut self, e: &Expansion, links: &Links, page: &str, slides: bool) -> Markdown {
        let cx = links.context(e, page);
        let mut r = if slides {
            crate::markdown::render_slides(&e.expanded.text, &cx)
        } else {
            crate::markdown::render(&e.expanded.text, &cx)
        };
        for problem in std::mem::take(&mut r.problems) {
            self.problems.push(e.expanded.diagnostic(e.doc, problem));
        }
        for (url, at) in std::mem::take(&mut r.external) {
            let (line, col) =
                crate::diag::line_col(&e.doc.text, e.doc.body_start + e.expanded.source_offset(at));
            self.external.push(ExternalLink {
                url,
                at: format!("{}/{}:{line}:{col}", crate::content::DIR, e.doc.rel),
            });
        }
        r
    }
}
