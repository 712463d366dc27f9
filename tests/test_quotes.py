"""Quotes and attribution on hand-written sentences (the team's own words, no real articles)."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from crosscheck.enrich.quotes import (  # noqa: E402
    MAX_QUOTE_CHARS, extract_quotes, find_quote_marks)
from crosscheck.records import Article, Mention, content_id  # noqa: E402


@pytest.fixture(scope="module")
def nlp(quote_nlp):
    return quote_nlp


def article(text: str) -> Article:
    return Article(id="t1", source="test", url=None, outlet=None, outlet_from=None, title=None,
                   published=None, published_from=None, language="en", text=text)


def mention(text: str, surface: str, label: str, key: str, *, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Mention(content_id("t1", "mention", start), "t1", start, start + len(surface),
                   surface, label, surface, key, 0)


def quotes_of(nlp, text: str, *names: tuple[str, str, str]):
    doc = nlp(text)
    mentions = [mention(text, *name) for name in names]
    found = extract_quotes(doc, article=article(text), mentions=mentions)
    for quote in found:  # every offset lies inside the text, every span is non-empty
        for start, end in ((quote.start, quote.end), (quote.content_start, quote.content_end)):
            assert 0 <= start < end <= len(text)
        assert quote.start <= quote.content_start and quote.content_end <= quote.end
        if quote.speaker_start is not None:
            assert text[quote.speaker_start : quote.speaker_end] == quote.speaker
        if quote.cue_start is not None:
            assert text[quote.cue_start : quote.cue_end] == quote.cue
    return found


def content(text: str, quote) -> str:
    return text[quote.content_start : quote.content_end]


def only(found):
    assert len(found) == 1, found
    return found[0]


# --- direct quotes in every quote style -------------------------------------------------------


@pytest.mark.parametrize("text, said", [
    ("“The bridge will reopen in May,” the mayor said.", "The bridge will reopen in May"),
    ('"The bridge will reopen in May," the mayor said.', "The bridge will reopen in May"),
    ("The mayor said: «The bridge will reopen in May.»", "The bridge will reopen in May."),
    ("‘The bridge will reopen in May,’ the mayor said.", "The bridge will reopen in May"),
    ("'The bridge will reopen in May,' the mayor said.", "The bridge will reopen in May"),
    ("The mayor said, “The bridge will reopen in May. The tolls will stay.”",
     "The bridge will reopen in May. The tolls will stay."),
])
def test_direct_quote_styles(nlp, text, said):
    quote = only(quotes_of(nlp, text))
    assert (quote.kind, quote.speaker, quote.cue, quote.stance) == (
        "direct", "the mayor" if "the mayor" in text else "The mayor", "said", "neutral")
    assert content(text, quote) == said


def test_the_judge_speaks_not_the_act_before_the_comma(nlp):
    """British court copy opens with the judge's act: "Sentencing Dessen, Mr Justice Kell
    said: ..." The parser may give the verb two subjects; the one next to it speaks."""
    text = 'Sentencing Dessen, Mr Justice Kell said: "You are a danger to every harbour town."'
    assert only(quotes_of(nlp, text)).speaker == "Mr Justice Kell"


@pytest.mark.parametrize("text", [
    'Ann Dessen, QC, prosecuting said: "The van was taken over the weekend."',
    'Ann Dessen, prosecuting said: "The van was taken over the weekend."',
])
def test_counsel_speaks_not_the_part_she_plays(nlp, text):
    """ "X, prosecuting said": the parser may take the participle for a second subject next to
    the verb; it tells what counsel does in the case, and counsel speaks."""
    assert only(quotes_of(nlp, text)).speaker.startswith("Ann Dessen")


def test_quote_split_around_its_cue_is_one_quote(nlp):
    text = "“We are ready,” she said, “and nobody will stop the vote.”"
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "direct" and quote.speaker == "she"
    assert content(text, quote).startswith("We are ready")
    assert content(text, quote).endswith("nobody will stop the vote.")


def test_scare_quoted_word_is_part_of_indirect_speech(nlp):
    text = "The director said the new plan was “bold” and would save money."
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "indirect"
    assert content(text, quote) == "the new plan was “bold” and would save money"


