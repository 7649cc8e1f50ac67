//! Timing across the plan: a deck section that names a sheet
//! (`section(minutes=…, sheet=…, exercises=…, homework=…)`) schedules some
//! of its exercises and leaves others as homework. The exercises it
//! schedules must fit in the minutes it plans (each exercise declares its
//! own with `exercise(minutes=…)` on the sheet); otherwise the build fails
//! at the section, naming the sheet and the minutes of each exercise.
//!
//! Stage: (deck expansion, the sheets' first-pass expansions) → problems.

use super::slides::{MarkKind, Marks};
use crate::content::Kind;
use crate::diag::Diagnostic;
use crate::product::{Expansion, Site};
use crate::sheets::product::SheetState;

/// Every timing problem of deck `e`'s sections.
pub(crate) fn check(site: &Site, e: &Expansion) -> Vec<Diagnostic> {
    let marks = e.expanded.state.get::<Marks>().map_or(&[][..], |m| &m.0);
    let mut out = Vec::new();
    for m in marks {
        let MarkKind::Section {
            minutes,
            title,
            sheet: Some(plan),
            ..
        } = &m.kind
        else {
            continue;
        };
        let at = |msg: String| e.doc.diag_at(m.src, msg);
        let Some(sheet) = site.docs_of(Kind::Sheet).find(|s| s.doc.rel == plan.sheet) else {
            let names: Vec<String> = site
                .docs_of(Kind::Sheet)
                .map(|s| format!("\"{}\"", s.doc.rel))
                .collect();
            out.push(at(format!("no exercise sheet `{}`", plan.sheet)).with_hint(
                if names.is_empty() {
                    "the workshop has no sheets (kind = \"sheet\" in content/)".to_string()
                } else {
                    format!("sheets: {}", names.join(", "))
                },
            ));
            continue;
        };
        let sheet_name = sheet.doc.source.display().to_string();
        let declared: Vec<(u32, u32)> = sheet
            .expanded
            .state
            .get::<SheetState>()
            .map(|s| {
                s.specs
                    .iter()
                    .map(|(spec, n)| (*n as u32, spec.minutes))
                    .collect()
            })
            .unwrap_or_default();
        let minutes_of = |n: u32| declared.iter().find(|d| d.0 == n).map(|d| d.1);
        for n in plan.exercises.iter().chain(&plan.homework) {
            if minutes_of(*n).is_none() {
                out.push(at(format!(
                    "{sheet_name} has no exercise {n} (it has {})",
                    match declared.len() {
                        0 => "none".to_string(),
                        1 => "exercise 1".to_string(),
                        k => format!("exercises 1 to {k}"),
                    }
                )));
            }
        }
        for n in &plan.exercises {
            if plan.homework.contains(n) {
                out.push(at(format!(
                    "exercise {n} of {sheet_name} is both scheduled and homework"
                )));
            }
        }
        let parts: Vec<(u32, u32)> = plan
            .exercises
            .iter()
            .filter_map(|n| minutes_of(*n).map(|m| (*n, m)))
            .collect();
        let need: u32 = parts.iter().map(|p| p.1).sum();
        if need > *minutes {
            let name = title
                .as_deref()
                .map_or("this section".to_string(), |t| format!("section \"{t}\""));
            let list = parts
                .iter()
                .map(|(n, m)| format!("exercise {n}: {m} min"))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                at(format!(
                    "{name} plans {minutes} minutes, but the exercises it schedules from {sheet_name} need {need} ({list})"
                ))
                .with_hint(
                    "plan more minutes in section(minutes=…), schedule fewer exercises, or move some to homework=\"…\"",
                ),
            );
        }
    }
    out
}
