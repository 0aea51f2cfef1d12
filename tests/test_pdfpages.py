"""The generated newspaper PDFs print exactly what their truth files say, where they say it (read with pdfplumber)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pdfplumber
import pytest

from pdfpages import NO_START, make_all

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pdfpages")
    make_all(folder)
    return folder


def load(out: Path, stem: str) -> tuple[dict, pdfplumber.PDF]:
    return json.loads((out / f"{stem}.json").read_text(encoding="utf-8")), pdfplumber.open(out / f"{stem}.pdf")


def inside(obj: dict, box: list[float], page) -> bool:
    """Whether an object's centre lies in a truth box (percent of the page)."""
    x, y, w, h = (v / 100 * (page.width if i % 2 == 0 else page.height) for i, v in enumerate(box))
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return x - 1 <= cx <= x + w + 1 and y - 1 <= cy <= y + h + 1


def region_text(pdf, article: dict) -> str:
    """The characters printed inside the article's regions, in the order the page draws them."""
    return "".join(c["text"] for r in article["regions"] for c in pdf.pages[r["page"] - 1].chars
                   if inside(c, r["box"], pdf.pages[r["page"] - 1]))


def is_subsequence(needle: str, hay: str) -> bool:
    chars = iter(hay)
    return all(ch in chars for ch in needle)


@pytest.mark.parametrize("stem,pages", [("sample", 2), ("four", 4)])
def test_every_paragraph_is_printed_inside_its_article_regions(out, stem, pages):
    truth, pdf = load(out, stem)
    assert len(pdf.pages) == pages == len(truth["pages"])
    assert all((p.width, p.height) == (842, 1191) for p in pdf.pages)
    for article in truth["articles"]:
        printed = region_text(pdf, article)
        for field in ("kicker", "title", "subtitle"):
            assert is_subsequence(article[field], printed), (article["key"], field)
        body = "".join(article["paragraphs"])
        assert body and is_subsequence(body, printed) or article["kind"] == "photo", article["key"]
        for caption in article["captions"]:
            assert is_subsequence(caption, printed), article["key"]


@pytest.mark.parametrize("stem", ["sample", "four"])
def test_regions_of_different_articles_never_overlap(out, stem):
    truth, _ = load(out, stem)
    boxes = [(r["page"], r["box"], a["key"]) for a in truth["articles"] for r in a["regions"]]
    for i, (page, (x, y, w, h), key) in enumerate(boxes):
        assert 0 <= x and 0 <= y and x + w <= 100 and y + h <= 100
        for page2, (x2, y2, w2, h2), key2 in boxes[i + 1:]:
            if page == page2:
                assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y, (key, key2)


def test_sample_front_page_has_the_expected_articles_and_masthead(out):
    truth, pdf = load(out, "sample")
    keys = [a["key"].split("/")[1][:2] for a in truth["articles"]]
    assert keys == ["01", "02", "03", "04", "05", "06", "09", "07", "08"]
    assert truth["masthead"] == {"date": "2022-06-28", "weekday": "星期二", "lunar": "农历壬寅年五月三十",
                                 "total_number": 4961}
    assert truth["pages"][0]["editor"] == "戴琰" and truth["pages"][0]["columns"] == 6
    text = pdf.pages[0].extract_text()
    for line in ("平湖日报", "2022年6月28日 星期二", "农历壬寅年五月三十", "总第4961期", "中共平湖市委机关报",
                 "编辑/戴琰 版式/李春霞 校对/张真 电话/85018195"):
        assert line in text
    assert "第02版 要闻" in pdf.pages[1].extract_text()


def test_the_lead_jumps_to_page_two_with_its_jump_lines(out):
    truth, pdf = load(out, "sample")
    lead = truth["articles"][0]
    assert [r["page"] for r in lead["regions"]] == [1, 2]
    first, second = (pdf.pages[r["page"] - 1] for r in lead["regions"])
    on_one = "".join(c["text"] for c in first.chars if inside(c, lead["regions"][0]["box"], first))
    on_two = "".join(c["text"] for c in second.chars if inside(c, lead["regions"][1]["box"], second))
    assert on_one.endswith("（下转第2版）")
    assert "（上接第1版）" in on_two and "（下转" not in on_two
    assert not any("下转" in p or "上接" in p for p in lead["paragraphs"])
    # the paragraphs of the truth are those of the source, whole, though one was cut by the jump
    assert lead["paragraphs"][0].startswith("本报讯 昨天上午")
    assert lead["paragraphs"][-1].endswith("推动共建共享。")


