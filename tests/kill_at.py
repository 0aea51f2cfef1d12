"""Run build.py and SIGKILL it just before one of its changes to the file system.

    python tests/kill_at.py any:N [build.py arguments]    the N-th change of any kind
    python tests/kill_at.py live:N [build.py arguments]   the N-th change outside the build's temporary folder
    python tests/kill_at.py 0 [build.py arguments]        never

Every change (mkdir, link, rename, replace, unlink, rmdir, and the folder swap) is counted
and listed on stderr as ``op N live|tmp name path``, so a test can first list a build's
changes and then kill a build at one of them: the moment a site is swapped in included,
which a kill at a random time would almost never hit. "Live" changes touch the site, the
spare or the build state by absolute path; the rest happen inside the build's own folder.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edition import cli, writer  # noqa: E402


def main() -> int:
    kind, _, number = sys.argv[1].rpartition(":")
    limit = int(number)
    counts = {"any": 0, "live": 0}

    def counted(name, function):
        def run(*args, **kwargs):
            path = os.fsdecode(args[0]) if args else ""
            live = path.startswith("/") and ".building-" not in path
            counts["any"] += 1
            counts["live"] += live
            if limit and counts[kind] == limit and (kind == "any" or live):
                os.kill(os.getpid(), signal.SIGKILL)
            print(f"op {counts['any']} {'live' if live else 'tmp'} {name} {path}", file=sys.stderr, flush=True)
            return function(*args, **kwargs)
        return run

    for name in ("mkdir", "link", "rename", "replace", "unlink", "rmdir"):
        setattr(os, name, counted(name, getattr(os, name)))
    writer._exchange = counted("exchange", writer._exchange)
    return cli.main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
