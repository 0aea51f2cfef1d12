"""Date and section indexes: how readers find an issue, a 版面, a 栏目 or an author.

Index names are Chinese, URLs are ASCII: a name's slug is its pinyin, and only
names whose pinyin collide get a short hash of the name appended, so a slug
depends on its own name alone unless two names sound the same.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

from . import urls
from .facts import is_device_name
from .model import IssueSummary, Publication


MAX_SLUG = 80  # a folder name; file systems allow 255 bytes


def pinyin_slugs(names) -> dict[str, str]:
    """Each name's slug before collisions are resolved: its pinyin (pypinyin loads in a moment, so
    only for names the build state does not know yet), cut short with a hash of the name if long."""
    from pypinyin import lazy_pinyin

    slugs = {}
    for name in names:
        slug = re.sub(r"[^a-z0-9]+", "-", "".join(lazy_pinyin(name)).lower()).strip("-") or hash_suffix(name)
        if len(slug) > MAX_SLUG:
            slug = slug[:MAX_SLUG - 7].rstrip("-") + "-" + hash_suffix(name)
        elif is_device_name(slug):  # an author named Con: a folder con/ Windows cannot open
            slug = f"{slug}-{hash_suffix(name)}"
        slugs[name] = slug
    return slugs


def hash_suffix(name: str) -> str:
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]


@dataclass(frozen=True)
class Entry:
    """One named index (a 版名, a 栏目 or an author): its address and how much it lists."""

    id: str  # see edition.load.entry_id
    kind: str  # section, column or author
    pub: str  # the publication's slug; "" for authors, who are indexed site-wide
    name: str
    pinyin: str
    slug: str
    count: int

    @property
    def base(self) -> str:
        """The folder of its pages, e.g. "pinghu-daily/sections/yaowen/"."""
        return folder(self.kind, self.pub) + self.slug + "/"

    def page_url(self, number: int) -> str:
        return urls.index_page(self.base, number)


def folder(kind: str, pub: str) -> str:
    return {"section": urls.sections, "column": urls.columns}[kind](pub) if kind != "author" else urls.AUTHORS


def resolve(pinyin: dict[str, str], counts: dict[str, int]) -> dict[str, Entry]:
    """Every entry with its slug: its pinyin, with a short hash of the name appended where two
    names of the same index sound the same."""
    spaces: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for entry_id in counts:
        kind, pub, _ = entry_id.split("\x1f")
        spaces[kind, pub, pinyin[entry_id]].append(entry_id)
    entries = {}
    for (kind, pub, slug), ids in spaces.items():
        for entry_id in ids:
            name = entry_id.split("\x1f")[2]
            entries[entry_id] = Entry(entry_id, kind, pub, name, slug, slug if len(ids) == 1 else
                                      f"{slug}-{hash_suffix(name)}", counts[entry_id])
    return entries


def overview(entries: dict[str, Entry], kind: str, pub: str) -> list[Entry]:
    """One index's entries in the order its overview lists them: by pinyin, then name."""
    return sorted((e for e in entries.values() if e.kind == kind and e.pub == pub), key=lambda e: (e.pinyin, e.name))


def newest_first(contributions: dict[str, tuple], summaries: dict) -> list:
    """An entry's items from every issue that lists it: newest issue first, each issue's in
    reading order."""
    order = sorted(contributions, key=lambda i: (summaries[i].date, summaries[i].publication), reverse=True)
    return [item for issue_id in order for item in contributions[issue_id]]


def paginate(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]


@dataclass
class Month:
    year: int
    month: int
    weeks: list[list[tuple[int, IssueSummary | None]]]  # day 0 = padding
    issues: list[IssueSummary]

    @property
    def key(self) -> str:
        return f"{self.year:04d}/{self.month:02d}"

    def url(self, pub: Publication) -> str:
        return urls.month(pub.slug, self.year, self.month)


def years(pub: Publication) -> dict[int, list[Month]]:
    """往期回顾: for each year with issues, all twelve months as Monday-first calendars."""
    by_day = {i.date: i for i in pub.issues}
    by_month: dict[tuple[int, int], list[IssueSummary]] = defaultdict(list)
    for issue in pub.issues:
        by_month[issue.date.year, issue.date.month].append(issue)
    result: dict[int, list[Month]] = {}
    for year in sorted({i.date.year for i in pub.issues}):
        months = []
        for month in range(1, 13):
            # days, not dates: the weeks around December 9999 would reach past the last date Python has
            weeks = [[(day, by_day.get(dt.date(year, month, day)) if day else None) for day in week]
                     for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)]
            months.append(Month(year, month, weeks, by_month.get((year, month), [])))
        result[year] = months
    return result
