"""Stage 2: the edition's data model, built and checked from what the reader read.

Site → Publication → Issue → Page (版面) → Article, with URLs fixed here so
that every renderer agrees on them. URLs derive only from a publication slug,
an issue date and an article's file name or id, never from position, so they
stay stable when articles are added, removed or reordered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import markup
from .errors import ContentError, Problems
from .reader import Document, Node, bytes_digest, read_markdown_file, read_yaml_file
from .state import digest

KINDS = ("news", "photo", "commentary", "feature", "journal_article", "ad", "notice", "weather")
PUBLICATION_KINDS = ("newspaper", "periodical")
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ARTICLE_FILE_RE = re.compile(r"^(?:(\d+)-)?(.+)\.md$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
RESERVED_SLUGS = {"index"}
_WINDOWS_PROBLEM = ("`{}` is a reserved device name on Windows, so the site could not be copied to a USB stick "
                    "or opened there")
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
RESERVED_FOLDERS = {"archive", "assets", "authors", "corrections", "data", "search"}  # top-level output folders of the site


@dataclass
class Author:
    name: str
    role: str = ""
    org: bool = False

    @property
    def label(self) -> str:
        return f"{self.role} {self.name}" if self.role else self.name


@dataclass
class Correction:
    date: dt.date
    note: str


@dataclass
class Article:
    source: Path
    slug: str
    order: tuple
    title: str
    kind: str
    kicker: str = ""
    subtitle: str = ""
    authors: list[Author] = field(default_factory=list)
    column: str = ""
    start_page: int | None = None  # periodicals: page from the 目录
    corrections: list[Correction] = field(default_factory=list)
    id_line: int = 0  # line of an explicit `id`, which must be unique site-wide
    draft: bool = False  # written by the importer and not yet reviewed
    digest: str = ""  # hash of the source file's bytes
    html: str = ""
    text: str = ""
    lead: str = ""
    gaps: int = 0
    keywords: list[str] = field(default_factory=list)  # 关键词, filled in by the words stage
    issue: Issue = field(default=None, repr=False)
    page: Page | None = field(default=None, repr=False)
    prev: Article | None = field(default=None, repr=False)
    next: Article | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"{self.issue.dir}{self.slug}.html"

    @property
    def modified(self) -> dt.date | None:
        return max((c.date for c in self.corrections), default=None)


@dataclass
class Region:
    """An article's box on its page image, in percent of the image's width and height."""

    article: Article
    x: float
    y: float
    w: float
    h: float


@dataclass
class Page:
    number: int
    name: str
    line: int
    editor: str = ""
    staff: dict[str, str] = field(default_factory=dict)
    pdf: str = ""
    image: str = ""
    articles: list[Article] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)  # where each article sits on the page image
    region_specs: list = field(default_factory=list, repr=False)  # as read, until the articles are known
    issue: Issue = field(default=None, repr=False)
    prev: Page | None = field(default=None, repr=False)
    next: Page | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return f"第{self.number:02d}版：{self.name}"

    @property
    def url(self) -> str:
        return f"{self.issue.dir}{self.number:02d}/index.html"


@dataclass
class Issue:
    source: Path  # the issue folder
    date: dt.date
    date_approximate: str = ""
    total_number: int | None = None
    number: int | None = None
    lunar: str = ""
    pages: list[Page] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)  # reading order
    assets: list[tuple[Path, str]] = field(default_factory=list)  # (source file, site path)
    meta_digest: str = ""  # hash of issue.yml
    digest: str = ""  # hash of issue.yml and every article file of the issue, with their places
    publication: Publication = field(default=None, repr=False)
    prev: Issue | None = field(default=None, repr=False)
    next: Issue | None = field(default=None, repr=False)

    @property
    def dir(self) -> str:
        d = self.date
        return f"{self.publication.slug}/{d.year:04d}/{d.month:02d}/{d.day:02d}/"

    @property
    def url(self) -> str:
        return self.dir + "index.html"

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.date.weekday()]

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


@dataclass
class Publication:
    slug: str
    name: str
    kind: str
    publisher: str = ""
    frequency: str = ""
    issues: list[Issue] = field(default_factory=list)  # oldest first

    @property
    def url(self) -> str:
        return f"{self.slug}/index.html"

    @property
    def latest(self) -> Issue | None:
        return self.issues[-1] if self.issues else None

    @property
    def issue_counts_by_year(self) -> dict[int, int]:
        return dict(Counter(issue.date.year for issue in self.issues))


@dataclass
class Site:
    title: str
    language: str = "zh-CN"
    base_url: str = ""
    index_page_size: int = 20
    qr: bool = False  # print a QR code of each article's address on its page
    publications: list[Publication] = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def issues(self) -> list[Issue]:
        return [i for p in self.publications for i in p.issues]

    @property
    def articles(self) -> list[Article]:
        return [a for i in self.issues for a in i.articles]


class _Fields:
    """Typed access to one YAML mapping, reporting problems at the key's line."""

    def __init__(self, doc: Document, node: Node, problems: Problems, allowed: set[str]):
        self.doc, self.node, self.problems = doc, node, problems
        for key in node:
            if key not in allowed:
                self.warn(key, f"unknown field `{key}` (ignored)")

    def line(self, key: str | None = None) -> int:
        base = self.node.line_of(key) if key else self.node.line
        return base + self.doc.line_offset

    def error(self, key: str | None, message: str) -> None:
        self.problems.error(self.doc.path, self.line(key), message)

    def warn(self, key: str | None, message: str) -> None:
        self.problems.warn(self.doc.path, self.line(key), message)

    def text(self, key: str, required: bool = False) -> str:
        value = self.node.get(key)
        if value is None or value == "":
            if required:
                self.error(key if key in self.node else None, f"missing required field `{key}`")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(key, f"`{key}` must be text, not {type(value).__name__}")
            return ""
        value = clean_text(str(value))
        if required and not value:
            self.error(key, f"`{key}` is empty")
        return value

    def integer(self, key: str) -> int | None:
        value = self.node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.error(key, f"`{key}` must be a whole number, not {value!r}")
            return None
        return value

    def flag(self, key: str) -> bool:
        value = self.node.get(key, False)
        if not isinstance(value, bool):
            self.error(key, f"`{key}` must be true or false")
            return False
        return value

    def date(self, key: str, required: bool = False) -> dt.date | None:
        value = self.node.get(key)
        if value is None:
            if required:
                self.error(None, f"missing required field `{key}`")
            return None
        return parse_date(value, lambda msg: self.error(key, msg))

    def choice(self, key: str, choices: tuple, default: str) -> str:
        value = self.text(key) or default
        if value not in choices:
            self.error(key, f"unknown {key} `{value}`; expected one of: {', '.join(choices)}")
            return default
        return value

    def mapping_list(self, key: str) -> list:
        value = self.node.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(key, f"`{key}` must be a list")
            return []
        return value


