"""``report.html``: one self-contained page built from the same data as analysis.json.

Everything is inline (CSS, one script, the data index) and a Content-Security-Policy in the page
allows nothing else, so the report makes no network request and works offline and on paper.
Article text is hostile: it reaches the page only through Jinja2 autoescaping (text nodes and
attributes) or as JSON in a data block with ``<``, ``>`` and ``&`` escaped; the script only ever
sets ``textContent``. URLs are linked only when they are http(s).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

import jinja2

from .. import __version__
from ..records import Mention
from ..store import Store
from .json import iter_articles_json
from .outlines import svg_paths
from .sections import SECTIONS
from .views import (article_label, bar_chart, claim_matrix, date_span, framing_terms, naming_rows, outlet_label,
                    provenance_graph, safe_url, segments, segments_html, timeline, event_timeline)

__all__ = ["write_report", "build_report_data", "render_report", "json_for_script",
           "make_environment", "article_spans", "passage_pairs", "story_view"]

TEMPLATES = Path(__file__).parent / "templates"
_SECTIONS = ("entities", "stories", "derivations", "quotes", "claims", "claim_groups", "framing",
             "events", "findings")


def json_for_script(value: Any) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, ``<!--`` or ``]]>`` can form."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def make_environment(*folders: Path, href: Callable[..., str]) -> jinja2.Environment:
    """A Jinja2 environment with autoescaping on for every template, whatever its name."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(f) for f in (*folders, TEMPLATES)]),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(href=href, safe_url=safe_url, outlet_label=outlet_label, article_label=article_label,
                       segments_html=segments_html)
    env.filters.update(zip=zip, outlet_label=outlet_label, date_span=date_span)
    return env


def _report_href(kind: str, ident: str, anchor: str | None = None) -> str:
    return "#" + (anchor or f"{kind[0]}-{ident}")


def build_report_data(store: Store, *, sections: dict[str, Any] | None = None) -> dict[str, Any]:
    """analysis.json's sections (built here unless given) plus the mentions the article views
    underline."""
    data: dict[str, Any] = {"articles": list(iter_articles_json(store))}
    data.update({key: sections[key] if sections is not None else SECTIONS[key](store)
                 for key in _SECTIONS})
    mentions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in store.iter_records(Mention, order_by="article, start, id"):
        mentions[m.article].append({"start": m.start, "end": m.end, "label": m.label, "name": m.name})
    data["mentions"] = mentions
    return data


def article_spans(article_id: str, data: dict[str, Any], *, link: bool = True) -> list[dict[str, Any]]:
    """Every highlight of one article: entities, quotes, claims, reused passages, framing,
    conflicting values and findings. Anchors make findings and claims linkable."""
    spans: list[dict[str, Any]] = []
    for m in data.get("mentions", {}).get(article_id, []):
        spans.append({"start": m["start"], "end": m["end"], "cls": "ent",
                      "title": f'{m["label"]}: {m["name"]}'})
    for q in _by_article(data, "quotes").get(article_id, []):
        spans.append({"start": q["content_span"][0], "end": q["content_span"][1], "cls": "quote",
                      "title": f'{q["kind"]} quote, {q.get("speaker_name") or q["speaker"] or "no speaker"} ({q["cue"] or "no cue"})'})
        if q.get("speaker_span"):
            spans.append({"start": q["speaker_span"][0], "end": q["speaker_span"][1], "cls": "speaker",
                          "title": "speaker"})
    for c in _by_article(data, "claims").get(article_id, []):
        spans.append({"start": c["span"][0], "end": c["span"][1], "cls": "claim",
                      "title": "claim" + (f' (hedged: {c["hedge"]})' if c.get("hedged") else ""),
                      "anchor": f'c-{c["id"]}' if link else None})
    spans.extend(_passage_spans(article_id, data))
    spans.extend(_assessed_spans(article_id, data, link=link))
    return spans


