"""Stage 4: write the site so readers never see a half-built one.

A full build writes everything into a fresh sibling folder and swaps it in for
the old output only when the whole build has succeeded. An incremental build
stages just the changed files in such a folder and moves them in, then deletes
the files no longer produced, all after every page has rendered. Either way a
failed build removes its own temporary folder and leaves the previous site
byte-for-byte as it was.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path, PurePosixPath

_LIBC = ctypes.CDLL(None, use_errno=True)
MARKER = ".edition-site"  # marks a folder as built output, which a later build may replace


class SiteWriter:
    """Full build: a new folder, swapped in at the end."""

    incremental = False

    def __init__(self, out: Path):
        self.out = Path(out).absolute()
        self.tmp = self.out.with_name(f".{self.out.name}.building-{os.getpid()}")
        self.written = 0
        self.stale: set[str] = set()
        self.before_apply = lambda: None  # called once the output is about to change

    def __enter__(self) -> "SiteWriter":
        self._remove_leftovers()
        self.tmp.mkdir(parents=True)
        (self.tmp / MARKER).write_text("Built by build.py; the next build replaces this whole folder.\n")
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
        if target.exists():
            raise ValueError(f"two outputs claim the same file: {site_path}")
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


class SiteUpdater(SiteWriter):
    """Incremental build: only changed files are staged, then moved into the existing site."""

    incremental = True

    def __init__(self, out: Path, stale: set[str]):
        super().__init__(out)
        self.stale = stale  # site paths the previous build wrote and this one does not; set before exit

    def __enter__(self) -> "SiteUpdater":
        self._remove_leftovers()
        self.tmp.mkdir(parents=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        self.before_apply()
        for staged in sorted(p for p in self.tmp.rglob("*") if p.is_file()):
            target = self.out / staged.relative_to(self.tmp)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
        shutil.rmtree(self.tmp)
        folders = set()
        for site_path in sorted(self.stale):
            target = self.out.joinpath(*PurePosixPath(site_path).parts)
            target.unlink(missing_ok=True)
            folders.update(target.parents)
        for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
            if self.out in folder.parents and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


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
