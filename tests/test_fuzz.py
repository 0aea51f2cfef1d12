"""Property tests: generated input must never crash the reader, the Markdown pipeline, the
tokenizers (which must also agree, Python and JS) or the importer, and the importer must
never lose a character it does not report."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from edition import markup
from edition.errors import Problems
from edition.facts import browser_facts, is_han
from edition.ingest import import_text
from edition.ingest.pipeline import unaccounted
from edition.reader import read_markdown_file
from edition.search import fnv1a
from edition.tokenizer import index_tokens, normalize, query_tokens

# Text that looks like what arrives: Chinese with full-width forms, astral ideographs,
# newspaper marks, Markdown and YAML syntax, invisible and bidi controls, odd white space.
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),  # common Han
    st.characters(min_codepoint=0x20000, max_codepoint=0x20010),  # CJK Ext-B, outside the BMP
    st.sampled_from(list("，。、；：？！“”‘’（）《》【】—…·■◆#*_`[]()<>{}|-:!\\/\"' \t\n\r\u3000\u200b\u202e\ufeff")),
    st.sampled_from(["本报讯", "记者", "摄影", "通讯员", "编辑/", "公益广告", "扫一扫 看视频", "##paidbegin##",
                     "{{gap}}", "---", "目录", "理论学习中心组", "\n\n", "<script>", "<img src=x onerror=", "](",
                     "javascript:", "JaVaScRiPt:", "data:text/html,", "vbscript:", "&#106;", "&lt;", "<!--",
                     "[链接](javascript:alert(1))", "[图](data:image/png;base64,iVBORw0KGgo=)", "<javascript:alert(1)>",
                     "![图](data:image/gif;base64,R0lGOD=)", "[x]( JaVaScRiPt:alert(1) )", "<data:image/png;base64,AA>"]),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width ASCII
)
TEXT = st.lists(ALPHABET, max_size=300).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# Raw page text also carries control characters: form feeds of PDF page breaks, ESC sequences,
# backspaces, NUL, the C1 controls.
CONTROL = st.one_of(st.characters(min_codepoint=0, max_codepoint=0x1F), st.characters(min_codepoint=0x7F,
                                                                                         max_codepoint=0x9F))
RAW_TEXT = st.lists(st.one_of(ALPHABET, CONTROL, st.sampled_from(["\x1b[31m", "\x1b]0;title\x07", "\x0c\n"])),
                    max_size=300).map("".join)
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@SETTINGS
@given(RAW_TEXT, st.booleans())
def test_the_importer_never_crashes_and_accounts_for_every_character(text, periodical):
    """Control characters are removed, each reported at its line; everything else reaches a draft
    or the report's removed text."""
    result = import_text(text, periodical=periodical)
    assert not unaccounted(text, result)
    assert all(draft.title.strip() for draft in result.drafts)
    drafts = "".join(p for d in result.drafts for p in [d.title, d.kicker, d.subtitle, d.column, *d.paragraphs,
                                                         *(v for a in d.authors for v in a.values())])
    assert not CONTROL_CHARS.search(drafts)
    assert not any(CONTROL_CHARS.search(str(note)) for note in result.review.notes)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for no, line in enumerate(lines, 1):
        for char in CONTROL_CHARS.findall(line):
            assert any(note.line == no and f"U+{ord(char):04X}" in note.message for note in result.review.notes)


@SETTINGS
@given(TEXT)
def test_the_front_matter_reader_reports_problems_instead_of_raising(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fm") / "a.md"
    path.write_bytes(("---\n" + text).encode("utf-8", "surrogatepass"))
    problems = Problems()
    document = read_markdown_file(path, problems)
    assert (document is None) == bool(problems.errors)
    for problem in problems.items:
        assert problem.line >= 1 and str(path) in str(problem)


# What the Markdown pipeline may emit; anything else came from the input's raw HTML.
SAFE_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "a", "img", "figure", "figcaption",
             "blockquote", "ul", "ol", "li", "code", "pre", "hr", "br", "span", "s"}
UNSAFE_URL = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


@SETTINGS
@given(TEXT)
def test_markdown_never_lets_raw_html_or_script_through(text):
    body = markup.render_body(text, lambda src: "media/" + src)
    parser = _Elements()
    parser.feed(body.html)
    for tag, attrs in parser.found:
        assert tag in SAFE_TAGS, (tag, body.html)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):  # as a browser reads it: entities decoded, controls and spaces dropped
                assert not UNSAFE_URL.match(re.sub(r"[\x00-\x20]", "", value or "")), (tag, value)


# Article text with block structure: words (Han, Latin, digits) after any run of quote marks,
# list markers and indentation, nested as deep as the renderer allows and beyond.
WORD = st.lists(st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),
                          st.characters(min_codepoint=0x20000, max_codepoint=0x20010),
                          st.sampled_from(list("abcxyzABCÄéß0123456789，。 "))), min_size=1, max_size=12).map("".join)
PREFIX = st.lists(st.sampled_from(["> ", ">", "- ", "* ", "+ ", "1. ", "2) ", "  ", "    ", "# ", "## "]),
                  max_size=130).map("".join)
BLOCK_TEXT = st.lists(st.tuples(PREFIX, WORD, st.sampled_from(["\n", "\n\n"])), min_size=1, max_size=12).map(
    lambda lines: "".join(prefix + word + end for prefix, word, end in lines))


def _letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha() or is_han(c)]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


@SETTINGS
@given(BLOCK_TEXT)
def test_every_letter_of_an_article_reaches_its_page_or_the_loss_is_an_error(text):
    """Nothing is dropped silently: every letter and Han character typed is in the page's text,
    in order, unless the body is refused with an error at a line."""
    body = markup.render_body(text, lambda src: "media/" + src)
    errors = [(line, message) for line, message, severity in body.problems if severity == "error"]
    if errors:  # refused: only for nesting past the limit, at a line that nests that deep
        (line, message), = errors
        assert "nested more than" in message, message
        nesting = re.match(r"[>\-*+0-9.) ]*", text.split("\n")[line]).group()
        assert len(nesting) > markup.MAX_NESTING // 2, (line, text.split("\n")[line])
        return
    shown = _Text()
    shown.feed(body.html)
    assert _letters("".join(shown.parts)) == _letters(text), body.html


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed for the JS tokenizer")
@settings(max_examples=25, deadline=None)
@given(st.lists(TEXT, min_size=20, max_size=20))
def test_python_and_js_tokenizers_agree_on_generated_text(texts):
    script = (  # the tokenizer reads the Han ranges of assets/search/facts.js, which the build makes
        "global.self = {}; new Function(process.argv[2]).call(global.self);"
        "const t = require(process.argv[1]);"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(input.map(s => [t.normalize(s), t.indexTokens(s), t.queryTokens(s),"
        " t.hash(s)])));"
    )
    run = subprocess.run(["node", "-e", script, str(ROOT / "templates/assets/search/tokenizer.js"),
                          browser_facts().decode("utf-8")],
                         input=json.dumps(texts), capture_output=True, text=True, check=True)
    expected = [[normalize(s), index_tokens(s), query_tokens(s), fnv1a(s)] for s in texts]
    assert json.loads(run.stdout) == expected
