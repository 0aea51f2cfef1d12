"""The sample edition in a real browser (Debian chromium via Playwright), from disk and over loopback HTTP."""

from __future__ import annotations

import pytest

from conftest import ARTIFACTS, ROOT

pytestmark = pytest.mark.browser


def reading_path(page, start: str) -> None:
    """home → issue → 版面 → article → 下一篇 → back to the issue, by clicking like a reader."""
    page.goto(start + "index.html")
    page.get_by_role("link", name="阅读本期").first.click()
    assert page.locator(".masthead-date").inner_text().split() [:2] == ["2025年2月7日", "星期五"]
    page.get_by_role("navigation", name="站点导航").get_by_role("link", name="往期回顾").click()
    page.get_by_role("region", name="平湖日报").get_by_role("link", name="2022年").click()
    page.get_by_role("link", name="2022年6月28日 总第4961期").click()
    assert "总第4961期" in page.locator(".masthead").inner_text()
    issue_url = page.url
    page.locator(".page-nav").get_by_role("link", name="第01版：要闻", exact=True).click()
    assert page.locator("h1").inner_text() == "第01版：要闻"
    first = page.locator(".page-articles .headline a").first
    title = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == title
    assert "2022年6月28日 星期二 第01版：要闻" in " ".join(page.locator(".story .context").inner_text().split())
    page.locator("a[rel=next]").click()
    assert page.locator("h1").inner_text() == "平湖首个顶尖人才项目签约落户"
    page.get_by_role("link", name="返回本期目录").click()
    assert page.url == issue_url


def test_reader_clicks_through_an_issue_from_disk(page, sample_site):
    reading_path(page, sample_site.as_uri() + "/")


def test_reader_clicks_through_an_issue_over_http_under_a_subpath(page, http_root):
    reading_path(page, http_root)


def test_archive_calendar_links_to_every_issue(page, sample_site):
    issues = sorted((ROOT / "content/pinghu-daily").glob("*/issue.yml"))
    assert len(issues) == 4
    for issue in issues:
        y, m, d = issue.parent.name.split("-")
        page.goto(f"{sample_site.as_uri()}/pinghu-daily/{y}/index.html")
        label = f"{int(y)}年{int(m)}月{int(d)}日"
        page.locator("table.calendar").get_by_role("link", name=label).click()
        assert page.locator(".masthead-date time").inner_text() == label
        assert page.url.endswith(f"pinghu-daily/{y}/{m}/{d}/index.html")


