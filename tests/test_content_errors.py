"""The hostile-content suite: every content error names its file and line, exits 1 and leaves
the old site alone; what is odd but publishable builds, with a warning where an editor
should look."""

from __future__ import annotations


import pytest

from conftest import article, snapshot, write


LEAD = "daily/2022-06-28/01/01-lead.md"
ISSUE = "daily/2022-06-28/issue.yml"
SCRIPT_PAGE = "<!doctype html><script>alert(document.domain)</script>\n"
SCRIPT_SVG = "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><script>alert(2)</script></svg>\n"

CASES = {
    "bad YAML": ({LEAD: "---\ntitle: 标题\nauthors: [unclosed\n---\n正文\n"}, LEAD, 3, "invalid YAML"),
    "missing title": ({LEAD: article("x").replace("title: x\n", "kind: news\n")}, LEAD, 2,
                      "missing required field `title`"),
    "empty title": ({LEAD: "---\nkind: news\ntitle: ''\n---\n正文\n"}, LEAD, 3, "missing required field `title`"),
    "title of wrong type": ({LEAD: "---\ntitle: [a, b]\n---\n正文\n"}, LEAD, 2, "`title` must be text"),
    "unknown kind": ({LEAD: "---\ntitle: 标题\n\nkind: video\n---\n"}, LEAD, 4, "unknown kind `video`"),
    "no front matter": ({LEAD: "标题\n\n正文\n"}, LEAD, 1, "missing YAML front matter"),
    "unclosed front matter": ({LEAD: "---\ntitle: 标题\n正文\n"}, LEAD, 1, "not closed"),
    "impossible date": ({ISSUE: "date: 2022-02-30\npages: [{number: 1, name: 要闻}, {number: 2, name: 综合}]\n"}, ISSUE, 1,
                        "impossible date `2022-02-30`"),
    "invalid date": ({ISSUE: "pages: [{number: 1, name: 要闻}, {number: 2, name: 综合}]\ndate: 28/06/2022\n"}, ISSUE, 2,
                     "invalid date `28/06/2022`"),
    "full-width date": ({ISSUE: "date: ２０２２-06-28\npages: [{number: 1, name: 要闻}, {number: 2, name: 综合}]\n"}, ISSUE, 1,
                        "must use ASCII digits"),
    "weekday contradicts date": ({ISSUE: "date: 2022-06-28\nweekday: 星期三\npages: [{number: 1, name: 要闻}, {number: 2, name: 综合}]\n"},
                                 ISSUE, 2, "weekday 星期三 contradicts the date 2022-06-28, a 星期二"),
    "missing date": ({ISSUE: "pages: [{number: 1, name: 要闻}, {number: 2, name: 综合}]\n"}, ISSUE, 1, "missing required field `date`"),
    "undeclared page folder": ({"daily/2022-06-28/03/01-x.md": article("第三版")}, ISSUE, 5,
                               "page folder `03/` is not declared"),
    "newspaper issue without pages": ({ISSUE: "date: 2022-06-28\n"}, ISSUE, 1, "needs `pages`"),
    "duplicate page number": ({ISSUE: "date: 2022-06-28\npages:\n  - {number: 1, name: 要闻}\n"
                                      "  - {number: 1, name: 综合}\n  - {number: 2, name: 综合}\n"}, ISSUE, 4,
                              "page 1 is declared twice"),
    "duplicate id": ({"daily/2022-06-27/01/02-copy.md": "---\ntitle: 另一篇\nid: stable-id\n---\n"},
                     "daily/2022-06-28/02/01-third.md", 4, "duplicate id `stable-id`"),
    "duplicate slug in an issue": ({"daily/2022-06-28/02/03-lead.md": article("同名")},
                                   "daily/2022-06-28/02/03-lead.md", 1, "file name gives the same URL as"),
    "non-ASCII file name": ({"daily/2022-06-28/01/03-头条.md": article("头条")}, "daily/2022-06-28/01/03-头条.md", 2,
                            "cannot be a URL"),
    "Windows device name as id": ({LEAD: "---\ntitle: 标题\nid: con\n---\n"}, LEAD, 3, "reserved device name on Windows"),
    "Windows device name as file name": ({"daily/2022-06-28/01/03-aux.md": article("标题")},
                                         "daily/2022-06-28/01/03-aux.md", 2, "reserved device name on Windows"),
    "Windows device name as publication": ({"site.yml": "title: 站\npublications: [daily, aux]\n",
                                            "aux/publication.yml": "name: 辅刊\n"}, "site.yml", 2,
                                           "reserved device name on Windows"),
    "id with a path": ({LEAD: "---\ntitle: 标题\nid: ../../etc\n---\n"}, LEAD, 3, "cannot be a URL"),
    "bad author": ({LEAD: "---\ntitle: 标题\nauthors:\n  - {role: 记者}\n---\n"}, LEAD, 4,
                   "each author needs `name`"),
    "bad correction date": ({LEAD: "---\ntitle: 标题\ncorrections:\n  - {date: 2022-06-31, note: 更正}\n---\n"},
                            LEAD, 4, "impossible date `2022-06-31`"),
    "missing image": ({LEAD: article("标题", "正文\n\n![现场](photo.jpg)")}, LEAD, 7, "`photo.jpg` not found"),
    "missing linked file": ({LEAD: article("标题", "见[附件](report.pdf)")}, LEAD, 5, "`report.pdf` not found"),
    "remote image": ({LEAD: article("标题", "![现场](https://example.com/a.jpg)")}, LEAD, 5,
                     "must be a file inside the content folder"),
    # a missing page PDF or image is a warning (a late scan): tests/test_drafts.py
    "region for an article not on the page": (
        {ISSUE: "date: 2022-06-28\npages:\n  - number: 1\n    name: 要闻\n    image: 01.svg\n    regions:\n"
                "      - {article: third, box: [0, 0, 50, 50]}\n  - {number: 2, name: 综合}\n",
         "daily/2022-06-28/01.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n"}, ISSUE, 7,
        "region for `third`: page 1 has no such article"),
    "region box off the image": (
        {ISSUE: "date: 2022-06-28\npages:\n  - number: 1\n    name: 要闻\n    image: 01.svg\n    regions:\n"
                "      - {article: lead, box: [60, 0, 50, 50]}\n  - {number: 2, name: 综合}\n",
         "daily/2022-06-28/01.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n"}, ISSUE, 7,
        "`box` must be [x, y, width, height] in percent"),
    "regions without a page image": (
        {ISSUE: "date: 2022-06-28\npages:\n  - number: 1\n    name: 要闻\n    regions:\n"
                "      - {article: lead, box: [0, 0, 50, 50]}\n  - {number: 2, name: 综合}\n"}, ISSUE, 5,
        "give the page an `image` too"),
    "article outside a page folder": ({"daily/2022-06-28/loose.md": article("散稿")}, "daily/2022-06-28/loose.md",
                                      1, "belong in a page folder"),
    "two issues on one date": ({"daily/copy/issue.yml": "date: 2022-06-28\npages: [{number: 1, name: 要闻}]\n"},
                               "daily/copy/issue.yml", 1, "same date"),
    "publication not found": ({"site.yml": "title: 站\npublications: [daily, missing]\n"}, "site.yml", 2,
                              "publication folder `missing/` not found"),
    "two folders for one page": ({"daily/2022-06-28/1/05-x.md": article("重复版面")}, "daily/2022-06-28/1", 1,
                                 "a second folder for page 1"),
    "publication listed twice": ({"site.yml": "title: 站\npublications: [daily, daily]\n"}, "site.yml", 2,
                                 "listed twice"),
    "reserved publication name": ({"site.yml": "title: 站\npublications: [daily, authors]\n",
                                   "authors/publication.yml": "name: 作者报\n"}, "site.yml", 2, "used by the site itself"),
    "index page size of zero": ({"site.yml": "title: 站\npublications: [daily]\nindex_page_size: 0\n"}, "site.yml", 3,
                                "must be 1 or more"),
    "duplicate YAML key": ({LEAD: "---\ntitle: 一\ntitle: 二\n---\n"}, LEAD, 3, "duplicate key 'title'"),
    "id that is an absolute path": ({LEAD: "---\ntitle: 标题\nid: /etc/passwd\n---\n"}, LEAD, 3, "cannot be a URL"),
    "empty file name slug": ({"daily/2022-06-28/01/03-.md": article("标题")}, "daily/2022-06-28/01/03-.md", 2,
                             "cannot be a URL"),
    "file name with a space": ({"daily/2022-06-28/01/03-a b.md": article("标题")}, "daily/2022-06-28/01/03-a b.md",
                               2, "cannot be a URL"),
    "image outside the content folder": ({LEAD: article("标题", "![照片](../../../../outside.jpg)"),
                                          "../outside.jpg": "a file that exists, beside content/"}, LEAD, 5,
                                         "must be a file inside the content folder"),
    "image by absolute path": ({LEAD: article("标题", "![密码](/etc/passwd)")}, LEAD, 5,
                               "must be a file inside the content folder"),
    "publication outside the content folder": ({"site.yml": "title: 站\npublications: [daily, ../journal]\n"},
                                               "site.yml", 2, "publication folder `../journal/` not found"),
    "authors that are not a list": ({LEAD: "---\ntitle: 标题\nauthors: 张三\n---\n"}, LEAD, 3,
                                    "`authors` must be a list"),
    "pages that are not a list": ({ISSUE: "date: 2022-06-28\npages: 要闻\n"}, ISSUE, 2, "`pages` must be a list"),
    "number of the wrong type": ({ISSUE: "date: 2022-06-28\ntotal_number: 四千\npages: [{number: 1, name: 要闻}, "
                                         "{number: 2, name: 综合}]\n"}, ISSUE, 2, "must be a whole number, not '四千'"),
    "periodical page of the wrong type": ({"journal/2022-12-30/02-minyi.md": "---\ntitle: 标题\npage: eleven\n---\n"},
                                          "journal/2022-12-30/02-minyi.md", 3, "must be a whole number"),
    "draft that is not true or false": ({LEAD: "---\ntitle: 标题\ndraft: maybe\n---\n"}, LEAD, 3,
                                        "`draft` must be true or false"),
    "empty issue.yml": ({ISSUE: ""}, ISSUE, 1, "missing required field `date`"),
    "issue.yml that is a list": ({ISSUE: "- date\n- pages\n"}, ISSUE, 1, "expected a YAML mapping"),
    "empty article file": ({LEAD: ""}, LEAD, 1, "missing YAML front matter"),
    "empty front matter": ({LEAD: "---\n---\n正文\n"}, LEAD, 2, "missing required field `title`"),
    "YAML alias bomb": ({LEAD: "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + chr(ord(c) - 1)] * 9)}]\n" for c in "bcdefghij") + "title: *j\n---\n"},
        LEAD, 12, "`title` must be text, not list"),
    # Reliability II (issue 14). Content may link only files that a browser shows or downloads.
    "HTML attachment": ({LEAD: article("标题", "见[附件](page.html)"), "daily/2022-06-28/01/page.html": SCRIPT_PAGE},
                        LEAD, 5, "linked file `page.html`: a `.html` file could run script"),
    "XHTML attachment": ({LEAD: article("标题", "见[附件](page.xhtml#top)"), "daily/2022-06-28/01/page.xhtml": SCRIPT_PAGE},
                         LEAD, 5, "a `.xhtml` file could run script"),
    "SVG picture in an article": ({LEAD: article("标题", "正文\n\n![图](drawing.svg)"),
                                   "daily/2022-06-28/01/drawing.svg": SCRIPT_SVG}, LEAD, 7,
                                  "image `drawing.svg`: a `.svg` file could run script"),
    "script attachment": ({LEAD: article("标题", "[工具](tool.js)"), "daily/2022-06-28/01/tool.js": "alert(1)"}, LEAD, 5,
                          "a `.js` file could run script"),
    "attachment of an unknown type": ({LEAD: article("标题", "[安装](setup.exe)"), "daily/2022-06-28/01/setup.exe": "MZ"},
                                      LEAD, 5, "a `.exe` file is not a type the site publishes"),
    "HTML behind an archive extension": ({LEAD: article("标题", "[附件](page.html.gz)"),
                                          "daily/2022-06-28/01/page.html.gz": SCRIPT_PAGE}, LEAD, 5,
                                         "may be served as `.html`"),
    "page PDF that is HTML": ({ISSUE: "date: 2022-06-28\npages:\n  - number: 1\n    name: 要闻\n    pdf: 01.html\n"
                                      "  - {number: 2, name: 综合}\n", "daily/2022-06-28/01.html": SCRIPT_PAGE}, ISSUE, 5,
                              "pdf `01.html`: a `.html` file could run script"),
    "page image that is not well-formed SVG": (
        {ISSUE: "date: 2022-06-28\npages:\n  - number: 1\n    name: 要闻\n    image: 01.svg\n  - {number: 2, name: 综合}\n",
         "daily/2022-06-28/01.svg": "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script>\n"}, ISSUE, 5,
        "page image `01.svg` cannot be checked for script"),
    "file published where a page of the site goes": (
        {ISSUE: "date: 2022-06-28\npages:\n  - number: 1\n    name: 要闻\n    pdf: lead.html/p.pdf\n"
                "  - {number: 2, name: 综合}\n", "daily/2022-06-28/lead.html/p.pdf": "%PDF-1.4"}, ISSUE, 5,
        "would be published at daily/2022/06/28/lead.html/p.pdf, where the site puts the page of"),
    "two files published at one place": (
        {ISSUE: "date: 2022-06-28\npages:\n  - number: 1\n    name: 要闻\n    pdf: media/01/a.pdf\n"
                "  - {number: 2, name: 综合}\n", "daily/2022-06-28/media/01/a.pdf": "%PDF-1.4 page",
         LEAD: article("标题", "见[附件](a.pdf)"), "daily/2022-06-28/01/a.pdf": "%PDF-1.4 article"}, ISSUE, 5,
        "would be published at daily/2022/06/28/media/01/a.pdf, where the site puts `"),
    # No text is dropped without a word: nesting beyond the renderer's limit is an error at its line.
    "quotes nested beyond the limit": ({LEAD: article("标题", "开头\n\n" + ">" * 150 + " 深处的文字")}, LEAD, 7,
                                       "nested more than 100 levels deep"),
    "lists nested beyond the limit": ({LEAD: article("标题", "".join("  " * i + f"- 第{i}层\n" for i in range(60)))},
                                      LEAD, 54, "nested more than 100 levels deep"),
    # Fields are checked for their type; names are never "None" or a Python list.
    "column that is a mapping": ({LEAD: "---\ntitle: 标题\ncolumn: {要闻: 头条}\n---\n"}, LEAD, 3,
                                 "`column` must be text, not mapping"),
    "title that is true": ({LEAD: "---\ntitle: true\n---\n"}, LEAD, 2, "`title` must be text, not true/false"),
    "empty author name": ({LEAD: "---\ntitle: 标题\nauthors:\n  - {name: , role: 记者}\n---\n"}, LEAD, 4,
                          "author name is empty"),
    "author name that is a list": ({LEAD: "---\ntitle: 标题\nauthors:\n  - {name: [张三, 李四], role: 记者}\n---\n"},
                                   LEAD, 4, "`name` must be text, not list"),
    "organisation that is a mapping": ({LEAD: "---\ntitle: 标题\nauthors:\n  - org: {名称: 理论组}\n---\n"}, LEAD, 4,
                                       "`org` must be text, not mapping"),
    "staff name that is a list": ({ISSUE: "date: 2022-06-28\npages:\n  - {number: 1, name: 要闻, staff: {版式: [甲, 乙]}}\n"
                                          "  - {number: 2, name: 综合}\n"}, ISSUE, 3, "`版式` must be text, not list"),
    "correction note that is a list": ({LEAD: "---\ntitle: 标题\ncorrections:\n  - {date: 2022-06-29, note: [人名]}\n"
                                              "---\n"}, LEAD, 4, "`note` must be text, not list"),
    "date that is a list": ({ISSUE: "date: [2022, 6, 28]\npages: [{number: 1, name: 要闻}, {number: 2, name: 综合}]\n"},
                            ISSUE, 1, "`date` must be a date such as 2022-06-28, not list"),
    "title of invisible characters only": ({LEAD: '---\ntitle: "\\u00ad\\u3164\\u200b\\u115f\\u2800"\n---\n'}, LEAD,
                                           2, "missing required field `title`"),
    "author name of invisible characters only": ({LEAD: "---\ntitle: 标题\nauthors: [\"\\u3164\\u00ad\"]\n---\n"}, LEAD,
                                                 3, "each author needs `name`"),
    # What Python cannot make of a value is a message, not a traceback.
    "5,000-digit number": ({ISSUE: "date: 2022-06-28\ntotal_number: " + "1" * 5000 + "\npages: [{number: 1, name: 要闻}, "
                                   "{number: 2, name: 综合}]\n"}, ISSUE, 2, "`total_number` must be a whole number, not '1111"),
    "5,000-digit integer tagged as one": ({LEAD: "---\ntitle: 标题\nnote: !!int " + "1" * 5000 + "\n---\n"}, LEAD, 3,
                                          "invalid YAML: cannot read `1111"),
    "300-character id": ({LEAD: "---\ntitle: 标题\nid: " + "a" * 300 + "\n---\n"}, LEAD, 3,
                         "is 300 characters long, too long for a file name"),
    "file name too long for a page": ({"daily/2022-06-28/01/" + "b" * 251 + ".md": article("标题")},
                                      "daily/2022-06-28/01/" + "b" * 251 + ".md", 2, "too long for a file name"),
}


