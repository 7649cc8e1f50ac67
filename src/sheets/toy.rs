//! Exercises on toy networks (types 1–5): the given numbers (written in
//! `content/nets/` or drawn from a seeded range), the questions with their
//! answer boxes, and the key, computed in exact decimals.

use super::key::{Expr, Key, n, vector};
use super::spec::{DecRange, ExSpec, ExType};
use super::{AnswerBox, Instance, Part, Teaches};
use crate::kv::toy::{Prediction, ToyDecomposition, ToyNet, ToyPair, decompose, predict};
use crate::markdown::escape_attr;
use crate::shortcodes::{Args, Fail};
use rand::RngExt;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The numbers an exercise gives: a net and its named inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    pub net: ToyNet,
    pub inputs: Vec<(String, Vec<Decimal>)>,
}

impl Given {
    /// Every number, in order: two givens are the same exercise when equal.
    pub fn fingerprint(&self) -> String {
        let nums = |m: &[Vec<Decimal>]| m.iter().map(|r| vector(r)).collect::<Vec<_>>().join(" ");
        format!(
            "{}|{}|{}|{}|{}|{}",
            nums(&self.net.w1),
            vector(&self.net.b1),
            nums(&self.net.w2),
            vector(&self.net.b2),
            self.inputs
                .iter()
                .map(|(_, x)| vector(x))
                .collect::<Vec<_>>()
                .join(" "),
            self.net.outputs.join(",")
        )
    }
}

/// The net an exercise names, checked against what its type needs.
pub fn resolve_net<'n>(
    spec: &ExSpec,
    args: &Args,
    nets: &'n BTreeMap<String, ToyNet>,
) -> Result<&'n ToyNet, Fail> {
    let name = spec.net.as_deref().unwrap_or_default();
    let net = nets.get(name).ok_or_else(|| {
        let f = Fail::new(args.at("net") + 1, format!("no toy network `{name}`"));
        match crate::diag::did_you_mean(name, nets.keys().map(String::as_str)) {
            Some(s) => f.hint(format!("did you mean `{s}`?")),
            None => f.hint(format!(
                "the toy networks are the files of content/nets/: {}",
                nets.keys().cloned().collect::<Vec<_>>().join(", ")
            )),
        }
    })?;
    let bad = |why: &str| Fail::new(args.at("net") + 1, format!("`{name}` {why}"));
    match spec.ty {
        ExType::Neuron => {
            if net.hidden() != 1 || net.outputs.len() != 1 {
                return Err(bad(
                    "is not a single neuron: a `neuron` exercise needs one hidden neuron and one output",
                ));
            }
            if net.w2[0][0] != Decimal::ONE || !net.b2[0].is_zero() {
                return Err(bad(
                    "must pass its neuron straight to the output (w2 = [[1]], no b2) for a `neuron` exercise",
                ));
            }
        }
        ExType::ToyImage | ExType::DesignKey | ExType::DesignWin if net.layout.is_none() => {
            return Err(
                bad("has no `layout`: this exercise draws its inputs as a small image")
                    .hint("add layout = [rows, columns] to the net's file"),
            );
        }
        _ => {}
    }
    if net.inputs.len() > 6 && matches!(spec.ty, ExType::DesignKey | ExType::DesignWin) {
        return Err(bad(
            "has too many inputs to list every black-and-white image (at most 6)",
        ));
    }
    Ok(net)
}

/// The given numbers as the content writes them (variant 1).
pub fn written(spec: &ExSpec, args: &Args, net: &ToyNet) -> Result<Given, Fail> {
    let names: Vec<String> = if spec.inputs.is_empty() {
        net.examples.keys().cloned().collect()
    } else {
        spec.inputs.clone()
    };
    let mut inputs = Vec::new();
    for name in names {
        let x = net.example(&name).ok_or_else(|| {
            let f = Fail::new(
                args.at("inputs") + 1,
                format!("`{}` has no example input `{name}`", net.name),
            );
            match crate::diag::did_you_mean(&name, net.examples.keys().map(String::as_str)) {
                Some(s) => f.hint(format!("did you mean `{s}`?")),
                None => f.hint(format!(
                    "its examples are: {}",
                    net.examples.keys().cloned().collect::<Vec<_>>().join(", ")
                )),
            }
        })?;
        inputs.push((name, x.to_vec()));
    }
    let needs_inputs = !matches!(spec.ty, ExType::DesignKey | ExType::DesignWin);
    if needs_inputs && inputs.is_empty() {
        return Err(Fail::new(
            args.at("net") + 1,
            format!("`{}` has no example inputs to work through", net.name),
        )
        .hint("name some with inputs=\"…\", or add [examples] to the net's file"));
    }
    Ok(Given {
        net: net.clone(),
        inputs,
    })
}

/// A decimal drawn uniformly at `decimals` places from `r`.
fn draw_decimal(rng: &mut impl rand::Rng, r: DecRange, decimals: u32) -> Decimal {
    let scale = Decimal::from(10i64.pow(decimals));
    let lo = (r.lo * scale).ceil().try_into().unwrap_or(0i64);
    let hi = (r.hi * scale).floor().try_into().unwrap_or(0i64);
    let v = if hi > lo {
        rng.random_range(lo..=hi)
    } else {
        lo
    };
    Decimal::new(v, decimals).normalize()
}

