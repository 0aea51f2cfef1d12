"""The search index files: real lunr indexes, a faithful partition, a correct directory, local changes."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from lunr.builder import Builder
from lunr.index import Index

from conftest import ROOT, article, snapshot, write
from edition.pipeline import open_library
from edition.search import TITLE_BOOST, Search, base36, bucket_of, fnv1a, month_number, month_parts
from edition.tokenizer import terms_and_characters


def loaded(path: Path):
    """The data a ``search/…js`` file hands to ``edition._load``."""
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(r'edition\._load\("([^"]+)",(.*)\);\n', text, re.S)
    assert match, path
    return match.group(1), json.loads(match.group(2))


def scores(index: Index, term: str) -> dict[str, float]:
    return {r["ref"]: r["score"] for r in index.query(index.create_query().term(term, use_pipeline=False))}


@pytest.fixture(scope="module")
def sample_search() -> Search:
    """The search producer of the sample edition, with its words as a build makes them."""
    return Search(open_library(ROOT / "content"))


@pytest.fixture(scope="module")
def sample_month(sample_search):
    return sample_search.docs(sample_search.articles("2023-01"))


def lunr_reference(docs) -> dict:
    """The month index as lunr.py's own Builder makes it: the oracle for segment_index."""
    builder = Builder()
    builder.ref("id")
    builder.field("b")
    builder.field("t", boost=TITLE_BOOST)
    for doc in docs:
        body, characters = terms_and_characters(doc.body)
        title, title_characters = terms_and_characters(doc.heading)
        builder.add({"id": doc.ref, "b": body + doc.filters + sorted(characters | title_characters),
                     "t": title + doc.title_words})
    return builder.build().serialize()


def reference_split(index: dict, bucket) -> dict[str, dict]:
    """Split a whole lunr index by term, the slow obvious way: the oracle for month_parts.

    Each part keeps its terms' postings and, in every field vector, its own
    weights plus a filler weight that keeps the vector's length.
    """
    parts: dict[str, dict] = {}
    place = {}
    for term, posting in index["invertedIndex"]:
        part = parts.setdefault(bucket(term), {**index, "fieldVectors": [], "invertedIndex": []})
        place[posting["_index"]] = (bucket(term), len(part["invertedIndex"]))
        part["invertedIndex"].append([term, {**posting, "_index": len(part["invertedIndex"])}])
    for ref, flat in index["fieldVectors"]:
        total = 0.0
        pieces: dict[str, list] = {}
        squares: dict[str, float] = {}
        for old, weight in zip(flat[0::2], flat[1::2]):  # squares summed in the whole vector's order
            name, number = place[old]
            total += weight * weight
            squares[name] = squares.get(name, 0.0) + weight * weight
            pieces.setdefault(name, []).append((number, weight))
        for name, piece in pieces.items():
            piece.sort()
            vector = [x for pair in piece for x in pair]
            filler = round(math.sqrt(max(total - squares[name], 0.0)), 3)
            if filler:
                vector += [len(parts[name]["invertedIndex"]), filler]
            parts[name]["fieldVectors"].append([ref, vector])
    return parts


@pytest.mark.parametrize("month", ["2022-06", "2022-10", "2022-11", "2023-01", "2025-02"])
def test_month_parts_are_lunr_py_s_index_split_by_bucket(month, sample_search):
    docs = sample_search.docs(sample_search.articles(month))
    parts, sizes, vocabulary = month_parts(docs)

    def bucket(term):
        namespace, key = bucket_of(term)
        return f"{namespace}{fnv1a(key) % sizes[namespace]}"

    expected = reference_split(lunr_reference(docs), bucket)
    assert sorted(parts) == sorted(expected)
    for name in expected:
        assert json.dumps(parts[name], ensure_ascii=False) == json.dumps(expected[name], ensure_ascii=False), name
    assert "党的" in vocabulary and len(vocabulary) > 1000


def test_each_part_scores_its_terms_exactly_as_the_whole_index(sample_month):
    whole_data = lunr_reference(sample_month)
    whole = Index.load(json.loads(json.dumps(whole_data)))
    parts = reference_split(json.loads(json.dumps(whole_data)), lambda t: f"{bucket_of(t)[0]}{fnv1a(bucket_of(t)[1]) % 8}")
    assert len(parts) == 16
    for term in ["社情", "民意", "党的", "湖州", "二十", "浙", "平"]:
        part = Index.load(parts[f"{bucket_of(term)[0]}{fnv1a(bucket_of(term)[1]) % 8}"])
        expected, got = scores(whole, term), scores(part, term)
        assert expected and got.keys() == expected.keys()
        for ref in expected:
            assert got[ref] == pytest.approx(expected[ref], rel=2e-3)


def test_index_files_are_lunr_indexes_and_directory_lists_the_months(tiny_site):
    _, meta = loaded(tiny_site / "search/meta.js")
    assert [s[1] for s in meta["segs"]] == ["2022-06", "2022-12"]
    assert meta["pubs"] == [["daily", "测试日报"], ["journal", "理论学习"]]
    assert meta["sections"] == sorted(["要闻", "综合"]) and meta["kinds"] == ["journal_article", "news", "weather"]
    directory = {}
    for path in (tiny_site / "search/d").glob("*.js"):
        directory.update(loaded(path)[1])
    june, december = month_number(2022, 6), month_number(2022, 12)
    assert directory["仲旭"] == base36(june)
    assert directory["社情"] == base36(december)
    assert directory["p:journal"] == base36(december)
    assert set(directory["湖"].split(",")) == {base36(june)}
    b_files = sorted((tiny_site / "search/s/2022-06").glob("b*.js"))
    assert b_files and all(loaded(f)[1] is None or loaded(f)[1]["version"] == "2.3.9" for f in b_files)
    with_index = [loaded(f)[1] for f in b_files if loaded(f)[1]]
    assert all(Index.load(data) for data in with_index)


def test_text_files_carry_what_a_result_shows(tiny_site):
    key, shown = loaded(tiny_site / "search/t/2022-12/1.js")
    assert key == "t/2022-12/1"
    assert shown == {"u": "journal/2022/12/30/minyi.html", "t": "做好社情民意工作的思考", "k": "", "s": "",
                     "d": "2022-12-30", "p": "理论学习", "g": "2022年第12期 第11页", "x": "本报讯 正文。"}


def test_a_changed_article_rewrites_only_its_month_and_directory(tiny, tmp_path, build):
    assert build("--content", tiny, "--out", tmp_path / "a", "-q")[0] == 0
    write(tiny, {"journal/2022-12-30/02-minyi.md": article("做好社情民意工作的思考", "改正后的正文，新增词语钟埭。",
                                                           authors="[{org: 市委统战部理论学习中心组}]", page=11)})
    assert build("--content", tiny, "--out", tmp_path / "b", "-q")[0] == 0
    before, after = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p) and p.startswith("search/")}
    assert changed and "search/t/2022-12/1.js" in changed
    assert all(p.startswith(("search/s/2022-12/", "search/t/2022-12/", "search/d/")) for p in changed), changed


def test_parallel_and_serial_builds_are_identical(tiny, tmp_path, build, monkeypatch):
    monkeypatch.setattr("edition.parallel.FORK_PAYS_FROM", 0)
    assert build("--content", tiny, "--out", tmp_path / "one", "-q", "--jobs", "1")[0] == 0
    assert build("--content", tiny, "--out", tmp_path / "two", "-q", "--jobs", "2")[0] == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
