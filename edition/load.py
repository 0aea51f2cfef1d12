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
import difflib
import io
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from . import facts, markup, parallel, urls
from .errors import ContentError, Problem, Problems
from .model import (Article, Author, Body, Correction, Headline, Issue, IssueSummary, Listed, ListedPage, Page,
                    Publication, Region, Site)
from .punctuation import content_warnings  # GB/T 15834, as the importer applies it: check and import agree
from .reader import Document, Node, control_message, read_markdown_file, read_yaml_file
from .scan import Scan, bytes_digest, scan as scan_folder

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ARTICLE_FILE_RE = re.compile(r"^(?:(\d+)-)?(.+)\.md$")
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
RESERVED_SLUGS = {"index"}
_WINDOWS_PROBLEM = ("`{}` is a reserved device name on Windows, so the site could not be copied to a USB stick "
                    "or opened there")
PUBLICATION_KINDS = ("newspaper", "periodical")
ARTICLE_FIELDS = {"title", "kicker", "subtitle", "authors", "column", "kind", "id", "page",
                  "corrections", "draft"}
ISSUE_FIELDS = {"date", "date_approximate", "total_number", "number", "lunar", "weekday", "pages"}
PAGE_FIELDS = {"number", "name", "editor", "staff", "pdf", "image", "thumbnail", "regions"}
REGION_FIELDS = {"article", "box", "page"}
MAX_SLUG = 100  # an article's page is <slug>.html; file systems allow names of 255 bytes
LONG_ARTICLE_BYTES = 1_000_000  # a long printed report is ~100 KB; a whole book is a few MB
RECORD_VERSION = 3  # of the tuples below, as the build state keeps them
IMAGE_HEADERS = (4096, 65536)  # bytes of an image read for its size: a JPEG's frame header may follow its EXIF
# What the importer writes where only an editor knows the answer (edition/ingest uses these too);
# `check` warns about each one left, and the site never shows the instruction to readers.
DATE_UNPRINTED = "报头未印日期"  # what readers are told of a date the masthead did not print
DATE_TODO = "导入时以 --date 给出，请核实并写明依据"
DATE_PLACEHOLDER = f"{DATE_UNPRINTED}；{DATE_TODO}"  # issue.yml `date_approximate`
TITLE_PLACEHOLDER = "（标题待补）"  # an article whose title the importer could not find
_INVISIBLE = dict.fromkeys(facts.INVISIBLE + facts.BLANK)  # removed from one-line metadata


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
    content: str  # digest of all of the above and the body: what pages can show of the file
    problems: tuple  # (line, message, severity) found in the file itself


class PageRecord(NamedTuple):
    number: int
    name: str
    line: int
    editor: str
    staff: tuple  # (role, name)
    files: tuple  # (field: "pdf", "image" or "thumbnail", relative path, line)
    regions: tuple  # (article slug, (x, y, w, h), line, number of the article's page or None: this one)


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
    """Metadata is one line of visible text: drop zero-width and bidi controls, blank fillers and
    control characters, fold space. Text with nothing visible left is empty."""
    value = " ".join(facts.CONTROL_RE.sub("", value).translate(_INVISIBLE).split())
    return value if any(map(facts.is_visible, value)) else ""


# What content may link and the site copies: files a browser shows or downloads but never runs.
# HTML, SVG, XML and scripts could run script on the site's own address, so they are refused
# (a page image may be SVG: it is cleaned of script, ``markup.clean_svg``).
IMAGE_TYPES = frozenset({"jpg", "jpeg", "png", "gif", "webp", "avif"})
LINKED_TYPES = IMAGE_TYPES | {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt",
                              "csv", "zip", "7z", "tar", "gz", "tgz", "mp3", "m4a", "ogg", "mp4", "webm"}
PAGE_PDF_TYPES = frozenset({"pdf"})
PAGE_IMAGE_TYPES = IMAGE_TYPES | {"svg"}
# Types a server may give a file whatever follows (Apache maps every extension: a.html.gz is HTML).
SCRIPT_TYPES = frozenset({"htm", "html", "xhtml", "xht", "shtml", "svg", "svgz", "xml", "xsl", "xslt", "js", "mjs",
                          "php", "cgi", "pl", "py", "asp", "aspx", "jsp", "swf", "wasm", "hta", "mht", "mhtml"})


def type_problem(path: str, allowed: frozenset) -> str:
    """Why a linked file of this name cannot be published, or ""."""
    parts = posixpath.basename(path).lower().split(".")
    kind = parts[-1] if len(parts) > 1 else ""
    choices = ", ".join(sorted(allowed))
    if kind not in allowed:
        why = "could run script in a reader's browser" if kind in SCRIPT_TYPES else "is not a type the site publishes"
        return f"`{_cut(path)}`: {f'a `.{kind}` file' if kind else 'a file without a type'} {why}; " \
               f"use one of: {choices}"
    risky = [p for p in parts[1:-1] if p in SCRIPT_TYPES]
    if risky:
        return f"`{_cut(path)}`: a name with `.{risky[0]}` in it may be served as `.{risky[0]}`, which could run " \
               "script in a reader's browser; rename the file"
    return ""


def _cut(text: str, size: int = 60) -> str:
    """Typed text as a message shows it: not too long, and control characters escaped (an ESC
    would reach the terminal)."""
    text = facts.escape_controls(text)
    return text if len(text) <= size else text[:size] + "…"


def _kind_of(value) -> str:
    """What YAML made of a value that should have been text or a number, as an editor calls it."""
    if isinstance(value, bool):
        return "true/false (put it in quotes to publish it as text)"
    return {list: "list", Node: "mapping", dict: "mapping"}.get(type(value), type(value).__name__)


