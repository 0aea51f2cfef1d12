"""Stage: the prebuilt full-text search index, partitioned so a query loads only what it needs.

Layout (all under ``search/``; every file is a script that calls ``edition._load``
so it also loads from ``file://``, where fetch and workers are blocked):

- ``meta.js``: segments (one per month of issues) with their bucket counts, and the
  filter values.
- ``d/<h>.js``: the directory: for each token, the months that contain it.
- ``s/<YYYY-MM>/b<h>.js`` and ``u<h>.js``: real lunr indexes, each over the postings
  of the bigram/word tokens (``b``) or single Han characters (``u``) that hash to it.
- ``s/<YYYY-MM>/days.js``: first document of each day, for date filters.
- ``t/<YYYY-MM>/<ref>.js``: an article's text and what a result shows, to verify a
  match exactly and cut the snippet.

Document refs are base-36 positions in date order within their month, so a
change to one article touches only its own month and the directory entries of
its tokens.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterator

from lunr.builder import Builder

from .model import Article, Site
from .tokenizer import index_tokens, is_han, normalize
from .words import Segmenter

TITLE_BOOST = 10
POSTINGS_PER_BUCKET = 512
MAX_BUCKETS = 1024
TOKENS_PER_DIRECTORY_FILE = 512
FORMAT_VERSION = 1


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over code points; search.js computes the same."""
    h = 0x811C9DC5
    for char in text:
        h = ((h ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return h


def bucket_of(token: str) -> tuple[str, str]:
    """(namespace, hash key): a title word shares the bucket of its first bigram."""
    if len(token) == 1 and is_han(token):
        return "u", token
    if len(token) > 2 and is_han(token[0]) and is_han(token[1]):
        return "b", token[:2]
    return "b", token


def buckets_for(postings: int) -> int:
    count = 1
    while count * POSTINGS_PER_BUCKET < postings and count < MAX_BUCKETS:
        count *= 2
    return count


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def month_number(year: int, month: int) -> int:
    return year * 12 + month - 1


def encode_months(months: list[int]) -> str:
    """Sorted month numbers as base-36 ranges: ``"1bhc-1bhf,1bhk"``."""
    parts, start = [], None
    for i, m in enumerate(months):
        if start is None:
            start = m
        if i + 1 == len(months) or months[i + 1] != m + 1:
            parts.append(base36(start) if start == m else f"{base36(start)}-{base36(m)}")
            start = None
    return ",".join(parts)


def filter_tokens(article: Article) -> list[str]:
    tokens = [f"p:{article.issue.publication.slug}", f"k:{article.kind}"]
    if article.page:
        tokens.append(f"s:{normalize(article.page.name)}")
    if article.column:
        tokens.append(f"c:{normalize(article.column)}")
    return tokens


@dataclass
class Doc:
    ref: str
    article: Article
    body: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)


def _script(key: str, data) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f'edition._load("{key}",{payload});\n'.encode("utf-8")


def _lunr_segment(docs: list[Doc]) -> dict:
    """One lunr.py index over a whole month, so BM25 sees real lengths and document counts."""
    builder = Builder()
    builder.ref("id")
    builder.field("b")
    builder.field("t", boost=TITLE_BOOST)
    for doc in docs:
        builder.add({"id": doc.ref, "b": doc.body, "t": doc.title})
    return builder.build().serialize()


def partition(index: dict, bucket: Callable[[str], str]) -> dict[str, dict]:
    """Split a serialized lunr index by term into smaller lunr indexes, one per bucket name.

    Each part keeps its terms' postings and, in every field vector, only the
    weights of its own terms, plus one filler weight at an index no term uses, so
    the vector keeps its full length and lunr.js scores each term exactly as the
    whole index would.
    """
    parts: dict[str, dict] = {}
    renumber: dict[int, tuple[str, int]] = {}
    for term, posting in index["invertedIndex"]:
        part = parts.setdefault(bucket(term), {**index, "fieldVectors": [], "invertedIndex": []})
        renumber[posting["_index"]] = (bucket(term), len(part["invertedIndex"]))
        part["invertedIndex"].append([term, {**posting, "_index": len(part["invertedIndex"])}])
    for ref, flat in index["fieldVectors"]:
        pairs: dict[str, list] = defaultdict(list)
        total = 0.0
        for position in range(0, len(flat), 2):
            name, number = renumber[flat[position]]
            pairs[name].append((number, flat[position + 1]))
            total += flat[position + 1] ** 2
        for name, elements in pairs.items():
            own = sum(w * w for _, w in elements)
            filler = round(math.sqrt(max(total - own, 0.0)), 3)
            flat_part = [x for pair in sorted(elements) for x in pair]
            if filler:
                flat_part += [len(parts[name]["invertedIndex"]), filler]
            parts[name]["fieldVectors"].append([ref, flat_part])
    return parts


class SearchIndex:
    def __init__(self, site: Site, segmenter: Segmenter):
        self.site = site
        self.segmenter = segmenter
        articles = sorted(
            site.articles,
            key=lambda a: (a.issue.date, site.publications.index(a.issue.publication), a.issue.articles.index(a)),
        )
        self.segments: dict[str, list[Doc]] = defaultdict(list)
        for article in articles:
            key = f"{article.issue.date.year:04d}-{article.issue.date.month:02d}"
            docs = self.segments[key]
            docs.append(Doc(base36(len(docs)), article))

    def files(self) -> Iterator[tuple[str, bytes]]:
        directory: dict[str, set[int]] = defaultdict(set)
        segments_meta = []
        for key, docs in self.segments.items():
            month = month_number(*map(int, key.split("-")))
            for doc in docs:
                a = doc.article
                doc.body = index_tokens(a.text) + filter_tokens(a)
                doc.title = index_tokens(" ".join((a.kicker, a.title, a.subtitle))) + self.segmenter.title_words(a.title)
                for token in set(doc.body) | set(doc.title):
                    if bucket_of(token)[0] == "u" or not (len(token) > 2 and is_han(token[0]) and is_han(token[1])):
                        directory[token].add(month)
            counts = yield from self._segment(key, docs)
            segments_meta.append([month, key, len(docs), *counts])
        size = buckets_for(len(directory) * POSTINGS_PER_BUCKET // TOKENS_PER_DIRECTORY_FILE)
        files: dict[int, dict[str, str]] = defaultdict(dict)
        for token in sorted(directory):
            files[fnv1a(token) % size][token] = encode_months(sorted(directory[token]))
        for number in range(size):
            yield f"search/d/{number}.js", _script(f"d/{number}", files.get(number, {}))
        yield "search/meta.js", _script("meta", self._meta(segments_meta, size))

    def _segment(self, key: str, docs: list[Doc]):
        """Write one month's buckets, days and texts; return its (bigram, character) bucket counts."""
        postings = {"b": 0, "u": 0}
        for doc in docs:
            for token in set(doc.body) | set(doc.title):
                postings[bucket_of(token)[0]] += 1
        sizes = {namespace: buckets_for(count) for namespace, count in postings.items()}

        def bucket(term: str) -> str:
            namespace, hash_key = bucket_of(term)
            return f"{namespace}{fnv1a(hash_key) % sizes[namespace]}"

        parts = partition(_lunr_segment(docs), bucket)
        for namespace in ("b", "u"):
            for number in range(sizes[namespace]):
                name = f"s/{key}/{namespace}{number}"
                yield f"search/{name}.js", _script(name, parts.get(f"{namespace}{number}"))
        days, last = [], None
        for doc in docs:
            if doc.article.issue.date != last:
                last = doc.article.issue.date
                days.append([last.isoformat(), int(doc.ref, 36)])
        yield f"search/s/{key}/days.js", _script(f"s/{key}/days", days)
        for doc in docs:
            yield f"search/t/{key}/{doc.ref}.js", _script(f"t/{key}/{doc.ref}", self._text(doc.article))
        return sizes["b"], sizes["u"]

    @staticmethod
    def _text(article: Article) -> dict:
        issue = article.issue
        where = article.page.label if article.page else (
            f"{issue.number_label} 第{article.start_page}页" if article.start_page is not None else issue.number_label)
        return {
            "u": article.url, "t": article.title, "k": article.kicker, "s": article.subtitle,
            "d": issue.date.isoformat(), "p": issue.publication.name, "g": where, "x": article.text,
        }

    def _meta(self, segments: list, directory_size: int) -> dict:
        site = self.site
        values = lambda attr: sorted({v for a in site.articles if (v := attr(a))})  # noqa: E731
        return {
            "v": FORMAT_VERSION,
            "d": directory_size,
            "segs": segments,
            "pubs": [[p.slug, p.name] for p in site.publications],
            "sections": values(lambda a: a.page.name if a.page else ""),
            "columns": values(lambda a: a.column),
            "kinds": values(lambda a: a.kind),
        }
