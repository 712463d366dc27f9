"""The enrich stage's work: per article, one spaCy parse and every extractor on the same Doc
(see the package notes in ``__init__.py``)."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import asdict

from spacy.tokens import Doc

from ..records import (Article, Claim, EventMention, Mention, Place, Quantity, Quote, Rejected,
                       Sentence, TimeExpr, content_id)
from ..settings import Settings
from .aliases import load_alias_table
from .entities import extract_mentions
from .events import extract_events, extract_places
from .nlp import parse

__all__ = ["enrich_batch", "enrich_article", "enrich_text", "warm_up"]


def _extractor(module: str, function: str) -> Callable[..., list]:
    """``module.function`` of this package; an extractor not written yet finds nothing.
    (Guard to drop once quantities, times, quotes and claims have all landed.)"""
    def nothing(*args, **kwargs) -> list:
        return []

    if importlib.util.find_spec(f"{__package__}.{module}") is None:
        return nothing
    return getattr(importlib.import_module(f"{__package__}.{module}"), function, nothing)


extract_quantities = _extractor("quantities", "extract_quantities")
extract_times = _extractor("times", "extract_times")
extract_quotes = _extractor("quotes", "extract_quotes")
extract_claims = _extractor("claims", "extract_claims")


def enrich_batch(articles: list[Article], *, settings: Settings) -> list[object]:
    """Sentences, mentions, quantities, times, quotes and claims of every article in the batch;
    items that are not articles (rejections of earlier stages) pass through unchanged."""
    table = load_alias_table(settings.alias_table)
    texts = [a for a in articles if isinstance(a, Article)]
    out: list[object] = [item for item in articles if not isinstance(item, Article)]
    docs = parse((a.text for a in texts), max_sentence_tokens=settings.max_sentence_tokens)
    for article, doc in zip(texts, docs):
        out.extend(enrich_article(doc, article=article, aliases=table))
    return out


# A note of the team's own, enriched once by a worker before its first batch: it touches the
# parser, the gazetteer, the quantity, time, quote, claim and event readers, so that each of
# them is loaded while the driver still cleans the documents.
_WARM_UP = Article(
    id="warm-up", source="warm-up", url=None, outlet=None, outlet_from=None, title="A note",
    published="2020-05-04", published_from="input", language="en", published_at=None,
    text="A note\n\nPolice in Harrow arrested 3 men on Monday, officials said. "
         "\"We will not stop,\" said Ana Dessen, a spokeswoman for the Velmora council.")


def warm_up(*, settings: Settings) -> int:
    """Load what :func:`enrich_batch` reads in this process (the engine's warm-up task); the
    number of records the warm-up note gave, thrown away."""
    return len(enrich_batch([_WARM_UP], settings=settings))


def enrich_article(doc: Doc, *, article: Article, aliases=None) -> list[object]:
    """The enrichment records of one parsed article (see the module docstring)."""
    records: list[object] = list(_sentences(doc, article))
    if not _is_english(article):
        return records
    failures: list[str] = []

    def attempt(name: str, extract: Callable[[], list]) -> list:
        try:
            return extract()
        except (OSError, MemoryError):
            raise  # the machine's trouble, not the article's: the run stops and can resume
        except Exception as exc:  # one bad article must not stop the batch; say what broke
            failures.append(f"{name} ({type(exc).__name__}: {exc})")
            return []

    mentions = attempt("entities", lambda: extract_mentions(doc, article=article,
                                                            aliases=aliases))
    found_quantities = attempt("quantities",
                               lambda: extract_quantities(doc, article=article))
    found_times = attempt("times", lambda: extract_times(doc, article=article))
    found_quotes = attempt("quotes", lambda: extract_quotes(
        doc, article=article, mentions=mentions))
    found_claims = attempt("claims", lambda: extract_claims(
        doc, article=article, mentions=mentions, quantities=found_quantities,
        times=found_times, quotes=found_quotes))
    found_places = attempt("places", lambda: extract_places(doc, article=article,
                                                            mentions=mentions))
    found_events = attempt("events", lambda: extract_events(
        doc, article=article, mentions=mentions, quantities=found_quantities, times=found_times,
        quotes=found_quotes, claims=found_claims, places=found_places))
    records += [*mentions, *found_quantities, *found_times, *found_quotes, *found_claims,
                *found_places, *found_events]
    if failures:
        reason = "enrichment skipped for: " + "; ".join(failures)
        records.append(Rejected(article.id, article.source, "enrich", reason))
    return records


def _is_english(article: Article) -> bool:
    return article.language in (None, "", "en")


def _sentences(doc: Doc, article: Article) -> list[Sentence]:
    if not len(doc) or not doc.has_annotation("SENT_START"):
        return []
    text = article.text
    sentences = []
    for index, sent in enumerate(doc.sents):
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            sentences.append(Sentence(content_id(article.id, "sentence", start, end),
                                      article.id, index, start, end))
    return sentences


def enrich_text(text: str, *, published: str | None = None, title: str | None = None,
                settings: Settings | None = None) -> dict:
    """Entities, quantities, times, quotes and claims of one text as JSON-able dicts (the
    fields of ``crosscheck extract``; spans are ``[start, end)`` offsets into ``text``)."""
    from ..clean.metadata import detect_language
    from ..link.entities import merge_entities

    settings = settings or Settings()
    article = Article(id=content_id("text", title, published, text), source="<text>", url=None,
                      outlet=None, outlet_from=None, title=title, published=published,
                      published_from="input" if published else None,
                      language=detect_language(text) if text.strip() else None, text=text)
    records = enrich_batch([article], settings=settings)
    by_type: dict[type, list] = {}
    for record in records:
        by_type.setdefault(type(record), []).append(record)
    mentions = by_type.get(Mention, [])
    return {
        "entities": _entity_dicts(mentions, merge_entities(mentions)),
        "quantities": [_span_dict(q) for q in by_type.get(Quantity, [])],
        "times": [_span_dict(t) for t in by_type.get(TimeExpr, [])],
        "quotes": [_quote_dict(q, text) for q in by_type.get(Quote, [])],
        "claims": [_claim_dict(c, by_type) for c in by_type.get(Claim, [])],
        "places": [_span_dict(p) for p in by_type.get(Place, [])],
        "events": [_event_dict(e, by_type) for e in by_type.get(EventMention, [])],
        "rejected": [r.reason for r in by_type.get(Rejected, [])],
    }


def _span_dict(record) -> dict:
    data = asdict(record)
    for dropped in ("id", "article", "sentence"):
        data.pop(dropped, None)
    data["span"] = [data.pop("start"), data.pop("end")]
    return data


def _entity_dicts(mentions: list[Mention], merged) -> list[dict]:
    entities, keys = merged
    entity_of = {k.key: k.entity for k in keys}
    out = []
    for entity in entities:
        own = [m for m in mentions if entity_of.get(m.key) == entity.id]
        out.append({"id": entity.id, "name": entity.name, "type": entity.type,
                    "keys": sorted({m.key for m in own}),
                    "aliases": sorted({m.text for m in own}),
                    "mentions": [{"text": m.text, "name": m.name, "label": m.label,
                                  "span": [m.start, m.end]} for m in own]})
    return out


def _quote_dict(quote, text: str) -> dict:
    return {"speaker": quote.speaker, "cue": quote.cue,
            "content": text[quote.content_start:quote.content_end],
            "span": [quote.start, quote.end], "kind": quote.kind, "stance": quote.stance,
            "speaker_key": quote.speaker_key, "via": list(quote.via)}


def _event_dict(event: EventMention, by_type: dict) -> dict:
    """An event mention with its count, places and time written out (``crosscheck extract``)."""
    by_id = {r.id: r for kind in (Quantity, TimeExpr, Place) for r in by_type.get(kind, [])}
    count, time = by_id.get(event.count or ""), by_id.get(event.time or "")
    return {"span": [event.start, event.end], "trigger": event.trigger, "action": event.action,
            "cameo": event.cameo, "status": event.status, "agent": event.agent,
            "target": event.target,
            "count": {"text": count.text, "low": count.low, "high": count.high} if count else None,
            "places": [by_id[p].name or by_id[p].text for p in event.places if p in by_id],
            "time": {"text": time.text, "start": time.low, "end": time.high} if time else None,
            "speaker": event.speaker, "hedged": event.hedged}


def _claim_dict(claim, by_type: dict) -> dict:
    quantity_by_id = {q.id: q for q in by_type.get(Quantity, [])}
    time_by_id = {t.id: t for t in by_type.get(TimeExpr, [])}
    return {"span": [claim.start, claim.end], "text": claim.text, "speaker": claim.speaker,
            "speaker_text": claim.speaker_text or claim.speaker, "speaker_key": claim.speaker_key,
            "cue": claim.cue, "hedged": claim.hedged, "hedge": claim.hedge,
            "actor": claim.actor, "action": claim.action, "score": claim.score,
            "quantities": [{k: v for k, v in asdict(quantity_by_id[q]).items()
                            if k in ("text", "value", "low", "high", "approximate", "unit")}
                           for q in claim.quantities if q in quantity_by_id],
            "places": list(claim.places),
            "times": [time_by_id[t].text for t in claim.times if t in time_by_id]}
