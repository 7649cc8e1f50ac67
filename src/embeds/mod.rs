//! Embeds: the shortcodes every kind of document may use to show the
//! analyses — `figure` and `net` (a computed figure, a toy network),
//! `value` (one computed number), `claim` (a checked sentence: the build
//! fails when the model disagrees) and `calc` (a worked toy-net calculation
//! behind a "show" button). They know the analyses and the figures, and no
//! product: the course, the deck and the sheets all use them.
//!
//! While expanding a document they record which figures it shows
//! ([`Shown`]) and every claim with its verdict ([`Claims`]).

pub mod calc;
pub mod figure;
pub mod quantity;
pub mod why;

use crate::markdown::escape_attr;
use crate::shortcode::Call;
use crate::shortcodes::{ArgSpec, Args, Cx, Fail, Shortcodes, Spec, Ty, a};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A checked claim, for the build report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimRecord {
    /// `content/<path>:<line>`.
    pub at: String,
    /// The call as written.
    pub claim: String,
    pub measured: f64,
    pub holds: bool,
}

/// A predict-then-reveal question of a page (a `calc` block with an
/// `Answer:`), as ranges of the expanded text; the facilitator guide lists
/// them with their answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// The toy network and input it is about (`net`, `input`).
    pub net: String,
    pub input: String,
    pub prompt: std::ops::Range<usize>,
    pub answer: std::ops::Range<usize>,
}

/// The predict-then-reveal questions of one document, in order.
#[derive(Debug, Default)]
pub struct Predictions(pub Vec<Prediction>);

/// The claims of one document, in order.
#[derive(Debug, Default)]
pub struct Claims(pub Vec<ClaimRecord>);

/// The figures one document shows.
#[derive(Debug, Default)]
pub struct Shown {
    /// Ids of the figures the page shows.
    pub figures: BTreeSet<String>,
    /// Figures inlined so far (an id may be inlined once).
    inlined: BTreeSet<String>,
    /// How often each figure was shown so far.
    count: BTreeMap<String, usize>,
}

/// The embeds as a shortcode set.
pub struct Embeds;

