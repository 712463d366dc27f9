"""How many conflicts (by slot) and findings (by kind) a corpus gets: the figure to watch when a
rule is meant to take false ones out, beside the same census by the code before.

Either analyses data sets into fresh stores with the code on ``sys.path`` (``--sets``: METER,
BBC News business and politics pages, Reuters' first --limit rows), or reads stores given with
``--store``; with ``--reassess``, the assess stage runs again on a copy of each store first (the
rules of this code over the store's enrichment). Run it once with ``PYTHONPATH`` on an older
checkout's ``src`` to get the "before" column: the numbers in docs/benchmarks.md came that way.

    python bench/findings_census.py --sets meter,bbc
    PYTHONPATH=OLD/src python bench/findings_census.py --sets meter,bbc
    python bench/findings_census.py --store STORE.duckdb --reassess

A read of what the counts hold is up to the reader: ``--sample N`` prints N findings of each
kind at random with their detail.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from _common import SHARED_BENCH, analysed_sets

import crosscheck
from crosscheck.assess import run_assess
from crosscheck.engine.local import LocalEngine
from crosscheck.settings import Settings
from crosscheck.store import Store

SETS = {"meter": SHARED_BENCH / "meter" / "articles.jsonl",
        "bbc": SHARED_BENCH / "bbc-news" / "articles.jsonl",
        "reuters": SHARED_BENCH / "reuters-21578" / "articles.jsonl"}


def rows_of(name: str, lines: Iterable[str], limit: int | None) -> Iterator[str]:
    """The first ``limit`` rows of a set (all without one); of BBC, of its business and
    politics pages."""
    kept = 0
    for line in lines:
        if name == "bbc" and json.loads(line).get("gold_category") not in ("business", "politics"):
            continue
        yield line
        kept += 1
        if limit is not None and kept >= limit:
            break


def census(label: str, path: Path, sample: int) -> None:
    with Store(path, read_only=True) as store:
        slots = Counter(dict(store.con.execute("SELECT slot, count(*) FROM conflicts GROUP BY 1").fetchall()))
        found = store.con.execute("SELECT kind, detail FROM findings").fetchall()
        articles = store.row("SELECT count(*) FROM articles")[0]
    # count inconsistencies and date-range ones share a kind; the census tells them apart
    kinds = Counter("count_inconsistency" if kind == "internal_inconsistency" and "two counts of" in detail
                    else kind for kind, detail in found)
    print(f"{label}: {articles:,} articles")
    print("  conflicts: " + ", ".join(f"{slot} {n:,}" for slot, n in sorted(slots.items())))
    print("  findings:  " + ", ".join(f"{kind} {n:,}" for kind, n in sorted(kinds.items())), flush=True)
    if sample:
        by_kind: dict[str, list[str]] = {}
        for kind, detail in found:
            by_kind.setdefault(kind, []).append(detail)
        for kind, details in sorted(by_kind.items()):
            for detail in random.Random(1).sample(details, min(sample, len(details))):
                print(f"    {kind}: {detail[:220]}")


def reassessed(path: Path, folder: Path) -> Path:
    copy = folder / f"reassessed-{path.name}"
    shutil.copy(path, copy)
    with Store(copy) as store:
        store.con.execute("DELETE FROM markers WHERE stage = 'assess'")
        store.con.execute("DROP TABLE IF EXISTS assess_scopes")  # every story redone
        store.con.execute("DROP TABLE IF EXISTS assess_spans")  # every article tagged again
        engine = LocalEngine(workers=2)
        run_assess(store=store, settings=Settings(workers=2), engine=engine, note=lambda *a: None)
        engine.close()
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="meter,bbc")
    parser.add_argument("--limit", type=int, help="first N rows of each set (BBC: of its business and politics pages)")
    parser.add_argument("--store", type=Path, action="append", help="read this store instead")
    parser.add_argument("--reassess", action="store_true", help="run assess again on a copy of each store first")
    parser.add_argument("--sample", type=int, default=0)
    args = parser.parse_args()
    print(f"crosscheck {crosscheck.__version__} from {Path(crosscheck.__file__).parent}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.store:
            for path in args.store:
                census(str(path), reassessed(path, folder) if args.reassess else path, args.sample)
            return
        for name, store_path in analysed_sets(SETS, args.sets.split(","), folder,
                                              lambda name, lines: rows_of(name, lines, args.limit)):
            census(name, store_path, args.sample)


if __name__ == "__main__":
    main()
