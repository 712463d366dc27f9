"""``analysis.json``: the stable, documented output other tools read (see docs/formats.md).

Built from the store alone, in a stable order, with no timestamps, so an interrupted and resumed
run writes the same bytes as an uninterrupted one. Keys for stages that have not run yet are
empty lists, never invented content.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import __version__
from ..records import Article, Rejected, Removal
from ..store import Store
from .sections import SECTIONS

__all__ = ["build_analysis", "write_analysis", "article_json", "iter_articles_json"]

# Sections in the order they are written (see report/sections.py).
_SECTION_KEYS = ("entities", "stories", "derivations", "quotes", "claims", "claim_groups",
                 "framing", "events", "findings")
_STAGE_ORDER = "CASE stage WHEN 'extract' THEN 0 WHEN 'document' THEN 1 ELSE 2 END"


def article_json(article: Article, removals: list[Removal]) -> dict[str, Any]:
    return {
        "id": article.id,
        "source": article.source,
        "url": article.url,
        "outlet": article.outlet,
        "outlet_from": article.outlet_from,
        "title": article.title,
        "published": article.published,
        "published_from": article.published_from,
        "language": article.language,
        "text": article.text,
        "published_at": article.published_at,
        "removed": [{"text": r.text, "reason": r.reason, "stage": r.stage} for r in removals],
    }


def _removals_by_article(store: Store) -> dict[str, list[Removal]]:
    grouped: dict[str, list[Removal]] = {}
    for removal in store.iter_records(Removal, order_by=f"article, {_STAGE_ORDER}, position, id"):
        grouped.setdefault(removal.article, []).append(removal)
    return grouped


def _rejected_json(store: Store) -> list[dict[str, Any]]:
    return [
        {"source": r.source, "stage": r.stage, "reason": r.reason}
        for r in store.iter_records(Rejected, order_by="source, stage, reason, id")
    ]


def iter_articles_json(store: Store):
    removals = _removals_by_article(store)
    for article in store.iter_records(Article, order_by="source, id"):
        yield article_json(article, removals.get(article.id, []))


def build_analysis(store: Store) -> dict[str, Any]:
    """The whole analysis as one dict (tests, the Python API); see write_analysis for files."""
    analysis: dict[str, Any] = {"crosscheck_version": __version__,
                                "articles": list(iter_articles_json(store)),
                                "rejected": _rejected_json(store)}
    analysis.update({key: _section(store, key) for key in _SECTION_KEYS})
    return analysis


def _section(store: Store, key: str) -> list[dict[str, Any]]:
    return SECTIONS[key](store)


def write_analysis(store: Store, path: str | Path, *,
                   sections: dict[str, list[dict[str, Any]]] | None = None,
                   changes: dict[str, Any] | None = None) -> Path:
    """Write analysis.json, streaming articles so memory does not grow with the corpus.
    ``changes`` (from ``crosscheck watch``) is added as the last key when given."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write('{"crosscheck_version": %s,\n"articles": [' % json.dumps(__version__))
        for i, article in enumerate(iter_articles_json(store)):
            fh.write(("," if i else "") + "\n" + json.dumps(article, ensure_ascii=False))
        fh.write("\n],\n\"rejected\": " + json.dumps(_rejected_json(store), ensure_ascii=False, indent=1))
        for key in _SECTION_KEYS:
            section = sections[key] if sections is not None else _section(store, key)
            fh.write(f',\n"{key}": ' + json.dumps(section, ensure_ascii=False))
        if changes is not None:
            fh.write(',\n"changes": ' + json.dumps(changes, ensure_ascii=False))
        fh.write("\n}\n")
    tmp.replace(path)  # never leave a half-written analysis.json behind
    return path
