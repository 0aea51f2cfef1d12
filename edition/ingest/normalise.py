"""Step 1: raw text → numbered lines, with extraction markers taken out.

Line numbers always refer to the raw file, so every note in the review report
points at a line the editor can open.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, EnvironmentFault, Problem
from ..facts import CONTROL_RE, INVISIBLE_CLASS, escape_controls
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
    """The file as text, decoded as strictly as content files are: bad bytes are a `path:line` error.

    Control characters (NUL, form feed, ESC …) are kept here: `normalise` removes them and
    reports each one at its line.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EnvironmentFault(escape_controls(f"cannot read {path}: {exc.strerror or exc}")) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError([Problem(escape_controls(str(path)), line,
                                    f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})")]) from None


def normalise(text: str, review: Review) -> list[Line]:
    lines: list[Line] = []
    for no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        controls = CONTROL_RE.findall(raw)
        if controls:
            review.drop(no, "".join(controls), "控制字符",
                        shown=" ".join(f"U+{ord(c):04X}" for c in controls))
            raw = CONTROL_RE.sub("", raw)
        value = unicodedata.normalize("NFC", raw).replace("\u3000", " ").replace("\xa0", " ")
        for marker in PAYWALL_RE.findall(value):
            review.drop(no, marker, "付费内容标记")
        value = PAYWALL_RE.sub("", value)
        invisible = INVISIBLE_RE.findall(value)
        if invisible:
            review.drop(no, "".join(invisible), "不可见的控制字符",
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
