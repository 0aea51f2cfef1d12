"""issue.yml as the importer writes it: a new file, or the editor's file with the pages added.

An existing issue.yml is edited as text: the new keys and the new pages are inserted as whole
lines (a replaced page, with `--force`, as the lines of that page), so every other line, with
its comments, quotes, order and indentation, stays byte for byte as the editor left it. The
file must be one the importer can read: invalid YAML, `pages` that is not a list, a page with
no whole `number`, or a result the build would refuse is a `path:line` problem, and nothing is
written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ContentError, Problem, Problems
from ..facts import CONTROL_RE
from ..load import DATE_PLACEHOLDER, parse_issue, whole_number
from ..reader import Node, read_yaml_file
from .drafts import PageMeta

DUMP = dict(allow_unicode=True, sort_keys=False, width=1000)


class _IssueDumper(yaml.SafeDumper):
    """Writes dates, which the reader leaves as strings, unquoted (`date: 2022-06-28`), as the
    importer always wrote them."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        tag = super().resolve(kind, value, implicit)
        return self.DEFAULT_SCALAR_TAG if tag == "tag:yaml.org,2002:timestamp" else tag


class Inline(dict):
    """A mapping written on one line, `{article: slug, box: [0, 12, 62, 30]}`, as editors write regions."""


_IssueDumper.add_representer(
    Inline, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True))


def _dump(data, flow: bool | None = None) -> str:
    return yaml.dump(data, Dumper=_IssueDumper, default_flow_style=flow, **DUMP)


@dataclass
class Existing:
    """An issue.yml that is already there: its text as read, and how to write it back."""

    path: Path
    text: str  # decoded, line feeds only
    meta: Node
    bom: bool
    crlf: bool

    def declares(self, page: int) -> bool:
        return any(whole_number(p.get("number")) == page for p in self.meta.get("pages") or [])

    def encode(self, text: str) -> bytes:
        text = text.replace("\n", "\r\n") if self.crlf else text
        return ("\ufeff" if self.bom else "").encode("utf-8") + text.encode("utf-8")


def read_existing(path: Path, periodical: bool) -> Existing:
    """The issue.yml the import adds to, checked for what the import relies on."""
    raw = path.read_bytes()
    problems = Problems()
    doc = read_yaml_file(path, problems, raw)
    if doc is None:  # a broken issue.yml is the editor's to fix, at the line the reader names
        raise ContentError(problems.errors)
    text = raw.decode("utf-8-sig")
    existing = Existing(path, text.replace("\r\n", "\n").replace("\r", "\n"), doc.meta,
                        raw.startswith(b"\xef\xbb\xbf"), b"\r\n" in raw)
    if not periodical:
        _check_pages(existing, problems)
    if problems.errors:
        raise ContentError(problems.errors)
    return existing


def _check_pages(existing: Existing, problems: Problems) -> None:
    meta, path = existing.meta, existing.path
    pages = meta.get("pages")
    if pages is None:
        return
    if not isinstance(pages, list):
        problems.error(path, meta.line_of("pages"), "`pages` must be a list of pages, each with `number` and `name`")
        return
    seen: dict[int, int] = {}
    for page in pages:
        if not isinstance(page, Node):
            problems.error(path, meta.line_of("pages"), "each page under `pages` must be a mapping with `number` "
                                                         f"and `name`, not {type(page).__name__}")
            continue
        number = whole_number(page.get("number"))
        if number is None or number < 1:
            problems.error(path, page.line_of("number"), "each page needs a `number` of 1 or more"
                           + (f", not {page.get('number')!r}" if "number" in page else ""))
        elif number in seen:
            problems.error(path, page.line_of("number"), f"page {number} is declared twice (first at line {seen[number]})")
        else:
            seen[number] = page.line_of("number")


def additions(meta: PageMeta, existing: dict, date: str, date_given: bool) -> dict:
    """The issue-level keys the import adds: those the page prints and issue.yml does not have."""
    data: dict = {}
    if "date" not in existing:
        data["date"] = date
    if date_given and not meta.date and "date_approximate" not in existing:
        data["date_approximate"] = DATE_PLACEHOLDER  # `check` warns until an editor replaces it
    if meta.weekday and "weekday" not in existing:
        data["weekday"] = meta.weekday
    if meta.lunar and "lunar" not in existing:
        data["lunar"] = meta.lunar
    if meta.total_number and "total_number" not in existing:
        data["total_number"] = meta.total_number
    return data


