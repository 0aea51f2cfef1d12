"""The content scan: every file of a folder with the digest of its bytes, once per build.

A file whose size, modification time, status-change time and inode all match
what the last build recorded keeps the digest it had then, as git's index does;
any other file is read and hashed, and its bytes are kept for the loader, so a
changed file is read and hashed exactly once. The status-change time is what
catches an edit whose modification time was put back (unzip, ``rsync -t``,
``touch -r``): no tool can set it. A file changed so recently that a later edit
could share its times is recorded without them ("racily clean", as git calls
it), so the next build hashes it again. Everything after the scan decides by
digests, never by times. The global key, the loader and ``serve``'s watcher
all use this scan.

Hidden entries (``.git``, ``.DS_Store``) are not content. A symbolic link is
followed only if it stays inside the folder; one that leaves it, points at
nothing or loops is refused, with the reason, for the loader to report.
"""

from __future__ import annotations

import errno
import hashlib
import os
import time
from dataclasses import dataclass, field
from typing import NamedTuple

TEXT_SUFFIXES = (".md", ".yml", ".yaml", ".txt")  # files the loader parses: their bytes are kept
KEEP_BYTES_UP_TO = 64_000_000  # a 20 MB article is kept; a scan of PDFs is not
RACY_NS = 2_000_000_000  # times this close to the scan's may be shared by a later edit (FAT keeps 2 s)


class Entry(NamedTuple):
    size: int
    mtime: int  # nanoseconds; -1: changed too recently to trust the times (hash it next time)
    ctime: int  # nanoseconds, the last change of the file or its status
    inode: int
    digest: str


def bytes_digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def file_digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


@dataclass
class Scan:
    root: str
    files: dict[str, Entry]  # path relative to root (with /) → entry, in sorted order
    folders: dict[str, list[str]]  # every folder, relative to root ("" is the root) → its visible entries
    data: dict[str, bytes] = field(default_factory=dict)  # bytes of the text files read by this scan
    refused: dict[str, str] = field(default_factory=dict)  # symbolic links not followed → why
    hashed: int = 0  # files read and hashed (the rest kept their digest)

    def read(self, rel: str) -> bytes:
        """A content file's bytes: from the scan when it read them, else from disk."""
        raw = self.data.get(rel)
        if raw is None:
            with open(os.path.join(self.root, rel), "rb") as handle:
                raw = handle.read()
        return raw

    def head(self, rel: str, size: int) -> bytes:
        """The first ``size`` bytes of a content file (an image's header gives its size)."""
        raw = self.data.get(rel)
        if raw is not None:
            return raw[:size]
        with open(os.path.join(self.root, rel), "rb") as handle:
            return handle.read(size)

    def path(self, rel: str) -> str:
        return os.path.join(self.root, rel) if rel else self.root

    def children(self, folder: str) -> list[str]:
        """Names of the visible files and folders directly in ``folder`` (relative), sorted."""
        return self.folders.get(folder, [])

    def digest(self) -> str:
        """One digest of every path with its content digest, and of the folders and refused links:
        equal digests, equal trees."""
        h = hashlib.blake2b(digest_size=16)
        for rel, entry in self.files.items():
            h.update(f"{rel}\0{entry.digest}\n".encode("utf-8", "surrogateescape"))
        for rel in sorted(self.folders):
            h.update(f"{rel}/\n".encode("utf-8", "surrogateescape"))
        for rel, why in sorted(self.refused.items()):
            h.update(f"{rel}\0{why}\n".encode("utf-8", "surrogateescape"))
        return h.hexdigest()


def scan(root: str, known: dict[str, tuple] | None = None, hash_files: bool = True) -> Scan:
    """Walk ``root``. ``known`` holds each file's ``Entry`` at the last build; with ``hash_files``
    False, nothing is read and changed files get an empty digest (a cheap watcher's view)."""
    known = known or {}
    racy = time.time_ns() - RACY_NS
    root = os.fspath(root)
    real_root = os.path.realpath(root)
    result = Scan(root, {}, {})
    seen_folders = {real_root}
    pending = [""]
    files, get, make = result.files, known.get, Entry._make
    while pending:
        folder = pending.pop()
        prefix = folder + "/" if folder else ""
        try:
            with os.scandir(root + "/" + folder if folder else root) as listing:
                entries = [e for e in listing if not e.name.startswith(".")]
        except (FileNotFoundError, NotADirectoryError):
            continue  # removed while the scan ran: the next scan sees the change
        result.folders[folder] = sorted(e.name for e in entries)
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append(rel)
                continue
            if entry.is_symlink():
                target = os.path.realpath(entry.path)
                if target != real_root and not target.startswith(real_root + os.sep):
                    result.refused[rel] = "symbolic link points outside the content folder"
                    continue
                if os.path.isdir(target):
                    if target not in seen_folders:  # a link back up the tree would never end
                        seen_folders.add(target)
                        pending.append(rel)
                    continue
            try:
                info = entry.stat()
            except FileNotFoundError:
                if entry.is_symlink():
                    result.refused[rel] = "symbolic link points at nothing"
                continue  # else removed while the scan ran: the next scan sees the change
            except OSError as exc:
                if exc.errno != errno.ELOOP:
                    raise
                result.refused[rel] = "symbolic link loops back on itself"
                continue
            old = get(rel)
            if old is not None and old[:4] == (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino):
                files[rel] = old if type(old) is Entry else make(old)
            elif not hash_files:
                files[rel] = Entry(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, "")
            else:
                files[rel] = _hashed(result, rel, entry.path, info, racy)
    result.files = dict(sorted(files.items()))
    result.refused = dict(sorted(result.refused.items()))
    return result


def _hashed(result: Scan, rel: str, path: str, info: os.stat_result, racy: int) -> Entry:
    result.hashed += 1
    mtime = -1 if max(info.st_mtime_ns, info.st_ctime_ns) >= racy else info.st_mtime_ns
    if rel.endswith(TEXT_SUFFIXES) and info.st_size <= KEEP_BYTES_UP_TO:
        with open(path, "rb") as handle:
            raw = handle.read()
        result.data[rel] = raw
        return Entry(len(raw), mtime, info.st_ctime_ns, info.st_ino, bytes_digest(raw))
    return Entry(info.st_size, mtime, info.st_ctime_ns, info.st_ino, file_digest(path))
