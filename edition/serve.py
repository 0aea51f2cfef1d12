"""Live preview: ``python build.py serve`` builds, drafts included (``Options.drafts``, as a
preview shows them), serves the site on 127.0.0.1 (``--host`` for another address), and
rebuilds on every change to the content or the templates. It listens before the first build, so a
port that is taken (or any address it cannot bind) is one line and exit 2, and nothing is built;
``--port 0`` picks a free port and the printed URL has the one it got.

The site on disk stays exactly what ``build`` writes; the reload script is
added to HTML pages only as they are served. The server answers only requests
addressed to it by the name of the address it listens on (``127.0.0.1:PORT``,
``localhost:PORT``, ``[::1]:PORT``, the ``--host`` given, and when that is every address, 0.0.0.0
or ::, any IP address: never another name), so that a web page cannot reach the drafts by
rebinding a name of its own to 127.0.0.1 (421 otherwise), and only paths that
are the site's: percent-encoded UTF-8 without control characters, never above
the site's folder (400 otherwise). Open pages ask the server every
half second which build they show; when a newer build is ready they reload,
and when the latest build failed they show its ``path:line`` errors in a
banner while the last good site stays up.
"""

from __future__ import annotations

import errno
import functools
import http.server
import ipaddress
import json
import re
import socket
import socketserver
import sys
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import unquote_to_bytes

from .errors import ContentError, UsageError
from .scan import scan

STATUS = "/__edition/status"
SCRIPT = "/__edition/reload.js"
POLL_SECONDS = 0.5
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")  # how a browser on this machine may name the server
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

RELOAD_JS = """(function () {
  var shown = null;
  function banner(errors) {
    var box = document.getElementById("edition-build-errors");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "edition-build-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:9999;margin:0;padding:.6em 1em;" +
        "background:#b3261e;color:#fff;font:14px/1.5 monospace;white-space:pre-wrap;max-height:50vh;overflow:auto";
      document.body.appendChild(box);
    }
    box.textContent = "构建失败，仍显示上一次成功的版本：\\n" + errors.join("\\n");
  }
  function poll() {
    fetch("%(status)s", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (shown === null) shown = s.build;
      else if (s.build !== shown) { location.reload(); return; }
      banner(s.errors);
    }).catch(function () {}).then(function () { setTimeout(poll, %(ms)d); });
  }
  poll();
})();
""" % {"status": STATUS, "ms": int(POLL_SECONDS * 1000)}


class Preview:
    """Rebuilds on change and tells the open pages about it."""

    def __init__(self, args, build):
        from .pipeline import Resources

        self.args = args
        self.build = build
        self.resources = Resources()  # jieba stays loaded from one build to the next
        self.number = 0  # successful builds so far
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        started = time.perf_counter()
        try:
            code = self.build(self.args, self.resources)
        except ContentError as exc:
            errors = [str(p) for p in exc.problems]
            for line in errors:
                print(line, file=sys.stderr)
            print(f"build failed: {len(errors)} problem(s); still serving the last good site", file=sys.stderr)
        except Exception:  # a bug, not bad content: show it and keep the last good site up
            text = traceback.format_exc()
            print(text, file=sys.stderr)
            errors = [text.strip().splitlines()[-1]]
        else:
            errors = [] if code == 0 else [f"build exited with code {code}"]
            if code == 0:
                print(f"rebuilt in {time.perf_counter() - started:.2f} s", flush=True)
        with self.lock:
            if not errors:
                self.number += 1
            self.errors = errors

    def status(self) -> bytes:
        with self.lock:
            return json.dumps({"build": self.number, "errors": self.errors}, ensure_ascii=False).encode("utf-8")


def snapshot(folders: list[Path]) -> list[dict]:
    """The build's own content scan of each folder, without reading files: sizes and modification
    times are only a cheap trigger; the build itself decides what changed by content digests."""
    return [scan(str(folder), hash_files=False).files for folder in folders]


def site_path(target: str) -> str | None:
    """The path of a request target, percent-decoded, or None if it is no path of a site: not
    absolute, broken percent-encoding, not UTF-8, a control character (NUL), or ``..`` above the root."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or _BAD_PERCENT.search(path):
        return None
    try:
        decoded = unquote_to_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(decoded):
        return None
    depth = 0
    for part in decoded.split("/"):
        depth += -1 if part == ".." else 0 if part in ("", ".") else 1
        if depth < 0:
            return None
    return decoded


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse lookup of the address, which can wait on DNS."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address) -> None:
        """One line, not a traceback; a browser that went away is no error at all."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            print(f"serve: a request failed: {type(error).__name__}: {error}", file=sys.stderr)


def _literal(name: str):
    """The IP address a host name is written as (``[::1]`` bracketed or not), or None."""
    try:
        return ipaddress.ip_address(name[1:-1] if name.startswith("[") and name.endswith("]") else name)
    except ValueError:
        return None


