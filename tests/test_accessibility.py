"""axe-core, run in chromium on every page type of the sample: no serious or critical violations."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules/axe-core/axe.min.js"
PAGES = {
    "home": "index.html",
    "issue": "pinghu-daily/2022/06/28/index.html",
    "版面 with facsimile": "pinghu-daily/2022/06/28/01/index.html",
    "article": "pinghu-daily/2022/06/28/wenming-chengshi-ducha.html",
    "journal article": "lilun-journal/2023/01/01/sheqing-minyi.html",
    "journal 目录": "lilun-journal/2023/01/01/index.html",
    "date index (year)": "pinghu-daily/2022/index.html",
    "date index (month)": "pinghu-daily/2022/06/index.html",
    "往期回顾": "archive/index.html",
    "section index": "pinghu-daily/sections/yaowen/index.html",
    "column index": "pinghu-daily/columns/index.html",
    "author index": "authors/index.html",
    "corrections": "corrections/index.html",
    "search with results": "search.html?q=仲旭东",
    "版面 with an inferred date": "pinghu-daily/2022/10/31/01/index.html",
    "404": "404.html",
}


def serious(page) -> list[dict]:
    assert page.failed == [] and page.errors == []
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    # axe re-reads the stylesheets with XHR, which file:// refuses (a failed request and a console
    # error); the page itself loaded cleanly, as checked above
    page.failed.clear()
    page.errors[:] = [e for e in page.errors if not e.startswith("console:")]
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_accessibility_violations(page, sample_site, name):
    page.goto(f"{sample_site.as_uri()}/{PAGES[name]}")
    if name == "search with results":
        page.wait_for_selector("#search-results li")
        page.wait_for_selector("body[data-search-done=true]")
    found = serious(page)
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
