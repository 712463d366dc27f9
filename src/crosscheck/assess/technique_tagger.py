"""A token tagger for SemEval-2020 Task 11 propaganda techniques: numpy only at run time.

This hashed-feature tagger is the default one; the learned sequence tagger
(:mod:`crosscheck.assess.sequence_tagger`) reads its scores, and shares its tokenizer and span
decoding. ``bench/framing.py`` scores both in one run.

Each token of the text gets, per technique, the probability that annotators would have put it
inside a span of that technique: a logistic regression over hashed features (the word, its
stripped stem, its shape, the words two either side, word pairs, a bag of nearby stems, a bag of
the whole sentence's stems, quote marks, the sentence's end mark, where the token sits in its
sentence and the sentence in the article, how often the word was already used, the hand-written
lexicon), plus dense ones: the token's wordllama word vector and the mean vectors of the words
around it and of its sentence. Runs of tokens above the technique's threshold become spans; per
technique, a run may have to hold a few words, and may grow to its clause or sentence (as the
technique is annotated).

The weights (``data/propaganda_model.npz``) are trained by ``bench/train_propaganda.py`` on the
even-id half of the PTC corpus, the decoding (threshold, gap, extent, fewest words) picked by
cross-validation by article; training uses
:func:`token_features` below, so the features at training and run time are the same code.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["Tokens", "tokenize", "token_features", "word_vectors", "context_vectors",
           "N_WORD", "N_DENSE", "TaggerModel",
           "load_model", "tag_spans", "decode", "unit_bounds", "EXTENT_TOKENS", "EXTENT_CLAUSE",
           "EXTENT_SENTENCE", "EXTENT_CLAUSE_MEAN", "EXTENT_SENTENCE_MEAN", "N_BITS", "MODEL_PATH"]

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "propaganda_model.npz"
#: Hashed feature space: 2**N_BITS buckets (collisions are rare enough at this size for PTC).
N_BITS = 17
#: Leading dimensions of the wordllama word vector each token gets (its vectors are nested:
#: the first dimensions carry the most).
N_WORD = 64
#: Dense features per token: its word vector, the mean vector of the words around it and the
#: mean vector of its sentence (a doubtful or fearful sentence is one in its words as a whole).
N_DENSE = 3 * N_WORD
_WINDOW = 3
_MASK = np.uint64((1 << N_BITS) - 1)

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
_QUOTES = frozenset("\"“”«»")
_ENDS = frozenset(".!?")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ness", "ists", "ist", "ies", "ied", "ers", "er",
             "est", "ed", "ly", "es", "s")


@dataclass(frozen=True, slots=True)
class Tokens:
    """Tokens of one text: ``starts``/``ends`` are character offsets; ``sentence`` the index of
    each token's sentence (a line break or . ! ? ends one); ``is_word`` false for punctuation."""

    words: tuple[str, ...]
    starts: np.ndarray
    ends: np.ndarray
    sentence: np.ndarray
    is_word: np.ndarray


def tokenize(text: str) -> Tokens:
    words, starts, ends, sentence = [], [], [], []
    index, last_end, ended = 0, 0, False
    for match in _TOKEN.finditer(text):
        if words and (ended and not match.group(0) in _QUOTES or "\n" in text[last_end:match.start()]):
            index += 1
        word = match.group(0)
        ended = word in _ENDS or (ended and word in _QUOTES)
        words.append(word)
        starts.append(match.start())
        ends.append(match.end())
        sentence.append(index)
        last_end = match.end()
    return Tokens(tuple(words), np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64),
                  np.array(sentence, dtype=np.int64),
                  np.array([w[0].isalnum() for w in words], dtype=bool))


@lru_cache(maxsize=1)
def _embedder():
    import wordllama
    from wordllama import WordLlama

    # Shipped weights only: nothing is downloaded at run time.
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


_VECTORS: dict[str, np.ndarray] = {}


