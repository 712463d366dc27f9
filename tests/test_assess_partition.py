"""The assessment partitioned by story (assess/partition.py): the same records whatever the
batches and whichever engine runs them, and the corpus reach counted in DuckDB equal to the one
counted over the records."""

from __future__ import annotations

import shutil

import pytest

from conftest import EXAMPLES

from crosscheck.assess import partition, run_assess
from crosscheck.assess.scope import CorpusReach
from crosscheck.engine import make_engine
from crosscheck.pipeline import run
from crosscheck.records import Article, Derivation, EntityKey, Mention
from crosscheck.report.json import build_analysis
from crosscheck.settings import Settings
from crosscheck.store import Store

SETTINGS = Settings(workers=1)


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """A store of the example corpus through link (assess not run)."""
    path = tmp_path_factory.mktemp("partition") / "linked.duckdb"
    engine = make_engine("local", settings=SETTINGS)
    with Store(path) as store:
        run([str(EXAMPLES / "corpus")], store=store, settings=SETTINGS, engine=engine, until="link")
    return path


def _assessed(linked, tmp_path, name: str, *, engine=None) -> tuple[dict, list]:
    path = tmp_path / f"{name}.duckdb"
    shutil.copy(linked, path)
    with Store(path) as store:
        run_assess(store=store, settings=SETTINGS, engine=engine, note=lambda stage, n: None)
        scopes = store.con.execute("SELECT * FROM assess_scopes ORDER BY article").fetchall()
        return build_analysis(store), scopes


def test_reach_counted_in_duckdb_is_the_one_counted_over_the_records(linked):
    with Store(linked, read_only=True) as store:
        index = partition.CorpusIndex(store)
        derivations = list(store.iter_records(Derivation, order_by="source, derived"))
        mentions = list(store.iter_records(Mention, order_by="article, start, id"))
        keys = list(store.iter_records(EntityKey, order_by="key"))
    expected = CorpusReach.of(derivations=derivations, mentions=mentions, entity_keys=keys)
    assert derivations and expected.co_mentioned and expected.lines
    assert index.reach == expected


def test_a_part_of_the_reach_holds_only_what_its_articles_and_entities_use():
    from crosscheck.link.claims import EntityNames

    reach = CorpusReach({"a": "a", "b": "a", "c": "c"}, frozenset({"b"}), frozenset({"a"}),
                        EntityNames({"x": "X", "y": "Y"}, {"x": "GPE", "y": "GPE"}),
                        frozenset({("x", "y"), ("x", "z")}))
    part = reach.part(["b", "c"], ["x", "y"])
    assert part == CorpusReach({"b": "a", "c": "c"}, frozenset({"b"}), frozenset(),
                               EntityNames({"x": "X", "y": "Y"}, {"x": "GPE", "y": "GPE"}),
                               frozenset({("x", "y")}))


def test_one_story_per_batch_gives_the_records_of_one_batch(linked, tmp_path, monkeypatch):
    whole = _assessed(linked, tmp_path, "whole")
    monkeypatch.setattr(partition, "STORY_BATCH_ARTICLES", 1)
    split = _assessed(linked, tmp_path, "split")
    assert whole[0]["claim_groups"] and whole[0]["events"] and whole[0]["findings"]
    assert split == whole


def test_batches_are_whole_stories_in_story_order(linked):
    with Store(linked, read_only=True) as store:
        index = partition.CorpusIndex(store)
    batches = list(partition._batch_members(index, set(index.article_ids), 3))
    assert sorted(a for batch in batches for a in batch) == sorted(index.article_ids)
    stories = [sorted({index.story_of[a] for a in batch}) for batch in batches]
    flat = [s for batch in stories for s in batch]
    assert flat == sorted(flat) and len(flat) == len(set(flat))  # no story split over batches


@pytest.mark.parametrize("engine_name", ["local", "ray"])
def test_the_engine_workers_give_the_records_of_the_driver(linked, tmp_path, monkeypatch,
                                                           engine_name):
    if engine_name == "ray":
        pytest.importorskip("ray")
    here = _assessed(linked, tmp_path, "here")
    monkeypatch.setattr(partition, "STORY_BATCH_ARTICLES", 2)
    engine = make_engine(engine_name, settings=Settings(workers=2))
    try:
        assert _assessed(linked, tmp_path, engine_name, engine=engine) == here
    finally:
        engine.close()


def test_kept_spans_are_read_back_instead_of_tagged_again(linked, tmp_path, monkeypatch):
    """Every story redone on a store that keeps each article's spans: the same records, and the
    tagger runs for no article whose record and settings are unchanged; an edited row's key no
    longer matches, so that article alone is tagged again."""
    from crosscheck.assess import framing

    path = tmp_path / "kept.duckdb"
    shutil.copy(linked, path)
    tagged: list[str] = []
    real = framing.loaded_spans

    def counting(article, quotes, technique_tagger="hashed"):
        tagged.append(article.id)
        return real(article, quotes, technique_tagger)

    monkeypatch.setattr(framing, "loaded_spans", counting)
    with Store(path) as store:
        run_assess(store=store, settings=SETTINGS, engine=None, note=lambda stage, n: None)
        first = build_analysis(store)
        articles = store.count(Article)
        assert len(tagged) == articles
        assert store.row("SELECT count(*) FROM assess_spans")[0] == articles
        one = sorted(tagged)[0]
        store.con.execute("UPDATE assess_spans SET key = 'stale' WHERE id = ?", [one])
        store.con.execute("DELETE FROM markers WHERE stage = 'assess'")
        store.con.execute("DROP TABLE assess_scopes")  # every story redone
        tagged.clear()
        run_assess(store=store, settings=SETTINGS, engine=None, note=lambda stage, n: None)
        assert tagged == [one]
        assert build_analysis(store) == first
        assert first["framing"]  # spans were there to keep


def test_fingerprints_counted_in_duckdb_change_with_a_story_s_inputs_alone(linked, tmp_path):
    """Every story gets one fingerprint, the same when counted again; a changed article changes
    its own story's and those across its derivations, and no other."""
    from crosscheck.assess import _settings_key
    from crosscheck.assess.scope import story_fingerprints

    path = tmp_path / "changed.duckdb"
    shutil.copy(linked, path)
    with Store(path) as store:
        index = partition.CorpusIndex(store)
        story_of = {a: index.story_of[a] for a in sorted(index.article_ids)}

        def fingerprints():
            return story_fingerprints(store, story_of=story_of, reach=index.reach,
                                      settings_key=_settings_key(SETTINGS))

        before = fingerprints()
        assert fingerprints() == before
        assert set(before) == set(story_of.values()) and len(set(before.values())) == len(before)
        changed = sorted(index.article_ids)[0]
        store.con.execute("UPDATE articles SET title = title || ' (updated)' WHERE id = ?", [changed])
        after = fingerprints()
    reached = {index.story_of[a] for d in index.derivations_of([changed]) for a in (d.source, d.derived)}
    reached.add(index.story_of[changed])
    assert {s for s in before if after[s] != before[s]} == reached
