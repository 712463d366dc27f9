import json

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings, strategies as st

from crosscheck.errors import StoreError
from crosscheck.records import Article, Rejected, Removal, Sentence, content_id
from crosscheck.store import ArticleRecords, Store, export


def _article(i: int, outlet: str | None = "example.org") -> Article:
    return Article(id=f"a{i}", source=f"in/{i}.txt", url=None, outlet=outlet, outlet_from="input",
                   title=f"T{i}", published="2024-01-0%d" % (i % 9 + 1), published_from="input",
                   language="en", text=f"body {i}")


def test_write_ignores_ids_already_stored():
    store = Store(":memory:")
    store.write([_article(1), _article(1), _article(2)])
    store.write([_article(1)])
    assert store.count(Article) == 2
    assert [a.id for a in store.iter_records(Article)] == ["a1", "a2"]


def test_round_trip_keeps_every_field():
    store = Store(":memory:")
    article = _article(3, outlet=None)
    store.write([article])
    assert list(store.iter_records(Article)) == [article]


@given(st.lists(st.tuples(st.text(max_size=30), st.text(max_size=30)), max_size=20))
@settings(max_examples=30, deadline=None)
def test_rejected_round_trip_is_exact(pairs):
    store = Store(":memory:")
    records = [Rejected(content_id(s, r), s, "ingest", r) for s, r in pairs]
    store.write(records)
    store.write(records)
    expected = sorted({r.id: r for r in records}.values(), key=lambda r: r.id)
    assert list(store.iter_records(Rejected)) == expected


def test_transaction_rolls_back_on_error():
    store = Store(":memory:")
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.write([_article(1)])
            raise RuntimeError("interrupted")
    assert store.count(Article) == 0


def test_markers():
    store = Store(":memory:")
    assert store.marker("boilerplate") is None
    store.set_marker("boilerplate", "abc")
    store.set_marker("boilerplate", "def")
    assert store.marker("boilerplate") == "def"


def test_export_puts_outlet_in_every_row(tmp_path):
    store = Store(tmp_path / "s.duckdb")
    store.write([_article(1), Removal("r1", "a1", "document", 0, "728 x 90", "ad-size")])
    export(store, tmp_path / "out", fmt="parquet")
    removals = pq.read_table(tmp_path / "out" / "removals.parquet").to_pylist()
    assert removals == [{"id": "r1", "article": "a1", "stage": "document", "position": 0,
                         "text": "728 x 90", "reason": "ad-size", "outlet": "example.org"}]
    export(store, tmp_path / "json", fmt="json")
    rows = json.loads((tmp_path / "json" / "articles.json").read_text())
    assert rows[0]["outlet"] == "example.org"
    export(store, tmp_path / "csv", fmt="csv")
    assert (tmp_path / "csv" / "rejected.csv").read_text().splitlines()[0] == "id,source,stage,reason,outlet"


def test_export_rejects_unknown_format(tmp_path):
    with pytest.raises(StoreError, match="unknown export format 'xml': choose one of json, parquet, csv"):
        export(Store(":memory:"), tmp_path, fmt="xml")


def test_unopenable_store_names_the_file(tmp_path):
    bad = tmp_path / "not-a-db.duckdb"
    bad.write_bytes(b"this is not a duckdb file" * 100)
    with pytest.raises(StoreError, match="cannot open store .*not-a-db.duckdb"):
        Store(bad)


def test_queries_leave_no_open_result_behind():
    """DuckDB refuses work on a connection holding a partly read result; none may be left."""
    store = Store(":memory:")
    store.write([_article(1)])
    store.count(Article)
    store.marker("boilerplate")
    store.row("SELECT count(*) FROM articles")
    store.write([_article(2)])
    assert store.count(Article) == 2


def _sentence(article: str, index: int) -> Sentence:
    return Sentence(content_id(article, index), article, index, index * 10, index * 10 + 9)


def _sentence_store() -> Store:
    store = Store(":memory:")
    store.write([_sentence(a, i) for a in ("a1", "a3", "a4") for i in (2, 0, 1)])
    return store


