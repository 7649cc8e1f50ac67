# %% [markdown]
# # Keys and values in code
#
# This notebook is the coding part of the workshop *{{ nb.site_title }}*.
# You take apart the same network the site shows: 784 pixels in,
# {{ nb.hidden }} hidden neurons, 10 digits out, ReLU in between. It reads
# {{ nb.test_accuracy }} of the MNIST test images correctly.
#
# Each hidden neuron $i$ is a **key-value pair**. The key $k_i$ is row $i$
# of $W_1$ (784 weights, one per pixel) with its bias $b_{1,i}$. The value
# $v_i$ is column $i$ of $W_2$ (10 numbers, one vote per digit). For an
# image $x$ (pixels divided by 255):
#
# $$\text{logits} = b_2 + \sum_i \mathrm{ReLU}(k_i \cdot x + b_{1,i})\, v_i$$
#
# Every number you compute here is checked against the number kvlens
# computed when it built the site. So if your answer and the site's agree,
# you both took the same network apart the same way.
#
# ## How to use it
#
# 1. Run the setup cell once. It loads the model and the test images and
#    checks that they are the ones this notebook was made for.
# 2. In each exercise, read the question and **write down a prediction
#    first**. Then fill in the function in the cell marked "your turn" and run
#    it.
# 3. Run the check cell below it. It prints ✔ when your numbers agree with
#    kvlens's, ✘ with a hint when they do not, and "not done yet" while the
#    function still raises `NotImplementedError`.
# 4. Stuck? Each exercise has a hidden solution cell between your cell and
#    the check. Open it, run it, then run the check. Running a solution
#    replaces your function with the solution's.
#
# ## What you need
#
# - Python 3 with numpy and matplotlib, and Jupyter. Nothing else, and no
#   network connection.
# - The model files from the site, in the same folder as this notebook:
#   `{{ nb.model_file }}` (required) and `{{ nb.meta_file }}` (optional; it is
#   only read to print the training settings).
# - The MNIST files. Only the two test files are read:
#   `t10k-images-idx3-ubyte.gz` and `t10k-labels-idx1-ubyte.gz` (gzipped or
#   not). Put them in a folder `mnist` next to this notebook, or set the
#   environment variable `KVLENS_MNIST_DIR` to the folder that holds them,
#   for example `KVLENS_MNIST_DIR=~/mnist jupyter notebook`.

# %% tags=["setup"]
import os
import json
import gzip
import hashlib

import numpy as np
import matplotlib.pyplot as plt

# The numbers kvlens computed for this model (the checks compare with them).
EXPECTED = json.loads(r'''{{ nb.expected_json }}''')

MODEL_FILE = "{{ nb.model_file }}"
META_FILE = "{{ nb.meta_file }}"
MNIST_DIR = os.environ.get("KVLENS_MNIST_DIR") or "mnist"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"


def model_sha256(arrays):
    """SHA-256 of w1, b1, w2, b2 exactly as kvlens computes it: for each
    array its name, its shape (8-byte little-endian integers), then its
    values as little-endian float32."""
    h = hashlib.sha256()
    for name in ["w1", "b1", "w2", "b2"]:
        a = np.asarray(arrays[name])
        h.update(name.encode())
        for d in a.shape:
            h.update(int(d).to_bytes(8, "little"))
        h.update(np.ascontiguousarray(a, dtype="<f4").tobytes())
    return h.hexdigest()


# --- the model -------------------------------------------------------------
if not os.path.exists(MODEL_FILE):
    raise FileNotFoundError(
        f"The model file {MODEL_FILE!r} is not in {os.path.abspath('.')!r}. "
        "Download it from the workshop site (the hands-on page) and put it "
        "next to this notebook."
    )
with np.load(MODEL_FILE) as npz:
    MODEL = {name: npz[name] for name in npz.files}
missing = [n for n in ["w1", "b1", "w2", "b2"] if n not in MODEL]
if missing:
    raise RuntimeError(f"{MODEL_FILE} has no array(s) {missing}: is it a kvlens model?")
sha = model_sha256(MODEL)
if sha != EXPECTED["model"]["sha256"]:
    raise RuntimeError(
        f"{MODEL_FILE} is not the model this notebook was made for.\n"
        f"  its weights' SHA-256:  {sha}\n"
        f"  this notebook expects: {EXPECTED['model']['sha256']}\n"
        "Download the notebook and the model files again from the same "
        "build of the site, so that they belong together."
    )

# Float64 copies of the float32 weights: every sum below is in float64.
W1 = MODEL["w1"].astype(np.float64)  # (H, 784): row i is the key k_i
B1 = MODEL["b1"].astype(np.float64)  # (H,): the bias of key i
W2 = MODEL["w2"].astype(np.float64)  # (10, H): column i is the value v_i
B2 = MODEL["b2"].astype(np.float64)  # (10,): the output bias
H = W1.shape[0]
print(f"model {MODEL_FILE}: 784 → {H} → 10, weights SHA-256 {sha[:12]}… (as expected)")

if os.path.exists(META_FILE):
    with open(META_FILE, encoding="utf-8") as f:
        meta = json.load(f)
    if "architecture" in meta:
        print("architecture:", meta["architecture"])
    for key, value in (meta.get("config") or {}).items():
        print(f"  {key} = {value}")
else:
    print(f"({META_FILE} not found: fine, it is only used to print the settings)")


