"""The record sections of ``analysis.json``: quotes, claims, entities, stories, derivations.

Each function reads the store and returns JSON-able lists in a stable order (see
docs/formats.md for every field). Offsets are ``[start, end]`` pairs into the article's text.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..records import (Claim, ClaimGroup, ClaimGroupMember, Conflict, ConflictValue, Derivation,
                       Entity, EntityKey, Finding, FramingName, FramingSpan, Mention, Passage,
                       Quantity, Quote, Story, StoryMember, TimeExpr, outlet_label)
from ..enrich.speakers import shown_speaker, speaker_names
from ..store import Store
from .event_sections import events_json

__all__ = ["quotes_json", "claims_json", "entities_json", "stories_json", "derivations_json",
           "claim_groups_json", "framing_json", "findings_json", "SECTIONS",
           "build_sections"]


def _span(start: int | None, end: int | None) -> list[int] | None:
    return None if start is None or end is None else [start, end]


def _entity_of_key(store: Store) -> dict[str, str]:
    return {k.key: k.entity for k in store.iter_records(EntityKey)}


def quotes_json(store: Store) -> list[dict[str, Any]]:
    entity_of = _entity_of_key(store)
    names = speaker_names(store.iter_records(Mention))
    return [
        {"id": q.id, "article": q.article, "span": [q.start, q.end], "kind": q.kind,
         "speaker": q.speaker, "speaker_span": _span(q.speaker_start, q.speaker_end),
         "speaker_entity": entity_of.get(q.speaker_key) if q.speaker_key else None,
         "speaker_name": shown_speaker(q.speaker, names.get((q.article, q.speaker_key)))
         if q.speaker else None,
         "cue": q.cue, "cue_span": _span(q.cue_start, q.cue_end), "stance": q.stance,
         "content_span": [q.content_start, q.content_end], "via": list(q.via)}
        for q in store.iter_records(Quote, order_by="article, start, id")
    ]


def quantity_json(q: Quantity) -> dict[str, Any]:
    return {"text": q.text, "value": q.value, "low": q.low, "high": q.high,
            "approximate": q.approximate, "unit": q.unit, "counted": q.counted,
            "span": [q.start, q.end]}


def time_text(t: TimeExpr) -> str:
    """A time as the article says it, with the interval it was resolved to."""
    if t.low and t.high:
        interval = t.low if t.low == t.high else f"{t.low}..{t.high}"
        return f"{t.text} ({interval})"
    return t.text


def claims_json(store: Store) -> list[dict[str, Any]]:
    quantities = {q.id: q for q in store.iter_records(Quantity)}
    times = {t.id: t for t in store.iter_records(TimeExpr)}
    entity_of = _entity_of_key(store)
    return [
        {"id": c.id, "article": c.article, "span": [c.start, c.end], "text": c.text,
         "speaker": c.speaker, "speaker_text": c.speaker_text or c.speaker,
         "speaker_entity": entity_of.get(c.speaker_key, c.speaker_key) if c.speaker_key else None,
         "cue": c.cue, "hedged": c.hedged, "hedge": c.hedge,
         "actor": c.actor, "action": c.action, "score": round(c.score, 4),
         "quantities": [quantity_json(quantities[i]) for i in c.quantities if i in quantities],
         "places": list(c.places),
         "times": [time_text(times[i]) for i in c.times if i in times]}
        for c in store.iter_records(Claim, order_by="article, start, id")
    ]


def entities_json(store: Store) -> list[dict[str, Any]]:
    keys: dict[str, list[str]] = defaultdict(list)
    for k in store.iter_records(EntityKey, order_by="key"):
        keys[k.entity].append(k.key)
    # An article with no known outlet is named by its file name (not the whole path, which would
    # make the answer depend on where the corpus lies), so scrapes stay apart.
    outlets = {i: outlet_label(outlet, source)
               for i, outlet, source in store.con.execute("SELECT id, outlet, source FROM articles").fetchall()}
    names: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    articles: dict[str, set[str]] = defaultdict(set)
    entity_of = _entity_of_key(store)
    for m in store.iter_records(Mention, order_by="article, start, id"):
        entity = entity_of.get(m.key)
        if entity is None or m.article not in outlets:
            continue
        names[entity][outlets[m.article]][m.text] += 1
        articles[entity].add(m.article)
    result = []
    for e in store.iter_records(Entity, order_by="id"):
        by_outlet = {o: dict(sorted(a.items())) for o, a in sorted(names[e.id].items())}
        aliases = sorted({alias for counts in by_outlet.values() for alias in counts})
        result.append({"id": e.id, "name": e.name, "type": e.type, "aliases": aliases,
                       "names_by_outlet": by_outlet, "articles": sorted(articles[e.id])})
    return result


def stories_json(store: Store) -> list[dict[str, Any]]:
    members: dict[str, list[str]] = defaultdict(list)
    for m in store.iter_records(StoryMember, order_by="story, article"):
        members[m.story].append(m.article)
    return [
        {"id": s.id, "title": s.title, "articles": members[s.id],
         "first_published": s.first_published, "last_published": s.last_published}
        for s in store.iter_records(Story, order_by="first_published NULLS LAST, id")
    ]


def derivations_json(store: Store) -> list[dict[str, Any]]:
    passages: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in store.iter_records(Passage, order_by="derivation, derived_start, id"):
        passages[p.derivation].append(
            {"source_span": [p.source_start, p.source_end],
             "derived_span": [p.derived_start, p.derived_end],
             "kind": p.kind, "similarity": round(p.similarity, 4)})
    return [
        {"id": d.id, "source": d.source, "derived": d.derived, "kind": d.kind,
         "score": round(d.score, 4), "similarity": round(d.similarity, 4),
         "direction": d.direction, "evidence": d.evidence, "relation": d.relation or "derived",
         "passages": passages[d.id]}
        for d in store.iter_records(Derivation, order_by="source, derived, id")
    ]


def claim_groups_json(store: Store) -> list[dict[str, Any]]:
    members: dict[str, list[ClaimGroupMember]] = defaultdict(list)
    for m in store.iter_records(ClaimGroupMember, order_by='"group", article, claim'):
        members[m.group].append(m)
    values: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in store.iter_records(ConflictValue, order_by="conflict, article, id"):
        values[v.conflict].append({"article": v.article, "value": v.value, "span": _span(v.start, v.end)})
    conflicts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in store.iter_records(Conflict, order_by='"group", slot, id'):
        conflicts[c.group].append({"slot": c.slot, "detail": c.detail, "values": values[c.id]})
    return [
        {"id": g.id, "story": g.story, "key": g.key,
         "claims": [m.claim for m in members[g.id]],
         "articles": sorted({m.article for m in members[g.id]}),
         "origins": g.origins,
         "origin_articles": sorted({m.origin for m in members[g.id]}),
         "primary_source": g.primary_source, "conflicts": conflicts[g.id]}
        for g in store.iter_records(ClaimGroup, order_by="story NULLS LAST, id")
    ]


def framing_json(store: Store) -> list[dict[str, Any]]:
    outlets = dict(store.con.execute("SELECT id, outlet FROM articles").fetchall())
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for n in store.iter_records(FramingName, order_by="article, entity"):
        names[n.article][n.entity] = n.alias
    loaded: dict[str, list[dict[str, Any]]] = defaultdict(list)
    techniques: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in store.iter_records(FramingSpan, order_by="article, start, id"):
        entry = {"text": f.text, "span": [f.start, f.end], "copied_from": f.copied_from,
                 "confidence": f.confidence}
        if f.kind == "loaded":
            loaded[f.article].append(entry)
        else:
            techniques[f.article].append({"technique": f.technique, **entry})
    articles = sorted(set(names) | set(loaded) | set(techniques))
    return [
        {"article": a, "outlet": outlets.get(a), "names": names.get(a, {}),
         "loaded": loaded.get(a, []), "techniques": techniques.get(a, [])}
        for a in articles
    ]


def findings_json(store: Store) -> list[dict[str, Any]]:
    return [
        {"kind": f.kind, "article": f.article, "detail": f.detail, "span": _span(f.start, f.end),
         "related": f.related}
        for f in store.iter_records(Finding, order_by="kind, article, start NULLS LAST, id")
    ]


def build_sections(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every section once, for callers that write several outputs from one store."""
    return {key: build(store) for key, build in SECTIONS.items()}


SECTIONS = {
    "entities": entities_json,
    "stories": stories_json,
    "derivations": derivations_json,
    "quotes": quotes_json,
    "claims": claims_json,
    "claim_groups": claim_groups_json,
    "framing": framing_json,
    "findings": findings_json,
    "events": events_json,
}
