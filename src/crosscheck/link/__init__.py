"""The link stage: entities merged across articles, stories, and derivations with passages.

A corpus stage: it reads articles and their enrichment from the store and replaces its own
tables in one transaction, behind a completion marker, so a re-run on the same corpus is a
no-op. Pairs of articles are compared only when they are near-duplicates (MinHash LSH) or share
a story (all pairs in a small story, the most similar ones in a large story), which keeps the
work near-linear in corpus size; each pair's alignment runs on the engine.

In the same transaction it keeps what lets the next run redo only new work (``state.py``):
aligned pairs, MinHash signatures, story features and the articles it linked. A run with new
articles aligns only pairs it has not aligned before and places the new articles in the stories
they reach (``story_update.py``); see docs/scaling.md, "Incremental runs".
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping

from ..batching import batched
from ..engine import Engine
from ..records import (Article, Derivation, Entity, EntityKey, Passage, Quantity, Sentence, Story,
                       StoryMember, content_id)
from ..settings import Settings
from ..store import Store
from .banding import candidate_finder
from .copy_clusters import date_ranks, kept_pairs
from .derivations import derive, prune_derivations
from .entities import merge_stored_entities
from .common_source import direct_undated_copies
from .article_index import ArticleIndex, as_index
from .paraphrase import (align_paraphrases, candidate_pairs, get_embedder, paraphrase_cut,
                         sentence_spans)
from .state import LinkedArticles, PairCache, Signatures, StoryFeatures, StoryPairCache
from .passages import align_verbatim
from .stories import cluster_stories
from .story_update import update_stories

__all__ = ["LINK_TABLES", "run_link", "compare_articles", "derive_pairs", "large_story_pairs"]

LINK_TABLES = ("entities", "entity_keys", "stories", "story_members", "derivations", "passages")
_SMALL_STORY = 12  # all pairs below this size; nearest neighbours above
_PAIR_BATCH = 32
_WORK_CHUNK = 1024  # pairs whose sentences and quantities are read in one query
_STORY_TEXTS = 512  # texts of large stories embedded by one task

Progress = Callable[[str, int], None]


def run_link(*, store: Store, settings: Settings, engine: Engine, note: Progress) -> None:
    fingerprint = _fingerprint(store, settings)
    if store.marker("link") == fingerprint:
        return
    # Every article's outlet, date and hashes, without its text: a step reads the texts or
    # records it needs from the store, a batch at a time (``article_index.py``).
    articles = ArticleIndex.from_store(store)
    # Mentions are counted per key inside DuckDB: at 200k articles they are millions of
    # records, and only merged entities and story features need to stay.
    entities, entity_keys = merge_stored_entities(store.con)
    linked = LinkedArticles(store, articles)
    previous = linked.previous_stories() if settings.incremental_stories else None
    # Story features follow from each article and its records: kept in the store, a run
    # computes those of new or changed articles only (the batch partition is the same).
    features = StoryFeatures(store, articles, settings=settings, keys=linked.keys)
    if previous:
        stories, members = update_stories(articles.values(), previous=previous, new=linked.new,
                                          settings=settings, features=features.complete(),
                                          titles=dict(store.con.execute("SELECT id, title FROM stories").fetchall()))
    else:
        stories, members = cluster_stories(articles.values(), settings=settings,
                                           features=features.complete())
    note("link", 0)
    signatures = Signatures(store, articles)
    story_pairs = StoryPairCache(store, articles, embedder=settings.embedder,
                                 k=settings.story_pairs_per_article)
    pairs = _candidate_pairs(articles, members, settings, signatures,
                             near=candidate_finder(engine, store.con),
                             map_batches=engine.map_batches, story_pairs=story_pairs)
    # A pair's derivation and passages depend on the two articles alone: pairs aligned by an
    # earlier run over the same two texts are read back, not aligned again.
    cache = PairCache(store, articles, embedder=settings.embedder, keys=linked.keys)
    derivations, passages = cache.read(pairs)
    work = _pair_work(cache.missing(pairs), articles, store)
    compare = functools.partial(derive_pairs, embedder=settings.embedder, keep_pairs=True)
    aligned: list[tuple[str, str, Derivation | None, list[Passage]]] = []
    for result in engine.map_batches(compare, batched(work, _PAIR_BATCH)):
        for a, b, derivation, found in result:
            aligned.append((a, b, derivation, found))
            if derivation is not None:
                derivations.append(derivation)
                passages[derivation.id].extend(found)
        note("link", _PAIR_BATCH)
    derivations.sort(key=lambda d: sorted((d.source, d.derived)))  # the pairs' order
    published = articles.published()
    texts = articles.text_lookup(_undated_reach(derivations, published))
    # Undated copies of one text: the text holding most of each copy's words is their source.
    derivations, passages = direct_undated_copies(derivations, passages, published, texts)
    # Two rewrites of one wire story share its sentences; that is not a copy of each other.
    derivations = prune_derivations(derivations, passages, published,
                                    outlets=articles.outlets(), texts=texts)
    kept = [p for d in derivations for p in passages[d.id]]
    with store.transaction():
        # each table made to hold the new records, writing only the rows that differ
        for record_type, records in ((Entity, entities), (EntityKey, entity_keys), (Story, stories),
                                     (StoryMember, members), (Derivation, derivations),
                                     (Passage, kept)):
            store.replace(record_type, records)
        cache.save(aligned, keep=pairs)
        linked.save()
        signatures.save()
        story_pairs.save()
        features.save()
        store.set_marker("link", fingerprint)


def _fingerprint(store: Store, settings: Settings) -> str:
    row = store.row(
        "SELECT count(*), md5(coalesce(string_agg(id || md5(text), ',' ORDER BY id), '')) FROM articles")
    enriched = store.row("SELECT count(*) FROM done WHERE stage = 'enrich'")[0]
    return content_id("link", row[0], row[1], enriched, settings.embedder,
                      settings.neardup_threshold, settings.story_pairs_per_article,
                      settings.incremental_stories, settings.neardup_pairs_per_article)


def _undated_reach(derivations: list[Derivation], published: Mapping[str, str | None]) -> set[str]:
    """The articles whose texts the undated-copy and pruning steps read: word containment
    decides only within a triangle of derivations holding an undated article, so the undated
    articles of the graph and their neighbours (other texts are read if asked, one by one)."""
    undated = {x for d in derivations for x in (d.source, d.derived) if not published.get(x)}
    return undated | {y for d in derivations for x, y in ((d.source, d.derived), (d.derived, d.source))
                      if x in undated}


def _candidate_pairs(articles: Mapping[str, Article] | ArticleIndex, members: list[StoryMember],
                     settings: Settings, signatures: Signatures, near=None,
                     map_batches=None, story_pairs: StoryPairCache | None = None) -> list[tuple[str, str]]:
    """Pairs worth aligning: near-duplicates anywhere (band keys grouped by ``near``, a
    shuffle), at most ``neardup_pairs_per_article`` an article (``copy_clusters.py``), and
    pairs within a story: all of a small story's, the nearest neighbours by text embedding in
    a large one (each large story embedded by one task of ``map_batches``; with
    ``story_pairs``, only the large stories it holds no pairs for)."""
    articles = as_index(articles)
    ids, firsts, seconds, estimates = signatures.near_duplicate_rows(
        threshold=settings.neardup_threshold, candidates=near)
    keep = kept_pairs(firsts, seconds, estimates, date_ranks(ids, articles.published()),
                      per_article=settings.neardup_pairs_per_article)
    pairs = {(ids[a], ids[b]) for a, b in zip(firsts[keep].tolist(), seconds[keep].tolist())}
    by_story: dict[str, list[str]] = defaultdict(list)
    for member in members:
        by_story[member.story].append(member.article)
    large = []
    for story in sorted(by_story):
        ids = sorted(by_story[story])
        if len(ids) <= _SMALL_STORY:
            pairs.update(itertools.combinations(ids, 2))
        else:
            large.append(ids)
    if story_pairs is not None:
        known = story_pairs.read(large)
        for found in known:
            pairs.update(found or ())
        large = [ids for ids, found in zip(large, known) if found is None]
    task = functools.partial(large_story_pairs, embedder=settings.embedder,
                             k=settings.story_pairs_per_article)
    story_batches = list(_story_batches(large))  # ids only: the texts are read a batch at a time
    batches = _with_texts(story_batches, articles)
    results = map(task, batches) if map_batches is None else map_batches(task, batches)
    for stories, found in zip(story_batches, results, strict=True):
        for ids, story_found in zip(stories, found, strict=True):
            pairs.update(story_found)
            if story_pairs is not None:
                story_pairs.add(ids, story_found)
    return sorted(pairs)


def _story_batches(stories: Iterable[list[str]]) -> Iterator[list[list[str]]]:
    """Whole large stories (their article ids), about ``_STORY_TEXTS`` texts a batch."""
    batch, texts = [], 0
    for story in stories:
        batch.append(story)
        texts += len(story)
        if texts >= _STORY_TEXTS:
            yield batch
            batch, texts = [], 0
    if batch:
        yield batch


def _with_texts(batches: Iterable[list[list[str]]], articles: ArticleIndex) -> Iterator[list]:
    """Each batch of stories with the first 3,000 characters of its members' texts, read from
    the store for that batch alone."""
    for batch in batches:
        texts = articles.texts(i for ids in batch for i in ids)
        yield [(ids, [texts[i][:3000] for i in ids]) for ids in batch]


def large_story_pairs(batch: list[tuple[list[str], list[str]]], *, embedder: str,
                      k: int) -> list[list[tuple[str, str]]]:
    """Each large story's candidate pairs (runs on the engine's workers): its texts embedded
    and each article's ``k`` nearest neighbours within the story."""
    model = get_embedder(embedder)
    found = []
    for ids, texts in batch:
        vectors = model.encode(texts)
        found.append([(a, b) for a, b, _ in candidate_pairs(vectors, ids, k=k, threshold=0.0)])
    return found


