"""Enriched corpora of any size built at the record level (see link_scale.py for the recipe).

Each generated article is a *plan*: the source sentences it is made of, in order, plus the word
replacements of a planted copy. Records are produced from the plan when the article is written,
so a copy of an earlier article is rebuilt from that article's plan instead of keeping every
generated record in memory.
"""

from __future__ import annotations

import bisect
import dataclasses
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from _scale import EDITS, MIN_POOL, PLANTED, _topic

from crosscheck.batching import batched
from crosscheck.pipeline import _fingerprint as boilerplate_fingerprint
from crosscheck.records import (Article, Claim, Mention, Quantity, Quote, Sentence, TimeExpr,
                                content_id)
from crosscheck.settings import Settings
from crosscheck.store import Store

_WORD = re.compile(r"[A-Za-z]{4,}")
_OFFSETS = {Quote: ("start", "end", "speaker_start", "speaker_end", "cue_start", "cue_end",
                    "content_start", "content_end")}
_CARRIED = (Mention, Quantity, TimeExpr, Quote, Claim)
_WRITE_CHUNK = 1000


@dataclass(frozen=True)
class _Source:
    """One source sentence: its text and the records lying wholly inside it (old offsets)."""
    text: str
    start: int
    records: tuple


@dataclass(frozen=True)
class _Plan:
    shape: int                                  # index of the source article lending title/date
    sentences: tuple[int, ...]                  # source sentence numbers, in order
    edits: tuple[tuple[int, str], ...] = ()     # (offset in the new text, same-length word)


def _offsets(record) -> list[int]:
    names = _OFFSETS.get(type(record), ("start", "end"))
    return [v for v in (getattr(record, n) for n in names) if v is not None]


def load_sources(store: Store) -> tuple[list[Article], list[_Source], list[list[int]]]:
    """Source articles, every sentence with its records, and each article's sentence numbers."""
    articles = list(store.iter_records(Article))
    position = {a.id: i for i, a in enumerate(articles)}
    spans: dict[str, list[Sentence]] = defaultdict(list)
    for sentence in store.iter_records(Sentence, order_by='article, "index"'):
        spans[sentence.article].append(sentence)
    inside: dict[tuple[str, int], list] = defaultdict(list)
    for record_type in _CARRIED:
        for record in store.iter_records(record_type, order_by="article, start, id"):
            found = _sentence_of(record, spans.get(record.article, ()))
            if found is not None:
                inside[(record.article, found)].append(record)
    sources: list[_Source] = []
    of_article: list[list[int]] = [[] for _ in articles]
    for article in articles:
        for k, s in enumerate(spans.get(article.id, ())):
            of_article[position[article.id]].append(len(sources))
            sources.append(_Source(article.text[s.start:s.end], s.start,
                                   tuple(inside.get((article.id, k), ()))))
    return articles, sources, of_article


def _sentence_of(record, sentences: list[Sentence]) -> int | None:
    """The position of the sentence wholly holding ``record``, or ``None`` (spans two)."""
    offsets = _offsets(record)
    k = bisect.bisect_right([s.start for s in sentences], min(offsets)) - 1
    if k >= 0 and max(offsets) <= sentences[k].end:
        return k
    return None


def plan_corpus(articles: list[Article], sources: list[_Source], of_article: list[list[int]],
                size: int, *, seed: int = 20) -> list[_Plan]:
    """``size`` plans: reshuffled same-topic sentences, ``PLANTED`` of them near-copies."""
    rng = random.Random(seed)
    pools: dict[str, list[int]] = defaultdict(list)
    shapes = [i for i, numbers in enumerate(of_article) if numbers]
    for i in shapes:
        pools[_topic(articles[i].title)].extend(of_article[i])
    for topic in sorted(t for t, pool in pools.items() if len(pool) < MIN_POOL):
        pools["MISC"].extend(pools.pop(topic))
    by_length = _words_by_length(sources[:5000])
    plans: list[_Plan] = []
    for index in range(size):
        if index > 0 and rng.random() < PLANTED:
            plans.append(_copy(plans[rng.randrange(index)], sources, rng, by_length))
            continue
        shape = shapes[rng.randrange(len(shapes))]
        topic = _topic(articles[shape].title)
        pool = pools[topic if topic in pools else "MISC"]
        plans.append(_Plan(shape, tuple(pool[rng.randrange(len(pool))]
                                        for _ in of_article[shape])))
    return plans


