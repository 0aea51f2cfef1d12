"""Step 4 for newspapers: classified blocks → draft articles.

Printed pages come out of PDF extraction in layout order, not reading order:
a title may follow its body, a byline may float to the top of the page, a
column label may sit after its article. So titles are paired with bodies by
what they say (shared character pairs with the body's opening) and by where
they sit, bylines by a short list of placement rules, and every pairing that
is not certain is written to the review.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter

from ..load import TITLE_PLACEHOLDER
from .blocks import Block
from .drafts import Draft, PageMeta, Segment
from .review import Review
from .text import bigrams, ends_sentence, join_lines, letter_spaced, overlap, unwrap_spaces

LEAD = "本报讯"
UNTITLED = TITLE_PLACEHOLDER  # `check` warns until an editor gives the title
PUBLIC_AD_RE = re.compile(r"公\s*/?\s*益\s*/?\s*广\s*/?\s*告")
ROLES = ("本报评论员", "评论员", "通讯员", "见习记者", "实习生", "记者", "摄影")
ROLE_RE = re.compile("(" + "|".join(ROLES) + ")")
KICKER_END_RE = re.compile(r"(强调|指出|表示|要求|提出|时说|上说)$")
# A line that names who acted ("我市掀起…") is the title; the line above it only frames it.
SUBJECT_RE = re.compile(r"^(我市|我区|我县|我省|全市|全区|全县|本市)")
MATCH_THRESHOLD = 0.3
NEAR_BONUS = 0.25
WORDING_WINDOW = 400  # blocks either side of a title where its body may lie: more than a page holds
PHOTO_CAPTION_MAX = 200


# ---------------------------------------------------------------- furniture

def read_masthead(blocks: list[Block], meta: PageMeta, review: Review) -> None:
    for block in blocks:
        if block.kind != "masthead":
            continue
        for line in block.lines:
            text = re.sub(r"\s+", "", line.text)
            date = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
            if date:
                meta.date = f"{int(date.group(1)):04d}-{int(date.group(2)):02d}-{int(date.group(3)):02d}"
                meta.date_line = line.no
            weekday = re.search(r"星期[一二三四五六日天]", text)
            if weekday:
                meta.weekday = weekday.group(0).replace("天", "日")
            lunar = re.search(r"农历[^总\s]+", line.text)
            if lunar:
                meta.lunar = lunar.group(0)
            total = re.search(r"总第(\d+)期", text)
            if total:
                meta.total_number = int(total.group(1))
            if date or weekday or lunar or total:
                review.drop(line.no, line.text, "报头，已写入 issue.yml")
            else:
                review.drop(line.no, line.text, "报头文字（主办单位、报名），未收入稿件")


def read_footer(block: Block, meta: PageMeta, review: Review) -> str:
    """Editor footers become page metadata; returns any column label printed with them."""
    text = " ".join(block.texts)
    label = ""
    head = re.match(r"^([A-Z]{4,})\s+", text)
    if head:
        label, text = head.group(1), text[head.end():]
    for key, value in re.findall(r"(\S+?)\s*[/／:：]\s*(.+?)(?=\s+\S+\s*[/／:：]|$)", text):
        value = re.sub(r"\s+", "", value)
        key = key.strip()
        if key == "编辑":
            meta.editor = value
        else:
            meta.staff[key] = value
    for line in block.lines:
        review.drop(line.no, line.text, "版面页脚，已作为本版责任人员写入 issue.yml")
    return label


# ---------------------------------------------------------------- bylines

def parse_byline(text: str) -> list[dict]:
    """`■记者 胡佳英 摄影 王 强` → [{name: 胡佳英, role: 记者}, {name: 王强, role: 摄影}]."""
    text = text.lstrip("■ ").strip()
    text = re.sub(r"记\s+者", "记者", re.sub(r"摄\s+影", "摄影", text))
    authors: list[dict] = []
    parts = ROLE_RE.split(text)
    if parts[0].strip():  # a name with no role: a pen name such as ■言成声
        for name in _names(parts[0]):
            authors.append({"name": name})
    for role, names in zip(parts[1::2], parts[2::2]):
        if role == "本报评论员":
            authors.append({"name": "本报评论员", "role": "评论员"})
        for name in _names(names):
            authors.append({"name": name, "role": role})
    return authors


def _names(text: str) -> list[str]:
    """Names separated by spaces; single characters are halves of a letter-spaced name."""
    tokens = text.split()
    names, pending = [], ""
    for token in tokens:
        if len(token) == 1 and not pending:
            pending = token
        elif pending:
            names.append(pending + token)
            pending = ""
        else:
            names.append(token)
    if pending:
        names.append(pending)
    return names


# ---------------------------------------------------------------- bodies

def paragraphs(blocks: list[Block], review: Review, per_line: bool = False) -> list[str]:
    """Rejoin wrapped lines into paragraphs.

    Inside a block, a line that ends a sentence and is shorter than the column
    is a paragraph end. Between blocks (a blank line: a column or page break),
    text runs on unless the block before ended a sentence.
    """
    lines = [line for block in blocks for line in block.lines]
    lengths = sorted(len(line.text) for line in lines)
    width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    per_line = per_line or width > 40
    result: list[list[str]] = []
    open_paragraph = False
    for k, block in enumerate(blocks):
        for i, line in enumerate(block.lines):
            text = line.text
            if not open_paragraph:
                result.append([])
            result[-1].append(text)
            last_in_block = i == len(block.lines) - 1
            if ends_sentence(text):
                open_paragraph = not (last_in_block or per_line or len(text) < width - 1)
            else:
                open_paragraph = True
        if open_paragraph and k + 1 < len(blocks) and (len(block.lines) == 1 or len(block.texts[-1]) < width * 0.6):
            # a lone line that stops mid-sentence is where OCR most often dropped a passage
            review.note(block.last, "lost-text", f"句子在此处分栏断开，接第{blocks[k + 1].first}行；"
                                                 "请核对有无缺文")
    return [clean_paragraph(join_lines(p)) for p in result if "".join(p).strip()]


def clean_paragraph(text: str) -> str:
    lead = text.startswith(LEAD)
    text = unwrap_spaces(text[len(LEAD):] if lead else text)
    return f"{LEAD} {text}" if lead else text


# ---------------------------------------------------------------- titles

def title_parts(block: Block) -> tuple[str, str, str]:
    """(kicker, title, subtitle) from one title block's lines."""
    lines = [letter_spaced(t) if " " in t and len(t.replace(" ", "")) * 2 - 1 == len(t) else t
             for t in block.info["lines"]]
    doubled = block.info["doubled"]
    if len(lines) == 1:
        return "", lines[0], ""
    if any(doubled):
        first = doubled.index(True)
        run = first
        while run + 1 < len(lines) and doubled[run + 1]:
            run += 1
        title_lines = lines[first:run + 1]
        if len(title_lines) > 1 and abs(len(title_lines[0]) - len(title_lines[1])) > 3:
            title, rest = title_lines[0], title_lines[1:]
        else:
            title, rest = " ".join(title_lines), []
        return " ".join(lines[:first]), title, " ".join(rest + lines[run + 1:])
    if KICKER_END_RE.search(lines[0]) or (SUBJECT_RE.match(lines[1]) and not SUBJECT_RE.match(lines[0])):
        return lines[0], lines[1], " ".join(lines[2:])
    return "", lines[0], " ".join(lines[1:])


