"""The text importer's stages wired together, with no file writing: easy to test. The punctuation
and accounting steps (``full_width``, ``settled``, ``checked``) serve the page-PDF import too."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields

from .blocks import find_blocks
from .classify import classify
from .drafts import Draft, PageMeta
from .newspaper import assemble_newspaper
from .normalise import normalise
from .periodical import assemble_periodical
from ..punctuation import (SENTINEL_RE, mark_quotes, normalise_punctuation, quote_changes, restore_quotes,
                          settle_quotes)
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
            parts += [f.caption for f in d.figures]
        parts += [text for _, text in self.review.removed]
        return "".join(parts)


def unaccounted(raw: str, result: ImportResult) -> Counter:
    """Characters of the raw text that are neither in a draft nor reported as removed.

    The importer may move text, split it and drop furniture, but it must never
    make text vanish silently; this is the check.
    """
    expected = Counter(c for c in raw if c not in MARKUP)
    changed = [c for c in result.review.punctuation if c.changed]  # reported in the review: not lost
    expected -= Counter("".join(c.old for c in changed))
    expected += Counter(c for c in "".join(c.new for c in changed) if c not in MARKUP)
    return expected - Counter(result.output_text())


def import_text(text: str, periodical: bool = False) -> ImportResult:
    review = Review()
    full, marked = full_width(text, review)
    lines = normalise(full, review)
    if periodical:
        result = ImportResult(assemble_periodical(lines, review), PageMeta(), review)
    else:
        blocks = find_blocks(lines)
        classify(blocks, review)
        result = ImportResult(*assemble_newspaper(blocks, review), review)
    return checked(text, settled(result, marked))


def full_width(text: str, review: Review) -> tuple[str, list]:
    """The raw text with GB/T 15834 punctuation (every change goes in the review), and its
    straight quotes marked, to be paired once the articles are put together (``_settled``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if SENTINEL_RE.search(text):  # the page has the characters quotes are marked with: pair them here
        text, review.punctuation = normalise_punctuation(text)
        return text, []
    text, marked, overflow = mark_quotes(text)
    text, review.punctuation = normalise_punctuation(text, quotes=False)
    review.punctuation += overflow
    return text, marked


def settled(result: ImportResult, marked: list) -> ImportResult:
    """Quotes paired in each title, paragraph and removed piece as the import put it together;
    the ones that pair with nothing are noted by line."""
    review = result.review
    if marked:
        decided: dict = {}

        def settle(text: str) -> str:
            text, kinds = settle_quotes(text, marked)
            decided.update(kinds)
            return text

        for draft in result.drafts:
            for key in ("title", "kicker", "subtitle", "column"):
                setattr(draft, key, settle(getattr(draft, key)))
            draft.paragraphs = [settle(p) for p in draft.paragraphs]
            for photo in draft.figures:
                photo.caption = settle(photo.caption)
            draft.authors = [{k: settle(v) if isinstance(v, str) else v for k, v in a.items()} for a in draft.authors]
        review.removed = [(line, settle(text)) for line, text in review.removed]
        meta = result.meta
        for f in fields(meta):
            if isinstance(getattr(meta, f.name), str):
                setattr(meta, f.name, restore_quotes(getattr(meta, f.name), marked, decided))
        meta.staff = {k: restore_quotes(v, marked, decided) for k, v in meta.staff.items()}
        review.notes = [type(n)(n.line, n.topic, restore_quotes(n.message, marked, decided)) for n in review.notes]
        review.punctuation = sorted(review.punctuation + quote_changes(marked, decided))
    unpaired: dict[int, list[int]] = {}
    for change in review.punctuation:
        if not change.changed:
            unpaired.setdefault(change.line, []).append(change.column)
    for line, columns in unpaired.items():
        where = "、".join(f"第{c}列" for c in columns)
        review.note(line, "quote", f"{len(columns)} 个半角引号无法配对，未改为全角（{where}）；请核对")
    return result


def checked(text: str, result: ImportResult) -> ImportResult:
    missing = unaccounted(text, result)
    if missing:
        result.review.note(1, "lost-text", "导入程序丢失了这些字符，请作为程序错误报告："
                                            + "".join(sorted(missing.elements()))[:60])
    return result
