"""Read-only queries behind the web UI and its JSON API.

The store is opened read-only and never changes while the server runs, so whole sections that
are cheap to hold (stories, derivations, entities, assessment output, article metadata) are built
once, on first use, and sliced for paging; articles, claims and quotes, which grow with the
corpus, are paged in SQL. One lock serialises access to the DuckDB connection.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..enrich.speakers import shown_speaker, speaker_names
from ..records import Claim, EntityKey, Mention, Quantity, Quote, Removal, TimeExpr
from ..report.json import article_json
from ..report.sections import SECTIONS, quantity_json, time_text
from ..report.views import safe_url
from ..store import Store

__all__ = ["Corpus", "MAX_LIMIT", "SEARCH_LIMIT"]

MAX_LIMIT = 500  # rows per API page, whatever the client asks for
SEARCH_LIMIT = 50
_ASSESSED = ("claim_groups", "framing", "findings")


def _like(query: str) -> str:
    """An ILIKE pattern matching ``query`` literally (``%``, ``_`` and ``\\`` escaped)."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Corpus:
    """The store behind one ``crosscheck serve``: queries return analysis.json-shaped dicts."""

    def __init__(self, db_path: str | Path):
        if not Path(db_path).is_file():
            raise FileNotFoundError(f"no crosscheck store at {db_path}: run "
                                    "`crosscheck analyze INPUT --out DIR` first, then serve DIR/crosscheck.duckdb")
        self.store = Store(db_path, read_only=True)
        self._lock = threading.RLock()
        self._cache: dict[str, Any] = {}

    def close(self) -> None:
        self.store.close()

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        with self._lock:
            return self.store.con.execute(sql, params or []).fetchall()

    def _records(self, record_type: type, **query: Any) -> list[Any]:
        with self._lock:
            return list(self.store.iter_records(record_type, **query))

    def section(self, key: str) -> list[dict[str, Any]]:
        """A whole cached section: stories, derivations, entities or an assessment one."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = SECTIONS[key](self.store)
            return self._cache[key]

    def meta(self) -> dict[str, dict[str, Any]]:
        """Every article's id, outlet, title, date, safe URL and source (no text)."""
        with self._lock:
            if "meta" not in self._cache:
                rows = self._rows("SELECT id, outlet, title, published, url, source FROM articles "
                                  "ORDER BY source, id")
                self._cache["meta"] = {
                    r[0]: {"id": r[0], "outlet": r[1], "title": r[2] or "(untitled)",
                           "published": r[3], "url": safe_url(r[4]), "source": r[5]} for r in rows}
            return self._cache["meta"]

    def counts(self) -> dict[str, int]:
        tables = ("articles", "stories", "derivations", "claims", "quotes", "claim_groups", "findings")
        return {t: self._rows(f"SELECT count(*) FROM {t}")[0][0] for t in tables}

    def outlet_counts(self) -> dict[str, int]:
        rows = self._rows("SELECT coalesce(outlet, '(unknown outlet)'), count(*) FROM articles GROUP BY 1")
        return dict(rows)

    # --- articles ----------------------------------------------------------------------------

    def articles_page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        from ..records import Article
        found = self._records(Article, order_by=f"source, id LIMIT {int(limit)} OFFSET {int(offset)}")
        removals = self._removals([a.id for a in found])
        return [article_json(a, removals.get(a.id, [])) for a in found]

    def article(self, article_id: str) -> dict[str, Any] | None:
        from ..records import Article
        found = self._records(Article, where="id = ?", params=[article_id])
        if not found:
            return None
        return article_json(found[0], self._removals([article_id]).get(article_id, []))

    def _removals(self, ids: list[str]) -> dict[str, list[Removal]]:
        grouped: dict[str, list[Removal]] = defaultdict(list)
        for r in self._records(Removal, where="article IN (SELECT unnest(?))", params=[ids],
                               order_by="article, position, id"):
            grouped[r.article].append(r)
        return grouped

    # --- claims and quotes, paged in SQL -----------------------------------------------------

    def claims_page(self, offset: int, limit: int, *, article: str | None = None) -> list[dict[str, Any]]:
        where, params = ("article = ?", [article]) if article else ("true", [])
        claims = self._records(Claim, where=where, params=params,
                               order_by=f"article, start, id LIMIT {int(limit)} OFFSET {int(offset)}")
        quantity_ids = sorted({i for c in claims for i in c.quantities})
        time_ids = sorted({i for c in claims for i in c.times})
        quantities = {q.id: q for q in self._records(Quantity, where="id IN (SELECT unnest(?))", params=[quantity_ids])}
        times = {t.id: t for t in self._records(TimeExpr, where="id IN (SELECT unnest(?))", params=[time_ids])}
        entity_of = self._entities_of(sorted({c.speaker_key for c in claims if c.speaker_key}))
        return [
            {"id": c.id, "article": c.article, "span": [c.start, c.end], "text": c.text,
             "speaker": c.speaker, "speaker_text": c.speaker_text or c.speaker,
             "speaker_entity": entity_of.get(c.speaker_key, c.speaker_key) if c.speaker_key else None,
             "cue": c.cue, "hedged": c.hedged, "hedge": c.hedge,
             "actor": c.actor, "action": c.action, "score": round(c.score, 4),
             "quantities": [quantity_json(quantities[i]) for i in c.quantities if i in quantities],
             "places": list(c.places), "times": [time_text(times[i]) for i in c.times if i in times]}
            for c in claims]

    def quotes_page(self, offset: int, limit: int, *, article: str | None = None) -> list[dict[str, Any]]:
        where, params = ("article = ?", [article]) if article else ("true", [])
        quotes = self._records(Quote, where=where, params=params,
                               order_by=f"article, start, id LIMIT {int(limit)} OFFSET {int(offset)}")
        names = self._speaker_names(quotes)
        entity_of = self._entities_of(sorted({q.speaker_key for q in quotes if q.speaker_key}))
        return [
            {"id": q.id, "article": q.article, "span": [q.start, q.end], "kind": q.kind,
             "speaker": q.speaker,
             "speaker_name": shown_speaker(q.speaker, names.get((q.article, q.speaker_key)))
             if q.speaker else None,
             "speaker_entity": entity_of.get(q.speaker_key) if q.speaker_key else None,
             "speaker_span": None if q.speaker_start is None else [q.speaker_start, q.speaker_end],
             "cue": q.cue, "cue_span": None if q.cue_start is None else [q.cue_start, q.cue_end],
             "stance": q.stance, "content_span": [q.content_start, q.content_end], "via": list(q.via)}
            for q in quotes]

    def _entities_of(self, keys: list[str]) -> dict[str, str]:
        """Mention keys to corpus entity ids (a key not merged yet stands for itself)."""
        found = self._records(EntityKey, where="key IN (SELECT unnest(?))", params=[keys]) if keys else []
        return {k.key: k.entity for k in found}

    def _speaker_names(self, quotes: list[Quote]) -> dict[tuple[str, str], str]:
        keys = sorted({q.speaker_key for q in quotes if q.speaker_key})
        articles = sorted({q.article for q in quotes if q.speaker_key})
        if not keys:
            return {}
        return speaker_names(self._records(
            Mention, where="article IN (SELECT unnest(?)) AND key IN (SELECT unnest(?))",
            params=[articles, keys]))

    def mentions(self, article_id: str) -> list[dict[str, Any]]:
        return [{"start": m.start, "end": m.end, "label": m.label, "name": m.name}
                for m in self._records(Mention, where="article = ?", params=[article_id],
                                       order_by="start, id")]

    # --- one article or story, with what touches it -------------------------------------------

    def _touching(self, key: str, article_ids: set[str]) -> list[dict[str, Any]]:
        index = self._index(key)
        seen, result = set(), []
        for article in sorted(article_ids):
            for i in index.get(article, []):
                if i not in seen:
                    seen.add(i)
                    result.append(self.section(key)[i])
        return result

    def _index(self, key: str) -> dict[str, list[int]]:
        with self._lock:
            name = f"index:{key}"
            if name not in self._cache:
                grouped: dict[str, list[int]] = defaultdict(list)
                for i, item in enumerate(self.section(key)):
                    for article in _articles_of(key, item):
                        grouped[article].append(i)
                self._cache[name] = grouped
            return self._cache[name]

    def article_data(self, article: dict[str, Any]) -> dict[str, Any]:
        """The slice of analysis.json one article page highlights (for ``article_spans``)."""
        ident = article["id"]
        related = self._touching("derivations", {ident})
        others = {d["source"] for d in related} | {d["derived"] for d in related}
        meta = self.meta()
        return {"articles": [dict(meta[a], text="") for a in sorted(others | {ident}) if a in meta],
                "quotes": self.quotes_page(0, 10**6, article=ident),
                "claims": self.claims_page(0, 10**6, article=ident),
                "derivations": related, "mentions": {ident: self.mentions(ident)},
                **{key: self._touching(key, {ident}) for key in _ASSESSED}}

    def story(self, story_id: str) -> dict[str, Any] | None:
        return next((s for s in self.section("stories") if s["id"] == story_id), None)

    def story_data(self, story: dict[str, Any]) -> dict[str, Any]:
        members = set(story["articles"])
        derivations = [d for d in self._touching("derivations", members)
                       if d["source"] in members and d["derived"] in members]
        groups = [g for g in self.section("claim_groups") if g["story"] == story["id"]]
        return {"derivations": derivations, "claim_groups": groups}

    def derivation(self, derivation_id: str) -> dict[str, Any] | None:
        return next((d for d in self.section("derivations") if d["id"] == derivation_id), None)

    def texts(self, ids: list[str]) -> dict[str, str]:
        return dict(self._rows("SELECT id, text FROM articles WHERE id IN (SELECT unnest(?))", [ids]))

    # --- search --------------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = SEARCH_LIMIT) -> dict[str, list[dict[str, Any]]]:
        """Articles whose title, outlet or text contains ``query``, and claims that do."""
        pattern = _like(query.strip())
        rows = self._rows(
            "SELECT id FROM articles WHERE title ILIKE ? ESCAPE '\\' OR outlet ILIKE ? ESCAPE '\\' "
            "OR text ILIKE ? ESCAPE '\\' ORDER BY (title ILIKE ? ESCAPE '\\') DESC, source, id LIMIT ?",
            [pattern, pattern, pattern, pattern, limit])
        meta = self.meta()
        claims = self._rows("SELECT id, article, text FROM claims WHERE text ILIKE ? ESCAPE '\\' "
                            "ORDER BY article, start, id LIMIT ?", [pattern, limit])
        return {"articles": [meta[r[0]] for r in rows if r[0] in meta],
                "claims": [{"id": c[0], "article": c[1], "text": c[2],
                            "outlet": meta.get(c[1], {}).get("outlet")} for c in claims]}


def _articles_of(key: str, item: dict[str, Any]) -> list[str]:
    if key == "derivations":
        return [item["source"], item["derived"]]
    if key == "claim_groups":
        return list(item["articles"])
    return [item["article"]]
