"""The build state: what the last build read and wrote, in SQLite, beside the output.

Tables (``SCHEMA`` below):

- ``meta``: the state's version, the output folder and the build it describes
  (as the site's marker names it), the keys of code and settings, the spare's build.
- ``files``: every content file with its size, modification and status-change
  times, inode and digest (the scan's memory, as git's index).
- ``parsed``: each article file and ``issue.yml`` as parsed (``edition/load.py``
  records), with the file digest it was made from; ``bodies``: each article's
  HTML and text, read only for the articles a build renders; ``words``: each
  article's title, 关键词 and title words.
- ``issues``: each issue's digest, the digest of its articles' words, and its
  summary (what calendars, lists and sitemaps show of it); ``listings``: what
  each index entry (版名, 栏目, author) lists of each issue; ``entries``: each
  entry's size, pinyin and address.
- ``groups``: each output group's key and, for groups that others need, its
  result (a search segment's document URLs and digests, and each issue's inputs).
- ``outputs``: every file of the live site and of the spare, with its group and
  its key in each (NULL where the folder lacks it).

A build reads the rows of what changed (and the small per-issue and per-entry
rows) and writes only the rows that changed. It keeps the state in step with
the site in place whatever moment it is killed at: a full build writes a new
database beside the old one (``.new``) and puts it in place just after swapping
its site in; an incremental build saves its changes in a small pending file
(``.pending``) just before the swap and applies them in one transaction just
after. The next build takes whichever matches the site's marker, and applies a
pending file it finds for that site. A state that matches nothing, is corrupt
or comes from another version means a full build, which says so.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import marshal
import os
import pickle
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .model import Body, Headline, IssueSummary, Listed, ListedPage
from .outputs import Row
from .scan import Entry
from .words import WordRow

# marshal's format belongs to the Python version, so that is part of the state's version.
VERSION = f"6/py{sys.version_info[0]}.{sys.version_info[1]}"

SCHEMA = """
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, ctime INTEGER NOT NULL,
                   inode INTEGER NOT NULL, digest TEXT NOT NULL);
