"""Step 2 for page PDFs: lines with boxes → the articles of each page, in reading order.

Geometry decides what the text importer has to guess:

- **roles by type size**: against the page's body size, the largest lines of a heading are its
  主题, the lines above them its 引题, the lines below its 副题;
- **furniture by place**: the masthead sits above the first full-width rule near the top, the
  footer below the last one near the bottom; a stroked frame holds one item (an ad, mostly);
- **captions by place**: type smaller than the body's right under a photo, else in a narrow
  column beside it (top-aligned, no wider than the gap to the next rule or text), else right over it;
- **ownership by place**: a body block, a byline, a photo belongs to the nearest heading above
  it that covers it horizontally, unless a rule runs between them;
- **reading order by columns**: an article's blocks are read column by column, top down;
  paragraphs start at an indented line.

Where geometry does not decide, the text importer's guesses are the fallback: a block with no
heading above it goes to the heading whose wording it shares (``newspaper.share``), paragraphs
in text set without indents are rejoined by ``newspaper.paragraphs``, and the kind of an item is
settled as for text. Every such decision is a note in the review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..load import TITLE_PLACEHOLDER
from .blocks import Block
from .classify import AD_RE, BYLINE_RE
from .drafts import Box, Draft, PageMeta
from .newspaper import LEAD, PUBLIC_AD_RE, clean_paragraph, paragraphs, parse_byline, photo_title, read_footer, read_masthead, share
from .normalise import Line
from .pdfread import RULE_THICKNESS, PdfPage, Rect, TextLine, area, body_size, inside
from .review import Review
from .text import bigrams, join_lines, letter_spaced

HEAD_RATIO = 1.25  # lines this much larger than the body type are headings
CAPTION_RATIO = 0.97  # lines smaller than the body type under, beside or over a photo are its caption
FULL_WIDTH = 0.6  # a rule this share of the page wide separates masthead, page and footer
MASTHEAD_ZONE = 0.25
FOOTER_ZONE = 0.12
INDENT = 1.5  # a line this many body sizes right of its column's edge starts a paragraph
# 下转第2版, （转第二版）, (上接第1版): a line of its own, or the end of a body line
JUMP_RE = re.compile(r"[（(]?\s*(下转|转|上接|接)\s*第?\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*版\s*[）)]?$")
NUMERALS = "一二三四五六七八九"
PAGE_NAME_RE = re.compile(r"第\s*0*(\d+)\s*版\s*[：:·]?\s*(\S{1,8})")
WORDING_THRESHOLD = 0.3
AD_MAX = 200  # characters: a frame with no more than this, and no byline, is an ad


@dataclass
class Piece:
    """Lines that belong together (a heading, a body block, a byline …), with their box."""

    role: str  # head, body, byline, caption, jump, photo
    lines: list[tuple[int, TextLine]]  # (line number, line)
    rect: Rect
    jump: tuple[str, int] | None = None  # ("下转" | "上接", page) for a jump line
    image: Rect | None = None  # a photo's picture (its lines are the caption)

    @property
    def text(self) -> str:
        return "".join(line.text for _, line in self.lines)


@dataclass
class Group:
    """One item of the page: a heading and what it owns, or a frame's content, or a photo."""

    head: Piece | None
    kind: str = "news"
    pieces: list[Piece] = field(default_factory=list)
    photos: list[tuple[Rect, Piece | None]] = field(default_factory=list)  # (image box, its caption)
    continues: int | None = None  # 上接第N版: the page this continues an article of
    column: str = ""  # a label the item carries (公益广告)

    @property
    def rects(self) -> list[Rect]:
        rects = [p.rect for p in self.pieces] + [r for r, _ in self.photos]
        rects += [c.rect for _, c in self.photos if c]
        return rects + ([self.head.rect] if self.head else [])


@dataclass
class PageLayout:
    width: float
    height: float
    groups: list[Group]  # in reading order
    meta: PageMeta
    name: str  # 版名 from the running head, if printed
    printed: int | None  # the 版 number the running head prints, if it does
    size: float  # the body type size


