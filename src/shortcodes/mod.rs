//! Shortcodes: what each call found by the scanner (`crate::shortcode`)
//! means. The table [`SPECS`] names every shortcode and argument with its
//! type; [`validate`] checks a call against it without the model (so `check`
//! can report every mistake of every file), and [`expand`] turns a
//! document's calls into HTML/markdown with the model's numbers.
//!
//! - `figure` / `net`: a computed figure (`figure`), a toy network (`net`)
//! - `value`: one computed number (`quantity`)
//! - `claim`: a checked sentence: fails the build when the model disagrees
//! - `calc`: a worked toy-net calculation behind a "show" button (`calc`)
//! - decks only: `section`, `slide`, `notes`, `fragment`, `qr` (read by
//!   `crate::deck`)
//! - sheets only: `exercise` (evaluated by `crate::sheets`)
//!
//! docs/AUTHORING.md documents every name here; a test keeps the two in step.

pub mod calc;
pub mod expand;
pub mod figure;
pub mod quantity;

use crate::diag::did_you_mean;
use crate::shortcode::{Call, Value};

/// The type of an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Str,
    Int,
    /// A number (an integer is accepted).
    Num,
    Bool,
    /// A string holding an image selector (parsed when checked).
    Selector,
}

impl Ty {
    pub fn describe(self) -> &'static str {
        match self {
            Ty::Str => "a string",
            Ty::Int => "an integer",
            Ty::Num => "a number",
            Ty::Bool => "true or false",
            Ty::Selector => "an image selector in quotes",
        }
    }
}

/// One argument a shortcode accepts.
#[derive(Debug, Clone, Copy)]
pub struct ArgSpec {
    pub name: &'static str,
    pub ty: Ty,
    pub doc: &'static str,
}

/// One shortcode.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    /// Written `{% name(…) %}…{% end %}`.
    pub block: bool,
    /// Produces block HTML, so it must stand on lines of its own.
    pub alone: bool,
    pub summary: &'static str,
    pub required: &'static [&'static str],
    /// Its arguments, in groups (`value` and `claim` share the quantity ones).
    pub groups: &'static [&'static [ArgSpec]],
}

impl Spec {
    /// Every argument the shortcode takes.
    pub fn args(&self) -> impl Iterator<Item = &'static ArgSpec> + Clone {
        self.groups.iter().flat_map(|g| g.iter())
    }
}

const fn a(name: &'static str, ty: Ty, doc: &'static str) -> ArgSpec {
    ArgSpec { name, ty, doc }
}

/// Arguments that pick what is measured (shared by `value` and `claim`).
const QUANTITY_ARGS: [ArgSpec; 13] = [
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
        "knock-outs: how many pairs are removed (default 25)",
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

/// Every shortcode.
pub const SPECS: [Spec; 11] = [
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
            a("k", Ty::Int, "knock-out: how many pairs (default 25)"),
            a(
                "steps",
                Ty::Int,
                "waterfall: how many pairs are drawn one by one (default 8)",
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
        summary: "a toy network's worked calculation in exact decimals; the block's markdown is the prompt shown above it",
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
        name: "section",
        block: false,
        alone: true,
        summary: "decks: starts a section of the talk at this slide, with its planned minutes",
        required: &["minutes"],
        groups: &[&[
            a("minutes", Ty::Int, "planned minutes for the section"),
            a(
                "title",
                Ty::Str,
                "the section's name (default: the slide's heading)",
            ),
            a(
                "track",
                Ty::Str,
                "\"long\": only in the full deck; \"short\": only when `--track` has to leave out the long parts",
            ),
        ]],
    },
    Spec {
        name: "slide",
        block: false,
        alone: true,
        summary: "decks: options of the slide it stands in",
        required: &[],
        groups: &[&[
            a(
                "class",
                Ty::Str,
                "classes of the slide, space separated: title, columns, figure, center, no-title",
            ),
            a(
                "track",
                Ty::Str,
                "\"long\" or \"short\", as for `section`, for this slide only",
            ),
        ]],
    },
    Spec {
        name: "notes",
        block: true,
        alone: true,
        summary: "decks: speaker notes of the slide (shown in the presenter view and the notes print)",
        required: &[],
        groups: &[],
    },
    Spec {
        name: "fragment",
        block: true,
        alone: true,
        summary: "decks: content revealed on the next key press (fully shown in print)",
        required: &[],
        groups: &[&[a(
            "items",
            Ty::Bool,
            "reveal the items of the list inside one by one",
        )]],
    },
    Spec {
        name: "qr",
        block: false,
        alone: true,
        summary: "decks: a QR code of `[site] base_url` with the address under it (without base_url its slide is left out, with a warning)",
        required: &[],
        groups: &[],
    },
    Spec {
        name: "exercise",
        block: true,
        alone: true,
        summary: "sheets: an exercise with its given numbers, answer boxes and answer key; the block's markdown is the question, with optional `Hint:`, `Stretch:` and `Discussion:` (key only) paragraphs",
        required: &["type"],
        groups: &[&EXERCISE_ARGS],
    },
];

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

/// Shortcodes that only mean something in a deck (`kind = "deck"`).
pub const DECK_ONLY: [&str; 5] = ["section", "slide", "notes", "fragment", "qr"];

/// The values of `track`.
pub const TRACKS: [&str; 2] = ["long", "short"];

pub fn spec(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name == name)
}

