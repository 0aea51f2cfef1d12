"""`build.py import page.pdf`: the generated test pages (tests/pdfpages.py) read back into
drafts, page images and hotspots, measured against their ground truth; PDFs the text layer
cannot give are refused with nothing written."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from PIL import Image

from conftest import ROOT, snapshot
from pdf_accuracy import scores
from pdfpages import make_all
from edition.ingest.pdfimport import import_pdf
from edition.ingest.pdfread import body_size, read_pdf


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pdfs")
    make_all(folder)
    return folder


def test_generated_pages_are_read_as_the_issue_asks(tmp_path):
    """The issue's bar, on every generated issue: titles, roles, body text in reading order,
    bylines and regions."""
    for score in scores(tmp_path):
        assert score.title_f1 >= 0.95, (score.issue, score.misses)
        assert score.roles >= 0.95, (score.issue, score.misses)
        assert score.body >= 0.99, (score.issue, score.misses)
        assert score.bylines >= 0.95, (score.issue, score.misses)
        assert score.caption_share >= 0.95, (score.issue, score.misses)
        assert statistics.median(score.ious) >= 0.9 and min(score.ious) >= 0.7, (score.issue, score.misses)


def test_every_character_of_the_pages_is_accounted_for(pdfs):
    for name in ("sample", "four"):
        for page in import_pdf(pdfs / f"{name}.pdf"):
            assert not [n for n in page.review.notes if n.topic == "lost-text"], (name, page.number)


@pytest.mark.parametrize("name, reason", [
    ("unmapped", r"第1页 (\d+)/\1 个字符（100%）无法识别：字体没有可用的 Unicode 映射"),
    ("scan", r"第1页是扫描图像，没有文字层（可读字符 0 个）.*OCR"),
])
def test_pdfs_without_a_usable_text_layer_are_refused_and_nothing_is_written(pdfs, desk, build, name, reason):
    before = snapshot(desk)
    code, out, err = build("import", pdfs / f"{name}.pdf", "--content", desk, "--publication", "pinghu-daily")
    assert code == 1 and not out
    assert re.search(reason, err) and "未写入任何文件" in err, err
    assert snapshot(desk) == before


def test_one_unreadable_page_refuses_the_whole_pdf(pdfs, desk, build, tmp_path):
    mixed = pdfium.PdfDocument.new()
    for source in ("sample", "unmapped"):
        mixed.import_pages(pdfium.PdfDocument(pdfs / f"{source}.pdf"))
    mixed.save(tmp_path / "mixed.pdf")
    before = snapshot(desk)
    code, _, err = build("import", tmp_path / "mixed.pdf", "--content", desk, "--publication", "pinghu-daily")
    assert code == 1 and "第3页" in err and "第1页" not in err
    assert "可以把有文字的各页另存为 PDF 再导入" in err
    assert snapshot(desk) == before


def test_a_file_that_is_not_a_pdf_is_refused_by_name(desk, build, tmp_path):
    fake = tmp_path / "第1版.pdf"
    fake.write_text("这不是 PDF", encoding="utf-8")
    code, _, err = build("import", fake, "--content", desk, "--publication", "pinghu-daily")
    assert code == 1 and "第1版.pdf 不是可读的 PDF 文件" in err


@pytest.fixture
def imported(pdfs, desk, build) -> Path:
    code, out, err = build("import", pdfs / "sample.pdf", "--content", desk, "--publication", "pinghu-daily")
    assert code == 0, err
    assert "共 2 版" in out and "版面热区" in out
    return desk / "pinghu-daily" / "2022-06-28"


def test_an_issue_pdf_becomes_pages_with_images_thumbnails_pdfs_and_regions(imported):
    issue = yaml.safe_load((imported / "issue.yml").read_text(encoding="utf-8"))
    assert (str(issue["date"]), issue["total_number"], issue["lunar"]) == ("2022-06-28", 4961, "农历壬寅年五月三十")
    first, second = issue["pages"]
    assert (first["number"], first["name"], first["editor"]) == (1, "要闻", "戴琰")
    assert first["staff"] == {"版式": "李春霞", "校对": "张真", "电话": "85018195"}
    for page in (first, second):
        number = f"{page['number']:02d}"
        assert (page["image"], page["thumbnail"], page["pdf"]) == (f"{number}.jpg", f"{number}-thumb.jpg", f"{number}.pdf")
        with Image.open(imported / page["image"]) as shown, Image.open(imported / page["thumbnail"]) as thumb:
            assert (shown.format, shown.width, thumb.format, thumb.width) == ("JPEG", 1200, "JPEG", 240)
        assert (imported / page["image"]).stat().st_size < 500_000  # light enough for a reader's phone
        assert pdfium.PdfDocument(imported / page["pdf"]).__len__() == 1
    lead = first["regions"][0]["article"]
    # the lead jumps to page 2: its continuation there names page 1
    assert {"article": lead, "page": 1} in [{k: r[k] for k in r if k != "box"} for r in second["regions"]]
    slugs = {p.stem.split("-", 1)[1] for p in imported.glob("0[12]/*.md")}
    assert {r["article"] for p in (first, second) for r in p["regions"]} == slugs


def test_the_continuation_is_read_into_the_article_it_continues(imported):
    lead = next(imported.glob("01/01-*.md")).read_text(encoding="utf-8")
    assert "南市菜场" in lead  # printed on page 2, after （上接第1版）
    assert "下转" not in lead and "上接" not in lead
    assert re.search(r"^!\[▲仲旭东一行在居民小区实地督查全国文明城市巩固工作。\]\(01-[a-z-]+-1\.jpg\)$", lead, re.M)
    assert not list(imported.glob("02/*wen-ming*.md"))  # no second draft for the continuation


def test_the_report_gives_each_doubt_with_its_place_on_the_page(imported):
    report = (imported / "import-report-02.txt").read_text(encoding="utf-8")
    assert re.search(r"第\d+行（x \d+\.\d%，y \d+\.\d%）\[顺序\] 转版接续", report), report
    assert "sample.pdf 第2页" in report


def test_the_import_builds_with_hotspots_on_both_pages(imported, build, tmp_path):
    out = tmp_path / "site"
    code, _, err = build("--content", imported.parent.parent, "--out", out, "--drafts", "-q")
    assert code == 0, err
    page2 = (out / "pinghu-daily/2022/06/28/02/index.html").read_text(encoding="utf-8")
    lead = next(imported.glob("01/01-*.md")).stem.split("-", 1)[1]
    assert re.search(rf'<a class="hotspot" id="region-{lead}" data-article="{lead}" href="../{lead}\.html"', page2)
    assert "上接第1版" in page2
    page1 = (out / "pinghu-daily/2022/06/28/01/index.html").read_text(encoding="utf-8")
    assert '<p class="continued-to">转<a href="../02/index.html">第02版</a></p>' in page1  # 标题导航 on 第01版
    assert 'alt="第01版：要闻 版面图" width="1200" height="1697"' in page1  # the image's own size: no jump on load
    assert (out / "pinghu-daily/2022/06/28/01.jpg").read_bytes() == (imported / "01.jpg").read_bytes()


def test_importing_again_needs_force_and_gives_the_same_bytes(pdfs, imported, build):
    first = snapshot(imported)
    code, _, err = build("import", pdfs / "sample.pdf", "--content", imported.parent.parent,
                         "--publication", "pinghu-daily")
    assert code == 1 and "--force" in err
    code, _, err = build("import", pdfs / "sample.pdf", "--content", imported.parent.parent,
                         "--publication", "pinghu-daily", "--force")
    assert code == 0, err
    assert snapshot(imported) == first


def test_a_date_given_that_the_masthead_contradicts_is_refused(pdfs, desk, build):
    code, _, err = build("import", pdfs / "sample.pdf", "--content", desk, "--publication", "pinghu-daily",
                         "--date", "2022-06-29")
    assert code == 2 and "第1版报头印的日期 2022-06-28" in err


def test_the_sample_issue_is_the_import_of_its_generated_pdf(pdfs):
    """content/pinghu-daily/2022-06-28 is this import, reviewed: its page PDFs and every hotspot
    are what importing the generated two-page PDF gives, and its articles are those drafts."""
    issue = ROOT / "content/pinghu-daily/2022-06-28"
    entries = yaml.safe_load((issue / "issue.yml").read_text(encoding="utf-8"))["pages"]
    slugs = {}
    for path in issue.glob("0[12]/*.md"):
        title = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])["title"]
        slugs["".join(title.split())] = path.stem.split("-", 1)[1]
    pages = import_pdf(pdfs / "sample.pdf")
    drafts = {id(d): (page.number, d) for page in pages for d in page.drafts}
    assert sorted(slugs) == sorted("".join(d.title.split()) for _, d in drafts.values())
    for page, entry in zip(pages, entries, strict=True):
        assert (issue / entry["pdf"]).read_bytes() == page.files.pdf
        assert (issue / entry["image"]).read_bytes() == page.files.image
        assert (issue / entry["thumbnail"]).read_bytes() == page.files.thumbnail
        got = sorted((slugs["".join(d.title.split())], tuple(box), own if own != page.number else None)
                     for own, d in drafts.values() for number, box in d.regions if number == page.number)
        want = sorted((r["article"], tuple(r["box"]), r.get("page")) for r in entry["regions"])
        assert [(a, p) for a, _, p in got] == [(a, p) for a, _, p in want]
        for (_, box, _), (_, expected, _) in zip(got, want):
            assert all(abs(a - b) <= 0.01 for a, b in zip(box, expected)), (box, expected)


def test_a_continuation_imported_without_its_first_part_stays_a_draft_of_its_own(pdfs, desk, build, tmp_path):
    second = pdfium.PdfDocument.new()
    second.import_pages(pdfium.PdfDocument(pdfs / "sample.pdf"), [1])
    second.save(tmp_path / "page2.pdf")
    code, _, err = build("import", tmp_path / "page2.pdf", "--content", desk, "--publication", "pinghu-daily")
    assert code == 0, err  # numbered 2 as its running head prints 第02版
    issue = desk / "pinghu-daily" / "2022-06-28"
    assert len(list(issue.glob("02/*.md"))) == 3 and not (issue / "01").exists()
    assert "注明上接第1版，但这次导入的那一版没有对应的稿件，已单独成稿" in (issue / "import-report-02.txt").read_text(
        encoding="utf-8")
    regions = yaml.safe_load((issue / "issue.yml").read_text(encoding="utf-8"))["pages"][0]["regions"]
    assert all("page" not in r for r in regions) and len(regions) == 3


def _page_pdf(path: Path, *draws) -> Path:
    """An A3 PDF with a page drawn by each ``draw(canvas, write, picture)``: ``write(x, top, text,
    size)`` sets text with its top ``top`` points below the page's top edge, ``picture(x, top, w,
    h)`` places a small made-up photo."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(842, 1191), invariant=1)

    def write(x: float, top: float, text: str, size: float = 10) -> None:
        c.setFont("STSong-Light", size)
        c.drawString(x, 1191 - top - size, text)

    def picture(x: float, top: float, w: float, h: float) -> None:
        c.drawImage(ImageReader(Image.new("RGB", (40, 30), (90, 120, 160))), x, 1191 - top - h, w, h)

    for draw in draws:
        draw(c, write, picture)
        c.showPage()
    c.save()
    return path


