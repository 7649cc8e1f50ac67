"""Plausible wrong solutions of the notebook's exercises, for
`tests/run_notebook.py --mutants`: each must make its exercise's check fail
with a hint. Most are the kinds an independent TA review tried by hand
(key 28 × 28, no ReLU, all pairs instead of active ones, "first reached"
instead of "settles", plain argmax on ties, …). Each mutant's code runs in
the solved notebook's namespace and redefines the functions it gets wrong.

SPOILERS are expressions over the solved namespace whose values (floats to
4–5 decimals, lists of pairs) must not appear in the learner's notebook.
"""

MUTANTS = [
    # Exercise 1
    dict(check="key and value", name="key reshaped to 28 x 28",
         code="def key_and_value(i):\n    return W1[i].reshape(28, 28), float(B1[i]), W2[:, i]\n"),
    dict(check="key and value", name="value read as a row of W2",
         code="def key_and_value(i):\n    return W1[i], float(B1[i]), W2[i % 10]\n"),
    dict(check="key and value", name="bias from B2",
         code="def key_and_value(i):\n    return W1[i], float(B2[i % 10]), W2[:, i]\n"),
    dict(check="key and value", name="key scaled by 255",
         code="def key_and_value(i):\n    return W1[i] * 255, float(B1[i]), W2[:, i]\n"),
    # Exercise 2
    dict(check="key times image", name="no ReLU (activation = pre)",
         code="def key_times_image(i, x):\n    p = W1[i] * x\n    d = float(p.sum())\n"
              "    return p, d, d + float(B1[i]), d + float(B1[i])\n"),
    dict(check="key times image", name="bias left out of pre",
         code="def key_times_image(i, x):\n    p = W1[i] * x\n    d = float(p.sum())\n"
              "    return p, d, d, max(d, 0.0)\n"),
    dict(check="key times image", name="pixels x 255",
         code="def key_times_image(i, x):\n    p = W1[i] * x * 255\n    d = float(p.sum())\n"
              "    pre = d + float(B1[i])\n    return p, d, pre, max(pre, 0.0)\n"),
    # Exercise 3
    dict(check="decomposition identity", name="forgot B2",
         code="def logits_by_pairs(x):\n    a = np.maximum(np.asarray(x) @ W1.T + B1, 0.0)\n"
              "    return a @ W2.T\n"),
    dict(check="decomposition identity", name="no ReLU (every pair adds pre * value)",
         code="def logits_by_pairs(x):\n    pre = np.asarray(x) @ W1.T + B1\n"
              "    return pre @ W2.T + B2\n"),
    dict(check="decomposition identity", name="works for one image only (raises on a batch)",
         code="def logits_by_pairs(x):\n    a = np.maximum(W1 @ x + B1, 0.0)\n    out = B2.copy()\n"
              "    for i in range(H):\n        out = out + a[i] * W2[:, i]\n    return out\n"),
    # Exercise 4
    dict(check="ranking pairs", name="all pairs instead of the active ones",
         code="def rank_pairs(x):\n    pre, a, logits = forward(x)\n    top, ru = top_two(logits)\n"
              "    idx = np.arange(H)\n    s = a[:, None] * W2.T\n    dec = s[:, top] - s[:, ru]\n"
              "    l1 = np.abs(s).sum(axis=1)\n"
              "    return idx[np.lexsort((idx, -dec))], idx[np.lexsort((idx, -l1))]\n"),
    dict(check="ranking pairs", name="decision score = s[top] only",
         code="_right_rank = rank_pairs\n"
              "def rank_pairs(x):\n    pre, a, logits = forward(x)\n    top, ru = top_two(logits)\n"
              "    act = np.flatnonzero(pre > 0)\n    s = a[act, None] * W2[:, act].T\n"
              "    return act[np.lexsort((act, -s[:, top]))], _right_rank(x)[1]\n"),
    dict(check="ranking pairs", name="L1 without absolute values",
         code="_right_rank = rank_pairs\n"
              "def rank_pairs(x):\n    pre, a, logits = forward(x)\n    act = np.flatnonzero(pre > 0)\n"
              "    s = a[act, None] * W2[:, act].T\n"
              "    return _right_rank(x)[0], act[np.lexsort((act, -s.sum(axis=1)))]\n"),
    dict(check="ranking pairs", name="top_two by ascending argsort (ties go to the higher digit)",
         code="def top_two(logits):\n    o = np.argsort(np.asarray(logits), kind='stable')\n"
              "    return int(o[-1]), int(o[-2])\n"),
    # Exercise 5
    dict(check="flip point", name="the first N that reaches the final answer",
         code="def settles_at(partial):\n    preds = [winners(r) for r in partial]\n"
              "    return next(n for n, p in enumerate(preds) if p == preds[-1])\n"),
    dict(check="flip point", name="plain argmax instead of the set of winners",
         code="def settles_at(partial):\n    preds = [int(np.argmax(r)) for r in partial]\n"
              "    n = len(preds) - 1\n    while n > 0 and preds[n - 1] == preds[-1]:\n        n -= 1\n"
              "    return n\n"),
    dict(check="flip point", name="partial sums without the B2 row",
         code="def partial_logits(x, order):\n    _, a, _ = forward(x)\n    order = np.asarray(order)\n"
              "    return np.cumsum(a[order, None] * W2[:, order].T, axis=0) + B2\n"),
    dict(check="flip point", name="partial sums over all pairs, not the ranked active ones",
         code="def partial_logits(x, order):\n    _, a, _ = forward(x)\n"
              "    steps = a[:, None] * W2.T\n    return np.cumsum(np.vstack([B2, steps]), axis=0)\n"),
    # Exercise 6
    dict(check="activation profile", name="top-10 share by count of pairs",
         code="def activation_profile(x):\n    _, a, _ = forward(x)\n    acts = np.sort(a[a > 0])[::-1]\n"
              "    return acts, min(10, len(acts)) / max(len(acts), 1), float(np.sum(x))\n"),
    dict(check="activation profile", name="ink as the number of inked pixels",
         code="def activation_profile(x):\n    _, a, _ = forward(x)\n    acts = np.sort(a[a > 0])[::-1]\n"
              "    return acts, float(acts[:10].sum() / acts.sum()), float(np.count_nonzero(x))\n"),
    dict(check="activation profile", name="zeros kept in the profile",
         code="def activation_profile(x):\n    _, a, _ = forward(x)\n    acts = np.sort(a)[::-1]\n"
              "    return acts, float(acts[:10].sum() / acts.sum()), float(np.sum(x))\n"),
    # Exercise 7
    dict(check="votes for vs fires on", name="fires on by total activation, not mean",
         code="_right_vf = votes_and_fires\n"
              "def votes_and_fires(A, y):\n    v, _, _ = _right_vf(A, y)\n"
              "    mass = np.stack([A[y == d].sum(axis=0) for d in range(10)], axis=1)\n"
              "    t = mass.sum(axis=1)\n"
              "    f = [int(np.argmax(m)) if s > 0 else None for m, s in zip(mass, t)]\n"
              "    sh = [float(m[k] / s) if k is not None else 0.0 for m, s, k in zip(mass, t, f)]\n"
              "    return v, f, sh\n"),
    dict(check="votes for vs fires on", name="a pair that never fires fires on digit 0",
         code="_right_vf = votes_and_fires\n"
              "def votes_and_fires(A, y):\n    v, f, sh = _right_vf(A, y)\n"
              "    return v, [0 if k is None else k for k in f], sh\n"),
    dict(check="votes for vs fires on", name="agreement over all pairs, not the counted ones",
         code="def agreement(votes_for, fires_on):\n"
              "    return sum(v == f and v is not None for v, f in zip(votes_for, fires_on)) / len(votes_for), "
              "len(votes_for)\n"),
    # Exercise 8
    dict(check="knock-out", name="accuracy by plain argmax (a tie counts as right)",
         code="def accuracy_on(logits, digit):\n    rows = logits[y == digit]\n"
              "    return float(np.mean(rows.argmax(axis=1) == digit))\n"),
    dict(check="knock-out", name="pairs scored by their raw vote W2[d]",
         code="def top_pairs_for(digit, k):\n"
              "    return [int(i) for i in np.lexsort((np.arange(H), -W2[digit]))[:k]]\n"),
    dict(check="knock-out", name="mean over the digit's images only",
         code="def knockout_logits(removed, mode):\n    removed = list(removed)\n    A = A_TEST.copy()\n"
              "    if mode == 'zero':\n        A[:, removed] = 0.0\n"
              "    else:\n        d = GIVENS['knockout']['digit']\n"
              "        A[:, removed] = A_TEST[y == d][:, removed].mean(axis=0)\n"
              "    return A @ W2.T + B2\n"),
    # Exercise 9
    dict(check="key to input", name="the key's weights as the input",
         code="def key_to_input(i):\n    return W1[i].copy()\n"),
    dict(check="key to input", name="ink where the key is negative",
         code="def key_to_input(i):\n    return (W1[i] < 0).astype(np.float64)\n"),
    dict(check="key to input", name="ink 255 instead of 1",
         code="def key_to_input(i):\n    return (W1[i] > 0) * 255.0\n"),
]

SPOILERS = [
    "agreement(*votes_and_fires(A_TEST, y)[:2])[0]",
    "float(key_and_value(GIVENS['key_value']['pair'])[1])",
    "key_times_image(GIVENS['key_times_image'][0]['pair'], X[GIVENS['key_times_image'][0]['image']])[2]",
    "as_ints(rank_pairs(X[GIVENS['ranking']['image']])[0][:10])",
    "as_ints(rank_pairs(X[GIVENS['ranking']['image']])[1][:10])",
    "sorted(as_ints(top_pairs_for(GIVENS['knockout']['digit'], GIVENS['knockout']['k'])))",
    "activation_profile(X[GIVENS['profile']['sharp']['image']])[1]",
    "float(forward(key_to_input(GIVENS['key_to_input']['pair']))[0][GIVENS['key_to_input']['pair']])",
    "[settles_at(partial_logits(X[e['image']], rank_pairs(X[e['image']])[0])) "
    "for e in GIVENS['flip']['images']]",
]
