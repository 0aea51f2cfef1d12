"""site.yml and publication.yml for an import into a folder that does not have them yet.

An empty folder gets a minimal site.yml (a title to fill in, `publications: [SLUG]`) and the
new publication a minimal publication.yml (`name: SLUG`, its kind). An existing site.yml gets
the new publication added to its `publications` list as one line, so every other line, with
its comments, stays as the editor wrote it; a site.yml the import cannot add to is a
`path:line` problem, and nothing is written.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from ..errors import ContentError, Problem, Problems
from ..load import SLUG_RE
from ..reader import read_yaml_file
from ..urls import RESERVED_FOLDERS
from .issuefile import _Edit

SITE_TITLE = "数字报"  # a placeholder the editor replaces with the paper's name


def slug_problem(slug: str) -> str:
    """Why ``slug`` cannot name a new publication folder, or ''."""
    if not SLUG_RE.match(slug):
        return f"--publication {slug}：新报刊的文件夹名只能用小写英文字母、数字和 -（例如 pinghu-daily）"
    if slug in RESERVED_FOLDERS:
        return f"--publication {slug}：这个名字是网站自己用的文件夹，请换一个"
    return ""


def _scalar(slug: str) -> str:
    """The slug as YAML reads it back as the same string (`null`, `yes` … need quotes)."""
    return slug if yaml.safe_load(slug) == slug else f"'{slug}'"


def close_publication(content: Path, slug: str) -> str:
    """An existing publication folder whose name ``slug`` looks like a slip of, or ''."""
    existing = sorted(p.parent.name for p in content.glob("*/publication.yml"))
    near = difflib.get_close_matches(slug, existing, n=1, cutoff=0.8)
    return near[0] if near else ""


def new_site_yaml(slug: str) -> bytes:
    return (f"# build.py import 创建：请把 title 改成数字报的名称（内容格式见 content/README.md）\n"
            f"title: {SITE_TITLE}\nlanguage: zh-CN\npublications:\n  - {_scalar(slug)}\n").encode("utf-8")


def new_publication_yaml(slug: str, kind: str) -> bytes:
    return (f"# build.py import 创建：请把 name 改成报刊名称\nname: {_scalar(slug)}\nkind: {kind}\n").encode("utf-8")


def listed_site_yaml(path: Path, slug: str) -> bytes | None:
    """site.yml with ``slug`` added to `publications`, or None if it is listed already."""
    raw = path.read_bytes()
    problems = Problems()
    doc = read_yaml_file(path, problems, raw)
    if doc is None:
        raise ContentError(problems.errors)
    listed = doc.meta.get("publications")
    if isinstance(listed, list) and slug in listed:
        return None
    if listed is not None and not isinstance(listed, list):
        raise ContentError([Problem(str(path), doc.meta.line_of("publications"),
                                    "`publications` must be a list of publication folder names")])
    text = raw.decode("utf-8-sig")
    crlf = "\r\n" in text
    edit = _Edit(path, text.replace("\r\n", "\n").replace("\r", "\n"))
    root = edit.root
    found = next(((k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "publications"),
                 None) if isinstance(root, yaml.MappingNode) else None
    if found is None:
        edit.add_keys(root, {"publications": [slug]})
    else:
        _append(edit, *found, slug)
    new = edit.result()
    new = new.replace("\n", "\r\n") if crlf else new
    return (b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b"") + new.encode("utf-8")


def _append(edit: _Edit, key: yaml.Node, items: yaml.Node, slug: str) -> None:
    if isinstance(items, yaml.ScalarNode):  # `publications:` with nothing after it
        if items.end_mark.index > items.start_mark.index:  # `~` or `null`
            start = items.start_mark.index
            while edit.text[start - 1] in " \t":
                start -= 1
            edit.replace(start, items.end_mark.index, "")
        at, before = edit.after_line(edit.line_of(key.end_mark.index))
        edit.insert(at, f"{before}{' ' * (key.start_mark.column + 2)}- {_scalar(slug)}\n")
    elif items.flow_style:
        if items.value:
            edit.insert(items.value[-1].end_mark.index, f", {_scalar(slug)}")
        else:
            edit.insert(items.end_mark.index - 1, _scalar(slug))
    else:
        last = items.value[-1]
        column = edit.dash(last) - edit.starts[last.start_mark.line]
        at, before = edit.after_line(edit.last_line(last))
        edit.insert(at, f"{before}{' ' * column}- {_scalar(slug)}\n")
