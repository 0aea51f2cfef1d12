"""The files a page PDF gives its 版: page image, thumbnail, the page alone as PDF, photos."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from edition.ingest.pdfrender import _render, figures, page_files, render_all
from edition.ingest.write import ImportRefused
from pdfpages import make_issue

ROOT = Path(__file__).resolve().parent.parent
A3 = (842.0, 1191.0)
TEXTS = ["第一版 要闻 市委召开常委会议", "第二版 综合 新仓镇举办农民丰收节", "第三版 副刊 平湖西瓜灯的故事"]
RECT = (421.0, 300.0, 336.8, 238.2)  # x, top, width, height in points on page 2: 50 %, 25.19 %, 40 %, 20 %
RECT_BOX = (50.0, 300.0 / 1191 * 100, 40.0, 20.0)


def make_pdf(path: Path, texts: list[str] = TEXTS, encrypt: str | None = None) -> Path:
    """An A3 PDF, one line of Chinese per page near the top, a black rectangle on page 2."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A3, invariant=1, encrypt=encrypt)
    for number, text in enumerate(texts, 1):
        pdf.setFont("STSong-Light", 24)
        pdf.drawString(72, A3[1] - 100, text)
        if number == 2:
            x, top, width, height = RECT
            pdf.rect(x, A3[1] - top - height, width, height, stroke=0, fill=1)
        pdf.showPage()
    pdf.save()
    return path


def image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def figure(pdf: Path, index: int, box: tuple[float, float, float, float], width: int = 800) -> bytes:
    """The one photo of page `index` inside `box`."""
    [photo] = figures(pdf, index, [box], width)
    return photo


def markers(jpeg: bytes) -> list[bytes]:
    """The JPEG's marker segments before its first scan (SOS), as their two marker bytes."""
    found, at = [], 2
    while jpeg[at + 1] != 0xDA:
        found.append(jpeg[at:at + 2])
        at += 2 + int.from_bytes(jpeg[at + 2:at + 4], "big")
    return found


def darkness(img: Image.Image, box: tuple[float, float, float, float]) -> float:
    """Share of dark pixels inside a box given in fractions of the image (left, top, right, bottom)."""
    w, h = img.size
    part = img.convert("L").crop((round(box[0] * w), round(box[1] * h), round(box[2] * w), round(box[3] * h)))
    counts = part.histogram()
    return sum(counts[:64]) / sum(counts)


def test_every_page_gives_an_image_a_thumbnail_and_a_pdf(tmp_path):
    pages = render_all(make_pdf(tmp_path / "issue.pdf"))
    assert len(pages) == 3
    for files in pages:
        page, thumb = image(files.image), image(files.thumbnail)
        assert page.format == thumb.format == "JPEG"
        assert page.mode == thumb.mode == "RGB"
        assert page.info["progressive"] and thumb.info["progressive"]  # a slow phone shows it coarse at once
        assert page.size == (1200, round(1200 * A3[1] / A3[0]))
        assert thumb.size == (240, round(240 * A3[1] / A3[0]))
        assert page.getpixel((5, 5)) == (255, 255, 255)  # white paper, not transparent or black
        assert darkness(page, (0.08, 0.05, 0.5, 0.09)) > 0.02  # the Chinese line is drawn
        assert len(files.image) < 1_000_000


def test_page_files_of_one_page_match_render_all(tmp_path):
    pdf = make_pdf(tmp_path / "issue.pdf")
    assert page_files(pdf, 1) == render_all(pdf)[1]
    small = page_files(pdf, 0, width=600, thumb_width=100)
    assert image(small.image).width == 600 and image(small.thumbnail).width == 100


def test_page_pdf_holds_that_page_alone(tmp_path):
    pdf = make_pdf(tmp_path / "issue.pdf")
    for files, text in zip(render_all(pdf), TEXTS):
        doc = pdfium.PdfDocument(files.pdf)
        try:
            assert len(doc) == 1
        finally:
            doc.close()
        with pdfplumber.open(io.BytesIO(files.pdf)) as single:
            assert single.pages[0].extract_text().replace(" ", "") == text.replace(" ", "")
            assert (single.pages[0].width, single.pages[0].height) == A3
        assert b"CreationDate" not in files.pdf  # pdfium's time stamp would differ per run


