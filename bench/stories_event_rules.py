"""Event records as rules of story clustering: ECB+ by topic-fold cross-validation.

``bench/stories_events.py`` added event keys to the entity features. This script tries the
event records as *rules* on top of the shipped clustering instead, each with its settings
chosen by cross-validation across topic folds (each fold's topics clustered alone and scored
with the configuration best on the other folds):

- **veto**: two stories do not merge when their dominant event (the action class most of their
  members' asserted mentions take) is the same and its records disagree: counts with no value
  in common (``count``), most frequent provinces (admin1) neither story names (``place``),
  median day-resolved event dates more than N days apart (``days``); both stories need
  ``veto_min`` members whose dominant action it is;
- **boost**: a pair's similarity times ``1 + boost`` when the two articles' dominant events
  share the action and a place, a count or a date (argument overlap as a positive signal);
- **split**: after clustering, a story whose dominant event's mentions name two provinces is
  seeded into two halves by them, the other members join the half they are more similar to, and
  the split is kept when both halves have ``split_min`` members and the mean similarity between
  them is under ``split_ratio`` times the geometric mean of their own cohesions.

It also scores two ways of taking an undated article's anchor date from its text (the lead
anchors the time window uses): none at all, or only a date standing on a short line of its own
(a dateline), and runs every variant on the seeds (000/002/004 one story, 001/003 another),
whose texts carry no publication date, to show whether it keeps them apart.

Its "shipped" rule is the shipped clustering of the day, with the follow-up rule
(``followup_days``, see ``bench/stories_followups.py``) and entity weight 0.2; ``--before``
scores every rule on the settings before it (no follow-ups, entity weight 0.3), as these rules
were measured first.

Example:
    python bench/stories_event_rules.py --cache /tmp/ecb_events.pkl --folds 5
"""

from __future__ import annotations

import argparse
import contextlib
import math
import statistics
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from stories import baseline, bcubed, load_ecbplus  # noqa: E402
from stories_events import enrichment  # noqa: E402

from crosscheck.link import stories as _stories  # noqa: E402
from crosscheck.link.story_features import _ANCHOR_MAX_DAYS, _features, _ordinal, _Weights  # noqa: E402
from crosscheck.link.story_pairs import Pairs, weighted_matrix  # noqa: E402
from crosscheck.records import EventMention, Mention, Place, Quantity, TimeExpr  # noqa: E402

SEEDS = SHARED_BENCH.parent / "corpus" / "seeds"
SEED_STORIES = ({"000", "002", "004"}, {"001", "003"})
DATELINE_CHARS = 40  # a dateline's whole line is at most this long
BASE_OPTS: dict = {}  # StorySettings overrides under every rule (--before)


class EventProfile(NamedTuple):
    """An article's dominant event: its most frequent asserted action class (ties by name) and
    what that action's mentions hold: provinces as (country code, admin1), counts, dates,
    country codes, and agent and target entity keys (``parties``)."""
    action: str
    places: frozenset
    counts: frozenset
    days: tuple
    countries: frozenset = frozenset()
    parties: frozenset = frozenset()


@dataclass(frozen=True)
class Rule:
    name: str
    opts: dict = field(default_factory=dict)  # StorySettings overrides
    anchors: str = "lead"  # lead (shipped), dateline, none
    veto: str | None = None  # count, place, country, parties (agent/target keys), days
    veto_min: int = 2
    veto_days: int = 30
    boost: float = 0.0
    split_min: int = 0  # 0: no split step
    split_ratio: float = 0.72


class Corpus(NamedTuple):
    mentions: dict
    times: dict
    profiles: dict


def profiles(records) -> dict[str, EventProfile]:
    by_id = {r.id: r for r in records if isinstance(r, (Place, Quantity, TimeExpr))}
    events: dict[str, list[EventMention]] = defaultdict(list)
    for r in records:
        if isinstance(r, EventMention) and r.status == "asserted":
            events[r.article].append(r)
    found = {}
    for article, mentions in events.items():
        actions = Counter(m.action for m in mentions)
        action = min(actions, key=lambda a: (-actions[a], a))
        found[article] = _profile(action, [m for m in mentions if m.action == action], by_id)
    return found


