"""Publication dates, outlet from URL, language."""

from __future__ import annotations

import pytest

from crosscheck.clean.metadata import dateline_date, detect_language, find_published, normalize_date, outlet_from_url


@pytest.mark.parametrize("value, expected", [
    ("2021-03-04", "2021-03-04"),
    ("2021/3/4", "2021-03-04"),
    ("2021-03-04T10:15:00Z", "2021-03-04"),
    ("March 4, 2021", "2021-03-04"),
    ("Thursday, Mar. 4 2021", "2021-03-04"),
    ("Thursday 4 March 2021", "2021-03-04"),
    ("4th of March, 2021", "2021-03-04"),
    ("04/03/2021", "2021-03-04"),   # day first
    ("03/24/2021", "2021-03-24"),   # month first only when day first cannot be
    ("04.03.21", "2021-03-04"),
    ("10:15 04/03/99: Page 1", "1999-03-04"),
    ("31/02/2021", None),
    ("no date here, only 42 ferries", None),
    ("", None),
])
def test_normalize_date(value, expected):
    assert normalize_date(value) == expected


def test_find_published_prefers_url_path():
    url = "https://www.velmora-post.example/news/2021/03/04/ferry-strike"
    assert find_published("Velmora, May 5, 2020—text", url=url) == ("2021-03-04", "url")
    assert find_published("x", url="https://velmora.example/20210304-strike.html") == ("2021-03-04", "url")


def test_find_published_dateline_near_the_top_only():
    assert find_published("Ferry strike\n\nVelmora, March 4, 2021—The union said.") == ("2021-03-04", "text")
    late = "Ferry strike\nFirst line.\nSecond line.\nThird line.\nOn March 4, 2021 the union said."
    assert find_published(late) == (None, None)
    assert find_published("A" * 500 + " March 4, 2021") == (None, None)
    assert find_published("", url="https://velmora.example/about") == (None, None)


def test_outlet_from_url():
    assert outlet_from_url("https://www.Velmora-Post.example:8443/a?b=1") == "velmora-post.example"
    assert outlet_from_url("velmora.example/news") == "velmora.example"
    assert outlet_from_url("https://www.example/") == "www.example"  # a bare "www." host is kept
    assert outlet_from_url(None) is None
    assert outlet_from_url("") is None


def test_detect_language():
    assert detect_language("The harbour council met on Tuesday and agreed to repair the quay.") == "en"
    assert detect_language("Le conseil du port s'est réuni mardi et a décidé de réparer le quai.") == "fr"
    assert detect_language("ok") is None
    assert detect_language("") is None


@pytest.mark.parametrize("head, expected", [
    ("VELMORA, March 4, 2021 - The union said the ferries stop.", "2021-03-04"),
    ("Port Amra (Lorn), 4 March 2021 (Velmora News) - The union said.", "2021-03-04"),
    ("Ferry strike\nThursday 4 March 2021\nThe union said.", "2021-03-04"),
    ("Ferry strike\nPublished: 4 March 2021 10:05 GMT\nThe union said.", "2021-03-04"),
    ("Ferry strike\nUpdated on Mar 4, 2021\nThe union said.", "2021-03-04"),
    ("By Ana Ruiz | March 4, 2021\nThe union said.", "2021-03-04"),
    ("16:54 04/03/21: Page 1 (ZSM) HARBOUR Strike", "2021-03-04"),
    # dates the story talks about
    ("A 150 mln crown bond due April 2, 1992 was launched by the harbour bank.", None),
    ("Harbour Bond Due April 2, 1992\nThe bank said.", None),
    ("The harbour board said profits rose in the year ending\nMarch 31, 1991\n", None),
    ("The strike ended on March 4, 2021", None),
    ("Ferry strike\nThe harbour union said on Monday that it would strike from\nMarch 4, 2021\n", None),
    # a line holding only a date below a standfirst is the publication line
    ("Ferry strike\nThe union will strike.\nSaturday, Mar 6, 2021 at 8: 44 AM\nThe union said.", "2021-03-06"),
    ("on April 30, 2021 at 4:31 AM, updated April 30, 2021 at 8:33 AM\nA jury said.", "2021-04-30"),
    ("Story Created: Aug 7, 2021 at 9:56 AM AKDT\nThe fire began.", "2021-08-07"),
])
def test_dateline_date_only_before_the_first_sentence(head, expected):
    assert dateline_date(head) == expected


def test_text_date_never_later_than_the_crawl():
    text = "VELMORA, March 4, 2021 - The union said."
    assert find_published(text, not_after="2021-03-04T23:00:00Z") == ("2021-03-04", "text")
    assert find_published(text, not_after="2021-03-03") == (None, None)


def test_normalize_date_reads_wire_timestamps():
    assert normalize_date("26-FEB-1987 15:01:01.79") == "1987-02-26"


def test_dateline_below_a_standfirst():
    standfirst = ("The harbour union is deeply worried about the ferry company's growing hold on the "
                  "island routes and the summer timetable")
    text = f"Ferry strike\n{standfirst}\nVelmora, May 25, 2020\u2014In the past weeks the union met."
    assert dateline_date(text) == "2020-05-25"


def test_a_headline_run_into_the_date_line_is_set_aside():
    text = "FERRY STRIKE CALLED on Tuesday, 16 March 2021 13: 45.\nThe union said."
    assert dateline_date(text) is None
    assert dateline_date(text, title="FERRY STRIKE CALLED") == "2021-03-16"