_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
     0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F]
)


def clean_text(value: str) -> str:
    """Metadata is one line of visible text: drop zero-width and bidi controls, fold space."""
    value = value.translate(_INVISIBLE)
    return " ".join(value.split())


def parse_date(value, report) -> dt.date | None:
    text = str(value).strip()
    if any(unicodedata.category(c) == "Nd" and not c.isascii() for c in text):
        report(f"date `{text}` must use ASCII digits (YYYY-MM-DD)")
        return None
    match = DATE_RE.match(text)
    if not match:
        report(f"invalid date `{text}`: expected YYYY-MM-DD")
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        report(f"impossible date `{text}`: no such day in the calendar")
        return None


def _authors(fields: _Fields) -> list[Author]:
    authors = []
    for item in fields.mapping_list("authors"):
        if isinstance(item, str) and clean_text(item):
            authors.append(Author(clean_text(item)))
        elif isinstance(item, Node) and ("name" in item or "org" in item):
            unknown = set(item) - {"name", "role", "org"}
            if unknown:
                fields.problems.warn(fields.doc.path, item.line + fields.doc.line_offset,
                                     f"unknown author field `{sorted(unknown)[0]}` (ignored)")
            if "org" in item:
                authors.append(Author(clean_text(str(item["org"])), org=True))
            else:
                authors.append(Author(clean_text(str(item["name"])), clean_text(str(item.get("role") or ""))))
            if not authors[-1].name:
                fields.problems.error(fields.doc.path, item.line + fields.doc.line_offset, "author name is empty")
                authors.pop()
        else:
            line = (item.line if isinstance(item, Node) else fields.node.line_of("authors")) + fields.doc.line_offset
            fields.problems.error(fields.doc.path, line, "each author needs `name` (with optional `role`) or `org`")
    unique = list({(a.name, a.role, a.org): a for a in authors}.values())
    if len(unique) < len(authors):
        fields.warn("authors", "an author is listed twice; the repeat is ignored")
    return unique


