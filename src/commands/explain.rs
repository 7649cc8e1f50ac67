//! `kvlens explain SELECTOR`: one image's prediction taken apart pair by pair,
//! as text for a terminal or as JSON with stable field names.

use crate::kv::image::{DIGITS, ImageAnalysis, MarginAccount, Ranking, Waterfall, analyse};
use crate::kv::select::{Catalog, Selected, Selector};
use crate::model;
use crate::num::{fixed, percent};
use crate::session::{Session, load_config, load_data};
use anyhow::{Result, anyhow};
use serde::Serialize;
use std::fmt::Write;

/// Everything `explain` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub selector: String,
    pub selected: Selected,
    /// The true digit (none for `blank`).
    pub label: Option<u8>,
    /// The image's 784 pixels, row-major, 0–255.
    pub pixels: Vec<u8>,
    pub ranking: Ranking,
    pub top: usize,
    pub waterfall: Waterfall,
    /// For a misread image (a label the network reads as another digit):
    /// every active pair's share of the margin, logit of the network's
    /// answer − logit of the true digit, largest first.
    pub margin: Option<MarginAccount>,
    pub analysis: ImageAnalysis,
    /// For a misclassified test image: the pairs that pushed it wrong and the
    /// contrast with the nearest correctly classified image of its digit.
    pub mistake: Option<crate::kv::mistakes::Mistake>,
}

/// Resolves `selector` on the cached (or freshly trained) model and analyses the image.
pub fn explain(s: &Session, selector: &str, top: usize, ranking: Ranking) -> Result<Explanation> {
    let cfg = load_config(&s.root)?;
    let (dataset, _) = load_data(s, &cfg)?;
    let run = model::obtain(&s.cache_dir, &cfg.model, &dataset, false, &s.ui)?;
    let sel = Selector::parse(selector).map_err(|e| selector_error(selector, &e))?;
    let catalog = Catalog::new(&run.trained.model, &dataset);
    let selected = catalog
        .resolve(&sel)
        .map_err(|e| selector_error(selector, &e))?;
    let (pixels, label) = catalog.image(selected);
    let m = &run.trained.model;
    let mut e = explain_image(m, pixels, label, selector, selected, top, ranking);
    let wrong = label.map(usize::from) != e.analysis.prediction.digit();
    if selected.split == crate::kv::select::SplitName::Test && wrong {
        let acts = crate::kv::population::activations(m, &dataset.test);
        let all = crate::kv::mistakes::mistakes(m, &acts, &dataset.test);
        e.mistake = all.mistakes.into_iter().find(|x| x.index == selected.index);
    }
    Ok(e)
}

/// The analysis of one resolved image.
pub fn explain_image(
    m: &crate::nn::Mlp,
    pixels: Vec<u8>,
    label: Option<u8>,
    selector: &str,
    selected: Selected,
    top: usize,
    ranking: Ranking,
) -> Explanation {
    let analysis = analyse(m, &pixels, label);
    let waterfall = analysis.waterfall(ranking, top);
    Explanation {
        mistake: None,
        margin: analysis.margin_account(),
        selector: selector.to_string(),
        selected,
        label,
        pixels,
        ranking,
        top,
        waterfall,
        analysis,
    }
}

/// A selector problem shown with a caret under the offending place.
fn selector_error(text: &str, e: &crate::kv::select::SelectorError) -> anyhow::Error {
    let col = text[..e.offset.min(text.len())].chars().count();
    let mut msg = format!("selector: {}\n  {text}\n  {}^", e.message, " ".repeat(col));
    if let Some(h) = &e.hint {
        let _ = write!(msg, "\n  hint: {h}");
    }
    anyhow!(msg)
}

const SHADES: &[u8] = b" .:-=+*#%@";

