//! Every number explains itself: on a course page each `value` (and each
//! `claim`'s check mark) carries its derivation, sums re-add to the shown
//! number, keyboard focus reaches every number and Escape closes its
//! popover; glossary terms carry their definition the same way; a slide
//! keeps its derivations for the presenter view only; print hides them.
//! [`page_problems`] also runs on every page of the real build
//! (`tests/course.rs`).

use crate::browser::chromium_or_skip;
use crate::common::stderr;
use kvlens::browser::{Browser, Page, file_url};
use std::time::Duration;

/// The checks of one open page: every number's derivation (structure,
/// re-adding sums, shown rounding), Tab reaching every visible number with
/// its popover shown, and Escape closing it. One line per problem.
pub fn page_problems(page: &mut Page, rel: &str) -> Vec<String> {
    let mut problems: Vec<String> = page
        .eval(STRUCTURE_JS)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{rel}: {}", p.as_str().unwrap()))
        .collect();
    // Tab through the page from the top: every visible number is reached
    // and shows its derivation while it has focus.
    let want = page
        .eval("document.querySelectorAll('.kvn-num').length && [...document.querySelectorAll('.kvn-num')].filter(b => b.getClientRects().length && !b.closest('details:not([open])')).length")
        .unwrap()
        .as_u64()
        .unwrap_or(0);
    if want == 0 {
        return problems;
    }
    page.eval("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); 0")
        .unwrap();
    let mut reached = std::collections::BTreeSet::new();
    let mut hidden = Vec::new();
    for _ in 0..1500 {
        page.press("Tab").unwrap();
        let v = page
            .eval("(() => { const a = document.activeElement; if (!a || a === document.body) return 'end'; if (!a.classList.contains('kvn-num')) return ''; const w = document.getElementById(a.getAttribute('aria-describedby')); return a.getAttribute('aria-describedby') + (getComputedStyle(w).display === 'none' ? ' hidden' : ''); })()")
            .unwrap();
        let v = v.as_str().unwrap_or("").to_string();
        if v == "end" && !reached.is_empty() {
            break;
        }
        if let Some(id) = v.strip_suffix(" hidden") {
            hidden.push(id.to_string());
        } else if !v.is_empty() && v != "end" && !reached.insert(v.clone()) {
            break; // wrapped around
        }
    }
    if (reached.len() as u64) < want {
        problems.push(format!(
            "{rel}: Tab reached {} of the {want} numbers",
            reached.len()
        ));
    }
    if !hidden.is_empty() {
        problems.push(format!(
            "{rel}: focused numbers without their derivation shown: {hidden:?}"
        ));
    }
    // Escape closes the focused number's popover, and it opens again on
    // the next focus.
    let closed = page
        .eval("(() => { const b = [...document.querySelectorAll('.kvn-num')].find(b => b.getClientRects().length && !b.closest('details:not([open])')); b.focus(); return b.getAttribute('aria-describedby'); })()")
        .unwrap();
    let id = closed.as_str().unwrap().to_string();
    let display = |page: &mut Page| {
        page.eval(&format!(
            "getComputedStyle(document.getElementById('{id}')).display"
        ))
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
    };
    if display(page) == "none" {
        problems.push(format!("{rel}: focus does not show {id}"));
    }
    page.press("Escape").unwrap();
    if display(page) != "none" {
        problems.push(format!("{rel}: Escape does not close {id}"));
    }
    problems
}

/// Structure and arithmetic of every number's derivation, in the page.
const STRUCTURE_JS: &str = r#"(() => {
  const out = [];
  const parse = (s) => {
    const pct = /%\s*$/.test(s);
    const t = s.replace(/%\s*$/, '').replace(/\u2212/g, '-').replace(/[,\u00a0\s]/g, '');
    if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
    const dec = t.includes('.') ? t.split('.')[1].length : 0;
    const half = 0.5 * Math.pow(10, -dec);
    return pct ? [Number(t) / 100, half / 100] : [Number(t), half];
  };
  const apply = (op, t) => op === 'sum' ? t.reduce((a, b) => a + b, 0)
    : op === 'product' ? t.reduce((a, b) => a * b, 1)
    : op === 'ratio' ? t[0] / t[1]
    : op === 'relu' ? Math.max(0, t.reduce((a, b) => a + b, 0)) : NaN;
  for (const b of document.querySelectorAll('.kvn > .kvn-num')) {
    const shown = b.textContent;
    const id = b.getAttribute('aria-describedby');
    const why = id && document.getElementById(id);
    if (!why || !why.classList.contains('kvn-why')) { out.push(`${shown}: no derivation`); continue; }
    if (b.closest('.kvn-term')) continue;
    const what = why.querySelector('.kvn-what');
    if (!what || what.textContent.length < 20) { out.push(`${shown}: no words for what it is`); continue; }
    const claim = b.closest('.kvn-claim');
    if (claim && !/Checked when this page was built: .* Measured: /.test(why.textContent)) out.push(`claim ${id}: no check`);
    const how = why.querySelector('.kvn-how[data-op]');
    if (!how) continue;
    const terms = how.dataset.terms.split(' ').map(Number);
    const total = Number(how.dataset.total);
    const again = apply(how.dataset.op, terms);
    if (!(Math.abs(again - total) <= 1e-9 * Math.max(1, Math.abs(total)))) out.push(`${shown}: ${how.textContent} re-adds to ${again}, not ${total}`);
    if (claim) continue;
    const p = parse(shown);
    if (p && !(Math.abs(p[0] - total) <= p[1] + 1e-9)) out.push(`${shown}: shown, but the formula gives ${total}`);
  }
  return out;
})()"#;

