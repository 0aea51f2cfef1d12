"""The fault suite: what the machine, not the content, does wrong. A full, read-only or immutable
output disk, odd output folders and options, broken links in the content: each ends with one
clear line and its exit code (1 content, 2 usage, 3 environment), never a traceback, and the
previous site stays as it was."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, TINY, article, edit, snapshot, write

SECOND = "daily/2022-06-28/01/02-second.md"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)], capture_output=True,
                          text=True, timeout=300)


def one_clear_line(result: subprocess.CompletedProcess, code: int, *said: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for text in said:
        assert text in result.stderr, result.stderr


@contextlib.contextmanager
def mounted(tmp_path: Path, kind: str):
    """A small file system of its own (tmpfs of 3 MB, or a loop-mounted ext4 image), or a skip
    that says why this machine cannot make one."""
    point = tmp_path / "disk"
    point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root; this test runs as an ordinary user")
    for tool in ("mount", "umount", *(("truncate", "mkfs.ext4", "chattr") if kind == "ext4" else ())):
        if not shutil.which(tool):
            pytest.skip(f"`{tool}` is not installed here (Debian: e2fsprogs, mount)")
    if kind == "tmpfs":
        command = ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(point)]
    else:
        image = tmp_path / "disk.ext4"
        subprocess.run(["truncate", "-s", "24M", str(image)], check=True)
        made = subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], capture_output=True, text=True)
        if made.returncode:
            pytest.skip(f"cannot make an ext4 image here: {made.stderr.strip()}")
        command = ["mount", "-o", "loop", str(image), str(point)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a {kind} file system here: {done.stderr.strip()}")
    try:
        yield point
    finally:
        if kind == "ext4":
            subprocess.run(["chattr", "-R", "-i", str(point)], capture_output=True)
        subprocess.run(["umount", "-l", str(point)], check=True)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    write(folder, TINY)
    return folder


def test_a_full_disk_stops_the_build_with_one_line_and_keeps_the_site(content, tmp_path):
    with mounted(tmp_path, "tmpfs") as disk:
        out = disk / "site"
        one_clear_line(run("--content", content, "--out", out, "-q"), 0)
        before = snapshot(out)
        (content / "daily/2022-06-28/01/03-long.md").write_text(article("长文", "本报讯 很长的正文。" * 120_000),
                                                                encoding="utf-8")
        full = run("--content", content, "--out", out)
        one_clear_line(full, 3, "No space left on device", f"{out} holds the last complete build")
        assert len(full.stderr.strip().splitlines()) == 1, full.stderr
        assert snapshot(out) == before
        (content / "daily/2022-06-28/01/03-long.md").unlink()
        edit(content / SECOND, "正文", "正文（改）")
        one_clear_line(run("--content", content, "--out", out, "-q"), 0)
        assert "（改）" in (out / "daily/2022/06/28/second.html").read_text(encoding="utf-8")
        one_clear_line(run("--content", content, "--out", tmp_path / "clean", "-q", "--clean"), 0)
        assert snapshot(out) == snapshot(tmp_path / "clean")


def test_a_read_only_disk_stops_the_build_with_one_line_and_keeps_the_site(content, tmp_path):
    with mounted(tmp_path, "tmpfs") as disk:
        out = disk / "site"
        one_clear_line(run("--content", content, "--out", out, "-q"), 0)
        before = snapshot(out)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        edit(content / SECOND, "正文", "正文（改）")
        stopped = run("--content", content, "--out", out)
        one_clear_line(stopped, 3, "Read-only file system")
        assert snapshot(out) == before
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        one_clear_line(run("--content", content, "--out", out, "-q"), 0)
        assert "（改）" in (out / "daily/2022/06/28/second.html").read_text(encoding="utf-8")


def test_an_immutable_site_folder_stops_the_build_with_one_line_and_keeps_the_site(content, tmp_path):
    with mounted(tmp_path, "ext4") as disk:
        out = disk / "site"
        one_clear_line(run("--content", content, "--out", out, "-q"), 0)
        before = snapshot(out)
        locked = subprocess.run(["chattr", "+i", str(out), str(disk)], capture_output=True, text=True)
        if locked.returncode:
            pytest.skip(f"cannot make a folder immutable here: {locked.stderr.strip()}")
        edit(content / SECOND, "正文", "正文（改）")
        one_clear_line(run("--content", content, "--out", out), 3, "Operation not permitted")
        assert snapshot(out) == before
        subprocess.run(["chattr", "-i", str(out), str(disk)], check=True)
        one_clear_line(run("--content", content, "--out", out, "-q"), 0)
        assert "（改）" in (out / "daily/2022/06/28/second.html").read_text(encoding="utf-8")


def test_a_symbolic_link_as_out_is_followed_and_stays_a_link(content, tmp_path):
    target = tmp_path / "www" / "paper"
    target.mkdir(parents=True)
    link = tmp_path / "site"
    link.symlink_to(target, target_is_directory=True)
    for _ in range(2):  # the first build, then one that starts from the state beside the target
        one_clear_line(run("--content", content, "--out", link, "-q"), 0)
        assert link.is_symlink() and (target / "index.html").is_file()
    edit(content / SECOND, "正文", "正文（改）")
    one_clear_line(run("--content", content, "--out", link, "-q"), 0)
    assert link.is_symlink() and "（改）" in (link / "daily/2022/06/28/second.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("make, said", [
    (lambda out: out.write_text("notes", encoding="utf-8"), "is a file, not a folder"),
    (lambda out: out.symlink_to(out.with_name("nowhere")), "which is not a folder"),
    (lambda out: (out.with_name("a-file").write_text("notes"), out.symlink_to(out.with_name("a-file"))),
     "which is not a folder"),
])
def test_an_out_that_is_not_a_folder_is_refused_before_anything_is_touched(content, tmp_path, make, said):
    out = tmp_path / "site"
    make(out)
    before = sorted(p.name for p in tmp_path.iterdir())
    one_clear_line(run("--content", content, "--out", out), 2, said)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("url", ["javascript:alert(1)//", "data:text/html,x", "//evil.example", "ftp://x.example/",
                                 "https://x.example/\n"])
def test_a_base_url_that_is_not_http_is_refused(content, tmp_path, url):
    one_clear_line(run("--content", content, "--out", tmp_path / "site", "--base-url", url), 2,
                   "must be an http:// or https:// address")
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("link, said", [
    (lambda folder: (folder / "03-dangling.md").symlink_to("nowhere.md"), "symbolic link points at nothing"),
    (lambda folder: ((folder / "loop-a").symlink_to("loop-b"), (folder / "loop-b").symlink_to("loop-a")),
     "symbolic link loops back on itself"),
])
def test_broken_symbolic_links_in_the_content_are_problems(content, tmp_path, link, said):
    folder = content / "daily/2022-06-28/01"
    one_clear_line(run("--content", content, "--out", tmp_path / "site", "-q"), 0)
    before = snapshot(tmp_path / "site")
    link(folder)
    result = run("--content", content, "--out", tmp_path / "site")
    one_clear_line(result, 1, said, f"{folder}/")
    assert snapshot(tmp_path / "site") == before


def test_a_base_url_in_site_yml_that_is_not_http_is_a_content_error(content, tmp_path):
    site_yml = content / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8") + 'base_url: "javascript:alert(1)//"\n', encoding="utf-8")
    result = run("--content", content, "--out", tmp_path / "site")
    one_clear_line(result, 1, f"{site_yml}:4: `base_url`", "must be an http:// or https:// address")
    assert not (tmp_path / "site").exists()