def _story(write, top: float, title: str, lines: list[str], x: float = 40) -> None:
    write(x, top, title, 24)
    for n, line in enumerate(lines):
        write(x + (20 if n == 0 else 0), top + 40 + 15 * n, line)


def _head(c, write, number: int) -> None:
    write(40, 40, f"2022年6月28日 星期二 第0{number}版 要闻", 9)
    c.line(36, 1191 - 70, 806, 1191 - 70)


def test_logos_ad_artwork_and_bare_pictures_make_no_drafts(tmp_path):
    """A masthead logo, the picture inside an ad's frame and a picture with no caption are not
    stories: the page gives its one article and its ad, nothing else."""
    def draw(c, write, picture):
        picture(40, 20, 60, 40)  # the paper's logo, in the masthead
        write(110, 30, "2022年6月28日 星期二", 9)
        c.line(36, 1191 - 80, 806, 1191 - 80)
        write(40, 100, "平湖举行文明城市督查", 26)
        picture(40, 140, 240, 120)  # a picture set with no caption
        for n in range(12):
            write(60 if n == 0 else 40, 270 + 15 * n, "本报讯 文明城市督查工作正在进行中，" if n == 0 else "各地按照要求开展督查工作。")
        c.rect(420, 1191 - 560, 380, 260)  # the ad's frame, with its artwork
        picture(440, 320, 120, 80)
        write(580, 330, "讲文明 树新风", 22)
        write(580, 370, "公益广告", 12)
        c.line(36, 1191 - 800, 806, 1191 - 800)  # a rule, then a picture that belongs to no story
        picture(440, 820, 300, 200)
        c.line(36, 1191 - 1120, 806, 1191 - 1120)
        write(40, 1130, "编辑/戴琰 校对/张真", 9)

    pages = import_pdf(_page_pdf(tmp_path / "page.pdf", draw))
    drafts = pages[0].drafts
    assert [(d.title, d.kind) for d in drafts] == [("平湖举行文明城市督查", "news"), ("讲文明 树新风", "ad")]
    assert drafts[1].column == "公益广告" and not drafts[1].paragraphs  # the label is the ad's column
    assert [n.message for n in pages[0].review.notes if "有一张图片" in n.message] == [
        "版面上（x 52%，y 69%）有一张图片，没有说明，也不在哪篇稿件里，未收入；请核对"]
    assert len(drafts[0].figures) == 1 and drafts[0].figures[0].caption == "平湖举行文明城市督查"  # alt text
    assert not [n for n in pages[0].review.notes if n.topic == "lost-text"]


