"""Incremental runs: a store of N Reuters articles, then 1 % and 10 % new articles added with
``analyze NEW --db STORE`` (only the new rows given; the store holds the rest), beside a full
run on the union in the same run; and whether the two give the same analysis (section by
section); with --placed, also with new articles placed in the stored stories
(incremental_stories=true) and how far its stories are from the batch's. Also the seeds and the
example corpus split in two and three parts, each run given its own part, against one batch run.

    python bench/incremental.py [--limit 2000] [--adds 0.01,0.1] [--workers 2] [--sets reuters,seeds,examples] [--placed]

Times are wall seconds of ``run()`` (ingest to assess) in this process; peak memory is the
largest resident set of this process and its workers while the run lasts. Each run starts its
own process pool, as ``crosscheck analyze`` does.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import tempfile
import time
from pathlib import Path

from _common import REPO_ROOT, SHARED_BENCH
from incremental_redo import print_reasons
from pipeline_scale import StageClock
from throughput import PeakMemory

from crosscheck.engine.local import LocalEngine
from crosscheck.pipeline import run
from crosscheck.report.sections import build_sections
from crosscheck.records import Article
from crosscheck.settings import Settings
from crosscheck.store import Store

REUTERS = SHARED_BENCH / "reuters-21578" / "articles.jsonl"
SEEDS = REPO_ROOT.parent / "shared" / "corpus" / "seeds"


def timed_run(inputs: list[str], db: Path, settings: Settings, *,
              clock: StageClock | None = None) -> tuple[float, float, dict]:
    """Seconds, peak MiB and the analysis sections of one run of ``inputs`` into ``db``;
    ``clock`` notes when each stage reported progress."""
    engine = LocalEngine(workers=settings.workers)
    with PeakMemory() as memory, Store(db) as store:
        started = time.perf_counter()
        run(inputs, store=store, settings=settings, engine=engine, progress=clock)
        seconds = time.perf_counter() - started
        sections = build_sections(store)
        sections["articles"] = sorted(a.id for a in store.iter_records(Article))
    engine.close()
    return seconds, memory.peak / 2**20, sections


def differences(batch: dict, incremental: dict) -> str:
    """``same`` or the sections that differ, with how many records each side holds."""
    differ = []
    for key in batch:
        a = sorted(json.dumps(r, sort_keys=True, default=str) for r in batch[key])
        b = sorted(json.dumps(r, sort_keys=True, default=str) for r in incremental[key])
        if a != b:
            differ.append(f"{key} {len(set(a) - set(b))}/{len(a)} batch records not in the incremental run")
    return "same" if not differ else "; ".join(differ)


def story_agreement(batch: dict, incremental: dict) -> str:
    """How far the incremental story partition is from the batch's: articles in a story with
    other members than in the batch run, and B-cubed F1 of one against the other."""
    def story_of(sections: dict) -> dict[str, frozenset]:
        return {a: frozenset(s["articles"]) for s in sections["stories"] for a in s["articles"]}

    want, got = story_of(batch), story_of(incremental)
    moved = sum(1 for a in want if got.get(a) != want[a])
    precision = sum(len(got[a] & want[a]) / len(got[a]) for a in want) / len(want)
    recall = sum(len(got[a] & want[a]) / len(want[a]) for a in want) / len(want)
    return (f"{moved}/{len(want)} articles in a story with other members, story B-cubed F1 "
            f"{2 * precision * recall / (precision + recall):.4f}")


def reuters(limit: int, adds: list[float], settings: Settings, tmp: Path, *, placed: bool) -> None:
    if not REUTERS.exists():
        print(f"reuters: {REUTERS} missing, skipped")
        return
    extra = max(int(limit * a) for a in adds)
    with REUTERS.open(encoding="utf-8") as rows:
        lines = [line for _, line in zip(range(limit + extra), rows)]
    base = tmp / "base.jsonl"
    base.write_text("".join(lines[:limit]), encoding="utf-8")
    seconds, peak, _ = timed_run([str(base)], tmp / "base.duckdb", settings)
    print(f"reuters: store of {limit} rows built in {seconds:.1f} s, peak {peak:,.0f} MiB", flush=True)
    print(f"{'added':>8} {'incremental s':>14} {'MiB':>7} {'full run s':>11} {'MiB':>7} {'share':>7}  same answer")
    for share in adds:
        new = tmp / f"new-{share}.jsonl"
        new.write_text("".join(lines[limit:limit + int(limit * share)]), encoding="utf-8")
        inputs = [str(base), str(new)]
        shutil.copy(tmp / "base.duckdb", tmp / "grown.duckdb")
        clock = StageClock()
        # `crosscheck analyze NEW --db STORE`: the store holds the rest
        inc_s, inc_mb, inc = timed_run([str(new)], tmp / "grown.duckdb", settings, clock=clock)
        full_s, full_mb, full = timed_run(inputs, tmp / f"full-{share}.duckdb", settings)
        print(f"{int(limit * share):>8} {inc_s:>14.1f} {inc_mb:>7,.0f} {full_s:>11.1f} {full_mb:>7,.0f} "
              f"{inc_s / full_s:>7.1%}  {differences(full, inc)}", flush=True)
        print("         incremental run, last progress note per stage (s): " + ", ".join(
            f"{stage} {last:.1f}" for stage, (_, last) in clock.seen.items()), flush=True)
        print_reasons(str(tmp / "base.duckdb"), str(tmp / "grown.duckdb"))
        if placed:
            shutil.copy(tmp / "base.duckdb", tmp / "grown.duckdb")
            ex_s, ex_mb, ex = timed_run([str(new)], tmp / "grown.duckdb",
                                        Settings(workers=settings.workers, incremental_stories=True))
            print(f"         with incremental_stories=true: {ex_s:.1f} s ({ex_s / full_s:.1%} of the full "
                  f"run), {ex_mb:,.0f} MiB; {differences(full, ex)}", flush=True)
            print(f"         stories placed: {story_agreement(full, ex)}", flush=True)
            print_reasons(str(tmp / "base.duckdb"), str(tmp / "grown.duckdb"))
        (tmp / f"full-{share}.duckdb").unlink()


def split(name: str, files: list[str], settings: Settings, tmp: Path) -> None:
    if not files:
        print(f"{name}: missing, skipped")
        return
    _, _, batch = timed_run(files, tmp / f"{name}-batch.duckdb", settings)
    for placed, parts in itertools.product((False, True), (2, 3)):
        grow = Settings(workers=settings.workers, incremental_stories=placed)
        db = tmp / f"{name}-{parts}-{placed}.duckdb"
        for k in range(parts):  # each run is given only its own part: the store holds the rest
            _, _, grown = timed_run(files[k::parts], db, grow)
        print(f"{name}, {len(files)} files in {parts} interleaved parts (incremental_stories="
              f"{str(placed).lower()}) vs one batch run: {differences(batch, grown)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=2000)
    parser.add_argument("--adds", default="0.01,0.1")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sets", default="reuters,seeds,examples")
    parser.add_argument("--placed", action="store_true",
                        help="also grow the store with incremental_stories=true (new articles placed in stored stories)")
    args = parser.parse_args()
    settings = Settings(workers=args.workers)
    sets = args.sets.split(",")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if "examples" in sets:
            files = sorted(str(p) for p in (REPO_ROOT / "examples" / "corpus").rglob("*") if p.is_file())
            split("examples", files, settings, tmp)
        if "seeds" in sets:
            split("seeds", sorted(str(p) for p in SEEDS.glob("*") if p.is_file()) if SEEDS.exists() else [],
                  settings, tmp)
        if "reuters" in sets:
            reuters(args.limit, [float(a) for a in args.adds.split(",")], settings, tmp,
                    placed=args.placed)


if __name__ == "__main__":
    main()
