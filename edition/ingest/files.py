"""The files of one import, put in place all together or not at all.

Every new file is first written in full, and synced, into a staging folder beside the issue
folders (`<publication>/.import-<issue>/`, on the same file system, and a dot folder, which the
build does not read). A journal then lists each file to replace, create or delete; the files
are swapped in by renames, the old ones moved into the staging folder, and the journal is
marked done. A failure undoes the renames from the journal, and an import that was killed is
undone by the next one, so the old set of files is never lost: after any failure, the folder
holds the old set or, once the journal is done, the new one.

Imports into one publication take a lock (`flock` on its folder), so only one of them writes
at a time and a staging folder without a live owner is known to be stale.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from ..errors import EnvironmentFault

try:
    import fcntl
except ImportError:  # not on POSIX: no lock
    fcntl = None

STAGING = ".import-"
SYNC_EACH = 256  # up to this many files are synced one by one; more (a huge import) with one sync()
JOURNAL = "journal.json"
DONE = "journal.done"


class Busy(Exception):
    """Another import into the same publication is writing now."""


@contextlib.contextmanager
def locked(folder: Path):
    """Hold the publication's import lock, and first undo or finish an import that was killed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise EnvironmentFault.from_os_error("cannot open the publication folder", exc) from None
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Busy(f"另一个导入正在写入 {folder}，请等它结束后再试") from None
        for staging in sorted(folder.glob(STAGING + "*")):
            if staging.is_dir() and not staging.is_symlink():
                recover(folder, staging)
        yield
    finally:
        os.close(fd)


def replace_all(folder: Path, name: str, writes: list[tuple[Path, bytes]], deletes: list[Path]) -> None:
    """Write `writes` and delete `deletes` (paths inside `folder`) as one change, or change nothing.

    Raises EnvironmentFault, naming the file and the operating system's error, after putting
    everything back as it was.
    """
    staging = folder / f"{STAGING}{name}"
    new, old = staging / "new", staging / "old"
    try:
        os.mkdir(staging)
        os.mkdir(new)
        os.mkdir(old)
    except OSError as exc:
        _discard(staging)
        raise _fault(f"cannot make the staging folder {staging}", exc) from None
    entries = []
    each = len(writes) <= SYNC_EACH or not hasattr(os, "sync")
    for number, (path, data) in enumerate(writes):
        try:
            _write(new / str(number), data, sync=each)
        except OSError as exc:
            _discard(staging)
            raise _fault(f"cannot write {path}", exc) from None
        entries.append({"path": _relative(folder, path), "new": str(number), "old": os.path.lexists(path)})
    for path in deletes:
        entries.append({"path": _relative(folder, path), "new": None, "old": True})
    dirs = []  # folders to make, outermost first
    for path in [path for path, _ in writes]:
        for parent in reversed(path.relative_to(folder).parents[:-1]):
            if not (folder / parent).is_dir() and parent.as_posix() not in dirs:
                dirs.append(parent.as_posix())
    try:
        if not each:
            os.sync()
        _sync_dir(new)
        _write(staging / (JOURNAL + ".tmp"), json.dumps({"dirs": dirs, "files": entries}, ensure_ascii=False,
                                                         indent=1).encode("utf-8"))
        os.rename(staging / (JOURNAL + ".tmp"), staging / JOURNAL)
        _sync_dir(staging)
    except OSError as exc:
        _discard(staging)
        raise _fault(f"cannot write the import journal in {staging}", exc) from None
    doing = ""
    try:
        for rel in dirs:
            doing = f"cannot make the folder {folder / rel}"
            os.mkdir(folder / rel)
        for number, entry in enumerate(entries):
            target = folder / entry["path"]
            if entry["old"]:
                doing = f"cannot move the old {target} aside"
                os.rename(target, old / str(number))
            if entry["new"] is not None:
                doing = f"cannot put {target} in place"
                os.rename(new / entry["new"], target)
        doing = f"cannot sync the folders of {folder}"
        for parent in sorted({(folder / entry["path"]).parent for entry in entries}):
            _sync_dir(parent)
        doing = f"cannot mark the import journal in {staging} done"
        os.rename(staging / JOURNAL, staging / DONE)
    except BaseException as exc:
        try:
            _roll_back(folder, staging)
            shutil.rmtree(staging)
        except OSError as undo:
            raise EnvironmentFault(f"{doing}: {_reason(exc)}; undoing the import failed too "
                                   f"({_reason(undo)}): the next import into {folder} finishes undoing it") from None
        if isinstance(exc, OSError):
            raise _fault(doing, exc) from None
        raise
    _discard(staging)


def recover(folder: Path, staging: Path) -> None:
    """Finish what a killed import left in `staging`: undone if its journal is not marked done."""
    try:
        if (staging / JOURNAL).exists():
            _roll_back(folder, staging)
        shutil.rmtree(staging)
    except (OSError, ValueError) as exc:
        raise EnvironmentFault(f"cannot undo the interrupted import in {staging}: {_reason(exc)}") from None


def _roll_back(folder: Path, staging: Path) -> None:
    journal = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
    entries = journal["files"]
    for number in reversed(range(len(entries))):
        entry = entries[number]
        target = folder / entry["path"]
        if entry["new"] is not None and not (staging / "new" / entry["new"]).exists() and os.path.lexists(target):
            os.unlink(target)  # the new file was put in place
        if entry["old"] and os.path.lexists(staging / "old" / str(number)):
            os.rename(staging / "old" / str(number), target)
    for rel in reversed(journal["dirs"]):
        with contextlib.suppress(OSError):
            os.rmdir(folder / rel)
    for parent in sorted({(folder / entry["path"]).parent for entry in entries}):
        if parent.is_dir():
            _sync_dir(parent)
    os.rename(staging / JOURNAL, staging / DONE)  # nothing left to undo


def _discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def _write(path: Path, data: bytes, sync: bool = True) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _relative(folder: Path, path: Path) -> str:
    return path.relative_to(folder).as_posix()


def _reason(exc: BaseException) -> str:
    return (exc.strerror or str(exc)) if isinstance(exc, OSError) else type(exc).__name__


def _fault(doing: str, exc: OSError) -> EnvironmentFault:
    return EnvironmentFault(f"{doing}: {_reason(exc)}")
