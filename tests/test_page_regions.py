"""Page images as the PDF importer leaves them: an article with several boxes on its page (an
L-shaped story), its continuation on another page (转第2版 / 上接第1版) and a thumbnail of each
版 on the issue page, built from tiny content folders with PNG pages."""

from __future__ import annotations

import textwrap
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html
from PIL import Image

from conftest import TINY, edit, serve_folder, write
from test_incremental import same_as_clean

ISSUE = "daily/2022-06-28/issue.yml"
DAY = "daily/2022/06/28"
# The continuation region on page 2 (CONTINUATION) is the line the error cases replace.
PAGES = """
    date: 2022-06-28
    total_number: 4961
    pages:
      - number: 1
        name: 要闻
        image: 01.png
        thumbnail: 01-thumb.png
        pdf: 01.pdf
        regions:
          - {article: lead, box: [2, 10, 60, 20]}
          - {article: lead, box: [2, 30, 30, 20]}
          - {article: second, box: [62, 10, 36, 30]}
      - number: 2
        name: 综合
        image: 02.png
        regions:
          - {article: lead, page: 1, box: [2, 2, 60, 20]}
          - {article: stable-id, box: [2, 30, 60, 30]}
    """
CONTINUATION = "{article: lead, page: 1, box: [2, 2, 60, 20]}"
LINES = textwrap.dedent(PAGES).lstrip("\n").splitlines()
CONTINUATION_LINE = next(n for n, line in enumerate(LINES, 1) if CONTINUATION in line)
THUMBNAIL_LINE = next(n for n, line in enumerate(LINES, 1) if "thumbnail:" in line)
WITHOUT_CONTINUATION = "\n".join(line for line in LINES if CONTINUATION not in line) + "\n"


def png(path: Path, size: tuple[int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "white").save(path)


def content_with(root: Path, issue: str = PAGES) -> Path:
    """TINY whose latest daily issue has page images (and a thumbnail of page 1) as an import leaves them."""
    content = root / "content"
    write(content, {**TINY, ISSUE: issue, "daily/2022-06-28/01.pdf": "%PDF-1.4\n%%EOF\n"})
    folder = content / "daily/2022-06-28"
    png(folder / "01.png", (1200, 1697))
    png(folder / "02.png", (1200, 1697))
    png(folder / "01-thumb.png", (240, 339))
    return content


def parse(site: Path, path: str):
    return lxml_html.fromstring((site / path).read_bytes())


def target(site: Path, page: str, href: str) -> Path:
    """The file a relative link of ``page`` opens."""
    return site / urljoin(page, href)


@pytest.fixture
def site(tmp_path: Path, build) -> Path:
    content, out = content_with(tmp_path), tmp_path / "site"
    code, _, err = build("--content", content, "--out", out, "-q")
    assert code == 0, err
    return out


def test_an_article_with_several_boxes_has_a_hotspot_for_each_with_ids_of_their_own(site):
    page = f"{DAY}/01/index.html"
    doc = parse(site, page)
    spots = doc.xpath('//a[contains(@class, "hotspot")][@data-article="lead"]')
    assert [a.get("id") for a in spots] == ["region-lead", "region-lead_2"]
    assert {target(site, page, a.get("href")) for a in spots} == {site / DAY / "lead.html"}
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), "every id of the page is unique"
    # the title in 标题导航 carries the same key, so pointing at it lights both boxes together
    assert doc.xpath('//ol[@class="page-articles"]/li[@data-article="lead"]')


def test_a_continuation_region_links_the_article_of_its_own_page_and_is_listed_as_continued(site):
    page = f"{DAY}/02/index.html"
    doc = parse(site, page)
    spot = doc.get_element_by_id("region-lead")
    assert spot.get("data-article") == "lead" and target(site, page, spot.get("href")) == site / DAY / "lead.html"
    entries = doc.xpath('//ol[@class="page-articles"]/li')
    assert [e.get("data-article") for e in entries] == ["stable-id", "weather", "lead"]
    continued = entries[-1]
    assert continued.text_content().split()[:3] == ["上接第1版", "仲旭东在督查时强调", "深化全国文明城市巩固工作"]
    assert target(site, page, continued.xpath(".//a")[0].get("href")) == site / DAY / "lead.html"
    # page 1 lists it as its own, without the mark; the article says where it is printed
    assert "上接" not in parse(site, f"{DAY}/01/index.html").xpath('//ol[@class="page-articles"]')[0].text_content()
    article = parse(site, f"{DAY}/lead.html")
    printed = article.xpath('//span[@class="printed-on"]')[0]
    assert printed.text_content() == "刊于第01版、第02版"
    assert [target(site, f"{DAY}/lead.html", a.get("href")) for a in printed.xpath("a")] == \
        [site / DAY / "01/index.html", site / DAY / "02/index.html"]
    assert not parse(site, f"{DAY}/second.html").xpath('//span[@class="printed-on"]'), "printed on one page only"


