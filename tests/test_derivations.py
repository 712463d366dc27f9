"""Derivations between hand-written article pairs (the team's own words): kind, direction,
evidence and passages, with offsets inside both texts."""

from __future__ import annotations

import pytest

from crosscheck.link.derivations import CUE_WEIGHTS, content_score, derive, prune_derivations
from crosscheck.link.paraphrase import align_paraphrases, get_embedder, sentence_spans
from crosscheck.link.passages import Alignment, align_verbatim
from crosscheck.records import Article, Derivation, Passage, content_id

WIRE = (
    "DUNMERE, June 3 (Coastline Wire) - Harbour police in Dunmere detained nine fishermen on "
    "Sunday after a brawl at the fish market over new quota rules, the port authority said. "
    "Officers seized two boats and 400 kilograms of cod that the authority said had been landed "
    "without permits. The men were released on bail on Monday and will appear in court on 14 June. "
    "Port director Elin Maro said the market would reopen on Wednesday morning under police watch. "
    "The fishermen's cooperative, which represents 220 crews, said the quota rules would ruin small "
    "boats and called a meeting for Thursday in the town hall of Kessby."
)
COPY = (
    "Harbour police in Dunmere detained nine fishermen on Sunday after a brawl at the fish market "
    "over new quota rules, the port authority said. Officers seized two boats and 400 kilograms of "
    "cod that the authority said had been landed without permits. The men were released on bail on "
    "Monday and will appear in court on 14 June. Port director Elin Maro said the market would "
    "reopen on Wednesday morning under police watch. The fishermen's cooperative, which represents "
    "220 crews, said the quota rules would ruin small boats and called a meeting for Thursday in "
    "the town hall of Kessby."
)
REWRITE = (
    "Anger on the quayside: quota fight turns violent. Small-boat crews say nobody listens to them. "
    "Harbour police in Dunmere detained nine fishermen on Sunday after a brawl at the fish market "
    "over new quota rules, the port authority said. Officers seized two boats and a quantity of "
    "cod. The men were released on bail on Monday and will appear in court on 14 June. "
    "Few on the quayside expect the quarrel to end soon."
)
PARAPHRASE = (
    "Nine fishermen were held by Dunmere harbour police on Sunday when a fight broke out in the "
    "fish hall about fresh catch limits. Police impounded a pair of boats plus 400 kg of cod which, "
    "officials say, came ashore with no permit. All nine got bail on Monday; their trial opens on "
    "14 June. Under a police guard, the hall opens again Wednesday morning, director Elin Maro said."
)
UNRELATED = (
    "The Kessby choir won the regional singing contest on Saturday with a programme of sea shanties "
    "and hymns. Judges praised the young soloists and the choir's conductor, who has led it for "
    "eleven years. The prize of 3,000 crowns will pay for new robes and a trip to the capital."
)


def article(key: str, text: str, *, outlet: str, published: str | None) -> Article:
    return Article(id=content_id(key), source=f"{key}.txt", url=None, outlet=outlet, outlet_from="input",
                   title=None, published=published, published_from="input" if published else None,
                   language="en", text=text)


def aligned(a: Article, b: Article):
    verbatim = align_verbatim(a.text, b.text)
    paraphrase = align_paraphrases(a.text, sentence_spans(a.text), b.text, sentence_spans(b.text),
                                   embedder=get_embedder("hashing"), exclude=verbatim)
    return verbatim, paraphrase


def derive_pair(a: Article, b: Article):
    verbatim, paraphrase = aligned(a, b)
    return derive(a, b, verbatim=verbatim, paraphrase=paraphrase)


def assert_passages_inside(derivation, passages, by_id):
    source, derived = by_id[derivation.source], by_id[derivation.derived]
    assert passages, "a derivation carries its passages"
    for p in passages:
        assert 0 <= p.source_start < p.source_end <= len(source.text)
        assert 0 <= p.derived_start < p.derived_end <= len(derived.text)
        assert p.derivation == derivation.id
        assert p.id == content_id(derivation.id, p.kind, p.source_start, p.source_end,
                                  p.derived_start, p.derived_end)


