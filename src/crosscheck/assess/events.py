"""Events across articles: event mentions merged into events, with origins and conflicts.

Within one story, the asserted mentions of one action class are read earliest article first
(date, time of day, a text no derivation names as derived, id) and each joins the event it
agrees with best, or starts a new one. A mention can join an event when

* nothing clashes: no two time intervals that do not overlap, no two places that cannot be the
  same (two different cities; a city inside a named province or country is no clash), and
* the evidence does not weigh against it (a score of at least ``MIN_AGREEMENT``, 0): for, an
  article of the same reporting line (a copy or its source, +1), the same place (+1; +0.5
  when only a country is shared), counts that can be the same (+1, also for the same number
  under another noun: "sixty individuals" / "60 members"), the same target entity (+1) or
  targets sharing a content word ("the gunman" / "a gunman", ``ARGUMENT_WORDS``), agents
  sharing one (half that), times that agree (+0.5: overlapping intervals or the same words),
  a speaker the event already has (+0.5), a definite or demonstrative noun trigger in an
  article already in the event (+1: "these arrests" goes back to the article's earlier report;
  another mention of the article without one adds ``SAME_ARTICLE``, 0: a story often recalls
  an earlier arrest); against, counts that cannot both be true (-1: "sixty" against "more
  than 116"), vague counts of differently named things (``COUNTED_APART``, -1: "tens of
  spies" against "sixty individuals") and a named speaker the event does not have (-0.5).
  Among the events it can join, it joins the best scored.
* An *echo* comes first: a mention inside a passage that a derivation aligns with the other
  article's passage holding a mention the event has (the copy's sentence with its source's
  arrest) joins that event whatever else differs: the copy tells the same event, and what it
  changed ("42" to "420", another day, another place) is a conflict to show, not a sign of
  another event. The four settings were chosen by
  cross-validation over ECB+ topic folds, among the settings that keep the seeds'
  hand-labelled events at least as well apart (``bench/event_merge.py``; ``docs/benchmarks.md``,
  Events).

An event keeps the earliest origin's reading of each slot; ``origins`` counts its independent
reporting lines exactly as claim groups do (derivations join articles, one outlet is one line).
Conflicts: ``count`` (intervals that do not overlap), ``characterisation`` (what is counted
named differently: "individuals who had contacts with" / "members"), ``time`` (another interval), ``agent``,
``attribution`` (another speaker) and ``hedge`` (one article distances itself, another does
not). Negated, planned and hypothetical mentions are never counted; an event with no count,
place or time says too little to log and is left out. Findings: ``event_count_grew`` (a copy
gives a higher count than its source) and ``event_single_origin`` (three or more outlets, one
reporting line).
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..records import (Article, Derivation, Event, EventConflict, EventMember, EventMention,
                       EventPlace, Finding, Passage, Place, Quantity, TimeExpr, content_id)
from ..enrich.speakers import is_pronoun
from .article_findings import finding, outlet_of, outlets_of
from .corroboration import article_order, group_origins, reporting_lines
from .voices import HONORIFICS, Voice, place_words, same_voice

__all__ = ["assess_events", "event_findings", "MIN_AGREEMENT", "ARGUMENT_WORDS", "SAME_ARTICLE",
           "COUNTED_APART"]

MIN_AGREEMENT = 0.0
ARGUMENT_WORDS = 1.0
SAME_ARTICLE = 0.0
COUNTED_APART = -1.0
_PRECISION_RANK = {"city": 0, "province": 1, "country": 2, None: 3}

AssessedEvent = Event | EventMember | EventPlace | EventConflict


@dataclass(frozen=True)
class _Reading:
    """One mention with its slots looked up."""

    mention: EventMention
    count: Quantity | None
    time: TimeExpr | None
    places: tuple[Place, ...]


@dataclass(frozen=True)
class _Echoes:
    """Where each article's passages were aligned: (article, start, end) -> the other side's
    (article, start, end), both ways, by article."""

    spans: Mapping[str, tuple[tuple[int, int, str, int, int], ...]]

    @classmethod
    def of(cls, derivations: Sequence[Derivation], passages: Sequence[Passage]) -> "_Echoes":
        ends = {d.id: (d.source, d.derived) for d in derivations}
        spans: dict[str, list[tuple[int, int, str, int, int]]] = defaultdict(list)
        for p in passages:
            if p.derivation not in ends:
                continue
            source, derived = ends[p.derivation]
            spans[derived].append((p.derived_start, p.derived_end, source, p.source_start, p.source_end))
            spans[source].append((p.source_start, p.source_end, derived, p.derived_start, p.derived_end))
        return cls({a: tuple(sorted(s)) for a, s in spans.items()})

    def echoed(self, reading: "_Reading", others: Sequence["_Reading"]) -> bool:
        """Whether some reading of ``others`` lies in a passage aligned with ``reading``'s."""
        at = reading.mention.start
        for start, end, other, other_start, other_end in self.spans.get(reading.mention.article, ()):
            if start <= at < end and any(r.mention.article == other and other_start <= r.mention.start < other_end
                                         for r in others):
                return True
        return False


