"""Stage 1: read content files into plain data that still knows its line numbers.

Every later error must point at ``path:line``, so YAML is loaded into dicts that
remember where each key stood. Dates are left as strings here (no implicit
timestamps) so that 2022-02-30 becomes our clear error, not a YAML traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import Problems


class Node(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 1
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.CSafeLoader):
    """libyaml's safe loader with line-aware mappings, no timestamps and no duplicate keys."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    loader.flatten_mapping(node)
    result = Node()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class Document:
    """A content file: its metadata, its Markdown body and where the body starts."""

    path: Path | str
    meta: Node
    body: str = ""
    body_line: int = 1
    line_offset: int = 0  # added to YAML line numbers (front matter starts at line 2)


def read_text(path: Path, problems: Problems) -> str | None:
    """Decode UTF-8 strictly; a BOM is tolerated, other bytes are an error at their line."""
    return decode(path.read_bytes(), path, problems)


def decode(raw: bytes, path: Path, problems: Problems) -> str | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(path, line, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})")
        return None
    if "\x00" in text:
        problems.error(path, text[: text.index("\x00")].count("\n") + 1, "file contains a NUL byte")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(text: str, path: Path, problems: Problems, line_offset: int = 0) -> Node | None:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last = text.rstrip("\n").count("\n")  # libyaml may point past the end of the text
        line = (min(mark.line, last) + 1 if mark else 1) + line_offset
        problems.error(path, line, f"invalid YAML: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        problems.error(path, 1 + line_offset, f"invalid YAML: {exc}")
        return None
    if data is None:
        data = Node()
        data.line, data.key_lines = 1, {}
    if not isinstance(data, Node):
        problems.error(path, 1 + line_offset, "expected a YAML mapping of `key: value` lines")
        return None
    return data


def read_yaml_file(path: Path | str, problems: Problems, raw: bytes | None = None) -> Document | None:
    raw = Path(path).read_bytes() if raw is None else raw
    text = decode(raw, path, problems)
    if text is None:
        return None
    meta = parse_yaml(text, path, problems)
    return None if meta is None else Document(path, meta)


def read_markdown_file(path: Path | str, problems: Problems, raw: bytes | None = None) -> Document | None:
    """Split ``---`` YAML front matter from the Markdown body."""
    raw = Path(path).read_bytes() if raw is None else raw
    text = decode(raw, path, problems)
    if text is None:
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.error(path, 1, "missing YAML front matter: the file must start with a `---` line")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.error(path, 1, "front matter is not closed by a `---` line")
        return None
    meta = parse_yaml("\n".join(lines[1:end]), path, problems, line_offset=1)
    if meta is None:
        return None
    body = "\n".join(lines[end + 1 :])
    return Document(path, meta, body=body, body_line=end + 2, line_offset=1)
