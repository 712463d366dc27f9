"""Pronoun and role speakers resolved from the article's own mentions, or left unresolved where
the text does not decide (sentences written for these tests, not taken from articles)."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from crosscheck.enrich import speakers  # noqa: E402
from crosscheck.enrich.quotes import extract_quotes  # noqa: E402
from crosscheck.records import Article, Mention, content_id  # noqa: E402


@pytest.fixture(scope="module")
def nlp(quote_nlp):
    return quote_nlp


def keys_of(nlp, text: str, *names: tuple[str, str, str]) -> dict[str, str | None]:
    """Speaker phrase -> speaker key; ``names`` are (surface, label, key), each surface marked
    as a mention wherever it occurs."""
    mentions = []
    for surface, label, key in names:
        start = text.find(surface)
        while start >= 0:
            mentions.append(Mention(content_id("t1", "mention", start), "t1", start,
                                    start + len(surface), surface, label, surface, key, 0))
            start = text.find(surface, start + 1)
    article = Article(id="t1", source="test", url=None, outlet=None, outlet_from=None,
                      title=None, published=None, published_from=None, language="en", text=text)
    found = extract_quotes(nlp(text), article=article, mentions=mentions)
    return {q.speaker: q.speaker_key for q in found}


def test_a_name_inside_the_subject_is_not_the_subject(nlp):
    # the subject is an unnamed director, not the port: "he" is nobody the text names
    text = ("Karl Brandt opened the harbour in May. The Velmora Port director criticised the plan "
            "on Monday. He said that the harbour would close.")
    keys = keys_of(nlp, text, ("Karl Brandt", "PERSON", "brandt"),
                   ("Velmora Port", "ORG", "velmora port"))
    assert keys["He"] is None


def test_conjoined_speakers_are_nobody_alone(nlp):
    text = ("Karl Brandt and Anton Vries said that the talks had failed. "
            "They said that a strike would follow.")
    keys = keys_of(nlp, text, ("Karl Brandt", "PERSON", "brandt"),
                   ("Anton Vries", "PERSON", "vries"))
    assert keys["They"] is None


def test_the_subject_of_a_relative_clause_is_not_salient(nlp):
    text = ("Karl Brandt spoke first. Mrs Irena Solvik will face the same questions that "
            "Anton Vries has faced. He said that the vote was close.")
    keys = keys_of(nlp, text, ("Karl Brandt", "PERSON", "brandt"),
                   ("Irena Solvik", "PERSON", "solvik"), ("Anton Vries", "PERSON", "vries"))
    assert keys["He"] == "brandt"


def test_the_appeals_court_is_not_the_supreme_court(nlp):
    text = ("The Supreme Court declined the case in May. The appeals court said that the ruling "
            "stands.")
    keys = keys_of(nlp, text, ("Supreme Court", "ORG", "supreme court"))
    assert keys["The appeals court"] is None


def test_the_department_is_the_body_named_before_its_noun(nlp):
    text = ("Exports rose in May, the Agriculture Department said on Monday. The department said "
            "that imports fell.")
    keys = keys_of(nlp, text, ("Agriculture", "ORG", "agriculture"))
    assert keys["The department"] == "agriculture"


def test_the_company_is_not_the_commission_it_filed_with(nlp):
    text = ("Ostrel Freight Corp said it filed papers with the Velmora Trade Commission. "
            "The Velmora Trade Commission reviewed them. The company said that the offering "
            "would be priced at 20 dollars.")
    keys = keys_of(nlp, text, ("Ostrel Freight Corp", "ORG", "ostrel freight"),
                   ("Velmora Trade Commission", "ORG", "velmora trade commission"))
    assert keys["The company"] == "ostrel freight"


def test_a_description_is_the_person_just_named(nlp):
    text = ("Karl Brandt says he has big plans for the harbour. The former harbour governor "
            "noted that his campaign had not spent much. He said that the ads would start soon.")
    keys = keys_of(nlp, text, ("Karl Brandt", "PERSON", "brandt"))
    assert keys["He"] == "brandt"


def test_one_office_several_words(nlp):
    text = "Mr Justice Brandt sentenced the pair on Monday. The judge said that it was a tragedy."
    keys = keys_of(nlp, text, ("Brandt", "PERSON", "brandt"))
    assert keys["The judge"] == "brandt"


def test_a_pronoun_far_from_any_name_stays_unresolved(nlp, monkeypatch):
    filler = " ".join(f"The ferry made stop number {n}." for n in range(8))
    text = f"Karl Brandt opened the line. {filler} He said that the trains were late."
    assert keys_of(nlp, text, ("Karl Brandt", "PERSON", "brandt"))["He"] is None
    monkeypatch.setattr(speakers, "RESOLUTION", speakers.Resolution(max_sentences=None))
    assert keys_of(nlp, text, ("Karl Brandt", "PERSON", "brandt"))["He"] == "brandt"


def test_a_name_left_before_a_line_wrap_is_the_subject(nlp):
    # hard-wrapped wire text: the parser may end a "sentence" after the name
    text = ("Ostrel Freight Corp\n    said it will redeem all its notes due 2008.\n"
            "    It said the notes would be paid in March.")
    keys = keys_of(nlp, text, ("Ostrel Freight Corp", "ORG", "ostrel freight"))
    assert keys["It"] == "ostrel freight"


def test_officials_are_not_the_one_official(nlp):
    text = ("The harbour official introduced as Karl Brandt said that sixty ships were late. "
            "The Velmora harbour officials said that they had found the cause.")
    keys = keys_of(nlp, text, ("Karl Brandt", "PERSON", "brandt"))
    assert keys["The Velmora harbour officials"] is None


def test_a_role_with_another_party_is_not_its_holder(nlp):
    text = ("Libertarian presidential candidate Karl Brandt spoke in Korvask on Monday. "
            "Mrs Irena Solvik said the polls had closed. The Democratic presidential candidate "
            "said that she would visit Korvask in May.")
    keys = keys_of(nlp, text, ("Karl Brandt", "PERSON", "brandt"),
                   ("Irena Solvik", "PERSON", "solvik"))
    assert keys["The Democratic presidential candidate"] != "brandt"
