"""`build.py serve`: edit a file, and the open page changes by itself; a broken file shows a banner."""

from __future__ import annotations

import re

import pytest

from conftest import edit, running_serve

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tiny, tmp_path):
    out = tmp_path / "site"
    with running_serve(tiny, out) as (url, _):
        yield url, tiny, out


def test_an_edit_reloads_the_open_page_and_an_error_shows_a_banner(server, page):
    url, content, out = server
    source = content / "daily/2022-06-28/01/01-lead.md"
    page.goto(url + "daily/2022/06/28/lead.html")
    assert page.locator("#story-title").inner_text() == "深化全国文明城市巩固工作"
    built = (out / "daily/2022/06/28/lead.html").read_bytes()
    assert b"__edition" not in built  # the reload script is added when served, never written

    edit(source, "title: 深化全国文明城市巩固工作", "title: 持续深化全国文明城市巩固工作")
    page.wait_for_function("document.querySelector('#story-title').textContent === '持续深化全国文明城市巩固工作'",
                           timeout=20000)

    edit(source, "title: 持续深化", "title: [持续深化")  # YAML that does not parse
    banner = page.locator("#edition-build-errors")
    banner.wait_for(timeout=20000)
    assert re.search(r"01-lead\.md:\d+: invalid YAML", banner.inner_text())
    assert page.locator("#story-title").inner_text() == "持续深化全国文明城市巩固工作"  # the last good page stays

    edit(source, "title: [持续深化", "title: 再次深化")
    page.wait_for_function("document.querySelector('#story-title').textContent.startsWith('再次深化')", timeout=20000)
    assert page.locator("#edition-build-errors").count() == 0
