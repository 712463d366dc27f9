"""LSH banding as a shuffle (link/banding.py): DuckDB and Ray Data find the pairs that the
in-memory banding finds, bucket slices included."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from crosscheck.link.banding import bucket_pairs, duckdb_candidates, grouped_candidates
from crosscheck.link.minhash import _candidate_pairs, pairs_of_signatures


def _signatures(seed: int = 3) -> tuple[list[str], np.ndarray]:
    """Random signatures, near-copies of some (a few values changed) and exact copies."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 2**32, size=(40, 128), dtype=np.uint32)
    rows = [base]
    for edits in (2, 8, 30, 60):
        near = base[:25].copy()
        near[:, rng.integers(0, 128, size=edits)] = rng.integers(0, 2**32, size=edits, dtype=np.uint32)
        rows.append(near)
    rows.append(base[:6])  # exact copies
    matrix = np.concatenate(rows)
    return [f"t{i:03d}" for i in range(len(matrix))], matrix


def _in_python(table: pa.Table, keys: list[str], fn) -> list[pa.Table]:
    """``map_groups`` the plain way: what an engine's shuffle must amount to."""
    columns = table.to_pydict()
    groups: dict[tuple, list[int]] = {}
    for row in range(table.num_rows):
        groups.setdefault(tuple(columns[k][row] for k in keys), []).append(row)
    return [pa.table(fn({name: np.asarray([columns[name][r] for r in rows])
                         for name in table.column_names})) for rows in groups.values()]


@pytest.mark.parametrize("max_bucket", [2, 3, 1000])
@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_duckdb_and_grouped_banding_find_the_in_memory_pairs(threshold, max_bucket):
    ids, matrix = _signatures()
    expected = pairs_of_signatures(ids, matrix, threshold=threshold, max_bucket=max_bucket)
    assert expected
    with duckdb.connect() as con:
        assert pairs_of_signatures(ids, matrix, threshold=threshold, max_bucket=max_bucket,
                                   candidates=duckdb_candidates(con)) == expected
    assert pairs_of_signatures(ids, matrix, threshold=threshold, max_bucket=max_bucket,
                               candidates=grouped_candidates(_in_python)) == expected


def test_a_large_bucket_is_cut_into_slices_in_rank_order():
    keys = np.zeros((7, 2), dtype=np.uint64)  # seven signatures in one bucket of each band
    firsts, seconds = _candidate_pairs(keys, max_bucket=3)
    with duckdb.connect() as con:
        found = duckdb_candidates(con)(keys, 3)
    slices = [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)]  # 0-2, 3-5; 6 alone
    assert list(zip(firsts.tolist(), seconds.tolist())) == slices
    assert list(zip(found[0].tolist(), found[1].tolist())) == slices
    pairs = bucket_pairs({"rank": np.array([6, 5, 4, 3, 2, 1, 0])}, max_bucket=3)
    assert list(zip(pairs["first"].tolist(), pairs["second"].tolist())) == slices


def test_no_pairs_when_every_bucket_holds_one_signature():
    keys = np.arange(10, dtype=np.uint64).reshape(5, 2)
    with duckdb.connect() as con:
        firsts, seconds = duckdb_candidates(con)(keys, 1000)
    assert firsts.size == seconds.size == 0
    assert grouped_candidates(_in_python)(keys, 1000)[0].size == 0


def test_max_bucket_below_two_is_refused():
    with duckdb.connect() as con, pytest.raises(ValueError, match="max_bucket must be at least 2, got 1"):
        duckdb_candidates(con)(np.zeros((3, 1), np.uint64), 1)


def test_ray_data_groupby_finds_the_in_memory_pairs():
    pytest.importorskip("ray")
    from crosscheck.engine.ray import RayEngine

    ids, matrix = _signatures(seed=5)
    expected = pairs_of_signatures(ids, matrix, threshold=0.5, max_bucket=3)
    engine = RayEngine(workers=2)
    try:
        found = pairs_of_signatures(ids, matrix, threshold=0.5, max_bucket=3,
                                    candidates=grouped_candidates(engine.map_groups))
    finally:
        engine.close()
    assert found == expected


def test_the_engine_shuffle_is_used_from_its_row_count_on(monkeypatch):
    from crosscheck.link import banding

    calls = []

    def map_groups(table, keys, fn):
        calls.append(table.num_rows)
        return _in_python(table, keys, fn)

    ids, matrix = _signatures()
    expected = pairs_of_signatures(ids, matrix, threshold=0.5)
    with duckdb.connect() as con:
        finder = banding.candidate_finder(type("Engine", (), {"map_groups": staticmethod(map_groups)})(), con)
        assert pairs_of_signatures(ids, matrix, threshold=0.5, candidates=finder) == expected
        assert calls == []  # a few hundred rows: DuckDB
        monkeypatch.setattr(banding, "ENGINE_SHUFFLE_ROWS", 0)
        assert pairs_of_signatures(ids, matrix, threshold=0.5, candidates=finder) == expected
        assert len(calls) == 1
