//! The sheets product: `kind = "sheet"` documents become every variant's
//! learner sheet and answer key, the TA table, their print jobs, and their
//! parts of the build report and the home page. It owns the `exercise`
//! shortcode and the memo of computed exercises (a sheet and its key share
//! them; `serve` keeps them between prose edits).

use super::pages::{self, SheetInput};
use super::spec::{BodyParts, ExSpec};
use super::{ExerciseRecord, Instance, Mode, SheetCtx};
use crate::analysis::Analyses;
use crate::content::Kind;
use crate::print::PrintJob;
use crate::product::{Links, Output, Plan, Product, Site, Template};
use crate::shortcode::Call;
use crate::shortcodes::{ArgSpec, Args, Cx, Fail, Shortcodes, Spec, Ty, a};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The sheets product, with its memo of exercises by variant.
#[derive(Default)]
pub(crate) struct Sheets {
    pub(crate) memo: RefCell<BTreeMap<String, Rc<Instance>>>,
}

/// What the `exercise` shortcode records while one sheet is expanded.
#[derive(Debug)]
pub(crate) struct SheetState {
    /// The variant and mode expanded for.
    pub ctx: SheetCtx,
    /// The exercises so far, with their numbers.
    pub(crate) specs: Vec<(ExSpec, usize)>,
    /// Their records, in order.
    pub records: Vec<ExerciseRecord>,
}

impl SheetState {
    pub(crate) fn new(ctx: SheetCtx) -> SheetState {
        SheetState {
            ctx,
            specs: Vec::new(),
            records: Vec::new(),
        }
    }
}

const TEMPLATES: [Template; 3] = [
    Template::shipped("sheet.html", include_str!("../../templates/sheet.html")),
    Template::shipped("marking.html", include_str!("../../templates/marking.html")),
    Template::shipped("ta.html", include_str!("../../templates/ta.html")),
];

impl Product for Sheets {
    fn name(&self) -> &'static str {
        "sheets"
    }

    fn shortcodes(&self) -> Option<&dyn Shortcodes> {
        Some(self)
    }

    fn templates(&self) -> &'static [Template] {
        &TEMPLATES
    }

    fn plan(&self, site: &Site, plan: &mut Plan) -> anyhow::Result<()> {
        let config = &site.an.p.config.sheets;
        for e in site.docs_of(Kind::Sheet).filter(|e| !e.doc.front.draft) {
            let n = pages::variants_of(e.doc, site.variants, config.variants).unwrap_or(1);
            for (sheet, key) in pages::page_paths(e.doc, n) {
                plan.names.insert(sheet);
                if config.publish_keys {
                    plan.names.insert(pages::marking_path(&key));
                    plan.names.insert(key);
                }
            }
            if config.publish_keys {
                plan.names.insert(pages::TA_PAGE.to_string());
            }
        }
        Ok(())
    }

    fn render(&self, site: &Site, links: &Links, out: &mut Output) -> anyhow::Result<()> {
        let publish_keys = site.an.p.config.sheets.publish_keys;
        let input = SheetInput {
            root: site.root,
            an: site.an,
            tera: site.tera,
            codes: site.codes,
            links,
            variants_flag: site.variants,
        };
        let mut reports = Vec::new();
        let mut ta = Vec::new();
        for e in site.docs_of(Kind::Sheet) {
            if e.doc.front.draft || !e.expanded.problems.is_empty() {
                continue; // drafts are checked in pass 1; problems reported there
            }
            match pages::render(&input, e.doc, &e.expanded) {
                Ok(made) => {
                    for p in &made.report.pages {
                        out.print.push(PrintJob::Paged {
                            rel: p.clone(),
                            learner: true,
                            budget: made.report.budget.clone(),
                        });
                    }
                    for k in &made.report.keys {
                        out.print.push(PrintJob::Paged {
                            rel: k.clone(),
                            learner: false,
                            budget: None,
                        });
                    }
                    for m in &made.report.markings {
                        out.print.push(PrintJob::Paged {
                            rel: m.clone(),
                            learner: false,
                            budget: Some(crate::print::Budget {
                                pages: pages::MARKING_PAGES,
                                source: format!(
                                    "a marking key fits {} pages",
                                    pages::MARKING_PAGES
                                ),
                            }),
                        });
                    }
                    out.files.extend(made.public);
                    out.instructor.extend(made.instructor);
                    reports.push(made.report);
                    ta.push(made.ta);
                }
                Err(ds) => out.problems.0.extend(ds),
            }
        }
        // A build with problems (this product's or an earlier one's) stops
        // after rendering: the TA table is made only for one that will land.
        let ta_table = if ta.is_empty() || !out.problems.is_empty() {
            None
        } else {
            out.instructor
                .push(pages::ta_page(site.root, site.an, site.tera, &ta)?);
            out.print.push(PrintJob::Paged {
                rel: pages::TA_PAGE.to_string(),
                learner: false,
                budget: None,
            });
            Some(pages::TA_PAGE.to_string())
        };
        out.instructor.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        if publish_keys {
            out.files.extend(out.instructor.iter().cloned());
        }
        out.home.push("sheets", reports.clone());
        out.home
            .push("ta_table", ta_table.clone().filter(|_| publish_keys));
        out.report.push("sheets", reports);
        out.report.push("ta_table", ta_table);
        Ok(())
    }
}

