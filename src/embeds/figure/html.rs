//! A figure on a page: an `<img>` of its SVG file with its description as
//! alt text, or the SVG inline, in a `<figure>` with its caption.

use crate::figures::Figure;
use crate::markdown::escape_attr;

/// `width` and `height` of an SVG's root element.
fn svg_size(svg: &str) -> Option<(String, String)> {
    let open = &svg[svg.find("<svg")?..];
    let open = &open[..open.find('>')?];
    let attr = |name: &str| -> Option<String> {
        let at = open.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(open[at..].split('"').next()?.to_string())
    };
    Some((attr("width")?, attr("height")?))
}

/// The HTML of a figure (with its SVG text `svg`) on a page whose root is
/// `root`; `anchor` is the `<figure>` element's id.
/// No data link: for sheets and slides (see [`page_html`]).
pub fn html(
    fig: &Figure,
    svg: &str,
    root: &str,
    caption: Option<&str>,
    inline: bool,
    anchor: &str,
) -> String {
    figure_html(fig, svg, root, caption, inline, anchor, "")
}

fn figure_html(
    fig: &Figure,
    svg: &str,
    root: &str,
    caption: Option<&str>,
    inline: bool,
    anchor: &str,
    link: &str,
) -> String {
    let caption = escape_attr(caption.unwrap_or(&fig.title));
    let body = if inline {
        // No blank line may end the HTML block early.
        svg.lines()
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        let size = svg_size(svg)
            .map(|(w, h)| {
                format!(
                    " width=\"{}\" height=\"{}\"",
                    escape_attr(&w),
                    escape_attr(&h)
                )
            })
            .unwrap_or_default();
        format!(
            "<img src=\"{root}/figures/{}.svg\" alt=\"{}\"{size}>",
            escape_attr(&fig.id),
            escape_attr(&fig.description)
        )
    };
    format!(
        "<figure class=\"kv-figure\" id=\"{}\">\n{body}\n<figcaption>{caption}{link}</figcaption>\n</figure>",
        escape_attr(anchor)
    )
}

/// The small link to a figure's data file (`figures/<id>.csv` or `.json`
/// under `root`), with an accessible name that says whose data it is.
pub fn data_link(fig: &Figure, root: &str) -> String {
    let format = fig.data.format_name();
    format!(
        "<a class=\"kv-figure-data\" href=\"{root}/figures/{}\" aria-label=\"Data of the figure “{}” ({format})\">data ({format})</a>",
        escape_attr(&fig.data_file()),
        escape_attr(&fig.title),
    )
}

/// [`html`] for a document of kind `kind`: on a course page the caption
/// ends with the figure's data link; slides (the projected deck) and
/// printed sheets stay without it.
pub fn page_html(
    fig: &Figure,
    svg: &str,
    root: &str,
    caption: Option<&str>,
    inline: bool,
    anchor: &str,
    kind: crate::content::Kind,
) -> String {
    let link = match kind {
        crate::content::Kind::Page | crate::content::Kind::Explorer => {
            format!(" {}", data_link(fig, root))
        }
        crate::content::Kind::Deck | crate::content::Kind::Sheet => String::new(),
    };
    figure_html(fig, svg, root, caption, inline, anchor, &link)
}
