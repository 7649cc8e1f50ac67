#!/usr/bin/env python3
"""A room of learners on `kvlens serve --lan`: many devices load the home
page, the deck and the explorer at the same moment.

Copies this repository's workshop (workshop.toml, content/, templates/,
theme/) into a temp folder, starts `kvlens serve --lan --port 0` on it
(release build) and takes the first room address it prints (a request from
that address is a LAN peer, so it gets what a learner's phone gets: no
reload script). Then N clients (one process each, so that
they do not queue for one Python lock), released together, each load
the three pages in turn the way a browser does: the page, then every file
it makes the browser fetch (script src, img src, stylesheets and icon
links, and the fonts the stylesheets name), up to 6 at once per client
(a browser's connections per host). Prints, over all clients, the median
and the worst time for one request and for one whole page (the page and
all its files), and whether any client waited more than 1 s for a page.

The clients run on the same machine as the server (they share its cores),
so the numbers are an upper bound for a room whose devices are elsewhere.

    cargo build --release --locked
    python3 bench/serve_room.py --mnist-dir ../shared/mnist [--cache-dir DIR] [--clients 50] [--rounds 3]
"""
import argparse, kvserve, http.client, multiprocessing, os, re, statistics, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

PAGES = ["/index.html", "/deck.html", "/explorer.html"]


def get(host, port, path):
    """One request on its own connection (serve closes each): (seconds, status, body)."""
    t = time.perf_counter()
    c = http.client.HTTPConnection(host, port, timeout=30)
    try:
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        return time.perf_counter() - t, r.status, body
    finally:
        c.close()


def assets(page, html):
    """The files a browser fetches for `page` by itself (not links followed)."""
    text = html.decode("utf-8", "replace")
    refs = re.findall(r'\bsrc="([^"]+)"', text)
    for tag in re.findall(r"<link\b[^>]*>", text):
        if re.search(r'rel="(stylesheet|icon)"', tag):
            m = re.search(r'href="([^"]+)"', tag)
            if m:
                refs.append(m.group(1))
    out = []
    for ref in refs:
        if ref.startswith(("data:", "http:", "https:", "#")):
            continue
        path = urlsplit(urljoin("http://x" + page, ref)).path
        if path not in out:
            out.append(path)
    return out


def cpu_seconds(pid):
    """User + system CPU time of process `pid` (Linux /proc; None elsewhere)."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def client(host, port, files, args, start, out):
    """One device, in a process of its own (no lock shared with the others):
    loads the pages `args.rounds` times; puts its timings on `out`."""
    requests, loads, errors = [], [], []
    pool = ThreadPoolExecutor(max_workers=args.parallel)
    start.wait()
    try:
        for _ in range(args.rounds):
            for page in PAGES:
                t0 = time.perf_counter()
                results = [get(host, port, page)]
                results += list(pool.map(lambda p: get(host, port, p), files[page]))
                loads.append((time.perf_counter() - t0, page))
                for (dt, status, _), path in zip(results, [page] + files[page]):
                    requests.append(dt)
                    if status != 200:
                        errors.append(f"{path}: HTTP {status}")
    except Exception as e:  # a refused or reset connection
        errors.append(repr(e))
    pool.shutdown()
    out.put((requests, loads, errors))


def main():
    ap = argparse.ArgumentParser()
    kvserve.add_options(ap)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3, help="times the whole room loads the three pages")
    ap.add_argument("--parallel", type=int, default=6, help="connections at once per client")
    args = ap.parse_args()
    with kvserve.served(args, ["-q", "serve", "--lan", "--port", "0"], "kvlens-room-bench-") as (proc, work):
        banner = []
        while not banner or not banner[-1].startswith("warning:"):
            line = proc.stdout.readline()
            if not line:
                sys.exit("serve --lan stopped:\n" + "".join(banner))
            banner.append(line)
        urls = [t for l in banner[1:] for t in l.split() if t.startswith("http://") and "127.0.0.1" not in t]
        if not urls:
            sys.exit("serve --lan printed no room address:\n" + "".join(banner))
        host, port = urlsplit(urls[0]).hostname, urlsplit(urls[0]).port
        # The pages' files, found once (every client fetches the same).
        files = {}
        for page in PAGES:
            _, status, body = get(host, port, page)
            if status != 200:
                sys.exit(f"{page}: HTTP {status}")
            files[page] = assets(page, body)
        css = [p for ps in files.values() for p in ps if p.endswith(".css")]
        for sheet in dict.fromkeys(css):
            _, _, body = get(host, port, sheet)
            for ref in re.findall(r'url\("?([^")]+)"?\)', body.decode("utf-8", "replace")):
                path = urlsplit(urljoin("http://x" + sheet, ref)).path
                for page, ps in files.items():
                    if sheet in ps and path not in ps:
                        ps.append(path)
        ctx = multiprocessing.get_context("fork")
        start = ctx.Barrier(args.clients + 1)
        out = ctx.Queue()
        procs = [ctx.Process(target=client, args=(host, port, files, args, start, out))
                 for _ in range(args.clients)]
        for p in procs:
            p.start()
        start.wait()
        cpu0 = cpu_seconds(proc.pid)
        t_all = time.perf_counter()
        requests, loads, errors = [], [], []
        for _ in procs:
            r, l, e = out.get()
            requests += r
            loads += l
            errors += e
        wall = time.perf_counter() - t_all
        cpu1 = cpu_seconds(proc.pid)
        for p in procs:
            p.join()
        ms = lambda xs: [x * 1000 for x in xs]
        req = ms(requests)
        print(f"{args.clients} clients x {args.rounds} rounds of {', '.join(PAGES)} "
              f"({', '.join(f'{p}: 1 + {len(files[p])} files' for p in PAGES)}), "
              f"up to {args.parallel} connections per client, on {os.cpu_count()} cores, in {wall:.1f} s")
        print(f"requests: {len(req)}, median {statistics.median(req):.0f} ms, worst {max(req):.0f} ms")
        for page in PAGES:
            pl = ms([t for t, p in loads if p == page])
            print(f"whole page {page}: median {statistics.median(pl):.0f} ms, worst {max(pl):.0f} ms")
        if cpu0 is not None and cpu1 is not None:
            print(f"server CPU time: {cpu1 - cpu0:.2f} s of {wall:.1f} s (the rest went to the clients)")
        worst = max(t for t, _ in loads)
        print(f"worst whole page: {worst * 1000:.0f} ms -> "
              f"{'every client served within 1 s' if worst <= 1.0 else 'SOME CLIENT WAITED MORE THAN 1 s'}")
        if errors:
            print(f"errors: {len(errors)}, e.g. {errors[:3]}")
            sys.exit(1)


if __name__ == "__main__":
    main()
