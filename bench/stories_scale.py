"""Story clustering alone on existing stores: seconds, peak memory and a digest of the partition.

Loads the articles of each store and clusters them the way the link stage does
(``cluster_stories`` with the store's mentions and times streamed per article), then prints the
seconds the clustering took, the peak RSS of the process during it, the number of stories and an
md5 of the partition (each story's sorted member ids, stories sorted): equal digests, equal
partition, so a change to the clusterer can be checked for speed and sameness in one go. The
stores are only read. Build them with ``bench/pipeline_scale.py --store PATH`` (Reuters) or
``bench/link_scale.py --keep DIR`` (record-level corpora of 20k-200k articles).

    python bench/stories_scale.py /tmp/worlds/scaled-20000.duckdb /tmp/worlds/scaled-200000.duckdb

With ``--components`` it also prints the connected components of the pairs at or above
``link_threshold``: agglomeration never merges across them (a story pair's mean similarity is at
most its best member pair's), so they are the parts the clustering could be split into; one
component holding nearly every article means it cannot be split.
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


def strong_components(articles, mentions, times) -> str:
    """Components of the pairs at or above the link threshold: how many, the largest, and its
    share of the articles and of the pairs above the floor."""
    import numpy as np
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    from crosscheck.link.stories import feature_pairs
    from crosscheck.link.story_features import _features, _settings

    opts = _settings(None)
    feats = [_features(a, mentions.get(a.id, ()), times.get(a.id, ()), opts)
             for a in sorted(articles, key=lambda a: a.id)]
    _, pairs = feature_pairs(feats, opts)
    strong = pairs.score >= opts.link_threshold
    n = len(feats)
    graph = sparse.coo_matrix((np.ones(int(strong.sum())), (pairs.first[strong], pairs.second[strong])),
                              shape=(n, n))
    count, label = connected_components(graph, directed=False)
    sizes = np.bincount(label)
    big = int(np.argmax(sizes))
    inside = int(((label[pairs.first] == big) & (label[pairs.second] == big)).sum())
    return (f"{count} components of pairs >= {opts.link_threshold}; the largest holds {sizes[big]} of {n} "
            f"articles and {inside} of {len(pairs)} pairs above the floor")


def measure(path: Path, *, components: bool = False) -> dict:
    with Store(path, read_only=True) as store:
        articles = list(store.iter_records(Article))
        started = time.perf_counter()
        with PeakMemory() as memory:
            stories, members = cluster_stories(articles, mentions=ArticleRecords(store, Mention),
                                               times=ArticleRecords(store, TimeExpr))
        seconds = time.perf_counter() - started
        found = {"articles": len(articles), "seconds": seconds, "peak": memory.peak // 2**20,
                 "stories": len(stories), "digest": partition_digest(members)}
        if components:
            found["components"] = strong_components(articles, ArticleRecords(store, Mention),
                                                    ArticleRecords(store, TimeExpr))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stores", type=Path, nargs="+")
    parser.add_argument("--components", action="store_true",
                        help="also the connected components of the pairs at or above the link threshold")
    args = parser.parse_args()
    print(f"{'store':<28} {'articles':>8} {'seconds':>8} {'art/s':>8} {'peak MiB':>8} {'stories':>8}  partition md5")
    for path in args.stores:
        if not path.exists():
            print(f"skipping {path}: no such store", file=sys.stderr)
            continue
        r = measure(path, components=args.components)
        print(f"{path.name:<28} {r['articles']:>8} {r['seconds']:>8.1f} {r['articles'] / r['seconds']:>8.1f} "
              f"{r['peak']:>8} {r['stories']:>8}  {r['digest']}", flush=True)
        if "components" in r:
            print(f"{'':<28} {r['components']}", flush=True)


if __name__ == "__main__":
    main()
