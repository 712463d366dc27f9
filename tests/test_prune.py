"""Corpus-level pruning of derivation edges by news cycle and outlet (texts invented here: a
trial reported on several days, whose reports repeat the case's background)."""

from __future__ import annotations

from dataclasses import replace

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


# --- common source first: undated copies of one text (texts written here) -------------------

SOURCE_TEXT = ("The harbour council of Velmora voted on Monday to close the old ferry quay for repairs "
               "that will last until the spring. Councillors said the timber piles had rotted after "
               "years of storms and that the ferries would use the cargo berth instead. The ferry "
               "company said timetables would not change and that passengers should allow ten extra "
               "minutes to walk to the new berth. Fishermen asked the council to keep a small landing "
               "stage open for their boats during the works.")
# a cut copy (the third and fourth sentences dropped) and a light revision (a few words swapped)
CUT_TEXT = ("The harbour council of Velmora voted on Monday to close the old ferry quay for repairs "
            "that will last until the spring. Councillors said the timber piles had rotted after "
            "years of storms and that the ferries would use the cargo berth instead.")
LIGHT_TEXT = SOURCE_TEXT.replace("voted", "decided").replace("rotted", "decayed").replace(
    "asked", "urged").replace("walk", "stroll")


def test_source_of_triangle_is_the_text_holding_the_copies():
    from crosscheck.link.common_source import source_of_triangle, word_trigrams

    grams = {name: word_trigrams(text) for name, text in
             (("source", SOURCE_TEXT), ("cut", CUT_TEXT), ("light", LIGHT_TEXT))}
    assert source_of_triangle(grams) == "source"
    assert source_of_triangle(grams, margin=5.0) is None  # too close to call: nothing decided


def test_a_misdirected_sibling_does_not_prune_the_edge_to_the_source():
    texts = {"source": SOURCE_TEXT, "cut": CUT_TEXT, "light": LIGHT_TEXT}
    cut_len = len(CUT_TEXT)
    # content cues got both light edges backwards: light looks like the source of both
    edges = [
        edge("source", "cut", [(0, cut_len, 0, cut_len)], score=0.95, kind="copy", direction="content"),
        edge("light", "source", [(0, len(LIGHT_TEXT), 0, len(SOURCE_TEXT))], score=0.97, kind="copy",
             direction="content"),
        edge("light", "cut", [(0, cut_len, 0, cut_len)], score=0.96, kind="copy", direction="content"),
    ]
    derivations, passages = [d for d, _ in edges], {d.id: p for d, p in edges}
    before = prune_derivations(derivations, passages, {}, common_source_by="direction", texts=texts)
    assert "source>cut" not in [d.id for d in before]
    kept = [d.id for d in prune_derivations(derivations, passages, {}, texts=texts)]
    # the source holds the cut copy's words better than light does: light explains nothing away;
    # the light-cut edge stays too, as the (wrong) content directions give the source no claim
    assert kept == ["source>cut", "light>source", "light>cut"]


def test_siblings_sharing_what_their_source_lacks_share_an_unseen_source():
    published = {"wire": "2024-05-06", "paper_a": "2024-05-07", "paper_b": "2024-05-07"}
    edges = [
        edge("wire", "paper_a", [(0, 200, 0, 200)], score=0.6, kind="rewrite"),
        edge("wire", "paper_b", [(0, 200, 0, 200)], score=0.6, kind="rewrite"),
        # the two papers also share a quote from the hearing that the wire does not carry
        edge("paper_a", "paper_b", [(300, 400, 500, 600)], score=0.2, direction="content"),
    ]
    derivations, passages = [d for d, _ in edges], {d.id: p for d, p in edges}
    kept = prune_derivations(derivations, passages, published)
    assert [(d.id, d.relation) for d in kept] == [("wire>paper_a", "derived"), ("wire>paper_b", "derived"),
                                                  ("paper_a>paper_b", "shared_source")]
    credited = replace(derivations[2], evidence="partial: ...; paper_b credits 'the Courier reported'")
    kept = prune_derivations([*derivations[:2], credited], passages, published)
    assert kept[2].relation == "derived"


