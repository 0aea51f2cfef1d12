#!/usr/bin/env python3
"""Benchmark our prebuilt search index against Pagefind on generated archives.

    python bench/search_bench.py [--years 1 10] [--queries N] [--minutes M] [--work DIR] [--keep]

For each archive size (years of a daily paper, made by bench/generate.py) one run
builds our site, indexes a copy of its article pages with Pagefind (extended), then
serves both over loopback HTTP and drives Debian chromium through Playwright. Each
query runs in a fresh browser context (cold cache) for each engine, measuring the
time and the bytes (page load included) until the first 10 results are usable, and
the JS heap afterwards. A second search per query asks for every result to compute
recall and precision against the articles whose text really contains the query
(kicker, title, subtitle, bylines, 栏目 and body). Besides the generated queries
(queries.json) it makes, from the archive itself, byline names, words with another
excluded ("A -B") and quoted phrases.

The loopback server behaves like a real static host (GitHub Pages, Netlify, nginx):
.html .js .css .json .txt .svg files go out with Content-Encoding: gzip (level 6,
compressed once per path and kept in memory) when the request accepts gzip; all
other files, notably Pagefind's .pf_* files (already gzip inside, unpacked by its
own code) and its wasm, go out exactly as they are on disk.

Bytes are the browser's own Resource Timing numbers, counted the same way for both
engines: the navigation entry of the search page plus every resource entry (scripts,
fetches, styles) whose responseEnd is not later than the moment the first 10
results were ready. "raw" sums decodedBodySize (body after HTTP content decoding;
for Pagefind's .pf_* files that is still their own gzip), "gzip" sums
encodedBodySize (body bytes on the wire). HTTP headers are not counted in either
(results-<N>y.json also keeps transferSize sums, which include them).

Layout under --work (default /tmp/edition-bench):
    <N>y/content/        the generated archive with queries.json (reused when the
                         generator and its arguments are unchanged)
    <N>y/site/           our build; <N>y/pagefind-site/ the Pagefind copy
                         (both removed at the end unless --keep)
    results-<N>y.json    build numbers and raw per-query numbers

Needs: pip install -e '.[bench]' (pagefind[extended], playwright); /usr/bin/chromium.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import http
import http.server
import io
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "bench" / "generate.py"
SEED = 1
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
ARTICLE_GLOB = "*/[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/*.html"
PF_PAGE = "pf-bench.html"
FIRST = 10                     # results a reader sees first
TIMED_TIMEOUT_MS = 60_000      # one timed search
RECALL_TIMEOUT_MS = 600_000    # one search for every result
PAGE_TIMEOUT_MS = 30_000       # page load

sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- archive

def prepare_archive(folder: Path, years: int) -> Path:
    """Generate folder/content, or reuse it if made by the same generator with the same arguments."""
    content, stamp = folder / "content", folder / "params.json"
    params = {"years": years, "seed": SEED,
              "generator": hashlib.sha256(GENERATOR.read_bytes()).hexdigest()}
    if (content / "queries.json").is_file() and stamp.is_file() and json.loads(stamp.read_text()) == params:
        log(f"[{years}y] reusing archive {content}")
        return content
    folder.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    log(f"[{years}y] generating archive into {content}")
    subprocess.run([sys.executable, str(GENERATOR), str(content), "--years", str(years),
                    "--seed", str(SEED), "--force"], check=True, stdout=sys.stderr)
    stamp.write_text(json.dumps(params))
    return content


def pick_queries(content: Path, count: int) -> list[dict]:
    """The first count queries, taken round-robin over the categories so a small run covers all."""
    queries = json.loads((content / "queries.json").read_text(encoding="utf-8"))
    by_category: dict[str, list[dict]] = {}
    for q in queries:
        by_category.setdefault(q["category"], []).append(q)
    picked = []
    for i in range(max(len(v) for v in by_category.values())):
        picked += [v[i] for v in by_category.values() if i < len(v)]
    return picked[:count]


def normalize(text: str) -> str:
    """What both the index and the ground truth compare: NFKC, lower case (tokenizer.js does the same),
    white space folded."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def searchable(content: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    """(URL, text, byline names) of every article: text is its kicker, title, subtitle, bylines, 栏目
    and body, what a full-text search must find."""
    from edition.load import load_site
    loaded = load_site(content)
    return [(a.url, normalize("\n".join((a.kicker, a.title, a.subtitle, " ".join(x.label for x in a.authors),
                                         a.column, loaded.bodies[a.source].text))),
             tuple(x.name for x in a.authors)) for a in loaded.articles]


def derived_queries(articles: list, queries: list[dict], count: int) -> list[dict]:
    """Queries of the kinds readers type besides plain words, made from the archive: reporters'
    names from the bylines, a word with another excluded (-), and quoted phrases."""
    rng = random.Random(SEED)
    names = sorted({n for _, _, names in articles for n in names if len(n) >= 2})
    made = [{"category": "byline", "query": n} for n in rng.sample(names, min(count, len(names)))]
    twos = [q["query"] for q in queries if q["category"] == "substring2"]
    pairs = [(a, b) for a in twos for b in twos if a != b]
    made += [{"category": "exclude", "query": f"{a} -{b}"} for a, b in rng.sample(pairs, min(count, len(pairs)))]
    phrases = [q["query"] for q in queries if q["category"] == "phrase"]
    made += [{"category": "quoted", "query": f'"{p}"'} for p in phrases[:count]]
    return made


def ground_truth(articles: list, queries: list[str]) -> dict[str, set[str]]:
    """For each query, the URLs of articles that contain every word of it (a quoted phrase as it is)
    and none of the words after a minus."""
    truth = {}
    for q in queries:
        parts = [quoted or word for quoted, word in re.findall(r'"([^"]*)"|(\S+)', q)]
        wanted = [normalize(p) for p in parts if not p.startswith("-")]
        unwanted = [normalize(w[1:]) for w in q.split() if w.startswith("-") and len(w) > 1]
        truth[q] = {url for url, text, _ in articles
                    if all(w in text for w in wanted) and not any(w in text for w in unwanted)}
    return truth


# --------------------------------------------------------------------------- builds

class TreeRss(threading.Thread):
    """Samples the summed RSS of a process and all its descendants every 0.1 s; keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()
        self.page = os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak = max(self.peak, self.sample())

    def sample(self) -> int:
        parents: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(entry.path, "stat").read_text()
                    parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    pass
        tree, frontier = {self.pid}, [self.pid]
        while frontier:
            parent = frontier.pop()
            children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
            tree.update(children)
            frontier += children
        total = 0
        for pid in tree:
            try:
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self.page
            except (OSError, IndexError, ValueError):
                pass
        return total


