"""What the link stage keeps in the store so that a run with new articles redoes only new work.

- :class:`PairCache` (``link_pairs``): aligned pairs. A pair's derivation and passages are a
  pure function of the two articles (their text, dates, outlet, title; enrichment follows from
  the text) and the embedder, before the graph-level steps (undated copies directed, pruning)
  that the link stage redoes over the whole graph. Each pair is keyed by a hash of both article
  records and the embedder and holds what the alignment returned, a derivation with its
  passages or nothing (most pairs share too little), as JSON. Only the last run's candidate
  pairs are kept, so the table never outgrows them.
- :class:`LinkedArticles` (``link_articles``): which articles the last run linked, with a hash
  of each, so the next one knows which are new or changed (their stories are reclustered).
- :class:`Signatures` (``link_signatures``): MinHash signatures by text, computed once.
- :class:`StoryFeatures` (``link_story_features``): story-clustering features by article.
"""

from __future__ import annotations

import functools
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields

import numpy as np
import pyarrow as pa

from .. import __version__
from ..batching import batched
from ..records import ENRICH_SCHEME, Article, Derivation, Passage, content_id
from ..store import Store
from .article_index import READ_BATCH, SIGNATURE_SCHEME, ArticleIndex, as_index

__all__ = ["PairCache", "LinkedArticles", "Signatures", "StoryFeatures", "record_values", "record_key"]


def record_values(record: object) -> tuple:
    """A record's field values in order (``dataclasses.astuple`` without its deep copies,
    which cost seconds over a corpus's records)."""
    return _getter(type(record))(record)


@functools.cache
def _getter(record_type: type):
    names = [f.name for f in fields(record_type)]
    return lambda record: tuple(getattr(record, name) for name in names)


def record_key(record: object) -> str:
    """A hash of every field of a record."""
    return content_id(type(record).__name__, *record_values(record))

_TABLE = "CREATE TABLE IF NOT EXISTS link_pairs (id VARCHAR PRIMARY KEY, result VARCHAR)"


class PairCache:
    """The ``link_pairs`` table of a store, for one corpus and embedder."""

    def __init__(self, store: Store, articles: Mapping[str, Article] | ArticleIndex, *,
                 embedder: str, keys: Mapping[str, str] | None = None):
        self._store, self._embedder = store, embedder
        self._article_key = keys if keys is not None else {
            i: a.key for i, a in as_index(articles).items()}
        store.con.execute(_TABLE)
        self._stored = {row[0] for row in store.con.execute("SELECT id FROM link_pairs").fetchall()}
        self._keys: dict[tuple[str, str], str] = {}  # a run asks for each pair's key three times

    def key(self, a: str, b: str) -> str:
        key = self._keys.get((a, b))
        if key is None:
            key = self._keys[(a, b)] = content_id("pair", __version__, ENRICH_SCHEME, a, self._article_key[a],
                                                  b, self._article_key[b], self._embedder)
        return key

    def missing(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(a, b) for a, b in pairs if self.key(a, b) not in self._stored]

    def read(self, pairs: Sequence[tuple[str, str]]) -> tuple[list[Derivation], dict[str, list[Passage]]]:
        """Derivations and passages of the pairs already aligned."""
        keys = sorted({self.key(a, b) for a, b in pairs} & self._stored)
        derivations, passages = [], defaultdict(list)
        if not keys:
            return derivations, passages
        rows = self._store.con.execute(
            "SELECT result FROM link_pairs WHERE id IN (SELECT unnest(?::VARCHAR[])) AND result <> ''",
            [keys]).fetchall()
        for (result,) in rows:
            derivation, found = json.loads(result)
            derivations.append(Derivation(*derivation))
            passages[derivation[0]].extend(Passage(*p) for p in found)
        return derivations, passages

    def save(self, aligned: Iterable[tuple[str, str, Derivation | None, list[Passage]]], *,
             keep: Sequence[tuple[str, str]]) -> None:
        """Add the pairs aligned now, and drop those no longer among the candidates ``keep``."""
        rows = [(self.key(a, b), "" if d is None else json.dumps([record_values(d), [record_values(p) for p in found]]))
                for a, b, d, found in aligned]
        con = self._store.con
        con.execute("CREATE OR REPLACE TEMP TABLE _keep AS SELECT unnest(?::VARCHAR[]) AS id",
                    [sorted({self.key(a, b) for a, b in keep})])
        con.execute("DELETE FROM link_pairs WHERE id NOT IN (SELECT id FROM _keep)")
        con.execute("DROP TABLE _keep")
        self._store.insert_columns("link_pairs", {"id": [r[0] for r in rows], "result": [r[1] for r in rows]},
                                   replace=True)