fn nonzero(rng: &mut impl rand::Rng, r: DecRange, decimals: u32) -> Decimal {
    for _ in 0..64 {
        let d = draw_decimal(rng, r, decimals);
        if !d.is_zero() {
            return d;
        }
    }
    Decimal::new(1, decimals)
}

/// A new given of the same shape as `base`, drawn from the spec's ranges.
fn draw(spec: &ExSpec, base: &Given, rng: &mut impl rand::Rng) -> Given {
    let r = spec.range.unwrap_or(DecRange {
        lo: Decimal::from(-2),
        hi: Decimal::from(2),
    });
    let ir = spec.input_range.unwrap_or(r);
    let d = spec.decimals;
    let mut net = base.net.clone();
    let has_b1 = base.net.b1.iter().any(|b| !b.is_zero());
    let has_b2 = base.net.b2.iter().any(|b| !b.is_zero());
    for w in net.w1.iter_mut().flatten() {
        *w = nonzero(rng, r, d);
    }
    if has_b1 {
        for b in &mut net.b1 {
            *b = nonzero(rng, r, d);
        }
    }
    if spec.ty != ExType::Neuron {
        for w in net.w2.iter_mut().flatten() {
            *w = nonzero(rng, r, d);
        }
        if has_b2 {
            for b in &mut net.b2 {
                *b = nonzero(rng, r, d);
            }
        }
    }
    let inputs = if net.layout.is_some() {
        // Distinct black-and-white images, none blank.
        let k = net.inputs.len() as u32;
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for (name, _) in &base.inputs {
            let mut code = 0u32;
            for _ in 0..64 {
                code = rng.random_range(1..(1u32 << k));
                if !seen.contains(&code) {
                    break;
                }
            }
            seen.push(code);
            out.push((name.clone(), bits(code, k as usize)));
        }
        out
    } else {
        base.inputs
            .iter()
            .map(|(name, x)| {
                (
                    name.clone(),
                    x.iter().map(|_| nonzero(rng, ir, d)).collect(),
                )
            })
            .collect()
    };
    Given { net, inputs }
}

/// Image number `code` as pixels, first input = highest bit.
fn bits(code: u32, k: usize) -> Vec<Decimal> {
    (0..k)
        .map(|i| Decimal::from((code >> (k - 1 - i)) & 1))
        .collect()
}

/// Every black-and-white image of `k` pixels, blank first.
fn all_images(k: usize) -> Vec<Vec<Decimal>> {
    (0..(1u32 << k)).map(|c| bits(c, k)).collect()
}

/// What one given teaches, computed.
fn teaches(given: &Given) -> Result<(Teaches, Vec<ToyDecomposition>), String> {
    let mut t = Teaches::default();
    let mut decs = Vec::new();
    for (_, x) in &given.inputs {
        let dec = decompose(&given.net, x)?;
        for p in &dec.pairs {
            if !p.fires {
                t.inactive = true;
            } else {
                t.active = true;
            }
            if !p.bias.is_zero() && (p.pre > Decimal::ZERO) != (p.pre - p.bias > Decimal::ZERO) {
                t.threshold = true;
            }
            if p.pre.is_zero() {
                t.zero_pre = true;
            }
        }
        if given.net.outputs.len() > 1 && matches!(dec.prediction, Prediction::Tie(_)) {
            t.ties += 1;
        }
        decs.push(dec);
    }
    Ok((t, decs))
}

/// Why a drawn given does not teach what the exercise is for (None: it does).
fn rejection(spec: &ExSpec, given: &Given, t: &Teaches) -> Option<&'static str> {
    let has_bias = given.net.b1.iter().any(|b| !b.is_zero());
    if t.zero_pre {
        return Some("a weighted sum of exactly 0");
    }
    if !t.inactive || !t.active {
        return Some("no inactive pair (or no active one)");
    }
    if has_bias && !t.threshold {
        return Some("no case where the bias decides whether a neuron fires");
    }
    tie_problem(spec, given, t)
}

/// Ties only where the exercise asks for them.
fn tie_problem(spec: &ExSpec, given: &Given, t: &Teaches) -> Option<&'static str> {
    if given.net.outputs.len() < 2 {
        return None;
    }
    match (spec.tie, t.ties) {
        (false, 0) => None,
        (false, _) => Some("an accidental tie between outputs"),
        (true, 0) => Some("no tie, although the exercise asks about one (tie=true)"),
        (true, k) if k > 1 => Some("more than one tie (the exercise is about one)"),
        _ => None,
    }
}

