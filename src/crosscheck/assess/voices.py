"""One voice under several names: when two attributions name the same speaker.

Outlets name one body or person in many ways: "the directorate", "the state security
directorate in Korvask", "Korvask security agency" and "Velmora security agency" (the same body
placed by its province or by its country), "Drevic" and "Anselm Drevic". A quote or claim given
to two such names was not moved to someone else. :func:`same_voice` is the one test that the
``quote_moved`` finding and the ``speaker`` conflict share:

- the same resolved entity (the corpus-level entity merge) is one voice;
- otherwise the names are compared as sets of words, leaving out articles, prepositions,
  possessive endings and place names (a place qualifies a body, it does not make it another
  one): equal sets, or one set inside the other, are one voice.

Two names with no word in common beyond places and function words ("Drevic" vs "Interior
Minister Lidia Marren") are two voices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Voice", "same_voice", "voice_words", "place_words", "PLACE_LABELS"]

#: Mention labels whose words qualify a speaker's name by place.
PLACE_LABELS = frozenset({"GPE", "LOC"})
_FUNCTION_WORDS = frozenset("a an the of in for at on from and its their".split())
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
    return bool(a) and bool(b) and (a <= b or b <= a)


def voice_words(name: str, *, places: frozenset[str] = frozenset()) -> frozenset[str]:
    """The words of a speaker's name that tell who speaks: lower-cased, without function
    words, possessive endings and place words (kept when nothing else is left: a person the
    entity tagger took for a place is still named)."""
    words = {_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(name)} - _FUNCTION_WORDS - {""}
    return frozenset(words - places or words)


def place_words(names: Iterable[str]) -> frozenset[str]:
    """Lower-cased words of place names ("Korvask", "Port Alcena"), possessives dropped."""
    words = {_POSSESSIVE.sub("", w.lower()) for name in names for w in _WORD.findall(name)}
    return frozenset(words - _FUNCTION_WORDS - _GENERIC_PLACE_WORDS - {""})
