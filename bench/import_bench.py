"""Benchmark the importer: ``python build.py import`` wall time on long raw pages and on page PDFs.

    python bench/import_bench.py                         # 10,000 and 100,000 lines and the PDF, the working tree
    python bench/import_bench.py --lines 1000 10000 --code 7b0b120 --timeout 120
    python bench/import_bench.py --kinds pdf --repeat 5  # the four-page issue PDF alone

Three kinds of input, all deterministic:

- ``seeds``: the newspaper seeds of ``tests/seeds`` one after another, repeated to the size;
- ``dense``: short generated articles (a title, a byline, a body line), about one draft per
  two lines, the worst case for pairing titles with bodies;
- ``pdf``: the four-page A3 issue of ``tests/pdfpages.py`` (6, 5, 4 and 5 columns, photos, a
  jump), read, laid out and rendered (page images, thumbnails, page PDFs, photos); ``--lines``
  does not apply.

Each size and kind is imported ``--repeat`` times into a fresh content folder; the table gives
the median wall time (process start to exit) and the drafts written. ``--code REV`` also times
that git revision of the builder on the same files, in the same run (runs past ``--timeout``
seconds are stopped and shown as ``>``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from pdfpages import make_issue  # noqa: E402  the generated test pages
SEEDS = sorted((ROOT / "tests" / "seeds").glob("*.txt"))
PLACES = "平湖 钟埭 当湖 乍浦 新埭 新仓 广陈 林埭 独山港 曹桥 黄姑".split()
WORDS = "会议 强调 推进 建设 发展 企业 项目 乡村 文化 群众 服务 改革 创新 安全 生态".split()


def seeds_text(lines: int) -> str:
    pages = [p.read_text(encoding="utf-8").splitlines() for p in SEEDS]
    out: list[str] = []
    while len(out) < lines:
        for page in pages:
            out.extend(page)
    return "\n".join(out[:lines]) + "\n"


def dense_text(lines: int) -> str:
    out: list[str] = []
    n = 0
    while len(out) < lines:
        place, word, other = PLACES[n % len(PLACES)], WORDS[n % len(WORDS)], WORDS[(n * 7 + 3) % len(WORDS)]
        out += [f"{place}{word}{other}第{n}项工作", f"■记者 张{n % 97}", "",
                f"本报讯 {place}镇{word}{other}，第{n}次{word}的正文。", ""]
        n += 1
    return "\n".join(out[:lines]) + "\n"


def run_import(code: Path, raw: Path, timeout: float) -> tuple[float | None, int]:
    """(seconds, drafts) of one import into a fresh content folder; seconds None past the timeout."""
    with tempfile.TemporaryDirectory(prefix="import-bench-") as work:
        content = Path(work) / "content"
        (content / "daily").mkdir(parents=True)
        (content / "site.yml").write_text("title: 测试\npublications: [daily]\n", encoding="utf-8")
        (content / "daily" / "publication.yml").write_text("name: 测试日报\nkind: newspaper\n", encoding="utf-8")
        command = [sys.executable, str(code / "build.py"), "import", str(raw), "--content", str(content),
                   "--publication", "daily", "-q"] + ([] if raw.suffix == ".pdf" else ["--date", "2022-06-28"])
        started = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, 0
        seconds = time.perf_counter() - started
        if done.returncode:
            raise SystemExit(f"import failed ({code}):\n{done.stderr[-2000:]}")
        return seconds, sum(1 for _ in content.rglob("*.md"))


def size(kind: str, lines: int) -> str:
    return "4 pages" if kind == "pdf" else f"{lines:,} lines"


def checkout(rev: str, into: Path) -> Path:
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--kinds", nargs="+", default=["seeds", "dense", "pdf"], choices=["seeds", "dense", "pdf"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", metavar="REV", help="also time this git revision")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a run is stopped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="import-bench-code-") as scratch:
        builders = {"working tree": ROOT}
        if args.code:
            builders[args.code] = checkout(args.code, Path(scratch) / "old")
        rows = []
        for kind in args.kinds:
            for lines in ([0] if kind == "pdf" else args.lines):
                if kind == "pdf":
                    raw, _ = make_issue("four", Path(scratch))
                else:
                    raw = Path(scratch) / f"{kind}-{lines}.txt"
                    raw.write_text((seeds_text if kind == "seeds" else dense_text)(lines), encoding="utf-8")
                for name, code in builders.items():
                    times, drafts = [], 0
                    for _ in range(args.repeat):
                        seconds, drafts = run_import(code, raw, args.timeout)
                        if seconds is None:  # stopped: the others would be too
                            break
                        times.append(seconds)
                    shown = f"{statistics.median(times):.1f}" if len(times) == args.repeat else f"> {args.timeout:.0f}"
                    rows.append((kind, lines, name, shown, drafts))
                    print(f"  {kind} {size(kind, lines)}, {name}: {shown} s", file=sys.stderr, flush=True)
    print(f"\nImport wall time, median of {args.repeat} (s); Python {sys.version.split()[0]}.\n")
    print("| input | size | builder | s | drafts |")
    print("|---|---:|---|---:|---:|")
    for kind, lines, name, shown, drafts in rows:
        print(f"| {kind} | {size(kind, lines)} | {name} | {shown} | {drafts:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
