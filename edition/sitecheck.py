"""Check a built site as a reader's browser would: every link resolves, nothing is orphaned,
every file parses, and every path survives a copy to any disk.

A static edition is often opened from disk, where a broken relative link or a
resource fetched from the internet fails silently; this finds them before readers do.
Feeds and sitemaps go to programs that stop at the first malformed byte, and
the site is copied to USB sticks and Windows machines, whose file systems fold
case and Unicode normalisation, reserve device names and limit path length.
It reads only the built files, so a site built by an older version is checked too.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections import defaultdict, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.parsers import expat

from .errors import EnvironmentFault
from .facts import HTML_FORBIDDEN, is_device_name
from .writer import MARKER

ENTRY_POINTS = ("index.html", "404.html", "robots.txt", "sitemap.xml")  # files robots and people start from
LOADED_BY_SCRIPT = "search/"  # index files that search.js loads on demand; no page links them
XML_SUFFIXES = (".xml", ".svg")
PATH_WARN, PATH_LIMIT = 200, 240  # characters from the site root; Windows stops at 260 with the folder above

# Characters HTML forbids in a document (facts.HTML_FORBIDDEN, which the build removes); the same
# code points are refused as character references.
FORBIDDEN_CHARACTER = re.compile(f"[{HTML_FORBIDDEN}]")
CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.links: list[str] = []  # every href and src
        self.lang = ""
        self.bad_references: list[tuple[int, str]] = []  # (line, reference)

    def _references(self, text: str) -> None:
        line = self.getpos()[0]
        for match in CHARACTER_REFERENCE.finditer(text):
            if _forbidden_reference(match):
                self.bad_references.append((line + text.count("\n", 0, match.start()), match.group()))

    def handle_charref(self, name):
        self._references(f"&#{name};")

    def handle_starttag(self, tag, attrs):
        self._references(self.get_starttag_text() or "")
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang") or ""
        for name in ("href", "src"):
            if attrs.get(name) is not None and not (tag == "link" and attrs.get("rel") == "canonical"):
                self.links.append(attrs[name])


def _forbidden_reference(match: re.Match) -> bool:
    hex_digits, digits = match.groups()
    if len((hex_digits or digits).lstrip("0")) > 8:
        return True  # far beyond Unicode: not worth converting
    number = int(hex_digits, 16) if hex_digits else int(digits)
    return number > 0x10FFFF or number == 0x0D or bool(FORBIDDEN_CHARACTER.match(chr(number)))


def _line_at(text: str | bytes, index: int) -> int:
    return text.count("\n" if isinstance(text, str) else b"\n", 0, index) + 1


def read_page(page: str, data: bytes) -> tuple[_Links | None, list[str]]:
    """The page's links and language, and what in it is not HTML: bytes that are not UTF-8,
    characters or character references HTML forbids. No links if it cannot be decoded."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [f"{page}:{_line_at(data, exc.start)}: not valid UTF-8"]
    parsed = _Links()
    parsed.feed(text)
    parsed.close()
    problems = []
    found = FORBIDDEN_CHARACTER.findall(text)
    if found:
        first = FORBIDDEN_CHARACTER.search(text)
        more = f" ({len(found)} in the page)" if len(found) > 1 else ""
        problems.append(f"{page}:{_line_at(text, first.start())}: character U+{ord(first.group()):04X} "
                        f"is not allowed in HTML{more}")
    if parsed.bad_references:
        line, reference = parsed.bad_references[0]
        more = f" ({len(parsed.bad_references)} in the page)" if len(parsed.bad_references) > 1 else ""
        problems.append(f"{page}:{line}: character reference {reference} is not allowed in HTML{more}")
    return parsed, problems


def xml_problems(path: str, data: bytes) -> list[str]:
    """What a real XML parser (expat) stops at: the first malformed spot of the file."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        return [f"{path}:{exc.lineno}: malformed XML: {expat.ErrorString(exc.code)} (column {exc.offset + 1})"]
    return []


def _fold(name: str) -> str:
    """The name as a case-insensitive, normalising file system (macOS, Windows, exFAT) sees it."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).casefold())


def path_problems(files: set[str], warnings: list[str], folders=()) -> list[str]:
    """Paths that collide, name devices, or are too long on some disk the site is copied to
    (``folders``: more folders of the site, that a file may collide with)."""
    problems = []
    paths = set()  # every file and folder, and every folder above them
    for path in (*files, *folders):
        parts = path.split("/") if path else []
        paths.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    siblings: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(paths):
        folder, name = posixpath.split(path)
        siblings[folder, _fold(name)].append(path)
        if is_device_name(name):
            problems.append(f"{path}: `{name}` is a device name on Windows, which cannot open it")
    for names in siblings.values():
        if len(names) > 1:
            how = ("differ only in Unicode normalisation (NFC/NFD)"
                   if len({unicodedata.normalize("NFC", n) for n in names}) == 1 else "differ only in case")
            problems.append(f"{names[0]}: {' and '.join(names)} {how}: they become one on macOS, "
                            "Windows and FAT/exFAT disks")
    for path in sorted(files):
        if len(path) >= PATH_LIMIT:
            problems.append(f"{path}: path is {len(path)} characters long; Windows and many unzip tools "
                            f"fail at {PATH_LIMIT} or more")
        elif len(path) >= PATH_WARN:
            warnings.append(f"{path}: warning: path is {len(path)} characters long; keep it under {PATH_WARN} "
                            f"(error at {PATH_LIMIT})")
    return problems


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise EnvironmentFault.from_os_error("check: cannot read", exc) from None


def check_site(out: Path, warnings: list[str] | None = None) -> list[str]:
    """Return one message per problem: broken or external links, bad pages and XML files,
    orphans, and paths unsafe on other file systems. Warnings (long paths) go to `warnings`."""
    out = Path(out)
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    problems: list[str] = []
    pages: dict[str, _Links | None] = {}
    for path in sorted(files):
        if path.endswith(".html"):
            pages[path], found = read_page(path, _read(out / path))
            problems += found
        elif path.endswith(XML_SUFFIXES):
            problems += xml_problems(path, _read(out / path))
    problems += path_problems(files, [] if warnings is None else warnings)
    reached: set[str] = set()
    queue = deque(e for e in ENTRY_POINTS if e in files)
    reached.update(queue)
    while queue:
        page = queue.popleft()
        parsed = pages.get(page)
        if parsed is None:
            continue  # not a page, or one that is not UTF-8 (reported above)
        if not parsed.lang:
            problems.append(f"{page}: <html> declares no lang")
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                if page != "404.html":
                    problems.append(f"{page}: link leaves the site: {link}")
                continue
            if not parts.path:
                continue  # a fragment on the same page
            if parts.path.startswith("/"):
                if page != "404.html":  # its <base href="/">: the host's root, when scripts are off
                    problems.append(f"{page}: root-relative link breaks under file:// and subpaths: {link}")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
            if target not in files:
                problems.append(f"{page}: broken link {link}")
            elif target not in reached:
                reached.add(target)
                queue.append(target)
    orphans = sorted(f for f in files - reached if not f.startswith(LOADED_BY_SCRIPT) and f != MARKER)
    problems += [f"{f}: orphan, no page links to it" for f in orphans]
    return problems
