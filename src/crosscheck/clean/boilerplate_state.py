"""Each draft's boilerplate keys kept in the store, and the corpus's boilerplate learned from them.

:func:`.boilerplate.learn_boilerplate` hashes every line of every draft each time it learns.
A run that adds a few articles to a large store would hash the whole corpus again to count
lines that did not change. Here each draft's keys (:func:`.boilerplate.draft_keys`: its
candidate lines, crumb-shaped title prefixes and body fingerprint) are kept under a digest of
its title and text (``boilerplate_drafts``, ``boilerplate_keys``). A run hashes the drafts that
are new or changed, drops the keys of drafts gone, and counts the rest inside DuckDB. The
model is the streamed learner's. The counts are exact, where the streamed learner drops lines
seen once when its tables outgrow their bound (beyond two million distinct lines).

Applying the model is a function of the draft, the outlet it is applied under and the model's
entries for its lines and title prefixes. The model and each draft's state are kept as applied
(``boilerplate_model``, ``boilerplate_applied``); :func:`drafts_to_apply` names the drafts for
which one of those changed, and only they are applied again.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from ..batching import batched
from ..records import Draft
from ..settings import Settings
from ..store import Store
from .boilerplate import BoilerplateModel, draft_keys, model_from_tallies

__all__ = ["learn_stored_boilerplate", "drafts_to_apply", "save_applied"]

_TABLES = (
    "CREATE TABLE IF NOT EXISTS boilerplate_drafts (draft VARCHAR PRIMARY KEY, digest VARCHAR, "
    "fingerprint UBIGINT)",
    # kind: 'line' (sentence tells a sentence-shaped line), 'prefix' (a crumb-shaped title
    # prefix, counted) or 'title' (a title prefix looked up when the draft is applied)
    "CREATE TABLE IF NOT EXISTS boilerplate_keys (draft VARCHAR, kind VARCHAR, hash UBIGINT, "
    "sentence BOOLEAN)",
    # what the articles were last written under: each draft's record with the outlet inferred
    # for it, and the model's entries (scope 'outlet', 'corpus' or 'prefix'; outlet '' for corpus)
    "CREATE TABLE IF NOT EXISTS boilerplate_applied (draft VARCHAR PRIMARY KEY, digest VARCHAR)",
    "CREATE TABLE IF NOT EXISTS boilerplate_model (scope VARCHAR, outlet VARCHAR, hash UBIGINT, "
    "count BIGINT)",
)
_CHUNK = 1000
# part of every draft's digest: change it with :func:`.boilerplate.draft_keys` and every draft
# is hashed again
KEYS_SCHEME = "2"


def learn_stored_boilerplate(store: Store, *, settings: Settings,
                             outlets: Mapping[str, tuple[str, str]] | None = None) -> BoilerplateModel:
    """The model :func:`.boilerplate.learn_boilerplate` learns from the store's drafts (with the
    same ``outlets`` for drafts without one), hashing only drafts not hashed before."""
    con = store.con
    for statement in _TABLES:
        con.execute(statement)
    _update_keys(store)
    con.register("_bp_inferred", _inferred(outlets or {}))
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


def _inferred(outlets: Mapping[str, tuple[str, str]]) -> pa.Table:
    """Draft -> the outlet inferred for it and how, as a table to join inside DuckDB."""
    rows = sorted(outlets.items())
    return pa.table({"draft": pa.array([k for k, _ in rows], pa.string()),
                     "outlet": pa.array([v[0] for _, v in rows], pa.string()),
                     "outlet_from": pa.array([v[1] for _, v in rows], pa.string())})


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
            for kind, entries in (("line", keys.lines), ("prefix", [(h, False) for h in keys.prefixes]),
                                  ("title", [(h, False) for h in keys.titles])):
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


# --- applying only what changed -----------------------------------------------------------------


def drafts_to_apply(store: Store, model: BoilerplateModel, outlets: Mapping[str, tuple[str, str]],
                    *, settings: Settings) -> list[str] | None:
    """The drafts whose article, removals or reject may differ from what the store holds when
    ``model`` is applied with ``outlets``: drafts new or changed since they were applied, given
    another outlet, or holding a line or title prefix whose entry in the model changed (came,
    went, or counts other articles). ``None`` when every draft must be applied: nothing was
    kept, or other settings apply. Call :func:`save_applied` once they are written."""
    con = store.con
    _stage_now(store, model, outlets, settings)
    if store.marker("boilerplate-applied") != _applied_key(settings):
        return None
    con.execute("CREATE OR REPLACE TEMP TABLE _bp_changed AS "
                "(SELECT * FROM _bp_model_now EXCEPT SELECT * FROM boilerplate_model) UNION "
                "(SELECT * FROM boilerplate_model EXCEPT SELECT * FROM _bp_model_now)")
    rows = con.execute(
        "SELECT n.draft FROM _bp_now n LEFT JOIN boilerplate_applied a USING (draft) "
        "WHERE a.digest IS DISTINCT FROM n.digest "
        "UNION SELECT k.draft FROM boilerplate_keys k JOIN _bp_now n USING (draft) "
        "JOIN _bp_changed c ON c.hash = k.hash WHERE "
        "(k.kind = 'line' AND (c.scope = 'corpus' OR (c.scope = 'outlet' AND c.outlet = n.outlet))) "
        "OR (k.kind = 'title' AND c.scope = 'prefix' AND c.outlet = n.outlet) ORDER BY 1").fetchall()
    return [row[0] for row in rows]


def save_applied(store: Store, *, settings: Settings) -> None:
    """Keep the model and each draft's state that :func:`drafts_to_apply` staged, as applied."""
    con = store.con
    con.execute("DELETE FROM boilerplate_model")
    con.execute("INSERT INTO boilerplate_model SELECT * FROM _bp_model_now")
    con.execute("DELETE FROM boilerplate_applied")
    con.execute("INSERT INTO boilerplate_applied SELECT draft, digest FROM _bp_now")
    store.set_marker("boilerplate-applied", _applied_key(settings))
    for table in ("_bp_now", "_bp_model_now", "_bp_changed"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _applied_key(settings: Settings) -> str:
    return f"{KEYS_SCHEME}:{settings.min_text_chars}"


def _stage_now(store: Store, model: BoilerplateModel, outlets: Mapping[str, tuple[str, str]],
               settings: Settings) -> None:
    """Temporary tables of each draft's state now (``_bp_now``: the digest of its record and
    inferred outlet, and the outlet it is applied under) and of the model (``_bp_model_now``)."""
    con = store.con
    for statement in _TABLES:
        con.execute(statement)
    con.register("_bp_inferred", _inferred(outlets))
    try:
        # a draft's own outlet wins, as in apply_boilerplate (``is not None``, not truthiness)
        con.execute("CREATE OR REPLACE TEMP TABLE _bp_now AS SELECT d.id AS draft, "
                    "md5(? || chr(0) || CAST(d AS VARCHAR) || chr(0) || coalesce(i.outlet, '') || chr(0) "
                    "|| coalesce(i.outlet_from, '')) AS digest, "
                    "CASE WHEN d.outlet IS NOT NULL THEN d.outlet ELSE i.outlet END AS outlet "
                    "FROM drafts d LEFT JOIN _bp_inferred i ON i.draft = d.id", [_applied_key(settings)])
    finally:
        con.unregister("_bp_inferred")
    entries = ([("outlet", o, h, n) for (o, h), n in model.outlet_lines.items()]
               + [("corpus", "", h, n) for h, n in model.corpus_lines.items()]
               + [("prefix", o, h, n) for (o, h), n in model.outlet_prefixes.items()])
    con.register("_bp_entries", pa.table({
        "scope": pa.array([e[0] for e in entries], pa.string()),
        "outlet": pa.array([e[1] for e in entries], pa.string()),
        "hash": pa.array([e[2] for e in entries], pa.uint64()),
        "count": pa.array([e[3] for e in entries], pa.int64())}))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _bp_model_now AS SELECT * FROM _bp_entries")
    finally:
        con.unregister("_bp_entries")