# --- the MNIST test set ----------------------------------------------------
def read_idx(base, magic):
    """Reads the IDX file `base` (or `base`.gz) from MNIST_DIR.
    Returns the array and the SHA-256 of the decompressed bytes."""
    for name in (base + ".gz", base):
        path = os.path.join(MNIST_DIR, name)
        if os.path.exists(path):
            break
    else:
        raise FileNotFoundError(
            f"MNIST file {base}.gz (or {base}) not found in the folder "
            f"{os.path.abspath(MNIST_DIR)!r}.\n"
            f"Put {TEST_IMAGES}.gz and {TEST_LABELS}.gz there (the other two "
            "MNIST files may sit beside them), or set the environment variable "
            "KVLENS_MNIST_DIR to the folder that holds them."
        )
    with open(path, "rb") as f:
        data = f.read()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    ndim = magic - 2048  # 2051: images (3 dimensions), 2049: labels (1)
    found = int.from_bytes(data[:4], "big") if len(data) >= 4 else None
    if found != magic:
        raise ValueError(f"{path}: magic number {found}, expected {magic}: not an MNIST {base} file")
    dims = [int.from_bytes(data[4 + 4 * k: 8 + 4 * k], "big") for k in range(ndim)]
    start = 4 + 4 * ndim
    if len(data) != start + int(np.prod(dims)):
        raise ValueError(f"{path}: {len(data)} bytes, but the header announces {dims}")
    array = np.frombuffer(data, dtype=np.uint8, offset=start).reshape(dims)
    return array, hashlib.sha256(data).hexdigest()


images, images_sha = read_idx(TEST_IMAGES, 2051)
labels, labels_sha = read_idx(TEST_LABELS, 2049)
if images.shape[1:] != (28, 28) or len(images) != len(labels):
    raise ValueError(f"unexpected MNIST shapes: images {images.shape}, labels {labels.shape}")
for what, got, want in [(TEST_IMAGES, images_sha, EXPECTED["data"]["test_images"]),
                        (TEST_LABELS, labels_sha, EXPECTED["data"]["test_labels"])]:
    if got != want:
        print(f"WARNING: {what} in {os.path.abspath(MNIST_DIR)} is not the file kvlens used "
              f"(SHA-256 {got[:12]}…, expected {want[:12]}…). The checks will likely fail.")

X = images.reshape(len(images), 784).astype(np.float64) / 255.0  # (n, 784), in [0, 1]
y = labels.astype(np.int64)                                       # (n,), the true digits
print(f"MNIST test set from {os.path.abspath(MNIST_DIR)}: {len(y)} images")


# --- helpers ---------------------------------------------------------------
def forward(x):
    """The network layer by layer. x: one image (784,) or a batch (n, 784).
    Returns pre = k_i·x + b1_i for every pair, a = ReLU(pre), and the logits."""
    x = np.asarray(x, dtype=np.float64)
    pre = x @ W1.T + B1
    a = np.maximum(pre, 0.0)
    logits = a @ W2.T + B2
    return pre, a, logits


def unique_argmax(v):
    """The index of the largest entry, or None when several share the maximum."""
    v = np.asarray(v)
    best = np.flatnonzero(v == v.max())
    return int(best[0]) if len(best) == 1 else None


def winners(logits):
    """The set of digits that share the highest logit: one digit, or a tie."""
    logits = np.asarray(logits)
    return frozenset(int(d) for d in np.flatnonzero(logits == logits.max()))


def show(img784, title="", ax=None):
    """A digit as a 28×28 grayscale picture (ink dark)."""
    img = np.asarray(img784, dtype=np.float64).reshape(28, 28)
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(2.6, 2.6))
    ax.imshow(img, cmap="gray_r", vmin=0.0, vmax=max(1.0, float(img.max())))
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    if own:
        plt.show()
        plt.close(fig)


def show_weights(w784, title="", ax=None):
    """784 weights as a 28×28 heatmap: red positive, blue negative, white 0."""
    w = np.asarray(w784, dtype=np.float64).reshape(28, 28)
    lim = float(np.abs(w).max()) or 1.0
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(3.0, 2.6))
    im = ax.imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    if own:
        plt.show()
        plt.close(fig)


def close(got, want, tol=1e-5):
    """True when got and want have the same shape and agree within tol,
    absolutely or relative to want (whichever is larger)."""
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        return False
    return bool(np.all(np.abs(got - want) <= tol * np.maximum(1.0, np.abs(want))))


def _fmt(v):
    if np.ndim(v) == 0:
        return f"{float(v):.6g}"
    return np.array2string(np.asarray(v, dtype=np.float64), precision=5, separator=", ",
                           max_line_width=120, threshold=20)


def expect_close(what, got, want, tol=1e-5):
    """Raises AssertionError unless got ≈ want (see close)."""
    try:
        ok = close(got, want, tol)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: got {got!r}, expected numbers like {_fmt(want)}") from None
    if not ok:
        shape = np.shape(got)
        if shape != np.shape(want):
            raise AssertionError(f"{what}: got shape {shape}, expected shape {np.shape(want)}")
        raise AssertionError(f"{what}: got {_fmt(got)}, expected {_fmt(want)} (tolerance {tol:g})")


def as_ints(v):
    """A list of Python ints (from a list, tuple or numpy array)."""
    return [int(i) for i in v]


def expect_equal(what, got, want):
    """Raises AssertionError unless got == want exactly."""
    if got != want:
        raise AssertionError(f"{what}: got {got!r}, expected {want!r}")


KVLENS_CHECKS = []  # (name, "passed" | "not done" | "failed"), latest run of each check


