"""MinHash signatures and LSH near-duplicate pairs, on small texts written for these tests."""

from __future__ import annotations


import numpy as np
import pytest
from conftest import bench_module
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck.link.minhash import (
    LSHIndex,
    MinHasher,
    band_parameters,
    near_duplicate_pairs,
    words,
)

HARBOUR = ("The town council of Eastmere voted on Thursday evening to close the old harbour "
           "bridge for repairs after engineers found cracks in two of its stone arches, and "
           "ferries will carry cars across the estuary until the work ends in the autumn.")
HARBOUR_EDITED = HARBOUR.replace("Thursday", "Friday").replace("autumn", "spring")
ORCHARD = ("Growers in the southern valley expect a smaller apple harvest this year because a "
           "late frost in April damaged blossom on many farms, and prices at the regional "
           "market have already started to rise ahead of the picking season.")
HARBOUR_FR = ("Le conseil municipal d'Eastmere a voté jeudi soir la fermeture du vieux pont du "
              "port pour des réparations après que des ingénieurs ont trouvé des fissures dans "
              "deux de ses arches en pierre.")
HARBOUR_FR_EDITED = HARBOUR_FR.replace("jeudi", "vendredi")


def test_words_case_fold_and_split_chinese_characters():
    assert words("Bridge CLOSED, ferries run!") == ["bridge", "closed", "ferries", "run"]
    assert words("港口大桥 closed") == ["港", "口", "大", "桥", "closed"]


def test_signature_is_deterministic_and_seeded():
    first = MinHasher(seed=7).signature(HARBOUR)
    assert first.dtype == np.uint32 and first.shape == (128,)
    assert np.array_equal(first, MinHasher(seed=7).signature(HARBOUR))
    assert not np.array_equal(first, MinHasher(seed=8).signature(HARBOUR))


def test_signatures_match_one_at_a_time():
    hasher = MinHasher(num_perm=64)
    batch = hasher.signatures([HARBOUR, "", ORCHARD, "two words"])
    assert np.array_equal(batch[0], hasher.signature(HARBOUR))
    assert np.array_equal(batch[2], hasher.signature(ORCHARD))
    assert np.array_equal(batch[3], hasher.signature("Two words"))
    assert hasher.signature("  ,;  ").shape == (0,)


def test_estimate_is_close_to_exact_jaccard():
    hasher = MinHasher(num_perm=256)
    a, b = hasher.signature(HARBOUR), hasher.signature(HARBOUR_EDITED)
    # 38 shingles each; "Thursday" sits in 5 of them, "autumn" (last word) in 1: 32 / 44.
    assert abs(float((a == b).mean()) - 32 / 44) < 0.08


def test_band_parameters_fit_num_perm():
    assert band_parameters(0.5, 128) == (25, 5)
    assert band_parameters(0.8, 128) == (9, 13)
    with pytest.raises(ValueError, match="threshold must be in"):
        band_parameters(0.0, 128)


def test_lsh_index_finds_edited_copy_only():
    hasher, index = MinHasher(), LSHIndex(threshold=0.5)
    index.insert("harbour", hasher.signature(HARBOUR))
    index.insert("orchard", hasher.signature(ORCHARD))
    assert index.candidates(hasher.signature(HARBOUR_EDITED)) == {"harbour"}
    with pytest.raises(ValueError, match="already in the index"):
        index.insert("harbour", hasher.signature(HARBOUR))
    with pytest.raises(ValueError, match="expects \\(128,\\)"):
        index.candidates(MinHasher(num_perm=64).signature(HARBOUR))


def test_pairs_identical_edited_empty_and_unrelated():
    items = [("b", HARBOUR), ("a", HARBOUR_EDITED), ("c", HARBOUR), ("d", ""), ("e", ORCHARD),
             ("f", "   ")]
    pairs = near_duplicate_pairs(items)
    assert [(a, b) for a, b, _ in pairs] == [("a", "b"), ("a", "c"), ("b", "c")]
    assert pairs[2][2] == 1.0 and 0.6 < pairs[0][2] < 0.85


def test_two_languages_pair_within_each_not_across():
    items = [("en1", HARBOUR), ("en2", HARBOUR_EDITED), ("fr1", HARBOUR_FR),
             ("fr2", HARBOUR_FR_EDITED)]
    assert [(a, b) for a, b, _ in near_duplicate_pairs(items)] == [("en1", "en2"), ("fr1", "fr2")]


