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


# Zero-width characters and bidi controls: they show nothing, and they break search and links.
INVISIBLE = (0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
             0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF)
INVISIBLE_CLASS = "".join(f"\\u{cp:04x}" for cp in INVISIBLE)

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
    data = {"hanRanges": [list(r) for r in HAN_RANGES], "kinds": KIND_LABELS}
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (f"/* Made by the build from edition/facts.py. */\n"
            f"(self.edition = self.edition || {{}}).facts = {payload};\n").encode("utf-8")
