"""One event told in two stories: a later story's recap of an earlier event ("the 42 arrested
in Korvask last year") is an event of the later story, merged with that story's mentions; this
links it to the event it retells in the other story.

Events merge only within a story (:mod:`.events`), so a recap is its own event there. Two events
of different stories are the same event when they agree on what a recap repeats and two
different events rarely share:

* the same action class;
* the same exact count, of at least two (a count of one, or a vague "dozens", says too little);
* a shared place resolved to a city or a province (a shared country says too little), or a
  place name both write that the gazetteer does not know;
* and times that overlap where both events have one.

On ECB+ dev, whose two stories per topic tell two different events of one kind (two
earthquakes, two arrests), no pair of events is linked this way, while a shared place alone
links 14 pairs of different events (``bench/event_merge.py``, "across stories").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ..records import Event, EventPlace

__all__ = ["retold_events"]

_PRECISE = ("city", "province")


def retold_events(events: Iterable[Event],
                  places: Mapping[str, Sequence[EventPlace]]) -> dict[str, list[str]]:
    """Event id -> ids of the events of other stories that tell the same event (sorted; only
    events with such a partner appear). ``places`` maps event ids to their places."""
    # events that could be one: same action, same exact count, a shared precise place
    buckets: dict[tuple[str, float, str], list[Event]] = defaultdict(list)
    for event in events:
        if (event.story is None or event.count_low is None
                or event.count_low != event.count_high or event.count_low < 2):
            continue
        for place in {_place_key(p) for p in places.get(event.id, ())} - {None}:
            buckets[(event.action, event.count_low, place)].append(event)
    linked: dict[str, set[str]] = defaultdict(set)
    for bucket in buckets.values():
        for i, a in enumerate(bucket):
            for b in bucket[i + 1:]:
                if a.story != b.story and _times_meet(a, b):
                    linked[a.id].add(b.id)
                    linked[b.id].add(a.id)
    return {event: sorted(others) for event, others in sorted(linked.items())}


def _place_key(place: EventPlace) -> str | None:
    """A city or province by its gazetteer id; a name the gazetteer does not know by the name
    itself (a place both texts name, where nothing says it is two); a country: nothing."""
    if place.geonameid is not None:
        return f"geonames:{place.geonameid}" if place.precision in _PRECISE else None
    return f"name:{place.name.casefold()}" if place.precision is None else None


def _times_meet(a: Event, b: Event) -> bool:
    if not a.time_start or not b.time_start:
        return True
    return a.time_start <= (b.time_end or b.time_start) and b.time_start <= (a.time_end or a.time_start)
