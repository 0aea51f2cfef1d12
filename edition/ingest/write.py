"""Step 5: drafts → files in the project's content format.

Nothing that exists is overwritten without `force`; every file written is
returned so the command can list it. Articles carry `draft: true`, which
`build.py check` reports and `--strict` refuses, until an editor removes it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

from ..errors import EnvironmentFault
from ..facts import HAN_CLASS, KIND_LABELS
from ..load import ARTICLE_FILE_RE
from . import files
from .drafts import Box, Draft, ImportedPage, PageMeta
from .issuefile import Existing, Inline, additions, new_issue_yaml, read_existing, updated_issue_yaml
from .text import join_lines
from ..facts import escape_controls

SLUG_CHARS = 6
REPORT_NAME = "import-report{suffix}.txt"
# the importer's images are JPEG; before, they were PNG: --force removes an earlier import's of either
IMPORTED_IMAGE = r"\.(?:jpg|png)"


class ImportRefused(Exception):
    """The import would overwrite or contradict something; nothing was written."""

    def __init__(self, message: str):
        super().__init__(escape_controls(message))


@dataclass
class Target:
    content: Path
    publication: str
    periodical: bool
    date: dt.date
    date_given: bool  # from --date rather than the masthead
    force: bool = False
    setup: list[tuple[Path, bytes]] = field(default_factory=list)  # site.yml, publication.yml the import makes
    written: list[Path] = field(default_factory=list)

    @property
    def issue_dir(self) -> Path:
        return self.content / self.publication / self.date.isoformat()


@dataclass
class Slugs:
    """The slugs an issue already uses, and for each base slug the next number to try."""

    taken: set[str]
    next: dict[str, int] = field(default_factory=dict)


def slug_for(title: str, slugs: Slugs) -> str:
    """ASCII file name from the pinyin of the title's first Han characters, unique in its folder.

    One syllable per character keeps it predictable; the editor may rename the
    file (or set `id`) before the article is published, as the URL comes from it.
    """
    han = re.sub(f"[^{HAN_CLASS}]", "", title)[:SLUG_CHARS]
    base = "-".join(s for s in lazy_pinyin(han) if s.isascii() and s.isalpha()) or "item"
    n = slugs.next.get(base, 2)  # base, base-2 … base-(n - 1) are taken already
    slug = base if base not in slugs.next else f"{base}-{n}"
    while slug in slugs.taken:
        slug, n = f"{base}-{n}", n + 1
    slugs.taken.add(slug)
    slugs.next[base] = n
    return slug


def front_matter(draft: Draft, periodical: bool) -> str:
    meta: dict = {"draft": True, "title": draft.title}
    for key in ("kicker", "subtitle"):
        if getattr(draft, key):
            meta[key] = getattr(draft, key)
    if draft.authors:
        meta["authors"] = draft.authors
    if draft.column:
        meta["column"] = draft.column
    default_kind = "journal_article" if periodical else "news"
    if draft.kind != default_kind:
        meta["kind"] = draft.kind
    if periodical and draft.start_page is not None:
        meta["page"] = draft.start_page
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)


def article_text(draft: Draft, periodical: bool, source: str, figures: list[str]) -> str:
    """The draft's Markdown: where it came from, its front matter, its photos (`figures`, the file
    names beside it, in the order of `draft.figures`) and its paragraphs."""
    comment = f"# 导入自 {escape_controls(source)} 第{draft.line}行\n"
    photos = [f"![{escape_caption(figure.caption)}]({name})" for figure, name in zip(draft.figures, figures)]
    body = "\n\n".join(photos + [escape_paragraph(p) for p in draft.paragraphs])
    return f"---\n{comment}{front_matter(draft, periodical)}---\n\n{body}\n"


def escape_caption(text: str) -> str:
    """A caption as an image's text: its lines joined as printed text is, literal (a bracket must not end it)."""
    return escape_inline(join_lines(text.splitlines()))


