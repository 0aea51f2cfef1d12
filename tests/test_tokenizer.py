"""The Python tokenizer against the shared fixture that the JS tokenizer is also tested on."""

import json

import pytest

from conftest import ROOT
from edition.tokenizer import index_tokens, normalize, query_tokens

CASES = json.loads((ROOT / "tests/fixtures/tokenizer_cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_tokenizer_matches_fixture(case):
    assert index_tokens(case["input"]) == case["index"]
    assert query_tokens(case["input"]) == case["query"]


def test_every_query_token_of_a_text_is_among_its_index_tokens():
    text = "平湖好人榜发布，钟埭社区𠮷野家GDP增长5.2%"
    assert set(query_tokens(text)) <= set(index_tokens(text))
    assert set(query_tokens("钟")) <= set(index_tokens(text))


def test_normalize_folds_full_width_and_case():
    assert normalize("ＡＢＣ１２３　") == "abc123 "


def test_bucket_hash_fixture_is_current():
    """The JS side is tested against this fixture, so it must match the Python functions."""
    from edition.search import bucket_of, fnv1a

    for case in json.loads((ROOT / "tests/fixtures/hash_cases.json").read_text(encoding="utf-8")):
        assert fnv1a(case["term"]) == case["hash"]
        if case["term"]:
            assert list(bucket_of(case["term"])) == case["bucket"]