ERRORS = {
    "unknown page": ("{article: lead, page: 5, box: [2, 2, 60, 20]}", "region for `lead`: this issue has no page 5"),
    "no such article on that page": ("{article: weather, page: 1, box: [2, 2, 60, 20]}",
                                     "region for `weather`: page 1 has no such article"),
    "page of the region itself": ("{article: weather, page: 2, box: [2, 2, 60, 20]}",
                                  "`page: 2` is the page this region is on: leave `page` out"),
    "page not a whole number": ("{article: lead, page: 一, box: [2, 2, 60, 20]}",
                                "`page` must be the number of the page the article belongs to"),
    "misspelt page": ("{article: lead, pgae: 1, box: [2, 2, 60, 20]}", "unknown field `pgae`; did you mean `page`?"),
}


@pytest.mark.parametrize("region, message", ERRORS.values(), ids=ERRORS.keys())
def test_a_wrong_continuation_region_is_one_problem_at_its_line(tmp_path, build, region, message):
    content = content_with(tmp_path, PAGES.replace(CONTINUATION, region))
    code, _, err = build("--content", content, "--out", tmp_path / "site")
    assert code == 1
    problems = [line for line in err.splitlines() if line.startswith(str(content)) and ": warning: " not in line]
    assert len(problems) == 1, err
    assert problems[0].startswith(f"{content / ISSUE}:{CONTINUATION_LINE}: ") and message in problems[0], err


def test_a_continuation_region_of_a_draft_left_out_is_dropped_silently(tmp_path, build):
    content = content_with(tmp_path)
    edit(content / "daily/2022-06-28/01/01-lead.md", "title:", "draft: true\ntitle:")
    out = tmp_path / "site"
    code, _, err = build("--content", content, "--out", out)
    assert code == 0 and f"{content / ISSUE}:" not in err, err  # nothing said about its regions
    assert not parse(out, f"{DAY}/02/index.html").xpath('//*[@data-article="lead"]')
    code, _, err = build("--content", content, "--out", out, "--drafts", "-q")
    assert code == 0, err
    assert parse(out, f"{DAY}/02/index.html").xpath('//li[contains(@class, "continued")][@data-article="lead"]')