def allowed_host(header: str, host: str, port: int) -> bool:
    """Whether a Host header names this server: a loopback name or the --host it listens on, with
    its port (or none, on port 80); when it listens on every address (0.0.0.0, ::), any IP address
    written as such. Never some other name, which a page could have pointed at this machine."""
    header = header.strip().lower()
    if header.endswith("]") or ":" not in header:
        name, given = header, "80"  # browsers leave the default port out
    else:
        name, _, given = header.rpartition(":")
    if given != str(port):
        return False
    listening = _literal(host)
    if name in LOOPBACK_NAMES or name == host.lower() or (listening and _literal(name) == listening):
        return True
    return bool(listening and listening.is_unspecified and _literal(name))


def url(host: str, port: int) -> str:
    """The address to open: the loopback one when listening on every address."""
    address = _literal(host)
    if address and address.is_unspecified:
        host = "127.0.0.1" if address.version == 4 else "::1"
        address = _literal(host)
    return f"http://[{host}]:{port}/" if address and address.version == 6 else f"http://{host}:{port}/"


def listen(host: str, port: int, handler) -> _Server:
    """The server bound to host:port, or a UsageError that says in one line why it cannot be."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if not host.strip():
        raise UsageError("--host is empty; pass --host 127.0.0.1 (this machine only) or 0.0.0.0 (every address)")
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"cannot listen on {where}: no such address ({getattr(exc, 'strerror', None) or exc}); "
                         "pass --host 127.0.0.1 or another address of this machine") from None
    server_class = type("Server", (_Server,), {"address_family": family})
    try:
        return server_class((host, port), handler)
    except OSError as exc:
        why = {errno.EADDRINUSE: "address already in use; another program (another `build.py serve`?) "
                                 "listens there: stop it, or pass --port N (--port 0 picks a free one)",
               errno.EACCES: "permission denied; ports below 1024 need root: pass --port N above 1023, "
                             "or --port 0 to pick a free one",
               errno.EADDRNOTAVAIL: "no such address on this machine; pass --host 127.0.0.1 or one of its "
                                    "addresses"}.get(exc.errno, (exc.strerror or str(exc)).lower())
        raise UsageError(f"cannot listen on {where}: {why}") from None


def _handler(out: Path, preview: Preview, host: str):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # the terminal is for build messages
            pass

        def parse_request(self) -> bool:
            """Every method: a request for another host is misdirected, a path not the site's is bad."""
            if not super().parse_request():
                return False
            port = self.server.server_address[1]
            hosts = self.headers.get_all("Host") or []
            if len(hosts) != 1 or not allowed_host(hosts[0], host, port):
                self.send_error(421, "Misdirected Request", f"this preview answers only to {url(host, port)}")
                return False
            if site_path(self.path) is None:
                self.send_error(400, "Bad Request", "not a path of the site")
                return False
            return True

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path.split("?", 1)[0]
            if path == STATUS:
                return self._send(preview.status(), "application/json; charset=utf-8")
            if path == SCRIPT:
                return self._send(RELOAD_JS.encode("utf-8"), "text/javascript; charset=utf-8")
            if path.endswith(".html") or path.endswith("/"):
                target = Path(self.translate_path(path))
                if target.is_dir():
                    target = target / "index.html"
                if target.is_file():
                    html = target.read_bytes()
                    tag = f'<script src="{SCRIPT}"></script>'.encode()
                    html = html.replace(b"</body>", tag + b"</body>", 1) if b"</body>" in html else html + tag
                    return self._send(html, "text/html; charset=utf-8")
            return super().do_GET()

        def _send(self, data: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return functools.partial(Handler, directory=str(out))


def serve(args, build) -> int:
    preview = Preview(args, build)
    # bound before the first build: a port that is taken is said at once, and nothing is built
    server = listen(args.host, args.port, _handler(args.out, preview, args.host))
    try:
        watched = [args.content, args.templates]
        before = snapshot(watched)  # taken first: an edit made while the first build runs is seen
        preview.rebuild()
    except BaseException:
        server.server_close()
        raise
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = _literal(args.host)
    if not (address.is_loopback if address else args.host.lower() == "localhost"):
        print(f"note: listening on {args.host}, not only this machine: anyone who can reach it sees the drafts",
              flush=True)
    print(f"serving {args.out} at {url(args.host, server.server_address[1])} — drafts shown; watching "
          f"{args.content} and {args.templates}; Ctrl-C stops", flush=True)
    try:
        while True:
            time.sleep(POLL_SECONDS)
            now = snapshot(watched)
            if now != before:
                time.sleep(0.1)  # let an editor finish writing its files
                before = snapshot(watched)
                preview.rebuild()
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        server.shutdown()
        server.server_close()
    return 0
