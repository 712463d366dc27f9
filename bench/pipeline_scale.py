"""The whole pipeline on a JSONL corpus: time per stage, articles/s and peak memory.

Runs ingest, clean, boilerplate, enrich, link and assess into a fresh store (or --store, kept
for `crosscheck serve` and bench/serve_load.py) with the local engine, and prints when each
stage ran, from the pipeline's own progress notes.

``--sizes 2000,19000 [--engine local|ray]`` runs the whole pipeline at each size (the first N
rows) into fresh stores and prints wall seconds, articles/s and peak memory (this process and
every process under it: pool workers, or Ray's raylet and workers) per size, with the growth
exponents between sizes: time ~ n^b and peak memory ~ n^c (issue 12's goal: b <= 1.05, and
memory flat for the local engine).

``--floor`` runs the stages one after another (``until=`` each stage in turn, so each is timed
on its own: wall seconds and CPU seconds of this process and its workers) and then, in the same
run, the floor: spaCy's pipeline alone (``nlp.pipe``, ``--workers`` processes) on the same
cleaned texts. It prints the pipeline's speed as a share of the floor's (issue 12's goal: at
least 0.8) and where the rest of the time goes, stage by stage.

    python bench/pipeline_scale.py [--data FILE] [--limit N] [--workers 2] [--store PATH]
    python bench/pipeline_scale.py --limit 2000 --floor
    python bench/pipeline_scale.py --sizes 2000,19043 --engine local
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from pathlib import Path

from _common import SHARED_BENCH, require_dataset
from throughput import PeakMemory, limited_copy

from crosscheck.engine.local import LocalEngine
from crosscheck.pipeline import STAGES, run
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
    parser.add_argument("--floor", action="store_true",
                        help="time each stage on its own, then spaCy alone on the same texts")
    parser.add_argument("--sizes", help="comma-separated corpus sizes: the growth of time and memory")
    parser.add_argument("--engine", choices=("local", "ray"), default="local")
    args = parser.parse_args()
    require_dataset(args.data, name="pipeline scale")
    if args.floor:
        return against_floor(args)
    if args.sizes:
        return growth(args)
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


def growth(args) -> None:
    """The whole pipeline at each size, and the growth exponents between sizes."""
    from crosscheck.engine import make_engine

    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            data = limited_copy(args.data, size, Path(tmp))
            settings = Settings(workers=args.workers)
            with PeakMemory() as memory:
                engine = make_engine(args.engine, settings=settings)
                started = time.perf_counter()
                with Store(Path(tmp) / "bench.duckdb") as store:
                    run([str(data)], store=store, settings=settings, engine=engine)
                    articles = store.count(Article)
                seconds = time.perf_counter() - started
                engine.close()
        rows.append((size, articles, seconds, memory.peak / 2**20))
        print(f"{args.engine}: {size} rows, {articles} articles, {seconds:.1f} s, "
              f"{articles / seconds:.1f} articles/s, peak {memory.peak / 2**20:,.0f} MiB", flush=True)
    print(f"input: {args.data}, engine {args.engine}, workers={args.workers}")
    print(f"{'articles':>9}{'wall s':>9}{'art/s':>8}{'peak MiB':>10}{'time exp':>10}{'memory exp':>12}")
    for i, (_, n, seconds, peak) in enumerate(rows):
        if i:
            _, n0, s0, p0 = rows[i - 1]
            grow = math.log(n / n0)
            exponents = f"{math.log(seconds / s0) / grow:>10.2f}{math.log(peak / p0) / grow:>12.2f}"
        else:
            exponents = f"{'':>10}{'':>12}"
        print(f"{n:>9}{seconds:>9.1f}{n / seconds:>8.1f}{peak:>10,.0f}{exponents}")


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def against_floor(args) -> None:
    stages = [name for name in STAGES if name != "ingest"]  # ingest streams into clean
    timings: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = limited_copy(args.data, args.limit, Path(tmp))
        path = args.store or Path(tmp) / "bench.duckdb"
        with Store(path) as store:
            for stage in stages:
                # a fresh engine per stage: its workers end with it, so their CPU time counts
                engine = LocalEngine(workers=args.workers)
                wall, cpu = time.perf_counter(), _cpu()
                run([str(data)], store=store, settings=Settings(workers=args.workers),
                    engine=engine, until=stage)
                engine.close()
                timings.append((stage, time.perf_counter() - wall, _cpu() - cpu))
            texts = [a.text for a in store.iter_records(Article, order_by="id")]
        floor_wall, floor_cpu = _spacy_alone(texts, workers=args.workers)
    total_wall = sum(t[1] for t in timings)
    total_cpu = sum(t[2] for t in timings)
    n = len(texts)
    print(f"input: {args.data} (limit {args.limit}), {n} articles, workers={args.workers}")
    print(f"{'stage':<14}{'wall s':>9}{'share':>8}{'CPU s':>9}{'share':>8}")
    for stage, wall, cpu in timings:
        print(f"{stage:<14}{wall:>9.1f}{wall / total_wall:>8.0%}{cpu:>9.1f}{cpu / total_cpu:>8.0%}")
    print(f"{'pipeline':<14}{total_wall:>9.1f}{'':>8}{total_cpu:>9.1f}   {n / total_wall:.1f} articles/s")
    print(f"{'spaCy alone':<14}{floor_wall:>9.1f}{'':>8}{floor_cpu:>9.1f}   {n / floor_wall:.1f} articles/s "
          f"(nlp.pipe, {args.workers} processes, same texts)")
    print(f"pipeline speed / floor speed: wall {floor_wall / total_wall:.2f}, CPU {floor_cpu / total_cpu:.2f} "
          f"(goal >= 0.8)")


def _spacy_alone(texts: list[str], *, workers: int) -> tuple[float, float]:
    from crosscheck.enrich.nlp import load_nlp

    nlp = load_nlp()
    wall, cpu = time.perf_counter(), _cpu()
    for _ in nlp.pipe(texts, batch_size=32, n_process=workers):
        pass
    return time.perf_counter() - wall, _cpu() - cpu


if __name__ == "__main__":
    main()
