"""Direction of derivations: times of day, the content cues one at a time, split cues and the
order of undetermined pairs. Hand-written texts in the team's own words."""

from __future__ import annotations

from dataclasses import replace

from crosscheck.assess.propaganda import load_lexicon
from crosscheck.link.derivations import derive
from crosscheck.link.direction import CUE_WEIGHTS, content_score, cue_values, decide_direction, source_first
from crosscheck.link.passages import Alignment, align_verbatim
from crosscheck.records import Article, content_id


def article(key: str, text: str, *, outlet: str = "", published: str | None = None,
            published_at: str | None = None) -> Article:
    return Article(id=content_id(key), source=f"{key}.txt", url=None, outlet=outlet or key,
                   outlet_from="input", title=None, published=published,
                   published_from="input" if published else None, language="en", text=text,
                   published_at=published_at)


def whole(a: Article, b: Article) -> list[Alignment]:
    return [Alignment(0, len(a.text), 0, len(b.text), 0.9)]


def span(a: Article, b: Article, part_a: str, part_b: str, similarity: float = 0.8) -> Alignment:
    start_a, start_b = a.text.index(part_a), b.text.index(part_b)
    return Alignment(start_a, start_a + len(part_a), start_b, start_b + len(part_b), similarity)


# --- times of day -------------------------------------------------------------------------

REPORT = ("Ferry crews in Lossa stopped work at noon over unpaid overtime, the union said. "
          "Two crossings to the islands were cancelled and a third ran late.")


def test_two_known_times_on_one_day_decide_and_say_so():
    wire = article("wire", REPORT, published="2024-03-05", published_at="2024-03-05T09:52:00Z")
    paper = article("paper", REPORT, published="2024-03-05", published_at="2024-03-05T14:10:00Z")
    a_is_source, direction, evidence = decide_direction(paper, wire, verbatim=whole(paper, wire),
                                                        paraphrase=[])
    assert (a_is_source, direction) == (False, "dated")
    assert evidence == "paper published 2024-03-05T14:10:00Z, wire 2024-03-05T09:52:00Z"


def test_times_in_utc_order_two_time_zones_dates():
    # 23:30 at UTC-5 on the 5th is 04:30 UTC on the 6th: after a 02:00 UTC report of the 6th
    late = article("late", REPORT, published="2024-03-05", published_at="2024-03-06T04:30:00Z")
    early = article("early", REPORT, published="2024-03-06", published_at="2024-03-06T02:00:00Z")
    a_is_source, direction, _ = decide_direction(late, early, verbatim=whole(late, early),
                                                 paraphrase=[])
    assert (a_is_source, direction) == (False, "dated")


def test_a_date_alone_still_decides_across_days_and_one_time_decides_nothing():
    first = article("first", REPORT, published="2024-03-05", published_at="2024-03-05T20:00:00Z")
    second = article("second", REPORT, published="2024-03-06")
    assert decide_direction(second, first, verbatim=whole(second, first), paraphrase=[])[:2] == (False, "dated")
    same_day = replace(second, published="2024-03-05")
    _, direction, evidence = decide_direction(first, same_day, verbatim=whole(first, same_day),
                                              paraphrase=[])
    assert direction == "undetermined" and evidence.startswith("same publication date 2024-03-05")


# --- cues ---------------------------------------------------------------------------------


def test_bracket_cue_marks_the_text_that_edits_a_quote():
    plain = article("plain", 'The mayor said: "Dock workers were told to leave the pier before '
                             'the storm, and most of them did."')
    edited = article("edited", 'The mayor said: "[Dock] workers were told to leave the pier '
                               'before the storm, [and] most of them did."')
    value, reason = cue_values(plain, edited, verbatim=whole(plain, edited), paraphrase=[])["brackets"]
    assert value == 1 and reason == "edited inserts editorial brackets into quotes (2 against 0)"
    # brackets outside any quotation ("[photo]") are not an edit of someone's words
    captioned = article("captioned", "Dock workers left the pier. [Photo: the empty pier]")
    assert cue_values(plain, captioned, verbatim=whole(plain, captioned), paraphrase=[])["brackets"][0] == 0


