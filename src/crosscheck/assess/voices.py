"""One voice under several names: when two attributions name the same speaker.

Outlets name one body or person in many ways: "the directorate", "the state security
directorate in Korvask", "Korvask security agency" and "Velmora security agency" (the same body
placed by its province or by its country), "Drevic" and "Anselm Drevic". A quote or claim given
to two such names was not moved to someone else. :func:`same_voice` is the one test that the
``quote_moved`` finding and the ``speaker`` conflict share:

- the same resolved entity (the corpus-level entity merge) is one voice;
- otherwise the names are compared as sets of words, leaving out articles, prepositions,
  courtesy titles ("Mr", "Dr", "Lord"), possessive endings and place names (a place qualifies
  a body, it does not make it another one): equal sets, or one set inside the other, are one
  voice;
- two names of two or more words that pass that test once one word is read as another
  spelling ("Damian Harrow" and "Damien Harrow", "Marc Touvali" and "Marc Touvail": one letter
  changed, added, dropped or swapped with its neighbour, in a word of five letters or more that
  starts with the same letter, or one the short form of the other: "Ken" and "Kenneth Solvik")
  are one voice; shorter words differ in earnest ("Joan", "John").

Two names with no word in common beyond places and function words ("Drevic" vs "Interior
Minister Lidia Marren") are two voices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import OSA

__all__ = ["Voice", "same_voice", "voice_words", "place_words", "spelt_otherwise", "PLACE_LABELS",
           "HONORIFICS"]

#: Mention labels whose words qualify a speaker's name by place.
PLACE_LABELS = frozenset({"GPE", "LOC"})
_FUNCTION_WORDS = frozenset("a an the of in for at on from and its their".split())
# Courtesy titles: "Mr Harrow" is the second reference to "Damian Harrow", not another man.
HONORIFICS = frozenset("mr mrs ms miss mx dr sir dame lord lady".split())
_WORD = re.compile(r"[^\W\d_][\w'’]*")  # "Director-General" is "Director General"
_POSSESSIVE = re.compile(r"['’]s?$")
# Words of place names that also name kinds of bodies or offices ("Port Alcena", "Ostrel
# province", "the state security directorate"): never taken as place words.
_GENERIC_PLACE_WORDS = frozenset(
    "port province city region district county state republic kingdom united new north south "
    "east west northern southern eastern western central upper lower saint st san lake river "
    "mount bay island islands valley coast capital".split())


@dataclass(frozen=True)
class Voice:
    """A speaker as an attribution names it: the ``name`` as written and, when known, the
    ``entity`` it resolves to (any id that is equal exactly for the same speaker)."""

    name: str
    entity: str | None = None


def same_voice(one: Voice, two: Voice, *, places: frozenset[str] = frozenset()) -> bool:
    """True when ``one`` and ``two`` are the same speaker under two names (see the module's
    rules); ``places`` are lower-cased words of place names (:func:`place_words`)."""
    if one.entity is not None and one.entity == two.entity:
        return True
    a, b = voice_words(one.name, places=places), voice_words(two.name, places=places)
    if a and b and (a <= b or b <= a):
        return True
    # spellings compared on every word: a surname the tagger also took for a place still counts
    return spelt_otherwise(voice_words(one.name), voice_words(two.name))


def spelt_otherwise(a: frozenset[str], b: frozenset[str], *, least: int = 2,
                    short_forms: bool = True) -> bool:
    """Names of two or more words each (``least``), one inside the other once a single word of
    one is read as its other spelling in the other (see the module's rules); ``short_forms``
    off, only a one-edit spelling counts (place names: "Ham" is no short "Hampshire")."""
    if len(a) < least or len(b) < least:
        return False
    only_a, only_b = a - b, b - a
    if len(only_a) != 1 and len(only_b) != 1:
        return False
    for x in only_a:
        near = [y for y in only_b if _one_spelling(x, y, short_forms=short_forms)]
        if len(near) == 1:
            respelt = (a - {x}) | {near[0]}
            return respelt <= b or b <= respelt
    return False


def _one_spelling(x: str, y: str, *, short_forms: bool = True) -> bool:
    """One edit apart in words of five letters or more ("Damian", "Damien"), or one the short
    form of the other ("Ken", "Kenneth"; "Don", "Donald": three letters or more)."""
    short, long = sorted((x, y), key=len)
    if short_forms and len(short) >= 3 and long.startswith(short) and short != long:
        return True
    return min(len(x), len(y)) >= 5 and x[0] == y[0] and OSA.distance(x, y) <= 1


def voice_words(name: str, *, places: frozenset[str] = frozenset()) -> frozenset[str]:
    """The words of a speaker's name that tell who speaks: lower-cased, without function
    words, possessive endings and place words (kept when nothing else is left: a person the
    entity tagger took for a place is still named)."""
    words = {_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(name)} - _FUNCTION_WORDS - {""}
    words = words - HONORIFICS or words
    return frozenset(words - places or words)


def place_words(names: Iterable[str]) -> frozenset[str]:
    """Lower-cased words of place names ("Korvask", "Port Alcena"), possessives dropped."""
    words = {_POSSESSIVE.sub("", w.lower()) for name in names for w in _WORD.findall(name)}
    return frozenset(words - _FUNCTION_WORDS - _GENERIC_PLACE_WORDS - {""})
