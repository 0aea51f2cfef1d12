"""Stage 4: write the site so readers never see a half-built one.

Every build writes into a fresh sibling folder and swaps it in for the old
output in one atomic step, only when the whole build has succeeded. A full
build renders everything into that folder; an incremental build writes only
the changed files there and hard-links the unchanged ones in from the current
site (a link costs microseconds; the old site's files are never written to).
A build that fails, or is killed at any moment, leaves the previous site
byte-for-byte as it was; its temporary folder is removed by the next build.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
from pathlib import Path, PurePosixPath

_LIBC = ctypes.CDLL(None, use_errno=True)
MARKER = ".edition-site"  # marks a folder as built output, which a later build may replace


def built_id(out: Path) -> str:
    """The id of the build that wrote `out` (recorded in its marker), or "" for none."""
    try:
        lines = (Path(out) / MARKER).read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return ""
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("build:")), "")


class SiteWriter:
    """Full build: a new folder, swapped in at the end."""

    incremental = False

    def __init__(self, out: Path):
        self.out = Path(out).absolute()
        self.tmp = self.out.with_name(f".{self.out.name}.building-{os.getpid()}")
        self.written = 0
        self.paths: set[str] = set()  # site paths written by this build
        self.stale: set[str] = set()
        self.build_id = ""  # set before exit: recorded in the marker, so the build state can be matched to it
        self.before_apply = lambda: None  # called once the output is about to change

    def __enter__(self) -> "SiteWriter":
        self._remove_leftovers()
        self.tmp.mkdir(parents=True)
        return self

    def _remove_leftovers(self) -> None:
        """Folders left by builds that were killed: their process no longer runs."""
        for kind in ("building", "old"):
            for folder in self.out.parent.glob(f".{self.out.name}.{kind}-*"):
                pid = folder.name.rsplit("-", 1)[1]
                if pid.isdigit() and (int(pid) == os.getpid() or not _running(int(pid))):
                    shutil.rmtree(folder)

    def _target(self, site_path: str) -> Path:
        parts = PurePosixPath(site_path).parts
        if not parts or PurePosixPath(site_path).is_absolute() or ".." in parts:
            raise ValueError(f"refusing to write outside the site: {site_path!r}")
        target = self.tmp.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if site_path in self.paths:
            raise ValueError(f"two outputs claim the same file: {site_path}")
        self.paths.add(site_path)
        return target

    def write(self, site_path: str, data: bytes) -> None:
        self._target(site_path).write_bytes(data)
        self.written += 1

    def copy(self, site_path: str, source: Path) -> None:
        shutil.copyfile(source, self._target(site_path))
        self.written += 1

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        self._complete()
        (self.tmp / MARKER).write_text("Built by build.py; the next build replaces this whole folder.\n"
                                       f"build: {self.build_id}\n", encoding="utf-8")
        self.before_apply()
        if self.out.exists() and _exchange(self.tmp, self.out):
            shutil.rmtree(self.tmp)  # now the old site
            return
        old = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
        if self.out.exists():
            os.replace(self.out, old)
        os.replace(self.tmp, self.out)
        if old.exists():
            shutil.rmtree(old)

    def _complete(self) -> None:
        """A full build has written everything already."""


class SiteUpdater(SiteWriter):
    """Incremental build: the changed files are written, the rest linked in from the current site."""

    incremental = True

    def __init__(self, out: Path, stale: set[str]):
        super().__init__(out)
        self.stale = stale  # site paths the previous build wrote and this one does not; set before exit

    def _complete(self) -> None:
        written = self.paths | self.stale | {MARKER}
        for folder, _, files in os.walk(self.out):
            rel = os.path.relpath(folder, self.out).replace(os.sep, "/")
            prefix = "" if rel == "." else rel + "/"
            kept = [name for name in files if prefix + name not in written]
            if kept:
                target = os.path.join(self.tmp, rel)
                os.makedirs(target, exist_ok=True)
                for name in kept:
                    _link_or_copy(os.path.join(folder, name), os.path.join(target, name))


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link; copy on file systems without links (FAT on a USB stick, some network drives)."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EMLINK, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP):
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
