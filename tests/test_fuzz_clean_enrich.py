"""clean and enrich on generated text: no sentences, one huge sentence, long tokens, mixed and
right-to-left scripts, control characters, NUL bytes. Every document becomes a draft or a reject
with a reason; every enrichment offset lies inside the text; no extractor fails."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck.clean import clean_document
from crosscheck.enrich import enrich_batch
from crosscheck.records import Article, Draft, RawDocument, Rejected, Removal
from crosscheck.settings import Settings

SETTINGS = Settings(workers=1, max_article_chars=4000, max_token_chars=200, max_sentence_tokens=60)
FUZZ = settings(max_examples=20, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_WORDS = ["police", "said", "sixty", "members", "were", "arrested", "in", "Tehran", "on", "Monday",
          "according", "to", "the", "ministry", "\u201cwe", "acted,\u201d", "2019", "1,200", "MKO",
          "(PMOI)", "قال", "مسؤولون", "השירות", "חודש", "渡轮", "Служба", "e\u0301", "🚢", "\u202e",
          "\u200b", "\x00", "\x07", "\x1b[31m", "\ufeff", "\r", "\t", "\n\n", ".", ",", '"', "'",
          "according to", "cited by", "who quoted", "told", "reportedly", "(", ")", ":", "\u201c", "\u201d"]

word_soup = st.lists(st.sampled_from(_WORDS), min_size=20, max_size=400).map(" ".join)
one_sentence = st.integers(200, 1500).map(lambda n: " ".join(_WORDS[i % 10] for i in range(n)))
long_token = st.tuples(word_soup, st.integers(201, 3000), st.sampled_from("xQ9/+=")).map(
    lambda t: f"{t[0]} {t[2] * t[1]} {t[0]}")
any_text = st.text(min_size=1, max_size=1500)
# nested attributions once doubled a quote's chain of intermediaries per level (gigabytes)
nested = st.integers(5, 60).map(lambda n: " ".join(
    "according to officials cited by police who quoted the minister," for _ in range(n)))
texts = st.one_of(word_soup, one_sentence, long_token, any_text, nested,
                  st.tuples(word_soup, any_text).map(" ".join))


def _article(draft: Draft) -> Article:
    return Article(id=draft.id, source=draft.source, url=draft.url, outlet=draft.outlet,
                   outlet_from=draft.outlet_from, title=draft.title, published=draft.published,
                   published_from=draft.published_from, language="en", text=draft.text)  # all extractors run


@FUZZ
@given(text=texts, format=st.sampled_from(["text", "html"]))
def test_clean_and_enrich_keep_or_reject_with_a_reason(text, format):
    raw = RawDocument("doc", "doc.txt", format, f"<p>{text}</p>" if format == "html" else text)
    cleaned = clean_document(raw, settings=SETTINGS)
    first = cleaned[0]
    if isinstance(first, Rejected):
        assert len(cleaned) == 1 and first.reason.strip() and first.stage == "clean"
        assert not first.reason.startswith("could not clean"), first.reason  # not a crash
        return
    assert isinstance(first, Draft) and len(first.text) <= SETTINGS.max_article_chars + 200
    assert all(isinstance(r, Removal) and r.reason for r in cleaned[1:])
    article = _article(first)
    records = enrich_batch([article], settings=SETTINGS)
    failures = [r.reason for r in records if isinstance(r, Rejected)]
    assert not failures, failures
    for record in records:
        start, end = getattr(record, "start", 0), getattr(record, "end", 0)
        assert 0 <= start <= end <= len(article.text), record
