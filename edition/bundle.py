"""Offline bundle: the built site in one zip, with a 使用说明 page beside it.

Archives and libraries hand out copies on USB sticks and CDs; unzipped
anywhere, the site opens from disk with search working, because every link is
relative and the search index loads as plain scripts. The zip is
byte-identical for the same site: entries are sorted and carry one fixed time.

The zip carries a comment that marks it as a bundle: only a file so marked is
ever replaced, so a mistyped ``--zip`` cannot overwrite content or anything else.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from html import escape
from pathlib import Path

from . import facts
from .errors import EnvironmentFault, UsageError
from .writer import MARKER

FOLDER = "edition"  # the one folder a reader sees after unzipping
GUIDE_NAME = f"{FOLDER}/使用说明.html"
COMMENT = b"edition bundle: written by build.py bundle; a later bundle may replace it"
# a zip entry's time holds the years 1980 to 2107 only
FIRST_DAY, LAST_DAY = dt.date(1980, 1, 1), dt.date(2107, 12, 31)

GUIDE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>使用说明 · {title}</title>
<style>body{{font-family:system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.8;color:#222}}a{{color:#a40000}}li{{margin:.3em 0}}</style>
</head>
<body>
<main>
<h1>{title} · 离线版使用说明</h1>
<p><a href="site/index.html">打开{title}首页</a> · <a href="site/search.html">全文检索</a> · <a href="site/archive/index.html">往期回顾</a></p>
<ol>
  <li>本离线版无需联网，也无需安装任何软件：用浏览器（Chrome、Edge、Firefox、Safari 等）打开本页或 <code>site/index.html</code> 即可阅读。</li>
  <li>全文检索同样离线可用：在任一页面顶部的检索框输入人名、地名或词句。</li>
  <li>请保持 <code>site</code> 文件夹完整，不要单独移动或删除其中的文件，否则链接和检索会失效。</li>
  <li>本离线版收录 {issues} 期、{articles} 篇稿件，最新一期为 {latest}。</li>
</ol>
</main>
</body>
</html>
"""


def default_target(out: Path) -> Path:
    """The zip beside the site folder: ``site`` → ``site.zip``."""
    out = Path(os.path.abspath(out))
    return out.with_name(out.name + ".zip")


def _is_bundle(path: Path) -> bool:
    """Whether `path` is a zip this tool wrote: marked by its comment, or laid out as bundles
    were before the mark (every entry in the one folder, the guide first)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            return archive.comment == COMMENT or (
                bool(names) and names[0] == GUIDE_NAME and all(n.startswith(FOLDER + "/") for n in names))
    except (OSError, zipfile.BadZipFile):
        return False


def _unsafe_file(target: Path, given: Path) -> str:
    if target.is_dir():
        return f"--zip {given} is a folder; give the zip file to write, such as {given / 'edition.zip'}"
    if target.exists() and not _is_bundle(target):
        return f"--zip {given} exists and is not a bundle written by build.py; refusing to replace it"
    if not target.parent.is_dir():
        return f"--zip {given}: folder {target.parent} not found"
    return ""


def unsafe_target(zip_file: Path | None, content: Path, out: Path) -> str:
    """Why writing the bundle to `zip_file` (None: beside `out`) could destroy something, or ''.

    Called before the build starts, as the guard of ``--out`` is."""
    given = Path(zip_file) if zip_file is not None else default_target(out)
    target, content, out = (Path(os.path.realpath(p)) for p in (given, content, out))
    for folder, what in ((content, "content folder"), (out, "output folder")):
        if target == folder or folder in target.parents:
            return f"--zip {given} is inside the {what} {folder}; write the zip elsewhere"
    return _unsafe_file(target, given)


def _stamp(latest: dt.date | None) -> tuple[int, int, int, int, int, int]:
    day = min(max(latest or FIRST_DAY, FIRST_DAY), LAST_DAY)
    return day.year, day.month, day.day, 0, 0, 0


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise EnvironmentFault.from_os_error("bundle: cannot read", exc) from None


def make_bundle(site_dir: Path, target: Path, title: str, language: str, issues: int, articles: int,
                latest: dt.date | None) -> int:
    """Write the zip atomically; returns the number of files in it.

    Refuses (UsageError) a target that is a folder or a file other than a bundle; a failure
    of the machine (EnvironmentFault) leaves the previous zip as it was."""
    given, target = Path(target), Path(os.path.realpath(target))  # a symbolic link to the zip stays a link
    unsafe = _unsafe_file(target, given)
    if unsafe:
        raise UsageError(unsafe)
    site_dir = Path(site_dir)
    # every file of the site but the build's own marker: a linked `.notes.pdf` is part of it
    files = sorted(p for p in site_dir.rglob("*") if p.is_file() and p != site_dir / MARKER)
    guide = GUIDE.format(lang=escape(language), title=escape(title), issues=issues, articles=articles,
                         latest=facts.cn_date(latest) if latest else "—")
    stamp = _stamp(latest)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as raw:
            with zipfile.ZipFile(raw, "w") as archive:
                archive.comment = COMMENT
                entries = [(GUIDE_NAME, guide.encode("utf-8"))]
                entries += [(f"{FOLDER}/site/{p.relative_to(site_dir).as_posix()}", p) for p in files]
                for name, source in entries:
                    info = zipfile.ZipInfo(name, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, source if isinstance(source, bytes) else _read(source),
                                     compresslevel=9)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise EnvironmentFault(f"bundle: cannot write {target}: {exc.strerror or exc}") from None
    finally:
        try:
            if os.path.lexists(tmp):
                tmp.unlink()
        except OSError:
            pass  # a temporary file a full or read-only disk will not let go of: the old zip is intact
    return len(files) + 1
