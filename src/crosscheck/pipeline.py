"""The stage registry and ``run()``: inputs -> store.

A stage is a plain function with declared inputs and outputs. ``map`` stages run per document on
an engine, in batches; ``corpus`` stages see the whole corpus through the store. Map stages are
resumable because every batch is written in one transaction and already-stored documents are
skipped; corpus stages leave a completion marker holding a fingerprint of their input, so a re-run
on the same input changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from .assess import ASSESS_TABLES, run_assess
from .batching import batched
from .clean import clean_batch
from .clean.boilerplate import apply_boilerplate, infer_outlets
from .clean.boilerplate_state import drafts_to_apply, learn_stored_boilerplate, save_applied
from .engine import Engine
from .errors import SettingsError
from .ingest import iter_documents
from .ingest.common import ID_SCHEME
from .link import LINK_TABLES, run_link
from .records import ENRICH_SCHEME, Article, Draft, RawDocument, Rejected, Removal, content_id
from .settings import Settings
from .shards import shard_folder, sharded
from .store import Store

__all__ = ["Stage", "STAGES", "RunSummary", "run"]

Progress = Callable[[str, int], None]

# Per-article enrichment output: redone for an article whose cleaned text changes.
ENRICH_TABLES = ("sentences", "mentions", "quantities", "times", "quotes", "claims", "places",
                 "event_mentions")


@dataclass(frozen=True)
class Stage:
    name: str
    kind: str  # "map" or "corpus"
    consumes: tuple[str, ...]
    produces: tuple[str, ...]
    help: str


STAGES: dict[str, Stage] = {
    stage.name: stage
    for stage in (
        Stage("ingest", "map", ("inputs",), ("documents", "rejected"),
              "read files, folders, JSONL, WARC, feeds and URLs into raw documents"),
        Stage("clean", "map", ("documents",), ("drafts", "removals", "rejected"),
              "main-text extraction, page chrome, metadata"),
        Stage("boilerplate", "corpus", ("drafts",), ("articles", "removals", "rejected"),
              "learn what recurs across an outlet or the corpus and remove it"),
        Stage("enrich", "map", ("articles",), ENRICH_TABLES,
              "sentences, entities and aliases, quantities, times, quotes, claims"),
        Stage("link", "corpus", ("articles", *ENRICH_TABLES), LINK_TABLES,
              "entities across articles, stories, derivations with aligned passages"),
        Stage("assess", "corpus", ("claims", *LINK_TABLES), ASSESS_TABLES,
              "claim groups, independent origins, typed conflicts, framing, findings"),
    )
}


@dataclass
class RunSummary:
    documents_seen: int = 0
    documents_skipped: int = 0
    articles: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    # Documents of a store written before ID_SCHEME re-read now under new ids (their old
    # records are replaced): the store's ids changed.
    ids_changed: int = 0


def run(inputs: Sequence[str], *, store: Store, settings: Settings, engine: Engine,
        progress: Progress | None = None, until: str = "assess",
        documents: Iterable[RawDocument | Rejected] | None = None,
        moved_urls: bool = False) -> RunSummary:
    """Run the stages on ``inputs``, up to and including ``until``, leaving results in ``store``.

    ``documents``, when given, are ingested instead of reading ``inputs`` (``crosscheck watch``
    fetches its own). With ``moved_urls`` (watch rounds), a document whose cleaned text is
    already stored from the same outlet under another source is a moved or re-listed URL, not a
    new article: it is rejected, naming the stored source."""
    if until not in STAGES:
        raise SettingsError(f"unknown stage {until!r}: choose one of {', '.join(STAGES)}")
    summary = RunSummary()
    note = progress or (lambda stage, n: None)
    last = list(STAGES).index(until)
    steps = [
        lambda: _run_clean(iter_documents(inputs, settings=settings) if documents is None else documents,
                           store=store, settings=settings, engine=engine, summary=summary, note=note,
                           moved_urls=moved_urls, warm=last >= list(STAGES).index("enrich")),
        lambda: _run_boilerplate(store=store, settings=settings, note=note),
        lambda: _run_enrich(store=store, settings=settings, engine=engine, note=note),
        lambda: run_link(store=store, settings=settings, engine=engine, note=note),
        lambda: run_assess(store=store, settings=settings, engine=engine, note=note),
    ]
    # "ingest" and "clean" run together: documents stream from the inputs into cleaning.
    for step in steps[: max(1, last)]:
        step()
    summary.articles = store.count(Article)
    summary.rejected = list(store.iter_records(Rejected, order_by="source, stage, id"))
    return summary


def _run_clean(items, *, store, settings, engine, summary, note, moved_urls=False, warm=False) -> None:
    """Clean the documents not cleaned yet; with ``warm``, the engine's workers start loading
    the enrichment models at the first new document (``Engine.warm``)."""
    done = store.ids(Draft) | store.ids(Rejected, "stage = 'clean'")
    clean = functools.partial(clean_batch, settings=settings)
    earlier = _earlier_ids(store)
    replaced: set[str] = set()

    def pending() -> Iterator[RawDocument | Rejected]:
        warming = getattr(engine, "warm", None) if warm else None
        for item in items:
            if earlier:
                replaced.update(earlier.get(item.source, set()) - {item.id})
            if isinstance(item, RawDocument):
                summary.documents_seen += 1
                if item.id in done:
                    summary.documents_skipped += 1
                    note("skipped", 1)
                    continue
                if warming is not None:  # a new document: enrich will want its workers
                    warming(functools.partial(_warm_enrich, settings=settings))
                    warming = None
            yield item

    for result in _small_here(engine, clean, batched(pending(), settings.batch_size)):
        if moved_urls:
            result = _moved(store, result)
        with store.transaction():
            summary.ids_changed += _drop_replaced(store, replaced)
            store.write(result)
        note("clean", sum(1 for r in result if not isinstance(r, Removal)))
    with store.transaction():
        summary.ids_changed += _drop_replaced(store, replaced)
        store.set_marker("ids", ID_SCHEME)


def _warm_enrich(*, settings: Settings) -> None:
    from .enrich.stage import warm_up

    warm_up(settings=settings)


def _enrich_task(articles: list[Article], *, settings: Settings) -> list[object]:
    """The enrich stage's task, importing spaCy where it runs (a worker), not in the driver."""
    from .enrich.stage import enrich_batch

    return enrich_batch(articles, settings=settings)


