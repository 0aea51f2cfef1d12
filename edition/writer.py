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
from pathlib import Path

from .errors import EnvironmentFault

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


def folder_times(root: Path, folders) -> dict[str, int]:
    """Modification times of these folders of a site ("" is the site itself); absent ones are left out.

    A folder's time changes whenever a file in it is added, removed or renamed, so
    comparing them with the times recorded when the site was built shows, at the
    cost of one ``stat`` per folder, the folders where someone deleted files.
    """
    times = {}
    for folder in folders:
        try:
            times[folder] = os.stat(os.path.join(root, folder)).st_mtime_ns
        except FileNotFoundError:
            continue
    return times


def changed_folders(root: Path, recorded: dict[str, int]) -> dict[str, tuple[set[str], set[str]]]:
    """The folders of ``root`` whose time is not the recorded one, each with the files and folders
    it holds now (as site paths), or None for a folder that is gone."""
    now = folder_times(root, recorded)
    changed = {}
    for folder, mtime in recorded.items():
        if now.get(folder) == mtime:
            continue
        if folder not in now:
            changed[folder] = None
            continue
        files, dirs = set(), set()
        prefix = folder + "/" if folder else ""
        with os.scandir(os.path.join(root, folder)) as entries:
            for entry in entries:
                if entry.name != MARKER:
                    (dirs if entry.is_dir(follow_symlinks=False) else files).add(prefix + entry.name)
        changed[folder] = (files, dirs)
    return changed


def remove_leftovers(out: Path) -> list[str]:
    """Remove the folders that killed builds left beside ``out``; their names, for a message.

    The caller holds the build lock of ``out``, so no other build of it runs: every such
    folder is a dead build's, whatever process now has the number in its name.
    """
    out = Path(out).absolute()
    removed = []
    for kind in ("building", "old", "spare-building"):
        for folder in sorted(out.parent.glob(f".{out.name}.{kind}-*")):
            if folder.name.rsplit("-", 1)[1].isdigit():
                shutil.rmtree(folder)
                removed.append(folder.name)
    return removed


