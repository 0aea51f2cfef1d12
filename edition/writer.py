"""Stage 4: write the site so readers never see a half-built one.

Everything goes into a fresh sibling folder first; only when the whole build
has succeeded is it swapped in for the old output. A failed build removes its
own temporary folder and leaves the previous site byte-for-byte as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath

MARKER = ".edition-site"  # marks a folder as built output, which a later build may replace


class SiteWriter:
    def __init__(self, out: Path):
        self.out = Path(out).absolute()
        self.tmp = self.out.with_name(f".{self.out.name}.building-{os.getpid()}")
        self.written = 0

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
        old = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
        if self.out.exists():
            os.replace(self.out, old)
        os.replace(self.tmp, self.out)
        if old.exists():
            shutil.rmtree(old)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
