"""The 版面 reading view as readers of 人民日报 / 浙江日报 digital editions expect it, in chromium at
1366×900 and 390×844: the page image beside (on a phone, above) 版面导航 and 标题导航, the image
enlarged with keyboard, mouse and touch, 下载本版 PDF beside the title, the same view on the home
page, a 404 page that finds home from any depth, a compact phone header and a search page whose
first result shows without scrolling."""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import threading
from pathlib import Path

import pytest

from conftest import ARTIFACTS, ROOT, TINY, article, write
from edition.cli import main
from edition.sitecheck import check_site

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
FACSIMILE = "pinghu-daily/2022/06/28/01/index.html"

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1414" viewBox="0 0 1000 1414">'
       '<rect width="1000" height="1414" fill="#fff"/><rect x="20" y="150" width="600" height="400" fill="#ccc"/></svg>')

# TINY with a page image, regions and a PDF on the front page of its latest daily issue
READING = {**TINY, "daily/2022-06-28/issue.yml": """
    date: 2022-06-28
    total_number: 4961
    pages:
      - number: 1
        name: 要闻
        pdf: 01.pdf
        image: 01.svg
        regions:
          - {article: lead, box: [2, 10, 60, 30]}
          - {article: second, box: [62, 10, 36, 30]}
      - {number: 2, name: 综合}
    """, "daily/2022-06-28/01.svg": SVG, "daily/2022-06-28/01.pdf": "%PDF-1.4\n%%EOF\n"}


def built(content: Path, out: Path, *args: str) -> Path:
    assert main(["--content", str(content), "--out", str(out), "-q", *args]) == 0
    return out


@pytest.fixture(scope="module")
def reading_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reading")
    write(root / "content", READING)
    return built(root / "content", root / "site")


def html(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


@contextlib.contextmanager
def new_page(browser, viewport=DESKTOP, **options):
    """A page that fails the test on a script error or a request that fails or leaves the machine."""
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(5000)
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: None if r.failure == "net::ERR_ABORTED" else problems.append(r.url))
    page.on("request", lambda r: None if r.url.startswith(("file://", "http://127.0.0.1")) else problems.append(r.url))
    try:
        yield page
    finally:
        context.close()
    assert problems == []


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not shown"
    return found


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


# -- the 版面 page -------------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("served", ["file", "http"])
def test_desktop_shows_the_page_image_left_and_both_lists_beside_it(browser, sample_site, http_root, served):
    start = sample_site.as_uri() + "/" if served == "file" else http_root
    with new_page(browser) as page:
        page.goto(start + FACSIMILE)
        page.wait_for_function("document.querySelector('.facsimile img').complete")
        image, pages, titles = box(page, ".facsimile img"), box(page, ".page-nav"), box(page, ".page-articles")
        assert image["width"] >= 500, "the page image is large"
        assert image["x"] + image["width"] <= pages["x"] and image["x"] + image["width"] <= titles["x"]
        assert abs(pages["y"] - image["y"]) < 60, "版面导航 starts beside the top of the image"
        assert titles["y"] < DESKTOP["height"], "标题导航 is in view without scrolling"
        nav = page.get_by_role("navigation", name="平湖日报 版面导航")
        assert nav.get_by_role("link", name="第01版：要闻", exact=True).get_attribute("aria-current") == "page"
        assert page.locator(".page-side").get_by_text("已是第一版").is_visible()  # 上一版/下一版
        entry = page.locator(".page-articles li").first
        assert "仲旭东在督查全国文明城市巩固工作时强调" in entry.inner_text()  # the kicker
        if served == "file":
            shot(page, "reading-view-1366")


