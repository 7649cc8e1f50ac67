#!/usr/bin/env python3
"""Wall time of a warm `kvlens build` of the default workshop: the model
and the analyses cached, one content file changed before each build.

Copies this repository's workshop (workshop.toml, content/, templates/,
theme/) into a temp folder, builds it once to fill the caches (not timed),
then N times appends a sentence to a content file and times the whole
`kvlens -q build` process. With --baseline BIN (e.g. a kvlens built from an
older commit) both binaries are timed the same way, alternating run by run
so both see the same machine load, and the ratio of the medians is printed.

    cargo build --release --locked
    python3 bench/warm_build.py --mnist-dir ../shared/mnist [--baseline /tmp/kvlens-old [--baseline-root DIR]] [--runs 10]
"""
import argparse, kvserve, os, shutil, statistics, subprocess, sys, tempfile, time


def workshop(source):
    work = tempfile.mkdtemp(prefix="kvlens-warm-bench-")
    shutil.copy(os.path.join(source, "workshop.toml"), work)
    for d in ("content", "templates", "theme"):
        shutil.copytree(os.path.join(source, d), os.path.join(work, d))
    return work


def build(binary, work, args):
    env = dict(os.environ, KVLENS_CACHE_DIR=args.cache_dir)
    cmd = [binary, "-q", "--root", work, "--mnist-dir", os.path.abspath(args.mnist_dir), "build"]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if done.returncode != 0:
        sys.exit(f"{binary} build failed:\n{done.stderr}")
    return dt


def main():
    ap = argparse.ArgumentParser()
    kvserve.add_options(ap)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--page", default="content/key-value-view.md")
    ap.add_argument("--baseline", help="another kvlens binary to compare with")
    ap.add_argument("--baseline-root", help="the workshop the baseline builds, when this "
                    "repository's templates are too new for it (e.g. `git archive OLD | tar -x -C DIR`); "
                    "default: this repository's")
    args = ap.parse_args()
    current = os.path.join(kvserve.REPO, "target", "release", "kvlens")
    if not os.path.exists(current):
        sys.exit("build kvlens first: cargo build --release --locked")
    binaries = {"this build": current}
    if args.baseline:
        binaries["baseline"] = os.path.abspath(args.baseline)
    sources = {"this build": kvserve.REPO, "baseline": args.baseline_root or kvserve.REPO}
    works = {name: workshop(sources[name]) for name in binaries}
    try:
        for name, b in binaries.items():
            build(b, works[name], args)  # fills the model and analyses caches
        times = {name: [] for name in binaries}
        for i in range(args.runs):
            for name, b in binaries.items():
                page = os.path.join(works[name], args.page)
                with open(page, "a") as f:
                    f.write(f"\nEdit number {i}.\n")
                times[name].append(build(b, works[name], args))
        for name, ts in times.items():
            ms = [t * 1000 for t in ts]
            print(f"{name}: warm build over {len(ms)} edits of {args.page}: "
                  f"median {statistics.median(ms):.0f} ms, min {min(ms):.0f} ms, max {max(ms):.0f} ms")
        if args.baseline:
            ratio = statistics.median(times["this build"]) / statistics.median(times["baseline"])
            print(f"ratio this build / baseline (medians): {ratio:.2f}")
    finally:
        for w in works.values():
            shutil.rmtree(w, ignore_errors=True)


if __name__ == "__main__":
    main()
