"""Text repairs shared by the steps: undoing wrap spaces, doubled titles, joins."""

from __future__ import annotations

import re

from ..facts import HAN_CLASS
from ..punctuation import SENTINEL_RE

# Wider than Han: next to CJK radicals, punctuation, kana and enclosed or squared signs
# (U+2E80–U+33FF: 〔, ㈠, ㎡ …) a space is a wrap or letter-spacing artefact, as it is next to 字.
CJK = HAN_CLASS + r"\u2e80-\u33ff"
FULLWIDTH = r"\u3000-\u303f\uff00-\uffef“”‘’《》（）【】—…·"
# A space next to a Chinese character or full-width mark is a wrap artefact: `10月 27日`, `王 强`.
WRAP_SPACE_RE = re.compile(rf"(?<=[{CJK}{FULLWIDTH}0-9])[ \t]+(?=[{CJK}{FULLWIDTH}0-9])")
TERMINAL = "。！？!?…"
CLOSERS = "”’」』）)》】"
LATIN_END_RE = re.compile(r"[A-Za-z]$")
LATIN_START_RE = re.compile(r"^[A-Za-z]")


def unwrap_spaces(text: str) -> str:
    """Remove spaces left by column wrapping, keep spaces between Latin words."""
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = WRAP_SPACE_RE.sub("", text)
    # digits next to digits were two numbers only if Latin-style text surrounds them; `2 013` is a wrap
    return text.strip()


def letter_spaced(text: str) -> str:
    """`友 情 提 醒` → `友情提醒`: runs of single characters separated by spaces."""
    return re.sub(rf"(?<=[{CJK}])[ ](?=[{CJK}](?:[ ]|$|[^{CJK}]))", "", text)


def join_lines(lines: list[str]) -> str:
    """Rejoin column-wrapped lines: no space inside Chinese, one space between Latin words."""
    out = ""
    for line in lines:
        line = line.strip()
        if out and line and LATIN_END_RE.search(out[-1]) and LATIN_START_RE.match(line):  # out[-1]: linear
            out += " "
        out += line
    return out


def undouble(text: str) -> tuple[str, bool]:
    """`以学习…为指引以学习…为指引` → `以学习…为指引`: bold titles often come out twice."""
    parts = text.split(" ")
    fixed, doubled = [], False
    for part in parts:
        half = len(part) // 2
        same = SENTINEL_RE.sub('"', part)  # each marked quote is a character of its own (punctuation.mark_quotes)
        if len(part) >= 4 and len(part) % 2 == 0 and same[:half] == same[half:]:
            fixed.append(part[:half])
            doubled = True
        else:
            fixed.append(part)
    return " ".join(fixed), doubled


def ends_sentence(text: str) -> bool:
    text = text.rstrip(CLOSERS)
    return bool(text) and text[-1] in TERMINAL


def bigrams(text: str) -> set[str]:
    chars = [c for c in text if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:])}


def overlap(title: str, body: str) -> float:
    """Share of the title's character pairs that the body's opening also uses."""
    pairs = bigrams(title)
    if not pairs:
        return 0.0
    return len(pairs & bigrams(body)) / len(pairs)
