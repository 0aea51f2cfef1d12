"""Facts of the Chinese text and calendar that several stages share, defined once.

The search tokenizer, the loader's text cleaning, the importer and the pages
all ask the same questions (is this a Han character, which characters are
invisible, how is a date written, what is an article kind called), so the
answers live here. The browser gets the kind labels and Han ranges from the
build (``assets/search/facts.js``), so Python and JavaScript cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

# CJK Unified Ideographs and their extensions, compatibility ideographs, and 〇.
HAN_RANGES = (
    (0x3007, 0x3007),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EE5F),
    (0x2F800, 0x2FA1F),
    (0x30000, 0x323AF),
)
# The same ranges as the inside of a regular-expression character class: f"[{HAN_CLASS}]".
HAN_CLASS = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in HAN_RANGES)


def is_han(char: str) -> bool:
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


# Search compares Greek without accents and breathings (capitals are written without them), and
# keeps the dialytika (capitals keep it): the marks dropped after a Greek letter, decomposed.
GREEK_RANGES = ((0x0370, 0x03FF), (0x1F00, 0x1FFF))
GREEK_CLASS = "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in GREEK_RANGES)
GREEK_ACCENTS = (0x0300, 0x0301, 0x0313, 0x0314, 0x0342)  # varia, oxia (tonos), psili, dasia, perispomeni


def case_folds() -> dict[str, str]:
    """What case folding does beyond lower case (ß → ss, ς → σ, Cherokee, Greek with iota): the
    browser lower-cases, then applies these, and so folds as ``str.casefold`` does. Every
    character with a case lies below U+20000."""
    folds = {}
    for start in range(0, 0x20000, 256):  # blocks where the two agree are skipped whole
        block = "".join(map(chr, range(start, start + 256)))
        if block.casefold() != block.lower():
            folds.update((c, c.casefold()) for c in block if c.lower() == c and c.casefold() != c)
    return folds


# Zero-width characters and bidi controls: they show nothing, and they break search and links.
INVISIBLE = (0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
             0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF)
INVISIBLE_CLASS = "".join(f"\\u{cp:04x}" for cp in INVISIBLE)
# Characters that print as nothing although Unicode calls them letters or marks: the soft hyphen,
# the combining grapheme joiner, the Hangul and Khmer fillers, the Mongolian vowel separator and
# the Braille blank. One-line metadata (titles, names) drops them like the invisible ones above.
BLANK = (0x00AD, 0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x2800, 0x3164, 0xFFA0)


def is_visible(char: str) -> bool:
    """Whether a character shows as something: a letter, digit, mark of punctuation or symbol."""
    return unicodedata.category(char)[0] in "LNPS" and ord(char) not in BLANK


# Characters HTML forbids in a document: controls other than whitespace (NUL included), DEL and
# the C1 controls, lone surrogates and the noncharacters (U+FDD0–U+FDEF, the last two of every plane).
HTML_FORBIDDEN = ("\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                  + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)))
# What the build removes from every text it reads: those, and the form feed and carriage return,
# which XML 1.0 forbids too (carriage returns are line ends, made line feeds on reading), so that
# no page or feed carries a character a browser or a feed reader refuses.
CONTROL_RE = re.compile(f"[{HTML_FORBIDDEN}\x0c\x0d]")
_UNPRINTABLE_RE = re.compile(f"[{HTML_FORBIDDEN}\t\n\x0c\x0d]")


def escape_controls(text: str) -> str:
    """Text for one line of a terminal, a message or a comment: every control character (and tab
    and line feed) written as its escape, so ESC is the four characters \\x1b."""
    return _UNPRINTABLE_RE.sub(lambda m: ascii(m.group())[1:-1], text)

# Windows opens these names, with any extension, as devices, not as files: a site folder or file so
# named cannot be opened or copied there.
DEVICE_NAME_RE = re.compile(r"(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]) *(?:\..*)?", re.IGNORECASE)


def is_device_name(name: str) -> bool:
    return DEVICE_NAME_RE.fullmatch(name) is not None


WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def weekday(date: dt.date) -> str:
    return WEEKDAYS[date.weekday()]


def cn_date(date: dt.date) -> str:
    """2022年6月28日, as a masthead prints it."""
    return f"{date.year}年{date.month}月{date.day}日"


# Article kinds in the order readers meet them, with what the site calls them.
KIND_LABELS = {
    "news": "消息",
    "photo": "图片",
    "commentary": "评论",
    "feature": "通讯",
    "journal_article": "理论文章",
    "ad": "广告",
    "notice": "公告",
    "weather": "天气",
}
KINDS = tuple(KIND_LABELS)
# Headlines mark every kind but the ordinary ones: 〔图片〕, 〔评论〕 …
UNMARKED_KINDS = ("news", "journal_article")


def browser_facts() -> bytes:
    """``assets/search/facts.js``: what the search scripts need to know of the above."""
    data = {"hanRanges": [list(r) for r in HAN_RANGES], "greekRanges": [list(r) for r in GREEK_RANGES],
            "greekAccents": list(GREEK_ACCENTS),
            "caseFolds": case_folds(), "kinds": KIND_LABELS}
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (f"/* Made by the build from edition/facts.py. */\n"
            f"(self.edition = self.edition || {{}}).facts = {payload};\n").encode("utf-8")
