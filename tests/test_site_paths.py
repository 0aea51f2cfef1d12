"""Every site path is checked when a build adds it, as ``check --site`` checks a whole site: two
names that one file system keeps apart and another makes one (case, NFC/NFD), device names and
length. The site is copied to Windows laptops and FAT or exFAT USB sticks, where those break."""

from __future__ import annotations

import unicodedata

import pytest

from conftest import article, snapshot

FOLDER = "daily/2022-06-28/01"


def add_image(content, name: str, article_name: str) -> None:
    (content / FOLDER / name).write_bytes(b"\x89PNG\r\n\x1a\n" + name.encode("utf-8", "surrogateescape"))
    (content / FOLDER / article_name).write_text(article("配图稿件", f"本报讯 正文。\n\n![图](<{name}>)"),
                                                 encoding="utf-8")


@pytest.mark.parametrize("first, second, how", [
    ("Photo.png", "photo.png", "differ only in case"),
    (unicodedata.normalize("NFC", "café.png"), unicodedata.normalize("NFD", "café.png"),
     "differ only in Unicode normalisation"),
])
@pytest.mark.parametrize("when", ["in one build", "the second in a later build"])
def test_names_that_become_one_on_another_disk_are_refused(tiny, build, tmp_path, first, second, how, when):
    out = tmp_path / "site"
    add_image(tiny, first, "05-photo.md")
    if when != "in one build":
        assert build("--content", tiny, "--out", out, "-q")[0] == 0
    before = snapshot(out) if out.exists() else None
    add_image(tiny, second, "06-another.md")
    code, _, err = build("--content", tiny, "--out", out)
    assert code == 1 and how in err and "become one on macOS, Windows and FAT/exFAT disks" in err, err
    assert str(tiny / FOLDER) in err, "the problem does not name the content file"
    assert (snapshot(out) if out.exists() else None) == before
    if before:
        assert (tmp_path / ".site.spare").is_dir(), "the refused build lost the spare (the next links everything)"
    (tiny / FOLDER / second).unlink()
    (tiny / FOLDER / "06-another.md").unlink()
    assert build("--content", tiny, "--out", out, "-q")[0] == 0


def test_renaming_a_file_to_another_case_is_not_a_collision(tiny, build, tmp_path):
    out = tmp_path / "site"
    add_image(tiny, "Photo.png", "05-photo.md")
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    (tiny / FOLDER / "Photo.png").unlink()
    add_image(tiny, "photo.png", "05-photo.md")
    code, _, err = build("--content", tiny, "--out", out)
    assert code == 0, err
    assert (out / "daily/2022/06/28/media/01/photo.png").is_file()
    assert not (out / "daily/2022/06/28/media/01/Photo.png").exists()


def test_long_site_paths_fail_the_build_at_240_characters_and_check_warns_from_200(tiny, build, tmp_path):
    """A build refuses a path of 240 characters or more, named by its content file; ``check --site``,
    which sees the whole site, also warns from 200, whatever build made the site."""
    out = tmp_path / "site"
    name = "p" * 190 + ".png"
    add_image(tiny, name, "05-photo.md")
    code, _, err = build("--content", tiny, "--out", out)
    assert code == 0, err
    code, _, err = build("check", "--site", "--out", out)
    assert code == 0 and "warning: path is 2" in err and "keep it under 200" in err, err
    code, _, err = build("check", "--site", "--out", out, "--strict")
    assert code == 1, err
    longer = "p" * 230 + ".png"
    add_image(tiny, longer, "06-another.md")
    code, _, err = build("--content", tiny, "--out", out)
    assert code == 1 and "fail at 240 or more" in err and str(tiny / FOLDER / longer) in err, err


def test_index_names_that_are_windows_devices_get_folders_windows_can_open(tiny, build, tmp_path):
    """An author called Con, a 栏目 called aux: their pages publish, in folders not named as devices."""
    (tiny / FOLDER / "05-devices.md").write_text(
        article("设备名", authors="[{name: Con, role: 记者}, {name: NUL, role: 通讯员}]", column="aux"),
        encoding="utf-8")
    out = tmp_path / "site"
    code, _, err = build("--content", tiny, "--out", out)
    assert code == 0, err
    folders = {p.name.lower() for p in out.rglob("*") if p.is_dir()}
    assert not folders & {"con", "nul", "aux"}, sorted(folders)
    page = (out / "daily/2022/06/28/devices.html").read_text(encoding="utf-8")
    for name in ("记者 Con", "通讯员 NUL", "aux"):
        assert f">{name}</a>" in page, f"{name} is not linked from the article"
    code, _, err = build("check", "--site", "--out", out)
    assert code == 0, err


def test_renaming_a_folder_to_another_case_builds_as_a_clean_build_does(tiny, build, tmp_path):
    out = tmp_path / "site"
    (tiny / FOLDER / "Photos").mkdir()
    add_image(tiny, "Photos/x.png", "05-photo.md")
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    (tiny / FOLDER / "Photos").rename(tiny / FOLDER / "photos")
    add_image(tiny, "photos/x.png", "05-photo.md")
    code, _, err = build("--content", tiny, "--out", out, "-q")
    assert code == 0, err
    assert build("--content", tiny, "--out", tmp_path / "clean", "-q", "--clean")[0] == 0
    assert snapshot(out) == snapshot(tmp_path / "clean")


def test_a_new_folder_that_differs_only_in_case_from_one_that_stays_is_refused(tiny, build, tmp_path):
    out = tmp_path / "site"
    (tiny / FOLDER / "Photos").mkdir()
    add_image(tiny, "Photos/x.png", "05-photo.md")
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    (tiny / FOLDER / "photos").mkdir()
    add_image(tiny, "photos/y.png", "06-another.md")
    code, _, err = build("--content", tiny, "--out", out)
    assert code == 1 and "differ only in case" in err, err
    assert f"{tiny / FOLDER / 'photos/y.png'}:1:" in err, err
