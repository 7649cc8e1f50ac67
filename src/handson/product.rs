//! The hands-on product: the downloads (model files and the notebook) and
//! the `kind = "explorer"` page with its model script and test vectors.

use super::{Cache, ExplorerPage, HandsOnReport, explorer, notebook};
use crate::content::Kind;
use crate::diag::Diagnostic;
use crate::output::OutputFile;
use crate::product::{Links, Output, Plan, Product, Site, Template};
use std::cell::RefCell;

/// The hands-on product with its memo.
#[derive(Default)]
pub struct HandsOn {
    cache: Cache,
    /// The downloads, the instructor's notebook and the notebooks' report,
    /// from the plan to the render.
    planned: RefCell<Option<(Vec<String>, OutputFile, notebook::NotebookReport)>>,
}

const TEMPLATES: [Template; 2] = [
    Template::shipped(
        explorer::TEMPLATE,
        include_str!("../../templates/explorer.html"),
    ),
    Template {
        name: notebook::TEMPLATE,
        source: include_str!("../../templates/notebook.py"),
        check: Some(notebook::check_source),
    },
];

impl Product for HandsOn {
    fn name(&self) -> &'static str {
        "hands-on"
    }

    fn templates(&self) -> &'static [Template] {
        &TEMPLATES
    }

    /// The downloads are made here (the pages link to them); one explorer
    /// page at most (its model script is shared).
    fn plan(&self, site: &Site, plan: &mut Plan) -> anyhow::Result<()> {
        let made = super::downloads(site.an, &self.cache, site.tera, site.root)?;
        let names = made.files.iter().map(|f| f.rel_path.clone()).collect();
        plan.files.extend(made.files);
        if site.an.p.config.sheets.publish_keys {
            plan.names.insert(made.instructor.rel_path.clone());
        }
        *self.planned.borrow_mut() = Some((names, made.instructor, made.report));
        let explorers: Vec<_> = site
            .docs_of(Kind::Explorer)
            .filter(|e| !e.doc.front.draft)
            .collect();
        if let Some(first) = explorers.first() {
            plan.names.insert(explorer::MODEL_JS.to_string());
            plan.names.insert(explorer::VECTORS.to_string());
            for extra in explorers.iter().skip(1) {
                plan.problems.push(
                    Diagnostic::new(
                        &extra.doc.source,
                        format!(
                            "a second explorer page; {} is one already",
                            first.doc.source.display()
                        ),
                    )
                    .at_offset(&extra.doc.text, extra.doc.text.find("kind").unwrap_or(0))
                    .with_hint("the explorer's model script is shared: keep one `kind = \"explorer\"` document"),
                );
            }
        }
        Ok(())
    }

    fn render(&self, site: &Site, links: &Links, out: &mut Output) -> anyhow::Result<()> {
        let mut report = None;
        for e in site.docs_of(Kind::Explorer) {
            let page = e.doc.out_path();
            let r = out.markdown(e, links, &page, false);
            if e.doc.front.draft || report.is_some() {
                continue; // a second explorer is reported by the plan
            }
            let theme_bytes = out
                .files
                .iter()
                .filter(|f| explorer::THEME_FILES.contains(&f.rel_path.as_str()))
                .map(|f| f.bytes.len())
                .sum();
            let template = e
                .doc
                .front
                .template
                .as_deref()
                .unwrap_or(explorer::TEMPLATE);
            let page_in = ExplorerPage {
                page: &page,
                title: &e.doc.front.title,
                description: e.doc.front.description.as_deref(),
                intro: r.html,
                template,
                theme_bytes,
            };
            match super::explorer_page(site.an, &self.cache, site.tera, site.root, &page_in) {
                Ok((files, made, warning)) => {
                    out.files.extend(files);
                    out.warnings.extend(warning);
                    report = Some(made);
                }
                Err(err) => out
                    .problems
                    .push(site.template_problem(template, e.doc, &err)),
            }
        }
        let (downloads, instructor, notebook) =
            self.planned.borrow_mut().take().ok_or_else(|| {
                anyhow::anyhow!("internal error: hands-on rendered before its plan")
            })?;
        // The instructor's notebook follows the answer keys: in the site
        // with `[sheets] publish_keys = true`, else beside it in `instructor/`.
        if site.an.p.config.sheets.publish_keys {
            out.files.push(instructor.clone());
        }
        out.instructor.push(instructor);
        out.instructor.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        out.report.push(
            "hands_on",
            HandsOnReport {
                downloads,
                notebook,
                explorer: report,
            },
        );
        Ok(())
    }
}
