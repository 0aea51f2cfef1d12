"""`build.py bundle`: a zip that works unzipped, from disk, search included."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, write
from edition.bundle import make_bundle, unsafe_target
from edition.errors import EnvironmentFault, UsageError


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
    assert "edition/site/.edition-site" not in names  # the build's marker is no file of the site
    assert zipfile.ZipFile(bundle).comment.startswith(b"edition bundle")


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


def bundle_of(site: Path, target: Path, latest=dt.date(2022, 6, 28)) -> int:
    return make_bundle(site, target, "测试日报数字报", "zh-CN", 3, 7, latest)


def test_zip_targets_that_could_destroy_something_are_refused(tiny, tiny_site, tmp_path):
    reasons = {
        "content": unsafe_target(tiny / "site.yml", tiny, tiny_site),
        "content itself": unsafe_target(tiny, tiny, tiny_site),
        "output": unsafe_target(tiny_site / "paper.zip", tiny, tiny_site),
        "folder": unsafe_target(tmp_path, tiny, tiny_site),
        "missing folder": unsafe_target(tmp_path / "nowhere/paper.zip", tiny, tiny_site),
    }
    (tmp_path / "notes.txt").write_text("不是压缩包")
    reasons["not a zip"] = unsafe_target(tmp_path / "notes.txt", tiny, tiny_site)
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as other:
        other.writestr("photo.jpg", b"\xff\xd8")
    reasons["another zip"] = unsafe_target(tmp_path / "photos.zip", tiny, tiny_site)
    (tmp_path / "link.zip").symlink_to(tiny / "site.yml")
    reasons["link into content"] = unsafe_target(tmp_path / "link.zip", tiny, tiny_site)
    assert "inside the content folder" in reasons["content"] and "inside the content folder" in reasons["content itself"]
    assert "inside the output folder" in reasons["output"]
    assert "is a folder" in reasons["folder"] and "not found" in reasons["missing folder"]
    assert "not a bundle written by build.py" in reasons["not a zip"] == reasons["not a zip"]
    assert "not a bundle written by build.py" in reasons["another zip"]
    assert "inside the content folder" in reasons["link into content"]
    # what may be written: a new file, a bundle of ours, the default beside the site
    assert unsafe_target(tmp_path / "paper.zip", tiny, tiny_site) == ""
    bundle_of(tiny_site, tmp_path / "paper.zip")
    assert unsafe_target(tmp_path / "paper.zip", tiny, tiny_site) == ""
    assert unsafe_target(None, tiny, tiny_site) == ""
    # make_bundle refuses the same files itself, and leaves them alone
    for target in (tmp_path, tmp_path / "notes.txt", tmp_path / "photos.zip"):
        before = target.read_bytes() if target.is_file() else None
        with pytest.raises(UsageError):
            bundle_of(tiny_site, target)
        assert before is None or target.read_bytes() == before


def test_bundle_refuses_a_zip_in_the_content_before_building(tiny, tmp_path, build):
    site_yml = (tiny / "site.yml").read_bytes()
    code, _, err = build("bundle", "--content", tiny, "--out", tmp_path / "site", "--zip", tiny / "site.yml", "-q")
    assert code == 2 and "inside the content folder" in err
    assert (tiny / "site.yml").read_bytes() == site_yml and not (tmp_path / "site").exists()
    code, _, err = build("bundle", "--content", tiny, "--out", tmp_path / "site", "--zip", tmp_path, "-q")
    assert code == 2 and "is a folder" in err and not (tmp_path / "site").exists()


def test_the_bundle_holds_linked_files_whose_names_start_with_a_dot(tiny_site, tmp_path):
    media = tiny_site / "daily/2022/06/28/media"
    media.mkdir()
    (media / ".hidden.pdf").write_bytes(b"%PDF-1.4 attachment")
    lead = tiny_site / "daily/2022/06/28/lead.html"
    lead.write_text(lead.read_text().replace("</main>", '<a href="media/.hidden.pdf">附件</a></main>'))
    bundle_of(tiny_site, tmp_path / "paper.zip")
    archive = zipfile.ZipFile(tmp_path / "paper.zip")
    assert archive.read("edition/site/daily/2022/06/28/media/.hidden.pdf") == b"%PDF-1.4 attachment"
    assert "edition/site/.edition-site" not in archive.namelist()
    assert len(archive.namelist()) == sum(1 for p in tiny_site.rglob("*") if p.is_file())  # guide in, marker out


def test_a_bundle_of_any_date_gets_one_fixed_valid_time(tiny_site, tmp_path):
    for latest, stamp in ((dt.date(2108, 1, 1), (2107, 12, 31)), (dt.date(9999, 12, 31), (2107, 12, 31)),
                          (dt.date(1911, 10, 10), (1980, 1, 1)), (None, (1980, 1, 1)),
                          (dt.date(2022, 6, 28), (2022, 6, 28))):
        target = tmp_path / f"{latest}.zip"
        bundle_of(tiny_site, target, latest)
        again = tmp_path / "again.zip"
        bundle_of(tiny_site, again, latest)
        assert again.read_bytes() == target.read_bytes()
        assert {info.date_time for info in zipfile.ZipFile(target).infolist()} == {stamp + (0, 0, 0)}


def test_bundle_of_an_issue_dated_after_2107(tiny, tmp_path, build):
    shutil.move(tiny / "daily/2022-06-28", tiny / "daily/2108-06-28")
    write(tiny, {"daily/2108-06-28/issue.yml": "date: 2108-06-28\npages:\n  - {number: 1, name: 要闻}\n"
                                               "  - {number: 2, name: 综合}\n"})
    code, _, err = build("bundle", "--content", tiny, "--out", tmp_path / "site", "--zip", tmp_path / "p.zip", "-q")
    assert code == 0, err
    assert zipfile.ZipFile(tmp_path / "p.zip").infolist()[0].date_time == (2107, 12, 31, 0, 0, 0)


@contextlib.contextmanager
def small_disk(folder: Path, size: str):
    """A tmpfs of `size` at `folder`; skips where this machine does not let the tests mount one."""
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_or_read_only_disk_is_an_environment_fault_and_keeps_the_old_zip(tiny, tiny_site, tmp_path, build):
    with small_disk(tmp_path / "disk", "4m") as disk:
        target = disk / "paper.zip"
        bundle_of(tiny_site, target)
        old = target.read_bytes()
        (tiny_site / "daily/2022/06/28/media").mkdir()
        (tiny_site / "daily/2022/06/28/media/big.pdf").write_bytes(random.Random(14).randbytes(6_000_000))
        with pytest.raises(EnvironmentFault) as fault:
            bundle_of(tiny_site, target)
        assert str(fault.value) == f"bundle: cannot write {target}: No space left on device"
        assert target.read_bytes() == old and sorted(p.name for p in disk.iterdir()) == ["paper.zip"]
        (tiny_site / "daily/2022/06/28/media/big.pdf").unlink()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        with pytest.raises(EnvironmentFault) as fault:
            bundle_of(tiny_site, target)
        assert str(fault.value) == f"bundle: cannot write {target}: Read-only file system"
        assert target.read_bytes() == old
        code, _, err = build("bundle", "--content", tiny, "--out", tiny_site, "--zip", target, "-q")
        assert code == 3 and f"bundle: cannot write {target}: Read-only file system" in err
        assert err.count("\n") == 1  # one line: what, where, the system's error
        assert target.read_bytes() == old
