"""`check --site` on a built site: malformed XML and HTML, and paths that break on other disks.

The broken files are written into a built site, as an older version or a hand edit
could leave them; the check reads only the built files.
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata

from conftest import ROOT
from edition.sitecheck import check_site


def run_check(site):
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--site", "--out", str(site)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout, done.stderr


def test_malformed_xml_and_characters_html_forbids_are_reported_with_their_line(tiny_site):
    feed = tiny_site / "daily/feed.xml"
    lines = feed.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "<title>" in line)
    lines[at] = lines[at].replace("<title>", "<title>\x0c", 1)  # a form feed, as content could carry it
    feed.write_text("".join(lines))
    sitemap = tiny_site / "sitemap.xml"
    sitemap.write_bytes(sitemap.read_bytes()[:-20])  # cut short
    svg = tiny_site / "assets/favicon.svg"
    svg.write_text(svg.read_text().replace("<svg", "<svg data-x='a & b'", 1))
    lead = tiny_site / "daily/2022/06/28/lead.html"
    text = lead.read_text().split("\n")
    body = next(i for i, line in enumerate(text) if "仲旭东深入" in line)
    text[body] = text[body].replace("仲旭东", "仲\x1b[31m旭东\b", 1)
    lead.write_text("\n".join(text))
    second = tiny_site / "daily/2022/06/28/second.html"
    text2 = second.read_text().split("\n")
    title = next(i for i, line in enumerate(text2) if "<h1" in line)
    text2[title] = text2[title].replace("平湖", "平&#xD800;湖&#1;", 1)
    second.write_text("\n".join(text2))
    weather = tiny_site / "daily/2022/06/28/weather.html"
    weather.write_text(weather.read_text().replace("</main>", '<a href="#s&#65535;" title="&#x110000;">x</a></main>'))
    # references HTML allows, and text in scripts, which holds no references, are no problem
    third = tiny_site / "daily/2022/06/28/stable-id.html"
    third.write_text(third.read_text().replace(
        "</main>", '<p title="&#x4E2D;&#10;">&#x1F600;&#9;&#x3c;&#0000065;</p>'
                   '<script type="application/ld+json">{"a": "&#1;\\u0001"}</script></main>'))

    code, out, err = run_check(tiny_site)
    assert code == 1, (out, err)
    assert f"{tiny_site}/daily/feed.xml:{at + 1}: malformed XML: not well-formed (invalid token)" in err
    assert f"{tiny_site}/sitemap.xml:" in err and "malformed XML: " in err.split("sitemap.xml:")[1].split("\n")[0]
    assert f"{tiny_site}/assets/favicon.svg:1: malformed XML: not well-formed (invalid token)" in err
    assert (f"{tiny_site}/daily/2022/06/28/lead.html:{body + 1}: character U+001B is not allowed in HTML "
            "(2 in the page)") in err
    assert (f"{tiny_site}/daily/2022/06/28/second.html:{title + 1}: character reference &#xD800; "
            "is not allowed in HTML (2 in the page)") in err
    assert "weather.html" in err and "character reference &#65535; is not allowed in HTML (2 in the page)" in err
    assert "stable-id.html" not in err and "6 problem(s)" in out


def test_a_page_that_is_not_utf8_is_reported_even_when_no_page_links_it(tiny_site):
    (tiny_site / "stray.html").write_bytes("<html lang=zh-CN>\n<p>第二版</p>\n".encode("gbk"))
    problems = check_site(tiny_site)
    assert "stray.html:2: not valid UTF-8" in problems and "stray.html: orphan, no page links to it" in problems


def test_paths_that_collide_name_devices_or_are_too_long_are_reported(tiny_site):
    daily = tiny_site / "daily/2022/06/28"
    (daily / "Page.pdf").write_bytes(b"%PDF")
    (daily / "page.pdf").write_bytes(b"%PDF")
    nfc, nfd = "café.jpg", unicodedata.normalize("NFD", "café.jpg")
    (daily / nfc).write_bytes(b"\xff\xd8")
    (daily / nfd).write_bytes(b"\xff\xd8")
    (tiny_site / "Daily").mkdir()
    (tiny_site / "Daily/other.html").write_text("<html lang=zh-CN></html>")
    (tiny_site / "authors/con").mkdir()
    (tiny_site / "authors/con/index.html").write_text("<html lang=zh-CN></html>")
    (tiny_site / "assets/Aux.tar.gz").write_bytes(b"x")
    (tiny_site / "assets/lpt1").write_bytes(b"x")
    deep = tiny_site / ("a" * 60) / ("b" * 60) / ("c" * 60)
    deep.mkdir(parents=True)
    (deep / ("d" * 70 + ".pdf")).write_bytes(b"%PDF")  # 257 characters from the site root
    (deep / "e.pdf").write_bytes(b"%PDF")  # 188: fine
    (deep / ("f" * 20 + ".pdf")).write_bytes(b"%PDF")  # 207: a warning
    (tiny_site / ".notes.pdf").write_bytes(b"%PDF")  # a dot file is a file of the site like any other
    for name in ("console.css", "auxiliary.html", "com10.pdf", "nul-report.pdf", "lpt.pdf"):  # no devices
        (tiny_site / "assets" / name).write_bytes(b"x")

    warnings: list[str] = []
    problems = check_site(tiny_site, warnings)
    where = "daily/2022/06/28"
    assert any(p.startswith(f"{where}/Page.pdf: {where}/Page.pdf and {where}/page.pdf differ only in case")
               for p in problems), problems
    assert any("differ only in Unicode normalisation (NFC/NFD)" in p and nfd in p and nfc in p for p in problems)
    assert any(p.startswith("Daily: Daily and daily differ only in case") for p in problems)
    assert not any(p.startswith("Daily/") and "differ" in p for p in problems)  # reported once, at the folder
    assert "authors/con: `con` is a device name on Windows, which cannot open it" in problems
    assert any(p.startswith("assets/Aux.tar.gz: `Aux.tar.gz` is a device name") for p in problems)
    assert any(p.startswith("assets/lpt1: `lpt1` is a device name") for p in problems)
    long = f"{'a' * 60}/{'b' * 60}/{'c' * 60}/{'d' * 70}.pdf"
    assert f"{long}: path is 257 characters long; Windows and many unzip tools fail at 240 or more" in problems
    assert warnings == [f"{'a' * 60}/{'b' * 60}/{'c' * 60}/{'f' * 20}.pdf: warning: path is 207 characters "
                        "long; keep it under 200 (error at 240)"]
    assert ".notes.pdf: orphan, no page links to it" in problems
    assert not [p for p in problems if p.startswith("assets/") and not p.startswith(("assets/Aux", "assets/lpt1"))
                and not p.endswith("orphan, no page links to it")]
    code, out, err = run_check(tiny_site)
    assert code == 1 and f"{tiny_site}/authors/con: `con` is a device name" in err
    assert f"{tiny_site}/{long}: path is 257 characters long" in err

