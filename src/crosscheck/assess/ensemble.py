"""An ensemble of the shipped technique taggers: per technique, which average of their token
probabilities decides, and how its runs become spans. The ``embeddings`` extra.

The fine-tuned MiniLM (:mod:`crosscheck.assess.finetuned`), the head over frozen MiniLM states
(``contextual``, :mod:`crosscheck.assess.sequence_tagger`) and the hashed-feature tagger
(:mod:`crosscheck.assess.technique_tagger`) each give every token a probability per SemEval-2020
Task 11 technique. The ensemble trains no network: ``bench/train_ensemble_tagger.py`` chooses
by cross-validation across the training articles, per technique, one of :data:`SOURCES` (one
tagger's probability, the mean of two or three, or the smaller of the two MiniLM taggers', which
is their agreement: both above the threshold) and the decoding (threshold, gap, extent, fewest
words; :func:`technique_tagger.decode`). The choices are all it ships
(``data/propaganda_ensemble.npz``, under 1 kB); the taggers' own weights are the shipped ones.
The ``ensemble`` value of the ``technique_tagger`` setting picks it
(:func:`crosscheck.assess.propaganda.technique_model`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import technique_tagger as tagger

__all__ = ["EnsembleModel", "ENSEMBLE_MODEL_PATH", "SOURCES", "source_blocks",
           "load_ensemble_model", "save_ensemble_model", "combined"]

ENSEMBLE_MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "propaganda_ensemble.npz"
#: What a technique's probability may be, by index (``EnsembleModel.sources``).
SOURCES = ("finetuned", "hashed", "mean finetuned+hashed", "contextual",
           "mean finetuned+contextual", "mean of the three", "min finetuned,contextual")


@dataclass(frozen=True, slots=True, eq=False)
class EnsembleModel:
    """Per technique the decoding (as :class:`technique_tagger.TaggerModel`; a threshold above 1
    leaves the technique to the rules), the index into :data:`SOURCES` and the training precision
    of its rule spans."""

    techniques: tuple[str, ...]
    thresholds: np.ndarray
    gaps: np.ndarray
    extents: np.ndarray
    min_words: np.ndarray
    sources: np.ndarray
    rule_precision: np.ndarray


def source_blocks(finetuned: np.ndarray, contextual: np.ndarray,
                  hashed: np.ndarray) -> list[np.ndarray]:
    """Every :data:`SOURCES` entry, each ``(n, T)``, from the three taggers' ``(n, T)``
    probabilities."""
    return [finetuned, hashed, (finetuned + hashed) / 2, contextual, (finetuned + contextual) / 2,
            (finetuned + contextual + hashed) / 3, np.minimum(finetuned, contextual)]


def combined(model: EnsembleModel, finetuned: np.ndarray, contextual: np.ndarray,
             hashed: np.ndarray) -> np.ndarray:
    """``(n, T)``: per technique the column of the source the model chose."""
    blocks = np.stack(source_blocks(finetuned, contextual, hashed))  # (S, n, T)
    columns = np.arange(blocks.shape[2])
    return blocks[model.sources, :, columns].T.astype(np.float32)


@lru_cache(maxsize=2)
def load_ensemble_model(path: str | None = None) -> EnsembleModel:
    """The shipped choices unless ``path`` names another ``.npz`` written by
    ``bench/train_ensemble_tagger.py``."""
    target = tagger.model_file(path, ENSEMBLE_MODEL_PATH, "ensemble technique model",
                               "train_ensemble_tagger.py")
    with np.load(target) as data:
        return EnsembleModel(tuple(str(t) for t in data["techniques"]), *tagger.decodings(data),
                             data["sources"].astype(np.int64),
                             data["rule_precision"].astype(np.float32))


def save_ensemble_model(path: Path, model: EnsembleModel) -> None:
    np.savez_compressed(path, techniques=np.array(model.techniques), **tagger.decoding_arrays(model))
