"""Features of story clustering: the settings, the words, entity keys, anchor date and named dates
of each article, their TF-IDF weights, and the similarity of two articles (see :mod:`.stories`)."""

from __future__ import annotations

import datetime as dt
import math
import re
from array import array
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
from scipy import sparse

from ..records import Article, Mention, TimeExpr

__all__ = ["StorySettings"]

@dataclass(frozen=True)
class StorySettings:
    """Options of story clustering; a crosscheck ``Settings`` may override each one through an
    attribute named ``story_<name>``."""

    link_threshold: float = 0.1  # mean pair similarity two stories need to merge
    window_days: int = 90  # the median dates of two stories further apart than this never merge
    entity_weight: float = 0.2  # share of the similarity taken from shared entity keys
    max_posting: int = 100  # a term in more articles than this is too common to pair them on
    cohesion_ratio: float = 0.72  # merging needs this share of the stories' own cohesion
    cohesion_members: int = 5  # a story needs this many members before its cohesion counts
    min_pair_share: float = 0.5  # a pair below this share of link_threshold counts as 0
    recluster_limit: int = 400  # incremental: most articles clustered again when one arrives
    lead_chars: int = 600  # an undated article takes its anchor date from this much of its text
    min_overlap: float = 0.1  # a pair must share this share of the shorter one's distinct words
    # a story that names a date this near another story's time follows it up: the window does
    # not keep them apart (None: it always does)
    followup_days: int | None = 31
    # a pair whose articles both name entities but share none keeps this share of its
    # similarity; 1 (no change): lower shares lost on ECB+ topic folds and on METER and
    # barely separated Reuters' templated briefs (bench/stories_disjoint.py)
    disjoint_share: float = 1.0


