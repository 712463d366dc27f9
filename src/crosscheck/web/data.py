"""Read-only queries behind the web UI and its JSON API.

The store is opened read-only and never changes while the server runs (DuckDB's file lock keeps
writers out), so whole sections that are cheap to hold (stories, derivations, entities,
assessment output, article metadata, counts) are built once, on first use, and sliced for paging.

Articles, claims, quotes and the other per-article tables grow with the corpus and stay in the
store. The enrich stage writes a batch of articles at a time, so one article's rows lie within a
few hundred rows (on the 19k Reuters store: at most 932 rows apart for 18,392 articles). The
server keeps, per table, the first and last row number of each article (one scan on first use, a
few bytes per article) and reads one article's rows as ``rowid BETWEEN first AND last AND
article = ?``: DuckDB reads only that stretch instead of scanning the table (an article whose
rows are far apart is still read correctly, only slower). Global pages (``/api/claims?offset=20000``) find
their articles from per-article row counts in page order, so no request sorts a whole table. One
lock serialises access to the DuckDB connection.
"""

from __future__ import annotations

import bisect
import dataclasses
import gc
import itertools
import threading
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from ..enrich.speakers import shown_speaker, speaker_names
from ..records import Article, Claim, EntityKey, Mention, Quantity, Quote, Removal, TimeExpr, record_table
from ..report.json import article_json
from ..report.sections import SECTIONS, quantity_json, time_text
from ..report.views import safe_url
from ..store import Store

__all__ = ["Corpus", "MAX_LIMIT", "SEARCH_LIMIT"]

MAX_LIMIT = 500  # rows per API page, whatever the client asks for
SEARCH_LIMIT = 50
_ASSESSED = ("claim_groups", "framing", "findings")


# Per-article tables the pages read an article at a time, and the most rows (all of them
# together) copied into memory; the 19k Reuters store holds about 530,000 (some 170 MB copied).
_PER_ARTICLE = (Removal, Mention, Quote, Claim, Quantity, TimeExpr)
MEMORY_ROWS = 3_000_000


class _Copies:
    """The per-article tables in an in-memory DuckDB database, sorted by article with an index
    on it: one article's rows are an index look-up (about 1 ms) instead of a scan of the store's
    row groups (3-5 ms each, six tables per article page)."""

    def __init__(self, store: Store):
        self.con = duckdb.connect(":memory:")
        self.columns: dict[str, set[str]] = {}
        for record_type in _PER_ARTICLE:
            table = record_table(record_type)
            if not store.has_table(table):
                continue
            data = store.con.sql(f"SELECT * FROM {table} ORDER BY article").to_arrow_table()
            self.con.register("incoming", data)
            self.con.execute(f"CREATE TABLE {table} AS SELECT * FROM incoming")
            self.con.unregister("incoming")
            self.con.execute(f"CREATE INDEX {table}_article ON {table} (article)")
            self.columns[table] = set(data.column_names)

    def records(self, record_type: type, articles: list[str], *, order_by: str) -> list[Any]:
        table = record_table(record_type)
        if table not in self.columns or not articles:
            return []
        have = self.columns[table]
        names = [f.name for f in dataclasses.fields(record_type)]
        selected = ", ".join(f'"{n}"' if n in have else "NULL" for n in names)
        where = "article = ?" if len(articles) == 1 else f"article IN ({_marks(articles)})"
        rows = self.con.execute(f"SELECT {selected} FROM {table} WHERE {where} ORDER BY {order_by}",
                                articles).fetchall()
        lists = [i for i, f in enumerate(dataclasses.fields(record_type)) if "tuple" in str(f.type)]
        if lists:  # DuckDB hands lists back; records hold tuples
            rows = [tuple(tuple(v) if i in lists and v is not None else v for i, v in enumerate(row))
                    for row in rows]
        return [record_type(*row) for row in rows]


