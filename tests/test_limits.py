"""Bounded cost per input: pages over a bound are rejected, texts over one are cut, never silently."""

from __future__ import annotations

from crosscheck.clean import clean_document
from crosscheck.clean.limits import cut_long_tokens, cut_to_length, markup_depth, page_reason
from crosscheck.enrich.nlp import parse
from crosscheck.records import Draft, RawDocument, Rejected, Removal
from crosscheck.settings import Settings

SETTINGS = Settings(workers=1)
BODY = "Harbour officials said the ferry service resumed on Tuesday after a two-day strike. " * 3


def _raw(content: str, format: str = "text") -> RawDocument:
    return RawDocument("doc1", "doc1.txt", format, content)


def test_markup_depth_counts_nesting_but_not_elements_without_end_tags():
    assert markup_depth("<div><div><p>a<p>b<br><img src=x></div></div>") == 2
    assert markup_depth("<div>" * 50 + "</div>" * 50 + "<span>") == 50
    assert markup_depth("<div>" * 5000, stop=10) == 10


def test_page_reason_names_the_setting_to_raise():
    assert page_reason("<p>x</p>" * 10, max_page_chars=20, max_markup_depth=5) == (
        "page is 80 characters, over max_page_chars=20; raise max_page_chars to read it")
    assert page_reason("<div>" * 6, max_page_chars=100, max_markup_depth=5) == (
        "markup is nested more than max_markup_depth=5 elements deep; raise max_markup_depth to read it")
    assert page_reason("<div><p>x</p></div>", max_page_chars=100, max_markup_depth=5) is None


def test_deep_page_is_rejected_with_the_reason_not_as_an_empty_page():
    page = "<html><body>" + "<div>" * 2000 + f"<p>{BODY}</p>" + "</div>" * 2000 + "</body></html>"
    [rejected] = clean_document(_raw(page, "html"), settings=SETTINGS)
    assert isinstance(rejected, Rejected) and rejected.stage == "clean"
    assert rejected.reason.startswith("markup is nested more than max_markup_depth=1000")


def test_long_runs_without_spaces_are_cut_and_recorded():
    text, cuts = cut_long_tokens("before " + "A" * 30 + " after", max_token_chars=10)
    assert text == "before  after"
    assert cuts == [(7, "A" * 30, "a run of 30 characters without a space, over max_token_chars=10 "
                     "(an inlined file or data blob)")]


def test_cut_to_length_cuts_at_a_boundary_and_keeps_an_excerpt():
    text, [(position, excerpt, reason)] = cut_to_length("one two three four five six", max_chars=20)
    assert text == "one two three four"
    assert (position, excerpt) == (18, " five six")
    assert reason == ("article is 27 characters, over max_article_chars=20: the last 9 characters "
                      "were cut (raise max_article_chars to keep them)")
    _, [(_, excerpt, _)] = cut_to_length("word " * 1000, max_chars=100)
    assert len(excerpt) == 201 and excerpt.endswith("…")


def test_an_over_long_article_is_cut_with_a_removal_saying_so():
    out = clean_document(_raw(BODY * 100), settings=SETTINGS.with_(max_article_chars=1000))
    draft, removals = out[0], [r for r in out if isinstance(r, Removal)]
    assert isinstance(draft, Draft) and len(draft.text) <= 1000
    [cut] = [r for r in removals if r.stage == "limits"]
    assert cut.reason.startswith(f"article is {len(BODY * 100)} characters, over max_article_chars=1000")


def test_sentences_end_after_max_sentence_tokens():
    text = " ".join(["word"] * 600)
    [doc] = parse([text], max_sentence_tokens=100)
    assert max(len(s) for s in doc.sents) <= 100
    [doc] = parse([text + ", more, words"], max_sentence_tokens=300)
    assert max(len(s) for s in doc.sents) <= 300
