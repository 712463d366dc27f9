"""A larger corpus built deterministically from a smaller one, with planted near-duplicates.

Each new article takes a real article's topic (the first word of its title of three letters or
more; topics with fewer than ``MIN_POOL`` sentences share one pool) and as many sentences as that
article has, drawn from all sentences of its topic and shuffled: same-topic texts share
vocabulary but rarely five words in a row, unless one sentence is drawn twice. ``PLANTED`` of
the articles are instead copies of an earlier generated article with ``EDITS`` of their words
replaced (at least one): the known near-duplicates, listed in ``ScaledCorpus.planted``.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

MIN_POOL = 40
PLANTED = 0.05
EDITS = 0.03
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_TITLE_WORD = re.compile(r"[A-Za-z]{3,}")


@dataclass
class ScaledCorpus:
    items: list[tuple[str, str]]
    planted: list[tuple[str, str]] = field(default_factory=list)  # (copied, copy)


def read_articles(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def sentences(text: str) -> list[str]:
    flat = " ".join(text.split())
    # Sign-offs and datelines ("Reuter") are not sentences worth reshuffling.
    return [s for s in _SENTENCE_END.split(flat) if len(s.split()) >= 4]


def _topic(title: str | None) -> str:
    found = _TITLE_WORD.search(title or "")
    return found.group().upper() if found else "MISC"


def _pools(articles: list[dict]) -> tuple[list[tuple[str, int]], dict[str, list[str]]]:
    """Each article's (topic, sentence count) and each topic's sentence pool."""
    pools: dict[str, list[str]] = defaultdict(list)
    shapes = []
    for article in articles:
        split = sentences(article.get("text") or "")
        if split:
            topic = _topic(article.get("title"))
            pools[topic].extend(split)
            shapes.append((topic, len(split)))
    small = sorted(t for t, pool in pools.items() if len(pool) < MIN_POOL)
    for topic in small:
        pools["MISC"].extend(pools.pop(topic))
    shapes = [(t if t in pools else "MISC", n) for t, n in shapes]
    return shapes, dict(pools)


def _edited(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    tokens = text.split(" ")
    for _ in range(max(1, round(len(tokens) * EDITS))):
        tokens[rng.randrange(len(tokens))] = rng.choice(vocabulary)
    return " ".join(tokens)


def build(articles: list[dict], size: int, *, seed: int = 20) -> ScaledCorpus:
    """``size`` articles generated from ``articles`` (same input and seed, same corpus)."""
    rng = random.Random(seed)
    shapes, pools = _pools(articles)
    vocabulary = sorted({w for pool in pools.values() for s in pool[:50] for w in s.split()})
    corpus = ScaledCorpus(items=[])
    for index in range(size):
        key = f"s{index:06d}"
        if index > 0 and rng.random() < PLANTED:
            copied, text = corpus.items[rng.randrange(index)]
            corpus.items.append((key, _edited(text, rng, vocabulary)))
            corpus.planted.append((copied, key))
            continue
        topic, count = shapes[rng.randrange(len(shapes))]
        pool = pools[topic]
        picked = [pool[rng.randrange(len(pool))] for _ in range(count)]
        corpus.items.append((key, " ".join(picked)))
    return corpus
