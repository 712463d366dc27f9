"""Pair similarities of story clustering on sparse matrices, in bounded memory.

The term and entity vectors of all articles are rows of two CSR matrices (sublinear TF-IDF,
l2-normalised, columns in sorted term order). A pair is a candidate when both articles carry a
term that at most ``max_posting`` articles carry (an inverted index, as a sparse product of a
block of rows with the whole index); its similarity is then the dot product of the two rows
over *all* terms. The rare terms' part comes from the same sparse product over the weighted
rare columns (their posting lists are short). The common terms' part a sparse product cannot
give cheaply (common words make it dense), so each block of rows is unpacked into a dense
array over the common columns those rows use, and every candidate pair's other row is gathered
from the CSR arrays and looked up in it: the work is the candidate pairs times the common words
per article, the memory one block, whatever the corpus or vocabulary size.

The pairs come back as three arrays (first row, second row, score) rather than a dict keyed
by pairs: at 200k articles there are some ten million of them.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

import numpy as np
from scipy import sparse

__all__ = ["Pairs", "weighted_matrix", "pair_scores"]

_BLOCK_ROWS = 256  # rows whose candidate pairs are scored together
_GATHERED = 1 << 22  # values gathered at once (a few arrays of 32 MiB)


class Pairs(NamedTuple):
    """Candidate pairs above the floor: ``first[k] < second[k]``, ordered by (first, second)."""
    first: np.ndarray
    second: np.ndarray
    score: np.ndarray

    def items(self) -> Iterable[tuple[tuple[int, int], float]]:
        return (((int(a), int(b)), float(s)) for a, b, s in zip(self.first, self.second, self.score))

    def __len__(self) -> int:
        return len(self.score)

    def above(self, floor: float) -> Pairs:
        keep = self.score > floor
        return Pairs(self.first[keep], self.second[keep], self.score[keep])


def weighted_matrix(rows: Iterable, weigh: Callable[[object], Mapping[str, float]],
                    vocabulary: Iterable[str]) -> sparse.csr_matrix:
    """One CSR row per item of ``rows``: ``weigh(item)`` (a term -> weight mapping), with the
    columns of ``vocabulary`` in sorted order. Each row's mapping lives only while it is
    copied, so the corpus never holds a dict per article."""
    column = {t: k for k, t in enumerate(sorted(set(vocabulary)))}
    indptr, indices, data = array("q", [0]), array("q"), array("d")
    for row in rows:
        vector = weigh(row)
        for term in sorted(vector):
            indices.append(column[term])
            data.append(vector[term])
        indptr.append(len(indices))
    return sparse.csr_matrix((np.frombuffer(data, dtype=np.float64),
                              np.frombuffer(indices, dtype=np.int64),
                              np.frombuffer(indptr, dtype=np.int64)),
                             shape=(len(indptr) - 1, len(column)))


def pair_scores(terms: sparse.csr_matrix, entities: sparse.csr_matrix, *, max_posting: int,
                entity_weight: float, min_overlap: float, floor: float,
                disjoint_share: float = 1.0) -> Pairs:
    """The similarity of every pair sharing a term carried by at most ``max_posting`` rows, and
    at least ``min_overlap`` of the shorter row's distinct terms, kept when above ``floor``:
    the text dot product, mixed with the entity dot product (``entity_weight``) when both rows
    have entities, times ``disjoint_share`` when both have entities and share none (1, no
    change, unless a setting asks otherwise: see ``bench/stories_disjoint.py``)."""
    terms, entities = terms.tocsr(), entities.tocsr()
    carried = terms.getnnz(axis=0)
    rare = terms[:, np.flatnonzero(carried <= max_posting)].tocsr()
    rare_t = rare.T.tocsr()
    index, index_t = _ones(rare), _ones(rare_t)
    sizes = terms.getnnz(axis=1)
    has_entities = entities.getnnz(axis=1) > 0
    # A pair's text dot product is its rare terms' part (a sparse product over the posting
    # lists, cheap) plus its common terms' part (gathered): the gather costs each pair only
    # the other article's common terms.
    lookups = (_Lookup(terms[:, np.flatnonzero(carried > max_posting)].tocsr()), _Lookup(entities))
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, terms.shape[0], _BLOCK_ROWS):
        stop = min(start + _BLOCK_ROWS, terms.shape[0])
        shared = (index[start:stop] @ index_t).tocoo()
        rows, cols = shared.row.astype(np.int64) + start, shared.col.astype(np.int64)
        keep = rows < cols
        order = np.lexsort((cols[keep], rows[keep]))
        rows, cols = rows[keep][order], cols[keep][order]
        rare_shared = shared.data[keep][order]
        rare_dots = _at((rare[start:stop] @ rare_t).tocsr(), rows - start, cols)
        text, common = lookups[0].dots(rows, cols, start, stop)
        text, common = text + rare_dots, common + rare_shared
        names, _ = lookups[1].dots(rows, cols, start, stop)
        both = has_entities[rows] & has_entities[cols]
        score = np.where(both, (1 - entity_weight) * text + entity_weight * names, text)
        if disjoint_share != 1.0:
            score[both & (names <= 0.0)] *= disjoint_share
        score[common < min_overlap * np.minimum(sizes[rows], sizes[cols])] = 0.0
        above = score > floor
        found.append((rows[above], cols[above], score[above]))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Pairs(empty, empty, np.zeros(0))
    return Pairs(*(np.concatenate(parts) for parts in zip(*found)))


def _ones(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """``matrix`` with each stored value 1 (the terms a row carries, to count shared ones)."""
    return sparse.csr_matrix((np.ones(matrix.nnz, dtype=np.float32), matrix.indices, matrix.indptr),
                             shape=matrix.shape)


def _at(matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``matrix[rows[k], cols[k]]`` for each k, every pair being a stored entry: a binary
    search of the entries' row-major keys."""
    matrix.sort_indices()
    width = matrix.shape[1]
    keys = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr)) * width \
        + matrix.indices
    return matrix.data[np.searchsorted(keys, rows * width + cols)]


