"""The local engine: a process pool fed a bounded number of batches at a time.

At most ``2 * workers`` batches are in flight, so memory follows the batch size, not the corpus
size, while the input is streamed. ``workers=1`` runs in-process (handy for debugging).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["LocalEngine"]


class LocalEngine:
    name = "local"

    def __init__(self, *, workers: int = 2):
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the parent holds a DuckDB connection and its threads.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    def warm(self, fn: Callable[[], object]) -> None:
        """Start the workers now and run ``fn`` once in each (loading models), without waiting:
        a run that will need them starts them while the driver does other work. Their result,
        or an error, is dropped; the batches that follow raise their own."""
        if self.workers == 1 or self._pool is not None:
            return
        pool = self._executor()
        for _ in range(self.workers):
            pool.submit(fn)

    def map_batches(self, fn: Callable[[list[T]], list[R]], batches: Iterable[list[T]]) -> Iterator[list[R]]:
        if self.workers == 1:
            for batch in batches:
                yield fn(batch)
            return
        pool = self._executor()
        pending: deque[Future[list[R]]] = deque()
        for batch in batches:
            pending.append(pool.submit(fn, batch))
            if len(pending) >= 2 * self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
