"""Step 1: raw text → numbered lines, with extraction markers taken out.

Line numbers always refer to the raw file, so every note in the review report
points at a line the editor can open.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, Problems
from ..facts import INVISIBLE_CLASS
from ..reader import decode
from .review import Review

PAYWALL_RE = re.compile(r"##paid(?:begin|end)##")
HEADING_RE = re.compile(r"^(#{1,6})\s*(.*)$")
QR_RE = re.compile(r"\s*(扫一扫\s*看视频)\s*$")
CREDIT_RE = re.compile(r"^(.*?[。！？”])\s*(■\s*摄影.*)$")  # a caption with its photo credit on the same line
# Zero-width and bidi-control characters carry nothing a reader sees; OCR leaves them behind.
INVISIBLE_RE = re.compile(f"[{INVISIBLE_CLASS}]")


@dataclass
class Line:
    no: int  # 1-based line number in the raw file
    text: str
    heading: int = 0  # how many OCR `#` marks the line had

    def __bool__(self) -> bool:
        return bool(self.text)


def read_raw(path: Path) -> str:
    """The file as text, decoded as strictly as content files are: bad bytes are a `path:line` error."""
    problems = Problems()
    text = decode(path.read_bytes(), path, problems)
    if text is None:
        raise ContentError(problems.items)
    return text


def normalise(text: str, review: Review) -> list[Line]:
    lines: list[Line] = []
    for no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        value = unicodedata.normalize("NFC", raw).replace("\u3000", " ").replace("\xa0", " ")
        for marker in PAYWALL_RE.findall(value):
            review.drop(no, marker, "paywall marker")
        value = PAYWALL_RE.sub("", value)
        invisible = INVISIBLE_RE.findall(value)
        if invisible:
            review.drop(no, "".join(invisible), "invisible control characters",
                        shown=" ".join(f"U+{ord(c):04X}" for c in invisible))
            value = INVISIBLE_RE.sub("", value)
        value = value.strip()
        heading = 0
        match = HEADING_RE.match(value)
        if match:
            heading, value = len(match.group(1)), match.group(2).strip()
        extra = []
        qr = QR_RE.search(value)
        if qr and qr.start() > 0:
            extra.append(Line(no, re.sub(r"\s+", " ", qr.group(1))))
            value = value[: qr.start()]
        credit = CREDIT_RE.match(value)
        if credit:
            value = credit.group(1)
            extra.insert(0, Line(no, credit.group(2)))
        lines.append(Line(no, value, heading))
        lines.extend(extra)
    return lines
