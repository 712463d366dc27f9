"""Framing: names per article, loaded words, technique rules, copied_from (hand-made records)."""

from __future__ import annotations

import numpy as np

from crosscheck.assess.framing import article_names, assess_framing
from crosscheck.assess.propaganda import detect_techniques, load_lexicon
from crosscheck.records import (Article, Derivation, FramingName, FramingSpan,
                                Mention, Passage, Quote)


def _article(article_id: str, text: str, outlet: str = "Test Outlet") -> Article:
    return Article(article_id, f"{article_id}.txt", None, outlet, "input", None, "2024-01-02",
                   "input", "en", text)


def _mention(article: str, text: str, start: int, key: str) -> Mention:
    return Mention(f"m-{article}-{start}", article, start, start + len(text), text, "ORG",
                   text, key, 0)


def _found(text: str, *, model: bool = False) -> dict[str, list[str]]:
    """Texts of the spans found, per technique (lexicon and rules only unless ``model``)."""
    found: dict[str, list[str]] = {}
    for hit in detect_techniques(text, model=model):
        found.setdefault(hit.technique, []).append(text[hit.start:hit.end])
    return found


def test_most_used_surface_form_names_the_entity_per_article():
    text = "The ORV met. The Rivermouth Union said the ORV would march. ORV leaders agreed."
    mentions = [_mention("a1", "ORV", text.index("ORV"), "orv"),
                _mention("a1", "Rivermouth Union", text.index("Rivermouth"), "rivermouth union"),
                _mention("a1", "ORV", text.index("ORV would"), "orv"),
                _mention("a1", "ORV", text.index("ORV leaders"), "orv")]
    names = article_names("a1", mentions, {"orv": "e1", "rivermouth union": "e1"})
    assert [(n.entity, n.alias, n.count) for n in names] == [("e1", "ORV", 3)]


def test_capitalised_the_and_possessive_count_as_one_name():
    text = "The Front spoke. Later the Front's office closed."
    mentions = [_mention("a1", "The Front", 0, "front"),
                _mention("a1", "the Front's", text.index("the Front's"), "front")]
    names = article_names("a1", mentions, {"front": "e9"})
    assert [(n.alias, n.count) for n in names] == [("the Front", 2)]


def test_lexicon_labels_grow_over_whom_they_name():
    text = "The council's goons raided the market while HGW bandits watched."
    found = _found(text)
    assert "The council's goons" not in found.get("Name_Calling,Labeling", [])  # not a term
    text = "The ministry's thugs raided the market. Later HGW terrorists were blamed."
    found = _found(text)
    assert found["Name_Calling,Labeling"] == ["The ministry's thugs", "HGW terrorists"]


def test_a_label_the_text_reports_is_not_the_outlets_own():
    text = "The group, which the cabinet lists as a terrorist organisation, denied it."
    assert "Name_Calling,Labeling" not in _found(text)


def test_phrase_rules_find_the_semeval_techniques():
    text = ("Critics called it the cruellest tax the valley has ever seen. "
            "No one in Harlow who has read the report believes a word of it. "
            "Our river towns have weathered floods and fires, and they will never be cowed by a "
            "cartel of speculators. The next flood could reach any street, any farm, any school. "
            "The valley will not be silenced. Some so-called independent experts agreed.")
    found = _found(text)
    assert found["Exaggeration,Minimisation"] == ["the cruellest tax the valley has ever seen"]
    assert found["Doubt"] == ["No one in Harlow who has read the report believes a word of it"]
    assert found["Flag-Waving"] == [
        "Our river towns have weathered floods and fires, and they will never be cowed by a "
        "cartel of speculators"]
    assert found["Appeal_to_fear-prejudice"] == [
        "The next flood could reach any street, any farm, any school"]
    assert found["Slogans"] == ["The valley will not be silenced."]
    assert "so-called independent experts" in found["Name_Calling,Labeling"]