def test_four_page_issue_jumps_from_page_one_to_page_three(out):
    truth, pdf = load(out, "four")
    assert [p["columns"] for p in truth["pages"]] == [6, 5, 4, 5]
    jumps = [a for a in truth["articles"] if len({r["page"] for r in a["regions"]}) > 1]
    assert [[r["page"] for r in a["regions"]] for a in jumps] == [[1, 3]]
    assert "（上接第1版）" in region_text(pdf, jumps[0])
    kinds = {a["kind"] for a in truth["articles"]}
    assert kinds == {"news", "photo", "ad"}
    assert "2022年11月18日 星期五" in pdf.pages[0].extract_text()


def sizes(pdf, article: dict, text: str) -> set[float]:
    """Sizes of the characters of `text` where it is printed in the article (its first region)."""
    r = article["regions"][0]
    page = pdf.pages[r["page"] - 1]
    chars = [c for c in page.chars if inside(c, r["box"], page)]
    joined = "".join(c["text"] for c in chars)
    start = joined.index(text)
    return {round(c["size"], 1) for c in chars[start:start + len(text)]}


def test_kicker_title_subtitle_and_body_differ_in_size(out):
    truth, pdf = load(out, "sample")
    lead = truth["articles"][0]
    with_subtitle = next(a for a in truth["articles"] if a["subtitle"])
    kicker, = sizes(pdf, lead, lead["kicker"])
    title = sizes(pdf, lead, lead["title"][:6])
    subtitle, = sizes(pdf, with_subtitle, with_subtitle["subtitle"])
    body, = sizes(pdf, lead, lead["paragraphs"][0][:20])
    assert len({kicker, *title, subtitle, body}) == 4
    assert body < kicker < subtitle < min(title)


def test_photos_are_images_inside_their_articles(out):
    truth, pdf = load(out, "sample")
    with_photos = [a for a in truth["articles"] if a["captions"]]
    assert {a["kind"] for a in with_photos} == {"news", "photo"}
    for article in with_photos:
        page = pdf.pages[article["regions"][0]["page"] - 1]
        assert [i for i in page.images if inside(i, article["regions"][0]["box"], page)], article["key"]
    photo = next(a for a in with_photos if a["kind"] == "photo")
    assert photo["title"] == "“智能”生产" and photo["paragraphs"] == [] and len(photo["captions"]) == 1
    untitled = [a for a in load(out, "four")[0]["articles"] if a["kind"] == "photo" and not a["title"]]
    assert untitled and all(a["paragraphs"] == [] and len(a["captions"]) == 1 for a in untitled)


def test_ad_is_framed_and_holds_its_text(out):
    truth, pdf = load(out, "sample")
    ad = next(a for a in truth["articles"] if a["kind"] == "ad")
    page = pdf.pages[0]
    frames = [r for r in page.rects if inside(r, ad["regions"][0]["box"], page)]
    assert frames and ad["title"] == "讲文明 树新风"
    assert len(sizes(pdf, ad, ad["title"].replace(" ", "")[:3]) | sizes(pdf, ad, ad["paragraphs"][0][:4])) == 2


@pytest.mark.parametrize("stem", ["sample", "four"])
def test_no_line_starts_with_a_closing_mark(out, stem):
    _, pdf = load(out, stem)
    for page in pdf.pages:
        previous = None
        for c in page.chars:
            new_line = previous is None or abs(c["top"] - previous["top"]) > 1 or abs(c["x0"] - previous["x1"]) > 5
            assert not (new_line and c["text"] in NO_START), (page.page_number, c["text"], c["x0"], c["top"])
            previous = c


def test_bylines_name_the_authors(out):
    truth, pdf = load(out, "sample")
    reporter = next(a for a in truth["articles"] if a["authors"])
    assert reporter["authors"] == [{"name": "华婷婷", "role": "记者"}]
    assert "■记者 华婷婷" in region_text(pdf, reporter)
    assert all(a["authors"] == [] for a in truth["articles"][:7])


def test_unmapped_page_has_text_but_no_readable_characters(out):
    with pdfplumber.open(out / "unmapped.pdf") as pdf:
        page, = pdf.pages
        text = page.extract_text()
    assert len(page.chars) > 500
    assert "(cid:" in text and not HAN.search(text)


def test_scan_is_one_image_without_text(out):
    with pdfplumber.open(out / "scan.pdf") as pdf:
        page, = pdf.pages
        assert page.chars == [] and len(page.images) == 1
        assert (page.images[0]["width"], page.images[0]["height"]) == (842, 1191)


def test_generating_twice_gives_the_same_bytes_quickly(out, tmp_path):
    started = time.perf_counter()
    written = make_all(tmp_path)
    assert time.perf_counter() - started < 10
    assert sorted(p.name for p in written) == sorted(p.name for p in out.iterdir())
    for path in written:
        assert path.read_bytes() == (out / path.name).read_bytes(), path.name
