"""Derivations between hand-written article pairs (the team's own words): kind, direction,
evidence and passages, with offsets inside both texts."""

from __future__ import annotations

import pytest

from crosscheck.link.derivations import derive
from crosscheck.link.paraphrase import align_paraphrases, get_embedder, sentence_spans
from crosscheck.link.passages import Alignment, align_verbatim
from crosscheck.records import Article, content_id

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
    assert "Quayside Voice drops" in derivation.evidence
    assert "Quayside Voice has a lead of its own (2 sentences)" in derivation.evidence


def test_crediting_the_other_outlet_marks_the_later_text():
    credited = COPY + " Coastline Wire reported the arrests first."
    wire = article("wire", WIRE, outlet="Coastline Wire", published="2024-06-03")
    copy = article("copy", credited, outlet="Dunmere Post", published="2024-06-03")
    derivation, _ = derive_pair(copy, wire)
    assert (derivation.source, derivation.direction) == (wire.id, "content")
    assert "same publication date 2024-06-03" in derivation.evidence
    assert "Dunmere Post credits 'Coastline Wire reported'" in derivation.evidence


def test_same_day_copy_with_no_cue_is_undetermined_in_id_order():
    wire = article("wire", WIRE, outlet="Coastline Wire", published="2024-06-03")
    copy = article("copy", COPY, outlet="Dunmere Post", published="2024-06-03")
    derivation, _ = derive_pair(wire, copy)
    assert derivation.direction == "undetermined"
    assert derivation.source == min(wire.id, copy.id)
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