def escape_paragraph(paragraph: str) -> str:
    """Keep extracted text literal in CommonMark: only our own `## ` headings are markup."""
    if paragraph.startswith(("## ", "### ")):
        marks, _, text = paragraph.partition(" ")
        return f"{marks} {escape_inline(text)}"
    text = escape_inline(paragraph)
    return re.sub(r"^([#>+\-=|]|\d+[.)])", r"\\\1", text)


def escape_inline(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>{}])", r"\\\1", text)


def report_text(source: str, target: Target, page: ImportedPage) -> str:
    """The review report of one page, in Chinese: the items found, what to check, and every
    punctuation change, each at its line of `source` (and its place on the page, when known)."""
    name, drafts, review = escape_controls(source), page.drafts, page.review
    where = "" if target.periodical else f"，第{page.number}版 {escape_controls(page.name)}"
    lines = [f"导入报告：{name} → {escape_controls(str(target.issue_dir))}{where}", "",
             f"共 {len(drafts)} 条稿件；下面每一条都注明它在 {name} 中的行号。", ""]
    for number, draft in enumerate(drafts, 1):
        authors = "、".join(a.get("name") or a.get("org", "") for a in draft.authors if a.get("name") or a.get("org"))
        kind = KIND_LABELS.get(draft.kind, draft.kind)
        lines.append(f"  {number:2d}. [{kind}] {draft.title}（{authors or '无署名'}；正文自第{draft.line}行）")
    lines += ["", f"待核对：{review.summary()}", f"标点（GB/T 15834）：{review.punctuation_summary()}；逐处列在报告末尾"
              if review.punctuation else "标点（GB/T 15834）：无需改动", ""]
    lines += review.lines()
    if review.punctuation:
        lines += ["", "标点改动（行号、列号以原文为准）："]
        by_line: dict[int, list] = {}
        for change in review.punctuation:
            by_line.setdefault(change.line, []).append(change)
        for line, changes in sorted(by_line.items()):
            lines.append(f"第{line}行：" + "、".join(f"第{c.column}列 {c}" for c in changes))
    return "\n".join(lines) + "\n"


def write_import(raw: Path, target: Target, pages: list[ImportedPage]) -> list[Path]:
    """Write every page's drafts, figures, page files and report, and issue.yml, as one change: all
    of them, or none.

    A text import gives one page; a page PDF one per 版. A periodical issue is one page, its
    folder the issue's. Raises ImportRefused (something would be overwritten), ContentError (an
    issue.yml the import cannot add to, at its line) or EnvironmentFault (the disk or the system
    failed; the files that were there are left as they were).
    """
    numbers = [page.number for page in pages]
    if not pages or len(set(numbers)) < len(numbers) or (target.periodical and len(pages) > 1):
        raise ValueError(f"an import writes distinct pages, one for a periodical, not {numbers}")
    publication = target.content / target.publication
    # every import locks the content folder, so one that makes site.yml or the publication folder
    # waits for none; the publication's own lock stays, for imports that know only that one
    whole = not publication.is_dir() or any(path.parent == target.content for path, _ in target.setup)
    root, name = (target.content, f"{target.publication}-{target.date.isoformat()}") if whole \
        else (publication, target.date.isoformat())
    try:
        with files.locked(target.content), (files.locked(publication) if publication.is_dir() else nullcontext()):
            writes = target.setup + _planned(raw, target, pages)
            files.replace_all(root, name, writes, _replaced(target, pages, writes))
    except files.Busy as exc:
        raise ImportRefused(str(exc)) from None
    except OSError as exc:  # reading what is there; writing has its own messages
        raise EnvironmentFault(escape_controls(f"cannot read {exc.filename or publication}: {exc.strerror or exc}")) from None
    target.written = [path for path, _ in writes]
    return target.written


@dataclass
class _Article:
    """A draft with the names the writer gives it: its file, and its figures' files beside it."""

    page: ImportedPage
    draft: Draft
    path: Path
    figures: list[str]

    @property
    def slug(self) -> str:
        return ARTICLE_FILE_RE.match(self.path.name).group(2)


