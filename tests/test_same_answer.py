"""Same corpus, same answer, wherever it lies: ids and every output decided without the path.

A provenance graph is evidence, so the same files analysed from another folder, through a
symlink, in another order, with other worker counts or batch sizes, or on Ray, must give the same
``analysis.json`` apart from the ``source`` paths it reports.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings as hypothesis_settings, strategies as st

import crosscheck.ingest as ingest
from crosscheck.cli import cli
from crosscheck.engine import make_engine
from crosscheck.ingest import iter_documents
from crosscheck.ingest.common import ID_SCHEME, record_key
from crosscheck.pipeline import run
from crosscheck.records import Article, Draft, RawDocument, Rejected
from crosscheck.report.json import build_analysis
from crosscheck.settings import Settings
from crosscheck.store import Store

from conftest import EXAMPLES, synthetic_article


def _without_sources(analysis: dict) -> str:
    """The analysis as JSON text with the paths it reports taken out."""
    analysis = json.loads(json.dumps(analysis))
    for row in analysis["articles"] + analysis["rejected"]:
        row.pop("source")
    return json.dumps(analysis, sort_keys=True)


def _analysis(inputs: list[str], *, workers: int = 1, batch_size: int = 64, engine: str = "local") -> dict:
    settings = Settings(workers=workers, batch_size=batch_size)
    runner = make_engine(engine, settings=settings)
    try:
        with Store(":memory:") as store:
            run(inputs, store=store, settings=settings, engine=runner)
            return build_analysis(store)
    finally:
        runner.close()


def _ids(inputs: list[str]) -> dict[str, str]:
    return {r.source: r.id for r in iter_documents(inputs, settings=Settings())
            if isinstance(r, RawDocument)}


# --- ids ------------------------------------------------------------------------------------


def test_a_folder_gives_the_same_ids_from_anywhere(tmp_path):
    here = tmp_path / "one" / "corpus"
    there = tmp_path / "two" / "deeper" / "renamed"
    shutil.copytree(EXAMPLES / "corpus", here)
    shutil.copytree(EXAMPLES / "corpus", there)
    link = tmp_path / "link"
    os.symlink(here, link)
    ids = [sorted(_ids([str(folder)]).values()) for folder in (here, there, link)]
    assert len(ids[0]) == 13
    assert ids[0] == ids[1] == ids[2]
    # the folder given with a trailing slash or relative to the working directory: same ids
    assert sorted(_ids([str(here) + "/"]).values()) == ids[0]
    assert sorted(_ids([os.path.relpath(there)]).values()) == ids[0]


def test_a_file_is_keyed_by_its_name_and_a_row_by_its_own_id(tmp_path):
    for folder in ("a", "b/c"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "wire.jsonl").write_text(
            json.dumps({"id": "w-1", "text": synthetic_article(1)}) + "\n"
            + json.dumps({"text": synthetic_article(2)}) + "\n", encoding="utf-8")
    first = _ids([str(tmp_path / "a" / "wire.jsonl")])
    second = _ids([str(tmp_path / "b/c" / "wire.jsonl")])
    assert sorted(first.values()) == sorted(second.values())
    assert sorted(first) == [f"{tmp_path}/a/wire.jsonl#2", f"{tmp_path}/a/wire.jsonl#w-1"]


def test_two_identical_texts_in_two_places_keep_distinct_ids(tmp_path):
    folder = tmp_path / "corpus"
    for name in ("first/copy.txt", "second/copy.txt", "copy.txt"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(synthetic_article(7), encoding="utf-8")
    ids = _ids([str(folder)])
    assert len(ids) == 3 and len(set(ids.values())) == 3


def test_record_keys():
    assert record_key("/data/corpus/html/a.html", "/data/corpus/") == "html/a.html"
    assert record_key("/data/wire.jsonl#w-1/x", "/data/") == "wire.jsonl#w-1/x"
    assert record_key("https://example.org/a", "/data/") == "https://example.org/a"
    assert record_key("a.txt", "") == "a.txt"


# --- whole analyses -------------------------------------------------------------------------


def test_example_corpus_gives_one_answer_from_two_folders_and_a_symlink(tmp_path):
    here = tmp_path / "one" / "corpus"
    there = tmp_path / "elsewhere" / "copy"
    shutil.copytree(EXAMPLES / "corpus", here)
    shutil.copytree(EXAMPLES / "corpus", there)
    link = tmp_path / "via-link"
    os.symlink(there, link)
    expected = _without_sources(_analysis([str(here)]))
    assert json.loads(expected)["derivations"], "the example corpus has derivations to compare"
    assert _without_sources(_analysis([str(there)], workers=2, batch_size=3)) == expected
    assert _without_sources(_analysis([str(link)], batch_size=5)) == expected


def test_example_corpus_in_another_input_order_and_on_ray(tmp_path):
    pytest.importorskip("ray")
    corpus = tmp_path / "c"
    shutil.copytree(EXAMPLES / "corpus", corpus)
    expected = _without_sources(_analysis([str(corpus)]))
    # Each sub-folder given as an input of its own keys files by their names alone, so the
    # ids differ from the whole folder's; input order and engine must still change nothing.
    parts = [str(corpus / name) for name in ("feeds", "html", "scraped")]
    one = _without_sources(_analysis(parts))
    assert _without_sources(_analysis(parts[::-1], engine="ray", batch_size=4)) == one
    assert len(json.loads(one)["articles"]) == len(json.loads(expected)["articles"]) == 13


@hypothesis_settings(max_examples=4, deadline=None, phases=(Phase.explicit, Phase.generate),
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(6)), batch_size=st.integers(min_value=1, max_value=7))
def test_shuffled_inputs_with_duplicates_give_one_answer(tmp_path_factory, order, batch_size):
    """Files given in any order, duplicates among them (the same text under other names, as
    wire copies are), give the same analysis as the sorted order."""
    folder = tmp_path_factory.mktemp("shuffled")
    texts = [synthetic_article(i) for i in (1, 2, 3)] + [synthetic_article(1)] * 2 + [synthetic_article(2)]
    paths = []
    for i, text in enumerate(texts):
        path = folder / f"part-{i}" / f"story-{i}.txt"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    global _SORTED_ANSWER
    if _SORTED_ANSWER is None:
        _SORTED_ANSWER = _without_sources(_analysis(paths))
    assert _without_sources(_analysis([paths[i] for i in order], batch_size=batch_size)) == _SORTED_ANSWER


_SORTED_ANSWER: str | None = None


# --- stores from before ---------------------------------------------------------------------


def test_a_store_with_path_dependent_ids_opens_and_says_its_ids_changed(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES / "corpus", corpus)
    db = tmp_path / "old.duckdb"
    # The earlier scheme: ids hashed the whole source path; no id scheme in the store.
    monkeypatch.setattr(ingest, "located", lambda records, prefix: records)
    with Store(db) as store:
        settings = Settings(workers=1)
        run([str(corpus)], store=store, settings=settings, engine=make_engine("local", settings=settings),
            until="clean")
        store.con.execute("DELETE FROM markers WHERE stage = 'ids'")
        old = store.ids(Draft)
    monkeypatch.undo()

    result = CliRunner().invoke(cli, ["analyze", str(corpus), "--db", str(db), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert "13 document(s) read again now have ids that do not" in result.output
    assert f"{db} was written by an earlier crosscheck" in result.output
    with Store(db) as store:
        assert store.marker("ids") == ID_SCHEME
        assert store.count(Article) == 13
        assert not old & store.ids(Article)
        rejected = [(r.source, r.stage, r.reason) for r in store.iter_records(Rejected)]
        assert len(rejected) == len(set(rejected))

    again = CliRunner().invoke(cli, ["analyze", str(corpus), "--db", str(db), "--out", str(tmp_path / "out"), "-q"])
    assert again.exit_code == 0 and "earlier crosscheck" not in again.output
    fresh = _analysis([str(corpus)])
    stored = json.loads((tmp_path / "out" / "analysis.json").read_text(encoding="utf-8"))
    assert _without_sources(stored) == _without_sources(fresh)
