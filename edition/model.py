"""The edition's data model: Site → Publication → Issue → Page (版面) → Article.

Plain data, made and checked by ``edition/load.py``. Every object knows its site
path (from ``edition/urls.py``), fixed when the model is made, so every
producer agrees on it.

A build loads in full only the issues it must render again. What the rest of
the site needs of every issue is its ``IssueSummary`` (the calendars, lists,
feeds of corrections and sitemaps are made from summaries) and its listings
in the 版名, 栏目 and author indexes (``Listed`` and ``ListedPage``); the build
state keeps both for each issue. Article bodies (their HTML and plain text)
are not part of the model either: producers ask ``Bodies`` for the ones they
render.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from . import facts, urls


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    role: str = ""
    org: bool = False

    @property
    def label(self) -> str:
        return f"{self.role} {self.name}" if self.role else self.name


@dataclass(frozen=True, slots=True)
class Correction:
    date: dt.date
    note: str


@dataclass(eq=False, slots=True)
class Article:
    source: str  # the file, as a path under the content folder given to the build
    slug: str
    order: tuple
    title: str
    kind: str
    kicker: str = ""
    subtitle: str = ""
    authors: tuple[Author, ...] = ()
    column: str = ""
    start_page: int | None = None  # periodicals: page from the 目录
    corrections: tuple[Correction, ...] = ()
    id_line: int = 0  # line of an explicit `id`, which must be unique site-wide
    draft: bool = False  # written by the importer and not yet reviewed: built only with --drafts
    digest: str = ""  # hash of what the file says (parsed): unchanged by a reformatted front matter
    lead: str = ""  # the first paragraph, as plain text
    keywords: tuple[str, ...] = ()  # 关键词, from the words stage
    title_words: tuple[str, ...] = ()  # whole words of the title, for the search index
    url: str = ""
    issue: Issue = field(default=None, repr=False)
    page: Page | None = field(default=None, repr=False)
    prev: Article | None = field(default=None, repr=False)
    next: Article | None = field(default=None, repr=False)

    @property
    def modified(self) -> dt.date | None:
        return self.corrections[-1].date if self.corrections else None

    @property
    def heading(self) -> str:
        """Kicker, title and subtitle: the whole headline as printed."""
        return " ".join((self.kicker, self.title, self.subtitle))

    @property
    def printed_on(self) -> list[Page]:
        """The 版 its text is printed on, in page order: its own and those its continuation
        regions (转第N版) are on; empty in a periodical."""
        if self.page is None:
            return []
        return [p for p in self.issue.pages if p is self.page or any(r.article is self for r in p.regions)]


@dataclass(frozen=True, slots=True)
class Region:
    """One of an article's boxes on a page image, in percent of the image's width and height. An
    article may have several on a page (an L-shaped story) and some on another page of its issue
    (its continuation); ``part`` numbers its boxes on this page from 1, so each has an id."""

    article: Article
    x: float
    y: float
    w: float
    h: float
    part: int = 1


@dataclass(eq=False, slots=True)
class Page:
    number: int
    name: str
    line: int
    editor: str = ""
    staff: dict[str, str] = field(default_factory=dict)
    pdf: str = ""  # site path of the page PDF
    image: str = ""  # site path of the page image
    thumbnail: str = ""  # site path of the small page image the issue page lists the 版 with
    thumbnail_size: tuple[int, int] = (0, 0)  # its width and height in pixels
    image_size: tuple[int, int] = (1000, 1414)  # the page image's, when it is a raster; an SVG is drawn at this
    articles: list[Article] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)  # where each article sits on the page image
    url: str = ""
    issue: Issue = field(default=None, repr=False)
    prev: Page | None = field(default=None, repr=False)
    next: Page | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return f"第{self.number:02d}版：{self.name}"

    @property
    def continued(self) -> list[Article]:
        """Articles of other pages continued here (上接第N版): those with a region on this page, in
        the order of their first region."""
        found = {r.article.url: r.article for r in self.regions if r.article.page is not self}
        return list(found.values())


@dataclass(eq=False, slots=True)
class Issue:
    source: str  # the issue folder, under the content folder
    date: dt.date
    date_approximate: str = ""  # why the date is inferred (never the importer's placeholder)
    total_number: int | None = None
    number: int | None = None
    lunar: str = ""
    pages: list[Page] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)  # reading order
    assets: tuple[tuple[str, str, str], ...] = ()  # (site path, source file, digest) of PDFs and images
    asset_data: dict[str, bytes] = field(default_factory=dict)  # site path → bytes published instead of the
    # source's (an SVG page image cleaned of script)
    meta_digest: str = ""  # hash of issue.yml
    digest: str = ""  # hash of issue.yml and every article file of the issue, with their places
    dir: str = ""
    url: str = ""
    data_url: str = ""  # the issue's open data
    publication: Publication = field(default=None, repr=False)
    prev: IssueSummary | None = field(default=None, repr=False)
    next: IssueSummary | None = field(default=None, repr=False)
    id: str = ""  # the issue folder, relative to the content folder

    @property
    def weekday(self) -> str:
        return facts.weekday(self.date)

    @property
    def number_label(self) -> str:
        if self.publication.kind == "periodical" and self.number is not None:
            return f"{self.date.year}年第{self.number}期"
        if self.total_number is not None:
            return f"总第{self.total_number}期"
        return ""

    @property
    def front_page(self) -> Page | None:
        return self.pages[0] if self.pages else None

    @property
    def year_url(self) -> str:
        return urls.year(self.publication.slug, self.date.year)


@dataclass(frozen=True, slots=True)
class Headline:
    """What a list of articles shows of one: its headline and kind, linking to it."""

    url: str
    kicker: str
    title: str
    subtitle: str
    kind: str
    draft: bool = False  # built only with --drafts, and marked 草稿 wherever it is listed

    @classmethod
    def of(cls, article: Article) -> "Headline":
        return cls(article.url, article.kicker, article.title, article.subtitle, article.kind, article.draft)


@dataclass(frozen=True, slots=True)
class Listed:
    """An article in an index (栏目, author): its headline, where and when it appeared."""

    url: str
    kicker: str
    title: str
    subtitle: str
    kind: str
    publication: str  # the publication's name
    date: dt.date
    date_approximate: str
    page_label: str
    draft: bool = False


@dataclass(frozen=True, slots=True)
class ListedPage:
    """A 版面 in the 版名 index, with its articles' headlines."""

    url: str
    label: str
    date: dt.date
    headlines: tuple[Headline, ...]


