"""The joint sweep of ``bench/stories.py --sweep``: B-cubed F1 of the story clusterer on ECB+
(text) over a grid of its settings, on all topics and on the odd and even halves each clustered
alone, with the points chosen on one half scored on the other.

Pair similarities are computed once per (``min_overlap``, ``max_posting``) and subset and kept
above 0, so that ``min_pair_share``, ``link_threshold`` and the cohesion settings are applied by
agglomerating again (what :func:`crosscheck.link.stories.cluster_stories` does with them).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import replace

from crosscheck.link import stories, story_features
from crosscheck.link.stories import StorySettings

# the joint grid of --sweep; the defaults of StorySettings are among its points
SWEEP_PAIRS = {"min_overlap": (0.05, 0.1, 0.15), "max_posting": (50, 100)}
SWEEP_MERGES = {"link_threshold": (0.08, 0.1, 0.12, 0.14), "min_pair_share": (0.3, 0.5, 0.7),
                "cohesion_ratio": (0.65, 0.72, 0.8), "cohesion_members": (4, 5, 6)}


def sweep(articles, gold, topics, *, score, overrides: dict[str, tuple] | None = None) -> None:
    """B-cubed F1 (text) of every point of a joint grid of the clusterer's settings, on all
    topics and on the odd and the even topics each clustered alone; then the points chosen on
    one half scored on the other (a setting is worth keeping only if it helps both halves).
    ``overrides`` replaces the values of some settings; each setting's default is always in.
    ``score(predicted, gold)`` gives (precision, recall, F1)."""
    pair_grid, merge_grid = (_with_defaults({**grid, **{k: v for k, v in (overrides or {}).items()
                                                        if k in grid}})
                             for grid in (SWEEP_PAIRS, SWEEP_MERGES))
    sets = {"all": articles, "odd": [a for a in articles if int(topics[a.id]) % 2 == 1],
            "even": [a for a in articles if int(topics[a.id]) % 2 == 0]}
    scores: dict[tuple, dict[str, float]] = defaultdict(dict)
    for pair_point in _points(pair_grid):
        for name, subset in sets.items():
            prepared = _prepared(subset, StorySettings(**pair_point))
            for merge_point in _points(merge_grid):
                settings = StorySettings(**pair_point, **merge_point)
                labels = _clustered(prepared, settings)
                scores[tuple(sorted({**pair_point, **merge_point}.items()))][name] = \
                    score(labels, {a.id: gold[a.id] for a in subset})[2]
    print(f"{'point':<110} {'all':>6} {'odd':>6} {'even':>6}")
    for point, row in sorted(scores.items()):
        print(f"{_point_name(point):<110} {row['all']:6.3f} {row['odd']:6.3f} {row['even']:6.3f}")
    default = tuple(sorted((k, getattr(StorySettings(), k)) for k in {**pair_grid, **merge_grid}))
    print(f"defaults: {_point_name(default)} all {scores[default]['all']:.3f} "
          f"odd {scores[default]['odd']:.3f} even {scores[default]['even']:.3f}")
    for chosen_on, held_out in (("odd", "even"), ("even", "odd")):
        _print_choice(scores, default, chosen_on, held_out)


def _with_defaults(grid: dict[str, tuple]) -> dict[str, tuple]:
    return {k: tuple(sorted({*values, getattr(StorySettings(), k)})) for k, values in grid.items()}


def _print_choice(scores: dict[tuple, dict[str, float]], default: tuple, chosen_on: str,
                  held_out: str) -> None:
    """The points best on ``chosen_on`` (ties within 0.0005 all count: choosing among them
    would be a look at the held-out half) and their range on ``held_out``."""
    top = max(row[chosen_on] for row in scores.values())
    tied = [p for p in sorted(scores) if scores[p][chosen_on] >= top - 0.0005]
    held = [scores[p][held_out] for p in tied]
    first = tied[0]
    print(f"best on {chosen_on}: {len(tied)} point(s) at {top:.3f} (defaults "
          f"{scores[default][chosen_on]:.3f}), e.g. {_point_name(first)}; on {held_out} "
          f"{min(held):.3f}..{max(held):.3f} (defaults {scores[default][held_out]:.3f}), "
          f"all topics {min(scores[p]['all'] for p in tied):.3f}.."
          f"{max(scores[p]['all'] for p in tied):.3f} (defaults {scores[default]['all']:.3f})")


def sweep_overrides(values: list[str]) -> dict[str, tuple]:
    """``NAME=V1,V2`` arguments as grid values, typed as the setting's default."""
    overrides = {}
    for item in values:
        name, _, listed = item.partition("=")
        kind = type(getattr(StorySettings(), name, None))
        if name not in {**SWEEP_PAIRS, **SWEEP_MERGES} or not listed:
            raise SystemExit(f"--sweep-values {item!r}: expected NAME=V1,V2 with NAME one of "
                             f"{', '.join(sorted({**SWEEP_PAIRS, **SWEEP_MERGES}))}")
        overrides[name] = tuple(kind(v) for v in listed.split(","))
    return overrides


def _points(grid: dict[str, tuple]) -> list[dict]:
    return [dict(zip(grid, values)) for values in itertools.product(*grid.values())]


def _point_name(point: tuple) -> str:
    return " ".join(f"{k}={v}" for k, v in point)


def _prepared(articles, settings):
    """Anchors and pair similarities of ``articles`` (text only), all pairs above 0 kept so that
    ``min_pair_share`` and ``link_threshold`` can be applied afterwards."""
    ordered = sorted(articles, key=lambda a: a.id)
    feats = [story_features._features(a, (), (), settings) for a in ordered]
    weights = story_features._Weights()
    for f in feats:
        weights.count(f)
    vectors = [story_features._Vectors(weights.vector(f.terms), {}) for f in feats]
    sims = stories._pair_similarities(vectors, replace(settings, min_pair_share=0.0))
    return [f.article for f in feats], [f.anchor for f in feats], sims


def _clustered(prepared, settings) -> dict[str, str]:
    ids, anchors, sims = prepared
    floor = settings.link_threshold * settings.min_pair_share
    groups = stories._agglomerate(anchors, sims.above(floor), settings)
    return {ids[i]: str(n) for n, group in enumerate(groups) for i in group}
