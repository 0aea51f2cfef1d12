"""Page PDFs → the files a 版 shows: the page as an image, its thumbnail, the page alone as a PDF,
and its photos cut out at a sharper scale.

pypdfium2 renders, Pillow encodes the images as JPEG (a 版面图 is read on phones: a page of text
is about 40 % smaller than as PNG). Every file is byte-identical from run to run, so a re-import
changes nothing the site has already published: the JPEGs are encoded with fixed options and
carry no metadata (no EXIF, ICC profile, DPI or comment), and the split page PDF, to which pdfium
would add the time and a random file ID, gets neither (see `_page_pdf`).
"""

from __future__ import annotations

import hashlib
import io
import re
from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from .drafts import Box, PageFiles
from .write import ImportRefused

# 80: beside the lossless render, the 10 pt body text of the 1,200 px page image shows no halo
# around its strokes (at 75 faintly, at 55 plainly); each step up to 88 costs ~3 % more bytes
JPEG_QUALITY = 80
# 4:2:0 (colour at half resolution): body text is black on white and carries no colour, so it
# loses nothing; only the edges of colour (the red masthead, photos) soften, where the eye cannot
# tell, and the file is ~3 % smaller than with 4:4:4
JPEG_SUBSAMPLING = "4:2:0"
FIGURE_DPI = 300  # a photo is never cut finer than a print holds: a tiny box is not blown up
ID_RE = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
LOAD_REASONS = {
    pdfium_c.FPDF_ERR_PASSWORD: "文件有密码保护，请先去掉密码再导入",
    pdfium_c.FPDF_ERR_SECURITY: "文件的加密方式无法处理",
    pdfium_c.FPDF_ERR_FILE: "文件无法打开",
    pdfium_c.FPDF_ERR_SUCCESS: "文件里没有页面",  # pdfium opened it and found no page
}


def page_files(pdf: Path, index: int, width: int = 1200, thumb_width: int = 240) -> PageFiles:
    """The files of page `index` (0-based): image `width` px wide, thumbnail, the page alone as PDF."""
    data = pdf.read_bytes()
    with _document(pdf, data) as doc:
        return _files(pdf, doc, data, index, width, thumb_width)


def render_all(pdf: Path, width: int = 1200, thumb_width: int = 240) -> list[PageFiles]:
    """Every page's files, opening the document once (an issue imports its PDF in seconds)."""
    data = pdf.read_bytes()
    with _document(pdf, data) as doc:
        return [_files(pdf, doc, data, index, width, thumb_width) for index in range(len(doc))]


def figures(pdf: Path, index: int, boxes: list[Box], width: int = 800) -> list[bytes]:
    """JPEG of each part of page `index` inside one of `boxes` (percent x, y, w, h from the top
    left), in their order, from the page opened once. Each is rendered from the PDF at the photo's
    own scale rather than cut from the screen image, so it stays sharp: `width` px wide, or
    narrower where that would exceed FIGURE_DPI. No boxes: the PDF is not opened.
    """
    if not boxes:
        return []
    with _document(pdf, pdf.read_bytes()) as doc, _page(pdf, doc, index) as page:
        return [_jpeg(_figure(page, box, width)) for box in boxes]


def _figure(page: pdfium.PdfPage, box: Box, width: int) -> Image.Image:
    """The part of the page inside `box`, drawn at the scale that makes it `width` px (or FIGURE_DPI) wide."""
    left, top, right, bottom = _clamped(box)
    page_w, page_h = page.get_size()
    width = max(1, min(width, round((right - left) / 100 * page_w * FIGURE_DPI / 72)))
    scale = width / ((right - left) / 100 * page_w)  # pixels per point
    full_w, full_h = round(page_w * scale), round(page_h * scale)
    x, y = round(left / 100 * full_w), round(top / 100 * full_h)
    height = max(1, round(bottom / 100 * full_h) - y)
    return _render(page, (x, y, width, height), (full_w, full_h))


def _files(pdf: Path, doc: pdfium.PdfDocument, data: bytes, index: int,
           width: int, thumb_width: int) -> PageFiles:
    """One render per page: the thumbnail is scaled down from the screen image with LANCZOS."""
    with _page(pdf, doc, index) as page:
        page_w, page_h = page.get_size()
        height = max(1, round(width * page_h / page_w))
        image = _render(page, (0, 0, width, height), (width, height))
    thumb_size = (thumb_width, max(1, round(thumb_width * height / width)))
    thumbnail = image.resize(thumb_size, Image.Resampling.LANCZOS)
    return PageFiles(image=_jpeg(image), thumbnail=_jpeg(thumbnail), pdf=_page_pdf(pdf, doc, data, index))