@dataclass(frozen=True, slots=True)
class IssueSummary:
    """What the rest of the site needs of an issue, kept in the build state between builds."""

    id: str  # the issue folder, relative to the content folder
    digest: str  # of every file of the issue folder: a different digest, a changed issue
    publication: str  # slug
    date: dt.date
    url: str
    data_url: str
    number_label: str
    date_approximate: str
    articles: int
    pages: int
    front: tuple[Headline, ...]  # the first headlines of the front page (or of a periodical's 目录)
    corrections: tuple  # (date, note, article URL, title, 版面 label), oldest first
    sitemap: tuple  # (site path, last change) of every reading page of the issue
    values: tuple  # (版名, 栏目, kinds) that search filters offer
    names: tuple  # people's names in its bylines
    ids: tuple  # (explicit id, source, line), unique site-wide
    entries: tuple  # index entries it is listed in
    warnings: tuple  # (path, line, message)
    headlines: str  # digest of what its issue page shows: masthead, 版面, every headline, the 目录
    feed: str  # digest of what a feed shows of its articles
    search: str  # digest of what its search files show: its articles' text, headlines and places

    @property
    def weekday(self) -> str:
        return facts.weekday(self.date)

    @property
    def article_urls(self) -> list[str]:
        """Its articles' URLs, in reading order (the end of ``sitemap``)."""
        return [url for url, _ in self.sitemap[len(self.sitemap) - self.articles:]]


@dataclass(eq=False, slots=True)
class Publication:
    slug: str
    name: str
    kind: str
    publisher: str = ""
    frequency: str = ""
    issues: list[IssueSummary] = field(default_factory=list)  # oldest first

    @property
    def url(self) -> str:
        return urls.publication(self.slug)

    @property
    def feed_url(self) -> str:
        return urls.feed(self.slug)

    @property
    def latest(self) -> Issue | None:
        return self.issues[-1] if self.issues else None

    @property
    def issue_counts_by_year(self) -> dict[int, int]:
        return dict(Counter(issue.date.year for issue in self.issues))


@dataclass(eq=False, slots=True)
class Site:
    title: str
    language: str = "zh-CN"
    base_url: str = ""
    index_page_size: int = 20
    qr: bool = False  # print a QR code of each article's address on its page
    publications: list[Publication] = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def issues(self) -> list[IssueSummary]:
        return [i for p in self.publications for i in p.issues]


@dataclass(frozen=True, slots=True)
class Body:
    """An article's body: HTML for its page, plain text for search and open data."""

    html: str
    text: str
    gaps: int = 0  # {{gap}} marks: text lost in extraction


class Fetched:
    """Values by article source (bodies, words): those of this build, and the rest fetched on
    demand from the build state, so that a build reads only what it renders."""

    def __init__(self, fresh: dict, fetch: Callable[[list[str]], dict] | None = None):
        self._known = dict(fresh)
        self._fetch = fetch

    def load(self, articles) -> None:
        """Fetch the values of these articles now (before work is forked to other processes)."""
        missing = [a.source for a in articles if a.source not in self._known]
        if missing and self._fetch:
            self._known.update(self._fetch(missing))

    def __getitem__(self, article: Article | str):
        source = article if isinstance(article, str) else article.source
        if source not in self._known and self._fetch:
            self._known.update(self._fetch([source]))
        return self._known[source]
