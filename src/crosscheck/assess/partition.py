"""The assessment partitioned by story: batches of whole stories, each assessed by one task.

Claim groups, events, their conflicts and findings never cross a story (when every article has
one), and framing and most findings stay inside one article, so the stories to assess are cut
into batches (stories in id order, about :data:`STORY_BATCH_ARTICLES` articles each, a story
never split) and each batch is handed to the engine as a :class:`StoryBatch`: the records of
its own articles and of the far side of their derivations, read from the store for that batch
alone, plus the part of :class:`~.scope.CorpusReach` they use (reporting lines over the whole
derivation graph, corpus names of entities, places some sentence names together), which the
driver computes once from the store without holding article texts or mentions.

A task returns its stories' records; the driver writes them (and fingerprints the stories in
DuckDB, ``scope.py``). Nothing is
computed over the whole corpus: ``moved_quotes`` (the same quoted words given to another
speaker) groups the quotes of one story and of the far sides of its derivations, the only
articles its members could have taken words from or given them to
(:func:`moved_quotes_by_story`).
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


from ..link.claims import EntityNames
from ..records import (Article, Claim, ClaimGroup, ClaimGroupMember, Derivation, EntityKey,
                       Event, EventMember, EventMention, Finding, FramingSpan, Mention, Passage, Place,
                       Quantity, Quote, StoryMember, TimeExpr)
from ..store import Store
from .corroboration import reporting_lines
from .scope import CorpusReach
from .span_cache import read_spans, span_key

__all__ = ["STORY_BATCH_ARTICLES", "StoryBatch", "CorpusIndex", "story_batches",
           "assess_story_batches", "assess_stories",
           "moved_quotes_by_story"]

# Articles per batch: large enough that a task's fixed costs (a worker's first model load,
# pickling) are small beside its work, small enough that a batch's texts fit any worker.
STORY_BATCH_ARTICLES = 256
_PLACE_LABELS = ("GPE", "LOC", "FAC")
_IN = "{column} IN (SELECT unnest(?::VARCHAR[]))"


@dataclass(frozen=True)
class StoryBatch:
    """Everything the assessment of some whole stories reads: ``redo`` their articles,
    ``articles`` those and the far sides of their derivations (with their quantities, times,
    places and event mentions), ``claims``, ``quotes`` and ``mentions`` of ``redo`` alone."""

    redo: frozenset[str]
    articles: dict[str, Article]
    story_of: dict[str, str]
    claims: list[Claim]
    quotes: list[Quote]
    mentions: list[Mention]
    entity_keys: list[EntityKey]
    derivations: list[Derivation]
    passages: list[Passage]
    quantities: dict[str, Quantity]
    times: dict[str, TimeExpr]
    places: dict[str, Place]
    event_mentions: list[EventMention]
    reach: CorpusReach
    settings_key: str
    embedder: str
    technique_tagger: str
    scoped: bool  # every article has a story: fingerprints are kept
    # redo article -> the key its loaded spans are kept under / its kept spans where the key
    # is the same (``span_cache.py``): those articles are not tagged again
    span_keys: dict[str, str] = field(default_factory=dict)
    known_spans: dict[str, list[FramingSpan]] = field(default_factory=dict)
    # article of ``articles`` -> the speaker keys of its quotes (what a member's quote may be
    # compared with along a derivation); the far sides of the derivations (articles of other
    # stories or of none): their quotes and the mentions naming their speakers and places
    quote_speakers: dict[str, set[str]] = field(default_factory=dict)
    far_quotes: list[Quote] = field(default_factory=list)
    far_mentions: list[Mention] = field(default_factory=list)


class CorpusIndex:
    """What the driver holds of the whole corpus: article ids, stories, derivations (edges, no
    text) and :class:`CorpusReach`; mentions and entity keys are aggregated inside DuckDB."""

    def __init__(self, store: Store):
        self.article_ids = store.ids(Article)
        self.story_of = {m.article: m.story for m in store.iter_records(StoryMember)}
        self.derivations = list(store.iter_records(Derivation, order_by="source, derived"))
        self.touching: dict[str, list[int]] = defaultdict(list)
        for position, d in enumerate(self.derivations):
            self.touching[d.source].append(position)
            if d.derived != d.source:
                self.touching[d.derived].append(position)
        self.entity_of = {key: entity for key, entity in store.con.execute(
            "SELECT key, entity FROM entity_keys ORDER BY key").fetchall()}
        self.reach = CorpusReach(
            reporting_lines(self.derivations), frozenset(d.derived for d in self.derivations),
            frozenset(d.source for d in self.derivations), self._entity_names(store),
            frozenset(self._co_mentioned(store)))

    @functools.cached_property
    def scoped(self) -> bool:
        """Every article has a story (else claims may group across stories: one batch). Asked
        once per batch; the index does not change once built."""
        return all(i in self.story_of for i in self.article_ids)

    def derivations_of(self, articles: Iterable[str]) -> list[Derivation]:
        """Derivations with a side among ``articles``, in the corpus order (source, derived)."""
        positions = sorted({p for a in articles for p in self.touching.get(a, ())})
        return [self.derivations[p] for p in positions]

    def _entity_names(self, store: Store) -> EntityNames:
        """Each entity's most used name and label over every mention, counted in DuckDB."""
        names: dict[str, Counter] = defaultdict(Counter)
        labels: dict[str, Counter] = defaultdict(Counter)
        rows = store.con.execute("SELECT key, name, label, count(*) FROM mentions "
                                 "GROUP BY key, name, label ORDER BY key, name, label")
        while chunk := rows.fetchmany(4096):
            for key, name, label, n in chunk:
                entity = self.entity_of.get(key, key)
                names[entity][name] += n
                labels[entity][label] += n
        return EntityNames.from_counts(names, labels)

    @staticmethod
    def _co_mentioned(store: Store) -> list[tuple[str, str]]:
        """Place entity pairs (smaller first) named in one sentence, joined inside DuckDB."""
        labels = ", ".join(f"'{label}'" for label in _PLACE_LABELS)
        return [tuple(row) for row in store.con.execute(f"""
            WITH p AS (SELECT DISTINCT m.article, m.sentence, coalesce(k.entity, m.key) AS place
                       FROM mentions m LEFT JOIN entity_keys k ON k.key = m.key
                       WHERE m.label IN ({labels}))
            SELECT DISTINCT a.place, b.place FROM p a JOIN p b
              ON a.article = b.article AND a.sentence = b.sentence AND a.place < b.place
            ORDER BY 1, 2""").fetchall()]