@pytest.mark.browser
def test_phone_shows_the_image_first_at_full_width_then_foldable_lists(browser, sample_site):
    with new_page(browser, PHONE) as page:
        page.goto(f"{sample_site.as_uri()}/{FACSIMILE}")
        page.wait_for_function("document.querySelector('.facsimile img').complete")
        image, pages, titles = box(page, ".facsimile img"), box(page, ".page-nav"), box(page, ".page-articles")
        assert image["width"] >= PHONE["width"] - 40, "the image takes the phone's width"
        assert image["y"] + image["height"] <= pages["y"] <= titles["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, "reading-view-390")
    with new_page(browser, PHONE, java_script_enabled=False) as page:  # folding needs no script
        page.goto(f"{sample_site.as_uri()}/{FACSIMILE}")
        first = page.locator(".page-articles li").first
        assert first.is_visible()
        page.locator("summary", has_text="标题导航").click()
        assert not first.is_visible()
        page.locator("summary", has_text="标题导航").click()
        assert first.is_visible()


@pytest.mark.browser
def test_a_title_lights_its_region_and_a_region_its_title(browser, sample_site):
    with new_page(browser) as page:
        page.goto(f"{sample_site.as_uri()}/{FACSIMILE}")
        region = page.locator("#region-zhineng-shengchan")
        entry = page.locator('.page-articles li[data-article="zhineng-shengchan"]')
        entry.locator(".headline a").hover()
        assert "active" in region.get_attribute("class")
        page.mouse.move(0, 0)
        assert "active" not in region.get_attribute("class")
        region.hover()
        assert "active" in entry.get_attribute("class")
        page.locator('.page-articles li[data-article="renda-dangzu-huiyi"] .headline a').focus()
        assert "active" in page.locator("#region-renda-dangzu-huiyi").get_attribute("class")


def zoom_state(page) -> tuple:
    return page.evaluate("""() => { const d = document.querySelector('.zoom-dialog');
        const img = d.querySelector('img'); return [d.open, parseFloat(d.dataset.scale),
        img.getBoundingClientRect().width, img.style.transform]; }""")


@pytest.mark.browser
def test_zoom_opens_zooms_pans_and_closes_with_the_keyboard(browser, sample_site):
    with new_page(browser) as page:
        page.goto(f"{sample_site.as_uri()}/{FACSIMILE}")
        zoom = page.get_by_role("button", name="放大版面图")
        assert zoom.is_visible()
        zoom.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelector('.zoom-dialog').open")
        opened, scale, width, _ = zoom_state(page)
        assert scale == 1
        page.keyboard.press("+")
        page.keyboard.press("+")
        _, scale, wider, moved = zoom_state(page)
        assert scale > 1.5 and wider > width * 1.5
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowDown")
        assert zoom_state(page)[3] != moved, "the arrow keys pan"
        page.keyboard.press("-")
        assert zoom_state(page)[1] < scale
        shot(page, "reading-view-zoom-1366")
        page.keyboard.press("Escape")
        assert zoom_state(page)[0] is False
        assert page.evaluate("document.activeElement.classList.contains('zoom-open')"), "focus returns"
        # the image itself opens it too, with Space, and the wheel and a drag work in it
        page.locator(".facsimile-image").focus()
        page.keyboard.press(" ")
        page.wait_for_function("document.querySelector('.zoom-dialog').open")
        view = box(page, ".zoom-view")
        page.mouse.move(view["x"] + view["width"] / 2, view["y"] + view["height"] / 2)
        page.mouse.wheel(0, -400)
        _, scale, _, before = zoom_state(page)
        assert scale > 1.5
        page.mouse.down()
        page.mouse.move(view["x"] + view["width"] / 2 - 120, view["y"] + view["height"] / 2 - 80, steps=4)
        page.mouse.up()
        assert zoom_state(page)[3] != before, "dragging pans"
        page.get_by_role("button", name="关闭放大的版面图").click()
        assert zoom_state(page)[0] is False
        # the dialog's close event is a queued task: focus comes back with it
        page.wait_for_function("document.activeElement.classList.contains('facsimile-image')", timeout=5000)


@pytest.mark.browser
def test_the_open_zoom_dialog_has_no_serious_accessibility_violations(browser, http_root):
    with new_page(browser) as page:  # over HTTP: axe re-reads the stylesheets, which file:// refuses
        page.goto(http_root + FACSIMILE)
        page.get_by_role("button", name="放大版面图").click()
        page.wait_for_function("document.querySelector('.zoom-dialog').open")
        page.add_script_tag(path=str(ROOT / "node_modules/axe-core/axe.min.js"))
        found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
        assert [(v["id"], v["nodes"][0]["target"]) for v in found if v["impact"] in ("serious", "critical")] == []


def touch(cdp, kind: str, points: list) -> None:
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y, "id": n}
                                                                         for n, (x, y) in enumerate(points)]})


