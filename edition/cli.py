"""Command line: ``python build.py [build|check|import|serve|bundle] [options]``.

One argparse sub-parser per command, each with its own ``--help`` and only the options that do
something for it (shared ones are defined once, as parents); an option another command takes is
a usage error that names it. Arguments that start with an option mean ``build``.

Exit codes: 0 ok, 1 content errors, 2 usage (including a ``serve`` port that cannot be listened
on), 3 environment (a full or read-only disk, permissions), 130 interrupted: each ends with one
line, ``build.py COMMAND: error: …``, that says what failed, where, and the system's error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
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


COMMANDS = ("build", "check", "import", "serve", "bundle")


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535 (0 picks a free one), got {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    """One sub-parser per command; each takes only the options that do something for it."""
    def options(*adders) -> argparse.ArgumentParser:
        shared = argparse.ArgumentParser(add_help=False)
        for add in adders:
            add(shared)
        return shared

    def common(p):
        p.add_argument("--content", type=Path, default=Path("content"), metavar="DIR", help="content folder (default: content)")
        loud = p.add_mutually_exclusive_group()
        loud.add_argument("-q", "--quiet", action="store_true", help="print errors only")
        loud.add_argument("-v", "--verbose", action="store_true", help="print per-stage timings")

    def strict(p):
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    def base_url(p):
        p.add_argument("--base-url", metavar="URL", help="public URL of the site, for canonical links; output stays relative")

    def out(p):
        p.add_argument("--out", type=Path, default=Path("site"), metavar="DIR", help="output folder (default: site)")

    def building(p):
        p.add_argument("--clean", action="store_true", help="ignore the previous build's state and build everything")
        p.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                       help="worker processes for the search index (default: one per core)")
        p.add_argument("--templates", type=Path, default=PROJECT / "templates", help=argparse.SUPPRESS)

    def drafts(p):
        p.add_argument("--drafts", action="store_true",
                       help="also build the articles marked `draft: true` (left out by default)")

    builds = [options(common, out, base_url, strict, building)]
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build a static digital edition (数字报).",
        epilog="`python build.py [options]` is `python build.py build [options]`. "
               "`python build.py COMMAND --help` lists the options of one command.")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    commands.add_parser("build", parents=[*builds, options(drafts)], help="content → site (the default)",
                        description="Build the site from the content folder into --out.")
    check = commands.add_parser("check", parents=[options(common, out, base_url, strict)],
                                help="validate the content, or the built site, without building",
                                description="Validate the content folder and list its warnings and drafts; "
                                            "with --site, check the built site in --out instead.")
    check.add_argument("--site", action="store_true",
                       help="check the built output (--out) for broken links and orphans")
    imp = commands.add_parser("import", parents=[options(common)], help="a page PDF or raw page text → draft articles",
                              description="Turn a page PDF (one 版 per PDF page: articles, page image, hotspots) "
                                          "or the raw text of one page (or one periodical issue) into draft "
                                          "articles, issue.yml entries and a review report.")
    imp.add_argument("raw", nargs="?", type=Path, metavar="PAGE.pdf|RAW.txt",
                     help="the page PDF as the layout system exports it, or the raw text of one page "
                          "(or one periodical issue)")
    imp.add_argument("--publication", metavar="SLUG", help="publication folder under --content (required)")
    imp.add_argument("--date", metavar="YYYY-MM-DD", help="issue date, when the page does not print one")
    imp.add_argument("--page", type=_positive, metavar="N",
                     help="page (版面) number (default 1); of a PDF's first page (default: as its running head "
                          "prints it, else 1)")
    imp.add_argument("--page-name", default="", metavar="NAME", help="版名 (default 要闻 for page 1, else 第N版)")
    imp.add_argument("--force", action="store_true", help="replace files an earlier import wrote")
    serve = commands.add_parser(
        "serve", parents=builds, help="build with drafts, serve on 127.0.0.1 and rebuild on every change",
        description="Build (drafts included, as a preview should show them), serve the site and rebuild "
                    "whenever the content or the templates change; open pages reload by themselves.")
    serve.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                       help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 shows the "
                            "drafts to the whole network)")
    serve.add_argument("--port", type=_port, default=8000, metavar="N", help="port (default 8000; 0 picks a free one)")
    serve.set_defaults(drafts=True)
    bundle = commands.add_parser("bundle", parents=[*builds, options(drafts)],
                                 help="build, then zip the site for reading offline",
                                 description="Build, then zip the site with a 使用说明 page, for reading offline.")
    bundle.add_argument("--zip", type=Path, metavar="FILE", help="the zip to write (default: <out>.zip)")
    return parser


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """The arguments, ``build`` when they start with an option; an option the command does not
    take is a usage error of that command (exit 2) that says which command takes it."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
        takers = {}
        for option in (e.split("=", 1)[0] for e in extra if e.startswith("-")):
            takers[option] = [name for name, sub in subparsers.items()
                              if name != args.command and option in sub._option_string_actions]
        hints = [f"{option} is an option of {' and '.join(names)}" for option, names in takers.items() if names]
        hints += [f"the command comes first: build.py {word} [options]" for word in extra if word in COMMANDS][:1]
        subparsers[args.command].error(f"unrecognized arguments: {' '.join(extra)}"
                                       + (f" ({'; '.join(hints)})" if hints else ""))
    return args


