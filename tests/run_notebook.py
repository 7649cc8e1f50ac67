"""Runs a kvlens notebook's code cells in order in one namespace and reports
its self-checks. Needs a Python with numpy and matplotlib (on Debian:
/usr/bin/python3 with python3-numpy and python3-matplotlib).

    python3 tests/run_notebook.py NOTEBOOK --model-dir DIR --mnist DIR
        [--solutions INSTRUCTOR.ipynb] [--stubs-only] [--mutants FILE]

NOTEBOOK is the learner's (no solution cells) or the instructor's (with
them). With --solutions, the instructor's solution cells are put after the
learner's stubs, one for one, after checking that every other cell of the
two notebooks is the same (one source, two editions); the learner's
notebook must then hold none of the answers the solutions compute (the
SPOILERS of the --mutants file, when given).

Every code cell runs with KVLENS_NOTEBOOK_STRICT=1, so a failing check
raises; the run passes when every check the notebook's metadata lists has
passed. Without any solution cell (or with --stubs-only, which leaves them
out) every check must say "not done" instead, as for a learner who has not
started.

--mutants FILE (a Python file defining MUTANTS, see tests/notebook_mutants.py)
then tries each plausible wrong solution: its code replaces the right one,
its exercise's check runs again, and that check must fail with a hint (no
traceback) while the right solutions passed. A table of the outcomes is
printed. Plots go to matplotlib's Agg backend. Exit 0 on success, 1 otherwise.
"""
import argparse
import contextlib
import io
import json
import os
import runpy
import sys
import time


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def merge(learner, instructor):
    """The learner's cells with the instructor's solutions after the stubs."""
    sols = [c for c in instructor["cells"] if "solution" in tags(c)]
    rest = [c for c in instructor["cells"] if "solution" not in tags(c)]
    mine = learner["cells"]
    if any("solution" in tags(c) for c in mine):
        sys.exit("FAIL: the learner's notebook has solution cells")
    if [(c["cell_type"], c["source"]) for c in rest] != [(c["cell_type"], c["source"]) for c in mine]:
        sys.exit("FAIL: the two notebooks differ in more than the solution cells")
    out, k = [], 0
    for c in mine:
        out.append(c)
        if "stub" in tags(c):
            out.append(sols[k])
            k += 1
    if k != len(sols):
        sys.exit(f"FAIL: {len(sols)} solutions for {k} stubs")
    return out


def run_cell(cell, ns, i):
    src = "".join(cell["source"])
    try:
        exec(compile(src, f"<cell {i + 1} {cell.get('id', '')}>", "exec"), ns)
    except Exception as e:  # noqa: BLE001 - report which cell failed
        print(f"FAIL: cell {i + 1} ({cell.get('id', '')}) raised {type(e).__name__}: {e}")
        raise


def try_mutants(mutants, cells, ns):
    """Each mutant's check must fail with a hint. Returns the failures."""
    check_cells = {}
    for c in cells:
        if "check" in tags(c):
            src = "".join(c["source"])
            name = src.split('check("', 1)[1].split('"', 1)[0]
            check_cells[name] = src
    os.environ["KVLENS_NOTEBOOK_STRICT"] = "0"
    bad = []
    print(f"{'exercise check':<24} {'wrong solution':<58} outcome")
    for m in mutants:
        mns = dict(ns)
        exec(compile(m["code"], f"<mutant {m['name']}>", "exec"), mns)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(check_cells[m["check"]], f"<check {m['check']}>", "exec"), mns)
        said = out.getvalue()
        outcome = dict(ns["KVLENS_CHECKS"]).get(m["check"])
        caught = outcome == "failed" and "Hint:" in said and "Traceback" not in said
        first = said.strip().splitlines()[0] if said.strip() else ""
        print(f"{m['check']:<24} {m['name']:<58} {'caught' if caught else 'NOT CAUGHT'}: {first[:150]}")
        if not caught:
            bad.append(f"{m['name']} ({m['check']}): {outcome}: {said.strip()}")
    return bad


def spoilers_in(text, ns, spoilers):
    """The spoilers (expressions over the solved namespace) found in text."""
    found = []
    for expr in spoilers:
        value = eval(expr, ns)  # noqa: S307 - our own test expressions
        forms = []
        # Only distinctive values: a float with three or more decimals, a
        # list of three or more pairs (a 1.0 or "5, 7" is everywhere).
        if isinstance(value, float) and len(f"{value:.4f}".rstrip("0").split(".")[1]) >= 3:
            forms = [f"{value:.4f}", f"{value:.5f}", repr(value)]
        elif isinstance(value, (list, tuple)) and len(value) >= 3:
            ints = [str(int(v)) for v in value]
            forms = [", ".join(ints), ",".join(ints)]
        for f in forms:
            if f in text:
                found.append(f"{expr} = {f}")
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--mnist", required=True)
    ap.add_argument("--solutions")
    ap.add_argument("--stubs-only", action="store_true")
    ap.add_argument("--mutants")
    args = ap.parse_args()
    text = open(args.notebook, encoding="utf-8").read()
    nb = json.loads(text)
    expected = nb["metadata"]["kvlens"]["checks"]
    cells = nb["cells"]
    if args.solutions:
        cells = merge(nb, json.load(open(args.solutions, encoding="utf-8")))
    if args.stubs_only:
        cells = [c for c in cells if "solution" not in tags(c)]
    solved = any("solution" in tags(c) for c in cells)
    extra = runpy.run_path(args.mutants) if args.mutants else {}
    if args.mutants and not solved:
        sys.exit("FAIL: --mutants needs the solutions")
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["KVLENS_MNIST_DIR"] = os.path.abspath(args.mnist)
    if solved:
        os.environ["KVLENS_NOTEBOOK_STRICT"] = "1"
    else:
        os.environ.pop("KVLENS_NOTEBOOK_STRICT", None)
    os.chdir(args.model_dir)
    ns = {"__name__": "__main__"}
    ran = 0
    start = time.time()
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        run_cell(cell, ns, i)
        ran += 1
    checks = list(ns.get("KVLENS_CHECKS", []))
    outcomes = {}
    for name, outcome in checks:
        outcomes.setdefault(name, []).append(outcome)
    want = "passed" if solved else "not done"
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
    if args.solutions and extra.get("SPOILERS"):
        found = spoilers_in(text, ns, extra["SPOILERS"])
        if found:
            print("FAIL: the learner's notebook gives away answers: " + "; ".join(found))
            return 1
        print(f"OK: none of {len(extra['SPOILERS'])} answers appears in the learner's notebook")
    if args.mutants:
        failures = try_mutants(extra["MUTANTS"], cells, ns)
        if failures:
            print("FAIL: wrong solutions not caught:\n" + "\n".join(failures))
            return 1
        print(f"OK: all {len(extra['MUTANTS'])} wrong solutions caught, each with a hint")
    return 0


if __name__ == "__main__":
    sys.exit(main())