/// The givens of variants 1..=upto: the written one, then draws from the
/// seeded generator that teach what the exercise is for and differ from
/// every earlier variant. Without a `range` every variant is the written one.
pub fn givens(
    spec: &ExSpec,
    args: &Args,
    base: &Given,
    seed: [u8; 32],
    upto: u32,
) -> Result<Vec<Given>, Fail> {
    let (t, _) = teaches(base).map_err(|e| Fail::new(args.0.name_at, e))?;
    if matches!(
        spec.ty,
        ExType::Neuron | ExType::Layers | ExType::Pairs | ExType::ToyImage
    ) && let Some(why) = tie_problem(spec, base, &t)
    {
        return Err(Fail::new(
            args.at("net") + 1,
            format!("the written numbers of `{}` give {why}", base.net.name),
        )
        .hint("set tie=true when the exercise is about a tie, or pick other inputs"));
    }
    let mut out = vec![base.clone()];
    if spec.range.is_none() || upto < 2 {
        out.resize(upto.max(1) as usize, base.clone());
        return Ok(out);
    }
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::from_seed(seed);
    for k in 2..=upto {
        let mut found = None;
        let mut last = "";
        for _ in 0..5000 {
            let g = draw(spec, base, &mut rng);
            let fp = g.fingerprint();
            if out.iter().any(|o| o.fingerprint() == fp) {
                continue;
            }
            let Ok((t, _)) = teaches(&g) else { continue };
            match rejection(spec, &g, &t) {
                None => {
                    found = Some(g);
                    break;
                }
                Some(why) => last = why,
            }
        }
        let g = found.ok_or_else(|| {
            Fail::new(
                args.at("range") + 1,
                format!("could not draw variant {k} from this range: 5000 draws all had {last}"),
            )
            .hint("widen the range, or allow more decimals")
        })?;
        out.push(g);
    }
    Ok(out)
}

/// Which slip of the usual ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlipKind {
    NoRelu,
    NoBias,
    W1T,
    W2T,
}

const SLIPS: [(SlipKind, &str); 4] = [
    (
        SlipKind::NoRelu,
        "ReLU skipped: a negative weighted sum was passed on instead of 0. The learner treats the neuron as linear; ask what a neuron that does not fire sends on.",
    ),
    (
        SlipKind::NoBias,
        "bias left out: the neuron's threshold was ignored. Ask what the bias does to the sum before ReLU.",
    ),
    (
        SlipKind::W1T,
        "W1 read transposed: the weights out of an input were used as a neuron's key. A key is a row of W1: the weights into one hidden neuron.",
    ),
    (
        SlipKind::W2T,
        "W2 read transposed: a row of W2 was used as a value. A value is a column of W2: the weights out of one hidden neuron.",
    ),
];

fn transpose(m: &[Vec<Decimal>]) -> Option<Vec<Vec<Decimal>>> {
    let rows = m.len();
    let cols = m.first()?.len();
    if rows != cols || rows < 2 {
        return None;
    }
    Some(
        (0..cols)
            .map(|c| m.iter().map(|r| r[c]).collect())
            .collect(),
    )
}

/// The outputs a learner gets when making `slip` (None: the slip does not
/// apply to this net, or the numbers overflow).
fn forward(net: &ToyNet, x: &[Decimal], slip: SlipKind) -> Option<Vec<Decimal>> {
    let w1 = match slip {
        SlipKind::W1T => transpose(&net.w1)?,
        _ => net.w1.clone(),
    };
    let w2 = match slip {
        SlipKind::W2T => transpose(&net.w2)?,
        _ => net.w2.clone(),
    };
    let keep_bias = slip != SlipKind::NoBias;
    let mut h = Vec::new();
    for (row, b) in w1.iter().zip(&net.b1) {
        let mut z = if keep_bias { *b } else { Decimal::ZERO };
        for (w, xi) in row.iter().zip(x) {
            z = z.checked_add(w.checked_mul(*xi)?)?;
        }
        h.push(if slip == SlipKind::NoRelu || z > Decimal::ZERO {
            z
        } else {
            Decimal::ZERO
        });
    }
    let mut out = Vec::new();
    for (row, b) in w2.iter().zip(&net.b2) {
        let mut y = if keep_bias { *b } else { Decimal::ZERO };
        for (w, hi) in row.iter().zip(&h) {
            y = y.checked_add(w.checked_mul(*hi)?)?;
        }
        out.push(y.normalize());
    }
    Some(out)
}

/// The usual slips on `given`: each that changes an answer, and the names
/// of those this variant cannot catch.
fn slips(
    given: &Given,
    decs: &[ToyDecomposition],
    key: &mut Key,
    answer: impl Fn(&[Decimal]) -> String,
) {
    let has_bias = given
        .net
        .b1
        .iter()
        .chain(&given.net.b2)
        .any(|b| !b.is_zero());
    for (kind, why) in SLIPS {
        if kind == SlipKind::NoBias && !has_bias {
            continue;
        }
        let mut wrong = Vec::new();
        let mut applies = false;
        for ((name, x), dec) in given.inputs.iter().zip(decs) {
            let Some(out) = forward(&given.net, x, kind) else {
                continue;
            };
            applies = true;
            if out != dec.logits {
                wrong.push(format!("{}{}", label_prefix(given, name), answer(&out)));
            }
        }
        if !applies {
            continue;
        }
        let short = why.split(':').next().unwrap_or(why).to_string();
        if wrong.is_empty() {
            key.not_caught.push(short);
        } else {
            key.slips.push(super::key::Slip {
                answer: wrong.join("; "),
                why: why.to_string(),
            });
        }
    }
}

/// An inline figure.
fn figure_html(fig: &crate::figures::Figure, caption: &str) -> String {
    let svg = fig.to_svg_string();
    let html = crate::embeds::figure::html(fig, &svg, ".", Some(caption), true, &fig.id);
    html.replacen(
        "class=\"kv-figure\"",
        "class=\"kv-figure exercise-figure\"",
        1,
    )
}

