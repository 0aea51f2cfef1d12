"""The importer: each artifact of the seed pages on a small cut, then whole seeds and the CLI."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import random
import re
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from edition.cli import main
from edition.errors import EnvironmentFault
from edition.ingest import import_text
from edition.ingest.blocks import find_blocks
from edition.ingest.classify import classify
from edition.ingest.newspaper import parse_byline, paragraphs, title_parts
from edition.ingest.normalise import normalise
from edition.ingest.pipeline import unaccounted
from edition.ingest.review import Review
from edition.ingest.text import join_lines, undouble, unwrap_spaces

from conftest import fail_rename
from import_accuracy import FIELDS, SAMPLES, SEEDS, score

ROOT = Path(__file__).resolve().parent.parent


def cut(text: str) -> str:
    return textwrap.dedent(text).strip("\n") + "\n"


def blocks_of(text: str):
    review = Review()
    blocks = find_blocks(normalise(cut(text), review))
    classify(blocks, review)
    return blocks, review


def page(text: str):
    result = import_text(cut(text))
    assert not unaccounted(cut(text), result), "the importer lost text"
    return result


def notes(result, topic: str) -> list[str]:
    return [str(n) for n in result.review.notes if n.topic == topic]


# ---------------------------------------------------------------- the steps on their own

def test_normalise_keeps_raw_line_numbers_and_takes_off_markers_marks_and_labels():
    review = Review()
    lines = normalise("##paidbegin##深刻领会二十大报告。\r\n#### ■记者 华婷婷\n各镇街道作了表态发言。 扫一扫 看视频\n"
                      "学习党的二十大精神。 ■摄影 王 强\n标题\u200b\n", review)
    assert [(l.no, l.text, l.heading) for l in lines] == [
        (1, "深刻领会二十大报告。", 0), (2, "■记者 华婷婷", 4), (3, "各镇街道作了表态发言。", 0),
        (3, "扫一扫 看视频", 0), (4, "学习党的二十大精神。", 0), (4, "■摄影 王 强", 0), (5, "标题", 0), (6, "", 0)]
    assert [text for _, text in review.removed] == ["##paidbegin##", "\u200b"]
    assert any("U+200B" in str(note) for note in review.notes)


def test_blocks_split_at_blank_lines_and_before_lines_that_only_start_something():
    blocks, _ = blocks_of("""
        平湖好人榜发布
        ■记者 黄雨欣

        本报讯 匠心筑梦，文明有
        礼。
        编辑/戴 琰 电话/85018195
        """)
    assert [(b.kind, b.first, b.tight) for b in blocks] == [
        ("title", 1, False), ("byline", 2, True), ("body", 4, False), ("footer", 6, True)]


@pytest.mark.parametrize("text, kind", [
    ("2022年6月28日◆星期二", "masthead"), ("农历壬寅年五月三十 总第4961期", "masthead"),
    ("编辑/戴 琰 电话/85018195 版式/李春霞 校对/张 真", "footer"), ("■本报评论员", "byline"),
    ("讲文明 树新风 公/益/广/告", "ad"), ("招生热线：85087171（驾培）", "ad"),
    ("最高气温3℃，明天早晨最低气温-5℃，有严重冰冻。", "weather"), ("二十大精神 点对点", "column"),
    ("同向而行担使命 凝心聚力谱新篇", "title"), ("“疫情要防住、经济要稳住、发展要", "body"),
    ("在传达学习《关于规范党员", "body"), ("会上，还为获得三季度红旗奖", "body"),
])
def test_classify(text, kind):
    blocks, _ = blocks_of("\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n" + text)
    assert blocks[0].kind == kind


# ---------------------------------------------------------------- text layout

def test_wrapped_lines_rejoin_without_spaces_in_chinese_but_keep_them_between_latin_words():
    blocks, review = blocks_of("""
        本报讯 昨天上午,市委书记 仲旭东深入居民小区、农贸市场等
        地,实地督查全国文明城市巩固工
        作。Made in
        China 展区同时开放。
        """)
    assert paragraphs(blocks, review) == [
        "本报讯 昨天上午,市委书记仲旭东深入居民小区、农贸市场等地,实地督查全国文明城市巩固工作。Made in China 展区同时开放。"]
    assert join_lines(["open the", "door"]) == "open the door"


def test_paragraph_breaks_short_line_ending_a_sentence_and_blank_line_after_a_sentence():
    blocks, review = blocks_of("""
        会议认为，党的二十大是在全
        党全国各族人民迈上全面建设
        的一次历史性盛会。
        会议要求，要强化政治担当，以
        更高站位坚持党的领导。行动

        上要更深一步，更好地将党的科学
        理论转化为推进新时代人大工作。

        会议强调，要迅速行动。
        """)
    assert paragraphs(blocks, review) == [
        "会议认为，党的二十大是在全党全国各族人民迈上全面建设的一次历史性盛会。",
        "会议要求，要强化政治担当，以更高站位坚持党的领导。行动上要更深一步，更好地将党的科学理论转化为推进新时代人大工作。",
        "会议强调，要迅速行动。"]


def test_a_full_width_line_ending_in_a_full_stop_does_not_end_the_paragraph():
    blocks, review = blocks_of("""
        本报讯 10月 27日下午，市人
        大常委会召开党组（扩大）会议，专
        题传达学习贯彻党的二十大精神。
        市人大常委会党组书记、主任吴金
        华，副主任钱勇彪、金玉珍等参加。
        """)
    assert len(paragraphs(blocks, review)) == 1


def test_stray_wrap_spaces_go_but_latin_spaces_stay():
    assert unwrap_spaces("本报讯 10 月 29 日，我市召") == "本报讯10月29日，我市召"
    assert unwrap_spaces("就 2025年市委工作") == "就2025年市委工作"
    assert unwrap_spaces("the JFE plant") == "the JFE plant"
    assert parse_byline("■摄影 王 强 倪 颖") == [{"name": "王强", "role": "摄影"}, {"name": "倪颖", "role": "摄影"}]


def test_lead_keeps_its_one_space_after_wrap_spaces_are_removed():
    result = page("""
        市人大召开党组会议

        本报讯 10月 27日下午，市人大常委会召开党组（扩大）会议。
        """)
    assert result.drafts[0].paragraphs == ["本报讯 10月27日下午，市人大常委会召开党组（扩大）会议。"]


def test_one_paragraph_per_line_text_keeps_each_line_a_paragraph_and_joins_broken_ones():
    result = page("""
        市委常委会召开会议 传达学习习近平关于依规治党论述摘编等

        ■记者 胡佳英

        本报讯 昨天下午，市委书记仲旭东主持召开市委常委会会议，传达学习《习近平关于依规治党论述摘编》。市领导周军波、吴金华等出席。
        会议指出，要增强学习实效，交出依规治党新答卷，结合学习贯彻党的二十大精神，多措并举开展学习宣传贯彻活动。

        在传达学习《关于规范党员

        干部网络行为的意见》时，会议强调，要讲政治，广大党员干部要把严守政治纪律和政治规矩挺在前面。
        """)
    body = result.drafts[0].paragraphs
    assert len(body) == 3
    assert body[2].startswith("在传达学习《关于规范党员干部网络行为的意见》时")


def test_ocr_heading_marks_are_removed_and_a_mark_on_body_text_does_not_make_a_title():
    result = page("""
        ## 市十六届政府 第五次常务会议召开

        波主持召开市十六届政府第五次常

        在学习《职业教育法》时，周军波强调，要认真学习领会。

        # 本报讯 昨天上午,市长周军

        务会议。常务副市长胡泓恬出席会议。
        """)
    assert len(result.drafts) == 1
    draft = result.drafts[0]
    assert draft.title == "市十六届政府 第五次常务会议召开"
    assert draft.paragraphs[0] == "本报讯 昨天上午，市长周军波主持召开市十六届政府第五次常务会议。常务副市长胡泓恬出席会议。"
    assert draft.paragraphs[1].startswith("在学习《职业教育法》时")
    assert any("“本报讯”导语已移到" in n for n in notes(result, "order"))


# ---------------------------------------------------------------- titles

def test_doubled_bold_titles_are_undoubled_and_the_copy_is_reported():
    assert undouble("以学习贯彻党的二十大精神为指引以学习贯彻党的二十大精神为指引") == ("以学习贯彻党的二十大精神为指引", True)
    assert undouble("勇于创新勇于创新 全面突破全面突破") == ("勇于创新 全面突破", True)
    assert undouble("讲文明 树新风") == ("讲文明 树新风", False)
    result = page("""
        仲旭东在全市“决胜四季度勇夺六连优”动员部署会上强调

        以学习贯彻党的二十大精神为指引以学习贯彻党的二十大精神为指引
        凝聚起平湖勇夺六连优的强大动力凝聚起平湖勇夺六连优的强大动力

        本报讯 10 月 29 日，我市召开“决胜四季度勇夺六连优”动员部署会。仲旭东在会上强调，以学习贯彻党的二十大精神为强大动力。
        """)
    draft = result.drafts[0]
    assert draft.kicker == "仲旭东在全市“决胜四季度勇夺六连优”动员部署会上强调"
    assert draft.title == "以学习贯彻党的二十大精神为指引 凝聚起平湖勇夺六连优的强大动力"
    assert len([n for n in notes(result, "removed") if "加粗标题重复" in n]) == 2


def test_kicker_title_subtitle_from_ocr_levels_doubling_dashes_and_the_line_that_names_who_acted():
    result = page("""
        ### 一"网"聚合力 幸福"融"万象

        ## 平湖以党建引领推进融合型大社区大单元基层治理

        本报讯 "我在这里工作生活了21年。"融合型大社区大单元基层治理在平湖推进。
        """)
    assert (result.drafts[0].kicker, result.drafts[0].title) == ("一“网”聚合力 幸福“融”万象", "平湖以党建引领推进融合型大社区大单元基层治理")
    blocks, _ = blocks_of("""
        勇于创新勇于创新 全面突破全面突破 六干争先六干争先
        加快打造共同富裕和中国式现代化示范引领的璀璨明珠加快打造共同富裕和中国式现代化示范引领的璀璨明珠
        """)
    assert title_parts(blocks[0]) == ("", "勇于创新 全面突破 六干争先", "加快打造共同富裕和中国式现代化示范引领的璀璨明珠")
    blocks, _ = blocks_of("""
        厚植创新基因
        —— 一论深入贯彻落实全市三级干部大会精神
        """)
    assert title_parts(blocks[0]) == ("", "厚植创新基因", "—— 一论深入贯彻落实全市三级干部大会精神")
    blocks, _ = blocks_of("""
        推动党的二十大精神入脑入心走深走实
        我市掀起学习贯彻党的二十大精神热潮
        """)
    assert title_parts(blocks[0]) == ("推动党的二十大精神入脑入心走深走实", "我市掀起学习贯彻党的二十大精神热潮", "")


SEED_000_CUT = """
     ■记者 胡佳英

    ■记者 李雨婷

    本报讯 10月 27日下午，市人
    大常委会召开党组（扩大）会议，专
    题传达学习贯彻党的二十大精神。

    市人大常委会召开党组（扩大）会议
    专题传达学习贯彻党的二十大精神

    ■记者 金睿敏

    本报讯 10月 27日下午，市政
    协召开党组（扩大）会议，专题传达
    学习贯彻党的二十大精神。

    市政协召开党组（扩大）会议
    专题传达学习贯彻党的二十大精神

    本报讯 匠心筑梦，文明有
    礼。10月 28日上午，嘉兴市道德讲
    堂总堂暨平湖好人榜发布仪式在我
    市举行。

    平湖好人榜发布
    ■记者 黄雨欣
    """


def test_titles_after_their_bodies_are_paired_by_wording_and_bylines_follow_the_layout():
    result = page(SEED_000_CUT)
    got = [(d.title, d.subtitle, [a["name"] for a in d.authors]) for d in result.drafts]
    assert got == [
        ("市人大常委会召开党组（扩大）会议", "专题传达学习贯彻党的二十大精神", ["金睿敏"]),
        ("市政协召开党组（扩大）会议", "专题传达学习贯彻党的二十大精神", ["胡佳英"]),
        ("平湖好人榜发布", "", ["黄雨欣"]),
    ]
    assert result.drafts[2].paragraphs[0].startswith("本报讯 匠心筑梦")
    assert "人大" in result.drafts[0].paragraphs[0] and "政协" in result.drafts[1].paragraphs[0]
    assert any("印在正文" in n for n in notes(result, "order"))
    floating = notes(result, "byline")
    assert any("位置不定的署名胡佳英" in n and n.startswith("第1行") for n in floating)
    assert any("多余的署名" in n for n in notes(result, "removed"))  # 李雨婷: every article has one


# ---------------------------------------------------------------- article parts

@pytest.mark.parametrize("line, expected", [
    ("■记者 胡佳英", [{"name": "胡佳英", "role": "记者"}]),
    ("■记者 胡佳英 摄影 王 强", [{"name": "胡佳英", "role": "记者"}, {"name": "王强", "role": "摄影"}]),
    ("■记者 李雨婷 居丹荔 金睿敏", [{"name": n, "role": "记者"} for n in ("李雨婷", "居丹荔", "金睿敏")]),
    ("通讯员 平季轩", [{"name": "平季轩", "role": "通讯员"}]),
    ("■摄影 王强 陈明远 徐冰艳", [{"name": n, "role": "摄影"} for n in ("王强", "陈明远", "徐冰艳")]),
    ("■本报评论员", [{"name": "本报评论员", "role": "评论员"}]),
    ("■言成声", [{"name": "言成声"}]),
    ("■记 者 通讯员", []),
    ("■记者", []),
])
def test_bylines(line, expected):
    assert parse_byline(line) == expected


def test_two_line_byline_with_a_correspondent_and_an_empty_byline_reported():
    result = page("""
        实施五年行动 更高质量推进 平湖全力打造清廉示范城市

        ■记者 李雨婷
        通讯员 平季轩

        本报讯 近日，我市发布《关于清廉平湖建设五年行动的实施意见》，全力打造清廉示范城市。

        平湖首个顶尖人才项目签约落户

        ■记 者 通讯员

        本报讯 昨天下午，我市举行中科健齿华东创新中心项目签约仪式。
        """)
    assert result.drafts[0].authors == [{"name": "李雨婷", "role": "记者"}, {"name": "平季轩", "role": "通讯员"}]
    assert result.drafts[1].authors == []
    assert any("没有人名的署名" in n for n in notes(result, "removed"))


def test_photo_items_caption_with_credit_below_or_inline_and_a_caption_without_title():
    result = page("""
        市委常委会召开会议

        ■记者 胡佳英

        本报讯 昨天下午，市委常委会召开会议，传达学习有关文件精神。

        初冬的枫叶公园，少了几分喧嚣，多了几分静谧，勾勒出一幅美好的画卷。

        ■摄影 查云其

        近日，在广陈镇泗泾村绒绣馆，青年党员进行羊绒画创作，学习党的二十大精神。 ■摄影 王 强 倪 颖

        绣“江山” 传精神
        """)
    news, maple, embroidery = result.drafts
    assert news.kind == "news" and news.authors == [{"name": "胡佳英", "role": "记者"}]
    assert (maple.kind, maple.title, maple.authors) == ("photo", "初冬的枫叶公园", [{"name": "查云其", "role": "摄影"}])
    assert (embroidery.kind, embroidery.title) == ("photo", "绣“江山” 传精神")
    assert [a["name"] for a in embroidery.authors] == ["王强", "倪颖"]
    assert any("图片说明没有标题" in n for n in notes(result, "title"))


def test_column_labels_after_their_article_before_a_marked_title_and_pinyin_in_the_footer():
    result = page("""
        对外开放:平湖步履铿锵坚定不移

        ■记者 胡佳英

        【二十大报告原文】推进高水平对外开放。

        二十大精神 点对点

        我市8个社区 将迈入“未来社区”

        ■记者 荣怡婷

        本报讯 日前，浙江省第六批未来社区创建名单公布。

        权威解读
        本栏目被评为嘉兴市十大精品栏目

        用心呵护“最柔软的群体”

        ■言成声

        相信不少年轻的爸爸妈妈都面临这样的问题：休完产假就要去上班，孩子太小没人照顾。托育服务正在走进社区，走进千家万户，成为年轻父母的依靠。

        DIYIPINGLUN 栏目统筹:黄金凤
        """)
    columns = [(d.title[:4], d.column, d.kind) for d in result.drafts]
    assert columns == [("对外开放", "二十大精神 点对点", "news"), ("我市8个", "权威解读", "news"),
                       ("用心呵护", "DIYIPINGLUN", "commentary")]
    assert result.meta.staff == {"栏目统筹": "黄金凤"}
    marked = page("""
        #### 学习贯彻省党代会精神

        ## 市人大党组(扩大)会议 传达学习省党代会精神

        本报讯 昨天上午,市人大常委会召开党组(扩大)会议,传达学习省党代会精神。
        """)
    assert (marked.drafts[0].column, marked.drafts[0].kicker) == ("学习贯彻省党代会精神", "")


# ---------------------------------------------------------------- page furniture and masthead

def test_masthead_footer_ad_qr_and_weather_become_metadata_or_items_of_their_own():
    result = page("""
        嘉兴日报社 中共平湖市委 联办

        #### 2022年6月28日◆星期二

        农历壬寅年五月三十 总第4961期

        JIAXING

        ## 平湖以党建引领推进基层治理

        ■记者 李雨婷

        本报讯 钟埭社区是典型的融合型大社区。各镇街道作了表态发言。 扫一扫 看视频

        面对这样一个社区，他们做强党

        讲文明 树新风 公/益/广/告

        编辑/戴 琰 电话/85018195 版式/李春霞 校对/张 真

        建核心，划小治理单元，精准聚焦需求。

        今天到明天晴到少云，西北风内陆6到8级、沿海7到9级。今天白天
        最高气温3℃，明天早晨最低气温-5℃，有严重冰冻。

        巩固全国文明城市创建成果从从文明有利平湖人
        """)
    meta = result.meta
    assert (meta.date, meta.weekday, meta.lunar, meta.total_number) == ("2022-06-28", "星期二", "农历壬寅年五月三十", 4961)
    assert meta.editor == "戴琰" and meta.staff == {"电话": "85018195", "版式": "李春霞", "校对": "张真"}
    news, ad, weather = result.drafts
    assert news.paragraphs == ["本报讯 钟埭社区是典型的融合型大社区。各镇街道作了表态发言。",
                               "面对这样一个社区，他们做强党建核心，划小治理单元，精准聚焦需求。"]
    assert (ad.kind, ad.title, ad.column, ad.paragraphs) == ("ad", "讲文明 树新风", "公益广告", ["巩固全国文明城市创建成果从从文明有利平湖人"])
    assert weather.kind == "weather" and "严重冰冻" in weather.paragraphs[0]
    removed = notes(result, "removed")
    assert any("二维码说明文字" in n for n in removed) and any("JIAXING" in n for n in removed)


def test_an_advertisement_keeps_its_name_and_details_out_of_any_article():
    result = page("""
        一声号令起 开年即奔跑
        平湖“八大突破行动”号角嘹亮

        本报讯 “八大突破行动”的作战令已经发出。全市上下必将以豪迈之势，砥砺前行。

        嘉兴市交通学校（嘉兴交通技工学校）

        诚信、廉教、优质服务是我们永远的追求！

        地址：平湖市当湖街道乍王线大胜段88号（吾悦广场南）

        招生热线：85087171（驾培）、85087980（全日制）
        """)
    news, ad = result.drafts
    assert news.paragraphs[-1].endswith("砥砺前行。")
    assert ad.title == "嘉兴市交通学校（嘉兴交通技工学校）"
    assert ad.paragraphs[0] == "诚信、廉教、优质服务是我们永远的追求！"
    assert ad.paragraphs[-1].startswith("招生热线")


# ---------------------------------------------------------------- periodicals

JOURNAL_CUT = """

    目\t录

    1．南浔区委理论学习中心组：

    市委统战部理论学习中心组：
    关于在数字化大趋势下 做好社情民意工作的思考\t11
    湘潭市委统战部理论学习中心组：以党的二十大精神为指引 凝心聚力
    开创湘潭统战工作高质量发展新局面\t50

    唯有实干争先 方能赢得未来
    南浔区委理论学习中心组

    党的二十大报告高举中国特色社会主义伟大旗帜，科学描绘了宏伟蓝图。
    ##paidbegin##深刻领会二十大报告的指导意义。报告集中展现了10年来的战略性举措。

    关于在数字化大趋势下 做好社情民意工作的思考
    市委统战部理论学习中心组

    关键词：数字化改革、社情民意、党外人士
    一、数字化大趋势下社情民意工作的重要意义和鲜明特色
    （一）重要意义
    社情民意工作是党外人士参政议政的重要

    途径，也是统一战线的重要工作。
    ##paidend##
    以党的二十大精神为指引 凝心聚力开创湘潭统战工作高质量发展新局面
    湘潭市委统战部理论学习中心组
    （2022年12月13日）

    习近平总书记所作的报告登高望远、大气磅礴。
    """


def test_journal_toc_pages_articles_headings_and_paywall_markers():
    text = cut(JOURNAL_CUT)
    result = import_text(text, periodical=True)
    assert not unaccounted(text, result)
    got = [(d.title, d.authors, d.start_page) for d in result.drafts]
    assert got == [
        ("唯有实干争先 方能赢得未来", [{"org": "南浔区委理论学习中心组"}], None),
        ("关于在数字化大趋势下 做好社情民意工作的思考", [{"org": "市委统战部理论学习中心组"}], 11),
        ("以党的二十大精神为指引 凝心聚力开创湘潭统战工作高质量发展新局面", [{"org": "湘潭市委统战部理论学习中心组"}], 50),
    ]
    assert result.drafts[0].paragraphs[1].startswith("深刻领会")
    assert result.drafts[1].paragraphs == [
        "关键词：数字化改革、社情民意、党外人士",
        "## 一、数字化大趋势下社情民意工作的重要意义和鲜明特色",
        "### （一）重要意义",
        "社情民意工作是党外人士参政议政的重要途径，也是统一战线的重要工作。"]
    assert result.drafts[2].paragraphs[0] == "（2022年12月13日）"
    assert "##paid" not in "".join(p for d in result.drafts for p in d.paragraphs)
    assert sum("付费内容标记" in n for n in notes(result, "removed")) == 2
    assert any("目录没有印出" in n for n in notes(result, "toc"))


# ---------------------------------------------------------------- whole seeds

@pytest.mark.parametrize("seed", sorted(SAMPLES))
def test_each_seed_imports_into_the_articles_of_the_edited_sample(seed):
    s = score(seed)
    assert s.found == s.expected == s.matched
    for name in FIELDS:
        assert s.right[name] >= s.expected - 1, (name, s.corrections)
    assert min(s.body_ratio) > 0.8, s.corrections


@pytest.mark.parametrize("seed", sorted(SAMPLES))
def test_importing_a_seed_loses_no_character_it_does_not_report(seed):
    text = (SEEDS / seed).read_text(encoding="utf-8")
    result = import_text(text, periodical=SAMPLES[seed][1])
    assert not unaccounted(text, result)
    assert not [n for n in result.review.notes if "lost these characters" in n.message]


# ---------------------------------------------------------------- the command

def run(content: Path, *args: str) -> int:
    return main(["import", *args, "--content", str(content)])


def test_import_writes_drafts_issue_metadata_and_a_report_and_lists_every_file(desk, capsys):
    assert run(desk, str(SEEDS / "004_ddfb3c66dc3d3638.txt"), "--publication", "pinghu-daily") == 0
    out = capsys.readouterr().out
    issue = desk / "pinghu-daily" / "2022-06-28"
    written = sorted(p for p in issue.rglob("*") if p.is_file())
    assert len(written) == 11  # 9 articles, issue.yml, the report
    for path in written:
        assert f"已写入 {path}" in out
    meta = yaml.safe_load((issue / "issue.yml").read_text(encoding="utf-8"))
    assert meta["date"].isoformat() == "2022-06-28" and meta["total_number"] == 4961
    assert meta["pages"] == [{"number": 1, "name": "要闻", "editor": "戴琰",
                              "staff": {"电话": "85018195", "版式": "李春霞", "校对": "张真"}}]
    first = sorted((issue / "01").glob("*.md"))[0].read_text(encoding="utf-8")
    assert "draft: true" in first and "kicker: 仲旭东在督查全国文明城市巩固工作时强调" in first
    report = (issue / "import-report-01.txt").read_text(encoding="utf-8")
    assert "第59行 [顺序] “本报讯”导语已移到" in report
    assert "第35行 [已删去] 没有人名的署名：记者通讯员" in report


def test_import_never_overwrites_without_force(desk, capsys):
    raw = str(SEEDS / "003_a2e0462f2705c726.txt")
    assert run(desk, raw, "--publication", "pinghu-daily", "--date", "2025-02-07") == 0
    issue = desk / "pinghu-daily" / "2025-02-07"
    article = sorted((issue / "01").glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    before = {p: p.read_bytes() for p in issue.rglob("*") if p.is_file()}
    assert run(desk, raw, "--publication", "pinghu-daily", "--date", "2025-02-07") == 1
    assert "要替换它，请加 --force" in capsys.readouterr().err
    assert before == {p: p.read_bytes() for p in issue.rglob("*") if p.is_file()}
    assert run(desk, raw, "--publication", "pinghu-daily", "--date", "2025-02-07", "--force") == 0
    assert "draft: true" in article.read_text(encoding="utf-8")


def test_a_second_page_is_added_to_the_existing_issue(desk):
    raw = str(SEEDS / "001_55991727a0a6c360.txt")
    assert run(desk, raw, "--publication", "pinghu-daily", "--date", "2022-11-18") == 0
    assert run(desk, raw, "--publication", "pinghu-daily", "--date", "2022-11-18", "--page", "2", "--page-name", "综合") == 0
    meta = yaml.safe_load((desk / "pinghu-daily" / "2022-11-18" / "issue.yml").read_text(encoding="utf-8"))
    assert [(p["number"], p["name"]) for p in meta["pages"]] == [(1, "要闻"), (2, "综合")]
    assert main(["check", "--content", str(desk), "-q"]) == 0  # the same titles on page 2 got their own URLs
    assert "date_approximate" in meta  # the date came from --date, not the page


def test_a_broken_issue_yml_fails_the_import_at_its_line_and_nothing_is_written(desk, capsys):
    raw = str(SEEDS / "001_55991727a0a6c360.txt")
    assert run(desk, raw, "--publication", "pinghu-daily", "--date", "2022-11-18") == 0
    issue = desk / "pinghu-daily" / "2022-11-18"
    (issue / "issue.yml").write_text("date: 2022-11-18\npages:\n  - number: 1\n    name: 要闻: 综合\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in issue.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert run(desk, raw, "--publication", "pinghu-daily", "--date", "2022-11-18", "--page", "2") == 1
    err = capsys.readouterr().err
    assert f"{issue / 'issue.yml'}:4: invalid YAML" in err and "nothing was written" in err
    assert before == {p: p.read_bytes() for p in issue.rglob("*") if p.is_file()}


def test_import_needs_a_date_when_none_is_printed_and_refuses_a_contradicting_one(desk, capsys):
    assert run(desk, str(SEEDS / "000_de17a0740e0edbef.txt"), "--publication", "pinghu-daily") == 2
    assert "没有印出日期；请用 --date YYYY-MM-DD 给出" in capsys.readouterr().err
    assert run(desk, str(SEEDS / "004_ddfb3c66dc3d3638.txt"), "--publication", "pinghu-daily", "--date", "2022-06-27") == 2
    assert "与第3行印的日期 2022-06-28 不符" in capsys.readouterr().err
    assert run(desk, str(SEEDS / "004_ddfb3c66dc3d3638.txt"), "--publication", "No_Such") == 2  # not a folder name
    assert "小写英文字母" in capsys.readouterr().err and not (desk / "No_Such").exists()
    assert not (desk / "pinghu-daily" / "2022-06-28").exists()


def test_imported_seeds_build_check_lists_drafts_and_strict_refuses_them(desk, tmp_path, capsys):
    dates = {"000": "2022-10-31", "001": "2022-11-18", "003": "2025-02-07", "004": "2022-06-28", "002": "2023-01-01"}
    for seed, (folder, periodical) in sorted(SAMPLES.items()):
        pub = "lilun-journal" if periodical else "pinghu-daily"
        assert run(desk, str(SEEDS / seed), "--publication", pub, "--date", dates[seed[:3]], "-q") == 0
    capsys.readouterr()
    assert main(["check", "--content", str(desk)]) == 0
    captured = capsys.readouterr()
    assert "52 articles, 52 drafts" in captured.out
    assert captured.err.count("warning: draft: review it") == 52
    assert main(["check", "--strict", "--content", str(desk)]) == 1
    out = tmp_path / "site"
    assert main(["--strict", "--content", str(desk), "--out", str(out)]) == 1
    assert not out.exists()
    assert main(["--content", str(desk), "--out", str(out), "-q"]) == 0
    assert not (out / "pinghu-daily" / "2022").exists()  # drafts only: every issue is left out
    assert main(["--content", str(desk), "--out", str(out), "-q", "--drafts"]) == 0
    story = min(p for p in (out / "pinghu-daily" / "2022" / "06" / "28").glob("*.html")
                if p.name != "index.html").read_text(encoding="utf-8")  # an article, not the issue page
    assert "草稿：本文由导入程序生成" in story


def test_random_cuts_of_the_seeds_never_crash_and_never_lose_text():
    """Pages arrive torn, shuffled and half-empty; the importer must still account for every character."""
    rng = random.Random(20221028)
    seeds = {p.name: p.read_text(encoding="utf-8").split("\n") for p in sorted(SEEDS.glob("0*.txt"))}
    for _ in range(400):
        name = rng.choice(sorted(seeds))
        lines = seeds[name]
        start = rng.randrange(len(lines))
        piece = lines[start:start + rng.randrange(1, 80)]
        if rng.random() < 0.3:
            rng.shuffle(piece)
        text = "\n".join(piece)
        periodical = name.startswith("002") if rng.random() < 0.8 else rng.random() < 0.5
        result = import_text(text, periodical=periodical)
        assert not unaccounted(text, result), (name, start, len(piece))
        assert all(d.title for d in result.drafts)


# ---------------------------------------------------------------- reliability (issue 14)

def test_a_title_right_above_a_body_that_shares_no_words_with_any_body_is_its_title():
    result = page("""
        海盐县开展春季植树活动

        本报讯 昨天上午，全县干部群众一起来到湿地公园，共种下各类苗木三千余株。

        平湖举办青年歌手大赛

        本报讯 经过三轮角逐，十名选手进入决赛，比赛吸引了众多观众到场观看。
        """)
    assert [(d.title, d.paragraphs[0][:8]) for d in result.drafts] == [
        ("海盐县开展春季植树活动", "本报讯 昨天上午"), ("平湖举办青年歌手大赛", "本报讯 经过三轮")]
    assert not [d for d in result.drafts if d.column]


def _many_articles(lines: int) -> str:
    rng = random.Random(14)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]

    def words(n):
        return "".join(rng.choice(han) for _ in range(n))

    out: list[str] = []
    while len(out) < lines:
        out += [words(rng.randrange(8, 16)), "■记者 " + words(3), ""]
        for _ in range(rng.randrange(1, 4)):
            out += [f"本报讯 {words(30)}，{words(20)}。" for _ in range(rng.randrange(1, 5))] + [""]
    return "\n".join(out[:lines])


def _shared_vocabulary(lines: int) -> str:
    """Short articles whose titles and bodies all draw on a dozen place names and words, so every
    title shares character pairs with thousands of bodies."""
    places, words = "平湖 钟埭 当湖 乍浦 新埭 新仓 广陈 林埭 曹桥 黄姑".split(), "会议 推进 建设 发展 企业 项目 乡村 文化".split()
    out: list[str] = []
    n = 0
    while len(out) < lines:
        place, word, other = places[n % len(places)], words[n % len(words)], words[(n * 3 + 1) % len(words)]
        out += [f"{place}{word}{other}第{n}项工作", f"■记者 张{n % 97}", "", f"本报讯 {place}镇{word}{other}，第{n}次。", ""]
        n += 1
    return "\n".join(out[:lines])


def _seed_pages(lines: int) -> str:
    pages = [(SEEDS / name).read_text(encoding="utf-8").split("\n") for name in sorted(SAMPLES) if not SAMPLES[name][1]]
    out: list[str] = []
    while len(out) < lines:
        out += pages[len(out) % len(pages)] + [""]
    return "\n".join(out[:lines])


@contextlib.contextmanager
def _time_limit(seconds: int):
    def stop(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_a_hundred_thousand_lines_import_in_seconds():
    """Pairing titles with bodies used to compare every title with every body: 10,000 lines took
    16 s and 100,000 never finished. The budget is generous for a loaded machine."""
    for text in (_seed_pages(100_000), _many_articles(20_000), _shared_vocabulary(100_000)):
        with _time_limit(40):
            result = import_text(text)
        assert len(result.drafts) > 2500
        assert not unaccounted(text, result)


PAGE_ONE = "pinghu-daily/2022-11-18"


def _imported(desk: Path) -> tuple[Path, dict]:
    """Page 1 imported, then reviewed by an editor: a draft, issue.yml and the report edited."""
    raw = str(SEEDS / "001_55991727a0a6c360.txt")
    assert run(desk, raw, "--publication", "pinghu-daily", "--date", "2022-11-18", "-q") == 0
    issue = desk / PAGE_ONE
    article = sorted((issue / "01").glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    (issue / "issue.yml").write_text("# checked by the desk\n" + (issue / "issue.yml").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    with (issue / "import-report-01.txt").open("a", encoding="utf-8") as report:
        report.write("desk: all checked\n")
    return issue, _files(issue)


def _files(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _reimport(desk: Path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    try:
        code = run(desk, str(SEEDS / "001_55991727a0a6c360.txt"), "--publication", "pinghu-daily",
                   "--date", "2022-11-18", "--force", "-q")
    except EnvironmentFault as exc:  # the command line turns it into exit 3 and one line
        return 3, str(exc)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("after", [0, 1, 5, 8, 9, 10, 11])  # 9 drafts, the report, issue.yml, the journal
def test_a_full_disk_during_import_force_keeps_every_old_file_and_says_what_failed(desk, capsys, monkeypatch, after):
    issue, before = _imported(desk)
    real_write, written = os.write, []

    def write(fd, data):
        new_file = stat.S_ISREG(os.fstat(fd).st_mode) and os.fstat(fd).st_size == 0
        if new_file and len(written) == after:
            raise OSError(errno.ENOSPC, "No space left on device")
        if new_file:
            written.append(fd)
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    code, message = _reimport(desk, capsys)
    monkeypatch.undo()
    assert code == 3 and "No space left on device" in message
    assert ("cannot write " + str(issue)) in message or "journal" in message
    assert _files(issue) == before
    assert not list((desk / "pinghu-daily").glob(".*"))
    assert _reimport(desk, capsys)[0] == 0  # with room again, the import goes through
    assert _files(issue) != before and "draft: true" in sorted((issue / "01").glob("*.md"))[0].read_text("utf-8")


@pytest.mark.parametrize("failing", [1, 2, 6, 12, 17])
def test_a_rename_failing_while_the_files_are_swapped_in_puts_the_old_ones_back(desk, capsys, monkeypatch, failing):
    issue, before = _imported(desk)
    fail_rename(monkeypatch, failing)
    code, message = _reimport(desk, capsys)
    monkeypatch.undo()
    assert code == 3 and "Input/output error" in message, message
    assert _files(issue) == before
    assert not list((desk / "pinghu-daily").glob(".*"))


@pytest.mark.parametrize("killed_at", [2, 5, 14, 23])
def test_an_import_killed_while_swapping_files_in_is_undone_by_the_next_one(desk, capsys, killed_at):
    issue, before = _imported(desk)
    script = textwrap.dedent(f"""
        import os, sys
        real, count = os.rename, [0]
        def rename(*args, **kwargs):
            count[0] += 1
            if count[0] == {killed_at + 1}:
                os._exit(137)
            return real(*args, **kwargs)
        os.rename = rename
        from edition.cli import main
        sys.exit(main(sys.argv[1:]))
        """)
    done = subprocess.run([sys.executable, "-c", script, "import", str(SEEDS / "001_55991727a0a6c360.txt"),
                           "--publication", "pinghu-daily", "--date", "2022-11-18", "--force", "-q",
                           "--content", str(desk)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 137, done.stderr
    assert _files(issue) != before  # killed half-way: some files are new, some old ones moved aside
    capsys.readouterr()
    assert run(desk, str(SEEDS / "001_55991727a0a6c360.txt"), "--publication", "pinghu-daily",
               "--date", "2022-11-18") == 1  # refused (no --force), after undoing the killed import
    assert "要替换它，请加 --force" in capsys.readouterr().err
    assert _files(issue) == before
    assert not list((desk / "pinghu-daily").glob(".*"))


def test_a_second_import_into_a_publication_waits_for_none_and_is_refused_while_one_runs(desk, capsys):
    folder = desk / "pinghu-daily"
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert run(desk, str(SEEDS / "004_ddfb3c66dc3d3638.txt"), "--publication", "pinghu-daily") == 1
    finally:
        os.close(fd)
    assert "另一个导入正在写入" in capsys.readouterr().err
    assert not (folder / "2022-06-28").exists()


EDITED_ISSUE = """\
# 平湖日报 2022-11-18: checked by the desk
pages:   # the 版面 of this issue
  # 要闻 always first
  - number: 1
    name: 要闻      # front page
    staff: {栏目统筹: 黄金凤}
  # sport is page 3 this week
  - number: 3
    name: '体育'