class _Lookup:
    """Dot products of row pairs of one CSR matrix whose first rows lie in one block.

    The block's rows are unpacked into a dense array over the columns they use (not over the
    whole vocabulary, which grows with the corpus); each pair's second row is gathered from the
    CSR arrays and looked up in it, a bounded number of values at a time."""

    def __init__(self, matrix: sparse.csr_matrix):
        self.matrix = matrix
        self.position = np.full(matrix.shape[1], -1, dtype=np.int64)  # column -> dense column

    def dots(self, rows: np.ndarray, cols: np.ndarray, start: int,
             stop: int) -> tuple[np.ndarray, np.ndarray]:
        """For each pair (``rows[k]`` in ``start:stop``, ``cols[k]``): the dot product of the
        two rows and the number of columns both have."""
        block = self.matrix[start:stop]
        used = np.unique(block.indices)
        self.position[used] = np.arange(len(used))
        dense = np.zeros((stop - start, len(used) + 1))  # a last column of zeros for the rest
        dense[np.repeat(np.arange(stop - start), np.diff(block.indptr)),
              self.position[block.indices]] = block.data
        dots, common = np.zeros(len(rows)), np.zeros(len(rows))
        lengths = np.diff(self.matrix.indptr)[cols]
        for first, last in _chunks(lengths, _GATHERED):
            dots[first:last], common[first:last] = self._gathered(
                dense, rows[first:last] - start, cols[first:last], lengths[first:last])
        self.position[used] = -1
        return dots, common

    def _gathered(self, dense, local_rows, cols, lengths):
        matrix = self.matrix
        offsets = np.cumsum(lengths) - lengths
        at = np.arange(lengths.sum()) - np.repeat(offsets, lengths) + np.repeat(matrix.indptr[cols], lengths)
        mine = dense[np.repeat(local_rows, lengths), self.position[matrix.indices[at]]]
        pair = np.repeat(np.arange(len(cols)), lengths)
        return (np.bincount(pair, weights=matrix.data[at] * mine, minlength=len(cols)),
                np.bincount(pair, weights=(mine != 0), minlength=len(cols)))


def _chunks(lengths: np.ndarray, most: int):
    """(first, last) ranges of ``lengths`` summing to about ``most`` each (at least one item)."""
    ends = np.cumsum(lengths)
    first = 0
    while first < len(lengths):
        base = ends[first - 1] if first else 0
        last = max(first + 1, int(np.searchsorted(ends, base + most, side="right")))
        yield first, last
        first = last
