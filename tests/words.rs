//! What a learner reads, through the real binary on a fixture workshop:
//! a claim alone on its line does not split its paragraph; predict prompts
//! keep their answers (figures, values, prose) behind the button, with an
//! input-only toy diagram above the prompt; the glossary's terms are linked
//! at their first use in prose; the one-page summary prints on one A4 page.

use crate::browser::chromium_or_skip;
use crate::common::{MODEL, Workshop, copy_dir, stderr};
use kvlens::browser::{Browser, file_url, pdf_page_count};
use std::path::Path;

fn workshop(pages: &[(&str, &str)]) -> Workshop {
    let w = Workshop::new(MODEL);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content/nets"), &w.path().join("content/nets"));
    w.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHome.\n");
    for (rel, text) in pages {
        w.write(&format!("content/{rel}"), text);
    }
    let out = w.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    w
}

/// A page's HTML with its numbers and terms plain (no popovers).
fn read(w: &Workshop, rel: &str) -> String {
    kvlens::embeds::why::plain_numbers(&std::fs::read_to_string(w.public().join(rel)).unwrap())
}

/// The position of `needle` in `hay`, which must hold it.
#[track_caller]
fn at(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in:\n{hay}"))
}

const CLAIMS: &str = r#"+++
title = "Claims"
weight = 1
+++
The net has {{ value(of="hidden") }} pairs,
{{ claim(of="hidden", equals=16) }}
and every one of them
{{ claim(of="hidden", above=1) }}
  {{ claim(of="hidden", below=100) }}
is a key with a value.

A line that must not become a heading
{{ claim(of="hidden", equals=16) }}
---

| a | b |
|---|---|
| 1 | 2 |
{{ claim(of="hidden", equals=16) }}
| 3 | 4 |
"#;

#[test]
fn a_claim_alone_on_its_line_keeps_its_paragraph_whole() {
    let w = workshop(&[("claims.md", CLAIMS)]);
    let html = read(&w, "claims.html");
    // (Each claim's check mark stands where the claim was; as plain text
    // it leaves only white space.)
    let words = html.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("<p>The net has 16 pairs, and every one of them is a key with a value.</p>"),
        "{html}"
    );
    // A `---` under the claim stays a rule: the line above is no heading.
    assert!(
        html.contains("<p>A line that must not become a heading</p>\n<hr"),
        "{html}"
    );
    // The table keeps its last row.
    assert!(html.contains("<td>3</td>"), "{html}");
    assert_eq!(html.matches("<table").count(), 1, "{html}");
}

const PREDICT: &str = r#"+++
title = "Predict"
weight = 1
+++
{{ net(name="slides", input="x1", evaluated=false) }}

{% calc(net="slides", input="x1") %}
Predict: which output wins?

Answer: The answer is {{ value(net="slides", input="x1", of="prediction") }}.

{{ net(name="slides", input="x1") }}
{% end %}

Guess the output of input a first.

{% reveal(summary="Show the result") %}
The output is {{ value(net="exercise", input="a", of="logit") }}.
{% end %}
"#;

#[test]
fn predict_prompts_keep_their_answers_behind_the_button() {
    let w = workshop(&[("predict.md", PREDICT)]);
    let html = read(&w, "predict.html");
    // Above the prompt: the input going in, nothing worked out.
    let before = at(&html, "figures/net-slides-x1-input.svg");
    let prompt = at(&html, "Predict: which output wins?");
    let button = at(&html, "<summary>Show the answer</summary>");
    let answer = at(&html, "The answer is output 1.");
    let worked = at(&html, "figures/net-slides-x1.svg");
    let close = html[answer..].find("</details>").unwrap() + answer;
    assert!(before < prompt && prompt < button, "{html}");
    assert!(button < answer && answer < close && worked < close && button < worked);
    let svg = read(&w, "figures/net-slides-x1-input.svg");
    assert!(svg.contains("goes in") && !svg.contains("wins"), "{svg}");
    assert!(!svg.contains("ReLU("), "{svg}");
    assert!(read(&w, "figures/net-slides-x1.svg").contains("wins"));
    // The reveal block: its body inside the details, the button as asked.
    let guess = at(&html, "Guess the output of input a first.");
    let open = at(
        &html,
        "<details class=\"reveal answer\">\n<summary>Show the result</summary>",
    );
    let result = at(&html, "The output is 0.82.");
    assert!(guess < open && open < result);
    assert!(html[result..].find("</details>").is_some());
}

