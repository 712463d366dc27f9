"""The enrich backbone: spaCy loading, long-text parsing, enrich_batch and enrich_text."""

from __future__ import annotations

import spacy
from hypothesis import given, settings as hypothesis_settings, strategies as st

import crosscheck.enrich.stage as enrich
from crosscheck.enrich import enrich_batch, enrich_text
from crosscheck.enrich.nlp import load_nlp, parse, split_long_text
from crosscheck.records import Article, Mention, Rejected, Sentence
from crosscheck.settings import Settings

SETTINGS = Settings(workers=1)


def _article(text: str, *, id: str = "a1", language: str | None = "en") -> Article:
    return Article(id=id, source=f"{id}.txt", url=None, outlet=None, outlet_from=None,
                   title=None, published=None, published_from=None, language=language,
                   text=text)


def _sentencizer():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def test_load_nlp_is_loaded_once_with_the_components_extractors_need():
    nlp = load_nlp()
    assert nlp is load_nlp()
    assert {"tagger", "parser", "ner", "lemmatizer"} <= set(nlp.pipe_names)


def test_a_500000_character_paragraph_is_parsed_in_pieces_with_exact_offsets():
    text = "The ferry left the harbour late and the crew waited for news. " * 8065
    assert len(text) > 500_000 and "\n" not in text
    doc = next(parse([text], nlp=_sentencizer()))
    assert doc.text == text
    sentences = list(doc.sents)
    assert sentences[-1].end_char == len(text.rstrip())
    assert all(text[s.start_char:s.end_char] == s.text for s in sentences[::997])


def test_a_text_without_any_whitespace_is_cut_hard_and_rejoined():
    text = "x" * 250_001
    assert [len(p) for p in split_long_text(text)] == [100_000, 100_000, 50_001]
    assert next(parse([text], nlp=_sentencizer())).text == text


def test_parse_keeps_the_order_of_long_and_short_texts():
    texts = ["first short text.", "A long one. " * 20_000, "", "last."]
    docs = list(parse(texts, nlp=_sentencizer()))
    assert [d.text for d in docs] == texts


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .!?\n\"”"), max_size=400),
       st.integers(min_value=5, max_value=60))
def test_split_long_text_pieces_join_back_and_respect_the_limit(text, limit):
    pieces = split_long_text(text, limit=limit)
    assert "".join(pieces) == text
    assert all(len(p) <= limit for p in pieces)


def test_enrich_batch_gives_sentences_and_mentions_inside_the_text():
    text = ("The Northern Liberation Front (NLF) denied the charges on Monday.\n\n"
            "Its spokeswoman Irena Solvik said the NLF had no weapons.")
    records = enrich_batch([_article(text)], settings=SETTINGS)
    sentences = [r for r in records if isinstance(r, Sentence)]
    assert [text[s.start:s.end] for s in sentences] == [
        "The Northern Liberation Front (NLF) denied the charges on Monday.",
        "Its spokeswoman Irena Solvik said the NLF had no weapons."]
    assert [s.index for s in sentences] == [0, 1]
    mentions = [r for r in records if isinstance(r, Mention)]
    assert {m.text for m in mentions} >= {"Northern Liberation Front", "NLF", "Irena Solvik"}
    assert all(text[m.start:m.end] == m.text for m in mentions)
    assert [m.sentence for m in mentions if m.text == "Irena Solvik"] == [1]


def test_other_languages_get_sentences_only():
    text = "Die Polizei hat am Montag drei Männer festgenommen. Sie sind wieder frei."
    records = enrich_batch([_article(text, language="de")], settings=SETTINGS)
    assert records and all(isinstance(r, Sentence) for r in records)


def test_empty_odd_and_unbalanced_texts_do_not_crash():
    texts = ["", "   \n\n  ", "\u201cNobody will say it, he began. 10^9 and 1,2,3 and 4..5",
             "«¿» 0x1F $$$ %%% 12/34/5678 ......", "A" * 3000]
    articles = [_article(t, id=f"a{i}") for i, t in enumerate(texts)]
    records = enrich_batch(articles, settings=SETTINGS)
    assert not [r for r in records if isinstance(r, Rejected)]
    for record in records:
        if hasattr(record, "start") and hasattr(record, "end"):
            text = texts[int(record.article[1:])]
            assert 0 <= record.start <= record.end <= len(text)


def test_rejections_of_earlier_stages_pass_through():
    earlier = Rejected("r1", "bad.html", "clean", "no article body")
    records = enrich_batch([earlier, _article("Rain fell in Selvar.")], settings=SETTINGS)
    assert records[0] is earlier


def test_a_failing_extractor_costs_only_its_own_output(monkeypatch):
    def broken(doc, *, article):
        raise ValueError("cannot read this number")

    monkeypatch.setattr(enrich, "extract_quantities", broken)
    records = enrich_batch([_article("Police in London held 42 people on Friday.")], settings=SETTINGS)
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert [r.reason for r in rejected] == [
        "enrichment skipped for: quantities (ValueError: cannot read this number)"]
    assert rejected[0].stage == "enrich"
    assert any(isinstance(r, Mention) for r in records)


def test_enrich_text_returns_the_extract_fields_with_one_key_per_entity():
    text = ("Officials blamed the MKO for the unrest. Exiles of the MEK and the PMOI rejected "
            "the claim in a statement from Paris.")
    result = enrich_text(text, published="2024-03-05")
    assert set(result) >= {"entities", "quantities", "times", "quotes", "claims"}
    group = [e for e in result["entities"] if "MEK" in e["aliases"]]
    assert len(group) == 1
    assert {"MKO", "MEK", "PMOI"} <= set(group[0]["aliases"])
    assert group[0]["keys"] == ["people mojahedin organization of iran"]
    for entity in result["entities"]:
        for mention in entity["mentions"]:
            start, end = mention["span"]
            assert text[start:end] == mention["text"]


def test_enrich_text_on_empty_text():
    result = enrich_text("")
    assert result["entities"] == [] and result["claims"] == []
