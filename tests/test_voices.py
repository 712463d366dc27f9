"""One voice under several names (assess/voices.py), on names made up for the tests."""

from __future__ import annotations

import pytest

from crosscheck.assess.voices import Voice, place_words, same_voice, voice_words

PLACES = place_words(["Halden", "Dravia", "Port Lusk", "Tamsk province"])


def test_place_words_leave_out_generic_words_of_place_names():
    assert PLACES == {"halden", "dravia", "lusk", "tamsk"}


@pytest.mark.parametrize("one, two", [
    ("Halden harbour agency", "Dravia harbour agency"),  # placed by region or by country
    ("the board", "the harbour board in Dravia’s western Halden province"),
    ("Ilse Varn", "Varn"),
    ("Harbourmaster Ilse Varn", "Ilse Varn"),
    ("The Port Lusk pilots' guild", "the pilots' guild"),
])
def test_names_of_one_voice(one, two):
    assert same_voice(Voice(one), Voice(two), places=PLACES)
    assert same_voice(Voice(two), Voice(one), places=PLACES)


@pytest.mark.parametrize("one, two", [
    ("Varn", "Mayor Pol Dessen"),
    ("Halden harbour agency", "Halden fisheries agency"),
    ("the harbour board", "the customs office"),
    ("Tomas Brel", "Tomas Kallo"),  # a first name in common is no one voice
])
def test_names_of_two_voices(one, two):
    assert not same_voice(Voice(one), Voice(two), places=PLACES)


def test_one_entity_is_one_voice_whatever_the_names():
    assert same_voice(Voice("the guild", "e1"), Voice("Ferrymen's Union", "e1"))
    assert not same_voice(Voice("the guild", "e1"), Voice("the customs office", "e2"))


def test_a_name_that_is_all_place_words_keeps_them():
    # A person the tagger took for a place is still named, and still differs from another.
    places = place_words(["Marta Holm"])
    assert voice_words("Marta Holm", places=places) == {"marta", "holm"}
    assert not same_voice(Voice("Marta Holm"), Voice("Marta Lind"), places=places)


def test_a_hyphenated_title_is_the_same_voice_as_the_spaced_one():
    assert same_voice(Voice("Director-General Ivo Penn"), Voice("the Director General"))
