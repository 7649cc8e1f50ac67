//! The network: a one-hidden-layer perceptron 784 → H → 10 with ReLU,
//! its training, and its storage in the model cache.
//!
//! `logits = W2 · ReLU(W1 · x + b1) + b2`, pixels scaled to [0, 1].
//! Row i of `w1` with `b1[i]` is key i; column i of `w2` is value i.

pub mod cache;
pub mod mlp;
pub mod train;

pub use mlp::{Activations, Evaluation, Mlp, argmax_unique, evaluate};
pub use train::{EpochStats, Observer, TrainError, Trained, train};
