"""Near-duplicate articles: MinHash signatures and LSH banding.

Shingling. A text is NFKC-normalised and case-folded, then split into words: runs of letters
and digits (``\\w+``, any script), except that Chinese and Japanese characters count one word
each (those scripts put no spaces between words). A shingle is ``shingle_words`` consecutive
words (default 5); a text with fewer words than that is one shingle of all its words, and a
text with no words has no shingles, no signature and is never paired.

Hashing: the scheme of datasketch's ``MinHash`` (``affine32``, its default since 2.0), so a
signature here equals the one datasketch computes from the same shingles and seed, and the
pairs equal those of its ``MinHashLSH``. A shingle is its words joined by one space, as UTF-8
bytes; its key is the first 4 bytes of their SHA-1 (little-endian), pre-mixed by the 32-bit
MurmurHash3 finaliser. Permutation ``k`` maps a key ``x`` to ``(a_k * x + b_k) mod 2**32``,
with ``a_k`` odd and ``b_k`` drawn from ``numpy.random.RandomState(seed)`` (``a`` for every
permutation first, then ``b``); an odd multiplier makes it a bijection. SHA-1 runs once per
shingle in Python; the permutations and minima run in numpy over blocks of many documents.

Banding. ``num_perm`` values are cut into ``bands`` bands of ``rows`` values; two signatures are
candidates when any band is equal. ``bands`` and ``rows`` are chosen from the threshold to
minimise the probability of a false positive (Jaccard below the threshold, yet a candidate) plus
that of a false negative (above, yet no shared band), weighted equally. Candidates are then
verified: the share of equal signature values estimates their Jaccard similarity.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import numpy as np

from ..batching import batched

__all__ = [
    "MinHasher",
    "LSHIndex",
    "near_duplicate_pairs",
    "pairs_of_signatures",
    "pair_rows_of_signatures",
    "band_parameters",
    "words",
    "WORD_PATTERN",
]

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD_PATTERN = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+", re.UNICODE)
_HAS_CJK = re.compile(f"[{_CJK}]")
_PLAIN_WORD = re.compile(r"\w+")  # the same split for texts without CJK, and faster
_BLOCK_VALUES = 1 << 22  # values per (permutations x shingles) block: 16 MiB of uint32
_CHUNK_DOCS = 2048


def words(text: str) -> list[str]:
    """The normalised words of ``text`` that shingles are made of (see the module docstring)."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    return (WORD_PATTERN if _HAS_CJK.search(normal) else _PLAIN_WORD).findall(normal)


