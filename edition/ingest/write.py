"""Step 5: drafts → files in the project's content format.

Nothing that exists is overwritten without `force`; every file written is
returned so the command can list it. Articles carry `draft: true`, which
`build.py check` reports and `--strict` refuses, until an editor removes it.
"""

from __future__ import annotations

import datetime as dt
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
from .drafts import Draft, PageMeta
from .issuefile import additions, new_issue_yaml, read_existing, updated_issue_yaml
from ..facts import escape_controls
from .review import Review

SLUG_CHARS = 6
REPORT_NAME = "import-report{suffix}.txt"


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
    page: int = 1
    page_name: str = "要闻"
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


def article_text(draft: Draft, periodical: bool, raw_name: str) -> str:
    source = f"# 导入自 {escape_controls(raw_name)} 第{draft.line}行\n"
    body = "\n\n".join(_escape(p) for p in draft.paragraphs)
    return f"---\n{source}{front_matter(draft, periodical)}---\n\n{body}\n"


def _escape(paragraph: str) -> str:
    """Keep extracted text literal in CommonMark: only our own `## ` headings are markup."""
    if paragraph.startswith(("## ", "### ")):
        marks, _, text = paragraph.partition(" ")
        return f"{marks} {_escape_inline(text)}"
    text = _escape_inline(paragraph)
    return re.sub(r"^([#>+\-=|]|\d+[.)])", r"\\\1", text)


def _escape_inline(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>{}])", r"\\\1", text)


def report_text(raw: Path, target: Target, drafts: list[Draft], review: Review) -> str:
    """The review report, in Chinese: the items found, what to check, and every punctuation change."""
    name = escape_controls(raw.name)
    page = "" if target.periodical else f"，第{target.page}版 {escape_controls(target.page_name)}"
    lines = [f"导入报告：{name} → {escape_controls(str(target.issue_dir))}{page}", "",
             f"共 {len(drafts)} 条稿件；下面每一条都注明它在 {name} 中的行号。", ""]
    for number, draft in enumerate(drafts, 1):
        authors = "、".join(a.get("name") or a.get("org", "") for a in draft.authors if a.get("name") or a.get("org"))
        kind = KIND_LABELS.get(draft.kind, draft.kind)
        lines.append(f"  {number:2d}. [{kind}] {draft.title}（{authors or '无署名'}；正文自第{draft.line}行）")
    lines += ["", f"待核对：{review.summary()}", f"标点（GB/T 15834）：{review.punctuation_summary()}；逐处列在报告末尾"
              if review.punctuation else "标点（GB/T 15834）：无需改动", ""]
    lines += [str(note) for note in sorted(review.notes)]
    if review.punctuation:
        lines += ["", "标点改动（行号、列号以原文为准）："]
        by_line: dict[int, list] = {}
        for change in review.punctuation:
            by_line.setdefault(change.line, []).append(change)
        for line, changes in sorted(by_line.items()):
            lines.append(f"第{line}行：" + "、".join(f"第{c.column}列 {c}" for c in changes))
    return "\n".join(lines) + "\n"


def write_import(raw: Path, target: Target, drafts: list[Draft], meta: PageMeta, review: Review) -> list[Path]:
    """Write the drafts, the report and issue.yml as one change: all of them, or none.

    Raises ImportRefused (something would be overwritten), ContentError (an issue.yml the import
    cannot add to, at its line) or EnvironmentFault (the disk or the system failed; the files
    that were there are left as they were).
    """
    publication = target.content / target.publication
    # every import locks the content folder, so one that makes site.yml or the publication folder
    # waits for none; the publication's own lock stays, for imports that know only that one
    whole = not publication.is_dir() or any(path.parent == target.content for path, _ in target.setup)
    root, name = (target.content, f"{target.publication}-{target.date.isoformat()}") if whole \
        else (publication, target.date.isoformat())
    try:
        with files.locked(target.content), (files.locked(publication) if publication.is_dir() else nullcontext()):
            writes = target.setup + _planned(raw, target, drafts, meta, review)
            files.replace_all(root, name, writes, _replaced(target, writes))
    except files.Busy as exc:
        raise ImportRefused(str(exc)) from None
    except OSError as exc:  # reading what is there; writing has its own messages
        raise EnvironmentFault(escape_controls(f"cannot read {exc.filename or publication}: {exc.strerror or exc}")) from None
    target.written = [path for path, _ in writes]
    return target.written


def _folder(target: Target) -> Path:
    return target.issue_dir if target.periodical else target.issue_dir / f"{target.page:02d}"


def _planned(raw: Path, target: Target, drafts: list[Draft], meta: PageMeta, review: Review) -> list[tuple[Path, bytes]]:
    """Every file the import writes, with its bytes: the drafts, the report, issue.yml."""
    issue_dir, folder = target.issue_dir, _folder(target)
    issue_file = issue_dir / "issue.yml"
    existing = read_existing(issue_file, target.periodical) if issue_file.exists() else None
    if existing is not None and not target.force and (target.periodical or existing.declares(target.page)):
        raise ImportRefused(f"{issue_file} 已存在"
                            + ("" if target.periodical else f"，其中已有第{target.page}版")
                            + "；要替换它，请加 --force")
    # slugs give URLs per issue, so they must not repeat those of the issue's other pages
    taken = Slugs({m.group(2) for path in issue_dir.rglob("*.md") if path.parent != folder
                   for m in [ARTICLE_FILE_RE.match(path.name)] if m})
    writes: list[tuple[Path, bytes]] = []
    for number, draft in enumerate(drafts, 1):
        name = f"{number:02d}-{slug_for(draft.title, taken)}.md"
        writes.append((folder / name, article_text(draft, target.periodical, raw.name).encode("utf-8")))
    if folder.is_dir() and not target.force:
        old = sorted(folder.glob("*.md"))
        if old:
            raise ImportRefused(f"{folder} 中已有 {len(old)} 篇稿件（例如 {old[0]}）；要替换它们，请加 --force")
    suffix = "" if target.periodical else f"-{target.page:02d}"
    writes.append((issue_dir / REPORT_NAME.format(suffix=suffix), report_text(raw, target, drafts, review).encode("utf-8")))
    keys = additions(meta, existing.meta if existing else {}, target.date.isoformat(), target.date_given)
    page = None
    if not target.periodical:
        page = {"number": target.page, "name": target.page_name}
        if meta.editor:
            page["editor"] = meta.editor
        if meta.staff:
            page["staff"] = dict(meta.staff)
    issue = updated_issue_yaml(existing, keys, page, target.periodical) if existing \
        else new_issue_yaml(keys, page).encode("utf-8")
    writes.append((issue_file, issue))
    return writes


def _replaced(target: Target, writes: list[tuple[Path, bytes]]) -> list[Path]:
    """With --force, the drafts of the page's earlier import that the new ones do not replace."""
    folder = _folder(target)
    if not (target.force and folder.is_dir()):
        return []
    new = {path for path, _ in writes}
    return sorted(old for old in folder.glob("*.md") if old not in new)