def run_measured(cmd: list[str], log_path: Path) -> dict:
    """Run cmd; wall seconds, peak RSS of its largest process (wait4) and of its process tree."""
    with open(log_path, "w+", encoding="utf-8") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeRss(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.done.set()
        sampler.join()
        out.seek(0)
        output = out.read()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{output[-3000:]}")
    return {"wall_s": wall, "rss_max_process_mb": usage.ru_maxrss / 1024,
            "rss_tree_mb": max(sampler.peak, usage.ru_maxrss * 1024) / 2**20, "output": output}


def folder_bytes(folder: Path) -> tuple[int, int]:
    """(total bytes, file count) of every file under folder."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            files += 1
    return total, files


def build_ours(content: Path, site: Path) -> dict:
    """python build.py -v (per-stage timings); the search stage is the index build time. The index
    is everything search loads: search/ and assets/search/ (the scripts, lunr.js included)."""
    run = run_measured([sys.executable, "build.py", "--content", str(content), "--out", str(site), "-v"],
                       site.parent / "build-ours.log")
    stage = re.search(r"^\s+search\s+(\d+) ms", run.pop("output"), re.M)
    kinds = {}
    for path in sorted(p for folder in (site / "search", site / "assets/search") for p in folder.rglob("*")
                       if p.is_file()):
        rel = path.relative_to(site).as_posix()
        kind = ("assets" if rel.startswith("assets/") else "texts" if rel.startswith("search/x/")
                else path.name[0] + " buckets" if path.name[0] in "bu" and path.name[1:2].isdigit()
                else path.stem)
        size, files = kinds.get(kind, (0, 0))
        kinds[kind] = (size + path.stat().st_size, files + 1)
    return {**run, "index_s": int(stage.group(1)) / 1000 if stage else None,
            "index_bytes": sum(v[0] for v in kinds.values()), "index_files": sum(v[1] for v in kinds.values()),
            "kinds": kinds}


def build_pagefind(site: Path, copy: Path) -> dict:
    """Copy the site's HTML (hard links, no search/) and index its article pages with Pagefind."""
    if copy.exists():
        shutil.rmtree(copy)

    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(site, copy, copy_function=link, ignore=shutil.ignore_patterns("search"))
    (copy / PF_PAGE).write_text(PF_HTML, encoding="utf-8")
    run = run_measured([sys.executable, "-m", "pagefind", "--site", str(copy), "--glob", ARTICLE_GLOB,
                        "--root-selector", "article", "--force-language", "zh-cn"],
                       copy.parent / "build-pagefind.log")
    output = run.pop("output")
    pages = re.search(r"Indexed (\d+) pages?", output)
    size, files = folder_bytes(copy / "pagefind")
    return {**run, "index_s": run["wall_s"], "index_bytes": size, "index_files": files,
            "pages_indexed": int(pages.group(1)) if pages else None}


PF_HTML = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Pagefind bench</title></head>
<body><script type="module">
import * as pagefind from "./pagefind/pagefind.js";
// On the main thread, like our search: the page's Resource Timing and heap then see all of it.
await pagefind.options({noWorker: true});
window.pagefind = pagefind;
window.pagefindReady = true;
</script></body></html>
"""


# --------------------------------------------------------------------------- serving

GZIP_SUFFIXES = (".html", ".js", ".css", ".json", ".txt", ".svg")
GZIP_LEVEL = 6


class GzipCache:
    """Gzip-compressed bodies by file path, made once per path and shared by a server's threads."""

    def __init__(self):
        self.bodies: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def get(self, path: str) -> bytes:
        with self.lock:
            body = self.bodies.get(path)
        if body is None:
            # mtime=0: the same file always gives the same bytes
            body = gzip.compress(Path(path).read_bytes(), compresslevel=GZIP_LEVEL, mtime=0)
            with self.lock:
                self.bodies[path] = body
        return body


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files like a real host: text types gzip-compressed when the client accepts gzip.

    Everything else (Pagefind's .pf_* files, which it compresses itself, its wasm,
    images) goes out as it is on disk.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each keep-alive response waits ~40 ms for a delayed ACK

    def __init__(self, *args, gzip_cache: GzipCache, **kwargs):
        self.gzip_cache = gzip_cache
        super().__init__(*args, **kwargs)

    def accepts_gzip(self) -> bool:
        for part in self.headers.get("Accept-Encoding", "").split(","):
            coding, _, params = part.strip().partition(";")
            if coding.strip().lower() in ("gzip", "x-gzip", "*"):
                return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
        return False

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and urllib.parse.urlsplit(self.path).path.endswith("/"):
            path = os.path.join(path, "index.html")
        if not (path.lower().endswith(GZIP_SUFFIXES) and os.path.isfile(path) and self.accepts_gzip()):
            return super().send_head()  # as on disk (also redirects, 404s, directory listings)
        try:
            body = self.gzip_cache.get(path)
        except OSError:
            self.send_error(http.HTTPStatus.NOT_FOUND, "File not found")
            return None
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", self.date_time_string(int(os.stat(path).st_mtime)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args) -> None:
        pass


class Server:
    """A static file server for one folder on 127.0.0.1 and a free port, in a background thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(QuietHandler, directory=str(folder), gzip_cache=GzipCache())
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


# --------------------------------------------------------------------------- browser

# Every script resolves to {t0, first, end, count, total}: times on the page's performance.now() clock.
WITH_TIMEOUT = """(work, ms) => Promise.race([work, new Promise((_, reject) =>
    setTimeout(() => reject(new Error("timed out after " + ms + " ms")), ms))])"""

OURS_TIMED = """async ([q, limit, ms]) => {
  const race = %s;
  const t0 = performance.now();
  let first = null;
  const found = await race(window.edition.search(q, {limit: limit, onProgress: (r) => {
    if (first === null && r.results.length >= limit) first = performance.now();
  }}), ms);
  const end = performance.now();
  return {t0, first: first === null ? end : first, end, count: found.results.length, total: found.total};
}""" % WITH_TIMEOUT

OURS_ALL = """async ([q, ms]) => {
  const race = %s;
  const found = await race(window.edition.search(q, {limit: 100000}), ms);
  return found.results.map((r) => r.url);
}""" % WITH_TIMEOUT

PF_TIMED = """async ([q, limit, ms]) => {
  const race = %s;
  const pf = window.pagefind;
  const t0 = performance.now();
  const work = (async () => {
    await pf.init();
    const search = await pf.search(q);
    const data = await Promise.all(search.results.slice(0, limit).map((r) => r.data()));
    return {count: data.length, total: search.results.length};
  })();
  const found = await race(work, ms);
  const end = performance.now();
  return {t0, first: end, end, count: found.count, total: found.total};
}""" % WITH_TIMEOUT

PF_ALL = """async ([q, ms]) => {
  const race = %s;
  const work = (async () => {
    const search = await window.pagefind.search(q);
    const urls = [];
    for (let i = 0; i < search.results.length; i += 200) {
      const data = await Promise.all(search.results.slice(i, i + 200).map((r) => r.data()));
      urls.push(...data.map((d) => d.url));
    }
    return urls;
  })();
  return await race(work, ms);
}""" % WITH_TIMEOUT

# Resource Timing for the page itself (navigation entry) and everything it loaded:
# [url, responseEnd, encodedBodySize (body on the wire, gzip if served so),
#  decodedBodySize (body after HTTP content decoding), transferSize (headers + encoded body)].
ENTRIES = """() => performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
  .map((e) => [e.name, e.responseEnd, e.encodedBodySize, e.decodedBodySize, e.transferSize])"""


class Engine:
    """How to open one engine's search page and run a query on it."""

    def __init__(self, name: str, server: Server, page: str, ready: str, timed: str, everything: str):
        self.name, self.server, self.page, self.ready = name, server, page, ready
        self.timed, self.everything = timed, everything


def ours(server: Server) -> Engine:
    # search-ui.js writes a status line once meta.js has loaded: the page is then ready to search.
    return Engine("ours", server, "search.html",
                  "document.getElementById('search-status').textContent !== ''", OURS_TIMED, OURS_ALL)


def pagefind(server: Server) -> Engine:
    return Engine("pagefind", server, PF_PAGE, "window.pagefindReady === true", PF_TIMED, PF_ALL)


def measure(browser, engine: Engine, query: str) -> dict:
    """One cold query: load the page in a fresh context, time the first results, then fetch them all."""
    context = browser.new_context()
    context.add_init_script("performance.setResourceTimingBufferSize(1000000)")
    try:
        page = context.new_page()
        responses = []
        page.on("response", lambda r: responses.append(r.url))
        page.goto(engine.server.url + engine.page, timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function(engine.ready, timeout=PAGE_TIMEOUT_MS)
        timed = page.evaluate(engine.timed, [query, FIRST, TIMED_TIMEOUT_MS])
        entries = page.evaluate(ENTRIES)
        first = [e for e in entries if e[1] <= timed["first"]]
        cdp = context.new_cdp_session(page)
        cdp.send("HeapProfiler.collectGarbage")
        heap = cdp.send("Runtime.getHeapUsage")
        result = {
            "ms_first": timed["first"] - timed["t0"],
            "ms_done": timed["end"] - timed["t0"],
            "count": timed["count"],
            "total": timed["total"],
            "bytes_first_raw": sum(e[3] for e in first),
            "bytes_first_gzip": sum(e[2] for e in first),
            "bytes_first_transfer": sum(e[4] for e in first),
            "bytes_done_raw": sum(e[3] for e in entries),
            "bytes_done_gzip": sum(e[2] for e in entries),
            "requests_first": len(first),
            "requests_done": len(entries),
            "responses_seen": len(responses),
            "heap_mb": heap["usedSize"] / 2**20,
        }
        urls = page.evaluate(engine.everything, [query, RECALL_TIMEOUT_MS])
        result["urls"] = sorted({u.lstrip("/") for u in urls})
        return result
    except Exception as exc:  # noqa: BLE001 - one failed query must not end the run
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"}
    finally:
        context.close()


def run_queries(site: Path, pf_site: Path, queries: list[dict], truth: dict[str, set[str]],
                minutes: float | None = None) -> list[dict]:
    """Every query on both engines, side by side, each in a fresh browser context; with a budget
    of minutes, no query starts once it is spent (the queries alternate categories, so the ones
    done still cover them all)."""
    deadline = time.monotonic() + minutes * 60 if minutes else None
    from playwright.sync_api import sync_playwright

    rows = []
    with Server(site) as ours_server, Server(pf_site) as pf_server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            engines = [ours(ours_server), pagefind(pf_server)]
            for n, q in enumerate(queries, 1):
                if deadline is not None and time.monotonic() > deadline:
                    log(f"  the {minutes:g}-minute budget is spent: {n - 1} of {len(queries)} queries ran")
                    break
                row = {**q, "truth": len(truth[q["query"]])}
                for engine in engines:
                    result = measure(browser, engine, q["query"])
                    if "urls" in result:
                        result.update(score(set(result.pop("urls")), truth[q["query"]]))
                    row[engine.name] = result
                rows.append(row)
                log(f"  {n:>4}/{len(queries)} {q['category']:<11} {q['query']:<12} truth {row['truth']:>5}  "
                    + "  ".join(f"{e.name} {brief(row[e.name])}" for e in engines))
        finally:
            browser.close()
    return rows


def score(found: set[str], truth: set[str]) -> dict:
    """Recall and precision of one query (None where undefined: nothing to find, or nothing found)."""
    hits = len(found & truth)
    return {"found": len(found), "hits": hits,
            "recall": hits / len(truth) if truth else None,
            "precision": hits / len(found) if found else None}


def brief(result: dict) -> str:
    if "error" in result:
        return result["error"][:60]
    return (f"{result['ms_first']:6.0f} ms {result['bytes_first_raw'] / 1024:6.0f}/"
            f"{result['bytes_first_gzip'] / 1024:5.0f} KB "
            f"r={fmt(result['recall'], 2)} p={fmt(result['precision'], 2)}")


# --------------------------------------------------------------------------- report

def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def p95(values: list[float]) -> float | None:
    """Nearest-rank 95th percentile."""
    return sorted(values)[math.ceil(0.95 * len(values)) - 1] if values else None


def mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def fmt(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def summarise(years: int, articles: int, builds: dict, rows: list[dict]) -> list[dict]:
    """One summary line per engine."""
    lines = []
    for name, build in builds.items():
        results = [r[name] for r in rows if "error" not in r[name]]
        pick = lambda key: [r[key] for r in results if r.get(key) is not None]  # noqa: E731
        lines.append({
            "archive": f"{years}y/{articles}", "engine": name,
            "build_s": build["wall_s"] if name == "ours" else None, "index_s": build["index_s"],
            "rss_mb": build["rss_tree_mb"], "index_mb": build["index_bytes"] / 2**20, "files": build["index_files"],
            "kb_per_article": build["index_bytes"] / 1024 / articles,
            "kb_raw_med": median([b / 1024 for b in pick("bytes_first_raw")]),
            "kb_raw_p95": p95([b / 1024 for b in pick("bytes_first_raw")]),
            "kb_gzip_med": median([b / 1024 for b in pick("bytes_first_gzip")]),
            "kb_gzip_p95": p95([b / 1024 for b in pick("bytes_first_gzip")]),
            "ms_med": median(pick("ms_first")), "ms_p95": p95(pick("ms_first")),
            "ms_max": max(pick("ms_first"), default=None),
            "heap_mb": median(pick("heap_mb")),
            "recall": mean(pick("recall")), "precision": mean(pick("precision")),
            "errors": len(rows) - len(results),
        })
    return lines


COLUMNS = [  # header, key, digits
    ("archive", "archive", None), ("engine", "engine", None), ("build s", "build_s", 1),
    ("index s", "index_s", 1), ("peak RSS MB", "rss_mb", 0), ("index MB", "index_mb", 1), ("files", "files", 0),
    ("KB/art", "kb_per_article", 2), ("KB@10 raw med / p95", ("kb_raw_med", "kb_raw_p95"), 0),
    ("KB@10 gzip med / p95", ("kb_gzip_med", "kb_gzip_p95"), 0),
    ("ms@10 med", "ms_med", 0), ("ms@10 p95", "ms_p95", 0), ("ms@10 max", "ms_max", 0), ("heap MB", "heap_mb", 1),
    ("recall", "recall", 3), ("precision", "precision", 3), ("errors", "errors", None),
]


def table(lines: list[dict]) -> str:
    """Plain-text table, text left-aligned and numbers right-aligned."""
    cells = [[h for h, _, _ in COLUMNS]]
    for line in lines:
        cells.append([str(line[k]) if d is None
                      else " / ".join(fmt(line[x], d) for x in k) if isinstance(k, tuple)
                      else fmt(line[k], d) for _, k, d in COLUMNS])
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    out = []
    for row in cells:
        out.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
    out.insert(1, "-" * len(out[0]))
    return "\n".join(out)


def by_category(rows: list[dict], engines: list[str]) -> str:
    """Per query category and engine: mean recall / precision, median gzip KB and ms to the first 10."""
    categories = list(dict.fromkeys(r["category"] for r in rows))
    head = f"{'category':<11} {'n':>3}  " + "  ".join(f"{e + ' r / p / KB gz / ms':>30}" for e in engines)
    out = [head]
    for cat in categories:
        cells = []
        for e in engines:
            rs = [r[e] for r in rows if r["category"] == cat and "error" not in r[e]]
            rec = mean([x["recall"] for x in rs if x["recall"] is not None])
            pre = mean([x["precision"] for x in rs if x["precision"] is not None])
            kb = median([x["bytes_first_gzip"] / 1024 for x in rs])
            ms = median([x["ms_first"] for x in rs])
            cells.append(f"{fmt(rec, 3):>8} {fmt(pre, 3):>6} {fmt(kb, 0):>7} {fmt(ms, 0):>6}")
        out.append(f"{cat:<11} {sum(r['category'] == cat for r in rows):>3}  " + "  ".join(cells))
    return "\n".join(out)


# --------------------------------------------------------------------------- main

def bench(years: int, work: Path, count: int, keep: bool, minutes: float | None = None) -> list[dict]:
    """Everything for one archive size; returns its summary lines."""
    folder = work / f"{years}y"
    content = prepare_archive(folder, years)
    queries = pick_queries(content, count)
    site, pf_site = folder / "site", folder / "pagefind-site"
    try:
        log(f"[{years}y] building our site")
        builds = {"ours": build_ours(content, site)}
        log(f"[{years}y] indexing with Pagefind")
        builds["pagefind"] = build_pagefind(site, pf_site)
        log(f"[{years}y] ground truth for {len(queries)} queries and those derived from the archive")
        texts = searchable(content)
        queries += derived_queries(texts, queries, max(1, count // 6))
        truth, articles = ground_truth(texts, [q["query"] for q in queries]), len(texts)
        log(f"[{years}y] running {len(queries)} queries in chromium")
        rows = run_queries(site, pf_site, queries, truth, minutes)
    finally:
        if not keep:
            for path in (site, pf_site):
                shutil.rmtree(path, ignore_errors=True)
    lines = summarise(years, articles, builds, rows)
    results = work / f"results-{years}y.json"
    results.write_text(json.dumps({"years": years, "articles": articles, "builds": builds,
                                   "summary": lines, "queries": rows}, ensure_ascii=False, indent=1),
                       encoding="utf-8")
    log(f"[{years}y] raw numbers in {results}")
    print(f"\nby category, {years}y ({len(rows)} queries)\n"
          + by_category(rows, list(builds)), flush=True)
    kinds = builds["ours"]["kinds"]
    print(f"\nour index by kind of file, {years}y (Pagefind: {builds['pagefind']['index_bytes'] / 1e6:.1f} MB in "
          f"{builds['pagefind']['index_files']} files)\n"
          + "\n".join(f"  {kind:<10} {size / 1e6:7.1f} MB {files:6} files" for kind, (size, files) in kinds.items()),
          flush=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 10], help="archive sizes (default: 1 10)")
    parser.add_argument("--queries", type=int, default=300, help="queries per archive (default 300: all)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/edition-bench"),
                        help="work folder (default /tmp/edition-bench)")
    parser.add_argument("--keep", action="store_true", help="keep the built sites")
    parser.add_argument("--minutes", type=float, help="time budget of the queries of each archive (default: none)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).is_file():
        parser.error(f"{CHROMIUM} not found (apt-get install chromium)")
    lines = []
    for years in args.years:
        lines += bench(years, args.work.resolve(), args.queries, args.keep, args.minutes)
    print("\nKB@10: cold body bytes (page load included) until the first 10 results, raw = decoded,"
          " gzip = on the wire; ms@10: time to the first 10 results; heap: JS heap after GC;"
          " peak RSS: whole process tree\n" + table(lines), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
