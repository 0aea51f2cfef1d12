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
import multiprocessing
import operator
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from lunr.builder import Builder

from .model import Article, Site
from .reader import bytes_digest
from .state import digest
from .tokenizer import is_han, normalize, terms_and_characters
from .words import Segmenter

TITLE_BOOST = 10
# Postings per bucket file: small buckets keep a query's download small, but every
# (article, bucket) pair costs a field vector, so single characters, which only
# one-character queries need, get few large buckets.
POSTINGS_PER_BUCKET = {"b": 128, "u": 8192}
MAX_BUCKETS = 2048
MAX_DIRECTORY_FILES = 8192
TOKENS_PER_DIRECTORY_FILE = 256
FORMAT_VERSION = 1
PARALLEL_FROM = 500  # articles; below this, starting worker processes costs more than it saves


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


def buckets_for(postings: int, per_bucket: int, most: int = MAX_BUCKETS) -> int:
    count = 1
    while count * per_bucket < postings and count < most:
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
    """What the index needs of one article, small enough to send to a worker process."""

    ref: str
    date: str
    body: str
    heading: str  # kicker, title and subtitle
    title_words: list[str]
    filters: list[str]
    shown: dict  # what a result shows, and the text it is verified against


def _script(key: str, data) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f'edition._load("{key}",{payload});\n'.encode("utf-8")


def _lunr_segment(docs: list[Doc]) -> tuple[dict, set[str]]:
    """One lunr.py index over a whole month, so BM25 sees real lengths and document counts.

    Single characters enter once per article: they only serve one-character
    queries, and leaving out their repeats halves the work.
    """
    builder = Builder()
    builder.ref("id")
    builder.field("b")
    builder.field("t", boost=TITLE_BOOST)
    vocabulary: set[str] = set()
    for doc in docs:
        body, characters = terms_and_characters(doc.body)
        title, title_characters = terms_and_characters(doc.heading)
        body += doc.filters + sorted(characters | title_characters)
        title += doc.title_words
        builder.add({"id": doc.ref, "b": body, "t": title})
        vocabulary.update(body, title)
    return builder.build().serialize(), vocabulary


def partition(index: dict, bucket: Callable[[str], str]) -> dict[str, dict]:
    """Split a serialized lunr index by term into smaller lunr indexes, one per bucket name.

    Each part keeps its terms' postings and, in every field vector, only the
    weights of its own terms, plus one filler weight at an index no term uses, so
    the vector keeps its full length and lunr.js scores each term exactly as the
    whole index would.
    """
    parts: dict[str, dict] = {}
    names: list[str] = [""] * len(index["invertedIndex"])
    numbers: list[int] = [0] * len(index["invertedIndex"])
    for term, posting in index["invertedIndex"]:  # sorted by term, so each part is too
        name = bucket(term)
        part = parts.get(name)
        if part is None:
            part = parts[name] = {**index, "fieldVectors": [], "invertedIndex": []}
        names[posting["_index"]], numbers[posting["_index"]] = name, len(part["invertedIndex"])
        part["invertedIndex"].append([term, {**posting, "_index": len(part["invertedIndex"])}])
    ends = {name: len(part["invertedIndex"]) for name, part in parts.items()}  # the filler's index
    vectors = {name: part["fieldVectors"] for name, part in parts.items()}
    for ref, flat in index["fieldVectors"]:
        pieces: dict[str, list] = {}
        total = 0.0
        weights = iter(flat)
        for old, weight in zip(weights, weights):
            total += weight * weight
            name = names[old]
            if name in pieces:
                pieces[name] += (numbers[old], weight)
            else:
                pieces[name] = [numbers[old], weight]
        for name, vector in pieces.items():
            if len(vector) > 2:  # lunr.js needs each vector in term order
                pairs = sorted(zip(vector[0::2], vector[1::2]))
                vector = [x for pair in pairs for x in pair]
            filler = round(math.sqrt(max(total - sum(map(operator.mul, vector[1::2], vector[1::2])), 0.0)), 3)
            if filler:
                vector += (ends[name], filler)
            vectors[name].append([ref, vector])
    return parts


def month_files(key: str, docs: list[Doc]) -> tuple[list[tuple[str, bytes]], list[int], set[str]]:
    """Everything one month contributes: bucket, days and text files, bucket counts, tokens.

    Runs in a worker process; it depends only on the month's own articles, so a
    change elsewhere never rewrites these files.
    """
    index, vocabulary = _lunr_segment(docs)
    postings = {"b": 0, "u": 0}
    for term, posting in index["invertedIndex"]:
        postings[bucket_of(term)[0]] += len(posting["b"]) + len(posting["t"])
    sizes = {namespace: buckets_for(count, POSTINGS_PER_BUCKET[namespace]) for namespace, count in postings.items()}

    def bucket(term: str) -> str:
        namespace, hash_key = bucket_of(term)
        return f"{namespace}{fnv1a(hash_key) % sizes[namespace]}"

    parts = partition(index, bucket)
    files = []
    for namespace in ("b", "u"):
        for number in range(sizes[namespace]):
            name = f"s/{key}/{namespace}{number}"
            files.append((f"search/{name}.js", _script(name, parts.get(f"{namespace}{number}"))))
    days, last = [], None
    for position, doc in enumerate(docs):
        if doc.date != last:
            days.append([doc.date, position])
            last = doc.date
    files.append((f"search/s/{key}/days.js", _script(f"s/{key}/days", days)))
    for doc in docs:
        files.append((f"search/t/{key}/{doc.ref}.js", _script(f"t/{key}/{doc.ref}", doc.shown)))
    # Title words ride in their first bigram's bucket and are only looked up there.
    return files, [sizes["b"], sizes["u"]], {t for t in vocabulary if bucket_of(t)[1] == t}


