"""The importer's writer for several pages with files (a page PDF): drafts, figures, page files,
reports and issue.yml, written as one set."""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import re
from pathlib import Path

import pytest
import yaml
from PIL import Image

from conftest import fail_rename
from edition.cli import main
from edition.errors import EnvironmentFault
from edition.ingest.drafts import Draft, Figure, ImportedPage, PageFiles, PageMeta
from edition.ingest.review import Review
from edition.ingest.write import ImportRefused, Target, write_import

RAW = Path("issue.pdf")
ISSUE = "pinghu-daily/2022-06-28"


def image(width: int, height: int, shade: int, kind: str = "JPEG") -> bytes:
    """A small JPEG (as the importer gives) or PNG (as an editor may add) of one grey, different per
    use, so a test can tell the files apart."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (shade, shade, shade)).save(out, format=kind)
    return out.getvalue()


def page_files(number: int) -> PageFiles:
    return PageFiles(image(60, 85, 200 + number), image(24, 34, 100 + number), f"%PDF-1.4 page {number}\n".encode())


def target(content: Path, force: bool = False) -> Target:
    return Target(content, "pinghu-daily", False, dt.date(2022, 6, 28), date_given=False, force=force)


def issue_pages(lead_figures: int = 2, second: bool = True) -> list[ImportedPage]:
    """Two 版 of a page PDF: the lead of page 1 (with photos) continues on page 2 (转第2版)."""
    lead = Draft(title="文明城市督查", authors=[{"name": "胡佳英", "role": "记者"}], line=12,
                 paragraphs=["本报讯 昨天上午，督查组来到*平湖*。", "督查组指出[问题]。"],
                 regions=[(1, (2.004, 11.5, 60.0, 31.25)), (2, (0, 10.1, 33.333, 40))],
                 figures=[Figure(image(30, 20, 10 * k), f"▲ 督查组在\n现场 [{k}] 摄影 Wang\nQiang")  # as wrapped on the page
                          for k in range(1, lead_figures + 1)])
    farm = Draft(title="农业生产", line=40, paragraphs=["本报讯 农业生产忙。"], regions=[(1, (62.5, 11.5, 35.5, 30))])
    sport = Draft(title="体育新闻", line=5, paragraphs=["本报讯 运动会开幕。"], regions=[(2, (34, 10, 64, 50))])
    review = Review()
    review.note(12, "byline", "署名只有一个人名")
    review.note(3, "title", "标题可能不全")
    review.places[12] = (12.5, 34.0)
    front = ImportedPage(1, "要闻", [lead, farm] if second else [lead],
                         PageMeta(date="2022-06-28", weekday="星期二", total_number=4961, editor="戴琰",
                                  staff={"版式": "李春霞"}), review, page_files(1), "issue.pdf 第1版")
    back = ImportedPage(2, "综合", [sport], PageMeta(editor="张三"), Review(), page_files(2), "issue.pdf 第2版")
    return [front, back]


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_page_gets_its_files_drafts_figures_and_regions_in_issue_yml(desk):
    written = write_import(RAW, target(desk), issue_pages())
    issue = desk / ISSUE
    assert sorted(p.relative_to(issue).as_posix() for p in written) == sorted(files_of(issue))
    assert sorted(files_of(issue)) == [
        "01-thumb.jpg", "01.jpg", "01.pdf", "01/01-wen-ming-cheng-shi-du-cha-1.jpg",
        "01/01-wen-ming-cheng-shi-du-cha-2.jpg", "01/01-wen-ming-cheng-shi-du-cha.md", "01/02-nong-ye-sheng-chan.md",
        "02-thumb.jpg", "02.jpg", "02.pdf", "02/01-ti-yu-xin-wen.md", "import-report-01.txt", "import-report-02.txt",
        "issue.yml"]
    assert (issue / "02.jpg").read_bytes() == page_files(2).image
    assert (issue / "01-thumb.jpg").read_bytes() == page_files(1).thumbnail
    assert (issue / "02.pdf").read_bytes() == page_files(2).pdf
    text = (issue / "issue.yml").read_text(encoding="utf-8")
    meta = yaml.safe_load(text)
    assert meta["date"] == dt.date(2022, 6, 28) and meta["total_number"] == 4961 and meta["weekday"] == "星期二"
    assert "date_approximate" not in meta  # the masthead printed it
    assert meta["pages"] == [
        {"number": 1, "name": "要闻", "editor": "戴琰", "staff": {"版式": "李春霞"},
         "image": "01.jpg", "thumbnail": "01-thumb.jpg", "pdf": "01.pdf",
         "regions": [{"article": "wen-ming-cheng-shi-du-cha", "box": [2, 11.5, 60, 31.25]},
                     {"article": "nong-ye-sheng-chan", "box": [62.5, 11.5, 35.5, 30]}]},
        {"number": 2, "name": "综合", "editor": "张三", "image": "02.jpg", "thumbnail": "02-thumb.jpg", "pdf": "02.pdf",
         "regions": [{"article": "wen-ming-cheng-shi-du-cha", "page": 1, "box": [0, 10.1, 33.33, 40]},
                     {"article": "ti-yu-xin-wen", "box": [34, 10, 64, 50]}]}]
    # as editors write regions: one line each, numbers as short as they are exact
    assert "- {article: wen-ming-cheng-shi-du-cha, page: 1, box: [0, 10.1, 33.33, 40]}\n" in text
    assert "- {article: wen-ming-cheng-shi-du-cha, box: [2, 11.5, 60, 31.25]}\n" in text


def test_figures_sit_beside_their_article_and_open_its_body_with_their_captions(desk):
    write_import(RAW, target(desk), issue_pages())
    folder = desk / ISSUE / "01"
    lead = (folder / "01-wen-ming-cheng-shi-du-cha.md").read_text(encoding="utf-8")
    assert (folder / "01-wen-ming-cheng-shi-du-cha-2.jpg").read_bytes() == image(30, 20, 20)
    front, body = lead.split("\n---\n\n", 1)
    assert front.startswith("---\n# 导入自 issue.pdf 第1版 第12行\ndraft: true\ntitle: 文明城市督查\n")
    assert body.split("\n\n") == [
        r"![▲ 督查组在现场 \[1\] 摄影 Wang Qiang](01-wen-ming-cheng-shi-du-cha-1.jpg)",
        r"![▲ 督查组在现场 \[2\] 摄影 Wang Qiang](01-wen-ming-cheng-shi-du-cha-2.jpg)",
        r"本报讯 昨天上午，督查组来到\*平湖\*。",
        "督查组指出\\[问题\\]。\n"]
    sport = (desk / ISSUE / "02" / "01-ti-yu-xin-wen.md").read_text(encoding="utf-8")
    assert "# 导入自 issue.pdf 第2版 第5行\n" in sport and "![" not in sport


def test_each_page_has_its_report_with_the_places_of_its_lines_on_the_page(desk):
    write_import(RAW, target(desk), issue_pages())
    report = (desk / ISSUE / "import-report-01.txt").read_text(encoding="utf-8")
    assert report.startswith(f"导入报告：issue.pdf 第1版 → {desk / ISSUE}，第1版 要闻\n\n"
                             "共 2 条稿件；下面每一条都注明它在 issue.pdf 第1版 中的行号。\n")
    assert "\n第3行 [标题] 标题可能不全\n第12行（x 12.5%，y 34.0%）[署名] 署名只有一个人名\n" in report
    second = (desk / ISSUE / "import-report-02.txt").read_text(encoding="utf-8")
    assert "，第2版 综合" in second and "1. [消息] 体育新闻（无署名；正文自第5行）" in second and "待核对：无\n" in second


def test_the_same_pages_give_byte_identical_files(tmp_path, desk):
    other = tmp_path / "other"
    write_import(RAW, target(desk), issue_pages())
    write_import(RAW, target(other), issue_pages())
    mine, theirs = files_of(desk / ISSUE), files_of(other / ISSUE)
    for name in ("import-report-01.txt", "import-report-02.txt"):  # a report names the issue folder
        mine[name] = mine[name].replace(str(desk).encode(), b"CONTENT", 1)
        theirs[name] = theirs[name].replace(str(other).encode(), b"CONTENT", 1)
    assert mine == theirs and len(mine) == 14


@pytest.mark.parametrize("conflict, said", [
    ("issue", "issue.yml 已存在，其中已有第2版；要替换它，请加 --force"),
    ("drafts", "02 中已有 1 篇稿件（例如 "),
    ("pdf", "02.pdf 已存在；要替换它，请加 --force"),
])
def test_without_force_any_page_already_there_refuses_the_whole_import(desk, conflict, said):
    issue = desk / ISSUE
    (issue / "02").mkdir(parents=True)
    if conflict == "issue":
        (issue / "issue.yml").write_text("date: 2022-06-28\npages:\n  - {number: 2, name: 综合}\n", encoding="utf-8")
    elif conflict == "drafts":
        (issue / "02" / "01-bianji.md").write_text("---\ntitle: 编辑写的\n---\n\n正文。\n", encoding="utf-8")
    else:
        (issue / "02.pdf").write_bytes(b"%PDF the editor's scan")
    before = files_of(desk)
    with pytest.raises(ImportRefused) as refused:
        write_import(RAW, target(desk), issue_pages())
    assert said in str(refused.value)
    assert files_of(desk) == before and not list((desk / "pinghu-daily").glob(".*"))


def test_force_replaces_the_pages_and_removes_drafts_and_figures_the_new_import_does_not_write(desk):
    write_import(RAW, target(desk), issue_pages())
    issue = desk / ISSUE
    (issue / "01" / "desk-notes.txt").write_text("编辑的笔记\n", encoding="utf-8")
    (issue / "01" / "bianji.png").write_bytes(image(5, 5, 1, "PNG"))  # the editor's own picture
    with pytest.raises(ImportRefused):
        write_import(RAW, target(desk), issue_pages(lead_figures=1, second=False))
    write_import(RAW, target(desk, force=True), issue_pages(lead_figures=1, second=False))
    assert sorted(p.name for p in (issue / "01").iterdir()) == [
        "01-wen-ming-cheng-shi-du-cha-1.jpg", "01-wen-ming-cheng-shi-du-cha.md", "bianji.png", "desk-notes.txt"]
    meta = yaml.safe_load((issue / "issue.yml").read_text(encoding="utf-8"))
    assert [r["article"] for r in meta["pages"][0]["regions"]] == ["wen-ming-cheng-shi-du-cha"]
    assert main(["check", "--content", str(desk), "-q"]) == 0


def test_force_over_an_import_from_before_jpeg_leaves_none_of_its_pngs(desk, build):
    """An issue imported when pages, thumbnails and photos were PNG: importing it again with --force
    gives the JPEGs and removes the PNGs, which nothing names any more (the site would ship them)."""
    write_import(RAW, target(desk), issue_pages())
    issue = desk / ISSUE
    for path in sorted(issue.rglob("*.jpg")):  # as that import wrote them
        path.rename(path.with_suffix(".png"))
    for path in [issue / "issue.yml", *issue.glob("0[12]/*.md")]:
        path.write_text(path.read_text(encoding="utf-8").replace(".jpg", ".png"), encoding="utf-8")
    (issue / "01" / "bianji.png").write_bytes(image(5, 5, 1, "PNG"))  # the editor's own picture stays
    write_import(RAW, target(desk, force=True), issue_pages(lead_figures=1))
    assert sorted(p.relative_to(issue).as_posix() for p in issue.rglob("*.png")) == ["01/bianji.png"]
    assert sorted(p.relative_to(issue).as_posix() for p in issue.rglob("*.jpg")) == [
        "01-thumb.jpg", "01.jpg", "01/01-wen-ming-cheng-shi-du-cha-1.jpg", "02-thumb.jpg", "02.jpg"]
    assert ".png" not in (issue / "issue.yml").read_text(encoding="utf-8")
    code, _, err = build("check", "--content", desk, "-q")
    assert code == 0 and "pinghu-daily" not in err, err


@pytest.mark.parametrize("failing", [1, 4, 9, 15, 24])
def test_a_failure_while_the_files_are_swapped_in_leaves_every_page_as_it_was(desk, monkeypatch, failing):
    write_import(RAW, target(desk), issue_pages())
    issue = desk / ISSUE
    (issue / "issue.yml").write_text("# checked by the desk\n" + (issue / "issue.yml").read_text("utf-8"), "utf-8")
    before = files_of(issue)
    fail_rename(monkeypatch, failing)
    with pytest.raises(EnvironmentFault, match="Input/output error"):
        write_import(RAW, target(desk, force=True), issue_pages(lead_figures=1, second=False))
    monkeypatch.undo()
    assert files_of(issue) == before
    assert not list((desk / "pinghu-daily").glob(".*"))


def test_a_full_disk_during_a_first_import_writes_no_page(desk, monkeypatch):
    real_write, count = os.write, [0]

    def write(fd, data):
        count[0] += 1
        if count[0] == 6:  # the sixth file written: page 1's thumbnail
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(EnvironmentFault, match="No space left on device"):
        write_import(RAW, target(desk), issue_pages())
    monkeypatch.undo()
    assert not (desk / ISSUE).exists() and not list((desk / "pinghu-daily").glob(".*"))


EDITED = """\
# 平湖日报 2022-06-28: checked by the desk
date: 2022-06-28  # printed
pages:   # the 版面 of this issue
  # sport is page 3 this week
  - number: 3
    name: '体育'      # kept
