"""The DuckDB store: one table per record type, bulk writes through Arrow, keyed by ids.

Tables are derived from the record dataclasses (``records.RECORD_TYPES``). Writes insert-or-
ignore by ``id``, so replaying a batch after an interruption changes nothing. Corpus stages
replace their own output inside one transaction and leave a completion marker (``markers``),
so an interrupted run resumes where it stopped and a re-run with the same input is a no-op.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import operator
import types
import typing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from pathlib import Path

import duckdb
import pyarrow as pa

from .errors import StoreError
from .records import RECORD_TYPES, record_table
from .shards import Shards

__all__ = ["Store", "ArticleRecords", "STORED_TYPES", "EXPORT_FORMATS", "export"]

# RawDocument stays out: raw pages can be huge and are cheap to read again from the inputs.
STORED_TYPES: dict[str, type] = {k: v for k, v in RECORD_TYPES.items() if k != "documents"}

_SQL_TYPES = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN",
              tuple: "VARCHAR[]"}
_ARROW_TYPES = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(),
                tuple: pa.list_(pa.string())}


def _base_type(hint: object) -> type:
    """``str | None`` -> ``str``; ``tuple[str, ...]`` -> ``tuple``; plain types pass through."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _base_type(args[0])
    if typing.get_origin(hint) is tuple:
        return tuple
    return hint  # type: ignore[return-value]


@functools.lru_cache(maxsize=None)  # type hints are strings: resolving them compiles each one
def _columns(record_type: type) -> list[tuple[str, type]]:
    hints = typing.get_type_hints(record_type)
    return [(f.name, _base_type(hints[f.name])) for f in fields(record_type)]


@functools.cache
def _maker(record_type: type) -> Callable[[Sequence[object]], object]:
    """A stored row (the record's columns in order) -> the record: DuckDB hands lists back
    where records hold tuples."""
    lists = [i for i, (_, t) in enumerate(_columns(record_type)) if t is tuple]
    if not lists:
        return lambda row: record_type(*row)
    return lambda row: record_type(*(tuple(v) if i in lists and v is not None else v
                                     for i, v in enumerate(row)))


def _definition(record_type: type) -> str:
    """The columns of a record type's table, with its key, for ``CREATE TABLE``."""
    cols = ", ".join(f'"{name}" {_SQL_TYPES[t]}' for name, t in _columns(record_type))
    return f"{cols}, PRIMARY KEY (id)"


def _quoted(names: list[str]) -> str:
    """Column names quoted: records use words SQL reserves (``start``, ``end``, ``index``)."""
    return ", ".join('"' + name + '"' for name in names)


def _schema(record_type: type) -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[t]) for name, t in _columns(record_type)])


def records_table(record_type: type, rows: list[object]) -> pa.Table:
    """Records of one stored type as an Arrow table with the store's column types."""
    schema = _schema(record_type)
    return pa.table({name: [getattr(r, name) for r in rows] for name in schema.names}, schema=schema)


