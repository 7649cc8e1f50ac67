//! The shortcode engine: what a call found by the scanner
//! (`crate::shortcode`) may be, and how a document is expanded. It knows no
//! shortcode of its own: the embeds (`crate::embeds`: figures, values,
//! claims, worked calculations, usable in every document) and the products
//! (`crate::product`: the deck's directives, the sheets' exercises) register
//! [`Shortcodes`] sets, each with its [`Spec`] table. [`Registry::validate`]
//! checks a call against the specs without the model (so `check` reports
//! every mistake of every file); [`expand::expand`] dispatches each call to
//! its set and keeps a source map.
//!
//! docs/AUTHORING.md documents every registered name; a test keeps the two
//! in step.

pub mod expand;

use crate::content::Kind;
use crate::diag::did_you_mean;
use crate::shortcode::{Call, Value};
pub use expand::{Cx, Expanded, State};

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

/// An argument spec (for the spec tables of the shortcode sets).
pub const fn a(name: &'static str, ty: Ty, doc: &'static str) -> ArgSpec {
    ArgSpec { name, ty, doc }
}

/// A set of shortcodes with what they mean, registered by an embed or a
/// product.
pub trait Shortcodes {
    /// The set's shortcodes and their arguments.
    fn specs(&self) -> &'static [Spec];
    /// The kind of document the set belongs in (None: every kind).
    fn only_in(&self) -> Option<Kind> {
        None
    }
    /// Checks of a call beyond its spec, without the model (the spec's
    /// names, types and required arguments are already checked).
    fn validate(&self, _call: &Call) -> Vec<Fail> {
        Vec::new()
    }
    /// Expands one call of the set: writes its output and expands nested
    /// text through `cx`. Without analyses (`cx.an()` is None) it only
    /// checks what it can.
    fn expand(&self, call: &Call, cx: &mut Cx) -> Result<(), Fail>;
}

/// Every registered set, in order: the specs are looked up in this order
/// and listed so in messages and docs.
#[derive(Clone, Copy)]
pub struct Registry<'r> {
    pub sets: &'r [&'r dyn Shortcodes],
}

impl<'r> Registry<'r> {
    /// Every shortcode's spec, in registration order.
    pub fn specs(&self) -> impl Iterator<Item = &'static Spec> + '_ {
        self.sets.iter().flat_map(|s| s.specs().iter())
    }

    /// The spec of `name` and the set that owns it.
    pub fn find(&self, name: &str) -> Option<(&'static Spec, &'r dyn Shortcodes)> {
        self.sets.iter().find_map(|set| {
            set.specs()
                .iter()
                .find(|s| s.name == name)
                .map(|spec| (spec, *set))
        })
    }

    /// Checks a call against its spec: known name, known arguments, required
    /// ones present, types, selectors that parse, block use, then the set's
    /// own checks.
    pub fn validate(&self, call: &Call) -> Vec<Fail> {
        let Some((spec, set)) = self.find(&call.name) else {
            let mut f = Fail::new(call.name_at, format!("unknown shortcode `{}`", call.name));
            f.hint = Some(
                match did_you_mean(&call.name, self.specs().map(|s| s.name)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "shortcodes are: {}",
                        self.specs().map(|s| s.name).collect::<Vec<_>>().join(", ")
                    ),
                },
            );
            return vec![f];
        };
        let mut out = validate_spec(spec, call);
        out.extend(set.validate(call));
        out
    }
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

/// The checks every call gets from its spec.
fn validate_spec(spec: &Spec, call: &Call) -> Vec<Fail> {
    let mut out = Vec::new();
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
