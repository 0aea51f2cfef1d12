"""One way to use every core: ``map`` over forked worker processes, when forking pays.

Workers are forked, so they inherit everything the parent has loaded (the
model, the templates, jieba's dictionary); only item numbers go out and only
results come back, and the parent works too. Forking a large process and
starting workers costs a fraction of a second, so work that would take less
than ``FORK_PAYS_FROM`` seconds in one process runs there.

A worker dies with the build: however the build's process ends (SIGKILL
included), the system kills its workers (Linux's parent-death signal; where
there is none, each worker watches its parent), so none lives on as an orphan.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

FORK_PAYS_FROM = 0.5  # seconds of estimated serial work
_TASK: tuple[Callable, Sequence] | None = None  # the map being run, for the forked workers to inherit


def workers(jobs: int, items: int, each: float) -> int:
    """How many processes a map of ``items`` items of ``each`` seconds should use (1: no fork)."""
    if jobs <= 1 or items < 2 or items * each < FORK_PAYS_FROM or not hasattr(os, "fork"):
        return 1
    return min(jobs, items)


def imap(function: Callable[[T], R], items: Sequence[T], jobs: int, each: float) -> Iterator[R]:
    """``function`` over ``items``, results in order, on up to ``jobs`` processes.

    ``each`` is the estimated seconds per item: the one policy for when forking pays.
    This process is one of the ``jobs``: it works through the items from the start
    while the forked workers take them from the end, until they meet. (A forked
    worker counts all it inherited in its resident memory, so one fewer is less.)
    """
    global _TASK
    count = workers(jobs, len(items), each)
    if count == 1:
        for item in items:
            yield function(item)
        return
    if _TASK is not None:
        raise RuntimeError("parallel.imap does not nest")
    import multiprocessing  # only a build that forks needs them
    from concurrent.futures import ProcessPoolExecutor

    _TASK = (function, items)
    size = max(1, min(64, len(items) // (count * 8)))
    chunks = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    try:
        with ProcessPoolExecutor(max_workers=count - 1, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_die_with, initargs=(os.getpid(),)) as pool:
            futures = {n: pool.submit(_run, *chunks[n]) for n in reversed(range(len(chunks)))}
            try:
                for n, (start, end) in enumerate(chunks):
                    if futures[n].cancel():  # no worker took it yet: do it here
                        for number in range(start, end):
                            yield function(items[number])
                    else:
                        yield from futures[n].result()
            except BaseException:  # an error or Ctrl-C: the work not yet started is not done
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    finally:
        _TASK = None


def map(function: Callable[[T], R], items: Sequence[T], jobs: int, each: float) -> list[R]:  # noqa: A001
    return list(imap(function, items, jobs, each))


def _run(start: int, end: int) -> list:
    function, items = _TASK
    return [function(items[number]) for number in range(start, end)]


def _die_with(parent: int) -> None:
    """In a new worker: end when ``parent`` ends."""
    prctl = getattr(ctypes.CDLL(None), "prctl", None)
    if prctl is not None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the kernel kills this worker when its parent dies
    else:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
