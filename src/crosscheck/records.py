"""Flat, frozen, typed records that flow between pipeline stages.

Every record has a content-hash ``id`` (see :func:`content_id`), so re-running a stage on the
same input yields the same ids and the store can skip or replace rows without duplicates.
Offsets are character offsets into an article's cleaned ``text``. Records never hold object
graphs or parser objects: they cross process boundaries and land in DuckDB tables whose schema
is derived from the fields below (see ``store.py``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

__all__ = [
    "RawDocument",
    "Draft",
    "Article",
    "Removal",
    "Rejected",
    "Sentence",
    "Mention",
    "Quantity",
    "TimeExpr",
    "Quote",
    "Claim",
    "Place",
    "EventMention",
    "Entity",
    "EntityKey",
    "Derivation",
    "Passage",
    "Story",
    "StoryMember",
    "ClaimGroup",
    "ClaimGroupMember",
    "Conflict",
    "ConflictValue",
    "FramingName",
    "FramingSpan",
    "Finding",
    "Event",
    "EventMember",
    "EventPlace",
    "EventConflict",
    "RECORD_TYPES",
    "ENRICH_SCHEME",
    "content_id",
    "outlet_label",
    "record_table",
]


# Changes whenever enrichment writes other records for the same text (a new rule for event
# roles or times): a store enriched under another scheme is enriched again, and what link and
# assess kept from that enrichment (aligned pairs, story features, story fingerprints) is redone.
ENRICH_SCHEME = "2026-12-07m"


def content_id(*parts: object) -> str:
    """A stable 16-hex-digit id from the given parts (``None`` and ``""`` differ)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(b"\x00" if part is None else b"\x01" + str(part).encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:16]


def outlet_label(outlet: str | None, source: str) -> str:
    """The outlet to show for an article: its own, else the last part of its source (a file
    name, ``wire.jsonl#row-7``), never the folder it lies in."""
    return outlet or source.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input document as read, before any cleaning.

    ``source`` names where it came from: the path as given; ``PATH#ID`` for a JSONL row (its own
    ``id`` or its line number); ``PATH#RECORD-ID`` for a WARC record; a URL for fetched pages;
    ``PATH#ITEM`` for a feed entry. ``format`` is ``"html"`` or ``"text"``. ``url``, ``outlet``,
    ``title`` and ``published`` hold what the input declared, if anything. ``not_after`` is the
    latest date the document can have been published by another source of truth (when a crawler
    saved it: a WARC record's date, a JSONL row's ``retrieved``), or ``None``; a date read from
    the text that is later than it is no publication date.
    """

    id: str
    source: str
    format: str
    content: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    not_after: str | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    """An article after per-document cleaning, before corpus-level boilerplate removal.

    Same fields as :class:`Article`; ``id`` is the id of the :class:`RawDocument` it came from.
    """

    id: str
    source: str
    url: str | None
    outlet: str | None
    outlet_from: str | None
    title: str | None
    published: str | None
    published_from: str | None
    language: str | None
    text: str
    published_at: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: the unit every later stage works on.

    ``published`` is an ISO date (``YYYY-MM-DD``) or ``None``; ``published_from`` says where it
    came from: ``input``, ``meta``, ``url`` or ``text``. ``published_at`` is the publication
    time in UTC (``YYYY-MM-DDTHH:MM:SSZ``) when the input or the page gave a time of day with
    its date, else ``None`` (``published`` keeps the date the source gave). ``outlet_from`` likewise: ``input``,
    ``url``, ``meta``, ``crumb`` or ``chrome`` (articles sharing learned page chrome).
    """

    id: str
    source: str
    url: str | None
    outlet: str | None
    outlet_from: str | None
    title: str | None
    published: str | None
    published_from: str | None
    language: str | None
    text: str
    published_at: str | None = None