/// A problem with one call, at a byte offset of the text that was scanned.
#[derive(Debug, Clone, PartialEq)]
pub struct Fail {
    pub at: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Fail {
    pub fn new(at: usize, message: impl Into<String>) -> Fail {
        Fail {
            at,
            message: message.into(),
            hint: None,
        }
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Fail {
        self.hint = Some(hint.into());
        self
    }

    /// A selector's own error, placed in the text: `start` is the offset of
    /// the selector's first character.
    pub fn selector(e: crate::kv::select::SelectorError, start: usize) -> Fail {
        Fail {
            at: start + e.offset,
            message: format!("selector: {}", e.message),
            hint: e.hint,
        }
    }
}

/// Checks a call against [`SPECS`]: known name, known arguments, required
/// ones present, types, selectors that parse, block use.
pub fn validate(call: &Call) -> Vec<Fail> {
    let mut out = Vec::new();
    let Some(spec) = spec(&call.name) else {
        let mut f = Fail::new(call.name_at, format!("unknown shortcode `{}`", call.name));
        f.hint = Some(
            match did_you_mean(&call.name, SPECS.iter().map(|s| s.name)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "shortcodes are: {}",
                    SPECS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
                ),
            },
        );
        return vec![f];
    };
    if spec.block != call.body.is_some() {
        let msg = if spec.block {
            format!(
                "`{}` is a block: write {{% {}(…) %}} … {{% end %}}",
                spec.name, spec.name
            )
        } else {
            format!(
                "`{}` is not a block: write {{{{ {}(…) }}}}",
                spec.name, spec.name
            )
        };
        out.push(Fail::new(call.name_at, msg));
    }
    if spec.alone && !call.alone {
        out.push(
            Fail::new(
                call.name_at,
                format!("`{}` makes a block of its own", spec.name),
            )
            .hint("put it on a line by itself, with nothing else on that line"),
        );
    }
    for arg in &call.args {
        let Some(a) = spec.args().find(|a| a.name == arg.name) else {
            let hint = match did_you_mean(&arg.name, spec.args().map(|a| a.name)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "`{}` takes: {}",
                    spec.name,
                    spec.args().map(|a| a.name).collect::<Vec<_>>().join(", ")
                ),
            };
            out.push(
                Fail::new(
                    arg.name_at,
                    format!("`{}` has no argument `{}`", spec.name, arg.name),
                )
                .hint(hint),
            );
            continue;
        };
        let ok = matches!(
            (a.ty, &arg.value),
            (Ty::Str | Ty::Selector, Value::Str(_))
                | (Ty::Int, Value::Int(_))
                | (Ty::Num, Value::Int(_) | Value::Num(_))
                | (Ty::Bool, Value::Bool(_))
        );
        if !ok {
            out.push(Fail::new(
                arg.value_at,
                format!(
                    "`{}` must be {}, not {}",
                    arg.name,
                    a.ty.describe(),
                    arg.value.kind()
                ),
            ));
            continue;
        }
        if let (Ty::Selector, Value::Str(s)) = (a.ty, &arg.value)
            && let Err(e) = crate::kv::select::Selector::parse(s)
        {
            out.push(Fail::selector(e, arg.value_at + 1));
        }
    }
    for r in spec.required {
        if call.arg(r).is_none() {
            out.push(
                Fail::new(
                    call.name_at,
                    format!("`{}` needs the argument `{r}`", spec.name),
                )
                .hint(format!("e.g. {r}=\"…\"")),
            );
        }
    }
    match spec.name {
        "net" if call.arg("pair").is_some() && call.arg("input").is_none() => out.push(Fail::new(
            call.arg("pair").map_or(call.name_at, |a| a.name_at),
            "highlighting a pair needs an `input` flowing through",
        )),
        "figure" => out.extend(figure::validate(call)),
        "value" | "claim" => out.extend(quantity::validate(call)),
        "exercise" => {
            if let Err(fails) = crate::sheets::spec::read(&Args(call)) {
                out.extend(fails);
            }
        }
        "section" | "slide" => {
            if let Some(arg) = call.arg("track")
                && let Value::Str(t) = &arg.value
                && !TRACKS.contains(&t.as_str())
            {
                out.push(
                    Fail::new(arg.value_at, format!("unknown track `{t}`"))
                        .hint("track is \"long\" (full deck only) or \"short\" (short track only)"),
                );
            }
            if let Some(arg) = call.arg("minutes")
                && let Value::Int(m) = arg.value
                && !(0..=1000).contains(&m)
            {
                out.push(Fail::new(
                    arg.value_at,
                    format!("`minutes` must be between 0 and 1000, not {m}"),
                ));
            }
        }
        _ => {}
    }
    out
}

