"""Per-article cache of the contextual token vectors (``crosscheck.assess.contextual``), so
that cross-validation does not rerun the encoder: one float16 ``.npy`` per article text under
``/tmp`` (never in the repository), named by a hash of the text and the encoder settings."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from crosscheck.assess import contextual, technique_tagger as tagger

CACHE = Path("/tmp/crosscheck-contextual-cache")


def cached_states(text: str, tokens: tagger.Tokens) -> np.ndarray:
    """``(n_tokens, len(LAYERS), DIMENSIONS)`` float32, from the cache when there."""
    key = hashlib.sha1(f"{contextual.LAYERS}{contextual.WINDOW}{contextual.STRIDE}\0{text}"
                       .encode("utf-8")).hexdigest()[:20]
    path = CACHE / f"{key}.npy"
    if path.exists():
        return np.load(path).astype(np.float32)
    states = contextual.token_states(text, tokens)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, states.astype(np.float16))
    return states
