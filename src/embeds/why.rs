//! Where a number comes from: the derivation every `value` carries and
//! every `claim` shows, and the markup that puts it beside the number.
//!
//! On a course page a number is a button (hover, keyboard focus or a tap
//! shows its derivation; Escape closes it; `theme/site.js`), and the
//! derivation is the button's accessible description (`aria-describedby`),
//! so a screen reader reads it too. On a projected slide the number is
//! plain text and its derivation rides along in `data-why` for the
//! presenter view (`theme/deck.js` lists a slide's numbers under its
//! notes). Sheets are paper: numbers only. In print the derivations are
//! hidden (`theme/style.css`): the page keeps its length and the reader
//! keeps the numbers.
//!
//! A derivation that is a sum (or a difference, a product, a ratio, a
//! ReLU of a sum) carries its terms unrounded in `data-terms`/`data-total`,
//! so a test can re-add them and compare with the number shown.

use crate::markdown::escape_attr;

/// How a number is computed from others (for the re-adding check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// total = Σ terms (differences are negative terms).
    Sum,
    /// total = Π terms.
    Product,
    /// total = terms[0] / terms[1].
    Ratio,
    /// total = max(0, Σ terms).
    Relu,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Sum => "sum",
            Op::Product => "product",
            Op::Ratio => "ratio",
            Op::Relu => "relu",
        }
    }

    /// The result of the operation on `terms`.
    pub fn apply(self, terms: &[f64]) -> f64 {
        match self {
            Op::Sum => terms.iter().sum(),
            Op::Product => terms.iter().product(),
            Op::Ratio => match terms {
                [a, b] if *b != 0.0 => a / b,
                _ => f64::NAN,
            },
            Op::Relu => terms.iter().sum::<f64>().max(0.0),
        }
    }
}

/// A formula with this case's numbers: `text` is what the reader sees
/// ("logit of 0 − logit of 6 = 9.547 − 3.641 = 5.906"); `op`, `terms` and
/// `total` are the same computation unrounded.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    pub text: String,
    pub op: Op,
    pub terms: Vec<f64>,
    pub total: f64,
}

/// How a number was computed.
#[derive(Debug, Clone, PartialEq)]
pub enum How {
    /// A short formula with the numbers filled in.
    Formula(Formula),
    /// A longer computation, said in words (the analysis and its inputs).
    Words(String),
}

/// A link to where the number is shown at length: `href` from the site's
/// root (`figures/index.html#test-3-waterfall`).
#[derive(Debug, Clone, PartialEq)]
pub struct See {
    pub href: String,
    pub text: String,
}

/// Where one number comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Derivation {
    /// What the number is, in words, with the glossary's terms.
    pub what: String,
    pub how: Option<How>,
    /// The value beyond the printed rounding; `None` when what is shown is
    /// already exact (counts, digits, exact decimals).
    pub exact: Option<String>,
    /// For a claim: the statement checked when the page was built and the
    /// value measured.
    pub check: Option<String>,
    pub see: Option<See>,
}

impl Derivation {
    pub fn new(what: impl Into<String>) -> Derivation {
        Derivation {
            what: what.into(),
            how: None,
            exact: None,
            check: None,
            see: None,
        }
    }

    pub fn how(mut self, how: How) -> Self {
        self.how = Some(how);
        self
    }

    pub fn words(self, text: impl Into<String>) -> Self {
        self.how(How::Words(text.into()))
    }

    pub fn formula(self, f: Formula) -> Self {
        self.how(How::Formula(f))
    }

    pub fn exact(mut self, text: impl Into<String>) -> Self {
        self.exact = Some(text.into());
        self
    }

    pub fn see(mut self, href: impl Into<String>, text: impl Into<String>) -> Self {
        self.see = Some(See {
            href: href.into(),
            text: text.into(),
        });
        self
    }

    /// The derivation as one line of plain text (the presenter view, tests).
    pub fn plain(&self) -> String {
        let mut parts = vec![self.what.clone()];
        match &self.how {
            Some(How::Formula(f)) => parts.push(sentence(&f.text)),
            Some(How::Words(w)) => parts.push(w.clone()),
            None => {}
        }
        if let Some(e) = &self.exact {
            parts.push(format!("Unrounded: {e}."));
        }
        if let Some(c) = &self.check {
            parts.push(c.clone());
        }
        parts.join(" ")
    }

