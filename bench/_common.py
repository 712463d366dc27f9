"""Helpers shared by the benchmark scripts: locating data sets, analysing them, scoring texts."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_BENCH = REPO_ROOT.parent / "shared" / "bench"

_WORD = re.compile(r"\w+", re.UNICODE)


def require_dataset(path: Path, *, name: str) -> Path:
    """Exit cleanly (status 0) with a clear message when a benchmark set is not on this machine."""
    if not path.exists():
        print(f"skipping {name}: data set not found at {path} (pass --data DIR to point at it)")
        sys.exit(0)
    return path


def analysed_sets(sets: Mapping[str, Path], names: Iterable[str], folder: Path,
                  rows: Callable[[str, Iterable[str]], Iterable[str]], **options) -> Iterator[tuple[str, Path]]:
    """Each of ``names`` (keys of ``sets``, JSONL files) analysed into a fresh store in
    ``folder``: the lines ``rows(name, lines)`` picks of its file are run through the pipeline
    (``options`` passed on to :func:`crosscheck.pipeline.run`) with two workers, and the name
    and store path given; a set not on this machine is said to be skipped."""
    from crosscheck.engine.local import LocalEngine
    from crosscheck.pipeline import run
    from crosscheck.settings import Settings
    from crosscheck.store import Store

    for name in names:
        data = sets[name]
        if not data.exists():
            print(f"{name}: {data} missing, skipped")
            continue
        picked = folder / f"{name}.jsonl"
        with data.open(encoding="utf-8") as lines:
            picked.write_text("".join(rows(name, lines)), encoding="utf-8")
        store_path = folder / f"{name}.duckdb"
        engine = LocalEngine(workers=2)
        with Store(store_path) as store:
            run([str(picked)], store=store, settings=Settings(workers=2), engine=engine, **options)
        engine.close()
        yield name, store_path


def shingles(text: str, *, size: int = 4) -> set[tuple[str, ...]]:
    """Lower-cased word n-grams of ``text``; a text shorter than ``size`` words is one shingle."""
    words = [w.lower() for w in _WORD.findall(text or "")]
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def shingle_scores(predicted: str, expected: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the shingle sets; an empty prediction scores 0."""
    got, want = shingles(predicted), shingles(expected)
    if not got or not want:
        return (0.0, 0.0, 0.0)
    common = len(got & want)
    precision, recall = common / len(got), common / len(want)
    f1 = 0.0 if common == 0 else 2 * precision * recall / (precision + recall)
    return (precision, recall, f1)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def decode_page(raw: bytes) -> str:
    """Bytes of a saved page as text: UTF-8 when it is, else the detected charset."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        return str(best) if best is not None else raw.decode("latin-1")
