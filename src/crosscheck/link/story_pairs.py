"""Pair similarities of story clustering on sparse matrices, in bounded memory.

The term and entity vectors of all articles are rows of two CSR matrices (sublinear TF-IDF,
l2-normalised, columns in sorted term order). A pair is a candidate when both articles carry a
term that at most ``max_posting`` articles carry (an inverted index, as a sparse product of a
block of rows with the whole index); its similarity is then the dot product of the two rows
over *all* terms, which a sparse product cannot give cheaply (common words make it dense).
So each block of rows is unpacked into a dense array once, and every candidate pair's other
row is gathered from the CSR arrays and looked up in it: the work is the candidate pairs
times the words per article, the memory one dense block, whatever the corpus size.

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

_DENSE_CELLS = 2**24  # cells of one dense block (128 MiB of float64)


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
                entity_weight: float, min_overlap: float, floor: float) -> Pairs:
    """The similarity of every pair sharing a term carried by at most ``max_posting`` rows, and
    at least ``min_overlap`` of the shorter row's distinct terms, kept when above ``floor``:
    the text dot product, mixed with the entity dot product (``entity_weight``) when both rows
    have entities."""
    terms, entities = terms.tocsr(), entities.tocsr()
    rare = np.flatnonzero(terms.getnnz(axis=0) <= max_posting)
    index = terms[:, rare].astype(bool).astype(np.float32).tocsr()
    sizes = terms.getnnz(axis=1)
    has_entities = entities.getnnz(axis=1) > 0
    block = max(1, min(1000, _DENSE_CELLS // max(1, terms.shape[1], entities.shape[1])))
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, terms.shape[0], block):
        stop = min(start + block, terms.shape[0])
        shared = (index[start:stop] @ index.T).tocoo()
        rows, cols = shared.row.astype(np.int64) + start, shared.col.astype(np.int64)
        keep = rows < cols
        order = np.lexsort((cols[keep], rows[keep]))
        rows, cols = rows[keep][order], cols[keep][order]
        text, common = _dots(terms, rows, cols, start, stop)
        names, _ = _dots(entities, rows, cols, start, stop)
        both = has_entities[rows] & has_entities[cols]
        score = np.where(both, (1 - entity_weight) * text + entity_weight * names, text)
        score[common < min_overlap * np.minimum(sizes[rows], sizes[cols])] = 0.0
        above = score > floor
        found.append((rows[above], cols[above], score[above]))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Pairs(empty, empty, np.zeros(0))
    return Pairs(*(np.concatenate(parts) for parts in zip(*found)))


def _dots(matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray, start: int,
          stop: int) -> tuple[np.ndarray, np.ndarray]:
    """For each pair (``rows[k]`` in ``start:stop``, ``cols[k]``): the dot product of the two
    rows and the number of columns both have."""
    dense = matrix[start:stop].toarray()
    lengths = np.diff(matrix.indptr)[cols]
    offsets = np.cumsum(lengths) - lengths
    at = np.arange(lengths.sum()) - np.repeat(offsets, lengths) + np.repeat(matrix.indptr[cols], lengths)
    mine = dense[np.repeat(rows - start, lengths), matrix.indices[at]]
    pair = np.repeat(np.arange(len(rows)), lengths)
    dots = np.bincount(pair, weights=matrix.data[at] * mine, minlength=len(rows))
    common = np.bincount(pair, weights=(mine != 0), minlength=len(rows))
    return dots, common
