"""The link stage's corpus steps on the engine: each large story's candidate pairs computed by
one task give the pairs computed in the driver, on local workers and on Ray."""

from __future__ import annotations

import random

import pytest

from crosscheck.engine import make_engine
from crosscheck.link import _candidate_pairs, large_story_pairs
from crosscheck.link.state import Signatures
from crosscheck.records import Article, StoryMember, content_id
from crosscheck.settings import Settings
from crosscheck.store import Store

WORDS = ("harbour council vote budget strike port workers wage union minister river flood "
         "bridge rail freight police arrest court ruling appeal school teacher hospital nurse "
         "election count ballot mayor tax fuel price grain export drought farm").split()


def _articles(count: int, seed: int = 7) -> dict[str, Article]:
    rng = random.Random(seed)
    found = {}
    for i in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(60)) + "."
        if i % 5 == 1:  # a near copy of the article before it
            text = found[content_id("art", i - 1)].text.replace("vote", "poll", 1)
        article_id = content_id("art", i)
        found[article_id] = Article(id=article_id, source=f"t{i}.txt", url=None, outlet=f"o{i % 4}",
                                    outlet_from="input", title=None, published=None,
                                    published_from=None, language="en", text=text)
    return found


def _members(articles: dict[str, Article]) -> list[StoryMember]:
    ids = sorted(articles)  # two large stories (over 12 articles) and a small one
    stories = [ids[:15], ids[15:32], ids[32:]]
    return [StoryMember(id=content_id("m", a), story=f"story{n}", article=a)
            for n, members in enumerate(stories) for a in members]


@pytest.mark.parametrize("engine_name", ["local", "ray"])
def test_large_story_pairs_on_the_engine_equal_those_in_the_driver(engine_name):
    if engine_name == "ray":
        pytest.importorskip("ray")
    settings = Settings(workers=2, embedder="hashing", story_pairs_per_article=3)
    articles = _articles(38)
    members = _members(articles)
    with Store(":memory:") as store:
        here = _candidate_pairs(articles, members, settings, Signatures(store, articles))
        engine = make_engine(engine_name, settings=settings)
        try:
            there = _candidate_pairs(articles, members, settings, Signatures(store, articles),
                                     map_batches=engine.map_batches)
        finally:
            engine.close()
    assert there == here
    small = sorted(articles)[32:]
    assert (small[0], small[1]) in here  # every pair of a small story
    assert len(here) < 38 * 37 / 2


def test_large_story_pairs_keep_each_articles_nearest_in_its_own_story():
    articles = _articles(14)
    ids = sorted(articles)
    [found] = large_story_pairs([(ids, [articles[i].text for i in ids])], embedder="hashing", k=2)
    assert found and all(a < b and a in ids and b in ids for a, b in found)
    assert len(found) <= 2 * len(ids)


def test_kept_story_pairs_are_read_back_and_a_changed_story_alone_is_embedded_again():
    from dataclasses import replace

    from crosscheck.link.state import StoryPairCache

    settings = Settings(workers=1, embedder="hashing", story_pairs_per_article=3)
    articles = _articles(38)
    members = _members(articles)
    embedded: list[int] = []

    def counting(task, batches):
        for batch in batches:
            embedded.extend(len(ids) for ids, _ in batch)
            yield task(batch)

    with Store(":memory:") as store:
        first = StoryPairCache(store, articles, embedder=settings.embedder, k=3)
        fresh = _candidate_pairs(articles, members, settings, Signatures(store, articles),
                                 map_batches=counting, story_pairs=first)
        first.save()
        assert sorted(embedded) == [15, 17]  # the two large stories
        embedded.clear()
        again = _candidate_pairs(articles, members, settings, Signatures(store, articles),
                                 map_batches=counting,
                                 story_pairs=StoryPairCache(store, articles, embedder="hashing", k=3))
        assert again == fresh and embedded == []
        # one member of the second large story rewritten: that story alone is embedded again
        changed = sorted(articles)[20]
        articles[changed] = replace(articles[changed], text=articles[changed].text + " Dorran council.")
        later = StoryPairCache(store, articles, embedder="hashing", k=3)
        _candidate_pairs(articles, members, settings, Signatures(store, articles),
                         map_batches=counting, story_pairs=later)
        assert embedded == [17]