date: 2022-11-18  # not printed; see date_approximate
date_approximate: "报头未印日期；据新闻内容推定"  # 依据：10月27–29日的新闻

# end of the issue's metadata
"""


def test_importing_pages_keeps_the_editors_comments_order_and_formatting_of_issue_yml(desk):
    issue = desk / PAGE_ONE
    assert run(desk, str(SEEDS / "001_55991727a0a6c360.txt"), "--publication", "pinghu-daily",
               "--date", "2022-11-18", "-q") == 0
    (issue / "issue.yml").write_text(EDITED_ISSUE, encoding="utf-8")
    assert run(desk, str(SEEDS / "003_a2e0462f2705c726.txt"), "--publication", "pinghu-daily",
               "--date", "2022-11-18", "--page", "3", "--force", "-q") == 0
    assert run(desk, str(SEEDS / "000_de17a0740e0edbef.txt"), "--publication", "pinghu-daily",
               "--date", "2022-11-18", "--page", "2", "--page-name", "综合", "-q") == 0
    text = (issue / "issue.yml").read_text(encoding="utf-8")
    lines = text.split("\n")
    kept = iter(lines)
    edited = EDITED_ISSUE.split("\n")
    replaced = edited[7:9]  # page 3, replaced with --force
    assert all(line in kept for line in edited if line not in replaced), text  # in order, unchanged
    meta = yaml.safe_load(text)
    assert list(meta) == ["pages", "date", "date_approximate"]
    assert [(p["number"], p["name"]) for p in meta["pages"]] == [(1, "要闻"), (2, "综合"), (3, "第3版")]
    third = next(n for n, line in enumerate(lines) if line.startswith("  - ") and "number: 3" in line)
    assert lines[third - 1] == "  # sport is page 3 this week"  # the comment above page 3 stays there
    assert main(["check", "--content", str(desk), "-q"]) == 0


@pytest.mark.parametrize("issue_yml, line", [
    ("date: 2022-11-18\npages:\n  - number: 1\n    name: 要闻: 综合\n", 4),  # invalid YAML
    ("date: 2022-11-18\npages: 要闻\n", 2),  # pages not a list
    ("date: 2022-11-18\npages: {number: 1, name: 要闻}\n", 2),
    ("date: 2022-11-18\npages:\n  - name: 要闻\n", 3),  # a page without number
    ("date: 2022-11-18\npages:\n  - 要闻\n", 2),  # a page that is not a mapping
    ("date: 2022-11-18\npages:\n  - {number: one, name: 要闻}\n", 3),
    ("date: 2022-11-18\npages:\n  - {number: 1, name: 要闻}\n  - {number: 1, name: 综合}\n", 4),
    ("date: [2022, 11, 18]\npages:\n  - {number: 1, name: 要闻}\n", 1),  # a date of the wrong type
    ("date: 2022-11-18\nweekday: 星期一\npages:\n  - {number: 1, name: 要闻}\n", 2),
    ("- date: 2022-11-18\n", 1),  # not a mapping
    ("date: 2022-11-18\nlunar: 农历\x0c壬寅年\npages:\n  - {number: 1, name: 要闻}\n", 2),  # a form feed
])
def test_an_issue_yml_the_import_cannot_add_to_is_reported_at_its_line_and_nothing_is_written(
        desk, capsys, issue_yml, line):
    issue = desk / PAGE_ONE
    issue.mkdir(parents=True)
    (issue / "issue.yml").write_text(issue_yml, encoding="utf-8")
    before = _files(issue)
    assert run(desk, str(SEEDS / "000_de17a0740e0edbef.txt"), "--publication", "pinghu-daily",
               "--date", "2022-11-18", "--page", "2") == 1
    err = capsys.readouterr().err
    assert f"{issue / 'issue.yml'}:{line}: " in err and "nothing was written" in err and "Traceback" not in err, err
    assert _files(issue) == before


CONTROLS = "\x00\x07\x08\x0b\x0c\x1b\x7f\x85\x9b"


def test_control_characters_are_removed_reported_by_line_and_never_reach_the_terminal(desk, capsys, tmp_path):
    raw = tmp_path / "page.txt"
    text = (SEEDS / "004_ddfb3c66dc3d3638.txt").read_text(encoding="utf-8").split("\n")
    text[20] = "\x1b[2J\x1b]0;pwned\x07" + text[20] + "\x08\x00"
    text[40] = "\x0c" + text[40] + "\x85\x9b31m"
    raw.write_text("\n".join(text), encoding="utf-8")
    assert run(desk, str(raw), "--publication", "pinghu-daily") == 0
    captured = capsys.readouterr()
    issue = desk / "pinghu-daily" / "2022-06-28"
    drafts = "".join(p.read_text(encoding="utf-8") for p in issue.rglob("*.md"))
    assert not set(CONTROLS) & set(drafts)
    assert not set(CONTROLS + "\r") & set(captured.out + captured.err)
    report = (issue / "import-report-01.txt").read_text(encoding="utf-8")
    assert not set(CONTROLS) & set(report)
    assert "第21行 [已删去] 控制字符：U+001B U+001B U+0007 U+0008 U+0000" in report
    assert "第41行 [已删去] 控制字符：U+000C U+0085 U+009B" in report


def test_the_import_s_hints_lead_to_files_and_commands_that_exist(desk, capsys, tmp_path):
    """What the importer tells an editor to read or run exists and acts on their content."""
    raw = str(SEEDS / "004_ddfb3c66dc3d3638.txt")
    assert run(desk, raw, "--publication", "pinghu-daily") == 0
    out = capsys.readouterr().out
    hint = re.search(r"然后运行 `python \S+ (check --content \S+)`", out)
    assert hint and Path(hint.group(1).split()[-1]) == desk, "the hint does not name the content folder"
    assert re.search(rf"`python \S+ --content {re.escape(str(desk))} --out \S+ --drafts`", out), out
    assert main(hint.group(1).split()) == 0
    assert "content ok" in capsys.readouterr().out


def _commands(output: str) -> list[list[str]]:
    """The commands an import's output tells the editor to run, as argument lists."""
    return [command.split() for command in re.findall(r"`(python [^`]+)`", output)]