# ---------------------------------------------------------------- newspaper pages

def assemble_newspaper(blocks: list[Block], review: Review) -> tuple[list[Draft], PageMeta]:
    meta = PageMeta()
    read_masthead(blocks, meta, review)
    labels: list[tuple[int, str, int]] = []  # (block index, label, line)
    items: list[Block] = []
    for index, block in enumerate(blocks):
        if block.kind == "footer":
            label = read_footer(block, meta, review)
            if label:
                labels.append((index, label, block.first))
        elif block.kind == "qr":
            review.drop(block.first, " ".join(block.texts), "二维码说明文字")
        elif block.kind == "masthead":
            pass
        else:
            items.append(block)
    _subtitles_or_fragments(items, review)
    drafts: list[Draft] = []
    claimed: set[int] = set()
    drafts += _ads(items, claimed, review)
    drafts += _weather(items, claimed)
    segments = _segments(items, claimed)
    groups = _title_groups(items, claimed)
    articles = _pair_titles(items, segments, groups, claimed, review)
    _attach_orphans(articles, segments, review)
    _attach_bylines(items, articles, claimed, review)
    _attach_labels(items, articles, groups, claimed, labels, review)
    for block in items:
        if id(block) not in claimed:
            review.note(block.first, "order", f"这段文字未归入任何稿件，留在原处：{block.texts[0][:30]}")
    for draft in articles:
        draft.paragraphs = paragraphs(draft.segment.blocks, review) if draft.segment else []
        settle_kind(draft, review)
        if draft.paragraphs and not ends_sentence(draft.paragraphs[-1]):
            review.note(draft.segment.blocks[-1].last, "lost-text",
                        f"「{draft.title[:16]}」在句子中间结束，提取时可能丢了文字")
    for draft in articles + drafts:
        if not draft.title.strip():
            draft.title = UNTITLED
            review.note(draft.line, "title", "没有找到可用的标题，请补上")
    everything = sorted(articles + drafts, key=lambda d: d.line)
    leads = _lead_lines(items)
    lead = next((d for d in everything if d.title_line in leads), None)
    if lead is not None and everything[0] is not lead:
        everything.remove(lead)
        everything.insert(0, lead)
        review.note(lead.title_line, "order", f"「{lead.title[:16]}」的标题是本版加粗重复的头条标题，已排在最前")
    return everything, meta


