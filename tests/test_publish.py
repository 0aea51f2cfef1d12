"""Feeds, sitemap, robots.txt, JSON-LD, Open Graph and open data, read with real parsers."""

from __future__ import annotations

import json
import posixpath
import re

import feedparser
from lxml import etree

from conftest import article, write

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_feeds_without_a_base_url_are_valid_atom_with_links_relative_to_the_feed(tiny_site):
    feed = feedparser.parse((tiny_site / "daily/feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "测试日报"
    titles = [e.title for e in feed.entries]
    assert titles[:4] == ["深化全国文明城市巩固工作", "平湖首个顶尖人才项目签约落户", "第二版的稿件", "天气预报"]
    assert "上一期头条" in titles  # the issue before is there too, newest issue first
    for entry in feed.entries:
        assert entry.id.startswith("urn:uuid:")
        assert (tiny_site / posixpath.normpath(posixpath.join("daily", entry.link))).is_file(), entry.link
    lead = next(e for e in feed.entries if e.title == "深化全国文明城市巩固工作")
    assert [a.name for a in lead.authors] == ["胡佳英", "王强"] and lead.updated.startswith("2022-06-29")
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    text = (tiny_site / "daily/feed.xml").read_text(encoding="utf-8")
    assert "相对于本文件的地址" in text  # the file says why its links are relative
    corrections = feedparser.parse((tiny_site / "corrections/feed.xml").read_bytes())
    assert not corrections.bozo
    assert [e.summary for e in corrections.entries] == ["第一段人名有误，已更正。"]


def test_sitemap_and_robots_say_they_need_a_base_url_and_list_everything_with_one(tiny, tiny_site, tmp_path, build):
    root = etree.parse(str(tiny_site / "sitemap.xml")).getroot()
    assert root.tag == SITEMAP + "urlset" and len(root) == 0
    assert "base URL" in (tiny_site / "sitemap.xml").read_text(encoding="utf-8")
    robots = (tiny_site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap:" not in robots.replace("# ", "#") and "--base-url" in robots

    out = tmp_path / "online"
    assert build("--content", tiny, "--out", out, "--base-url", "https://example.org/paper/", "-q")[0] == 0
    urls = {u.findtext(SITEMAP + "loc"): u.findtext(SITEMAP + "lastmod")
            for u in etree.parse(str(out / "sitemap.xml")).getroot()}
    base = "https://example.org/paper/"
    assert urls[base + "daily/2022/06/28/lead.html"] == "2022-06-29"  # corrected the day after
    assert urls[base + "daily/2022/06/28/stable-id.html"] == "2022-06-28"
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    articles = {p for p in pages if re.fullmatch(r"(daily|journal)/\d{4}/\d\d/\d\d/[a-z0-9-]+\.html", p)}
    assert {base + p for p in articles} <= set(urls)
    assert (out / "robots.txt").read_text(encoding="utf-8").splitlines()[-1] == "Sitemap: " + base + "sitemap.xml"
    feed = feedparser.parse((out / "daily/feed.xml").read_bytes())
    assert feed.entries[0].link == base + "daily/2022/06/28/lead.html"
    story = (out / "daily/2022/06/28/lead.html").read_text(encoding="utf-8")
    assert f'<meta property="og:url" content="{base}daily/2022/06/28/lead.html">' in story
    assert json_ld(story)["url"] == base + "daily/2022/06/28/lead.html"


def test_article_json_ld_carries_the_print_facts_and_corrections(tiny_site):
    story = (tiny_site / "daily/2022/06/28/lead.html").read_text(encoding="utf-8")
    data = json_ld(story)
    assert data["@type"] == "NewsArticle" and data["headline"] == "深化全国文明城市巩固工作"
    assert data["alternativeHeadline"] == "仲旭东在督查时强调 开创共建共享新格局"
    assert (data["datePublished"], data["dateModified"]) == ("2022-06-28", "2022-06-29")
    assert data["author"] == [{"@type": "Person", "name": "胡佳英", "jobTitle": "记者"},
                              {"@type": "Person", "name": "王强", "jobTitle": "摄影"}]
    assert (data["printEdition"], data["printPage"], data["printSection"]) == ("总第4961期", "1", "要闻")
    assert data["printColumn"] == "二十大精神 点对点"
    issue = data["isPartOf"]
    assert issue["@type"] == "PublicationIssue" and issue["isPartOf"] == {
        "@type": "Newspaper", "name": "测试日报", "url": "../../../index.html"}
    assert issue["url"] == "index.html"  # relative to the page, as JSON-LD resolves it
    assert data["correction"] == [{"@type": "CorrectionComment", "text": "第一段人名有误，已更正。",
                                   "datePublished": "2022-06-29"}]
    for prop in ("og:title", "og:type", "og:description", "article:published_time", "article:modified_time",
                 "article:section", "article:author"):
        assert f'<meta property="{prop}" content="' in story, prop
    journal = json_ld((tiny_site / "journal/2022/12/30/minyi.html").read_text(encoding="utf-8"))
    assert journal["@type"] == "ScholarlyArticle" and journal["pageStart"] == 11
    assert journal["isPartOf"]["isPartOf"]["@type"] == "Periodical"
    assert journal["author"] == [{"@type": "Organization", "name": "市委统战部理论学习中心组"}]


def test_a_hostile_title_stays_text_in_html_and_json_ld(tiny, tmp_path, build):
    title = "</script><script>alert(1)</script><!-- \"引号\" 'x'"
    write(tiny, {"daily/2022-06-28/01/02-second.md": article(json.dumps(title, ensure_ascii=False))})
    out = tmp_path / "out"
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    story = (out / "daily/2022/06/28/second.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in story and "<!-- \"" not in story
    assert json_ld(story)["headline"] == title
    assert feedparser.parse((out / "daily/feed.xml").read_bytes()).entries[1].title == title


def test_open_data_has_every_issue_and_every_article_text(tiny_site):
    index = json.loads((tiny_site / "data/index.json").read_text(encoding="utf-8"))
    assert index["urls_are_absolute"] is False and "relative" in index["note"]
    daily = index["publications"][0]
    assert [i["date"] for i in daily["issues"]] == ["2022-06-27", "2022-06-28"]
    issue = json.loads((tiny_site / daily["issues"][1]["data"]).read_text(encoding="utf-8"))
    assert (issue["total_number"], issue["lunar"], issue["weekday"]) == (4961, "农历壬寅年五月三十", "星期二")
    assert [p["name"] for p in issue["pages"]] == ["要闻", "综合"]
    lead = issue["articles"][0]
    assert lead["title"] == "深化全国文明城市巩固工作" and lead["page"] == 1
    assert lead["text"].startswith("本报讯 昨天上午，市委书记仲旭东深入居民小区。")
    assert lead["corrections"] == [{"date": "2022-06-29", "note": "第一段人名有误，已更正。"}]
    assert 'href="issue.json"' in (tiny_site / "daily/2022/06/28/index.html").read_text(encoding="utf-8")


def test_qr_codes_are_drawn_inline_at_build_time_and_only_with_a_public_address(tiny, tmp_path, build):
    import segno
    write(tiny, {"site.yml": "title: 测试日报数字报\npublications: [daily, journal]\nqr: true\n"})
    code, _, err = build("--content", tiny, "--out", tmp_path / "local")
    assert code == 0 and "site.yml:3: warning: QR codes need the site's public address" in err
    assert "<svg" not in (tmp_path / "local/daily/2022/06/28/lead.html").read_text(encoding="utf-8")
    base = "https://example.org/paper/"
    assert build("--content", tiny, "--out", tmp_path / "online", "--base-url", base, "-q")[0] == 0
    story = (tmp_path / "online/daily/2022/06/28/lead.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure class="qr">(<svg.*?</svg>)<figcaption>', story, re.S)
    assert figure, "no QR code on the article page"
    url = base + "daily/2022/06/28/lead.html"
    assert figure.group(1) == segno.make(url, error="m").svg_inline(scale=3, border=2, title=f"本文二维码：{url}")
    assert "http" not in figure.group(1).replace(url, "").replace("http://www.w3.org", "")