def lay_out(page: PdfPage, review: Review) -> PageLayout:
    """The page's items, its masthead and footer facts; every line ends up in an item or in the
    review's removed text."""
    size = body_size(page.lines)
    lines = list(enumerate(page.lines, 1))
    for no, line in lines:
        review.places[no] = (round(line.x0 / page.width * 100, 1), round(line.top / page.height * 100, 1))
    meta = PageMeta()
    top, bottom = _furniture_edges(page)
    masthead = [(no, ln) for no, ln in lines if ln.bottom <= top]
    footer = [(no, ln) for no, ln in lines if ln.top >= bottom and (no, ln) not in masthead]
    printed, name = _page_name(masthead)
    if masthead:
        read_masthead([_block(masthead, "masthead")], meta, review)
    if footer:
        read_footer(_block(footer, "footer"), meta, review)
    furniture = {no for no, _ in masthead + footer}
    rest = [(no, ln) for no, ln in lines if no not in furniture]
    groups = _frames(page, rest, review)
    framed = {no for g in groups for p in g.pieces + ([g.head] if g.head else []) for no, _ in p.lines}
    rest = [(no, ln) for no, ln in rest if no not in framed]
    frames = [p.rect for g in groups for p in g.pieces if p.role == "frame"]
    photos = [r for r in page.images if r[1] >= top - 1 and r[3] <= bottom + 1  # not the masthead's logo
              and not any(inside(r, f) for f in frames)]  # nor an ad's artwork
    pieces = _pieces(rest, photos, page.rules, size)
    groups += _owned(page, pieces, review)
    groups.sort(key=lambda g: _reading_key(g, page))
    return PageLayout(page.width, page.height, groups, meta, name, printed, size)


# ---------------------------------------------------------------- furniture

def _furniture_edges(page: PdfPage) -> tuple[float, float]:
    """The bottom of the masthead band and the top of the footer band (points)."""
    wide = sorted(r for r in page.rules if r[3] - r[1] < RULE_THICKNESS and r[2] - r[0] >= FULL_WIDTH * page.width)
    tops = [r[1] for r in wide if r[1] <= MASTHEAD_ZONE * page.height]
    bottoms = [r[1] for r in wide if r[1] >= (1 - FOOTER_ZONE) * page.height]
    return (max(tops) if tops else 0.0), (min(bottoms) if bottoms else page.height + 1)


def _page_name(masthead: list[tuple[int, TextLine]]) -> tuple[int | None, str]:
    """The 版 number and 版名 the running head prints (`第02版 综合`), or (None, "")."""
    for _, line in masthead:
        found = PAGE_NAME_RE.search(line.text.replace(" ", ""))
        if found:
            return int(found.group(1)), found.group(2)
    return None, ""


def _block(lines: list[tuple[int, TextLine]], kind: str) -> Block:
    return Block([Line(no, line.text) for no, line in lines], kind=kind)


def _frames(page: PdfPage, lines: list[tuple[int, TextLine]], review: Review) -> list[Group]:
    """A stroked frame that reads as an ad (its wording, or a few short lines with no byline) is
    one item: its largest type the title, the rest its lines. Any other frame is a boxed story,
    read as the rest of the page is (its edges are rules)."""
    groups = []
    for frame in page.frames:
        held = [(no, ln) for no, ln in lines if inside(ln.rect, frame)]
        text = letter_spaced(" ".join(ln.text for _, ln in held))
        worded = bool(AD_RE.search(text)) or "广告" in text
        if not held or not (worded or (
                len(text) <= AD_MAX and not any(BYLINE_RE.match(ln.text) for _, ln in held)
                and not text.startswith(LEAD))):
            continue
        if not worded:
            review.note(held[0][0], "furniture", "框内的几行短文按广告处理；如果是稿件，请把 kind 改掉")
        label = [(no, ln) for no, ln in held if PUBLIC_AD_RE.fullmatch(ln.text.strip())]
        held = [item for item in held if item not in label] or held
        biggest = max(ln.size for _, ln in held)
        head = [(no, ln) for no, ln in held if ln.size == biggest]
        body = [(no, ln) for no, ln in held if ln.size != biggest]
        group = Group(Piece("head", head, _union([ln.rect for _, ln in head])), "ad",
                      column="公益广告" if label and label != held else "")
        if body:
            group.pieces.append(Piece("body", body, _union([ln.rect for _, ln in body])))
        if group.column:  # the label's lines are the column: in the frame, not in the text
            group.pieces.append(Piece("label", label, _union([ln.rect for _, ln in label])))
        group.pieces.append(Piece("frame", [], frame))
        groups.append(group)
    return groups