def _corrections(fields: _Fields) -> list[Correction]:
    result = []
    for item in fields.mapping_list("corrections"):
        line = (item.line if isinstance(item, Node) else fields.node.line_of("corrections")) + fields.doc.line_offset
        if not isinstance(item, Node) or "date" not in item or not str(item.get("note") or "").strip():
            fields.problems.error(fields.doc.path, line, "each correction needs `date` and `note`")
            continue
        date = parse_date(item["date"], lambda msg: fields.problems.error(fields.doc.path, line, msg))
        if date:
            result.append(Correction(date, clean_text(str(item["note"]))))
    return sorted(result, key=lambda c: c.date)


ARTICLE_FIELDS = {"title", "kicker", "subtitle", "authors", "column", "kind", "id", "page",
                  "corrections", "draft"}
ISSUE_FIELDS = {"date", "date_approximate", "total_number", "number", "lunar", "weekday", "pages"}
PAGE_FIELDS = {"number", "name", "editor", "staff", "pdf", "image", "regions"}


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _children(folder: Path, root: Path, problems: Problems) -> list[Path]:
    """Visible entries of a folder, sorted; links that leave the content tree are refused."""
    result = []
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        if child.name.startswith("."):
            continue
        if child.is_symlink() and not _inside(child, root):
            problems.error(child, 1, "symbolic link points outside the content folder")
            continue
        result.append(child)
    return result


# Parsed articles by (path, file digest): (the previous build's, this build's, known digests by path).
_parsed: tuple[dict, dict, dict] | None = None


LONG_ARTICLE_BYTES = 1_000_000  # a long printed report is ~100 KB; a whole book is a few MB


def _read_article(path: Path, issue: Issue, default_kind: str, problems: Problems) -> Article | None:
    match = ARTICLE_FILE_RE.match(path.name)
    known = _parsed[2].get(str(path)) if _parsed is not None else None  # the digest, if the caller knows it
    key = (str(path), known) if known else None
    cached = _parsed[0].get(key) if key else None
    if cached is None:
        raw = path.read_bytes()
        key = (str(path), bytes_digest(raw))
        cached = _parsed[0].get(key) if _parsed is not None else None
    doc = cached[0] if cached else read_markdown_file(path, problems, raw)
    if doc is None:
        return None
    f = _Fields(doc, doc.meta, problems, ARTICLE_FIELDS)
    title = f.text("title", required=True)
    slug = f.text("id") or match.group(2)
    where = "id" if "id" in doc.meta else None
    fix = "change the id" if where else "rename the file or set `id`"
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        f.error(where, f"`{slug}` cannot be a URL: use ASCII a-z, 0-9 and - ({fix})")
    elif slug in WINDOWS_RESERVED:
        f.error(where, f"{_WINDOWS_PROBLEM.format(slug)} ({fix})")
    start_page = f.integer("page")
    if start_page is not None and issue.publication.kind != "periodical":
        f.warn("page", "`page` is for periodicals; a newspaper article's page is its folder")
    elif start_page is None and issue.publication.kind == "periodical":
        f.warn(None, "periodical article has no `page:`, so the 目录 shows no page number")
    article = Article(
        source=path,
        slug=slug,
        order=(int(match.group(1)) if match.group(1) else float("inf"), path.name),
        title=title,
        kind=f.choice("kind", KINDS, default_kind),
        kicker=f.text("kicker"),
        subtitle=f.text("subtitle"),
        authors=_authors(f),
        column=f.text("column"),
        start_page=start_page,
        corrections=_corrections(f),
        id_line=f.line("id") if "id" in doc.meta else 0,
        draft=f.flag("draft"),
        issue=issue,
    )
    if article.draft:
        f.warn("draft", "draft: review it against the import report, then remove `draft: true`")
    size = path.stat().st_size
    if size > LONG_ARTICLE_BYTES:
        problems.warn(path, doc.body_line, f"the file is {size / 1e6:.1f} MB, longer than any printed article: "
                                           "check that a whole file was not pasted in; readers download all of it "
                                           "with the page")

    def asset_url(src: str) -> str:
        return "media/" + posixpath.relpath(posixpath.normpath(posixpath.join(media_base, src)))

    media_base = path.parent.relative_to(issue.source).as_posix()
    body = cached[1] if cached else markup.render_body(doc.body, asset_url)
    if _parsed is not None:  # the Markdown source is not needed again: keep the state small
        _parsed[1][key] = (dataclasses.replace(doc, body="") if doc.body else doc, body)
    article.digest = doc.digest
    for src, offset in body.assets:
        line = doc.body_line + offset
        if not markup.is_local_path(src):
            problems.error(path, line, f"image `{src}` must be a file inside the content folder")
        elif not (path.parent / src).is_file():
            problems.error(path, line, f"`{src}` not found")
        else:
            issue.assets.append((path.parent / src, issue.dir + asset_url(src)))
    article.html, article.text, article.lead, article.gaps = body.html, body.text, body.lead, body.gaps
    return article