def _subtitles_or_fragments(items: list[Block], review: Review) -> None:
    """On OCR pages, an unmarked short line right after a title is its subtitle, unless
    it repeats the title (then it is a torn-off piece of the body)."""
    for i, block in enumerate(items):
        if block.kind != "short":
            continue
        prev = items[i - 1] if i else None
        text = block.info["lines"][0]
        if prev is not None and prev.kind == "title" and overlap(text, " ".join(prev.info["lines"])) < 0.5 \
                and i + 1 < len(items) and items[i + 1].kind in ("byline", "body"):
            prev.info["lines"] = prev.info["lines"] + block.info["lines"]
            prev.info["doubled"] = prev.info["doubled"] + block.info["doubled"]
            block.kind = "merged"
            review.note(block.first, "title", f"未标记的一行，已作为「{prev.info['lines'][0][:16]}」的副题")
        else:
            block.kind = "body"
    items[:] = [b for b in items if b.kind != "merged"]


def _ads(items: list[Block], claimed: set[int], review: Review) -> list[Draft]:
    drafts = []
    i = 0
    while i < len(items):
        block = items[i]
        if block.kind != "ad" or id(block) in claimed:
            i += 1
            continue
        start = i
        # an ad's name and slogan are the short unplaced lines printed just above its details
        while start > 0 and items[start - 1].kind in ("title", "body") and len("".join(items[start - 1].texts)) <= 40 \
                and (items[start - 1].kind == "title" or (start >= 2 and items[start - 2].kind == "title")):
            start -= 1
            if items[start].kind == "title":
                break
        end = i
        while end + 1 < len(items) and items[end + 1].kind == "ad":
            end += 1
        members = items[start:end + 1]
        for member in members:
            claimed.add(id(member))
        draft = Draft(kind="ad", line=members[0].first, title_line=members[0].first)
        lines = [line.text for member in members for line in member.lines]
        marked = next((k for k, t in enumerate(lines) if PUBLIC_AD_RE.search(t)), None)
        if marked is not None:
            marker = PUBLIC_AD_RE.search(lines[marked])
            draft.column = "公益广告"
            review.drop(members[0].first, marker.group(0), "公益广告标记，已作为该条的栏目")
            name = lines[marked][: marker.start()].strip()
            rest = lines[marked][marker.end():].strip()
            body_lines = lines[:marked] + ([rest] if rest else []) + lines[marked + 1:]
            draft.title = name or "公益广告"
            if not body_lines and items[-1].kind in ("short", "body", "title") and id(items[-1]) not in claimed \
                    and not ends_sentence(items[-1].texts[-1]) and len(items[-1].texts) == 1:
                # a slogan printed on its own at the page's foot
                claimed.add(id(items[-1]))
                body_lines = items[-1].texts
                review.note(items[-1].first, "furniture", "版面底部的标语，已作为公益广告的正文")
        else:
            draft.title, body_lines = lines[0], lines[1:]
        draft.paragraphs = [unwrap_spaces(letter_spaced(t)) for t in body_lines]
        review.note(draft.line, "furniture", f"广告，单独成条：{draft.title[:30]}")
        drafts.append(draft)
        i = end + 1
    return drafts