@pytest.mark.parametrize("files, path, line, message", CASES.values(), ids=CASES.keys())
def test_content_error_is_reported_at_its_line_and_keeps_the_old_site(tiny, tiny_site, build, files, path,
                                                                       line, message):
    before = snapshot(tiny_site)
    write(tiny, files)
    code, out, err = build("--content", tiny, "--out", tiny_site)
    assert code == 1
    expected = f"{tiny / path}:{line}: "
    assert any(l.startswith(expected) and message in l for l in err.splitlines()), err
    assert "was left unchanged" in err
    assert snapshot(tiny_site) == before
    assert not list(tiny_site.parent.glob(".site.building-*")), "temporary build folder left behind"


def test_non_utf8_file_is_reported_at_the_bad_line(tiny, tiny_site, build):
    before = snapshot(tiny_site)
    (tiny / LEAD).write_bytes("---\ntitle: 标题\n---\n".encode() + "第四行是GBK编码".encode("gbk"))
    code, _, err = build("--content", tiny, "--out", tiny_site)
    assert code == 1
    assert f"{tiny / LEAD}:4: file is not valid UTF-8" in err
    assert snapshot(tiny_site) == before


def test_all_errors_are_listed_in_one_run(tiny, build):
    write(tiny, {LEAD: "---\nkind: video\n---\n", "daily/2022-06-28/02/01-third.md": "---\ntitle: [\n---\n"})
    code, _, err = build("--content", tiny, "--out", tiny.parent / "site")
    assert code == 1
    assert "missing required field `title`" in err and "unknown kind `video`" in err and "invalid YAML" in err


