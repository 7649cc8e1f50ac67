"""What the serve benchmarks share: their two common options and a
`kvlens serve` (release build) running on a copy of this repository's
workshop (workshop.toml, content/, templates/, theme/) in a temp folder,
stopped and removed on exit."""
import contextlib, os, shutil, subprocess, sys, tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def add_options(ap):
    """--mnist-dir (required) and --cache-dir."""
    ap.add_argument("--mnist-dir", required=True)
    ap.add_argument("--cache-dir", default=os.path.join(tempfile.gettempdir(), "kvlens-bench-cache"))


@contextlib.contextmanager
def served(args, serve_args, prefix):
    """Yields (the serve process with its stdout as text, the workshop copy)."""
    binary = getattr(args, "kvlens", None) or os.path.join(REPO, "target", "release", "kvlens")
    if not os.path.exists(binary):
        sys.exit("build kvlens first: cargo build --release --locked")
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        shutil.copy(os.path.join(REPO, "workshop.toml"), work)
        for d in ("content", "templates", "theme"):
            shutil.copytree(os.path.join(REPO, d), os.path.join(work, d))
        env = dict(os.environ, KVLENS_CACHE_DIR=args.cache_dir)
        proc = subprocess.Popen(
            [binary, "--root", work, "--mnist-dir", os.path.abspath(args.mnist_dir), *serve_args],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
        try:
            yield proc, work
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
