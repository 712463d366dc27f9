"""The contextual technique tagger: a head over MiniLM's hidden states (the embeddings extra).

Everything that needs torch, transformers or the packaged MiniLM skips without the extra; the
fallback (the hashed tagger when the extra is absent) is checked everywhere."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from crosscheck.assess import contextual, propaganda, sequence_tagger as sequence
from crosscheck.assess import technique_tagger as tagger

needs_extra = pytest.mark.skipif(not contextual.available(),
                                 reason="needs the embeddings extra (torch, sentence-transformers)")


def test_layer_mixes():
    states = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    assert (contextual.mixed(states, "last") == states[:, 2]).all()
    assert np.allclose(contextual.mixed(states, "mean"), states.mean(axis=1))
    tokens = tagger.tokenize("Shameless lies")
    wide = contextual.mixed(states, "mean+context", tokens)
    assert wide.shape == (2, 12) and np.allclose(wide[:, :4], states.mean(axis=1))
    both = states.mean(axis=(0, 1))  # the two words are each other's window and sentence
    assert np.allclose(wide[:, 4:8], both) and np.allclose(wide[:, 8:], both)
    with pytest.raises(ValueError):
        contextual.mixed(states, "first")


def test_lexical_features_of_no_tokens():
    tokens = tagger.tokenize("")
    assert contextual.lexical_features(tokens, np.zeros(0, np.int64)).shape == (0, 22)


@needs_extra
def test_token_states_follow_the_tokens_and_their_context():
    text = "The bank raised rates. He sat on the river bank and watched the water."
    tokens = tagger.tokenize(text)
    states = contextual.token_states(text, tokens)
    assert states.shape == (len(tokens.words), len(contextual.LAYERS), contextual.DIMENSIONS)
    assert np.isfinite(states).all() and (np.abs(states).sum(axis=(1, 2)) > 0).all()
    banks = [i for i, w in enumerate(tokens.words) if w == "bank"]
    first, second = contextual.mixed(states[banks], "last")
    # The same word in two senses: not the same vector (static vectors would be identical).
    assert np.dot(first, second) / np.linalg.norm(first) / np.linalg.norm(second) < 0.99
    assert (contextual.token_states(text, tokens) == states).all()


@needs_extra
def test_long_texts_are_read_in_windows_that_cover_every_token():
    sentence = "Officials said the council would meet again on Tuesday to vote on the plan. "
    text = sentence * 40  # about 640 wordpieces: several windows
    tokens = tagger.tokenize(text)
    states = contextual.mixed(contextual.token_states(text, tokens), "last")
    assert (np.abs(states).sum(axis=1) > 0).all()
    # A word far from the windows' edges reads the same in each repeat of its sentence.
    period = len(tagger.tokenize(sentence).words)
    middle = [i for i, w in enumerate(tokens.words) if w == "council"][5:8]
    assert all(i % period == middle[0] % period for i in middle)
    for a, b in zip(middle, middle[1:]):
        cosine = np.dot(states[a], states[b]) / np.linalg.norm(states[a]) / np.linalg.norm(states[b])
        assert cosine > 0.9


@pytest.mark.skipif(not sequence.CONTEXTUAL_MODEL_PATH.exists(), reason="no contextual model")
def test_shipped_contextual_model_is_small_and_consistent():
    model = sequence.load_contextual_model()
    assert model.encoder in contextual.MIXES and model.stacked
    assert model.techniques == tagger.load_model().techniques
    width = contextual.DIMENSIONS * (3 if "context" in model.encoder else 1) + 22 + len(model.techniques) + 3 * len(model.techniques) + 2
    assert model.hidden.shape[0] == width
    assert model.output.shape == (model.hidden.shape[1], len(model.techniques))
    assert sequence.CONTEXTUAL_MODEL_PATH.stat().st_size < 1_000_000


@needs_extra
@pytest.mark.skipif(not sequence.CONTEXTUAL_MODEL_PATH.exists(), reason="no contextual model")
def test_contextual_spans_carry_a_confidence():
    text = ("The cowardly, corrupt elite has betrayed every hard-working family in this country, "
            "and its shameless lies will destroy us all! The so-called council met.")
    model = sequence.load_contextual_model()
    for hit in propaganda.tagger_hits(text, model=model):
        assert hit.term == "tagger" and 0 <= hit.confidence <= 1
    hits = propaganda.detect_techniques(text, model=model)
    assert hits and all(0 <= h.start < h.end <= len(text) for h in hits)
    assert propaganda.tagger_hits("", model=model) == []


def test_technique_tagger_setting_names_a_model_and_falls_back_without_the_extra():
    from crosscheck.errors import CrosscheckError
    from crosscheck.settings import Settings

    assert Settings().technique_tagger == "hashed"
    assert propaganda.technique_model("hashed") is True
    with pytest.raises(CrosscheckError):
        propaganda.technique_model("bert")
    if contextual.available() and sequence.CONTEXTUAL_MODEL_PATH.exists():
        assert propaganda.technique_model("contextual").encoder in contextual.MIXES
    else:
        propaganda.technique_model.cache_clear()
        with pytest.warns(UserWarning, match="embeddings extra"):
            assert propaganda.technique_model("contextual") is True


def test_framing_runs_with_either_tagger():
    from crosscheck.assess.framing import loaded_spans_batch
    from crosscheck.records import Article

    text = ("The corrupt, cowardly elite lied to every hard-working family again! "
            "Nobody believes a word of it.")
    article = Article("a1", "a1.txt", None, "Test Outlet", "input", None, "2024-01-02", "input",
                      "en", text)
    for name in ("hashed", "contextual"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            [spans] = loaded_spans_batch([(article, [])], technique_tagger=name)
        assert all(0 <= s.start < s.end <= len(text) for s in spans)