def test_copy_published_later_derives_from_the_wire():
    wire = article("wire", WIRE, outlet="Coastline Wire", published="2024-06-03")
    copy = article("copy", COPY, outlet="Dunmere Post", published="2024-06-04")
    derivation, passages = derive_pair(copy, wire)  # order of arguments must not matter
    assert (derivation.source, derivation.derived) == (wire.id, copy.id)
    assert (derivation.kind, derivation.direction) == ("copy", "dated")
    assert derivation.evidence.endswith("Dunmere Post published 2024-06-04, Coastline Wire 2024-06-03")
    assert derivation.score >= 0.99
    assert derivation.id == content_id("derivation", wire.id, copy.id)
    assert {p.kind for p in passages} == {"verbatim"}
    assert_passages_inside(derivation, passages, {wire.id: wire, copy.id: copy})
    p = passages[0]
    assert COPY[p.derived_start:p.derived_end] == WIRE[p.source_start:p.source_end]


def test_paraphrase_is_mostly_paraphrase_passages():
    wire = article("wire", WIRE, outlet="Coastline Wire", published="2024-06-03")
    retold = article("retold", PARAPHRASE, outlet="Kessby Herald", published="2024-06-05")
    derivation, passages = derive_pair(wire, retold)
    assert (derivation.source, derivation.kind, derivation.direction) == (wire.id, "paraphrase", "dated")
    assert [p.kind for p in passages].count("paraphrase") >= 3
    assert_passages_inside(derivation, passages, {wire.id: wire, retold.id: retold})
    first = passages[0]
    assert WIRE[first.source_start:first.source_end].startswith("DUNMERE, June 3 (Coastline Wire) - Harbour police")
    assert PARAPHRASE[first.derived_start:first.derived_end].startswith("Nine fishermen were held")


def test_rewrite_with_dates_keeps_verbatim_and_edits():
    wire = article("wire", WIRE, outlet="Coastline Wire", published="2024-06-03")
    rewrite = article("rewrite", REWRITE, outlet="Quayside Voice", published="2024-06-04")
    derivation, passages = derive_pair(rewrite, wire)
    assert (derivation.source, derivation.derived) == (wire.id, rewrite.id)
    assert derivation.kind == "rewrite"
    assert derivation.direction == "dated"
    assert_passages_inside(derivation, passages, {wire.id: wire, rewrite.id: rewrite})


def test_without_dates_content_cues_decide_and_say_why():
    wire = article("wire", WIRE, outlet="Coastline Wire", published=None)
    rewrite = article("rewrite", REWRITE, outlet="Quayside Voice", published=None)
    derivation, _ = derive_pair(rewrite, wire)
    assert (derivation.source, derivation.derived, derivation.direction) == (wire.id, rewrite.id, "content")
    assert "no publication date; " in derivation.evidence
    assert "Quayside Voice has a lead of its own (2 sentences)" in derivation.evidence
    assert "Quayside Voice cuts reused passages" in derivation.evidence


def test_crediting_the_other_outlet_marks_the_later_text():
    credited = COPY + " Coastline Wire reported the arrests first."
    wire = article("wire", WIRE, outlet="Coastline Wire", published="2024-06-03")
    copy = article("copy", credited, outlet="Dunmere Post", published="2024-06-03")
    derivation, _ = derive_pair(copy, wire)
    assert (derivation.source, derivation.direction) == (wire.id, "content")
    assert "same publication date 2024-06-03" in derivation.evidence
    assert "Dunmere Post credits 'Coastline Wire reported'" in derivation.evidence


def test_same_day_copy_with_no_cue_is_undetermined_with_the_longer_text_first():
    wire = article("wire", WIRE, outlet="Coastline Wire", published="2024-06-03")
    copy = article("copy", COPY, outlet="Dunmere Post", published="2024-06-03")
    derivation, _ = derive_pair(wire, copy)
    assert derivation.direction == "undetermined"
    assert derivation.source == wire.id  # the dateline makes it the longer one
    assert "cues too weak or split" in derivation.evidence


def test_unrelated_texts_are_no_derivation():
    wire = article("wire", WIRE, outlet="Coastline Wire", published="2024-06-03")
    choir = article("choir", UNRELATED, outlet="Kessby Herald", published="2024-06-03")
    assert derive_pair(wire, choir) is None