def story_batches(store: Store, corpus: CorpusIndex, redo: set[str], *, settings_key: str,
                  embedder: str, technique_tagger: str,
                  size: int | None = None) -> Iterator[list[StoryBatch]]:
    """The stories of ``redo`` in batches of about ``size`` articles (default
    :data:`STORY_BATCH_ARTICLES`; stories in id order), each read from the store when the engine
    asks for it."""
    options = {"settings_key": settings_key, "embedder": embedder, "technique_tagger": technique_tagger}
    for members in _batch_members(corpus, redo, size or STORY_BATCH_ARTICLES):
        yield [_read_batch(_BatchReads(store), corpus, members, **options)]


def _batch_members(corpus: CorpusIndex, redo: set[str], size: int) -> Iterator[list[str]]:
    present = sorted(a for a in redo if a in corpus.article_ids)
    if not corpus.scoped:  # claims may group across stories: everything in one batch
        if present:
            yield present
        return
    stories: dict[str, list[str]] = defaultdict(list)
    for article in present:
        stories[corpus.story_of[article]].append(article)
    batch: list[str] = []
    for story in sorted(stories):
        batch.extend(stories[story])
        if len(batch) >= size:
            yield sorted(batch)
            batch = []
    if batch:
        yield sorted(batch)


def _reach_of(corpus: CorpusIndex, members: list[str]) -> tuple[list[str], list[Derivation]]:
    """The articles a batch reads (its members and the far sides of their derivations) and
    the derivations of those: the far sides' own derivations too, since whether an article is
    some derivation's copy or source orders it among the earliest (events, origins)."""
    derivations = corpus.derivations_of(members)
    near = sorted(set(members).union(*((d.source, d.derived) for d in derivations)))
    return near, corpus.derivations_of(near)


