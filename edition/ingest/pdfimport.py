"""A page PDF's stages wired together: read (pdfread), lay out (pdflayout), render (pdfrender),
with the text importer's punctuation and accounting (pipeline), jumps followed across pages,
and into the articles an earlier import of the issue wrote (``join_earlier``). Nothing is
written here; ``write.write_import`` writes the pages, and the articles they continue, as one set."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..load import ArticleRecord, parse_article, whole_number
from .drafts import Continuation, Draft, Figure, ImportedPage, PageMeta, Rewrite
from .issuefile import read_existing
from .newspaper import settle_kind, share
from .pdflayout import WORDING_THRESHOLD, PageLayout, Part, box_of, draft_of, lay_out, regions_of
from .pdfread import PdfPage, read_pdf, refusal
from .pdfrender import figures, render_all
from .pipeline import ImportResult, checked, full_width, settled, unaccounted
from .review import Review
from .text import bigrams, ends_sentence, join_lines
from .write import (IMPORTED_IMAGE, ImportRefused, Target, escape_caption, escape_inline, escape_paragraph,
                    figure_name)


def import_pdf(path: Path, first_page: int | None = None) -> list[ImportedPage]:
    """A page PDF or a whole issue, one 版 per PDF page, as drafts with their regions and photos,
    and each page's image, thumbnail and PDF. Pages the text layer cannot give are refused whole
    (ImportRefused): nothing half right is imported. The pages are numbered from ``first_page``,
    else as their running heads print them, else from 1."""
    files = render_all(path)  # first: it names what is wrong with a file that is no readable PDF
    pages = read_pdf(path)
    problem = refusal(path, pages)
    if problem:
        raise ImportRefused(problem)
    read = [_read_page(page) for page in pages]
    printed = [layout.printed for _, layout, _, _, _ in read]
    numbers = printed if first_page is None and all(printed) and len(set(printed)) == len(printed) \
        else [(first_page or 1) + i for i in range(len(pages))]
    # jump lines name the printed 版 numbers; --page may have numbered the pages otherwise
    renumbered = {p: n for p, n in zip(printed, numbers) if p is not None}
    imported: list[ImportedPage] = []
    parts: list[tuple[int, Part]] = []  # (page, continuation 上接第N版), joined once every page is read
    jumps: dict[int, list[tuple[Draft, int]]] = {}  # page → its drafts that jump (下转), and to where
    for number, page_files, (page, layout, review, raw, marked) in zip(numbers, files, read):
        if layout.printed and layout.printed != number:
            review.note(1, "furniture", f"报头印的是第{layout.printed}版，按 --page 作为第{number}版导入；请核对")
        drafts, continuing = [], []
        for part in _parts(path, page, layout, number, review):
            part.jumps = [renumbered.get(to, to) for to in part.jumps]
            part.continues = renumbered.get(part.continues, part.continues) if part.continues else None
            if part.continues:
                continuing.append(part.draft)
                parts.append((number, part))
            else:
                drafts.append(part.draft)
            jumps.setdefault(number, []).extend((part.draft, to) for to in part.jumps)
        checked(raw, settled(ImportResult(drafts + continuing, layout.meta, review), marked))
        for draft in drafts:
            settle_kind(draft, review)
        imported.append(ImportedPage(number, layout.name, drafts, layout.meta, review, page_files,
                                     source=f"{path.name} 第{page.index + 1}页"))
    by_number = {p.number: p for p in imported}
    joined: dict[int, Draft] = {}  # id of a continuation's draft → the draft it was read into
    for here, part in parts:  # in page order, so 1 → 2 → 3 ends in the draft of page 1
        host = _join(by_number[here], by_number.get(part.continues), jumps.get(part.continues, []), part, joined)
        if host is not None:
            joined[id(part.draft)] = host
    missing = unaccounted("\n".join(raw for _, _, _, raw, _ in read),
                          ImportResult([d for p in imported for d in p.drafts], PageMeta(),
                                       Review.joined([p.review for p in imported])))
    if missing:  # the joins lost text: say so, never silently
        imported[0].review.note(1, "lost-text", "导入程序在接续转版时丢失了这些字符，请作为程序错误报告："
                                              + "".join(sorted(missing.elements()))[:60])
    return imported


def _parts(path: Path, page: PdfPage, layout: PageLayout, number: int, review: Review) -> list[Part]:
    """The page's items as drafts, each with its regions on page ``number`` and its photos (all of
    the page's rendered from one opening of the PDF)."""
    parts = [draft_of(group, layout.size, review) for group in layout.groups]
    photos = iter(figures(path, page.index, [box_of(image, layout) for part in parts for image, _ in part.photos]))
    for group, part in zip(layout.groups, parts, strict=True):
        part.draft.regions = [(number, box) for box in regions_of(group, layout)]
        part.draft.figures = [Figure(next(photos), caption) for _, caption in part.photos]
    return parts


