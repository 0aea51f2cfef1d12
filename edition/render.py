"""Stage 3: turn the model into HTML pages, each a (site path, bytes) pair.

Every link is made relative to the page that holds it, so one output works at a
domain root, under a subpath and from ``file://`` (where ``dir/`` does not open
``dir/index.html``, so links always name the file).
"""

from __future__ import annotations

import functools
import multiprocessing
import posixpath
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from . import LUNR_JS, indexes, metadata
from .model import Site
from .state import digest


def relative(target: str, here: str) -> str:
    """The link from page ``here`` to site path ``target`` (both relative to the site root)."""
    start = posixpath.dirname(here) or "."
    return posixpath.relpath(target, start)


@pass_context
def _url(context, target: str) -> str:
    return relative(target, context["here"])


def link_from(site, target: str, here: str) -> str:
    """An absolute URL when the site has a base URL (feeds, sitemaps, metadata), else a relative one."""
    return site.base_url.rstrip("/") + "/" + target if site.base_url else relative(target, here)


@pass_context
def _link(context, target: str) -> str:
    return link_from(context["site"], target, context["here"])


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
    env.globals["link"] = _link
    env.filters["cn_date"] = cn_date
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    return env


@dataclass
class Job:
    """One output page: its site path, the key of everything it shows, and how to render it."""

    path: str
    key: str
    template: str | None
    context: dict
    lazy: dict = field(default_factory=dict)  # context values computed only if the page is rendered

    def render(self, renderer: "Renderer") -> bytes:
        if self.template is None:  # a data file, made by a function
            return self.context["make"]()
        context = {**self.context, **{name: make() for name, make in self.lazy.items()}}
        return renderer.render(self.template, self.path, context)


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

    def _job(self, shows, template: str, here: str, lazy: dict | None = None, **context) -> Job:
        return Job(here, digest(self.global_key, template, here, shows), template, context, lazy or {})

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
        yield self._feed(shown, "corrections/feed.xml", f"{site.title} · 更正", "本站刊出后的更正", "corrections/index.html",
                         [self._correction_entry(c, a) for c, a in corrections])
        yield self._job((), "robots.txt", "robots.txt")
        yield Job("data/index.json", digest(self.global_key, everything), None,
                  {"make": lambda: metadata.to_json(metadata.archive_index(site))})
        for pub in site.publications:
            yield from self._publication(pub)
        yield from self._index_pages(self.authors, "authors/index.html", "作者", kind="articles")
        yield from self._sitemaps()

    def _sitemaps(self) -> Iterator[Job]:
        """sitemap.xml: every reading page with its last change, split by the protocol's 50,000 limit."""
        entries = [("index.html", None), ("archive/index.html", None)]
        for pub in self.site.publications:
            entries.append((pub.url, pub.latest.date.isoformat() if pub.latest else None))
            for issue in pub.issues:
                entries.append((issue.url, issue.date.isoformat()))
                entries += [(page.url, issue.date.isoformat()) for page in issue.pages]
                entries += [(a.url, (a.modified or issue.date).isoformat()) for a in issue.articles]
        if not self.site.base_url:
            entries = []  # a sitemap needs absolute URLs; the template says why it is empty
        chunks = [entries[i:i + SITEMAP_LIMIT] for i in range(0, len(entries), SITEMAP_LIMIT)] or [[]]
        if len(chunks) == 1:
            yield self._job(entries, "sitemap.xml", "sitemap.xml", entries=entries)
            return
        names = [f"sitemap-{n}.xml" for n in range(1, len(chunks) + 1)]
        for name, chunk in zip(names, chunks):
            yield self._job(chunk, "sitemap.xml", name, entries=chunk)
        yield self._job(names, "sitemap-index.xml", "sitemap.xml", parts=names)

    def _feed(self, shows, here: str, title: str, subtitle: str, home: str, entries: list[dict]) -> Job:
        updated = max((e["updated"] for e in entries), default="1970-01-01T00:00:00+08:00")
        return self._job(shows, "feed.xml", here, title=title, subtitle=subtitle, home=home, entries=entries,
                         updated=updated, author=self.site.title, feed_id=_urn(self.site, here))

    def _article_entry(self, article) -> dict:
        issue = article.issue
        return {"title": article.title, "id": _urn(self.site, article.url), "url": article.url,
                "published": _stamp(issue.date), "updated": _stamp(article.modified or issue.date),
                "authors": [a.name for a in article.authors],
                "categories": [c for c in (article.page.name if article.page else "", article.column) if c],
                "summary": article.lead}

    def _correction_entry(self, correction, article) -> dict:
        return {"title": f"更正：{article.title}", "url": article.url,
                "id": _urn(self.site, f"{article.url}#{correction.date.isoformat()}:{correction.note}"),
                "published": _stamp(correction.date), "updated": _stamp(correction.date),
                "authors": [], "categories": [], "summary": correction.note}

    def _publication(self, pub) -> Iterator[Job]:
        years = indexes.years(pub)
        sections, columns = self.sections[pub.slug], self.columns[pub.slug]
        yield self._job([(i.url, i.digest) for i in pub.issues], "publication.html", pub.url, pub=pub, years=years)
        latest = pub.issues[-FEED_ISSUES:][::-1]
        yield self._feed([(i.url, i.digest) for i in latest], f"{pub.slug}/feed.xml", pub.name,
                         f"{pub.name}最近{len(latest)}期", pub.url,
                         [self._article_entry(a) for i in latest for a in i.articles])
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
                # JSON-LD and the QR code cost real time: made only for pages that are rendered
                link = functools.partial(link_from, self.site, here=article.url)
                lazy = {"ld": functools.partial(metadata.article_ld, article, self.site, link),
                        "qr": functools.partial(qr_svg, self.site, article.url) if self.site.qr else str}
                yield self._job(shows, "article.html", article.url, lazy=lazy, pub=pub, issue=issue, article=article)
            yield Job(metadata.data_path(issue), digest(self.global_key, "data", shows), None,
                      {"make": functools.partial(_issue_json, issue, self.site)})
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

    def assets(self) -> Iterator[tuple[str, Path]]:
        """Static files: the stylesheet and scripts, lunr.js, then the content's PDFs and images."""
        static = self.templates / "assets"
        for path in sorted(p for p in static.rglob("*") if p.is_file()):
            yield "assets/" + path.relative_to(static).as_posix(), path
        yield "assets/search/lunr.min.js", LUNR_JS
        for issue in self.site.issues:
            yield from sorted(set((target, source) for source, target in issue.assets))


PARALLEL_FROM = 400  # pages; fewer are rendered faster than worker processes start
FEED_ISSUES = 10  # a publication's feed carries its latest issues
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, by the sitemap protocol


def _stamp(date) -> str:
    return f"{date.isoformat()}T00:00:00+08:00"  # issues are dated in China Standard Time


def _urn(site, path: str) -> str:
    """A permanent Atom id that does not change when the site moves or gains a base URL."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site.title}/{path}"))


def qr_svg(site, path: str) -> Markup:
    """The article's public address as an inline SVG QR code: drawn at build time, nothing fetched."""
    url = site.base_url.rstrip("/") + "/" + path
    import segno  # only sites with `qr: true` need it

    return Markup(segno.make(url, error="m").svg_inline(scale=3, border=2, title=f"本文二维码：{url}"))


def _issue_json(issue, site) -> bytes:
    return metadata.to_json(metadata.issue_data(issue, site))
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
