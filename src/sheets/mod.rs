//! Exercise sheets: content documents with `kind = "sheet"` whose
//! `{% exercise(…) %}` blocks become printable exercises, each with its
//! given numbers (written in content or drawn from a seeded range), answer
//! boxes and working space, and an answer key with every intermediate
//! number, the usual wrong answers, and a verification at build time.
//!
//! Stage: a sheet document is expanded once per variant and mode (the
//! learner's sheet, the instructor's key) by the shortcode engine, which
//! hands each block to [`product::Sheets`] and so to [`exercise`];
//! [`pages::render`] wraps the results in `templates/sheet.html`, checks
//! each variant teaches what it should, and the product adds the TA table.
//! Keys go to `instructor/` unless `[sheets] publish_keys = true`.
//!
//! The parts: [`spec`] reads a block's arguments; [`toy`] (types 1–5) and
//! [`real`] (types 6 and 7) compute an exercise's given numbers, questions
//! and [`key`]; here each is turned into HTML; [`pages`] and [`product`]
//! make the pages.

pub(crate) mod key;
pub(crate) mod pages;
pub(crate) mod product;
pub(crate) mod real;
pub(crate) mod spec;
pub(crate) mod toy;

use crate::analysis::Analyses;
use crate::markdown::escape_attr;
use crate::shortcodes::{Args, Fail};
use key::Key;
use serde::Serialize;
use spec::{ExSpec, ExType, Space};

/// Which page an expansion makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Mode {
    /// The learner's sheet: questions and empty answer boxes.
    #[default]
    Sheet,
    /// The instructor's answer key.
    Key,
}

/// The variant and mode a sheet is expanded for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SheetCtx {
    /// 1-based.
    pub variant: u32,
    pub mode: Mode,
    /// `[sheets] seed`.
    pub seed: u64,
}

impl SheetCtx {
    /// Variant 1 of the learner's sheet, as the site's first pass expands
    /// it (with the configured seed: real exercises draw even in variant 1).
    pub(crate) fn first(an: Option<&Analyses>) -> SheetCtx {
        SheetCtx {
            variant: 1,
            mode: Mode::Sheet,
            seed: an.map_or(crate::config::DEFAULT_SHEET_SEED, |a| {
                a.p.config.sheets.seed
            }),
        }
    }
}

/// How wide an answer box is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum BoxSize {
    #[default]
    Normal,
    /// A vector or a sentence.
    Wide,
    /// A short number (a row of ten of them must fit a line).
    Narrow,
}

/// One answer box: its label and (for the key) its answer, what else a
/// marker accepts, and its points.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AnswerBox {
    pub label: String,
    pub answer: String,
    pub size: BoxSize,
    /// What a marker accepts besides `answer` exactly as printed, for the
    /// marking key ("1.30 to 1.32", "any design that passes the four
    /// checks"); empty: only `answer`.
    pub accept: String,
    /// Points for this box (default 1); an exercise's points are its boxes'.
    pub points: u32,
}

impl Default for AnswerBox {
    fn default() -> AnswerBox {
        AnswerBox {
            label: String::new(),
            answer: String::new(),
            size: BoxSize::Normal,
            accept: String::new(),
            points: 1,
        }
    }
}

impl AnswerBox {
    pub(crate) fn new(label: impl Into<String>, answer: impl Into<String>) -> AnswerBox {
        AnswerBox {
            label: label.into(),
            answer: answer.into(),
            ..AnswerBox::default()
        }
    }
    pub(crate) fn wide(label: impl Into<String>, answer: impl Into<String>) -> AnswerBox {
        AnswerBox {
            size: BoxSize::Wide,
            ..AnswerBox::new(label, answer)
        }
    }
    pub(crate) fn narrow(label: impl Into<String>, answer: impl Into<String>) -> AnswerBox {
        AnswerBox {
            size: BoxSize::Narrow,
            ..AnswerBox::new(label, answer)
        }
    }
    /// What else a marker accepts (see [`AnswerBox::accept`]).
    pub(crate) fn accepting(self, accept: impl Into<String>) -> AnswerBox {
        AnswerBox {
            accept: accept.into(),
            ..self
        }
    }
    /// This box's points.
    pub(crate) fn worth(self, points: u32) -> AnswerBox {
        AnswerBox { points, ..self }
    }
}

/// One asked item: its text (HTML) and its boxes.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Part {
    pub text: String,
    pub boxes: Vec<AnswerBox>,
}

