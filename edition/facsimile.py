"""A drawn stand-in for a page scan (版面图), made from the page's own metadata.

The seed pages came without their scans, so the sample edition ships a page
image the project draws itself: the masthead, then every article's box from
`regions` in issue.yml with its title, and grey lines for its text. Readers
see where each article sat, and the 版面 page's hotspots have something to
sit on. Real scans (JPEG, PNG, SVG) replace it by changing `image:`.

    python -m edition.facsimile content/pinghu-daily/2022-06-28 1
"""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

from . import facts
from .load import load_site
from .model import Page

WIDTH, HEIGHT = 1000, 1414  # A-series proportions, as newsprint broadsheets roughly are
FONT = "'Noto Serif CJK SC','Source Han Serif SC','Songti SC',serif"


def _wrap(text: str, per_line: int) -> list[str]:
    return [text[i:i + per_line] for i in range(0, len(text), per_line)] or [""]


def page_svg(page: Page) -> str:
    issue, pub = page.issue, page.issue.publication
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(page.label)} 版面示意图">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fbf8f1"/>',
           f'<text x="40" y="110" font-family="{FONT}" font-size="92" font-weight="700" fill="#a40000">'
           f'{escape(pub.name)}</text>',
           f'<text x="{WIDTH - 40}" y="70" text-anchor="end" font-family="{FONT}" font-size="26" fill="#333">'
           f'{facts.cn_date(issue.date)} {issue.weekday}</text>',
           f'<text x="{WIDTH - 40}" y="110" text-anchor="end" font-family="{FONT}" font-size="26" fill="#333">'
           f'{escape(page.label)} {escape(issue.number_label)}</text>',
           f'<line x1="40" y1="140" x2="{WIDTH - 40}" y2="140" stroke="#a40000" stroke-width="4"/>']
    for region in page.regions:
        x, y = region.x * WIDTH / 100, region.y * HEIGHT / 100
        w, h = region.w * WIDTH / 100, region.h * HEIGHT / 100
        pad = 14
        size = 30 if region is page.regions[0] else 22
        per_line = max(4, int((w - 2 * pad) // size))
        title = _wrap(region.article.title, per_line)[:3]
        out.append(f'<g><rect x="{x + 4:.1f}" y="{y + 4:.1f}" width="{w - 8:.1f}" height="{h - 8:.1f}" '
                   f'fill="#fff" stroke="#c9c2b3" stroke-width="1.5"/>')
        line_y = y + pad + size + 4
        for text in title:
            out.append(f'<text x="{x + pad:.1f}" y="{line_y:.1f}" font-family="{FONT}" font-size="{size}" '
                       f'font-weight="700" fill="#111">{escape(text)}</text>')
            line_y += size * 1.3
        line_y += 8
        while line_y < y + h - pad - 6:
            out.append(f'<rect x="{x + pad:.1f}" y="{line_y:.1f}" width="{w - 2 * pad:.1f}" height="6" fill="#ddd8cc"/>')
            line_y += 16
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit():
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    folder, number = Path(argv[0]).resolve(), int(argv[1])
    content = next(p for p in folder.parents if (p / "site.yml").is_file())
    issue = next(i for i in load_site(content).issues if Path(i.source).resolve() == folder)
    page = next(p for p in issue.pages if p.number == number)
    target = folder / f"{number:02d}.svg"
    target.write_text(page_svg(page), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
