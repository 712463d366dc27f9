"""Publication dates, outlet from URL, language."""

from __future__ import annotations

import pytest

from crosscheck.clean.metadata import detect_language, find_published, normalize_date, outlet_from_url


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
