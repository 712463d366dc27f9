"""Conformance: the same analysis on the local engine and on Ray, with time and peak memory.

Runs the whole pipeline on each corpus twice into fresh stores, once on the local engine and once
on a local Ray started by this script (``--workers`` CPUs), and compares what a reader acts on:
stories, derivations (pairs, kind, direction), claim groups with their origins, events with
their origins, and the whole ``analysis.json`` apart from the ``source`` paths. Prints, per
corpus and engine, seconds, articles/s and peak memory (this process and its children: the Ray
workers are children of the Ray node this script starts).

Corpora: the team's example corpus (``examples/corpus``), the seeds (``../shared/corpus/seeds``)
and the first ``--reuters`` rows of ``reuters-21578`` (skipped with a note when missing); with
``--copies N``, a story of N copies of one report (``bench/hostile.py``), where each article's
near-duplicate pairs are bounded (``neardup_pairs_per_article``).

    python bench/conformance.py [--reuters 2000] [--workers 2] [--engine-shuffle-rows 0] [--copies 500] [--shards]

``--engine-shuffle-rows 0`` has Ray group the LSH band keys with Ray Data at any size (by
default it does from 2 million band rows on, and DuckDB below). ``--shards`` has the Ray
tasks write their records as Parquet shards that the driver loads (``shard_dir``), against the
local engine's records sent back with each result.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

from _common import SHARED_BENCH
from same_answer import without_sources
from throughput import PeakMemory, limited_copy

from crosscheck.engine import make_engine
from crosscheck.link import banding
from crosscheck.pipeline import run
from crosscheck.records import Article
from crosscheck.report.json import build_analysis
from crosscheck.settings import Settings
from crosscheck.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = SHARED_BENCH.parent / "corpus" / "seeds"
REUTERS = SHARED_BENCH / "reuters-21578" / "articles.jsonl"


def _analyse(inputs: list[str], *, engine: str, workers: int, tmp: Path,
             shards: bool = False) -> tuple[dict, float, int, int]:
    settings = Settings(workers=workers, shard_dir=str(tmp / "shards") if shards else "")
    runner = make_engine(engine, settings=settings)
    path = tmp / f"{engine}.duckdb"
    try:
        with PeakMemory() as memory, Store(path) as store:
            started = time.perf_counter()
            run(inputs, store=store, settings=settings, engine=runner)
            elapsed = time.perf_counter() - started
            analysis, articles = build_analysis(store), store.count(Article)
    finally:
        runner.close()
    path.unlink(missing_ok=True)
    return analysis, elapsed, memory.peak, articles


def _views(analysis: dict) -> dict[str, object]:
    """What a reader acts on, in a form that compares by value."""
    return {
        "stories": sorted(tuple(sorted(s["articles"])) for s in analysis["stories"]),
        "derivations": sorted((d["source"], d["derived"], d["kind"], d.get("direction"))
                              for d in analysis["derivations"]),
        "claim groups and origins": sorted((g["key"], g["origins"], tuple(sorted(g["origin_articles"])))
                                           for g in analysis["claim_groups"]),
        "events and origins": sorted((e["action"], e["origins"], tuple(sorted(e["articles"])))
                                     for e in analysis.get("events", [])),
    }


def _story_of_copies(copies: int, folder: Path) -> Path:
    """bench/hostile.py's story of copies, ``copies`` rows (a multiple of 10)."""
    from hostile import KINDS

    filename, build = KINDS["jsonl-story-of-copies"]
    path = folder / filename
    path.write_bytes(build(max(1, copies // 10)))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuters", type=int, default=2000, help="rows of reuters-21578 (0: none)")
    parser.add_argument("--copies", type=int, default=0,
                        help="also a story of this many copies of one report (bench/hostile.py's "
                             "jsonl-story-of-copies: the near-duplicate bound at work; 0: none)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine-shuffle-rows", type=int,
                        help="band rows from which Ray groups LSH band keys with Ray Data "
                             "(0: always; default: crosscheck.link.banding.ENGINE_SHUFFLE_ROWS)")
    parser.add_argument("--shards", action="store_true",
                        help="the Ray runs write their records as Parquet shards the driver loads")
    args = parser.parse_args()
    if args.engine_shuffle_rows is not None:
        banding.ENGINE_SHUFFLE_ROWS = args.engine_shuffle_rows
        print(f"Ray Data band shuffle from {args.engine_shuffle_rows} band rows")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, workers={args.workers}"
          + (", Ray with Parquet shards" if args.shards else ""))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpora: list[tuple[str, list[str]]] = [("examples", [str(ROOT / "examples" / "corpus")])]
        if SEEDS.exists():
            corpora.append(("seeds", [str(SEEDS)]))
        else:
            print(f"seeds not found at {SEEDS}: skipped")
        if args.reuters and REUTERS.exists():
            corpora.append((f"reuters {args.reuters}", [str(limited_copy(REUTERS, args.reuters, tmp))]))
        elif args.reuters:
            print(f"reuters-21578 not found at {REUTERS}: skipped")
        if args.copies:
            corpora.append((f"{args.copies} copies", [str(_story_of_copies(args.copies, tmp))]))
        for name, inputs in corpora:
            results = {engine: _analyse(inputs, engine=engine, workers=args.workers, tmp=tmp,
                                        shards=args.shards and engine == "ray")
                       for engine in ("local", "ray")}
            for engine, (_, elapsed, peak, articles) in results.items():
                print(f"{name:<14} {engine:<6} {articles:>6} articles {elapsed:>8.1f} s "
                      f"{articles / elapsed:>7.1f} articles/s  peak {peak / 2**20:>6.0f} MiB")
            local, ray = _views(results["local"][0]), _views(results["ray"][0])
            for view in local:
                same = local[view] == ray[view]
                print(f"{'':<14} {view:<26} {len(local[view]):>6} {'identical' if same else 'DIFFER'}")
            whole = without_sources(results["local"][0]) == without_sources(results["ray"][0])
            print(f"{'':<14} {'analysis.json (no paths)':<26} {'':>6} {'identical' if whole else 'DIFFER'}")


if __name__ == "__main__":
    main()