def test_lexicon_file_rows_are_well_formed():
    terms = load_lexicon()
    assert len(terms) > 40
    assert all(0 < t.weight <= 1 and t.term == t.term.lower() for t in terms)
    assert {t.source for t in terms} <= {"hand", "ptc"}


def test_assess_framing_offsets_quotes_and_copied_from():
    source = _article("s1", "Officials said the raid was lawful. It was a brutal purge.")
    derived_text = ("The regime says the raid was lawful. It was a brutal purge. "
                    "A minister boasted \"we crushed them\".")
    derived = _article("d1", derived_text, outlet="Other Outlet")
    shared = "It was a brutal purge."
    passage = Passage("p1", "dv1", source.text.index(shared), source.text.index(shared) + len(shared),
                      derived_text.index(shared), derived_text.index(shared) + len(shared),
                      "verbatim", 1.0)
    derivation = Derivation("dv1", "s1", "d1", "partial", 0.8, 0.6, "dated", "test")
    quoted = derived_text.index("we crushed")
    boasted = derived_text.index("boasted")
    quote = Quote("q1", "d1", boasted, len(derived_text), "direct", "A minister", 0, 10, None,
                  "boasted", boasted, boasted + 7, "assertive", quoted, quoted + 15, ())
    records = assess_framing(articles={"s1": source, "d1": derived}, mentions=[],
                             entity_keys=[], quotes=[quote], derivations=[derivation],
                             passages=[passage])
    spans = [r for r in records if isinstance(r, FramingSpan) and r.article == "d1"]
    got = {(s.kind, s.technique, s.text, s.copied_from) for s in spans}
    assert ("loaded", "Loaded_Language", "regime", None) in got
    assert ("loaded", "Loaded_Language", "brutal", "s1") in got
    assert ("loaded", "Loaded_Language", "purge", "s1") in got
    assert ("loaded", "cue:assertive", "boasted", None) in got
    # the minister's word, not the outlet's (the tagger may still see a technique in it)
    assert not any(s.text == "crushed" and s.kind == "loaded" for s in spans)
    for span in spans:
        assert 0 <= span.start < span.end <= len(derived_text)
        assert derived_text[span.start:span.end] == span.text
    assert not any(isinstance(r, FramingName) for r in records)


def test_assess_framing_is_deterministic():
    article = _article("a1", "The junta's thugs crushed the protest.")
    args = dict(articles={"a1": article}, mentions=[], entity_keys=[], quotes=[],
                derivations=[], passages=[])
    assert assess_framing(**args) == assess_framing(**args)


# --- the trained token tagger ----------------------------------------------------------------

from crosscheck.assess import technique_tagger as tagger  # noqa: E402
from crosscheck.assess.propaganda import TECHNIQUES, tagger_hits, tagger_inputs  # noqa: E402


def test_tokens_carry_offsets_and_sentences():
    text = "Mayor Osk’s plan failed! \"Why?\" asked one.\nA new line starts"
    tokens = tagger.tokenize(text)
    assert tokens.words == ("Mayor", "Osk’s", "plan", "failed", "!", '"', "Why", "?", '"',
                            "asked", "one", ".", "A", "new", "line", "starts")
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends)] == list(tokens.words)
    # a quote mark right after an end mark is taken as closing that sentence
    assert tokens.sentence.tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3]


def test_runs_bridge_short_gaps_only():
    above = np.array([True, False, True, False, False, True, True])
    assert tagger.runs(above, 0) == [(0, 0), (2, 2), (5, 6)]
    assert tagger.runs(above, 1) == [(0, 2), (5, 6)]
    assert tagger.runs(above, 2) == [(0, 6)]


def test_tag_spans_trim_punctuation_and_skip_runs_without_words():
    text = "Grim , vile ! ."
    tokens = tagger.tokenize(text)
    probs = np.array([[0.9], [0.9], [0.9], [0.9], [0.1]])
    spans = tagger.tag_spans(probs, tokens, np.array([0.5]), np.array([0]))
    assert [(c, text[s:e]) for c, s, e, _ in spans] == [(0, "Grim , vile")]
    probs = np.array([[0.1], [0.1], [0.1], [0.9], [0.9]])
    assert tagger.tag_spans(probs, tokens, np.array([0.5]), np.array([0])) == []