def _month_files(args):
    return month_files(*args)


class SearchIndex:
    """The search files of a site. A month's files depend only on that month's articles, so a
    build can keep the files of every month whose key did not change."""

    def __init__(self, site: Site, segmenter: Segmenter, jobs: int = 1):
        self.site = site
        self.segmenter = segmenter
        self.jobs = jobs
        order = {pub.slug: n for n, pub in enumerate(site.publications)}
        articles = sorted(site.articles, key=lambda a: (a.issue.date, order[a.issue.publication.slug]))
        self.months: dict[str, list[Article]] = defaultdict(list)
        for article in articles:  # sorted() is stable: reading order within an issue stays
            self.months[f"{article.issue.date.year:04d}-{article.issue.date.month:02d}"].append(article)

    @staticmethod
    def month_key(articles: list[Article]) -> str:
        """What a month's files show: each article's text, place and issue metadata."""
        return digest(FORMAT_VERSION, [(a.url, a.digest, a.issue.meta_digest, a.issue.publication.slug,
                                        a.page.number if a.page else None) for a in articles])

    def docs(self, articles: list[Article]) -> list[Doc]:
        return [Doc(ref=base36(n), date=a.issue.date.isoformat(), body=a.text,
                    heading=" ".join((a.kicker, a.title, a.subtitle)),
                    title_words=self.segmenter.title_words(a.title), filters=filter_tokens(a), shown=_shown(a))
                for n, a in enumerate(articles)]

    def files(self, known: dict | None = None) -> Iterator[tuple[str, str, bytes | None]]:
        """``(site path, key, bytes)``; bytes is None for a file an earlier build already wrote.

        ``known`` holds each month's key, bucket sizes, terms and files from the
        previous build; it is updated in place.
        """
        known = {} if known is None else known
        directory: dict[str, list[int]] = defaultdict(list)
        segments = []
        keys = {month: self.month_key(articles) for month, articles in self.months.items()}
        work = [(month, self.docs(self.months[month])) for month in self.months
                if known.get(month, ("",))[0] != keys[month]]
        parallel = self.jobs > 1 and len(work) > 1 and sum(len(d) for _, d in work) >= PARALLEL_FROM
        with _pool(self.jobs if parallel else 1) as pool:
            built = {}
            for (month, _), (files, sizes, terms) in zip(work, pool(_month_files, work)):
                for path, data in files:
                    yield path, keys[month], data
                built[month] = (keys[month], sizes, sorted(terms), [path for path, _ in files])
        for month in [m for m in known if m not in self.months]:
            del known[month]
        known.update(built)
        for month, articles in self.months.items():
            key, sizes, terms, paths = known[month]
            if month not in built:
                for path in paths:
                    yield path, key, None
            number = month_number(*map(int, month.split("-")))
            segments.append([number, month, len(articles), *sizes])
            for term in terms:
                directory[term].append(number)
        size = buckets_for(len(directory), TOKENS_PER_DIRECTORY_FILE, MAX_DIRECTORY_FILES)
        grouped: dict[int, dict[str, str]] = defaultdict(dict)
        for term in sorted(directory):
            grouped[fnv1a(term) % size][term] = encode_months(sorted(directory[term]))
        for number in range(size):
            data = _script(f"d/{number}", grouped.get(number, {}))
            yield f"search/d/{number}.js", bytes_digest(data), data
        data = _script("meta", self._meta(segments, size))
        yield "search/meta.js", bytes_digest(data), data

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


def _shown(article: Article) -> dict:
    issue = article.issue
    if article.page:
        where = article.page.label
    elif article.start_page is not None:
        where = f"{issue.number_label} 第{article.start_page}页".strip()
    else:
        where = issue.number_label
    return {"u": article.url, "t": article.title, "k": article.kicker, "s": article.subtitle,
            "d": issue.date.isoformat(), "p": issue.publication.name, "g": where, "x": article.text}


@contextmanager
def _pool(jobs: int):
    """``map`` over ``jobs`` worker processes, or in this process for one job."""
    if jobs <= 1:
        yield map
        return
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as executor:
        yield lambda fn, items: executor.map(fn, items, chunksize=1)