#[test]
fn in_the_browser_the_answers_appear_only_when_asked() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let w = workshop(&[("predict.md", PREDICT)]);
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.goto(&file_url(&w.public().join("predict.html")))
        .unwrap();
    // What a reader sees: the visible text and the figures shown.
    let seen = "(() => { const s = []; for (const e of document.querySelectorAll('.page-body p, .page-body img')) { if (e.checkVisibility()) { const c = e.cloneNode(true); c.querySelectorAll('.kvn-why').forEach(w => w.remove()); s.push(e.tagName === 'IMG' ? e.getAttribute('src') : c.textContent); } } return s.join(' | '); })()";
    let before = page.eval(seen).unwrap().as_str().unwrap().to_string();
    assert!(before.contains("Predict: which output wins?"), "{before}");
    assert!(before.contains("net-slides-x1-input.svg"), "{before}");
    for hidden in [
        "The answer is",
        "net-slides-x1.svg",
        "The output is 0.82",
        "output 1",
    ] {
        assert!(!before.contains(hidden), "`{hidden}` is visible: {before}");
    }
    page.eval("document.querySelectorAll('summary').forEach(s => s.click())")
        .unwrap();
    let after = page.eval(seen).unwrap().as_str().unwrap().to_string();
    for shown in [
        "The answer is output 1.",
        "net-slides-x1.svg",
        "The output is 0.82.",
    ] {
        assert!(after.contains(shown), "`{shown}` not shown: {after}");
    }
}

#[test]
fn evaluated_needs_an_input() {
    let w = Workshop::new(MODEL);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repo.join("content/nets"), &w.path().join("content/nets"));
    w.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHome.\n");
    w.write(
        "content/bad.md",
        "+++\ntitle = \"Bad\"\n+++\n{{ net(name=\"slides\", evaluated=false) }}\n",
    );
    let out = w.run(&["check"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("content/bad.md:4:23: `evaluated` needs an `input` and no `pair`"),
        "{}",
        stderr(&out)
    );
}

const GLOSSARY: &str = r#"+++
title = "Glossary"
weight = 9
+++
## Terms

### match

The key·image plus the bias.

### scaled value

What a pair adds.

### value

A column of $W_2$.
"#;

const USES: &str = r#"+++
title = "Uses"
weight = 1
+++
## The match

In code, `match` is not a use. Each pair's match decides, and a second
match is not linked. A [match](#the-match) in a link is not a use either.
Its scaled values and then its value; a key-value view is not a value.
"#;

#[test]
fn glossary_terms_link_at_their_first_use_in_prose() {
    let w = workshop(&[("glossary.md", GLOSSARY), ("uses.md", USES)]);
    let html = read(&w, "uses.html");
    let terms: Vec<&str> = html
        .split("<a class=\"term\" href=\"")
        .skip(1)
        .map(|s| &s[..s.find("</a>").unwrap()])
        .collect();
    assert_eq!(
        terms,
        [
            "glossary.html#match\">match",
            "glossary.html#scaled-value\">scaled values",
            "glossary.html#value\">value",
        ],
        "{html}"
    );
    assert!(html.contains("<code>match</code>"));
    // The glossary page itself links nothing.
    assert!(!read(&w, "glossary.html").contains("class=\"term\""));
}

#[test]
fn the_summary_prints_on_one_a4_page() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let real = |rel: &str| std::fs::read_to_string(repo.join("content").join(rel)).unwrap();
    let summary = real("summary.md");
    let glossary = real("glossary.md");
    let w = Workshop::new(MODEL);
    copy_dir(&repo.join("content/nets"), &w.path().join("content/nets"));
    w.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHome.\n");
    w.write("content/summary.md", &summary);
    w.write("content/glossary.md", &glossary);
    w.write(
        "content/why-look-inside.md",
        "+++\ntitle = \"Why\"\nweight = 1\n+++\nWhy.\n",
    );
    w.write(
        "content/todays-object.md",
        "+++\ntitle = \"Object\"\nweight = 2\n+++\n## Notation card {#notation-card}\n\nSymbols.\n",
    );
    let out = w.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.goto(&file_url(&w.public().join("summary.html")))
        .unwrap();
    let pdf = page.print_to_pdf().unwrap();
    assert_eq!(
        pdf_page_count(&pdf),
        1,
        "the summary needs more than one page"
    );
    let text = String::from_utf8_lossy(&pdf);
    let media = text.split("/MediaBox [0 0 ").nth(1).unwrap();
    let mut n = media.split([' ', ']']).map(|x| x.parse::<f64>().unwrap());
    let (pw, ph) = (n.next().unwrap(), n.next().unwrap());
    assert!(
        (pw - 595.3).abs() < 1.5 && (ph - 841.9).abs() < 1.5,
        "{pw} × {ph} pt"
    );
}