def _weather(items: list[Block], claimed: set[int]) -> list[Draft]:
    weather = [b for b in items if b.kind == "weather" and id(b) not in claimed]
    if not weather:
        return []
    for block in weather:
        claimed.add(id(block))
    return [Draft(title="天气预报", kind="weather", line=weather[0].first, title_line=weather[0].first,
                  paragraphs=[join_lines([t for b in weather for t in b.texts])])]


def _segments(items: list[Block], claimed: set[int]) -> list[Segment]:
    segments: list[Segment] = []
    previous = ""
    for index, block in enumerate(items):
        if id(block) in claimed:
            continue  # an ad or weather box printed inside an article does not end it
        if block.kind == "body":
            nxt = items[index + 1] if index + 1 < len(items) else None
            caption = nxt is not None and nxt.kind == "byline" and len(" ".join(block.texts)) <= PHOTO_CAPTION_MAX \
                and all(a.get("role") == "摄影" for t in nxt.texts for a in parse_byline(t))
            starts = block.texts[0].startswith(LEAD) or previous != "body" or not segments or caption
            if starts:
                segments.append(Segment([block], index))
            else:
                segments[-1].blocks.append(block)
            previous = "body"
        elif block.kind in ("title", "byline", "column"):
            previous = block.kind
    for segment in segments:
        for block in segment.blocks:
            claimed.add(id(block))
    return segments


def _title_groups(items: list[Block], claimed: set[int]) -> list[list[int]]:
    """Runs of adjacent title blocks, as indexes into items."""
    groups: list[list[int]] = []
    for index, block in enumerate(items):
        if block.kind != "title" or id(block) in claimed:
            continue
        if groups and groups[-1][-1] == index - 1:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def _neighbour(items: list[Block], index: int, step: int, skip=("byline",)) -> int | None:
    index += step
    while 0 <= index < len(items) and items[index].kind in skip:
        index += step
    return index if 0 <= index < len(items) else None


def _main_block(items: list[Block], group: list[int]) -> int:
    """The block of a title group that holds the title itself (the rest are kicker or labels)."""
    doubled = [i for i in group if any(items[i].info["doubled"])]
    if doubled:
        return doubled[0]
    marked = [i for i in group if items[i].heading]
    if marked:
        return min(marked, key=lambda i: (items[i].heading, i))
    for n, i in enumerate(group[:-1]):
        if KICKER_END_RE.search(items[i].info["lines"][-1]):
            return group[n + 1]
    return group[0]


def share(title_pairs: set[str], body_pairs: set[str]) -> float:
    """`text.overlap` of a title and a body whose character pairs are known."""
    return len(title_pairs & body_pairs) / len(title_pairs) if title_pairs else 0.0


