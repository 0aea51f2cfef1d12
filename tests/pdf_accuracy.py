"""How exactly the page-PDF importer reads the generated test pages, against their ground truth.

    python tests/pdf_accuracy.py

prints one table: for each generated issue (tests/pdfpages.py), title F1, the share of
articles whose 引题/主题/副题 are all right, body character accuracy (1 − normalised edit
distance, reading order included), bylines attached right, captions, and region IoU (median
and lowest), then the refusal of the unmapped-font and image-only PDFs. The thresholds the
issue set are checked by tests/test_pdf_import.py with the same functions.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from edition.cli import main as build_py  # noqa: E402
from edition.ingest.pdfimport import import_pdf  # noqa: E402
from pdfpages import make_issue, make_scan, make_unmapped  # noqa: E402

ISSUES = ("sample", "four")


@dataclass
class Score:
    issue: str
    pages: int = 0
    truth: int = 0  # articles in the truth
    drafts: int = 0  # drafts the importer made
    untitled: int = 0  # of them, photos printed without a title: no title to find
    titles_right: int = 0
    titled: int = 0  # truth articles with a title
    roles_right: int = 0
    body_distance: int = 0
    body_length: int = 0
    bylines_right: int = 0
    bylined: int = 0
    captions_right: int = 0
    captions: int = 0
    ious: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)  # what went wrong, for the reader of the table

    @property
    def title_f1(self) -> float:
        titled = self.drafts - self.untitled
        precision = self.titles_right / titled if titled else 0.0
        recall = self.titles_right / self.titled if self.titled else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @property
    def roles(self) -> float:
        return self.roles_right / self.titled if self.titled else 1.0

    @property
    def body(self) -> float:
        return 1 - self.body_distance / self.body_length if self.body_length else 1.0

    @property
    def bylines(self) -> float:
        return self.bylines_right / self.bylined if self.bylined else 1.0

    @property
    def caption_share(self) -> float:
        return self.captions_right / self.captions if self.captions else 1.0


def squeeze(text: str) -> str:
    return "".join(text.split())


def distance(a: str, b: str) -> int:
    """Levenshtein distance, by Myers' bit-parallel algorithm (Hyyrö's form): fast enough in
    Python for whole articles."""
    if not a:
        return len(b)
    masks: dict[str, int] = {}
    for i, c in enumerate(a):
        masks[c] = masks.get(c, 0) | (1 << i)
    top = 1 << (len(a) - 1)
    full = (1 << len(a)) - 1
    vp, vn, score = full, 0, len(a)
    for c in b:
        eq = masks.get(c, 0)
        xv = eq | vn
        xh = (((eq & vp) + vp) ^ vp) | eq
        hp = vn | ~(xh | vp) & full
        hn = vp & xh
        if hp & top:
            score += 1
        elif hn & top:
            score -= 1
        hp = ((hp << 1) | 1) & full
        hn = (hn << 1) & full
        vp = hn | ~(xv | hp) & full
        vn = hp & xv
    return score


def area(rects: list[tuple[float, float, float, float]]) -> float:
    """Area of the union of (x0, y0, x1, y1) rectangles, by coordinate compression."""
    xs = sorted({x for r in rects for x in (r[0], r[2])})
    total = 0.0
    for left, right in zip(xs, xs[1:]):
        spans = sorted((r[1], r[3]) for r in rects if r[0] <= left and r[2] >= right)
        covered, end = 0.0, None
        for top, bottom in spans:
            if end is None or top > end:
                covered += bottom - top
                end = bottom
            elif bottom > end:
                covered += bottom - end
                end = bottom
        total += covered * (right - left)
    return total


def iou(truth: list[tuple[int, list]], got: list[tuple[int, tuple]]) -> float:
    """Intersection over union of two sets of (page, [x, y, w, h]) boxes."""
    inter = union = 0.0
    for page in {p for p, _ in truth} | {p for p, _ in got}:
        a = [(x, y, x + w, y + h) for p, (x, y, w, h) in truth if p == page]
        b = [(x, y, x + w, y + h) for p, (x, y, w, h) in got if p == page]
        both = [(max(r[0], s[0]), max(r[1], s[1]), min(r[2], s[2]), min(r[3], s[3])) for r in a for s in b]
        inter += area([r for r in both if r[0] < r[2] and r[1] < r[3]])
        union += area(a + b)
    return inter / union if union else 0.0


def _text(item) -> str:
    return squeeze(item.title + "".join(item.paragraphs)) if not isinstance(item, dict) else \
        squeeze(item["title"] + "".join(item["paragraphs"]) + "".join(item["captions"]))


def score_issue(name: str, folder: Path) -> Score:
    pdf, truth_file = make_issue(name, folder)
    import json
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = import_pdf(pdf)
    drafts = [d for p in pages for d in p.drafts]
    result = Score(name, len(pages), len(truth["articles"]), len(drafts))
    unused = list(drafts)
    for article in truth["articles"]:
        wanted = _text(article)
        best = max(unused, key=lambda d: len(wanted) - distance(wanted[:400], _text(d)[:400]), default=None)
        draft = best if best is not None and distance(wanted[:200], _text(best)[:200]) < len(wanted[:200]) / 2 \
            else None
        if draft is not None:
            unused.remove(draft)
            result.untitled += not article["title"]
        label = f"{article['key']}「{article['title'][:12]}」"
        body = "\n".join(squeeze(p) for p in article["paragraphs"])
        result.body_length += len(body)
        if draft is None:
            result.misses.append(f"{label}: not found")
            result.body_distance += len(body)
            result.ious.append(0.0)
            result.titled += bool(article["title"])
            result.bylined += bool(article["authors"])
            result.captions += len(article["captions"])
            continue
        got_body = "\n".join(squeeze(p) for p in draft.paragraphs if not (article["kind"] == "photo"
                                                                         and not article["paragraphs"]))
        lost = distance(body, got_body)
        result.body_distance += lost
        if lost:
            where = next(i for i, (a, b) in enumerate(zip(body + "$", got_body + "#")) if a != b)
            result.misses.append(f"{label}: body {lost} edit(s), first at「{body[max(0, where - 8):where + 8]}」"
                                 f" read as「{got_body[max(0, where - 8):where + 8]}」")
        if article["title"]:
            result.titled += 1
            same = squeeze(draft.title) == squeeze(article["title"])
            result.titles_right += same
            roles = same and squeeze(draft.kicker) == squeeze(article["kicker"]) \
                and squeeze(draft.subtitle) == squeeze(article["subtitle"])
            result.roles_right += roles
            if not roles:
                result.misses.append(f"{label}: heading read as {draft.kicker!r} / {draft.title!r} / {draft.subtitle!r}")
        if article["authors"]:
            result.bylined += 1
            right = draft.authors == article["authors"]
            result.bylines_right += right
            if not right:
                result.misses.append(f"{label}: byline {draft.authors}")
        result.captions += len(article["captions"])
        got_captions = [squeeze(f.caption) for f in draft.figures]
        if article["kind"] == "photo":  # a photo's caption is its story: the draft's text
            got_captions += [squeeze(p) for p in draft.paragraphs]
        for caption in article["captions"]:
            result.captions_right += squeeze(caption) in got_captions
            if squeeze(caption) not in got_captions:
                result.misses.append(f"{label}: caption「{caption[:16]}」 read as {got_captions}")
        boxes = [(r["page"], r["box"]) for r in article["regions"]]
        result.ious.append(iou(boxes, draft.regions))
        if result.ious[-1] < 0.9:
            result.misses.append(f"{label}: region IoU {result.ious[-1]:.2f}")
    result.misses += [f"extra draft「{d.title[:16]}」" for d in unused]
    return result


def scores(folder: Path) -> list[Score]:
    return [score_issue(name, folder) for name in ISSUES]


def refusals(folder: Path) -> list[tuple[str, int, str, bool]]:
    """(PDF, exit code, message, nothing written) of importing each PDF that must be refused
    into an empty content folder."""
    results = []
    for pdf in (make_unmapped(folder), make_scan(folder)):
        content = folder / f"content-{pdf.stem}"
        content.mkdir()
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = build_py(["import", str(pdf), "--content", str(content), "--publication", "daily"])
        results.append((pdf.name, code, err.getvalue().strip(), not any(content.iterdir())))
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = scores(Path(tmp))
        refused = refusals(Path(tmp))
    print("| issue | pages | articles (truth) | drafts | title F1 | roles | body chars | bylines | captions "
          "| region IoU median | lowest |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for s in results:
        print(f"| {s.issue} | {s.pages} | {s.truth} | {s.drafts} | {s.title_f1:.3f} | {s.roles:.3f} | {s.body:.4f} "
              f"| {s.bylines:.3f} | {s.caption_share:.3f} | {statistics.median(s.ious):.3f} | {min(s.ious):.3f} |")
    for name, code, message, empty in refused:
        print(f"| {name} | refused: exit {code}, {'nothing written' if empty else 'FILES WRITTEN'} "
              f"| {message.split('：', 1)[-1][:60]}… |")
    for s in results:
        for miss in s.misses:
            print(f"  {s.issue}: {miss}")


if __name__ == "__main__":
    main()