# ---------------------------------------------------------------- pieces

def _pieces(lines: list[tuple[int, TextLine]], photos: list[Rect], rules: tuple[Rect, ...],
            size: float) -> list[Piece]:
    """Headings, bylines, jump lines, photos with their captions and body blocks, each with its box."""
    pieces: list[Piece] = []
    heads = [(no, ln) for no, ln in lines if ln.size >= HEAD_RATIO * size]
    pieces += [Piece("head", run, _union([ln.rect for _, ln in run])) for run in _runs(heads, 1.0)]
    found = _captions(lines, photos, rules, size)
    captions = {no for run in found for no, _ in run}
    pieces += [Piece("photo", run, _union([image] + [ln.rect for _, ln in run]), image=image)
               for image, run in zip(photos, found)]
    body = []
    for no, ln in lines:
        if ln.size >= HEAD_RATIO * size or no in captions:
            continue
        jump = _jump(ln)
        if jump:
            text, where = jump
            pieces.append(Piece("jump", [(no, replace(ln, text=ln.text[len(text):]))], ln.rect, where))
            if text:  # the jump ends a body line: the rest of the line is body
                body.append((no, replace(ln, text=text)))
        elif BYLINE_RE.match(ln.text) and len(ln.text) < 60:
            pieces.append(Piece("byline", [(no, ln)], ln.rect))
        else:
            body.append((no, ln))
    pieces += [Piece("body", run, _union([ln.rect for _, ln in run])) for run in _runs(body, 0.9)]
    return pieces


Run = list[tuple[int, TextLine]]


def _captions(lines: list[tuple[int, TextLine]], photos: list[Rect], rules: tuple[Rect, ...],
              size: float) -> list[Run]:
    """Each photo's caption lines: type smaller than the body's set under the photo, else beside it,
    else over it. Every photo is tried under before any is tried beside or over, so the caption under
    one photo is never taken as the caption over the photo below it."""
    found: list[Run] = [[] for _ in photos]
    for place in (_below, _beside, _above):
        for i, image in enumerate(photos):
            taken = {no for run in found for no, _ in run}
            free = [(no, ln) for no, ln in lines if no not in taken]
            found[i] = found[i] or place(image, free, rules, size)
    return found


def _small(line: TextLine, size: float) -> bool:
    """Caption type: smaller than the page's body type."""
    return line.size < CAPTION_RATIO * size


def _below(image: Rect, lines: Run, rules: tuple[Rect, ...], size: float) -> Run:
    """Small lines stacked right under the photo, across its width."""
    run: Run = []
    for no, ln in sorted(lines, key=lambda x: x[1].top):
        if not _small(ln, size) or _overlap_x(ln.rect, image) <= 0.5 or ln.top < image[3] - 1:
            continue
        last = run[-1][1].bottom if run else image[3]
        if ln.top - last > (1.2 if run else 2.5) * size:
            break
        run.append((no, ln))
    return run


