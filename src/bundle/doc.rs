//! A tiny page model for the bundle's own pages: blocks rendered alike to
//! a self-contained HTML page (inline style, no request) and to wrapped
//! plain text (`START-HERE.txt`).

/// A page as blocks, rendered to HTML and to plain text alike.
pub(crate) enum Block {
    H1(String),
    H2(String),
    P(String),
    /// Items: optional link target (relative), the linked words, the rest.
    List(Vec<(Option<String>, String, String)>),
    /// Items: a label, then links (target, words) after a colon.
    Links(Vec<(String, Vec<(String, String)>)>),
    /// A command to type.
    Code(String),
    /// Header row, then rows; numbers right-aligned.
    Table(Vec<String>, Vec<Vec<String>>),
}

fn esc(s: &str) -> String {
    crate::markdown::escape_attr(s)
}

pub(crate) fn html(title: &str, blocks: &[Block]) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n",
        esc(title)
    );
    for b in blocks {
        match b {
            Block::H1(t) => out.push_str(&format!("<h1>{}</h1>\n", esc(t))),
            Block::H2(t) => out.push_str(&format!("<h2>{}</h2>\n", esc(t))),
            Block::P(t) => out.push_str(&format!("<p>{}</p>\n", esc(t))),
            Block::Code(t) => out.push_str(&format!("<pre><code>{}</code></pre>\n", esc(t))),
            Block::List(items) => {
                out.push_str("<ul>\n");
                for (href, words, rest) in items {
                    let head = match href {
                        Some(h) => format!("<a href=\"{}\">{}</a>", esc(&url_path(h)), esc(words)),
                        None => esc(words),
                    };
                    out.push_str(&format!("<li>{head}{}</li>\n", esc(rest)));
                }
                out.push_str("</ul>\n");
            }
            Block::Links(items) => {
                out.push_str("<ul>\n");
                for (label, links) in items {
                    let links: Vec<String> = links
                        .iter()
                        .map(|(h, w)| format!("<a href=\"{}\">{}</a>", esc(&url_path(h)), esc(w)))
                        .collect();
                    out.push_str(&format!("<li>{}: {}</li>\n", esc(label), links.join(", ")));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(head, rows) => {
                out.push_str("<table>\n<thead><tr>");
                for (i, h) in head.iter().enumerate() {
                    let class = if i == 0 { "" } else { " class=\"n\"" };
                    out.push_str(&format!("<th scope=\"col\"{class}>{}</th>", esc(h)));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for (i, c) in row.iter().enumerate() {
                        match i {
                            0 => out.push_str(&format!("<th scope=\"row\">{}</th>", esc(c))),
                            _ => out.push_str(&format!("<td class=\"n\">{}</td>", esc(c))),
                        }
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// A relative path as a URL path (spaces and the like escaped).
fn url_path(p: &str) -> String {
    let mut out = String::new();
    for b in p.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'.' | b'-' | b'_' | b'~' => {
                out.push(b as char)
            }
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub(crate) fn text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::H1(t) => out.push_str(&format!("{t}\n{}\n\n", "=".repeat(t.chars().count()))),
            Block::H2(t) => out.push_str(&format!("{t}\n{}\n\n", "-".repeat(t.chars().count()))),
            Block::P(t) => out.push_str(&format!("{}\n\n", wrap(t, 76))),
            Block::Code(t) => out.push_str(&format!("    {t}\n\n")),
            Block::List(items) => {
                for (href, words, rest) in items {
                    let line = match href {
                        Some(h) if h != words => format!("{words} ({h}){rest}"),
                        _ => format!("{words}{rest}"),
                    };
                    let wrapped = wrap(&line, 74).replace('\n', "\n  ");
                    out.push_str(&format!("- {wrapped}\n"));
                }
                out.push('\n');
            }
            Block::Links(items) => {
                for (label, links) in items {
                    let links: Vec<String> =
                        links.iter().map(|(h, w)| format!("{w} ({h})")).collect();
                    let line = format!("{label}: {}", links.join(", "));
                    out.push_str(&format!("- {}\n", wrap(&line, 74).replace('\n', "\n  ")));
                }
                out.push('\n');
            }
            Block::Table(head, rows) => {
                let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
                for r in rows {
                    for (i, c) in r.iter().enumerate() {
                        widths[i] = widths[i].max(c.chars().count());
                    }
                }
                for r in std::iter::once(head).chain(rows) {
                    let cells: Vec<String> = r
                        .iter()
                        .enumerate()
                        .map(|(i, c)| match i {
                            0 => format!("{c:<w$}", w = widths[i]),
                            _ => format!("{c:>w$}", w = widths[i]),
                        })
                        .collect();
                    out.push_str(&format!("  {}\n", cells.join("   ").trim_end()));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Greedy word wrap at `width` characters.
pub(crate) fn wrap(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for w in s.split_whitespace() {
        let n = w.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(w);
        line += n;
    }
    out
}

const STYLE: &str = "body { font: 17px/1.5 system-ui, -apple-system, \"Segoe UI\", sans-serif; color: #1a1a1a; background: #fff; margin: 0; }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.7rem; line-height: 1.2; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
a { color: #0b57a4; }
pre { background: #f2f2f2; padding: 0.6rem 0.8rem; overflow-x: auto; }
table { border-collapse: collapse; }
th, td { padding: 0.2rem 0.8rem 0.2rem 0; text-align: left; border-bottom: 1px solid #ddd; }
.n { text-align: right; font-variant-numeric: tabular-nums; }
";
