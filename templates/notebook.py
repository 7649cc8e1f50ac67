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
# 2. In each exercise, read the question and **write your prediction** in
#    the cell "My prediction" below it (double-click the cell to edit it),
#    before you write any code.
# 3. Fill in the function in the cell marked "your turn" and run it.
# 4. Run the check cell below it. It prints ✔ when your numbers agree with
#    kvlens's, ✘ with a hint about what to look at when they do not, and
#    "not done yet" while the function still raises `NotImplementedError`.
#    The checks try your code on cases chosen to catch the usual slips, so a
#    ✘ on a case you did not expect is worth reading.
#
# The learner's copy of this notebook holds no solutions and does not spell
# out the expected answers: the checks compare a fingerprint (a hash) of
# your rounded answer with the fingerprint of kvlens's. The instructor's
# copy has a solution cell after each "your turn" cell. Each exercise's
# header gives its difficulty (★ easy, ★★ medium, ★★★ harder) and the
# minutes it usually takes; all nine take
# about 90 minutes.
#
# ## What you need
#
# - Python 3 with numpy and matplotlib, and something that opens notebooks
#   (see below). No network connection once you have the files.
# - The model file from the site's hands-on page, `{{ nb.model_file }}`
#   (required), and `{{ nb.meta_file }}` (optional: only read to print the
#   training settings), in the same folder as this notebook.
# - The two MNIST test files, `t10k-images-idx3-ubyte.gz` and
#   `t10k-labels-idx1-ubyte.gz` (gzipped or not). Your instructor may hand
#   them out; otherwise download them from a public mirror, for example
#   <https://ossci-datasets.s3.amazonaws.com/mnist/>. The notebook looks
#   for them in the folder named by the environment variable
#   `KVLENS_MNIST_DIR`, else in a folder `mnist` next to the notebook, else
#   next to the notebook itself.
#
# ## Opening the notebook
#
# - **Jupyter, offline:** put the notebook, the model file and the MNIST
#   files (or a folder `mnist` with them) in one folder, open a terminal
#   there and run `jupyter notebook kvlens-notebook.ipynb` (or `jupyter lab`).
# - **VS Code, offline:** open that folder, open the notebook, and pick a
#   Python with numpy and matplotlib as its kernel (VS Code's Jupyter
#   extension asks for it).
# - **Online, in Google Colab:** open <https://colab.research.google.com>,
#   choose *File → Upload notebook* and pick this notebook. Then open the
#   folder pane on the left and upload `{{ nb.model_file }}` and the two
#   MNIST files into it (they land next to the notebook). Colab already has
#   numpy and matplotlib. Uploaded files are gone when the session ends.

# %% tags=["setup"]
import os
import json
import gzip
import math
import hashlib
import traceback

import numpy as np
import matplotlib.pyplot as plt

# Which pairs and images the exercises use (these are givens, not answers).
GIVENS = json.loads(r'''{{ nb.givens_json }}''')
# kvlens's answers, as fingerprints only: a salted SHA-256 of each answer
# (numbers rounded to the quantum q). A check fingerprints your answer the
# same way and compares, so this notebook does not give the answers away.
ANSWERS = json.loads(r'''{{ nb.answers_json }}''')

