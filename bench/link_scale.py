"""The link and assess stages at 20k-200k articles: seconds, articles/s, peak memory, growth.

Running spaCy over 200k articles takes hours, so the larger corpora are built at the record
level from a store that is already enriched (``--source``, default /tmp/reuters19k.duckdb: the
19k Reuters articles through enrich; it is only read, never written):

* every new article takes an existing article's shape (its sentence count) and draws that many
  sentences at random from the sentences of all articles of the same topic (the first title
  word of three letters or more, as ``_scale.py`` does with text; small topics share one pool),
  joined by one space in the drawn order;
* it carries the enrichment records of every drawn sentence: its Sentence, and the mentions,
  times, quantities, quotes and claims lying wholly inside it, with their offsets shifted to
  where the sentence now stands (a record spanning two sentences is dropped) and the sentence
  index renumbered; a claim's quantity and time ids point at the new copies;
* ``PLANTED`` (5 %) of the articles are instead near-copies of an earlier generated article:
  in ``EDITS`` (3 %) of its sentences, one word is replaced by a word of the same length, so
  every offset stays valid; records overlapping a replaced word are dropped;
* each further block of as many articles as the source has is a *world* with a vocabulary of
  its own: every content word becomes another word of the same length by a permutation fixed
  per world, in the text and the records (``_link_corpus.Vocabularies``), so a bigger corpus
  holds more events instead of retelling the same sentences more often; ``--shared-pools``
  turns this off (every article draws from the same pools in the source's words: the pairs
  sharing a sentence then grow with the square of the size);
* every record gets a fresh content-hash id (``content_id`` of the new article and the old id);
  dates come from the shape article, outlets cycle through the source's outlets.

The records go into a fresh store through ``Store.write``, every article is marked enriched and
the boilerplate marker is set (there are no drafts to learn from), so the real pipeline
(``crosscheck.pipeline.run`` with ``until``) runs only link, then assess.

    python bench/link_scale.py --sizes 20000,50000,100000,200000 [--until link|assess]
    python bench/link_scale.py --store COPY.duckdb    # re-run link+assess on an existing store

``--store`` clears the link and assess markers of that store (work on a copy) and measures the
two stages again: how the 19k before/after peak memory is taken. With ``--store``, ``--engine
ray`` runs them on a local Ray of ``--workers`` CPUs and ``--only link|assess`` runs one stage
alone in this process, so that its peak is its own (the driver's peak is printed apart from the
peak with workers). The before/after of issue 12's partitioned assessment, on 2,000 Reuters:

    python bench/link_scale.py --store COPY.duckdb --fresh --only assess [--engine ray]
    python bench/link_scale.py --store COPY.duckdb --fresh --only link [--engine ray]

``--steps`` (with ``--only link``) prints the driver's Python heap after each step of the link
stage and its peak within the step: what the driver holds, and where its peak is.

Peak RSS counts the process and its workers, sampled every 50 ms (bench/throughput.py). The near-duplicate anchor
(datasketch vs crosscheck MinHash at the same sizes) is bench/neardup.py; it is not re-run here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from throughput import PeakMemory

from crosscheck.assess import ASSESS_TABLES
from crosscheck.engine import make_engine
from crosscheck.engine.local import LocalEngine
from crosscheck.link import LINK_TABLES
from crosscheck.pipeline import run
from crosscheck.records import Article, Claim, ClaimGroup, Derivation, Story
from crosscheck.settings import Settings
from crosscheck.store import Store

DEFAULT_SOURCE = Path("/tmp/reuters19k.duckdb")


def _run_stage(store: Store, settings: Settings, engine, until: str,
               heap: bool = False) -> tuple[float, int, int]:
    """Seconds, peak RSS (MiB, with workers) and the driver's own peak RSS (MiB) of the
    pipeline run up to ``until``; with ``heap``, also the peak of the driver's Python heap
    (tracemalloc: what the stage holds in Python objects, without DuckDB's buffer pool)."""
    if heap:
        tracemalloc.start()
    start = time.perf_counter()
    with PeakMemory() as memory:
        run([], store=store, settings=settings, engine=engine, until=until)
    seconds = time.perf_counter() - start
    STEPS.mark("up to the end")
    if heap:  # the steps' marks reset the peak: the stage's is the largest of theirs
        peak = max([tracemalloc.get_traced_memory()[1], *(row[2] for row in STEPS.rows)])
        print(f"  driver Python heap peak ({until}): {peak / 2**20:.0f} MiB (tracemalloc)", flush=True)
        tracemalloc.stop()
    return seconds, memory.peak // 2**20, memory.own_peak // 2**20


class StepHeap:
    """The driver's Python heap through the link stage's steps (``--steps``, with tracemalloc
    on): at each step's start and end, the heap then and its peak since the mark before, so
    that the peak of the work between two steps (the alignment loop) shows too."""

    _STEPS = (("merge_entities", None), ("LinkedArticles", None), ("complete", "StoryFeatures"),
              ("cluster_stories", None), ("update_stories", None), ("Signatures", None),
              ("_candidate_pairs", None), ("PairCache", None), ("direct_undated_copies", None),
              ("prune_derivations", None))

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, int]] = []

    def install(self) -> None:
        import crosscheck.link as link

        for name, owner in self._STEPS:
            target = getattr(link, owner) if owner else link
            setattr(target, name, self._wrapped(getattr(target, name), name))

    def _wrapped(self, fn, name: str):
        def step(*args, **kwargs):
            self.mark(f"up to {name}")
            try:
                return fn(*args, **kwargs)
            finally:
                self.mark(name)
        return step

    def mark(self, label: str) -> None:
        if tracemalloc.is_tracing():
            current, peak = tracemalloc.get_traced_memory()
            self.rows.append((label, current, peak))
            tracemalloc.reset_peak()

    def print(self) -> None:
        print(f"  {'step':<34} {'heap MiB after':>14} {'peak MiB in it':>14}")
        for label, current, peak in self.rows:
            print(f"  {label:<34} {current / 2**20:>14.1f} {peak / 2**20:>14.1f}")


