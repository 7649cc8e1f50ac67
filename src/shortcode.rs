//! The shortcode scanner: finds `{{ name(args) }}` and
//! `{% name(args) %}…{% end %}` in a markdown body, outside code spans,
//! fenced or indented code and math, keeping the byte offset of every part
//! so a mistake can be reported at `file:line:col`.
//!
//! Arguments are `key=value` pairs separated by commas; a value is a
//! `"string"` (with `\"` and `\\` escapes), an integer, a decimal number, or
//! `true`/`false`. A backslash before the braces (`\{{`) keeps them literal.
//! This module only parses; `shortcodes` gives the calls meaning.
//!
//! Stage: markdown body → `Vec<Call>` (+ scan errors), before pulldown-cmark.

use pulldown_cmark::{Event, Options, Parser, Tag};
use std::ops::Range;

/// An argument value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Num(f64),
    Bool(bool),
}

impl Value {
    /// The kind of value, for messages ("a string", "an integer" …).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Num(_) => "a number",
            Value::Bool(_) => "true or false",
        }
    }
}

/// One `key=value` argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: String,
    /// Byte offset of the key.
    pub name_at: usize,
    pub value: Value,
    /// Byte offset of the value.
    pub value_at: usize,
}

/// One shortcode call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    /// Byte offset of the name.
    pub name_at: usize,
    pub args: Vec<Arg>,
    /// The whole call, from `{{`/`{%` to `}}`/`{% end %}`.
    pub range: Range<usize>,
    /// The text between `{% … %}` and `{% end %}` for a block call.
    pub body: Option<Range<usize>>,
    /// Whether the call stands on lines of its own (nothing else on its first
    /// and last line), so it may produce block HTML.
    pub alone: bool,
}

impl Call {
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|a| a.name == name)
    }
}

/// A malformed shortcode.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScanError {
    pub at: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// Byte ranges of `md` where shortcodes are not looked for: code spans,
