//! `kvlens check`: every problem of a workshop, without writing `public/`.

use crate::analysis::{Analyses, Prepared};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::product::ExternalLink;
use crate::session::Session;
use crate::shortcodes::expand::expand;
use crate::shortcodes::{Registry, State};
use std::path::Path;

/// What `kvlens check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub problems: Diagnostics,
    /// Links to the web (not fetched: listed so an instructor can test them
    /// on the venue's network).
    pub external: Vec<ExternalLink>,
    /// Claims checked against the model.
    pub claims: usize,
    pub warnings: Vec<String>,
}

/// `kvlens check`: every problem in workshop.toml, the toy nets, the
/// templates and the content — shortcodes, selectors, claims, links —
/// without writing public/. Content is checked against the model (from the
/// cache, trained if needed); when data or model cannot be had, the content
/// is still checked statically and that problem is listed too.
pub fn check(s: &Session) -> CheckReport {
    let root = &s.root;
    let mut out = CheckReport::default();
    let cfg = match Config::load(root) {
        Ok(c) => Some(c),
        Err(d) => {
            out.problems.0.extend(d.0);
            None
        }
    };
    let nets = match crate::kv::toy::load_dir(&root.join(crate::kv::toy::NETS_DIR)) {
        Ok(n) => Some(n),
        Err(d) => {
            out.problems.0.extend(d.0);
            None
        }
    };
    let products = super::products();
    let tera = match crate::templates::load(root, &super::templates_of(&products)) {
        Ok(t) => Some(t),
        Err(e) => {
            push_error(&mut out.problems, e, &root.join("templates"));
            None
        }
    };
    // Documents that parse are checked even when others do not.
    let (content, content_problems) = crate::content::load_all(root);
    out.problems.0.extend(content_problems.0);
    let (Some(cfg), Some(nets)) = (cfg, nets) else {
        return out;
    };
    let sets = super::shortcode_sets(&products);
    let codes = Registry { sets: &sets };
    let statically = |out: &mut CheckReport| {
        for doc in &content.docs {
            let e = expand(doc, None, &doc.out_path(), codes, State::default());
            out.problems.0.extend(e.problems);
        }
    };
    let Some(tera) = tera else {
        statically(&mut out);
        return out;
    };
    let rendered = Prepared::with_config(s, cfg, nets).and_then(|prepared| {
        let analyses = Analyses::new(&prepared)?;
        let r = super::render(root, &analyses, &products, &tera, &content, &s.options());
        analyses.keep();
        r
    });
    match rendered {
        Ok((_, built)) => {
            out.claims = built.report.claims.len();
            out.external = built.external;
            out.warnings = built.warnings;
        }
        Err(e) => {
            let is_content = e.downcast_ref::<Diagnostics>().is_some();
            push_error(&mut out.problems, e, &root.join(crate::config::FILE_NAME));
            if !is_content {
                // No model: the content can still be checked without it.
                statically(&mut out);
            }
        }
    }
    out
}

fn push_error(out: &mut Diagnostics, e: anyhow::Error, file: &Path) {
    match e.downcast::<Diagnostics>() {
        Ok(d) => out.0.extend(d.0),
        Err(e) => out.push(Diagnostic::new(file, format!("{e:#}"))),
    }
}