_SMALL_BATCHES = 4  # the first batches of documents are cleaned in the driver


def _small_here(engine: Engine, fn, batches: Iterable[list]) -> Iterator[list]:
    """``fn`` over ``batches``: the first :data:`_SMALL_BATCHES` here, the rest on the engine.
    A run that adds a few documents to a store cleans them in about a second, where starting
    the engine's workers takes several; each result is given as soon as it is done, so a
    stream (a watch round's fetches) writes what it has before it is interrupted."""
    batches = iter(batches)
    for count, batch in enumerate(batches):
        if count == _SMALL_BATCHES:
            yield from engine.map_batches(fn, itertools.chain([batch], batches))
            return
        yield fn(batch)


def _moved(store: Store, result: list[object]) -> list[object]:
    """``result`` with each draft whose text the store already holds from the same outlet under
    another source turned into a reject naming that source (and its removals dropped)."""
    drafts = [d for d in result if isinstance(d, Draft)]
    if not drafts:
        return result
    digests = {d.id: hashlib.md5(d.text.encode("utf-8")).hexdigest() for d in drafts}
    rows = store.con.execute(
        "SELECT outlet, md5(text), min(source) FROM drafts WHERE md5(text) IN "
        "(SELECT unnest(?::VARCHAR[])) GROUP BY ALL", [sorted(set(digests.values()))]).fetchall()
    stored = {(outlet, digest): source for outlet, digest, source in rows}
    moved = {d.id: stored[(d.outlet, digests[d.id])] for d in drafts
             if stored.get((d.outlet, digests[d.id]), d.source) != d.source}
    out: list[object] = []
    for item in result:
        if isinstance(item, Removal) and item.article in moved:
            continue
        if isinstance(item, Draft) and item.id in moved:
            reason = (f"the same text from the same outlet is stored as {moved[item.id]}: a moved "
                      "or re-listed URL, not a new article")
            item = Rejected(content_id("clean", item.source, reason), item.source, "clean", reason)
        out.append(item)
    return out


def _earlier_ids(store: Store) -> dict[str, set[str]]:
    """Source -> ids of its drafts and rejects, for a store written before ids stopped depending
    on where the input lies (empty for a current or new store)."""
    if store.marker("ids") == ID_SCHEME:
        return {}
    earlier: dict[str, set[str]] = {}
    for table in ("drafts", "rejected"):
        for source, record_id in store.con.execute(f"SELECT source, id FROM {table}").fetchall():
            earlier.setdefault(source, set()).add(record_id)
    return earlier


def _drop_replaced(store: Store, replaced: set[str]) -> int:
    """Delete the old-id records of documents re-read under new ids; the number of drafts gone.
    Their articles and enrichment go when the boilerplate stage sees the drafts changed."""
    if not replaced:
        return 0
    ids = sorted(replaced)
    replaced.clear()
    drafts = store.row("SELECT count(*) FROM drafts WHERE id IN (SELECT unnest(?))", [ids])[0]
    store.con.execute("DELETE FROM drafts WHERE id IN (SELECT unnest(?))", [ids])
    store.con.execute("DELETE FROM removals WHERE article IN (SELECT unnest(?))", [ids])
    store.con.execute("DELETE FROM rejected WHERE stage IN ('ingest', 'clean') AND id IN (SELECT unnest(?))", [ids])
    return drafts


