"""Producers of pages, feeds, sitemaps, open data and copied files: the site's groups of outputs.

Every group's key, and every output's, is a hash of exactly what it shows, so
one article edit changes the keys of that article's page, its 版面 and issue
pages, its neighbours, and the index pages that list it, and nothing else; a
new byline name changes the pages that show that name. The keys are cheap to
compute; the pages themselves are rendered (Jinja2) only when their key changed.
"""

from __future__ import annotations

import functools
import uuid
from pathlib import Path
from typing import Iterator

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from . import facts, indexes, metadata, urls
from .model import Article, Bodies, Issue, Publication, Site
from .outputs import Expansion, Group, Output, digest

FEED_ISSUES = 10  # a publication's feed carries its latest issues
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, by the sitemap protocol
PAGE_SECONDS = 0.001  # rendering one page, for parallel.map


def make_environment(templates: Path, bytecode: Path | None = None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=FileSystemBytecodeCache(str(bytecode)) if bytecode else None,
    )
    env.filters["cn_date"] = facts.cn_date
    env.globals["paths"] = urls
    env.globals["KIND_LABELS"] = facts.KIND_LABELS
    env.globals["UNMARKED_KINDS"] = facts.UNMARKED_KINDS
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    return env


@pass_context
def _url(context, target: str) -> str:
    return urls.relative(target, context["here"])


@pass_context
def _link(context, target: str) -> str:
    return urls.link(context["site"].base_url, target, context["here"])


@pass_context
def _absolute(context, target: str) -> str:
    return urls.absolute(context["site"].base_url, target)


