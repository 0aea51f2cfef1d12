"""Narrow keys: an edit renders again only the pages that show what changed."""

from __future__ import annotations

import pytest

from conftest import edit
from edition import render

pytestmark = pytest.mark.usefixtures("tiny_site")


@pytest.fixture
def rendered(monkeypatch):
    """The site paths of the pages, feeds and sitemaps a build renders."""
    seen: list[str] = []
    real = render.Pages.render

    def record(self, template, here, context):
        seen.append(here)
        return real(self, template, here, context)

    monkeypatch.setattr(render.Pages, "render", record)
    return seen


def rebuild(build, tiny, rendered) -> set[str]:
    rendered.clear()
    code, _, err = build("--content", tiny, "--out", tiny.parent / "site", "-q")
    assert code == 0, err
    return set(rendered)


def test_a_typo_in_a_body_renders_only_its_article(tiny, build, rendered):
    edit(tiny / "daily/2022-06-28/01/01-lead.md", "第二段", "第二段里")
    assert rebuild(build, tiny, rendered) == {"daily/2022/06/28/lead.html"}


def test_a_new_title_renders_the_pages_that_show_it(tiny, build, rendered):
    edit(tiny / "daily/2022-06-28/01/01-lead.md", "title: 深化", "title: 持续深化")
    assert rebuild(build, tiny, rendered) == {
        "daily/2022/06/28/lead.html", "daily/2022/06/28/second.html",  # the article and its neighbour
        "daily/2022/06/28/01/index.html", "daily/2022/06/28/index.html",  # its 版面 and its issue
        "authors/hujiaying/index.html", "authors/wangqiang/index.html",  # the first index page of each author
        "daily/columns/ershidajingshen-dianduidian/index.html",  # and of its 栏目
        "daily/sections/yaowen/index.html",  # the 版名 index lists the 版面 with its headlines
        "daily/2022/06/index.html", "index.html",  # the month and the home page show front-page headlines
        "daily/feed.xml",  # the feed carries the latest issues' articles
        "corrections/index.html", "corrections/feed.xml",  # the article has a correction, listed by title
    }


def test_a_new_byline_name_renders_the_pages_that_show_that_name(tiny, build, rendered):
    edit(tiny / "daily/2022-06-28/02/01-third.md", "authors: [{name: 胡佳英, role: 记者}]",
         "authors: [{name: 胡佳英, role: 记者}, {name: 新记者, role: 记者}]")
    assert rebuild(build, tiny, rendered) == {
        "daily/2022/06/28/stable-id.html", "daily/2022/06/28/02/index.html",  # its bylines
        "authors/index.html", "authors/xinjizhe/index.html",  # the author index and the new author's page
        "daily/feed.xml",  # Atom entries name their authors
    }


def test_nothing_is_rendered_again_when_nothing_shown_changed(tiny, build, rendered):
    edit(tiny / "daily/2022-06-28/01/01-lead.md", "---\n", "---\n# 编辑备注：无\n")  # a YAML comment
    assert rebuild(build, tiny, rendered) == set()
