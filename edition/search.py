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

import functools
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterator

from .facts import is_han
from .model import Article
from .outputs import Expansion, Group, Output, digest
from .tokenizer import normalize, terms_and_characters

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
LUNR_VERSION = "2.3.9"  # the lunr.js whose serialized index the files hold (package.json pins it)
MONTH = "search/month:"  # group ids of the months
MONTH_SECONDS_PER_ARTICLE = 0.003  # indexing cost, for parallel.map


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


class Search:
    """The search producer: one group per month of articles, and one for the directory and meta.js.

    A month's files depend only on that month's articles (their text, headline,
    title words and place), so a correction re-indexes one month; its files are
    keyed by their bytes, so only those that changed are written. The directory
    is made from every month's terms, which each month's group leaves in the
    build state as its result. A month's key comes from its issues' summaries
    and word digests, so a build loads a month's issues only to index it again.
    """

    def __init__(self, library):
        self.library, self.site = library, library.site
        order = {pub.slug: n for n, pub in enumerate(self.site.publications)}
        issues = sorted(self.site.issues, key=lambda s: (s.date, order[s.publication]))
        self.months: dict[str, list] = defaultdict(list)
        for summary in issues:  # sorted() is stable: reading order within an issue stays
            self.months[f"{summary.date.year:04d}-{summary.date.month:02d}"].append(summary)

    def articles(self, month: str) -> list[Article]:
        issues = self.library.issues([s.id for s in self.months[month]])
        return [a for s in self.months[month] for a in issues[s.id].articles]

    def docs(self, articles: list[Article]) -> list[Doc]:
        bodies, words = self.library.bodies, self.library.words
        bodies.load(articles)
        return [Doc(ref=base36(n), date=a.issue.date.isoformat(), body=bodies[a].text, heading=a.heading,
                    title_words=list(words[a.source].title_words), filters=filter_tokens(a),
                    shown=_shown(a, bodies[a].text))
                for n, a in enumerate(articles)]

    def groups(self) -> Iterator[Group]:
        keys = []
        for month, summaries in self.months.items():
            # what a month's files show: each issue's files (text, headlines, places) and title words
            key = digest(FORMAT_VERSION, [(s.id, s.search, self.library.words_digest(s.id)) for s in summaries])
            keys.append(key)
            yield Group(MONTH + month, key, functools.partial(self._expand_month, month), heavy=True,
                        seconds=MONTH_SECONDS_PER_ARTICLE * sum(s.articles for s in summaries),
                        prepare=functools.partial(self._prepare, month))
        meta = self._meta_values()
        yield Group("search/index", digest(FORMAT_VERSION, keys, meta), functools.partial(self._expand_index, meta),
                    needs=MONTH)

    def _prepare(self, month: str) -> None:
        """Load what indexing a month reads (its issues, bodies and words) before work is forked."""
        articles = self.articles(month)
        self.library.bodies.load(articles)
        self.library.words.load(articles)

    def _expand_month(self, month: str, results) -> Expansion:
        articles = self.articles(month)
        files, sizes, terms = month_files(month, self.docs(articles))
        number = month_number(*map(int, month.split("-")))
        return Expansion([Output(path, "search", None, data=data) for path, data in files],
                         result=(number, month, len(articles), sizes, sorted(terms)))

    def _expand_index(self, meta: dict, results: dict) -> Expansion:
        segments, directory = [], defaultdict(list)
        for number, month, count, sizes, terms in sorted(results.values()):
            segments.append([number, month, count, *sizes])
            for term in terms:
                directory[term].append(number)
        size = buckets_for(len(directory), TOKENS_PER_DIRECTORY_FILE, MAX_DIRECTORY_FILES)
        grouped: dict[int, dict[str, str]] = defaultdict(dict)
        for term in sorted(directory):
            grouped[fnv1a(term) % size][term] = encode_months(directory[term])
        outputs = [Output(f"search/d/{n}.js", "search", None, data=_script(f"d/{n}", grouped.get(n, {})))
                   for n in range(size)]
        data = _script("meta", {"v": FORMAT_VERSION, "d": size, "segs": segments, **meta})
        outputs.append(Output("search/meta.js", "search", None, data=data))
        return Expansion(outputs)

    def _meta_values(self) -> dict:
        site = self.site
        values = [sorted({v for s in site.issues for v in s.values[n]}) for n in range(3)]
        return {"pubs": [[p.slug, p.name] for p in site.publications],
                "sections": values[0], "columns": values[1], "kinds": values[2]}


def _shown(article: Article, text: str) -> dict:
    issue = article.issue
    if article.page:
        where = article.page.label
    elif article.start_page is not None:
        where = f"{issue.number_label} 第{article.start_page}页".strip()
    else:
        where = issue.number_label
    return {"u": article.url, "t": article.title, "k": article.kicker, "s": article.subtitle,
            "d": issue.date.isoformat(), "p": issue.publication.name, "g": where, "x": text}
