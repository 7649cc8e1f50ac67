//! `kvlens knockout`: remove the pairs that vote most for a digit and see
//! what happens, against a random control of the same size.

use crate::kv::image::DIGITS;
use crate::kv::population::{Knockout, KnockoutMode, activations, knockout};
use crate::model;
use crate::num::{fixed, percent};
use crate::session::{Session, load_config, load_data};
use anyhow::{Result, ensure};
use std::fmt::Write;

/// Runs the knock-out on the cached (or freshly trained) model.
/// `k`: how many pairs (None: `default_k` of the network's pairs).
pub fn run(s: &Session, digit: usize, k: Option<usize>, mode: KnockoutMode) -> Result<Knockout> {
    ensure!(digit < DIGITS, "--digit must be 0 to 9, got {digit}");
    let cfg = load_config(&s.root)?;
    let (dataset, _) = load_data(s, &cfg)?;
    let run = model::obtain(&s.cache_dir, &cfg.model, &dataset, false, &s.ui)?;
    let m = &run.trained.model;
    let k = k.unwrap_or_else(|| crate::kv::population::default_k(m.hidden()));
    ensure!(
        k >= 1 && k <= m.hidden(),
        "--k must be between 1 and the number of pairs ({}), got {k}",
        m.hidden()
    );
    let test = activations(m, &dataset.test);
    let train = (mode == KnockoutMode::Refit).then(|| activations(m, &dataset.train));
    Ok(knockout(m, &test, train.as_ref(), digit, k, mode))
}

/// The text report: accuracy per digit before, after, and after the control.
pub fn render_text(k: &Knockout) -> String {
    let mut o = String::new();
    let mode = match k.mode {
        KnockoutMode::Zero => "zero-ablation (activations set to 0)",
        KnockoutMode::Mean => "mean-ablation (activations set to their test-set mean)",
        KnockoutMode::Refit => "zero-ablation, then b2 refitted on the training set",
    };
    let _ = writeln!(
        o,
        "knock-out of the {} pairs whose value favours {} most; {mode}",
        k.k, k.digit
    );
    let shown: Vec<String> = k
        .targeted
        .removed
        .iter()
        .take(20)
        .map(|p| p.to_string())
        .collect();
    let more = if k.targeted.removed.len() > 20 {
        " …"
    } else {
        ""
    };
    let _ = writeln!(o, "removed pairs: {}{more}", shown.join(" "));
    let _ = writeln!(
        o,
        "control: {} pairs chosen at random (seeded), same treatment\n",
        k.control.removed.len()
    );
    let _ = writeln!(
        o,
        "  digit   before    after  control   Δ logit (mean)  Δ logit control"
    );
    for d in 0..DIGITS {
        let mark = if d == k.digit { "*" } else { " " };
        let _ = writeln!(
            o,
            "  {mark}{d:<5} {:>7} {:>8} {:>8} {:>16} {:>16}",
            percent(k.before[d], 1),
            percent(k.targeted.accuracy[d], 1),
            percent(k.control.accuracy[d], 1),
            fixed(k.targeted.mean_logit_change[d], 3),
            fixed(k.control.mean_logit_change[d], 3)
        );
    }
    let _ = writeln!(
        o,
        "  all    {:>7} {:>8} {:>8}",
        percent(k.before_overall, 1),
        percent(k.targeted.overall, 1),
        percent(k.control.overall, 1)
    );
    if let Some(b2) = k.targeted.refit_b2 {
        let v: Vec<String> = b2.iter().map(|x| fixed(f64::from(*x), 3)).collect();
        let _ = writeln!(o, "\nrefitted b2: {}", v.join(" "));
    }
    o
}
