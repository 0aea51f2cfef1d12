"""Command line: ``python build.py [build|check|import] [options]``.

Exit codes: 0 ok, 1 content errors, 2 usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from tqdm import tqdm

from .errors import ContentError, Problems
from .reader import read_yaml_file
from .model import Site, load_site
from .sitecheck import check_site
from .state import (BuildLock, BuildState, Summary, content_tree, digest, file_digest, forget_summary,
                    global_key, load_summary, pending_state, save_summary)
from .writer import MARKER, SiteUpdater, SiteWriter, built_id

from . import LUNR_JS, PROJECT

# Rendering and search (Jinja2, jieba's tagger, lunr) are imported by `build` only: `check`
# and `import` start faster without them.



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


def _load(args, parsed: dict | None = None, digests: dict | None = None) -> Site:
    site = load_site(args.content, base_url=args.base_url, parsed=parsed, digests=digests)
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


def _state_file(args) -> Path:
    """The build state lives beside the output, never in it: the site is uploaded as it is."""
    out = args.out.absolute()
    return out.parent / ".edition-cache" / f"{out.name}.state"


def build(args) -> int:
    with BuildLock(_state_file(args)):
        return _build(args)


def _build(args) -> int:
    timings = {}
    started = time.perf_counter()
    state_file = _state_file(args)
    key = global_key(args.content, args.templates, (args.base_url,))
    summary_file = state_file.with_suffix(".summary")
    summary = None if args.clean else load_summary(summary_file)
    tree, tree_digest = content_tree(args.content, summary.tree if summary else {})
    out_name = str(args.out.resolve())
    site_id = built_id(args.out)
    if summary and (summary.global_key, summary.out, summary.tree_digest, summary.build_id) == \
            (key, out_name, tree_digest, site_id) and site_id:
        return _nothing_changed(args, summary, time.perf_counter() - started)
    from .render import Renderer, render_all  # after the check above: these take most of a second to import
    from .search import SearchIndex
    from .words import Segmenter

    state = None if args.clean else BuildState.load_for(state_file, site_id)
    if state is None or state.global_key != key or state.out != out_name:
        state = BuildState(global_key=key, out=out_name)  # nothing to reuse: a full build
    known = {str(args.content / rel): entry[2] for rel, entry in tree.items()}
    site = _load(args, parsed=state.parsed, digests=known)
    timings["read"] = time.perf_counter() - started
    mark = time.perf_counter()
    segmenter = Segmenter(site, args.content / "dict.txt")
    names = digest(sorted(segmenter.names))  # new byline names can change how every text is segmented
    if names != state.names:  # the page keys include the names, so every page is rendered again
        state.names, state.keywords, state.titles, state.months = names, {}, {}, {}
    segmenter.titles = {a.title: state.titles[a.title] for a in site.articles if a.title in state.titles}
    segmenter.add_keywords(site, jobs=args.jobs, known=state.keywords)
    timings["words"] = time.perf_counter() - mark
    renderer = Renderer(site, args.templates, global_key=digest(key, names))
    previous = state.outputs
    incremental = bool(previous)
    outputs: dict[str, str] = {}
    writer = SiteUpdater(args.out, state.spare_id, state.spare) if incremental else SiteWriter(args.out)

    def before_apply() -> None:
        """Record the state of the new site before it goes live, so a kill at any point after
        leaves a state that matches whichever site is in place."""
        state.spare_id, state.spare = (site_id, previous) if incremental else ("", {})  # the live site, next
        state.outputs, state.titles, state.build_id = outputs, segmenter.titles, writer.build_id
        forget_summary(state_file)
        state.save(pending_state(state_file))

    writer.before_apply = before_apply

    def unchanged(path: str, key: str) -> bool:
        return incremental and previous.get(path) == key

    with writer:
        mark = time.perf_counter()
        todo = []
        for job in renderer.jobs():
            outputs[job.path] = job.key
            if not (unchanged(job.path, job.key) and (args.out / job.path).is_file()):
                todo.append(job)
        rendered = render_all(renderer, todo, args.jobs)
        for job, data in tqdm(zip(todo, rendered), total=len(todo), desc="pages", unit="page",
                              disable=args.quiet or None, leave=False):
            writer.write(job.path, data)
        for path, source in renderer.assets():
            outputs[path] = known.get(str(source)) or file_digest(source)  # content files were hashed above
            if not (unchanged(path, outputs[path]) and (args.out / path).is_file()):
                writer.copy(path, source)
        timings["render"] = time.perf_counter() - mark
        mark = time.perf_counter()
        index = SearchIndex(site, segmenter, jobs=args.jobs)
        for path, file_key, data in index.files(state.months, progress=not args.quiet):
            outputs[path] = file_key
            if data is not None and not unchanged(path, file_key):
                writer.write(path, data)
        timings["search"] = time.perf_counter() - mark
        mark = time.perf_counter()
        writer.outputs = outputs
        writer.build_id = digest(sorted(outputs.items()))
    timings["write"] = time.perf_counter() - mark
    os.replace(pending_state(state_file), state_file)
    elapsed = time.perf_counter() - started
    if args.verbose:
        for stage, seconds in timings.items():
            print(f"  {stage:<8}{seconds * 1000:8.0f} ms")
    page_count = sum(len(i.pages) for i in site.issues)
    counts = f"built {len(site.issues)} issues, {len(site.articles)} articles, {page_count} 版面"
    save_summary(summary_file, Summary(key, out_name, tree, tree_digest, writer.build_id,
                                       [str(w) for w in site.warnings], counts))
    if not args.quiet:
        removed = len(previous.keys() - outputs.keys())
        how = f" ({len(outputs) - writer.written} unchanged, {removed} removed)" if incremental else ""
        print(f"{counts}: {writer.written} files written to {args.out}{how} in {elapsed:.2f} s")
    return 0


def _nothing_changed(args, summary: Summary, elapsed: float) -> int:
    """Same code, same content, same output as the last build: nothing to do."""
    if args.strict and summary.warnings:
        raise ContentError(summary.warnings)
    if not args.quiet:
        for warning in summary.warnings:
            print(warning, file=sys.stderr)
        print(f"{summary.line}: nothing changed, 0 files written to {args.out} in {elapsed:.2f} s")
    return 0


def bundle(args) -> int:
    """Build, then zip the site with a 使用说明 page, for reading offline."""
    from .bundle import make_bundle

    code = build(args)
    if code:
        return code
    # the build has just written the archive's own index: read the counts there, not the content again
    index = json.loads((args.out / "data/index.json").read_text(encoding="utf-8"))
    issues = [i for pub in index["publications"] for i in pub["issues"]]
    latest = max((dt.date.fromisoformat(i["date"]) for i in issues), default=None)
    target = args.zip or args.out.absolute().with_name(args.out.absolute().name + ".zip")
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
        problems = check_site(args.out)
        for problem in problems:
            print(f"{args.out}/{problem}", file=sys.stderr)
        if not args.quiet:
            print(f"site {'ok' if not problems else 'has problems'}: {len(problems)} problem(s) in {args.out}")
        return 1 if problems else 0
    site = _load(args)
    if not args.quiet:
        drafts = sum(a.draft for a in site.articles)
        print(f"content ok: {len(site.issues)} issues, {len(site.articles)} articles, "
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
        return usage(f"raw text file {args.raw} not found" if args.raw else "give the raw text file: import RAW.txt")
    if not args.publication:
        return usage("--publication SLUG is required")
    pub_file = args.content / args.publication / "publication.yml"
    if not pub_file.is_file():
        return usage(f"{pub_file} not found; create the publication first (see {args.content}/README.md)")
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
        return usage(f"{args.raw} prints no date; pass --date YYYY-MM-DD")
    target = Target(args.content, args.publication, kind == "periodical", printed or given,
                    date_given=printed is None, page=args.page,
                    page_name=args.page_name or ("要闻" if args.page == 1 else f"第{args.page}版"), force=args.force)
    try:
        written = write_import(args.raw, target, result.drafts, result.meta, result.review)
    except ImportRefused as exc:
        print(f"build.py import: {exc}; nothing was written", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    if not args.quiet:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(result.review.counts().items()))
        print(f"imported {len(result.drafts)} draft items from {args.raw}; to check: {counts or 'nothing'}")
        print(f"review {written[-2]}, fix the drafts, remove `draft: true`, then run `python build.py check`")
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
            print(problem, file=sys.stderr)
        if args.command == "import":
            print(f"import failed: {len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        else:
            print(f"build failed: {len(exc.problems)} problem(s); {args.out} was left unchanged", file=sys.stderr)
        return 1