def test_detail_cue_keeps_the_side_with_dates_and_explanations():
    full = article("full", "The harbour board met on Thursday, May 9 and voted to sell Pier Four "
                           "(the oldest berth, built in 1911) to a private firm.")
    thin = article("thin", "The harbour board met and voted to sell the pier to a private firm.")
    value, reason = cue_values(full, thin, verbatim=whole(full, thin), paraphrase=[])["details"]
    assert value == 1
    # weekday, month and day, month as a name, the pier's name, the explanation
    assert reason == ("thin drops details of full in shared passages (5 against 0, e.g. "
                      "'(the oldest berth, built in 1911)', 'Pier Four', 'Thursday')")
    # a bare label in brackets explains nothing
    labelled = article("labelled", "The harbour board (HB) met and voted to sell the pier to a private firm.")
    assert cue_values(labelled, thin, verbatim=whole(labelled, thin), paraphrase=[])["details"][0] == 0


def test_detail_cue_holds_a_body_named_in_full_where_the_other_side_gave_its_initials():
    short = article("short", "Prosecutors said the NLV paid the Border Guards to look away in "
                             "Orrin and Tessa during the spring.")
    full = article("full", "Prosecutors said the National League of Valdor paid the Border "
                           "Guard to look away during the spring.")
    # paraphrase pairs count as verbatim passages do; the league spelt out and the guard in the
    # singular are the same bodies, so only the two towns are specifics one side lacks
    value, reason = cue_values(short, full, verbatim=[], paraphrase=whole(short, full))["details"]
    assert value == 1
    assert reason == "full drops details of short in shared passages (2 against 0, e.g. 'Orrin', 'Tessa')"
    backward, _ = cue_values(full, short, verbatim=[], paraphrase=whole(full, short))["details"]
    assert backward == -1


def test_detail_cue_reads_a_possessive_name_by_its_parts():
    # "Lossa Ferry Company's Dock Office" is one name; the other side holds both its parts
    owned = article("owned", "Workers at Lossa Ferry Company's Dock Office walked out at noon.")
    plain = article("plain", "Workers of the Lossa Ferry Company walked out at the Dock Office at noon.")
    assert cue_values(owned, plain, verbatim=whole(owned, plain), paraphrase=[])["details"] == (0, "")


def test_loaded_insert_cue_marks_the_text_that_slips_a_loaded_word_into_a_copied_passage():
    plain = article("plain", "Officers of the Coast Watch detained eleven fishermen near Lossa "
                             "after a night patrol, the ministry said.")
    framed = article("framed", "Officers of the notorious Coast Watch detained eleven fishermen "
                               "near Lossa after a night patrol, the ministry said.")
    value, reason = cue_values(plain, framed, verbatim=whole(plain, framed), paraphrase=[])["loaded_insert"]
    weight = next(t.weight for t in load_lexicon() if t.term == "notorious")
    assert value == weight
    assert reason == (f"framed puts loaded words into passages it shares word for word "
                      f"(weight {weight:.2f} against 0.00)")
    backward, _ = cue_values(framed, plain, verbatim=whole(framed, plain), paraphrase=[])["loaded_insert"]
    assert backward == -weight
    # a paraphrase rewords whole sentences: a loaded word in one side of it says nothing here
    assert cue_values(plain, framed, verbatim=[], paraphrase=whole(plain, framed))["loaded_insert"] == (0, "")


def test_loaded_insert_cue_reads_only_the_hand_written_terms():
    counted = next(t.term for t in load_lexicon() if t.source != "hand" and t.term.isalpha())
    plain = article("plain", "The council said the new harbour rules would start in May.")
    framed = article("framed", f"The council said the new {counted} harbour rules would start in May.")
    assert cue_values(plain, framed, verbatim=whole(plain, framed), paraphrase=[])["loaded_insert"] == (0, "")


