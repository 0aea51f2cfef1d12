"""Content problems are reported as ``path:line: message`` so an editor can jump to them.

Reading and modelling collect every problem before giving up, because a desk
fixing an issue at night wants the whole list at once, not one error per build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass
class Problems:
    """Accumulates errors and warnings while content is read and checked."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: Path | str, line: int, message: str) -> None:
        self.items.append(Problem(str(path), max(line, 1), message))

    def warn(self, path: Path | str, line: int, message: str) -> None:
        self.items.append(Problem(str(path), max(line, 1), message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]


class ContentError(Exception):
    """Raised when content cannot be built; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UsageError(Exception):
    """A command-line option that cannot work (exit 2): the message says which and why."""


class EnvironmentFault(Exception):
    """The machine, not the content, stopped the work (exit 3): a full disk, a read-only or
    immutable file system, missing permissions. The message names what failed, where, and
    the operating system's error."""

    @classmethod
    def from_os_error(cls, doing: str, exc: OSError) -> "EnvironmentFault":
        where = f" {exc.filename}" if exc.filename else ""
        return cls(f"{doing}{where}: {exc.strerror or exc}")
