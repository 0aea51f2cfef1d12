"""Half-width punctuation in Chinese text → full-width, as GB/T 15834 sets it.

OCR and some PDF extractions write `,` `:` `;` `?` `!` `(` `)` and straight quotes where the
page printed `，：；？！（）“”`. In Chinese text these are full-width; in numbers (3.5, 1,000,
10:30), URLs, e-mail addresses, Latin text (`Hello, world.`) and Markdown syntax they stay as
they are. The rules, per mark:

- `,` `:` `;` `?` `!` after a Chinese character (Han, a full-width mark, or a closing quote or
  bracket after one), or after a digit, `%` or letter when a Chinese character follows;
- `.` after a Chinese character when no letter or digit follows (`3.5`, `1.南浔` keep theirs);
- `...` (three dots or more) next to Chinese text, with no letter or digit on either side → `……`;
- `(`…`)` a pair on one line around Chinese text, or with no letters inside next to it;
- straight quotes `"` `'` on lines with Chinese text, paired in order (first opens, second
  closes) within a line, or over the next lines while a quote is open. A pairing that reads
  wrong (an opening quote before `，`, a closing one after `：`) or a quote left over is not
  guessed: the quotes stay as they were and are reported as unpaired.

``normalise_punctuation`` is a pure function: text in, the new text and every change (line,
column, old, new) out. The importer records the changes in its report; ``check`` warns about
what it would change in content (``content_warnings``).
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from .facts import HAN_CLASS

MARKS = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！"}
NAMES = {",": "逗号", ".": "句号", ":": "冒号", ";": "分号", "?": "问号", "!": "叹号", "(": "括号", ")": "括号",
         "\"": "引号", "'": "引号", "...": "省略号"}
OPENERS = "“‘（《〈「『【〔"
CLOSERS = "”’）》〉」』】〕"
FULL_MARKS = "，。、；：？！…—·～"
CHINESE_RE = re.compile(f"[{HAN_CLASS}{re.escape(OPENERS + CLOSERS + FULL_MARKS)}\u3000-\u303f\uff00-\uffef]")
HAN_RE = re.compile(f"[{HAN_CLASS}]")
TRANSPARENT = "\"'()“”‘’（）*_"  # looked through (with code, links and URLs) to find the text a mark follows
ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
# Spans that are never Chinese text, whatever surrounds them.
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%]"
_URL_END = r"[A-Za-z0-9\-_~/#@$&*+=%]"
# Each pattern stops where the next one of its kind could start, so a line of 100,000 unclosed
# `{{gap:` or `<a` costs linear time, not quadratic.
PROTECTED_RE = re.compile("(?=[`\\]!<{hfw])(?:" + "|".join([
    r"`[^`\n]*`",  # inline code
    r"\]\([^()\n]*\)",  # a Markdown link or image target
    r"!(?=\[)",  # the mark that makes an image
    r"</?[A-Za-z][^<>\n]*>",  # an HTML tag
    r"\{\{(?:[^{}\n]|\{(?!\{)|\}(?!\}))*\}\}",  # {{gap}} marks
    rf"(?:https?|ftp)://{_URL_CHARS}*{_URL_END}",
    rf"(?<![A-Za-z0-9.-])www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/{_URL_CHARS}*{_URL_END})?",
]) + ")")
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
LETTER_RE = re.compile(r"[A-Za-z]")
LOOK = 40  # characters looked through for a mark's neighbour
FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
ELLIPSIS_RE = re.compile(r"\.{3,}")
MARK_RE = re.compile(r"[,.:;?!]")
BRACKET_RE = re.compile(r"[()]")
# A quote that opens must not come right before these; one that closes, not right after those.
NOT_AFTER_OPENER = set("，。、；：？！）》」』】,.;:?!)")
NOT_BEFORE_CLOSER = set("（《「『【(：:“‘")
QUOTE_REACH = 20  # lines a quote may stay open
QUOTE_BLANKS = 2  # blank lines it may stay open across
UNPAIRED = "引号无法配对，未改"
QUOTES = (('"', "“”‘’"), ("'", "‘’"))  # opening, closing (and for double quotes inner opening, closing)
# The importer pairs quotes in the text it has put together, not in the raw columns, whose lines
# mix pieces of several articles. Until then each quote is a character of the supplementary
# private use planes that names it (``mark_quotes``); no page prints those.
SENTINEL_BASE = "\U000f0000"
SENTINEL_RE = re.compile("[\U000f0000-\U0010ffff]")
CAPACITY = 0x10FFFF - 0xF0000 + 1


class Change(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based, in characters of the original line
    old: str
    new: str  # the same as old for a quote that could not be paired: reported, not changed

    @property
    def changed(self) -> bool:
        return self.new != self.old

    def __str__(self) -> str:
        return f"{self.old}→{self.new}" if self.changed else f"{self.old}（{UNPAIRED}）"


def normalise_punctuation(text: str, quotes: bool = True) -> tuple[str, list[Change]]:
    """``text`` with half-width punctuation in Chinese full-width, and every change made.

    Unpaired quotes are in the list too, with ``new == old``. With ``quotes=False`` straight
    quotes are left for ``mark_quotes`` and ``settle_quotes``.
    """
    lines = text.split("\n")
    chars = _Rows(lines)
    protected = _protected(text, lines)
    edits: dict[tuple[int, int], tuple[str, str, int]] = {}  # (line, column) → (old, new, width)
    for no, text_line in enumerate(lines):
        if MARK_RE.search(text_line):
            _marks(chars[no], protected[no], edits, no)
        if BRACKET_RE.search(text_line):
            _brackets(chars[no], protected[no], edits, no)
    if quotes:
        _quotes(chars, protected, edits, lines)
    ordered = sorted(edits.items())
    changes = [Change(no + 1, col + 1, old, new) for (no, col), (old, new, _) in ordered]
    if not any(c.changed for c in changes):
        return text, changes
    rows: dict[int, list[tuple[int, str, int]]] = {}
    for (no, col), (old, new, width) in ordered:
        if new != old:
            rows.setdefault(no, []).append((col, new, width))
    out = list(lines)
    for no, row in rows.items():
        line, pieces, pos = lines[no], [], 0
        for col, new, width in row:
            pieces += [line[pos:col], new]
            pos = col + width
        pieces.append(line[pos:])
        out[no] = "".join(pieces)
    return "\n".join(out), changes


def half_width_lines(text: str) -> dict[int, list[Change]]:
    """The changes ``normalise_punctuation`` would make, by line (1-based)."""
    by_line: dict[int, list[Change]] = {}
    for change in normalise_punctuation(text)[1]:
        by_line.setdefault(change.line, []).append(change)
    return by_line


MAX_WARNED_LINES = 5  # per file; the rest are counted in one more warning


def content_warnings(headlines: list[tuple[int, str]], body: str, body_line: int) -> list[tuple[int, str]]:
    """Warnings (line, message) for half-width punctuation in an article's headlines and body.

    One warning per line at most, and at most ``MAX_WARNED_LINES`` of them in a file: an OCR'd
    article has a comma wrong in every paragraph, and the editor fixes the file as a whole.
    """
    found: list[tuple[int, list[Change]]] = []
    for line, value in headlines:
        changes = normalise_punctuation(value)[1]
        if changes:
            found.append((line, changes))
    for offset, changes in sorted(half_width_lines(body).items()):
        found.append((body_line + offset - 1, changes))
    warnings = [(line, _warning(changes)) for line, changes in found[:MAX_WARNED_LINES]]
    rest = found[MAX_WARNED_LINES:]
    if rest:
        count = sum(len(changes) for _, changes in rest)
        warnings.append((rest[0][0], f"{len(rest)} more lines of this file (to line {rest[-1][0]}) have {count} "
                                     "half-width punctuation marks in Chinese text; use full-width ones (GB/T 15834)"))
    return warnings


def _warning(changes: list[Change]) -> str:
    first = changes[0]
    if first.changed and first.old in MARKS:
        message = f'half-width "{first.old}" between Chinese characters; use "{first.new}"'
    elif first.old in "\"'":
        message = (f"straight quote {first.old} in Chinese text; use "
                   + ('"“" and "”"' if first.old == '"' else '"‘" and "’"'))
    elif first.old == "...":
        message = 'half-width "..." in Chinese text; use "……"'
    else:
        message = f'half-width "{first.old}" in Chinese text; use "{first.new}"'
    if len(changes) > 1:
        kinds = " ".join(dict.fromkeys(c.old for c in changes))
        message += f" ({len(changes)} on this line" + (f": {kinds})" if " " in kinds else ")")
    return message


# ---------------------------------------------------------------- quotes the importer pairs later

class Marked(NamedTuple):
    line: int  # 1-based, of the raw text
    column: int
    quote: str


def mark_quotes(text: str) -> tuple[str, list[Marked], list[Change]]:
    """Each straight quote in Chinese text replaced by a character that names it, to be paired by
    ``settle_quotes`` once the text is put together; the quotes past ``CAPACITY`` are reported."""
    lines = text.split("\n")
    chars = _Rows(lines)
    protected = _protected(text, lines)
    found = sorted((no, col, quote) for quote, _ in QUOTES for no, col in _candidates(lines, chars, protected, quote))
    marked = [Marked(no + 1, col + 1, quote) for no, col, quote in found[:CAPACITY]]
    for number, (no, col, _) in enumerate(found[:CAPACITY]):
        chars[no][col] = chr(ord(SENTINEL_BASE) + number)
    overflow = [Change(no + 1, col + 1, quote, quote) for no, col, quote in found[CAPACITY:]]
    out = list(lines)
    for no, row in chars.items():
        out[no] = "".join(row)
    return "\n".join(out), marked, overflow


def settle_quotes(text: str, marked: list[Marked]) -> tuple[str, dict[int, int | None]]:
    """One piece of put-together text (a paragraph, a title) with its marked quotes paired.

    Returns the text and, for each marked quote in it, 0 (opens), 1 (closes) or None (unpaired:
    it is the straight quote again).
    """
    spots = [(m.start(), ord(m.group()) - ord(SENTINEL_BASE)) for m in SENTINEL_RE.finditer(text)]
    if not spots:
        return text, {}
    chars = list(text)
    for pos, number in spots:
        chars[pos] = marked[number].quote
    decided: dict[int, int | None] = {}
    for quote, pair in QUOTES:
        scope = [(pos, number) for pos, number in spots if marked[number].quote == quote]
        kinds = _decide([chars], [(0, pos) for pos, _ in scope], [marked[number].line for _, number in scope],
                        lambda a, b: 0 < b - a <= 1 + QUOTE_BLANKS, quote == '"')
        for (pos, number), kind in zip(scope, kinds):
            decided[number] = kind
            if kind is not None:
                chars[pos] = pair[kind]
    return "".join(chars), decided


def restore_quotes(text: str, marked: list[Marked], decided: dict[int, int | None]) -> str:
    """Text that was not paired on its own (a note quoting a title): each quote as it was decided."""
    def shown(match: re.Match) -> str:
        number = ord(match.group()) - ord(SENTINEL_BASE)
        quote = marked[number].quote
        kind = decided.get(number)
        return quote if kind is None else dict(QUOTES)[quote][kind]
    return SENTINEL_RE.sub(shown, text)


def quote_changes(marked: list[Marked], decided: dict[int, int | None]) -> list[Change]:
    pairs = dict(QUOTES)
    return [Change(m.line, m.column, m.quote, m.quote if decided.get(n) is None else pairs[m.quote][decided[n]])
            for n, m in enumerate(marked)]


# ---------------------------------------------------------------- the steps

class _Rows(dict):
    """The lines as lists of characters, made for the lines that are looked at."""

    def __init__(self, lines: list[str]):
        super().__init__()
        self.lines = lines

    def __missing__(self, no: int) -> list[str]:
        row = self[no] = list(self.lines[no])
        return row


class _Protected(dict):
    """For each line (0-based), the columns that are code, link targets, tags, URLs or e-mail."""

    def __missing__(self, no: int) -> frozenset:
        return frozenset()


def _protected(text: str, lines: list[str]) -> _Protected:
    result = _Protected()
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    found = list(PROTECTED_RE.finditer(text)) if re.search(r"[`\]!<{:]|www\.", text) else []
    for match in found + (list(EMAIL_RE.finditer(text)) if "@" in text else []):  # none crosses a line end
        no = bisect.bisect_right(starts, match.start()) - 1
        result.setdefault(no, set()).update(range(match.start() - starts[no], match.end() - starts[no]))
    if "```" in text or "~~~" in text:
        fenced = False
        for no, line in enumerate(lines):
            fence = bool(FENCE_RE.match(line))
            if fence or fenced:
                result[no] = set(range(len(line)))
            fenced ^= fence
    return result


def _look(line: list[str], col: int, step: int, protected: set[int]) -> str:
    """The nearest character before (step -1) or after (+1) ``col`` that is not a quote, a
    bracket, an emphasis mark, a space or protected, or '' at the line's end."""
    j, room = col + step, LOOK  # code, links and URLs are looked through whole
    while 0 <= j < len(line) and room and (j in protected or line[j] in TRANSPARENT or line[j] in " \t"
                                           or line[j] >= SENTINEL_BASE):
        room -= j not in protected
        j += step
    return line[j] if 0 <= j < len(line) and room else ""


