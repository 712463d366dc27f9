"""Typed conflicts inside a claim group, on hand-made claim facts (invented wording)."""

from __future__ import annotations

from crosscheck.assess.conflicts import characterisation, conflict_records, find_conflicts
from crosscheck.link.claims import ClaimFacts
from crosscheck.records import Claim, Conflict, ConflictValue, Quantity, TimeExpr, content_id


def quantity(article: str, text: str, claim_text: str, *, value=None, low=None, high=None,
             counted="people", unit=None) -> Quantity:
    start = claim_text.index(text)
    low = value if low is None and value is not None else low
    high = value if high is None and value is not None else high
    return Quantity(content_id(article, text), article, start, start + len(text), text, value,
                    low, high, value is None, unit, counted, 0)


def time(article: str, text: str, claim_text: str, low=None, high=None, kind="date") -> TimeExpr:
    start = claim_text.index(text)
    return TimeExpr(content_id(article, "t", text), article, start, start + len(text), text,
                    kind, low, high, None, 0)


def facts(article: str, text: str, *, quantities=(), times=(), places=(), speaker=None,
          speaker_label=None, hedge=None, said_by=None, entities=(),
          speaker_inside=True) -> ClaimFacts:
    """A claim starting at offset 0 of its article; ``said_by`` is the speaker's text."""
    claim = Claim(content_id(article, text), article, 0, len(text), text, None, None,
                  said_by, "said" if said_by else None, hedge is not None, hedge, (), (), (),
                  0.9, 0)
    return ClaimFacts(claim=claim, story="s", speaker=speaker, speaker_name=said_by,
                      speaker_label=speaker_label,
                      speaker_span=(0, len(text)) if speaker_inside and speaker else None,
                      places=tuple((p.lower(), p, None, None) for p in places),
                      entities=frozenset(entities), quantities=tuple(quantities),
                      times=tuple(times))


def slots(found) -> list[str]:
    return [d.slot for d in found]


def counted_claim(article: str, text: str, figure: str, **figures) -> ClaimFacts:
    return facts(article, text, quantities=[quantity(article, figure, text, **figures)])


# --- number ----------------------------------------------------------------------------------

def test_sixty_against_six_hundred_is_a_number_conflict():
    a = counted_claim("a", "Guards detained 60 people at the border.", "60", value=60)
    b = counted_claim("b", "Guards detained 600 people at the border.", "600", value=600)
    found = find_conflicts([a, b])
    assert slots(found) == ["number"]
    assert sorted(v[1] for v in found[0].values) == ["60", "600"]


def test_a_number_conflict_shows_the_figures_that_clash():
    """Each side shows its figure the other contradicts ($54m against $168m), not the first
    count of people one of them also gives."""
    one = "Eighteen former directors agreed to pay $168m to settle the suit."
    two = "The former directors agreed to pay $54m to settle the suit."
    a = facts("a", one, quantities=[quantity("a", "Eighteen", one, value=18.0, counted="directors"),
                                    quantity("a", "$168m", one, value=168e6, counted=None, unit="USD")])
    b = facts("b", two, quantities=[quantity("b", "$54m", two, value=54e6, counted=None, unit="USD")])
    found = find_conflicts([a, b])
    assert slots(found) == ["number"]
    assert sorted(v[1] for v in found[0].values) == ["$168m", "$54m"]


def test_figures_of_two_periods_are_no_number_conflict():
    """A monthly figure and the next month's are two figures, not one changed; the same
    period with two figures still conflicts. (The time slot still tells the periods apart: an
    outlet may change both the figure and the day, as the example corpus plants.)"""
    ta, tb = "The trade surplus was 533 mln dlrs in January.", "The trade surplus was 1.2 billion dlrs in February."
    a = facts("a", ta, quantities=[quantity("a", "533 mln dlrs", ta, value=533e6, counted=None, unit="USD")],
              times=[time("a", "January", ta, "2025-01-01", "2025-01-31")])
    b = facts("b", tb, quantities=[quantity("b", "1.2 billion dlrs", tb, value=1.2e9, counted=None, unit="USD")],
              times=[time("b", "February", tb, "2025-02-01", "2025-02-28")])
    assert "number" not in slots(find_conflicts([a, b]))
    tc = "The trade surplus was 900 mln dlrs in January."
    c = facts("c", tc, quantities=[quantity("c", "900 mln dlrs", tc, value=900e6, counted=None, unit="USD")],
              times=[time("c", "January", tc, "2025-01-01", "2025-01-31")])
    assert slots(find_conflicts([a, c])) == ["number"]
    # two days apart and two counts: both are conflicts
    td, te = "Police held 60 people on Monday.", "Police held 600 people on Tuesday."
    d = facts("d", td, quantities=[quantity("d", "60", td, value=60.0)],
              times=[time("d", "Monday", td, "2025-03-03", "2025-03-03")])
    e = facts("e", te, quantities=[quantity("e", "600", te, value=600.0)],
              times=[time("e", "Tuesday", te, "2025-03-04", "2025-03-04")])
    assert slots(find_conflicts([d, e])) == ["number", "time"]


