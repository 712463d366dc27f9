"""Parquet shards: records written by the tasks and loaded by the driver land as the records
themselves would (the example corpus, written by the team)."""

from __future__ import annotations

import json

import pytest

from crosscheck.engine import make_engine
from crosscheck.errors import StoreError
from crosscheck.pipeline import run
from crosscheck.records import Quantity
from crosscheck.report.json import build_analysis
from crosscheck.settings import Settings
from crosscheck.shards import Shard, Shards, shard_folder, write_shards
from crosscheck.store import STORED_TYPES, Store

from conftest import EXAMPLES


def _run(tmp_path, name: str, **changes) -> tuple[str, dict[str, int]]:
    settings = Settings(workers=1).with_(**changes)
    engine = make_engine("local", settings=settings)
    try:
        with Store(tmp_path / f"{name}.duckdb") as store:
            run([str(EXAMPLES / "corpus")], store=store, settings=settings, engine=engine)
            counts = {table: store.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                      for table in STORED_TYPES}
            analysis = build_analysis(store)
    finally:
        engine.close()
    for row in analysis["articles"]:
        row.pop("source")
    return json.dumps(analysis, sort_keys=True), counts


def test_the_example_corpus_through_shards_gives_the_same_store_and_analysis(tmp_path):
    folder = tmp_path / "shards"
    plain, plain_counts = _run(tmp_path, "plain")
    sharded, sharded_counts = _run(tmp_path, "sharded", shard_dir=str(folder))
    assert sharded == plain
    assert sharded_counts == plain_counts and plain_counts["event_mentions"] > 0
    assert not list(folder.rglob("*.parquet*")), "loaded shards are removed"


def test_a_shard_holds_the_rows_of_its_records(tmp_path):
    rows = [Quantity(f"q{i}", "a", i, i + 2, str(i), float(i), None, None, False, None,
                     "people", 0) for i in range(3)]
    shards = write_shards(rows + rows[:1], tmp_path)
    assert [(s.table, s.rows) for s in shards.files] == [("quantities", 4)]
    with Store(":memory:") as store:
        assert store.write(shards) == 4
        assert list(store.iter_records(Quantity, order_by="id")) == rows  # one row an id
    assert not list(tmp_path.iterdir())


def test_an_interrupted_runs_shards_are_cleared_and_a_foreign_one_refused(tmp_path):
    folder = shard_folder(tmp_path, "store.duckdb", "enrich")
    (folder / "left-by-a-killed-run.parquet.partial").write_bytes(b"half")
    (folder / "left-by-a-killed-run-quantities.parquet").write_bytes(b"whole")
    assert shard_folder(tmp_path, "store.duckdb", "enrich") == folder
    assert not list(folder.iterdir())
    with Store(":memory:") as store, pytest.raises(StoreError, match="no table"):
        store.write(Shards((Shard("passwords", str(folder / "x.parquet"), 1),)))
