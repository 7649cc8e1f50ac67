#!/usr/bin/env python3
"""Edit-to-reload latency of `kvlens serve` on the default workshop.

Copies this repository's workshop (workshop.toml, content/, templates/,
theme/) into a temp folder, starts `kvlens serve --port 0` on it (release
build), listens to the page event stream like an open page does, then edits
a content file N times and measures, for each edit, the time from the write
to the `reload` event (the moment an open page starts reloading). Prints the
median, min and max.

    cargo build --release --locked
    python3 bench/serve_latency.py --mnist-dir ../shared/mnist [--cache-dir /tmp/kvc3] [--runs 20] [--kvlens BIN]
"""
import argparse, kvserve, http.client, os, queue, statistics, sys, threading, time



def main():
    ap = argparse.ArgumentParser()
    kvserve.add_options(ap)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--page", default="content/key-value-view.md")
    ap.add_argument("--kvlens", help="the kvlens binary (default: target/release/kvlens)")
    args = ap.parse_args()
    with kvserve.served(args, ["serve", "--port", "0"], "kvlens-serve-bench-") as (proc, work):
        line = proc.stdout.readline()
        url = next(t for t in line.split() if t.startswith("http://127.0.0.1:"))
        host, port = url[len("http://"):].rstrip("/").split(":")
        events = queue.Queue()
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("GET", "/__kvlens/events")
        resp = conn.getresponse()

        def listen():
            for raw in resp:
                if raw.startswith(b"event: "):
                    events.put((time.perf_counter(), raw[7:].strip().decode()))
        threading.Thread(target=listen, daemon=True).start()
        time.sleep(0.5)
        page = os.path.join(work, args.page)
        original = open(page).read()
        latencies = []
        for i in range(args.runs):
            while not events.empty():
                events.get()
            t0 = time.perf_counter()
            with open(page, "w") as f:
                f.write(original + f"\nEdit number {i}.\n")
            while True:
                t, kind = events.get(timeout=30)
                if kind == "reload":
                    latencies.append(t - t0)
                    break
                if kind == "failed":
                    sys.exit("the edited page failed to build")
            time.sleep(0.3)
        ms = [x * 1000 for x in latencies]
        print(f"edit-to-reload over {len(ms)} edits of {args.page}: "
              f"median {statistics.median(ms):.0f} ms, min {min(ms):.0f} ms, max {max(ms):.0f} ms")


if __name__ == "__main__":
    main()
