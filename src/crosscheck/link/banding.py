"""LSH banding as a shuffle: near-duplicate candidates found by grouping band keys.

:func:`.minhash.pairs_of_signatures` cuts each distinct signature into bands and pairs the
signatures that share a band's key. In memory that is one sort of the (signatures x bands) keys
and the pairs of every bucket held at once; here the grouping is a shuffle by ``(band, key)``:

- :func:`duckdb_candidates` (the local engine): a table of ``(band, key, rank)`` in the store's
  DuckDB and a windowed self-join on the key, which DuckDB runs in bounded memory (spilling to
  its temporary directory) however many pairs come out;
- :func:`grouped_candidates` (an engine with ``map_groups``, the Ray engine: Ray Data
  ``groupby(["band", "key"]).map_groups``): each bucket's pairs made by the task holding it,
  used from :data:`ENGINE_SHUFFLE_ROWS` band rows on (below, DuckDB is faster).

Both return exactly the pairs of the in-memory path: a bucket's members in rank order (the
order of the distinct signatures), cut into slices of ``max_bucket``, pairs within a slice, each
pair once, sorted. The signature matrix itself (512 bytes an article) and the verification of
the candidates stay in the driver.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pyarrow as pa

from .minhash import CandidateFinder

__all__ = ["ENGINE_SHUFFLE_ROWS", "duckdb_candidates", "grouped_candidates", "candidate_finder",
           "bucket_pairs"]

# Band rows (distinct signatures x bands) from which an engine's shuffle is used: below it a
# Ray Data shuffle's fixed cost (tens of seconds on a 2-CPU local Ray, bench/conformance.py)
# outweighs the work, which DuckDB does in the driver in well under a second. 2 million rows
# are about 54,000 articles at the default threshold (37 bands).
ENGINE_SHUFFLE_ROWS = 2_000_000

MapGroups = Callable[[pa.Table, list[str], Callable[[dict], dict]], list[pa.Table]]

_PAIRS_SQL = """
WITH bucket AS (
    SELECT band, key, rank,
           (row_number() OVER (PARTITION BY band, key ORDER BY rank) - 1) // ? AS slice
    FROM _lsh_bands
    QUALIFY count(*) OVER (PARTITION BY band, key) > 1)
SELECT DISTINCT a.rank AS first, b.rank AS second
FROM bucket a JOIN bucket b
  ON a.band = b.band AND a.key = b.key AND a.slice = b.slice AND a.rank < b.rank
ORDER BY first, second
"""


def _band_table(band_keys: np.ndarray) -> pa.Table:
    """One row per (distinct signature, band): ``rank`` is the signature's row."""
    count, bands = band_keys.shape
    return pa.table({"band": np.tile(np.arange(bands, dtype=np.int32), count),
                     "key": band_keys.reshape(-1).astype(np.uint64),
                     "rank": np.repeat(np.arange(count, dtype=np.int64), bands)})


def _checked(max_bucket: int) -> int:
    if max_bucket < 2:
        raise ValueError(f"max_bucket must be at least 2, got {max_bucket}")
    return max_bucket


def duckdb_candidates(con) -> CandidateFinder:
    """Candidates grouped inside DuckDB, on the connection ``con`` (the store's)."""

    def find(band_keys: np.ndarray, max_bucket: int) -> tuple[np.ndarray, np.ndarray]:
        con.register("_lsh_band_rows", _band_table(band_keys))
        try:
            con.execute("CREATE OR REPLACE TEMP TABLE _lsh_bands AS SELECT * FROM _lsh_band_rows")
        finally:
            con.unregister("_lsh_band_rows")
        try:
            found = con.execute(_PAIRS_SQL, [_checked(max_bucket)]).fetchnumpy()
        finally:
            con.execute("DROP TABLE IF EXISTS _lsh_bands")
        return (np.asarray(found["first"], dtype=np.int64),
                np.asarray(found["second"], dtype=np.int64))

    return find


def bucket_pairs(bucket: dict[str, np.ndarray], *, max_bucket: int) -> dict[str, np.ndarray]:
    """The pairs ``first < second`` of one ``(band, key)`` bucket's ranks, slice by slice."""
    ranks = np.sort(np.asarray(bucket["rank"], dtype=np.int64))
    firsts, seconds = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
    for low in range(0, len(ranks), max_bucket):
        members = ranks[low:low + max_bucket]
        left, right = np.triu_indices(len(members), k=1)
        firsts.append(members[left])
        seconds.append(members[right])
    return {"first": np.concatenate(firsts), "second": np.concatenate(seconds)}


def grouped_candidates(map_groups: MapGroups) -> CandidateFinder:
    """Candidates from an engine's ``map_groups(table, keys, fn)`` (a shuffle by key)."""

    def find(band_keys: np.ndarray, max_bucket: int) -> tuple[np.ndarray, np.ndarray]:
        count = band_keys.shape[0]
        pairs = functools.partial(bucket_pairs, max_bucket=_checked(max_bucket))
        parts = map_groups(_band_table(band_keys), ["band", "key"], pairs)
        codes = [np.asarray(part.column("first"), np.int64) * count
                 + np.asarray(part.column("second"), np.int64) for part in parts if part.num_rows]
        joined = np.unique(np.concatenate(codes)) if codes else np.empty(0, np.int64)
        return joined // max(count, 1), joined % max(count, 1)

    return find


def candidate_finder(engine: object, con) -> CandidateFinder:
    """The shuffle of the engine in use: its ``map_groups`` when it has one and the band rows
    reach :data:`ENGINE_SHUFFLE_ROWS`, else DuckDB on ``con``."""
    in_duckdb = duckdb_candidates(con)
    map_groups = getattr(engine, "map_groups", None)
    if map_groups is None:
        return in_duckdb
    on_engine = grouped_candidates(map_groups)

    def find(band_keys: np.ndarray, max_bucket: int) -> tuple[np.ndarray, np.ndarray]:
        shuffle = on_engine if band_keys.size >= ENGINE_SHUFFLE_ROWS else in_duckdb
        return shuffle(band_keys, max_bucket)

    return find