def _read_batch(reads: "_BatchReads", corpus: CorpusIndex, members: list[str], *, settings_key: str,
                embedder: str, technique_tagger: str) -> StoryBatch:
    near, derivations = _reach_of(corpus, members)
    mentions = reads.mentions(members)
    claims = reads.records(Claim, "article", members, "article, start, id")
    quotes = reads.records(Quote, "article", members, "article, start, id")
    far = sorted(set(near) - set(members))
    quote_speakers = reads.quote_speakers(near)
    far_quotes = reads.records(Quote, "article", far, "article, start, id", wanted=bool(far))
    labels = ", ".join(f"'{label}'" for label in _PLACE_LABELS)
    far_mentions = reads.records(Mention, "article", far, "article, start, id",
                                 also=f"(label IN ({labels}) OR EXISTS (SELECT 1 FROM quotes q "
                                 "WHERE q.article = mentions.article AND q.speaker_key = mentions.key))",
                                 wanted=bool(far_quotes))
    keys = sorted({m.key for m in mentions} | {c.speaker_key for c in claims if c.speaker_key}
                  | {q.speaker_key for q in quotes if q.speaker_key}
                  | {k for spoken in quote_speakers.values() for k in spoken})
    entity_keys = [EntityKey(key, corpus.entity_of[key], key)  # only key and entity are read
                   for key in keys if key in corpus.entity_of]
    entities = {corpus.entity_of.get(key, key) for key in keys}
    articles = {a.id: a for a in reads.articles(near)}
    span_keys = {a: span_key(articles[a], settings_key) for a in members if a in articles}
    return StoryBatch(
        redo=frozenset(members),
        articles=articles,
        story_of={a: corpus.story_of[a] for a in near if a in corpus.story_of},
        claims=claims, quotes=quotes, mentions=mentions, entity_keys=entity_keys,
        derivations=derivations,
        passages=reads.passages([d.id for d in derivations]),
        quantities={q.id: q for q in reads.records(Quantity, "article", near, "id")},
        times={t.id: t for t in reads.records(TimeExpr, "article", near, "id")},
        places={p.id: p for p in reads.records(Place, "article", near, "id")},
        event_mentions=reads.records(EventMention, "article", near, "article, start, id"),
        reach=corpus.reach.part(near, entities), settings_key=settings_key, embedder=embedder,
        technique_tagger=technique_tagger, scoped=corpus.scoped, span_keys=span_keys,
        known_spans=read_spans(reads.store, span_keys), quote_speakers=quote_speakers,
        far_quotes=far_quotes, far_mentions=far_mentions)


class _BatchReads:
    """What a batch reads, asked of the store for that batch."""

    def __init__(self, store: Store):
        self.store = store

    def records(self, record_type, column: str, ids: list[str], order_by: str, *, also: str = "",
                wanted: bool = True) -> list:
        """The records whose ``column`` is one of ``ids`` (and that meet the condition ``also``
        when given), in ``order_by`` order; none when not ``wanted``."""
        if not wanted:
            return []
        where = _IN.format(column=column) + (f" AND {also}" if also else "")
        return list(self.store.iter_records(record_type, where=where, params=[ids], order_by=order_by))

    def mentions(self, members: list[str]) -> list[Mention]:
        return self.records(Mention, "article", members, "article, start, id")

    def articles(self, near: list[str]) -> list[Article]:
        return self.records(Article, "id", near, "id")

    def passages(self, derivations: list[str]) -> list[Passage]:
        return self.records(Passage, "derivation", derivations, "derivation, derived_start, id")

    def quote_speakers(self, near: list[str]) -> dict[str, set[str]]:
        """Article -> the speaker keys of its quotes."""
        grouped: dict[str, set[str]] = defaultdict(set)
        if near:
            for article, key in self.store.con.execute(
                    f"SELECT DISTINCT article, speaker_key FROM quotes WHERE {_IN.format(column='article')} "
                    "AND coalesce(speaker_key, '') <> ''", [near]).fetchall():
                grouped[article].add(key)
        return grouped


def assess_story_batches(batches: list[StoryBatch]
                         ) -> list[tuple[list[object], dict[str, tuple[str, list]]]]:
    """The engine's unit of work: each batch's records, and the loaded spans it detected
    (article id -> its span key and spans) for the driver to keep."""
    out = []
    for batch in batches:
        computed: dict[str, list[FramingSpan]] = {}
        records = assess_stories(batch, computed=computed)
        out.append((records, {a: (batch.span_keys[a], spans)
                              for a, spans in computed.items() if a in batch.span_keys}))
    return out


