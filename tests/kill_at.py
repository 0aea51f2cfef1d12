"""Run build.py and SIGKILL it just before its N-th change to the file system (0: never).

    python tests/kill_at.py N [build.py arguments]

Every change (mkdir, link, rename, replace, unlink, rmdir, and the folder swap) is counted
and listed on stderr as ``op N name path``, so a test can first list a build's changes and
then kill a build at exactly one of them: the moment a site is swapped in included, which
a kill at a random time would almost never hit.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edition import cli, writer  # noqa: E402


def main() -> int:
    limit = int(sys.argv[1])
    count = 0

    def counted(name, function):
        def run(*args, **kwargs):
            nonlocal count
            count += 1
            if count == limit:
                os.kill(os.getpid(), signal.SIGKILL)
            print(f"op {count} {name} {os.fsdecode(args[0]) if args else ''}", file=sys.stderr, flush=True)
            return function(*args, **kwargs)
        return run

    for name in ("mkdir", "link", "rename", "replace", "unlink", "rmdir"):
        setattr(os, name, counted(name, getattr(os, name)))
    writer._exchange = counted("exchange", writer._exchange)
    return cli.main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
