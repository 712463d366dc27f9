"""The ``events`` section of ``analysis.json`` (schema in docs/formats.md), and its ACLED-like
rows for exports."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..assess.event_links import retold_events
from ..records import Event, EventConflict, EventMember, EventMention, EventPlace
from ..store import Store

__all__ = ["events_json", "event_rows", "export_event_rows"]

_ROW_COLUMNS = ("event_id", "event_date", "event_type", "sub_event_type", "action", "cameo",
                "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude",
                "geo_precision", "source", "notes", "count", "origins", "articles", "conflicts",
                "also_in")


def events_json(store: Store) -> list[dict[str, Any]]:
    """Every event with its places, mentions (article and trigger span), origins, conflicts and
    the events of other stories that retell it (``also_in``), earliest first."""
    spans = {m.id: [m.start, m.end] for m in store.iter_records(EventMention)}
    members: dict[str, list[EventMember]] = defaultdict(list)
    for m in store.iter_records(EventMember, order_by="event, article, mention"):
        members[m.event].append(m)
    places: dict[str, list[dict[str, Any]]] = defaultdict(list)
    place_records: dict[str, list[EventPlace]] = defaultdict(list)
    for p in store.iter_records(EventPlace, order_by="event, position, id"):
        place_records[p.event].append(p)
        places[p.event].append({"name": p.name, "lat": p.lat, "lon": p.lon, "country": p.country,
                                "admin1": p.admin1, "precision": p.precision,
                                "geonameid": p.geonameid})
    conflicts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in store.iter_records(EventConflict, order_by="event, slot, id"):
        conflicts[c.event].append({"slot": c.slot, "detail": c.detail, "values": [
            {"article": a, "value": v} for a, v in zip(c.articles, c.values)]})
    events = list(store.iter_records(Event, order_by="time_start NULLS LAST, story NULLS LAST, id"))
    story_of = {e.id: e.story for e in events}
    retold = retold_events(events, place_records)
    out = []
    for e in events:
        own = members[e.id]
        out.append({
            "id": e.id, "story": e.story, "action": e.action, "cameo": e.cameo,
            "agent": e.agent, "target": e.target,
            "count": ({"text": e.count_text, "low": e.count_low, "high": e.count_high}
                      if e.count_text is not None else None),
            "places": places[e.id],
            "time": ({"text": e.time_text, "start": e.time_start, "end": e.time_end}
                     if e.time_text is not None else None),
            "attributed_to": list(e.attributed_to), "hedged": e.hedged,
            "articles": sorted({m.article for m in own}), "origins": e.origins,
            "origin_articles": sorted({m.origin for m in own}),
            "mentions": [{"article": m.article, "span": spans.get(m.mention)} for m in own],
            "conflicts": conflicts[e.id],
            "also_in": [{"event": other, "story": story_of[other]} for other in retold.get(e.id, ())]})
    return out


def event_rows(events: list[dict[str, Any]], outlets: dict[str, str | None]) -> list[dict[str, Any]]:
    """One ACLED-like row per event (event_date, event_type, ..., geo_precision) with crosscheck's
    own columns (origins, articles, conflicts, and ``also_in``: the events of other stories that
    retell it, so that a table of events counts it once)."""
    from ..enrich.events import event_actions

    acled = {a.action: a.acled for a in event_actions().values()}
    rows = []
    for e in events:
        place = e["places"][0] if e["places"] else {}
        event_type, _, sub_type = (acled.get(e["action"]) or "/").partition("/")
        rows.append({
            "event_id": e["id"], "event_date": (e["time"] or {}).get("start"),
            "event_type": event_type, "sub_event_type": sub_type, "action": e["action"],
            "cameo": e["cameo"], "actor1": e["agent"], "actor2": e["target"],
            "country": place.get("country"), "admin1": place.get("admin1"),
            "location": place.get("name"), "latitude": place.get("lat"),
            "longitude": place.get("lon"), "geo_precision": place.get("precision"),
            "source": "; ".join(sorted({outlets.get(a) or a for a in e["articles"]})),
            "notes": "; ".join(e["attributed_to"]),
            "count": (e["count"] or {}).get("text"), "origins": e["origins"],
            "articles": len(e["articles"]), "conflicts": ", ".join(c["slot"] for c in e["conflicts"]),
            "also_in": "; ".join(o["event"] for o in e.get("also_in", ()))})
    return rows


def export_event_rows(store: Store, out_dir: str | Path, *, fmt: str) -> Path:
    """Write ``events_acled.FMT``: :func:`event_rows` for every event in the store."""
    outlets = dict(store.con.execute("SELECT id, outlet FROM articles").fetchall())
    rows = event_rows(events_json(store), outlets)
    table = pa.Table.from_pylist(rows, schema=_row_schema()) if rows else _row_schema().empty_table()
    path = Path(out_dir) / f"events_acled.{fmt}"
    options = {"json": "FORMAT JSON, ARRAY true", "parquet": "FORMAT PARQUET",
               "csv": "FORMAT CSV, HEADER true"}[fmt]
    store.con.register("_event_rows", table)
    try:
        target = str(path).replace("'", "''")
        store.con.execute(f"COPY (SELECT * FROM _event_rows) TO '{target}' ({options})")
    finally:
        store.con.unregister("_event_rows")
    return path


def _row_schema() -> pa.Schema:
    numbers = {"latitude": pa.float64(), "longitude": pa.float64(), "origins": pa.int64(),
               "articles": pa.int64()}
    return pa.schema([(name, numbers.get(name, pa.string())) for name in _ROW_COLUMNS])