def _pair_work(pairs: list[tuple[str, str]], articles: Mapping[str, Article] | ArticleIndex,
               store: Store) -> Iterator[tuple]:
    """What a worker needs for each pair: both articles, their sentences and quantities.

    The articles, sentences and quantities are read per chunk of pairs (one query per record
    type and chunk), so memory holds those of the pairs in flight, not the corpus's."""
    articles = as_index(articles)
    for chunk in batched(pairs, _WORK_CHUNK):
        ids = sorted({i for pair in chunk for i in pair})
        records = {a.id: a for a in articles.records(ids)}
        sentences = store.records_of_articles(Sentence, ids, order_by='article, "index"')
        quantities = store.records_of_articles(Quantity, ids, order_by="article, start, id")
        for a, b in chunk:
            yield (records[a], records[b], _spans(sentences.get(a, [])),
                   _spans(sentences.get(b, [])), tuple(quantities.get(a, ())),
                   tuple(quantities.get(b, ())))


def _spans(sentences: list[Sentence]) -> tuple[tuple[int, int], ...]:
    return tuple((s.start, s.end) for s in sentences)


def derive_pairs(batch: list[tuple], *, embedder: str, keep_pairs: bool = False) -> list[tuple]:
    """Align and derive each pair of a batch (runs on the engine's workers): ``(derivation,
    passages)`` of the pairs that share enough, or with ``keep_pairs`` ``(a, b, derivation or
    None, passages)`` of every pair (what the pair cache keeps)."""
    model = get_embedder(embedder)
    found = []
    for a, b, sentences_a, sentences_b, quantities_a, quantities_b in batch:
        result = compare_articles(a, b, sentences_a=sentences_a, sentences_b=sentences_b,
                                  quantities_a=quantities_a, quantities_b=quantities_b,
                                  embedder=model)
        if keep_pairs:
            found.append((a.id, b.id, *(result or (None, []))))
        elif result is not None:
            found.append(result)
    return found


def compare_articles(a: Article, b: Article, *, sentences_a=(), sentences_b=(), quantities_a=(),
                     quantities_b=(), embedder=None) -> tuple[Derivation, list[Passage]] | None:
    """The derivation between two articles with its passages, or ``None`` if little is shared."""
    model = embedder or get_embedder()
    verbatim = align_verbatim(a.text, b.text)
    spans_a = list(sentences_a) or sentence_spans(a.text)
    spans_b = list(sentences_b) or sentence_spans(b.text)
    paraphrase = align_paraphrases(a.text, spans_a, b.text, spans_b, embedder=model, exclude=verbatim)
    found = derive(a, b, verbatim=verbatim, paraphrase=paraphrase,
                   quantities_a=quantities_a, quantities_b=quantities_b)
    cut = paraphrase_cut(len(spans_a), len(spans_b))
    if found is None or not cut:
        return found
    derivation, passages = found  # the cost bound cut the paraphrase alignment: say so
    return dataclasses.replace(derivation, evidence=f"{derivation.evidence}; {cut}"), passages
