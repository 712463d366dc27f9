"""Building the two records ingest yields: documents and rejects, and their ids.

A record's ``source`` is where it was read, as given (``corpus/html/a.html``,
``/data/wire.jsonl#row-7``). Its id must not depend on that: the same corpus read from another
folder, or through a symlink, must give the same ids, because ids break ties downstream. So the
id hashes the record's *key* and its content. The key is the source with the input's location
taken off: for a folder input, the path relative to that folder; for a file input, its name; for
a JSONL row, WARC record or feed entry, the file's key then ``#`` and the record's own id; for a
URL, the URL.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Iterator

from ..errors import InputError
from ..records import RawDocument, Rejected, content_id

__all__ = ["ID_SCHEME", "STAGE", "located", "location_prefix", "make_document", "make_rejected",
           "record_key", "rejected_from"]

# Stored with every store this version writes; stores without it hold path-dependent ids.
ID_SCHEME = "2"

STAGE = "ingest"


def make_document(
    source: str,
    format: str,
    content: str,
    *,
    url: str | None = None,
    outlet: str | None = None,
    title: str | None = None,
    published: str | None = None,
) -> RawDocument:
    """A :class:`RawDocument` whose id hashes source and content, so re-runs give equal ids.

    Readers name the full source; :func:`located` then re-keys the id without the input's
    location.
    """
    return RawDocument(
        id=content_id(source, content),
        source=source,
        format=format,
        content=content,
        url=url,
        outlet=outlet,
        title=title,
        published=published,
    )


def make_rejected(source: str, reason: str) -> Rejected:
    return Rejected(id=content_id(STAGE, source, reason), source=source, stage=STAGE, reason=reason)


def rejected_from(err: InputError, source: str) -> Rejected:
    """A reject for ``source``; names the error's own source when it differs (a redirect hop)."""
    reason = err.reason if err.source == source else f"{err.source}: {err.reason}"
    return make_rejected(source, reason)


def location_prefix(item: str) -> str:
    """What to take off the sources read from input ``item`` to get their keys."""
    if os.path.isdir(item):
        return os.path.join(item, "")
    return os.path.join(os.path.dirname(item), "")


def record_key(source: str, prefix: str) -> str:
    """``source`` without ``prefix`` (URLs listed in a file keep their whole URL), with ``/``
    between folder names on every system."""
    if prefix and source.startswith(prefix):
        source = source[len(prefix):]
        head, sep, tail = source.partition("#")
        return head.replace(os.sep, "/") + sep + tail
    return source


def located(records: Iterable[RawDocument | Rejected], prefix: str) -> Iterator[RawDocument | Rejected]:
    """``records`` with ids made from their keys under ``prefix`` instead of their full sources."""
    for record in records:
        key = record_key(record.source, prefix)
        if isinstance(record, RawDocument):
            yield dataclasses.replace(record, id=content_id(key, record.content))
        else:
            yield dataclasses.replace(record, id=content_id(record.stage, key, record.reason))