def test_one_shared_sentence_is_too_little():
    wire = article("wire", WIRE, outlet="Coastline Wire", published="2024-06-03")
    brief = article("brief", "In other news, the port director said the market would reopen on Wednesday.",
                    outlet="Kessby Herald", published="2024-06-04")
    assert derive_pair(wire, brief) is None


def test_alignments_outside_the_texts_are_refused():
    wire = article("wire", WIRE, outlet="Coastline Wire", published="2024-06-03")
    choir = article("choir", UNRELATED, outlet="Kessby Herald", published="2024-06-03")
    bad = [Alignment(0, 10, 0, 5000, 1.0)]
    with pytest.raises(ValueError, match=r"alignment \(0, 10\) -> \(0, 5000\) is outside the texts"):
        derive(wire, choir, verbatim=bad, paraphrase=[])


# --- content cues, one at a time --------------------------------------------------------------

MORNING = ("The council of Brill voted today to close the old ferry pier, the mayor said. "
           "Repairs would have cost 2 million crowns, she told reporters.")
NEXT_DAY = ("The council of Brill voted yesterday to close the old ferry pier, the mayor said. "
            "Repairs would have cost 2 million crowns, she told reporters.")


def whole(a: Article, b: Article) -> list[Alignment]:
    return [Alignment(0, len(a.text), 0, len(b.text), 0.9)]


def test_day_shift_cue_points_from_today_to_yesterday():
    today = article("today", MORNING, outlet="Brill Wire", published="2024-05-02")
    later = article("later", NEXT_DAY, outlet="Harbour Times", published="2024-05-02")
    score, reasons = content_score(later, today, verbatim=whole(later, today), paraphrase=[])
    assert score == -CUE_WEIGHTS["day_shift"]
    assert reasons == ["Harbour Times says 'yesterday' where Brill Wire says 'today' (day words -1 "
                       f"against +1) (-{CUE_WEIGHTS['day_shift']:.2f})"]
    derivation, _ = derive(later, today, verbatim=whole(later, today), paraphrase=[],
                           min_shared_chars=50)
    assert (derivation.source, derivation.direction) == (today.id, "content")


def test_edit_cue_counts_words_cut_inside_reused_passages():
    full = article("full", "Nine boats from Orrin and Tessa were seized at dawn by the coast guard.",
                   outlet="Wire", published=None)
    cut = article("cut", "Nine boats were seized by the coast guard.", outlet="Paper", published=None)
    score, reasons = content_score(full, cut, verbatim=whole(full, cut), paraphrase=[])
    # six words cut, none added: value +1; the two names cut are dropped details: value +1
    assert score == CUE_WEIGHTS["edits"] + CUE_WEIGHTS["details"]
    assert reasons == [f"Paper cuts reused passages (6 words only in the other side, 0 added) "
                       f"(+{CUE_WEIGHTS['edits']:.2f})",
                       f"Paper drops details of Wire in shared passages (2 against 0, e.g. 'Orrin', "
                       f"'Tessa') (+{CUE_WEIGHTS['details']:.2f})"]


def test_lead_cue_alone_decides_and_citation_outweighs_it():
    body = "Police closed the bridge at Varn after a lorry hit its railing on the north side. "
    lead = "Drivers are furious again this week, and who can blame them for it. "
    source = article("src", body + "Engineers will inspect the span on Friday before it reopens.",
                     outlet="Varn Wire", published=None)
    framed = article("framed", lead + "Nobody in the town hall will say a word about it. " + body,
                     outlet="Varn Voice", published=None)
    x = Alignment(0, len(body) - 1, framed.text.index("Police"), len(framed.text) - 1, 1.0)
    score, _ = content_score(source, framed, verbatim=[x], paraphrase=[])
    assert score == CUE_WEIGHTS["lead"]
    credited = article("credited", body + "Varn Voice reported the crash first.", outlet="Varn Wire",
                       published=None)
    y = Alignment(framed.text.index("Police"), len(framed.text) - 1, 0, len(body) - 1, 1.0)
    score, reasons = content_score(framed, credited, verbatim=[y], paraphrase=[])
    assert score > 0 and reasons[0].startswith("Varn Wire credits 'Varn Voice reported'")


