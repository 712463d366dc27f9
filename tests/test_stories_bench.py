"""The story benchmark (bench/stories.py): its enrichment cache on two made-up articles and its
settings sweep (bench/stories_sweep.py) on six."""

from __future__ import annotations

import pickle

import pytest

from conftest import bench_module

from crosscheck.records import Article


@pytest.fixture(scope="module")
def bench():
    with bench_module("stories.py", "stories_bench") as module:
        yield module


@pytest.fixture(scope="module")
def sweeper(bench):
    with bench_module("stories_sweep.py", "stories_sweep") as module:
        yield module


def article(key: str, text: str) -> Article:
    return Article(key, f"tests/{key}", None, None, None, None, None, None, "en", text)


ARTICLES = [article("a", "The ferry to Ostrel sailed late on 4 March 2021."),
            article("b", "Dockers at Vammel stopped work on March 9, 2021.")]


def test_cache_is_written_then_read_instead_of_enriching_again(bench, tmp_path, monkeypatch):
    cache = tmp_path / "enrich.pkl"
    calls = []

    def fake(articles, how):
        calls.append(how)
        return {"a": ["mention"]}, {"b": ["time"]}, "crosscheck.enrich"

    monkeypatch.setattr(bench, "enrichment", fake)
    first = bench.cached_enrichment(ARTICLES, "pipeline", cache)
    second = bench.cached_enrichment(ARTICLES, "pipeline", cache)
    assert calls == ["pipeline"]
    assert first[:2] == second[:2] == ({"a": ["mention"]}, {"b": ["time"]})
    assert "cached" in second[2]


def test_cache_of_other_articles_or_method_is_not_used(bench, tmp_path, monkeypatch):
    cache = tmp_path / "enrich.pkl"
    cache.write_bytes(pickle.dumps(({"zz": ["stale"]}, {}), protocol=4))  # earlier bare format
    monkeypatch.setattr(bench, "enrichment", lambda articles, how: ({}, {}, "stand-ins"))
    mentions, _times, source = bench.cached_enrichment(ARTICLES, "standin", cache)
    assert mentions == {} and source == "stand-ins"
    mentions, _times, source = bench.cached_enrichment(ARTICLES, "pipeline", tmp_path / "none.pkl")
    assert source == "stand-ins"  # nothing cached: enriched (by the stand-in patched above)


def test_bare_pair_of_the_same_articles_is_read_as_the_pipelines(bench, tmp_path, monkeypatch):
    cache = tmp_path / "enrich.pkl"
    cache.write_bytes(pickle.dumps(({"a": ["m"]}, {"b": ["t"]}), protocol=4))
    monkeypatch.setattr(bench, "enrichment", lambda articles, how: pytest.fail("enriched again"))
    mentions, times, _source = bench.cached_enrichment(ARTICLES, "pipeline", cache)
    assert mentions == {"a": ["m"]} and times == {"b": ["t"]}


STORY_ARTICLES = [
    article("k1", "Flood water closed the Tarrow bridge on Monday; the county moved forty families "
                  "from the riverside streets of Tarrow to the school hall."),
    article("k2", "The river at Tarrow burst its banks and the county shut the bridge, sending "
                  "forty families from riverside streets to the school hall."),
    article("k3", "Forty Tarrow families slept in the school hall after flood water reached the "
                  "riverside streets and the county closed the bridge."),
    article("m1", "The Pell museum reopened its glass gallery after a year of repairs, with the "
                  "old lamps of the harbour back on show."),
    article("m2", "After twelve months of repairs the glass gallery of the Pell museum opened "
                  "again and the harbour lamps are on show once more."),
    article("m3", "Visitors returned to the Pell museum glass gallery, shut for a year of "
                  "repairs, to see the harbour lamps again."),
]
STORY_GOLD = {"k1": "flood", "k2": "flood", "k3": "flood", "m1": "museum", "m2": "museum",
              "m3": "museum"}
STORY_TOPICS = {"k1": "1", "k2": "1", "k3": "1", "m1": "2", "m2": "2", "m3": "2"}


def test_sweep_clusters_a_point_as_the_batch_does(bench, sweeper):
    settings = bench.StorySettings(link_threshold=0.12, min_pair_share=0.3)
    prepared = sweeper._prepared(STORY_ARTICLES, settings)
    swept = sweeper._clustered(prepared, settings)
    batch = bench.batch(STORY_ARTICLES, mentions={}, times={}, settings=settings)

    def partition(labels):
        return sorted(sorted(k for k in labels if labels[k] == v) for v in set(labels.values()))

    assert partition(swept) == partition(batch) == [["k1", "k2", "k3"], ["m1", "m2", "m3"]]


def test_sweep_prints_every_point_and_the_choice_on_each_half(bench, sweeper, monkeypatch, capsys):
    monkeypatch.setattr(sweeper, "SWEEP_PAIRS", {"min_overlap": (0.1,), "max_posting": (100,)})
    monkeypatch.setattr(sweeper, "SWEEP_MERGES", {
        "link_threshold": (0.1, 0.9), "min_pair_share": (0.5,), "cohesion_ratio": (0.72,),
        "cohesion_members": (5,)})
    sweeper.sweep(STORY_ARTICLES, STORY_GOLD, STORY_TOPICS, score=bench.bcubed)
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if line.startswith("cohesion_members=")]
    assert len(rows) == 2
    assert rows[0].split()[-3:] == ["1.000", "1.000", "1.000"]  # threshold 0.1: both stories found
    assert any(line.startswith("defaults: ") and "link_threshold=0.1 " in line for line in lines)
    assert sum(line.startswith("best on ") for line in lines) == 2


def test_sweep_values_are_typed_as_the_settings_and_unknown_names_refused(sweeper):
    overrides = sweeper.sweep_overrides(["link_threshold=0.08,0.12", "cohesion_members=4,6"])
    assert overrides == {"link_threshold": (0.08, 0.12), "cohesion_members": (4, 6)}
    assert sweeper._with_defaults({"cohesion_members": (4, 6)}) == {"cohesion_members": (4, 5, 6)}
    with pytest.raises(SystemExit, match="window_days"):
        sweeper.sweep_overrides(["window_days=30"])