def _options(args):
    from .pipeline import Options

    return Options(content=args.content, out=args.out, templates=args.templates, base_url=args.base_url,
                   clean=args.clean, strict=args.strict, jobs=args.jobs, drafts=args.drafts,
                   progress=not args.quiet and sys.stderr.isatty())


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
            print(f"build.py check: error: {args.out} holds no built site (no index.html)", file=sys.stderr)
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
    from .ingest.sitefile import close_publication, listed_site_yaml, new_publication_yaml, new_site_yaml, \
        slug_problem
    from .ingest.review import Review
    from .ingest.write import ImportRefused, Target, write_import

    def usage(message: str) -> int:
        print(f"build.py import: error: {_printable(message)}", file=sys.stderr)
        return 2

    if args.raw is None or not args.raw.is_file():
        return usage(f"找不到原文文件 {args.raw}" if args.raw else "请给出版面 PDF 或原文文件：import PAGE.pdf 或 import RAW.txt")
    if not args.publication:
        return usage("请用 --publication SLUG 给出报刊文件夹名")
    site_file = args.content / "site.yml"
    pub_file = args.content / args.publication / "publication.yml"
    setup, made = [], []  # site.yml and publication.yml made for a new folder or publication, and what to say
    if pub_file.is_file():
        problems = Problems()
        doc = read_yaml_file(pub_file, problems)
        if doc is None:
            raise ContentError(problems.items)
        kind = doc.meta.get("kind", "newspaper")
    else:
        if slug_problem(args.publication):
            return usage(slug_problem(args.publication))
        near = close_publication(args.content, args.publication)
        if near:
            return usage(f"--publication {args.publication}：没有这个报刊；是不是 {near}？"
                         f"（要新建报刊，请换一个与已有报刊不相近的名字）")
        kind = "newspaper"
        setup.append((pub_file, new_publication_yaml(args.publication, kind)))
        made.append(f"已创建 {pub_file}（新报刊，按{'期刊' if kind == 'periodical' else '报纸'}建立；请填写报刊名称）")
    if not site_file.is_file():
        setup.insert(0, (site_file, new_site_yaml(args.publication)))
        made.insert(0, f"已创建 {site_file}（请填写报名；内容格式见 {PROJECT / 'content' / 'README.md'}）")
    elif not pub_file.is_file():
        listed = listed_site_yaml(site_file, args.publication)
        if listed is not None:
            setup.insert(0, (site_file, listed))
            made.insert(0, f"已在 {site_file} 的 publications 中加入 {args.publication}")
    pdf = args.raw.suffix.lower() == ".pdf"
    if pdf and kind == "periodical":
        return usage("PDF 版面导入用于报纸；期刊请导入整期的文字稿")
    try:
        pages = _raw_pages(args, pdf, kind == "periodical")
    except ImportRefused as exc:
        print(f"build.py import: {_printable(str(exc))}", file=sys.stderr)
        return 1
    if args.page_name and len(pages) > 1:
        return usage(f"--page-name 只用于单页的 PDF；{args.raw} 有 {len(pages)} 版，各版的版名取自报头，"
                     "导入后可在 issue.yml 中修改")
    given = None
    if args.date:
        try:
            given = dt.date.fromisoformat(args.date)
        except ValueError:
            return usage(f"--date {args.date} 不是日期，请写成 2022-06-28 这样")
    dated = [p for p in pages if p.meta.date]
    printed = dt.date.fromisoformat(dated[0].meta.date) if dated else None
    where = (lambda p: f"第{p.number}版报头") if pdf else (lambda p: f"第{p.meta.date_line}行")
    other = next((p for p in dated if p.meta.date != dated[0].meta.date), None)
    if other:
        return usage(f"{where(dated[0])}印的日期 {printed} 与{where(other)}印的 {other.meta.date} 不符")
    if printed and given and printed != given:
        return usage(f"--date {given} 与{where(dated[0])}印的日期 {printed} 不符")
    if not (printed or given):
        return usage(f"{args.raw} 没有印出日期；请用 --date YYYY-MM-DD 给出")
    target = Target(args.content, args.publication, kind == "periodical", printed or given,
                    date_given=printed is None, force=args.force, setup=setup)
    try:
        if pdf:  # a page continuing an article of a page imported before finishes that article
            from .ingest.pdfimport import join_earlier

            join_earlier(pages, target)
        written = write_import(args.raw, target, pages)
    except ImportRefused as exc:
        print(f"build.py import: {_printable(str(exc))}；未写入任何文件", file=sys.stderr)
        return 1
    for line in made:
        print(_printable(line))
    for path in written[len(setup):]:
        print(f"已写入 {_printable(str(path))}")
    if not args.quiet:
        review = Review.joined([p.review for p in pages])
        reports = "、".join(_printable(str(p)) for p in written if p.name.startswith("import-report"))
        drafts = sum(len(p.drafts) for p in pages)
        content = _printable(str(args.content))
        here = Path.cwd() / "build.py"
        program = "build.py" if here.is_file() and here.resolve() == (PROJECT / "build.py").resolve() \
            else _printable(str(PROJECT / "build.py"))
        folder = args.content.resolve() if not args.content.name else args.content
        out = _printable(str(folder.parent / ("site" if folder.name == "content" else f"{folder.name}-site")))
        print(f"已导入 {drafts} 条稿件草稿（来自 {_printable(str(args.raw))}"
              + (f"，共 {len(pages)} 版" if pdf else "") + f"）；待核对：{review.summary()}；"
              f"标点：{review.punctuation_summary() if review.punctuation else '无需改动'}")
        print(f"请对照 {reports} 核对草稿{'和版面热区' if pdf else ''}，删去 `draft: true`，"
              f"然后运行 `python {program} check --content {content}`")
        print(f"预览（草稿也编入网站）：`python {program} --content {content} --out {out} --drafts`；"
              f"草稿都核对完后，去掉 --drafts 即是正式构建")
    return 0