def test_unknown_field_is_a_warning_and_strict_makes_it_fatal(tiny, build):
    write(tiny, {LEAD: "---\ntitle: 标题\nsubtitel: 拼错\n---\n"})
    code, _, err = build("--content", tiny, "--out", tiny.parent / "site")
    assert code == 0
    assert f"{tiny / LEAD}:3: warning: unknown field `subtitel`" in err
    code, _, err = build("--content", tiny, "--out", tiny.parent / "strict-site", "--strict")
    assert code == 1 and "subtitel" in err
    assert not (tiny.parent / "strict-site").exists()


def test_usage_errors_exit_2(tiny, build, capsys):
    for bad in (["--no-such-option"], ["--jobs", "0"]):
        with pytest.raises(SystemExit) as exc:
            build(*bad)
        assert exc.value.code == 2
    code, _, err = build("--content", tiny / "nowhere")
    assert code == 2 and "not found" in err


def test_bom_and_crlf_are_accepted(tiny, build):
    (tiny / LEAD).write_bytes("\ufeff---\r\ntitle: 标题\r\n---\r\n\r\n正文。\r\n".encode())
    code, _, err = build("--content", tiny, "--out", tiny.parent / "site")
    assert code == 0, err
    assert "<h1 id=\"story-title\">标题</h1>" in (tiny.parent / "site/daily/2022/06/28/lead.html").read_text()


