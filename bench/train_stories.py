"""Learned pair score for story clustering, evaluated honestly on ECB+ by topic halves.

For the candidate pairs of story clustering (pairs sharing a term carried by at most
``max_posting`` articles, the candidate generation of ``link/stories.py``) it computes pair
features (``FEATURES``): TF-IDF cosine of text, title and lead; the shared-word share that
``min_overlap`` tests; the share of shared rare terms; WordLlama cosine of the whole text and of
the lead; a number conflict (same unit word, no value in common); TF-IDF cosine of the content
words counted once, of the capitalised words, of word pairs and of tokens holding a digit. It
fits a logistic regression for "same gold story" on one half of the topics (odd / even), chooses
``link_threshold`` and ``cohesion_ratio`` on that half only (or keeps the defaults:
``--defaults``), clusters the other half alone with the learned score and prints its B-cubed F1
beside the hand mix's (default settings) on the same half, text only. The score given to average
linkage is the probability, a cosine-like sum of the weighted raw features (``linear``) or the
pairs' own text cosines handed out in the learned order (``quantile``: the hand mix's scale,
the learned ranking).

This is an experiment: on 2026-11-23 no learned score beat the hand mix on both halves
(docs/benchmarks.md, Stories, fourth attempt), so no coefficients are shipped and nothing is
written.

Example:
    python bench/train_stories.py
    python bench/train_stories.py --score quantile --pairs within --gate --defaults
    python bench/train_stories.py --features text,lead,capitals --gate
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SHARED_BENCH, require_dataset  # noqa: E402
from stories import bcubed, load_ecbplus  # noqa: E402

from crosscheck.link.stories import StorySettings, _agglomerate, cluster_stories  # noqa: E402
from crosscheck.link.story_pairs import Pairs, weighted_matrix  # noqa: E402
from crosscheck.link.story_features import _STOP_WORDS, _TOKEN, _features, _terms, _Weights  # noqa: E402

FEATURES = ("text", "title", "lead", "overlap", "rare", "embed", "embed_lead", "numbers",
            "binary", "capitals", "bigrams", "digits")
_OVERLAP = FEATURES.index("overlap")
_NUMBER_UNIT = re.compile(r"\b(\d+(?:[.,]\d+)?)\s+([a-z]{3,})\b")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_GRID = list(itertools.product((0.04, 0.07, 0.1, 0.15, 0.2, 0.3), (0.6, 0.72, 0.85)))


def _matrix(vectors):
    """CSR rows of weighted term vectors, columns in sorted term order (as the clusterer's)."""
    return weighted_matrix(vectors, lambda v: v, (t for v in vectors for t in v))


# --- pair features ------------------------------------------------------------------------------


def pair_features(articles, opts: StorySettings, *, lead_chars: int = 300,
                  embed=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, features) of the candidate pairs of ``articles``, one column per name in
    ``FEATURES``. ``embed`` turns texts into unit rows (default: WordLlama)."""
    feats = [_features(a, (), (), opts) for a in articles]
    weights = _Weights()
    for f in feats:
        weights.count(f)
    terms = _matrix([weights.vector(f.terms) for f in feats])
    titles = _matrix([weights.vector(_terms(f.title)) for f in feats])
    leads = _matrix([weights.vector(_terms(a.text[:lead_chars])) for a in articles])
    rows, cols = candidates(terms, opts)
    words = terms.astype(bool).astype(np.float32).tocsr()
    df = words.getnnz(axis=0)
    few = words[:, np.flatnonzero(df <= max(2, len(articles) // 50))].tocsr()

    def dot(m):
        return np.asarray(m[rows].multiply(m[cols]).sum(axis=1)).ravel()

    def share(m):
        sizes = m.getnnz(axis=1)
        return dot(m) / np.maximum(np.minimum(sizes[rows], sizes[cols]), 1)

    embed = embed or _wordllama
    whole, lead = embed([a.text for a in articles]), embed([a.text[:lead_chars] for a in articles])
    numbers = [_numbers(a.text[:lead_chars * 2]) for a in articles]
    conflicts = [_conflict(numbers[i], numbers[j]) for i, j in zip(rows, cols)]
    columns = [dot(terms), dot(titles), dot(leads), share(words), share(few),
               np.einsum("ij,ij->i", whole[rows], whole[cols]),
               np.einsum("ij,ij->i", lead[rows], lead[cols]), np.array(conflicts, dtype=float)]
    columns += [dot(_tfidf(bag)) for bag in _bags(articles, feats)]
    return rows, cols, np.column_stack(columns)


def _bags(articles, feats) -> list[list[Counter]]:
    """Other views of each article: its content words once each, its capitalised words (names
    without an entity tagger), its word pairs and its tokens holding a digit."""
    words = [[w.lower() for w in _TOKEN.findall(a.text)] for a in articles]
    content = [[w for w in ws if len(w) > 1 and w not in _STOP_WORDS] for ws in words]
    return [[Counter(dict.fromkeys(f.terms, 1)) for f in feats],
            [Counter(w.lower() for w in _CAPITALISED.findall(a.text)
                     if w.lower() not in _STOP_WORDS) for a in articles],
            [Counter(f"{x} {y}" for x, y in zip(ws, ws[1:])) for ws in content],
            [Counter(w for w in ws if any(c.isdigit() for c in w)) for ws in words]]


def _tfidf(bags: list[Counter]):
    """Rows of sublinear TF-IDF, l2-normalised, over ``bags`` (the clusterer's weighting)."""
    weights = _Weights()
    for bag in bags:
        weights.n += 1
        weights.df.update(bag.keys())
    return _matrix([weights.vector(bag) for bag in bags])


def candidates(terms, opts: StorySettings) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) sharing a term carried by at most ``max_posting`` articles."""
    rare = np.flatnonzero(terms.getnnz(axis=0) <= opts.max_posting)
    index = terms[:, rare].astype(bool).astype(np.float32).tocsr()
    shared = (index @ index.T).tocoo()
    keep = shared.row < shared.col
    return shared.row[keep], shared.col[keep]


def _wordllama(texts: list[str]) -> np.ndarray:
    from crosscheck.link.paraphrase import get_embedder

    return get_embedder("wordllama").encode(texts)


def _numbers(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for value, unit in _NUMBER_UNIT.findall(text.lower()):
        found.setdefault(unit, set()).add(value)
    return found


def _conflict(a: dict[str, set[str]], b: dict[str, set[str]]) -> bool:
    """Whether both give a number with the same unit word and no value in common."""
    return any(unit in b and not (values & b[unit]) for unit, values in a.items())


# --- learned score ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scorer:
    """A logistic regression over some feature columns. ``linear``: its weights on the raw
    features rescaled to the text cosine's (clipped at 0), so that average linkage sees a
    cosine-like scale; else its probability. ``gate``: pairs under ``min_overlap`` score 0."""

    use: tuple[int, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    linear: bool = False
    quantile: bool = False
    gate: bool = True

    def score(self, x: np.ndarray, opts: StorySettings) -> np.ndarray:
        z = x[:, self.use]
        logit = ((z - self.mean) / self.scale) @ self.coef + self.intercept
        if self.linear:
            weights = self.coef / self.scale
            score = np.clip(z @ (weights / weights[0]), 0.0, None)
        elif self.quantile:
            score = np.empty(len(x))  # the text cosines, handed out in the learned order
            score[np.argsort(logit, kind="stable")] = np.sort(x[:, 0])
        else:
            score = 1 / (1 + np.exp(-logit))
        if self.gate:
            score = np.where(x[:, _OVERLAP] < opts.min_overlap, 0.0, score)
        return score


def fit(x: np.ndarray, y: np.ndarray, use: tuple[int, ...], **kwargs) -> Scorer:
    from sklearn.linear_model import LogisticRegression

    z = x[:, use]
    mean, scale = z.mean(axis=0), z.std(axis=0) + 1e-9
    model = LogisticRegression(max_iter=2000).fit((z - mean) / scale, y)
    return Scorer(use, mean, scale, model.coef_[0], float(model.intercept_[0]), **kwargs)


def learned_labels(articles, scorer: Scorer, opts: StorySettings, features) -> dict[str, str]:
    """The partition of ``articles`` by average linkage on the learned pair score."""
    rows, cols, x = features
    score = scorer.score(x, opts)
    floor = opts.link_threshold * opts.min_pair_share
    keep = score > floor
    groups = _agglomerate([None] * len(articles), Pairs(rows[keep], cols[keep], score[keep]), opts)
    return {articles[i].id: str(g[0]) for g in groups for i in g}


def hand_labels(articles, opts: StorySettings) -> dict[str, str]:
    _stories, members = cluster_stories(articles, settings=opts)
    return {m.article: m.story for m in members}


def labels_of(articles, gold, topics, features, *, within: bool):
    """Same-story labels of the candidate pairs; ``within``: keep same-topic pairs only."""
    rows, cols, x = features
    ids = [a.id for a in articles]
    y = np.array([gold[ids[i]] == gold[ids[j]] for i, j in zip(rows, cols)], dtype=int)
    if not within:
        return x, y
    same = np.array([topics[ids[i]] == topics[ids[j]] for i, j in zip(rows, cols)], dtype=bool)
    return x[same], y[same]


def choose(articles, gold, scorer: Scorer, features) -> tuple[StorySettings, float]:
    """The grid point best on ``articles`` (the training half)."""
    best = None
    for threshold, ratio in _GRID:
        opts = StorySettings(link_threshold=threshold, cohesion_ratio=ratio)
        f1 = bcubed(learned_labels(articles, scorer, opts, features), gold)[2]
        if best is None or f1 > best[1]:
            best = (opts, f1)
    return best


def cross_fit(articles, gold, topics, args) -> None:
    use = tuple(FEATURES.index(name) for name in args.features.split(","))
    base = StorySettings()
    halves = {p: [a for a in articles if int(topics[a.id]) % 2 == p] for p in (1, 0)}
    golds = {p: {a.id: gold[a.id] for a in half} for p, half in halves.items()}
    features = {p: pair_features(half, base) for p, half in halves.items()}
    for train, test in ((1, 0), (0, 1)):
        x, y = labels_of(halves[train], gold, topics, features[train], within=args.pairs == "within")
        scorer = fit(x, y, use, linear=args.score == "linear", quantile=args.score == "quantile",
                     gate=args.gate)
        if args.defaults:
            opts = base
            f1_train = bcubed(learned_labels(halves[train], scorer, base, features[train]),
                              golds[train])[2]
        else:
            opts, f1_train = choose(halves[train], golds[train], scorer, features[train])
        learned = bcubed(learned_labels(halves[test], scorer, opts, features[test]), golds[test])[2]
        hand = bcubed(hand_labels(halves[test], base), golds[test])[2]
        name = {1: "odd", 0: "even"}
        print(f"fit on {name[train]} ({len(y)} pairs, {y.sum()} same), coefficients "
              f"{dict(zip(args.features.split(','), np.round(scorer.coef, 2).tolist()))}")
        print(f"  chose link_threshold {opts.link_threshold}, cohesion_ratio {opts.cohesion_ratio}"
              f" (train B3-F1 {f1_train:.3f}); {name[test]} topics: learned {learned:.3f}, "
              f"hand mix {hand:.3f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED_BENCH.parent,
                        help="the shared folder holding bench/ecbplus")
    parser.add_argument("--features", default=",".join(FEATURES),
                        help=f"comma-separated feature names among {', '.join(FEATURES)}")
    parser.add_argument("--score", choices=["probability", "linear", "quantile"], default="probability")
    parser.add_argument("--pairs", choices=["all", "within"], default="all",
                        help="train on every candidate pair or on same-topic pairs only")
    parser.add_argument("--gate", action="store_true", help="pairs under min_overlap score 0")
    parser.add_argument("--defaults", action="store_true",
                        help="cluster with the default settings instead of choosing them")
    args = parser.parse_args(argv)
    unknown = set(args.features.split(",")) - set(FEATURES)
    if unknown:
        parser.error(f"unknown features {sorted(unknown)}: choose among {', '.join(FEATURES)}")
    path = require_dataset(args.data / "bench" / "ecbplus" / "articles.jsonl", name="ecbplus")
    articles, gold, topics = load_ecbplus(path, limit=None)
    cross_fit(articles, gold, topics, args)


if __name__ == "__main__":
    main()
