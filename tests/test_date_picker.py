"""往期回顾: the date picker of issue and 版面 pages, year pages on a phone, month pages that lead
to every article, and a date file that a new issue rewrites without rewriting every old page."""

from __future__ import annotations

import contextlib
import re
import shutil

import pytest

from conftest import TINY, article, edit, serve_folder, write
from edition.cli import main
from edition.writer import MARKER
from test_incremental import same_as_clean, written

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

# TINY has 2022-06-27 and 2022-06-28; an August issue with seven front-page articles is added,
# so the picker has a month to go back from and the month page more headlines than it lists.
AUGUST = {
    "daily/2022-08-01/issue.yml": """
        date: 2022-08-01
        total_number: 4990
        pages:
          - {number: 1, name: 要闻}
        """,
    **{f"daily/2022-08-01/01/0{n}-a{n}.md": article(f"八月第{n}条新闻") for n in range(1, 8)},
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    content = tmp_path_factory.mktemp("picker") / "content"
    write(content, {**TINY, **AUGUST})
    out = content.parent / "site"
    assert main(["--content", str(content), "--out", str(out), "-q"]) == 0
    return out


@pytest.fixture(scope="module")
def tiny_http(site):
    with serve_folder(site.parent) as url:
        yield url + "site/"


@contextlib.contextmanager
def opened(browser, viewport: str, javascript: bool = True):
    """A page at this viewport that fails the test on a script error or a request leaving the site."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(5000)
    problems: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(("file://", "http://127.0.0.1")) else problems.append(r.url))
    page.on("requestfailed", lambda r: None if r.failure == "net::ERR_ABORTED" else problems.append(r.url))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        yield page
    finally:
        context.close()
    assert problems == []


def root_of(origin: str, folder, http: str) -> str:
    return folder.as_uri() + "/" if origin == "file" else http


def issue_date(page) -> str:
    return page.locator(".masthead-date time").get_attribute("datetime")


def open_picker(page):
    page.click(".date-picker summary")
    page.locator(".dp-grid").wait_for()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("origin", ["file", "http"])
@pytest.mark.parametrize("start", ["版面 of 2022-10-31", "issue of 2025-02-07", "issue of 2022-06-28"])
def test_the_picker_of_the_sample_opens_the_issue_of_2022_06_28(browser, sample_site, http_root, viewport,
                                                                origin, start):
    path = {"版面 of 2022-10-31": "pinghu-daily/2022/10/31/01/index.html",
            "issue of 2025-02-07": "pinghu-daily/2025/02/07/index.html",
            "issue of 2022-06-28": "pinghu-daily/2022/06/28/index.html"}[start]
    with opened(browser, viewport) as page:
        page.goto(root_of(origin, sample_site, http_root) + path)
        open_picker(page)
        caption = page.locator(".dp-grid caption")
        if start == "版面 of 2022-10-31":
            assert caption.inner_text() == "2022年10月 · 1期"
            page.get_by_role("button", name="上月：2022年6月").click()  # July to September have no issue
        elif start == "issue of 2025-02-07":
            assert caption.inner_text() == "2025年2月 · 1期"
            page.get_by_label("年份").select_option("2022")  # opens the month of 2022 nearest to February
        assert caption.inner_text() == "2022年6月 · 1期"
        current = "（本期）" if start == "issue of 2022-06-28" else ""
        day = page.get_by_role("link", name="2022年6月28日 星期二" + current, exact=True)
        assert day.is_visible()
        day.click()
        page.wait_for_url("**/pinghu-daily/2022/06/28/index.html")
        assert issue_date(page) == "2022-06-28"
        assert page.locator("h1.masthead-name").inner_text() == "平湖日报"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("origin", ["file", "http"])
def test_the_picker_goes_back_a_month_and_opens_another_issue(browser, site, tiny_http, viewport, origin):
    with opened(browser, viewport) as page:
        page.goto(root_of(origin, site, tiny_http) + "daily/2022/08/01/01/index.html")  # a 版面 page
        open_picker(page)
        assert page.locator(".dp-grid caption").inner_text() == "2022年8月 · 1期"
        assert page.locator(".dp-next").is_disabled()  # no later issue
        page.get_by_role("button", name="上月：2022年6月").click()  # July has no issue: skipped
        assert page.locator(".dp-grid caption").inner_text() == "2022年6月 · 2期"
        assert page.get_by_role("status").inner_text() == "2022年6月 · 2期"
        assert page.locator(".dp-prev").is_disabled()
        page.get_by_role("link", name="2022年6月28日 星期二").click()
        page.wait_for_url("**/daily/2022/06/28/index.html")
        assert issue_date(page) == "2022-06-28"


@pytest.mark.browser
def test_days_without_an_issue_are_not_links_and_months_without_one_cannot_be_picked(browser, site):
    with opened(browser, "desktop") as page:
        page.goto(site.as_uri() + "/daily/2022/06/27/index.html")
        open_picker(page)
        grid = page.locator(".dp-grid")
        assert grid.locator("a").all_inner_texts() == ["27", "28"]
        assert grid.locator("tbody td").filter(has_text=re.compile(r"^\d+$")).count() == 30  # June's days
        assert grid.locator("td", has_text=re.compile("^29$")).locator("a").count() == 0
        assert page.get_by_label("年份").locator("option").all_inner_texts() == ["2022年"]
        months = page.get_by_label("月份")
        disabled = months.locator("option:disabled").all_inner_texts()
        assert "7月" in disabled and "6月" not in disabled and "8月" not in disabled
        months.select_option("08")
        assert grid.locator("a").all_inner_texts() == ["1"]
        assert grid.locator("a").get_attribute("aria-label") == "2022年8月1日 星期一"
        page.goto(site.as_uri() + "/journal/2022/12/30/index.html")  # a periodical, its date inferred
        open_picker(page)
        assert grid.locator("a").get_attribute("aria-label") == "2022年12月30日 星期五（日期为推定）（本期）"


@pytest.mark.browser
def test_the_picker_works_from_the_keyboard(browser, site):
    with opened(browser, "phone") as page:
        page.goto(site.as_uri() + "/daily/2022/08/01/index.html")
        page.locator(".date-picker summary").focus()
        page.keyboard.press("Enter")  # opens the picker
        page.locator("a[aria-current=date]").focus()  # 1 August, this issue
        page.keyboard.press("PageUp")  # June, on its last issue
        assert page.locator(".dp-grid caption").inner_text() == "2022年6月 · 2期"
        assert page.evaluate("document.activeElement.textContent") == "28"
        page.keyboard.press("ArrowLeft")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "2022年6月27日 星期一"
        page.keyboard.press("Enter")
        page.wait_for_url("**/daily/2022/06/27/index.html")
        assert issue_date(page) == "2022-06-27"
        page.locator(".date-picker summary").focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")  # closes it again
        assert page.locator(".dp-grid").is_hidden()


@pytest.mark.browser
@pytest.mark.parametrize("origin", ["file", "http"])
@pytest.mark.parametrize("start", ["pinghu-daily/2022/06/28/index.html", "pinghu-daily/2022/06/28/01/index.html"])
def test_without_javascript_the_picker_links_to_the_month_and_year_pages(browser, sample_site, http_root, origin,
                                                                         start):
    with opened(browser, "phone", javascript=False) as page:
        page.goto(root_of(origin, sample_site, http_root) + start)
        page.get_by_text("往期回顾：按日期查看").click()
        assert page.locator(".date-picker-calendar").is_hidden()
        assert page.get_by_role("link", name="2022年全年日历").is_visible()
        page.get_by_role("link", name="2022年6月各期").click()
        page.wait_for_url("**/pinghu-daily/2022/06/index.html")
        assert page.locator("h1").inner_text() == "平湖日报 2022年6月"


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_year_page_on_a_phone_draws_only_the_months_with_issues(browser, site, sample_site, viewport):
    with opened(browser, viewport) as page:
        page.goto(site.as_uri() + "/daily/2022/index.html")
        drawn = page.locator("table.calendar:visible caption").all_inner_texts()
        height = page.evaluate("document.documentElement.scrollHeight")
        note = page.locator(".year-empty-note")
        if viewport == "phone":
            assert drawn == ["6月", "8月"]
            assert note.inner_text() == "2022年1–5月、7月、9–12月无报纸。"
            assert height < 1300, height  # twelve months stacked were 3,500 px
        else:
            assert len(drawn) == 12 and note.is_hidden()
        page.goto(sample_site.as_uri() + "/pinghu-daily/2022/index.html")
        drawn = page.locator("table.calendar:visible caption").all_inner_texts()
        assert drawn == (["6月", "10月", "11月"] if viewport == "phone" else [f"{m}月" for m in range(1, 13)])


def test_a_month_page_leads_to_every_article_of_each_issue(site):
    html = (site / "daily/2022/08/index.html").read_text(encoding="utf-8")
    assert html.count("八月第") == 5  # the first five front-page headlines
    assert '<a href="01/index.html">本期全部 7 篇</a>' in html  # and a link to all seven
    issue = (site / "daily/2022/08/01/index.html").read_text(encoding="utf-8")
    assert all(f"八月第{n}条新闻" in issue for n in range(1, 8))  # and the issue lists all seven
    june = (site / "daily/2022/06/index.html").read_text(encoding="utf-8")
    assert "本期全部 4 篇" in june  # 2022-06-28: two on the front page, four in all
    assert june.count("本期全部") == 1  # 2022-06-27 shows its only article


def test_the_date_file_lists_the_issue_days_and_is_a_script(site):
    text = (site / "daily/dates.js").read_text(encoding="utf-8")
    assert '(self.editionDates = self.editionDates || {})["daily"] = ' in text
    assert '"url":"{Y}/{M}/{D}/index.html"' in text and '"days":{"2022-06":[27,28],"2022-08":[1]}' in text
    journal = (site / "journal/dates.js").read_text(encoding="utf-8")
    assert '"approx":["2022-12-30"]' in journal
    issue = (site / "daily/2022/06/28/index.html").read_text(encoding="utf-8")
    assert '<script defer src="../../../dates.js"></script>' in issue and "2022-08" not in issue


def test_a_new_issue_rewrites_the_date_file_and_its_neighbours_not_every_old_issue_page(tiny, build, tmp_path):
    out = tmp_path / "out" / "site"
    same_as_clean(build, tiny, out)
    pages = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    old_pages = [p for p in pages if re.fullmatch(r"(daily/2022/06/27|journal/2022/12/30)/(\d\d/)?index\.html", p)]
    assert len(old_pages) == 3 and all("date-picker" in (out / p).read_text(encoding="utf-8") for p in old_pages)
    dates = (out / "daily/dates.js").read_text(encoding="utf-8")

    write(tiny, {"daily/2022-06-29/issue.yml": "date: 2022-06-29\ntotal_number: 4962\npages:\n  - {number: 1, name: 要闻}\n",
                 "daily/2022-06-29/01/01-next.md": article("次日头条")})
    _, summary = same_as_clean(build, tiny, out)
    now = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    rewritten = {p for p in now if pages.get(p) != now[p] and p != MARKER}
    assert written(summary) == len(rewritten), summary
    assert "daily/dates.js" in rewritten and "[27,28,29]" in (out / "daily/dates.js").read_text(encoding="utf-8")
    assert (out / "daily/dates.js").read_text(encoding="utf-8") != dates
    assert "daily/2022/06/28/index.html" in rewritten  # its 下一期 link
    assert not rewritten & set(old_pages), "an old issue page was rewritten for a new issue"
    assert "journal/dates.js" not in rewritten  # another publication's days did not change
    assert len(rewritten) < 40, sorted(rewritten)

    # an article added behind the front page changes the month page's 「本期全部 N 篇」
    write(tiny, {"daily/2022-06-28/02/03-more.md": article("第二版又一篇")})
    same_as_clean(build, tiny, out)
    assert "本期全部 5 篇" in (out / "daily/2022/06/index.html").read_text(encoding="utf-8")

    shutil.rmtree(tiny / "daily/2022-06-27")  # an issue that goes
    same_as_clean(build, tiny, out)
    assert '"2022-06":[28,29]' in (out / "daily/dates.js").read_text(encoding="utf-8")
    edit(tiny / "site.yml", "title: 测试日报数字报", "title: 测试日报电子版")  # no issue day changed
    before = (out / "daily/dates.js").stat().st_ino
    same_as_clean(build, tiny, out)
    assert (out / "daily/dates.js").stat().st_ino == before


@pytest.mark.browser
@pytest.mark.parametrize("path", ["pinghu-daily/2022/10/31/index.html", "pinghu-daily/2022/06/28/01/index.html"])
def test_the_open_picker_has_no_serious_accessibility_violations(page, sample_site, path):
    from test_accessibility import serious

    page.goto(f"{sample_site.as_uri()}/{path}")
    open_picker(page)
    found = serious(page)
    assert not found, found
