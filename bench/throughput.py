"""Ingest and cleaning throughput on a JSONL corpus (default: reuters-21578, 19,043 articles).

Runs crosscheck's ingest + clean + boilerplate stages (``until="boilerplate"``; the later
stages have their own scripts) into a fresh store with the local engine
and prints articles/s and peak memory (parent and workers), beside the time it takes just to read
and parse the same JSONL (the floor no pipeline can beat).

    python bench/throughput.py [--data FILE] [--limit N] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from _common import SHARED_BENCH, require_dataset

from crosscheck.engine.local import LocalEngine
from crosscheck.pipeline import run
from crosscheck.records import Article, Removal
from crosscheck.settings import Settings
from crosscheck.store import Store


class PeakMemory:
    """Samples RSS of this process plus its children every 50 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self.own_peak = 0  # this process alone: the driver's share
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = me.memory_info().rss
            self.own_peak = max(self.own_peak, total)
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def limited_copy(data: Path, limit: int | None, folder: Path) -> Path:
    if not limit:
        return data
    target = folder / f"first-{limit}.jsonl"
    with data.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i >= limit:
                break
            dst.write(line)
    return target


def read_only_seconds(data: Path) -> tuple[float, int]:
    start = time.perf_counter()
    n = sum(1 for line in data.open(encoding="utf-8") if line.strip() and json.loads(line))
    return time.perf_counter() - start, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "reuters-21578" / "articles.jsonl")
    parser.add_argument("--limit", type=int, help="only the first N rows")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    require_dataset(args.data, name="throughput")
    with tempfile.TemporaryDirectory() as tmp:
        data = limited_copy(args.data, args.limit, Path(tmp))
        floor, rows = read_only_seconds(data)
        settings = Settings(workers=args.workers, batch_size=args.batch_size)
        engine = LocalEngine(workers=args.workers)
        with PeakMemory() as memory, Store(Path(tmp) / "bench.duckdb") as store:
            start = time.perf_counter()
            summary = run([str(data)], store=store, settings=settings, engine=engine,
                          until="boilerplate")
            seconds = time.perf_counter() - start
            removals = store.count(Removal)
            articles = store.count(Article)
        engine.close()
    print(f"machine: {platform.machine()}, {psutil.cpu_count()} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {sys.version.split()[0]}")
    print(f"input: {args.data} ({rows} rows), workers={args.workers}, batch={args.batch_size}")
    print(f"{'step':<34}{'seconds':>10}{'articles/s':>12}{'peak MiB':>10}")
    print(f"{'read + json.loads only (floor)':<34}{floor:>10.1f}{rows / floor:>12.0f}{'':>10}")
    print(f"{'crosscheck ingest+clean+boilerplate':<34}{seconds:>10.1f}{rows / seconds:>12.0f}"
          f"{memory.peak / 2**20:>10.0f}")
    print(f"articles stored: {articles}, rejected: {len(summary.rejected)}, removals: {removals}")
    print(f"max RSS of one worker: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