const PAGE: &str = r#"+++
title = "Numbers"
weight = 1
+++

The fixture net reads {{ value(of="test-accuracy") }} of its test images.
{{ claim(of="test-accuracy", at_least=0.1) }}
It has {{ value(of="parameters") }} parameters, and its logit for
{{ value(of="prediction", example="first(digit=3)") }} leads by
{{ value(of="lead", example="first(digit=3)") }}: pair
{{ value(of="top-pair", example="first(digit=3)") }} adds
{{ value(of="contribution", example="first(digit=3)", rank=1) }} after a match of
{{ value(of="pre-activation", example="first(digit=3)", rank=1) }}.

The toy net's output is {{ value(net="exercise", input="a", of="logit") }}, and
its first pair's activation {{ value(net="exercise", input="b", of="activation", pair=1) }}.
Every logit is a sum; a key is a row of W1.
"#;

const GLOSSARY: &str = r#"+++
title = "Glossary"
weight = 9
+++

### logit

One of the ten output scores. The largest wins.

### key

Row $i$ of W1: one weight per pixel.
"#;

const DECK: &str = r#"+++
title = "Talk"
kind = "deck"
+++

# Numbers

The lead is {{ value(of="lead", example="first(digit=3)") }}.
{{ claim(of="hidden", equals=16) }}
"#;

#[test]
fn numbers_and_terms_explain_themselves() {
    let w = crate::site::course();
    w.write("content/numbers.md", PAGE);
    w.write("content/glossary.md", GLOSSARY);
    w.write("content/talk.md", DECK);
    let o = w.run(&["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(w.public().join("numbers.html")).unwrap();
    // Nine numbers and one claim, each a button described by its popover.
    let buttons: Vec<&str> = html
        .split("class=\"kvn-num\"")
        .skip(1)
        .map(|b| b.split("</button>").next().unwrap_or(""))
        .collect();
    assert_eq!(buttons.len(), 10, "{buttons:?}");
    assert!(html.contains("aria-label=\"checked claim\""));
    assert!(html.contains("the claim holds if this is at least 10.0\u{a0}%. Measured: "));
    // The lead is a difference of two logits, with this image's numbers.
    assert!(
        html.contains("<span class=\"kvn-how\" data-op=\"sum\""),
        "{html}"
    );
    assert!(html.contains("logit of 3 − logit of") || html.contains("The lead of"));
    // The toy output is b2 plus each pair, in exact decimals.
    assert!(html.contains("b2 + pair 1 + pair 2 = "), "{html}");
    // Terms: first use linked, with the definition's first sentence.
    assert!(
        html.contains(
            "<span class=\"kvn-why\" id=\"def-logit\">One of the ten output scores.</span>"
        ),
        "{html}"
    );
    // On a slide: plain number, the derivation kept for the presenter view.
    let deck = std::fs::read_to_string(w.public().join("talk.html")).unwrap();
    assert!(deck.contains("<span class=\"kvn-deck\" data-why=\"The lead of"));
    assert!(!deck.contains("kvn-why"), "no popover on a projected slide");
    // Paper (sheets) gets numbers only: no sheet in this fixture uses one,
    // the unit tests of embeds::why cover it.

    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let mut browser = Browser::launch(&chromium).unwrap();
    let mut page = browser.new_page().unwrap();
    page.set_viewport(1280, 900, 1.0).unwrap();
    page.goto(&file_url(&w.public().join("numbers.html")))
        .unwrap();
    page.wait_for(
        "document.readyState === 'complete'",
        Duration::from_secs(10),
    )
    .unwrap();
    let problems = page_problems(&mut page, "numbers.html");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let axe = crate::course::axe_or_skip();
    let v = crate::course::axe_violations(&mut page, &axe, "numbers.html");
    assert!(v.is_empty(), "{}", v.join("\n"));
    // A plausible wrong popover is caught: a derivation whose terms do not
    // add up to the number shown.
    page.eval("(() => { const h = document.querySelector('.kvn-how[data-op=\"sum\"]'); h.dataset.total = String(Number(h.dataset.total) + 1); return 0; })()")
        .unwrap();
    let broken = page_problems(&mut page, "numbers.html");
    assert!(
        broken.iter().any(|p| p.contains("re-adds to")),
        "{broken:?}"
    );
    // A tap opens a popover; a tap elsewhere closes it; a term tapped on a
    // touch screen shows its definition before following the link.
    let at = page
        .eval("(() => { const r = document.querySelector('.kvn-num').getBoundingClientRect(); return [r.x + 3, r.y + r.height / 2]; })()")
        .unwrap();
    let (x, y) = (at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
    page.click(x, y).unwrap();
    let open = page
        .eval("document.querySelector('.kvn').classList.contains('open')")
        .unwrap();
    assert_eq!(open, serde_json::json!(true));
    page.click(5.0, 880.0).unwrap();
    let open = page
        .eval("document.querySelector('.kvn').classList.contains('open')")
        .unwrap();
    assert_eq!(open, serde_json::json!(false));
    // Print hides every popover, even a focused one.
    page.send(
        "Emulation.setEmulatedMedia",
        serde_json::json!({ "media": "print" }),
    )
    .unwrap();
    let shown = page
        .eval("(() => { const b = document.querySelector('.kvn-num'); b.focus(); return getComputedStyle(document.getElementById(b.getAttribute('aria-describedby'))).display; })()")
        .unwrap();
    assert_eq!(shown, serde_json::json!("none"));
}