def test_clause_and_sentence_bounds():
    text = "She said, with a shrug, that it failed. Then rain came."
    tokens = tagger.tokenize(text)
    first, last = tagger.unit_bounds(tokens, tagger.EXTENT_CLAUSE)
    shrug = tokens.words.index("shrug")
    assert text[tokens.starts[first[shrug]]:tokens.ends[last[shrug]]] == "with a shrug,"
    first, last = tagger.unit_bounds(tokens, tagger.EXTENT_SENTENCE)
    rain = tokens.words.index("rain")
    assert text[tokens.starts[first[rain]]:tokens.ends[last[rain]]] == "Then rain came."


def test_decode_grows_runs_to_their_unit_and_drops_short_ones():
    text = "She said, with a shrug, that it surely failed. Then rain came."
    tokens = tagger.tokenize(text)
    probs = np.zeros(len(tokens.words))
    probs[tokens.words.index("shrug")] = 0.9
    probs[tokens.words.index("surely")] = 0.8

    def texts(extent, least=1):
        found = tagger.decode(probs, tokens, threshold=0.5, gap=0, extent=extent,
                              min_words=least)
        return [text[tokens.starts[a]:tokens.ends[b]] for a, b, _ in found]

    assert texts(tagger.EXTENT_TOKENS) == ["shrug", "surely"]
    assert texts(tagger.EXTENT_TOKENS, least=2) == []
    assert texts(tagger.EXTENT_CLAUSE) == ["with a shrug", "that it surely failed"]
    # two runs in one sentence become one span, not two copies of it
    assert texts(tagger.EXTENT_SENTENCE) == ["She said, with a shrug, that it surely failed"]
    spans = tagger.tag_spans(probs[:, None], tokens, np.array([0.5]), np.array([0]),
                             np.array([tagger.EXTENT_SENTENCE]), np.array([1]))
    assert len(spans) == 1 and spans[0][3] == 0.9


def test_features_are_deterministic_and_inside_the_hash_space():
    text = "The council's cronies wrecked the harbour. Shameful!"
    _, (fixed, bags, sentence, vectors) = tagger_inputs(text)
    _, (again, _, _, again_vectors) = tagger_inputs(text)
    assert vectors.shape == (len(sentence), tagger.N_WORD) and (vectors == again_vectors).all()
    assert (fixed == again).all()
    assert fixed.min() >= 0 and fixed.max() < 1 << tagger.N_BITS
    assert len(bags) == 2 and sentence.tolist() == [0] * 7 + [1, 1]


def test_context_vectors_average_the_window_and_the_sentence_words_only():
    tokens = tagger.tokenize("Cruel , cruel lies ! Calm seas.")
    vectors = np.arange(len(tokens.words) * tagger.N_WORD, dtype=np.float32)
    vectors = vectors.reshape(len(tokens.words), tagger.N_WORD)
    dense = tagger.context_vectors(vectors, tokens)
    assert dense.shape == (len(tokens.words), tagger.N_DENSE)
    assert (dense[:, :tagger.N_WORD] == vectors).all()
    first_sentence = vectors[[0, 2, 3]].mean(axis=0)  # "," and "!" are not words
    sentence_part = dense[:, 2 * tagger.N_WORD:]
    assert np.allclose(sentence_part[:5], first_sentence)
    assert np.allclose(sentence_part[5], vectors[[5, 6]].mean(axis=0))
    # the window of "Cruel" reaches three tokens on: "cruel" and "lies" (the comma skipped)
    assert np.allclose(dense[0, tagger.N_WORD:2 * tagger.N_WORD], vectors[[0, 2, 3]].mean(axis=0))