/// The cases a variant teaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Teaches {
    /// A pair that does not fire (ReLU gives 0).
    pub inactive: bool,
    pub active: bool,
    /// A bias that decides whether a neuron fires.
    pub threshold: bool,
    /// Inputs whose outputs tie.
    pub ties: usize,
    /// A weighted sum of exactly 0 (ambiguous on paper).
    pub zero_pre: bool,
}

/// One exercise of one variant, computed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Instance {
    /// The given numbers and drawings (HTML, no blank lines).
    pub given_html: String,
    pub parts: Vec<Part>,
    pub key: Key,
    /// The final answers computed independently of the key's steps.
    pub expected: Vec<(String, String)>,
    /// Worked figures for the key (HTML).
    pub key_figures: String,
    pub teaches: Teaches,
    /// A toy-network exercise (types 1–5).
    pub toy: bool,
    /// Every given number: variants differ when these do.
    pub fingerprint: String,
}

/// What a sheet's expansion records about each exercise.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExerciseRecord {
    pub number: usize,
    pub title: String,
    pub minutes: u32,
    /// The final answers, short (the TA table).
    pub short: String,
    pub teaches: Teaches,
    pub toy: bool,
    pub fingerprint: String,
    /// What the marking key shows of this exercise.
    pub marking: Marking,
    /// Where the exercise's block starts in the document body.
    pub at: usize,
}

/// One exercise in the marking key: every box with its accepted answers
/// and points, the usual wrong answers with their partial credit, and the
/// stretch answer (no points).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Marking {
    /// (the part's text as HTML, its boxes).
    pub parts: Vec<(String, Vec<AnswerBox>)>,
    pub slips: Vec<key::Slip>,
    pub stretch: Vec<String>,
}

impl Marking {
    fn of(inst: &Instance) -> Marking {
        Marking {
            parts: inst
                .parts
                .iter()
                .map(|p| (p.text.clone(), p.boxes.clone()))
                .collect(),
            slips: inst.key.slips.clone(),
            stretch: inst.key.stretch.clone(),
        }
    }

    /// The exercise's points: its boxes'.
    pub(crate) fn points(&self) -> u32 {
        self.parts
            .iter()
            .flat_map(|(_, b)| b.iter())
            .map(|b| b.points)
            .sum()
    }
}

/// A 32-byte seed from text (SHA-256), so every draw depends only on the
/// sheet, the exercise's given numbers and `[sheets] seed`.
pub(crate) fn seed_of(parts: &[&str]) -> [u8; 32] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize().into()
}

/// The HTML around one exercise's markdown parts, in order: before the
/// question, after it (given numbers, parts, space), and the closing.
pub(crate) struct Rendered {
    pub open: String,
    pub after_question: String,
    pub close: String,
    pub record: ExerciseRecord,
}

/// Evaluates one `exercise` block for `ctx` (variant and mode).
pub(crate) fn exercise(
    args: &Args,
    an: &Analyses,
    memo: &std::cell::RefCell<std::collections::BTreeMap<String, std::rc::Rc<Instance>>>,
    doc: &crate::content::Doc,
    ctx: &SheetCtx,
    number: usize,
    earlier: &[(ExSpec, usize)],
) -> Result<(Rendered, ExSpec), Fail> {
    let spec = spec::read(args).map_err(|mut f| f.remove(0))?;
    let twin = (spec.ty == ExType::Pairs)
        .then(|| {
            earlier.iter().find(|(e, _)| {
                e.ty == ExType::Layers
                    && e.net == spec.net
                    && e.inputs == spec.inputs
                    && e.range == spec.range
            })
        })
        .flatten()
        .map(|(_, n)| *n);
    // The learner's sheet and the key of a variant are the same instance.
    let call_text = doc.body().get(args.0.range.clone()).unwrap_or_default();
    let memo_key = format!(
        "{}\u{0}{number}\u{0}{}\u{0}{}\u{0}{twin:?}\u{0}{call_text}",
        doc.rel, ctx.variant, ctx.seed
    );
    let cached = memo.borrow().get(&memo_key).cloned();
    let inst = match cached {
        Some(inst) => inst,
        None => {
            let inst = std::rc::Rc::new(instance(&spec, args, an, doc, ctx, number, twin)?);
            memo.borrow_mut().insert(memo_key, inst.clone());
            inst
        }
    };
    if let Err(problems) = key::verify(&inst.key, &inst.expected) {
        return Err(Fail::new(
            args.0.name_at,
            format!(
                "the answer key of exercise {number} failed its check: {}",
                problems.join("; ")
            ),
        )
        .hint("this is a bug in kvlens: please report it with this sheet"));
    }
    let short = inst.key.short();
    if ctx.variant == 1
        && let Some(want) = &spec.expect
        && normalise(want) != normalise(&short)
    {
        return Err(Fail::new(
            args.at("expect") + 1,
            format!("exercise {number}: the computed answer is `{short}`, not `{want}`"),
        )
        .hint("`expect` pins variant 1's final answers; fix the numbers or the expectation"));
    }
    let record = ExerciseRecord {
        number,
        title: spec.title.clone(),
        minutes: spec.minutes,
        short,
        teaches: inst.teaches,
        toy: inst.toy,
        fingerprint: inst.fingerprint.clone(),
        marking: Marking::of(&inst),
        at: args.0.range.start,
    };
    if let Some(bad) = record
        .marking
        .slips
        .iter()
        .find(|s| s.credit.is_some_and(|c| c >= record.marking.points()))
    {
        return Err(Fail::new(
            args.0.name_at,
            format!(
                "exercise {number}: the usual wrong answer “{}” earns {} of {} points",
                bad.answer,
                bad.credit.unwrap_or_default(),
                record.marking.points()
            ),
        )
        .hint("this is a bug in kvlens: partial credit must be less than the exercise's points"));
    }
    Ok((html(&spec, &inst, ctx, number, record), spec))
}

