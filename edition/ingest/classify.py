"""Step 3: give every block a kind.

Kinds: masthead, footer, byline, qr, ad, weather, column, title, short, body. The
rules look only at a block and its text; pairing blocks into articles is the
next step's job.
"""

from __future__ import annotations

import re

from .blocks import Block
from .review import Review
from .text import letter_spaced, undouble

MASTHEAD_RES = [
    re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.{0,3}星期[一二三四五六日天]$"),
    re.compile(r"农历\S+|总第\s*\d+\s*期"),
    re.compile(r"联办$|主办$|出版$"),
]
LATIN_LABEL_RE = re.compile(r"^[A-Z]{4,}$")
FOOTER_RE = re.compile(r"(编辑|电话|版式|校对|美编|栏目统筹)\s*[/／:：]")
BYLINE_RE = re.compile(r"^(■|(记\s*者|通讯员|摄\s*影|本报评论员)(\s|$))")
QR_RE = re.compile(r"^扫一扫\s*看视频$")
AD_RE = re.compile(r"公\s*/?\s*益\s*/?\s*广\s*/?\s*告|招生热线|热线[:：]|地址[:：]|友情提醒")
WEATHER_RE = re.compile(r"℃|气温|[东南西北]+风.{0,8}级|晴到|多云|小雨|阴有")
COLUMN_RE = re.compile(r"本栏目|点对点|^权威解读$")
TITLE_BREAKERS = re.compile(r"[，。；,;]|^本报讯")
MAX_TITLE = 34


def classify(blocks: list[Block], review: Review, periodical: bool = False) -> None:
    marked = any(block.heading for block in blocks)  # OCR gave heading marks: trust them for titles
    for block in blocks:
        block.kind = _kind(block, marked, periodical)
        if block.kind in ("title", "short"):
            texts = [undouble(t) for t in block.texts]
            block.info["lines"] = [t for t, _ in texts]
            block.info["doubled"] = [d for _, d in texts]
            for line, (text, doubled) in zip(block.lines, texts):
                if doubled:
                    review.drop(line.no, text, "加粗标题重复的第二遍")


def _kind(block: Block, marked: bool, periodical: bool) -> str:
    text = " ".join(block.texts)
    squeezed = letter_spaced(text)
    if LATIN_LABEL_RE.match(text):
        return "masthead" if block.first <= 15 else "column"
    if not periodical and len(block.lines) <= 2 and all(
            any(r.search(t) for r in MASTHEAD_RES) or LATIN_LABEL_RE.match(t) for t in block.texts):
        return "masthead"
    if FOOTER_RE.search(text) and len(FOOTER_RE.findall(text)) >= 1 and len(text) < 80:
        return "footer"
    if BYLINE_RE.match(text) and len(text) < 60:
        return "byline"
    if QR_RE.match(text):
        return "qr"
    if AD_RE.search(squeezed):
        return "ad"
    if WEATHER_RE.search(text) and len(text) < 120:
        return "weather"
    if COLUMN_RE.search(text) and len(text) < 40:
        return "column"
    if _title_like(block):
        # On an OCR page with heading marks an unmarked short line is a subtitle or a
        # stray fragment; assemble decides which.
        return "title" if block.heading or not marked else "short"
    return "body"


PAIRS = ("“”", "《》", "（）", "()", "‘’", "【】")


def _title_like(block: Block) -> bool:
    if len(block.lines) > 3 or any(TITLE_BREAKERS.search(t) for t in block.texts):
        return False
    text = "".join(block.texts)
    if any(text.count(a) != text.count(b) for a, b in PAIRS):
        return False  # a title never leaves a quote or bracket open; a wrapped body line does
    if "、" in text and not block.heading:
        return False
    if any(len(undouble(t)[0]) > MAX_TITLE for t in block.texts):
        return False
    if block.texts[-1][-1:] in "：:、！？!?":
        return False
    return True
