"""Flat, frozen, typed records that flow between pipeline stages.

Every record has a content-hash ``id`` (see :func:`content_id`), so re-running a stage on the
same input yields the same ids and the store can skip or replace rows without duplicates.
Offsets are character offsets into an article's cleaned ``text``. Records never hold object
graphs or parser objects: they cross process boundaries and land in DuckDB tables whose schema
is derived from the fields below (see ``store.py``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

__all__ = [
    "RawDocument",
    "Draft",
    "Article",
    "Removal",
    "Rejected",
    "RECORD_TYPES",
    "content_id",
    "record_table",
]


def content_id(*parts: object) -> str:
    """A stable 16-hex-digit id from the given parts (``None`` and ``""`` differ)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(b"\x00" if part is None else b"\x01" + str(part).encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input document as read, before any cleaning.

    ``source`` names where it came from: the path as given; ``PATH#ID`` for a JSONL row (its own
    ``id`` or its line number); ``PATH#RECORD-ID`` for a WARC record; a URL for fetched pages;
    ``PATH#ITEM`` for a feed entry. ``format`` is ``"html"`` or ``"text"``. ``url``, ``outlet``,
    ``title`` and ``published`` hold what the input declared, if anything.
    """

    id: str
    source: str
    format: str
    content: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    """An article after per-document cleaning, before corpus-level boilerplate removal.

    Same fields as :class:`Article`; ``id`` is the id of the :class:`RawDocument` it came from.
    """

    id: str
    source: str
    url: str | None
    outlet: str | None
    outlet_from: str | None
    title: str | None
    published: str | None
    published_from: str | None
    language: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: the unit every later stage works on.

    ``published`` is an ISO date (``YYYY-MM-DD``) or ``None``; ``published_from`` says where it
    came from: ``input``, ``meta``, ``url`` or ``text``. ``outlet_from`` likewise: ``input``,
    ``url``, ``meta``, ``crumb`` or ``chrome`` (articles sharing learned page chrome).
    """

    id: str
    source: str
    url: str | None
    outlet: str | None
    outlet_from: str | None
    title: str | None
    published: str | None
    published_from: str | None
    language: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Removal:
    """Text removed from an article during cleaning, with the reason and the stage that did it.

    ``position`` orders removals within an article (the character offset in the text the
    removing stage saw, so removals read in document order).
    """

    id: str
    article: str
    stage: str
    position: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input, or part of one, that a stage could not use: never dropped silently."""

    id: str
    source: str
    stage: str
    reason: str


RECORD_TYPES: dict[str, type] = {
    "documents": RawDocument,
    "drafts": Draft,
    "articles": Article,
    "removals": Removal,
    "rejected": Rejected,
}


def record_table(record_type: type) -> str:
    """The store table that holds records of ``record_type``."""
    for table, cls in RECORD_TYPES.items():
        if cls is record_type:
            return table
    raise KeyError(f"{record_type.__name__} has no table")


def field_names(record_type: type) -> list[str]:
    return [f.name for f in fields(record_type)]
