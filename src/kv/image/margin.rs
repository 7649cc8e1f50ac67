//! A misread image explained against its TRUE digit: what each active pair
//! adds to the margin (logit of the predicted digit − logit of the true
//! digit), the question a learner asks ("why did 2 beat 4?").
//!
//!   margin = (b2[pred] − b2[true]) + Σ_i a_i (v_i[pred] − v_i[true])
//!
//! exactly, so the top pairs plus the b2 share plus a "rest" term add up to
//! the margin. The runner-up view (the lead over the second-highest logit)
//! stays in `ImageAnalysis::by_decision`; this one exists only for images
//! with a label that the network reads as another digit.

use super::{DIGITS, ImageAnalysis, Prediction, Versus, Waterfall, WaterfallStep, add};
use serde::Serialize;

/// One pair's share of the margin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarginShare {
    pub pair: usize,
    pub activation: f64,
    /// a_i (v_i[predicted] − v_i[true]).
    pub share: f64,
}

/// The margin of a misread image, pair by pair.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarginAccount {
    /// The network's answer.
    pub predicted: usize,
    /// The true digit (the label).
    pub truth: usize,
    /// logits[predicted] − logits[truth] (positive: the image is misread).
    pub margin: f64,
    /// b2[predicted] − b2[truth].
    pub b2_share: f64,
    /// Every active pair, largest share first (ties by pair index).
    pub shares: Vec<MarginShare>,
}

/// The top `n` shares, and the rest summed: b2 + top + rest = margin.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarginTop {
    pub top: Vec<MarginShare>,
    /// Σ of the shares of every other active pair.
    pub rest: f64,
    pub rest_pairs: usize,
}

impl MarginAccount {
    /// The top `n` pairs by share and the rest in one term.
    pub fn top(&self, n: usize) -> MarginTop {
        let n = n.min(self.shares.len());
        MarginTop {
            top: self.shares[..n].to_vec(),
            rest: self.shares[n..].iter().map(|s| s.share).sum(),
            rest_pairs: self.shares.len() - n,
        }
    }
    /// The pair at 1-based `rank`.
    pub fn at(&self, rank: usize) -> Option<&MarginShare> {
        rank.checked_sub(1).and_then(|r| self.shares.get(r))
    }
    /// The pair order (largest share first).
    pub fn order(&self) -> Vec<usize> {
        self.shares.iter().map(|s| s.pair).collect()
    }
}

impl ImageAnalysis {
    /// The true digit when the image has a label and the network reads it
    /// as another, single digit; `None` for correct reads, ties and
    /// unlabelled images.
    pub fn misread_truth(&self) -> Option<usize> {
        let label = usize::from(self.label?);
        match self.prediction {
            Prediction::Unique(p) if p != label && label < DIGITS => Some(label),
            _ => None,
        }
    }

