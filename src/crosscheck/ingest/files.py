"""Files and folders: dispatch by extension, read within the size cap, decode.

A folder is walked recursively in sorted order, skipping hidden files and folders. A plain
file's source is its path as given (a folder's files are joined under the folder as given).
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator

from ..errors import InputError
from ..records import RawDocument, Rejected
from ..settings import Settings
from .common import make_document, make_rejected
from .decode import decode_bytes
from .feeds import iter_feed
from .fetch import Fetcher
from .jsonl import iter_jsonl
from .urls import iter_url_list, looks_like_url_list
from .warc import iter_warc

__all__ = ["ACCEPTED_EXTENSIONS", "file_kind", "iter_file", "iter_folder"]

_KINDS = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".warc": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".urls": "urls",
}
_GZIPPABLE = frozenset({".txt", ".html", ".htm", ".jsonl", ".warc"})
ACCEPTED_EXTENSIONS: tuple[str, ...] = tuple(sorted([*_KINDS, *(f"{ext}.gz" for ext in _GZIPPABLE)]))


def file_kind(path: str) -> tuple[str, bool] | None:
    """(kind, gzip-compressed) for ``path`` by its extension, or ``None`` if not accepted."""
    name = os.path.basename(path).lower()
    compressed = name.endswith(".gz")
    if compressed:
        name = name[: -len(".gz")]
    ext = os.path.splitext(name)[1]
    if ext not in _KINDS or (compressed and ext not in _GZIPPABLE):
        return None
    return _KINDS[ext], compressed


def iter_folder(folder: str) -> Iterator[str | Rejected]:
    """Paths of the visible files under ``folder``, recursively, in sorted order."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as err:
        yield make_rejected(folder, f"cannot list folder: {err.strerror or err}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        # Symlinked folders are not followed: they can loop.
        if entry.is_dir(follow_symlinks=False):
            yield from iter_folder(path)
        elif entry.is_file():
            yield path


def iter_file(path: str, *, settings: Settings, fetcher: Fetcher) -> Iterator[RawDocument | Rejected]:
    """Documents read from the file at ``path`` (the path also names their sources)."""
    kind = file_kind(path)
    if kind is None:
        yield make_rejected(path, _unsupported(path))
        return
    name, compressed = kind
    if name == "jsonl":
        yield from iter_jsonl(path, compressed=compressed, settings=settings)
    elif name == "warc":
        yield from iter_warc(path, settings=settings)
    else:
        try:
            data = _read_whole(path, compressed=compressed, settings=settings)
        except InputError as err:
            yield make_rejected(path, err.reason)
            return
        yield from _iter_whole_file(data, kind=name, path=path, settings=settings, fetcher=fetcher)


def _iter_whole_file(
    data: bytes, *, kind: str, path: str, settings: Settings, fetcher: Fetcher
) -> Iterator[RawDocument | Rejected]:
    if kind == "feed":
        yield from iter_feed(data, source=path, settings=settings, fetcher=fetcher)
        return
    try:
        text = decode_bytes(data, source=path, html=kind == "html")
    except InputError as err:
        yield make_rejected(path, err.reason)
        return
    if kind == "urls" or (kind == "text" and looks_like_url_list(text)):
        yield from iter_url_list(text, source=path, settings=settings, fetcher=fetcher)
    elif not text.strip():
        yield make_rejected(path, "empty file (whitespace only)")
    else:
        yield make_document(path, kind, text)


def _read_whole(path: str, *, compressed: bool, settings: Settings) -> bytes:
    """The file's bytes (decompressed), refusing a file over max_bytes without reading it all."""
    cap = settings.max_bytes
    try:
        size = os.path.getsize(path)
        if size > cap and not compressed:
            raise InputError(path, f"file is {size} bytes, over max_bytes={cap}; raise max_bytes to read it")
        with (gzip.open(path, "rb") if compressed else open(path, "rb")) as stream:
            data = stream.read(cap + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise InputError(path, f"truncated or corrupt gzip data: {err}") from None
    except OSError as err:
        raise InputError(path, f"cannot read file: {err.strerror or err}") from None
    if len(data) > cap:
        raise InputError(path, f"decompressed size is over max_bytes={cap}; raise max_bytes to read it")
    if not data:
        raise InputError(path, "empty file")
    return data


def _unsupported(path: str) -> str:
    name = os.path.basename(path).lower()
    ext = os.path.splitext(name)[1]
    if ext == ".gz":
        ext = os.path.splitext(name[: -len(ext)])[1] + ext
    shown = f"file type {ext!r}" if ext else "file with no extension"
    return f"unsupported {shown}; accepted: {', '.join(ACCEPTED_EXTENSIONS)}"