class MinHasher:
    """MinHash signatures of texts: ``num_perm`` 32-bit minima per text (``uint32``)."""

    def __init__(self, *, num_perm: int = 128, shingle_words: int = 5, seed: int = 1):
        if num_perm < 1:
            raise ValueError(f"num_perm must be at least 1, got {num_perm}")
        if shingle_words < 1:
            raise ValueError(f"shingle_words must be at least 1, got {shingle_words}")
        self.num_perm, self.shingle_words, self.seed = num_perm, shingle_words, seed
        gen = np.random.RandomState(seed)  # the draws of datasketch's affine32 scheme
        self._a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        self._b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)

    def signature(self, text: str) -> np.ndarray:
        """The signature of one text; an empty array when the text has no words."""
        if not words(text):
            return np.empty(0, np.uint32)
        return self.signatures([text])[0]

    def signatures(self, texts: Iterable[str]) -> np.ndarray:
        """Signatures of many texts, one row each; a text without words gets a row of
        ``2**32-1`` (use :meth:`signatures_of_texts_with_words` to leave such texts out)."""
        return self._signatures(list(texts))[0]

    def signatures_of_texts_with_words(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Signatures of the texts that have words, and the indexes of those texts."""
        found, lengths = self._signatures(texts)
        present = np.flatnonzero(lengths)
        return found[present], present

    def _signatures(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        keys, lengths = self._shingle_keys(texts)
        out = np.full((len(lengths), self.num_perm), 0xFFFFFFFF, dtype=np.uint32)
        present = np.flatnonzero(lengths)
        if present.size:
            starts = np.concatenate(([0], np.cumsum(lengths[present])[:-1]))
            out[present] = self._minima(keys, starts)
        return out, lengths

    def _shingle_keys(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """32-bit shingle keys of all texts, concatenated, and how many belong to each text."""
        width, sha1 = self.shingle_words, hashlib.sha1
        lengths = np.zeros(len(texts), dtype=np.int64)
        digests: list[bytes] = []
        for index, text in enumerate(texts):
            tokens = [w.encode("utf-8") for w in words(text)]
            if not tokens:
                continue
            line = memoryview(b" ".join(tokens))
            # word i starts at starts[i]; a shingle ends one space before the word after it
            starts = list(itertools.accumulate((len(t) + 1 for t in tokens), initial=0))
            count = max(1, len(tokens) - width + 1)  # a short text is one shingle of all its words
            ends = starts[min(width, len(tokens)):]
            digests.extend(sha1(line[first : last - 1]).digest()[:4]
                           for first, last in zip(starts[:count], ends))
            lengths[index] = count
        keys = np.frombuffer(b"".join(digests), dtype="<u4").astype(np.uint32)
        return _fmix32(keys), lengths

    def _minima(self, keys: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Per-text minimum of every permutation over its keys, in blocks of whole texts."""
        result = np.empty((len(starts), self.num_perm), dtype=np.uint32)
        bounds = np.append(starts, len(keys))
        step = max(1, _BLOCK_VALUES // self.num_perm)
        first = 0
        while first < len(starts):
            last = int(np.searchsorted(bounds, bounds[first] + step, side="right")) - 1
            last = min(max(last, first + 1), len(starts))
            block = keys[bounds[first] : bounds[last]]
            # (perms, shingles): each text's keys are contiguous in a row, which reduceat
            # walks several times faster than the transposed layout.
            values = np.multiply.outer(self._a, block)  # wraps mod 2**32
            values += self._b[:, None]
            result[first:last] = np.minimum.reduceat(values, bounds[first:last] - bounds[first], axis=1).T
            first = last
        return result


def _fmix32(keys: np.ndarray) -> np.ndarray:
    """The 32-bit MurmurHash3 finaliser, a fixed bijection (wraps mod 2**32)."""
    keys = keys ^ (keys >> np.uint32(16))
    keys = keys * np.uint32(0x85EBCA6B)
    keys = keys ^ (keys >> np.uint32(13))
    keys = keys * np.uint32(0xC2B2AE35)
    return keys ^ (keys >> np.uint32(16))


# --- banding ---------------------------------------------------------------------------------


def _integral(curve, low: float, high: float, steps: int = 200) -> float:
    xs = np.linspace(low, high, steps + 1)
    return float(np.trapezoid(curve(xs), xs)) if high > low else 0.0


@lru_cache(maxsize=64)
def band_parameters(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` with ``bands * rows <= num_perm`` that minimise the false positive plus
    false negative probability mass around ``threshold`` (equal weights)."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    best, best_error = (1, num_perm), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            hit = lambda s, b=bands, r=rows: 1.0 - (1.0 - s**r) ** b  # noqa: E731
            error = _integral(hit, 0.0, threshold) + _integral(lambda s: 1.0 - hit(s), threshold, 1.0)
            if error < best_error - 1e-12:
                best, best_error = (bands, rows), error
    return best


@lru_cache(maxsize=16)
def _band_mix(rows: int) -> np.ndarray:
    mix = np.random.default_rng(0xBA4D).integers(0, 1 << 64, size=rows, dtype=np.uint64)
    return mix | np.uint64(1)


def _band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per (text, band): the band's rows mixed with fixed odd multipliers."""
    mix = _band_mix(rows)
    cut = signatures[:, : bands * rows].astype(np.uint64).reshape(len(signatures), bands, rows)
    keys = (cut * mix).sum(axis=2, dtype=np.uint64)  # wraps mod 2**64
    return keys ^ (keys >> np.uint64(29))


class LSHIndex:
    """Signatures by band: ``candidates`` returns the keys sharing at least one band."""

    def __init__(self, *, threshold: float = 0.5, num_perm: int = 128):
        self.threshold, self.num_perm = threshold, num_perm
        self.bands, self.rows = band_parameters(threshold, num_perm)
        self._buckets: list[dict[int, list[str]]] = [{} for _ in range(self.bands)]
        self._keys: set[str] = set()

    def _keys_of(self, signature: np.ndarray) -> list[int]:
        if signature.shape != (self.num_perm,):
            raise ValueError(f"signature has shape {signature.shape}; this index expects "
                             f"({self.num_perm},): use a MinHasher with the same num_perm")
        return [int(k) for k in _band_keys(signature[None, :], self.bands, self.rows)[0]]

    def insert(self, key: str, signature: np.ndarray) -> None:
        if key in self._keys:
            raise ValueError(f"key {key!r} is already in the index")
        self._keys.add(key)
        for bucket, band_key in zip(self._buckets, self._keys_of(signature)):
            bucket.setdefault(band_key, []).append(key)

    def candidates(self, signature: np.ndarray) -> set[str]:
        found: set[str] = set()
        for bucket, band_key in zip(self._buckets, self._keys_of(signature)):
            found.update(bucket.get(band_key, ()))
        return found

    def __len__(self) -> int:
        return len(self._keys)


# --- whole corpus ----------------------------------------------------------------------------


def near_duplicate_pairs(items: Iterable[tuple[str, str]], *, threshold: float = 0.5,
                         num_perm: int = 128, seed: int = 1, verify: bool = True,
                         shingle_words: int = 5, max_bucket: int = 1000
                         ) -> list[tuple[str, str, float]]:
    """Pairs of texts whose estimated Jaccard similarity of shingles reaches ``threshold``.

    ``items`` are ``(id, text)``, read in chunks (texts are not kept). Returns ``(id_a, id_b,
    estimate)`` with ``id_a < id_b``, sorted. Texts with identical signatures (copies) are
    collapsed to one before banding and expanded after, at estimate 1.0, so fifty copies cost
    one signature in the index. A band bucket holding more than ``max_bucket`` distinct
    signatures is split into slices of that size in index order, which bounds the candidate
    count near ``texts * max_bucket * bands`` (members of different slices still meet in other
    bands). ``verify=False`` keeps every candidate with its estimate, even below the threshold.
    """
    hasher = MinHasher(num_perm=num_perm, shingle_words=shingle_words, seed=seed)
    ids, signatures = _corpus_signatures(items, hasher)
    return pairs_of_signatures(ids, signatures, threshold=threshold, verify=verify,
                               max_bucket=max_bucket)


CandidateFinder = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]


def pairs_of_signatures(ids: list[str], signatures: np.ndarray, *, threshold: float = 0.5,
                        verify: bool = True, max_bucket: int = 1000,
                        candidates: CandidateFinder | None = None) -> list[tuple[str, str, float]]:
    """:func:`near_duplicate_pairs` of texts whose signatures are already computed (one row
    per id, all from one :class:`MinHasher`; ids unique), e.g. kept from an earlier run.

    ``candidates`` finds the pairs sharing a band key, given the ``(signatures, bands)`` array of
    band keys and ``max_bucket``: in memory here by default, or as a shuffle by band key
    (``link/banding.py``: DuckDB, Ray Data), which must return the same pairs."""
    firsts, seconds, estimates = pair_rows_of_signatures(
        ids, signatures, threshold=threshold, verify=verify, max_bucket=max_bucket,
        candidates=candidates)
    return [(ids[a], ids[b], round(e, 6))
            for a, b, e in zip(firsts.tolist(), seconds.tolist(), estimates.tolist())]


def pair_rows_of_signatures(ids: list[str], signatures: np.ndarray, *, threshold: float = 0.5,
                            verify: bool = True, max_bucket: int = 1000,
                            candidates: CandidateFinder | None = None
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of :func:`pairs_of_signatures` as three arrays: the rows of ``ids`` of each
    pair's smaller and larger id, and its estimate (unrounded), sorted by the two ids."""
    bands, rows = band_parameters(threshold, signatures.shape[1] if signatures.ndim == 2 else 128)
    if len(ids) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64)
    distinct, copy_of = np.unique(signatures, axis=0, return_inverse=True)
    find = candidates or (lambda keys, limit: _candidate_pairs(keys, max_bucket=limit))
    firsts, seconds = find(_band_keys(distinct, bands, rows), max_bucket)
    estimates = _agreement(distinct, firsts, seconds)
    if verify:
        keep = estimates >= threshold - 1e-9
        firsts, seconds, estimates = firsts[keep], seconds[keep], estimates[keep]
    return _expanded(ids, copy_of.reshape(-1), firsts, seconds, estimates)


def _corpus_signatures(items: Iterable[tuple[str, str]], hasher: MinHasher
                       ) -> tuple[list[str], np.ndarray]:
    """Ids and signatures of every text that has words, computed a chunk at a time."""
    ids: list[str] = []
    blocks: list[np.ndarray] = []
    seen: set[str] = set()
    for chunk in batched(items, _CHUNK_DOCS):
        for key, _ in chunk:
            if key in seen:
                raise ValueError(f"id {key!r} occurs twice in the input; ids must be unique")
            seen.add(key)
        block, present = hasher.signatures_of_texts_with_words([text or "" for _, text in chunk])
        ids.extend(chunk[i][0] for i in present.tolist())
        blocks.append(block)
    empty = np.empty((0, hasher.num_perm), np.uint32)
    return ids, (np.concatenate(blocks) if blocks else empty)


def _candidate_pairs(band_keys: np.ndarray, *, max_bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i < j)`` sharing a key in any band, each pair once, in sorted order."""
    count = band_keys.shape[0]
    codes = [_pairs_in_band(band_keys[:, band], max_bucket) for band in range(band_keys.shape[1])]
    joined = np.unique(np.concatenate(codes)) if codes else np.empty(0, np.int64)
    return joined // count, joined % count


def _pairs_in_band(keys: np.ndarray, max_bucket: int) -> np.ndarray:
    """Pairs within each bucket of one band, encoded ``i * n + j``."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    edges = np.flatnonzero(np.diff(ordered)) + 1
    starts = np.concatenate(([0], edges))
    sizes = np.diff(np.append(starts, len(keys)))
    starts, sizes = _split_large(starts[sizes > 1], sizes[sizes > 1], max_bucket)
    codes = []
    for size in np.unique(sizes):
        if size < 2:
            continue
        members = order[starts[sizes == size][:, None] + np.arange(size)]  # (buckets, size)
        left, right = np.triu_indices(size, k=1)
        a, b = members[:, left].ravel(), members[:, right].ravel()
        codes.append(np.minimum(a, b).astype(np.int64) * len(keys) + np.maximum(a, b))
    return np.unique(np.concatenate(codes)) if codes else np.empty(0, np.int64)


def _split_large(starts: np.ndarray, sizes: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    if limit < 2:
        raise ValueError(f"max_bucket must be at least 2, got {limit}")
    big = sizes > limit
    if not big.any():
        return starts, sizes
    new_starts, new_sizes = [starts[~big]], [sizes[~big]]
    for start, size in zip(starts[big], sizes[big]):
        offsets = np.arange(0, size, limit)
        new_starts.append(start + offsets)
        new_sizes.append(np.minimum(limit, size - offsets))
    return np.concatenate(new_starts), np.concatenate(new_sizes)


def _agreement(signatures: np.ndarray, firsts: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Share of equal signature values per pair: the Jaccard estimate."""
    out = np.empty(len(firsts), dtype=np.float64)
    step = max(1, _BLOCK_VALUES // max(1, signatures.shape[1]))
    for low in range(0, len(firsts), step):
        high = low + step
        equal = signatures[firsts[low:high]] == signatures[seconds[low:high]]
        out[low:high] = equal.mean(axis=1)
    return out


def _expanded(ids: list[str], copy_of: np.ndarray, firsts: np.ndarray, seconds: np.ndarray,
              estimates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of distinct signatures turned into pairs of id rows, copies paired among
    themselves at 1.0; each pair's smaller id first, sorted by id (numpy throughout: the pairs
    of a large cluster of copies are many)."""
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.array(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.int64)] = np.arange(len(ids))
    order = np.lexsort((rank, copy_of))  # each signature's texts together, in id order
    sizes = np.bincount(copy_of, minlength=int(copy_of.max(initial=-1)) + 1)
    starts = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
    lefts, rights, values = [], [], []
    for group in np.flatnonzero(sizes > 1).tolist():
        members = order[starts[group]:starts[group] + sizes[group]]
        left, right = np.triu_indices(len(members), k=1)
        lefts.append(members[left])
        rights.append(members[right])
        values.append(np.ones(len(left)))
    single = (sizes[firsts] == 1) & (sizes[seconds] == 1)
    lefts.append(order[starts[firsts[single]]])
    rights.append(order[starts[seconds[single]]])
    values.append(estimates[single])
    for first, second, estimate in zip(firsts[~single].tolist(), seconds[~single].tolist(),
                                       estimates[~single].tolist()):
        these = order[starts[first]:starts[first] + sizes[first]]
        those = order[starts[second]:starts[second] + sizes[second]]
        lefts.append(np.repeat(these, len(those)))
        rights.append(np.tile(those, len(these)))
        values.append(np.full(len(these) * len(those), estimate))
    a, b, values = np.concatenate(lefts), np.concatenate(rights), np.concatenate(values)
    swap = rank[a] > rank[b]
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    sort = np.lexsort((rank[b], rank[a]))
    return a[sort], b[sort], values[sort]
