"""Runs a kvlens notebook's code cells in order in one namespace, as a
learner who opened every solution would, and reports its self-checks.

    python3 tests/run_notebook.py NOTEBOOK --model-dir DIR --mnist DIR [--stubs-only]

Default: every code cell runs (setup, the stubs, the hidden solutions, the
checks) with KVLENS_NOTEBOOK_STRICT=1, so a failing check raises; the run
passes when every check the notebook's metadata lists has passed.
--stubs-only leaves the solution cells out, as a learner who has not started
would run it: the run must still finish, every check reporting "not done".
Plots go to matplotlib's Agg backend. Exit 0 on success, 1 otherwise.
"""
import argparse
import json
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--mnist", required=True)
    ap.add_argument("--stubs-only", action="store_true")
    args = ap.parse_args()
    nb = json.load(open(args.notebook, encoding="utf-8"))
    expected = nb["metadata"]["kvlens"]["checks"]
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["KVLENS_MNIST_DIR"] = os.path.abspath(args.mnist)
    if args.stubs_only:
        os.environ.pop("KVLENS_NOTEBOOK_STRICT", None)
    else:
        os.environ["KVLENS_NOTEBOOK_STRICT"] = "1"
    os.chdir(args.model_dir)
    ns = {"__name__": "__main__"}
    ran = 0
    start = time.time()
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if args.stubs_only and "solution" in tags:
            continue
        src = "".join(cell["source"])
        try:
            exec(compile(src, f"<cell {i + 1} {cell.get('id', '')}>", "exec"), ns)
        except Exception as e:  # noqa: BLE001 - report which cell failed
            print(f"FAIL: cell {i + 1} ({cell.get('id', '')}) raised {type(e).__name__}: {e}")
            raise
        ran += 1
    checks = ns.get("KVLENS_CHECKS", [])
    outcomes = {}
    for name, outcome in checks:
        outcomes.setdefault(name, []).append(outcome)
    want = "not done" if args.stubs_only else "passed"
    bad = [
        f"{name}: {outcomes.get(name, ['never run'])}"
        for name in expected
        if outcomes.get(name) != [want]
    ]
    print(f"ran {ran} code cells in {time.time() - start:.1f} s; "
          f"{len(checks)} checks: " + ", ".join(f"{n} {o}" for n, o in checks))
    if bad or not expected:
        print("FAIL: checks not " + want + ": " + "; ".join(bad or ["the notebook lists no checks"]))
        return 1
    print(f"OK: all {len(expected)} checks {want}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
