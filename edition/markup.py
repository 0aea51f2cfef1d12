"""Article bodies: CommonMark through markdown-it-py, plus two edition conventions.

- ``{{gap}}`` / ``{{gap: 说明}}`` marks text lost in PDF/OCR extraction, so the
  loss stays visible to readers instead of being smoothed over.
- A paragraph holding only an image becomes a ``<figure>`` with its caption.

Raw HTML is never rendered: content comes from OCR and many hands.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

GAP_RE = re.compile(r"\{\{gap(?::\s*([^}]*))?\}\}")
GAP_LABEL = "原文缺失"


def _gap_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("{{gap", state.pos):
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
    src = env["asset_url"](token.attrGet("src") or "")
    alt = html.escape(_plain(token.children))
    return f'<img src="{html.escape(src)}" alt="{alt}" loading="lazy">'


def _render_link_open(self, tokens, idx, options, env) -> str:
    href = tokens[idx].attrGet("href") or ""
    if is_local_path(href):
        tokens[idx].attrSet("href", env["asset_url"](href))
    return self.renderToken(tokens, idx, options, env)


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


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
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
    assets: list[tuple[str, int]] = field(default_factory=list)  # local images and links: (path, body line)
    gaps: int = 0


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
    """Render Markdown to HTML; ``asset_url`` maps a local image or link to its site URL."""
    tokens = _MD.parse(source)
    assets, paragraphs, gaps = [], [], 0
    for i, token in enumerate(tokens):
        if token.type != "inline":
            continue
        line = token.map[0] if token.map else 0
        for child in token.children or []:
            if child.type == "image":
                assets.append((child.attrGet("src") or "", line))
            elif child.type == "link_open" and is_local_path(child.attrGet("href") or ""):
                assets.append((child.attrGet("href"), line))
            elif child.type == "edition_gap":
                gaps += 1
        text = _plain(token.children)
        if text and tokens[i - 1].type == "paragraph_open":
            paragraphs.append(text)
    rendered = _MD.renderer.render(tokens, _MD.options, {"asset_url": asset_url})
    return RenderedBody(
        html=rendered,
        text="\n".join(paragraphs),
        lead=paragraphs[0] if paragraphs else "",
        assets=assets,
        gaps=gaps,
    )


def is_local_path(src: str) -> bool:
    """A relative path to a file beside the content; the site loads nothing from outside."""
    if not src or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) or src.startswith(("/", "\\", "//", "#", "?")):
        return False
    return ".." not in PurePosixPath(src).parts
