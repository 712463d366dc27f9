"""The event-rules story benchmark (bench/stories_event_rules.py) on made-up records: each
article's dominant event, the count veto, datelines, and its step-by-step copy of the batch
clustering giving the library's own partition."""

from __future__ import annotations

import pytest

from conftest import bench_module

from crosscheck.link.stories import cluster_stories
from crosscheck.records import Article, EventMention, Place, Quantity, TimeExpr


@pytest.fixture(scope="module")
def rules():
    with bench_module("stories_event_rules.py", "stories_event_rules") as module:
        yield module


def event(article: str, action: str, *, count: Quantity | None = None, places=(), n: int = 0,
          status: str = "asserted") -> EventMention:
    return EventMention(f"{article}-ev{n}", article, n, n + 5, action, action, None, None, None,
                        None, None, count.id if count else None, tuple(p.id for p in places),
                        None, None, False, status, 0)


def quantity(article: str, value: float) -> Quantity:
    return Quantity(f"{article}-q{value}", article, 0, 2, str(value), value, value, value, False,
                    None, "people", 0)


def province(article: str, admin1: str) -> Place:
    return Place(f"{article}-{admin1}", article, 0, 5, admin1, admin1, 1.0, 2.0, "Iran", "IR",
                 admin1, "province", 1, 1, 0)


def test_dominant_event_holds_its_own_action_arguments_only(rules):
    sixty, tabriz = quantity("a", 60), province("a", "East Azerbaijan")
    records = [sixty, tabriz, event("a", "arrest", count=sixty, places=[tabriz]),
               event("a", "arrest", n=1), event("a", "release", count=quantity("a", 3), n=2),
               event("a", "kill", n=3, status="planned")]
    profile = rules.profiles(records)["a"]
    assert profile.action == "arrest"
    assert profile.counts == frozenset({60})
    assert profile.places == frozenset({("IR", "East Azerbaijan")})


def test_count_veto_needs_the_same_action_and_no_common_count(rules):
    P = rules.EventProfile
    five = [P("injure", frozenset(), frozenset({5.0}), ())] * 2
    eighty = [P("injure", frozenset(), frozenset({80.0}), ())] * 2
    rule = rules.Rule("veto", veto="count", veto_min=2)
    assert rules.disagree(five, eighty, rule)
    assert not rules.disagree(five, eighty + [P("injure", frozenset(), frozenset({5.0}), ())], rule)
    assert not rules.disagree(five, [P("kill", frozenset(), frozenset({80.0}), ())] * 2, rule)
    assert not rules.disagree(five, eighty[:1], rule)  # one member is too few to veto


def test_datelines_keep_dates_on_short_lines_only(rules):
    text = "Title\n\nApril 4, 2012\n\nShe was born on April 22, 1923, in a small town far away."
    first = TimeExpr("t1", "a", 7, 20, "April 4, 2012", "date", "2012-04-04", "2012-04-04", None, 0)
    born = TimeExpr("t2", "a", 38, 52, "April 22, 1923", "date", "1923-04-22", "1923-04-22", None, 1)
    assert rules.datelines({"a": [first, born]}, {"a": text}) == {"a": [first]}


def test_step_by_step_copy_gives_the_library_partition(rules):
    texts = {
        "q1": "Earthquake shakes Qeshm island; five injured in Hormozgan province villages.",
        "q2": "Five people were injured when an earthquake struck Qeshm island in Hormozgan.",
        "q3": "Qeshm earthquake: Hormozgan officials count five injured, houses damaged.",
        "f1": "The city council approved a new budget for the river ferry service on Monday.",
        "f2": "River ferry service budget approved by the city council after a long debate.",
        "f3": "Council debate ends with ferry budget approved; river service to expand.",
    }
    articles = [Article(k, f"tests/{k}", None, None, None, None, None, None, "en", t)
                for k, t in texts.items()]
    data = rules.corpus([])
    mine = rules.partition(articles, data, rules.Rule("shipped"), texts)
    _, members = cluster_stories(articles)
    library = {m.article: m.story for m in members}
    assert {frozenset(k for k in mine if mine[k] == n) for n in mine.values()} == \
        {frozenset(k for k in library if library[k] == s) for s in library.values()}
