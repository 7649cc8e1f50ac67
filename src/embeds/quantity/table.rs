//! Every quantity `value` shows and `claim` checks, with what it needs
//! (docs/AUTHORING.md lists them).

/// One quantity and what it needs.
#[derive(Debug, Clone, Copy)]
pub struct QSpec {
    pub name: &'static str,
    /// Measured on a toy net (`net=` and, mostly, `input=`), not on MNIST.
    pub toy: bool,
    /// Arguments that must be present (`pair|rank`: one of the two).
    pub needs: &'static [&'static str],
    pub summary: &'static str,
}

const fn q(name: &'static str, needs: &'static [&'static str], summary: &'static str) -> QSpec {
    QSpec {
        name,
        toy: false,
        needs,
        summary,
    }
}

const fn t(name: &'static str, needs: &'static [&'static str], summary: &'static str) -> QSpec {
    QSpec {
        name,
        toy: true,
        needs,
        summary,
    }
}

/// Every quantity.
pub const QUANTITIES: [QSpec; 63] = [
    q(
        "test-accuracy",
        &[],
        "fraction of the 10 000 test images classified correctly",
    ),
    q(
        "digit-accuracy",
        &["digit"],
        "accuracy on the test images of one digit",
    ),
    q("hidden", &[], "number of hidden neurons (key-value pairs)"),
    q("parameters", &[], "number of weights and biases"),
    q("epochs", &[], "training epochs"),
    q("train-images", &[], "training images used"),
    q("test-images", &[], "test images"),
    q(
        "mistakes",
        &[],
        "misclassified test images (ties not counted)",
    ),
    q(
        "agreement",
        &[],
        "fraction of pairs whose value favours the digit they fire on most",
    ),
    q(
        "selective-pairs",
        &[],
        "pairs with at least 40 % of their per-digit mean activations on one digit",
    ),
    q("dead-pairs", &[], "pairs that never fire on a test image"),
    q(
        "median-key-cosine",
        &[],
        "median cosine of the trained keys with their random start",
    ),
    q(
        "knockout-accuracy",
        &["digit"],
        "accuracy on `digit` after knocking out the `k` pairs voting most for `target`",
    ),
    q(
        "knockout-control-accuracy",
        &["digit"],
        "the same with `k` random pairs removed instead",
    ),
    q(
        "b2-favours",
        &[],
        "the digit with the largest output bias b2 (what the logits favour when no pair fires)",
    ),
    q(
        "barely-moved-keys",
        &[],
        "keys whose cosine with their random start is at least 0.9",
    ),
    q(
        "rarely-firing-pairs",
        &[],
        "pairs that fire on fewer than 1 % of the test images (dead pairs included)",
    ),
    q(
        "barely-moved-rarely-firing",
        &[],
        "how many of the barely moved keys belong to rarely firing pairs",
    ),
    q(
        "knockout-k",
        &[],
        "how many pairs a knock-out removes by default (a share of the pairs)",
    ),
    q(
        "knockout-vs-control",
        &["digit"],
        "accuracy on `digit` after the random control minus after the targeted knock-out (positive: the targeted one hurts more)",
    ),
    q(
        "knockout-others-accuracy",
        &["digit"],
        "accuracy on the test images of every other digit than `digit` after knocking out the pairs for `digit` (`mode`)",
    ),
    q(
        "knockout-focus",
        &["digit"],
        "how much more accuracy `digit` loses than the other digits do, after knocking out its pairs (`mode`; positive: the damage falls on `digit`)",
    ),
    q(
        "others-accuracy",
        &["digit"],
        "accuracy on the test images of every other digit than `digit`, nothing removed",
    ),
    q(
        "image",
        &["example"],
        "the selected image's name (test image 247)",
    ),
    q(
        "image-number",
        &["example"],
        "the selected image's number in its set, for prose (\"test image 247\" → 247)",
    ),
    q("label", &["example"], "the image's true digit"),
    q(
        "prediction",
        &["example"],
        "the predicted digit (or the tie)",
    ),
    q(
        "confidence",
        &["example"],
        "the softmax probability of the prediction",
    ),
    q(
        "logit",
        &["example"],
        "the logit of `digit` (default: the prediction)",
    ),
    q(
        "lead",
        &["example"],
        "the predicted digit's logit minus the runner-up's",
    ),
    q("active-pairs", &["example"], "pairs that fire on the image"),
    q("ink", &["example"], "pixels with ink"),
    q(
        "activation",
        &["example", "pair|rank"],
        "a pair's activation ReLU(k·x + b)",
    ),
    q(
        "pre-activation",
        &["example", "pair|rank"],
        "a pair's match k·x + b before ReLU",
    ),
    q(
        "contribution",
        &["example", "pair|rank"],
        "a pair's scaled vote for `digit` (default: the prediction)",
    ),
    q(
        "decision",
        &["example", "pair|rank"],
        "what a pair adds to the lead",
    ),
    q(
        "top-pair",
        &["example"],
        "the index of the pair at `rank` (default 1) of the decision ranking",
    ),
    q(
        "settles-at",
        &["example"],
        "pairs needed (in `ranking` order) before the prediction settles",
    ),
    q(
        "flip-fraction",
        &["example"],
        "that number as a fraction of the active pairs",
    ),
    q(
        "top10-share",
        &["example"],
        "share of the activation carried by the 10 strongest pairs",
    ),
    q(
        "runner-up",
        &["example"],
        "the digit with the second-highest logit (the lead is measured against it)",
    ),
    q(
        "value-favours",
        &["example", "pair|rank"],
        "the digit a pair's value votes for most (the pair by `pair` or `rank` on the image)",
    ),
    q(
        "random-flip-fraction",
        &["example"],
        "median flip fraction over the seeded random orders (`quantile`: \"low\" for the 10th percentile, \"high\" for the 90th)",
    ),
    q(
        "beats-random",
        &["example"],
        "share of the seeded random orders that settle later than the `ranking` (default decision) does",
    ),
    q(
        "random-shuffles",
        &[],
        "how many seeded random orders the random control draws",
    ),
    q(
        "true-digit",
        &["example"],
        "the image's true digit (its label), as the margin's quantities use it",
    ),
    q(
        "margin",
        &["example"],
        "misread images: logit of the network's answer − logit of the true digit",
    ),
    q(
        "margin-bias",
        &["example"],
        "misread images: what the output bias b2 adds to the margin",
    ),
    q(
        "margin-pair",
        &["example"],
        "misread images: the pair at `rank` (default 1) of the ranking by share of the margin",
    ),
    q(
        "margin-share",
        &["example", "pair|rank"],
        "misread images: what a pair (`pair`, or `rank` in the margin ranking) adds to the margin",
    ),
    q(
        "margin-rest",
        &["example"],
        "misread images: what all pairs after the first `rank` (default 3) of the margin ranking add together",
    ),
    q(
        "margin-rank",
        &["example", "pair|rank"],
        "misread images: where a pair (`pair`, or `rank` in the decision ranking) stands in the margin ranking",
    ),
    q(
        "true-contribution",
        &["example", "pair|rank"],
        "a pair's scaled vote for the image's true digit",
    ),
    q(
        "favours",
        &["pair"],
        "the digit a pair's value votes for most",
    ),
    q(
        "firing-rate",
        &["pair"],
        "fraction of test images a pair fires on",
    ),
    q(
        "fires-on",
        &["pair"],
        "the digit whose images give a pair the highest mean activation per image",
    ),
    t("pairs", &["net"], "a toy network's number of pairs"),
    t("bias", &["net", "pair"], "a toy pair's bias"),
    t(
        "pre-activation",
        &["net", "input", "pair"],
        "a toy pair's k·x + b",
    ),
    t(
        "activation",
        &["net", "input", "pair"],
        "a toy pair's ReLU(k·x + b)",
    ),
    t(
        "contribution",
        &["net", "input", "pair"],
        "a toy pair's scaled value for `output`",
    ),
    t(
        "logit",
        &["net", "input"],
        "a toy network's output (`output`, default the only one)",
    ),
    t(
        "prediction",
        &["net", "input"],
        "a toy network's predicted output",
    ),
];
