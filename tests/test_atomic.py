"""A build killed at any moment leaves the old site or the new one, never a mix, and the next
build recovers by itself; builds of one site never run at once, even beside ``serve``."""

from __future__ import annotations

import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, article, edit, running_serve, snapshot, write
from edition.pipeline import state_path
from edition.state import BuildLock

KILLS = 20
LEAD = "daily/2022-06-28/01/01-lead.md"
ADDED = "daily/2022-06-28/02/03-added.md"
REMOVED = "daily/2022-06-28/02/02-weather.md"


def set_version(content: Path, version: str) -> None:
    """Two editions of the same content: B retitles the lead, adds one article and drops another,
    so going from one to the other writes, keeps and deletes files."""
    lead = content / LEAD
    text = lead.read_text(encoding="utf-8")
    titles = {"A": "title: 深化全国文明城市巩固工作", "B": "title: 持续深化全国文明城市巩固工作"}
    for title in titles.values():
        text = text.replace(title, titles[version])
    lead.write_text(text, encoding="utf-8")
    if version == "B":
        (content / ADDED).write_text(article("新增的稿件", "本报讯 新增的正文。"), encoding="utf-8")
        (content / REMOVED).rename(content / "weather.bak")
    else:
        (content / ADDED).unlink(missing_ok=True)
        if (content / "weather.bak").exists():
            (content / "weather.bak").rename(content / REMOVED)


