"""Story clustering: which articles report the same real-world event.

Two articles belong to one story when their words and named entities agree and their dates are
close; two events of the same kind (another wave of arrests a year later) are two stories.

1. Features per article: sublinear TF-IDF over the content words and numbers of title and text;
   TF-IDF over the alias-resolved keys of its :class:`Mention` records (when given), mixed in
   with ``entity_weight``; an anchor date: the publication date, else the first day-resolved
   :class:`TimeExpr` in the lead (``lead_chars``); and the dates its text names, each at most a
   month wide.
2. Candidate pairs through an inverted index (a sparse product) of the terms carried by at most
   ``max_posting`` articles: the work grows with the corpus times that bound, not with its
   square; pairs never compared, or below ``min_pair_share`` of the threshold, count as 0, and
   so do pairs sharing under ``min_overlap`` of the shorter article's distinct content words:
   IDF from a small or lopsided corpus can make one or two common words (a "council") look
   like an event, and this share does not depend on the corpus.
3. Average-linkage agglomeration: the two stories with the highest mean pair similarity merge
   while it reaches ``link_threshold``, unless their median anchor dates lie more than
   ``window_days`` apart, or both stories have ``cohesion_members`` members and hang together
   much better than with each other (mean below ``cohesion_ratio`` times the geometric mean of
   their own cohesions): the same kind of event twice shares its vocabulary, not its details.
   Two stories further apart than the window still merge when one of them names a date within
   ``followup_days`` of the other's median anchor: a report of the trial that recalls "the
   September 2010 shooting" follows that story up, while a second wave of arrests a year later
   that names no date of the first stays apart.

:class:`StoryIndex` keeps the same partition as articles arrive (see its docstring).

Story ids are ``content_id("story", founder)``: the founder is the member published first
(undated after dated, ties by smallest article id), so a story keeps its id while it grows with
later articles; only an article published before its founder changes it. The title is that of
the member nearest the story's mean term vector.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

from ..records import Article, Mention, Story, StoryMember, TimeExpr, content_id
from .story_features import (StorySettings, _dot, _Features, _features, _settings, _similarity,
                             _Vectors, _Weights)
from .story_pairs import Pairs, pair_scores, weighted_matrix

__all__ = ["StorySettings", "StoryIndex", "cluster_stories", "feature_pairs"]


# --- batch ------------------------------------------------------------------------------------


def cluster_stories(articles: Iterable[Article], *, mentions: Mapping[str, Sequence[Mention]] = {},
                    times: Mapping[str, Sequence[TimeExpr]] = {}, settings: object | None = None,
                    features: Mapping[str, _Features] | None = None,
                    ) -> tuple[list[Story], list[StoryMember]]:
    """Partition ``articles`` into stories: one :class:`Story` per event and one
    :class:`StoryMember` per article. ``mentions`` and ``times`` map article ids to that
    article's records; without them the text and publication dates decide alone. ``settings``
    is a :class:`StorySettings`, a crosscheck ``Settings`` or ``None`` for the defaults.
    ``features`` (article id -> its story features, e.g. kept in the store) saves computing
    them from ``mentions`` and ``times``: they follow from the article and its records alone."""
    opts = _settings(settings)
    unique = {a.id: a for a in articles}
    known = features or {}
    feats = [known[k] if k in known else _features(unique[k], mentions.get(k, ()), times.get(k, ()), opts)
             for k in sorted(unique)]
    weights, pairs = feature_pairs(feats, opts)
    groups = _agglomerate([f.anchor for f in feats], pairs, opts, [f.named for f in feats])
    return _records([[feats[i] for i in g] for g in groups], weights)


def feature_pairs(feats: Sequence[_Features], opts: StorySettings) -> tuple[_Weights, Pairs]:
    """The corpus weights of ``feats`` and the similarities of their candidate pairs (by
    position), as the batch clustering scores them."""
    weights = _Weights()
    for f in feats:
        weights.count(f)
    # The weighted vectors go straight into the matrices: a dict per article would be the
    # largest thing in memory at 200k articles.
    terms = weighted_matrix(feats, lambda f: weights.vector(f.terms), weights.df)
    entities = weighted_matrix(feats, lambda f: weights.vector(f.entities, entities=True),
                               weights.entity_df)
    return weights, _scores(terms, entities, opts)


def _scores(terms: sparse.csr_matrix, entities: sparse.csr_matrix, opts: StorySettings) -> Pairs:
    """Similarity of every pair that shares a term carried by at most ``max_posting``
    articles and ``min_overlap`` of the shorter one's distinct words, above ``min_pair_share``
    of the threshold; other pairs count as 0 (see :mod:`.story_pairs`)."""
    return pair_scores(terms, entities, max_posting=opts.max_posting,
                       entity_weight=opts.entity_weight, min_overlap=opts.min_overlap,
                       floor=opts.link_threshold * opts.min_pair_share,
                       disjoint_share=opts.disjoint_share)


def _pair_similarities(vectors: Sequence[_Vectors], opts: StorySettings) -> Pairs:
    """:func:`_scores` of articles given as weighted vectors (the incremental index's)."""
    terms = weighted_matrix(vectors, lambda v: v.terms, (t for v in vectors for t in v.terms))
    entities = weighted_matrix(vectors, lambda v: v.entities,
                               (t for v in vectors for t in v.entities))
    return _scores(terms, entities, opts)


class _Clusters:
    """Stories under construction: members, summed pair similarity to each neighbouring story
    and inside, sorted anchor dates, and a version that outdates heap entries on each merge."""

    def __init__(self, anchors: Sequence[int | None],
                 named: Sequence[Sequence[tuple[int, int]]] | None = None):
        self.members = {i: [i] for i in range(len(anchors))}
        self.named = {i: list(named[i]) if named else [] for i in range(len(anchors))}
        self.links: dict[int, dict[int, float]] = {i: {} for i in range(len(anchors))}
        self.dates = {i: [] if a is None else [a] for i, a in enumerate(anchors)}
        self.version = dict.fromkeys(range(len(anchors)), 0)
        self.inner = dict.fromkeys(range(len(anchors)), 0.0)  # summed similarity of member pairs

    def cohesion(self, a: int, *, smallest: int = 2) -> float | None:
        n = len(self.members[a])
        return self.inner[a] / (n * (n - 1) / 2) if n >= max(2, smallest) else None

    def mean(self, a: int, b: int) -> float:
        return self.links[a].get(b, 0.0) / (len(self.members[a]) * len(self.members[b]))

    def merge(self, keep: int, gone: int) -> None:
        self.inner[keep] += self.inner.pop(gone) + self.links[keep].get(gone, 0.0)
        self.dates[keep] = sorted(self.dates[keep] + self.dates.pop(gone))
        self.named[keep].extend(self.named.pop(gone))
        self.members[keep].extend(self.members.pop(gone))
        for other, total in self.links.pop(gone).items():
            del self.links[other][gone]
            if other != keep:
                combined = self.links[keep].get(other, 0.0) + total
                self.links[keep][other] = self.links[other][keep] = combined
        self.links[keep].pop(gone, None)
        del self.version[gone]
        self.version[keep] += 1


def _cohesive(clusters: _Clusters, a: int, b: int, mean: float, opts: StorySettings) -> bool:
    """Two stories that each hang together much better than they do with each other are two
    events (the same kind of event twice shares its vocabulary, not its details)."""
    cohesion_a = clusters.cohesion(a, smallest=opts.cohesion_members)
    cohesion_b = clusters.cohesion(b, smallest=opts.cohesion_members)
    if cohesion_a is None or cohesion_b is None:
        return True  # small stories: their cohesion says little yet
    return mean >= opts.cohesion_ratio * math.sqrt(cohesion_a * cohesion_b)


def _agglomerate(anchors: Sequence[int | None], pairs: Pairs, opts: StorySettings,
                 named: Sequence[Sequence[tuple[int, int]]] | None = None) -> list[list[int]]:
    """Groups of positions: ``anchors`` and ``named`` (the date spans each text names) by
    position, ``pairs`` their similarities."""
    clusters = _Clusters(anchors, named)
    for a, b, score in zip(pairs.first.tolist(), pairs.second.tolist(), pairs.score.tolist()):
        clusters.links[a][b] = clusters.links[b][a] = score
    heap: list[tuple] = []
    for neg, a, b, va, vb in _merge_order(pairs, heap, opts.link_threshold):
        if clusters.version.get(a) != va or clusters.version.get(b) != vb:
            continue  # one side merged since this entry was pushed
        if not _same_time(clusters.dates[a], clusters.dates[b], opts,
                          clusters.named[a], clusters.named[b]):
            continue
        if not _cohesive(clusters, a, b, -neg, opts):
            continue
        clusters.merge(a, b)
        # Only means that reach the threshold can ever be merged on; a lower one gets a new
        # entry if either story grows again. (Entries are distinct tuples, so the order in
        # which they are pushed does not change the order in which they come out.)
        for other in clusters.links[a]:
            mean = clusters.mean(a, other)
            if mean >= opts.link_threshold:
                x, y = min(a, other), max(a, other)
                heapq.heappush(heap, (-mean, x, y, clusters.version[x], clusters.version[y]))
    return [sorted(members) for _, members in sorted(clusters.members.items())]


def _merge_order(pairs: Pairs, heap: list[tuple], threshold: float):
    """Candidate merges, best first, while they reach ``threshold``: the pairs themselves
    (sorted once as arrays: a heap of ten million tuples would not fit at 200k articles)
    interleaved with the merged stories' entries the caller pushes on ``heap``, in exactly the
    order one heap of both would give."""
    strong = pairs.score >= threshold
    first, second, score = pairs.first[strong], pairs.second[strong], pairs.score[strong]
    order = np.lexsort((second, first, -score))
    initial = zip((-score[order]).tolist(), first[order].tolist(), second[order].tolist())
    upcoming = next(initial, None)
    while True:
        entry = None if upcoming is None else (*upcoming, 0, 0)
        if heap and (entry is None or heap[0] < entry):
            entry = heapq.heappop(heap)
        elif entry is not None:
            upcoming = next(initial, None)
        if entry is None or -entry[0] < threshold:
            return
        yield entry


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


def _records(groups: Sequence[Sequence[_Features]], weights: _Weights, *,
             titles: Mapping[str, str] | None = None) -> tuple[list[Story], list[StoryMember]]:
    """Story and member records of ``groups``; a story id in ``titles`` takes that title
    instead of its central member's."""
    stories, members = [], []
    for group in sorted(groups, key=lambda g: _founder_key(min(g, key=_founder_key))):
        story_id = _story_id(group)
        dates = sorted(f.published for f in group if f.published)
        title = titles[story_id] if titles and story_id in titles else _central(group, weights).title
        stories.append(Story(story_id, title,
                             dates[0] if dates else None, dates[-1] if dates else None))
        members.extend(StoryMember(content_id("story-member", story_id, f.article), story_id,
                                   f.article) for f in sorted(group, key=lambda f: f.article))
    return stories, members


# --- incremental ------------------------------------------------------------------------------


class StoryIndex:
    """Stories kept up to date as articles arrive one at a time, with the partition logic of
    :func:`cluster_stories`.

    A new article is compared with the articles sharing a rare term with it. The stories it
    reaches ``link_threshold`` with are clustered again together with it, exactly as the batch
    does, so they may absorb it, merge, or split; a story it does not reach stays as it is.
    Above ``recluster_limit`` articles in those stories it joins the best one directly instead.
    Term weights use the document frequencies of the articles seen so far. Story ids follow the
    batch rule (the founder is the member published first), so a story keeps its id while it
    grows with later articles.
    """

    def __init__(self, *, settings: object | None = None):
        self._opts = _settings(settings)
        self._weights = _Weights()
        self._feats: list[_Features] = []
        self._position: dict[str, int] = {}
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._story_of: list[int] = []  # story key: the smallest position among its members
        self._groups: dict[int, list[int]] = {}
        self._cache: list[tuple[int, _Vectors]] = []  # corpus size when weighed, vector

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
        reached = self._reached_stories(vector)
        position = len(self._feats)
        self._feats.append(feats)
        self._position[article.id] = position
        self._cache.append((self._weights.n, vector))
        for term in vector.terms:
            self._postings[term].append(position)
        self._place(position, reached)
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

    def _vector_of(self, position: int) -> _Vectors:
        """An earlier article's vector, weighed again once the corpus has grown by an eighth
        since (document frequencies drift slowly; weighing every candidate on every add
        would make adding quadratic in practice)."""
        weighed_at, vector = self._cache[position]
        if self._weights.n > weighed_at + weighed_at // 8:
            vector = self._vectors(self._feats[position])
            self._cache[position] = (self._weights.n, vector)
        return vector

    def _reached_stories(self, vector: _Vectors) -> list[tuple[float, int]]:
        """(mean similarity, story) of the stories the new article reaches the threshold with,
        best first."""
        found: set[int] = set()
        for term in vector.terms:
            posting = self._postings.get(term, ())
            if len(posting) < self._opts.max_posting:
                found.update(posting)
        totals: Counter = Counter()
        for other in sorted(found):
            story = self._story_of[other]
            totals[story] += _similarity(vector, self._vector_of(other), self._opts)
        means = [(totals[s] / len(self._groups[s]), s) for s in sorted(totals)]
        return sorted((m, s) for m, s in means if m >= self._opts.link_threshold)[::-1]

    def _place(self, position: int, reached: list[tuple[float, int]]) -> None:
        members = sorted([position, *(i for _, s in reached for i in self._groups[s])])
        if not reached:
            groups = [[position]]
        elif len(members) > self._opts.recluster_limit:
            groups = self._joined(position, reached)
        else:
            vectors = [self._vector_of(i) for i in members]
            anchors = [self._feats[i].anchor for i in members]
            named = [self._feats[i].named for i in members]
            sims = _pair_similarities(vectors, self._opts)
            groups = [[members[k] for k in g]
                      for g in _agglomerate(anchors, sims, self._opts, named)]
        for _, story in reached:
            del self._groups[story]
        self._story_of.append(position)
        for group in groups:
            self._groups[group[0]] = group
            for i in group:
                self._story_of[i] = group[0]

    def _joined(self, position: int, reached: list[tuple[float, int]]) -> list[list[int]]:
        """The reached stories unchanged and the new article in the best one its date fits."""
        feats = self._feats
        anchor, named = feats[position].anchor, feats[position].named
        groups = [list(self._groups[s]) for _, s in reached]
        for group in groups:  # best first
            dates = sorted(a for a in (feats[i].anchor for i in group) if a is not None)
            if _same_time(dates, [] if anchor is None else [anchor], self._opts,
                          [span for i in group for span in feats[i].named], named):
                group.append(position)
                return groups
        return [*groups, [position]]


def _same_time(dates_a: Sequence[int], dates_b: Sequence[int], opts: StorySettings,
               named_a: Sequence[tuple[int, int]] = (), named_b: Sequence[tuple[int, int]] = (),
               ) -> bool:
    """Whether two stories' median anchor dates lie within ``window_days`` (an undated story
    fits any time; medians, so that one article dated by a background date cannot decide), or
    one of them names a date within ``followup_days`` of the other's median: it follows the
    other up (a trial recalling the shooting), and is not the same kind of event again."""
    if not dates_a or not dates_b:
        return True
    median_a, median_b = _median(dates_a), _median(dates_b)
    if abs(median_a - median_b) <= opts.window_days:
        return True
    return opts.followup_days is not None and (_names_day(named_a, median_b, opts.followup_days)
                                               or _names_day(named_b, median_a, opts.followup_days))


def _names_day(spans: Sequence[tuple[int, int]], day: float, within: int) -> bool:
    """Whether one of the date ``spans`` comes within ``within`` days of ``day``."""
    return any(max(0.0, first - day, day - last) <= within for first, last in spans)


def _median(days: Sequence[int]) -> float:
    middle = len(days) // 2
    return days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
