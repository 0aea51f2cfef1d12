"""Chinese newspaper pages in PDF, laid out from the sample edition's articles, with their ground truth.

The page-PDF importer is measured against these files: each `<stem>.pdf` has a `<stem>.json` beside it that
says what was printed where (masthead, pages, every article's fields, paragraphs and boxes), so an accuracy
script can compare the importer's drafts with the truth without guessing. The layout is a plain newspaper grid:
equal columns, articles in rectangles of whole columns, title blocks over their span, body flowing column by
column, thin rules between articles, a photo with the body beside and below it (its caption under it, in the
column beside it or over it), a framed ad, a jump to a later page. Only reportlab's built-in STSong-Light exists,
so roles differ by size (titles are also fake bold).

    python3 tests/pdfpages.py OUT_DIR
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2
from pdfminer.cmapdb import CMapDB
import yaml
from PIL import Image, ImageDraw
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas as rl_canvas

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content" / "pinghu-daily"
FONT = "STSong-Light"
PAGE_W, PAGE_H = 842, 1191
MARGIN = 36
GUTTER = 10
BODY = 10.0  # body size; bylines use it too
LEADING = 15.0
CAPTION = 9.0
CAPTION_LEADING = 12.0
# pdfminer's box of an STSong-Light glyph: from baseline - 0.729 em to baseline + 0.271 em
ASCENT, DESCENT = 0.729, 0.271
NO_START = set("，。、；：？！）》」』”’】〕〉…%·")  # never first on a line
NO_END = set("（《「『“‘【〔〈")  # never last on a line
WEEKDAYS = "一二三四五六日"
RED = (0.78, 0.08, 0.1)


# ---------------------------------------------------------------- articles

@dataclass
class Source:
    """An article of the sample edition as the generator prints it."""

    key: str  # "<issue folder>/<file stem>"
    kind: str  # news | ad | photo (other kinds of the edition are printed as news)
    kicker: str
    title: str
    subtitle: str
    authors: list[dict]
    paragraphs: list[str]


def clean_paragraph(text: str) -> str:
    """The paragraph as a reader sees it: no gap marks, no Markdown escapes or heading marks, no line breaks."""
    text = re.sub(r"\{\{gap[^}]*\}\}", "", text)
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    text = re.sub(r"^#+ ", "", text.strip())
    return "".join(line.strip() for line in text.splitlines())


def read_source(issue: str, stem: str) -> Source:
    """Read one Markdown article: its front matter fields and its body's paragraphs."""
    path, = (CONTENT / issue).glob(f"[0-9][0-9]/{stem}.md")  # in whichever 版 folder it is
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(front)
    paragraphs = [clean_paragraph(p) for p in re.split(r"\n\s*\n", body)]
    kind = meta.get("kind", "news")
    authors = [{k: str(v) for k, v in a.items()} for a in meta.get("authors") or []]
    return Source(f"{issue}/{stem}", kind if kind in ("ad", "photo") else "news", str(meta.get("kicker") or ""),
                  str(meta["title"]), str(meta.get("subtitle") or ""), authors, [p for p in paragraphs if p])


def byline(authors: list[dict]) -> str:
    """The ■ line of a newspaper: roles in front of their names (■记者 胡佳英 通讯员 王强)."""
    parts: list[str] = []
    last_role = None
    for author in authors:
        name = author.get("name") or author.get("org", "")
        role = author.get("role", "")
        if role and role != last_role and not name.endswith(role):
            parts.append(role)
        parts.append(name)
        last_role = role
    return "■" + " ".join(parts) if parts else ""


# ---------------------------------------------------------------- measuring and breaking lines

def width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(printable(text), FONT, size)


def printable(text: str) -> str:
    """STSong-Light's Unicode CMap lacks U+00B7; its katakana middle dot is the same glyph and extracts as U+00B7."""
    return text.replace("·", "・")


@dataclass
class Line:
    """One printed line of a paragraph: characters start..end of the paragraph."""

    para: int
    text: str
    indent: float
    justify: bool


def units(text: str) -> list[str]:
    """Characters, except that Latin words and numbers (2.1亿, 85018195) stay whole on one line."""
    return re.findall(r"[A-Za-z0-9][A-Za-z0-9.%+\-/]*|.", text)


def break_units(parts: list[str], avail: list[float], size: float) -> list[int]:
    """Greedy line ends (indices into parts) with simple kinsoku: pull a character down rather than start a
    line with a closing mark or end one with an opening mark; a space may hang past the edge."""
    ends: list[int] = []
    start = 0
    while start < len(parts):
        room = avail[min(len(ends), len(avail) - 1)]
        used, i = 0.0, start
        while i < len(parts) and used + width(parts[i], size) <= room + 0.01:
            used += width(parts[i], size)
            i += 1
        if i < len(parts) and parts[i] == " ":
            i += 1
        elif i < len(parts):
            if i == start:  # a word wider than the line: split it
                parts[i:i + 1] = list(parts[i])
                continue
            b = i
            while b > start + 1 and (parts[b] in NO_START or parts[b - 1] in NO_END):
                b -= 1
            i = b if b > start + 1 else i + 1  # could not pull down: let the mark hang
        ends.append(i)
        start = i
    return ends


