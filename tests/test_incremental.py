"""Incremental builds: after every kind of edit, the site equals a clean build byte for byte."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import ROOT, article, edit, snapshot
from edition import load
from edition.scan import scan


def same_as_clean(build, content: Path, out: Path, *options) -> tuple[int, str]:
    """Build incrementally into `out`, build from scratch elsewhere, and compare every file."""
    code, summary, err = build("--content", content, "--out", out, *options)
    assert code == 0, err
    clean = out.parent / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    code, _, err = build("--content", content, "--out", clean, "--clean", "-q", *options)
    assert code == 0, err
    incremental, full = snapshot(out), snapshot(clean)
    assert sorted(incremental) == sorted(full), "files differ: stale or missing outputs"
    changed = [path for path in full if incremental[path] != full[path]]
    assert not changed, f"incremental output differs from a clean build in {changed[:5]}"
    return len(full), summary


def written(summary: str) -> int:
    return int(summary.split(": ")[1].split(" files written")[0])


EDITS = {  # name → function(content folder); applied in this order, each on top of the last
    "a typo in a body": lambda c: edit(c / "daily/2022-06-28/01/02-second.md", "正文", "正文（更正后）"),
    "a new title, shown by its neighbours": lambda c: edit(c / "daily/2022-06-28/01/01-lead.md",
                                                          "title: 深化", "title: 持续深化"),
    "a correction": lambda c: edit(c / "daily/2022-06-28/02/01-third.md", "id: stable-id",
                                   "id: stable-id\ncorrections: [{date: 2022-06-30, note: 标题有误。}]"),
    "a renamed file (new URL, old page removed)": lambda c: (c / "daily/2022-06-28/01/02-second.md").rename(
        c / "daily/2022-06-28/01/02-renamed.md"),
    "a reorder": lambda c: ((c / "daily/2022-06-28/01/01-lead.md").rename(c / "daily/2022-06-28/01/03-lead.md")),
    "an article moved to another page": lambda c: (c / "daily/2022-06-28/01/02-renamed.md").rename(
        c / "daily/2022-06-28/02/03-renamed.md"),
    "a new issue": lambda c: _new_issue(c),
    "a new byline name": lambda c: (c / "daily/2022-06-29/01/02-new.md").write_text(
        article("新记者的稿件", authors="[{name: 新记者, role: 记者}]", column="新栏目"), encoding="utf-8"),
    # 汪强 sounds like 王强 (wangqiang): both author pages move, and so do the links to 王强 in another issue
    "a byline name that sounds like another": lambda c: (c / "daily/2022-06-29/01/03-homophone.md").write_text(
        article("同音的作者", authors="[{name: 汪强, role: 通讯员}]"), encoding="utf-8"),
    # a name that an older title contains: jieba now keeps it whole there, so that title's words change
    "a byline name found in an older title": lambda c: (c / "daily/2022-06-29/01/04-name-in-title.md").write_text(
        article("人物专访", authors="[{name: 顶尖人才, role: 通讯员}]"), encoding="utf-8"),
    "a deleted article": lambda c: (c / "daily/2022-06-28/02/02-weather.md").unlink(),
    "issue metadata (a 版名)": lambda c: edit(c / "daily/2022-06-28/issue.yml", "name: 综合", "name: 综合新闻"),
    "a deleted issue": lambda c: shutil.rmtree(c / "daily/2022-06-27"),
    "a periodical article's page": lambda c: edit(c / "journal/2022-12-30/02-minyi.md", "page: 11", "page: 12"),
    "site settings": lambda c: edit(c / "site.yml", "title: 测试日报数字报", "title: 测试日报电子版"),
}


def _new_issue(content: Path) -> None:
    folder = content / "daily/2022-06-29"
    (folder / "01").mkdir(parents=True)
    (folder / "issue.yml").write_text("date: 2022-06-29\ntotal_number: 4962\npages:\n  - {number: 1, name: 要闻}\n",
                                      encoding="utf-8")
    (folder / "01/01-next.md").write_text(article("次日头条", "本报讯 次日的新闻。"), encoding="utf-8")


def test_incremental_builds_equal_clean_builds_after_each_scripted_edit(tiny, build, tmp_path):
    assert len(EDITS) == 15
    out = tmp_path / "out" / "site"
    total, summary = same_as_clean(build, tiny, out)
    assert written(summary) == total - 1  # all but the .edition-site marker
    _, summary = same_as_clean(build, tiny, out)
    assert "nothing changed, 0 files written" in summary, "a build with no change rewrote files"
    for name, change in EDITS.items():
        change(tiny)
        same_as_clean(build, tiny, out)


def test_a_template_change_renders_every_page_again_but_parses_nothing_again(tiny, build, tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out = tmp_path / "site"
    assert build("--content", tiny, "--out", out, "--templates", templates, "-q")[0] == 0
    pages = {p: p.stat().st_ino for p in out.rglob("*.html")}
    edit(templates / "article.html", "上一篇：", "前一篇：")
    parsed = []
    with monkeypatch.context() as patch:
        real = load.parse_article
        patch.setattr(load, "parse_article", lambda *a: (parsed.append(a[0]), real(*a))[1])
        assert build("--content", tiny, "--out", out, "--templates", templates, "-q")[0] == 0
    assert parsed == [], "unchanged articles were parsed again"
    story = (out / "daily/2022/06/28/stable-id.html").read_text(encoding="utf-8")
    assert "前一篇：" in story
    assert all(p.stat().st_ino != inode for p, inode in pages.items()), "a page was not rendered again"
    same_as_clean(build, tiny, out, "--templates", templates)


def test_clean_forces_a_full_build_and_a_lost_state_is_rebuilt(tiny, build, tmp_path):
    out = tmp_path / "site"
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    code, summary, _ = build("--content", tiny, "--out", out, "--clean")
    assert code == 0 and "unchanged" not in summary
    state = tmp_path / ".edition-cache" / "site.state"
    state.write_bytes(b"not a state")
    edit(tiny / "daily/2022-06-28/01/02-second.md", "正文", "正文。")
    code, summary, _ = build("--content", tiny, "--out", out)
    assert code == 0 and "unchanged" not in summary  # an unreadable state means a full build
    assert state.stat().st_size > 100


def test_a_content_error_keeps_the_site_and_the_state(tiny, build, tmp_path):
    out = tmp_path / "site"
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    before = snapshot(out)
    edit(tiny / "daily/2022-06-28/issue.yml", "date: 2022-06-28", "date: 2022-02-30")
    code, _, err = build("--content", tiny, "--out", out)
    assert code == 1 and "2022-02-30" in err
    assert snapshot(out) == before
    edit(tiny / "daily/2022-06-28/issue.yml", "date: 2022-02-30", "date: 2022-06-28")
    code, summary, _ = build("--content", tiny, "--out", out)
    assert code == 0 and "nothing changed" in summary


@pytest.mark.parametrize("name", ["a typo in a body"])
def test_a_correction_on_the_sample_edition_rewrites_few_files(name, build, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    assert build("--content", content, "--out", out, "-q")[0] == 0
    edit(content / "pinghu-daily/2022-06-28/01/02-dingjian-rencai-qianyue.md", "中科院孵化", "中国科学院孵化")
    total, summary = same_as_clean(build, content, out)
    assert 0 < written(summary) < total / 5, summary


def test_where_files_cannot_be_hard_linked_the_unchanged_ones_are_copied(tiny, build, tmp_path, monkeypatch):
    """FAT on a USB stick has no hard links: an incremental build there copies what it keeps."""
    import errno
    import os

    out = tmp_path / "site"
    linked = []

    def no_links(source, target):
        linked.append(target)
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    assert not (tmp_path / ".site.spare").exists(), "without hard links a spare would double the site"
    for n in range(2):
        edit(tiny / "daily/2022-06-28/01/02-second.md", "正文", f"正文（改{n}）")
        same_as_clean(build, tiny, out)
    assert linked, "the incremental build did not try to link the unchanged files"
    assert all(p.stat().st_nlink == 1 for p in out.rglob("*") if p.is_file())


def test_an_incremental_build_updates_the_site_before_last_instead_of_linking_every_file(tiny, build, tmp_path,
                                                                                          monkeypatch):
    """Double-buffering: a correction's cost follows the files that changed, not the archive."""
    import os

    out = tmp_path / "site"
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    edit(tiny / "daily/2022-06-28/01/02-second.md", "正文", "正文（一改）")
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    assert (tmp_path / ".site.spare/.edition-site").is_file(), "the previous site was not kept as the spare"
    links = []
    real_link = os.link

    def counted(source, target):
        if ".site.building-" in str(target):
            links.append(target)
        return real_link(source, target)

    monkeypatch.setattr(os, "link", counted)
    edit(tiny / "daily/2022-06-28/02/01-third.md", "正文", "正文（二改）")
    total, _ = same_as_clean(build, tiny, out)
    assert 0 < len(links) < total / 4, f"{len(links)} of {total} files linked"


