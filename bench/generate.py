#!/usr/bin/env python3
"""Generate a synthetic daily-newspaper archive for benchmarks.

    python bench/generate.py OUT_DIR --years N [--seed S] [--start 2021-01-01] [--force]

OUT_DIR becomes a complete content folder (see content/README.md): site.yml, one
newspaper `daily` with an issue every day, 4–8 pages per issue and 3–7 articles
per page (about 7,000 articles a year), plus OUT_DIR/queries.json, a list of
benchmark queries for the full-text search picked from the generated text.

The text is nonsense, but shaped like Chinese local news: words are drawn with a
Zipf-like frequency from a news vocabulary and put into news-like clause
patterns, with person, place, organisation and project names, dates, amounts and
a few Latin acronyms. Every month new names and terms appear (new people,
communities, projects, companies, campaigns), so rare strings exist and later
years contain words that earlier years lack.

The output depends only on the arguments: the same seed gives byte-identical
files. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import re
import shutil
import sys
import time
from array import array
from functools import partial
from operator import call
from pathlib import Path
from random import Random
from typing import Any, Callable, Iterable, Iterator

# --------------------------------------------------------------------------- vocabulary
# Each list is ordered roughly from most to least common; draws follow a Zipf law on
# that order.

NOUNS = """
工作 发展 建设 企业 群众 服务 项目 经济 社会 社区 产业 干部 文化 城市 乡村 活动 安全 创新
改革 质量 农业 工业 人才 教育 环境 生态 政策 市场 资金 科技 技术 平台 体系 机制 能力 水平
目标 任务 责任 问题 需求 基层 居民 村民 志愿者 党员 组织 部门 单位 学校 学生 老师 医院 家庭
老人 儿童 青年 职工 农民 游客 商户 园区 道路 交通 设施 公园 民生 治理 法治 就业 收入 养老
医疗 健康 防控 应急 风险 隐患 成效 经验 做法 模式 理念 精神 理论 实践 文明 成果 规划 方案
措施 行动 会议 部署 要求 信心 动力 活力 优势 特色 亮点 短板 重点 基础 载体 阵地 领域 行业
要素 土地 能源 粮食 资源 数据 网络 信息 系统 设备 材料 车间 工程 进度 规模 总量 作品 比赛
赛事 展览 演出 非遗 传统 品牌 产品 订单 外贸 物流 消费 投资 招商 营商环境 共同富裕 乡村振兴
数字经济 高质量发展 现代化 文明城市 未来社区 基础设施 公共服务 生活品质 幸福感 获得感 满意度
农田 大棚 蔬菜 水果 合作社 电商 直播 快递 新能源 光伏 汽车 机器人 生产线 厂房 工地 工期 面积
比重 增速 指标 考核 荣誉 称号 榜样 典型 故事 节目 场馆 图书馆 博物馆 广场 河道 水质 垃圾分类
绿化 景区 民宿 美食 村庄 庭院 网格 楼道 小区 物业 停车位 电梯 食品 药品 疫苗 门诊 课堂 课程
阅读 书法 戏曲 音乐 舞蹈 体育 足球 篮球 马拉松 运动员 教练 冠军 选手 队伍 专家 院士 博士
团队 人员 骨干 代表 委员 党组织 党支部 党建 廉政 纪律 作风 监督 巡察 信访 矛盾 纠纷 调解
案件 执法 消防 防汛 台风 暴雨 气温 天气 水位 河长 湖泊 湿地 林木 花卉 稻田 秋收 春耕 渔业
海塘 港口 航道 铁路 高速 公交 站点 线路 口岸 税收 财政 预算 金融 银行 信贷 保险 基金 研发
专利 标准 认证 检测 实验室 孵化器 高新技术企业 专精特新 小微企业 民营经济 实体经济 制造业
服务业 文旅 文创 夜经济 商圈 街区 老街 古镇
"""

VERBS = """
推进 推动 加强 加快 提升 实施 开展 落实 完善 建设 打造 深化 强化 优化 提高 促进 坚持 发挥
保障 服务 举行 召开 参加 组织 举办 完成 实现 形成 构建 培育 引进 带动 助力 聚焦 围绕 统筹
谋划 部署 学习 宣传 贯彻 传达 调研 走访 慰问 看望 检查 督查 排查 整治 解决 化解 改善 支持
帮助 引导 鼓励 激发 凝聚 营造 探索 拓展 延伸 覆盖 惠及 满足 参与 关注 展示 展现 体验 分享
交流 合作 对接 提供 发放 捐赠 获得 荣获 入选 表彰 发布 启动 上线 运行 投用 开放 接待 吸引
迎来 签约 落地 投产 开工 竣工 增长 突破 扩大 调整 筑牢 守牢 补齐 压实 擦亮 做强 做大 做优
用好 抓好 办好 守护 呵护 传承 弘扬 创建 申报 评估 监测 指导 培训 招聘 推广 普及 规范 修复
改造 提速 赋能 联动 共建 共享
"""

ADVERBS = """
全面 深入 持续 不断 积极 主动 切实 扎实 有效 大力 努力 全力 认真 精准 加快 着力 进一步 充分
坚决 稳步 有序 高效 广泛 逐步 率先 共同 集中 重点 科学 系统 合力 用心 真正 及时
"""

ADJECTIVES = """
重要 重大 新 良好 优质 高效 绿色 低碳 现代 新型 特色 综合 长效 基层 公共 全民 智慧 数字化
高水平 高品质 一流 全方位 多元 便民 暖心 安全 稳定 健康 美丽 和谐 幸福 文明 开放 创新型
标志性 示范性 普惠 优秀 先进 精品 共富 美好
"""

CONNECTORS = """
近年来， 今年以来， 据了解， 据介绍， 记者了解到， 与此同时， 同时， 此外， 目前， 下一步，
截至目前， 其中， 为此， 对此， 接下来， 值得一提的是， 不仅如此， 一直以来， 在此基础上，
"""

SUBJECTS = """
我市 全市 各地 各部门 各镇街道 相关部门 市委 市政府 当地 企业 社区 村里 大家 我们 记者
工作人员 志愿者们 广大党员干部
"""

SAY = "表示 指出 强调 介绍 说 要求 认为 坦言 希望"
ACRONYMS = "5G AI GDP APP VR ESG CBD IP AED PM2.5"
LEADER_TITLES = "市委书记 市长 市委副书记 副市长 市人大常委会主任 市政协主席 市委常委"
PERSON_TITLES = """
局长 负责人 村党支部书记 社区书记 镇长 党委书记 副局长 主任 总经理 董事长 校长 院长 志愿者 村民
居民 老党员 网格员
"""
ORGANISATIONS = """
市委 市政府 市人大常委会 市政协 市发改局 市经信局 市教育局 市民政局 市财政局 市住建局
市交通运输局 市农业农村局 市商务局 市文广旅体局 市卫生健康局 市应急管理局 市市场监管局
市综合执法局 市公安局 市消防救援大队 团市委 市妇联 市总工会 市科协 市文明办 市融媒体中心
市人民医院 市中医院 市第一中学 市实验小学 经济开发区 高新区 市供电公司 市税务局
"""

SURNAMES = """
王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏
魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱
严武戴莫孔汤倪俞褚屠
"""
GIVEN_CHARS = """
伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏飞鑫宇浩凯婷雪琳晨
欣怡佳慧颖倩丹宁梅莉燕峰亮海波林晓春东昊天雨轩子涵博一诺思远嘉豪俊杰晨阳振宏德成永兴荣福祥
瑞安庆云良松柏青海江秋月晴露琴瑶璐蕾彤菲薇
"""
PLACE_CHARS = """
东西南北新老大小金银玉青白黄红清平安和兴隆盛丰裕泰康宁福寿长永乐嘉善湖塘桥港泾浜溪山河林园
庄湾滩洲汇虹前后上下中石竹梅荷柳杨枫桃李
"""
FANCY_CHARS = """
锦澜禾星智云悦翠璟骏鸿朗晟昊澄启航芯链栖浦泓熙睿珑琪瀚霖曜钧皓晖璞臻屹岚澍逸弘昱旭朔翰
"""
TOWN_SUFFIXES = ("镇", "街道")
COMMUNITY_SUFFIXES = ("社区", "社区", "村")
PROJECT_TYPES = """
产业园 科创园 未来社区 共富工坊 邻里中心 智造基地 文化礼堂 数字港 创新中心 物流中心 综合体
湿地公园 党群服务中心 人才公寓 智慧农场 研究院 文化街区
"""
INDUSTRIES = "科技 智能 新材料 电子 生物 精工 食品 纺织 光电 医疗 装备 能源"
CAMPAIGN_TYPES = "行动 工程 计划 品牌 服务队"

PAGE_NAMES = """
要闻 综合 经济 社会 民生 城事 镇街 文化 教育 健康 法治 体育 农业农村 视点 理论 副刊 专版
"""
COLUMNS = """
第一评论 基层风采 共富路上 文明新风 身边好人 一线观察 项目攻坚进行时 民生实事 记者蹲点 走进乡村
"""

# Clause patterns and their weights. Slots: N noun, V verb, A adverb, M adjective,
# C connector (with its comma), S subject, K "said", X acronym, P titled person,
# R person, L place, O organisation, T project or campaign, D date, Q quantity,
# G percentage, Y amount of money, E year.
CLAUSES = [
    ("{S}{A}{V}{N}{N}", 10), ("{A}{V}{M}{N}", 10), ("{V}{N}{N}", 8), ("{S}{V}{N}的{N}", 6),
    ("{N}{N}{A}{V}", 6), ("在{N}{N}方面，{A}{V}{N}", 3), ("要{A}{V}{N}", 5), ("{V}{N}、{N}和{N}", 5),
    ("把{N}{V}为{M}{N}", 2), ("以{N}为{N}", 2), ("为{N}{V}{M}{N}", 3), ("通过{V}{N}{N}", 3),
    ("让{N}{V}{M}{N}", 2), ("{N}的{N}{A}{V}", 3), ("进一步{V}{N}{N}", 3),
    ("不断{V}{N}的{N}和{N}", 2), ("{V}“{M}{N}”{N}", 2), ("{C}{S}{V}{M}{N}", 4),
    ("{N}{N}得到{A}{V}", 1), ("{S}已{V}{Q}{N}", 3), ("{N}{N}同比增长{G}", 2),
    ("{E}{S}{V}{N}{N}{Q}", 2), ("累计{V}{N}{Q}", 2), ("{V}{X}{N}", 2), ("{X}{N}{A}{V}", 1),
    ("{P}{V}{L}{N}{N}", 4), ("{P}{K}", 4), ("{L}{A}{V}{N}{N}", 4), ("{O}{V}{N}{N}", 3),
    ("{T}{V}{N}", 3), ("{T}总投资{Y}", 1), ("在{L}的{N}{N}里", 1), ("{D}，{P}在{L}{V}{N}", 2),
    ("{L}{N}{N}{V}{Q}", 2), ("{O}和{L}{V}{M}{N}", 1), ("{R}是{L}的{N}", 1), ("{R}{A}{V}{N}{N}", 2),
]

# Title patterns by the kind of name they feature ("" = no name); {Z} is the name.
TITLES = {
    "P": ["{Z}{V}{N}{N}工作", "{Z}：{A}{V}{M}{N}", "{Z}的{M}{N}", "{Z}在{N}{N}会议上{K}{V}{N}",
          "{Z}：让{N}{V}{M}{N}"],
    "L": ["{Z}{A}{V}{M}{N}", "{Z}：{N}{N}{V}{M}{N}", "{Z}{V}{N}{N}", "{Z}的{N}{N}",
          "走进{Z}：{M}{N}{V}{N}"],
    "O": ["{Z}召开{N}{N}会议", "{Z}{V}{M}{N}", "{Z}{A}{V}{N}{N}"],
    "T": ["{Z}{A}{V}", "{Z}正式{V}", "{Z}：{V}{M}{N}", "{Z}{V}{Q}{N}"],
    "": ["我市{A}{V}{M}{N}", "{V}{M}{N} {V}{N}{N}", "{A}{V}{N}{N} 为{N}{V}{M}{N}", "让{N}{V}{M}{N}"],
}
KICKERS = ["{A}{V}{N}{N}", "{R}在{N}{N}会议上{K}", "{V}{M}{N} {V}{N}{N}"]
SUBTITLES = ["{L}{V}{Q}{N}", "{V}{M}{N} {V}{N}{N}", "{A}{V}{N}{N}"]
SLOT_RE = re.compile(r"\{(\w)\}")
HAN_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")

WORDS_PER_MONTH = {"person": 4, "community": 3, "project": 3, "company": 2, "campaign": 1}
ACTIVE_MONTHS = 4          # how long a new project, company or campaign stays in the news
QUERIES_PER_CATEGORY = 50


def words(text: str) -> list[str]:
    """Split a vocabulary block into unique items, keeping the order."""
    return list(dict.fromkeys(text.split()))


def chars(text: str) -> list[str]:
    """The unique characters of a character block, keeping the order."""
    return list(dict.fromkeys("".join(text.split())))


def zipf_weights(n: int, s: float = 1.0, q: float = 2.0) -> list[float]:
    """Weights 1/(rank+q)^s for ranks 0..n-1."""
    return [1.0 / (rank + q) ** s for rank in range(n)]


Sampler = Callable[[], Any]


def stream(rng: Random, items: list, weights: list[float], batch: int = 4096) -> Iterator:
    """An endless iterator of items drawn with the given relative weights.

    The generator spends most of its time drawing words, so draws avoid Python code:
    a table of 65,536 slots gives every item a share proportional to its weight,
    and batches of random 16-bit numbers index it, all in C.
    """
    size = 1 << 16
    total = sum(weights)
    shares = [max(1, round(w / total * size)) for w in weights]
    shares[shares.index(max(shares))] += size - sum(shares)   # fill the table exactly
    table: list = []
    for item, share in zip(items, shares):
        table += [item] * share

    def batches():
        while True:
            numbers = array("H", rng.randbytes(2 * batch))
            if sys.byteorder == "big":
                numbers.byteswap()                   # same output on every machine
            yield map(table.__getitem__, numbers)

    return itertools.chain.from_iterable(batches())


def sampler(rng: Random, items: list, weights: list[float], batch: int = 4096) -> Sampler:
    """A function of no arguments that draws items with the given relative weights."""
    return stream(rng, items, weights, batch).__next__


def zipf(rng: Random, items: list, s: float = 1.0) -> Sampler:
    """A sampler with Zipf-like frequencies in list order."""
    return sampler(rng, items, zipf_weights(len(items), s))


def between(rng: Random, lo: int, hi: int) -> int:
    """rng.randint(lo, hi), but faster (randint is slow and called a lot)."""
    return lo + int(rng.random() * (hi - lo + 1))


# --------------------------------------------------------------------------- names

class World:
    """The names the paper writes about, and the new ones each month brings."""

    def __init__(self, rng: Random):
        self.rng = rng
        self.taken: set[str] = set()      # membership only, never iterated
        self.title_of: dict[str, str] = {}   # every person keeps one job title
        self.leader_titles = words(LEADER_TITLES)
        self.person_titles = zipf(rng, words(PERSON_TITLES))
        self.surnames = zipf(rng, chars(SURNAMES), s=0.8)
        self.given = chars(GIVEN_CHARS)
        self.place_chars = chars(PLACE_CHARS)
        self.fancy_chars = chars(FANCY_CHARS)
        self.persons = [self.new_person() for _ in range(600)]
        for person in self.persons[:12]:            # the most quoted people are the leaders
            self.title_of[person] = self.rng.choice(self.leader_titles)
        self.staff = [self.new_person() for _ in range(60)]
        self.correspondents = [self.new_person() for _ in range(200)]
        towns = [self.new_name(self.place_chars, TOWN_SUFFIXES) for _ in range(12)]
        self.places = towns + [self.new_name(self.place_chars, COMMUNITY_SUFFIXES) for _ in range(150)]
        companies = [self.new_name(self.fancy_chars, words(INDUSTRIES)) for _ in range(40)]
        self.orgs = words(ORGANISATIONS) + companies
        self.projects = [self.new_name(self.fancy_chars, words(PROJECT_TYPES)) for _ in range(60)]
        self.new_words: list[tuple[str, str, int]] = []   # (word, kind, month) in order of birth
        self.month = -1
        self.active: Sampler = lambda: None
        self.org = zipf(rng, self.orgs, s=0.9)
        self.project = zipf(rng, self.projects, s=0.8)
        self.reporter = zipf(rng, self.staff, s=0.7)
        self.correspondent = zipf(rng, self.correspondents, s=0.7)
        self.refresh_samplers()

    def new_person(self) -> str:
        """A person name not used before: common surname + one or two given characters."""
        while True:
            given = self.rng.choices(self.given, k=1 if self.rng.random() < 0.3 else 2)
            name = self.surnames() + "".join(given)
            if name not in self.taken and given[0] != given[-1]:
                self.taken.add(name)
                self.title_of[name] = self.person_titles()
                return name

    def new_name(self, pool: list[str], suffixes: list[str] | tuple[str, ...]) -> str:
        """A two-character name from pool plus a suffix, not used before."""
        while True:
            a, b = self.rng.sample(pool, 2)
            name = a + b + self.rng.choice(suffixes)
            if name not in self.taken:
                self.taken.add(name)
                return name

    def refresh_samplers(self) -> None:
        """Rebuild the samplers of the growing pools (newcomers join at the rare end)."""
        self.person = zipf(self.rng, self.persons, s=1.1)
        self.place = zipf(self.rng, self.places, s=0.9)

    def start_month(self, month: int) -> None:
        """Introduce this month's new words and recompute which ones are in the news."""
        if month == self.month:
            return
        self.month = month
        makers = {
            "person": self.new_person,
            "community": lambda: self.new_name(self.place_chars, ("社区", "村")),
            "project": lambda: self.new_name(self.fancy_chars, words(PROJECT_TYPES)),
            "company": lambda: self.new_name(self.fancy_chars, words(INDUSTRIES)),
            "campaign": lambda: self.new_name(self.fancy_chars, words(CAMPAIGN_TYPES)),
        }
        for kind, count in WORDS_PER_MONTH.items():
            for _ in range(count):
                word = makers[kind]()
                self.new_words.append((word, kind, month))
                if kind == "person":
                    self.persons.append(word)
                elif kind == "community":
                    self.places.append(word)
        self.refresh_samplers()
        # Each new word gets its own popularity: some are news for weeks, some once.
        recent = [(w, k, m) for w, k, m in self.new_words if m > month - ACTIVE_MONTHS]
        weights = [self.rng.choice((0.05, 0.2, 1.0, 3.0)) * (0.5 ** (month - m)) for _, _, m in recent]
        self.active = sampler(self.rng, [(w, k) for w, k, _ in recent], weights, batch=256)


