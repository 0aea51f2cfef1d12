"""Offline bundle: the built site in one zip, with a 使用说明 page beside it.

Archives and libraries hand out copies on USB sticks and CDs; unzipped
anywhere, the site opens from disk with search working, because every link is
relative and the search index loads as plain scripts. The zip is
byte-identical for the same site: entries are sorted and carry one fixed time.
"""

from __future__ import annotations

import os
import zipfile
from html import escape
from pathlib import Path

from . import facts

FOLDER = "edition"  # the one folder a reader sees after unzipping

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


def make_bundle(site_dir: Path, target: Path, title: str, language: str, issues: int, articles: int,
                latest) -> int:
    """Write the zip atomically; returns the number of files in it."""
    stamp = (max(latest.year, 1980), latest.month, latest.day, 0, 0, 0) if latest else (1980, 1, 1, 0, 0, 0)
    files = sorted(p for p in site_dir.rglob("*") if p.is_file() and not p.name.startswith("."))
    guide = GUIDE.format(lang=escape(language), title=escape(title), issues=issues, articles=articles,
                         latest=facts.cn_date(latest) if latest else "—")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w") as archive:
            entries = [(f"{FOLDER}/使用说明.html", guide.encode("utf-8"))]
            entries += [(f"{FOLDER}/site/{p.relative_to(site_dir).as_posix()}", p) for p in files]
            for name, source in entries:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, source if isinstance(source, bytes) else source.read_bytes(),
                                 compresslevel=9)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return len(files) + 1