CREATE TABLE parsed(path TEXT PRIMARY KEY, digest TEXT NOT NULL, record BLOB NOT NULL);
CREATE TABLE bodies(path TEXT PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE words(path TEXT PRIMARY KEY, title TEXT NOT NULL, row BLOB NOT NULL);
CREATE TABLE issues(id TEXT PRIMARY KEY, digest TEXT NOT NULL, words TEXT NOT NULL, summary BLOB NOT NULL);
CREATE TABLE listings(entry TEXT NOT NULL, issue TEXT NOT NULL, items BLOB NOT NULL, PRIMARY KEY (entry, issue));
CREATE INDEX listings_by_issue ON listings(issue);
CREATE TABLE entries(id TEXT PRIMARY KEY, count INTEGER NOT NULL, pinyin TEXT NOT NULL, url TEXT NOT NULL);
CREATE TABLE groups(id TEXT PRIMARY KEY, key TEXT NOT NULL, result BLOB);
CREATE TABLE outputs(path TEXT PRIMARY KEY, dir TEXT NOT NULL, grp TEXT NOT NULL, live TEXT, spare TEXT);
CREATE INDEX outputs_by_group ON outputs(grp);
CREATE INDEX outputs_by_folder ON outputs(dir);
CREATE INDEX outputs_stale ON outputs(path) WHERE live IS NOT spare;
CREATE TABLE folders(build TEXT PRIMARY KEY, mtimes BLOB NOT NULL);
"""
KEYS = {"meta": "name", "groups": "id", "issues": "id", "entries": "id", "listings": "entry, issue",
        "folders": "build"}


class StateUnusable(Exception):
    """The saved state cannot be used; the message says why (the build then builds everything)."""


@dataclass
class Delta:
    """Every change a build makes to the state: rows to write and rows to delete, per table."""

    meta: dict[str, str] = field(default_factory=dict)
    files: dict[str, Entry] = field(default_factory=dict)
    parsed: dict[str, tuple[str, tuple]] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    words: dict[str, WordRow] = field(default_factory=dict)
    issues: dict[str, tuple[str, IssueSummary]] = field(default_factory=dict)  # id → (words digest, summary)
    listings: dict[tuple[str, str], tuple] = field(default_factory=dict)  # (entry, issue) → items
    entries: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # id → (count, pinyin, url)
    groups: dict[str, tuple[str, object]] = field(default_factory=dict)
    outputs: dict[str, Row] = field(default_factory=dict)
    folders: dict[str, dict[str, int]] = field(default_factory=dict)  # build → its folders' modification times
    deleted: dict[str, set] = field(default_factory=dict)  # table → keys of rows to delete

    def delete(self, table: str, keys) -> None:
        self.deleted.setdefault(table, set()).update(keys)


class State:
    """One open state database."""

    def __init__(self, path: Path, db: sqlite3.Connection):
        self.path, self.db = path, db

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open_for(cls, path: Path, site_id: str, out: str) -> "State":
        """The state of the site in folder ``out`` whose marker names ``site_id``: the saved one,
        brought up to date with a pending change or replaced by a new one when a build was killed
        around its swap."""
        if not site_id:
            raise StateUnusable("the output folder holds no site built by build.py")
        new = new_state(path)
        if new.exists():
            try:
                candidate = cls._open(new)
            except StateUnusable:
                new.unlink()
            else:
                if candidate.meta("build") == site_id:  # killed just after its site went live
                    candidate.close()
                    os.replace(new, path)
                else:
                    candidate.close()
                    new.unlink()
        if not path.exists():
            raise StateUnusable("there is no saved build state")
        state = cls._open(path)
        try:
            if state.meta("out") != out:
                raise StateUnusable(f"the saved build state belongs to another output folder ({state.meta('out')})")
            if state.meta("build") != site_id:
                pending = read_pending(path)
                if pending is None or pending[0] != state.meta("build") or pending[1] != site_id:
                    raise StateUnusable("the saved build state describes another site than the one in place")
                state.apply(pending[2])  # killed just after its site went live
            pending_state(path).unlink(missing_ok=True)
        except BaseException:
            state.close()
            raise
        return state

    @classmethod
    def _open(cls, path: Path) -> "State":
        try:
            db = sqlite3.connect(path, isolation_level=None)
            version = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StateUnusable(f"the build state {path} is unreadable ({exc})") from None
        if version is None or version[0] != VERSION:
            db.close()
            raise StateUnusable(f"the build state {path} is from another version of build.py "
                                f"({version[0] if version else 'unknown'}; this one writes {VERSION})")
        return cls(path, db)

    @classmethod
    def create(cls, path: Path) -> "State":
        """A new, empty state at ``path`` (a full build's, written before it goes live)."""
        path.unlink(missing_ok=True)
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode = OFF")  # not in use until it is complete: no journal needed
        db.execute("PRAGMA synchronous = OFF")
        db.executescript(SCHEMA)
        db.execute("INSERT INTO meta VALUES ('version', ?)", (VERSION,))
        return cls(path, db)

    def close(self) -> None:
        self.db.close()

    # -- reading -------------------------------------------------------------------------------

    def meta(self, name: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else default

    def files(self) -> dict[str, tuple[int, int, int, int, str]]:
        """Every content file: (size, modification time, status-change time, inode, digest), as the
        scan wants them."""
        return {row[0]: row[1:] for row in self.db.execute("SELECT path, size, mtime, ctime, inode, digest FROM files")}

    def parsed(self, issues: list[str]) -> dict[str, tuple[str, tuple]]:
        """Records of every file in these issue folders."""
        found = {}
        for issue in issues:
            rows = self.db.execute("SELECT path, digest, record FROM parsed WHERE path > ? AND path < ?",
                                   (issue + "/", issue + "0"))
            found.update((p, (d, marshal.loads(r))) for p, d, r in rows)
        return found

    def bodies(self, paths: list[str]) -> dict[str, Body]:
        return {p: Body(*marshal.loads(b)) for p, b in self._where("SELECT path, body FROM bodies", "path", paths)}

    def words(self, paths: list[str]) -> dict[str, WordRow]:
        return {p: WordRow(*marshal.loads(r)) for p, r in self._where("SELECT path, row FROM words", "path", paths)}

    def titles_containing(self, names) -> set[str]:
        """Articles whose title contains one of ``names`` (their title words may change with them)."""
        found = set()
        for name in names:
            found.update(p for (p,) in self.db.execute("SELECT path FROM words WHERE instr(title, ?) > 0", (name,)))
        return found

    def issues(self) -> dict[str, tuple[str, str, IssueSummary]]:
        """Every issue's (digest, words digest, summary)."""
        return {i: (d, w, decode_summary(marshal.loads(s)))
                for i, d, w, s in self.db.execute("SELECT id, digest, words, summary FROM issues")}

    def listings(self, *, entries=None, issues=None) -> dict[tuple[str, str], tuple]:
        """What index entries list of issues: (entry, issue) → items, for these entries or issues."""
        column, keys = ("entry", entries) if entries is not None else ("issue", issues)
        query = "SELECT entry, issue, items FROM listings"
        return {(e, i): decode_items(e, marshal.loads(items)) for e, i, items in self._where(query, column, keys)}

    def entries(self) -> dict[str, tuple[int, str, str]]:
        return {i: (c, p, u) for i, c, p, u in self.db.execute("SELECT id, count, pinyin, url FROM entries")}

    def groups(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, key FROM groups"))

    def result(self, group_id: str):
        row = self.db.execute("SELECT result FROM groups WHERE id = ?", (group_id,)).fetchone()
        return marshal.loads(row[0]) if row and row[0] is not None else None

    def records(self, paths: list[str]) -> dict[str, tuple[str, tuple]]:
        """Records of these files, by path."""
        return {p: (d, marshal.loads(r)) for p, d, r in self._where("SELECT path, digest, record FROM parsed", "path",
                                                                    paths)}

    def outputs(self, *, groups=None, paths=None, folders=None) -> dict[str, Row]:
        """Files of the live site and the spare: those of these groups, at these paths or directly in
        these folders; every one of them if none is given."""
        query = "SELECT path, grp, live, spare FROM outputs"
        if groups is None and paths is None and folders is None:
            rows = self.db.execute(query)
        else:
            rows = [*self._where(query, "grp", groups or ()), *self._where(query, "path", paths or ()),
                    *self._where(query, "dir", folders or ())]
        return {p: Row(g, live, spare) for p, g, live, spare in rows}

    def dirs(self) -> set[str]:
        """Every folder of the live site that holds a file."""
        return {row[0] for row in self.db.execute("SELECT DISTINCT dir FROM outputs WHERE live IS NOT NULL")}

    def stale_outputs(self) -> dict[str, Row]:
        """Files whose spare copy differs from the live one (the last build changed them)."""
        query = "SELECT path, grp, live, spare FROM outputs WHERE live IS NOT spare"
        return {p: Row(g, live, spare) for p, g, live, spare in self.db.execute(query)}

    def folders(self, build: str) -> dict[str, int] | None:
        """Modification times of the folders of a built site, as they were when it was built."""
        row = self.db.execute("SELECT mtimes FROM folders WHERE build = ?", (build,)).fetchone()
        return marshal.loads(row[0]) if row else None

    def keys(self, table: str, prefix: str = "") -> set[str]:
        column = KEYS.get(table, "path")
        query = f"SELECT {column} FROM {table}"
        if prefix:
            return {k for (k,) in self.db.execute(query + f" WHERE {column} > ? AND {column} < ?",
                                                   (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)))}
        return {k for (k,) in self.db.execute(query)}

    def _where(self, query: str, column: str, keys):
        keys = list(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            yield from self.db.execute(f"{query} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk)

    # -- writing -------------------------------------------------------------------------------

    def apply(self, delta: Delta) -> None:
        """Write ``delta`` in one transaction."""
        db = self.db
        db.execute("BEGIN")
        try:
            for table, keys in delta.deleted.items():
                column = KEYS.get(table, "path")
                if table == "listings":
                    db.executemany("DELETE FROM listings WHERE issue = ?", ((k,) for k in keys))
                else:
                    db.executemany(f"DELETE FROM {table} WHERE {column} = ?", ((k,) for k in keys))
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", delta.meta.items())
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                           ((p, *e) for p, e in delta.files.items()))
            db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)",
                           ((p, d, marshal.dumps(r)) for p, (d, r) in delta.parsed.items()))
            db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?)",
                           ((p, marshal.dumps((b.html, b.text, b.gaps))) for p, b in delta.bodies.items()))
            db.executemany("INSERT OR REPLACE INTO words VALUES (?, ?, ?)",
                           ((p, w.title, marshal.dumps((w.source, w.keywords, w.title, w.title_words)))
                            for p, w in delta.words.items()))
            db.executemany("INSERT OR REPLACE INTO issues VALUES (?, ?, ?, ?)",
                           ((i, s.digest, w, marshal.dumps(encode_summary(s))) for i, (w, s) in delta.issues.items()))
            db.executemany("INSERT OR REPLACE INTO listings VALUES (?, ?, ?)",
                           ((e, i, marshal.dumps(encode_items(items))) for (e, i), items in delta.listings.items()))
            db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)",
                           ((i, *row) for i, row in delta.entries.items()))
            db.executemany("INSERT OR REPLACE INTO groups VALUES (?, ?, ?)",
                           ((i, k, None if r is None else marshal.dumps(r)) for i, (k, r) in delta.groups.items()))
            db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?)",
                           ((p, p[:max(p.rfind("/"), 0)], r.group, r.live, r.spare) for p, r in delta.outputs.items()))
            db.executemany("INSERT OR REPLACE INTO folders VALUES (?, ?)",
                           ((b, marshal.dumps(m)) for b, m in delta.folders.items()))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _headline(h) -> tuple:
    return (h.url, h.kicker, h.title, h.subtitle, h.kind, h.draft)