def test_apostrophes_are_not_quote_marks():
    text = "The union’s office and the port's 'hard' rules don't change."
    assert [text[s:e] for s, e in find_quote_marks(text)] == ["'hard'"]


# --- indirect speech, stance, special constructions -------------------------------------------


@pytest.mark.parametrize("verb, stance", [
    ("said", "neutral"), ("told reporters", "neutral"), ("stated", "neutral"),
    ("announced", "neutral"), ("claimed", "distancing"), ("alleged", "distancing"),
    ("insisted", "distancing"), ("maintained", "distancing"), ("boasted", "assertive"),
    ("bragged", "assertive"), ("admitted", "admission"), ("acknowledged", "admission"),
    ("conceded", "admission"), ("denied", "denial"),
])
def test_indirect_speech_and_stance(nlp, verb, stance):
    text = f"The harbour master {verb} that the pier had been closed for a week."
    quote = only(quotes_of(nlp, text))
    assert (quote.kind, quote.speaker, quote.stance) == ("indirect", "The harbour master", stance)
    assert quote.cue == verb.split()[0]
    assert content(text, quote) == "that the pier had been closed for a week"


def test_said_without_that(nlp):
    text = "Engineers said the dam had cracked after the storm."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, content(text, quote)) == ("Engineers", "the dam had cracked after "
                                                                  "the storm")


def test_announced_object_and_rejected(nlp):
    text = "The council announced the closure of two schools."
    quote = only(quotes_of(nlp, text))
    assert (quote.cue, content(text, quote)) == ("announced", "the closure of two schools")
    text = "The council rejected the report on the schools."
    assert only(quotes_of(nlp, text)).stance == "denial"


def test_accused_of(nlp):
    text = "The union accused the company of hiding its losses."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue) == ("The union", "accused")
    assert content(text, quote) == "the company of hiding its losses"


def test_according_to(nlp):
    text = "The fire destroyed twelve homes, according to the fire brigade."
    quote = only(quotes_of(nlp, text))
    assert (quote.kind, quote.speaker, quote.cue) == ("according_to", "the fire brigade",
                                                      "according to")
    assert content(text, quote) == "The fire destroyed twelve homes"


def test_quoted_as_saying(nlp):
    text = "The spokesman was quoted as saying that the talks would resume."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue) == ("The spokesman", "quoted as saying")
    assert content(text, quote) == "that the talks would resume"


def test_negated_cue_reports_nothing(nlp):
    assert quotes_of(nlp, "The harbour master did not say when the pier would open.") == []


# --- speakers ---------------------------------------------------------------------------------


def test_pronoun_resolves_to_last_person(nlp):
    text = "Maria Lindqvist chaired the meeting. She said that the budget was approved."
    quote = only(quotes_of(nlp, text, ("Maria Lindqvist", "PERSON", "lindqvist")))
    assert (quote.speaker, quote.speaker_key) == ("She", "lindqvist")


def test_pronoun_after_an_unnamed_speaker_is_not_an_earlier_named_one(nlp):
    text = ("Maria Lindqvist said that the budget was approved. A young nurse said she had "
            "waited nine hours for her pay, and told reporters that she would not return.")
    found = quotes_of(nlp, text, ("Maria Lindqvist", "PERSON", "lindqvist"))
    keys = {q.speaker: q.speaker_key for q in found}
    assert keys["Maria Lindqvist"] == "lindqvist"
    assert all(key is None for speaker, key in keys.items() if speaker != "Maria Lindqvist")


def test_role_resolves_to_the_person_introduced_with_it(nlp):
    text = ("Transport Minister Karl Brandt opened the new line on Monday. "
            "The minister said that trains would run every hour.")
    quote = only(quotes_of(nlp, text, ("Karl Brandt", "PERSON", "brandt")))
    assert (quote.speaker, quote.speaker_key) == ("The minister", "brandt")


def test_someone_elses_counterpart_is_not_them(nlp):
    text = ("Karl Brandt opened the line. Brandt's counterpart in the north said that the "
            "trains would be late.")
    quote = only(quotes_of(nlp, text, ("Karl Brandt", "PERSON", "brandt")))
    assert quote.speaker.startswith("Brandt's counterpart") and quote.speaker_key is None


