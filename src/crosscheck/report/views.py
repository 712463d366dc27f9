"""View models shared by the HTML report and the web UI: plain data, no markup.

Templates only place what these functions compute: highlighted text as segments (so every piece
of article text is escaped by Jinja2, never assembled into HTML here), graph and timeline layouts
as coordinates, the claim matrix as cells. Everything is ordered deterministically.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from ..assess.voices import HONORIFICS
from ..excerpt import excerpt, titled_label

__all__ = ["Segment", "segments", "segments_html", "safe_url", "timeline", "event_timeline",
           "provenance_graph", "claim_matrix", "naming_rows", "names_differ", "most_used_name",
           "framing_terms", "bar_chart", "outlet_label", "titled_label", "article_label",
           "KIND_COLOURS", "date_span"]

# Derivation kinds drawn in the provenance graph; colours the legend explains.
KIND_COLOURS = {"copy": "#b3261e", "rewrite": "#c26a00", "paraphrase": "#1f6fb2",
                "partial": "#5b7f2b"}


@dataclass
class Segment:
    """A run of article text covered by the same set of highlights."""

    text: str
    classes: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    anchor_classes: list[str] = field(default_factory=list)

    def layers(self) -> list[tuple[str, str | None]]:
        """(class, anchor id or None) per highlight layer, one nested element each, so a
        layer switched off leaves the others visible."""
        ids = dict(zip(self.anchor_classes, self.anchors))
        return [(cls, ids.get(cls)) for cls in self.classes]


def segments(text: str, spans: list[dict[str, Any]]) -> list[Segment]:
    """Cut ``text`` at every span boundary; each piece lists the spans covering it.

    A span is ``{"start", "end", "cls", "title"?, "anchor"?}``; spans outside the text are
    clipped, empty ones dropped; overlapping spans nest naturally because pieces never cross a
    boundary. An anchor lands on the first piece of its span.
    """
    size = len(text)
    clean = []
    for span in spans:
        start, end = max(0, int(span["start"])), min(size, int(span["end"]))
        if start < end:
            clean.append((start, end, len(clean), span))
    cuts = sorted({0, size, *(c[0] for c in clean), *(c[1] for c in clean)})
    starting: dict[int, list[tuple]] = defaultdict(list)
    for item in clean:
        starting[item[0]].append(item)
    active: dict[int, tuple] = {}
    result = []
    for left, right in zip(cuts, cuts[1:]):  # sweep: spans open at their start, close at end
        active = {k: v for k, v in active.items() if v[1] > left}
        active.update((item[2], item) for item in starting.get(left, []))
        covering = [item[3] for item in active.values()]
        opened = [item[3] for item in starting.get(left, []) if item[3].get("anchor")]
        result.append(Segment(
            text=text[left:right],
            classes=sorted({sp["cls"] for sp in covering}),
            titles=sorted({sp["title"] for sp in covering if sp.get("title")}),
            anchors=[sp["anchor"] for sp in opened], anchor_classes=[sp["cls"] for sp in opened]))
    return result


def segments_html(segs: list[Segment]) -> Markup:
    """The highlighted text as HTML: what the ``text`` macro wrote segment by segment, built in
    one pass (a verbatim copy of a long article is thousands of segments). Every piece of text
    and every attribute goes through markupsafe's escape, as Jinja2's autoescaping does."""
    out: list[str] = []
    for s in segs:
        out.extend(f'<span id="{escape(a)}"></span>' for a, c in zip(s.anchors, s.anchor_classes)
                   if c not in s.classes)
        if not s.classes:
            out.append(escape(s.text))
            continue
        layers = s.layers()
        for index, (cls, anchor) in enumerate(layers):
            ident = f' id="{escape(anchor)}"' if anchor else ""
            title = f' title="{escape("; ".join(s.titles))}"' if index == 0 and s.titles else ""
            out.append(f'<span class="hl {escape(cls)}"{ident}{title}>')
        out.append(escape(s.text))
        out.append("</span>" * len(layers))
    return Markup("".join(out))


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s) with a host; anything else (javascript:, data:) is not linked."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def timeline(articles: list[dict[str, Any]], *, width: int = 760, row: int = 22) -> dict[str, Any]:
    """Articles placed by publication date (x) and in date order (y); undated ones at the end."""
    dated = sorted((a for a in articles if _day(a.get("published"))),
                   key=lambda a: (a["published"], a.get("outlet") or "", a["id"]))
    undated = sorted((a for a in articles if not _day(a.get("published"))),
                     key=lambda a: (a.get("outlet") or "", a["id"]))
    days = [_day(a["published"]) for a in dated]
    first, last = (min(days), max(days)) if days else (None, None)
    span = max(1, (last - first).days) if first else 1
    left, right = 200, width - 50
    points = []
    for i, article in enumerate(dated + undated):
        day = _day(article.get("published"))
        x = left + (right - left) * ((day - first).days / span) if day else right
        points.append({"id": article["id"], "x": round(x, 1), "y": 20 + i * row,
                       "label": excerpt(outlet_label(article), 26),
                       "date": article.get("published") or "undated", "dated": bool(day)})
    ticks = _ticks(first, last, left, right) if first else []
    return {"width": width, "height": 40 + len(points) * row, "points": points, "ticks": ticks,
            "left": left, "right": right}


def event_timeline(events: list[dict[str, Any]], *, width: int = 760, row: int = 18,
                   limit: int = 80) -> dict[str, Any]:
    """Events whose time resolved to dates, as bars from the first to the last day the time
    allows ("2018" spans the year, "April 19" is one day), earliest first, each linking to its
    event's row; at most ``limit`` rows (``left_out`` says how many more had a date)."""
    dated = [e for e in events if e.get("time") and _day(e["time"].get("start"))]
    dated.sort(key=lambda e: (e["time"]["start"], e["time"].get("end") or "", e["id"]))
    shown = dated[:limit]
    left, right = 240, width - 50
    if not shown:
        return {"width": width, "height": 0, "bars": [], "ticks": [], "left": left,
                "right": right, "left_out": 0}
    starts = [_day(e["time"]["start"]) for e in shown]
    ends = [max(start, _day(e["time"].get("end")) or start) for e, start in zip(shown, starts)]
    first, last = min(starts), max(ends)
    span = max(1, (last - first).days)

    def x(day: dt.date) -> float:
        return round(left + (right - left) * (day - first).days / span, 1)

    bars = []
    for i, (event, start, end) in enumerate(zip(shown, starts, ends)):
        place = next((p["name"] for p in event.get("places", [])), "")
        count = (event.get("count") or {}).get("text") or ""
        label = " ".join(part for part in (event["action"], count) if part)
        bars.append({"id": event["id"], "x": x(start), "w": max(4.0, round(x(end) - x(start), 1)),
                     "y": 14 + i * row, "label": excerpt(label + (f" · {place}" if place else ""), 38),
                     "when": f"{event['time'].get('text') or ''} ({start.isoformat()}"
                             f"{'' if end == start else '..' + end.isoformat()})"})
    return {"width": width, "height": 40 + len(bars) * row, "bars": bars,
            "ticks": _ticks(first, last, left, right), "left": left, "right": right,
            "left_out": len(dated) - len(shown)}