def assess_stories(batch: StoryBatch, *, computed: dict[str, list[FramingSpan]] | None = None) -> list[object]:
    """Claim groups, framing, findings and events of the batch's articles (whole stories).
    The loaded spans detected (not kept from an earlier run) are put in ``computed`` when it
    is given."""
    from .claims import assess_claims
    from .events import assess_events, event_findings
    from .findings import find_findings
    from .framing import assess_framing

    redo, articles, reach = batch.redo, batch.articles, batch.reach
    grouped = assess_claims(
        articles=articles, claims=batch.claims, quantities=batch.quantities, times=batch.times,
        quotes=batch.quotes, mentions=batch.mentions, entity_keys=batch.entity_keys,
        story_of=batch.story_of, derivations=batch.derivations, embedder=batch.embedder,
        lines=reach.lines, entity_names=reach.entity_names, co_mentioned=reach.co_mentioned)
    grouped = inside(grouped, redo)
    framing = assess_framing(
        articles=articles, mentions=batch.mentions, entity_keys=batch.entity_keys,
        quotes=batch.quotes, derivations=batch.derivations, passages=batch.passages,
        only=redo, technique_tagger=batch.technique_tagger, known=batch.known_spans,
        computed=computed)
    findings = find_findings(
        articles=articles, claims=batch.claims, quantities=batch.quantities, times=batch.times,
        quotes=(), derivations=batch.derivations, passages=batch.passages,
        claim_groups=[r for r in grouped if isinstance(r, ClaimGroup)],
        members=[r for r in grouped if isinstance(r, ClaimGroupMember)])
    events = assess_events(
        articles=articles, mentions=[m for m in batch.event_mentions if m.article in redo],
        quantities=batch.quantities, times=batch.times, places=batch.places,
        story_of=batch.story_of, derivations=batch.derivations, passages=batch.passages,
        lines=reach.lines)
    events = inside(events, redo)
    findings += event_findings(events, articles=articles,
                               mentions={m.id: m for m in batch.event_mentions},
                               quantities=batch.quantities, derivations=batch.derivations)
    findings += moved_quotes_by_story(batch)
    findings = _sorted_findings(f for f in findings if f.article in redo)
    return [*grouped, *framing, *findings, *events]


def moved_quotes_by_story(batch: StoryBatch) -> list[Finding]:
    """``moved_quotes`` of each story of the batch on its own: the quotes of its members and
    of the far sides of their derivations, grouped by their words; findings for the members'
    quotes. Two articles can have passed words on only along a derivation or inside a story,
    so nothing outside that reach is compared (and no group is formed around a quote of an
    unrelated article)."""
    from .findings import moved_quotes

    members: dict[str, set[str]] = defaultdict(set)
    for article in batch.redo:
        members[batch.story_of.get(article, article)].add(article)
    quotes = [*batch.quotes, *batch.far_quotes]
    mentions = [*batch.mentions, *batch.far_mentions]
    found: list[Finding] = []
    for story in sorted(members):
        own = members[story]
        derivations = [d for d in batch.derivations if d.source in own or d.derived in own]
        near = own.union(*((d.source, d.derived) for d in derivations))
        story_quotes = [q for q in quotes if q.article in near]
        if len({q.article for q in story_quotes}) < 2:
            continue
        found += [f for f in moved_quotes(
            batch.articles, story_quotes, derivations, story_of=batch.story_of,
            mentions=[m for m in mentions if m.article in near], entity_keys=batch.entity_keys)
            if f.article in own]
    return found


def inside(records: list, redo: Iterable[str]) -> list:
    """The records of groups (claim groups, events: each comes first, followed by its own
    records) whose every member article is redone; a group of another story, built from the
    far side of a derivation alone, is dropped."""
    redo = set(redo)
    owner, current = [], None
    for record in records:
        if isinstance(record, (ClaimGroup, Event)):
            current = record.id
        owner.append(current)
    outside = {o for o, r in zip(owner, records)
               if isinstance(r, (ClaimGroupMember, EventMember)) and r.article not in redo}
    return [r for o, r in zip(owner, records) if o not in outside]


def _sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    unique = {f.id: f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.article, f.start or -1, f.kind, f.id))