def test_a_page_with_only_its_masthead_gives_no_drafts_and_loses_nothing(tmp_path):
    def draw(c, write, picture):
        write(40, 30, "平湖日报", 48)
        write(300, 40, "2022年6月28日 星期二", 9)
        c.line(36, 1191 - 100, 806, 1191 - 100)

    page, = import_pdf(_page_pdf(tmp_path / "page.pdf", draw))
    assert page.drafts == [] and page.meta.date == "2022-06-28"
    assert not [n for n in page.review.notes if n.topic == "lost-text"]


def test_page_overrides_the_printed_page_numbers_and_says_so(pdfs, desk, build):
    code, _, err = build("import", pdfs / "sample.pdf", "--content", desk, "--publication", "pinghu-daily",
                         "--page", "5")
    assert code == 0, err
    issue = desk / "pinghu-daily" / "2022-06-28"
    assert [p["number"] for p in yaml.safe_load((issue / "issue.yml").read_text(encoding="utf-8"))["pages"]] == [5, 6]
    assert "报头印的是第2版，按 --page 作为第6版导入" in (issue / "import-report-06.txt").read_text(encoding="utf-8")
    lead = next(issue.glob("05/01-*.md")).read_text(encoding="utf-8")
    assert "南市菜场" in lead  # 下转第2版 is 第06版 here: the continuation is still joined