def _read_pages(doc: Document, f: _Fields, issue: Issue, problems: Problems) -> None:
    seen = set()
    for item in f.mapping_list("pages"):
        if not isinstance(item, Node):
            f.error("pages", "each page needs `number` and `name`")
            continue
        pf = _Fields(doc, item, problems, PAGE_FIELDS)
        number, name = pf.integer("number"), pf.text("name", required=True)
        if number is None or number < 1:
            pf.error("number" if "number" in item else None, "page `number` must be 1 or more")
            continue
        if number in seen:
            pf.error("number", f"page {number} is declared twice")
            continue
        seen.add(number)
        staff = item.get("staff") or {}
        if not isinstance(staff, dict):
            pf.error("staff", "`staff` must be a mapping such as {版式: 李四}")
            staff = {}
        page = Page(number, name, pf.line(), editor=pf.text("editor"),
                    staff={clean_text(str(k)): clean_text(str(v)) for k, v in staff.items()}, issue=issue)
        for key in ("pdf", "image"):
            src = pf.text(key)
            if not src:
                continue
            if not markup.is_local_path(src):
                pf.error(key, f"`{src}` must be a file inside the issue folder")
            elif not (issue.source / src).is_file():
                pf.error(key, f"{key} file `{src}` not found")
            else:
                setattr(page, key, f"{issue.dir}{posixpath.normpath(src)}")
                issue.assets.append((issue.source / src, getattr(page, key)))
        page.region_specs = _region_specs(doc, pf, item, problems)
        if page.region_specs and "image" not in item:
            pf.error("regions", "`regions` mark articles on the page image: give the page an `image` too")
        issue.pages.append(page)
    issue.pages.sort(key=lambda p: p.number)


def _region_specs(doc: Document, pf: "_Fields", item: Node, problems: Problems) -> list[tuple[str, list, int]]:
    """`regions: [{article: slug, box: [x, y, width, height]}]`, in percent of the image."""
    specs = []
    for region in pf.mapping_list("regions"):
        line = doc.line_offset + (region.line if isinstance(region, Node) else pf.line("regions"))
        if not isinstance(region, Node) or set(region) != {"article", "box"}:
            problems.error(doc.path, line, "each region needs exactly `article` (its file slug or id) and `box`")
            continue
        box = region["box"]
        numbers = isinstance(box, list) and len(box) == 4 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in box)
        if not numbers or min(box) < 0 or box[2] <= 0 or box[3] <= 0 or box[0] + box[2] > 100 \
                or box[1] + box[3] > 100:
            problems.error(doc.path, line, "`box` must be [x, y, width, height] in percent of the image, "
                                           f"inside 0–100, e.g. [0, 12, 62, 30]; got {box!r}")
            continue
        specs.append((str(region["article"]), [float(v) for v in box], line))
    return specs


