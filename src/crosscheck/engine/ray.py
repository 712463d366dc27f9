"""The Ray engine: the same stage functions as the local engine, run as Ray tasks.

``address`` names a running cluster (``ray://host:10001`` or ``auto``); without it a local Ray
instance is started for the run. Like the local engine it keeps a bounded number of batches in
flight and yields results in submission order, so output does not depend on the engine.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from ..errors import SettingsError

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["RayEngine"]


def _call(fn: Callable[[list[Any]], list[Any]], batch: list[Any]) -> list[Any]:
    return fn(batch)


class RayEngine:
    name = "ray"

    def __init__(self, *, address: str | None = None, workers: int = 2):
        try:
            import ray
        except ImportError:
            raise SettingsError(
                "the ray engine needs Ray: pip install 'crosscheck[ray]' (or pip install ray)"
            ) from None
        self._ray = ray
        self._started_here = not ray.is_initialized()
        if self._started_here:
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                       "configure_logging": False}
            if address:
                ray.init(address=address, **options)
            else:
                ray.init(num_cpus=workers, **options)
        self._remote = ray.remote(_call)
        self.in_flight = max(2, 2 * int(ray.cluster_resources().get("CPU", workers)))

    def map_batches(self, fn: Callable[[list[T]], list[R]], batches: Iterable[list[T]]) -> Iterator[list[R]]:
        fn_ref = self._ray.put(fn)
        pending: deque[Any] = deque()
        for batch in batches:
            pending.append(self._remote.remote(fn_ref, batch))
            if len(pending) >= self.in_flight:
                yield self._ray.get(pending.popleft())
        while pending:
            yield self._ray.get(pending.popleft())

    def map_groups(self, table: Any, keys: list[str], fn: Callable[[dict], dict]) -> list[Any]:
        """A shuffle: the rows of the Arrow ``table`` grouped by ``keys`` with Ray Data
        (``groupby(keys).map_groups``), ``fn`` applied to each group (a dict of NumPy columns)
        on the cluster; the Arrow tables of the results, in no particular order."""
        import logging

        import ray.data

        logging.getLogger("ray.data").setLevel(logging.WARNING)  # no per-dataset INFO lines
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        # Ray Data's default of 200 shuffle partitions is overhead on a small cluster; a
        # partition per million rows keeps big shuffles spread over the cluster.
        partitions = max(2 * int(self._ray.cluster_resources().get("CPU", 1)),
                         table.num_rows // 1_000_000)
        grouped = ray.data.from_arrow(table).groupby(keys, num_partitions=partitions)
        results = grouped.map_groups(fn, batch_format="numpy")
        return list(results.iter_batches(batch_size=None, batch_format="pyarrow"))

    def close(self) -> None:
        if self._started_here and self._ray.is_initialized():
            self._ray.shutdown()
