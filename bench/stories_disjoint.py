"""Pairs of articles that name entities but share none: do they keep their similarity?

On Reuters, dividend notices and quarterly results of different companies are written from one
template (a dividend per share against the prior one, a payment date, a record date): their
words agree, the company each names does not, and story clustering put up to sixty issuers in
one story; every figure of one then "conflicts" with another's. ``disjoint_share`` multiplies
the similarity of a pair whose two articles both name entities and share none; 1 is the
clustering as shipped before it.

Each value is scored by topic-fold cross-validation on ECB+ (each fold's topics clustered alone;
for each fold, the value best on the other folds), on METER (its ``gold_story``, the whole
set at once) and on the seeds (000/002/004 one story, 001/003 another); on Reuters, which has
no gold stories, the proxy is how many stories mix two or more ticker symbols in their
headlines (an acquirer and its target share a story rightly, so the count is an upper bound of
the mixed-issuer stories), beside the number of stories.

    python bench/stories_disjoint.py [--cache ECB_PICKLE] [--folds 3 5 7] [--meter STORE]
                                     [--reuters STORE]

``--meter`` and ``--reuters`` read a store the pipeline filled from ``meter/articles.jsonl``
and from Reuters rows (its mentions and times); without them those parts are skipped.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from collections import defaultdict
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from stories import bcubed, load_ecbplus, stored_inputs  # noqa: E402
from stories_event_rules import (Corpus, Rule, corpus, cross_validated, load_seeds,  # noqa: E402
                                 partition, seed_partition)
from stories_events import enrichment  # noqa: E402
from stories_followups import score, summary  # noqa: E402

from crosscheck.records import Article  # noqa: E402
from crosscheck.store import Store  # noqa: E402

METER = SHARED_BENCH / "meter" / "articles.jsonl"
SHARES = (1.0, 0.75, 0.5, 0.25, 0.0)
_TICKER = re.compile(r"<([A-Z][A-Z0-9.]*)>")


def rules() -> list[Rule]:
    return [Rule(f"disjoint share {s}", opts={"disjoint_share": s}) for s in SHARES]


def stored(path: Path) -> tuple[list[Article], Corpus]:
    with Store(path, read_only=True) as store:
        articles, mentions, times = stored_inputs(store)
    return articles, Corpus(mentions, times, {})


def meter_gold(articles: list[Article]) -> dict[str, str]:
    """Each METER article's ``gold_story``, found by the row id its source ends with."""
    rows = (json.loads(line) for line in METER.open(encoding="utf-8") if line.strip())
    story = {r["id"]: r["gold_story"] for r in rows}
    return {a.id: story[a.source.rpartition("#")[2]] for a in articles
            if a.source.rpartition("#")[2] in story}


def mixed_issuers(articles: list[Article], found: dict[str, int]) -> tuple[int, int, int]:
    """Stories of two or more articles, those whose headlines carry two or more tickers, and
    the largest story."""
    members: dict[int, list[Article]] = defaultdict(list)
    for a in articles:
        members[found[a.id]].append(a)
    shared = [m for m in members.values() if len(m) > 1]
    mixed = sum(len({t for a in m for t in _TICKER.findall(a.title or "")}) > 1 for m in shared)
    return len(shared), mixed, max((len(m) for m in members.values()), default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", help="keep ECB+'s enrichment here (shared with bench/stories_events.py)")
    parser.add_argument("--folds", type=int, nargs="+", default=[3, 5, 7])
    parser.add_argument("--meter", type=Path, help="a store of meter/articles.jsonl")
    parser.add_argument("--reuters", type=Path, help="a store of Reuters rows")
    args = parser.parse_args()
    grid = rules()
    seeds = load_seeds()
    right = {}
    if seeds is not None:
        print("Seeds (000/002/004 one story, 001/003 another):")
        for rule in grid:
            found, right[rule.name] = seed_partition(seeds, rule)
            print(f"  {rule.name:<24} {found}  {'kept apart' if right[rule.name] else 'WRONG'}")
    if args.meter is not None:
        articles, data = stored(args.meter)
        gold = meter_gold(articles)
        articles = [a for a in articles if a.id in gold]
        texts = {a.id: a.text for a in articles}
        print(f"METER: {len(articles)} articles, {len(set(gold.values()))} gold stories")
        for rule in grid:
            p, r, f = bcubed(partition(articles, data, rule, texts), gold)
            print(f"  {rule.name:<24} B-cubed P {p:.3f} R {r:.3f} F1 {f:.3f}")
    if args.reuters is not None:
        articles, data = stored(args.reuters)
        texts = {a.id: a.text for a in articles}
        print(f"Reuters: {len(articles)} articles (no gold stories; tickers in headlines as the proxy)")
        for rule in grid:
            shared, mixed, largest = mixed_issuers(articles, partition(articles, data, rule, texts))
            print(f"  {rule.name:<24} stories of 2+ articles {shared:,}; with 2+ tickers {mixed:,} "
                  f"({mixed / max(1, shared):.1%}); largest {largest}")
    path = require_dataset(SHARED_BENCH / "ecbplus" / "articles.jsonl", name="ecbplus")
    articles, gold, topics = load_ecbplus(path, limit=None)
    texts = {a.id: a.text for a in articles}
    data = corpus(enrichment(articles, args.cache))
    ordered = sorted(set(topics.values()), key=int)
    print(f"ECB+: {len(articles)} articles, {len(ordered)} topics")
    for k in args.folds:
        folds = [set(ordered[i::k]) for i in range(k)]
        table = score(articles, gold, topics, data, texts, folds, grid)
        for rule in grid:
            print(f"  {k} folds, {rule.name:<24} {' '.join(f'{v:.3f}' for v in table[rule.name])}"
                  f"  mean {statistics.mean(table[rule.name]):.3f}")
        family = [r for r in grid if right.get(r.name, True)]
        values, chosen = cross_validated(table, family)
        print(f"  {k} folds, CV over the shares: {summary(values)}; chosen: {', '.join(chosen)}")
        print(f"  {k} folds, shipped before (share 1.0): {summary(table[grid[0].name])}")


if __name__ == "__main__":
    main()