def _marks(values: list[Any]) -> str:
    """``?, ?, ?``: one parameter per value. DuckDB answers ``id IN (?, ?)`` from the primary
    key's index; ``IN (SELECT unnest(?))`` is a join that reads the table."""
    return ", ".join("?" * len(values))


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
            return self.store.records(record_type, **query)

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
        def count() -> dict[str, int]:
            tables = ("articles", "stories", "derivations", "claims", "quotes", "claim_groups", "findings")
            return {t: self._rows(f"SELECT count(*) FROM {t}")[0][0] for t in tables}
        return self.cached("counts", count)

    def outlet_counts(self) -> dict[str, int]:
        return self.cached("outlet_counts", lambda: dict(self._rows(
            "SELECT coalesce(outlet, '(unknown outlet)'), count(*) FROM articles GROUP BY 1")))

    def cached(self, name: str, build: Any) -> Any:
        """``build()``, computed once per server: the store does not change under it."""
        with self._lock:
            if name not in self._cache:
                self._cache[name] = build()
                # What is kept lives as long as the server: out of the garbage collector's
                # sight, or every full collection walks it (about 130 ms on the 19k store).
                gc.freeze()
            return self._cache[name]

    # --- per-article rows, by row number ------------------------------------------------------

    def _placement(self, record_type: type) -> dict[str, tuple[int, int, int]]:
        """Article -> (first rowid, last rowid, rows) of a per-article table, and the articles
        in ``article`` order with their cumulative row counts (for global pages)."""
        table = record_table(record_type)

        def scan() -> dict[str, tuple[int, int, int]]:
            if not self.store.has_table(table):
                return {}
            return {a: (lo, hi, n) for a, lo, hi, n in self._rows(
                f"SELECT article, min(rowid), max(rowid), count(*) FROM {table} GROUP BY article")}
        return self.cached(f"placement:{table}", scan)

    def _copies(self) -> "_Copies | None":
        """The per-article tables copied into memory, indexed by article (``None`` when they
        hold more than ``MEMORY_ROWS`` rows: the store is read instead)."""
        def build() -> _Copies | None:
            rows = sum(n for t in _PER_ARTICLE for _, _, n in self._placement(t).values())
            return _Copies(self.store) if rows <= MEMORY_ROWS else None
        return self.cached("copies", build)

    def _of_articles(self, record_type: type, articles: list[str], *, order_by: str) -> list[Any]:
        """The rows of ``articles`` in a per-article table: from the in-memory copy by its
        index, else each article's row range in the store, read together (``article IN``
        keeps the answer exact whatever else lies in the ranges)."""
        copies = self._copies()
        if copies is not None:
            chosen = sorted(set(articles))
            with self._lock:
                return copies.records(record_type, chosen, order_by=order_by)
        placed = self._placement(record_type)
        ranges = sorted(placed[a][:2] for a in set(articles) if a in placed)
        if not ranges:
            return []
        merged: list[list[int]] = []
        for lo, hi in ranges:  # neighbouring ranges read as one
            if merged and lo <= merged[-1][1] + 2048:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        where = " OR ".join("rowid BETWEEN ? AND ?" for _ in merged)
        params: list[Any] = [v for pair in merged for v in pair]
        if len(ranges) == 1:
            return self._records(record_type, where=f"({where}) AND article = ?",
                                 params=[*params, articles[0]], order_by=order_by)
        chosen = sorted(set(articles))
        return self._records(record_type, where=f"({where}) AND article IN ({_marks(chosen)})",
                             params=[*params, *chosen], order_by=order_by)

    def _paged_articles(self, record_type: type, offset: int, limit: int) -> tuple[list[str], int]:
        """The articles holding rows ``offset .. offset + limit`` of a per-article table in
        ``article`` order, and how many rows of the first of them come before ``offset``."""
        placed = self._placement(record_type)

        def order() -> tuple[list[str], list[int]]:
            articles = sorted(placed)
            before, total = [], 0
            for a in articles:
                before.append(total)
                total += placed[a][2]
            return articles, before
        articles, before = self.cached(f"order:{record_table(record_type)}", order)
        first = bisect.bisect_right(before, offset) - 1
        if first < 0 or limit <= 0:
            return [], 0
        chosen, index = [], first
        while index < len(articles) and before[index] < offset + limit:
            chosen.append(articles[index])
            index += 1
        return chosen, offset - before[first]

    # --- articles ----------------------------------------------------------------------------

    def articles_page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        ids = list(self.meta())[offset:offset + limit]  # meta is in page order (source, id)
        if not ids:
            return []
        found = {a.id: a for a in self._records(Article, where=f"id IN ({_marks(ids)})", params=ids)}
        removals = self._removals(ids)
        return [article_json(found[i], removals.get(i, [])) for i in ids if i in found]

    def article(self, article_id: str) -> dict[str, Any] | None:
        found = self._records(Article, where="id = ?", params=[article_id])
        if not found:
            return None
        return article_json(found[0], self._removals([article_id]).get(article_id, []))

    def _removals(self, ids: list[str]) -> dict[str, list[Removal]]:
        grouped: dict[str, list[Removal]] = defaultdict(list)
        for r in self._of_articles(Removal, ids, order_by="article, position, id"):
            grouped[r.article].append(r)
        return grouped

    # --- claims and quotes, paged in SQL -----------------------------------------------------

    def _page(self, record_type: type, offset: int, limit: int, article: str | None) -> list[Any]:
        order = "article, start, id"
        if article is not None:
            return self._of_articles(record_type, [article], order_by=order)[offset:offset + limit]
        articles, skip = self._paged_articles(record_type, offset, limit)
        return self._of_articles(record_type, articles, order_by=order)[skip:skip + limit]

    def claims_page(self, offset: int, limit: int, *, article: str | None = None) -> list[dict[str, Any]]:
        claims = self._page(Claim, offset, limit, article)
        articles = sorted({c.article for c in claims})
        quantity_ids = {i for c in claims for i in c.quantities}
        time_ids = {i for c in claims for i in c.times}
        # a claim's quantities and times are its article's: read by article, kept by id
        quantities = {q.id: q for q in self._of_articles(Quantity, articles, order_by="id")
                      if q.id in quantity_ids} if quantity_ids else {}
        times = {t.id: t for t in self._of_articles(TimeExpr, articles, order_by="id")
                 if t.id in time_ids} if time_ids else {}
        missing_q, missing_t = quantity_ids - set(quantities), time_ids - set(times)
        if missing_q:  # not the claim's article's (never written so): by id, as before
            quantities.update((q.id, q) for q in self._records(
                Quantity, where="id IN (SELECT unnest(?))", params=[sorted(missing_q)]))
        if missing_t:
            times.update((t.id, t) for t in self._records(
                TimeExpr, where="id IN (SELECT unnest(?))", params=[sorted(missing_t)]))
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
        quotes = self._page(Quote, offset, limit, article)
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
        every = self.cached("entity_of", lambda: dict(self._rows("SELECT key, entity FROM entity_keys")))
        return {k: every[k] for k in keys if k in every}

    def _speaker_names(self, quotes: list[Quote]) -> dict[tuple[str, str], str]:
        keys = {q.speaker_key for q in quotes if q.speaker_key}
        articles = sorted({q.article for q in quotes if q.speaker_key})
        if not keys:
            return {}
        return speaker_names([m for m in self._of_articles(Mention, articles, order_by="id")
                              if m.key in keys])

    def mentions(self, article_id: str) -> list[dict[str, Any]]:
        return [{"start": m.start, "end": m.end, "label": m.label, "name": m.name}
                for m in self._of_articles(Mention, [article_id], order_by="start, id")]

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

    def _by_id(self, key: str) -> dict[str, dict[str, Any]]:
        """A section's records by id (the first of each id, as a scan would find it)."""
        def build() -> dict[str, dict[str, Any]]:
            found: dict[str, dict[str, Any]] = {}
            for item in self.section(key):
                found.setdefault(item["id"], item)
            return found
        return self.cached(f"by_id:{key}", build)

    def story(self, story_id: str) -> dict[str, Any] | None:
        return self._by_id("stories").get(story_id)

    def story_data(self, story: dict[str, Any]) -> dict[str, Any]:
        members = set(story["articles"])
        derivations = [d for d in self._touching("derivations", members)
                       if d["source"] in members and d["derived"] in members]

        def by_story() -> dict[str, list[dict[str, Any]]]:
            grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for g in self.section("claim_groups"):
                grouped[g["story"]].append(g)
            return grouped
        groups = list(self.cached("claim_groups_by_story", by_story).get(story["id"], []))
        return {"derivations": derivations, "claim_groups": groups}

    def derivation(self, derivation_id: str) -> dict[str, Any] | None:
        return self._by_id("derivations").get(derivation_id)

    def texts(self, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        return dict(self._rows(f"SELECT id, text FROM articles WHERE id IN ({_marks(ids)})", list(ids)))

    # --- search --------------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = SEARCH_LIMIT) -> dict[str, list[dict[str, Any]]]:
        """Articles whose title, outlet or text contains ``query`` (those whose title does
        first), and claims that do; case-insensitive, literal (no wildcards), in page order.

        Searched in memory: the lower-cased titles, outlets and texts, and the claims' texts,
        each joined into one string on first use, so a search is one ``str.find`` per hit
        instead of a scan of the tables."""
        needle = query.strip().lower()
        meta = self.meta()
        if not needle or "\x00" in needle:
            return {"articles": [], "claims": []}
        titles, bodies, claims = self.cached("search", self._search_index)
        found = list(itertools.islice(titles.matches(needle), limit))
        if len(found) < limit:
            in_title = set(found)
            found += itertools.islice((k for k in bodies.matches(needle) if k not in in_title),
                                      limit - len(found))
        hits = [claims.keys[k] for k in itertools.islice(claims.matches(needle), limit)]
        return {"articles": [meta[titles.keys[k]] for k in found if titles.keys[k] in meta],
                "claims": [{"id": c[0], "article": c[1], "text": c[2],
                            "outlet": meta.get(c[1], {}).get("outlet")} for c in hits]}

    def _search_index(self) -> tuple["_Joined", "_Joined", "_Joined"]:
        rows = self._rows("SELECT id, title, outlet, text FROM articles ORDER BY source, id")
        ids = [r[0] for r in rows]
        titles = _Joined(ids, [r[1] or "" for r in rows])
        bodies = _Joined(ids, [(r[2] or "") + "\x00" + (r[3] or "") for r in rows])
        claims = self._rows("SELECT id, article, text FROM claims ORDER BY article, start, id")
        return titles, bodies, _Joined(claims, [c[2] or "" for c in claims])


class _Joined:
    """Texts lower-cased and joined with NUL between them: ``matches`` yields, in order, the
    index of each text holding a string (one ``str.find`` per hit; a string without NUL never
    spans two texts)."""

    def __init__(self, keys: list[Any], texts: list[str]):
        self.keys = keys
        self.starts: list[int] = []
        parts, at = [], 0
        for text in texts:
            lowered = text.lower()
            self.starts.append(at)
            parts.append(lowered)
            at += len(lowered) + 1
        self.joined = "\x00".join(parts)

    def matches(self, needle: str) -> Iterator[int]:
        position = 0
        while (hit := self.joined.find(needle, position)) >= 0:
            index = bisect.bisect_right(self.starts, hit) - 1
            yield index
            position = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.joined)


def _articles_of(key: str, item: dict[str, Any]) -> list[str]:
    if key == "derivations":
        return [item["source"], item["derived"]]
    if key == "claim_groups":
        return list(item["articles"])
    return [item["article"]]
