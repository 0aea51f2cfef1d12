"""The page producer: pages, feeds, sitemaps, open data and copied files, as groups of outputs.

Every group's key, and every output's, is a hash of exactly what it shows, so
one article edit changes the keys of that article's page, its 版面 and issue
pages, its neighbours, and the index pages that list it, and nothing else; a
new byline name changes the pages that show that name.

The producer works from a ``Library`` (``edition/pipeline.py``): the site with
every issue's summary, the issues loaded in full for this build, and the index
entries. An issue's group is keyed only when the build loaded that issue (its
files, its neighbours or the addresses it links to changed); every other issue
keeps the key the build state has for it, and is loaded only if its files must
be produced again. An index entry is keyed only when its listings or address
changed. Calendars, lists, feeds and sitemaps are keyed from the summaries of
every issue, which costs little. Pages are rendered (Jinja2) only when their key
changed.
"""

from __future__ import annotations

import functools
import uuid
from pathlib import Path
from typing import Iterator

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from . import facts, indexes, metadata, picker, urls
from .model import Article, Headline, Issue, Page, Publication, Site
from .outputs import Expansion, Group, Output, digest

FEED_ISSUES = 10  # a publication's feed carries its latest issues
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, by the sitemap protocol
LAZY = ("body", "ld", "qr")  # context values made only when the page is rendered
INDEX_LABELS = {"section": "版名", "column": "栏目", "author": "作者"}


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
def _file_url(context, target: str) -> str:
    return urls.file_link(target, context["here"])


@pass_context
def _link(context, target: str) -> str:
    return urls.link(context["site"].base_url, target, context["here"])


@pass_context
def _absolute(context, target: str) -> str:
    return urls.absolute(context["site"].base_url, target)