def _read_page(page: PdfPage) -> tuple[PdfPage, PageLayout, Review, str, list]:
    """One page laid out, with its review: its text made GB/T 15834 full-width first (the raw
    text, by lines in the order read, and its marked quotes are kept for the accounting)."""
    review = Review()
    raw = "\n".join(line.text for line in page.lines)
    full, marked = full_width(raw, review)
    page = replace(page, lines=tuple(replace(line, text=text) for line, text in zip(page.lines, full.split("\n"))))
    layout = lay_out(page, review)
    if page.unreadable:
        review.note(1, "lost-text", f"本页有 {page.unreadable} 个字符无法识别（字体没有 Unicode 映射），"
                                    "未能导入；请对照版面补上")
    if page.sideways:
        review.note(1, "lost-text", f"本页有 {len(page.sideways)} 个字符不是横排（竖排或旋转的文字），"
                                    f"未能导入：{page.sideways[:40]}；请对照版面补上")
    return page, layout, review, raw, marked


def _join(page: ImportedPage, origin: ImportedPage | None, jumps: list[tuple[Draft, int]], part: Part,
          joined: dict[int, Draft]) -> Draft | None:
    """A continuation (上接第N版) appended to the article it continues, which is returned: the
    draft of page N that jumps to this page (下转), or among several the one whose title the jump
    head repeats; with no jump line there, the draft of page N whose title shares the head's
    wording. A continuation of a continuation goes to the draft that one was read into."""
    review, line = page.review, part.draft.title_line or part.draft.line
    jumping = [d for d, to in jumps if to == page.number]
    candidates = jumping or (origin.drafts if origin else [])
    title = bigrams(part.draft.title)
    scored = sorted(((share(title, bigrams(d.title)), -i) for i, d in enumerate(candidates)), reverse=True)
    if not scored or ((len(candidates) > 1 or not jumping) and scored[0][0] < WORDING_THRESHOLD):
        settle_kind(part.draft, review)
        page.drafts.append(part.draft)
        review.note(line, "order", f"「{part.draft.title[:16]}」注明上接第{part.continues}版，但这次导入的那一版"
                                   f"没有对应的稿件，已单独成稿；先导入第{part.continues}版再导入本版，或整期 PDF "
                                   "一起导入，转版的正文就会接上；请核对")
        if origin is None:  # page N may be in the issue folder already: join_earlier looks there
            page.continuations.append(Continuation(part.draft, part.continues, part.opens, review.notes[-1]))
        return None
    host = candidates[-scored[0][1]]
    while id(host) in joined:
        host = joined[id(host)]
    body = part.draft.paragraphs
    opens = part.opens if part.opens is not None else ends_sentence(host.paragraphs[-1] if host.paragraphs else "。")
    if body and host.paragraphs and not opens:  # the page broke off a paragraph
        host.paragraphs[-1] = join_lines([host.paragraphs[-1], body[0]])
        body = body[1:]
    host.paragraphs += body
    host.regions += part.draft.regions
    host.figures += part.draft.figures
    head = " ".join(t for t in (part.draft.kicker, part.draft.title, part.draft.subtitle) if t)
    if head:
        review.drop(part.draft.title_line, head, "转版处重复的标题")
    for author in part.draft.authors:
        if author in host.authors:
            review.drop(part.draft.line, "".join(str(v) for v in author.values()), "转版处重复的署名")
        else:
            host.authors.append(author)
    review.note(line, "order", f"转版接续：这里的正文已接在第{part.continues}版「{host.title[:16]}」之后；请核对")
    return host


# ---------------------------------------------------------------- continuations of earlier imports

@dataclass
class _Earlier:
    """An article of the issue folder that a continuation of this import may belong to."""

    path: Path
    record: ArticleRecord
    page: int  # its folder
    on: set[int]  # the pages issue.yml gives it regions on
    old: bytes  # the file as read
    text: str  # the file as it will be written: line feeds only, no byte-order mark
    rewrite: Rewrite | None = None  # once this import joins a continuation to it


@dataclass
class _Issue:
    """What the issue folder holds of the pages this import does not write."""

    target: Target
    articles: list[_Earlier]
    pdfs: dict[int, Path]  # page → its page PDF, as issue.yml names it


