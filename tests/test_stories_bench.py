"""The story benchmark's enrichment cache (bench/stories.py) on two made-up articles."""

from __future__ import annotations

import importlib.util
import pickle
import sys
from pathlib import Path

import pytest

from crosscheck.records import Article

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("stories_bench", BENCH / "stories.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))


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
