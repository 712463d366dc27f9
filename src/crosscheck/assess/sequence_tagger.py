"""A learned sequence tagger for SemEval-2020 Task 11 propaganda techniques: numpy only at run time.

Each token gets, per technique, the probability that annotators put it inside a span of that
technique, from a small two-layer network over dense features that carry to articles the
training never saw: the token's wordllama vector, the mean vectors of the words around it and of
its sentence (:func:`technique_tagger.context_vectors`), and a few lexical ones (hand-lexicon
marks on the token and near it, capitals, punctuation, quote marks, the sentence's end mark,
where the token sits in its sentence and the sentence in the article, repeated words). A word
counts through its vector, so a loaded word the training articles never used still lands near
the ones they did, and through how often annotators marked it in the training articles (a word
table of per-technique log-odds for the words used in three or more of them; at training time
each article sees the counts of the other articles only).

A stacked model (``stacked``, the shipped one) also reads the per-technique scores of the
hashed-feature token tagger (:mod:`technique_tagger`), learned from that tagger's out-of-fold
scores; per technique, cross-validation may leave the decision to the hashed tagger's own
probabilities (``sources``). It is not the default: on held-out PTC articles it scores below the hashed tagger alone
(see docs/benchmarks.md); ``detect_techniques(text, model=load_sequence_model())`` runs it.

Runs of tokens above a technique's threshold become spans (:func:`technique_tagger.decode`:
gap, clause or sentence extent, fewest words), each with a confidence, the mean probability of
its run. The thresholds are chosen by cross-validation across articles (a technique the tagger
cannot find with enough precision keeps a threshold above 1 and is never shown). The weights
(``data/propaganda_sequence.npz``, float16, about 100 kB) are trained by
``bench/train_sequence_tagger.py`` on the even-id (training) half of PTC only. The network's
input is :func:`sequence_features`, then the hashed tagger's scores (when stacked), then
:func:`rate_features`.

A model whose ``encoder`` names a layer mix (``data/propaganda_contextual.npz``,
``bench/train_contextual_tagger.py``) reads :func:`crosscheck.assess.contextual.features`
(MiniLM's hidden states, then the lexical features) in place of :func:`sequence_features`; it
needs the ``embeddings`` extra and scores best of the three on held-out PTC articles.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import technique_tagger as tagger

__all__ = ["SequenceModel", "SEQUENCE_MODEL_PATH", "CONTEXTUAL_MODEL_PATH", "N_LEXICAL", "N_VECTOR", "N_FEATURES",
           "word_vectors", "sequence_features", "load_sequence_model", "load_contextual_model", "rate_features",
           "word_rates", "sequence_probabilities", "sequence_spans"]

SEQUENCE_MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "propaganda_sequence.npz"
#: The head over the contextual encoder (:mod:`crosscheck.assess.contextual`; the ``embeddings``
#: extra), trained by ``bench/train_contextual_tagger.py``.
CONTEXTUAL_MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "propaganda_contextual.npz"
#: Lexical features per token (see :func:`_lexical`).
N_LEXICAL = 22
#: Dimensions of the wordllama vectors used (all 256 of the shipped model).
N_VECTOR = 256
N_FEATURES = 3 * N_VECTOR + N_LEXICAL
_QUOTES = frozenset("\"“”«»")
_NEAR = 3


@dataclass(frozen=True, slots=True)
class SequenceModel:
    """Hidden layer ``(D, H)`` + ``(H,)`` (input scaling folded in), output layer ``(H, T)`` +
    ``(T,)``; per technique the decoding as in :class:`technique_tagger.TaggerModel`, and the
    precision of the lexicon and rule spans of that technique in the training articles; the word
    table (word -> row of ``rates``, per-technique log-odds, words of three or more training
    articles only); ``stacked``: the network also reads the hashed-feature tagger's scores;
    ``sources`` per technique 0 (the network's probabilities decide) or 1 (the hashed tagger's
    own, where cross-validation found them better for that technique)."""

    techniques: tuple[str, ...]
    hidden: np.ndarray
    hidden_bias: np.ndarray
    output: np.ndarray
    output_bias: np.ndarray
    thresholds: np.ndarray
    gaps: np.ndarray
    extents: np.ndarray
    min_words: np.ndarray
    rule_precision: np.ndarray
    vocabulary: dict[str, int]
    rates: np.ndarray
    stacked: bool = False
    sources: np.ndarray | None = None
    #: "" for the static-vector features; else the layer mix of the contextual encoder whose
    #: hidden states (then the lexical features) are the network's first inputs.
    encoder: str = ""


def sequence_features(tokens: tagger.Tokens, lexicon_marks: np.ndarray) -> np.ndarray:
    """``(n_tokens, N_FEATURES)`` float32: the token's word vector, the mean vectors of the
    words around it and of its sentence, then lexical features. ``lexicon_marks`` per token:
    0 (none), 1 (loaded), 2 (name calling), 3 (another technique)."""
    if not len(tokens.words):
        return np.zeros((0, N_FEATURES), dtype=np.float32)
    vectors = word_vectors([w.lower() for w in tokens.words])
    window, sentence = tagger._context_means(vectors, tokens.is_word, tokens.sentence)
    return np.hstack([vectors, window, sentence,
                      _lexical(tokens, lexicon_marks)]).astype(np.float32)


def rate_features(tokens: tagger.Tokens, rates: np.ndarray) -> np.ndarray:
    """``(n_tokens, 3 T + 2)``: per technique the log-odds that the token's word lies in a span
    (against the technique's base rate; ``rates``, from the training articles' counts), their
    means over the words around it and over its sentence, and the highest loaded-language and
    name-calling log-odds within two tokens."""
    window, sentence = tagger._context_means(rates, tokens.is_word, tokens.sentence)
    padded = np.pad(rates[:, :2], ((2, 2), (0, 0)))
    near = np.max([padded[i:i + len(rates)] for i in range(5)], axis=0)
    return np.hstack([rates, window, sentence, near]).astype(np.float32)


def word_rates(model: SequenceModel, lower: list[str]) -> np.ndarray:
    """``(n, T)`` log-odds of each word from the model's word table (0: a word seen in fewer
    than three training articles, or never)."""
    rows = np.array([model.vocabulary.get(w, -1) for w in lower], dtype=np.int64)
    out = np.zeros((len(lower), len(model.techniques)), dtype=np.float32)
    known = rows >= 0
    out[known] = model.rates[rows[known]]
    return out


_VECTORS: dict[str, np.ndarray] = {}


def word_vectors(lower: list[str]) -> np.ndarray:
    """``(n, N_VECTOR)`` unit wordllama vectors of the (lower-cased) words (all their
    dimensions: the legacy tagger keeps the first 64)."""
    missing = sorted({w for w in lower if w not in _VECTORS})
    if missing:
        vectors = tagger._embedder().embed(missing, norm=False)[:, :N_VECTOR].astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
        if len(_VECTORS) > 200_000:
            _VECTORS.clear()
        _VECTORS.update(zip(missing, vectors))
    if not lower:
        return np.zeros((0, N_VECTOR), dtype=np.float32)
    return np.stack([_VECTORS[w] for w in lower])


def _lexical(tokens: tagger.Tokens, marks: np.ndarray) -> np.ndarray:
    words, sentence, n = tokens.words, tokens.sentence, len(tokens.words)
    first = np.searchsorted(sentence, sentence, side="left")
    last = np.searchsorted(sentence, sentence, side="right") - 1
    length = (last - first + 1).astype(np.float32)
    position = (np.arange(n) - first) / np.maximum(length - 1, 1)
    end_word = np.array([words[i] for i in last])
    quoted = np.cumsum([w in _QUOTES for w in words]) % 2
    has_quote = _per_sentence(np.array([w in _QUOTES for w in words], np.float32), sentence) > 0
    marked = marks > 0
    near = _window_sum(marked.astype(np.float32), _NEAR)
    in_sentence = _per_sentence(marked.astype(np.float32), sentence)
    lower = [w.lower() for w in words]
    columns = [marks == 1, marks == 2, marks == 3, np.minimum(near, 3) / 3,
               np.minimum(in_sentence, 4) / 4,
               [w[0].isupper() for w in words], [len(w) > 1 and w.isupper() for w in words],
               ~tokens.is_word, quoted, end_word == "!", end_word == "?", has_quote,
               position, np.log1p(length) / 4, sentence == 0,
               np.arange(n) / max(n - 1, 1), _repeats(lower),
               [np.log1p(len(w)) / 3 for w in words], np.arange(n) == first,
               [w.isdigit() for w in words],
               _window_sum(np.array([w in "!?" for w in words], np.float32), _NEAR) > 0,
               [w in ("not", "never", "no", "n't") for w in lower]]
    return np.stack([np.asarray(c, dtype=np.float32) for c in columns], axis=1)


def _per_sentence(values: np.ndarray, sentence: np.ndarray) -> np.ndarray:
    return np.bincount(sentence, weights=values)[sentence]


def _window_sum(values: np.ndarray, width: int) -> np.ndarray:
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    index = np.arange(len(values))
    low, high = np.maximum(index - width, 0), np.minimum(index + width + 1, len(values))
    return cumulative[high] - cumulative[low]


def _repeats(lower: list[str]) -> np.ndarray:
    seen: dict[str, int] = {}
    counts = []
    for word in lower:
        counts.append(min(seen.get(word, 0), 3) / 3)
        seen[word] = seen.get(word, 0) + 1
    return np.array(counts, dtype=np.float32)


@lru_cache(maxsize=2)
def load_sequence_model(path: str | None = None) -> SequenceModel:
    """The shipped model unless ``path`` names another ``.npz`` written by the training script."""
    target = tagger.model_file(path, SEQUENCE_MODEL_PATH, "propaganda sequence model",
                               "train_sequence_tagger.py")
    with np.load(target) as data:
        return SequenceModel(tuple(str(t) for t in data["techniques"]),
                             data["hidden"].astype(np.float32),
                             data["hidden_bias"].astype(np.float32),
                             data["output"].astype(np.float32),
                             data["output_bias"].astype(np.float32),
                             *tagger.decodings(data), data["rule_precision"].astype(np.float32),
                             {str(w): i for i, w in enumerate(data["vocabulary"])},
                             data["rates"].astype(np.float32),
                             bool(data["stacked"]) if "stacked" in data else False,
                             data["sources"].astype(np.int64) if "sources" in data else None,
                             str(data["encoder"]) if "encoder" in data else "")


def load_contextual_model() -> SequenceModel:
    """The shipped head over the contextual encoder (it needs the ``embeddings`` extra to run:
    :func:`crosscheck.assess.contextual.available`)."""
    return load_sequence_model(str(CONTEXTUAL_MODEL_PATH))


def sequence_probabilities(model: SequenceModel, features: np.ndarray) -> np.ndarray:
    """Per-token, per-technique probability ``(n_tokens, T)``."""
    hidden = np.maximum(features @ model.hidden + model.hidden_bias, 0.0)
    scores = hidden @ model.output + model.output_bias
    return 1.0 / (1.0 + np.exp(-np.clip(scores, -30, 30)))


def sequence_spans(model: SequenceModel, probs: np.ndarray,
                   tokens: tagger.Tokens) -> list[tuple[int, int, int, float]]:
    """``(technique index, start, end, confidence)`` of the spans shown (see :func:`decode`)."""
    return tagger.tag_spans(probs, tokens, model.thresholds, model.gaps, model.extents,
                            model.min_words)
