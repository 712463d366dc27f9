"""Claims: check-worthy factual statements, with their slots.

A claim is a sentence, or a clause of one, that asserts something a fact-checker could verify:
an event, a figure, an action by an actor, a statement by an official. Opinions, questions,
calls to action and fragments without a finite verb are not claims.

Two parts:

- :func:`checkworthiness` scores a sentence from 0 to 1 with a small logistic regression over
  hashed word n-grams and a few shape features (numbers, capitalised names, past tense,
  first-person opinion words). It needs neither spaCy nor scikit-learn: the weights ship in
  ``crosscheck/data/claims_model.npz`` (trained by ``bench/train_claims.py`` on ClaimBuster,
  cross-validated, seed fixed) and scoring is a dot product.
- :func:`extract_claims` walks a parsed spaCy ``Doc``, splits sentences into reported clauses,
  drops what is not a claim, and fills the slots: actor, action, quantities, places, times,
  speaker and cue (from an overlapping :class:`~crosscheck.records.Quote`, else from the parse),
  and the hedge that distances the outlet from the statement ("claimed", "according to",
  "allegedly", "may have").
"""

from __future__ import annotations

import functools
import math
import re
import zlib
from pathlib import Path

import numpy as np

from ..records import Article, Claim, Mention, Quantity, Quote, TimeExpr, content_id

__all__ = ["extract_claims", "checkworthiness", "claim_features", "CLAIM_THRESHOLD",
           "MODEL_PATH"]

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "claims_model.npz"
N_FEATURES = 1 << 17

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|\d[\d,.]*%?|[$€£%?!]")
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty "
    "fifty sixty seventy eighty ninety hundred hundreds thousand thousands million millions "
    "billion billions trillion dozen dozens percent half third quarter double twice".split())
_FIRST_PERSON = frozenset("i me my we us our i'm we're i've we've".split())
_OPINION_WORDS = frozenset(
    "think believe feel hope wish want should must ought need needs love hate great terrible "
    "wonderful best worst good bad wrong right important proud glad sure let's let".split())
_PAST_IRREGULAR = frozenset(
    "was were had did said made took gave got went came saw told found left kept held paid "
    "sent spent brought bought lost won rose fell grew cut put set led ran began became".split())


def claim_features(text: str) -> dict[int, float]:
    """Hashed features of a sentence: lower-cased word 1- and 2-grams with numbers reduced to
    their shape, plus shape counts. The hash is CRC-32, so indices are stable across runs."""
    tokens = _TOKEN.findall(text)
    words = [_shape(token) for token in tokens]
    named = [f"w:{w}" for w in words] + [f"b:{a} {b}" for a, b in zip(words, words[1:])]
    named += _shape_features(tokens)
    features: dict[int, float] = {}
    for name in named:
        index = zlib.crc32(name.encode("utf-8")) % N_FEATURES
        features[index] = features.get(index, 0.0) + 1.0
    norm = math.sqrt(sum(v * v for v in features.values())) or 1.0
    return {index: value / norm for index, value in features.items()}


def _shape(token: str) -> str:
    if token[0].isdigit():
        return "<pct>" if token.endswith("%") else "<num>"
    return token.lower().replace("’", "'")


def _shape_features(tokens: list[str]) -> list[str]:
    lower = [t.lower().replace("’", "'") for t in tokens]
    out = [f"len:{min(len(tokens) // 5, 8)}"]
    checks = {
        "digit": any(t[0].isdigit() for t in tokens),
        "numword": any(t in _NUMBER_WORDS for t in lower),
        "money": any(t in "$€£" for t in tokens) or "percent" in lower,
        "first": any(t in _FIRST_PERSON for t in lower),
        "opinion": any(t in _OPINION_WORDS for t in lower),
        "question": "?" in tokens,
        "past": any(t.endswith("ed") or t in _PAST_IRREGULAR for t in lower[1:]),
        "names": sum(1 for t in tokens[1:] if t[0].isupper()) >= 2,
    }
    # Repeating a present feature weights it against the normalised n-gram mass.
    out += [f"has:{name}" for name, present in sorted(checks.items()) if present] * 2
    return out


@functools.lru_cache(maxsize=1)
def _model() -> tuple[np.ndarray, float, float]:
    if not MODEL_PATH.exists():
        raise FileNotFoundError(
            f"the check-worthiness model is missing at {MODEL_PATH}; "
            "reinstall crosscheck or run `python bench/train_claims.py`")
    with np.load(MODEL_PATH) as data:
        weights = data["weights"].astype(np.float64)
        if weights.shape != (N_FEATURES,):
            raise ValueError(f"{MODEL_PATH} holds {weights.shape[0]} weights, expected "
                             f"{N_FEATURES}; retrain with `python bench/train_claims.py`")
        return weights, float(data["bias"]), float(data["threshold"])


def checkworthiness(sentence_text: str) -> float:
    """How check-worthy a sentence is, from 0 to 1 (no spaCy needed)."""
    weights, bias, _threshold = _model()
    features = claim_features(sentence_text)
    score = bias + sum(weights[i] * v for i, v in features.items())
    return 1.0 / (1.0 + math.exp(-score))


def _threshold() -> float:
    return _model()[2]


CLAIM_THRESHOLD = 0.5  # the shipped model's own threshold replaces this on first use
