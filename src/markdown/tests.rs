//! Tests of rendering: heading ids, link checking, math, tables and
//! footnotes, and relative paths.

use super::*;
use crate::markdown::ids::slugify;

fn ctx_render(md: &str, page: &str) -> Rendered {
    let mut docs = BTreeMap::new();
    docs.insert(
        "key-value-view.md".to_string(),
        (
            "key-value-view.html".to_string(),
            BTreeSet::from(["why-it-is-exact".to_string()]),
        ),
    );
    docs.insert(
        "sheets/one.md".to_string(),
        ("sheets/one.html".to_string(), BTreeSet::new()),
    );
    let files = BTreeSet::from([
        "figures/a.svg".to_string(),
        "key-value-view.html".to_string(),
        "sheets/one.html".to_string(),
        "figures/index.html".to_string(),
    ]);
    render(
        md,
        &LinkContext {
            page,
            docs: &docs,
            files: &files,
            drafts: &BTreeSet::new(),
            page_is_draft: false,
            own_ids: &headings(md).into_iter().map(|h| h.id).collect(),
        },
    )
}

#[test]
fn headings_get_ids_anchors_and_dedupe() {
    let r = ctx_render(
        "# Keys & values\n\n## Why it is *exact*\n\n## Why it is exact\n\n## Own {#mine}\n",
        "x.html",
    );
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "keys-values",
            "why-it-is-exact",
            "why-it-is-exact-1",
            "mine"
        ]
    );
    assert!(r.html.contains("<h2 id=\"why-it-is-exact\">Why it is <em>exact</em><a class=\"anchor\" href=\"#why-it-is-exact\""), "{}", r.html);
    assert_eq!(headings("## Own {#mine}\n")[0].id, "mine");
    assert_eq!(slugify("  Ça va? 2×2 — net "), "ça-va-22-net");
}

#[test]
fn source_links_become_relative_and_unknown_targets_are_problems() {
    let md = "[a](@/key-value-view.md#why-it-is-exact) [b](@/sheets/one.md) [c](@/nope.md) [d](@/key-value-view.md#why-its-exact) [e](#here)\n\n## Here\n\n[f](figures/a.svg) [g](/abs.html) [h](missing.svg) [i](https://example.org/x) ![j](https://example.org/p.png)";
    let r = ctx_render(md, "sheets/two.html");
    assert!(
        r.html
            .contains("href=\"../key-value-view.html#why-it-is-exact\""),
        "{}",
        r.html
    );
    assert!(r.html.contains("href=\"one.html\""), "{}", r.html);
    let msgs: Vec<_> = r.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "no page `nope.md` in content/",
            "no heading `#why-its-exact` in `key-value-view.md`",
            "`figures/a.svg` is not a file of the built site",
            "`/abs.html` is an absolute path",
            "`missing.svg` is not a file of the built site",
            "image `https://example.org/p.png` would be loaded from the network",
        ]
    );
    assert_eq!(
        r.problems[1].hint.as_deref(),
        Some("did you mean `#why-it-is-exact`?")
    );
    assert_eq!(&md[r.problems[0].at..][..3], "[c]");
    assert_eq!(
        r.external,
        vec![("https://example.org/x".to_string(), md.find("[i]").unwrap())]
    );
    let r = ctx_render("[f](figures/a.svg) [x](../figures/index.html)", "x.html");
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
}

#[test]
fn math_becomes_mathml_and_bad_math_is_a_problem_at_its_offset() {
    let r = ctx_render("Here $k_i \\cdot x$ and\n\n$$\\sum_i a_i v_i$$\n", "x.html");
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert!(
        r.html.contains("<math>") || r.html.contains("<math "),
        "{}",
        r.html
    );
    assert!(r.html.contains("display=\"block\""), "{}", r.html);
    let md = "Bad $\\frac{1}$ here";
    let r = ctx_render(md, "x.html");
    assert_eq!(r.problems.len(), 1);
    assert!(
        r.problems[0].message.starts_with("math: "),
        "{:?}",
        r.problems
    );
    assert!(r.problems[0].at >= md.find('$').unwrap());
}

#[test]
fn tables_footnotes_strikethrough_and_raw_html_from_the_network() {
    let r = ctx_render(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1] ~~old~~\n\n[^1]: A footnote.\n\n<img src=\"https://x.org/a.png\">\n",
        "x.html",
    );
    assert!(
        r.html.contains("<table>")
            && r.html.contains("<del>old</del>")
            && r.html.contains("footnote"),
        "{}",
        r.html
    );
    assert_eq!(r.problems.len(), 1);
    assert!(r.problems[0].message.contains("network"));
}

#[test]
fn relative_paths_between_pages() {
    assert_eq!(relative("a.html", "b.html"), "b.html");
    assert_eq!(relative("s/a.html", "b.html"), "../b.html");
    assert_eq!(relative("s/a.html", "s/b.html"), "b.html");
    assert_eq!(relative("a.html", "s/t/b.html"), "s/t/b.html");
    assert_eq!(relative("s/x/a.html", "s/y/b.html"), "../y/b.html");
    assert_eq!(root_of("a.html"), ".");
    assert_eq!(root_of("s/x/a.html"), "../..");
}
