//! Link checking: `@/` source links turned into relative URLs, `#anchor`
//! links checked against the page's headings, relative links against the
//! built site's files; absolute paths and network images refused, links to
//! the web collected. Also the relative-path helpers the templates use.

use super::{LinkContext, Problem, Rendered};
use pulldown_cmark::CowStr;
use std::ops::Range;

/// Offset of a `src=` attribute that points at the network, if any.
pub(super) fn network_src(html: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    for pat in ["src=\"http", "src='http", "src=\"//", "src='//"] {
        if let Some(i) = lower.find(pat) {
            return Some(i);
        }
    }
    None
}

/// The relative URL from page `from` to site file `to` (both output paths).
pub(crate) fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count()
        .min(to_parts.len() - 1);
    let mut out = "../".repeat(from_dirs.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

/// `../` repeated to reach the site root from `page` ("." at the top).
pub(crate) fn root_of(page: &str) -> String {
    let depth = page.matches('/').count();
    if depth == 0 {
        ".".to_string()
    } else {
        vec![".."; depth].join("/")
    }
}

/// Joins a relative URL path onto the folder of `page`; `None` if it climbs
/// above the site root.
fn join(page: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn has_scheme(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
        && !url[..colon].contains('/')
}

pub(super) fn check_link<'a>(
    dest: &CowStr<'a>,
    image: bool,
    range: Range<usize>,
    links: &LinkContext,
    out: &mut Rendered,
) -> CowStr<'a> {
    let at = range.start;
    let mut problem = |message: String, hint: &str| {
        out.problems.push(Problem {
            at,
            message,
            hint: Some(hint.to_string()),
        })
    };
    let url: &str = dest;
    if let Some(target) = url.strip_prefix("@/") {
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (target, None),
        };
        let Some((out_path, ids)) = links.docs.get(path) else {
            let hint = match crate::diag::did_you_mean(path, links.docs.keys().map(String::as_str))
            {
                Some(s) => format!("did you mean `@/{s}`?"),
                None => "link by the path below content/, e.g. `@/key-value-view.md`".to_string(),
            };
            problem(format!("no page `{path}` in content/"), &hint);
            return dest.clone();
        };
        if links.drafts.contains(path) && !links.page_is_draft {
            problem(
                format!("`{path}` is a draft and is not published"),
                "publish it (draft = false) or remove the link",
            );
        }
        if let Some(a) = anchor
            && !ids.contains(a)
        {
            let hint = match crate::diag::did_you_mean(a, ids.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `#{s}`?"),
                None => format!(
                    "headings of `{path}` have ids: {}",
                    ids.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            };
            problem(format!("no heading `#{a}` in `{path}`"), &hint);
        }
        let mut href = relative(links.page, out_path);
        if let Some(a) = anchor {
            href.push('#');
            href.push_str(a);
        }
        return CowStr::from(href);
    }
    if let Some(a) = url.strip_prefix('#') {
        if !a.is_empty() && !links.own_ids.contains(a) {
            problem(
                format!("no heading `#{a}` on this page"),
                "anchors are heading ids; see the page's headings",
            );
        }
        return dest.clone();
    }
    if has_scheme(url) || url.starts_with("//") {
        let web =
            url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//");
        if web && image {
            problem(
                format!("image `{url}` would be loaded from the network"),
                "no request may leave the page: put the file under content/ and use a relative path",
            );
        } else if web {
            out.external.push((url.to_string(), at));
        }
        return dest.clone();
    }
    if url.starts_with('/') {
        problem(
            format!("`{url}` is an absolute path"),
            "the site must work from file:// and under any sub-path: link pages with `@/page.md`, files with a relative path",
        );
        return dest.clone();
    }
    let path = url.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() {
        return dest.clone();
    }
    match join(links.page, path) {
        Some(p) if links.files.contains(&p) || links.files.contains(&format!("{p}/index.html")) => {
        }
        _ => problem(
            format!("`{url}` is not a file of the built site"),
            "link pages with `@/page.md`; other files by a path relative to this page",
        ),
    }
    dest.clone()
}