def test_a_price_per_share_and_a_total_are_not_one_sum():
    ta, tb = "The board rejected the 530 pence a share offer.", "The board rejected the £1.3bn offer."
    a = facts("a", ta, quantities=[quantity("a", "530 pence", ta, value=5.3, counted=None, unit="GBP")])
    b = facts("b", tb, quantities=[quantity("b", "£1.3bn", tb, value=1.3e9, counted=None, unit="GBP")])
    assert find_conflicts([a, b]) == []
    tc = "The board rejected the £1.5bn offer."
    c = facts("c", tc, quantities=[quantity("c", "£1.5bn", tc, value=1.5e9, counted=None, unit="GBP")])
    assert slots(find_conflicts([b, c])) == ["number"]


def test_dozens_against_a_figure_outside_its_range_conflicts():
    a = counted_claim("a", "Dozens of people were held overnight.", "Dozens", low=24, high=99)
    b = counted_claim("b", "In all 116 people were held overnight.", "116", value=116)
    assert slots(find_conflicts([a, b])) == ["number"]


def test_dozens_against_forty_two_is_no_conflict():
    a = counted_claim("a", "Dozens of people were held overnight.", "Dozens", low=24, high=99)
    b = counted_claim("b", "In all 42 people were held overnight.", "42", value=42)
    assert find_conflicts([a, b]) == []


def test_more_than_a_hundred_is_open_ended():
    a = counted_claim("a", "More than 100 people were held.", "More than 100", low=100)
    b = counted_claim("b", "Some 420 people were held.", "420", value=420)
    c = counted_claim("c", "Exactly 42 people were held.", "42", value=42)
    found = find_conflicts([a, b, c])
    assert slots(found) == ["number"]
    assert sorted(v[0] for v in found[0].values) == ["a", "b", "c"]
    assert find_conflicts([a, b]) == []


def test_a_later_figure_that_cites_the_earlier_one_is_no_conflict():
    text = "Now 31 ships wait offshore, up from 14 on Monday."
    later = facts("b", text, quantities=[quantity("b", "31", text, value=31, counted="ships"),
                                         quantity("b", "14", text, value=14, counted=None)])
    earlier = counted_claim("a", "At least 14 ships wait offshore.", "14", value=14,
                            counted="ships")
    assert find_conflicts([earlier, later]) == []


def test_a_missing_figure_is_no_conflict():
    a = counted_claim("a", "Guards detained 60 people at the border.", "60", value=60)
    b = facts("b", "Guards detained people at the border.")
    assert find_conflicts([a, b]) == []


def test_figures_of_different_things_are_not_compared():
    a = counted_claim("a", "They searched four districts.", "four", value=4, counted="districts")
    b = counted_claim("b", "They arrested 42 people.", "42", value=42)
    assert find_conflicts([a, b]) == []


def test_figures_from_two_named_sources_are_a_disagreement_between_them_not_outlets():
    a = facts("a", "The union said 2,300 walked out.", speaker="union", speaker_label="ORG",
              said_by="The union",
              quantities=[quantity("a", "2,300", "The union said 2,300 walked out.",
                                   value=2300, counted=None)])
    b = facts("b", "The port said 1,400 walked out.", speaker="port", speaker_label="ORG",
              said_by="The port",
              quantities=[quantity("b", "1,400", "The port said 1,400 walked out.",
                                   value=1400, counted=None)])
    assert "number" not in slots(find_conflicts([a, b], close=lambda x, y: False))


# --- speaker ---------------------------------------------------------------------------------

