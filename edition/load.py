"""Read and check the content: files → parsed records → the model (``edition/model.py``).

Two steps, so that a build parses only what changed:

- **parse**: one file's bytes → a record, plain tuples that the build state
  keeps, plus the article's body and the problems found. A record depends only
  on the file and on its publication's kind, so a file whose digest is
  unchanged keeps its record and is not even read.
- **assemble**: records and the content scan → the model, with every check
  that involves more than one file (page folders, regions, duplicate ids,
  images that must exist).

Every problem is collected, with its ``path:line``; ``load`` raises one
``ContentError`` listing all of them, and returns the warnings with the site.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from . import facts, markup, parallel, urls
from .errors import ContentError, Problem, Problems
from .model import Article, Author, Body, Correction, Issue, Page, Publication, Region, Site
from .reader import Document, Node, read_markdown_file, read_yaml_file
from .scan import Scan, bytes_digest, scan as scan_folder

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ARTICLE_FILE_RE = re.compile(r"^(?:(\d+)-)?(.+)\.md$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
RESERVED_SLUGS = {"index"}
_WINDOWS_PROBLEM = ("`{}` is a reserved device name on Windows, so the site could not be copied to a USB stick "
                    "or opened there")
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
PUBLICATION_KINDS = ("newspaper", "periodical")
ARTICLE_FIELDS = {"title", "kicker", "subtitle", "authors", "column", "kind", "id", "page",
                  "corrections", "draft"}
ISSUE_FIELDS = {"date", "date_approximate", "total_number", "number", "lunar", "weekday", "pages"}
PAGE_FIELDS = {"number", "name", "editor", "staff", "pdf", "image", "regions"}
LONG_ARTICLE_BYTES = 1_000_000  # a long printed report is ~100 KB; a whole book is a few MB
RECORD_VERSION = 1  # of the tuples below, as the build state keeps them
_INVISIBLE = dict.fromkeys(facts.INVISIBLE)


class ArticleRecord(NamedTuple):
    """One parsed article file, checked on its own."""

    periodical: bool  # the publication kind it was parsed for
    slug: str
    order: tuple  # (file-name prefix or a large number, file name)
    title: str
    kind: str
    kicker: str
    subtitle: str
    authors: tuple  # (name, role, is organisation)
    column: str
    start_page: int | None
    corrections: tuple  # (ISO date, note), oldest first
    id_line: int
    draft: bool
    lead: str
    assets: tuple  # (relative path, line) of local images and linked files
    problems: tuple  # (line, message, severity) found in the file itself


class PageRecord(NamedTuple):
    number: int
    name: str
    line: int
    editor: str
    staff: tuple  # (role, name)
    files: tuple  # (field: "pdf" or "image", relative path, line)
    regions: tuple  # (article slug, (x, y, w, h), line)


class IssueRecord(NamedTuple):
    periodical: bool
    line: int  # of the mapping (for problems about the whole file)
    pages_line: int
    date: str  # ISO
    date_approximate: str
    total_number: int | None
    number: int | None
    lunar: str
    pages: tuple[PageRecord, ...]
    declares_pages: bool
    problems: tuple


class Parsed(NamedTuple):
    """What parsing one file gave: its record (None if it could not be read), its body, its problems."""

    record: tuple | None
    body: Body | None
    problems: tuple  # Problem


def clean_text(value: str) -> str:
    """Metadata is one line of visible text: drop zero-width and bidi controls, fold space."""
    return " ".join(value.translate(_INVISIBLE).split())


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


def _authors(fields: _Fields) -> tuple:
    authors = []
    for item in fields.mapping_list("authors"):
        if isinstance(item, str) and clean_text(item):
            authors.append((clean_text(item), "", False))
        elif isinstance(item, Node) and ("name" in item or "org" in item):
            unknown = set(item) - {"name", "role", "org"}
            if unknown:
                fields.problems.warn(fields.doc.path, item.line + fields.doc.line_offset,
                                     f"unknown author field `{sorted(unknown)[0]}` (ignored)")
            if "org" in item:
                authors.append((clean_text(str(item["org"])), "", True))
            else:
                authors.append((clean_text(str(item["name"])), clean_text(str(item.get("role") or "")), False))
            if not authors[-1][0]:
                fields.problems.error(fields.doc.path, item.line + fields.doc.line_offset, "author name is empty")
                authors.pop()
        else:
            line = (item.line if isinstance(item, Node) else fields.node.line_of("authors")) + fields.doc.line_offset
            fields.problems.error(fields.doc.path, line, "each author needs `name` (with optional `role`) or `org`")
    unique = tuple(dict.fromkeys(authors))
    if len(unique) < len(authors):
        fields.warn("authors", "an author is listed twice; the repeat is ignored")
    return unique


def _corrections(fields: _Fields) -> tuple:
    result = []
    for item in fields.mapping_list("corrections"):
        line = (item.line if isinstance(item, Node) else fields.node.line_of("corrections")) + fields.doc.line_offset
        if not isinstance(item, Node) or "date" not in item or not str(item.get("note") or "").strip():
            fields.problems.error(fields.doc.path, line, "each correction needs `date` and `note`")
            continue
        date = parse_date(item["date"], lambda msg: fields.problems.error(fields.doc.path, line, msg))
        if date:
            result.append((date.isoformat(), clean_text(str(item["note"]))))
    return tuple(sorted(result, key=lambda c: c[0]))


def _outcome(record: tuple | None, body: Body | None, problems: Problems) -> Parsed:
    """A record with errors still takes part in this build's checks (all problems are found in one
    run); it is never kept, because a build with errors stops before it saves anything."""
    return Parsed(record, body, tuple(problems.items))


def parse_article(shown: str, raw: bytes, periodical: bool) -> Parsed:
    """One article file (``shown`` is its path as problems name it) → its record and body."""
    problems = Problems()
    doc = read_markdown_file(shown, problems, raw)
    if doc is None:
        return _outcome(None, None, problems)
    name = posixpath.basename(shown)
    match = ARTICLE_FILE_RE.match(name)
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
    if start_page is not None and not periodical:
        f.warn("page", "`page` is for periodicals; a newspaper article's page is its folder")
    elif start_page is None and periodical:
        f.warn(None, "periodical article has no `page:`, so the 目录 shows no page number")
    kind = f.choice("kind", facts.KINDS, "journal_article" if periodical else "news")
    kicker, subtitle, authors, column = f.text("kicker"), f.text("subtitle"), _authors(f), f.text("column")
    corrections = _corrections(f)
    id_line = f.line("id") if "id" in doc.meta else 0
    draft = f.flag("draft")
    if draft:
        f.warn("draft", "draft: review it against the import report, then remove `draft: true`")
    if len(raw) > LONG_ARTICLE_BYTES:
        problems.warn(shown, doc.body_line, f"the file is {len(raw) / 1e6:.1f} MB, longer than any printed article: "
                                            "check that a whole file was not pasted in; readers download all of it "
                                            "with the page")
    # Pictures and linked files are published under the issue's media/ folder, by their path there.
    media_base = "" if periodical else posixpath.basename(posixpath.dirname(shown))
    body = markup.render_body(doc.body, lambda src: media_url(media_base, src))
    assets = []
    for src, offset in body.assets:
        line = doc.body_line + offset
        if not markup.is_local_path(src):
            problems.error(shown, line, f"image `{src}` must be a file inside the content folder")
        else:
            assets.append((src, line))
    order = (int(match.group(1)) if match.group(1) else 1 << 62, name)
    record = ArticleRecord(periodical, slug, order, title, kind, kicker, subtitle, authors, column, start_page,
                           corrections, id_line, draft, body.lead, tuple(assets),
                           tuple((p.line, p.message, p.severity) for p in problems.items))
    return _outcome(tuple(record), Body(body.html, body.text, body.gaps), problems)


def media_url(media_base: str, src: str) -> str:
    """Where an article's picture or linked file is published, relative to its issue folder."""
    return "media/" + posixpath.relpath(posixpath.normpath(posixpath.join(media_base, src)))