@dataclass
class _Cluster:
    story: str | None
    action: str
    readings: list[_Reading] = field(default_factory=list)


def assess_events(*, articles: Mapping[str, Article], mentions: Sequence[EventMention],
                  quantities: Mapping[str, Quantity], times: Mapping[str, TimeExpr],
                  places: Mapping[str, Place], story_of: Mapping[str, str],
                  derivations: Sequence[Derivation],
                  passages: Sequence[Passage] = (),
                  lines: Mapping[str, str] | None = None) -> list[AssessedEvent]:
    """Events with their members, places and conflicts (see the module docstring);
    ``passages`` are the derivations' aligned passages (echoes, above); ``lines`` the reporting
    lines of the whole corpus, computed from ``derivations`` unless given."""
    copies = frozenset(d.derived for d in derivations)
    sources = frozenset(d.source for d in derivations)
    order = {a: rank for rank, a in enumerate(
        sorted(articles, key=lambda a: article_order(articles[a], a, copies, sources)))}
    readings = [_Reading(m, quantities.get(m.count or ""), times.get(m.time or ""),
                         tuple(places[p] for p in m.places if p in places))
                for m in mentions if m.status == "asserted" and m.article in articles]
    readings.sort(key=lambda r: (order[r.mention.article], r.mention.start, r.mention.id))
    lines = reporting_lines(derivations) if lines is None else lines
    echoes = _Echoes.of(derivations, passages)
    clusters: list[_Cluster] = []
    by_key: dict[tuple, list[_Cluster]] = defaultdict(list)
    for reading in readings:
        key = (story_of.get(reading.mention.article), reading.mention.action)
        best = _best(reading, by_key[key], lines, articles, echoes)
        if best is None:
            best = _Cluster(*key)
            by_key[key].append(best)
            clusters.append(best)
        best.readings.append(reading)
    records: list[AssessedEvent] = []
    for cluster in clusters:
        if any(r.count or r.time or r.places for r in cluster.readings):
            records.extend(_event_records(cluster, articles=articles, lines=lines, copies=copies,
                                          sources=sources))
    return records


def _best(reading: _Reading, clusters: list[_Cluster], lines: Mapping[str, str],
          articles: Mapping[str, Article], echoes: _Echoes) -> _Cluster | None:
    echoed = [(i, c) for i, c in enumerate(clusters) if echoes.echoed(reading, c.readings)]
    if echoed:  # the copied sentence's event, the best agreeing when several
        return max(echoed, key=lambda ic: (_agreement(reading, ic[1], lines, articles,
                                                      vetoes=False), -ic[0]))[1]
    scored = [(score, -i) for i, c in enumerate(clusters)
              if (score := _agreement(reading, c, lines, articles)) is not None
              and score >= MIN_AGREEMENT]
    return clusters[-max(scored)[1]] if scored else None


