"""The search index files: compact postings that lunr.js scores as lunr.py's Builder would, and
corrections that touch a handful of files."""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import pytest
from lunr.builder import Builder

from conftest import ROOT, edit, snapshot
from edition.pipeline import open_library
from edition.search import (BOOSTS, FIELDS, Search, buckets_for, decode_entry, decode_numbers, decode_postings,
                            encode_entry, encode_numbers, encode_postings, segment_keys)


def loaded(path: Path):
    """The data a ``search/…js`` file hands to ``edition._load``."""
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(r'edition\._load\("([^"]+)",(.*)\);\n', text, re.S)
    assert match, path
    return match.group(1), json.loads(match.group(2))


@pytest.fixture(scope="module")
def sample_search() -> Search:
    """The search producer of the sample edition, with its words as a build makes them."""
    return Search(open_library(ROOT / "content"), "")


def test_postings_and_numbers_survive_their_encoding():
    rng = random.Random(7)
    for _ in range(200):
        numbers = [rng.choice((0, 1, 31, 32, 33, 1023, 1024, rng.randrange(10 ** 7))) for _ in range(rng.randrange(20))]
        assert decode_numbers(encode_numbers(numbers)) == numbers
        docs = sorted(rng.sample(range(50_000), rng.randrange(1, 40)))
        postings = [(d, rng.choice((1, 1, 1, 2, 3, 40))) for d in docs]
        assert decode_postings(encode_postings(postings)) == postings
    assert encode_postings([(0, 1), (1, 1), (2, 1)]) == "000"  # a frequent term costs a byte per document
    entry = {"t": [(3, 2)], "b": [(0, 1), (9, 1)], "c": [(4, 1)]}
    assert decode_entry(encode_entry(entry)) == entry and encode_entry({"b": [(0, 1)]}) == "!0"


def test_segments_are_years_and_the_months_of_the_newest_year(sample_search):
    assert list(sample_search.segments) == ["2022", "2023", "2025-02"]
    assert segment_keys([]) == {}
    assert buckets_for(7_000) == (2048, 128) and buckets_for(10) == (8, 1)


def reference(docs) -> "lunr.index.Index":
    """The segment as lunr.py's own Builder indexes it: the oracle for the browser's weights."""
    builder = Builder()
    builder.ref("id")
    for field in FIELDS:
        builder.field(field, boost=BOOSTS[field])
    for number, doc in enumerate(docs):
        builder.add({"id": str(number), **doc.fields})
    return builder.build()


QUERIES = ["平湖", "仲旭东", "党的二十大", "社区", "胡佳英", "钟埭 平湖", "埭"]


@pytest.mark.browser
@pytest.mark.parametrize("query", QUERIES)
def test_the_browser_scores_as_lunr_py_does(query, sample_search, sample_site, page):
    """Scores and ranking of every result, against lunr.py's index of the whole segment."""
    from edition.facts import is_han
    from edition.tokenizer import query_tokens

    page.goto(sample_site.as_uri() + "/search.html")
    page.wait_for_selector("#search-status:has-text('请输入')")
    found = page.evaluate("q => edition.search(q, {limit: 1000})", query)
    assert found["results"], query
    expected = {}
    for key in sample_search.segments:
        docs = sample_search.docs(sample_search.articles(key))
        index = reference(docs)
        scores: dict[str, float] = {}
        for token in query_tokens(query):
            fields = ["b"] if len(token) == 1 and is_han(token) else list(FIELDS)
            for hit in index.query(index.create_query(fields).term(token, use_pipeline=False)):
                scores[hit["ref"]] = scores.get(hit["ref"], 0) + hit["score"]
        expected.update({docs[int(ref)].url: score for ref, score in scores.items()})
    for result in found["results"]:
        assert result["score"] == pytest.approx(expected[result["url"]], rel=1e-12, abs=1e-12), result["url"]
    ranked = [expected[r["url"]] for r in found["results"]]
    assert ranked == sorted(ranked, reverse=True)  # the browser ranks as lunr.py scores


def test_index_files_hold_postings_lengths_days_and_texts(tiny_site):
    _, meta = loaded(tiny_site / "search/meta.js")
    assert [s[0] for s in meta["segs"]] == ["2022-06", "2022-12"]
    assert meta["fields"] == list(FIELDS) and meta["boosts"] == BOOSTS
    assert meta["pubs"] == [["daily", "测试日报"], ["journal", "理论学习"]]
    assert meta["sections"] == sorted(["要闻", "综合"]) and meta["kinds"] == ["journal_article", "news", "weather"]
    buckets = {}
    for path in (tiny_site / "search/s/2022-06").glob("b*.js"):
        buckets.update(loaded(path)[1])
    assert set(decode_entry(buckets["仲旭"])) == {"b", "t"}  # in the body and the kicker of the lead article
    assert decode_entry(buckets["胡佳"])["a"]  # bylines are searchable
    _, lengths = loaded(tiny_site / "search/s/2022-06/len.js")
    assert set(lengths) == set(FIELDS) and len(decode_numbers(lengths["b"])) == 5
    _, rows = loaded(tiny_site / "search/x/2022-12/0.js")
    assert rows[1][:9] == ["journal/2022/12/30/minyi.html", "做好社情民意工作的思考", "", "", "2022-12-30", "理论学习",
                           "2022年第12期 第11页", "市委统战部理论学习中心组", ""]
    assert rows[1][9] == "本报讯 正文。"


