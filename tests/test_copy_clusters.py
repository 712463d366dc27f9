"""A cluster of copies costs pairs linear in its size, and every copy still derives from the
original (``link/copy_clusters.py``)."""

from __future__ import annotations

import functools
import itertools
import random
from datetime import date, timedelta

import pytest

from crosscheck.engine import make_engine
from crosscheck.link import _candidate_pairs, run_link
from crosscheck.link.copy_clusters import bounded_partners
from crosscheck.link.state import Signatures
from crosscheck.records import Article, Derivation
from crosscheck.settings import Settings
from crosscheck.store import Store

# Written for this test: a short report on a fictional ferry strike.
REPORT = ("Ferry crews in Port Alcena walked off the job on Monday over a pay offer the operator "
          "called final. The union said {n} crossings were cancelled and that talks would resume "
          "only when the operator withdrew its threat to hire replacement crews. Passengers "
          "waited for hours at the northern terminal while officials arranged buses to the "
          "airport. The harbour master said cargo traffic was not affected and expected the "
          "morning sailings to leave on time if the dispute ended overnight.")

COPIES = 60


def _copy(k: int) -> Article:
    """Copy ``k`` of the report, published ``k`` days after the original (``k = 0``): its own
    figure and closing line, the rest word for word."""
    text = REPORT.format(n=40 + k % 7)
    if k:
        text += f" Filed by the regional desk {k} with reporting from the coast."
    day = (date(2024, 3, 1) + timedelta(days=k)).isoformat()
    return Article(id=f"copy-{k:03d}", source=f"copies/{k}.txt", url=None, outlet=f"outlet-{k}",
                   outlet_from="input", title="Ferry crews strike", published=day,
                   published_from="input", language="en", text=text)


ARTICLES = {a.id: a for a in map(_copy, range(COPIES))}
ORIGINAL = "copy-000"


def _near_pairs(per_article: int) -> list[tuple[str, str]]:
    settings = Settings(workers=1, embedder="hashing", neardup_pairs_per_article=per_article)
    with Store(":memory:") as store:
        return _candidate_pairs(ARTICLES, [], settings, Signatures(store, ARTICLES))


def test_every_copy_is_a_near_duplicate_of_every_other_without_the_bound():
    assert len(_near_pairs(COPIES)) == COPIES * (COPIES - 1) // 2


@pytest.mark.parametrize("per_article", [4, 8, 20])
def test_a_cluster_of_copies_gives_at_most_per_article_pairs_an_article(per_article):
    pairs = _near_pairs(per_article)
    assert len(pairs) <= per_article * COPIES
    assert all((ORIGINAL, other) in pairs for other in ARTICLES if other != ORIGINAL)


@functools.lru_cache(maxsize=2)
def _derivations(per_article: int) -> tuple[Derivation, ...]:
    settings = Settings(workers=1, embedder="hashing", neardup_pairs_per_article=per_article)
    engine = make_engine("local", settings=settings)
    try:
        with Store(":memory:") as store:
            store.write(list(ARTICLES.values()))
            run_link(store=store, settings=settings, engine=engine, note=lambda stage, n: None)
            return tuple(store.iter_records(Derivation, order_by="id"))
    finally:
        engine.close()


@pytest.mark.parametrize("per_article", [8, COPIES])
def test_every_copy_still_derives_from_the_original(per_article):
    derivations = _derivations(per_article)
    sources: dict[str, set[str]] = {}
    for d in derivations:
        assert d.direction == "dated" and d.source < d.derived  # earlier to later
        sources.setdefault(d.derived, set()).add(d.source)
    assert ORIGINAL not in sources and set(sources) == set(ARTICLES) - {ORIGINAL}
    for copy in sources:  # each copy's sources lead back to the original
        reached, todo = set(), [copy]
        while todo:
            for source in sources.get(todo.pop(), ()):
                if source not in reached:
                    reached.add(source)
                    todo.append(source)
        assert ORIGINAL in reached, copy


def test_the_bound_keeps_the_original_beside_every_copy_with_fewer_edges():
    bounded, every = _derivations(8), _derivations(COPIES)
    assert len(bounded) < len(every)
    assert ({d.derived for d in bounded if d.source == ORIGINAL}
            == {d.derived for d in every if d.source == ORIGINAL})