def _agreement(reading: _Reading, cluster: _Cluster, lines: Mapping[str, str],
               articles: Mapping[str, Article], *, vetoes: bool = True) -> float | None:
    """How well a mention agrees with an event; ``None`` when a slot clashes (unless
    ``vetoes`` is false)."""
    article = reading.mention.article
    line = lines.get(article)
    # Another article of the same reporting line (a copy or its source) tells the same action
    # about the same event unless a slot clashes: what it changed is a conflict, not a new event.
    score = 1.0 if line is not None and any(
        r.mention.article != article and lines.get(r.mention.article) == line
        for r in cluster.readings) else 0.0
    for other in cluster.readings if vetoes else ():
        if _times_clash(reading.time, other.time) or _places_clash(reading.places, other.places):
            return None
    shared = [a for a in reading.places for r in cluster.readings for b in r.places
              if _same_place(a, b)]
    if shared:  # a shared country says less than a shared city or province
        score += 0.5 if all(a.precision == "country" for a in shared) else 1.0
    counts = [r.count for r in cluster.readings if r.count is not None]
    if reading.count is not None and counts:
        score += max(_count_agreement(reading.count, c) for c in counts)
    target = reading.mention.target_key
    if target and any(r.mention.target_key == target for r in cluster.readings):
        score += 1
    elif _shares_words(reading.mention.target, (r.mention.target for r in cluster.readings)):
        score += ARGUMENT_WORDS  # "the gunman" / "a gunman": the same people or things
    if _shares_words(reading.mention.agent, (r.mention.agent for r in cluster.readings)):
        score += ARGUMENT_WORDS / 2
    if reading.time is not None and any(_same_time(reading.time, r.time) for r in cluster.readings):
        score += 0.5
    if any(r.mention.article == article for r in cluster.readings):
        # "These arrests took place in ...": a definite noun trigger goes back to the
        # article's earlier report of the same action (another arrest in the same article,
        # told without one, is as likely an earlier event the story recalls).
        score += SAME_ARTICLE if not _anaphoric(reading.mention, articles) else 1.0
    speaker = reading.mention.speaker
    others = [r for r in cluster.readings if _named(r.mention.speaker)]
    if _named(speaker) and others:
        # one voice under two names ("Intelligence Minister Mahmoud Alavi" / "Mahmoud Alavi")
        one = Voice(speaker, reading.mention.speaker_key)
        same = any(same_voice(one, Voice(r.mention.speaker, r.mention.speaker_key),
                              places=place_words(p.text for p in (*reading.places, *r.places)))
                   for r in others)
        score += 0.5 if same else -0.5
    return score


_STOP = frozenset("the a an of in on at for to and or his her its their this that these those "
                  "some many several more most other another who which all any".split())


@functools.lru_cache(maxsize=8192)
def _content_words(phrase: str | None) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]+", (phrase or "").lower())
                     if len(w) > 2 and w not in _STOP)


def _shares_words(phrase: str | None, others) -> bool:
    """An argument ("the suspected gunman") sharing a content word with another reading's."""
    words = _content_words(phrase)
    return bool(words) and any(words & _content_words(o) for o in others)


_ANAPHORIC = frozenset({"these", "those", "this", "that", "the", "such", "their", "its"})


def _anaphoric(mention: EventMention, articles: Mapping[str, Article]) -> bool:
    """A trigger after a demonstrative or definite word ("these arrests", "the raid")."""
    before = _text_before(mention, articles).split()
    return bool(before) and before[-1].casefold() in _ANAPHORIC


def _text_before(mention: EventMention, articles: Mapping[str, Article]) -> str:
    """The 20 characters of the article before the trigger ("" for an article not given)."""
    article = articles.get(mention.article)
    return article.text[max(0, mention.start - 20):mention.start] if article is not None else ""


