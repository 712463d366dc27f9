"""The pipeline end to end on corpora written here: resume after SIGKILL, idempotent re-runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import write_corpus

from crosscheck.engine.local import LocalEngine
from crosscheck.pipeline import run
from crosscheck.records import Article, Draft, Rejected
from crosscheck.report.json import build_analysis
from crosscheck.settings import Settings
from crosscheck.store import Store


def _analyze(args: list[str], **kwargs) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "crosscheck", "analyze", *args]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def _tables(db: Path) -> dict[str, list[tuple]]:
    with Store(db, read_only=True) as store:
        return {t: store.con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
                for t in store.table_names()}


def test_rerun_changes_nothing(small_corpus, tmp_path):
    settings = Settings(workers=1)
    with Store(tmp_path / "s.duckdb") as store:
        first = run([str(small_corpus)], store=store, settings=settings, engine=LocalEngine(workers=1))
        before = build_analysis(store)
        second = run([str(small_corpus)], store=store, settings=settings, engine=LocalEngine(workers=1))
        assert build_analysis(store) == before
    assert first.documents_skipped == 0 and first.articles == 6
    assert second.documents_skipped == 6 and second.articles == 6


def test_a_store_enriched_under_other_rules_is_enriched_again(small_corpus, tmp_path):
    from crosscheck.records import ENRICH_SCHEME, Sentence

    settings, engine = Settings(workers=1), LocalEngine(workers=1)
    with Store(tmp_path / "fresh.duckdb") as store:
        run([str(small_corpus)], store=store, settings=settings, engine=engine)
        fresh, sentences = build_analysis(store), store.count(Sentence)
    with Store(tmp_path / "old.duckdb") as store:
        run([str(small_corpus)], store=store, settings=settings, engine=engine)
        # what an older version left: other records (here, none of its sentences), its scheme
        store.con.execute("DELETE FROM sentences")
        store.set_marker("enrich-scheme", "older")
        noted: list[tuple[str, int]] = []
        run([str(small_corpus)], store=store, settings=settings, engine=engine,
            progress=lambda stage, n: noted.append((stage, n)))
        assert sum(n for stage, n in noted if stage == "enrich") == store.count(Article)
        assert {"link", "assess"} <= {stage for stage, _ in noted}  # built again on the new records
        assert store.count(Sentence) == sentences > 0
        assert store.marker("enrich-scheme") == ENRICH_SCHEME
        assert build_analysis(store) == fresh


def test_bad_inputs_are_rejected_and_the_run_goes_on(small_corpus, tmp_path):
    (small_corpus / "empty.txt").write_text("")
    (small_corpus / "short.txt").write_text("Too short to be an article.")
    with Store(":memory:") as store:
        summary = run([str(small_corpus), str(tmp_path / "missing.txt")], store=store,
                      settings=Settings(workers=1), engine=LocalEngine(workers=1))
        reasons = {Path(r.source).name: (r.stage, r.reason) for r in store.iter_records(Rejected)}
    assert summary.articles == 6
    assert set(reasons) == {"empty.txt", "short.txt", "missing.txt"}
    assert reasons["short.txt"][0] == "clean"
    assert "no article body" in reasons["short.txt"][1]


def test_sigkill_then_resume_equals_uninterrupted_run(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 60)
    common = ["--workers", "1", "--batch-size", "2", "--quiet"]

    whole = tmp_path / "whole"
    done = _analyze([str(corpus), "--out", str(whole), *common])
    assert done.wait(timeout=600) == 0, done.stderr.read().decode()

    broken = tmp_path / "broken"
    proc = _analyze([str(corpus), "--out", str(broken), *common])
    wal = broken / "crosscheck.duckdb.wal"
    deadline = time.monotonic() + 300
    # Setting up the tables alone writes about 8 kB of log; wait for articles to be written.
    while time.monotonic() < deadline and not (wal.exists() and wal.stat().st_size > 100_000):
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (broken / "analysis.json").exists()
    with Store(broken / "crosscheck.duckdb", read_only=True) as store:
        cleaned, enriched = store.count(Draft), len(store.done_items("enrich"))
    assert cleaned < 60 or enriched < 60, "the run finished before it was killed"

    resumed = _analyze([str(corpus), "--out", str(broken), *common])
    assert resumed.wait(timeout=600) == 0, resumed.stderr.read().decode()
    assert (broken / "analysis.json").read_bytes() == (whole / "analysis.json").read_bytes()
    assert _tables(broken / "crosscheck.duckdb") == _tables(whole / "crosscheck.duckdb")
    assert len(json.loads((whole / "analysis.json").read_text())["articles"]) == 60


def test_until_stops_after_the_named_stage(small_corpus):
    with Store(":memory:") as store:
        run([str(small_corpus)], store=store, settings=Settings(workers=1),
            engine=LocalEngine(workers=1), until="boilerplate")
        assert store.count(Article) == 6
        assert store.done_items("enrich") == set()


def test_the_first_batches_are_cleaned_here_and_the_rest_on_the_engine():
    from crosscheck.pipeline import _SMALL_BATCHES, _small_here

    class Counting:
        def __init__(self):
            self.given = []

        def map_batches(self, fn, batches):
            for batch in batches:
                self.given.append(batch)
                yield fn(batch)

    def double(batch):
        return [2 * x for x in batch]

    engine = Counting()
    few = [[k] for k in range(_SMALL_BATCHES)]
    assert list(_small_here(engine, double, iter(few))) == [[2 * k] for k in range(_SMALL_BATCHES)]
    assert engine.given == []
    many = [[k, k] for k in range(_SMALL_BATCHES + 3)]
    assert list(_small_here(engine, double, iter(many))) == [[2 * k, 2 * k] for k in range(_SMALL_BATCHES + 3)]
    assert engine.given == many[_SMALL_BATCHES:]  # the first ones done here, in order

    def interrupted():  # a stream that stops: what came first is given before it does
        yield [1]
        raise KeyboardInterrupt

    results = _small_here(Counting(), double, interrupted())
    assert next(results) == [2]
