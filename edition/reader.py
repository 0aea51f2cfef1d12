"""Stage 1: read content files into plain data that still knows its line numbers.

Every later error must point at ``path:line``, so YAML is loaded into dicts that
remember where each key stood. Plain scalars stay the text the editor typed:
only ``null`` (``~``, empty) and ``true``/``false`` are resolved, as in YAML 1.2,
so ``3:2``, ``0573``, ``1.50`` and ``22:30`` are text, not YAML 1.1's sexagesimal,
octal or float numbers, and a date such as 2022-02-30 is our clear error, not a
YAML traceback. Whole numbers are read by the fields that want them.

Control characters (form feed, ESC, backspace…) are invisible and make feeds
malformed XML: they are removed on reading, with a warning at their line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import Problems
from .facts import CONTROL_RE


class Node(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 1
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.CSafeLoader):
    """libyaml's safe loader with line-aware mappings, no duplicate keys, and plain scalars kept
    as typed but for null and true/false."""


_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])
_Loader.add_constructor("tag:yaml.org,2002:bool", lambda loader, node: node.value in ("true", "True", "TRUE"))


def _guarded(construct):
    """An explicitly tagged scalar (``!!int``, ``!!float``, ``!!timestamp``, ``!!binary``) that
    Python cannot make, such as a 5,000-digit integer, is a YAML error at its line."""

    def guarded(loader, node):
        try:
            return construct(loader, node)
        except (ValueError, OverflowError, TypeError) as exc:
            value = str(node.value)
            shown = value if len(value) <= 40 else value[:40] + "…"
            raise yaml.constructor.ConstructorError(None, None, f"cannot read `{shown}` as "
                                                    f"{node.tag.rsplit(':', 1)[-1]}: {str(exc).split(':')[0]}",
                                                    node.start_mark) from None

    return guarded


for _tag in ("int", "float", "timestamp", "binary"):
    _full = f"tag:yaml.org,2002:{_tag}"
    _Loader.add_constructor(_full, _guarded(yaml.SafeLoader.yaml_constructors[_full]))


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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = CONTROL_RE.search(text)
    if found:
        count = len(CONTROL_RE.findall(text))
        problems.warn(path, text[: found.start()].count("\n") + 1, control_message(found.group(), count - 1))
        text = CONTROL_RE.sub("", text)
    return text


def control_message(char: str, more: int = 0, where: str = "") -> str:
    others = f" and {more} more" if more else ""
    return (f"removed control character U+{ord(char):04X}{others}{where}: invisible, and not allowed "
            "in web pages or feeds")


# a line that starts like `key：value` or `- key：value`: a key written with a full-width colon
_FULL_WIDTH_KEY = re.compile(r"[ \t]*(?:-[ \t]+)?[^\s#:'\"\[\]{}][^#:'\"\[\]{}]*：")
FULL_WIDTH_HINT = '全角冒号「：」 at line {line}: use an ASCII colon ":"'
TAB_HINT = "tab at line {line}: YAML indents with spaces, not tabs"


def yaml_hint(text: str, line: int) -> tuple[int, str] | None:
    """What an editor most likely typed wrong when YAML fails at (0-based) ``line``: a tab in an
    indent, or a key with a full-width colon, which YAML reads as text running on into the lines
    after it. Looked for on that line and the lines before it, back to the last good `key:` line
    (a full-width colon counts where an ASCII one there gets YAML further); gives the (0-based)
    line of the mistake and its hint, to format with ``line``."""
    lines = text.split("\n")
    line = min(line, len(lines) - 1)
    window = []
    for number in range(line, -1, -1):
        current = lines[number]
        if "\t" in current[: len(current) - len(current.lstrip(" \t"))]:
            return number, TAB_HINT
        if _FULL_WIDTH_KEY.match(current):
            window.append(number)
        elif number < line and ":" in current.split("#")[0]:
            break
    if window:  # full-width keys, if YAML gets past ``line`` with ASCII colons there: the first is the mistake
        mended = list(lines)
        for number in window:
            mended[number] = mended[number].replace("：", ": ", 1)
        try:
            data = yaml.load("\n".join(mended), Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            if mark is not None and min(mark.line, text.rstrip("\n").count("\n")) > line:
                return window[-1], FULL_WIDTH_HINT
        except (yaml.YAMLError, RecursionError):
            pass
        else:
            if isinstance(data, Node):
                return window[-1], FULL_WIDTH_HINT
    return None


def _yaml_error(text: str, line: int, message: str, path, problems: Problems, line_offset: int) -> None:
    """A YAML error at (0-based) ``line``, or at the likely mistake before it, with its hint."""
    hint = yaml_hint(text, line)
    if hint:
        line, message = hint[0], f"{message}; {hint[1].format(line=hint[0] + 1 + line_offset)}"
    problems.error(path, line + 1 + line_offset, message)


def parse_yaml(text: str, path: Path, problems: Problems, line_offset: int = 0) -> Node | None:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        last = text.rstrip("\n").count("\n")  # libyaml may point past the end of the text
        _yaml_error(text, min(mark.line, last) if mark else 0, f"invalid YAML: {exc.problem or exc.context}", path,
                    problems, line_offset)
        return None
    except yaml.YAMLError as exc:
        problems.error(path, 1 + line_offset, f"invalid YAML: {exc}")
        return None
    except RecursionError:
        problems.error(path, 1 + line_offset, "invalid YAML: lists or mappings nested too deeply")
        return None
    if data is None:
        data = Node()
        data.line, data.key_lines = 1, {}
    if not isinstance(data, Node):
        if isinstance(data, str) and yaml_hint(text, text.rstrip("\n").count("\n")):  # `title：标题` is text
            _yaml_error(text, text.rstrip("\n").count("\n"), "expected a YAML mapping of `key: value` lines", path,
                        problems, line_offset)
        else:
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
