//! Math: LaTeX between `$…$` or `$$…$$` turned into MathML at build time
//! (math-core); an error becomes a problem at its offset and the TeX is
//! shown as code.

use super::{Problem, Rendered, escape_attr};
use pulldown_cmark::{CowStr, Event};

pub(super) fn math_event<'a>(
    conv: &Option<math_core::LatexToMathML>,
    tex: &str,
    display: bool,
    at: usize,
    out: &mut Rendered,
) -> Event<'a> {
    let mode = if display {
        math_core::MathDisplay::Block
    } else {
        math_core::MathDisplay::Inline
    };
    let result = match conv {
        Some(c) => c
            .convert_with_local_state(tex, mode)
            .map_err(|e| (e.0.start, e.error_message())),
        None => Err((0, "the math converter could not start".to_string())),
    };
    match result {
        Ok(r) => Event::Html(CowStr::from(r.mathml)),
        Err((offset, message)) => {
            out.problems.push(Problem {
                at: at + offset.min(tex.len()),
                message: format!("math: {message}"),
                hint: Some("math is LaTeX between $…$ (inline) or $$…$$ (display)".into()),
            });
            Event::Html(CowStr::from(format!(
                "<code class=\"math-error\">{}</code>",
                escape_attr(tex)
            )))
        }
    }
}
