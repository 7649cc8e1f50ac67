//! The figure families: each one's name, what it is drawn from, the
//! arguments it takes and what it shows (docs/AUTHORING.md lists them).

/// What a family is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A toy network (`net`).
    Toy,
    /// One MNIST image (`example`).
    Image,
    /// One MNIST pair (`pair`, or `example` + `rank`).
    Pair,
    /// The trained network and the test set.
    Population,
}

/// A family of figures.
#[derive(Debug, Clone, Copy)]
pub struct Family {
    pub name: &'static str,
    pub source: Source,
    /// Arguments the family may use (besides `print`, `inline`, `caption`).
    pub uses: &'static [&'static str],
    pub summary: &'static str,
    /// Has a grayscale print variant.
    pub print: bool,
}

const fn f(
    name: &'static str,
    source: Source,
    uses: &'static [&'static str],
    print: bool,
    summary: &'static str,
) -> Family {
    Family {
        name,
        source,
        uses,
        summary,
        print,
    }
}

/// Every family `figure(name=…)` knows.
pub const FAMILIES: [Family; 29] = [
    f(
        "net",
        Source::Toy,
        &["net", "input", "pair"],
        false,
        "node diagram; with `input` the numbers flow through; with `pair` one pair is highlighted",
    ),
    f(
        "layers",
        Source::Toy,
        &["net"],
        false,
        "the usual layer-by-layer view of the weights",
    ),
    f(
        "pairs",
        Source::Toy,
        &["net"],
        false,
        "the same weights regrouped as key-value pairs",
    ),
    f(
        "matrix",
        Source::Toy,
        &["net"],
        true,
        "W1 and W2 as matrices, pair 1 outlined",
    ),
    f(
        "bracket",
        Source::Toy,
        &["net", "input", "pair"],
        false,
        "one pair in bracket notation",
    ),
    f(
        "single-neuron",
        Source::Toy,
        &["net", "input"],
        false,
        "a one-neuron net worked through",
    ),
    f(
        "layer-by-layer",
        Source::Toy,
        &["net", "input"],
        false,
        "the forward pass layer by layer, exact decimals",
    ),
    f(
        "pair-by-pair",
        Source::Toy,
        &["net", "input"],
        false,
        "the same result pair by pair, exact decimals",
    ),
    f(
        "plane",
        Source::Toy,
        &["net", "input"],
        false,
        "a two-input net on its input plane",
    ),
    f("image", Source::Image, &["example"], false, "the digit"),
    f(
        "image-values",
        Source::Image,
        &["example"],
        false,
        "the digit with its pixel values",
    ),
    f(
        "waterfall",
        Source::Image,
        &["example", "steps", "against"],
        false,
        "the logits built pair by pair, with a labelled rest; against the runner-up, or (`against=\"true-digit\"`, misread images) the true digit",
    ),
    f(
        "profiles",
        Source::Image,
        &["example", "versus"],
        false,
        "the activation profiles of two images (`example` and `versus`), sorted, side by side",
    ),
    f(
        "flips",
        Source::Image,
        &["example"],
        false,
        "prediction with only the top N pairs, both rankings and both controls",
    ),
    f(
        "top-pairs",
        Source::Image,
        &["example"],
        true,
        "the image's strongest pairs as cards",
    ),
    f(
        "templates",
        Source::Image,
        &["example"],
        true,
        "effective pixel templates of the active pairs",
    ),
    f(
        "pair-card",
        Source::Image,
        &["example", "pair", "rank", "against"],
        true,
        "one pair on one image: key ⊙ image, match, value, vote",
    ),
    f(
        "key-times-image",
        Source::Image,
        &["example", "pair", "rank", "against"],
        true,
        "key ⊙ image and its sum",
    ),
    f(
        "contrast",
        Source::Image,
        &["example"],
        false,
        "a misclassified image beside its nearest correct twin",
    ),
    f(
        "mistake",
        Source::Image,
        &["example", "steps"],
        false,
        "a misread image in a compact card: its margin over the true digit from b2, the top pairs and the rest",
    ),
    f(
        "key",
        Source::Pair,
        &["pair", "example", "rank", "against"],
        true,
        "a key as a 28×28 heatmap centred on 0",
    ),
    f(
        "value",
        Source::Pair,
        &["pair", "example", "rank", "against"],
        true,
        "a value: one vote per digit",
    ),
    f(
        "key-drift",
        Source::Pair,
        &["pair", "example", "rank", "against"],
        true,
        "a key at initialisation, trained, and the difference",
    ),
    f(
        "training-curve",
        Source::Population,
        &[],
        false,
        "loss and accuracy per epoch",
    ),
    f(
        "votes-vs-fires",
        Source::Population,
        &[],
        false,
        "what each pair votes for against what it fires on",
    ),
    f(
        "selective-per-digit",
        Source::Population,
        &[],
        false,
        "selective pairs per digit",
    ),
    f(
        "confusion",
        Source::Population,
        &[],
        false,
        "the confusion matrix",
    ),
    f(
        "cosine-histogram",
        Source::Population,
        &[],
        false,
        "how much of each key is its random start",
    ),
    f(
        "knockout",
        Source::Population,
        &["digit", "k"],
        false,
        "knock-out of the pairs voting most for `digit` (zero, mean, refit, random control)",
    ),
];
