"""Claim vectors without a dense corpus matrix: the lexical part sparse, the semantic part once.

A claim's vector is its embedder row joined to its lexical (hashing) row, both divided by
√2, so that a dot product is the mean of the two cosines. Stored densely that is 4,352
float32 per claim — 1.7 GB at 100k claims, 17 GB at a million. A claim has a few dozen
hashed features, so :class:`ClaimVectors` keeps the 4,096 lexical buckets as a CSR matrix
and the 256 embedder dimensions as one float32 matrix, and hands out dense rows only for
the claims asked for: a story's members, a pair.

The dense rows it hands out hold exactly the values the dense matrix held (every element
goes through the same float operations). A story's block of similarities
(:meth:`ClaimVectors.similarities`) multiplies the dense and sparse parts apart, four times
faster on a story of hundreds of claims; its values may differ from a product of dense rows
in the last bits of a float32.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
from scipy import sparse

from .paraphrase import HashingEmbedder, get_embedder

__all__ = ["ClaimVectors", "claim_vectors"]

LEXICAL = HashingEmbedder(dims=1 << 12)  # claims are short: 4096 buckets keep rows small
_ENCODE_BLOCK = 2048  # texts hashed (densely) at once before their rows turn sparse: 32 MiB


class ClaimVectors(Mapping[str, np.ndarray]):
    """Claim id -> its unit vector, stored as a dense part beside a sparse part.

    As a mapping it gives one claim's dense row (a fresh array); :meth:`rows` gives a dense
    block for many claims at once, by position.
    """

    def __init__(self, ids: Sequence[str], dense: np.ndarray, lexical: sparse.csr_matrix):
        if dense.shape[0] != len(ids) or lexical.shape[0] != len(ids):
            raise ValueError(f"claim vectors for {len(ids)} ids got {dense.shape[0]} dense and "
                             f"{lexical.shape[0]} lexical rows")
        self.ids = list(ids)
        self.position = {claim: i for i, claim in enumerate(self.ids)}
        self.dense, self.lexical = dense, lexical

    @classmethod
    def from_rows(cls, rows: Mapping[str, np.ndarray], ids: Sequence[str]) -> ClaimVectors:
        """Wrap ready dense rows (a caller's own vectors) for the claims ``ids``."""
        dense = np.stack([np.asarray(rows[i]) for i in ids]) if ids else np.zeros((0, 0), np.float32)
        return cls(ids, dense, sparse.csr_matrix((len(ids), 0), dtype=dense.dtype))

    @property
    def width(self) -> int:
        return self.dense.shape[1] + self.lexical.shape[1]

    def rows(self, positions: Sequence[int]) -> np.ndarray:
        """Dense rows of the claims at ``positions`` (C order, the stored dtype)."""
        positions = np.asarray(positions, dtype=np.intp)
        out = np.zeros((len(positions), self.width), dtype=self.dense.dtype)
        split = self.dense.shape[1]
        out[:, :split] = self.dense[positions]
        # Scatter each row's stored values straight from the CSR arrays: scipy's row indexing
        # costs ~80 µs a call, and pair scoring fetches two rows at a time, many times.
        indptr, indices, data = self.lexical.indptr, self.lexical.indices, self.lexical.data
        for row, position in enumerate(positions.tolist()):
            lo, hi = indptr[position], indptr[position + 1]
            out[row, split + indices[lo:hi]] = data[lo:hi]
        return out

    def similarities(self, first: Sequence[int], second: Sequence[int]) -> np.ndarray:
        """Dot products of the rows at ``first`` with those at ``second`` (a dense block of the
        stored dtype): the dense parts multiplied densely and the sparse parts sparsely, instead
        of unpacking 4,096 mostly empty lexical columns per row. The sums run in another order
        than a product of :meth:`rows`, so the values may differ from it in the last bits."""
        first, second = np.asarray(first, dtype=np.intp), np.asarray(second, dtype=np.intp)
        dense = self.dense[first] @ self.dense[second].T
        if self.lexical.shape[1]:
            dense += (self.lexical[first] @ self.lexical[second].T).toarray()
        return dense

    def similarity(self, a: str, b: str) -> float:
        """Dot product of two claims' rows."""
        return float(self[a] @ self[b])

    def __getitem__(self, claim: str) -> np.ndarray:
        return self.rows([self.position[claim]])[0]

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, claim: object) -> bool:
        return claim in self.position


def claim_vectors(texts: list[str], *, embedder: str,
                  ids: Sequence[str] | None = None) -> ClaimVectors:
    """Unit rows whose dot product is the mean of the embedder's cosine and the lexical
    (hashing) cosine; the hashing embedder alone when it is the one asked for. ``ids`` name
    the rows (default: their positions as strings)."""
    ids = [str(i) for i in range(len(texts))] if ids is None else list(ids)
    lexical = _lexical_rows(texts)
    if embedder == "hashing":
        return ClaimVectors(ids, np.zeros((len(texts), 0), np.float32), lexical)
    semantic = get_embedder(embedder).encode(texts)
    return ClaimVectors(ids, _halved(semantic), _halved_sparse(lexical))


def _lexical_rows(texts: list[str]) -> sparse.csr_matrix:
    """The hashing embedder's rows, hashed a block at a time and kept sparse."""
    blocks = [sparse.csr_matrix(LEXICAL.encode(texts[lo:lo + _ENCODE_BLOCK]))
              for lo in range(0, len(texts), _ENCODE_BLOCK)]
    if not blocks:
        return sparse.csr_matrix((0, LEXICAL.dims), dtype=np.float32)
    return sparse.vstack(blocks, format="csr", dtype=np.float32)


def _halved(rows: np.ndarray) -> np.ndarray:
    """``rows / √2`` as float32, a block at a time (the division runs in float64, as it did
    on the joined matrix, and a corpus-sized float64 temporary is not needed)."""
    out = np.empty(rows.shape, dtype=np.float32)
    for lo in range(0, rows.shape[0], _ENCODE_BLOCK):
        out[lo:lo + _ENCODE_BLOCK] = (rows[lo:lo + _ENCODE_BLOCK] / np.sqrt(2.0)).astype(np.float32)
    return out


def _halved_sparse(rows: sparse.csr_matrix) -> sparse.csr_matrix:
    """The same division on the stored values only (zeros stay zeros)."""
    halved = rows.copy()
    halved.data = (rows.data / np.sqrt(2.0)).astype(np.float32)
    return halved
