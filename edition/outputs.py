"""The output protocol: every file of the site is an ``Output`` of a ``Group``.

An output declares its site path, its kind, the key of what it shows and how
it is produced (a function that returns its bytes, or a source file to copy).
Outputs come in groups (an issue's pages, a year's calendars, a search segment),
each with a key that covers everything its outputs show, so that a build asks
an unchanged group for nothing: its files and their keys are in the build
state. Only a group whose key changed is expanded into its outputs.

``decide`` is the one diff rule for every kind of output; see its docstring.
A group's expansion may leave a result in the build state (a search segment's
documents), which the next build's expansion can start from; an output with
nothing to make it from (``Output.kept``) is a file the last build made, which
must still be where it was. Adding an output type (an EPUB, a IIIF manifest)
means adding a producer that yields groups: nothing here or in the pipeline
changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .scan import bytes_digest

KINDS = ("page", "feed", "sitemap", "data", "asset", "search")


def digest(*parts) -> str:
    """A short stable hash of plain values (str, int, None, and tuples and lists of them)."""
    return bytes_digest(repr(parts).encode("utf-8", "surrogatepass"))


@dataclass(slots=True)
class Output:
    path: str
    kind: str
    key: str | None  # a hash of what the file shows; None: its bytes decide (files made together)
    produce: Callable[[], bytes] | None = None
    source: str = ""  # a file copied as it is (key: its content digest)
    data: bytes | None = None  # bytes already made with the group
    bodies: tuple = ()  # articles whose bodies producing needs, loaded before work is forked

    @property
    def kept(self) -> bool:
        """A file the last build made, that stays as it is: none of produce, source and data."""
        return self.produce is None and self.data is None and not self.source

    def __post_init__(self):
        if self.key is None and self.data is not None:
            self.key = bytes_digest(self.data)


@dataclass(slots=True)
class Expansion:
    outputs: list[Output]
    result: Any = None  # kept in the build state: what the next build's expansion may start from


@dataclass(slots=True)
class Group:
    id: str
    key: str
    expand: Callable[[], Expansion]
    heavy: bool = False  # real work to expand: done on all cores
    seconds: float = 0.0  # estimated cost of expanding, for parallel.map
    prepare: Callable[[], None] | None = None  # loads what expanding reads, before work is forked


@dataclass
class Row:
    """A file of the live site or the spare, as the build state records it."""

    group: str
    live: str | None  # key of the file in the live site, None if it is not there
    spare: str | None  # key of the file in the spare, None if it is not there


@dataclass
class Decision:
    """What the write stage does to turn the spare (or an empty folder) into the new site."""

    files: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # path → (group, key) where the new
    #   site differs from the live one or from the spare (None: the file leaves the site); all others stay
    produce: list[Output] = field(default_factory=list)  # outputs whose bytes must be made or copied
    link: list[str] = field(default_factory=list)  # unchanged since the live site: hard-link from there
    delete: list[str] = field(default_factory=list)  # in the spare, but not in the new site
    kept: int = 0  # already right in the spare


def stale(groups: list[Group], known: dict[str, str]) -> list[Group]:
    """The groups that must be expanded: new ones and those whose key changed."""
    return [g for g in groups if known.get(g.id) != g.key]


def decide(groups: list[Group], expanded: dict[str, list[Output]], rows: dict[str, Row], in_spare,
           strays: set[str], in_live) -> Decision:
    """The one diff rule, for every kind of output.

    A file of the new site needs nothing when the spare holds it with the same
    key; it is hard-linked from the live site when that holds it with the same
    key; otherwise it is produced (written or copied). Files of an unexpanded
    group keep the keys the state has for them. A file the state believes in but
    the folder lacks (someone deleted it) counts as absent, whatever its kind, so
    it is produced again: an unexpanded group with such a file must be expanded,
    and ``decide`` raises ``Missing`` naming it. Files the spare holds that the
    new site lacks are deleted.

    ``rows`` are the state's rows of every file that can need anything: those of
    expanded groups and of groups that are gone, those at the paths of expanded
    outputs, those whose spare copy is stale, and those in folders of the spare
    that someone changed (``strays`` are the files found there). A file of an
    unexpanded group with no row here is right in the spare. ``in_spare(path,
    key)`` tells whether the spare really holds a file the state says it has;
    ``in_live(path)`` whether the live site does.
    """
    decision = Decision()
    produced: dict[str, str] = {}
    missing = set()
    for group_id, outputs in expanded.items():
        for output in outputs:
            if output.path in produced:
                raise ValueError(f"two outputs claim the same file: {output.path}")
            produced[output.path] = group_id
            row = rows.get(output.path)
            if row and row.spare == output.key and in_spare(output.path, row.spare):
                decision.kept += 1
            elif row and row.live == output.key and in_live(output.path):
                decision.link.append(output.path)
            elif output.kept:  # nothing to make it from: the group must make all of its files again
                missing.add(group_id)
            else:
                decision.produce.append(output)
            if row is None or (row.group, row.live, row.spare) != (group_id, output.key, output.key):
                decision.files[output.path] = (group_id, output.key)
    current = {g.id for g in groups}
    staying: set[str] = set(produced)
    for path, row in rows.items():
        if path in produced:
            continue
        if row.group in expanded or row.group not in current or row.live is None:
            decision.files[path] = (row.group, None)  # no longer produced, or gone since the last build
            continue
        staying.add(path)
        if row.spare == row.live and in_spare(path, row.spare):
            decision.kept += 1
        elif in_live(path):
            decision.link.append(path)
            decision.files[path] = (row.group, row.live)
        else:
            missing.add(row.group)
    if missing:
        raise Missing(sorted(missing))
    held = {p for p, row in rows.items() if in_spare(p, row.spare)} | strays
    decision.delete = sorted(held - staying)
    return decision


class Missing(Exception):
    """Unexpanded groups with a file that is in neither folder: they must be produced again."""

    def __init__(self, groups: list[str]):
        super().__init__(", ".join(groups))
        self.groups = groups
