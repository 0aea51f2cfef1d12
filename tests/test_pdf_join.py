"""Page PDFs imported one at a time, as the print room finishes them: page 2's continuation
(上接第1版) is read into the page-1 article an earlier import wrote, as a whole-issue import
reads it, unless an editor has reviewed that article already."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from conftest import snapshot
from pdfpages import make_issue

ISSUE = Path("pinghu-daily") / "2022-06-28"
LEAD = "shen-hua-quan-guo-wen-ming"  # the page-1 lead, which jumps to page 2 (下转第2版)
PAGE2_TEXT = "兴阳花苑建立了社区"  # printed on page 2 only, after （上接第1版）
ARTICLE = f"pinghu-daily/2022/06/28/{LEAD}.html"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The sample's two-page PDF, and each of its pages as a PDF of its own (01.pdf, 02.pdf)."""
    folder = tmp_path_factory.mktemp("pages")
    whole, _ = make_issue("sample", folder)
    split = {"sample": whole}
    for index in (0, 1):
        page = pdfium.PdfDocument.new()
        page.import_pages(pdfium.PdfDocument(whole), [index])
        page.save(folder / f"0{index + 1}.pdf")
        split[f"0{index + 1}"] = folder / f"0{index + 1}.pdf"
    return split


def _import(build, pdf: Path, content: Path, *options: str) -> tuple[int, str, str]:
    return build("import", pdf, "--content", content, "--publication", "pinghu-daily", *options)


def _lead(issue: Path) -> Path:
    return issue / "01" / f"01-{LEAD}.md"


def _body(path: Path) -> str:
    """The article's Markdown after its front matter (the first lines name the PDF it came from)."""
    return path.read_text(encoding="utf-8").split("\n---\n", 1)[1]


@pytest.fixture
def page1(pages, desk, build) -> Path:
    code, _, err = _import(build, pages["01"], desk)
    assert code == 0, err
    return desk / ISSUE


def test_the_second_page_finishes_the_article_of_the_first(pages, page1, desk, build, tmp_path):
    issue_before = (page1 / "issue.yml").read_bytes()
    code, out, err = _import(build, pages["02"], desk)
    assert code == 0, err
    assert f"已写入 {_lead(page1)}" in out  # the page-1 draft is written again, with the page-2 text
    assert not list(page1.glob("02/*wen-ming*.md"))  # no draft of its own for the continuation
    report = (page1 / "import-report-02.txt").read_text(encoding="utf-8")
    assert f"正文已接在第1版「深化全国文明城市巩固工作开创文明」之后，写入上次导入的 01/01-{LEAD}.md" in report
    assert "[缺文]" not in report and "已单独成稿" not in report
    assert "[已删去] 转版处重复的标题" in report  # the repeated head is accounted for, not lost
    issue_after = (page1 / "issue.yml").read_bytes()
    assert issue_after.startswith(issue_before)  # page 1's lines stay as they were; page 2 is added
    assert f"- {{article: {LEAD}, page: 1, box:" in issue_after.decode("utf-8")

    whole = tmp_path / "whole"
    whole.mkdir()
    for name in ("site.yml", "pinghu-daily/publication.yml", "lilun-journal/publication.yml"):
        (whole / name).parent.mkdir(parents=True, exist_ok=True)
        (whole / name).write_bytes((desk / name).read_bytes())
    code, _, err = _import(build, pages["sample"], whole)
    assert code == 0, err
    assert _body(_lead(page1)) == _body(_lead(whole / ISSUE))  # the same paragraphs, joined at the same place
    assert (page1 / "issue.yml").read_text(encoding="utf-8").split("- number: 2")[1] == \
        (whole / ISSUE / "issue.yml").read_text(encoding="utf-8").split("- number: 2")[1]

    out = tmp_path / "site"
    code, _, err = build("--content", desk, "--out", out, "--drafts", "-q")
    assert code == 0, err
    article = (out / ARTICLE).read_text(encoding="utf-8")
    assert article.count(PAGE2_TEXT) == 1
    assert re.search(r'刊于<a href="01/index\.html">第01版</a>、<a href="02/index\.html">第02版</a>', article)
    page2 = (out / "pinghu-daily/2022/06/28/02/index.html").read_text(encoding="utf-8")
    assert re.search(rf'<a class="hotspot" id="region-{LEAD}" data-article="{LEAD}" href="\.\./{LEAD}\.html"', page2)


