"""The output protocol: every file of the site is an ``Output`` of a ``Group``.

An output declares its site path, its kind, the key of what it shows and how
it is produced (a function that returns its bytes, or a source file to copy).
Outputs come in groups (an issue's pages, a year's calendars, a search month),
each with a key that covers everything its outputs show, so that a build asks
an unchanged group for nothing: its files and their keys are in the build
state. Only a group whose key changed is expanded into its outputs.

``decide`` is the one diff rule for every kind of output; see its docstring.
Adding an output type (an EPUB, a IIIF manifest) means adding a producer that
yields groups: nothing here or in the pipeline changes.
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

    def __post_init__(self):
        if self.key is None and self.data is not None:
            self.key = bytes_digest(self.data)


@dataclass(slots=True)
class Expansion:
    outputs: list[Output]
    result: Any = None  # kept in the build state for groups that need it (see Group.needs)


@dataclass(slots=True)
class Group:
    id: str
    key: str
    expand: Callable[[dict], Expansion]  # given the results of the groups named by ``needs``
    heavy: bool = False  # real work to expand: done on all cores
    needs: str = ""  # expand after the groups whose id starts with this, with their results
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

    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # path → (group, key) of the new site
    produce: list[Output] = field(default_factory=list)  # outputs whose bytes must be made or copied
    link: list[str] = field(default_factory=list)  # unchanged since the live site: hard-link from there
    delete: list[str] = field(default_factory=list)  # in the spare, but no longer produced
    kept: int = 0  # already right in the spare


def stale(groups: list[Group], known: dict[str, str]) -> list[Group]:
    """The groups that must be expanded: new ones and those whose key changed."""
    return [g for g in groups if known.get(g.id) != g.key]


def decide(groups: list[Group], expanded: dict[str, list[Output]], rows: dict[str, Row],
           in_spare: set[str], in_live) -> Decision:
    """The one diff rule, for every kind of output.

    A file of the new site needs nothing when the spare holds it with the same
    key; it is hard-linked from the live site when that holds it with the same
    key; otherwise it is produced (written or copied). A file the state believes
    in but the folder lacks (someone deleted it) counts as absent, whatever its
    kind, so it is produced again. Files of an unexpanded group keep the keys the
    state has for them; ``in_live(path)`` tells whether the live site really
    has one. Spare files that nothing produces any more are deleted.

    An unexpanded group whose files cannot all be kept or linked must be
    expanded: ``decide`` raises ``Missing`` naming them.
    """
    decision = Decision()
    members: dict[str, list[str]] = {}
    for path, row in rows.items():
        if row.live is not None:
            members.setdefault(row.group, []).append(path)
    missing = []
    for group in groups:
        if group.id in expanded:
            for output in expanded[group.id]:
                if output.path in decision.files:
                    raise ValueError(f"two outputs claim the same file: {output.path}")
                decision.files[output.path] = (group.id, output.key)
                row = rows.get(output.path)
                if row and row.spare == output.key and output.path in in_spare:
                    decision.kept += 1
                elif row and row.live == output.key and in_live(output.path):
                    decision.link.append(output.path)
                else:
                    decision.produce.append(output)
            continue
        for path in members.get(group.id, ()):
            row = rows[path]
            decision.files[path] = (group.id, row.live)
            if row.spare == row.live and path in in_spare:
                decision.kept += 1
            elif in_live(path):
                decision.link.append(path)
            else:
                missing.append(group.id)
                break
    if missing:
        raise Missing(missing)
    decision.delete = sorted(in_spare - decision.files.keys())
    return decision


class Missing(Exception):
    """Unexpanded groups with a file that is in neither folder: they must be produced again."""

    def __init__(self, groups: list[str]):
        super().__init__(", ".join(groups))
        self.groups = groups