def test_probabilities_equal_the_trained_linear_model_over_context_vectors():
    """Run time projects before averaging; training sees the averaged columns: same scores."""
    model = tagger.load_model()
    text = "The cowardly elite lied again. Shameful, utterly shameful! Rain fell on Monday."
    tokens, (fixed, bags, sentence, vectors) = tagger_inputs(text)
    dense = tagger.context_vectors(vectors, tokens)
    scores = model.weights[fixed].sum(axis=1) + dense @ model.dense + model.bias
    scores += np.stack([model.weights[b].sum(axis=0) / np.sqrt(len(b)) for b in bags])[sentence]
    expected = 1 / (1 + np.exp(-scores))
    got = tagger.probabilities(model, fixed, bags, sentence, vectors, is_word=tokens.is_word)
    assert np.allclose(got, expected, atol=1e-5)


def test_shipped_model_is_consistent():
    model = tagger.load_model()
    assert set(model.techniques) <= set(TECHNIQUES)
    assert model.weights.shape == (1 << tagger.N_BITS, len(model.techniques))
    assert model.bias.shape == model.thresholds.shape == model.gaps.shape
    assert model.extents.shape == model.min_words.shape == model.gaps.shape
    assert model.dense.shape == (tagger.N_DENSE, len(model.techniques))
    assert set(model.extents.tolist()) <= {tagger.EXTENT_TOKENS, tagger.EXTENT_CLAUSE,
                                           tagger.EXTENT_SENTENCE}
    assert ((model.thresholds > 0) & (model.thresholds <= 1.01)).all()


def test_tagger_spans_lie_inside_the_text():
    text = ("The cowardly, corrupt elite has betrayed every hard-working family in this country, "
            "and its shameless lies will destroy us all!\nSchools reopen on Monday.")
    for hit in tagger_hits(text):
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start:hit.end].strip() == text[hit.start:hit.end]
    assert tagger_hits("") == [] and detect_techniques("   ") == []


def test_assess_framing_on_an_engine_matches_in_process():
    """The per-article detection runs on the engine's workers (processes here): same records,
    same order, as when it runs in the calling process."""
    from crosscheck.engine.local import LocalEngine

    texts = ["The junta's thugs crushed the protest. Nobody believes a word of it.",
             "Officials said the vote was held on Sunday.",
             "This is the worst betrayal ever seen! Our great nation will not be bullied.",
             ""]
    articles = {f"a{i}": _article(f"a{i}", t) for i, t in enumerate(texts * 10)}
    args = dict(articles=articles, mentions=[], entity_keys=[], quotes=[], derivations=[],
                passages=[])
    engine = LocalEngine(workers=2)
    try:
        on_engine = assess_framing(**args, map_batches=engine.map_batches)
    finally:
        engine.close()
    here = assess_framing(**args)
    assert on_engine == here
    # the loaded texts (0 and 2 of every four) have spans, the plain one and the empty one none
    with_spans = {r.article for r in here if isinstance(r, FramingSpan)}
    assert with_spans == {f"a{i}" for i in range(40) if i % 4 in (0, 2)}


# --- the learned sequence tagger ---------------------------------------------------------------

from crosscheck.assess import sequence_tagger as sequence  # noqa: E402
from crosscheck.assess.propaganda import TechniqueHit, _merge, sequence_inputs  # noqa: E402


def test_sequence_features_have_a_fixed_width_and_mark_lexical_cues():
    text = 'Officials "clearly" lied!\nRain fell.'
    tokens, features = sequence_inputs(text)
    again = sequence_inputs(text)[1]
    assert features.shape == (len(tokens.words), sequence.N_FEATURES)
    assert features.dtype == np.float32 and (features == again).all()
    lexical = features[:, 3 * sequence.N_VECTOR:]
    # columns 8, 9: inside a quotation, the sentence ends with "!"
    inside = [tokens.words[i] for i in np.flatnonzero(lexical[:, 8])]
    assert inside == ['"', "clearly"]
    assert lexical[:, 9].tolist() == [1.0] * 6 + [0.0] * 3
    assert sequence_inputs("")[1].shape == (0, sequence.N_FEATURES)