_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves said says say told according s t
one two new last first year years day days week weeks month months ago since still yet may might
must shall another many much even per via mr mrs ms dr
""".split())
_ANCHOR_MAX_DAYS = 7  # a time expression wider than a week dates no event
_NAMED_MAX_DAYS = 31  # a named date that may recall an earlier event: a day, a week, a month
_ENTITY_LABELS = frozenset({"PERSON", "PER", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})


def _settings(settings: object | None) -> StorySettings:
    if settings is None or isinstance(settings, StorySettings):
        return settings or StorySettings()
    return StorySettings(**{f.name: getattr(settings, "story_" + f.name, f.default)
                            for f in fields(StorySettings)})


# --- features ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Features:
    article: str
    published: str | None
    title: str
    terms: Counter
    entities: Counter
    anchor: int | None  # proleptic ordinal of the event date estimate
    # (first, last) ordinals of the resolved dates the text names, each at most a month wide
    named: tuple[tuple[int, int], ...] = ()


def _terms(text: str) -> Counter:
    words = (w.lower().replace("’", "'") for w in _TOKEN.findall(text))
    return Counter(w for w in words if len(w) > 1 and w not in _STOP_WORDS)


def _ordinal(iso: str | None) -> int | None:
    try:
        return dt.date.fromisoformat(iso[:10]).toordinal() if iso else None
    except ValueError:
        return None


def _anchor(article: Article, times: Sequence[TimeExpr], *, lead: int) -> int | None:
    """The publication date, else the first day-resolved date in the lead (a dateline or the
    day the lead reports). Dates further down are often background ("the 1923 fire")."""
    published = _ordinal(article.published)
    if published is not None:
        return published
    for expr in sorted(times, key=lambda t: (t.start, t.id)):
        low, high = _ordinal(expr.low), _ordinal(expr.high)
        if expr.start < lead and low is not None and high is not None:
            if 0 <= high - low <= _ANCHOR_MAX_DAYS:
                return (low + high) // 2
    return None


def _named(times: Sequence[TimeExpr]) -> tuple[tuple[int, int], ...]:
    """The spans of the resolved dates a text names anywhere, at most a month wide ("on
    September 10, 2010", "an April 2007 shooting"): a later report recalls its event so. A
    year or a period says too little to tell one event from another of its kind."""
    spans = set()
    for expr in times:
        low, high = _ordinal(expr.low), _ordinal(expr.high)
        if low is not None and high is not None and 0 <= high - low <= _NAMED_MAX_DAYS:
            spans.add((low, high))
    return tuple(sorted(spans))


def _features(article: Article, mentions: Sequence[Mention], times: Sequence[TimeExpr],
              opts: StorySettings) -> _Features:
    title = (article.title or "").strip()
    body = article.text if title and title in article.text[:500] else f"{title}\n{article.text}"
    entities = Counter(m.key for m in mentions if m.key and m.label in _ENTITY_LABELS)
    return _Features(article.id, article.published, title or _first_line(article.text),
                     _terms(body), entities, _anchor(article, times, lead=opts.lead_chars),
                     _named(times))


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= 120 else line[:117].rstrip() + "..."


class _Weights:
    """Sublinear TF-IDF weights, l2-normalised, against document frequencies that may grow."""

    def __init__(self) -> None:
        self.df: Counter = Counter()
        self.entity_df: Counter = Counter()
        self.n = 0
        # each term's IDF once per corpus state: a run weighs the same terms tens of thousands
        # of times, and the frequencies change only through ``count``
        self._idf: tuple[dict[str, float], dict[str, float]] = ({}, {})

    def count(self, feats: _Features) -> None:
        self.n += 1
        self.df.update(feats.terms.keys())
        self.entity_df.update(feats.entities.keys())
        if self._idf[0] or self._idf[1]:
            self._idf = ({}, {})

    def vector(self, counts: Counter, *, entities: bool = False) -> dict[str, float]:
        df = self.entity_df if entities else self.df
        known = self._idf[entities]
        raw = {}
        for t, c in counts.items():
            idf = known.get(t)
            if idf is None:
                idf = known[t] = math.log((1 + self.n) / (1 + df[t])) + 1
            raw[t] = (1 + math.log(c)) * idf
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {t: v / norm for t, v in raw.items()}

    def matrix(self, rows: Sequence[Counter], *, entities: bool = False
               ) -> tuple[sparse.csr_matrix, np.ndarray]:
        """:meth:`vector` of each of ``rows`` as one CSR matrix (columns in first-seen order),
        weighed with arrays in one pass, and the document frequency of each column. The values
        are :meth:`vector`'s up to the last bits (sums in another order)."""
        df = self.entity_df if entities else self.df
        column: dict[str, int] = {}
        indices, values, indptr = array("q"), array("d"), array("q", [0])
        for row in rows:
            indices.extend([column.setdefault(t, len(column)) for t in row])
            values.extend(row.values())
            indptr.append(len(indices))
        carried = np.array([df[t] for t in column], dtype=np.float64)
        idf = np.log((1 + self.n) / (1 + carried)) + 1
        cols = np.frombuffer(indices, dtype=np.int64)
        data = (1 + np.log(np.frombuffer(values, dtype=np.float64))) * idf[cols]
        owner = np.repeat(np.arange(len(rows)), np.diff(np.frombuffer(indptr, dtype=np.int64)))
        norms = np.sqrt(np.bincount(owner, weights=data * data, minlength=len(rows)))
        data = data / np.where(norms == 0, 1.0, norms)[owner]
        return sparse.csr_matrix((data, cols, np.frombuffer(indptr, dtype=np.int64)),
                                 shape=(len(rows), len(column))), carried


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[t] for t, v in a.items() if t in b)


@dataclass(frozen=True)
class _Vectors:
    terms: dict[str, float]
    entities: dict[str, float]


def _similarity(a: _Vectors, b: _Vectors, opts: StorySettings) -> float:
    if not _overlapping(a.terms.keys(), b.terms.keys(), opts):
        return 0.0
    text = _dot(a.terms, b.terms)
    if not a.entities or not b.entities:
        return text
    return (1 - opts.entity_weight) * text + opts.entity_weight * _dot(a.entities, b.entities)


def _overlapping(words_a: Collection[str], words_b: Collection[str], opts: StorySettings) -> bool:
    """Whether two articles share ``min_overlap`` of the shorter one's distinct words."""
    if len(words_a) > len(words_b):
        words_a, words_b = words_b, words_a
    common = sum(1 for w in words_a if w in words_b)
    return common >= opts.min_overlap * len(words_a)
