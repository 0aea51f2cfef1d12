"""The review report: every decision the importer was unsure of, by raw line.

Topics are short English keys for code and tests (byline, order, …); the report shows each
under its Chinese name (``TOPICS``), since the editors who read it work in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..punctuation import Change

TOPICS = {
    "byline": "署名",
    "column": "栏目",
    "date": "日期",
    "furniture": "版面杂项",
    "lost-text": "缺文",
    "order": "顺序",
    "quote": "引号",
    "removed": "已删去",
    "title": "标题",
    "toc": "目录",
}


@dataclass(frozen=True, order=True)
class Note:
    line: int
    topic: str  # a key of TOPICS
    message: str

    def __str__(self) -> str:
        return self.shown()

    def shown(self, place: tuple[float, float] | None = None) -> str:
        """`第12行 [署名] …`, or with the line's place on the page `第12行（x 12.5%，y 34.0%）[署名] …`."""
        where = f"（x {place[0]:.1f}%，y {place[1]:.1f}%）" if place else " "
        return f"第{self.line}行{where}[{TOPICS.get(self.topic, self.topic)}] {self.message}"


@dataclass
class Review:
    notes: list[Note] = field(default_factory=list)
    removed: list[tuple[int, str]] = field(default_factory=list)  # (line, text) dropped on purpose
    punctuation: list[Change] = field(default_factory=list)  # half-width marks made full-width, and unpaired quotes
    # from a page PDF: line number → (x, y) of the line's top-left corner, in percent of the page
    places: dict[int, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def joined(cls, reviews: list["Review"]) -> "Review":
        """One review of several pages' (a PDF's): their notes, removed text and punctuation."""
        return cls([n for r in reviews for n in r.notes], [t for r in reviews for t in r.removed],
                   [c for r in reviews for c in r.punctuation])

    def note(self, line: int, topic: str, message: str) -> None:
        self.notes.append(Note(line, topic, message))

    def drop(self, line: int, text: str, why: str, shown: str = "") -> None:
        """Text that will not reach any article; reported so nothing vanishes silently.

        ``shown`` is how the report prints it, for characters that cannot be seen.
        """
        self.removed.append((line, text))
        what = shown or text[:40]
        self.note(line, "removed", f"{why}：{what}" if what.strip() else why)

    def lines(self) -> list[str]:
        """The notes as the report prints them, in line order, each with its place on the page if known."""
        return [note.shown(self.places.get(note.line)) for note in sorted(self.notes)]

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for note in self.notes:
            result[note.topic] = result.get(note.topic, 0) + 1
        return result

    def summary(self) -> str:
        """`标题 5、顺序 4` (or `无`): what the editor has to check, by topic, in Chinese."""
        counts = self.counts()
        return "、".join(f"{TOPICS.get(k, k)} {counts[k]}" for k in sorted(counts, key=_topic_order)) or "无"

    def punctuation_summary(self) -> str:
        changed = sum(1 for c in self.punctuation if c.changed)
        unpaired = len(self.punctuation) - changed
        return f"半角标点改为全角 {changed} 处" + (f"，引号无法配对 {unpaired} 处（未改）" if unpaired else "")


def _topic_order(topic: str) -> tuple[int, str]:
    keys = list(TOPICS)
    return (keys.index(topic) if topic in keys else len(keys), topic)