def _chinese(char: str) -> bool:
    return bool(char) and bool(CHINESE_RE.match(char))


def _marks(line: list[str], protected: set[int], edits: dict, no: int) -> None:
    text = "".join(line)
    for match in ELLIPSIS_RE.finditer(text):
        start, end = match.start(), match.end()
        if protected.intersection(range(start, end)):
            continue
        before, after = _look(line, start, -1, protected), _look(line, end - 1, 1, protected)
        if (_chinese(before) or _chinese(after)) and not ASCII_ALNUM.match(before or " ") \
                and not ASCII_ALNUM.match(after or " "):
            edits[(no, start)] = (match.group(), "……", end - start)
            line[start:end] = ["…"] * (end - start)  # the columns stay where they were
    for match in MARK_RE.finditer(text):
        col, char = match.start(), match.group()
        if col in protected or line[col] != char:
            continue
        prev = line[col - 1] if col else ""
        if char != "." and "\u4e00" <= prev <= "\u9fff" and col - 1 not in protected:  # the usual case, quickly
            edits[(no, col)] = (char, MARKS[char], 1)
            line[col] = MARKS[char]
            continue
        before, after = _look(line, col, -1, protected), _look(line, col, 1, protected)
        if char == ".":
            convert = _chinese(before) and not ASCII_ALNUM.match(after or " ") and "." not in text[col - 1:col + 2:2]
        else:  # after a digit, `%` or letter only when Chinese follows: `82%;二是`, but `1,000` and `10:30`
            convert = _chinese(before) or (_chinese(after) and bool(before) and (before == "%" or ASCII_ALNUM.match(before)))
        if convert:
            edits[(no, col)] = (char, MARKS[char], 1)
            line[col] = MARKS[char]


