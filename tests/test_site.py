"""What readers get: the pages of a tiny edition, its indexes, links, determinism and atomicity."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import article, snapshot, write
from edition import render
from edition.sitecheck import check_site


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def text(html: str) -> str:
    """Visible text, roughly: tags removed and white space folded."""
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_home_shows_each_publication_latest_issue(tiny_site):
    home = read(tiny_site, "index.html")
    assert 'lang="zh-CN"' in home
    visible = text(home)
    assert "测试日报 测试日报社 主办 2022年6月28日 星期二 农历壬寅年五月三十 总第4961期" in visible
    assert 'href="daily/2022/06/28/01/index.html"' in home and 'href="daily/2022/06/28/02/index.html"' in home
    assert "仲旭东在督查时强调 深化全国文明城市巩固工作 开创共建共享新格局" in visible
    assert "第二版的稿件" not in visible, "home lists the front page's headlines only"
    assert 'href="archive/index.html"' in home
    assert "理论学习" in visible and "唯有实干争先 方能赢得未来" in visible


def test_issue_page_has_masthead_page_and_title_navigation(tiny_site):
    issue = read(tiny_site, "daily/2022/06/28/index.html")
    visible = text(issue)
    assert "2022年6月28日 星期二 农历壬寅年五月三十 总第4961期" in visible
    assert "版面导航 第01版：要闻 第02版：综合" in visible
    assert "标题导航" in visible
    assert visible.index("第01版：要闻 仲旭东在督查时强调") < visible.index("第02版：综合 第二版的稿件")
    assert 'href="../27/index.html"' in issue and "上一期 2022年6月27日" in visible
    assert "已是最新一期" in visible


def test_page_lists_its_articles_in_order_with_neighbours(tiny_site):
    page = read(tiny_site, "daily/2022/06/28/01/index.html")
    visible = text(page)
    assert visible.index("深化全国文明城市巩固工作") < visible.index("平湖首个顶尖人才项目签约落户")
    assert "编辑：戴琰" in visible and "版式：李春霞" in visible
    assert 'href="../02/index.html"' in page and "下一版 第02版：综合" in visible
    assert "已是第一版" in visible


def test_article_page_shows_everything_a_reader_needs(tiny_site):
    page = read(tiny_site, "daily/2022/06/28/lead.html")
    visible = text(page)
    assert "2022年6月28日 星期二 第01版：要闻" in visible
    assert "仲旭东在督查时强调 深化全国文明城市巩固工作 开创共建共享新格局 记者 胡佳英 摄影 王强" in visible
    assert '<a href="../../../columns/ershidajingshen-dianduidian/index.html">二十大精神 点对点</a>' in page
    assert "本报讯 昨天上午，市委书记仲旭东深入居民小区。" in visible
    assert '<span class="gap" title="原文缺失">〔原文缺失〕</span>' in page
    assert "更正说明 2022年6月29日 ：第一段人名有误，已更正。" in visible
    assert 'name="dcterms.modified" content="2022-06-29"' in page
    assert 'rel="next" href="second.html"' in page and "已是本期第一篇" in visible
    assert 'href="01/index.html">返回第01版：要闻' in page and 'href="index.html">返回本期目录' in page
    # 下一篇 crosses into the next page of the same issue
    assert 'rel="next" href="stable-id.html"' in read(tiny_site, "daily/2022/06/28/second.html")


def test_periodical_issue_has_a_toc_with_pages_and_organisations(tiny_site):
    visible = text(read(tiny_site, "journal/2022/12/30/index.html"))
    assert "2022年第12期" in visible
    assert "日期为推定 刊期未印，按文末日期推定" in visible
    assert "目录 唯有实干争先 方能赢得未来 南浔区委理论学习中心组 第1页 做好社情民意工作的思考 市委统战部理论学习中心组 第11页" in visible
    art = text(read(tiny_site, "journal/2022/12/30/minyi.html"))
    assert "2022年第12期 第11页" in art


def test_date_index_calendars_link_each_issue(tiny_site):
    year = read(tiny_site, "daily/2022/index.html")
    assert year.count("<table class=\"calendar\">") == 12
    assert 'href="06/27/index.html"' in year and 'href="06/28/index.html"' in year
    assert 'href="06/index.html">6月' in year and 'href="07/index.html"' not in year
    month = read(tiny_site, "daily/2022/06/index.html")
    visible = text(month)
    assert visible.index("2022年6月28日") < visible.index("2022年6月27日"), "newest issue first"
    assert (tiny_site / "daily/index.html").exists() and (tiny_site / "archive/index.html").exists()


def test_section_indexes_are_paginated_newest_first(tiny_site):
    yaowen = text(read(tiny_site, "daily/sections/yaowen/index.html"))
    assert yaowen.index("2022年6月28日 第01版：要闻") < yaowen.index("2022年6月27日 第01版：要闻")
    column = text(read(tiny_site, "daily/columns/ershidajingshen-dianduidian/index.html"))
    assert "深化全国文明城市巩固工作" in column and "平湖首个顶尖人才项目签约落户" in column
    first, second = (read(tiny_site, f"authors/hujiaying/{p}") for p in ("index.html", "page-2.html"))
    assert "共3篇" in text(first)
    assert "深化全国文明城市巩固工作" in text(first) and "上一期头条" in text(second)
    assert 'rel="next" href="page-2.html"' in first and 'rel="prev" href="index.html"' in second
    overview = text(read(tiny_site, "authors/index.html"))
    assert "南浔区委理论学习中心组" in overview and "胡佳英 3" in overview


def test_every_link_resolves_and_nothing_is_orphaned(tiny_site):
    assert check_site(tiny_site) == []


def test_link_checker_finds_every_kind_of_problem(tiny_site, build):
    (tiny_site / "stray.html").write_text("<html lang=zh-CN></html>")
    lead = tiny_site / "daily/2022/06/28/lead.html"
    lead.write_text(lead.read_text().replace('href="second.html"', 'href="missing.html"')
                    .replace('src="../../../../assets/share.js"', 'src="../../../../assets/gone.js"'))
    second = tiny_site / "daily/2022/06/28/second.html"
    second.write_text(second.read_text().replace('<html lang="zh-CN">', "<html>")
                      .replace("</main>", '<a href="https://example.com/">外链</a><a href="/index.html">根</a></main>'))
    third = tiny_site / "daily/2022/06/28/stable-id.html"
    third.write_bytes(third.read_bytes().replace("第二版的稿件".encode(), "第二版的稿件".encode("gbk"), 1))
    problems = check_site(tiny_site)
    assert "stray.html: orphan, no page links to it" in problems
    assert "daily/2022/06/28/lead.html: broken link missing.html" in problems
    assert "daily/2022/06/28/lead.html: broken link ../../../../assets/gone.js" in problems
    assert "daily/2022/06/28/second.html: <html> declares no lang" in problems
    assert "daily/2022/06/28/second.html: link leaves the site: https://example.com/" in problems
    assert any(p.startswith("daily/2022/06/28/second.html: root-relative link") for p in problems)
    assert any(re.fullmatch(r"daily/2022/06/28/stable-id\.html:\d+: not valid UTF-8", p) for p in problems)
    code, out, err = build("check", "--site", "--out", tiny_site)
    assert code == 1 and f"{tiny_site}/stray.html: orphan" in err and "7 problem(s)" in out


def test_links_are_relative_and_nothing_loads_from_outside(tiny_site):
    for page in tiny_site.rglob("*.html"):
        html = page.read_text()
        assert not re.search(r'(?:href|src)="(?:https?:)?//', html), page
        if page.name == "404.html":  # served at any depth: its no-script fallback is the host's root
            html = html.replace('<noscript><base href="/"></noscript>', "", 1)
        assert not re.search(r'(?:href|src)="/', html), page


def test_build_is_deterministic(tiny, tmp_path, build):
    for name in ("one", "two"):
        assert build("--content", tiny, "--out", tmp_path / name, "-q")[0] == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_article_urls_do_not_depend_on_order_or_neighbours(tiny, tmp_path, build):
    (tiny / "daily/2022-06-28/01/01-lead.md").rename(tiny / "daily/2022-06-28/01/09-lead.md")
    write(tiny, {"daily/2022-06-28/01/00-new.md": article("新增头条")})
    (tiny / "daily/2022-06-28/01/02-second.md").unlink()
    assert build("--content", tiny, "--out", tmp_path / "out", "-q")[0] == 0
    out = tmp_path / "out/daily/2022/06/28"
    assert {p.name for p in out.glob("*.html")} == {"index.html", "lead.html", "new.html", "stable-id.html",
                                                  "weather.html"}
    assert 'rel="next" href="lead.html"' in (out / "new.html").read_text()


def test_summary_line_counts_what_was_built(tiny, tmp_path, build):
    code, out, _ = build("--content", tiny, "--out", tmp_path / "out")
    assert code == 0
    assert re.match(r"built 3 issues, 7 articles, 3 版面: \d+ files written to .* in \d+\.\d\d s", out)


def test_base_url_adds_canonical_links_but_keeps_links_relative(tiny, tmp_path, build):
    assert build("--content", tiny, "--out", tmp_path / "out", "--base-url", "https://epaper.example/", "-q")[0] == 0
    page = (tmp_path / "out/daily/2022/06/28/lead.html").read_text()
    assert '<link rel="canonical" href="https://epaper.example/daily/2022/06/28/lead.html">' in page
    assert 'href="second.html"' in page


def test_failure_while_rendering_keeps_the_previous_site(tiny, tiny_site, build, monkeypatch):
    before = snapshot(tiny_site)

    def broken(self, template, here, context):
        if here.endswith("second.html"):
            raise RuntimeError("template exploded")
        return b"partial"

    monkeypatch.setattr(render.Pages, "render", broken)
    with pytest.raises(RuntimeError, match="template exploded"):
        build("--content", tiny, "--out", tiny_site, "--clean")  # a full build
    assert snapshot(tiny_site) == before
    write(tiny, {"daily/2022-06-28/01/02-second.md": article("平湖首个顶尖人才项目签约落户（修订）")})
    with pytest.raises(RuntimeError, match="template exploded"):
        build("--content", tiny, "--out", tiny_site)  # an incremental build
    assert snapshot(tiny_site) == before
    assert [p.name for p in tiny_site.parent.iterdir() if p.name.startswith(".site.building")] == []


def test_raw_html_in_markdown_is_shown_as_text(tiny, tmp_path, build):
    write(tiny, {"daily/2022-06-28/01/01-lead.md": article("标题", "<script>alert(1)</script> [x](javascript:alert(1))")})
    assert build("--content", tiny, "--out", tmp_path / "out", "-q")[0] == 0
    page = (tmp_path / "out/daily/2022/06/28/lead.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page


def test_page_pdf_and_article_images_are_published(tiny, tmp_path, build):
    write(tiny, {
        "daily/2022-06-28/issue.yml": "date: 2022-06-28\npages:\n  - {number: 1, name: 要闻, pdf: pdf/01.pdf, image: 01.png}\n",
        "daily/2022-06-28/01/01-lead.md": article("图片新闻", "![市民在**公园**里散步](img/park.png)\n\n"
                                                  "# 小标题\n\n[全文 PDF](img/full.pdf)", kind="photo"),
    })
    for name in ("pdf/01.pdf", "01.png", "01/img/park.png", "01/img/full.pdf"):
        (tiny / "daily/2022-06-28" / name).parent.mkdir(parents=True, exist_ok=True)
        (tiny / "daily/2022-06-28" / name).write_bytes(b"%PDF-1.4 sample" if name.endswith("pdf") else b"\x89PNG")
    (tiny / "daily/2022-06-28/02").rename(tiny / "unused-02")
    code, _, err = build("--content", tiny, "--out", tmp_path / "out", "-q")
    assert code == 0, err
    out = tmp_path / "out/daily/2022/06/28"
    page = (out / "01/index.html").read_text()
    assert 'href="../pdf/01.pdf" download' in page and 'src="../01.png"' in page
    story = (out / "lead.html").read_text()
    assert '<figure class="photo"><img src="media/01/img/park.png"' in story
    assert 'alt="市民在公园里散步"' in story and "<figcaption>市民在公园里散步</figcaption>" in story
    assert '<a href="media/01/img/full.pdf">全文 PDF</a>' in story and (out / "media/01/img/full.pdf").exists()
    assert "<h2>小标题</h2>" in story and story.count("<h1") == 1
    assert (out / "media/01/img/park.png").read_bytes() == b"\x89PNG"
    assert (out / "pdf/01.pdf").exists()
    assert check_site(tmp_path / "out") == []


def test_leftovers_of_a_killed_build_are_removed(tiny, tmp_path, build):
    dead = tmp_path / ".site.building-999999999"
    dead.mkdir()
    (dead / "index.html").write_text("half-built")
    assert build("--content", tiny, "--out", tmp_path / "site", "-q")[0] == 0
    assert not dead.exists()


def test_corrections_show_on_the_article_and_on_the_site_wide_page_newest_first(tiny, tmp_path, build):
    write(tiny, {"daily/2022-06-28/02/01-third.md": article(
        "第二版的稿件", authors="[{name: 胡佳英, role: 记者}]", id="stable-id",
        corrections="[{date: 2022-07-02, note: 第三段数字有误。}, {date: 2022-06-30, note: 标题错字。}]")})
    out = tmp_path / "out"
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    story = (out / "daily/2022/06/28/stable-id.html").read_text(encoding="utf-8")
    assert '<meta name="dcterms.modified" content="2022-07-02">' in story
    assert text(story).index("第三段数字有误") < text(story).index("标题错字")  # newest first
    page = (out / "corrections/index.html").read_text(encoding="utf-8")
    notes = [page.index(n) for n in ("第三段数字有误", "标题错字", "第一段人名有误")]
    assert notes == sorted(notes), "corrections are not listed newest first"
    assert 'href="../daily/2022/06/28/stable-id.html"' in page and 'href="../daily/2022/06/28/lead.html"' in page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="corrections/index.html">更正</a>' in home
