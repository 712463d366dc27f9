"""The assess stage: claim groups with independent origins and typed conflicts, framing per
article, and findings for a fact-checker.

A corpus stage over the store: it reads the enrich and link stages' records, writes its own
tables in one transaction and leaves a completion marker, so a re-run on the same corpus is a
no-op. The work is done story by story: each story's inputs have a fingerprint
(``assess/scope.py``), kept in the store with the records, and a run redoes only the stories
whose fingerprint changed (new articles, new or changed derivations, entities renamed) and
leaves the others' records in place; the result is the one a batch run would write. The
stories to assess go to the engine in batches of whole stories, each read from the store on its
own (``assess/partition.py``); the driver holds the corpus reach and writes what comes back.
The work itself lives in ``assess/claims.py`` (groups, origins, conflicts),
``assess/framing.py`` (names, loaded language, propaganda cues), ``assess/findings.py`` and
``assess/events.py`` (events across articles, with origins and conflicts).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..records import ENRICH_SCHEME, content_id
from .. import __version__
from ..engine import Engine
from ..settings import Settings
from ..shards import shard_folder, sharded
from ..store import Store
from .partition import CorpusIndex, assess_story_batches, story_batches
from .scope import story_fingerprints
from .span_cache import TABLE as _SPAN_TABLE, prune_spans, save_spans

__all__ = ["ASSESS_TABLES", "run_assess"]

ASSESS_TABLES = ("claim_groups", "claim_group_members", "conflicts", "conflict_values",
                 "framing_names", "framing_spans", "findings", "events", "event_members",
                 "event_places", "event_conflicts")


def run_assess(*, store: Store, settings: Settings, note: Callable[[str, int], None],
               engine: Engine | None = None) -> None:
    fingerprint = _fingerprint(store, settings)
    if store.marker("assess") == fingerprint:
        return
    corpus = CorpusIndex(store)
    before = _kept_scopes(store)
    store.con.execute(_SPAN_TABLE)
    options = {"settings_key": _settings_key(settings), "embedder": settings.embedder,
               "technique_tagger": settings.technique_tagger}
    def fingerprints(articles) -> dict[str, str] | None:
        """The fingerprints of the stories of ``articles``, one query inside DuckDB."""
        if not corpus.scoped:
            return None
        return story_fingerprints(store, story_of={a: corpus.story_of[a] for a in sorted(articles)},
                                  reach=corpus.reach, settings_key=options["settings_key"])

    # An incremental run redoes the stories whose fingerprint is new, counted with the claim
    # groups kept for them (which a story keeps while its other inputs hold).
    scopes = fingerprints(corpus.article_ids) if before is not None else None
    redo = _articles_to_redo(corpus, scopes, before)
    with store.transaction():
        _delete(store, redo if before is not None and scopes is not None else None)
        batches = story_batches(store, corpus, redo, **options)
        task = assess_story_batches
        if settings.shard_dir:  # the tasks write their records as Parquet; the driver loads them
            folder = shard_folder(settings.shard_dir, store.path, "assess")
            task = functools.partial(sharded, task, folder=str(folder), records_at=0)
        for records, spans in _map(engine, task, batches):
            store.write(records)
            save_spans(store, spans)
        prune_spans(store)
        # the redone stories counted again with the claim groups just written
        done = fingerprints(redo & corpus.article_ids)
        _save_scopes(store, corpus, None if done is None else {**(scopes or {}), **done})
        store.set_marker("assess", fingerprint)
    note("assess", len(redo))


def _map(engine: Engine | None, task, batches):
    """Each batch's results, on the engine when there is one, else here."""
    results = map(task, batches) if engine is None else engine.map_batches(task, batches)
    for result in results:
        yield from result


def _kept_scopes(store: Store) -> dict[str, tuple[str, str]] | None:
    """Article -> (story, fingerprint) the stored assessment was written for; ``None`` when
    the store holds none (a new store, or one written before assessment by story)."""
    store.con.execute(_SCOPE_TABLE)
    rows = store.con.execute("SELECT article, story, fingerprint FROM assess_scopes").fetchall()
    return {article: (story, fp) for article, story, fp in rows} or None


