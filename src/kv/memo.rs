//! Population analyses computed once and shared: the test and training
//! activations, votes-for vs fires-on, the mistakes, key drift and every
//! knock-out asked for. The figure catalog and the content's shortcodes
//! draw from the same `Memo`, so a build computes each of them once.

use super::linear::{KeyDrift, key_drift};
use super::mistakes::{Mistakes, mistakes};
use super::population::{
    Knockout, KnockoutMode, TestActivations, VotesVsFires, activations, knockout, votes_vs_fires,
};
use crate::data::Dataset;
use crate::nn::Mlp;
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Population analyses of one model on one data set, each on first use.
pub struct Memo<'a> {
    model: &'a Mlp,
    init: &'a Mlp,
    data: &'a Dataset,
    test: OnceCell<TestActivations>,
    train: OnceCell<TestActivations>,
    votes: OnceCell<VotesVsFires>,
    mistakes: OnceCell<Mistakes>,
    drift: OnceCell<KeyDrift>,
    knockouts: RefCell<BTreeMap<(usize, usize, u8), Rc<Knockout>>>,
}

impl<'a> Memo<'a> {
    /// `model` with its initial weights `init` (for key drift) on `data`.
    pub fn new(model: &'a Mlp, init: &'a Mlp, data: &'a Dataset) -> Memo<'a> {
        Memo {
            model,
            init,
            data,
            test: OnceCell::new(),
            train: OnceCell::new(),
            votes: OnceCell::new(),
            mistakes: OnceCell::new(),
            drift: OnceCell::new(),
            knockouts: RefCell::new(BTreeMap::new()),
        }
    }

    /// One batched pass over the test set.
    pub fn test(&self) -> &TestActivations {
        self.test
            .get_or_init(|| activations(self.model, &self.data.test))
    }

    /// One batched pass over the training set (refit knock-outs).
    pub fn train(&self) -> &TestActivations {
        self.train
            .get_or_init(|| activations(self.model, &self.data.train))
    }

    pub fn votes(&self) -> &VotesVsFires {
        self.votes
            .get_or_init(|| votes_vs_fires(self.model, self.test()))
    }

    pub fn mistakes(&self) -> &Mistakes {
        self.mistakes
            .get_or_init(|| mistakes(self.model, self.test(), &self.data.test))
    }

    pub fn drift(&self) -> &KeyDrift {
        self.drift.get_or_init(|| key_drift(self.model, self.init))
    }

    /// The knock-out of the `k` pairs voting most for `digit` (with its control).
    pub fn knockout(&self, digit: usize, k: usize, mode: KnockoutMode) -> Rc<Knockout> {
        let key = (digit, k, mode as u8);
        if let Some(r) = self.knockouts.borrow().get(&key) {
            return r.clone();
        }
        let train = (mode == KnockoutMode::Refit).then(|| self.train());
        let r = Rc::new(knockout(self.model, self.test(), train, digit, k, mode));
        self.knockouts.borrow_mut().insert(key, r.clone());
        r
    }
}
