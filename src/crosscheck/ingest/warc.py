"""WARC crawls (``.warc``, ``.warc.gz``): one document per HTML response, streamed.

Request, metadata, warcinfo and revisit records describe the crawl, not pages, and are skipped.
A response (or resource) that is not HTML, not a success, has no target URI, or is over
``max_bytes`` is rejected with the reason. The cap applies per record, never to the whole file:
crawls are large by nature. A record warcio cannot parse at all becomes a reject naming the file
and the record's number; the records before it are kept, and the run goes on.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import replace

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader

from ..errors import InputError
from ..records import RawDocument, Rejected
from ..settings import Settings
from .common import make_document, make_rejected
from .decode import charset_from_content_type, decode_bytes

__all__ = ["iter_warc"]

_PAGE_RECORDS = frozenset({"response", "resource"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def iter_warc(path: str, *, settings: Settings) -> Iterator[RawDocument | Rejected]:
    """Documents for the HTML responses in the WARC file at ``path`` (also names sources)."""
    read = pages = 0
    try:
        with open(path, "rb") as stream:
            for record in _archive(stream):
                if record.rec_type is None or record.length is None:
                    yield make_rejected(path, f"truncated or malformed WARC record header after {_records(read)}")
                    return
                if not (record.format or "").startswith("warc"):
                    yield make_rejected(path, f"not a WARC file: after {_records(read)}, the data reads as "
                                        "an ARC record (or none); ARC crawls are not read")
                    return
                read += 1
                if record.rec_type in _PAGE_RECORDS:
                    pages += 1
                    yield _record_document(record, path=path, number=read, settings=settings)
    except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as err:
        yield make_rejected(path, f"unreadable or truncated WARC data after {_records(read)}: {_one_line(err)}")
        return
    except Exception as err:  # warcio's own bugs on malformed records must not end the run
        yield make_rejected(f"{path}#record-{read + 1}", f"WARC record {read + 1} cannot be parsed "
                            f"({type(err).__name__}: {_one_line(err)}); the records after it are skipped")
        return
    if pages == 0:  # every input is kept or rejected: a crawl with no pages is said so
        yield make_rejected(path, "empty WARC file: no records" if read == 0 else
                            f"no response or resource records among its {_records(read)}")


class _Loader(ArcWarcRecordLoader):
    """warcio's loader, with a missing WARC-Target-URI read as empty (warcio calls
    ``uri.startswith`` on it and fails); such a record is rejected by name below."""

    def load_http_headers(self, rec_type, uri, stream, length):
        return super().load_http_headers(rec_type, uri or "", stream, length)


def _archive(stream) -> ArchiveIterator:
    archive = ArchiveIterator(stream)
    archive.loader = _Loader(verify_http=False, arc2warc=False)  # ArchiveIterator's defaults
    return archive


def _record_document(record: ArcWarcRecord, *, path: str, number: int, settings: Settings) -> RawDocument | Rejected:
    record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>")
    source = f"{path}#{record_id or 'record-' + str(number)}"
    url = record.rec_headers.get_header("WARC-Target-URI")
    if not url:
        return make_rejected(source, f"{record.rec_type} record has no WARC-Target-URI (the page has no address)")
    content_type = _content_type(record)
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in _HTML_TYPES:
        return make_rejected(source, f"{record.rec_type} is not HTML (content type {content_type or 'missing'!r})")
    status = _status(record)
    if status is not None and not 200 <= status < 300:
        return make_rejected(source, f"response has HTTP status {status}, not a page")
    payload = record.content_stream().read(settings.max_bytes + 1)
    if len(payload) > settings.max_bytes:
        return make_rejected(source, f"record payload is over max_bytes={settings.max_bytes}; raise max_bytes to accept it")
    if _ended_early(record):
        return make_rejected(source, "record is truncated: the file ends inside it")
    if not payload.strip():
        return make_rejected(source, "response has an empty body")
    try:
        content = decode_bytes(payload, source=source, declared=charset_from_content_type(content_type), html=True)
    except InputError as err:
        return make_rejected(source, err.reason)
    document = make_document(source, "html", content, url=url)
    # a page cannot have been published after it was crawled (clean reads the date)
    crawled = (record.rec_headers.get_header("WARC-Date") or "").strip()
    return replace(document, not_after=crawled) if crawled else document


def _ended_early(record: ArcWarcRecord) -> bool:
    """True when the file ended before the record's declared length (a cut-off download)."""
    # warcio reads a cut gzip member without complaint; only the length shows the loss.
    raw = record.raw_stream
    return getattr(raw, "limit", 0) > 0 and raw.read(1) == b""


def _content_type(record: ArcWarcRecord) -> str | None:
    if record.http_headers is not None:
        return record.http_headers.get_header("Content-Type")
    return record.rec_headers.get_header("Content-Type")


def _status(record: ArcWarcRecord) -> int | None:
    if record.http_headers is None or record.rec_type != "response":
        return None
    code = record.http_headers.get_statuscode()
    return int(code) if code and code.isdigit() else None


def _records(count: int) -> str:
    return f"{count} record{'s' if count != 1 else ''}"


def _one_line(err: BaseException) -> str:
    """The error's first line, printable (warcio quotes the raw bytes it choked on), at most 200
    characters."""
    text = str(err).strip()
    line = text.splitlines()[0] if text else type(err).__name__
    line = "".join(c if c.isprintable() else repr(c)[1:-1] for c in line)
    return line if len(line) <= 200 else line[:199] + "…"
