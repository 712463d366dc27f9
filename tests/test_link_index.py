"""The link driver's article index: hashes equal to those of the records, texts read from the
store in batches, and the same link output whatever the batch (texts invented here)."""

from __future__ import annotations

import shutil

import pytest

from conftest import EXAMPLES

import crosscheck.link.article_index as article_index
from crosscheck.engine.local import LocalEngine
from crosscheck.link import LINK_TABLES, _undated_reach, run_link
from crosscheck.link.article_index import ArticleIndex, text_key
from crosscheck.link.common_source import direct_undated_copies
from crosscheck.link.prune import prune_derivations
from crosscheck.link.state import record_key
from crosscheck.pipeline import run
from crosscheck.records import Article, Derivation, Passage
from crosscheck.settings import Settings
from crosscheck.store import Store

SETTINGS = Settings(workers=1)

_QUAY = ("The harbour council of Velmora voted on Monday to close the old ferry quay for repairs. "
         "Councillors said the timber piles had rotted through after three wet winters. "
         "Fishermen who moor at the quay will use the north jetty until the work ends in spring.")
_CUT = _QUAY[: _QUAY.index(" Fishermen")]
_LIGHT = _QUAY.replace("voted", "decided").replace("rotted", "decayed")


def _article(n: int, text: str, published: str | None) -> Article:
    return Article(f"a{n}", f"in/{n}.txt", None, f"outlet{n % 2}", "input", f"Quay {n}", published,
                   "input" if published else None, "en", text)


ARTICLES = [_article(0, _QUAY, None), _article(1, _CUT, None), _article(2, _LIGHT, None),
            _article(3, _QUAY + " A ferry ran late.", "2024-05-06"),
            _article(4, _CUT + " Rain fell.", "2024-05-07")]


def test_an_index_from_the_store_holds_the_hashes_of_the_records(tmp_path, monkeypatch):
    monkeypatch.setattr(article_index, "READ_BATCH", 2)  # several queries for five articles
    with Store(tmp_path / "s.duckdb") as store:
        store.write(ARTICLES)
        index = ArticleIndex.from_store(store)
        assert index == ArticleIndex.of(reversed(ARTICLES))
        assert [index[a.id].key for a in ARTICLES] == [record_key(a) for a in ARTICLES]
        assert [index[a.id].text_key for a in ARTICLES] == [text_key(a.text) for a in ARTICLES]
        assert list(index.records(["a4", "a0", "a2", "a0"])) == [ARTICLES[0], ARTICLES[2], ARTICLES[4]]
        lookup = index.text_lookup(["a1"])
        assert lookup["a1"] == _CUT and lookup.get("a3") == ARTICLES[3].text  # read when asked
        assert lookup.get("nowhere", "") == ""


def _edge(source: str, derived: str, end: int, direction: str = "content"):
    d = Derivation(f"{source}>{derived}", source, derived, "copy", 0.9, 0.9, direction, "")
    return d, [Passage(f"{d.id}#0", d.id, 0, end, 0, end, "verbatim", 1.0)]


class _Watched(dict):
    """Texts that remember which were asked for."""

    def __init__(self, *args):
        super().__init__(*args)
        self.asked: set[str] = set()

    def __getitem__(self, article):
        self.asked.add(article)
        return super().__getitem__(article)

    def get(self, article, default=None):
        return self[article] if article in self else default


def test_the_undated_steps_read_only_the_texts_of_the_undated_reach():
    edges = [_edge("a0", "a1", len(_CUT)), _edge("a2", "a0", len(_LIGHT)), _edge("a2", "a1", len(_CUT)),
             _edge("a3", "a4", len(_CUT), "dated"), _edge("a3", "a0", len(_QUAY))]
    derivations, passages = [d for d, _ in edges], {d.id: p for d, p in edges}
    published = {a.id: a.published for a in ARTICLES}
    texts = _Watched({a.id: a.text for a in ARTICLES})
    directed, moved = direct_undated_copies(derivations, passages, published, texts)
    kept = prune_derivations(directed, moved, published, outlets={a.id: a.outlet for a in ARTICLES},
                             texts=texts)
    reach = _undated_reach(derivations, published)
    assert texts.asked and texts.asked <= reach == {"a0", "a1", "a2", "a3"}
    assert kept  # the steps ran on those texts alone


@pytest.fixture(scope="module")
def enriched(tmp_path_factory):
    path = tmp_path_factory.mktemp("index") / "enriched.duckdb"
    inputs = sorted(str(p) for p in (EXAMPLES / "corpus").rglob("*") if p.is_file())
    engine = LocalEngine(workers=1)
    try:
        with Store(path) as store:
            run(inputs, store=store, settings=SETTINGS, engine=engine, until="enrich")
    finally:
        engine.close()
    return path


def _linked(path, copy, monkeypatch, batch: int) -> dict[str, list]:
    shutil.copy(path, copy)
    monkeypatch.setattr(article_index, "READ_BATCH", batch)
    engine = LocalEngine(workers=1)
    try:
        with Store(copy) as store:
            run_link(store=store, settings=SETTINGS, engine=engine, note=lambda stage, n: None)
            return {t: store.con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
                    for t in (*LINK_TABLES, "link_pairs", "link_signatures", "link_story_features")}
    finally:
        engine.close()


def test_link_reads_texts_one_article_a_query_and_gives_the_same_output(enriched, tmp_path, monkeypatch):
    whole = _linked(enriched, tmp_path / "whole.duckdb", monkeypatch, 4096)
    one_by_one = _linked(enriched, tmp_path / "one.duckdb", monkeypatch, 1)
    assert whole["derivations"] and whole["stories"]
    assert one_by_one == whole
