"""The write stage: put the new site in place so readers never see a half-built one.

Every build writes into a sibling folder (``.site.building-PID``) and swaps it in
for the old output in one atomic step, only when the whole build has succeeded.

Builds double-buffer. Beside the site lies the site before last,
``.site.spare``, sharing unchanged files with it as hard links. An incremental
build renames the spare to its folder and brings it up to date: it writes the
files it produced, hard-links from the live site those that changed only since
the spare, deletes those nothing produces any more, swaps, and keeps the old live
site as the next spare. So its cost follows the number of changed files, not
the size of the archive. A full build writes everything into an empty folder
and, once its site is live, links a copy of it as the spare. A file is always
replaced, never written into, because spare and live site share files.

A build that fails, or is killed at any moment, leaves the previous site
byte-for-byte as it was; its folder is removed by the next build.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
from pathlib import Path, PurePosixPath

_LIBC = ctypes.CDLL(None, use_errno=True)
MARKER = ".edition-site"  # marks a folder as built output, which a later build may replace
NO_LINKS = (errno.EPERM, errno.EMLINK, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP)  # FAT, some network drives


def built_id(out: Path) -> str:
    """The id of the build that wrote ``out`` (recorded in its marker), or "" for none."""
    try:
        lines = (Path(out) / MARKER).read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return ""
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("build:")), "")


def listing(folder: Path) -> set[str]:
    """Every file under ``folder`` as a site path, but the marker: one directory read per folder."""
    found, pending = set(), [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        try:
            entries = os.scandir(path)
        except FileNotFoundError:
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((prefix + entry.name + "/", entry.path))
                elif entry.name != MARKER:
                    found.add(prefix + entry.name)
    return found


def remove_leftovers(out: Path) -> None:
    """Folders left beside ``out`` by builds that were killed: their process no longer runs."""
    out = Path(out).absolute()
    for kind in ("building", "old"):
        for folder in out.parent.glob(f".{out.name}.{kind}-*"):
            pid = folder.name.rsplit("-", 1)[1]
            if pid.isdigit() and (int(pid) == os.getpid() or not _running(int(pid))):
                shutil.rmtree(folder)


class SiteWriter:
    """One build's folder: opened from the spare (``spare_id`` names the build it must be) or
    empty, changed file by file, then swapped in with ``commit``."""

    def __init__(self, out: Path, spare_id: str = ""):
        self.out = Path(out).absolute()
        self.tmp = self.out.with_name(f".{self.out.name}.building-{os.getpid()}")
        self.spare = self.out.with_name(f".{self.out.name}.spare")
        self.spare_id = spare_id
        self.files: set[str] = set()  # the files the folder holds when opened
        self.reused = False  # opened from the spare
        self.written = 0  # files written or copied (links are not: they add no bytes)
        self._made: set[str] = set()

    def open(self) -> "SiteWriter":
        remove_leftovers(self.out)
        if self.spare_id and built_id(self.spare) == self.spare_id:
            os.rename(self.spare, self.tmp)  # if this build dies, the next removes it as a leftover
            self.files, self.reused = listing(self.tmp), True
        else:
            if self.spare.exists():  # not the site the build state knows: its files cannot be trusted
                shutil.rmtree(self.spare)
            self.tmp.mkdir(parents=True)
        return self

    def _target(self, site_path: str) -> str:
        if not site_path or site_path.startswith("/") or ".." in site_path.split("/"):
            raise ValueError(f"refusing to write outside the site: {site_path!r}")
        target = os.path.join(self.tmp, site_path)
        if site_path in self.files:
            os.unlink(target)  # it may be a hard link to the live file: replace, never write into
            self.files.discard(site_path)
        folder = os.path.dirname(target)
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        return target

    def write(self, site_path: str, data: bytes) -> None:
        with open(self._target(site_path), "wb") as handle:
            handle.write(data)
        self.written += 1

    def copy(self, site_path: str, source: str) -> None:
        shutil.copyfile(source, self._target(site_path))
        self.written += 1

    def link(self, site_path: str) -> None:
        """The live site's file, unchanged since then: shared, not copied."""
        _link_or_copy(os.path.join(self.out, site_path), self._target(site_path))

    def delete(self, site_paths: list[str]) -> None:
        emptied = set()
        for site_path in site_paths:
            target = self.tmp.joinpath(*PurePosixPath(site_path).parts)
            target.unlink(missing_ok=True)
            self.files.discard(site_path)
            emptied.update(p for p in target.parents if self.tmp in p.parents)
        for folder in sorted(emptied, key=lambda f: len(f.parts), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def commit(self, build_id: str, before_live=lambda: None, keep_old: bool = False) -> None:
        """Mark the folder as build ``build_id`` and swap it in; ``before_live`` runs just before.

        With ``keep_old`` (an incremental build: the state knows the old site's files)
        the old live site becomes the spare; otherwise it is deleted and the new site
        is linked as the spare instead.
        """
        marker = self.tmp / MARKER
        marker.unlink(missing_ok=True)
        marker.write_text("Built by build.py; the next build replaces this whole folder.\n"
                          f"build: {build_id}\n", encoding="utf-8")
        before_live()
        old = self.tmp  # after an exchange, the old site is where the new one was
        if not (self.out.exists() and _exchange(self.tmp, self.out)):
            old = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
            if self.out.exists():
                os.replace(self.out, old)
            os.replace(self.tmp, self.out)
        if keep_old and old.exists():
            os.rename(old, self.spare)
            return
        if old.exists():
            shutil.rmtree(old)
        # named like this build's folder, so that a copy cut short by a kill is a leftover
        if _link_tree(self.out, self.tmp):
            os.rename(self.tmp, self.spare)
        else:  # no hard links here: a spare would double the site, so the next build links instead
            shutil.rmtree(self.tmp)


def _link_tree(source: Path, target: Path) -> bool:
    """A copy of ``source`` made of hard links, its marker last (a partial copy has none); False
    where the file system has no hard links."""
    for folder, dirs, files in os.walk(source):
        rel = os.path.relpath(folder, source)
        into = os.path.join(target, rel) if rel != "." else str(target)
        os.makedirs(into, exist_ok=True)
        for name in files:
            if name != MARKER:
                try:
                    os.link(os.path.join(folder, name), os.path.join(into, name))
                except OSError as exc:
                    if exc.errno in NO_LINKS:
                        return False
                    raise
    os.link(os.path.join(source, MARKER), os.path.join(target, MARKER))
    return True


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link; copy on file systems without links (FAT on a USB stick, some network drives)."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in NO_LINKS:
            raise
        shutil.copyfile(source, target)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE), so there is no moment
    without a site; False where the system cannot, and the caller renames twice instead."""
    rename = getattr(_LIBC, "renameat2", None)
    if rename is None:
        return False
    at_cwd, exchange = -100, 2
    return rename(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), exchange) == 0


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
