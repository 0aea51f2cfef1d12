"""`build.py serve`: edit a file, and the open page changes by itself; a broken file shows a banner.
It answers only to its own address, and a path that is not the site's is a 400, never a traceback."""

from __future__ import annotations

import http.client
import re
import socket
from urllib.parse import urlsplit

import pytest

from conftest import TINY, edit, running_serve, write


@pytest.fixture
def server(tiny, tmp_path):
    out = tmp_path / "site"
    with running_serve(tiny, out) as (url, _):
        yield url, tiny, out


@pytest.mark.browser
def test_an_edit_reloads_the_open_page_and_an_error_shows_a_banner(server, page):
    url, content, out = server
    source = content / "daily/2022-06-28/01/01-lead.md"
    page.goto(url + "daily/2022/06/28/lead.html")
    assert page.locator("#story-title").inner_text() == "深化全国文明城市巩固工作"
    built = (out / "daily/2022/06/28/lead.html").read_bytes()
    assert b"__edition" not in built  # the reload script is added when served, never written

    edit(source, "title: 深化全国文明城市巩固工作", "title: 持续深化全国文明城市巩固工作")
    page.wait_for_function("document.querySelector('#story-title').textContent === '持续深化全国文明城市巩固工作'",
                           timeout=20000)

    edit(source, "title: 持续深化", "title: [持续深化")  # YAML that does not parse
    banner = page.locator("#edition-build-errors")
    banner.wait_for(timeout=20000)
    assert re.search(r"01-lead\.md:\d+: invalid YAML", banner.inner_text())
    assert page.locator("#story-title").inner_text() == "持续深化全国文明城市巩固工作"  # the last good page stays

    edit(source, "title: [持续深化", "title: 再次深化")
    page.wait_for_function("document.querySelector('#story-title').textContent.startsWith('再次深化')", timeout=20000)
    assert page.locator("#edition-build-errors").count() == 0


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """One ``serve`` of the tiny edition for the raw-HTTP tests: its port and its output so far."""
    root = tmp_path_factory.mktemp("serve")
    write(root / "content", TINY)
    with running_serve(root / "content", root / "site") as (url, log):
        yield urlsplit(url).port, log


def request(port: int, path: str, host: str | None = "127.0.0.1:{port}", *, extra: tuple = ()) -> int:
    """The status of a GET sent as given (http.client sends the path as it is)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for value in ([host.format(port=port)] if host is not None else []) + list(extra):
            connection.putheader("Host", value)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def no_traceback(log: list[str]) -> None:
    text = "".join(log)
    assert "Traceback" not in text and "Error" not in text, text


BAD_PATHS = ["/%00", "/index.html%00.html", "/daily/%00/", "/%zz", "/%4", "/search.html%", "/%ff.html",
             "/%e4%b8.html", "/%0a", "/../../../etc/passwd", "/daily/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
             "/daily/%2E%2E/..%2f..%2fetc/passwd", "*", "daily/2022/06/28/lead.html"]


def still_serving(port: int) -> None:
    """The site's own paths and queries, by each name of the address, as before."""
    for host in ("127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"):
        assert request(port, "/daily/2022/06/28/lead.html", host) == 200, host
    assert request(port, "/") == request(port, "/__edition/status") == 200
    assert request(port, "/daily/2022/06/../06/28/lead.html") == 200  # a .. that stays inside is a path
    assert request(port, "/search.html?q=%00%zz&from=2022-6-1") == 200  # the query is the page's to read
    assert request(port, "/%E4%B8%8D%E5%AD%98%E5%9C%A8.html") == 404  # a Chinese name that is not there


@pytest.mark.parametrize("path", BAD_PATHS)
def test_a_path_that_is_not_the_site_s_is_a_400_without_a_traceback(preview, path):
    port, log = preview
    assert request(port, path) == 400
    still_serving(port)
    no_traceback(log)


def test_a_raw_nul_or_control_character_in_the_request_line_is_a_400(preview):
    port, log = preview
    for raw in (b"/a\x00b.html", b"/a\x1bb.html"):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET " + raw + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % port)
            assert sock.recv(64).startswith(b"HTTP/1.0 400 "), raw
    no_traceback(log)


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1", "localhost", "127.0.0.1:1",
                                  "127.0.0.2:{port}", "localhost.:{port}", "0.0.0.0:{port}", "", None])
def test_any_other_host_is_refused_so_dns_rebinding_cannot_read_drafts(preview, host):
    port, log = preview
    assert request(port, "/daily/2022/06/28/lead.html", host) == 421
    assert request(port, "/__edition/status", host) == 421
    still_serving(port)
    no_traceback(log)


def test_two_host_headers_are_refused(preview):
    assert request(preview[0], "/", extra=("evil.example",)) == 421


@pytest.mark.parametrize("host, header, answers", [
    ("127.0.0.1", "127.0.0.1:8000", True), ("127.0.0.1", "[::1]:8000", True), ("127.0.0.1", "10.0.0.5:8000", False),
    ("127.0.0.1", "127.0.0.1:8001", False), ("127.0.0.1", "127.0.0.1", False),
    ("10.0.0.5", "10.0.0.5:8000", True), ("10.0.0.5", "10.0.0.6:8000", False),  # the --host given, by its address
    ("desk.lan", "DESK.lan:8000", True), ("desk.lan", "evil.example:8000", False),  # ... or by its name
    ("0.0.0.0", "192.168.1.20:8000", True), ("0.0.0.0", "[fe80::1]:8000", True),  # every address: any address
    ("0.0.0.0", "evil.example:8000", False), ("::", "rebound.example:8000", False),  # never a name of a page's
    ("::1", "[::1]:8000", True), ("::1", "[::1]", False),
])
def test_with_host_it_answers_to_that_address_and_never_to_another_name(host, header, answers):
    from edition.serve import allowed_host

    assert allowed_host(header, host, 8000) is answers


@pytest.mark.parametrize("host, url", [("127.0.0.1", "http://127.0.0.1:8000/"), ("0.0.0.0", "http://127.0.0.1:8000/"),
                                       ("::", "http://[::1]:8000/"), ("::1", "http://[::1]:8000/"),
                                       ("desk.lan", "http://desk.lan:8000/")])
def test_the_printed_url_is_one_a_browser_on_this_machine_can_open(host, url):
    from edition.serve import url as printed

    assert printed(host, 8000) == url