"""


@pytest.mark.parametrize("pages", [
    "pages:   # the 版面 of this issue\n  # sport is page 3 this week\n  - number: 3\n    name: '体育'      # kept\n",
    "pages: [{number: 3, name: '体育'}]   # kept\n",
    "pages: []   # none yet\n",
    "pages:   # none yet\n",
])
def test_pages_go_into_the_editors_issue_yml_in_order_keeping_every_other_line(desk, pages):
    issue = desk / ISSUE
    issue.mkdir(parents=True)
    edited = f"# 平湖日报 2022-06-28: checked by the desk\ndate: 2022-06-28  # printed\n{pages}lunar: 农历壬寅年五月三十\n"
    (issue / "issue.yml").write_text(edited, encoding="utf-8")
    write_import(RAW, target(desk), issue_pages())
    text = (issue / "issue.yml").read_text(encoding="utf-8")
    kept = iter(text.split("\n"))
    flow = pages.startswith("pages: [")  # a flow list gets the pages inside its brackets, on its line
    assert all(line in kept for line in edited.split("\n") if not (flow and line.startswith("pages:"))), text
    if flow:
        assert re.fullmatch(r"pages: \[\{number: 1, .*\]" + re.escape(pages[pages.index("]") + 1:].rstrip("\n")),
                            text.split("\n")[2])
    meta = yaml.safe_load(text)
    numbers = [page["number"] for page in meta["pages"]]
    assert numbers == sorted(numbers) and numbers[:2] == [1, 2] and meta["pages"][1]["regions"][0]["page"] == 1
    assert list(meta) == ["date", "pages", "lunar", "weekday", "total_number"]
    assert main(["check", "--content", str(desk), "-q"]) == 0


def test_an_imported_issue_builds_with_its_page_images_thumbnails_figures_and_continuation(desk, build):
    write_import(RAW, target(desk), issue_pages())
    out = desk.parent / "site"
    code, _, err = build("--content", desk, "--out", out, "--drafts", "-q")
    assert code == 0, err
    day = out / "pinghu-daily" / "2022" / "06" / "28"
    published = {p.name: p.read_bytes() for p in day.rglob("*.jpg")}
    assert published["01.jpg"] == page_files(1).image and published["02-thumb.jpg"] == page_files(2).thumbnail
    assert published["01-wen-ming-cheng-shi-du-cha-1.jpg"] == image(30, 20, 10)
    lead = (day / "wen-ming-cheng-shi-du-cha.html").read_text(encoding="utf-8")
    assert re.search(r'<img src="[^"]*01-wen-ming-cheng-shi-du-cha-1\.jpg" alt="▲ 督查组在现场 \[1\] 摄影 Wang Qiang"', lead)
    assert "<figcaption>▲ 督查组在现场 [1] 摄影 Wang Qiang</figcaption>" in lead
    second = (day / "02" / "index.html").read_text(encoding="utf-8")
    assert "02.jpg" in second and "../wen-ming-cheng-shi-du-cha.html" in second  # the continuation's hotspot
    assert "01-thumb.jpg" in (day / "index.html").read_text(encoding="utf-8")
    code, _, err = build("check", "--content", desk, "--out", out, "--site", "-q")
    assert "pinghu-daily" not in err  # no orphan, nothing missing (the desk's lilun-journal has no issue yet)