def _keys(found) -> dict[str, str | None]:
    return {q.speaker: q.speaker_key for q in found}


def test_the_company_and_it_resolve_to_the_body_speaking(nlp):
    text = ("Velmora Shipping Inc said it had sold four ferries to a rival. "
            "The company said the sale would close in May. "
            "It said the crews would keep their jobs.")
    keys = _keys(quotes_of(nlp, text, ("Velmora Shipping Inc", "ORG", "velmora shipping")))
    assert (keys["The company"], keys["It"]) == ("velmora shipping", "velmora shipping")


def test_the_bank_is_the_body_named_with_that_word(nlp):
    text = ("Harbour Holdings said its unit Ostrel Savings Bank had opened a branch in Korvask. "
            "The bank said the branch would employ 40 people.")
    keys = _keys(quotes_of(nlp, text, ("Harbour Holdings", "ORG", "harbour holdings"),
                           ("Ostrel Savings Bank", "ORG", "ostrel savings bank")))
    assert keys["The bank"] == "ostrel savings bank"


def test_they_after_unnamed_analysts_stays_unresolved(nlp):
    text = ("Velmora Shipping said it had sold four ferries. Several analysts said the price was "
            "low. They said the buyer would resell them.")
    keys = _keys(quotes_of(nlp, text, ("Velmora Shipping", "ORG", "velmora shipping")))
    assert keys["They"] is None


def test_a_name_inside_reported_words_is_not_the_next_speaker(nlp):
    text = ("Spokesman Karl Brandt said on Monday that Minister Anton Vries had approved the "
            "budget. He said the vote would follow in June.")
    keys = _keys(quotes_of(nlp, text, ("Karl Brandt", "PERSON", "brandt"),
                           ("Anton Vries", "PERSON", "vries")))
    assert keys["He"] == "brandt"


def test_a_title_tells_the_gender(nlp):
    text = ("Mr Brandt opened the line on Monday. Mrs Lindqvist chaired the meeting. "
            "He said that the trains would run every hour.")
    keys = _keys(quotes_of(nlp, text, ("Brandt", "PERSON", "brandt"),
                           ("Lindqvist", "PERSON", "lindqvist")))
    assert keys["He"] == "brandt"


def test_surname_resolves_to_the_full_name(nlp):
    text = "Karl Brandt opened the line. “It is on time,” Brandt said."
    quote = only(quotes_of(nlp, text, ("Karl Brandt", "PERSON", "brandt")))
    assert (quote.speaker, quote.speaker_key) == ("Brandt", "brandt")


# --- chains -----------------------------------------------------------------------------------


def test_citing_makes_the_reporter_an_intermediary(nlp):
    text = "The agency reported, citing the ministry, that ten people had been detained."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.via) == ("the ministry", ("The agency",))


def test_quote_inside_a_reported_quote_goes_through_the_reporter(nlp):
    text = 'Harbor News reported on Monday, "Okafor accused the council of wasting funds."'
    found = quotes_of(nlp, text, ("Okafor", "PERSON", "okafor"))
    outer = next(q for q in found if q.speaker == "Harbor News")
    inner = next(q for q in found if q.speaker == "Okafor")
    assert (outer.kind, inner.kind, inner.via, inner.speaker_key) == (
        "direct", "indirect", ("Harbor News",), "okafor")


def test_according_to_after_a_cue_is_an_intermediary_and_a_source(nlp):
    text = "The general said the rebels had withdrawn, according to the state broadcaster."
    general, broadcaster = quotes_of(nlp, text)
    assert (general.speaker, general.via, text[general.content_start : general.content_end]) == (
        "The general", ("the state broadcaster",), "the rebels had withdrawn")
    assert (broadcaster.kind, broadcaster.speaker,
            text[broadcaster.content_start : broadcaster.content_end]) == (
        "according_to", "the state broadcaster", "The general said the rebels had withdrawn")


# --- robustness -------------------------------------------------------------------------------


def test_unbalanced_quote_ends_at_its_paragraph(nlp):
    text = ("The mayor said: “The bridge will reopen in May and the tolls will stay.\n\n"
            + "The council met again on Tuesday and voted on the plan. " * 30)
    found = quotes_of(nlp, text)
    direct = only([q for q in found if q.kind == "direct"])
    assert content(text, direct) == "The bridge will reopen in May and the tolls will stay."


