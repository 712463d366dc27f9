"""Corpus-level pruning of derivation edges by news cycle and outlet (texts invented here: a
trial reported on several days, whose reports repeat the case's background)."""

from __future__ import annotations

from crosscheck.link.prune import prune_derivations
from crosscheck.records import Derivation, Passage

TRIAL_DAYS = {"monday_wire": "2024-05-06", "monday_paper": "2024-05-06",
              "thursday_wire": "2024-05-09", "thursday_paper": "2024-05-09"}


def edge(source: str, derived: str, spans: list[tuple[int, int, int, int]], *, score: float,
         kind: str = "partial", direction: str = "dated"):
    d = Derivation(id=f"{source}>{derived}", source=source, derived=derived, kind=kind,
                   score=score, similarity=score, direction=direction, evidence="")
    return d, [Passage(f"{d.id}#{i}", d.id, *span, "verbatim", 1.0) for i, span in enumerate(spans)]


def prune(*edges, published=TRIAL_DAYS, outlets=None):
    derivations = [d for d, _ in edges]
    passages = {d.id: p for d, p in edges}
    return [d.id for d in prune_derivations(derivations, passages, published, outlets=outlets)]


TODAY = edge("thursday_wire", "thursday_paper", [(0, 300, 0, 300)], score=0.5, kind="rewrite")
OLD = edge("monday_paper", "thursday_paper", [(500, 600, 700, 800)], score=0.2)


def test_background_from_an_earlier_day_goes_when_the_day_has_its_own_source():
    assert prune(TODAY, OLD) == ["thursday_wire>thursday_paper"]


def test_the_day_before_is_the_same_news_cycle():
    dates = {**TRIAL_DAYS, "monday_paper": "2024-05-08"}
    assert prune(TODAY, OLD, published=dates) == ["thursday_wire>thursday_paper",
                                                   "monday_paper>thursday_paper"]


def test_an_old_partial_source_stays_when_it_is_the_only_or_the_fullest_one():
    assert prune(OLD) == ["monday_paper>thursday_paper"]
    older = edge("monday_wire", "thursday_paper", [(0, 100, 0, 100)], score=0.2)
    # two partial sources of one day: neither is a better source than the other
    assert prune(OLD, older) == ["monday_paper>thursday_paper", "monday_wire>thursday_paper"]
    # a partial source of a later day is: the older one goes
    wednesday = edge("wednesday_paper", "thursday_paper", [(0, 100, 400, 500)], score=0.1)
    dates = {**TRIAL_DAYS, "wednesday_paper": "2024-05-08"}
    assert prune(OLD, wednesday, published=dates) == ["wednesday_paper>thursday_paper"]


def test_undated_texts_are_never_judged_by_age():
    assert prune(TODAY, OLD, published={}) == ["thursday_wire>thursday_paper",
                                               "monday_paper>thursday_paper"]
    assert prune(TODAY, OLD, published={**TRIAL_DAYS, "monday_paper": "not a date"}) == [
        "thursday_wire>thursday_paper", "monday_paper>thursday_paper"]


def test_an_outlets_follow_up_days_later_is_no_derivation_unless_a_copy():
    outlets = {"monday_wire": "Tarn Wire", "thursday_wire": "tarn wire"}
    update = edge("monday_wire", "thursday_wire", [(0, 600, 0, 600)], score=0.6, kind="rewrite")
    assert prune(update, outlets=outlets) == []
    assert prune(update) == ["monday_wire>thursday_wire"]  # outlets unknown: kept
    same_day = {**TRIAL_DAYS, "monday_wire": "2024-05-09"}  # an update within the day stays
    assert prune(update, published=same_day, outlets=outlets) == ["monday_wire>thursday_wire"]
    reissue = edge("monday_wire", "thursday_wire", [(0, 600, 0, 600)], score=0.9, kind="copy")
    assert prune(reissue, outlets=outlets) == ["monday_wire>thursday_wire"]