def _brackets(line: list[str], protected: set[int], edits: dict, no: int) -> None:
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    strays: list[int] = []
    for match in BRACKET_RE.finditer("".join(line)):
        col, char = match.start(), match.group()
        if col in protected:
            continue
        if char == "(":
            stack.append(col)
        elif char == ")":
            if stack:
                pairs.append((stack.pop(), col))
            else:
                strays.append(col)
    strays += stack
    text = "".join(line)
    for start, end in pairs:
        before, after = _look(line, start, -1, protected), _look(line, end, 1, protected)
        if HAN_RE.search(text, start + 1, end) or (_chinese(before) and _chinese(after)) \
                or (not LETTER_RE.search(text, start + 1, end) and (_chinese(before) or _chinese(after))):
            for col, new in ((start, "（"), (end, "）")):
                edits[(no, col)] = (line[col], new, 1)
                line[col] = new
    for col in strays:
        if _chinese(_look(line, col, -1, protected)) or _chinese(_look(line, col, 1, protected)):
            edits[(no, col)] = (line[col], line[col], 1)  # reported, not guessed


def _candidates(lines: list[str], chars: list[list[str]], protected: list[set[int]], quote: str) -> list[tuple[int, int]]:
    """Where ``quote`` stands in Chinese text: on a line with Han characters, not code or a URL,
    not an apostrophe."""
    return [(no, m.start()) for no, line in enumerate(lines) if quote in line and HAN_RE.search(line)
            for m in re.finditer(quote, line)
            if m.start() not in protected[no] and not _apostrophe(chars[no], m.start(), quote)]


