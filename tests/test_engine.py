import functools
import os

import pytest

from crosscheck.engine import make_engine
from crosscheck.engine.local import LocalEngine
from crosscheck.errors import SettingsError
from crosscheck.pipeline import run
from crosscheck.report.json import build_analysis
from crosscheck.settings import Settings
from crosscheck.store import Store


def _square_with_pid(batch: list[int], *, offset: int) -> list[tuple[int, int]]:
    return [(x * x + offset, os.getpid()) for x in batch]


def _batches(n: int, size: int):
    for start in range(0, n, size):
        yield list(range(start, min(n, start + size)))


@pytest.mark.parametrize("workers", [1, 2])
def test_local_engine_keeps_order(workers):
    engine = LocalEngine(workers=workers)
    try:
        fn = functools.partial(_square_with_pid, offset=1)
        results = [r for batch in engine.map_batches(fn, _batches(50, 7)) for r in batch]
    finally:
        engine.close()
    assert [value for value, _ in results] == [x * x + 1 for x in range(50)]
    pids = {pid for _, pid in results}
    assert (pids == {os.getpid()}) if workers == 1 else (os.getpid() not in pids)


def test_local_engine_pulls_input_lazily():
    """Memory is bounded by batch size: the engine never reads far ahead of what it yields."""
    pulled = []

    def batches():
        for i in range(100):
            pulled.append(i)
            yield [i]

    engine = LocalEngine(workers=2)
    try:
        stream = engine.map_batches(functools.partial(_square_with_pid, offset=0), batches())
        next(stream)
        assert len(pulled) <= 2 * 2 + 1
    finally:
        engine.close()


def _mark(folder: str) -> None:
    with open(os.path.join(folder, str(os.getpid())), "w") as out:
        out.write("warm")


def _fail() -> None:
    raise RuntimeError("a warm-up that breaks")


def test_a_warmed_local_engine_runs_the_warm_up_in_its_workers_and_then_the_batches(tmp_path):
    engine = LocalEngine(workers=2)
    try:
        engine.warm(functools.partial(_mark, str(tmp_path)))
        results = [r for batch in engine.map_batches(functools.partial(_square_with_pid, offset=0),
                                                     _batches(20, 3)) for r in batch]
    finally:
        engine.close()  # waits for the warm-ups still running
    assert [value for value, _ in results] == [x * x for x in range(20)]
    warmed = {int(name) for name in os.listdir(tmp_path)}
    assert warmed and os.getpid() not in warmed


def test_a_warm_up_that_fails_does_not_stop_the_batches_and_one_in_process_is_skipped(tmp_path):
    engine = LocalEngine(workers=2)
    try:
        engine.warm(_fail)
        assert [r for batch in engine.map_batches(functools.partial(_square_with_pid, offset=0),
                                                  [[2]]) for r, _ in batch] == [4]
    finally:
        engine.close()
    single = LocalEngine(workers=1)
    single.warm(functools.partial(_mark, str(tmp_path)))  # workers=1 runs batches here: nothing to warm
    assert os.listdir(tmp_path) == []


def test_the_enrichment_warm_up_loads_and_reads_its_own_note():
    from crosscheck.enrich import warm_up

    assert warm_up(settings=Settings()) > 0


def test_unknown_engine_is_refused():
    with pytest.raises(SettingsError, match="unknown engine 'spark': choose 'local' or 'ray'"):
        make_engine("spark", settings=Settings())


def test_ray_engine_gives_the_same_analysis_as_local(small_corpus):
    """The real clean stage on Ray: same store contents as the local engine."""
    pytest.importorskip("ray")
    analyses = []
    for name in ("local", "ray"):
        settings = Settings(workers=2, batch_size=2)
        engine = make_engine(name, settings=settings)
        try:
            with Store(":memory:") as store:
                run([str(small_corpus)], store=store, settings=settings, engine=engine)
                analyses.append(build_analysis(store))
        finally:
            engine.close()
    assert len(analyses[0]["articles"]) == 6
    assert analyses[0] == analyses[1]


def test_the_driver_imports_the_cli_and_pipeline_without_spacy():
    """spaCy (and the torch its thinc library imports when installed) loads where articles are
    parsed: in the workers, or in-process with one worker; the driver's own imports skip it."""
    import subprocess
    import sys

    code = ("import sys, crosscheck.cli, crosscheck.pipeline, crosscheck.link, crosscheck.assess, "
            "crosscheck.report.json, crosscheck.enrich.speakers, crosscheck.enrich.aliases; "
            "print(sorted(m for m in ('spacy', 'thinc', 'torch') if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