class Store:
    """A crosscheck store in one DuckDB file (``":memory:"`` for a throwaway one)."""

    def __init__(self, path: str | Path, *, read_only: bool = False):
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(self.path, read_only=read_only)
        except (duckdb.Error, OSError) as exc:
            if "lock" in str(exc).lower():
                raise StoreError(_locked(self.path, exc)) from exc
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        # columns an older store lacks read as NULL when it may not be altered (read-only)
        self._absent: set[tuple[str, str]] = set()
        # tables an older store lacks read as empty when it may not be altered (read-only)
        self._absent_tables: set[str] = set()
        if not read_only:
            self._create_tables()
        else:
            self._absent = self._missing_columns()
            self._absent_tables = set(STORED_TYPES) - set(self._column_names())

    def _create_tables(self) -> None:
        # One transaction: a run killed while the store is being set up leaves all tables or none.
        with self.transaction():
            for table, record_type in STORED_TYPES.items():
                self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({_definition(record_type)})")
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS markers (stage VARCHAR PRIMARY KEY, fingerprint VARCHAR)"
            )
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS done (stage VARCHAR, item VARCHAR, PRIMARY KEY (stage, item))"
            )
            self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """A store written before a record gained a field (new fields go at the end, with a
        default) gets the column, empty, so that it opens and resumes as before."""
        missing = self._missing_columns()
        for table, record_type in STORED_TYPES.items():
            for name, hint in _columns(record_type):  # in field order: rows are inserted by position
                if (table, name) in missing:
                    self.con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {_SQL_TYPES[hint]}')

    def _column_names(self) -> dict[str, set[str]]:
        names: dict[str, set[str]] = {}
        for table, column in self.con.execute(
                "SELECT table_name, column_name FROM information_schema.columns").fetchall():
            names.setdefault(table, set()).add(column)
        return names

    def _missing_columns(self) -> set[tuple[str, str]]:
        """``(table, column)`` of record fields an existing table lacks."""
        have = self._column_names()
        return {(table, name) for table, record_type in STORED_TYPES.items() if table in have
                for name, _ in _columns(record_type) if name not in have[table]}

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all (a SIGKILL leaves no half batch).

        A write the store refuses (a full disk, a file size limit) ends in a :class:`StoreError`
        saying so; the store keeps what the transactions before this one committed."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
            self.con.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):  # a failed COMMIT already rolled back
                self.con.execute("ROLLBACK")
            if isinstance(exc, (duckdb.Error, OSError)) and not isinstance(exc, duckdb.InterruptException):
                raise StoreError(f"cannot write to store {self.path}: {_one_line(exc)}. Nothing of "
                                 "the batch being written was kept; the store holds what earlier "
                                 "batches wrote, and a re-run resumes from there once the cause "
                                 "(often a full disk) is fixed") from exc
            raise

    def write(self, records: Iterable[object] | Shards) -> int:
        """Insert records of any stored type, ignoring ids already present, or load the
        :class:`~crosscheck.shards.Shards` a task wrote in their place (and remove the files).
        Returns rows given."""
        if isinstance(records, Shards):
            return self._load(records)
        by_type = _by_type(records)
        for record_type, rows in sorted(by_type.items(), key=lambda kv: kv[0].__name__):
            self._insert(record_type, rows)
        return sum(len(rows) for rows in by_type.values())

    def replace(self, record_type: type, rows: list[object]) -> None:
        """Make the table of ``record_type`` hold exactly ``rows`` (first of each id), touching
        only the rows that differ: a stage that recomputes a whole table each run (link) writes
        what changed, not the table again with its index."""
        with self.replacing({record_type: "true"}) as stage:
            stage(rows)

    @contextlib.contextmanager
    def replacing(self, scopes: Mapping[type, str]) -> Iterator[Callable[[Iterable[object]], None]]:
        """Stage records batch by batch (the yielded function takes any of ``scopes``' types);
        on leaving, each type's rows that match its condition in ``scopes`` become exactly the
        staged ones (first of each id), and only the rows that differ are deleted or inserted.
        Memory holds one batch; the staged rows wait in temporary tables."""
        wanted = {t: f"_wanted_{record_table(t)}" for t in scopes}
        for record_type, staging in wanted.items():  # keyed like the table: the first row of an id stays
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {staging} ({_definition(record_type)})")

        def stage(records: Iterable[object]) -> None:
            for record_type, rows in _by_type(records).items():
                self._insert(record_type, rows, into=wanted[record_type])

        try:
            yield stage
            for record_type, where in scopes.items():
                table, staging = record_table(record_type), wanted[record_type]
                self.con.execute(f"DELETE FROM {table} WHERE ({where}) AND id IN (SELECT id FROM "
                                 f"(SELECT * FROM {table} WHERE ({where}) EXCEPT SELECT * FROM {staging}))")
                self.con.execute(f"INSERT OR IGNORE INTO {table} SELECT * FROM {staging} "
                                 f"EXCEPT SELECT * FROM {table}")
        finally:
            for staging in wanted.values():
                self.con.execute(f"DROP TABLE IF EXISTS {staging}")

    def insert_columns(self, table: str, columns: Mapping[str, list], *, replace: bool = False) -> None:
        """Insert rows given column by column (names in the table's order) into one of the
        store's own tables (a stage's kept state), replacing rows of the same key with
        ``replace``; nothing when the columns are empty."""
        if not next(iter(columns.values()), None):
            return
        self.con.register("_columns", pa.table(dict(columns)))
        try:
            self.con.execute(f"INSERT {'OR REPLACE ' if replace else ''}INTO {table} SELECT * FROM _columns")
        finally:
            self.con.unregister("_columns")

    def _insert(self, record_type: type, rows: list[object], *, into: str | None = None) -> None:
        """Insert ``rows`` into their table (or the table ``into``, e.g. a staging table)."""
        self.con.register("_incoming", records_table(record_type, rows))
        try:
            self._insert_from(into or record_table(record_type), "_incoming")
        finally:
            self.con.unregister("_incoming")

    def _insert_from(self, table: str, source: str, params: list[object] | None = None) -> None:
        # Deduplicate inside the batch too: INSERT OR IGNORE only guards against stored rows.
        self.con.execute(f"INSERT OR IGNORE INTO {table} SELECT * FROM {source} "
                         "QUALIFY row_number() OVER (PARTITION BY id) = 1", params or [])

    def _load(self, shards: Shards) -> int:
        for shard in shards.files:
            if shard.table not in STORED_TYPES:
                raise StoreError(f"shard {shard.path} names no table of this store: {shard.table}")
            self._insert_from(shard.table, "read_parquet(?)", [shard.path])
        for shard in shards.files:
            Path(shard.path).unlink(missing_ok=True)
        return len(shards)

    def delete_where(self, record_type: type, condition: str, params: list[object] | None = None) -> None:
        self.con.execute(f"DELETE FROM {record_table(record_type)} WHERE {condition}", params or [])

    def has_table(self, table: str) -> bool:
        """False for a table of a newer record type that a read-only older store lacks."""
        return table not in self._absent_tables

    def ids(self, record_type: type, where: str = "true", params: list[object] | None = None) -> set[str]:
        table = record_table(record_type)
        if not self.has_table(table):
            return set()
        rows = self.con.execute(f"SELECT id FROM {table} WHERE {where}", params or []).fetchall()
        return {row[0] for row in rows}

    def row(self, sql: str, params: list[object] | None = None) -> tuple | None:
        """The first row of a query, with the result read to its end: DuckDB keeps a result
        that was only partly fetched open, and the connection refuses other work until then."""
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    def count(self, record_type: type) -> int:
        if not self.has_table(record_table(record_type)):
            return 0
        return self.row(f"SELECT count(*) FROM {record_table(record_type)}")[0]

    def _selected(self, record_type: type, alias: str = "") -> str:
        """The select list of a record type's columns (``NULL`` for one an older store lacks),
        each prefixed with ``alias``."""
        table = record_table(record_type)
        return ", ".join("NULL" if (table, n) in self._absent else alias + _quoted([n])
                         for n, _ in _columns(record_type))

    def iter_records(self, record_type: type, *, where: str = "true", order_by: str = "id",
                     params: list[object] | None = None, chunk: int = 2048) -> Iterator[object]:
        """Stream records of a type in a stable order, ``chunk`` rows at a time."""
        table = record_table(record_type)
        if not self.has_table(table):
            return
        cursor = self.con.cursor()
        cursor.execute(
            f"SELECT {self._selected(record_type)} FROM {table} "
            f"WHERE {where} ORDER BY {order_by}",
            params or [],
        )
        make = _maker(record_type)
        while rows := cursor.fetchmany(chunk):
            for row in rows:
                yield make(row)
        cursor.close()

    def records(self, record_type: type, *, where: str = "true", order_by: str = "id",
                params: list[object] | None = None) -> list[object]:
        """Like ``iter_records``, read whole on this connection (no cursor of its own): for
        small answers asked often, such as one article's rows in ``crosscheck serve``."""
        table = record_table(record_type)
        if not self.has_table(table):
            return []
        rows = self.con.execute(f"SELECT {self._selected(record_type)} FROM {table} "
                                f"WHERE {where} ORDER BY {order_by}", params or []).fetchall()
        return list(map(_maker(record_type), rows))

    def records_of_articles(self, record_type: type, articles: Iterable[str], *,
                            order_by: str = "article, id") -> dict[str, list]:
        """Records of a type for the given article ids, grouped by article (one query)."""
        grouped: dict[str, list] = defaultdict(list)
        ids = sorted(set(articles))
        if ids:
            for record in self.iter_records(record_type, where="article IN (SELECT unnest(?))",
                                            order_by=order_by, params=[ids]):
                grouped[record.article].append(record)
        return grouped

    def marker(self, stage: str) -> str | None:
        row = self.row("SELECT fingerprint FROM markers WHERE stage = ?", [stage])
        return row[0] if row else None

    def set_marker(self, stage: str, fingerprint: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO markers VALUES (?, ?)", [stage, fingerprint])

    def done_items(self, stage: str) -> set[str]:
        """Items (article ids) a per-article stage has finished, written with its output."""
        rows = self.con.execute("SELECT item FROM done WHERE stage = ?", [stage]).fetchall()
        return {row[0] for row in rows}

    def mark_done(self, stage: str, items: Iterable[str]) -> None:
        batch = pa.table({"stage": [stage] * len(items := sorted(set(items))), "item": items},
                         schema=pa.schema([("stage", pa.string()), ("item", pa.string())]))
        self.con.register("_done", batch)
        try:
            self.con.execute("INSERT OR IGNORE INTO done SELECT * FROM _done")
        finally:
            self.con.unregister("_done")

    def forget(self, stage: str, items: Iterable[str], *, tables: Iterable[str]) -> None:
        """Drop a per-article stage's output for ``items`` so the stage redoes them."""
        items = sorted(set(items))
        if not items:
            return
        for table in tables:
            self.con.execute(f"DELETE FROM {table} WHERE article IN (SELECT unnest(?))", [items])
        self.con.execute("DELETE FROM done WHERE stage = ? AND item IN (SELECT unnest(?))", [stage, items])

    def table_names(self) -> list[str]:
        return list(STORED_TYPES)


class ArticleRecords(Mapping):
    """Records of one type by article id, read lazily from the store: the records of the whole
    corpus never sit in memory at once.

    Lookups in ascending article-id order (how corpus stages walk articles) follow one cursor
    over the table sorted by article, holding one article's records at a time; a lookup of an
    earlier id than the last one asks the store for that article alone."""

    def __init__(self, store: Store, record_type: type, *, order_by: str = "start, id"):
        self._store, self._type, self._order = store, record_type, order_by
        self._groups = itertools.groupby(
            store.iter_records(record_type, order_by=f"article, {order_by}"),
            key=operator.attrgetter("article"))
        self._head: tuple[str, list] | None = self._next_group()
        self._last: str | None = None

    def _next_group(self) -> tuple[str, list] | None:
        found = next(self._groups, None)
        return None if found is None else (found[0], list(found[1]))

    def __getitem__(self, article: str) -> list:
        if self._last is not None and article < self._last:
            found = self._store.records_of_articles(self._type, [article],
                                                    order_by=f"article, {self._order}")
            return found[article] if article in found else self._missing(article)
        self._last = article
        while self._head is not None and self._head[0] < article:
            self._head = self._next_group()
        if self._head is not None and self._head[0] == article:
            return self._head[1]
        return self._missing(article)

    @staticmethod
    def _missing(article: str) -> list:
        raise KeyError(article)

    def __iter__(self) -> Iterator[str]:
        table = record_table(self._type)
        rows = self._store.con.execute(f"SELECT DISTINCT article FROM {table} ORDER BY article")
        return iter([row[0] for row in rows.fetchall()])

    def __len__(self) -> int:
        table = record_table(self._type)
        return self._store.row(f"SELECT count(DISTINCT article) FROM {table}")[0]


EXPORT_FORMATS = ("json", "parquet", "csv")


# Corpus-level tables name the outlets behind each row: (table, how to reach its articles).
_OUTLETS_THROUGH = {
    "stories": "SELECT story AS k, article FROM story_members",
    "claim_groups": 'SELECT "group" AS k, article FROM claim_group_members',
    "conflicts": "SELECT v.conflict AS k, v.article FROM conflict_values v",
    "entities": "SELECT k.entity AS k, m.article FROM entity_keys k JOIN mentions m ON m.key = k.key",
    "events": "SELECT event AS k, article FROM event_members",
}


def _locked(path: str, exc: BaseException) -> str:
    return (f"store {path} is locked by another process (DuckDB's lock on the file: "
            f"{_one_line(exc)}). One store takes one writer at a time: wait for the other "
            "crosscheck run (or serve) to finish, or give this run its own --db")


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _export_query(store: Store, table: str) -> str:
    """Every exported row names its outlet(s): tables keyed to an article join it in; derivations
    name both sides; corpus-level rows list the outlets of their articles."""
    columns = [name for name, _ in _columns(STORED_TYPES[table])]
    if "outlet" in columns:
        return f"SELECT * FROM {table} ORDER BY id"
    if "article" in columns:
        return (f"SELECT t.*, a.outlet FROM {table} t LEFT JOIN articles a ON a.id = t.article "
                "ORDER BY t.id")
    if table == "derivations":
        return ("SELECT t.*, s.outlet AS source_outlet, d.outlet AS derived_outlet FROM derivations t "
                "LEFT JOIN articles s ON s.id = t.source LEFT JOIN articles d ON d.id = t.derived "
                "ORDER BY t.id")
    if table == "passages":
        return ("SELECT t.*, s.outlet AS source_outlet, d.outlet AS derived_outlet FROM passages t "
                "LEFT JOIN derivations x ON x.id = t.derivation "
                "LEFT JOIN articles s ON s.id = x.source LEFT JOIN articles d ON d.id = x.derived "
                "ORDER BY t.id")
    if table in _OUTLETS_THROUGH:
        return (f"SELECT t.*, o.outlets FROM {table} t LEFT JOIN (SELECT r.k, "
                "list_sort(list_distinct(list(a.outlet))) AS outlets "
                f"FROM ({_OUTLETS_THROUGH[table]}) r JOIN articles a ON a.id = r.article GROUP BY r.k) o "
                "ON o.k = t.id ORDER BY t.id")
    return f"SELECT *, NULL::VARCHAR AS outlet FROM {table} ORDER BY id"


def export(store: Store, out_dir: str | Path, *, fmt: str) -> list[Path]:
    """Write every table to ``out_dir`` as ``TABLE.json`` / ``.parquet`` / ``.csv``."""
    if fmt not in EXPORT_FORMATS:
        raise StoreError(f"unknown export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    options = {"json": "FORMAT JSON, ARRAY true", "parquet": "FORMAT PARQUET", "csv": "FORMAT CSV, HEADER true"}
    written = []
    for table in STORED_TYPES:
        if not store.has_table(table):
            continue
        path = out / f"{table}.{fmt}"
        query = _export_query(store, table)
        store.con.execute(f"COPY ({query}) TO '{_sql_path(path)}' ({options[fmt]})")
        written.append(path)
    return written


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _by_type(records: Iterable[object]) -> dict[type, list[object]]:
    by_type: dict[type, list[object]] = {}
    for record in records:
        by_type.setdefault(type(record), []).append(record)
    return by_type
