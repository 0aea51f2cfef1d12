"""GB/T 15834 punctuation: the importer makes OCR's half-width marks full-width and reports each
change; `check` warns about half-width marks left in Chinese text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import article, write
from edition.cli import main
from edition.ingest import import_text
from edition.punctuation import normalise_punctuation

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "seeds"
HAN = "\u4e00-\u9fff"
HALF_BETWEEN_HAN = re.compile(f"[{HAN}][,;:?!][{HAN}]")


def seed(name: str) -> str:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


# ---------------------------------------------------------------- the normaliser

@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_every_seed_keeps_only_the_half_width_marks_of_numbers_and_latin(name):
    raw = seed(name)
    new, changes = normalise_punctuation(raw)
    assert not HALF_BETWEEN_HAN.search(new)
    old_lines, new_lines = raw.split("\n"), new.split("\n")
    assert len(old_lines) == len(new_lines)
    for change in changes:  # each change is where it says, and nothing else changed
        assert old_lines[change.line - 1][change.column - 1:].startswith(change.old)
    changed_lines = {c.line for c in changes if c.changed}
    assert all(o == n for i, (o, n) in enumerate(zip(old_lines, new_lines), 1) if i not in changed_lines)
    for line in changed_lines:
        assert len(new_lines[line - 1]) == len(old_lines[line - 1])  # one mark for one (no ... on the seeds)


def test_the_seeds_numbers_latin_words_and_brackets_read_as_printed():
    p001, p002, p003, p004 = (normalise_punctuation(seed(n))[0] for n in ("001", "002", "003", "004"))
    assert "DIYIPINGLUN 栏目统筹：黄金凤" in p001 and "把各级党委（党组）理论中心组" not in seed("001")
    assert "各级党委（党组）理论中心组" in p001
    for number in ("1.1万块", "8.08亿元", "7.61亿元", "21.7%"):
        assert number in p002
    assert "JIAXING" in p003
    assert "项目总投资2.1亿元，以加拿大" in p004 and "产值将达到1.5亿元。" in p004
    assert "实施方案（2021-2025年）》等议题" in p004 and "以‘1+3+N’的模 式" in p004
    assert "“现在小区的物业费收缴率怎 么样？”“百姓从村里搬到城里，对小 区生活环习惯吗？”……" in p004
    assert "# “智能”生产" in p004 and "### 一“网”聚合力 幸福“融”万象" in p004
    # “…有‘三多’…”: the inner quotes OCR printed as double ones
    assert "“我们社区是典型的融合型大社区， 有‘三多’，一是新居民多" in p004


@pytest.mark.parametrize("text, expected", [
    ("Hello, world. It's 10:30; ok?", "Hello, world. It's 10:30; ok?"),
    ("会议于10:30开始,共1,000人参加,增长3.5%.", "会议于10:30开始，共1,000人参加，增长3.5%."),
    ("详见 https://www.pinghu.gov.cn/news?id=1,2 ,或致电", "详见 https://www.pinghu.gov.cn/news?id=1,2 ，或致电"),
    ("来信请寄 news@pinghu.cn.", "来信请寄 news@pinghu.cn。"),
    ("他说:Made in China, 很好!", "他说：Made in China， 很好！"),  # a comma between Chinese clauses
    ("等等...", "等等……"),
    ("wait... 好", "wait... 好"),
    ("见[附件](files/a,b.pdf),再看![图](img/a.png)和`a,b`代码,好", "见[附件](files/a,b.pdf)，再看![图](img/a.png)和`a,b`代码，好"),
    ("**重点**,继续", "**重点**，继续"),
    ("1.南浔区委 2.市委", "1.南浔区委 2.市委"),
    ("(1)加强领导;日本钢铁(JFE)公司;f(x)不变", "（1）加强领导；日本钢铁（JFE）公司；f(x)不变"),
    ('他说:"你好,"然后走了。', "他说：“你好，”然后走了。"),
    ("it's 他的'书'", "it's 他的‘书’"),
])
def test_the_rules_of_gb_t_15834_and_what_they_leave_alone(text, expected):
    assert normalise_punctuation(text)[0] == expected


def test_quotes_that_pair_with_nothing_are_reported_and_left_as_they_are():
    text, changes = normalise_punctuation('市委书记说:"要抓好落实,\n\n另一段没有引号。')
    assert text == '市委书记说："要抓好落实，\n\n另一段没有引号。'
    assert [(c.line, c.column, c.old, c.new) for c in changes if not c.changed] == [(1, 7, '"', '"')]
    quoted, _ = normalise_punctuation('"我们这里新居民较多,\n\n人,占了30%。"郭强说')  # a quote across a column break
    assert quoted == "“我们这里新居民较多，\n\n人，占了30%。”郭强说"


# ---------------------------------------------------------------- the import report

IMPORTS = [("000", "pinghu-daily", "2022-10-31"), ("001", "pinghu-daily", "2022-11-18"),
           ("002", "lilun-journal", "2023-01-01"), ("003", "pinghu-daily", "2025-02-07"),
           ("004", "pinghu-daily", "2022-06-28")]


def _import(desk: Path, name: str, publication: str, date: str, capsys) -> tuple[str, str]:
    raw = next(SEEDS.glob(f"{name}_*.txt"))
    capsys.readouterr()
    assert main(["import", str(raw), "--publication", publication, "--date", date, "--content", str(desk)]) == 0
    out = capsys.readouterr().out
    report = next((desk / publication / date).glob("import-report*.txt")).read_text(encoding="utf-8")
    return out, report


@pytest.mark.parametrize("name, publication, date", IMPORTS)
def test_the_import_report_lists_every_punctuation_change_by_line_and_column(desk, capsys, name, publication, date):
    out, report = _import(desk, name, publication, date, capsys)
    result = import_text(seed(name), periodical=publication == "lilun-journal")
    changed = [c for c in result.review.punctuation if c.changed]
    unpaired = [c for c in result.review.punctuation if not c.changed]
    if not result.review.punctuation:
        assert "标点（GB/T 15834）：无需改动" in report and "标点改动" not in report
        return
    summary = f"半角标点改为全角 {len(changed)} 处" + (f"，引号无法配对 {len(unpaired)} 处（未改）" if unpaired else "")
    assert f"标点（GB/T 15834）：{summary}" in report and f"标点：{summary}" in out
    listed = report.split("标点改动（行号、列号以原文为准）：\n", 1)[1]
    rows = dict(line.split("：", 1) for line in listed.strip("\n").split("\n"))
    for change in result.review.punctuation:
        entry = f"第{change.column}列 {change.old}→{change.new}" if change.changed else \
            f"第{change.column}列 {change.old}（引号无法配对，未改）"
        assert entry in rows[f"第{change.line}行"].split("、"), change
    assert sum(len(row.split("、")) for row in rows.values()) == len(result.review.punctuation)
    drafts = "".join(p.read_text(encoding="utf-8") for p in (desk / publication / date).rglob("*.md"))
    assert not HALF_BETWEEN_HAN.search(drafts)
    for change in unpaired:
        assert re.search(rf"^第{change.line}行 \[引号\] \d+ 个半角引号无法配对", report, re.M)


NOTE_RE = re.compile(r"^第\d+行 \[(署名|栏目|日期|版面杂项|缺文|顺序|引号|已删去|标题|目录)\] \S")


def test_the_import_report_and_output_are_in_chinese_with_no_empty_entries(desk, capsys):
    for name, publication, date in IMPORTS:
        out, report = _import(desk, name, publication, date, capsys)
        head, _, rest = report.partition("\n")
        assert head.startswith("导入报告：")
        items, _, rest = rest.partition("\n待核对：")
        assert re.search(r"^共 \d+ 条稿件；", items.strip(), re.M)
        for line in filter(None, items.strip().split("\n")[1:]):
            assert re.match(r"^ *\d+\. \[(消息|图片|评论|通讯|理论文章|广告|公告|天气)\] \S.*（.+；正文自第\d+行）$", line), line
        notes = rest.split("\n\n", 1)[1].split("\n\n标点改动")[0].strip().split("\n")
        for note in notes:
            assert NOTE_RE.match(note), note
            assert "「」" not in note and not re.search(r"(kicker|subtitle|[：:])\s*[/；;]", note), note
            reason = re.sub(r"「[^」]*」", "", note.split("] ", 1)[1]).split("：")[0]  # not the quoted text
            assert not re.search(r"\b[a-z]{3,}\b", reason.replace("issue.yml", "")), note  # no English left
        assert "「」" not in report and "line " not in report
        for line in out.splitlines():
            assert line.startswith(("已写入", "已导入", "请对照", "预览")), line


# ---------------------------------------------------------------- check

OCR_BODY = "\n\n".join(f"第{n}段,市委书记仲旭东指出,要落实;再落实。" for n in range(1, 9))


def test_check_warns_once_per_line_at_most_and_strict_refuses(tiny, build):
    write(tiny, {"daily/2022-06-28/01/03-ocr.md": article("对外开放:平湖步履铿锵", OCR_BODY),
                 "daily/2022-06-28/01/04-latin.md": article(
                     "平湖与JFE签约", "签约金额1,000万元,详见 https://www.pinghu.gov.cn/a?b=1,2 。Hello, world.")})
    code, out, err = build("check", "--content", tiny)
    shown = tiny / "daily/2022-06-28/01/03-ocr.md"
    assert code == 0 and "content ok" in out
    ocr = [line for line in err.splitlines() if line.startswith(f"{shown}:")]
    assert ocr == [
        f'{shown}:2: warning: half-width ":" between Chinese characters; use "："',
        f'{shown}:5: warning: half-width "," between Chinese characters; use "，" (3 on this line: , ;)',
        f'{shown}:7: warning: half-width "," between Chinese characters; use "，" (3 on this line: , ;)',
        f'{shown}:9: warning: half-width "," between Chinese characters; use "，" (3 on this line: , ;)',
        f'{shown}:11: warning: half-width "," between Chinese characters; use "，" (3 on this line: , ;)',
        f"{shown}:13: warning: 4 more lines of this file (to line 19) have 12 half-width punctuation marks in "
        "Chinese text; use full-width ones (GB/T 15834)"]
    # the sample's numbers, URL and Latin text, and the 1,000 after 金额, are not punctuation
    latin = [line for line in err.splitlines() if "04-latin.md" in line]
    assert latin == [f'{tiny / "daily/2022-06-28/01/04-latin.md"}:5: warning: half-width "," between Chinese '
                     'characters; use "，"']
    code, out, err = build("check", "--strict", "--content", tiny)
    assert code == 1 and f'{shown}:2: warning: half-width ":" between Chinese characters' in err
    code, _, err = build("--strict", "--content", tiny, "--out", tiny.parent / "site")
    assert code == 1 and "half-width" in err and not (tiny.parent / "site").exists()


def test_the_sample_edition_has_no_half_width_punctuation_in_chinese(build):
    for path in sorted((ROOT / "content").glob("*/*/**/*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        assert not normalise_punctuation(body)[1], path
    code, out, err = build("check", "--strict", "--content", ROOT / "content")
    assert code == 0 and "half-width" not in err and "straight quote" not in err, err
