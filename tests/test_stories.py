"""Story clustering on small hand-written articles (fictional events, the team's own words)."""

from __future__ import annotations

import random
from datetime import date
from dataclasses import dataclass

import pytest

from crosscheck.link.stories import StoryIndex, StorySettings, cluster_stories
from crosscheck.records import Article, Mention, TimeExpr, content_id

# A crane collapse at the port of Lisket reported by three outlets, the same kind of accident at
# Vammel a year later, and an unrelated cheese fair.
TEXTS = {
    "wire": ("Crane collapses at Lisket container terminal, two dockers hurt", "2023-09-12",
             "A gantry crane toppled onto a cargo ship at the Lisket container terminal on "
             "Tuesday morning, injuring two dockers, the port operator Harbella said. The "
             "crane's boom snapped during a gale while it lifted a reefer container. Harbella "
             "suspended loading at berth seven and called in labour inspectors. Terminal "
             "manager Osric Vale said the crane had passed its last inspection in March."),
    "daily": ("Two injured as gale topples Lisket crane", "2023-09-12",
              "Two dockers were taken to hospital after a gantry crane fell onto a ship at the "
              "Lisket container terminal during Tuesday's gale. Harbella, which runs the "
              "terminal, halted work at berth seven. Osric Vale, the terminal manager, told "
              "reporters the crane had been inspected in March. Labour inspectors arrived in "
              "the afternoon to examine the broken boom and the reefer container it carried."),
    "blog": ("Lisket crane disaster: who checks the checkers?", "2023-09-13",
             "Yesterday's gale brought down a gantry crane at Lisket's container terminal and "
             "sent two dockers to hospital. Harbella insists the crane passed inspection in "
             "March, manager Osric Vale said, but dockers at berth seven say the boom creaked "
             "for weeks. Labour inspectors now hold the broken boom and the reefer container. "
             "Loading at berth seven stays suspended."),
    "later": ("Crane falls at Vammel terminal, one docker injured", "2024-10-02",
              "A gantry crane collapsed onto a cargo ship at the Vammel container terminal on "
              "Wednesday, injuring one docker, operator Quayline said. The boom gave way in "
              "strong wind while lifting a container. Quayline suspended loading at berth two "
              "and labour inspectors were called. Terminal chief Ilsa Brandt said the crane "
              "had been inspected in June."),
    "fair": ("Record crowds at the Ostmark cheese fair", "2023-09-12",
             "More than forty thousand visitors tasted aged goat cheese and smoked curds at the "
             "Ostmark cheese fair this weekend, organisers said. The prize for the best hard "
             "cheese went to a dairy from the hills above Ostmark. Stall holders reported "
             "brisk sales of honey, bread and cider, and the brass band played until midnight."),
}
SAME_EVENT = {"wire", "daily", "blog"}


def make_article(key: str, *, published: bool = True) -> Article:
    title, date, text = TEXTS[key]
    return Article(id=content_id("test-article", key), source=f"tests/{key}.txt", url=None,
                   outlet=key, outlet_from="input", title=title,
                   published=date if published else None, published_from="input" if published else None,
                   language="en", text=f"{title}\n\n{text}")


def partition(members) -> set[frozenset[str]]:
    stories: dict[str, set[str]] = {}
    for member in members:
        stories.setdefault(member.story, set()).add(member.article)
    return {frozenset(s) for s in stories.values()}


def ids(*keys: str) -> frozenset[str]:
    return frozenset(content_id("test-article", k) for k in keys)


@pytest.fixture
def articles() -> list[Article]:
    return [make_article(k) for k in TEXTS]


def test_same_event_one_story_similar_event_and_unrelated_apart(articles):
    stories, members = cluster_stories(articles)
    assert partition(members) == {ids(*SAME_EVENT), ids("later"), ids("fair")}
    assert len(stories) == 3 and {m.article for m in members} == {a.id for a in articles}


