//! The site in memory: two passes over the content, then every product.
//!
//! Pass 1 expands every document's shortcodes (figures drawn, numbers
//! measured, claims judged) with every registered set, and collects its
//! heading ids; the products plan their files. Pass 2: each product renders
//! its documents, every link checked against the whole site (pages,
//! anchors and files). Every problem of every page is collected before the
//! build stops, each at the author's `file:line:col`.

use super::report::{self, BuildReport};
use super::{Built, REPORT_FILE, shortcode_sets};
use crate::analysis::Analyses;
use crate::content::Content;
use crate::diag::{Diagnostic, Diagnostics};
use crate::embeds::{ClaimRecord, Claims};
use crate::output::OutputFile;
use crate::product::{Expansion, Links, Output, Plan, Product, Site};
use crate::session::Options;
use crate::shortcodes::{Registry, State};
use anyhow::Result;
use std::collections::BTreeSet;
use std::path::Path;

/// Renders the whole site in memory: every product's files and the build
/// report. `serve` calls this again after an edit with the same analyses
/// and products.
pub fn render(
    root: &Path,
    an: &Analyses,
    products: &[Box<dyn Product>],
    tera: &tera::Tera,
    content: &Content,
    opts: &Options,
) -> Result<(Vec<OutputFile>, Built)> {
    let sets = shortcode_sets(products);
    let codes = Registry { sets: &sets };
    let mut problems = Diagnostics::default();
    let docs = crate::prof::tally("pass 1 (expand every document)", || {
        first_pass(content, an, codes, tera, &mut problems)
    });
    let site = Site {
        root,
        an,
        tera,
        codes,
        track: opts.track,
        variants: opts.variants,
        participants: opts.participants,
        docs: &docs,
    };
    let mut plan = Plan::default();
    for p in products {
        crate::prof::tally(p.name(), || p.plan(&site, &mut plan))?;
    }
    for a in &content.assets {
        plan.files
            .push(OutputFile::new(a.rel.clone(), crate::fsx::read(&a.source)?));
    }
    problems.0.extend(plan.problems.0);
    let mut files: BTreeSet<String> = plan.files.iter().map(|f| f.rel_path.clone()).collect();
    files.extend(plan.names);
    files.extend(
        docs.iter()
            .filter(|e| !e.doc.front.draft)
            .map(|e| e.doc.out_path()),
    );
    files.insert(REPORT_FILE.to_string());
    let links = Links {
        docs: docs
            .iter()
            .map(|e| (e.doc.rel.clone(), (e.doc.out_path(), e.ids.clone())))
            .collect(),
        files,
        drafts: docs
            .iter()
            .filter(|e| e.doc.front.draft)
            .map(|e| e.doc.rel.clone())
            .collect(),
    };
    let mut out = Output {
        files: plan.files,
        problems,
        ..Output::default()
    };
    for p in products {
        crate::prof::tally(p.name(), || p.render(&site, &links, &mut out))?;
    }
    std::mem::take(&mut out.problems).into_result()?;
    for p in products {
        crate::prof::tally(p.name(), || p.finish(&site, &mut out))?;
    }
    let mut claims: Vec<ClaimRecord> = docs
        .iter()
        .filter_map(|e| e.expanded.state.get::<Claims>())
        .flat_map(|c| c.0.iter().cloned())
        .collect();
    claims.sort_by(|a, b| a.at.cmp(&b.at));
    out.external.sort();
    out.external.dedup();
    let mut files = out.files;
    crate::prof::tally("drop unused fonts", || {
        crate::course::theme::drop_unused_fonts(&mut files)
    });
    let mut names: Vec<String> = files.iter().map(|f| f.rel_path.clone()).collect();
    names.push(REPORT_FILE.to_string());
    names.sort();
    let report = crate::prof::tally("build report", || {
        BuildReport::new(an.p, out.report, claims, names)
    });
    let publish_keys = an.p.config.sheets.publish_keys;
    let (public, instructor) =
        crate::prof::tally("build report", || report::files(&report, publish_keys))?;
    files.push(public);
    if publish_keys {
        files.push(instructor.clone());
    }
    out.instructor.push(instructor);
    out.instructor.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok((
        files,
        Built {
            report,
            external: out.external,
            warnings: out.warnings,
            instructor: out.instructor,
            print: out.print,
        },
    ))
}

/// Pass 1: every document expanded as its own page, its heading ids, and
/// its problems (a template named in front matter that does not exist
/// among them).
fn first_pass<'c>(
    content: &'c Content,
    an: &Analyses,
    codes: Registry,
    tera: &tera::Tera,
    problems: &mut Diagnostics,
) -> Vec<Expansion<'c>> {
    let names: Vec<&str> = codes.specs().map(|s| s.name).collect();
    let names = names.join(" ");
    let docs: Vec<Expansion> = content
        .docs
        .iter()
        .map(|doc| {
            let page = doc.out_path();
            // An expansion depends on the file's text and path, its page and
            // the shortcodes, and on nothing else but the analyses
            // (shortcodes read no files and draw through them).
            let key = [doc.rel.as_str(), &page, &names, &doc.text].join("\0");
            let expanded = an.derived(&doc.source.to_string_lossy(), key, || {
                crate::shortcodes::expand::expand(doc, Some(an), &page, codes, State::default())
            });
            let ids = crate::markdown::headings(&expanded.text)
                .into_iter()
                .map(|h| h.id)
                .collect();
            Expansion { doc, expanded, ids }
        })
        .collect();
    for e in &docs {
        problems.0.extend(e.expanded.problems.iter().cloned());
        if let Some(t) = &e.doc.front.template
            && tera.get_template(t).is_err()
        {
            problems.push(
                Diagnostic::new(
                    &e.doc.source,
                    format!("front matter: no template `{t}` in templates/"),
                )
                .at_offset(&e.doc.text, e.doc.text.find("template").unwrap_or(0))
                .with_hint("templates are the *.html files of templates/"),
            );
        }
    }
    docs
}
