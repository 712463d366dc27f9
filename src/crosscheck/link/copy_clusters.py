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
3. its nearest partners by estimate (ties by id): an intermediate copy (A to B to C) is
   nearest to what it copied.

A pair is kept when either article keeps it, so an article with ``per_article`` partners or
fewer keeps all of them and a corpus where no article has more is unchanged; the pairs are a
subset of the near-duplicate pairs, at most ``per_article`` per article. Everything is a
function of the pairs and dates alone, in sorted order: the same on any engine and in an
incremental run as in a batch run over the union.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

__all__ = ["bounded_partners"]


def bounded_partners(pairs: Sequence[tuple[str, str, float]], published: Mapping[str, str | None],
                     *, per_article: int) -> list[tuple[str, str, float]]:
    """``pairs`` (``(a, b, estimate)`` with ``a < b``) less those neither article keeps, in
    the input order; see the module docstring for which an article keeps."""
    if per_article < 1:
        raise ValueError(f"per_article must be at least 1, got {per_article}")
    partners: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for a, b, estimate in pairs:
        partners[a].append((b, estimate))
        partners[b].append((a, estimate))
    crowded = sorted(x for x, found in partners.items() if len(found) > per_article)
    if not crowded:
        return list(pairs)
    centrality = {x: round(sum(e for _, e in found), 6) for x, found in partners.items()}
    kept = {x: _kept(partners[x], published, centrality, per_article) for x in crowded}
    return [(a, b, e) for a, b, e in pairs
            if (a not in kept or b in kept[a]) or (b not in kept or a in kept[b])]


def _kept(found: list[tuple[str, float]], published: Mapping[str, str | None],
          centrality: Mapping[str, float], per_article: int) -> set[str]:
    """The ``per_article`` partners one crowded article keeps."""
    share = max(1, per_article // 4)
    dated = sorted((published[y], y) for y, _ in found if published.get(y))
    central = sorted(found, key=lambda p: (-centrality[p[0]], p[0]))
    nearest = sorted(found, key=lambda p: (-p[1], p[0]))
    chosen = [y for _, y in dated[:share]]
    chosen += [y for y, _ in central if y not in chosen][:share]
    for y, _ in nearest:
        if len(chosen) >= per_article:
            break
        if y not in chosen:
            chosen.append(y)
    return set(chosen)
