"""Typed conflicts inside a claim group: where outlets telling the same claim disagree.

Each slot has its own test, and every test is conservative — a value one article lacks is
never a conflict, and two values conflict only when no reading reconciles them:

- ``number``: some pair of articles whose figures (intervals: "dozens" is 24..99, "more than
  100" is 100..) share no point, comparing every figure of one claim with every figure of the
  other ("31, up from 14" reconciles with 14); attributed to different speakers, figures are a
  disagreement between sources, not a conflict between outlets.
- ``speaker``: the same claim given to different people or bodies of one kind (a person vs a
  person); "the directorate" vs its head is not a conflict, nor are two names of one voice
  (``voices.same_voice``: "the directorate" vs "the state security directorate in Korvask").
- ``place``: place sets that share nothing and whose places are never named together in one
  sentence anywhere in the corpus (a city and its province are).
- ``time``: resolved date intervals that never overlap, or different weekdays.
- ``characterisation``: the counted people labelled members in one article and people with
  contacts or ties in another.
- ``hedge``: one article distances itself (claimed, according to, allegedly) while another
  states the claim as its own fact, with no speaker; the value is the hedge as written, or
  "stated as fact".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from ..enrich.quantities import CURRENCY_CODES
from ..link.claims import (DATELINE, PEOPLE, ClaimFacts, counts_people, intervals_overlap,
                           weekday_of)
from ..records import Conflict, ConflictValue, content_id
from .voices import Voice, place_words, same_voice, spelt_otherwise

__all__ = ["SLOTS", "STATED", "Disagreement", "find_conflicts", "conflict_records",
           "characterisation", "label_people"]

SLOTS = ("number", "speaker", "place", "time", "characterisation", "hedge")
STATED = "stated as fact"  # the hedge value of an article that states the claim itself

_MEMBER_WORDS = re.compile(
    r"\b(members?|militants?|fighters?|terrorists?|operatives?|cadres?|agents?)\b", re.I)
_TIE_WORDS = re.compile(
    r"\b(contacts?|ties|tied|links?|linked|connections?|connected|associated|affiliated|"
    r"in touch|sympathi[sz]ers?|supporters?|suspected|accused)\b", re.I)
# Where the description of the counted people ends: punctuation, or the clause's own verb.
_PHRASE_END = re.compile(r"[;:.()\[\]\"“”]|,(?!\s*(?:who|that)\b)"
                         r"|\s(?:had|have|has|were|was|are|is)"
                         r"\s(?:been|now|already|reportedly)\b|\s(?:were|was|are|is)\s")
_MAX_PHRASE = 120
_WORD = re.compile(r"[A-Za-z][\w'’-]+")
_SETTING_WORDS = 5  # words either side of a place that describe what happened there
_SHARED_SETTING = 3
_SETTING_STOP = frozenset(
    "in on at of to by as an the and for from with into over that this was were had has have "
    "been its their his "
    "her said says told province city town capital region district".split())


@dataclass(frozen=True)
class Disagreement:
    """A conflict before it becomes records: values are (article, value, start, end)."""

    slot: str
    detail: str
    values: tuple[tuple[str, str, int | None, int | None], ...]


Close = Callable[[ClaimFacts, ClaimFacts], bool]


def find_conflicts(members: Sequence[ClaimFacts], *,
                   co_mentioned: Callable[[str, str], bool] = lambda a, b: False,
                   close: Close = lambda a, b: True) -> list[Disagreement]:
    """Every typed disagreement among a group's claims (one claim per article), slot order.

    ``close`` says two claims tell the same thing in near the same words: speaker, place,
    time and hedge are compared only between such claims (a group also gathers an article's
    lead figure in other words, whose other slots may describe something else); numbers and
    characterisations are compared across the whole group.
    """
    found = [_numbers(members), _speakers(members, close), _places(members, co_mentioned, close),
             _times(members, close), _characterisations(members), _hedges(members, close)]
    return [d for d in found if d is not None]


def conflict_records(group: str, disagreements: Sequence[Disagreement]
                     ) -> list[Conflict | ConflictValue]:
    records: list[Conflict | ConflictValue] = []
    for found in disagreements:
        conflict = Conflict(id=content_id(group, "conflict", found.slot), group=group,
                            slot=found.slot, detail=found.detail)
        records.append(conflict)
        for article, value, start, end in sorted(found.values):
            records.append(ConflictValue(id=content_id(conflict.id, article), conflict=conflict.id,
                                         article=article, value=value, start=start, end=end))
    return records


def _disagreeing(members, compatible, close: Close | None = None,
                 shown: Callable[[ClaimFacts], object] | None = None) -> list[ClaimFacts]:
    """The members in at least one clash, in the given order; none when no two disagree.

    ``compatible`` gives ``True``/``False`` for a pair, ``None`` when they cannot be compared.
    When two or more members hold the same value (``shown``), that most common value is the
    reference, and a member compatible with it but worded otherwise is left out: "dozens"
    beside 42 is no side of 42 vs 420, even though it cannot be 420 either.
    """
    verdicts: dict[tuple[int, int], bool | None] = {}
    for i, a in enumerate(members):
        for j in range(i + 1, len(members)):
            b = members[j]
            verdicts[i, j] = verdicts[j, i] = (compatible(a, b) if close is None or close(a, b)
                                               else None)
    clashing = {i for (i, _), verdict in verdicts.items() if verdict is False}
    if not clashing or shown is None:
        return [m for i, m in enumerate(members) if i in clashing]
    values = [shown(m) for m in members]
    counts = {v: values.count(v) for v in values}
    top = max(counts.values())
    if top < 2:
        return [m for i, m in enumerate(members) if i in clashing]
    ref = min(i for i, v in enumerate(values) if counts[v] == top)
    return [m for i, m in enumerate(members) if i in clashing and not (
        values[i] != values[ref] and verdicts.get((ref, i)) is True)]


def _same_source(a: ClaimFacts, b: ClaimFacts) -> bool:
    """Not known to come from two different people or bodies (resolved entities)."""
    return a.speaker_label is None or b.speaker_label is None or a.speaker == b.speaker


# --- number ----------------------------------------------------------------------------------


def _numbers(members: Sequence[ClaimFacts]) -> Disagreement | None:
    with_numbers = [f for f in members if f.quantities]

    def compatible(a: ClaimFacts, b: ClaimFacts) -> bool | None:
        if not _same_source(a, b) or not any(_same_kind(x, y) for x in a.quantities
                                             for y in b.quantities):
            return None
        if _other_periods(a, b):
            return None  # January's trade surplus and February's: two figures, not one changed
        # Any matching figure of the same unit reconciles, even under another counted noun
        # (the noun is read by a parser and sometimes wrong).
        return any(_met(x, b.quantities) for x in a.quantities)

    involved = _disagreeing(with_numbers, compatible,
                            shown=lambda f: (_shown_figure(f).low, _shown_figure(f).high))
    if not involved:
        return None
    values = tuple((f.article, q.text, q.start, q.end) for f in involved
                   for q in [_clashing_figure(f, involved, compatible)])
    shown = " vs ".join(sorted({v[1] for v in values}))
    return Disagreement("number", f"the figure differs between articles: {shown}", values)


def _clashing_figure(fact: ClaimFacts, involved: Sequence[ClaimFacts], compatible):
    """The figure of ``fact`` that another involved claim contradicts (a figure of the same
    kind that no figure of the other claim meets): "$54m" against "$168m", not the "Eighteen"
    directors the other claim also counts. Else the figure shown for the claim."""
    for other in involved:
        if other is fact or compatible(fact, other) is not False:
            continue
        for x in fact.quantities:
            if any(_same_kind(x, y) for y in other.quantities) and not _met(x, other.quantities):
                return x
    return _shown_figure(fact)


def _met(figure, others) -> bool:
    """Some figure of the same unit among ``others`` can be the same amount as ``figure``."""
    return any(intervals_overlap((figure.low, figure.high), (y.low, y.high))
               for y in others if figure.unit == y.unit)


def _other_periods(a: ClaimFacts, b: ClaimFacts) -> bool:
    """Both claims name the period their figure covers (a month, a quarter, a year: longer
    than a day) and no two of those periods can be the same: January's trade surplus and
    February's. Two days ("on Monday", "on Tuesday") are left to the time slot: an outlet that
    moves an arrest by a day may inflate its count too."""
    periods = [[t for t in _event_times(f) if t.low is not None and t.high != t.low]
               for f in (a, b)]
    verdicts = [_same_time(x, y) for x in periods[0] for y in periods[1]]
    return bool(verdicts) and all(v is False for v in verdicts)


def _shown_figure(fact: ClaimFacts):
    """The figure to show for a claim: its first count of people, else its first figure."""
    return next((q for q in fact.quantities if counts_people(q)), fact.quantities[0])


def _same_kind(x, y) -> bool:
    """Figures count the same kind of thing: same unit, and the same counted noun or two
    words for people ("individuals", "members", "arrests"); a bare figure only matches a
    bare figure; sums of money a thousand times apart are a price and a total, not one sum."""
    if x.unit != y.unit:
        return False
    if x.unit in CURRENCY_CODES and _apart(x, y) > _MONEY_APART:
        return False  # "530 pence a share" and a "£1.3bn" offer: a price and a total
    a, b = _noun(x.counted), _noun(y.counted)
    return a == b or a in PEOPLE and b in PEOPLE


_MONEY_APART = 1000  # two sums of money this many times apart are two kinds of sum


def _apart(x, y) -> float:
    """How many times the larger figure is the smaller (infinite when one is nought)."""
    small, large = sorted(abs(q.value if q.value is not None else (q.low or q.high or 0.0))
                          for q in (x, y))
    return large / small if small else float("inf")


def _noun(word: str | None) -> str | None:
    if word is None:
        return None
    word = word.lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


# --- speaker ---------------------------------------------------------------------------------


def _speakers(members: Sequence[ClaimFacts], close: Close) -> Disagreement | None:
    # Only speakers named at the claim itself: an attribution carried over from a clause
    # before it is the parser's guess, not the outlet's word.
    named = [f for f in members if f.speaker and f.speaker_label and _speaker_inside(f)]

    def compatible(a: ClaimFacts, b: ClaimFacts) -> bool | None:
        if a.speaker_label != b.speaker_label:
            return None  # a body and its official are not rival speakers
        if a.speaker in b.entities or b.speaker in a.entities:
            return None  # "Y said" vs "X, a spokeswoman for Y, said": one voice
        places = place_words(name for f in (a, b) for _, name, _, _ in f.places)
        return same_voice(_voice(a), _voice(b), places=places)

    involved = _disagreeing(named, compatible, close, shown=lambda f: f.speaker or "")
    if not involved:
        return None
    values = tuple((f.article, f.speaker_name or f.claim.speaker or "",
                    *(f.speaker_span or (f.claim.start, f.claim.end))) for f in involved)
    shown = " vs ".join(sorted({v[1] for v in values}))
    return Disagreement("speaker", f"the same statement is given to different speakers: {shown}",
                        values)


def _voice(fact: ClaimFacts) -> Voice:
    """The speaker as one voice under several names (:mod:`.voices`): "the directorate" and
    "the state security directorate in Korvask" are one, whatever the entity merge made."""
    return Voice(fact.speaker_name or fact.claim.speaker or "", fact.speaker)


def _speaker_inside(fact: ClaimFacts) -> bool:
    span = fact.speaker_span
    return span is not None and fact.claim.start <= span[0] and span[1] <= fact.claim.end


# --- place -----------------------------------------------------------------------------------


def _places(members, co_mentioned, close: Close) -> Disagreement | None:
    placed = [f for f in members if f.places]
    settings = {f.claim.id: _settings(f) for f in placed}

    def comparable(a: ClaimFacts, b: ClaimFacts) -> bool:
        # Worded apart, two claims still put the same thing somewhere when the words around
        # their places agree ("in X and four surrounding districts" / "in Y and four ...").
        return close(a, b) or any(len(x & y) >= _SHARED_SETTING for x in settings[a.claim.id]
                                  for y in settings[b.claim.id])

    def compatible(a: ClaimFacts, b: ClaimFacts) -> bool | None:
        if a.place_ids & b.place_ids:
            return True
        if any(_named_within(x[1], y[1]) for x in a.places for y in b.places):
            return True
        return any(co_mentioned(x, y) for x in a.place_ids for y in b.place_ids)

    involved = _disagreeing(placed, compatible, comparable,
                            shown=lambda f: ",".join(sorted(f.place_ids)))
    if not involved:
        return None
    values = tuple((f.article, ", ".join(p[1] for p in f.places), f.places[0][2],
                    f.places[0][3]) for f in involved)
    shown = " vs ".join(sorted({v[1] for v in values}))
    return Disagreement("place", f"the place differs between articles: {shown}", values)


_NAME_STOP = frozenset("of the and".split())
_OTHER_PLACE_WORDS = frozenset("north south east west northern southern eastern western new "
                               "upper lower equatorial".split())


def _named_within(one: str, two: str) -> bool:
    """One place name's words inside the other's: "Singapore" and "Port of Singapore",
    "Austria" and "Republic of Austria", "Allegheny" and "Allegheny County" name one place (or
    a part of it), not two places an outlet moved an event between, unless the longer name adds a
    compass word or "new" and the gazetteer knows it so ("Northern Ireland", "South Sudan", "New
    York" are other places; "North London" is London); so do two spellings one letter apart
    ("Wollaton", "Woolaton": words of five letters or more)."""
    a = frozenset(w.lower() for w in _WORD.findall(one)) - _NAME_STOP
    b = frozenset(w.lower() for w in _WORD.findall(two)) - _NAME_STOP
    if not a or not b:
        return False
    if a <= b or b <= a:
        # "North London" is a part of London, but "North Korea" is not a part of "Korea", nor
        # "New York" of "York": the gazetteer knows those under their whole name
        compass = (a ^ b) & _OTHER_PLACE_WORDS
        return not compass or not _named_place(one if len(a) > len(b) else two, frozenset(compass))
    return spelt_otherwise(a, b, least=1, short_forms=False)  # "Wollaton" / "Woolaton"


@functools.lru_cache(maxsize=4096)
def _named_place(name: str, compass: frozenset[str]) -> bool:
    """The gazetteer knows ``name`` as a place of its own, compass word included ("North
    Korea", "South Sudan", "New York City"; not "South Wales", read as Wales)."""
    from ..enrich.places import geocode  # the gazetteer loads only when a name asks for it

    found = geocode([name]).get(name)
    return found is not None and bool(compass & set(found.name.lower().split()))


def _settings(fact: ClaimFacts) -> list[frozenset[str]]:
    """Per mention of a place in the claim, the content words next to it (a few either
    side), place names left out: "in Selvar and four surrounding districts"."""
    text, names = fact.claim.text, {p[1].lower() for p in fact.places}
    found = []
    for name in sorted(names):
        for at in re.finditer(r"\b" + re.escape(name) + r"\b", text, re.IGNORECASE):
            before = _WORD.findall(text[:at.start()])[-_SETTING_WORDS:]
            after = _WORD.findall(text[at.end():])[:_SETTING_WORDS]
            found.append(frozenset(w.lower() for w in before + after
                                   if w.lower() not in _SETTING_STOP and w.lower() not in names))
    return found


# --- time ------------------------------------------------------------------------------------


def _times(members: Sequence[ClaimFacts], close: Close) -> Disagreement | None:
    event_times = {f.claim.id: _event_times(f) for f in members}
    timed = [f for f in members if event_times[f.claim.id]]

    def compatible(a: ClaimFacts, b: ClaimFacts) -> bool | None:
        verdicts = [_same_time(x, y) for x in event_times[a.claim.id]
                    for y in event_times[b.claim.id]]
        known = [v for v in verdicts if v is not None]
        return any(known) if known else None

    involved = _disagreeing(timed, compatible, close,
                            shown=lambda f: event_times[f.claim.id][0].text.lower())
    if not involved:
        return None
    values = tuple((f.article, t.text, t.start, t.end)
                   for f in involved for t in event_times[f.claim.id][:1])
    shown = " vs ".join(sorted({v[1] for v in values}))
    return Disagreement("time", f"the time differs between articles: {shown}", values)


def _event_times(fact: ClaimFacts) -> list:
    """The claim's times without the dateline's date (the report's, not the event's)."""
    dateline = DATELINE.match(fact.claim.text)
    if dateline is None:
        return list(fact.times)
    end = fact.claim.start + dateline.end()
    return [t for t in fact.times if t.start >= end]


_RELATIVE_DAYS = ("relative", "weekday")  # "yesterday", "today", "on Tuesday"
_YEAR = re.compile(r"\b\d{4}\b")


def _same_time(x, y) -> bool | None:
    if x.low is not None and y.low is not None:
        if intervals_overlap((x.low, x.high), (y.low, y.high)):
            return True
        if x.kind in _RELATIVE_DAYS and y.kind in _RELATIVE_DAYS and _days_apart(x, y) <= 1:
            # A wire's "today" and the next morning's paper's "yesterday", both dated by the
            # story's day (or a time zone apart): a day rests on when each was published, which
            # inputs seldom give to the hour. Not a changed date.
            return None
        if x.low[5:] == y.low[5:] and x.low == x.high and y.low == y.high and not (
                _YEAR.search(x.text) and _YEAR.search(y.text)):
            return None  # "August 21" against "August 21, 1997": the year was inferred, not written
        return False
    day_x, day_y = weekday_of(x), weekday_of(y)
    if day_x and day_y:
        return day_x == day_y
    return None


def _days_apart(x, y) -> int:
    """Whole days between two disjoint intervals (1: adjacent days)."""
    lows = sorted((date.fromisoformat(x.low), date.fromisoformat(y.low)))
    highs = sorted((date.fromisoformat(x.high or x.low), date.fromisoformat(y.high or y.low)))
    return max(0, (lows[1] - highs[0]).days)


# --- characterisation ------------------------------------------------------------------------


def label_people(phrase: str) -> str | None:
    """``members`` when a phrase about counted people calls them members (or fighters...),
    ``contacts`` when it speaks of contacts or ties, ``None`` when it says neither."""
    if _MEMBER_WORDS.search(phrase):
        return "members"
    return "contacts" if _TIE_WORDS.search(phrase) else None


def characterisation(fact: ClaimFacts) -> tuple[str, str, int, int] | None:
    """How the claim labels the people it counts: (label, phrase, start, end) with label
    ``members`` or ``contacts``, from the first counted figure and the phrase after it."""
    for quantity in fact.quantities:
        if quantity.counted is None:
            continue
        text = fact.claim.text
        offset = quantity.start - fact.claim.start
        if not 0 <= offset < len(text):
            continue
        tail = text[offset + len(quantity.text):][:_MAX_PHRASE]
        cut = _PHRASE_END.search(tail)
        phrase = (quantity.text + tail[:cut.start() if cut else len(tail)]).rstrip(" ,")
        label = label_people(phrase)
        if label is not None:
            return label, phrase, quantity.start, quantity.start + len(phrase)
    return None


def _characterisations(members: Sequence[ClaimFacts]) -> Disagreement | None:
    labelled = [(f, c) for f in members if (c := characterisation(f)) is not None]
    if len({c[0] for _, c in labelled}) < 2:
        return None
    values = tuple((f.article, c[1], c[2], c[3]) for f, c in labelled)
    return Disagreement("characterisation",
                        "the people counted are called members in some articles and people "
                        "with contacts or ties in others", values)


# --- hedge -----------------------------------------------------------------------------------


def _hedges(members: Sequence[ClaimFacts], close: Close) -> Disagreement | None:
    def compatible(a: ClaimFacts, b: ClaimFacts) -> bool | None:
        kinds = {_stance(a), _stance(b)}
        return None if None in kinds else len(kinds) == 1

    involved = _disagreeing(list(members), compatible, close, shown=_stance)
    hedged = [f for f in involved if f.claim.hedged]
    stated = [f for f in involved if not f.claim.hedged]
    if not hedged or not stated:
        return None
    values = tuple((f.article, *_hedge_words(f)) for f in hedged)
    values += tuple((f.article, STATED, f.claim.start, f.claim.end) for f in stated)
    return Disagreement("hedge", "some articles distance themselves from the claim (" +
                        ", ".join(sorted({v[1].lower() for v in values if v[1] != STATED})) +
                        ") while others state it as fact", values)


def _hedge_words(fact: ClaimFacts) -> tuple[str, int, int]:
    """The hedge as the article writes it ("claimed", "According to") with its span; the whole
    claim when the words cannot be found in it."""
    hedge = fact.claim.hedge or "hedged"
    found = re.search(r"\b" + re.escape(hedge) + r"\b", fact.claim.text, re.IGNORECASE)
    if found is None:
        return hedge, fact.claim.start, fact.claim.end
    return found.group(0), fact.claim.start + found.start(), fact.claim.start + found.end()


def _stance(fact: ClaimFacts) -> str | None:
    """``hedged``, ``fact`` (the outlet's own statement) or ``None`` (plainly attributed)."""
    if fact.claim.hedged:
        return "hedged"
    return "fact" if fact.claim.speaker is None else None