def _raw_pages(args, pdf: bool, periodical: bool) -> list:
    """The imported pages: every page of a page PDF (from --page on), or the one page (or
    periodical issue) of a raw text, each with its 版名."""
    from .ingest import import_text
    from .ingest.drafts import ImportedPage
    from .ingest.normalise import read_raw

    def name(number: int, printed: str = "") -> str:
        return printed or ("要闻" if number == 1 else f"第{number}版")

    if pdf:
        from .ingest.pdfimport import import_pdf  # pdfplumber and pdfium load only for a PDF

        pages = import_pdf(args.raw, first_page=args.page)
        for page in pages:
            page.name = args.page_name if args.page_name and len(pages) == 1 else name(page.number, page.name)
        return pages
    result = import_text(read_raw(args.raw), periodical=periodical)
    number = args.page or 1
    return [ImportedPage(number, args.page_name or name(number), result.drafts, result.meta, result.review)]


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    builds = args.command in ("build", "serve", "bundle")

    def usage(message: str) -> int:
        print(f"build.py {args.command}: error: {message}", file=sys.stderr)
        return 2

    if builds and not LUNR_JS.is_file():
        return usage(f"{LUNR_JS} not found; install the pinned search assets with `npm ci`")
    if not (args.command == "check" and args.site) and not args.content.is_dir():
        return usage(f"content folder {args.content} not found")
    unsafe = _unsafe_output(args) if builds else ""
    unsafe = unsafe or (_unsafe_base_url(args) if args.command != "import" else "")
    if not unsafe and args.command == "bundle":
        from .bundle import unsafe_target
        unsafe = unsafe_target(args.zip, args.content, args.out)
    if unsafe:
        return usage(unsafe)
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
        print(f"build.py {args.command}: error: {_printable(str(fault))}{_left(args)}", file=sys.stderr)
        return 3


def _left(args) -> str:
    """What a command that stopped half-way left as it was."""
    if args.command in ("import", "check"):  # import takes no --out
        return "; the drafts are as they were" if args.command == "import" else ""
    return f"; {args.out} holds the last complete build"

