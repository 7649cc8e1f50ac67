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
pub fn html(
    fig: &Figure,
    svg: &str,
    root: &str,
    caption: Option<&str>,
    inline: bool,
    anchor: &str,
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
        "<figure class=\"kv-figure\" id=\"{}\">\n{body}\n<figcaption>{caption}</figcaption>\n</figure>",
        escape_attr(anchor)
    )
}
