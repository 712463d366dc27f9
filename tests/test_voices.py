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


def test_a_name_spelt_one_letter_otherwise_is_one_voice():
    assert same_voice(Voice("Damian Harrow"), Voice("Damien Harrow"))
    assert same_voice(Voice("Marc Touvali"), Voice("Marc Touvail"))  # two letters swapped
    assert same_voice(Voice("the spokesman Irena Solvik"), Voice("Irena Solvick"))
    # short words, other initials and one-word names differ in earnest
    assert not same_voice(Voice("Joan Harrow"), Voice("John Harrow"))
    assert not same_voice(Voice("Tony Marren"), Voice("Tony Carren"))
    assert not same_voice(Voice("Harrow"), Voice("Herrow"))
    assert not same_voice(Voice("Damian Harrow"), Voice("Damien Harlow"))
    # a surname the entity tagger also took for a place still tells the two spellings apart
    assert same_voice(Voice("Damian Harrow"), Voice("Damien Harrow"), places=frozenset({"harrow"}))


def test_a_courtesy_title_is_a_second_reference_not_another_speaker():
    assert same_voice(Voice("Mr Harrow"), Voice("Damian Harrow"))
    assert same_voice(Voice("Dr Irena Solvik"), Voice("Irena Solvik"))
    assert not same_voice(Voice("Mr Harrow"), Voice("Mr Solvik"))
    assert not same_voice(Voice("Mr Harrow"), Voice("Mrs Harlow"))


def test_a_short_first_name_is_the_same_speaker():
    assert same_voice(Voice("Ken Harrow"), Voice("Kenneth Harrow"))
    assert same_voice(Voice("Don Solvik"), Voice("Donald Solvik"))
    assert not same_voice(Voice("Ken Harrow"), Voice("Kenneth Solvik"))
    assert not same_voice(Voice("Al Harrow"), Voice("Alan Harrow"))  # two letters tell nothing