def check(name, fn):
    """Runs one self-check: fn() returns on success and raises AssertionError
    with a hint when a number is off. Set KVLENS_NOTEBOOK_STRICT=1 to make
    unfinished or failed checks raise."""
    strict = os.environ.get("KVLENS_NOTEBOOK_STRICT") == "1"
    KVLENS_CHECKS[:] = [c for c in KVLENS_CHECKS if c[0] != name]
    try:
        fn()
    except NotImplementedError:
        KVLENS_CHECKS.append((name, "not done"))
        print(f"… {name}: not done yet (fill in the stub above, or open the solution)")
        if strict:
            raise
        return
    except AssertionError as e:
        KVLENS_CHECKS.append((name, "failed"))
        print(f"✘ {name}: {e}")
        if strict:
            raise
        return
    except Exception:
        KVLENS_CHECKS.append((name, "failed"))
        raise
    KVLENS_CHECKS.append((name, "passed"))
    print(f"✔ {name}")


# One batched pass over the test set, shared by the later exercises.
PRE_TEST, A_TEST, LOGITS_TEST = forward(X)  # (n, H), (n, H), (n, 10)
if H != EXPECTED["model"]["hidden"]:
    raise RuntimeError(f"the model has {H} pairs, the notebook expects {EXPECTED['model']['hidden']}")
_unique = (LOGITS_TEST == LOGITS_TEST.max(axis=1, keepdims=True)).sum(axis=1) == 1
accuracy = float(np.mean(_unique & (LOGITS_TEST.argmax(axis=1) == y)))
print(f"test accuracy here: {100 * accuracy:.2f} % (kvlens: {100 * EXPECTED['model']['test_accuracy']:.2f} %)")

# %% [markdown]
# ## Exercise 1: one key, one value
#
# Pair $i$ is row $i$ of `W1` with bias `B1[i]`, and column $i$ of `W2`.
# Write `key_and_value(i)`: it returns the key (784 numbers), the bias (one
# number) and the value (10 numbers).
#
# **Predict first.** The check uses pair `EXPECTED["key_value"]["pair"]`, the
# pair that adds most to the decision on the course's easy 0 (the same image
# and pair as on the page "From the toy to MNIST"). Before you plot it: will
# its key look like a 0? Which digit will its value vote for most?
#
# *Hints:* `W1[i]` is a row; `W2[:, i]` is a column. Plot the key with
# `show_weights(key, "key")` and the value with `plt.bar(range(10), value)`.

# %% tags=["stub"]
def key_and_value(i):
    """Returns (key (784,), bias (float), value (10,)) of pair i."""
    # your turn
    raise NotImplementedError


# %% tags=["solution"]
def key_and_value(i):
    """Returns (key (784,), bias (float), value (10,)) of pair i."""
    return W1[i], float(B1[i]), W2[:, i]


i = EXPECTED["key_value"]["pair"]
key, bias, value = key_and_value(i)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7, 2.8))
show_weights(key, f"key of pair {i} (bias {bias:+.3f})", ax=ax1)
ax2.bar(range(10), value, color=["tab:red" if v > 0 else "tab:blue" for v in value])
ax2.axhline(0, color="black", lw=0.5)
ax2.set_xticks(range(10))
ax2.set_title(f"value of pair {i}: votes per digit", fontsize=9)
plt.show()
plt.close(fig)
print("the value favours:", unique_argmax(value))

# %% tags=["check"]
def _check_key_and_value():
    E = EXPECTED["key_value"]
    key, bias, value = key_and_value(E["pair"])
    key = np.asarray(key, dtype=np.float64)
    value = np.asarray(value, dtype=np.float64)
    expect_equal("shape of the key", key.shape, (784,))
    expect_equal("shape of the value", value.shape, (10,))
    expect_close("bias", bias, E["bias"])
    expect_close("sum of the key's weights", key.sum(), E["key_sum"])
    expect_close("smallest key weight", key.min(), E["key_min"])
    expect_close("largest key weight", key.max(), E["key_max"])
    expect_close("value", value, E["value"])
    expect_equal("digit the value favours", unique_argmax(value), E["favours"])


check("key and value", _check_key_and_value)

# %% [markdown]
# **What you saw.** A key is a pattern of positive and negative weights over
# the pixels; a value is ten votes. Did the key look like the digit its value
# votes for? Keep your answer: exercise 7 tests it on every pair at once.

# %% [markdown]
# ## Exercise 2: the key meets an image
#
# A pair *matches* an image by the dot product $k_i \cdot x$: multiply each
# pixel by the key's weight there and add up. Then it adds its bias and
# applies ReLU.
#
# Write `key_times_image(i, x)`. It returns four things: the product
# `key * x` (784 numbers, one per pixel), its sum `dot`, `pre = dot + bias`,
# and `activation = max(pre, 0)`.
#
# **Predict first.** The check uses an easy 0 and the pair from exercise 1,
# the pair that adds most to the decision on that 0, so it must fire. Which
# pixels can add to its dot product at all? Will most of the match come from
# a few pixels or from the whole ring?
#
# *Hints:* `x * W1[i]` multiplies pixel by pixel. Plot the product with
# `show_weights`.

# %% tags=["stub"]
def key_times_image(i, x):
    """Returns (product (784,), dot, pre, activation) of pair i on image x."""
    # your turn
    raise NotImplementedError


# %% tags=["solution"]
def key_times_image(i, x):
    """Returns (product (784,), dot, pre, activation) of pair i on image x."""
    product = W1[i] * x
    dot = float(product.sum())
    pre = dot + float(B1[i])
    return product, dot, pre, max(pre, 0.0)


E = EXPECTED["key_times_image"]
i, x = E["pair"], X[E["image"]]
product, dot, pre, activation = key_times_image(i, x)
fig, axes = plt.subplots(1, 4, figsize=(13, 2.8))
show(x, f"test image {E['image']} (label {y[E['image']]})", ax=axes[0])
show_weights(W1[i], f"key {i}", ax=axes[1])
axes[2].bar(range(10), W2[:, i], color="gray")
axes[2].axhline(0, color="black", lw=0.5)
axes[2].set_xticks(range(10))
axes[2].set_title(f"value {i}", fontsize=9)
show_weights(product, f"key ⊙ image: sum {dot:.3f}", ax=axes[3])
plt.show()
plt.close(fig)
print(f"dot = {dot:.4f}, pre = dot + bias = {pre:.4f}, activation = {activation:.4f}")