def test_sequence_probabilities_are_the_two_layer_network():
    rng = np.random.default_rng(3)
    model = sequence.SequenceModel(("A", "B"), rng.normal(size=(4, 3)).astype(np.float32),
                                   rng.normal(size=3).astype(np.float32),
                                   rng.normal(size=(3, 2)).astype(np.float32),
                                   np.zeros(2, np.float32), np.full(2, 0.5), np.zeros(2),
                                   np.zeros(2), np.ones(2), np.zeros(2), {}, np.zeros((0, 2)))
    features = rng.normal(size=(5, 4)).astype(np.float32)
    hidden = np.maximum(features @ model.hidden + model.hidden_bias, 0)
    expected = 1 / (1 + np.exp(-(hidden @ model.output)))
    assert np.allclose(sequence.sequence_probabilities(model, features), expected, atol=1e-6)


def test_shipped_sequence_model_is_small_and_consistent():
    model = sequence.load_sequence_model()
    assert set(model.techniques) <= set(TECHNIQUES)
    stacked = len(model.techniques) if model.stacked else 0  # the hashed tagger's scores
    assert model.stacked and model.techniques == tagger.load_model().techniques
    assert model.hidden.shape[0] == sequence.N_FEATURES + stacked + 3 * len(model.techniques) + 2
    assert model.output.shape == (model.hidden.shape[1], len(model.techniques))
    assert model.thresholds.shape == model.gaps.shape == model.rule_precision.shape
    assert ((model.rule_precision >= 0) & (model.rule_precision <= 1)).all()
    assert model.sources.shape == model.thresholds.shape
    assert set(model.sources.tolist()) <= {0, 1}
    assert sequence.SEQUENCE_MODEL_PATH.stat().st_size < 1_000_000


def test_word_rates_come_from_the_table_and_unknown_words_get_zero():
    model = sequence.load_sequence_model()
    known = next(iter(model.vocabulary))
    rates = sequence.word_rates(model, [known, "zzqxv-not-a-word"])
    assert np.allclose(rates[0], model.rates[model.vocabulary[known]]) and not rates[1].any()
    tokens = tagger.tokenize("Cruel lies , cruel !")
    features = sequence.rate_features(tokens, np.ones((5, len(model.techniques)), np.float32))
    assert features.shape == (5, 3 * len(model.techniques) + 2)


def test_spans_carry_a_confidence():
    text = ("The cowardly, corrupt elite has betrayed every hard-working family in this country, "
            "and its shameless lies will destroy us all! The so-called council met.")
    for model in (None, sequence.load_sequence_model()):
        for hit in tagger_hits(text, model=model):
            assert hit.term == "tagger" and 0 <= hit.confidence <= 1
        with_model = detect_techniques(text, model=model or True)
        assert all(h.confidence is not None for h in with_model
                   if h.technique in sequence.load_sequence_model().techniques)
    assert all(h.confidence is None for h in detect_techniques(text, model=False))


def test_merged_hits_keep_the_surer_confidence():
    hits = [TechniqueHit("Doubt", 0, 10, 0.5, "rule", 0.2),
            TechniqueHit("Doubt", 5, 8, 0.4, "tagger", 0.7),
            TechniqueHit("Doubt", 20, 30, 0.4, "tagger", None)]
    assert [(h.start, h.end, h.weight, h.confidence) for h in _merge(hits)] == [
        (0, 10, 0.5, 0.7), (20, 30, 0.4, None)]


def test_framing_spans_carry_the_detector_confidence():
    article = _article("a1", "The junta's thugs crushed the protest. Nobody believes a word of it.")
    spans = [s for s in assess_framing(articles={"a1": article}, mentions=[], entity_keys=[],
                                       quotes=[], derivations=[], passages=[])
             if isinstance(s, FramingSpan)]
    assert spans and all(s.confidence is None or 0 <= s.confidence <= 1 for s in spans)
