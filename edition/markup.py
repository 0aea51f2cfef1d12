"""Article bodies: CommonMark through markdown-it-py, plus two edition conventions.

- ``{{gap}}`` / ``{{gap: 说明}}`` marks text lost in PDF/OCR extraction, so the
  loss stays visible to readers instead of being smoothed over.
- A paragraph holding only an image becomes a ``<figure>`` with its caption.

Raw HTML is never rendered: content comes from OCR and many hands. Local links
and images are found by their file path, decoded (``照片.jpg``, ``my%20photo.jpg``),
with any ``#fragment`` or ``?query`` kept in the address; the site links them
percent-encoded.

Nothing typed is dropped: markdown-it stops parsing blocks nested deeper than its
limit and drops the rest, so the limit is raised and text beyond it is reported.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Callable
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from .facts import CONTROL_RE

# A note is short, so finding a marker's end costs a bounded look-ahead: a text with many
# unclosed markers stays linear.
GAP_NOTE_LIMIT = 200
GAP_RE = re.compile(r"\{\{gap(?::([^}]{0,%d}))?\}\}" % GAP_NOTE_LIMIT)
GAP_START = "{{gap"
GAP_LABEL = "原文缺失"
# How deep quotes and lists may nest (markdown-it's commonmark preset allows 20 and drops the
# rest). Each level costs a few Python frames, well inside the interpreter's recursion limit.
MAX_NESTING = 100


def _gap_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith(GAP_START, state.pos):
        return False
    match = GAP_RE.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("edition_gap", "span", 0)
        token.meta = {"note": (match.group(1) or "").strip()}
    state.pos = match.end()
    return True


def _render_gap(self, tokens, idx, options, env) -> str:
    note = html.escape(tokens[idx].meta["note"] or GAP_LABEL)
    return f'<span class="gap" title="{GAP_LABEL}">〔{note}〕</span>'


def _lone_image(tokens, idx) -> bool:
    inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
    return bool(
        inline is not None
        and inline.type == "inline"
        and inline.children
        and len(inline.children) == 1
        and inline.children[0].type == "image"
    )


def _render_paragraph_open(self, tokens, idx, options, env) -> str:
    if _lone_image(tokens, idx):
        tokens[idx + 2].meta["figure"] = True
        return '<figure class="photo">'
    return self.renderToken(tokens, idx, options, env)


def _render_paragraph_close(self, tokens, idx, options, env) -> str:
    if tokens[idx].meta.get("figure"):
        image = tokens[idx - 1].children[0]
        caption = html.escape(_plain(image.children))
        return f"<figcaption>{caption}</figcaption></figure>\n" if caption else "</figure>\n"
    return self.renderToken(tokens, idx, options, env)


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    src = _local_url(token.attrGet("src") or "", env["asset_url"])
    alt = html.escape(_plain(token.children))
    return f'<img src="{html.escape(src)}" alt="{alt}" loading="lazy">'


def _render_link_open(self, tokens, idx, options, env) -> str:
    href = tokens[idx].attrGet("href") or ""
    if local_file(href):
        tokens[idx].attrSet("href", _local_url(href, env["asset_url"]))
    return self.renderToken(tokens, idx, options, env)


def split_link(url: str) -> tuple[str, str]:
    """A link as markdown-it gives it (percent-encoded) → (the file path, decoded; the
    ``#fragment`` or ``?query`` as typed)."""
    cut = min((i for i in (url.find("#"), url.find("?")) if i >= 0), default=len(url))
    return unquote(url[:cut]), url[cut:]


def local_file(url: str) -> str:
    """The file a link or image points at inside the content, decoded; "" if it is not local."""
    path, _ = split_link(url)
    return path if url and not url.startswith(("#", "?")) and is_local_path(path) else ""


def _local_url(url: str, asset_url: Callable[[str], str]) -> str:
    """Where a local link or image leads on the site, percent-encoded, its fragment kept."""
    path, rest = split_link(url)
    if not is_local_path(path):
        return url
    return quote(asset_url(path), safe="/") + rest


def _render_heading_open(self, tokens, idx, options, env) -> str:
    """The article title is the page's only h1; a body's top headings become h2."""
    if tokens[idx].tag == "h1":
        tokens[idx].tag = tokens[idx + 2].tag = "h2"
    return self.renderToken(tokens, idx, options, env)


UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|file|data):", re.IGNORECASE)


def _safe_link(url: str) -> bool:
    """markdown-it drops script links but lets data:image links through; we drop every data: link,
    since a link in an article should lead to a page or a file, never carry one."""
    return not UNSAFE_SCHEME.match(re.sub(r"[\x00-\x20]", "", url))


def _watch_nesting(md: MarkdownIt) -> None:
    """Record where markdown-it's block parser, at its nesting limit, would drop the rest."""
    tokenize = md.block.tokenize

    def watched(state, start: int, end: int) -> None:
        if state.level >= md.options.maxNesting:
            line = state.skipEmptyLines(start)
            if line < end and state.sCount[line] >= state.blkIndent:
                state.env.setdefault("too_deep", line)
        tokenize(state, start, end)

    md.block.tokenize = watched


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING})
    _watch_nesting(md)
    md.validateLink = _safe_link
    md.inline.ruler.before("text", "edition_gap", _gap_rule)
    md.add_render_rule("edition_gap", _render_gap)
    md.add_render_rule("paragraph_open", _render_paragraph_open)
    md.add_render_rule("paragraph_close", _render_paragraph_close)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("heading_open", _render_heading_open)
    return md


_MD = _make_parser()


@dataclass
class RenderedBody:
    html: str
    text: str  # plain text, for excerpts and search
    lead: str  # first paragraph as plain text
    assets: list[tuple[str, int, bool]] = field(default_factory=list)  # local images and links:
    # (decoded path, body line, is an image); an image that is not local keeps its address as typed
    gaps: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (body line, message, severity)


