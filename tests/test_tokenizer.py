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


NORMALISE = json.loads((ROOT / "tests/fixtures/normalise.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", NORMALISE["normalize"], ids=[c["name"] for c in NORMALISE["normalize"]])
def test_normalize_matches_the_fixture_the_browser_is_tested_on(case):
    """NFD and NFC, final sigma, Greek accents, half-width kana, full-width Latin, ligatures: one form."""
    assert normalize(case["input"]) == case["normalized"]
    assert normalize(case["normalized"]) == case["normalized"]  # normalizing twice changes nothing


def test_the_browser_s_case_folds_are_python_s_casefold():
    """The browser lower-cases, then applies facts.case_folds(): for every character, str.casefold."""
    from edition.facts import case_folds

    folds = case_folds()
    for code in range(0x110000):
        char = chr(code)
        assert "".join(folds.get(c, c) for c in char.lower()) == char.casefold(), hex(code)
    assert folds["ς"] == "σ" and folds["ß"] == "ss"


def test_a_greek_query_finds_the_text_however_it_is_cased_accented_or_composed():
    import unicodedata

    text = "ΣΟΦΌΣ ἄνθρωπος, " + unicodedata.normalize("NFD", "σοφός λόγος")
    for query in ("σοφοσ", "ΣΟΦΟΣ", "σοφός", "ανθρωποσ", "ΛΟΓΟΣ"):
        assert set(query_tokens(query)) <= set(index_tokens(text)), query


def test_half_width_kana_nfd_and_full_width_text_is_found_by_what_a_reader_types():
    import unicodedata

    text = "ｶﾞｲﾄﾞﾌﾞｯｸ " + unicodedata.normalize("NFD", "Café 한국어") + " ＧＤＰ ﬁnal Straße"
    for query in ("ガイドブック", "café", "CAFÉ", "한국어", "gdp", "final", "strasse", "STRASSE"):
        assert set(query_tokens(query)) <= set(index_tokens(text)), query
