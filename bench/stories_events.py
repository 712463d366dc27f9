"""Do event records help story clustering? ECB+ by topic-fold cross-validation.

Story clustering compares articles by their words and entity keys. Two similar events (two
arrests, two earthquakes) share words; what tells them apart is what an event record holds:
action, place, time, count. This experiment adds each article's asserted event mentions to its
entity features as keys of their own (``event:ACTION``, ``event:ACTION@PLACE`` for a city or
province, ``event:ACTION#COUNT``) and clusters ECB+ dev with and without them, over a grid of
entity weights, all from the pipeline's own enrich stage on the texts as given.

Settings are chosen by cross-validation across topic folds: for each fold, the configuration
with the best B-cubed F1 on the other folds' topics is scored on the fold's own topics (each
fold clustered alone). It prints the per-fold scores, their mean and spread, next to the
shipped settings scored the same way, and the TF-IDF + agglomerative baseline.

Example:
    python bench/stories_events.py --cache /tmp/ecb_events.pkl --folds 5
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from stories import baseline, bcubed, load_ecbplus  # noqa: E402

from crosscheck.enrich import enrich_batch  # noqa: E402
from crosscheck.link.stories import StorySettings, cluster_stories  # noqa: E402
from crosscheck.records import EventMention, Mention, Place, TimeExpr  # noqa: E402
from crosscheck.settings import Settings  # noqa: E402

WEIGHTS = (0.2, 0.3, 0.4)


def enrichment(articles, cache: str | None):
    if cache and Path(cache).exists():
        return pickle.loads(Path(cache).read_bytes())
    records = []
    for i in range(0, len(articles), 32):
        records += enrich_batch(articles[i:i + 32], settings=Settings())
    if cache:
        Path(cache).write_bytes(pickle.dumps(records))
    return records


def event_keys(records) -> dict[str, list[Mention]]:
    """Each article's asserted event mentions as pseudo-mentions (label EVENT) with event keys."""
    places = {r.id: r for r in records if isinstance(r, Place)}
    quantities = {r.id: r for r in records if type(r).__name__ == "Quantity"}
    keys: dict[str, list[Mention]] = defaultdict(list)
    for m in records:
        if not isinstance(m, EventMention) or m.status != "asserted":
            continue
        found = [f"event:{m.action}"]
        for pid in m.places:
            p = places.get(pid)
            if p is not None and p.precision in ("city", "province"):
                found.append(f"event:{m.action}@{p.name}")
        count = quantities.get(m.count or "")
        if count is not None and count.value is not None:
            found.append(f"event:{m.action}#{int(count.value)}")
        for key in found:
            keys[m.article].append(Mention(f"{m.id}:{key}", m.article, m.start, m.end, m.trigger,
                                           "EVENT", key, key, m.sentence))
    return keys


def partition(articles, mentions, times, weight: float) -> dict[str, str]:
    settings = StorySettings(entity_weight=weight)
    _stories, members = cluster_stories(articles, mentions=mentions, times=times, settings=settings)
    return {m.article: m.story for m in members}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", help="keep ECB+'s enrichment here (shared with bench/events.py)")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    path = require_dataset(SHARED_BENCH / "ecbplus" / "articles.jsonl", name="ecbplus")
    articles, gold, topics = load_ecbplus(path, limit=None)
    started = time.perf_counter()
    records = enrichment(articles, args.cache)
    print(f"ECB+: {len(articles)} articles; enrichment {time.perf_counter() - started:.0f} s")
    mentions: dict[str, list] = defaultdict(list)
    times: dict[str, list] = defaultdict(list)
    for r in records:
        if isinstance(r, Mention):
            mentions[r.article].append(r)
        elif isinstance(r, TimeExpr):
            times[r.article].append(r)
    events = event_keys(records)
    with_events = {a.id: mentions[a.id] + events.get(a.id, []) for a in articles}
    print(f"articles with event keys: {sum(1 for a in articles if events.get(a.id))}")
    ordered = sorted({t for t in topics.values()}, key=int)
    folds = [set(ordered[i::args.folds]) for i in range(args.folds)]
    configs = [(name, weight) for name in ("entities", "entities+events") for weight in WEIGHTS]
    # score[(config)][fold] = B3-F1 of that fold's topics clustered alone
    score: dict[tuple, list[float]] = {}
    for name, weight in configs:
        feats = with_events if name.endswith("events") else mentions
        score[(name, weight)] = []
        for fold in folds:
            part = [a for a in articles if topics[a.id] in fold]
            labels = partition(part, feats, times, weight)
            score[(name, weight)].append(bcubed(labels, {a.id: gold[a.id] for a in part})[2])
    print(f"{'configuration':<30} " + " ".join(f"fold{i + 1:<3}" for i in range(args.folds)) + "  mean")
    for config, values in score.items():
        print(f"{config[0] + ' w=' + str(config[1]):<30} " + " ".join(f"{v:.3f}  " for v in values)
              + f" {statistics.mean(values):.3f}")
    for name in ("entities", "entities+events"):
        chosen = []
        for i in range(args.folds):
            best = max((c for c in configs if c[0] == name),
                       key=lambda c: (statistics.mean(v for j, v in enumerate(score[c]) if j != i), -c[1]))
            chosen.append((best[1], score[best][i]))
        values = [v for _, v in chosen]
        print(f"cross-validated {name:<16}: B3-F1 per fold {', '.join(f'{v:.3f}' for v in values)}; "
              f"mean {statistics.mean(values):.3f}, spread {min(values):.3f}-{max(values):.3f}; "
              f"weights chosen {[w for w, _ in chosen]}")
    shipped = score[("entities", StorySettings().entity_weight)]
    print(f"shipped settings (entities, w={StorySettings().entity_weight}): mean {statistics.mean(shipped):.3f}, "
          f"spread {min(shipped):.3f}-{max(shipped):.3f}")
    base = []
    for fold in folds:
        part = [a for a in articles if topics[a.id] in fold]
        base.append(bcubed(baseline(part, distance=0.8), {a.id: gold[a.id] for a in part})[2])
    print(f"baseline tf-idf+agglomerative d=0.8: mean {statistics.mean(base):.3f}, spread {min(base):.3f}-{max(base):.3f}")


if __name__ == "__main__":
    main()