def parse_issue(shown: str, raw: bytes, periodical: bool) -> Parsed:
    """One ``issue.yml`` → its record: the issue's metadata and its pages (版面)."""
    problems = Problems()
    doc = read_yaml_file(shown, problems, raw)
    if doc is None:
        return _outcome(None, None, problems)
    f = _Fields(doc, doc.meta, problems, ISSUE_FIELDS)
    date = f.date("date", required=True)
    if date is None:
        return _outcome(None, None, problems)
    record_fields = dict(date_approximate=f.text("date_approximate"), total_number=f.integer("total_number"),
                         number=f.integer("number"), lunar=f.text("lunar"))
    weekday = f.text("weekday")
    if weekday and weekday != facts.weekday(date):
        f.error("weekday", f"weekday {weekday} contradicts the date {date.isoformat()}, a {facts.weekday(date)}")
    pages: list[PageRecord] = []
    if not periodical:
        pages = _pages(doc, f, problems)
        if not pages and "pages" in doc.meta:
            f.error("pages", "the issue declares no valid pages")
        elif "pages" not in doc.meta:
            f.error(None, "a newspaper issue needs `pages` (number and name of each 版面)")
    elif "pages" in doc.meta:
        f.warn("pages", "a periodical's articles carry `page:` instead of page folders")
    record = IssueRecord(periodical, f.line(), f.line("pages"), date.isoformat(), pages=tuple(map(tuple, pages)),
                         declares_pages="pages" in doc.meta,
                         problems=tuple((p.line, p.message, p.severity) for p in problems.items), **record_fields)
    return _outcome(tuple(record), None, problems)


