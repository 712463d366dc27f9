"""The ensemble technique tagger: per technique an average of the shipped taggers' probabilities.

Tests that run the encoder skip when the embeddings extra is absent (CI does not install it)."""

from dataclasses import replace

import numpy as np
import pytest

from crosscheck.assess import contextual, ensemble, propaganda, technique_tagger as tagger
from crosscheck.assess import finetuned, sequence_tagger

needs_extra = pytest.mark.skipif(not contextual.available(),
                                 reason="the embeddings extra (torch, transformers) is absent")

TEXT = ("The spineless, scheming bosses have sold out every family on our street, and their "
        "shameless spin will ruin the town! Could anyone still trust a word they say? "
        "The harbour board met on Monday to discuss the ferry timetable.")


def _model(sources, *, threshold: float = 0.5) -> ensemble.EnsembleModel:
    count = len(tagger.load_model().techniques)
    return ensemble.EnsembleModel(tagger.load_model().techniques,
                                  np.full(count, threshold, np.float32), np.zeros(count, np.int64),
                                  np.zeros(count, np.int64), np.ones(count, np.int64),
                                  np.asarray(sources, np.int64), np.full(count, 0.3, np.float32))


def test_each_technique_takes_the_source_it_chose():
    rng = np.random.default_rng(7)
    tuned, head, hashed = (rng.random((5, 3)).astype(np.float32) for _ in range(3))
    model = replace(_model([0, 1, 2]), techniques=("a", "b", "c"))
    for sources in ([0, 1, 2], [3, 4, 5], [6, 6, 0]):
        got = ensemble.combined(replace(model, sources=np.array(sources)), tuned, head, hashed)
        blocks = ensemble.source_blocks(tuned, head, hashed)
        for column, source in enumerate(sources):
            assert np.allclose(got[:, column], blocks[source][:, column])
    blocks = ensemble.source_blocks(tuned, head, hashed)
    assert len(blocks) == len(ensemble.SOURCES)
    assert np.allclose(blocks[5], (tuned + head + hashed) / 3)
    assert np.allclose(blocks[6], np.minimum(tuned, head))  # both must agree


def test_a_model_file_round_trips(tmp_path):
    count = len(tagger.load_model().techniques)
    model = _model(np.arange(count) % len(ensemble.SOURCES), threshold=0.25)
    ensemble.save_ensemble_model(tmp_path / "ensemble.npz", model)
    loaded = ensemble.load_ensemble_model(str(tmp_path / "ensemble.npz"))
    assert loaded.techniques == model.techniques
    assert (loaded.sources == model.sources).all() and np.allclose(loaded.thresholds, 0.25)
    with pytest.raises(FileNotFoundError, match="train_ensemble_tagger"):
        ensemble.load_ensemble_model(str(tmp_path / "missing.npz"))


def test_a_sentence_is_tagged_by_the_mean_of_its_words():
    tokens = tagger.tokenize("Nobody knows why. Surely they lied to us all.")
    probs = np.zeros(len(tokens.words), np.float32)
    probs[tokens.words.index("Surely")] = 0.9  # one sure word in a six-word sentence: mean 0.15

    def texts(extent, threshold):
        return [" ".join(tokens.words[a:b + 1]) for a, b, _ in
                tagger.decode(probs, tokens, threshold=threshold, gap=0, extent=extent,
                              min_words=1)]

    assert texts(tagger.EXTENT_SENTENCE, 0.5) == ["Surely they lied to us all"]
    assert texts(tagger.EXTENT_SENTENCE_MEAN, 0.5) == []
    assert texts(tagger.EXTENT_SENTENCE_MEAN, 0.1) == ["Surely they lied to us all"]
    probs[:] = 0.3
    assert texts(tagger.EXTENT_SENTENCE_MEAN, 0.25) == ["Nobody knows why . Surely they lied to us all"]
    assert texts(tagger.EXTENT_CLAUSE_MEAN, 0.35) == []


@pytest.mark.skipif(not ensemble.ENSEMBLE_MODEL_PATH.exists(), reason="no ensemble model")
def test_shipped_ensemble_choices_are_small_and_consistent():
    model = ensemble.load_ensemble_model()
    assert model.techniques == tagger.load_model().techniques
    for array in (model.thresholds, model.gaps, model.extents, model.min_words, model.sources):
        assert array.shape == (len(model.techniques),)
    assert set(model.sources.tolist()) <= set(range(len(ensemble.SOURCES)))
    assert ensemble.ENSEMBLE_MODEL_PATH.stat().st_size < 4_000


def test_ensemble_setting_names_the_model_or_falls_back_without_the_extra():
    propaganda.technique_model.cache_clear()
    if contextual.available() and ensemble.ENSEMBLE_MODEL_PATH.exists():
        assert isinstance(propaganda.technique_model("ensemble"), ensemble.EnsembleModel)
    else:
        with pytest.warns(UserWarning, match="embeddings extra"):
            assert propaganda.technique_model("ensemble") is True


@needs_extra
def test_one_encoder_pass_gives_each_tagger_its_own_probabilities():
    model = _model(np.arange(13) % len(ensemble.SOURCES))
    tokens, shared = propaganda._ensemble_probabilities(TEXT, model)
    own = finetuned.token_probabilities(finetuned.load_finetuned_model(), TEXT, tokens)
    _, head = propaganda._sequence_probabilities(
        TEXT, replace(sequence_tagger.load_contextual_model(), sources=None))
    hashed = 1 / (1 + np.exp(-propaganda._hashed_scores(TEXT)))
    assert np.allclose(shared, ensemble.combined(model, own, head, hashed), atol=1e-4)


@needs_extra
def test_ensemble_spans_carry_a_confidence_and_repeat():
    model = _model(np.arange(13) % len(ensemble.SOURCES), threshold=0.0)
    hits = propaganda.tagger_hits(TEXT, model=model)
    assert hits  # a threshold of 0 shows every run
    for hit in hits:
        assert hit.term == "tagger" and 0 <= hit.confidence <= 1
        assert 0 <= hit.start < hit.end <= len(TEXT)
    assert propaganda.tagger_hits(TEXT, model=model) == hits
    assert propaganda.tagger_hits("", model=model) == []
    assert propaganda.tagger_hits(" ... ", model=model) == []
    assert propaganda.tagger_hits(TEXT, model=_model(np.zeros(13), threshold=1.01)) == []


@needs_extra
def test_framing_runs_with_the_ensemble_tagger():
    from crosscheck.assess.framing import loaded_spans_batch
    from crosscheck.records import Article

    article = Article("a1", "a1.txt", None, "Test Outlet", "input", None, "2024-01-02", "input",
                      "en", TEXT)
    [spans] = loaded_spans_batch([(article, [])], technique_tagger="ensemble")
    assert all(0 <= s.start < s.end <= len(TEXT) for s in spans)
    assert any(s.confidence is not None for s in spans)