class Pages:
    """The page producer: knows which pages, feeds and data files the site has, what each one
    shows (its key), and renders them."""

    def __init__(self, site: Site, templates: Path, assets: dict[str, str], bodies: Bodies, words: dict,
                 slugs: dict[str, str], code_key: str, bytecode: Path | None = None):
        self.site, self.templates, self.bodies, self.words = site, templates, bodies, words
        self.assets = assets  # static assets: site path → (source file, content digest)
        self.env = make_environment(templates, bytecode)
        self.env.globals.update(url=_url, link=_link, absolute=_absolute)
        self.authors = indexes.authors(site, slugs)
        self.sections = {pub.slug: indexes.sections(pub, slugs) for pub in site.publications}
        self.columns = {pub.slug: indexes.columns(pub, slugs) for pub in site.publications}
        self.author_links = {e.name: e.page_url(1) for e in self.authors}
        self.column_links = {(pub.slug, e.name): e.page_url(1) for pub in site.publications
                             for e in self.columns[pub.slug]}
        self.env.globals["author_url"] = lambda name: self.author_links[name]
        self.env.globals["column_url"] = lambda pub, name: self.column_links[pub.slug, name]
        # What every page shows of the whole site: its name, its publications (the footer) and address.
        pubs = [(p.slug, p.name, p.kind, p.publisher, p.frequency) for p in site.publications]
        self.key = digest(code_key, site.title, site.language, site.base_url, site.qr, site.index_page_size, pubs)

    # -- rendering -------------------------------------------------------------------------------

    def render(self, template: str, here: str, context: dict) -> bytes:
        html = self.env.get_template(template).render(site=self.site, here=here,
                                                      canonical=urls.canonical(self.site.base_url, here), **context)
        return html.encode("utf-8")

    def page(self, template: str, here: str, shows, needs: tuple = (), output_kind: str = "page",
             **context) -> Output:
        """An output rendered from ``template`` with ``context``; ``shows`` is what its key covers,
        ``needs`` the articles whose bodies it shows."""
        make = functools.partial(self._render_lazy, template, here, context)
        return Output(here, output_kind, digest(self.key, template, here, shows), make, bodies=needs)

    def _render_lazy(self, template: str, here: str, context: dict) -> bytes:
        """Context values that are functions are computed only now: JSON-LD and QR codes cost time."""
        return self.render(template, here, {k: v() if callable(v) and k in LAZY else v for k, v in context.items()})

    # -- what pages show of an article ------------------------------------------------------------

    @staticmethod
    def headline(article: Article) -> tuple:
        return article.url, article.kicker, article.title, article.subtitle, article.kind

    def byline(self, article: Article) -> tuple:
        return tuple((a.label, self.author_links[a.name]) for a in article.authors)

    def listed(self, article: Article) -> tuple:
        """What an index page shows of an article: its headline, where and when it appeared."""
        issue = article.issue
        return (*self.headline(article), issue.publication.name, issue.date.isoformat(), issue.date_approximate,
                article.page.label if article.page else "")

    # -- the groups --------------------------------------------------------------------------------

    def groups(self) -> Iterator[Group]:
        site = self.site
        yield from self._site_pages()
        for pub in site.publications:
            yield from self._publication(pub)
            for issue in pub.issues:
                yield self._issue_group(issue)
            if pub.kind == "newspaper":
                yield from self._index(f"sections:{pub.slug}", self.sections[pub.slug], urls.sections(pub.slug),
                                       "版名", "pages", pub)
            yield from self._index(f"columns:{pub.slug}", self.columns[pub.slug], urls.columns(pub.slug),
                                   "栏目", "articles", pub)
        yield from self._index("authors", self.authors, urls.AUTHORS, "作者", "articles", None)
        yield self._sitemap_group()

    @staticmethod
    def single(group_id: str, output: Output) -> Group:
        return Group(group_id, output.key, lambda results: Expansion([output]))

    def _site_pages(self) -> Iterator[Group]:
        site = self.site
        latest = []
        for pub in site.publications:
            issue = pub.latest
            if issue is None:
                latest.append(pub.slug)
                continue
            front = issue.front_page
            latest.append((issue.url, issue.meta_digest, [p.label for p in issue.pages],
                           [self.headline(a) for a in (front.articles if front else ())],
                           [(a.url, a.title, [x.name for x in a.authors], a.start_page) for a in issue.articles]
                           if pub.kind == "periodical" else None))
        yield self.single("home", self.page("home.html", urls.HOME, latest))
        counts = [(p.slug, sorted(p.issue_counts_by_year.items())) for p in site.publications]
        yield self.single("archive", self.page("archive.html", urls.ARCHIVE, counts))
        yield self.single("404", self.page("404.html", urls.NOT_FOUND, ()))
        yield self.single("search-page", self.page("search.html", urls.SEARCH, ()))
        yield self.single("robots", self.page("robots.txt", urls.ROBOTS, (), output_kind="data"))
        yield self.single("assets:facts", Output("assets/search/facts.js", "asset", None, data=facts.browser_facts()))
        for path, (source, key) in sorted(self.assets.items()):
            yield self.single(f"assets:{path}", Output(path, "asset", key, source=source))
        corrections = sorted(((c, a) for a in site.articles for c in a.corrections),
                             key=lambda pair: (pair[0].date, pair[1].issue.date, pair[1].url), reverse=True)
        shown = [(c.date.isoformat(), c.note, a.url, a.title, a.issue.meta_digest) for c, a in corrections]
        page = self.page("corrections.html", urls.CORRECTIONS, shown, corrections=corrections)
        feed = self._feed(shown, urls.CORRECTIONS_FEED, f"{site.title} · 更正", "本站刊出后的更正", urls.CORRECTIONS,
                          lambda: [self._correction_entry(c, a) for c, a in corrections])
        yield Group("corrections", digest(page.key, feed.key), lambda results: Expansion([page, feed]))
        everything = [(i.url, i.meta_digest, len(i.articles)) for i in site.issues]
        data = Output(urls.DATA_INDEX, "data", digest(self.key, "archive-index", everything),
                      lambda: metadata.to_json(metadata.archive_index(site)))
        yield self.single("data:index", data)

    def _feed(self, shows, here: str, title: str, subtitle: str, home: str, entries) -> Output:
        def make() -> bytes:
            made = entries()
            updated = max((e["updated"] for e in made), default="1970-01-01T00:00:00+08:00")
            return self.render("feed.xml", here, dict(title=title, subtitle=subtitle, home=home, entries=made,
                                                      updated=updated, author=self.site.title,
                                                      feed_id=_urn(self.site, here)))

        return Output(here, "feed", digest(self.key, "feed.xml", here, shows), make)

    def _article_entry(self, article: Article) -> dict:
        issue = article.issue
        return {"title": article.title, "id": _urn(self.site, article.url), "url": article.url,
                "published": _stamp(issue.date), "updated": _stamp(article.modified or issue.date),
                "authors": [a.name for a in article.authors],
                "categories": [c for c in (article.page.name if article.page else "", article.column) if c],
                "summary": article.lead}

    def _correction_entry(self, correction, article: Article) -> dict:
        return {"title": f"更正：{article.title}", "url": article.url,
                "id": _urn(self.site, f"{article.url}#{correction.date.isoformat()}:{correction.note}"),
                "published": _stamp(correction.date), "updated": _stamp(correction.date),
                "authors": [], "categories": [], "summary": correction.note}

    def _publication(self, pub: Publication) -> Iterator[Group]:
        years = indexes.years(pub)
        listed = [(i.url, i.number_label, i.date_approximate) for i in pub.issues]
        page = self.page("publication.html", pub.url, listed, pub=pub, years=years)
        latest = pub.issues[-FEED_ISSUES:][::-1]
        feed = self._feed([(i.url, i.meta_digest, [(a.url, a.digest) for a in i.articles]) for i in latest],
                          pub.feed_url, pub.name, f"{pub.name}最近{len(latest)}期", pub.url,
                          lambda: [self._article_entry(a) for i in latest for a in i.articles])
        yield Group(f"publication:{pub.slug}", digest(page.key, feed.key), lambda results: Expansion([page, feed]))
        order = list(years)
        for n, (year, months) in enumerate(years.items()):
            before = order[n - 1] if n else None
            after = order[n + 1] if n + 1 < len(order) else None
            yield self._year_group(pub, year, months, before, after)

    def _year_group(self, pub: Publication, year: int, months: list, before, after) -> Group:
        def shown(month) -> list:
            return [(i.url, i.meta_digest, i.number_label,
                     [self.headline(a) for a in (i.front_page.articles if i.front_page else i.articles)[:5]])
                    for i in month.issues]

        shows = [(m.key, shown(m)) for m in months]
        key = digest(self.key, "year", pub.slug, year, before, after, shows)

        def expand(results) -> Expansion:
            outputs = [self.page("year.html", urls.year(pub.slug, year),
                                 ([(m.key, [(i.url, i.meta_digest) for i in m.issues]) for m in months], before, after),
                                 pub=pub, year=year, months=months, prev_year=before, next_year=after)]
            for month, month_shows in zip(months, shows):
                if month.issues:
                    outputs.append(self.page("month.html", urls.month(pub.slug, year, month.month),
                                             month_shows, pub=pub, month=month))
            return Expansion(outputs)

        return Group(f"year:{pub.slug}/{year}", key, expand)

    def _issue_group(self, issue: Issue) -> Group:
        """An issue's pages, its articles, its open data and its files: one group, since most edits
        touch one issue; each page within it still has a key of its own."""
        near = [(x.url, x.date.isoformat()) if x else None for x in (issue.prev, issue.next)]
        links = [(self.byline(a), self.column_links.get((issue.publication.slug, a.column))) for a in issue.articles]
        key = digest(self.key, "issue", issue.digest, near, links, issue.assets)
        return Group(f"issue:{issue.url}", key, functools.partial(self._expand_issue, issue, near))

    def _expand_issue(self, issue: Issue, near: list, results) -> Expansion:
        pub = issue.publication
        pages = [(p.number, p.name) for p in issue.pages]
        headlines = [(a.page.number if a.page else None, self.headline(a), [x.name for x in a.authors], a.start_page)
                     for a in issue.articles]  # the periodical's 目录 shows authors and start pages
        outputs = [self.page("issue.html", issue.url, (issue.meta_digest, near, pages, headlines),
                             pub=pub, issue=issue)]
        for page in issue.pages:
            shown = [(self.headline(a), self.byline(a), a.lead, a.slug) for a in page.articles]
            outputs.append(self.page("page.html", page.url, (issue.meta_digest, page.number, pages, shown),
                                     pub=pub, issue=issue, page=page))
        for article in issue.articles:
            neighbours = [(x.url, x.title) if x else None for x in (article.prev, article.next)]
            shows = (article.digest, issue.meta_digest, pages, neighbours, self.byline(article),
                     self.column_links.get((pub.slug, article.column)), self.words[article.source].keywords)
            link = functools.partial(urls.link, self.site.base_url, here=article.url)
            words = self.words[article.source].keywords
            outputs.append(self.page(
                "article.html", article.url, shows, needs=(article,), pub=pub, issue=issue, article=article,
                keywords=words,
                body=functools.partial(lambda a: self.bodies[a].html, article),
                ld=functools.partial(metadata.article_ld, article, self.site, link, words),
                qr=functools.partial(qr_svg, self.site, article.url) if self.site.qr else str))
        keywords = [self.words[a.source].keywords for a in issue.articles]
        outputs.append(Output(issue.data_url, "data", digest(self.key, "data", issue.digest, keywords),
                              functools.partial(self._issue_json, issue), bodies=tuple(issue.articles)))
        outputs += [Output(path, "asset", key, source=source) for path, source, key in issue.assets]
        return Expansion(outputs)

    def _issue_json(self, issue: Issue) -> bytes:
        return metadata.to_json(metadata.issue_data(issue, self.site, self.bodies, self.words))

    def _index(self, group_id: str, entries: list, folder: str, label: str, kind: str, pub) -> Iterator[Group]:
        overview = urls.index_page(folder, 1)
        page = self.page("index_overview.html", overview, [(e.name, e.slug, len(e.items)) for e in entries],
                         entries=entries, label=label, pub=pub)
        yield self.single(group_id, page)
        size = self.site.index_page_size
        for entry in entries:
            if kind == "articles":
                items = [self.listed(a) for a in entry.items]
            else:  # 版面 pages, listed with their articles' headlines
                items = [(p.url, p.label, p.issue.date.isoformat(), [self.headline(a) for a in p.articles])
                         for p in entry.items]
            key = digest(self.key, group_id, entry.name, entry.slug, items)
            yield Group(f"{group_id}/{entry.name}", key,
                        functools.partial(self._expand_entry, entry, items, size, overview, label, kind, pub))

    def _expand_entry(self, entry, items, size, overview, label, kind, pub, results) -> Expansion:
        chunks = indexes.paginate(entry.items, size)
        shown = indexes.paginate(items, size)
        outputs = []
        for number, (chunk, shows) in enumerate(zip(chunks, shown), start=1):
            outputs.append(self.page("index_entry.html", entry.page_url(number),
                                     (entry.name, len(entry.items), number, len(chunks), shows),
                                     entry=entry, items=chunk, number=number, count=len(chunks), label=label,
                                     kind=kind, overview=overview, pub=pub))
        return Expansion(outputs)

    def _sitemap_group(self) -> Group:
        """sitemap.xml: every reading page with its last change, split by the protocol's 50,000 limit."""
        site = self.site
        entries = [(urls.HOME, None), (urls.ARCHIVE, None)]
        if site.base_url:
            for pub in site.publications:
                entries.append((pub.url, pub.latest.date.isoformat() if pub.latest else None))
                for issue in pub.issues:
                    day = issue.date.isoformat()
                    entries.append((issue.url, day))
                    entries += [(page.url, day) for page in issue.pages]
                    entries += [(a.url, a.modified.isoformat() if a.corrections else day) for a in issue.articles]
        else:
            entries = []  # a sitemap needs absolute URLs; the file says why it is empty
        chunks = [entries[i:i + SITEMAP_LIMIT] for i in range(0, len(entries), SITEMAP_LIMIT)] or [[]]
        if len(chunks) == 1:
            outputs = [self.page("sitemap.xml", urls.SITEMAP, entries, output_kind="sitemap", entries=entries)]
        else:
            names = [urls.sitemap_part(n) for n in range(1, len(chunks) + 1)]
            outputs = [self.page("sitemap.xml", name, chunk, output_kind="sitemap", entries=chunk)
                       for name, chunk in zip(names, chunks)]
            outputs.append(self.page("sitemap-index.xml", urls.SITEMAP, names, output_kind="sitemap", parts=names))
        return Group("sitemap", digest(*(o.key for o in outputs)), lambda results: Expansion(outputs))


LAZY = ("body", "ld", "qr")  # context values made only when the page is rendered


def _stamp(date) -> str:
    return f"{date.isoformat()}T00:00:00+08:00"  # issues are dated in China Standard Time


def _urn(site: Site, path: str) -> str:
    """A permanent Atom id that does not change when the site moves or gains a base URL."""
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site.title}/{path}"))


def qr_svg(site: Site, path: str) -> Markup:
    """The article's public address as an inline SVG QR code: drawn at build time, nothing fetched."""
    url = urls.absolute(site.base_url, path)
    import segno  # only sites with `qr: true` need it

    return Markup(segno.make(url, error="m").svg_inline(scale=3, border=2, title=f"本文二维码：{url}"))