def test_the_issue_page_lists_each_page_with_its_thumbnail_and_nothing_is_orphaned(site, build):
    doc = parse(site, f"{DAY}/index.html")
    thumbs = doc.xpath('//nav[contains(@class, "page-nav")]//img[@class="page-thumb"]')
    assert len(thumbs) == 1, "only page 1 has a thumbnail"
    img = thumbs[0]
    assert (img.get("alt"), img.get("width"), img.get("height"), img.get("loading")) == \
        ("第01版：要闻", "240", "339", "lazy")
    assert target(site, f"{DAY}/index.html", img.get("src")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    link = img.getparent()
    assert target(site, f"{DAY}/index.html", link.get("href")) == site / DAY / "01/index.html"
    second = doc.xpath('//nav[contains(@class, "page-nav")]//a[contains(., "第02版：综合")]')[0]
    assert not second.xpath(".//img") and second.text_content() == "第02版：综合", "page 2 looks as without thumbnails"
    code, out, err = build("check", "--site", "--out", site)
    assert code == 0 and "site ok: 0 problem(s)" in out, out + err


def test_a_missing_thumbnail_is_a_warning_and_its_arrival_equals_a_clean_build(tmp_path, build):
    content = content_with(tmp_path)
    thumb = content / "daily/2022-06-28/01-thumb.png"
    thumb.unlink()
    out = tmp_path / "site"
    code, _, err = build("--content", content, "--out", out)
    assert code == 0 and f"{content / ISSUE}:{THUMBNAIL_LINE}: warning: thumbnail file `01-thumb.png` not found" in err, err
    assert not parse(out, f"{DAY}/index.html").xpath('//img[@class="page-thumb"]')
    png(thumb, (240, 339))
    same_as_clean(build, content, out)
    assert parse(out, f"{DAY}/index.html").xpath('//img[@class="page-thumb"]/@height') == ["339"]
    png(thumb, (240, 320))  # a new thumbnail of another size: the issue page gives its new size
    same_as_clean(build, content, out)
    assert parse(out, f"{DAY}/index.html").xpath('//img[@class="page-thumb"]/@height') == ["320"]


def test_incremental_builds_after_adding_a_continuation_or_retitling_its_article_equal_clean_ones(tmp_path, build):
    content = content_with(tmp_path, WITHOUT_CONTINUATION)
    out = tmp_path / "site"
    same_as_clean(build, content, out)
    assert not parse(out, f"{DAY}/02/index.html").xpath('//*[@data-article="lead"]')
    write(content, {ISSUE: PAGES})
    same_as_clean(build, content, out)
    assert parse(out, f"{DAY}/02/index.html").xpath('//li[contains(@class, "continued")][@data-article="lead"]')
    # page 2 shows the headline of an article in page 1's folder: an edit of it reaches page 2
    edit(content / "daily/2022-06-28/01/01-lead.md", "title: 深化全国文明城市巩固工作", "title: 文明城市督查")
    same_as_clean(build, content, out)
    assert "文明城市督查" in parse(out, f"{DAY}/02/index.html").xpath('//li[contains(@class, "continued")]')[0] \
        .text_content()


@pytest.mark.browser
@pytest.mark.parametrize("served", ["file", "http"])
def test_hovering_a_continuation_lights_its_title_and_clicking_opens_the_article(page, tmp_path, build, served):
    content, out = content_with(tmp_path), tmp_path / "site"
    code, _, err = build("--content", content, "--out", out, "-q")
    assert code == 0, err
    with serve_folder(out, page) as root:
        start = out.as_uri() + "/" if served == "file" else root
        page.goto(f"{start}{DAY}/02/index.html")
        entry = page.locator(".page-articles li.continued")
        assert entry.inner_text().startswith("上接第1版")
        assert "active" not in (entry.get_attribute("class") or "")
        page.locator("#region-lead").hover()
        page.wait_for_function("document.querySelector('.page-articles li.continued').classList.contains('active')")
        page.locator("#region-lead").click()
        page.wait_for_url("**/2022/06/28/lead.html")
        assert page.locator("h1").inner_text() == "深化全国文明城市巩固工作"
        assert page.locator(".printed-on").inner_text() == "刊于第01版、第02版"


def test_the_open_data_lists_each_page_image_with_its_size_thumbnail_pdf_and_the_hotspots(tmp_path, build):
    import json

    content, out = content_with(tmp_path), tmp_path / "site"
    code, _, err = build("--content", content, "--out", out, "-q")
    assert code == 0, err
    first, second = json.loads((out / DAY / "issue.json").read_text(encoding="utf-8"))["pages"]
    assert (first["image"], first["image_size"], first["thumbnail"], first["pdf"]) == (
        f"{DAY}/01.png", [1200, 1697], f"{DAY}/01-thumb.png", f"{DAY}/01.pdf")
    for page in (first, second):  # each file the data names is in the site
        assert all((out / page[key]).is_file() for key in ("image", "thumbnail", "pdf") if page[key])
    assert (second["thumbnail"], second["pdf"]) == ("", "")
    assert [(r["article"], r["part"], r["x"], r["y"], r["w"], r["h"]) for r in first["regions"]] == [
        ("lead", 1, 2, 10, 60, 20), ("lead", 2, 2, 30, 30, 20), ("second", 1, 62, 10, 36, 30)]
    assert [r["article"] for r in second["regions"]] == ["lead", "stable-id"]  # lead's continuation, on page 2

    png(content / "daily/2022-06-28/02.png", (1000, 1500))  # a new scan of another size: issue.yml unchanged
    same_as_clean(build, content, out)
    assert json.loads((out / DAY / "issue.json").read_text(encoding="utf-8"))["pages"][1]["image_size"] == [1000, 1500]