QUOTE = '"The vaults were empty when we arrived," the inspector said.'


def test_a_quote_given_to_another_person_is_a_speaker_conflict():
    a = facts("a", QUOTE, speaker="e-vanek", speaker_label="PERSON", said_by="Tomas Vanek")
    b = facts("b", QUOTE, speaker="e-orla", speaker_label="PERSON", said_by="Orla Brenn")
    found = find_conflicts([a, b])
    assert slots(found) == ["speaker"]
    assert sorted(v[1] for v in found[0].values) == ["Orla Brenn", "Tomas Vanek"]


def test_a_speaker_carried_over_from_an_earlier_clause_is_not_compared():
    a = facts("a", QUOTE, speaker="e-vanek", speaker_label="PERSON", said_by="Tomas Vanek")
    b = facts("b", QUOTE, speaker="e-orla", speaker_label="PERSON", said_by="Orla Brenn",
              speaker_inside=False)
    assert find_conflicts([a, b]) == []


def test_a_body_and_its_official_are_not_rival_speakers():
    a = facts("a", QUOTE, speaker="e-vanek", speaker_label="PERSON", said_by="Tomas Vanek")
    b = facts("b", QUOTE, speaker="e-audit", speaker_label="ORG", said_by="The audit office")
    assert find_conflicts([a, b]) == []


def test_a_spokesperson_named_for_the_body_is_one_voice():
    a = facts("a", QUOTE, speaker="e-sela", speaker_label="ORG", said_by="Sela Marin",
              entities={"e-sela", "e-league"})
    b = facts("b", QUOTE, speaker="e-league", speaker_label="ORG", said_by="The League")
    assert find_conflicts([a, b]) == []


# --- place and time --------------------------------------------------------------------------

def test_different_places_for_the_same_event_conflict():
    a = facts("a", "The minister spoke to reporters in Harlow.", places=["Harlow"])
    b = facts("b", "The minister spoke to reporters in Denby.", places=["Denby"])
    found = find_conflicts([a, b])
    assert slots(found) == ["place"]


def test_places_named_together_elsewhere_do_not_conflict():
    a = facts("a", "The minister spoke to reporters in Harlow.", places=["Harlow"])
    b = facts("b", "The minister spoke to reporters in Wessmark.", places=["Wessmark"])
    together = {("harlow", "wessmark")}
    found = find_conflicts([a, b], co_mentioned=lambda x, y: (min(x, y), max(x, y)) in together)
    assert found == []


def test_a_place_and_the_longer_name_of_it_do_not_conflict():
    a = facts("a", "The ferry docked at Harlow on Monday.", places=["Harlow"])
    b = facts("b", "The ferry docked at the Port of Harlow on Monday.", places=["Port of Harlow"])
    assert find_conflicts([a, b]) == []
    c = facts("c", "The ferry docked at Denby on Monday.", places=["Denby"])
    assert slots(find_conflicts([b, c])) == ["place"]
    # one letter apart is a spelling, not another place; a short name is not a long one's part
    d = facts("d", "The ferry docked at Wessmark on Monday.", places=["Wessmark"])
    e = facts("e", "The ferry docked at Wesmark on Monday.", places=["Wesmark"])
    assert find_conflicts([d, e]) == []
    f = facts("f", "The ferry docked at Wes on Monday.", places=["Wes"])
    assert slots(find_conflicts([d, f])) == ["place"]
    # a compass word makes another place where the gazetteer knows the whole name
    h = facts("h", "The ferry docked in Korea on Monday.", places=["Korea"])
    i = facts("i", "The ferry docked in North Korea on Monday.", places=["North Korea"])
    assert slots(find_conflicts([h, i])) == ["place"]
    j = facts("j", "The ferry docked in London on Monday.", places=["London"])
    k = facts("k", "The ferry docked in North London on Monday.", places=["North London"])
    assert find_conflicts([j, k]) == []


def test_places_are_compared_only_between_close_wordings_or_alike_settings():
    a = facts("a", "The minister spoke to reporters in Harlow.", places=["Harlow"])
    b = facts("b", "Officers searched a warehouse in Denby on the same night.", places=["Denby"])
    assert find_conflicts([a, b], close=lambda x, y: False) == []


