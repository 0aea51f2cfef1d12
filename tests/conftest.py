"""Tiny content trees built in temporary folders, and a way to run the CLI on them."""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from edition.cli import main

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def fail_rename(monkeypatch, failing: int) -> None:
    """Make the import's ``failing``-th rename of files into place fail with EIO (its first
    rename is the journal's, which goes through)."""
    real_rename, renames = os.rename, []

    def rename(src, dst, **kwargs):
        renames.append(dst)
        if len(renames) == failing + 1:
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real_rename(src, dst, **kwargs)

    monkeypatch.setattr(os, "rename", rename)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of a built site with the hash of its bytes: equal snapshots, identical sites."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a content file, as an editor would; the text must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def article(title: str, body: str = "本报讯 正文。", **fields) -> str:
    lines = ["---", f"title: {title}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    lines += ["---", "", body, ""]
    return "\n".join(lines)


TINY = {
    "site.yml": """
        title: 测试日报数字报
        publications: [daily, journal]
        index_page_size: 2
        """,
    "daily/publication.yml": """
        name: 测试日报
        kind: newspaper
        publisher: 测试日报社 主办
        frequency: 日报
        """,
    "daily/2022-06-27/issue.yml": """
        date: 2022-06-27
        total_number: 4960
        pages:
          - {number: 1, name: 要闻}
        """,
    "daily/2022-06-27/01/01-first.md": article("上一期头条", authors="[{name: 胡佳英, role: 记者}]"),
    "daily/2022-06-28/issue.yml": """
        date: 2022-06-28
        total_number: 4961
        lunar: 农历壬寅年五月三十
        weekday: 星期二
        pages:
          - {number: 1, name: 要闻, editor: 戴琰, staff: {版式: 李春霞}}
          - {number: 2, name: 综合}
        """,
    "daily/2022-06-28/01/01-lead.md": article(
        "深化全国文明城市巩固工作", "本报讯 昨天上午，市委书记仲旭东深入居民小区。\n\n第二段{{gap}}继续。",
        kicker="仲旭东在督查时强调", subtitle="开创共建共享新格局",
        authors="[{name: 胡佳英, role: 记者}, {name: 王强, role: 摄影}]", column="二十大精神 点对点",
        corrections="[{date: 2022-06-29, note: 第一段人名有误，已更正。}]"),
    "daily/2022-06-28/01/02-second.md": article("平湖首个顶尖人才项目签约落户", column="二十大精神 点对点"),
    "daily/2022-06-28/02/01-third.md": article("第二版的稿件", authors="[{name: 胡佳英, role: 记者}]", id="stable-id"),
    "daily/2022-06-28/02/02-weather.md": article("天气预报", "今天晴。", kind="weather"),
    "journal/publication.yml": """
        name: 理论学习
        kind: periodical
        frequency: 月刊
        """,
    "journal/2022-12-30/issue.yml": """
        date: 2022-12-30
        number: 12
        date_approximate: 刊期未印，按文末日期推定
        """,
    "journal/2022-12-30/01-shigan.md": article("唯有实干争先 方能赢得未来", "## 一、深刻领会\n\n正文。",
                                              authors="[{org: 南浔区委理论学习中心组}]", page=1),
    "journal/2022-12-30/02-minyi.md": article("做好社情民意工作的思考", authors="[{org: 市委统战部理论学习中心组}]", page=11),
}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    write(content, TINY)
    return content


@pytest.fixture
def build(capsys):
    """Run ``build.py`` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def tiny_site(tiny: Path, build) -> Path:
    out = tiny.parent / "site"
    code, _, err = build("--content", tiny, "--out", out, "-q")
    assert code == 0, err
    return out


# Browser fixtures: Debian chromium through Playwright, on the sample edition.

@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "sub" / "site"
    assert main(["--content", str(ROOT / "content"), "--out", str(out), "-q"]) == 0
    return out


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page that records every request leaving the site, every script or console error and
    every dialog; any of them fails the test. (Only the browser's own guess at /favicon.ico,
    made for the stand-alone 404 page, may fail.)"""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(5000)
    page.outside, page.errors, page.failed, page.dialogs = [], [], [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith(("file://", "http://127.0.0.1")) else page.outside.append(r.url))
    # a request cancelled because the test moved on (the icon loads last) is no failure of the site
    page.on("requestfailed", lambda r: None if r.failure == "net::ERR_ABORTED" else page.failed.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(f"console: {m.text} ({m.location.get('url')})")
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico") else None)
    yield page
    assert page.outside == [], "the site requested something from outside"
    assert page.failed == [] and page.errors == [] and page.dialogs == []
    context.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path, page=None):
    """A static HTTP server on loopback for `folder`, as any static host would serve it; yields its URL.
    A browser `page` given here leaves the site before the server stops, so a request still in
    flight (the icon loads last) is cancelled rather than refused by a closed port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        if page is not None:
            page.goto("about:blank")
        server.shutdown()


@contextlib.contextmanager
def running_serve(content: Path, out: Path, *options: str):
    """``build.py serve --port 0`` (and ``options``) in its own process; yields its URL and the
    list its output lines keep arriving in, and stops it afterwards."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--content", str(content), "--out", str(out),
         *options],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=out.parent)
    log: list[str] = []
    try:
        for line in process.stdout:
            log.append(line)
            match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if match:
                break
        else:
            pytest.fail("serve did not start:\n" + "".join(log))
        threading.Thread(target=lambda: log.extend(process.stdout), daemon=True).start()
        yield match.group(1), log
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def desk(tmp_path) -> Path:
    """A content folder as a desk starts an import into: the sample's settings, no issues."""
    content = tmp_path / "content"
    for name in ("site.yml", "pinghu-daily/publication.yml", "lilun-journal/publication.yml"):
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "content" / name, content / name)
    return content


@pytest.fixture(scope="session")
def http_root(sample_site):
    """Serve the folder above the site, so the edition lives under a subpath: /site/."""
    with serve_folder(sample_site.parent) as url:
        yield url + "site/"