def test_few_partners_keep_every_pair_in_its_order():
    pairs = [(f"a{i}", f"a{j}", 0.5 + 0.01 * i) for i, j in itertools.combinations(range(6), 2)]
    assert bounded_partners(pairs, {}, per_article=5) == pairs


def test_a_pair_stays_when_either_article_keeps_it():
    # "hub" has six partners and keeps two; each leaf has one partner and keeps it
    pairs = [("hub", f"leaf{i}", 0.9 - 0.1 * i) for i in range(6)]
    assert bounded_partners(pairs, {}, per_article=2) == pairs


def _kept_by_hand(found, published, centrality, per_article) -> set[str]:
    """The partners one crowded article keeps, by the module docstring's rule, written plainly."""
    share = max(1, per_article // 4)
    chosen = [y for _, y in sorted((published[y], y) for y, _ in found if published.get(y))][:share]
    chosen += [y for y, _ in sorted(found, key=lambda p: (-centrality[p[0]], p[0]))
               if y not in chosen][:share]
    for y, _ in sorted(found, key=lambda p: (-p[1], p[0])):
        if len(chosen) < per_article and y not in chosen:
            chosen.append(y)
    return set(chosen)


def _bounded_by_hand(pairs, published, per_article):
    partners: dict[str, list] = {}
    for a, b, e in pairs:
        partners.setdefault(a, []).append((b, e))
        partners.setdefault(b, []).append((a, e))
    centrality = {x: round(sum(e for _, e in found), 6) for x, found in partners.items()}
    kept = {x: _kept_by_hand(found, published, centrality, per_article)
            for x, found in partners.items() if len(found) > per_article}
    return [(a, b, e) for a, b, e in pairs
            if a not in kept or b in kept[a] or b not in kept or a in kept[b]]


def test_a_crowded_article_keeps_its_earliest_central_and_nearest_partners():
    # x's partners: ten dated ones (y0 earliest), "hub" with many partners of its own, z nearest
    pairs = ([("x", f"y{i}", 0.5) for i in range(10)] + [("hub", "x", 0.4), ("x", "z", 0.99)]
             + [("hub", f"w{i}", 0.9) for i in range(12)])
    published = {f"y{i}": f"2024-01-{10 + i}" for i in range(10)}
    kept = bounded_partners(pairs, published, per_article=4)
    around_x = {b if a == "x" else a for a, b, _ in kept if "x" in (a, b)}
    # earliest, most central, nearest, then by id; every y also keeps x (its only partner)
    assert {"y0", "hub", "z", "y1"} <= around_x
    assert ("hub", "x", 0.4) in kept


@pytest.mark.parametrize("seed", range(8))
def test_the_array_rule_is_the_rule_written_plainly(seed):
    rng = random.Random(seed)
    ids = [f"t{i:02d}" for i in range(rng.randint(5, 40))]
    pairs = sorted({(a, b, round(rng.choice([0.3, 0.5, 0.7, 0.9, rng.random()]), 6))
                    for a, b in itertools.combinations(ids, 2) if rng.random() < 0.5})
    published = {i: f"2024-02-{rng.randint(1, 9):02d}" for i in ids if rng.random() < 0.6}
    for per_article in (1, 3, 4, 8):
        assert bounded_partners(pairs, published, per_article=per_article) == \
            _bounded_by_hand(pairs, published, per_article)


def test_siblings_meet_their_common_original_through_their_own_choice():
    star = [("orig", f"y{i}", 0.8) for i in range(10)]
    siblings = [(f"y{i}", f"y{j}", 0.7) for i, j in itertools.combinations(range(10), 2)]
    published = {f"y{i}": f"2024-01-{10 + i}" for i in range(10)} | {"orig": "2024-01-01"}
    kept = bounded_partners(sorted(star + siblings), published, per_article=3)
    assert [p for p in kept if p[0] == "orig"] == star
    assert len(kept) <= 3 * 11


def test_per_article_must_be_positive():
    with pytest.raises(ValueError, match="per_article must be at least 1, got 0"):
        bounded_partners([], {}, per_article=0)