def _shown(value) -> str:
    return _cut(repr(value), 40)


def _guess(key: str, known) -> str | None:
    """The known field an unknown key most likely means: one spelt alike (`titel`), or one typed
    with a full-width colon in a flow mapping (`{number：1}` has the key `number：1`)."""
    head = key.split("：", 1)[0].strip()
    if head != key and head in known:
        return head
    found = difflib.get_close_matches(key, sorted(known), n=1)
    return found[0] if found else None


def _unknown(key: str, guess: str, ignored: str = "", required: str = "") -> str:
    colon = '; 全角冒号「：」: use an ASCII colon ":"' if "：" in key else ""
    return f"unknown field `{_cut(key)}`{ignored}; did you mean `{guess}`?{required}{colon}"


def _misspelt(node, known) -> str:
    """What to add to a message about ``node`` for each of its keys that looks like a known field."""
    guesses = [(key, _guess(key, known)) for key in node if key not in known] if isinstance(node, Node) else []
    return "".join(f"; {_unknown(key, guess)}" for key, guess in guesses if guess)


WHOLE_NUMBER_RE = re.compile(r"^\+?[0-9]{1,15}$")


def whole_number(value) -> int | None:
    """A whole number as typed (YAML leaves plain scalars as text), or None if it is not one."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and WHOLE_NUMBER_RE.match(value.strip()):
        return int(value)
    return None


NUMBER_RE = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


def decimal(value) -> float | None:
    """A decimal number as typed (a region's box), or None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and NUMBER_RE.match(value.strip()):
        return float(value)
    return None


def parse_date(value, report, key: str = "date") -> dt.date | None:
    if not isinstance(value, str):
        report(f"`{key}` must be a date such as 2022-06-28, not {_kind_of(value)}")
        return None
    text = value.strip()
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
        self.misspelt: dict[str, tuple[str, int]] = {}  # absent field → the key typed for it, its warning
        for key in node:
            if key not in allowed:
                guess = _guess(key, allowed)
                if guess is None:
                    self.warn(key, f"unknown field `{_cut(key)}` (ignored)")
                    continue
                if guess not in node:
                    self.misspelt.setdefault(guess, (key, len(problems.items)))
                self.warn(key, _unknown(key, guess, " (ignored)"))

    def missing(self, key: str, message: str = "") -> None:
        """A required field that is absent: one error, at the key typed for it if there is one."""
        if key in self.misspelt:  # the warning about that key becomes the error
            typed, index = self.misspelt[key]
            self.problems.items[index] = Problem(str(self.doc.path), self.line(typed),
                                                 _unknown(typed, key, required=f" (`{key}` is required)"))
        else:
            self.error(None, message or f"missing required field `{key}`")

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
            if required and key in self.node:
                self.error(key, f"missing required field `{key}`")
            elif required:
                self.missing(key)
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(key, f"`{key}` must be text, not {_kind_of(value)}")
            return ""
        value = str(value)
        control = facts.CONTROL_RE.search(value)
        if control:
            self.warn(key, control_message(control.group(), len(facts.CONTROL_RE.findall(value)) - 1, f" from `{key}`"))
        value = clean_text(value)
        if required and not value:
            self.error(key, f"missing required field `{key}`: it has no visible text")
        return value

    def integer(self, key: str) -> int | None:
        value = self.node.get(key)
        if value is None:
            return None
        whole = whole_number(value)
        if whole is None:
            self.error(key, f"`{key}` must be a whole number, not {_shown(value)}")
        return whole

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
                self.missing(key) if key not in self.node else self.error(None, f"missing required field `{key}`")
            return None
        return parse_date(value, lambda msg: self.error(key, msg), key)

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
            author = _Fields(fields.doc, item, fields.problems, {"name", "role", "org"})
            key = "org" if "org" in item else "name"
            value = item[key]
            if value is None or (isinstance(value, str) and not clean_text(value)):
                author.error(key, "author name is empty")
                continue
            name = author.text(key)  # a list or a mapping is an error there
            if name:
                authors.append((name, "" if key == "org" else author.text("role"), key == "org"))
        else:
            line = (item.line if isinstance(item, Node) else fields.node.line_of("authors")) + fields.doc.line_offset
            fields.problems.error(fields.doc.path, line, "each author needs `name` (with optional `role`) or `org`"
                                  + _misspelt(item, {"name", "role", "org"}))
    unique = tuple(dict.fromkeys(authors))
    if len(unique) < len(authors):
        fields.warn("authors", "an author is listed twice; the repeat is ignored")
    return unique


def _corrections(fields: _Fields) -> tuple:
    result = []
    for item in fields.mapping_list("corrections"):
        line = (item.line if isinstance(item, Node) else fields.node.line_of("corrections")) + fields.doc.line_offset
        if not isinstance(item, Node) or "date" not in item or item.get("note") in (None, ""):
            fields.problems.error(fields.doc.path, line, "each correction needs `date` and `note`"
                                  + _misspelt(item, {"date", "note"}))
            continue
        correction = _Fields(fields.doc, item, fields.problems, {"date", "note"})
        date, note = correction.date("date"), correction.text("note", required=True)
        if date and note:
            result.append((date.isoformat(), note))
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
    if title == TITLE_PLACEHOLDER:
        f.warn("title", f"the title is still the importer's placeholder {TITLE_PLACEHOLDER}: give the article "
                        "its title")
    slug = f.text("id") or match.group(2)
    where = "id" if "id" in doc.meta else None
    fix = "change the id" if where else "rename the file or set `id`"
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        f.error(where, f"`{_cut(slug)}` cannot be a URL: use ASCII a-z, 0-9 and - ({fix})")
    elif len(slug) > MAX_SLUG:
        f.error(where, f"`{_cut(slug)}` is {len(slug)} characters long, too long for a file name on the site: "
                       f"keep it to {MAX_SLUG} ({fix})")
    elif facts.is_device_name(slug):
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
        f.warn("draft", "draft: review it against the import report, then remove `draft: true`; until then "
                        "builds leave it out (`build --drafts` shows it, marked 草稿)")
    if len(raw) > LONG_ARTICLE_BYTES:
        problems.warn(shown, doc.body_line, f"the file is {len(raw) / 1e6:.1f} MB, longer than any printed article: "
                                            "check that a whole file was not pasted in; readers download all of it "
                                            "with the page")
    # Pictures and linked files are published under the issue's media/ folder, by their path there.
    media_base = "" if periodical else posixpath.basename(posixpath.dirname(shown))
    body = markup.render_body(doc.body, lambda src: media_url(media_base, src))
    for offset, message, severity in body.problems:
        (problems.error if severity == "error" else problems.warn)(shown, doc.body_line + offset, message)
    headlines = [(f.line(key), value) for key, value in (("title", title), ("kicker", kicker), ("subtitle", subtitle))
                 if value]
    for line, message in content_warnings(headlines, doc.body, doc.body_line):
        problems.warn(shown, line, message)
    assets = []
    for src, offset, image in body.assets:
        line = doc.body_line + offset
        refused = type_problem(src, IMAGE_TYPES if image else LINKED_TYPES)
        if not markup.is_local_path(src):
            problems.error(shown, line, f"image `{_cut(src)}` must be a file inside the content folder")
        elif refused:
            problems.error(shown, line, ("image " if image else "linked file ") + refused)
        else:
            assets.append((src, line))
    order = (int(match.group(1)) if match.group(1) else 1 << 62, name)
    fields = (periodical, slug, order, title, kind, kicker, subtitle, authors, column, start_page, corrections, id_line,
              draft, body.lead, tuple(assets))
    record = ArticleRecord(*fields, digest_of(fields, body.html, body.text),
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
    record_fields = dict(date_approximate=_date_reason(f), total_number=f.integer("total_number"),
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


def _date_reason(f: _Fields) -> str:
    """`date_approximate` as readers may see it: the importer's instruction to the editor is a
    warning, never reader text (the date still shows as inferred, for the reason the page gave)."""
    reason = f.text("date_approximate")
    if DATE_TODO not in reason:
        return reason
    f.warn("date_approximate", f"`date_approximate` still holds the importer's placeholder 「{DATE_TODO}」: check "
                               "the date and write how it was found (e.g. 据文末日期推定); until then the site shows "
                               "the date as inferred, without that sentence")
    return reason.replace(DATE_TODO, "").strip("；;，, ") or DATE_UNPRINTED


def _pages(doc: Document, f: _Fields, problems: Problems) -> list[PageRecord]:
    pages, seen = [], set()
    for item in f.mapping_list("pages"):
        if not isinstance(item, Node):
            f.error("pages", "each page needs `number` and `name`")
            continue
        pf = _Fields(doc, item, problems, PAGE_FIELDS)
        number, name = pf.integer("number"), pf.text("name", required=True)
        if number is None or number < 1:
            pf.error("number", "page `number` must be 1 or more") if "number" in item else pf.missing(
                "number", "page `number` must be 1 or more")
            continue
        if number in seen:
            pf.error("number", f"page {number} is declared twice")
            continue
        seen.add(number)
        staff = item.get("staff") or Node()
        if not isinstance(staff, Node):
            pf.error("staff", "`staff` must be a mapping such as {版式: 李四}")
            staff = Node()
        staff_fields = _Fields(doc, staff, problems, set(staff))
        staff_names = [(clean_text(role), staff_fields.text(role)) for role in staff]
        files = []
        for key, types in (("pdf", PAGE_PDF_TYPES), ("image", PAGE_IMAGE_TYPES), ("thumbnail", IMAGE_TYPES)):
            src = pf.text(key)
            if not src:
                continue
            refused = type_problem(src, types)
            if not markup.is_local_path(src):
                pf.error(key, f"`{_cut(src)}` must be a file inside the issue folder")
            elif refused:
                pf.error(key, f"{key} {refused}")
            else:
                files.append((key, posixpath.normpath(src), pf.line(key)))
        regions = _region_specs(doc, pf, number, problems)
        if regions and "image" not in item:
            pf.error("regions", "`regions` mark articles on the page image: give the page an `image` too")
        pages.append(PageRecord(number, name, pf.line(), pf.text("editor"),
                                tuple((role, name) for role, name in staff_names if role and name),
                                tuple(files), tuple(regions)))
    return sorted(pages, key=lambda p: p.number)


def _region_specs(doc: Document, pf: _Fields, number: int, problems: Problems) -> list[tuple]:
    """`regions: [{article: slug, box: [x, y, width, height]}]`, in percent of the image. An
    article may have several; `page: N` names an article of page N continued on this one."""
    specs = []
    for region in pf.mapping_list("regions"):
        line = doc.line_offset + (region.line if isinstance(region, Node) else pf.line("regions"))
        if not isinstance(region, Node) or not {"article", "box"} <= set(region) <= REGION_FIELDS:
            problems.error(doc.path, line, "each region needs exactly `article` (its file slug or id) and `box`, "
                           "and `page` for an article of another page" + _misspelt(region, REGION_FIELDS))
            continue
        owner = whole_number(region["page"]) if "page" in region else None
        if "page" in region and owner is None:
            problems.error(doc.path, line, "`page` must be the number of the page the article belongs to (its "
                                           f"folder), e.g. `page: 1`; got {_shown(region['page'])}")
            continue
        if owner == number:
            problems.error(doc.path, line, f"`page: {owner}` is the page this region is on: leave `page` out "
                                           "(it names an article of another page, continued here)")
            continue
        typed = region["box"]
        box = [decimal(v) for v in typed] if isinstance(typed, list) and len(typed) == 4 else []
        if None in box or not box or min(box) < 0 or box[2] <= 0 or box[3] <= 0 or box[0] + box[2] > 100 \
                or box[1] + box[3] > 100:
            shown = f"[{', '.join(map(str, typed))}]" if isinstance(typed, list) else _shown(typed)
            problems.error(doc.path, line, "`box` must be [x, y, width, height] in percent of the image, "
                                           f"inside 0–100, e.g. [0, 12, 62, 30]; got {shown}")
            continue
        article = region["article"]
        if not isinstance(article, str):
            problems.error(doc.path, line, f"`article` must be an article's file slug or id, not {_kind_of(article)}")
            continue
        specs.append((article.strip(), tuple(box), line, owner))
    return specs


class Content:
    """The site as a content scan shows it: its settings, its publications and their issue folders.

    Reading this costs a few small files whatever the archive's size; the issues
    themselves are loaded by ``Issues``, only those a build needs.
    """

    def __init__(self, scan: Scan, base_url: str | None = None):
        self.scan = scan
        self.problems = Problems()
        self.folders: dict[str, list[str]] = {}  # publication slug → its issue folders (ids), sorted
        self.site = self._site(base_url)
        self.digests = self._digests()

    def shown(self, rel: str) -> str:
        """A content path as problems name it: under the content folder as the build was given it."""
        return self.scan.path(rel)

    def is_file(self, rel: str) -> bool:
        return rel in self.scan.files

    def is_dir(self, rel: str) -> bool:
        return rel in self.scan.folders

    def children(self, rel: str, problems: Problems) -> list[str]:
        """Visible entries of a folder as paths; links that leave the content tree are refused."""
        result = []
        for name in self.scan.children(rel):
            child = f"{rel}/{name}" if rel else name
            if child in self.scan.refused:
                problems.error(self.shown(child), 1, self.scan.refused[child])
            elif self.is_file(child) or self.is_dir(child):
                result.append(child)
        return result

    def yaml(self, rel: str, missing: str) -> Document | None:
        if not self.is_file(rel):
            self.problems.error(self.shown(rel), 1, missing)
            return None
        return read_yaml_file(self.shown(rel), self.problems, self.scan.read(rel))

    def _site(self, base_url: str | None) -> Site:
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
        if base_url is None and site.base_url and urls.base_url_problem(site.base_url):
            f.error("base_url", f"`base_url` {urls.base_url_problem(site.base_url)}")
        if site.qr and not site.base_url:
            f.warn("qr", "QR codes need the site's public address: set `base_url` or pass --base-url; none are drawn")
            site.qr = False
        if f.integer("index_page_size") == 0:
            f.error("index_page_size", "`index_page_size` must be 1 or more")
        listed = site_doc.meta.get("publications") or []
        if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed):
            f.error("publications", "`publications` must be a list of publication folder names")
            listed = []
        folders = {c for c in self.children("", problems) if self.is_dir(c)}
        for number, slug in enumerate(listed):
            if slug in listed[:number]:
                f.error("publications", f"publication `{slug}` is listed twice")
            elif slug in urls.RESERVED_FOLDERS:
                f.error("publications", f"`{slug}` is used by the site itself; rename the publication folder")
            elif slug not in folders:
                f.error("publications", f"publication folder `{slug}/` not found")
            elif not SLUG_RE.match(slug):
                f.error("publications", f"publication folder `{slug}` must be ASCII a-z, 0-9 and -")
            elif facts.is_device_name(slug):
                f.error("publications", f"{_WINDOWS_PROBLEM.format(slug)} (rename the publication folder)")
            else:
                pub = self._publication(slug)
                if pub:
                    site.publications.append(pub)
        for folder in sorted(folders - set(listed)):
            if self.is_file(f"{folder}/publication.yml"):
                f.warn("publications", f"publication `{folder}` is not listed in `publications` and is not built")
        if not listed:
            f.error("publications" if "publications" in site_doc.meta else None,
                    "site.yml lists no `publications` to build")
        return site

    def _publication(self, slug: str) -> Publication | None:
        doc = self.yaml(f"{slug}/publication.yml", "publication.yml is missing")
        if doc is None:
            return None
        f = _Fields(doc, doc.meta, self.problems, {"name", "kind", "publisher", "frequency"})
        pub = Publication(slug, f.text("name", required=True), f.choice("kind", PUBLICATION_KINDS, "newspaper"),
                          publisher=f.text("publisher"), frequency=f.text("frequency"))
        self.folders[slug] = []
        for child in self.children(slug, self.problems):
            if self.is_dir(child):
                if self.is_file(f"{child}/issue.yml"):
                    self.folders[slug].append(child)
                else:
                    self.problems.error(self.shown(f"{child}/issue.yml"), 1, "issue folder has no issue.yml")
        return pub

    def _digests(self) -> dict[str, str]:
        """Each issue folder's digest: of every path, file digest, folder and refused link in it."""
        parts: dict[str, list] = {i: [] for ids in self.folders.values() for i in ids}
        for rel, entry in self.scan.files.items():
            issue = rel[:rel.find("/", rel.find("/") + 1)]
            if issue in parts:
                parts[issue].append((rel, entry.digest))
        for rel in (*self.scan.folders, *self.scan.refused):
            issue = "/".join(rel.split("/")[:2])
            if issue in parts and issue != rel:
                parts[issue].append((rel, self.scan.refused.get(rel, "")))
        return {i: digest_of(RECORD_VERSION, p) for i, p in parts.items()}

    def publication_of(self, issue_id: str) -> Publication:
        slug = issue_id.split("/", 1)[0]
        return next(p for p in self.site.publications if p.slug == slug)


def digest_of(*parts) -> str:
    return bytes_digest(repr(parts).encode("utf-8", "surrogatepass"))


@dataclass
class LoadedIssue:
    """One issue loaded in full, with what the build state keeps of it."""

    issue: Issue | None  # None when its issue.yml could not be read: then only its problems count
    summary: IssueSummary | None
    listings: dict[str, tuple]  # index entry → what it lists of this issue, in reading order
    problems: list[Problem]
    records: dict[str, tuple[str, tuple]]  # content path → (digest, record) of its files
    parsed: dict[str, Parsed]  # its files parsed by this build
    bodies: dict[str, Body]  # article source → body, of the articles parsed by this build


@dataclass
class _Pending:
    """An issue being loaded: what is known of it so far."""

    periodical: bool
    problems: Problems = field(default_factory=Problems)
    records: dict = field(default_factory=dict)
    parsed: dict = field(default_factory=dict)
    record: IssueRecord | None = None
    structure: tuple = ()


class Issues:
    """Loads issues in full: the records of unchanged files come from ``records`` (a function
    from issue ids to {content path: (digest, record)}, the build state's), the rest are parsed,
    on all cores.

    With ``drafts`` False (a build without ``--drafts``) an article marked ``draft: true`` is
    left out of its issue as if its file were absent (it is still parsed and checked, and its
    warnings count), a region naming it is dropped, and an issue whose every article is a
    draft is left out whole: loaded as ``LoadedIssue`` with no issue and no summary."""

    def __init__(self, content: Content, records=lambda ids: {}, jobs: int = 1, drafts: bool = True):
        self.content, self.records, self.jobs, self.drafts = content, records, jobs, drafts

    def all(self) -> dict[str, LoadedIssue]:
        return self.load([i for ids in self.content.folders.values() for i in ids])

    def load(self, ids) -> dict[str, LoadedIssue]:
        ids = list(ids)
        cached = self.records(ids) if ids else {}
        pending = {i: _Pending(self.content.publication_of(i).kind == "periodical") for i in ids}
        self._read([(i, f"{i}/issue.yml") for i in ids], pending, cached, "issue")
        articles = []
        for issue_id, p in pending.items():
            found = p.records.get(f"{issue_id}/issue.yml")
            if found is not None:
                p.record = IssueRecord._make(found[1])
                p.structure = self._structure(issue_id, p.record, p.problems)
                articles += [(issue_id, rel) for rel in p.structure[0]]
        self._read(articles, pending, cached, "article")
        return {i: self._assemble(i, p) if p.record is not None else LoadedIssue(None, None, {}, p.problems.items,
                                                                                 p.records, p.parsed, {})
                for i, p in pending.items()}

    def _read(self, files: list[tuple[str, str]], pending: dict, cached: dict, kind: str) -> None:
        """Records of these files: cached where the file's digest and publication kind match, the
        rest parsed (on all cores)."""
        content, todo = self.content, []
        for issue_id, rel in files:
            p = pending[issue_id]
            entry = cached.get(rel)
            if entry and entry[0] == content.scan.files[rel].digest and entry[1][0] == p.periodical:
                p.records[rel] = entry
                p.problems.items += [Problem(content.shown(rel), *problem) for problem in entry[1][-1]]
            else:
                todo.append((issue_id, rel))
        jobs = [(kind, content.shown(rel), content.scan.read(rel), pending[i].periodical) for i, rel in todo]
        for (issue_id, rel), outcome in zip(todo, parallel.map(_parse_one, jobs, self.jobs, each=0.0004)):
            p = pending[issue_id]
            p.parsed[rel] = outcome
            p.problems.items += outcome.problems
            if outcome.record is not None:
                p.records[rel] = (content.scan.files[rel].digest, outcome.record)

    def _structure(self, issue_id: str, record: IssueRecord, problems: Problems) -> tuple[list, dict]:
        """The article files of an issue folder and its page folders, with the problems of its layout."""
        content = self.content
        newspaper = not record.periodical
        declared = {p[0] for p in record.pages}
        meta = content.shown(f"{issue_id}/issue.yml")
        files, page_folders = [], {}
        for child in content.children(issue_id, problems):
            name = posixpath.basename(child)
            if content.is_dir(child):
                if not newspaper:
                    problems.error(content.shown(child), 1,
                                   "a periodical issue keeps its articles in the issue folder, not in subfolders")
                elif not name.isdigit():
                    stray = self._first_markdown(child, problems)
                    if stray:  # any other folder holds files such as PDFs and images
                        problems.error(content.shown(stray), 1,
                                       "a newspaper's articles belong in a page folder such as 01/")
                elif int(name) not in declared:
                    if not any(p.path == meta and p.severity == "error" for p in problems.items):  # else said there
                        problems.error(meta, record.pages_line, f"page folder `{name}/` is not declared under `pages`")
                elif int(name) in page_folders:
                    problems.error(content.shown(child), 1, f"a second folder for page {int(name)}; keep one of them")
                else:
                    page_folders[int(name)] = child
                    files += [c for c in content.children(child, problems) if c.endswith(".md") and content.is_file(c)]
            elif name.endswith(".md"):
                if newspaper:
                    problems.error(content.shown(child), 1, "a newspaper's articles belong in a page folder such as 01/")
                else:
                    files.append(child)
        return files, page_folders

    def _first_markdown(self, folder: str, problems: Problems) -> str | None:
        content = self.content
        for child in content.children(folder, problems):
            found = child if child.endswith(".md") and content.is_file(child) else \
                self._first_markdown(child, problems) if content.is_dir(child) else None
            if found:
                return found
        return None

    def _assemble(self, issue_id: str, p: _Pending) -> LoadedIssue:
        content, scan, problems = self.content, self.content.scan, p.problems
        files, page_folders = p.structure
        pub = content.publication_of(issue_id)
        record = p.record._replace(pages=tuple(PageRecord._make(page) for page in p.record.pages))
        date = dt.date.fromisoformat(record.date)
        meta_rel = f"{issue_id}/issue.yml"
        meta = content.shown(meta_rel)
        issue = Issue(content.shown(issue_id), date, record.date_approximate, record.total_number, record.number,
                      record.lunar, meta_digest=scan.files[meta_rel].digest, publication=pub,
                      dir=urls.issue_dir(pub.slug, date), url=urls.issue(pub.slug, date),
                      data_url=urls.issue_data(pub.slug, date), id=issue_id)
        assets = []  # (site path, source, digest, where it is named: path and line)
        missing = []  # (page number, "pdf" or "image") of page files not there yet (a late scan)
        for page_record in record.pages:
            page = Page(page_record.number, page_record.name, page_record.line, editor=page_record.editor,
                        staff=dict(page_record.staff), issue=issue, url=urls.page(pub.slug, date, page_record.number))
            for key, src, line in page_record.files:
                rel = f"{issue_id}/{src}"
                if not content.is_file(rel):  # the text is published now, the scan when it arrives
                    regions = len(page_record.regions) if key == "image" else 0
                    dropped = f" and without its {regions} region{'s' * (regions > 1)}" if regions else ""
                    problems.warn(meta, line, f"{key} file `{_cut(src)}` not found: page {page.number} is built "
                                              f"without it{dropped} until the file is there")
                    missing.append((page.number, key))
                    continue
                if key == "image":
                    size = _image_size(scan, rel)
                    page.image_size = size if size != (0, 0) else page.image_size  # an SVG keeps the default
                if key == "thumbnail":
                    page.thumbnail_size = _image_size(scan, rel)
                    if page.thumbnail_size == (0, 0):
                        problems.warn(meta, line, f"thumbnail `{_cut(src)}` cannot be read as an image: page "
                                                  f"{page.number} is listed without it")
                        continue
                setattr(page, key, urls.issue_file(pub.slug, date, src))
                assets.append((getattr(page, key), content.shown(rel), scan.files[rel].digest, meta, line))
                if src.lower().endswith(".svg"):
                    raw = scan.read(rel)
                    try:
                        clean, removed = markup.clean_svg(raw)
                    except ValueError as exc:
                        problems.error(meta, line, f"page image `{src}` cannot be checked for script, so it is "
                                                   f"not published: {exc}")
                        continue
                    if removed:
                        problems.warn(meta, line, f"page image `{src}`: removed what could run script or load "
                                                  f"from elsewhere ({', '.join(removed)})")
                    if clean != raw:  # published as cleaned, not copied
                        issue.asset_data[page.image] = clean
                        assets[-1] = (page.image, content.shown(rel), bytes_digest(clean), meta, line)
            issue.pages.append(page)
        if missing:  # what the issue's pages show changes when the file arrives, though issue.yml does not
            issue.meta_digest = digest_of(issue.meta_digest, missing)
        pages = {page.number: page for page in issue.pages}
        articles = []
        held: dict[int, set] = {}  # slugs of the drafts left out, by page number (0 in a periodical)
        unread: set[int] = set()  # pages with an article whose file could not be read
        drafts = read = 0
        for rel in files:
            if rel not in p.records:  # unreadable (reported): a region may name it, by slug or by its id
                unread.add(int(posixpath.basename(posixpath.dirname(rel))) if pub.kind == "newspaper" else 0)
                continue
            article = article_from_record(p.records[rel][1], content.shown(rel), issue)
            r = ArticleRecord._make(p.records[rel][1])
            folder = posixpath.dirname(rel)
            media_base = "" if pub.kind == "periodical" else posixpath.basename(folder)
            left_out = article.draft and not self.drafts
            for src, line in r.assets:
                file = posixpath.normpath(f"{folder}/{src}")
                if not content.is_file(file):
                    problems.error(article.source, line, f"`{_cut(src)}` not found")
                elif not left_out:
                    assets.append((issue.dir + media_url(media_base, src), content.shown(file),
                                   scan.files[file].digest, article.source, line))
            drafts, read = drafts + article.draft, read + 1
            if left_out:
                held.setdefault(int(posixpath.basename(folder)) if pub.kind == "newspaper" else 0, set()).add(r.slug)
                continue
            if pub.kind == "newspaper":
                article.page = pages[int(posixpath.basename(folder))]
            articles.append(article)
        if drafts and drafts == read:
            problems.warn(meta, record.line, "every article of this issue is a draft, so builds leave the whole "
                                             "issue out (`build --drafts` shows it): publish an article by removing "
                                             "its `draft: true`")
            if not self.drafts:
                return LoadedIssue(None, None, {}, problems.items, p.records, p.parsed, {})
        if pub.kind == "newspaper":
            for page in issue.pages:
                page.articles = sorted((a for a in articles if a.page is page), key=lambda a: a.order)
                _link(page.articles)
            issue.articles = [a for page in issue.pages for a in page.articles]
            on_pages = {page.number: {a.slug: a for a in page.articles} for page in issue.pages}
            for page, page_record in zip(issue.pages, record.pages):
                parts: dict[str, int] = {}  # slug → its boxes on this page so far
                for slug, (x, y, w, h), line, owner in page_record.regions:
                    home = page.number if owner is None else owner
                    if (page.number, "image") in missing or slug in held.get(home, ()):
                        continue  # dropped with the image's warning; a draft left out goes with its region
                    if home not in on_pages:
                        problems.error(meta, line, f"region for `{slug}`: this issue has no page {home} (its pages: "
                                                   f"{', '.join(str(n) for n in on_pages)})")
                    elif slug not in on_pages[home] and home not in unread:
                        problems.error(meta, line, f"region for `{slug}`: page {home} has no such article "
                                                   f"(its articles: {', '.join(on_pages[home]) or 'none'})")
                    elif slug in on_pages[home]:
                        parts[slug] = parts.get(slug, 0) + 1
                        page.regions.append(Region(on_pages[home][slug], x, y, w, h, parts[slug]))
            for page in issue.pages:
                if page.number not in page_folders:
                    problems.warn(meta, page.line, f"page {page.number} has no folder {page.number:02d}/")
        else:
            issue.articles = sorted(articles, key=lambda a: a.order)
        if not issue.articles:
            problems.warn(meta, record.line, "issue has no articles")
        by_url: dict[str, Article] = {}
        for article in issue.articles:  # file names (and ids) give URLs within the issue
            if article.url in by_url:
                what = f"duplicate id `{article.slug}`" if article.id_line else "file name gives the same URL as"
                problems.error(article.source, article.id_line or 1,
                               f"{what}: {by_url[article.url].source} ({article.url})")
            by_url.setdefault(article.url, article)
        issue.assets = _check_assets(issue, assets, problems)
        issue.digest = content.digests[issue_id]
        _link(issue.pages)
        _link(issue.articles)
        bodies = {content.shown(rel): o.body for rel, o in p.parsed.items() if o.body is not None}
        listed = listings(issue)
        return LoadedIssue(issue, summarize(issue, listed, problems.warnings, content), listed, problems.items,
                           p.records, p.parsed, bodies)


def _image_size(scan, rel: str) -> tuple[int, int]:
    """A raster image's size from as little of the file as gives it: every build reads it."""
    for size in IMAGE_HEADERS:
        found = raster_size(scan.head(rel, size))
        if found != (0, 0):
            return found
    return (0, 0)


def raster_size(data: bytes) -> tuple[int, int]:
    """Width and height of a raster image from its header, (0, 0) if it is none: pages give a
    thumbnail and a page image their size, so nothing moves while they load."""
    from PIL import Image  # only issues with thumbnails need it

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (OSError, ValueError, Image.DecompressionBombError):  # not an image, or not one Pillow reads
        return (0, 0)


def _check_assets(issue: Issue, assets: list, problems: Problems) -> tuple:
    """The issue's copied files, each at a site path of its own: one that is (or is inside, or
    holds) a page the site makes, or where another file lands, is an error where it is named."""
    made = {issue.url: "the issue page", issue.data_url: "the issue's open data"}
    made |= {page.url: f"page {page.number}" for page in issue.pages}
    made |= {article.url: f"the page of {article.source}" for article in issue.articles}
    folders = {path.rsplit("/", i)[0]: what for path, what in made.items() for i in range(1, path.count("/") + 1)}
    kept: dict[str, str] = {}
    for path, source, digest, where, line in sorted(assets):
        prefixes = [path.rsplit("/", i)[0] for i in range(path.count("/") + 1)]
        clash = next((made[p] for p in prefixes if p in made), "") or folders.get(path, "")
        if not clash and kept.get(path, source) != source:
            clash = f"`{kept[path]}`"
        if clash:
            problems.error(where, line, f"`{source}` would be published at {path}, where the site puts {clash}: "
                                        "rename or move the file")
        kept.setdefault(path, source)
    return tuple(sorted({(path, source, digest) for path, source, digest, _, _ in assets}))


def article_from_record(record: tuple, source: str, issue: Issue, page: Page | None = None) -> Article:
    """An article of ``issue`` made from its record (its 版面 is set by whoever knows it)."""
    r = ArticleRecord._make(record)
    pub = issue.publication
    return Article(source, r.slug, r.order, r.title, r.kind, r.kicker, r.subtitle,
                   tuple(Author(*a) for a in r.authors), r.column, r.start_page,
                   tuple(Correction(dt.date.fromisoformat(d), n) for d, n in r.corrections), r.id_line, r.draft,
                   r.content, r.lead, url=urls.article(pub.slug, issue.date, r.slug), issue=issue, page=page)


def entry_id(kind: str, pub: str, name: str) -> str:
    """An index entry: its kind, the publication it belongs to ("" for authors) and its name."""
    return f"{kind}\x1f{pub}\x1f{name}"


def listings(issue: Issue) -> dict[str, tuple]:
    """What the 版名, 栏目 and author indexes list of this issue, entry by entry, in reading order."""
    pub = issue.publication
    found: dict[str, list] = {}
    for page in issue.pages:
        found.setdefault(entry_id("section", pub.slug, page.name), []).append(
            ListedPage(page.url, page.label, issue.date, tuple(Headline.of(a) for a in page.articles)))
    for article in issue.articles:
        listed = Listed(article.url, article.kicker, article.title, article.subtitle, article.kind, pub.name,
                        issue.date, issue.date_approximate, article.page.label if article.page else "",
                        article.draft)
        if article.column:
            found.setdefault(entry_id("column", pub.slug, article.column), []).append(listed)
        for name in dict.fromkeys(a.name for a in article.authors):
            found.setdefault(entry_id("author", "", name), []).append(listed)
    return {entry: tuple(items) for entry, items in found.items()}


def summarize(issue: Issue, listed: dict, warnings: list[Problem], content: Content) -> IssueSummary:
    """What the rest of the site needs of an issue (see IssueSummary)."""
    day = issue.date.isoformat()
    front = issue.front_page.articles if issue.front_page else issue.articles
    sitemap = [(issue.url, day)] + [(p.url, day) for p in issue.pages]
    sitemap += [(a.url, a.modified.isoformat() if a.corrections else day) for a in issue.articles]
    values = (tuple(sorted({a.page.name for a in issue.articles if a.page})),
              tuple(sorted({a.column for a in issue.articles if a.column})),
              tuple(sorted({a.kind for a in issue.articles})))
    root = len(content.scan.root) + 1
    return IssueSummary(
        issue.id, issue.digest, issue.publication.slug, issue.date, issue.url, issue.data_url, issue.number_label,
        issue.date_approximate, len(issue.articles), len(issue.pages), tuple(Headline.of(a) for a in front[:5]),
        tuple((c.date, c.note, a.url, a.title, a.page.label if a.page else "")
              for a in issue.articles for c in a.corrections),
        tuple(sitemap), values,
        tuple(sorted({a.name for article in issue.articles for a in article.authors if not a.org and len(a.name) >= 2})),
        tuple((a.slug, a.source[root:], a.id_line) for a in issue.articles if a.id_line),
        tuple(sorted(listed)), tuple((w.path[root:], w.line, w.message) for w in warnings),
        digest_of(issue.meta_digest, [(p.number, p.name) for p in issue.pages],
                  [(a.page.number if a.page else None, Headline.of(a)) for a in issue.articles],
                  # a periodical's 目录 also shows each article's authors and start page
                  [([x.name for x in a.authors], a.start_page) for a in issue.articles]
                  if issue.publication.kind == "periodical" else None),
        digest_of([(a.url, a.title, a.modified, [x.name for x in a.authors], a.page.name if a.page else "", a.column,
                    a.lead, a.draft) for a in issue.articles]),
        digest_of(issue.number_label, issue.publication.name,
                  [(a.url, a.digest, a.page.label if a.page else None, a.start_page) for a in issue.articles]))


def check_site(content: Content, summaries: dict[str, IssueSummary]) -> list[Problem]:
    """Checks across issues: one issue per date and publication, ids unique site-wide. Fills in
    each publication's issues, oldest first."""
    problems = Problems()
    ids: dict[str, str] = {}
    for pub in content.site.publications:
        by_date: dict[dt.date, IssueSummary] = {}
        for issue_id in content.folders[pub.slug]:
            summary = summaries.get(issue_id)
            if summary is None:
                continue
            if summary.date in by_date:
                problems.error(content.shown(f"{issue_id}/issue.yml"), 1, f"another issue of {pub.name} has the same "
                                                                          f"date: {content.shown(by_date[summary.date].id)}")
                continue
            by_date[summary.date] = summary
        pub.issues = [by_date[d] for d in sorted(by_date)]
        for summary in pub.issues:
            for slug, source, line in summary.ids:
                if slug in ids:
                    problems.error(content.shown(source), line,
                                   f"duplicate id `{slug}`, also used by {content.shown(ids[slug])}")
                ids.setdefault(slug, source)
    return problems.items


@dataclass
class Loaded:
    """A whole content folder loaded at once, without any build state (tools and tests)."""

    site: Site
    issues: list[Issue]  # in the site's order
    bodies: dict[str, Body]  # article source → body

    @property
    def articles(self) -> list[Article]:
        return [a for issue in self.issues for a in issue.articles]


def load_site(folder, base_url: str | None = None, drafts: bool = True) -> Loaded:
    """Read and check a content folder; raise ContentError listing every error. Drafts are
    loaded unless ``drafts`` is False (then as a build without ``--drafts`` sees the content)."""
    content = Content(scan_folder(str(folder)), base_url)
    loaded = Issues(content, drafts=drafts).all()
    problems = content.problems.items + [p for one in loaded.values() for p in one.problems]
    problems += check_site(content, {i: one.summary for i, one in loaded.items() if one.summary})
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(sorted(errors))
    content.site.warnings = sorted(p for p in problems if p.severity == "warning")
    by_id = {i: one.issue for i, one in loaded.items()}
    issues = [by_id[s.id] for pub in content.site.publications for s in pub.issues]
    link_neighbours(content.site, by_id)
    return Loaded(content.site, issues, {s: b for one in loaded.values() for s, b in one.bodies.items()})


def link_neighbours(site: Site, issues: dict[str, Issue]) -> None:
    """Point each loaded issue at the summaries of the issues before and after it."""
    for pub in site.publications:
        for before, summary, after in zip([None, *pub.issues], pub.issues, [*pub.issues[1:], None]):
            issue = issues.get(summary.id)
            if issue is not None:
                issue.prev, issue.next = before, after


def _link(items: list) -> None:
    for before, after in zip(items, items[1:]):
        before.next, after.prev = after, before


def _parse_one(job: tuple) -> Parsed:
    kind, shown, raw, periodical = job
    return (parse_article if kind == "article" else parse_issue)(shown, raw, periodical)
