"""The whole pipeline on a JSONL corpus: time per stage, articles/s and peak memory.

Runs ingest, clean, boilerplate, enrich, link and assess into a fresh store (or --store, kept
for `crosscheck serve` and bench/serve_load.py) with the local engine, and prints when each
stage ran, from the pipeline's own progress notes.

    python bench/pipeline_scale.py [--data FILE] [--limit N] [--workers 2] [--store PATH]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import SHARED_BENCH, require_dataset
from throughput import PeakMemory, limited_copy

from crosscheck.engine.local import LocalEngine
from crosscheck.pipeline import run
from crosscheck.records import Article, Claim, Derivation, Story
from crosscheck.settings import Settings
from crosscheck.store import Store


class StageClock:
    """First and last progress note per stage, relative to the start."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.seen: dict[str, list[float]] = {}

    def __call__(self, stage: str, n: int) -> None:
        now = time.perf_counter() - self.start
        self.seen.setdefault(stage, [now, now])[1] = now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=SHARED_BENCH / "reuters-21578" / "articles.jsonl")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--store", type=Path, help="keep the store here (default: a temporary one)")
    args = parser.parse_args()
    require_dataset(args.data, name="pipeline scale")
    with tempfile.TemporaryDirectory() as tmp:
        data = limited_copy(args.data, args.limit, Path(tmp))
        path = args.store or Path(tmp) / "bench.duckdb"
        engine = LocalEngine(workers=args.workers)
        clock = StageClock()
        with PeakMemory() as memory, Store(path) as store:
            run([str(data)], store=store, settings=Settings(workers=args.workers), engine=engine,
                progress=clock)
            total = time.perf_counter() - clock.start
            counts = {t.__name__: store.count(t) for t in (Article, Story, Derivation, Claim)}
        engine.close()
    print(f"input: {args.data} (limit {args.limit}), workers={args.workers}")
    print(f"{'stage':<14}{'from s':>10}{'to s':>10}")
    for stage, (first, last) in clock.seen.items():
        print(f"{stage:<14}{first:>10.1f}{last:>10.1f}")
    articles = counts["Article"]
    print(f"total {total:.1f} s, {articles / total:.1f} articles/s, peak {memory.peak / 2**20:.0f} MiB "
          f"(parent and workers); {counts}")


if __name__ == "__main__":
    main()