    /// The popover's inner HTML (`root` leads from the page to the site's root).
    fn inner_html(&self, root: &str) -> String {
        let mut s = format!(
            "<span class=\"kvn-what\">{}</span>",
            escape_attr(&self.what)
        );
        match &self.how {
            Some(How::Formula(f)) => s.push_str(&format!(
                "<span class=\"kvn-how\" data-op=\"{}\" data-terms=\"{}\" data-total=\"{}\">{}</span>",
                f.op.name(),
                f.terms
                    .iter()
                    .map(|t| format!("{t:e}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                format_args!("{:e}", f.total),
                escape_attr(&sentence(&f.text))
            )),
            Some(How::Words(w)) => {
                s.push_str(&format!("<span class=\"kvn-how\">{}</span>", escape_attr(w)))
            }
            None => {}
        }
        if let Some(e) = &self.exact {
            s.push_str(&format!(
                "<span class=\"kvn-exact\">Unrounded: {}</span>",
                escape_attr(e)
            ));
        }
        if let Some(c) = &self.check {
            s.push_str(&format!(
                "<span class=\"kvn-check\">{}</span>",
                escape_attr(c)
            ));
        }
        if let Some(see) = &self.see {
            s.push_str(&format!(
                "<a class=\"kvn-see\" href=\"{root}/{}\">{}</a>",
                escape_attr(&see.href),
                escape_attr(&see.text)
            ));
        }
        s
    }
}

/// Where a number is shown, which decides its markup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    /// A course page: the number with its popover.
    Page,
    /// A projected slide: plain text, the derivation in `data-why`.
    Slide,
    /// Paper: the number only.
    Paper,
}

impl Medium {
    pub fn of(kind: crate::content::Kind) -> Medium {
        match kind {
            crate::content::Kind::Deck => Medium::Slide,
            crate::content::Kind::Sheet => Medium::Paper,
            _ => Medium::Page,
        }
    }
}

/// The numbers of one document so far (their popovers' ids).
#[derive(Debug, Default)]
pub struct Numbered(pub usize);

/// `shown` (plain text) with its derivation, for `medium`; `n` makes the
/// popover's id unique on the page.
pub fn number_html(shown: &str, d: &Derivation, medium: Medium, n: usize, root: &str) -> String {
    let shown = escape_attr(shown);
    match medium {
        Medium::Paper => shown,
        Medium::Slide => format!(
            "<span class=\"kvn-deck\" data-why=\"{}\">{shown}</span>",
            escape_attr(&d.plain())
        ),
        Medium::Page => format!(
            "<span class=\"kvn\"><button type=\"button\" class=\"kvn-num\" aria-describedby=\"why-{n}\">{shown}</button><span class=\"kvn-why\" id=\"why-{n}\">{}</span></span>",
            d.inner_html(root)
        ),
    }
}

/// A claim's mark: a small check after the sentence it backs, whose
/// popover says what was checked and what was measured (pages only; a
/// slide keeps it for the presenter view, paper drops it).
pub fn claim_html(d: &Derivation, medium: Medium, n: usize, root: &str) -> String {
    match medium {
        Medium::Paper => String::new(),
        Medium::Slide => format!(
            "<span class=\"kvn-deck kvn-claim\" data-why=\"{}\"></span>",
            escape_attr(&d.plain())
        ),
        Medium::Page => format!(
            "<span class=\"kvn kvn-claim\"><button type=\"button\" class=\"kvn-num\" aria-label=\"checked claim\" aria-describedby=\"why-{n}\">\u{2713}</button><span class=\"kvn-why\" id=\"why-{n}\">{}</span></span>",
            d.inner_html(root)
        ),
    }
}

/// `html` with every number's popover markup replaced by the number (a
/// claim's mark by nothing, a term's by its plain link): for text quoted
/// elsewhere, such as the facilitator guide's predict questions, and for
/// tests that read a page's prose.
pub fn plain_numbers(html: &str) -> String {
    const OPEN: &str = "<span class=\"kvn";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        // The number: the button's text (a slide's: the span's), unless
        // this is a claim's mark.
        let claim = tail.starts_with("<span class=\"kvn kvn-claim\"")
            || tail.starts_with("<span class=\"kvn-deck kvn-claim\"");
        if tail.starts_with("<span class=\"kvn kvn-term\"") {
            // A glossary term: its link, without the popover it describes.
            if let Some(a) = tail.find("<a ")
                && let Some(end) = tail[a..].find("</a>")
            {
                let link = &tail[a..a + end + 4];
                out.push_str(&match link.find(" aria-describedby=\"") {
                    Some(k) => {
                        let close = link[k + 19..]
                            .find('"')
                            .map_or(link.len(), |c| k + 19 + c + 1);
                        format!("{}{}", &link[..k], &link[close..])
                    }
                    None => link.to_string(),
                });
            }
        } else if tail.starts_with("<span class=\"kvn-deck") {
            if !claim
                && let Some(gt) = tail.find('>')
                && let Some(end) = tail[gt..].find("</span>")
            {
                out.push_str(&tail[gt + 1..gt + end]);
            }
        } else if !claim
            && let Some(b) = tail.find("<button")
            && let Some(gt) = tail[b..].find('>')
            && let Some(end) = tail[b + gt..].find("</button>")
        {
            out.push_str(&tail[b + gt + 1..b + gt + end]);
        }
        // Skip to the end of the outer span.
        let mut depth = 0usize;
        let mut j = 0;
        let mut cut = tail.len();
        while j < tail.len() {
            if tail[j..].starts_with("<span") {
                depth += 1;
                j += 5;
            } else if tail[j..].starts_with("</span>") {
                depth -= 1;
                j += 7;
                if depth == 0 {
                    cut = j;
                    break;
                }
            } else {
                j += tail[j..].chars().next().map_or(1, char::len_utf8);
            }
        }
        rest = &tail[cut..];
    }
    out.push_str(rest);
    out
}