# %% tags=["check"]
def _check_key_times_image():
    E = EXPECTED["key_times_image"]
    expect_equal(f"label of test image {E['image']}", int(y[E["image"]]), E["label"])
    expect_equal(f"inked pixels of test image {E['image']}",
                 int((X[E["image"]] > 0).sum()), E["inked_pixels"])
    product, dot, pre, activation = key_times_image(E["pair"], X[E["image"]])
    expect_close("product key * x (its sum)", np.sum(product), E["dot"])
    expect_close("dot = k·x", dot, E["dot"])
    expect_close("pre = k·x + bias", pre, E["pre"])
    expect_close("activation = ReLU(pre)", activation, E["activation"])


check("key times image", _check_key_times_image)

# %% [markdown]
# ## Exercise 3: the two ways give the same logits
#
# `forward(x)` computes the logits layer by layer: `W2 @ ReLU(W1 @ x + B1) + B2`.
# Write `logits_by_pairs(x)`, which builds them **pair by pair**: start from
# `B2` and add `a_i * v_i` for every pair $i$, where
# $a_i = \mathrm{ReLU}(k_i \cdot x + b_{1,i})$.
# Make it work for one image `(784,)` and for a batch `(n, 784)`.
#
# **Predict first.** How large will the largest difference between the two
# ways be, over all test images? Exactly 0, about 1e-12, or about 1e-3?
#
# *Hints:* compute all activations at once (`x @ W1.T + B1`, then
# `np.maximum(…, 0)`), then loop over the pairs: `out += a[..., i, None] * W2[:, i]`.
# The `...` makes the same line work for one image and for a batch.

# %% tags=["stub"]
def logits_by_pairs(x):
    """b2 + Σ_i ReLU(k_i·x + b1_i) v_i, added pair by pair.
    x: (784,) or (n, 784); returns (10,) or (n, 10)."""
    # your turn
    raise NotImplementedError


# %% tags=["solution"]
def logits_by_pairs(x):
    """b2 + Σ_i ReLU(k_i·x + b1_i) v_i, added pair by pair.
    x: (784,) or (n, 784); returns (10,) or (n, 10)."""
    x = np.asarray(x, dtype=np.float64)
    a = np.maximum(x @ W1.T + B1, 0.0)
    out = np.zeros(a.shape[:-1] + (10,)) + B2
    for i in range(H):
        out += a[..., i, None] * W2[:, i]
    return out


E = EXPECTED["identity"]
by_layers = forward(X[E["image"]])[2]
by_pairs = logits_by_pairs(X[E["image"]])
print("layer by layer:", np.round(by_layers, 4))
print("pair by pair:  ", np.round(by_pairs, 4))
print("largest difference on the whole test set:",
      np.abs(logits_by_pairs(X) - LOGITS_TEST).max())

# %% tags=["check"]
def _check_identity():
    E = EXPECTED["identity"]
    x = X[E["image"]]
    pre, a, by_layers = forward(x)
    by_pairs = np.asarray(logits_by_pairs(x), dtype=np.float64)
    expect_close("logits layer by layer", by_layers, E["logits"])
    expect_close("logits pair by pair", by_pairs, E["logits"])
    expect_close("pair by pair minus layer by layer", by_pairs - by_layers, np.zeros(10), tol=1e-9)
    expect_equal("active pairs (pre > 0)", int((pre > 0).sum()), E["active"])
    expect_equal("prediction", int(np.argmax(by_pairs)), E["prediction"])
    diff = float(np.abs(np.asarray(logits_by_pairs(X)) - LOGITS_TEST).max())
    assert diff < 1e-4, f"on the whole test set the two ways differ by up to {diff:.3g}"


check("decomposition identity", _check_identity)

# %% [markdown]
# **What you saw.** The two ways agree up to floating-point rounding: the
# pair sum is not an approximation of the network, it *is* the network. Any
# difference comes from adding the same numbers in another order.

# %% [markdown]
# ## Exercise 4: which pairs matter on one image?
#
# On one image, the active pair $i$ adds $s_i = a_i v_i$ (10 numbers) to the
# logits. To rank pairs you must boil those 10 numbers down to one. Two ways:
#
# - **decision**: $s_i[\text{top}] - s_i[\text{runner-up}]$, what the pair adds
#   to the lead of the predicted digit over the best other digit;
# - **L1**: $\sum_d |s_i[d]|$, how much the pair moves the logits in total.
#
# Write `top_two(logits)`: the top digit (lowest index among tied maxima) and
# the runner-up (the best other digit). Then write `rank_pairs(x)`: all active
# pairs (pre > 0) sorted by decision and by L1, largest first, ties going to
# the lower pair index.
#
# **Predict first.** The check uses a test image the network gets wrong. How
# many of the top 10 pairs will the two rankings share?
#
# *Hints:* `np.lexsort((index, -score))` sorts by score descending, then by
# index. `np.flatnonzero(pre > 0)` lists the active pairs.

# %% tags=["stub"]
def top_two(logits):
    """Returns (top digit, runner-up digit)."""
    # your turn
    raise NotImplementedError


def rank_pairs(x):
    """Returns (by_decision, by_l1): arrays of the active pairs' indices, best first."""
    # your turn
    raise NotImplementedError


