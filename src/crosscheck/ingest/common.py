"""Building the two records ingest yields: documents and rejects."""

from __future__ import annotations

from ..errors import InputError
from ..records import RawDocument, Rejected, content_id

__all__ = ["STAGE", "make_document", "make_rejected", "rejected_from"]

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
    """A :class:`RawDocument` whose id hashes source and content, so re-runs give equal ids."""
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
