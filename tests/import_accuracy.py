"""How close the importer gets to the edited sample edition, field by field.

The sample edition in content/ is the importer's output after an editor's
review, so comparing the two measures the importer and lists every correction
the editor still had to make. Run it directly for the tables:

    python tests/import_accuracy.py
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edition.ingest import import_text  # noqa: E402
from edition.ingest.normalise import read_raw  # noqa: E402

SEEDS = ROOT / "tests" / "seeds"
SAMPLES = {  # seed → (issue folder in content/, periodical?)
    "000_de17a0740e0edbef.txt": ("pinghu-daily/2022-10-31", False),
    "001_55991727a0a6c360.txt": ("pinghu-daily/2022-11-18", False),
    "002_83ceffdfb6a9c23d.txt": ("lilun-journal/2023-01-01", True),
    "003_a2e0462f2705c726.txt": ("pinghu-daily/2025-02-07", False),
    "004_ddfb3c66dc3d3638.txt": ("pinghu-daily/2022-06-28", False),
}
FIELDS = ("title", "kicker", "subtitle", "authors", "start", "end")
EDGE = 12  # characters compared at each end of a body


def norm(text: str) -> str:
    text = text or ""
    text = re.sub(r"\{\{gap[^}]*\}\}", "", text)
    return re.sub(r"[\s#\\]", "", text)


@dataclass
class Item:
    title: str
    kicker: str
    subtitle: str
    authors: tuple
    body: str
    printed: tuple = ()  # title, kicker, subtitle with their spaces
    gaps: int = 0

    def value(self, name: str) -> str:
        if name == "start":
            return self.body[:EDGE]
        if name == "end":
            return self.body[-EDGE:]
        if name == "authors":
            return "、".join(f"{n}/{r}" for n, r in self.authors)
        return getattr(self, name)


def _item(meta: dict, body: str) -> Item:
    authors = tuple((norm(a.get("name") or a.get("org")), a.get("role", "")) for a in meta.get("authors") or [])
    printed = tuple((meta.get(k) or "").strip() for k in ("title", "kicker", "subtitle"))
    return Item(norm(meta.get("title")), norm(meta.get("kicker")), norm(meta.get("subtitle")), authors, norm(body),
                printed, body.count("{{gap"))


def expected(issue: Path) -> list[Item]:
    items = []
    for path in sorted(issue.rglob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        items.append(_item(yaml.safe_load(front), body))
    return items


def imported(seed: str, periodical: bool):
    result = import_text(read_raw(SEEDS / seed), periodical=periodical)
    items = [_item({"title": d.title, "kicker": d.kicker, "subtitle": d.subtitle, "authors": d.authors},
                   "".join(d.paragraphs)) for d in result.drafts]
    return items, result


@dataclass
class Score:
    seed: str
    expected: int
    found: int
    matched: int = 0
    right: dict = field(default_factory=lambda: {f: 0 for f in FIELDS})
    corrections: list[str] = field(default_factory=list)
    body_ratio: list[float] = field(default_factory=list)  # text similarity of each matched body


def _same_article(a: Item, b: Item) -> bool:
    return a.body[:EDGE] == b.body[:EDGE] or (a.title and a.title == b.title) or a.body[EDGE:3 * EDGE] in b.body


def _clip(text: str, room: int = 24) -> str:
    return text if len(text) <= room else f"{text[:room // 2]}…{text[-room // 2:]}({len(text)}字)"


def score(seed: str) -> Score:
    folder, periodical = SAMPLES[seed]
    want = expected(ROOT / "content" / folder)
    got, _ = imported(seed, periodical)
    result = Score(seed, len(want), len(got))
    unused = list(got)
    for number, item in enumerate(want, 1):
        match = next((g for g in unused if _same_article(item, g)), None)
        if match is None:
            result.corrections.append(f"{number:02d} 「{item.title}」: the importer did not find this article")
            continue
        unused.remove(match)
        result.matched += 1
        for name, mine, theirs in zip(("title", "kicker", "subtitle"), match.printed, item.printed):
            if norm(mine) == norm(theirs) and mine != theirs:
                result.corrections.append(f"{number:02d} {name} spacing: 「{mine}」 → 「{theirs}」")
        if item.gaps:
            result.corrections.append(f"{number:02d} body: {item.gaps} {{{{gap}}}} mark(s) added where text was lost")
        matcher = difflib.SequenceMatcher(None, match.body, item.body, autojunk=False)
        result.body_ratio.append(matcher.ratio())
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op != "equal":
                result.corrections.append(f"{number:02d} body {op}: 「{_clip(match.body[a1:a2])}」 → 「{_clip(item.body[b1:b2])}」")
        for name in FIELDS:
            if item.value(name) == match.value(name):
                result.right[name] += 1
            else:
                result.corrections.append(f"{number:02d} {name}: 「{match.value(name)}」 → 「{item.value(name)}」")
    for item in unused:
        result.corrections.append(f"-- 「{item.title}」: an extra item the editor removed")
    return result


def main() -> None:
    print("| seed | articles (edited) | items (imported) | matched | " + " | ".join(FIELDS) + " | body text |")
    print("|---" * (5 + len(FIELDS)) + "|")
    scores = [score(seed) for seed in SAMPLES]
    for s in scores:
        cells = " | ".join(f"{s.right[f]}/{s.expected}" for f in FIELDS)
        body = sum(s.body_ratio) / len(s.body_ratio) if s.body_ratio else 0
        print(f"| {s.seed[:3]} | {s.expected} | {s.found} | {s.matched} | {cells} | {body:.1%} |")
    print()
    topics = ("title", "byline", "order", "column", "furniture", "toc", "lost-text", "removed")
    print("| seed | items found | " + " | ".join(topics) + " |")
    print("|---" * (2 + len(topics)) + "|")
    for seed, (_, periodical) in SAMPLES.items():
        _, result = imported(seed, periodical)
        counts = result.review.counts()
        print(f"| {seed[:3]} | {len(result.drafts)} | " + " | ".join(str(counts.get(t, 0)) for t in topics) + " |")
    print()
    for s in scores:
        print(f"{s.seed}: {len(s.corrections)} corrections")
        for line in s.corrections:
            print("   ", line)


if __name__ == "__main__":
    main()