def test_unbalanced_quote_in_one_long_paragraph_is_capped():
    text = "He said “" + "and the council voted again. " * 500
    (start, end), = find_quote_marks(text)
    assert end - start <= MAX_QUOTE_CHARS and text[end - 1] == "."


def test_long_text_without_a_parse_does_not_crash():
    blank = spacy.blank("en")
    text = ("“It opened,” she said. “Not yet " + "word " * 40 + "\n\n") * 2400
    assert len(text) > 500_000
    doc = blank(text)
    assert extract_quotes(doc, article=article(text), mentions=[]) == []
    marks = find_quote_marks(text)
    assert all(end - start <= MAX_QUOTE_CHARS for start, end in marks)


def test_doc_of_another_text_is_refused(nlp):
    with pytest.raises(ValueError, match="the parsed doc's text is not the article text"):
        extract_quotes(nlp("Some other words."), article=article("The text."), mentions=[])


def test_ids_are_stable(nlp):
    text = "“The bridge will reopen in May,” the mayor said."
    first, again = quotes_of(nlp, text), quotes_of(nlp, text)
    assert first == again
    assert first[0].id == content_id("t1", "quote", first[0].start, first[0].end)


# --- round 2: cues set off by commas, learned cues, the cue model -----------------------------


def spoken(text: str, quote) -> tuple[str, str, str, str]:
    return quote.kind, quote.speaker, quote.cue, text[quote.content_start : quote.content_end]


def test_interrupting_cue_reports_the_whole_clause(nlp):
    text = "Ticket prices, the league said, will stay the same next season."
    quote = only(quotes_of(nlp, text))
    assert spoken(text, quote) == (
        "indirect", "the league", "said",
        "Ticket prices, the league said, will stay the same next season")


def test_tacked_on_cue_before_a_reason_clause(nlp):
    text = "The ferry will stop running in March, Okonjo said, because the hull needs repairs."
    quote = only(quotes_of(nlp, text))
    assert spoken(text, quote) == (
        "indirect", "Okonjo", "said", "The ferry will stop running in March")


def test_learned_cue_reports_its_object(nlp):
    text = "The senator decried the closure of the clinic."
    quote = only(quotes_of(nlp, text))
    assert spoken(text, quote) == (
        "indirect", "The senator", "decried", "the closure of the clinic")


def test_ordinary_verbs_with_objects_report_nothing(nlp):
    assert quotes_of(nlp, "The city council opened the new library on a rainy Monday.") == []
    assert quotes_of(nlp, "The union did not say when the strike would end.") == []


def test_speaker_after_a_closing_quote_with_a_title_and_a_day(nlp):
    text = '"We will rebuild the pier before summer," harbor master Lena Ostrova said on Monday.'
    quote = only(quotes_of(nlp, text))
    assert spoken(text, quote) == (
        "direct", "harbor master Lena Ostrova", "said", "We will rebuild the pier before summer")


def test_participial_citing_is_no_attribution_of_its_own(nlp):
    text = "The agency reported, citing the ministry, that ten people had been detained."
    assert [q.cue for q in quotes_of(nlp, text)] == ["reported"]


def test_cue_model_round_trip_and_scoring(tmp_path):
    import numpy as np

    from crosscheck.enrich.cue_model import CueModel

    model = CueModel(("prior", "hand"), np.array([2.0, 1.0]), -1.0, 0.5)
    model.save(tmp_path / "m.npz")
    loaded = CueModel.load(tmp_path / "m.npz")
    assert (loaded.names, loaded.weights.tolist(), loaded.bias, loaded.threshold) == (
        ("prior", "hand"), [2.0, 1.0], -1.0, 0.5)
    assert loaded.probability({"prior": 0.5, "unknown": 9.0}) == pytest.approx(0.5)
    assert loaded.accepts({"prior": 1.0}) and not loaded.accepts({"hand": 0.5})
    assert CueModel.load(tmp_path / "absent.npz") is None


