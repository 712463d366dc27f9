"""Which verbs attribute: a logistic model over cue candidates, applied with numpy.

A candidate is a verb with a speaker and something it reports (see
``quotes.attribution_candidates``). Its features are binary names ("lemma prior", the verb's
dependency label, which complement carries the content, what kind of phrase the speaker is,
whether the verb sits inside a quotation) plus the lemma's cue precision learned from PolNeAR
train (``data/attribution_cues.tsv``). The weights (``data/attribution_model.npz``: feature
names, weights, bias, threshold; plain arrays, no pickle) are fitted by
``bench/train_attribution.py`` with scikit-learn; here they are only multiplied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["CueModel", "cue_features", "load_cue_precision", "DATA"]

DATA = Path(__file__).resolve().parent.parent / "data"
_PERSONAL = frozenset("he she they i we you who".split())
_NAMED = frozenset("PERSON ORG NORP GPE".split())
_COMPLEMENTS = ("ccomp", "dobj", "xcomp", "prep")


def load_cue_precision(path: Path | None = None) -> dict[str, float]:
    """Lemma -> smoothed cue precision from ``attribution_cues.tsv``; empty when absent."""
    path = path or DATA / "attribution_cues.tsv"
    if not path.exists():
        return {}
    precision = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lemma, _stance, share, *_ = line.split("\t")
            precision[lemma] = float(share)
    return precision


def cue_features(verb, subject, content: tuple[int, int], *, precision: dict[str, float],
                 hand: bool, quoted: bool) -> dict[str, float]:
    """Feature name -> value for one candidate (``verb`` and ``subject`` are spaCy tokens)."""
    lemma = verb.lemma_.lower()
    prior = precision.get(lemma)
    features = {
        "prior": _logit(prior if prior is not None else 0.02),
        f"prior>={_bin(prior)}": 1.0,
        "hand": float(hand),
        f"dep={verb.dep_}": 1.0,
        f"tag={verb.tag_}": 1.0,
        f"content={_content_kind(verb, content)}": 1.0,
        f"speaker={_speaker_kind(subject)}": 1.0,
        "quoted": float(quoted),
        "content_before": float(content[1] <= verb.idx),
        "long_content": float(content[1] - content[0] > 60),
        "short_content": float(content[1] - content[0] < 15),
        "that_clause": float(_starts_with_that(verb, content)),
    }
    return features


def _starts_with_that(verb, content: tuple[int, int]) -> bool:
    """ "said that ...": the strongest sign of reported speech after the verb itself."""
    return any(t.idx == content[0] and t.lower_ in ("that", "whether", "if")
               for t in verb.doc[verb.i + 1 : verb.i + 15])


def _bin(prior: float | None) -> str:
    """The prior's band, so the linear model can bend at the lemmas that are nearly always
    cues and those that seldom are."""
    if prior is None:
        return "unseen"
    return next(str(edge) for edge in (0.8, 0.6, 0.4, 0.2, 0.0) if prior >= edge)


def _logit(p: float) -> float:
    p = min(max(p, 0.01), 0.99)
    return math.log(p / (1 - p))


def _content_kind(verb, content: tuple[int, int]) -> str:
    for child in verb.children:
        if content[0] <= child.idx < content[1] and child.dep_ in _COMPLEMENTS:
            return child.dep_
    return "around" if content[1] <= verb.idx else "other"


def _speaker_kind(subject) -> str:
    if subject.lower_ in _PERSONAL:
        return "pronoun_" + subject.lower_ if subject.lower_ in ("i", "we", "you") else "pronoun"
    if subject.ent_type_ in _NAMED:
        return subject.ent_type_
    return subject.pos_


@dataclass(frozen=True)
class CueModel:
    """Logistic weights over named features; ``accepts`` keeps a candidate at ``threshold``."""

    names: tuple[str, ...]
    weights: np.ndarray
    bias: float
    threshold: float

    @classmethod
    def load(cls, path: Path | None = None) -> CueModel | None:
        """The shipped model, or ``None`` when the file is absent (the lexicon alone decides)."""
        path = path or DATA / "attribution_model.npz"
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as data:
            return cls(tuple(str(n) for n in data["names"]), data["weights"].astype(float),
                       float(data["bias"]), float(data["threshold"]))

    def save(self, path: Path) -> None:
        np.savez(path, names=np.array(self.names), weights=self.weights,
                 bias=np.array(self.bias), threshold=np.array(self.threshold))

    def __post_init__(self):
        object.__setattr__(self, "_index", {name: i for i, name in enumerate(self.names)})

    def probability(self, features: dict[str, float]) -> float:
        index = self._index
        score = self.bias + sum(self.weights[index[name]] * value
                                for name, value in features.items() if name in index)
        return 1.0 / (1.0 + math.exp(-score))

    def accepts(self, features: dict[str, float]) -> bool:
        return self.probability(features) >= self.threshold