@contextmanager
def _document(pdf: Path, data: bytes) -> Iterator[pdfium.PdfDocument]:
    """The open document, closed afterwards; a file pdfium cannot open is refused with the reason."""
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = LOAD_REASONS.get(exc.err_code, "文件格式不对或已损坏")
        raise ImportRefused(f"{pdf.name} 不是可读的 PDF 文件：{reason}") from None
    try:
        yield doc
    finally:
        doc.close()


@contextmanager
def _page(pdf: Path, doc: pdfium.PdfDocument, index: int) -> Iterator[pdfium.PdfPage]:
    """A page, closed afterwards so that a long issue does not keep every page's objects alive."""
    if not 0 <= index < len(doc):
        raise IndexError(f"{pdf.name} has {len(doc)} pages, no page {index + 1}")
    try:
        page = doc[index]
    except pdfium.PdfiumError:
        raise ImportRefused(f"{pdf.name} 的第 {index + 1} 页已损坏，无法读取") from None
    try:
        yield page
    finally:
        page.close()


def _clamped(box: Box) -> tuple[float, float, float, float]:
    """Left, top, right, bottom in percent, inside the page; an empty box is a caller's mistake."""
    x, y, w, h = box
    left, top = min(max(x, 0.0), 100.0), min(max(y, 0.0), 100.0)
    right, bottom = min(max(x + w, 0.0), 100.0), min(max(y + h, 0.0), 100.0)
    if right <= left or bottom <= top:
        raise ValueError(f"box {box} holds no part of the page")
    return left, top, right, bottom


def _render(page: pdfium.PdfPage, clip: tuple[int, int, int, int], full: tuple[int, int]) -> Image.Image:
    """RGB image of the `clip` (x, y, width, height in pixels) of the page drawn `full` pixels large.

    Drawn into a white bitmap of exactly the clip's size (page.render rounds crops outward, which
    would make widths drift by a pixel), without annotations or form fields: the printed page only.
    """
    x, y, width, height = clip
    bitmap = pdfium.PdfBitmap.new_native(width, height, pdfium_c.FPDFBitmap_BGR, rev_byteorder=True)
    try:
        bitmap.fill_rect((255, 255, 255, 255), 0, 0, width, height)
        pdfium_c.FPDF_RenderPageBitmap(bitmap, page, -x, -y, *full, 0, pdfium_c.FPDF_REVERSE_BYTE_ORDER)
        return bitmap.to_pil()  # holds on to the bitmap's buffer, which close() leaves alone
    finally:
        bitmap.close()


def _jpeg(image: Image.Image) -> bytes:
    """JPEG bytes with fixed options and no metadata: none is passed, and the comment Pillow would
    copy from the image's info is set empty. Progressive, so a slow phone shows the whole page
    coarse at once and then sharpens it; `optimize` fits the Huffman tables to the image, which
    makes it smaller and is as deterministic as the rest of libjpeg's encoding."""
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY, subsampling=JPEG_SUBSAMPLING,
                              optimize=True, progressive=True, comment=b"")
    return out.getvalue()


def _page_pdf(pdf: Path, doc: pdfium.PdfDocument, data: bytes, index: int) -> bytes:
    """The page alone as a PDF: the input itself when it has one page, else a copy of that page.

    pdfium stamps a new document with the time (skipped here through its sandbox policy) and
    gives it a file ID seeded from memory addresses (replaced by `_stable_id`).
    """
    if len(doc) == 1:
        return data
    pdfium_c.FPDF_SetSandBoxPolicy(pdfium_c.FPDF_POLICY_MACHINETIME_ACCESS, False)
    try:
        single = pdfium.PdfDocument.new()
    finally:
        pdfium_c.FPDF_SetSandBoxPolicy(pdfium_c.FPDF_POLICY_MACHINETIME_ACCESS, True)
    try:
        single.import_pages(doc, [index])
        out = io.BytesIO()
        single.save(out)
    except pdfium.PdfiumError:
        raise ImportRefused(f"{pdf.name} 的第 {index + 1} 页已损坏，无法单独保存为 PDF") from None
    finally:
        single.close()
    return _stable_id(out.getvalue())


def _stable_id(data: bytes) -> bytes:
    """The file with its trailer's /ID replaced by an MD5 of its content (as the PDF spec suggests).

    The digest has the length of pdfium's own ID (16 bytes), so no offset in the file moves.
    """
    start = data.rfind(b"trailer")
    found = ID_RE.search(data, start)
    if start < 0 or not found or len(found[1]) != 32 or len(found[2]) != 32:
        raise RuntimeError("pdfium wrote no 16-byte /ID in its trailer: the page PDF would differ per run")
    zeroed = data[:found.start(1)] + b"0" * 32 + data[found.end(1):found.start(2)] + b"0" * 32 + data[found.end(2):]
    digest = hashlib.md5(zeroed).hexdigest().upper().encode()
    return data[:found.start(1)] + digest + data[found.end(1):found.start(2)] + digest + data[found.end(2):]