def test_an_import_into_an_empty_folder_then_check_and_build_exactly_as_the_hints_say(tmp_path):
    """From a folder that is not the project: the import makes site.yml and publication.yml, says
    so, and the commands it prints, run as printed from yet another folder, check and build it."""
    here, elsewhere, content = tmp_path / "desk", tmp_path / "elsewhere", tmp_path / "desk" / "paper"
    content.mkdir(parents=True)
    elsewhere.mkdir()
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "import", str(SEEDS / "004_ddfb3c66dc3d3638.txt"),
                           "--publication", "pinghu-daily", "--content", str(content)],
                          cwd=here, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"已创建 {content / 'site.yml'}（请填写报名；内容格式见 {ROOT / 'content' / 'README.md'}）"
    assert lines[1].startswith(f"已创建 {content / 'pinghu-daily' / 'publication.yml'}（新报刊")
    assert all(line.startswith(("已创建", "已写入", "已导入", "请对照", "预览")) for line in lines), lines  # all Chinese
    assert yaml.safe_load((content / "site.yml").read_text(encoding="utf-8"))["publications"] == ["pinghu-daily"]
    assert yaml.safe_load((content / "pinghu-daily" / "publication.yml").read_text(encoding="utf-8")) == {
        "name": "pinghu-daily", "kind": "newspaper"}
    assert not list(content.glob(".*")), "the import left its staging folder"
    check, build = _commands(done.stdout)
    assert check[2:] == ["check", "--content", str(content)] and build[2:4] == ["--content", str(content)]
    for command in (check, build):
        assert command[0] == "python" and Path(command[1]).resolve() == (ROOT / "build.py").resolve()
    checked = subprocess.run([sys.executable, *check[1:]], cwd=elsewhere, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.count("warning: draft: review it") == 9 and "9 drafts" in checked.stdout
    built = subprocess.run([sys.executable, *build[1:]], cwd=elsewhere, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    site = Path(build[build.index("--out") + 1])
    assert not site.is_relative_to(content) and (site / "index.html").is_file()
    if "--drafts" in build:  # drafts are left out of builds unless asked for; the hint previews them
        story = min(p for p in (site / "pinghu-daily" / "2022" / "06" / "28").glob("*.html")
                    if p.name != "index.html").read_text(encoding="utf-8")  # an article, not the issue page
        assert "草稿" in story and "“智能”生产" in (site / "pinghu-daily/2022/06/28/index.html").read_text("utf-8")


SITE_WITH_COMMENTS = """\
# 平湖日报数字报: edited by the desk
title: 平湖日报数字报   # the masthead
publications:
  # the daily first
  - pinghu-daily
  - lilun-journal  # monthly
language: zh-CN
"""


@pytest.mark.parametrize("site_yml, listed", [
    (SITE_WITH_COMMENTS, ["pinghu-daily", "lilun-journal", "new-paper"]),
    ("title: 数字报\npublications: [pinghu-daily, lilun-journal]  # both\n", ["pinghu-daily", "lilun-journal", "new-paper"]),
    ("title: 数字报\r\npublications:\r\n- pinghu-daily\r\n", ["pinghu-daily", "new-paper"]),
    ("title: 数字报\npublications:\n", ["new-paper"]),
])
def test_a_new_publication_is_created_and_added_to_site_yml_keeping_every_other_line(desk, capsys, site_yml, listed):
    (desk / "site.yml").write_bytes(site_yml.encode("utf-8"))
    assert run(desk, str(SEEDS / "001_55991727a0a6c360.txt"), "--publication", "new-paper", "--date", "2022-11-18") == 0
    out = capsys.readouterr().out
    assert f"已在 {desk / 'site.yml'} 的 publications 中加入 new-paper" in out
    assert f"已创建 {desk / 'new-paper' / 'publication.yml'}" in out
    text = (desk / "site.yml").read_bytes().decode("utf-8")
    old = site_yml.splitlines()
    new = text.splitlines()
    added = [line for line in new if line not in old]
    assert len(added) == 1 and added[0].strip() in ("- new-paper", "publications: [pinghu-daily, lilun-journal, "
                                                                     "new-paper]  # both"), text
    assert all(line in new for line in old if "[" not in line), text  # every line kept (a flow list gets the name)
    assert ("\r\n" in text) == ("\r\n" in site_yml)
    assert yaml.safe_load(text)["publications"] == listed
    assert main(["check", "--content", str(desk), "-q"]) == 0
    assert run(desk, str(SEEDS / "001_55991727a0a6c360.txt"), "--publication", "new-paper", "--date", "2022-11-19") == 0
    assert (desk / "site.yml").read_bytes().decode("utf-8") == text  # listed already: left alone


def test_a_publication_name_one_slip_away_from_an_existing_one_is_refused_with_the_name_meant(desk, capsys):
    before = sorted(p.relative_to(desk).as_posix() for p in desk.rglob("*"))
    assert run(desk, str(SEEDS / "004_ddfb3c66dc3d3638.txt"), "--publication", "pinghu-dialy") == 2
    err = capsys.readouterr().err
    assert "是不是 pinghu-daily" in err and err.count("\n") == 1, err
    assert sorted(p.relative_to(desk).as_posix() for p in desk.rglob("*")) == before  # nothing created


def test_site_yml_and_publication_yml_are_written_with_the_drafts_or_not_at_all(tmp_path, capsys, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    real_write, written = os.write, []

    def write(fd, data):
        if stat.S_ISREG(os.fstat(fd).st_mode) and os.fstat(fd).st_size == 0:
            if len(written) == 5:  # site.yml, publication.yml and three drafts are staged
                raise OSError(errno.ENOSPC, "No space left on device")
            written.append(fd)
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    try:
        code = run(empty, str(SEEDS / "004_ddfb3c66dc3d3638.txt"), "--publication", "pinghu-daily")
    except EnvironmentFault:
        code = 3
    monkeypatch.undo()
    assert code == 3 and list(empty.iterdir()) == []  # no site.yml, no publication folder, no staging
    assert run(empty, str(SEEDS / "004_ddfb3c66dc3d3638.txt"), "--publication", "pinghu-daily", "-q") == 0
    assert (empty / "site.yml").is_file() and (empty / "pinghu-daily" / "publication.yml").is_file()
