"""The articles as the link stage's driver holds them: no texts.

The records with their texts grew with the corpus in the driver (about 1.6 KB an article on
Reuters, against about 290 bytes for an entry here). :class:`ArticleIndex` keeps, per article, what the
corpus steps read for every article (outlet, publication date) and the two hashes the kept
state is keyed by (the whole record's, for the pair cache, story features and the articles
linked; the text's, for MinHash signatures). Both hashes are computed in one pass over the
articles table, a chunk of rows at a time. A step that needs texts or whole records reads them
from the store for the articles it needs at that moment, :data:`READ_BATCH` at a time: the
signatures and story features of new or changed articles, a large story's texts, a chunk of
pairs to align, the undated articles' triangles.

The record hash is computed again in every run rather than taken from ``link_articles``: an
article's id is the hash of its raw document, while its cleaned text, title and outlet follow
from the boilerplate and outlets learned over the whole corpus, which move as the corpus grows;
a stored key under the same id may be stale, and only hashing the record tells.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ..batching import batched
from ..records import Article, content_id
from ..store import Store

__all__ = ["ArticleIndex", "IndexedArticle", "READ_BATCH", "SIGNATURE_SCHEME", "as_index", "text_key"]

READ_BATCH = 1024  # articles whose texts or records are read from the store in one query
#: The MinHash scheme signatures are kept under: num_perm, shingle_words, seed
#: (:func:`.minhash.near_duplicate_pairs`' defaults).
SIGNATURE_SCHEME = ("minhash", 128, 5, 1)


def text_key(text: str) -> str:
    """The key a text's MinHash signature is kept under."""
    return content_id(*SIGNATURE_SCHEME, text)


@dataclass(frozen=True, slots=True)
class IndexedArticle:
    """One article without its text: what the link driver keeps of it."""

    id: str
    outlet: str | None
    published: str | None
    key: str  # hash of every field of the Article record (state.record_key)
    text_key: str  # text_key(text)


class ArticleIndex(Mapping[str, IndexedArticle]):
    """Article id -> :class:`IndexedArticle`, with the texts and records read on demand.

    :meth:`from_store` streams the articles table once; :meth:`of` indexes articles already in
    memory (tests, callers holding the records), whose texts are then read from those records."""

    def __init__(self, entries: dict[str, IndexedArticle], *, store: Store | None = None,
                 records: Mapping[str, Article] | None = None):
        self._entries, self._store, self._records = entries, store, records

    @classmethod
    def from_store(cls, store: Store) -> "ArticleIndex":
        return cls(_index(store.iter_records(Article)), store=store)

    @classmethod
    def of(cls, articles: Iterable[Article]) -> "ArticleIndex":
        records = {a.id: a for a in articles}
        return cls(_index(records[i] for i in sorted(records)), records=records)

    def __getitem__(self, article: str) -> IndexedArticle:
        return self._entries[article]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def published(self) -> dict[str, str | None]:
        return {i: a.published for i, a in self._entries.items()}

    def outlets(self) -> dict[str, str | None]:
        return {i: a.outlet for i, a in self._entries.items()}

    def records(self, ids: Iterable[str]) -> Iterator[Article]:
        """The Article records of ``ids``, in id order, read :data:`READ_BATCH` at a time."""
        for chunk in batched(sorted(set(ids)), READ_BATCH):
            if self._records is not None:
                yield from (self._records[i] for i in chunk)
                continue
            yield from self._store.iter_records(Article, where="id IN (SELECT unnest(?))",
                                                params=[chunk])

    def texts(self, ids: Iterable[str]) -> dict[str, str]:
        """The texts of ``ids`` (a bounded set: one batch's, one step's)."""
        return {a.id: a.text for a in self.records(ids)}

    def text_lookup(self, ids: Iterable[str]) -> Mapping[str, str]:
        """A mapping of every article to its text, holding those of ``ids`` and reading any
        other from the store when asked (one query each): for steps that may need a few texts
        beyond those known to be needed."""
        return _Texts(self, self.texts(ids))


class _Texts(Mapping[str, str]):
    def __init__(self, index: ArticleIndex, held: dict[str, str]):
        self._index, self._held = index, held

    def __getitem__(self, article: str) -> str:
        if article in self._held:
            return self._held[article]
        if article not in self._index:
            raise KeyError(article)
        return next(iter(self._index.records([article]))).text

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def _index(articles: Iterable[Article]) -> dict[str, IndexedArticle]:
    from .state import record_key

    # Outlets and dates repeat across the corpus: one string object each, not one an article.
    intern = sys.intern
    return {a.id: IndexedArticle(a.id, a.outlet and intern(a.outlet),
                                 a.published and intern(a.published), record_key(a),
                                 text_key(a.text))
            for a in articles}


def as_index(articles: Mapping[str, Article] | ArticleIndex) -> ArticleIndex:
    """``articles`` as an index (callers that hold the records already, such as tests)."""
    return articles if isinstance(articles, ArticleIndex) else ArticleIndex.of(articles.values())