def encode_summary(s: IssueSummary) -> tuple:
    """An issue summary as plain values (marshal keeps no classes or dates)."""
    return (s.id, s.digest, s.publication, s.date.isoformat(), s.url, s.data_url, s.number_label, s.date_approximate,
            s.articles, s.pages, tuple(map(_headline, s.front)), tuple((c[0].isoformat(), *c[1:]) for c in s.corrections),
            s.sitemap, s.values, s.names, s.ids, s.entries, s.warnings, s.headlines, s.feed, s.search)


def decode_summary(row: tuple) -> IssueSummary:
    row = list(row)
    row[3] = dt.date.fromisoformat(row[3])
    row[10] = tuple(Headline(*h) for h in row[10])
    row[11] = tuple((dt.date.fromisoformat(c[0]), *c[1:]) for c in row[11])
    return IssueSummary(*row)


def encode_items(items: tuple) -> tuple:
    if items and isinstance(items[0], ListedPage):
        return tuple((p.url, p.label, p.date.isoformat(), tuple(map(_headline, p.headlines))) for p in items)
    return tuple((i.url, i.kicker, i.title, i.subtitle, i.kind, i.publication, i.date.isoformat(), i.date_approximate,
                  i.page_label, i.draft) for i in items)


def decode_items(entry: str, rows: tuple) -> tuple:
    if entry.startswith("section"):
        return tuple(ListedPage(u, label, dt.date.fromisoformat(d), tuple(Headline(*h) for h in hs))
                     for u, label, d, hs in rows)
    return tuple(Listed(*r[:6], dt.date.fromisoformat(r[6]), *r[7:]) for r in rows)