PAGES = {
    "home": "index.html",
    "issue": "pinghu-daily/2022/06/28/index.html",
    "page": "pinghu-daily/2022/06/28/01/index.html",
    "article": "pinghu-daily/2022/06/28/wenming-chengshi-ducha.html",
    "journal-toc": "lilun-journal/2023/01/01/index.html",
    "calendar": "pinghu-daily/2022/index.html",
}


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", PAGES)
def test_pages_fit_the_screen_and_are_saved_as_screenshots(browser, sample_site, name, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{sample_site.as_uri()}/{PAGES[name]}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways at {width}px"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "PingFang SC" in font and "Noto Sans CJK SC" in font
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    context.close()


def test_keyboard_reader_can_skip_to_content_and_reach_links(page, sample_site):
    page.goto(f"{sample_site.as_uri()}/{PAGES['article']}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_article_body_uses_indent_and_comfortable_line_height(page, sample_site):
    page.goto(f"{sample_site.as_uri()}/{PAGES['article']}")
    style = page.evaluate("""() => { const p = document.querySelector('.story-body p');
        const s = getComputedStyle(p); return [parseFloat(s.textIndent) / parseFloat(s.fontSize),
        parseFloat(s.lineHeight) / parseFloat(s.fontSize)]; }""")
    assert style[0] == pytest.approx(2.0)
    assert style[1] >= 1.6


def test_print_view_hides_navigation(page, sample_site):
    page.goto(f"{sample_site.as_uri()}/{PAGES['article']}")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".pager").is_visible()
    assert page.locator(".story-body").is_visible()


FACSIMILE = "pinghu-daily/2022/06/28/01/index.html"


def test_clicking_a_region_of_the_page_image_opens_its_article(page, sample_site):
    page.goto(f"{sample_site.as_uri()}/{FACSIMILE}")
    page.locator("#region-zhineng-shengchan").click()
    assert page.url.endswith("/pinghu-daily/2022/06/28/zhineng-shengchan.html")
    assert page.locator("#story-title").inner_text() == "“智能”生产"
    page.get_by_role("link", name="在版面图上查看").click()
    assert page.url.endswith("01/index.html#region-zhineng-shengchan")
    page.wait_for_function("getComputedStyle(document.querySelector('#region-zhineng-shengchan')).borderTopColor"
                           " === 'rgb(164, 0, 0)'")  # the article's region is marked


def test_keyboard_reader_tabs_to_the_same_article_and_its_region_lights_up(page, sample_site):
    page.goto(f"{sample_site.as_uri()}/{FACSIMILE}")
    target = "zhineng-shengchan.html"
    for _ in range(80):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.endswith(target) and page.evaluate("document.activeElement.closest('.page-articles') !== null"):
            break
    else:
        pytest.fail("the article's entry in the list is not reachable with Tab")
    assert page.evaluate("document.querySelector('#region-zhineng-shengchan').classList.contains('active')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{target}")


@pytest.mark.parametrize("where", ["file", "http"])
def test_the_continued_lead_is_a_hotspot_on_the_second_page_too(page, sample_site, http_root, where):
    """第02版 of the sample, imported from its PDF, carries the rest of the lead (上接第1版): its
    hotspot lights the lead's entry in 标题导航 and opens the lead, which names both 版面."""
    root = f"{sample_site.as_uri()}/" if where == "file" else http_root
    page.goto(root + "pinghu-daily/2022/06/28/02/index.html")
    page.wait_for_function("document.querySelector('.facsimile img').naturalWidth === 1200")
    region = page.locator("#region-wenming-chengshi-ducha")
    region.hover()
    entry = page.locator('.page-articles li[data-article="wenming-chengshi-ducha"]')
    assert "上接第1版" in entry.inner_text()
    page.wait_for_function("document.querySelector('.page-articles li[data-article=\"wenming-chengshi-ducha\"]')"
                           ".classList.contains('active')")
    region.click()
    page.wait_for_url("**/pinghu-daily/2022/06/28/wenming-chengshi-ducha.html")
    assert page.locator("#story-title").inner_text().startswith("深化全国文明城市巩固工作")
    printed = page.locator(".printed-on")
    assert printed.get_by_role("link", name="第01版").count() == 1 and printed.get_by_role("link", name="第02版").count() == 1


@pytest.mark.parametrize("width", [360, 1280])
def test_facsimile_page_keeps_regions_on_their_image_and_is_saved_as_screenshot(browser, sample_site, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{sample_site.as_uri()}/{FACSIMILE}")
    page.wait_for_function("document.querySelector('.facsimile img').complete")
    image = page.locator(".facsimile img").bounding_box()
    assert image["width"] <= width
    boxes = [page.locator(f".hotspot >> nth={n}").bounding_box() for n in range(page.locator(".hotspot").count())]
    assert len(boxes) == 7  # the 版 holds 7 articles; 07 and 08 are on 第02版
    for box in boxes:
        assert image["x"] - 1 <= box["x"] and box["x"] + box["width"] <= image["x"] + image["width"] + 1
        assert image["y"] - 1 <= box["y"] and box["y"] + box["height"] <= image["y"] + image["height"] + 1
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"facsimile-{width}.png"), full_page=True)
    context.close()


def test_copy_link_puts_the_article_address_on_the_clipboard(browser, http_root):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=http_root.split("/site/")[0])
    page = context.new_page()
    page.goto(http_root + PAGES["article"])
    page.get_by_role("button", name="复制本文链接").click()
    page.wait_for_function("document.querySelector('.share-status').textContent === '已复制本文链接'")
    assert page.evaluate("navigator.clipboard.readText()") == http_root + PAGES["article"]
    page.emulate_media(media="print")
    assert not page.locator(".share").is_visible() and page.locator(".story-body").is_visible()
    context.close()
