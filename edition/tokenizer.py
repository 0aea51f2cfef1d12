"""The search tokenizer, shared word for word with ``templates/assets/search/tokenizer.js``.

Chinese has no spaces, and readers search for any substring (a name, a place,
part of a phrase), so Han text is indexed as overlapping bigrams plus single
characters, and Latin letters and digits as whole words. Both sides walk the
text by code point, so characters outside the BMP (CJK extension B and later)
tokenize identically in Python and in JavaScript. ``tests/fixtures/tokenizer_cases.json``
holds the cases both implementations must agree on.
"""

from __future__ import annotations

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


def is_han(char: str) -> bool:
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


def is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def normalize(text: str) -> str:
    """NFKC folds full-width forms and compatibility characters; then lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> list[tuple[str, str]]:
    """Split normalized text into ("han" | "word", run) pieces; everything else separates."""
    result: list[tuple[str, str]] = []
    kind, start = None, 0
    chars = list(text)
    for i, char in enumerate(chars + [" "]):
        this = "han" if i < len(chars) and is_han(char) else "word" if i < len(chars) and is_word_char(char) else None
        if this != kind:
            if kind:
                result.append((kind, "".join(chars[start:i])))
            kind, start = this, i
    return result


def index_tokens(text: str) -> list[str]:
    """Every token of a document, in order and with repeats: words, Han bigrams, Han characters."""
    tokens: list[str] = []
    for kind, run in runs(normalize(text)):
        if kind == "word":
            tokens.append(run)
        else:
            chars = list(run)
            tokens.extend(a + b for a, b in zip(chars, chars[1:]))
            tokens.extend(chars)
    return tokens


def query_tokens(text: str) -> list[str]:
    """The tokens a query must all match: bigrams of each Han run (a lone character stays one)."""
    tokens: list[str] = []
    for kind, run in runs(normalize(text)):
        chars = list(run)
        if kind == "word" or len(chars) == 1:
            tokens.append(run)
        else:
            tokens.extend(a + b for a, b in zip(chars, chars[1:]))
    return list(dict.fromkeys(tokens))