/// Computes one exercise of one variant (not yet verified).
fn instance(
    spec: &ExSpec,
    args: &Args,
    an: &Analyses,
    doc: &crate::content::Doc,
    ctx: &SheetCtx,
    number: usize,
    twin: Option<usize>,
) -> Result<Instance, Fail> {
    let seed_text = ctx.seed.to_string();
    match spec.ty {
        ExType::RankDigits | ExType::RemovePair => {
            let seed = seed_of(&[&seed_text, &doc.rel, spec.type_name, &number.to_string()]);
            real::instance(spec, args, an, ctx.variant, seed, number)
        }
        _ => {
            let net = toy::resolve_net(spec, args, &an.p.nets)?;
            toy::check_pixels(spec, args, net)?;
            let base = toy::written(spec, args, net)?;
            // Exercises on the same net, inputs and range draw the same numbers.
            let group = match spec.ty {
                ExType::Neuron => "neuron",
                ExType::ToyImage => "image",
                _ => "net",
            };
            let seed = seed_of(&[
                &seed_text,
                &doc.rel,
                group,
                &net.name,
                &spec.inputs.join(" "),
                &format!("{:?}|{:?}|{}", spec.range, spec.input_range, spec.decimals),
            ]);
            let mut spec_v = spec.clone();
            if spec.ty == ExType::DesignKey {
                spec_v.pixels = toy::design_pixels(spec, net, ctx.variant, seed);
            }
            let givens = toy::givens(&spec_v, args, &base, seed, ctx.variant)?;
            let given = &givens[ctx.variant as usize - 1];
            toy::instance(&spec_v, given, number, twin).map_err(|e| Fail::new(args.0.name_at, e))
        }
    }
}