@pytest.mark.browser
def test_on_a_phone_two_fingers_pinch_the_page_image_larger_and_one_drags_it(browser, sample_site):
    with new_page(browser, PHONE, has_touch=True, is_mobile=True) as page:
        page.goto(f"{sample_site.as_uri()}/{FACSIMILE}")
        page.get_by_role("button", name="放大版面图").tap()
        page.wait_for_function("document.querySelector('.zoom-dialog').open")
        view = box(page, ".zoom-view")
        x, y = view["x"] + view["width"] / 2, view["y"] + view["height"] / 2
        cdp = page.context.new_cdp_session(page)
        touch(cdp, "touchStart", [(x - 30, y), (x + 30, y)])
        for step in range(1, 6):
            touch(cdp, "touchMove", [(x - 30 - 20 * step, y), (x + 30 + 20 * step, y)])
        touch(cdp, "touchEnd", [])
        _, scale, _, before = zoom_state(page)
        assert scale > 2, "pinching apart zooms in"
        touch(cdp, "touchStart", [(x, y)])
        for step in range(1, 6):
            touch(cdp, "touchMove", [(x - 15 * step, y - 15 * step)])
        touch(cdp, "touchEnd", [])
        assert zoom_state(page)[3] != before, "one finger drags"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, "reading-view-zoom-390")


@pytest.mark.browser
def test_without_scripts_the_image_links_to_the_image_file(browser, sample_site):
    with new_page(browser, java_script_enabled=False) as page:
        page.goto(f"{sample_site.as_uri()}/{FACSIMILE}")
        assert page.locator(".facsimile-image").get_attribute("href") == "../01.jpg"
        assert not page.locator(".zoom-open").is_visible(), "no button that would do nothing"


@pytest.mark.browser
def test_pdf_beside_the_title_and_each_page_pdf_on_the_issue_page(browser, reading_site):
    with new_page(browser) as page:
        page.goto(f"{reading_site.as_uri()}/daily/2022/06/28/01/index.html")
        title, pdf = box(page, "h1"), box(page, "a.pdf")
        assert page.locator("a.pdf").inner_text() == "下载本版 PDF"
        assert pdf["x"] >= title["x"] + title["width"] and pdf["y"] < title["y"] + title["height"], "beside the h1"
        assert page.locator("a.pdf").get_attribute("href") == "../01.pdf"
        page.goto(f"{reading_site.as_uri()}/daily/2022/06/28/index.html")
        link = page.get_by_role("link", name="第01版：要闻 PDF")
        assert link.is_visible() and link.get_attribute("href") == "01.pdf"
        assert page.get_by_role("link", name="第02版：综合 PDF").count() == 0, "page 2 has no PDF"
    assert "下载本版 PDF" not in html(reading_site, "daily/2022/06/28/02/index.html")


# -- home -----------------------------------------------------------------------------------------

@pytest.mark.browser
def test_home_opens_on_the_first_publication_front_page_view(browser, reading_site):
    with new_page(browser) as page:
        page.goto(f"{reading_site.as_uri()}/index.html")
        page.wait_for_function("document.querySelector('.facsimile img').naturalWidth > 0")
        assert page.locator(".page-view .page-title").inner_text() == "第01版：要闻"
        image, pages = box(page, ".facsimile img"), box(page, ".page-nav")
        assert image["x"] + image["width"] <= pages["x"] and abs(pages["y"] - image["y"]) < 60
        nav = page.get_by_role("navigation", name="测试日报 版面导航")
        assert nav.get_by_role("link").all_inner_texts() == ["第01版：要闻", "第02版：综合"]
        titles = page.locator(".page-articles .headline").all_inner_texts()
        assert titles == ["深化全国文明城市巩固工作", "平湖首个顶尖人才项目签约落户"]
        assert page.locator("a.pdf").get_attribute("href") == "daily/2022/06/28/01.pdf"
        page.locator(".page-articles .headline a").first.hover()
        assert "active" in page.locator("#region-lead").get_attribute("class")
        other = page.get_by_role("region", name="其他报刊的最新一期")
        assert "理论学习" in other.inner_text() and "2022年12月30日" in other.inner_text()
        other.get_by_role("link", name="2022年12月30日 2022年第12期").click()
        assert page.url.endswith("/journal/2022/12/30/index.html")