def _pairs_by_wording(items, segments, groups) -> list[tuple[int, int]]:
    """(title group, body's segment index) pairs made by wording, in the order they are made.

    A pair scores the best `overlap` of a title line of the group with the body's opening, plus
    NEAR_BONUS if the title sits right above the body and again if it sits right below it; pairs
    under MATCH_THRESHOLD are not made. The best score pairs first, ties go to the earlier title
    and then the earlier body, and each title and body is paired once.

    Only bodies that can reach the threshold are scored: those right next to the title, and those
    within WORDING_WINDOW blocks of it (more than a printed page holds) sharing one of the title's
    rarer character pairs (a title whose pairs are at least MATCH_THRESHOLD in a body shares at
    least one of any len − needed + 1 of them). Bodies with the same opening score alike, so they
    are one class and are handed out in order. The work grows with the text, not with titles ×
    bodies, even where every title shares words with every body.
    """
    class_of: dict[str, int] = {}
    members: list[list[int]] = []  # each class's segment indexes, ascending
    openings: list[set[str]] = []
    seg_class: dict[int, int] = {}
    for segment in segments:
        lead = segment.lead
        if lead not in class_of:
            class_of[lead] = len(members)
            members.append([])
            openings.append(bigrams(lead))
        members[class_of[lead]].append(segment.index)
        seg_class[segment.index] = class_of[lead]
    title_pairs: dict[str, set[str]] = {}
    for group in groups:
        for i in group:
            text = " ".join(items[i].info["lines"])
            if text not in title_pairs:
                title_pairs[text] = bigrams(text)
    in_titles = set().union(*title_pairs.values())
    postings: dict[str, list[int]] = {pair: [] for pair in in_titles}  # the bodies using each title pair
    for segment in segments:  # in text order, so each list is sorted
        for pair in openings[seg_class[segment.index]] & in_titles:
            postings[pair].append(segment.index)
    by_block = {id(b): s.index for s in segments for b in s.blocks}
    offers: list[tuple[float, int, int | None, int | None]] = []  # (score, group, segment | None, class | None)
    near: dict[int, set[int]] = {}
    for g, group in enumerate(groups):
        titles = [title_pairs[" ".join(items[i].info["lines"])] for i in group]
        before = _neighbour(items, group[-1], +1)
        after = _neighbour(items, group[0], -1, skip=("byline", "column"))
        after_seg = by_block.get(id(items[after])) if after is not None else None
        near[g] = {s for s in (before, after_seg) if s in seg_class}
        for s in sorted(near[g]):
            score = max(share(t, openings[seg_class[s]]) for t in titles)
            if s == before:
                score += NEAR_BONUS
            if s == after_seg:
                score += NEAR_BONUS
            if score >= MATCH_THRESHOLD:
                offers.append((score, g, s, None))
        found: set[int] = set()
        for pairs in titles:
            needed = next((n for n in range(1, len(pairs) + 1) if n / len(pairs) >= MATCH_THRESHOLD), 0)
            if not needed:
                continue
            rare = sorted(pairs, key=lambda p: (len(postings.get(p, ())), p))[: len(pairs) - needed + 1]
            for pair in rare:
                bodies = postings.get(pair, ())
                window = bodies[bisect.bisect_left(bodies, group[0] - WORDING_WINDOW):
                                bisect.bisect_right(bodies, group[-1] + WORDING_WINDOW)]
                found.update(seg_class[b] for b in window)
        for c in sorted(found):
            score = max(share(t, openings[c]) for t in titles)
            if score >= MATCH_THRESHOLD:
                offers.append((score, g, None, c))
    offers.sort(key=lambda o: (-o[0], o[1]))
    start = [0] * len(members)  # members before it are all paired

    def first_free(c: int, skip: set[int]) -> int | None:
        free, i = members[c], start[c]
        while i < len(free) and free[i] in used_segments:
            i += 1
        start[c] = i
        while i < len(free) and (free[i] in used_segments or free[i] in skip):
            i += 1
        return free[i] if i < len(free) else None

    used_groups: set[int] = set()
    used_segments: set[int] = set()
    pairs_made: list[tuple[int, int]] = []
    k = 0
    while k < len(offers):
        score, g = offers[k][:2]
        end = k
        while end < len(offers) and offers[end][:2] == (score, g):
            end += 1
        if g not in used_groups:  # this title's best bodies: the earliest one still free
            free = [s if s not in used_segments else None for _, _, s, c in offers[k:end] if c is None]
            free += [first_free(c, near[g]) for _, _, s, c in offers[k:end] if c is not None]
            free = [s for s in free if s is not None]
            if free:
                used_groups.add(g)
                used_segments.add(min(free))
                pairs_made.append((g, min(free)))
        k = end
    return pairs_made


