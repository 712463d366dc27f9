"""The learned-pair-score experiment (bench/train_stories.py) on made-up articles: its features
agree with the clusterer's own, a text-only score partitions as the hand mix does, and the
number conflict and the fitted score behave as described."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import bench_module

from crosscheck.link.paraphrase import get_embedder
from crosscheck.link.stories import StorySettings, _pair_similarities, cluster_stories
from crosscheck.link.story_features import _features, _Vectors, _Weights
from crosscheck.records import Article


# Two floods of one river a year apart (three reports of the first, two of the second) and a
# chess final: the same kind of event twice, and something else.
TEXTS = {
    "f1": "The Merrow burst its banks at Kettleby on Sunday night, flooding forty homes on Mill "
          "Lane. Firefighters pumped water from the primary school and the mayor, Hanna Roe, "
          "opened the sports hall to families who had to leave.",
    "f2": "Forty homes on Mill Lane in Kettleby were flooded when the Merrow rose overnight on "
          "Sunday. Mayor Hanna Roe said the sports hall would shelter displaced families while "
          "firefighters cleared the primary school.",
    "f3": "Kettleby residents swept mud from Mill Lane after the Merrow flood. Hanna Roe, the "
          "mayor, thanked the firefighters who pumped out the primary school and the families "
          "sleeping in the sports hall.",
    "g1": "A year on, the Merrow flooded again, this time at Dunholt, where the river covered "
          "the ring road and cut power to the bakery quarter. Councillor Ivo Pask called for new "
          "embankments.",
    "g2": "Dunholt's ring road lay under the Merrow for a day, power failed in the bakery quarter "
          "and Councillor Ivo Pask renewed his plea for embankments along the river.",
    "c1": "Grandmaster Lea Tomm won the Vessa chess final with a quiet rook endgame after six "
          "hours, taking the trophy from the defending champion.",
}


def make(key: str) -> Article:
    return Article(key, f"tests/{key}", None, None, None, None, None, None, "en", TEXTS[key])


@pytest.fixture(scope="module")
def trainer():
    with bench_module("train_stories.py", "train_stories") as module:
        yield module


def hashing(texts):
    return get_embedder("hashing").encode(texts)


@pytest.fixture(scope="module")
def articles():
    return [make(k) for k in sorted(TEXTS)]


def partition(labels: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for article, label in labels.items():
        groups.setdefault(label, set()).add(article)
    return {frozenset(g) for g in groups.values()}


def test_text_and_overlap_columns_are_the_clusterers_own(trainer, articles):
    opts = StorySettings(min_overlap=0.0, min_pair_share=0.0, entity_weight=0.0)
    rows, cols, x = trainer.pair_features(articles, opts, embed=hashing)
    feats = [_features(a, (), (), opts) for a in articles]
    weights = _Weights()
    for f in feats:
        weights.count(f)
    vectors = [_Vectors(weights.vector(f.terms), {}) for f in feats]
    sims = dict(_pair_similarities(vectors, opts).items())
    text = dict(zip(zip(rows.tolist(), cols.tolist()), x[:, 0].tolist()))
    assert {p for p, v in text.items() if v > 0} == set(sims)
    assert all(text[p] == pytest.approx(v, abs=1e-6) for p, v in sims.items())
    assert ((x[:, 3] >= 0) & (x[:, 3] <= 1)).all() and x.shape[1] == len(trainer.FEATURES)


def test_text_only_linear_score_partitions_as_the_hand_mix(trainer, articles):
    opts = StorySettings()
    features = trainer.pair_features(articles, opts, embed=hashing)
    scorer = trainer.Scorer((0,), np.zeros(1), np.ones(1), np.array([2.0]), -1.0, linear=True)
    learned = partition(trainer.learned_labels(articles, scorer, opts, features))
    _stories, members = cluster_stories(articles, settings=opts)
    assert learned == partition({m.article: m.story for m in members})
    assert frozenset({"f1", "f2", "f3"}) in learned and frozenset({"c1"}) in learned


def test_number_conflict_needs_the_same_unit_and_no_common_value(trainer):
    numbers = trainer._numbers
    assert trainer._conflict(numbers("forty homes and 40 homes"), numbers("12 homes flooded"))
    assert not trainer._conflict(numbers("40 homes, 12 homes"), numbers("12 homes flooded"))
    assert not trainer._conflict(numbers("40 homes"), numbers("40 metres of road"))
    assert not trainer._conflict(numbers("no figures at all"), numbers("12 homes"))


def test_fitted_score_ranks_same_story_pairs_first_and_gates_on_overlap(trainer, articles):
    opts = StorySettings()
    features = trainer.pair_features(articles, opts, embed=hashing)
    gold = {a.id: a.id[0] for a in articles}
    x, y = trainer.labels_of(articles, gold, {a.id: "1" for a in articles}, features, within=False)
    assert 0 < y.sum() < len(y)
    scorer = trainer.fit(x, y, (0, 2, 3))
    score = scorer.score(x, opts)
    assert ((score >= 0) & (score <= 1)).all()
    assert score[y == 1].min() > score[y == 0].max()
    lonely = x.copy()
    lonely[:, 3] = 0.0  # no shared words: the gate zeroes every pair
    assert not scorer.score(lonely, opts).any()


def test_quantile_score_hands_out_the_text_cosines_in_the_learned_order(trainer, articles):
    opts = StorySettings(min_overlap=0.0)
    _rows, _cols, x = trainer.pair_features(articles, opts, embed=hashing)
    # a score that ranks pairs by the lead cosine only: the values stay the text cosines
    scorer = trainer.Scorer((2,), np.zeros(1), np.ones(1), np.array([1.0]), 0.0, quantile=True)
    score = scorer.score(x, opts)
    assert sorted(score.tolist()) == pytest.approx(sorted(x[:, 0].tolist()))
    order = np.argsort(x[:, 2], kind="stable")
    assert (np.diff(score[order]) >= 0).all()
