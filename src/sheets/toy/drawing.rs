//! The drawings of a toy exercise's given numbers: the net as a figure, its
//! weights and inputs as tables, small images as lettered cells, and the
//! key's worked figures.

use super::given::Given;
use crate::kv::toy::{ToyDecomposition, ToyNet};
use crate::markdown::escape_attr;
use crate::sheets::key::n;
use rust_decimal::Decimal;

/// An inline figure.
pub(super) fn figure_html(fig: &crate::figures::Figure, caption: &str) -> String {
    let svg = fig.to_svg_string();
    let html = crate::embeds::figure::html(fig, &svg, ".", Some(caption), true, &fig.id);
    html.replacen(
        "class=\"kv-figure\"",
        "class=\"kv-figure exercise-figure\"",
        1,
    )
}

/// A small black-and-white image as a table of lettered cells.
pub(crate) fn pixels_table(net: &ToyNet, x: &[Decimal], label: &str) -> String {
    let (rows, cols) = net.layout.unwrap_or((1, net.inputs.len()));
    let inked: Vec<&str> = net
        .inputs
        .iter()
        .zip(x)
        .filter(|(_, v)| !v.is_zero())
        .map(|(n, _)| n.as_str())
        .collect();
    let desc = if inked.is_empty() {
        format!("{label}: a blank image")
    } else {
        format!("{label}: inked {}", inked.join(", "))
    };
    let mut s = format!(
        "<table class=\"pixels\" aria-label=\"{}\"><tbody>",
        escape_attr(&desc)
    );
    for r in 0..rows {
        s.push_str("<tr>");
        for c in 0..cols {
            let i = r * cols + c;
            let (name, v) = (&net.inputs[i], x.get(i).copied().unwrap_or_default());
            let class = if v.is_zero() {
                String::new()
            } else if v == Decimal::ONE {
                " class=\"ink\"".to_string()
            } else {
                " class=\"ink partial\"".to_string()
            };
            s.push_str(&format!("<td{class}>{}</td>", escape_attr(name)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

/// The inputs as a table: a row per named input, a column per input unit.
pub(super) fn inputs_table(given: &Given) -> String {
    let net = &given.net;
    let mut s =
        String::from("<table class=\"given-table\"><thead><tr><th scope=\"col\">input</th>");
    for name in &net.inputs {
        s.push_str(&format!("<th scope=\"col\">{}</th>", escape_attr(name)));
    }
    s.push_str("</tr></thead><tbody>");
    for (name, x) in &given.inputs {
        s.push_str(&format!("<tr><th scope=\"row\">{}</th>", escape_attr(name)));
        for v in x {
            s.push_str(&format!("<td>{}</td>", n(v)));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

/// The key's worked figures (the same drawings as the course's).
pub(super) fn worked_figures(
    given: &Given,
    decs: &[ToyDecomposition],
    number: usize,
    kind: &str,
) -> String {
    let mut out = String::new();
    for (i, ((name, _), dec)) in given.inputs.iter().zip(decs).enumerate() {
        let id = format!("ex{number}-worked-{}", i + 1);
        let fig = match kind {
            "single" => crate::figures::worked::single_neuron(&id, &given.net, dec),
            "layers" => crate::figures::worked::layer_by_layer(&id, &given.net, dec),
            _ => crate::figures::worked::pair_by_pair(&id, &given.net, dec),
        };
        out.push_str(&figure_html(&fig, &format!("Worked on input {name}.")));
        out.push('\n');
    }
    out
}

/// W1 and W2 as the key-value view reads them: one row per hidden neuron,
/// its key (the weights into it, and its bias when any is not 0) in the
/// first table and its value (the weights out of it) in the second.
pub(super) fn pair_tables(net: &ToyNet, unit: &str) -> String {
    let has_b1 = net.b1.iter().any(|b| !b.is_zero());
    let noun = if unit == "hidden" {
        "hidden neuron"
    } else {
        unit
    };
    let mut keys = format!(
        "<table class=\"given-table\"><caption>Keys (rows of W1): the weights into each {noun}{}</caption><thead><tr><th scope=\"col\">{unit}</th>",
        if has_b1 { ", and its bias" } else { "" }
    );
    for name in &net.inputs {
        keys.push_str(&format!("<th scope=\"col\">{}</th>", escape_attr(name)));
    }
    if has_b1 {
        keys.push_str("<th scope=\"col\">bias</th>");
    }
    keys.push_str("</tr></thead><tbody>");
    let mut values = format!(
        "<table class=\"given-table\"><caption>Values (columns of W2): the weights out of each {noun}</caption><thead><tr><th scope=\"col\">{unit}</th>"
    );
    for name in &net.outputs {
        values.push_str(&format!("<th scope=\"col\">to {}</th>", escape_attr(name)));
    }
    values.push_str("</tr></thead><tbody>");
    let cells = |s: &mut String, label: &str, nums: &[Decimal]| {
        s.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            escape_attr(label)
        ));
        for c in nums {
            s.push_str(&format!("<td>{}</td>", n(c)));
        }
        s.push_str("</tr>");
    };
    for i in 0..net.hidden() {
        let mut k = net.w1[i].clone();
        if has_b1 {
            k.push(net.b1[i]);
        }
        cells(&mut keys, &format!("{unit} {}", i + 1), &k);
        let v: Vec<Decimal> = net.w2.iter().map(|r| r[i]).collect();
        cells(&mut values, &format!("{unit} {}", i + 1), &v);
    }
    if net.b2.iter().any(|b| !b.is_zero()) {
        cells(&mut values, "output bias", &net.b2);
    }
    keys.push_str("</tbody></table>");
    values.push_str("</tbody></table>");
    format!("{keys}\n{values}")
}

/// The drawing of a net with its weights and inputs as tables.
pub(super) fn net_given_html(given: &Given, number: usize) -> String {
    let fig =
        crate::figures::networks::network_slide(&format!("ex{number}-net"), &given.net, None, None);
    format!(
        "{}\n<div class=\"given-stack\">\n{}\n{}\n</div>",
        figure_html(&fig, ""),
        pair_tables(&given.net, "hidden"),
        inputs_table(given)
    )
}