def _quotes(chars: list[list[str]], protected: list[set[int]], edits: dict, lines: list[str]) -> None:
    for quote, pair in QUOTES:
        found = _candidates(lines, chars, protected, quote)
        kinds = _decide(chars, found, [no for no, _ in found], lambda a, b: _reachable(lines, a, b), quote == '"')
        for (no, col), kind in zip(found, kinds):
            edits[(no, col)] = (quote, quote if kind is None else pair[kind], 1)
            if kind is not None:
                chars[no][col] = pair[kind]


def _decide(chars: list[list[str]], found: list[tuple[int, int]], lines: list[int], reachable,
            nested: bool) -> list[int | None]:
    """0 (opens), 1 (closes) or None (cannot be known) for each quote of ``found`` (row, column in
    ``chars``), in order; ``lines`` gives the raw line of each, ``reachable(a, b)`` whether a quote
    opened on line a may close on line b. The quotes of each line are paired on that line; a
    line with one left over is read together with the next line with quotes if that has one
    left over too and the two read right together, every quote paired."""
    kinds: list[int | None] = []
    i = 0
    while i < len(found):
        j = _same_line(lines, i)
        together = None
        if (j - i) % 2 and j < len(found) and reachable(lines[j - 1], lines[j]):
            k = _same_line(lines, j)
            if (k - j) % 2:
                together = _kinds(chars, found[i:k], lines[i:k], nested)
                if None in together:
                    together = None
                else:
                    j = k
        kinds += together or _kinds(chars, found[i:j], lines[i:j], nested)
        i = j
    return kinds


