"""Stage 4: write the site so readers never see a half-built one.

Every build writes into a sibling folder and swaps it in for the old output in
one atomic step, only when the whole build has succeeded. A full build renders
everything into a fresh folder. An incremental build double-buffers: it starts
from the site before last, kept beside the output as ``.site.spare``, brings it
up to date (files whose key differs are rewritten or hard-linked from the live
site, files nobody produces are deleted) and swaps it in; the old live site
becomes the next spare. So its cost follows the number of changed files, not
the size of the archive. A file is always replaced, never written into, because
the spare and the live site share unchanged files as hard links.

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

    def __init__(self, out: Path):
        self.out = Path(out).absolute()
        self.tmp = self.out.with_name(f".{self.out.name}.building-{os.getpid()}")
        self.spare_folder = self.out.with_name(f".{self.out.name}.spare")
        self.spare: dict[str, str] = {}  # site path → key of what the folder being built already holds
        self.written = 0
        self.paths: set[str] = set()  # site paths written by this build
        self.build_id = ""  # set before exit: recorded in the marker, so the build state can be matched to it
        self.before_apply = lambda: None  # called once the output is about to change

    def __enter__(self) -> "SiteWriter":
        self._remove_leftovers()
        if self.spare_folder.exists():  # a full build has no use for it
            shutil.rmtree(self.spare_folder)
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
        if site_path in self.paths:
            raise ValueError(f"two outputs claim the same file: {site_path}")
        self.paths.add(site_path)
        if site_path in self.spare:
            target.unlink(missing_ok=True)  # it may be a hard link to the live file: replace, never write into
        target.parent.mkdir(parents=True, exist_ok=True)
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
        (self.tmp / MARKER).unlink(missing_ok=True)
        (self.tmp / MARKER).write_text("Built by build.py; the next build replaces this whole folder.\n"
                                       f"build: {self.build_id}\n", encoding="utf-8")
        self.before_apply()
        if self.out.exists() and _exchange(self.tmp, self.out):
            self._retire(self.tmp)  # now the old site
            return
        old = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
        if self.out.exists():
            os.replace(self.out, old)
        os.replace(self.tmp, self.out)
        if old.exists():
            self._retire(old)

    def _complete(self) -> None:
        """A full build has written everything already."""

    def _retire(self, old: Path) -> None:
        """After a full build the old site is of no use: nothing in it is known to match."""
        shutil.rmtree(old)


class SiteUpdater(SiteWriter):
    """Incremental build: the spare folder brought up to date, or a fresh one filled with links."""

    def __init__(self, out: Path, spare_id: str, spare: dict[str, str]):
        super().__init__(out)
        self.outputs: dict[str, str] = {}  # site path → key, of the new site; set before exit
        self._spare_id, self._spare_keys = spare_id, spare

    def __enter__(self) -> "SiteUpdater":
        self._remove_leftovers()
        if self._spare_id and built_id(self.spare_folder) == self._spare_id:
            os.rename(self.spare_folder, self.tmp)  # if this build dies, the next removes it as a leftover
            self.spare = self._spare_keys
            return self
        if self.spare_folder.exists():  # not the site the build state knows: its files cannot be trusted
            shutil.rmtree(self.spare_folder)
        self.tmp.mkdir(parents=True)
        return self

    def _complete(self) -> None:
        folders = set()
        for site_path, key in self.outputs.items():
            if site_path in self.paths:
                continue  # written by this build
            target = os.path.join(self.tmp, site_path)
            if self.spare.get(site_path) == key and os.path.isfile(target):
                continue  # already right in the spare (checked to be there, as the live site's files are)
            if site_path in self.spare:
                Path(target).unlink(missing_ok=True)
            if os.path.dirname(target) not in folders:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                folders.add(os.path.dirname(target))
            _link_or_copy(os.path.join(self.out, site_path), target)  # unchanged since the live site
        emptied = set()
        for site_path in sorted(self.spare.keys() - self.outputs.keys()):
            target = self.tmp.joinpath(*PurePosixPath(site_path).parts)
            target.unlink(missing_ok=True)
            emptied.update(p for p in target.parents if self.tmp in p.parents)
        for folder in sorted(emptied, key=lambda f: len(f.parts), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

    def _retire(self, old: Path) -> None:
        """The old live site is what the next build starts from."""
        os.rename(old, self.spare_folder)


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