def join_earlier(pages: list[ImportedPage], target: Target) -> None:
    """Each continuation whose first page (上接第N版) is not in this import but in the issue folder,
    read into page N's article as ``_join`` would have: an article still ``draft: true`` gets its
    paragraphs and photos appended (``ImportedPage.rewrites``, written with the import), and the
    continuation's regions; a reviewed one is left as it is and the report names its file. The
    page PDFs come one at a time from the print room, so the import of page M finishes the article
    the import of page N began. Raises ImportRefused when a --force import of page M cannot find
    the text its earlier import appended, which it would otherwise append twice."""
    waiting = [(page, c) for page in pages for c in page.continuations]
    if waiting and (target.issue_dir / "issue.yml").is_file():
        issue = _issue(target, {page.number for page in pages})
        for page, continuation in waiting:
            _join_earlier(page, continuation, issue)


def _issue(target: Target, importing: set[int]) -> _Issue:
    """The articles of the pages not imported now, read by the content loader, and what issue.yml
    says of them: where their regions lie, and each page's PDF."""
    meta = read_existing(target.issue_dir / "issue.yml", periodical=False).meta
    on: dict[str, set[int]] = {}
    pdfs: dict[int, Path] = {}
    for entry in meta.get("pages") or []:
        number = whole_number(entry.get("number"))
        if isinstance(entry.get("pdf"), str):
            pdfs[number] = target.issue_dir / entry["pdf"]
        for region in entry.get("regions") or []:
            if hasattr(region, "get") and isinstance(region.get("article"), str):
                on.setdefault(region["article"].strip(), set()).add(number)
    articles = []
    for folder in sorted(p for p in target.issue_dir.iterdir() if p.is_dir() and p.name.isdigit()):
        if int(folder.name) in importing:
            continue
        for path in sorted(folder.glob("*.md")):
            raw = path.read_bytes()
            record = parse_article(str(path), raw, False).record
            if record is not None:
                record = ArticleRecord._make(record)
                text = raw.decode("utf-8-sig").replace("\r\n", "\n")
                articles.append(_Earlier(path, record, int(folder.name), on.get(record.slug, set()), raw, text))
    return _Issue(target, articles, pdfs)


def _host(title: str, page: int, articles: list[_Earlier]) -> _Earlier | None:
    """The article of ``page`` (or continued there) whose title shares the continuation's wording
    most, as ``_join`` chooses without a jump line: the jump line is not in the written draft."""
    pairs = bigrams(title)
    scored = [(share(pairs, bigrams(a.record.title)), -i) for i, a in enumerate(articles)
              if a.page == page or page in a.on]
    score, best = max(scored, default=(0.0, 1))
    return articles[-best] if score >= WORDING_THRESHOLD else None


def _join_earlier(page: ImportedPage, continuation: Continuation, issue: _Issue) -> None:
    """One continuation read into the article it continues, if that is a draft; else its note names the article."""
    draft, number, review = continuation.draft, continuation.page, page.review
    host = _host(draft.title, number, issue.articles)
    if host is None:
        return
    where = host.path.relative_to(issue.target.issue_dir).as_posix()
    line = draft.title_line or draft.line
    again = page.number in host.on  # a --force import of page M: its earlier import joined this already
    if again and not issue.target.force:
        return  # the writer refuses the import: page M is there
    review.notes.remove(continuation.note)
    if not host.record.draft:
        review.note(line, "order", f"「{draft.title[:16]}」上接第{number}版的「{host.record.title[:16]}」（{where}），"
                                   f"那篇已核对（没有 draft: true），未改动它，这段已单独成稿；请把正文并入 {where}，"
                                   f"issue.yml 第{page.number}版本稿的热区改为 {{article: {host.record.slug}, page: "
                                   f"{host.page}, …}}，再删去本稿")
        return
    base, first = _unjoined(host, page.number, number, issue) if again else (host.text, _figures(host) + 1)
    names = [figure_name(host.path.stem, first + k) for k in range(len(draft.figures))]
    host.text = _appended(base, draft, continuation.opens, names)
    if host.rewrite is None:
        host.rewrite = Rewrite(host.path, host.old, b"", host.record.slug, host.page, [], [])
        page.rewrites.append(host.rewrite)
    host.rewrite.text = _encoded(host.old, host.text)
    host.rewrite.regions += draft.regions
    host.rewrite.figures += [(name, figure.image) for name, figure in zip(names, draft.figures)]
    page.drafts = [d for d in page.drafts if d is not draft]
    page.continuations.remove(continuation)
    _drop_head(review, draft, host, where)
    review.note(line, "order", f"转版接续：这里的正文已接在第{number}版「{host.record.title[:16]}」之后，写入上次导入"
                               f"的 {where}" + ("（替换了上次接上的这一版正文）" if again else "") + "；请核对")


