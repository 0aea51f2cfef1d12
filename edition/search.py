"""Stage: the prebuilt full-text search index (format 3): compact postings, scored in the browser.

Files under ``search/``, each a script that calls ``edition._load(key, data)`` so
that ``<script>`` loads it from ``file://`` too:

============================  =====================================================
``meta.js``                   segments ``[key, first month, last month, documents,
                              b buckets, u buckets]``, the fields and their boosts,
                              BM25's k1 and b, texts per file, the filter values
``s/<seg>/b<n>.js``           ``{term: postings}`` (each field's after its mark) for the words and Han
                              bigrams (and jieba title words) whose bucket key
                              hashes to ``n``; ``u<n>.js`` the same for single Han
                              characters
``s/<seg>/len.js``            ``{field: lengths}``: each document's field lengths
``s/<seg>/days.js``           ``[[date, first document], …]``, for date filters
``x/<seg>/<k>.js``            ``[[url, title, kicker, subtitle, date, publication,
                              版面, bylines, 栏目, text(, 1 for a draft)], …]`` of documents
                              ``k·TEXTS … k·TEXTS+TEXTS-1``
============================  =====================================================

Postings are what lunr's Builder counts, and no more: for each document that
has the term in a field, its number (as a gap from the previous one) and the
term's frequency there. The browser computes BM25 from them exactly as lunr's
Builder would (idf from the segment's document count, the field's length and
average length, k1, b, the field's boost, rounded to three places), builds a
``lunr.Index`` of the query's terms, and lets lunr score. Weights depend on the
whole segment, which is why they are not stored: a correction then changes only
the postings of the terms whose counts changed, the length table (if a length
changed) and the file with the article's text.

A segment is a year, and each month of the newest year: so a new issue rebuilds
one month, and a past year is indexed once (its months merge when the next year
begins). Documents are numbered in date order within their segment.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterator

from .facts import is_han
from .model import Article, IssueSummary
from .outputs import Expansion, Group, Output, digest
from .tokenizer import normalize, terms_and_characters

FORMAT_VERSION = 3  # 3: whole strings normalized with case folding and Greek unaccented
FIELDS = ("t", "b", "a", "c")  # title (kicker, title, subtitle, title words), body, bylines, 栏目
BOOSTS = {"t": 10, "b": 1, "a": 5, "c": 5}
K1, B = 1.2, 0.75  # lunr's BM25 defaults
TEXTS = 2  # documents per text file: a result loads little besides its own text
DOCS_PER_BUCKET = 4  # b buckets ≈ documents / 4 (a power of two), so a bucket holds a thousand or two postings
CHARACTER_BUCKETS = 16  # u buckets are this many times fewer: only one-character queries read them
SEGMENT = "search/seg:"  # group ids of the segments
SECONDS_PER_DOCUMENT = 0.002  # indexing cost, for parallel.map
DIGITS = "0123456789abcdefghijklmnopqrstuv"  # final base-32 digits …
MORE = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"  # … and digits with more to follow
MARKS = {"t": "^", "b": "!", "a": "@", "c": "$"}  # a field's postings follow its mark: "!0a3^0"
FIELD_OF = {mark: field for field, mark in MARKS.items()}


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


def bucket_name(term: str, b: int, u: int) -> str:
    """The file of a segment with b and u buckets that holds the term: ``b<n>`` or ``u<n>``."""
    namespace, key = bucket_of(term)
    return f"{namespace}{fnv1a(key) % (b if namespace == 'b' else u)}"


def buckets_for(documents: int) -> tuple[int, int]:
    """(b, u) bucket counts of a segment: by its documents only, so a correction never changes them."""
    b = 8
    while b * DOCS_PER_BUCKET < documents and b < 4096:
        b *= 2
    return b, max(1, b // CHARACTER_BUCKETS)


def _number(number: int) -> str:
    digits = []
    while True:
        number, rest = divmod(number, 32)
        digits.append(rest)
        if not number:
            break
    return "".join(MORE[d] for d in reversed(digits[1:])) + DIGITS[digits[0]]


_SMALL = [_number(n) for n in range(4096)]  # most numbers are small: their spelling is looked up


def encode_numbers(numbers) -> str:
    """Whole numbers as base-32 digits, one character each, the last of each number from DIGITS."""
    small = _SMALL
    return "".join(small[n] if n < 4096 else _number(n) for n in numbers)


_VALUE = {c: n for n, c in enumerate(DIGITS)} | {c: n + 32 for n, c in enumerate(MORE)}


def decode_numbers(text: str) -> list[int]:
    numbers, number = [], 0
    for char in text:
        value = _VALUE[char]
        if value < 32:
            numbers.append(number * 32 + value)
            number = 0
        else:
            number = number * 32 + value - 32
    return numbers


def encode_postings(postings: list[tuple[int, int]]) -> str:
    """(document, frequency) pairs in document order: the gap from the last document, doubled,
    plus one when the frequency is above one, which then follows (less two)."""
    small, out, last = _SMALL, [], -1
    for doc, tf in postings:
        gap = (doc - last - 1) * 2
        last = doc
        if tf > 1:
            out.append(small[gap + 1] if gap < 4095 else _number(gap + 1))
            out.append(small[tf - 2] if tf < 4098 else _number(tf - 2))
        else:
            out.append(small[gap] if gap < 4096 else _number(gap))
    return "".join(out)


def decode_postings(text: str) -> list[tuple[int, int]]:
    numbers, postings, last, n = decode_numbers(text), [], -1, 0
    while n < len(numbers):
        value = numbers[n]
        doc = last + 1 + value // 2
        if value & 1:
            n += 1
            postings.append((doc, numbers[n] + 2))
        else:
            postings.append((doc, 1))
        last = doc
        n += 1
    return postings


def encode_entry(fields: dict[str, list[tuple[int, int]]]) -> str:
    """A term's postings in every field that has it, each after the field's mark, in FIELDS order."""
    return "".join(MARKS[f] + encode_postings(fields[f]) for f in FIELDS if f in fields)


def decode_entry(text: str) -> dict[str, list[tuple[int, int]]]:
    found, field, start = {}, None, 0
    for n, char in enumerate(text + "^"):
        if char in FIELD_OF:
            if field:
                found[field] = decode_postings(text[start:n])
            field, start = FIELD_OF.get(char), n + 1
    return found


def filter_tokens(article: Article) -> list[str]:
    tokens = [f"p:{article.issue.publication.slug}", f"k:{article.kind}"]
    if article.page:
        tokens.append(f"s:{normalize(article.page.name)}")
    if article.column:
        tokens.append(f"c:{normalize(article.column)}")
    return tokens


def byline_text(article: Article) -> str:
    return " ".join(a.label for a in article.authors)


@dataclass(frozen=True)
class Doc:
    """What the index needs of one article, small enough to send to a worker process."""

    url: str
    date: str
    fields: dict  # field → its tokens, with repeats, in the order lunr's Builder is given them
    shown: tuple  # what a result shows, and what it is verified against

    @property
    def digest(self) -> str:
        return digest(self.url, self.date, sorted(self.fields.items()), self.shown)


def document(article: Article, text: str, title_words) -> Doc:
    """An article as the index sees it. Single Han characters enter the body once per article
    (they serve one-character queries only), from every field's text."""
    body, characters = terms_and_characters(text)
    title, title_characters = terms_and_characters(article.heading)
    names, name_characters = terms_and_characters(" ".join(a.name for a in article.authors))
    column, column_characters = terms_and_characters(article.column)
    body += filter_tokens(article) + sorted(characters | title_characters | name_characters | column_characters)
    issue = article.issue
    if article.page:
        where = article.page.label
    elif article.start_page is not None:
        where = f"{issue.number_label} 第{article.start_page}页".strip()
    else:
        where = issue.number_label
    shown = (article.url, article.title, article.kicker, article.subtitle, issue.date.isoformat(),
             issue.publication.name, where, byline_text(article), article.column, text) + ((1,) if article.draft else ())
    return Doc(article.url, issue.date.isoformat(), {"t": title + list(title_words), "b": body, "a": names,
                                                     "c": column}, shown)


