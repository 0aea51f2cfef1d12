"""The sample edition: five real PDF/OCR seeds turned into content, checked against the raw text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from edition.load import load_site
from edition.sitecheck import check_site

SEEDS = ROOT / "tests/seeds"
ISSUES = {  # issue folder: (seed, articles)
    "pinghu-daily/2022-10-31": ("000", 7),
    "pinghu-daily/2022-11-18": ("001", 9),
    "lilun-journal/2023-01-01": ("002", 21),
    "pinghu-daily/2025-02-07": ("003", 6),
    "pinghu-daily/2022-06-28": ("004", 9),
}
GAP = re.compile(r"\{\{gap[^}]*\}\}")


@pytest.fixture(scope="module")
def loaded():
    return load_site(ROOT / "content")


@pytest.fixture(scope="module")
def site(loaded):
    return loaded.site


@pytest.fixture(scope="module")
def issues(loaded):
    return loaded.issues


# The sample's punctuation is full-width (GB/T 15834) where two seeds print OCR's half-width marks.
WIDTH = str.maketrans("，。：；？！（）“”‘’'", ",.:;?!()\"\"\"\"\"")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(WIDTH)


def seed_text(number: str) -> str:
    raw = next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")
    return squeeze(raw.replace("##paidbegin##", "").replace("##paidend##", ""))


def uncovered(fragment: str, seed: str, shortest: int = 6) -> list[str]:
    """Pieces of ``fragment`` that are not runs of at least ``shortest`` characters of the seed.

    Reading order may be rebuilt from pieces scattered over the page, so a
    paragraph need not be one run of the seed; but every piece must be.
    """
    missing, i = [], 0
    while i < len(fragment):
        lo, hi = 0, len(fragment) - i
        while lo < hi:  # longest prefix of fragment[i:] found in the seed
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if fragment[i : i + mid] in seed else (lo, mid - 1)
        if lo < min(shortest, len(fragment) - i):
            missing.append(fragment[i : i + max(lo, 1) + 10])
        i += max(lo, 1)
    return missing


def test_sample_builds_without_warnings(site):
    assert site.warnings == []
    assert [p.slug for p in site.publications] == ["pinghu-daily", "lilun-journal"]


@pytest.mark.parametrize("folder", ISSUES)
def test_each_seed_is_an_issue_with_all_its_articles(issues, loaded, folder):
    issue = next(i for i in issues if Path(i.source) == ROOT / "content" / folder)
    assert len(issue.articles) == ISSUES[folder][1]
    assert all(a.title and (loaded.bodies[a.source].text or a.kind in ("ad",)) for a in issue.articles)
    if folder.endswith("2022-06-28"):
        assert (issue.date_approximate, issue.total_number, issue.lunar) == ("", 4961, "农历壬寅年五月三十")
    else:
        assert issue.date_approximate, "an inferred date says so and why"


@pytest.mark.parametrize("folder", ISSUES)
def test_article_text_comes_from_the_seed(folder):
    """Never invent text: every body character belongs to a run of the raw seed text."""
    seed = seed_text(ISSUES[folder][0])
    problems = []
    for path in sorted((ROOT / "content" / folder).rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        for paragraph in body.split("\n\n"):
            for fragment in GAP.split(re.sub(r"^#+\s*", "", paragraph.strip())):
                problems += [f"{path.name}: {m}" for m in uncovered(squeeze(fragment), seed)]
    assert problems == []


def test_extraction_artifacts_are_gone(loaded):
    for article in loaded.articles:
        body = loaded.bodies[article.source].text
        source = Path(article.source).read_text(encoding="utf-8").split("\n---\n", 1)[1]
        assert "##paid" not in body and "■" not in body and "�" not in body, article.source
        assert not re.search(r"\d+月 \d+日|[\u4e00-\u9fff]\n[\u4e00-\u9fff]", source), "unjoined line wrap"
        assert not re.search(r"^#", body, re.M), article.source
        title = article.title
        half = len(title) // 2
        assert not (len(title) > 4 and title[:half] == title[half:]), f"doubled title {title}"
        if article.kind not in ("ad", "weather", "notice"):
            assert not re.search(r"扫一扫|公益广告|(编辑|版式|校对)[:：]", body), article.source


def test_gaps_are_marked_where_text_was_lost(issues, loaded):
    by_issue = {Path(i.source).name: sum(loaded.bodies[a.source].gaps for a in i.articles) for i in issues}
    assert by_issue["2022-06-28"] >= 5, "004 lost text at several column breaks"


def test_page_furniture_is_metadata_or_its_own_item(issues, loaded):
    issue = next(i for i in issues if Path(i.source).name == "2022-06-28")
    front = issue.pages[0]
    assert front.editor == "戴琰" and front.staff["版式"] == "李春霞"
    kinds = {a.kind for a in loaded.articles}
    assert {"ad", "weather", "photo", "commentary", "journal_article"} <= kinds


def test_journal_toc_gives_start_pages_and_organisations(issues):
    journal = next(i for i in issues if i.publication.kind == "periodical")
    pages = [a.start_page for a in journal.articles]
    assert pages == sorted(pages) and pages[4:] == [11, 17, 19, 23, 26, 29, 31, 33, 35, 37, 39, 42, 44, 47, 50, 52, 59]
    assert all(a.authors and a.authors[0].org for a in journal.articles)


def test_built_sample_has_no_broken_links(tmp_path, build):
    assert build("--content", ROOT / "content", "--out", tmp_path / "site", "--strict", "-q")[0] == 0
    assert check_site(tmp_path / "site") == []


def test_the_sample_pages_carry_their_images_and_a_hotspot_for_every_article(issues):
    issue = next(i for i in issues if i.date.isoformat() == "2022-06-28")
    first, second = issue.pages
    assert len(first.regions) == len(first.articles) == 7 and len(second.articles) == 2
    assert [a.title for a in second.continued] == [first.articles[0].title]  # the lead, 上接第1版
    assert all(p.image.endswith(".jpg") and p.thumbnail.endswith(".jpg") and p.pdf for p in issue.pages)
