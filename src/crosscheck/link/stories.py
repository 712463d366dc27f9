"""Story clustering: which articles report the same real-world event.

Two articles belong to one story when their words and named entities agree and their event
dates are close. Similar events apart in time (another wave of arrests a year later) stay apart:
a story's dated articles never span more than ``window_days``.

How it works, in three steps:

1. Features per article: sublinear TF-IDF over content words and numbers of the title and text,
   the alias-resolved entity keys of its :class:`Mention` records (when given), and an anchor
   date: the publication date, else the latest day-resolved :class:`TimeExpr` in the text.
2. Candidate neighbours through an inverted index of each article's most weighted terms; terms
   carried by too many articles are left out of the index, so the pairs compared grow with the
   corpus times a bounded posting length, not with its square.
3. Average-linkage agglomeration over the candidate graph (a pair never compared counts as
   similarity 0): the two stories with the highest mean pair similarity merge while it reaches
   ``link_threshold`` and the merged story keeps its dated articles within ``window_days``.

:class:`StoryIndex` is the incremental form: each new article joins the existing story with the
highest mean similarity under the same threshold and window, or founds a new one.

Story ids: ``content_id("story", founder)`` where the founder is the member published first
(undated articles after dated ones, ties by smallest article id). A story that grows with later
articles keeps its id; only an article published before the founder changes it.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

from ..records import Article, Mention, Story, StoryMember, TimeExpr, content_id

__all__ = ["StorySettings", "StoryIndex", "cluster_stories"]


@dataclass(frozen=True)
class StorySettings:
    """Options of story clustering; a crosscheck ``Settings`` may override each one through an
    attribute named ``story_<name>``."""

    topic_threshold: float = 0.12  # mean pair similarity that gathers articles of one topic
    link_threshold: float = 0.2  # mean pair similarity within a topic that makes one story
    window_days: int = 30  # the dated articles of one story span at most this many days
    entity_weight: float = 0.3  # share of the similarity taken from shared entity keys
    index_terms: int = 25  # most weighted terms per article put in the candidate index
    max_posting: int = 300  # a term carried by more indexed articles is too common to pair on
    cohesion_ratio: float = 0.75  # merging needs this share of the stories' own cohesion
    cohesion_members: int = 3  # a story needs this many members before its cohesion counts
    cohesion_sides: int = 2  # how many of the two stories must have 2+ members for that test
    max_time_span_days: int = 7  # a time expression wider than this is not a date anchor


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


def _terms(text: str) -> Counter:
    words = (w.lower().replace("’", "'") for w in _TOKEN.findall(text))
    return Counter(w for w in words if len(w) > 1 and w not in _STOP_WORDS)


def _ordinal(iso: str | None) -> int | None:
    try:
        return dt.date.fromisoformat(iso[:10]).toordinal() if iso else None
    except ValueError:
        return None


def _anchor(article: Article, times: Sequence[TimeExpr], *, max_span: int) -> int | None:
    """The publication date, else the latest day-resolved date the text mentions: a report
    seldom names a day after its own publication, so the latest date is the nearest to it."""
    published = _ordinal(article.published)
    if published is not None:
        return published
    days = []
    for expr in times:
        low, high = _ordinal(expr.low), _ordinal(expr.high)
        if low is not None and high is not None and 0 <= high - low <= max_span:
            days.append((low + high) // 2)
    return max(days) if days else None


def _features(article: Article, mentions: Sequence[Mention], times: Sequence[TimeExpr],
              opts: StorySettings) -> _Features:
    title = (article.title or "").strip()
    body = article.text if title and title in article.text[:500] else f"{title}\n{article.text}"
    entities = Counter(m.key for m in mentions if m.key and m.label in _ENTITY_LABELS)
    return _Features(article.id, article.published, title or _first_line(article.text),
                     _terms(body), entities, _anchor(article, times, max_span=opts.max_time_span_days))


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= 120 else line[:117].rstrip() + "..."


class _Weights:
    """Sublinear TF-IDF weights, l2-normalised, against document frequencies that may grow."""

    def __init__(self, *, local: bool = False) -> None:
        self.local = local
        self.df: Counter = Counter()
        self.entity_df: Counter = Counter()
        self.n = 0

    def count(self, feats: _Features) -> None:
        self.n += 1
        self.df.update(feats.terms.keys())
        self.entity_df.update(feats.entities.keys())

    def vector(self, counts: Counter, *, entities: bool = False) -> dict[str, float]:
        df = self.entity_df if entities else self.df
        if self.local:
            raw = {t: (1 + math.log(c)) * math.log((self.n + 1) / df[t])
                   for t, c in counts.items() if df[t] < self.n or self.n < 2}
        else:
            raw = {t: (1 + math.log(c)) * (math.log((1 + self.n) / (1 + df[t])) + 1)
                   for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {t: v / norm for t, v in raw.items()}


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[t] for t, v in a.items() if t in b)


@dataclass(frozen=True)
class _Vectors:
    terms: dict[str, float]
    entities: dict[str, float]


def _similarity(a: _Vectors, b: _Vectors, opts: StorySettings) -> float:
    text = _dot(a.terms, b.terms)
    if not a.entities or not b.entities:
        return text
    return (1 - opts.entity_weight) * text + opts.entity_weight * _dot(a.entities, b.entities)


def _index_keys(vector: Mapping[str, float], opts: StorySettings) -> list[str]:
    ranked = sorted(vector.items(), key=lambda item: (-item[1], item[0]))
    return [term for term, _ in ranked[: opts.index_terms]]


# --- batch ------------------------------------------------------------------------------------


def cluster_stories(articles: Iterable[Article], *, mentions: Mapping[str, Sequence[Mention]] = {},
                    times: Mapping[str, Sequence[TimeExpr]] = {}, settings: object | None = None,
                    ) -> tuple[list[Story], list[StoryMember]]:
    """Partition ``articles`` into stories: one :class:`Story` per event and one
    :class:`StoryMember` per article. ``mentions`` and ``times`` map article ids to that
    article's records; without them the text and publication dates decide alone."""
    opts = _settings(settings)
    unique = {a.id: a for a in articles}
    feats = [_features(unique[k], mentions.get(k, ()), times.get(k, ()), opts) for k in sorted(unique)]
    weights = _Weights()
    for f in feats:
        weights.count(f)
    vectors = [_Vectors(weights.vector(f.terms), weights.vector(f.entities, entities=True))
               for f in feats]
    sims = {}
    for i, j in _candidate_pairs(vectors, opts):
        score = _similarity(vectors[i], vectors[j], opts)
        if score > 0:
            sims[i, j] = score
    groups = _agglomerate([f.anchor for f in feats], sims, opts, threshold=opts.link_threshold)
    return _records([[feats[i] for i in g] for g in groups], weights)
    events = []
    for group in groups:
        events.extend([group[i] for i in sub] for sub in _split_events([feats[i] for i in group], opts))
    return _records([[feats[i] for i in g] for g in events], weights)


