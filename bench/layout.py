"""What a reader sees of the sample edition, in numbers: builds content/ into a temporary
folder and measures, in Debian chromium at 390×844 (phone) and 1366×900 (desktop), the
header's height, where the first search result lands, the year page's length and the 版面
view's columns. Prints one table. Run from the repository root: ``python bench/layout.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAGE = "pinghu-daily/2022/06/28/01/index.html"


def measure(site: Path) -> list[tuple[str, str, str]]:
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        for name in ("index.html", PAGE, "search.html"):
            phone.goto((site / name).as_uri())
            height = phone.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
            rows.append(("390×844", f"header height, {name}", f"{height:.0f} px"))
        phone.goto((site / "search.html").as_uri() + "?q=平湖")
        phone.locator(".result").first.wait_for()
        top = phone.evaluate("document.querySelector('.result').getBoundingClientRect().top")
        rows.append(("390×844", "first result for 平湖, top", f"{top:.0f} px"))
        rows.append(("390×844", "visible search boxes on search.html",
                     str(phone.locator("input[type=search]:visible").count())))
        phone.goto((site / "pinghu-daily/2022/index.html").as_uri())
        rows.append(("390×844", "2022 year page, height", f"{phone.evaluate('document.documentElement.scrollHeight')} px"))
        phone.goto((site / PAGE).as_uri())
        image, side = phone.locator(".facsimile img").bounding_box(), phone.locator(".page-side").bounding_box()
        rows.append(("390×844", "版面: image width; lists start below it",
                     f"{image['width']:.0f} px; {side['y'] >= image['y'] + image['height']}"))
        desk = browser.new_page(viewport={"width": 1366, "height": 900})
        desk.goto((site / PAGE).as_uri())
        image, side = desk.locator(".facsimile img").bounding_box(), desk.locator(".page-side").bounding_box()
        rows.append(("1366×900", "版面: image x, width; lists x; tops apart",
                     f"{image['x']:.0f}, {image['width']:.0f} px; {side['x']:.0f} px; {abs(side['y'] - image['y']):.0f} px"))
        browser.close()
    return rows


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(ROOT / "content"), "--out", str(site),
                        "-q"], check=True)
        rows = measure(site)
    print("| viewport | what | measured |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
