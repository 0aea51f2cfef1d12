"""Stage 3: turn the model into HTML pages, each a (site path, bytes) pair.

Every link is made relative to the page that holds it, so one output works at a
domain root, under a subpath and from ``file://`` (where ``dir/`` does not open
``dir/index.html``, so links always name the file).
"""

from __future__ import annotations

import multiprocessing
import posixpath
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from . import LUNR_JS, PROJECT, indexes  # noqa: F401  (PROJECT is part of this module's interface)
from .model import Site
from .state import digest


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


@dataclass
class Job:
    """One output page: its site path, the key of everything it shows, and how to render it."""

    path: str
    key: str
    template: str
    context: dict

    def render(self, renderer: "Renderer") -> bytes:
        return renderer.render(self.template, self.path, self.context)


class Renderer:
    """Knows which pages the site has, what each one shows (its key), and renders them."""

    def __init__(self, site: Site, templates: Path, global_key: str = ""):
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
        # Pages show other pages' names and links: the whole link table is part of every key.
        self.global_key = digest(global_key, site.title, site.language, site.base_url, sorted(self.links.items()))

    def render(self, template: str, here: str, context: dict) -> bytes:
        canonical = self.site.base_url.rstrip("/") + "/" + here if self.site.base_url else ""
        html = self.env.get_template(template).render(site=self.site, here=here, canonical=canonical, **context)
        return html.encode("utf-8")

    def _job(self, shows, template: str, here: str, **context) -> Job:
        return Job(here, digest(self.global_key, template, here, shows), template, context)

    def jobs(self) -> Iterator[Job]:
        site = self.site
        everything = [(i.url, i.digest) for i in site.issues]
        yield self._job(everything, "home.html", "index.html")
        yield self._job(everything, "archive.html", "archive/index.html")
        yield self._job((), "404.html", "404.html")
        yield self._job(everything, "search.html", "search.html")
        corrections = sorted(((c, a) for a in site.articles for c in a.corrections),
                             key=lambda pair: (pair[0].date, pair[1].issue.date, pair[1].url), reverse=True)
        shown = [(c.date.isoformat(), c.note, a.url, a.title, a.issue.meta_digest) for c, a in corrections]
        yield self._job(shown, "corrections.html", "corrections/index.html", corrections=corrections)
        for pub in site.publications:
            yield from self._publication(pub)
        yield from self._index_pages(self.authors, "authors/index.html", "作者", kind="articles")

    def _publication(self, pub) -> Iterator[Job]:
        years = indexes.years(pub)
        sections, columns = self.sections[pub.slug], self.columns[pub.slug]
        yield self._job([(i.url, i.digest) for i in pub.issues], "publication.html", pub.url, pub=pub, years=years)
        order = list(years)
        for i, (year, months) in enumerate(years.items()):
            shown = [(m.key, [(x.url, x.digest) for x in m.issues]) for m in months]
            yield self._job((shown, order[i - 1] if i else None, order[i + 1] if i + 1 < len(order) else None),
                            "year.html", f"{pub.slug}/{year:04d}/index.html", pub=pub, year=year, months=months,
                            prev_year=order[i - 1] if i else None,
                            next_year=order[i + 1] if i + 1 < len(order) else None)
            for month in months:
                if month.issues:
                    yield self._job([(x.url, x.digest) for x in month.issues], "month.html",
                                    f"{pub.slug}/{month.key}/index.html", pub=pub, month=month)
        for issue in pub.issues:
            # An issue's pages show the issue itself and the dates of the issues beside it.
            near = [(x.url, x.date.isoformat()) if x else None for x in (issue.prev, issue.next)]
            shows = (issue.digest, near)
            yield self._job(shows, "issue.html", issue.url, pub=pub, issue=issue)
            for page in issue.pages:
                yield self._job(shows, "page.html", page.url, pub=pub, issue=issue, page=page)
            for article in issue.articles:
                yield self._job(shows, "article.html", article.url, pub=pub, issue=issue, article=article)
        if pub.kind == "newspaper":
            yield from self._index_pages(sections, f"{pub.slug}/sections/index.html", "版名", kind="pages", pub=pub)
        yield from self._index_pages(columns, f"{pub.slug}/columns/index.html", "栏目", kind="articles", pub=pub)

    def _index_pages(self, entries, overview: str, label: str, kind: str, pub=None):
        yield self._job([(e.name, e.slug, len(e.items)) for e in entries], "index_overview.html", overview,
                        entries=entries, label=label, pub=pub)
        size = self.site.index_page_size
        for entry in entries:
            chunks = indexes.paginate(entry.items, size)
            for number, chunk in enumerate(chunks, start=1):
                # a listed item shows its own text and its issue's metadata (date, 版面)
                if kind == "articles":
                    shown = [(x.url, x.digest, x.issue.meta_digest, x.page.number if x.page else None) for x in chunk]
                else:  # 版面 pages, listed with their articles' titles
                    shown = [(x.url, x.issue.digest) for x in chunk]
                yield self._job((entry.name, len(entry.items), number, len(chunks), shown), "index_entry.html",
                                entry.page_url(number), entry=entry, items=chunk, number=number,
                                count=len(chunks), label=label, kind=kind, overview=overview, pub=pub)

    def pages(self) -> Iterator[tuple[str, bytes]]:
        """Every page, rendered: for callers that want the whole site."""
        for job in self.jobs():
            yield job.path, job.render(self)

    def assets(self) -> Iterator[tuple[str, Path]]:
        """Static files: the stylesheet and scripts, lunr.js, then the content's PDFs and images."""
        static = self.templates / "assets"
        for path in sorted(p for p in static.rglob("*") if p.is_file()):
            yield "assets/" + path.relative_to(static).as_posix(), path
        yield "assets/search/lunr.min.js", LUNR_JS
        for issue in self.site.issues:
            yield from sorted(set((target, source) for source, target in issue.assets))


PARALLEL_FROM = 400  # pages; fewer are rendered faster than worker processes start
_WORK: tuple["Renderer", list[Job]] | None = None


def render_all(renderer: Renderer, jobs: list[Job], workers: int) -> Iterator[bytes]:
    """Each job's page, in order; large batches on ``workers`` forked processes.

    Forked workers inherit the model and the templates, so only job numbers go
    out and only finished pages come back.
    """
    global _WORK
    if workers <= 1 or len(jobs) < PARALLEL_FROM:
        for job in jobs:
            yield job.render(renderer)
        return
    _WORK = (renderer, jobs)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_render_number, range(len(jobs)), chunksize=64)
    finally:
        _WORK = None


def _render_number(number: int) -> bytes:
    renderer, jobs = _WORK
    return jobs[number].render(renderer)
