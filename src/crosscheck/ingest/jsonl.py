"""JSONL files (``.jsonl``, ``.jsonl.gz``): one article per line, streamed.

Each row is a JSON object with ``text`` or ``html`` (``html`` wins when both are given) and
optional ``id``, ``url``, ``outlet``, ``title``, ``published``. The publication date is read
from the first of ``DATE_FIELDS`` the row fills (``published``, ``published_at``,
``published_raw``, ...), after any the ``jsonl_date_fields`` setting names; ``retrieved`` or
``crawled`` (when the row was saved) bound a date found in the text. A row's source is
``PATH#ID`` with its own id, else ``PATH#LINENO`` (1-based). A bad row is rejected and the
rest are kept; ``max_bytes`` caps each row, not the file. A lone surrogate escaped in a string
(``"\\ud800"``) is read as U+FFFD, as undecodable bytes are.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import IO, Any

from ..errors import InputError
from ..records import RawDocument, Rejected
from ..settings import Settings
from .common import make_document, make_rejected
from .decode import decode_bytes

__all__ = ["iter_jsonl", "DATE_FIELDS", "META_FIELDS", "RETRIEVED_FIELDS"]

META_FIELDS = ("url", "outlet", "title", "published")
#: Row fields read as the publication date, first filled one wins (docs/formats.md lists them).
DATE_FIELDS = ("published", "published_at", "published_raw", "publication_date", "date_published",
               "datePublished", "pubdate", "date")
#: Row fields saying when the row was saved: no publication date can be later.
RETRIEVED_FIELDS = ("retrieved", "crawled")
_BODY_FIELDS = ("html", "text")
_SKIP_CHUNK = 1 << 20
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def iter_jsonl(path: str, *, compressed: bool, settings: Settings) -> Iterator[RawDocument | Rejected]:
    """Documents for the rows of the JSONL file at ``path``."""
    rows = 0
    lineno = 0
    named = tuple(f.strip() for f in settings.jsonl_date_fields.split(",") if f.strip())
    date_fields = (*named, *(f for f in DATE_FIELDS if f not in named))
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as stream:
            for lineno, line in _numbered_lines(stream, cap=settings.max_bytes):
                if line is None:
                    yield make_rejected(f"{path}#{lineno}", _over_cap(settings.max_bytes))
                elif line.strip():
                    rows += 1
                    yield _row_document(line, path=path, lineno=lineno, date_fields=date_fields)
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        yield make_rejected(path, f"truncated or corrupt gzip data after line {lineno}: {err}")
        return
    if rows == 0 and lineno == 0:
        yield make_rejected(path, "empty file")
    elif rows == 0:
        yield make_rejected(path, "no rows: every line is blank")


def _numbered_lines(stream: IO[bytes], *, cap: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) pairs; ``None`` for a line longer than ``cap``, which is skipped."""
    lineno = 0
    while True:
        line = stream.readline(cap + 2)
        if not line:
            return
        lineno += 1
        if len(line.rstrip(b"\r\n")) > cap:
            if not line.endswith(b"\n"):
                _skip_rest_of_line(stream)
            yield lineno, None
        else:
            yield lineno, line


def _skip_rest_of_line(stream: IO[bytes]) -> None:
    while True:
        chunk = stream.readline(_SKIP_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def _row_document(line: bytes, *, path: str, lineno: int,
                  date_fields: tuple[str, ...] = DATE_FIELDS) -> RawDocument | Rejected:
    line_source = f"{path}#{lineno}"
    try:
        row = json.loads(decode_bytes(line.rstrip(b"\r\n"), source=line_source))
    except InputError as err:
        return make_rejected(line_source, err.reason)
    except json.JSONDecodeError as err:
        return make_rejected(line_source, f"malformed JSON: {err.msg.removesuffix(' at')} at column {err.colno}")
    if not isinstance(row, dict):
        return make_rejected(line_source, f"row is a JSON {type(row).__name__}, not an object")
    # JSON may escape a lone surrogate ("\ud800"), which no encoder accepts later: read it as U+FFFD
    row = {key: _LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value
           for key, value in row.items()}
    row_id = row.get("id")
    source = f"{path}#{row_id}" if row_id not in (None, "") and not isinstance(row_id, (dict, list)) else line_source
    try:
        return _document(row, source=source, date_fields=date_fields)
    except InputError as err:
        return make_rejected(source, err.reason)


def _document(row: dict[str, Any], *, source: str, date_fields: tuple[str, ...]) -> RawDocument:
    for field in _BODY_FIELDS:
        value = row.get(field)
        if value is not None and not isinstance(value, str):
            raise InputError(source, f"field {field!r} must be a string, got {type(value).__name__}")
    format = next((field for field in _BODY_FIELDS if (row.get(field) or "").strip()), None)
    if format is None:
        raise InputError(source, "row has neither 'text' nor 'html'")
    meta = {field: _meta_value(row, field, source=source) for field in META_FIELDS}
    meta["published"] = _first_value(row, date_fields, source=source)
    document = make_document(source, format, row[format], **meta)
    retrieved = _first_value(row, RETRIEVED_FIELDS, source=source)
    return replace(document, not_after=retrieved) if retrieved else document


def _first_value(row: dict[str, Any], fields: tuple[str, ...], *, source: str) -> str | None:
    for field in fields:
        value = _meta_value(row, field, source=source)
        if value:
            return value
    return None


def _meta_value(row: dict[str, Any], field: str, *, source: str) -> str | None:
    value = row.get(field)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    # A numeric id-like value (an epoch timestamp, say) is kept as written.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise InputError(source, f"field {field!r} must be a string, got {type(value).__name__}")


def _over_cap(cap: int) -> str:
    return f"row is over max_bytes={cap}; raise max_bytes to accept it"
