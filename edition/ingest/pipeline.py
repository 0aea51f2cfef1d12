"""The importer's stages wired together, with no file writing: easy to test."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .blocks import find_blocks
from .classify import classify
from .drafts import Draft, PageMeta
from .newspaper import assemble_newspaper
from .normalise import normalise
from .periodical import assemble_periodical
from .review import Review


MARKUP = set("#■ \t\n\r\u3000\xa0")  # layout marks, not text


@dataclass
class ImportResult:
    drafts: list[Draft]
    meta: PageMeta
    review: Review = field(default_factory=Review)

    def output_text(self) -> str:
        parts = []
        for d in self.drafts:
            parts += [d.title, d.kicker, d.subtitle, d.column, *d.paragraphs]
            parts += [v for a in d.authors for v in a.values()]
        parts += [text for _, text in self.review.removed]
        return "".join(parts)


def unaccounted(raw: str, result: ImportResult) -> Counter:
    """Characters of the raw text that are neither in a draft nor reported as removed.

    The importer may move text, split it and drop furniture, but it must never
    make text vanish silently; this is the check.
    """
    missing = Counter(c for c in raw if c not in MARKUP) - Counter(result.output_text())
    return missing


def import_text(text: str, periodical: bool = False) -> ImportResult:
    review = Review()
    lines = normalise(text, review)
    if periodical:
        return _checked(text, ImportResult(assemble_periodical(lines, review), PageMeta(), review))
    blocks = find_blocks(lines)
    classify(blocks, review)
    drafts, meta = assemble_newspaper(blocks, review)
    return _checked(text, ImportResult(drafts, meta, review))


def _checked(text: str, result: ImportResult) -> ImportResult:
    missing = unaccounted(text, result)
    if missing:
        result.review.note(1, "lost-text", "the importer lost these characters; report it as a bug: "
                                            + "".join(sorted(missing.elements()))[:60])
    return result
