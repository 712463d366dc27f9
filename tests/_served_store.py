"""One store for the report, web and browser tests: examples/corpus plus a hostile article,
with hand-made assessment records (claim group, conflict, framing, finding) on top.

Built once per test session (the pipeline is the slow part) and shared by the modules.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import threading
import time
from pathlib import Path

from conftest import EXAMPLES

from crosscheck import Settings
from crosscheck.engine.local import LocalEngine
from crosscheck.pipeline import run
from crosscheck.records import (Article, ClaimGroup, ClaimGroupMember, Conflict, ConflictValue,
                                Finding, FramingName, FramingSpan, Story, StoryMember)
from crosscheck.store import Store
from crosscheck.web.app import WebApp, make_server

# Written for these tests: markup and script that must show as text and never run.
HOSTILE_TEXT = """Harbour board minutes leak <script>alert(1)</script> onto a notice board

Dockside notice boards in Orlo Bay carried a page headed <img src=x onerror=alert(1)> on
Friday, the harbour board said. A link on it read javascript:alert(document.cookie) and a
second line said </script><script>alert(2)</script><!-- closed -->.

The board said 14 pages were posted and that it had asked the printers to explain how the
minutes, which it called a shameful stunt, reached the piers before the meeting ended.
"""
HOSTILE_MARK = "<script>alert(1)</script>"
HOSTILE_TITLE = 'Notice <img src=x onerror=alert("title")> board'
HOSTILE = Article(id="hostile0000000001", source="hand-made/hostile.txt",
                  url="javascript:alert('url')", outlet='Pier <b onmouseover="alert(3)">Gazette',
                  outlet_from="input", title=HOSTILE_TITLE, published="2024-03-07",
                  published_from="input", language="en", text=HOSTILE_TEXT)


_FAILED: list[BaseException] = []


def built_store() -> Path:
    """Path of a finished store file (read it with ``Store(path, read_only=True)``); a build
    that failed fails every later caller at once instead of running the pipeline again."""
    if _FAILED:
        raise RuntimeError("building the shared test store failed (see the first error)") from _FAILED[0]
    try:
        return _build()
    except BaseException as exc:
        _FAILED.append(exc)
        raise


@functools.lru_cache(maxsize=1)
def _build() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="crosscheck-web-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    corpus = folder / "corpus"
    shutil.copytree(EXAMPLES / "corpus", corpus)
    db = folder / "store.duckdb"
    with Store(db) as store:
        run([str(corpus)], store=store, settings=Settings(workers=1), engine=LocalEngine(workers=1))
        # Cleaning strips markup from inputs, so the hostile article goes in as a record, the
        # way any tool writing the store could put it there.
        store.write([HOSTILE, Story("s-hostile", HOSTILE_TITLE, None, None),
                     StoryMember("sm-hostile", "s-hostile", HOSTILE.id)])
        store.write(_assessment(store))
    return db


def hostile_article(store: Store) -> Article:
    return HOSTILE


def story_with(store: Store, word: str) -> Story:
    return next(s for s in store.iter_records(Story) if word in s.title)


def _assessment(store: Store) -> list[object]:
    """A claim group over the first two articles of the Korvask story with a number conflict,
    framing and a finding on the hostile article: the assessment stage's records, by hand."""
    story = next(iter(store.iter_records(Story, order_by="id")))
    members = [row[0] for row in store.con.execute(
        "SELECT article FROM story_members WHERE story = ? ORDER BY article", [story.id]).fetchall()]
    first, second = members[0], members[1]
    texts = dict(store.con.execute("SELECT id, text FROM articles").fetchall())
    hostile = hostile_article(store)
    loaded_at = hostile.text.index("shameful stunt")
    script_at = hostile.text.index(HOSTILE_MARK)
    return [
        ClaimGroup("g1", story.id, "arrests announced <b>bold</b>", 2, "the directorate"),
        ClaimGroupMember("m1", "g1", "c-first", first, first),
        ClaimGroupMember("m2", "g1", "c-second", second, second),
        Conflict("k1", "g1", "number", "one says 42, the other 24"),
        ConflictValue("v1", "k1", first, "42", 0, min(5, len(texts[first]))),
        ConflictValue("v2", "k1", second, "24", 0, min(5, len(texts[second]))),
        FramingName("n1", hostile.id, "e-board", "harbour board", 2),
        FramingSpan("s1", hostile.id, "loaded", "", loaded_at, loaded_at + len("shameful stunt"),
                    "shameful stunt", None),
        Finding("f1", "unattributed_figure", hostile.id, "14 pages <i>with no source</i>",
                script_at, script_at + len(HOSTILE_MARK), None),
    ]


def run_server(app: WebApp, **options):
    """uvicorn serving ``app`` on a free loopback port in a thread; yields the port."""
    server, sock, _ = make_server(app, host="127.0.0.1", port=0, **options)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield sock.getsockname()[1]
    server.should_exit = True
    thread.join(timeout=10)