    /// The margin account of a misread image (`None` otherwise).
    pub fn margin_account(&self) -> Option<MarginAccount> {
        let truth = self.misread_truth()?;
        let pred = self.top;
        let mut shares: Vec<MarginShare> = self
            .pairs
            .iter()
            .map(|c| MarginShare {
                pair: c.pair,
                activation: c.activation,
                share: c.scaled[pred] - c.scaled[truth],
            })
            .collect();
        shares.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.pair.cmp(&b.pair)));
        Some(MarginAccount {
            predicted: pred,
            truth,
            margin: self.logits[pred] - self.logits[truth],
            b2_share: self.b2[pred] - self.b2[truth],
            shares,
        })
    }

    /// The waterfall of the top `top` pairs by margin share, following the
    /// predicted and the true digit (`None` unless the image is misread).
    pub fn margin_waterfall(&self, top: usize) -> Option<Waterfall> {
        let account = self.margin_account()?;
        Some(self.waterfall_of(&account.order(), top, account.truth, Versus::TrueDigit))
    }

    /// b2, the first `top` pairs of `order` one by one, the others summed;
    /// `lead` follows the predicted digit against `against`.
    pub(super) fn waterfall_of(
        &self,
        order: &[usize],
        top: usize,
        against: usize,
        versus: Versus,
    ) -> Waterfall {
        let mut logits = self.b2;
        let mut steps = Vec::new();
        for &p in order.iter().take(top) {
            let Some(c) = self.pair(p) else { continue };
            add(&mut logits, &c.scaled);
            steps.push(WaterfallStep {
                pair: p,
                scaled: c.scaled,
                logits,
                lead: logits[self.top] - logits[against],
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
            against,
            versus,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::analyse;
    use crate::data::PIXELS;
    use crate::nn::Mlp;
    use ndarray::{Array1, Array2};

    /// Four pairs on pixels 0..4. The image is a 4 (label) that the net
    /// reads as 2; the runner-up is 6, so the two views rank differently.
    fn net() -> Mlp {
        let mut w1 = Array2::zeros((4, PIXELS));
        for i in 0..4 {
            w1[[i, i]] = 1.0;
        }
        let mut w2 = Array2::zeros((super::DIGITS, 4));
        // Pair 0: strongly against 6, neutral between 2 and 4.
        w2[[6, 0]] = -3.0;
        // Pair 1: for 2, against 4.
        w2[[2, 1]] = 1.0;
        w2[[4, 1]] = -1.5;
        // Pair 2: for 6 and 2 alike (nothing for the lead over 6).
        w2[[2, 2]] = 2.0;
        w2[[6, 2]] = 2.0;
        // Pair 3: for 4 (the true digit).
        w2[[4, 3]] = 0.5;
        let mut b2 = Array1::zeros(super::DIGITS);
        b2[6] = 2.0;
        b2[4] = 0.25;
        Mlp {
            w1,
            b1: Array1::zeros(4),
            w2,
            b2,
        }
    }

    #[test]
    fn the_margin_account_adds_up_exactly_and_ranks_against_the_true_digit() {
        let img: Vec<u8> = (0..PIXELS).map(|p| if p < 4 { 255 } else { 0 }).collect();
        let a = analyse(&net(), &img, Some(4));
        // logits: 2 → 1 + 2 = 3; 6 → 2 − 3 + 2 = 1; 4 → 0.25 − 1.5 + 0.5 = −0.75.
        assert_eq!((a.top, a.runner_up), (2, 6));
        assert_eq!(a.misread_truth(), Some(4));
        let m = a.margin_account().expect("misread");
        assert_eq!((m.predicted, m.truth), (2, 4));
        assert!((m.margin - 3.75).abs() < 1e-9);
        assert!((m.b2_share + 0.25).abs() < 1e-9);
        // Against 4: pair 1 (+2.5), pair 2 (+2), pair 0 (0), pair 3 (−0.5).
        assert_eq!(m.order(), vec![1, 2, 0, 3]);
        // Against the runner-up 6, pair 0 is on top instead.
        assert_eq!(a.by_decision.order[0], 0);
        for n in 0..=4 {
            let t = m.top(n);
            let sum = m.b2_share + t.top.iter().map(|s| s.share).sum::<f64>() + t.rest;
            assert!((sum - m.margin).abs() < 1e-9, "n = {n}");
            assert_eq!(t.rest_pairs, 4 - n);
        }
        let w = a.margin_waterfall(2).expect("misread");
        assert_eq!(w.against, 4);
        assert_eq!(
            w.steps.iter().map(|s| s.pair).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert!((w.steps[1].lead - (-0.25 + 2.5 + 2.0)).abs() < 1e-9);
        assert!((w.logits[2] - w.logits[4] - m.margin).abs() < 1e-9);
    }

    #[test]
    fn correct_reads_ties_and_unlabelled_images_have_no_margin_account() {
        let img: Vec<u8> = (0..PIXELS).map(|p| if p < 4 { 255 } else { 0 }).collect();
        let a = analyse(&net(), &img, Some(2));
        assert_eq!(a.margin_account(), None);
        assert_eq!(analyse(&net(), &img, None).margin_account(), None);
        // A blank image: logits b2, prediction 6 unique; unlabelled.
        let blank = analyse(&net(), &[0u8; PIXELS], Some(6));
        assert!(blank.margin_waterfall(3).is_none());
    }
}