def _plain(children) -> str:
    parts = []
    for child in children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("")
        elif child.type == "edition_gap":
            parts.append("……")
    return "".join(parts)


def render_body(source: str, asset_url: Callable[[str], str]) -> RenderedBody:
    """Render Markdown to HTML; ``asset_url`` maps a local image or link (its decoded path) to
    its site path."""
    env: dict = {"asset_url": asset_url}
    tokens = _MD.parse(source, env)
    assets, paragraphs, gaps, problems = [], [], 0, []
    if "too_deep" in env:
        problems.append((env["too_deep"], f"quotes or lists nested more than {MAX_NESTING} levels deep: the text "
                                          "from here on would be lost; nest less deeply", "error"))
    for i, token in enumerate(tokens):
        if token.type != "inline":
            continue
        line = token.map[0] if token.map else 0
        for child in token.children or []:
            if child.type == "image":
                src = child.attrGet("src") or ""
                assets.append((local_file(src), line, True) if local_file(src) else (src, line, True))
            elif child.type == "link_open" and local_file(child.attrGet("href") or ""):
                assets.append((local_file(child.attrGet("href")), line, False))
            elif child.type == "edition_gap":
                gaps += 1
        text = _plain(token.children)
        if text and tokens[i - 1].type == "paragraph_open":
            paragraphs.append(text)
    problems += _unclosed_gaps(source)
    rendered = _MD.renderer.render(tokens, _MD.options, env)
    text = "\n".join(paragraphs)
    # An entity such as &#12; can still make a control character; no page or feed may carry one.
    return RenderedBody(
        html=CONTROL_RE.sub("", rendered),
        text=CONTROL_RE.sub("", text),
        lead=CONTROL_RE.sub("", paragraphs[0]) if paragraphs else "",
        assets=assets,
        gaps=gaps,
        problems=problems,
    )


def _unclosed_gaps(source: str) -> list[tuple[int, str, str]]:
    """A ``{{gap`` that no ``}}`` closes (within a note's length) is shown as typed: say so."""
    found, start = [], source.find(GAP_START)
    while start >= 0:
        match = GAP_RE.match(source, start)
        if not match:
            found.append((source.count("\n", 0, start), "`{{gap` marker is not closed by `}}` (within "
                          f"{GAP_NOTE_LIMIT} characters), so it is shown as typed", "warning"))
            if len(found) == 10:
                break
        start = source.find(GAP_START, match.end() if match else start + len(GAP_START))
    return found


def is_local_path(src: str) -> bool:
    """A relative path to a file beside the content; the site loads nothing from outside."""
    if not src or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) or src.startswith(("/", "\\", "//", "#", "?")):
        return False
    return ".." not in PurePosixPath(src).parts


# -- page images drawn as SVG ------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
# Elements that run script, embed other documents or change attributes (an <animate> or <set>
# can turn a harmless href into javascript:), none of which a page facsimile needs.
SVG_REFUSED = frozenset({"script", "foreignObject", "set", "animate", "animateMotion", "animateTransform",
                         "animateColor", "handler", "listener", "iframe", "embed", "object"})
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_EMBEDDED_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,", re.IGNORECASE)
# CSS that can load or run something, or hide what it does: a backslash escape (u\72l( is url(),
# @\69mport is @import) makes a whole style unsafe, whatever it spells.
_UNSAFE_STYLE = re.compile(r"@import|javascript:|expression\s*\(|behavior\s*:|-moz-binding|image-set|\\",
                           re.IGNORECASE)
# A document type (whose internal subset can declare attributes and entities) or a processing
# instruction such as <?xml-stylesheet?> means the file is written out again, without them.
_DECLARATIONS = re.compile(rb"<!(?!--)|<\?(?!xml[\s?])", re.IGNORECASE)


def clean_svg(raw: bytes) -> tuple[bytes, list[str]]:
    """An SVG without script: (its bytes, what was removed). Script elements, foreign objects,
    animations, event-handler attributes, links other than to its own parts (``#id``) or to
    embedded raster images, and external references in styles are removed. A file with nothing
    to remove, and no document type or processing instruction, keeps its bytes. Raises ValueError
    (with the line) if it is not well-formed SVG."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise ValueError(f"it is not well-formed XML (line {exc.position[0]}: {str(exc).split(':')[0]})") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ValueError("its root element is not an SVG <svg> element")
    removed: dict[str, None] = {}
    stack = [root]
    while stack:  # removed elements are not visited
        parent = stack.pop()
        for child in list(parent):
            namespace, _, name = child.tag.rpartition("}")
            if namespace[1:] != SVG_NS or name in SVG_REFUSED or (
                    name == "style" and (_UNSAFE_STYLE.search(child.text or "") or
                                         _EXTERNAL_URL.search(child.text or ""))):
                parent.remove(child)
                removed[f"<{name}>"] = None
            else:
                stack.append(child)
        for attribute, value in list(parent.attrib.items()):
            name = attribute.rpartition("}")[2]
            plain = re.sub(r"[\x00-\x20]", "", value)
            if name.lower().startswith("on"):
                why = f"`{name}` attribute"
            elif name == "href" and not (plain.startswith("#") or _EMBEDDED_IMAGE.match(plain)):
                why = "link" if not plain.lower().startswith("javascript:") else "javascript: link"
            elif name == "base" or _EXTERNAL_URL.search(value) or (name == "style" and _UNSAFE_STYLE.search(value)):
                why = "external reference"
            else:
                continue
            del parent.attrib[attribute]
            removed[why] = None
    if not removed and not _DECLARATIONS.search(raw):
        return raw, []
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n", list(removed)