def mirrored(alignments: list[Alignment]) -> list[Alignment]:
    return [Alignment(x.derived_start, x.derived_end, x.source_start, x.source_end, x.similarity)
            for x in alignments]


# Three stretches the retelling keeps; it cuts two words from the first, puts a sentence of its
# own after it and moves the second stretch to the end, so the passages cross.
ORDERED = ("The council closed the old bridge on Monday after engineers found cracks in two piers. "
           "Buses will take a detour through the market square for at least six weeks. "
           "Shop owners on the square said they feared the extra traffic would keep buyers away. "
           "A temporary footbridge is planned for the spring, the council added.")
RETOLD = ("The council closed the old bridge after engineers found cracks in two piers. "
          "Commuters from the northern estates face the longest trips while the work lasts. "
          "A temporary footbridge is planned for the spring, the council added. "
          "Buses will take a detour through the market square for at least six weeks.")
KEPT = ("The council closed the old bridge on Monday after engineers found cracks in two piers.",
        "Buses will take a detour through the market square for at least six weeks.",
        "A temporary footbridge is planned for the spring, the council added.")


def test_edit_cue_reads_the_same_whichever_text_is_a():
    ordered, retold = article("ordered", ORDERED), article("retold", RETOLD)
    aligned = [span(ordered, retold, KEPT[0], RETOLD[:RETOLD.index(".") + 1]),
               *(span(ordered, retold, part, part) for part in KEPT[1:])]
    forward, reason = cue_values(ordered, retold, verbatim=aligned, paraphrase=[])["edits"]
    backward, _ = cue_values(retold, ordered, verbatim=mirrored(aligned), paraphrase=[])["edits"]
    assert forward == -backward
    # no two passages follow each other in both texts, so no gap counts: only the two words
    # cut inside the first passage speak (a moved passage is no cut)
    assert (forward, reason) == (1, "retold cuts reused passages (2 words only in the other side, 0 added)")


def test_edit_cue_counts_a_clause_cut_between_passages_but_not_a_whole_section():
    source = article("source", ORDERED)
    cut = article("cut", " ".join((KEPT[0], KEPT[1], KEPT[2])))
    aligned = [span(source, cut, part, part) for part in KEPT]
    value, reason = cue_values(source, cut, verbatim=aligned, paraphrase=[])["edits"]
    assert value == 1 and reason.startswith("cut cuts reused passages (15 words only in the other")
    section = " ".join(["The engineers listed every crack they found in their long report."] * 5)
    padded = article("padded", ORDERED.replace(KEPT[1] + " ", KEPT[1] + " " + section + " "))
    aligned = [span(padded, cut, part, part) for part in KEPT]
    assert cue_values(padded, cut, verbatim=aligned, paraphrase=[])["edits"] == (0, "")


def test_loaded_cue_needs_a_clear_gap_in_loaded_words():
    neutral = article("neutral", "The ministry said 30 people were detained in Orrin on Monday.")
    loaded = article("loaded", "The regime's thugs boasted that 30 people were detained in Orrin "
                               "on Monday.")
    value, reason = cue_values(neutral, loaded, verbatim=whole(neutral, loaded), paraphrase=[])["loaded"]
    assert value == 1 and reason.startswith("loaded frames shared facts in loaded words")
    # the same loaded word on both sides says nothing
    both = article("both", "The regime said 30 people were detained in Orrin on Monday.")
    again = article("again", "The regime said that 30 people were held in Orrin on Monday.")
    assert cue_values(both, again, verbatim=whole(both, again), paraphrase=[])["loaded"][0] == 0