/// code blocks (fenced or indented) and math.
pub(crate) fn code_ranges(md: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let opts = Options::ENABLE_MATH | Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES;
    for (event, range) in Parser::new_ext(md, opts).into_offset_iter() {
        match event {
            Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::Start(Tag::CodeBlock(_)) => out.push(range),
            _ => {}
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// Every call in `text`, skipping `skip` ranges (sorted), and every error.
pub(crate) fn scan(text: &str, skip: &[Range<usize>]) -> (Vec<Call>, Vec<ScanError>) {
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut skip_iter = skip.iter().peekable();
    while i + 1 < bytes.len() {
        while let Some(r) = skip_iter.peek() {
            if r.end <= i {
                skip_iter.next();
            } else {
                break;
            }
        }
        if let Some(r) = skip_iter.peek()
            && r.start <= i
        {
            i = r.end;
            continue;
        }
        let open = &bytes[i..i + 2];
        if (open == b"{{" || open == b"{%") && !(i > 0 && bytes[i - 1] == b'\\') {
            let block = open == b"{%";
            match parse_call(text, i, block, skip) {
                Ok(call) => {
                    i = call.range.end;
                    calls.push(call);
                }
                Err(e) => {
                    errors.push(e);
                    i += 2;
                }
            }
            continue;
        }
        i += 1;
    }
    (calls, errors)
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }
    fn ws(&mut self) {
        let n = self.rest().len() - self.rest().trim_start().len();
        self.pos += n;
    }
    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    fn ident(&mut self) -> Option<(String, usize)> {
        let start = self.pos;
        let mut chars = self.rest().char_indices();
        match chars.next() {
            Some((_, c)) if c.is_ascii_alphabetic() || c == '_' => {}
            _ => return None,
        }
        let len = chars
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
            .map_or(self.rest().len(), |(i, _)| i);
        self.pos += len;
        Some((self.text[start..self.pos].to_string(), start))
    }
}

fn err(at: usize, message: impl Into<String>, hint: Option<&str>) -> ScanError {
    ScanError {
        at,
        message: message.into(),
        hint: hint.map(str::to_string),
    }
}

const CALL_HINT: &str =
    "shortcodes look like {{ name(key=\"value\", n=3) }}; write \\{{ for literal braces";

fn parse_call(
    text: &str,
    start: usize,
    block: bool,
    skip: &[Range<usize>],
) -> Result<Call, ScanError> {
    let close = if block { "%}" } else { "}}" };
    let mut c = Cursor {
        text,
        pos: start + 2,
    };
    c.ws();
    let Some((name, name_at)) = c.ident() else {
        return Err(err(c.pos, "expected a shortcode name", Some(CALL_HINT)));
    };
    if block && name == "end" {
        return Err(err(
            name_at,
            "`{% end %}` without an opening block shortcode",
            Some("a block starts with {% name(…) %}"),
        ));
    }
    c.ws();
    if !c.eat("(") {
        return Err(err(
            c.pos,
            format!("expected `(` after `{name}`"),
            Some(CALL_HINT),
        ));
    }
    let mut args: Vec<Arg> = Vec::new();
    loop {
        c.ws();
        if c.eat(")") {
            break;
        }
        let Some((key, key_at)) = c.ident() else {
            return Err(err(
                c.pos,
                "expected an argument name or `)`",
                Some(CALL_HINT),
            ));
        };
        c.ws();
        if !c.eat("=") {
            return Err(err(
                c.pos,
                format!("expected `=` after `{key}`"),
                Some(CALL_HINT),
            ));
        }
        c.ws();
        let value_at = c.pos;
        let value = parse_value(&mut c)?;
        if args.iter().any(|a| a.name == key) {
            return Err(err(
                key_at,
                format!("argument `{key}` is given twice"),
                None,
            ));
        }
        args.push(Arg {
            name: key,
            name_at: key_at,
            value,
            value_at,
        });
        c.ws();
        if c.eat(",") {
            continue;
        }
        if c.eat(")") {
            break;
        }
        return Err(err(
            c.pos,
            "expected `,` or `)` after an argument",
            Some(CALL_HINT),
        ));
    }
    c.ws();
    if !c.eat(close) {
        return Err(err(
            c.pos,
            format!("expected `{close}` to close `{name}`"),
            Some(CALL_HINT),
        ));
    }
    let open_end = c.pos;
    let (body, end) = if block {
        let (body_end, end) = find_end(text, open_end, skip).ok_or_else(|| {
            err(
                start,
                format!("`{{% {name}(…) %}}` is never closed"),
                Some("close the block with {% end %}"),
            )
        })?;
        (Some(open_end..body_end), end)
    } else {
        (None, open_end)
    };
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let alone = text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty();
    Ok(Call {
        name,
        name_at,
        args,
        range: start..end,
        body,
        alone,
    })
}

/// The `{% end %}` after `from`: (start of the tag, end of the tag).
fn find_end(text: &str, from: usize, skip: &[Range<usize>]) -> Option<(usize, usize)> {
    let mut search = from;
    while let Some(rel) = text[search..].find("{%") {
        let at = search + rel;
        if skip.iter().any(|r| r.contains(&at)) {
            search = at + 2;
            continue;
        }
        let mut c = Cursor { text, pos: at + 2 };
        c.ws();
        if c.eat("end") {
            c.ws();
            if c.eat("%}") {
                return Some((at, c.pos));
            }
        }
        search = at + 2;
    }
    None
}

fn parse_value(c: &mut Cursor) -> Result<Value, ScanError> {
    let at = c.pos;
    if c.eat("\"") {
        let mut s = String::new();
        let mut chars = c.rest().char_indices();
        while let Some((i, ch)) = chars.next() {
            match ch {
                '"' => {
                    c.pos += i + 1;
                    return Ok(Value::Str(s));
                }
                '\\' => match chars.next() {
                    Some((_, '"')) => s.push('"'),
                    Some((_, '\\')) => s.push('\\'),
                    Some((_, 'n')) => s.push('\n'),
                    _ => {
                        return Err(err(
                            c.pos + i,
                            "unknown escape in a string",
                            Some("inside \"…\" write \\\" for a quote and \\\\ for a backslash"),
                        ));
                    }
                },
                '\n' if s.ends_with('\n') => break,
                _ => s.push(ch),
            }
        }
        return Err(err(at, "string is never closed", Some("close it with \"")));
    }
    let token_len = c
        .rest()
        .find(|ch: char| {
            !(ch.is_ascii_alphanumeric() || ch == '.' || ch == '-' || ch == '+' || ch == '_')
        })
        .unwrap_or(c.rest().len());
    let token = &c.rest()[..token_len];
    let value = match token {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        t if t
            .starts_with(|ch: char| ch.is_ascii_digit() || ch == '-' || ch == '+' || ch == '.') =>
        {
            if let Ok(n) = t.parse::<i64>() {
                Some(Value::Int(n))
            } else {
                t.parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(Value::Num)
            }
        }
        _ => None,
    };
    match value {
        Some(v) => {
            c.pos += token_len;
            Ok(v)
        }
        None if token.is_empty() => Err(err(
            at,
            "expected a value",
            Some("a value is a \"string\", a number, true or false"),
        )),
        None => Err(err(
            at,
            format!("`{token}` is not a value"),
            Some("put text in double quotes: name=\"…\""),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_md(md: &str) -> (Vec<Call>, Vec<ScanError>) {
        scan(md, &code_ranges(md))
    }

    #[test]
    fn finds_inline_and_block_calls_with_typed_arguments() {
        let md = "Text {{ value(of=\"activation\", example=\"first(digit=0, correct)\", pair=3, digits=2) }} more.\n\n{% calc(net=\"exercise\", input=\"a\", reveal=false, x=-1.5) %}\nGuess first.\n{% end %}\n";
        let (calls, errors) = scan_md(md);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(calls.len(), 2);
        let v = &calls[0];
        assert_eq!(v.name, "value");
        assert!(!v.alone);
        assert_eq!(
            v.arg("example").unwrap().value,
            Value::Str("first(digit=0, correct)".into())
        );
        assert_eq!(v.arg("pair").unwrap().value, Value::Int(3));
        assert_eq!(
            &md[v.range.clone()],
            "{{ value(of=\"activation\", example=\"first(digit=0, correct)\", pair=3, digits=2) }}"
        );
        assert_eq!(&md[v.arg("pair").unwrap().value_at..][..1], "3");
        let c = &calls[1];
        assert_eq!(c.name, "calc");
        assert!(c.alone);
        assert_eq!(c.arg("reveal").unwrap().value, Value::Bool(false));
        assert_eq!(c.arg("x").unwrap().value, Value::Num(-1.5));
        assert_eq!(&md[c.body.clone().unwrap()], "\nGuess first.\n");
        assert!(md[c.range.clone()].ends_with("{% end %}"));
    }

    #[test]
    fn skips_code_spans_fences_indented_code_math_and_escapes() {
        let md = "`{{ figure(id=\"a\") }}` and \\{{ literal }}\n\n```\n{{ nope() }}\n```\n\n    {{ indented() }}\n\n$x^{{2}}$ then {{ value(of=\"hidden\") }}\n";
        let (calls, errors) = scan_md(md);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].name, "value");
    }

    #[test]
    fn malformed_calls_are_errors_at_their_offset_and_scanning_goes_on() {
        let md = "a {{ 3 }} b {{ value(of=activation) }} c {{ figure(id=\"x\" }} d {% calc(net=\"e\") %} open\n{{ value(of=\"x\", of=\"y\") }} {% end %} {{ ok() }}";
        let (calls, errors) = scan_md(md);
        let msgs: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "expected a shortcode name",
                "`activation` is not a value",
                "expected `,` or `)` after an argument",
            ]
        );
        assert_eq!(&md[errors[1].at..][..10], "activation");
        // The block swallowed the duplicate-argument call; `ok` still found.
        let names: Vec<_> = calls.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["calc", "ok"]);
        let (_, errors) = scan_md("{{ value(of=\"x\", of=\"y\") }} {% calc() %} never closed");
        assert_eq!(errors[0].message, "argument `of` is given twice");
        assert_eq!(errors[1].message, "`{% calc(…) %}` is never closed");
        let (_, errors) = scan_md("{% end %}");
        assert!(errors[0].message.contains("without an opening"));
    }

    #[test]
    fn string_escapes_and_unicode() {
        let (calls, errors) = scan_md("é {{ f(a=\"say \\\"hi\\\" \\\\ ok\", b=+2, c=1e3) }}");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            calls[0].arg("a").unwrap().value,
            Value::Str("say \"hi\" \\ ok".into())
        );
        assert_eq!(calls[0].arg("b").unwrap().value, Value::Int(2));
        assert_eq!(calls[0].arg("c").unwrap().value, Value::Num(1000.0));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_offsets_stay_in_bounds(s in "[{}%()=,\"a-z0-9 \\\\`$\\n-]{0,80}") {
            let (calls, errors) = scan_md(&s);
            for c in calls {
                proptest::prop_assert!(c.range.end <= s.len() && c.name_at < s.len());
            }
            for e in errors {
                proptest::prop_assert!(e.at <= s.len());
            }
        }
    }
}
