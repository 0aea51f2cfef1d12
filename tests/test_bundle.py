"""`build.py bundle`: a zip that works unzipped, from disk, search included."""

from __future__ import annotations

import zipfile

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    from edition.cli import main
    work = tmp_path_factory.mktemp("bundle")
    target = work / "paper.zip"
    assert main(["bundle", "--content", str(ROOT / "content"), "--out", str(work / "site"), "--zip", str(target),
                 "-q"]) == 0
    return target


def test_the_bundle_is_deterministic_and_holds_the_site_and_a_guide(bundle, tmp_path):
    from edition.cli import main
    again = tmp_path / "again.zip"
    assert main(["bundle", "--content", str(ROOT / "content"), "--out", str(bundle.parent / "site"),
                 "--zip", str(again), "-q"]) == 0
    assert again.read_bytes() == bundle.read_bytes()
    names = zipfile.ZipFile(bundle).namelist()
    assert names[0] == "edition/使用说明.html"
    assert "edition/site/index.html" in names and "edition/site/search/meta.js" in names
    assert not [n for n in names if "/." in n]  # no build markers or dotfiles


@pytest.mark.browser
def test_unzipped_bundle_reads_and_searches_from_disk(bundle, tmp_path, page):
    zipfile.ZipFile(bundle).extractall(tmp_path)
    guide = tmp_path / "edition/使用说明.html"
    page.goto(guide.as_uri())
    assert "离线版使用说明" in page.locator("h1").inner_text()
    page.get_by_role("link", name="全文检索").click()
    page.fill("#q", "仲旭东")
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-search-done=true]")
    assert page.locator("#search-results li").count() >= 5
    page.locator("#search-results li a").first.click()
    assert "仲旭东" in page.locator("main").inner_text()
    assert page.url.startswith("file://")
