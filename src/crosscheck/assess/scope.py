"""What the assessment of one story reads, as a fingerprint: the unit an incremental run redoes.

Claim groups, events, their conflicts and findings are built inside one story; framing and most
findings inside one article. What reaches across stories is read here in full and folded into
the fingerprint of every story it reaches:

- the members' articles (text, dates, outlet, title), hence their enrichment;
- every derivation with a member on either side, with its passages and the other side's
  article (framing and findings read the source's text and figures);
- each member's reporting line (a connected component of the whole derivation graph) and
  whether some derivation names it as derived or as source (origins, earliest article);
- the corpus entity of every mention key the members use, with the name and label the corpus
  uses most for it (speakers and places of claims);
- the pairs of the story's places that some article anywhere names in one sentence (a place
  conflict is not one when the two places are named together elsewhere).

Two runs give a story the same fingerprint only when all of that is the same, so the records
kept for it are those a batch run would write. ``moved_quotes`` is the one finding that groups
quotes across the whole corpus (greedily, in article order); it is recomputed in full.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from ..link.claims import _Resolver  # the corpus names and labels claim facts use
from ..link.state import record_key, record_values
from ..records import Article, Derivation, EntityKey, Mention, Passage, content_id
from .corroboration import reporting_lines

__all__ = ["story_fingerprints", "co_mentioned_places", "SCOPE_VERSION"]

# Changes when what the fingerprint covers changes: stores written before redo every story.
SCOPE_VERSION = "1"
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def story_fingerprints(*, articles: Mapping[str, Article], story_of: Mapping[str, str],
                       derivations: Sequence[Derivation], passages: Sequence[Passage],
                       mentions: Sequence[Mention], entity_keys: Sequence[EntityKey],
                       settings_key: str) -> dict[str, str]:
    """Story id -> a fingerprint of everything its assessment reads (see the module notes)."""
    article_key = {i: record_key(a) for i, a in articles.items()}
    lines = reporting_lines(derivations)
    copies = {d.derived for d in derivations}
    sources = {d.source for d in derivations}
    spans: dict[str, list[tuple]] = defaultdict(list)
    for p in passages:
        spans[p.derivation].append(record_values(p))
    edges: dict[str, list[str]] = defaultdict(list)
    for d in derivations:
        other = {d.source: d.derived, d.derived: d.source}
        edge = content_id(*record_values(d), *sorted(spans.get(d.id, ())),
                          article_key.get(d.source), article_key.get(d.derived))
        for side in (d.source, d.derived):
            edges[side].append(edge + ":" + other[side])
    names = _entity_names(mentions, entity_keys)
    keys, places = _article_keys(mentions, names)
    partners: dict[str, set[str]] = defaultdict(set)
    for a, b in co_mentioned_places(mentions, entity_keys):
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


def co_mentioned_places(mentions: Sequence[Mention], entity_keys: Sequence[EntityKey],
                        ) -> set[tuple[str, str]]:
    """Pairs of place entities named in one sentence somewhere in the corpus."""
    entity_of = {k.key: k.entity for k in entity_keys}
    by_sentence: dict[tuple[str, int], set[str]] = defaultdict(set)
    for m in mentions:
        if m.label in _PLACE_LABELS:
            by_sentence[(m.article, m.sentence)].add(entity_of.get(m.key, m.key))
    return {(a, b) for found in by_sentence.values() for a in found for b in found if a < b}


def _entity_names(mentions: Sequence[Mention], entity_keys: Sequence[EntityKey]):
    resolver = _Resolver(mentions, entity_keys)
    return lambda key: (resolver.entity(key), resolver.names.get(resolver.entity(key)),
                        resolver.label_of(key))


def _article_keys(mentions: Sequence[Mention], names) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Article -> its mention keys with their entity, corpus name and label; article -> the
    place entities it names."""
    keys: dict[str, set[str]] = defaultdict(set)
    places: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        entity, name, label = names(m.key)
        keys[m.article].add(f"{m.key}|{entity}|{name}|{label}")
        if m.label in _PLACE_LABELS:
            places[m.article].add(entity or m.key)
    return keys, places
