from hypothesis import given, strategies as st

from crosscheck.excerpt import excerpt


def test_cut_ends_on_a_whole_word():
    text = "Valley Front members were collecting weapons to disturb the peace in the province"
    short = excerpt(text, 40)
    assert short == "Valley Front members were collecting…"
    assert len(short) <= 40


def test_short_text_is_kept_with_whitespace_folded():
    assert excerpt("  forty\n people   held ", 40) == "forty people held"


def test_one_long_word_is_cut_inside_it():
    assert excerpt("a" * 50, 10) == "a" * 9 + "…"


def test_trailing_punctuation_is_dropped_before_the_ellipsis():
    assert excerpt("twenty cities, from the capital to the south", 16) == "twenty cities…"


@given(st.text(min_size=0, max_size=300), st.integers(min_value=2, max_value=120))
def test_never_longer_than_the_limit(text, limit):
    short = excerpt(text, limit)
    assert len(short) <= limit
    folded = " ".join(text.split())
    if len(folded) <= limit:
        assert short == folded
    else:
        assert short.endswith("…")
        assert folded.startswith(short[:-1].rstrip(" ,;:-–—"))

