"""The command line: one sub-command each with its own ``--help`` and options, ``build`` when the
arguments start with an option, an option of another command a usage error (exit 2) that names it,
``--drafts`` reaching the build, and ``serve`` saying in one line that its port is taken."""

from __future__ import annotations

import errno
import http.client
import re
import socket
import socketserver
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, TINY, article, running_serve, write
from edition import pipeline
from edition.cli import main

DRAFT_PAGE = "daily/2022/06/28/unreviewed.html"
WITH_DRAFT = {**TINY, "daily/2022-06-28/01/03-unreviewed.md": article("未经审核的草稿", draft="true")}


def run_main(capsys, *args) -> tuple[int, str, str]:
    """``main`` as the shell would run it: a usage error is argparse's SystemExit, here its code."""
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def stop():
    raise KeyboardInterrupt  # ends any command right there: exit 130


def options_of(help_text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", help_text))


HELP = {  # command: (options its --help must list, options of other commands it must not)
    "build": ({"--content", "--out", "--base-url", "--strict", "--clean", "--jobs", "--drafts", "--quiet",
               "--verbose"}, {"--port", "--host", "--zip", "--site", "--publication", "--force"}),
    "check": ({"--content", "--out", "--base-url", "--strict", "--site", "--quiet"},
              {"--port", "--host", "--zip", "--clean", "--jobs", "--drafts", "--publication"}),
    "import": ({"--content", "--publication", "--date", "--page", "--page-name", "--force", "--quiet"},
               {"--out", "--port", "--host", "--zip", "--clean", "--jobs", "--drafts", "--site", "--base-url"}),
    "serve": ({"--content", "--out", "--port", "--host", "--clean", "--jobs", "--strict"},
              {"--zip", "--site", "--drafts", "--publication"}),
    "bundle": ({"--content", "--out", "--zip", "--drafts", "--clean", "--jobs"},
               {"--port", "--host", "--site", "--publication"}),
}


@pytest.mark.parametrize("command", HELP)
def test_each_command_s_help_lists_its_own_options_only(command, capsys):
    code, out, _ = run_main(capsys, command, "--help")
    assert code == 0
    assert out.startswith(f"usage: build.py {command} ")
    listed = options_of(out)
    wanted, foreign = HELP[command]
    assert wanted <= listed, wanted - listed
    assert not listed & foreign, listed & foreign
    if command == "serve":
        assert "drafts included" in out and "127.0.0.1" in out  # what it shows, and where
    if command == "import":
        assert "RAW.txt" in out


def test_the_top_level_help_lists_the_commands_not_their_options(capsys):
    code, out, _ = run_main(capsys, "--help")
    assert code == 0
    for command in HELP:
        assert re.search(rf"^\s+{command}\s+\S", out, re.M), (command, out)  # each with a line of its own
    assert not options_of(out) - {"--help"}, out


@pytest.mark.parametrize("args, option, taker", [
    (["build", "--port", "9000"], "--port", "serve"),
    (["build", "--zip", "x.zip"], "--zip", "bundle"),
    (["--port", "9000"], "--port", "serve"),  # the default command, too
    (["check", "--zip", "x.zip"], "--zip", "bundle"),
    (["check", "--drafts"], "--drafts", "build"),
    (["serve", "--site"], "--site", "check"),
    (["import", "page.txt", "--publication", "daily", "--out", "elsewhere"], "--out", "build"),
])
def test_an_option_the_command_does_not_take_is_a_usage_error_that_names_it(args, option, taker, tiny, tmp_path,
                                                                               capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    built = []
    monkeypatch.setattr(pipeline, "build", lambda *a: built.append(a) or stop())  # serve would run on and on
    command = args[0] if not args[0].startswith("-") else "build"
    code, out, err = run_main(capsys, *args, "--content", tiny, "-q")
    assert code == 2, (out, err)
    line = err.strip().splitlines()[-1]
    assert line.startswith(f"build.py {command}: error: unrecognized arguments: {option}"), err
    assert f"{option} is an option of {taker}" in line, err
    assert not built and sorted(p.name for p in tmp_path.iterdir()) == ["content"]  # nothing built or written


def test_a_command_after_the_options_is_a_usage_error_that_says_the_command_comes_first(tiny, capsys, monkeypatch):
    monkeypatch.setattr(pipeline, "build", lambda *a: stop())
    code, _, err = run_main(capsys, "--content", tiny, "-q", "check")
    assert code == 2 and err.strip().splitlines()[-1] == (
        "build.py build: error: unrecognized arguments: check (the command comes first: build.py check [options])"), err


def test_python_build_py_with_options_only_builds(tiny, tmp_path):
    out = tmp_path / "elsewhere"
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", str(tiny), "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert re.match(rf"built 3 issues, .*files written to {re.escape(str(out))} in ", done.stdout), done.stdout
    assert (out / "index.html").is_file() and (out / "daily/2022/06/28/lead.html").is_file()
    assert not (tmp_path / "site").exists()


@pytest.fixture(scope="module")
def drafted(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("cli") / "content"
    write(content, WITH_DRAFT)
    return content


@pytest.mark.parametrize("drafts", [False, True])
def test_build_drafts_builds_the_draft_and_without_it_the_draft_is_left_out(drafted, drafts, tmp_path, capsys):
    out = tmp_path / "site"
    code, _, err = run_main(capsys, "build", "--content", drafted, "--out", out, "-q", *(["--drafts"] * drafts))
    assert code == 0, err
    assert (out / "daily/2022/06/28/lead.html").is_file()
    assert (out / DRAFT_PAGE).is_file() == drafts
    if drafts:
        assert "未经审核的草稿" in (out / DRAFT_PAGE).read_text(encoding="utf-8")


def test_bundle_drafts_zips_the_draft(drafted, tmp_path, capsys):
    target = tmp_path / "edition.zip"
    code, _, err = run_main(capsys, "bundle", "--content", drafted, "--out", tmp_path / "site", "--zip", target,
                            "--drafts", "-q")
    assert code == 0, err
    with zipfile.ZipFile(target) as archive:
        assert any(name.endswith(DRAFT_PAGE) for name in archive.namelist())


@pytest.mark.parametrize("args, drafts", [
    (["build"], False), (["build", "--drafts"], True), (["--drafts"], True),
    (["bundle"], False), (["bundle", "--drafts"], True),
    (["serve", "--port", "0"], True),  # a preview always shows the drafts
])
def test_drafts_reach_the_build_s_options(args, drafts, tiny, tmp_path, capsys, monkeypatch):
    seen = []

    def spy(options, resources=None):
        seen.append(getattr(options, "drafts", None))
        stop()

    monkeypatch.setattr(pipeline, "build", spy)
    code, _, err = run_main(capsys, *args, "--content", tiny, "--out", tmp_path / "site", "-q")
    assert (code, seen) == (130, [drafts]), err


def test_serve_on_a_port_in_use_says_so_in_one_line_and_builds_nothing(tiny, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port),
                               "--content", str(tiny), "--out", str(tmp_path / "site")],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"build.py serve: error: cannot listen on 127.0.0.1:{port}: address already in use; ")
    assert "--port" in lines[0]  # what to do instead
    assert not (tmp_path / "site").exists() and done.stdout == ""


def test_serve_without_permission_to_listen_says_so_in_one_line(tiny, tmp_path, capsys, monkeypatch):
    def refused(server):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(socketserver.TCPServer, "server_bind", refused)
    code, out, err = run_main(capsys, "serve", "--port", "80", "--content", tiny, "--out", tmp_path / "site")
    assert code == 2, (out, err)
    assert err.splitlines() == [err.strip()] and err.startswith(
        "build.py serve: error: cannot listen on 127.0.0.1:80: permission denied; "), err
    assert not (tmp_path / "site").exists()


def get(port: int, path: str, host: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


def test_serve_host_and_port_0_print_the_address_it_really_listens_on_and_show_drafts(drafted, tmp_path):
    with running_serve(drafted, tmp_path / "site", "--host", "127.0.0.1") as (url, log):  # with --port 0
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/", url)
        assert match, url
        port = int(match.group(1))
        assert port != 0
        assert get(port, "/", f"127.0.0.1:{port}") == 200
        assert get(port, "/" + DRAFT_PAGE, f"localhost:{port}") == 200  # the preview shows the draft
        assert get(port, "/", f"evil.example:{port}") == 421
    assert "Traceback" not in "".join(log)
