"""The processes a release's cubes are protected and audited in.

A release is a set of cubes protected apart and audited apart (they share no cell): pure,
CPU-bound work on solvers that hold the GIL part of the time, so threads do not spread it over
the machine's cores; processes do. The pool starts at the first release and serves every later
one of the process's life. Its processes come from a *forkserver* that has imported the release
code only: never a fork of the service itself (its event loop, its threads, its connections),
never a fresh import of the ``__main__`` that started it (a benchmark, the test runner).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

PRELOAD = ["indicators.domain.release.release"]


def default_workers() -> int:
    """One per core the process may use, two at most by default (a release shares the
    machine with the serving of the others)."""
    return max(1, min(2, len(os.sched_getaffinity(0))))


class ReleaseWorkers:
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _started(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(PRELOAD)
                self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
            return self._pool

    def map(self, fn: Callable[[Any], Any], pieces: Sequence[Any]) -> Iterable[Any]:
        """The release's :data:`~indicators.domain.release.audit.Mapper`: in this process
        when there is one worker or one piece, else in the pool (results in order)."""
        if self.workers <= 1 or len(pieces) <= 1:
            return map(fn, pieces)
        return self._started().map(fn, pieces)

    def shutdown(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None


_BY_COUNT: dict[int, ReleaseWorkers] = {}


def workers_for(count: int | None) -> ReleaseWorkers:
    """The process's pool of ``count`` workers (None: :func:`default_workers`)."""
    count = default_workers() if count is None else max(1, count)
    return _BY_COUNT.setdefault(count, ReleaseWorkers(count))