SLOT_OF_KIND = {"person": "R", "community": "L", "project": "T", "company": "O", "campaign": "T"}


# --------------------------------------------------------------------------- text

class Writer:
    """Writes one article at a time: body, title and the names it used."""

    def __init__(self, rng: Random, world: World):
        self.rng, self.world = rng, world
        self.date = dt.date(2000, 1, 1)
        self.cast: dict[str, list[str]] = {}
        self.unused: dict[str, list[str]] = {}
        self.used: dict[str, str] = {}     # name -> slot letter, in order of first use
        self.featured = ""                 # the name a title is about

        def z(text: str) -> Sampler:
            return zipf(rng, words(text))

        self.slots = {
            "N": z(NOUNS), "V": z(VERBS), "A": z(ADVERBS), "M": z(ADJECTIVES), "C": z(CONNECTORS),
            "K": z(SAY), "X": z(ACRONYMS), "S": self.subject, "P": self.titled_person,
            "R": lambda: self.entity("R"), "L": lambda: self.entity("L"),
            "O": lambda: self.entity("O"), "T": lambda: self.entity("T"),
            "Z": lambda: self.featured, "D": self.day, "Q": self.quantity, "G": self.percent,
            "Y": self.money, "E": self.year,
        }
        self.generic_subject = z(SUBJECTS)
        self.clause_stream = stream(rng, [self.compile(t) for t, _ in CLAUSES], [w for _, w in CLAUSES])
        self.titles = {k: [self.compile(t) for t in ts] for k, ts in TITLES.items()}
        self.kickers = [self.compile(t) for t in KICKERS]
        self.subtitles = [self.compile(t) for t in SUBTITLES]

    def compile(self, template: str) -> tuple:
        """Turn "{V}{N}的{N}" into a tuple of callables; literals become str.__str__."""
        parts = SLOT_RE.split(template)
        return tuple(self.slots[p] if i % 2 else p.__str__ for i, p in enumerate(parts) if p)

    @staticmethod
    def fill(template: tuple) -> str:
        """The text of a compiled template."""
        return "".join(map(call, template))

    @staticmethod
    def fill_all(templates: Iterable[tuple]) -> Iterator[str]:
        """fill() of each template, with no Python code per template (this is the hot loop)."""
        return map("".join, map(partial(map, call), templates))

    # ---- slots that need the article or the rng
    def entity(self, slot: str) -> str:
        """A name of the article's cast, each cast member used once before repeats."""
        if self.unused.get(slot):
            name = self.unused[slot].pop()
        elif self.cast.get(slot):
            cast = self.cast[slot]
            name = cast[int(self.rng.random() * len(cast))]
        else:
            name = {"R": self.world.person, "L": self.world.place, "O": self.world.org,
                    "T": self.world.project}[slot]()
            self.cast[slot] = [name]
        self.used.setdefault(name, slot)
        return name

    def titled_person(self) -> str:
        name = self.entity("R")
        return self.world.title_of[name] + name if self.rng.random() < 0.35 else name

    def subject(self) -> str:
        r = self.rng.random()
        return self.entity("O") if r < 0.15 else self.entity("L") if r < 0.25 else self.generic_subject()

    def day(self) -> str:
        d = self.date - dt.timedelta(days=self.rng.choice((0, 1, 1, 2, 3, 5, 7)))
        return f"{d.month}月{d.day}日" + self.rng.choice(("", "", "上午", "下午", "晚"))

    def quantity(self) -> str:
        r = self.rng
        n = between(r, *r.choice(((2, 12), (10, 99), (100, 999), (1000, 9999))))
        return f"{n}{r.choice(('个', '余家', '名', '户', '项', '万人次', '平方米', '公里', '余人', '场'))}"

    def percent(self) -> str:
        return f"{between(self.rng, 1, 30)}.{between(self.rng, 0, 9)}%"

    def money(self) -> str:
        r = self.rng
        if r.random() < 0.5:
            return f"{between(r, 1, 50)}.{between(r, 1, 9)}亿元"
        return f"{between(r, 100, 9900)}万元"

    def year(self) -> str:
        return f"{self.date.year - self.rng.choice((0, 0, 0, 1, 2))}年"

    # ---- sentences
    def clauses(self, lo: int, hi: int, sep: str = "，") -> str:
        """lo..hi clauses joined by sep, without the closing punctuation."""
        return sep.join(self.fill_all(itertools.islice(self.clause_stream, between(self.rng, lo, hi))))

    def sentence(self) -> str:
        """One sentence: mostly plain clauses, sometimes a quote, a list or an enumeration."""
        r = self.rng.random()
        if r < 0.78:
            return self.clauses(1, 4) + "。"
        if r < 0.86:
            return f"{self.slots['P']()}{self.slots['K']()}：“{self.clauses(1, 3)}。”"
        if r < 0.90:
            return f"“{self.clauses(1, 3)}。”{self.entity('R')}{self.slots['K']()}。"
        if r < 0.97:
            return self.clauses(2, 3, "；") + "。"
        items = "；".join(f"{n}是{self.clauses(1, 2)}" for n in "一二三")
        return f"{self.generic_subject()}{self.slots['V']()}{self.slots['N']()}：{items}。"

    def mention(self, name: str, slot: str) -> str:
        """A sentence that is sure to contain name (for cast members never drawn)."""
        rest = self.clauses(1, 2)
        if slot == "R":
            return f"{name}{self.slots['K']()}，{rest}。"
        if slot == "L":
            return f"在{name}，{rest}。"
        return f"{name}{self.slots['V']()}{self.slots['N']()}，{rest}。"

    # ---- articles
    def start(self, date: dt.date, new_word: tuple[str, str] | None) -> None:
        """Pick the cast of the next article: people, places, maybe a new word."""
        w, r = self.world, self.rng
        self.date = date
        self.used = {}
        self.cast = {"R": [w.person() for _ in range(r.randint(1, 3))],
                     "L": [w.place() for _ in range(r.randint(1, 2))],
                     "O": [w.org()], "T": []}
        if new_word:
            self.cast[SLOT_OF_KIND[new_word[1]]].append(new_word[0])
        self.cast = {k: list(dict.fromkeys(v)) for k, v in self.cast.items()}
        self.unused = {k: list(v) for k, v in self.cast.items()}

    def body(self, length: int, lead: str) -> str:
        """Paragraphs of sentences until about length characters."""
        r = self.rng
        paragraphs, total = [], 0
        while total < length:
            para, plen = [lead] if not paragraphs and lead else [], 0
            target = between(r, 90, 320)
            while plen < target and total + plen < length:
                s = self.sentence()
                para.append(s)
                plen += len(s)
            paragraphs.append(para)
            total += plen
        for slot in ("T", "O", "R", "L"):          # the cast must show up somewhere
            for name in self.unused.get(slot, []):
                r.choice(paragraphs).append(self.mention(name, slot))
                self.used.setdefault(name, slot)
        return "\n\n".join("".join(p) for p in paragraphs) + "\n"

    def headline(self, prefer: str | None) -> str:
        """A title of 8–24 characters, usually featuring a name from the body."""
        r = self.rng
        for _ in range(30):
            if prefer and r.random() < 0.7:
                self.featured, slot = prefer, self.used[prefer]
            elif self.used and r.random() < 0.75:
                self.featured, slot = r.choice(list(self.used.items()))
            else:
                self.featured, slot = "", ""
            title = self.fill(r.choice(self.titles["P" if slot == "R" else slot]))
            if 8 <= len(title) <= 24:
                return title
        return title[:24]

    def line(self, templates: list[tuple]) -> str:
        """A kicker or subtitle of 6–20 characters."""
        for _ in range(10):
            text = self.fill(self.rng.choice(templates))
            if 6 <= len(text) <= 20:
                return text
        return text[:20]


