"""Step 4 for journals: normalised lines → draft articles.

A journal issue comes as one text: its 目录 (organisation, title, start page),
then the articles, each a title line over its author organisation's line, one
paragraph per line. Articles are found by that shape and matched to the 目录
for their start pages; whatever finds no match is written to the review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .drafts import Draft
from .review import Review
from .text import LATIN_END_RE, LATIN_START_RE, ends_sentence, unwrap_spaces

ORG_RE = re.compile(r"(中心组|党委|党组|党工委|委员会|工委)$")
HEADING1_RE = re.compile(r"^[一二三四五六七八九十]+、")
HEADING2_RE = re.compile(r"^（[一二三四五六七八九十]+）")
DATE_LINE_RE = re.compile(r"^（\d{4}年\d{1,2}月\d{1,2}日）$")


@dataclass
class TocEntry:
    org: str
    title: str
    page: int | None
    line: int


def read_toc(lines, review: Review) -> tuple[list[TocEntry], int]:
    """The 目录: entries of organisation, title and page; returns them and the index after it."""
    start = next((i for i, l in enumerate(lines) if re.sub(r"\s", "", l.text) == "目录"), None)
    if start is None:
        return [], 0
    for line in lines[:start]:
        if line.text:
            review.drop(line.no, line.text, "目录之前的文字")
    review.drop(lines[start].no, lines[start].text, "目录标题")
    entries: list[TocEntry] = []
    pending_org, pending_title, pending_line = "", "", 0
    i = start + 1
    while i < len(lines):
        line = lines[i]
        text = line.text
        if not text:
            i += 1
            continue
        if _article_start(lines, i, set()):
            break
        review.drop(line.no, text, "目录条目，已读作各篇的起始页码")
        text = re.sub(r"^\d+[．.、]\s*", "", text)
        page = re.search(r"\t+\s*(\d+)\s*$", text)
        body = text[: page.start()] if page else text
        org, sep, rest = body.partition("：")
        if sep and ORG_RE.search(org.strip()):
            if pending_org:
                entries.append(TocEntry(pending_org, pending_title.strip(), None, pending_line))
            pending_org, pending_title, pending_line = org.strip(), rest.strip(), line.no
        else:
            pending_title = (pending_title + " " + body.strip()).strip()
        if page:
            entries.append(TocEntry(pending_org, pending_title.strip(), int(page.group(1)), pending_line))
            pending_org, pending_title = "", ""
        i += 1
    if pending_org:
        entries.append(TocEntry(pending_org, pending_title, None, pending_line))
    return entries, i


def _article_start(lines, i: int, orgs: set[str]) -> bool:
    """A title line directly followed by an author-organisation line."""
    text = lines[i].text
    if not text or ends_sentence(text) or len(text) > 60 or "\t" in text or text.endswith("："):
        return False
    nxt = lines[i + 1].text if i + 1 < len(lines) else ""
    return bool(nxt) and len(nxt) <= 40 and (nxt in orgs or bool(ORG_RE.search(nxt))) and "：" not in nxt


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assemble_periodical(lines, review: Review) -> list[Draft]:
    toc, i = read_toc(lines, review)
    orgs = {e.org for e in toc}
    starts = [k for k in range(i, len(lines)) if _article_start(lines, k, orgs)]
    if i < (starts[0] if starts else len(lines)):
        for line in lines[i:starts[0] if starts else len(lines)]:
            if line.text:
                review.drop(line.no, line.text, "第一篇文章之前的文字")
    drafts: list[Draft] = []
    for n, k in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        title = unwrap_title(lines[k].text)
        org = lines[k + 1].text.strip()
        body = lines[k + 2:end]
        draft = Draft(title=title, authors=[{"org": org}], kind="journal_article", line=k + 3,
                      title_line=lines[k].no)
        entry = _toc_entry(toc, title, org)
        if entry is None:
            review.note(lines[k].no, "toc", f"「{title[:16]}」不在目录中，没有起始页码")
        else:
            draft.start_page = entry.page
            if entry.page is None:
                review.note(lines[k].no, "toc", f"目录没有印出「{title[:16]}」的页码")
        draft.paragraphs = journal_paragraphs(body, review)
        drafts.append(draft)
    for entry in toc:
        if not any(_toc_entry([entry], d.title, d.authors[0]["org"]) for d in drafts):
            review.note(entry.line, "toc", f"目录条目「{entry.title[:16] or entry.org}」在正文中没有对应的文章")
    return drafts


def unwrap_title(text: str) -> str:
    return re.sub(r"\s{2,}", " ", text.strip())


def _toc_entry(toc: list[TocEntry], title: str, org: str) -> TocEntry | None:
    key = _squash(title)
    for entry in toc:
        other = _squash(entry.title)
        if other and (other == key or (len(other) >= 8 and (key.startswith(other) or other.startswith(key)))):
            return entry
    for entry in toc:
        if entry.org == org and not entry.title:
            return entry
    return None


def journal_paragraphs(lines, review: Review) -> list[str]:
    """One paragraph per line; a line that stops mid-sentence continues after the blank lines of a page break."""
    result: list[str] = []
    paragraph = ""  # the last one, kept out of `result` so that it grows in place, in linear time
    open_paragraph = False
    blank_since = False
    for line in lines:
        text = line.text
        if not text:
            blank_since = True
            continue
        if open_paragraph and paragraph and not _heading(text):
            if blank_since:
                review.note(line.no, "lost-text", "段落在这里跨页接续；请核对有无缺文")
            if LATIN_END_RE.search(paragraph[-1]) and LATIN_START_RE.match(text):
                paragraph += " "
            paragraph += text
        else:
            if paragraph:
                result.append(paragraph)
            paragraph = _heading(text) + text
        open_paragraph = not paragraph.startswith("#") and not ends_sentence(paragraph) \
            and not DATE_LINE_RE.match(paragraph) and not paragraph.startswith("关键词")
        blank_since = False
    if paragraph:
        result.append(paragraph)
    return [unwrap_spaces_keep_latin(p) for p in result]


def _heading(text: str) -> str:
    """The Markdown heading mark for a numbered heading line (`一、` ## or `（一）` ###), or ""."""
    if HEADING1_RE.match(text) and not ends_sentence(text) and len(text) <= 40:
        return "## "
    if HEADING2_RE.match(text) and not ends_sentence(text) and len(text) <= 40:
        return "### "
    return ""


def unwrap_spaces_keep_latin(text: str) -> str:
    if text.startswith("#"):
        marks, _, rest = text.partition(" ")
        return f"{marks} {unwrap_spaces(rest)}"
    return unwrap_spaces(text)
