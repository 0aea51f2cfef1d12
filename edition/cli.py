"""Command line: ``python build.py [build|check|import] [options]``.

Exit codes: 0 ok, 1 content errors, 2 usage, 3 environment (a full or read-only disk,
permissions): each ends with one line that says what failed, where, and the system's error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path


from .errors import ContentError, EnvironmentFault, Problems, UsageError
from .facts import escape_controls as _printable
from .reader import read_yaml_file
from .writer import MARKER

from . import LUNR_JS, PROJECT


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build a static digital edition (数字报).")
    parser.add_argument("command", nargs="?", default="build", choices=["build", "check", "import", "serve", "bundle"],
                        help="build (default): content → site; check: validate content only; "
                             "import RAW.txt: raw page text → draft articles; "
                             "serve: build, serve on 127.0.0.1 and rebuild on every change; "
                             "bundle: build, then zip the site for offline use")
    parser.add_argument("raw", nargs="?", type=Path, help="import: the raw text of one page (or one periodical issue)")
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    parser.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    parser.add_argument("--templates", type=Path, default=PROJECT / "templates", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help="public URL of the site, for canonical links; output stays relative")
    parser.add_argument("--clean", action="store_true",
                        help="ignore the previous build's state and build everything")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                        help="worker processes for the search index (default: one per core)")
    parser.add_argument("--zip", type=Path, metavar="FILE", help="bundle: the zip to write (default: <out>.zip)")
    parser.add_argument("--port", type=int, default=8000, help="serve: port on 127.0.0.1 (default 8000; 0 picks one)")
    parser.add_argument("--site", action="store_true",
                        help="with check: check the built output (--out) for broken links and orphans")
    imp = parser.add_argument_group("import")
    imp.add_argument("--publication", metavar="SLUG", help="publication folder under --content")
    imp.add_argument("--date", metavar="YYYY-MM-DD", help="issue date, when the page does not print one")
    imp.add_argument("--page", type=_positive, default=1, metavar="N", help="page (版面) number (default 1)")
    imp.add_argument("--page-name", default="", metavar="NAME", help="版名 (default 要闻 for page 1, else 第N版)")
    imp.add_argument("--force", action="store_true", help="replace files an earlier import wrote")
    loud = parser.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    loud.add_argument("-v", "--verbose", action="store_true", help="print per-stage timings")
    return parser


def _options(args):
    from .pipeline import Options

    return Options(content=args.content, out=args.out, templates=args.templates, base_url=args.base_url,
                   clean=args.clean, strict=args.strict, jobs=args.jobs, progress=not args.quiet and sys.stderr.isatty())


def _print_warnings(args, warnings) -> None:
    if not args.quiet:
        for warning in warnings:
            print(_printable(str(warning)), file=sys.stderr)


def _unsafe_output(args) -> str:
    """Why writing to --out could destroy something that is not a built site, or ''."""
    out, content = args.out.resolve(), args.content.resolve()
    if args.out.is_symlink() and not out.is_dir():
        return f"--out {args.out} is a symbolic link to {out}, which is not a folder"
    if out.exists() and not out.is_dir():
        return f"--out {args.out} is a file, not a folder"
    if out == content or out in content.parents or content in out.parents:
        return f"--out {args.out} overlaps the content folder {args.content}"
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        return f"--out {args.out} is not empty and was not built by build.py (no {MARKER}); refusing to replace it"
    return ""


def _unsafe_base_url(args) -> str:
    """Why --base-url cannot be the site's public address, or ''."""
    from .urls import base_url_problem

    problem = base_url_problem(args.base_url) if args.base_url is not None else ""
    return f"--base-url {problem}" if problem else ""


def build(args, resources=None) -> int:
    from .pipeline import build as run_build

    result = run_build(_options(args), resources)
    for folder in result.cleared:
        print(f"note: removed {folder}, left by a build that was killed", file=sys.stderr)
    _print_warnings(args, result.warnings)
    if args.quiet:
        return 0
    if result.note:
        print(f"note: {result.note}; building everything", file=sys.stderr)
    if args.verbose:
        for stage, seconds in result.stages.items():
            print(f"  {stage:<8}{seconds * 1000:8.0f} ms")
    if result.nothing_changed:
        print(f"{result.counts}: nothing changed, 0 files written to {args.out} in {result.seconds:.2f} s")
        return 0
    how = "" if result.full else f" ({result.files - result.written} unchanged, {result.removed} removed)"
    print(f"{result.counts}: {result.written} files written to {args.out}{how} in {result.seconds:.2f} s")
    return 0


def bundle(args) -> int:
    """Build, then zip the site with a 使用说明 page, for reading offline."""
    from .bundle import default_target, make_bundle

    code = build(args)
    if code:
        return code
    # the build has just written the archive's own index: read the counts there, not the content again
    index = json.loads((args.out / "data/index.json").read_text(encoding="utf-8"))
    issues = [i for pub in index["publications"] for i in pub["issues"]]
    latest = max((dt.date.fromisoformat(i["date"]) for i in issues), default=None)
    target = args.zip or default_target(args.out)
    count = make_bundle(args.out, target, index["title"], index["language"], len(issues),
                        sum(i["articles"] for i in issues), latest)
    if not args.quiet:
        print(f"bundled {count} files into {target} ({target.stat().st_size / 1e6:.1f} MB); "
              "unzip it and open 使用说明.html")
    return 0


