"""Framing per article: the names it uses, its loaded words, its propaganda cues, and whether
each loaded passage was taken from another article or added by this one.

- :class:`FramingName`: for each entity an article mentions, the surface form it uses most
  ("MKO" / "MEK" / "PMOI"); the report turns these into a table per outlet.
- :class:`FramingSpan` of ``kind="loaded"``: lexicon words (``technique="Loaded_Language"`` or
  ``"Name_Calling,Labeling"``) and reporting verbs that colour a quote
  (``technique="cue:assertive"`` for "boasts", ``"cue:admission"`` for "admitted",
  ``"cue:distancing"`` for "claimed").
- :class:`FramingSpan` of ``kind="technique"``: the other SemEval-2020 Task 11 techniques found
  by :mod:`crosscheck.assess.propaganda`.

Each span carries the detector's ``confidence`` (see :class:`propaganda.TechniqueHit`).

Loaded words inside someone's quoted words are that speaker's, not the outlet's, and are left
out. ``copied_from`` is the source article when the span lies inside an aligned passage of a
derivation with a known direction where this article is the derived side (for a paraphrased
passage, only when the source passage has the same words); otherwise ``None``: this outlet
added it, or the direction of the copy is unknown.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from dataclasses import replace
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

from ..batching import batched
from ..records import (Article, Derivation, EntityKey, FramingName, FramingSpan, Mention,
                       Passage, Quote, content_id)
from .propaganda import detect_techniques, technique_model

__all__ = ["assess_framing", "article_names", "loaded_spans", "loaded_spans_batch",
           "LOADED_TECHNIQUES"]

#: Articles per batch handed to the engine: the tagger is ~20-40 ms an article, so a batch is
#: long enough to pay for the hop to a worker and short enough to keep workers busy.
ARTICLE_BATCH = 16

#: ``engine.map_batches``: applies a function to each batch, yields results in batch order.
MapBatches = Callable[[Callable[[list], list], Iterable[list]], Iterator[list]]

#: Techniques reported as loaded language (``kind="loaded"``); the rest are ``technique``.
LOADED_TECHNIQUES = frozenset({"Loaded_Language", "Name_Calling,Labeling"})
# Name calling is also a technique in its own right (SemEval counts it apart from loaded words).
_BOTH = frozenset({"Name_Calling,Labeling"})
# Repetition fires on ordinary news phrasing ("the security directorate" three times); it is
# benchmarked, not reported.
_NOT_REPORTED = frozenset({"Repetition"})
_COLOURING_STANCES = ("assertive", "admission", "distancing")


def assess_framing(*, articles: Mapping[str, Article], mentions: Sequence[Mention],
                   entity_keys: Sequence[EntityKey], quotes: Sequence[Quote],
                   derivations: Sequence[Derivation], passages: Sequence[Passage],
                   map_batches: MapBatches | None = None,
                   technique_tagger: str = "hashed",
                   only: Collection[str] | None = None,
                   known: Mapping[str, Sequence[FramingSpan]] | None = None,
                   computed: dict[str, list[FramingSpan]] | None = None,
                   ) -> list[FramingName | FramingSpan]:
    """Names, loaded spans and technique spans of every article, in article-id order.
    ``technique_tagger`` names the learned tagger (the ``technique_tagger`` setting).

    ``map_batches`` (an engine's) runs the per-article detection, the costly part, on the
    engine's workers; without it the detection runs here. Either way the output is the same.
    ``only`` limits the output to those articles (the others still serve as copy sources).
    ``known`` holds :func:`loaded_spans` of some articles from an earlier run (kept in the
    store, ``span_cache.py``): those are not detected again. The spans detected now are put in
    ``computed`` when it is given."""
    entity_of = {k.key: k.entity for k in entity_keys}
    mentions_by_article: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        mentions_by_article[mention.article].append(mention)
    quotes_by_article: dict[str, list[Quote]] = defaultdict(list)
    for quote in quotes:
        quotes_by_article[quote.article].append(quote)
    sources = _copy_sources(derivations, passages)
    order = sorted(articles if only is None else set(only) & set(articles))
    known = known or {}
    todo = [i for i in order if i not in known]
    work = ((articles[i], quotes_by_article.get(i, [])) for i in todo)
    fresh = dict(zip(todo, _map_articles(work, map_batches, technique_tagger), strict=True))
    if computed is not None:
        computed.update(fresh)
    out: list[FramingName | FramingSpan] = []
    for article_id in order:
        spans = known[article_id] if article_id in known else fresh[article_id]
        out.extend(article_names(article_id, mentions_by_article[article_id], entity_of))
        out.extend(_with_copy_source(span, articles, sources.get(article_id, ())) for span in spans)
    return out


def loaded_spans_batch(batch: list[tuple[Article, list[Quote]]],
                       technique_tagger: str = "hashed") -> list[list[FramingSpan]]:
    """:func:`loaded_spans` of each ``(article, its quotes)``: the engine's unit of work (plain
    records in, plain records out, so it pickles to any worker)."""
    return [loaded_spans(article, quotes, technique_tagger) for article, quotes in batch]


def _map_articles(work: Iterable[tuple[Article, list[Quote]]], map_batches: MapBatches | None,
                  technique_tagger: str = "hashed") -> Iterator[list[FramingSpan]]:
    batches = batched(work, ARTICLE_BATCH)
    task = (loaded_spans_batch if technique_tagger == "hashed"
            else functools.partial(loaded_spans_batch, technique_tagger=technique_tagger))
    results = map(task, batches) if map_batches is None else map_batches(task, batches)
    for result in results:
        yield from result


def article_names(article_id: str, mentions: Sequence[Mention],
                  entity_of: Mapping[str, str]) -> list[FramingName]:
    """The most used surface form of each entity in one article (ties: the earliest used)."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    first_seen: dict[tuple[str, str], int] = {}
    for mention in sorted(mentions, key=lambda m: (m.start, m.end)):
        entity = entity_of.get(mention.key)
        if entity is None:
            continue
        alias = _surface(mention.text)
        forms[entity][alias] += 1
        first_seen.setdefault((entity, alias), mention.start)
    names = []
    for entity in sorted(forms):
        alias, count = min(forms[entity].items(),
                           key=lambda kv: (-kv[1], first_seen[(entity, kv[0])]))
        names.append(FramingName(content_id("framing-name", article_id, entity), article_id,
                                 entity, alias, count))
    return names


