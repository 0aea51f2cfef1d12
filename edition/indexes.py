"""Date and section indexes: how readers find an issue, a 版面, a 栏目 or an author.

Index names are Chinese, URLs are ASCII: a name's slug is its pinyin, and only
names whose pinyin collide get a short hash of the name appended, so a slug
depends on its own name alone unless two names sound the same.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from . import urls
from .model import Article, Issue, Page, Publication, Site


def pinyin_slugs(names) -> dict[str, str]:
    """Each name's slug before collisions are resolved: its pinyin (pypinyin loads in a moment, so
    only for names the build state does not know yet)."""
    from pypinyin import lazy_pinyin

    return {name: re.sub(r"[^a-z0-9]+", "-", "".join(lazy_pinyin(name)).lower()).strip("-") or hash_suffix(name)
            for name in names}


def index_names(site: Site) -> set[str]:
    """Every name an index entry is made for: 版名, 栏目 and authors."""
    names = {page.name for issue in site.issues for page in issue.pages}
    for article in site.articles:
        if article.column:
            names.add(article.column)
        names.update(a.name for a in article.authors)
    return names


def hash_suffix(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]


@dataclass
class Entry:
    """One named index (a 版名, a 栏目 or an author) and what it lists, newest first."""

    name: str
    slug: str
    base: str  # folder of its pages, e.g. "pinghu-daily/sections/yaowen/"
    items: list = field(default_factory=list)

    def page_url(self, number: int) -> str:
        return urls.index_page(self.base, number)


def _entries(groups: dict[str, list], base: str, pinyin: dict[str, str]) -> list[Entry]:
    slugs = {name: pinyin[name] for name in groups}
    taken = defaultdict(list)
    for name, slug in slugs.items():
        taken[slug].append(name)
    entries = []
    for name in sorted(groups, key=lambda n: (slugs[n], n)):
        slug = slugs[name] if len(taken[slugs[name]]) == 1 else f"{slugs[name]}-{hash_suffix(name)}"
        entries.append(Entry(name, slug, f"{base}{slug}/", groups[name]))
    return entries


def _newest_first(items: list) -> list:
    return sorted(items, key=lambda x: (x.issue.date, x.issue.publication.slug), reverse=True)


def sections(pub: Publication, pinyin: dict[str, str]) -> list[Entry]:
    """版名 index: every page of that name across issues."""
    groups: dict[str, list[Page]] = defaultdict(list)
    for issue in pub.issues:
        for page in issue.pages:
            groups[page.name].append(page)
    return _entries({k: _newest_first(v) for k, v in groups.items()}, urls.sections(pub.slug), pinyin)


def columns(pub: Publication, pinyin: dict[str, str]) -> list[Entry]:
    """栏目 index: every article of that column."""
    groups: dict[str, list[Article]] = defaultdict(list)
    for issue in pub.issues:
        for article in issue.articles:
            if article.column:
                groups[article.column].append(article)
    return _entries({k: _newest_first(v) for k, v in groups.items()}, urls.columns(pub.slug), pinyin)


def authors(site: Site, pinyin: dict[str, str]) -> list[Entry]:
    """Author index, across publications: a reporter's or an organisation's work."""
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in site.articles:
        for name in dict.fromkeys(a.name for a in article.authors):
            groups[name].append(article)
    return _entries({k: _newest_first(v) for k, v in groups.items()}, urls.AUTHORS, pinyin)


def paginate(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


@dataclass
class Month:
    year: int
    month: int
    weeks: list[list[tuple[int, Issue | None]]]  # day 0 = padding
    issues: list[Issue]

    @property
    def key(self) -> str:
        return f"{self.year:04d}/{self.month:02d}"

    def url(self, pub: Publication) -> str:
        return urls.month(pub.slug, self.year, self.month)


def years(pub: Publication) -> dict[int, list[Month]]:
    """往期回顾: for each year with issues, all twelve months as Monday-first calendars."""
    by_day = {i.date: i for i in pub.issues}
    by_month: dict[tuple[int, int], list[Issue]] = defaultdict(list)
    for issue in pub.issues:
        by_month[issue.date.year, issue.date.month].append(issue)
    result: dict[int, list[Month]] = {}
    for year in sorted({i.date.year for i in pub.issues}):
        months = []
        for month in range(1, 13):
            weeks = [
                [(d.day if d.month == month else 0, by_day.get(d) if d.month == month else None) for d in week]
                for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
            ]
            months.append(Month(year, month, weeks, by_month.get((year, month), [])))
        result[year] = months
    return result
