"""Near-duplicate partners per article: a bound on the pairs a cluster of copies contributes.

Every pair of near-duplicates (MinHash LSH, estimated Jaccard at least the threshold) is worth
aligning while an article has few of them. A story syndicated 500 times is 124,750 such pairs,
almost all of them between two sibling copies that the corpus-level pruning then drops because
the common source explains them (:mod:`.prune`). What decides who copied whom is each copy's
pair with its source; what the graph steps need besides is a few siblings of each copy
(triangles: :func:`.common_source.direct_undated_copies` and the common-source rule of
:mod:`.prune` judge an edge by the third texts aligned with both).

So an article with more than ``per_article`` near-duplicate partners keeps ``per_article`` of
them, chosen in this order:

1. candidate sources by date: its earliest-published partners (by date, then id), a quarter
   of the slots: every copy of one cluster picks the same earliest texts, so the original is
   aligned with every copy and they all share it as a third;
2. candidate sources by content: its partners most similar to the whole cluster (summed
   estimates over their own partners), a quarter of the slots: of undated copies the source
   holds most of every copy's words, so it is the most similar to all of them;
3. its nearest partners by estimate (ties by id), up to ``per_article``: an intermediate copy
   (A to B to C) is nearest to what it copied.

A pair is kept when either article keeps it, so an article with ``per_article`` partners or
fewer keeps all of them and a corpus where no article has more is unchanged; the pairs are a
subset of the near-duplicate pairs, at most ``per_article`` per article. Everything is a
function of the pairs and dates alone, in sorted order: the same on any engine and in an
incremental run as in a batch run over the union. It runs on numpy arrays of row indexes
(:func:`kept_pairs`), so the near-duplicate pairs of a large cluster cost bytes, not Python
objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["bounded_partners", "kept_pairs", "date_ranks"]


def bounded_partners(pairs: Sequence[tuple[str, str, float]], published: Mapping[str, str | None],
                     *, per_article: int) -> list[tuple[str, str, float]]:
    """``pairs`` (``(a, b, estimate)``) less those neither article keeps, in the input order;
    see the module docstring for which an article keeps."""
    ids = sorted({x for a, b, _ in pairs for x in (a, b)})
    row = {x: n for n, x in enumerate(ids)}
    first = np.array([row[a] for a, _, _ in pairs], dtype=np.int64)
    second = np.array([row[b] for _, b, _ in pairs], dtype=np.int64)
    estimate = np.array([e for _, _, e in pairs], dtype=np.float64)
    keep = kept_pairs(first, second, estimate, date_ranks(ids, published), per_article=per_article)
    return [pair for pair, kept in zip(pairs, keep.tolist()) if kept]


def date_ranks(ids: Sequence[str], published: Mapping[str, str | None]) -> np.ndarray:
    """Each id's publication date as a rank (equal dates, equal ranks); -1 when undated."""
    dates = [published.get(x) or "" for x in ids]
    order = {day: n for n, day in enumerate(sorted(set(dates) - {""}))}
    return np.array([order.get(day, -1) for day in dates], dtype=np.int64)


def kept_pairs(first: np.ndarray, second: np.ndarray, estimate: np.ndarray, dates: np.ndarray,
               *, per_article: int) -> np.ndarray:
    """Which pairs (rows ``first[i]``, ``second[i]``, ``estimate[i]``) either article keeps, as
    a boolean mask; ``dates`` holds each row's :func:`date_ranks` (its rows are in id order, so
    ties fall to the smaller id)."""
    if per_article < 1:
        raise ValueError(f"per_article must be at least 1, got {per_article}")
    count = len(dates)
    degree = np.bincount(first, minlength=count) + np.bincount(second, minlength=count)
    if not len(first) or degree.max() <= per_article:
        return np.ones(len(first), dtype=bool)
    # both directions of each pair: the article choosing (src) and its partner (dst)
    src, dst = np.concatenate([first, second]), np.concatenate([second, first])
    near = np.concatenate([estimate, estimate])
    crowded = degree[src] > per_article
    central = np.round(np.bincount(src, weights=near, minlength=count), 6)
    share = max(1, per_article // 4)
    dated = dates[dst] >= 0
    # undated partners sort after every dated one and are never taken as earliest
    by_date = _ranked(src, (dst, np.where(dated, dates[dst], np.iinfo(np.int64).max)),
                      eligible=dated, limit=np.full(count, share))
    by_centre = _ranked(src, (dst, -central[dst]), eligible=~by_date, limit=np.full(count, share))
    chosen = by_date | by_centre
    room = per_article - np.bincount(src[chosen], minlength=count)
    by_estimate = _ranked(src, (dst, -near), eligible=~chosen, limit=room)
    keeps = ~crowded | chosen | by_estimate
    return keeps[: len(first)] | keeps[len(first):]


def _ranked(src: np.ndarray, keys: tuple[np.ndarray, ...], *, eligible: np.ndarray,
            limit: np.ndarray) -> np.ndarray:
    """Of each ``src``'s eligible edges in the order of ``keys`` (last key first, as
    ``np.lexsort`` reads them), the first ``limit[src]``."""
    order = np.lexsort((*keys, src))
    ok = eligible[order]
    taken = np.cumsum(ok)
    groups = src[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    before = np.repeat(np.r_[0, taken[starts[1:] - 1]], np.diff(np.r_[starts, len(order)]))
    rank = taken - before - 1  # among the eligible of its group
    chosen = np.zeros(len(src), dtype=bool)
    chosen[order] = ok & (rank < limit[groups])
    return chosen