def figure_name(stem: str, number: int) -> str:
    """The file of an article's ``number``-th photo, beside the article file ``stem``.md."""
    return f"{stem}-{number}.jpg"


def _folder(target: Target, number: int) -> Path:
    return target.issue_dir if target.periodical else target.issue_dir / f"{number:02d}"


def _page_files(target: Target, page: ImportedPage) -> list[tuple[str, Path, bytes]]:
    """(issue.yml field, path, bytes) of the files a page PDF gives its 版: NN.jpg, NN-thumb.jpg, NN.pdf."""
    if page.files is None:
        return []
    stem = target.issue_dir / f"{page.number:02d}"
    return [("image", stem.with_name(f"{stem.name}.jpg"), page.files.image),
            ("thumbnail", stem.with_name(f"{stem.name}-thumb.jpg"), page.files.thumbnail),
            ("pdf", stem.with_name(f"{stem.name}.pdf"), page.files.pdf)]


def _planned(raw: Path, target: Target, pages: list[ImportedPage]) -> list[tuple[Path, bytes]]:
    """Every file the import writes, with its bytes: per page its drafts with their figures, its page
    files and its report; then issue.yml."""
    issue_dir = target.issue_dir
    issue_file = issue_dir / "issue.yml"
    existing = read_existing(issue_file, target.periodical) if issue_file.exists() else None
    conflict = None if target.force else _conflict(target, pages, existing)
    if conflict:
        raise ImportRefused(conflict)
    articles = _articles(target, pages)
    writes: list[tuple[Path, bytes]] = []
    for page in pages:
        source = page.source or raw.name
        for article in (a for a in articles if a.page is page):
            text = article_text(article.draft, target.periodical, source, article.figures)
            writes.append((article.path, text.encode("utf-8")))
            writes += [(article.path.with_name(name), figure.image)
                       for name, figure in zip(article.figures, article.draft.figures)]
        writes += _rewritten(page)
        writes += [(path, data) for _, path, data in _page_files(target, page)]
        suffix = "" if target.periodical else f"-{page.number:02d}"
        writes.append((issue_dir / REPORT_NAME.format(suffix=suffix), report_text(source, target, page).encode("utf-8")))
    keys = additions(_issue_meta(pages), existing.meta if existing else {}, target.date.isoformat(), target.date_given)
    entries = [] if target.periodical else _page_entries(target, pages, articles)
    issue = updated_issue_yaml(existing, keys, entries, target.periodical) if existing \
        else new_issue_yaml(keys, entries).encode("utf-8")
    writes.append((issue_file, issue))
    return writes


def _rewritten(page: ImportedPage) -> list[tuple[Path, bytes]]:
    """The earlier import's articles this page continues, with their new photos; read again under
    the lock, so an editor's change since the import read them is never overwritten."""
    writes = []
    for rewrite in page.rewrites:
        if not rewrite.path.is_file() or rewrite.path.read_bytes() != rewrite.old:
            raise ImportRefused(f"{rewrite.path} 在导入过程中被改动了；请保存后重新导入")
        writes += [(rewrite.path, rewrite.text)] + [(rewrite.path.with_name(name), data) for name, data in rewrite.figures]
    return writes


def _conflict(target: Target, pages: list[ImportedPage], existing: Existing | None) -> str:
    """What the import would overwrite without --force, the first thing found, or ""."""
    issue_file = target.issue_dir / "issue.yml"
    if existing is not None and target.periodical:
        return f"{issue_file} 已存在；要替换它，请加 --force"
    for page in pages:
        if existing is not None and existing.declares(page.number):
            return f"{issue_file} 已存在，其中已有第{page.number}版；要替换它，请加 --force"
        folder = _folder(target, page.number)
        old = sorted(folder.glob("*.md")) if folder.is_dir() else []
        if old:
            return f"{folder} 中已有 {len(old)} 篇稿件（例如 {old[0]}）；要替换它们，请加 --force"
        there = next((path for _, path, _ in _page_files(target, page) if os.path.lexists(path)), None)
        if there:
            return f"{there} 已存在；要替换它，请加 --force"
    return ""