def break_paragraph(para: int, text: str, line_width: float, size: float = BODY, indent: bool = True) -> list[Line]:
    """A paragraph as lines of a column `line_width` wide; the first line indented by 2 em when `indent`."""
    first = 2 * size if indent else 0.0
    parts = units(text)
    ends = break_units(parts, [line_width - first, line_width], size)
    lines, start = [], 0
    for n, end in enumerate(ends):
        lines.append(Line(para, "".join(parts[start:end]), first if n == 0 else 0.0, end < len(parts)))
        start = end
    return lines


def break_title(title: str, size: float, span: float) -> list[str]:
    """A title on one line, or on two (at its space, else at the most even cut) when longer than its span."""
    if width(title, size) <= span:
        return [title]
    cuts = [i for i, c in enumerate(title) if c == " "]
    options = [(title[:i], title[i + 1:]) for i in cuts] or [(title[:i], title[i:]) for i in range(2, len(title) - 1)]
    options = [o for o in options if o[1][0] not in NO_START and o[0][-1] not in NO_END]
    best = min(options, key=lambda o: max(width(o[0], size), width(o[1], size)))
    if max(width(best[0], size), width(best[1], size)) > span:
        raise ValueError(f"title too long for its span at {size} pt: {title}")
    return list(best)


def fit_size(text: str, size: float, span: float, smallest: float = 12.0) -> float:
    """A kicker or subtitle shrinks (not below `smallest`) rather than wrap: a one-line 引题 reads as one."""
    while size > smallest and width(text, size) > span:
        size -= 1
    return size


# ---------------------------------------------------------------- truth

@dataclass
class Record:
    """What the truth says of one article; chunks collects each paragraph's printed lines in order."""

    source: Source
    page: int
    authors: list[dict] = field(default_factory=list)
    chunks: dict[int, list[str]] = field(default_factory=dict)
    captions: list[str] = field(default_factory=list)
    regions: list[tuple[int, list[float]]] = field(default_factory=list)
    title: str = ""
    kicker: str = ""
    subtitle: str = ""

    def add_box(self, page: int, box: tuple[float, float, float, float]) -> None:
        """Grow the article's rectangle on `page` (x0, top, x1, bottom in points) to hold `box`."""
        if self.regions and self.regions[-1][0] == page:
            old = self.regions[-1][1]
            box = (min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3]))
            self.regions[-1] = (page, list(box))
        else:
            self.regions.append((page, list(box)))

    def truth(self) -> dict:
        src = self.source
        return {"key": src.key, "page": self.page, "kind": src.kind, "kicker": self.kicker, "title": self.title,
                "subtitle": self.subtitle, "authors": self.authors,
                "paragraphs": ["".join(self.chunks[i]) for i in sorted(self.chunks)],
                "captions": self.captions,
                "regions": [{"page": page, "box": percent(box)} for page, box in self.regions]}


def percent(box: list[float]) -> list[float]:
    x0, top, x1, bottom = box
    return [round(x0 / PAGE_W * 100, 2), round(top / PAGE_H * 100, 2),
            round((x1 - x0) / PAGE_W * 100, 2), round((bottom - top) / PAGE_H * 100, 2)]


# ---------------------------------------------------------------- drawing

@dataclass
class Sheet:
    """One page being drawn; coordinates are from the top-left corner, y downwards."""

    canvas: rl_canvas.Canvas
    number: int
    columns: int
    top: float  # top of the body area
    bottom: float
    skyline: list[float] = field(default_factory=list)  # lowest used y of each column

    @property
    def col_w(self) -> float:
        return (PAGE_W - 2 * MARGIN - (self.columns - 1) * GUTTER) / self.columns

    def col_x(self, col: int) -> float:
        return MARGIN + col * (self.col_w + GUTTER)

    def span_w(self, span: int) -> float:
        return span * self.col_w + (span - 1) * GUTTER

    def text(self, x: float, baseline: float, text: str, size: float, bold: bool = False,
             char_space: float = 0.0, color: tuple = (0, 0, 0)) -> tuple[float, float, float, float]:
        """Draw one line; return its glyph box (x0, top, x1, bottom) as pdfplumber will see it."""
        c = self.canvas
        c.setFillColorRGB(*color)
        c.setStrokeColorRGB(*color)
        c.setFont(FONT, size)
        if bold:
            c.setLineWidth(size / 40)
        c.drawString(x, PAGE_H - baseline, printable(text), mode=2 if bold else 0, charSpace=char_space)
        w = width(text, size) + char_space * (len(text) - 1)  # pdfplumber ends a glyph before its spacing
        return (x, baseline - ASCENT * size, x + w, baseline + DESCENT * size)

    def rule(self, x0: float, y0: float, x1: float, y1: float, lw: float = 0.5) -> None:
        self.canvas.setStrokeColorRGB(0, 0, 0)
        self.canvas.setLineWidth(lw)
        self.canvas.line(x0, PAGE_H - y0, x1, PAGE_H - y1)

    def image(self, img: Image.Image, x: float, top: float, w: float, h: float) -> tuple[float, float, float, float]:
        self.canvas.drawImage(ImageReader(img), x, PAGE_H - top - h, w, h)
        return (x, top, x + w, top + h)


