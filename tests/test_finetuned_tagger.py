"""The fine-tuned technique tagger: MiniLM's top layer and a head fine-tuned (the embeddings extra).

Tests that run the encoder skip when the extra is absent (CI does not install it)."""

import warnings

import numpy as np
import pytest

from crosscheck.assess import contextual, finetuned, propaganda, technique_tagger as tagger

needs_extra = pytest.mark.skipif(not contextual.available(),
                                 reason="the embeddings extra (torch, transformers) is absent")
needs_model = pytest.mark.skipif(not finetuned.FINETUNED_MODEL_PATH.exists(),
                                 reason="no fine-tuned model")


@pytest.mark.parametrize("n_ids", [1, 5, 126, 127, 130, 200, 500, 1001])
def test_window_plan_keeps_every_wordpiece_from_exactly_one_window(n_ids):
    kept = np.zeros(n_ids, dtype=np.int64)
    plan = contextual.window_plan(n_ids)
    for start, keep_from, keep_to in plan:
        assert 0 <= keep_from < keep_to <= contextual.WINDOW
        kept[start + keep_from:start + keep_to] += 1
    assert (kept == 1).all()
    assert plan[0][0] == 0


def test_per_token_averages_the_wordpieces_inside_each_token():
    tokens = tagger.tokenize("unbelievably bad")
    offsets = np.array([[0, 2], [2, 8], [8, 12], [13, 16]])
    values = np.array([[1.0], [2.0], [6.0], [5.0]], dtype=np.float32)
    assert contextual.per_token(values, offsets, tokens)[:, 0].tolist() == [3.0, 5.0]


@needs_extra
def test_tuned_layer_starting_from_packaged_weights_is_the_packaged_top_layer():
    text = ("The council voted on Tuesday to close the bridge for repairs. "
            "Residents said the detour would add an hour to their commute. ") * 6
    tokens = tagger.tokenize(text)
    ids, offsets = finetuned.wordpieces(text)
    states, mask, plan = finetuned.frozen_states(ids, 5)
    identity = np.eye(contextual.DIMENSIONS, dtype=np.float32)
    module = finetuned.TunedLayers([finetuned.layer_weights(5)], identity,
                                   np.zeros(contextual.DIMENSIONS, np.float32))
    module.eval()
    ours = finetuned.token_logits(finetuned.window_logits(module, states, mask, plan, len(ids)),
                                  offsets, tokens)
    packaged = contextual.token_states(text, tokens, layers=(6,))[:, 0]
    assert np.abs(ours - packaged).max() < 1e-3


@needs_model
def test_shipped_finetuned_model_is_small_and_consistent():
    model = finetuned.load_finetuned_model()
    assert model.techniques == tagger.load_model().techniques
    assert 0 < model.first_tuned < 6 and model.first_tuned + len(model.layers) == 6
    assert model.head.shape == (contextual.DIMENSIONS, len(model.techniques))
    for array in (model.thresholds, model.gaps, model.extents, model.min_words, model.sources):
        assert array.shape == (len(model.techniques),)
    assert finetuned.FINETUNED_MODEL_PATH.stat().st_size < 4_000_000 * len(model.layers)


@needs_extra
@needs_model
def test_finetuned_spans_carry_a_confidence_and_repeat():
    text = ("The cowardly, corrupt elite has betrayed every hard-working family in this country, "
            "and its shameless lies will destroy us all! The so-called council met.")
    model = finetuned.load_finetuned_model()
    hits = propaganda.tagger_hits(text, model=model)
    for hit in hits:
        assert hit.term == "tagger" and 0 <= hit.confidence <= 1
        assert 0 <= hit.start < hit.end <= len(text)
    assert propaganda.tagger_hits(text, model=model) == hits
    assert propaganda.tagger_hits("", model=model) == []
    assert propaganda.detect_techniques(text, model=model)


def test_finetuned_setting_names_the_model_or_falls_back_without_the_extra():
    propaganda.technique_model.cache_clear()
    if contextual.available() and finetuned.FINETUNED_MODEL_PATH.exists():
        assert isinstance(propaganda.technique_model("finetuned"), finetuned.FinetunedModel)
    else:
        with pytest.warns(UserWarning, match="embeddings extra"):
            assert propaganda.technique_model("finetuned") is True


def test_framing_runs_with_the_finetuned_tagger():
    from crosscheck.assess.framing import loaded_spans_batch
    from crosscheck.records import Article

    text = ("The corrupt, cowardly elite lied to every hard-working family again! "
            "Nobody believes a word of it.")
    article = Article("a1", "a1.txt", None, "Test Outlet", "input", None, "2024-01-02", "input",
                      "en", text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        [spans] = loaded_spans_batch([(article, [])], technique_tagger="finetuned")
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
