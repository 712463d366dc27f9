"""Each article's loaded-language and technique spans kept in the store (``assess_spans``).

The propaganda tagger is most of what assessing a story costs, and its spans follow from one
article's text and quotes alone (``framing.loaded_spans``; the copy source each span is given
afterwards depends on derivations and is not kept). A story is redone whenever anything it
reads changes, mostly because a new article joined it, so without this table an incremental run
tags again every article of every story it touches. Rows are keyed by a hash of the article
record and the settings key (package version, enrich scheme, technique tagger and the other
settings that count) and :data:`SPAN_SCHEME`: a row is used only when all are the same, so the
spans are those the tagger would give now. Change :data:`SPAN_SCHEME` with any change to what
``loaded_spans`` gives for the same text (lexicons, rules, tagger weights), as ``ENRICH_SCHEME``
is changed with the enrichment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import duckdb

from ..link.state import record_key, record_values
from ..records import Article, FramingSpan, content_id
from ..store import Store

__all__ = ["span_key", "read_spans", "save_spans", "prune_spans", "TABLE", "SPAN_SCHEME"]

SPAN_SCHEME = "2026-12-07a"

TABLE = "CREATE TABLE IF NOT EXISTS assess_spans (id VARCHAR PRIMARY KEY, key VARCHAR, spans VARCHAR)"


def span_key(article: Article, settings_key: str) -> str:
    """What an article's spans depend on: its record (text, title, dates) and the settings."""
    return content_id("assess-spans", SPAN_SCHEME, settings_key, record_key(article))


def read_spans(store: Store, keys: Mapping[str, str]) -> dict[str, list[FramingSpan]]:
    """Kept spans of the articles of ``keys`` (article id -> :func:`span_key`) whose key is
    still the same; an article without a row, or with another key, is left out."""
    if not keys:
        return {}
    try:
        rows = store.con.execute("SELECT id, key, spans FROM assess_spans "
                                 "WHERE id IN (SELECT unnest(?::VARCHAR[]))", [sorted(keys)]).fetchall()
    except duckdb.CatalogException:  # a store no assessment has kept spans in
        return {}
    return {article: [FramingSpan(*values) for values in json.loads(spans)]
            for article, key, spans in rows if keys.get(article) == key}


def save_spans(store: Store, computed: Mapping[str, tuple[str, Sequence[FramingSpan]]]) -> None:
    """Keep the spans computed in this run: article id -> (its key, its spans)."""
    ids = sorted(computed)
    store.insert_columns("assess_spans", {
        "id": ids, "key": [computed[i][0] for i in ids],
        "spans": [json.dumps([record_values(s) for s in computed[i][1]]) for i in ids]}, replace=True)


def prune_spans(store: Store) -> None:
    """Drop the rows of articles no longer in the store."""
    store.con.execute("DELETE FROM assess_spans WHERE id NOT IN (SELECT id FROM articles)")
