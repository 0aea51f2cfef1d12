"""Machine-readable views of the model: schema.org JSON-LD and open-data JSON.

Search engines, news readers and libraries read these instead of scraping the
pages, so they carry the print facts of the edition (edition number, page,
section, column) as well as the text. URLs are absolute only when the site
has a base URL; otherwise they are relative to the site root and say so.
"""

from __future__ import annotations

import json
from typing import Callable

from . import urls
from .model import Article, Fetched, Issue, Page, Site

DATA_VERSION = 1


def _person(author) -> dict:
    if author.org:
        return {"@type": "Organization", "name": author.name}
    person = {"@type": "Person", "name": author.name}
    if author.role:
        person["jobTitle"] = author.role
    return person


def article_ld(article: Article, site: Site, link: Callable[[str], str], keywords: tuple) -> dict:
    """schema.org NewsArticle (newspapers) or ScholarlyArticle (periodicals) for one article page.

    ``link`` turns a site path into the URL to print: absolute with a base URL,
    else relative to the article page, which is how JSON-LD resolves it.
    """
    issue, pub = article.issue, article.issue.publication
    newspaper = pub.kind == "newspaper"
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle" if newspaper else "ScholarlyArticle",
        "headline": article.title,
        "inLanguage": site.language,
        "datePublished": issue.date.isoformat(),
        "dateModified": (article.modified or issue.date).isoformat(),
        "url": link(article.url),
        "mainEntityOfPage": link(article.url),
        "isPartOf": {
            "@type": "PublicationIssue",
            "datePublished": issue.date.isoformat(),
            "url": link(issue.url),
            "isPartOf": {"@type": "Newspaper" if newspaper else "Periodical", "name": pub.name,
                         "url": link(pub.url)},
        },
    }
    alternative = [text for text in (article.kicker, article.subtitle) if text]
    if alternative:
        data["alternativeHeadline"] = " ".join(alternative)
    if article.authors:
        data["author"] = [_person(a) for a in article.authors]
    if pub.publisher:
        data["publisher"] = {"@type": "Organization", "name": pub.publisher}
    if issue.number_label:
        data["isPartOf"]["issueNumber"] = issue.number_label
    if newspaper:
        if issue.total_number is not None:
            data["printEdition"] = f"总第{issue.total_number}期"
        if article.page:
            data["printPage"] = str(article.page.number)
            data["printSection"] = article.page.name
    elif article.start_page is not None:
        data["pageStart"] = article.start_page
    if article.column:
        data["printColumn"] = article.column
    if keywords:
        data["keywords"] = list(keywords)
    if article.corrections:
        data["correction"] = [{"@type": "CorrectionComment", "text": c.note, "datePublished": c.date.isoformat()}
                              for c in article.corrections]
    if issue.date_approximate:
        data["isPartOf"]["description"] = f"出版日期为推定：{issue.date_approximate}"
    return data


def issue_data(issue: Issue, site: Site, bodies: Fetched, words: dict) -> dict:
    """One issue as open data: its metadata, its pages and every article with its text."""
    pub = issue.publication

    def article(a: Article) -> dict:
        item = {"id": a.slug, "url": urls.absolute(site.base_url, a.url), "title": a.title, "kicker": a.kicker,
                "subtitle": a.subtitle, "kind": a.kind, "column": a.column,
                "authors": [{"name": x.name, "role": x.role, "organisation": x.org} for x in a.authors],
                "page": a.page.number if a.page else a.start_page, "keywords": list(words[a.source].keywords),
                "corrections": [{"date": c.date.isoformat(), "note": c.note} for c in a.corrections],
                "text": bodies[a].text}
        if a.draft:  # built only with --drafts: not reviewed yet
            item["draft"] = True
        return item

    def page(p: Page) -> dict:
        def file(path: str) -> str:  # "" when the issue names none (or it has not arrived)
            return urls.absolute(site.base_url, path) if path else ""

        return {"number": p.number, "name": p.name, "editor": p.editor, "staff": p.staff,
                "url": urls.absolute(site.base_url, p.url), "articles": [a.slug for a in p.articles],
                "image": file(p.image), "image_size": list(p.image_size) if p.image else [],
                "thumbnail": file(p.thumbnail), "pdf": file(p.pdf),
                # where each article sits on the image, in percent; an article of another page is its continuation
                "regions": [{"article": r.article.slug, "part": r.part, "x": r.x, "y": r.y, "w": r.w, "h": r.h}
                            for r in p.regions]}

    return {
        "version": DATA_VERSION,
        "publication": {"slug": pub.slug, "name": pub.name, "kind": pub.kind, "publisher": pub.publisher},
        "date": issue.date.isoformat(),
        "date_approximate": issue.date_approximate,
        "total_number": issue.total_number,
        "number": issue.number,
        "lunar": issue.lunar,
        "weekday": issue.weekday,
        "url": urls.absolute(site.base_url, issue.url),
        "urls_are_absolute": bool(site.base_url),
        "pages": [page(p) for p in issue.pages],
        "articles": [article(a) for a in issue.articles],
    }


def archive_index(site: Site) -> dict:
    """Every issue of every publication, with where its open data lives."""
    return {
        "version": DATA_VERSION,
        "title": site.title,
        "language": site.language,
        "urls_are_absolute": bool(site.base_url),
        "note": "" if site.base_url else "No base URL was given: URLs are relative to the site root.",
        "publications": [{
            "slug": pub.slug, "name": pub.name, "kind": pub.kind,
            "issues": [{"date": i.date.isoformat(), "number": i.number_label, "articles": i.articles,
                        "url": urls.absolute(site.base_url, i.url), "data": urls.absolute(site.base_url, i.data_url)} for i in pub.issues],
        } for pub in site.publications],
    }


def to_json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")
