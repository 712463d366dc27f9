"""Claim groups with their independent origins and typed conflicts: the assess stage's core.

:func:`assess_claims` aligns the same claim across articles (``link/claims.py``), counts the
independent reporting lines behind each group (``corroboration.py``) and labels where the
articles disagree (``conflicts.py``). Everything comes in as records and goes out as records.

Singletons are dropped: a group holds claims from at least two articles. A claim only one
article makes has one origin by definition and nothing to disagree with; the findings stage
reads claims directly for what concerns one article (unattributed figures, contradictions).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence

from ..link.claims import (CLAIM_THRESHOLDS, ClaimFacts, ClaimVectors, EntityNames, align_claims,
                           claim_facts, fact_vectors)
from ..records import (Article, Claim, ClaimGroup, ClaimGroupMember, Conflict, ConflictValue,
                       Derivation, EntityKey, Mention, Quantity, Quote, TimeExpr, content_id)
from .conflicts import conflict_records, find_conflicts
from .corroboration import earliest, group_origins, primary_source, reporting_lines

__all__ = ["assess_claims", "group_key", "co_mentioned_places"]

AssessedClaim = ClaimGroup | ClaimGroupMember | Conflict | ConflictValue
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def assess_claims(*, articles: Mapping[str, Article], claims: Sequence[Claim],
                  quantities: Mapping[str, Quantity], times: Mapping[str, TimeExpr],
                  quotes: Sequence[Quote], mentions: Sequence[Mention],
                  entity_keys: Sequence[EntityKey], story_of: Mapping[str, str],
                  derivations: Sequence[Derivation], embedder: str = "wordllama",
                  threshold: float | None = None, same_outlet_one_line: bool = True,
                  lines: Mapping[str, str] | None = None,
                  entity_names: EntityNames | None = None,
                  co_mentioned: Collection[tuple[str, str]] | None = None,
                  ) -> list[AssessedClaim]:
    """Claim groups, their members (with origins) and conflicts (with one value per article).

    Output order: each group (sorted by story, key, id) followed by its members and then each
    conflict followed by its values. ``threshold`` overrides the embedder's pair threshold.

    What reaches across the whole corpus is computed from the inputs unless given: ``lines``
    (:func:`reporting_lines` of every derivation), ``entity_names`` (over every mention) and
    ``co_mentioned`` (place pairs named in one sentence somewhere); a part of the corpus
    assessed on its own gets them from the driver (``assess/partition.py``).
    """
    known = [c for c in claims if c.article in articles]
    facts = claim_facts(known, story_of=story_of, quantities=quantities, times=times,
                        quotes=quotes, mentions=mentions, entity_keys=entity_keys,
                        entity_names=entity_names)
    threshold = CLAIM_THRESHOLDS.get(embedder, 0.56) if threshold is None else threshold
    vectors = fact_vectors(facts, embedder=embedder) if len(facts) > 1 else {}
    groups = align_claims(facts, embedder=embedder, threshold=threshold, vectors=vectors)
    lines = reporting_lines(derivations) if lines is None else lines
    copies = frozenset(d.derived for d in derivations)  # never the origin while a source is there
    # among undated non-copies, a text some derivation names as source goes first (as events do)
    sources = frozenset(d.source for d in derivations)
    together = co_mentioned_places(mentions, entity_keys) if co_mentioned is None else co_mentioned

    def named_together(a: str, b: str) -> bool:
        return (min(a, b), max(a, b)) in together
    built = [_group_records(members, articles=articles, lines=lines,
                            co_mentioned=named_together, same_outlet_one_line=same_outlet_one_line,
                            vectors=vectors, threshold=threshold, copies=copies,
                            sources=sources)
             for members in groups]
    built.sort(key=lambda records: (records[0].story or "", records[0].key, records[0].id))
    return [record for records in built for record in records]


def _group_records(members: list[ClaimFacts], *, articles, lines, co_mentioned,
                   same_outlet_one_line, vectors, threshold,
                   copies=frozenset(), sources=frozenset()) -> list[AssessedClaim]:
    group_id = content_id("claim_group", *sorted(f.claim.id for f in members))
    origin_of = group_origins((f.article for f in members), lines=lines, articles=articles,
                              same_outlet_one_line=same_outlet_one_line, copies=copies,
                              sources=sources)
    representative = _representative(members, origin_of, articles, copies=copies, sources=sources)
    group = ClaimGroup(id=group_id, story=_story(members, representative),
                       key=group_key(representative), origins=len(set(origin_of.values())),
                       primary_source=primary_source(members))
    records: list[AssessedClaim] = [group]
    for fact in sorted(members, key=lambda f: (f.article, f.claim.id)):
        records.append(ClaimGroupMember(id=content_id(group_id, fact.claim.id), group=group_id,
                                        claim=fact.claim.id, article=fact.article,
                                        origin=origin_of[fact.article]))
    close = _closeness(vectors, members, threshold=threshold)
    records.extend(conflict_records(group_id, find_conflicts(members, co_mentioned=co_mentioned,
                                                             close=close)))
    return records


def _closeness(vectors: Mapping, members: list[ClaimFacts], *, threshold: float):
    """Two members tell the same thing in near the same words: their texts alone score at
    least the grouping threshold (slot bonuses and the lead-figure rule left out)."""
    rows = _dense_rows(vectors, members)
    return lambda a, b: float(rows[a.claim.id] @ rows[b.claim.id]) >= threshold


def _dense_rows(vectors: Mapping, members: list[ClaimFacts]) -> Mapping:
    """The group's rows fetched once: conflict tests compare members pairwise many times, and
    one row fetch from the sparse store costs as much as dozens of dot products."""
    if not isinstance(vectors, ClaimVectors):
        return vectors
    ids = [f.claim.id for f in members]
    block = vectors.rows([vectors.position[claim] for claim in ids])
    return dict(zip(ids, block))


def _representative(members: list[ClaimFacts], origin_of: Mapping[str, str],
                    articles: Mapping[str, Article], *, copies=frozenset(),
                    sources=frozenset()) -> ClaimFacts:
    """The claim of the earliest origin's article: what the group's key is written from."""
    first = earliest(set(origin_of.values()), articles, copies=copies, sources=sources)
    return next(f for f in members if f.article == first)


def _story(members: list[ClaimFacts], representative: ClaimFacts) -> str | None:
    """The group's story: the one most members belong to (ties: the representative's)."""
    counts = Counter(f.story for f in members if f.story is not None)
    if not counts:
        return None
    top = max(counts.values())
    if counts.get(representative.story) == top:
        return representative.story
    return min(s for s, n in counts.items() if n == top)


def group_key(fact: ClaimFacts, *, max_words: int = 10) -> str:
    """A short readable summary: action, first figure with what it counts, first place
    ("arrest 42 individuals, Korvask") when the claim counts something; otherwise its first
    words, since an action and a place alone ("decline, Orvena") read as noise."""
    claim = fact.claim
    counted = [q for q in fact.quantities if q.counted]
    if not counted:
        words = claim.text.split()
        return " ".join(words[:max_words]) + (" …" if len(words) > max_words else "")
    quantity = counted[0]
    parts = [claim.action] if claim.action else []
    parts.append(f"{quantity.text} {quantity.counted}" if quantity.unit is None else quantity.text)
    key = " ".join(parts)
    return f"{key}, {fact.places[0][1]}" if fact.places else key


def co_mentioned_places(mentions: Sequence[Mention], entity_keys: Sequence[EntityKey],
                        ) -> set[tuple[str, str]]:
    """Pairs of place entities (smaller id first) named in one sentence somewhere in the corpus."""
    entity_of = {k.key: k.entity for k in entity_keys}
    by_sentence: dict[tuple[str, int], set[str]] = defaultdict(set)
    for mention in mentions:
        if mention.label in _PLACE_LABELS:
            by_sentence[(mention.article, mention.sentence)].add(entity_of.get(mention.key,
                                                                               mention.key))
    together: set[tuple[str, str]] = set()
    for places in by_sentence.values():
        together.update((a, b) for a in places for b in places if a < b)
    return together