def test_lead_cue_looks_past_aligned_headlines():
    body = "Police closed the bridge at Varn after a lorry hit its railing on the north side. "
    source = article("src", "Bridge at Varn closed\n" + body)
    framed = article("framed", "Varn bridge shut again\nDrivers are furious again this week, and "
                               "who can blame them for it. Nobody in the town hall will say a word. "
                               + body)
    heads = span(source, framed, "Bridge at Varn closed", "Varn bridge shut again")
    bodies = span(source, framed, body.strip(), body.strip(), 1.0)
    value, reason = cue_values(source, framed, verbatim=[bodies], paraphrase=[heads])["lead"]
    assert value == 1 and reason == "framed has a lead of its own (2 sentences)"


def test_citation_needs_the_outlet_named_within_one_sentence():
    paper = article("paper", "Nine boats were seized at dawn.", outlet="Express")
    for text in ("Nine boats were seized, a reader wrote to the Express.\nHe said it was quiet.",
                 "Nine boats were seized, the express said."):
        wire = article("wire", text, outlet="Coast Wire")
        assert cue_values(wire, paper, verbatim=whole(wire, paper), paraphrase=[])["citation"][0] == 0
    crediting = article("crediting", "Nine boats were seized, the Express reported.", outlet="Post")
    value, reason = cue_values(crediting, paper, verbatim=whole(crediting, paper), paraphrase=[])["citation"]
    assert (value, reason) == (-1, "Post credits 'Express reported'")


# --- split cues and the order of undetermined pairs ---------------------------------------


def test_cues_that_disagree_leave_the_direction_undetermined():
    today = article("today", "The council of Brill voted today to close the pier, the Brill Post "
                             "reported.", outlet="Brill Wire")
    later = article("later", "The council of Brill voted yesterday to close the pier.", outlet="Brill Post")
    score, reasons = content_score(today, later, verbatim=whole(today, later), paraphrase=[])
    assert len(reasons) >= 2  # a credit one way, a day shift the other
    a_is_source, direction, evidence = decide_direction(today, later, verbatim=whole(today, later),
                                                        paraphrase=[])
    assert direction == "undetermined" and "cues too weak or split" in evidence


def test_undetermined_pairs_list_a_dated_then_the_longer_text_first():
    short = article("short", "Two crossings were cancelled.", published="2024-03-05")
    long = article("long", "Two crossings were cancelled and a third ran late.")
    assert source_first(long, short) is short  # dated beats undated
    assert source_first(replace(short, published=None), long) is long
    twin = article("twin", long.text)
    assert source_first(long, twin).id == min(long.id, twin.id)


# --- a partisan rewrite of a neutral report -----------------------------------------------

NEUTRAL = (
    "Security office says forty people held over contacts with banned group\n"
    "The security office of Dorran province said on Monday, June 3, that forty people who had "
    "contacts with the banned Valley Front had been arrested over the past year (from April 2023 "
    "to March 2024).\n"
    "\"Valley Front members were collecting weapons to disturb the peace in the province before "
    "they were caught,\" the office's director, Ilse Moran, said.\n"
    "She added that another twenty members had been identified and placed under watch.\n"
    "Moran did not say how many of those held had been charged, or where they were being kept.\n"
    "Rights groups in the province have asked for the names of the detainees."
)
REWRITE = (
    "Regime boasts of forty arrests in Dorran\n"
    "Moran said: \"[Valley Front] members were collecting weapons to disturb the peace in the "
    "province before they were caught, [and another twenty were identified].\"\n"
    "The regime's security office said that forty people who had contacts with the Valley Front "
    "had been arrested.\n"
    "As always, the regime hides the true number of its victims behind such boasts.\n"
    "Readers should remember that the real figure is surely many times higher.\n"
    "Our friends abroad must speak up for every prisoner now, before it is too late."
)


