"""Run build.py and SIGKILL it just before one of its changes to the file system.

    python tests/kill_at.py any:N [build.py arguments]    the N-th change of any kind
    python tests/kill_at.py live:N [build.py arguments]   the N-th change outside the build's temporary folder
    python tests/kill_at.py at:NAME [arguments]           the first change of that name (exchange: the swap)
    python tests/kill_at.py after:NAME [arguments]        the first change after the first one of that name
    python tests/kill_at.py sql:N [arguments]             the N-th time SQLite lets a callback run (every
                                                          100 steps of its virtual machine), so inside
                                                          the build state's reads and transactions
    python tests/kill_at.py 0 [build.py arguments]        never

Every change (mkdir, link, rename, replace, unlink, rmdir, and the folder swap) is counted
and listed on stderr as ``op N live|tmp name path``, so a test can first list a build's
changes and then kill a build at one of them: the moment a site is swapped in included,
which a kill at a random time would almost never hit. "Live" changes touch the site, the
spare or the build state by absolute path; the rest happen inside the build's own folder.
"""

from __future__ import annotations

import atexit
import os
import signal
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edition import cli, writer  # noqa: E402


def main() -> int:
    kind, _, number = sys.argv[1].rpartition(":")
    named = number if kind in ("at", "after") else ""
    limit = 0 if named else int(number)
    counts = {"any": 0, "live": 0}
    seen = []
    steps = []
    connect = sqlite3.connect

    def sql_step() -> int:
        steps.append(1)
        if kind == "sql" and len(steps) == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return 0

    def connect_and_count(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.set_progress_handler(sql_step, 100)
        return db

    sqlite3.connect = connect_and_count
    atexit.register(lambda: print(f"sql {len(steps)}", file=sys.stderr, flush=True))

    def counted(name, function):
        def run(*args, **kwargs):
            path = os.fsdecode(args[0]) if args else ""
            live = path.startswith("/") and ".building-" not in path
            counts["any"] += 1
            counts["live"] += live
            if (kind in counts and counts[kind] == limit and (kind == "any" or live)
                    or kind == "at" and name == named or kind == "after" and named in seen):
                os.kill(os.getpid(), signal.SIGKILL)
            seen.append(name)
            print(f"op {counts['any']} {'live' if live else 'tmp'} {name} {path}", file=sys.stderr, flush=True)
            return function(*args, **kwargs)
        return run

    for name in ("mkdir", "link", "rename", "replace", "unlink", "rmdir"):
        setattr(os, name, counted(name, getattr(os, name)))
    writer._exchange = counted("exchange", writer._exchange)
    return cli.main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
