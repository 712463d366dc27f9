"""One store, one writer: a second writer is told which lock stops it; a refused write (a full
disk, a file size limit) ends the run with a clear error and the store as it was before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from crosscheck.cli import cli
from crosscheck.errors import StoreError
from crosscheck.records import Article, Rejected
from crosscheck.store import Store

REPO = Path(__file__).resolve().parents[1]
HOLD = """
import sys
from crosscheck.store import Store
store = Store(sys.argv[1])
print("ready", flush=True)
sys.stdin.read()
"""


def _article(i: int) -> Article:
    return Article(id=f"a{i}", source=f"in/{i}.txt", url=None, outlet="example.org",
                   outlet_from="input", title=f"T{i}", published="2024-01-01",
                   published_from="input", language="en", text=f"body {i}")


@pytest.fixture
def held_store(tmp_path):
    path = tmp_path / "store.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert holder.stdout.readline().strip() == "ready"
    yield path
    holder.stdin.close()
    holder.wait(timeout=30)


def test_a_second_writer_gets_an_error_naming_the_lock(held_store):
    with pytest.raises(StoreError) as caught:
        Store(held_store)
    message = str(caught.value)
    assert message.startswith(f"store {held_store} is locked by another process (DuckDB's lock on the file: ")
    assert message.endswith("One store takes one writer at a time: wait for the other crosscheck "
                            "run (or serve) to finish, or give this run its own --db")


def test_analyze_on_a_store_in_use_exits_with_that_error(held_store, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Harbour officials said the ferry service resumed on Tuesday after a strike. " * 3)
    result = CliRunner().invoke(cli, ["analyze", str(page), "--db", str(held_store), "--out",
                                      str(tmp_path / "out"), "--workers", "1", "-q"])
    assert result.exit_code == 1
    assert f"Error: store {held_store} is locked by another process" in result.output
    assert "Traceback" not in result.output


def test_a_refused_write_keeps_the_store_as_before_the_batch(tmp_path, monkeypatch):
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        with store.transaction():
            store.write([_article(1), _article(2)])
        real = Store._insert

        def full_disk(self, record_type, rows):
            if record_type is Rejected:
                raise duckdb.IOException("Could not write file: No space left on device")
            real(self, record_type, rows)

        monkeypatch.setattr(Store, "_insert", full_disk)
        with pytest.raises(StoreError) as caught:
            with store.transaction():
                store.write([_article(3), Rejected("r1", "in/9.txt", "clean", "why")])
        assert str(caught.value).startswith(
            f"cannot write to store {path}: Could not write file: No space left on device. "
            "Nothing of the batch being written was kept")
    monkeypatch.undo()
    with Store(path, read_only=True) as store:
        assert [a.id for a in store.iter_records(Article)] == ["a1", "a2"]
        assert store.count(Rejected) == 0


# Python ignores SIGXFSZ, so past RLIMIT_FSIZE a write fails with EFBIG ("File too large"), as
# on a full disk. The language model writes a temporary file as it loads: load it first.
LIMITED_RUN = """
import resource, sys
from crosscheck.clean.metadata import detect_language
from crosscheck.cli import cli
detect_language("Harbour officials said the ferry service resumed.")
limit = int(sys.argv.pop(1))
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
cli(prog_name="crosscheck")
"""


def _words(seed: int, count: int) -> str:
    import random

    rng = random.Random(seed)  # text that does not compress, so the store grows with it
    return " ".join("".join(rng.choice("abcdefghijklmnoprstuvw") for _ in range(rng.randint(2, 9)))
                    + ("." if rng.random() < 0.08 else "") for _ in range(count))


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE stands in for a full disk on Linux")
def test_analyze_that_runs_out_of_space_ends_with_a_clear_error_and_resumes(tmp_path):
    from crosscheck.records import Draft

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(40):
        (corpus / f"{i:02d}.txt").write_text(f"Report {i}. " + _words(i, 5000))
    db = tmp_path / "store.duckdb"
    arguments = ["analyze", str(corpus), "--db", str(db), "--out", str(tmp_path / "out"),
                 "--workers", "1", "--batch-size", "4", "--until", "clean", "-q"]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", LIMITED_RUN, "600000", *arguments],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"Error: cannot write to store {db}: ")
    assert "File too large. Nothing of the batch being written was kept" in done.stderr
    assert "Traceback" not in done.stderr
    with Store(db, read_only=True) as store:  # opens, and holds whole batches only
        kept = store.count(Draft)
        assert 0 < kept < 40 and kept % 4 == 0 and store.count(Rejected) == 0
    done = subprocess.run([sys.executable, "-m", "crosscheck", *arguments], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    with Store(db, read_only=True) as store:
        assert store.count(Draft) == 40
