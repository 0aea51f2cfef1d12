"""Step 5: drafts → files in the project's content format.

Nothing that exists is overwritten without `force`; every file written is
returned so the command can list it. Articles carry `draft: true`, which
`build.py check` reports and `--strict` refuses, until an editor removes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

from ..errors import ContentError, Problems
from ..facts import HAN_CLASS
from ..load import ARTICLE_FILE_RE
from ..reader import Node, read_yaml_file
from .drafts import Draft, PageMeta
from .review import Review

SLUG_CHARS = 6
REPORT_NAME = "import-report{suffix}.txt"


class ImportRefused(Exception):
    """The import would overwrite or contradict something; nothing was written."""


class _IssueDumper(yaml.SafeDumper):
    """Writes issue.yml back as `edition.reader` read it: its Nodes as plain mappings, and dates,
    which it leaves as strings, unquoted (`date: 2022-06-28`) as the importer always wrote them."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        tag = super().resolve(kind, value, implicit)
        return self.DEFAULT_SCALAR_TAG if tag == "tag:yaml.org,2002:timestamp" else tag


_IssueDumper.add_representer(Node, yaml.SafeDumper.represent_dict)


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
    written: list[Path] = field(default_factory=list)

    @property
    def issue_dir(self) -> Path:
        return self.content / self.publication / self.date.isoformat()


def slug_for(title: str, taken: set[str]) -> str:
    """ASCII file name from the pinyin of the title's first Han characters, unique in its folder.

    One syllable per character keeps it predictable; the editor may rename the
    file (or set `id`) before the article is published, as the URL comes from it.
    """
    han = re.sub(f"[^{HAN_CLASS}]", "", title)[:SLUG_CHARS]
    base = "-".join(s for s in lazy_pinyin(han) if s.isascii() and s.isalpha()) or "item"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
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
    source = f"# imported from {raw_name}, line {draft.line}\n"
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


def issue_yaml(target: Target, meta: PageMeta, existing: Node | None) -> str:
    data = dict(existing or {})
    data.setdefault("date", target.date.isoformat())
    if target.date_given and not meta.date and "date_approximate" not in data:
        data["date_approximate"] = "报头未印日期；导入时以 --date 给出，请核实并写明依据"
    if meta.weekday and "weekday" not in data:
        data["weekday"] = meta.weekday
    if meta.lunar and "lunar" not in data:
        data["lunar"] = meta.lunar
    if meta.total_number and "total_number" not in data:
        data["total_number"] = meta.total_number
    if not target.periodical:
        page = {"number": target.page, "name": target.page_name}
        if meta.editor:
            page["editor"] = meta.editor
        if meta.staff:
            page["staff"] = dict(meta.staff)
        pages = [p for p in data.get("pages") or [] if p.get("number") != target.page]
        data["pages"] = sorted(pages + [page], key=lambda p: p["number"])
    return yaml.dump(data, Dumper=_IssueDumper, allow_unicode=True, sort_keys=False, default_flow_style=None,
                     width=1000)


def report_text(raw: Path, target: Target, drafts: list[Draft], review: Review) -> str:
    lines = [f"Import report for {raw.name} → {target.issue_dir}"
             + ("" if target.periodical else f", page {target.page} {target.page_name}"),
             "", f"{len(drafts)} items; each decision below gives its line in {raw.name}.", ""]
    for number, draft in enumerate(drafts, 1):
        authors = "、".join(a.get("name") or a.get("org", "") for a in draft.authors) or "—"
        lines.append(f"  {number:2d}. [{draft.kind}] {draft.title}  ({authors}; body from line {draft.line})")
    counts = review.counts()
    lines += ["", "To check: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing"), ""]
    lines += [str(note) for note in sorted(review.notes)]
    return "\n".join(lines) + "\n"


def write_import(raw: Path, target: Target, drafts: list[Draft], meta: PageMeta, review: Review) -> list[Path]:
    issue_dir = target.issue_dir
    folder = issue_dir if target.periodical else issue_dir / f"{target.page:02d}"
    issue_file = issue_dir / "issue.yml"
    existing = None
    if issue_file.exists():
        problems = Problems()
        doc = read_yaml_file(issue_file, problems)
        if doc is None:  # a broken issue.yml is the editor's to fix, at the line the reader names
            raise ContentError(problems.items)
        existing = doc.meta
        declared = {p.get("number") for p in existing.get("pages") or []}
        if not target.force and (target.periodical or target.page in declared):
            raise ImportRefused(f"{issue_file} already exists"
                                + ("" if target.periodical else f" and declares page {target.page}")
                                + "; pass --force to replace it")
    # slugs give URLs per issue, so they must not repeat those of the issue's other pages
    taken = {m.group(2) for path in issue_dir.rglob("*.md") if path.parent != folder
             for m in [ARTICLE_FILE_RE.match(path.name)] if m}
    files: list[tuple[Path, str]] = []
    for number, draft in enumerate(drafts, 1):
        name = f"{number:02d}-{slug_for(draft.title, taken)}.md"
        files.append((folder / name, article_text(draft, target.periodical, raw.name)))
    if folder.is_dir() and not target.force:
        old = sorted(folder.glob("*.md"))
        if old:
            raise ImportRefused(f"{folder} already holds {len(old)} article(s), e.g. {old[0]}; pass --force to replace them")
    suffix = "" if target.periodical else f"-{target.page:02d}"
    files.append((issue_dir / REPORT_NAME.format(suffix=suffix), report_text(raw, target, drafts, review)))
    files.append((issue_file, issue_yaml(target, meta, existing)))
    if target.force and folder.is_dir():
        for old in folder.glob("*.md"):
            if old not in {path for path, _ in files}:
                old.unlink()
    for path, text in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        target.written.append(path)
    return target.written
