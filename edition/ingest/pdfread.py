"""Step 1 for page PDFs: characters with their boxes → lines, rules, frames and photos.

pdfplumber (on pdfminer.six) gives every character with its box, font and size. A line is a
run of characters of one size on one baseline with no gap wider than a column gutter and no
rule between them. Rules (thin lines), frames (stroked boxes, the ad borders) and images are
kept with their boxes: the layout step reads columns and article borders from them.

Coordinates are PDF points from the page's top-left corner, y downwards, as pdfplumber gives
them (``top``/``bottom``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from .write import ImportRefused

Rect = tuple[float, float, float, float]  # x0, top, x1, bottom in points

CID_RE = re.compile(r"^\(cid:\d+\)$")
GUTTER = 0.8  # a gap wider than this share of the type size ends a line …
GUTTER_MAX = 7.0  # … and so does any gap wider than this (points): column gutters are wider
SPACED = 0.3  # … unless it is narrower than this share of the size (a space in a big title)
SPACE = 0.2  # a gap wider than this share of the size is a space
BASELINE = 0.3  # characters whose baselines differ by less than this share of the size share a line
RULE_THICKNESS = 2.0  # a filled box thinner than this is a rule
SCAN_COVER = 0.5  # an image covering half the page with no text on it: a scan
UNREADABLE_SHARE = 0.02  # more unreadable characters than this and the page is refused
SIDEWAYS_SHARE = 0.5  # more text than this not upright: a rotated page, refused (a vertical title is noted)


@dataclass(frozen=True)
class TextLine:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # type size of most of its characters

    @property
    def rect(self) -> Rect:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass(frozen=True)
class PdfPage:
    index: int  # 0-based in the file
    width: float
    height: float
    lines: tuple[TextLine, ...]  # top to bottom, then left to right
    rules: tuple[Rect, ...]  # thin lines, and the edges of boxes that are not frames
    frames: tuple[Rect, ...]  # stroked boxes with room inside (an ad's border)
    images: tuple[Rect, ...]  # photos
    characters: int  # every non-blank character on the page
    unreadable: int  # of them, the ones with no Unicode meaning (CID codes, private use, U+FFFD)
    sideways: str  # readable characters not set upright (vertical or rotated text), left out of the lines


def read_pdf(path: Path) -> list[PdfPage]:
    """Every page of the PDF, read; a file that is not a readable PDF is refused by name."""
    try:
        with pdfplumber.open(path) as pdf:
            return [_page(i, page) for i, page in enumerate(pdf.pages)]
    except (PdfminerException, PDFSyntaxError, PSException) as exc:
        raise ImportRefused(f"{path.name} 不是可读的 PDF 文件：{exc or type(exc).__name__}") from None


def refusal(path: Path, pages: list[PdfPage]) -> str:
    """Why these pages cannot be imported from their text layer, or ``""``: pages whose fonts
    have no usable Unicode mapping, or scans with no text at all."""
    reasons, scans = [], False
    for page in pages:
        number = page.index + 1
        if page.characters == 0:
            scanned = any(area(r) >= SCAN_COVER * page.width * page.height for r in page.images)
            scans = scans or scanned
            reasons.append(f"第{number}页{'是扫描图像，' if scanned else ''}没有文字层（可读字符 0 个）")
        elif len(page.sideways) > SIDEWAYS_SHARE * page.characters:
            reasons.append(f"第{number}页的文字不是横排（{len(page.sideways)}/{page.characters} 个字符）："
                           "页面旋转了，或整页竖排")
        elif page.unreadable > UNREADABLE_SHARE * page.characters:
            share = page.unreadable / page.characters
            reasons.append(f"第{number}页 {page.unreadable}/{page.characters} 个字符（{share:.0%}）无法识别："
                           "字体没有可用的 Unicode 映射（CID 编码或私用区字符）")
    if not reasons:
        return ""
    if len(reasons) < len(pages):  # some pages are fine: an image-only page may be a full-page picture ad
        reasons.append("可以把有文字的各页另存为 PDF 再导入，其余各版另行处理")
    advice = ("请改用排版软件导出的 PDF，或导入文字稿（import 页面.txt）；扫描件要先做 OCR"
              "（例如 Debian 的 tesseract-ocr 与 tesseract-ocr-chi-sim），本程序尚未提供" if scans else
              "请从排版软件重新导出 PDF（嵌入字体，带 ToUnicode 映射），或导入文字稿（import 页面.txt）")
    return f"{path.name}：" + "；".join(reasons) + f"。这样的页面无法从文字层导入，未写入任何文件。{advice}"


def _page(index: int, page) -> PdfPage:
    """The page as printed: its CropBox (what pypdfium2 renders), so the boxes read here and the
    page image agree; what lies outside it (bleed, printer's marks) is not on the page."""
    left, top, right, bottom = (float(v) for v in page.cropbox)
    width, height = right - left, bottom - top

    def shifted(obj: dict) -> dict:
        return {**obj, "x0": float(obj["x0"]) - left, "x1": float(obj["x1"]) - left,
                "top": float(obj["top"]) - top, "bottom": float(obj["bottom"]) - top}

    chars = [c for c in map(shifted, page.chars) if c["text"].strip()
             and 0 <= (c["x0"] + c["x1"]) / 2 <= width and 0 <= (c["top"] + c["bottom"]) / 2 <= height]
    unreadable = sum(1 for c in chars if _unreadable(c["text"]))
    readable = [c for c in chars if not _unreadable(c["text"])]
    sideways = "".join(c["text"] for c in readable if not c.get("upright", True))
    readable = [c for c in readable if c.get("upright", True)]
    rules, frames = _rules_and_frames([shifted(o) for o in page.lines], [shifted(o) for o in page.rects])
    images = [_clamped(_rect(shifted(i)), width, height) for i in page.images]
    lines = _lines(readable, [r for r in rules if r[2] - r[0] < RULE_THICKNESS])
    return PdfPage(index, width, height, tuple(lines), tuple(rules), tuple(frames),
                   tuple(r for r in images if area(r) >= 1.0), len(chars), unreadable, sideways)


def _clamped(r: Rect, width: float, height: float) -> Rect:
    """The part of a box on the page (a photo may bleed off its edge)."""
    return (max(0.0, r[0]), max(0.0, r[1]), min(width, r[2]), min(height, r[3]))


def _unreadable(text: str) -> bool:
    if CID_RE.match(text):
        return True
    return any("\ue000" <= c <= "\uf8ff" or c == "\ufffd" or "\U000f0000" <= c for c in text)


def _rules_and_frames(lines: list[dict], rects: list[dict]) -> tuple[list[Rect], list[Rect]]:
    """Thin lines and thin filled boxes are rules; a stroked box with room inside is a frame,
    and its four edges count as rules too. A frame inside another (a double border) is one."""
    rules: list[Rect] = [_rect(line) for line in lines]
    frames: list[Rect] = []
    for box in rects:
        x0, top, x1, bottom = _rect(box)
        if x1 - x0 < RULE_THICKNESS or bottom - top < RULE_THICKNESS:
            rules.append((x0, top, x1, bottom))
        elif box.get("stroke"):
            frames.append((x0, top, x1, bottom))
            rules += [(x0, top, x1, top), (x0, bottom, x1, bottom), (x0, top, x0, bottom), (x1, top, x1, bottom)]
    outer = [f for f in frames if not any(g != f and inside(f, g) for g in frames)]
    return sorted(set(rules)), sorted(set(outer))


def _rect(obj) -> Rect:
    return (float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"]))


def _lines(chars: list[dict], vertical_rules: list[Rect]) -> list[TextLine]:
    """Characters → lines: one baseline, no gutter and no rule between neighbours. Sizes may mix
    on a line (a larger 本报讯 before the body); the line's size is that of most of its text."""
    for c in chars:
        c["size"] = round(float(c["size"]) * 2) / 2
        c["baseline"] = c["bottom"] - (float(c["matrix"][5]) - float(c["y0"])) if "matrix" in c else c["bottom"]
    ordered = sorted(chars, key=lambda c: c["baseline"])
    rows: list[list[dict]] = []
    for c in ordered:
        if rows and c["baseline"] - rows[-1][-1]["baseline"] <= BASELINE * min(c["size"], rows[-1][-1]["size"]):
            rows[-1].append(c)
        else:
            rows.append([c])
    lines: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        run = [row[0]]
        for c in row[1:]:
            size = min(c["size"], run[-1]["size"])
            gap = c["x0"] - run[-1]["x1"]
            if gap > min(GUTTER * size, max(GUTTER_MAX, SPACED * size)) or _rule_between(run[-1]["x1"], c["x0"], c, vertical_rules):
                lines.append(_line(run))
                run = []
            run.append(c)
        lines.append(_line(run))
    return sorted((line for line in lines if line.text), key=lambda line: (round(line.top), line.x0))


def _rule_between(x0: float, x1: float, c: dict, vertical_rules: list[Rect]) -> bool:
    return any(x0 - 0.5 <= r[0] <= x1 + 0.5 and r[1] <= c["bottom"] and r[3] >= c["top"] for r in vertical_rules)


def _line(run: list[dict]) -> TextLine:
    """The run's text, with a space where two characters stand further apart than the line's
    usual spacing (`■记者 胡佳英`); a justified line spreads its characters evenly and has none."""
    weights: dict[float, int] = {}
    for c in run:
        weights[c["size"]] = weights.get(c["size"], 0) + 1
    size = max(weights, key=lambda s: (weights[s], s))
    gaps = [b["x0"] - a["x1"] for a, b in zip(run, run[1:])]
    usual = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
    text = run[0]["text"]
    for gap, c in zip(gaps, run[1:]):
        text += (" " if gap > usual + SPACE * size else "") + c["text"]
    return TextLine(text.strip(), float(run[0]["x0"]), float(min(c["top"] for c in run)),
                    float(run[-1]["x1"]), float(max(c["bottom"] for c in run)), size)


def area(r: Rect) -> float:
    return max(0.0, r[2] - r[0]) * max(0.0, r[3] - r[1])


def inside(a: Rect, b: Rect, slack: float = 1.0) -> bool:
    """Whether box ``a`` lies within box ``b`` (give or take ``slack`` points)."""
    return a[0] >= b[0] - slack and a[1] >= b[1] - slack and a[2] <= b[2] + slack and a[3] <= b[3] + slack


def body_size(lines: tuple[TextLine, ...]) -> float:
    """The page's body type size: the size most of its characters have."""
    weights: dict[float, int] = {}
    for line in lines:
        weights[line.size] = weights.get(line.size, 0) + len(line.text)
    return max(weights, key=lambda s: (weights[s], -s)) if weights else 10.0