def test_similar_event_a_year_later_is_split_by_dates_even_when_texts_agree(articles):
    # Without dates the two crane accidents read alike enough to merge at a low threshold...
    undated = [make_article(k, published=False) for k in TEXTS]
    loose = StorySettings(link_threshold=0.05)
    assert ids("wire", "daily", "blog", "later") in partition(cluster_stories(undated, settings=loose)[1])
    # ...a year between them keeps them apart.
    assert ids("later") in partition(cluster_stories(articles, settings=loose)[1])


def test_time_expressions_date_undated_articles():
    undated = [make_article(k, published=False) for k in TEXTS]
    times = {a.id: [TimeExpr(content_id(a.id, "t"), a.id, 0, 4, "date", "date", day, day, None, 0)]
             for a, day in zip(undated, ["2023-09-12"] * 3 + ["2024-10-02", "2023-09-12"])}
    loose = StorySettings(link_threshold=0.05)
    assert ids("later") in partition(cluster_stories(undated, times=times, settings=loose)[1])


def test_story_record_fields(articles):
    stories, members = cluster_stories(articles)
    crane = next(s for s in stories if s.id == content_id("story", min(ids("wire", "daily"))))
    assert (crane.first_published, crane.last_published) == ("2023-09-12", "2023-09-13")
    assert crane.title in {TEXTS[k][0] for k in SAME_EVENT}
    for member in members:
        assert member.id == content_id("story-member", member.story, member.article)


def test_ids_are_deterministic_and_independent_of_input_order(articles):
    first = cluster_stories(articles)
    shuffled = articles[:]
    random.Random(7).shuffle(shuffled)
    assert cluster_stories(shuffled) == first


def test_story_keeps_its_id_when_it_grows_with_later_articles(articles):
    early = [a for a in articles if a.outlet != "blog"]
    before = {m.article: m.story for m in cluster_stories(early)[1]}
    after = {m.article: m.story for m in cluster_stories(articles)[1]}
    wire = content_id("test-article", "wire")
    assert after[wire] == before[wire] == after[content_id("test-article", "blog")]


def test_incremental_matches_batch(articles):
    index = StoryIndex()
    returned = {a.id: index.add(a) for a in articles}
    assert index.stories() == cluster_stories(articles)
    final = {m.article: m.story for m in index.stories()[1]}
    assert returned[content_id("test-article", "fair")] == final[content_id("test-article", "fair")]
    assert index.add(articles[0]) == final[articles[0].id] and len(index) == len(articles)


def test_incremental_in_any_order_gives_the_same_partition(articles):
    for seed in range(3):
        order = articles[:]
        random.Random(seed).shuffle(order)
        index = StoryIndex()
        for article in order:
            index.add(article)
        assert index.stories() == cluster_stories(articles)


def test_shared_entities_pull_a_rewrite_in():
    base = make_article("wire")
    rewrite = Article(id="rewrite", source="tests/rewrite.txt", url=None, outlet="x",
                      outlet_from="input", title="Harbella accident", published="2023-09-12",
                      published_from="input", language="en",
                      text="Harbella accident: Vale speaks. The operator blames the weather.")
    keys = ["harbella", "osric vale", "lisket"]
    mentions = {a.id: [Mention(content_id(a.id, k), a.id, 0, 1, k, "ORG", k, k, 0) for k in keys]
                for a in (base, rewrite)}
    strict = StorySettings(link_threshold=0.3, entity_weight=0.6)
    assert len(cluster_stories([base, rewrite], settings=strict)[0]) == 2
    assert len(cluster_stories([base, rewrite], mentions=mentions, settings=strict)[0]) == 1


def test_settings_are_read_from_story_prefixed_attributes(articles):
    @dataclass(frozen=True)
    class Outer:
        story_link_threshold: float = 0.99

    assert len(cluster_stories(articles, settings=Outer())[0]) == len(articles)


def test_empty_and_duplicate_input():
    assert cluster_stories([]) == ([], [])
    article = make_article("fair")
    stories, members = cluster_stories([article, article])
    assert len(stories) == 1 and len(members) == 1 and stories[0].title == TEXTS["fair"][0]