# %% tags=["solution"]
def top_two(logits):
    """Returns (top digit, runner-up digit)."""
    order = np.lexsort((np.arange(10), -np.asarray(logits)))
    return int(order[0]), int(order[1])


def rank_pairs(x):
    """Returns (by_decision, by_l1): arrays of the active pairs' indices, best first."""
    pre, a, logits = forward(x)
    top, runner_up = top_two(logits)
    active = np.flatnonzero(pre > 0)
    s = a[active, None] * W2[:, active].T  # (active, 10): the scaled values
    decision = s[:, top] - s[:, runner_up]
    l1 = np.abs(s).sum(axis=1)
    return active[np.lexsort((active, -decision))], active[np.lexsort((active, -l1))]


E = EXPECTED["ranking"]
by_decision, by_l1 = rank_pairs(X[E["image"]])
print("top/runner-up:", top_two(forward(X[E["image"]])[2]), " label:", y[E["image"]])
print("top 10 by decision:", by_decision[:10])
print("top 10 by L1:      ", by_l1[:10])
print("shared:", len(set(by_decision[:10]) & set(by_l1[:10])))

# %% tags=["check"]
def _check_ranking():
    E = EXPECTED["ranking"]
    x = X[E["image"]]
    expect_equal(f"label of test image {E['image']}", int(y[E["image"]]), E["label"])
    top, runner_up = top_two(forward(x)[2])
    expect_equal("top digit", int(top), E["prediction"])
    expect_equal("runner-up", int(runner_up), E["runner_up"])
    by_decision, by_l1 = rank_pairs(x)
    expect_equal("top 10 pairs by decision", as_ints(by_decision[:10]), E["by_decision"])
    expect_equal("top 10 pairs by L1", as_ints(by_l1[:10]), E["by_l1"])
    overlap = len(set(as_ints(by_decision[:10])) & set(as_ints(by_l1[:10])))
    expect_equal("pairs shared by the two top 10s", overlap, E["overlap"])


check("ranking pairs", _check_ranking)

# %% [markdown]
# ## Exercise 5: when does the answer settle?
#
# Start from `B2` alone and add the active pairs one at a time, in decision
# order (from exercise 4). After each pair, ask which digit the partial sum
# predicts. The **flip point** `settles_at` is the smallest $N$ from which
# the prediction stays the final one for every larger $N$. A tie counts as
# an answer of its own: compare the *set* of tied digits, with `winners`
# from the setup cell.
#
# Write `partial_logits(x, order)`: an array with one row for each $N$ from
# 0 to `len(order)`, row $N$ being `B2` plus the first $N$ pairs' $a_i v_i$.
# Then `settles_at(partial)`.
#
# **Predict first.** The check uses three images: the course's easy 0, its
# flat 1 and the mistake from exercise 4. Which one settles after the fewest pairs? Which
# after the largest *fraction* of its active pairs?
#
# *Hints:* `np.cumsum(np.vstack([B2, steps]), axis=0)`. For `settles_at`, walk
# back from the end while the prediction is still the final one.

# %% tags=["stub"]
def partial_logits(x, order):
    """Row N (N = 0 … len(order)): B2 + the first N pairs of `order`."""
    # your turn
    raise NotImplementedError


def settles_at(partial):
    """The smallest N from which winners(partial[n]) equals the final winners for all n ≥ N."""
    # your turn
    raise NotImplementedError


# %% tags=["solution"]
def partial_logits(x, order):
    """Row N (N = 0 … len(order)): B2 + the first N pairs of `order`."""
    _, a, _ = forward(x)
    order = np.asarray(order, dtype=np.int64)
    steps = a[order, None] * W2[:, order].T
    return np.cumsum(np.vstack([B2, steps]), axis=0)


def settles_at(partial):
    """The smallest N from which winners(partial[n]) equals the final winners for all n ≥ N."""
    preds = [winners(row) for row in partial]
    n = len(preds) - 1
    while n > 0 and preds[n - 1] == preds[-1]:
        n -= 1
    return n


fig, ax = plt.subplots(figsize=(7, 3.2))
for e in EXPECTED["flip"]["images"]:
    x = X[e["image"]]
    partial = partial_logits(x, rank_pairs(x)[0])
    final = min(winners(partial[-1]))
    others = np.delete(partial, final, axis=1).max(axis=1)
    lead = partial[:, final] - others
    n = settles_at(partial)
    line, = ax.plot(lead, label=f"{e['role']} (test {e['image']}): settles at {n} of {len(lead) - 1}")
    ax.plot([n], [lead[n]], "v", color=line.get_color())
ax.axhline(0, color="black", lw=0.5)
ax.set_xlabel("N: pairs added, in decision order")
ax.set_ylabel("lead of the final answer")
ax.legend(fontsize=8)
plt.show()
plt.close(fig)

# %% tags=["check"]
def _check_flip():
    for e in EXPECTED["flip"]["images"]:
        x = X[e["image"]]
        what = f"{e['role']} (test image {e['image']})"
        expect_equal(f"label of {what}", int(y[e["image"]]), e["label"])
        order = rank_pairs(x)[0]
        expect_equal(f"active pairs of {what}", len(order), e["active"])
        partial = np.asarray(partial_logits(x, order), dtype=np.float64)
        expect_equal(f"rows of partial_logits for {what}", partial.shape, (e["active"] + 1, 10))
        expect_close(f"last row of partial_logits for {what} (the full logits)",
                     partial[-1], forward(x)[2], tol=1e-9)
        expect_equal(f"settles_at for {what}", int(settles_at(partial)), e["settles_at"])


check("flip point", _check_flip)

# %% [markdown]
# **What you saw.** A flip point belongs to one image under one order. On
# the site, the page on attribution compares it with a random order: a
# ranking is only informative if it settles clearly sooner than that.