def _named(speaker: str | None) -> bool:
    """A speaker given by name or title, not by a bare pronoun left unresolved."""
    return bool(speaker) and not is_pronoun(speaker)


def _count_agreement(a: Quantity, b: Quantity) -> float:
    """+1 for counts that can be the same (the same number under another noun, "sixty
    individuals" / "60 members", is a relabelling, still +1); ``COUNTED_APART`` for vague
    counts of different things ("fifty members" / "dozens of cells"); -1 for counts that
    cannot both be true."""
    if not _overlap(_interval(a), _interval(b)):
        return -1.0
    if _counted(a) and _counted(b) and _counted(a) != _counted(b) and _interval(a) != _interval(b):
        return COUNTED_APART
    return 1.0


def _counted(quantity: Quantity) -> str:
    return (quantity.counted or "").casefold().removesuffix("s")


def _interval(quantity: Quantity) -> tuple[float, float]:
    """The counts a figure allows: "116" is 116 to 116, "more than 116" is 116 and up (an open
    bound stays open), "up to 30" anything to 30."""
    low, high = quantity.low, quantity.high
    if low is None and high is None:
        low = high = quantity.value
    return (low if low is not None else float("-inf"), high if high is not None else float("inf"))


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _same_time(a: TimeExpr, b: TimeExpr | None) -> bool:
    """Two times that agree: resolved intervals that overlap, or the same words."""
    if b is None:
        return False
    if a.low and a.high and b.low and b.high:
        return _overlap((a.low, a.high), (b.low, b.high))
    return a.text.casefold() == b.text.casefold()


def _times_clash(a: TimeExpr | None, b: TimeExpr | None) -> bool:
    if a is None or b is None or not (a.low and a.high and b.low and b.high):
        return False
    return not _overlap((a.low, a.high), (b.low, b.high))


def _places_clash(a: tuple[Place, ...], b: tuple[Place, ...]) -> bool:
    """Whether the most precise places of two mentions cannot be the same place (a sentence
    naming "East Azarbaijan province, Iran" and one naming "Kurdistan, Iran" clash on the
    provinces, whatever the country they share). A name the gazetteer did not resolve says
    nothing about where ("the Islamic Republic" beside "Iran"): it clashes with nothing."""
    a, b = _most_precise(_resolved(a)), _most_precise(_resolved(b))
    if not a or not b:
        return False
    return not any(_compatible(x, y) for x in a for y in b)


def _resolved(places: tuple[Place, ...]) -> tuple[Place, ...]:
    return tuple(p for p in places if p.precision is not None)


def _most_precise(places: tuple[Place, ...]) -> list[Place]:
    if not places:
        return []
    best = min(_PRECISION_RANK.get(p.precision, 3) for p in places)
    return [p for p in places if _PRECISION_RANK.get(p.precision, 3) == best]


def _compatible(a: Place, b: Place) -> bool:
    """Two places that can be the same place: the same one, or one inside the other."""
    if _same_place(a, b):
        return True
    if a.country_code is None or b.country_code is None:
        return False
    if a.country_code != b.country_code:
        return False
    if "country" in (a.precision, b.precision):
        return True
    return "province" in (a.precision, b.precision) and a.admin1 == b.admin1


def _same_place(a: Place, b: Place) -> bool:
    if a.geonameid is not None and b.geonameid is not None:
        return a.geonameid == b.geonameid
    return _place_name(a).casefold() == _place_name(b).casefold()


def _place_name(place: Place) -> str:
    return place.name or place.text


# --- records --------------------------------------------------------------------------------