class StoryPairCache:
    """The pairs found inside each large story (``link_story_pairs``): a large story's members
    are embedded and each paired with its nearest neighbours, a function of its members' ids
    and texts, the embedder and the neighbour count, so a story whose members and texts are
    those of an earlier run is not embedded again."""

    _TABLE = "CREATE TABLE IF NOT EXISTS link_story_pairs (id VARCHAR PRIMARY KEY, pairs VARCHAR)"

    def __init__(self, store: Store, articles: Mapping[str, Article] | ArticleIndex, *,
                 embedder: str, k: int):
        self._store, self._options = store, (embedder, k)
        self._text_key = {i: a.text_key for i, a in as_index(articles).items()}
        store.con.execute(self._TABLE)
        self._wanted: set[str] = set()
        self._found: dict[str, list[tuple[str, str]]] = {}

    def key(self, ids: Sequence[str]) -> str:
        return content_id("story-pairs", __version__, *self._options,
                          *(f"{i}:{self._text_key[i]}" for i in ids))

    def read(self, stories: Sequence[Sequence[str]]) -> list[list[tuple[str, str]] | None]:
        """The pairs an earlier run found for each of ``stories`` (member ids, sorted), or
        ``None`` for a story it holds none for."""
        keys = [self.key(ids) for ids in stories]
        self._wanted.update(keys)
        rows = dict(self._store.con.execute(
            "SELECT id, pairs FROM link_story_pairs WHERE id IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(set(keys))]).fetchall()) if keys else {}
        return [[tuple(pair) for pair in json.loads(rows[key])] if key in rows else None for key in keys]

    def add(self, ids: Sequence[str], pairs: Iterable[tuple[str, str]]) -> None:
        self._found[self.key(ids)] = sorted(pairs)

    def save(self) -> None:
        """Keep the rows of the stories read or found in this run, and only those."""
        self._store.con.execute("DELETE FROM link_story_pairs WHERE id NOT IN (SELECT unnest(?::VARCHAR[]))",
                                [sorted(self._wanted | set(self._found))])
        keys = sorted(self._found)
        self._store.insert_columns("link_story_pairs", {
            "id": keys, "pairs": [json.dumps(self._found[k]) for k in keys]}, replace=True)


class LinkedArticles:
    """The articles the last link run saw (``link_articles``: id and a hash of the record), so
    that the next run knows which are new or changed and which stories it may keep."""

    _TABLE = "CREATE TABLE IF NOT EXISTS link_articles (id VARCHAR PRIMARY KEY, key VARCHAR)"

    def __init__(self, store: Store, articles: Mapping[str, Article] | ArticleIndex):
        self._store = store
        # each article's record hash (the pair cache and story features key by it too)
        self.keys = {i: a.key for i, a in as_index(articles).items()}
        store.con.execute(self._TABLE)
        self._before = dict(store.con.execute("SELECT id, key FROM link_articles").fetchall())
        self.new = {i for i, key in self.keys.items() if self._before.get(i) != key}

    def previous_stories(self) -> dict[str, str]:
        """Article -> stored story, for the articles linked before (empty on a first run)."""
        if not self._before:
            return {}
        return dict(self._store.con.execute("SELECT article, story FROM story_members").fetchall())

    def save(self) -> None:
        self._store.con.execute("DELETE FROM link_articles")
        ids = sorted(self.keys)
        self._store.insert_columns("link_articles", {"id": ids, "key": [self.keys[i] for i in ids]})


class Signatures:
    """MinHash signatures of the articles' texts kept in the store (``link_signatures``), so
    that a run computes those of new or changed texts only; the LSH pairs are then found over
    all of them, as :func:`.minhash.near_duplicate_pairs` finds them."""

    _TABLE = ("CREATE TABLE IF NOT EXISTS link_signatures "
              "(id VARCHAR PRIMARY KEY, text_key VARCHAR, signature BLOB)")
    _SCHEME = SIGNATURE_SCHEME

    def __init__(self, store: Store, articles: Mapping[str, Article] | ArticleIndex):
        self._store = store
        self._articles = as_index(articles)
        self._key = {i: a.text_key for i, a in self._articles.items()}
        store.con.execute(self._TABLE)
        self._rows: dict[str, bytes] = {}
        for article, key, signature in store.con.execute(
                "SELECT id, text_key, signature FROM link_signatures").fetchall():
            if self._key.get(article) == key:
                self._rows[article] = bytes(signature)
        self._computed: set[str] = set()

    def near_duplicate_pairs(self, *, threshold: float,
                             candidates=None) -> list[tuple[str, str, float]]:
        """The pairs, with ``candidates`` (a shuffle by band key, ``banding.py``) when given."""
        ids, firsts, seconds, estimates = self.near_duplicate_rows(threshold=threshold,
                                                                   candidates=candidates)
        return [(ids[a], ids[b], round(e, 6))
                for a, b, e in zip(firsts.tolist(), seconds.tolist(), estimates.tolist())]

    def near_duplicate_rows(self, *, threshold: float, candidates=None
                            ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """The pairs as arrays: the signed ids (sorted), and per pair the rows of its two ids
        and its estimate (:func:`.minhash.pair_rows_of_signatures`)."""
        from .minhash import MinHasher, pair_rows_of_signatures

        missing = sorted(set(self._key) - set(self._rows))
        num_perm, shingle_words, seed = self._SCHEME[1:]
        hasher = MinHasher(num_perm=num_perm, shingle_words=shingle_words, seed=seed) if missing else None
        # a signature depends on its text alone: the texts are read and signed a batch at a time
        for chunk in batched(missing, READ_BATCH):
            texts = self._articles.texts(chunk)
            found, present = hasher.signatures_of_texts_with_words([texts[i] or "" for i in chunk])
            for i in chunk:
                self._rows[i] = b""  # no words: no signature, never paired
            for row, index in zip(found, present.tolist()):
                self._rows[chunk[index]] = row.astype("<u4").tobytes()
            self._computed.update(chunk)
        ids = [i for i in sorted(self._key) if self._rows[i]]
        matrix = np.frombuffer(b"".join(self._rows[i] for i in ids), dtype="<u4").astype(np.uint32)
        return ids, *pair_rows_of_signatures(ids, matrix.reshape(len(ids), self._SCHEME[1]),
                                             threshold=threshold, candidates=candidates)

    def save(self) -> None:
        """Drop the signatures of articles gone or changed; add those computed in this run."""
        con = self._store.con
        ids = sorted(self._key)
        con.register("_current", pa.table({"id": ids, "text_key": [self._key[i] for i in ids]}))
        try:
            con.execute("DELETE FROM link_signatures s WHERE NOT EXISTS (SELECT 1 FROM _current c "
                        "WHERE c.id = s.id AND c.text_key = s.text_key)")
        finally:
            con.unregister("_current")
        added = sorted(self._computed)
        self._store.insert_columns("link_signatures", {
            "id": added, "text_key": [self._key[i] for i in added],
            "signature": pa.array([self._rows[i] for i in added], type=pa.binary())}, replace=True)


class StoryFeatures:
    """Story features of the articles (terms, entity keys, anchor date) kept in the store
    (``link_story_features``), keyed by a hash of the article record: features follow from the
    article and its enrichment, which follows from its text. A run computes those of new or
    changed articles only, reading their mentions and times alone."""

    _TABLE = ("CREATE TABLE IF NOT EXISTS link_story_features "
              "(id VARCHAR PRIMARY KEY, key VARCHAR, features VARCHAR)")
    _FEW = 500  # below this many articles to compute, their records are read by id

    def __init__(self, store: Store, articles: Mapping[str, Article] | ArticleIndex, *,
                 settings: object, keys: Mapping[str, str] | None = None):
        from .story_features import _Features, _settings

        self._store, self._articles = store, as_index(articles)
        self._opts = _settings(settings)
        keys = keys if keys is not None else {i: a.key for i, a in self._articles.items()}
        self._key = {i: content_id(keys[i], ENRICH_SCHEME, *record_values(self._opts))
                     for i in articles}
        store.con.execute(self._TABLE)
        self.features: dict[str, _Features] = {}
        for article, key, found in store.con.execute(
                "SELECT id, key, features FROM link_story_features").fetchall():
            values = json.loads(found)
            if self._key.get(article) == key and len(values) == 6:  # older rows lack named dates
                published, title, terms, entities, anchor, named = values
                self.features[article] = _Features(article, published, title, Counter(terms),
                                                   Counter(entities), anchor,
                                                   tuple(tuple(span) for span in named))
        self._computed: list[str] = []

    def complete(self) -> dict:
        """Features of every article: stored, or computed now."""
        from ..records import Mention, TimeExpr
        from ..store import ArticleRecords
        from .story_features import _features

        missing = sorted(set(self._articles) - set(self.features))
        if len(missing) <= self._FEW:
            mentions = self._store.records_of_articles(Mention, missing, order_by="article, start, id")
            times = self._store.records_of_articles(TimeExpr, missing, order_by="article, start, id")
        else:
            mentions, times = ArticleRecords(self._store, Mention), ArticleRecords(self._store, TimeExpr)
        # the records of the articles to compute are read in id order, a batch at a time
        for article in self._articles.records(missing):
            i = article.id
            self.features[i] = _features(article, mentions.get(i, ()), times.get(i, ()), self._opts)
        self._computed = missing
        return self.features

    def save(self) -> None:
        self._store.con.execute("DELETE FROM link_story_features WHERE id NOT IN (SELECT unnest(?::VARCHAR[]))",
                                [sorted(self._articles)])
        self._store.insert_columns("link_story_features", {
            "id": self._computed, "key": [self._key[i] for i in self._computed],
            "features": [json.dumps([f.published, f.title, dict(f.terms), dict(f.entities), f.anchor, f.named])
                         for f in (self.features[i] for i in self._computed)]}, replace=True)