def corrected_search_files(build, tmp_path, edits) -> list[str]:
    """Build the sample, make the edits ((file, old, new) each), build again; the search files
    that changed. The incremental site must equal a clean build of the edited content."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    assert build("--content", content, "--out", out, "-q")[0] == 0
    before = snapshot(out)
    for rel, old, new in edits:
        edit(content / rel, old, new)
    assert build("--content", content, "--out", out, "-q")[0] == 0
    after = snapshot(out)
    clean = tmp_path / "clean"
    assert build("--content", content, "--out", clean, "--clean", "-q")[0] == 0
    assert snapshot(clean) == after
    return sorted(p for p in after if p.startswith("search/") and before.get(p) != after[p])


def test_a_one_character_correction_rewrites_a_handful_of_search_files(build, tmp_path):
    changed = corrected_search_files(build, tmp_path, [
        ("lilun-journal/2023-01-01/05-sheqing-minyi.md", "社情民意信息", "社情民意资讯")])
    assert 0 < len(changed) <= 10, changed
    assert "search/meta.js" not in changed


def test_corrections_in_two_issues_of_a_year_segment_patch_it_as_a_clean_build_makes_it(build, tmp_path):
    # longer text (the length table changes) in two issues of 2022: a 副题 and a body
    changed = corrected_search_files(build, tmp_path, [
        ("pinghu-daily/2022-10-31/01/02-renda-dangzu-huiyi.md", "专题传达学习", "专题传达学习并讨论"),
        ("pinghu-daily/2022-11-18/01/05-weilai-shequ.md", "\n---\n", "\n---\n\n新增一段关于湖畔社区的文字。\n")])
    assert "search/s/2022/len.js" in changed and all(p.startswith(("search/s/2022/", "search/x/2022/"))
                                                     for p in changed), changed


def test_a_change_of_indexing_code_indexes_every_segment_again(sample_search):
    other = Search(sample_search.library, "other code")
    assert {g.id: g.key for g in sample_search.groups() if g.id != "search/meta"}.keys() == \
        {g.id: g.key for g in other.groups() if g.id != "search/meta"}.keys()
    keys = dict((g.id, g.key) for g in other.groups())
    assert all(keys[g.id] != g.key for g in sample_search.groups() if g.id != "search/meta")


def test_parallel_and_serial_builds_are_identical(tiny, tmp_path, build, monkeypatch):
    monkeypatch.setattr("edition.parallel.FORK_PAYS_FROM", 0)
    assert build("--content", tiny, "--out", tmp_path / "one", "-q", "--jobs", "1")[0] == 0
    assert build("--content", tiny, "--out", tmp_path / "two", "-q", "--jobs", "2")[0] == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_the_index_holds_one_term_for_every_way_of_writing_a_word(tiny, build):
    """ΣΟΦΌΣ and σοφός, NFD and NFC, half-width and full-width kana, Straße and STRASSE: one term each,
    which is what the browser's normalized query asks for."""
    import unicodedata

    from conftest import article, write

    body = ("本报讯 ΣΟΦΌΣ " + unicodedata.normalize("NFD", "σοφός Café") + " café ｶﾞｲﾄﾞﾌﾞｯｸ ガイドブック Straße STRASSE ﬁnal")
    write(tiny, {"daily/2022-06-28/02/03-foreign.md": article("外文稿件", body)})
    out = tiny.parent / "site"
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    buckets = {}
    for path in (out / "search/s/2022-06").glob("b*.js"):
        buckets.update(loaded(path)[1])
    urls = {}
    for path in (out / "search/x/2022-06").glob("*.js"):
        urls.update({int(path.stem) * 2 + n: row[0] for n, row in enumerate(loaded(path)[1])})
    document = next(n for n, url in urls.items() if url.endswith("/foreign.html"))
    for term in ("σοφοσ", "café", "ガイドブック", "strasse"):
        assert decode_entry(buckets[term])["b"] == [(document, 2)], term
    assert decode_entry(buckets["final"])["b"] == [(document, 1)]
    assert not {"σοφός", "σοφόσ", "straße", "ｶﾞｲﾄﾞﾌﾞｯｸ"} & buckets.keys()
