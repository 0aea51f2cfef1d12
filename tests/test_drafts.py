"""Drafts as Hugo has them (left out unless ``--drafts``, marked 草稿 when built), the importer's
placeholders (warned about, never shown to readers), and a 版面 whose scan is late."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import TINY, edit, snapshot, write
from edition.cli import main
from test_incremental import same_as_clean

# What the importer writes for an editor to replace (edition.load has them as constants; see the last
# placeholder test): spelled out here so that the tests read as what a reader must never see.
DATE_TODO = "导入时以 --date 给出，请核实并写明依据"
DATE_PLACEHOLDER = f"报头未印日期；{DATE_TODO}"
TITLE_PLACEHOLDER = "（标题待补）"

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00late scan\xff\xd9"
DRAFT_TITLE, DRAFT_SLUG, DRAFT_AUTHOR, DRAFT_COLUMN = "待审草稿标题", "draft-story", "草稿记者", "草稿栏目"

DRAFTS = {
    **TINY,
    "daily/2022-06-27/issue.yml": f"""
        date: 2022-06-27
        total_number: 4960
        date_approximate: {DATE_PLACEHOLDER}
        pages:
          - {{number: 1, name: 要闻}}
        """,
    "daily/2022-06-28/issue.yml": """
        date: 2022-06-28
        total_number: 4961
        lunar: 农历壬寅年五月三十
        weekday: 星期二
        pages:
          - {number: 1, name: 要闻, editor: 戴琰, staff: {版式: 李春霞}}
          - number: 2
            name: 综合
            image: 02.jpg
            regions:
              - {article: stable-id, box: [0, 0, 50, 50]}
              - {article: draft-story, box: [50, 50, 50, 50]}
        """,
    # a draft beside published articles: its own byline, 栏目 and picture
    f"daily/2022-06-28/02/03-{DRAFT_SLUG}.md": f"""
        ---
        title: {DRAFT_TITLE}
        draft: true
        authors: [{{name: {DRAFT_AUTHOR}, role: 记者}}]
        column: {DRAFT_COLUMN}
        ---

        本报讯 草稿正文。![草稿图](draft-photo.jpg)
        """,
    # the day the desk has just imported: nothing reviewed yet
    "daily/2022-06-29/issue.yml": """
        date: 2022-06-29
        total_number: 4962
        pages:
          - {number: 1, name: 要闻}
        """,
    "daily/2022-06-29/01/01-untitled.md": f"""
        ---
        title: {TITLE_PLACEHOLDER}
        draft: true
        ---

        本报讯 次日未审的稿件。
        """,
    "daily/2022-06-29/01/02-second-draft.md": """
        ---
        draft: true
        title: 次日第二篇草稿
        ---

        本报讯 也未审。
        """,
}
BINARY = {"daily/2022-06-28/02.jpg": JPEG, "daily/2022-06-28/02/draft-photo.jpg": JPEG}


def make(folder: Path, files: dict = DRAFTS) -> Path:
    write(folder, files)
    for name, data in BINARY.items():
        (folder / name).write_bytes(data)
    return folder


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    return make(tmp_path_factory.mktemp("drafts") / "content")


@pytest.fixture(scope="module")
def published(content) -> tuple[Path, str]:
    """The site as `build` makes it: no drafts. Returns the site and what the build printed."""
    out = content.parent / "published"
    code, printed, err = run("--content", content, "--out", out)
    assert code == 0, err
    return out, printed + err


@pytest.fixture(scope="module")
def preview(content) -> Path:
    out = content.parent / "preview"
    code, _, err = run("--content", content, "--out", out, "--drafts", "-q")
    assert code == 0, err
    return out


def files_with(site: Path, *needles: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            for needle in needles:
                if needle.encode("utf-8") in data:
                    found.setdefault(path.relative_to(site).as_posix(), []).append(needle)
    return found


def html(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


# ---------------------------------------------------------------- without --drafts

def test_without_drafts_no_file_of_the_site_names_a_draft(published):
    site, _ = published
    assert (site / "daily/2022/06/28/stable-id.html").is_file()  # the published article beside it is there
    assert not files_with(site, DRAFT_TITLE, DRAFT_SLUG, DRAFT_AUTHOR, DRAFT_COLUMN, "draft-photo", "次日第二篇草稿",
                          TITLE_PLACEHOLDER)
    assert not (site / "daily/2022/06/28/media").exists()


def test_a_region_naming_a_draft_is_dropped_without_a_word(published):
    site, err = published
    page = html(site, "daily/2022/06/28/02/index.html")
    assert 'id="region-stable-id"' in page and "region-draft-story" not in page
    assert "region for" not in err


def test_an_issue_whose_every_article_is_a_draft_is_left_out_and_the_build_says_why(published):
    site, err = published
    assert not (site / "daily/2022/06/29").exists()
    assert "2022-06-29" not in html(site, "daily/2022/06/28/index.html")  # no 下一期 to a missing day
    assert "已是最新一期" in html(site, "daily/2022/06/28/index.html")
    assert re.search(r"daily/2022-06-29/issue\.yml:1: warning: every article of this issue is a draft", err)
    assert "built 3 issues, 7 articles" in err  # the drafts are not counted either


# ---------------------------------------------------------------- with --drafts

def test_with_drafts_every_list_entry_of_a_draft_is_marked(preview):
    site = preview
    listed = 0
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for title in (DRAFT_TITLE, "次日第二篇草稿", TITLE_PLACEHOLDER):
            for match in re.finditer(r'<a href="[^"]*">' + re.escape(title) + "</a>", text):
                listed += 1
                assert "草稿" in text[max(match.start() - 60, 0):match.start()], (path, text[match.start() - 80:])
    assert listed >= 8  # home, issue, 版面, 版名, 栏目 and author pages
    for page in ("index.html", "daily/2022/06/28/index.html", "daily/2022/06/28/02/index.html",
                 "daily/2022/06/29/index.html", f"authors/{author_slug(site)}/index.html"):
        assert "〔草稿〕" in html(site, page), page
    story = html(site, f"daily/2022/06/28/{DRAFT_SLUG}.html")
    assert "草稿：本文由导入程序生成" in story
    assert 'id="region-draft-story"' in html(site, "daily/2022/06/28/02/index.html")
    assert (site / "daily/2022/06/28/media/02/draft-photo.jpg").is_file()
    published = html(site, "daily/2022/06/28/stable-id.html")
    assert "草稿：" not in published


def author_slug(site: Path) -> str:
    for folder in (site / "authors").iterdir():
        if (folder / "index.html").is_file() and DRAFT_AUTHOR in html(site, f"authors/{folder.name}/index.html"):
            return folder.name
    raise AssertionError("no author page for the draft's byline")


def test_switching_drafts_on_and_off_incrementally_equals_a_clean_build(content, build, tmp_path):
    work = tmp_path / "content"
    shutil.copytree(content, work)
    out = tmp_path / "out" / "site"
    same_as_clean(build, work, out, "-q")
    same_as_clean(build, work, out, "-q", "--drafts")
    edit(work / "daily/2022-06-29/01/02-second-draft.md", "本报讯", "本报讯 草稿作者改了一句。")
    same_as_clean(build, work, out, "-q")  # off, with a draft edited meanwhile
    same_as_clean(build, work, out, "-q", "--drafts")
    edit(work / f"daily/2022-06-28/02/03-{DRAFT_SLUG}.md", "draft: true\n", "")  # reviewed and published
    same_as_clean(build, work, out)
    assert DRAFT_TITLE in html(out, "daily/2022/06/28/02/index.html")
    same_as_clean(build, work, out, "-q")
    page = html(out, "daily/2022/06/28/02/index.html")
    assert DRAFT_TITLE in page and "〔草稿〕" not in page


# ---------------------------------------------------------------- check and placeholders

def test_check_warns_once_per_draft_and_per_placeholder_at_its_line(content):
    code, out, err = run("check", "--content", content)
    assert code == 0, err
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    drafts = [w for w in warnings if ": warning: draft: review it" in w]
    assert sorted(w.split(": warning:")[0] for w in drafts) == sorted([
        f"{content}/daily/2022-06-28/02/03-{DRAFT_SLUG}.md:3",
        f"{content}/daily/2022-06-29/01/01-untitled.md:3",
        f"{content}/daily/2022-06-29/01/02-second-draft.md:2"])
    assert f"{content}/daily/2022-06-27/issue.yml:3: warning: `date_approximate` still holds the importer's " \
           "placeholder" in err
    assert f"{content}/daily/2022-06-29/01/01-untitled.md:2: warning: the title is still the importer's " \
           f"placeholder {TITLE_PLACEHOLDER}" in err
    assert "3 drafts" in out
    assert run("check", "--strict", "--content", content)[0] == 1


def test_the_date_placeholder_never_reaches_readers_but_the_date_still_shows_as_inferred(published, preview):
    for site in (published[0], preview):
        assert not files_with(site, DATE_PLACEHOLDER, DATE_TODO, "请核实")
        issue = html(site, "daily/2022/06/27/index.html")
        assert "日期为推" in issue  # 日期为推定 (or 推断): the mark stays
    assert "2022-06-27/issue.yml:3: warning: `date_approximate`" in published[1]


def test_the_importer_writes_the_placeholders_the_checker_knows():
    from edition import load
    from edition.ingest import issuefile, newspaper
    from edition.ingest.drafts import PageMeta

    assert (load.DATE_PLACEHOLDER, load.TITLE_PLACEHOLDER) == (DATE_PLACEHOLDER, TITLE_PLACEHOLDER)
    assert issuefile.additions(PageMeta(), {}, "2022-11-18", True)["date_approximate"] is load.DATE_PLACEHOLDER
    assert newspaper.UNTITLED is load.TITLE_PLACEHOLDER


# ---------------------------------------------------------------- a late page scan

LATE = {
    **TINY,
    "daily/2022-06-28/issue.yml": """
        date: 2022-06-28
        total_number: 4961
        pages:
          - number: 1
            name: 要闻
            image: 01.jpg
            pdf: 01.pdf
            regions:
              - {article: lead, box: [0, 0, 100, 40]}
          - {number: 2, name: 综合}
        """,
}


def test_a_missing_page_scan_is_a_warning_the_page_is_built_without_it_and_strict_refuses(build, tmp_path):
    content = tmp_path / "content"
    write(content, LATE)
    meta = content / "daily/2022-06-28/issue.yml"
    out = tmp_path / "site"
    code, _, err = build("--content", content, "--out", out)
    assert code == 0, err
    assert f"{meta}:6: warning: image file `01.jpg` not found: page 1 is built without it and without its 1 " \
           "region" in err
    assert f"{meta}:7: warning: pdf file `01.pdf` not found" in err
    page = html(out, "daily/2022/06/28/01/index.html")
    assert "01.jpg" not in page and "01.pdf" not in page and "hotspot" not in page
    assert "深化全国文明城市巩固工作" in page  # the day's text is out
    assert (out / "daily/2022/06/28/lead.html").is_file()
    before = snapshot(out)
    code, _, err = build("--strict", "--content", content, "--out", out)
    assert code == 1 and f"{meta}:6: warning: image file `01.jpg` not found" in err
    assert snapshot(out) == before
    code, _, err = build("check", "--strict", "--content", content)
    assert code == 1 and f"{meta}:6:" in err


def test_when_the_scan_arrives_an_incremental_build_adds_it_and_equals_a_clean_one(build, tmp_path):
    content = tmp_path / "content"
    write(content, LATE)
    out = tmp_path / "out" / "site"
    same_as_clean(build, content, out, "-q")
    (content / "daily/2022-06-28/01.jpg").write_bytes(JPEG)
    same_as_clean(build, content, out, "-q")
    page = html(out, "daily/2022/06/28/01/index.html")
    assert "01.jpg" in page and 'id="region-lead"' in page and "01.pdf" not in page
    assert (out / "daily/2022/06/28/01.jpg").read_bytes() == JPEG
    (content / "daily/2022-06-28/01.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    same_as_clean(build, content, out)
    assert "01.pdf" in html(out, "daily/2022/06/28/01/index.html")
    code, _, err = build("--strict", "--content", content, "--out", out, "-q")
    assert code == 0, err


# What a reader sees in chromium: the lists of home, issue, 版面, month and author pages, from disk
# and over HTTP, never show a draft without --drafts, and show it marked 草稿 with it.
LISTS = ["index.html", "daily/2022/06/28/index.html", "daily/2022/06/28/02/index.html", "daily/2022/06/index.html"]


@pytest.fixture(scope="module")
def draft_sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("draft-lists")
    write(root / "content", DRAFTS)
    (root / "content/daily/2022-06-28/02/draft-photo.jpg").write_bytes(JPEG)
    (root / "content/daily/2022-06-28/02.jpg").write_bytes(JPEG)
    sites = {}
    for drafts in (False, True):
        out = root / ("with" if drafts else "without")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert main(["build", "--content", str(root / "content"), "--out", str(out), "-q",
                         *(["--drafts"] if drafts else [])]) == 0
        sites[drafts] = out
    return sites


@pytest.mark.parametrize("over", ["file", "http"])
def test_a_reader_sees_no_draft_in_any_list_without_drafts_and_a_marked_one_with_them(page, draft_sites, over):
    from conftest import serve_folder

    for drafts, folder in draft_sites.items():
        with contextlib.ExitStack() as stack:
            base = stack.enter_context(serve_folder(folder, page)) if over == "http" else folder.as_uri() + "/"
            for name in LISTS:
                page.goto(base + name)
                shown = page.locator("main").inner_text()
                assert "次日第二篇草稿" not in shown or drafts, name  # the all-draft issue's article
                items = page.locator("main li", has_text=DRAFT_TITLE)
                if not drafts:
                    assert DRAFT_TITLE not in shown, (name, shown)
                elif name in LISTS[1:3]:  # home and the month list front pages: 2022-06-29's with --drafts
                    assert items.count() >= 1, (name, shown)
                    assert all("草稿" in items.nth(i).inner_text() for i in range(items.count())), name
            if drafts:  # the day of drafts only is built, and its drafts are marked
                for shown_on in ("daily/2022/06/29/index.html", "index.html", "daily/2022/06/index.html"):
                    page.goto(base + shown_on)
                    entry = page.locator("main li", has_text="次日第二篇草稿").first
                    assert entry.inner_text().count("草稿") >= 2, shown_on  # its title has 草稿, and the mark
            else:
                assert not (folder / "daily/2022/06/29").exists()


def test_with_drafts_a_draft_found_by_search_is_marked_in_the_results(page, draft_sites):
    page.goto(draft_sites[True].as_uri() + "/search.html?q=" + DRAFT_TITLE)
    result = page.locator(".result", has_text=DRAFT_TITLE).first
    result.wait_for()
    assert "〔草稿〕" in result.inner_text()
    others = page.locator(".result", has_text="本报讯")
    assert all("草稿" not in others.nth(i).locator("h2").inner_text() for i in range(others.count())
               if DRAFT_TITLE not in others.nth(i).inner_text())


def test_with_drafts_the_feed_and_the_open_data_mark_the_draft_and_without_them_hold_none(draft_sites):
    feed = (draft_sites[True] / "daily/feed.xml").read_text(encoding="utf-8")
    assert f"<title>〔草稿〕{DRAFT_TITLE}</title>" in feed
    marked = set(re.findall(r"<title>〔草稿〕(.*?)</title>", feed))
    assert marked == {DRAFT_TITLE, TITLE_PLACEHOLDER, "次日第二篇草稿"}, marked  # the published ones are not marked
    assert "<title>上一期头条</title>" in feed
    data = json.loads((draft_sites[True] / "daily/2022/06/28/issue.json").read_text(encoding="utf-8"))
    marked = {a["id"]: a.get("draft", False) for a in data["articles"]}
    assert marked[DRAFT_SLUG] is True and sum(marked.values()) == 1, marked
    assert DRAFT_TITLE not in (draft_sites[False] / "daily/feed.xml").read_text(encoding="utf-8")