def test_a_jump_chain_reads_all_three_pages_into_the_first(tmp_path):
    def page(number, lines, jump):
        def draw(c, write, picture):
            _head(c, write, number)
            _story(write, 100, "文明城市督查工作推进会召开", ([f"（上接第{number - 1}版）"] if number > 1 else []) + lines
                   + ([jump] if jump else []))
        return draw

    pdf = _page_pdf(tmp_path / "chain.pdf", page(1, ["本报讯 第一版的正文，写了这些。"], "（下转第二版）"),
                    page(2, ["第二版接着写的正文。"], "（下转第3版）"), page(3, ["第三版的正文，全文完。"], None))
    pages = import_pdf(pdf)
    lead, = pages[0].drafts
    assert [p.drafts for p in pages[1:]] == [[], []]
    assert lead.paragraphs == ["本报讯 第一版的正文，写了这些。", "第二版接着写的正文。", "第三版的正文，全文完。"]
    assert [number for number, _ in lead.regions] == [1, 2, 3]
    assert not [n for p in pages for n in p.review.notes if n.topic == "lost-text"]


def test_a_jump_at_the_end_of_a_body_line_is_followed_and_kept_out_of_the_text(tmp_path):
    def first(c, write, picture):
        _head(c, write, 1)
        _story(write, 100, "全市推进秋收冬种工作", ["本报讯 各地抢抓农时，推进秋收冬种。（转第2版）"])

    def second(c, write, picture):
        _head(c, write, 2)
        _story(write, 100, "全市推进秋收冬种工作", ["（上接第1版）", "田间地头一片忙碌。"])

    lead, = import_pdf(_page_pdf(tmp_path / "jump.pdf", first, second))[0].drafts
    assert lead.paragraphs == ["本报讯 各地抢抓农时，推进秋收冬种。", "田间地头一片忙碌。"]


def test_the_page_is_read_within_its_crop_box_as_it_is_rendered(tmp_path):
    """Print PDFs carry bleed and crop marks outside the CropBox; regions are of the page as
    rendered, so a story at the same place gives the same box with or without the bleed."""
    def draw(c, write, picture):
        _head(c, write, 1)
        _story(write, 100, "平湖举行文明城市督查", ["本报讯 文明城市督查工作正在进行中。"] * 4)

    plain = _page_pdf(tmp_path / "plain.pdf", draw)
    bled = pdfium.PdfDocument(plain)
    bled[0].set_mediabox(-30, -30, 872, 1221)  # 30 pt of bleed on every side
    bled[0].set_cropbox(0, 0, 842, 1191)
    bled.save(tmp_path / "bled.pdf")
    want, = import_pdf(plain)[0].drafts
    got, = import_pdf(tmp_path / "bled.pdf")[0].drafts
    assert got.regions == want.regions and got.paragraphs == want.paragraphs


