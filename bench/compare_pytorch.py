#!/usr/bin/env python3
"""Side-by-side training speed: PyTorch vs `kvlens train` on the same CPU.

Recipe (issue: training speed): 784-H-10 MLP with ReLU, cross-entropy,
Adam lr 1e-3, batch 128, all 60 000 MNIST training images, both cores.
Prints wall time (data loading + training), test accuracy and the ratio.

Usage (never run in CI; installs PyTorch into bench/.venv on first use):

    python3 bench/compare_pytorch.py --mnist-dir ../shared/mnist [--hidden 256] [--epochs 5]

The kvlens side runs the release binary (`cargo build --release` first) in a
temporary workshop with its own empty cache, so it trains from scratch; its
time includes process start, loading and verifying MNIST, training and
writing the model cache.
"""

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV = HERE / ".venv"


def ensure_torch():
    """Re-exec inside bench/.venv with torch and numpy installed."""
    try:
        import numpy  # noqa: F401
        import torch  # noqa: F401
        return
    except ImportError:
        pass
    py = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        sys.exit("torch is not importable inside bench/.venv; remove bench/.venv and retry")
    if not py.exists():
        print(f"creating {VENV} and installing torch + numpy (one-off, large download)", file=sys.stderr)
        venv.create(VENV, with_pip=True)
        subprocess.check_call([str(py), "-m", "pip", "install", "-q", "torch", "numpy"])
    os.execv(str(py), [str(py), __file__, *sys.argv[1:]])


def read_idx(path: Path):
    import numpy as np

    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic = int.from_bytes(raw[:4], "big")
    n = int.from_bytes(raw[4:8], "big")
    if magic == 0x803:
        return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, 784)
    return np.frombuffer(raw, dtype=np.uint8, offset=8)


def find(d: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz"):
        if (d / name).exists():
            return d / name
    sys.exit(f"{stem}(.gz) not found in {d}")


def run_pytorch(mnist: Path, hidden: int, epochs: int, threads: int):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(42)
    t0 = time.perf_counter()
    xtr = torch.from_numpy(read_idx(find(mnist, "train-images-idx3-ubyte")).astype("float32") / 255.0)
    ytr = torch.from_numpy(read_idx(find(mnist, "train-labels-idx1-ubyte")).astype("int64"))
    xte = torch.from_numpy(read_idx(find(mnist, "t10k-images-idx3-ubyte")).astype("float32") / 255.0)
    yte = torch.from_numpy(read_idx(find(mnist, "t10k-labels-idx1-ubyte")).astype("int64"))
    model = torch.nn.Sequential(torch.nn.Linear(784, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = xtr.shape[0]
    per_epoch = []
    for _ in range(epochs):
        e0 = time.perf_counter()
        perm = torch.randperm(n)
        for i in range(0, n, 128):
            idx = perm[i : i + 128]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        per_epoch.append(time.perf_counter() - e0)
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    return time.perf_counter() - t0, acc, per_epoch


def run_kvlens(mnist: Path, hidden: int, epochs: int):
    exe = REPO / "target" / "release" / "kvlens"
    if not exe.exists():
        sys.exit("build kvlens first: cargo build --release --locked")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "w"
        root.mkdir()
        (root / "workshop.toml").write_text(
            f"[model]\nhidden = {hidden}\nepochs = {epochs}\nbatch_size = 128\n"
            f"learning_rate = 0.001\noptimizer = \"adam\"\nloss = \"cross_entropy\"\n"
            f"train_images = 60000\nseed = 42\n"
        )
        env = dict(os.environ, KVLENS_CACHE_DIR=str(Path(tmp) / "cache"))
        t0 = time.perf_counter()
        p = subprocess.run(
            [str(exe), "--root", str(root), "--mnist-dir", str(mnist), "--quiet", "train"],
            env=env, capture_output=True, text=True,
        )
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            sys.exit(p.stderr)
        epochs_s = [float(m) for m in re.findall(r"  ([0-9.]+) s$", p.stderr, re.M)]
        acc = float(re.findall(r"test ([0-9.]+) %", p.stderr)[-1]) / 100
        return wall, acc, epochs_s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mnist-dir", type=Path, default=Path(os.environ.get("KVLENS_MNIST_DIR", REPO.parent / "shared" / "mnist")))
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--skip-pytorch", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    if not args.skip_pytorch:
        ensure_torch()
    rows = {}
    if not args.skip_pytorch:
        import torch

        wall, acc, per = run_pytorch(args.mnist_dir, args.hidden, args.epochs, args.threads)
        rows["pytorch"] = dict(version=torch.__version__, wall_s=wall, test_accuracy=acc, epoch_s=per)
    wall, acc, per = run_kvlens(args.mnist_dir, args.hidden, args.epochs)
    rows["kvlens"] = dict(wall_s=wall, test_accuracy=acc, epoch_s=per)
    print(f"recipe: 784-{args.hidden}-10, cross-entropy, Adam 1e-3, batch 128, 60000 images, {args.epochs} epochs, {args.threads} threads")
    for name, r in rows.items():
        eps = sum(r["epoch_s"]) / max(len(r["epoch_s"]), 1)
        print(f"{name:8} wall {r['wall_s']:7.2f} s   {eps:6.3f} s/epoch   test accuracy {100 * r['test_accuracy']:.2f} %")
    if "pytorch" in rows:
        ratio = rows["kvlens"]["wall_s"] / rows["pytorch"]["wall_s"]
        gap = 100 * (rows["pytorch"]["test_accuracy"] - rows["kvlens"]["test_accuracy"])
        print(f"ratio kvlens/pytorch wall time: {ratio:.2f}  (target <= 0.50)   accuracy gap: {gap:+.2f} points (target <= 0.30)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
