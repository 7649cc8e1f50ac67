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
use crate::prof::tally;
use std::cell::{Cell, OnceCell, RefCell};
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
    /// Set when something was computed here (not taken from [`Kept`]).
    computed: Cell<bool>,
}

/// The results a [`Memo`] can start from and hands back for keeping (the
/// analyses cache): the expensive ones, not the activations.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    pub votes: Option<VotesVsFires>,
    pub mistakes: Option<Mistakes>,
    pub drift: Option<KeyDrift>,
    pub knockouts: Vec<Knockout>,
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
            computed: Cell::new(false),
        }
    }

    /// A memo that starts from results computed earlier for the same model
    /// and data.
    pub fn with_kept(model: &'a Mlp, init: &'a Mlp, data: &'a Dataset, kept: Kept) -> Memo<'a> {
        let m = Memo::new(model, init, data);
        let knockouts = kept
            .knockouts
            .into_iter()
            .map(|k| ((k.digit, k.k, k.mode as u8), Rc::new(k)))
            .collect();
        Memo {
            votes: cell(kept.votes),
            mistakes: cell(kept.mistakes),
            drift: cell(kept.drift),
            knockouts: RefCell::new(knockouts),
            ..m
        }
    }

    /// Everything worth keeping computed or kept so far.
    pub fn kept(&self) -> Kept {
        Kept {
            votes: self.votes.get().cloned(),
            mistakes: self.mistakes.get().cloned(),
            drift: self.drift.get().cloned(),
            knockouts: self
                .knockouts
                .borrow()
                .values()
                .map(|k| Knockout::clone(k))
                .collect(),
        }
    }

    /// Whether anything was computed since the memo was made (or since the
    /// last call), and clears the mark.
    pub fn take_computed(&self) -> bool {
        self.computed.replace(false)
    }

    /// One batched pass over the test set.
    pub fn test(&self) -> &TestActivations {
        self.test.get_or_init(|| {
            tally("pop test activations", || {
                activations(self.model, &self.data.test)
            })
        })
    }

    /// One batched pass over the training set (refit knock-outs).
    pub fn train(&self) -> &TestActivations {
        self.train.get_or_init(|| {
            tally("pop train activations", || {
                activations(self.model, &self.data.train)
            })
        })
    }

    pub fn votes(&self) -> &VotesVsFires {
        self.votes.get_or_init(|| {
            let t = self.test();
            self.computed.set(true);
            tally("pop votes", || votes_vs_fires(self.model, t))
        })
    }

    pub fn mistakes(&self) -> &Mistakes {
        self.mistakes.get_or_init(|| {
            let t = self.test();
            self.computed.set(true);
            tally("pop mistakes", || mistakes(self.model, t, &self.data.test))
        })
    }

    pub fn drift(&self) -> &KeyDrift {
        self.drift.get_or_init(|| {
            self.computed.set(true);
            tally("pop drift", || key_drift(self.model, self.init))
        })
    }

    /// The knock-out of the `k` pairs voting most for `digit` (with its control).
    pub fn knockout(&self, digit: usize, k: usize, mode: KnockoutMode) -> Rc<Knockout> {
        let key = (digit, k, mode as u8);
        if let Some(r) = self.knockouts.borrow().get(&key) {
            return r.clone();
        }
        let train = (mode == KnockoutMode::Refit).then(|| self.train());
        let test = self.test();
        self.computed.set(true);
        let r = Rc::new(tally("pop knockout", || {
            knockout(self.model, test, train, digit, k, mode)
        }));
        self.knockouts.borrow_mut().insert(key, r.clone());
        r
    }
}

/// A cell holding `v`, or an empty one.
fn cell<T>(v: Option<T>) -> OnceCell<T> {
    v.map(OnceCell::from).unwrap_or_default()
}