def test_a_damaged_or_foreign_spare_is_repaired_or_not_trusted(tiny, build, tmp_path):
    out = tmp_path / "site"
    spare = tmp_path / ".site.spare"
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    for n, damage in enumerate([lambda: (spare / "daily/2022/06/27/first.html").unlink(),  # a file lost
                                lambda: (spare / ".edition-site").write_text("build: someone else's\n")]):
        edit(tiny / "daily/2022-06-28/01/02-second.md", "正文", f"正文（第{n}次）")
        assert build("--content", tiny, "--out", out, "-q")[0] == 0
        damage()
        edit(tiny / "daily/2022-06-28/01/01-lead.md", "第二段", f"第二段（第{n}次）")
        same_as_clean(build, tiny, out)


def test_files_deleted_from_the_live_site_or_the_spare_are_produced_again(tiny, build, tmp_path):
    """Whatever its kind, a file someone deleted is made again, never trusted to be there."""
    out = tmp_path / "site"
    spare = tmp_path / ".site.spare"
    same_as_clean(build, tiny, out)
    page, texts, bucket = "daily/2022/06/28/01/index.html", "search/x/2022-06/0.js", "search/s/2022-06/b0.js"
    for n, folder in enumerate((out, spare, out, spare)):  # each folder, and again now that it holds others
        edit(tiny / "daily/2022-06-28/02/01-third.md", "正文", f"正文（{n}）")  # (its segment is patched)
        for lost in (page, texts, bucket):
            (folder / lost).unlink(missing_ok=True)  # (the spare is the site before, which may lack it already)
        same_as_clean(build, tiny, out)
        assert all((out / lost).is_file() for lost in (page, texts, bucket))
    shutil.rmtree(out / "daily/2022/06/27")  # a whole folder
    (out / "stray.html").write_text("someone's file")  # and one the site never had
    code, summary, _ = build("--content", tiny, "--out", out)
    assert code == 0 and "nothing changed" not in summary
    same_as_clean(build, tiny, out)  # the spare is now the site that lacked the folder
    assert not (out / "stray.html").exists() and (out / "daily/2022/06/27/first.html").is_file()