def _drop_head(review: Review, draft: Draft, host: _Earlier, where: str) -> None:
    """The continuation's repeated head and byline, reported as removed (the accounting): the
    article's front matter is the editor's and stays as it is."""
    head = " ".join(t for t in (draft.kicker, draft.title, draft.subtitle) if t)
    if head:
        review.drop(draft.title_line, head, "转版处重复的标题")
    names = {author[0] for author in host.record.authors}
    for author in draft.authors:
        text = "".join(str(v) for v in author.values())
        known = (author.get("name") or author.get("org")) in names
        review.drop(draft.line, text, "转版处重复的署名" if known else f"转版处的署名，未写入 {where}：请核对后加入它的 authors")


def _appended(text: str, draft: Draft, opens: bool | None, names: list[str]) -> str:
    """An article file's text with a continuation after its body, joined as ``_join`` joins: its
    first paragraph into the last one when the page broke off inside it, then its photos (named
    ``names``) and its other paragraphs. Only the end of the file changes, so the editor's lines stay."""
    core = text.rstrip()
    end = text[len(core):] if "\n" in text[len(core):] else "\n"
    last = core.rsplit("\n\n", 1)[-1]
    body = list(draft.paragraphs)
    plain = bool(last) and not last.startswith(("![", "#", "---"))  # not a photo, a heading or the front matter
    joined = ""
    if body and plain and not (opens if opens is not None else ends_sentence(last)):
        first = body.pop(0).strip()
        pair = join_lines([last[-1], first])  # a space between Latin words, as the page's lines are joined
        joined = pair[1:len(pair) - len(first)] + escape_inline(first)
    blocks = [f"![{escape_caption(figure.caption)}]({name})" for figure, name in zip(draft.figures, names)]
    blocks += [escape_paragraph(p) for p in body]
    return core + joined + "".join("\n\n" + block for block in blocks) + end


def _unjoined(host: _Earlier, here: int, number: int, issue: _Issue) -> tuple[str, int]:
    """The article as it was before its earlier import of page ``here`` appended that page's
    continuation, and the number its photos from that page began at: the continuation read again
    from the page PDF that import wrote, and cut off only where it is, unchanged, the end of the
    article (else ImportRefused: it would be appended twice)."""
    pdf = issue.pdfs.get(here)
    old = None
    if pdf is not None and pdf.is_file():
        waiting = [c for p in import_pdf(pdf, first_page=here) for c in p.continuations if c.page == number]
        pairs = bigrams(host.record.title)
        old = max(waiting, key=lambda c: share(pairs, bigrams(c.draft.title)), default=None)
    core, end = host.text.rstrip(), host.text[len(host.text.rstrip()):]
    if old is not None:
        first = _figures(host) - len(old.draft.figures) + 1
        names = [figure_name(host.path.stem, first + k) for k in range(len(old.draft.figures))]
        starts = names[:1] + [escape(p) for p in old.draft.paragraphs[:1] for escape in (escape_inline, escape_paragraph)]
        for start in starts:
            at = core.rfind(start)
            base = (core[:at].rsplit("\n\n![", 1)[0] if start in names else core[:at]).rstrip() + end
            if at >= 0 and _appended(base, old.draft, old.opens, names) == host.text:
                return base, first
    raise ImportRefused(f"{host.path} 已接有上次导入的第{here}版转版正文，但找不到它原样接上的那一段（已被改动，或 "
                        f"issue.yml 第{here}版的 pdf 不在了）；为免重复接续，请先删去该稿中接上的第{here}版正文和 "
                        f"issue.yml 第{here}版 regions 中它（page: {number}）的热区，再加 --force 导入")


def _figures(host: _Earlier) -> int:
    """The highest number of the article's photos, in its text or beside it: new ones follow it."""
    pattern = re.compile(re.escape(host.path.stem) + r"-(\d+)" + IMPORTED_IMAGE)
    found = [int(m.group(1)) for m in pattern.finditer(host.text)]
    found += [int(m.group(1)) for p in host.path.parent.iterdir() for m in [pattern.fullmatch(p.name)] if m]
    return max(found, default=0)


def _encoded(like: bytes, text: str) -> bytes:
    """The text in the file's own encoding: its line ends, and its byte-order mark if it had one."""
    text = text.replace("\n", "\r\n") if b"\r\n" in like else text
    return ("\ufeff" if like.startswith(b"\xef\xbb\xbf") else "").encode("utf-8") + text.encode("utf-8")