def _read_issue(folder: Path, pub: Publication, root: Path, problems: Problems) -> Issue | None:
    meta_path = folder / "issue.yml"
    doc = _required_yaml(meta_path, problems, "issue folder has no issue.yml")
    if doc is None:
        return None
    f = _Fields(doc, doc.meta, problems, ISSUE_FIELDS)
    date = f.date("date", required=True)
    if date is None:
        return None
    issue = Issue(folder, date, date_approximate=f.text("date_approximate"),
                  total_number=f.integer("total_number"), number=f.integer("number"),
                  lunar=f.text("lunar"), publication=pub)
    weekday = f.text("weekday")
    if weekday and weekday != issue.weekday:
        f.error("weekday", f"weekday {weekday} contradicts the date {date.isoformat()}, a {issue.weekday}")
    newspaper = pub.kind == "newspaper"
    if newspaper:
        _read_pages(doc, f, issue, problems)
        if not issue.pages and "pages" in doc.meta:
            f.error("pages", "the issue declares no valid pages")
        elif "pages" not in doc.meta:
            f.error(None, "a newspaper issue needs `pages` (number and name of each 版面)")
    elif "pages" in doc.meta:
        f.warn("pages", "a periodical's articles carry `page:` instead of page folders")
    pages = {p.number: p for p in issue.pages}
    default_kind = "news" if newspaper else "journal_article"
    for child in _children(folder, root, problems):
        if child.is_dir():
            if not newspaper:
                problems.error(child, 1, "a periodical issue keeps its articles in the issue folder, not in subfolders")
            elif not child.name.isdigit():
                stray = next(child.rglob("*.md"), None)
                if stray:  # any other folder holds files such as PDFs and images
                    problems.error(stray, 1, "a newspaper's articles belong in a page folder such as 01/")
            elif int(child.name) not in pages:
                f.error("pages", f"page folder `{child.name}/` is not declared under `pages`")
            elif pages[int(child.name)].articles:
                problems.error(child, 1, f"a second folder for page {int(child.name)}; keep one of them")
            else:
                page = pages[int(child.name)]
                files = [c for c in _children(child, root, problems) if c.suffix == ".md"]
                page.articles = [a for a in (_read_article(c, issue, default_kind, problems) for c in files) if a]
                page.articles.sort(key=lambda a: a.order)
                for article in page.articles:
                    article.page = page
        elif child.suffix == ".md":
            if newspaper:
                problems.error(child, 1, "a newspaper's articles belong in a page folder such as 01/")
            else:
                article = _read_article(child, issue, default_kind, problems)
                if article:
                    issue.articles.append(article)
    if newspaper:
        issue.articles = [a for p in issue.pages for a in p.articles]
        for page in issue.pages:
            on_page = {a.slug: a for a in page.articles}
            for slug, (x, y, w, h), line in page.region_specs:
                if slug not in on_page:
                    problems.error(meta_path, line, f"region for `{slug}`: page {page.number} has no such article "
                                                    f"(its articles: {', '.join(on_page) or 'none'})")
                else:
                    page.regions.append(Region(on_page[slug], x, y, w, h))
        for page in issue.pages:
            if not (folder / f"{page.number:02d}").is_dir() and not (folder / str(page.number)).is_dir():
                problems.warn(meta_path, page.line, f"page {page.number} has no folder {page.number:02d}/")
    else:
        issue.articles.sort(key=lambda a: a.order)
    if not issue.articles:
        f.warn(None, "issue has no articles")
    issue.meta_digest = doc.digest
    issue.digest = digest(doc.digest, [(str(a.source.relative_to(folder)), a.digest) for a in issue.articles])
    _link(issue.pages)
    _link(issue.articles)
    return issue


def _link(items: list) -> None:
    for before, after in zip(items, items[1:]):
        before.next, after.prev = after, before


def _required_yaml(path: Path, problems: Problems, missing: str) -> Document | None:
    if not path.is_file():
        problems.error(path, 1, missing)
        return None
    return read_yaml_file(path, problems)


def _read_publication(folder: Path, root: Path, problems: Problems) -> Publication | None:
    doc = _required_yaml(folder / "publication.yml", problems, "publication.yml is missing")
    if doc is None:
        return None
    f = _Fields(doc, doc.meta, problems, {"name", "kind", "publisher", "frequency"})
    pub = Publication(folder.name, f.text("name", required=True), f.choice("kind", PUBLICATION_KINDS, "newspaper"),
                      publisher=f.text("publisher"), frequency=f.text("frequency"))
    by_date: dict[dt.date, Issue] = {}
    for child in _children(folder, root, problems):
        if not child.is_dir():
            continue
        issue = _read_issue(child, pub, root, problems)
        if issue is None:
            continue
        if issue.date in by_date:
            problems.error(child / "issue.yml", 1,
                           f"another issue of {pub.name} has the same date: {by_date[issue.date].source}")
            continue
        by_date[issue.date] = issue
    pub.issues = [by_date[d] for d in sorted(by_date)]
    _link(pub.issues)
    return pub