def _articles_to_redo(corpus: CorpusIndex, scopes: dict[str, str] | None,
                      before: dict[str, tuple[str, str]] | None) -> set[str]:
    """Members of the stories whose fingerprint is new, and articles gone from the corpus."""
    if scopes is None or before is None:
        return set(corpus.article_ids) | set(before or ())
    redo = {a for a in corpus.article_ids if before.get(a) != (corpus.story_of[a], scopes[corpus.story_of[a]])}
    stale = {story for a, (story, _) in before.items()
             if a not in corpus.article_ids or before[a][1] != scopes.get(story)}
    redo |= {a for a, (story, _) in before.items() if story in stale}
    stories = {corpus.story_of[a] for a in redo if a in corpus.story_of}
    return redo | {a for a, s in corpus.story_of.items() if s in stories}


def _delete(store: Store, redo: set[str] | None) -> None:
    """Remove the records of the redone articles (all of them when ``redo`` is ``None``)."""
    if redo is None:
        for table in ASSESS_TABLES:
            store.con.execute(f"DELETE FROM {table}")
        return
    ids = sorted(redo)
    store.con.execute("CREATE OR REPLACE TEMP TABLE _redo AS SELECT unnest(?::VARCHAR[]) AS article", [ids])
    groups = 'SELECT DISTINCT "group" FROM claim_group_members WHERE article IN (SELECT article FROM _redo)'
    events = "SELECT DISTINCT event FROM event_members WHERE article IN (SELECT article FROM _redo)"
    statements = [
        f"DELETE FROM conflict_values WHERE conflict IN (SELECT id FROM conflicts WHERE \"group\" IN ({groups}))",
        f'DELETE FROM conflicts WHERE "group" IN ({groups})',
        f"DELETE FROM claim_groups WHERE id IN ({groups})",
        f"DELETE FROM event_places WHERE event IN ({events})",
        f"DELETE FROM event_conflicts WHERE event IN ({events})",
        f"DELETE FROM events WHERE id IN ({events})",
        # members last: the statements above find their groups and events through them
        "DELETE FROM claim_group_members WHERE article IN (SELECT article FROM _redo)",
        "DELETE FROM event_members WHERE article IN (SELECT article FROM _redo)",
        "DELETE FROM framing_names WHERE article IN (SELECT article FROM _redo)",
        "DELETE FROM framing_spans WHERE article IN (SELECT article FROM _redo)",
        "DELETE FROM findings WHERE article IN (SELECT article FROM _redo)",
    ]
    for statement in statements:
        store.con.execute(statement)
    store.con.execute("DROP TABLE _redo")


_SCOPE_TABLE = ("CREATE TABLE IF NOT EXISTS assess_scopes (article VARCHAR PRIMARY KEY, "
                "story VARCHAR, fingerprint VARCHAR)")


def _save_scopes(store: Store, corpus: CorpusIndex, scopes: dict[str, str] | None) -> None:
    store.con.execute("DELETE FROM assess_scopes")
    if scopes is None:
        return
    rows = sorted((a, s, scopes[s]) for a, s in corpus.story_of.items() if a in corpus.article_ids)
    store.insert_columns("assess_scopes", {name: [r[i] for r in rows]
                                           for i, name in enumerate(("article", "story", "fingerprint"))})


def _fingerprint(store: Store, settings: Settings) -> str:
    link = store.marker("link") or ""
    return content_id("assess", link, *_settings_that_count(settings))


def _settings_key(settings: Settings) -> str:
    """What every story's assessment depends on besides its inputs: a story assessed under
    other settings (another embedder, another technique tagger) is redone."""
    return content_id(__version__, ENRICH_SCHEME, *_settings_that_count(settings))


def _settings_that_count(settings: Settings) -> tuple[str, ...]:
    from .propaganda import technique_model

    if technique_model(settings.technique_tagger) is True:  # hashed: as before the setting
        return (settings.embedder,)
    return (settings.embedder, settings.technique_tagger)