impl Shortcodes for Sheets {
    fn specs(&self) -> &'static [Spec] {
        &SPECS
    }

    fn only_in(&self) -> Option<Kind> {
        Some(Kind::Sheet)
    }

    fn validate(&self, call: &Call) -> Vec<Fail> {
        super::spec::read(&Args(call)).err().unwrap_or_default()
    }

    fn expand(&self, call: &Call, cx: &mut Cx) -> Result<(), Fail> {
        let parts = match call
            .body
            .clone()
            .map(|b| super::spec::split_body(cx.body(), b))
        {
            Some(Ok(p)) => p,
            Some(Err(f)) => return Err(f),
            None => return Ok(()),
        };
        match cx.an() {
            Some(an) => self.exercise(call, an, cx, &parts),
            None => {
                for r in [
                    Some(parts.question),
                    parts.hint,
                    parts.stretch,
                    parts.discussion,
                ]
                .into_iter()
                .flatten()
                {
                    cx.expand_nested(r);
                }
                Ok(())
            }
        }
    }
}

impl Sheets {
    /// An exercise of a sheet: the question, the given numbers and answer
    /// boxes (or, in the key, the answer), hint, stretch and discussion.
    fn exercise(
        &self,
        call: &Call,
        an: &Analyses,
        cx: &mut Cx,
        parts: &BodyParts,
    ) -> Result<(), Fail> {
        let doc = cx.doc();
        let first = || SheetState::new(SheetCtx::first(Some(an)));
        let state = cx.state(first);
        let number = state.specs.len() + 1;
        let sheet = state.ctx;
        let (r, spec) = super::exercise(
            &Args(call),
            an,
            &self.memo,
            doc,
            &sheet,
            number,
            &state.specs,
        )?;
        cx.state(first).specs.push((spec, number));
        let at = call.range.start;
        cx.generated(at, &format!("\n{}\n\n", r.open));
        cx.expand_nested(parts.question.clone());
        cx.generated(at, &format!("\n\n{}\n\n", r.after_question));
        let key = sheet.mode == Mode::Key;
        for (range, class, label, shown) in [
            (&parts.hint, "exercise-hint", "Hint.", true),
            (&parts.stretch, "exercise-stretch", "Stretch.", true),
            (
                &parts.discussion,
                "exercise-discussion key-note",
                "For the debrief.",
                key,
            ),
        ] {
            if let (Some(range), true) = (range, shown) {
                cx.generated(
                    range.start,
                    &format!("\n<aside class=\"{class}\">\n\n**{label}** "),
                );
                cx.expand_nested(range.clone());
                cx.generated(range.end, "\n\n</aside>\n\n");
            }
        }
        cx.generated(call.range.end, &format!("\n{}\n\n", r.close));
        cx.state(first).records.push(r.record);
        Ok(())
    }
}

/// The sheets' shortcode.
pub(crate) const SPECS: [Spec; 1] = [Spec {
    name: "exercise",
    block: true,
    alone: true,
    summary: "sheets: an exercise with its given numbers, answer boxes and answer key; the block's markdown is the question, with optional `Hint:`, `Stretch:` and `Discussion:` (key only) paragraphs",
    required: &["type"],
    groups: &[&EXERCISE_ARGS],
}];

/// Arguments of `exercise` (which of them each type takes: `crate::sheets::spec::TYPES`).
const EXERCISE_ARGS: [ArgSpec; 18] = [
    a(
        "type",
        Ty::Str,
        "neuron, layer-by-layer, pair-by-pair, toy-image, design-key, design-win, rank-digits or remove-pair",
    ),
    a(
        "title",
        Ty::Str,
        "the exercise's title (default: one per type)",
    ),
    a(
        "minutes",
        Ty::Int,
        "planned minutes (default: one per type)",
    ),
    a(
        "space",
        Ty::Str,
        "working space under the answer boxes: \"boxes\" (none), \"lines N\" or \"grid RxC\"",
    ),
    a(
        "expect",
        Ty::Str,
        "variant 1's final answers as the TA table shows them; the build fails if they differ",
    ),
    a(
        "net",
        Ty::Str,
        "toy exercises: a toy network of content/nets/",
    ),
    a(
        "inputs",
        Ty::Str,
        "toy exercises: the net's example inputs to work, space separated (default: all)",
    ),
    a(
        "range",
        Ty::Str,
        "toy exercises: variants 2, 3, … draw weights (and biases) from this range, e.g. \"-2..2\"",
    ),
    a(
        "input_range",
        Ty::Str,
        "toy exercises: the range inputs are drawn from (default: `range`)",
    ),
    a(
        "decimals",
        Ty::Int,
        "decimals of drawn numbers: 0, 1 (default) or 2",
    ),
    a(
        "tie",
        Ty::Bool,
        "the exercise is about a tie: an input must tie (otherwise ties are refused)",
    ),
    a(
        "pixels",
        Ty::Str,
        "design-key: the inputs that must all be inked for the key to fire, e.g. \"a d\"",
    ),
    a(
        "output",
        Ty::Str,
        "design-win: the output asked about, by name",
    ),
    a(
        "pair",
        Ty::Int,
        "rank-digits: the MNIST pair (hidden neuron, 0-based) of variant 1 (default: chosen)",
    ),
    a(
        "examples",
        Ty::Str,
        "rank-digits: variant 1's three images, selectors separated by `;` (default: chosen)",
    ),
    a(
        "example",
        Ty::Selector,
        "remove-pair: variant 1's image (default: chosen)",
    ),
    a(
        "top",
        Ty::Int,
        "remove-pair: how many top pairs are printed (2–8, default 5)",
    ),
    a(
        "remove",
        Ty::Int,
        "remove-pair: which of them is removed, by rank (default 1 in variant 1)",
    ),
];