def test_undated_copies_are_directed_from_the_text_holding_their_words():
    from crosscheck.link.common_source import direct_undated_copies

    # another cut copy, keeping the first and the last sentence
    other_cut = SOURCE_TEXT[:SOURCE_TEXT.index(" Councillors")] + SOURCE_TEXT[SOURCE_TEXT.index(" Fishermen"):]
    texts = {"source": SOURCE_TEXT, "cut": CUT_TEXT, "light": LIGHT_TEXT, "other_cut": other_cut}
    cut_len, light_len = len(CUT_TEXT), len(LIGHT_TEXT)
    edges = [
        edge("light", "source", [(0, light_len, 0, len(SOURCE_TEXT))], score=0.97, kind="copy",
             direction="content"),
        edge("source", "cut", [(0, cut_len, 0, cut_len)], score=0.95, kind="copy", direction="content"),
        edge("light", "cut", [(0, cut_len, 0, cut_len)], score=0.96, kind="copy", direction="content"),
        edge("source", "other_cut", [(0, 90, 0, 90)], score=0.9, kind="rewrite", direction="content"),
        edge("light", "other_cut", [(0, 90, 0, 90)], score=0.9, kind="rewrite", direction="content"),
    ]
    derivations, passages = [d for d, _ in edges], {d.id: p for d, p in edges}
    directed, moved = direct_undated_copies(derivations, passages, {}, texts)
    turned = directed[0]
    assert (turned.source, turned.derived, turned.direction) == ("source", "light", "content")
    assert "turned round, common source: source holds more of the words of light" in turned.evidence
    assert [(p.source_start, p.source_end, p.derived_start, p.derived_end) for p in moved[turned.id]] == \
        [(0, len(SOURCE_TEXT), 0, light_len)]
    assert directed[1:] == derivations[1:]  # already from the text holding the other's words
    # dated texts, and edges a citation orders, are left as the pairwise step had them
    dated = {"source": "2024-05-07", "light": "2024-05-06"}
    assert direct_undated_copies(derivations, passages, dated, texts)[0][0] == derivations[0]
    credited = replace(derivations[0], evidence="copy: ...; source credits 'the Courier reported'")
    assert direct_undated_copies([credited, *derivations[1:]], passages, {}, texts)[0][0] == credited


def test_an_agency_that_others_take_from_orders_its_edges_with_a_sibling():
    from crosscheck.link.common_source import mark_shared_sources, originating_outlets

    def directed(source, derived, evidence=""):
        return Derivation(id=f"{source}>{derived}", source=source, derived=derived, kind="partial",
                          score=0.5, similarity=0.5, direction="content", evidence=evidence)

    # the agency's first report is rewritten by five papers; its update shares more with one
    edges = [directed("wire1", f"paper{i}") for i in range(5)] + [
        directed("wire1", "wire2"), directed("wire2", "paper0"),
        directed("paper1", "paper2", "partial: ...; paper2 says 'yesterday' where paper1 says 'today'")]
    outlets = {"wire1": "Agency", "wire2": "Agency", **{f"paper{i}": f"Paper {i}" for i in range(5)}}
    assert originating_outlets(edges, outlets) == {"agency"}
    relations = {d.id: d.relation for d in mark_shared_sources(edges, outlets=outlets)}
    assert relations["wire2>paper0"] == "derived"  # the agency's later version
    assert relations["paper1>paper2"] == "shared_source"  # a day shift between two papers orders nothing
    first_rule = {d.id: d.relation for d in mark_shared_sources(edges, outlets=outlets, originating_share=None)}
    assert first_rule["paper1>paper2"] == "derived"


def test_two_copies_of_one_day_keep_their_earlier_source_not_each_other():
    """An original of Monday and two copies of Tuesday: Tuesday orders neither copy before the
    other, so neither passes the original on to the other; both stay joined to the original
    and the edge between the copies, which the original explains, goes."""
    days = {"original": "2024-05-06", "copy_a": "2024-05-07", "copy_b": "2024-05-07"}
    to_a = edge("original", "copy_a", [(0, 400, 0, 400)], score=0.9, kind="copy")
    to_b = edge("original", "copy_b", [(0, 400, 0, 400)], score=0.8, kind="copy")
    between = edge("copy_a", "copy_b", [(0, 400, 0, 400)], score=0.95, kind="copy",
                   direction="undetermined")
    assert prune(to_a, to_b, between, published=days) == ["original>copy_a", "original>copy_b"]
    # a copy that the other's day shift or content cues name as the source still passes it on
    ordered = replace(between[0], direction="content"), between[1]
    assert prune(to_a, to_b, ordered, published=days) == ["original>copy_a", "copy_a>copy_b"]