def test_a_place_changed_inside_a_reworded_claim_is_a_place_conflict():
    # Worded apart (not close), but the words around the place agree: the same raids are
    # put in another town.
    a = facts("a", "He said the raids were carried out over the winter in Harlow and three "
                   "nearby villages.", places=["Harlow"])
    b = facts("b", "Commander Ilse Varga told a briefing in the capital that the raids had "
                   "taken place during the winter in Denby and three nearby villages.",
              places=["Denby"])
    found = find_conflicts([a, b], close=lambda x, y: False)
    assert slots(found) == ["place"]
    assert sorted(v[:2] for v in found[0].values) == [("a", "Harlow"), ("b", "Denby")]
    # Two places named together somewhere in the corpus are compatible (a town and its area).
    assert find_conflicts([a, b], close=lambda x, y: False,
                          co_mentioned=lambda x, y: {x, y} == {"harlow", "denby"}) == []


def test_different_weekdays_conflict_even_unresolved():
    ta = "The raid took place on Tuesday."
    tb = "The raid took place on Monday."
    a = facts("a", ta, times=[time("a", "Tuesday", ta, "2025-03-04", "2025-03-04")])
    b = facts("b", tb, times=[time("b", "Monday", tb)])
    found = find_conflicts([a, b])
    assert slots(found) == ["time"]
    assert sorted(v[1] for v in found[0].values) == ["Monday", "Tuesday"]


def test_overlapping_intervals_do_not_conflict():
    ta = "The arrests were made over the past year."
    tb = "The arrests were made in March 2025."
    a = facts("a", ta, times=[time("a", "the past year", ta, "2024-06-01", "2025-06-01")])
    b = facts("b", tb, times=[time("b", "March 2025", tb, "2025-03-01", "2025-03-31")])
    assert find_conflicts([a, b]) == []


def test_a_wires_today_and_a_papers_yesterday_a_day_apart_do_not_conflict():
    """Relative days rest on publication dates that inputs seldom give to the hour (a wire and
    the next morning's paper, both dated by the story's day): one day apart is no changed date;
    two days apart, or two dates written out, still are."""
    ta, tb = "The jury retired today.", "The jury retired yesterday."
    a = facts("a", ta, times=[time("a", "today", ta, "2025-03-04", "2025-03-04", kind="relative")])
    b = facts("b", tb, times=[time("b", "yesterday", tb, "2025-03-03", "2025-03-03", kind="relative")])
    assert find_conflicts([a, b]) == []
    c = facts("c", tb, times=[time("c", "yesterday", tb, "2025-03-01", "2025-03-01", kind="relative")])
    assert slots(find_conflicts([a, c])) == ["time"]
    td, te = "The jury retired on March 4.", "The jury retired on March 3."
    d = facts("d", td, times=[time("d", "March 4", td, "2025-03-04", "2025-03-04")])
    e = facts("e", te, times=[time("e", "March 3", te, "2025-03-03", "2025-03-03")])
    assert slots(find_conflicts([d, e])) == ["time"]


def test_a_day_whose_year_one_side_left_out_is_no_changed_date():
    ta, tb = "The call came on August 21, 1997.", "The call came on August 21."
    a = facts("a", ta, times=[time("a", "August 21, 1997", ta, "1997-08-21", "1997-08-21")])
    b = facts("b", tb, times=[time("b", "August 21", tb, "1999-08-21", "1999-08-21")])
    assert find_conflicts([a, b]) == []


def test_a_dateline_date_is_not_the_event_time():
    ta = "DUNMORE, May 2 (Wire) - Officials said the bridge would close."
    tb = "DUNMORE, May 4 (Wire) - Officials said the bridge would close."
    a = facts("a", ta, times=[time("a", "May 2", ta, "2025-05-02", "2025-05-02")])
    b = facts("b", tb, times=[time("b", "May 4", tb, "2025-05-04", "2025-05-04")])
    assert find_conflicts([a, b]) == []


# --- characterisation and hedge --------------------------------------------------------------

def test_contacts_relabelled_as_membership_is_a_characterisation_conflict():
    ta = "Police held 30 people who had links with the Valley Union, officials said."
    tb = "Police held 30 members of the Valley Union."
    a = counted_claim("a", ta, "30", value=30)
    b = counted_claim("b", tb, "30", value=30, counted="members")
    assert characterisation(a)[:2] == ("contacts", "30 people who had links with the Valley Union")
    assert characterisation(b)[:2] == ("members", "30 members of the Valley Union")
    found = find_conflicts([a, b])
    assert slots(found) == ["characterisation"]


