"""Check a built site as a reader's browser would: every link resolves, nothing is orphaned.

A static edition is often opened from disk, where a broken relative link or a
resource fetched from the internet fails silently; this finds them before readers do.
"""

from __future__ import annotations

import posixpath
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ENTRY_POINTS = ("index.html", "404.html", "robots.txt", "sitemap.xml")  # files robots and people start from
LOADED_BY_SCRIPT = "search/"  # index files that search.js loads on demand; no page links them


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (attribute, value)
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang") or ""
        for name in ("href", "src"):
            if attrs.get(name) is not None and not (tag == "link" and attrs.get("rel") == "canonical"):
                self.links.append((name, attrs[name]))


def links_of(html: str) -> tuple[list[str], str]:
    parser = _Links()
    parser.feed(html)
    return [value for _, value in parser.links], parser.lang


def check_site(out: Path) -> list[str]:
    """Return one message per problem: broken or external links, bad pages, orphans."""
    out = Path(out)
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    problems: list[str] = []
    reached: set[str] = set()
    queue = deque(e for e in ENTRY_POINTS if e in files)
    reached.update(queue)
    while queue:
        page = queue.popleft()
        if not page.endswith(".html"):
            continue
        try:
            text = (out / page).read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"{page}: not valid UTF-8")
            continue
        links, lang = links_of(text)
        if not lang:
            problems.append(f"{page}: <html> declares no lang")
        for link in links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                if page != "404.html":
                    problems.append(f"{page}: link leaves the site: {link}")
                continue
            if not parts.path:
                continue  # a fragment on the same page
            if parts.path.startswith("/"):
                problems.append(f"{page}: root-relative link breaks under file:// and subpaths: {link}")
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
            if target not in files:
                problems.append(f"{page}: broken link {link}")
            elif target not in reached:
                reached.add(target)
                queue.append(target)
    orphans = sorted(f for f in files - reached
                     if not f.startswith(LOADED_BY_SCRIPT) and not posixpath.basename(f).startswith("."))
    problems += [f"{f}: orphan, no page links to it" for f in orphans]
    return problems