impl Shortcodes for Embeds {
    fn specs(&self) -> &'static [Spec] {
        &SPECS
    }

    fn validate(&self, call: &Call) -> Vec<Fail> {
        match call.name.as_str() {
            "net" if call.arg("pair").is_some() && call.arg("input").is_none() => {
                vec![Fail::new(
                    call.arg("pair").map_or(call.name_at, |a| a.name_at),
                    "highlighting a pair needs an `input` flowing through",
                )]
            }
            "net"
                if call.arg("evaluated").is_some()
                    && (call.arg("input").is_none() || call.arg("pair").is_some()) =>
            {
                vec![Fail::new(
                    call.arg("evaluated").map_or(call.name_at, |a| a.name_at),
                    "`evaluated` needs an `input` and no `pair`",
                )
                .hint("evaluated=false draws the input going in, before the reader works it through")]
            }
            "figure" => figure::validate(call),
            "value" | "claim" => quantity::validate(call),
            _ => Vec::new(),
        }
    }

    fn expand(&self, call: &Call, cx: &mut Cx) -> Result<(), Fail> {
        let args = Args(call);
        let at = call.range.start;
        let Some(an) = cx.an() else {
            // Static check: still look inside a block's body.
            if let Some(b) = call.body.clone() {
                cx.expand_nested(b);
            }
            return Ok(());
        };
        match call.name.as_str() {
            "figure" | "net" => {
                // In a deck, families with a slide variant draw that one.
                let slide = cx.doc().front.kind == crate::content::Kind::Deck;
                let fig = if call.name == "net" {
                    figure::net_figure(call, an, slide)?
                } else {
                    figure::resolve(call, an, slide)?
                };
                let inline = args.bool("inline") == Some(true);
                let shown = cx.state(Shown::default);
                if inline && !shown.inlined.insert(fig.id.clone()) {
                    return Err(Fail::new(
                        call.name_at,
                        format!("figure `{}` is inlined twice on this page", fig.id),
                    )
                    .hint("inline it once; its element ids would clash"));
                }
                shown.figures.insert(fig.id.clone());
                // A figure shown twice gets `fig-<id>-2` the second time.
                let n = shown.count.entry(fig.id.clone()).or_insert(0);
                *n += 1;
                let anchor = match *n {
                    1 => format!("fig-{}", fig.id),
                    n => format!("fig-{}-{n}", fig.id),
                };
                let svg = an.svg_text(&fig);
                let kind = cx.doc().front.kind;
                let html = figure::page_html(
                    &fig,
                    &svg,
                    cx.root(),
                    args.str("caption"),
                    inline,
                    &anchor,
                    kind,
                );
                cx.generated(at, &format!("\n{html}\n\n"));
            }
            "value" => {
                let m = quantity::measure(call, an)?;
                let text = quantity::format(&m, &args)?;
                let medium = why::Medium::of(cx.doc().front.kind);
                let html = if medium == why::Medium::Paper {
                    escape_attr(&text)
                } else {
                    let d = quantity::derive(call, an, &m)?;
                    let n = next_number(cx);
                    why::number_html(&text, &d, medium, n, cx.root())
                };
                cx.generated(at, &html);
            }
            "claim" => {
                let (measured, contradiction) = quantity::check_claim(call, an)?;
                let doc = cx.doc();
                let (line, _) = crate::diag::line_col(&doc.text, doc.body_start + at);
                let record = ClaimRecord {
                    at: format!("{}/{}:{line}", crate::content::DIR, doc.rel),
                    claim: cx.body()[call.range.clone()].to_string(),
                    measured,
                    holds: contradiction.is_none(),
                };
                cx.state(Claims::default).0.push(record);
                if let Some(why) = &contradiction {
                    return Err(Fail::new(call.name_at, why).hint(
                        "the model no longer supports this sentence: rewrite it, or change the claim's bound",
                    ));
                }
                // The sentence's check mark, with what was checked: where
                // it can sit in the sentence's paragraph.
                let medium = why::Medium::of(cx.doc().front.kind);
                if medium != why::Medium::Paper && mark_fits(cx.body(), call) {
                    let m = quantity::measure(call, an)?;
                    let mut d = quantity::derive(call, an, &m)?;
                    d.check = Some(quantity::claim_statement(call, &m)?);
                    let n = next_number(cx);
                    let html = why::claim_html(&d, medium, n, cx.root());
                    cx.generated(at, &html);
                }
            }
            "calc" => {
                let body = call.body.clone().unwrap_or(at..at);
                let (prompt, answer) = calc::split_answer(cx.body(), body);
                let (open, table, close) = calc::render(&args, an, answer.is_some())?;
                cx.generated(at, &format!("\n{open}\n\n"));
                let p0 = cx.offset();
                cx.expand_nested(prompt);
                let p1 = cx.offset();
                cx.generated(call.range.end, &format!("\n\n{table}\n\n"));
                if let Some(answer) = answer {
                    let a0 = cx.offset();
                    cx.expand_nested(answer);
                    let a1 = cx.offset();
                    cx.state(Predictions::default).0.push(Prediction {
                        net: args.str("net").unwrap_or_default().to_string(),
                        input: args.str("input").unwrap_or_default().to_string(),
                        prompt: p0..p1,
                        answer: a0..a1,
                    });
                }
                cx.generated(call.range.end, &format!("\n\n{close}\n\n"));
            }
            "reveal" => {
                let summary = args.str("summary").unwrap_or("Show the answer");
                cx.generated(
                    at,
                    &format!(
                        "\n<details class=\"reveal answer\">\n<summary>{}</summary>\n\n",
                        escape_attr(summary)
                    ),
                );
                if let Some(b) = call.body.clone() {
                    cx.expand_nested(b);
                }
                cx.generated(call.range.end, "\n\n</details>\n\n");
            }
            other => {
                return Err(Fail::new(
                    call.name_at,
                    format!("internal error: shortcode `{other}`"),
                ));
            }
        }
        Ok(())
    }
}

