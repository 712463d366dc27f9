"""The assess stage: claim groups with independent origins and typed conflicts, framing per
article, and findings for a fact-checker.

A corpus stage over the store: it reads the enrich and link stages' records, replaces its own
tables in one transaction and leaves a completion marker, so a re-run on the same corpus is a
no-op. The work itself lives in ``assess/claims.py`` (groups, origins, conflicts),
``assess/framing.py`` (names, loaded language, propaganda cues), ``assess/findings.py`` and
``assess/events.py`` (events across articles, with origins and conflicts).
"""

from __future__ import annotations

from collections.abc import Callable

from ..records import (Article, Claim, ClaimGroup, ClaimGroupMember, Derivation, EntityKey,
                       EventMention, Mention, Passage, Place, Quantity, Quote, StoryMember,
                       TimeExpr, content_id)
from ..engine import Engine
from ..settings import Settings
from ..store import Store

__all__ = ["ASSESS_TABLES", "run_assess"]

ASSESS_TABLES = ("claim_groups", "claim_group_members", "conflicts", "conflict_values",
                 "framing_names", "framing_spans", "findings", "events", "event_members",
                 "event_places", "event_conflicts")


def run_assess(*, store: Store, settings: Settings, note: Callable[[str, int], None],
               engine: Engine | None = None) -> None:
    from .claims import assess_claims
    from .events import assess_events, event_findings
    from .findings import find_findings
    from .framing import assess_framing

    fingerprint = _fingerprint(store, settings)
    if store.marker("assess") == fingerprint:
        return
    corpus = _Corpus(store)
    grouped = assess_claims(
        articles=corpus.articles, claims=corpus.claims, quantities=corpus.quantities,
        times=corpus.times, quotes=corpus.quotes, mentions=corpus.mentions,
        entity_keys=corpus.entity_keys, story_of=corpus.story_of,
        derivations=corpus.derivations, embedder=settings.embedder)
    framing = assess_framing(
        articles=corpus.articles, mentions=corpus.mentions, entity_keys=corpus.entity_keys,
        quotes=corpus.quotes, derivations=corpus.derivations, passages=corpus.passages,
        map_batches=engine.map_batches if engine is not None else None,
        technique_tagger=settings.technique_tagger)
    findings = find_findings(
        articles=corpus.articles, claims=corpus.claims, quantities=corpus.quantities,
        times=corpus.times, quotes=corpus.quotes, derivations=corpus.derivations,
        passages=corpus.passages,
        claim_groups=[r for r in grouped if isinstance(r, ClaimGroup)],
        members=[r for r in grouped if isinstance(r, ClaimGroupMember)],
        mentions=corpus.mentions, entity_keys=corpus.entity_keys)
    events = assess_events(
        articles=corpus.articles, mentions=corpus.event_mentions, quantities=corpus.quantities,
        times=corpus.times, places=corpus.places, story_of=corpus.story_of,
        derivations=corpus.derivations)
    findings += event_findings(events, articles=corpus.articles,
                               mentions={m.id: m for m in corpus.event_mentions},
                               quantities=corpus.quantities, derivations=corpus.derivations)
    with store.transaction():
        for table in ASSESS_TABLES:
            store.con.execute(f"DELETE FROM {table}")
        store.write([*grouped, *framing, *findings, *events])
        store.set_marker("assess", fingerprint)
    note("assess", len(corpus.articles))


class _Corpus:
    """Everything the assessment reads, loaded once from the store."""

    def __init__(self, store: Store):
        self.articles = {a.id: a for a in store.iter_records(Article)}
        self.claims = list(store.iter_records(Claim, order_by="article, start, id"))
        self.quantities = {q.id: q for q in store.iter_records(Quantity)}
        self.times = {t.id: t for t in store.iter_records(TimeExpr)}
        self.quotes = list(store.iter_records(Quote, order_by="article, start, id"))
        self.mentions = list(store.iter_records(Mention, order_by="article, start, id"))
        self.entity_keys = list(store.iter_records(EntityKey, order_by="key"))
        self.story_of = {m.article: m.story for m in store.iter_records(StoryMember)}
        self.derivations = list(store.iter_records(Derivation, order_by="source, derived"))
        self.passages = list(store.iter_records(Passage, order_by="derivation, derived_start, id"))
        self.event_mentions = list(store.iter_records(EventMention, order_by="article, start, id"))
        self.places = {p.id: p for p in store.iter_records(Place)}


def _fingerprint(store: Store, settings: Settings) -> str:
    link = store.marker("link") or ""
    from .propaganda import technique_model

    if technique_model(settings.technique_tagger) is True:  # hashed: as before the setting
        return content_id("assess", link, settings.embedder)
    return content_id("assess", link, settings.embedder, settings.technique_tagger)
