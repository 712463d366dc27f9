"""What the driver spends writing records, with and without Parquet shards (``shard_dir``).

Runs ingest, cleaning and enrichment (``--until enrich``) on the first ``--limit`` Reuters rows
into a fresh store, once with each task's records sent back with its result and once with the
tasks writing Parquet shards that the driver loads, on the same engine, and prints for each: wall
seconds, the driver process's CPU seconds (its own threads, DuckDB's included), its peak RSS, and
whether the stores hold the same rows (a digest of every enrichment table). Nothing else should
run on the machine: on two cores, driver and workers share them.

    python bench/shards.py --limit 2000 [--engine local|ray] [--workers 2]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

from _common import SHARED_BENCH
from throughput import PeakMemory, limited_copy

from crosscheck.engine import make_engine
from crosscheck.pipeline import ENRICH_TABLES, run
from crosscheck.settings import Settings
from crosscheck.store import Store

REUTERS = SHARED_BENCH / "reuters-21578" / "articles.jsonl"


def _enrich(source: Path, tmp: Path, *, engine: str, workers: int, shards: bool) -> dict:
    settings = Settings(workers=workers, shard_dir=str(tmp / "shards") if shards else "")
    runner = make_engine(engine, settings=settings)
    path = tmp / f"{engine}-{shards}.duckdb"
    try:
        with PeakMemory() as memory, Store(path) as store:
            started, cpu = time.perf_counter(), time.process_time()
            run([str(source)], store=store, settings=settings, engine=runner, until="enrich")
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            digest = tuple(store.row(f"SELECT count(*), md5(string_agg(id, ',' ORDER BY id)) "
                                     f"FROM {table}") for table in ENRICH_TABLES)
    finally:
        runner.close()
    path.unlink(missing_ok=True)
    return {"wall": wall, "cpu": cpu, "driver": memory.own_peak, "digest": digest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=2000, help="first N Reuters rows")
    parser.add_argument("--engine", choices=["local", "ray"], default="local")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not REUTERS.exists():
        print(f"skipping: reuters-21578 not found at {REUTERS}")
        return
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, "
          f"engine {args.engine}, workers={args.workers}, {args.limit} Reuters rows, until enrich")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = limited_copy(REUTERS, args.limit, tmp)
        runs = {name: _enrich(source, tmp, engine=args.engine, workers=args.workers,
                              shards=name == "shards")
                for name in ("records", "shards")}
    print(f"{'records travel as':<20}{'wall s':>9}{'driver CPU s':>14}{'driver peak MiB':>17}")
    for name, result in runs.items():
        label = "task results" if name == "records" else "Parquet shards"
        print(f"{label:<20}{result['wall']:>9.1f}{result['cpu']:>14.1f}"
              f"{result['driver'] / 2**20:>17.0f}")
    same = runs["records"]["digest"] == runs["shards"]["digest"]
    print(f"enrichment tables: {'identical' if same else 'DIFFER'}")


if __name__ == "__main__":
    main()