/// Whether a claim's check mark can stand where the claim is written: in a
/// line of prose, or alone on a line inside a paragraph whose next line
/// continues or ends it. Not alone in a paragraph, not in a table, and not above a
/// `---` or `===` (which would make the line above a heading).
fn mark_fits(body: &str, call: &Call) -> bool {
    let start = body[..call.range.start].rfind('\n').map_or(0, |i| i + 1);
    let end = body[call.range.end..]
        .find('\n')
        .map_or(body.len(), |i| call.range.end + i);
    let alone = body[start..call.range.start].trim().is_empty()
        && body[call.range.end..end].trim().is_empty();
    let line = &body[start..end];
    if !alone {
        return !line.trim_start().starts_with('|');
    }
    let prev = body[..start.saturating_sub(1)]
        .rsplit('\n')
        .next()
        .unwrap_or("");
    let next = body
        .get(end + 1..)
        .unwrap_or("")
        .split('\n')
        .next()
        .unwrap_or("");
    start > 0
        && !prev.trim().is_empty()
        && !prev.trim_start().starts_with('|')
        && (next.trim().is_empty() || crate::shortcodes::expand::joins_paragraph(next))
        && !next.trim_start().starts_with('|')
}

/// The next popover id of the document being expanded.
fn next_number(cx: &mut Cx) -> usize {
    let n = cx.state(why::Numbered::default);
    n.0 += 1;
    n.0
}

/// Arguments that pick what is measured (shared by `value` and `claim`).
const QUANTITY_ARGS: [ArgSpec; 15] = [
    a("of", Ty::Str, "the quantity (see the list of quantities)"),
    a("example", Ty::Selector, "the image, by selector"),
    a(
        "pair",
        Ty::Int,
        "a pair: the hidden neuron's index (0-based) for MNIST, 1, 2, … for a toy net",
    ),
    a(
        "rank",
        Ty::Int,
        "a pair by its rank in the image's decision ranking (1 = contributes most)",
    ),
    a("digit", Ty::Int, "a digit 0–9"),
    a(
        "target",
        Ty::Int,
        "knock-outs: the digit whose pairs are removed (default: `digit`)",
    ),
    a(
        "k",
        Ty::Int,
        concat!(
            "knock-outs: how many pairs are removed (default ",
            crate::kv::population::default_k_percent!(),
            " % of the pairs, rounded)"
        ),
    ),
    a(
        "mode",
        Ty::Str,
        "knock-outs: \"zero\", \"mean\" or \"refit\" (default \"zero\")",
    ),
    a(
        "ranking",
        Ty::Str,
        "flip points: \"decision\" (default) or \"l1\"",
    ),
    a(
        "quantile",
        Ty::Str,
        "random-flip-fraction: \"median\" (default), \"low\" (10th percentile) or \"high\" (90th)",
    ),
    a(
        "against",
        Ty::Str,
        "which ranking `rank` counts in: \"runner-up\" (the decision ranking; default) or \"true-digit\" (a misread image's margin ranking; default for the margin quantities)",
    ),
    a(
        "net",
        Ty::Str,
        "a toy network of content/nets/ (its file name)",
    ),
    a("input", Ty::Str, "a named example input of the toy network"),
    a(
        "output",
        Ty::Str,
        "a toy network's output, by name (default: the only one)",
    ),
    a("digits", Ty::Int, "decimals to show"),
];

const FORMAT_ARGS: [ArgSpec; 1] = [a(
    "format",
    Ty::Str,
    "\"percent\" or \"number\" (default: percent for fractions)",
)];