class Pages:
    """Knows which pages, feeds and data files the site has, what each one shows (its key), and
    renders them."""

    def __init__(self, library, templates: Path, assets: dict[str, tuple[str, str]], code_key: str,
                 bytecode: Path | None = None):
        self.library, self.site = library, library.site
        self.assets = assets  # static assets: site path → (source file, content digest)
        self.env = make_environment(templates, bytecode)
        self.env.globals.update(url=_url, file_url=_file_url, link=_link, absolute=_absolute,
                                author_url=library.author_url,
                                column_url=lambda pub, name: library.column_url(pub.slug, name))
        site = self.site
        # What every page shows of the whole site: its name, its publications (the footer) and address.
        pubs = [(p.slug, p.name, p.kind, p.publisher, p.frequency) for p in site.publications]
        self.code_key = code_key  # of the build's code and templates
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

    def byline(self, article: Article) -> tuple:
        return tuple((a.label, self.library.author_url(a.name)) for a in article.authors)

    def page_shows(self, page: Page) -> list:
        """What a 版面 view shows of articles: its own with bylines, leads and the pages they are
        continued on (转第N版), and the headlines of those continued from other pages (上接第N版),
        whose edits are in other files."""
        shown = [(Headline.of(a), self.byline(a), a.lead, a.slug, [p.number for p in a.printed_on])
                 for a in page.articles]
        return shown + [(Headline.of(a), a.page.number, a.slug) for a in page.continued]

    # -- the groups --------------------------------------------------------------------------------

    def groups(self) -> Iterator[Group]:
        site, library = self.site, self.library
        yield from self._site_pages()
        for pub in site.publications:
            yield from self._publication(pub)
            for summary in pub.issues:
                if summary.id in library.loaded:
                    yield self._issue_group(library.issue(summary.id))
                else:
                    yield self._carried(f"issue:{summary.url}", functools.partial(self._load_issue_group, summary.id))
            kinds = ("section", "column") if pub.kind == "newspaper" else ("column",)
            for kind in kinds:
                yield from self._index(kind, pub)
        yield from self._index("author", None)
        yield self._sitemap_group()

    def _carried(self, group_id: str, expand) -> Group:
        """A group this build has no reason to key again: the state's key stands; expanded only if
        its files went missing."""
        return Group(group_id, self.library.stored.get(group_id, ""), expand)

    @staticmethod
    def single(group_id: str, output: Output) -> Group:
        return Group(group_id, output.key, lambda: Expansion([output]))

    def _site_pages(self) -> Iterator[Group]:
        site, library = self.site, self.library
        # Home: the first publication's latest issue in its 版面 view (its 第01版: image, regions, PDF,
        # 版面导航 and 标题导航 with bylines and leads), the others' latest issues as links. The group
        # is expanded when any file of that issue or an address its bylines link to changes; the page
        # is rendered only when what it shows changed, as the 版面 page is.
        first, others = (site.publications[0], site.publications[1:]) if site.publications else (None, [])
        lead = first.latest if first else None
        listed = [(p.slug, p.latest.url, p.latest.number_label, p.latest.date_approximate, p.latest.front[:3])
                  if p.latest else p.slug for p in others]
        authors = [library.entries[e].page_url(1) for e in lead.entries
                   if e.startswith("author\x1f") and e in library.entries] if lead else []

        def home() -> Expansion:
            issue = library.issue(lead.id) if lead else None
            front = issue.front_page if issue and first.kind == "newspaper" else None
            shown = self.page_shows(front) if front else None
            shows = (lead.headlines if lead else None, shown, listed, front.image_size if front else None)
            return Expansion([self.page("home.html", urls.HOME, shows, pub=first, issue=issue, others=others)])

        yield Group("home", digest(self.key, "home", (lead.id, lead.digest) if lead else None, authors, listed), home)
        counts = [(p.slug, sorted(p.issue_counts_by_year.items())) for p in site.publications]
        yield self.single("archive", self.page("archive.html", urls.ARCHIVE, counts))
        # served at any depth: with a base URL its links are absolute, else it sets <base> to the root
        yield self.single("404", self.page("404.html", urls.NOT_FOUND, (), url=_link,
                                           folders=urls.top_folders(p.slug for p in site.publications)))
        yield self.single("search-page", self.page("search.html", urls.SEARCH, ()))
        yield self.single("robots", self.page("robots.txt", urls.ROBOTS, (), output_kind="data"))
        yield self.single("assets:facts", Output(urls.asset("search/facts.js"), "asset", digest(self.key, "facts"),
                                                 produce=facts.browser_facts))  # made only when the code changes
        for path, (source, key) in sorted(self.assets.items()):
            yield self.single(f"assets:{path}", Output(path, "asset", key, source=source))
        names = {p.slug: p.name for p in site.publications}
        corrections = sorted(((*c, names[s.publication], s.date) for s in site.issues for c in s.corrections),
                             key=lambda c: (c[0], c[6], c[2]), reverse=True)
        page = self.page("corrections.html", urls.CORRECTIONS, corrections, corrections=corrections)
        feed = self._feed(corrections, urls.CORRECTIONS_FEED, f"{site.title} · 更正", "本站刊出后的更正", urls.CORRECTIONS,
                          [self._correction_entry(c) for c in corrections])
        yield Group("corrections", digest(page.key, feed.key), lambda: Expansion([page, feed]))
        everything = [(s.url, s.number_label, s.articles) for s in site.issues]
        data = Output(urls.DATA_INDEX, "data", digest(self.key, "archive-index", everything),
                      lambda: metadata.to_json(metadata.archive_index(site)))
        yield self.single("data:index", data)

    def _feed(self, shows, here: str, title: str, subtitle: str, home: str, entries: list[dict]) -> Output:
        updated = max((e["updated"] for e in entries), default="1970-01-01T00:00:00+08:00")
        context = dict(title=title, subtitle=subtitle, home=home, entries=entries, updated=updated,
                       author=self.site.title, feed_id=_urn(self.site, here))
        return Output(here, "feed", digest(self.key, "feed.xml", here, shows),
                      functools.partial(self.render, "feed.xml", here, context))

    def _article_entry(self, article: Article) -> dict:
        issue = article.issue
        title = f"〔草稿〕{article.title}" if article.draft else article.title  # built only with --drafts
        return {"title": title, "id": _urn(self.site, article.url), "url": article.url,
                "published": _stamp(issue.date), "updated": _stamp(article.modified or issue.date),
                "authors": [a.name for a in article.authors],
                "categories": [c for c in (article.page.name if article.page else "", article.column) if c],
                "summary": article.lead}

    def _correction_entry(self, correction: tuple) -> dict:
        date, note, url = correction[:3]
        return {"title": f"更正：{correction[3]}", "url": url, "id": _urn(self.site, f"{url}#{date.isoformat()}:{note}"),
                "published": _stamp(date), "updated": _stamp(date), "authors": [], "categories": [], "summary": note}

    def _publication(self, pub: Publication) -> Iterator[Group]:
        years = indexes.years(pub)
        listed = [(s.url, s.number_label, s.date_approximate) for s in pub.issues]
        yield self.single(f"publication:{pub.slug}", self.page("publication.html", pub.url, listed, pub=pub,
                                                               years=years))
        latest = pub.issues[-FEED_ISSUES:][::-1]
        shows = [(s.id, s.feed) for s in latest]

        def feed() -> Expansion:
            issues = self.library.issues([s.id for s in latest])
            entries = [self._article_entry(a) for s in latest for a in issues[s.id].articles]
            return Expansion([self._feed(shows, pub.feed_url, pub.name, f"{pub.name}最近{len(latest)}期", pub.url,
                                         entries)])

        yield Group(f"feed:{pub.slug}", digest(self.key, "feed.xml", pub.feed_url, shows), feed)
        # the date picker's days: one file, keyed by the issue dates and addresses alone
        yield self.single(f"dates:{pub.slug}", Output(urls.dates(pub.slug), "data",
                                                      digest(self.code_key, "dates", pub.slug, picker.shows(pub)),
                                                      functools.partial(picker.dates_script, pub)))
        order = list(years)
        for n, (year, months) in enumerate(years.items()):
            before = order[n - 1] if n else None
            after = order[n + 1] if n + 1 < len(order) else None
            yield self._year_group(pub, year, months, before, after)

    def _year_group(self, pub: Publication, year: int, months: list, before, after) -> Group:
        shows = [(m.key, [(s.url, s.number_label, s.date_approximate, s.front, s.articles) for s in m.issues])
                 for m in months]
        key = digest(self.key, "year", pub.slug, year, before, after, shows)

        def expand() -> Expansion:
            outputs = [self.page("year.html", urls.year(pub.slug, year),
                                 ([(m.key, [(s.url, s.number_label, s.date_approximate) for s in m.issues])
                                   for m in months], before, after),
                                 pub=pub, year=year, months=months, prev_year=before, next_year=after)]
            for month, month_shows in zip(months, shows):
                if month.issues:
                    outputs.append(self.page("month.html", urls.month(pub.slug, year, month.month), month_shows,
                                             pub=pub, month=month))
            return Expansion(outputs)

        return Group(f"year:{pub.slug}/{year}", key, expand)

    def _load_issue_group(self, issue_id: str) -> Expansion:
        return self._issue_group(self.library.issue(issue_id)).expand()

    def _issue_group(self, issue: Issue) -> Group:
        """An issue's pages, its articles, its open data and its files: one group, since most edits
        touch one issue; each page within it still has a key of its own."""
        library = self.library
        near = [(x.url, x.date.isoformat()) if x else None for x in (issue.prev, issue.next)]
        links = [(self.byline(a), library.column_url(issue.publication.slug, a.column)) for a in issue.articles]
        key = digest(self.key, "issue", issue.digest, library.words_digest(issue.id), near, links)
        return Group(f"issue:{issue.url}", key, functools.partial(self._expand_issue, issue, near))

    def _expand_issue(self, issue: Issue, near: list) -> Expansion:
        pub, library = issue.publication, self.library
        pages = [(p.number, p.name) for p in issue.pages]
        summary = library.summaries[issue.id]  # its headlines digest: masthead, 版面, headlines, 目录
        thumbnails = [(p.thumbnail, p.thumbnail_size) for p in issue.pages]  # a new file may have a new size
        outputs = [self.page("issue.html", issue.url, (summary.headlines, near, thumbnails), pub=pub, issue=issue)]
        for page in issue.pages:
            shown = self.page_shows(page)
            outputs.append(self.page("page.html", page.url, (issue.meta_digest, page.number, pages, shown,
                                                             page.image_size),
                                     pub=pub, issue=issue, page=page))
        for article in issue.articles:
            neighbours = [(x.url, x.title) if x else None for x in (article.prev, article.next)]
            words = library.words[article.source].keywords
            shows = (article.digest, issue.meta_digest, pages, neighbours, self.byline(article),
                     library.column_url(pub.slug, article.column), words)
            link = functools.partial(urls.link, self.site.base_url, here=article.url)
            outputs.append(self.page(
                "article.html", article.url, shows, needs=(article,), pub=pub, issue=issue, article=article,
                keywords=words,
                body=functools.partial(lambda a: library.bodies[a].html, article),
                ld=functools.partial(metadata.article_ld, article, self.site, link, words),
                qr=functools.partial(qr_svg, self.site, article.url) if self.site.qr else str))
        keywords = [library.words[a.source].keywords for a in issue.articles]
        content = (issue.meta_digest, [(a.url, a.digest, a.page.number if a.page else None) for a in issue.articles],
                   [(p.image, p.image_size, p.thumbnail, p.pdf) for p in issue.pages])  # files read, not in issue.yml
        outputs.append(Output(issue.data_url, "data", digest(self.key, "data", content, keywords),
                              functools.partial(self._issue_json, issue), bodies=tuple(issue.articles)))
        outputs += [Output(path, "asset", key, data=issue.asset_data[path]) if path in issue.asset_data else
                    Output(path, "asset", key, source=source) for path, source, key in issue.assets]
        return Expansion(outputs)

    def _issue_json(self, issue: Issue) -> bytes:
        return metadata.to_json(metadata.issue_data(issue, self.site, self.library.bodies, self.library.words))

    def _index(self, kind: str, pub: Publication | None) -> Iterator[Group]:
        """An index (版名, 栏目 or authors): its overview, and a group of pages per entry."""
        library = self.library
        label = INDEX_LABELS[kind]
        slug = pub.slug if pub else ""
        entries = indexes.overview(library.entries, kind, slug)
        overview = urls.index_page(indexes.folder(kind, slug), 1)
        page = self.page("index_overview.html", overview, [(e.name, e.slug, e.count) for e in entries],
                         entries=entries, label=label, pub=pub)
        yield self.single(f"index:{kind}:{slug}", page)
        for entry in entries:
            expand = functools.partial(self._expand_entry, entry, overview, label, kind, pub)
            if entry.id in library.changed_entries:
                items = library.items(entry.id)
                key = digest(self.key, "entry", entry.id, entry.slug, entry.count, items)
                yield Group(f"index:{entry.id}", key, lambda expand=expand, items=items: expand(items))
            else:
                yield self._carried(f"index:{entry.id}", expand)

    def _expand_entry(self, entry, overview: str, label: str, kind: str, pub, items: list | None = None) -> Expansion:
        """An entry's pages (``items``: what it lists, newest first; read now if not given)."""
        items = self.library.items(entry.id) if items is None else items
        chunks = indexes.paginate(items, self.site.index_page_size)
        outputs = []
        for number, chunk in enumerate(chunks, start=1):
            outputs.append(self.page("index_entry.html", entry.page_url(number),
                                     (entry.name, entry.count, number, len(chunks), chunk),
                                     entry=entry, items=chunk, number=number, count=len(chunks), label=label,
                                     kind="pages" if kind == "section" else "articles", overview=overview, pub=pub))
        return Expansion(outputs)

    def _sitemap_group(self) -> Group:
        """sitemap.xml: every reading page with its last change, split by the protocol's 50,000 limit."""
        site = self.site
        shows = [(s.id, s.sitemap) for s in site.issues] if site.base_url else []

        def expand() -> Expansion:
            entries = [(urls.HOME, None), (urls.ARCHIVE, None)]
            if site.base_url:
                for pub in site.publications:
                    entries.append((pub.url, pub.latest.date.isoformat() if pub.latest else None))
                    for summary in pub.issues:
                        entries += summary.sitemap
            else:
                entries = []  # a sitemap needs absolute URLs; the file says why it is empty
            chunks = [entries[i:i + SITEMAP_LIMIT] for i in range(0, len(entries), SITEMAP_LIMIT)] or [[]]
            if len(chunks) == 1:
                return Expansion([self.page("sitemap.xml", urls.SITEMAP, entries, output_kind="sitemap",
                                            entries=entries)])
            names = [urls.sitemap_part(n) for n in range(1, len(chunks) + 1)]
            outputs = [self.page("sitemap.xml", name, chunk, output_kind="sitemap", entries=chunk)
                       for name, chunk in zip(names, chunks)]
            outputs.append(self.page("sitemap-index.xml", urls.SITEMAP, names, output_kind="sitemap", parts=names))
            return Expansion(outputs)

        return Group("sitemap", digest(self.key, "sitemap", shows), expand)


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