def test_a_one_page_pdf_is_kept_as_it_is(tmp_path):
    pdf = make_pdf(tmp_path / "one.pdf", texts=TEXTS[:1])
    assert page_files(pdf, 0).pdf == pdf.read_bytes()


def test_a_black_rectangle_is_dark_where_it_was_drawn(tmp_path):
    files = render_all(make_pdf(tmp_path / "issue.pdf"))[1]
    left, top, width, height = (v / 100 for v in RECT_BOX)
    inside = (left + 0.01, top + 0.01, left + width - 0.01, top + height - 0.01)
    for jpeg in (files.image, files.thumbnail):
        assert darkness(image(jpeg), inside) > 0.99
        assert darkness(image(jpeg), (left - 0.1, top + height + 0.01, left + width + 0.1, 0.9)) == 0
        assert darkness(image(jpeg), (left - 0.1, top, left - 0.01, top + height)) == 0


def test_the_images_are_jpegs_without_metadata(tmp_path):
    """No EXIF, XMP, ICC profile, comment or DPI: nothing that would tell runs or machines apart."""
    pdf = make_pdf(tmp_path / "issue.pdf")
    files = render_all(pdf)[1]
    for jpeg in (files.image, files.thumbnail, figure(pdf, 1, RECT_BOX)):
        assert jpeg[:2] == b"\xff\xd8" and jpeg[-2:] == b"\xff\xd9"
        found = markers(jpeg)
        assert found[0] == b"\xff\xe0" and not {b"\xff\xe1", b"\xff\xe2", b"\xff\xfe"} & set(found)
        assert image(jpeg).info["jfif_unit"] == 0  # an aspect ratio only, no DPI


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The generated two-page sample issue: A3 pages of 10 pt body text, photos and a red masthead."""
    pdf, _ = make_issue("sample", tmp_path_factory.mktemp("sample"))
    return pdf


def test_a_page_of_text_is_light_enough_for_a_phone(sample):
    """A daily of 8 such pages ships under 4 MB of page images (as PNG they were 6 MB)."""
    for files in render_all(sample):
        assert len(files.image) < 500_000 and len(files.thumbnail) < 30_000


def test_the_body_text_keeps_its_shape(sample):
    """Against the lossless render, the JPEG has no halos around the characters: almost no pixel is off
    by an eighth of the grey scale or more (here one in 30,000; at quality 75 one in 2,500, at 55 one in 100)."""
    files = render_all(sample)[0]
    jpeg = image(files.image)
    doc = pdfium.PdfDocument(sample)
    try:
        lossless = _render(doc[0], (0, 0, *jpeg.size), jpeg.size)
    finally:
        doc.close()
    counts = ImageChops.difference(lossless.convert("L"), jpeg.convert("L")).histogram()
    assert sum(counts[32:]) / sum(counts) < 0.0002


def test_a_figure_is_the_part_of_the_page_in_its_box(tmp_path):
    pdf = make_pdf(tmp_path / "issue.pdf")
    photo = image(figure(pdf, 1, RECT_BOX))
    assert photo.mode == "RGB" and photo.width == 800
    assert photo.height == pytest.approx(800 * RECT[3] / RECT[2], abs=1)
    assert darkness(photo, (0, 0, 1, 1)) > 0.99
    x, y, w, h = RECT_BOX  # a box 1.5 times as large around it: the rectangle in the middle, paper around
    around = image(figure(pdf, 1, (x - w / 4, y - h / 4, 1.5 * w, 1.5 * h), width=400))
    assert around.width == 400
    assert darkness(around, (0.18, 0.18, 0.82, 0.82)) > 0.99
    assert darkness(around, (0, 0, 1, 0.15)) == 0 and darkness(around, (0, 0.85, 1, 1)) == 0
    assert darkness(around, (0, 0, 0.15, 1)) == 0 and darkness(around, (0.85, 0, 1, 1)) == 0
    assert darkness(image(figure(pdf, 0, RECT_BOX)), (0, 0, 1, 1)) == 0  # page 1 has no rectangle


def test_a_box_reaching_past_the_page_is_cut_at_its_edge(tmp_path):
    pdf = make_pdf(tmp_path / "issue.pdf")
    photo = image(figure(pdf, 1, (RECT_BOX[0], RECT_BOX[1], 80.0, RECT_BOX[3]), width=500))
    assert photo.width == 500  # half the page's width: x 50 % to the right edge
    assert darkness(photo, (0.01, 0.05, 0.79, 0.95)) > 0.99 and darkness(photo, (0.82, 0, 1, 1)) == 0


def test_a_small_photo_is_not_blown_up_past_print_resolution(tmp_path):
    pdf = make_pdf(tmp_path / "issue.pdf")
    photo = image(figure(pdf, 1, (RECT_BOX[0], RECT_BOX[1], 2.0, 2.0)))
    assert photo.width == round(A3[0] * 0.02 / 72 * 300)  # 300 dpi, not 800 px
    assert darkness(photo, (0, 0, 1, 1)) > 0.99


RUN = """
import hashlib, json, sys
from pathlib import Path
from edition.ingest.pdfrender import figures, render_all
pdf = Path(sys.argv[1])
digests = [[hashlib.sha256(b).hexdigest() for b in (f.image, f.thumbnail, f.pdf)] for f in render_all(pdf)]
digests.append([hashlib.sha256(b).hexdigest() for b in figures(pdf, 1, [tuple(json.loads(sys.argv[2]))])])
print(json.dumps(digests))
"""


def test_two_runs_give_the_same_bytes(tmp_path):
    pdf = make_pdf(tmp_path / "issue.pdf")
    runs = [subprocess.run([sys.executable, "-c", RUN, str(pdf), json.dumps(RECT_BOX)], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    here = [[hashlib.sha256(b).hexdigest() for b in (f.image, f.thumbnail, f.pdf)] for f in render_all(pdf)]
    assert json.loads(runs[0])[:3] == here
    assert json.loads(runs[0])[3] == [hashlib.sha256(figure(pdf, 1, RECT_BOX)).hexdigest()]


def test_the_photos_of_a_page_come_in_the_order_of_their_boxes(tmp_path):
    pdf = make_pdf(tmp_path / "issue.pdf")
    x, y, w, h = RECT_BOX
    boxes = [(5.0, 20.0, 10.0, 5.0), RECT_BOX, (x, y, w / 2, h)]
    photos = figures(pdf, 1, boxes, width=300)
    assert photos == [figure(pdf, 1, box, width=300) for box in boxes]
    assert [darkness(image(p), (0, 0, 1, 1)) > 0.99 for p in photos] == [False, True, True]
    assert figures(tmp_path / "not-there.pdf", 0, []) == []  # a page without photos opens nothing


@pytest.mark.parametrize("damage", ["truncated", "text", "encrypted", "empty"])
def test_a_file_that_is_no_readable_pdf_is_refused(tmp_path, damage):
    path = tmp_path / "第3版.pdf"
    if damage == "truncated":
        data = make_pdf(tmp_path / "whole.pdf").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif damage == "text":
        path.write_text("这不是 PDF，只是改了扩展名的文本文件\n", encoding="utf-8")
    elif damage == "encrypted":
        make_pdf(path, encrypt="secret")
    else:
        path.write_bytes(b"")
    for call in (lambda: render_all(path), lambda: page_files(path, 0), lambda: figure(path, 0, RECT_BOX)):
        with pytest.raises(ImportRefused) as refused:
            call()
        assert str(refused.value).startswith("第3版.pdf 不是可读的 PDF 文件：")
    if damage == "encrypted":
        assert "密码" in str(refused.value)


def test_a_page_past_the_end_is_a_mistake_not_a_refusal(tmp_path):
    with pytest.raises(IndexError):
        page_files(make_pdf(tmp_path / "issue.pdf"), 3)
