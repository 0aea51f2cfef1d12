"""Script smuggled into content never runs: every page of a site built from hostile payloads
is opened in chromium, from disk and over HTTP, and any dialog, script error or console
error fails the test."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import TINY, serve_folder, write
from edition.cli import main

pytestmark = pytest.mark.browser

# Every payload calls alert(), which the page fixture records as a dialog, or sets a flag.
SCRIPT = "<script>alert('s')</script>"
PAYLOAD_TITLE = "</script><script>alert('t')</script><!-- \"引号\" '单引号' <img src=x onerror=alert('i')>"
HOSTILE = {
    "site.yml": f"""
        title: {json.dumps("测试日报" + SCRIPT, ensure_ascii=False)}
        publications: [daily, journal]
        index_page_size: 2
        """,
    "daily/2022-06-28/issue.yml": f"""
        date: 2022-06-28
        total_number: 4961
        pages:
          - number: 1
            name: {json.dumps("要闻</title>" + SCRIPT, ensure_ascii=False)}
            editor: {json.dumps('"><svg onload=alert(1)>', ensure_ascii=False)}
            image: 01.svg
            regions:
              - {{article: lead, box: [0, 0, 50, 50]}}
          - {{number: 2, name: 综合}}
        """,
    # a page image may be SVG: the site publishes it cleaned of everything that runs script
    "daily/2022-06-28/01.svg": "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' "
                               "viewBox='0 0 10 10' onload=\"alert('svg-onload')\"><script>alert('svg-script')</script>"
                               "<a xlink:href=\"javascript:alert('svg-link')\"><rect width='10' height='10' fill='#eee'/></a>"
                               "<foreignObject width='10' height='10'><body xmlns='http://www.w3.org/1999/xhtml'>"
                               "<img src='x' onerror=\"alert('svg-html')\"/></body></foreignObject>"
                               "<set attributeName='onmouseover' to=\"alert('svg-set')\"/></svg>\n",
    "daily/2022-06-28/01/01-lead.md": "\n".join([
        "---",
        f"title: {json.dumps(PAYLOAD_TITLE, ensure_ascii=False)}",
        "kicker: " + json.dumps('"><svg onload=alert(2)>', ensure_ascii=False),
        "subtitle: " + json.dumps("'-alert(3)-'", ensure_ascii=False),
        "authors:",
        f"  - {{name: {json.dumps('<img src=x onerror=alert(4)>', ensure_ascii=False)}, role: 记者}}",
        f"column: {json.dumps('<a href=javascript:alert(5)>栏目</a>', ensure_ascii=False)}",
        "corrections:",
        f"  - {{date: 2022-06-29, note: {json.dumps(SCRIPT + '更正', ensure_ascii=False)}}}",
        "---",
        "",
        "本报讯 平湖新闻正文。" + SCRIPT,
        "",
        "<script>alert('block')</script>",
        "",
        "<img src=x onerror=alert('inline')> <iframe src=\"javascript:alert('frame')\"></iframe>",
        "",
        "[点我](javascript:alert('link')) [大写](JaVaScRiPt:alert('case')) [空格]( javascript:alert('sp'))",
        "",
        "[数据](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZCcpPC9zY3JpcHQ+) [vb](vbscript:msgbox(1))",
        "",
        "[实体](&#106;avascript:alert('entity')) <javascript:alert('auto')>",
        "",
        "[图片数据](data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==) <data:image/png;base64,iVBORw0KGgo=>",
        "",
        "{{gap: <script>alert('gap')</script>}} 结尾。",
        "",
    ]),
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    write(root / "content", TINY)
    write(root / "content", HOSTILE)
    out = root / "site"
    assert main(["--content", str(root / "content"), "--out", str(out), "-q"]) == 0
    return out


@pytest.fixture(scope="module")
def hostile_http(hostile_site):
    with serve_folder(hostile_site) as url:
        yield url


def visit_every_page(page, site: Path, base: str) -> int:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    for name in pages:
        page.goto(base + name)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", name
        assert page.dialogs == [] and page.errors == [], (name, page.dialogs, page.errors)
        handlers = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(el =>
            [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))""")
        assert handlers == [], (name, handlers)
        bad_links = page.evaluate("""() => [...document.querySelectorAll('[href], [src]')]
            .map(el => el.getAttribute('href') || el.getAttribute('src'))
            .filter(u => /^\\s*(javascript|data|vbscript):/i.test(u))""")
        assert bad_links == [], (name, bad_links)
    return len(pages)


def test_no_payload_runs_on_any_page_from_disk(page, hostile_site):
    assert visit_every_page(page, hostile_site, hostile_site.as_uri() + "/") > 20


def test_no_payload_runs_on_any_page_over_http(page, hostile_site, hostile_http):
    assert visit_every_page(page, hostile_site, hostile_http) > 20


def test_payloads_are_shown_as_the_text_the_editor_typed(page, hostile_site):
    page.goto(hostile_site.as_uri() + "/daily/2022/06/28/lead.html")
    assert page.locator("#story-title").inner_text() == PAYLOAD_TITLE
    body = page.locator("main").inner_text()
    assert "<script>alert('block')</script>" in body
    assert "[点我](javascript:alert('link'))" in body or "点我" in body


@pytest.mark.parametrize("query", ["平湖新闻", "alert", PAYLOAD_TITLE])
def test_search_results_with_payload_titles_stay_text(page, hostile_site, query):
    page.goto(hostile_site.as_uri() + "/search.html?q=" + quote(query))
    page.wait_for_selector("body[data-search-done=true]")
    results = page.locator("#search-results li")
    assert results.count() >= 1, query
    assert PAYLOAD_TITLE in results.first.inner_text()
    assert page.locator("#search-results img, #search-results script, #search-results svg").count() == 0


@pytest.mark.parametrize("over", ["disk", "http"])
def test_a_page_image_svg_runs_no_script_when_opened_itself(page, hostile_site, hostile_http, over):
    images = sorted(p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*.svg")
                    if not p.relative_to(hostile_site).as_posix().startswith("assets/"))
    assert images == ["daily/2022/06/28/01.svg"]
    base = hostile_site.as_uri() + "/" if over == "disk" else hostile_http
    for name in images:
        page.goto(base + name)
        page.wait_for_load_state("load")
        page.mouse.click(5, 5)
        page.mouse.move(3, 3)
        assert page.dialogs == [] and page.errors == [], (name, page.dialogs)
        assert page.evaluate("document.querySelectorAll('script, foreignObject').length") == 0