STEPS = StepHeap()


_KEPT_STATE = ("link_pairs", "link_signatures", "link_articles", "link_story_features", "link_story_pairs",
               "assess_scopes", "assess_spans")


def _warm(batch: list[int]) -> list[int]:
    """Import the corpus stages in a worker, as a pipeline's workers have after enrich."""
    import crosscheck.assess  # noqa: F401
    import crosscheck.link  # noqa: F401

    return batch


def measure(path: Path, *, workers: int, until: str, engine_name: str = "local",
            only: str | None = None, fresh: bool = False, heap: bool = False) -> dict:
    """Clear the link/assess markers of the store at ``path`` and run those stages again
    (``only``: that stage alone, in a fresh process, so its peak is its own; ``fresh``: with
    what earlier runs kept for incremental ones dropped, so everything is recomputed). The
    engine's workers are started before the clock, as in a pipeline run they are by enrich."""
    settings = Settings(workers=workers)
    engine = LocalEngine(workers=workers) if engine_name == "local" else make_engine(
        engine_name, settings=settings)
    list(engine.map_batches(_warm, [[i] for i in range(2 * workers)]))
    stages = (only,) if only else ("link", "assess")[: 1 + (until == "assess")]
    result: dict = {}
    try:
        with Store(path) as store:
            for table in _KEPT_STATE if fresh else ():
                store.con.execute(f"DROP TABLE IF EXISTS {table}")  # the stages create them
            store.con.execute("DELETE FROM markers WHERE stage IN ({})".format(
                ", ".join(f"'{s}'" for s in (stages if only else ("link", "assess")))))
            result["articles"] = store.count(Article)
            for stage in stages:
                result[stage] = _run_stage(store, settings, engine, stage, heap)
                print(f"  {path.name} ({engine_name}): {stage} {result[stage][0]:.1f} s, peak "
                      f"{result[stage][1]} MiB with workers, driver {result[stage][2]} MiB", flush=True)
            for record_type in (Story, Derivation, Claim, ClaimGroup):
                result[record_type.__name__] = store.count(record_type)
            tables = ASSESS_TABLES if only == "assess" else (*LINK_TABLES, *ASSESS_TABLES)[
                : 6 + len(ASSESS_TABLES) * ("assess" in stages)]
            result["digest"] = _digest(store, tables)
    finally:
        engine.close()
    # CPU seconds of this process and of its ended children: the local engine's workers (Ray's
    # are not this process's children once its node is gone, so they are not counted)
    times = os.times()
    result["cpu"] = times.user + times.system + times.children_user + times.children_system
    if only:
        print(f"  {path.name} ({engine_name}): CPU {result['cpu']:.1f} s in all (driver and "
              f"{'local workers' if engine_name == 'local' else 'no Ray workers'}, setup included)")
    return result


