"""The importer's drafts: what the assemblers make of a page and the writer turns into files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .blocks import Block
from .review import Note, Review

Box = tuple[float, float, float, float]  # x, y, width, height in percent of the page, as issue.yml has them


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
    # from a page PDF: where the article is printed, as (page number, box); a page other than the
    # one it starts on holds its continuation (转第N版). Its photos, cut from the page image.
    regions: list[tuple[int, Box]] = field(default_factory=list)
    figures: list["Figure"] = field(default_factory=list)


@dataclass
class Figure:
    """A photo of an article, cut from the rendered page, with its caption."""

    image: bytes  # JPEG
    caption: str = ""


@dataclass
class PageFiles:
    """What a page PDF gives a 版 besides its articles: the files its issue.yml entry names."""

    image: bytes  # JPEG of the page at screen width
    thumbnail: bytes  # JPEG, small, for the lists of pages
    pdf: bytes  # the page alone, for download


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


@dataclass
class ImportedPage:
    """One 版 of an import, as the writer takes it: its articles, what it prints about itself, its doubts."""

    number: int  # 版 number
    name: str  # 版名
    drafts: list[Draft]  # the articles that start on this page
    meta: PageMeta  # masthead and footer facts read from this page
    review: Review  # this page's doubts, by the line numbers of this page's text
    files: PageFiles | None = None  # page image, thumbnail and page PDF (None for a text import)
    source: str = ""  # how sources and the report name the raw text, e.g. 「issue.pdf 第1版」; "" = the raw file's name
    # from a page PDF: its continuations (上接第N版) of pages this import does not hold, each a draft
    # of its own in `drafts` until `pdfimport.join_earlier` reads it into an earlier import's article
    continuations: list["Continuation"] = field(default_factory=list)
    rewrites: list["Rewrite"] = field(default_factory=list)  # earlier imports' articles it continues


@dataclass
class Continuation:
    """A continuation (上接第N版) whose first page is not in the import: kept until the issue folder is read."""

    draft: Draft  # also in its page's `drafts`, as a draft of its own
    page: int  # N, the page it continues an article of
    opens: bool | None  # its body starts a paragraph (Part.opens)
    note: Note  # the review's note that it stands alone, replaced once it is joined


@dataclass
class Rewrite:
    """An article file an earlier import wrote, with a continuation of this import read into it:
    the writer writes it with the import's other files, and its regions into those pages' entries."""

    path: Path
    old: bytes  # the file as read: the writer refuses if an editor changed it meanwhile
    text: bytes  # the file with the continuation appended
    slug: str
    page: int  # the page it belongs to (its folder)
    regions: list[tuple[int, Box]]  # its boxes on the pages of this import (转版)
    figures: list[tuple[str, bytes]]  # the continuation's photos: file names beside it, and their bytes
