"""Same corpus, same answer: one set analysed from two folders and through a symlink.

Copies a set into two differently named folders at different depths and links a third name to
one of them, runs the whole pipeline on each (``crosscheck analyze``'s own ``run``), and counts
what differs between the ``analysis.json`` files once the reported ``source`` paths are taken
out: articles, stories, derivations (an edge in one run only, or the same pair with another kind,
direction or score), claim groups and the rest. Every count must be 0.

The anchor is the figure the problem was found with: before ids stopped depending on the path,
the METER set copied into another folder gave 69 of 718 derivations that differed, and other
claim groups.

``--path-ids`` also runs the two folders with the earlier, path-dependent ids (the ingest step
that re-keys ids switched off), so the figure it replaces is measured in the same run.

Example:
    python bench/same_answer.py                       # example corpus and seeds
    python bench/same_answer.py --sets meter --path-ids   # METER (807 articles; minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, SHARED_BENCH  # noqa: E402
import crosscheck.ingest as ingest  # noqa: E402
from crosscheck.engine import make_engine  # noqa: E402
from crosscheck.pipeline import run  # noqa: E402
from crosscheck.report.json import build_analysis  # noqa: E402
from crosscheck.settings import Settings  # noqa: E402
from crosscheck.store import Store  # noqa: E402

SETS = {
    "examples": REPO_ROOT / "examples" / "corpus",
    "seeds": SHARED_BENCH.parent / "corpus" / "seeds",
    "meter": SHARED_BENCH / "meter" / "articles.jsonl",
}


def analysis_of(inputs: list[str], workers: int) -> dict:
    settings = Settings(workers=workers)
    engine = make_engine("local", settings=settings)
    try:
        with Store(":memory:") as store:
            run(inputs, store=store, settings=settings, engine=engine)
            return build_analysis(store)
    finally:
        engine.close()


def without_sources(analysis: dict) -> dict:
    analysis = json.loads(json.dumps(analysis))
    for row in analysis["articles"] + analysis["rejected"]:
        row.pop("source")
    return analysis


def _derivation_key(d: dict) -> tuple:
    return (d["source"], d["derived"])


def differences(a: dict, b: dict) -> dict[str, str]:
    """Per section: how many entries differ, out of how many."""
    out = {}
    for section in a:
        if not isinstance(a[section], list):
            out[section] = "same" if a[section] == b[section] else "differs"
            continue
        if section == "derivations":
            left = {_derivation_key(d): d for d in a[section]}
            right = {_derivation_key(d): d for d in b[section]}
            keys = set(left) | set(right)
            bad = sum(1 for k in keys if left.get(k) != right.get(k))
        else:
            right = {json.dumps(x, sort_keys=True) for x in b[section]}
            bad = sum(1 for x in a[section] if json.dumps(x, sort_keys=True) not in right)
            bad += max(0, len(b[section]) - len(a[section]))
        out[section] = f"{bad}/{max(len(a[section]), len(b[section]))}"
    return out


def check(name: str, path: Path, workers: int, *, path_ids: bool = False) -> bool:
    if not path.exists():
        print(f"skipping {name}: data set not found at {path}")
        return True
    with tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp) / "first" / path.name
        second = Path(tmp) / "elsewhere" / "deeper" / path.name
        for target in (first, second):
            target.parent.mkdir(parents=True)
            (shutil.copytree if path.is_dir() else shutil.copy)(path, target)
        link = Path(tmp) / "linked"
        os.symlink(second.parent if path.is_file() else second, link)
        via_link = link / path.name if path.is_file() else link
        if path_ids:
            _path_dependent(name, first, second, workers)
        runs = []
        for where in (first, second, via_link):
            started = time.perf_counter()
            runs.append(without_sources(analysis_of([str(where)], workers)))
            print(f"  {name}: analysed from {where.relative_to(tmp)} in {time.perf_counter() - started:.1f} s")
    same = True
    for label, other in (("other folder", runs[1]), ("symlinked folder", runs[2])):
        diff = differences(runs[0], other)
        identical = json.dumps(runs[0], sort_keys=True) == json.dumps(other, sort_keys=True)
        same &= identical
        counts = ", ".join(f"{k} {v}" for k, v in diff.items() if k != "crosscheck_version")
        print(f"{name:9s} {label:17s} identical={identical}  differing: {counts}")
    return same


def _path_dependent(name: str, first: Path, second: Path, workers: int) -> None:
    """The two folders with ids hashed from the whole source path, as before. Ids then differ
    by construction, so the runs are compared on what a reader sees once every article is
    named by its path inside the folder: which pair is an edge with which kind, direction and
    score; which articles make a story, a claim group (with its origins) or an event."""
    keyed = ingest.located
    ingest.located = lambda records, prefix: records
    try:
        runs = [(analysis_of([str(where)], workers), where) for where in (first, second)]
    finally:
        ingest.located = keyed
    left, right = (structure(analysis, where) for analysis, where in runs)
    # entries of the first run the second lacks (as they are: same kind, score, origins...)
    counts = ", ".join(f"{k} {len(left[k] - right[k])}/{len(left[k])}" for k in left)
    print(f"{name:9s} {'path-dependent ids':17s} differing: {counts}")


def structure(analysis: dict, root: Path) -> dict[str, set]:
    """The analysis with every article named by its source inside ``root`` (see above)."""
    prefix = str(root.parent if root.is_file() else root) + "/"
    name = {a["id"]: a["source"].removeprefix(prefix) for a in analysis["articles"]}
    members = lambda ids: tuple(sorted(name.get(i, i) for i in ids))  # noqa: E731
    return {
        "derivations": {(name[d["source"]], name[d["derived"]], d["kind"], d["direction"],
                         round(d["score"], 3)) for d in analysis["derivations"]},
        "stories": {members(s["articles"]) for s in analysis["stories"]},
        "claim_groups": {(members(g["articles"]), g["origins"], g["key"]) for g in analysis["claim_groups"]},
        "events": {(e["action"], members(e["articles"]), e["origins"]) for e in analysis.get("events", [])},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", choices=sorted(SETS), default=["examples", "seeds"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--path-ids", action="store_true",
                        help="also run with the earlier path-dependent ids, for comparison")
    args = parser.parse_args()
    print("anchor (before location-independent ids): METER from another folder, 69/718 derivations differed")
    ok = all([check(name, SETS[name], args.workers, path_ids=args.path_ids) for name in args.sets])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
