"""What the assessment of one story reads, as a fingerprint: the unit an incremental run redoes.

Claim groups, events, their conflicts and findings are built inside one story; framing and most
findings inside one article. What reaches across stories is read here in full and folded into
the fingerprint of every story it reaches:

- the members' articles (text, dates, outlet, title), hence their enrichment;
- every derivation with a member on either side, with its passages and the other side's
  article (framing and findings read the source's text and figures) and the corpus entity of
  each speaker of its quotes (``quote_moved`` compares them with the members' quotes);
- each member's reporting line (a connected component of the whole derivation graph) and
  whether some derivation names it as derived or as source (origins, earliest article);
- the corpus entity of every mention key the members use; the name and label the corpus uses
  most for it only where a claim may read them, for a speaker: the speaker keys of the members'
  claims and quotes and the keys of their PERSON and ORG mentions (a place's or a date's corpus
  name is read by nothing a story writes, and counting it would redo stories whenever another
  article tips a name);
- the pairs of the story's places that some article anywhere names in one sentence (a place
  conflict is not one when the two places are named together elsewhere), for the places the
  members' claims name (claim places are the only places compared that way).

Two runs give a story the same fingerprint only when all of that is the same, so the records
kept for it are those a batch run would write.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..link.claims import EntityNames, _Resolver  # the corpus names and labels claim facts use
from ..link.state import record_key, record_values
from ..records import Article, Derivation, EntityKey, Mention, Passage, content_id
from .claims import co_mentioned_places
from .corroboration import reporting_lines

__all__ = ["story_fingerprints", "claim_reads", "co_mentioned_places", "CorpusReach", "SCOPE_VERSION"]

# Changes when what the fingerprint covers changes: stores written before redo every story.
SCOPE_VERSION = "3"
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_SPEAKER_LABELS = frozenset({"PERSON", "ORG"})  # the mentions a claim may take its speaker from


def story_fingerprints(*, articles: Mapping[str, Article], story_of: Mapping[str, str],
                       derivations: Sequence[Derivation], passages: Sequence[Passage],
                       mentions: Sequence[Mention], entity_keys: Sequence[EntityKey],
                       settings_key: str, reach: "CorpusReach | None" = None,
                       speakers: Mapping[str, Collection[str]] | None = None,
                       claim_places: Mapping[str, Collection[str]] | None = None,
                       quote_speakers: Mapping[str, Collection[str]] | None = None) -> dict[str, str]:
    """Story id -> a fingerprint of everything its assessment reads (see the module notes).

    ``reach`` holds what crosses stories, computed over the whole corpus, when the inputs are
    only the stories of ``story_of`` with the articles, derivations, passages and mentions they
    touch; without it that is computed from the inputs, which must then be the whole corpus.
    ``speakers`` and ``claim_places`` map each member to the speaker keys of its claims and
    quotes and to the place names its claims give (:func:`claim_reads`); without them every
    mention key's name and label and every place count. ``quote_speakers`` maps each article
    on a side of the derivations to the speaker keys of its quotes (``quote_moved`` compares a
    member's quotes with the other side's voices); without it they are read from nothing, and
    the inputs' mentions and entity keys stand for them."""
    article_key = {i: record_key(a) for i, a in articles.items()}
    if reach is None:
        reach = CorpusReach.of(derivations=derivations, mentions=mentions,
                               entity_keys=entity_keys)
    lines, copies, sources = reach.lines, reach.copies, reach.sources
    spans: dict[str, list[tuple]] = defaultdict(list)
    for p in passages:
        spans[p.derivation].append(record_values(p))
    entity_of = {k.key: k.entity for k in entity_keys}
    voices = {article: ",".join(sorted(f"{key}|{entity_of.get(key, key)}" for key in keys))
              for article, keys in (quote_speakers or {}).items()}
    edges: dict[str, list[str]] = defaultdict(list)
    for d in derivations:
        other = {d.source: d.derived, d.derived: d.source}
        edge = content_id(*record_values(d), *sorted(spans.get(d.id, ())),
                          article_key.get(d.source), article_key.get(d.derived))
        for side in (d.source, d.derived):
            edges[side].append(edge + ":" + other[side] + ":" + voices.get(other[side], ""))
    names = _entity_names(mentions, entity_keys, reach.entity_names)
    keys, places = _article_keys(mentions, names, speakers, claim_places)
    partners: dict[str, set[str]] = defaultdict(set)
    for a, b in reach.co_mentioned:
        partners[a].add(b)
    members: dict[str, list[str]] = defaultdict(list)
    for article in sorted(story_of):
        members[story_of[article]].append(article)
    found = {}
    for story, ids in members.items():
        story_places = set().union(*(places.get(i, set()) for i in ids))
        parts = [settings_key, SCOPE_VERSION]
        for i in ids:
            parts += [i, article_key.get(i), lines.get(i, i), i in copies, i in sources,
                      *sorted(edges.get(i, ())), *sorted(keys.get(i, ()))]
        parts += sorted(f"{a}|{b}" for a in story_places for b in partners.get(a, ()) if b in story_places)
        found[story] = content_id(*parts)
    return found