@pytest.mark.browser
def test_sample_home_shows_the_front_page_lists_without_an_image(browser, sample_site):
    with new_page(browser, PHONE) as page:
        page.goto(f"{sample_site.as_uri()}/index.html")
        assert page.locator(".page-view .facsimile").count() == 0  # 2025-02-07 has no page image
        assert page.get_by_role("navigation", name="平湖日报 版面导航").is_visible()
        assert page.locator(".page-articles li").count() >= 3
        assert page.get_by_role("region", name="其他报刊的最新一期").get_by_role("link", name="理论学习").is_visible()
        shot(page, "home-390")


def test_home_is_valid_when_the_first_publication_has_no_issue_or_no_image(tmp_path):
    content = tmp_path / "content"
    write(content, {k: v for k, v in TINY.items() if not k.startswith("daily/2022")})
    site = built(content, tmp_path / "site")
    home = html(site, "index.html")
    assert "测试日报" in home and "暂无期次" in home and 'href="journal/2022/12/30/index.html"' in home
    # no 版面 page at all leaves the 版面 scripts unlinked; every link of home resolves
    assert [p for p in check_site(site) if not p.endswith("orphan, no page links to it")] == []
    write(content, {k: v for k, v in TINY.items() if k.startswith("daily/2022")})
    home = html(built(content, tmp_path / "site"), "index.html")
    assert 'class="page-view"' in home and "<figure" not in home
    assert check_site(tmp_path / "site") == []


def test_a_new_issue_changes_home_but_not_the_older_issue_pages(tmp_path, capsys):
    content = tmp_path / "content"
    write(content, READING)
    site = built(content, tmp_path / "site")
    before = {p: (site / p).read_bytes() for p in ("index.html", "daily/2022/06/28/01/index.html",
                                                   "daily/2022/06/27/index.html")}
    write(content, {"daily/2022-06-29/issue.yml": "date: 2022-06-29\npages:\n  - {number: 1, name: 要闻}\n",
                    "daily/2022-06-29/01/01-new.md": article("新一期的头条")})
    built(content, site)
    assert (site / "index.html").read_bytes() != before["index.html"]
    assert "新一期的头条" in html(site, "index.html")
    assert (site / "daily/2022/06/28/01/index.html").read_bytes() == before["daily/2022/06/28/01/index.html"]


# -- inferred dates ---------------------------------------------------------------------------------

@pytest.mark.browser
def test_an_inferred_date_is_a_short_mark_with_its_reason_on_demand(browser, sample_site):
    with new_page(browser) as page:
        page.goto(f"{sample_site.as_uri()}/pinghu-daily/2022/10/31/index.html")
        reason = page.locator(".masthead .approximate p")
        assert page.locator(".masthead summary").inner_text() == "日期为推定"
        assert not reason.is_visible()
        page.locator(".masthead summary").click()
        assert reason.is_visible() and "报头未印日期" in reason.inner_text()
        page.goto(f"{sample_site.as_uri()}/pinghu-daily/2022/10/31/01/index.html")
        mark = page.locator(".context").get_by_role("button", name="日期为推定")
        note = page.locator(".context .approx-note")
        assert not note.is_visible()
        mark.click()
        assert note.is_visible() and "报头未印日期" in note.inner_text()
        page.keyboard.press("Escape")
        assert not note.is_visible()
    assert "日期为推断" not in html(sample_site, "pinghu-daily/2022/index.html")


# -- 404 --------------------------------------------------------------------------------------------

