"""The fine-tuned technique tagger: MiniLM's top layer and a head fine-tuned (the embeddings extra).

Tests that run the encoder skip when the extra is absent (CI does not install it)."""

import numpy as np
import pytest

from crosscheck.assess import contextual, finetuned, propaganda, technique_tagger as tagger

needs_extra = pytest.mark.skipif(not contextual.available(),
                                 reason="the embeddings extra (torch, transformers) is absent")


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


def _model(layers, *, threshold: float = 0.5) -> finetuned.FinetunedModel:
    rng = np.random.default_rng(3)
    techniques = tagger.load_model().techniques
    count = len(techniques)
    return finetuned.FinetunedModel(
        techniques, 6 - len(layers), tuple(layers),
        rng.normal(0, 0.05, (contextual.DIMENSIONS, count)).astype(np.float32),
        np.zeros(count, np.float32), np.full(count, threshold, np.float32),
        np.zeros(count, np.int64), np.zeros(count, np.int64), np.ones(count, np.int64),
        np.zeros(count, np.int64), np.full(count, 0.3, np.float32))


def test_a_model_file_round_trips(tmp_path):
    rng = np.random.default_rng(5)
    layer = {name: rng.normal(0, 0.1, (4, 4)).astype(np.float32) for name in finetuned._NAMES}
    model = _model([layer])
    finetuned.save_finetuned_model(tmp_path / "tuned.npz", model)
    loaded = finetuned.load_finetuned_model(str(tmp_path / "tuned.npz"))
    assert loaded.techniques == model.techniques and loaded.first_tuned == 5
    assert len(loaded.layers) == 1 and set(loaded.layers[0]) == set(finetuned._NAMES)
    for name, weights in layer.items():  # float16 on disk
        assert np.allclose(loaded.layers[0][name], weights, atol=1e-3)
    assert np.allclose(loaded.head, model.head, atol=1e-3)
    assert (loaded.sources == model.sources).all() and (loaded.gaps == model.gaps).all()
    with pytest.raises(FileNotFoundError, match="train_finetuned_tagger"):
        finetuned.load_finetuned_model(str(tmp_path / "missing.npz"))


@needs_extra
def test_finetuned_spans_carry_a_confidence_and_repeat():
    text = ("The cowardly, corrupt elite has betrayed every hard-working family in this country, "
            "and its shameless lies will destroy us all! The so-called council met.")
    model = _model([finetuned.layer_weights(5)], threshold=0.0)
    hits = propaganda.tagger_hits(text, model=model)
    assert hits  # a threshold of 0 shows every run
    for hit in hits:
        assert hit.term == "tagger" and 0 <= hit.confidence <= 1
        assert 0 <= hit.start < hit.end <= len(text)
    assert propaganda.tagger_hits(text, model=model) == hits
    assert propaganda.tagger_hits("", model=model) == []
    assert propaganda.detect_techniques(text, model=model)
    assert propaganda.tagger_hits(text, model=_model([finetuned.layer_weights(5)],
                                                     threshold=1.01)) == []


@needs_extra
def test_sources_hand_a_technique_to_the_hashed_tagger_or_the_mean_of_both():
    from dataclasses import replace

    text = "The corrupt elite lied to every family again! Nobody believes a word of it."
    model = _model([finetuned.layer_weights(5)])
    tokens, own = propaganda._finetuned_probabilities(text, model)
    sources = np.zeros(len(model.techniques), np.int64)
    sources[0], sources[1] = 1, 2
    _, mixed = propaganda._finetuned_probabilities(text, replace(model, sources=sources))
    hashed = 1 / (1 + np.exp(-propaganda._hashed_scores(text)))
    assert np.allclose(mixed[:, 0], hashed[:, 0], atol=1e-6)
    assert np.allclose(mixed[:, 1], (own[:, 1] + hashed[:, 1]) / 2, atol=1e-6)
    assert np.allclose(mixed[:, 2:], own[:, 2:], atol=1e-6)


@pytest.mark.skipif(not finetuned.FINETUNED_MODEL_PATH.exists(), reason="no fine-tuned model")
def test_shipped_finetuned_model_is_small_and_consistent():
    model = finetuned.load_finetuned_model()
    assert model.techniques == tagger.load_model().techniques
    assert model.first_tuned + len(model.layers) == 6
    assert model.head.shape == (contextual.DIMENSIONS, len(model.techniques))
    for array in (model.thresholds, model.gaps, model.extents, model.min_words, model.sources):
        assert array.shape == (len(model.techniques),)
    assert set(model.sources.tolist()) <= {0, 1, 2}
    assert finetuned.FINETUNED_MODEL_PATH.stat().st_size < 4_000_000 * len(model.layers)


def test_finetuned_setting_names_the_model_or_falls_back_without_the_extra():
    propaganda.technique_model.cache_clear()
    if contextual.available() and finetuned.FINETUNED_MODEL_PATH.exists():
        assert isinstance(propaganda.technique_model("finetuned"), finetuned.FinetunedModel)
    else:
        with pytest.warns(UserWarning, match="embeddings extra"):
            assert propaganda.technique_model("finetuned") is True


@needs_extra
def test_framing_runs_with_the_finetuned_tagger():
    from crosscheck.assess.framing import loaded_spans_batch
    from crosscheck.records import Article

    text = ("The corrupt, cowardly elite lied to every hard-working family again! "
            "Nobody believes a word of it.")
    article = Article("a1", "a1.txt", None, "Test Outlet", "input", None, "2024-01-02", "input",
                      "en", text)
    [spans] = loaded_spans_batch([(article, [])], technique_tagger="finetuned")
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert any(s.confidence is not None for s in spans)