def test_weak_cues_leave_the_direction_undetermined_with_the_score():
    a = article("a", MORNING, outlet="One", published="2024-05-02")
    b = article("b", MORNING, outlet="Two", published="2024-05-02")
    derivation, _ = derive(a, b, verbatim=whole(a, b), paraphrase=[], min_shared_chars=50)
    assert derivation.direction == "undetermined"
    assert "cues too weak or split (score +0.00: no content cue)" in derivation.evidence


# --- pruning -----------------------------------------------------------------------------------


def edge(source: str, derived: str, spans: list[tuple[int, int, int, int]], *, score: float,
         kind: str = "partial", direction: str = "content"):
    d = Derivation(id=f"{source}>{derived}", source=source, derived=derived, kind=kind,
                   score=score, similarity=score, direction=direction, evidence="")
    return d, [Passage(f"{d.id}#{i}", d.id, *span, "verbatim", 1.0) for i, span in enumerate(spans)]


def prune(*edges, published=None):
    derivations = [d for d, _ in edges]
    passages = {d.id: p for d, p in edges}
    return [d.id for d in prune_derivations(derivations, passages, published or {})]


def test_two_rewrites_of_one_wire_lose_their_mutual_edge():
    wire_b = edge("wire", "b", [(0, 100, 0, 100)], score=0.8, kind="rewrite")
    wire_c = edge("wire", "c", [(0, 100, 50, 150)], score=0.7, kind="rewrite")
    b_c = edge("b", "c", [(10, 90, 60, 140)], score=0.5)  # all of it inside what both took
    assert prune(wire_b, wire_c, b_c) == ["wire>b", "wire>c"]


def test_material_of_their_own_keeps_the_mutual_edge():
    wire_b = edge("wire", "b", [(0, 100, 0, 100)], score=0.8, kind="rewrite")
    wire_c = edge("wire", "c", [(0, 100, 50, 150)], score=0.7, kind="rewrite")
    b_c = edge("b", "c", [(10, 90, 60, 140), (300, 500, 300, 500)], score=0.5)
    assert prune(wire_b, wire_c, b_c) == ["wire>b", "wire>c", "b>c"]


def test_a_later_text_is_no_common_source():
    late_b = edge("late", "b", [(0, 100, 0, 100)], score=0.8, direction="undetermined")
    late_c = edge("late", "c", [(0, 100, 50, 150)], score=0.7, direction="undetermined")
    b_c = edge("b", "c", [(10, 90, 60, 140)], score=0.5, direction="dated")
    dates = {"late": "2024-05-09", "b": "2024-05-01", "c": "2024-05-02"}
    # b -> c stays; the late text's edge to c is what b explains (b may be its source too)
    assert prune(late_b, late_c, b_c, published=dates) == ["late>b", "b>c"]
    # published between them it passes b's text on to c: b -> late -> c explains b -> c
    dates["late"] = "2024-05-02"
    b_late = edge("b", "late", [(0, 100, 0, 100)], score=0.8, direction="dated")
    late_c = edge("late", "c", [(0, 100, 50, 150)], score=0.7)
    assert prune(b_late, late_c, b_c, published=dates) == ["b>late", "late>c"]


def test_weak_partial_overshadowed_by_a_stronger_source_goes():
    strong = edge("wire", "paper", [(0, 400, 0, 400)], score=0.8, kind="rewrite")
    covered = edge("other", "paper", [(0, 100, 50, 150)], score=0.3)
    tiny = edge("third", "paper", [(0, 30, 900, 930)], score=0.05)
    own = edge("fourth", "paper", [(0, 100, 600, 700)], score=0.3)
    assert prune(strong, covered, tiny, own) == ["wire>paper", "fourth>paper"]


def test_a_source_downstream_of_the_partial_source_does_not_explain_it_away():
    wire_paper = edge("wire", "paper", [(0, 100, 0, 100)], score=0.2)
    wire_other = edge("wire", "other", [(0, 100, 0, 100)], score=0.2)
    other_paper = edge("other", "paper", [(0, 300, 0, 300)], score=0.6, kind="rewrite")
    assert "wire>paper" in prune(wire_paper, wire_other, other_paper)
