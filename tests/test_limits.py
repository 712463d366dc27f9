"""Bounded cost per input: pages over a bound are rejected, texts over one are cut, never silently."""

from __future__ import annotations

from crosscheck.clean import clean_document
from crosscheck.clean.extract import tree_depth
from crosscheck.clean.limits import cut_long_tokens, cut_to_length, page_reason
from crosscheck.enrich.nlp import parse
from crosscheck.records import Draft, RawDocument, Rejected, Removal
from crosscheck.settings import Settings

SETTINGS = Settings(workers=1)
BODY = "Harbour officials said the ferry service resumed on Tuesday after a two-day strike. " * 3


def _raw(content: str, format: str = "text") -> RawDocument:
    return RawDocument("doc1", "doc1.txt", format, content)


def test_page_reason_names_the_setting_to_raise():
    assert page_reason("<p>x</p>" * 10, max_page_chars=20) == (
        "page is 80 characters, over max_page_chars=20; raise max_page_chars to read it")
    assert page_reason("<p>x</p>", max_page_chars=100) is None


def _nested(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + f"<p>{BODY}</p>" + "</div>" * depth + "</body></html>"


def test_tree_depth_of_the_parsed_page():
    from trafilatura.utils import load_html

    assert tree_depth(load_html(_nested(10))) == 13  # html, body, 10 divs, p
    assert tree_depth(load_html(_nested(100)), stop=20) == 20


def test_page_deeper_than_max_markup_depth_is_rejected_with_the_setting_named():
    [rejected] = clean_document(_raw(_nested(60), "html"), settings=SETTINGS.with_(max_markup_depth=50))
    assert rejected.reason == ("markup is nested more than max_markup_depth=50 elements deep; "
                               "raise max_markup_depth to read it")
    [draft, *_] = clean_document(_raw(_nested(60), "html"), settings=SETTINGS)
    assert isinstance(draft, Draft)


def test_page_the_parser_cuts_short_is_rejected_not_read_as_empty():
    # libxml2 drops everything 256 levels deep: the body text would be lost without a word
    for settings in (SETTINGS, SETTINGS.with_(max_markup_depth=100_000)):
        [rejected] = clean_document(_raw(_nested(2000), "html"), settings=settings)
        assert isinstance(rejected, Rejected) and rejected.stage == "clean"
        assert rejected.reason.startswith("markup is nested ")


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


def test_nested_attributions_do_not_double_the_chain_per_level():
    # "according to X cited by Y who quoted Z," a hundred times: each quote sits inside the
    # previous one's content; the chain of intermediaries once doubled per level (gigabytes)
    from crosscheck.enrich.quotes import extract_quotes
    from crosscheck.records import Article

    text = " ".join("according to officials cited by police who quoted the minister," for _ in range(100))
    article = Article("a", "a.txt", None, None, None, None, None, None, "en", text)
    [doc] = parse([text])
    quotes = extract_quotes(doc, article=article, mentions=[])
    assert quotes and max(len(q.via) for q in quotes) <= 3