def _ticks(first: dt.date, last: dt.date, left: int, right: int) -> list[dict[str, Any]]:
    total = max(1, (last - first).days)
    step = max(1, total // 6)
    ticks, day = [], first
    while day <= last:
        ticks.append({"x": round(left + (right - left) * (day - first).days / total, 1),
                      "label": day.isoformat()})
        day += dt.timedelta(days=step)
    return ticks


def outlet_label(article: dict[str, Any]) -> str:
    """The outlet, else the input file's name: "(unknown outlet)" three times tells nothing."""
    if article.get("outlet"):
        return article["outlet"]
    source = (article.get("source") or "").rstrip("/")
    return source.rsplit("/", 1)[-1] if source else "(unknown outlet)"


def article_label(article: dict[str, Any]) -> str:
    """:func:`titled_label` of an article's record (a dict of analysis.json)."""
    return titled_label(outlet_label(article), article.get("title"))


def date_span(start: str, end: str | None) -> str:
    """``2018`` for a whole year, ``2019-11`` for a whole month, else the day or the days."""
    if end in (None, start):
        return start
    if start.endswith("-01-01") and end == start[:4] + "-12-31":
        return start[:4]
    if start[:7] == end[:7] and start.endswith("-01") and end[8:] == str(
            calendar.monthrange(int(start[:4]), int(start[5:7]))[1]):
        return start[:7]
    return f"{start}..{end}"


def _columns(articles: list[dict[str, Any]]) -> dict[str, int]:
    """Column of each article: the rank of its publication date, undated ones last, so time
    reads left to right and every derivation between different days crosses columns."""
    days = sorted({a["published"] for a in articles if _day(a.get("published"))})
    rank = {day: i for i, day in enumerate(days)}
    return {a["id"]: rank.get(a.get("published") or "", len(days)) for a in articles}


def provenance_graph(articles: list[dict[str, Any]], derivations: list[dict[str, Any]], *,
                     col: int = 290, row: int = 64) -> dict[str, Any]:
    """Nodes in columns by publication date, edges from source to derived article."""
    by_id = {a["id"]: a for a in articles}
    edges = [d for d in derivations if d["source"] in by_id and d["derived"] in by_id]
    column_of = _columns(articles)
    columns: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for article in sorted(articles, key=lambda a: (a.get("outlet") or "", a["id"])):
        columns[column_of[article["id"]]].append(article)
    nodes = {}
    for depth, members in sorted(columns.items()):
        for i, article in enumerate(members):
            nodes[article["id"]] = {
                "id": article["id"], "x": 20 + depth * col, "y": 20 + i * row, "w": col - 110,
                "h": row - 20, "outlet": excerpt(outlet_label(article), 22),
                "date": article.get("published") or "undated"}
    drawn = [_edge(e, nodes) for e in sorted(edges, key=lambda e: (e["source"], e["derived"]))]
    height = 40 + row * max((len(m) for m in columns.values()), default=1)
    width = 40 + col * (max(columns, default=0) + 1)
    return {"nodes": sorted(nodes.values(), key=lambda n: (n["x"], n["y"])), "edges": drawn,
            "width": width, "height": height, "colours": KIND_COLOURS}


def _edge(derivation: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    src, dst = nodes[derivation["source"]], nodes[derivation["derived"]]
    y1, y2 = src["y"] + src["h"] / 2, dst["y"] + dst["h"] / 2
    if src["x"] == dst["x"]:  # same day: bow out to the right, wider for distant rows
        x1 = x2 = src["x"] + src["w"]
        bow = 30 + abs(y2 - y1) / 4
        path = f"M{x1},{y1} C{x1 + bow},{y1} {x2 + bow},{y2} {x2},{y2}"
        lx = x1 + bow * 0.75
    else:
        forward = dst["x"] > src["x"]
        x1 = src["x"] + src["w"] if forward else src["x"]
        x2 = dst["x"] if forward else dst["x"] + dst["w"]
        mid = (x1 + x2) / 2
        path = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
        lx = mid
    return {"id": derivation.get("id", ""), "path": path, "kind": derivation["kind"],
            "colour": KIND_COLOURS.get(derivation["kind"], "#555"),
            # a shared unseen source orders neither text: no arrowhead
            "directed": (derivation.get("direction") != "undetermined"
                         and derivation.get("relation") != "shared_source"),
            "label": f'{derivation["kind"]} {derivation.get("score", 0):.2f}'
                     + (" shared source" if derivation.get("relation") == "shared_source" else ""),
            "lx": round(lx, 1), "ly": round((y1 + y2) / 2 - 4, 1)}


def _conflicting_articles(group: dict[str, Any]) -> dict[str, list[str]]:
    """Articles whose value differs from the most common one (ties: the first origin's)."""
    against: dict[str, list[str]] = defaultdict(list)
    origins = group.get("origin_articles") or []
    for conflict in group.get("conflicts") or []:
        values = {v["article"]: v["value"] for v in conflict.get("values") or []}
        counts = Counter(values.values())
        if len(counts) < 2:
            continue
        top = max(counts.values())
        reference = next((values[a] for a in origins if values.get(a) and counts[values[a]] == top),
                         sorted(v for v, n in counts.items() if n == top)[0])
        for article, value in sorted(values.items()):
            if value != reference:
                against[article].append(f'{conflict["slot"]}: {value} (vs {reference})')
    return against


def claim_matrix(groups: list[dict[str, Any]], outlet_of: dict[str, str],
                 story_articles: list[str]) -> dict[str, Any]:
    """Claim groups x outlets: ``supports``, ``conflicts`` (with the differing values) or
    ``silent`` (the outlet covered the story but not this claim)."""
    outlets = sorted({outlet_of.get(a, "(unknown outlet)") for a in story_articles})
    rows = []
    for group in groups:
        against = _conflicting_articles(group)
        cells = []
        for outlet in outlets:
            mine = [a for a in group.get("articles", []) if outlet_of.get(a, "(unknown outlet)") == outlet]
            notes = [n for a in mine for n in against.get(a, [])]
            state = "conflicts" if notes else "supports" if mine else "silent"
            cells.append({"outlet": outlet, "state": state, "notes": notes, "articles": mine})
        rows.append({"group": group, "cells": cells})
    return {"outlets": outlets, "rows": rows}


def naming_rows(entities: list[dict[str, Any]], *, limit: int = 60) -> dict[str, Any]:
    """Entity x outlet: the name each outlet uses most, for entities named by 2+ outlets.

    Entities whose outlets disagree on the name come first: that is where naming frames."""
    rows = []
    for entity in entities:
        by_outlet = entity.get("names_by_outlet") or {}
        if len(by_outlet) < 2:
            continue
        used = {o: most_used_name(c) for o, c in by_outlet.items() if c}
        rows.append({"entity": entity, "used": used, "differs": names_differ(used.values())})
    rows.sort(key=lambda r: (not r["differs"], -len(r["used"]), r["entity"]["name"]))
    rows = rows[:limit]
    outlets = sorted({o for r in rows for o in r["used"]})
    return {"outlets": outlets, "rows": rows}


def most_used_name(counts: dict[str, int]) -> str:
    """The name an outlet uses most for an entity (ties: the first in sorted order)."""
    return max(sorted(counts), key=lambda name: counts[name])


def _name_words(name: str) -> frozenset[str]:
    """The name's words, lower-cased, with dots and apostrophes' forms set aside ("U.S." and
    "US" are one word)."""
    text = name.lower().replace("\u2019", "'").replace("\u2018", "'").replace(".", "")
    words = frozenset(text.split())
    return words - HONORIFICS or words  # "Dr Drevic" is "Anselm Drevic" written another way


_INITIALS_SKIP = frozenset("of the and for de".split())


def _initials(name: str) -> str:
    """ "United Nations" -> "un": the first letters of the name's words (not "of", "the"...)."""
    return "".join(w[0] for w in re.findall(r"[\w'-]+", name.lower()) if w not in _INITIALS_SKIP)


def _same_name(one: str, two: str) -> bool:
    """Two spellings of one name: one holds the other's words ("Anselm Drevic" / "Drevic"), or
    one is the other's initials ("UN" / "United Nations", "U.S." / "United States")."""
    a, b = _name_words(one), _name_words(two)
    if a <= b or b <= a:
        return True
    for short, long in ((a, two), (b, one)):
        if len(short) == 1 and len(_name_words(long)) >= 2 and next(iter(short)) == _initials(long):
            return True
    return _same_stems(one, two)


def _same_stems(one: str, two: str) -> bool:
    """Word for word the same stems: "Islamic Revolution Guards Corps" / "Islamic
    Revolutionary Guard Corps" (one holds the other, or they share five letters)."""
    words = [[w for w in re.findall(r"[\w'-]+", n.lower()) if w not in _INITIALS_SKIP]
             for n in (one, two)]
    if len(words[0]) != len(words[1]) or len(words[0]) < 2:
        return False
    return all(x.startswith(y) or y.startswith(x) or (len(x) >= 5 and x[:5] == y[:5])
               for x, y in zip(*words))


def names_differ(names: Iterable[str]) -> bool:
    """True when two outlets use names that are not spellings of one another ("Anselm Drevic"
    / "Drevic", "UN" / "United Nations" are style; "NLF" / "the Front", "MEK" / "MKO" are a
    choice)."""
    ordered = sorted(set(names))
    return any(not _same_name(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:])


def framing_terms(framing: list[dict[str, Any]],
                  meta: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Loaded words and technique spans grouped by what they say: one row per (kind, words)
    with how often and by which outlets each is used, and how many of the uses an outlet added
    rather than copied; most used first, then the surest. A report of 500 articles says
    "regime" thousands of times: a row per use buries the choices that differ between outlets."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for frame in framing:
        article = frame["article"]
        outlet = outlet_label(meta.get(article) or frame)
        for item in [*frame.get("loaded", ()), *frame.get("techniques", ())]:
            kind = item.get("technique") or "loaded"
            words = " ".join(item["text"].split())
            row = groups.setdefault((kind, words.casefold()), {
                "kind": kind, "surfaces": Counter(), "count": 0, "added": 0, "copied": 0,
                "confidence": None, "outlets": {}})
            row["surfaces"][words] += 1
            row["count"] += 1
            row["copied" if item.get("copied_from") else "added"] += 1
            confidence = item.get("confidence")
            if confidence is not None and (row["confidence"] is None
                                           or confidence > row["confidence"]):
                row["confidence"] = confidence
            used = row["outlets"].setdefault(
                outlet, {"outlet": outlet, "count": 0, "article": article})
            used["count"] += 1
    rows = []
    for row in groups.values():
        surfaces = row.pop("surfaces")
        row["text"] = max(sorted(surfaces), key=lambda w: surfaces[w])
        row["outlets"] = sorted(row["outlets"].values(), key=lambda o: (-o["count"], o["outlet"]))
        rows.append(row)
    rows.sort(key=lambda r: (-r["count"], -len(r["outlets"]), -(r["confidence"] or 0.0), r["kind"],
                             r["text"].casefold()))
    return rows


def bar_chart(counts: dict[str, int], *, width: int = 520, bar: int = 18) -> dict[str, Any]:
    """Horizontal bars, largest first; labels are data (escaped by the template)."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    top = max((n for _, n in items), default=1) or 1
    left = 200
    bars = [{"label": excerpt(label, 30), "value": n, "y": 8 + i * (bar + 6),
             "w": round((width - left - 50) * n / top, 1)} for i, (label, n) in enumerate(items)]
    return {"width": width, "height": 16 + len(items) * (bar + 6), "left": left, "bar": bar,
            "bars": bars}
