"""The importer's drafts: what the assemblers make of a page and the writer turns into files."""

from __future__ import annotations

from dataclasses import dataclass, field

from .blocks import Block


@dataclass
class Draft:
    """One article as the importer understood it; `line` is its body's first raw line."""

    title: str = ""
    kicker: str = ""
    subtitle: str = ""
    authors: list[dict] = field(default_factory=list)
    column: str = ""
    kind: str = "news"
    paragraphs: list[str] = field(default_factory=list)
    line: int = 0
    title_line: int = 0
    start_page: int | None = None
    segment: "Segment | None" = field(default=None, repr=False)
    title_after_body: bool = False


@dataclass
class Segment:
    """Body blocks read as one run of text."""

    blocks: list[Block]
    index: int  # position of its first block in the page's block list

    @property
    def first(self) -> int:
        return self.blocks[0].first

    @property
    def lead(self) -> str:
        return "".join(line.text for block in self.blocks[:3] for line in block.lines)[:240]


@dataclass
class PageMeta:
    date: str = ""  # ISO date printed in the masthead
    weekday: str = ""
    lunar: str = ""
    total_number: int | None = None
    editor: str = ""
    staff: dict = field(default_factory=dict)
    date_line: int = 0