def photo(seed: int, w: float, h: float) -> Image.Image:
    """A made-up photo (sky, ground, buildings), the same for the same seed, small enough to keep PDFs light."""
    rng = random.Random(seed)
    px_w, px_h = max(int(w * 1.5), 8), max(int(h * 1.5), 8)
    img = Image.new("RGB", (px_w, px_h))
    draw = ImageDraw.Draw(img)
    horizon = int(px_h * rng.uniform(0.45, 0.65))
    for y in range(px_h):
        t = y / px_h
        draw.line([(0, y), (px_w, y)], fill=(int(120 + 100 * t), int(160 + 70 * t), 235) if y < horizon
                  else (int(70 + 40 * t), int(110 + 30 * t), 60))
    for _ in range(rng.randint(5, 9)):
        bw, bh = rng.randint(px_w // 12, px_w // 5), rng.randint(px_h // 8, px_h // 2)
        bx = rng.randint(0, px_w - bw)
        shade = rng.randint(90, 200)
        draw.rectangle([bx, horizon - bh, bx + bw, horizon], fill=(shade, shade - 10, shade - 25))
        for wy in range(horizon - bh + 6, horizon - 6, 12):
            draw.line([(bx + 4, wy), (bx + bw - 4, wy)], fill=(240, 230, 160), width=3)
    return img


# ---------------------------------------------------------------- placing articles

@dataclass
class Place:
    """Where and how one article is laid out: a rectangle of `span` columns from column `col`, at the lowest
    point of those columns. `lines` fixes the body lines per column (else as many as the text needs),
    `fill` stretches a photo, an ad or a photo-wrap to the bottom of the body area."""

    key: str
    col: int
    span: int
    title_size: float = 24.0
    lines: int | None = None
    fill: bool = False
    photo_cols: int = 0  # columns of the body's photo (0: none)
    photo_lines: int = 0  # its height, caption included, in body lines
    caption: str = ""
    caption_at: str = "below"  # below the photo, beside it (its last column, top-aligned) or above it
    jump_to: int | None = None  # page the rest is continued on
    continued: bool = False  # this is the continuation of an article of an earlier page
    titled: bool = False  # photo news printed with its title over the picture


@dataclass
class Remainder:
    """Text of a jumped article still to print: paragraphs from `para`, the first from character `offset`."""

    record: Record
    para: int
    offset: int
    from_page: int


class Layout:
    """Lays out pages one after another, keeping the truth and the jumped articles still to continue."""

    def __init__(self, canvas: rl_canvas.Canvas) -> None:
        self.canvas = canvas
        self.records: list[Record] = []
        self.pending: dict[str, Remainder] = {}
        self.seed = 0

    def place(self, sheet: Sheet, spec: Place, src: Source) -> None:
        top = max(sheet.skyline[spec.col:spec.col + spec.span])
        if spec.continued:
            rest = self.pending.pop(src.key)
            record = rest.record
        else:
            record = Record(src, sheet.number)
            self.records.append(record)
            rest = None
        if src.kind == "ad":
            bottom = self.place_ad(sheet, spec, record, top)
        elif src.kind == "photo":
            bottom = self.place_photo(sheet, spec, record, top)
        else:
            bottom = self.place_text(sheet, spec, record, top, rest)
        if bottom > sheet.bottom + 0.01:
            raise ValueError(f"{src.key} runs below page {sheet.number}'s body ({bottom:.0f} > {sheet.bottom:.0f})")
        self.separate(sheet, spec, top, bottom)
        for c in range(spec.col, spec.col + spec.span):
            sheet.skyline[c] = bottom + 2 * GUTTER

    def separate(self, sheet: Sheet, spec: Place, top: float, bottom: float) -> None:
        """Thin rules: above an article that sits below another, and in the gutter left of one beside another."""
        x0, x1 = sheet.col_x(spec.col), sheet.col_x(spec.col) + sheet.span_w(spec.span)
        if top > sheet.top + 1:
            sheet.rule(x0, top - GUTTER, x1, top - GUTTER)
        if spec.col > 0:
            x = x0 - GUTTER / 2
            sheet.rule(x, top - GUTTER if top > sheet.top + 1 else top, x, bottom)

    def headline(self, sheet: Sheet, spec: Place, record: Record, top: float) -> float:
        """Kicker, title and subtitle centred over the span; return the y below them."""
        src, x0, span = record.source, sheet.col_x(spec.col), sheet.span_w(spec.span)
        y = top
        if src.kicker:
            y, record.kicker = self.centred_lines(sheet, record, src.kicker, 14, x0, span, y, 1.1)
            y += 6
        title_lines = break_title(src.title, spec.title_size, span)
        for line in title_lines:
            y = self.centred(sheet, record, line, spec.title_size, x0, span, y + spec.title_size * 1.05, bold=True)
            y += spec.title_size * 0.25
        record.title = "".join(title_lines)
        if src.subtitle:
            y, record.subtitle = self.centred_lines(sheet, record, src.subtitle, 16, x0, span, y, 1.05)
            y += 4
        return y + 8

    def centred_lines(self, sheet: Sheet, record: Record, text: str, size: float, x0: float, span: float,
                      y: float, lead: float) -> tuple[float, str]:
        """A kicker or subtitle, shrunk to fit the span if it must, centred line by line; the y below
        it and the text as printed."""
        size = fit_size(text, size, span)
        lines = break_title(text, size, span)
        for line in lines:
            y = self.centred(sheet, record, line, size, x0, span, y + size * lead)
        return y, "".join(lines)

    def centred(self, sheet: Sheet, record: Record, text: str, size: float, x0: float, span: float,
                baseline: float, bold: bool = False) -> float:
        box = sheet.text(x0 + (span - width(text, size)) / 2, baseline, text, size, bold)
        record.add_box(sheet.number, box)
        return baseline + DESCENT * size

    def place_text(self, sheet: Sheet, spec: Place, record: Record, top: float, rest: Remainder | None) -> float:
        """A news article (or its continuation): heads, byline, photo, body flowing column by column."""
        src, x0 = record.source, sheet.col_x(spec.col)
        if rest:
            y = top
            for line in break_title(src.title, 18, sheet.span_w(spec.span)):
                y = self.centred(sheet, record, line, 18, x0, sheet.span_w(spec.span), y + 18, bold=True) + 4
            y = self.body_line(sheet, record, f"（上接第{rest.from_page}版）", x0, y) + 4
            lines = self.lines_of(src, sheet.col_w, rest.para, rest.offset)
        else:
            y = self.headline(sheet, spec, record, top)
            if src.authors:
                y = self.body_line(sheet, record, byline(src.authors), x0, y) + 2
                record.authors = src.authors
            lines = self.lines_of(src, sheet.col_w, 0, 0)
        if spec.photo_cols and spec.fill:
            spec = fit_photo(sheet, spec, y, len(lines))
        slots = self.slots(sheet, spec, y, len(lines))
        if spec.photo_cols:
            self.wrapped_photo(sheet, spec, record, y)
        return self.flow(sheet, spec, record, lines, slots)

    def lines_of(self, src: Source, col_w: float, para: int, offset: int) -> list[Line]:
        lines = []
        for i in range(para, len(src.paragraphs)):
            start = offset if i == para else 0
            lines += break_paragraph(i, src.paragraphs[i][start:], col_w, indent=start == 0)
        return lines

    def slots(self, sheet: Sheet, spec: Place, y: float, count: int) -> list[tuple[int, float]]:
        """The body's line positions (column, line top) in reading order, balanced over the span's columns."""
        photo = [spec.photo_lines if c < spec.photo_cols else 0 for c in range(spec.span)]
        if spec.lines is not None:
            per_col = spec.lines
        elif spec.fill:
            per_col = int((sheet.bottom - y) // LEADING)
        else:
            per_col = max(max(photo) + 1, -(-(count + sum(photo)) // spec.span))
            while sum(per_col - p for p in photo) < count:
                per_col += 1
        return [(c, y + n * LEADING) for c in range(spec.span) for n in range(photo[c], per_col)]

    def wrapped_photo(self, sheet: Sheet, spec: Place, record: Record, y: float) -> None:
        """A photo over the first body columns, its caption under it (or in the last of those columns beside
        it, or over it); the body runs beside and below."""
        x0, w = sheet.col_x(spec.col), sheet.span_w(spec.photo_cols)
        if spec.caption_at == "beside":
            self.photo_beside(sheet, spec, record, y)
            return
        cap = break_paragraph(0, spec.caption, w, CAPTION, indent=False)
        img_h = spec.photo_lines * LEADING - len(cap) * CAPTION_LEADING - 8
        self.seed += 1
        if spec.caption_at == "above":
            y = self.caption_lines(sheet, record, cap, x0, w, y) + 5
        record.add_box(sheet.number, sheet.image(photo(self.seed, w, img_h), x0, y, w, img_h))
        if spec.caption_at == "below":
            self.caption_lines(sheet, record, cap, x0, w, y + img_h + 3)
        record.captions.append(spec.caption)

    def photo_beside(self, sheet: Sheet, spec: Place, record: Record, y: float) -> None:
        """The photo over all but the last of its columns, the caption in that column, top-aligned with it."""
        x0, w = sheet.col_x(spec.col), sheet.span_w(spec.photo_cols - 1)
        img_h = spec.photo_lines * LEADING - 8
        cap = break_paragraph(0, spec.caption, sheet.col_w, CAPTION, indent=False)
        if len(cap) * CAPTION_LEADING > img_h:
            raise ValueError(f"{spec.key}: the caption beside the photo is taller than the photo")
        self.seed += 1
        record.add_box(sheet.number, sheet.image(photo(self.seed, w, img_h), x0, y, w, img_h))
        self.caption_lines(sheet, record, cap, x0 + w + GUTTER, sheet.col_w, y - 3)
        record.captions.append(spec.caption)

    def caption_lines(self, sheet: Sheet, record: Record, cap: list[Line], x0: float, w: float, y: float) -> float:
        for line in cap:
            y += CAPTION_LEADING
            record.add_box(sheet.number, sheet.text(x0, y - 2.5, line.text, CAPTION, char_space=justify(line, w, CAPTION)))
        return y

    def body_line(self, sheet: Sheet, record: Record, text: str, x: float, y: float) -> float:
        record.add_box(sheet.number, sheet.text(x, y + 11, text, BODY))
        return y + LEADING

    def flow(self, sheet: Sheet, spec: Place, record: Record, lines: list[Line], slots: list[tuple[int, float]]) -> float:
        """Print lines into slots; what does not fit jumps to `spec.jump_to` behind a 下转 line."""
        if len(lines) > len(slots):
            if not spec.jump_to:
                raise ValueError(f"{record.source.key} does not fit on page {sheet.number}")
            jump = slots.pop()
            printed = lines[:len(slots)]
            self.remember(record, printed, sheet.number)
        else:
            jump, printed = None, lines
        bottom = 0.0
        for line, (c, y) in zip(printed, slots):
            x = sheet.col_x(spec.col + c)
            box = sheet.text(x + line.indent, y + 11, line.text, BODY, char_space=justify(line, sheet.col_w))
            record.add_box(sheet.number, box)
            record.chunks.setdefault(line.para, []).append(line.text)
            bottom = max(bottom, box[3])
        if jump:
            text = f"（下转第{spec.jump_to}版）"
            x = sheet.col_x(spec.col + jump[0]) + sheet.col_w - width(text, BODY)
            bottom = max(bottom, self.body_line(sheet, record, text, x, jump[1]) - LEADING + 11 + DESCENT * BODY)
        return bottom

    def remember(self, record: Record, printed: list[Line], page: int) -> None:
        last = printed[-1]
        done = sum(len(line.text) for line in printed if line.para == last.para)
        para, offset = last.para, done
        if done >= len(record.source.paragraphs[para]):
            para, offset = para + 1, 0
        self.pending[record.source.key] = Remainder(record, para, offset, page)

    def place_photo(self, sheet: Sheet, spec: Place, record: Record, top: float) -> float:
        """Photo news: a picture over the span, its caption (the article's text) and photographer under it."""
        x0, w = sheet.col_x(spec.col), sheet.span_w(spec.span)
        if spec.titled:
            top = self.headline(sheet, spec, record, top)
        text = "".join(record.source.paragraphs)
        cap = break_paragraph(0, text, w, CAPTION, indent=False)
        credit = byline(record.source.authors)
        below = len(cap) * CAPTION_LEADING + 6 + (LEADING if credit else 0)
        img_h = (sheet.bottom - top - below) if spec.fill else spec.photo_lines * LEADING
        if img_h < 60:
            raise ValueError(f"{record.source.key}: no room for the photo on page {sheet.number}")
        self.seed += 1
        record.add_box(sheet.number, sheet.image(photo(self.seed, w, img_h), x0, top, w, img_h))
        y = self.caption_lines(sheet, record, cap, x0, w, top + img_h + 3)
        record.captions.append(text)
        if credit:
            y = self.body_line(sheet, record, credit, x0, y)
            record.authors = record.source.authors
        return record.regions[-1][1][3]

    def place_ad(self, sheet: Sheet, spec: Place, record: Record, top: float) -> float:
        """A framed ad: its title large and its lines in a middle size, centred in the frame."""
        src, x0, w = record.source, sheet.col_x(spec.col), sheet.span_w(spec.span)
        size = 13.0
        body = [line for i, p in enumerate(src.paragraphs) for line in break_paragraph(i, p, w - 24, size, indent=False)]
        content_h = spec.title_size * 1.6 + len(body) * size * 1.5
        bottom = sheet.bottom if spec.fill else top + content_h + 24
        if bottom - top < content_h + 12:
            raise ValueError(f"{src.key}: the ad needs {content_h + 12:.0f} pt, page {sheet.number} has {bottom - top:.0f}")
        sheet.canvas.setLineWidth(1.2)
        sheet.canvas.rect(x0, PAGE_H - bottom, w, bottom - top)
        record.add_box(sheet.number, (x0, top, x0 + w, bottom))
        y = top + (bottom - top - content_h) / 2
        y = self.centred(sheet, record, src.title, spec.title_size, x0, w, y + spec.title_size, bold=True)
        record.title = src.title
        y += spec.title_size * 0.6
        for line in body:
            y = self.centred(sheet, record, line.text, size, x0, w, y + size * 1.2) + size * 0.2
            record.chunks.setdefault(line.para, []).append(line.text)
        return bottom


def fit_photo(sheet: Sheet, spec: Place, y: float, count: int) -> Place:
    """A photo-wrap that fills its rectangle: the photo takes the body area its text leaves over."""
    per_col = int((sheet.bottom - y) // LEADING)
    spare = per_col * spec.span - count
    if spare < spec.photo_cols * 4:
        raise ValueError(f"{spec.key}: no room for its photo on page {sheet.number}")
    return dataclasses.replace(spec, lines=per_col, photo_lines=min(spare // spec.photo_cols, per_col - 3))


def justify(line: Line, line_width: float, size: float = BODY) -> float:
    """Extra space after each character that makes a full line reach the column's edge."""
    text = line.text.rstrip(" ")
    if not line.justify or len(text) < 2:
        return 0.0
    return max(0.0, (line_width - line.indent - width(text, size)) / (len(text) - 1))


# ---------------------------------------------------------------- issues

@dataclass
class PageSpec:
    name: str
    columns: int
    editor: str
    staff: dict
    places: list[Place]


@dataclass
class IssueSpec:
    date: str
    total_number: int
    lunar: str
    pages: list[PageSpec]


def issue_spec(name: str) -> IssueSpec:
    """The two issues: `sample` (the sample edition's 2022-06-28 front page and its jump), `four` (four pages)."""
    if name == "sample":
        return sample_spec()
    if name == "four":
        return four_spec()
    raise ValueError(f"unknown issue {name!r}")


def sample_spec() -> IssueSpec:
    d = "2022-06-28/"
    meta = yaml.safe_load((CONTENT / "2022-06-28" / "issue.yml").read_text(encoding="utf-8"))
    first = meta["pages"][0]
    page1 = PageSpec(first["name"], 6, first["editor"], dict(first["staff"]), [
        Place(d + "01-wenming-chengshi-ducha", 0, 4, title_size=30, lines=9, photo_cols=2, photo_lines=7,
              caption="▲仲旭东一行在居民小区实地督查全国文明城市巩固工作。", jump_to=2),
        Place(d + "02-dingjian-rencai-qianyue", 4, 2, title_size=22),
        Place(d + "03-zhengfu-changwu-huiyi", 0, 4, title_size=24),
        Place(d + "04-renda-dangzu-huiyi", 4, 2, title_size=20),
        Place(d + "05-zhengxie-dangzu-huiyi", 0, 4, title_size=20),
        Place(d + "06-zhineng-shengchan", 4, 2, title_size=18, fill=True, titled=True),
        Place(d + "09-wenming-gongyi-guanggao", 0, 4, title_size=28, fill=True),
    ])
    page2 = PageSpec("要闻", 5, "陆晓燕", {"版式": "沈佳慧", "校对": "顾敏", "电话": "85018196"}, [
        Place(d + "01-wenming-chengshi-ducha", 0, 2, continued=True),
        Place(d + "07-laoyu-shuji-dangke", 2, 3, title_size=26),
        Place(d + "08-ronghexing-dashequ", 0, 5, title_size=28, fill=True, photo_cols=3,
              caption="▲钟埭社区党群服务驿站里，新居民在办理业务。"),
    ])
    return IssueSpec(str(meta["date"]), int(meta["total_number"]), meta["lunar"], [page1, page2])


def four_spec() -> IssueSpec:
    a, b, c = "2022-10-31/", "2022-11-18/", "2025-02-07/"
    staff = {"版式": "李春霞", "校对": "张真", "电话": "85018195"}
    return IssueSpec("2022-11-18", 5064, "农历壬寅年十月廿五", [
        PageSpec("要闻", 6, "戴琰", {"栏目统筹": "黄金凤", **staff}, [
            Place(b + "01-shiwei-changweihui", 0, 4, title_size=26, lines=11, jump_to=3),
            Place(b + "03-yingji-zhiyuan-fuwu", 4, 2, title_size=20),
            Place(b + "02-duiwai-kaifang", 0, 4, title_size=24, photo_cols=2, photo_lines=9,
                  caption="▲平湖经济技术开发区一角。"),
            Place(b + "06-fengye-gongyuan", 4, 2, fill=True),
            Place(c + "05-jiaotong-xuexiao-guanggao", 0, 4, title_size=20, fill=True),
        ]),
        PageSpec("要闻", 5, "吴燕萍", {"版式": "沈佳慧", "校对": "顾敏", "电话": "85018196"}, [
            Place(a + "01-zhongxudong-dongyuan-bushuhui", 0, 3, title_size=24),
            Place(a + "02-renda-dangzu-huiyi", 3, 2, title_size=22),
            Place(a + "03-zhengxie-dangzu-huiyi", 3, 2, title_size=22, fill=True),
            Place(a + "05-pinghu-haorenbang", 0, 3, title_size=24),
            Place(b + "04-qiushou-dongzhong", 0, 3, title_size=22),
        ]),
        PageSpec("综合", 4, "金怡", {"版式": "周静", "校对": "朱琳", "电话": "85018197"}, [
            Place(b + "01-shiwei-changweihui", 0, 2, continued=True),
            Place(b + "09-tuoyu-fuwu-pinglun", 2, 2, title_size=22),
            Place(a + "06-zhengfu-dangzu-huiyi", 0, 2, title_size=22),
            Place(a + "07-xiu-jiangshan", 2, 2, title_size=18, photo_lines=6, titled=True),
            Place(b + "08-qinglian-pinghu", 0, 4, title_size=26, fill=True, photo_cols=2, caption_at="above",
                  caption="▲清廉文化主题公园里，廉政文化长廊、清风亭等景观串起一条清廉文化游览线，成为市民休闲"
                          "和接受廉洁教育的好去处。"),
        ]),
        PageSpec("综合", 5, "俞佳", {"版式": "周静", "校对": "朱琳", "电话": "85018197"}, [
            Place(c + "02-dangwai-renshi-zuotanhui", 0, 3, title_size=24, photo_cols=2, photo_lines=6,
                  caption="▲全市党外代表人士新春座谈会现场。", caption_at="beside"),
            Place(c + "03-houzhi-chuangxin-jiyin", 3, 2, title_size=22),
            Place(c + "04-bada-tupo-xingdong", 0, 3, title_size=24),
            Place(b + "07-ditanfeng-jin-xiaoyuan", 3, 2, fill=True),
        ]),
    ])


def date_line(date: str) -> str:
    d = datetime.date.fromisoformat(date)
    return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


def masthead(sheet: Sheet, issue: IssueSpec, page: PageSpec) -> float:
    """Page 1's masthead band (paper name, date, lunar date, issue number, 机关报 line); return its bottom."""
    sheet.text(MARGIN, MARGIN + 62, "平湖日报", 64, bold=True, color=RED)
    x = MARGIN + width("平湖日报", 64) + 30
    lines = [date_line(issue.date), issue.lunar, f"总第{issue.total_number}期", "中共平湖市委机关报"]
    for n, line in enumerate(lines):
        sheet.text(x, MARGIN + 14 + n * 16, line, 11)
    label = f"第{page_number(1)}版 {page.name}"
    sheet.text(PAGE_W - MARGIN - width(label, 14), MARGIN + 62, label, 14)
    sheet.rule(MARGIN, MARGIN + 84, PAGE_W - MARGIN, MARGIN + 84, 2)
    sheet.rule(MARGIN, MARGIN + 87, PAGE_W - MARGIN, MARGIN + 87, 0.5)
    return MARGIN + 87 + 14


def running_head(sheet: Sheet, issue: IssueSpec, page: PageSpec) -> float:
    """Later pages: 第0N版 and the 版名 on the left, the date on the right, a rule under them."""
    sheet.text(MARGIN, MARGIN + 12, f"第{page_number(sheet.number)}版 {page.name}", 12)
    text = date_line(issue.date)
    sheet.text(PAGE_W - MARGIN - width(text, 11), MARGIN + 12, text, 11)
    sheet.rule(MARGIN, MARGIN + 20, PAGE_W - MARGIN, MARGIN + 20, 1)
    return MARGIN + 20 + 14


def footer(sheet: Sheet, page: PageSpec) -> float:
    """The page's credits under a full-width rule; return the top of the rule."""
    y = PAGE_H - MARGIN - 14
    sheet.rule(MARGIN, y, PAGE_W - MARGIN, y, 0.8)
    text = " ".join([f"编辑/{page.editor}"] + [f"{k}/{v}" for k, v in page.staff.items()])
    sheet.text(MARGIN, y + 12, text, 9)
    return y - 8


def page_number(n: int) -> str:
    return f"{n:02d}"


def load_sources(issue: IssueSpec) -> dict[str, Source]:
    keys = {p.key for page in issue.pages for p in page.places}
    return {k: read_source(*k.split("/")) for k in keys}


def new_canvas(buffer: io.BytesIO) -> rl_canvas.Canvas:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = rl_canvas.Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=1)
    c.setTitle("平湖日报")
    return c


def render_issue(issue: IssueSpec, stem: str) -> tuple[bytes, dict]:
    """Draw every page of an issue; return the PDF bytes and its truth."""
    buffer = io.BytesIO()
    c = new_canvas(buffer)
    layout = Layout(c)
    sources = load_sources(issue)
    for number, page in enumerate(issue.pages, 1):
        sheet = Sheet(c, number, page.columns, 0, 0)
        sheet.top = masthead(sheet, issue, page) if number == 1 else running_head(sheet, issue, page)
        sheet.bottom = footer(sheet, page)
        sheet.skyline = [sheet.top] * page.columns
        for place in page.places:
            layout.place(sheet, place, sources[place.key])
        c.showPage()
    if layout.pending:
        raise ValueError(f"jumped articles never continued: {sorted(layout.pending)}")
    c.save()
    return buffer.getvalue(), truth(issue, stem, layout)


def truth(issue: IssueSpec, stem: str, layout: Layout) -> dict:
    d = datetime.date.fromisoformat(issue.date)
    return {
        "date": issue.date, "pdf": f"{stem}.pdf",
        "masthead": {"date": issue.date, "weekday": f"星期{WEEKDAYS[d.weekday()]}", "lunar": issue.lunar,
                     "total_number": issue.total_number},
        "pages": [{"number": n, "name": p.name, "width": PAGE_W, "height": PAGE_H, "columns": p.columns,
                   "editor": p.editor, "staff": p.staff} for n, p in enumerate(issue.pages, 1)],
        "articles": [r.truth() for r in sorted(layout.records, key=lambda r: r.page)],
    }


def make_issue(name: str, out_dir: Path) -> tuple[Path, Path]:
    """Write `<name>.pdf` and its truth `<name>.json` ("sample" or "four")."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data, facts = render_issue(issue_spec(name), name)
    pdf, js = out_dir / f"{name}.pdf", out_dir / f"{name}.json"
    pdf.write_bytes(data)
    js.write_text(json.dumps(facts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return pdf, js


# ---------------------------------------------------------------- the two hard cases

def make_unmapped(out_dir: Path) -> Path:
    """A page of Chinese text whose font maps codes to glyphs only: extraction gives (cid:N), never the text.

    The page is written by hand (a few PDF objects) so that its font can be what such PDFs really have: an
    Identity-H encoded CID font without /ToUnicode, whose glyph numbers say nothing of the characters.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    src = read_source("2022-06-28", "03-zhengfu-changwu-huiyi")
    ops = ["BT"]
    y = PAGE_H - MARGIN - 40
    ops.append(f"/F1 24 Tf 1 0 0 1 {MARGIN} {y} Tm <{cid_hex(src.title)}> Tj")
    col_w = (PAGE_W - 2 * MARGIN - 2 * GUTTER) / 3
    lines = [line for i, p in enumerate(src.paragraphs) for line in break_paragraph(i, p, col_w)]
    per_col = -(-len(lines) // 3)
    for n, line in enumerate(lines):
        col, row = divmod(n, per_col)
        x = MARGIN + col * (col_w + GUTTER) + line.indent
        ops.append(f"/F1 10 Tf 1 0 0 1 {x:.2f} {y - 40 - row * LEADING:.2f} Tm <{cid_hex(line.text)}> Tj")
    ops.append("ET")
    path = out_dir / "unmapped.pdf"
    path.write_bytes(minimal_pdf("\n".join(ops).encode("ascii")))
    return path


def cid_hex(text: str) -> str:
    """The characters' Adobe-GB1 glyph numbers as Identity-H codes: what a renderer draws, not Unicode."""
    ucs2 = CMapDB.get_cmap("UniGB-UCS2-H")
    return "".join(f"{cid:04x}" for cid in ucs2.decode(text.encode("utf-16-be")))


def minimal_pdf(content: bytes) -> bytes:
    """One A3 page with `content` in a non-embedded GB1 font whose /Registry no reader maps to Unicode:
    renderers draw the glyphs by /Ordering (GB1), text extractors find no CID-to-Unicode table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] /Contents 4 0 R "
        f"/Resources << /Font << /F1 5 0 R >> >> >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /FZSSK--GBK1-0 /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /FZSSK--GBK1-0 /CIDSystemInfo << /Registry (Private) "
        b"/Ordering (GB1) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 /W [1 [" + ascii_widths() + b"]] >>",
        b"<< /Type /FontDescriptor /FontName /FZSSK--GBK1-0 /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def ascii_widths() -> bytes:
    """Widths of Adobe-GB1's proportional Latin glyphs (CIDs 1-95, space to tilde), as the layout measured them."""
    return " ".join(f"{width(chr(c), 1000):.0f}" for c in range(32, 127)).encode()


def make_scan(out_dir: Path) -> Path:
    """Page 1 of `sample` as a picture only, like a scanned page: one image, no text layer."""
    pdf = out_dir / "sample.pdf"
    if not pdf.exists():
        make_issue("sample", out_dir)
    doc = pypdfium2.PdfDocument(str(pdf))
    try:
        bitmap = doc[0].render(scale=150 / 72).to_pil().convert("RGB")
    finally:
        doc.close()
    jpeg = io.BytesIO()
    bitmap.save(jpeg, "JPEG", quality=80)
    jpeg.seek(0)
    buffer = io.BytesIO()
    c = rl_canvas.Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=1)
    c.drawImage(ImageReader(jpeg), 0, 0, PAGE_W, PAGE_H)
    c.showPage()
    c.save()
    path = out_dir / "scan.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def make_all(out_dir: Path) -> list[Path]:
    """Every test file: both issues with their truth, the unmapped page and the scan."""
    written = [*make_issue("sample", out_dir), *make_issue("four", out_dir)]
    return written + [make_unmapped(out_dir), make_scan(out_dir)]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python3 tests/pdfpages.py OUT_DIR")
    for written in make_all(Path(sys.argv[1])):
        print(written)