/// A formula's words start a sentence: "logit of 0 − …" → "Logit of 0 − …";
/// a symbol ("b2 for 0 + …") is left as it is.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(a), Some(b)) if a.is_ascii_lowercase() && b.is_alphabetic() => {
            format!("{}{}", a.to_ascii_uppercase(), &s[1..])
        }
        _ => s.to_string(),
    }
}

/// Fixed decimals with a typographic minus, for formulas.
pub fn f(x: f64, digits: usize) -> String {
    let s = crate::num::fixed(x, digits);
    match s.strip_prefix('-') {
        Some(rest) => format!("\u{2212}{rest}"),
        None => s,
    }
}

/// `a − b` or `a + b` written so that a negative second term reads well:
/// `9.547 − (−3.641)`.
pub fn signed(x: f64, digits: usize) -> String {
    if x < 0.0 {
        format!("({})", f(x, digits))
    } else {
        f(x, digits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead() -> Derivation {
        Derivation::new("The lead of 0 over 6.")
            .formula(Formula {
                text: "logit of 0 − logit of 6 = 9.547 − 3.641 = 5.906".into(),
                op: Op::Sum,
                terms: vec![9.547, -3.641],
                total: 5.906,
            })
            .exact("5.906000")
            .see("figures/index.html#test-3-waterfall", "The waterfall")
    }

    #[test]
    fn a_page_number_is_a_described_button() {
        let html = number_html("5.91", &lead(), Medium::Page, 4, "..");
        assert!(html.starts_with("<span class=\"kvn\"><button type=\"button\" class=\"kvn-num\" aria-describedby=\"why-4\">5.91</button><span class=\"kvn-why\" id=\"why-4\">"));
        assert!(
            html.contains("data-op=\"sum\" data-terms=\"9.547e0 -3.641e0\" data-total=\"5.906e0\"")
        );
        assert!(html.contains("href=\"../figures/index.html#test-3-waterfall\""));
        assert!(html.contains("Unrounded: 5.906000"));
    }

    #[test]
    fn slides_carry_plain_text_and_paper_only_the_number() {
        let html = number_html("5.91", &lead(), Medium::Slide, 1, ".");
        assert_eq!(
            html,
            "<span class=\"kvn-deck\" data-why=\"The lead of 0 over 6. Logit of 0 − logit of 6 = 9.547 − 3.641 = 5.906 Unrounded: 5.906000.\">5.91</span>"
        );
        assert_eq!(number_html("5.91", &lead(), Medium::Paper, 1, "."), "5.91");
    }

    #[test]
    fn quoted_text_keeps_the_numbers_only() {
        let n = number_html("5.91", &lead(), Medium::Page, 1, ".");
        let mut claim = lead();
        claim.check = Some("Checked.".into());
        let c = claim_html(&claim, Medium::Page, 2, ".");
        assert_eq!(
            plain_numbers(&format!("It leads by {n} over 6.{c} Next.")),
            "It leads by 5.91 over 6. Next."
        );
        // A term keeps its link.
        let t = "<span class=\"kvn kvn-term\"><a class=\"term\" href=\"g.html#key\" aria-describedby=\"def-key\">key</a><span class=\"kvn-why\" id=\"def-key\">Row <span>i</span>.</span></span>";
        assert_eq!(
            plain_numbers(&format!("A {t}.")),
            "A <a class=\"term\" href=\"g.html#key\">key</a>."
        );
        // A slide's plain number stays as it is, with its text.
        let s = number_html("5.91", &lead(), Medium::Slide, 1, ".");
        assert_eq!(plain_numbers(&format!("by {s}.")), "by 5.91.");
    }

    #[test]
    fn ops_apply() {
        assert_eq!(Op::Sum.apply(&[1.0, -0.25]), 0.75);
        assert_eq!(Op::Product.apply(&[2.0, 0.5]), 1.0);
        assert_eq!(Op::Ratio.apply(&[3.0, 4.0]), 0.75);
        assert_eq!(Op::Relu.apply(&[1.0, -3.0]), 0.0);
        assert!(Op::Ratio.apply(&[1.0, 0.0]).is_nan());
    }
}