# %% [markdown]
# ## Exercise 6: sharp and flat activation profiles
#
# Sort an image's positive activations from largest to smallest: that is its
# **activation profile**. Write `activation_profile(x)`. It returns the
# sorted positive activations, the share of their total carried by the 10
# largest (0 if no pair fires), and the image's ink (the sum of its pixels).
#
# **Predict first.** The check uses the course's two images: the sharp 0
# (the correctly read 0 with the largest top-10 share, the easy 0 of the
# exercises above) and the flat 1 (the correctly read 1 with the smallest).
# Which has more ink? Which has more active pairs?
#
# *Hints:* `np.sort(a[a > 0])[::-1]`.

# %% tags=["stub"]
def activation_profile(x):
    """Returns (positive activations sorted descending, top-10 share, ink)."""
    # your turn
    raise NotImplementedError


# %% tags=["solution"]
def activation_profile(x):
    """Returns (positive activations sorted descending, top-10 share, ink)."""
    _, a, _ = forward(x)
    acts = np.sort(a[a > 0])[::-1]
    share = float(acts[:10].sum() / acts.sum()) if len(acts) else 0.0
    return acts, share, float(np.sum(x))


fig, ax = plt.subplots(figsize=(7, 3.2))
for name in ["sharp", "flat"]:
    e = EXPECTED["profile"][name]
    acts, share, ink = activation_profile(X[e["image"]])
    ax.plot(np.arange(1, len(acts) + 1), acts,
            label=f"{name}: test {e['image']} (a {e['label']}), {len(acts)} active, "
                  f"top-10 share {share:.2f}, ink {ink:.0f}")
ax.set_xlabel("rank")
ax.set_ylabel("activation")
ax.legend(fontsize=8)
plt.show()
plt.close(fig)

# %% tags=["check"]
def _check_profile():
    for name in ["sharp", "flat"]:
        e = EXPECTED["profile"][name]
        what = f"the {name} image (test {e['image']})"
        expect_equal(f"label of {what}", int(y[e["image"]]), e["label"])
        acts, share, ink = activation_profile(X[e["image"]])
        acts = np.asarray(acts, dtype=np.float64)
        expect_equal(f"active pairs of {what}", len(acts), e["active"])
        assert np.all(np.diff(acts) <= 0), f"the activations of {what} are not sorted largest first"
        expect_close(f"top-10 share of {what}", share, e["top10_share"])
        expect_close(f"ink of {what}", ink, e["ink"])


check("activation profile", _check_profile)

# %% [markdown]
# ## Exercise 7: votes for, fires on
#
# Now look at every pair across the whole test set. `A_TEST` (from the setup
# cell) holds the activations: one row per test image, one column per pair.
#
# - A pair **votes for** the digit with the largest entry of its value, if
#   that entry is unique (otherwise it votes for no single digit: `None`).
# - It **fires on** the true digit whose images give it the highest *mean*
#   activation per image (ties: the lowest digit): for each digit, the sum of
#   the pair's activation over that digit's test images divided by how many
#   there are. A mean, not a total, so that digits with more images (there
#   are more 1s than 5s) or more ink do not win by size alone. Its **share**
#   is that digit's mean divided by the sum of the ten means. A pair that
#   never fires fires on nothing: `None`, share 0.
#
# Write `votes_and_fires(A, y)` returning three lists of length H, and
# `agreement(votes_for, fires_on)`: among the pairs with a single vote that
# fire at all, the fraction whose two digits coincide, and how many such
# pairs there are.
#
# **Predict first.** If pairs were digit detectors, the agreement would be
# close to 1. With unrelated labels it would be about 0.1. Where do you put
# your guess?
#
# *Hints:* the mean activation per image of digit `d` is
# `A[y == d].mean(axis=0)`. Use `unique_argmax` from the setup cell.

# %% tags=["stub"]
def votes_and_fires(A, y):
    """Returns (votes_for, fires_on, fires_on_share), each a list with one entry per pair."""
    # your turn
    raise NotImplementedError


def agreement(votes_for, fires_on):
    """Returns (fraction of counted pairs with votes_for == fires_on, counted)."""
    # your turn
    raise NotImplementedError


# %% tags=["solution"]
def votes_and_fires(A, y):
    """Returns (votes_for, fires_on, fires_on_share), each a list with one entry per pair."""
    mass = np.stack([A[y == d].mean(axis=0) for d in range(10)], axis=1)  # (H, 10)
    total = mass.sum(axis=1)
    votes_for = [unique_argmax(W2[:, i]) for i in range(A.shape[1])]
    fires_on = [int(np.argmax(m)) if t > 0 else None for m, t in zip(mass, total)]
    share = [float(m[f] / t) if f is not None else 0.0 for m, t, f in zip(mass, total, fires_on)]
    return votes_for, fires_on, share


def agreement(votes_for, fires_on):
    """Returns (fraction of counted pairs with votes_for == fires_on, counted)."""
    counted = [(v, f) for v, f in zip(votes_for, fires_on) if v is not None and f is not None]
    if not counted:
        return 0.0, 0
    return sum(v == f for v, f in counted) / len(counted), len(counted)


votes_for, fires_on, share = votes_and_fires(A_TEST, y)
fraction, counted = agreement(votes_for, fires_on)
print(f"{counted} pairs fire and have a single vote; {fraction:.1%} vote for the digit they fire on most")
grid = np.zeros((10, 10), dtype=int)
for v, f in zip(votes_for, fires_on):
    if v is not None and f is not None:
        grid[f, v] += 1
fig, ax = plt.subplots(figsize=(4, 3.6))
im = ax.imshow(grid, cmap="Greys")
fig.colorbar(im, ax=ax, fraction=0.046)
ax.set_xlabel("votes for")
ax.set_ylabel("fires on most")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
plt.show()
plt.close(fig)

