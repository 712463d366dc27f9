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
the new articles shift document frequencies; a reclustered set is agglomerated apart from the
stories it does not reach (the batch merges on the whole corpus); and a kept story keeps its
stored title (given in ``titles``) where the batch would weigh its members again under the
shifted frequencies, which changes the central member only between near-equal members. Ids,
dates and the titles of the reclustered stories follow the batch rules on the resulting
partition.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from ..records import Article, Mention, Story, StoryMember, TimeExpr
from .stories import _agglomerate, _records, _scores
from .story_features import _features, _settings, _Weights
from .story_pairs import Pairs, _ones, weighted_matrix

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
    """Stored stories some new article reaches the link threshold with (mean similarity over
    the story's members; a member sharing no term that at most ``max_posting`` articles carry
    with the new article counts 0, as does one below the ``min_overlap`` word share).

    The similarities are those of :func:`.story_features._similarity`, computed a block of new
    articles at a time as sparse products over TF-IDF matrices built in one pass
    (:meth:`.story_features._Weights.matrix`; weighing each member as a dict, as the pair rule
    does one pair at a time, was most of a placement run)."""
    names = sorted(groups)
    stored = [i for s in names for i in groups[s]]
    if not fresh or not stored:
        return set()
    story = np.repeat(np.arange(len(names)), [len(groups[s]) for s in names])
    sizes = np.array([len(groups[s]) for s in names], dtype=np.float64)
    rows = [*fresh, *stored]
    terms, carried = weights.matrix([feats[i].terms for i in rows])
    rare_columns = np.flatnonzero(carried <= opts.max_posting)
    entities, _ = weights.matrix([feats[i].entities for i in rows], entities=True)
    n = len(fresh)
    mine, theirs = terms[:n], terms[n:].T.tocsr()
    rare_mine = _ones(mine[:, rare_columns])
    rare_theirs = _ones(terms[n:, rare_columns]).T.tocsr()
    ones_theirs = _ones(terms[n:]).T.tocsr()
    ents_mine, ents_theirs = entities[:n], entities[n:].T.tocsr()
    length = terms.getnnz(axis=1)
    named = entities.getnnz(axis=1) > 0
    found: set[int] = set()
    block = max(1, (1 << 20) // len(stored))  # about a million similarities at once
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        shares_rare = (rare_mine[lo:hi] @ rare_theirs).toarray() > 0
        text = (mine[lo:hi] @ theirs).toarray()
        common = (_ones(mine[lo:hi]) @ ones_theirs).toarray()
        names_dot = (ents_mine[lo:hi] @ ents_theirs).toarray()
        both = named[lo:hi, None] & named[None, n:]
        score = np.where(both, (1 - opts.entity_weight) * text + opts.entity_weight * names_dot, text)
        shorter = np.minimum(length[lo:hi, None], length[None, n:])
        score[(common < opts.min_overlap * shorter) | ~shares_rare] = 0.0
        for row in score:
            totals = np.bincount(story, weights=row, minlength=len(names))
            found.update(np.flatnonzero(totals / sizes >= opts.link_threshold).tolist())
    return {names[k] for k in found}


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