def _pages(doc: Document, f: _Fields, problems: Problems) -> list[PageRecord]:
    pages, seen = [], set()
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
        files = []
        for key in ("pdf", "image"):
            src = pf.text(key)
            if not src:
                continue
            if not markup.is_local_path(src):
                pf.error(key, f"`{src}` must be a file inside the issue folder")
            else:
                files.append((key, posixpath.normpath(src), pf.line(key)))
        regions = _region_specs(doc, pf, item, problems)
        if regions and "image" not in item:
            pf.error("regions", "`regions` mark articles on the page image: give the page an `image` too")
        pages.append(PageRecord(number, name, pf.line(), pf.text("editor"),
                                tuple((clean_text(str(k)), clean_text(str(v))) for k, v in staff.items()),
                                tuple(files), tuple(regions)))
    return sorted(pages, key=lambda p: p.number)


def _region_specs(doc: Document, pf: _Fields, item: Node, problems: Problems) -> list[tuple]:
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
        specs.append((str(region["article"]), tuple(float(v) for v in box), line))
    return specs


@dataclass
class Loaded:
    """The model, the bodies parsed by this build, and every record it used."""

    site: Site
    bodies: dict[str, Body]  # article source → body, of the articles parsed by this build
    records: dict[str, tuple[str, tuple]]  # content path → (digest, record) of every article and issue.yml
    parsed: dict[str, Parsed]  # the files parsed by this build (the others kept their records)


def load(scan: Scan, cache: dict[str, tuple[str, tuple]] | None = None, base_url: str | None = None,
         jobs: int = 1) -> Loaded:
    """Read and check the content of ``scan``; raise ContentError listing every error.

    ``cache`` holds the records of the last build by content path, with the digest
    they were made from: a file whose digest matches keeps its record.
    """
    return _Loader(scan, cache or {}, jobs).load(base_url)


def load_site(content, base_url: str | None = None) -> Loaded:
    """The model of a content folder, without any build state (tools and tests)."""
    return load(scan_folder(str(content)), base_url=base_url)


