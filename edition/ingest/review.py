"""The review report: every decision the importer was unsure of, by raw line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Note:
    line: int
    topic: str  # byline, order, lost-text, title, furniture, removed, date
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: [{self.topic}] {self.message}"


@dataclass
class Review:
    notes: list[Note] = field(default_factory=list)
    removed: list[tuple[int, str]] = field(default_factory=list)  # (line, text) dropped on purpose

    def note(self, line: int, topic: str, message: str) -> None:
        self.notes.append(Note(line, topic, message))

    def drop(self, line: int, text: str, why: str, shown: str = "") -> None:
        """Text that will not reach any article; reported so nothing vanishes silently.

        ``shown`` is how the report prints it, for characters that cannot be seen.
        """
        self.removed.append((line, text))
        self.note(line, "removed", f"{why}: {shown or text[:40]}")

    def counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for note in self.notes:
            result[note.topic] = result.get(note.topic, 0) + 1
        return result
