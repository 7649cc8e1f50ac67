#!/usr/bin/env python3
"""Weight of a built site: its total size, what takes the space, and every
HTML page with what a browser loads for it (stylesheets and the fonts and
images they name, scripts, images, icons, inline `url()`s), heaviest first.

Usage (after `kvlens build`):

    python3 bench/site_weight.py [public] [--budget-site-mb 8] [--budget-page-mb 1]

Exits 1 when the site or a page is over its budget, so CI can hold it.
Sizes are bytes on disk (MB = 10^6 bytes); a server that compresses sends
fewer. Standard library only.
"""
import argparse
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class Refs(HTMLParser):
    """What a page makes a browser fetch (not links it merely points to)."""

    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower().split()
            if {"stylesheet", "icon", "preload", "modulepreload"} & set(rel):
                self.refs.append(a["href"])
        elif tag in ("script", "img", "source", "audio", "video", "iframe", "embed") and a.get("src"):
            self.refs.append(a["src"])
        elif tag == "object" and a.get("data"):
            self.refs.append(a["data"])
        if a.get("srcset"):
            self.refs += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]
        if a.get("style"):
            self.refs += CSS_URL.findall(a["style"])


def local(base: Path, ref: str, root: Path):
    """The file `ref` names relative to `base`'s folder, or None (remote, data:, missing)."""
    if ref.startswith(("data:", "#", "mailto:", "javascript:")):
        return None
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return None
    p = (root / path.lstrip("/")) if path.startswith("/") else (base.parent / path)
    p = Path(os.path.normpath(p))
    return p if p.is_file() else None


def page_load(page: Path, root: Path):
    """Every file the page loads, with the page itself."""
    seen = {page}
    todo = []
    parser = Refs()
    text = page.read_text(encoding="utf-8", errors="replace")
    parser.feed(text)
    todo += [(page, r) for r in parser.refs]
    # <style> blocks may load fonts or images too
    for block in re.findall(r"<style[^>]*>(.*?)</style>", text, re.S):
        todo += [(page, r) for r in CSS_URL.findall(block)]
    while todo:
        base, ref = todo.pop()
        f = local(base, ref, root)
        if f is None or f in seen:
            continue
        seen.add(f)
        if f.suffix == ".css":
            css = f.read_text(encoding="utf-8", errors="replace")
            todo += [(f, r) for r in CSS_URL.findall(css) if not r.startswith("#")]
    return seen


def mb(n):
    return f"{n / 1e6:.2f} MB"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("public", nargs="?", default="public")
    ap.add_argument("--budget-site-mb", type=float, default=8.0)
    ap.add_argument("--budget-page-mb", type=float, default=1.0)
    ap.add_argument("--top", type=int, default=12, help="heaviest pages and files to list")
    a = ap.parse_args()
    root = Path(a.public).resolve()
    files = [p for p in root.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    by_kind = {}
    for p in files:
        rel = p.relative_to(root).as_posix()
        top = rel.split("/")[0] if "/" in rel else "(top level)"
        kind = f"{top}/*{p.suffix}"
        by_kind[kind] = by_kind.get(kind, 0) + p.stat().st_size
    print(f"site: {len(files)} files, {mb(total)} (budget {a.budget_site_mb} MB)")
    for kind, n in sorted(by_kind.items(), key=lambda kv: -kv[1])[: a.top]:
        print(f"  {mb(n):>10}  {kind}")
    pages = []
    for p in files:
        if p.suffix != ".html":
            continue
        load = page_load(p, root)
        pages.append((sum(f.stat().st_size for f in load), p, load))
    pages.sort(key=lambda t: (-t[0], str(t[1])))
    print(f"pages with what they load ({len(pages)} pages; budget {a.budget_page_mb} MB each):")
    for n, p, load in pages[: a.top]:
        print(f"  {mb(n):>10}  {p.relative_to(root).as_posix()}  ({len(load)} files)")
    over = [(n, p) for n, p, _ in pages if n > a.budget_page_mb * 1e6]
    bad = False
    if total > a.budget_site_mb * 1e6:
        print(f"OVER: the site is {mb(total)}, over {a.budget_site_mb} MB")
        bad = True
    for n, p in over:
        heaviest = sorted(page_load(p, root), key=lambda f: -f.stat().st_size)[:3]
        what = ", ".join(f"{f.relative_to(root).as_posix()} {mb(f.stat().st_size)}" for f in heaviest)
        print(f"OVER: {p.relative_to(root).as_posix()} loads {mb(n)} (heaviest: {what})")
        bad = True
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
