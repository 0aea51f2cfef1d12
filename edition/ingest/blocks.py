"""Step 2: lines → blocks.

A block is a run of lines between blank lines. A few lines can only ever start
something new (a ■ byline, an editor footer, a 本报讯 lead, a QR label), so a
block is also cut before them; `tight` remembers that no blank line separated
the pieces, which is the strongest hint that they belong together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .normalise import Line

STARTER_RE = re.compile(r"^(■|本报讯|编辑\s*[/／]|扫一扫|(记者|通讯员|摄影)\s|[A-Z]{4,}$)")
ONE_LINE_RE = re.compile(r"^(■|编辑\s*[/／]|扫一扫|(记者|通讯员|摄影)\s|[A-Z]{4,}$)")  # nothing continues these lines


@dataclass
class Block:
    lines: list[Line]
    tight: bool = False  # follows the previous block with no blank line between
    kind: str = ""  # set by classify
    info: dict = field(default_factory=dict)

    @property
    def first(self) -> int:
        return self.lines[0].no

    @property
    def last(self) -> int:
        return self.lines[-1].no

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    @property
    def heading(self) -> int:
        return min((line.heading for line in self.lines if line.heading), default=0)

    def __repr__(self) -> str:
        return f"<{self.kind or '?'} {self.first}-{self.last} {self.texts[0][:16]!r}>"


def find_blocks(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    current: list[Line] = []
    tight = False

    def close(next_tight: bool) -> None:
        nonlocal current, tight
        if current:
            blocks.append(Block(current, tight))
        current, tight = [], next_tight

    for line in lines:
        if not line:
            close(False)
        elif current and (STARTER_RE.match(line.text) or line.heading != current[-1].heading
                          or ONE_LINE_RE.match(current[-1].text)):
            close(True)
            current.append(line)
        else:
            current.append(line)
    close(False)
    return blocks
