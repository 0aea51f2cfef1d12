"""Word segmentation with jieba: the one place where whole Chinese words matter.

Bigrams find any substring, but they know nothing of words. jieba supplies the
words: whole-word title terms that the search index boosts, and the 关键词 shown
on each article. Its dictionary is extended with the site's own names, from
``content/dict.txt`` and from every byline, so local people and places stay whole.
"""

from __future__ import annotations

import copy
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import jieba

from .errors import ContentError, Problems
from .model import Site
from .reader import read_text
from .facts import is_han
from .tokenizer import normalize

KEYWORD_COUNT = 5
KEYWORD_TEXT = 200  # characters of the lead that keywords are drawn from, besides the title


PARALLEL_FROM = 500  # articles; below this, worker processes cost more than they save
_BASE: jieba.Tokenizer | None = None
_ACTIVE: "Segmenter | None" = None
_EXTRACTOR = None  # jieba.analyse.TFIDF, loaded on first use: importing it loads jieba's tagger


def _fresh_tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer with the stock dictionary, loaded once per process.

    Loading takes about a second; each build gets its own copy of the word
    table, so one site's names never leak into another build in the same process.
    """
    global _BASE
    if _BASE is None:
        jieba.setLogLevel(logging.WARNING)
        _BASE = jieba.Tokenizer()
        _BASE.initialize()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(_BASE.FREQ), _BASE.total, True
    return tokenizer


class Segmenter:
    """jieba with the site's own words; the dictionary loads only when a word is first needed,
    so an incremental build that segments nothing never pays for it."""

    def __init__(self, site: Site, dictionary: Path | None = None):
        self.names: set[str] = set()
        if dictionary is not None and dictionary.is_file():
            self._load_dictionary(dictionary)
        for article in site.articles:
            for author in article.authors:
                if not author.org and len(author.name) >= 2:
                    self.names.add(author.name)
        self._jieba: jieba.Tokenizer | None = None
        self._extractor = None
        self.titles: dict[str, list[str]] = {}  # title → its whole words

    @property
    def jieba(self) -> jieba.Tokenizer:
        if self._jieba is None:
            self._jieba = _fresh_tokenizer()
            for name in sorted(self.names):
                self._jieba.add_word(name, freq=20000)
        return self._jieba

    @property
    def extractor(self):
        global _EXTRACTOR
        if self._extractor is None:
            if _EXTRACTOR is None:
                import jieba.analyse  # a second to import, so only when a keyword is needed
                _EXTRACTOR = jieba.analyse.TFIDF()  # parses jieba's IDF table: once per process
            self._extractor = copy.copy(_EXTRACTOR)
            self._extractor.tokenizer = self.jieba
        return self._extractor

    def _load_dictionary(self, path: Path) -> None:
        """``dict.txt``: one word per line, optionally with jieba's frequency and part of speech."""
        problems = Problems()
        text = read_text(path, problems)
        for number, line in enumerate((text or "").splitlines(), start=1):
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            if len(parts) > 3 or (len(parts) > 1 and not parts[1].isdigit()):
                problems.error(path, number, f"expected `word [frequency] [tag]`, got {line!r}")
                continue
            self.names.add(parts[0])
        if problems.errors:
            raise ContentError(problems.errors)

    def title_words(self, title: str) -> list[str]:
        """Whole words of a title (search-engine mode adds their parts), longer than a bigram.

        Remembered in ``self.titles``, which a build keeps from the previous one.
        """
        words = self.titles.get(title)
        if words is None:
            cut = (normalize(w) for w in self.jieba.cut_for_search(title))
            words = self.titles[title] = sorted({w for w in cut if len(w) > 2 and all(is_han(c) for c in w)})
        return words

    def add_keywords(self, site: Site, jobs: int = 1, known: dict | None = None) -> None:
        """Fill in every article's 关键词, on ``jobs`` worker processes for large sites.

        ``known`` maps an article's keyword source text to its keywords from an
        earlier build with the same dictionary; it is updated in place.
        """
        global _ACTIVE
        known = {} if known is None else known
        sources = [f"{a.title}。{a.text[:KEYWORD_TEXT]}" for a in site.articles]
        missing = sorted({s for s in sources if s not in known})
        if jobs > 1 and len(missing) >= PARALLEL_FROM:
            self.extractor  # load jieba before forking, so workers share it
            _ACTIVE = self  # forked workers inherit this segmenter instead of receiving a copy
            with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                found = list(pool.map(_keywords, missing, chunksize=256))
            _ACTIVE = None
        else:
            found = [self.keywords(source) for source in missing]
        fresh = dict(zip(missing, found))
        for article, source in zip(site.articles, sources):
            article.keywords = fresh[source] if source in fresh else known[source]
        used = set(sources)
        for source in [s for s in known if s not in used]:
            del known[source]
        known.update(fresh)

    def keywords(self, source: str) -> list[str]:
        """关键词 of an article: TF-IDF over its title and lead, Chinese words only."""
        candidates = self.extractor.extract_tags(source, topK=KEYWORD_COUNT * 3)
        return [w for w in candidates if len(w) >= 2 and any(is_han(c) for c in w)][:KEYWORD_COUNT]


def _keywords(source: str) -> list[str]:
    return _ACTIVE.keywords(source)