def _run_boilerplate(*, store: Store, settings: Settings, note: Progress) -> None:
    fingerprint = _fingerprint(store, settings)
    if store.marker("boilerplate") == fingerprint:
        return
    # Per-document cleaning already took page chrome out of the drafts; the removals still show
    # which drafts share it, which is how outlet-less scrapes of one site are grouped.
    outlets = infer_outlets(store.iter_records(Draft),
                            removals=store.iter_records(Removal, where="stage = 'document'"))
    with store.transaction():
        # each draft's lines are hashed once and kept; the model is counted from them
        model = learn_stored_boilerplate(store, settings=settings, outlets=outlets)
        store.con.execute("CREATE OR REPLACE TEMP TABLE _before AS SELECT id, md5(text) AS h FROM articles")
        # Only drafts new, changed, or holding a line whose entry in the model changed can
        # give other records; every draft on a first run (or under other settings).
        todo = drafts_to_apply(store, model, outlets, settings=settings)
        _apply_boilerplate(store, todo, model, outlets, settings, note)
        save_applied(store, settings=settings)
        changed = store.con.execute(
            "SELECT b.id FROM _before b LEFT JOIN articles a ON a.id = b.id "
            "WHERE a.id IS NULL OR md5(a.text) <> b.h").fetchall()
        store.forget("enrich", [row[0] for row in changed], tables=ENRICH_TABLES)
        store.set_marker("boilerplate", fingerprint)


def _apply_boilerplate(store: Store, todo: list[str] | None, model, outlets: dict,
                       settings: Settings, note: Progress) -> None:
    """Write the articles, removals and rejects of the drafts in ``todo`` (all when None),
    staged and compared so that only rows that differ are rewritten, and drop those of drafts
    gone."""
    scopes = {Article: "true", Removal: "stage = 'boilerplate'", Rejected: "stage = 'boilerplate'"}
    drafts = store.iter_records(Draft)
    if todo is not None:
        store.delete_where(Article, "id NOT IN (SELECT id FROM drafts)")
        store.delete_where(Removal, "stage = 'boilerplate' AND article NOT IN (SELECT id FROM drafts)")
        store.delete_where(Rejected, "stage = 'boilerplate' AND id NOT IN (SELECT id FROM drafts)")
        store.con.execute("CREATE OR REPLACE TEMP TABLE _bp_todo AS SELECT unnest(?::VARCHAR[]) AS id", [todo])
        scopes = {Article: "id IN (SELECT id FROM _bp_todo)",
                  Removal: "stage = 'boilerplate' AND article IN (SELECT id FROM _bp_todo)",
                  Rejected: "stage = 'boilerplate' AND id IN (SELECT id FROM _bp_todo)"}
        drafts = store.iter_records(Draft, where="id IN (SELECT unnest(?))", params=[todo])
    # Drafts stream through their own cursor; the transaction writes other tables only.
    with store.replacing(scopes) as stage:
        for chunk in batched(drafts, 1000):
            stage(_apply(chunk, model, outlets, settings))
            note("boilerplate", len(chunk))
    store.con.execute("DROP TABLE IF EXISTS _bp_todo")


def _run_enrich(*, store: Store, settings: Settings, engine: Engine, note: Progress) -> None:
    """Enrich every article not enriched yet; each batch lands with its completion marks."""
    if store.marker("enrich-scheme") != ENRICH_SCHEME:
        # Enriched by other rules (or not at all): those records are not what this version
        # writes for the same texts, so every article is enriched again.
        with store.transaction():
            store.forget("enrich", store.done_items("enrich"), tables=ENRICH_TABLES)
            # what link and assess built on the old records is built again
            store.con.execute("DELETE FROM markers WHERE stage IN ('link', 'assess')")
            store.set_marker("enrich-scheme", ENRICH_SCHEME)
    done = store.done_items("enrich")
    submitted: deque[list[str]] = deque()

    def batches() -> Iterator[list[Article]]:
        todo = (a for a in store.iter_records(Article) if a.id not in done)
        for batch in batched(todo, settings.batch_size):
            submitted.append([a.id for a in batch])
            yield batch

    enrich = functools.partial(_enrich_task, settings=settings)
    if settings.shard_dir:  # the tasks write their records as Parquet; the driver loads them
        folder = shard_folder(settings.shard_dir, store.path, "enrich")
        enrich = functools.partial(sharded, enrich, folder=str(folder))
    for result in engine.map_batches(enrich, batches()):
        ids = submitted.popleft()
        with store.transaction():
            store.write(result)
            store.mark_done("enrich", ids)
        note("enrich", len(ids))


def _apply(drafts: list[Draft], model, outlets: dict, settings: Settings) -> list[object]:
    out: list[object] = []
    for draft in drafts:
        outlet, outlet_from = outlets.get(draft.id, (None, None))
        article, removals = apply_boilerplate(draft, model, outlet=outlet, outlet_from=outlet_from)
        if len(article.text.strip()) < settings.min_text_chars:
            reason = "no article body left after removing boilerplate learned from the corpus"
            out.append(Rejected(draft.id, draft.source, "boilerplate", reason))
            continue
        out.append(article)
        out.extend(removals)
    return out


def _fingerprint(store: Store, settings: Settings) -> str:
    row = store.row("SELECT count(*), md5(coalesce(string_agg(id, ',' ORDER BY id), '')) FROM drafts")
    return content_id("boilerplate", row[0], row[1], settings.boilerplate_min_articles,
                      settings.boilerplate_corpus_share, settings.min_text_chars)
