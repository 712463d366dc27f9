"""Claim vectors kept sparse: the same values as the dense joined matrix, a fraction of the memory.

A small deterministic stand-in replaces the model embedder (no model is loaded); texts are
invented.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from crosscheck.link import claim_vectors as module
from crosscheck.link.claim_vectors import LEXICAL, ClaimVectors, claim_vectors
from crosscheck.link.claims import align_claims, claim_facts

TEXTS = [
    "Ferry crews in the western port stopped work on Tuesday over cancelled overtime.",
    "Ferry crews at the western port stopped work on Tuesday over overtime that was cancelled.",
    "The port authority said twelve ferries stayed moored until the evening tide.",
    "A fish market by the old pier opened two hours late.",
    "Twelve ferries stayed moored until the evening, the port authority said.",
]


class _LetterEmbedder:
    """Eight dimensions from letter counts: deterministic, unit rows, float32 like a model."""

    name = "letters"

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = np.array([[t.lower().count(c) + 1 for c in "aeiourst"] for t in texts], np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture
def letters(monkeypatch):
    monkeypatch.setattr(module, "get_embedder", lambda name: _LetterEmbedder())


def _dense_reference(texts: list[str]) -> np.ndarray:
    """The joined matrix as it was built before: embedder and hashing rows side by side / √2."""
    joined = np.hstack([_LetterEmbedder().encode(texts), LEXICAL.encode(texts)])
    return (joined / np.sqrt(2.0)).astype(np.float32)


def test_rows_hold_exactly_the_dense_values(letters, monkeypatch):
    monkeypatch.setattr(module, "_ENCODE_BLOCK", 2)  # several hashing blocks and divisions
    vectors = claim_vectors(TEXTS, embedder="letters", ids=list("abcde"))
    reference = _dense_reference(TEXTS)
    assert np.array_equal(vectors.rows(range(len(TEXTS))), reference)
    assert np.array_equal(vectors["c"], reference[2])
    assert vectors.rows([4, 0]).dtype == np.float32
    assert np.array_equal(vectors.rows([4, 0]), reference[[4, 0]])
    assert vectors.similarity("a", "b") == float(reference[0] @ reference[1])


def test_lexical_part_is_sparse_and_far_smaller_than_dense(letters):
    vectors = claim_vectors(TEXTS, embedder="letters")
    assert sparse.issparse(vectors.lexical) and vectors.lexical.shape == (5, LEXICAL.dims)
    assert vectors.dense.shape == (5, 8)
    stored = vectors.lexical.data.nbytes + vectors.lexical.indices.nbytes
    assert stored * 10 < len(TEXTS) * LEXICAL.dims * 4
    assert list(vectors) == ["0", "1", "2", "3", "4"] and len(vectors) == 5 and "4" in vectors


def test_hashing_embedder_alone_is_the_undivided_lexical_row():
    vectors = claim_vectors(TEXTS[:2], embedder="hashing", ids=["x", "y"])
    assert vectors.dense.shape == (2, 0)
    assert np.array_equal(vectors["y"], LEXICAL.encode(TEXTS[:2])[1])


def test_no_texts_give_empty_vectors():
    vectors = claim_vectors([], embedder="hashing")
    assert len(vectors) == 0 and vectors.rows([]).shape == (0, LEXICAL.dims)


def test_mismatched_rows_are_refused():
    with pytest.raises(ValueError, match="3 ids got 2 dense"):
        ClaimVectors(["a", "b", "c"], np.zeros((2, 4), np.float32),
                     sparse.csr_matrix((3, 4), dtype=np.float32))


def test_plain_row_mapping_and_sparse_vectors_group_alike(letters):
    from crosscheck.records import Claim, content_id

    claims = []
    for article, picks in (("p1", (0, 2, 3)), ("p2", (1, 4)), ("p3", (4, 0))):
        start = 0
        for sentence, pick in enumerate(picks):
            text = TEXTS[pick]
            claims.append(Claim(content_id(article, start), article, start, start + len(text),
                                text, None, None, None, None, False, None, (), (), (), 0.9,
                                sentence))
            start += len(text) + 1
    facts = claim_facts(claims, story_of={a: "harbour" for a in ("p1", "p2", "p3")},
                        quantities={}, times={}, quotes=[], mentions=[], entity_keys=[])
    vectors = module.claim_vectors([f.claim.text for f in facts], embedder="letters",
                                   ids=[f.claim.id for f in facts])
    as_dict = {claim: np.array(vectors[claim]) for claim in vectors}
    grouped = align_claims(facts, embedder="letters", threshold=0.5, vectors=vectors)
    assert grouped == align_claims(facts, embedder="letters", threshold=0.5, vectors=as_dict)
    assert len(grouped) >= 2  # the stoppage and the moored ferries, each across articles


def test_a_block_of_similarities_is_the_product_of_the_dense_rows(letters):
    vectors = claim_vectors(TEXTS, embedder="letters")
    first, second = [4, 0, 2], [1, 3, 0, 4]
    block = vectors.similarities(first, second)
    assert block.dtype == np.float32 and block.shape == (3, 4)
    assert np.allclose(block, vectors.rows(first) @ vectors.rows(second).T, atol=1e-6)
    assert block[1, 0] > 0.9 and np.isclose(block[0, 3], 1.0, atol=1e-6)  # near rewording; itself
    lexical_only = claim_vectors(TEXTS, embedder="hashing")
    assert np.allclose(lexical_only.similarities(first, second),
                       lexical_only.rows(first) @ lexical_only.rows(second).T, atol=1e-6)
