//! Exercises on toy networks (types 1–5): the given numbers (written in
//! `content/nets/` or drawn from a seeded range), the questions with their
//! answer boxes, and the key, computed in exact decimals.
//!
//! The shared pieces: `given` (the net and inputs an exercise names,
//! checked), `draws` (every variant's givens: seeded draws from the
//! ranges), `teaches` (what a given teaches, and why a draw is refused),
//! `slips` (the usual wrong answers, what a learner making each computes,
//! and the partial credit it keeps), `stretch` (searches the stretch
//! answers share), `drawing` (figures and tables of the given numbers) and
//! `words` (how answers are written and what a marker accepts).
//! One file per exercise type: `neuron`, `layers` (layer by layer),
//! `pairs` (pair by pair), `toy_image`, `design_key`, `design_win`.

mod design_key;
mod design_win;
mod drawing;
mod draws;
mod given;
mod layers;
mod neuron;
mod pairs;
mod slips;
mod stretch;
mod teaches;
#[cfg(test)]
mod tests;
mod toy_image;
mod words;

pub(crate) use design_key::design_pixels;
pub(crate) use draws::givens;
pub(crate) use given::{Given, check_pixels, resolve_net, written};

use super::spec::{ExSpec, ExType};
use super::{Instance, Teaches};

/// Builds the exercise of a toy type on one given.
pub(crate) fn instance(
    spec: &ExSpec,
    given: &Given,
    number: usize,
    layers_twin: Option<usize>,
) -> Result<Instance, String> {
    let (teaches, decs) = teaches::teaches(given)?;
    let mut inst = match spec.ty {
        ExType::Neuron => neuron::instance(given, &decs, number)?,
        ExType::Layers => layers::instance(given, &decs, number)?,
        ExType::Pairs => pairs::instance(given, &decs, number, layers_twin)?,
        ExType::ToyImage => toy_image::instance(given, &decs, number)?,
        ExType::DesignKey => design_key::instance(&spec.pixels, given)?,
        ExType::DesignWin => design_win::instance(spec, given)?,
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

/// A design-win exercise on `given`, asking about `output` (for tests).
#[cfg(test)]
fn design_win_for_tests(given: &Given, output: &str) -> Result<Instance, String> {
    design_win::instance_for(given, output)
}
