//! The website pipeline through the real binary on a fixture workshop with
//! its own content: every shortcode, math, links, drafts and assets; every
//! href/src resolves; each kind of authoring mistake is a diagnostic at
//! file:line:col; a false claim fails the build and leaves public/ intact;
//! two builds elsewhere (other TZ/LANG) are byte-identical with no absolute
//! path; the pages open from file:// in Chromium with no console error and
//! no request leaving the site.

use crate::browser::chromium_or_skip;
use crate::common::{MODEL, Workshop, assert_same_tree, copy_dir, stderr, stdout, tree};
use kvlens::browser::{Browser, file_url};
use std::path::Path;

const HOME: &str = "+++\ntitle = \"Fixture\"\n+++\nA fixture course about **keys** and values.\n";

pub const KEYS: &str = r#"+++
title = "Keys and values"
description = "Every shortcode once."
weight = 1
minutes = 5
+++

The net has {{ value(of="hidden") }} pairs and reads {{ value(of="test-images") }} test images.
{{ claim(of="hidden", equals=16) }}

Inline math $k_i \cdot x + b_i$ and display math:

$$\text{logits} = b_2 + \sum_i \mathrm{ReLU}(k_i \cdot x + b_{1,i})\, v_i$$

{{ net(name="exercise", input="a") }}

{% calc(net="exercise", input="a") %}
Guess first: is the output above {{ value(net="exercise", input="b", of="logit") }}?
{% end %}

{{ figure(name="waterfall", example="first(digit=3)") }}

{{ figure(name="pair-card", example="first(digit=3)", rank=2, inline=true) }}

{{ figure(id="confusion", caption="Where the fixture net goes wrong.") }}

| pair | role |
|------|------|
| key  | matches |

A footnote[^1], ~~struck~~, `{{ not_a_shortcode }}`, and \{{ literal braces }}.

[^1]: Footnotes work.

See [the second page](@/more/second.md#the-second-heading), [a picture](pic.svg),
[the gallery](figures/index.html) and [a paper](https://example.org/paper).

![A small picture](pic.svg)
"#;

const SECOND: &str = "+++\ntitle = \"Second\"\nweight = 2\n+++\n## The second heading\n\nBack to [keys](@/keys.md).\n";
const DRAFT: &str =
    "+++\ntitle = \"Draft\"\ndraft = true\n+++\nNot published: {{ value(of=\"hidden\") }}.\n";
const PIC: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"#888\"/></svg>";

/// The fixture workshop with toy nets and the course above.
pub fn course() -> Workshop {
    let w = Workshop::new(MODEL);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content/nets"), &w.path().join("content/nets"));
    std::fs::create_dir_all(w.path().join("content/more")).unwrap();
    w.write("content/_index.md", HOME);
    w.write("content/keys.md", KEYS);
    w.write("content/more/second.md", SECOND);
    w.write("content/draft.md", DRAFT);
    w.write("content/pic.svg", PIC);
    w
}

/// A page's HTML with its numbers and terms plain (no popovers).
fn read(w: &Workshop, rel: &str) -> String {
    kvlens::embeds::why::plain_numbers(&std::fs::read_to_string(w.public().join(rel)).unwrap())
}

/// Every `href="…"` and `src="…"` value in `html`.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_string());
            }
        }
    }
    out
}