# --------------------------------------------------------------------------- files

SAFE_SCALAR_RE = re.compile(r"^[\u4e00-\u9fff“《（A-Za-z0-9][^:#{}\[\],&*!|>'\"%@`\n]*$")


def scalar(text: str) -> str:
    """text as a YAML scalar: plain when safe, else double-quoted."""
    if SAFE_SCALAR_RE.match(text) and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def front_matter(meta: dict) -> str:
    """The YAML front matter block of an article, keys in a fixed order."""
    lines = ["---"]
    for key in ("title", "kicker", "subtitle"):
        if meta.get(key):
            lines.append(f"{key}: {scalar(meta[key])}")
    if meta.get("authors"):
        lines.append("authors:")
        for name, role in meta["authors"]:
            lines.append(f"  - {{name: {name}, role: {role}}}" if role else f"  - {{name: {name}}}")
    if meta.get("column"):
        lines.append(f"column: {scalar(meta['column'])}")
    lines.append(f"kind: {meta['kind']}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# --------------------------------------------------------------------------- the paper

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
PAGES_WEEKDAY = {4: 30, 5: 30, 6: 20, 7: 10, 8: 10}
ARTICLES_PER_PAGE = {3: 55, 4: 25, 5: 10, 6: 6, 7: 4}
KIND_WEIGHTS = {  # by page name; other pages use "*"
    "理论": {"commentary": 50, "news": 40, "feature": 10},
    "副刊": {"feature": 60, "news": 25, "photo": 15},
    "*": {"news": 85, "photo": 8, "commentary": 4, "feature": 3},
}


class Generator:
    """Writes the whole archive and collects what the queries need."""

    def __init__(self, out: Path, seed: int):
        self.out = out
        self.rng = Random(seed)
        self.query_rng = Random(f"queries-{seed}")  # separate, so queries never shift the text
        self.world = World(self.rng)
        self.writer = Writer(self.rng, self.world)
        self.page_names = words(PAGE_NAMES)
        self.columns = words(COLUMNS)
        self.editors = self.world.staff[:15]
        self.doc_freq: dict[str, int] = {}
        self.sample_bodies: list[str] = []
        self.articles = self.issues = self.chars = 0

    def run(self, start: dt.date, end: dt.date) -> None:
        pub = self.out / "daily"
        pub.mkdir(parents=True)
        write(self.out / "site.yml", "title: 湖城日报数字报\nlanguage: zh-CN\npublications:\n  - daily\n")
        write(pub / "publication.yml",
              "name: 湖城日报\nkind: newspaper\npublisher: 湖城日报社\nfrequency: 日报\n")
        day = start
        while day < end:
            self.world.start_month(day.year * 12 + day.month - 1)
            self.issue(pub, day, total_number=5001 + (day - start).days)
            day += dt.timedelta(days=1)
        lines = [json.dumps(q, ensure_ascii=False) for q in self.queries()]
        write(self.out / "queries.json", "[\n" + ",\n".join(lines) + "\n]\n")

    def pages(self, day: dt.date) -> list[str]:
        """Page names for an issue: 要闻 first, then others in the usual order."""
        r = self.rng
        n = 4 if day.weekday() >= 5 else r.choices(list(PAGES_WEEKDAY), list(PAGES_WEEKDAY.values()))[0]
        second = "要闻" if r.random() < 0.6 else "综合"
        rest = [p for p in self.page_names if p not in ("要闻", second)]
        chosen = sorted(r.sample(rest, n - 2), key=self.page_names.index)
        return ["要闻", second] + chosen

    def issue(self, pub: Path, day: dt.date, total_number: int) -> None:
        """Write one issue: its pages, their articles and issue.yml."""
        r = self.rng
        folder = pub / day.isoformat()
        folder.mkdir()
        meta = [f"date: {day.isoformat()}", f"total_number: {total_number}",
                f"weekday: {WEEKDAYS[day.weekday()]}", "pages:"]
        serial = 0
        for number, name in enumerate(self.pages(day), start=1):
            meta += [f"  - number: {number}", f"    name: {name}",
                     f"    editor: {r.choice(self.editors)}"]
            if r.random() < 0.5:
                meta.append(f"    staff: {{版式: {r.choice(self.editors)}, 校对: {r.choice(self.editors)}}}")
            page_dir = folder / f"{number:02d}"
            page_dir.mkdir()
            count = r.choices(list(ARTICLES_PER_PAGE), list(ARTICLES_PER_PAGE.values()))[0]
            if number == 1:
                count = max(count, 4)              # the front page is never thin
            for k in range(1, count + 1):
                serial += 1
                write(page_dir / f"{k:02d}-a{serial}.md", self.article(day, name))
        write(folder / "issue.yml", "\n".join(meta) + "\n")
        self.issues += 1

    def article(self, day: dt.date, page_name: str) -> str:
        """The Markdown file of one article, and bookkeeping for the queries."""
        r, w = self.rng, self.writer
        weights = KIND_WEIGHTS.get(page_name, KIND_WEIGHTS["*"])
        kind = r.choices(list(weights), list(weights.values()))[0]
        new_word = self.world.active() if r.random() < 0.35 else None
        w.start(day, new_word)

        authors = self.authors(kind)
        lead = "本报讯 " if kind == "news" and r.random() < 0.7 else ""
        if lead and r.random() < 0.5:
            lead += w.day() + "，"
        body = w.body(int(r.triangular(500, 1100, 800)), lead)

        meta = {"title": w.headline(new_word[0] if new_word else None),
                "kind": kind, "authors": authors}
        if kind == "news" and r.random() < 0.15:
            meta["kicker"] = w.line(w.kickers)
        if kind in ("news", "feature") and r.random() < 0.12:
            meta["subtitle"] = w.line(w.subtitles)
        if kind == "commentary":
            meta["column"] = "第一评论"
        elif r.random() < 0.18:
            meta["column"] = r.choice(self.columns)

        for name in w.used:
            self.doc_freq[name] = self.doc_freq.get(name, 0) + 1
        self.sample(body)
        self.articles += 1
        self.chars += len(body)
        return front_matter(meta) + body

    def authors(self, kind: str) -> list[tuple[str, str]]:
        """One to three (name, role) bylines; commentaries have one, maybe without role."""
        r, w = self.rng, self.world
        if kind == "commentary":
            return [(w.reporter(), "评论员" if r.random() < 0.5 else "")]
        first_role = "摄影" if kind == "photo" else ("记者" if r.random() < 0.8 else "通讯员")
        result = [(w.reporter() if first_role != "通讯员" else w.correspondent(), first_role)]
        for _ in range(r.choices((0, 1, 2), (55, 30, 15))[0]):
            result.append((w.correspondent(), "通讯员") if r.random() < 0.6 else (w.reporter(), "记者"))
        return list(dict.fromkeys(result))

    def sample(self, body: str, keep: int = 400) -> None:
        """Reservoir-sample article bodies to cut substring queries from."""
        if len(self.sample_bodies) < keep:
            self.sample_bodies.append(body)
        else:
            i = self.query_rng.randrange(self.articles + 1)
            if i < keep:
                self.sample_bodies[i] = body

    # ---- queries
    def span(self, lo: int, hi: int) -> str:
        """A random run of lo..hi Han characters from a sampled body."""
        r = self.query_rng
        while True:
            runs = [m for m in HAN_RUN_RE.findall(r.choice(self.sample_bodies)) if len(m) >= lo]
            if runs:
                run = r.choice(runs)
                n = r.randint(lo, min(hi, len(run)))
                i = r.randint(0, len(run) - n)
                return run[i:i + n]

    def spans(self, lo: int, hi: int, count: int) -> list[str]:
        """count different spans (fewer only if the text is too small to have them)."""
        found: dict[str, None] = {}
        for _ in range(count * 50):
            found[self.span(lo, hi)] = None
            if len(found) == count:
                break
        return list(found)

    def queries(self) -> list[dict]:
        """About 300 queries in six categories, all cut from the generated text."""
        r, n = self.query_rng, QUERIES_PER_CATEGORY
        picked: dict[str, list[str]] = {}
        # Half of the names among the 100 most written about, half from the long tail.
        names = sorted((p for p in self.world.persons if self.doc_freq.get(p)),
                       key=lambda p: (-self.doc_freq[p], p))
        head, tail = names[:100], names[100:]
        picked["name"] = (r.sample(head, min(n // 2, len(head)))
                          + r.sample(tail, min(n - n // 2, len(tail))))
        for size in (2, 3, 4):
            picked[f"substring{size}"] = self.spans(size, size, n)
        picked["phrase"] = self.spans(6, 12, n)
        new = sorted(((self.doc_freq[word], word) for word, _, _ in self.world.new_words
                      if self.doc_freq.get(word)))
        few = [word for freq, word in new if freq <= 5]
        rare = r.sample(few, min(n, len(few)))
        rare += [word for _, word in new if word not in rare][:n - len(rare)]
        picked["rare"] = rare
        return [{"category": cat, "query": q} for cat, qs in picked.items() for q in sorted(qs)]


# --------------------------------------------------------------------------- main

def add_years(day: dt.date, years: int) -> dt.date:
    """The same day years later (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:                      # 29 February
        return day.replace(year=day.year + years, day=28) + dt.timedelta(days=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output content folder")
    parser.add_argument("--years", type=int, required=True, help="years of daily issues")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2021, 1, 1),
                        help="first issue date (default 2021-01-01)")
    parser.add_argument("--force", action="store_true",
                        help="replace OUT_DIR if it holds an earlier generated archive")
    args = parser.parse_args(argv)

    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not (args.force and (out / "queries.json").is_file() and (out / "site.yml").is_file()):
            print(f"{out} is not empty (use --force to replace an earlier generated archive)",
                  file=sys.stderr)
            return 1
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)

    began = time.perf_counter()
    gen = Generator(out, args.seed)
    gen.run(args.start, add_years(args.start, args.years))
    print(f"{gen.issues} issues, {gen.articles} articles, {gen.chars / 1e6:.1f}M characters "
          f"in {time.perf_counter() - began:.1f}s -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