@dataclass(frozen=True, slots=True)
class Removal:
    """Text removed from an article during cleaning, with the reason and the stage that did it.

    ``position`` orders removals within an article (the character offset in the text the
    removing stage saw, so removals read in document order).
    """

    id: str
    article: str
    stage: str
    position: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input, or part of one, that a stage could not use: never dropped silently."""

    id: str
    source: str
    stage: str
    reason: str


# --- enrich: per article ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article: ``[start, end)`` in its text; ``index`` counts from 0."""

    id: str
    article: str
    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """A named entity mention. ``text`` is the surface form the outlet used; ``name`` the
    article-level canonical name (acronym expanded, title dropped, short form resolved);
    ``key`` the alias-resolved key that the corpus-level entity merge groups by."""

    id: str
    article: str
    start: int
    end: int
    text: str
    label: str
    name: str
    key: str
    sentence: int


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number in the text: ``value`` as read ("sixty" -> 60), ``low``/``high`` its interval
    (ranges, "more than", "tens of"), ``approximate`` for vague or hedged amounts, ``unit``
    (currency, percent, measure) and ``counted``: the head noun counted ("members")."""

    id: str
    article: str
    start: int
    end: int
    text: str
    value: float | None
    low: float | None
    high: float | None
    approximate: bool
    unit: str | None
    counted: str | None
    sentence: int


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A time expression resolved to an interval of ISO dates ``[low, high]`` (inclusive),
    against the publication date for relative ones; ``calendar`` names a non-Gregorian source
    calendar ("solar-hijri")."""

    id: str
    article: str
    start: int
    end: int
    text: str
    kind: str
    low: str | None
    high: str | None
    calendar: str | None
    sentence: int


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote, indirect speech or "according to" attribution.

    Spans are ``[start, end)`` offsets; ``speaker_key`` is the speaker's entity key; ``stance``
    of the cue verb: ``neutral`` (said), ``distancing`` (claimed), ``assertive`` (boasted),
    ``admission`` (admitted), ``denial`` (denied). ``via`` lists the intermediaries of a chain
    ("X said, according to Y" -> via ["Y"])."""

    id: str
    article: str
    start: int
    end: int
    kind: str
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_key: str | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    stance: str | None
    content_start: int
    content_end: int
    via: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Claim:
    """A check-worthy factual statement with its slots. ``quantities`` and ``times`` hold ids
    of :class:`Quantity` / :class:`TimeExpr` records inside the claim; ``places`` place names;
    ``speaker`` is who the article attributes it to (``None``: the outlet states it itself),
    as a reader should see it: the article's name for the speaker where the phrase only refers
    to it ("he", "the company"), else the phrase; ``speaker_text`` the phrase as written;
    ``speaker_key`` the speaker's mention key when it was resolved; ``hedge`` the cue or modal
    that distances the outlet ("claimed", "according to")."""

    id: str
    article: str
    start: int
    end: int
    text: str
    actor: str | None
    action: str | None
    speaker: str | None
    cue: str | None
    hedged: bool
    hedge: str | None
    quantities: tuple[str, ...]
    places: tuple[str, ...]
    times: tuple[str, ...]
    score: float
    sentence: int
    speaker_text: str | None = None
    speaker_key: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A place named in an article, resolved against the offline gazetteer with the article's
    other places as context. ``name`` is the gazetteer's name; the coordinates and the rest are
    ``None`` when the gazetteer lacks the place or the text does not decide among candidates.
    ``precision`` is ``city``, ``province`` or ``country``; ``candidates`` how many entries the
    name matched."""

    id: str
    article: str
    start: int
    end: int
    text: str
    name: str | None
    lat: float | None
    lon: float | None
    country: str | None
    country_code: str | None
    admin1: str | None
    precision: str | None
    geonameid: int | None
    candidates: int
    sentence: int


@dataclass(frozen=True, slots=True)
class EventMention:
    """One event as one article tells it: ``trigger`` the word that names it (``start``/``end``
    its span), ``action`` a class of the documented taxonomy with its ``cameo`` code; ``agent``
    and ``target`` as written with their entity keys; ``count`` the id of the :class:`Quantity`
    counting the people or things it concerns; ``places`` ids of :class:`Place` records;
    ``time`` the id of a :class:`TimeExpr`; ``speaker`` whom the article attributes it to,
    ``hedged`` whether the article distances itself; ``status`` ``asserted``, ``negated``,
    ``planned`` or ``hypothetical`` (only asserted ones count as events); ``speaker_key`` the
    speaker's entity key when the attribution resolved it (as for claims and quotes)."""

    id: str
    article: str
    start: int
    end: int
    trigger: str
    action: str
    cameo: str | None
    agent: str | None
    agent_key: str | None
    target: str | None
    target_key: str | None
    count: str | None
    places: tuple[str, ...]
    time: str | None
    speaker: str | None
    hedged: bool
    status: str
    sentence: int
    speaker_key: str | None = None


# --- link: whole corpus ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world entity across the corpus, merged from per-article mention keys."""

    id: str
    name: str
    type: str


@dataclass(frozen=True, slots=True)
class EntityKey:
    """Which mention ``key`` belongs to which :class:`Entity`."""

    id: str
    entity: str
    key: str


@dataclass(frozen=True, slots=True)
class Derivation:
    """``derived`` was copied, rewritten or paraphrased from ``source``.

    ``kind``: copy | rewrite | paraphrase | partial. ``direction``: ``dated`` (publication dates
    decided), ``content`` (content cues decided), ``undetermined`` (then ``source``/``derived``
    are in id order and carry no claim). ``evidence`` says why, in words. ``relation``:
    ``derived`` (one text took from the other) or ``shared_source`` (two texts, at least one of
    which takes from a third text of the corpus, share material, and neither dates, a citation,
    a whole copy nor an outlet that originates most of its edges (an agency) says that one took
    from the other: they share a source the corpus does not hold, such as the same hearing or a
    wire version not collected; ``source`` and ``derived`` then carry no claim)."""

    id: str
    source: str
    derived: str
    kind: str
    score: float
    similarity: float
    direction: str
    evidence: str
    relation: str = "derived"


@dataclass(frozen=True, slots=True)
class Passage:
    """An aligned passage of a derivation: spans in the source and in the derived text."""

    id: str
    derivation: str
    source_start: int
    source_end: int
    derived_start: int
    derived_end: int
    kind: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Story:
    """Articles reporting the same real-world event."""

    id: str
    title: str
    first_published: str | None
    last_published: str | None