def _check_ids(site: Site, problems: Problems) -> None:
    by_url: dict[str, Article] = {}
    by_id: dict[str, Article] = {}
    for article in site.articles:
        line = article.id_line or 1
        if article.url in by_url:
            what = f"duplicate id `{article.slug}`" if article.id_line else "file name gives the same URL as"
            problems.error(article.source, line, f"{what}: {by_url[article.url].source} ({article.url})")
        elif article.id_line and article.slug in by_id:
            problems.error(article.source, line, f"duplicate id `{article.slug}`, also used by "
                                                 f"{by_id[article.slug].source}")
        by_url.setdefault(article.url, article)
        if article.id_line:
            by_id.setdefault(article.slug, article)


def load_site(content: Path, base_url: str | None = None, parsed: dict | None = None,
              digests: dict | None = None) -> Site:
    """Read and check the whole content tree; raise ContentError listing every error.

    ``parsed`` caches parsed articles between builds: pass the previous build's
    dict and it is updated in place with this build's articles. ``digests``
    gives files' content digests already known (path → digest), so a cached
    article is not even read again.
    """
    global _parsed
    fresh: dict = {}
    _parsed = (parsed, fresh, digests or {}) if parsed is not None else None
    try:
        site = _load_site(Path(content), base_url)
    finally:
        _parsed = None
    if parsed is not None:  # keep only what this build read, so deleted files leave the cache
        parsed.clear()
        parsed.update(fresh)
    return site


def _load_site(content: Path, base_url: str | None) -> Site:
    problems = Problems()
    site_doc = _required_yaml(content / "site.yml", problems, "site.yml is missing (is this a content folder?)")
    if site_doc is None:
        raise ContentError(problems.errors)
    f = _Fields(site_doc, site_doc.meta, problems, {"title", "language", "base_url", "publications",
                                                    "index_page_size", "qr"})
    site = Site(title=f.text("title", required=True), language=f.text("language") or "zh-CN",
                base_url=base_url if base_url is not None else f.text("base_url"),
                index_page_size=f.integer("index_page_size") or 20)
    site.qr = f.flag("qr")
    if site.qr and not site.base_url:
        f.warn("qr", "QR codes need the site's public address: set `base_url` or pass --base-url; none are drawn")
        site.qr = False
    if f.integer("index_page_size") == 0:
        f.error("index_page_size", "`index_page_size` must be 1 or more")
    listed = site_doc.meta.get("publications") or []
    if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed):
        f.error("publications", "`publications` must be a list of publication folder names")
        listed = []
    folders = {c.name for c in _children(content, content, problems) if c.is_dir()}
    for number, slug in enumerate(listed):
        if slug in listed[:number]:
            f.error("publications", f"publication `{slug}` is listed twice")
        elif slug in RESERVED_FOLDERS:
            f.error("publications", f"`{slug}` is used by the site itself; rename the publication folder")
        elif slug not in folders:
            f.error("publications", f"publication folder `{slug}/` not found")
        elif not SLUG_RE.match(slug):
            f.error("publications", f"publication folder `{slug}` must be ASCII a-z, 0-9 and -")
        elif slug in WINDOWS_RESERVED:
            f.error("publications", f"{_WINDOWS_PROBLEM.format(slug)} (rename the publication folder)")
        else:
            pub = _read_publication(content / slug, content, problems)
            if pub:
                site.publications.append(pub)
    for folder in sorted(folders - set(listed)):
        if (content / folder / "publication.yml").is_file():
            f.warn("publications", f"publication `{folder}` is not listed in `publications` and is not built")
    if not listed:
        f.error("publications" if "publications" in site_doc.meta else None,
                "site.yml lists no `publications` to build")
    _check_ids(site, problems)
    if problems.errors:
        raise ContentError(sorted(problems.errors))
    site.warnings = sorted(problems.warnings)
    return site