def test_pictures_off_the_page_or_of_no_size_do_not_break_the_import(tmp_path):
    def draw(c, write, picture):
        _head(c, write, 1)
        _story(write, 100, "平湖举行文明城市督查", ["本报讯 文明城市督查工作正在进行中。"] * 4)
        picture(-40, 220, 200, 120)  # bleeds off the left edge, under the story
        write(20, 345, "督查现场。", 9)
        picture(500, 400, 100, 0.01)  # no height
        picture(900, 400, 100, 100)  # wholly off the page

    lead, = import_pdf(_page_pdf(tmp_path / "bleed.pdf", draw))[0].drafts
    assert [f.caption for f in lead.figures] == ["督查现场。"]
    assert all(0 <= v and v <= 100 for _, box in lead.regions for v in box) and lead.regions[0][1][0] == 0


def test_a_rotated_page_is_refused(tmp_path, desk, build):
    def draw(c, write, picture):
        _head(c, write, 1)
        _story(write, 100, "平湖举行文明城市督查", ["本报讯 文明城市督查工作正在进行中。"] * 4)

    turned = pdfium.PdfDocument(_page_pdf(tmp_path / "plain.pdf", draw))
    turned[0].set_rotation(90)
    turned.save(tmp_path / "turned.pdf")
    before = snapshot(desk)
    code, _, err = build("import", tmp_path / "turned.pdf", "--content", desk, "--publication", "pinghu-daily")
    assert code == 1 and "第1页的文字不是横排" in err and "页面旋转了" in err
    assert snapshot(desk) == before


def test_a_double_bordered_ad_is_one_ad(tmp_path):
    def draw(c, write, picture):
        _head(c, write, 1)
        _story(write, 100, "平湖举行文明城市督查", ["本报讯 文明城市督查工作正在进行中。"] * 4)
        c.rect(40, 1191 - 700, 300, 150)
        c.rect(45, 1191 - 695, 290, 140)
        write(60, 580, "平湖大酒店开业", 20)
        write(60, 630, "电话：85012345 地址：当湖街道", 10)

    drafts = import_pdf(_page_pdf(tmp_path / "ad.pdf", draw))[0].drafts
    assert [(d.title, d.kind) for d in drafts] == [("平湖举行文明城市督查", "news"), ("平湖大酒店开业", "ad")]


def test_page_name_is_refused_for_a_pdf_of_several_pages(pdfs, desk, build):
    code, _, err = build("import", pdfs / "sample.pdf", "--content", desk, "--publication", "pinghu-daily",
                         "--page-name", "综合")
    assert code == 2 and "--page-name 只用于单页的 PDF" in err


def test_a_larger_lead_in_on_the_first_line_stays_in_its_paragraph(tmp_path):
    def draw(c, write, picture):
        _head(c, write, 1)
        write(40, 100, "平湖举行文明城市督查", 24)
        c.setFont("STSong-Light", 11)
        c.drawString(60, 1191 - 140 - 10, "本报讯")  # set a size larger, on the body's baseline
        c.setFont("STSong-Light", 10)
        c.drawString(95, 1191 - 140 - 10, "文明城市督查工作正在进行中。")
        for n in range(1, 4):
            write(40, 140 + 15 * n, "各地按照要求开展督查工作。")

    lead, = import_pdf(_page_pdf(tmp_path / "lead.pdf", draw))[0].drafts
    assert lead.paragraphs == ["本报讯 文明城市督查工作正在进行中。各地按照要求开展督查工作。各地按照要求开展督查工作。"
                               "各地按照要求开展督查工作。"]


def _lines(write, x: float, top: float, lines: list[str], size: float = 10, leading: float = 15) -> None:
    for n, line in enumerate(lines):
        write(x, top + leading * n, line, size)


BODY_LINES = ["本报讯 昨天，市文明办组织督查组深入各镇街道，", "对全国文明城市巩固工作开展实地督查，", "查看小区环境整治、",
              "公共设施维护和志愿服务开展情况，", "并就发现的问题现场交办整改。"]