# Two undated reports that share only the words "council" and "bridge", in a corpus swamped by
# copies of a third text: those copies make every other word look rare, so TF-IDF alone would
# rate the two reports as one event.
_BRIDGE_VOTE = ("Council votes to rebuild the Tarrow footbridge",
                "Members of the Tarrow council voted by nine to four on Monday to rebuild the "
                "wooden bridge over the mill stream. Councillor Hedda Marsh said the council "
                "wanted a bridge wide enough for prams and wheelchairs, and the council clerk "
                "expects the new bridge to open after the spring floods.")
_ORCHARD = ("Orchard volunteers plant two hundred pear trees",
            "Volunteers planted two hundred pear trees above Gillby at the weekend, the "
            "orchard trust said. The council lent its tractor, the council gardeners brought "
            "spades, and a bridge of planks let children cross the ditch; the bridge and the "
            "council tractor stay until the last saplings are in.")
_CHESS = ("Chess club of Wendmoor wins the regional cup",
          "The chess club of Wendmoor won the regional cup on Saturday, beating the holders "
          "in the final round. Its youngest player, aged eleven, drew against a former "
          "champion. The club meets on Thursday evenings in the school hall.")


def _lopsided_corpus() -> list[Article]:
    def article(key: str, title: str, text: str) -> Article:
        return Article(id=key, source=f"tests/{key}.txt", url=None, outlet=key,
                       outlet_from="input", title=title, published=None, published_from=None,
                       language="en", text=f"{title}\n\n{text}")

    copies = [article(f"chess-{n:02d}", _CHESS[0], f"{_CHESS[1]} Posted by reader {n:02d}.")
              for n in range(40)]
    return [article("bridge", *_BRIDGE_VOTE), article("orchard", *_ORCHARD), *copies]


def test_two_shared_words_in_a_lopsided_corpus_are_no_event():
    corpus = _lopsided_corpus()
    story_of = {m.article: m.story for m in cluster_stories(corpus)[1]}
    assert story_of["bridge"] != story_of["orchard"]
    assert len({story_of[a.id] for a in corpus if a.id.startswith("chess-")}) == 1
    # The rule that keeps them apart is the share of words in common, not the threshold:
    loose = StorySettings(min_overlap=0.0)
    story_of = {m.article: m.story for m in cluster_stories(corpus, settings=loose)[1]}
    assert story_of["bridge"] == story_of["orchard"]


def test_incremental_keeps_the_lopsided_corpus_apart_as_the_batch_does():
    corpus = _lopsided_corpus()
    index = StoryIndex()
    for article in corpus:
        index.add(article)
    assert index.stories() == cluster_stories(corpus)


# A follow-up: the labour inspectors' findings on the Lisket crane, fourteen months later (beyond
# the 90-day window), naming the day of the collapse.
_INQUIRY = ("Inquiry blames worn boom for Lisket crane collapse", "2024-11-20",
            "Labour inspectors who examined the gantry crane that collapsed at the Lisket "
            "container terminal on September 12, 2023 blamed a worn boom and a missed gale "
            "warning. The crane fell onto a cargo ship and injured two dockers. Harbella, which "
            "runs the terminal, said it had replaced the booms of every crane at berth seven. "
            "Terminal manager Osric Vale said cranes would now be inspected after every gale.")
_NAMED = "September 12, 2023"


def _with_inquiry() -> tuple[list[Article], Article]:
    title, date, text = _INQUIRY
    inquiry = Article(id=content_id("test-article", "inquiry"), source="tests/inquiry.txt",
                      url=None, outlet="inquiry", outlet_from="input", title=title, published=date,
                      published_from="input", language="en", text=f"{title}\n\n{text}")
    return [make_article(k) for k in TEXTS] + [inquiry], inquiry


def _named(article: Article, low: str, high: str, text: str = _NAMED) -> dict[str, list[TimeExpr]]:
    start = article.text.index(_NAMED)
    return {article.id: [TimeExpr(content_id(article.id, low, high), article.id, start,
                                  start + len(_NAMED), text, "date", low, high, None, 1)]}