/// The image as text, two characters per pixel.
pub fn picture(pixels: &[u8]) -> String {
    let mut out = String::new();
    for row in pixels.chunks(28) {
        let line: String = row
            .iter()
            .map(|&p| {
                let c = char::from(SHADES[usize::from(p) * SHADES.len() / 256]);
                format!("{c}{c}")
            })
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn digit_name(p: &crate::kv::image::Prediction) -> String {
    match p {
        crate::kv::image::Prediction::Unique(d) => d.to_string(),
        crate::kv::image::Prediction::Tie(ds) => format!(
            "tie of {}",
            ds.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The text report.
pub fn render_text(e: &Explanation) -> String {
    let mut o = String::new();
    summary(&mut o, e);
    if let Some(m) = &e.margin {
        margin(&mut o, m, e.top);
    }
    top_pairs(&mut o, e);
    o.push('\n');
    orders(&mut o, &e.analysis);
    waterfall(&mut o, e);
    if let Some(m) = &e.mistake {
        mistake(&mut o, m);
    }
    o
}

/// The image, its prediction and scores, and how many pairs fire.
fn summary(o: &mut String, e: &Explanation) {
    let a = &e.analysis;
    let (t, r) = (a.top, a.runner_up);
    let truth = e
        .label
        .map_or("no true digit".to_string(), |l| format!("true digit {l}"));
    let _ = writeln!(o, "{} (selected by `{}`), {truth}", e.selected, e.selector);
    o.push_str(&picture(&e.pixels));
    let verdict = match e.label {
        None => "no label",
        Some(l) if a.prediction.digit() == Some(usize::from(l)) => "correct",
        Some(_) => "wrong",
    };
    let _ = writeln!(
        o,
        "prediction {} ({verdict}), confidence {} %; runner-up {r}; lead {}",
        digit_name(&a.prediction),
        percent(a.probabilities[t], 2),
        fixed(a.lead, 3)
    );
    let logits: Vec<String> = (0..DIGITS)
        .map(|d| format!("{d}:{}", fixed(a.logits[d], 2)))
        .collect();
    let _ = writeln!(o, "logits  {}", logits.join("  "));
    let _ = writeln!(
        o,
        "{} pairs fire on {} inked pixels (ink {}); the top 10 carry {} % of the total activation",
        a.active,
        a.inked_pixels,
        fixed(a.profile.ink, 1),
        percent(a.profile.top10_share, 1)
    );
}

/// A misread image: why the network's answer beat the true digit, pair by
/// pair (b2 + the top pairs + the rest = the margin, exactly).
fn margin(o: &mut String, m: &MarginAccount, top: usize) {
    let (p, t) = (m.predicted, m.truth);
    let _ = writeln!(
        o,
        "\nwhy {p} and not the true digit {t}: margin = logit of {p} − logit of {t} = {}",
        fixed(m.margin, 3)
    );
    let _ = writeln!(
        o,
        "top {top} pairs by what they add to the margin (activation × (v[{p}] − v[{t}])):"
    );
    let _ = writeln!(o, "  {:<22} {:>10} {:>9}", "", "activation", "adds");
    let _ = writeln!(
        o,
        "  {:<22} {:>10} {:>9}",
        "b2 (output bias)",
        "",
        fixed(m.b2_share, 3)
    );
    let part = m.top(top);
    for x in &part.top {
        let _ = writeln!(
            o,
            "  {:<22} {:>10} {:>9}",
            format!("pair {}", x.pair),
            fixed(x.activation, 3),
            fixed(x.share, 3)
        );
    }
    let _ = writeln!(
        o,
        "  {:<22} {:>10} {:>9}",
        format!("rest ({} pairs)", part.rest_pairs),
        "",
        fixed(part.rest, 3)
    );
    let _ = writeln!(
        o,
        "  {:<22} {:>10} {:>9}",
        format!("= margin {p} − {t}"),
        "",
        fixed(m.margin, 3)
    );
}

/// The top pairs by the chosen ranking, as a table, and how much the two
/// rankings share.
fn top_pairs(o: &mut String, e: &Explanation) {
    let a = &e.analysis;
    let (t, r) = (a.top, a.runner_up);
    let view = if e.margin.is_some() {
        " (runner-up view)"
    } else {
        ""
    };
    let rank_name = match e.ranking {
        Ranking::Decision => {
            format!("contribution to the lead of {t} over the runner-up {r}{view}")
        }
        Ranking::L1 => "L1 norm of the scaled value".to_string(),
    };
    let _ = writeln!(o, "\ntop {} pairs by {rank_name}:", e.top);
    let _ = writeln!(
        o,
        "  {:>6} {:>10} {:>9} {:>9} {:>9} {:>9} {:>8}",
        "pair",
        "activation",
        format!("→ {t}"),
        format!("→ {r}"),
        e.label
            .map_or("→ true".to_string(), |l| format!("→ {l} (true)")),
        "decision",
        "L1"
    );
    for &p in e.analysis.ranking(e.ranking).order.iter().take(e.top) {
        if let Some(c) = a.pair(p) {
            let _ = writeln!(
                o,
                "  {:>6} {:>10} {:>9} {:>9} {:>9} {:>9} {:>8}",
                p,
                fixed(c.activation, 3),
                fixed(c.scaled[t], 3),
                fixed(c.scaled[r], 3),
                e.label
                    .map_or("–".to_string(), |l| fixed(c.scaled[usize::from(l)], 3)),
                fixed(c.decision, 3),
                fixed(c.l1, 3)
            );
        }
    }
    let _ = writeln!(
        o,
        "the two rankings share {} of their top 10 pairs",
        a.top10_overlap
    );
}

/// Adding pairs in four orders: where the prediction settles and flips;
/// then the tail cut.
fn orders(o: &mut String, a: &ImageAnalysis) {
    for (name, f) in [
        ("decision", &a.by_decision),
        ("L1", &a.by_l1),
        ("random order", &a.random_order),
        ("bottom-first", &a.bottom_first),
    ] {
        let flips: Vec<String> = f
            .flips
            .iter()
            .take(8)
            .map(|x| format!("N={}: {}→{}", x.n, digit_name(&x.from), digit_name(&x.to)))
            .collect();
        let more = if f.flips.len() > 8 {
            format!(" … ({} flips)", f.flips.len())
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "adding pairs by {name:<12}: settles at N = {} ({} % of active pairs); flips {}{more}",
            f.settles_at,
            percent(f.settles_fraction, 1),
            if flips.is_empty() {
                "none".to_string()
            } else {
                flips.join(", ")
            }
        );
    }
    let c = a.random_control(crate::kv::image::CONTROL_SHUFFLES);
    let _ = writeln!(
        o,
        "random orders ({} seeded shuffles; the one above is the first): settle at a median N = {} ({} %), 10th–90th percentile {}–{} ({}–{} %)",
        c.shuffles,
        fixed(c.median, 0),
        percent(c.median_fraction, 1),
        fixed(c.p10, 0),
        fixed(c.p90, 0),
        percent(c.p10_fraction, 1),
        percent(c.p90_fraction, 1)
    );
    let _ = writeln!(
        o,
        "tail cut at {} %: keep {} pairs by lead, {} pairs by L1 mass",
        percent(a.tail_cut.fraction, 0),
        a.tail_cut.n_by_lead,
        a.tail_cut.n_by_l1
    );
}

/// The waterfall: the top two scores and the lead from b2, pair by pair.
fn waterfall(o: &mut String, e: &Explanation) {
    let (t, r) = (e.analysis.top, e.analysis.runner_up);
    let w = &e.waterfall;
    let _ = writeln!(
        o,
        "\nwaterfall (logit of {t}, logit of the runner-up {r}, lead):"
    );
    let row = |o: &mut String, label: String, l: &[f64; DIGITS]| {
        let _ = writeln!(
            o,
            "  {label:<22} {:>9} {:>9} {:>9}",
            fixed(l[t], 3),
            fixed(l[r], 3),
            fixed(l[t] - l[r], 3)
        );
    };
    row(o, "b2".to_string(), &w.b2);
    for s in &w.steps {
        row(o, format!("+ pair {}", s.pair), &s.logits);
    }
    let _ = writeln!(
        o,
        "  {:<22} {:>9} {:>9} {:>9}",
        format!("+ rest ({} pairs)", w.rest_pairs),
        fixed(w.rest[t], 3),
        fixed(w.rest[r], 3),
        fixed(w.rest[t] - w.rest[r], 3)
    );
    row(o, "= logits".to_string(), &w.logits);
}

/// A mistake: how the nearest correctly read image of the true digit
/// differs (the margin account itself comes first, in [`margin`]).
fn mistake(o: &mut String, m: &crate::kv::mistakes::Mistake) {
    let t = m.label;
    if let Some(n) = m.nearest_correct {
        let _ = writeln!(
            o,
            "\nnearest correctly read {t}: test:{n} (distance {}); the pairs that differ most:",
            fixed(m.distance, 2)
        );
        for x in &m.contrast {
            let _ = writeln!(
                o,
                "  pair {:>6}  here {:>8}  there {:>8}  share of the wrong lean {:>8}",
                x.pair,
                fixed(x.activation_mistake, 3),
                fixed(x.activation_nearest, 3),
                fixed(x.margin_change, 3)
            );
        }
    }
}

/// `explain --pair I`: one pair across the whole test set.
#[derive(Debug, Clone, Serialize)]
pub struct PairReport {
    pub view: crate::kv::pair::PairView,
    pub profile: crate::kv::population::PairProfile,
    /// How many of all pairs agree (favoured digit = digit fired on most).
    pub population_agreement: f64,
    /// Cosine similarity of the trained key with its initial weights, and the
    /// median over all pairs.
    pub init_cosine: f64,
    pub median_init_cosine: f64,
    /// The input that makes this pair fire hardest, and what the net says about it.
    pub key_input: crate::kv::linear::KeyInput,
}

pub fn explain_pair(s: &Session, pair: usize) -> Result<PairReport> {
    let cfg = load_config(&s.root)?;
    let (dataset, _) = load_data(s, &cfg)?;
    let run = model::obtain(&s.cache_dir, &cfg.model, &dataset, false, &s.ui)?;
    let m = &run.trained.model;
    let view = crate::kv::pair::pair_view(m, pair).ok_or_else(|| {
        anyhow!(
            "--pair {pair} is out of range: the model has {} pairs (0 to {})",
            m.hidden(),
            m.hidden().saturating_sub(1)
        )
    })?;
    let acts = crate::kv::population::activations(m, &dataset.test);
    let population = crate::kv::population::votes_vs_fires(m, &acts);
    let profile = population.pairs[pair].clone();
    let drift = crate::kv::linear::key_drift(m, &run.trained.init);
    let key_input = crate::kv::linear::key_input(m, pair)
        .ok_or_else(|| anyhow!("--pair {pair} is out of range"))?;
    Ok(PairReport {
        view,
        profile,
        population_agreement: population.agreement,
        init_cosine: drift.cosines.get(pair).copied().unwrap_or(0.0),
        median_init_cosine: drift.median,
        key_input,
    })
}

/// A key as text: `+`/`#` for positive weights, `-`/`=` for negative ones,
/// by strength relative to the largest |weight|.
pub fn key_picture(key: &[f32], abs_max: f32) -> String {
    let mut out = String::new();
    for row in key.chunks(28) {
        let line: String = row
            .iter()
            .map(|&w| {
                let r = if abs_max > 0.0 { w / abs_max } else { 0.0 };
                let c = match r {
                    r if r >= 0.5 => '#',
                    r if r >= 0.15 => '+',
                    r if r <= -0.5 => '=',
                    r if r <= -0.15 => '-',
                    _ => '.',
                };
                format!("{c}{c}")
            })
            .collect();
        out.push_str(&line);
        out.push('\n');
    }
    out
}

pub fn render_pair_text(r: &PairReport) -> String {
    let (v, p) = (&r.view, &r.profile);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "pair {}: key (row {} of W1, 28×28) and bias {}",
        v.pair,
        v.pair,
        fixed(f64::from(v.bias), 3)
    );
    let _ = writeln!(
        o,
        "key weights from {} to {}; # ≥ +50 %, + ≥ +15 %, - ≤ −15 %, = ≤ −50 % of the largest |weight| ({})",
        fixed(f64::from(v.key_min), 3),
        fixed(f64::from(v.key_max), 3),
        fixed(f64::from(v.key_abs_max), 3)
    );
    o.push_str(&key_picture(&v.key, v.key_abs_max));
    let votes: Vec<String> = (0..DIGITS)
        .map(|d| format!("{d}:{}", fixed(f64::from(v.value[d]), 3)))
        .collect();
    let _ = writeln!(o, "value (column {} of W2): {}", v.pair, votes.join("  "));
    let name = |d: Option<usize>| d.map_or("no single digit".to_string(), |d| d.to_string());
    let _ = writeln!(
        o,
        "votes for: {} (by {} over the next digit)",
        name(v.favours),
        fixed(f64::from(p.selectivity), 3)
    );
    let _ = writeln!(
        o,
        "fires on: {} ({} % of its activation), on {} % of the test images; kind: {:?}",
        name(p.fires_on),
        percent(p.fires_on_share, 1),
        percent(p.firing_rate, 1),
        p.kind
    );
    let means: Vec<String> = (0..DIGITS)
        .map(|d| format!("{d}:{}", fixed(p.mean_activation[d], 3)))
        .collect();
    let _ = writeln!(o, "mean activation per true digit: {}", means.join("  "));
    let _ = writeln!(
        o,
        "{}; across all pairs, {} % agree",
        if p.agrees {
            "what it votes for is what it fires on"
        } else {
            "what it votes for is NOT what it fires on most"
        },
        percent(r.population_agreement, 1)
    );
    let _ = writeln!(
        o,
        "trained key vs its random start: cosine {} (median over all pairs {})",
        fixed(r.init_cosine, 3),
        fixed(r.median_init_cosine, 3)
    );
    let k = &r.key_input;
    let _ = writeln!(
        o,
        "the key as an input (ink where the key is positive): the pair's match is {}, and the net reads it as {}",
        fixed(k.pre, 3),
        digit_name(&k.prediction)
    );
    o
}