def _words_by_length(sources: list[_Source]) -> dict[int, list[str]]:
    words: dict[int, set[str]] = defaultdict(set)
    for source in sources:
        for word in _WORD.findall(source.text):
            words[len(word)].add(word)
    return {n: sorted(w) for n, w in words.items()}


def _copy(plan: _Plan, sources: list[_Source], rng: random.Random,
          by_length: dict[int, list[str]]) -> _Plan:
    """A near-copy: in ``EDITS`` of the sentences (at least one) one word becomes another word
    of the same length, so the text keeps its length and every offset stays valid."""
    starts, text = _layout(plan, sources)
    edits = list(plan.edits)
    for _ in range(max(1, round(len(plan.sentences) * EDITS))):
        k = rng.randrange(len(plan.sentences))
        words = list(_WORD.finditer(sources[plan.sentences[k]].text))
        if not words:
            continue
        word = words[rng.randrange(len(words))]
        choices = by_length.get(len(word.group()), [word.group()])
        edits.append((starts[k] + word.start(), choices[rng.randrange(len(choices))]))
    return _Plan(plan.shape, plan.sentences, tuple(edits))


def _layout(plan: _Plan, sources: list[_Source]) -> tuple[list[int], str]:
    """Where each sentence starts in the new text, and the text (edits applied)."""
    starts, at = [], 0
    for number in plan.sentences:
        starts.append(at)
        at += len(sources[number].text) + 1
    chars = list(" ".join(sources[n].text for n in plan.sentences))
    for offset, word in plan.edits:
        chars[offset:offset + len(word)] = word
    return starts, "".join(chars)


def materialise(index: int, plan: _Plan, articles: list[Article], sources: list[_Source]) -> list:
    """The article of ``plan`` and every enrichment record, with fresh ids and shifted offsets."""
    starts, text = _layout(plan, sources)
    shape = articles[plan.shape]
    article_id = content_id("scaled-article", index, text)
    out: list = [Article(article_id, f"scaled:{index}", None, shape.outlet, shape.outlet_from,
                         shape.title, shape.published, shape.published_from, shape.language, text)]
    edited = [(offset, offset + len(word)) for offset, word in plan.edits]
    for k, (number, start) in enumerate(zip(plan.sentences, starts)):
        source = sources[number]
        out.append(Sentence(content_id(article_id, "sentence", k), article_id, k, start,
                            start + len(source.text)))
        out.extend(_moved(source, article_id, k, start - source.start, edited))
    return out


def _moved(source: _Source, article_id: str, k: int, shift: int,
           edited: list[tuple[int, int]]) -> list:
    """The sentence's records moved into the new article; those touching an edit dropped."""
    renamed = {r.id: content_id(article_id, r.id) for r in source.records}
    moved = []
    for record in source.records:
        offsets = [v + shift for v in _offsets(record)]
        if any(lo < max(offsets) and min(offsets) < hi for lo, hi in edited):
            continue
        names = _OFFSETS.get(type(record), ("start", "end"))
        changes = {n: getattr(record, n) + shift for n in names if getattr(record, n) is not None}
        changes.update(id=renamed[record.id], article=article_id)
        if hasattr(record, "sentence"):
            changes["sentence"] = k
        if isinstance(record, Claim):
            changes["quantities"] = tuple(renamed[q] for q in record.quantities if q in renamed)
            changes["times"] = tuple(renamed[t] for t in record.times if t in renamed)
        moved.append(dataclasses.replace(record, **changes))
    return moved


def build_store(source_path: Path, target: Path, *, size: int, seed: int = 20) -> int:
    """Write a ``size``-article enriched corpus into a fresh store at ``target``."""
    with Store(source_path, read_only=True) as source:
        articles, sources, of_article = load_sources(source)
    plans = plan_corpus(articles, sources, of_article, size, seed=seed)
    target.unlink(missing_ok=True)
    with Store(target) as store:
        for chunk in batched(list(enumerate(plans)), _WRITE_CHUNK):
            records = [r for index, plan in chunk for r in materialise(index, plan, articles, sources)]
            with store.transaction():
                store.write(records)
                store.mark_done("enrich", [r.id for r in records if isinstance(r, Article)])
        # No drafts: the boilerplate stage would otherwise learn from nothing and drop articles.
        store.set_marker("boilerplate", boilerplate_fingerprint(store, Settings()))
    return len(plans)
