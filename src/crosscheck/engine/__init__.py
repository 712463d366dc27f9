"""The engine seam: how per-article stages are mapped over batches.

Stage code never imports an engine; the pipeline hands a stage function and a stream of batches
to whichever engine the user chose. An engine yields each batch's result in submission order, so
output is deterministic whatever the parallelism.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

from ..errors import SettingsError
from ..settings import Settings

__all__ = ["Engine", "make_engine"]

T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    name: str

    def map_batches(self, fn: Callable[[list[T]], list[R]], batches: Iterable[list[T]]) -> Iterator[list[R]]:
        """Apply ``fn`` to every batch; yield results in the order the batches came."""
        ...

    def close(self) -> None: ...

    # Optional: ``warm(fn)`` starts the workers and runs ``fn`` (no arguments) once in each,
    # without waiting, so that the models a later stage loads are loaded while the driver does
    # other work (the local engine has it).
    #
    # Optional, for corpus stages that shuffle by key (the Ray engine has it):
    # ``map_groups(table, keys, fn) -> list[pyarrow.Table]`` groups an Arrow table's rows by
    # ``keys`` and applies ``fn`` to each group. Without it the stage groups inside DuckDB.


def make_engine(name: str, *, settings: Settings, address: str | None = None) -> Engine:
    """The engine called ``name`` (``local`` or ``ray``)."""
    if name == "local":
        from .local import LocalEngine

        return LocalEngine(workers=settings.workers)
    if name == "ray":
        from .ray import RayEngine

        return RayEngine(address=address, workers=settings.workers)
    raise SettingsError(f"unknown engine {name!r}: choose 'local' or 'ray'")