def _beside(image: Rect, lines: Run, rules: tuple[Rect, ...], size: float) -> Run:
    """Small lines set in a narrow column right of the photo, else left of it (the same test on the
    page mirrored)."""
    run = _right_of(image, lines, rules, size)
    if run:
        return run
    mirrored = _right_of(_mirror(image), [(no, replace(ln, x0=-ln.x1, x1=-ln.x0)) for no, ln in lines],
                         tuple(_mirror(r) for r in rules), size)
    original = dict(lines)
    return [(no, original[no]) for no, _ in mirrored]


def _right_of(image: Rect, lines: Run, rules: tuple[Rect, ...], size: float) -> Run:
    """Small lines right of the photo: a block whose first line starts near the photo's top and
    edge, that ends above the photo's bottom and is no wider than the gap to the next column rule
    or line beside it (so a neighbour's small type, or a block that runs on below the photo, is not
    a caption)."""
    starts = [(no, ln) for no, ln in lines if _small(ln, size) and -1 <= ln.x0 - image[2] <= 2.5 * size
              and abs(ln.top - image[1]) <= size]
    if not starts:
        return []
    run = [min(starts, key=lambda x: x[1].x0)]
    for no, ln in sorted(lines, key=lambda x: x[1].top):
        if ln.top > run[-1][1].top and _overlap_x(ln.rect, _union([r.rect for _, r in run])) > 0.3:
            if ln.top - run[-1][1].bottom > 1.2 * size or not _small(ln, size):
                break
            run.append((no, ln))
    block = _union([ln.rect for _, ln in run])
    walls = [r[0] for r in rules if r[2] - r[0] < RULE_THICKNESS and r[1] < block[3] and r[3] > block[1]]
    walls += [ln.x0 for no, ln in lines if (no, ln) not in run and ln.top < block[3] and ln.bottom > block[1]]
    wall = min((x for x in walls if x >= image[2] - 1), default=float("inf"))
    return run if block[3] <= image[3] + 1 and block[2] <= wall + 1 else []


def _above(image: Rect, lines: Run, rules: tuple[Rect, ...], size: float) -> Run:
    """Small lines stacked right over the photo, across its width, with no other line and no rule
    between them and the photo (a photo group's caption set over it)."""
    run: Run = []
    for no, ln in sorted(lines, key=lambda x: -x[1].bottom):
        if _overlap_x(ln.rect, image) <= 0.5 or ln.bottom > image[1] + 1:
            continue
        last = run[-1][1].top if run else image[1]
        if (last - ln.bottom > (1.2 if run else 2.5) * size or not _small(ln, size)
                or any(_separates(rule, ln.rect, (image[0], last - 2, image[2], last)) for rule in rules)):
            break
        run.append((no, ln))
    return run[::-1]


def _jump(line: TextLine) -> tuple[str, tuple[str, int]] | None:
    """(the line's text before it, (下转 or 上接, page)) when the line ends with a jump; else None."""
    found = JUMP_RE.search(line.text)
    if not found or (found.start() and not found.group(0).startswith(("（", "("))):
        return None
    number = found.group(2)
    if not number.isdigit():  # 二 → 2, 十二 → 12, 二十 → 20
        tens, _, ones = number.rpartition("十")
        number = (NUMERALS.index(tens) + 1 if tens else int("十" in number)) * 10 \
            + (NUMERALS.index(ones) + 1 if ones else 0)
    return line.text[:found.start()].rstrip(), ("下转" if "转" in found.group(1) else "上接", int(number))


def _runs(lines: list[tuple[int, TextLine]], gap: float) -> list[list[tuple[int, TextLine]]]:
    """Lines stacked in one column with gaps under ``gap`` times their size: blocks."""
    runs: list[list[tuple[int, TextLine]]] = []
    for no, line in sorted(lines, key=lambda x: (x[1].top, x[1].x0)):
        for run in reversed(runs):
            last = run[-1][1]
            if (0 <= line.top - last.bottom <= gap * max(line.size, last.size)
                    and _overlap_x(line.rect, _union([ln.rect for _, ln in run])) > 0.3):
                run.append((no, line))
                break
        else:
            runs.append([(no, line)])
    return runs


