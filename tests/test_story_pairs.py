"""Pair scoring of story clustering on sparse matrices: the same numbers as plain dot products."""

from __future__ import annotations

import heapq
import itertools

import numpy as np
from scipy import sparse

from crosscheck.link.stories import _merge_order
from crosscheck.link.story_pairs import Pairs, pair_scores, weighted_matrix


def _random_rows(seed: int, rows: int, columns: int, per_row: int) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = np.zeros((rows, columns))
    for row in dense:
        row[rng.choice(columns, size=per_row, replace=False)] = rng.random(per_row) + 0.1
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    return sparse.csr_matrix(dense)


def _brute_force(terms, entities, *, max_posting, entity_weight, min_overlap, floor,
                 disjoint_share=1.0):
    t, e = terms.toarray(), entities.toarray()
    rare = (t != 0).sum(axis=0) <= max_posting
    found = {}
    for i, j in itertools.combinations(range(len(t)), 2):
        if not ((t[i] != 0) & (t[j] != 0) & rare).any():
            continue
        score = t[i] @ t[j]
        if (e[i] != 0).any() and (e[j] != 0).any():
            score = (1 - entity_weight) * score + entity_weight * (e[i] @ e[j])
            if not ((e[i] != 0) & (e[j] != 0)).any():  # both name entities, none in common
                score *= disjoint_share
        common = ((t[i] != 0) & (t[j] != 0)).sum()
        if common < min_overlap * min((t[i] != 0).sum(), (t[j] != 0).sum()):
            score = 0.0
        if score > floor:
            found[(i, j)] = score
    return found


def test_pair_scores_match_plain_dot_products_in_any_block_size(monkeypatch):
    terms = _random_rows(1, 60, 40, 6)
    named = _random_rows(2, 60, 12, 2).toarray()
    named[::3] = 0  # some articles name nothing
    entities = sparse.csr_matrix(named)
    options = dict(max_posting=8, entity_weight=0.3, min_overlap=0.2, floor=0.05)
    expected = _brute_force(terms, entities, **options)
    assert expected
    for rows, gathered in ((1, 5), (10, 50), (256, 1 << 22)):  # small blocks and chunks, and not
        monkeypatch.setattr("crosscheck.link.story_pairs._BLOCK_ROWS", rows)
        monkeypatch.setattr("crosscheck.link.story_pairs._GATHERED", gathered)
        pairs = pair_scores(terms, entities, **options)
        got = dict(pairs.items())
        assert got.keys() == expected.keys()
        assert all(abs(got[k] - expected[k]) < 1e-12 for k in expected)
        assert list(got) == sorted(got)  # ordered by (first, second)


def test_pairs_naming_no_common_entity_keep_the_disjoint_share():
    terms = _random_rows(1, 60, 40, 6)
    named = _random_rows(2, 60, 12, 2).toarray()
    named[::3] = 0
    entities = sparse.csr_matrix(named)
    options = dict(max_posting=8, entity_weight=0.3, min_overlap=0.2, floor=0.05)
    for share in (0.5, 0.0):
        expected = _brute_force(terms, entities, **options, disjoint_share=share)
        got = dict(pair_scores(terms, entities, **options, disjoint_share=share).items())
        assert got.keys() == expected.keys()
        assert all(abs(got[k] - expected[k]) < 1e-12 for k in expected)
    assert len(expected) < len(_brute_force(terms, entities, **options))


def test_weighted_matrix_sorts_columns_and_keeps_values():
    rows = [{"ferry": 0.6, "harbour": 0.8}, {}, {"vote": 1.0}]
    matrix = weighted_matrix(rows, lambda r: r, {t for r in rows for t in r})
    assert matrix.shape == (3, 3)
    assert matrix.toarray().tolist() == [[0.6, 0.8, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]


def test_merge_order_is_the_order_of_one_heap():
    rng = np.random.default_rng(5)
    first = rng.integers(0, 20, 200)
    second = first + rng.integers(1, 20, 200)
    score = rng.choice([0.05, 0.1, 0.2, 0.3, 0.5], 200)  # many ties
    pairs = Pairs(first, second, score)
    pushed = [(-0.4, 3, 9, 1, 2), (-0.2, 1, 4, 0, 1), (-0.1, 0, 2, 3, 0), (-0.01, 5, 6, 1, 1)]
    reference = [(-s, int(a), int(b), 0, 0) for a, b, s in zip(first, second, score)] + pushed
    heapq.heapify(reference)
    expected = []
    while reference and -reference[0][0] >= 0.1:
        expected.append(heapq.heappop(reference))
    heap = list(pushed)
    heapq.heapify(heap)
    assert list(_merge_order(pairs, heap, 0.1)) == expected