/// A small black-and-white image as a table of lettered cells.
pub fn pixels_table(net: &ToyNet, x: &[Decimal], label: &str) -> String {
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

fn names_list(names: &[&str]) -> String {
    match names {
        [] => "none".to_string(),
        [one] => one.to_string(),
        _ => names.join(", "),
    }
}

fn output_word(net: &ToyNet, o: usize) -> String {
    escape_attr(&net.outputs[o])
}

/// `"name: "` before a label when the exercise works several inputs.
fn label_prefix(given: &Given, name: &str) -> String {
    if given.inputs.len() > 1 {
        format!("{name}: ")
    } else {
        String::new()
    }
}

/// The prediction in words: `output 1`, or `tie (output 1 = output 2)`.
fn prediction_text(net: &ToyNet, prediction: &Prediction) -> String {
    match prediction {
        Prediction::Unique(o) => net.outputs[*o].clone(),
        Prediction::Tie(os) => format!(
            "tie ({})",
            os.iter()
                .map(|&o| net.outputs[o].clone())
                .collect::<Vec<_>>()
                .join(" = ")
        ),
    }
}

/// Builds the exercise of a toy type on one given.
pub fn instance(
    spec: &ExSpec,
    given: &Given,
    number: usize,
    layers_twin: Option<usize>,
) -> Result<Instance, String> {
    let (teaches, decs) = teaches(given)?;
    let mut inst = match spec.ty {
        ExType::Neuron => neuron(given, &decs, number)?,
        ExType::Layers => layers(given, &decs, number)?,
        ExType::Pairs => pairs(given, &decs, number, layers_twin)?,
        ExType::ToyImage => toy_image(given, &decs, number)?,
        ExType::DesignKey => design_key(spec, given)?,
        ExType::DesignWin => design_win(spec, given, number)?,
        _ => return Err("internal error: not a toy exercise".into()),
    };
    inst.teaches = Teaches {
        inactive: inst.teaches.inactive || teaches.inactive,
        threshold: inst.teaches.threshold || teaches.threshold,
        ..inst.teaches
    };
    inst.toy = true;
    inst.fingerprint = format!("{}|{}", given.fingerprint(), inst.fingerprint);
    Ok(inst)
}

fn input_words(net: &ToyNet, x: &[Decimal]) -> String {
    net.inputs
        .iter()
        .zip(x)
        .map(|(name, v)| format!("{} = {}", escape_attr(name), n(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn inputs_table(given: &Given) -> String {
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

/// Type 1: a single neuron with a bias and ReLU, on each input.
fn neuron(given: &Given, decs: &[ToyDecomposition], number: usize) -> Result<Instance, String> {
    let net = &given.net;
    let mut key = Key::default();
    let mut parts = Vec::new();
    let (w, b) = (&net.w1[0], net.b1[0]);
    let fig = crate::figures::networks::network(&format!("ex{number}-net"), net, None, None);
    let mut given_html = figure_html(
        &fig,
        &format!(
            "The neuron: weights {} and bias {}.",
            w.iter().map(n).collect::<Vec<_>>().join(" and "),
            n(&b)
        ),
    );
    given_html.push('\n');
    given_html.push_str(&inputs_table(given));
    let mut expected = Vec::new();
    for ((name, x), dec) in given.inputs.iter().zip(decs) {
        let s = key.step(
            format!("{name}: weighted sum"),
            Expr::Dot {
                terms: w.iter().copied().zip(x.iter().copied()).collect(),
                plus: None,
            },
        )?;
        let z = key.step(format!("{name}: plus the bias"), Expr::Sum(vec![s, b]))?;
        let y = key.step(format!("{name}: ReLU"), Expr::Relu(z))?;
        key.fin(name.clone(), n(&y));
        expected.push((name.clone(), n(&dec.logits[0])));
        parts.push(Part {
            text: format!(
                "Input <em>{}</em> ({}):",
                escape_attr(name),
                input_words(net, x)
            ),
            boxes: vec![
                AnswerBox::new("weighted sum", n(&s)),
                AnswerBox::new("plus bias", n(&z)),
                AnswerBox::new("output", n(&y)),
            ],
        });
    }
    slips(given, decs, &mut key, |out| n(&out[0]));
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        key_figures: worked_figures(given, decs, number, "single"),
        ..Default::default()
    })
}

/// The key's worked figures (the same drawings as the course's).
fn worked_figures(given: &Given, decs: &[ToyDecomposition], number: usize, kind: &str) -> String {
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

/// W1 and W2 written as the exercise states them: the weight from each
/// unit to each unit.
fn weights_tables(net: &ToyNet) -> String {
    let hidden: Vec<String> = (1..=net.hidden()).map(|i| format!("hidden {i}")).collect();
    format!(
        "{}\n{}",
        weight_table(
            "Weights into the hidden layer",
            &net.inputs,
            &hidden,
            |from, to| net.w1[to][from],
            &net.b1
        ),
        weight_table(
            "Weights into the outputs",
            &hidden,
            &net.outputs,
            |from, to| net.w2[to][from],
            &net.b2
        )
    )
}

/// One layer's weights as a table: a row per unit it comes from, a column
/// per unit it goes to, and a bias row when any bias is not 0.
fn weight_table(
    caption: &str,
    from: &[String],
    to: &[String],
    weight: impl Fn(usize, usize) -> Decimal,
    bias: &[Decimal],
) -> String {
    let mut s = format!(
        "<table class=\"given-table\"><caption>{caption}</caption><thead><tr><th scope=\"col\">from</th>"
    );
    for name in to {
        s.push_str(&format!("<th scope=\"col\">to {}</th>", escape_attr(name)));
    }
    s.push_str("</tr></thead><tbody>");
    let row = |s: &mut String, label: &str, cells: Vec<Decimal>| {
        s.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            escape_attr(label)
        ));
        for c in cells {
            s.push_str(&format!("<td>{}</td>", n(&c)));
        }
        s.push_str("</tr>");
    };
    for (f, name) in from.iter().enumerate() {
        row(&mut s, name, (0..to.len()).map(|t| weight(f, t)).collect());
    }
    if bias.iter().any(|b| !b.is_zero()) {
        row(&mut s, "bias", bias.to_vec());
    }
    s.push_str("</tbody></table>");
    s
}

fn outputs_answer(net: &ToyNet, out: &[Decimal]) -> String {
    if net.outputs.len() == 1 {
        n(&out[0])
    } else {
        vector(out)
    }
}

/// The drawing of a net with its weights and inputs as tables.
fn net_given_html(given: &Given, number: usize) -> String {
    let fig = crate::figures::networks::network(&format!("ex{number}-net"), &given.net, None, None);
    format!(
        "{}\n{}\n{}",
        figure_html(&fig, ""),
        weights_tables(&given.net),
        inputs_table(given)
    )
}

/// One pair's steps on input `x`: its match, its activation, and
/// activation × value for each output.
fn pair_steps(
    key: &mut Key,
    net: &ToyNet,
    p: &ToyPair,
    x: &[Decimal],
    pre: &str,
) -> Result<(Decimal, Decimal, Vec<Decimal>), String> {
    let i = p.index + 1;
    let z = key.step(
        format!("{pre}pair {i}: match, key · input"),
        Expr::Dot {
            terms: p.key.iter().copied().zip(x.iter().copied()).collect(),
            plus: (!p.bias.is_zero()).then_some(p.bias),
        },
    )?;
    let a = key.step(format!("{pre}pair {i}: activation"), Expr::Relu(z))?;
    let mut scaled = Vec::new();
    for (o, v) in p.value.iter().enumerate() {
        let label = if net.outputs.len() > 1 {
            format!("{pre}pair {i}: activation × value, {}", net.outputs[o])
        } else {
            format!("{pre}pair {i}: activation × value")
        };
        scaled.push(key.step(label, Expr::Mul(a, *v))?);
    }
    Ok((z, a, scaled))
}

/// Each output as b2 plus every pair's scaled value.
fn output_sums(
    key: &mut Key,
    net: &ToyNet,
    scaled: &[Vec<Decimal>],
    pre: &str,
) -> Result<Vec<Decimal>, String> {
    let mut outs = Vec::new();
    for (o, b2) in net.b2.iter().enumerate() {
        let mut terms: Vec<Decimal> = scaled.iter().map(|s| s[o]).collect();
        if !b2.is_zero() {
            terms.insert(0, *b2);
        }
        outs.push(key.step(format!("{pre}sum for {}", net.outputs[o]), Expr::Sum(terms))?);
    }
    Ok(outs)
}

/// The final answer's label: the input's name, or "output" for one input.
fn final_label(given: &Given, name: &str) -> String {
    if given.inputs.len() > 1 {
        name.to_string()
    } else {
        "output".to_string()
    }
}

/// Type 2: the net layer by layer.
fn layers(given: &Given, decs: &[ToyDecomposition], number: usize) -> Result<Instance, String> {
    let net = &given.net;
    let mut key = Key::default();
    let mut parts = Vec::new();
    let mut expected = Vec::new();
    for ((name, x), dec) in given.inputs.iter().zip(decs) {
        let pre = label_prefix(given, name);
        let mut boxes = Vec::new();
        let mut h = Vec::new();
        for (i, (row, b)) in net.w1.iter().zip(&net.b1).enumerate() {
            let z = key.step(
                format!("{pre}hidden {}: weighted sum", i + 1),
                Expr::Dot {
                    terms: row.iter().copied().zip(x.iter().copied()).collect(),
                    plus: (!b.is_zero()).then_some(*b),
                },
            )?;
            let a = key.step(format!("{pre}hidden {}: ReLU", i + 1), Expr::Relu(z))?;
            boxes.push(AnswerBox::new(format!("hidden {} sum", i + 1), n(&z)));
            boxes.push(AnswerBox::new("after ReLU", n(&a)));
            h.push(a);
        }
        let mut outs = Vec::new();
        for (o, (row, b)) in net.w2.iter().zip(&net.b2).enumerate() {
            let y = key.step(
                format!("{pre}{}", net.outputs[o]),
                Expr::Dot {
                    terms: row.iter().copied().zip(h.iter().copied()).collect(),
                    plus: (!b.is_zero()).then_some(*b),
                },
            )?;
            boxes.push(AnswerBox::new(net.outputs[o].clone(), n(&y)));
            outs.push(y);
        }
        let label = final_label(given, name);
        key.fin(label.clone(), outputs_answer(net, &outs));
        expected.push((label, outputs_answer(net, &dec.logits)));
        parts.push(Part {
            text: format!(
                "Input <em>{}</em> ({}):",
                escape_attr(name),
                input_words(net, x)
            ),
            boxes,
        });
    }
    slips(given, decs, &mut key, |out| outputs_answer(net, out));
    Ok(Instance {
        given_html: net_given_html(given, number),
        parts,
        key,
        expected,
        key_figures: worked_figures(given, decs, number, "layers"),
        ..Default::default()
    })
}

/// Type 3: the same net pair by pair.
fn pairs(
    given: &Given,
    decs: &[ToyDecomposition],
    number: usize,
    layers_twin: Option<usize>,
) -> Result<Instance, String> {
    let net = &given.net;
    let mut key = Key::default();
    let mut parts = Vec::new();
    let mut expected = Vec::new();
    for ((name, x), dec) in given.inputs.iter().zip(decs) {
        let pre = label_prefix(given, name);
        let mut scaled_all = Vec::new();
        for p in &dec.pairs {
            let (z, a, scaled) = pair_steps(&mut key, net, p, x, &pre)?;
            let intro = if p.index == 0 {
                format!(
                    "Input <em>{}</em> ({}). ",
                    escape_attr(name),
                    input_words(net, x)
                )
            } else {
                String::new()
            };
            parts.push(Part {
                text: format!("{intro}Pair {}:", p.index + 1),
                boxes: vec![
                    AnswerBox::wide("key", vector(&p.key)),
                    AnswerBox::new("match", n(&z)),
                    AnswerBox::new("activation", n(&a)),
                    AnswerBox::new("value", vector(&p.value)),
                    AnswerBox::new("activation × value", vector(&scaled)),
                ],
            });
            scaled_all.push(scaled);
        }
        let outs = output_sums(&mut key, net, &scaled_all, &pre)?;
        parts.push(Part {
            text: "Add up the pairs' contributions:".to_string(),
            boxes: vec![AnswerBox::new(
                if net.outputs.len() == 1 {
                    "output"
                } else {
                    "outputs"
                },
                outputs_answer(net, &outs),
            )],
        });
        let label = final_label(given, name);
        key.fin(label.clone(), outputs_answer(net, &outs));
        expected.push((label, outputs_answer(net, &dec.logits)));
    }
    if let Some(twin) = layers_twin {
        key.notes.push(format!(
            "Exercise {twin} computed the same network layer by layer and reached the same output: kvlens checked that both ways agree exactly."
        ));
    }
    slips(given, decs, &mut key, |out| outputs_answer(net, out));
    Ok(Instance {
        given_html: net_given_html(given, number),
        parts,
        key,
        expected,
        key_figures: worked_figures(given, decs, number, "pairs"),
        ..Default::default()
    })
}

/// Type 4: the 2×2-image net on a few images.
fn toy_image(given: &Given, decs: &[ToyDecomposition], number: usize) -> Result<Instance, String> {
    let net = &given.net;
    let mut key = Key::default();
    let mut parts = Vec::new();
    let mut expected = Vec::new();
    let fig = crate::figures::networks::network(&format!("ex{number}-net"), net, None, None);
    let mut given_html = figure_html(&fig, "");
    given_html.push_str("\n<div class=\"given-images\">");
    for (name, x) in &given.inputs {
        given_html.push_str(&format!(
            "<figure class=\"given-image\">{}<figcaption>{}</figcaption></figure>",
            pixels_table(net, x, &format!("image {name}")),
            escape_attr(name)
        ));
    }
    given_html.push_str("</div>");
    // Each image's outputs and answer, as the key computes them and as the
    // decomposition does (the independent check).
    let answer = |outs: &[Decimal], prediction: &Prediction| {
        format!("{} → {}", vector(outs), prediction_text(net, prediction))
    };
    for ((name, x), dec) in given.inputs.iter().zip(decs) {
        let pre = format!("{name}: ");
        let mut firing = Vec::new();
        let mut scaled_all = Vec::new();
        for p in &dec.pairs {
            let (_, a, scaled) = pair_steps(&mut key, net, p, x, &pre)?;
            if a > Decimal::ZERO {
                firing.push(format!("{}", p.index + 1));
            }
            scaled_all.push(scaled);
        }
        let outs = output_sums(&mut key, net, &scaled_all, &pre)?;
        let firing_names: Vec<&str> = firing.iter().map(String::as_str).collect();
        let prediction = predict(&outs);
        parts.push(Part {
            text: format!("Image <em>{}</em>:", escape_attr(name)),
            boxes: vec![
                AnswerBox::new("pairs that fire", names_list(&firing_names)),
                AnswerBox::wide(
                    "scaled values",
                    scaled_all
                        .iter()
                        .map(|s| vector(s))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                AnswerBox::new("outputs", vector(&outs)),
                AnswerBox::wide("answer", prediction_text(net, &prediction)),
            ],
        });
        key.fin(name.clone(), answer(&outs, &prediction));
        expected.push((name.clone(), answer(&dec.logits, &dec.prediction)));
    }
    slips(given, decs, &mut key, |out| answer(out, &predict(out)));
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        ..Default::default()
    })
}

/// Which inputs the drawn variant's design task names.
pub fn design_pixels(spec: &ExSpec, net: &ToyNet, variant: u32, seed: [u8; 32]) -> Vec<String> {
    if variant <= 1 {
        return spec.pixels.clone();
    }
    // Every choice of the same number of inputs, in order; variant k takes
    // the k-th of a seeded shuffle (variant 1's choice first).
    let k = net.inputs.len();
    let want = spec.pixels.len();
    let mut choices: Vec<Vec<String>> = (1u32..(1 << k))
        .filter(|c| c.count_ones() as usize == want)
        .map(|c| {
            (0..k)
                .filter(|i| c >> (k - 1 - i) & 1 == 1)
                .map(|i| net.inputs[i].clone())
                .collect()
        })
        .collect();
    let first = spec.pixels.clone();
    choices.retain(|c| *c != first);
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::from_seed(seed);
    rand::seq::SliceRandom::shuffle(choices.as_mut_slice(), &mut rng);
    if choices.is_empty() {
        return first;
    }
    choices[(variant as usize - 2) % choices.len()].clone()
}

/// Checks the design task's pixels name inputs of the net.
pub fn check_pixels(spec: &ExSpec, args: &Args, net: &ToyNet) -> Result<(), Fail> {
    for p in &spec.pixels {
        if !net.inputs.contains(p) {
            return Err(Fail::new(
                args.at("pixels") + 1,
                format!("`{}` has no input `{p}`", net.name),
            )
            .hint(format!("its inputs are: {}", net.inputs.join(", "))));
        }
    }
    if let Some(o) = &spec.output
        && !net.outputs.contains(o)
    {
        return Err(Fail::new(
            args.at("output") + 1,
            format!("`{}` has no output `{o}`", net.name),
        )
        .hint(format!("its outputs are: {}", net.outputs.join(", "))));
    }
    Ok(())
}

/// Type 5a: write a key (with a bias) that fires only when every named
/// pixel is inked.
fn design_key(spec: &ExSpec, given: &Given) -> Result<Instance, String> {
    let net = &given.net;
    let pixels = &spec.pixels;
    let k = net.inputs.len();
    let want: Vec<bool> = net.inputs.iter().map(|i| pixels.contains(i)).collect();
    let weights: Vec<Decimal> = want
        .iter()
        .map(|&w| if w { Decimal::ONE } else { Decimal::ZERO })
        .collect();
    let bias = -Decimal::from(pixels.len() as i64 - 1);
    let images = all_images(k);
    let fires = |w: &[Decimal], b: Decimal, x: &[Decimal]| -> bool {
        w.iter().zip(x).map(|(w, x)| w * x).sum::<Decimal>() + b > Decimal::ZERO
    };
    let should = |x: &[Decimal]| want.iter().zip(x).all(|(w, v)| !w || !v.is_zero());
    // The independent check: the key fires on exactly the right images.
    let wrong: Vec<usize> = (0..images.len())
        .filter(|&i| fires(&weights, bias, &images[i]) != should(&images[i]))
        .collect();
    if !wrong.is_empty() {
        return Err("bug: the designed key fires on the wrong images".into());
    }
    let mut key = Key::default();
    let all_on: Vec<Decimal> = want
        .iter()
        .map(|&w| if w { Decimal::ONE } else { Decimal::ZERO })
        .collect();
    let mut one_off = all_on.clone();
    if let Some(i) = want.iter().position(|&w| w) {
        one_off[i] = Decimal::ZERO;
    }
    for (label, x) in [
        ("every named pixel inked", &all_on),
        ("one of them blank", &one_off),
    ] {
        let z = key.step(
            format!("{label}: match"),
            Expr::Dot {
                terms: weights.iter().copied().zip(x.iter().copied()).collect(),
                plus: Some(bias),
            },
        )?;
        key.step(format!("{label}: ReLU"), Expr::Relu(z))?;
    }
    key.fin("key", vector(&weights));
    key.fin("bias", n(&bias));
    let expected = vec![
        ("key".to_string(), vector(&weights)),
        ("bias".to_string(), n(&bias)),
    ];
    let count = |w: &[Decimal], b: Decimal| images.iter().filter(|x| fires(w, b, x)).count();
    let right = count(&weights, bias);
    let without = count(&weights, Decimal::ZERO);
    key.slips.push(super::key::Slip {
        answer: format!("key {}, bias 0", vector(&weights)),
        why: format!(
            "no bias: the key fires whenever any named pixel is inked ({without} of the {} images instead of {right}). The bias is the threshold that makes it wait for all of them.",
            images.len()
        ),
    });
    let low = -Decimal::from(pixels.len() as i64);
    key.slips.push(super::key::Slip {
        answer: format!("key {}, bias {}", vector(&weights), n(&low)),
        why: format!(
            "a bias of {} is too strict: even with every named pixel inked the match is 0, and ReLU(0) = 0, so the key never fires. A neuron fires only when its match is above 0.",
            n(&low)
        ),
    });
    key.notes.push(format!(
        "Any key that puts positive weight on {} and zero or negative weight elsewhere, with a bias between −(sum of those weights) and −(sum minus the smallest of them), also works: check it on the {} black-and-white images. With the key above it fires on {right} of them: {}.",
        pixels.join(" and "),
        images.len(),
        images
            .iter()
            .filter(|x| fires(&weights, bias, x))
            .map(|x| format!("({})", x.iter().map(n).collect::<Vec<_>>().join(", ")))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let (rows, cols) = net.layout.unwrap_or((1, k));
    let layout = pixels_table(net, &vec![Decimal::ZERO; k], "the pixels");
    let given_html = format!(
        "<p class=\"given-note\">The image is {rows} × {cols} pixels, named as below; an inked pixel is 1, a blank one 0. The key must fire (match above 0) when {} are all inked, and stay at 0 otherwise.</p>\n{layout}",
        pixels
            .iter()
            .map(|p| escape_attr(p))
            .collect::<Vec<_>>()
            .join(" and ")
    );
    let parts = vec![Part {
        text: "Your key, one weight per pixel, and its bias:".to_string(),
        boxes: net
            .inputs
            .iter()
            .zip(&weights)
            .map(|(name, w)| AnswerBox::new(format!("weight on {name}"), n(w)))
            .chain(std::iter::once(AnswerBox::new("bias", n(&bias))))
            .collect(),
    }];
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        teaches: Teaches {
            inactive: true,
            active: true,
            threshold: true,
            ..Default::default()
        },
        fingerprint: format!("pixels {}", pixels.join(" ")),
        ..Default::default()
    })
}

/// Type 5b: can any black-and-white image make one output win?
fn design_win(spec: &ExSpec, given: &Given, number: usize) -> Result<Instance, String> {
    let net = &given.net;
    let target = spec.output.as_deref().unwrap_or_default();
    let t = net
        .outputs
        .iter()
        .position(|o| o == target)
        .ok_or("internal error: output")?;
    let images = all_images(net.inputs.len());
    let mut rows = String::new();
    let mut best: Option<(Decimal, Vec<Decimal>)> = None;
    let mut wins = Vec::new();
    let mut ties = 0;
    for x in &images {
        let dec = decompose(net, x)?;
        let others = (0..net.outputs.len())
            .filter(|&o| o != t)
            .map(|o| dec.logits[o])
            .max()
            .unwrap_or_default();
        let margin = dec.logits[t] - others;
        if margin > Decimal::ZERO {
            wins.push(x.clone());
        } else if margin.is_zero() {
            ties += 1;
        }
        if best.as_ref().is_none_or(|(m, _)| margin > *m) {
            best = Some((margin, x.clone()));
        }
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            vector(x),
            vector(&dec.logits),
            prediction_text(net, &dec.prediction)
        ));
    }
    let (margin, best_x) = best.ok_or("internal error: no images")?;
    // A certificate: for some other output j, every value gives t no more
    // than j and b2 does too; activations are never negative, so t can
    // never beat j, whatever the input.
    let certificate = (0..net.outputs.len()).filter(|&j| j != t).find(|&j| {
        (0..net.hidden()).all(|i| net.w2[t][i] <= net.w2[j][i]) && net.b2[t] <= net.b2[j]
    });
    if certificate.is_some() && !wins.is_empty() {
        return Err("bug: the argument and the enumeration disagree".into());
    }
    let mut key = Key::default();
    let answer = if let Some(first) = wins.first() {
        format!("yes, e.g. {}", vector(first))
    } else if margin.is_zero() {
        "no: at best a tie".to_string()
    } else {
        "no".to_string()
    };
    key.fin("answer", answer.clone());
    let expected = vec![("answer".to_string(), answer)];
    if let Some(j) = certificate {
        let diffs: Vec<String> = (0..net.hidden())
            .map(|i| {
                format!(
                    "pair {} gives {} to {} and {} to {}",
                    i + 1,
                    n(&net.w2[t][i]),
                    escape_attr(target),
                    n(&net.w2[j][i]),
                    output_word(net, j)
                )
            })
            .collect();
        key.notes.push(format!(
            "Why, for every input: {}. Activations are never negative (ReLU), so each pair adds at least as much to {} as to {}: {} can never get ahead{}.",
            diffs.join("; "),
            output_word(net, j),
            escape_attr(target),
            escape_attr(target),
            if ties > 0 { ", only tie" } else { "" }
        ));
    }
    if wins.is_empty() && margin.is_zero() {
        key.slips.push(super::key::Slip {
            answer: format!("yes, {}", vector(&best_x)),
            why: format!(
                "a tie is not a win: on this image {} only draws level. Ask what the network answers when two outputs are equal.",
                escape_attr(target)
            ),
        });
    }
    key.notes.push(format!(
        "<table class=\"given-table\"><caption>Every black-and-white image</caption><thead><tr><th scope=\"col\">image ({})</th><th scope=\"col\">outputs</th><th scope=\"col\">answer</th></tr></thead><tbody>{rows}</tbody></table>",
        net.inputs.join(", ")
    ));
    let fig = crate::figures::networks::network(&format!("ex{number}-net"), net, None, None);
    let given_html = format!(
        "{}\n{}",
        figure_html(&fig, ""),
        pixels_table(net, &vec![Decimal::ZERO; net.inputs.len()], "the pixels")
    );
    let parts = vec![Part {
        text: format!(
            "Can a black-and-white image make <em>{}</em> the largest output?",
            escape_attr(target)
        ),
        boxes: vec![AnswerBox::wide("yes or no", key.finals[0].value.clone())],
    }];
    Ok(Instance {
        given_html,
        parts,
        key,
        expected,
        fingerprint: format!("win {target}"),
        ..Default::default()
    })
}
