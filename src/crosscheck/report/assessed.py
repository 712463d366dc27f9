"""The assessment sections (claim_groups, framing, findings) in analysis.json's shape.

The lead registers the official builders in ``sections.SECTIONS``; until a key is there, the
report and the web UI build it here from the records, in the shape docs/formats.md gives, so
their views work as soon as the assessment stage writes its tables (and are empty before).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..records import (ClaimGroup, ClaimGroupMember, Conflict, ConflictValue, Finding,
                       FramingName, FramingSpan)
from ..store import Store
from .sections import SECTIONS

__all__ = ["assessed_section", "claim_groups_json", "framing_json", "findings_json"]


def _span(start: int | None, end: int | None) -> list[int] | None:
    return None if start is None or end is None else [start, end]


def _conflicts(store: Store) -> dict[str, list[dict[str, Any]]]:
    values: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in store.iter_records(ConflictValue, order_by="conflict, article, id"):
        values[v.conflict].append({"article": v.article, "value": v.value,
                                   "span": _span(v.start, v.end)})
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in store.iter_records(Conflict, order_by="\"group\", slot, id"):
        by_group[c.group].append({"slot": c.slot, "detail": c.detail, "values": values[c.id]})
    return by_group


def claim_groups_json(store: Store) -> list[dict[str, Any]]:
    members: dict[str, list[ClaimGroupMember]] = defaultdict(list)
    for m in store.iter_records(ClaimGroupMember, order_by="\"group\", article, claim, id"):
        members[m.group].append(m)
    conflicts = _conflicts(store)
    result = []
    for g in store.iter_records(ClaimGroup, order_by="story NULLS LAST, origins DESC, id"):
        mine = members[g.id]
        result.append({
            "id": g.id, "story": g.story, "key": g.key,
            "claims": sorted({m.claim for m in mine}), "articles": sorted({m.article for m in mine}),
            "origins": g.origins, "origin_articles": sorted({m.origin for m in mine}),
            "primary_source": g.primary_source, "conflicts": conflicts[g.id]})
    return result


def framing_json(store: Store) -> list[dict[str, Any]]:
    outlets = dict(store.con.execute("SELECT id, outlet FROM articles").fetchall())
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for n in store.iter_records(FramingName, order_by="article, entity, count DESC, alias"):
        names[n.article].setdefault(n.entity, n.alias)
    loaded: dict[str, list[dict[str, Any]]] = defaultdict(list)
    techniques: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in store.iter_records(FramingSpan, order_by="article, start, id"):
        if s.kind == "loaded":
            loaded[s.article].append({"text": s.text, "span": [s.start, s.end],
                                      "copied_from": s.copied_from})
        else:
            techniques[s.article].append({"technique": s.technique, "text": s.text,
                                          "span": [s.start, s.end], "copied_from": s.copied_from})
    articles = sorted(set(names) | set(loaded) | set(techniques))
    return [{"article": a, "outlet": outlets.get(a), "names": dict(sorted(names[a].items())),
             "loaded": loaded[a], "techniques": techniques[a]} for a in articles]


def findings_json(store: Store) -> list[dict[str, Any]]:
    return [{"kind": f.kind, "article": f.article, "detail": f.detail,
             "span": _span(f.start, f.end), "related": f.related}
            for f in store.iter_records(Finding, order_by="article, kind, start NULLS LAST, id")]


_OWN = {"claim_groups": claim_groups_json, "framing": framing_json, "findings": findings_json}


def assessed_section(store: Store, key: str) -> list[dict[str, Any]]:
    """The official section builder when the lead has registered one, else ours."""
    build = SECTIONS.get(key) or _OWN[key]
    return build(store)
