"""Paraphrase alignment and article candidates, with the no-model ``hashing`` embedder.

Texts are the team's own; the model embedders are exercised by bench/derivations.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from crosscheck.errors import CrosscheckError
from crosscheck.link.paraphrase import (
    align_paraphrases, candidate_pairs, get_embedder, sentence_spans,
)
from crosscheck.link.passages import Alignment

SOURCE = (
    "Harbour police in Dunmere detained nine fishermen on Sunday after a clash at the fish market. "
    "The mayor said the market would reopen on Wednesday morning. "
    "A storm warning remains in force for the northern coast."
)
DERIVED = (
    "Nine fishermen were detained by harbour police in Dunmere on Sunday following a fish market clash. "
    "Ticket prices for the summer ferry rose again this year. "
    "The market will reopen on Wednesday morning, the mayor said."
)


def _aligned_texts(alignments):
    return [(SOURCE[x.source_start:x.source_end], DERIVED[x.derived_start:x.derived_end])
            for x in alignments]


def test_sentence_spans_cover_each_sentence_inside_the_text():
    spans = sentence_spans(SOURCE)
    assert [SOURCE[s:e] for s, e in spans] == [
        "Harbour police in Dunmere detained nine fishermen on Sunday after a clash at the fish market.",
        "The mayor said the market would reopen on Wednesday morning.",
        "A storm warning remains in force for the northern coast.",
    ]
    assert all(0 <= s < e <= len(SOURCE) for s, e in spans)


def test_headline_lines_are_their_own_sentences():
    text = "Storm closes port\n\nThe port of Dunmere closed at noon."
    assert [text[s:e] for s, e in sentence_spans(text)] == ["Storm closes port", "The port of Dunmere closed at noon."]


def test_reworded_sentences_are_paired_one_to_one():
    found = align_paraphrases(SOURCE, sentence_spans(SOURCE), DERIVED, sentence_spans(DERIVED),
                              embedder=get_embedder("hashing"))
    assert _aligned_texts(found) == [
        ("Harbour police in Dunmere detained nine fishermen on Sunday after a clash at the fish market.",
         "Nine fishermen were detained by harbour police in Dunmere on Sunday following a fish market clash."),
        ("The mayor said the market would reopen on Wednesday morning.",
         "The market will reopen on Wednesday morning, the mayor said."),
    ]
    assert all(0.6 <= x.similarity <= 1.0 for x in found)


def test_sentences_already_aligned_verbatim_are_left_out():
    first = sentence_spans(SOURCE)[0]
    verbatim = [Alignment(first[0], first[1], 0, 98, 1.0)]
    found = align_paraphrases(SOURCE, sentence_spans(SOURCE), DERIVED, sentence_spans(DERIVED),
                              embedder=get_embedder("hashing"), exclude=verbatim)
    assert [s for s, _ in _aligned_texts(found)] == ["The mayor said the market would reopen on Wednesday morning."]


def test_unrelated_sentences_are_not_paired():
    other = "Ticket prices for the summer ferry rose again this year."
    found = align_paraphrases(SOURCE, sentence_spans(SOURCE), other, sentence_spans(other),
                              embedder=get_embedder("hashing"))
    assert found == []


def test_a_sentence_span_outside_the_text_is_refused():
    with pytest.raises(ValueError, match=r"sentence span \(0, 999\) is outside a text of 56 characters"):
        align_paraphrases("Ticket prices for the summer ferry rose again this year.", [(0, 999)],
                          DERIVED, sentence_spans(DERIVED), embedder=get_embedder("hashing"))


def test_hashing_rows_are_unit_length_and_deterministic():
    embedder = get_embedder("hashing")
    rows = embedder.encode([SOURCE, DERIVED, ""])
    assert np.allclose(np.linalg.norm(rows[:2], axis=1), 1.0)
    assert not rows[2].any()
    assert np.array_equal(rows, embedder.encode([SOURCE, DERIVED, ""]))


def test_hashing_rows_are_the_sums_of_adding_each_feature_in_turn():
    import zlib

    from crosscheck.link.paraphrase import HashingEmbedder, _normalise

    embedder = HashingEmbedder(dims=64)  # few buckets: many features share one
    texts = [SOURCE, DERIVED, "Velmora velmora VELMORA harbour harbours", ""]
    reference = np.zeros((len(texts), 64), dtype=np.float32)
    for row, text in enumerate(texts):
        for feature, weight in embedder._features(text):
            reference[row, zlib.crc32(feature.encode("utf-8")) % 64] += weight
    assert np.array_equal(embedder.encode(texts), _normalise(np.sqrt(reference)))


def test_unknown_embedder_names_the_choices():
    with pytest.raises(CrosscheckError, match="unknown embedder 'bert': choose one of wordllama, minilm, hashing"):
        get_embedder("bert")


def test_candidate_pairs_keep_close_neighbours_above_the_threshold():
    vectors = np.array([[1, 0, 0], [0.96, 0.28, 0], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = ["d", "c", "b", "a"]
    assert candidate_pairs(vectors, ids, k=2, threshold=0.5, block=2) == [("c", "d", 0.96)]
    assert candidate_pairs(vectors, ids, k=1, threshold=0.2, block=3) == [("b", "c", 0.28), ("c", "d", 0.96)]


def test_candidate_pairs_need_one_row_per_id():
    with pytest.raises(ValueError, match=r"one row per id: got shape \(2, 3\) for 3 ids"):
        candidate_pairs(np.zeros((2, 3)), ["a", "b", "c"])


def _planted_clusters(seed: int = 3, clusters: int = 40, size: int = 5, dims: int = 64):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dims))
    rows = np.repeat(centres, size, axis=0) + 0.25 * rng.standard_normal((clusters * size, dims))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(np.float32), [f"a{i:04d}" for i in range(len(rows))]


def test_lsh_candidates_are_exact_cosines_and_find_planted_clusters():
    vectors, ids = _planted_clusters()
    exact = candidate_pairs(vectors, ids, k=4, threshold=0.8, method="exact")
    lsh = candidate_pairs(vectors, ids, k=4, threshold=0.8, method="lsh")
    exact_scores = dict(((a, b), s) for a, b, s in exact)
    assert all(exact_scores.get((a, b), s) == s for a, b, s in lsh)  # same cosines
    assert all(s >= 0.8 and a < b for a, b, s in lsh)
    assert len(set(exact_scores) & {(a, b) for a, b, _ in lsh}) >= 0.95 * len(exact)
    assert lsh == candidate_pairs(vectors, ids, k=4, threshold=0.8, method="lsh")  # seeded


def test_auto_switches_to_lsh_from_exact_below_and_bad_methods_are_named():
    vectors, ids = _planted_clusters(clusters=4)
    assert candidate_pairs(vectors, ids, exact_below=10) == candidate_pairs(vectors, ids, method="lsh")
    with pytest.raises(ValueError, match="unknown method 'fast': choose auto, exact or lsh"):
        candidate_pairs(vectors, ids, method="fast")


def test_the_sentence_bound_is_named_when_it_cuts():
    from crosscheck.link.paraphrase import MAX_ALIGNED_SENTENCES, paraphrase_cut

    assert paraphrase_cut(MAX_ALIGNED_SENTENCES, 3) is None
    note = paraphrase_cut(3, MAX_ALIGNED_SENTENCES + 1)
    assert note.startswith(f"paraphrase alignment compared at most the first {MAX_ALIGNED_SENTENCES} ")
    assert f"3 and {MAX_ALIGNED_SENTENCES + 1} sentences" in note
