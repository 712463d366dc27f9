"""Parquet shards: a task's records written where it ran, loaded by the driver in bulk.

Without shards, an engine task sends its records back to the driver with its result (pickled
through the process pool or Ray's object store) and the driver turns them into Arrow tables. With
``shard_dir`` set, the task itself writes them, one Parquet file per record type, and sends back
only the files' names (:class:`Shards`); the driver loads each file with DuckDB's
``read_parquet`` in the batch's transaction and then removes it. On a Ray cluster whose workers
share a filesystem with the driver (NFS, a mounted bucket), record building and encoding then
happen on the workers, and the object store carries file names, not records.

Shards are written to a temporary name and renamed, so a file that exists is whole. Each run
writes under a folder of its own store (``shard_folder``); files left by an interrupted run are
removed when the next run opens that folder (the store's lock means no other run is using it).
What a task writes lands in the store exactly as its records would: same tables, same rows
(``tests/test_shards.py``; ``bench/conformance.py --shards``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .records import content_id, record_table

__all__ = ["Shard", "Shards", "shard_folder", "sharded", "write_shards"]


@dataclass(frozen=True, slots=True)
class Shard:
    """One Parquet file of records of one type, for the store's ``table``."""

    table: str
    path: str
    rows: int


@dataclass(frozen=True, slots=True)
class Shards:
    """What a sharded task returns in place of its records."""

    files: tuple[Shard, ...]

    def __len__(self) -> int:
        return sum(shard.rows for shard in self.files)


def shard_folder(root: str | os.PathLike, store_path: str, stage: str) -> Path:
    """The folder a stage's shards go to for one store, emptied of an earlier run's leftovers."""
    # a store file is locked by one run at a time; an in-memory store is this process's own
    where = f"memory-{os.getpid()}" if store_path == ":memory:" else os.path.abspath(store_path)
    folder = Path(root) / content_id("shards", where) / stage
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob("*.parquet*"):
        leftover.unlink(missing_ok=True)
    return folder


def write_shards(records: Iterable[object], folder: str | os.PathLike) -> Shards:
    """Write ``records`` (any stored types) as one Parquet file per type under ``folder``."""
    from .store import records_table

    by_type: dict[type, list[object]] = {}
    for record in records:
        by_type.setdefault(type(record), []).append(record)
    files = []
    stem = uuid.uuid4().hex
    for record_type, rows in sorted(by_type.items(), key=lambda kv: kv[0].__name__):
        table = record_table(record_type)
        path = Path(folder) / f"{stem}-{table}.parquet"
        partial = path.with_name(path.name + ".partial")
        pq.write_table(records_table(record_type, rows), partial)
        os.replace(partial, path)
        files.append(Shard(table, str(path), len(rows)))
    return Shards(tuple(files))


def sharded(fn: Callable[[list[Any]], Any], batch: list[Any], *, folder: str,
            records_at: int | None = None) -> Any:
    """``fn(batch)`` with its records written as shards: the whole result when ``records_at``
    is ``None`` (a list of records), else item ``records_at`` of each tuple of the result."""
    result = fn(batch)
    if records_at is None:
        return write_shards(result, folder)
    return [(*item[:records_at], write_shards(item[records_at], folder), *item[records_at + 1:])
            for item in result]