def _event_records(cluster: _Cluster, *, articles, lines, copies, sources) -> list[AssessedEvent]:
    readings = cluster.readings
    first = readings[0]
    event_id = content_id("event", cluster.story, first.mention.id)
    # Undated lines: a text that derivations name as source is the origin before one that
    # merely shares the outlet (seed 004, not 002, for the 2019 arrests).
    origin_of = group_origins({r.mention.article for r in readings}, lines=lines,
                              articles=articles, copies=copies, sources=sources)
    counted = next((r for r in readings if r.count is not None), None)
    count = counted.count if counted is not None else None
    # A reading resolved to dates says more than the same words left unresolved (an undated
    # copy's "November last year" beside its dated source's).
    time = next((r.time for r in readings if r.time is not None and r.time.low), None) or next(
        (r.time for r in readings if r.time is not None), None)
    # "Eyewitnesses say those arrested resisted" retells the arrests by their people: who
    # tells the event is who tells the rest of it, when anyone does.
    telling = [r for r in readings if not _people_of(r, articles)] or readings
    speakers = _voices(telling)
    event = Event(
        id=event_id, story=cluster.story, action=cluster.action, cameo=first.mention.cameo,
        agent=_slot(readings, counted, "agent"), target=_slot(readings, counted, "target"),
        count_text=count.text if count else None, count_low=_interval(count)[0] if count else None,
        count_high=_finite(_interval(count)[1]) if count else None,
        time_text=time.text if time else None, time_start=time.low if time else None,
        time_end=time.high if time else None, attributed_to=tuple(speakers),
        hedged=all(r.mention.hedged for r in readings),
        origins=len(set(origin_of.values())))
    records: list[AssessedEvent] = [event]
    for reading in readings:
        m = reading.mention
        records.append(EventMember(content_id(event_id, m.id), event_id, m.id, m.article,
                                   origin_of[m.article]))
    records.extend(_event_places(event_id, readings))
    records.extend(_conflicts(event_id, readings))
    return records


def _voices(readings: list[_Reading]) -> list[str]:
    """Each voice once: the names one speaker key is given ("Anselm Drevic", "Regional security
    chief Anselm Drevic"), one role phrase in other capitals or quote marks, and two names
    :func:`.voices.same_voice` takes for one speaker ("Mr Drevic") are one voice,
    shown by its most specific short name (the most capitalised words, a name before a "Mr",
    then the shortest)."""
    names: dict[str, set[str]] = defaultdict(set)
    keys = {r.mention.speaker_key for r in readings if r.mention.speaker_key}
    for reading in readings:
        name = reading.mention.speaker
        if _named(name):
            plain = " ".join(name.replace("\u2019", "'").casefold().split())
            # "A spokeswoman, Irena Solvik" left unresolved is the voice keyed "irena solvik"
            key = reading.mention.speaker_key or next(
                (k for k in sorted(keys) if re.search(rf"\b{re.escape(k)}\b", plain)), plain)
            names[key].add(name)
    # Keys that are one voice under two names ("Mr Harrow", "Damian Harrow QC") are one voice.
    voices: list[set[str]] = []
    for key in sorted(names):
        one = [v for v in voices if any(same_voice(Voice(a), Voice(b))
                                         for a in v for b in names[key])]
        merged = set(names[key]).union(*one)
        voices = [v for v in voices if v not in one] + [merged]
    shown = (min(found, key=lambda n: (-min(_capitals(n), 2), _courtesy(n), len(n), n))
             for found in voices)
    return sorted({_without_apposition(name) for name in shown})


def _courtesy(name: str) -> bool:
    """A name given with a courtesy title ("Mr Harrow"): a later reference to a fuller one."""
    first = name.split()[0].casefold().rstrip(".") if name.split() else ""
    return first in HONORIFICS


_APPOSITION = re.compile(r",\s+(?:a|an|the|who|which|whose)\s")


def _without_apposition(name: str) -> str:
    """"Pol Dessen, a convicted smuggler serving a life sentence" is shown "Pol Dessen":
    the words after the comma describe the speaker, the name before it is who speaks."""
    cut = _APPOSITION.search(name)
    head = name[:cut.start()] if cut else name
    return head if cut and _capitals(head) else name


def _capitals(name: str) -> int:
    return sum(1 for w in name.split()[1:] if w[:1].isupper()) + (
        name[:1].isupper() and name.split()[0].casefold() not in _STOP)