# ---------------------------------------------------------------- ownership

def _owned(page: PdfPage, pieces: list[Piece], review: Review) -> list[Group]:
    """Each piece under the heading that owns it; a piece no heading owns is placed by `_orphan`."""
    heads = [p for p in pieces if p.role == "head"]
    spans = {id(h): _span(page, h, heads) for h in heads}
    groups = {id(h): Group(h) for h in heads}
    orphans: list[Piece] = []
    for piece in pieces:
        if piece.role == "head":
            continue
        owner = _owner(page, piece, heads, spans)
        if owner is None:
            orphans.append(piece)
            continue
        group = groups[id(owner)]
        if piece.role == "photo":
            group.photos.append(_photo(piece))
        else:
            group.pieces.append(piece)
        if piece.jump and piece.jump[0] == "上接":
            group.continues = piece.jump[1]
    result = list(groups.values())
    for piece in orphans:
        result += _orphan(page, piece, result, review)
    return [g for g in result if g.head or g.pieces or g.photos]


def _photo(piece: Piece) -> tuple[Rect, Piece | None]:
    return piece.image, (Piece("caption", piece.lines, _union([ln.rect for _, ln in piece.lines]))
                         if piece.lines else None)


def _span(page: PdfPage, head: Piece, heads: list[Piece]) -> tuple[float, float]:
    """How wide the article under a heading may be: the heading's line widened to the nearest
    column rule, neighbouring heading or text margin on each side (a centred title is narrower
    than its article)."""
    x0, top, x1, bottom = head.rect
    left = min((ln.x0 for ln in page.lines), default=x0)
    right = max((ln.x1 for ln in page.lines), default=x1)
    walls = [r[0] for r in page.rules if r[2] - r[0] < RULE_THICKNESS and r[1] <= bottom + 2 * _head_size(head) and r[3] >= bottom]
    walls += [h.rect[2] for h in heads if h is not head and h.rect[1] < bottom and h.rect[3] > top and h.rect[2] <= x0]
    walls += [h.rect[0] for h in heads if h is not head and h.rect[1] < bottom and h.rect[3] > top and h.rect[0] >= x1]
    return (max([left] + [w for w in walls if w <= x0]), min([right] + [w for w in walls if w >= x1]))


def _head_size(head: Piece) -> float:
    return max(line.size for _, line in head.lines)


def _owner(page: PdfPage, piece: Piece, heads: list[Piece], spans: dict) -> Piece | None:
    """The nearest heading above the piece whose span covers it, with no rule between them."""
    best = None
    for head in heads:
        span = spans[id(head)]
        if head.rect[3] > piece.rect[1] + 1 or _overlap_x(piece.rect, (span[0], 0, span[1], 0)) < 0.5:
            continue
        if any(_separates(rule, head.rect, piece.rect) for rule in page.rules):
            continue
        if best is None or head.rect[3] > best.rect[3]:
            best = head
    return best


def _separates(rule: Rect, above: Rect, below: Rect) -> bool:
    if rule[3] - rule[1] > RULE_THICKNESS:
        return False
    return above[3] - 1 <= rule[1] <= below[1] + 1 and _overlap_x(below, rule) > 0.5


