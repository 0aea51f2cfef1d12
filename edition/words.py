"""Word segmentation with jieba: the one place where whole Chinese words matter.

Bigrams find any substring, but they know nothing of words. jieba supplies two
things, both kept in the build state per article so that a build segments only
what changed:

- 关键词 of each article: TF-IDF (jieba's IDF table) over the words jieba's
  precise mode cuts from its title (counted ``TITLE_WEIGHT`` times) and lead,
  with the site's own words (``content/dict.txt``). Only whole words count
  (see ``Keywords``): dictionary words, not the words jieba's HMM guesses for
  characters it does not know (陈镇 out of 广陈镇, 细悟明), nor the rare
  fragments its dictionary holds (两手发), nor the head of a place name it does
  not know (大湾 of 大湾区); no single characters, numbers or dates, and nothing
  on the stop list ``stopwords.txt`` (本报讯, 记者, 昨天 …);
- whole words of each title, which the search index ranks higher; for these
  jieba also knows every byline name, so a reporter's name stays one word.

Names are added without changing jieba's word total, so a name changes how a
text is cut only where the text contains that name. A new byline name
therefore re-segments only the titles that contain it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import Iterable

from . import parallel
from .errors import ContentError, Problems
from .facts import is_han
from .reader import decode
from .scan import bytes_digest
from .tokenizer import normalize

KEYWORD_COUNT = 5
KEYWORD_TEXT = 200  # characters of the text that keywords are drawn from, besides the title (to a word's end)
TITLE_WEIGHT = 2  # a word of the title counts as two in the text
RARE = 2  # jieba's dictionary holds ~40,000 words seen only twice, mostly pieces of phrases (两手发, 不少线)
PLACE_ENDS = frozenset("区县镇乡村湾港岛路街")  # a word always followed by one heads a name jieba lacks
# a number, an ordinal, a count or a date: 十六届, 第五次, 首个, 几分, 两个, 百年, 三季度, 六月二十八日
NUMBER = re.compile("(?:第?[〇零一二三四五六七八九十百千万亿两几半首]+[个位名次届年月日号天周岁期度季代分成倍点项条件批轮场堂段版章节篇]*)+")
# a time of day or a day counted from today: 昨天上午, 今晚, 明年年初, 下午
WHEN = re.compile("(?:[今昨明前后当同次]天|[今昨明当同次]日|[今昨明]晚|今晨|[今去明前]年|[本上下]月|[本上下]周)?"
                  "(?:上午|下午|中午|晚上|晚间|凌晨|早上|早晨|傍晚|夜间|白天|年初|年中|年底|年末|月初|月中|月底)?")
RUN_END = re.compile(r"[^\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]")  # jieba cuts each run between these on its own
NAME_FREQUENCY = 20000  # enough for jieba to keep a name whole
ARTICLE_SECONDS = 0.0006  # keyword extraction per article, for parallel.map


class Segmenter:
    """jieba's dictionary and IDF table, loaded on first use and kept as long as this object:
    ``serve`` keeps one across builds, so only its first build pays for loading them."""

    def __init__(self):
        self._base = None
        self._idf = None  # jieba's IDF table and its median
        self._stop_words = None

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

    def keywords(self, dictionary: list[str]) -> "Keywords":
        """What picks 关键词: a tokenizer with ``dictionary``, jieba's IDF table and the stop list."""
        if self._idf is None:
            import jieba.analyse  # a second to import (it parses the IDF table), so only when needed

            table = jieba.analyse.default_tfidf  # read, never changed
            self._idf = (table.idf_freq, table.median_idf)
            text = resources.files(__package__).joinpath("stopwords.txt").read_text("utf-8")
            self._stop_words = frozenset(word for line in text.splitlines() if not line.startswith("#")
                                         for word in line.split())
        return Keywords(self.tokenizer(dictionary), *self._idf, self._stop_words, frozenset(dictionary))


@dataclass(frozen=True)
class Keywords:
    """Picks an article's 关键词 from the words jieba's precise mode cuts, without its HMM (which
    guesses words for characters its dictionary lacks: 陈镇 out of 广陈镇, 细悟明 out of 深学细悟明方向)."""

    tokenizer: object
    idf: dict
    median_idf: float
    stop_words: frozenset
    own: frozenset  # the site's words (dict.txt): whole, whatever follows them

    def whole(self, word: str) -> bool:
        """A word that can be a keyword, wherever it stands."""
        if len(word) < 2 or word in self.stop_words or NUMBER.fullmatch(word) or WHEN.fullmatch(word):
            return False
        if word in self.own:  # a site's word may mix in Latin letters or digits (G60科创走廊)
            return any(is_han(c) for c in word)
        return all(is_han(c) for c in word) and self.tokenizer.FREQ.get(word, 0) > RARE

    def __call__(self, source: str) -> tuple[str, ...]:
        title, _, lead = source.partition("\n")
        score: dict[str, float] = {}
        seen, heads = {}, {}  # occurrences of each word, and those right before a PLACE_ENDS character
        for text, weight in ((title, TITLE_WEIGHT), (lead, 1)):
            cut = list(self.tokenizer.cut(text, HMM=False))
            for i, word in enumerate(cut):
                if self.whole(word):
                    score[word] = score.get(word, 0) + weight
                    seen[word] = seen.get(word, 0) + 1
                    heads[word] = heads.get(word, 0) + (i + 1 < len(cut) and cut[i + 1] in PLACE_ENDS)
        order = {word: n for n, word in enumerate(score)}
        ranked = sorted((w for w in score if w in self.own or heads[w] < seen[w]),
                        key=lambda w: (-score[w] * self.idf.get(w, self.median_idf), order[w]))
        return tuple(ranked[:KEYWORD_COUNT])


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
    """The title, a new line and the text's first ``KEYWORD_TEXT`` characters, on to the end of the run
    of characters jieba cuts as one, so that no word is cut in two (a run of that length again is cut)."""
    end = RUN_END.search(text, KEYWORD_TEXT, 2 * KEYWORD_TEXT)
    return f"{title}\n{text[:end.start() if end else 2 * KEYWORD_TEXT]}"


def title_words(tokenizer, title: str) -> tuple[str, ...]:
    """Whole words of a title (search-engine mode adds their parts), longer than a bigram."""
    cut = (normalize(w) for w in tokenizer.cut_for_search(title))
    return tuple(sorted({w for w in cut if len(w) > 2 and all(is_han(c) for c in w)}))


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
    keywords = segmenter.keywords(dictionary) if need_keywords else None
    tokenizer = segmenter.tokenizer(set(dictionary) | names) if titles else None
    work = sorted(need_keywords.keys() | titles.keys())

    def cut(source: str) -> tuple:
        return (keywords(need_keywords[source]) if source in need_keywords else None,
                title_words(tokenizer, titles[source]) if source in titles else None)

    for source, (found, cut_title) in zip(work, parallel.map(cut, work, jobs, each=ARTICLE_SECONDS)):
        row = rows[source]
        rows[source] = WordRow(row.source, row.keywords if found is None else found, row.title,
                               row.title_words if cut_title is None else cut_title)
    return rows
