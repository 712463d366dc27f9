"""Each draft's boilerplate keys kept in the store, and the corpus's boilerplate learned from them.

:func:`.boilerplate.learn_boilerplate` hashes every line of every draft each time it learns.
A run that adds a few articles to a large store would hash the whole corpus again to count
lines that did not change. Here each draft's keys (:func:`.boilerplate.draft_keys`: its
candidate lines, crumb-shaped title prefixes and body fingerprint) are kept under a digest of
its title and text (``boilerplate_drafts``, ``boilerplate_keys``). A run hashes the drafts that
are new or changed, drops the keys of drafts gone, and counts the rest inside DuckDB. The
model is the streamed learner's. The counts are exact, where the streamed learner drops lines
seen once when its tables outgrow their bound (beyond two million distinct lines).
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from ..batching import batched
from ..records import Draft
from ..settings import Settings
from ..store import Store
from .boilerplate import BoilerplateModel, draft_keys, model_from_tallies

__all__ = ["learn_stored_boilerplate"]

_TABLES = (
    "CREATE TABLE IF NOT EXISTS boilerplate_drafts (draft VARCHAR PRIMARY KEY, digest VARCHAR, "
    "fingerprint UBIGINT)",
    # kind: 'line' (sentence tells a sentence-shaped line) or 'prefix' (a crumb-shaped title prefix)
    "CREATE TABLE IF NOT EXISTS boilerplate_keys (draft VARCHAR, kind VARCHAR, hash UBIGINT, "
    "sentence BOOLEAN)",
)
_CHUNK = 1000
# part of every draft's digest: change it with :func:`.boilerplate.draft_keys` and every draft
# is hashed again
KEYS_SCHEME = "1"


def learn_stored_boilerplate(store: Store, *, settings: Settings,
                             outlets: Mapping[str, tuple[str, str]] | None = None) -> BoilerplateModel:
    """The model :func:`.boilerplate.learn_boilerplate` learns from the store's drafts (with the
    same ``outlets`` for drafts without one), hashing only drafts not hashed before."""
    con = store.con
    for statement in _TABLES:
        con.execute(statement)
    _update_keys(store)
    inferred = sorted((outlets or {}).items())
    con.register("_bp_inferred", pa.table({"draft": pa.array([k for k, _ in inferred], pa.string()),
                                           "outlet": pa.array([v[0] for _, v in inferred], pa.string())}))
    try:
        # the outlet a draft counts towards: its own, else the one inferred for it
        con.execute("CREATE OR REPLACE TEMP TABLE _bp_outlet AS SELECT d.id AS draft, "
                    "CASE WHEN d.outlet IS NOT NULL AND d.outlet <> '' THEN d.outlet ELSE i.outlet END "
                    "AS outlet FROM drafts d LEFT JOIN _bp_inferred i ON i.draft = d.id")
    finally:
        con.unregister("_bp_inferred")
    try:
        return _model(store, settings)
    finally:
        con.execute("DROP TABLE IF EXISTS _bp_outlet")


def _update_keys(store: Store) -> None:
    con = store.con
    current = con.execute("SELECT id, md5(? || chr(0) || coalesce(title, '') || chr(0) || text) FROM drafts",
                          [KEYS_SCHEME]).fetchall()
    digest = dict(current)
    kept = dict(con.execute("SELECT draft, digest FROM boilerplate_drafts").fetchall())
    stale = [k for k, d in kept.items() if digest.get(k) != d]
    if stale:
        con.execute("DELETE FROM boilerplate_drafts WHERE draft IN (SELECT unnest(?))", [stale])
        con.execute("DELETE FROM boilerplate_keys WHERE draft IN (SELECT unnest(?))", [stale])
    todo = sorted(k for k, d in digest.items() if kept.get(k) != d)
    for ids in batched(todo, _CHUNK):
        drafts = list(store.iter_records(Draft, where="id IN (SELECT unnest(?))", params=[list(ids)]))
        rows: dict[str, list] = {"draft": [], "kind": [], "hash": [], "sentence": []}
        fingerprints = []
        for draft in drafts:
            keys = draft_keys(draft)
            fingerprints.append(keys.fingerprint)
            for kind, entries in (("line", keys.lines), ("prefix", [(h, False) for h in keys.prefixes])):
                for key_hash, sentence in entries:
                    rows["draft"].append(draft.id)
                    rows["kind"].append(kind)
                    rows["hash"].append(key_hash)
                    rows["sentence"].append(sentence)
        store.insert_columns("boilerplate_drafts", {
            "draft": [d.id for d in drafts], "digest": [digest[d.id] for d in drafts],
            "fingerprint": pa.array(fingerprints, pa.uint64())})
        rows["hash"] = pa.array(rows["hash"], pa.uint64())
        store.insert_columns("boilerplate_keys", rows)


_TALLY = ("SELECT {group}, count(*) AS n, least(count(DISTINCT b.fingerprint), 4) AS prints "
          "FROM boilerplate_keys k JOIN boilerplate_drafts b USING (draft) JOIN _bp_outlet o USING (draft) "
          "WHERE k.kind = '{kind}' {outlet} GROUP BY {group} HAVING count(*) >= 2")


def _model(store: Store, settings: Settings) -> BoilerplateModel:
    con = store.con
    articles = con.execute("SELECT count(*) FROM drafts").fetchone()[0]
    outlets = dict(con.execute("SELECT outlet, count(*) FROM _bp_outlet WHERE outlet IS NOT NULL "
                               "GROUP BY outlet").fetchall())
    # a line counts as a sentence when it reads as one in any draft
    sentences = {h for (h,) in con.execute(
        "SELECT DISTINCT hash FROM boilerplate_keys WHERE kind = 'line' AND sentence").fetchall()}
    corpus = {h: (n, p) for h, n, p in con.execute(
        _TALLY.format(group="k.hash", kind="line", outlet="")).fetchall()}
    by_outlet = {(o, h): (n, p) for o, h, n, p in con.execute(
        _TALLY.format(group="o.outlet, k.hash", kind="line", outlet="AND o.outlet IS NOT NULL")).fetchall()}
    prefixes = {(o, h): (n, p) for o, h, n, p in con.execute(
        _TALLY.format(group="o.outlet, k.hash", kind="prefix", outlet="AND o.outlet IS NOT NULL")).fetchall()}
    return model_from_tallies(corpus, by_outlet, prefixes, sentences=sentences, articles=articles,
                              outlets=outlets, settings=settings)