def _split_events(group: Sequence[_Features], opts: StorySettings) -> list[list[int]]:
    """Re-cluster one topic with weights learned inside it: words every member shares count
    for little there, so what tells two similar events apart decides."""
    if len(group) < 2:
        return [list(range(len(group)))]
    weights = _Weights(local=True)
    for f in group:
        weights.count(f)
    vectors = [_Vectors(weights.vector(f.terms), weights.vector(f.entities, entities=True))
               for f in group]
    sims = {}
    for i, j in _candidate_pairs(vectors, opts):
        score = _similarity(vectors[i], vectors[j], opts)
        if score > 0:
            sims[i, j] = score
    return _agglomerate([f.anchor for f in group], sims, opts, threshold=opts.link_threshold)


def _candidate_pairs(vectors: Sequence[_Vectors], opts: StorySettings) -> list[tuple[int, int]]:
    postings: dict[str, list[int]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for key in _index_keys(vector.terms, opts):
            postings[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        if len(members) <= opts.max_posting:
            pairs.update((a, b) for n, a in enumerate(members) for b in members[n + 1 :])
    return sorted(pairs)


class _Clusters:
    """Stories under construction for average linkage: members, summed pair similarity to each
    neighbouring story, and the span of their anchor dates."""

    def __init__(self, anchors: Sequence[int | None]):
        self.members = {i: [i] for i in range(len(anchors))}
        self.links: dict[int, dict[int, float]] = {i: {} for i in range(len(anchors))}
        self.span = {i: (a, a) if a is not None else None for i, a in enumerate(anchors)}
        self.version = dict.fromkeys(range(len(anchors)), 0)
        self.inner = dict.fromkeys(range(len(anchors)), 0.0)  # summed similarity of member pairs

    def cohesion(self, a: int, *, smallest: int = 2) -> float | None:
        n = len(self.members[a])
        return self.inner[a] / (n * (n - 1) / 2) if n >= max(2, smallest) else None

    def mean(self, a: int, b: int) -> float:
        return self.links[a].get(b, 0.0) / (len(self.members[a]) * len(self.members[b]))

    def merged_span(self, a: int, b: int) -> tuple[int, int] | None:
        spans = [s for s in (self.span[a], self.span[b]) if s is not None]
        return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None

    def merge(self, keep: int, gone: int) -> None:
        self.inner[keep] += self.inner.pop(gone) + self.links[keep].get(gone, 0.0)
        self.span[keep] = self.merged_span(keep, gone)
        self.members[keep].extend(self.members.pop(gone))
        for other, total in self.links.pop(gone).items():
            del self.links[other][gone]
            if other != keep:
                combined = self.links[keep].get(other, 0.0) + total
                self.links[keep][other] = self.links[other][keep] = combined
        self.links[keep].pop(gone, None)
        del self.span[gone], self.version[gone]
        self.version[keep] += 1


def _cohesive(clusters: _Clusters, a: int, b: int, mean: float, opts: StorySettings) -> bool:
    """Two stories that each hang together much better than they do with each other are two
    events (the same kind of event twice shares its vocabulary, not its details)."""
    inside = [c for c in (clusters.cohesion(a, smallest=opts.cohesion_members),
                          clusters.cohesion(b, smallest=opts.cohesion_members)) if c is not None]
    if len(inside) < opts.cohesion_sides:
        return True
    return mean >= opts.cohesion_ratio * math.prod(inside) ** (1 / len(inside))


def _agglomerate(anchors: Sequence[int | None], sims: Mapping[tuple[int, int], float],
                 opts: StorySettings, *, threshold: float) -> list[list[int]]:
    clusters = _Clusters(anchors)
    heap = []
    for (a, b), score in sims.items():
        clusters.links[a][b] = clusters.links[b][a] = score
        heap.append((-score, a, b, 0, 0))
    heapq.heapify(heap)
    while heap:
        neg, a, b, va, vb = heapq.heappop(heap)
        if -neg < threshold:
            break
        if clusters.version.get(a) != va or clusters.version.get(b) != vb:
            continue  # one side merged since this entry was pushed
        span = clusters.merged_span(a, b)
        if span is not None and span[1] - span[0] > opts.window_days:
            continue  # spans only widen, so this pair can never merge
        if not _cohesive(clusters, a, b, -neg, opts):
            continue
        clusters.merge(a, b)
        for other in sorted(clusters.links[a]):
            x, y = min(a, other), max(a, other)
            heapq.heappush(heap, (-clusters.mean(a, other), x, y, clusters.version[x], clusters.version[y]))
    return [sorted(members) for _, members in sorted(clusters.members.items())]


# --- records ----------------------------------------------------------------------------------


def _founder_key(feats: _Features) -> tuple:
    return (feats.published is None, feats.published or "", feats.article)


def _story_id(group: Sequence[_Features]) -> str:
    return content_id("story", min(group, key=_founder_key).article)


def _central(group: Sequence[_Features], weights: _Weights) -> _Features:
    """The member nearest the story's mean term vector (ties: the founder first)."""
    ordered = sorted(group, key=_founder_key)
    vectors = [weights.vector(f.terms) for f in ordered]
    centroid: Counter = Counter()
    for vector in vectors:
        centroid.update(vector)
    scores = [_dot(vector, centroid) for vector in vectors]
    return ordered[max(range(len(ordered)), key=lambda i: (scores[i], -i))]


def _records(groups: Sequence[Sequence[_Features]], weights: _Weights,
             ) -> tuple[list[Story], list[StoryMember]]:
    stories, members = [], []
    for group in sorted(groups, key=lambda g: _founder_key(min(g, key=_founder_key))):
        story_id = _story_id(group)
        dates = sorted(f.published for f in group if f.published)
        stories.append(Story(story_id, _central(group, weights).title,
                             dates[0] if dates else None, dates[-1] if dates else None))
        members.extend(StoryMember(content_id("story-member", story_id, f.article), story_id, f.article)
                       for f in sorted(group, key=lambda f: f.article))
    return stories, members


# --- incremental ------------------------------------------------------------------------------


class StoryIndex:
    """Stories kept up to date as articles arrive one at a time.

    Each new article joins the existing story with the highest mean similarity to its members
    (``link_threshold`` and ``window_days`` as in :func:`cluster_stories`), or founds a new one.
    Term weights use the document frequencies of all articles seen so far; stories never split
    or merge afterwards, so an article's story only changes id when an earlier-published
    article joins it.
    """

    def __init__(self, *, settings: object | None = None):
        self._opts = _settings(settings)
        self._weights = _Weights()
        self._feats: list[_Features] = []
        self._position: dict[str, int] = {}
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._story_of: list[int] = []  # position of the article that opened the story
        self._groups: dict[int, list[int]] = {}
        self._spans: dict[int, tuple[int, int] | None] = {}

    def __len__(self) -> int:
        return len(self._feats)

    def add(self, article: Article, mentions: Sequence[Mention] = (),
            times: Sequence[TimeExpr] = ()) -> str:
        """Place ``article`` in a story and return that story's id (an article already added
        keeps its story)."""
        if article.id in self._position:
            return self.story_of(article.id)
        feats = _features(article, mentions, times, self._opts)
        self._weights.count(feats)
        vector = self._vectors(feats)
        best = self._best_story(feats, vector)
        position = len(self._feats)
        self._feats.append(feats)
        self._position[article.id] = position
        story = position if best is None else best
        self._story_of.append(story)
        self._groups.setdefault(story, []).append(position)
        self._spans[story] = _widen(self._spans.get(story), feats.anchor)
        for key in _index_keys(vector.terms, self._opts):
            self._postings[key].append(position)
        return self.story_of(article.id)

    def story_of(self, article_id: str) -> str:
        group = self._groups[self._story_of[self._position[article_id]]]
        return _story_id([self._feats[i] for i in group])

    def stories(self) -> tuple[list[Story], list[StoryMember]]:
        groups = [[self._feats[i] for i in g] for _, g in sorted(self._groups.items())]
        return _records(groups, self._weights)

    def _vectors(self, feats: _Features) -> _Vectors:
        return _Vectors(self._weights.vector(feats.terms),
                        self._weights.vector(feats.entities, entities=True))

    def _best_story(self, feats: _Features, vector: _Vectors) -> int | None:
        totals: Counter = Counter()
        for other in self._candidates(vector):
            score = _similarity(vector, self._vectors(self._feats[other]), self._opts)
            totals[self._story_of[other]] += max(score, 0.0)
        best, best_mean = None, self._opts.link_threshold
        for story in sorted(totals):
            mean = totals[story] / len(self._groups[story])
            span = _widen(self._spans[story], feats.anchor)
            if mean >= best_mean and (span is None or span[1] - span[0] <= self._opts.window_days):
                if best is None or mean > best_mean:
                    best, best_mean = story, mean
        return best

    def _candidates(self, vector: _Vectors) -> list[int]:
        found: set[int] = set()
        for key in _index_keys(vector.terms, self._opts):
            posting = self._postings.get(key, ())
            if len(posting) < self._opts.max_posting:
                found.update(posting)
        return sorted(found)


def _widen(span: tuple[int, int] | None, day: int | None) -> tuple[int, int] | None:
    if day is None:
        return span
    return (day, day) if span is None else (min(span[0], day), max(span[1], day))