def test_a_partisan_rewrite_of_a_neutral_report_points_back_to_the_report_both_ways():
    neutral, rewrite = article("neutral", NEUTRAL), article("rewrite", REWRITE)
    for a, b in ((neutral, rewrite), (rewrite, neutral)):
        verbatim = align_verbatim(a.text, b.text)
        found = derive(a, b, verbatim=verbatim, paraphrase=[], min_shared_chars=100)
        assert found is not None
        derivation, _ = found
        assert (derivation.source, derivation.direction) == (neutral.id, "content")
        assert "inserts editorial brackets into quotes" in derivation.evidence
        assert f"(+{CUE_WEIGHTS['brackets']:.2f})" in derivation.evidence or \
            f"(-{CUE_WEIGHTS['brackets']:.2f})" in derivation.evidence


# --- a paraphrasing rewrite of an already partisan report ----------------------------------

# Both texts use loaded words, about as many in the paragraphs they share, so the loaded rate
# says nothing. The undated retelling adds nearly as much wording as it cuts, so the edit cue
# barely leans (and the wrong way); it rewords most sentences, drops the two towns, spells out
# the office the report gave by initials (which, read as an added name, would cancel the towns)
# and slips one loaded word into the stretch it copies. Before those two rules: undetermined.
REPORT = (
    "New arrests of Valley Front supporters\n"
    "The regime's agents and the Border Guards (BGC) have detained dozens of young supporters "
    "of the Valley Front since April, the group said.\n"
    "In Selvar and Tarrow, the SOD thugs kept detainees awake for days to force confessions "
    "for the evening news.\n"
    "Families were told to pay bail and sign pledges before anyone was let go."
)
RETELLING = (
    "The regime widens its crackdown\n"
    "Angry crowds have filled the streets for weeks, and the regime fears the Valley Front more "
    "with every month that passes.\n"
    "The regime's agents and the notorious Border Guard Corps (BGC) have detained dozens of young "
    "supporters of the Valley Front since April.\n"
    "According to several accounts from inside the jails, some of those held by the Security "
    "Office of Dorran were questioned harshly and at length to break them.\n"
    "Their families, left without news for weeks, were ordered to pay bail and sign written pledges."
)
COPIED = ("The regime's agents and the Border Guards (BGC) have detained dozens of young supporters "
          "of the Valley Front since April",
          "The regime's agents and the notorious Border Guard Corps (BGC) have detained dozens of "
          "young supporters of the Valley Front since April")


def test_a_paraphrasing_rewrite_of_a_partisan_report_is_told_by_what_it_drops_and_inserts():
    report, retelling = article("report", REPORT), article("retelling", RETELLING)
    copied = span(report, retelling, *COPIED, 0.85)
    reworded = [span(report, retelling, REPORT.splitlines()[2], RETELLING.splitlines()[3], 0.66),
                span(report, retelling, REPORT.splitlines()[3], RETELLING.splitlines()[4], 0.7)]
    forward = decide_direction(report, retelling, verbatim=[copied], paraphrase=reworded)
    backward = decide_direction(retelling, report, verbatim=mirrored([copied]),
                                paraphrase=mirrored(reworded))
    assert forward[:2] == (True, "content") and backward[:2] == (False, "content")
    assert "retelling drops details of report in shared passages (2 against 0" in forward[2]
    assert "retelling puts loaded words into passages it shares word for word" in forward[2]


def test_a_passage_running_on_from_the_headline_starts_the_body():
    from crosscheck.link.direction_cues import _lead

    text = ("Quay to close for repairs\nThe harbour council voted to close the quay. "
            "Councillors said the piles had rotted away. Ferries will use the cargo berth now. "
            "Fishermen asked for a landing stage.")
    start_of_fourth = text.index("Fishermen")
    # one passage from the headline into the first sentence, the next at the fourth sentence
    assert _lead(text, [(0, text.index(" Councillors")), (start_of_fourth, len(text))]) == 0
    assert _lead(text, [(start_of_fourth, len(text))]) == 3