def _pair_titles(items, segments, groups, claimed, review) -> list[Draft]:
    by_start = {s.index: s for s in segments}
    pairs = _pairs_by_wording(items, segments, groups)
    used_groups, used_segments = {g for g, _ in pairs}, {s for _, s in pairs}
    # Last resort, after every pairing by wording: a title right above a body that found no
    # title is that body's title, whatever its words.
    for g, group in enumerate(groups):
        before = _neighbour(items, group[-1], +1)
        if g not in used_groups and before in by_start and before not in used_segments:
            pairs.append((g, before))
            used_groups.add(g)
            used_segments.add(before)
    drafts = []
    for g, seg_index in pairs:
        segment, group = by_start[seg_index], groups[g]
        index = _main_block(items, group)
        block = items[index]
        kicker, title, subtitle = title_parts(block)
        claimed.add(id(block))
        position = group.index(index)
        if position > 0:
            above = items[group[position - 1]]
            if not block.heading or not above.heading or above.heading - block.heading <= 1:
                claimed.add(id(above))
                kicker = " ".join(filter(None, [" ".join(above.info["lines"]), kicker]))
                review.note(above.first, "title", f"已作为「{title[:16]}」的引题")
        draft = Draft(title=title, kicker=kicker, subtitle=subtitle, line=segment.first, title_line=block.first,
                      segment=segment, title_after_body=block.first > segment.first)
        if draft.title_after_body:
            review.note(block.first, "order",
                        f"标题「{title[:16]}」印在正文（第{segment.first}行）之后，按用词配对")
        elif _neighbour(items, group[-1], +1) != seg_index:
            review.note(block.first, "order", f"标题「{title[:16]}」按用词与第{segment.first}行的正文配对")
        if len(block.info["lines"]) > 1 and not any(block.info["doubled"]):
            parts = [f"{name}「{part[:10]}」" for name, part in (("引题", kicker), ("主题", title), ("副题", subtitle)) if part]
            review.note(block.first, "title", f"标题的几行已分为{' / '.join(parts)}；请核对")
        if title.startswith(("-", "—")) and len(title) > 1:
            review.note(block.first, "title", f"标题以「{title[0]}」开头，可能是“一”的识别错误")
        drafts.append(draft)
    for segment in segments:
        if segment.index not in used_segments:
            drafts.append(Draft(line=segment.first, title_line=segment.first, segment=segment))
    drafts.sort(key=lambda d: d.line)
    return drafts


def _attach_orphans(drafts: list[Draft], segments, review) -> None:
    """Bodies left without a title: a 本报讯 lead torn from its article, a photo caption, or unknown."""
    host = None  # the last draft above with a title and a body
    woven = set()
    for draft in drafts:  # in line order
        if draft.title:
            host = draft if draft.segment else host
            continue
        text = draft.segment.lead
        if text.startswith(LEAD) and host and not host.segment.lead.startswith(LEAD):
            host.segment.blocks = _weave(draft.segment.blocks, host.segment.blocks, review)
            woven.add(id(draft))
            review.note(draft.line, "order", f"“本报讯”导语已移到「{host.title[:16]}」的开头（其正文在第{host.line}行从句子中间开始）；"
                                              "请核对顺序")
            continue
        caption = " ".join(t for b in draft.segment.blocks for t in b.texts)
        if len(caption) <= PHOTO_CAPTION_MAX and not text.startswith(LEAD):
            draft.title = photo_title(caption)
            draft.kind = "photo"
            review.note(draft.line, "title", f"图片说明没有标题，已取开头几个字作标题：{draft.title}")
        else:
            draft.title = UNTITLED
            review.note(draft.line, "title", "这段正文没有找到标题，请补上")
        host = draft if draft.title else host
    drafts[:] = [d for d in drafts if id(d) not in woven]


def _weave(lead: list[Block], host: list[Block], review: Review) -> list[Block]:
    """Put a torn-off lead back in front of its article.

    Extraction cut the article into pieces that each stop or start mid-sentence.
    The lead goes first; where it stops mid-sentence the host's first piece
    continues it; the lead's other pieces that start mid-sentence fill, in order,
    the host's paragraphs that stop mid-sentence.
    """
    lead, host = list(lead), list(host)
    result = [lead.pop(0)]
    if not ends_sentence(result[-1].texts[-1]) and host:
        result.append(host.pop(0))
        review.note(result[-1].first, "order", "这一段已接在移动后的“本报讯”导语末尾")
        while lead and not ends_sentence(result[-1].texts[-1]):
            result.append(lead.pop(0))
    for block in host:
        result.append(block)
        if lead and not ends_sentence(block.texts[-1]):
            result.append(lead.pop(0))
            review.note(result[-1].first, "order", f"断开的一段已接在第{block.last}行（句子在那里中断）之后；"
                                                   "请核对")
    if lead:
        result.extend(lead)
        review.note(lead[0].first, "order", "断开的几段已放在稿件末尾；请核对")
    return result