@pytest.mark.parametrize("how", ["times put back", "replaced by another file with the same times"])
def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(tiny, build, tmp_path, how):
    """unzip, ``rsync -t`` and ``touch -r`` put a file's modification time back; an edit of the
    same length is then told apart only by the status-change time or the inode, as git does."""
    out = tmp_path / "site"
    source = tiny / "daily/2022-06-28/01/02-second.md"
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    time.sleep(2.1)  # past the racy window: the state now trusts the recorded times
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    before = os.stat(source)
    text = source.read_text(encoding="utf-8")
    assert "正文。" in text
    if how == "times put back":
        source.write_text(text.replace("正文。", "更正。"), encoding="utf-8")
    else:
        other = source.with_name("new.tmp")
        other.write_text(text.replace("正文。", "更正。"), encoding="utf-8")
        os.replace(other, source)
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(source).st_size == before.st_size and os.stat(source).st_mtime_ns == before.st_mtime_ns
    same_as_clean(build, tiny, out)
    assert "更正。" in (out / "daily/2022/06/28/second.html").read_text(encoding="utf-8")


def test_a_file_changed_just_before_the_scan_is_hashed_again_next_time(tmp_path):
    """A file written just before a scan may be edited again within the same tick of a coarse
    clock (FAT keeps 2 s), leaving every time as it was: the scan does not trust the times of
    such a file, so the next scan reads it again; older files keep their digests unread."""
    (tmp_path / "old.md").write_text("旧", encoding="utf-8")
    os.utime(tmp_path / "old.md", ns=(0, 0))
    time.sleep(2.1)  # the status-change time of old.md is now outside the racy window
    (tmp_path / "new.md").write_text("新", encoding="utf-8")
    first = scan(str(tmp_path))
    assert first.files["new.md"].mtime == -1 and first.files["old.md"].mtime == 0
    again = scan(str(tmp_path), first.files)
    assert again.hashed == 1 and set(again.data) == {"new.md"}


def test_a_build_that_finds_nothing_changed_trusts_the_files_it_read_again(tiny, build, tmp_path):
    """A file written just before a build is read again by the next; once that build has seen it
    unchanged, later builds trust its times and read nothing."""
    out = tmp_path / "site"
    assert build("--content", tiny, "--out", out, "-q")[0] == 0  # every file is new: all racy
    time.sleep(2.1)
    state = load_state(out)
    assert any(entry[1] == -1 for entry in state.values()), "the first build trusted times it could not"
    code, summary, _ = build("--content", tiny, "--out", out)
    assert code == 0 and "nothing changed" in summary
    assert all(entry[1] != -1 for entry in load_state(out).values())


def load_state(out: Path) -> dict:
    from edition.pipeline import state_path
    import sqlite3

    with contextlib.closing(sqlite3.connect(state_path(out))) as db:
        return {row[0]: row[1:] for row in db.execute("SELECT path, size, mtime, ctime, inode, digest FROM files")}