@dataclass(frozen=True)
class CorpusReach:
    """What a story's assessment reads of the whole corpus beyond its own articles and their
    derivations: each article's reporting line, which articles some derivation names as derived
    (``copies``) or as source (``sources``), each entity's corpus name and label, and the place
    pairs some sentence names together. Held by the driver; a batch of stories gets the part
    its articles and entities use (:meth:`part`)."""

    lines: Mapping[str, str]
    copies: frozenset[str]
    sources: frozenset[str]
    entity_names: EntityNames
    co_mentioned: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, *, derivations: Sequence[Derivation], mentions: Sequence[Mention],
           entity_keys: Sequence[EntityKey]) -> "CorpusReach":
        """Computed from the whole corpus's records."""
        resolver = _Resolver(mentions, entity_keys)
        return cls(reporting_lines(derivations), frozenset(d.derived for d in derivations),
                   frozenset(d.source for d in derivations),
                   EntityNames(resolver.names, resolver.labels),
                   frozenset(co_mentioned_places(mentions, entity_keys)))

    def part(self, articles: Collection[str], entities: Collection[str | None]) -> "CorpusReach":
        """The part that concerns ``articles`` and ``entities`` (what a batch ships)."""
        entities = set(entities)
        names = self.entity_names
        return CorpusReach(
            {a: self.lines[a] for a in articles if a in self.lines},
            self.copies & frozenset(articles), self.sources & frozenset(articles),
            EntityNames({e: names.names[e] for e in entities if e in names.names},
                        {e: names.labels[e] for e in entities if e in names.labels}),
            frozenset((a, b) for a in entities for b in self._partners.get(a, ()) if b in entities))

    @functools.cached_property
    def _partners(self) -> dict[str, list[str]]:
        """Place -> the places after it that some sentence names with it (an index, so that a
        part costs its own entities, not the corpus's pairs)."""
        partners: dict[str, list[str]] = defaultdict(list)
        for a, b in self.co_mentioned:
            partners[a].append(b)
        return partners


def _entity_names(mentions: Sequence[Mention], entity_keys: Sequence[EntityKey],
                  entity_names: EntityNames | None = None):
    resolver = _Resolver(mentions, entity_keys, entity_names)
    return lambda key: (resolver.entity(key), resolver.names.get(resolver.entity(key)),
                        resolver.label_of(key))


def _article_keys(mentions: Sequence[Mention], names, speakers: Mapping[str, Collection[str]] | None = None,
                  claim_places: Mapping[str, Collection[str]] | None = None,
                  ) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Article -> its mention keys with their entity (and, where a claim may read them, corpus
    name and label); article -> the place entities its claims may compare."""
    keys: dict[str, set[str]] = defaultdict(set)
    places: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        entity, name, label = names(m.key)
        spoken = speakers is None or m.label in _SPEAKER_LABELS or m.key in speakers.get(m.article, ())
        keys[m.article].add(f"{m.key}|{entity}|{name}|{label}" if spoken else f"{m.key}|{entity}")
        if m.label in _PLACE_LABELS and (claim_places is None or m.name in claim_places.get(m.article, ())):
            places[m.article].add(entity or m.key)
    for article, spoken in (speakers or {}).items():
        for key in spoken:  # a claim's speaker key that no mention of the article carries
            keys[article].add("speaker|{}|{}|{}|{}".format(key, *names(key)))
    for article, named in (claim_places or {}).items():
        places[article].update(name.lower() for name in named)  # a place no mention resolves
    return keys, places


def claim_reads(claims: Iterable, quotes: Iterable) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Article -> the speaker keys of its claims and quotes; article -> the place names of its
    claims (what :func:`story_fingerprints` narrows the corpus-wide values to)."""
    speakers: dict[str, set[str]] = defaultdict(set)
    places: dict[str, set[str]] = defaultdict(set)
    claims = list(claims)
    for record in (*claims, *quotes):
        if record.speaker_key:
            speakers[record.article].add(record.speaker_key)
    for claim in claims:
        places[claim.article].update(claim.places)
    return speakers, places