const COMPARISON_ARGS: [ArgSpec; 5] = [
    a("below", Ty::Num, "holds when the quantity is < this"),
    a("above", Ty::Num, "holds when the quantity is > this"),
    a("at_most", Ty::Num, "holds when the quantity is ≤ this"),
    a("at_least", Ty::Num, "holds when the quantity is ≥ this"),
    a(
        "equals",
        Ty::Num,
        "holds when the quantity is exactly this (counts, digits, exact decimals)",
    ),
];

/// The embeds' shortcodes.
pub const SPECS: [Spec; 6] = [
    Spec {
        name: "figure",
        block: false,
        alone: true,
        summary: "a computed figure: by catalog `id`, or by family `name` with its arguments",
        required: &[],
        groups: &[&[
            a(
                "id",
                Ty::Str,
                "a figure of the catalog (see public/figures/index.html)",
            ),
            a(
                "name",
                Ty::Str,
                "a figure family (see the list of families)",
            ),
            a("example", Ty::Selector, "the image, by selector"),
            a(
                "versus",
                Ty::Selector,
                "profiles: the second image, by selector",
            ),
            a(
                "pair",
                Ty::Int,
                "a pair: hidden neuron index (MNIST, 0-based) or 1, 2, … (toy nets)",
            ),
            a(
                "rank",
                Ty::Int,
                "a pair by its rank in the image's decision ranking (1 = most)",
            ),
            a(
                "digit",
                Ty::Int,
                "knock-out: the digit whose pairs are removed",
            ),
            a(
                "k",
                Ty::Int,
                concat!(
                    "knock-out: how many pairs (default ",
                    crate::kv::population::default_k_percent!(),
                    " % of the pairs, rounded)"
                ),
            ),
            a(
                "steps",
                Ty::Int,
                concat!(
                    "waterfall: how many pairs are drawn one by one (default ",
                    crate::kv::image::default_steps!(),
                    ")"
                ),
            ),
            a(
                "against",
                Ty::Str,
                "waterfall and `rank`: \"true-digit\" explains a misread image against its true digit (its margin); \"runner-up\" (default) against the second-highest logit",
            ),
            a("net", Ty::Str, "a toy network of content/nets/"),
            a("input", Ty::Str, "a named example input of the toy network"),
            a(
                "print",
                Ty::Bool,
                "the grayscale print variant (families that have one)",
            ),
            a(
                "inline",
                Ty::Bool,
                "inline the SVG in the page instead of linking the file",
            ),
            a(
                "caption",
                Ty::Str,
                "caption under the figure (default: the figure's title)",
            ),
        ]],
    },
    Spec {
        name: "net",
        block: false,
        alone: true,
        summary: "a toy network's node diagram, optionally with an input flowing through and one pair highlighted",
        required: &["name"],
        groups: &[&[
            a(
                "name",
                Ty::Str,
                "the toy network (file name in content/nets/ without .toml)",
            ),
            a("input", Ty::Str, "a named example input"),
            a("pair", Ty::Int, "highlight pair 1, 2, … (needs `input`)"),
            a(
                "evaluated",
                Ty::Bool,
                "false: show the input only, no hidden values, outputs or winner (for a diagram above a predict prompt; needs `input`)",
            ),
            a("inline", Ty::Bool, "inline the SVG"),
            a("caption", Ty::Str, "caption (default: the figure's title)"),
        ]],
    },
    Spec {
        name: "value",
        block: false,
        alone: false,
        summary: "one computed number, formatted",
        required: &["of"],
        groups: &[&QUANTITY_ARGS, &FORMAT_ARGS],
    },
    Spec {
        name: "claim",
        block: false,
        alone: false,
        summary: "a checked statement: the build fails here when the model contradicts it; renders nothing",
        required: &["of"],
        groups: &[&QUANTITY_ARGS, &COMPARISON_ARGS],
    },
    Spec {
        name: "calc",
        block: true,
        alone: true,
        summary: "a toy network's worked calculation in exact decimals; the block's markdown is the prompt shown above it, and an `Answer:` paragraph is shown under the calculation, behind the same button",
        required: &["net", "input"],
        groups: &[&[
            a("net", Ty::Str, "the toy network"),
            a("input", Ty::Str, "a named example input"),
            a(
                "method",
                Ty::Str,
                "\"pair-by-pair\" (default) or \"layer-by-layer\"",
            ),
            a(
                "reveal",
                Ty::Bool,
                "hide the calculation behind a \"Show the calculation\" button (default true)",
            ),
        ]],
    },
    Spec {
        name: "reveal",
        block: true,
        alone: true,
        summary: "the answer to a prompt above it (prose, values, figures), hidden behind a button until the reader asks",
        required: &[],
        groups: &[&[a(
            "summary",
            Ty::Str,
            "the button's text (default \"Show the answer\")",
        )]],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shortcode::{code_ranges, scan};
    use crate::shortcodes::Registry;
    use std::path::Path;

    const CODES: Registry = Registry { sets: &[&Embeds] };

    fn fails(md: &str) -> Vec<String> {
        let (calls, errors) = scan(md, &code_ranges(md));
        assert!(errors.is_empty(), "{errors:?}");
        calls
            .iter()
            .flat_map(|c| CODES.validate(c))
            .map(|f| match f.hint {
                Some(h) => format!("{} ({h})", f.message),
                None => f.message,
            })
            .collect()
    }

    #[test]
    fn names_arguments_types_and_selectors_are_checked() {
        assert_eq!(
            fails("{{ valeu(of=\"hidden\") }}"),
            ["unknown shortcode `valeu` (did you mean `value`?)"]
        );
        assert_eq!(
            fails("{{ value(of=\"activation\", exmple=\"test:1\", pair=1) }}"),
            [
                "`value` has no argument `exmple` (did you mean `example`?)",
                "`activation` needs `example`"
            ]
        );
        assert_eq!(
            fails("{{ value(of=\"activation\", example=\"test:1\", pair=\"3\") }}"),
            ["`pair` must be an integer, not a string"]
        );
        assert_eq!(
            fails("{{ value(example=\"test:1\") }}"),
            ["`value` needs the argument `of` (e.g. of=\"…\")"]
        );
        let f = fails("{{ value(of=\"activation\", example=\"frist(digit=1)\", pair=1) }}");
        assert_eq!(f.len(), 1);
        assert!(
            f[0].starts_with("selector: unknown selector `frist`"),
            "{f:?}"
        );
        assert_eq!(
            fails("Text {{ figure(id=\"confusion\") }} text"),
            [
                "`figure` makes a block of its own (put it on a line by itself, with nothing else on that line)"
            ]
        );
        assert_eq!(
            fails("{{ calc(net=\"a\", input=\"b\") }}")[0],
            "`calc` is a block: write {% calc(…) %} … {% end %}"
        );
    }

    #[test]
    fn static_expansion_reports_every_problem_at_its_line() {
        let text = "+++\ntitle = \"T\"\n+++\nIntro {{ valeu(of=\"x\") }}\n\n{{ figure(name=\"waterfal\", example=\"test:1\") }}\n\n{% calc(net=\"e\", input=\"a\") %}\n{{ value(of=\"hidden\", digit=\"3\") }}\n{% end %}\n";
        let doc =
            crate::content::parse(Path::new("content/t.md"), "t.md".into(), text.into()).unwrap();
        let e = crate::shortcodes::expand::expand(&doc, None, "t.html", CODES, Default::default());
        let got: Vec<String> = e
            .problems
            .iter()
            .map(|d| format!("{}:{}: {}", d.line.unwrap(), d.col.unwrap(), d.message))
            .collect();
        assert_eq!(
            got,
            [
                "4:10: unknown shortcode `valeu`",
                "6:16: unknown figure family `waterfal`",
                "9:29: `digit` must be an integer, not a string",
            ]
        );
    }
}