def _attach_bylines(items, drafts, claimed, review) -> None:
    of_block = {}
    for draft in drafts:
        if draft.segment:
            for block in draft.segment.blocks:
                of_block[id(block)] = draft
    titles = {d.title_line: d for d in drafts}
    bylines = [i for i, b in enumerate(items) if b.kind == "byline" and id(b) not in claimed]
    pending = []
    for i in bylines:
        block = items[i]
        claimed.add(id(block))
        if i > 0 and items[i - 1].kind == "byline" and block.tight:
            continue  # second line of the byline above, read together with it
        j = i + 1
        while j < len(items) and items[j].kind == "byline" and items[j].tight:
            j += 1
        authors = []
        for part in items[i:j]:
            for line in part.lines:
                found = parse_byline(line.text)
                authors += found
                unused = Counter(c for c in line.text if not c.isspace() and c != "■") \
                    - Counter("".join(v for a in found for v in a.values()))
                if unused:
                    review.drop(line.no, "".join(c for c in line.text if c in unused),
                                "署名中没有人名的字" if found else "没有人名的署名")
        if not authors:
            continue
        pending.append((i, j, authors))
    # 1. a byline printed tight under a title is that title's
    kept = []
    for entry in pending:
        i, j, authors = entry
        prev = items[i - 1] if i else None
        if prev is not None and items[i].tight and prev.first in titles:
            titles[prev.first].authors = authors
        else:
            kept.append(entry)
    # 2. a photo credit belongs to the caption above it
    pending, kept = kept, []
    for entry in pending:
        i, j, authors = entry
        prev = of_block.get(id(items[i - 1])) if i else None
        if all(a.get("role") == "摄影" for a in authors) and prev and not prev.authors \
                and len(" ".join(prev.segment.blocks[-1].texts)) <= PHOTO_CAPTION_MAX and len(prev.segment.blocks) == 1:
            prev.authors = authors
            prev.kind = "photo"
        else:
            kept.append(entry)
    # 3. bylines in a run at the top of the page float: placed last
    top = next((k for k, b in enumerate(items) if b.kind not in ("byline", "masthead")), len(items))
    floating = [entry for entry in kept if entry[0] <= top]
    pending = [entry for entry in kept if entry[0] > top]
    if floating and len(floating) == 1 and _neighbour(items, floating[0][0], +1) is not None:
        pending.insert(0, floating.pop())
    # 4. right after a body and right before the next one: the next one's
    pending, kept = [], pending
    for entry in kept:
        i, j, authors = entry
        prev = items[i - 1] if i else None
        owner = of_block.get(id(items[j])) if j < len(items) else None
        if prev is not None and prev.kind != "title" and owner and owner.segment.blocks[0] is items[j] \
                and not owner.authors:
            owner.authors = authors
        else:
            pending.append(entry)
    # the article that starts at or after each block: a body's first block, or a title above its body
    starts: list[Draft | None] = [None] * (len(items) + 1)
    for k in range(len(items) - 1, -1, -1):
        body = of_block.get(id(items[k]))
        title = titles.get(items[k].first)
        if body is not None and body.segment.blocks[0] is items[k]:
            starts[k] = body
        elif title is not None and not title.title_after_body:
            starts[k] = title
        else:
            starts[k] = starts[k + 1]
    # 5. in reading order: after a title printed below its body, that article's unless it
    #    already has a byline; otherwise the next body's
    for i, j, authors in sorted(pending):
        prev = items[i - 1] if i else None
        owner = titles.get(prev.first) if prev is not None else None
        if owner and owner.title_after_body and not owner.authors:
            owner.authors = authors
            review.note(items[i].first, "byline", f"标题「{owner.title[:16]}」之后的署名已归入该稿；"
                                                  "也可能属于下面的正文")
            continue
        owner = starts[j]
        if owner is None or owner.authors:
            floating.append((i, j, authors))
            continue
        owner.authors = authors
    # floating bylines go to articles still without one, the lead story first
    if floating:
        takers = [d for d in drafts if not d.authors and d.kind not in ("photo",) and d.segment]
        takers.sort(key=lambda d: (not d.segment.lead.startswith(LEAD), d.line))
        leads = _lead_lines(items)
        takers = [d for d in takers if d.title_line in leads] + [d for d in takers if d.title_line not in leads]
        for (i, j, authors), draft in zip(floating, takers):
            draft.authors = authors
            review.note(items[i].first, "byline", f"位置不定的署名{'、'.join(a['name'] for a in authors)}"
                                                  f"是推测归入「{draft.title[:16]}」的")
        for i, j, authors in floating[len(takers):]:
            review.drop(items[i].first, " ".join(t for b in items[i:j] for t in b.texts),
                        "多余的署名（每篇稿件都已有署名）")


