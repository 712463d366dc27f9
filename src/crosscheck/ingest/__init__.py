"""Ingest: the CLI's INPUT arguments as a stream of documents and rejects.

Each input is a file, a folder (walked recursively in sorted order, hidden entries skipped) or an
http(s) URL. Output order follows input order, so a re-run yields the same records with the same
ids; ids do not depend on where the input lies (see :mod:`.common`). Nothing is held beyond one document at a time (JSONL and WARC files are streamed), and a bad
input never stops the stream: it becomes a :class:`~crosscheck.records.Rejected` naming the
file, row, record or URL and the reason.

Example::

    from crosscheck.ingest import iter_documents
    from crosscheck.settings import Settings

    for record in iter_documents(["saved-pages/", "https://example.org/feed.xml"], settings=Settings()):
        print(record.source)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence

import httpx

from ..records import RawDocument, Rejected
from ..settings import Settings
from .common import STAGE, located, location_prefix, make_rejected
from .files import ACCEPTED_EXTENSIONS, iter_file, iter_folder
from .fetch import Fetcher
from .urls import is_http_url, iter_url

__all__ = ["ACCEPTED_EXTENSIONS", "STAGE", "iter_documents"]

_URL_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def iter_documents(
    inputs: Sequence[str],
    *,
    settings: Settings,
    transport: httpx.BaseTransport | None = None,
) -> Iterator[RawDocument | Rejected]:
    """Documents and rejects for ``inputs`` in order; ``transport`` replaces the network."""
    with Fetcher(settings=settings, transport=transport) as fetcher:
        for item in inputs:
            prefix = "" if is_http_url(item) else location_prefix(item)
            yield from located(_iter_input(item, settings=settings, fetcher=fetcher), prefix)


def _iter_input(item: str, *, settings: Settings, fetcher: Fetcher) -> Iterator[RawDocument | Rejected]:
    if is_http_url(item):
        yield from iter_url(item.strip(), settings=settings, fetcher=fetcher)
        return
    scheme = _URL_SCHEME.match(item)
    if scheme:
        yield make_rejected(item, f"unsupported URL scheme {scheme.group(1)!r}; only http and https are fetched")
    elif os.path.isdir(item):
        yield from _iter_folder_documents(item, settings=settings, fetcher=fetcher)
    elif os.path.isfile(item):
        yield from iter_file(item, settings=settings, fetcher=fetcher)
    elif os.path.exists(item):
        yield make_rejected(item, "not a regular file or folder")
    else:
        yield make_rejected(item, "no such file or folder")


def _iter_folder_documents(
    folder: str, *, settings: Settings, fetcher: Fetcher
) -> Iterator[RawDocument | Rejected]:
    found = False
    for path in iter_folder(folder):
        if isinstance(path, Rejected):
            yield path
            continue
        found = True
        yield from iter_file(path, settings=settings, fetcher=fetcher)
    if not found:
        yield make_rejected(folder, "folder holds no visible files")
