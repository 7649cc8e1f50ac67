//! The activation profile of an image (how concentrated its activations
//! are) and the waterfall of its top pairs.

use super::{DIGITS, ImageAnalysis, Ranking};
use serde::Serialize;

/// How concentrated the activations are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivationProfile {
    /// Positive activations, largest first.
    pub sorted: Vec<f64>,
    /// Share of Σ a_i carried by the 10 largest.
    pub top10_share: f64,
    /// Σ of pixel values in [0, 1] (how much ink the image has).
    pub ink: f64,
}

/// b2, then the top pairs in ranked order, a "rest" term, and the logits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waterfall {
    pub b2: [f64; DIGITS],
    pub steps: Vec<WaterfallStep>,
    /// Σ of the scaled values of all pairs not listed in `steps`.
    pub rest: [f64; DIGITS],
    /// Number of pairs in `rest`.
    pub rest_pairs: usize,
    pub logits: [f64; DIGITS],
    /// The digit the predicted one is compared with.
    pub against: usize,
    /// Which digit `against` is: the runner-up or the true digit.
    pub versus: Versus,
}

/// What a waterfall compares the predicted digit with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Versus {
    /// The second-highest logit (the lead).
    RunnerUp,
    /// The image's label, on a misread image (the margin).
    TrueDigit,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaterfallStep {
    pub pair: usize,
    pub scaled: [f64; DIGITS],
    /// Running logits after adding this pair.
    pub logits: [f64; DIGITS],
    /// Predicted digit's logit minus the logit of `Waterfall::against`,
    /// after this pair (with the full prediction's digits).
    pub lead: f64,
}

impl ImageAnalysis {
    /// The waterfall of the `top` first pairs in ranking `r`, following
    /// the predicted digit and the runner-up.
    pub fn waterfall(&self, r: Ranking, top: usize) -> Waterfall {
        let order = self.ranking(r).order.clone();
        self.waterfall_of(&order, top, self.runner_up, Versus::RunnerUp)
    }
}