def _lead_lines(items) -> set[int]:
    """The title lines of drafts whose title is a doubled (bold) headline: the page's lead story."""
    titles: dict[int, Block] = {}
    for block in items:
        if block.kind == "title":
            titles.setdefault(block.first, block)
    return {line for line, block in titles.items() if any(block.info.get("doubled", []))}


def _attach_labels(items, drafts, groups, claimed, labels, review) -> None:
    order = sorted(drafts, key=lambda d: d.line)
    # owner_before(line): the last draft in reading order whose title or body starts above the line
    tops = sorted((min(d.line, d.title_line), n) for n, d in enumerate(order))
    keys = [top for top, _ in tops]
    latest = list(itertools.accumulate((n for _, n in tops), max))

    def owner_before(line: int) -> Draft | None:
        above = bisect.bisect_left(keys, line)
        return order[latest[above - 1]] if above else None

    headings = {b.first: b.heading for b in items if b.heading}  # the last marked block starting at a line
    marked_titles = {d.title_line: headings[d.title_line] for d in drafts if d.title_line in headings}
    with_title: dict[int, Draft] = {}
    for draft in drafts:
        with_title.setdefault(draft.title_line, draft)
    for index, block in enumerate(items):
        if block.kind not in ("title", "column") or id(block) in claimed:
            continue
        claimed.add(id(block))
        text = letter_spaced(" ".join(block.info.get("lines", block.texts))) if block.kind == "title" \
            else block.texts[0]
        if block.kind == "column":
            for line in block.lines[1:]:
                review.drop(line.no, line.text, "栏目标签下的附注")
        nxt = _neighbour(items, index, +1, skip=())
        following = with_title.get(items[nxt].first) if nxt is not None else None
        if block.heading and following and marked_titles.get(following.title_line, 0) < block.heading:
            owner = following
        else:
            owner = owner_before(block.first)
        if owner is None:
            review.drop(block.first, text, "没有对应稿件的标题")
        elif owner.column:
            review.drop(block.first, text, f"「{owner.title[:16]}」附近的通栏标语或第二个标签")
        else:
            owner.column = text
            review.note(block.first, "column", f"标签「{text}」已作为「{owner.title[:16]}」的栏目")
    for index, label, line in labels:
        owner = owner_before(line)
        if owner and not owner.column:
            owner.column = label
            review.note(line, "column", f"标签「{label}」已作为「{owner.title[:16]}」的栏目；"
                                        "如果是拼音，请改写成中文")


def photo_title(caption: str) -> str:
    """A caption's opening words, as the title of a photo printed without one."""
    return re.split(r"[，,。]", unwrap_spaces(caption))[0][:16]


def settle_kind(draft: Draft, review: Review) -> None:
    if draft.kind in ("ad", "weather"):
        return
    roles = {a.get("role") for a in draft.authors}
    lead = draft.paragraphs[0] if draft.paragraphs else ""
    if roles == {"摄影"} or (not draft.authors and not lead.startswith(LEAD)
                            and len("".join(draft.paragraphs)) <= PHOTO_CAPTION_MAX and len(draft.paragraphs) == 1):
        draft.kind = "photo"
    elif "评论员" in roles or (draft.authors and roles == {None}):
        draft.kind = "commentary"