fn normalise(s: &str) -> String {
    s.replace('\u{2212}', "-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn html(
    spec: &ExSpec,
    inst: &Instance,
    ctx: &SheetCtx,
    number: usize,
    record: ExerciseRecord,
) -> Rendered {
    let key = ctx.mode == Mode::Key;
    let open = format!(
        "<section class=\"exercise{}\" id=\"exercise-{number}\" aria-labelledby=\"exercise-{number}-title\" data-minutes=\"{}\">\n<header class=\"exercise-head\">\n<h2 id=\"exercise-{number}-title\"><span class=\"exercise-number\">Exercise {number} ·</span> {}</h2>\n<p class=\"exercise-meta\"><span class=\"exercise-minutes\">about {} min</span> · <span class=\"exercise-points\">{} point{}</span></p>\n</header>\n<div class=\"exercise-question\">",
        if key { " key" } else { "" },
        spec.minutes,
        escape_attr(&spec.title),
        spec.minutes,
        record.marking.points(),
        if record.marking.points() == 1 {
            ""
        } else {
            "s"
        },
    );
    let mut after = String::from("</div>\n<div class=\"exercise-given\">\n");
    after.push_str(&inst.given_html);
    after.push_str("\n</div>\n<ol class=\"exercise-parts\">\n");
    for p in &inst.parts {
        after.push_str(&format!("<li><span class=\"part-text\">{}</span>", p.text));
        for b in &p.boxes {
            let class = match b.size {
                BoxSize::Normal => "answer-box",
                BoxSize::Wide => "answer-box wide",
                BoxSize::Narrow => "answer-box narrow",
            };
            if key {
                after.push_str(&format!(
                    " <span class=\"box-pair\"><span class=\"box-label\">{}</span> <span class=\"{class} filled\">{}</span></span>",
                    escape_attr(&b.label),
                    escape_attr(&b.answer)
                ));
            } else {
                after.push_str(&format!(
                    " <span class=\"box-pair\"><span class=\"box-label\">{}</span> <span class=\"{class}\" role=\"img\" aria-label=\"answer box: {}\"></span></span>",
                    escape_attr(&b.label),
                    escape_attr(&b.label)
                ));
            }
        }
        after.push_str("</li>\n");
    }
    after.push_str("</ol>\n");
    if key {
        after.push_str(&key_html(inst));
    } else {
        match spec.space {
            Space::Boxes => {}
            Space::Lines(n) => {
                after.push_str(&format!(
                    "<div class=\"work-lines\" aria-hidden=\"true\">{}</div>\n",
                    "<span></span>".repeat(n as usize)
                ));
            }
            Space::Grid(r, c) => {
                let row = format!("<tr>{}</tr>", "<td></td>".repeat(c as usize));
                after.push_str(&format!(
                    "<table class=\"work-grid\" aria-hidden=\"true\"><tbody>{}</tbody></table>\n",
                    row.repeat(r as usize)
                ));
            }
        }
    }
    let close = format!("<p class=\"exercise-end\">End of exercise {number}.</p>\n</section>");
    Rendered {
        open,
        after_question: after,
        close,
        record,
    }
}

/// The key's part of an exercise: steps, finals, usual wrong answers.
fn key_html(inst: &Instance) -> String {
    let k = &inst.key;
    let mut s = String::from("<div class=\"key-answer\">\n<h3>Answer</h3>\n");
    s.push_str(&format!(
        "<p class=\"key-final\">{}</p>\n",
        k.finals
            .iter()
            .map(|f| if f.label.is_empty() {
                escape_attr(&f.value)
            } else {
                format!(
                    "{}: <strong>{}</strong>",
                    escape_attr(&f.label),
                    escape_attr(&f.value)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    ));
    if !k.steps.is_empty() {
        s.push_str("<table class=\"key-steps\"><thead><tr><th scope=\"col\">step</th><th scope=\"col\">calculation</th><th scope=\"col\">result</th></tr></thead><tbody>");
        for st in &k.steps {
            s.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
                escape_attr(&st.label),
                escape_attr(&st.expr.text()),
                key::n(&st.result)
            ));
        }
        s.push_str("</tbody></table>\n");
    }
    for note in &k.notes {
        if note.starts_with('<') {
            s.push_str(note);
            s.push('\n');
        } else {
            s.push_str(&format!("<p class=\"key-note\">{note}</p>\n"));
        }
    }
    if !k.slips.is_empty() {
        s.push_str("<h3>Usual wrong answers</h3>\n<ul class=\"key-slips\">");
        for sl in &k.slips {
            s.push_str(&format!(
                "<li><strong>{}</strong>: {}</li>",
                escape_attr(&sl.answer),
                escape_attr(&sl.why)
            ));
        }
        s.push_str("</ul>\n");
    }
    if !k.not_caught.is_empty() {
        s.push_str(&format!(
            "<p class=\"key-note\">Gives the right answer anyway in this variant, so it goes unnoticed here: {}.</p>\n",
            escape_attr(&k.not_caught.join("; "))
        ));
    }
    if !inst.key_figures.is_empty() {
        s.push_str(&inst.key_figures);
        s.push('\n');
    }
    if !k.stretch.is_empty() {
        s.push_str("<div class=\"key-stretch\">\n<h3>Stretch answer</h3>\n");
        for p in &k.stretch {
            s.push_str(&format!("<p>{p}</p>\n"));
        }
        s.push_str("</div>\n");
    }
    s.push_str(&format!(
        "<p class=\"key-verified\">{}</p>\n</div>\n",
        verified_line(k.steps.len(), k.finals.len())
    ));
    s
}

/// What the key says kvlens checked: the steps it redid (when there are
/// any) and the finals it compared with an independent computation.
fn verified_line(steps: usize, finals: usize) -> String {
    let finals_text = if finals == 1 {
        "the final answer agrees".to_string()
    } else {
        format!("all {finals} final answers agree")
    };
    if steps == 0 {
        format!("Checked at build time: {finals_text} with an independent computation.")
    } else {
        format!(
            "Checked at build time: {steps} step{} recomputed exactly; {finals_text} with an independent computation.",
            if steps == 1 { "" } else { "s" }
        )
    }
}
