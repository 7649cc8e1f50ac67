//! Property tests of the image analysis: the pairs add up to the forward
//! pass on random nets and images.

use super::*;
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// b2 + Σ_i a_i v_i equals the forward pass for random nets and images,
    /// and the decision contributions add up to the lead.
    #[test]
    fn pairs_add_up_to_the_forward_pass(seed in any::<u64>(), hidden in 1usize..24, ink in 0u8..=255) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut m = Mlp::init(hidden, &mut rng);
        m.b1.iter_mut().for_each(|b| *b = rng.random_range(-0.5..0.5));
        m.b2.iter_mut().for_each(|b| *b = rng.random_range(-0.5..0.5));
        let img: Vec<u8> = (0..PIXELS).map(|_| if rng.random_range(0..4) == 0 { rng.random_range(0..=ink) } else { 0 }).collect();
        let a = analyse(&m, &img, None);
        let fwd = m.forward(crate::nn::mlp::pixels(&img).view()).logits;
        for d in 0..DIGITS {
            prop_assert!((a.logits[d] - f64::from(fwd[[0, d]])).abs() < 1e-4, "digit {d}: {} vs {}", a.logits[d], fwd[[0, d]]);
        }
        let lead_from_pairs: f64 = a.pairs.iter().map(|c| c.decision).sum::<f64>() + a.b2[a.top] - a.b2[a.runner_up];
        prop_assert!((lead_from_pairs - a.lead).abs() < 1e-9);
        prop_assert_eq!(a.by_decision.order.len(), a.active);
    }
}