def test_captions_set_beside_or_over_a_photo_are_the_figures_captions(tmp_path):
    """Small type in a narrow column right or left of a photo, top-aligned with it, or right over
    it, is the photo's caption, not the story's text."""
    def draw(c, write, picture):
        _head(c, write, 1)
        write(40, 100, "平湖举行文明城市督查", 24)
        picture(40, 140, 200, 120)
        _lines(write, 250, 141, ["▲督查组在小区查看", "环境整治情况。"], 9, 12)  # right of the photo
        _lines(write, 40, 275, BODY_LINES)
        c.line(405, 1191 - 90, 405, 1191 - 480)
        write(420, 100, "口袋公园扮靓城市角落", 24)
        _lines(write, 420, 140, ["▲当湖街道新建的口袋公园里，市民在休闲散步。"], 9, 12)  # over the photo
        picture(420, 156, 300, 120)
        _lines(write, 420, 290, BODY_LINES)
        c.line(36, 1191 - 500, 806, 1191 - 500)
        write(40, 520, "乡村道路完成提档升级", 24)
        _lines(write, 215, 561, ["▲提档升级后的", "乡村道路。"], 9, 12)  # left of the photo
        picture(300, 560, 200, 120)
        _lines(write, 40, 700, BODY_LINES)

    page, = import_pdf(_page_pdf(tmp_path / "page.pdf", draw))
    got = {d.title: ([f.caption for f in d.figures], "".join(d.paragraphs)) for d in page.drafts}
    assert {title: captions for title, (captions, _) in got.items()} == {
        "平湖举行文明城市督查": ["▲督查组在小区查看环境整治情况。"],
        "口袋公园扮靓城市角落": ["▲当湖街道新建的口袋公园里，市民在休闲散步。"],
        "乡村道路完成提档升级": ["▲提档升级后的乡村道路。"]}
    for _, text in got.values():
        assert "▲" not in text and "".join(BODY_LINES).replace(" ", "") in text.replace(" ", "")
    assert not [n for n in page.review.notes if n.topic == "lost-text"]


def test_text_beside_a_photo_that_is_not_its_caption_stays_in_the_story(tmp_path):
    """Body type wrapped beside a photo, small type that runs on below the photo, and a
    neighbour's small type across the column rule are text, not captions."""
    wrap = ["各镇街道对照测评", "标准逐项自查，", "建立问题清单，", "明确整改时限。"]
    sidebar = [f"链接：第{n}条文明行为促进条例规定，" for n in range(1, 13)]
    neighbour = [f"相关新闻第{n}行，记者走访了解到，" for n in range(1, 8)]

    def draw(c, write, picture):
        _head(c, write, 1)
        write(40, 100, "平湖举行文明城市督查", 24)
        picture(40, 140, 200, 120)
        _lines(write, 250, 141, wrap)  # body type beside the photo
        write(40, 266, "▲督查现场。", 9)
        _lines(write, 40, 290, BODY_LINES * 2)
        c.line(405, 1191 - 90, 405, 1191 - 480)
        write(420, 100, "文明行为促进条例施行", 24)
        picture(420, 140, 150, 100)
        _lines(write, 580, 141, sidebar, 9, 12)  # small type that runs on below the photo
        _lines(write, 420, 300, BODY_LINES * 2)
        c.line(36, 1191 - 500, 806, 1191 - 500)
        write(40, 520, "乡村道路完成提档升级", 24)
        picture(190, 560, 200, 100)
        _lines(write, 40, 680, BODY_LINES)
        c.line(397, 1191 - 510, 397, 1191 - 800)
        write(404, 520, "公交线路优化调整", 24)
        _lines(write, 404, 561, neighbour, 9, 12)  # the next story's small type, across the rule
        _lines(write, 404, 660, BODY_LINES)

    page, = import_pdf(_page_pdf(tmp_path / "page.pdf", draw))
    assert body_size(read_pdf(tmp_path / "page.pdf")[0].lines) == 10  # the small type is smaller than the body's
    got = {d.title: ([f.caption for f in d.figures], "".join(d.paragraphs)) for d in page.drafts}
    assert {title: captions for title, (captions, _) in got.items()} == {
        "平湖举行文明城市督查": ["▲督查现场。"], "文明行为促进条例施行": ["文明行为促进条例施行"],
        "乡村道路完成提档升级": ["乡村道路完成提档升级"], "公交线路优化调整": []}  # no caption: the title is the alt text
    assert "".join(wrap) in got["平湖举行文明城市督查"][1]
    assert "".join(sidebar) in got["文明行为促进条例施行"][1]
    assert "".join(neighbour) in got["公交线路优化调整"][1]
    assert not [n for n in page.review.notes if n.topic == "lost-text"]