def test_fifty_copies_pair_among_themselves():
    copies = [(f"copy{n:02d}", HARBOUR) for n in range(50)]
    others = [(f"other{n}", f"{ORCHARD} Report number {n} of the season.") for n in range(3)]
    pairs = near_duplicate_pairs(copies + others)
    copy_pairs = [p for p in pairs if p[0].startswith("copy")]
    assert len(copy_pairs) == 50 * 49 // 2
    assert all(p[1].startswith("copy") and p[2] == 1.0 for p in copy_pairs)


def test_verify_false_keeps_unverified_candidates():
    items = [("a", HARBOUR), ("b", HARBOUR_EDITED)]
    assert near_duplicate_pairs(items, threshold=0.9) == []
    loose = near_duplicate_pairs(items, threshold=0.9, verify=False, num_perm=128)
    assert all(estimate < 0.9 for _, _, estimate in loose)


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="id 'a' occurs twice"):
        near_duplicate_pairs([("a", HARBOUR), ("a", ORCHARD)])


def test_small_buckets_are_split_not_lost_for_copies():
    items = [(f"t{n}", HARBOUR) for n in range(5)] + [("u", HARBOUR_EDITED)]
    assert len(near_duplicate_pairs(items, max_bucket=2)) == 15


_text = st.lists(st.sampled_from("river bridge council ferry stone arch town vote".split()),
                 min_size=0, max_size=30).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(_text, min_size=1, max_size=8), st.integers(0, 7))
def test_pairs_are_ordered_deterministic_and_copies_always_pair(texts, copied):
    items = [(f"id{n}", t) for n, t in enumerate(texts)]
    source = texts[copied % len(texts)]
    items.append(("zcopy", source))
    pairs = near_duplicate_pairs(items, num_perm=32)
    assert pairs == near_duplicate_pairs(list(reversed(items)), num_perm=32)
    assert pairs == sorted(pairs) and all(a < b for a, b, _ in pairs)
    assert all(0.0 <= e <= 1.0 for _, _, e in pairs)
    if words(source):
        assert (f"id{copied % len(texts)}", "zcopy", 1.0) in pairs
    assert not any("" == texts[int(a[2:])] for a, _, _ in pairs if a.startswith("id"))


@pytest.fixture(scope="module")
def neardup_bench():
    """bench/neardup.py: its shingles and datasketch pairs are the anchor the benchmark reports."""
    pytest.importorskip("datasketch")
    with bench_module("neardup.py", "neardup_bench") as module:
        yield module


def _variants(seed: int) -> list[tuple[str, str]]:
    """The fixtures, copies with a few words swapped at random positions, and one exact copy."""
    rng = np.random.default_rng(seed)
    base = [HARBOUR, ORCHARD, HARBOUR_FR, "Two words", "港口大桥 closed 今天", "Één café, naïve façade!"]
    items = [(f"base{n}", t) for n, t in enumerate(base)]
    for n in range(14):
        tokens = base[n % 3].split()
        for position in rng.choice(len(tokens), size=int(rng.integers(1, 6)), replace=False):
            tokens[position] = ["gate", "quay", "ferry", "vault"][int(rng.integers(4))]
        items.append((f"edit{n:02d}", " ".join(tokens)))
    return items + [("copy", HARBOUR)]


@pytest.mark.parametrize("seed", [1, 7])
def test_signatures_equal_datasketch_minhash(neardup_bench, seed):
    from datasketch import MinHash

    hasher = MinHasher(num_perm=64, seed=seed)
    for key, text in _variants(seed):
        theirs = MinHash(num_perm=64, seed=seed)
        theirs.update_batch([s.encode("utf-8") for s in neardup_bench.shingle_set(text)])
        assert np.array_equal(hasher.signature(text), theirs.hashvalues), key


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_pairs_equal_datasketch_lsh(neardup_bench, threshold):
    items = _variants(3)
    theirs = neardup_bench.datasketch_pairs(items, threshold=threshold, num_perm=128)
    ours = [(a, b) for a, b, _ in near_duplicate_pairs(items, threshold=threshold)]
    assert ours == theirs and len(ours) >= 1 + 3 * (threshold < 0.8)