def command(content: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out", str(out), "-q", *extra]


def killed_at(where: str, content: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """A build SIGKILLed just before the change `where` names (see tests/kill_at.py)."""
    return subprocess.run([sys.executable, str(ROOT / "tests/kill_at.py"), where, "--content", str(content),
                           "--out", str(out), "-q", *extra], capture_output=True, text=True)


def test_a_build_killed_at_random_moments_leaves_the_old_or_the_new_site(tiny, tmp_path, build):
    content = tmp_path / "content"
    out = tmp_path / "out" / "site"
    expected = {}
    for version in ("B", "A"):
        set_version(content, version)
        assert build("--content", content, "--out", tmp_path / f"expected-{version}", "-q", "--clean")[0] == 0
        expected[version] = snapshot(tmp_path / f"expected-{version}")
    subprocess.run(command(content, out), check=True)
    # count the changes each kind of build makes: incremental from A to B (twice, so that the
    # second starts from a spare) and full back to A
    plans = {}
    for version, extra in (("B", ()), ("A", ()), ("B", ()), ("A", ("--clean",))):
        set_version(content, version)
        run = killed_at("0", content, out, *extra)
        assert run.returncode == 0 and snapshot(out) == expected[version], run.stderr
        ops = [line.split() for line in run.stderr.splitlines() if line.startswith("op ")]
        sql = int(next(line.split()[1] for line in run.stderr.splitlines() if line.startswith("sql ")))
        plans[extra] = (len(ops), sum(op[2] == "live" for op in ops), sql)

    rng = random.Random(7)
    seen = {"old": 0, "new": 0}
    current = "A"
    attempts = 0
    while sum(seen.values()) < KILLS:
        attempts += 1
        assert attempts <= 2 * KILLS, f"too few builds were killed: {seen}"
        new = "B" if current == "A" else "A"
        set_version(content, new)
        extra = ("--clean",) if attempts % 4 == 0 else ()
        total, live, sql = plans[extra]
        # kills at any change, at the changes to the live site, the spare or the state, and inside
        # SQLite's reads and transactions; a build whose changes this time are fewer may finish
        where = (f"any:{rng.randint(1, total)}", f"live:{rng.randint(1, live)}",
                 f"sql:{rng.randint(1, max(sql, 1))}")[attempts % 3]
        run = killed_at(where, content, out, *extra)
        assert run.returncode in (0, -signal.SIGKILL), run.stderr[-2000:]
        now = snapshot(out)
        assert now in (expected[current], expected[new]), f"a kill at {where} ({extra}) left a mixed site"
        if run.returncode:
            seen["old" if now == expected[current] else "new"] += 1
        else:
            assert now == expected[new]

        code, _, err = build("--content", content, "--out", out, "-q")  # the next build, not killed
        assert code == 0, err
        assert snapshot(out) == expected[new], f"the build after a kill at {where} did not recover"
        assert not list(out.parent.glob(".site.building-*")), "a killed build's temporary folder was left behind"
        current = new
    assert seen["old"] and seen["new"], f"the kills did not fall both before and after the swap: {seen}"
    code, summary, _ = build("--content", content, "--out", out)
    assert code == 0 and "nothing changed" in summary, "the build cache did not recover"
    assert not list((out.parent / ".edition-cache").glob("*.tmp")), "half-written state files were left behind"


def test_a_kill_on_either_side_of_the_swap_keeps_the_incremental_cache(tiny, tmp_path, build):
    """Killed just before the new site goes live, the old state matches the site; killed just
    after, the state and the pending change saved before the swap do. Either way the next build
    is incremental, not a full one."""
    content = tmp_path / "content"
    out = tmp_path / "site"
    set_version(content, "A")
    assert build("--content", content, "--out", out, "-q")[0] == 0
    site_a = snapshot(out)
    set_version(content, "B")
    assert build("--content", content, "--out", out, "-q")[0] == 0
    site_b = snapshot(out)

    set_version(content, "A")
    run = killed_at("after:exchange", content, out)  # site A is live, the state still B's
    assert run.returncode == -signal.SIGKILL and snapshot(out) == site_a
    assert (tmp_path / ".edition-cache/site.state.pending").is_file()
    code, summary, err = build("--content", content, "--out", out)
    assert code == 0, err
    assert re.search(r": nothing changed", summary), summary  # the pending change was applied

    set_version(content, "B")
    run = killed_at("at:exchange", content, out)  # just before the swap: site A, state A
    assert run.returncode == -signal.SIGKILL and snapshot(out) == site_a
    code, summary, err = build("--content", content, "--out", out)
    assert code == 0, err
    assert re.search(r"files written .*\(\d+ unchanged, 1 removed\)", summary), summary
    assert snapshot(out) == site_b


def test_a_corrupt_foreign_or_older_state_means_a_full_build_that_says_why(tiny, tmp_path, build):
    import sqlite3

    out = tmp_path / "site"
    state = tmp_path / ".edition-cache" / "site.state"
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    clean = snapshot(out)
    damages = {
        "unreadable": lambda: state.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000),
        "another site": lambda: shutil.copyfile(tmp_path / ".edition-cache" / "other.state", state),
        "another version": lambda: sqlite3.connect(state, isolation_level=None).execute(
            "UPDATE meta SET value = '0/py3.8' WHERE name = 'version'").connection.close(),
    }
    assert build("--content", tiny, "--out", tmp_path / "other", "-q")[0] == 0
    for name, damage in damages.items():
        damage()
        edit(tiny / "daily/2022-06-28/01/02-second.md", "正文", f"正文（{name}）")
        code, summary, err = build("--content", tiny, "--out", out)
        assert code == 0, err
        assert "unchanged" not in summary, f"{name}: the build trusted a state it cannot use"
        assert "note: " in err and "building everything" in err, err
        assert {"unreadable": "unreadable", "another site": "another output folder",
                "another version": "another version"}[name] in err, err
        edit(tiny / "daily/2022-06-28/01/02-second.md", f"正文（{name}）", "正文")
        code, summary, err = build("--content", tiny, "--out", out)
        assert code == 0 and "unchanged" in summary and "note:" not in err, (name, summary, err)
        assert snapshot(out) == clean


def test_a_second_build_waits_for_the_one_writing_the_site(tiny, build, tmp_path):
    out = tmp_path / "site"
    assert build("--content", tiny, "--out", out, "-q")[0] == 0
    edit(tiny / "daily/2022-06-28/01/02-second.md", "正文", "正文（改）")
    with BuildLock(tmp_path / ".edition-cache" / "site.state"):  # as if another build were running
        waiting = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--content", str(tiny), "--out", str(out)],
                                   stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        said = waiting.stderr.readline()
        time.sleep(8)  # several times as long as the build itself takes
        assert waiting.poll() is None, "the second build did not wait"
        assert "（改）" not in (out / "daily/2022/06/28/second.html").read_text(encoding="utf-8")
    _, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0 and "waiting for the build already writing this site" in said, said + err
    assert "（改）" in (out / "daily/2022/06/28/second.html").read_text(encoding="utf-8")


def test_serve_and_a_manual_build_take_turns(tiny, tmp_path, build):
    """``serve`` rebuilds on every edit while the desk also runs ``build.py``: the builds wait
    for each other, and the site ends up exactly what a clean build of the content gives."""
    content = tmp_path / "content"
    out = tmp_path / "site"
    with running_serve(content, out) as (_, log):
        for round_ in range(3):
            with BuildLock(state_path(out)):  # as if a third build were writing the site
                set_version(content, "B" if round_ % 2 == 0 else "A")  # serve notices, and must wait ...
                manual = subprocess.Popen(command(content, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True)  # ... as must the desk's build
                said = manual.stderr.readline()
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and sum("waiting for the build" in line for line in log) <= round_:
                    time.sleep(0.05)
            _, err = manual.communicate(timeout=60)
            assert manual.returncode == 0, err
            assert "waiting for the build already writing this site" in said, said + err
            assert sum("waiting for the build" in line for line in log) == round_ + 1, "".join(log)
            # serve's build of this round is done before the next round takes the lock: a serve still
            # waiting for it would not say so again, and the next round would miss its wait
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and sum(line.startswith("rebuilt in") for line in log) < round_ + 2:
                time.sleep(0.05)
        settled = -1
        while settled != len(log):  # until serve has had nothing more to say for two seconds
            settled = len(log)
            time.sleep(2)
    assert not any("Traceback" in line or "build failed" in line for line in log), "".join(log)
    assert build("--content", content, "--out", tmp_path / "clean", "-q", "--clean")[0] == 0
    assert snapshot(out) == snapshot(tmp_path / "clean")
    assert not list(tmp_path.glob(".site.building-*"))


def large_content(root: Path, issues: int = 20, pages: int = 4, per_page: int = 8) -> Path:
    """A daily big enough that a build forks workers (over 500 pages to render)."""
    files = {"site.yml": "title: 大站\npublications: [daily]\n",
             "daily/publication.yml": "name: 大站日报\nkind: newspaper\n"}
    for n in range(issues):
        day = f"2022-05-{n + 1:02d}"
        listed = "".join(f"  - {{number: {p}, name: 第{p}版}}\n" for p in range(1, pages + 1))
        files[f"daily/{day}/issue.yml"] = f"date: {day}\npages:\n{listed}"
        for p in range(1, pages + 1):
            for a in range(1, per_page + 1):
                files[f"daily/{day}/{p:02d}/{a:02d}-p{p}a{a}.md"] = article(
                    f"第{n}期第{p}版第{a}篇", f"本报讯 第{n}期的正文，第{a}段。" * 20,
                    authors=f"[{{name: 记者{a}, role: 记者}}]")
    write(root, files)
    return root


def session_processes(session: int) -> list[int]:
    """The processes still alive in a session (a killed build's and its workers')."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def test_a_build_killed_while_its_workers_run_never_locks_out_the_next(tmp_path):
    """SIGTERM and SIGKILL at random moments of builds that fork workers: no worker outlives the
    build, and the next build finishes, cleans up and gives the site a clean build gives."""
    content = large_content(tmp_path / "content")
    out = tmp_path / "site"
    lead = content / "daily/2022-05-20/01/01-p1a1.md"
    started = time.monotonic()
    first = subprocess.Popen(command(content, out, "--jobs", "2"), start_new_session=True)
    most = 0
    while first.poll() is None:
        most = max(most, len(session_processes(first.pid)))
        time.sleep(0.02)
    full = time.monotonic() - started
    assert first.returncode == 0 and most > 1, "the test site is too small for the build to fork workers"
    rng = random.Random(14)
    for run in range(20):
        lead.write_text(article(f"第{run}次改过的头条", "本报讯 正文。" * 50), encoding="utf-8")
        build = subprocess.Popen(command(content, out, "--jobs", "2", *(("--clean",) if run % 3 else ())),
                                 start_new_session=True, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.1, full))
        build.send_signal(signal.SIGTERM if run % 2 else signal.SIGKILL)
        build.communicate(timeout=120)
        deadline = time.monotonic() + 10
        while session_processes(build.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not session_processes(build.pid), f"run {run}: workers outlived the killed build"
        left = sorted(p.name for p in tmp_path.glob(".site.*-*"))
        after = subprocess.run(command(content, out, "--jobs", "2"), capture_output=True, text=True, timeout=300)
        assert after.returncode == 0, after.stderr
        for folder in left:
            assert f"note: removed {folder}, left by a build that was killed" in after.stderr, after.stderr
        assert "waiting for the build" not in after.stderr, after.stderr
        assert not list(tmp_path.glob(".site.building-*")), "a killed build's folder was left behind"
    clean = tmp_path / "clean"
    subprocess.run(command(content, clean, "--clean"), check=True)
    assert snapshot(out) == snapshot(clean)


def test_ctrl_c_stops_a_build_that_forks_with_one_line_and_keeps_the_site(tmp_path):
    content = large_content(tmp_path / "content")
    out = tmp_path / "site"
    subprocess.run(command(content, out, "--jobs", "2"), check=True)
    before = snapshot(out)
    started = time.monotonic()
    first = subprocess.Popen(command(content, out, "--jobs", "2", "--clean"), start_new_session=True)
    most = 0
    while first.poll() is None:  # the time a clean build takes, and that it forks
        most = max(most, len(session_processes(first.pid)))
        time.sleep(0.02)
    full = time.monotonic() - started
    assert most > 1
    build = subprocess.Popen(command(content, out, "--jobs", "2", "--clean"), start_new_session=True,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + full
    while len(session_processes(build.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)  # until its workers run
    build.send_signal(signal.SIGINT)
    _, err = build.communicate(timeout=120)
    if build.returncode == 0:
        pytest.skip("the build finished before it was interrupted")
    assert build.returncode == 130 and "build.py: interrupted" in err and "Traceback" not in err, err
    assert snapshot(out) == before
    deadline = time.monotonic() + 5
    while session_processes(build.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not session_processes(build.pid), "workers outlived the interrupted build"
