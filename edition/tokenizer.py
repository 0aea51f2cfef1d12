"""The search tokenizer, shared word for word with ``templates/assets/search/tokenizer.js``.

Text and queries are compared after ``normalize``, applied to whole strings:
NFKC (full-width and half-width forms, ligatures, NFD and NFC alike), case
folding (so ς, σ and Σ are one letter, ß is ss), Greek without its accents and
breathings (capitals are written without them: ΣΟΦΟΣ is σοφός), and NFKC again
(case folding may leave decomposed text). ``tests/fixtures/normalise.json``
holds the cases both implementations must agree on.

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

from .facts import GREEK_ACCENTS, GREEK_CLASS, HAN_CLASS

# A run of Han characters, or a run of letters and digits that are not Han.
_RUN = re.compile(f"([{HAN_CLASS}]+)|((?:(?![{HAN_CLASS}])[^\\W_])+)")
_GREEK = re.compile(f"[{GREEK_CLASS}]")
_GREEK_MARKED = re.compile(f"([{GREEK_CLASS}])([\u0300-\u036f]+)")  # a Greek letter and its marks, decomposed
_ACCENT = re.compile("[" + "".join(map(chr, GREEK_ACCENTS)) + "]")


def _unaccented(match: re.Match) -> str:
    return match.group(1) + _ACCENT.sub("", match.group(2))


def normalize(text: str) -> str:
    """The form search compares: NFKC, case folding, Greek unaccented, NFKC (of the whole string)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if _GREEK.search(text):
        text = _GREEK_MARKED.sub(_unaccented, unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFKC", text)


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
