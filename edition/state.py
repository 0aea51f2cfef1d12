"""Build state: what the last build wrote, keyed by content hashes, for incremental builds.

Every output file gets a key: a hash of exactly the inputs it shows. The next
build recomputes the keys from the new content and renders only the files
whose key changed, deletes the files nobody produces any more, and keeps the
rest. Anything that could change every page (the build code, templates, static
assets, site and publication settings, the word list, the options) goes into
the global key, and a different global key means a full build. Keys come from
file contents; a file's size and modification time only spare re-hashing it
when neither changed, as git's index does.

The state lives outside the site (it must not be uploaded). It names the
build it describes, and the site's marker file names the build that wrote it.
A build saves its new state as "pending" just before it swaps the new site in,
and makes it the state just after; so whenever a build is killed, one of the
two matches the site in place, and the next build picks that one. A state that
matches neither is ignored (a full build): the cache repairs itself.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import LUNR_JS, PROJECT
from .reader import bytes_digest

STATE_VERSION = 4


def digest(*parts) -> str:
    """A short stable hash of plain values (str, int, tuples and lists of them)."""
    return bytes_digest(repr(parts).encode("utf-8"))


def file_digest(path: Path) -> str:
    return bytes_digest(path.read_bytes())


def global_key(content: Path, templates: Path, options: tuple) -> str:
    """Everything that can change every page: code, templates, assets, settings, word list."""
    files = sorted(p for p in (PROJECT / "edition").rglob("*.py"))
    files += sorted(p for p in templates.rglob("*") if p.is_file())
    files += [LUNR_JS, content / "site.yml", content / "dict.txt"]
    files += sorted(content.glob("*/publication.yml"))
    parts = [(str(p), file_digest(p)) for p in files if p.is_file()]
    return digest(STATE_VERSION, parts, options)


@dataclass
class BuildState:
    global_key: str = ""
    out: str = ""  # the output folder this state describes
    build_id: str = ""  # the build whose site this describes, as written in the site's marker
    names: str = ""  # digest of the words added to jieba (dict.txt and byline names)
    outputs: dict[str, str] = field(default_factory=dict)  # site path → key
    spare_id: str = ""  # the previous site, kept as .<out>.spare for the next incremental build to update
    spare: dict[str, str] = field(default_factory=dict)  # its site path → key
    parsed: dict = field(default_factory=dict)  # (path, file digest) → parsed article, see model
    keywords: dict = field(default_factory=dict)  # keyword source text → 关键词
    titles: dict = field(default_factory=dict)  # title → whole words for the search index
    months: dict = field(default_factory=dict)  # search month → (key, bucket sizes, terms, [(site path, key)])

    @classmethod
    def load_for(cls, path: Path, site_id: str) -> "BuildState | None":
        """The saved state of the site in place: the last build's, or the pending one of a build
        killed just after it swapped its site in. None (then: a full build) when neither matches."""
        if not site_id:
            return None
        for candidate in (path, pending_state(path)):
            state = _unpickle(candidate, cls)
            if state is not None and state.build_id == site_id:
                return state
        return None

    def save(self, path: Path) -> None:
        _pickle(path, self)


@dataclass
class Summary:
    """What a build saw, small enough to read in a moment: a build that finds the same
    code and the same content can stop before loading anything else."""

    global_key: str
    out: str
    tree: dict  # content file → (size, modification time, content digest)
    tree_digest: str
    build_id: str  # the site it describes, as for the build state
    warnings: list
    line: str  # the summary line the build printed


def content_tree(content: Path, known: dict) -> tuple[dict, str]:
    """Every content file with the digest of its bytes, and a digest of them all.

    A file whose size and modification time match the last build keeps the digest
    it had then, as git's index does; any other file is read and hashed. The
    build still decides everything by content digests.
    """
    tree = {}
    for folder, dirs, files in os.walk(content):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except FileNotFoundError:
                continue
            rel = os.path.relpath(path, content)
            old = known.get(rel)
            if old and old[0] == info.st_size and old[1] == info.st_mtime_ns:
                tree[rel] = old
            else:
                tree[rel] = (info.st_size, info.st_mtime_ns, file_digest(Path(path)))
    return tree, digest(sorted((rel, entry[2]) for rel, entry in tree.items()))


def load_summary(path: Path) -> Summary | None:
    return _unpickle(path, Summary)


def _unpickle(path: Path, kind: type):
    """A saved state or summary; None (so: a full build) when missing, from another version,
    or unreadable, which the build says rather than hides."""
    try:
        with open(path, "rb") as handle:
            version, value = pickle.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError) as exc:
        print(f"note: build state {path} is unreadable ({exc.__class__.__name__}); building everything",
              file=sys.stderr)
        return None
    return value if version == STATE_VERSION and isinstance(value, kind) else None


def save_summary(path: Path, summary: Summary) -> None:
    _pickle(path, summary)


def _pickle(path: Path, value) -> None:
    """Write atomically: a reader finds the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        pickle.dump((STATE_VERSION, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def pending_state(path: Path) -> Path:
    return path.with_suffix(".pending")


def forget_summary(path: Path) -> None:
    """Drop the summary before the site changes: it lets a build skip every check, so it must
    never outlive the site it describes."""
    path.with_suffix(".summary").unlink(missing_ok=True)


class BuildLock:
    """One build per output folder at a time: a second build (a manual one while ``serve``
    rebuilds, or two terminals) waits for the first instead of mixing their files."""

    def __init__(self, state_file: Path):
        self.path = state_file.with_suffix(".lock")
        self.handle = None

    def __enter__(self) -> "BuildLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            print(f"waiting for the build already writing this site (process {holder}) to finish …",
                  file=sys.stderr, flush=True)
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(str(os.getpid()))
        self.handle.flush()
        for kind in ("state", "pending", "summary"):  # half-written by a killed build: none runs now
            for leftover in self.path.parent.glob(f"{self.path.stem}.{kind}.*.tmp"):
                if leftover.name.split(".")[-2].isdigit():
                    leftover.unlink()
        return self

    def __exit__(self, *exc) -> None:
        self.handle.truncate(0)
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