class _Loader:
    def __init__(self, scan: Scan, cache: dict, jobs: int):
        self.scan, self.cache, self.jobs = scan, cache, jobs
        self.problems = Problems()
        self.records: dict[str, tuple[str, tuple]] = {}
        self.parsed: dict[str, Parsed] = {}

    def shown(self, rel: str) -> str:
        """A content path as problems name it: under the content folder as the build was given it."""
        return self.scan.path(rel)

    def is_file(self, rel: str) -> bool:
        return rel in self.scan.files

    def is_dir(self, rel: str) -> bool:
        return rel in self.scan.folders

    def children(self, rel: str) -> list[str]:
        """Visible entries of a folder as paths; links that leave the content tree are refused."""
        result = []
        for name in self.scan.children(rel):
            child = f"{rel}/{name}" if rel else name
            if child in self.scan.escaping:
                self.problems.error(self.shown(child), 1, "symbolic link points outside the content folder")
            elif self.is_file(child) or self.is_dir(child):
                result.append(child)
        return result

    def first_markdown(self, folder: str) -> str | None:
        for child in self.children(folder):
            found = child if child.endswith(".md") and self.is_file(child) else \
                self.first_markdown(child) if self.is_dir(child) else None
            if found:
                return found
        return None

    def yaml(self, rel: str, missing: str) -> Document | None:
        if not self.is_file(rel):
            self.problems.error(self.shown(rel), 1, missing)
            return None
        return read_yaml_file(self.shown(rel), self.problems, self.scan.read(rel))

    # -- parsing, with the records of the last build -------------------------------------------

    def records_of(self, files: list[tuple[str, bool]], parse) -> dict[str, tuple | None]:
        """Records of (content path, periodical) files: the cached ones, the rest parsed (on all cores)."""
        result, todo = {}, []
        for rel, periodical in files:
            digest = self.scan.files[rel].digest
            cached = self.cache.get(rel)
            if cached and cached[0] == digest and cached[1][0] == periodical:
                self.records[rel] = cached
                result[rel] = cached[1]
                self.problems.items += [Problem(self.shown(rel), *p) for p in cached[1][-1]]
            else:
                todo.append((rel, periodical))
        work = [(self.shown(rel), self.scan.read(rel), periodical) for rel, periodical in todo]
        for (rel, _), outcome in zip(todo, parallel.map(_parse_one, [(parse, *w) for w in work], self.jobs,
                                                        each=0.0004)):
            self.parsed[rel] = outcome
            self.problems.items += outcome.problems
            result[rel] = outcome.record
            if outcome.record is not None:
                self.records[rel] = (self.scan.files[rel].digest, outcome.record)
        return result

    # -- assembling -----------------------------------------------------------------------------

    def load(self, base_url: str | None) -> Loaded:
        problems = self.problems
        site_doc = self.yaml("site.yml", "site.yml is missing (is this a content folder?)")
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
        folders = {c for c in self.children("") if self.is_dir(c)}
        publications = []  # (publication, its issue folders)
        for number, slug in enumerate(listed):
            if slug in listed[:number]:
                f.error("publications", f"publication `{slug}` is listed twice")
            elif slug in urls.RESERVED_FOLDERS:
                f.error("publications", f"`{slug}` is used by the site itself; rename the publication folder")
            elif slug not in folders:
                f.error("publications", f"publication folder `{slug}/` not found")
            elif not SLUG_RE.match(slug):
                f.error("publications", f"publication folder `{slug}` must be ASCII a-z, 0-9 and -")
            elif slug in WINDOWS_RESERVED:
                f.error("publications", f"{_WINDOWS_PROBLEM.format(slug)} (rename the publication folder)")
            else:
                entry = self.publication(slug)
                if entry:
                    publications.append(entry)
        for folder in sorted(folders - set(listed)):
            if self.is_file(f"{folder}/publication.yml"):
                f.warn("publications", f"publication `{folder}` is not listed in `publications` and is not built")
        if not listed:
            f.error("publications" if "publications" in site_doc.meta else None,
                    "site.yml lists no `publications` to build")
        issue_files = [(f"{pub.slug}/{folder}/issue.yml", pub.kind == "periodical")
                       for pub, folders_of_pub in publications for folder in folders_of_pub
                       if self.is_file(f"{pub.slug}/{folder}/issue.yml")]
        issue_records = self.records_of(issue_files, "issue")
        plans = [(pub, folder, self.issue_plan(pub, folder, issue_records))
                 for pub, folders_of_pub in publications for folder in folders_of_pub]
        article_records = self.records_of([(rel, pub.kind == "periodical") for pub, _, plan in plans if plan
                                           for rel in plan[2]], "article")
        bodies = {rel: p.body for rel, p in self.parsed.items() if p.body is not None}
        for pub, folders_of_pub in publications:
            pub.issues = self.issues(pub, [plan for p, _, plan in plans if p is pub and plan], article_records)
            site.publications.append(pub)
        self.check_ids(site)
        if problems.errors:
            raise ContentError(sorted(problems.errors))
        site.warnings = sorted(problems.warnings)
        return Loaded(site, {self.shown(rel): body for rel, body in bodies.items()}, self.records, self.parsed)

    def publication(self, slug: str) -> tuple[Publication, list[str]] | None:
        doc = self.yaml(f"{slug}/publication.yml", "publication.yml is missing")
        if doc is None:
            return None
        f = _Fields(doc, doc.meta, self.problems, {"name", "kind", "publisher", "frequency"})
        pub = Publication(slug, f.text("name", required=True), f.choice("kind", PUBLICATION_KINDS, "newspaper"),
                          publisher=f.text("publisher"), frequency=f.text("frequency"))
        folders = []
        for child in self.children(slug):
            if self.is_dir(child):
                folders.append(posixpath.basename(child))
                if not self.is_file(f"{child}/issue.yml"):
                    self.problems.error(self.shown(f"{child}/issue.yml"), 1, "issue folder has no issue.yml")
        return pub, folders

    def issue_plan(self, pub: Publication, folder: str, records: dict):
        """(issue record, issue folder, article files to read, structure problems) of one folder, or None."""
        base = f"{pub.slug}/{folder}"
        record = records.get(f"{base}/issue.yml")
        if record is None:
            return None
        record = IssueRecord._make(record)
        record = record._replace(pages=tuple(PageRecord._make(p) for p in record.pages))
        newspaper = pub.kind == "newspaper"
        declared = {p.number for p in record.pages}
        meta = self.shown(f"{base}/issue.yml")
        files, page_folders = [], {}
        for child in self.children(base):
            name = posixpath.basename(child)
            if self.is_dir(child):
                if not newspaper:
                    self.problems.error(self.shown(child), 1,
                                        "a periodical issue keeps its articles in the issue folder, not in subfolders")
                elif not name.isdigit():
                    stray = self.first_markdown(child)
                    if stray:  # any other folder holds files such as PDFs and images
                        self.problems.error(self.shown(stray), 1,
                                            "a newspaper's articles belong in a page folder such as 01/")
                elif int(name) not in declared:
                    self.problems.error(meta, record.pages_line, f"page folder `{name}/` is not declared under `pages`")
                elif int(name) in page_folders:
                    self.problems.error(self.shown(child), 1, f"a second folder for page {int(name)}; keep one of them")
                else:
                    page_folders[int(name)] = child
                    files += [c for c in self.children(child) if c.endswith(".md") and self.is_file(c)]
            elif name.endswith(".md"):
                if newspaper:
                    self.problems.error(self.shown(child), 1, "a newspaper's articles belong in a page folder such as 01/")
                else:
                    files.append(child)
        return record, base, files, page_folders

    def issues(self, pub: Publication, plans: list, records: dict) -> list[Issue]:
        by_date: dict[dt.date, Issue] = {}
        for record, base, files, page_folders in plans:
            issue = self.issue(pub, record, base, files, page_folders, records)
            if issue.date in by_date:
                self.problems.error(self.shown(f"{base}/issue.yml"), 1,
                                    f"another issue of {pub.name} has the same date: {by_date[issue.date].source}")
                continue
            by_date[issue.date] = issue
        issues = [by_date[d] for d in sorted(by_date)]
        _link(issues)
        return issues

    def issue(self, pub: Publication, record: IssueRecord, base: str, files: list[str], page_folders: dict,
              records: dict) -> Issue:
        date = dt.date.fromisoformat(record.date)
        meta_rel = f"{base}/issue.yml"
        meta = self.shown(meta_rel)
        issue = Issue(self.shown(base), date, record.date_approximate, record.total_number, record.number,
                      record.lunar, meta_digest=self.scan.files[meta_rel].digest, publication=pub,
                      dir=urls.issue_dir(pub.slug, date), url=urls.issue(pub.slug, date),
                      data_url=urls.issue_data(pub.slug, date))
        assets = []
        for p in record.pages:
            page = Page(p.number, p.name, p.line, editor=p.editor, staff=dict(p.staff), issue=issue,
                        url=urls.page(pub.slug, date, p.number))
            for key, src, line in p.files:
                if not self.is_file(f"{base}/{src}"):
                    self.problems.error(meta, line, f"{key} file `{src}` not found")
                else:
                    setattr(page, key, urls.issue_file(pub.slug, date, src))
                    assets.append((getattr(page, key), self.shown(f"{base}/{src}"),
                                   self.scan.files[f"{base}/{src}"].digest))
            issue.pages.append(page)
        pages = {p.number: p for p in issue.pages}
        articles = []
        for rel in files:
            fields = records.get(rel)
            if fields is None:
                continue
            r = ArticleRecord._make(fields)
            article = Article(self.shown(rel), r.slug, r.order, r.title, r.kind, r.kicker, r.subtitle,
                              tuple(Author(*a) for a in r.authors), r.column, r.start_page,
                              tuple(Correction(dt.date.fromisoformat(d), n) for d, n in r.corrections),
                              r.id_line, r.draft, self.scan.files[rel].digest, r.lead,
                              url=urls.article(pub.slug, date, r.slug), issue=issue)
            folder = posixpath.dirname(rel)
            media_base = "" if pub.kind == "periodical" else posixpath.basename(folder)
            for src, line in r.assets:
                file = posixpath.normpath(f"{folder}/{src}")
                if not self.is_file(file):
                    self.problems.error(article.source, line, f"`{src}` not found")
                else:
                    assets.append((issue.dir + media_url(media_base, src), self.shown(file),
                                   self.scan.files[file].digest))
            if pub.kind == "newspaper":
                article.page = pages[int(posixpath.basename(folder))]
            articles.append(article)
        if pub.kind == "newspaper":
            for page in issue.pages:
                page.articles = sorted((a for a in articles if a.page is page), key=lambda a: a.order)
                _link(page.articles)
            issue.articles = [a for p in issue.pages for a in p.articles]
            for page, spec in ((page, spec) for page, p in zip(issue.pages, record.pages) for spec in p.regions):
                slug, (x, y, w, h), line = spec
                on_page = {a.slug: a for a in page.articles}
                if slug not in on_page:
                    self.problems.error(meta, line, f"region for `{slug}`: page {page.number} has no such article "
                                                    f"(its articles: {', '.join(on_page) or 'none'})")
                else:
                    page.regions.append(Region(on_page[slug], x, y, w, h))
            for page in issue.pages:
                if page.number not in page_folders:
                    self.problems.warn(meta, page.line, f"page {page.number} has no folder {page.number:02d}/")
        else:
            issue.articles = sorted(articles, key=lambda a: a.order)
        if not issue.articles:
            self.problems.warn(meta, record.line, "issue has no articles")
        issue.assets = tuple(sorted(set(assets)))
        issue.digest = _issue_digest(issue.meta_digest, [(a.source, a.digest) for a in issue.articles])
        _link(issue.pages)
        _link(issue.articles)
        return issue

    def check_ids(self, site: Site) -> None:
        by_url: dict[str, Article] = {}
        by_id: dict[str, Article] = {}
        for article in site.articles:
            line = article.id_line or 1
            if article.url in by_url:
                what = f"duplicate id `{article.slug}`" if article.id_line else "file name gives the same URL as"
                self.problems.error(article.source, line, f"{what}: {by_url[article.url].source} ({article.url})")
            elif article.id_line and article.slug in by_id:
                self.problems.error(article.source, line, f"duplicate id `{article.slug}`, also used by "
                                                          f"{by_id[article.slug].source}")
            by_url.setdefault(article.url, article)
            if article.id_line:
                by_id.setdefault(article.slug, article)


def _issue_digest(meta_digest: str, articles: list[tuple[str, str]]) -> str:
    return bytes_digest(repr((meta_digest, articles)).encode("utf-8"))


def _link(items: list) -> None:
    for before, after in zip(items, items[1:]):
        before.next, after.prev = after, before


def _parse_one(job: tuple) -> Parsed:
    kind, shown, raw, periodical = job
    return (parse_article if kind == "article" else parse_issue)(shown, raw, periodical)