@dataclass(frozen=True, slots=True)
class StoryMember:
    id: str
    story: str
    article: str


# --- assess: whole corpus --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """The same claim found in several articles of a story.

    ``key`` is a short readable summary ("arrest 60 individuals, East Azarbaijan");
    ``origins`` counts independent reporting lines (articles joined by derivations collapse into
    one); ``primary_source`` is who made the statement in the first place (an official or body),
    kept apart from the reporting lines that carry it."""

    id: str
    story: str | None
    key: str
    origins: int
    primary_source: str | None


@dataclass(frozen=True, slots=True)
class ClaimGroupMember:
    """A claim in a group; ``origin`` is the earliest article of its reporting line."""

    id: str
    group: str
    claim: str
    article: str
    origin: str


@dataclass(frozen=True, slots=True)
class Conflict:
    """A typed disagreement inside a claim group: ``slot`` is number | speaker | place | time |
    characterisation | hedge; ``detail`` says it in words."""

    id: str
    group: str
    slot: str
    detail: str


@dataclass(frozen=True, slots=True)
class ConflictValue:
    """One article's value in a conflict, with its span in that article's text."""

    id: str
    conflict: str
    article: str
    value: str
    start: int | None
    end: int | None


@dataclass(frozen=True, slots=True)
class FramingName:
    """The name an article uses for an entity (its most used surface form there)."""

    id: str
    article: str
    entity: str
    alias: str
    count: int


@dataclass(frozen=True, slots=True)
class FramingSpan:
    """A loaded or propaganda passage: ``kind`` is ``loaded`` (loaded word or reporting-verb
    stance) or ``technique`` (SemEval-2020 Task 11 name in ``technique``); ``copied_from`` names
    the article it was taken from along a derivation edge, ``None`` when this article added it;
    ``confidence`` in [0, 1] how sure the detector is (the learned tagger's mean probability,
    or the measured precision of the lexicon or rule that fired), ``None`` where not measured."""

    id: str
    article: str
    kind: str
    technique: str
    start: int
    end: int
    text: str
    copied_from: str | None
    confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a fact-checker should look at: ``kind`` is e.g. internal_inconsistency,
    unattributed_figure, quote_moved, number_changed, single_origin; ``related`` is another
    article involved (the source along a derivation edge), if any."""

    id: str
    kind: str
    article: str
    detail: str
    start: int | None
    end: int | None
    related: str | None


@dataclass(frozen=True, slots=True)
class Event:
    """One real-world event across the articles of a story: event mentions merged when their
    action, count, place and time are compatible. Slots hold the earliest origin's reading;
    ``origins`` counts independent reporting lines (copies count once)."""

    id: str
    story: str | None
    action: str
    cameo: str | None
    agent: str | None
    target: str | None
    count_text: str | None
    count_low: float | None
    count_high: float | None
    time_text: str | None
    time_start: str | None
    time_end: str | None
    attributed_to: tuple[str, ...]
    hedged: bool
    origins: int


@dataclass(frozen=True, slots=True)
class EventMember:
    """An event mention that tells ``event``, with the origin (earliest article of its
    reporting line) it counts under."""

    id: str
    event: str
    mention: str
    article: str
    origin: str


@dataclass(frozen=True, slots=True)
class EventPlace:
    """A distinct place of an event, as resolved (the fields of :class:`Place`); ``position``
    orders an event's places, the most precise first."""

    id: str
    event: str
    name: str
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    precision: str | None
    geonameid: int | None
    position: int = 0


@dataclass(frozen=True, slots=True)
class EventConflict:
    """Articles telling one event differently: ``slot`` is ``count``, ``place``, ``time``,
    ``agent``, ``attribution`` or ``hedge``; ``articles`` and ``values`` are parallel."""

    id: str
    event: str
    slot: str
    detail: str
    articles: tuple[str, ...]
    values: tuple[str, ...]


RECORD_TYPES: dict[str, type] = {
    "documents": RawDocument,
    "drafts": Draft,
    "articles": Article,
    "removals": Removal,
    "rejected": Rejected,
    "sentences": Sentence,
    "mentions": Mention,
    "quantities": Quantity,
    "times": TimeExpr,
    "quotes": Quote,
    "claims": Claim,
    "places": Place,
    "event_mentions": EventMention,
    "entities": Entity,
    "entity_keys": EntityKey,
    "derivations": Derivation,
    "passages": Passage,
    "stories": Story,
    "story_members": StoryMember,
    "claim_groups": ClaimGroup,
    "claim_group_members": ClaimGroupMember,
    "conflicts": Conflict,
    "conflict_values": ConflictValue,
    "framing_names": FramingName,
    "framing_spans": FramingSpan,
    "findings": Finding,
    "events": Event,
    "event_members": EventMember,
    "event_places": EventPlace,
    "event_conflicts": EventConflict,
}


def record_table(record_type: type) -> str:
    """The store table that holds records of ``record_type``."""
    for table, cls in RECORD_TYPES.items():
        if cls is record_type:
            return table
    raise KeyError(f"{record_type.__name__} has no table")
