"""Follow-ups across the time window: ECB+ by topic-fold cross-validation, and the seeds.

Story clustering keeps two stories apart when their median anchor dates lie more than
``window_days`` (90) apart: the same kind of event a year later is another event. ECB+'s gold
stories also hold follow-ups: the trial two years after a shooting, the conviction after a
murder. Those later reports name the earlier event's date ("the September 2010 shooting",
"killed on Oct. 21, 2011"), while a second wave of arrests a year later (the seeds' 001/003
after 000/002/004) names no date of the first. The follow-up rule lets two stories beyond the
window merge when one of them names a date (at most a month wide) within ``followup_days`` of
the other's median anchor.

Every configuration is scored on each fold of topics clustered alone and on the seeds (whose
texts carry no publication date: 000/002/004 one story, 001/003 another), and settings are
chosen by cross-validation: for each fold, the configuration best on the other folds among
those that keep the seeds right. Configurations: ``followup_days`` (off, 0, 7, 31, 90) times
``entity_weight`` (0.2, 0.3), each without and with the count veto of
``bench/stories_event_rules.py`` (2+ members). For reference, undated articles taking no anchor
date from their text (``lead_chars`` 0), the variant that puts all five seeds in one story, and
the TF-IDF + agglomerative baseline, in the same run.

Example:
    python bench/stories_followups.py --cache /tmp/ecb_events.pkl --folds 3 5 7
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from stories import baseline, bcubed, load_ecbplus  # noqa: E402
from stories_event_rules import (Rule, corpus, cross_validated, load_seeds, partition,  # noqa: E402
                                 seed_partition)
from stories_events import enrichment  # noqa: E402

FOLLOWUP_DAYS = (None, 0, 7, 31, 90)
WEIGHTS = (0.2, 0.3)


def grid() -> list[Rule]:
    """The configurations, the clustering before the follow-up rule first (ties go to it)."""
    rules = [Rule("before: no follow-ups, weight 0.3", opts={"followup_days": None, "entity_weight": 0.3})]
    for veto in (None, "count"):
        for days in FOLLOWUP_DAYS:
            for weight in WEIGHTS:
                name = f"follow-ups {days}, weight {weight}" + (", count veto" if veto else "")
                if days is None and weight == 0.3 and veto is None:
                    continue  # that is "before"
                if days is None:
                    name = f"no follow-ups, weight {weight}" + (", count veto" if veto else "")
                rules.append(Rule(name, opts={"followup_days": days, "entity_weight": weight},
                                  veto=veto))
    rules += [Rule(f"no text anchors, weight {w}" + (", count veto" if v else ""),
                   opts={"followup_days": None, "entity_weight": w}, anchors="none", veto=v)
              for v in (None, "count") for w in WEIGHTS]
    return rules


def summary(values: list[float]) -> str:
    return (f"{statistics.mean(values):.3f} ± {statistics.pstdev(values):.3f} "
            f"(folds {min(values):.3f}-{max(values):.3f})")


def score(articles, gold, topics, data, texts, folds, rules) -> dict[str, list[float]]:
    table: dict[str, list[float]] = {}
    for rule in rules:
        table[rule.name] = []
        for fold in folds:
            part = [a for a in articles if topics[a.id] in fold]
            found = partition(part, data, rule, texts)
            table[rule.name].append(bcubed(found, {a.id: gold[a.id] for a in part})[2])
    return table


def report(k: int, table: dict[str, list[float]], rules: list[Rule], right: dict[str, bool],
           base: list[float]) -> None:
    print(f"\n=== {k} topic folds: B-cubed F1 per held-out fold")
    for rule in rules:
        seeds = "seeds ok" if right.get(rule.name, True) else "SEEDS WRONG"
        print(f"  {rule.name:<44} {' '.join(f'{v:.3f}' for v in table[rule.name])}  "
              f"mean {statistics.mean(table[rule.name]):.3f}  {seeds}")
    followups = [r for r in rules if r.anchors == "lead"]
    families = {
        "before (fixed)": [rules[0]],
        "follow-ups, entity weight by CV": [r for r in followups if r.veto is None],
        "follow-ups and count veto by CV": followups,
        "no text anchors by CV (reference: puts the seeds in one story)":
            [rules[0]] + [r for r in rules if r.anchors == "none"],
    }
    for label, family in families.items():
        if "reference" not in label:
            family = [r for r in family if right.get(r.name, True)]
        values, chosen = cross_validated(table, family)
        print(f"  CV {label}: {' '.join(f'{v:.3f}' for v in values)}; {summary(values)}")
        print(f"      chosen: {'; '.join(f'{n} ({c})' for n, c in Counter(chosen).most_common())}")
    shipped = table["follow-ups 31, weight 0.2"]
    print(f"  shipped (follow-ups 31, weight 0.2), fixed: {summary(shipped)}")
    print(f"  TF-IDF + agglomerative, d = 0.8: {summary(base)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", help="keep ECB+'s enrichment here (shared with bench/stories_events.py)")
    parser.add_argument("--folds", type=int, nargs="+", default=[3, 5, 7])
    args = parser.parse_args()
    path = require_dataset(SHARED_BENCH / "ecbplus" / "articles.jsonl", name="ecbplus")
    articles, gold, topics = load_ecbplus(path, limit=None)
    texts = {a.id: a.text for a in articles}
    data = corpus(enrichment(articles, args.cache))
    rules = grid()
    seeds = load_seeds()
    right: dict[str, bool] = {}
    if seeds is not None:
        print("Seeds (000/002/004 one story, 001/003 another):")
        for rule in rules:
            found, right[rule.name] = seed_partition(seeds, rule)
            print(f"  {rule.name:<44} {found}  {'kept apart' if right[rule.name] else 'WRONG'}")
    else:
        print("seeds missing: no configuration is ruled out by them")
    ordered = sorted(set(topics.values()), key=int)
    print(f"ECB+: {len(articles)} articles, {len(ordered)} topics")
    for k in args.folds:
        folds = [set(ordered[i::k]) for i in range(k)]
        table = score(articles, gold, topics, data, texts, folds, rules)
        base = []
        for fold in folds:
            part = [a for a in articles if topics[a.id] in fold]
            base.append(bcubed(baseline(part, distance=0.8), {a.id: gold[a.id] for a in part})[2])
        report(k, table, rules, right, base)


if __name__ == "__main__":
    main()