def new_state(path: Path) -> Path:
    return path.with_name(path.name + ".new")


def pending_state(path: Path) -> Path:
    return path.with_name(path.name + ".pending")


def save_pending(path: Path, base: str, build: str, delta: Delta) -> None:
    """The changes an incremental build is about to make live, saved atomically before its swap."""
    target = pending_state(path)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        pickle.dump((VERSION, base, build, delta), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, target)


def read_pending(path: Path) -> tuple[str, str, Delta] | None:
    try:
        with open(pending_state(path), "rb") as handle:
            version, base, build, delta = pickle.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None  # half-written by a build killed before its swap: that build never went live
    return (base, build, delta) if version == VERSION else None


class BuildLock:
    """One build per output folder at a time: a second build (a manual one while ``serve``
    rebuilds, or two terminals) waits for the first instead of mixing their files.

    It is a POSIX record lock (``lockf``), which belongs to the build's process alone: the
    workers it forks do not hold it, and the system drops it when the process dies, however it
    dies, so a killed build never locks out the next one.
    """

    def __init__(self, state_file: Path):
        self.path = state_file.with_name(state_file.name + ".lock")
        self.handle = None

    def __enter__(self) -> "BuildLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+")
        try:
            fcntl.lockf(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            print(f"waiting for the build already writing this site (process {holder}) to finish …",
                  file=sys.stderr, flush=True)
            fcntl.lockf(self.handle, fcntl.LOCK_EX)
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(str(os.getpid()))
        self.handle.flush()
        for leftover in self.path.parent.glob(f"{self.path.name.removesuffix('.lock')}.pending.*.tmp"):
            if leftover.name.split(".")[-2].isdigit():  # half-written by a killed build: none runs now
                leftover.unlink()
        return self

    def __exit__(self, *exc) -> None:
        self.handle.truncate(0)
        fcntl.lockf(self.handle, fcntl.LOCK_UN)
        self.handle.close()