def test_records_of_articles_reads_only_the_asked_articles_in_order():
    found = _sentence_store().records_of_articles(Sentence, ["a4", "a1", "a9"],
                                                  order_by='article, "index"')
    assert sorted(found) == ["a1", "a4"]
    assert [s.index for s in found["a4"]] == [0, 1, 2]
    assert _sentence_store().records_of_articles(Sentence, []) == {}


def test_article_records_serves_ascending_lookups_from_one_stream():
    store = _sentence_store()
    view = ArticleRecords(store, Sentence, order_by='"index"')
    assert [s.index for s in view["a1"]] == [0, 1, 2]
    assert view.get("a2", ()) == ()  # no sentences: the default, and the stream goes on
    assert [s.article for s in view["a3"]] == ["a3"] * 3
    assert [s.index for s in view["a1"]] == [0, 1, 2]  # an earlier id: asked for alone
    assert view.get("a0") is None
    assert [s.index for s in view["a4"]] == [0, 1, 2]
    assert list(view) == ["a1", "a3", "a4"] and len(view) == 3


def test_replace_leaves_exactly_the_given_records_and_rewrites_only_what_differs(tmp_path):
    from dataclasses import replace

    from crosscheck.records import Story

    stories = [Story(f"s{i}", f"Harrow story {i}", "2026-01-0{}".format(i + 1), None) for i in range(6)]
    with Store(tmp_path / "s.duckdb") as store:
        store.write(stories)
        rowids = dict(store.con.execute("SELECT id, rowid FROM stories").fetchall())
        wanted = [replace(stories[0], title="Dessen story 0"), *stories[1:4],
                  Story("s9", "Solvik story", None, "2026-02-01"),
                  Story("s9", "a second s9 is ignored", None, None)]
        with store.transaction():
            store.replace(Story, wanted)
        assert list(store.iter_records(Story)) == wanted[:5]
        # rows that did not change were left where they were
        kept = dict(store.con.execute("SELECT id, rowid FROM stories").fetchall())
        assert all(kept[i] == rowids[i] for i in ("s1", "s2", "s3"))
        with store.transaction():
            store.replace(Story, [])
        assert store.count(Story) == 0


def test_replacing_stages_batches_and_rewrites_only_the_rows_of_its_scope(tmp_path):
    from crosscheck.records import Removal

    def removal(i: int, stage: str, text: str = "Korvask chrome") -> Removal:
        return Removal(f"{stage}{i}", f"a{i}", stage, 0, text, "crumb")

    stored = [removal(i, "document") for i in range(3)] + [removal(i, "boilerplate") for i in range(4)]
    with Store(tmp_path / "s.duckdb") as store:
        store.write(stored)
        rowids = dict(store.con.execute("SELECT id, rowid FROM removals").fetchall())
        with store.transaction(), store.replacing({Removal: "stage = 'boilerplate'"}) as stage:
            stage([removal(0, "boilerplate"), removal(1, "boilerplate", "Dorran footer")])
            stage([removal(2, "boilerplate"), removal(7, "boilerplate"), removal(0, "boilerplate")])
        rows = {r.id: r.text for r in store.iter_records(Removal)}
        assert rows == {"document0": "Korvask chrome", "document1": "Korvask chrome", "document2": "Korvask chrome",
                        "boilerplate0": "Korvask chrome", "boilerplate1": "Dorran footer",
                        "boilerplate2": "Korvask chrome", "boilerplate7": "Korvask chrome"}
        kept = dict(store.con.execute("SELECT id, rowid FROM removals").fetchall())
        assert all(kept[i] == rowids[i] for i in ("document0", "document1", "document2", "boilerplate0", "boilerplate2"))
        # a failure inside leaves the table as it was and no staging table behind
        with pytest.raises(RuntimeError), store.replacing({Removal: "true"}) as stage:
            stage([removal(5, "document")])
            raise RuntimeError("stop")
        assert {r.id for r in store.iter_records(Removal)} == set(rows)
        assert not store.con.execute("SELECT * FROM duckdb_tables() WHERE table_name LIKE '_wanted%'").fetchall()
