"""Word segmentation with jieba: the one place where whole Chinese words matter.

Bigrams find any substring, but they know nothing of words. jieba supplies two
things, both kept in the build state per article so that a build segments only
what changed:

- 关键词 of each article: TF-IDF over its title and lead, with jieba's
  dictionary and the site's own words (``content/dict.txt``);
- whole words of each title, which the search index ranks higher; for these
  jieba also knows every byline name, so a reporter's name stays one word.

Names are added without changing jieba's word total, so a name changes how a
text is cut only where the text contains that name. A new byline name
therefore re-segments only the titles that contain it.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from typing import Iterable

from . import parallel
from .errors import ContentError, Problems
from .facts import is_han
from .reader import decode
from .scan import bytes_digest
from .tokenizer import normalize

KEYWORD_COUNT = 5
KEYWORD_TEXT = 200  # characters of the text that keywords are drawn from, besides the title
NAME_FREQUENCY = 20000  # enough for jieba to keep a name whole
ARTICLE_SECONDS = 0.0006  # keyword extraction per article, for parallel.map


class Segmenter:
    """jieba's dictionary and IDF table, loaded on first use and kept as long as this object:
    ``serve`` keeps one across builds, so only its first build pays for loading them."""

    def __init__(self):
        self._base = None
        self._idf = None

    def tokenizer(self, words: Iterable[str]):
        """A jieba tokenizer with the stock dictionary and ``words``, all at one fixed total."""
        import jieba

        if self._base is None:
            jieba.setLogLevel(logging.WARNING)
            self._base = jieba.Tokenizer()
            self._base.initialize()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(self._base.FREQ), self._base.total, True
        for word in sorted(words):
            tokenizer.FREQ[word] = NAME_FREQUENCY  # jieba's add_word, but the total stays (see above)
            for end in range(1, len(word)):
                tokenizer.FREQ.setdefault(word[:end], 0)
        return tokenizer

    def extractor(self, tokenizer):
        """jieba's TF-IDF keyword extractor over ``tokenizer``."""
        if self._idf is None:
            import jieba.analyse  # a second to import (it parses the IDF table), so only when needed

            self._idf = jieba.analyse.default_tfidf
        extractor = copy.copy(self._idf)
        extractor.tokenizer = tokenizer
        return extractor


def read_dictionary(path, raw: bytes | None) -> list[str]:
    """``dict.txt``: one word per line, optionally with jieba's frequency and part of speech."""
    if raw is None:
        return []
    problems = Problems()
    text = decode(raw, path, problems)
    words = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if len(parts) > 3 or (len(parts) > 1 and not parts[1].isdigit()):
            problems.error(path, number, f"expected `word [frequency] [tag]`, got {line!r}")
            continue
        words.append(parts[0])
    if problems.errors:
        raise ContentError(problems.errors)
    return words


def byline_names(articles) -> set[str]:
    """People's names from every byline (organisations are not single words)."""
    return {a.name for article in articles for a in article.authors if not a.org and len(a.name) >= 2}


@dataclass
class WordRow:
    """One article's words, as the build state keeps them."""

    source: str  # digest of the text the keywords come from
    keywords: tuple[str, ...]
    title: str
    title_words: tuple[str, ...]


def keyword_source(title: str, text: str) -> str:
    return f"{title}。{text[:KEYWORD_TEXT]}"


def title_words(tokenizer, title: str) -> tuple[str, ...]:
    """Whole words of a title (search-engine mode adds their parts), longer than a bigram."""
    cut = (normalize(w) for w in tokenizer.cut_for_search(title))
    return tuple(sorted({w for w in cut if len(w) > 2 and all(is_han(c) for c in w)}))


def keywords(extractor, source: str) -> tuple[str, ...]:
    """关键词 of an article: TF-IDF over its title and lead, Chinese words only."""
    candidates = extractor.extract_tags(source, topK=KEYWORD_COUNT * 3)
    return tuple([w for w in candidates if len(w) >= 2 and any(is_han(c) for c in w)][:KEYWORD_COUNT])


def words(articles, bodies, known: dict[str, WordRow], fresh: set[str], dictionary: list[str],
          names: set[str], changed_names: set[str], segmenter: Segmenter, jobs: int = 1) -> dict[str, WordRow]:
    """Every article's words, by its source file.

    ``known`` holds each article's row from the last build (made with the same
    dictionary). An article keeps its 关键词 unless its file changed and the text
    they come from with it (``fresh``: files parsed by this build); it keeps its
    title words unless its title changed or contains a name in ``changed_names``
    (added to or gone from the bylines since the last build).
    """
    rows, need_keywords, need_titles = {}, {}, []
    for article in articles:
        old = known.get(article.source)
        if old is not None and article.source not in fresh:
            source = old.source
        else:
            text = keyword_source(article.title, bodies[article].text)
            source = bytes_digest(text.encode("utf-8"))
            if old is None or old.source != source:
                need_keywords[article.source] = text
        if old is None or old.title != article.title or any(name in article.title for name in changed_names):
            need_titles.append(article)
        rows[article.source] = WordRow(source, old.keywords if old else (), article.title,
                                       old.title_words if old else ())
    titles = {a.source: a.title for a in need_titles}
    if not need_keywords and not titles:
        return rows
    # both tokenizers are made before work is forked, so that the workers share them
    extractor = segmenter.extractor(segmenter.tokenizer(dictionary)) if need_keywords else None
    tokenizer = segmenter.tokenizer(set(dictionary) | names) if titles else None
    work = sorted(need_keywords.keys() | titles.keys())

    def cut(source: str) -> tuple:
        return (keywords(extractor, need_keywords[source]) if source in need_keywords else None,
                title_words(tokenizer, titles[source]) if source in titles else None)

    for source, (found, cut_title) in zip(work, parallel.map(cut, work, jobs, each=ARTICLE_SECONDS)):
        row = rows[source]
        rows[source] = WordRow(row.source, row.keywords if found is None else found, row.title,
                               row.title_words if cut_title is None else cut_title)
    return rows