def _orphan(page: PdfPage, piece: Piece, groups: list[Group], review: Review) -> list[Group]:
    """A piece no heading covers: a photo of its own, or a block placed by its wording."""
    first = piece.lines[0][0] if piece.lines else 0
    if piece.role == "photo" and piece.lines:  # a photo with its caption and no story: photo news
        return [Group(None, "photo", photos=[_photo(piece)])]
    if piece.role == "photo":  # a picture with no caption and no story tells nothing: no draft
        x0, top, _, _ = piece.image
        near = min(range(len(page.lines)), key=lambda i: abs(page.lines[i].top - top), default=None)
        if near is not None:
            review.note(near + 1, "furniture", f"版面上（x {x0 / page.width:.0%}，y {top / page.height:.0%}）"
                                               "有一张图片，没有说明，也不在哪篇稿件里，未收入；请核对")
        return []
    if piece.role == "byline":  # a credit under a photo or a story with no heading over it
        size = piece.lines[0][1].size
        above = [(rect[3], g) for g in groups for rect in g.rects
                 if 0 <= piece.rect[1] - rect[3] <= 2 * size and _overlap_x(piece.rect, rect) > 0.3]
        if above:
            max(above, key=lambda x: x[0])[1].pieces.append(piece)
            return []
    pairs = bigrams(piece.text[:240])
    scored = [(share(bigrams(g.head.text), pairs), i) for i, g in enumerate(groups) if g.head]
    score, best = max(scored, default=(0.0, -1))
    if score >= WORDING_THRESHOLD:
        groups[best].pieces.append(piece)
        review.note(first, "order", f"这段文字上方没有标题，按用词归入「{groups[best].head.text[:16]}」；请核对")
        return []
    review.note(first, "title", "这段文字上方没有标题，单独成稿；请补上标题或并入所属稿件")
    return [Group(None, "news", [piece])]


def _reading_key(group: Group, page: PdfPage) -> tuple:
    rect = _union(group.rects)
    return (round(rect[1] / (page.height * 0.03)), rect[0])


# ---------------------------------------------------------------- drafts

@dataclass
class Part:
    """A group read as a draft, with what the issue-level step still needs of it."""

    draft: Draft
    photos: list[tuple[Rect, str]]  # (image box, the caption its figure gets)
    jumps: list[int]  # pages its text jumps to (下转第N版)
    continues: int | None  # the page it continues an article of (上接第N版)
    opens: bool | None  # its body starts with a paragraph (an indented line), not inside one; None: unknown


def draft_of(group: Group, size: float, review: Review) -> Part:
    """The group as a draft article; its body lines read column by column."""
    draft = Draft(kind=group.kind, column=group.column)
    if group.head:
        draft.kicker, draft.title, draft.subtitle = _head_parts(group.head)
        draft.title_line = group.head.lines[0][0]
    for piece in sorted((p for p in group.pieces if p.role == "byline"), key=lambda p: p.rect[1]):
        draft.authors += parse_byline(piece.text)
    jumps = []
    for piece in group.pieces:
        if piece.role == "jump":
            no, line = piece.lines[0]
            review.drop(no, line.text, "转版提示，正文已按它接续")
            if piece.jump[0] == "下转":
                jumps.append(piece.jump[1])
    body = [p for p in group.pieces if p.role == "body"]
    draft.paragraphs, opens = body_paragraphs(body, size, review, per_line=group.kind == "ad")
    draft.line = min((p.lines[0][0] for p in body), default=draft.title_line)
    captions = [caption.text for _, caption in group.photos if caption]
    photos = [(image, caption.text if caption and body else draft.title) for image, caption in group.photos]
    if not body and captions:  # a photo printed with its caption and no story: the caption is the text
        draft.paragraphs, draft.kind = captions, "photo"
        draft.line = group.photos[0][1].lines[0][0] if group.photos[0][1] else draft.title_line
        if not draft.title:
            draft.title = photo_title(captions[0])
            review.note(draft.line, "title", f"图片说明没有标题，已取开头几个字作标题：{draft.title}")
        photos = [(image, draft.title) for image, _ in group.photos]
    if not draft.title:
        draft.title = TITLE_PLACEHOLDER
    return Part(draft, photos, jumps, group.continues, opens)


def _head_parts(head: Piece) -> tuple[str, str, str]:
    """(kicker, title, subtitle): the largest type is the title, what is above it the kicker."""
    biggest = max(line.size for _, line in head.lines)
    title_lines = [line for _, line in head.lines if line.size == biggest]
    top, bottom = title_lines[0].top, title_lines[-1].bottom
    kicker = [line.text for _, line in head.lines if line.size != biggest and line.bottom <= top + 0.5]
    subtitle = [line.text for _, line in head.lines if line.size != biggest and line.top >= bottom - 0.5]
    title = "".join(letter_spaced(line.text) for line in title_lines)
    return " ".join(kicker), title, " ".join(subtitle)


