"""Stage 3: turn the model into HTML pages, each a (site path, bytes) pair.

Every link is made relative to the page that holds it, so one output works at a
domain root, under a subpath and from ``file://`` (where ``dir/`` does not open
``dir/index.html``, so links always name the file).
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Iterator

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from . import indexes
from .model import Site

from . import LUNR_JS, PROJECT  # noqa: F401  (PROJECT is part of this module's interface)



def relative(target: str, here: str) -> str:
    """The link from page ``here`` to site path ``target`` (both relative to the site root)."""
    start = posixpath.dirname(here) or "."
    return posixpath.relpath(target, start)


@pass_context
def _url(context, target: str) -> str:
    return relative(target, context["here"])


def cn_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def make_environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["url"] = _url
    env.filters["cn_date"] = cn_date
    return env


class Renderer:
    """Knows which pages the site has and renders each with its template."""

    def __init__(self, site: Site, templates: Path):
        self.site = site
        self.templates = templates
        self.env = make_environment(templates)
        self.authors = indexes.authors(site)
        self.sections = {pub.slug: indexes.sections(pub) for pub in site.publications}
        self.columns = {pub.slug: indexes.columns(pub) for pub in site.publications}
        self.links: dict[tuple, str] = {("author", e.name): e.page_url(1) for e in self.authors}
        for pub in site.publications:
            for entry in self.columns[pub.slug]:
                self.links["column", pub.slug, entry.name] = entry.page_url(1)
        self.env.globals["author_url"] = lambda name: self.links["author", name]
        self.env.globals["column_url"] = lambda pub, name: self.links["column", pub.slug, name]

    def _page(self, template: str, here: str, **context) -> tuple[str, bytes]:
        canonical = self.site.base_url.rstrip("/") + "/" + here if self.site.base_url else ""
        html = self.env.get_template(template).render(site=self.site, here=here, canonical=canonical, **context)
        return here, html.encode("utf-8")

    def pages(self) -> Iterator[tuple[str, bytes]]:
        site = self.site
        yield self._page("home.html", "index.html")
        yield self._page("archive.html", "archive/index.html")
        yield self._page("404.html", "404.html")
        yield self._page("search.html", "search.html")
        for pub in site.publications:
            yield from self._publication(pub)
        yield from self._index_pages(self.authors, "authors/index.html", "作者", kind="articles")

    def _publication(self, pub) -> Iterator[tuple[str, bytes]]:
        years = indexes.years(pub)
        sections, columns = self.sections[pub.slug], self.columns[pub.slug]
        yield self._page("publication.html", pub.url, pub=pub, years=years)
        order = list(years)
        for i, (year, months) in enumerate(years.items()):
            yield self._page("year.html", f"{pub.slug}/{year:04d}/index.html", pub=pub, year=year, months=months,
                             prev_year=order[i - 1] if i else None,
                             next_year=order[i + 1] if i + 1 < len(order) else None)
            for month in months:
                if month.issues:
                    yield self._page("month.html", f"{pub.slug}/{month.key}/index.html", pub=pub, month=month)
        for issue in pub.issues:
            yield self._page("issue.html", issue.url, pub=pub, issue=issue)
            for page in issue.pages:
                yield self._page("page.html", page.url, pub=pub, issue=issue, page=page)
            for article in issue.articles:
                yield self._page("article.html", article.url, pub=pub, issue=issue, article=article)
        if pub.kind == "newspaper":
            yield from self._index_pages(sections, f"{pub.slug}/sections/index.html", "版名", kind="pages", pub=pub)
        yield from self._index_pages(columns, f"{pub.slug}/columns/index.html", "栏目", kind="articles", pub=pub)

    def _index_pages(self, entries, overview: str, label: str, kind: str, pub=None):
        yield self._page("index_overview.html", overview, entries=entries, label=label, pub=pub)
        size = self.site.index_page_size
        for entry in entries:
            chunks = indexes.paginate(entry.items, size)
            for number, chunk in enumerate(chunks, start=1):
                yield self._page("index_entry.html", entry.page_url(number), entry=entry, items=chunk,
                                 number=number, count=len(chunks), label=label, kind=kind,
                                 overview=overview, pub=pub)

    def assets(self) -> Iterator[tuple[str, Path]]:
        """Static files: the stylesheet and scripts, lunr.js, then the content's PDFs and images."""
        static = self.templates / "assets"
        for path in sorted(p for p in static.rglob("*") if p.is_file()):
            yield "assets/" + path.relative_to(static).as_posix(), path
        yield "assets/search/lunr.min.js", LUNR_JS
        for issue in self.site.issues:
            yield from sorted(set((target, source) for source, target in issue.assets))