def _kinds(chars: list[list[str]], scope: list[tuple[int, int]], lines: list[int], nested: bool) -> list[int | None]:
    return [kind for chunk in _sentences(chars, scope, lines) for kind in _reading(chars, chunk, nested)]


def _sentences(chars: list[list[str]], scope: list[tuple[int, int]], lines: list[int]) -> list[list[tuple[int, int]]]:
    """The quotes of a scope in runs that end where a sentence or line ends with every quote closed,
    or where a {{gap}} mark says text was lost (and a quote with it, perhaps)."""
    chunks, current = [], []
    for k, (no, col) in enumerate(scope):
        current.append((no, col))
        if k + 1 == len(scope):
            continue
        nxt, nxt_col = scope[k + 1]
        between = "".join(chars[no][col + 1:nxt_col]) if nxt == no and lines[k] == lines[k + 1] else "\n"
        if "{{gap" in between or (len(current) % 2 == 0 and any(c in "。！？\n" for c in between)):
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def _reading(chars: list[list[str]], chunk: list[tuple[int, int]], nested: bool = False) -> list[int | None]:
    """0 (opens) or 1 (closes) for each quote, in order, 2 and 3 for a quote inside a quote (a
    double one read as single); None where that cannot be known.

    An even run is read in order, if that reads right. In an odd run one quote is left over:
    the last (its closing quote was lost) or the first (it closes a quote opened before);
    only if exactly one of the two reads right is it taken, and the one left over reported.
    """
    if len(chunk) % 2 == 0:
        if _reads_right(chars, chunk):
            return [k % 2 for k in range(len(chunk))]
        # “…‘…’…”: OCR prints the inner quotes of a quotation as double ones too
        if nested and len(chunk) == 4 and _fits(chars, chunk, [0, 0, 1, 1]):
            return [0, 2, 3, 1]
        return [None] * len(chunk)
    last = _reads_right(chars, chunk[:-1]) and _reads_right(chars, chunk[-1:])
    first = _reads_right(chars, chunk[1:]) and _reads_right(chars, chunk[:1], closing=True)
    if last and not first:
        return [k % 2 for k in range(len(chunk) - 1)] + [None]
    if first and not last:
        return [None] + [k % 2 for k in range(len(chunk) - 1)]
    return [None] * len(chunk)


def _apostrophe(line: list[str], col: int, quote: str) -> bool:
    """`it's`, `don't`: a single quote between letters is an apostrophe."""
    if quote != "'":
        return False
    before = line[col - 1] if col else ""
    after = line[col + 1] if col + 1 < len(line) else ""
    return bool(before and after and before.isascii() and after.isascii() and before.isalpha() and after.isalpha())


def _same_line(lines: list[int], i: int) -> int:
    """The index after the last quote on the line of quote ``i``."""
    j = i + 1
    while j < len(lines) and lines[j] == lines[i]:
        j += 1
    return j


def _reachable(lines: list[str], last: int, nxt: int) -> bool:
    """A quote opened on line ``last`` may close on line ``nxt``."""
    if nxt - last > QUOTE_REACH:
        return False
    between = lines[last + 1:nxt]
    return sum(1 for line in between if not line.strip()) <= QUOTE_BLANKS \
        and not any(line.lstrip().startswith("#") for line in between + [lines[nxt]])


def _reads_right(chars: list[list[str]], scope: list[tuple[int, int]], closing: bool = False) -> bool:
    """Whether the quotes, read as opening and closing in turn (from a closing one if ``closing``),
    stand where such quotes can stand."""
    return _fits(chars, scope, [(k + closing) % 2 for k in range(len(scope))])


def _fits(chars: list[list[str]], scope: list[tuple[int, int]], roles: list[int]) -> bool:
    """Whether each quote can stand where it is as an opening (0) or closing (1) one."""
    for (no, col), role in zip(scope, roles):
        line = chars[no]
        before = line[col - 1] if col else ""
        after = line[col + 1] if col + 1 < len(line) else ""
        if role == 0 and after in NOT_AFTER_OPENER:
            return False
        if role == 1 and before in NOT_BEFORE_CLOSER:
            return False
    return True