# %% tags=["check"]
def _check_votes_fires():
    E = EXPECTED["votes_fires"]
    votes_for, fires_on, share = votes_and_fires(A_TEST, y)
    expect_equal("length of votes_for", len(votes_for), H)
    for e in E["examples"]:
        i = e["pair"]
        expect_equal(f"pair {i} votes for", votes_for[i], e["votes_for"])
        expect_equal(f"pair {i} fires on", fires_on[i], e["fires_on"])
        expect_close(f"pair {i}'s fires-on share", share[i], e["fires_on_share"])
    fraction, counted = agreement(votes_for, fires_on)
    expect_equal("pairs counted (firing, with a single vote)", int(counted), E["counted"])
    expect_close("agreement", fraction, E["agreement"], tol=1e-9)


check("votes for vs fires on", _check_votes_fires)

# %% [markdown]
# ## Exercise 8: knock out the pairs that vote for a digit
#
# Take the digit `d = EXPECTED["knockout"]["digit"]` and the `k` pairs whose
# value favours it most: score each pair by $v_i[d] - \max_{c \ne d} v_i[c]$
# and keep the `k` largest (ties: lower index). Then remove them in two ways
# and measure the accuracy on the test images of digit `d`:
#
# - **zero**: their activations become 0 on every image;
# - **mean**: their activations become their mean over the test set.
#
# Write `top_pairs_for(digit, k)`, `knockout_logits(removed, mode)` (the test
# set's logits with the pairs in `removed` replaced; mode `"zero"` or
# `"mean"`) and `accuracy_on(logits, digit)` (the fraction of that digit's
# test images whose unique highest logit is the digit; a tie counts as
# wrong). The check also removes `EXPECTED["knockout"]["control"]`: as many
# pairs drawn at random by kvlens.
#
# **Predict first.** Which hurts the digit more: zero or mean? And the
# random control?
#
# *Hints:* copy `A_TEST`, overwrite its columns `A[:, removed]`, then
# `A @ W2.T + B2`. `np.delete(W2, d, axis=0).max(axis=0)` is the best other
# vote of every pair.

# %% tags=["stub"]
def top_pairs_for(digit, k):
    """The k pairs whose value favours `digit` most (a list of pair indices)."""
    # your turn
    raise NotImplementedError


def knockout_logits(removed, mode):
    """The test set's logits with the pairs in `removed` set to 0 ("zero") or to their mean ("mean")."""
    # your turn
    raise NotImplementedError


def accuracy_on(logits, digit):
    """The fraction of the test images of `digit` whose unique highest logit is `digit`."""
    # your turn
    raise NotImplementedError


# %% tags=["solution"]
def top_pairs_for(digit, k):
    """The k pairs whose value favours `digit` most (a list of pair indices)."""
    score = W2[digit] - np.delete(W2, digit, axis=0).max(axis=0)
    return [int(i) for i in np.lexsort((np.arange(H), -score))[:k]]


def knockout_logits(removed, mode):
    """The test set's logits with the pairs in `removed` set to 0 ("zero") or to their mean ("mean")."""
    removed = list(removed)
    A = A_TEST.copy()
    if mode == "zero":
        A[:, removed] = 0.0
    elif mode == "mean":
        A[:, removed] = A_TEST[:, removed].mean(axis=0)
    else:
        raise ValueError(f"mode must be 'zero' or 'mean', not {mode!r}")
    return A @ W2.T + B2


def accuracy_on(logits, digit):
    """The fraction of the test images of `digit` whose unique highest logit is `digit`."""
    rows = logits[y == digit]
    unique = (rows == rows.max(axis=1, keepdims=True)).sum(axis=1) == 1
    return float(np.mean(unique & (rows.argmax(axis=1) == digit)))


E = EXPECTED["knockout"]
removed = top_pairs_for(E["digit"], E["k"])
runs = {
    "before": knockout_logits([], "zero"),
    "zero": knockout_logits(removed, "zero"),
    "mean": knockout_logits(removed, "mean"),
    "control, zero": knockout_logits(E["control"], "zero"),
}
fig, ax = plt.subplots(figsize=(9, 3.2))
for j, (name, logits) in enumerate(runs.items()):
    ax.bar(np.arange(10) + 0.2 * j - 0.3, [accuracy_on(logits, d) for d in range(10)],
           width=0.2, label=name)
ax.set_xticks(range(10))
ax.set_xlabel("true digit")
ax.set_ylabel("accuracy")
ax.set_title(f"the {E['k']} pairs that vote most for {E['digit']}, removed", fontsize=9)
ax.legend(fontsize=8, loc="lower left")
plt.show()
plt.close(fig)
for name, logits in runs.items():
    print(f"{name:>14}: {accuracy_on(logits, E['digit']):.1%} of the {E['digit']}s")

# %% tags=["check"]
def _check_knockout():
    E = EXPECTED["knockout"]
    d, tol = E["digit"], E["tolerance"]
    expect_equal(f"the {E['k']} pairs that favour {d} most (sorted)",
                 sorted(as_ints(top_pairs_for(d, E["k"]))), sorted(E["removed"]))
    for what, removed, mode in [("before", [], "zero"), ("zero", E["removed"], "zero"),
                                ("mean", E["removed"], "mean"),
                                ("control_zero", E["control"], "zero")]:
        acc = accuracy_on(np.asarray(knockout_logits(removed, mode)), d)
        assert abs(acc - E[what]) <= tol, (
            f"accuracy on the {d}s, {what}: got {acc:.4f}, expected {E[what]:.4f} (± {tol:.4f})")