def new_issue_yaml(keys: dict, pages: list[dict]) -> str:
    return _dump({**keys, **({"pages": pages} if pages else {})})


def updated_issue_yaml(existing: Existing, keys: dict, pages: list[dict], periodical: bool) -> bytes:
    """The editor's issue.yml with the keys and the pages (given in number order) inserted; checked
    as the build reads it."""
    edit = _Edit(existing.path, existing.text)
    root = edit.root
    if isinstance(root, yaml.MappingNode) and pages:
        found = next(((k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "pages"), None)
        if found is not None:
            edit.add_pages(*found, pages)
            pages = []
    edit.add_keys(root, {**keys, **({"pages": pages} if pages else {})})
    text = edit.result()
    parsed = parse_issue(str(existing.path), text.encode("utf-8"), periodical)
    errors = [p for p in parsed.problems if p.severity == "error"]
    if errors:
        raise ContentError(sorted({Problem(p.path, edit.old_line(p.line), p.message) for p in errors}))
    return existing.encode(text)


class _Edit:
    """Insertions and replacements in a YAML text, located by the nodes PyYAML composes."""

    def __init__(self, path: Path, text: str):
        self.text = text
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        control = next((m for m in CONTROL_RE.finditer(text) if m.group() != "\r"), None)
        if control:  # the build removes it with a warning; an edit line by line would have to keep it
            raise ContentError([Problem(str(path), self.line_of(control.start()) + 1,
                                        f"control character U+{ord(control.group()):04X}: remove it, then import "
                                        "again (the importer edits issue.yml line by line and keeps every "
                                        "character)")])
        try:
            self.root = yaml.compose(text, Loader=yaml.SafeLoader)
        except (yaml.YAMLError, RecursionError) as exc:  # the reader accepted it; the composer should too
            mark = getattr(exc, "problem_mark", None)
            raise ContentError([Problem(str(path), (mark.line + 1) if mark else 1,
                                        f"invalid YAML: {getattr(exc, 'problem', None) or exc}")]) from None
        self.edits: list[tuple[int, int, int, str]] = []  # (start, end, order, new text)
        self.chunks: list[tuple[int, int, int, bool]] = []  # of the result: (start, end, old index, copied)
        self.new = text
        self.ended = False  # a line feed was added after the last line

    # ------------------------------------------------------------ positions

    def line_of(self, index: int) -> int:  # 0-based
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def after_line(self, line: int) -> tuple[int, str]:
        """Where text goes to start on the line after `line`, and what must come before it: the
        line feed that ends a file's last line, if it has none, for the first text put there."""
        if line + 1 < len(self.starts):
            return self.starts[line + 1], ""
        unended = bool(self.text) and not self.text.endswith("\n") and not self.ended
        self.ended = True
        return len(self.text), "\n" if unended else ""

    def last_line(self, node: yaml.Node) -> int:
        """The last line that holds a character of the node (block end marks lie at the next token)."""
        if isinstance(node, yaml.ScalarNode) or node.flow_style:
            return self.line_of(max(node.start_mark.index, node.end_mark.index - 1))
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for kv in node.value for n in kv]
        return max((self.last_line(child) for child in children), default=node.start_mark.line)

    def dash(self, item: yaml.Node) -> int:
        """The index of the `-` that starts a block sequence item."""
        return self.text.rindex("-", self.starts[item.start_mark.line], item.start_mark.index + 1)

    def insert(self, at: int, text: str) -> None:
        self.edits.append((at, at, len(self.edits), text))

    def replace(self, start: int, end: int, text: str) -> None:
        self.edits.append((start, end, len(self.edits), text))

    # ------------------------------------------------------------ edits

    def add_keys(self, root: yaml.Node | None, keys: dict) -> None:
        if not keys:
            return
        if root is None:  # empty, or comments only
            at, before = self.after_line(len(self.starts) - 1)
            self.insert(at, before + _dump(keys))
        elif root.flow_style:
            inner = _dump(keys, flow=True).strip()[1:-1]
            if root.value:
                self.insert(self.last_value_end(root), ", " + inner)
            else:
                self.insert(root.end_mark.index - 1, inner)
        else:  # one `key: value` line each (a mapping of scalars alone would come out in flow style)
            at, before = self.after_line(self.last_line(root))
            lines = "".join(_dump({key: value}, flow=None if isinstance(value, list) else False)
                            for key, value in keys.items())
            self.insert(at, before + _indented(lines, " " * root.start_mark.column))

    def last_value_end(self, node: yaml.Node) -> int:
        last = node.value[-1]
        last = last[1] if isinstance(last, tuple) else last
        return last.end_mark.index

    def add_pages(self, key: yaml.Node, pages: yaml.Node, new: list[dict]) -> None:
        """Each new page in its place by number: after the pages before it, replacing its old entry."""
        if isinstance(pages, yaml.ScalarNode):  # `pages:` with nothing, or null
            if pages.end_mark.index > pages.start_mark.index:  # `~` or `null`, and the space before it
                start = pages.start_mark.index
                while self.text[start - 1] in " \t":
                    start -= 1
                self.replace(start, pages.end_mark.index, "")
            at, before = self.after_line(self.line_of(key.end_mark.index))
            self.insert(at, before + _indented(_dump(new), " " * key.start_mark.column))
        elif not pages.value:  # `pages: []`
            self.insert(pages.end_mark.index - 1, ", ".join(_dump(page, flow=True).strip() for page in new))
        else:  # insertions at one place keep the order they are made in: the pages' order
            for page in new:
                self.add_page(key, pages, page)

    def add_page(self, key: yaml.Node, pages: yaml.Node, page: dict) -> None:
        """One page into a sequence that has pages already."""
        number = page["number"]
        items = pages.value
        numbers = [whole_number(_scalar(item, "number")) for item in items]
        same = next((k for k, n in enumerate(numbers) if n == number), None)
        later = next((k for k, n in enumerate(numbers) if n is not None and n > number), len(items))
        if pages.flow_style:
            flow = _dump(page, flow=True).strip()
            if same is not None:
                self.replace(items[same].start_mark.index, items[same].end_mark.index, flow)
            elif later < len(items):
                self.insert(items[later].start_mark.index, flow + ", ")
            else:
                self.insert(items[-1].end_mark.index, ", " + flow)
            return
        column = self.dash(items[0]) - self.starts[items[0].start_mark.line]
        block = _indented(_dump([page]), " " * column)
        if same is not None:
            item = items[same]
            start = self.dash(item) - column
            end, before = self.after_line(self.last_line(item))
            self.replace(start, end, before + block)
            return
        if later == 0:  # first: right under `pages:`, so comments above the old first page stay with it
            at, before = self.after_line(self.line_of(key.end_mark.index))
        else:
            at, before = self.after_line(self.last_line(items[later - 1]))
        self.insert(at, before + block)

    # ------------------------------------------------------------ result

    def result(self) -> str:
        out, pos, size = [], 0, 0
        for start, end, _, text in sorted(self.edits):
            for piece, old, copied in ((self.text[pos:start], pos, True), (text, start, False)):
                self.chunks.append((size, size + len(piece), old, copied))
                out.append(piece)
                size += len(piece)
            pos = max(pos, end)
        self.chunks.append((size, size + len(self.text) - pos, pos, True))
        out.append(self.text[pos:])
        self.new = "".join(out)
        return self.new

    def old_line(self, new_line: int) -> int:
        """The line of the editor's file that a line of the result comes from, or the line after
        which it was inserted."""
        index = sum(len(line) + 1 for line in self.new.split("\n")[: max(new_line - 1, 0)])
        for start, end, old, copied in self.chunks:
            if start <= index < end:
                return self.line_of(old + index - start if copied else max(old - 1, 0)) + 1
        return self.line_of(max(len(self.text) - 1, 0)) + 1


def _scalar(node: yaml.Node, key: str):
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.ScalarNode):
                return v.value
    return None


def _indented(text: str, indent: str) -> str:
    return "".join(indent + line if line else line for line in text.splitlines(keepends=True))
