"""The record-level corpus builder of bench/link_scale.py: offsets stay true, ids are fresh."""

from __future__ import annotations

import re
import sys

from conftest import REPO

from crosscheck.records import Article, Claim, Mention, Quantity, Sentence, content_id
from crosscheck.store import Store

sys.path.insert(0, str(REPO / "bench"))
from _link_corpus import build_store, load_sources, materialise, plan_corpus  # noqa: E402

_TEXTS = [
    "Ferry traffic to Orlo Bay rose by 12 percent. The harbour authority counted 340 boats. "
    "Officials in Kettmar said the piers stay open.",
    "The regional council postponed a vote on the budget. Lusk reported 45 damaged homes. "
    "A local charity opened two shelters in Vessany.",
]


def _source(path) -> None:
    with Store(path) as store:
        for n, text in enumerate(_TEXTS):
            article = Article(f"src{n}", f"in/{n}", None, "example.org", "input", f"Harbour news {n}",
                              "2024-03-0%d" % (n + 1), "input", "en", text)
            records: list = [article]
            start = 0
            for k, sentence in enumerate(text.split(". ")):
                end = start + len(sentence) + (0 if sentence.endswith(".") else 1)
                records.append(Sentence(content_id(n, k), article.id, k, start, end))
                records.extend(_inside(article, text[start:end], start, k))
                start = end + 1
            store.write(records)


def _inside(article: Article, sentence: str, start: int, k: int) -> list:
    out: list = []
    for word in sentence.split():
        word = word.strip(".")
        at = start + sentence.index(word)
        if word[0].isupper() and k and word not in {"The", "Officials", "Ferry", "Lusk", "A"}:
            out.append(Mention(content_id(article.id, at), article.id, at, at + len(word), word,
                               "GPE", word, word.lower(), k))
        if word.isdigit():
            quantity = Quantity(content_id(article.id, "q", at), article.id, at, at + len(word),
                                word, float(word), None, None, False, None, None, k)
            claim = Claim(content_id(article.id, "c", k), article.id, start, start + len(sentence),
                          sentence, None, None, None, None, False, None, (quantity.id,), (), (),
                          0.5, k)
            out += [quantity, claim]
    return out


def test_built_records_point_at_their_own_text(tmp_path):
    _source(tmp_path / "source.duckdb")
    built = tmp_path / "built.duckdb"
    assert build_store(tmp_path / "source.duckdb", built, size=40) == 40
    with Store(built, read_only=True) as store:
        texts = {a.id: a.text for a in store.iter_records(Article)}
        assert len(texts) == 40 and len(store.done_items("enrich")) == 40
        assert store.marker("boilerplate") is not None
        for record_type in (Mention, Quantity, Claim):
            records = list(store.iter_records(record_type))
            assert records, record_type
            for record in records:
                assert texts[record.article][record.start:record.end] == record.text
        quantity_ids = store.ids(Quantity)
        assert all(set(c.quantities) <= quantity_ids for c in store.iter_records(Claim))
        with Store(tmp_path / "source.duckdb", read_only=True) as source:
            assert not store.ids(Mention) & source.ids(Mention)  # fresh ids


def test_planted_copies_keep_length_and_change_a_word(tmp_path):
    _source(tmp_path / "source.duckdb")
    with Store(tmp_path / "source.duckdb", read_only=True) as store:
        articles, sources, of_article = load_sources(store)
    plans = plan_corpus(articles, sources, of_article, 200, seed=3)
    copies = [(i, p) for i, p in enumerate(plans) if p.edits]
    assert copies
    index, copy = copies[0]
    original = next(p for p in plans if p.sentences == copy.sentences and not p.edits)
    text_copy = materialise(index, copy, articles, sources)[0].text
    text_original = materialise(0, original, articles, sources)[0].text
    assert len(text_copy) == len(text_original)
    assert plan_corpus(articles, sources, of_article, 200, seed=3) == plans  # deterministic


def test_later_worlds_speak_other_words_at_the_same_offsets(tmp_path):
    _source(tmp_path / "source.duckdb")
    built, shared = tmp_path / "built.duckdb", tmp_path / "shared.duckdb"
    build_store(tmp_path / "source.duckdb", built, size=6)
    build_store(tmp_path / "source.duckdb", shared, size=6, fresh=False)
    with Store(built, read_only=True) as store:
        articles = {a.source: a for a in store.iter_records(Article)}
        mentions = list(store.iter_records(Mention))
    with Store(shared, read_only=True) as store:
        plain = {a.source: a.text for a in store.iter_records(Article)}
    # The first two articles (world 0) are as without fresh vocabularies; later ones differ in
    # their content words, keep their length, and their mentions still match their spans.
    assert [articles[f"scaled:{i}"].text for i in (0, 1)] == [plain[f"scaled:{i}"] for i in (0, 1)]
    later = [articles[f"scaled:{i}"] for i in range(2, 6) if not articles[f"scaled:{i}"].text == plain[f"scaled:{i}"]]
    assert later
    for article in later:
        assert len(article.text) == len(plain[article.source])
        # Only letters change: digits, spaces and punctuation stay where they were.
        assert re.sub("[A-Za-z]", "x", article.text) == re.sub("[A-Za-z]", "x", plain[article.source])
    texts = {a.id: a.text for a in articles.values()}
    for mention in mentions:
        assert texts[mention.article][mention.start:mention.end] == mention.text
        assert mention.key == mention.name.lower()