def _passage_spans(article_id: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    spans = []
    for d in _by_article(data, "derivations").get(article_id, []):
        side = "derived_span" if d["derived"] == article_id else "source_span" if d["source"] == article_id else None
        if side is None:
            continue
        other = d["source"] if side == "derived_span" else d["derived"]
        for p in d["passages"]:
            spans.append({"start": p[side][0], "end": p[side][1], "cls": f'reused-{p["kind"]}',
                          "title": f'{p["kind"]} passage shared with {_outlet(data, other)}'})
    return spans


def _assessed_spans(article_id: str, data: dict[str, Any], *, link: bool) -> list[dict[str, Any]]:
    spans = []
    for frame in _by_article(data, "framing").get(article_id, []):
        for item in frame["loaded"]:
            spans.append({"start": item["span"][0], "end": item["span"][1], "cls": "loaded",
                          "title": "loaded language" + _sure(item) + _copied(item, data)})
        for item in frame["techniques"]:
            spans.append({"start": item["span"][0], "end": item["span"][1], "cls": "technique",
                          "title": item["technique"] + _sure(item) + _copied(item, data)})
    for group in _by_article(data, "claim_groups").get(article_id, []):
        for conflict in group["conflicts"]:
            for v in conflict["values"]:
                if v["article"] == article_id and v.get("span"):
                    spans.append({"start": v["span"][0], "end": v["span"][1], "cls": "conflict",
                                  "title": f'{conflict["slot"]} conflict: {v["value"]}'})
    for f in _by_article(data, "findings").get(article_id, []):
        if f.get("span"):
            spans.append({"start": f["span"][0], "end": f["span"][1], "cls": "finding",
                          "title": f'{f["kind"]}: {f["detail"]}', "anchor": f'f-{article_id}-{f["span"][0]}-{f["span"][1]}' if link else None})
    return spans


def _by_article(data: dict[str, Any], key: str) -> dict[str, list[dict[str, Any]]]:
    """Records of a section grouped by the article(s) they touch, computed once per data."""
    cache = data.setdefault("_index", {})
    if key not in cache:
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in data[key]:
            for article in _articles_of(key, item):
                grouped[article].append(item)
        cache[key] = grouped
    return cache[key]


def _articles_of(key: str, item: dict[str, Any]) -> list[str]:
    if key == "derivations":
        return [item["source"], item["derived"]]
    if key == "claim_groups":
        return sorted({v["article"] for c in item["conflicts"] for v in c["values"]})
    return [item["article"]]


def _sure(item: dict[str, Any]) -> str:
    confidence = item.get("confidence")  # absent from an older analysis.json
    return f" (confidence {confidence:.2f})" if confidence is not None else ""


def _copied(item: dict[str, Any], data: dict[str, Any]) -> str:
    source = item.get("copied_from")
    return f", copied from {_outlet(data, source)}" if source else ", added by this outlet"


def _outlet(data: dict[str, Any], article_id: str) -> str:
    if "_outlet_of" not in data:  # built once: setdefault would rebuild it on every call
        data["_outlet_of"] = {a["id"]: outlet_label(a) for a in data["articles"]}
    outlets = data["_outlet_of"]
    return outlets.get(article_id, article_id)


def _shared_word_spans(text: str, other: str) -> list[dict[str, Any]]:
    """Words of ``text`` that also occur in ``other``: what a paraphrase kept."""
    import re
    keep = {w.lower() for w in re.findall(r"\w+", other)}
    return [{"start": m.start(), "end": m.end(), "cls": "same"}
            for m in re.finditer(r"\w+", text) if m.group().lower() in keep]


def passage_pairs(derivation: dict[str, Any], texts: dict[str, str]) -> list[dict[str, Any]]:
    """Aligned passages side by side; words shared by both sides are marked."""
    source, derived = texts.get(derivation["source"], ""), texts.get(derivation["derived"], "")
    pairs = []
    for p in derivation["passages"]:
        left = source[p["source_span"][0]:p["source_span"][1]]
        right = derived[p["derived_span"][0]:p["derived_span"][1]]
        pairs.append({"kind": p["kind"], "similarity": p["similarity"],
                      "source": segments(left, _shared_word_spans(left, right)),
                      "derived": segments(right, _shared_word_spans(right, left))})
    return pairs


def story_view(story: dict[str, Any], data: dict[str, Any], meta: dict[str, dict[str, Any]]) -> dict[str, Any]:
    members = [meta[a] for a in story["articles"] if a in meta]
    ids = set(story["articles"])
    derivations = [d for d in data["derivations"] if d["source"] in ids and d["derived"] in ids]
    groups = [g for g in data["claim_groups"] if g["story"] == story["id"]]
    outlet_of = {a: outlet_label(meta[a]) for a in story["articles"] if a in meta}
    return {"story": story, "articles": sorted(members, key=lambda m: (m["published"] or "9999", m["id"])),
            "timeline": timeline(members), "graph": provenance_graph(members, derivations),
            "derivations": derivations, "matrix": claim_matrix(groups, outlet_of, story["articles"])}


def _article_meta(articles: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {a["id"]: {"id": a["id"], "outlet": a["outlet"], "title": a["title"] or "(untitled)",
                      "published": a["published"], "url": safe_url(a["url"]), "source": a["source"]}
            for a in articles}


def _unclustered(data: dict[str, Any]) -> dict[str, Any] | None:
    clustered = {a for s in data["stories"] for a in s["articles"]}
    rest = sorted(a["id"] for a in data["articles"] if a["id"] not in clustered)
    if not rest:
        return None
    return {"id": "unclustered", "title": "Articles in no story", "articles": rest,
            "first_published": None, "last_published": None}


def _largest_stories(stories: list[dict[str, Any]], max_articles: int) -> list[dict[str, Any]]:
    """Stories with the most articles first, as many as fit in ``max_articles``, kept in
    their own order: a report of a huge corpus stays readable and small."""
    chosen, budget = set(), max_articles
    for story in sorted(stories, key=lambda s: (-len(s["articles"]), s["id"])):
        if len(story["articles"]) <= budget:
            chosen.add(story["id"])
            budget -= len(story["articles"])
    return [s for s in stories if s["id"] in chosen]


def report_context(data: dict[str, Any], *, max_articles: int = 2000) -> dict[str, Any]:
    all_stories = list(data["stories"]) + [s for s in [_unclustered(data)] if s]
    stories = _largest_stories(all_stories, max_articles)
    shown = {a for s in stories for a in s["articles"]}
    articles = [a for a in data["articles"] if a["id"] in shown]
    meta = _article_meta(articles)
    texts = {a["id"]: a["text"] for a in articles}
    outlet_counts: dict[str, int] = defaultdict(int)
    for a in data["articles"]:
        outlet_counts[a["outlet"] or "(unknown outlet)"] += 1
    return {
        "meta": meta, "data": data, "left_out": len(data["articles"]) - len(articles),
        "stories": [story_view(s, data, meta) for s in stories],
        "passages": {d["id"]: passage_pairs(d, texts) for d in data["derivations"]
                     if d["source"] in shown and d["derived"] in shown},
        "naming": naming_rows(data["entities"]),
        "framing_terms": framing_terms([f for f in data["framing"] if f["article"] in meta], meta),
        "event_map": event_map(data.get("events", [])),
        "event_timeline": event_timeline(data.get("events", [])),
        "outlet_chart": bar_chart(dict(sorted(outlet_counts.items(), key=lambda kv: -kv[1])[:25])),
        "origins_chart": bar_chart({g["key"]: g["origins"] for g in data["claim_groups"][:30]}),
        "articles": [{"meta": meta[a["id"]], "article": a,
                      "segments": segments(a["text"], article_spans(a["id"], data))}
                     for a in articles],
        "search_index": {"articles": [[m["id"], m["title"], m["outlet"] or ""] for m in meta.values()],
                         "claims": [[c["id"], c["article"], c["text"]] for c in data["claims"]
                                    if c["article"] in shown]},
    }


def event_map(events: list[dict[str, Any]], *, width: int = 720, height: int = 360) -> dict[str, Any]:
    """Points of the located events on an equirectangular frame fitted to them, over the
    country outlines that reach into it (inline SVG in the template: no tiles, nothing
    fetched), each point linking to its event's row: one per city or province of an event,
    else one at its country."""
    located = [(e, p) for e in events for p in _mapped_places(e)]
    if not located:
        return {"points": [], "outlines": [], "width": width, "height": height}
    lats = [p["lat"] for _, p in located]
    lons = [p["lon"] for _, p in located]
    pad = 2.0
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad, max(lons) + pad
    scale = min(width / (east - west), height / (north - south))
    outlines = svg_paths(west, north, east, south, scale)
    points = [{"id": e["id"], "x": round((p["lon"] - west) * scale, 1),
               "y": round((north - p["lat"]) * scale, 1), "r": 3 + min(6, len(e["articles"])),
               "label": f"{e['action']} · {p['name']} · {len(e['articles'])} articles"}
              for e, p in located]
    return {"points": points, "outlines": outlines, "width": round((east - west) * scale),
            "height": round((north - south) * scale)}


def _mapped_places(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Every city and province of an event (a wave of arrests in twenty cities is twenty
    points), else its first located place (a country)."""
    located = [p for p in event["places"] if p.get("lat") is not None]
    precise = [p for p in located if p.get("precision") in ("city", "province")]
    return precise or located[:1]


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def render_report(data: dict[str, Any], *, max_articles: int = 2000) -> str:
    env = make_environment(href=_report_href)
    style = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    context = report_context(data, max_articles=max_articles)
    csp = (f"default-src 'none'; style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
           "img-src data:; form-action 'none'; base-uri 'none'")
    return env.get_template("report.html").render(
        **context, style=style, script=script, csp=csp, version=__version__,
        index_json=json_for_script(context["search_index"]))


def write_report(store: Store, path: str | Path, *, max_articles: int = 2000,
                 sections: dict[str, Any] | None = None) -> Path:
    """Write one self-contained ``report.html`` for ``store``: every story when the corpus has
    at most ``max_articles`` articles, else the largest stories that fit (the rest are counted
    and named in the page; ``crosscheck serve`` shows everything)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(render_report(build_report_data(store, sections=sections), max_articles=max_articles), encoding="utf-8")
    tmp.replace(path)  # never leave a half-written report behind
    return path