def _digest(store: Store, tables: tuple[str, ...]) -> dict[str, str]:
    """An md5 of each output table's rows in id order: equal digests, equal output."""
    return {t: store.row(f"SELECT md5(coalesce(string_agg(CAST(t AS VARCHAR), '|' ORDER BY id), '')) "
                         f"FROM {t} t")[0][:12] for t in tables}


def _line(size: str, result: dict) -> str:
    parts = [f"{size:>8}", f"{result['articles']:>8}"]
    if "link" in result:
        link_s, link_mib, _ = result["link"]
        parts += [f"{link_s:>8.1f}", f"{result['articles'] / link_s:>8.1f}", f"{link_mib:>8}"]
    else:
        parts += [f"{'-':>8}"] * 3
    if "assess" in result:
        assess_s, assess_mib, _ = result["assess"]
        parts += [f"{assess_s:>8.1f}", f"{assess_mib:>8}"]
    else:
        parts += [f"{'-':>8}", f"{'-':>8}"]
    parts += [f"{result['Story']:>8}", f"{result['Derivation']:>8}", f"{result['ClaimGroup']:>8}"]
    return " ".join(parts)


_HEADER = " ".join(f"{h:>8}" for h in ("size", "articles", "link s", "art/s", "link MiB",
                                          "assess s", "ass. MiB", "stories", "derivs", "groups"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--sizes", default="20000,50000,100000,200000")
    parser.add_argument("--store", type=Path, help="re-measure link+assess on this store (a copy)")
    parser.add_argument("--until", choices=("link", "assess"), default="assess")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="with --store: the engine (ray: a local Ray of --workers CPUs)")
    parser.add_argument("--fresh", action="store_true",
                        help="with --store: drop the state kept for incremental runs first")
    parser.add_argument("--heap", action="store_true",
                        help="with --store: print the driver's Python heap peak (tracemalloc; slower)")
    parser.add_argument("--steps", action="store_true",
                        help="with --store --only link: the driver's Python heap step by step "
                             "(tracemalloc, implies --heap)")
    parser.add_argument("--only", choices=("link", "assess"),
                        help="with --store: clear and run that stage alone (its own peak memory)")
    parser.add_argument("--keep", type=Path, help="keep the built stores in this folder")
    parser.add_argument("--shared-pools", action="store_true",
                        help="no fresh vocabulary per world: every article draws from the same "
                             "sentence pools in the source's words")
    args = parser.parse_args()
    if args.store:
        print(_HEADER)
        if args.steps:
            STEPS.install()
        result = measure(args.store, workers=args.workers, until=args.until,
                         engine_name=args.engine, only=args.only, fresh=args.fresh,
                         heap=args.heap or args.steps)
        if args.steps:
            STEPS.print()
        print(_line(args.store.name, result))
        print("output digests:", " ".join(f"{t}={d}" for t, d in result["digest"].items()))
        return
    if not args.source.exists():
        print(f"skipping link scale: enriched source store not found at {args.source} "
              "(build one with bench/pipeline_scale.py --store PATH)")
        sys.exit(0)
    from _link_corpus import build_store

    sizes = [int(s) for s in args.sizes.split(",")]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="link-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(_HEADER, flush=True)
    first = None
    for size in sizes:
        path = folder / f"scaled-{size}.duckdb"
        started = time.perf_counter()
        build_store(args.source, path, size=size, fresh=not args.shared_pools)
        built = time.perf_counter() - started
        result = measure(path, workers=args.workers, until=args.until)
        growth = "" if first is None else (f"  link time x{result['link'][0] / first[1]:.1f} "
                                           f"for x{size / first[0]:.1f} articles")
        first = first or (size, result["link"][0])
        print(_line(str(size), result) + f"  (built in {built:.0f} s){growth}", flush=True)
        if not args.keep:
            path.unlink(missing_ok=True)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