def word_vectors(lower: list[str]) -> np.ndarray:
    """``(n, N_WORD)`` unit vectors of the (lower-cased) words, so that a loaded word the
    training half never saw still lands near the ones it did ("devastating", "devastated")."""
    missing = sorted({w for w in lower if w not in _VECTORS})
    if missing:
        vectors = _embedder().embed(missing, norm=False)[:, :N_WORD].astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
        if len(_VECTORS) > 200_000:
            _VECTORS.clear()
        _VECTORS.update(zip(missing, vectors))
    if not lower:
        return np.zeros((0, N_WORD), dtype=np.float32)
    return np.stack([_VECTORS[w] for w in lower])


def context_vectors(vectors: np.ndarray, tokens: Tokens) -> np.ndarray:
    """``(n, N_DENSE)``: each token's word vector, the mean over the words within ``_WINDOW``
    of it (same sentence or not) and the mean over its sentence's words; punctuation counts in
    neither mean. Training uses these columns; :func:`probabilities` gets the same scores by
    projecting first (a mean of projections is the projection of the mean)."""
    window, sentence = _context_means(vectors, tokens.is_word, tokens.sentence)
    return np.hstack([vectors, window, sentence]).astype(np.float32)


def _context_means(values: np.ndarray, is_word: np.ndarray,
                   sentence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``values``: the mean of the word rows within ``_WINDOW`` and in its sentence."""
    n = len(values)
    words = np.where(is_word[:, None], values, 0).astype(np.float32)
    cumulative = np.vstack([np.zeros((1, values.shape[1]), np.float32), np.cumsum(words, axis=0)])
    counts = np.concatenate([[0], np.cumsum(is_word)])
    index = np.arange(n)
    low, high = np.maximum(index - _WINDOW, 0), np.minimum(index + _WINDOW + 1, n)
    first = np.searchsorted(sentence, sentence, side="left")
    last = np.searchsorted(sentence, sentence, side="right")
    return _means(cumulative, counts, low, high), _means(cumulative, counts, first, last)


def _means(cumulative: np.ndarray, counts: np.ndarray, low: np.ndarray,
           high: np.ndarray) -> np.ndarray:
    total = cumulative[high] - cumulative[low]
    return total / np.maximum(counts[high] - counts[low], 1).astype(np.float32)[:, None]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=65536)
def _shape(word: str) -> str:
    if not word[0].isalnum():
        return word if word in "!?\"“”'’:;-—()" else "P"
    shape = re.sub(r"[A-Z]+", "X", re.sub(r"[a-z]+", "x", re.sub(r"[0-9]+", "d", word)))
    return shape[:4]


@lru_cache(maxsize=65536)
def _hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _mix(values: np.ndarray, slot: int) -> np.ndarray:
    """Bucket of (value, slot): a multiplicative hash, so every slot has its own buckets."""
    mixed = (values ^ np.uint64(slot * 0x9E3779B97F4A7C15 % (1 << 64))) * np.uint64(0xBF58476D1CE4E5B9)
    return (mixed >> np.uint64(29)) & _MASK


def _shifted(values: np.ndarray, offset: int, pad: int) -> np.ndarray:
    out = np.full_like(values, pad)
    if offset > 0:
        out[:-offset] = values[offset:]
    elif offset < 0:
        out[-offset:] = values[:offset]
    else:
        out[:] = values
    return out


def _bucket(values: np.ndarray, edges: tuple[int, ...]) -> np.ndarray:
    return np.searchsorted(np.array(edges), values, side="right").astype(np.uint64)


def token_features(text: str, tokens: Tokens, lexicon_marks: np.ndarray,
                   ) -> tuple[np.ndarray, list[np.ndarray], np.ndarray, np.ndarray]:
    """Fixed-slot features ``(n_tokens, K)`` (value 1 each), the stem buckets of each sentence
    (value ``1/sqrt(len)`` each), the sentence of each token and its word vector (the dense
    features are :func:`context_vectors` of these). ``lexicon_marks`` holds, per
    token, a small integer naming the lexicon technique it falls in (0: none)."""
    lower = [w.lower() for w in tokens.words]
    word = np.array([_hash(w) for w in lower], dtype=np.uint64)
    stem = np.array([_hash(_stem(w)) for w in lower], dtype=np.uint64)
    shape = np.array([_hash(_shape(w)) for w in tokens.words], dtype=np.uint64)
    pad = np.uint64(7)
    columns = [_mix(word, 1), _mix(stem, 2), _mix(shape, 3)]
    for slot, offset in ((4, -1), (5, 1), (6, -2), (7, 2)):
        columns.append(_mix(_shifted(word, offset, pad), slot))
    columns.append(_mix(_shifted(stem, -1, pad) * np.uint64(31) + stem, 8))
    columns.append(_mix(stem * np.uint64(31) + _shifted(stem, 1, pad), 9))
    columns.append(_mix((_shifted(shape, -1, pad) * np.uint64(31) + shape) * np.uint64(31)
                        + _shifted(shape, 1, pad), 10))
    for offset in (-4, -3, 3, 4):  # a bag: the same slot whatever the side
        columns.append(_mix(_shifted(stem, offset, pad), 11))
    columns.extend(_sentence_columns(text, tokens, lower))
    columns.append(_mix(_repeats(lower) * np.uint64(8) + _shape_class(tokens.words), 18))
    columns.append(_mix(lexicon_marks.astype(np.uint64), 19))
    columns.append(_mix(lexicon_marks.astype(np.uint64) * np.uint64(101) + stem, 20))
    fixed = np.stack(columns, axis=1).astype(np.int64)
    bags = [np.unique(_mix(stem[tokens.sentence == s], 21)).astype(np.int64)
            for s in range(int(tokens.sentence[-1]) + 1)] if len(lower) else []
    return fixed, bags, tokens.sentence, word_vectors(lower)


def _sentence_columns(text: str, tokens: Tokens, lower: list[str]) -> list[np.ndarray]:
    sentence = tokens.sentence
    n = len(lower)
    first = np.searchsorted(sentence, sentence, side="left")
    last = np.searchsorted(sentence, sentence, side="right") - 1
    position = np.arange(n) - first
    length = last - first + 1
    end_mark = np.array([_hash(lower[i]) if lower[i] in _ENDS else 0 for i in last],
                        dtype=np.uint64) if n else np.zeros(0, dtype=np.uint64)
    quote_seen = np.cumsum([w in _QUOTES for w in tokens.words]) % 2
    return [_mix(_bucket(position, (1, 2, 3, 6, 11, 21)), 12),
            _mix(_bucket(length, (4, 8, 13, 21, 31, 46)), 13),
            _mix(_bucket(sentence, (1, 2, 4, 8, 16)), 14),
            _mix(end_mark, 15),
            _mix(quote_seen.astype(np.uint64), 16),
            _mix(_bucket(length - position - 1, (1, 2, 3, 6)), 17)]


def _repeats(lower: list[str]) -> np.ndarray:
    """How often each word was already used in the text (0, 1, 2, 3 = three or more)."""
    seen: dict[str, int] = {}
    counts = []
    for word in lower:
        counts.append(min(seen.get(word, 0), 3))
        seen[word] = seen.get(word, 0) + 1
    return np.array(counts, dtype=np.uint64)


def _shape_class(words: tuple[str, ...]) -> np.ndarray:
    return np.array([0 if not w[0].isalnum() else 1 if len(w) <= 3 else 2 for w in words],
                    dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class TaggerModel:
    """Weights ``(2**N_BITS, T)``, word-vector weights ``(N_DENSE, T)``, biases ``(T,)``; per
    technique: the threshold, the longest gap of low tokens bridged inside one span, how far a
    span reaches (``EXTENT_*``) and the fewest words a run needs to count."""

    techniques: tuple[str, ...]
    weights: np.ndarray
    dense: np.ndarray
    bias: np.ndarray
    thresholds: np.ndarray
    gaps: np.ndarray
    extents: np.ndarray
    min_words: np.ndarray


def model_file(path: str | None, shipped: Path, what: str, trainer: str) -> Path:
    """``path`` when given, else the ``shipped`` file; a missing one is an error naming the
    ``bench/`` script that writes it (every tagger model is loaded through here)."""
    target = Path(path) if path else shipped
    if not target.exists():
        raise FileNotFoundError(f"{what} not found at {target}: run python bench/{trainer} to train it")
    return target


def decodings(data) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per technique the threshold, gap, extent and fewest words of a model file's decoding
    (an ``np.load`` of it), as the decoders take them."""
    return (data["thresholds"].astype(np.float32), data["gaps"].astype(np.int64),
            data["extents"].astype(np.int64), data["min_words"].astype(np.int64))


def decoding_arrays(model) -> dict[str, np.ndarray]:
    """What :func:`decodings` reads back, with the choices of a stacked model (its ``sources``
    and ``rule_precision``), from ``model``'s fields: the arrays a model file stores."""
    return {"thresholds": np.asarray(model.thresholds, np.float32),
            "gaps": np.asarray(model.gaps, np.int64), "extents": np.asarray(model.extents, np.int64),
            "min_words": np.asarray(model.min_words, np.int64),
            "sources": np.asarray(model.sources, np.int64),
            "rule_precision": np.asarray(model.rule_precision, np.float32)}


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> TaggerModel:
    """The shipped model unless ``path`` names another ``.npz`` written by the training script."""
    target = model_file(path, MODEL_PATH, "propaganda model", "train_propaganda.py")
    with np.load(target) as data:
        count = len(data["techniques"])
        # A model written before extents and minimum lengths decodes plain token runs.
        extents = data["extents"] if "extents" in data else np.zeros(count)
        min_words = data["min_words"] if "min_words" in data else np.ones(count)
        return TaggerModel(tuple(str(t) for t in data["techniques"]),
                           data["weights"].astype(np.float32), data["dense"].astype(np.float32),
                           data["bias"].astype(np.float32),
                           data["thresholds"].astype(np.float32), data["gaps"].astype(np.int64),
                           extents.astype(np.int64), min_words.astype(np.int64))


def probabilities(model: TaggerModel, fixed: np.ndarray, bags: list[np.ndarray],
                  sentence: np.ndarray, vectors: np.ndarray, *,
                  is_word: np.ndarray) -> np.ndarray:
    """Per-token, per-technique probability ``(n_tokens, T)`` from :func:`token_features`'
    output and the tokens' ``is_word``."""
    weights = model.weights
    scores = weights[fixed].sum(axis=1) + _dense_scores(model.dense, vectors, is_word, sentence)
    scores += model.bias
    if bags:
        per_sentence = np.stack([weights[b].sum(axis=0) / np.sqrt(max(len(b), 1)) for b in bags])
        scores += per_sentence[sentence]
    return 1.0 / (1.0 + np.exp(-scores))


#: OpenBLAS runs a product on one thread below about 2**18 multiply-adds; above, it wakes its
#: threads, which for a product this small costs more than it saves (several times more on a
#: loaded machine).
_ONE_THREAD_WORK = 1 << 17


def _single_thread_product(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``left @ right``, in row blocks small enough for BLAS to keep to one thread."""
    rows = max(1, _ONE_THREAD_WORK // max(1, left.shape[1] * right.shape[1]))
    if len(left) <= rows:
        return left @ right
    return np.vstack([left[i:i + rows] @ right for i in range(0, len(left), rows)])


def _dense_scores(dense: np.ndarray, vectors: np.ndarray, is_word: np.ndarray,
                  sentence: np.ndarray) -> np.ndarray:
    """``context_vectors(vectors) @ dense`` without building the ``(n, N_DENSE)`` matrix: the
    window and sentence means are taken of the ``(n, T)`` projections instead."""
    projected = _single_thread_product(
        vectors, dense.reshape(3, N_WORD, -1).transpose(1, 0, 2).reshape(N_WORD, -1))
    count = dense.shape[1]
    window, in_sentence = _context_means(projected[:, count:], is_word, sentence)
    return projected[:, :count] + window[:, :count] + in_sentence[:, count:]


def runs(above: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """``[first, last]`` token index pairs of runs of True, bridging up to ``gap`` False."""
    found: list[tuple[int, int]] = []
    for index in np.flatnonzero(above):
        if found and index - found[-1][1] - 1 <= gap:
            found[-1] = (found[-1][0], int(index))
        else:
            found.append((int(index), int(index)))
    return found


#: How far a run of tagged tokens reaches: the tokens themselves, their clause or their
#: sentence. Doubt, fear or flag-waving are annotated over whole clauses and sentences (median
#: 9-18 words in PTC) while the words that give them away are few; loaded words are the words.
EXTENT_TOKENS, EXTENT_CLAUSE, EXTENT_SENTENCE = 0, 1, 2
#: The same units, but a clause or sentence is tagged when the mean probability of its words
#: reaches the threshold (not any one token's): a doubtful sentence is doubtful as a whole.
EXTENT_CLAUSE_MEAN, EXTENT_SENTENCE_MEAN = 3, 4
_CLAUSE_MARKS = frozenset(",;:—–()")


def unit_bounds(tokens: Tokens, extent: int) -> tuple[np.ndarray, np.ndarray]:
    """Per token, the first and last token index of its clause or sentence (``extent``)."""
    n = len(tokens.words)
    if extent == EXTENT_TOKENS or not n:
        index = np.arange(n)
        return index, index
    unit = tokens.sentence.copy()
    if extent == EXTENT_CLAUSE:
        marks = np.array([w in _CLAUSE_MARKS for w in tokens.words], dtype=np.int64)
        # A mark closes its clause: the clause after it starts at the next token.
        unit = unit * (n + 1) + np.concatenate([[0], np.cumsum(marks)[:-1]])
    first = np.searchsorted(unit, unit, side="left")
    last = np.searchsorted(unit, unit, side="right") - 1
    return first, last


def _unit_means(probs: np.ndarray, is_word: np.ndarray, first: np.ndarray,
                last: np.ndarray) -> np.ndarray:
    """Per token, the mean of ``probs`` over the words of its unit (``first``-``last``)."""
    cumulative = np.concatenate([[0.0], np.cumsum(np.where(is_word, probs, 0.0))])
    words = np.concatenate([[0], np.cumsum(is_word)])
    count = np.maximum(words[last + 1] - words[first], 1)
    return ((cumulative[last + 1] - cumulative[first]) / count).astype(np.float32)


def decode(probs: np.ndarray, tokens: Tokens, *, threshold: float, gap: int, extent: int,
           min_words: int) -> list[tuple[int, int, float]]:
    """``(first token, last token, mean probability of the run)`` of one technique's spans:
    runs above ``threshold`` (bridging ``gap`` tokens) with at least ``min_words`` words, grown
    to their clause or sentence, trimmed of punctuation at both ends, overlaps merged. With
    ``EXTENT_CLAUSE_MEAN``/``EXTENT_SENTENCE_MEAN`` a whole clause or sentence is a run when
    its words' mean probability reaches ``threshold``."""
    is_word = tokens.is_word
    if extent in (EXTENT_CLAUSE_MEAN, EXTENT_SENTENCE_MEAN):
        extent -= 2
        probs = _unit_means(probs, is_word, *unit_bounds(tokens, extent))
    unit_first, unit_last = unit_bounds(tokens, extent)
    found: list[tuple[int, int, float]] = []
    for first, last in runs(probs >= threshold, gap):
        if int(is_word[first:last + 1].sum()) < min_words:
            continue
        mean = float(probs[first:last + 1].mean())
        first, last = int(unit_first[first]), int(unit_last[last])
        while first <= last and not is_word[first]:
            first += 1
        while last >= first and not is_word[last]:
            last -= 1
        if first > last:
            continue
        if found and first <= found[-1][1]:
            prior = found[-1]
            found[-1] = (prior[0], max(prior[1], last), max(prior[2], mean))
        else:
            found.append((first, last, mean))
    return found


def tag_spans(probs: np.ndarray, tokens: Tokens, model_thresholds: np.ndarray,
              gaps: np.ndarray, extents: np.ndarray | None = None,
              min_words: np.ndarray | None = None) -> list[tuple[int, int, int, float]]:
    """``(technique index, start, end, mean probability)`` of each technique's spans (see
    :func:`decode`); without ``extents``/``min_words``, plain token runs of any length."""
    spans = []
    for column in range(probs.shape[1]):
        extent = int(extents[column]) if extents is not None else EXTENT_TOKENS
        least = int(min_words[column]) if min_words is not None else 1
        for first, last, mean in decode(probs[:, column], tokens,
                                        threshold=float(model_thresholds[column]),
                                        gap=int(gaps[column]), extent=extent, min_words=least):
            spans.append((column, int(tokens.starts[first]), int(tokens.ends[last]), mean))
    return spans