def test_output_that_is_not_a_built_site_is_never_replaced(tiny, tmp_path, build):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "todo.txt").write_text("keep me")
    code, _, err = build("--content", tiny, "--out", precious)
    assert code == 2 and "not built by build.py" in err
    assert (precious / "todo.txt").read_text() == "keep me"
    code, _, err = build("--content", tiny, "--out", tiny)
    assert code == 2 and "overlaps the content folder" in err
    assert (tiny / "site.yml").is_file()
    code, _, err = build("--content", tiny, "--out", tmp_path)
    assert code == 2 and (tiny / "site.yml").is_file()


def test_strict_and_quiet_print_each_warning_once_or_not_at_all(tiny, tmp_path, build):
    write(tiny, {LEAD: "---\ntitle: 标题\nsubtitel: 拼错\n---\n"})
    _, _, err = build("--content", tiny, "--out", tmp_path / "a", "--strict")
    assert err.count("subtitel") == 1
    code, out, err = build("--content", tiny, "--out", tmp_path / "b", "-q")
    assert code == 0 and out == "" and err == ""


def test_a_nul_byte_is_reported_at_its_line(tiny, tiny_site, build):
    before = snapshot(tiny_site)
    (tiny / "daily/2022-06-28/01/01-lead.md").write_bytes("---\ntitle: 标题\n---\n\n正文\x00。\n".encode())
    code, _, err = build("--content", tiny, "--out", tiny_site)
    assert code == 1 and "daily/2022-06-28/01/01-lead.md:5: file contains a NUL byte" in err
    assert snapshot(tiny_site) == before