def test_plain_people_against_members_is_no_characterisation_conflict():
    a = counted_claim("a", "Police held 30 people overnight.", "30", value=30)
    b = counted_claim("b", "Police held 30 members of the Valley Union.", "30", value=30,
                      counted="members")
    assert find_conflicts([a, b]) == []


def test_a_dropped_hedge_is_a_hedge_conflict():
    a = facts("a", "The agency claimed that the funds came from abroad.", hedge="claimed",
              said_by="The agency")
    b = facts("b", "The funds came from abroad.")
    found = find_conflicts([a, b])
    assert slots(found) == ["hedge"]
    assert sorted(v[:2] for v in found[0].values) == [("a", "claimed"), ("b", "stated as fact")]
    [(_, _, start, end)] = [v for v in found[0].values if v[0] == "a"]
    assert a.claim.text[start:end] == "claimed"


def test_hedges_kept_in_other_words_side_together_against_the_bare_statement():
    a = facts("a", "The agency claimed that the funds came from abroad.", hedge="claimed",
              said_by="The agency")
    b = facts("b", "It alleged that the funds had come from abroad.", hedge="alleged",
              said_by="It")
    c = facts("c", "According to the agency, the funds came from abroad.",
              hedge="according to", said_by="the agency")
    d = facts("d", "The funds came from abroad.")
    assert find_conflicts([a, b, c]) == []  # three hedges, no statement: nothing to flag
    [found] = find_conflicts([a, b, c, d])
    assert found.slot == "hedge"
    assert sorted(v[:2] for v in found.values) == [
        ("a", "claimed"), ("b", "alleged"), ("c", "According to"), ("d", "stated as fact")]
    assert "according to, alleged, claimed" in found.detail


def test_plain_attribution_against_a_statement_is_no_hedge_conflict():
    a = facts("a", "The agency said the funds came from abroad.", said_by="The agency")
    b = facts("b", "The funds came from abroad.")
    assert find_conflicts([a, b]) == []


def test_conflict_records_have_one_value_per_article_with_spans():
    a = counted_claim("a", "Guards detained 60 people at the border.", "60", value=60)
    b = counted_claim("b", "Guards detained 600 people at the border.", "600", value=600)
    records = conflict_records("g1", find_conflicts([a, b]))
    conflict, *values = records
    assert isinstance(conflict, Conflict) and conflict.group == "g1"
    assert conflict.id == content_id("g1", "conflict", "number")
    assert all(isinstance(v, ConflictValue) and v.conflict == conflict.id for v in values)
    assert [(v.article, v.start, v.end) for v in values] == [("a", 16, 18), ("b", 16, 19)]


def test_characterisation_spans_lie_inside_the_text_and_read_back_the_phrase():
    text = "Officers said 12 people, who had ties to the Valley Union, were held overnight."
    fact = counted_claim("a", text, "12", value=12)
    label, phrase, start, end = characterisation(fact)
    assert label == "contacts"
    assert 0 <= start < end <= len(text) and text[start:end] == phrase
    assert phrase == "12 people, who had ties to the Valley Union"


def test_two_names_of_one_voice_are_no_speaker_conflict():
    # The entity merge kept them apart, but one name lies inside the other, or they differ
    # only by the place that qualifies the body.
    a = facts("a", QUOTE, speaker="e-board", speaker_label="ORG", said_by="The board")
    b = facts("b", QUOTE, speaker="e-hboard", speaker_label="ORG",
              said_by="The harbour board in Tamsk province", places=["Tamsk"])
    assert find_conflicts([a, b]) == []
    c = facts("c", QUOTE, speaker="e-h", speaker_label="ORG", said_by="Halden harbour agency",
              places=["Halden"])
    d = facts("d", QUOTE, speaker="e-d", speaker_label="ORG", said_by="Dravia harbour agency",
              places=["Dravia"])
    assert "speaker" not in slots(find_conflicts([c, d]))  # (the place slot may differ)
    e = facts("e", QUOTE, speaker="e-f", speaker_label="ORG", said_by="Dravia fisheries agency",
              places=["Dravia"])
    assert "speaker" in slots(find_conflicts([c, e]))