_PEOPLE_OF = re.compile(r"\b(?:those|the)\s+(?:recently\s+)?$", re.IGNORECASE)


def _people_of(reading: _Reading, articles) -> bool:
    """The trigger names the people the event happened to ("those arrested", "the detained"),
    with nothing of its own to tell: no agent, target, count, place or time."""
    m = reading.mention
    if m.agent or m.target or reading.count or reading.time or reading.places:
        return False
    return bool(_PEOPLE_OF.search(_text_before(m, articles)))


def _slot(readings: list[_Reading], counted: _Reading | None, name: str) -> str | None:
    """An event's agent or target as the reading that gives its count writes it ("sixty
    individuals", not a headline's "Many"), else as the first reading that fills it."""
    if counted is not None and getattr(counted.mention, name):
        return getattr(counted.mention, name)
    return next((getattr(r.mention, name) for r in readings if getattr(r.mention, name)), None)


def _finite(value: float) -> float | None:
    return None if value in (float("inf"), float("-inf")) else value


def _event_places(event_id: str, readings: list[_Reading]) -> list[EventPlace]:
    """Distinct places, the most precise first; a country or province that holds a more
    precise place of the event is kept too (a reader filters by either). One written name is
    one place (see below)."""
    seen: dict[str, Place] = {}
    uses: Counter = Counter()
    for reading in readings:
        for place in reading.places:
            key = _place_key(place)
            seen.setdefault(key, place)
            uses[key] += 1
    # One name written in several articles is one place of the event: "London" left unresolved
    # in one article is the London another resolved, and where the articles' contexts resolved it
    # to two places (London, Ontario beside London, England) the one more readings give stays.
    by_written: dict[str, list[str]] = defaultdict(list)
    for key, place in seen.items():
        by_written[place.text.casefold()].append(key)
    for keys in by_written.values():
        resolved = [k for k in keys if seen[k].geonameid is not None]
        if resolved:
            keep = min(resolved, key=lambda k: (-uses[k], k))
            for key in keys:
                if key != keep:
                    del seen[key]
    ordered = sorted(seen.values(), key=lambda p: (_PRECISION_RANK.get(p.precision, 3),
                                                   _place_name(p), p.id))
    return [EventPlace(content_id(event_id, "place", _place_key(p)), event_id, _place_name(p),
                       p.lat, p.lon, p.country, p.admin1, p.precision, p.geonameid, position)
            for position, p in enumerate(ordered)]


def _place_key(place: Place) -> str:
    if place.geonameid is not None:
        return str(place.geonameid)
    return "|".join(x or "" for x in (place.name or place.text, place.admin1, place.country_code)).casefold()


def _each_article(readings: list[_Reading], fills) -> dict[str, _Reading]:
    """Each article's first reading that fills a slot: an article that names the event in its
    headline and counts it in its body is compared on its count."""
    chosen: dict[str, _Reading] = {}
    for reading in readings:
        if fills(reading):
            chosen.setdefault(reading.mention.article, reading)
    return chosen


