"""``crosscheck watch``: keep a store current by polling its sources in rounds.

Each round polls the feeds and URLs (see :mod:`.ingest.watch`), reads the local paths again,
runs the pipeline on the store with what is new (stored documents are skipped, corpus stages
resume from their markers), and reports what changed since the round before. The validators of
a round's answers are stored only after its documents are, in one transaction: a round stopped
by Ctrl-C leaves the batches already written, and the next start asks every source again in
full and fetches only what is still missing. What changed is measured against the state the last
finished round left (kept in the store), so it survives a restart too.

Example::

    from crosscheck.watch import watch
    watch(["https://example.org/feed.xml"], store=store, settings=settings, engine=engine, rounds=1)
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import httpx

from .engine import Engine
from .errors import SettingsError
from .ingest import iter_documents
from .ingest.watch import PoliteFetcher, Validators, poll, watched_urls
from .pipeline import RunSummary, run
from .report.changes import changes_between, save_snapshot, snapshot
from .settings import Settings
from .store import Store

__all__ = ["Round", "parse_interval", "watch", "watch_round"]

_VALIDATORS = ("CREATE TABLE IF NOT EXISTS fetch_validators "
               "(url VARCHAR PRIMARY KEY, etag VARCHAR, last_modified VARCHAR)")
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass
class Round:
    """One round's outcome: its number, the pipeline summary, requests made, what changed."""

    number: int
    summary: RunSummary
    requests: int
    changes: dict[str, Any] = field(default_factory=dict)
    # feed -> new entries left for the next round (over ``watch_max_entries``)
    deferred: dict[str, int] = field(default_factory=dict)


def parse_interval(text: str) -> float:
    """``"15m"`` -> 900.0; a bare number is seconds; units s, m, h, d."""
    found = _INTERVAL.match(text)
    if not found or float(found.group(1)) <= 0:
        raise SettingsError(f"interval {text!r} is not a positive duration such as 90s, 15m, 2h or 1d")
    return float(found.group(1)) * _UNIT_SECONDS[(found.group(2) or "s").lower()]


def _stored_validators(store: Store) -> dict[str, Validators]:
    store.con.execute(_VALIDATORS)
    rows = store.con.execute("SELECT url, etag, last_modified FROM fetch_validators").fetchall()
    return {url: Validators(url, etag, modified) for url, etag, modified in rows}


def _known_sources(store: Store) -> frozenset[str]:
    """Sources the store holds: pages and feed entries never fetched again. Fetch rejects are
    left out, so a source that failed is tried again next round."""
    rows = store.con.execute(
        "SELECT source FROM drafts UNION SELECT source FROM rejected WHERE stage <> 'ingest'").fetchall()
    return frozenset(row[0] for row in rows)


def watch_round(sources: Sequence[str], *, number: int = 1, store: Store, settings: Settings,
                engine: Engine, transport: httpx.BaseTransport | None = None,
                sleep: Callable[[float], None] = time.sleep,
                progress: Callable[[str, int], None] | None = None) -> Round:
    """Poll ``sources`` once, add what is new to ``store`` and say what changed."""
    before = snapshot(store, saved=True) or snapshot(store)
    urls, paths = watched_urls(sources)
    validators = _stored_validators(store)
    answered: dict[str, Validators] = {}
    deferred: dict[str, int] = {}
    with PoliteFetcher(settings=settings, transport=transport, sleep=sleep) as fetcher:
        documents: Iterator = itertools.chain(
            poll(urls, fetcher=fetcher, settings=settings, known=_known_sources(store),
                 validators=validators, answered=answered, deferred=deferred),
            iter_documents(paths, settings=settings, transport=transport) if paths else ())
        summary = run(paths, store=store, settings=settings, engine=engine, progress=progress,
                      documents=documents, moved_urls=True)
        requests = fetcher.requests
    with store.transaction():
        for found in answered.values():
            store.con.execute("INSERT OR REPLACE INTO fetch_validators VALUES (?, ?, ?)",
                              [found.url, found.etag, found.last_modified])
        save_snapshot(store)
    return Round(number, summary, requests, changes_between(before, snapshot(store)), deferred)


def watch(sources: Sequence[str], *, store: Store, settings: Settings, engine: Engine,
          every: float = 900.0, rounds: int | None = None,
          transport: httpx.BaseTransport | None = None,
          sleep: Callable[[float], None] = time.sleep,
          on_round: Callable[[Round], None] = lambda found: None,
          progress: Callable[[str, int], None] | None = None) -> int:
    """Run rounds ``every`` seconds apart (``rounds`` of them, or until interrupted); each
    round's outcome goes to ``on_round``. Returns the number of rounds run."""
    for number in itertools.count(1):
        started = time.monotonic()
        try:
            found = watch_round(sources, number=number, store=store, settings=settings, engine=engine,
                                transport=transport, sleep=sleep, progress=progress)
        except duckdb.InterruptException:  # Ctrl-C inside a query: the transaction rolled back
            raise KeyboardInterrupt from None
        on_round(found)
        if rounds is not None and number >= rounds:
            return number
        sleep(max(0.0, every - (time.monotonic() - started)))
    raise AssertionError("unreachable")
