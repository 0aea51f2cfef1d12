"""A page PDF's stages wired together: read (pdfread), lay out (pdflayout), render (pdfrender),
with the text importer's punctuation and accounting (pipeline), jumps followed across pages.
Nothing is written here; ``write.write_import`` writes the pages as one set."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .drafts import Draft, Figure, ImportedPage, PageMeta
from .newspaper import settle_kind, share
from .pdflayout import WORDING_THRESHOLD, PageLayout, Part, box_of, draft_of, lay_out, regions_of
from .pdfread import PdfPage, read_pdf, refusal
from .pdfrender import figure, render_all
from .pipeline import ImportResult, checked, full_width, settled, unaccounted
from .review import Review
from .text import bigrams, ends_sentence, join_lines
from .write import ImportRefused


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
    """The page's items as drafts, each with its regions on page ``number`` and its photos."""
    parts = []
    for group in layout.groups:
        part = draft_of(group, layout.size, review)
        part.draft.regions = [(number, box) for box in regions_of(group, layout)]
        part.draft.figures = [Figure(figure(path, page.index, box_of(image, layout)), caption)
                              for image, caption in part.photos]
        parts.append(part)
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
                                   "没有对应的稿件，已单独成稿；整期 PDF 一起导入，转版的正文就会接上；请核对")
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
