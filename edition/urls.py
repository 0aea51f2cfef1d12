"""Every path of the built site, and every way of linking to one: the only module that makes URLs.

Site paths are relative to the site root and ASCII, but for copied files, which
keep their names (``file_link`` encodes them). They depend only on a
publication slug, an issue date, a page number, an article's file name or
``id`` and an index entry's slug, never on position, so they stay stable when
articles are added, removed or reordered. Links always name the file
(``…/index.html``), because ``file://`` does not open a folder's index.

Pages link relatively (``relative``), so one output works at a domain root,
under a subpath and from disk. Feeds, sitemaps, canonical links and open data
need absolute addresses; ``absolute`` makes them when the site has a base URL.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

HOME = "index.html"
ARCHIVE = "archive/index.html"
SEARCH = "search.html"
NOT_FOUND = "404.html"
ROBOTS = "robots.txt"
SITEMAP = "sitemap.xml"
CORRECTIONS = "corrections/index.html"
CORRECTIONS_FEED = "corrections/feed.xml"
DATA_INDEX = "data/index.json"
AUTHORS = "authors/"  # folder of the author index
ASSETS = "assets/"
SEARCH_FILES = "search/"

# Top-level folders the site itself uses: a publication cannot be called so.
RESERVED_FOLDERS = frozenset({"archive", "assets", "authors", "corrections", "data", "search"})


def top_folders(slugs) -> list[str]:
    """The site's own top-level folders: its publications' and ``RESERVED_FOLDERS``. The 404 page,
    which a host serves at any depth, finds the site root in its address by them."""
    return sorted(RESERVED_FOLDERS | set(slugs))


def asset(name: str) -> str:
    """A stylesheet, script or icon of the site (``assets/…``)."""
    return ASSETS + name


def publication(slug: str) -> str:
    return f"{slug}/index.html"


def feed(slug: str) -> str:
    return f"{slug}/feed.xml"


def dates(slug: str) -> str:
    """The publication's issue days, for the date picker (``assets/datepicker.js``): a script that
    sets ``self.editionDates[slug]``, so that it loads from ``file://`` too."""
    return f"{slug}/dates.js"


def issue_pattern(slug: str) -> str:
    """How the date picker links an issue: ``issue``'s path relative to ``dates(slug)``, with
    ``{Y}``, ``{M}`` and ``{D}`` standing for the date's zero-padded year, month and day."""
    return relative(f"{slug}/{{Y}}/{{M}}/{{D}}/index.html", dates(slug))


def year(slug: str, number: int) -> str:
    return f"{slug}/{number:04d}/index.html"


def month(slug: str, year_number: int, month_number: int) -> str:
    return f"{slug}/{year_number:04d}/{month_number:02d}/index.html"


def issue_dir(slug: str, date: dt.date) -> str:
    return f"{slug}/{date.year:04d}/{date.month:02d}/{date.day:02d}/"


def issue(slug: str, date: dt.date) -> str:
    return issue_dir(slug, date) + "index.html"


def page(slug: str, date: dt.date, number: int) -> str:
    return f"{issue_dir(slug, date)}{number:02d}/index.html"


def article(slug: str, date: dt.date, article_slug: str) -> str:
    return f"{issue_dir(slug, date)}{article_slug}.html"


def issue_data(slug: str, date: dt.date) -> str:
    return issue_dir(slug, date) + "issue.json"


def issue_file(slug: str, date: dt.date, name: str) -> str:
    """A file of the issue folder (a page PDF or image, an article's picture)."""
    return issue_dir(slug, date) + name


def sections(slug: str) -> str:
    return f"{slug}/sections/"


def columns(slug: str) -> str:
    return f"{slug}/columns/"


def index_page(folder: str, number: int) -> str:
    """Page ``number`` of an index entry or overview living in ``folder``."""
    return folder + ("index.html" if number == 1 else f"page-{number}.html")


def sitemap_part(number: int) -> str:
    return f"sitemap-{number}.xml"


def search_page(query: str = "", **params: str) -> str:
    """The search page, with its query string (values are URL-encoded)."""
    items = ([("q", query)] if query else []) + [(k, v) for k, v in params.items() if v]
    return SEARCH + ("?" + urlencode(items) if items else "")


def relative(target: str, here: str) -> str:
    """The link from page ``here`` to ``target`` (both site paths); a query string is kept.

    Plain string work: site paths have no ``..`` and no leading ``/`` (posixpath.relpath
    would ask the operating system for the working directory at every link).
    """
    path, mark, rest = target.partition("?")
    return _relative_path(path, here) + mark + rest


def file_link(target: str, here: str) -> str:
    """The link from page ``here`` to a copied file (a page PDF or image), whose name may hold
    any character, ``#``, ``?``, ``%`` and spaces too: percent-encoded."""
    return quote(_relative_path(target, here), safe="/")


def _relative_path(path: str, here: str) -> str:
    parts = path.split("/")
    folders = here.split("/")[:-1]
    same = 0
    while same < len(folders) and same < len(parts) - 1 and folders[same] == parts[same]:
        same += 1
    return "../" * (len(folders) - same) + "/".join(parts[same:])


def absolute(base_url: str, target: str) -> str:
    """``target`` as an absolute URL with a base URL; without one, as it is (relative to the root)."""
    return base_url.rstrip("/") + "/" + target if base_url else target


def link(base_url: str, target: str, here: str) -> str:
    """Absolute with a base URL (feeds, metadata), else relative to ``here``."""
    return absolute(base_url, target) if base_url else relative(target, here)


def canonical(base_url: str, here: str) -> str:
    """The page's public address for ``<link rel="canonical">``, or "" without a base URL."""
    return absolute(base_url, here) if base_url else ""


def base_url_problem(url: str) -> str:
    """Why ``url`` cannot be the site's public address (it goes into every canonical link, feed
    and the 404 page's links), or '': it must be an http(s) address with a host."""
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in ("http", "https") or not rest or rest.startswith("/") or \
            any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return f"{url!r} must be an http:// or https:// address"
    return ""
