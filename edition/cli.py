"""Command line: ``python build.py [build|check] [options]``.

Exit codes: 0 ok, 1 content errors, 2 usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .errors import ContentError
from .model import Site, load_site
from .render import LUNR_JS, PROJECT, Renderer
from .search import SearchIndex
from .words import Segmenter
from .sitecheck import check_site
from .writer import MARKER, SiteWriter



def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build a static digital edition (数字报).")
    parser.add_argument("command", nargs="?", default="build", choices=["build", "check"],
                        help="build (default): content → site; check: validate content only")
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    parser.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    parser.add_argument("--templates", type=Path, default=PROJECT / "templates", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help="public URL of the site, for canonical links; output stays relative")
    parser.add_argument("--clean", action="store_true",
                        help="ignore any previous output and build everything (every build is full for now)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                        help="worker processes for the search index (default: one per core)")
    parser.add_argument("--site", action="store_true",
                        help="with check: check the built output (--out) for broken links and orphans")
    loud = parser.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    loud.add_argument("-v", "--verbose", action="store_true", help="print per-stage timings")
    return parser


def _load(args) -> Site:
    site = load_site(args.content, base_url=args.base_url)
    if args.strict and site.warnings:
        raise ContentError(site.warnings)
    if not args.quiet:
        for warning in site.warnings:
            print(warning, file=sys.stderr)
    return site


def _unsafe_output(args) -> str:
    """Why writing to --out could destroy something that is not a built site, or ''."""
    out, content = args.out.resolve(), args.content.resolve()
    if out == content or out in content.parents or content in out.parents:
        return f"--out {args.out} overlaps the content folder {args.content}"
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        return f"--out {args.out} is not empty and was not built by build.py (no {MARKER}); refusing to replace it"
    return ""


def build(args) -> int:
    timings = {}
    started = time.perf_counter()
    site = _load(args)
    timings["read"] = time.perf_counter() - started
    mark = time.perf_counter()
    segmenter = Segmenter(site, args.content / "dict.txt")
    segmenter.add_keywords(site, jobs=args.jobs)
    timings["words"] = time.perf_counter() - mark
    renderer = Renderer(site, args.templates)
    with SiteWriter(args.out) as writer:
        mark = time.perf_counter()
        for path, data in renderer.pages():
            writer.write(path, data)
        for path, source in renderer.assets():
            writer.copy(path, source)
        timings["render"] = time.perf_counter() - mark
        mark = time.perf_counter()
        for path, data in SearchIndex(site, segmenter, jobs=args.jobs).files():
            writer.write(path, data)
        timings["search"] = time.perf_counter() - mark
    elapsed = time.perf_counter() - started
    if args.verbose:
        for stage, seconds in timings.items():
            print(f"  {stage:<8}{seconds * 1000:8.0f} ms")
    if not args.quiet:
        pages = sum(len(i.pages) for i in site.issues)
        print(f"built {len(site.issues)} issues, {len(site.articles)} articles, {pages} 版面: "
              f"{writer.written} files written to {args.out} in {elapsed:.2f} s")
    return 0


def check(args) -> int:
    if args.site:
        if not (args.out / "index.html").is_file():
            print(f"build.py: error: {args.out} holds no built site (no index.html)", file=sys.stderr)
            return 1
        problems = check_site(args.out)
        for problem in problems:
            print(f"{args.out}/{problem}", file=sys.stderr)
        if not args.quiet:
            print(f"site {'ok' if not problems else 'has problems'}: {len(problems)} problem(s) in {args.out}")
        return 1 if problems else 0
    site = _load(args)
    if not args.quiet:
        print(f"content ok: {len(site.issues)} issues, {len(site.articles)} articles, "
              f"{len(site.warnings)} warnings")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "build" and not LUNR_JS.is_file():
        print(f"build.py: error: {LUNR_JS} not found; install the pinned search assets with `npm ci`",
              file=sys.stderr)
        return 2
    if not (args.command == "check" and args.site) and not args.content.is_dir():
        print(f"build.py: error: content folder {args.content} not found", file=sys.stderr)
        return 2
    unsafe = _unsafe_output(args) if args.command == "build" else ""
    if unsafe:
        print(f"build.py: error: {unsafe}", file=sys.stderr)
        return 2
    try:
        return {"build": build, "check": check}[args.command](args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"build failed: {len(exc.problems)} problem(s); {args.out} was left unchanged", file=sys.stderr)
        return 1