#[test]
fn every_shortcode_renders_and_every_link_resolves() {
    let w = course();
    let o = w.run(&["build", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let keys = read(&w, "keys.html");
    // value, toy value (typographic minus), claim (renders nothing).
    assert!(
        keys.contains("The net has 16 pairs and reads 100 test images."),
        "{keys}"
    );
    assert!(!keys.contains("claim("));
    // Math as MathML, no script.
    assert!(keys.contains("<math") && keys.contains("display=\"block\""));
    // The calc block: prompt with a nested value, hidden table, exact sums.
    assert!(keys.contains("<details class=\"reveal\">"));
    assert!(
        keys.contains("0.6 × 1.5 + (−0.4) × (−0.8) = 1.22"),
        "{keys}"
    );
    assert!(keys.contains("Guess first: is the output above "));
    // Figures: files with alt text, one inline SVG with its own ids.
    assert!(keys.contains("src=\"./figures/net-exercise-a.svg\" alt=\"Node diagram"));
    assert!(keys.contains(
        "<figcaption>Where the fixture net goes wrong. <a class=\"kv-figure-data\" href=\"./figures/"
    ));
    assert!(keys.contains("<svg"), "the inline figure");
    // Code spans keep their braces; the escaped braces are literal.
    assert!(keys.contains("<code>{{ not_a_shortcode }}</code>"));
    assert!(keys.contains("{{ literal braces }}"));
    // Links by source path become relative; TOC, prev/next, outline.
    assert!(keys.contains("href=\"more/second.html#the-second-heading\""));
    let second = read(&w, "more/second.html");
    assert!(second.contains("href=\"../keys.html\""));
    assert!(
        second.contains("rel=\"prev\" href=\"../keys.html\""),
        "{second}"
    );
    assert!(keys.contains("rel=\"next\" href=\"more/second.html\""));
    let index = read(&w, "index.html");
    assert!(index.contains("A fixture course about <strong>keys</strong>"));
    assert!(index.contains("href=\"keys.html\""));
    // Drafts are not published; the draft's figure-free page is absent.
    assert!(!w.public().join("draft.html").exists());
    // The build report lists the claim and the pages.
    let report: serde_json::Value = serde_json::from_str(&read(&w, "build-report.json")).unwrap();
    assert_eq!(
        report["pages"],
        serde_json::json!(["keys.html", "more/second.html"])
    );
    assert_eq!(report["claims"][0]["at"], "content/keys.md:9");
    assert_eq!(report["claims"][0]["holds"], true);

    // Every href/src of every page resolves to a file of public/ (or is a
    // link to the web, listed by check).
    let mut checked = 0;
    for (rel, bytes) in tree(&w.public()) {
        if !rel.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let dir = w.public().join(&rel).parent().unwrap().to_path_buf();
        for link in links(&html) {
            if link.starts_with("https://") || link.starts_with('#') {
                continue;
            }
            assert!(!link.starts_with('/'), "{rel}: absolute link {link}");
            let path = link.split(['#', '?']).next().unwrap();
            assert!(dir.join(path).exists(), "{rel}: {link} does not resolve");
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} links checked");

    // check: silent about problems, lists the web link with its position.
    let o = w.run(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("https://example.org/paper  (content/keys.md:36:39)"),
        "{out}"
    );
}

#[test]
fn every_authoring_mistake_is_listed_with_its_position_and_public_survives() {
    let w = course();
    assert!(w.run(&["build", "-q"]).status.success());
    let before = tree(&w.public());
    w.write(
        "content/bad.md",
        r#"+++
title = "Bad"
+++
{{ valeu(of="hidden") }} and {{ value(of="hidden", digits="2") }}

{{ figure(name="waterfall", example="frist(digit=3)") }}

{{ claim(of="hidden", equals=17) }}

[gone](@/nope.md) and [no anchor](@/keys.md#nowhere) and $\frac{1}$ and [a draft](@/draft.md)

{{ value(of="activation", example="test:5000", pair=1) }}
"#,
    );
    w.write("content/front.md", "+++\ntitle = \"F\"\nwieght = 2\n+++\n");
    let o = w.run(&["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let bad = w.path().join("content/bad.md");
    let at = |lc: &str, msg: &str| {
        let want = format!("{}:{lc}: {msg}", bad.display());
        assert!(err.contains(&want), "missing `{want}` in\n{err}");
    };
    at("4:4", "unknown shortcode `valeu`");
    at("4:59", "`digits` must be an integer, not a string");
    at("6:38", "selector: unknown selector `frist`");
    at("8:4", "claim contradicted by the model: `hidden` is 16");
    at("10:1", "no page `nope.md` in content/");
    at("10:23", "no heading `#nowhere` in `keys.md`");
    let line_has = |line: usize, msg: &str| {
        let prefix = format!("{}:{line}:", bad.display());
        assert!(
            err.lines()
                .any(|l| l.starts_with(&prefix) && l.contains(msg)),
            "no `{msg}` on line {line} in\n{err}"
        );
    };
    line_has(10, "math: ");
    line_has(10, "`draft.md` is a draft and is not published");
    line_has(12, "selector: ");
    assert!(
        err.contains("front.md:3:1: front matter: unknown field `wieght`"),
        "{err}"
    );
    assert!(err.contains("hint: did you mean `weight`?"), "{err}");
    // build stops at the content, names it, and leaves public/ as it was.
    let o = w.run(&["build", "-q"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("front matter: unknown field `wieght`"),
        "{}",
        stderr(&o)
    );
    assert_same_tree(&before, &tree(&w.public()), "public/ after a failed build");
}

#[test]
fn a_false_claim_alone_fails_the_build_at_its_line() {
    let w = course();
    w.write(
        "content/claims.md",
        "+++\ntitle = \"Claims\"\n+++\nThis net has few pairs.\n{{ claim(of=\"hidden\", below=10) }}\n",
    );
    let o = w.run(&["build", "-q"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{}:5:4: claim contradicted by the model: `hidden` is 16 (measured 16.0000), but the claim says below < 10",
            w.path().join("content/claims.md").display()
        )),
        "{err}"
    );
    assert!(
        !w.public().exists(),
        "nothing is written by a failed first build"
    );
}

#[test]
fn builds_elsewhere_with_other_tz_and_lang_are_byte_identical_without_absolute_paths() {
    let a = course();
    let b = course();
    let oa = a
        .cmd()
        .args(["build", "-q"])
        .env("TZ", "UTC")
        .env("LANG", "C")
        .output()
        .unwrap();
    let ob = b
        .cmd()
        .args(["build", "-q"])
        .env("TZ", "Pacific/Auckland")
        .env("LANG", "de_DE.UTF-8")
        .env("LC_ALL", "de_DE.UTF-8")
        .output()
        .unwrap();
    assert!(
        oa.status.success() && ob.status.success(),
        "{}{}",
        stderr(&oa),
        stderr(&ob)
    );
    let (ta, tb) = (tree(&a.public()), tree(&b.public()));
    assert_same_tree(&ta, &tb, "two builds");
    for (w, t) in [(&a, &ta), (&b, &tb)] {
        let needles = [
            w.path().to_string_lossy().into_owned(),
            w.cache.path().to_string_lossy().into_owned(),
            std::env::temp_dir().to_string_lossy().into_owned(),
        ];
        for (rel, bytes) in t {
            let text = String::from_utf8_lossy(bytes);
            for n in &needles {
                assert!(
                    !text.contains(n.as_str()),
                    "{rel} contains the absolute path {n}"
                );
            }
        }
    }
    // Editing one page and rebuilding leaves no stale file behind.
    std::fs::remove_file(a.path().join("content/more/second.md")).unwrap();
    a.write(
        "content/keys.md",
        &KEYS.replace(
            "[the second page](@/more/second.md#the-second-heading), ",
            "",
        ),
    );
    assert!(a.run(&["build", "-q"]).status.success());
    assert!(!a.public().join("more/second.html").exists());
}

#[test]
fn pages_open_from_file_urls_without_errors_or_requests_outside_the_site() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let w = course();
    assert!(w.run(&["build", "-q"]).status.success());
    let site = file_url(&w.public());
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-screenshots");
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.set_viewport(1200, 900, 1.0).unwrap();
    for rel in [
        "index.html",
        "keys.html",
        "more/second.html",
        "figures/index.html",
    ] {
        page.goto(&file_url(&w.public().join(rel))).unwrap();
        page.wait_for(
            "document.readyState === 'complete'",
            std::time::Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(page.console_errors(), Vec::<String>::new(), "{rel}");
        for r in page.requests() {
            assert!(r.starts_with(&site), "{rel} requested {r}, outside {site}");
        }
        page.screenshot_png(&shots.join(format!("site-{}.png", rel.replace('/', "-"))))
            .unwrap();
    }
    // Predict, then reveal: the calculation is hidden until the summary is clicked.
    page.goto(&file_url(&w.public().join("keys.html"))).unwrap();
    let hidden = "(() => { const t = document.querySelector('.calc details table'); return !t.checkVisibility(); })()";
    assert_eq!(page.eval(hidden).unwrap(), serde_json::json!(true));
    page.eval("document.querySelector('.calc details summary').click()")
        .unwrap();
    assert_eq!(page.eval(hidden).unwrap(), serde_json::json!(false));
    // The theme toggle switches to dark and is remembered across pages.
    page.eval("document.querySelector('.theme-toggle').click()")
        .unwrap();
    let theme = "document.documentElement.getAttribute('data-theme')";
    let first = page.eval(theme).unwrap();
    assert!(first == serde_json::json!("dark") || first == serde_json::json!("light"));
    page.goto(&file_url(&w.public().join("more/second.html")))
        .unwrap();
    assert_eq!(page.eval(theme).unwrap(), first);
    page.screenshot_png(&shots.join("site-second-toggled.png"))
        .unwrap();
    assert_eq!(page.console_errors(), Vec::<String>::new());
}

#[test]
fn built_in_templates_and_theme_serve_a_bare_workshop_and_one_file_overrides() {
    let w = course();
    std::fs::remove_dir_all(w.path().join("templates")).unwrap();
    std::fs::remove_dir_all(w.path().join("theme")).unwrap();
    let o = w.run(&["build", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(&w, "keys.html").contains("class=\"prev-next\""));
    assert!(w.public().join("theme/style.css").is_file());
    // No built-in page or stylesheet loads the bundled fonts: not shipped.
    assert!(!w.public().join("theme/fonts").exists());
    // One template and one theme file of the workshop's own replace the built-ins.
    std::fs::create_dir_all(w.path().join("templates")).unwrap();
    std::fs::create_dir_all(w.path().join("theme")).unwrap();
    w.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"mine\">{{ title }}</h1>{{ content | safe }}{% endblock content %}",
    );
    let extra =
        "@font-face { font-family: Body; src: url(\"fonts/DejaVuSans.ttf\") }\nbody { color: red }";
    w.write("theme/extra.css", extra);
    let o = w.run(&["build", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(&w, "keys.html").contains("<h1 class=\"mine\">Keys and values</h1>"));
    assert!(
        read(&w, "index.html").contains("class=\"course-outline\""),
        "built-in index"
    );
    assert_eq!(read(&w, "theme/extra.css"), extra);
    // A stylesheet of the workshop's own that loads a bundled font ships
    // that font (and its licence), not the others.
    assert!(w.public().join("theme/fonts/DejaVuSans.ttf").is_file());
    assert!(w.public().join("theme/fonts/LICENSE-DejaVu.txt").is_file());
    assert!(!w.public().join("theme/fonts/DejaVuSans-Bold.ttf").exists());
    assert!(w.public().join("theme/site.js").is_file());
    // A broken override is a diagnostic at its position.
    w.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ title }",
    );
    let o = w.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("templates/page.html:1:"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_authoring_guide_names_every_shortcode_argument_family_and_quantity() {
    let guide =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/AUTHORING.md"))
            .unwrap();
    let mut missing = Vec::new();
    let mut need = |name: &str, what: &str| {
        if !guide.contains(&format!("`{name}`")) {
            missing.push(format!("{what} `{name}`"));
        }
    };
    let products = kvlens::build::products();
    let sets = kvlens::build::shortcode_sets(&products);
    for spec in (kvlens::shortcodes::Registry { sets: &sets }).specs() {
        need(spec.name, "shortcode");
        for a in spec.args() {
            need(a.name, &format!("argument of {}", spec.name));
        }
    }
    for f in kvlens::embeds::figure::FAMILIES {
        need(f.name, "figure family");
    }
    for q in kvlens::embeds::quantity::QUANTITIES {
        need(q.name, "quantity");
    }
    assert!(
        missing.is_empty(),
        "docs/AUTHORING.md does not mention: {missing:?}"
    );
}
