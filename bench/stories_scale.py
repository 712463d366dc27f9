"""Story clustering alone on existing stores: seconds, peak memory and a digest of the partition.

Loads the articles of each store and clusters them the way the link stage does
(``cluster_stories`` with the store's mentions and times streamed per article), then prints the
seconds the clustering took, the peak RSS of the process during it, the number of stories and an
md5 of the partition (each story's sorted member ids, stories sorted): equal digests, equal
partition, so a change to the clusterer can be checked for speed and sameness in one go. The
stores are only read. Build them with ``bench/pipeline_scale.py --store PATH`` (Reuters) or
``bench/link_scale.py --keep DIR`` (record-level corpora of 20k-200k articles).

    python bench/stories_scale.py /tmp/worlds/scaled-20000.duckdb /tmp/worlds/scaled-200000.duckdb
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import defaultdict
from pathlib import Path

from throughput import PeakMemory

from crosscheck.link.stories import cluster_stories
from crosscheck.records import Article, Mention, TimeExpr
from crosscheck.store import ArticleRecords, Store


def partition_digest(members) -> str:
    """md5 of the partition: each story's member ids sorted, the stories sorted."""
    stories = defaultdict(list)
    for member in members:
        stories[member.story].append(member.article)
    text = "\n".join(sorted(" ".join(sorted(ids)) for ids in stories.values()))
    return hashlib.md5(text.encode()).hexdigest()[:12]


def measure(path: Path) -> dict:
    with Store(path, read_only=True) as store:
        articles = list(store.iter_records(Article))
        started = time.perf_counter()
        with PeakMemory() as memory:
            stories, members = cluster_stories(articles, mentions=ArticleRecords(store, Mention),
                                               times=ArticleRecords(store, TimeExpr))
        seconds = time.perf_counter() - started
    return {"articles": len(articles), "seconds": seconds, "peak": memory.peak // 2**20,
            "stories": len(stories), "digest": partition_digest(members)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stores", type=Path, nargs="+")
    args = parser.parse_args()
    print(f"{'store':<28} {'articles':>8} {'seconds':>8} {'art/s':>8} {'peak MiB':>8} {'stories':>8}  partition md5")
    for path in args.stores:
        if not path.exists():
            print(f"skipping {path}: no such store", file=sys.stderr)
            continue
        r = measure(path)
        print(f"{path.name:<28} {r['articles']:>8} {r['seconds']:>8.1f} {r['articles'] / r['seconds']:>8.1f} "
              f"{r['peak']:>8} {r['stories']:>8}  {r['digest']}", flush=True)


if __name__ == "__main__":
    main()