def _story_of(members, key: str) -> frozenset[str]:
    return next(p for p in partition(members) if content_id("test-article", key) in p)


def test_a_follow_up_naming_the_day_joins_its_story_across_the_window():
    articles, inquiry = _with_inquiry()
    times = _named(inquiry, "2023-09-12", "2023-09-12")
    members = cluster_stories(articles, times=times)[1]
    assert _story_of(members, "inquiry") == ids(*SAME_EVENT, "inquiry")
    assert ids("later") in partition(members)  # the Vammel accident names no Lisket date
    # Without the named date the window keeps the inquiry from the Lisket story (it lands with
    # the accident it is nearer in time); the rule switched off does the same.
    assert content_id("test-article", "wire") not in _story_of(cluster_stories(articles)[1], "inquiry")
    off = StorySettings(followup_days=None)
    assert _story_of(cluster_stories(articles, times=times, settings=off)[1], "inquiry") \
        != ids(*SAME_EVENT, "inquiry")


def test_a_named_month_counts_and_a_year_or_a_far_date_does_not():
    articles, inquiry = _with_inquiry()
    month = _named(inquiry, "2023-09-01", "2023-09-30", "September 2023")
    assert _story_of(cluster_stories(articles, times=month)[1], "inquiry") == ids(*SAME_EVENT, "inquiry")
    for low, high in (("2023-01-01", "2023-12-31"), ("2023-05-02", "2023-05-02")):
        members = cluster_stories(articles, times=_named(inquiry, low, high))[1]
        assert content_id("test-article", "wire") not in _story_of(members, "inquiry"), (low, high)
    # within followup_days of the story's median date, not only on it
    near = _named(inquiry, "2023-09-30", "2023-09-30")
    assert _story_of(cluster_stories(articles, times=near)[1], "inquiry") == ids(*SAME_EVENT, "inquiry")
    strict = StorySettings(followup_days=7)
    assert content_id("test-article", "wire") not in _story_of(
        cluster_stories(articles, times=near, settings=strict)[1], "inquiry")


def test_named_dates_of_the_features_are_resolved_and_at_most_a_month_wide():
    from crosscheck.link.story_features import _features

    articles, inquiry = _with_inquiry()
    exprs = [TimeExpr(str(n), inquiry.id, 0, 4, "x", kind, low, high, None, 0) for n, (kind, low, high)
             in enumerate([("date", "2023-09-12", "2023-09-12"), ("month", "2023-09-01", "2023-09-30"),
                           ("year", "2023-01-01", "2023-12-31"), ("weekday", None, None),
                           ("date", "2023-09-12", "2023-09-12")])]
    named = _features(inquiry, (), exprs, StorySettings()).named
    day = date(2023, 9, 12).toordinal()
    assert named == ((date(2023, 9, 1).toordinal(), date(2023, 9, 30).toordinal()), (day, day))


def test_incremental_applies_the_follow_up_rule_as_the_batch_does():
    articles, inquiry = _with_inquiry()
    times = _named(inquiry, "2023-09-12", "2023-09-12")
    for order in (articles, articles[::-1]):
        index = StoryIndex()
        for article in order:
            index.add(article, times=times.get(article.id, ()))
        assert index.stories() == cluster_stories(articles, times=times)


def test_stored_story_features_keep_the_named_dates():
    from crosscheck.link.state import StoryFeatures
    from crosscheck.store import Store

    articles, inquiry = _with_inquiry()
    by_id = {a.id: a for a in articles}
    with Store(":memory:") as store:
        store.write(articles)
        store.write(_named(inquiry, "2023-09-01", "2023-09-30", "September 2023")[inquiry.id])
        first = StoryFeatures(store, by_id, settings=StorySettings())
        computed = dict(first.complete())
        first.save()
        again = StoryFeatures(store, by_id, settings=StorySettings())
        assert again.features == computed and computed[inquiry.id].named
