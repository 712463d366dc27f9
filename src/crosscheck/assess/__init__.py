"""The assess stage: claim groups with independent origins and typed conflicts, framing per
article, and findings for a fact-checker.

A corpus stage over the store: it reads the enrich and link stages' records, writes its own
tables in one transaction and leaves a completion marker, so a re-run on the same corpus is a
no-op. The work is done story by story: each story's inputs have a fingerprint
(``assess/scope.py``), kept in the store with the records, and a run redoes only the stories
whose fingerprint changed (new articles, new or changed derivations, entities renamed) and
leaves the others' records in place; the result is the one a batch run would write. The work itself lives in ``assess/claims.py`` (groups, origins, conflicts),
``assess/framing.py`` (names, loaded language, propaganda cues), ``assess/findings.py`` and
``assess/events.py`` (events across articles, with origins and conflicts).
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

from ..records import (Article, Claim, ClaimGroup, ClaimGroupMember, Derivation, EntityKey,
                       Event, EventMember, EventMention, Mention, Passage, Place, Quantity, Quote,
                       StoryMember, TimeExpr, content_id)
from .. import __version__
from ..engine import Engine
from ..settings import Settings
from ..store import Store

__all__ = ["ASSESS_TABLES", "run_assess"]

ASSESS_TABLES = ("claim_groups", "claim_group_members", "conflicts", "conflict_values",
                 "framing_names", "framing_spans", "findings", "events", "event_members",
                 "event_places", "event_conflicts")


def run_assess(*, store: Store, settings: Settings, note: Callable[[str, int], None],
               engine: Engine | None = None) -> None:
    fingerprint = _fingerprint(store, settings)
    if store.marker("assess") == fingerprint:
        return
    corpus = _Corpus(store)
    scopes = _scopes(corpus, settings)
    before = _kept_scopes(store)
    redo = _articles_to_redo(corpus, scopes, before)
    records = _assess(corpus, redo, settings=settings, engine=engine)
    with store.transaction():
        _delete(store, redo if before is not None and scopes is not None else None)
        store.write(records)
        _save_scopes(store, corpus, scopes)
        store.set_marker("assess", fingerprint)
    note("assess", len(redo))


def _assess(corpus: "_Corpus", redo: set[str], *, settings: Settings,
            engine: Engine | None) -> list[object]:
    """The records of the articles in ``redo`` (whole stories), and the corpus-wide
    ``quote_moved`` findings; a batch run is the case where ``redo`` holds every article."""
    from .claims import assess_claims
    from .events import assess_events, event_findings
    from .findings import find_findings, moved_quotes
    from .framing import assess_framing

    # What the redone articles read of others: the far side of their derivations.
    near = set(redo)
    for d in corpus.derivations:
        if d.source in redo or d.derived in redo:
            near.update((d.source, d.derived))
    corpus.load_articles(near)
    articles = {i: a for i, a in corpus.articles.items() if i in near}
    claims = [c for c in corpus.claims if c.article in redo]
    quotes = [q for q in corpus.quotes if q.article in redo]
    grouped = assess_claims(
        articles=articles, claims=claims, quantities=corpus.quantities,
        times=corpus.times, quotes=quotes, mentions=corpus.mentions,
        entity_keys=corpus.entity_keys, story_of=corpus.story_of,
        derivations=corpus.derivations, embedder=settings.embedder)
    grouped = _inside(grouped, redo)
    framing = assess_framing(
        articles=articles, mentions=corpus.mentions, entity_keys=corpus.entity_keys,
        quotes=corpus.quotes, derivations=corpus.derivations, passages=corpus.passages,
        map_batches=engine.map_batches if engine is not None else None, only=redo,
        technique_tagger=settings.technique_tagger)
    findings = find_findings(
        articles=articles, claims=claims, quantities=corpus.quantities,
        times=corpus.times, quotes=(), derivations=corpus.derivations,
        passages=corpus.passages,
        claim_groups=[r for r in grouped if isinstance(r, ClaimGroup)],
        members=[r for r in grouped if isinstance(r, ClaimGroupMember)],
        mentions=corpus.mentions, entity_keys=corpus.entity_keys)
    events = assess_events(
        articles=articles, mentions=[m for m in corpus.event_mentions if m.article in redo],
        quantities=corpus.quantities, times=corpus.times, places=corpus.places,
        story_of=corpus.story_of, derivations=corpus.derivations, passages=corpus.passages)
    events = _inside(events, redo)
    findings += event_findings(events, articles=articles,
                               mentions={m.id: m for m in corpus.event_mentions},
                               quantities=corpus.quantities, derivations=corpus.derivations)
    findings = [f for f in findings if f.article in redo]
    # Quotes are grouped across the whole corpus in one greedy pass: always redone in full.
    findings += moved_quotes(corpus.articles, corpus.quotes, corpus.derivations,
                             mentions=corpus.mentions, entity_keys=corpus.entity_keys)
    unique = {f.id: f for f in findings}
    findings = sorted(unique.values(), key=lambda f: (f.article, f.start or -1, f.kind, f.id))
    return [*grouped, *framing, *findings, *events]


def _inside(records: list, redo: set[str]) -> list:
    """The records of groups (claim groups, events: each comes first, followed by its own
    records) whose every member article is redone; a group of another story, built from the
    far side of a derivation alone, is dropped."""
    owner, current = [], None
    for record in records:
        if isinstance(record, (ClaimGroup, Event)):
            current = record.id
        owner.append(current)
    outside = {o for o, r in zip(owner, records)
               if isinstance(r, (ClaimGroupMember, EventMember)) and r.article not in redo}
    return [r for o, r in zip(owner, records) if o not in outside]


def _scopes(corpus: "_Corpus", settings: Settings) -> dict[str, str] | None:
    """Story -> fingerprint of its inputs; ``None`` when some article has no story (claims
    outside stories may group across them, so everything is redone)."""
    from .scope import story_fingerprints

    if any(i not in corpus.story_of for i in corpus.articles):
        return None
    return story_fingerprints(
        articles=corpus.articles, story_of=corpus.story_of, derivations=corpus.derivations,
        passages=corpus.passages, mentions=corpus.mentions, entity_keys=corpus.entity_keys,
        settings_key=_settings_key(settings))


def _kept_scopes(store: Store) -> dict[str, tuple[str, str]] | None:
    """Article -> (story, fingerprint) the stored assessment was written for; ``None`` when
    the store holds none (a new store, or one written before assessment by story)."""
    store.con.execute(_SCOPE_TABLE)
    rows = store.con.execute("SELECT article, story, fingerprint FROM assess_scopes").fetchall()
    return {article: (story, fp) for article, story, fp in rows} or None


def _articles_to_redo(corpus: "_Corpus", scopes: dict[str, str] | None,
                      before: dict[str, tuple[str, str]] | None) -> set[str]:
    """Members of the stories whose fingerprint is new, and articles gone from the corpus."""
    if scopes is None or before is None:
        return set(corpus.articles) | set(before or ())
    redo = {a for a in corpus.articles if before.get(a) != (corpus.story_of[a], scopes[corpus.story_of[a]])}
    stale = {story for a, (story, _) in before.items()
             if a not in corpus.articles or before[a][1] != scopes.get(story)}
    redo |= {a for a, (story, _) in before.items() if story in stale}
    stories = {corpus.story_of[a] for a in redo if a in corpus.story_of}
    return redo | {a for a, s in corpus.story_of.items() if s in stories}


def _delete(store: Store, redo: set[str] | None) -> None:
    """Remove the records of the redone articles (all of them when ``redo`` is ``None``)."""
    if redo is None:
        for table in ASSESS_TABLES:
            store.con.execute(f"DELETE FROM {table}")
        return
    ids = sorted(redo)
    store.con.execute("CREATE OR REPLACE TEMP TABLE _redo AS SELECT unnest(?::VARCHAR[]) AS article", [ids])
    groups = 'SELECT DISTINCT "group" FROM claim_group_members WHERE article IN (SELECT article FROM _redo)'
    events = "SELECT DISTINCT event FROM event_members WHERE article IN (SELECT article FROM _redo)"
    statements = [
        f"DELETE FROM conflict_values WHERE conflict IN (SELECT id FROM conflicts WHERE \"group\" IN ({groups}))",
        f'DELETE FROM conflicts WHERE "group" IN ({groups})',
        f"DELETE FROM claim_groups WHERE id IN ({groups})",
        f"DELETE FROM event_places WHERE event IN ({events})",
        f"DELETE FROM event_conflicts WHERE event IN ({events})",
        f"DELETE FROM events WHERE id IN ({events})",
        # members last: the statements above find their groups and events through them
        "DELETE FROM claim_group_members WHERE article IN (SELECT article FROM _redo)",
        "DELETE FROM event_members WHERE article IN (SELECT article FROM _redo)",
        "DELETE FROM framing_names WHERE article IN (SELECT article FROM _redo)",
        "DELETE FROM framing_spans WHERE article IN (SELECT article FROM _redo)",
        "DELETE FROM findings WHERE article IN (SELECT article FROM _redo) OR kind = 'quote_moved'",
    ]
    for statement in statements:
        store.con.execute(statement)
    store.con.execute("DROP TABLE _redo")


_SCOPE_TABLE = ("CREATE TABLE IF NOT EXISTS assess_scopes (article VARCHAR PRIMARY KEY, "
                "story VARCHAR, fingerprint VARCHAR)")


def _save_scopes(store: Store, corpus: "_Corpus", scopes: dict[str, str] | None) -> None:
    store.con.execute("DELETE FROM assess_scopes")
    if scopes is None:
        return
    rows = sorted((a, s, scopes[s]) for a, s in corpus.story_of.items() if a in corpus.articles)
    table = pa.table({name: [r[i] for r in rows] for i, name in enumerate(("article", "story", "fingerprint"))},
                     schema=pa.schema([(n, pa.string()) for n in ("article", "story", "fingerprint")]))
    store.con.register("_scopes", table)
    try:
        store.con.execute("INSERT INTO assess_scopes SELECT * FROM _scopes")
    finally:
        store.con.unregister("_scopes")


class _Corpus:
    """Everything the assessment reads, loaded from the store: what reaches across stories
    (articles, quotes, mentions, derivations) at once, the rest per article on demand
    (:meth:`load_articles`), so that a run redoing a few stories reads only theirs."""

    def __init__(self, store: Store):
        self._store = store
        self.articles = {a.id: a for a in store.iter_records(Article)}
        self.quotes = list(store.iter_records(Quote, order_by="article, start, id"))
        self.mentions = list(store.iter_records(Mention, order_by="article, start, id"))
        self.entity_keys = list(store.iter_records(EntityKey, order_by="key"))
        self.story_of = {m.article: m.story for m in store.iter_records(StoryMember)}
        self.derivations = list(store.iter_records(Derivation, order_by="source, derived"))
        self.passages = list(store.iter_records(Passage, order_by="derivation, derived_start, id"))

    def load_articles(self, ids: set[str]) -> None:
        """Claims, quantities, times, event mentions and places of the articles ``ids`` (all
        of them when ``ids`` holds every article)."""
        every = ids >= set(self.articles)
        where = "true" if every else "article IN (SELECT unnest(?::VARCHAR[]))"
        params = None if every else [sorted(ids)]

        def read(record_type, order_by="id"):
            return self._store.iter_records(record_type, where=where, params=params, order_by=order_by)

        self.claims = list(read(Claim, "article, start, id"))
        self.quantities = {q.id: q for q in read(Quantity)}
        self.times = {t.id: t for t in read(TimeExpr)}
        self.event_mentions = list(read(EventMention, "article, start, id"))
        self.places = {p.id: p for p in read(Place)}


def _fingerprint(store: Store, settings: Settings) -> str:
    link = store.marker("link") or ""
    return content_id("assess", link, *_settings_that_count(settings))


def _settings_key(settings: Settings) -> str:
    """What every story's assessment depends on besides its inputs: a story assessed under
    other settings (another embedder, another technique tagger) is redone."""
    return content_id(__version__, *_settings_that_count(settings))


def _settings_that_count(settings: Settings) -> tuple[str, ...]:
    from .propaganda import technique_model

    if technique_model(settings.technique_tagger) is True:  # hashed: as before the setting
        return (settings.embedder,)
    return (settings.embedder, settings.technique_tagger)