MODEL_FILE = "{{ nb.model_file }}"
META_FILE = "{{ nb.meta_file }}"
# Where the MNIST files are looked for, in this order.
MNIST_DIRS = [os.environ["KVLENS_MNIST_DIR"]] if os.environ.get("KVLENS_MNIST_DIR") else ["mnist", "."]
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
if sha != GIVENS["model"]["sha256"]:
    raise RuntimeError(
        f"{MODEL_FILE} is not the model this notebook was made for.\n"
        f"  its weights' SHA-256:  {sha}\n"
        f"  this notebook expects: {GIVENS['model']['sha256']}\n"
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
    """Reads the IDX file `base` (or `base`.gz) from the first of MNIST_DIRS
    that has it. Returns the array and the SHA-256 of the decompressed bytes."""
    found_in = [os.path.join(d, n) for d in MNIST_DIRS for n in (base + ".gz", base)]
    path = next((p for p in found_in if os.path.exists(p)), None)
    if path is None:
        raise FileNotFoundError(
            f"MNIST file {base}.gz (or {base}) not found in "
            + " or ".join(repr(os.path.abspath(d)) for d in MNIST_DIRS) + ".\n"
            f"Put {TEST_IMAGES}.gz and {TEST_LABELS}.gz in a folder 'mnist' next to "
            "this notebook (or next to it), or set the environment variable "
            "KVLENS_MNIST_DIR to the folder that holds them."
        )
    name = os.path.basename(path)
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
for what, got, want in [(TEST_IMAGES, images_sha, GIVENS["data"]["test_images"]),
                        (TEST_LABELS, labels_sha, GIVENS["data"]["test_labels"])]:
    if got != want:
        print(f"WARNING: {what} is not the file kvlens used "
              f"(SHA-256 {got[:12]}…, expected {want[:12]}…). The checks will likely fail.")

X = images.reshape(len(images), 784).astype(np.float64) / 255.0  # (n, 784), in [0, 1]
y = labels.astype(np.int64)                                       # (n,), the true digits
print(f"MNIST test set: {len(y)} images")


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


def _h(name, text):
    """The fingerprint of an answer: as kvlens computes it."""
    salt = GIVENS["model"]["sha256"][:16]
    return hashlib.sha256(f"{salt}|{name}|{text}".encode()).hexdigest()[:16]


def _text(v):
    """An exact answer as text: an int, None, or ints joined by commas."""
    if v is None:
        return "None"
    if isinstance(v, (list, tuple, np.ndarray)):
        return ",".join(str(int(i)) for i in v)
    return str(int(v))


def _fmt(v):
    if v is None or isinstance(v, str):
        return repr(v)
    if isinstance(v, (tuple, list)) and all(isinstance(i, (int, np.integer)) for i in v):
        return repr(type(v)(int(i) for i in v))
    try:
        if np.ndim(v) == 0:
            return f"{float(v):.6g}"
        return np.array2string(np.asarray(v, dtype=np.float64), precision=5, separator=", ",
                               max_line_width=120, threshold=20)
    except (TypeError, ValueError):
        return repr(v)


_UNSAID = object()


class CheckFailed(AssertionError):
    """A wrong answer: what was off, what you gave, and where to look."""

    def __init__(self, what, got, hint, want=_UNSAID):
        said = "kvlens's answer differs" if want is _UNSAID else f"expected {_fmt(want)}"
        super().__init__(f"{what}: you gave {_fmt(got)}, {said}.\n  Hint: {hint}")


def matches(key, got):
    """True when got is kvlens's answer `key` (see ANSWERS)."""
    a = ANSWERS[key]
    if "q" in a:
        v = float(got)
        if not math.isfinite(v):
            return False
        cell = math.floor(v / float(a["q"]) + 0.5)
        return any(_h(key, str(cell + j)) == a["h"] for j in (-1, 0, 1))
    if "slack" in a:
        n = int(got)
        return any(_h(key, str(n + j)) == a["h"] for j in range(-a["slack"], a["slack"] + 1))
    return _h(key, _text(got)) == a["h"]


def expect(what, got, key, hint):
    """Raises CheckFailed (with the hint) unless got is kvlens's answer `key`.
    A number agrees within about 1e-5 of its size; a digit, a count or a
    list of pairs exactly."""
    try:
        ok = matches(key, got)
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise CheckFailed(what, got, hint)


def expect_each(what, got, key, n, hint):
    """expect() on each of n numbers (key[0] … key[n-1])."""
    got = np.asarray(got, dtype=np.float64)
    if got.shape != (n,):
        raise CheckFailed(f"the shape of {what}", got.shape, hint, (n,))
    for j in range(n):
        expect(f"{what}[{j}]", got[j], f"{key}[{j}]", hint)


def expect_equal(what, got, want, hint):
    """Raises CheckFailed unless got == want (for things that are not answers:
    shapes, labels, and the made-up cases)."""
    if got != want:
        raise CheckFailed(what, got, hint, want)


def expect_close(what, got, want, hint, tol=1e-9):
    """As expect_equal, for numbers (not answers) within tol."""
    try:
        ok = bool(np.all(np.abs(np.asarray(got, dtype=np.float64) - np.asarray(want, dtype=np.float64)) <= tol))
        ok = ok and np.shape(got) == np.shape(want)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise CheckFailed(what, got, hint, want)


def as_ints(v):
    """A list of Python ints (from a list, tuple or numpy array)."""
    return [int(i) for i in v]


KVLENS_CHECKS = []  # (name, "passed" | "not done" | "failed"), latest run of each check


def check(name, fn, hint):
    """Runs one self-check: fn() returns on success and raises CheckFailed
    with a hint when an answer is off. If your code raises an exception, the
    check says which and where, with the exercise's hint, instead of a
    traceback. Set KVLENS_NOTEBOOK_STRICT=1 to make unfinished or failed
    checks raise."""
    strict = os.environ.get("KVLENS_NOTEBOOK_STRICT") == "1"
    KVLENS_CHECKS[:] = [c for c in KVLENS_CHECKS if c[0] != name]
    try:
        fn()
    except NotImplementedError:
        KVLENS_CHECKS.append((name, "not done"))
        print(f"… {name}: not done yet (fill in the function above and run its cell)")
        if strict:
            raise
        return
    except AssertionError as e:
        KVLENS_CHECKS.append((name, "failed"))
        print(f"✘ {name}: {e}")
        if not isinstance(e, CheckFailed):
            print(f"  Hint: {hint}")
        if strict:
            raise
        return
    except Exception as e:  # noqa: BLE001 - a learner's bug, reported as a hint
        KVLENS_CHECKS.append((name, "failed"))
        frames = [f for f in traceback.extract_tb(e.__traceback__) if f.name != "<module>"]
        inner = frames[-1] if frames else None
        where = f" in {inner.name}(), line {inner.lineno}" if inner else ""
        print(f"✘ {name}: your code raised {type(e).__name__}: {e}{where}.\n  Hint: {hint}")
        if strict:
            raise
        return
    KVLENS_CHECKS.append((name, "passed"))
    print(f"✔ {name}")


def demo(fn):
    """Runs a "see it" cell: its plots need your function, so until it is
    done (or while it raises) this says so instead of showing a traceback."""
    try:
        fn()
    except NotImplementedError:
        print("(this cell shows your result once the function above is filled in)")
    except Exception as e:  # noqa: BLE001 - the check below gives the hint
        plt.close("all")
        print(f"your code raised {type(e).__name__}: {e}. Run the check below for a hint.")


# One batched pass over the test set, shared by the later exercises.
PRE_TEST, A_TEST, LOGITS_TEST = forward(X)  # (n, H), (n, H), (n, 10)
if H != GIVENS["model"]["hidden"]:
    raise RuntimeError(f"the model has {H} pairs, the notebook expects {GIVENS['model']['hidden']}")
_unique = (LOGITS_TEST == LOGITS_TEST.max(axis=1, keepdims=True)).sum(axis=1) == 1
accuracy = float(np.mean(_unique & (LOGITS_TEST.argmax(axis=1) == y)))
print(f"test accuracy here: {100 * accuracy:.2f} % (kvlens: {100 * GIVENS['model']['test_accuracy']:.2f} %)")

# %% [markdown]
# ## Exercise 1: one key, one value
#
# *★☆☆ easy · about 5 minutes*
#
# Pair $i$ is row $i$ of `W1` with bias `B1[i]`, and column $i$ of `W2`.
# Write `key_and_value(i)`: it returns the key (784 numbers), the bias (one
# number) and the value (10 numbers).
#
# **Predict first.** The check uses pair `GIVENS["key_value"]["pair"]`, the
# pair that adds most to the decision on the course's easy 0 (the same image
# and pair as on the page "From the toy to MNIST"). Before you plot it: will
# its key look like a 0? Which digit will its value vote for most?
#
# *Hints:* `W1[i]` is a row; `W2[:, i]` is a column. Plot the key with
# `show_weights(key, "key")` and the value with `plt.bar(range(10), value)`.

# %% [markdown]
# **My prediction:** … *(double-click to write it here, before you run anything)*

# %% tags=["stub"]
def key_and_value(i):
    """Returns (key (784,), bias (float), value (10,)) of pair i."""
    # your turn
    raise NotImplementedError


# %% tags=["solution"]
def key_and_value(i):
    """Returns (key (784,), bias (float), value (10,)) of pair i."""
    return W1[i], float(B1[i]), W2[:, i]


# %%
# See it: this cell runs your function and shows the result.
def _see():
    i = GIVENS["key_value"]["pair"]
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


demo(_see)

# %% tags=["check"]
def _check_key_and_value():
    E = GIVENS["key_value"]
    key, bias, value = key_and_value(E["pair"])
    key = np.asarray(key, dtype=np.float64)
    value = np.asarray(value, dtype=np.float64)
    expect_equal("the shape of the key", key.shape, (784,),
                 "A key has one weight per pixel: a row of W1, not a column, and not reshaped to 28 × 28.")
    expect_equal("the shape of the value", value.shape, (10,),
                 "A value has one vote per digit: a column of W2, W2[:, i].")
    expect("the bias", bias, "key_value.bias", "The key's bias is B1[i] (B2 is the output bias).")
    hint = "Return row i of W1 as it is: not scaled, not sorted, not transposed."
    expect("the sum of the key's weights", key.sum(), "key_value.key_sum", hint)
    expect("the smallest key weight", key.min(), "key_value.key_min", hint)
    expect("the largest key weight", key.max(), "key_value.key_max", hint)
    expect_each("the value", value, "key_value.value", 10,
                "Column i of W2 (W2[:, i]); W2[i] is a row, the votes of digit i.")
    expect("the digit the value favours", unique_argmax(value), "key_value.favours",
           "The value favours the digit with its largest entry.")


check("key and value", _check_key_and_value,
      "key_and_value(i) returns three things: W1[i] (784 numbers), B1[i] and W2[:, i] (10 numbers).")

# %% [markdown]
# **What you saw.** A key is a pattern of positive and negative weights over
# the pixels; a value is ten votes. Did the key look like the digit its value
# votes for? Keep your answer: exercise 7 tests it on every pair at once.

# %% [markdown]
# ## Exercise 2: the key meets an image
#
# *★☆☆ easy · about 5 minutes*
#
# A pair *matches* an image by the dot product $k_i \cdot x$: multiply each
# pixel by the key's weight there and add up. Then it adds its bias and
# applies ReLU.
#
# Write `key_times_image(i, x)`. It returns four things: the product
# `key * x` (784 numbers, one per pixel), its sum `dot`, `pre = dot + bias`,
# and `activation = max(pre, 0)`.
#
# **Predict first.** The plot below uses an easy 0 and the pair from
# exercise 1, the pair that adds most to the decision on that 0, so it must
# fire. Which pixels can add to its dot product at all? Will most of the
# match come from a few pixels or from the whole ring? The check also tries
# the pair with the lowest match on the same image: what should its
# activation be?
#
# *Hints:* `x * W1[i]` multiplies pixel by pixel. Plot the product with
# `show_weights`.

# %% [markdown]
# **My prediction:** … *(double-click to write it here, before you run anything)*

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


# %%
# See it: this cell runs your function and shows the result.
def _see():
    E = GIVENS["key_times_image"][0]
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


demo(_see)

# %% tags=["check"]
def _check_key_times_image():
    for E in GIVENS["key_times_image"]:
        i, x = E["pair"], X[E["image"]]
        expect_equal(f"the label of test image {E['image']}", int(y[E["image"]]), E["label"],
                     "The MNIST test files are not the standard ones.")
        product, dot, pre, activation = key_times_image(i, x)
        product = np.asarray(product, dtype=np.float64)
        which = f"pair {i} on test image {E['image']}"
        expect_equal(f"the shape of the product of {which}", product.shape, (784,),
                     "The product is pixel by pixel: W1[i] * x, 784 numbers, before any sum.")
        key = f"key_times_image.{E['role']}"
        expect(f"the sum of the product of {which}", product.sum(), f"{key}.dot",
               "Multiply each pixel by the key's weight there (W1[i] * x); the bias is not part of it.")
        expect(f"dot for {which}", dot, f"{key}.dot",
               "dot is the sum of the product, without the bias.")
        expect(f"pre for {which}", pre, f"{key}.pre", "pre is dot plus the key's bias B1[i].")
        expect(f"the activation of {which}", activation, f"{key}.activation",
               "The activation is ReLU(pre) = max(pre, 0): a pair that does not fire gives 0, "
               "never a negative number." if E["role"] == "silent" else
               "The activation is ReLU(pre) = max(pre, 0).")


check("key times image", _check_key_times_image,
      "key_times_image(i, x) returns four things: W1[i] * x, its sum, that sum plus B1[i], "
      "and max(pre, 0). The check also tries a pair that does not fire on the image.")

# %% [markdown]
# ## Exercise 3: the two ways give the same logits
#
# *★★☆ medium · about 10 minutes*
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

# %% [markdown]
# **My prediction:** … *(double-click to write it here, before you run anything)*

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


# %%
# See it: this cell runs your function and shows the result.
def _see():
    E = GIVENS["identity"]
    by_layers = forward(X[E["image"]])[2]
    by_pairs = logits_by_pairs(X[E["image"]])
    print("layer by layer:", np.round(by_layers, 4))
    print("pair by pair:  ", np.round(by_pairs, 4))
    print("largest difference on the whole test set:",
          np.abs(logits_by_pairs(X) - LOGITS_TEST).max())


demo(_see)

# %% tags=["check"]
def _check_identity():
    E = GIVENS["identity"]
    x = X[E["image"]]
    pre, a, by_layers = forward(x)
    by_pairs = np.asarray(logits_by_pairs(x), dtype=np.float64)
    expect_equal("the shape of logits_by_pairs(x) for one image", by_pairs.shape, (10,),
                 "For one image (784,), return 10 logits.")
    expect_each("the logits pair by pair", by_pairs, "identity.logits", 10,
                "Start from B2, then add ReLU(k_i·x + b1_i) * W2[:, i] for every pair i.")
    expect_close("pair by pair minus layer by layer", by_pairs - by_layers, np.zeros(10),
                 "The two ways should agree up to rounding.")
    expect("the number of active pairs (pre > 0)", int((pre > 0).sum()), "identity.active",
           "Count the pairs whose pre is above 0.")
    expect("the prediction", int(np.argmax(by_pairs)), "identity.prediction",
           "The prediction is the digit with the highest logit.")
    batch = np.asarray(logits_by_pairs(X), dtype=np.float64)
    expect_equal("the shape of logits_by_pairs(X) for the whole test set", batch.shape, (len(X), 10),
                 "For a batch (n, 784), return (n, 10): use a[..., i, None] so one line serves both.")
    diff = float(np.abs(batch - LOGITS_TEST).max())
    if not diff < 1e-4:
        raise CheckFailed("the largest difference over the test set", diff,
                          "On some images the two ways disagree: is ReLU applied, and B2 added once per image?")


check("decomposition identity", _check_identity,
      "logits_by_pairs must work for one image (784,) and for a batch (n, 784): "
      "compute a = np.maximum(x @ W1.T + B1, 0), then add a[..., i, None] * W2[:, i] to B2.")

# %% [markdown]
# **What you saw.** The two ways agree up to floating-point rounding: the
# pair sum is not an approximation of the network, it *is* the network. Any
# difference comes from adding the same numbers in another order.

# %% [markdown]
# ## Exercise 4: which pairs matter on one image?
#
# *★★☆ medium · about 15 minutes*
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

# %% [markdown]
# **My prediction:** … *(double-click to write it here, before you run anything)*

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


# %%
# See it: this cell runs your function and shows the result.
def _see():
    E = GIVENS["ranking"]
    by_decision, by_l1 = rank_pairs(X[E["image"]])
    print("top/runner-up:", top_two(forward(X[E["image"]])[2]), " label:", y[E["image"]])
    print("top 10 by decision:", by_decision[:10])
    print("top 10 by L1:      ", by_l1[:10])
    print("shared:", len(set(by_decision[:10]) & set(by_l1[:10])))


demo(_see)

# %% tags=["check"]
def _check_ranking():
    tie = np.array([0.0, 3.0, 1.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    expect_equal("top_two on the made-up logits [0, 3, 1, 3, 0, …]", tuple(as_ints(top_two(tie))), (1, 3),
                 "On a tie the lower digit is the top and the other tied digit the runner-up.")
    plain = np.array([0.5, 0.0, 2.0, 0.0, 0.0, 1.5, 0.0, 0.0, 0.0, 0.0])
    expect_equal("top_two on the made-up logits [0.5, 0, 2, 0, 0, 1.5, …]", tuple(as_ints(top_two(plain))), (2, 5),
                 "The runner-up is the best digit other than the top.")
    E = GIVENS["ranking"]
    x = X[E["image"]]
    expect_equal(f"the label of test image {E['image']}", int(y[E["image"]]), E["label"],
                 "The MNIST test files are not the standard ones.")
    top, runner_up = top_two(forward(x)[2])
    expect("the top digit", int(top), "ranking.prediction", "The top digit is the one with the highest logit.")
    expect("the runner-up", int(runner_up), "ranking.runner_up", "The runner-up is the best digit other than the top.")
    by_decision, by_l1 = rank_pairs(x)
    active = set(as_ints(np.flatnonzero(forward(x)[0] > 0)))
    for name, order in [("by decision", by_decision), ("by L1", by_l1)]:
        expect(f"the length of the ranking {name}", len(order), "ranking.active",
               "Rank the active pairs only (pre > 0), not all pairs: a pair that does not fire adds nothing.")
        expect_equal(f"the pairs in the ranking {name}", sorted(as_ints(order)), sorted(active),
                     "Rank exactly the active pairs (pre > 0), each once.")
    expect("the top 10 pairs by decision", as_ints(by_decision[:10]), "ranking.by_decision",
           "Decision = s_i[top] − s_i[runner-up] with s_i = a_i v_i, largest first "
           "(top and runner-up of the image's logits, not of its label).")
    expect("the top 10 pairs by L1", as_ints(by_l1[:10]), "ranking.by_l1",
           "L1 = the sum of |s_i[d]| over the 10 digits: absolute values, largest first.")
    overlap = len(set(as_ints(by_decision[:10])) & set(as_ints(by_l1[:10])))
    expect("the pairs shared by the two top 10s", overlap, "ranking.overlap", "Count the pairs in both top 10s.")


check("ranking pairs", _check_ranking,
      "top_two(logits) returns two digits; rank_pairs(x) returns two arrays of pair indices, "
      "the active pairs only, best first. np.lexsort((index, -score)) sorts by score, then index.")

# %% [markdown]
# ## Exercise 5: when does the answer settle?
#
# *★★★ harder · about 15 minutes*
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
# **Predict first.** The plot below uses the course's easy 0, a 1, the
# mistake from exercise 4 and the first test image whose answer flips back:
# it reaches its final answer, loses it, and gets it back later. Which of them needs the largest *fraction* of its active pairs
# before it settles? For the image that flips back, how far apart are the
# first time it reaches its answer and the point where it settles?
#
# The check also runs `settles_at` on a few made-up partial sums with ties
# and flips back, where the usual shortcuts give other answers.
#
# *Hints:* `np.cumsum(np.vstack([B2, steps]), axis=0)`. For `settles_at`, walk
# back from the end while the prediction is still the final one.

# %% [markdown]
# **My prediction:** … *(double-click to write it here, before you run anything)*

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


# %%
# See it: this cell runs your function and shows the result.
def _see():
    fig, ax = plt.subplots(figsize=(7, 3.2))
    for e in GIVENS["flip"]["images"]:
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


demo(_see)

# %% tags=["check"]
def _check_flip():
    # Made-up partial sums first (digits 0 and 1 only), chosen so that the
    # usual shortcuts give another answer than the definition.
    def rows(*pairs):
        out = np.zeros((len(pairs), 10)) - 5.0
        out[:, :2] = pairs
        return out

    for what, partial, want, hint in [
        ("one row (no active pair)", rows((1, 0)), 0,
         "With no pair added the prediction of B2 is already the final one: N = 0."),
        ("an answer that flips back", rows((0, 1), (1, 0), (0, 1), (1, 0)), 3,
         "Settling is not the first time the final answer appears: it must stay the final "
         "answer for every larger N. Walk back from the end."),
        ("a tie on the way", rows((0, 1), (2, 1), (1, 1), (2, 1)), 3,
         "A tie is an answer of its own: compare winners(row), the set of tied digits, not np.argmax."),
        ("a final tie", rows((1, 1), (2, 1), (2, 2)), 2,
         "The final answer here is the tie {0, 1}; compare sets of winners."),
    ]:
        expect_equal(f"settles_at on made-up partial sums with {what}", int(settles_at(partial)), want, hint)
    for e in GIVENS["flip"]["images"]:
        x = X[e["image"]]
        what = f"{e['role']} (test image {e['image']})"
        expect_equal(f"the label of {what}", int(y[e["image"]]), e["label"],
                     "The MNIST test files are not the standard ones.")
        order = rank_pairs(x)[0]
        partial = np.asarray(partial_logits(x, order), dtype=np.float64)
        expect(f"the number of rows of partial_logits for {what}, minus 1", len(partial) - 1,
               f"flip.{e['image']}.active",
               "One row per N from 0 (B2 alone) to the number of active pairs: one more row than pairs.")
        expect_equal(f"the columns of partial_logits for {what}", partial.shape[1:], (10,),
                     "Each row holds 10 logits.")
        expect_close(f"the first row of partial_logits for {what}", partial[0], B2,
                     "Row 0 is B2 alone, before any pair.")
        expect_close(f"the last row of partial_logits for {what}", partial[-1], forward(x)[2],
                     "The last row adds every active pair: the full logits.")
        expect(f"settles_at for {what}", int(settles_at(partial)), f"flip.{e['image']}.settles_at",
               "The smallest N from which winners(partial[n]) equals the final winners for every larger n.")


check("flip point", _check_flip,
      "partial_logits(x, order) returns len(order) + 1 rows of 10; settles_at(partial) returns one N.")

# %% [markdown]
# **What you saw.** A flip point belongs to one image under one order. On
# the site, the page on attribution compares it with a random order: a
# ranking is only informative if it settles clearly sooner than that.

# %% [markdown]
# ## Exercise 6: sharp and flat activation profiles
#
# *★☆☆ easy · about 5 minutes*
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

# %% [markdown]
# **My prediction:** … *(double-click to write it here, before you run anything)*

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


# %%
# See it: this cell runs your function and shows the result.
def _see():
    fig, ax = plt.subplots(figsize=(7, 3.2))
    for name in ["sharp", "flat"]:
        e = GIVENS["profile"][name]
        acts, share, ink = activation_profile(X[e["image"]])
        ax.plot(np.arange(1, len(acts) + 1), acts,
                label=f"{name}: test {e['image']} (a {e['label']}), {len(acts)} active, "
                      f"top-10 share {share:.2f}, ink {ink:.0f}")
    ax.set_xlabel("rank")
    ax.set_ylabel("activation")
    ax.legend(fontsize=8)
    plt.show()
    plt.close(fig)


demo(_see)

# %% tags=["check"]
def _check_profile():
    for name in ["sharp", "flat"]:
        e = GIVENS["profile"][name]
        what = f"the {name} image (test {e['image']})"
        expect_equal(f"the label of {what}", int(y[e["image"]]), e["label"],
                     "The MNIST test files are not the standard ones.")
        acts, share, ink = activation_profile(X[e["image"]])
        acts = np.asarray(acts, dtype=np.float64)
        expect(f"the number of activations of {what}", len(acts), f"profile.{name}.active",
               "Keep the positive activations only (a[a > 0]), not the zeros.")
        if not np.all(np.diff(acts) <= 0):
            raise CheckFailed(f"the order of the activations of {what}", acts,
                              "Sort them largest first: np.sort(…)[::-1].")
        expect(f"the top-10 share of {what}", share, f"profile.{name}.top10_share",
               "The sum of the 10 largest activations divided by the sum of all of them "
               "(a share of activation, not of the number of pairs).")
        expect(f"the ink of {what}", ink, f"profile.{name}.ink",
               "Ink is the sum of the image's pixels (between 0 and 1 each), not the number of inked pixels.")


check("activation profile", _check_profile,
      "activation_profile(x) returns the positive activations sorted largest first, a share and the ink.")

# %% [markdown]
# ## Exercise 7: votes for, fires on
#
# *★★★ harder · about 15 minutes*
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

# %% [markdown]
# **My prediction:** … *(double-click to write it here, before you run anything)*

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


# %%
# See it: this cell runs your function and shows the result.
def _see():
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


demo(_see)

# %% tags=["check"]
def _check_votes_fires():
    # A made-up test set of 12 images first: pair 0 is active on three 0s a
    # little and on one 1 a lot, pair 1 never fires, pair 2 ties 3 and 5.
    y_small = np.array([0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    A_small = np.zeros((12, H))
    A_small[:4, 0] = [1.0, 1.0, 1.0, 2.0]
    A_small[[5, 7], 2 % H] = 1.0
    v, f, sh = votes_and_fires(A_small, y_small)
    expect_equal("fires_on of a made-up pair active on three 0s (1 each) and one 1 (2)", f[0], 1,
                 "Use the mean activation per image of each digit, not the total: the 1 wins, 2 against 1.")
    expect_close("its share", sh[0], 2 / 3, "The share is that digit's mean divided by the sum of the ten means.")
    if H > 2:
        expect_equal("fires_on of a made-up pair that never fires", f[1], None,
                     "A pair that never fires fires on nothing: None, share 0.")
        expect_close("its share", sh[1], 0.0, "A pair that never fires has share 0.")
        expect_equal("fires_on of a made-up pair tied between 3 and 5", f[2], 3,
                     "On a tie, the lowest digit.")
    expect_equal("agreement([0, 1, None, 2], [0, 2, 1, None])",
                 tuple(agreement([0, 1, None, 2], [0, 2, 1, None])), (0.5, 2),
                 "Count only the pairs whose vote and fires-on are both not None; "
                 "the fraction is over those pairs, not over all of them.")
    E = GIVENS["votes_fires"]
    votes_for, fires_on, share = votes_and_fires(A_TEST, y)
    expect_equal("the length of votes_for", len(votes_for), H, "One entry per pair.")
    for i in E["pairs"]:
        expect(f"what pair {i} votes for", votes_for[i], f"votes_fires.{i}.votes_for",
               "A pair votes for the digit with the largest entry of its value W2[:, i] (unique_argmax).")
        expect(f"what pair {i} fires on", fires_on[i], f"votes_fires.{i}.fires_on",
               "The true digit whose test images give the pair the highest mean activation.")
        expect(f"pair {i}'s fires-on share", share[i], f"votes_fires.{i}.fires_on_share",
               "That digit's mean activation divided by the sum of the ten means.")
    fraction, counted = agreement(votes_for, fires_on)
    expect("the number of pairs counted", int(counted), "votes_fires.counted",
           "Count only the pairs that have a single vote and fire at all (neither is None).")
    expect("the agreement", fraction, "votes_fires.agreement",
           "Among the counted pairs, the fraction whose two digits are the same.")


check("votes for vs fires on", _check_votes_fires,
      "votes_and_fires(A, y) returns three lists of length H (use the A and y it is given); "
      "agreement returns (fraction, counted).")

# %% [markdown]
# ## Exercise 8: knock out the pairs that vote for a digit
#
# *★★★ harder · about 15 minutes*
#
# Take the digit `d = GIVENS["knockout"]["digit"]` and the `k` pairs whose
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
# wrong). The check also removes `GIVENS["knockout"]["control"]`: as many
# pairs drawn at random by kvlens.
#
# **Predict first.** Which hurts the digit more: zero or mean? And the
# random control?
#
# *Hints:* copy `A_TEST`, overwrite its columns `A[:, removed]`, then
# `A @ W2.T + B2`. `np.delete(W2, d, axis=0).max(axis=0)` is the best other
# vote of every pair.

# %% [markdown]
# **My prediction:** … *(double-click to write it here, before you run anything)*

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


# %%
# See it: this cell runs your function and shows the result.
def _see():
    E = GIVENS["knockout"]
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


demo(_see)

# %% tags=["check"]
def _check_knockout():
    E = GIVENS["knockout"]
    d = E["digit"]
    n = int((y == d).sum())
    # accuracy_on on made-up logits first: every image right, then one tie.
    made_up = np.zeros((len(y), 10))
    made_up[np.arange(len(y)), y] = 1.0
    expect_close(f"accuracy_on(made-up logits that are all right, {d})", accuracy_on(made_up, d), 1.0,
                 f"The fraction of the test images of {d} whose highest logit is {d}.")
    first = int(np.flatnonzero(y == d)[0])
    made_up[first, (d + 1) % 10] = 1.0
    expect_close(f"accuracy_on(the same with a tie on one {d}, {d})", accuracy_on(made_up, d), (n - 1) / n,
                 "A tie counts as wrong: the highest logit must be unique (np.argmax alone picks the lower digit).")
    expect(f"the {E['k']} pairs that favour {d} most (sorted)", sorted(as_ints(top_pairs_for(d, E["k"]))),
           "knockout.removed",
           f"Score each pair by W2[{d}, i] minus its best other vote, max over c ≠ {d} of W2[c, i]; keep the k largest.")
    removed = sorted(as_ints(top_pairs_for(d, E["k"])))
    mean_mode = np.asarray(knockout_logits(removed, "mean"), dtype=np.float64)
    expect_equal("the shape of knockout_logits", mean_mode.shape, LOGITS_TEST.shape,
                 "One row of 10 logits per test image.")
    expect_close("the average over the test set of the logits with the pairs set to their mean",
                 mean_mode.mean(axis=0), LOGITS_TEST.mean(axis=0),
                 "Each removed pair's activation becomes its mean over the whole test set (every digit), "
                 "so on average over the test set the logits do not change.", tol=1e-6)
    for what, pairs, mode, hint in [
        ("before any knock-out", [], "zero", "With nothing removed, knockout_logits gives the usual logits."),
        ("zero", removed, "zero", "Set the removed pairs' activations to 0 on every image."),
        ("mean", removed, "mean",
         "Set each removed pair's activation to its mean over the whole test set (all digits, not only "
         f"the {d}s)."),
        ("the random control, zero", E["control"], "zero", "Remove the control's pairs, set to 0."),
    ]:
        acc = accuracy_on(np.asarray(knockout_logits(pairs, mode), dtype=np.float64), d)
        key = "knockout." + {"before any knock-out": "before", "the random control, zero": "control_zero"}.get(what, what)
        expect(f"the {d}s read correctly (of {n}), {what}", round(float(acc) * n), key,
               hint + " (The check counts the images, give or take two.)")


check("knock-out", _check_knockout,
      "top_pairs_for returns k pair indices; knockout_logits returns the test set's (n, 10) logits; "
      "accuracy_on returns a fraction.")

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
# *★☆☆ easy · about 5 minutes*
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

# %% [markdown]
# **My prediction:** … *(double-click to write it here, before you run anything)*

# %% tags=["stub"]
def key_to_input(i):
    """The input that matches key i best: 1.0 where the key is positive, else 0.0."""
    # your turn
    raise NotImplementedError


# %% tags=["solution"]
def key_to_input(i):
    """The input that matches key i best: 1.0 where the key is positive, else 0.0."""
    return (W1[i] > 0).astype(np.float64)


# %%
# See it: this cell runs your function and shows the result.
def _see():
    E = GIVENS["key_to_input"]
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


demo(_see)

# %% tags=["check"]
def _check_key_to_input():
    i = GIVENS["key_to_input"]["pair"]
    x = np.asarray(key_to_input(i), dtype=np.float64)
    expect_equal("the shape of the input", x.shape, (784,), "One number per pixel.")
    if not set(np.unique(x)) <= {0.0, 1.0}:
        raise CheckFailed("the input's pixel values", np.unique(x),
                          "Only 1.0 (full ink) and 0.0 (none): not the weights themselves, not 255.")
    pre, a, logits = forward(x)
    expect(f"pre of pair {i} on its input", pre[i], "key_to_input.pre",
           "Ink where the key is positive (W1[i] > 0), nowhere else: then k·x is as large as it can be.")
    expect_each("the logits on the key's input", logits, "key_to_input.logits", 10,
                "Ink exactly the pixels where W1[i] > 0.")
    expect("the prediction on the key's input", unique_argmax(logits), "key_to_input.prediction",
           "The network's answer is the digit with the unique highest logit.")
    expect(f"the digit value {i} favours", unique_argmax(W2[:, i]), "key_to_input.value_favours",
           "The model's weights are not the ones this notebook was made for.")


check("key to input", _check_key_to_input,
      "key_to_input(i) returns 784 numbers, 1.0 where W1[i] > 0 and 0.0 elsewhere.")

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