def check(args) -> int:
    if args.site:
        if not (args.out / "index.html").is_file():
            print(f"build.py: error: {args.out} holds no built site (no index.html)", file=sys.stderr)
            return 1
        from .sitecheck import check_site

        warnings: list[str] = []
        problems = check_site(args.out, warnings)
        if args.strict:
            problems += warnings
        for problem in problems if args.strict else warnings + problems:
            print(f"{args.out}/{problem}", file=sys.stderr)
        if not args.quiet:
            print(f"site {'ok' if not problems else 'has problems'}: {len(problems)} problem(s) in {args.out}")
        return 1 if problems else 0
    from .load import load_site

    loaded = load_site(args.content, base_url=args.base_url)
    site = loaded.site
    if args.strict and site.warnings:
        raise ContentError(site.warnings)
    _print_warnings(args, site.warnings)
    if not args.quiet:
        drafts = sum(a.draft for a in loaded.articles)
        print(f"content ok: {len(loaded.issues)} issues, {len(loaded.articles)} articles, "
              f"{drafts} drafts, {len(site.warnings)} warnings")
    return 0


def import_raw(args) -> int:
    """Raw page text → draft articles, an issue.yml entry and a review report."""
    from .ingest import import_text
    from .ingest.normalise import read_raw
    from .ingest.write import ImportRefused, Target, write_import

    def usage(message: str) -> int:
        print(f"build.py import: error: {message}", file=sys.stderr)
        return 2

    if args.raw is None or not args.raw.is_file():
        return usage(f"raw text file {_printable(str(args.raw))} not found" if args.raw else
                     "give the raw text file: import RAW.txt")
    if not args.publication:
        return usage("--publication SLUG is required")
    if not (args.content / "site.yml").is_file():
        return usage(f"{args.content / 'site.yml'} not found: {args.content} is not a content folder yet; create "
                     f"site.yml first (the content format: {PROJECT / 'content' / 'README.md'})")
    pub_file = args.content / args.publication / "publication.yml"
    if not pub_file.is_file():
        return usage(f"{pub_file} not found; create the publication first, and list `{args.publication}` under "
                     f"`publications` in site.yml (the content format: {PROJECT / 'content' / 'README.md'})")
    problems = Problems()
    doc = read_yaml_file(pub_file, problems)
    if doc is None:
        raise ContentError(problems.items)
    kind = doc.meta.get("kind", "newspaper")
    result = import_text(read_raw(args.raw), periodical=kind == "periodical")
    given = None
    if args.date:
        try:
            given = dt.date.fromisoformat(args.date)
        except ValueError:
            return usage(f"--date {args.date} is not a date like 2022-06-28")
    printed = dt.date.fromisoformat(result.meta.date) if result.meta.date else None
    if printed and given and printed != given:
        return usage(f"--date {given} contradicts the date printed on line {result.meta.date_line}: {printed}")
    if not (printed or given):
        return usage(f"{_printable(str(args.raw))} prints no date; pass --date YYYY-MM-DD")
    target = Target(args.content, args.publication, kind == "periodical", printed or given,
                    date_given=printed is None, page=args.page,
                    page_name=args.page_name or ("要闻" if args.page == 1 else f"第{args.page}版"), force=args.force)
    try:
        written = write_import(args.raw, target, result.drafts, result.meta, result.review)
    except ImportRefused as exc:
        print(f"build.py import: {exc}; nothing was written", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {_printable(str(path))}")
    if not args.quiet:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(result.review.counts().items()))
        print(f"imported {len(result.drafts)} draft items from {_printable(str(args.raw))}; "
              f"to check: {counts or 'nothing'}")
        print(f"review {_printable(str(written[-2]))}, fix the drafts, remove `draft: true`, "
              f"then run `python build.py check --content {_printable(str(args.content))}`")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command != "import" and args.raw is not None:
        print(f"build.py: error: unexpected argument {args.raw}", file=sys.stderr)
        return 2
    if args.command in ("build", "serve", "bundle") and not LUNR_JS.is_file():
        print(f"build.py: error: {LUNR_JS} not found; install the pinned search assets with `npm ci`",
              file=sys.stderr)
        return 2
    if not (args.command == "check" and args.site) and not args.content.is_dir():
        print(f"build.py: error: content folder {args.content} not found", file=sys.stderr)
        return 2
    unsafe = _unsafe_output(args) if args.command in ("build", "serve", "bundle") else ""
    unsafe = unsafe or _unsafe_base_url(args)
    if not unsafe and args.command == "bundle":
        from .bundle import unsafe_target
        unsafe = unsafe_target(args.zip, args.content, args.out)
    if unsafe:
        print(f"build.py: error: {unsafe}", file=sys.stderr)
        return 2
    try:
        if args.command == "serve":
            from .serve import serve
            return serve(args, build)
        return {"build": build, "check": check, "import": import_raw, "bundle": bundle}[args.command](args)
    except ContentError as exc:
        for problem in exc.problems:
            print(_printable(str(problem)), file=sys.stderr)
        if args.command == "import":
            print(f"import failed: {len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        elif args.command == "check":
            print(f"check failed: {len(exc.problems)} problem(s)", file=sys.stderr)
        else:
            print(f"build failed: {len(exc.problems)} problem(s); {args.out} was left unchanged", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"build.py: interrupted{_left(args)}", file=sys.stderr)
        return 130
    except UsageError as exc:
        print(f"build.py {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except (EnvironmentFault, OSError) as exc:
        fault = exc if isinstance(exc, EnvironmentFault) else EnvironmentFault.from_os_error(
            "cannot use", exc)
        print(f"build.py: error: {_printable(str(fault))}{_left(args)}", file=sys.stderr)
        return 3


def _left(args) -> str:
    """What a command that stopped half-way left as it was."""
    return {"import": "; the drafts are as they were", "check": ""}.get(
        args.command, f"; {args.out} holds the last complete build")