def body_paragraphs(pieces: list[Piece], size: float, review: Review,
                    per_line: bool = False) -> tuple[list[str], bool | None]:
    """Body blocks read column by column; a paragraph starts at an indented line (in an ad, after
    every line set short). A body set without indents is rejoined as the text importer rejoins
    wrapped lines. Also whether the body starts with a paragraph (None: nothing tells)."""
    if not pieces:
        return [], None
    ordered = sorted(pieces, key=lambda p: (_column(p, pieces, size), p.rect[1]))
    lines = [(no, line, piece) for piece in ordered for no, line in piece.lines]
    indented = [line.x0 - piece.rect[0] >= INDENT * size for _, line, piece in lines]
    if per_line:  # an ad: every line set short of the full width ends its paragraph
        right = max(line.x1 for _, line, _ in lines)
        result = [[]]
        for _, line, _ in lines:
            result[-1].append(line.text)
            if line.x1 < right - line.size:
                result.append([])
        return [join_lines(p) for p in result if p], True
    if not any(indented):
        blocks = [Block([Line(no, line.text) for no, line in piece.lines]) for piece in ordered]
        return paragraphs(blocks, review), None
    result: list[list[str]] = []
    for (no, line, piece), starts in zip(lines, indented):
        if starts or not result:
            result.append([])
        result[-1].append(line.text)
    return [clean_paragraph(join_lines(p)) for p in result], indented[0]


def _column(piece: Piece, pieces: list[Piece], size: float) -> int:
    """The piece's column among the group's pieces: left edges within two body sizes share one."""
    lefts = sorted({round(p.rect[0]) for p in pieces})
    columns: list[float] = []
    for x in lefts:
        if not columns or x - columns[-1] > 2 * size:
            columns.append(x)
    return max(i for i, x in enumerate(columns) if x <= round(piece.rect[0]) + 0.5)


def regions_of(group: Group, layout: PageLayout) -> list[Box]:
    """The group's area on the page, in percent: one box, or a box per column where one box
    would cover another item."""
    rects = group.rects
    whole = _union(rects)
    foreign = [r for g in layout.groups if g is not group for r in g.rects]
    if not any(_intersection(whole, r) > 0.05 * area(r) for r in foreign):
        return [box_of(whole, layout)]
    by_column: dict[int, list[Rect]] = {}
    for rect in sorted(rects):
        key = next((k for k in by_column if abs(by_column[k][0][0] - rect[0]) < 12), len(by_column))
        by_column.setdefault(key, []).append(rect)
    return [box_of(_union(column), layout) for column in by_column.values()]


def box_of(rect: Rect, layout: PageLayout) -> Box:
    """A box in points as issue.yml has it: percent of the page, on the page."""
    x0, top, x1, bottom = max(rect[0], 0.0), max(rect[1], 0.0), min(rect[2], layout.width), min(rect[3], layout.height)
    return (round(x0 / layout.width * 100, 2), round(top / layout.height * 100, 2),
            round((x1 - x0) / layout.width * 100, 2), round((bottom - top) / layout.height * 100, 2))


# ---------------------------------------------------------------- geometry

def _union(rects: list[Rect]) -> Rect:
    return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))


def _overlap_x(a: Rect, b: Rect) -> float:
    """Share of ``a``'s width that ``b`` covers."""
    width = a[2] - a[0]
    covered = min(a[2], b[2]) - max(a[0], b[0])
    return covered / width if width > 0 else (1.0 if b[0] <= a[0] <= b[2] else 0.0)


def _mirror(rect: Rect) -> Rect:
    """The box reflected about the page's left edge: left becomes right."""
    return (-rect[2], rect[1], -rect[0], rect[3])


def _intersection(a: Rect, b: Rect) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