def _surface(text: str) -> str:
    """"The Front" at a sentence start is the same name as "the Front"; a possessive is dropped."""
    alias = text.strip()
    for suffix in ("'s", "’s"):
        if alias.endswith(suffix):
            alias = alias[: -len(suffix)]
    if alias.startswith("The "):
        alias = "the " + alias[4:]
    return alias


def loaded_spans(article: Article, quotes: Sequence[Quote],
                 technique_tagger: str = "hashed") -> list[FramingSpan]:
    """Loaded words, colouring cues and techniques of one article (``copied_from`` unset)."""
    quoted = [(q.content_start, q.content_end) for q in quotes if q.kind == "direct"]
    spans = []
    for hit in detect_techniques(article.text, model=technique_model(technique_tagger)):
        if hit.technique in _NOT_REPORTED:
            continue
        if hit.technique in LOADED_TECHNIQUES and _inside_any(hit.start, hit.end, quoted):
            continue
        if hit.technique in LOADED_TECHNIQUES:
            spans.append(_span(article, "loaded", hit.technique, hit.start, hit.end,
                               hit.confidence))
        if hit.technique not in LOADED_TECHNIQUES or hit.technique in _BOTH:
            spans.append(_span(article, "technique", hit.technique, hit.start, hit.end,
                               hit.confidence))
    for quote in quotes:
        if quote.stance in _COLOURING_STANCES and quote.cue_start is not None:
            spans.append(_span(article, "loaded", f"cue:{quote.stance}", quote.cue_start,
                               quote.cue_end))
    return sorted(set(spans), key=lambda s: (s.start, s.end, s.kind, s.technique))


def _span(article: Article, kind: str, technique: str, start: int, end: int,
          confidence: float | None = None) -> FramingSpan:
    return FramingSpan(content_id("framing-span", article.id, kind, technique, start, end),
                       article.id, kind, technique, start, end, article.text[start:end], None,
                       confidence)


def _inside_any(start: int, end: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(low <= start and end <= high for low, high in ranges)


def _copy_sources(derivations: Sequence[Derivation], passages: Sequence[Passage],
                  ) -> dict[str, list[tuple[Passage, Derivation]]]:
    """Derived article id -> its aligned passages whose derivation has a known direction."""
    directed = {d.id: d for d in derivations if d.direction != "undetermined"}
    by_derived: dict[str, list[tuple[Passage, Derivation]]] = defaultdict(list)
    for passage in sorted(passages, key=lambda p: (p.derivation, p.derived_start, p.id)):
        derivation = directed.get(passage.derivation)
        if derivation is not None:
            by_derived[derivation.derived].append((passage, derivation))
    return by_derived


def _with_copy_source(span: FramingSpan, articles: Mapping[str, Article],
                      passages: Sequence[tuple[Passage, Derivation]]) -> FramingSpan:
    for passage, derivation in passages:
        if not (passage.derived_start <= span.start and span.end <= passage.derived_end):
            continue
        source = articles.get(derivation.source)
        if source is None:
            continue
        source_text = source.text[passage.source_start:passage.source_end].lower()
        if passage.kind == "verbatim" or span.text.lower() in source_text:
            return replace(span, copied_from=derivation.source)
    return span

