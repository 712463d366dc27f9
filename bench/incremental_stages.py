"""Where an incremental run's time goes, stage by stage, on a kept base store.

``bench/incremental.py`` builds its base store and the full run on the union every time (two
full runs: most of an hour at 17,000 Reuters rows on two cores). This script keeps the base
store in ``--folder`` (built once, the first N rows of reuters-21578) and times only the
incremental run of the next rows on a copy of it, with the last progress note of each stage and,
with ``--profile``, the driver's cProfile top functions. The share of a full run is printed
against the base build's time when this run built it (or ``--full-seconds`` when given).

    python bench/incremental_stages.py --folder DIR [--limit 17000] [--add 0.01] [--placed] [--profile]
        [--sandwich [--compare]] [--both] [--refresh-boilerplate] [--refresh-assess]

``--sandwich`` times a full run on the union of base and new rows between two incremental runs
(the machine's speed drifts within the hour: a share needs both sides measured together).

Delete ``DIR/base.duckdb`` after a change to what a batch run stores (its stages' keys), or the
incremental run redoes work a fresh base would not ask for.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import time
from pathlib import Path

from _common import SHARED_BENCH, require_dataset
from incremental import differences, story_agreement
from pipeline_scale import StageClock
from throughput import PeakMemory

from crosscheck.engine.local import LocalEngine
from crosscheck.pipeline import run
from crosscheck.records import Article
from crosscheck.report.sections import build_sections
from crosscheck.settings import Settings
from crosscheck.store import Store

REUTERS = SHARED_BENCH / "reuters-21578" / "articles.jsonl"


def timed(inputs: list[str], db: Path, settings: Settings, *, clock=None, profile=None) -> float:
    """Seconds of one run of ``inputs`` into ``db``; its peak memory (driver and workers) is
    printed."""
    engine = LocalEngine(workers=settings.workers)
    with PeakMemory() as memory, Store(db) as store:
        started = time.perf_counter()
        if profile:
            profile.enable()
        run(inputs, store=store, settings=settings, engine=engine, progress=clock)
        if profile:
            profile.disable()
        seconds = time.perf_counter() - started
    engine.close()
    print(f"  peak memory {memory.peak / 2**20:,.0f} MiB (driver {memory.own_peak / 2**20:,.0f} MiB)", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, required=True, help="where the base store is kept")
    parser.add_argument("--limit", type=int, default=17000)
    parser.add_argument("--add", type=float, default=0.01)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--placed", action="store_true", help="incremental_stories=true")
    parser.add_argument("--both", action="store_true",
                        help="run the incremental step with incremental_stories=true and with the default, "
                             "each time (with --sandwich: both before and after the one full run)")
    parser.add_argument("--profile", action="store_true", help="cProfile the driver, print the top --top")
    parser.add_argument("--full-seconds", type=float, help="a full run's time to compare with")
    parser.add_argument("--top", type=int, default=40, help="profile lines printed")
    parser.add_argument("--sandwich", action="store_true",
                        help="time a full run on the union between two incremental runs and give both shares")
    parser.add_argument("--compare", action="store_true",
                        help="with --sandwich: compare each incremental store after the full run with the full "
                             "run's, every section (and the stories' agreement for incremental_stories=true)")
    parser.add_argument("--refresh-boilerplate", action="store_true",
                        help="first run the boilerplate stage again on the kept base store, so that its kept "
                             "state is the current code's (after a change to boilerplate_state.py); the "
                             "articles stay the same")
    parser.add_argument("--refresh-assess", action="store_true",
                        help="first run the assess stage again on the kept base store, so that its kept "
                             "story fingerprints are the current code's (after a change to assess/scope.py)")
    args = parser.parse_args()
    require_dataset(REUTERS, name="incremental stages")
    args.folder.mkdir(parents=True, exist_ok=True)
    extra = int(args.limit * args.add)
    with REUTERS.open(encoding="utf-8") as rows:
        lines = [line for _, line in zip(range(args.limit + extra), rows)]
    base, new = args.folder / "base.jsonl", args.folder / "new.jsonl"
    base.write_text("".join(lines[:args.limit]), encoding="utf-8")
    new.write_text("".join(lines[args.limit:]), encoding="utf-8")
    full = args.full_seconds
    if not (args.folder / "base.duckdb").exists():
        building = args.folder / "building.duckdb"
        building.unlink(missing_ok=True)
        full = timed([str(base)], building, Settings(workers=args.workers))
        building.rename(args.folder / "base.duckdb")
        print(f"base store of {args.limit} rows built in {full:.1f} s", flush=True)
    for stage, wanted in (("boilerplate", args.refresh_boilerplate), ("assess", args.refresh_assess)):
        if not wanted:
            continue
        with Store(args.folder / "base.duckdb") as store:
            store.con.execute("DELETE FROM markers WHERE stage = ?", [stage])
            started = time.perf_counter()
            run([], store=store, settings=Settings(workers=args.workers), engine=LocalEngine(workers=1),
                until=stage)
            print(f"{stage} state of the base store refreshed in {time.perf_counter() - started:.1f} s")
    modes = (True, False) if args.both else (args.placed,)
    every = {placed: Settings(workers=args.workers, incremental_stories=placed) for placed in modes}
    first = {placed: incremental(args, new, settings) for placed, settings in every.items()}
    if args.sandwich:
        # the full run on the union between two incremental runs: the machine's speed drifts
        union = args.folder / "union.duckdb"
        union.unlink(missing_ok=True)
        full = timed([str(base), str(new)], union, Settings(workers=args.workers))
        print(f"full run of {args.limit + extra} rows: {full:.1f} s", flush=True)
        second = {}
        for placed, settings in every.items():
            second[placed] = incremental(args, new, settings)
            if args.compare:
                batch, grown = sections(union), sections(args.folder / "grown.duckdb")
                print(f"  against the full run: {differences(batch, grown)}"
                      + (f"; {story_agreement(batch, grown)}" if placed else ""), flush=True)
        for placed in modes:
            one, two = first[placed], second[placed]
            print(f"incremental runs (incremental_stories={str(placed).lower()}): {one:.1f} s and {two:.1f} s "
                  f"around the full run: {one / full:.1%} and {two / full:.1%} of it")
    elif full:
        for placed, seconds in first.items():
            print(f"  incremental_stories={str(placed).lower()}: {seconds / full:.1%} of a full run of {full:.1f} s")


def sections(db: Path) -> dict:
    """Every section of a store's analysis, and its article ids (``bench/incremental.py``)."""
    with Store(db, read_only=True) as store:
        found = build_sections(store)
        found["articles"] = sorted(a.id for a in store.iter_records(Article))
    return found


def incremental(args, new: Path, settings: Settings) -> float:
    """One incremental run of ``new`` on a copy of the kept base store, with its stage times."""
    grown = args.folder / "grown.duckdb"
    shutil.copy(args.folder / "base.duckdb", grown)
    clock, profile = StageClock(), (cProfile.Profile() if args.profile else None)
    seconds = timed([str(new)], grown, settings, clock=clock, profile=profile)
    extra = sum(1 for _ in new.open(encoding="utf-8"))
    print(f"+ {extra} rows (incremental_stories={str(settings.incremental_stories).lower()}): {seconds:.1f} s",
          flush=True)
    last = 0.0
    stages = []
    for stage, (_, end) in clock.seen.items():
        stages.append(f"{stage} {end - last:.1f}")
        last = end
    print("  stage seconds (to its last progress note): " + ", ".join(stages), flush=True)
    if profile:
        profile.dump_stats(args.folder / "incremental.prof")  # for pstats' callers and callees
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
    return seconds

if __name__ == "__main__":
    main()
