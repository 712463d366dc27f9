"""Stories updated for new articles: the stories they reach are clustered again, the rest kept.

:func:`update_stories` takes the stored partition of the articles linked before and the
articles that are new since (or whose text changed). Term weights are those of the whole
corpus, as in :func:`.stories.cluster_stories`. A new article reaches a stored story when its
mean similarity with the story's members (compared through the terms at most ``max_posting``
articles of the corpus carry) reaches ``link_threshold``. The new articles, the members of the
stories they reach and of stories that lost a member are then clustered again with the batch's
own agglomeration and pair rule (pairs must share a corpus-rare term); every other story is
kept as it is.

What may differ from a batch run on the union: a kept story is not split or merged again when
the new articles shift document frequencies, and a reclustered set is agglomerated apart from
the stories it does not reach (the batch merges on the whole corpus), and a kept story keeps its stored title (given in
``titles``) where the batch would weigh its members again under the shifted frequencies, which
changes the central member only between near-equal members. Ids, dates and the titles of the
reclustered stories follow the batch rules on the resulting partition.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from ..records import Article, Mention, Story, StoryMember, TimeExpr
from .stories import _agglomerate, _records, _scores
from .story_features import _features, _overlapping, _settings, _similarity, _Vectors, _Weights
from .story_pairs import Pairs, weighted_matrix

__all__ = ["update_stories"]


def update_stories(articles: Iterable[Article], *, previous: Mapping[str, str],
                   new: set[str], mentions: Mapping[str, Sequence[Mention]] = {},
                   times: Mapping[str, Sequence[TimeExpr]] = {}, settings: object | None = None,
                   features: Mapping[str, object] | None = None,
                   titles: Mapping[str, str] | None = None,
                   ) -> tuple[list[Story], list[StoryMember]]:
    """Stories of ``articles``: ``previous`` maps each article linked before to its stored
    story; ``new`` holds the articles to place (new or changed since). ``features`` (article id
    -> its story features, e.g. kept in the store) saves computing them from ``mentions`` and
    ``times``. ``titles`` (stored story id -> title) is kept for every story left as it was."""
    opts = _settings(settings)
    unique = {a.id: a for a in articles}
    order = sorted(unique)
    known = features or {}
    feats = [known[k] if k in known else _features(unique[k], mentions.get(k, ()), times.get(k, ()), opts)
             for k in order]
    position = {k: i for i, k in enumerate(order)}
    weights = _Weights()
    for f in feats:
        weights.count(f)
    groups: dict[str, list[int]] = defaultdict(list)
    for k in order:
        if k not in new and k in previous:
            groups[previous[k]].append(position[k])
    # a stored story that lost a member (gone, or changed and placed again) is clustered again
    lost = {previous[k] for k in previous if k not in unique or k in new}
    fresh = [position[k] for k in order if k in new or k not in previous]
    reached = _reached(fresh, feats, weights, groups, opts) | (lost & set(groups))
    regroup = sorted({*fresh, *(i for s in reached for i in groups[s])})
    kept = {s: g for s, g in groups.items() if s not in reached}
    # a kept story's founder is among its unchanged members, so its id is the stored one; a
    # reclustered story never takes that id (its members are disjoint from the kept ones)
    known = {s: titles[s] for s in kept if s in (titles or {})}
    return _records([[feats[i] for i in g] for g in [*kept.values(), *_recluster(regroup, feats, weights, opts)]],
                    weights, titles=known)


def _reached(fresh: list[int], feats, weights: _Weights, groups: Mapping[str, list[int]],
             opts) -> set[str]:
    """Stored stories some new article reaches the link threshold with (mean similarity)."""
    story_of = {i: s for s, members in groups.items() for i in members}
    # only the rare terms the new articles carry are looked up
    wanted = {t for i in fresh for t in feats[i].terms if weights.df[t] <= opts.max_posting}
    postings: dict[str, list[int]] = defaultdict(list)
    for i in sorted(story_of):
        for term in feats[i].terms.keys() & wanted:
            postings[term].append(i)
    vectors: dict[int, _Vectors] = {}

    def vector(i: int) -> _Vectors:
        if i not in vectors:
            vectors[i] = _Vectors(weights.vector(feats[i].terms),
                                  weights.vector(feats[i].entities, entities=True))
        return vectors[i]

    found: set[str] = set()
    for i in fresh:
        by_story: dict[str, list[int]] = defaultdict(list)
        for other in sorted({o for t in feats[i].terms for o in postings.get(t, ())}):
            by_story[story_of[other]].append(other)
        for s, others in by_story.items():
            # a similarity is at most 1 (l2-normalised vectors), so a story with fewer candidate
            # members than the threshold asks of its mean cannot be reached: skip weighing them
            if s in found or len(others) * (1 + 1e-9) < opts.link_threshold * len(groups[s]):
                continue
            # pairs without the word overlap the similarity asks for score 0: tested before
            # the vectors are weighed, as :func:`_similarity` would test them after
            close = [o for o in others if _overlapping(feats[i].terms.keys(), feats[o].terms.keys(), opts)]
            total = sum(_similarity(vector(i), vector(o), opts) for o in close)
            if total / len(groups[s]) >= opts.link_threshold:
                found.add(s)
    return found


def _recluster(members: list[int], feats, weights: _Weights, opts) -> list[list[int]]:
    """The batch's agglomeration over ``members``, with corpus weights, on the pairs that share
    a term at most ``max_posting`` articles of the corpus carry."""
    if not members:
        return []
    chosen = [feats[i] for i in members]
    terms = weighted_matrix(chosen, lambda f: weights.vector(f.terms), weights.df)
    entities = weighted_matrix(chosen, lambda f: weights.vector(f.entities, entities=True),
                               weights.entity_df)
    pairs = _corpus_rare(_scores(terms, entities, opts), chosen, weights, opts)
    groups = _agglomerate([f.anchor for f in chosen], pairs, opts, [f.named for f in chosen])
    return [[members[k] for k in g] for g in groups]


def _corpus_rare(pairs: Pairs, chosen, weights: _Weights, opts) -> Pairs:
    """Only pairs sharing a term that is rare in the whole corpus (as the batch requires),
    not just among the articles clustered again."""
    rare = [{t for t in f.terms if weights.df[t] <= opts.max_posting} for f in chosen]
    keep = np.array([bool(rare[a] & rare[b]) for a, b in zip(pairs.first.tolist(), pairs.second.tolist())],
                    dtype=bool)
    if not len(keep):
        return pairs
    return Pairs(pairs.first[keep], pairs.second[keep], pairs.score[keep])