def _conflicts(event_id: str, readings: list[_Reading]) -> list[EventConflict]:
    per_article = _each_article(readings, lambda r: True)
    found = []
    counts = [(a, r.count) for a, r in _each_article(readings, lambda r: r.count).items()]
    if any(not _overlap(_interval(x), _interval(y)) for _, x in counts for _, y in counts):
        found.append(("count", "the articles give counts that cannot all be true",
                      [(a, q.text) for a, q in counts]))
    nouns = [(a, f"{q.text} {q.counted}") for a, q in counts if q.counted]
    if len({_counted(q) for _, q in counts if q.counted}) > 1:
        found.append(("characterisation", "the articles call the people or things counted "
                      "differently", nouns))
    times = [(a, r.time) for a, r in _each_article(
        readings, lambda r: r.time is not None and r.time.low).items()]
    if len({(t.low, t.high) for _, t in times}) > 1:
        found.append(("time", "the articles date the event differently",
                      [(a, f"{t.text} ({t.low}..{t.high})") for a, t in times]))
    places = place_words(p.text for r in readings for p in r.places)
    # Only agents and speakers resolved to entities are compared, as for claims' speakers: role
    # phrases ("the provincial office of the ministry" / "the ministry's director general for
    # the province") vary from outlet to outlet without naming anyone else.
    for slot, value, key, detail in (
            ("agent", lambda r: r.mention.agent, lambda r: r.mention.agent_key, "another agent"),
            ("attribution", lambda r: r.mention.speaker if _named(r.mention.speaker) else None,
             lambda r: r.mention.speaker_key, "another speaker")):
        voices = [(a, Voice(value(r), key(r))) for a, r in _each_article(
            readings, lambda r, value=value, key=key: value(r) and key(r)).items()]
        # one voice under two names ("Drevic" / "Anselm Drevic") is no conflict
        if any(not same_voice(x, y, places=places) for _, x in voices for _, y in voices):
            found.append((slot, f"the articles name {detail}", [(a, v.name) for a, v in voices]))
    # An article distances itself when any of its readings does.
    hedged = dict.fromkeys(per_article, False)
    for reading in readings:
        hedged[reading.mention.article] |= reading.mention.hedged
    if len(set(hedged.values())) > 1:
        found.append(("hedge", "one article distances itself from the report, another states it",
                      [(a, "hedged" if h else "stated as fact") for a, h in hedged.items()]))
    return [EventConflict(content_id(event_id, "conflict", slot), event_id, slot, detail,
                          tuple(a for a, _ in values), tuple(str(v) for _, v in values))
            for slot, detail, values in found]


# --- findings -------------------------------------------------------------------------------


def event_findings(records: Sequence[AssessedEvent], *, articles: Mapping[str, Article],
                   mentions: Mapping[str, EventMention], quantities: Mapping[str, Quantity],
                   derivations: Sequence[Derivation]) -> list[Finding]:
    """``event_count_grew``: a derived article gives an event a higher count than its source
    along a derivation; ``event_single_origin``: an event carried by three or more outlets
    that all go back to one reporting line (what gets counted as corroboration)."""
    events = [r for r in records if isinstance(r, Event)]
    members: dict[str, list[EventMember]] = defaultdict(list)
    for record in records:
        if isinstance(record, EventMember):
            members[record.event].append(record)
    found = []
    for event in events:
        own = members[event.id]
        found.extend(_grown_counts(event, own, mentions, quantities, derivations, articles))
        outlets = {outlet_of(articles, m.article) for m in own}
        if event.origins == 1 and len(outlets) >= 3:
            origin = min(m.origin for m in own)
            mention = next(mentions[m.mention] for m in own if m.article == origin)
            detail = (f"{len(outlets)} outlets, one origin: the {event.action} event"
                      f"{' of ' + event.count_text if event.count_text else ''} goes back to "
                      f"{outlet_of(articles, origin)} alone.")
            found.append(finding("event_single_origin", origin, detail, mention.start, mention.end))
    return found


def _grown_counts(event, own, mentions, quantities, derivations, articles) -> list[Finding]:
    count_of = {}
    for member in own:
        quantity = quantities.get(mentions[member.mention].count or "")
        if quantity is not None:
            count_of.setdefault(member.article, (quantity, mentions[member.mention]))
    found = []
    for d in derivations:
        if d.source in count_of and d.derived in count_of and d.direction != "undetermined":
            (before, _), (after, _) = count_of[d.source], count_of[d.derived]
            if _interval(after)[0] > _interval(before)[1]:
                source, derived = outlets_of(articles, d.source, d.derived)
                detail = (f"The {event.action} count grew along a copy: "
                          f"{source} says \"{before.text}\", {derived} \"{after.text}\".")
                found.append(finding("event_count_grew", d.derived, detail, after.start,
                                     after.end, related=d.source))
    return found