check("knock-out", _check_knockout)

# %% [markdown]
# **What you saw.** The mean mode keeps the pairs' average push and removes
# only what depends on the image. Whatever accuracy it wins back over the
# zero mode was lost to a missing constant, not to a missing detector.
#
# A third control needs the training set, so it is not done here: zero the
# pairs, then refit the output bias $b_2$ so a constant can make up for them.
# The course page "Pairs across the test set" shows all three modes side by
# side for this network.

# %% [markdown]
# ## Exercise 9: a key as an input
#
# Which image makes $k_i \cdot x$ as large as it can be, with pixels between
# 0 and 1? Full ink where the key is positive, none elsewhere. Write
# `key_to_input(i)`: 784 numbers, 1.0 where `W1[i] > 0`, else 0.0.
#
# **Predict first.** The check uses the pair whose value is the most
# selective: it votes for one digit by the widest margin. Feed its key's
# input to the network. Will the network read it as the digit that the
# value votes for?
#
# *Hints:* `(W1[i] > 0).astype(float)`. Then `forward(x)` and
# `unique_argmax(logits)`.

# %% tags=["stub"]
def key_to_input(i):
    """The input that matches key i best: 1.0 where the key is positive, else 0.0."""
    # your turn
    raise NotImplementedError


# %% tags=["solution"]
def key_to_input(i):
    """The input that matches key i best: 1.0 where the key is positive, else 0.0."""
    return (W1[i] > 0).astype(np.float64)


E = EXPECTED["key_to_input"]
i = E["pair"]
x = key_to_input(i)
pre, a, logits = forward(x)
fig, axes = plt.subplots(1, 3, figsize=(10, 2.8))
show_weights(W1[i], f"key {i}", ax=axes[0])
show(x, f"its input: read as {unique_argmax(logits)}", ax=axes[1])
axes[2].bar(range(10), logits, color="gray")
axes[2].set_xticks(range(10))
axes[2].set_title(f"logits (value {i} votes for {unique_argmax(W2[:, i])})", fontsize=9)
plt.show()
plt.close(fig)
print(f"pre of pair {i} on its own input: {pre[i]:.3f} (= Σ positive key weights + bias)")

# %% tags=["check"]
def _check_key_to_input():
    E = EXPECTED["key_to_input"]
    i = E["pair"]
    x = np.asarray(key_to_input(i), dtype=np.float64)
    expect_equal("shape of the input", x.shape, (784,))
    assert set(np.unique(x)) <= {0.0, 1.0}, "the input should hold only 0.0 and 1.0"
    pre, a, logits = forward(x)
    expect_close(f"pre of pair {i} on its input", pre[i], E["pre"])
    expect_close("logits on the key's input", logits, E["logits"])
    expect_equal("prediction on the key's input", unique_argmax(logits), E["prediction"])
    expect_equal(f"digit value {i} favours", unique_argmax(W2[:, i]), E["value_favours"])


check("key to input", _check_key_to_input)

# %% [markdown]
# Compare the prediction with the digit the value votes for. If they
# differ, the key's best input is not "a picture of the digit the pair is
# for": other pairs fire on it too, and they get a say.
#
# ## Your turn: draw a digit in code
#
# The cell below draws strokes into an empty image with `ink_line` and asks
# the network what it reads. Change the strokes. Can you make an input the
# network reads as a 7 that you would not call a 7? Can you make a 1 that it
# reads as something else? There is no check: compare your drawings with a
# neighbour's.

# %%
def ink_line(img, start, end, width=1.2):
    """Inks (sets to 1.0) the pixels within `width` of the segment start → end,
    given as (row, column) with rows 0 … 27 top to bottom. Changes img in place."""
    rows, cols = np.mgrid[0:28, 0:28]
    p = np.stack([rows, cols], axis=-1).astype(np.float64)
    a, b = np.asarray(start, dtype=np.float64), np.asarray(end, dtype=np.float64)
    ab = b - a
    t = np.clip(((p - a) @ ab) / max(float(ab @ ab), 1e-12), 0.0, 1.0)
    dist = np.linalg.norm(p - (a + t[..., None] * ab), axis=-1)
    img[(dist <= width).ravel()] = 1.0
    return img


mine = np.zeros(784)
ink_line(mine, (6, 8), (6, 20))   # the top bar
ink_line(mine, (6, 20), (23, 12))  # the stem
_, _, logits = forward(mine)
show(mine, f"read as {unique_argmax(logits)}")
print("logits:", np.round(logits, 2))

# %% [markdown]
# ## What you found
#
# - The logits are exactly $b_2$ plus one scaled value per active pair. You
#   computed it both ways and they agreed to rounding (exercise 3).
# - On one image, a few pairs can fix the answer long before all of them are
#   added, but how few depends on the image and on the ranking (exercises 4–6).
# - Across the test set, you counted how often what a pair votes for and
#   what it fires on agree (exercise 7), and how much of a knock-out's damage
#   comes back when the removed pairs keep their average push (exercise 8).
# - A key's best input is a pattern of ink. Whether the network reads it as
#   the digit the pair votes for is a question you answered by running it,
#   not by looking at the key (exercise 9).
#
# **The honest limits.** Every number here is a measurement of this one
# network on the MNIST test set. The words around them, "this pair looks for a
# loop", "these pairs detect 7s", are stories. A story is worth keeping only
# after a measurement like the mean knock-out or a random control has had a
# chance to prove it wrong. A different training run would give other keys
# and other numbers.
#
# Back on the site: the pages *Attribution and the flip point*, *Pairs across
# the test set* and *What this tells us, and what it does not* discuss each
# of these results, and the explorer lets you draw a digit and watch the
# pairs.
