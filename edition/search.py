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
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from lunr import __TARGET_JS_VERSION__ as LUNR_VERSION
from tqdm import tqdm

from .model import Article, Site
from .reader import bytes_digest
from .state import digest
from .facts import is_han
from .tokenizer import normalize, terms_and_characters
from .words import Segmenter

TITLE_BOOST = 10
K1, B = 1.2, 0.75  # lunr's BM25 defaults
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


def _counted(docs: list[Doc]) -> tuple[dict, list, set[str]]:
    """Postings, per-field term counts and the vocabulary of a month's documents.

    Postings are numbered in first-seen order, field by field, as lunr numbers them.
    Single characters enter once per article: they only serve one-character
    queries, and leaving out their repeats halves the work.
    """
    postings: dict[str, dict] = {}
    fields: list[tuple[str, str, int, Counter]] = []  # (field ref, field, length, term counts)
    vocabulary: set[str] = set()
    for doc in docs:
        body, characters = terms_and_characters(doc.body)
        title, title_characters = terms_and_characters(doc.heading)
        body += doc.filters + sorted(characters | title_characters)
        title += doc.title_words
        vocabulary.update(body, title)
        for name, terms in (("b", body), ("t", title)):
            counts = Counter(terms)  # tokens are lower-cased already, as lunr wants them; first-seen order
            for term in counts:
                posting = postings.get(term)
                if posting is None:
                    posting = postings[term] = {"b": {}, "t": {}, "_index": len(postings)}
                posting[name][doc.ref] = {}
            fields.append((f"{name}/{doc.ref}", name, len(terms), counts))
    return postings, fields, vocabulary


def month_parts(docs: list[Doc]) -> tuple[dict[str, dict], dict[str, int], set[str]]:
    """A month's lunr index, already split into its bucket files.

    Scoring is lunr 2.3.9's BM25 over the whole month, so lengths and document
    counts are the month's. Each part holds its terms' postings and, in every
    field vector, the weights of its own terms plus one filler weight at an
    index no term uses, so the vector keeps its full length and lunr.js scores
    each term exactly as the whole index would. The numbers are exactly those
    of lunr.py's Builder followed by a split of its index (tests/test_search_index.py
    checks that against lunr.py itself); computing them directly, with counters
    and without the whole index in between, is several times faster.

    Returns the parts by bucket name, the bucket count per namespace and the vocabulary.
    """
    postings, fields, vocabulary = _counted(docs)
    load = {"b": 0, "u": 0}
    for term, posting in postings.items():
        load[bucket_of(term)[0]] += len(posting["b"]) + len(posting["t"])
    sizes = {namespace: buckets_for(count, POSTINGS_PER_BUCKET[namespace]) for namespace, count in load.items()}
    parts: dict[str, dict] = {}
    place: dict[str, tuple] = {}  # term → (part, its index there, its index in the month, idf)
    for term in sorted(postings):
        namespace, hash_key = bucket_of(term)
        name = f"{namespace}{fnv1a(hash_key) % sizes[namespace]}"
        part = parts.get(name)
        if part is None:
            part = parts[name] = {"version": LUNR_VERSION, "fields": ["b", "t"], "fieldVectors": [],
                                  "invertedIndex": [], "pipeline": []}
        posting = postings[term]
        number = len(part["invertedIndex"])
        part["invertedIndex"].append([term, {"b": posting["b"], "t": posting["t"], "_index": number}])
        place[term] = (name, number)
    ends = {name: len(part["invertedIndex"]) for name, part in parts.items()}  # the filler's index
    count = len(docs)
    for term, posting in postings.items():  # idf as lunr computes it: documents counted per field
        having = len(posting["b"]) + len(posting["t"])
        place[term] += (posting["_index"], math.log(1 + abs((count - having + 0.5) / (having + 0.5))))
    average = {name: sum(f[2] for f in fields if f[1] == name) / count for name in ("b", "t")} if count else {}
    boost = {"b": 1, "t": TITLE_BOOST}
    for ref, name, length, counts in fields:
        norm = K1 * (1 - B + B * (length / average[name]))
        weights = []
        for term, tf in counts.items():
            part, number, order, idf = place[term]
            score = idf * ((K1 + 1) * tf) / (norm + tf)
            score *= boost[name]
            weights.append((order, round(score, 3), part, number))
        weights.sort()  # the whole vector's order, in which the sums below are taken
        total = 0.0
        pieces: dict[str, list] = {}
        for _, score, part, number in weights:
            square = score * score
            total += square
            piece = pieces.get(part)
            if piece is None:
                pieces[part] = [square, number, score]
            else:
                piece[0] += square
                piece += (number, score)
        for part, piece in pieces.items():
            vector = piece[1:]
            if len(vector) > 2:  # lunr.js needs each vector in term order
                vector = [x for pair in sorted(zip(vector[0::2], vector[1::2])) for x in pair]
            filler = round(math.sqrt(max(total - piece[0], 0.0)), 3)
            if filler:
                vector += (ends[part], filler)
            parts[part]["fieldVectors"].append([ref, vector])
    return parts, sizes, vocabulary


def month_files(key: str, docs: list[Doc]) -> tuple[list[tuple[str, bytes]], list[int], set[str]]:
    """Everything one month contributes: bucket, days and text files, bucket counts, tokens.

    Runs in a worker process; it depends only on the month's own articles, so a
    change elsewhere never rewrites these files.
    """
    parts, sizes, vocabulary = month_parts(docs)
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

    def files(self, known: dict | None = None, progress: bool = False) -> Iterator[tuple[str, str, bytes | None]]:
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
            results = tqdm(pool(_month_files, work), total=len(work), desc="search", unit="month",
                           disable=not progress or None, leave=False)
            for (month, _), (files, sizes, terms) in zip(work, results):
                keyed = [(path, bytes_digest(data), data) for path, data in files]
                yield from keyed  # keyed by their bytes: a correction rewrites only the files that changed
                built[month] = (keys[month], sizes, sorted(terms), [(path, key) for path, key, _ in keyed])
        for month in [m for m in known if m not in self.months]:
            del known[month]
        known.update(built)
        for month, articles in self.months.items():
            key, sizes, terms, files = known[month]
            if month not in built:
                for path, file_key in files:
                    yield path, file_key, None
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