/// Typed access to a call's arguments (after [`validate`]).
pub struct Args<'c>(pub &'c Call);

impl<'c> Args<'c> {
    pub fn has(&self, name: &str) -> bool {
        self.0.arg(name).is_some()
    }
    pub fn str(&self, name: &str) -> Option<&'c str> {
        match self.0.arg(name).map(|a| &a.value) {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.0.arg(name).map(|a| &a.value) {
            Some(Value::Int(n)) => Some(*n),
            _ => None,
        }
    }
    pub fn num(&self, name: &str) -> Option<f64> {
        match self.0.arg(name).map(|a| &a.value) {
            Some(Value::Int(n)) => Some(*n as f64),
            Some(Value::Num(x)) => Some(*x),
            _ => None,
        }
    }
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.0.arg(name).map(|a| &a.value) {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }
    /// Offset of an argument's value (or of the name of the call).
    pub fn at(&self, name: &str) -> usize {
        self.0.arg(name).map_or(self.0.name_at, |a| a.value_at)
    }
    /// A non-negative integer argument that must fit `range`.
    pub fn index(
        &self,
        name: &str,
        range: std::ops::Range<usize>,
        what: &str,
    ) -> Result<Option<usize>, Fail> {
        match self.int(name) {
            None => Ok(None),
            Some(n) if n >= 0 && range.contains(&(n as usize)) => Ok(Some(n as usize)),
            Some(n) => Err(Fail::new(
                self.at(name),
                format!(
                    "{what} {n} is out of range: {}..={}",
                    range.start,
                    range.end.saturating_sub(1)
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shortcode::{code_ranges, scan};

    fn fails(md: &str) -> Vec<String> {
        let (calls, errors) = scan(md, &code_ranges(md));
        assert!(errors.is_empty(), "{errors:?}");
        calls
            .iter()
            .flat_map(validate)
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
    fn every_argument_name_is_unique_per_shortcode() {
        for s in SPECS {
            let mut names: Vec<_> = s.args().map(|a| a.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), s.args().count(), "{}", s.name);
            for r in s.required {
                assert!(names.contains(r), "{} requires unknown {r}", s.name);
            }
        }
    }
}
