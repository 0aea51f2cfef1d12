"""The search tokenizer, shared word for word with ``templates/assets/search/tokenizer.js``.

Chinese has no spaces, and readers search for any substring (a name, a place,
part of a phrase), so Han text is indexed as overlapping bigrams plus single
characters, and Latin letters and digits as whole words. Both sides walk the
text by code point, so characters outside the BMP (CJK extension B and later)
tokenize identically in Python and in JavaScript. ``tests/fixtures/tokenizer_cases.json``
holds the cases both implementations must agree on.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator

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


_HAN = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in HAN_RANGES)
# A run of Han characters, or a run of letters and digits that are not Han.
_RUN = re.compile(f"([{_HAN}]+)|((?:(?![{_HAN}])[^\\W_])+)")


def is_han(char: str) -> bool:
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


def normalize(text: str) -> str:
    """NFKC folds full-width forms and compatibility characters; then lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> list[tuple[str, str]]:
    """Split normalized text into ("han" | "word", run) pieces; everything else separates."""
    return [("han", han) if han else ("word", word) for han, word in _RUN.findall(text)]


def _run_tokens(text: str) -> Iterator[tuple[list[str], str]]:
    """For each run of normalized text: its words or bigrams, and its Han characters."""
    for kind, run in runs(normalize(text)):
        if kind == "word":
            yield [run], ""
        else:
            yield list(map(str.__add__, run, run[1:])), run


def index_tokens(text: str) -> list[str]:
    """Every token of a document, in order and with repeats: words, Han bigrams, Han characters."""
    tokens: list[str] = []
    for terms, characters in _run_tokens(text):
        tokens += terms
        tokens += characters
    return tokens


def terms_and_characters(text: str) -> tuple[list[str], set[str]]:
    """``index_tokens`` split in two: words and bigrams with repeats, and the set of Han characters."""
    terms: list[str] = []
    characters: set[str] = set()
    for run_terms, run_characters in _run_tokens(text):
        terms += run_terms
        characters.update(run_characters)
    return terms, characters


def query_tokens(text: str) -> list[str]:
    """The tokens a query must all match: bigrams of each Han run (a lone character stays one)."""
    tokens: list[str] = []
    for kind, run in runs(normalize(text)):
        if kind == "word" or len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(map(str.__add__, run, run[1:]))
    return list(dict.fromkeys(tokens))
