"""Verbatim passage alignment on small texts written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.link.passages import Alignment, align_verbatim

SOURCE = ("Officials in the river town said on Friday that nine fishing boats had been seized "
          "by the coast guard near the northern sandbanks. The owners denied breaking any rule. "
          "A court hearing is set for next month.")


def spans(source: str, derived: str, found: list[Alignment]) -> list[tuple[str, str]]:
    return [(source[a.source_start : a.source_end], derived[a.derived_start : a.derived_end])
            for a in found]


def test_identical_text_is_one_full_passage():
    # Spans run from the first word's start to the last word's end (the final full stop stays out).
    end = len(SOURCE) - 1
    assert align_verbatim(SOURCE, SOURCE) == [Alignment(0, end, 0, end, 1.0)]


def test_changed_words_stay_inside_one_passage():
    derived = SOURCE.replace("Friday", "Saturday").replace("northern", "southern")
    [found] = align_verbatim(SOURCE, derived)
    assert (found.source_start, found.derived_start) == (0, 0)
    assert found.source_end == len(SOURCE) - 1 and found.derived_end == len(derived) - 1
    assert 0.9 < found.similarity < 1.0


def test_reused_sentence_inside_new_text_with_offsets():
    derived = ("Breaking: nine fishing boats had been seized by the coast guard near the northern "
               "sandbanks, officials said. Weather is fine today, with sun all over the valley.")
    found = align_verbatim(SOURCE, derived)
    assert spans(SOURCE, derived, found) == [
        ("nine fishing boats had been seized by the coast guard near the northern sandbanks",
         "nine fishing boats had been seized by the coast guard near the northern sandbanks")]
    assert found[0].similarity == 1.0


def test_reordered_paragraphs_give_separate_passages_in_derived_order():
    first = "The museum on the hill will reopen its east wing after a long restoration of the roof."
    second = "Tickets for the opening week are free for residents who show a library card."
    found = align_verbatim(f"{first} {second}", f"{second} {first}")
    assert [a.derived_start for a in found] == [0, len(second) + 1]
    assert [a.source_start for a in found] == [len(first) + 1, 0]


def test_short_matches_and_unrelated_texts_give_nothing():
    assert align_verbatim(SOURCE, "A court hearing is set, the clerk said.") == []  # five words
    assert align_verbatim(SOURCE, "Snow closed the mountain pass for three days in a row.") == []
    assert align_verbatim("", SOURCE) == [] and align_verbatim(SOURCE, "") == []


def test_six_shared_words_are_a_passage():
    # a whole clause lifted word for word is reuse; five words (a name, a stock phrase) are not
    derived = "Again the owners denied breaking any rule on Monday."
    assert spans(SOURCE, derived, align_verbatim(SOURCE, derived)) == [
        ("The owners denied breaking any rule", "the owners denied breaking any rule")]


def test_min_words_and_seed_words_are_options():
    derived = "Yesterday the owners denied breaking any rule, their lawyer said."
    found = align_verbatim(SOURCE, derived, seed_words=3, min_words=5)
    assert spans(SOURCE, derived, found) == [("The owners denied breaking any rule",
                                              "the owners denied breaking any rule")]


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="seed_words and min_words must be at least 1"):
        align_verbatim(SOURCE, SOURCE, seed_words=0)


_vocab = "boat court river town guard owner rule month the a of said nine".split()
_text = st.lists(st.sampled_from(_vocab), max_size=60).flatmap(
    lambda ws: st.sampled_from([" ", ", ", ".\n"]).map(lambda sep: sep.join(ws)))


@settings(max_examples=60, deadline=None)
@given(_text, _text, st.integers(2, 6), st.integers(0, 4))
def test_spans_inside_texts_sorted_and_disjoint(source, derived, seed, gap):
    found = align_verbatim(source, source + " " + derived, seed_words=seed, max_gap_words=gap,
                           min_words=seed)
    text = source + " " + derived
    previous_end = 0
    for a in found:
        assert 0 <= a.source_start < a.source_end <= len(source)
        assert previous_end <= a.derived_start < a.derived_end <= len(text)
        assert 0.0 < a.similarity <= 1.0
        assert source[a.source_start].isalnum() and text[a.derived_end - 1].isalnum()
        previous_end = a.derived_end
    if len(source.split()) >= seed:
        assert found and found[0].derived_start == 0
    assert found == align_verbatim(source, text, seed_words=seed, max_gap_words=gap,
                                   min_words=seed)