def test_a_symbolic_link_out_of_the_content_folder_is_refused(tiny, tiny_site, build, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(article("外部文件"), encoding="utf-8")
    (tiny / "daily/2022-06-28/01/03-link.md").symlink_to(secret)
    code, _, err = build("--content", tiny, "--out", tiny_site)
    assert code == 1 and "01/03-link.md:1: symbolic link points outside the content folder" in err


def test_invisible_and_bidi_controls_are_removed_from_titles(tiny, tmp_path, build):
    write(tiny, {"daily/2022-06-28/01/01-lead.md": article("深化\u200b全国\u202e文明\ufeff城市")})
    assert build("--content", tiny, "--out", tmp_path / "out", "-q")[0] == 0
    page = (tmp_path / "out/daily/2022/06/28/lead.html").read_text(encoding="utf-8")
    assert "<h1 id=\"story-title\">深化全国文明城市</h1>" in page
    assert not any(c in page for c in "\u200b\u202e\ufeff")


def test_an_issue_without_articles_builds_with_a_warning(tiny, tmp_path, build):
    write(tiny, {"daily/2022-06-29/issue.yml": "date: 2022-06-29\npages: [{number: 1, name: 要闻}]\n"})
    code, _, err = build("--content", tiny, "--out", tmp_path / "out")
    assert code == 0, err
    issue = tiny / "daily/2022-06-29/issue.yml"
    assert f"{issue}:1: warning: issue has no articles" in err
    assert f"{issue}:2: warning: page 1 has no folder 01/" in err
    assert (tmp_path / "out/daily/2022/06/29/index.html").is_file()


def test_a_20_mb_article_builds_with_a_warning_and_all_of_its_text(tiny, tmp_path, build):
    paragraph = "本报讯 平湖市持续深化全国文明城市巩固工作，推进城乡融合发展。" * 20 + "\n\n"
    body = paragraph * (20_000_000 // len(paragraph.encode()) + 1) + "全文到此结束。"
    write(tiny, {LEAD: article("超长的稿件", body)})
    code, _, err = build("--content", tiny, "--out", tmp_path / "out")
    assert code == 0, err
    assert f"{tiny / LEAD}:4: warning: the file is 20.0 MB, longer than any printed article" in err
    page = (tmp_path / "out/daily/2022/06/28/lead.html").read_text(encoding="utf-8")
    assert "全文到此结束。" in page and len(page.encode()) > 20_000_000


def test_5000_articles_in_one_issue_are_all_built_listed_and_searchable(tiny, tmp_path, build):
    write(tiny, {f"daily/2022-06-28/02/{n + 10:04d}-a{n}.md": article(f"第{n}篇稿件", f"本报讯 编号{n}号的新闻。")
                 for n in range(1, 5001)})
    code, out, err = build("--content", tiny, "--out", tmp_path / "out")
    assert code == 0, err
    assert "5007 articles" in out
    page = (tmp_path / "out/daily/2022/06/28/02/index.html").read_text(encoding="utf-8")
    assert all(f'href="../a{n}.html"' in page for n in range(1, 5001))
    assert (tmp_path / "out/daily/2022/06/28/a5000.html").is_file()
    shards = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out/search").rglob("*.js"))
    assert "第5000篇稿件" in shards


# -- Reliability II (issue 14): what readers see of odd but publishable content ----------------

def _text_of(html: str) -> str:
    """A page's text as a reader sees it (tags dropped, entities decoded)."""
    from html.parser import HTMLParser

    parts: list[str] = []
    parser = HTMLParser(convert_charrefs=True)
    parser.handle_data = parts.append
    parser.feed(html)
    return "".join(parts)


def test_yaml_values_are_published_as_the_editor_typed_them(tiny, tmp_path, build):
    write(tiny, {LEAD: "---\ntitle: 3:2\nkicker: 0573\nsubtitle: 1.50\ncolumn: 22:30\nauthors:\n  - {name: 007, role: 0x1F}\n"
                       "  - no\n---\n\n正文。\n"})
    code, _, err = build("--content", tiny, "--out", tmp_path / "out")
    assert code == 0, err
    page = (tmp_path / "out/daily/2022/06/28/lead.html").read_text(encoding="utf-8")
    assert '<h1 id="story-title">3:2</h1>' in page
    text = _text_of(page)
    assert "0573" in text and "1.50" in text and "22:30" in text and "0x1F 007" in text and " no" in text
    assert "182" not in text and "379" not in text and "1350" not in text


def test_files_with_any_name_are_found_and_linked_percent_encoded(tiny, tmp_path, build):
    """Chinese names, spaces, #, ? and % in names; fragments and queries in links."""
    files = {"daily/2022-06-28/01/照片.jpg": "jpeg", "daily/2022-06-28/01/my photo.jpg": "jpeg",
             "daily/2022-06-28/01/附件.pdf": "pdf", "daily/2022-06-28/01/report.pdf": "pdf",
             "daily/2022-06-28/第1版 #1?100%.pdf": "page pdf"}
    write(tiny, files)
    write(tiny, {LEAD: article("标题", "![现场](照片.jpg)\n\n![空格](<my photo.jpg>) 见[附件](附件.pdf)、[第三页](report.pdf#page=3)"
                                     "和[查询](report.pdf?download=1)。"),
                 ISSUE: "date: 2022-06-28\npages:\n  - number: 1\n    name: 要闻\n    pdf: '第1版 #1?100%.pdf'\n"
                        "  - {number: 2, name: 综合}\n"})
    out = tmp_path / "out"
    code, _, err = build("--content", tiny, "--out", out)
    assert code == 0, err
    import re
    from urllib.parse import unquote

    for page, count in (("daily/2022/06/28/lead.html", 5), ("daily/2022/06/28/01/index.html", 1)):
        html = (out / page).read_text(encoding="utf-8")
        links = [link for link in re.findall(r'(?:src|href)="([^"]+\.(?:jpg|pdf)[^"]*)"', html)]
        assert len(links) == count, links
        for link in links:
            assert " " not in link and "#1" not in link and not re.search("[^\x00-\x7f]", link), link
            target = (out / page).parent / unquote(re.split("[?#]", link)[0])
            assert target.is_file(), link
    html = (out / "daily/2022/06/28/lead.html").read_text(encoding="utf-8")
    assert "report.pdf#page=3" in html and "report.pdf?download=1" in html


def test_control_characters_are_removed_with_a_warning_and_feeds_stay_xml(tiny, tmp_path, build):
    import xml.etree.ElementTree as ET

    (tiny / LEAD).write_bytes("---\ntitle: \"标\\e题\\b\"\nkicker: 引\x0c题\n---\n\n本报讯\x1b[31m 正文\x08。&#12;\n".encode())
    code, _, err = build("--content", tiny, "--out", tmp_path / "out")
    assert code == 0, err
    assert f"{tiny / LEAD}:3: warning: removed control character U+000C and 2 more" in err
    assert f"{tiny / LEAD}:2: warning: removed control character U+001B and 1 more from `title`" in err
    out = tmp_path / "out"
    for path in [*out.rglob("*.html"), *out.rglob("*.xml"), *out.rglob("*.json")]:
        text = path.read_text(encoding="utf-8")
        assert not any(c in text for c in "\x1b\x08\x0c"), path
    ET.parse(out / "daily/feed.xml")
    page = (out / "daily/2022/06/28/lead.html").read_text(encoding="utf-8")
    assert '<h1 id="story-title">标题</h1>' in page and "本报讯[31m 正文。" in page


def test_unclosed_gap_markers_are_a_warning_and_cost_linear_time(tiny, tmp_path, build):
    import time

    body = "本报讯 开头{{gap: 没有结尾的说明\n\n" + "{{gap:" * 25_000 + "\n\n结尾{{gap}}。"
    write(tiny, {LEAD: article("标题", body)})
    start = time.monotonic()
    code, _, err = build("--content", tiny, "--out", tmp_path / "out")
    assert code == 0, err
    assert time.monotonic() - start < 20
    assert f"{tiny / LEAD}:5: warning: `{{{{gap` marker is not closed by `}}}}`" in err
    text = _text_of((tmp_path / "out/daily/2022/06/28/lead.html").read_text(encoding="utf-8"))
    assert "开头{{gap: 没有结尾的说明" in text and "结尾〔原文缺失〕。" in text


def test_deeply_nested_quotes_and_lists_keep_every_word(tiny, tmp_path, build):
    quotes = ">" * 40 + " 四十层引文里的字"
    lists = "".join("  " * i + f"- 第{i}层列表\n" for i in range(30))
    write(tiny, {LEAD: article("标题", f"{quotes}\n\n{lists}\n结尾。")})
    code, _, err = build("--content", tiny, "--out", tmp_path / "out")
    assert code == 0, err
    text = _text_of((tmp_path / "out/daily/2022/06/28/lead.html").read_text(encoding="utf-8"))
    assert "四十层引文里的字" in text and all(f"第{i}层列表" in text for i in range(30)) and "结尾。" in text


def test_an_issue_in_year_9999_builds(tiny, tmp_path, build):
    write(tiny, {"daily/9999-12-31/issue.yml": "date: 9999-12-31\npages: [{number: 1, name: 要闻}]\n",
                 "daily/9999-12-31/01/01-last.md": article("最后一期")})
    code, _, err = build("--content", tiny, "--out", tmp_path / "out")
    assert code == 0, err
    assert (tmp_path / "out/daily/9999/12/31/last.html").is_file()
    assert "9999年12月31日" in (tmp_path / "out/daily/9999/12/index.html").read_text(encoding="utf-8")


def test_a_very_long_name_gets_an_index_folder_of_reasonable_length(tiny, tmp_path, build):
    name = "欧阳" * 150
    write(tiny, {LEAD: article("标题", authors=f"[{{name: {name}, role: 记者}}]", column="长" * 200)})
    code, _, err = build("--content", tiny, "--out", tmp_path / "out")
    assert code == 0, err
    folders = [p for p in (tmp_path / "out").rglob("*") if p.is_dir()]
    assert max(len(p.name) for p in folders) <= 80
    text = _text_of((tmp_path / "out/daily/2022/06/28/lead.html").read_text(encoding="utf-8"))
    assert name in text


def test_a_page_image_svg_is_cleaned_of_script(tiny, tmp_path, build):
    hostile = ("<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' "
               "viewBox='0 0 10 10' onload='alert(1)'><script>alert(2)</script>"
               "<a xlink:href='javascript:alert(3)'><rect width='10' height='10' fill='#eee' onclick='alert(4)'/></a>"
               "<foreignObject><body xmlns='http://www.w3.org/1999/xhtml'><script>alert(5)</script></body></foreignObject>"
               "<image href='https://example.com/x.png'/><set attributeName='href' to='javascript:alert(6)'/>"
               "<text x='1' y='5'>平湖日报</text></svg>\n")
    write(tiny, {ISSUE: "date: 2022-06-28\npages:\n  - number: 1\n    name: 要闻\n    image: 01.svg\n"
                        "  - {number: 2, name: 综合}\n", "daily/2022-06-28/01.svg": hostile})
    code, _, err = build("--content", tiny, "--out", tmp_path / "out")
    assert code == 0, err
    assert f"{tiny / ISSUE}:5: warning: page image `01.svg`: removed what could run script" in err
    published = (tmp_path / "out/daily/2022/06/28/01.svg").read_text(encoding="utf-8")
    for bad in ("script", "onload", "onclick", "javascript", "foreignObject", "example.com", "<set"):
        assert bad not in published, bad
    assert "平湖日报" in published and "<rect" in published
    import xml.etree.ElementTree as ET

    ET.fromstring(published.encode())


# -- hints for the usual typing mistakes, and one mistake reported once ------------------------

PAGE_WITH_REGION = ("date: 2022-06-28\npages:\n  - number: 1\n    name: 要闻\n    image: 01.svg\n    regions:\n"
                    "      - {article: lead, box: [0, 0, 50, 50]}\n  - {number: 2, name: 综合}\n")
SVG = {"daily/2022-06-28/01.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n"}
HINTS = {
    "full-width colon after a key": ({LEAD: "---\ntitle: 标题\nkind：photo\n---\n正文\n"}, LEAD, 3,
                                     'invalid YAML: could not find expected \':\'; 全角冒号「：」 at line 3: '
                                     'use an ASCII colon ":"'),
    "full-width colon on the first key": ({LEAD: "---\ntitle：标题\nkind: news\n---\n正文\n"}, LEAD, 2,
                                          '全角冒号「：」 at line 2: use an ASCII colon ":"'),
    "full-width colon in the only line": ({LEAD: "---\ntitle：标题\n---\n正文\n"}, LEAD, 2,
                                          '全角冒号「：」 at line 2: use an ASCII colon ":"'),
    "full-width colon in issue.yml": ({ISSUE: "date：2022-06-28\npages:\n  - {number: 1, name: 要闻}\n"}, ISSUE, 1,
                                      '全角冒号「：」 at line 1: use an ASCII colon ":"'),
    "full-width colon in a page entry": ({ISSUE: "date: 2022-06-28\npages:\n  - number：1\n    name: 要闻\n"
                                                 "  - {number: 2, name: 综合}\n"}, ISSUE, 3,
                                         '全角冒号「：」 at line 3: use an ASCII colon ":"'),
    "tab in front matter": ({LEAD: "---\ntitle: 标题\nauthors:\n\t- {name: 王强}\n---\n正文\n"}, LEAD, 4,
                            "found character that cannot start any token; tab at line 4: YAML indents with spaces, "
                            "not tabs"),
    "tab in issue.yml": ({ISSUE: "date: 2022-06-28\npages:\n  - number: 1\n\tname: 要闻\n"}, ISSUE, 4,
                         "tab at line 4: YAML indents with spaces, not tabs"),
    "misspelt title": ({LEAD: "---\ntitel: 标题\n---\n正文\n"}, LEAD, 2,
                       "unknown field `titel`; did you mean `title`?"),
    "misspelt date": ({ISSUE: "dat: 2022-06-28\npages: [{number: 1, name: 要闻}, {number: 2, name: 综合}]\n"}, ISSUE, 1,
                      "unknown field `dat`; did you mean `date`?"),
    "misspelt page name": ({ISSUE: "date: 2022-06-28\npages:\n  - {number: 1, name: 要闻}\n  - {number: 2, nmae: 综合}\n"},
                           ISSUE, 4, "unknown field `nmae`; did you mean `name`?"),
    "misspelt page number": ({ISSUE: "date: 2022-06-28\npages:\n  - {numbr: 1, name: 要闻}\n  - {number: 2, name: 综合}\n"},
                             ISSUE, 3, "unknown field `numbr`; did you mean `number`?"),
    "misspelt region field": ({ISSUE: PAGE_WITH_REGION.replace("{article:", "{artcle:"), **SVG}, ISSUE, 7,
                              "unknown field `artcle`; did you mean `article`?"),
    "misspelt publication name": ({"daily/publication.yml": "nmae: 测试日报\nkind: newspaper\n"},
                                  "daily/publication.yml", 1, "unknown field `nmae`; did you mean `name`?"),
    "misspelt site title": ({"site.yml": "titel: 站\npublications: [daily, journal]\n"}, "site.yml", 1,
                            "unknown field `titel`; did you mean `title`?"),
    "broken front matter of an article a region names": (
        {ISSUE: PAGE_WITH_REGION, **SVG, LEAD: "---\ntitle: 标题\nkind：photo\n---\n正文\n"}, LEAD, 3, "全角冒号「：」"),
}


@pytest.mark.parametrize("files, path, line, message", HINTS.values(), ids=HINTS.keys())
def test_a_typing_mistake_is_one_problem_at_its_line_with_a_hint(tiny, build, files, path, line, message):
    write(tiny, files)
    code, _, err = build("--content", tiny, "--out", tiny.parent / "site")
    assert code == 1
    problems = [l for l in err.splitlines() if l.startswith(str(tiny)) and ": warning: " not in l]
    assert len(problems) == 1 and problems[0].startswith(f"{tiny / path}:{line}: ") and message in problems[0], err
    assert "build failed: 1 problem(s)" in err
    assert "missing required field" not in err and "has no such article" not in err and "is not declared" not in err


def test_a_misspelt_optional_field_is_a_warning_that_says_what_was_meant(tiny, build):
    write(tiny, {LEAD: "---\ntitle: 标题\nsubtitel: 副题\n---\n正文\n"})
    code, _, err = build("--content", tiny, "--out", tiny.parent / "site")
    assert code == 0
    assert f"{tiny / LEAD}:3: warning: unknown field `subtitel` (ignored); did you mean `subtitle`?" in err