def _script(key: str, data) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f'edition._load("{key}",{payload});\n'.encode("utf-8")


_LOADED = re.compile(r'edition\._load\("([^"]+)",(.*)\);\n', re.S)


def read_script(raw: bytes):
    """The data of a search file, as ``_script`` wrote it."""
    return json.loads(_LOADED.fullmatch(raw.decode("utf-8")).group(2))


class Index:
    """One segment's postings and lengths, made from its documents (or patched, see ``patch``)."""

    def __init__(self, key: str, docs: list[Doc]):
        self.key, self.docs = key, docs
        self.b, self.u = buckets_for(len(docs))
        self.postings = {field: defaultdict(list) for field in FIELDS}  # field → term → [(doc, tf)]
        self.lengths = {field: [len(d.fields[field]) for d in docs] for field in FIELDS}
        for number, doc in enumerate(docs):
            for field in FIELDS:
                postings = self.postings[field]
                for term, tf in Counter(doc.fields[field]).items():
                    postings[term].append((number, tf))

    def bucket(self, term: str) -> str:
        return bucket_name(term, self.b, self.u)

    def files(self) -> list[tuple[str, bytes]]:
        """The segment's bucket files, every one of them (empty ones too)."""
        grouped: dict[str, dict] = defaultdict(dict)
        for term in sorted(set().union(*self.postings.values())):
            grouped[self.bucket(term)][term] = encode_entry({f: self.postings[f][term] for f in FIELDS
                                                             if term in self.postings[f]})
        base = f"s/{self.key}/"
        names = [f"b{n}" for n in range(self.b)] + [f"u{n}" for n in range(self.u)]
        return [(f"search/{base}{name}.js", _script(base + name, grouped.get(name, {}))) for name in sorted(names)]

    def lengths_file(self) -> tuple[str, bytes]:
        return (f"search/s/{self.key}/len.js",
                _script(f"s/{self.key}/len", {f: encode_numbers(v) for f, v in self.lengths.items()}))

    def days_file(self) -> tuple[str, bytes]:
        days, last = [], None
        for number, doc in enumerate(self.docs):
            if doc.date != last:
                days.append([doc.date, number])
                last = doc.date
        return f"search/s/{self.key}/days.js", _script(f"s/{self.key}/days", days)

    def text_files(self) -> list[tuple[str, bytes]]:
        return [(f"search/x/{self.key}/{k}.js", _script(f"x/{self.key}/{k}", [list(d.shown) for d in
                                                                                self.docs[k * TEXTS:(k + 1) * TEXTS]]))
                for k in range((len(self.docs) + TEXTS - 1) // TEXTS)]

    def all_files(self) -> list[tuple[str, bytes]]:
        return [*self.files(), self.lengths_file(), self.days_file(), *self.text_files()]


def segment_keys(summaries: list[IssueSummary]) -> dict[str, str]:
    """Issue id → its segment: its year, or its month if the issue is of the newest year."""
    newest = max((s.date.year for s in summaries), default=0)
    return {s.id: f"{s.date.year:04d}-{s.date.month:02d}" if s.date.year == newest else f"{s.date.year:04d}"
            for s in summaries}


def month_number(key: str) -> int:
    year, _, month = key.partition("-")
    return int(year) * 12 + (int(month) - 1 if month else 0)


class Search:
    """The search producer: a group per segment, and one for ``meta.js``.

    A segment's key comes from its issues' summaries and word digests (and the
    code that indexes), so a build loads a segment's issues only to index it
    again. When the segment holds the same documents as at the last build, only
    the issues whose inputs changed are loaded, only their changed documents are
    indexed again, and only the files they touch are made; the segment's other
    files stay as they are. Otherwise (new or removed documents, code changed,
    something missing) the whole segment is made, on all cores.
    """

    def __init__(self, library, code: str):
        self.library, self.site = library, library.site
        self.version = digest(FORMAT_VERSION, code)  # what the last build's result must match to be patched
        order = {pub.slug: n for n, pub in enumerate(self.site.publications)}
        issues = sorted(self.site.issues, key=lambda s: (s.date, order[s.publication]))
        keys = segment_keys(issues)
        self.segments: dict[str, list[IssueSummary]] = defaultdict(list)
        for summary in issues:  # sorted() is stable: reading order within an issue stays
            self.segments[keys[summary.id]].append(summary)
        self._patches: dict[str, Expansion | None] = {}
        self._prepared: set[str] = set()

    def articles(self, key: str) -> list[Article]:
        issues = self.library.issues([s.id for s in self.segments[key]])
        return [a for s in self.segments[key] for a in issues[s.id].articles]

    def docs(self, articles: list[Article]) -> list[Doc]:
        bodies, words = self.library.bodies, self.library.words
        return [document(a, bodies[a].text, words[a.source].title_words) for a in articles]

    def inputs(self, key: str) -> dict[str, list[str]]:
        """Issue id → what its documents are made from: its search digest and its words digest."""
        return {s.id: [s.search, self.library.words_digest(s.id)] for s in self.segments[key]}

    def groups(self) -> Iterator[Group]:
        segs = []
        for key, summaries in self.segments.items():
            group_key = digest(self.version, sorted(self.inputs(key).items()))
            documents = sum(s.articles for s in summaries)
            segs.append([key, month_number(key), month_number(key) + (0 if "-" in key else 11), documents,
                         *buckets_for(documents)])
            yield Group(SEGMENT + key, group_key, functools.partial(self._expand, key), heavy=True,
                        seconds=SECONDS_PER_DOCUMENT * documents, prepare=functools.partial(self._prepare, key))
        site = self.site
        values = [sorted({v for s in site.issues for v in s.values[n]}) for n in range(3)]
        meta = {"v": FORMAT_VERSION, "segs": segs, "fields": list(FIELDS), "boosts": BOOSTS, "k1": K1, "b": B,
                "texts": TEXTS, "pubs": [[p.slug, p.name] for p in site.publications],
                "sections": values[0], "columns": values[1], "kinds": values[2]}
        output = Output("search/meta.js", "search", None, data=_script("meta", meta))
        yield Group("search/meta", output.key, lambda: Expansion([output]))

    def _prepare(self, key: str) -> None:
        """Before work is forked: patch the segment if it can be, or else load all it reads."""
        if key not in self._prepared:
            self._prepared.add(key)
            self._patches[key] = self._patch(key)
            if self._patches[key] is not None:
                return
        articles = self.articles(key)
        self.library.bodies.load(articles)
        self.library.words.load(articles)

    def _expand(self, key: str) -> Expansion:
        patched = self._patches.pop(key, None)  # (used once: asked again, the segment is made whole)
        if patched is not None:
            return patched
        docs = self.docs(self.articles(key))
        index = Index(key, docs)
        return Expansion([Output(p, "search", None, data=d) for p, d in index.all_files()],
                         result=(self.version, [d.url for d in docs], [d.digest for d in docs], self.inputs(key)))

    def _patch(self, key: str) -> Expansion | None:
        """Index again only the changed documents, if the segment still holds the same ones."""
        library, group, summaries = self.library, SEGMENT + key, self.segments[key]
        previous = library.previous_result(group)
        urls = [url for s in summaries for url in s.article_urls]
        if previous is None or previous[0] != self.version or previous[1] != urls:
            return None
        inputs = self.inputs(key)
        starts, n = {}, 0
        for summary in summaries:
            starts[summary.id], n = n, n + summary.articles
        dirty = [s.id for s in summaries if previous[3].get(s.id) != inputs[s.id]]
        issues = library.issues(dirty)
        numbered = [(starts[i] + k, a) for i in dirty for k, a in enumerate(issues[i].articles)]
        library.bodies.load([a for _, a in numbered])
        library.words.load([a for _, a in numbered])
        made = {n: doc for (n, _), doc in zip(numbered, self.docs([a for _, a in numbered]))}
        made_from = dict(numbered)
        changed = [n for n, doc in made.items() if doc.digest != previous[2][n]]
        old = library.previous_articles([made_from[n] for n in changed])
        files = library.previous_files(group)  # site path → key of the file in the live site
        if old is None or not files:
            return None  # the last build's inputs or files are not all at hand
        old_docs = [document(article, text, title_words) for article, text, title_words in old]
        b, u = buckets_for(len(urls))
        touched: dict[str, dict[str, dict]] = {}  # bucket → term → field → {document: frequency now}
        lengths: dict[str, dict[int, int]] = {}  # field → {document: its length now}, where it changed
        for n, before_doc in zip(changed, old_docs):
            for field in FIELDS:
                before, after = Counter(before_doc.fields[field]), Counter(made[n].fields[field])
                if len(before_doc.fields[field]) != len(made[n].fields[field]):
                    lengths.setdefault(field, {})[n] = len(made[n].fields[field])
                for term in before.keys() | after.keys():
                    if before[term] != after[term]:
                        touched.setdefault(bucket_name(term, b, u), {}).setdefault(term, {}).setdefault(field, {})[n] = after[term]
        remade: dict[str, tuple] = {}  # site path → (its key, how its data changes)
        for name, terms in sorted(touched.items()):
            remade[f"search/s/{key}/{name}.js"] = (f"s/{key}/{name}", functools.partial(_patched, terms=terms))
        if lengths:
            remade[f"search/s/{key}/len.js"] = (f"s/{key}/len", functools.partial(_relengthened, lengths=lengths))
        for k in sorted({n // TEXTS for n in changed}):
            shown = {n - k * TEXTS: list(made[n].shown) for n in changed if n // TEXTS == k}
            remade[f"search/x/{key}/{k}.js"] = (f"x/{key}/{k}", functools.partial(_reshown, shown=shown))
        outputs = []
        for path, (name, change) in remade.items():
            raw = library.read_live(path)
            if raw is None:
                return None
            outputs.append(Output(path, "search", None, data=_script(name, change(read_script(raw)))))
        # every other file of the segment stays as the last build made it
        outputs += [Output(path, "search", live) for path, live in sorted(files.items()) if path not in remade]
        digests = list(previous[2])
        for n in changed:
            digests[n] = made[n].digest
        return Expansion(outputs, result=(self.version, urls, digests, inputs))


def _patched(data: dict, terms: dict) -> dict:
    """A bucket's data with the postings of some documents in some fields replaced."""
    for term, fields in terms.items():
        entry = decode_entry(data[term]) if term in data else {}
        for field, now in fields.items():
            postings = [(doc, f) for doc, f in entry.get(field, []) if doc not in now]
            postings = sorted(postings + [(doc, tf) for doc, tf in now.items() if tf])
            if postings:
                entry[field] = postings
            else:
                entry.pop(field, None)
        if entry:
            data[term] = encode_entry(entry)
        else:
            data.pop(term, None)
    return dict(sorted(data.items()))


def _relengthened(data: dict, lengths: dict) -> dict:
    """A length table with some documents' lengths replaced: ``{field: {document: length}}``."""
    for field, now in lengths.items():
        numbers = decode_numbers(data[field])
        for n, length in now.items():
            numbers[n] = length
        data[field] = encode_numbers(numbers)
    return data


def _reshown(rows: list, shown: dict) -> list:
    """A text file's rows with some replaced: ``{row number: row}``."""
    for n, row in shown.items():
        rows[n] = row
    return rows
