"""Enriched corpora of any size built at the record level (see link_scale.py for the recipe).

Each generated article is a *plan*: the source sentences it is made of, in order, plus the word
replacements of a planted copy. Records are produced from the plan when the article is written,
so a copy of an earlier article is rebuilt from that article's plan instead of keeping every
generated record in memory.

Fresh vocabularies (the default): drawing ten times as many articles from the same sentence pools
makes every sentence recur ten times as often, so the pairs sharing a sentence grow with the
square of the corpus, which real news does not do (a bigger corpus holds more events, not the
same events retold more often). So the articles come in *worlds* of as many articles as the
source has: world 0 is the source's own words; in world ``w`` every content word (four letters or
more, outside the ``KEPT`` most frequent words of the source (a tenth of its words, if fewer), which hold the function words and
reporting verbs the pipeline reads) becomes another word of the same length by a fixed
permutation of that world, in the text and in every record's text fields alike. Offsets stay
valid, a world's articles relate to one another as the source's do, and two worlds share no
names and no runs of content words.
"""

from __future__ import annotations

import bisect
import dataclasses
import random
import re
from collections import Counter, defaultdict
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
KEPT = 500
_LETTERS = re.compile(r"[A-Za-z]+")
# Record fields holding article text (or a name or lemma taken from it); the others are ids,
# labels, values and units.
_TEXT_FIELDS = ("title", "text", "name", "key", "counted", "speaker", "speaker_key", "cue",
                "actor", "action", "hedge", "places")


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
    world: int = 0                              # whose vocabulary the article speaks


class Vocabularies:
    """Per world, a same-length permutation of the source's content words (see the module)."""

    def __init__(self, sources: list[_Source], *, seed: int = 20):
        counts = Counter(w.lower() for s in sources for w in _LETTERS.findall(s.text))
        kept = {w for w, _ in counts.most_common(min(KEPT, len(counts) // 10))}
        by_length: dict[int, list[str]] = defaultdict(list)
        for word in sorted(counts):
            if len(word) >= 4 and word not in kept:
                by_length[len(word)].append(word)
        self._by_length = dict(by_length)
        self._seed = seed
        self._maps: dict[int, dict[str, str]] = {0: {}}

    def _map(self, world: int) -> dict[str, str]:
        if world not in self._maps:
            mapping = {}
            for length, words in self._by_length.items():
                shuffled = list(words)
                random.Random(f"{self._seed}-{world}-{length}").shuffle(shuffled)
                mapping.update(zip(words, shuffled))
            self._maps[world] = mapping
        return self._maps[world]

    def text(self, text: str, world: int) -> str:
        """``text`` in ``world``'s words: same length, same letter case, same other characters."""
        mapping = self._map(world)
        if not mapping or not text:
            return text
        return _LETTERS.sub(lambda m: _recased(mapping.get(m.group().lower()), m.group()), text)

    def record(self, record, world: int, article_text: str):
        """``record`` with its text fields in ``world``'s words (a span's own text cut from the
        article's new text, so that it matches even where the span starts inside a word)."""
        if world == 0:
            return record
        changes = {}
        if isinstance(getattr(record, "text", None), str) and hasattr(record, "start"):
            changes["text"] = article_text[record.start:record.end]
        for name in _TEXT_FIELDS:
            if name in changes:
                continue
            value = getattr(record, name, None)
            if isinstance(value, str):
                changes[name] = self.text(value, world)
            elif isinstance(value, tuple) and value and isinstance(value[0], str):
                changes[name] = tuple(self.text(v, world) for v in value)
        return dataclasses.replace(record, **changes) if changes else record


def _recased(new: str | None, old: str) -> str:
    if new is None or new == old.lower():
        return old
    if old.isupper() and len(old) > 1:
        return new.upper()
    if old.islower():
        return new
    if old[0].isupper() and old[1:].islower():
        return new.capitalize()
    return "".join(n.upper() if o.isupper() else n for n, o in zip(new, old))


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
                size: int, *, seed: int = 20, fresh: bool = True) -> list[_Plan]:
    """``size`` plans: reshuffled same-topic sentences, ``PLANTED`` of them near-copies; with
    ``fresh``, each further block of as many articles as the source has is a world of its own."""
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
        world = index // len(shapes) if fresh else 0
        plans.append(_Plan(shape, tuple(pool[rng.randrange(len(pool))]
                                        for _ in of_article[shape]), world=world))
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
    return _Plan(plan.shape, plan.sentences, tuple(edits), plan.world)


def _layout(plan: _Plan, sources: list[_Source],
            words: Vocabularies | None = None) -> tuple[list[int], str]:
    """Where each sentence starts in the new text, and the text (in the plan's world's words,
    edits applied)."""
    starts, at = [], 0
    for number in plan.sentences:
        starts.append(at)
        at += len(sources[number].text) + 1
    text = " ".join(sources[n].text for n in plan.sentences)
    if words is not None:
        text = words.text(text, plan.world)
    chars = list(text)
    for offset, word in plan.edits:
        chars[offset:offset + len(word)] = word
    return starts, "".join(chars)


def materialise(index: int, plan: _Plan, articles: list[Article], sources: list[_Source],
                words: Vocabularies | None = None) -> list:
    """The article of ``plan`` and every enrichment record, with fresh ids, shifted offsets and
    (given ``words``) the text of the plan's world."""
    starts, text = _layout(plan, sources, words)
    shape = articles[plan.shape]
    article_id = content_id("scaled-article", index, text)
    title = shape.title if words is None or shape.title is None else words.text(shape.title, plan.world)
    out: list = [Article(article_id, f"scaled:{index}", None, shape.outlet, shape.outlet_from,
                         title, shape.published, shape.published_from, shape.language, text)]
    edited = [(offset, offset + len(word)) for offset, word in plan.edits]
    for k, (number, start) in enumerate(zip(plan.sentences, starts)):
        source = sources[number]
        out.append(Sentence(content_id(article_id, "sentence", k), article_id, k, start,
                            start + len(source.text)))
        moved = _moved(source, article_id, k, start - source.start, edited)
        out.extend(moved if words is None else (words.record(r, plan.world, text) for r in moved))
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


def build_store(source_path: Path, target: Path, *, size: int, seed: int = 20,
                fresh: bool = True) -> int:
    """Write a ``size``-article enriched corpus into a fresh store at ``target`` (``fresh``:
    a vocabulary of its own for each further block of as many articles as the source has)."""
    with Store(source_path, read_only=True) as source:
        articles, sources, of_article = load_sources(source)
    plans = plan_corpus(articles, sources, of_article, size, seed=seed, fresh=fresh)
    words = Vocabularies(sources, seed=seed) if fresh else None
    target.unlink(missing_ok=True)
    with Store(target) as store:
        for chunk in batched(list(enumerate(plans)), _WRITE_CHUNK):
            records = [r for index, plan in chunk for r in materialise(index, plan, articles, sources, words)]
            with store.transaction():
                store.write(records)
                store.mark_done("enrich", [r.id for r in records if isinstance(r, Article)])
        # No drafts: the boilerplate stage would otherwise learn from nothing and drop articles.
        store.set_marker("boilerplate", boilerplate_fingerprint(store, Settings()))
    return len(plans)
