//! The activation profile of an image (how concentrated its activations
//! are) and the waterfall of its top pairs.

use super::{DIGITS, ImageAnalysis, Ranking, add};
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
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaterfallStep {
    pub pair: usize,
    pub scaled: [f64; DIGITS],
    /// Running logits after adding this pair.
    pub logits: [f64; DIGITS],
    /// Predicted digit's logit minus the runner-up's, after this pair
    /// (with the full prediction's digits).
    pub lead: f64,
}

impl ImageAnalysis {
    /// The waterfall of the `top` first pairs in ranking `r`.
    pub fn waterfall(&self, r: Ranking, top: usize) -> Waterfall {
        let order = &self.ranking(r).order;
        let mut logits = self.b2;
        let mut steps = Vec::new();
        for &p in order.iter().take(top) {
            let Some(c) = self.pair(p) else { continue };
            add(&mut logits, &c.scaled);
            steps.push(WaterfallStep {
                pair: p,
                scaled: c.scaled,
                logits,
                lead: logits[self.top] - logits[self.runner_up],
            });
        }
        let mut rest = [0.0; DIGITS];
        for &p in order.iter().skip(top) {
            if let Some(c) = self.pair(p) {
                add(&mut rest, &c.scaled);
            }
        }
        let mut total = logits;
        add(&mut total, &rest);
        Waterfall {
            b2: self.b2,
            steps,
            rest,
            rest_pairs: order.len().saturating_sub(top),
            logits: total,
        }
    }
}