def test_shipped_cue_table_is_sorted_and_bounded():
    from crosscheck.enrich.cue_model import DATA, load_cue_precision

    table = load_cue_precision()
    assert table["say"] > 0.8 and all(0.0 < share < 1.0 for share in table.values())
    lemmas = [line.split("\t")[0] for line in
              (DATA / "attribution_cues.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert lemmas == sorted(lemmas)


# --- datelines and headlines are no speakers ----------------------------------------------------


@pytest.mark.parametrize("text, speaker", [
    ("Ferry services halted\nKESTRA, April 9 (Coastline) – The port authority in the southern "
     "Halden region said on Friday it had seized 12 fishing boats that had no licences.",
     "The port authority in the southern Halden region"),
    ("Dam inspectors find cracks\nBRASKO, Oct 2, 2023 – The water agency in the eastern Lumen "
     "valley said on Monday it had found cracks in three dams.",
     "The water agency in the eastern Lumen valley"),
    ("TORVEN, Halden, June 2 (Coastline) - Harbour officials said on Monday they had seized 12 "
     "boats.", "Harbour officials"),
])
def test_a_dateline_is_never_the_speaker(nlp, text, speaker):
    # The parser takes the dateline for a second subject of "said" (or glues it onto the real
    # one); the speaker is the subject after it.
    said = [q for q in quotes_of(nlp, text) if q.cue == "said"]
    assert [q.speaker for q in said] == [speaker]


@pytest.mark.parametrize("text", [
    "Council boasts that 40 rebels captured in North Vellin\nTomas Brel said the count was wrong.",
    "Army boasts that 75 smugglers arrested in Upper Dravia\nNobody else spoke.",
])
def test_a_misparsed_headline_gives_no_speaker_holding_its_own_cue(nlp, text):
    for quote in quotes_of(nlp, text):
        assert not quote.speaker_start <= quote.cue_start < quote.speaker_end
        assert content(text, quote).strip().lower() != "that"


def test_a_place_before_a_headline_colon_is_no_speaker(nlp):
    text = ("Dellmark: 300 held after port riots\n"
            "Police in Dellmark said on Sunday they had detained 300 people.")
    found = quotes_of(nlp, text, ("Dellmark", "GPE", "dellmark"))
    assert [q.speaker for q in found] == ["Police in Dellmark"]
    # The tagger often misses a headline's names: a place mentioned further down counts too.
    below = [mention(text, "Dellmark", "GPE", "dellmark", nth=1),
             mention(text, "Dellmark", "ORG", "dellmark", nth=1)]
    found = extract_quotes(nlp(text), article=article(text), mentions=below)
    assert [q.speaker for q in found] == ["Police in Dellmark"]
    # A person before the colon still speaks.
    text = "Tomas Brel: the harbour gates will stay shut all week\nHe spoke on Monday."
    found = quotes_of(nlp, text, ("Tomas Brel", "PERSON", "tomas brel"))
    assert [q.speaker for q in found if q.cue == ":"] == ["Tomas Brel"]


@pytest.mark.parametrize("text", [
    "The raids came a year after 42 people said to have had contacts with the Front were "
    "accused of hiding arms.",
    "Twelve sailors said to have smuggled fuel were fined on Monday.",
    "The captain was said to have left the port at night.",
])
def test_hearsay_about_someone_does_not_make_them_the_speaker(nlp, text):
    assert quotes_of(nlp, text) == []


@pytest.mark.parametrize("text", [
    "Foreign governments must add the harbour police to their blacklists over the raids.",
    "Donors and rights groups must press the council to release the detained dockers.",
    "The ministry should announce the new tolls before the vote.",
])
def test_what_someone_must_or_should_do_is_no_quote(nlp, text):
    assert quotes_of(nlp, text) == []


def test_a_report_beside_a_demand_is_still_a_quote(nlp):
    text = "The union said that the council must release the detained dockers."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue) == ("The union", "said")


@pytest.mark.parametrize(("text", "speaker"), [
    ("The Korvask news agency, received here, said troops had crossed the river.",
     "The Korvask news agency"),
    ("Officials speaking on condition of anonymity said the talks had failed.", "Officials"),
])
def test_a_participle_after_the_speaker_is_not_part_of_its_name(nlp, text, speaker):
    assert only(quotes_of(nlp, text)).speaker == speaker
