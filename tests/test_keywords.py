"""关键词 are whole words: what jieba itself cuts from the article, never a piece of a word, a
number, a date or a newspaper formula such as 本报讯."""

from __future__ import annotations

import logging
import re
from importlib import resources

import jieba
import pytest
from lxml import html

from conftest import ROOT, article, write

# keywords the sample edition once showed: pieces of words (陈镇 of 广陈镇, 大湾 of 大湾区, 链主企 of
# 链主企业, 两手发 of 两手发力), HMM guesses (细悟明, 王线, 廉教, 好党), a count (几分) and a rarity (胜果)
JUNK = {"陈镇", "细悟明", "两手发", "链主企", "大湾", "王线", "廉教", "好党", "几分", "胜果", "本报讯"}
HAN_NUMBER = re.compile("第?[〇零一二三四五六七八九十百千万亿两几半]+[个次届年月日号天周岁期分]?")  # 十六届, 第五次, 几分


def stop_words() -> set[str]:
    text = resources.files("edition").joinpath("stopwords.txt").read_text("utf-8")
    return {word for line in text.splitlines() if not line.startswith("#") for word in line.split()}


@pytest.fixture(scope="module")
def jieba_with_dict():
    """jieba as anyone would use it: its own tokenizer, with content/dict.txt added to it."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for line in (ROOT / "content" / "dict.txt").read_text("utf-8").splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            tokenizer.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None)
    return tokenizer


def story(path):
    """(keywords as linked on the page, title, text) of an article page."""
    doc = html.fromstring(path.read_text("utf-8"))
    links = [a.text_content() for a in doc.xpath('//p[@class="keywords"]/a')]
    tags = doc.xpath('//meta[@property="article:tag"]/@content')
    assert links == tags, path
    title = doc.get_element_by_id("story-title").text_content()
    body = doc.xpath('//div[@class="story-body"]')[0]
    return links, title, "\n".join(block.text_content() for block in body.iter("p", "h2", "h3", "li", "figcaption"))


def test_every_keyword_is_a_whole_word_jieba_cuts_from_its_article(sample_site, jieba_with_dict):
    stop = stop_words()
    assert {"本报讯", "记者", "昨天", "今天", "日前", "近日", "通讯员", "本报", "我们", "一个"} <= stop
    pages = [p for p in sample_site.rglob("*.html") if b'class="story ' in p.read_bytes()]
    assert len(pages) >= 50
    shown = set()
    for path in pages:
        keywords, title, text = story(path)
        assert len(keywords) >= 3, (path, keywords)  # the sample's articles are long enough for several
        words = set(jieba_with_dict.cut(f"{title}\n{text}"))
        for word in keywords:
            where = f"{path.relative_to(sample_site)}: {word}"
            assert word in words, f"{where} is not a word jieba cuts from the article"
            assert word not in JUNK, f"{where} is a piece of a word, a count or a formula"
            assert len(word) >= 2 and not any(c.isdigit() for c in word) and not HAN_NUMBER.fullmatch(word), where
            assert word not in stop, f"{where} is on the stop list"
        shown.update(keywords)
    assert {"粤港澳", "二十大", "中科健齿", "绒绣"} <= shown  # whole words are there instead


def test_a_three_line_article_gets_no_formula_date_or_number(tiny, build):
    write(tiny, {"daily/2022-06-28/01/03-qiushou.md": article(
        "秋收冬种现场推进会召开", "本报讯 昨天上午，我市召开秋收冬种现场推进会。\n\n"
                          "会议要求，各镇街道抓好水稻收割，确保颗粒归仓。\n\n（记者 胡佳英 通讯员 王强）")})
    out = tiny.parent / "site"
    code, _, err = build("--content", tiny, "--out", out, "-q")
    assert code == 0, err
    formulas = {"本报讯", "昨天", "昨天上午", "上午", "我市", "记者", "通讯员", "第二段", "首个"}
    keywords, _, _ = story(out / "daily/2022/06/28/qiushou.html")
    assert {"秋收", "冬种"} <= set(keywords) and not formulas & set(keywords), keywords
    for name, words in (("second", {"顶尖", "签约"}), ("stable-id", {"稿件"}), ("lead", {"文明城市"})):
        keywords, _, _ = story(out / f"daily/2022/06/28/{name}.html")  # title, blank line, 本报讯 …
        assert words <= set(keywords) and not formulas & set(keywords), (name, keywords)
