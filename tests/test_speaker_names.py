"""How a speaker is shown: the article's name for a phrase that only refers to it."""

from __future__ import annotations

import pytest

from crosscheck.enrich.speakers import is_pronoun, refers_only, shown_speaker, speaker_names
from crosscheck.records import Mention


@pytest.mark.parametrize("phrase, refers", [
    ("he", True), ("It", True), ("they", True), ("the company", True), ("The spokeswoman", True),
    ("the ministry", True), ("Irena Solvik", False), ("the Harbour Board", False),
    ("a spokesman", False), ("Solvik", False), ("", False),
])
def test_refers_only(phrase, refers):
    assert refers_only(phrase) is refers


def test_shown_speaker_replaces_only_a_referring_phrase():
    assert shown_speaker("She", "Irena Solvik") == "Irena Solvik"
    assert shown_speaker("the company", "Velmora Shipping") == "Velmora Shipping"
    assert shown_speaker("Solvik", "Irena Solvik") == "Solvik"
    assert shown_speaker("She", None) == "She"
    assert is_pronoun(" he ") and not is_pronoun("the company")


def test_speaker_names_keep_the_fullest_name_per_article():
    def mention(article, start, text, key):
        return Mention(f"{article}-{start}", article, start, start + len(text), text, "PERSON",
                       text, key, 0)

    names = speaker_names([mention("a", 0, "Irena Solvik", "solvik"),
                           mention("a", 40, "Solvik", "solvik"),
                           mention("b", 0, "Solvik", "solvik")])
    assert names == {("a", "solvik"): "Irena Solvik", ("b", "solvik"): "Solvik"}


def test_analysis_json_shows_the_name_and_keeps_the_pronoun(tmp_path):
    from crosscheck.records import Claim, Entity, EntityKey, Quote
    from crosscheck.report.sections import claims_json, quotes_json
    from crosscheck.store import Store

    text = "Irena Solvik spoke. She said 40 ferries were sold."
    she = text.index("She")
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.write([
            Mention("m1", "a", 0, 12, "Irena Solvik", "PERSON", "Irena Solvik", "solvik", 0),
            Entity("e1", "Irena Solvik", "PERSON"), EntityKey("k1", "e1", "solvik"),
            Quote("q1", "a", she, len(text), "indirect", "She", she, she + 3, "solvik", "said",
                  she + 4, she + 8, "neutral", she + 9, len(text) - 1, ()),
            Claim("c1", "a", she, len(text), text[she:], None, "sell", "Irena Solvik", "said",
                  False, None, (), (), (), 0.9, 1, speaker_text="She", speaker_key="solvik")])
        [claim], [quote] = claims_json(store), quotes_json(store)
    assert (claim["speaker"], claim["speaker_text"], claim["speaker_entity"]) == (
        "Irena Solvik", "She", "e1")
    assert (quote["speaker"], quote["speaker_name"], quote["speaker_entity"]) == (
        "She", "Irena Solvik", "e1")

    from crosscheck.web.data import Corpus

    corpus = Corpus(path)
    try:
        [claim], [quote] = corpus.claims_page(0, 10), corpus.quotes_page(0, 10)
    finally:
        corpus.close()
    assert (claim["speaker"], claim["speaker_text"], claim["speaker_entity"]) == (
        "Irena Solvik", "She", "e1")
    assert (quote["speaker_name"], quote["speaker_entity"]) == ("Irena Solvik", "e1")


def _speaker_keys(text: str) -> list[tuple[str, str | None]]:
    from crosscheck.enrich import enrich_batch
    from crosscheck.records import Article, Claim
    from crosscheck.settings import Settings

    article = Article(id="a", source="a.txt", url=None, outlet=None, outlet_from=None, title=None,
                      published=None, published_from=None, language="en", text=text)
    return [(c.speaker, c.speaker_key) for c in enrich_batch([article], settings=Settings())
            if isinstance(c, Claim) and c.speaker]


ANNOUNCEMENT = ("Director-General of the Intelligence Office in Velmora province says sixty "
                "people have been arrested in the past year.\n\n")


def test_a_title_that_names_nobody_is_the_official_introduced_next():
    keys = _speaker_keys(ANNOUNCEMENT + "The intelligence official introduced as Ivo Penn said on "
                         "Wednesday that the group had grown.")
    assert keys[0] == ("Director-General of the Intelligence Office in Velmora province", "ivo penn")


@pytest.mark.parametrize("after", [
    "Ivo Penn, a local lawyer, said the figure was too low.",  # nobody introduced as the official
    "Lidia Marren said so too. The official introduced as Ivo Penn said the group had grown.",
])
def test_a_title_stays_unresolved_when_the_text_does_not_say_who(after):
    assert _speaker_keys(ANNOUNCEMENT + after)[0][1] is None