def test_an_editors_changes_to_the_draft_and_issue_yml_stay_as_they_are(pages, page1, desk, build):
    lead, issue_file = _lead(page1), page1 / "issue.yml"
    edited = lead.read_text(encoding="utf-8").replace("本报讯 昨天上午", "本报讯 27日上午")
    lead.write_bytes(edited.replace("\n", "\r\n").encode("utf-8"))  # saved by a Windows editor
    issue_file.write_text("# 校对：戴琰\n" + issue_file.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = _import(build, pages["02"], desk)
    assert code == 0, err
    joined = lead.read_bytes().decode("utf-8")
    body_before = edited.rstrip("\n").rsplit("\n\n", 1)[0].replace("\n", "\r\n")
    assert joined.startswith(body_before)  # every line but the last paragraph, byte for byte
    assert "本报讯 27日上午" in joined and PAGE2_TEXT in joined and "\n" not in joined.replace("\r\n", "")
    assert issue_file.read_text(encoding="utf-8").startswith("# 校对：戴琰\n")


def test_a_reviewed_article_is_not_changed_and_the_report_names_it(pages, page1, desk, build, tmp_path):
    lead = _lead(page1)
    lead.write_text(lead.read_text(encoding="utf-8").replace("draft: true, ", ""), encoding="utf-8")
    reviewed = lead.read_bytes()
    code, _, err = _import(build, pages["02"], desk)
    assert code == 0, err
    assert lead.read_bytes() == reviewed
    own = list(page1.glob(f"02/*-{LEAD}-2.md"))
    assert len(own) == 1 and PAGE2_TEXT in own[0].read_text(encoding="utf-8")
    report = (page1 / "import-report-02.txt").read_text(encoding="utf-8")
    assert f"那篇已核对（没有 draft: true），未改动它，这段已单独成稿；请把正文并入 01/01-{LEAD}.md" in report
    out = tmp_path / "site"
    code, _, err = build("--content", desk, "--out", out, "-q")
    assert code == 0, err
    assert PAGE2_TEXT not in (out / ARTICLE).read_text(encoding="utf-8")  # the continuation is a draft still


def test_importing_the_page_again_with_force_does_not_append_it_twice(pages, page1, desk, build):
    code, _, err = _import(build, pages["02"], desk)
    assert code == 0, err
    lead, first = _lead(page1), snapshot(desk)
    code, _, err = _import(build, pages["02"], desk)
    assert code == 1 and "--force" in err
    code, _, err = _import(build, pages["02"], desk, "--force")
    assert code == 0, err
    again = snapshot(desk)
    assert {k: v for k, v in again.items() if "import-report" not in k} == \
        {k: v for k, v in first.items() if "import-report" not in k}
    assert lead.read_text(encoding="utf-8").count(PAGE2_TEXT) == 1
    assert "替换了上次接上的这一版正文" in (page1 / "import-report-02.txt").read_text(encoding="utf-8")


def test_force_refuses_when_the_text_it_appended_was_edited(pages, page1, desk, build):
    code, _, err = _import(build, pages["02"], desk)
    assert code == 0, err
    lead = _lead(page1)
    lead.write_text(lead.read_text(encoding="utf-8").replace("推动共建共享。", "推动共建共享！"), encoding="utf-8")
    before = snapshot(desk)
    code, _, err = _import(build, pages["02"], desk, "--force")
    assert code == 1
    assert f"{lead} 已接有上次导入的第2版转版正文，但找不到它原样接上的那一段" in err and "未写入任何文件" in err
    assert snapshot(desk) == before