def _articles(target: Target, pages: list[ImportedPage]) -> list[_Article]:
    """Every draft of every page with its file name, so regions can name articles of any page."""
    folders = {_folder(target, page.number) for page in pages}
    # slugs give URLs per issue, so they must not repeat those of the issue's other pages
    taken = Slugs({m.group(2) for path in target.issue_dir.rglob("*.md") if path.parent not in folders
                   for m in [ARTICLE_FILE_RE.match(path.name)] if m})
    articles = []
    for page in pages:
        folder = _folder(target, page.number)
        for number, draft in enumerate(page.drafts, 1):
            stem = f"{number:02d}-{slug_for(draft.title, taken)}"
            figures = [figure_name(stem, k) for k in range(1, len(draft.figures) + 1)]
            articles.append(_Article(page, draft, folder / f"{stem}.md", figures))
    return articles


def _issue_meta(pages: list[ImportedPage]) -> PageMeta:
    """The issue's masthead facts: each from the first page that prints it (the front page, as a rule)."""
    meta = PageMeta()
    for key in ("date", "weekday", "lunar", "total_number"):
        setattr(meta, key, next((getattr(p.meta, key) for p in pages if getattr(p.meta, key)), getattr(meta, key)))
    return meta


def _page_entries(target: Target, pages: list[ImportedPage], articles: list[_Article]) -> list[dict]:
    """The pages' issue.yml entries, in number order: name, credits, files and the articles' regions."""
    regions: dict[int, list[Inline]] = {page.number: [] for page in pages}
    for rewrite in (r for page in pages for r in page.rewrites):  # earlier pages' articles continued here come first
        for number, box in rewrite.regions:
            regions[number].append(Inline(article=rewrite.slug, page=rewrite.page, box=_box(box)))
    for article in articles:
        for number, box in article.draft.regions:
            if number not in regions:
                raise ValueError(f"a region of {article.slug} lies on page {number}, which this import does not write")
            entry = Inline(article=article.slug)
            if number != article.page.number:  # continued there (转版): the article is in its own page's folder
                entry["page"] = article.page.number
            entry["box"] = _box(box)
            regions[number].append(entry)
    entries = []
    for page in sorted(pages, key=lambda page: page.number):
        entry: dict = {"number": page.number, "name": page.name}
        if page.meta.editor:
            entry["editor"] = page.meta.editor
        if page.meta.staff:
            entry["staff"] = dict(page.meta.staff)
        entry.update((key, path.name) for key, path, _ in _page_files(target, page))
        if regions[page.number]:
            entry["regions"] = regions[page.number]
        entries.append(entry)
    return entries


def _box(box: Box) -> list[int | float]:
    """[x, y, w, h] as short as exact to 2 decimals (`12.5`, `30`), and inside the page once rounded."""
    x, y, w, h = (round(v, 2) for v in box)
    w, h = min(w, round(100 - x, 2)), min(h, round(100 - y, 2))
    return [int(v) if v == int(v) else v for v in (x, y, w, h)]


def _replaced(target: Target, pages: list[ImportedPage], writes: list[tuple[Path, bytes]]) -> list[Path]:
    """With --force, the drafts of the pages' earlier import, their figures and the pages' images
    and thumbnails (PNG from an import before they were JPEG), that the new files do not replace."""
    if not target.force:
        return []
    new = {path for path, _ in writes}
    old: list[Path] = []
    for page in pages:
        if page.files is not None:
            image = re.compile(rf"{page.number:02d}(?:-thumb)?{IMPORTED_IMAGE}")
            old += sorted(path for path in target.issue_dir.glob(f"{page.number:02d}*") if image.fullmatch(path.name))
        folder = _folder(target, page.number)
        if not folder.is_dir():
            continue
        for draft in sorted(folder.glob("*.md")):
            figure = re.compile(re.escape(draft.stem) + rf"-\d+{IMPORTED_IMAGE}")
            old += [draft] + sorted(path for path in folder.iterdir() if figure.fullmatch(path.name))
    return [path for path in old if path not in new]