def _profile(action: str, mentions: list[EventMention], by_id: dict) -> EventProfile:
    places, counts, days, countries, parties = set(), set(), [], set(), set()
    for m in mentions:
        parties.update(f"{role}:{key}" for role, key in (("agent", m.agent_key), ("target", m.target_key)) if key)
        for place in filter(None, (by_id.get(pid) for pid in m.places)):
            if place.country_code:
                countries.add(place.country_code)
            if place.precision in ("city", "province") and place.admin1:
                places.add((place.country_code, place.admin1))
        count = by_id.get(m.count or "")
        if count is not None and count.value is not None:
            counts.add(count.value)
        when = by_id.get(m.time or "")
        low, high = (_ordinal(when.low), _ordinal(when.high)) if when is not None else (None, None)
        if low is not None and high is not None and 0 <= high - low <= _ANCHOR_MAX_DAYS:
            days.append((low + high) // 2)
    return EventProfile(action, frozenset(places), frozenset(counts), tuple(days),
                        frozenset(countries), frozenset(parties))


def corpus(records) -> Corpus:
    mentions, times = defaultdict(list), defaultdict(list)
    for r in records:
        if isinstance(r, Mention):
            mentions[r.article].append(r)
        elif isinstance(r, TimeExpr):
            times[r.article].append(r)
    return Corpus(mentions, times, profiles(records))


def datelines(times: dict, texts: dict[str, str]) -> dict:
    """Only the time expressions whose line is short: a dateline, not a date in a sentence."""
    kept = {}
    for article, found in times.items():
        text = texts.get(article, "")
        kept[article] = [t for t in found if _line_length(text, t.start, t.end) <= DATELINE_CHARS]
    return kept


def _line_length(text: str, start: int, end: int) -> int:
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return (len(text) if last < 0 else last) - first


class Dominant(NamedTuple):
    """A story's dominant action, how many members take it, and their records of it."""
    action: str | None
    members: int
    places: Counter
    counts: Counter
    days: list
    countries: Counter
    parties: Counter


def dominant(profile_list) -> Dominant:
    actions = Counter(p.action for p in profile_list)
    if not actions:
        return Dominant(None, 0, Counter(), Counter(), [], Counter(), Counter())
    action = min(actions, key=lambda a: (-actions[a], a))
    found = Dominant(action, actions[action], Counter(), Counter(), [], Counter(), Counter())
    for p in (p for p in profile_list if p.action == action):
        found.places.update(p.places)
        found.counts.update(p.counts)
        found.days.extend(p.days)
        found.countries.update(p.countries)
        found.parties.update(p.parties)
    return found


_SETS = {"count": "counts", "country": "countries", "parties": "parties"}  # no value in common


def disagree(first: list[EventProfile], second: list[EventProfile], rule: Rule) -> bool:
    a, b = dominant(first), dominant(second)
    if a.action is None or a.action != b.action or min(a.members, b.members) < rule.veto_min:
        return False
    if rule.veto in _SETS:
        mine, theirs = getattr(a, _SETS[rule.veto]), getattr(b, _SETS[rule.veto])
        return bool(mine) and bool(theirs) and not set(mine) & set(theirs)
    if rule.veto == "place" and a.places and b.places:
        top_a = max(a.places, key=lambda k: (a.places[k], k))
        top_b = max(b.places, key=lambda k: (b.places[k], k))
        return top_a not in b.places and top_b not in a.places
    if rule.veto == "days" and a.days and b.days:
        return abs(statistics.median(a.days) - statistics.median(b.days)) > rule.veto_days
    return False


def agree(a: EventProfile | None, b: EventProfile | None) -> bool:
    if a is None or b is None or a.action != b.action:
        return False
    close = a.days and b.days and min(abs(x - y) for x in a.days for y in b.days) <= 2
    return bool(a.places & b.places or a.counts & b.counts or close)


@contextlib.contextmanager
def vetoed(rule: Rule, ids: list[str], data: Corpus):
    """The shipped merge test with the rule's veto in front of it (the clustering has no hook
    for an experiment, so the bench swaps its merge test for the run)."""
    shipped = _stories._cohesive

    def test(clusters, a, b, mean, opts):
        first = [data.profiles[ids[i]] for i in clusters.members[a] if ids[i] in data.profiles]
        second = [data.profiles[ids[i]] for i in clusters.members[b] if ids[i] in data.profiles]
        return not disagree(first, second, rule) and shipped(clusters, a, b, mean, opts)
    if rule.veto:
        _stories._cohesive = test
    try:
        yield
    finally:
        _stories._cohesive = shipped


def partition(articles, data: Corpus, rule: Rule, texts: dict[str, str]) -> dict[str, int]:
    """The batch clustering of ``cluster_stories``, step by step, with the rule's changes."""
    opts = _stories.StorySettings(**{**BASE_OPTS, **rule.opts})
    if rule.anchors == "none":
        opts = replace(opts, lead_chars=0)
    times = datelines(data.times, texts) if rule.anchors == "dateline" else data.times
    by_id = {a.id: a for a in articles}
    ids = sorted(by_id)
    feats = [_features(by_id[k], data.mentions.get(k, ()), times.get(k, ()), opts) for k in ids]
    weights = _Weights()
    for f in feats:
        weights.count(f)
    terms = weighted_matrix(feats, lambda f: weights.vector(f.terms), weights.df)
    entities = weighted_matrix(feats, lambda f: weights.vector(f.entities, entities=True), weights.entity_df)
    pairs = _stories._scores(terms, entities, opts)
    if rule.boost:
        factor = [1 + rule.boost if agree(data.profiles.get(ids[a]), data.profiles.get(ids[b])) else 1.0
                  for a, b in zip(pairs.first.tolist(), pairs.second.tolist())]
        pairs = Pairs(pairs.first, pairs.second, pairs.score * factor)
    with vetoed(rule, ids, data):
        groups = _stories._agglomerate([f.anchor for f in feats], pairs, opts, [f.named for f in feats])
    if rule.split_min:
        similar = {}
        for a, b, s in zip(pairs.first.tolist(), pairs.second.tolist(), pairs.score.tolist()):
            similar[(a, b)] = similar[(b, a)] = s
        groups = [half for g in groups for half in split(g, ids, data, similar, rule)]
    return {ids[i]: n for n, g in enumerate(groups) for i in g}


def split(group: list[int], ids: list[str], data: Corpus, similar: dict, rule: Rule) -> list[list[int]]:
    found = [data.profiles.get(ids[i]) for i in group]
    action = dominant([p for p in found if p is not None])[0]
    seeds: dict[tuple, set[int]] = defaultdict(set)
    for i, p in zip(group, found):
        if p is not None and p.action == action:
            for place in p.places:
                seeds[place].add(i)
    ranked = sorted(seeds, key=lambda k: (-len(seeds[k]), k))
    if len(group) < 2 * rule.split_min or len(ranked) < 2:
        return [group]
    one, two = seeds[ranked[0]] - seeds[ranked[1]], seeds[ranked[1]] - seeds[ranked[0]]
    if not one or not two:
        return [group]
    halves = (set(one), set(two))
    for i in group:
        if i not in one and i not in two:
            halves[0 if _mean([i], one, similar) >= _mean([i], two, similar) else 1].add(i)
    if min(len(h) for h in halves) < rule.split_min:
        return [group]
    inner = [_mean(h, h, similar, inner=True) for h in halves]
    if _mean(*halves, similar) < rule.split_ratio * math.sqrt(inner[0] * inner[1]):
        return [sorted(h) for h in halves]
    return [group]


def _mean(first, second, similar: dict, *, inner: bool = False) -> float:
    first, second = sorted(first), sorted(second)
    if inner:
        n = len(first)
        pairs = n * (n - 1) / 2
        total = sum(similar.get((a, b), 0.0) for k, a in enumerate(first) for b in first[k + 1:])
        return total / pairs if pairs else 0.0
    return sum(similar.get((a, b), 0.0) for a in first for b in second) / (len(first) * len(second))


def grid() -> list[Rule]:
    rules = [Rule("shipped")]
    rules += [Rule(f"veto count, {m}+ members", veto="count", veto_min=m) for m in (1, 2, 3)]
    rules += [Rule(f"veto place, {m}+ members", veto="place", veto_min=m) for m in (1, 2, 3)]
    rules += [Rule(f"veto country, {m}+ members", veto="country", veto_min=m) for m in (1, 2, 3)]
    rules += [Rule(f"veto agent/target, {m}+ members", veto="parties", veto_min=m) for m in (1, 2, 3)]
    rules += [Rule(f"veto dates > {d} days", veto="days", veto_days=d) for d in (7, 30, 90)]
    rules += [Rule(f"boost {b}", boost=b) for b in (0.1, 0.25, 0.5)]
    rules += [Rule(f"split {m}+ members, ratio {r}", split_min=m, split_ratio=r)
              for m in (3, 4, 5) for r in (0.6, 0.72, 0.85)]
    dated = [Rule(f"{how} anchors, entity weight {w}", opts={"entity_weight": w}, anchors=how)
             for how in ("none", "dateline") for w in (0.2, 0.3)]
    dated += [Rule(f"{how} anchors, entity weight 0.2, veto count", opts={"entity_weight": 0.2},
                   anchors=how, veto="count") for how in ("none", "dateline")]
    return rules + dated


def cross_validated(table: dict[str, list[float]], rules: list[Rule]) -> tuple[list[float], list[str]]:
    values, chosen = [], []
    folds = len(next(iter(table.values())))
    for i in range(folds):
        best = max(rules, key=lambda r: (statistics.mean(v for j, v in enumerate(table[r.name]) if j != i),
                                         -rules.index(r)))
        values.append(table[best.name][i])
        chosen.append(best.name)
    return values, chosen


def summary(values: list[float]) -> str:
    return (f"mean {statistics.mean(values):.3f} ± {statistics.pstdev(values):.3f} "
            f"(folds {min(values):.3f}-{max(values):.3f})")


def load_seeds():
    """The seeds through the whole pipeline's enrichment: (articles, 3-digit name by article id,
    texts, :class:`Corpus`), or ``None`` when they are missing."""
    if not SEEDS.exists():
        print(f"skipping the seeds: not found at {SEEDS}")
        return None
    from crosscheck.engine import make_engine
    from crosscheck.pipeline import run
    from crosscheck.records import Article
    from crosscheck.settings import Settings
    from crosscheck.store import Store
    settings = Settings(workers=1)
    engine = make_engine("local", settings=settings)
    kinds = (Article, Mention, TimeExpr, EventMention, Place, Quantity)
    try:
        with Store(":memory:") as store:
            run([str(SEEDS)], store=store, settings=settings, engine=engine, until="enrich")
            records = [r for kind in kinds for r in store.iter_records(kind)]
    finally:
        engine.close()
    articles = [r for r in records if isinstance(r, Article)]
    return (articles, {a.id: Path(a.source).name[:3] for a in articles},
            {a.id: a.text for a in articles}, corpus(records))


def seed_partition(seeds, rule: Rule) -> tuple[list[list[str]], bool]:
    """The seeds' stories under ``rule`` (by file name) and whether they are the right two."""
    articles, name, texts, data = seeds
    groups = defaultdict(set)
    for article, n in partition(articles, data, rule, texts).items():
        groups[n].add(name[article])
    found = sorted(sorted(g) for g in groups.values())
    return found, sorted(map(sorted, SEED_STORIES)) == found


def seed_check(rules: list[Rule]) -> None:
    """Each variant on the seeds, through the whole pipeline's enrichment."""
    seeds = load_seeds()
    if seeds is None:
        return
    print("\nSeeds (000/002/004 one story, 001/003 another):")
    for rule in rules:
        found, right = seed_partition(seeds, rule)
        print(f"  {rule.name:<48} {found}  {'kept apart' if right else 'WRONG'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", help="keep ECB+'s enrichment here (shared with bench/stories_events.py)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-seeds", action="store_true", help="skip the seeds check")
    parser.add_argument("--before", action="store_true",
                        help="every rule on the settings before the follow-up rule (followup_days None, "
                             "entity weight 0.3), as these rules were measured first")
    args = parser.parse_args()
    if args.before:
        BASE_OPTS.update(followup_days=None, entity_weight=0.3)
    path = require_dataset(SHARED_BENCH / "ecbplus" / "articles.jsonl", name="ecbplus")
    articles, gold, topics = load_ecbplus(path, limit=None)
    texts = {a.id: a.text for a in articles}
    records = enrichment(articles, args.cache)
    data = corpus(records)
    print(f"ECB+: {len(articles)} articles, {len(data.profiles)} with asserted event mentions")
    ordered = sorted(set(topics.values()), key=int)
    folds = [set(ordered[i::args.folds]) for i in range(args.folds)]
    rules = grid()
    table: dict[str, list[float]] = {}
    for rule in rules:
        table[rule.name] = []
        for fold in folds:
            part = [a for a in articles if topics[a.id] in fold]
            table[rule.name].append(bcubed(partition(part, data, rule, texts), {a.id: gold[a.id] for a in part})[2])
    print(f"{'configuration':<48} " + " ".join(f"fold{i + 1:<3}" for i in range(args.folds)) + "  mean")
    for rule in rules:
        print(f"{rule.name:<48} " + " ".join(f"{v:.3f}  " for v in table[rule.name])
              + f" {statistics.mean(table[rule.name]):.3f}")
    shipped = table[rules[0].name]
    print(f"\nshipped clustering, same run: per fold {', '.join(f'{v:.3f}' for v in shipped)}; {summary(shipped)}")
    families = {
        "event rules, lead anchors (shipped dates)": [r for r in rules if r.anchors == "lead"],
        "dates only (anchors none/dateline, weight)": [rules[0]] + [r for r in rules if r.anchors != "lead" and not r.veto],
        "dates and event veto together": [rules[0]] + [r for r in rules if r.anchors != "lead"],
        "everything": rules,
    }
    for label, family in families.items():
        values, chosen = cross_validated(table, family)
        print(f"cross-validated {label}: per fold {', '.join(f'{v:.3f}' for v in values)}; {summary(values)}")
        print(f"    chosen: {'; '.join(chosen)}")
    base = []
    for fold in folds:
        part = [a for a in articles if topics[a.id] in fold]
        base.append(bcubed(baseline(part, distance=0.8), {a.id: gold[a.id] for a in part})[2])
    print(f"baseline tf-idf+agglomerative d=0.8: {summary(base)}")
    if not args.no_seeds:
        seed_check([rules[0], *(r for r in rules if r.anchors != "lead"),
                    Rule("veto count, 2+ members", veto="count", veto_min=2)])


if __name__ == "__main__":
    main()
