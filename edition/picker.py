"""The date picker's data: each publication's issue days, as a small script beside its pages.

Every issue and 版面 page carries a date picker (``templates/picker.html``,
``templates/assets/datepicker.js``). Its calendar needs the publication's issue
days, which no single page's key covers: inlined, a new issue would rewrite
every old page. So the days live in one file per publication
(``urls.dates``), a script that sets ``self.editionDates[slug]`` (a script, not
JSON, because ``file://`` refuses fetches). Its key is the publication's issue
dates and addresses, so it changes only when an issue comes, goes or moves.

The file holds each month's issue days and the address pattern
(``urls.issue_pattern``); the browser fills the pattern in and resolves it
against the file's own address, so the links work from any page depth.
"""

from __future__ import annotations

import json

from . import urls
from .model import Publication


def shows(pub: Publication) -> list:
    """What the file shows of the publication: its issues' addresses, dates and whether a date is
    inferred (the key's input)."""
    return [(s.url, s.date.isoformat(), bool(s.date_approximate)) for s in pub.issues]


def dates_script(pub: Publication) -> bytes:
    """``<pub>/dates.js``: ``{"url": pattern, "days": {"YYYY-MM": [day, …]}, "approx": [date, …]}``,
    months and days in date order."""
    here = urls.dates(pub.slug)
    pattern = urls.issue_pattern(pub.slug)
    days: dict[str, list[int]] = {}
    for summary in pub.issues:
        date = summary.date
        link = pattern.format(Y=f"{date.year:04d}", M=f"{date.month:02d}", D=f"{date.day:02d}")
        if link != urls.relative(summary.url, here):  # urls.issue and urls.issue_pattern disagree
            raise ValueError(f"edition/urls.py: issue_pattern gives {link} for {summary.url}")
        days.setdefault(f"{date.year:04d}-{date.month:02d}", []).append(date.day)
    data = {"url": pattern, "days": days, "approx": [s.date.isoformat() for s in pub.issues if s.date_approximate]}
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return ("/* Made by the build: issue days for the date picker (assets/datepicker.js). */\n"
            f"(self.editionDates = self.editionDates || {{}})[{json.dumps(pub.slug)}] = {payload};\n").encode("utf-8")