class _NotFound(http.server.SimpleHTTPRequestHandler):
    """A static host: files from `directory`, and the site's 404.html, with status 404, for the rest."""

    def __init__(self, *args, not_found: Path, **kwargs):
        self.not_found = not_found
        super().__init__(*args, **kwargs)

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = self.not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def static_host(folder: Path, site: Path):
    handler = functools.partial(_NotFound, directory=str(folder), not_found=site / "404.html")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.mark.browser
@pytest.mark.parametrize("where", ["root", "subpath"])
def test_404_from_a_deep_path_is_styled_and_links_home(browser, sample_site, where):
    folder = sample_site if where == "root" else sample_site.parent
    with static_host(folder, sample_site) as host:
        root = host if where == "root" else host + "site/"
        with new_page(browser, PHONE) as page:
            response = page.goto(root + "pinghu-daily/2022/06/28/no-such.html")
            assert response.status == 404
            assert page.locator("h1").inner_text() == "页面不存在"
            assert "PingFang SC" in page.evaluate("getComputedStyle(document.body).fontFamily"), "the site's stylesheet"
            assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "double"
            assert page.locator(".site-header").is_visible() and page.locator(".site-footer").is_visible()
            assert page.get_by_role("search").get_by_role("searchbox").is_visible()
            home = page.locator("a.home-link")
            assert home.evaluate("a => a.href") == root + "index.html"
            home.click()
            page.wait_for_url(root + "index.html")
            assert page.title().startswith("首页")
            page.goto(root + "authors/nobody/page-9.html")
            assert page.locator("a.home-link").evaluate("a => a.href") == root + "index.html"
            if where == "root":
                shot(page, "404-390")
        if where == "root":
            with new_page(browser, PHONE, java_script_enabled=False) as page:  # no script: the host's root
                page.goto(root + "pinghu-daily/2022/06/28/no-such.html")
                assert page.locator("a.home-link").evaluate("a => a.href") == root + "index.html"
                assert "PingFang SC" in page.evaluate("getComputedStyle(document.body).fontFamily")


def test_404_with_a_base_url_links_absolutely(tmp_path):
    content = tmp_path / "content"
    write(content, TINY)
    site = built(content, tmp_path / "site", "--base-url", "https://news.example.org/paper/")
    page = html(site, "404.html")
    assert 'href="https://news.example.org/paper/index.html"' in page
    assert 'href="https://news.example.org/paper/assets/style.css"' in page
    assert "<base" not in page and "<script" not in page
    assert check_site(site) == []


# -- the header on a phone and the search page -------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("path", ["index.html", FACSIMILE, "pinghu-daily/2022/06/28/wenming-chengshi-ducha.html"])
def test_phone_header_is_compact(browser, sample_site, path):
    with new_page(browser, PHONE) as page:
        page.goto(f"{sample_site.as_uri()}/{path}")
        header = box(page, ".site-header")
        assert header["height"] <= 110
        nav = page.get_by_role("navigation", name="站点导航")
        assert nav.get_by_role("link", name="检索").is_visible()
        assert page.get_by_role("search").is_visible()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_search_page_has_one_box_and_the_first_result_above_the_fold(browser, sample_site, viewport):
    with new_page(browser, viewport) as page:
        page.goto(f"{sample_site.as_uri()}/search.html?q=平湖")
        page.wait_for_selector("body[data-search-done=true]")
        assert page.locator("input[type=search]").count() == 1
        assert page.get_by_role("search").count() == 1
        first = box(page, "#search-results .result")
        assert first["y"] < 500
        filters = page.locator(".search-filters")
        assert filters.is_visible() == (viewport is DESKTOP), "filters folded on a phone"
        if viewport is PHONE:
            page.locator("summary", has_text="筛选与排序").click()
            assert filters.is_visible()
            shot(page, "search-390")
        page.goto(f"{sample_site.as_uri()}/search.html?q=平湖&publication=lilun-journal")
        page.wait_for_selector("body[data-search-done=true]")
        assert filters.is_visible(), "a filter in the address shows the filters"


def test_the_new_script_is_built_and_listed(reading_site):
    assert (reading_site / "assets/zoom.js").is_file()
    assert re.search(r'<script src="\.\./\.\./\.\./\.\./\.\./assets/zoom\.js">',
                     html(reading_site, "daily/2022/06/28/01/index.html"))