class SiteWriter:
    """One build's folder: opened from the spare (``spare_id`` names the build it must be,
    ``recorded`` the times of its folders when it was built) or empty, changed file by file,
    then swapped in with ``commit``."""

    def __init__(self, out: Path, spare_id: str = "", recorded: dict[str, int] | None = None):
        self.out = Path(out).absolute()
        self.tmp = self.out.with_name(f".{self.out.name}.building-{os.getpid()}")
        self.spare = self.out.with_name(f".{self.out.name}.spare")
        self.spare_id, self.recorded = spare_id, recorded
        self.reused = False  # opened from the spare
        self.changed: dict[str, tuple[set[str], set[str]] | None] = {}  # its folders that someone changed
        self.folders: set[str] = set()  # the folders the new site has
        self.touched: set[str] = set()  # folders this build changed (their times are not the recorded ones)
        self.written = 0  # files written or copied (links are not: they add no bytes)
        self._made: set[str] = set()

    def open(self) -> "SiteWriter":
        if self.spare_id and self.recorded is not None and built_id(self.spare) == self.spare_id:
            self.changed = changed_folders(self.spare, self.recorded)
            os.rename(self.spare, self.tmp)  # if this build dies, the next removes it as a leftover
            self.reused = True
            self.folders = {f for f in self.recorded if self.changed.get(f, ()) is not None}
            for found in self.changed.values():
                for folder in (found[1] - self.recorded.keys()) if found else ():
                    shutil.rmtree(os.path.join(self.tmp, folder))  # made by someone else: nothing of the site
        else:
            if self.spare.exists():  # not the site the build state knows: its files cannot be trusted
                shutil.rmtree(self.spare)
            self.tmp.mkdir(parents=True)
            self.folders = {""}
        return self

    def in_spare(self, site_path: str, spare_key: str | None) -> bool:
        """Whether the folder holds a file the state says the spare has (``spare_key`` not None)."""
        if not self.reused or spare_key is None:
            return False
        folder = site_path[:max(site_path.rfind("/"), 0)]
        if folder not in self.changed:
            return True
        found = self.changed[folder]
        return found is not None and site_path in found[0]

    def strays(self) -> set[str]:
        """Files in folders someone changed: the caller deletes those the site does not have."""
        return {f for found in self.changed.values() if found for f in found[0]}

    def _target(self, site_path: str) -> str:
        if not site_path or site_path.startswith("/") or ".." in site_path.split("/"):
            raise ValueError(f"refusing to write outside the site: {site_path!r}")
        target = os.path.join(self.tmp, site_path)
        if self.reused:
            try:
                os.unlink(target)  # it may be a hard link to the live file: replace, never write into
            except FileNotFoundError:
                pass
        folder = site_path[:max(site_path.rfind("/"), 0)]
        if folder not in self._made:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            self._made.add(folder)
            parts = folder.split("/")
            made = {"/".join(parts[:n]) for n in range(len(parts) + 1)}
            self.touched.update(made - self.folders)  # new folders, and the folders they are made in
            self.touched.update(f[:max(f.rfind("/"), 0)] for f in made - self.folders)
            self.touched.add(folder)
            self.folders.update(made)
        return target

    def write(self, site_path: str, data: bytes) -> None:
        target = self._target(site_path)
        try:
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise _named(exc, target) from exc
        self.written += 1

    def copy(self, site_path: str, source: str) -> None:
        target = self._target(site_path)
        try:
            shutil.copyfile(source, target)
        except OSError as exc:
            raise _named(exc, target) from exc
        self.written += 1

    def link(self, site_path: str) -> None:
        """The live site's file, unchanged since then: shared, not copied."""
        _link_or_copy(os.path.join(self.out, site_path), self._target(site_path))

    def delete(self, site_paths) -> None:
        emptied = set()
        for site_path in site_paths:
            target = os.path.join(self.tmp, site_path)
            try:
                os.unlink(target)
            except FileNotFoundError:
                continue
            folder = site_path[:max(site_path.rfind("/"), 0)]
            while folder:
                emptied.add(folder)
                folder = folder[:max(folder.rfind("/"), 0)]
        self.touched.update(emptied | {""})
        for folder in sorted(emptied, key=lambda f: f.count("/"), reverse=True):
            path = os.path.join(self.tmp, folder)
            if os.path.isdir(path) and not os.listdir(path):
                os.rmdir(path)
                self.folders.discard(folder)
                self.touched.add(folder[:max(folder.rfind("/"), 0)])

    def times(self) -> dict[str, int]:
        """The times of the new site's folders, recorded for when it is the spare: those of the
        folders this build (or someone) changed are read again, the others are as recorded."""
        if not self.reused:
            return folder_times(self.tmp, self.folders)
        again = self.touched | self.changed.keys() | {""}
        times = {f: t for f, t in self.recorded.items() if f in self.folders and f not in again}
        times.update(folder_times(self.tmp, again & self.folders))
        return times

    def abort(self) -> None:
        """The build failed: remove its folder, or give the spare back if nothing changed it yet."""
        if self.reused and not self._made and not self.touched:
            os.rename(self.tmp, self.spare)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def commit(self, build_id: str, before_live=lambda times, copy: None, keep_old: bool = False) -> None:
        """Mark the folder as build ``build_id`` and swap it in.

        With ``keep_old`` (an incremental build: the state knows the old site's files)
        the old live site becomes the spare; otherwise it is deleted, and a copy of the
        new site made of hard links becomes the spare. Just before the swap,
        ``before_live`` gets the times of the new site's folders and of the copy's
        (None without one), for the build state.
        """
        marker = self.tmp / MARKER
        marker.unlink(missing_ok=True)
        marker.write_text("Built by build.py; the next build replaces this whole folder.\n"
                          f"build: {build_id}\n", encoding="utf-8")
        copy = self.out.with_name(f".{self.out.name}.spare-building-{os.getpid()}")  # a leftover if killed
        copy_times = None
        if not keep_old:
            if _link_tree(self.tmp, copy):
                copy_times = folder_times(copy, self.folders)
            else:  # no hard links here: a spare would double the site, so the next build links instead
                shutil.rmtree(copy)
        before_live(self.times(), copy_times)
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
        if copy_times is not None:
            os.rename(copy, self.spare)


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


def _named(exc: OSError, path: str) -> EnvironmentFault:
    """The fault, naming the file it happened to (a failed write names none)."""
    return EnvironmentFault.from_os_error("cannot write", exc if exc.filename else OSError(exc.errno, exc.strerror, path))
